"""Prefix readiness: can a subnet hand out /28 prefixes, how fragmented is it, what to reserve.

Prefix delegation needs free, aligned /28 blocks; a subnet with enough free addresses but none of
them in a whole free /28 makes EC2 return ``InsufficientCidrBlocks`` [EKS-PD]. The fix is a new
subnet or a subnet CIDR reservation of type ``prefix`` [EKS-PD] [VPC-RESV] [EC2-RESV-API].

DERIVED (not an AWS statement, shown as such): the first /28 of a subnet holds the reserved
base..base+3 and the last holds the broadcast address, so neither can ever be a prefix; a /n subnet
(n <= 27) offers at most 2^(28-n) - 2 prefixes.
"""

from __future__ import annotations

import random
import shlex
import socket
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, summarize_address_range
from itertools import accumulate, compress
from typing import Literal

from pydantic import Field

from eksadvisor.addressing.cidr import (
    PREFIX_LEN,
    PREFIX_SIZE,
    Finding,
    cite,
    parse_network,
    parse_subnet_cidr,
    usable_ips,
)
from eksadvisor.basemodel import OutputModel as _Model
from eksadvisor.errors import InputError

Spread = Literal["even", "packed", "random-seeded"]
UsedItem = str | int | IPv4Address | IPv4Network | tuple

DERIVED_EDGE_NOTE = ("DERIVED, not an AWS statement (UNCONFIRMED as a rule): the subnet's first /28 holds the reserved "
                     "base..base+3 and its last /28 the broadcast address, so neither is counted as a usable prefix.")


# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


class Reservation(_Model):
    """One subnet CIDR reservation of type ``prefix`` and the command that creates it."""

    subnet: str
    cidr: str
    reservation_type: Literal["prefix"] = "prefix"
    free_prefixes: int  # whole free /28 blocks inside the reserved range
    used_addresses_inside: int  # in-use addresses stay assigned (not released) [VPC-RESV]
    command: str
    source: str = cite("VPC-RESV", "EC2-RESV-API")


class PrefixReadiness(_Model):
    subnet: str
    usable_ips: int
    used_addresses: int
    free_addresses: int
    total_blocks: int  # /28 blocks in the subnet
    candidate_blocks: int  # blocks that could ever be prefixes (DERIVED: all but the first and last)
    free_blocks: int  # aligned /28 blocks with no address in use
    free_block_cidrs_sample: list[str] = Field(default_factory=list)  # up to 16, lowest first
    largest_free_block: str | None = None
    ideal_free_blocks: int  # free /28s if the same used addresses were packed together
    fragmentation: float  # 0 = as good as packed, 1 = no free /28 although packing would leave some
    fragmentation_level: Literal["none", "low", "moderate", "high", "full"]
    stranded_addresses: int  # free addresses outside any free /28 (usable only as secondary IPs)
    assumption: str | None = None
    prefixes_needed: int | None = None
    enough: bool | None = None
    reservations: list[Reservation] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


# ----------------------------------------------------------------------------------------- parsing
_AF = socket.AF_INET


def _addr(text: str, field: str) -> int:
    try:  # strict dotted quad, validated by the C library; ipaddress builds the value
        return int(IPv4Address(socket.inet_pton(_AF, text)))
    except OSError:
        try:
            return int(IPv4Address(text.strip()))
        except ValueError:
            raise InputError(f"{field}: {text!r} is not an IPv4 address, a range a-b or a CIDR.", field=field) from None


def _interval(item: UsedItem, field: str) -> tuple[int, int]:
    if isinstance(item, int) and not isinstance(item, bool):
        return item, item
    if isinstance(item, IPv4Address):
        v = int(item)
        return v, v
    if isinstance(item, IPv4Network):
        return int(item.network_address), int(item.broadcast_address)
    if isinstance(item, tuple) and len(item) == 2:
        lo, hi = (_interval(x, field)[0] for x in item)
        return lo, hi
    if isinstance(item, str):
        text = item.strip()
        if "/" in text:
            net = parse_network(text, field, what="range")
            return int(net.network_address), int(net.broadcast_address)
        if "-" in text:
            a, _, b = text.partition("-")
            lo, hi = _addr(a.strip(), field), _addr(b.strip(), field)
            if hi < lo:
                raise InputError(f"{field}: range {text} ends before it starts.", field=field)
            return lo, hi
        v = _addr(text, field)
        return v, v
    raise InputError(f"{field}: {item!r} is not an IPv4 address, a range a-b or a CIDR.", field=field)


