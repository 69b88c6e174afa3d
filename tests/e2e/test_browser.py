"""End-to-end: the app under `streamlit run`, driven in Debian's headless chromium through Playwright.

Every page loads with no exception element, its charts are really drawn (a canvas or svg inside the chart
element), and the advisor flow works from an uploaded answers file to a downloaded report. Screenshots go
to test-artifacts/ (git-ignored) for a person to look at; first-render times go to
test-artifacts/first-render.json.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = next(
    (sorted(d.glob("*.yaml")) for d in (ROOT / "examples", ROOT / "tests" / "fixtures" / "shared" / "examples") if list(d.glob("*.yaml"))),
    [],
)
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stVegaLiteChart"]'
GRAPH = '[data-testid="stGraphVizChart"]'
EXCEPTION = '[data-testid="stException"]'

# url path -> (a heading the page shows, the chart elements it must draw with default inputs)
PAGES = {
    "": ("Advisor", []),
    "max-pods": ("Max pods explorer", []),
    "ip-usage": ("IP usage simulator", [CHART]),
    "subnets": ("Subnet planner", [CHART]),
    "decision-graph": ("Decision graph", [GRAPH]),
    "report": ("Report", []),
    "audit": ("Audit", []),
}
_timings: dict[str, float] = {}


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script run is over (Streamlit marks the app root with its script state)."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(300)  # let the last deltas paint
    page.wait_for_selector(IDLE, timeout=timeout)


def assert_drawn(page, selector: str) -> None:
    """A chart element exists and holds a drawn canvas or svg with a size."""
    chart = page.locator(selector).first
    chart.wait_for(state="visible")
    drawn = chart.locator("canvas, svg").first
    drawn.wait_for(state="attached")
    box = drawn.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 20, f"{selector} is not drawn: {box}"


def assert_no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    assert "Traceback" not in page.inner_text("body")


def _load(page, url: str, heading: str, charts: list[str]) -> int:
    """Milliseconds from navigation to the page's heading shown and its charts drawn."""
    start = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(state="visible")
    for selector in charts:
        assert_drawn(page, selector)
    return round((time.perf_counter() - start) * 1000)


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "advisor" for p in PAGES])
def test_page_loads_and_draws(page, app_url, artifacts, path):
    heading, charts = PAGES[path]
    name = path or "advisor"
    first = _load(page, f"{app_url}/{path}", heading, charts)  # first visit of this page on this server
    wait_idle(page)
    assert_no_exception(page)
    assert page.get_by_text("Page not found").count() == 0
    page.screenshot(path=str(artifacts / f"page-{name}.png"), full_page=True)
    again = _load(page, f"{app_url}/{path}", heading, charts)  # a new session: caches and browser assets warm
    wait_idle(page)
    assert_no_exception(page)
    _timings[name] = {"first_visit_ms": first, "repeat_visit_ms": again}
    (artifacts / "first-render.json").write_text(json.dumps(_timings, indent=2, sort_keys=True))


