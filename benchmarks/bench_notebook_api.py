"""Benchmarks of the notebook/batch API (issue 16): compare() per example (< 100 ms in-process) and advise_many()
over 500 generated answers files (< 10 s), serial and in a 2-process pool.

Run: make bench (or .venv/bin/python -m pytest benchmarks/bench_notebook_api.py --benchmark-only -o python_files='bench_*.py')

compare() re-plans every option (five walks, max-pods, ipamd usage, subnet plans and rules) with the catalog
loaded once and shared. Budgets are checked on the fastest round (the shared machine inflates medians).
The pool-vs-serial figures are stored in the benchmark's extra_info and printed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from eksadvisor.catalog import load_catalog
from eksadvisor.decide.batch import advise_many_rows
from eksadvisor.decide.whatif import compare_rows

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "tests" / "fixtures" / "shared" / "examples").glob("*.yaml"))
COMPARE_BUDGET = 0.100
FLEET_SIZE = 500
FLEET_BUDGET = 10.0


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_compare_example(benchmark, path):
    catalog = load_catalog()
    compare_rows(path, catalog=catalog)  # first call pays for lazy imports; measure the steady state
    rows = benchmark(compare_rows, path, catalog=catalog)
    assert sum(r["recommended"] for r in rows) == 1
    assert benchmark.stats.stats.min < COMPARE_BUDGET


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Path:
    """500 answers files: the three examples with varied names, pods per node and node counts, 1 in 50 broken."""
    folder = tmp_path_factory.mktemp("fleet")
    bases = [yaml.safe_load(p.read_text()) for p in EXAMPLES]
    for i in range(FLEET_SIZE):
        if i % 50 == 49:
            (folder / f"cluster-{i:03d}.yaml").write_text("node_groups: [1\n")
            continue
        data = yaml.safe_load(yaml.safe_dump(bases[i % len(bases)]))
        data["cluster_name"] = f"cluster-{i:03d}"
        for g in data.get("node_groups", []):
            g["pods_per_node"] = 10 + (i * 7) % 100
            g["max_nodes"] = g["desired_nodes"] + 1 + i % 40
        (folder / f"cluster-{i:03d}.yaml").write_text(yaml.safe_dump(data))
    return folder


def test_advise_many_500_serial(benchmark, fleet):
    rows = benchmark.pedantic(advise_many_rows, args=(fleet,), rounds=1, iterations=1)
    assert len(rows) == FLEET_SIZE and sum(bool(r["error"]) for r in rows) == FLEET_SIZE // 50
    assert benchmark.stats.stats.min < FLEET_BUDGET


def test_advise_many_500_pool_vs_serial(benchmark, fleet):
    """A 2-process pool against the serial run on this 2-core machine (the pool's start-up included)."""
    t0 = time.perf_counter()
    serial = advise_many_rows(fleet)
    serial_s = time.perf_counter() - t0
    pooled = benchmark.pedantic(advise_many_rows, args=(fleet,), kwargs={"workers": 2}, rounds=1, iterations=1)
    pool_s = benchmark.stats.stats.min
    assert pooled == serial
    benchmark.extra_info.update(serial_s=round(serial_s, 2), pool2_s=round(pool_s, 2),
                                speedup=round(serial_s / pool_s, 2), cpus=os.cpu_count())
    print(f"\nadvise_many x{FLEET_SIZE}: serial {serial_s:.2f} s, 2-process pool {pool_s:.2f} s "
          f"(x{serial_s / pool_s:.2f}), {os.cpu_count()} CPUs")
    assert pool_s < FLEET_BUDGET
