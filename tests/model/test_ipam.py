"""The ipamd model against every worked case of ipamd-model.md (§3-§7) and the VPC CNI docs tables."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from eksadvisor.errors import InputError, UnknownInstanceType
from eksadvisor.model.ipam import (
    NodeGroupLoad,
    WarmSettings,
    cluster_usage,
    ip_usage,
    node_totals,
    node_usage,
    spread,
)
from eksadvisor.model.maxpods import max_pods as calc_max_pods
from eksadvisor.model.warmpool import recommend_warm_settings


def W(**kw) -> WarmSettings:
    return WarmSettings(**kw)


# ------------------------------------------------------------------------------------ §5 golden cases
class Node(NamedTuple):
    """A worked case's node: its type, its IP-using pods and the max-pods the doc's table gives it."""
    instance_type: str
    pods: int
    max_pods: int
    prefix_delegation: bool = False
    custom_networking: bool = False
    warm: WarmSettings = WarmSettings()


class Settled(NamedTuple):
    """The settled ipamd state the doc works out for that node (§5 table columns): ENIs, secondary IPs, /28
    prefixes, addresses taken from the node subnet, from the pod subnet (custom networking) and in all, free IPs."""
    enis: int
    ips: int
    prefixes: int
    node: int
    pod: int
    total: int
    free: int


class GoldenCase(NamedTuple):
    id: str
    node: Node
    settled: Settled


GOLDEN = [
    GoldenCase("G01", Node("m5.large", pods=0, max_pods=29),
               Settled(enis=1, ips=9, prefixes=0, node=10, pod=0, total=10, free=9)),
    GoldenCase("G02", Node("m5.large", pods=1, max_pods=29),
               Settled(enis=2, ips=18, prefixes=0, node=20, pod=0, total=20, free=17)),
    GoldenCase("G04", Node("m5.large", pods=10, max_pods=29),
               Settled(enis=3, ips=27, prefixes=0, node=30, pod=0, total=30, free=17)),
    GoldenCase("G05", Node("m5.large", pods=27, max_pods=29),
               Settled(enis=3, ips=27, prefixes=0, node=30, pod=0, total=30, free=0)),
    GoldenCase("G15", Node("m5.large", pods=0, max_pods=29, warm=W(warm_ip_target=5)),
               Settled(enis=1, ips=5, prefixes=0, node=6, pod=0, total=6, free=5)),
    GoldenCase("G17", Node("m5.large", pods=3, max_pods=29, warm=W(warm_ip_target=2, minimum_ip_target=12)),
               Settled(enis=2, ips=12, prefixes=0, node=14, pod=0, total=14, free=9)),
    GoldenCase("G24", Node("m5.large", pods=0, max_pods=110, prefix_delegation=True),
               Settled(enis=1, ips=0, prefixes=1, node=17, pod=0, total=17, free=16)),
    GoldenCase("G26", Node("m5.large", pods=20, max_pods=110, prefix_delegation=True),
               Settled(enis=1, ips=0, prefixes=3, node=49, pod=0, total=49, free=28)),
    GoldenCase("G29", Node("t3.small", pods=58, max_pods=110, prefix_delegation=True),
               Settled(enis=2, ips=0, prefixes=5, node=82, pod=0, total=82, free=22)),
    GoldenCase("G38", Node("m5.large", pods=0, max_pods=20, custom_networking=True),
               Settled(enis=2, ips=9, prefixes=0, node=1, pod=10, total=11, free=9)),
    GoldenCase("G41", Node("m5.large", pods=20, max_pods=110, prefix_delegation=True, custom_networking=True),
               Settled(enis=2, ips=0, prefixes=3, node=1, pod=49, total=50, free=28)),
]


def _usage(node: Node, **max_pods):
    return node_usage(node.instance_type, node.pods, prefix_delegation=node.prefix_delegation,
                      custom_networking=node.custom_networking, warm=node.warm, **max_pods)


@pytest.mark.parametrize("case", GOLDEN, ids=[c.id for c in GOLDEN])
def test_golden_cases(case):
    u = _usage(case.node, max_pods=case.node.max_pods)
    got = Settled(enis=u.enis, ips=u.secondary_ips, prefixes=u.prefixes, node=u.node_subnet_addresses,
                  pod=u.pod_subnet_addresses, total=u.subnet_addresses, free=u.free_ips)
    assert got == case.settled, case.id
    assert u.range.deterministic
    assert u.pods_with_ip == case.node.pods and u.unplaced_pods == 0


@pytest.mark.parametrize("case", GOLDEN, ids=[c.id for c in GOLDEN])
def test_golden_cases_with_calculator_max_pods(case):
    """The doc's max_pods column is what the calculator gives for the mode, so the default reproduces it."""
    node, settled = case.node, case.settled
    u = _usage(node)
    assert u.max_pods == node.max_pods and u.max_pods_source == "calculator"
    assert u.max_pods == calc_max_pods(node.instance_type, "1.19.2", prefix_delegation=node.prefix_delegation,
                                       custom_networking=node.custom_networking).max_pods
    assert (u.enis, u.subnet_addresses, u.free_ips) == (settled.enis, settled.total, settled.free)


def test_golden_arithmetic_and_notes():
    g01 = node_usage("m5.large", 0)
    assert "S = L - 1 = 10 - 1 = 9 secondary IPs per ENI" in g01.arithmetic
    assert "n = W + ceil(P/S) = 1 + ceil(0/9) = 1" in g01.arithmetic
    assert "subnet addresses = ENIs + secondary IPs = 1 + 9 = 10" in g01.arithmetic
    g05 = node_usage("m5.large", 27)
    assert "n = W + ceil(P/S) = 1 + ceil(27/9) = 4" in g05.arithmetic
    assert g05.flag_ids == ["eni-cap-reached"]
    g15 = node_usage("m5.large", 0, warm=W(warm_ip_target=5))
    assert any("WARM_ENI_TARGET is ignored" in n for n in g15.notes)
    g24 = node_usage("m5.large", 0, prefix_delegation=True)
    assert any("WARM_ENI_TARGET is never used" in n for n in g24.notes)
    g41 = node_usage("m5.large", 20, prefix_delegation=True, custom_networking=True)
    assert "k = WPT + ceil(P/16) = 1 + ceil(20/16) = 3" in g41.arithmetic
    assert any("node subnet = 1 (primary ENI)" in a for a in g41.arithmetic)
    assert g41.pod_enis == 1 and g41.prefixes == 3


def test_design_keys_in_json():
    data = node_usage("m5.large", 1).model_dump(mode="json")
    for key in ("enis", "secondary_ips", "prefixes", "free_ips", "node_subnet_addresses", "pod_subnet_addresses",
                "subnet_addresses", "pods_with_ip", "unplaced_pods", "flags", "notes", "arithmetic", "range", "cooldown"):
        assert key in data
    assert data["range"]["subnet_addresses"] == {"min": 20, "max": 20}


# ---------------------------------------------------------------------------------- §3 formulas

def test_sip_first_pod_doubles_footprint():
    """§7.7: m5.large 10 -> 20 addresses with the first IP-using pod."""
    assert node_usage("m5.large", 0).subnet_addresses == 10
    assert node_usage("m5.large", 1).subnet_addresses == 20


def test_sip_ip_targets_fill_order():
    # §3(b): T = P + WIT; the partly used ENI is topped up first
    u = node_usage("m5.large", 10, warm=W(warm_ip_target=3))
    assert (u.secondary_ips, u.enis, u.free_ips) == (13, 2, 3)


def test_pd_wpt_two_is_a_range():
    u = node_usage("m5.large", 20, prefix_delegation=True, warm=W(warm_prefix_target=2))
    assert u.prefixes == 4  # k_min = 2 + ceil(20/16)
    assert (u.range.prefixes.min, u.range.prefixes.max) == (4, 5)  # k_min + WPT - 1
    assert (u.range.subnet_addresses.min, u.range.subnet_addresses.max) == (65, 81)
    assert not u.range.deterministic and "non-deterministic" in u.flag_ids
    # P = 0: nothing to place at random, exactly WPT prefixes
    assert node_usage("m5.large", 0, prefix_delegation=True, warm=W(warm_prefix_target=3)).range.deterministic


def test_pd_ip_targets_whole_prefixes():
    # §3(d): MIT = 20 ≡ 32 (two prefixes); WIT < 16 floats between WIT and WIT + 15
    u = node_usage("t3.small", 0, prefix_delegation=True, warm=W(minimum_ip_target=20))
    assert (u.prefixes, u.free_ips) == (2, 32)
    for pods in range(60):
        v = node_usage("m5.large", pods, prefix_delegation=True, warm=W(warm_ip_target=5))
        assert 5 <= v.free_ips <= 20


def test_custom_networking_sip_and_cap():
    # (E - 1) pod ENIs: m5.large W=1 with 18 pods -> 1 + 2 = 3 wanted, capped at 2 pod ENIs
    u = node_usage("m5.large", 18, custom_networking=True)
    assert (u.enis, u.pod_enis, u.secondary_ips, u.free_ips) == (3, 2, 18, 0)
    assert (u.node_subnet_addresses, u.pod_subnet_addresses) == (1, 20)
    assert "eni-cap-reached" in u.flag_ids


# -------------------------------------------------------------------------------------- §4 edge cases

def test_edge_eni_limit_reached():
    u = node_usage("m5.large", 28)
    assert (u.enis, u.secondary_ips, u.free_ips, u.pods_with_ip, u.unplaced_pods) == (3, 27, 0, 27, 1)
    assert "eni-cap-reached" in u.flag_ids and "1 pod(s) get no IP" in u.flags[0].message


def test_edge_max_eni_lowers_the_cap():
    u = node_usage("m5.large", 20, max_eni=2)
    assert (u.eni_cap, u.enis, u.secondary_ips, u.pods_with_ip) == (2, 2, 18, 18)
    assert u.max_pods == 2 * 9 + 2  # the calculator with --cni-max-eni 2
    noop = node_usage("m5.large", 20, max_eni=5)
    assert noop.eni_cap == 3 and any("changes nothing" in n for n in noop.notes)


def test_edge_sgp_trunk_slot():
    u = node_usage("m5.large", 20, sgp=True)
    # 2 ENIs for pods (3 - trunk): 18 IPs; trunk ENI costs its primary IP in the node subnet
    assert (u.pod_enis, u.trunk_enis, u.enis, u.secondary_ips, u.pods_with_ip) == (2, 1, 3, 18, 18)
    assert u.subnet_addresses == 3 + 18
    assert {"sgp-trunk-slot", "eni-cap-reached"} <= set(u.flag_ids)
    cn = node_usage("m5.xlarge", 10, sgp=True, custom_networking=True)
    assert cn.node_subnet_addresses == 1 and cn.pod_subnet_addresses == cn.pod_enis + 1 + cn.secondary_ips
    # not trunking-compatible: no trunk ENI and no slot held back (pkg/ipamd/ipamd.go hasRoomForEni only reserves
    # when IsTrunkingCompatible, pkg/awsutils/awsutils.go): all 3 ENIs carry pods
    nope = node_usage("t3.small", 1, sgp=True)
    assert nope.trunk_enis == 0 and "sgp-unsupported" in nope.flag_ids and nope.pod_eni_cap == 3


def test_edge_max_pods_gate():
    # m5.large PD: max-pods 110 stops at 7 prefixes = 112; un-raised 29 stops at 2 prefixes = 32
    u = node_usage("m5.large", 110, prefix_delegation=True, max_pods=110)
    assert (u.prefixes, u.pod_addresses) == (7, 112)
    assert "max-pods-gate" in u.flag_ids
    v = node_usage("m5.large", 29, prefix_delegation=True, max_pods=29)
    assert (v.prefixes, v.pod_addresses, v.pods_with_ip) == (2, 32, 29)
    # SIP with max-pods set below ENI capacity: c5.18xlarge (15 x 50) with 110
    w = node_usage("c5.18xlarge", 100, max_pods=110)
    assert (w.enis, w.secondary_ips) == (3, 147)  # 1 + ceil(100/49) = 4 wanted, ceil(110/49) = 3
    assert "max-pods-gate" in w.flag_ids
    over = node_usage("m5.large", 40)
    assert over.pods_over_max_pods == 11 and "max-pods-exceeded" in over.flag_ids


def test_edge_zero_pods():
    assert (node_usage("m5.large", 0, warm=W(warm_eni_target=2)).enis, node_usage("m5.large", 0, warm=W(warm_eni_target=2)).secondary_ips) == (2, 18)
    z = node_usage("m5.large", 0, warm=W(warm_eni_target=0))
    assert (z.enis, z.secondary_ips) == (1, 9) and z.range.deterministic  # primary filled, no flap at 0 pods
    assert node_usage("m5.large", 0, warm=W(warm_ip_target=3, minimum_ip_target=7)).secondary_ips == 7
    assert node_usage("m5.large", 0, prefix_delegation=True, warm=W(warm_prefix_target=2)).prefixes == 2
    pd0 = node_usage("m5.large", 0, prefix_delegation=True, warm=W(warm_prefix_target=0))
    assert (pd0.range.prefixes.min, pd0.range.prefixes.max) == (0, 1) and "oscillation" in pd0.flag_ids
    assert node_usage("m5.large", 0, prefix_delegation=True, warm=W(warm_ip_target=20, minimum_ip_target=40)).prefixes == 3
    cn = node_usage("m5.large", 0, custom_networking=True, prefix_delegation=True)
    assert (cn.enis, cn.pod_enis, cn.prefixes) == (2, 1, 1)


