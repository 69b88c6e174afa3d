"""Subnet planner: a complete, aligned layout per AZ inside the VPC's CIDRs -- or a precise account of why not.

Per AZ: a dedicated cluster subnet (/28 by default, control-plane ENIs only; two AZs are enough when space is tight)
[BP-SUBNETS], a public subnet (load balancers, NAT gateways; at least the /27 a load balancer needs), a private node
subnet sized for the caller's per-AZ address need (several when one /16 is not enough), and with custom networking a
pod subnet in a /16 secondary CIDR picked from 100.64.0.0/10 so that it clashes with nothing listed [BP-CUSTNET].

Placement: existing subnets stay where they are and count their free addresses (usable - used_ips); the planner
works in the free space between them (the maximal aligned holes aws-cidr-finder reports), placing the largest blocks
first, each into the smallest hole that holds it (lowest address on ties). Blocks are power-of-two sized and aligned,
so largest-first placement wastes nothing: if the blocks fit the holes at all, they fit this way. When they do not,
the demand shrinks in a stated order (:func:`~eksadvisor.addressing.planner.placement.degrade_steps`: growth headroom first,
mandatory pieces never), then new /16 secondary CIDRs are associated (``add_secondary_cidrs``). A VPC that overlaps a
connected range gets its cluster subnets and one transit subnet per AZ (private NAT gateway) in a block that overlaps
nothing connected. ``SubnetPlan.complete`` says whether the result is buildable as a whole (docs/design.md §2.4).

This module does not know how many addresses a node needs: the caller computes that with the
IP-consumption model and passes ``node_addresses_per_az`` / ``pod_addresses_per_az`` (and their floors).

The phases of :func:`plan_subnets`, in order (a map of the modules in this package):

1. validate the request, parse its ranges ............ :mod:`~eksadvisor.addressing.planner.context` (``Draft``)
2. the service CIDR and what the request itself says  :mod:`~eksadvisor.addressing.planner.findings`
3. account existing space and build the needs: reuse existing subnets by their free addresses, size new blocks
   ................................................... :mod:`~eksadvisor.addressing.planner.needs`
4. overlap pattern: cluster + transit subnets in a block clear of connected ranges
   ................................................... :mod:`~eksadvisor.addressing.planner.overlap`
5. place the routable needs along the degrade ladder (public /26, node/pod to floor, public /27, drop optional),
   then add /16 secondary CIDRs ....................... :mod:`~eksadvisor.addressing.planner.routable`,
   :mod:`~eksadvisor.addressing.planner.placement` (on the integer allocator of :mod:`~eksadvisor.addressing.planner.space`)
6. pod subnets in CG-NAT secondaries (custom networking) :mod:`~eksadvisor.addressing.planner.pods`
7. the subnets: named, tagged, ordered; prefix reservations; Multus subnets
   ................................................... :mod:`~eksadvisor.addressing.planner.assemble`
8. plan-wide findings (quota, overlaps), the shortfall and its remedies, the headroom left
   ................................................... :mod:`~eksadvisor.addressing.planner.findings`,
   :mod:`~eksadvisor.addressing.planner.shortfall`, then :func:`_result` here

The input and output models live in :mod:`~eksadvisor.addressing.planner.model`, the check of a hand-written layout in
:mod:`~eksadvisor.addressing.planner.layout_check`; both are re-exported here (the public names).
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import NamedTuple

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, cite
from eksadvisor.addressing.planner.assemble import add_multus_subnets, build_subnets, missing_parts
from eksadvisor.addressing.planner.blocks import pools
from eksadvisor.addressing.planner.context import Draft, validate_request
from eksadvisor.addressing.planner.findings import (
    overlap_findings,
    quota_finding,
    request_findings,
    service_cidr,
    sizing_notes,
)
from eksadvisor.addressing.planner.layout_check import SEED_EXAMPLE_LAYOUT, validate_layout
from eksadvisor.addressing.planner.model import (
    CLUSTER_MIN_FREE,
    MAX_AZS,
    MIN_CLUSTER_AZS,
    PUBLIC_FLOOR_PREFIX,
    PUBLIC_MIN_FREE,
    PUBLIC_MIN_PREFIX,
    ROLE_ORDER,
    ROLE_WORD,
    ROUTABLE_PREFIX,
    SECONDARY_PREFIX,
    ExistingSubnetIn,
    PlannedSubnet,
    PlanRequest,
    Reservation,
    Shortfall,
    SubnetPlan,
)
from eksadvisor.addressing.planner.needs import build_needs, public_prefix
from eksadvisor.addressing.planner.placement import Need, fit
from eksadvisor.addressing.planner.pods import PodPlacement, place_pods
from eksadvisor.addressing.planner.routable import RoutablePlacement, place_routable
from eksadvisor.addressing.planner.shortfall import build_shortfall
from eksadvisor.addressing.planner.space import Holes, block_size, holes
from eksadvisor.names import SubnetRole
from eksadvisor.severity import SEVERITY_RANK

__all__ = [
    "CLUSTER_MIN_FREE",
    "MAX_AZS",
    "MIN_CLUSTER_AZS",
    "PUBLIC_FLOOR_PREFIX",
    "PUBLIC_MIN_FREE",
    "PUBLIC_MIN_PREFIX",
    "ROLE_ORDER",
    "ROUTABLE_PREFIX",
    "SECONDARY_PREFIX",
    "SEED_EXAMPLE_LAYOUT",
    "ExistingSubnetIn",
    "FitCheck",
    "PlanRequest",
    "PlannedSubnet",
    "Reservation",
    "Shortfall",
    "SubnetPlan",
    "SubnetRole",
    "fits_as_is",
    "plan_subnets",
    "refusal_sentence",
    "shortfall_remedy",
    "validate_layout",
]


class FitCheck(NamedTuple):
    fits: bool
    short_by: int  # addresses of the blocks that found no room (at their least size)
    free: int  # free addresses in aligned holes of the VPC's blocks before placement


def fits_as_is(req: PlanRequest) -> FitCheck:
    """Do the routable subnets fit the VPC's CIDR blocks as they are (no new CIDR)? The planner's placement only: no
    findings, names or shortfall search, so the decision graph can ask it cheaply."""
    ctx = validate_request(req)
    free = holes(pools(req, ctx.primary, ctx.secondaries).routable, ctx.occupied)
    needs = build_needs(req, ctx, public_prefix(req, ctx.primary.prefixlen)).needs
    unplaced = fit(Holes(free), [n for n in needs if n.pool == "routable"]).unplaced
    oversize = any(n.pool == "oversize" for n in needs)
    return FitCheck(not unplaced and not oversize, sum(block_size(n.prefixlen) for n in unplaced),
                    sum(b.num_addresses for b in free))


def plan_subnets(req: PlanRequest) -> SubnetPlan:
    """Lay out cluster, public, private (and pod) subnets per AZ; deterministic for a given request. The phases run
    in the order the module docstring lists; each adds its findings and notes to the draft."""
    ctx = validate_request(req)  # 1
    service = service_cidr(ctx)  # 2
    draft = Draft(req, ctx, service, IPv4Network(service.cidr))
    request_findings(draft)
    public_p = public_prefix(req, ctx.primary.prefixlen)  # 3
    if public_p != req.public_subnet_prefix:
        draft.notes.append(f"Public subnets sized /{public_p} instead of the /{req.public_subnet_prefix} hint: at most "
                           f"1/16 of the /{ctx.primary.prefixlen} VPC CIDR each (planner policy).")
    wanted = build_needs(req, ctx, public_p)
    draft.findings.extend(wanted.findings)
    needs = wanted.needs
    oversize = [n for n in needs if n.pool == "oversize"]
    routable = place_routable(draft, needs)  # 4, 5
    pods = place_pods(draft, needs, routable.new_blocks)  # 6
    quota_finding(draft, pods.new_blocks)
    subnets = build_subnets(draft, wanted.reused, needs, {**routable.placement.placed, **pods.placed})  # 7
    add_multus_subnets(req, [*ctx.vpc_blocks, *pods.new_blocks], subnets, draft.findings)
    sizing_notes(draft)
    overlap_findings(draft, pods.new_blocks)  # 8
    return _result(draft, needs, subnets, routable, pods, oversize)


def _result(draft: Draft, needs: list[Need], subnets: list[PlannedSubnet], routable: RoutablePlacement,
            pods: PodPlacement, oversize: list[Need]) -> SubnetPlan:
    """Phase 8's end: the shortfall (when anything found no room), the free space left, what a buildable layout still
    lacks, the findings in their stable order, and the SubnetPlan."""
    req, ctx, findings = draft.req, draft.ctx, draft.findings
    unplaced = routable.placement.unplaced
    all_unplaced = [*unplaced, *pods.unplaced, *oversize]
    shortfall = None
    if all_unplaced:
        shortfall = build_shortfall(draft, unplaced, pods.unplaced, oversize, routable.holes)
        findings.append(Finding(id="subnet-too-small", severity="critical", ranges=[str(b) for b in ctx.vpc_blocks],
                                source=cite("VPC-CIDR", "VPC-SUBNET"), message=shortfall.reason))
    left = sorted([*routable.placement.space.blocks(), *pods.free], key=lambda n: (n.prefixlen, int(n.network_address)))
    # transit subnets are wanted when the private NAT pattern applies (a routable block was found for them)
    missing = missing_parts(req, subnets, want_transit=any(n.role == "transit" for n in needs))
    if all_unplaced and not missing:  # every role is there, but not at the size the demand needs
        missing = [f"{ROLE_WORD[n.role]} subnet /{n.prefixlen} in {n.az}" for n in sorted(all_unplaced, key=Need.sort_key)]
    findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.id, f.ranges, f.message))
    nxt = routable.next_secondary
    return SubnetPlan(
        vpc_cidr=str(ctx.primary), vpc_cidrs=[str(b) for b in ctx.vpc_blocks], azs=list(req.azs), subnets=subnets,
        secondary_cidrs=[str(s) for s in pods.new_blocks], service_cidr=draft.service, findings=findings,
        fits=not all_unplaced, shortfall=shortfall, free_blocks_after=[str(b) for b in left[:16]],
        free_addresses_after=sum(b.num_addresses for b in left), notes=draft.notes, complete=not missing,
        missing=missing, next_secondary_cidr=str(nxt) if nxt else None)


def shortfall_remedy(plan: SubnetPlan) -> str:
    """The smallest change that would make an incomplete plan complete, from the facts the planner used."""
    sf = plan.shortfall
    if len(plan.azs) < MIN_CLUSTER_AZS:
        return "answer at least two Availability Zones (EKS needs cluster subnets in two)"
    if sf is not None and any(f.id == "subnet-too-small" and "one pod subnet" in f.message for f in plan.findings):
        return "spread the nodes over more Availability Zones or plan IPv6 (each AZ has one pod subnet, at most a /16)"
    if sf is not None and sf.smallest_vpc_cidr:
        return f"a VPC CIDR of {sf.smallest_vpc_cidr} holds the whole plan, or lower max_nodes / growth_factor"
    if sf is not None and sf.smallest_secondary_cidr:
        return f"associate {sf.smallest_secondary_cidr} as a secondary CIDR"
    return ("lower max_nodes or growth_factor, free a /16 that clears every connected range for a secondary CIDR "
            f"(a VPC holds {C.VPC_CIDR_BLOCK_QUOTA_DEFAULT} IPv4 blocks by default), or plan IPv6")


def refusal_sentence(plan: SubnetPlan) -> str:
    """One sentence for a plan that is not complete: what does not fit, where, and the smallest change that would."""
    blocks = ", ".join([*plan.vpc_cidrs, *plan.secondary_cidrs])
    what = "; ".join(plan.missing) or "the subnets"
    short = (f" (short by {plan.shortfall.needed_addresses:,} addresses)"
             if plan.shortfall is not None and plan.shortfall.needed_addresses else "")
    return (f"network: {blocks} cannot hold a complete subnet plan — no room for {what}{short}; smallest change: "
            f"{shortfall_remedy(plan)}.")

