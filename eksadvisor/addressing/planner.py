"""Subnet planner: a complete, aligned layout per AZ inside the VPC's CIDRs -- or a precise account of why not.

Per AZ: a dedicated cluster subnet (/28 by default, control-plane ENIs only; two AZs are enough when space is tight)
[BP-SUBNETS], a public subnet (load balancers, NAT gateways; at least the /27 a load balancer needs), a private node
subnet sized for the caller's per-AZ address need (several when one /16 is not enough), and with custom networking a
pod subnet in a /16 secondary CIDR picked from 100.64.0.0/10 so that it clashes with nothing listed [BP-CUSTNET].

Placement: existing subnets stay where they are and count their free addresses (usable - used_ips); the planner
works in the free space between them (the maximal aligned holes aws-cidr-finder reports), placing the largest blocks
first, each into the smallest hole that holds it (lowest address on ties). Blocks are power-of-two sized and aligned,
so largest-first placement wastes nothing: if the blocks fit the holes at all, they fit this way. When they do not,
the demand shrinks in a stated order (:func:`_degrade_steps`: growth headroom first, mandatory pieces never), then
new /16 secondary CIDRs are associated (``add_secondary_cidrs``). A VPC that overlaps a connected range gets its
cluster subnets and one transit subnet per AZ (private NAT gateway) in a block that overlaps nothing connected.
``SubnetPlan.complete`` says whether the result is buildable as a whole (docs/design.md §2.4).

This module does not know how many addresses a node needs: the caller computes that with the
IP-consumption model and passes ``node_addresses_per_az`` / ``pod_addresses_per_az`` (and their floors).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Network
from typing import Any, Literal, NamedTuple

from pydantic import Field

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, LabeledRange, ServiceCidr, cite
from eksadvisor.addressing.tags import check_cluster_name, subnet_tags
from eksadvisor.basemodel import OutputModel as _Model
from eksadvisor.errors import InputError
from eksadvisor.severity import SEVERITY_RANK

SubnetRole = Literal["cluster", "public", "private", "pod", "transit", "multus"]
ROLE_ORDER: dict[str, int] = {"cluster": 0, "public": 1, "private": 2, "pod": 3, "transit": 4}
ROUTABLE_PREFIX = 24  # the routable block for overlap: up to 6 AZs x (cluster /28 + transit /28) = 192 addresses
PUBLIC_FLOOR_PREFIX = 26  # planner policy (not an AWS rule): public subnets shrink below a /26 only under pressure
PUBLIC_MIN_PREFIX = 27  # an ALB/NLB subnet needs at least a /27 with 8 free addresses [ELB-ALB-SUBNETS]
PUBLIC_MIN_FREE = 8
CLUSTER_MIN_FREE = 6  # EKS needs at least 6 free addresses in each cluster subnet [EKS-NETREQ]
MIN_CLUSTER_AZS = 2  # EKS needs cluster subnets in two Availability Zones [EKS-NETREQ]
SECONDARY_PREFIX = 16  # a block cannot be resized once associated: take a /16 [VPC-QUOTA] [BP-CUSTNET]
MAX_AZS = 16


# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


# ------------------------------------------------------------------------------------------ input
class ExistingSubnetIn(_Model):
    cidr: str
    az: str | None = None
    role: SubnetRole = "private"
    used_ips: int = 0


class PlanRequest(_Model):
    """What the planner needs; address counts come from the caller's IP-consumption model."""

    vpc_cidr: str
    secondary_cidrs: list[str] = Field(default_factory=list)  # already associated with the VPC
    existing_subnets: list[ExistingSubnetIn] = Field(default_factory=list)
    onprem_cidrs: list[str] = Field(default_factory=list)  # on-prem, peered, transit-gateway ranges
    cgnat_in_use: bool = False
    azs: list[str]
    cluster_name: str = "my-cluster"
    node_addresses_per_az: int = 0  # node-subnet addresses per AZ at max nodes x growth, incl. upgrade surge
    pod_addresses_per_az: int = 0  # pod-subnet addresses per AZ (custom networking only)
    # what must fit at the least (max nodes, no growth); None = the figures above. Subnets shrink towards these
    # only when the growth sizes do not fit, and the plan says so.
    node_addresses_per_az_floor: int | None = None
    pod_addresses_per_az_floor: int | None = None
    public_subnets: bool = True  # load balancers and NAT gateways need public subnets
    add_secondary_cidrs: bool = False  # associate new /16s when node, cluster or public subnets do not fit
    # When a VPC block overlaps a connected (on-prem) range: put the cluster subnets and one transit subnet per AZ
    # (private NAT gateway, Transit Gateway attachment) in a block that overlaps none [BP private NAT pattern].
    routable_for_overlap: bool = False
    reserved_cidrs: list[str] = Field(default_factory=list)  # ranges taken elsewhere: never used
    # Multus networks {name: range}: reserved, and each range inside the VPC's blocks is split into one subnet per AZ
    # (role "multus") for the extra ENIs [EKS-MULTUS]
    multus_networks: dict[str, str] = Field(default_factory=dict)
    custom_networking: bool = False
    prefix_delegation: bool = False  # node (or pod) subnets then need free /28-aligned space
    public_subnet_prefix: int = 20  # a hint: shrunk inside small VPCs
    cluster_subnet_prefix: int = 28
    service_cidr: str | None = None
    prefixes_per_az: int = 0  # /28 prefixes per AZ to reserve (prefix delegation); 0 = no reservation


# ----------------------------------------------------------------------------------------- output
class Reservation(_Model):
    cidr: str
    reservation_type: Literal["prefix"] = "prefix"
    free_prefixes: int
    command: str
    source: str


class PlannedSubnet(_Model):
    name: str
    role: SubnetRole
    az: str
    cidr: str
    usable_ips: int
    tags: dict[str, str] = Field(default_factory=dict)
    existing: bool = False
    network: str | None = None  # Multus network name (role "multus")
    needed_addresses: int = 0  # what this subnet was sized for (0 for reused ones)
    prefix_capacity: int | None = None  # whole /28 blocks (prefix delegation), DERIVED
    reservations: list[Reservation] = Field(default_factory=list)


class Shortfall(_Model):
    reason: str
    unplaced: list[str] = Field(default_factory=list)  # "private /18 in us-east-1a"
    needed_addresses: int = 0  # total size of the unplaced blocks
    smallest_vpc_cidr: str | None = None  # greenfield: the smallest VPC CIDR that holds the whole plan
    smallest_secondary_cidr: str | None = None  # or associate this and plan again
    secondary_check: C.AssociationCheck | None = None
    suggestions: list[str] = Field(default_factory=list)


class SubnetPlan(_Model):
    """The layout. ``fits``: every block was placed; ``complete``: the layout is buildable as a whole (docs/design.md
    §2.4) -- cluster subnets in two AZs, node (and public, and with custom networking pod) subnets in every
    AZ; ``missing`` says what is not."""

    vpc_cidr: str
    vpc_cidrs: list[str]  # primary + already associated secondaries
    azs: list[str]
    subnets: list[PlannedSubnet]
    secondary_cidrs: list[str] = Field(default_factory=list)  # new CIDRs to associate
    service_cidr: ServiceCidr
    findings: list[Finding] = Field(default_factory=list)
    fits: bool
    shortfall: Shortfall | None = None
    free_blocks_after: list[str] = Field(default_factory=list)  # largest 16 holes left, largest first
    free_addresses_after: int = 0
    notes: list[str] = Field(default_factory=list)
    complete: bool = True
    missing: list[str] = Field(default_factory=list)
    next_secondary_cidr: str | None = None  # the /16 to associate next for headroom (clear of everything listed)

    def _repr_html_(self) -> str:  # Jupyter and any IPython display front end
        from eksadvisor.output.display import subnet_plan_html

        return subnet_plan_html(self)


