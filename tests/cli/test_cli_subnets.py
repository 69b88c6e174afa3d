"""`eksadvisor subnets plan | prefix-check | check-layout` through the real CLI entry point."""

from __future__ import annotations

import json

import pytest

from eksadvisor.cli import main
from tests.conftest import SHARED

EXAMPLES = SHARED / "examples"

ANSWERS = """\
version: 1
cluster_name: demo
region: us-east-1
availability_zones: 3
node_groups:
  - name: general
    instance_types: [m5.large]
    desired_nodes: 3
    max_nodes: 30
    pods_per_node: 20
network:
  vpc_cidr: 10.0.0.0/16
  onprem_cidrs: [192.168.0.0/16]
"""


def _run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def answers_file(tmp_path):
    p = tmp_path / "answers.yaml"
    p.write_text(ANSWERS)
    return p


def test_plan_json(capsys, answers_file):
    rc, out, err = _run(capsys, "subnets", "plan", str(answers_file), "--format", "json")
    assert rc == 0, err
    d = json.loads(out)
    assert d["fits"] is True and d["vpc_cidr"] == "10.0.0.0/16"
    roles = sorted({s["role"] for s in d["subnets"]})
    assert roles == ["cluster", "private", "public"]
    assert {s["az"] for s in d["subnets"]} == {"us-east-1a", "us-east-1b", "us-east-1c"}
    s = d["sizing"]
    # the advisor's sizing: 20 pods on m5.large -> secondary IP; per node n = 1 + ceil(20/9) = 4 -> 3 ENIs
    # (cap), 27 IPs + 3 primaries = 30 addresses; 30 x growth 2 = 60 nodes, worst AZ case = losing
    # another AZ: 60 / 2 = 30 nodes -> 900 addresses
    assert (s["address_mode"], s["custom_networking"]) == ("secondary_ip", False)
    assert s["node_addresses_per_az"] == 900
    assert any("AZ loss" in a for a in s["assumptions"])
    priv = [x for x in d["subnets"] if x["role"] == "private"]
    assert all(x["usable_ips"] >= s["node_addresses_per_az"] for x in priv)
    assert priv[0]["tags"] == {"kubernetes.io/cluster/demo": "shared", "kubernetes.io/role/internal-elb": "1"}
    assert d["service_cidr"]["confidence"] == "unconfirmed"
    # deterministic bytes
    _rc2, out2, _ = _run(capsys, "subnets", "plan", str(answers_file), "--format", "json")
    assert out2 == out


def test_plan_table_custom_networking_and_prefix(capsys, answers_file):
    dense = ANSWERS.replace("pods_per_node: 20", "pods_per_node: 60") + "  separate_pod_cidr_required: true\n"
    answers_file.write_text(dense)  # 60 pods > 29 secondary-IP slots -> prefix; separate pod CIDR -> custom networking
    rc, out, err = _run(capsys, "subnets", "plan", str(answers_file), "--service-cidr", "10.100.0.0/16")
    assert rc == 0, err
    assert "fits" in out and "associate secondary CIDRs: 100.64." in out
    assert "demo-pod-us-east-1a" in out and "kubernetes.io/role/elb=1" in out
    assert "create-subnet-cidr-reservation" in out
    assert "service CIDR: 10.100.0.0/16 (DNS 10.100.0.10; user)" in out


@pytest.mark.parametrize("name", ["dense-platform.yaml", "exhausted-onprem.yaml", "small-dev.yaml"])
def test_plan_examples(capsys, name):
    rc, out, err = _run(capsys, "subnets", "plan", str(EXAMPLES / name), "--format", "json")
    assert rc == 0, err
    assert json.loads(out)["fits"] is True


