"""Subnet planner: the seed's example rebuilt, existing subnets, shortfalls, CG-NAT, bad input."""

from __future__ import annotations

from ipaddress import IPv4Network as N

import pytest

from eksadvisor.addressing.planner import (
    SEED_EXAMPLE_LAYOUT,
    ExistingSubnetIn,
    PlanRequest,
    plan_subnets,
    validate_layout,
)
from eksadvisor.errors import InputError
from tests.conftest import SHARED

AZS3 = ["us-east-1a", "us-east-1b", "us-east-1c"]
EXAMPLES = SHARED / "examples"


def _by_role(plan, role):
    return [s.cidr for s in plan.subnets if s.role == role]


def _assert_sound(plan, req):
    vpcs = [N(c) for c in [*plan.vpc_cidrs, *plan.secondary_cidrs]]
    nets = [N(s.cidr) for s in plan.subnets]
    for s, n in zip(plan.subnets, nets, strict=False):
        assert str(n) == s.cidr  # aligned: no host bits
        assert any(n.subnet_of(v) for v in vpcs), s
        assert s.usable_ips == n.num_addresses - 5
    for i, a in enumerate(nets):
        for b in nets[i + 1:]:
            assert not a.overlaps(b), (a, b)
    existing = {e.cidr for e in req.existing_subnets}
    for s in plan.subnets:
        if not s.existing:
            assert all(not N(s.cidr).overlaps(N(e)) for e in existing)


# ------------------------------------------------------------------- the seed's architecture (DESIGN §5)
def seed_request(**kw):
    base = dict(vpc_cidr="10.0.0.0/16", azs=AZS3, cluster_name="my-cluster", node_addresses_per_az=16000,
                pod_addresses_per_az=16000, custom_networking=True)
    base.update(kw)
    return PlanRequest(**base)


def test_seed_architecture_rebuilt_correctly():
    req = seed_request()
    plan = plan_subnets(req)
    assert plan.fits and plan.shortfall is None
    _assert_sound(plan, req)
    # same sizes as the seed: cluster /28s, public /20s, private /18s, pod CIDR 100.64.0.0/16 -- but valid blocks
    assert _by_role(plan, "cluster") == ["10.0.240.0/28", "10.0.240.16/28", "10.0.240.32/28"]
    assert _by_role(plan, "public") == ["10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"]
    assert _by_role(plan, "private") == ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"]
    assert _by_role(plan, "pod") == ["100.64.0.0/18", "100.64.64.0/18", "100.64.128.0/18"]
    assert plan.secondary_cidrs == ["100.64.0.0/16"]
    assert [s.az for s in plan.subnets if s.role == "private"] == AZS3
    assert plan.subnets[0].name == "my-cluster-cluster-us-east-1a"
    assert validate_layout(plan.vpc_cidrs + plan.secondary_cidrs, [s.model_dump() for s in plan.subnets]) == []
    assert plan.free_addresses_after == 65536 - 3 * 16384 - 3 * 4096 - 3 * 16 + 16384


def test_seed_layout_mistake_is_pointed_out():
    findings = validate_layout(["10.0.0.0/16"], SEED_EXAMPLE_LAYOUT)
    assert [f.message for f in findings] == [
        "10.0.1.0/20 is not a valid /20 block (host bits set; the /20 containing it is 10.0.0.0/20, "
        "which overlaps the cluster /28s)"]
    assert findings[0].ranges == ["10.0.1.0/20", "10.0.0.0/20"]


def test_validate_layout_other_problems():
    f = validate_layout(["10.0.0.0/16"], [{"cidr": "10.0.0.0/24", "role": "private"},
                                          {"cidr": "10.0.0.128/25", "role": "public"},
                                          {"cidr": "10.1.0.0/24", "role": "public"},
                                          {"cidr": "10.0.5.0/29", "role": "cluster"}])
    ids = [x.id for x in f]
    assert ids.count("overlapping-cidrs") == 1 and "subnet-outside-vpc" in ids and "subnet-size" in ids
    with pytest.raises(InputError, match=r"subnets\[0\].cidr"):
        validate_layout(["10.0.0.0/16"], [{"cidr": "nope"}])


