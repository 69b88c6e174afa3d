"""`eksadvisor max-pods`: the calculator's flags, one integer, clean errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from eksadvisor.cli import main

CLI = [sys.executable, "-m", "eksadvisor"]


@pytest.mark.parametrize(
    "flags, expected",
    [
        ([], 29),
        (["--cni-prefix-delegation-enabled"], 110),
        (["--cni-custom-networking-enabled"], 20),
        (["--cni-custom-networking-enabled", "--cni-prefix-delegation-enabled"], 110),
        (["--cni-custom-networking-enabled", "--cni-prefix-delegation-enabled", "--show-max-allowed"], 290),
        (["--cni-prefix-delegation-enabled", "--show-max-allowed"], 434),
        (["--cni-max-eni", "2"], 20),
        (["--cni-max-eni", "2", "--cni-prefix-delegation-enabled", "--show-max-allowed"], 290),
        (["--cni-max-eni", "1", "--cni-custom-networking-enabled"], 2),
    ],
)
def test_flag_combinations_m5_large(capsys, flags, expected):
    assert main(["max-pods", "--instance-type", "m5.large", "--cni-version", "1.9.0", *flags]) == 0
    assert capsys.readouterr().out == f"{expected}\n"


def test_old_cni_ignores_prefix_flag(capsys):
    assert main(["max-pods", "--instance-type", "m5.large", "--cni-version", "1.8.0", "--cni-prefix-delegation-enabled"]) == 0
    assert capsys.readouterr().out == "29\n"


def test_explain_shows_arithmetic_and_cap(capsys):
    main(["max-pods", "--instance-type", "m5.large", "--cni-version", "1.19.2", "--cni-prefix-delegation-enabled", "--explain"])
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "110"
    assert "3 x (10 - 1) x 16 + 2 = 434" in out
    assert "Capped at 110" in out


def test_all_csv_covers_every_type(capsys, catalog):
    assert main(["max-pods", "--all", "--cni-version", "1.19.2", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(catalog)
    by = {r["instance_type"]: r for r in rows}
    assert by["m5.large"]["max_pods"] == "29" and by["c5.18xlarge"]["max_pods"] == "250"
    assert by["c5.18xlarge"]["raw_max_pods"] == "737"


def test_all_csv_header(capsys):
    main(["max-pods", "--all", "--cni-version", "1.19.2", "--format", "csv", "--cni-prefix-delegation-enabled"])
    out = capsys.readouterr().out
    assert out.startswith("instance_type,max_pods,")
    assert "\nm5.large,110,434,true,prefix," in out


def test_all_json(capsys):
    main(["max-pods", "--all", "--cni-version", "1.19.2", "--format", "json", "--cni-custom-networking-enabled"])
    data = json.loads(capsys.readouterr().out)
    m5 = next(d for d in data if d["instance_type"] == "m5.large")
    assert m5["max_pods"] == 20 and m5["formula"] == "2 x (10 - 1) + 2 = 20"


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--instance-type", "m5.larg", "--cni-version", "1.9.0"], "did you mean 'm5.large'"),
        (["--instance-type", "m5.large", "--cni-version", "nine"], "cni_version: 'nine' is not a VPC CNI version"),
        (["--instance-type", "m5.large"], "the following arguments are required: --cni-version"),
        (["--instance-type", "m5.large", "--cni-version", "1.9.0", "--cni-max-eni", "0"], "must be at least 1"),
        (["--instance-type", "m5.large", "--cni-version", "1.9.0", "--cni-max-eni", "two"], "is not a whole number"),
        (["--cni-version", "1.9.0"], "--instance-type: required"),
        (["--all", "--instance-type", "m5.large", "--cni-version", "1.9.0"], "not allowed with --all"),
        (["--instance-type", "m5.large", "--cni-version", "1.9.0", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_errors_one_line_exit_2(capsys, argv, fragment):
    assert main(["max-pods", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert fragment in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


def test_unknown_command_suggests(capsys):
    assert main(["max-pod"]) == 2
    assert "did you mean 'max-pods'" in capsys.readouterr().err


def test_real_process_exit_codes():
    ok = subprocess.run([*CLI, "max-pods", "--instance-type", "t3.medium", "--cni-version", "1.19.2"], capture_output=True, text=True)
    assert (ok.returncode, ok.stdout) == (0, "17\n")
    bad = subprocess.run([*CLI, "max-pods", "--instance-type", "t3.mediun", "--cni-version", "1.19.2"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == "" and "did you mean 't3.medium'" in bad.stderr


def test_explain_labels_bare_metal_from_the_catalog_not_from_a_missing_hypervisor(capsys):
    # cr1.8xlarge reports no hypervisor but is not a .metal type; c7g.metal is Nitro and bare metal.
    from eksadvisor.cli import main

    for itype, label in [("cr1.8xlarge", "(unknown, 32 vCPUs"), ("c7g.metal", "(nitro, bare metal, 64 vCPUs)"),
                         ("m5.metal", "(unknown, bare metal, 96 vCPUs)")]:
        assert main(["max-pods", "--instance-type", itype, "--cni-version", "1.19.2", "--explain"]) == 0
        assert label in capsys.readouterr().out.splitlines()[1], itype