# ------------------------------------------------------------------------------------ allocation
class _Need:
    """One block to place. ``prefixlen`` starts at the size wanted (growth included) and may be shrunk, one
    step at a time, down to ``floor`` (the size that still holds the demand at max nodes); ``optional``
    blocks (headroom-only node subnets, cluster subnets beyond the two EKS needs) may be dropped."""

    __slots__ = (
        "addresses",
        "az",
        "az_index",
        "desired",
        "dropped",
        "floor",
        "floor_addresses",
        "optional",
        "pool",
        "prefixlen",
        "role",
        "seq",
    )

    def __init__(self, role: str, az: str, az_index: int, prefixlen: int, addresses: int, pool: str, seq: int,
                 *, floor: int | None = None, floor_addresses: int | None = None, optional: bool = False) -> None:
        self.role, self.az, self.az_index, self.prefixlen = role, az, az_index, prefixlen
        self.addresses, self.pool, self.seq = addresses, pool, seq
        self.desired = prefixlen
        self.floor = prefixlen if floor is None else max(floor, prefixlen)
        self.floor_addresses = addresses if floor_addresses is None else floor_addresses
        self.optional = optional
        self.dropped = False

    @property
    def key(self) -> tuple[str, str, int]:
        return self.role, self.az, self.seq

    def describe(self) -> str:
        return f"{self.role} /{self.prefixlen} in {self.az}"

    def sort_key(self) -> tuple[int, int, int, int]:
        return self.prefixlen, ROLE_ORDER[self.role], self.az_index, self.seq

    def reset(self) -> None:
        self.prefixlen, self.dropped = self.desired, False


class _FreeSpace:
    """Free aligned blocks as (address, prefix length) integers, bucketed by prefix length; best fit = smallest
    block, lowest address. A larger block is split buddy-style (pure integer arithmetic: placement runs many
    times per plan when the demand must shrink)."""

    def __init__(self, blocks: Iterable[IPv4Network]) -> None:
        self.buckets: dict[int, list[int]] = {}
        for b in blocks:
            heapq.heappush(self.buckets.setdefault(b.prefixlen, []), int(b.network_address))

    @classmethod
    def from_buckets(cls, buckets: dict[int, list[int]]) -> _FreeSpace:
        space = cls(())
        space.buckets = {p: list(v) for p, v in buckets.items()}  # sorted lists are valid heaps
        return space

    def take(self, prefixlen: int) -> int | None:
        """The address of a free aligned /prefixlen block, now taken (None when none is left)."""
        for p in range(prefixlen, -1, -1):
            bucket = self.buckets.get(p)
            if bucket:
                addr = heapq.heappop(bucket)
                for level in range(p + 1, prefixlen + 1):  # the upper halves left over, one per level
                    heapq.heappush(self.buckets.setdefault(level, []), addr + (1 << (32 - level)))
                return addr
        return None

    def blocks(self) -> list[IPv4Network]:
        return sorted((IPv4Network((a, p)) for p, bucket in self.buckets.items() for a in bucket),
                      key=lambda n: (n.prefixlen, n))


class _Holes:
    """The free space of some containers, bucketed once so that each placement attempt starts from a copy."""

    def __init__(self, holes: Iterable[IPv4Network]) -> None:
        buckets: dict[int, list[int]] = {}
        for b in holes:
            buckets.setdefault(b.prefixlen, []).append(int(b.network_address))
        for v in buckets.values():
            v.sort()
        self.buckets = buckets

    def space(self) -> _FreeSpace:
        return _FreeSpace.from_buckets(self.buckets)


def _holes(containers: Sequence[IPv4Network], occupied: Sequence[IPv4Network]) -> list[IPv4Network]:
    out: list[IPv4Network] = []
    for c in containers:
        out.extend(C.free_blocks(c, occupied))
    return out


Key = tuple[str, str, int]


def _allocate_raw(holes: Sequence[IPv4Network] | _Holes, needs: Sequence[_Need]
                  ) -> tuple[dict[Key, int], list[_Need], _FreeSpace]:
    """Largest first, each into the smallest free block that holds it (lowest address on ties). Blocks are
    aligned powers of two, so this places everything whenever any placement could. Placed blocks as addresses."""
    space = holes.space() if isinstance(holes, _Holes) else _FreeSpace(holes)
    placed: dict[Key, int] = {}
    unplaced: list[_Need] = []
    for n in sorted((n for n in needs if not n.dropped), key=_Need.sort_key):
        got = space.take(n.prefixlen)
        if got is None:
            unplaced.append(n)
        else:
            placed[n.key] = got
    return placed, unplaced, space


def _networks(placed: dict[Key, int], needs: Sequence[_Need]) -> dict[Key, IPv4Network]:
    size = {n.key: n.prefixlen for n in needs}
    return {k: IPv4Network((a, size[k])) for k, a in placed.items()}


def _allocate(holes: Sequence[IPv4Network] | _Holes, needs: Sequence[_Need]
              ) -> tuple[dict[Key, IPv4Network], list[_Need], _FreeSpace]:
    placed, unplaced, space = _allocate_raw(holes, needs)
    return _networks(placed, needs), unplaced, space


def _degrade_steps(needs: Sequence[_Need]) -> Iterable[str]:
    """Make the demand smaller one step at a time, in the order the plan can best spare it (yields a note
    per step): public subnets down to the planner's /26, node and pod subnets from their growth size down
    to the size that holds max nodes (largest first), public subnets down to the /27 load balancers need,
    then the optional blocks (headroom-only node subnets, cluster subnets beyond two)."""
    public = [n for n in needs if n.role == "public"]

    def shrink_public(floor: int) -> Iterable[str]:  # one prefix length at a time, all public subnets together
        while any(n.prefixlen < max(floor, n.desired) for n in public):
            for n in public:
                n.prefixlen = min(n.prefixlen + 1, max(floor, n.desired)) if n.prefixlen < floor else n.prefixlen
            yield "public"

    yield from shrink_public(PUBLIC_FLOOR_PREFIX)
    sized = [n for n in needs if n.role in ("private", "pod") and not n.optional]
    while True:
        cands = [n for n in sized if n.prefixlen < n.floor]
        if not cands:
            break
        n = min(cands, key=lambda x: (x.prefixlen, -x.az_index, -x.seq))
        n.prefixlen += 1
        yield "sized"
    yield from shrink_public(PUBLIC_MIN_PREFIX)
    for n in sorted((n for n in needs if n.optional and n.role != "cluster"), key=lambda x: (x.prefixlen, -x.az_index)):
        n.dropped = True
        yield "headroom"
    for n in sorted((n for n in needs if n.optional and n.role == "cluster"), key=lambda x: -x.az_index):
        n.dropped = True
        yield "cluster"


def _fit(holes: _Holes, needs: Sequence[_Need]) -> tuple[dict[Key, IPv4Network], list[_Need], _FreeSpace, set[str]]:
    """Place ``needs`` in ``holes``, shrinking the demand (see :func:`_degrade_steps`) only as far as it must."""
    for n in needs:
        n.reset()
    placed, unplaced, space = _allocate_raw(holes, needs)
    degraded: set[str] = set()
    if unplaced:
        for step in _degrade_steps(needs):
            degraded.add(step)
            placed, unplaced, space = _allocate_raw(holes, needs)
            if not unplaced:
                return _networks(placed, needs), unplaced, space, degraded
        # even the least demand does not fit: show the plan at its intended sizes, with the shortfall
        for n in needs:
            n.reset()
        placed, unplaced, space = _allocate_raw(holes, needs)
        degraded = set()
    return _networks(placed, needs), unplaced, space, degraded


def _size(addresses: int, prefix_aligned: bool) -> int | None:
    return C.smallest_prefix_for(max(addresses, 1), prefix_aligned=prefix_aligned)


def _block_size(prefixlen: int) -> int:
    return 1 << (32 - prefixlen)


def _prefix_for_total(total: int) -> int:
    """Prefix of the smallest single block holding ``total`` addresses (power of two)."""
    return 32 - max(math.ceil(math.log2(max(total, 1))), 0)


