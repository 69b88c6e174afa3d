"""Subnet planner: a packed, aligned layout per AZ inside the VPC's CIDRs.

Per AZ: a dedicated cluster subnet (/28 by default, control-plane ENIs only — not shared with nodes)
[BP-SUBNETS], a public subnet (load balancers, NAT gateways), a private node subnet sized for the
caller's per-AZ address need, and with custom networking a pod subnet in a secondary CIDR picked from
100.64.0.0/10 so that it clashes with nothing listed [BP-CUSTNET].

Placement: existing subnets stay where they are; the planner works in the free space between them
(the maximal aligned holes aws-cidr-finder reports), placing the largest blocks first, each into the
smallest hole that holds it (lowest address on ties). Blocks are power-of-two sized and aligned, so
largest-first placement wastes nothing: if the blocks fit the holes at all, they fit this way.

This module does not know how many addresses a node needs: the caller computes that with the
IP-consumption model and passes ``node_addresses_per_az`` / ``pod_addresses_per_az``.
"""

from __future__ import annotations

import heapq
import math
from ipaddress import IPv4Network
from typing import Any, Iterable, Literal, Sequence

from pydantic import BaseModel, ConfigDict, Field

from eksadvisor import cidr as C
from eksadvisor.cidr import Finding, LabeledRange, ServiceCidr, cite
from eksadvisor.errors import InputError
from eksadvisor.tags import check_cluster_name, subnet_tags

SubnetRole = Literal["cluster", "public", "private", "pod"]
ROLE_ORDER: dict[str, int] = {"cluster": 0, "public": 1, "private": 2, "pod": 3}
PUBLIC_FLOOR_PREFIX = 26  # planner policy (not an AWS rule): public subnets are not shrunk below a /26
MAX_AZS = 16


# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


class _Model(BaseModel):
    # defer_build: a model's validator is built when first used, not at import (CLI start-up)
    model_config = ConfigDict(extra="forbid", defer_build=True)


# ------------------------------------------------------------------------------------------ input
class ExistingSubnetIn(_Model):
    cidr: str
    az: str | None = None
    role: SubnetRole = "private"
    used_ips: int = 0


class PlanRequest(_Model):
    """What the planner needs; address counts come from the caller's IP-consumption model."""

    vpc_cidr: str
    secondary_cidrs: list[str] = Field(default_factory=lambda: [])  # already associated with the VPC
    existing_subnets: list[ExistingSubnetIn] = Field(default_factory=lambda: [])
    onprem_cidrs: list[str] = Field(default_factory=lambda: [])  # on-prem, peered, transit-gateway ranges
    cgnat_in_use: bool = False
    azs: list[str]
    cluster_name: str = "my-cluster"
    node_addresses_per_az: int = 0  # node-subnet addresses per AZ at max nodes x growth, incl. upgrade surge
    pod_addresses_per_az: int = 0  # pod-subnet addresses per AZ (custom networking only)
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
    tags: dict[str, str] = Field(default_factory=lambda: {})
    existing: bool = False
    network: str | None = None  # Multus network name (role "multus")
    needed_addresses: int = 0  # what this subnet was sized for (0 for reused ones)
    prefix_capacity: int | None = None  # whole /28 blocks (prefix delegation), DERIVED
    reservations: list[Reservation] = Field(default_factory=lambda: [])


class Shortfall(_Model):
    reason: str
    unplaced: list[str] = Field(default_factory=lambda: [])  # "private /18 in us-east-1a"
    needed_addresses: int = 0  # total size of the unplaced blocks
    smallest_vpc_cidr: str | None = None  # greenfield: the smallest VPC CIDR that holds the whole plan
    smallest_secondary_cidr: str | None = None  # or associate this and plan again
    secondary_check: C.AssociationCheck | None = None
    suggestions: list[str] = Field(default_factory=lambda: [])


class SubnetPlan(_Model):
    vpc_cidr: str
    vpc_cidrs: list[str]  # primary + already associated secondaries
    azs: list[str]
    subnets: list[PlannedSubnet]
    secondary_cidrs: list[str] = Field(default_factory=lambda: [])  # new CIDRs to associate
    service_cidr: ServiceCidr
    findings: list[Finding] = Field(default_factory=lambda: [])
    fits: bool
    shortfall: Shortfall | None = None
    free_blocks_after: list[str] = Field(default_factory=lambda: [])  # largest 16 holes left, largest first
    free_addresses_after: int = 0
    notes: list[str] = Field(default_factory=lambda: [])


# ------------------------------------------------------------------------------------ allocation
class _Need:
    __slots__ = ("role", "az", "az_index", "prefixlen", "addresses", "pool", "seq")

    def __init__(self, role: str, az: str, az_index: int, prefixlen: int, addresses: int, pool: str, seq: int) -> None:
        self.role, self.az, self.az_index, self.prefixlen = role, az, az_index, prefixlen
        self.addresses, self.pool, self.seq = addresses, pool, seq

    @property
    def key(self) -> tuple[str, str, int]:
        return self.role, self.az, self.seq

    def describe(self) -> str:
        return f"{self.role} /{self.prefixlen} in {self.az}"

    def sort_key(self) -> tuple[int, int, int, int]:
        return self.prefixlen, ROLE_ORDER[self.role], self.az_index, self.seq


