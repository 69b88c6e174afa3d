"""Golden files: the generated configuration for each shared example (through the real advisor) and for
the hand-built IPv6/Multus fixture. Regenerate with ``EKSADVISOR_UPDATE_GOLDEN=1``."""

from __future__ import annotations

import pytest

from eksadvisor.artefacts import build_snippets
from tests.artefacts.snippets_support import (
    EXAMPLES,
    advised,
    auto_mode_case,
    fargate_case,
    ipv6_case,
    multus_case,
    multus_planned_case,
    windows_case,
)
from tests.golden import golden_files

ORDER_FILE = "_order.txt"


def _check_golden(case: str, out: dict[str, str]) -> None:
    expected_files = {**out, ORDER_FILE: "".join(f"{name}\n" for name in out)}
    golden = golden_files(f"snippets/{case}", expected_files)
    assert sorted(golden) == sorted(expected_files), case
    for name, text in expected_files.items():
        assert golden[name] == text, f"{case}/{name} differs from its golden file"


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_snippets_match_golden(example, shared_dir):
    rec, answers = advised(example)
    out = build_snippets(rec, answers)
    assert rec.snippets == out  # advise() stores exactly these artefacts
    _check_golden(example, out)


def test_ipv6_multus_fixture_matches_golden(shared_dir):
    _check_golden("fixture-ipv6-multus", build_snippets(*ipv6_case()))


def test_windows_case_matches_golden(shared_dir):
    rec, answers = windows_case()
    assert rec.snippets == build_snippets(rec, answers)
    _check_golden("advised-windows", rec.snippets)


def test_auto_mode_case_matches_golden(shared_dir):
    rec, answers = auto_mode_case()
    assert rec.snippets == build_snippets(rec, answers)
    _check_golden("advised-automode", rec.snippets)


def test_multus_case_matches_golden(shared_dir):
    rec, answers = multus_case()
    assert rec.snippets == build_snippets(rec, answers)
    _check_golden("advised-multus", rec.snippets)


def test_multus_planned_subnets_case_matches_golden(shared_dir):
    """The planner's role-"multus" subnets (see PLANNED_MULTUS)."""
    _check_golden("multus-ipvlan-planned", multus_planned_case()[0].snippets)


def test_fargate_case_matches_golden(shared_dir):
    rec, answers = fargate_case()
    assert rec.snippets == build_snippets(rec, answers)
    _check_golden("advised-fargate", rec.snippets)


def test_bytes_do_not_depend_on_hash_seed(shared_dir):
    """Same answers, same bytes across processes (no set or hash order leaks into the output)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import hashlib, json; from tests.artefacts.snippets_support import ipv6_case; "
            "from eksadvisor.artefacts import build_snippets; "
            "print(hashlib.sha256(json.dumps(list(build_snippets(*ipv6_case()).items())).encode()).hexdigest())")
    digests = {
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1
