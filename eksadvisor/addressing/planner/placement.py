"""Placement: put the blocks a plan needs into free space, shrinking the demand along the degrade ladder when it does
not fit as asked.

Blocks are aligned powers of two placed largest first, each into the smallest free block that holds it (lowest address
on ties), so placement wastes nothing: if the blocks fit at all, they fit this way. When they do not, the demand
shrinks one step at a time in the order the plan can best spare it (:func:`degrade_steps`), and placement runs again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network

from eksadvisor.addressing.planner.model import PUBLIC_FLOOR_PREFIX, PUBLIC_MIN_PREFIX, ROLE_ORDER
from eksadvisor.addressing.planner.space import FreeSpace, Holes
from eksadvisor.names import ADDRESS_ROLES, TaggedRole

Key = tuple[str, str, int]  # (role, az, seq): one need


class Need:
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

    def __init__(self, role: TaggedRole, az: str, az_index: int, prefixlen: int, addresses: int, pool: str, seq: int,
                 *, floor: int | None = None, floor_addresses: int | None = None, optional: bool = False) -> None:
        self.role, self.az, self.az_index, self.prefixlen = role, az, az_index, prefixlen
        self.addresses, self.pool, self.seq = addresses, pool, seq
        self.desired = prefixlen
        self.floor = prefixlen if floor is None else max(floor, prefixlen)
        self.floor_addresses = addresses if floor_addresses is None else floor_addresses
        self.optional = optional
        self.dropped = False

    @property
    def key(self) -> Key:
        return self.role, self.az, self.seq

    def describe(self) -> str:
        return f"{self.role} /{self.prefixlen} in {self.az}"

    def sort_key(self) -> tuple[int, int, int, int]:
        return self.prefixlen, ROLE_ORDER[self.role], self.az_index, self.seq

    def reset(self) -> None:
        self.prefixlen, self.dropped = self.desired, False


@dataclass
class Placement:
    """One placement's outcome: ``placed`` blocks by need key, the needs that found no room, the space left, and the
    degrade-ladder steps taken to get there (empty when the demand fit as asked)."""

    placed: dict[Key, IPv4Network]
    unplaced: list[Need]
    space: FreeSpace
    degraded: set[str] = field(default_factory=set)


def allocate_raw(holes: Sequence[IPv4Network] | Holes, needs: Sequence[Need]
                 ) -> tuple[dict[Key, int], list[Need], FreeSpace]:
    """Largest first, each into the smallest free block that holds it (lowest address on ties). Blocks are
    aligned powers of two, so this places everything whenever any placement could. Placed blocks as addresses."""
    space = holes.space() if isinstance(holes, Holes) else FreeSpace(holes)
    placed: dict[Key, int] = {}
    unplaced: list[Need] = []
    for n in sorted((n for n in needs if not n.dropped), key=Need.sort_key):
        got = space.take(n.prefixlen)
        if got is None:
            unplaced.append(n)
        else:
            placed[n.key] = got
    return placed, unplaced, space


def networks(placed: dict[Key, int], needs: Sequence[Need]) -> dict[Key, IPv4Network]:
    """The placed addresses as networks of each need's current size."""
    size = {n.key: n.prefixlen for n in needs}
    return {k: IPv4Network((a, size[k])) for k, a in placed.items()}


def allocate(holes: Sequence[IPv4Network] | Holes, needs: Sequence[Need]) -> Placement:
    """One placement at the needs' current sizes (no degrading)."""
    placed, unplaced, space = allocate_raw(holes, needs)
    return Placement(networks(placed, needs), unplaced, space)


def degrade_steps(needs: Sequence[Need]) -> Iterable[str]:
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
    sized = [n for n in needs if n.role in ADDRESS_ROLES and not n.optional]
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


def fit(holes: Holes, needs: Sequence[Need]) -> Placement:
    """Place ``needs`` in ``holes``, shrinking the demand (see :func:`degrade_steps`) only as far as it must."""
    for n in needs:
        n.reset()
    placed, unplaced, space = allocate_raw(holes, needs)
    degraded: set[str] = set()
    if unplaced:
        for step in degrade_steps(needs):
            degraded.add(step)
            placed, unplaced, space = allocate_raw(holes, needs)
            if not unplaced:
                return Placement(networks(placed, needs), unplaced, space, degraded)
        # even the least demand does not fit: show the plan at its intended sizes, with the shortfall
        for n in needs:
            n.reset()
        placed, unplaced, space = allocate_raw(holes, needs)
        degraded = set()
    return Placement(networks(placed, needs), unplaced, space, degraded)

