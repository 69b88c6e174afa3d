"""Checking a layout someone else wrote: the planner's rules (valid aligned blocks, /16 to /28, inside the VPC, no
overlaps) applied to a given list of subnets, each problem said in plain words.

Kept apart from the planner: it places nothing, it only judges (``eksadvisor subnets check`` and the app use it).
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network
from typing import Any, NamedTuple

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, cite
from eksadvisor.errors import InputError


class _Given(NamedTuple):
    """One subnet as given: the text, its canonical network, its role and AZ (empty when not given)."""

    raw: str
    net: IPv4Network
    role: str
    az: str


def validate_layout(vpc_cidrs: Sequence[str], subnets: Sequence[Any]) -> list[Finding]:
    """Check a user-given layout ({cidr, role, az}) and say what is wrong, in plain words.

    Example (the seed's recommended architecture): "10.0.1.0/20 is not a valid /20 block (host bits set;
    the /20 containing it is 10.0.0.0/20, which overlaps the cluster /28s)".
    """
    vpcs = [C.parse_vpc_cidr(v, f"vpc_cidrs[{i}]") for i, v in enumerate(vpc_cidrs)]
    items: list[_Given] = []
    for i, s in enumerate(subnets):
        raw = str(s["cidr"] if isinstance(s, dict) else s.cidr).strip()
        role = str((s.get("role") if isinstance(s, dict) else getattr(s, "role", "")) or "")
        az = str((s.get("az") if isinstance(s, dict) else getattr(s, "az", "")) or "")
        try:
            net = IPv4Network(raw, strict=False)
        except ValueError:
            raise InputError(f"subnets[{i}].cidr: {raw!r} is not a valid IPv4 CIDR block.",
                             field=f"subnets[{i}].cidr") from None
        items.append(_Given(raw, net, role, az))
    out: list[Finding] = []
    explained: set[tuple[int, int]] = set()
    for i, (raw, net, _, _) in enumerate(items):
        if raw.split("/")[0] != str(net.network_address):
            others = [(j, o) for j, o in enumerate(items) if j != i and o.net.overlaps(net)]
            groups: dict[tuple[str, int], list[str]] = {}
            for j, o in others:
                groups.setdefault((o.role or "other", o.net.prefixlen), []).append(o.raw)
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
            if (i, j) not in explained and items[i].net.overlaps(items[j].net):
                out.append(Finding(id="overlapping-cidrs", severity="critical", ranges=[items[i].raw, items[j].raw],
                                   source=cite("VPC-SUBNET"),
                                   message=f"{items[i].raw} overlaps {items[j].raw}: subnets in a VPC may not overlap."))
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
