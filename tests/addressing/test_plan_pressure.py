"""Plans under address pressure (issue: tiny, crowded and overlapping VPCs).

The principle (DESIGN §2.4): a Recommendation is complete and buildable -- cluster subnets in at least two AZs,
node and public subnets in every AZ, pod subnets in every AZ under custom networking, every artefact naming
only subnets of the plan, existing subnets counted at their free addresses -- or ``advise`` refuses with one
sentence (PlanDoesNotFit, an InputError: exit 2 on the CLI) saying what does not fit and the smallest change.
"""

from __future__ import annotations

import json
import math
import re
from ipaddress import IPv4Network as N

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eksadvisor.addressing import cidr as C
from eksadvisor.decide.advisor import advise, subnet_plan
from eksadvisor.errors import InputError, PlanDoesNotFit
from tests.conftest import ROOT
from tests.golden import golden_text

AZ_LETTERS = "abcdef"


def _answers(vpc: str, azs: int = 3, *, region: str = "us-east-1", nodes: tuple[int, int] = (3, 6), pods: int = 20,
             types: tuple[str, ...] = ("m5.large",), **network) -> dict:
    return {
        "version": 1, "cluster_name": "pressure", "region": region, "availability_zones": azs,
        "node_groups": [{"name": "general", "instance_types": list(types), "desired_nodes": nodes[0],
                         "max_nodes": nodes[1], "pods_per_node": pods}],
        "network": {"vpc_cidr": vpc, **network},
    }


def _complete(rec, answers: dict) -> None:
    """The DESIGN §2.4 principle, checked on a Recommendation."""
    azs = [f"{answers['region']}{AZ_LETTERS[i]}" for i in range(answers["availability_zones"])]
    by_role: dict[str, set[str]] = {}
    for s in rec.subnets:
        by_role.setdefault(s.role, set()).add(s.az)
    assert len(by_role.get("cluster", set())) >= 2, rec.subnets
    assert by_role.get("private", set()) == set(azs)
    assert by_role.get("public", set()) == set(azs)
    vpc_blocks = [N(answers["network"]["vpc_cidr"]), *(N(c) for c in answers["network"].get("secondary_cidrs", []))]
    if any(b.overlaps(N(o)) for b in vpc_blocks for o in answers["network"].get("onprem_cidrs", [])) and \
            by_role.get("transit"):
        # the private NAT gateway pattern: a transit subnet per AZ, cluster subnets beside them, both clear of on-prem
        assert by_role["transit"] == set(azs)
        for x in rec.subnets:
            if x.role in ("transit", "cluster") and not x.existing:
                assert not any(N(x.cidr).overlaps(N(o)) for o in answers["network"]["onprem_cidrs"])
    if rec.custom_networking:
        assert by_role.get("pod", set()) == set(azs)
    # public subnets can hold a load balancer: at least a /27 [ELB-ALB-SUBNETS]
    assert all(N(s.cidr).prefixlen <= 27 for s in rec.subnets if s.role == "public" and not s.existing)
    # no two subnets overlap; new ones are inside the VPC's blocks or the secondaries it associates
    nets = [N(s.cidr) for s in rec.subnets]
    for i, a in enumerate(nets):
        assert not any(a.overlaps(b) for b in nets[i + 1:])
    blocks = [N(answers["network"]["vpc_cidr"]), *(N(c) for c in answers["network"].get("secondary_cidrs", [])),
              *(N(c) for c in rec.secondary_cidrs)]
    assert all(any(n.subnet_of(b) for b in blocks) for n in nets)
    # secondary CIDRs clear every connected range, and CG-NAT space when it is in use [issue: overlap]
    onprem = [N(c) for c in answers["network"].get("onprem_cidrs", [])]
    for sec in map(N, rec.secondary_cidrs):
        # a block cannot be resized once associated: /16s, except the small routable block of the private NAT gateway
        # pattern (cluster + transit subnets) for a VPC that overlaps a connected range
        transit = [N(x.cidr) for x in rec.subnets if x.role == "transit"]
        assert sec.prefixlen == 16 or (transit and all(t.subnet_of(sec) for t in transit))
        assert not any(sec.overlaps(o) for o in onprem)
        if answers["network"].get("cgnat_in_use"):
            assert not sec.overlaps(C.CGNAT)
    # every CIDR a generated artefact names is a subnet, a CIDR block or the service CIDR of the plan
    known = {s.cidr for s in rec.subnets} | {str(b) for b in blocks} | {str(o) for o in onprem}
    known |= {f["ranges"][0] for f in rec.plan_findings if f["id"].startswith("service-cidr")}
    for name, text in rec.snippets.items():
        for cidr in re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b", text):
            if 16 <= int(cidr.split("/")[1]) <= 28 and cidr != str(C.DOCKER_BRIDGE):
                # a subnet CIDR reservation lies inside a planned subnet
                assert cidr in known or any(N(cidr).subnet_of(N(x.cidr)) for x in rec.subnets), (name, cidr)


