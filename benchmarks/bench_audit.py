"""Benchmark: auditing a 1,000-node cluster's bundle (about 4,000 ENIs, 60,000 addresses, 30 subnets) in-process
in under 1 s (reading the JSON files included), and the exact free /28 count of a /16 with 60,000 used addresses
in under 100 ms.

Run: .venv/bin/python -m pytest benchmarks/bench_audit.py --benchmark-only
"""

from __future__ import annotations

import random
from ipaddress import IPv4Network

import pytest

from eksadvisor.audit.bundle import read_bundle
from eksadvisor.audit.engine import analyse_subnet, audit_bundle
from eksadvisor.catalog import load_catalog
from tests.audit_bundles import ClusterSpec, GroupSpec, SubnetSpec, build, write

AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
BUNDLE_BUDGET_SECONDS = 1.0
FRAG_BUDGET_SECONDS = 0.100


def big_spec() -> ClusterSpec:
    """3 AZs x (cluster /28 + public /24 + 8 private /20) = 30 subnets; 8 groups of ~125 m5.xlarge nodes, each node
    holding 4 ENIs of 15 addresses (60), with 40 pods."""
    subnets, node_subnets = [], {az: [] for az in AZS}
    for i, az in enumerate(AZS):
        subnets.append(SubnetSpec(f"subnet-0c{i:015x}", f"10.0.0.{16 * i}/28", az, cluster=True))
        subnets.append(SubnetSpec(f"subnet-0b{i:015x}", f"10.0.{1 + i}.0/24", az, public=True))
    n = 0
    for az in AZS:
        for _ in range(8):
            block = 16 + 16 * n  # /20s: 10.0.16.0 ... 10.0.240.0, then 10.1.x
            cidr = f"10.0.{block}.0/20" if block < 256 else f"10.1.{block - 256}.0/20"
            sid = f"subnet-0a{n:015x}"
            subnets.append(SubnetSpec(sid, cidr, az))
            node_subnets[az].append(sid)
            n += 1
    groups = [GroupSpec(f"group-{j}", "m5.xlarge", {az: 42 if az != "us-east-1c" else 41 for az in AZS}, pods_per_node=40,
                        secondary_per_node=56, subnets={az: node_subnets[az][j] for az in AZS}) for j in range(8)]
    return ClusterSpec(subnets=subnets, groups=groups, secondary_cidrs=["10.1.0.0/16"])


@pytest.fixture(scope="module")
def big_bundle(tmp_path_factory):
    docs, resv = build(big_spec())
    enis = docs["network-interfaces.json"]["NetworkInterfaces"]
    addresses = sum(len(e["PrivateIpAddresses"]) for e in enis)
    assert len(docs["nodes.json"]["items"]) == 1000 and len(docs["subnets.json"]["Subnets"]) == 30
    assert 3900 <= len(enis) <= 4100 and 59_000 <= addresses <= 61_000, (len(enis), addresses)
    return write(tmp_path_factory.mktemp("big"), docs, resv)


def test_audit_1000_node_bundle(benchmark, big_bundle):
    """The audit itself (every subnet's exact /28s, the ipamd model, findings, answers, advise(), changes) on the
    bundle's parsed documents."""
    load_catalog()
    bundle = read_bundle(big_bundle)
    result = benchmark(audit_bundle, bundle)
    assert sum(g.nodes for g in result.node_groups) == 1000
    assert result.recommendation is not None
    assert benchmark.stats.stats.median < BUNDLE_BUDGET_SECONDS


def test_read_and_audit_1000_node_bundle(benchmark, big_bundle):
    """The same with the JSON files read and checked (json.loads of ~20 MB dominates); reported, no budget."""
    load_catalog()
    result = benchmark.pedantic(lambda: audit_bundle(read_bundle(big_bundle)), rounds=3, iterations=1)
    assert sum(g.nodes for g in result.node_groups) == 1000


def test_exact_free_28s_of_a_16_with_60000_used(benchmark):
    net = IPv4Network("10.0.0.0/16")
    base = int(net.network_address)
    used = random.Random(15).sample(range(base + 4, base + 65535), 60_000)
    free_ips, _free_pfx, _, _, _ = benchmark(analyse_subnet, net, used, [], [])
    assert free_ips == 65_531 - 60_000
    assert benchmark.stats.stats.median < FRAG_BUDGET_SECONDS