# -------------------------------------------------------------------------------------- existing space
def test_existing_subnets_are_respected_and_reused():
    req = PlanRequest(
        vpc_cidr="10.0.0.0/16", azs=AZS3, node_addresses_per_az=1000,
        existing_subnets=[
            ExistingSubnetIn(cidr="10.0.0.0/28", az="us-east-1a", role="cluster"),
            ExistingSubnetIn(cidr="10.0.128.0/17", az=None, role="private", used_ips=10),  # someone else's
            ExistingSubnetIn(cidr="10.0.4.0/22", az="us-east-1b", role="private", used_ips=200),
        ])
    plan = plan_subnets(req)
    assert plan.fits
    _assert_sound(plan, req)
    clusters = [s for s in plan.subnets if s.role == "cluster"]
    assert next((s.az, s.cidr, s.existing) for s in clusters) == ("us-east-1a", "10.0.0.0/28", True)
    assert sum(1 for s in clusters if s.existing) == 1 and len(clusters) == 3
    priv_b = [s for s in plan.subnets if s.role == "private" and s.az == "us-east-1b"]
    # 1019 usable - 200 used = 819 free < 1000: the existing subnet is reused at its FREE addresses and a new one
    # holds the other 181 (a /24, 251 usable: the smallest that does)
    assert next((s.cidr, s.existing) for s in priv_b) == ("10.0.4.0/22", True)
    assert len(priv_b) == 2 and not priv_b[1].existing and priv_b[1].cidr.endswith("/24")
    assert priv_b[1].needed_addresses == 1000 - (1019 - 200)
    assert not any(N(s.cidr).overlaps(N("10.0.128.0/17")) for s in plan.subnets)
    assert any(f.id == "existing-subnet-reused" and f.ranges == ["10.0.4.0/22"] for f in plan.findings)


def test_existing_too_small_gets_a_second_subnet():
    req = PlanRequest(vpc_cidr="10.0.0.0/16", azs=["us-east-1a", "us-east-1b"], node_addresses_per_az=1000,
                      existing_subnets=[ExistingSubnetIn(cidr="10.0.0.0/24", az="us-east-1a", role="private")])
    plan = plan_subnets(req)
    a = [s for s in plan.subnets if s.role == "private" and s.az == "us-east-1a"]
    assert [s.existing for s in a] == [True, False]
    assert a[1].needed_addresses == 1000 - 251 and N(a[1].cidr).prefixlen == 22
    assert a[1].name.endswith("-private-us-east-1a-2")


def test_packs_into_holes_largest_first():
    # holes left by existing subnets: the /28s go into the smallest holes
    req = PlanRequest(vpc_cidr="10.0.0.0/24", azs=["us-east-1a", "us-east-1b"], node_addresses_per_az=20,
                      public_subnet_prefix=27,
                      existing_subnets=[ExistingSubnetIn(cidr="10.0.0.16/28", az="us-east-1a", role="public"),
                                        ExistingSubnetIn(cidr="10.0.0.64/26", role="private")])
    plan = plan_subnets(req)
    assert plan.fits
    _assert_sound(plan, req)
    cl = _by_role(plan, "cluster")
    assert "10.0.0.0/28" in cl  # the /28 hole next to the existing /28 is used, not a fresh /27 split


# ----------------------------------------------------------------------------------------- shortfalls
def test_shortfall_names_smallest_vpc_and_secondary():
    req = PlanRequest(vpc_cidr="10.0.0.0/24", azs=AZS3, node_addresses_per_az=500)
    plan = plan_subnets(req)
    assert not plan.fits and plan.shortfall is not None
    sf = plan.shortfall
    assert "do not fit" in sf.reason and sf.unplaced
    assert sf.smallest_vpc_cidr == "10.0.0.0/21"
    assert sf.smallest_secondary_cidr is not None and sf.secondary_check.allowed
    assert any(f.id == "subnet-too-small" and f.severity == "critical" for f in plan.findings)
    # the suggested secondary really makes it fit
    again = plan_subnets(req.model_copy(update={"secondary_cidrs": [sf.smallest_secondary_cidr]}))
    assert again.fits
    _assert_sound(again, req)
    # and so does the suggested VPC
    assert plan_subnets(req.model_copy(update={"vpc_cidr": sf.smallest_vpc_cidr})).fits


