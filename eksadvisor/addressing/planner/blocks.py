"""Choosing new CIDR blocks for the VPC: where a secondary block may come from and the lowest one that clashes with
nothing (used by the routable, overlap, pod and shortfall phases of the planner)."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network
from typing import NamedTuple

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.planner.model import PlanRequest


class Pools(NamedTuple):
    """The VPC's blocks by what they hold: node, public, cluster (and transit) subnets, or pod subnets."""

    routable: list[IPv4Network]
    pod: list[IPv4Network]


def pools(req: PlanRequest, primary: IPv4Network, secondaries: Sequence[IPv4Network]) -> Pools:
    """(routable containers, pod containers): CG-NAT secondaries hold pods under custom networking."""
    if req.custom_networking:
        return Pools([primary, *[s for s in secondaries if not s.subnet_of(C.CGNAT)]],
                     [s for s in secondaries if s.subnet_of(C.CGNAT)])
    return Pools([primary, *secondaries], [])


def pick_block(prefixlen: int, search: Sequence[IPv4Network], avoid: Sequence[IPv4Network],
               primary: IPv4Network, associated: Sequence[IPv4Network]) -> IPv4Network | None:
    """Lowest aligned /prefixlen in ``search`` that clashes with nothing in ``avoid`` and that the
    association table lets the VPC take."""
    avoid = [*avoid, *C.forbidden_secondary_ranges(primary, associated)]
    for rng in search:
        tried = 0
        for hole in C.free_blocks(rng, avoid):
            if hole.prefixlen > prefixlen:
                continue
            for cand in hole.subnets(new_prefix=prefixlen):
                if not C.association_problems(primary, cand, associated):
                    return cand
                tried += 1
                if tried > 256:
                    break
            if tried > 256:
                break
    return None


def routable_search(req: PlanRequest, primary: IPv4Network) -> list[IPv4Network]:
    """Where a secondary CIDR for node/public/cluster subnets comes from, in order: 100.64.0.0/10 (unless it is in
    use on connected networks, or holds the pod subnets under custom networking), 198.19.0.0/16 where the
    association table allows it, then the private ranges the table allows [EKS-CIDR-2018] [VPC-CIDR]."""
    cgnat_ok = not (req.custom_networking or req.cgnat_in_use)
    rfc1918 = [r for r in C.allowed_secondary_ranges(primary) if r != C.CGNAT]
    return [*([C.CGNAT] if cgnat_ok else []), C.BENCHMARK_198_19, *rfc1918]

