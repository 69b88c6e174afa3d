"""max-pods speed, measured as whole processes (what a user or a bootstrap script pays).

Target (issue 2): `eksadvisor max-pods --all --format csv` over the whole catalog finishes faster than
AWS's max-pods-calculator.sh takes for ONE type with an instantly-answering `aws` (~0.1 s of its own
work: bash, four jq calls and a sort).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eksadvisor.model.maxpods import max_pods_all

SCRIPT = shutil.which("eksadvisor", path=str(Path(sys.executable).parent)) or "eksadvisor"
TARGET_SECONDS = 0.1


def _run(*args: str) -> None:
    subprocess.run([SCRIPT, *args], check=True, stdout=subprocess.DEVNULL)


def test_all_types_csv_whole_process(benchmark):
    benchmark.pedantic(_run, args=("max-pods", "--all", "--cni-version", "1.19.2", "--format", "csv"), rounds=20, warmup_rounds=2)
    assert benchmark.stats["median"] < TARGET_SECONDS


def test_one_type_whole_process(benchmark):
    benchmark.pedantic(_run, args=("max-pods", "--instance-type", "m5.large", "--cni-version", "1.19.2"), rounds=20, warmup_rounds=2)
    assert benchmark.stats["median"] < TARGET_SECONDS


@pytest.mark.parametrize("prefix", [False, True])
def test_all_types_in_process(benchmark, prefix):
    results = benchmark(max_pods_all, "1.19.2", prefix_delegation=prefix)
    assert len(results) > 1000