def test_per_az_need_beyond_a_slash16():
    """70,000 node addresses per AZ: more than the largest AWS subnet (a /16, 65,531 usable), so each AZ gets a /16
    and a second subnet for the other 4,469 (a /19, 8,187 usable). A /16 VPC cannot hold that; with new /16
    secondary CIDRs allowed the plan associates as many as it needs (3 x /16 + 3 x /19 + small pieces: 4 blocks,
    within the quota of 5)."""
    req = PlanRequest(vpc_cidr="10.0.0.0/16", azs=AZS3, node_addresses_per_az=70000)
    plan = plan_subnets(req)
    assert not plan.fits and not plan.complete
    assert "do not fit" in plan.shortfall.reason
    grown = plan_subnets(req.model_copy(update={"add_secondary_cidrs": True}))
    assert grown.fits and grown.complete, grown.missing
    _assert_sound(grown, req.model_copy(update={"secondary_cidrs": grown.secondary_cidrs}))
    for az in AZS3:
        nodes = sorted(N(s.cidr).prefixlen for s in grown.subnets if s.role == "private" and s.az == az)
        assert nodes == [16, 19]
    assert len(grown.secondary_cidrs) == 3 and all(N(c).prefixlen == 16 for c in grown.secondary_cidrs)
    assert N(grown.secondary_cidrs[0]).subnet_of(N("100.64.0.0/10"))  # CG-NAT first [EKS-CIDR-2018]


def test_small_vpc_shrinks_public_subnets():
    plan = plan_subnets(PlanRequest(vpc_cidr="10.8.0.0/20", azs=AZS3, node_addresses_per_az=500))
    assert plan.fits
    assert all(N(c).prefixlen == 24 for c in _by_role(plan, "public"))
    assert any("instead of the /20 hint" in n for n in plan.notes)


# -------------------------------------------------------------------------------------- custom networking
def test_pod_cidr_avoids_listed_cgnat_ranges():
    plan = plan_subnets(seed_request(onprem_cidrs=["100.64.0.0/16", "100.65.0.0/17"]))
    assert plan.secondary_cidrs == ["100.66.0.0/16"]
    assert not any(f.id == "overlapping-cidrs" for f in plan.findings)


def test_cgnat_in_use_offers_alternatives():
    plan = plan_subnets(seed_request(cgnat_in_use=True, onprem_cidrs=["10.0.0.0/12"]))
    f = next(f for f in plan.findings if f.id == "cgnat-in-use")
    assert "IPv6" in f.message and "alternate CNI" in f.message and "private NAT gateway" in f.message
    (sec,) = plan.secondary_cidrs
    assert N(sec).subnet_of(N("10.0.0.0/8")) and not N(sec).overlaps(N("10.0.0.0/12"))
    # 10.1.0.0/16 would be refused for a VPC in 10.0.0.0/15? no: the rule bars 10.0.0.0/16 only
    assert not N(sec).overlaps(N("10.0.0.0/16"))


def test_cgnat_in_use_with_public_primary_has_no_fallback():
    plan = plan_subnets(seed_request(vpc_cidr="100.64.0.0/16", cgnat_in_use=True))
    assert not plan.fits and "no secondary CIDR could be picked" in plan.shortfall.reason


def test_pod_secondary_is_allowed_by_the_table_and_cited():
    plan = plan_subnets(seed_request(vpc_cidr="172.16.0.0/16"))
    f = next(f for f in plan.findings if f.id == "secondary-cidr-association")
    assert f.confidence == "unconfirmed" and "June-2023" in f.message and "vpc-cidr-blocks.html" in f.source
    assert any(x.id == "new-cidr-control-plane-delay" for x in plan.findings)


# -------------------------------------------------------------------------------------- prefix delegation
def test_prefix_delegation_sizes_in_whole_prefixes_and_reserves():
    plan = plan_subnets(PlanRequest(vpc_cidr="10.0.0.0/16", azs=AZS3, node_addresses_per_az=224,
                                    prefix_delegation=True, prefixes_per_az=10))
    priv = [s for s in plan.subnets if s.role == "private"]
    assert all(N(s.cidr).prefixlen == 24 and s.prefix_capacity == 14 for s in priv)
    r = priv[0].reservations
    # 10 prefixes: no /25 holds 10 free /28s and the whole /24 is never reserved -> aligned free pieces
    assert [x.cidr for x in r] == ["10.0.48.32/27", "10.0.48.64/26", "10.0.48.128/26"]
    assert sum(x.free_prefixes for x in r) == 10
    assert "create-subnet-cidr-reservation" in r[0].command and "--reservation-type prefix" in r[0].command
    assert any("DERIVED" in n for n in plan.notes)


# ------------------------------------------------------------------------------------- service CIDR
def test_service_cidr_checks():
    plan = plan_subnets(seed_request(service_cidr="10.0.0.0/16"))
    f = [x for x in plan.findings if x.id == "overlapping-cidrs" and "10.0.0.0/16" in x.ranges
         and "service CIDR must not overlap" in x.message]
    assert f and f[0].severity == "critical" and f[0].confidence == "cited"
    assert any(x.id == "service-cidr-suggestion" for x in plan.findings)
    plan = plan_subnets(seed_request(onprem_cidrs=["172.16.0.0/12"]))
    inferred = [x for x in plan.findings if "172.20.0.0/16" in x.ranges and x.id == "overlapping-cidrs"]
    assert inferred and inferred[0].confidence == "unconfirmed" and "UNCONFIRMED" in inferred[0].message
    assert plan.service_cidr.chosen_by == "inferred_default"


