"""`eksadvisor ip-usage` (DESIGN §2.3): per-node keys and totals for K nodes, JSON and table."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eksadvisor.cli import main
from tests.conftest import ROOT

KEYS = ("enis", "secondary_ips", "prefixes", "free_ips", "node_subnet_addresses", "pod_subnet_addresses", "subnet_addresses")


def run_json(capsys, *args):
    rc = main(["ip-usage", *args, "--format", "json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    return json.loads(out.out)


def test_json_g02_three_nodes(capsys):
    data = run_json(capsys, "--instance-type", "m5.large", "--pods", "1", "--nodes", "3")
    per = data["per_node"]
    assert {k: per[k] for k in KEYS} == {
        "enis": 2, "secondary_ips": 18, "prefixes": 0, "free_ips": 17,
        "node_subnet_addresses": 20, "pod_subnet_addresses": 0, "subnet_addresses": 20,
    }
    tot = data["totals"]
    assert tot["nodes"] == 3 and tot["subnet_addresses"] == 60 and tot["free_ips"] == 51 and tot["enis"] == 6


def test_json_windows_node(capsys):
    # c5.large on Windows: 9 pod addresses; 6 pods + the resource controller's warm 3 = 9 (+1 ENI primary)
    data = run_json(capsys, "--instance-type", "c5.large", "--pods", "6", "--nodes", "4", "--windows")
    per = data["per_node"]
    assert {k: per[k] for k in KEYS} == {
        "enis": 1, "secondary_ips": 9, "prefixes": 0, "free_ips": 3,
        "node_subnet_addresses": 10, "pod_subnet_addresses": 0, "subnet_addresses": 10,
    }
    assert per["os"] == "windows" and per["max_pods"] == 9 and data["totals"]["subnet_addresses"] == 40
    data = run_json(capsys, "--instance-type", "c5.large", "--pods", "2", "--windows", "--minimum-ip-target", "6")
    assert data["per_node"]["secondary_ips"] == 6  # warm key absent -> 0; the minimum holds 6


def test_json_g41_custom_prefix(capsys):
    per = run_json(capsys, "--instance-type", "m5.large", "--pods", "20", "--prefix-delegation", "--custom-networking")["per_node"]
    assert (per["enis"], per["prefixes"], per["node_subnet_addresses"], per["pod_subnet_addresses"], per["subnet_addresses"],
            per["free_ips"]) == (2, 3, 1, 49, 50, 28)
    assert per["max_pods"] == 110


def test_json_flags_and_settings(capsys):
    per = run_json(capsys, "--instance-type", "m5.large", "--pods", "3", "--warm-ip-target", "2",
                   "--minimum-ip-target", "12", "--warm-eni-target", "0", "--max-pods", "29")["per_node"]
    assert (per["secondary_ips"], per["enis"], per["subnet_addresses"]) == (12, 2, 14)  # G17
    assert per["settings"] == {"warm_eni_target": 0, "warm_ip_target": 2, "minimum_ip_target": 12, "warm_prefix_target": 1}
    osc = run_json(capsys, "--instance-type", "m5.large", "--pods", "16", "--prefix-delegation", "--warm-prefix-target", "0")["per_node"]
    assert "oscillation" in [f["id"] for f in osc["flags"]]
    assert osc["range"]["prefixes"] == {"min": 1, "max": 2}
    sgp = run_json(capsys, "--instance-type", "m5.large", "--pods", "20", "--sgp", "--max-eni", "3")["per_node"]
    assert sgp["trunk_enis"] == 1 and sgp["pods_with_ip"] == 18


def test_json_is_deterministic(capsys):
    args = ["ip-usage", "--instance-type", "m5.large", "--pods", "20", "--prefix-delegation", "--warm-prefix-target", "2", "--format", "json"]
    main(args)
    a = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == a


def test_table_is_aligned(capsys):
    rc = main(["ip-usage", "--instance-type", "m5.large", "--pods", "20", "--nodes", "3", "--prefix-delegation",
               "--warm-prefix-target", "2", "--format", "table"])
    out = capsys.readouterr().out
    assert rc == 0
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("key "))
    table = lines[head:head + 2 + len(KEYS) + 2]
    assert set(table[1].replace(" ", "")) == {"-"}
    # every numeric column ends at the same place as its header
    ends = [len(table[0])] + [len(line) for line in table[2:2 + len(KEYS)]]
    assert len(set(ends)) == 1
    rows = {line.split()[0]: line.split()[1:] for line in table[2:]}
    assert rows["prefixes"] == ["4", "4..5", "12"]
    assert rows["subnet_addresses"] == ["65", "65..81", "195"]
    assert "range:" in out and "arithmetic:" in out and "cooldown:" in out and "flags:" in out


def test_table_is_default_format(capsys):
    assert main(["ip-usage", "--instance-type", "m5.large", "--pods", "0"]) == 0
    out = capsys.readouterr().out
    assert "subnet_addresses" in out and "range" not in out.splitlines()[3]


@pytest.mark.parametrize("args,needle", [
    (["--instance-type", "m5.large", "--pods", "-1"], "pods:"),
    (["--instance-type", "m5.larg", "--pods", "1"], "did you mean"),
    (["--instance-type", "m5.large", "--pods", "1", "--nodes", "0"], "nodes:"),
    (["--instance-type", "m5.large", "--pods", "1", "--max-eni", "0"], "max_eni:"),
    (["--instance-type", "m5.large", "--pods", "1", "--warm-ip-target", "-3"], "warm_ip_target:"),
    (["--instance-type", "m5.large", "--pods", "many"], "invalid int"),
    (["--pods", "1"], "required"),
    (["--instance-type", "c5.large", "--pods", "1", "--windows", "--prefix-delegation"], "--prefix-delegation: does not apply to Windows"),
    (["--instance-type", "c5.large", "--pods", "1", "--windows", "--sgp"], "--sgp: does not apply to Windows"),
    (["--instance-type", "c5.large", "--pods", "1", "--windows", "--max-pods", "20"], "--max-pods: does not apply"),
    (["--instance-type", "c5.large", "--pods", "1", "--windows", "--warm-ip-target", "-1"], "warm_ip_target:"),
])
def test_bad_input_exit_2(capsys, args, needle):
    rc = main(["ip-usage", *args])
    err = capsys.readouterr().err
    assert rc == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_console_script_subprocess():
    exe = ROOT / ".venv" / "bin" / "eksadvisor"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "eksadvisor"]
    proc = subprocess.run([*cmd, "ip-usage", "--instance-type", "m5.large", "--pods", "1", "--nodes", "2", "--format", "json"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["per_node"]["free_ips"] == 17 and data["totals"]["subnet_addresses"] == 40
    bad = subprocess.run([*cmd, "ip-usage", "--instance-type", "m5.large", "--pods", "-5"], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert bad.returncode == 2 and bad.stderr.startswith("error: pods:")


def test_branch_pods_without_sgp_is_refused(capsys):
    # issue 14 item 9: --branch-pods without --sgp was silently accepted (and ignored).
    from eksadvisor.cli import main

    code = main(["ip-usage", "--instance-type", "m5.large", "--pods", "20", "--branch-pods", "5"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == ("error: --branch-pods: pods with their own security groups need Security Groups for Pods; "
                   "add --sgp or drop --branch-pods.\n")
    assert main(["ip-usage", "--instance-type", "m5.large", "--pods", "20", "--sgp", "--branch-pods", "5"]) == 0
