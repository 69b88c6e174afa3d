"""Multus secondary-network addressing on EKS: which range each NetworkAttachmentDefinition hands out.

On AWS a Multus interface is an extra ENI the user attaches to each node, in a subnet of the node's AZ; ipamd
leaves it alone when it is tagged ``node.k8s.amazonaws.com/no_manage=true`` [EKS-MULTUS]. Its pod addresses
must be unique across nodes -- ``host-local`` IPAM only knows its own host, so two nodes hand out the same
address -- hence whereabouts (cluster-wide IPAM) over the ENI's subnet, with each address also assigned to the
ENI as a secondary private IP so the VPC delivers it (fact sheet §11 [EKS-MULTUS];
aws-samples/eks-automated-ipmgmt-multus-pods).

Ranges (one per network per AZ):

* the planner's dedicated subnets (``role == "multus"``, ``network`` = the network's name) when the
  Recommendation has them;
* otherwise the range given in the answers (``multus.networks[].cidr``), treated as one VPC subnet, after
  checking it overlaps nothing planned or connected: the planned subnets, the existing subnets, on-prem and
  peered ranges, the (inferred) service CIDR and the other Multus networks. An overlap is an ``InputError``
  naming the network.

Every range excludes the addresses AWS reserves in a subnet: the first four and the last [VPC-SUBNET].
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eksadvisor.errors import InputError

AWS_RESERVED_HEAD = 4  # network address, VPC router, DNS, reserved for future use [VPC-SUBNET]
AWS_RESERVED_TAIL = 1  # the last address [VPC-SUBNET]
SMALLEST_SUBNET = 28  # a VPC subnet is /16 to /28 [VPC-SUBNET]
NO_MANAGE_TAG = "node.k8s.amazonaws.com/no_manage"

# Thick-plugin start-up race (issue #1221: after a reboot the init container's copy of the shim hangs and no pod on
# the node gets a network). Fixed in AWS's v4.1.4-eksbuild.3 manifest (aws/amazon-vpc-cni-k8s PR #3323, commit
# fa2dfdaf4868) and upstream from v4.2.3 (thick init container switched to install_multus) -- fact sheet §7
# [CNI-MULTUS] [MULTUS-ISS]. The "pod-lookup race fixed in v4.1.1" some guides state could not be confirmed in the
# multus-cni issues or releases.
MULTUS_AWS_FIXED_BUILD = "v4.1.4-eksbuild.3"
MULTUS_UPSTREAM_FIXED = "v4.2.3"


def thick_fix_included(version: str) -> bool:
    """Upstream v4.2.3 or later, or AWS's v4.1.4-eksbuild.3 or a later build of v4.1.4+."""
    import re

    m = re.match(r"v?(\d+)\.(\d+)(?:\.(\d+))?", version)
    if not m:
        return False
    v = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    if v >= (4, 2, 3):
        return True
    build = re.search(r"eksbuild\.(\d+)", version)
    return v >= (4, 1, 4) and build is not None and int(build.group(1)) >= 3


@dataclass(frozen=True)
class MultusRange:
    """The addresses one NetworkAttachmentDefinition hands out."""

    network: str
    az: str | None  # None: the answers' range, not tied to an AZ by the plan
    cidr: str
    range_start: str
    range_end: str
    subnet: str | None  # the planned subnet's name, when the range is one

    @property
    def addresses(self) -> int:
        return int(ipaddress.IPv4Address(self.range_end)) - int(ipaddress.IPv4Address(self.range_start)) + 1


def usable_range(cidr: str, field: str) -> tuple[str, str]:
    """First and last address a pod may get in a VPC subnet ``cidr``: AWS keeps the first four and the last."""
    net = ipaddress.IPv4Network(cidr)
    if net.prefixlen > SMALLEST_SUBNET:
        raise InputError(f"{field}: {cidr} is smaller than a /28, the smallest VPC subnet the extra ENIs of a "
                         "Multus network can come from.", field=field)
    return str(net[AWS_RESERVED_HEAD]), str(net[-1 - AWS_RESERVED_TAIL])