class _FreeSpace:
    """Free aligned blocks bucketed by prefix length; best fit = smallest block, lowest address."""

    def __init__(self, blocks: Iterable[IPv4Network]) -> None:
        self.buckets: dict[int, list[tuple[int, IPv4Network]]] = {}
        for b in blocks:
            self._add(b)

    def _add(self, b: IPv4Network) -> None:
        heapq.heappush(self.buckets.setdefault(b.prefixlen, []), (int(b.network_address), b))

    def take(self, prefixlen: int) -> IPv4Network | None:
        for p in range(prefixlen, -1, -1):
            bucket = self.buckets.get(p)
            if bucket:
                _, blk = heapq.heappop(bucket)
                got = next(blk.subnets(new_prefix=prefixlen)) if p < prefixlen else blk
                if got != blk:
                    for rest in blk.address_exclude(got):
                        self._add(rest)
                return got
        return None

    def blocks(self) -> list[IPv4Network]:
        return sorted((b for bucket in self.buckets.values() for _, b in bucket), key=lambda n: (n.prefixlen, n))


def _holes(containers: Sequence[IPv4Network], occupied: Sequence[IPv4Network]) -> list[IPv4Network]:
    out: list[IPv4Network] = []
    for c in containers:
        out.extend(C.free_blocks(c, occupied))
    return out


def _allocate(holes: Sequence[IPv4Network], needs: Sequence[_Need]
              ) -> tuple[dict[tuple[str, str, int], IPv4Network], list[_Need], _FreeSpace]:
    space = _FreeSpace(holes)
    placed: dict[tuple[str, str, int], IPv4Network] = {}
    unplaced: list[_Need] = []
    for n in sorted(needs, key=_Need.sort_key):
        got = space.take(n.prefixlen)
        if got is None:
            unplaced.append(n)
        else:
            placed[n.key] = got
    return placed, unplaced, space


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
    ctx.service = C.parse_service_cidr(req.service_cidr) if req.service_cidr else None
    return ctx


# ------------------------------------------------------------------------------------ the planner
def _public_prefix(req: PlanRequest, container_prefix: int) -> int:
    """The hint, but at most 1/16 of the VPC's primary block per public subnet."""
    return min(max(req.public_subnet_prefix, container_prefix + 4), C.SUBNET_MAX_PREFIX)


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
            for i, _, _ in ex:
                reused.append((role, az, i))
            if role == "cluster":
                if not ex:
                    needs.append(_Need(role, az, az_i, req.cluster_subnet_prefix, 0, "routable", seq))
                continue
            if role == "public":
                if not ex:
                    needs.append(_Need(role, az, az_i, public_prefix, 0, "routable", seq))
                continue
            want = req.node_addresses_per_az if role == "private" else req.pod_addresses_per_az
            aligned = req.prefix_delegation and role == holder
            have = sum(C.usable_ips(n) for _, _, n in ex)
            if aligned:
                from eksadvisor.prefixready import fresh_subnet_prefixes

                have = sum(fresh_subnet_prefixes(n) * C.PREFIX_SIZE for _, _, n in ex)
            if ex and have >= want:
                continue
            rest = max(want - have, 0) if ex else max(want, 1)
            p = _size(rest, aligned)
            if p is None:
                findings.append(Finding(
                    id="subnet-too-small", severity="critical", ranges=[],
                    source=cite("VPC-SUBNET"),
                    message=(f"{az}: {rest:,} {role}-subnet addresses do not fit one subnet: the largest AWS subnet "
                             f"is a /16 ({C.usable_ips(IPv4Network('10.0.0.0/16')):,} usable"
                             + (", 65,504 in whole /28 prefixes — DERIVED" if aligned else "") + "). Spread nodes over "
                             "more AZs, or plan IPv6.")))
                p = C.SUBNET_MIN_PREFIX
                needs.append(_Need(role, az, az_i, p, rest, "oversize", seq))
            else:
                needs.append(_Need(role, az, az_i, p, rest, "pod" if role == "pod" else "routable", seq))
            seq += 1
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
    """Where a secondary CIDR for node/public/cluster subnets may come from: the primary's private range,
    then 100.64.0.0/10 unless it holds the pod subnets (custom networking) or is in use elsewhere."""
    return [r for r in C.allowed_secondary_ranges(primary)
            if r != C.CGNAT or not (req.custom_networking or req.cgnat_in_use)]


def _pools(req: PlanRequest, primary: IPv4Network, secondaries: Sequence[IPv4Network]
           ) -> tuple[list[IPv4Network], list[IPv4Network]]:
    """(routable containers, pod containers): CG-NAT secondaries hold pods under custom networking."""
    if req.custom_networking:
        return [primary, *[s for s in secondaries if not s.subnet_of(C.CGNAT)]], \
            [s for s in secondaries if s.subnet_of(C.CGNAT)]
    return [primary, *secondaries], []


