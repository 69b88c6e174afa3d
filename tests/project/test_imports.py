"""The engine stays light: no UI libraries on import, and the max-pods path loads only what it needs."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["streamlit", "altair", "pandas"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_import_eksadvisor_is_light():
    mods = _modules_after("import eksadvisor")
    for heavy in [*HEAVY, "pydantic", "yaml", "jinja2", "jsonschema"]:
        assert heavy not in mods, heavy


def test_max_pods_cli_path_skips_pydantic_and_yaml():
    mods = _modules_after(
        "import io, contextlib\nfrom eksadvisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['max-pods', '--all', '--cni-version', '1.19.2', '--format', 'csv'])"
    )
    for heavy in [*HEAVY, "pydantic", "yaml", "jinja2", "jsonschema"]:
        assert heavy not in mods, heavy


def test_public_api_is_typed():
    import importlib.resources

    assert importlib.resources.files("eksadvisor").joinpath("py.typed").is_file()


def test_every_lazy_public_name_resolves():
    import eksadvisor

    for name in eksadvisor._LAZY:
        assert getattr(eksadvisor, name).__name__ == name


def test_notebook_api_imports_pandas_only_when_called():
    mods = _modules_after("import eksadvisor\neksadvisor.compare, eksadvisor.advise_many\n"
                          "from eksadvisor.decide.whatif import compare_rows\ncompare_rows({})")
    for heavy in [*HEAVY, "IPython", "eksadvisor.output.display"]:
        assert heavy not in mods, heavy
    assert "pandas" in _modules_after("import eksadvisor\neksadvisor.compare({})")