def test_edge_warm_target_larger_than_one_eni():
    u = node_usage("t3.small", 0, prefix_delegation=True, warm=W(warm_prefix_target=5))
    assert (u.prefixes, u.enis) == (5, 2)  # 3 on the primary, 2 on a second ENI


def test_edge_wit_below_16_in_pd():
    u = node_usage("m5.large", 12, prefix_delegation=True, warm=W(warm_ip_target=5))
    assert (u.prefixes, u.free_ips) == (2, 20)


def test_edge_oscillation_flags():
    s = node_usage("m5.large", 9, warm=W(warm_eni_target=0))
    assert "oscillation" in s.flag_ids
    assert (s.range.enis.min, s.range.enis.max) == (1, 2) and s.enis == 2
    calm = node_usage("m5.large", 10, warm=W(warm_eni_target=0))
    assert calm.range.deterministic and calm.enis == 2 and "oscillation" in calm.flag_ids  # the setting is flagged
    p = node_usage("m5.large", 16, prefix_delegation=True, warm=W(warm_prefix_target=0))
    assert (p.range.prefixes.min, p.range.prefixes.max) == (1, 2)
    q = node_usage("m5.large", 17, prefix_delegation=True, warm=W(warm_prefix_target=0))
    assert q.range.deterministic and q.prefixes == 2  # ceil(17/16)
    cn = node_usage("m5.large", 0, custom_networking=True, warm=W(warm_eni_target=0))
    assert (cn.range.enis.min, cn.range.enis.max) == (1, 2)  # pod ENI created and freed
    # with IP targets set, WARM_ENI_TARGET=0 is ignored and nothing oscillates
    assert "oscillation" not in node_usage("m5.large", 9, warm=W(warm_eni_target=0, warm_ip_target=2)).flag_ids


def test_edge_cooldown_changes_no_settled_count():
    base = node_usage("m5.large", 10, warm=W(warm_ip_target=2))
    churn = node_usage("m5.large", 10, warm=W(warm_ip_target=2), replaced_pods=3)
    for key in ("enis", "secondary_ips", "free_ips", "subnet_addresses"):
        assert getattr(base, key) == getattr(churn, key)
    # WIT=2: replacing 3 pods at once stalls the 3rd pod up to 30 s
    assert (churn.cooldown.usable_free_ips, churn.cooldown.pending_pods, churn.cooldown.max_wait_seconds) == (0, 1, 30)
    assert churn.cooldown.changes_settled_counts is False
    assert "counts as available" in churn.cooldown.explanation or "counts as available" in churn.cooldown.explanation.replace("still ", "")


def test_edge_non_nitro_prefix_falls_back():
    u = node_usage("m4.large", 5, prefix_delegation=True)
    assert u.mode == "secondary_ip" and "prefix-fallback-secondary-ip" in u.flag_ids
    assert (u.enis, u.secondary_ips) == (2, 18)
    old = node_usage("m5.large", 5, prefix_delegation=True, cni_version="1.8.0")
    assert old.mode == "secondary_ip"


def test_edge_custom_networking_without_room():
    u = node_usage("m5.large", 5, custom_networking=True, max_eni=1)
    assert "no-pod-eni" in u.flag_ids and u.pods_with_ip == 0 and u.enis == 1


def test_mit_alone_is_a_ceiling():
    u = node_usage("m5.large", 20, warm=W(minimum_ip_target=12))
    assert (u.secondary_ips, u.pods_with_ip, u.unplaced_pods) == (12, 12, 8) and "mit-ceiling" in u.flag_ids
    p = node_usage("m5.large", 40, prefix_delegation=True, warm=W(minimum_ip_target=20))
    assert (p.prefixes, p.pods_with_ip) == (2, 32)


def test_ignored_settings_are_flagged():
    assert "warm-eni-target-ignored" in node_usage("m5.large", 3, prefix_delegation=True, warm=W(warm_eni_target=2)).flag_ids
    assert "warm-prefix-target-ignored" in node_usage("m5.large", 3, prefix_delegation=True, warm=W(warm_ip_target=5, warm_prefix_target=2)).flag_ids


