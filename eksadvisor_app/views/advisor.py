"""Advisor: the questionnaire one topic at a time (or an uploaded answers file), then the recommendation."""

from __future__ import annotations

from typing import Any

import streamlit as st

from eksadvisor.answers import MAX_FILE_BYTES, parse_answers_text, validate_answers
from eksadvisor.errors import InputError
from eksadvisor.output import report
from eksadvisor_app.views import _questions
from eksadvisor_app.views._common import Fields, clear_answers, encode_answers, get_answers, recommend, set_answers
from eksadvisor_app.views._render import downloads, recommendation

st.title("Advisor")
st.caption(
    "Answer a few questions about pod density, address space, on-prem overlap, IPv6 readiness, Security Groups for "
    "Pods and Multus. The advisor walks the EKS best-practices decision graph and recommends a VPC CNI mode, a subnet "
    "layout, aws-node settings and max-pods, with the configuration to apply."
)

fields = Fields()
answers = get_answers(fields)

with st.expander("Upload an answers file, or start over", expanded=answers is None):
    upload = st.file_uploader("Answers file (YAML or JSON, format version 1)", type=["yaml", "yml", "json"],
                              key="upload", help=f"At most 1 MiB ({MAX_FILE_BYTES:,} bytes), the same limit as the "
                                                 "command line's; an answers file is a few hundred bytes.")
    fields.slot("upload")
    if upload is not None and st.session_state.get("_uploaded") != upload.file_id:
        upload_name = upload.name

        def _load(raw: bytes) -> dict[str, Any]:
            if len(raw) > MAX_FILE_BYTES:  # the loader's own limit (.streamlit/config.toml caps uploads at 1 MiB too)
                raise InputError(f"upload: {upload_name!r} is {len(raw):,} bytes, over the 1 MiB limit for an answers "
                                 "file.", field="upload")
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError("upload: the file is not UTF-8 text.", field="upload") from None
            data = parse_answers_text(text, field="upload")
            validate_answers(data, field="upload")
            return data

        data = fields.call(_load, upload.getvalue())
        if data is not None:
            st.session_state["_uploaded"] = upload.file_id
            set_answers(data)
            _questions.reset(done=True)
            answers = data
            # The full recommendation is drawn below the questions, out of sight after an upload: say here what it
            # is and where (the engine call is cached, so the page below reuses it).
            _, loaded = recommend(data, fields)
            headline = f" Recommended: **{report.mode_label(loaded)}**." if loaded is not None else ""
            st.success(f"Loaded {upload.name}.{headline} The details, charts and downloads are below the questions.",
                       icon=":material/arrow_downward:")
    if answers is not None and st.button("Start over with the defaults", key="start_over"):
        clear_answers()
        _questions.reset(done=False)
        st.session_state.pop("_uploaded", None)
        st.rerun()

# Answers that arrive with the session (a shared link) go straight to the recommendation.
st.session_state.setdefault(_questions.DONE, answers is not None)
answers = _questions.questionnaire(answers if answers is not None else {}, fields)

if answers is None:
    st.stop()

model, rec = recommend(answers, fields)
if rec is None:
    st.stop()

st.divider()
recommendation(rec, answers)

st.divider()
st.markdown("**Downloads**")
downloads(rec, model, key="adv_dl")
link = f"{(st.context.url or '').split('?')[0]}?a={encode_answers(answers)}"
st.markdown("**Share these answers**: the page address holds them; this link reopens this recommendation.")
st.code(link, language="text", wrap_lines=True)