def _refusal_is_one_sentence(err: InputError) -> None:
    msg = str(err)
    assert msg.startswith("network: ") and msg.endswith(".")
    assert "smallest change: " in msg
    assert msg.count(". ") == 0 and "\n" not in msg


# ------------------------------------------------------------------------------ the property test
@st.composite
def crowded(draw):
    """Random primary /16-/26 (three private families), 2-6 AZs, existing subnets filling 0-100% of the primary,
    random connected ranges (10.0.0.0/8 and 100.64.0.0/10 among them)."""
    fam = draw(st.sampled_from([N("10.0.0.0/8"), N("172.16.0.0/12"), N("192.168.0.0/16")]))
    p = draw(st.integers(16, 26))
    vpc = N((int(fam.network_address) + draw(st.integers(0, 255)) * (1 << (32 - p)) % fam.num_addresses, p))
    n_az = draw(st.integers(2, 6))
    azs = [f"us-east-1{AZ_LETTERS[i]}" for i in range(n_az)]
    fill = draw(st.floats(0, 1))
    existing, taken = [], 0
    q = min(p + draw(st.integers(1, 4)), 28)
    blocks = list(vpc.subnets(new_prefix=q))
    order = draw(st.permutations(range(len(blocks))))
    for idx in order:
        if taken >= fill * vpc.num_addresses:
            break
        net = blocks[idx]
        taken += net.num_addresses
        existing.append({"cidr": str(net), "az": draw(st.sampled_from(azs)),
                         "role": draw(st.sampled_from(["cluster", "public", "private", "private"])),
                         "used_ips": draw(st.integers(0, C.usable_ips(net)))})
    onprem = draw(st.lists(st.sampled_from(["10.0.0.0/8", "100.64.0.0/10", "192.168.0.0/16", "172.16.0.0/12",
                                            "100.64.0.0/16", "10.200.0.0/16"]), max_size=2, unique=True))
    nodes = draw(st.integers(1, 40))
    answers = _answers(str(vpc), n_az, nodes=(nodes, nodes * draw(st.integers(1, 3))), pods=draw(st.integers(5, 60)),
                       types=(draw(st.sampled_from(["m5.large", "m5.xlarge", "t3.medium", "c5.2xlarge"])),),
                       existing_subnets=existing, onprem_cidrs=onprem, cgnat_in_use=draw(st.booleans()),
                       separate_pod_cidr_required=draw(st.booleans()), growth_factor=draw(st.sampled_from([1.0, 1.5, 2.0])))
    answers["ipv6"] = {"ready": draw(st.booleans()), "ipv4_exhaustion_concern": draw(st.booleans())}
    return answers


@settings(max_examples=120, deadline=None)
@given(crowded())
def test_complete_or_refused(answers):
    try:
        rec = advise(answers)
    except PlanDoesNotFit as err:
        _refusal_is_one_sentence(err)
        plan, _ = subnet_plan(answers)  # the diagnosis says the same
        assert not plan.complete and plan.missing
        return
    _complete(rec, answers)
    assert not any(w.id == "subnet-too-small" for w in rec.warnings)


# ------------------------------------------------------------------------------ the cases the issue found
def _summary(rec) -> dict:
    return {
        "summary": rec.summary,
        "secondary_cidrs": rec.secondary_cidrs,
        "subnets": [f"{s.role} {s.az} {s.cidr} {s.usable_ips}{' existing' if s.existing else ''}" for s in rec.subnets],
        "warnings": [f"{w.severity} {w.id}" for w in rec.warnings if w.severity != "info"],
    }


def _golden(case: str, data: dict) -> None:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert golden_text(f"pressure/{case}.json", text) == text, f"{case} differs from tests/golden/pressure/{case}.json"


