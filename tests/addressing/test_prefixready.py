"""Prefix readiness: constructed fragmentation cases with known free /28 counts."""

from __future__ import annotations

from ipaddress import IPv4Address
from ipaddress import IPv4Network as N

import pytest

from eksadvisor.addressing.prefixready import fresh_subnet_prefixes, prefix_readiness
from eksadvisor.errors import InputError


def test_empty_subnet_all_interior_blocks_free():
    r = prefix_readiness("10.0.0.0/24")
    assert (r.total_blocks, r.candidate_blocks, r.free_blocks) == (16, 14, 14)
    assert r.usable_ips == 251 and r.used_addresses == 0 and r.free_addresses == 251
    assert r.fragmentation == 0.0 and r.fragmentation_level == "none"
    # largest aligned free block: blocks 1..14 -> .16/28, .32/27, .64/26, .128/26, .192/27, .224/28
    assert r.largest_free_block == "10.0.0.64/26"
    assert r.free_block_cidrs_sample[0] == "10.0.0.16/28"
    assert any("DERIVED" in n for n in r.notes)
    assert fresh_subnet_prefixes(N("10.0.0.0/24")) == 14


def test_one_address_per_block_kills_every_prefix():
    # one used address in each interior /28: 14 used, 0 free /28s, though packed they'd fit in the edge blocks
    used = [f"10.0.0.{16 * i + 5}" for i in range(1, 15)]
    r = prefix_readiness("10.0.0.0/24", used)
    assert r.used_addresses == 14
    assert r.free_blocks == 0
    assert r.ideal_free_blocks == 14  # 14 addresses fit in the 12 + 15 non-reserved slots of the edge blocks
    assert r.fragmentation == 1.0 and r.fragmentation_level == "high"
    assert r.stranded_addresses == 251 - 14
    assert [f.id for f in r.findings] == ["prefix-fragmented-subnet"]
    assert "InsufficientCidrBlocks" in r.findings[0].message


def test_ranges_and_cidrs_count_exactly():
    # .16-.47 (two blocks), .100 (block 6), .200-.208 (blocks 12 and 13)
    r = prefix_readiness("10.0.0.0/24", ["10.0.0.16/28", "10.0.0.32-10.0.0.47", "10.0.0.100",
                                         "10.0.0.200-10.0.0.208"])
    assert r.used_addresses == 16 + 16 + 1 + 9
    assert r.free_blocks == 14 - 5


def test_reserved_addresses_not_counted_as_used():
    r = prefix_readiness("10.0.0.0/24", ["10.0.0.0-10.0.0.4", "10.0.0.255"])
    assert r.used_addresses == 1  # only .4 is a real address; .0-.3 and .255 are AWS-reserved
    assert r.free_blocks == 14


def test_count_with_spread_assumptions():
    even = prefix_readiness("10.0.0.0/24", used_count=14, spread="even")
    packed = prefix_readiness("10.0.0.0/24", used_count=14, spread="packed")
    assert packed.free_blocks == 13  # .4-.17: first block plus one address of block 1
    assert even.free_blocks < packed.free_blocks
    assert "evenly" in even.assumption and "contiguous" in packed.assumption
    a = prefix_readiness("10.0.0.0/20", used_count=500, spread="random-seeded", seed=7)
    b = prefix_readiness("10.0.0.0/20", used_count=500, spread="random-seeded", seed=7)
    assert a == b and "random.Random(7)" in a.assumption


def _brute_free_blocks(subnet: str, used: set[int]) -> int:
    net = N(subnet)
    base = int(net.network_address)
    nb = net.num_addresses // 16
    return sum(1 for b in range(1, nb - 1) if not any(base + 16 * b + k in used for k in range(16)))


@pytest.mark.parametrize("count", [0, 1, 2047, 4094, 4095, 8000, 40000])
def test_even_spread_matches_brute_force(count):
    from eksadvisor.addressing.prefixready import spread_used

    addrs, _ = spread_used(N("10.0.0.0/16"), count, "even")
    assert len(set(addrs)) == count
    r = prefix_readiness("10.0.0.0/16", used_count=count, spread="even")
    assert r.free_blocks == _brute_free_blocks("10.0.0.0/16", set(addrs))
    assert r.used_addresses == count


def test_one_per_sixteen_touches_every_interior_block():
    used = [int(IPv4Address("10.0.0.0")) + 16 * b + 7 for b in range(1, 4095)]
    r = prefix_readiness("10.0.0.0/16", used)
    assert r.free_blocks == 0 and r.used_addresses == 4094
    r = prefix_readiness("10.0.0.0/16", used[::2])  # every other block
    assert r.free_blocks == 2047


def test_reservation_smallest_range():
    # used: .20 (block 1) and .100-.130 (blocks 6, 7, 8): free blocks 2-5 and 9-14.
    # Blocks 2-5 are not one aligned range: two /27s (64 addresses) beat the /25 a single range needs.
    r = prefix_readiness("10.0.0.0/24", ["10.0.0.20", "10.0.0.100-10.0.0.130"], prefixes_needed=4)
    assert r.enough is True
    assert [x.cidr for x in r.reservations] == ["10.0.0.32/27", "10.0.0.64/27"]
    assert sum(x.free_prefixes for x in r.reservations) == 4
    res = r.reservations[0]
    assert res.reservation_type == "prefix" and res.used_addresses_inside == 0
    assert res.command.startswith("aws ec2 create-subnet-cidr-reservation --subnet-id SUBNET_ID --cidr 10.0.0.32/27 ")
    assert "--reservation-type prefix" in res.command
    # three prefixes: two aligned /26s hold 3 free blocks each; .192/26 has no address in use, .128/26 has three
    r = prefix_readiness("10.0.0.0/24", ["10.0.0.20", "10.0.0.100-10.0.0.130"], prefixes_needed=3)
    assert [x.cidr for x in r.reservations] == ["10.0.0.192/26"]
    assert r.reservations[0].free_prefixes == 3


def test_reservation_not_possible():
    r = prefix_readiness("10.0.0.0/26", prefixes_needed=3)  # a /26 has 4 blocks, 2 interior
    assert r.enough is False and r.reservations == []
    assert r.findings[-1].severity == "critical"


def test_slash28_and_slash27_have_no_prefixes():
    assert prefix_readiness("10.0.0.0/28").candidate_blocks == 0
    assert prefix_readiness("10.0.0.0/27").free_blocks == 0


def test_bad_input():
    with pytest.raises(InputError, match=r"used: 10.0.1.5 is outside subnet 10.0.0.0/24"):
        prefix_readiness("10.0.0.0/24", ["10.0.1.5"])
    with pytest.raises(InputError, match=r"^subnet: 10.0.0.1/24 has host bits set"):
        prefix_readiness("10.0.0.1/24")
    with pytest.raises(InputError, match="not an IPv4 address"):
        prefix_readiness("10.0.0.0/24", ["banana"])
    with pytest.raises(InputError, match="ends before it starts"):
        prefix_readiness("10.0.0.0/24", ["10.0.0.9-10.0.0.5"])
    with pytest.raises(InputError, match="used_count"):
        prefix_readiness("10.0.0.0/24", used_count=252)
    with pytest.raises(InputError, match="not both"):
        prefix_readiness("10.0.0.0/24", ["10.0.0.5"], used_count=3)


def test_accepts_objects():
    r = prefix_readiness(N("10.0.0.0/24"), [IPv4Address("10.0.0.20"), int(IPv4Address("10.0.0.40")),
                                            (IPv4Address("10.0.0.64"), IPv4Address("10.0.0.65"))])
    assert r.used_addresses == 4 and r.free_blocks == 11