def test_existing_secondary_against_table_is_flagged_unconfirmed():
    plan = plan_subnets(PlanRequest(vpc_cidr="10.0.0.0/16", secondary_cidrs=["192.168.0.0/16"], azs=AZS3,
                                    node_addresses_per_az=100))
    f = next(x for x in plan.findings if x.id == "secondary-cidr-restricted")
    assert f.confidence == "unconfirmed" and f.ranges == ["10.0.0.0/16", "192.168.0.0/16"]


def test_quota_warning():
    secs = ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"]
    plan = plan_subnets(seed_request(secondary_cidrs=secs))
    assert any(f.id == "vpc-cidr-quota" for f in plan.findings)


def test_one_az_is_critical():
    plan = plan_subnets(PlanRequest(vpc_cidr="10.0.0.0/16", azs=["us-east-1a"], node_addresses_per_az=10))
    assert any(f.id == "eks-two-azs" and f.severity == "critical" for f in plan.findings)


# ------------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("kw, field", [
    ({"vpc_cidr": "10.0.0.0/15"}, "vpc_cidr"),
    ({"vpc_cidr": "10.0.1.0/16"}, "vpc_cidr"),
    ({"vpc_cidr": "banana"}, "vpc_cidr"),
    ({"secondary_cidrs": ["10.0.128.0/17"]}, "secondary_cidrs[0]"),
    ({"azs": []}, "azs"),
    ({"azs": ["a", "a"]}, "azs"),
    ({"cluster_name": "-bad"}, "cluster_name"),
    ({"node_addresses_per_az": -1}, "node_addresses_per_az"),
    ({"public_subnet_prefix": 30}, "public_subnet_prefix"),
    ({"service_cidr": "100.64.0.0/16"}, "service_cidr"),
    ({"onprem_cidrs": ["192.168.1.1/16"]}, "onprem_cidrs[0]"),
    ({"existing_subnets": [{"cidr": "10.1.0.0/24"}]}, "existing_subnets[0].cidr"),
    ({"existing_subnets": [{"cidr": "10.0.0.0/24"}, {"cidr": "10.0.0.128/25"}]}, "existing_subnets[1].cidr"),
    ({"existing_subnets": [{"cidr": "10.0.0.0/24", "used_ips": 252}]}, "existing_subnets[0].used_ips"),
    ({"existing_subnets": [{"cidr": "10.0.0.8/29"}]}, "existing_subnets[0].cidr"),
])
def test_bad_input_names_the_field(kw, field):
    base = dict(vpc_cidr="10.0.0.0/16", azs=AZS3, node_addresses_per_az=100)
    base.update(kw)
    with pytest.raises(InputError) as e:
        plan_subnets(PlanRequest(**base))
    assert e.value.field == field
    assert str(e.value).startswith(field + ": ") and str(e.value).endswith(".")


def test_overlapping_existing_message():
    with pytest.raises(InputError) as e:
        plan_subnets(PlanRequest(vpc_cidr="10.0.0.0/16", azs=AZS3, existing_subnets=[
            {"cidr": "10.0.0.0/24"}, {"cidr": "10.0.0.128/25"}]))
    assert str(e.value) == ("existing_subnets[1].cidr: 10.0.0.128/25 overlaps existing_subnets[0] (10.0.0.0/24); "
                            "subnets of a VPC may not overlap.")


# -------------------------------------------------------------------------------------- determinism & answers
def test_deterministic():
    req = seed_request(onprem_cidrs=["192.168.0.0/16"], existing_subnets=[{"cidr": "10.0.3.0/24", "az": "us-east-1a"}])
    assert plan_subnets(req).model_dump_json() == plan_subnets(req).model_dump_json()


