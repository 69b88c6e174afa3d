"""Planner and prefix-readiness benchmarks (pytest-benchmark; run with --benchmark-only).

Targets (issue 4): a plan for a /16 holding 500 existing subnets under 100 ms; /28 availability for a
/16 with 40,000 used addresses under 100 ms.
"""

from __future__ import annotations

import random
from ipaddress import IPv4Address, IPv4Network

import pytest

from eksadvisor.addressing.planner import PlanRequest, plan_subnets
from eksadvisor.addressing.prefixready import prefix_readiness

VPC = IPv4Network("10.0.0.0/16")
AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
TARGET_S = 0.100


REGION_500 = IPv4Network("10.0.0.0/17")


def _existing_500(seed: int = 1, region: IPv4Network = REGION_500) -> list[dict]:
    """500 disjoint subnets of mixed sizes (/26 to /28) scattered over ``region`` (two per /25 slot)."""
    rng = random.Random(seed)
    out: list[dict] = []
    slots = list(region.subnets(new_prefix=25))
    rng.shuffle(slots)
    for slot in slots:
        parts = list(slot.subnets(new_prefix=rng.choice([26, 27, 28])))
        for net in sorted(rng.sample(parts, 2)):
            out.append({"cidr": str(net), "az": rng.choice([None, *AZS]), "role": "private", "used_ips": 0})
    out = out[:500]
    assert len(out) == 500, len(out)
    return out


def _request(existing: list[dict], node_need: int) -> PlanRequest:
    return PlanRequest(vpc_cidr=str(VPC), azs=AZS, cluster_name="bench", existing_subnets=existing,
                       onprem_cidrs=["192.168.0.0/16", "172.16.0.0/12"], node_addresses_per_az=node_need,
                       pod_addresses_per_az=8000, custom_networking=True)


def _median(benchmark) -> float:
    return benchmark.stats.stats.median


def test_plan_slash16_500_existing(benchmark):
    req = _request(_existing_500(), 4000)  # private /20 per AZ into the free upper half
    plan = benchmark(plan_subnets, req)
    assert plan.fits and len(plan.subnets) >= 12
    assert _median(benchmark) < TARGET_S


def test_plan_slash16_500_existing_shortfall(benchmark):
    # the whole /16 scattered with 500 subnets: no /19 hole left -> the shortfall search runs too
    req = _request(_existing_500(region=VPC), 8000)
    plan = benchmark(plan_subnets, req)
    assert not plan.fits and plan.shortfall.smallest_secondary_cidr is not None
    assert _median(benchmark) < TARGET_S


@pytest.fixture(scope="module")
def used_40k() -> list[str]:
    base = int(VPC.network_address)
    return [str(IPv4Address(base + 4 + o)) for o in random.Random(5).sample(range(65531), 40000)]


def test_prefix_check_slash16_40k_addresses(benchmark, used_40k):
    r = benchmark(prefix_readiness, VPC, used_40k, prefixes_needed=8)
    assert r.used_addresses == 40000
    assert _median(benchmark) < TARGET_S


def test_prefix_check_slash16_40k_count(benchmark):
    r = benchmark(prefix_readiness, VPC, used_count=40000, spread="random-seeded", seed=5, prefixes_needed=8)
    assert r.used_addresses == 40000
    assert _median(benchmark) < TARGET_S


def test_prefix_check_slash16_40k_packed_ranges(benchmark):
    used = [f"10.0.{i}.0/24" for i in range(156)] + ["10.0.156.0-10.0.156.63"]  # 40,000 in ranges
    r = benchmark(prefix_readiness, VPC, used, prefixes_needed=8)
    assert r.used_addresses == 156 * 256 + 64 - 4  # base..base+3 are AWS-reserved, not "used"
    assert _median(benchmark) < TARGET_S


def test_plan_slash16_500_existing_under_pressure(benchmark):
    """The pressure path (issue 12): 500 scattered subnets over the whole /16 with used addresses, node subnets that
    fit only after shrinking from max x growth towards max nodes, then in new /16 secondary CIDRs."""
    existing = _existing_500(region=VPC)
    for i, e in enumerate(existing):
        e["used_ips"] = i % 7
    req = _request(existing, 8000).model_copy(update={
        "node_addresses_per_az_floor": 3000, "add_secondary_cidrs": True, "custom_networking": False,
        "pod_addresses_per_az": 0, "routable_for_overlap": True, "onprem_cidrs": ["10.0.0.0/12"]})
    plan = benchmark(plan_subnets, req)
    assert plan.fits and plan.complete
    assert _median(benchmark) < TARGET_S


def test_plan_tiny_vpc_degrades(benchmark):
    """A /20 with six AZs: every degradation step (public, node, public to /27, optional blocks) is tried."""
    req = PlanRequest(vpc_cidr="10.0.0.0/20", azs=[f"us-east-1{c}" for c in "abcdef"], cluster_name="bench",
                      node_addresses_per_az=2000, node_addresses_per_az_floor=400)
    plan = benchmark(plan_subnets, req)
    assert plan.fits and plan.complete
    assert _median(benchmark) < TARGET_S
