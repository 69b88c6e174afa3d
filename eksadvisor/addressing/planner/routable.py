"""Phase 5 of the planner (running phase 4 first): place the routable blocks (cluster, public, node, transit subnets).

First the overlap pattern (:mod:`eksadvisor.addressing.planner.overlap`), then the routable needs go into the VPC's free space
along the degrade ladder (shrink public subnets to a /26, node/pod subnets to their floor, public to a /27, drop the
optional blocks); when even that does not fit and the request allows it, new /16 secondary CIDRs are associated one at
a time until it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, cite
from eksadvisor.addressing.planner.blocks import pick_block, pools, routable_search
from eksadvisor.addressing.planner.context import Draft
from eksadvisor.addressing.planner.model import ROLE_WORD, SECONDARY_PREFIX
from eksadvisor.addressing.planner.overlap import place_for_overlap
from eksadvisor.addressing.planner.placement import Need, Placement, fit
from eksadvisor.addressing.planner.space import Holes, holes
from eksadvisor.names import ADDRESS_ROLES


@dataclass
class RoutablePlacement:
    """The routable phase's outcome. ``placement`` holds the routable and the overlap blocks; ``holes`` is the routable
    free space before any new block (what a shortfall reports); ``new_blocks`` the CIDRs to associate (the overlap
    block first, then the /16s); ``next_secondary`` the /16 to associate next when the plan had to shrink."""

    placement: Placement
    needs: list[Need]
    holes: list[IPv4Network]
    new_blocks: list[IPv4Network]
    next_secondary: IPv4Network | None


def place_routable(draft: Draft, needs: list[Need]) -> RoutablePlacement:
    """Place every routable need (and the overlap pattern's), shrinking or adding /16s as far as needed."""
    req, ctx = draft.req, draft.ctx
    occupied = ctx.occupied
    new_blocks: list[IPv4Network] = []
    overlap = place_for_overlap(draft, needs, occupied, new_blocks)
    free = holes(pools(req, ctx.primary, ctx.secondaries).routable, [*occupied, *overlap.placed.values()])
    r_needs = [n for n in needs if n.pool == "routable"]
    placement = fit(Holes(free), r_needs)
    if placement.unplaced and req.add_secondary_cidrs:
        placement = _add_secondaries(draft, free, r_needs, placement, new_blocks)
    placement.placed.update(overlap.placed)
    placement.unplaced.extend(overlap.unplaced)
    next_secondary: IPv4Network | None = None
    if placement.degraded:
        _degradation_findings(draft, r_needs, placement)
        next_secondary = pick_block(SECONDARY_PREFIX, routable_search(req, ctx.primary), draft.clear_of(*new_blocks),
                                    ctx.primary, [*ctx.vpc_blocks, *new_blocks])
    return RoutablePlacement(placement, r_needs, free, new_blocks, next_secondary)


def _add_secondaries(draft: Draft, free: list[IPv4Network], r_needs: list[Need], placement: Placement,
                     new_blocks: list[IPv4Network]) -> Placement:
    """Associate new /16s (up to the VPC's block quota) until the routable needs fit; each one is a finding."""
    req, ctx = draft.req, draft.ctx
    overlap_blocks = list(new_blocks)
    search = routable_search(req, ctx.primary)
    while placement.unplaced and len(ctx.vpc_blocks) + len(new_blocks) < C.VPC_CIDR_BLOCK_QUOTA_DEFAULT:
        cand = pick_block(SECONDARY_PREFIX, search, draft.clear_of(*new_blocks), ctx.primary,
                          [*ctx.vpc_blocks, *new_blocks])
        if cand is None:
            break
        new_blocks.append(cand)
        placement = fit(Holes([*free, *(b for b in new_blocks if b not in overlap_blocks)]), r_needs)
    for sec in new_blocks[len(overlap_blocks):]:
        chk = C.check_association(ctx.primary, sec, ctx.vpc_blocks)
        draft.findings.append(Finding(
            id="secondary-cidr-association", severity="info", ranges=[str(ctx.primary), str(sec)],
            source=cite("EKS-CIDR-2018", "VPC-CIDR"), confidence="unconfirmed",
            message=(f"Associate {sec} with the VPC for node, cluster and public subnets: the VPC's own CIDRs "
                     f"have no room for them. EKS accepts subnets from any associated IPv4 block (100.64.0.0/10 and "
                     f"198.19.0.0/16 included); {sec} is clear of the VPC's CIDRs, every listed connected range, "
                     f"the service CIDR and the Docker bridge, and allowed for a VPC whose CIDR comes from "
                     f"{chk.rule_row} — {C.ASSOCIATION_TABLE_NOTE}. A block cannot be resized after association, "
                     "so the plan takes a /16.")))
    return placement


def _degradation_findings(draft: Draft, needs: Sequence[Need], placement: Placement) -> None:
    """Say what the plan gave up to fit (the degrade ladder's steps taken), with the numbers."""
    placed, findings, notes = placement.placed, draft.findings, draft.notes
    shrunk = [n for n in needs if n.role in ADDRESS_ROLES and n.key in placed and n.prefixlen > n.desired]
    dropped = [n for n in needs if n.role in ADDRESS_ROLES and n.dropped]
    if shrunk or dropped:
        parts = [f"{n.az} {ROLE_WORD[n.role]} subnet /{n.prefixlen} ({C.usable_ips(IPv4Network(f'0.0.0.0/{n.prefixlen}')):,} "
                 f"usable) instead of /{n.desired} (sized for {n.addresses:,} addresses)" for n in shrunk]
        parts += [f"{n.az}: no extra {ROLE_WORD[n.role]} subnet for {n.addresses:,} addresses of headroom" for n in dropped]
        findings.append(Finding(
            id="growth-headroom-reduced", severity="warning", ranges=[str(placed[n.key]) for n in shrunk],
            source=cite("VPC-SUBNET", "BP-SUBNETS"),
            message=("The VPC's free space holds the subnets at max_nodes but not at max_nodes x growth_factor, so they "
                     "are sized down (subnets cannot be resized later): " + "; ".join(parts) + ".")))
    public = [n.prefixlen for n in needs if n.role == "public" and n.key in placed and n.prefixlen > n.desired]
    if public:
        notes.append(f"Public subnets shrunk to /{max(public)} to make the plan fit (not below the /27 a load balancer "
                     "needs, with 8 free addresses).")
    if "cluster" in placement.degraded:
        notes.append("Cluster subnets are planned in two AZs only (what EKS needs): there was no room for one per AZ.")
