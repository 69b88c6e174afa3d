"""Shell artefacts run for real (against stub ``aws`` / ``kubectl`` that log their argv), and the injection
tests: answer strings with quotes, newlines and ``$()`` come out inert or are refused."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eksadvisor.artefacts import build_snippets
from eksadvisor.artefacts.eksctl import configuration_values_of
from eksadvisor.errors import InputError
from tests.artefacts.snippets_support import all_cases, parse_hcl, placeholder_free, shell_commands

CASES = all_cases()
STUB = """#!{python}
import json, os, sys
with open(os.environ["STUB_LOG"], "a") as fh:
    fh.write(json.dumps([os.path.basename(sys.argv[0])] + sys.argv[1:]) + "\\n")
if sys.argv[1:3] == ["get", "daemonset"]:
    print("kind: DaemonSet")
"""


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    d = tmp_path_factory.mktemp("stubs")
    for name in ("aws", "kubectl"):
        p = d / name
        p.write_text(STUB.format(python=sys.executable))
        p.chmod(p.stat().st_mode | stat.S_IEXEC)
    return d


def run_script(text: str, stubs: Path, workdir: Path) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    script = workdir / "script.sh"
    script.write_text(text)
    log = workdir / "argv.log"
    log.write_text("")
    env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}", "STUB_LOG": str(log)}
    proc = subprocess.run(["bash", str(script)], cwd=workdir, env=env, capture_output=True, text=True, timeout=60)
    return proc, [json.loads(line) for line in log.read_text().splitlines()]


def _scripts():
    for case, (rec, answers) in sorted(CASES.items()):
        for name, text in build_snippets(rec, answers).items():
            if name.endswith(".sh"):
                yield pytest.param(text, id=f"{case}/{name}")


@pytest.mark.parametrize("text", list(_scripts()))
def test_scripts_are_valid_bash(text, tmp_path):
    path = tmp_path / "s.sh"
    path.write_text(text)
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("text", list(_scripts()))
def test_placeholder_guard_stops_before_the_first_command(text, stubs, tmp_path):
    proc, calls = run_script(text, stubs, tmp_path)
    if re.search(r"<[A-Z][A-Z0-9_]*(:[A-Za-z0-9._-]+)?>", text):
        assert proc.returncode == 1 and calls == []
        assert "still has placeholders" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("text", list(_scripts()))
def test_scripts_run_the_intended_argv(text, stubs, tmp_path):
    filled = placeholder_free(text)
    proc, calls = run_script(filled, stubs, tmp_path)
    assert proc.returncode == 0, proc.stderr
    intended = shell_commands(filled)
    if "aws eks describe-addon" in filled:  # the stub says the add-on exists: the update branch runs
        intended = [c for c in intended if c[:3] != ["aws", "eks", "create-addon"]]
    assert calls == intended
    if "kubectl get daemonset aws-node" in filled:
        assert (tmp_path / "aws-k8s-cni-backup.yaml").read_text() == "kind: DaemonSet\n"


# ------------------------------------------------------------------------------------------ injection

NASTY = "a'b\"c $(touch PWNED) `touch PWNED2` ${HOME} %{if x}y%{endif} ; rm -rf / # \\ é"


def _nasty_rec():
    rec, answers = CASES["fixture-dense-platform"]
    rec = rec.model_copy(deep=True)
    rec.settings = {**rec.settings, "ADDITIONAL_ENI_TAGS": NASTY, "AWS_VPC_K8S_CNI_VETHPREFIX": "$(id)"}
    rec.init_settings = {"DISABLE_TCP_EARLY_DEMUX": "`id`"}
    rec.subnets[0].tags = {**rec.subnets[0].tags, "team": NASTY, "x'; touch PWNED3 #": "${file(\"/etc/passwd\")}"}
    return rec, answers


def test_injected_values_are_inert_in_scripts(stubs, tmp_path):
    out = build_snippets(*_nasty_rec())
    for name in ("aws-node-env.sh", "addon-commands.sh", "subnet-tags.sh"):
        proc, calls = run_script(placeholder_free(out[name]), stubs, tmp_path)
        assert proc.returncode == 0, proc.stderr
        flat = [w for c in calls for w in c]
        if name == "aws-node-env.sh":
            assert f"ADDITIONAL_ENI_TAGS={NASTY}" in flat and "AWS_VPC_K8S_CNI_VETHPREFIX=$(id)" in flat
            patch = json.loads(calls[2][calls[2].index("-p") + 1])
            assert patch["spec"]["template"]["spec"]["initContainers"][0]["env"] == [{"name": "DISABLE_TCP_EARLY_DEMUX", "value": "`id`"}]
        if name == "addon-commands.sh":
            (update,) = [c for c in calls if c[:3] == ["aws", "eks", "update-addon"]]
            config = json.loads(update[update.index("--configuration-values") + 1])
            assert config["env"]["ADDITIONAL_ENI_TAGS"] == NASTY
        if name == "subnet-tags.sh":
            tags = {t["Key"]: t["Value"] for t in json.loads(calls[0][calls[0].index("--tags") + 1])}
            assert tags["team"] == NASTY and tags["x'; touch PWNED3 #"] == "${file(\"/etc/passwd\")}"
    assert not list(tmp_path.glob("PWNED*"))


def test_injected_values_round_trip_in_yaml_json_and_hcl():
    out = build_snippets(*_nasty_rec())
    assert json.loads(out["vpc-cni-addon.json"])["env"]["ADDITIONAL_ENI_TAGS"] == NASTY
    (doc,) = [d for d in yaml.safe_load_all(out["eksctl-cluster.yaml"]) if d]
    assert configuration_values_of(doc)["env"]["ADDITIONAL_ENI_TAGS"] == NASTY
    eks = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]
    assert eks["addons"]["vpc-cni"]["configuration_values"]["env"]["ADDITIONAL_ENI_TAGS"] == NASTY
    assert eks["addons"]["vpc-cni"]["configuration_values"]["init"]["env"]["DISABLE_TCP_EARLY_DEMUX"] == "`id`"
    vpc_file = parse_hcl(out["terraform-vpc.tf"])
    assert "team" not in vpc_file["module"][0]["vpc"]["intra_subnet_tags"]  # only one cluster subnet has it
    (tags,) = [r["aws_ec2_tag"]["subnet"]["for_each"] for r in vpc_file["resource"] if "aws_ec2_tag" in r]
    assert tags["cluster-us-east-1a/team"] == {"kind": "intra", "index": 0, "key": "team", "value": NASTY}
    assert tags["cluster-us-east-1a/x'; touch PWNED3 #"]["value"] == "${file(\"/etc/passwd\")}"
    for name in ("terraform-eks.tf", "terraform-vpc.tf"):
        # no template interpolation or directive survives: every ${ and %{ is escaped
        text = out[name]
        assert "${" not in text and "%{" not in text
    runbook = out["runbook.md"]
    assert "$(id)" not in runbook and NASTY not in runbook  # free text stays out of the prose


@pytest.mark.parametrize("field,value", [
    ("cluster_name", 'prod"; $(touch PWNED)'),
    ("cluster_name", "prod\nrm -rf /"),
    ("cluster_name", "prod`id`"),
])
def test_bad_identifiers_are_refused(field, value):
    rec, answers = CASES["fixture-small-dev"]
    data = rec.model_dump(mode="json")
    data[field] = value
    with pytest.raises(InputError) as err:
        build_snippets(data, answers.model_dump(mode="json"))
    assert err.value.field == field


@pytest.mark.parametrize("mutate,field", [
    (lambda r, a: r["node_groups"][0].__setitem__("name", "general$(id)"), "node_groups[0].name"),
    (lambda r, a: r["node_groups"][0].__setitem__("instance_types", ["m5.large; id"]), "node_groups[0].instance_types"),
    (lambda r, a: r["subnets"][0].__setitem__("name", "a b"), "subnets[0].name"),
    (lambda r, a: r["subnets"][0].__setitem__("az", "us-east-1a'"), "subnets[0].az"),
    (lambda r, a: r["subnets"][0].__setitem__("cidr", "10.0.0.0/8 --x"), "subnets[0].cidr"),
    (lambda r, a: r["settings"].__setitem__("BAD KEY", "1"), "settings.BAD KEY"),
    (lambda r, a: a.__setitem__("region", "us-east-1; id"), "region"),
    (lambda r, a: a["multus"].update(needed=True, networks=[{"name": "Bad_Name", "type": "macvlan", "master": "eth1",
                                                             "cidr": "10.10.0.0/16"}]), "multus.networks[0].name"),
    (lambda r, a: a["multus"].update(needed=True, networks=[{"name": "n", "type": "macvlan", "master": "eth1;id",
                                                             "cidr": "10.10.0.0/16"}]), "multus.networks[0].master"),
])
def test_bad_values_in_identifier_positions_are_refused(mutate, field):
    rec, answers = CASES["fixture-dense-platform"]
    r, a = rec.model_dump(mode="json"), answers.model_dump(mode="json")
    mutate(r, a)
    with pytest.raises(InputError) as err:
        build_snippets(r, a)
    assert err.value.field == field


def test_unicode_line_breaks_cannot_escape_comments():
    """YAML breaks lines on NEL/LS/PS too; a value shown in a header comment must not start a new key."""
    rec, answers = CASES["fixture-exhausted-onprem"]
    data = rec.model_dump(mode="json")
    data["settings"]["ENI_CONFIG_LABEL_DEF"] = "zone\u2028evil: 1\x85more: 2"
    out = build_snippets(data, answers)
    docs = [d for d in yaml.safe_load_all(out["eniconfigs.yaml"]) if d]
    assert all(set(d) == {"apiVersion", "kind", "metadata", "spec"} for d in docs)
    for line in out["eniconfigs.yaml"].splitlines():
        assert line.startswith("# ") or not line.startswith(("evil", "more"))


def test_line_breaks_in_script_arguments_are_refused():
    rec, answers = CASES["fixture-dense-platform"]
    data = rec.model_dump(mode="json")
    data["settings"]["ADDITIONAL_ENI_TAGS"] = "a\nkubectl delete ns default"
    with pytest.raises(InputError, match="line break"):
        build_snippets(data, answers)


_TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ019 '\"`$(){}%#;&|<>*?!~=\\/,.:\té😀")), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_TEXT)
def test_any_setting_value_round_trips_everywhere(value):
    rec, answers = CASES["fixture-small-dev"]
    data = rec.model_dump(mode="json")
    data["settings"] = {"ADDITIONAL_ENI_TAGS": value}
    out = build_snippets(data, answers)
    assert json.loads(out["vpc-cni-addon.json"])["env"]["ADDITIONAL_ENI_TAGS"] == value
    (argv,) = [c for c in shell_commands(out["aws-node-env.sh"]) if c[:3] == ["kubectl", "set", "env"]]
    assert argv[-1] == f"ADDITIONAL_ENI_TAGS={value}"
    (doc,) = [d for d in yaml.safe_load_all(out["eksctl-cluster.yaml"]) if d]
    assert configuration_values_of(doc)["env"]["ADDITIONAL_ENI_TAGS"] == value
    eks = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]
    assert eks["addons"]["vpc-cni"]["configuration_values"]["env"]["ADDITIONAL_ENI_TAGS"] == value
    assert "${" not in out["terraform-eks.tf"] and "%{" not in out["terraform-eks.tf"]