def _upload_example(page, app_url, example: Path) -> None:
    page.goto(app_url)
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(example))
    page.get_by_role("heading", name="Recommended:").first.wait_for(state="visible")
    wait_idle(page)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_advisor_flow_from_answers_to_downloaded_report(page, app_url, artifacts, example):
    """Upload an answers file, read the recommendation and its charts, share the link, download the report."""
    _upload_example(page, app_url, example)
    assert_no_exception(page)
    assert "a=" in page.url, "the answers are not in the address bar"
    page.screenshot(path=str(artifacts / f"advisor-{example.stem}.png"), full_page=True)

    # The charts are drawn: the IP budget tab holds the per-node budget and the growth lines.
    page.get_by_role("tab", name="IP budget").click()
    assert_drawn(page, f'[data-testid="stTabPanel"]:visible {CHART}')
    page.screenshot(path=str(artifacts / f"advisor-{example.stem}-budget.png"), full_page=True)
    page.get_by_role("tab", name="Subnets").click()
    assert_drawn(page, f'[data-testid="stTabPanel"]:visible {CHART}')

    # Downloads: the HTML report (inline SVG charts) and the PDF.
    with page.expect_download() as info:
        page.get_by_role("button", name="HTML").first.click()
    html_path = artifacts / f"report-{example.stem}.html"
    info.value.save_as(str(html_path))
    html = html_path.read_text()
    assert "<svg" in html and "EKS pod networking recommendation" in html
    with page.expect_download() as info:
        page.get_by_role("button", name="PDF").first.click()
    pdf_path = artifacts / f"report-{example.stem}.pdf"
    info.value.save_as(str(pdf_path))
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert_no_exception(page)

    # The shared link reopens the same recommendation in a fresh page (no upload, no session).
    shared = page.url
    heading = page.get_by_role("heading", name="Recommended:").first.inner_text()
    other = page.context.new_page()
    try:
        other.goto(shared)
        other.get_by_role("heading", name="Recommended:").first.wait_for(state="visible")
        assert other.get_by_role("heading", name="Recommended:").first.inner_text() == heading
        # ... and the decision graph page draws the walk for those answers.
        other.get_by_role("link", name="Decision graph").click()
        assert_drawn(other, GRAPH)
        wait_idle(other)
        assert_no_exception(other)
        other.screenshot(path=str(artifacts / f"graph-{example.stem}.png"), full_page=True)
        # ... and the Report page offers every format, with a preview of the Markdown report.
        other.get_by_role("link", name="Report").click()
        other.get_by_role("heading", name="Report").first.wait_for(state="visible")
        wait_idle(other)
        assert_no_exception(other)
        for label in ("Markdown", "HTML", "PDF", "JSON", "YAML", "Answers (YAML)"):
            assert other.get_by_role("button", name=label, exact=True).count() == 1, label
        assert other.get_by_text("EKS pod networking recommendation").count() >= 1
        with other.expect_download() as info:
            other.get_by_role("button", name="JSON", exact=True).click()
        data = json.loads(Path(info.value.path()).read_text())
        assert data["schema_version"] == 1 and data["cluster_name"]
        other.screenshot(path=str(artifacts / f"report-{example.stem}.png"), full_page=True)
    finally:
        other.close()


def test_bad_upload_is_an_inline_error(page, app_url, artifacts, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncluster_name: prod\nnode_groups:\n  - name: g\n    pods_per_node: many\n")
    page.goto(app_url)
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    alert = page.locator('[data-testid="stAlertContainer"]', has_text="node_groups[0].pods_per_node").first
    alert.wait_for(state="visible")
    wait_idle(page)
    assert "must be a whole number" in alert.inner_text()
    assert_no_exception(page)
    page.screenshot(path=str(artifacts / "advisor-bad-upload.png"), full_page=True)


def test_max_pods_compare_modes_draws_the_chart(page, app_url, artifacts):
    page.goto(f"{app_url}/max-pods")
    page.get_by_role("heading", name="Max pods explorer").first.wait_for(state="visible")
    wait_idle(page)
    page.get_by_role("tab", name="Compare modes").click()
    assert_drawn(page, f'[data-testid="stTabPanel"]:visible {CHART}')
    page.get_by_role("tab", name="The arithmetic").click()
    assert page.get_by_text("3 x (10 - 1) + 2 = 29").count() >= 1
    assert_no_exception(page)
    page.get_by_role("tab", name="Compare modes").click()
    wait_idle(page)
    page.screenshot(path=str(artifacts / "max-pods-compare.png"), full_page=True)


def test_audit_page_upload_shows_findings_and_forecast(page, app_url, artifacts, tmp_path):
    """Upload a zipped bundle on the Audit page: findings listed, forecast chart drawn, no exception."""
    import io
    import zipfile

    from tests.audit.audit_bundles import build, three_az

    spec = three_az(addon=None, env={"ENABLE_PREFIX_DELEGATION": "true"})
    spec.subnets[2].fragment_every = 1
    docs, resv = build(spec)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, doc in docs.items():
            zf.writestr(f"bundle/{name}", json.dumps(doc))
        for sid, doc in resv.items():
            zf.writestr(f"bundle/subnet-cidr-reservations/{sid}.json", json.dumps(doc))
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(buf.getvalue())
    page.goto(f"{app_url}/audit")
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bundle))
    page.get_by_text("critical: audit-prefix-fragmented").first.wait_for(state="visible")
    wait_idle(page)
    assert_drawn(page, CHART)
    assert_no_exception(page)
    page.screenshot(path=str(artifacts / "page-audit-uploaded.png"), full_page=True)
