"""The shape a newcomer relies on: short functions, one home per layer, nothing private borrowed across modules.

Layering and cycles are checked by import-linter (`make check`, contracts in pyproject.toml); this file checks what
import-linter cannot see."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "eksadvisor"
PACKAGES = (PACKAGE, ROOT / "eksadvisor_app")  # the engine, and the Streamlit app shipped beside it
MAX_FUNCTION_LINES = 100  # issue 17: "no function in eksadvisor/ longer than about 100 lines"
SOURCES = sorted(path for package in PACKAGES for path in package.rglob("*.py"))


def _functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_function_is_longer_than_a_screenful_or_two(path):
    long = [f"{f.name} ({f.end_lineno - f.lineno + 1} lines, l.{f.lineno})" for f in _functions(path)
            if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"split into named steps: {', '.join(long)}"


def _sibling_module(importer: Path, package: str, name: str) -> bool:
    folder = ROOT.joinpath(*package.split("."))
    return (folder / f"{name}.py").is_file() and importer.parent == folder


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_private_name_is_imported_from_another_module(path):
    # A leading underscore means "this module's business": borrowing one hides a dependency the reader cannot see.
    # A private *module* may be imported by its siblings (import-linter's private-module rule).
    tree = ast.parse(path.read_text(encoding="utf-8"))
    borrowed = [f"{node.module}.{alias.name}" for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("eksadvisor")
                for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")
                and not _sibling_module(path, node.module or "", alias.name)]
    assert not borrowed, f"make these public in their module, or move them: {', '.join(borrowed)}"


def test_every_package_says_what_it_holds():
    for init in sorted(path for package in PACKAGES for path in package.rglob("__init__.py")):
        if init.parent.name == "data":
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.relative_to(ROOT)} needs a docstring saying what the package holds"
