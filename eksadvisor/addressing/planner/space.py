"""Free address space as an integer buddy allocator: the planner's placement runs on these, not on IPv4Network.

Placement runs many times per plan when the demand must shrink (the degrade ladder), so the free blocks are kept as
(address, prefix length) integers bucketed by prefix length, and each attempt starts from a cheap copy (:class:`Holes`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Network

from eksadvisor.addressing import cidr as C


class FreeSpace:
    """Free aligned blocks as (address, prefix length) integers, bucketed by prefix length; best fit = smallest
    block, lowest address. A larger block is split buddy-style (pure integer arithmetic: placement runs many
    times per plan when the demand must shrink)."""

    def __init__(self, blocks: Iterable[IPv4Network]) -> None:
        self.buckets: dict[int, list[int]] = {}
        for b in blocks:
            heapq.heappush(self.buckets.setdefault(b.prefixlen, []), int(b.network_address))

    @classmethod
    def from_buckets(cls, buckets: dict[int, list[int]]) -> FreeSpace:
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


class Holes:
    """The free space of some containers, bucketed once so that each placement attempt starts from a copy."""

    def __init__(self, holes: Iterable[IPv4Network]) -> None:
        buckets: dict[int, list[int]] = {}
        for b in holes:
            buckets.setdefault(b.prefixlen, []).append(int(b.network_address))
        for v in buckets.values():
            v.sort()
        self.buckets = buckets

    def space(self) -> FreeSpace:
        return FreeSpace.from_buckets(self.buckets)


def holes(containers: Sequence[IPv4Network], occupied: Sequence[IPv4Network]) -> list[IPv4Network]:
    """The maximal aligned free blocks of ``containers`` around ``occupied`` (what aws-cidr-finder reports)."""
    out: list[IPv4Network] = []
    for c in containers:
        out.extend(C.free_blocks(c, occupied))
    return out


def block_size(prefixlen: int) -> int:
    return 1 << (32 - prefixlen)


def prefix_for_total(total: int) -> int:
    """Prefix of the smallest single block holding ``total`` addresses (power of two)."""
    return 32 - max(math.ceil(math.log2(max(total, 1))), 0)