def test_slash20_three_azs_keeps_every_piece():
    """A /20 with 3 AZs: node subnets at max x growth would be /21s (two would take the whole VPC and drop every
    cluster, public and third node subnet). Worked: m5.large, 20 workload + 2 system pods on secondary IPs -> 30
    node-subnet addresses per node (ipamd model: 22 pod IPs, the ENIs' primaries and a warm ENI); 60 nodes x 2 / 3 AZs
    = 40 per AZ -> 1,200+ addresses (a /21, 2,043 usable) each, which the /20 cannot hold three times with the rest;
    at max nodes (20 per AZ, 600+ with surge) a /22 (1,019 usable) each fits. So: /22 node subnets, /26 public, /28
    cluster subnets in every AZ, and a headroom warning."""
    answers = _answers("10.0.0.0/20", 3, nodes=(30, 60), pods=20)
    rec = advise(answers)
    _complete(rec, answers)
    nodes = [s for s in rec.subnets if s.role == "private"]
    assert [N(s.cidr).prefixlen for s in nodes] == [22, 22, 22]
    assert rec.node_groups[0].per_node["node_subnet_addresses"] == 30
    per_az_at_max = rec.node_groups[0].node_subnet_addresses_at_max / 3
    assert all(s.usable_ips >= per_az_at_max for s in nodes)
    assert any(w.id == "growth-headroom-reduced" for w in rec.warnings)
    assert rec.secondary_cidrs == []
    # the generated Terraform puts NAT gateways only where public subnets are planned
    tf = rec.snippets["terraform-vpc.tf"]
    for s in rec.subnets:
        if s.role == "public":
            assert s.cidr in tf
    _golden("slash20-three-azs", _summary(rec))


def test_slash22_four_azs_leaves_room_for_cluster_subnets():
    answers = _answers("10.0.0.0/22", 4, nodes=(8, 12), pods=20)
    rec = advise(answers)
    _complete(rec, answers)
    assert len([s for s in rec.subnets if s.role == "cluster"]) >= 2
    _golden("slash22-four-azs", _summary(rec))


def test_full_primary_gets_cluster_subnets_in_a_new_cidr():
    """Existing subnets fill the /24 primary: the cluster and public subnets go to a new /16 (EKS accepts subnets
    from any associated block [EKS-CIDR-2018])."""
    answers = _answers("10.0.0.0/24", 2, nodes=(4, 6), existing_subnets=[
        {"cidr": "10.0.0.0/25", "az": "us-east-1a", "role": "private", "used_ips": 100},
        {"cidr": "10.0.0.128/25", "az": "us-east-1b", "role": "private", "used_ips": 100}])
    rec = advise(answers)
    _complete(rec, answers)
    new_blocks = [N(c) for c in rec.secondary_cidrs]
    clusters = [N(s.cidr) for s in rec.subnets if s.role == "cluster"]
    assert clusters and all(any(c.subnet_of(b) for b in new_blocks) for c in clusters)
    _golden("full-primary", _summary(rec))


def test_existing_subnets_count_free_addresses_not_size():
    """The shipped exhausted-onprem example: AZ b's /22 has 1019 usable - 1001 used = 18 free addresses for 20-40
    nodes; it must get a new node subnet beside it (the old plan said it fits)."""
    rec = advise(ROOT / "tests" / "fixtures" / "shared" / "examples" / "exhausted-onprem.yaml")
    b = [s for s in rec.subnets if s.role == "private" and s.az == "eu-central-1b"]
    assert [s.existing for s in b] == [True, False]
    az_b = next(z for z in rec.az_usage if z.az == "eu-central-1b")
    assert (1019 - 1001) + b[1].usable_ips >= az_b.node_subnet_addresses_max


def test_crowded_slash16_uses_free_primary_space_not_custom_networking():
    """Three crowded /22s in a /16 leave ~60,000 free addresses: new node subnets in the primary CIDR, no custom
    networking and no secondary CIDR."""
    answers = _answers("10.0.0.0/16", 3, nodes=(20, 40), existing_subnets=[
        {"cidr": f"10.0.{4 * i}.0/22", "az": f"us-east-1{AZ_LETTERS[i]}", "role": "private", "used_ips": 1000}
        for i in range(3)])
    rec = advise(answers)
    _complete(rec, answers)
    assert not rec.custom_networking and rec.secondary_cidrs == [] and rec.address_mode == "secondary_ip"
    assert all(N(s.cidr).subnet_of(N("10.0.0.0/16")) for s in rec.subnets)
    step = next(t for t in rec.trace if t.node == "custom_networking")
    assert step.outcome is False or step.outcome == "false"
    _golden("crowded-slash16", _summary(rec))


