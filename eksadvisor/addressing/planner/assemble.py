"""Phase 7 of the planner: the subnets themselves -- reused and placed blocks named, tagged and ordered, /28 prefix
reservations for prefix delegation, Multus subnets -- and what a buildable layout still lacks.

Order is part of the output: by role (:data:`ROLE_ORDER`), then AZ, reused before new, then address.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from ipaddress import IPv4Network
from typing import NamedTuple

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, cite
from eksadvisor.addressing.planner.context import Draft
from eksadvisor.addressing.planner.model import (
    MIN_CLUSTER_AZS,
    ROLE_ORDER,
    ROLE_WORD,
    ExistingSubnetIn,
    PlannedSubnet,
    PlanRequest,
    Reservation,
)
from eksadvisor.addressing.planner.needs import Reused, prefix_holder
from eksadvisor.addressing.planner.placement import Key, Need
from eksadvisor.addressing.prefixready import fresh_subnet_prefixes, reservation_command, size_reservation
from eksadvisor.addressing.tags import subnet_tags
from eksadvisor.errors import InputError
from eksadvisor.names import TaggedRole


class Entry(NamedTuple):
    """One subnet of the plan before it is named: reused (``existing`` is its input) or newly placed."""

    role: TaggedRole
    az: str
    az_index: int
    net: IPv4Network
    needed: int  # what it was sized for (0 for reused ones)
    existing: ExistingSubnetIn | None = None

    def sort_key(self) -> tuple[int, int, int, int]:
        return ROLE_ORDER[self.role], self.az_index, 0 if self.existing is not None else 1, int(self.net.network_address)


def build_subnets(draft: Draft, reused: Sequence[Reused], needs: Sequence[Need],
                  placed: dict[Key, IPv4Network]) -> list[PlannedSubnet]:
    """The reused and placed subnets in output order, named ``<cluster>-<role>-<az>[-n]``, with their findings."""
    req, ctx = draft.req, draft.ctx
    existing = ctx.existing
    entries = [Entry(r.role, r.az, req.azs.index(r.az), existing[r.position].net, 0, existing[r.position].spec)
               for r in reused]
    for n in needs:
        net = placed.get(n.key)
        if net is not None:
            entries.append(Entry(n.role, n.az, n.az_index, net, n.addresses if n.prefixlen <= n.desired
                                 else n.floor_addresses))
    counts: dict[tuple[str, str], int] = {}
    subnets: list[PlannedSubnet] = []
    for e in sorted(entries, key=Entry.sort_key):
        counts[e.role, e.az] = counts.get((e.role, e.az), 0) + 1
        name = f"{req.cluster_name}-{e.role}-{e.az}" + (f"-{counts[e.role, e.az]}" if counts[e.role, e.az] > 1 else "")
        aligned = req.prefix_delegation and e.role == prefix_holder(req)
        subnets.append(_planned_subnet(req, e, name, aligned))
        if e.existing is not None:
            draft.findings.extend(_reuse_findings(e, e.existing, aligned))
    return subnets


def _planned_subnet(req: PlanRequest, e: Entry, name: str, aligned: bool) -> PlannedSubnet:
    """One output subnet; a new prefix-delegation subnet gets its /28 capacity and, if asked, a prefix reservation."""
    existing, net = e.existing is not None, e.net
    ps = PlannedSubnet(
        name=name, role=e.role, az=e.az, cidr=str(net), usable_ips=C.usable_ips(net),
        tags=subnet_tags(e.role, req.cluster_name), existing=existing, needed_addresses=e.needed,
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
    return ps


def _reuse_findings(e: Entry, s: ExistingSubnetIn, aligned: bool) -> list[Finding]:
    """What a reused subnet brings along: addresses already in use, a shared cluster subnet, /28 fragmentation."""
    net, role, az = e.net, e.role, e.az
    out: list[Finding] = []
    if s.used_ips:
        pct = 100 * s.used_ips / max(C.usable_ips(net), 1)
        out.append(Finding(
            id="existing-subnet-reused", severity="warning" if pct >= 80 else "info", ranges=[str(net)],
            source=cite("VPC-SUBNET"),
            message=(f"Existing {role} subnet {net} in {az} is reused: {s.used_ips:,} of {C.usable_ips(net):,} "
                     f"usable addresses in use ({pct:.0f}%).")))
    if role == "cluster" and s.used_ips > 4:
        out.append(Finding(
            id="cluster-subnet-shared", severity="warning", ranges=[str(net)], source=cite("EKS-NETREQ", "BP-SUBNETS"),
            confidence="derived",
            message=(f"Cluster subnet {net} in {az} has {s.used_ips} addresses in use, more than the 2-4 ENIs EKS "
                     "places there: if nodes or other resources share it, EKS may lack free addresses for the "
                     "ENIs it re-creates on each upgrade. Keep cluster subnets dedicated (heuristic, DERIVED).")))
    if aligned:
        out.append(Finding(
            id="prefix-fragmented-subnet", severity="info", ranges=[str(net)], source=cite("EKS-PD"),
            message=(f"Existing {role} subnet {net} will hand out /28 prefixes: check its free aligned blocks with "
                     f"`eksadvisor subnets prefix-check --subnet {net} --used-file FILE` before enabling prefix "
                     "delegation.")))
    return out


def add_multus_subnets(req: PlanRequest, blocks: Sequence[IPv4Network], subnets: list[PlannedSubnet],
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
        # 2^k parts for len(azs) <= 2^k AZs: the parts past the last AZ stay free
        for az, part in zip(req.azs, net.subnets(prefixlen_diff=k), strict=False):
            subnets.append(PlannedSubnet(
                name=f"{req.cluster_name}-multus-{name}-{az}", role="multus", az=az, cidr=str(part),
                usable_ips=C.usable_ips(part), tags=subnet_tags("pod", req.cluster_name), network=name))


def missing_parts(req: PlanRequest, subnets: Sequence[PlannedSubnet], *, want_transit: bool) -> list[str]:
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
            out.append(f"a {ROLE_WORD[role]} subnet in {', '.join(lacking)}")
    return out