def test_plan_bad_input_is_exit_2(capsys, tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text(ANSWERS.replace("vpc_cidr: 10.0.0.0/16", "vpc_cidr: 10.0.1.0/16"))
    rc, out, err = _run(capsys, "subnets", "plan", str(p))
    assert rc == 2 and out == "" and "host bits" in err and err.count("\n") == 1
    rc, _, err = _run(capsys, "subnets", "plan", str(tmp_path / "missing.yaml"))
    assert rc == 2
    rc, _, err = _run(capsys, "subnets", "plan", str(p.with_name("a.yaml")), "--service-cidr", "100.64.0.0/16")
    assert rc == 2


def test_plan_is_the_plan_advise_recommends(capsys, answers_file):
    """One sizing path: `subnets plan` and `advise` give the same subnets for the same answers."""
    _, plan_out, _ = _run(capsys, "subnets", "plan", str(answers_file), "--format", "json")
    _, advise_out, _ = _run(capsys, "advise", str(answers_file), "--format", "json")
    planned = [(s["name"], s["cidr"], s["usable_ips"]) for s in json.loads(plan_out)["subnets"]]
    advised = [(s["name"], s["cidr"], s["usable_ips"]) for s in json.loads(advise_out)["subnets"]]
    assert planned == advised and planned


def test_prefix_check_json(capsys):
    rc, out, err = _run(capsys, "subnets", "prefix-check", "--subnet", "10.0.0.0/24", "--used", "10.0.0.20",
                        "10.0.0.100-10.0.0.130", "--prefixes-needed", "3", "--format", "json")
    assert rc == 0, err
    d = json.loads(out)
    assert (d["free_blocks"], d["used_addresses"], d["enough"]) == (10, 32, True)
    assert [r["cidr"] for r in d["reservations"]] == ["10.0.0.192/26"]


def test_prefix_check_count_and_table(capsys):
    rc, out, err = _run(capsys, "subnets", "prefix-check", "--subnet", "10.0.0.0/16", "--used-count", "40000",
                        "--spread", "random-seeded", "--seed", "3", "--prefixes-needed", "4")
    assert rc == 0, err
    assert "assumption" in out and "random.Random(3)" in out
    assert "NOT enough" in out and "prefix-fragmented-subnet" in out


def test_prefix_check_used_file(capsys, tmp_path):
    f = tmp_path / "used.txt"
    f.write_text("# from describe-network-interfaces\n10.0.0.20, 10.0.0.21\n10.0.0.64/28\n")
    rc, out, err = _run(capsys, "subnets", "prefix-check", "--subnet", "10.0.0.0/24", "--used-file", str(f),
                        "--format", "json")
    assert rc == 0, err
    assert json.loads(out)["used_addresses"] == 18 and json.loads(out)["free_blocks"] == 12


@pytest.mark.parametrize("argv, needle", [
    (["--subnet", "10.0.0.0/24", "--used", "10.0.1.5"], "used: 10.0.1.5 is outside subnet 10.0.0.0/24."),
    (["--subnet", "10.0.0.1/24"], "subnet: 10.0.0.1/24 has host bits set"),
    (["--subnet", "10.0.0.0/24", "--used", "10.0.0.5", "--used-count", "3"], "not both"),
    (["--subnet", "10.0.0.0/24", "--used-file", "/nonexistent/x"], "--used-file: cannot read"),
    (["--subnet", "10.0.0.0/24", "--used-count", "-1"], "must be 0 or more"),
])
def test_prefix_check_bad_input(capsys, argv, needle):
    rc, _out, err = _run(capsys, "subnets", "prefix-check", *argv)
    assert rc == 2 and needle in err and err.count("\n") == 1


def test_check_layout_seed_example(capsys):
    rc, out, _err = _run(capsys, "subnets", "check-layout", "--seed-example")
    assert rc == 0
    assert out.strip() == ("critical invalid-cidr-block: 10.0.1.0/20 is not a valid /20 block (host bits set; the /20 "
                           "containing it is 10.0.0.0/20, which overlaps the cluster /28s)")
    rc, out, _ = _run(capsys, "subnets", "check-layout", "--vpc-cidr", "10.0.0.0/16", "--subnet",
                      "10.0.0.0/20:public:us-east-1a", "--subnet", "10.0.16.0/28:cluster")
    assert rc == 0 and out.startswith("layout ok")


def test_subnets_needs_an_action(capsys):
    rc, _, _err = _run(capsys, "subnets")
    assert rc == 2