def reserved_half(subnet: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
    """The part of a planned Multus subnet whereabouts hands out: its upper half, reserved explicitly."""
    return list(subnet.subnets(prefixlen_diff=1))[1]


def reservation_command(subnet_placeholder: str, cidr: str, region: str) -> str:
    """``aws ec2 create-subnet-cidr-reservation`` for an explicit reservation (addresses assigned by hand only)."""
    import shlex

    return " ".join(shlex.quote(a) for a in [
        "aws", "ec2", "create-subnet-cidr-reservation", "--region", region, "--subnet-id", subnet_placeholder,
        "--cidr", cidr, "--reservation-type", "explicit", "--description", "eksadvisor: Multus pod addresses"])


@dataclass(frozen=True)
class Connected:
    """What a Multus range must not overlap outside the plan (plain values, read from the answers)."""

    existing_subnets: tuple[str, ...] = ()
    onprem_cidrs: tuple[str, ...] = ()
    vpc_blocks: tuple[str, ...] = ("10.0.0.0/16",)  # primary first, then associated secondaries

    @classmethod
    def from_answers(cls, answers: Any) -> Connected:
        net = answers.network
        return cls(tuple(s.cidr for s in net.existing_subnets), tuple(net.onprem_cidrs),
                   (net.vpc_cidr, *net.secondary_cidrs))

    def ranges(self) -> list[tuple[str, ipaddress.IPv4Network]]:
        from eksadvisor.addressing.cidr import default_service_cidr

        out = [(f"existing subnet network.existing_subnets[{i}] ({c})", ipaddress.IPv4Network(c))
               for i, c in enumerate(self.existing_subnets)]
        out += [(f"the connected range network.onprem_cidrs[{i}] ({c})", ipaddress.IPv4Network(c))
                for i, c in enumerate(self.onprem_cidrs)]
        service = default_service_cidr([ipaddress.IPv4Network(c) for c in self.vpc_blocks])
        out.append((f"the service CIDR EKS is expected to use ({service.cidr}, inferred)", ipaddress.IPv4Network(service.cidr)))
        return out


def multus_ranges(networks: Sequence[tuple[str, str | None]], subnets: Sequence[Any],
                  connected: Connected = Connected()) -> list[MultusRange]:
    """Every NAD range, in network order then AZ order. ``networks`` are (name, cidr) pairs in answers order;
    ``subnets`` the Recommendation's subnets (objects or dicts with name, role, az, cidr and, for role "multus",
    network). Raises ``InputError`` naming the network when an answers range overlaps anything planned or
    connected, or when a dedicated subnet names an unknown network."""
    def get(s: Any, key: str) -> Any:
        return s.get(key) if isinstance(s, dict) else getattr(s, key, None)

    planned = [s for s in subnets if get(s, "role") != "multus"]
    dedicated = [s for s in subnets if get(s, "role") == "multus"]
    known = {name for name, _ in networks}
    for s in dedicated:
        if get(s, "network") not in known:
            raise InputError(f"subnets: Multus subnet {get(s, 'name')} belongs to network {get(s, 'network')!r}, "
                             "which is not in multus.networks.", field="subnets")
    used: list[tuple[str, ipaddress.IPv4Network]] = [
        (f"planned {get(s, 'role')} subnet {get(s, 'name')} ({get(s, 'cidr')})", ipaddress.IPv4Network(get(s, "cidr")))
        for s in planned]
    used += connected.ranges()
    out: list[MultusRange] = []
    taken: list[tuple[str, ipaddress.IPv4Network]] = []  # earlier networks' ranges
    for i, (name, cidr) in enumerate(networks):
        field = f"multus.networks[{i}].cidr"
        own = sorted((s for s in dedicated if get(s, "network") == name), key=lambda s: (str(get(s, "az")), str(get(s, "cidr"))))
        if own:
            for s in own:
                sub = ipaddress.IPv4Network(get(s, "cidr"))
                usable_range(str(sub), f"subnets ({get(s, 'name')})")  # at least a /28
                # pods get the upper half, under an explicit subnet CIDR reservation (EC2 never auto-assigns from
                # it), so no ENI primary address EC2 picks can collide with one whereabouts hands out; the extra ENIs
                # take their primaries from the lower half [VPC-RESV]
                pods = reserved_half(sub)
                out.append(MultusRange(name, str(get(s, "az")), str(pods), str(pods[0]),
                                       str(sub[-1 - AWS_RESERVED_TAIL]), str(get(s, "name"))))
                taken.append((f"Multus network {name} ({get(s, 'cidr')})", sub))
            continue
        if not cidr:
            raise InputError(f"{field}: network {name} has no range and the plan has no subnet for it.", field=field)
        net = ipaddress.IPv4Network(cidr)
        for what, other in [*used, *taken]:
            if net.overlaps(other):
                raise InputError(f"{field}: Multus network {name} ({cidr}) overlaps {what}; give it a range of its "
                                 "own (its pods' addresses must be unique in the VPC and on connected networks).",
                                 field=field)
        first, last = usable_range(cidr, field)
        out.append(MultusRange(name, None, cidr, first, last, None))
        taken.append((f"Multus network {name} ({cidr})", net))
    return out
