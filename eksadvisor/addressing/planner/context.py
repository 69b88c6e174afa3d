"""Phase 1 of the planner: validate the request and parse it into networks (:class:`PlanContext`).

Every later phase works on parsed networks and may assume them sound: a request the planner cannot honour is refused
here, with the field at fault (:class:`~eksadvisor.errors.InputError`), before anything is placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network
from itertools import pairwise
from typing import NamedTuple

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, ServiceCidr
from eksadvisor.addressing.planner.model import MAX_AZS, ExistingSubnetIn, PlanRequest
from eksadvisor.addressing.tags import check_cluster_name
from eksadvisor.errors import InputError


class ExistingSubnet(NamedTuple):
    """An existing subnet of the request: its position in ``existing_subnets`` (for error fields and order), the input
    as given, and its parsed network."""

    position: int
    spec: ExistingSubnetIn
    net: IPv4Network


@dataclass
class PlanContext:
    """The request's ranges, parsed and checked: what the placement phases work on."""

    primary: IPv4Network
    secondaries: list[IPv4Network]
    existing: list[ExistingSubnet]
    by_az_role: dict[tuple[str | None, str], list[ExistingSubnet]]
    onprem: list[IPv4Network]
    reserved: list[IPv4Network]
    service: IPv4Network | None

    @property
    def vpc_blocks(self) -> list[IPv4Network]:
        """The VPC's CIDR blocks as given: primary first, then the associated secondaries."""
        return [self.primary, *self.secondaries]

    @property
    def occupied(self) -> list[IPv4Network]:
        """What the planner must leave alone inside the VPC: existing subnets and reserved ranges."""
        return [*(t.net for t in self.existing), *self.reserved]


@dataclass
class Draft:
    """A plan being made: the request, its parsed ranges and service CIDR, and the findings and notes each phase adds
    (in the order the phases run: notes are shown in that order)."""

    req: PlanRequest
    ctx: PlanContext
    service: ServiceCidr
    service_net: IPv4Network
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def clear_of(self, *more: IPv4Network) -> list[IPv4Network]:
        """What a new CIDR block must not overlap: the VPC's blocks, connected and reserved ranges, the service CIDR,
        the Docker bridge (and ``more``)."""
        ctx = self.ctx
        return [*ctx.vpc_blocks, *ctx.onprem, *ctx.reserved, self.service_net, C.DOCKER_BRIDGE, *more]


def validate_request(req: PlanRequest) -> PlanContext:
    """Check the request as a whole and parse its ranges; raises InputError naming the field at fault."""
    primary = C.parse_vpc_cidr(req.vpc_cidr, "vpc_cidr")
    secondaries = _secondaries(req, primary)
    _check_azs_and_sizes(req)
    existing = _existing_subnets(req, [primary, *secondaries])
    by_az_role: dict[tuple[str | None, str], list[ExistingSubnet]] = {}
    for t in existing:
        by_az_role.setdefault((t.spec.az, t.spec.role), []).append(t)
    onprem = [C.parse_network(c, f"onprem_cidrs[{i}]") for i, c in enumerate(req.onprem_cidrs)]
    reserved = [C.parse_network(c, f"reserved_cidrs[{i}]") for i, c in enumerate(req.reserved_cidrs)]
    reserved += [C.parse_network(c, f"multus_networks.{n}") for n, c in sorted(req.multus_networks.items())]
    service = C.parse_service_cidr(req.service_cidr) if req.service_cidr else None
    return PlanContext(primary=primary, secondaries=secondaries, existing=existing, by_az_role=by_az_role,
                       onprem=onprem, reserved=reserved, service=service)


def _secondaries(req: PlanRequest, primary: IPv4Network) -> list[IPv4Network]:
    """The associated secondary CIDRs, none overlapping another block of the VPC."""
    secondaries: list[IPv4Network] = []
    for i, s in enumerate(req.secondary_cidrs):
        net = C.parse_vpc_cidr(s, f"secondary_cidrs[{i}]")
        for other in [primary, *secondaries]:
            if net.overlaps(other):
                raise InputError(f"secondary_cidrs[{i}]: {net} overlaps {other}; CIDR blocks of one VPC may not overlap.",
                                 field=f"secondary_cidrs[{i}]")
        secondaries.append(net)
    return secondaries


def _check_azs_and_sizes(req: PlanRequest) -> None:
    """AZs (one at least, at most MAX_AZS, no duplicates), the cluster name, counts and subnet-size hints."""
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


def _existing_subnets(req: PlanRequest, vpc_blocks: list[IPv4Network]) -> list[ExistingSubnet]:
    """The existing subnets, each inside a VPC block, with a possible used_ips count, and none overlapping another."""
    existing: list[ExistingSubnet] = []
    for i, s in enumerate(req.existing_subnets):
        field = f"existing_subnets[{i}].cidr"
        net = C.parse_subnet_cidr(s.cidr, field)
        if C.subnet_of_any(net, vpc_blocks) is None:
            raise InputError(f"{field}: {net} is not inside the VPC CIDR {vpc_blocks[0]} or any secondary CIDR.",
                             field=field)
        usable = C.usable_ips(net)
        if not 0 <= s.used_ips <= usable:
            raise InputError(f"existing_subnets[{i}].used_ips: {s.used_ips} is not between 0 and the {usable} usable "
                             f"addresses of {net} (AWS reserves 5).", field=f"existing_subnets[{i}].used_ips")
        existing.append(ExistingSubnet(i, s, net))
    by_addr = sorted(existing, key=lambda t: (int(t.net.network_address), t.net.prefixlen))
    for (i, _, a), (j, _, b) in pairwise(by_addr):
        if a.overlaps(b):
            (lo, nlo), (hi, nhi) = sorted(((i, a), (j, b)))
            raise InputError(f"existing_subnets[{hi}].cidr: {nhi} overlaps existing_subnets[{lo}] ({nlo}); subnets of "
                             "a VPC may not overlap.", field=f"existing_subnets[{hi}].cidr")
    return existing
