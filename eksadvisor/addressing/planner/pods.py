"""Phase 6 of the planner: pod subnets under custom networking, in CG-NAT space apart from the routable VPC range.

Existing CG-NAT secondaries are used first; what they cannot hold is packed into bins of at most a /16, and each bin
gets a new /16 secondary CIDR (a block cannot be resized once associated) from 100.64.0.0/10, else from the VPC's own
private range [BP-CUSTNET].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, cite
from eksadvisor.addressing.planner.blocks import pick_block, pools
from eksadvisor.addressing.planner.context import Draft
from eksadvisor.addressing.planner.model import SECONDARY_PREFIX
from eksadvisor.addressing.planner.placement import Key, Need, allocate
from eksadvisor.addressing.planner.space import block_size, holes


@dataclass
class PodPlacement:
    """The pod phase's outcome: pod blocks placed, pod needs without room, the free space left in pod blocks, and every
    new CIDR block of the plan (the routable phase's first, then the pod /16s)."""

    new_blocks: list[IPv4Network]
    placed: dict[Key, IPv4Network] = field(default_factory=dict)
    unplaced: list[Need] = field(default_factory=list)
    free: list[IPv4Network] = field(default_factory=list)


def place_pods(draft: Draft, needs: list[Need], new_routable: list[IPv4Network]) -> PodPlacement:
    """Place the pod needs: existing CG-NAT secondaries first, then one new /16 per bin of at most a /16."""
    req, ctx = draft.req, draft.ctx
    out = PodPlacement(new_blocks=list(new_routable))
    if not req.custom_networking:
        return out
    search = _pod_search(draft)
    p_needs = [n for n in needs if n.pool == "pod"]
    if not p_needs:
        return out
    cgnat_secondaries = pools(req, ctx.primary, ctx.secondaries).pod
    rest = list(p_needs)
    if cgnat_secondaries:
        first = allocate(holes(cgnat_secondaries, ctx.occupied), p_needs)
        out.placed.update(first.placed)
        out.free.extend(first.space.blocks())
        rest = first.unplaced
    for b in _bins(rest):
        _place_bin(draft, b, search, out)
    for sec in out.new_blocks[len(new_routable):]:
        chk = C.check_association(ctx.primary, sec, ctx.vpc_blocks)
        draft.findings.append(Finding(
            id="secondary-cidr-association", severity="info", ranges=[str(ctx.primary), str(sec)],
            source=chk.source, confidence="unconfirmed",
            message=(f"Associate {sec} with the VPC for pod subnets: clear of the VPC's CIDRs, every listed "
                     f"connected range, the service CIDR and the Docker bridge, and allowed for a VPC whose CIDR "
                     f"comes from {chk.rule_row} — {C.ASSOCIATION_TABLE_NOTE}. A block cannot be resized after "
                     "association; associate a larger one now if pods may outgrow growth_factor.")))
    if out.new_blocks:
        draft.findings.append(Finding(
            id="new-cidr-control-plane-delay", severity="info", ranges=[str(s) for s in out.new_blocks],
            source=cite("EKS-NETREQ"),
            message=("Nodes can use a newly associated CIDR at once, but the EKS control plane may take up to "
                     "about an hour to recognise it (exec/logs and webhooks to pods there fail until then).")))
    return out


def _pod_search(draft: Draft) -> list[IPv4Network]:
    """Where a pod CIDR comes from: CG-NAT space, or the private ranges allowed when CG-NAT is in use elsewhere."""
    if not draft.req.cgnat_in_use:
        return [C.CGNAT]
    search = [r for r in C.allowed_secondary_ranges(draft.ctx.primary) if r != C.CGNAT]
    draft.findings.append(Finding(
        id="cgnat-in-use", severity="warning", ranges=[str(C.CGNAT)], source=cite("SEED", "BP-CUSTNET"),
        message=("100.64.0.0/10 (CG-NAT) is already in use on connected networks, so the usual custom-networking "
                 "pod CIDR may clash. Alternatives (seed): IPv6, or an alternate CNI; for overlapping CIDRs a "
                 "private NAT gateway with a transit gateway. "
                 + (f"The planner looked for an unused block in {', '.join(map(str, search))} instead — confirm "
                    "it is free on every connected network." if search else
                    "No private range is allowed for this VPC's primary CIDR, so no pod CIDR was picked."))))
    return search


def _bins(needs: list[Need]) -> list[list[Need]]:
    """Bins of at most a /16 each (largest first), one new secondary CIDR per bin."""
    bins: list[list[Need]] = []
    for n in sorted(needs, key=Need.sort_key):
        for b in bins:
            if sum(block_size(x.prefixlen) for x in b) + block_size(n.prefixlen) <= block_size(16):
                b.append(n)
                break
        else:
            bins.append([n])
    return bins


def _place_bin(draft: Draft, needs: list[Need], search: list[IPv4Network], out: PodPlacement) -> None:
    """One bin into a new /16 pod CIDR (falling back to the VPC's own private range when CG-NAT has none clear)."""
    req, ctx = draft.req, draft.ctx
    q = SECONDARY_PREFIX  # a block cannot be resized once associated: take a /16 [BP-CUSTNET]
    cand = pick_block(q, search, draft.clear_of(*out.new_blocks), ctx.primary, [*ctx.vpc_blocks, *out.new_blocks])
    if cand is None and not req.cgnat_in_use:
        fallback = [r for r in C.allowed_secondary_ranges(ctx.primary) if r != C.CGNAT]
        cand = pick_block(q, fallback, draft.clear_of(*out.new_blocks), ctx.primary, [*ctx.vpc_blocks, *out.new_blocks])
        if cand is not None:
            draft.findings.append(Finding(
                id="pod-cidr-fallback", severity="warning", ranges=[str(C.CGNAT), str(cand)],
                source=cite("BP-CUSTNET", "VPC-CIDR"),
                message=(f"No /{q} in 100.64.0.0/10 is clear of the ranges listed, so the pod CIDR {cand} "
                         "comes from the VPC's own private range instead: confirm it is free on every "
                         "connected network (or consider IPv6).")))
    if cand is None:
        out.unplaced.extend(needs)
        return
    out.new_blocks.append(cand)
    got = allocate([cand], needs)
    out.placed.update(got.placed)
    out.unplaced.extend(got.unplaced)
    out.free.extend(got.space.blocks())
