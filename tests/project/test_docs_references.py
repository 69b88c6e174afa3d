"""The docs name code by import path (``eksadvisor.model.maxpods.compute``), files by repository path and each other by
relative link: every such name must resolve, so the pages cannot drift from the code as it is refactored."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.conftest import ROOT

PAGES = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])
DOTTED = re.compile(r"\beksadvisor(?:\.[A-Za-z_]\w*)+")
# a repository path in backticks: `eksadvisor/cli/__init__.py`, `data/rules.yaml`, `tests/fixtures/shared/schemas/`
REPO_PATH = re.compile(r"`((?:eksadvisor|data|tests|scripts|benchmarks|notebooks|docs)/[\w./-]*)`")
# verbatim copies of ../shared documents: their paths name files of the repositories they cite (aws/amazon-vpc-cni-k8s)
CITING_OTHER_REPOSITORIES = {"docs/ipamd-model.md", "docs/aws-networking-facts.md", "docs/testing-notes.md"}
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def _names(pattern: re.Pattern[str], group: int = 0) -> list[tuple[str, str]]:
    found = {(page.relative_to(ROOT).as_posix(), m.group(group)) for page in PAGES
             for m in pattern.finditer(page.read_text(encoding="utf-8"))}
    return sorted(found)


def resolve(dotted: str) -> object:
    """The object a dotted name denotes: attributes first (the package's lazy public names), else a submodule."""
    parts = dotted.split(".")
    obj: object = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=2):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if not hasattr(obj, "__path__"):  # a module, not a package: no submodule to import
                raise
            obj = importlib.import_module(".".join(parts[:i]))
    return obj


def test_the_pages_name_code():
    pages = {page for page, _ in _names(DOTTED)}
    assert {"README.md", "docs/architecture.md"} <= pages


@pytest.mark.parametrize("page,dotted", _names(DOTTED))
def test_dotted_name_resolves(page, dotted):
    try:
        resolve(dotted)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"{page}: `{dotted}` does not resolve ({exc})")


@pytest.mark.parametrize("page,path", [(p, t) for p, t in _names(REPO_PATH, 1) if p not in CITING_OTHER_REPOSITORIES])
def test_repository_path_exists(page, path):
    assert (ROOT / path).exists(), f"{page}: `{path}` does not exist"


@pytest.mark.parametrize("page,target", [(p, t) for p, t in _names(LINK, 1) if "://" not in t and not t.startswith("mailto:")])
def test_relative_link_resolves(page, target):
    assert ((ROOT / page).parent / target).exists(), f"{page}: link {target} leads nowhere"


def test_resolve_tells_a_missing_name():
    assert resolve("eksadvisor.model.maxpods.compute") is importlib.import_module("eksadvisor.model.maxpods").compute
    assert resolve("eksadvisor.charts").__name__ == "eksadvisor.output.charts"  # a lazy public submodule
    with pytest.raises(AttributeError):
        resolve("eksadvisor.model.maxpods.no_such_function")
    with pytest.raises(ImportError):
        resolve("eksadvisor.no_such_module")