# ---------------------------------------------------------- VPC CNI docs tables (spec §5 cross-check, §7.8)

ENI_DOC = [  # docs/eni-and-ip-target.md: type, W, WIT, MIT, pods -> ENIs, secondary IPs, unused
    ("t3.small", 1, 0, 0, 0, 1, 3, 3), ("t3.small", 1, 0, 0, 5, 3, 9, 4), ("t3.small", 1, 0, 0, 9, 3, 9, 0),
    ("t3.small", 1, 1, 1, 0, 1, 1, 1), ("t3.small", 1, 1, 1, 5, 2, 6, 1), ("t3.small", 1, 1, 1, 9, 3, 9, 0),
    ("t3.small", 1, 2, 5, 0, 2, 5, 5), ("t3.small", 1, 2, 5, 5, 3, 7, 2), ("t3.small", 1, 2, 5, 9, 3, 9, 0),
    ("p3dn.24xlarge", 1, 0, 0, 0, 1, 49, 49), ("p3dn.24xlarge", 1, 0, 0, 3, 2, 98, 95), ("p3dn.24xlarge", 1, 0, 0, 95, 3, 147, 52),
    ("p3dn.24xlarge", 1, 5, 10, 0, 1, 10, 10), ("p3dn.24xlarge", 1, 5, 10, 7, 1, 12, 5),
    ("p3dn.24xlarge", 1, 5, 10, 15, 1, 20, 5), ("p3dn.24xlarge", 1, 5, 10, 45, 2, 50, 5),
]


@pytest.mark.parametrize("row", ENI_DOC)
def test_docs_eni_and_ip_target_rows(row):
    t, w, wit, mit, pods, enis, ips, unused = row
    mp = {"t3.small": 11, "p3dn.24xlarge": 737}[t]  # misc/eni-max-pods.txt
    u = node_usage(t, pods, warm=W(warm_eni_target=w, warm_ip_target=wit, minimum_ip_target=mit), max_pods=mp)
    assert (u.enis, u.secondary_ips, u.free_ips) == (enis, ips, unused)


PREFIX_DOC = [  # docs/prefix-and-ip-target.md: type, WPT, WIT, MIT, pods -> ENIs (code), prefixes, unused IPs
    ("t3.small", 1, 0, 0, 0, 1, 1, 16), ("t3.small", 1, 0, 0, 5, 1, 2, 27), ("t3.small", 1, 0, 0, 16, 1, 2, 16),
    ("t3.small", 1, 0, 0, 17, 1, 3, 31), ("t3.small", 1, 0, 0, 58, 2, 5, 22),
    ("t3.small", 1, 1, 1, 0, 1, 1, 16), ("t3.small", 1, 1, 1, 5, 1, 1, 11), ("t3.small", 1, 1, 1, 17, 1, 2, 15),
    ("t3.small", 1, 1, 1, 58, 2, 4, 6),
    # §7.8: the doc's row says 1 prefix / 16 unused; the code (and the doc's own "MIT=20 ≡ 32") gives 2 / 32
    ("t3.small", 1, 7, 20, 0, 1, 2, 32),
    ("t3.small", 1, 7, 20, 5, 1, 2, 27), ("t3.small", 1, 7, 20, 17, 1, 2, 15), ("t3.small", 1, 7, 20, 58, 2, 5, 22),
    # §7.8: the doc shows 2 / 3 / 2 ENIs for these p3dn rows; current code keeps 1 (<= 49 prefixes fit the primary)
    ("p3dn.24xlarge", 1, 0, 0, 0, 1, 1, 16), ("p3dn.24xlarge", 1, 0, 0, 3, 1, 2, 29), ("p3dn.24xlarge", 1, 0, 0, 95, 1, 7, 17),
    ("p3dn.24xlarge", 1, 5, 10, 0, 1, 1, 16), ("p3dn.24xlarge", 1, 5, 10, 7, 1, 1, 9),
    ("p3dn.24xlarge", 1, 5, 10, 15, 1, 2, 17), ("p3dn.24xlarge", 1, 5, 10, 45, 1, 4, 19),
]


@pytest.mark.parametrize("row", PREFIX_DOC)
def test_docs_prefix_and_ip_target_rows(row):
    t, wpt, wit, mit, pods, enis, pfx, unused = row
    u = node_usage(t, pods, prefix_delegation=True, max_pods=110 if t == "t3.small" else 250,
                   warm=W(warm_prefix_target=wpt, warm_ip_target=wit, minimum_ip_target=mit))
    assert (u.enis, u.prefixes, u.free_ips) == (enis, pfx, unused)


