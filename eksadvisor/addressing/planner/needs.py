"""Phase 3 of the planner: what must be placed -- the new blocks per AZ and role, after reusing existing subnets.

Per AZ, in role order: a cluster subnet unless an existing one has the free addresses EKS needs; a public subnet
unless an existing one can hold a load balancer; node (and with custom networking pod) subnets for whatever the
existing ones of that AZ cannot hold, split into /16-sized chunks. Each need carries its floor (the size that still
holds the demand at max nodes) so that placement can shrink it when the growth sizes do not fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import NamedTuple

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, cite
from eksadvisor.addressing.planner.context import ExistingSubnet, PlanContext
from eksadvisor.addressing.planner.model import (
    CLUSTER_MIN_FREE,
    MIN_CLUSTER_AZS,
    PUBLIC_MIN_FREE,
    PUBLIC_MIN_PREFIX,
    ExistingSubnetIn,
    PlanRequest,
)
from eksadvisor.addressing.planner.placement import Need
from eksadvisor.addressing.prefixready import fresh_subnet_prefixes
from eksadvisor.names import ADDRESS_ROLES, TaggedRole


class Reused(NamedTuple):
    """An existing subnet the plan keeps for ``role`` in ``az`` (``position`` in the request's existing_subnets)."""

    role: TaggedRole
    az: str
    position: int


@dataclass
class Needs:
    """New blocks to place, existing subnets reused per (role, az), and sizing findings."""

    needs: list[Need] = field(default_factory=list)
    reused: list[Reused] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def add(self, role: TaggedRole, az: str, az_index: int, prefixlen: int, addresses: int, pool: str, *,
            floor: int | None = None, floor_addresses: int | None = None, optional: bool = False) -> None:
        """A new need, numbered in the order needs are made (its ``seq``)."""
        self.needs.append(Need(role, az, az_index, prefixlen, addresses, pool, len(self.needs), floor=floor,
                               floor_addresses=floor_addresses, optional=optional))


def public_prefix(req: PlanRequest, container_prefix: int) -> int:
    """The hint, but at most 1/16 of the VPC's primary block per public subnet, and never smaller than the /27 a
    load balancer needs [ELB-ALB-SUBNETS]."""
    return min(max(req.public_subnet_prefix, container_prefix + 4), PUBLIC_MIN_PREFIX)


def prefix_holder(req: PlanRequest) -> str:
    """The role whose subnets hand out pod addresses: pod subnets with custom networking, else node subnets."""
    return "pod" if req.custom_networking else "private"


def build_needs(req: PlanRequest, ctx: PlanContext, public_prefix: int) -> Needs:
    """New blocks to place, existing subnets reused per (role, az), and sizing findings."""
    out = Needs()
    for az_i, az in enumerate(req.azs):
        _cluster_need(req, out, az, az_i, ctx.by_az_role.get((az, "cluster"), []))
        _public_need(req, out, az, az_i, ctx.by_az_role.get((az, "public"), []), public_prefix)
        sized: tuple[TaggedRole, ...] = ADDRESS_ROLES if req.custom_networking else ("private",)
        for role in sized:
            _sized_needs(req, out, az, az_i, role, ctx.by_az_role.get((az, role), []))
    # EKS needs cluster subnets in two AZs; one per AZ when there is room
    have_cluster = len({r.az for r in out.reused if r.role == "cluster"})
    mandatory = max(MIN_CLUSTER_AZS - have_cluster, 0)
    for n in out.needs:
        if n.role == "cluster":
            n.optional = mandatory <= 0
            mandatory -= 1
    return out


def _cluster_need(req: PlanRequest, out: Needs, az: str, az_i: int, ex: list[ExistingSubnet]) -> None:
    """Reuse the AZ's cluster subnets with the free addresses EKS needs; plan a new one when none has them."""
    ok = [t for t in ex if C.usable_ips(t.net) - t.spec.used_ips >= CLUSTER_MIN_FREE]
    out.reused.extend(Reused("cluster", az, t.position) for t in ok)
    for t in ex:
        if t not in ok:
            n, s = t.net, t.spec
            out.findings.append(Finding(
                id="cluster-subnet-full", severity="warning", ranges=[str(n)], source=cite("EKS-NETREQ"),
                message=(f"Existing cluster subnet {n} in {az} has {max(C.usable_ips(n) - s.used_ips, 0)} "
                         f"free addresses; EKS needs at least {CLUSTER_MIN_FREE} free in each cluster subnet, "
                         "so a new one is planned.")))
    if not ok:
        out.add("cluster", az, az_i, req.cluster_subnet_prefix, 0, "routable")


def _public_need(req: PlanRequest, out: Needs, az: str, az_i: int, ex: list[ExistingSubnet], prefix: int) -> None:
    """Reuse the AZ's public subnets; plan a new one when none can hold a load balancer (a /27, 8 free)."""
    ok = [t for t in ex if t.net.prefixlen <= PUBLIC_MIN_PREFIX
          and C.usable_ips(t.net) - t.spec.used_ips >= PUBLIC_MIN_FREE]
    out.reused.extend(Reused("public", az, t.position) for t in (ok or ex))
    if not ok and req.public_subnets:
        if ex:
            out.findings.append(Finding(
                id="public-subnet-too-small", severity="warning", ranges=[str(t.net) for t in ex],
                source=cite("ELB-ALB-SUBNETS"),
                message=(f"The existing public subnet(s) in {az} are smaller than a /27 or have fewer than "
                         f"{PUBLIC_MIN_FREE} free addresses, which a load balancer needs: a new one is "
                         "planned.")))
        out.add("public", az, az_i, prefix, 0, "routable", floor=PUBLIC_MIN_PREFIX)


def _sized_needs(req: PlanRequest, out: Needs, az: str, az_i: int, role: TaggedRole, ex: list[ExistingSubnet]) -> None:
    """Node or pod subnets for what the AZ's existing ones cannot hold, in chunks of at most a /16; the chunks
    beyond the floor demand are optional (headroom only)."""
    out.reused.extend(Reused(role, az, t.position) for t in ex)
    want = req.node_addresses_per_az if role == "private" else req.pod_addresses_per_az
    floor_want = (req.node_addresses_per_az_floor if role == "private" else req.pod_addresses_per_az_floor)
    floor_want = want if floor_want is None else min(floor_want, want)
    aligned = req.prefix_delegation and role == prefix_holder(req)
    have = sum(free_capacity(t.spec, t.net, aligned) for t in ex)
    if ex and have >= want:
        return
    rest = max(want - have, 0) if ex else max(want, 1)
    floor_rest = max(floor_want - have, 0) if ex else max(floor_want, 1)
    cap = (C.usable_ips(IPv4Network("10.0.0.0/16")) if not aligned
           else (65536 // C.PREFIX_SIZE - 2) * C.PREFIX_SIZE)
    if rest > cap and role == "pod":
        # one ENIConfig per AZ names one pod subnet, so pods of an AZ cannot spread over several
        out.findings.append(Finding(
            id="subnet-too-small", severity="critical", ranges=[], source=cite("VPC-SUBNET", "EKS-CUSTNET"),
            message=(f"{az}: {rest:,} pod-subnet addresses do not fit one subnet (the largest AWS subnet is a "
                     f"/16 with {cap:,} usable addresses) and custom networking gives each AZ one pod subnet: "
                     "spread nodes over more AZs, or plan IPv6.")))
        out.add(role, az, az_i, C.SUBNET_MIN_PREFIX, rest, "oversize")
        return
    pool = "pod" if role == "pod" else "routable"
    # node subnets carry the internal-ELB tag, so they must hold an internal load balancer: a /27 at least
    smallest = PUBLIC_MIN_PREFIX if role == "private" else C.SUBNET_MAX_PREFIX
    floor_left = floor_rest
    for chunk in chunks(rest, cap):
        f = min(chunk, floor_left)
        floor_left -= f
        p = min(_size(chunk, aligned) or C.SUBNET_MIN_PREFIX, smallest)
        out.add(role, az, az_i, p, chunk, pool, floor=min(_size(f, aligned) or C.SUBNET_MIN_PREFIX, smallest) if f else p,
                floor_addresses=f, optional=f == 0)


def free_capacity(s: ExistingSubnetIn, net: IPv4Network, aligned: bool) -> int:
    """What a reused subnet still offers: its free addresses (usable - used_ips), never its size. For /28
    prefixes, the whole free /28 blocks it is sure to have: each used address may break one block."""
    if aligned:
        return max(fresh_subnet_prefixes(net) - s.used_ips, 0) * C.PREFIX_SIZE
    return max(C.usable_ips(net) - s.used_ips, 0)


def chunks(total: int, cap: int) -> list[int]:
    """``total`` addresses as subnets of at most ``cap`` each (the largest AWS subnet is a /16)."""
    out = []
    while total > cap:
        out.append(cap)
        total -= cap
    return [*out, total]


def _size(addresses: int, prefix_aligned: bool) -> int | None:
    return C.smallest_prefix_for(max(addresses, 1), prefix_aligned=prefix_aligned)
