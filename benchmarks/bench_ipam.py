"""Benchmark: the ipamd model is closed form, so a 10,000-node cluster over 5 node groups costs < 50 ms.

Run: .venv/bin/python -m pytest benchmarks/bench_ipam.py --benchmark-only
"""

from __future__ import annotations

from eksadvisor.catalog import load_catalog
from eksadvisor.model.ipam import NodeGroupLoad, WarmSettings, cluster_usage, node_usage

AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
BUDGET_SECONDS = 0.050


def _groups() -> list[NodeGroupLoad]:
    shapes = [
        ("general", "m5.large", 20, dict()),
        ("dense", "m5.4xlarge", 110, dict(prefix_delegation=True)),
        ("batch", "c5.18xlarge", 200, dict(warm=WarmSettings(warm_eni_target=0, warm_ip_target=5, minimum_ip_target=10))),
        ("pods-cgnat", "m5.xlarge", 50, dict(prefix_delegation=True, custom_networking=True, warm=WarmSettings(warm_prefix_target=2))),
        ("secure", "m5.xlarge", 30, dict(sgp=True)),
    ]
    return [
        NodeGroupLoad(name=name, instance_type=t, desired_nodes=2000, max_nodes=2500, pods_per_node=pods, **kw)
        for name, t, pods, kw in shapes
    ]


def test_cluster_10000_nodes_5_groups(benchmark):
    groups = _groups()
    load_catalog()  # the catalog is loaded once per process; measure the model, not the CSV parse
    result = benchmark(cluster_usage, groups, AZS)
    assert result.totals_desired.nodes == 10_000
    assert result.totals_max.nodes == 12_500
    assert benchmark.stats.stats.median < BUDGET_SECONDS


def test_node_usage_single(benchmark):
    load_catalog()
    u = benchmark(node_usage, "m5.large", 20, prefix_delegation=True, warm=WarmSettings(warm_prefix_target=2))
    assert u.prefixes == 4
