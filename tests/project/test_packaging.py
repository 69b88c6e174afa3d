"""The wheel ships data/ and the app inside the package, so an installed eksadvisor never needs this repository."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob("eksadvisor-*.whl"))


@pytest.fixture(scope="module")
def site(wheel) -> Path:
    """The wheel unpacked, as an installer would put it in site-packages."""
    target = wheel.parent / "site"
    zipfile.ZipFile(wheel).extractall(target)
    return target


def _run_installed(site: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with the unpacked wheel first on sys.path and the repository out of it."""
    return subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                          capture_output=True, text=True, cwd=site.parent)


def test_wheel_contains_data_and_runs_from_site_packages(wheel, site):
    names = set(zipfile.ZipFile(wheel).namelist())
    data_files = sorted(p.name for p in (ROOT / "data").iterdir() if p.suffix in {".csv", ".json", ".yaml"})
    for name in data_files:
        assert f"eksadvisor/data/{name}" in names, name
    assert "eksadvisor/py.typed" in names
    templates = sorted(p.name for p in (ROOT / "eksadvisor" / "output" / "templates").iterdir()
                       if p.suffix in {".j2", ".css"})
    assert "report.md.j2" in templates and "report.html.j2" in templates and "report.css" in templates
    for name in templates:
        assert f"eksadvisor/output/templates/{name}" in names, f"{name} missing from the wheel: see package-data"
    for init in sorted((ROOT / "eksadvisor").rglob("__init__.py")):
        rel = init.relative_to(ROOT).as_posix()
        assert rel in names, f"{rel} missing from the wheel: list its package in pyproject.toml"
    out = _run_installed(site, "from eksadvisor.cli import main; "
                               "sys.exit(main(['max-pods', '--instance-type', 'm5.large', '--cni-version', '1.9.0']))")
    assert (out.returncode, out.stdout) == (0, "29\n"), out.stderr
    # the report templates load from the unpacked wheel (PackageLoader reads package data, not this repository)
    out = _run_installed(site, "from eksadvisor.decide.advisor import advise; "
                               "from eksadvisor.output.report import render_report; "
                               "print(render_report(advise({}), {}, 'html', generated_at='T').decode().count('<section id='))")
    assert (out.returncode, out.stdout) == (0, "13\n"), out.stderr


def test_wheel_contains_the_app(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    views = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "eksadvisor_app" / "views").glob("*.py"))
    assert len(views) > 1
    for rel in ["eksadvisor_app/main.py", "eksadvisor_app/streamlit.toml", *views]:
        assert rel in names, f"{rel} missing from the wheel"


def test_app_command_runs_from_the_installed_wheel(site):
    out = _run_installed(site, "from eksadvisor.cli import main; sys.exit(main(['app', '--help']))")
    assert out.returncode == 0, out.stderr
    assert "--port" in out.stdout and "--browser" in out.stdout
    # the command it would run starts the entry script and reads the settings of the installed package
    out = _run_installed(site, "import json, eksadvisor; from eksadvisor.cli import app_cmd; "
                               "print(json.dumps([eksadvisor.__file__, app_cmd.command(8601), sorted(app_cmd.settings())]))")
    assert out.returncode == 0, out.stderr
    package_file, cmd, settings = json.loads(out.stdout)
    assert Path(package_file).is_relative_to(site)
    script = Path(cmd[cmd.index("run") + 1])
    assert script == site / "eksadvisor_app" / "main.py" and script.is_file()
    assert cmd[cmd.index("--server.port") + 1] == "8601" and settings