def test_cgnat_in_use_never_suggests_cgnat():
    answers = _answers("10.0.0.0/24", 3, region="eu-west-1", nodes=(20, 40), cgnat_in_use=True)
    rec = advise(answers)
    _complete(rec, answers)
    assert rec.secondary_cidrs and not any(N(c).overlaps(C.CGNAT) for c in rec.secondary_cidrs)
    for w in rec.warnings:
        assert "100.64.0.0/10 recommended" not in w.remediation


def test_refusal_when_nothing_can_be_associated():
    """/24 primary inside on-prem 10.0.0.0/8, CG-NAT in use: no secondary CIDR clears every connected range
    (a 10/8 VPC may not take 198.19.0.0/16 or other RFC 1918 ranges), so advise refuses in one sentence."""
    answers = _answers("10.0.0.0/24", 3, region="eu-west-1", nodes=(20, 40), cgnat_in_use=True,
                       onprem_cidrs=["10.0.0.0/8"])
    with pytest.raises(PlanDoesNotFit) as err:
        advise(answers)
    _refusal_is_one_sentence(err.value)
    assert "10.0.0.0/24" in str(err.value)


def test_public_subnets_are_at_least_a_slash27():
    answers = _answers("10.0.0.0/24", 2, nodes=(2, 2), pods=5)
    rec = advise(answers)
    _complete(rec, answers)
    assert {N(s.cidr).prefixlen for s in rec.subnets if s.role == "public"} == {27}


def test_six_azs_in_a_three_az_region_is_refused():
    answers = _answers("10.0.0.0/16", 6, region="eu-west-1")
    with pytest.raises(InputError, match=r"^availability_zones: 6 Availability Zones asked, but eu-west-1 has 3"):
        advise(answers)


def test_all_six_us_east_1_azs_warn_about_use1_az3():
    rec = advise(_answers("10.0.0.0/16", 6))
    w = next(w for w in rec.warnings if w.id == "control-plane-az-excluded")
    assert w.severity == "warning" and "use1-az3" in w.message and "for certain" in w.message
    assert "describe-availability-zones" in w.remediation


def test_demand_beyond_a_slash16_per_az_splits_node_subnets():
    """600 nodes x 100 pods in 2 AZs on secondary IPs would not fit one /16 per AZ; the plan never collapses to a
    single subnet: prefix delegation or several node subnets per AZ, or a refusal naming the AZs."""
    answers = _answers("10.0.0.0/16", 2, nodes=(300, 600), pods=100, types=("m5.4xlarge",))
    # custom networking (the VPC is exhausted and other CIDRs exist [seed: use custom networking when]) gives each AZ
    # one pod subnet through its ENIConfig, at most a /16: 300+ nodes x 100 pods per AZ is more than that.
    with pytest.raises(PlanDoesNotFit) as err:
        advise(answers)
    _refusal_is_one_sentence(err.value)
    assert "pod subnet in us-east-1a, us-east-1b" in str(err.value)
    assert "more Availability Zones or plan IPv6" in str(err.value)
    # without custom networking (pods in the node subnets) the node subnets of an AZ may be several /16s
    answers["network"]["secondary_cidrs"] = []
    rec = advise({**answers, "availability_zones": 4,
                  "node_groups": [{**answers["node_groups"][0], "desired_nodes": 100, "max_nodes": 200}]})
    _complete(rec, {**answers, "availability_zones": 4})


def test_growth_headroom_names_the_next_cidr():
    answers = _answers("10.0.0.0/20", 3, nodes=(30, 60), pods=20)
    rec = advise(answers)
    w = next(w for w in rec.warnings if w.id == "growth-headroom-reduced")
    cand = re.search(r"\((\d+\.\d+\.\d+\.\d+/16)\)", w.remediation).group(1)
    assert N(cand).subnet_of(C.CGNAT) and math.isclose(N(cand).num_addresses, 65536)


