"""tests/fixtures/shared mirrors the reference material in ../shared that the tests use, byte for byte."""

from __future__ import annotations

import pytest

from .conftest import SHARED, UPSTREAM_SHARED

MIRRORED = ("examples", "schemas", "data", "domain", "seeds")


@pytest.mark.skipif(not UPSTREAM_SHARED.is_dir(), reason="../shared is not beside this checkout; nothing to compare")
@pytest.mark.parametrize("folder", MIRRORED)
def test_mirror_matches_upstream(folder):
    upstream = {p.relative_to(UPSTREAM_SHARED): p.read_bytes() for p in (UPSTREAM_SHARED / folder).rglob("*") if p.is_file()}
    mirror = {p.relative_to(SHARED): p.read_bytes() for p in (SHARED / folder).rglob("*") if p.is_file()}
    assert mirror.keys() == upstream.keys()
    for rel, data in upstream.items():
        assert mirror[rel] == data, f"tests/fixtures/shared/{rel} differs from ../shared/{rel}"