def test_plan_of_the_exhausted_onprem_example():
    """The advisor's request for the example (custom networking, full /22s, on-prem 10.0.0.0/12 overlap)."""
    from eksadvisor.decide.advisor import subnet_plan

    plan, sizing = subnet_plan(EXAMPLES / "exhausted-onprem.yaml")
    assert plan.azs == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    assert sizing["custom_networking"] is True  # separate_pod_cidr_required
    assert plan.fits
    private = [s for s in plan.subnets if s.role == "private"]
    assert [(s.cidr, s.existing) for s in private if s.existing] == [
        ("10.8.0.0/22", True), ("10.8.4.0/22", True), ("10.8.8.0/22", True)]
    # The existing node subnets count their FREE addresses (1019 usable - used_ips: 39, 18 and 69), never their size:
    # every AZ whose free addresses fall short of the per-AZ node need gets a new node subnet for the rest.
    used = {"eu-central-1a": 980, "eu-central-1b": 1001, "eu-central-1c": 950}
    need = sizing["node_addresses_per_az"]
    for az, u in used.items():
        new = sum(s.usable_ips for s in private if s.az == az and not s.existing)
        assert (1019 - u) + new >= need, (az, need)
        assert (new > 0) == (1019 - u < need)
    pods = [s for s in plan.subnets if s.role == "pod"]
    assert len(pods) == 3 and all(s.usable_ips >= sizing["pod_addresses_per_az"] for s in pods)
    # the VPC (10.8.0.0/20) overlaps on-prem 10.0.0.0/12: cluster subnets and one transit subnet per AZ (private NAT
    # gateway, Transit Gateway attachment) go into a /24 that overlaps nothing connected; pods into a /16 of CG-NAT
    routable, pod_cidr = map(N, plan.secondary_cidrs)
    assert routable.prefixlen == 24 and not routable.overlaps(N("10.0.0.0/12")) and not routable.overlaps(N("172.16.0.0/12"))
    assert pod_cidr == N("100.64.0.0/16")
    assert all(N(s.cidr).subnet_of(pod_cidr) for s in pods)
    for role in ("cluster", "transit"):
        subs = [s for s in plan.subnets if s.role == role]
        assert [s.az for s in subs] == plan.azs and all(N(s.cidr).subnet_of(routable) for s in subs)
    assert any(f.id == "overlap-routable-subnets" for f in plan.findings)
    assert any(f.id == "overlapping-cidrs" and f.ranges == ["10.0.0.0/12", "10.8.0.0/20"] for f in plan.findings)


def test_shared_cluster_subnet_is_flagged():
    plan = plan_subnets(PlanRequest(vpc_cidr="10.0.0.0/16", azs=["us-east-1a", "us-east-1b"], node_addresses_per_az=50,
                                    existing_subnets=[{"cidr": "10.0.0.0/24", "az": "us-east-1a", "role": "cluster",
                                                       "used_ips": 40}]))
    f = next(x for x in plan.findings if x.id == "cluster-subnet-shared")
    assert f.ranges == ["10.0.0.0/24"] and f.confidence == "derived"


def test_pod_cidr_falls_back_when_cgnat_is_all_listed():
    plan = plan_subnets(seed_request(onprem_cidrs=["100.64.0.0/10"]))
    f = next(x for x in plan.findings if x.id == "pod-cidr-fallback")
    (sec,) = plan.secondary_cidrs
    assert N(sec).subnet_of(N("10.0.0.0/8")) and not N(sec).overlaps(N("10.0.0.0/16")) and sec in f.ranges


def test_public_subnets_shrink_to_fit():
    req = PlanRequest(vpc_cidr="10.8.0.0/20", azs=AZS3, node_addresses_per_az=1019,
                      existing_subnets=[{"cidr": "10.8.15.0/24", "role": "public"}])
    plan = plan_subnets(req)
    assert plan.fits
    _assert_sound(plan, req)
    assert [N(c).prefixlen for c in _by_role(plan, "public")] == [25, 25, 25]
    assert any("shrunk to /25" in n for n in plan.notes)
    # a plan that cannot fit even at the floor keeps the sensible size and reports the shortfall
    plan = plan_subnets(req.model_copy(update={"node_addresses_per_az": 2000}))
    assert not plan.fits and not any("shrunk" in n for n in plan.notes)


def test_subnet_tags_per_role():
    from eksadvisor.addressing.tags import subnet_tags

    assert subnet_tags("public", "prod-east") == {"kubernetes.io/cluster/prod-east": "shared",
                                                  "kubernetes.io/role/elb": "1"}
    assert subnet_tags("private", "prod-east", "owned") == {"kubernetes.io/cluster/prod-east": "owned",
                                                            "kubernetes.io/role/internal-elb": "1"}
    assert subnet_tags("cluster", "c") == {"kubernetes.io/cluster/c": "shared"}
    assert subnet_tags("pod", "c") == {"kubernetes.io/cluster/c": "shared"}  # no load balancers in pod subnets
    with pytest.raises(InputError, match=r"^cluster_name: "):
        subnet_tags("public", "bad name")
    with pytest.raises(InputError, match=r"^role: "):
        subnet_tags("nat", "c")
