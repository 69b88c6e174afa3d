"""The PDF report (issue 8): WeasyPrint output whose text is real text — selectable and searchable —
holding the cluster name, the mode and every subnet CIDR; nothing fetched while rendering."""

from __future__ import annotations

import io
import logging
import re

import pypdf
import pytest

from eksadvisor.answers import load_answers
from eksadvisor.output.report import html_to_pdf, mode_label, render_report
from tests.conftest import EXAMPLES
from tests.output.test_report import STAMP, sample_answers, sample_recommendation


def pdf_text(data: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text, reader


def flat(text: str) -> str:
    """Whitespace collapsed: a phrase may wrap across lines on the page."""
    return re.sub(r"\s+", " ", text)


def _check(rec, data: bytes) -> None:
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text, reader = pdf_text(data)
    words = flat(text)
    assert rec.cluster_name in words
    assert mode_label(rec) in words
    assert f"Generated: {STAMP}" in words
    for s in rec.subnets:
        assert s.cidr in text, s.cidr  # CIDRs never wrap (nowrap cells), so they are found as typed
    for key in rec.settings:
        assert key in text, key
    assert rec.provenance.answers_digest in words
    meta = reader.metadata
    assert rec.cluster_name in (meta.title or "")
    assert (meta.get("/CreationDate") or "").startswith("D:" + re.sub(r"\D", "", STAMP))
    assert len(reader.pages) >= 3


@pytest.fixture(scope="module")
def sample_pdf(request):
    """The sample's PDF, rendered once for the module, with WeasyPrint's log records of that render."""
    rec, answers = sample_recommendation(), sample_answers()
    records: list[logging.LogRecord] = []

    class _Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = _Keep(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        data = render_report(rec, answers, "pdf", generated_at=STAMP)
    finally:
        logger.removeHandler(handler)
    return rec, data, records


def test_pdf_of_the_sample_fixture_is_searchable(sample_pdf):
    rec, data, _ = sample_pdf
    _check(rec, data)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_pdf_of_each_example_is_searchable(example):
    from eksadvisor.decide.advisor import advise

    answers = load_answers(example)
    rec = advise(answers)
    _check(rec, render_report(rec, answers, "pdf", generated_at=STAMP))


def test_pdf_is_deterministic_for_a_given_time(sample_pdf):
    rec, data, _ = sample_pdf
    assert render_report(rec, sample_answers(), "pdf", generated_at=STAMP) == data


def test_pdf_renders_without_css_or_fetch_warnings(sample_pdf):
    """WeasyPrint understood the whole stylesheet (an escaped or invalid rule would be logged)."""
    _, _, records = sample_pdf
    assert not [r.getMessage() for r in records]


def test_pdf_text_is_not_broken_by_ligatures(sample_pdf):
    """'fi', 'fl' stay two letters in the extracted text, so a search for them finds the words."""
    _, data, _ = sample_pdf
    text, _ = pdf_text(data)
    assert "\ufb01" not in text and "\ufb02" not in text
    assert "prefix delegation" in flat(text)


@pytest.mark.parametrize("markup", [
    '<img src="http://127.0.0.1:9/x.png">',
    '<link rel="stylesheet" href="https://127.0.0.1:9/x.css">',
    '<div style="background: url(file:///etc/hostname)">x</div>',
])
def test_pdf_renderer_fetches_nothing(markup):
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError, match="may not load"):
        html_to_pdf(f"<!DOCTYPE html><html><head></head><body>{markup}<p>text</p></body></html>")


def test_pdf_of_an_ipv6_recommendation_is_searchable():
    from eksadvisor.answers import validate_answers
    from eksadvisor.decide.advisor import advise
    from tests.output.test_report import VARIANTS

    answers = validate_answers({"version": 1, **VARIANTS["ipv6"]})
    rec = advise(answers)
    data = render_report(rec, answers, "pdf", generated_at=STAMP)
    _check(rec, data)
    assert "IPv6 (prefix mode)" in flat(pdf_text(data)[0])
