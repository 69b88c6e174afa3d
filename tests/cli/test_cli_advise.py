"""`eksadvisor advise` and `eksadvisor schema`: formats, output files, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from eksadvisor.cli import main
from tests.conftest import EXAMPLES


def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_json_is_sorted_model_dump(capsys, path):
    from eksadvisor.decide.advisor import advise

    code, out, err = cli(capsys, "advise", str(path), "--format", "json")
    assert code == 0 and err == ""
    assert out == json.dumps(advise(path).model_dump(mode="json"), sort_keys=True, indent=2) + "\n"
    data = json.loads(out)
    assert data["schema_version"] == 1


def test_json_is_default_format(capsys):
    code, out, _ = cli(capsys, "advise", str(EXAMPLES[0]))
    assert code == 0 and json.loads(out)["schema_version"] == 1


def test_json_byte_identical_across_processes():
    path = str(EXAMPLES[0])
    runs = [subprocess.run([sys.executable, "-m", "eksadvisor", "advise", path, "--format", "json"],
                           capture_output=True, check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1] and runs[0]


def test_yaml(capsys):
    code, out, _ = cli(capsys, "advise", str(EXAMPLES[0]), "--format", "yaml")
    assert code == 0
    data = yaml.safe_load(out)
    assert data["schema_version"] == 1 and data["ip_family"] in ("ipv4", "ipv6")


def test_markdown_report(capsys):
    code, out, err = cli(capsys, "advise", str(EXAMPLES[0]), "--format", "md")
    assert code == 0, err
    assert out.startswith("#")


def test_output_file(tmp_path, capsys):
    out_file = tmp_path / "rec.json"
    code, out, err = cli(capsys, "advise", str(EXAMPLES[0]), "--format", "json", "-o", str(out_file))
    assert code == 0 and out == "" and err == ""
    assert json.loads(out_file.read_text())["schema_version"] == 1


def test_output_unwritable(tmp_path, capsys):
    code, out, err = cli(capsys, "advise", str(EXAMPLES[0]), "-o", str(tmp_path / "no" / "such" / "dir.json"))
    assert code == 2 and out == ""
    assert err.startswith("error: --output: cannot write")


def _bad(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    return p


BAD_FILES = {
    "unknown-key": ("colour: blue\n", "error: colour: unknown key in the answers;"),
    "host-bits": ("network:\n  vpc_cidr: 10.0.0.1/16\n", "error: network.vpc_cidr: '10.0.0.1/16' has host bits set; did you mean 10.0.0.0/16?"),
    "unknown-type": ("node_groups:\n  - instance_types: [m5.lrge]\n", "error: node_groups[0].instance_types[0]: 'm5.lrge' is not a known EC2 instance type"),
    "max-below-desired": ("node_groups:\n  - desired_nodes: 3\n    max_nodes: 1\n", "error: node_groups[0].max_nodes: must be at least desired_nodes (3)."),
    "negative-pods": ("node_groups:\n  - pods_per_node: -5\n", "error: node_groups[0].pods_per_node: must be at least 0, got -5."),
    "cluster-name": ("cluster_name: my cluster\n", "error: cluster_name: 'my cluster' breaks EKS's naming rules"),
    "wrong-type": ("fargate_pods: many\n", "error: fargate_pods: must be a whole number, got 'many' (a string)."),
    "empty": ("", "error: FILE: "),
    "not-mapping": ("- 1\n- 2\n", "error: FILE: "),
    "alias": ("a: &x 1\nb: *x\n", "error: FILE: YAML anchors (&x) are not allowed"),
    "duplicate": ("region: us-east-1\nregion: eu-west-1\n", "error: region: duplicate key (lines 1 and 2); keep only one."),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_exit_2_one_line(tmp_path, capsys, name):
    text, expected = BAD_FILES[name]
    code, out, err = cli(capsys, "advise", str(_bad(tmp_path, text)), "--format", "json")
    assert code == 2
    assert out == ""
    assert err.startswith(expected), err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_file(tmp_path, capsys):
    code, out, err = cli(capsys, "advise", str(tmp_path / "missing.yaml"))
    assert (code, out) == (2, "")
    assert err == f"error: FILE: '{tmp_path / 'missing.yaml'}' does not exist.\n"


def test_oversized_file(tmp_path, capsys):
    p = tmp_path / "big.yaml"
    with p.open("wb") as fh:
        fh.truncate(1024 * 1024 + 1)
    code, out, err = cli(capsys, "advise", str(p))
    assert (code, out) == (2, "")
    assert "over the 1 MiB limit" in err


def test_bad_format_is_usage_error(capsys):
    code, out, err = cli(capsys, "advise", str(EXAMPLES[0]), "--format", "xml")
    assert code == 2 and out == "" and "invalid choice" in err


def test_subprocess_exit_code_and_streams(tmp_path):
    p = _bad(tmp_path, "network:\n  vpc_cidr: 10.0.0.0/8\n")
    r = subprocess.run([sys.executable, "-m", "eksadvisor", "advise", str(p), "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == "error: network.vpc_cidr: 10.0.0.0/8 is a /8; it must be between /16 and /28.\n"


# ----------------------------------------------------------------------------------- schema

def test_schema_command(capsys):
    from eksadvisor.answers import answers_json_schema

    code, out, err = cli(capsys, "schema")
    assert code == 0 and err == ""
    assert json.loads(out) == answers_json_schema()
    assert out == json.dumps(answers_json_schema(), sort_keys=True, indent=2) + "\n"


def test_schema_validates_examples(capsys):
    import jsonschema

    _, out, _ = cli(capsys, "schema")
    schema = json.loads(out)
    for path in EXAMPLES:
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"colour": "blue"}, schema)


def test_schema_output_file(tmp_path, capsys):
    code, out, _ = cli(capsys, "schema", "-o", str(tmp_path / "s.json"))
    assert code == 0 and out == ""
    assert json.loads((tmp_path / "s.json").read_text())["type"] == "object"


# ----------------------------------------------------------------------------------- imports

def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_advise_json_imports_only_what_it_uses():
    mods = _modules_after(
        "import io, contextlib\nfrom eksadvisor.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()) as f:\n    f.buffer = io.BytesIO()\n    main(['advise', {str(EXAMPLES[0])!r}])"
    )
    for unused in ["streamlit", "altair", "pandas", "jinja2", "jsonschema", "weasyprint", "vl_convert",
                   "eksadvisor.output.report", "eksadvisor.output.charts", "eksadvisor.decide.questionnaire"]:
        assert unused not in mods, unused


def test_schema_imports_only_what_it_uses():
    mods = _modules_after(
        "import io, contextlib\nfrom eksadvisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['schema'])"
    )
    for unused in ["yaml", "jinja2", "jsonschema", "eksadvisor.decide.advisor", "eksadvisor.model.ipam", "eksadvisor.addressing.planner",
                   "eksadvisor.output.report", "altair", "streamlit"]:
        assert unused not in mods, unused


def test_suppress_flag(capsys):
    path = str(EXAMPLES[0])
    _, out, _ = cli(capsys, "advise", path)
    ids = {w["id"] for w in json.loads(out)["warnings"]}
    target = sorted(ids)[0]
    code, out, _ = cli(capsys, "advise", path, "--suppress", target)
    data = json.loads(out)
    assert code == 0 and target not in {w["id"] for w in data["warnings"]}
    assert target in data["provenance"]["suppressed_rules"]
    code, out, err = cli(capsys, "advise", path, "--suppress", "ipv6-irreversibl")
    assert (code, out) == (2, "")
    assert err == "error: --suppress: 'ipv6-irreversibl' is not a rule id; did you mean 'ipv6-irreversible'?\n"


def test_program_entry_turns_the_gc_back_on(monkeypatch, capsys):
    """main() without argv (the console script) runs with the cyclic GC off, then freezes and re-enables it."""
    import gc

    monkeypatch.setattr(sys, "argv", ["eksadvisor", "schema"])
    assert gc.isenabled()
    try:
        assert main() == 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    assert json.loads(capsys.readouterr().out)["title"].startswith("eksadvisor answers")


# A meta-path finder that makes one top-level module unimportable, as if its extra were not installed; loaded
# through sitecustomize in a child process (nothing is uninstalled).
_BLOCKER = '''
import importlib.abc, os, sys

class _Block(importlib.abc.MetaPathFinder):
    blocked = set(os.environ["EKSADVISOR_TEST_BLOCK"].split(","))

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _Block())
'''


def _run_without(tmp_path: Path, module: str, *argv: str) -> subprocess.CompletedProcess:
    import os

    (tmp_path / "sitecustomize.py").write_text(_BLOCKER)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
           "EKSADVISOR_TEST_BLOCK": module}
    env.pop("EKSADVISOR_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "eksadvisor", *argv], capture_output=True, text=True, env=env)


def test_pdf_without_weasyprint_names_the_extra(tmp_path):
    # issue 14 item 3: a missing optional dependency is not a bug: exit 2, one line naming the extra.
    r = _run_without(tmp_path, "weasyprint", "advise", str(EXAMPLES[0]), "--format", "pdf", "-o", str(tmp_path / "r.pdf"))
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert r.stderr.startswith("error: PDF output needs the optional package 'weasyprint'")
    assert "pip install 'eksadvisor[report]'" in r.stderr
    assert not (tmp_path / "r.pdf").exists()
    # ... and the blocker blocks only that: the Markdown report still works in the same setting.
    r = _run_without(tmp_path, "weasyprint", "advise", str(EXAMPLES[0]), "--format", "md")
    assert r.returncode == 0 and r.stdout.startswith("#"), r.stderr


def test_missing_pango_libraries_name_the_fix():
    from eksadvisor.cli import missing_dependency_message

    msg = missing_dependency_message(OSError("cannot load library 'libpango-1.0-0': error 0x7e"))
    assert msg and "scripts/system-deps.sh" in msg and "\n" not in msg
    assert missing_dependency_message(ModuleNotFoundError("No module named 'foo'", name="foo")) is None
    assert missing_dependency_message(ValueError("x")) is None
