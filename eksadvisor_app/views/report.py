"""Report: the recommendation for the current answers, downloadable in every format the engine offers."""

from __future__ import annotations

import streamlit as st

from eksadvisor.output import report
from eksadvisor_app.views._common import Fields, get_answers, no_answers_hint, recommend
from eksadvisor_app.views._render import REPORT_FORMATS, downloads

st.title("Report")
fields = Fields()
answers = get_answers(fields)
if answers is None:
    no_answers_hint()
    st.caption("Formats: " + ", ".join(REPORT_FORMATS[f][0] for f in report.FORMATS if f in REPORT_FORMATS) + ".")
    st.stop()

model, rec = recommend(answers, fields)
if rec is None:
    st.stop()

st.caption(f"{rec.cluster_name}: {report.mode_label(rec)}. Markdown, HTML and PDF carry the charts and the generated "
           "configuration; JSON and YAML are the Recommendation itself (schema version "
           f"{rec.schema_version}).")
downloads(rec, model, key="rep_dl")

preview = fields.call(report.render_report, rec, model, "md")
if preview is not None:
    with st.expander("Preview (Markdown)", expanded=True):
        st.markdown(preview.decode("utf-8"))