# -------------------------------------------------------------------- §6 the seed's "43+" claim

def _cluster(t, pods_per_node):
    nodes = [node_usage(t, p) for p in pods_per_node]
    return sum(n.free_ips for n in nodes), sum(n.subnet_addresses for n in nodes), sum(n.secondary_ips for n in nodes)


def test_seed_claim_43_warm_ips():
    """3 nodes, SIP, WARM_ENI_TARGET=1, m5.large-class (S = 9), CoreDNS's two replicas on two nodes."""
    assert _cluster("m5.large", [1, 1, 0]) == (43, 50, 45)
    # the same for any type with 10 IPv4 per ENI
    assert _cluster("c5.large", [1, 1, 0])[:2] == (43, 50)


def test_seed_claim_other_assumptions():
    assert _cluster("m5.large", [0, 0, 0])[:2] == (27, 30)  # truly zero IP-using pods: 27 warm, 30 addresses
    assert _cluster("m5.large", [2, 0, 0])[0] == 34  # both CoreDNS on one node
    assert _cluster("m5.xlarge", [1, 1, 0])[0] == 68  # S = 14
    assert _cluster("m5.xlarge", [0, 0, 0])[:2] == (42, 45)
    assert _cluster("t3.medium", [1, 1, 0])[0] == 23  # S = 5
    assert _cluster("t3.medium", [0, 0, 0])[:2] == (15, 18)
    assert _cluster("t3.large", [1, 1, 0])[0] == 53  # S = 11
    # "+": a further system pod landing first on node 3 adds +9 IPs: +8 free, +10 addresses
    free, addr, _ = _cluster("m5.large", [1, 1, 1])
    assert (free - 43, addr - 50) == (8, 10)


# --------------------------------------------------------------------------------- settings & errors

def test_warm_settings_defaults_and_env():
    w = WarmSettings()
    assert (w.warm_eni_target, w.warm_ip_target, w.minimum_ip_target, w.warm_prefix_target) == (1, 0, 0, 1)
    assert w.env() == {} and not w.ip_targets_defined
    assert WarmSettings(0, 2, 10).env() == {"MINIMUM_IP_TARGET": "10", "WARM_ENI_TARGET": "0", "WARM_IP_TARGET": "2"}
    assert WarmSettings().env(include_defaults=True) == {
        "MINIMUM_IP_TARGET": "0", "WARM_ENI_TARGET": "1", "WARM_IP_TARGET": "0", "WARM_PREFIX_TARGET": "1"}
    with pytest.raises(InputError) as e:
        WarmSettings(warm_ip_target=-1)
    assert e.value.field == "warm_ip_target"
    with pytest.raises(InputError):
        WarmSettings(warm_eni_target=True)


@pytest.mark.parametrize("kwargs,field", [
    ({"instance_type": "m5.large", "pods": -1}, "pods"),
    ({"instance_type": "m5.large", "pods": 1.5}, "pods"),
    ({"instance_type": "m5.large", "pods": 1, "max_eni": 0}, "max_eni"),
    ({"instance_type": "m5.large", "pods": 1, "max_pods": 0}, "max_pods"),
    ({"instance_type": "m5.large", "pods": 1, "cni_version": "latest"}, "cni_version"),
    ({"instance_type": "", "pods": 1}, "instance_type"),
])
def test_bad_input(kwargs, field):
    with pytest.raises(InputError) as e:
        node_usage(kwargs.pop("instance_type"), kwargs.pop("pods"), **kwargs)
    assert e.value.field == field
    assert str(e.value).startswith(f"{field}:")


def test_unknown_type_did_you_mean():
    with pytest.raises(UnknownInstanceType, match="did you mean"):
        node_usage("m5.larg", 1)


def test_totals_and_report():
    r = ip_usage("m5.large", 1, nodes=3)
    assert (r.totals.enis, r.totals.subnet_addresses, r.totals.free_ips) == (6, 60, 51)
    t = node_totals(node_usage("m5.large", 20, prefix_delegation=True, warm=W(warm_prefix_target=2)), 10)
    assert (t.subnet_addresses, t.subnet_addresses_max) == (650, 810)
    with pytest.raises(InputError):
        ip_usage("m5.large", 1, nodes=0)


