"""The wheel ships data/ inside the package, so an installed eksadvisor never needs this repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from .conftest import ROOT


def test_wheel_contains_data_and_runs_from_site_packages(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("eksadvisor-*.whl"))
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
    # unpack and run from the unpacked wheel with the repository out of sys.path
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    out = subprocess.run([sys.executable, "-I", "-c",
                          f"import sys; sys.path.insert(0, {str(target)!r}); from eksadvisor.cli import main; "
                          "sys.exit(main(['max-pods', '--instance-type', 'm5.large', '--cni-version', '1.9.0']))"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert (out.returncode, out.stdout) == (0, "29\n"), out.stderr
    # the report templates load from the unpacked wheel (PackageLoader reads package data, not this repository)
    code = (f"import sys; sys.path.insert(0, {str(target)!r}); from eksadvisor.decide.advisor import advise; "
            "from eksadvisor.output.report import render_report; "
            "print(render_report(advise({}), {}, 'html', generated_at='T').decode().count('<section id='))")
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert (out.returncode, out.stdout) == (0, "13\n"), out.stderr
