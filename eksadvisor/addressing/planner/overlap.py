"""Phase 4 of the planner: the private NAT gateway pattern for a VPC that overlaps a connected range.

Runs before the routable placement because it moves the cluster subnets out of the overlapping space and adds transit
subnets, which changes what the routable placement has to hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, cite
from eksadvisor.addressing.planner.blocks import pick_block
from eksadvisor.addressing.planner.context import Draft
from eksadvisor.addressing.planner.model import ROUTABLE_PREFIX
from eksadvisor.addressing.planner.placement import Need, Placement, allocate
from eksadvisor.addressing.planner.space import FreeSpace, block_size, holes, prefix_for_total


def place_for_overlap(draft: Draft, needs: list[Need], occupied: Sequence[IPv4Network],
                      new_blocks: list[IPv4Network]) -> Placement:
    """The private NAT gateway pattern for a VPC that overlaps a connected range: the overlapping space stays for
    nodes and pods (it is not routable to on-prem anyway); the cluster subnets (the private endpoint's ENIs) and one
    transit subnet per AZ (private NAT gateway, Transit Gateway attachment) go into a block that overlaps nothing
    connected -- a clear existing secondary CIDR, else a new /24 to associate [BP-CUSTNET] [EKS-NETREQ].

    Adds the transit needs to ``needs`` (moving the cluster needs to the "overlap" pool) and a new block, if one is
    taken, to ``new_blocks``."""
    req, ctx = draft.req, draft.ctx
    vpc_blocks = ctx.vpc_blocks
    overlapping = [b for b in vpc_blocks if any(b.overlaps(o) for o in ctx.onprem)]
    if not req.routable_for_overlap or not overlapping:
        return Placement({}, [], FreeSpace(()))
    moved = [n for n in needs if n.role == "cluster"]
    seq = max((n.seq for n in needs), default=0) + 1
    transit = [Need("transit", az, i, C.SUBNET_MAX_PREFIX, 0, "overlap", seq + i) for i, az in enumerate(req.azs)]
    needs.extend(transit)
    for n in moved:
        n.pool = "overlap"
    want = [*moved, *transit]
    clear = [b for b in vpc_blocks if not any(b.overlaps(o) for o in ctx.onprem)]
    placement = allocate(holes(clear, occupied), want)
    new_block = None
    if placement.unplaced:
        q = min(ROUTABLE_PREFIX, prefix_for_total(sum(block_size(n.prefixlen) for n in want)))
        # private ranges first (what on-prem can usually route to), CG-NAT space when it is free on connected networks
        search = [*(r for r in C.allowed_secondary_ranges(ctx.primary) if r != C.CGNAT),
                  *([C.CGNAT] if not req.cgnat_in_use else [])]
        new_block = pick_block(q, search, draft.clear_of(*new_blocks), ctx.primary, [*vpc_blocks, *new_blocks])
        if new_block is None:  # nothing clears every connected range: keep the plain layout and say so
            needs[:] = [n for n in needs if n.role != "transit"]
            for n in moved:
                n.pool = "routable"
            draft.findings.append(_no_routable_block(overlapping))
            return Placement({}, [], FreeSpace(()))
        new_blocks.append(new_block)
        placement = allocate([*holes(clear, occupied), new_block], want)
    draft.findings.append(_routable_subnets_planned(ctx.onprem, overlapping, clear, new_block))
    return placement


def _no_routable_block(overlapping: list[IPv4Network]) -> Finding:
    return Finding(
        id="overlap-routable-subnets", severity="warning", ranges=[str(b) for b in overlapping],
        source=cite("BP-CUSTNET", "VPC-CIDR"),
        message=(f"{', '.join(map(str, overlapping))} overlaps connected ranges, and no block this VPC may "
                 "associate clears every connected range, so no routable subnets for a private NAT gateway "
                 "could be planned: re-address one side, or take a routable block from your own IP address "
                 "plan and put the cluster subnets and a private NAT gateway there."))


def _routable_subnets_planned(onprem: list[IPv4Network], overlapping: list[IPv4Network], clear: list[IPv4Network],
                              new_block: IPv4Network | None) -> Finding:
    where = str(new_block) if new_block is not None else ", ".join(map(str, clear)) or "no block"
    over = ", ".join(sorted({str(o) for o in onprem for b in overlapping if b.overlaps(o)}))
    return Finding(
        id="overlap-routable-subnets", severity="warning" if new_block is not None else "info",
        ranges=[*(str(b) for b in overlapping), where], source=cite("BP-CUSTNET", "EKS-NETREQ"),
        message=(f"{', '.join(map(str, overlapping))} overlaps the connected range(s) {over}, so on-prem cannot route "
                 f"to it: the cluster subnets (the private API endpoint's network interfaces) and one transit subnet "
                 f"per AZ for a private NAT gateway and the Transit Gateway attachment are planned in {where}, which "
                 "overlaps nothing connected"
                 + (f" — associate {where}, or a block of that size from your own IP address plan that on-prem can "
                    "route to" if new_block is not None else "")
                 + ". Nodes and pods stay in the overlapping range and reach on-prem through the private NAT gateway "
                 "(route on-prem destinations from the node subnets to it, and from the transit subnets to the "
                 "Transit Gateway)."))