def test_deterministic_output():
    a = node_usage("m5.large", 20, prefix_delegation=True, warm=W(warm_prefix_target=3)).model_dump_json()
    b = node_usage("m5.large", 20, prefix_delegation=True, warm=W(warm_prefix_target=3)).model_dump_json()
    assert a == b


# ------------------------------------------------------------------------------------------ clusters

def test_spread_is_even_and_deterministic():
    assert spread(10, ["a", "b", "c"]) == {"a": 4, "b": 3, "c": 3}
    assert spread(2, ["a", "b", "c"]) == {"a": 1, "b": 1, "c": 0}


def test_cluster_usage_per_az():
    g = NodeGroupLoad(name="general", instance_type="m5.large", desired_nodes=3, max_nodes=10, pods_per_node=20)
    c = cluster_usage([g], ["a", "b", "c"])
    per = {z.az: z for z in c.per_az}
    # m5.large W=1, 20 pods: n = 1 + ceil(20/9) = 4 -> capped 3: 30 addresses per node
    assert c.groups[0].per_node_node_subnet_addresses == 30
    assert [per[z].desired.nodes for z in "abc"] == [1, 1, 1]
    assert [per[z].max.nodes for z in "abc"] == [4, 3, 3]
    assert per["a"].max.node_subnet_addresses == 120 and per["a"].max.pod_subnet_addresses == 0
    # surge: up to 2 new nodes per AZ (twice the AZ count > maxUnavailable 1)
    assert c.groups[0].surge_nodes == 6 and per["a"].surge_extra.node_subnet_addresses == 60
    assert per["a"].desired_plus_surge.nodes == 3
    # AZ loss at max: a's 4 nodes onto b, c -> +2 each; b's 3 -> ceil(3/2) = 2 more in a
    assert per["b"].az_loss_max.nodes == 5 and per["a"].az_loss_max.nodes == 6
    assert per["a"].worst_node_subnet_addresses == 180
    assert c.totals_desired.subnet_addresses == 90 and c.totals_max.subnet_addresses == 300
    assert len(c.az_loss) == 3 and c.assumptions


def test_cluster_usage_custom_networking_and_overrides():
    g1 = NodeGroupLoad(name="pods", instance_type="m5.large", desired_nodes=4, max_nodes=6, pods_per_node=20,
                       prefix_delegation=True, custom_networking=True)
    g2 = NodeGroupLoad(name="ab", instance_type="m5.large", desired_nodes=2, max_nodes=2, pods_per_node=1, azs=["a", "b"])
    c = cluster_usage([g1, g2], ["a", "b"], surge_nodes=1)
    per = {z.az: z for z in c.per_az}
    # g1: node subnet 1 per node, pod subnet 49 per node (G41); g2: 20 per node in the node subnet
    assert per["a"].desired.node_subnet_addresses == 2 * 1 + 1 * 20
    assert per["a"].desired.pod_subnet_addresses == 2 * 49
    assert c.groups[0].surge_nodes == 1 and c.totals_surge_extra.nodes == 2
    # losing b at desired: g1 2 -> a (4 nodes), g2 1 -> a (2 nodes)
    lost_b = next(s for s in c.az_loss if s.lost_az == "b")
    assert lost_b.desired["a"].nodes == 6 and lost_b.desired["a"].node_subnet_addresses == 4 + 40


def test_cluster_usage_bad_input():
    g = NodeGroupLoad(name="g", instance_type="m5.large", desired_nodes=5, max_nodes=3, pods_per_node=1)
    with pytest.raises(InputError, match="max_nodes"):
        cluster_usage([g], ["a"])
    with pytest.raises(InputError):
        cluster_usage([], ["a"])
    with pytest.raises(InputError):
        cluster_usage([NodeGroupLoad(name="g", instance_type="m5.large", desired_nodes=1, max_nodes=1, pods_per_node=1)], [])
    with pytest.raises(InputError):
        NodeGroupLoad(name="g", instance_type="m5.large", desired_nodes=-1, max_nodes=1, pods_per_node=1)
    one = cluster_usage([NodeGroupLoad(name="g", instance_type="m5.large", desired_nodes=1, max_nodes=1, pods_per_node=1)], ["a"])
    assert one.az_loss == [] and one.per_az[0].az_loss_desired.nodes == 0


# --------------------------------------------------------------------------------------- warm advice

