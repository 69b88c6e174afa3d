"""CIDR toolkit: AWS address facts, association restrictions, service CIDR and overlap checks."""

from __future__ import annotations

from ipaddress import IPv4Network as N

import pytest

from eksadvisor.addressing import cidr as C
from eksadvisor.errors import InputError


# ---------------------------------------------------------------- address facts [VPC-SUBNET] [VPC-CIDR]
@pytest.mark.parametrize("cidr, usable", [("10.0.0.0/28", 11), ("10.0.0.0/27", 27), ("10.0.0.0/24", 251),
                                          ("10.0.0.0/20", 4091), ("10.0.0.0/18", 16379), ("10.0.0.0/16", 65531)])
def test_usable_is_size_minus_five(cidr, usable):
    assert C.usable_ips(cidr) == usable
    assert C.AWS_RESERVED_PER_SUBNET == 5


@pytest.mark.parametrize("need, prefix", [(0, 28), (11, 28), (12, 27), (27, 27), (251, 24), (252, 23),
                                          (4091, 20), (16000, 18), (65531, 16), (65532, None)])
def test_smallest_prefix_for(need, prefix):
    assert C.smallest_prefix_for(need) == prefix


def test_smallest_prefix_for_prefix_aligned_leaves_out_edge_blocks():
    # /24 = 16 blocks, 14 usable as prefixes (DERIVED) -> 224 addresses
    assert C.smallest_prefix_for(224, prefix_aligned=True) == 24
    assert C.smallest_prefix_for(225, prefix_aligned=True) == 23
    assert C.smallest_prefix_for(1, prefix_aligned=True) == 26  # a /27 has no interior /28


def test_vpc_cidr_size_limits():
    assert C.parse_vpc_cidr("10.0.0.0/16") == N("10.0.0.0/16")
    assert C.parse_vpc_cidr("10.0.0.0/28") == N("10.0.0.0/28")
    with pytest.raises(InputError, match=r"vpc_cidr: 10\.0\.0\.0/15 is a /15; a VPC CIDR block must be /16 to /28"):
        C.parse_vpc_cidr("10.0.0.0/15")
    with pytest.raises(InputError, match="/16 to /28"):
        C.parse_vpc_cidr("10.0.0.0/29")
    with pytest.raises(InputError, match="link-local"):
        C.parse_vpc_cidr("169.254.0.0/16")


def test_host_bits_and_garbage_are_input_errors():
    with pytest.raises(InputError) as e:
        C.parse_vpc_cidr("10.0.1.0/20")
    assert str(e.value) == "vpc_cidr: 10.0.1.0/20 has host bits set; the /20 VPC CIDR block containing it is 10.0.0.0/20."
    assert e.value.field == "vpc_cidr"
    for bad in ("10.0.0/16x", "300.0.0.0/16", "10.0.0.0", "fe80::/64"):
        with pytest.raises(InputError, match=r"^vpc_cidr: "):
            C.parse_vpc_cidr(bad)


def test_free_blocks_matches_address_exclude():
    vpc = N("10.0.0.0/16")
    used = [N("10.0.0.0/28"), N("10.0.1.0/24"), N("10.0.64.0/18")]
    got = C.free_blocks(vpc, used)
    expect = [vpc]
    for u in used:
        nxt = []
        for b in expect:
            nxt.extend(b.address_exclude(u) if u.subnet_of(b) else [b])
        expect = nxt
    assert sorted(got) == sorted(expect)
    assert sum(b.num_addresses for b in got) == 65536 - 16 - 256 - 16384
    assert C.free_blocks(vpc, []) == [vpc]
    assert C.free_blocks(vpc, [vpc]) == []


# ---------------------------------------------------- association restrictions [VPC-CIDR] (2023 table)
@pytest.mark.parametrize("primary, candidate, allowed", [
    ("10.0.0.0/16", "100.64.0.0/16", True),      # 10/8 may associate 100.64.0.0/10
    ("10.0.0.0/16", "10.2.0.0/16", True),        # other unrestricted 10/8 blocks
    ("10.0.0.0/16", "203.0.113.0/24", True),     # publicly routable
    ("10.0.0.0/16", "172.16.0.0/16", False),     # 10/8 may not take 172.16.0.0/12
    ("10.0.0.0/16", "192.168.0.0/16", False),
    ("10.0.0.0/16", "198.19.0.0/16", False),
    ("10.1.0.0/16", "10.0.0.0/17", False),       # an associated block in 10.0.0.0/15 -> nothing from 10.0.0.0/16
    ("10.4.0.0/16", "10.0.0.0/17", True),        # primary not in 10.0.0.0/15
    ("172.16.0.0/16", "172.31.0.0/16", False),   # 172.16/12 may not take 172.31.0.0/16
    ("172.16.0.0/16", "172.18.0.0/16", True),
    ("172.16.0.0/16", "10.0.0.0/16", False),
    ("172.16.0.0/16", "100.64.0.0/16", True),
    ("192.168.0.0/16", "172.16.0.0/16", False),
    ("192.168.0.0/20", "192.168.16.0/20", True),
    ("192.168.0.0/16", "198.19.0.0/16", False),
    ("198.19.0.0/16", "10.0.0.0/16", False),     # 198.19 may not take RFC 1918
    ("198.19.0.0/16", "100.64.0.0/16", True),
    ("100.64.0.0/16", "10.0.0.0/16", False),     # public / CG-NAT primary: no RFC 1918
    ("100.64.0.0/16", "198.19.0.0/16", False),
    ("100.64.0.0/16", "100.65.0.0/16", True),
])
def test_association_table(primary, candidate, allowed):
    chk = C.check_association(primary, candidate)
    assert chk.allowed is allowed, chk.reasons
    assert "vpc-cidr-blocks.html" in chk.source
    assert "June-2023" in chk.note and "UNCONFIRMED" in chk.note