def plan_subnets(req: PlanRequest) -> SubnetPlan:
    """Lay out cluster, public, private (and pod) subnets per AZ; deterministic for a given request."""
    ctx = _validate(req)
    findings: list[Finding] = []
    notes: list[str] = []
    vpc_blocks = [ctx.primary, *ctx.secondaries]
    routable, cgnat_secondaries = _pools(req, ctx.primary, ctx.secondaries)
    occupied = [n for _, _, n in ctx.existing]

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

    # --- routable blocks, shrinking public subnets inside small VPCs
    public_p = _public_prefix(req, ctx.primary.prefixlen)
    if public_p != req.public_subnet_prefix:
        notes.append(f"Public subnets sized /{public_p} instead of the /{req.public_subnet_prefix} hint: at most 1/16 "
                     f"of the /{ctx.primary.prefixlen} VPC CIDR each (planner policy).")
    floor = max(public_p, PUBLIC_FLOOR_PREFIX)
    routable_holes = _holes(routable, occupied)

    def _try(pp: int):  # type: ignore[no-untyped-def]
        needs, reused, size_findings = _build_needs(req, ctx, pp)
        placed, unplaced, space = _allocate(routable_holes, [n for n in needs if n.pool == "routable"])
        return needs, reused, size_findings, placed, unplaced, space

    needs, reused, size_findings, placed, unplaced, space = _try(public_p)
    if unplaced and any(n.role == "public" for n in needs):
        for pp in range(public_p + 1, floor + 1):
            attempt = _try(pp)
            if not attempt[4]:
                needs, reused, size_findings, placed, unplaced, space = attempt
                notes.append(f"Public subnets shrunk to /{pp} to make the plan fit (planner policy: not below "
                             f"/{floor}).")
                break
    findings.extend(size_findings)
    oversize = [n for n in needs if n.pool == "oversize"]

    # --- pod subnets (custom networking): existing CG-NAT secondaries first, then a new secondary CIDR
    new_secondaries: list[IPv4Network] = []
    pod_unplaced: list[_Need] = []
    pod_space_free: list[IPv4Network] = []
    p_needs = [n for n in needs if n.pool == "pod"]
    if req.custom_networking:
        avoid = [*vpc_blocks, *ctx.onprem, service_net, C.DOCKER_BRIDGE]
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
                q = max(min(_prefix_for_total(sum(_block_size(x.prefixlen) for x in b)), C.VPC_MAX_PREFIX), 16)
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
            for sec in new_secondaries:
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
    from eksadvisor.prefixready import fresh_subnet_prefixes, reservation_command, size_reservation

    entries: list[tuple[int, int, int, int, bool, Any]] = []
    ex_by_index = {i: (s, n) for i, s, n in ctx.existing}
    for role, az, i in reused:
        s, n = ex_by_index[i]
        entries.append((ROLE_ORDER[role], req.azs.index(az), 0, int(n.network_address), True, (role, az, n, 0, s)))
    for n in needs:
        net = placed.get(n.key)
        if net is not None:
            entries.append((ROLE_ORDER[n.role], n.az_index, 1, int(net.network_address), False,
                            (n.role, n.az, net, n.addresses, None)))
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
    findings.sort(key=lambda f: ({"critical": 0, "warning": 1, "info": 2}[f.severity], f.id, f.ranges, f.message))
    return SubnetPlan(
        vpc_cidr=str(ctx.primary), vpc_cidrs=[str(b) for b in vpc_blocks], azs=list(req.azs), subnets=subnets,
        secondary_cidrs=[str(s) for s in new_secondaries], service_cidr=service, findings=findings,
        fits=not all_unplaced, shortfall=shortfall, free_blocks_after=[str(b) for b in left[:16]],
        free_addresses_after=sum(b.num_addresses for b in left), notes=notes)


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
                sub.by_az_role = {}
                needs, _, _ = _build_needs(req, sub, _public_prefix(req, q))
                rn = [n for n in needs if n.pool == "routable"]
                if not _allocate([hyp], rn)[1]:
                    sf.smallest_vpc_cidr = str(hyp)
                    sugg.append(f"A new VPC of {hyp} (a /{q}) holds the whole plan.")
                    break
        # smallest secondary CIDR that makes the routable part fit
        needs, _, _ = _build_needs(req, ctx, _public_prefix(req, ctx.primary.prefixlen))
        all_routable_needs = [n for n in needs if n.pool == "routable"]
        avoid = [*routable, *ctx.secondaries, *ctx.onprem, service_net, C.DOCKER_BRIDGE]
        vpc_blocks = [ctx.primary, *ctx.secondaries]
        for q in range(C.VPC_MAX_PREFIX, C.VPC_MIN_PREFIX - 1, -1):
            if _block_size(q) < min(_block_size(n.prefixlen) for n in unplaced):
                continue
            cand = _pick_block(q, _routable_search(req, ctx.primary), avoid, ctx.primary, vpc_blocks)
            if cand is None:
                continue
            if not _allocate([*routable_holes, cand], all_routable_needs)[1]:
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