def test_warm_advice_sip_scarce():
    a = recommend_warm_settings("m5.xlarge", 20, churn="medium", address_scarcity="high")
    assert a.chosen.settings == WarmSettings(warm_eni_target=0, warm_ip_target=5, minimum_ip_target=5)
    assert a.chosen.subnet_addresses == 27 and a.chosen.warm_headroom == 5
    assert "VPC CNI Configuration Tuning" in a.reason
    verdicts = {c.label: c.verdict for c in a.candidates}
    assert verdicts["WARM_ENI_TARGET=0"] == "rejected"  # oscillates
    assert verdicts["default WARM_ENI_TARGET=1"] == "acceptable"
    assert all(c.settings.warm_eni_target == 0 for c in a.candidates if c.settings.ip_targets_defined)


def test_warm_advice_plenty_of_addresses_keeps_default():
    a = recommend_warm_settings("m5.xlarge", 20, churn="high", address_scarcity="low")
    assert a.chosen.label.startswith("default") and a.chosen.env == {}


def test_warm_advice_prefix_mode():
    a = recommend_warm_settings("m5.large", 60, prefix_delegation=True, churn="medium", address_scarcity="high")
    assert a.mode == "prefix" and a.chosen.settings == WarmSettings()
    zero = next(c for c in a.candidates if c.label == "WARM_PREFIX_TARGET=0")
    assert zero.verdict == "rejected" and zero.oscillates
    assert "VPC CNI Configuration Tuning" in a.reason


def test_warm_advice_bad_input():
    with pytest.raises(InputError, match="churn"):
        recommend_warm_settings("m5.large", 5, churn="extreme")
    with pytest.raises(InputError, match="pods"):
        recommend_warm_settings("m5.large", -2)


# ---------------------------------------------------------------- Security Groups for Pods: branch ENIs

def test_branch_pods_take_one_address_each_instead_of_an_ipamd_address():
    # m5.large, SGP: the trunk takes 1 of 3 ENI slots -> 2 pod ENIs of S=9; 5 of 20 pods on branch ENIs
    # -> ipamd serves P=15: n = 1 + ceil(15/9) = 3 -> capped at 2, T = 18, free 3;
    # node subnet = 2 ENIs + 1 trunk + 18 IPs + 5 branch ENIs = 26
    u = node_usage("m5.large", 20, sgp=True, branch_pods=5)
    assert (u.enis, u.secondary_ips, u.free_ips, u.node_subnet_addresses, u.subnet_addresses) == (3, 18, 3, 26, 26)
    assert (u.branch_pods, u.branch_enis, u.pods_with_ip, u.unplaced_pods) == (5, 5, 20, 0)
    assert any("branch capacity) = min(5, 9) = 5" in a for a in u.arithmetic)


def test_branch_capacity_exhausted_leaves_pods_pending():
    # m5.large offers 9 branch ENIs; 12 SG pods -> 9 placed, 3 pending; ipamd P = 25 - 12 = 13 ->
    # T = 18 (ENI cap), free 5; addresses 2 + 1 + 18 + 9 = 30
    u = node_usage("m5.large", 25, sgp=True, branch_pods=12)
    assert (u.branch_enis, u.unplaced_pods, u.free_ips, u.node_subnet_addresses) == (9, 3, 5, 30)
    assert "branch-eni-capacity" in u.flag_ids


def test_branch_enis_go_to_the_pod_subnet_with_custom_networking():
    # custom networking + SGP on m5.large: 3 ENIs - primary - trunk = 1 pod ENI; P = 10 - 4 = 6 -> T = 9;
    # node subnet 1; pod subnet = 1 pod ENI + 1 trunk + 9 + 4 branch = 15
    u = node_usage("m5.large", 10, sgp=True, branch_pods=4, custom_networking=True)
    assert (u.node_subnet_addresses, u.pod_subnet_addresses, u.free_ips, u.branch_enis) == (1, 15, 3, 4)


def test_branch_pods_need_a_trunk():
    u = node_usage("t3.large", 10, sgp=True, branch_pods=2)  # t-family: no trunk ENI
    assert (u.branch_enis, u.unplaced_pods) == (0, 2)
    assert "branch-eni-capacity" in u.flag_ids
    plain = node_usage("m5.large", 10, branch_pods=4)  # without SGP they are ordinary pods
    assert plain.branch_enis == 0 and plain.subnet_addresses == node_usage("m5.large", 10).subnet_addresses
    with pytest.raises(InputError, match="branch_pods"):
        node_usage("m5.large", 3, sgp=True, branch_pods=4)
