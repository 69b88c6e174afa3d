"""End-to-end: the app as a newcomer meets it (issue 14), for what only a browser shows.

The first request of a fresh server opens a page URL directly; the questionnaire keeps the topic and the edit
after Next; follow-up questions appear with the answer that asks them; the uploader states the 1 MiB limit.
The time from a widget change to the settled page is measured here (median of a few) and written to
test-artifacts/interaction-times.json.

This module starts its own server (the app_url fixture is per module), so its first test is the first request
that server ever sees.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import time
from pathlib import Path

import pytest
from test_browser import EXAMPLES, EXCEPTION, IDLE, assert_no_exception, wait_idle

pytestmark = pytest.mark.e2e

RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
ACTIVE_TOPIC = 'button[data-variant="segmented_control"][aria-checked="true"]'  # the topic bar is the first
NODES = "How many nodes does the group normally run?"
_times: dict[str, list[float]] = {}


def settle(page, action) -> float:
    """Seconds from ``action()`` (a widget change) to the settled page: the script run it starts is over."""
    start = time.perf_counter()
    action()
    with contextlib.suppress(Exception):
        page.wait_for_selector(RUNNING, timeout=3_000)
    page.wait_for_selector(IDLE, timeout=30_000)
    return time.perf_counter() - start


def _record(artifacts: Path, name: str, seconds: list[float]) -> None:
    _times[name] = seconds
    summary = {k: {"median_s": round(statistics.median(v), 3), "runs_s": [round(x, 3) for x in v]} for k, v in _times.items()}
    (artifacts / "interaction-times.json").write_text(json.dumps(summary, indent=2, sort_keys=True))
    print(f"\n{name}: median {statistics.median(seconds):.3f} s over {len(seconds)} runs")


def test_first_request_opens_a_page_url_directly(page, app_url, artifacts):
    # issue 14 item 4: the very first request of this server is /max-pods; no "page not found" modal.
    page.goto(f"{app_url}/max-pods")
    page.get_by_role("heading", name="Max pods explorer").first.wait_for(state="visible")
    wait_idle(page)
    body = page.inner_text("body")
    assert "does not seem to exist" not in body and "Page not found" not in body
    assert page.locator('[role="dialog"]').count() == 0
    assert_no_exception(page)
    page.screenshot(path=str(artifacts / "first-request-max-pods.png"), full_page=True)


def _topic(page) -> str:
    return page.locator(ACTIVE_TOPIC).first.inner_text().strip()


def _next(page) -> None:
    settle(page, lambda: page.get_by_role("button", name="Next").click())


def _goto_topic(page, title: str) -> None:
    while _topic(page) != title:
        _next(page)


def test_edit_after_next_keeps_the_topic_and_the_edit(page, app_url, artifacts):
    # issue 14 item 1: Next, then an edit on the new topic: same topic, the edit kept; the bar follows.
    page.goto(app_url)
    wait_idle(page)
    assert _topic(page) == "Cluster basics"
    _next(page)
    assert _topic(page) == "Pod density"
    edits = []
    for value in (7, 8, 9, 10, 11):
        box = page.get_by_label(NODES, exact=True).first
        edits.append(settle(page, lambda box=box, value=value: (box.fill(str(value)), box.press("Enter"))))
        assert _topic(page) == "Pod density", f"after entering {value} the page shows {_topic(page)!r}"
        assert page.get_by_text("Topic 2 of 8: Pod density").count() == 1
        assert page.get_by_label(NODES, exact=True).first.input_value() == str(value)
    assert "a=" in page.url
    _record(artifacts, "edit a question (settled page)", edits)
    # The same from Multus to Operations: an edit right after Next stays on Operations.
    _goto_topic(page, "Multus")
    _next(page)
    assert _topic(page) == "Operations"
    page.get_by_role("radio", name="test", exact=True).first.click()
    wait_idle(page)
    assert _topic(page) == "Operations"
    assert_no_exception(page)
    page.screenshot(path=str(artifacts / "questionnaire-operations.png"), full_page=True)


def test_follow_up_questions_appear_with_the_answer(page, app_url):
    # issue 14 item 2: "own security groups" on -> its four follow-ups on the same page, no topic change needed.
    page.goto(app_url)
    wait_idle(page)
    _goto_topic(page, "Security Groups for Pods")
    follow = "Does the cluster run NodeLocal DNSCache?"
    assert page.get_by_text(follow).count() == 0
    settle(page, lambda: page.get_by_text("Do pods need their own security groups").first.click())
    page.get_by_text(follow).first.wait_for(state="visible", timeout=5_000)
    assert _topic(page) == "Security Groups for Pods"
    assert_no_exception(page)


def test_uploader_states_the_one_mib_limit(page, app_url):
    # issue 14 item 5: the uploader's own line says 1MB (Streamlit's whole-MB unit is 1024 * 1024 bytes), not 200MB.
    page.goto(app_url)
    wait_idle(page)
    dropzone = page.locator('[data-testid="stFileUploaderDropzone"]').first
    text = dropzone.inner_text()
    assert "1MB per file" in text and "200MB" not in text, text


def test_time_to_a_recommendation(page, app_url, artifacts):
    """With a recommendation on the page, a changed answer reruns the advisor: time it to the settled page."""
    page.goto(app_url)
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(EXAMPLES[0]))
    page.get_by_role("heading", name="Recommended:").first.wait_for(state="visible")
    wait_idle(page)
    _goto_topic(page, "Pod density")
    runs = []
    for value in (12, 13, 14, 15, 16):
        box = page.get_by_label(NODES, exact=True).first
        runs.append(settle(page, lambda box=box, value=value: (box.fill(str(value)), box.press("Enter"))))
        page.get_by_role("heading", name="Recommended:").first.wait_for(state="visible")
        assert page.locator(EXCEPTION).count() == 0
    _record(artifacts, "edit an answer with the recommendation shown (settled page)", runs)


def test_typing_an_instance_type_and_enter_picks_that_type(page, app_url):
    # issue 14 item 7: Enter after typing a name selected "Select 47 matches" (the whole filtered list).
    page.goto(app_url)
    wait_idle(page)
    _next(page)
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Which EC2 instance types").first
    box = picker.locator("input").first
    box.click()
    box.fill("m5.xlarge")
    settle(page, lambda: box.press("Enter"))
    tags = [t.get_attribute("aria-label") for t in picker.locator("[data-tag]").all()]
    assert tags == ["m5.large", "m5.xlarge"], tags  # the default (data/questionnaire.yaml) plus the typed one