# ------------------------------------------------------------------------------------ validation
class _Ctx:
    primary: IPv4Network
    secondaries: list[IPv4Network]
    existing: list[tuple[int, ExistingSubnetIn, IPv4Network]]
    by_az_role: dict[tuple[str | None, str], list[tuple[int, ExistingSubnetIn, IPv4Network]]]
    onprem: list[IPv4Network]
    reserved: list[IPv4Network]
    service: IPv4Network | None


def _validate(req: PlanRequest) -> _Ctx:
    ctx = _Ctx()
    ctx.primary = C.parse_vpc_cidr(req.vpc_cidr, "vpc_cidr")
    ctx.secondaries = []
    for i, s in enumerate(req.secondary_cidrs):
        net = C.parse_vpc_cidr(s, f"secondary_cidrs[{i}]")
        for other in [ctx.primary, *ctx.secondaries]:
            if net.overlaps(other):
                raise InputError(f"secondary_cidrs[{i}]: {net} overlaps {other}; CIDR blocks of one VPC may not overlap.",
                                 field=f"secondary_cidrs[{i}]")
        ctx.secondaries.append(net)
    vpc_blocks = [ctx.primary, *ctx.secondaries]
    if not req.azs:
        raise InputError("azs: at least one Availability Zone is needed (EKS needs two for the cluster).", field="azs")
    if len(req.azs) > MAX_AZS:
        raise InputError(f"azs: {len(req.azs)} Availability Zones is more than the {MAX_AZS} this planner handles.",
                         field="azs")
    if len(set(req.azs)) != len(req.azs):
        dup = next(a for a in req.azs if req.azs.count(a) > 1)
        raise InputError(f"azs: {dup} is listed twice.", field="azs")
    check_cluster_name(req.cluster_name)
    for name in ("node_addresses_per_az", "pod_addresses_per_az", "prefixes_per_az"):
        if getattr(req, name) < 0:
            raise InputError(f"{name}: must be 0 or more, got {getattr(req, name)}.", field=name)
    for name in ("public_subnet_prefix", "cluster_subnet_prefix"):
        v = getattr(req, name)
        if not C.SUBNET_MIN_PREFIX <= v <= C.SUBNET_MAX_PREFIX:
            raise InputError(f"{name}: /{v} is outside the /16 to /28 AWS allows for subnets.", field=name)
    ctx.existing = []
    for i, s in enumerate(req.existing_subnets):
        field = f"existing_subnets[{i}].cidr"
        net = C.parse_subnet_cidr(s.cidr, field)
        if C.subnet_of_any(net, vpc_blocks) is None:
            raise InputError(f"{field}: {net} is not inside the VPC CIDR {ctx.primary} or any secondary CIDR.",
                             field=field)
        usable = C.usable_ips(net)
        if not 0 <= s.used_ips <= usable:
            raise InputError(f"existing_subnets[{i}].used_ips: {s.used_ips} is not between 0 and the {usable} usable "
                             f"addresses of {net} (AWS reserves 5).", field=f"existing_subnets[{i}].used_ips")
        ctx.existing.append((i, s, net))
    by_addr = sorted(ctx.existing, key=lambda t: (int(t[2].network_address), t[2].prefixlen))
    for (i, _, a), (j, _, b) in zip(by_addr, by_addr[1:]):
        if a.overlaps(b):
            (lo, nlo), (hi, nhi) = sorted(((i, a), (j, b)))
            raise InputError(f"existing_subnets[{hi}].cidr: {nhi} overlaps existing_subnets[{lo}] ({nlo}); subnets of "
                             "a VPC may not overlap.", field=f"existing_subnets[{hi}].cidr")
    ctx.by_az_role = {}
    for t in ctx.existing:
        ctx.by_az_role.setdefault((t[1].az, t[1].role), []).append(t)
    ctx.onprem = [C.parse_network(c, f"onprem_cidrs[{i}]") for i, c in enumerate(req.onprem_cidrs)]
    ctx.reserved = [C.parse_network(c, f"reserved_cidrs[{i}]") for i, c in enumerate(req.reserved_cidrs)]
    ctx.reserved += [C.parse_network(c, f"multus_networks.{n}") for n, c in sorted(req.multus_networks.items())]
    ctx.service = C.parse_service_cidr(req.service_cidr) if req.service_cidr else None
    return ctx


# ------------------------------------------------------------------------------------ the planner
def _public_prefix(req: PlanRequest, container_prefix: int) -> int:
    """The hint, but at most 1/16 of the VPC's primary block per public subnet, and never smaller than the /27 a
    load balancer needs [ELB-ALB-SUBNETS]."""
    return min(max(req.public_subnet_prefix, container_prefix + 4), PUBLIC_MIN_PREFIX)


def _free_capacity(s: ExistingSubnetIn, net: IPv4Network, aligned: bool) -> int:
    """What a reused subnet still offers: its free addresses (usable - used_ips), never its size. For /28
    prefixes, the whole free /28 blocks it is sure to have: each used address may break one block."""
    if aligned:
        from eksadvisor.addressing.prefixready import fresh_subnet_prefixes

        return max(fresh_subnet_prefixes(net) - s.used_ips, 0) * C.PREFIX_SIZE
    return max(C.usable_ips(net) - s.used_ips, 0)


def _chunks(total: int, cap: int) -> list[int]:
    """``total`` addresses as subnets of at most ``cap`` each (the largest AWS subnet is a /16)."""
    out = []
    while total > cap:
        out.append(cap)
        total -= cap
    return [*out, total]


