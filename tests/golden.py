"""The one golden-file helper of the suite: tests/golden/ holds the expected bytes of reports, generated
configuration and plans. ``EKSADVISOR_UPDATE_GOLDEN=1`` rewrites them from the current output (review the diff);
otherwise a missing golden file fails the test rather than passing it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def update_golden() -> bool:
    return os.environ.get("EKSADVISOR_UPDATE_GOLDEN") == "1"


def golden_text(name: str, text: str) -> str:
    """The text of tests/golden/<name> (exact bytes, UTF-8), after writing ``text`` there when updating."""
    path = GOLDEN / name
    if update_golden():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.is_file(), f"tests/golden/{name} is missing; run with EKSADVISOR_UPDATE_GOLDEN=1"
    return path.read_bytes().decode("utf-8")


def golden_files(name: str, files: Mapping[str, str]) -> dict[str, str]:
    """The files of the folder tests/golden/<name> by file name, after making it hold exactly ``files`` when
    updating (stale files removed)."""
    folder = GOLDEN / name
    if update_golden():
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():
            if stale.name not in files:
                stale.unlink()
        for file_name, text in files.items():
            (folder / file_name).write_bytes(text.encode("utf-8"))
    assert folder.is_dir(), f"no golden files in tests/golden/{name}; run with EKSADVISOR_UPDATE_GOLDEN=1"
    return {p.name: p.read_bytes().decode("utf-8") for p in folder.iterdir()}
