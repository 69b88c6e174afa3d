"""The Audit page (AppTest) and the zip reader behind it (size caps, zip-bomb safety)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from eksadvisor.audit.bundle import read_zip
from eksadvisor.audit.engine import audit_bundle
from eksadvisor.errors import InputError
from eksadvisor.output import charts
from tests.audit.audit_bundles import build, three_az
from tests.conftest import ROOT


def zipped(docs, resv, top="bundle/"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, doc in docs.items():
            zf.writestr(top + name, json.dumps(doc))
        for sid, doc in (resv or {}).items():
            zf.writestr(f"{top}subnet-cidr-reservations/{sid}.json", json.dumps(doc))
    return buf.getvalue()


def test_zip_reader_equals_folder_reader(tmp_path):
    from eksadvisor.audit import audit
    from tests.audit.audit_bundles import write

    docs, resv = build(three_az(addon=None))
    a = audit_bundle(read_zip(zipped(docs, resv))).model_dump(mode="json")
    b = audit(write(tmp_path / "b", docs, resv)).model_dump(mode="json")
    a.pop("origin"), b.pop("origin")
    assert a == b


def test_zip_caps(monkeypatch):
    import eksadvisor.audit.bundle as bundle

    docs, resv = build(three_az())
    with pytest.raises(InputError, match=r"^bundle.zip: is not a zip file\.$"):
        read_zip(b"PK\x03\x04 not really")
    monkeypatch.setattr(bundle, "MAX_FILE_BYTES", 2000)  # a member bigger than the cap is refused before unpacking
    with pytest.raises(InputError, match=r"unpacked, over the"):
        read_zip(zipped(docs, resv))
    monkeypatch.setattr(bundle, "MAX_FILE_BYTES", 128 * 1024 * 1024)
    monkeypatch.setattr(bundle, "MAX_ZIP_TOTAL", 5000)  # the running total of unpacked bytes is capped too
    with pytest.raises(InputError, match=r"^bundle.zip: unpacks to more than"):
        read_zip(zipped(docs, resv))
    monkeypatch.setattr(bundle, "MAX_ZIP_BYTES", 100)
    with pytest.raises(InputError, match=r"upload limit"):
        read_zip(zipped(docs, resv))


def test_zip_missing_file_is_one_sentence():
    docs, resv = build(three_az())
    del docs["subnets.json"]
    with pytest.raises(InputError, match=r"^subnets.json: is missing from the bundle"):
        read_zip(zipped(docs, resv, top=""))


def test_forecast_chart_rows():
    docs, resv = build(three_az())
    r = audit_bundle(read_zip(zipped(docs, resv)))
    rows = charts.audit_forecast_rows(r.forecast)
    assert {(x["scenario"], x["nodes"]) for x in rows} == {("today", 135), ("recommended", 135)}
    spec = charts.audit_forecast_chart(rows).to_dict()
    assert spec["mark"]["type"] == "bar" and len(spec["data"]["values"]) == 6


def test_audit_page_renders_an_uploaded_bundle():
    spec = three_az(addon=None, env={"ENABLE_PREFIX_DELEGATION": "true"})
    spec.subnets[2].fragment_every = 1
    docs, resv = build(spec)
    at = AppTest.from_file(str(ROOT / "eksadvisor_app" / "main.py"), default_timeout=60)
    at.session_state["audit_bundle_zip"] = zipped(docs, resv)
    at.run()
    at.switch_page("views/audit.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Audit"
    assert {m.label: m.value for m in at.metric}["Address mode"] == "prefix"
    labels = [e.label for e in at.expander]
    assert "critical: audit-prefix-fragmented" in labels and "warning: use-managed-addon" in labels


def test_audit_page_bad_zip_is_inline():
    at = AppTest.from_file(str(ROOT / "eksadvisor_app" / "main.py"), default_timeout=60)
    at.session_state["audit_bundle_zip"] = b"not a zip"
    at.run()
    at.switch_page("views/audit.py")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["bundle.zip: is not a zip file."]


def test_html_report_embeds_the_forecast_chart():
    from eksadvisor.audit.render import render

    docs, resv = build(three_az())
    out = render(audit_bundle(read_zip(zipped(docs, resv))), "html").decode()
    assert "<figure><svg" in out and "More nodes that fit before each subnet is full" in out
    assert "<script" not in out
