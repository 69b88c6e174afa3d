"""Windows nodes: EKS's max pods (one ENI) and the VPC resource controller's pool, against its own tests.

Sources: EKS user guide "Windows support" (one ENI, max pods = IPv4 addresses per ENI - 1, no custom
networking / SGP / IPv6, a Linux or Fargate node for CoreDNS); amazon-vpc-resource-controller-k8s
pkg/config/loader.go (defaults 3/3, ParseWinIPTargetConfigs) and pkg/pool/pool.go + pool_test.go
(calculateSecondaryIPDeviation: target max(P + W, M), capped by capacity).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eksadvisor.catalog import load_catalog
from eksadvisor.decide.advisor import advise
from eksadvisor.errors import InputError
from eksadvisor.model.maxpods import windows_max_pods
from eksadvisor.model.winipam import windows_node_usage


def test_max_pods_is_one_enis_addresses_minus_the_primary():
    cat = load_catalog()
    # c5.large: 10 addresses per ENI -> 9 (the best-practices guide's Windows prefix-mode page uses the same 10 slots)
    assert windows_max_pods(cat.get("c5.large")) == 9
    assert windows_max_pods(cat.get("m5.xlarge")) == 14
    assert windows_max_pods(cat.get("m5.4xlarge")) == 29
    for it in cat:  # never the Linux calculator: independent of the ENI count
        assert windows_max_pods(it) == it.ipv4_per_eni - 1
        assert windows_node_usage(it, 1000).pods_with_ip == it.ipv4_per_eni - 1  # the pool's capacity is the same


@pytest.mark.parametrize(("pods", "secondary", "free", "pending"), [
    (0, 3, 3, 0),  # minimum-ip-target 3
    (6, 9, 3, 0),  # 6 + warm 3 = capacity
    (8, 9, 1, 0),  # warm cut short by the ENI
    (9, 9, 0, 0),
    (12, 9, 0, 3),  # more pods than addresses: Pending
])
def test_c5_large_with_the_controller_defaults(pods, secondary, free, pending):
    u = windows_node_usage("c5.large", pods)
    assert (u.enis, u.secondary_ips, u.free_ips, u.unplaced_pods) == (1, secondary, free, pending)
    assert (u.node_subnet_addresses, u.pod_subnet_addresses, u.subnet_addresses) == (1 + secondary, 0, 1 + secondary)
    assert u.max_pods == 9 and u.os == "windows" and u.range.deterministic


# (warm-ip-target W, minimum-ip-target M, pods P) -> addresses T, from pool_test.go
# TestCalcSecondaryIPDeviation_MinIPTargetAndWarmIPTargetSet scenarios 2, 6, 9 (their settled target) and
# TestPool_ReconcilePool_Delete (W 2, M 0, no pods -> 2 kept).
@pytest.mark.parametrize(("warm", "minimum", "pods", "total"), [(2, 5, 0, 5), (5, 10, 1, 10), (1, 2, 1, 2), (2, 0, 0, 2)])
def test_pool_targets_from_the_controller_tests(warm, minimum, pods, total):
    u = windows_node_usage("m5.4xlarge", pods, warm_ip_target=warm, minimum_ip_target=minimum)  # capacity 29
    assert u.secondary_ips == total


def test_capacity_caps_the_target():
    # as TestPool_ReconcilePool_Create_LimitByMaxCapacity (W 2, M 0, 6 used, capacity 7 -> 7, not 8), on a real
    # type: t3.medium has 6 addresses per ENI -> capacity 5; W 2, 4 pods -> 5, not 6
    u = windows_node_usage("t3.medium", 4, warm_ip_target=2, minimum_ip_target=0)
    assert (u.max_pods, u.secondary_ips, u.free_ips) == (5, 5, 1)
    assert "windows-warm-capped" in u.flag_ids


@pytest.mark.parametrize(("warm", "minimum", "targets", "total"), [
    (None, None, (3, 3), 7),  # no keys: the defaults
    (0, None, (1, 0), 5),  # explicit warm-ip-target "0" -> 1 in secondary-IP mode: never an empty pool
    (0, 0, (1, 0), 5),
    (None, 6, (0, 6), 6),  # absent warm key reads as 0 (the code, not the docs' "defaults to 3")
    (None, 2, (0, 2), 4),
    (2, None, (2, 0), 6),
])
def test_targets_follow_parse_win_ip_target_configs(warm, minimum, targets, total):
    u = windows_node_usage("m5.4xlarge", 4, warm_ip_target=warm, minimum_ip_target=minimum)
    assert (u.windows_targets["warm_ip_target"], u.windows_targets["minimum_ip_target"]) == targets
    assert u.secondary_ips == total


def test_bad_input_is_one_sentence():
    with pytest.raises(InputError, match="pods"):
        windows_node_usage("c5.large", -1)
    with pytest.raises(InputError, match="did you mean"):
        windows_node_usage("c5.larg", 1)


@given(pods=st.integers(0, 80), warm=st.none() | st.integers(0, 20), minimum=st.none() | st.integers(0, 40),
       itype=st.sampled_from(["t3.medium", "c5.large", "m5.xlarge", "m5.4xlarge", "r5.24xlarge"]))
def test_pool_invariants(pods, warm, minimum, itype):
    u = windows_node_usage(itype, pods, warm_ip_target=warm, minimum_ip_target=minimum)
    c = u.max_pods
    w, m = u.windows_targets["warm_ip_target"], u.windows_targets["minimum_ip_target"]
    assert u.pods_with_ip == min(pods, c) and u.unplaced_pods == pods - u.pods_with_ip
    assert u.pods_with_ip <= u.secondary_ips <= c  # every pod has an address, never more than the ENI holds
    assert u.free_ips >= min(w, c - u.pods_with_ip)  # the warm target, unless the ENI is full
    assert u.secondary_ips >= min(m, c)
    assert u.subnet_addresses == 1 + u.secondary_ips


# ------------------------------------------------------------------------------------- in the advisor

def _answers(**kw):
    base = {"cluster_name": "mixed", "region": "us-east-1", "node_groups": [
        {"name": "lin", "instance_types": ["m5.large"]},
        {"name": "win", "os": "windows", "instance_types": ["c5.large"], "pods_per_node": 8, "desired_nodes": 2,
         "max_nodes": 6}]}
    base.update(kw)
    return base


def test_advisor_uses_the_windows_figures_for_windows_groups():
    rec = advise(_answers())
    lin, win = rec.node_groups
    assert (lin.max_pods, win.max_pods) == (29, 9)
    assert win.per_node["os"] == "windows"
    assert (win.per_node["enis"], win.per_node["secondary_ips"], win.per_node["subnet_addresses"]) == (1, 9, 10)
    assert win.node_subnet_addresses_at_max == 10 * 6
    assert rec.max_pods == {"c5.large": 9, "m5.large": 29}
    assert rec.max_pods_detail["c5.large"]["mode"] == "windows"
    assert "windows-single-eni-max-pods" in [w.id for w in rec.warnings]


def test_a_type_in_linux_and_windows_groups_keeps_the_linux_kubelet_value():
    rec = advise(_answers(node_groups=[
        {"name": "lin", "instance_types": ["c5.large"]},
        {"name": "win", "os": "windows", "instance_types": ["c5.large"], "pods_per_node": 8}]))
    assert rec.max_pods == {"c5.large": 29}
    assert rec.max_pods_detail["c5.large"]["mode"] == "secondary_ip"
    assert rec.max_pods_detail["c5.large"]["windows"]["max_pods"] == 9


def test_custom_networking_leaves_windows_pods_in_the_node_subnet():
    rec = advise(_answers(network={"separate_pod_cidr_required": True}))
    assert rec.custom_networking
    lin, win = rec.node_groups
    assert lin.pod_subnet_addresses_at_max > 0  # Linux pods moved to the ENIConfig subnets
    assert win.pod_subnet_addresses_at_max == 0 and win.node_subnet_addresses_at_max == 10 * 6
    ids = [w.id for w in rec.warnings]
    assert "windows-no-custom-networking" in ids


def test_windows_only_cluster_is_critical_until_linux_or_fargate_runs_coredns():
    only = [{"name": "win", "os": "windows", "instance_types": ["c5.large"], "pods_per_node": 8}]
    crit = [w for w in advise(_answers(node_groups=only)).warnings if w.id == "windows-needs-linux-nodes"]
    assert crit and crit[0].severity == "critical"
    assert "windows-needs-linux-nodes" not in [w.id for w in advise(_answers(node_groups=only, fargate_pods=2)).warnings]


def test_retired_rule_id_still_suppresses_its_successor():
    rec = advise(_answers(suppress_rules=["windows-max-pods-unconfirmed"]))
    assert "windows-single-eni-max-pods" not in [w.id for w in rec.warnings]
    assert rec.provenance.suppressed_rules == ["windows-single-eni-max-pods"]


def test_a_dense_windows_group_does_not_switch_the_cluster_to_prefix_delegation():
    # aws-node's address mode serves Linux nodes; prefix delegation would not give a Windows node one more address
    rec = advise(_answers(node_groups=[
        {"name": "lin", "instance_types": ["m5.large"], "pods_per_node": 20},
        {"name": "win", "os": "windows", "instance_types": ["m5.large"], "pods_per_node": 40}]))
    assert rec.address_mode == "secondary_ip"
    over = [w for w in rec.warnings if w.id == "pods-exceed-max-pods"]
    assert over and "win" in over[0].message and "Windows one-ENI" in over[0].message
    assert "warm-pool-subnet-cost" in [w.id for w in rec.warnings]  # about the Linux group's warm ENI
    cost = next(w for w in rec.warnings if w.id == "warm-pool-subnet-cost")
    assert "lin" in cost.message and "win" not in cost.message.replace("window", "")
    dense_linux = advise(_answers(node_groups=[
        {"name": "lin", "instance_types": ["m5.large"], "pods_per_node": 40},
        {"name": "win", "os": "windows", "instance_types": ["m5.large"], "pods_per_node": 8}]))
    assert dense_linux.address_mode == "prefix"
    example = next(w.message for w in dense_linux.warnings if w.id == "prefix-update-max-pods")
    assert "m5.large: 110" in example and "m5.large: 9" not in example  # the kubelet value, not EKS's Windows figure


def test_mixed_windows_types_do_not_claim_one_kubelet_value():
    rec = advise(_answers(node_groups=[
        {"name": "lin", "instance_types": ["m5.large"]},
        {"name": "win", "os": "windows", "instance_types": ["c5.large", "m5.xlarge"], "pods_per_node": 8}]))
    win = rec.node_groups[1]
    assert win.max_pods_by_type == {"c5.large": 9, "m5.xlarge": 14} and win.max_pods == 9  # sized for the smallest
    assert "mixed-instance-max-pods" not in [w.id for w in rec.warnings]


def test_windows_only_cluster_gets_no_aws_node_decisions_even_when_exhausted():
    # 30 Windows nodes in a /24: the node subnets are exhausted, but nothing runs aws-node, so neither prefix
    # delegation nor custom networking (nor warm tuning) may be recommended for them
    rec = advise(_answers(
        node_groups=[{"name": "win", "os": "windows", "instance_types": ["c5.large"], "pods_per_node": 8,
                      "desired_nodes": 10, "max_nodes": 30}],
        fargate_pods=2, network={"vpc_cidr": "10.0.0.0/24"}))
    assert (rec.address_mode, rec.custom_networking) == ("secondary_ip", False)
    assert not any(k in rec.settings for k in ("ENABLE_PREFIX_DELEGATION", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG",
                                               "WARM_ENI_TARGET", "WARM_IP_TARGET", "WARM_PREFIX_TARGET"))
    assert "eniconfigs.yaml" not in rec.snippets and "subnet-cidr-reservations.sh" not in rec.snippets
    steps = {t.node: t for t in rec.trace}
    assert steps["warm_tuning"].outcome == "none" and "Windows" in steps["warm_tuning"].reason
    assert "No Linux node group" in steps["address_mode"].reason
    ids = [w.id for w in rec.warnings]
    assert "prefix-update-max-pods" not in ids and "windows-no-custom-networking" not in ids


def test_linux_only_rules_name_only_linux_types():
    both = [{"name": "lin", "instance_types": ["m5.large"]},
            {"name": "win", "os": "windows", "instance_types": ["c5.large"], "pods_per_node": 8}]
    rec = advise(_answers(node_groups=both, network={"separate_pod_cidr_required": True},
                          security_groups_for_pods={"needed": True}))
    for w in rec.warnings:
        if w.id in ("custom-networking-max-pods", "sgp-counts-toward-max-pods", "sgp-tag-one-security-group"):
            assert "c5.large" not in w.message, (w.id, w.message)
    assert any(w.id == "custom-networking-max-pods" and "m5.large" in w.message for w in rec.warnings)


def test_auto_mode_keeps_windows_figures_and_says_it_is_unconfirmed():
    rec = advise(_answers(operations={"auto_mode": True}))
    _lin, win = rec.node_groups
    assert win.max_pods == 9 and win.per_node["os"] == "windows" and win.per_node["enis"] == 1
    ids = [w.id for w in rec.warnings]
    assert "windows-with-auto-mode" in ids and "windows-needs-linux-nodes" not in ids
    only = advise(_answers(operations={"auto_mode": True},
                           node_groups=[{"name": "win", "os": "windows", "instance_types": ["c5.large"], "pods_per_node": 8}]))
    assert "windows-needs-linux-nodes" not in [w.id for w in only.warnings]  # Auto Mode runs its own Linux nodes


def test_windows_ip_usage_has_no_aws_node_settings():
    u = windows_node_usage("c5.large", 4)
    assert u.settings is None and u.windows_targets == {"warm_ip_target": 3, "minimum_ip_target": 3}
