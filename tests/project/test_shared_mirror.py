"""This repository carries the team's reference material from ../shared, so a clean clone tests and reads the same
anywhere: the tests' inputs under tests/fixtures/shared (byte for byte), the domain documents under docs/ (byte for
byte) and DESIGN.md as docs/design.md (its ``../shared/`` paths pointing to those copies). These tests fail when a
copy drifts from ../shared, where that folder exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED, UPSTREAM_SHARED

DOCS = ROOT / "docs"
MIRRORED_FOLDERS = ("examples", "schemas", "data", "seeds")
# upstream file -> its copy under docs/
MIRRORED_DOCS = {
    "domain/ipamd-model.md": "ipamd-model.md",
    "domain/aws-networking-facts.md": "aws-networking-facts.md",
    "TESTING-NOTES.md": "testing-notes.md",
}
DESIGN_NOTE = (
    "<!-- A copy of the team's ../shared/DESIGN.md; its ../shared/ paths point to the copies in this repository\n"
    "     (docs/, tests/fixtures/shared/). tests/project/test_shared_mirror.py keeps it in step. Where the code lives today:\n"
    "     docs/architecture.md. -->\n\n"
)
# ../shared paths as DESIGN.md writes them (from the project root) -> where this repository keeps the file
_LOCAL_PATHS = [
    (re.compile(r"\.\./shared/domain/"), "docs/"),
    (re.compile(r"\.\./shared/TESTING-NOTES\.md"), "docs/testing-notes.md"),
    (re.compile(r"\.\./shared/(?=(?:examples|schemas|data|seeds)/)"), "tests/fixtures/shared/"),
]

needs_upstream = pytest.mark.skipif(not UPSTREAM_SHARED.is_dir(),
                                    reason="../shared is not beside this checkout; nothing to compare")


def localised_design(upstream: str) -> str:
    """docs/design.md as it must read for the given ../shared/DESIGN.md."""
    for pattern, local in _LOCAL_PATHS:
        upstream = pattern.sub(local, upstream)
    return DESIGN_NOTE + upstream


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@needs_upstream
@pytest.mark.parametrize("folder", MIRRORED_FOLDERS)
def test_mirror_matches_upstream(folder):
    upstream, mirror = _files(UPSTREAM_SHARED / folder), _files(SHARED / folder)
    assert mirror.keys() == upstream.keys()
    for rel, data in upstream.items():
        assert mirror[rel] == data, f"tests/fixtures/shared/{folder}/{rel} differs from ../shared/{folder}/{rel}"


@needs_upstream
def test_every_domain_document_is_in_docs():
    domain = {f"domain/{rel}" for rel in _files(UPSTREAM_SHARED / "domain")}
    assert domain == {name for name in MIRRORED_DOCS if name.startswith("domain/")}


@needs_upstream
@pytest.mark.parametrize("upstream_name", MIRRORED_DOCS)
def test_docs_copy_matches_upstream(upstream_name):
    copy = DOCS / MIRRORED_DOCS[upstream_name]
    assert copy.read_bytes() == (UPSTREAM_SHARED / upstream_name).read_bytes(), f"{copy} differs from ../shared/{upstream_name}"


@needs_upstream
def test_design_copy_matches_upstream():
    expected = localised_design((UPSTREAM_SHARED / "DESIGN.md").read_text(encoding="utf-8"))
    assert (DOCS / "design.md").read_text(encoding="utf-8") == expected, (
        "docs/design.md differs from ../shared/DESIGN.md: rewrite it with tests.test_shared_mirror.localised_design"
    )


def test_design_copy_points_into_this_repository():
    """Every ``../shared/...`` path DESIGN.md names has a copy here; only the rule about the folder itself stays."""
    text = (DOCS / "design.md").read_text(encoding="utf-8")
    assert text.startswith(DESIGN_NOTE)
    body = text[len(DESIGN_NOTE):]
    assert re.findall(r"\.\./shared/\S*", body) == ["../shared/`:"]  # "Nothing at run time may read `../shared/`"
    for path in re.findall(r"`((?:docs|tests/fixtures/shared)/[^`\s]+)`", body):
        assert (ROOT / path).exists(), path