class UsedSet:
    """Used addresses: unique single addresses (ints, sorted, none inside a range) and merged ranges."""

    __slots__ = ("ranges", "singles")

    def __init__(self, singles: list[int], ranges: list[tuple[int, int]]) -> None:
        self.singles, self.ranges = singles, ranges

    def count(self) -> int:
        return len(self.singles) + sum(hi - lo + 1 for lo, hi in self.ranges)

    def count_in(self, lo: int, hi: int) -> int:
        n = bisect_right(self.singles, hi) - bisect_left(self.singles, lo)
        for a, b in self.ranges:
            ov = min(b, hi) - max(a, lo) + 1
            if ov > 0:
                n += ov
        return n


def merge_ranges(raw: list[tuple[int, int]]) -> list[tuple[int, int]]:
    raw.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in raw:
        if merged and lo <= merged[-1][1] + 1:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def _outside(subnet: IPv4Network, item: UsedItem, field: str) -> InputError:
    lo, hi = _interval(item, field)
    shown = item if isinstance(item, str) else str(IPv4Address(lo)) if lo == hi else \
        f"{IPv4Address(lo)}-{IPv4Address(hi)}"
    return InputError(f"{field}: {shown} is outside subnet {subnet}.", field=field)


def parse_used(subnet: IPv4Network, used: Iterable[UsedItem], field: str = "used") -> UsedSet:
    """Parse addresses, ranges and CIDRs; anything outside the subnet -> InputError.

    Plain dotted-quad strings take a fast path (the C library's inet_pton validates them, the packed
    bytes become an int exactly as ``IPv4Address(packed)`` does) so 40,000 of them parse in ~10 ms.
    """
    lo_s, hi_s = int(subnet.network_address), int(subnet.broadcast_address)
    pton, from_bytes, af = socket.inet_pton, int.from_bytes, _AF
    items = list(used)
    singles: list[int] = []
    raw: list[tuple[int, int]] = []
    for item in items:
        if type(item) is str:
            try:
                singles.append(from_bytes(pton(af, item), "big"))
                continue
            except OSError:
                pass
        elif type(item) is int:
            singles.append(item)
            continue
        lo, hi = _interval(item, field)
        if lo == hi:
            singles.append(lo)
        else:
            raw.append((lo, hi))
    if (singles and (min(singles) < lo_s or max(singles) > hi_s)) or \
            any(lo < lo_s or hi > hi_s for lo, hi in raw):
        for item in items:  # slow path only to name the first offender
            lo, hi = _interval(item, field)
            if lo < lo_s or hi > hi_s:
                raise _outside(subnet, item, field)
    ranges = merge_ranges(raw)
    uniq = sorted(set(singles))
    if ranges:
        starts = [lo for lo, _ in ranges]
        keep = []
        for v in uniq:
            i = bisect_right(starts, v) - 1
            if i < 0 or v > ranges[i][1]:
                keep.append(v)
        uniq = keep
    return UsedSet(uniq, ranges)