def _build_needs(req: PlanRequest, ctx: _Ctx, public_prefix: int) -> tuple[list[_Need], list[tuple[str, str, int]],
                                                                          list[Finding]]:
    """New blocks to place, existing subnets reused per (role, az), and sizing findings."""
    needs: list[_Need] = []
    reused: list[tuple[str, str, int]] = []  # (role, az, existing index)
    findings: list[Finding] = []
    holder = "pod" if req.custom_networking else "private"
    seq = 0
    for az_i, az in enumerate(req.azs):
        here = {r: ctx.by_az_role.get((az, r), []) for r in ROLE_ORDER}
        for role in ("cluster", "public", "private", "pod"):
            if role == "pod" and not req.custom_networking:
                continue
            ex = here[role]
            if role == "cluster":
                ok = [t for t in ex if C.usable_ips(t[2]) - t[1].used_ips >= CLUSTER_MIN_FREE]
                reused.extend((role, az, i) for i, _, _ in ok)
                for i, s, n in ex:
                    if (i, s, n) not in ok:
                        findings.append(Finding(
                            id="cluster-subnet-full", severity="warning", ranges=[str(n)], source=cite("EKS-NETREQ"),
                            message=(f"Existing cluster subnet {n} in {az} has {max(C.usable_ips(n) - s.used_ips, 0)} "
                                     f"free addresses; EKS needs at least {CLUSTER_MIN_FREE} free in each cluster subnet, "
                                     "so a new one is planned.")))
                if not ok:
                    needs.append(_Need(role, az, az_i, req.cluster_subnet_prefix, 0, "routable", seq))
                    seq += 1
                continue
            if role == "public":
                ok = [t for t in ex if t[2].prefixlen <= PUBLIC_MIN_PREFIX
                      and C.usable_ips(t[2]) - t[1].used_ips >= PUBLIC_MIN_FREE]
                reused.extend((role, az, i) for i, _, _ in (ok or ex))
                if not ok and req.public_subnets:
                    if ex:
                        findings.append(Finding(
                            id="public-subnet-too-small", severity="warning", ranges=[str(n) for _, _, n in ex],
                            source=cite("ELB-ALB-SUBNETS"),
                            message=(f"The existing public subnet(s) in {az} are smaller than a /27 or have fewer than "
                                     f"{PUBLIC_MIN_FREE} free addresses, which a load balancer needs: a new one is "
                                     "planned.")))
                    needs.append(_Need(role, az, az_i, public_prefix, 0, "routable", seq, floor=PUBLIC_MIN_PREFIX))
                    seq += 1
                continue
            reused.extend((role, az, i) for i, _, _ in ex)
            want = req.node_addresses_per_az if role == "private" else req.pod_addresses_per_az
            floor_want = (req.node_addresses_per_az_floor if role == "private" else req.pod_addresses_per_az_floor)
            floor_want = want if floor_want is None else min(floor_want, want)
            aligned = req.prefix_delegation and role == holder
            have = sum(_free_capacity(s, n, aligned) for _, s, n in ex)
            if ex and have >= want:
                continue
            rest = max(want - have, 0) if ex else max(want, 1)
            floor_rest = max(floor_want - have, 0) if ex else max(floor_want, 1)
            cap = (C.usable_ips(IPv4Network("10.0.0.0/16")) if not aligned
                   else (65536 // C.PREFIX_SIZE - 2) * C.PREFIX_SIZE)
            pool = "pod" if role == "pod" else "routable"
            if rest > cap and role == "pod":
                # one ENIConfig per AZ names one pod subnet, so pods of an AZ cannot spread over several
                findings.append(Finding(
                    id="subnet-too-small", severity="critical", ranges=[], source=cite("VPC-SUBNET", "EKS-CUSTNET"),
                    message=(f"{az}: {rest:,} pod-subnet addresses do not fit one subnet (the largest AWS subnet is a "
                             f"/16 with {cap:,} usable addresses) and custom networking gives each AZ one pod subnet: "
                             "spread nodes over more AZs, or plan IPv6.")))
                needs.append(_Need(role, az, az_i, C.SUBNET_MIN_PREFIX, rest, "oversize", seq))
                seq += 1
                continue
            floor_left = floor_rest
            for chunk in _chunks(rest, cap):
                f = min(chunk, floor_left)
                floor_left -= f
                # node subnets carry the internal-ELB tag, so they must hold an internal load balancer: a /27 at least
                smallest = PUBLIC_MIN_PREFIX if role == "private" else C.SUBNET_MAX_PREFIX
                p = min(_size(chunk, aligned) or C.SUBNET_MIN_PREFIX, smallest)
                needs.append(_Need(role, az, az_i, p, chunk, pool, seq,
                                   floor=min(_size(f, aligned) or C.SUBNET_MIN_PREFIX, smallest) if f else p,
                                   floor_addresses=f, optional=f == 0))
                seq += 1
    # EKS needs cluster subnets in two AZs; one per AZ when there is room
    have_cluster = len({az for role, az, _ in reused if role == "cluster"})
    mandatory = max(MIN_CLUSTER_AZS - have_cluster, 0)
    for n in needs:
        if n.role == "cluster":
            n.optional = mandatory <= 0
            mandatory -= 1
    return needs, reused, findings


def _pick_block(prefixlen: int, search: Sequence[IPv4Network], avoid: Sequence[IPv4Network],
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


def _routable_search(req: PlanRequest, primary: IPv4Network) -> list[IPv4Network]:
    """Where a secondary CIDR for node/public/cluster subnets comes from, in order: 100.64.0.0/10 (unless it is in
    use on connected networks, or holds the pod subnets under custom networking), 198.19.0.0/16 where the
    association table allows it, then the private ranges the table allows [EKS-CIDR-2018] [VPC-CIDR]."""
    cgnat_ok = not (req.custom_networking or req.cgnat_in_use)
    rfc1918 = [r for r in C.allowed_secondary_ranges(primary) if r != C.CGNAT]
    return [*([C.CGNAT] if cgnat_ok else []), C.BENCHMARK_198_19, *rfc1918]


def _pools(req: PlanRequest, primary: IPv4Network, secondaries: Sequence[IPv4Network]
           ) -> tuple[list[IPv4Network], list[IPv4Network]]:
    """(routable containers, pod containers): CG-NAT secondaries hold pods under custom networking."""
    if req.custom_networking:
        return [primary, *[s for s in secondaries if not s.subnet_of(C.CGNAT)]], \
            [s for s in secondaries if s.subnet_of(C.CGNAT)]
    return [primary, *secondaries], []


def _place_for_overlap(req: PlanRequest, ctx: _Ctx, needs: list[_Need], occupied: Sequence[IPv4Network],
                       service_net: IPv4Network, new_blocks: list[IPv4Network], findings: list[Finding]
                       ) -> tuple[dict[tuple[str, str, int], IPv4Network], list[_Need]]:
    """The private NAT gateway pattern for a VPC that overlaps a connected range: the overlapping space stays for
    nodes and pods (it is not routable to on-prem anyway); the cluster subnets (the private endpoint's ENIs) and one
    transit subnet per AZ (private NAT gateway, Transit Gateway attachment) go into a block that overlaps nothing
    connected -- a clear existing secondary CIDR, else a new /24 to associate [BP-CUSTNET] [EKS-NETREQ]."""
    vpc_blocks = [ctx.primary, *ctx.secondaries]
    overlapping = [b for b in vpc_blocks if any(b.overlaps(o) for o in ctx.onprem)]
    if not req.routable_for_overlap or not overlapping:
        return {}, []
    moved = [n for n in needs if n.role == "cluster"]
    seq = max((n.seq for n in needs), default=0) + 1
    transit = [_Need("transit", az, i, C.SUBNET_MAX_PREFIX, 0, "overlap", seq + i) for i, az in enumerate(req.azs)]
    needs.extend(transit)
    for n in moved:
        n.pool = "overlap"
    want = [*moved, *transit]
    clear = [b for b in vpc_blocks if not any(b.overlaps(o) for o in ctx.onprem)]
    placed, unplaced, _ = _allocate(_holes(clear, occupied), want)
    new_block = None
    if unplaced:
        size = sum(_block_size(n.prefixlen) for n in want)
        q = min(ROUTABLE_PREFIX, _prefix_for_total(size))
        # private ranges first (what on-prem can usually route to), CG-NAT space when it is free on connected networks
        search = [*(r for r in C.allowed_secondary_ranges(ctx.primary) if r != C.CGNAT),
                  *([C.CGNAT] if not req.cgnat_in_use else [])]
        new_block = _pick_block(q, search, [*vpc_blocks, *ctx.onprem, *ctx.reserved, service_net, C.DOCKER_BRIDGE, *new_blocks],
                                ctx.primary, [*vpc_blocks, *new_blocks])
        if new_block is None:  # nothing clears every connected range: keep the plain layout and say so
            needs[:] = [n for n in needs if n.role != "transit"]
            for n in moved:
                n.pool = "routable"
            findings.append(Finding(
                id="overlap-routable-subnets", severity="warning", ranges=[str(b) for b in overlapping],
                source=cite("BP-CUSTNET", "VPC-CIDR"),
                message=(f"{', '.join(map(str, overlapping))} overlaps connected ranges, and no block this VPC may "
                         "associate clears every connected range, so no routable subnets for a private NAT gateway "
                         "could be planned: re-address one side, or take a routable block from your own IP address "
                         "plan and put the cluster subnets and a private NAT gateway there.")))
            return {}, []
        new_blocks.append(new_block)
        placed, unplaced, _ = _allocate([*_holes(clear, occupied), new_block], want)
    where = str(new_block) if new_block is not None else ", ".join(map(str, clear)) or "no block"
    over = ", ".join(sorted({str(o) for o in ctx.onprem for b in overlapping if b.overlaps(o)}))
    findings.append(Finding(
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
                 "Transit Gateway).")))
    return placed, unplaced


_ROLE_WORD = {"cluster": "cluster", "public": "public", "private": "node", "pod": "pod", "transit": "transit"}


def _degradation_findings(needs: Sequence[_Need], placed: dict[tuple[str, str, int], IPv4Network], degraded: set[str],
                          findings: list[Finding], notes: list[str]) -> None:
    """Say what the plan gave up to fit, with the numbers."""
    shrunk = [n for n in needs if n.role in ("private", "pod") and n.key in placed and n.prefixlen > n.desired]
    dropped = [n for n in needs if n.role in ("private", "pod") and n.dropped]
    if shrunk or dropped:
        parts = [f"{n.az} {_ROLE_WORD[n.role]} subnet /{n.prefixlen} ({C.usable_ips(IPv4Network(f'0.0.0.0/{n.prefixlen}')):,} "
                 f"usable) instead of /{n.desired} (sized for {n.addresses:,} addresses)" for n in shrunk]
        parts += [f"{n.az}: no extra {_ROLE_WORD[n.role]} subnet for {n.addresses:,} addresses of headroom" for n in dropped]
        findings.append(Finding(
            id="growth-headroom-reduced", severity="warning", ranges=[str(placed[n.key]) for n in shrunk],
            source=cite("VPC-SUBNET", "BP-SUBNETS"),
            message=("The VPC's free space holds the subnets at max_nodes but not at max_nodes x growth_factor, so they "
                     "are sized down (subnets cannot be resized later): " + "; ".join(parts) + ".")))
    public = [n.prefixlen for n in needs if n.role == "public" and n.key in placed and n.prefixlen > n.desired]
    if public:
        notes.append(f"Public subnets shrunk to /{max(public)} to make the plan fit (not below the /27 a load balancer "
                     "needs, with 8 free addresses).")
    if "cluster" in degraded:
        notes.append("Cluster subnets are planned in two AZs only (what EKS needs): there was no room for one per AZ.")


def _missing(req: PlanRequest, subnets: Sequence[PlannedSubnet], *, want_transit: bool) -> list[str]:
    """What a buildable layout lacks (docs/design.md §2.4); empty when complete."""
    out: list[str] = []
    by_role: dict[str, set[str]] = {}
    for s in subnets:
        by_role.setdefault(s.role, set()).add(s.az)
    cluster_azs = len(by_role.get("cluster", set()))
    if cluster_azs < MIN_CLUSTER_AZS:
        out.append(f"cluster subnets in two Availability Zones (the plan has {cluster_azs})")
    for role, wanted in (("private", True), ("public", req.public_subnets), ("pod", req.custom_networking),
                         ("transit", want_transit)):
        lacking = [az for az in req.azs if az not in by_role.get(role, set())]
        if wanted and lacking:
            out.append(f"a {_ROLE_WORD[role]} subnet in {', '.join(lacking)}")
    return out


def _multus_subnets(req: PlanRequest, blocks: Sequence[IPv4Network], subnets: list[PlannedSubnet],
                    findings: list[Finding]) -> None:
    """One subnet per AZ for each Multus network whose range lies in the VPC's blocks: the range split into equal
    aligned parts (2^k >= AZs), in AZ order. The extra ENIs of an AZ come from its part [EKS-MULTUS]."""
    k = max(math.ceil(math.log2(len(req.azs))), 0) if req.azs else 0
    taken = [IPv4Network(x.cidr) for x in subnets]
    for name, cidr in req.multus_networks.items():  # answers order
        net = IPv4Network(cidr)
        clash = next((t for t in taken if t.overlaps(net)), None)
        if clash is not None:
            raise InputError(f"multus.networks: Multus network {name} ({cidr}) overlaps the subnet {clash}; give it a "
                             "range of its own.", field="multus.networks")
        if C.subnet_of_any(net, blocks) is None:
            continue  # outside the VPC: no subnet can be made of it (the NAD generator says so)
        if net.prefixlen + k > C.SUBNET_MAX_PREFIX:
            findings.append(Finding(
                id="multus-range-too-small", severity="critical", ranges=[cidr], source=cite("VPC-SUBNET"),
                message=(f"Multus network {name} ({cidr}) cannot be split into one subnet per AZ for "
                         f"{len(req.azs)} AZs (a subnet is at least a /28): give it a larger range.")))
            continue
        for az, part in zip(req.azs, net.subnets(prefixlen_diff=k)):
            subnets.append(PlannedSubnet(
                name=f"{req.cluster_name}-multus-{name}-{az}", role="multus", az=az, cidr=str(part),
                usable_ips=C.usable_ips(part), tags=subnet_tags("pod", req.cluster_name), network=name))


class FitCheck(NamedTuple):
    fits: bool
    short_by: int  # addresses of the blocks that found no room (at their least size)
    free: int  # free addresses in aligned holes of the VPC's blocks before placement


def fits_as_is(req: PlanRequest) -> FitCheck:
    """Do the routable subnets fit the VPC's CIDR blocks as they are (no new CIDR)? The planner's placement only: no
    findings, names or shortfall search, so the decision graph can ask it cheaply."""
    ctx = _validate(req)
    routable, _ = _pools(req, ctx.primary, ctx.secondaries)
    holes = _holes(routable, [*(n for _, _, n in ctx.existing), *ctx.reserved])
    needs, _, _ = _build_needs(req, ctx, _public_prefix(req, ctx.primary.prefixlen))
    r_needs = [n for n in needs if n.pool == "routable"]
    _, unplaced, _, _ = _fit(_Holes(holes), r_needs)
    oversize = any(n.pool == "oversize" for n in needs)
    return FitCheck(not unplaced and not oversize, sum(_block_size(n.prefixlen) for n in unplaced),
                    sum(b.num_addresses for b in holes))


def plan_subnets(req: PlanRequest) -> SubnetPlan:
    """Lay out cluster, public, private (and pod) subnets per AZ; deterministic for a given request."""
    ctx = _validate(req)
    findings: list[Finding] = []
    notes: list[str] = []
    vpc_blocks = [ctx.primary, *ctx.secondaries]
    routable, cgnat_secondaries = _pools(req, ctx.primary, ctx.secondaries)
    occupied = [*(n for _, _, n in ctx.existing), *ctx.reserved]

    # --- service CIDR
    service = C.user_service_cidr(ctx.service) if ctx.service else C.default_service_cidr(vpc_blocks)
    service_net = IPv4Network(service.cidr)
    if ctx.service is None:
        findings.append(Finding(id="service-cidr-default-unconfirmed", severity="info", ranges=[service.cidr],
                                source=service.source, confidence="unconfirmed", message=service.note))

    # --- existing secondaries against the (2023) association table
    for s in ctx.secondaries:
        problems = [p for p in C.association_problems(ctx.primary, s, []) if "overlaps" not in p]
        if problems:
            findings.append(Finding(
                id="secondary-cidr-restricted", severity="warning", ranges=[str(ctx.primary), str(s)],
                source=cite("VPC-CIDR"), confidence="unconfirmed",
                message=(f"secondary CIDR {s} is associated with a VPC whose primary is {ctx.primary}, but the "
                         f"association table says {problems[0]}; {C.ASSOCIATION_TABLE_NOTE}.")))
    if req.pod_addresses_per_az and not req.custom_networking:
        notes.append("pod_addresses_per_az is ignored without custom networking: pods take node-subnet addresses, "
                     "which node_addresses_per_az must already include.")
    if len(req.azs) < 2:
        findings.append(Finding(id="eks-two-azs", severity="critical", ranges=[], source=cite("EKS-NETREQ"),
                                message="EKS needs cluster subnets in at least two different Availability Zones."))

    # --- routable blocks: by priority, then size (see _degrade_steps); new /16s when nothing else fits
    public_p = _public_prefix(req, ctx.primary.prefixlen)
    if public_p != req.public_subnet_prefix:
        notes.append(f"Public subnets sized /{public_p} instead of the /{req.public_subnet_prefix} hint: at most 1/16 "
                     f"of the /{ctx.primary.prefixlen} VPC CIDR each (planner policy).")
    routable_holes = _holes(routable, occupied)
    needs, reused, size_findings = _build_needs(req, ctx, public_p)
    findings.extend(size_findings)
    oversize = [n for n in needs if n.pool == "oversize"]
    new_routable: list[IPv4Network] = []
    overlap_placed, overlap_unplaced = _place_for_overlap(req, ctx, needs, occupied, service_net, new_routable,
                                                          findings)
    if overlap_placed:
        routable_holes = _holes(routable, [*occupied, *overlap_placed.values()])
    r_needs = [n for n in needs if n.pool == "routable"]
    placed, unplaced, space, degraded = _fit(_Holes(routable_holes), r_needs)
    overlap_blocks = list(new_routable)
    if unplaced and req.add_secondary_cidrs:
        search = _routable_search(req, ctx.primary)
        avoid = [*vpc_blocks, *ctx.onprem, *ctx.reserved, service_net, C.DOCKER_BRIDGE]
        while unplaced and len(vpc_blocks) + len(new_routable) < C.VPC_CIDR_BLOCK_QUOTA_DEFAULT:
            cand = _pick_block(SECONDARY_PREFIX, search, [*avoid, *new_routable], ctx.primary,
                               [*vpc_blocks, *new_routable])
            if cand is None:
                break
            new_routable.append(cand)
            placed, unplaced, space, degraded = _fit(
                _Holes([*routable_holes, *(b for b in new_routable if b not in overlap_blocks)]), r_needs)
        for sec in new_routable[len(overlap_blocks):]:
            chk = C.check_association(ctx.primary, sec, vpc_blocks)
            findings.append(Finding(
                id="secondary-cidr-association", severity="info", ranges=[str(ctx.primary), str(sec)],
                source=cite("EKS-CIDR-2018", "VPC-CIDR"), confidence="unconfirmed",
                message=(f"Associate {sec} with the VPC for node, cluster and public subnets: the VPC's own CIDRs "
                         f"have no room for them. EKS accepts subnets from any associated IPv4 block (100.64.0.0/10 and "
                         f"198.19.0.0/16 included); {sec} is clear of the VPC's CIDRs, every listed connected range, "
                         f"the service CIDR and the Docker bridge, and allowed for a VPC whose CIDR comes from "
                         f"{chk.rule_row} — {C.ASSOCIATION_TABLE_NOTE}. A block cannot be resized after association, "
                         "so the plan takes a /16.")))
    placed.update(overlap_placed)
    unplaced.extend(overlap_unplaced)
    next_secondary: IPv4Network | None = None
    if degraded:
        _degradation_findings(r_needs, placed, degraded, findings, notes)
        next_secondary = _pick_block(SECONDARY_PREFIX, _routable_search(req, ctx.primary),
                                     [*vpc_blocks, *new_routable, *ctx.onprem, *ctx.reserved, service_net, C.DOCKER_BRIDGE],
                                     ctx.primary, [*vpc_blocks, *new_routable])

    # --- pod subnets (custom networking): existing CG-NAT secondaries first, then a new secondary CIDR
    new_secondaries: list[IPv4Network] = list(new_routable)
    pod_unplaced: list[_Need] = []
    pod_space_free: list[IPv4Network] = []
    p_needs = [n for n in needs if n.pool == "pod"]
    if req.custom_networking:
        avoid = [*vpc_blocks, *ctx.onprem, *ctx.reserved, service_net, C.DOCKER_BRIDGE]
        if req.cgnat_in_use:
            search = [r for r in C.allowed_secondary_ranges(ctx.primary) if r != C.CGNAT]
            findings.append(Finding(
                id="cgnat-in-use", severity="warning", ranges=[str(C.CGNAT)], source=cite("SEED", "BP-CUSTNET"),
                message=("100.64.0.0/10 (CG-NAT) is already in use on connected networks, so the usual custom-networking "
                         "pod CIDR may clash. Alternatives (seed): IPv6, or an alternate CNI; for overlapping CIDRs a "
                         "private NAT gateway with a transit gateway. "
                         + (f"The planner looked for an unused block in {', '.join(map(str, search))} instead — confirm "
                            "it is free on every connected network." if search else
                            "No private range is allowed for this VPC's primary CIDR, so no pod CIDR was picked."))))
        else:
            search = [C.CGNAT]
        if p_needs:
            placed_pod, rest, pspace = _allocate(_holes(cgnat_secondaries, occupied), p_needs) if cgnat_secondaries else \
                ({}, list(p_needs), _FreeSpace([]))
            placed.update(placed_pod)
            pod_space_free.extend(pspace.blocks())
            # bins of at most a /16 each (largest first), one new secondary CIDR per bin
            bins: list[list[_Need]] = []
            for n in sorted(rest, key=_Need.sort_key):
                for b in bins:
                    if sum(_block_size(x.prefixlen) for x in b) + _block_size(n.prefixlen) <= _block_size(16):
                        b.append(n)
                        break
                else:
                    bins.append([n])
            for b in bins:
                q = SECONDARY_PREFIX  # a block cannot be resized once associated: take a /16 [BP-CUSTNET]
                cand = _pick_block(q, search, [*avoid, *new_secondaries], ctx.primary, [*vpc_blocks, *new_secondaries])
                if cand is None and not req.cgnat_in_use:
                    fallback = [r for r in C.allowed_secondary_ranges(ctx.primary) if r != C.CGNAT]
                    cand = _pick_block(q, fallback, [*avoid, *new_secondaries], ctx.primary,
                                       [*vpc_blocks, *new_secondaries])
                    if cand is not None:
                        findings.append(Finding(
                            id="pod-cidr-fallback", severity="warning", ranges=[str(C.CGNAT), str(cand)],
                            source=cite("BP-CUSTNET", "VPC-CIDR"),
                            message=(f"No /{q} in 100.64.0.0/10 is clear of the ranges listed, so the pod CIDR {cand} "
                                     "comes from the VPC's own private range instead: confirm it is free on every "
                                     "connected network (or consider IPv6).")))
                if cand is None:
                    pod_unplaced.extend(b)
                    continue
                new_secondaries.append(cand)
                got, left, sp = _allocate([cand], b)
                placed.update(got)
                pod_unplaced.extend(left)
                pod_space_free.extend(sp.blocks())
            for sec in new_secondaries[len(new_routable):]:
                chk = C.check_association(ctx.primary, sec, vpc_blocks)
                findings.append(Finding(
                    id="secondary-cidr-association", severity="info", ranges=[str(ctx.primary), str(sec)],
                    source=chk.source, confidence="unconfirmed",
                    message=(f"Associate {sec} with the VPC for pod subnets: clear of the VPC's CIDRs, every listed "
                             f"connected range, the service CIDR and the Docker bridge, and allowed for a VPC whose CIDR "
                             f"comes from {chk.rule_row} — {C.ASSOCIATION_TABLE_NOTE}. A block cannot be resized after "
                             "association; associate a larger one now if pods may outgrow growth_factor.")))
            if new_secondaries:
                findings.append(Finding(
                    id="new-cidr-control-plane-delay", severity="info", ranges=[str(s) for s in new_secondaries],
                    source=cite("EKS-NETREQ"),
                    message=("Nodes can use a newly associated CIDR at once, but the EKS control plane may take up to "
                             "about an hour to recognise it (exec/logs and webhooks to pods there fail until then).")))

    # --- quota
    blocks_after = len(vpc_blocks) + len(new_secondaries)
    if blocks_after > C.VPC_CIDR_BLOCK_QUOTA_DEFAULT:
        findings.append(Finding(
            id="vpc-cidr-quota", severity="warning", ranges=[str(b) for b in [*vpc_blocks, *new_secondaries]],
            source=cite("VPC-QUOTA"),
            message=(f"The VPC would have {blocks_after} IPv4 CIDR blocks; the default quota is "
                     f"{C.VPC_CIDR_BLOCK_QUOTA_DEFAULT} (adjustable up to 50) — request an increase first.")))

    # --- the subnets
    subnets: list[PlannedSubnet] = []
    counts: dict[tuple[str, str], int] = {}

    def _name(role: str, az: str) -> str:
        k = (role, az)
        counts[k] = counts.get(k, 0) + 1
        return f"{req.cluster_name}-{role}-{az}" + (f"-{counts[k]}" if counts[k] > 1 else "")

    holder = "pod" if req.custom_networking else "private"
    from eksadvisor.addressing.prefixready import fresh_subnet_prefixes, reservation_command, size_reservation

    entries: list[tuple[int, int, int, int, bool, Any]] = []
    ex_by_index = {i: (s, n) for i, s, n in ctx.existing}
    for role, az, i in reused:
        s, n = ex_by_index[i]
        entries.append((ROLE_ORDER[role], req.azs.index(az), 0, int(n.network_address), True, (role, az, n, 0, s)))
    for n in needs:
        net = placed.get(n.key)
        if net is not None:
            sized_for = n.addresses if n.prefixlen <= n.desired else n.floor_addresses
            entries.append((ROLE_ORDER[n.role], n.az_index, 1, int(net.network_address), False,
                            (n.role, n.az, net, sized_for, None)))
    entries.sort(key=lambda e: e[:4])
    for _, _, _, _, existing, (role, az, net, need, s) in entries:
        aligned = req.prefix_delegation and role == holder
        ps = PlannedSubnet(
            name=_name(role, az), role=role, az=az, cidr=str(net), usable_ips=C.usable_ips(net),
            tags=subnet_tags(role, req.cluster_name), existing=existing, needed_addresses=need,
            prefix_capacity=fresh_subnet_prefixes(net) if aligned and not existing else None)
        if aligned and not existing and req.prefixes_per_az > 0:
            nb = net.num_addresses // C.PREFIX_SIZE
            free = [0 < b < nb - 1 for b in range(nb)]
            for r in size_reservation(net, free, [0] * nb, min(req.prefixes_per_az, sum(free)),
                                      subnet_id=f"SUBNET_ID_{ps.name}"):
                ps.reservations.append(Reservation(
                    cidr=r.cidr, free_prefixes=r.free_prefixes, source=r.source,
                    command=reservation_command(f"SUBNET_ID_{ps.name}", r.cidr,
                                                f"eksadvisor: {req.prefixes_per_az} /28 prefixes for {ps.name}")))
        subnets.append(ps)
        if existing and s is not None and s.used_ips:
            pct = 100 * s.used_ips / max(C.usable_ips(net), 1)
            findings.append(Finding(
                id="existing-subnet-reused", severity="warning" if pct >= 80 else "info", ranges=[str(net)],
                source=cite("VPC-SUBNET"),
                message=(f"Existing {role} subnet {net} in {az} is reused: {s.used_ips:,} of {C.usable_ips(net):,} "
                         f"usable addresses in use ({pct:.0f}%).")))
        if existing and role == "cluster" and s is not None and s.used_ips > 4:
            findings.append(Finding(
                id="cluster-subnet-shared", severity="warning", ranges=[str(net)], source=cite("EKS-NETREQ", "BP-SUBNETS"),
                confidence="derived",
                message=(f"Cluster subnet {net} in {az} has {s.used_ips} addresses in use, more than the 2-4 ENIs EKS "
                         "places there: if nodes or other resources share it, EKS may lack free addresses for the "
                         "ENIs it re-creates on each upgrade. Keep cluster subnets dedicated (heuristic, DERIVED).")))
        if existing and aligned:
            findings.append(Finding(
                id="prefix-fragmented-subnet", severity="info", ranges=[str(net)], source=cite("EKS-PD"),
                message=(f"Existing {role} subnet {net} will hand out /28 prefixes: check its free aligned blocks with "
                         f"`eksadvisor subnets prefix-check --subnet {net} --used-file FILE` before enabling prefix "
                         "delegation.")))

    _multus_subnets(req, [*vpc_blocks, *new_secondaries], subnets, findings)

    if req.prefix_delegation:
        notes.append(f"Prefix delegation: every planned subnet is aligned to at least a /28 and the {holder} subnets are "
                     "sized in whole free /28 blocks, leaving out each subnet's first and last /28 (DERIVED, "
                     "UNCONFIRMED as an AWS rule). Keep them unfragmented with a prefix-type subnet CIDR reservation.")
    if req.cluster_subnet_prefix == 28:
        findings.append(Finding(
            id="cluster-subnet-size", severity="info", ranges=[], source=cite("EKS-NETREQ", "BP-SUBNETS"),
            confidence="unconfirmed",
            message=("Cluster subnets are dedicated /28s (11 usable addresses): enough for EKS's minimum of 6 free "
                     "addresses; whether AWS's recommended 16 means total or free addresses is unclear (CONFLICT, "
                     "UNCONFIRMED) — use /27 cluster subnets if it means free ones.")))

    # --- overlaps (each finding names both ranges)
    labeled: list[LabeledRange] = [LabeledRange("vpc", ctx.primary, "primary")]
    labeled += [LabeledRange("secondary", s) for s in ctx.secondaries]
    labeled += [LabeledRange("pod_cidr", s, "to associate") for s in new_secondaries]
    labeled += [LabeledRange("existing_subnet", n, f"{s.role}{', ' + s.az if s.az else ''}") for _, s, n in ctx.existing]
    labeled += [LabeledRange("onprem", o) for o in ctx.onprem]
    labeled.append(LabeledRange("service", service_net, "inferred default" if ctx.service is None else "",
                                unconfirmed=ctx.service is None))
    labeled.append(LabeledRange("docker_bridge", C.DOCKER_BRIDGE))
    overlaps = C.find_overlaps(labeled)
    findings.extend(overlaps)
    if any(f.id == "overlapping-cidrs" and service.cidr in f.ranges for f in overlaps):
        alt = C.suggest_service_cidr([*vpc_blocks, *new_secondaries, *ctx.onprem])
        if alt is not None:
            findings.append(Finding(
                id="service-cidr-suggestion", severity="info", ranges=[service.cidr, str(alt)],
                source=cite("EKS-CREATE", "EKS-API-KNC"),
                message=(f"Set serviceIpv4Cidr to {alt} at cluster creation (clear of every range listed); "
                         f"it cannot be changed later.")))

    # --- fit and shortfall
    all_unplaced = [*unplaced, *pod_unplaced, *oversize]
    shortfall = None
    if all_unplaced:
        shortfall = _shortfall(req, ctx, unplaced, pod_unplaced, oversize, routable_holes, routable, service_net)
        findings.append(Finding(id="subnet-too-small", severity="critical", ranges=[str(b) for b in vpc_blocks],
                                source=cite("VPC-CIDR", "VPC-SUBNET"), message=shortfall.reason))

    left = sorted([*space.blocks(), *pod_space_free], key=lambda n: (n.prefixlen, int(n.network_address)))
    # transit subnets are wanted when the private NAT pattern applies (a routable block was found for them)
    missing = _missing(req, subnets, want_transit=any(n.role == "transit" for n in needs))
    if all_unplaced and not missing:  # every role is there, but not at the size the demand needs
        missing = [f"{_ROLE_WORD[n.role]} subnet /{n.prefixlen} in {n.az}" for n in sorted(all_unplaced, key=_Need.sort_key)]
    findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.id, f.ranges, f.message))
    return SubnetPlan(
        vpc_cidr=str(ctx.primary), vpc_cidrs=[str(b) for b in vpc_blocks], azs=list(req.azs), subnets=subnets,
        secondary_cidrs=[str(s) for s in new_secondaries], service_cidr=service, findings=findings,
        fits=not all_unplaced, shortfall=shortfall, free_blocks_after=[str(b) for b in left[:16]],
        free_addresses_after=sum(b.num_addresses for b in left), notes=notes, complete=not missing, missing=missing,
        next_secondary_cidr=str(next_secondary) if next_secondary else None)


