"""advise_many() and `eksadvisor advise --batch DIR`: one row per answers file, a bad file is a row with its error."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest

import eksadvisor
from eksadvisor.decide.advisor import advise
from eksadvisor.decide.batch import COLUMNS, advise_many_rows
from eksadvisor.errors import InputError
from tests.conftest import EXAMPLES

DESIGN_FIELDS = {"cluster", "region", "mode", "custom_networking", "secondary_cidrs", "max_pods", "fits",
                 "critical_warnings", "digest"}


@pytest.fixture()
def fleet(tmp_path):
    for p in EXAMPLES:
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "broken.yaml").write_text("node_groups: [1\n")
    (tmp_path / "invalid.json").write_text(json.dumps({"node_groups": [{"name": "g", "instance_types": ["m5.large"],
                                                                      "desired_nodes": 5, "max_nodes": 2}]}))
    (tmp_path / "notes.txt").write_text("not an answers file")
    return tmp_path


def test_advise_many_dataframe_with_broken_files(fleet):
    df = eksadvisor.advise_many(fleet)
    assert list(df.columns) == list(COLUMNS) and set(df.columns) >= DESIGN_FIELDS
    names = [p.rsplit("/", 1)[-1] for p in df.file]
    assert names == sorted([p.name for p in EXAMPLES] + ["broken.yaml", "invalid.json"])  # notes.txt skipped
    errors = dict(zip(names, df.error, strict=False))
    assert errors["broken.yaml"].startswith("FILE: not valid YAML at line 2")
    assert "max_nodes" in errors["invalid.json"] and "desired_nodes" in errors["invalid.json"]
    for p in EXAMPLES:  # every good file is advised, with advise()'s own figures
        row = df[df.file == str(fleet / p.name)].iloc[0]
        rec = advise(p)
        assert row.error == "" and row.cluster == rec.cluster_name and row.digest == rec.provenance.answers_digest
        assert (row.ip_family, row["mode"], bool(row.custom_networking)) == (rec.ip_family, rec.address_mode,
                                                                          rec.custom_networking)
        assert row.max_pods == min(g.max_pods for g in rec.node_groups)
        assert row.secondary_cidrs == ", ".join(rec.secondary_cidrs)
        assert row.critical_warnings == sum(w.severity == "critical" for w in rec.warnings)
        assert bool(row.fits) == ("subnet-too-small" not in {w.id for w in rec.warnings})


def test_process_pool_gives_the_same_rows(fleet):
    assert advise_many_rows(fleet, workers=2) == advise_many_rows(fleet)


def test_progress_and_list_input(fleet):
    calls = []
    rows = advise_many_rows([fleet / "small-dev.yaml", fleet / "broken.yaml"], progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)] and [bool(r["error"]) for r in rows] == [False, True]


def test_missing_folder_and_bad_workers_are_input_errors(tmp_path):
    with pytest.raises(InputError, match=r"paths_or_dir: .* does not exist"):
        advise_many_rows(tmp_path / "nope")
    with pytest.raises(InputError, match="workers: 0 is not a whole number of at least 1"):
        advise_many_rows(tmp_path, workers=0)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "eksadvisor", *args], capture_output=True, text=True)


def test_cli_batch_csv_and_json(fleet):
    out = _cli("advise", "--batch", str(fleet), "--format", "csv")
    assert out.returncode == 2  # a file had bad input; every row is still written
    assert out.stderr == ""  # no progress bar when stderr is not a terminal
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == list(COLUMNS) and len(rows) == len(EXAMPLES) + 2
    by_name = {r["file"].rsplit("/", 1)[-1]: r for r in rows}
    assert by_name["dense-platform.yaml"]["mode"] == "prefix" and by_name["dense-platform.yaml"]["max_pods"] == "110"
    assert by_name["dense-platform.yaml"]["fits"] == "true"
    js = json.loads(_cli("advise", "--batch", str(fleet), "--format", "json").stdout)
    assert [r["file"] for r in js] == [r["file"] for r in rows]
    assert js[[r["file"] for r in js].index(str(fleet / "dense-platform.yaml"))]["max_pods"] == 110


def test_cli_batch_all_good_exits_0(tmp_path):
    shutil.copy(EXAMPLES[0], tmp_path / EXAMPLES[0].name)
    out = _cli("advise", "--batch", str(tmp_path), "--format", "json", "--workers", "2")
    assert out.returncode == 0 and json.loads(out.stdout)[0]["error"] == ""


@pytest.mark.parametrize("args, message", [
    (["--batch", "DIR", "--format", "yaml"], "--format: yaml is not a batch format"),
    (["--batch", "/nonexistent-dir", "--format", "csv"], "--batch: '/nonexistent-dir' is not a folder."),
    (["--format", "csv", "x.yaml"], "--format: csv is for --batch DIR"),
    ([], "FILE: give an answers file"),
])
def test_cli_batch_bad_usage_is_one_line(args, message, tmp_path):
    args = [str(tmp_path) if a == "DIR" else a for a in args]
    out = _cli("advise", *args)
    assert out.returncode == 2 and out.stdout == ""
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1