def spread_used(subnet: IPv4Network, count: int, spread: Spread = "even", seed: int = 0) -> tuple[list[int], str]:
    """``count`` used addresses placed by an explicit assumption; returns (addresses, assumption sentence)."""
    usable = usable_ips(subnet)
    if count < 0 or count > usable:
        raise InputError(f"used_count: {count} must be between 0 and the {usable} usable addresses of {subnet}.",
                         field="used_count")
    first = int(subnet.network_address) + 4  # base..base+3 are AWS-reserved [VPC-SUBNET]
    if spread == "packed":
        addrs = list(range(first, first + count))
        why = (f"assumed: the {count} used addresses are contiguous from the first usable address {IPv4Address(first)} "
               "(best case: as little fragmentation as possible)")
    elif spread == "even":
        addrs = [first + (i * usable) // count for i in range(count)] if count else []
        why = (f"assumed: the {count} used addresses are spread evenly over the {usable} usable addresses "
               "(worst case for /28 availability)")
    elif spread == "random-seeded":
        # sample whichever is smaller, the used or the free offsets, and read them back in order via a mask
        take_free = count > usable // 2
        picked = random.Random(seed).sample(range(usable), usable - count if take_free else count)
        mask = bytearray(b"\x01" * usable) if take_free else bytearray(usable)
        mark = 0 if take_free else 1
        for o in picked:
            mask[o] = mark
        addrs = list(compress(range(first, first + usable), mask))
        why = (f"assumed: the {count} used addresses are scattered uniformly at random over the usable addresses "
               f"(Python random.Random({seed}).sample of the {'free' if take_free else 'used'} offsets; rerun with "
               "another --seed to see the spread)")
    else:
        raise InputError(f"spread: {spread!r} must be even, packed or random-seeded.", field="spread")
    return addrs, why


# ---------------------------------------------------------------------------------------- analysis
def block_counts(subnet: IPv4Network, used: UsedSet) -> list[int]:
    base = int(subnet.network_address)
    counts = [0] * max(subnet.num_addresses // PREFIX_SIZE, 1)
    for v in used.singles:
        counts[(v - base) // PREFIX_SIZE] += 1
    for lo, hi in used.ranges:
        b0, b1 = (lo - base) // PREFIX_SIZE, (hi - base) // PREFIX_SIZE
        if b0 == b1:
            counts[b0] += hi - lo + 1
            continue
        counts[b0] += (b0 + 1) * PREFIX_SIZE + base - lo
        for b in range(b0 + 1, b1):
            counts[b] = PREFIX_SIZE
        counts[b1] += hi - (b1 * PREFIX_SIZE + base) + 1
    return counts


def _runs(free: Sequence[bool]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = None
    for i, f in enumerate(free):
        if f and start is None:
            start = i
        elif not f and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(free) - 1))
    return out


def _block_net(subnet: IPv4Network, first_block: int, n_blocks: int) -> list[IPv4Network]:
    base = int(subnet.network_address)
    return list(summarize_address_range(IPv4Address(base + first_block * PREFIX_SIZE),
                                        IPv4Address(base + (first_block + n_blocks) * PREFIX_SIZE - 1)))


def _level(frag: float, ideal: int, free: int) -> Literal["none", "low", "moderate", "high", "full"]:
    if ideal == 0:
        return "full"
    if frag <= 0:
        return "none"
    if frag < 0.25:
        return "low"
    if frag < 0.6:
        return "moderate"
    return "high"


def reservation_command(subnet_id: str, cidr: str, description: str) -> str:
    return shlex.join(["aws", "ec2", "create-subnet-cidr-reservation", "--subnet-id", subnet_id, "--cidr", cidr,
                       "--reservation-type", "prefix", "--description", description])


def size_reservation(subnet: IPv4Network, free: Sequence[bool], counts: Sequence[int], prefixes_needed: int,
                     subnet_id: str = "SUBNET_ID", allow_whole_subnet: bool = False) -> list[Reservation]:
    """Smallest aligned range(s) inside ``subnet`` holding ``prefixes_needed`` free /28 blocks.

    One block when a single aligned range works (smallest first, then fewest in-use addresses inside,
    then lowest address); several non-overlapping reservations (AWS allows them [VPC-RESV]) when they
    reserve at most half as many addresses, or when the single range would be the whole subnet (unless
    ``allow_whole_subnet``: a whole-subnet prefix reservation leaves no room outside it for node
    addresses). Empty if not enough free /28s exist.
    """
    k = prefixes_needed
    nb = len(free)
    if k <= 0 or sum(free) < k:
        return []
    fpre = [0, *accumulate(1 if f else 0 for f in free)]
    upre = [0, *accumulate(counts)]
    single = _single_range(fpre, upre, k, nb if allow_whole_subnet else nb // 2)
    pieces, got = _free_pieces(subnet, free, k)
    chosen = [single] if single is not None else []
    # several reservations only when they reserve at most half of what one range would
    if got >= k and (single is None or 2 * sum(p[1] for p in pieces) <= single[1]):
        chosen = sorted(pieces)
    out = []
    for first, n in chosen:
        (net,) = _block_net(subnet, first, n)
        nfree = fpre[first + n] - fpre[first]
        used = upre[first + n] - upre[first]
        desc = f"eksadvisor: /28 prefixes for pods ({min(nfree, k)} of {k} needed)"
        out.append(Reservation(subnet=str(subnet), cidr=str(net), free_prefixes=nfree, used_addresses_inside=used,
                               command=reservation_command(subnet_id, str(net), desc)))
    return out


def _single_range(fpre: Sequence[int], upre: Sequence[int], k: int, limit: int) -> tuple[int, int] | None:
    """(first block, n blocks) of the smallest aligned range of at most ``limit`` blocks holding ``k`` free /28s
    (fewest in-use addresses inside, then lowest address); None when none does. ``fpre``/``upre``: prefix sums of the
    free flags and of the used counts per block."""
    nb = len(fpre) - 1
    size = 1
    while size < k:
        size *= 2
    while size <= limit:
        best = None
        for start in range(0, nb, size):
            nfree = fpre[start + size] - fpre[start]
            if nfree >= k:
                used = upre[start + size] - upre[start]
                if best is None or used < best[0]:
                    best = (used, start)
        if best is not None:
            return best[1], size
        size *= 2
    return None


def _free_pieces(subnet: IPv4Network, free: Sequence[bool], k: int) -> tuple[list[tuple[int, int]], int]:
    """Several fully-free aligned blocks, largest first, each shrunk to what is still needed: ((first block, n
    blocks) pieces, free /28s they hold)."""
    pieces: list[tuple[int, int]] = []
    got = 0
    candidates: list[tuple[int, int]] = []
    for s, e in _runs(free):
        for net in _block_net(subnet, s, e - s + 1):
            n = net.num_addresses // PREFIX_SIZE
            first = (int(net.network_address) - int(subnet.network_address)) // PREFIX_SIZE
            candidates.append((n, first))
    candidates.sort(key=lambda t: (-t[0], t[1]))
    for n, first in candidates:
        if got >= k:
            break
        take = n
        while take // 2 >= k - got:  # shrink a big block to what is still needed
            take //= 2
        pieces.append((first, take))
        got += take
    return pieces, got


def _largest_and_sample(subnet: IPv4Network, free: Sequence[bool]) -> tuple[str | None, list[str]]:
    """The largest free aligned block (None when no /28 is free) and the first 16 free /28s."""
    largest = None
    sample: list[str] = []
    best_size = 0
    for s, e in _runs(free):
        for net in _block_net(subnet, s, e - s + 1):
            if net.num_addresses > best_size:
                best_size, largest = net.num_addresses, str(net)
        if len(sample) < 16:
            sample.extend(str(n) for n in _block_net(subnet, s, min(e - s + 1, 16 - len(sample)))
                          for n in n.subnets(new_prefix=PREFIX_LEN))
    return largest, sample[:16]


def analyse(subnet: IPv4Network, used: UsedSet, *, assumption: str | None = None,
            prefixes_needed: int | None = None, subnet_id: str = "SUBNET_ID") -> PrefixReadiness:
    """Core computation (AWS-reserved addresses are added here, never counted as used)."""
    base, last = int(subnet.network_address), int(subnet.broadcast_address)
    total_blocks = subnet.num_addresses // PREFIX_SIZE if subnet.prefixlen <= PREFIX_LEN else 0
    usable = usable_ips(subnet)
    used_count = used.count() - used.count_in(base, base + 3) - used.count_in(last, last)
    if total_blocks == 0:
        free: list[bool] = []
        counts: list[int] = []
    else:
        counts = block_counts(subnet, used)
        free = [c == 0 for c in counts]
        free[0] = False  # DERIVED: holds base..base+3
        free[-1] = False  # DERIVED: holds the broadcast address
    candidate = max(total_blocks - 2, 0)
    nfree = sum(free)
    # packed: used addresses fill the 12 + 15 non-reserved slots of the edge blocks first
    edge_slots = (PREFIX_SIZE - 4) + (PREFIX_SIZE - 1) if total_blocks >= 2 else 0
    ideal = max(candidate - -(-max(used_count - edge_slots, 0) // PREFIX_SIZE), 0)
    frag = 0.0 if ideal == 0 else round(max(0.0, 1 - nfree / ideal), 4)
    free_addresses = usable - used_count
    stranded = free_addresses - nfree * PREFIX_SIZE
    largest, sample = _largest_and_sample(subnet, free)
    findings: list[Finding] = []
    notes = [DERIVED_EDGE_NOTE]
    level = _level(frag, ideal, nfree)
    if nfree < ideal and level in ("moderate", "high"):
        findings.append(Finding(
            id="prefix-fragmented-subnet", severity="warning", ranges=[str(subnet)], source=cite("EKS-PD"),
            message=(f"{subnet} has {free_addresses:,} free addresses but only {nfree:,} free aligned /28 blocks "
                     f"({ideal:,} if the same addresses were packed); prefix attachment can fail with "
                     "InsufficientCidrBlocks. Use a new subnet or a subnet CIDR reservation of type prefix.")))
    enough = None
    reservations: list[Reservation] = []
    if prefixes_needed is not None:
        if prefixes_needed < 0:
            raise InputError("prefixes_needed: must be 0 or more.", field="prefixes_needed")
        enough = nfree >= prefixes_needed
        if enough:
            reservations = size_reservation(subnet, free, counts, prefixes_needed, subnet_id)
            notes.append("A reservation may include in-use addresses (they are not released); with several "
                         "prefix-type reservations AWS picks among them at random. [VPC-RESV]")
        else:
            findings.append(Finding(
                id="prefix-fragmented-subnet", severity="critical", ranges=[str(subnet)], source=cite("EKS-PD", "VPC-RESV"),
                message=(f"{subnet} needs {prefixes_needed:,} free /28 blocks but has {nfree:,}; no reservation frees "
                         "them now (in-use addresses inside a reservation are not released). Create a new (or larger) "
                         "subnet for prefixes.")))
    return PrefixReadiness(
        subnet=str(subnet), usable_ips=usable, used_addresses=used_count, free_addresses=free_addresses,
        total_blocks=total_blocks, candidate_blocks=candidate, free_blocks=nfree, free_block_cidrs_sample=sample,
        largest_free_block=largest, ideal_free_blocks=ideal, fragmentation=frag, fragmentation_level=level,
        stranded_addresses=max(stranded, 0), assumption=assumption, prefixes_needed=prefixes_needed, enough=enough,
        reservations=reservations, findings=findings, notes=notes)


def prefix_readiness(subnet: str | IPv4Network, used: Iterable[UsedItem] = (), *, used_count: int | None = None,
                     spread: Spread = "even", seed: int = 0, prefixes_needed: int | None = None,
                     subnet_id: str = "SUBNET_ID") -> PrefixReadiness:
    """Free aligned /28 blocks, fragmentation score and reservation sizing for one subnet.

    ``used`` lists addresses ("10.0.0.5", ints, IPv4Address), ranges ("10.0.0.5-10.0.0.9", (a, b)) or
    CIDRs; or give ``used_count`` with an explicit ``spread`` assumption (even, packed, random-seeded).
    """
    net = subnet if isinstance(subnet, IPv4Network) else parse_subnet_cidr(subnet, "subnet")
    used = list(used)
    if used_count is not None and used:
        raise InputError("used_count: give either used addresses or a count, not both.", field="used_count")
    assumption = None
    if used_count is not None:
        addrs, assumption = spread_used(net, used_count, spread, seed)
        parsed = UsedSet(addrs, [])
    else:
        parsed = parse_used(net, used)
    return analyse(net, parsed, assumption=assumption, prefixes_needed=prefixes_needed, subnet_id=subnet_id)


def fresh_subnet_prefixes(subnet: IPv4Network) -> int:
    """/28 prefixes a brand-new subnet can hold (DERIVED: all blocks but the first and last)."""
    return max(subnet.num_addresses // PREFIX_SIZE - 2, 0) if subnet.prefixlen <= PREFIX_LEN else 0


__all__ = ["PrefixReadiness", "Reservation", "Spread", "UsedSet", "analyse", "fresh_subnet_prefixes", "parse_used",
           "prefix_readiness", "reservation_command", "size_reservation", "spread_used"]