@pytest.mark.parametrize("answers, outcome", [
    (_answers("10.0.0.0/16", 3), "fits"),
    (_answers("10.0.0.0/20", 3, nodes=(30, 60), pods=20), "reduced_headroom"),
    (_answers("10.0.0.0/24", 2, nodes=(4, 6), existing_subnets=[
        {"cidr": "10.0.0.0/25", "az": "us-east-1a", "role": "private", "used_ips": 100},
        {"cidr": "10.0.0.128/25", "az": "us-east-1b", "role": "private", "used_ips": 100}]), "new_secondary_cidrs"),
    (_answers("10.0.0.0/24", 3, region="eu-west-1", nodes=(20, 40), cgnat_in_use=True, onprem_cidrs=["10.0.0.0/8"]),
     "refused"),
])
def test_the_plan_is_a_step_of_the_walk(answers, outcome):
    """The ladder rung the plan took is traced before the exhaustion strategies (a refused plan only in the
    diagnosis, advise(..., partial=True))."""
    rec = advise(answers, partial=True)
    nodes = [t.node for t in rec.trace]
    assert nodes[-2:] == ["subnet_plan", "ip_exhaustion_strategies"]
    step = rec.trace[-2]
    assert step.outcome == outcome
    if outcome == "refused":
        assert step.reason == rec.refusal
    if outcome == "new_secondary_cidrs":
        assert all(c in step.reason for c in step.inputs["new_secondary_cidrs"]) and step.inputs["new_secondary_cidrs"]


def test_terraform_module_gets_one_subnet_per_az_and_the_rest_as_plain_subnets():
    """terraform-aws-modules/vpc puts private_subnets[i] in azs[i] (element()), so two node subnets in one AZ cannot both
    go to the module: 1,000 nodes x 100 pods over 2 AZs (CG-NAT in use, so no custom networking) needs two /16 node
    subnets per AZ; the module gets the first of each AZ in AZ order, the second ones are aws_subnet.extra, routed
    through the private route table of their AZ."""
    from tests.artefacts.snippets_support import parse_hcl

    answers = _answers("10.0.0.0/16", 2, nodes=(500, 1000), pods=100, types=("m5.4xlarge",), cgnat_in_use=True,
                       growth_factor=1.0)
    rec = advise(answers)
    _complete(rec, answers)
    by_az = {az: [s for s in rec.subnets if s.role == "private" and s.az == az] for az in ("us-east-1a", "us-east-1b")}
    assert [len(v) for v in by_az.values()] == [2, 2]
    tf = parse_hcl(rec.snippets["terraform-vpc.tf"])
    vpc = tf["module"][0]["vpc"]
    assert vpc["private_subnets"] == [by_az[az][0].cidr for az in vpc["azs"]]
    extra = next(r["aws_subnet"]["extra"] for r in tf["resource"] if "extra" in r.get("aws_subnet", {}))
    assert sorted(v["cidr"] for v in extra["for_each"].values()) == sorted(v[1].cidr for v in by_az.values())
    rta = next(r["aws_route_table_association"]["extra"] for r in tf["resource"]
               if "extra" in r.get("aws_route_table_association", {}))
    assert {v["role"] for v in rta["for_each"].values()} == {"private"}


def test_overlap_builds_the_private_nat_gateway_pattern():
    """VPC 10.1.0.0/16 inside on-prem 10.0.0.0/8: transit subnets per AZ in a routable block, a private NAT gateway in
    each (connectivity_type private), node-subnet routes to 10.0.0.0/8 through the NAT gateway of their AZ, and the
    transit route table sending 10.0.0.0/8 to the Transit Gateway (NAT gateway scenarios: overlapping networks)."""
    from tests.artefacts.snippets_support import parse_hcl

    answers = _answers("10.1.0.0/16", 3, nodes=(10, 30), onprem_cidrs=["10.0.0.0/8"])
    rec = advise(answers)
    _complete(rec, answers)
    transit = {s.az: s.name for s in rec.subnets if s.role == "transit"}
    assert len(transit) == 3
    res = parse_hcl(rec.snippets["terraform-vpc.tf"])["resource"]

    def block(kind, name):
        return next(r[kind][name] for r in res if name in r.get(kind, {}))

    nat = block("aws_nat_gateway", "private")
    assert nat["connectivity_type"] == "private" and "aws_subnet.transit[each.key].id" in nat["subnet_id"]
    routes = block("aws_route", "onprem_via_private_nat")["for_each"]
    assert {(v["az"], v["cidr"], v["nat"]) for v in routes.values()} == {
        (az, "10.0.0.0/8", name) for az, name in transit.items()}
    assert block("aws_route", "transit_to_tgw")["transit_gateway_id"] == "<TRANSIT_GATEWAY_ID>"
