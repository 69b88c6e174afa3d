"""Phase 8 of the planner: when blocks found no room, say what does not fit and the smallest change that would fix it.

The remedies are searched, not guessed: the smallest greenfield VPC CIDR that holds the whole plan, and the smallest
secondary CIDR the VPC may associate that makes the routable part fit, each checked by running the placement again.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.planner.blocks import pick_block, pools, routable_search
from eksadvisor.addressing.planner.context import Draft, PlanContext
from eksadvisor.addressing.planner.model import PlanRequest, Shortfall
from eksadvisor.addressing.planner.needs import build_needs, public_prefix
from eksadvisor.addressing.planner.placement import Need, fit
from eksadvisor.addressing.planner.space import Holes, block_size


def build_shortfall(draft: Draft, unplaced: list[Need], pod_unplaced: list[Need], oversize: list[Need],
                    routable_holes: list[IPv4Network]) -> Shortfall:
    """Why the plan does not fit, the blocks left over, and the suggestions (``routable_holes``: the routable free
    space the placement had)."""
    req, ctx = draft.req, draft.ctx
    need_total = sum(block_size(n.prefixlen) for n in [*unplaced, *pod_unplaced])
    parts: list[str] = []
    sugg: list[str] = []
    sf = Shortfall(reason="", unplaced=[n.describe() for n in sorted([*unplaced, *pod_unplaced, *oversize],
                                                                       key=Need.sort_key)],
                   needed_addresses=need_total)
    if oversize:
        parts.append("; ".join(f"{n.az} needs {n.addresses:,} {n.role}-subnet addresses, more than one /16 subnet holds"
                               for n in oversize))
        sugg.append("Spread nodes over more AZs, use prefix delegation only where it lowers the need, or plan IPv6.")
    if unplaced:
        free_now = sum(b.num_addresses for b in routable_holes)
        parts.append(f"{', '.join(n.describe() for n in sorted(unplaced, key=Need.sort_key))} do not fit: the VPC's "
                     f"CIDRs have {free_now:,} free addresses in aligned holes, the plan needs "
                     f"{sum(block_size(n.prefixlen) for n in unplaced):,} more")
        # smallest VPC CIDR (greenfield: no existing subnets or secondaries to keep)
        if not ctx.existing and not ctx.secondaries:
            _smallest_vpc_cidr(req, ctx, sf, sugg)
        _smallest_secondary_cidr(draft, unplaced, routable_holes, sf, sugg)
    if pod_unplaced:
        parts.append(f"{', '.join(n.describe() for n in sorted(pod_unplaced, key=Need.sort_key))}: no secondary CIDR "
                     "could be picked that clashes with nothing listed and that the association table allows")
        sugg.append("Free part of 100.64.0.0/10 on the connected networks, or consider IPv6 or an alternate CNI (seed).")
    sf.reason = "The plan does not fit: " + "; ".join(parts) + "."
    sf.suggestions = sugg
    return sf


def _smallest_vpc_cidr(req: PlanRequest, ctx: PlanContext, sf: Shortfall, sugg: list[str]) -> None:
    """The smallest supernet of the primary CIDR whose space holds every routable need (greenfield only)."""
    for q in range(ctx.primary.prefixlen - 1, C.VPC_MIN_PREFIX - 1, -1):
        hyp = ctx.primary.supernet(new_prefix=q)
        sub = PlanContext(primary=hyp, secondaries=[], existing=[], by_az_role={}, onprem=ctx.onprem,
                          reserved=ctx.reserved, service=None)
        rn = [n for n in build_needs(req, sub, public_prefix(req, q)).needs if n.pool == "routable"]
        if not fit(Holes([hyp]), rn).unplaced:
            sf.smallest_vpc_cidr = str(hyp)
            sugg.append(f"A new VPC of {hyp} (a /{q}) holds the whole plan.")
            return


def _smallest_secondary_cidr(draft: Draft, unplaced: list[Need], routable_holes: list[IPv4Network], sf: Shortfall,
                             sugg: list[str]) -> None:
    """The smallest secondary CIDR the VPC may associate that makes the routable part fit."""
    req, ctx = draft.req, draft.ctx
    needs = build_needs(req, ctx, public_prefix(req, ctx.primary.prefixlen)).needs
    all_routable_needs = [n for n in needs if n.pool == "routable"]
    routable = pools(req, ctx.primary, ctx.secondaries).routable
    avoid = [*routable, *ctx.secondaries, *ctx.onprem, *ctx.reserved, draft.service_net, C.DOCKER_BRIDGE]
    vpc_blocks = ctx.vpc_blocks
    for q in range(C.VPC_MAX_PREFIX, C.VPC_MIN_PREFIX - 1, -1):
        if block_size(q) < min(block_size(n.prefixlen) for n in unplaced):
            continue
        cand = pick_block(q, routable_search(req, ctx.primary), avoid, ctx.primary, vpc_blocks)
        if cand is None:
            continue
        if not fit(Holes([*routable_holes, cand]), all_routable_needs).unplaced:
            sf.smallest_secondary_cidr = str(cand)
            sf.secondary_check = C.check_association(ctx.primary, cand, vpc_blocks)
            sugg.append(f"Or associate the secondary CIDR {cand} (a /{q}, the smallest that works; "
                        f"{C.ASSOCIATION_TABLE_NOTE}) and plan again with it in secondary_cidrs.")
            return
    sugg.append("No single secondary CIDR (at most a /16) makes the plan fit: associate several, shrink "
                "growth_factor, use prefix delegation or custom networking, or plan IPv6.")
