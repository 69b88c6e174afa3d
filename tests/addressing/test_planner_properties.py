"""Hypothesis invariants of the planner over random VPCs, existing subnets and answers."""

from __future__ import annotations

from ipaddress import IPv4Network as N

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.planner import PlanRequest, plan_subnets
from eksadvisor.addressing.prefixready import fresh_subnet_prefixes

FAMILIES = [N("10.0.0.0/8"), N("172.16.0.0/12"), N("192.168.0.0/16")]


@st.composite
def requests(draw):
    fam = draw(st.sampled_from(FAMILIES))
    p = draw(st.integers(16, 24))
    span = 1 << (p - fam.prefixlen) if p > fam.prefixlen else 1
    idx = draw(st.integers(0, span - 1))
    vpc = list(fam.subnets(new_prefix=p))[idx] if span <= 4096 else next(
        n for i, n in enumerate(fam.subnets(new_prefix=p)) if i == idx % 64)
    n_az = draw(st.integers(1, 4))
    azs = [f"us-east-1{chr(97 + i)}" for i in range(n_az)]
    existing: list[dict] = []
    nets: list[N] = []
    for _ in range(draw(st.integers(0, 10))):
        q = draw(st.integers(min(p + 1, 28), 28))
        blocks = 1 << (q - p)
        net = list(vpc.subnets(new_prefix=q))[draw(st.integers(0, blocks - 1))] if blocks <= 4096 else \
            N((int(vpc.network_address) + draw(st.integers(0, blocks - 1)) * (1 << (32 - q)), q))
        if any(net.overlaps(o) for o in nets):
            continue
        nets.append(net)
        existing.append({"cidr": str(net), "az": draw(st.sampled_from([None, *azs])),
                         "role": draw(st.sampled_from(["cluster", "public", "private", "pod"])),
                         "used_ips": draw(st.integers(0, C.usable_ips(net)))})
    onprem = draw(st.lists(st.sampled_from(["100.64.0.0/16", "100.64.0.0/10", "192.168.0.0/16", "10.0.0.0/12",
                                            "172.16.0.0/12", "100.96.0.0/11", "10.200.0.0/16"]),
                           max_size=3, unique=True))
    return PlanRequest(
        vpc_cidr=str(vpc), azs=azs, existing_subnets=existing, onprem_cidrs=onprem,
        cgnat_in_use=draw(st.booleans()), cluster_name="prop",
        node_addresses_per_az=draw(st.integers(0, 40000)), pod_addresses_per_az=draw(st.integers(0, 40000)),
        custom_networking=draw(st.booleans()), prefix_delegation=draw(st.booleans()),
        public_subnet_prefix=draw(st.integers(18, 28)), cluster_subnet_prefix=draw(st.sampled_from([27, 28])),
        prefixes_per_az=draw(st.integers(0, 50)))


def _check(req: PlanRequest):
    plan = plan_subnets(req)
    vpcs = [N(c) for c in plan.vpc_cidrs]
    new_secs = [N(c) for c in plan.secondary_cidrs]
    existing = {e.cidr: e for e in req.existing_subnets}
    nets = [N(s.cidr) for s in plan.subnets]
    # aligned, inside the VPC's CIDRs (or a CIDR the plan associates), big enough
    for s, n in zip(plan.subnets, nets, strict=False):
        assert str(n) == s.cidr
        assert C.SUBNET_MIN_PREFIX <= n.prefixlen <= C.SUBNET_MAX_PREFIX
        assert any(n.subnet_of(v) for v in [*vpcs, *new_secs])
        assert s.usable_ips == n.num_addresses - 5
        if not s.existing:
            assert s.usable_ips >= s.needed_addresses
            if s.prefix_capacity is not None:
                assert s.prefix_capacity == fresh_subnet_prefixes(n)
                assert s.prefix_capacity * 16 >= s.needed_addresses
            for r in s.reservations:
                assert N(r.cidr).subnet_of(n) and N(r.cidr) != n
        else:
            assert s.cidr in existing and existing[s.cidr].role == s.role and existing[s.cidr].az == s.az
    # disjoint from each other and from every existing subnet they do not reuse
    for i, a in enumerate(nets):
        for b in nets[i + 1:]:
            assert not a.overlaps(b)
    for s, n in zip(plan.subnets, nets, strict=False):
        if not s.existing:
            assert not any(n.overlaps(N(c)) for c in existing)
    # new secondary CIDRs: clear of everything listed, allowed by the table
    for sec in new_secs:
        assert not any(sec.overlaps(x) for x in [*vpcs, C.DOCKER_BRIDGE, N(plan.service_cidr.cidr),
                                                  *(N(o) for o in req.onprem_cidrs)])
        assert C.association_problems(vpcs[0], sec, vpcs[1:]) == []
        if not req.cgnat_in_use:
            assert sec.subnet_of(C.CGNAT) or any(f.id == "pod-cidr-fallback" for f in plan.findings)
    # DESIGN §2.4: complete = cluster subnets in two AZs, node/public (and pod) subnets in every AZ
    roles = ["public", "private"] + (["pod"] if req.custom_networking else [])
    whole = len({s.az for s in plan.subnets if s.role == "cluster"}) >= 2 and all(
        any(s.az == az and s.role == role for s in plan.subnets) for az in req.azs for role in roles)
    assert plan.complete == (whole and plan.fits), plan.missing
    assert plan.complete == (not plan.missing)
    if plan.fits:
        assert plan.shortfall is None
        assert plan.complete or len(req.azs) < 2, plan.missing
    else:
        assert plan.shortfall is not None and plan.shortfall.reason
        assert any(f.id == "subnet-too-small" for f in plan.findings)
    return plan


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_plan_invariants(req):
    plan = _check(req)
    assert plan_subnets(req).model_dump_json() == plan.model_dump_json()  # deterministic


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_suggested_secondary_makes_it_fit(req):
    plan = plan_subnets(req)
    sf = plan.shortfall
    if plan.fits or sf is None or sf.smallest_secondary_cidr is None or req.custom_networking:
        return
    if any(u.startswith(("pod", )) for u in sf.unplaced) or "more than one /16" in sf.reason:
        return
    req2 = req.model_copy(update={"secondary_cidrs": [*req.secondary_cidrs, sf.smallest_secondary_cidr]})
    again = _check(req2)
    assert again.fits