def _shortfall(req: PlanRequest, ctx: _Ctx, unplaced: list[_Need], pod_unplaced: list[_Need], oversize: list[_Need],
               routable_holes: list[IPv4Network], routable: list[IPv4Network], service_net: IPv4Network) -> Shortfall:
    need_total = sum(_block_size(n.prefixlen) for n in [*unplaced, *pod_unplaced])
    parts: list[str] = []
    sugg: list[str] = []
    sf = Shortfall(reason="", unplaced=[n.describe() for n in sorted([*unplaced, *pod_unplaced, *oversize],
                                                                       key=_Need.sort_key)],
                   needed_addresses=need_total)
    if oversize:
        parts.append("; ".join(f"{n.az} needs {n.addresses:,} {n.role}-subnet addresses, more than one /16 subnet holds"
                               for n in oversize))
        sugg.append("Spread nodes over more AZs, use prefix delegation only where it lowers the need, or plan IPv6.")
    if unplaced:
        free_now = sum(b.num_addresses for b in routable_holes)
        parts.append(f"{', '.join(n.describe() for n in sorted(unplaced, key=_Need.sort_key))} do not fit: the VPC's "
                     f"CIDRs have {free_now:,} free addresses in aligned holes, the plan needs "
                     f"{sum(_block_size(n.prefixlen) for n in unplaced):,} more")
        all_routable_needs = None
        # smallest VPC CIDR (greenfield: no existing subnets or secondaries to keep)
        if not ctx.existing and not ctx.secondaries:
            for q in range(ctx.primary.prefixlen - 1, C.VPC_MIN_PREFIX - 1, -1):
                hyp = ctx.primary.supernet(new_prefix=q)
                sub = _Ctx()
                sub.primary, sub.secondaries, sub.existing, sub.onprem, sub.service = hyp, [], [], ctx.onprem, None
                sub.reserved = ctx.reserved
                sub.by_az_role = {}
                needs, _, _ = _build_needs(req, sub, _public_prefix(req, q))
                rn = [n for n in needs if n.pool == "routable"]
                if not _fit(_Holes([hyp]), rn)[1]:
                    sf.smallest_vpc_cidr = str(hyp)
                    sugg.append(f"A new VPC of {hyp} (a /{q}) holds the whole plan.")
                    break
        # smallest secondary CIDR that makes the routable part fit
        needs, _, _ = _build_needs(req, ctx, _public_prefix(req, ctx.primary.prefixlen))
        all_routable_needs = [n for n in needs if n.pool == "routable"]
        avoid = [*routable, *ctx.secondaries, *ctx.onprem, *ctx.reserved, service_net, C.DOCKER_BRIDGE]
        vpc_blocks = [ctx.primary, *ctx.secondaries]
        for q in range(C.VPC_MAX_PREFIX, C.VPC_MIN_PREFIX - 1, -1):
            if _block_size(q) < min(_block_size(n.prefixlen) for n in unplaced):
                continue
            cand = _pick_block(q, _routable_search(req, ctx.primary), avoid, ctx.primary, vpc_blocks)
            if cand is None:
                continue
            if not _fit(_Holes([*routable_holes, cand]), all_routable_needs)[1]:
                sf.smallest_secondary_cidr = str(cand)
                sf.secondary_check = C.check_association(ctx.primary, cand, vpc_blocks)
                sugg.append(f"Or associate the secondary CIDR {cand} (a /{q}, the smallest that works; "
                            f"{C.ASSOCIATION_TABLE_NOTE}) and plan again with it in secondary_cidrs.")
                break
        else:
            sugg.append("No single secondary CIDR (at most a /16) makes the plan fit: associate several, shrink "
                        "growth_factor, use prefix delegation or custom networking, or plan IPv6.")
    if pod_unplaced:
        parts.append(f"{', '.join(n.describe() for n in sorted(pod_unplaced, key=_Need.sort_key))}: no secondary CIDR "
                     "could be picked that clashes with nothing listed and that the association table allows")
        sugg.append("Free part of 100.64.0.0/10 on the connected networks, or consider IPv6 or an alternate CNI (seed).")
    sf.reason = "The plan does not fit: " + "; ".join(parts) + "."
    sf.suggestions = sugg
    return sf


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


