"""Every address in use in the VPC, per subnet, and what is still free in each subnet: single addresses and whole
/28 blocks (:func:`eksadvisor.addressing.prefixready.analyse`, the ``subnet_frag`` measure [FRG])."""

from __future__ import annotations

import socket
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Any, NamedTuple

from eksadvisor.addressing.cidr import PREFIX_SIZE
from eksadvisor.addressing.prefixready import UsedSet, analyse, block_counts, merge_ranges
from eksadvisor.audit.bundle import Bundle
from eksadvisor.errors import InputError

Range = tuple[int, int]  # first and last address, as integers


def ip_int(text: str) -> int:
    """An IPv4 address as an integer."""
    return int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")


def _cidr_range(text: str, where: str) -> Range:
    try:
        net = IPv4Network(text, strict=False)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not an IPv4 CIDR.", field=where) from None
    return int(net.network_address), int(net.broadcast_address)


class SubnetState:
    """One subnet of subnets.json and what the bundle says is in it."""

    __slots__ = ("addrs", "az", "enis", "explicit", "net", "prefix_resv", "ranges", "raw", "sid")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.sid: str = raw["SubnetId"]
        try:
            self.net = IPv4Network(raw["CidrBlock"])
        except ValueError:
            raise InputError(f"subnets.json: {self.sid} CidrBlock {raw['CidrBlock']!r} is not an IPv4 CIDR.",
                             field="subnets.json") from None
        self.az: str = raw["AvailabilityZone"]
        self.addrs: list[int] = []  # private addresses on ENIs
        self.ranges: list[Range] = []  # prefixes on ENIs
        self.enis = 0
        self.explicit: list[Range] = []  # explicit subnet CIDR reservations
        self.prefix_resv: list[Range] = []  # prefix subnet CIDR reservations

    def contains(self, ip: int) -> bool:
        return int(self.net.network_address) <= ip <= int(self.net.broadcast_address)


@dataclass
class InstanceEnis:
    """The ENIs attached to one instance; the primary (device 0 on card 0) names the node's subnet."""

    primary: dict[str, Any] | None = None
    enis: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AddressIndex:
    """The bundle's addresses by subnet and its ENIs by instance."""

    subnets: dict[str, SubnetState]  # subnet id -> state, in subnets.json order
    by_instance: dict[str, InstanceEnis]

    def subnet_of(self, ip_text: str) -> str | None:
        """The subnet whose CIDR holds the address."""
        ip = ip_int(ip_text)
        return next((sid for sid, st in self.subnets.items() if st.contains(ip)), None)


def _add_eni_addresses(st: SubnetState, e: dict[str, Any], i: int) -> None:
    pton, af, from_bytes = socket.inet_pton, socket.AF_INET, int.from_bytes  # hot loop: thousands of addresses
    ips = e.get("PrivateIpAddresses")
    try:
        if ips:
            st.addrs.extend([from_bytes(pton(af, p["PrivateIpAddress"]), "big") for p in ips])
        elif isinstance(e.get("PrivateIpAddress"), str):
            st.addrs.append(from_bytes(pton(af, e["PrivateIpAddress"]), "big"))
    except (OSError, TypeError, KeyError):
        raise InputError(f"network-interfaces.json: NetworkInterfaces[{i}] ({e['NetworkInterfaceId']}) has a private "
                         "address that is not an IPv4 address.", field="network-interfaces.json") from None
    for j, p in enumerate(e.get("Ipv4Prefixes") or ()):
        text = p.get("Ipv4Prefix") if isinstance(p, dict) else None
        if not isinstance(text, str):
            raise InputError(f"network-interfaces.json: NetworkInterfaces[{i}].Ipv4Prefixes[{j}].Ipv4Prefix is missing.",
                             field="network-interfaces.json")
        st.ranges.append(_cidr_range(text, "network-interfaces.json"))


def collect_addresses(b: Bundle) -> AddressIndex:
    """Per subnet: every in-use address and prefix and its reservations; per instance id: its ENIs."""
    states = {s["SubnetId"]: SubnetState(s) for s in b.subnets}
    by_instance: dict[str, InstanceEnis] = defaultdict(InstanceEnis)
    for i, e in enumerate(b.enis):
        st = states[e["SubnetId"]]
        st.enis += 1
        _add_eni_addresses(st, e, i)
        att = e.get("Attachment")
        iid = att.get("InstanceId") if att else None
        if att and isinstance(iid, str):
            entry = by_instance[iid]
            entry.enis.append(e)
            if att.get("DeviceIndex") == 0 and att.get("NetworkCardIndex", 0) == 0:
                entry.primary = e
    for sid, items in (b.reservations or {}).items():
        for r in items:
            rng = _cidr_range(r["Cidr"], f"subnet-cidr-reservations/{sid}.json")
            (states[sid].explicit if r["ReservationType"] == "explicit" else states[sid].prefix_resv).append(rng)
    return AddressIndex(states, by_instance)


class SubnetSpace(NamedTuple):
    """The free space of one subnet."""

    free_ips: int
    free_prefixes: int
    free_prefixes_in_prefix_reservations: int
    stranded: int  # free addresses outside any free /28
    used: int


def _used_set(net: IPv4Network, addrs: Iterable[int], ranges: Sequence[Range]) -> UsedSet:
    """In-use single addresses and merged ranges inside ``net``; an address outside it is an InputError."""
    lo_s, hi_s = int(net.network_address), int(net.broadcast_address)
    raw = [(max(a, lo_s), min(b, hi_s)) for a, b in ranges if b >= lo_s and a <= hi_s]
    merged = merge_ranges(raw)
    singles = sorted(set(addrs))
    if merged:
        starts = [lo for lo, _ in merged]
        singles = [v for v in singles if (i := bisect_right(starts, v) - 1) < 0 or v > merged[i][1]]
    bad = [v for v in singles[:1] + singles[-1:] if v < lo_s or v > hi_s]
    if bad:
        raise InputError(f"network-interfaces.json: address {socket.inet_ntoa(bad[0].to_bytes(4, 'big'))} is outside its "
                         f"subnet {net}.", field="network-interfaces.json")
    return UsedSet(singles, merged)


def _free_blocks_in(net: IPv4Network, used: UsedSet, prefix_resv: Sequence[Range]) -> int:
    """Free /28 blocks (not the first or last) that lie in a prefix reservation."""
    counts = block_counts(net, used)
    base = int(net.network_address)
    free_idx = {i for i, c in enumerate(counts) if c == 0 and 0 < i < len(counts) - 1}
    seen: set[int] = set()
    for a, b in prefix_resv:
        for i in range((a - base) // PREFIX_SIZE, (b - base) // PREFIX_SIZE + 1):
            if i in free_idx:
                seen.add(i)
    return len(seen)


def analyse_subnet(net: IPv4Network, addrs: Iterable[int], ranges: Sequence[Range], explicit: Sequence[Range],
                   prefix_resv: Sequence[Range] = ()) -> SubnetSpace:
    """The free space of one subnet.

    In-use addresses and prefixes plus explicit reservations are "used" for both counts; AWS's five reserved
    addresses are never free; a /28 is free when none of its 16 addresses is used (prefixready.analyse).
    Prefix reservations stay free for prefixes (that is what they are for).
    """
    used = _used_set(net, addrs, [*ranges, *explicit])
    pr = analyse(net, used)
    in_resv = _free_blocks_in(net, used, prefix_resv) if prefix_resv and pr.total_blocks else 0
    return SubnetSpace(pr.free_addresses, pr.free_blocks, in_resv, pr.stranded_addresses, pr.used_addresses)


__all__ = ["AddressIndex", "InstanceEnis", "SubnetSpace", "SubnetState", "analyse_subnet", "collect_addresses", "ip_int"]
