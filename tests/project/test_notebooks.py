"""The example notebooks run top to bottom in a real Jupyter kernel (nbclient + ipykernel) and are committed
without outputs. Marked ``notebooks`` (about ten seconds: one kernel per notebook); ``-m 'not notebooks'`` skips them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.notebooks


def test_the_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == ["audit", "fleet", "quickstart", "what-if"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell["id"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_real_kernel(path: Path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # a failing assert in a cell raises CellExecutionError here, naming the cell
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if o.output_type in ("execute_result", "display_data")
            and "text/html" in o.get("data", {})]
    if path.stem == "quickstart":  # the Recommendation, max-pods result, node usage and plan displayed as HTML
        assert any("eksadvisor: platform-prod" in h for h in html)
        assert any("max pods <b>110</b>" in h for h in html)
        assert any("<b>30</b> subnet addresses per node" in h for h in html)
        assert any("<b>Subnet plan</b>" in h for h in html)
    if path.stem == "what-if":  # DataFrames as HTML tables, the compare charts drawn by Altair (Vega-Lite)
        assert sum("<table" in h for h in html) >= 3
        assert sum("vegaEmbed" in h for h in html) + sum(
            any(k.startswith("application/vnd.vegalite") for k in o.get("data", {})) for o in outputs) == 2
    if path.stem == "audit":  # the AuditResult displayed as HTML, its forecast as a DataFrame
        assert any("Audit: prod-east" in h for h in html) and any("fit_now" in h for h in html)
    if path.stem == "fleet":
        assert any("not valid YAML" in h for h in html)