# ------------------------------------------------------------------------------ helpers for callers
def validate_layout(vpc_cidrs: Sequence[str], subnets: Sequence[Any]) -> list[Finding]:
    """Check a user-given layout ({cidr, role, az}) and say what is wrong, in plain words.

    Example (the seed's recommended architecture): "10.0.1.0/20 is not a valid /20 block (host bits set;
    the /20 containing it is 10.0.0.0/20, which overlaps the cluster /28s)".
    """
    vpcs = [C.parse_vpc_cidr(v, f"vpc_cidrs[{i}]") for i, v in enumerate(vpc_cidrs)]
    items: list[tuple[str, IPv4Network, str, str]] = []  # (raw, canonical, role, az)
    for i, s in enumerate(subnets):
        raw = str(s["cidr"] if isinstance(s, dict) else s.cidr).strip()
        role = str((s.get("role") if isinstance(s, dict) else getattr(s, "role", "")) or "")
        az = str((s.get("az") if isinstance(s, dict) else getattr(s, "az", "")) or "")
        try:
            net = IPv4Network(raw, strict=False)
        except ValueError:
            raise InputError(f"subnets[{i}].cidr: {raw!r} is not a valid IPv4 CIDR block.",
                             field=f"subnets[{i}].cidr") from None
        items.append((raw, net, role, az))
    out: list[Finding] = []
    explained: set[tuple[int, int]] = set()
    for i, (raw, net, role, _) in enumerate(items):
        if raw.split("/")[0] != str(net.network_address):
            others = [(j, o) for j, o in enumerate(items) if j != i and o[1].overlaps(net)]
            groups: dict[tuple[str, int], list[str]] = {}
            for j, o in others:
                groups.setdefault((o[2] or "other", o[1].prefixlen), []).append(o[0])
                explained.add((min(i, j), max(i, j)))
            what = " and ".join(
                f"the {r} /{p}s" if len(v) > 1 else f"the {r} /{p} {v[0]}" for (r, p), v in sorted(groups.items()))
            msg = (f"{raw} is not a valid /{net.prefixlen} block (host bits set; the /{net.prefixlen} containing it is "
                   f"{net}" + (f", which overlaps {what})" if what else ")"))
            out.append(Finding(id="invalid-cidr-block", severity="critical", ranges=[raw, str(net)], message=msg,
                               source=cite("VPC-CIDR")))
        if not C.SUBNET_MIN_PREFIX <= net.prefixlen <= C.SUBNET_MAX_PREFIX:
            out.append(Finding(id="subnet-size", severity="critical", ranges=[raw], source=cite("VPC-SUBNET"),
                               message=f"{raw} is a /{net.prefixlen}; AWS subnets are /16 to /28."))
        if C.subnet_of_any(net, vpcs) is None:
            out.append(Finding(id="subnet-outside-vpc", severity="critical", ranges=[raw, *map(str, vpcs)],
                               source=cite("VPC-SUBNET"),
                               message=f"{raw} is not inside the VPC CIDRs ({', '.join(map(str, vpcs))})."))
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if (i, j) not in explained and items[i][1].overlaps(items[j][1]):
                out.append(Finding(id="overlapping-cidrs", severity="critical", ranges=[items[i][0], items[j][0]],
                                   source=cite("VPC-SUBNET"),
                                   message=f"{items[i][0]} overlaps {items[j][0]}: subnets in a VPC may not overlap."))
    return out


SEED_EXAMPLE_LAYOUT: list[dict[str, str]] = [
    {"cidr": "10.0.0.0/28", "role": "cluster", "az": "us-east-1a"},
    {"cidr": "10.0.0.16/28", "role": "cluster", "az": "us-east-1b"},
    {"cidr": "10.0.0.32/28", "role": "cluster", "az": "us-east-1c"},
    {"cidr": "10.0.1.0/20", "role": "public", "az": "us-east-1a"},
    {"cidr": "10.0.16.0/20", "role": "public", "az": "us-east-1b"},
    {"cidr": "10.0.32.0/20", "role": "public", "az": "us-east-1c"},
    {"cidr": "10.0.64.0/18", "role": "private", "az": "us-east-1a"},
    {"cidr": "10.0.128.0/18", "role": "private", "az": "us-east-1b"},
    {"cidr": "10.0.192.0/18", "role": "private", "az": "us-east-1c"},
]
"""The seed's "Recommended Subnet Architecture" for 10.0.0.0/16, verbatim (its 10.0.1.0/20 is invalid)."""
