"""CIDR toolkit: AWS address facts, overlap checks, secondary-CIDR association rules, service CIDR.

Everything here is built on the standard library's :mod:`ipaddress`; no hand-rolled masks. Facts carry
a citation key (``SOURCES``) from the project fact sheet; what the fact sheet marks UNCONFIRMED is
returned with ``confidence="unconfirmed"`` and says so in its message, never stated as a fact.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Literal

from pydantic import Field

from eksadvisor.basemodel import OutputModel
from eksadvisor.errors import InputError
from eksadvisor.severity import Severity

# --------------------------------------------------------------------------------------------------
# Sources (fact-sheet keys -> public page). Each finding cites one of these.
# --------------------------------------------------------------------------------------------------
SOURCES: dict[str, str] = {
    "VPC-CIDR": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
    "VPC-SUBNET": "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html",
    "VPC-QUOTA": "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html",
    "VPC-RESV": "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html",
    "EC2-RESV-API": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnetCidrReservation.html",
    "EKS-NETREQ": "https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html",
    "EKS-CIDR-2018": "https://aws.amazon.com/about-aws/whats-new/2018/10/amazon-eks-now-supports-additional-vpc-cidr-blocks/",
    "ELB-ALB-SUBNETS": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer",
    "EKS-CREATE": "https://docs.aws.amazon.com/eks/latest/userguide/create-cluster.html",
    "EKS-API-KNC": "https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html",
    "EKS-TSHOOT": "https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html",
    "EKS-PD": "https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html",
    "EKS-CUSTNET": "https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html",
    "BP-SUBNETS": "https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html",
    "BP-CUSTNET": "https://docs.aws.amazon.com/eks/latest/best-practices/custom-networking.html",
    "AMI-AL2-BOOT": "awslabs/amazon-eks-ami templates/al2/runtime/bootstrap.sh @0ab842803d82",
    "SEED": "EKS best practices networking guide (project seed), sections Subnet Planning / IP Exhaustion Strategies",
}


def cite(*keys: str) -> str:
    """``"[VPC-CIDR] https://..."`` for one or more fact-sheet keys (the ``source`` of a finding)."""
    return "; ".join(f"[{k}] {SOURCES[k]}" for k in keys)


# --------------------------------------------------------------------------------------------------
# Address facts
# --------------------------------------------------------------------------------------------------
#: Every AWS subnet loses five addresses: base, base+1 (VPC router), base+2 (DNS), base+3 (future), last. [VPC-SUBNET]
AWS_RESERVED_PER_SUBNET = 5
#: VPC and subnet IPv4 CIDR blocks are /16 (65,536 addresses) to /28 (16 addresses). [VPC-CIDR] [VPC-SUBNET]
VPC_MIN_PREFIX = 16
VPC_MAX_PREFIX = 28
SUBNET_MIN_PREFIX = 16
SUBNET_MAX_PREFIX = 28
#: Default quota of IPv4 CIDR blocks per VPC (primary + secondaries), adjustable up to 50. [VPC-QUOTA]
VPC_CIDR_BLOCK_QUOTA_DEFAULT = 5
#: A prefix-delegation prefix is a /28 (16 addresses). [EKS-PD]
PREFIX_LEN = 28
PREFIX_SIZE = 16

RFC1918_10 = IPv4Network("10.0.0.0/8")
RFC1918_172 = IPv4Network("172.16.0.0/12")
RFC1918_192 = IPv4Network("192.168.0.0/16")
RFC1918 = (RFC1918_10, RFC1918_172, RFC1918_192)
CGNAT = IPv4Network("100.64.0.0/10")  # RFC 6598 shared address space
BENCHMARK_198_19 = IPv4Network("198.19.0.0/16")
LINK_LOCAL = IPv4Network("169.254.0.0/16")
DOCKER_BRIDGE = IPv4Network("172.17.0.0/16")
DEFAULT_VPC_172_31 = IPv4Network("172.31.0.0/16")
TEN_0_SLASH_15 = IPv4Network("10.0.0.0/15")
TEN_0_SLASH_16 = IPv4Network("10.0.0.0/16")
SERVICE_CIDR_DEFAULTS = (IPv4Network("10.100.0.0/16"), IPv4Network("172.20.0.0/16"))  # [EKS-API-KNC]
SERVICE_MIN_PREFIX = 12  # service CIDR size /24 to /12 [EKS-CREATE] [EKS-API-KNC]
SERVICE_MAX_PREFIX = 24

Confidence = Literal["cited", "derived", "unconfirmed"]

#: The association table is verified against the June-2023 archived copy of the VPC guide only.
ASSOCIATION_TABLE_NOTE = (
    "association table per the VPC user guide [VPC-CIDR], verified only against the June-2023 archived source; "
    "whether the live page changed since is UNCONFIRMED"
)


# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


class Finding(OutputModel):
    """One observation about the address plan; overlap findings name both ranges."""

    id: str
    severity: Severity
    message: str
    ranges: list[str] = Field(default_factory=list)
    source: str
    confidence: Confidence = "cited"


def usable_ips(network: IPv4Network | str) -> int:
    """Addresses an EC2 instance can use in an AWS subnet: size - 5 (never below 0). [VPC-SUBNET]"""
    net = network if isinstance(network, IPv4Network) else IPv4Network(network)
    return max(net.num_addresses - AWS_RESERVED_PER_SUBNET, 0)


def smallest_prefix_for(addresses: int, *, prefix_aligned: bool = False) -> int | None:
    """Longest prefix (smallest subnet) whose usable addresses cover ``addresses``; None beyond a /16.

    With ``prefix_aligned`` the count is met by whole /28 blocks only, leaving out the subnet's first
    /28 (holds base..base+3) and last /28 (holds the broadcast address) — DERIVED, see prefixready.
    """
    if addresses < 0:
        raise ValueError("addresses must be >= 0")
    for p in range(SUBNET_MAX_PREFIX, SUBNET_MIN_PREFIX - 1, -1):
        size = 1 << (32 - p)
        if prefix_aligned:
            capacity = max(size // PREFIX_SIZE - 2, 0) * PREFIX_SIZE
        else:
            capacity = size - AWS_RESERVED_PER_SUBNET
        if capacity >= addresses:
            return p
    return None


def parse_network(text: object, field: str, *, min_prefix: int | None = None, max_prefix: int | None = None,
                  what: str = "CIDR") -> IPv4Network:
    """Parse an IPv4 CIDR strictly: invalid text or host bits set raise ``InputError`` naming ``field``."""
    if isinstance(text, IPv4Network):
        net = text
    else:
        raw = str(text).strip()
        if "/" not in raw:
            raise InputError(f"{field}: {raw!r} is not a CIDR block (expected a.b.c.d/n).", field=field)
        try:
            net = IPv4Network(raw, strict=False)
        except ValueError:
            try:
                ipaddress.ip_network(raw, strict=False)
            except ValueError:
                raise InputError(f"{field}: {raw!r} is not a valid IPv4 CIDR block.", field=field) from None
            raise InputError(f"{field}: {raw!r} is IPv6; this planner handles IPv4 CIDRs only.", field=field) from None
        if IPv4Address(raw.split("/")[0]) != net.network_address:
            raise InputError(
                f"{field}: {raw} has host bits set; the /{net.prefixlen} {what} containing it is {net}.", field=field)
    if (min_prefix is not None and net.prefixlen < min_prefix) or (max_prefix is not None and net.prefixlen > max_prefix):
        raise InputError(f"{field}: {net} is a /{net.prefixlen}; a {what} must be /{min_prefix} to /{max_prefix}.",
                         field=field)
    return net


def parse_vpc_cidr(text: object, field: str = "vpc_cidr") -> IPv4Network:
    """A VPC IPv4 CIDR: /16 to /28, never in 169.254.0.0/16. [VPC-CIDR]"""
    net = parse_network(text, field, min_prefix=VPC_MIN_PREFIX, max_prefix=VPC_MAX_PREFIX, what="VPC CIDR block")
    if net.overlaps(LINK_LOCAL):
        raise InputError(f"{field}: {net} is in 169.254.0.0/16 (link-local), which a VPC can never use.", field=field)
    return net


def parse_subnet_cidr(text: object, field: str) -> IPv4Network:
    """A subnet IPv4 CIDR: /16 to /28. [VPC-SUBNET]"""
    return parse_network(text, field, min_prefix=SUBNET_MIN_PREFIX, max_prefix=SUBNET_MAX_PREFIX, what="subnet")


def collapse(nets: Iterable[IPv4Network]) -> list[IPv4Network]:
    return list(ipaddress.collapse_addresses(nets))


def free_blocks(container: IPv4Network, used: Iterable[IPv4Network]) -> list[IPv4Network]:
    """Maximal aligned free CIDR blocks of ``container`` not overlapping ``used``, lowest address first.

    The same holes aws-cidr-finder reports, computed by walking the gaps between the used blocks
    (sorted by first address) and splitting each gap with :func:`ipaddress.summarize_address_range`.
    """
    c_lo, c_hi = int(container.network_address), int(container.broadcast_address)
    spans = sorted(s for s in ((int(u.network_address), int(u.broadcast_address)) for u in used)
                   if s[0] <= c_hi and s[1] >= c_lo)
    out: list[IPv4Network] = []
    cursor = c_lo
    for lo, hi in spans:
        if lo > cursor:
            out.extend(ipaddress.summarize_address_range(IPv4Address(cursor), IPv4Address(lo - 1)))
        if hi + 1 > cursor:
            cursor = hi + 1
        if cursor > c_hi:
            break
    if cursor <= c_hi:
        out.extend(ipaddress.summarize_address_range(IPv4Address(cursor), IPv4Address(c_hi)))
    return out


# --------------------------------------------------------------------------------------------------
# Secondary CIDR association restrictions [VPC-CIDR]
# --------------------------------------------------------------------------------------------------
RangeClass = Literal["10/8", "172.16/12", "192.168/16", "198.19/16", "169.254/16", "public_or_cgnat"]


def range_class(net: IPv4Network) -> RangeClass:
    """Row of the VPC-CIDR association table a block belongs to (by the range it comes from)."""
    if net.subnet_of(RFC1918_10):
        return "10/8"
    if net.subnet_of(RFC1918_172):
        return "172.16/12"
    if net.subnet_of(RFC1918_192):
        return "192.168/16"
    if net.subnet_of(BENCHMARK_198_19):
        return "198.19/16"
    if net.subnet_of(LINK_LOCAL):
        return "169.254/16"
    return "public_or_cgnat"


@dataclass(frozen=True)
class _Forbidden:
    network: IPv4Network
    why: str


_TABLE: dict[str, tuple[_Forbidden, ...]] = {
    "10/8": (_Forbidden(RFC1918_172, "172.16.0.0/12"), _Forbidden(RFC1918_192, "192.168.0.0/16"),
             _Forbidden(BENCHMARK_198_19, "198.19.0.0/16")),
    "172.16/12": (_Forbidden(RFC1918_10, "10.0.0.0/8"), _Forbidden(RFC1918_192, "192.168.0.0/16"),
                  _Forbidden(DEFAULT_VPC_172_31, "172.31.0.0/16"), _Forbidden(BENCHMARK_198_19, "198.19.0.0/16")),
    "192.168/16": (_Forbidden(RFC1918_10, "10.0.0.0/8"), _Forbidden(RFC1918_172, "172.16.0.0/12"),
                   _Forbidden(BENCHMARK_198_19, "198.19.0.0/16")),
    "198.19/16": tuple(_Forbidden(n, f"{n} (RFC 1918)") for n in RFC1918),
    "public_or_cgnat": (*(_Forbidden(n, f"{n} (RFC 1918)") for n in RFC1918),
                        _Forbidden(BENCHMARK_198_19, "198.19.0.0/16")),
}

_ROW_NAME = {
    "10/8": "10.0.0.0/8", "172.16/12": "172.16.0.0/12", "192.168/16": "192.168.0.0/16",
    "198.19/16": "198.19.0.0/16", "public_or_cgnat": "publicly routable or 100.64.0.0/10",
}


class AssociationCheck(OutputModel):
    """May ``candidate`` be associated as a secondary CIDR with a VPC whose primary is ``primary``?"""

    primary: str
    candidate: str
    allowed: bool
    reasons: list[str] = Field(default_factory=list)
    rule_row: str
    source: str = cite("VPC-CIDR")
    note: str = ASSOCIATION_TABLE_NOTE


def association_problems(primary: IPv4Network, candidate: IPv4Network,
                         associated: Sequence[IPv4Network] = ()) -> list[str]:
    """Reasons AWS's association table [VPC-CIDR] forbids ``candidate``; empty when allowed.

    ``associated`` are the blocks already on the VPC (the primary is added automatically). Overlap with
    an associated block and the /16-/28 size rule are included; the route-table rule (a new block may
    not be the same as or larger than an existing route's destination) needs the route tables and is
    not checked here.
    """
    reasons: list[str] = []
    if not (VPC_MIN_PREFIX <= candidate.prefixlen <= VPC_MAX_PREFIX):
        reasons.append(f"{candidate} is a /{candidate.prefixlen}; VPC CIDR blocks are /16 to /28")
    if candidate.overlaps(LINK_LOCAL):
        reasons.append(f"{candidate} is in 169.254.0.0/16 (link-local), which a VPC can never use")
    on_vpc = [primary, *[a for a in associated if a != primary]]
    for a in on_vpc:
        if a.overlaps(candidate):
            reasons.append(f"{candidate} overlaps {a}, already associated with the VPC")
    row = range_class(primary)
    if row == "169.254/16":
        reasons.append(f"the primary {primary} is link-local, which a VPC can never use")
        return reasons
    for f in _TABLE[row]:
        if candidate.overlaps(f.network):
            reasons.append(f"a VPC whose CIDR comes from {_ROW_NAME[row]} may not associate a block from {f.why}")
    if row == "10/8" and candidate.overlaps(TEN_0_SLASH_16):
        in_15 = [a for a in on_vpc if a.overlaps(TEN_0_SLASH_15)]
        if in_15:
            reasons.append(f"{in_15[0]} lies in 10.0.0.0/15, so no block from 10.0.0.0/16 may be associated")
    return reasons


def check_association(primary: IPv4Network | str, candidate: IPv4Network | str,
                      associated: Sequence[IPv4Network | str] = ()) -> AssociationCheck:
    p = primary if isinstance(primary, IPv4Network) else parse_vpc_cidr(primary, "vpc_cidr")
    c = candidate if isinstance(candidate, IPv4Network) else parse_network(candidate, "secondary_cidr")
    assoc = [a if isinstance(a, IPv4Network) else parse_network(a, "secondary_cidrs") for a in associated]
    reasons = association_problems(p, c, assoc)
    return AssociationCheck(primary=str(p), candidate=str(c), allowed=not reasons, reasons=reasons,
                            rule_row=_ROW_NAME.get(range_class(p), range_class(p)))


def forbidden_secondary_ranges(primary: IPv4Network, associated: Sequence[IPv4Network] = ()) -> list[IPv4Network]:
    """Ranges the association table [VPC-CIDR] bars for this VPC (plus link-local), for searches."""
    row = range_class(primary)
    out = [LINK_LOCAL, *(f.network for f in _TABLE.get(row, ()))]
    if row == "10/8" and any(a.overlaps(TEN_0_SLASH_15) for a in [primary, *associated]):
        out.append(TEN_0_SLASH_16)
    return out


def allowed_secondary_ranges(primary: IPv4Network) -> list[IPv4Network]:
    """Where the table lets secondaries come from, private ranges first (public space is left out:
    the planner never proposes publicly routable blocks you do not own)."""
    row = range_class(primary)
    return {
        "10/8": [RFC1918_10, CGNAT],
        "172.16/12": [RFC1918_172, CGNAT],
        "192.168/16": [RFC1918_192, CGNAT],
        "198.19/16": [CGNAT],
        "public_or_cgnat": [CGNAT],
    }.get(row, [])


# --------------------------------------------------------------------------------------------------
# Service CIDR [EKS-CREATE] [EKS-API-KNC] [AMI-AL2-BOOT]
# --------------------------------------------------------------------------------------------------
class ServiceCidr(OutputModel):
    """The Kubernetes service IPv4 range the plan was checked against."""

    cidr: str
    dns_ip: str
    chosen_by: Literal["user", "inferred_default"]
    confidence: Confidence
    note: str
    source: str


def parse_service_cidr(text: object, field: str = "service_cidr") -> IPv4Network:
    """A user-chosen ``serviceIpv4Cidr``: inside an RFC 1918 range, /24 to /12. [EKS-CREATE] [EKS-API-KNC]"""
    net = parse_network(text, field, min_prefix=SERVICE_MIN_PREFIX, max_prefix=SERVICE_MAX_PREFIX,
                        what="service CIDR")
    if not any(net.subnet_of(r) for r in RFC1918):
        raise InputError(f"{field}: {net} is not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, "
                         "as EKS requires of a service CIDR.", field=field)
    return net


def cluster_dns_ip(service_cidr: IPv4Network) -> IPv4Address:
    """Service CIDR with the last octet replaced by .10 (AL2 bootstrap logic). [AMI-AL2-BOOT]"""
    base = service_cidr.network_address.packed
    return IPv4Address(base[:3] + bytes([10]))


def default_service_cidr(vpc_cidrs: Sequence[IPv4Network]) -> ServiceCidr:
    """The service CIDR EKS probably picks when none is given — an inference, shown as UNCONFIRMED.

    AWS documents only that the default is 10.100.0.0/16 or 172.20.0.0/16 [EKS-API-KNC]. The AL2
    bootstrap picks DNS 172.20.0.10 when any VPC IPv4 CIDR is in 10.0.0.0/8, else 10.100.0.10
    [AMI-AL2-BOOT]; that the control plane follows the same rule is UNCONFIRMED.
    """
    in_ten = [n for n in vpc_cidrs if n.subnet_of(RFC1918_10)]
    net = SERVICE_CIDR_DEFAULTS[1] if in_ten else SERVICE_CIDR_DEFAULTS[0]
    why = (f"{in_ten[0]} is in 10.0.0.0/8" if in_ten else "no VPC CIDR is in 10.0.0.0/8")
    return ServiceCidr(
        cidr=str(net), dns_ip=str(cluster_dns_ip(net)), chosen_by="inferred_default", confidence="unconfirmed",
        note=(f"No service CIDR given: EKS defaults to 10.100.0.0/16 or 172.20.0.0/16 without documenting the choice; "
              f"{net} is inferred from the AL2 bootstrap rule ({why}). That the control plane uses the same rule is "
              "UNCONFIRMED — read kubernetesNetworkConfig.serviceIpv4Cidr from DescribeCluster, or set it at creation "
              "(it cannot be changed later)."),
        source=cite("EKS-API-KNC", "AMI-AL2-BOOT"),
    )


def user_service_cidr(net: IPv4Network) -> ServiceCidr:
    return ServiceCidr(
        cidr=str(net), dns_ip=str(cluster_dns_ip(net)), chosen_by="user", confidence="cited",
        note="Set kubernetesNetworkConfig.serviceIpv4Cidr at cluster creation; it cannot be changed later.",
        source=cite("EKS-CREATE", "EKS-API-KNC"),
    )


def suggest_service_cidr(avoid: Iterable[IPv4Network], prefixlen: int = 16) -> IPv4Network | None:
    """Lowest RFC 1918 block of /``prefixlen`` (10/8, then 172.16/12 without 172.17/16, then 192.168/16)
    clashing with nothing in ``avoid``."""
    avoid_l = [*avoid, DOCKER_BRIDGE]
    for r in RFC1918:
        for blk in free_blocks(r, avoid_l):
            if blk.prefixlen <= prefixlen:
                return next(blk.subnets(new_prefix=prefixlen))
    return None


# --------------------------------------------------------------------------------------------------
# Overlap checks
# --------------------------------------------------------------------------------------------------
RangeKind = Literal["vpc", "secondary", "existing_subnet", "planned_subnet", "onprem", "service", "docker_bridge",
                    "pod_cidr"]


@dataclass(frozen=True)
class LabeledRange:
    """A CIDR with what it is, for overlap messages ("VPC CIDR 10.0.0.0/16")."""

    kind: RangeKind
    network: IPv4Network
    label: str = ""
    unconfirmed: bool = False  # e.g. the inferred default service CIDR

    def describe(self) -> str:
        names = {"vpc": "VPC CIDR", "secondary": "secondary VPC CIDR", "existing_subnet": "existing subnet",
                 "planned_subnet": "planned subnet", "onprem": "connected (on-prem/peered/TGW) range",
                 "service": "service CIDR", "docker_bridge": "Docker bridge", "pod_cidr": "pod secondary CIDR"}
        text = f"{names[self.kind]} {self.network}"
        if self.label:
            text += f" ({self.label})"
        return text


_VPC_KINDS = {"vpc", "secondary", "pod_cidr"}


def _pair_finding(a: LabeledRange, b: LabeledRange) -> Finding | None:
    kinds = {a.kind, b.kind}
    both = f"{a.describe()} overlaps {b.describe()}"
    ranges = [str(a.network), str(b.network)]
    unconf = a.unconfirmed or b.unconfirmed
    suffix = " (the service CIDR here is the inferred default — UNCONFIRMED)" if unconf else ""
    conf: Confidence = "unconfirmed" if unconf else "cited"
    if "existing_subnet" in kinds and "onprem" in kinds:
        return Finding(id="overlapping-cidrs", severity="warning", ranges=ranges, source=cite("SEED"),
                       message=f"{both}: hosts in this subnet cannot reach that part of the connected network.")
    if kinds & _VPC_KINDS and "onprem" in kinds:
        return Finding(id="overlapping-cidrs", severity="critical", ranges=ranges, source=cite("SEED", "EKS-CUSTNET"),
                       message=f"{both}: traffic between them cannot be routed. Custom networking alone cannot solve "
                               "overlapping CIDRs; use a private NAT gateway with a transit gateway, or renumber.")
    if kinds & _VPC_KINDS and "service" in kinds:
        return Finding(id="overlapping-cidrs", severity="critical", ranges=ranges, confidence=conf,
                       source=cite("EKS-CREATE", "EKS-API-KNC"),
                       message=f"{both}: the service CIDR must not overlap any VPC CIDR{suffix}.")
    if "service" in kinds and "onprem" in kinds:
        return Finding(id="overlapping-cidrs", severity="warning", ranges=ranges, confidence=conf,
                       source=cite("EKS-NETREQ"),
                       message=f"{both}: service IPs win inside the cluster and routing to that range becomes "
                               f"unpredictable{suffix}; choose another serviceIpv4Cidr at cluster creation.")
    if "docker_bridge" in kinds and kinds & _VPC_KINDS:
        return Finding(id="docker-bridge-overlap", severity="warning", ranges=ranges,
                       source=cite("EKS-TSHOOT", "VPC-CIDR"),
                       message=f"{both}: AWS advises against 172.17.0.0/16 (Docker bridge); nodes can fail to reach "
                               "addresses there (\"getsockopt: no route to host\" to :10250).")
    if "docker_bridge" in kinds and "onprem" in kinds:
        return Finding(id="docker-bridge-overlap", severity="info", ranges=ranges, confidence="derived",
                       source=cite("EKS-TSHOOT"),
                       message=f"{both}: hosts running a Docker bridge on 172.17.0.0/16 may not reach that range "
                               "(DERIVED from the EKS troubleshooting note on 172.17.0.0/16).")
    if "service" in kinds and "docker_bridge" in kinds:
        return Finding(id="docker-bridge-overlap", severity="warning", ranges=ranges, confidence=conf,
                       source=cite("EKS-TSHOOT"), message=f"{both}{suffix}; choose another service CIDR.")
    if kinds == {"vpc", "secondary"} or kinds == {"secondary"} or kinds == {"vpc", "pod_cidr"} or \
            kinds == {"secondary", "pod_cidr"}:
        return Finding(id="overlapping-cidrs", severity="critical", ranges=ranges, source=cite("VPC-CIDR"),
                       message=f"{both}: CIDR blocks associated with one VPC must not overlap.")
    if kinds <= {"existing_subnet", "planned_subnet"}:
        return Finding(id="overlapping-cidrs", severity="critical", ranges=ranges, source=cite("VPC-SUBNET"),
                       message=f"{both}: subnets in a VPC may not overlap.")
    return None


def find_overlaps(ranges: Sequence[LabeledRange]) -> list[Finding]:
    """Every overlapping pair that matters, each finding naming both ranges; deterministic order.

    Subnets inside their own VPC CIDR, and on-prem ranges overlapping each other, are not findings.
    """
    items = sorted(ranges, key=lambda r: (int(r.network.network_address), r.network.prefixlen, r.kind, r.label))
    out: list[Finding] = []
    # sweep: items sorted by start; compare with the still-open ones
    open_: list[LabeledRange] = []
    for cur in items:
        start = int(cur.network.network_address)
        open_ = [o for o in open_ if int(o.network.broadcast_address) >= start]
        for o in open_:
            if o.kind in {"vpc", "secondary", "pod_cidr"} and cur.kind in {"existing_subnet", "planned_subnet"}:
                continue
            if cur.kind in {"vpc", "secondary", "pod_cidr"} and o.kind in {"existing_subnet", "planned_subnet"}:
                continue
            if o.kind == cur.kind == "onprem":
                continue
            f = _pair_finding(o, cur)
            if f is not None:
                out.append(f)
        open_.append(cur)
    return out


def subnet_of_any(net: IPv4Network, containers: Iterable[IPv4Network]) -> IPv4Network | None:
    for c in containers:
        if net.subnet_of(c):
            return c
    return None