def test_association_names_the_rule():
    chk = C.check_association("10.1.0.0/16", "10.0.0.0/17")
    assert chk.reasons == ["10.1.0.0/16 lies in 10.0.0.0/15, so no block from 10.0.0.0/16 may be associated"]
    chk = C.check_association("10.0.0.0/16", "172.20.0.0/16")
    assert chk.reasons == ["a VPC whose CIDR comes from 10.0.0.0/8 may not associate a block from 172.16.0.0/12"]
    chk = C.check_association("10.0.0.0/16", "10.0.128.0/17")
    assert any("overlaps 10.0.0.0/16, already associated" in r for r in chk.reasons)


# ------------------------------------------------------------ service CIDR [EKS-CREATE] [EKS-API-KNC]
def test_default_service_cidr_is_inferred_and_unconfirmed():
    s = C.default_service_cidr([N("10.0.0.0/16")])
    assert (s.cidr, s.dns_ip, s.chosen_by, s.confidence) == ("172.20.0.0/16", "172.20.0.10", "inferred_default",
                                                             "unconfirmed")
    assert "UNCONFIRMED" in s.note and "DescribeCluster" in s.note
    s = C.default_service_cidr([N("192.168.0.0/16")])
    assert (s.cidr, s.dns_ip) == ("10.100.0.0/16", "10.100.0.10")
    # any VPC CIDR in 10/8 (a secondary too) flips the choice
    assert C.default_service_cidr([N("192.168.0.0/16"), N("10.5.0.0/16")]).cidr == "172.20.0.0/16"


def test_user_service_cidr_rules():
    assert C.parse_service_cidr("10.100.0.0/16") == N("10.100.0.0/16")
    assert str(C.cluster_dns_ip(N("172.20.0.0/16"))) == "172.20.0.10"
    with pytest.raises(InputError, match=r"service_cidr: 100.64.0.0/16 is not inside 10.0.0.0/8"):
        C.parse_service_cidr("100.64.0.0/16")
    with pytest.raises(InputError, match=r"/24 to /12|/12 to /24"):
        C.parse_service_cidr("10.0.0.0/25")
    with pytest.raises(InputError, match="must be /12 to /24"):
        C.parse_service_cidr("10.0.0.0/11")


def test_suggest_service_cidr_avoids_everything():
    got = C.suggest_service_cidr([N("10.0.0.0/12"), N("10.16.0.0/16")])
    assert got == N("10.17.0.0/16")
    assert C.suggest_service_cidr([N("10.0.0.0/8"), N("172.16.0.0/16")]) == N("172.18.0.0/16")  # skips the Docker bridge


# --------------------------------------------------------------------------------------- overlaps
def _L(kind, cidr, label=""):
    return C.LabeledRange(kind, N(cidr), label)


def test_overlap_findings_name_both_ranges():
    found = C.find_overlaps([
        _L("vpc", "10.0.0.0/16", "primary"), _L("onprem", "10.0.0.0/12"), _L("service", "172.20.0.0/16"),
        _L("onprem", "172.16.0.0/12"), _L("docker_bridge", "172.17.0.0/16"),
        _L("existing_subnet", "10.0.1.0/24"),
    ])
    by = {(f.id, tuple(f.ranges)) for f in found}
    assert ("overlapping-cidrs", ("10.0.0.0/12", "10.0.0.0/16")) in by
    assert ("overlapping-cidrs", ("172.16.0.0/12", "172.20.0.0/16")) in by
    assert ("docker-bridge-overlap", ("172.16.0.0/12", "172.17.0.0/16")) in by
    vpc_onprem = next(f for f in found if f.ranges == ["10.0.0.0/12", "10.0.0.0/16"])
    assert vpc_onprem.severity == "critical"
    assert "10.0.0.0/12" in vpc_onprem.message and "10.0.0.0/16" in vpc_onprem.message
    assert "private NAT gateway" in vpc_onprem.message
    # a subnet inside its own VPC is not a finding
    assert not any(set(f.ranges) == {"10.0.0.0/16", "10.0.1.0/24"} for f in found)


def test_vpc_on_docker_bridge_and_service_in_vpc():
    found = C.find_overlaps([_L("vpc", "172.17.0.0/16"), _L("docker_bridge", "172.17.0.0/16"),
                             _L("service", "172.17.128.0/24")])
    ids = sorted((f.id, f.severity) for f in found)
    assert ("docker-bridge-overlap", "warning") in ids
    svc = [f for f in found if "172.17.128.0/24" in f.ranges and "service CIDR must not overlap" in f.message]
    assert svc and svc[0].severity == "critical" and "create-cluster" in svc[0].source


def test_no_findings_for_clean_ranges():
    assert C.find_overlaps([_L("vpc", "10.0.0.0/16"), _L("onprem", "192.168.0.0/16"),
                            _L("service", "172.20.0.0/16"), _L("docker_bridge", "172.17.0.0/16")]) == []
