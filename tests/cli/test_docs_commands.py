"""Every CLI command is documented in the README, and every documented command exists."""

from __future__ import annotations

import re

from eksadvisor.cli import COMMANDS
from tests.conftest import ROOT


def _readme_commands() -> str:
    text = (ROOT / "README.md").read_text()
    start, end = text.index("<!-- commands:start -->"), text.index("<!-- commands:end -->")
    return text[start:end]


def test_every_command_is_documented():
    section = _readme_commands()
    for name, (_, help_) in COMMANDS.items():
        assert f"`eksadvisor {name}" in section, name
        assert help_ in section, f"README help for {name} differs from the CLI's"


def test_no_documented_command_is_missing():
    documented = set(re.findall(r"`eksadvisor ([a-z-]+)", _readme_commands()))
    assert documented == set(COMMANDS)
