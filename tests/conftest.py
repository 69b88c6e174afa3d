"""Shared test set-up: every test sees the shipped catalog, never a user's imported one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge correctness, not speed: no per-example deadline (a busy CI machine is not a bug).
settings.register_profile("eksadvisor", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("eksadvisor")

ROOT = Path(__file__).resolve().parents[1]
# A copy of the reference material the tests need (examples, published schemas, the instance table),
# so a clean checkout tests the same on any machine (the domain documents are under docs/);
# test_shared_mirror.py fails when a copy drifts from ../shared where that folder exists.
SHARED = ROOT / "tests" / "fixtures" / "shared"
UPSTREAM_SHARED = ROOT.parent / "shared"
EXAMPLES = sorted((SHARED / "examples").glob("*.yaml"))

# Isolate from the developer's ~/.local/share/eksadvisor and $EKSADVISOR_CATALOG (session-wide, so
# Hypothesis tests do not need a function-scoped fixture).
os.environ.pop("EKSADVISOR_CATALOG", None)
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="eksadvisor-test-xdg-")


@pytest.fixture(scope="session")
def catalog():
    from eksadvisor.catalog import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED
