"""`eksadvisor snippets FILE [--only NAME] [--list]`."""

from __future__ import annotations

import pytest

from eksadvisor.artefacts import build_snippets
from eksadvisor.cli import main
from tests.artefacts.snippets_support import advised
from tests.conftest import SHARED

EXAMPLE = SHARED / "examples" / "small-dev.yaml"


@pytest.fixture(scope="module")
def expected(shared_dir):
    return build_snippets(*advised("small-dev"))


def test_prints_every_artefact_with_a_header(capsys, expected):
    assert main(["snippets", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out == "\n".join(f"# ==> {name} <==\n{text}" for name, text in expected.items())
    headers = [line[6:-4] for line in out.splitlines() if line.startswith("# ==> ") and line.endswith(" <==")]
    assert headers == list(expected)


def test_only_prints_one_artefact_exactly(capsys, expected):
    assert main(["snippets", str(EXAMPLE), "--only", "vpc-cni-addon.json"]) == 0
    assert capsys.readouterr().out == expected["vpc-cni-addon.json"]


def test_list_prints_the_names(capsys, expected):
    assert main(["snippets", str(EXAMPLE), "--list"]) == 0
    assert capsys.readouterr().out.splitlines() == list(expected)


def test_unknown_name_is_bad_input_naming_the_valid_ones(capsys, expected):
    assert main(["snippets", str(EXAMPLE), "--only", "eniconfig.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: --only: 'eniconfig.yaml' is not an artefact")
    for name in expected:
        assert name in err


def test_bad_answers_file_is_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncluster_name: 'x\"; $(id)'\n")
    assert main(["snippets", str(bad)]) == 2
    assert "cluster_name" in capsys.readouterr().err


def test_only_and_list_are_exclusive(capsys):
    assert main(["snippets", str(EXAMPLE), "--list", "--only", "runbook.md"]) == 2
