"""Rendering of a Recommendation (shared by the Advisor and the Report pages). Reads the model; computes nothing."""

from __future__ import annotations

import importlib.util
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from eksadvisor.output import charts, report
from eksadvisor.recommendation import Recommendation
from eksadvisor.severity import SEVERITIES as SEVERITY_ORDER
from eksadvisor.wording import plain

SEVERITY_ICON = {"critical": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}
REPORT_FORMATS = {  # format -> (label, file extension, MIME type)
    "md": ("Markdown", "md", "text/markdown"),
    "html": ("HTML", "html", "text/html"),
    "pdf": ("PDF", "pdf", "application/pdf"),
    "json": ("JSON", "json", "application/json"),
    "yaml": ("YAML", "yaml", "application/yaml"),
}


def vpc_cidrs(answers: dict[str, Any]) -> list[str]:
    net = answers.get("network") or {}
    return [c for c in [net.get("vpc_cidr", "10.0.0.0/16"), *(net.get("secondary_cidrs") or [])] if c]


def header(key: Any) -> str:
    """A column header for people: ``subnet_addresses`` -> ``subnet addresses`` (engine field names as words)."""
    return str(key).replace("_", " ")


def _table(rows: list[dict[str, Any]], *, wrap: bool = False) -> None:
    """A table of rows; ``wrap`` for prose columns (st.table wraps text, st.dataframe truncates it).

    Headers read as words, and a missing value is an empty cell, never the text "None"."""
    if not rows:
        return
    frame = pd.DataFrame(rows).rename(columns=header).astype(object)
    frame = frame.where(frame.notna(), "")
    if wrap:
        st.table(frame.set_index(frame.columns[0]))
    else:
        st.dataframe(frame, hide_index=True, width="stretch")


def show_chart(chart: Any) -> None:
    # st.altair_chart takes width="stretch" in current Streamlit (use_container_width is deprecated).
    st.altair_chart(chart, width="stretch")


def _why_tab(rec: Recommendation) -> None:
    st.markdown("**Why not the others**")
    _table([{"option": a.option, "verdict": a.verdict, "reason": plain(a.reason)} for a in rec.alternatives], wrap=True)
    if rec.trace:
        st.markdown("**Decision path** (the Decision graph page draws it)")
        _table([{"node": t.node, "outcome": t.outcome, "reason": plain(t.reason), "source": plain(t.source)}
                for t in rec.trace],
               wrap=True)


def _settings_tab(rec: Recommendation) -> None:
    st.markdown("**aws-node container environment**")
    _table([{"variable": k, "value": v} for k, v in sorted(rec.settings.items())])
    if rec.init_settings:
        st.markdown("**aws-node init container environment**")
        _table([{"variable": k, "value": v} for k, v in sorted(rec.init_settings.items())])


def _max_pods_tab(rec: Recommendation) -> None:
    _table([
        {"instance type": itype, "kubelet max-pods": value,
         "raw ceiling": rec.max_pods_detail.get(itype, {}).get("raw_max_pods", ""),
         "formula": rec.max_pods_detail.get(itype, {}).get("formula", ""),
         "why": plain(" ".join(rec.max_pods_detail.get(itype, {}).get("notes", [])))}
        for itype, value in sorted(rec.max_pods.items())
    ], wrap=True)
    _table([
        {"node group": g.name, "instance types": ", ".join(g.instance_types), "max-pods": g.max_pods,
         "limiting type": g.limiting_type, "desired": g.desired_nodes, "max": g.max_nodes,
         "pods per node": g.pods_per_node}
        for g in rec.node_groups
    ])


def _subnets_tab(rec: Recommendation, answers: dict[str, Any]) -> None:
    _table([
        {"name": s.name, "role": s.role, "AZ": s.az, "CIDR": s.cidr, "usable IPs": s.usable_ips,
         "existing": "existing" if s.existing else "new"}
        for s in rec.subnets
    ], wrap=True)
    if rec.secondary_cidrs:
        st.write("Associate with the VPC: " + ", ".join(f"`{c}`" for c in rec.secondary_cidrs))
    chart = charts.recommendation_address_map(rec, vpc_cidrs(answers))
    if chart is not None:
        show_chart(chart)
    for f in rec.plan_findings:
        st.warning(plain(f.get("message", str(f))))


def _budget_tab(rec: Recommendation) -> None:
    chart = charts.recommendation_ip_budget(rec)
    if chart is not None:
        show_chart(chart)
    _table([{"node group": g.name, **g.per_node} for g in rec.node_groups if g.per_node], wrap=True)
    growth = charts.recommendation_growth(rec)
    if growth is not None:
        show_chart(growth)
    if rec.az_usage:
        _table([u.model_dump() for u in rec.az_usage], wrap=True)


def recommendation(rec: Recommendation, answers: dict[str, Any]) -> None:
    """The whole recommendation: mode and why, alternatives, warnings, tables, charts, snippets."""
    st.subheader(f"Recommended: {report.mode_label(rec)}")
    if rec.summary:
        st.write(rec.summary)
    if rec.strategies:
        st.write("Strategies: " + ", ".join(f"`{s}`" for s in rec.strategies))
    c1, c2, c3 = st.columns(3)
    c1.metric("IP family", rec.ip_family)
    c2.metric("address mode", rec.address_mode)
    c3.metric("endpoint access", rec.endpoint_access)

    (t_why, t_warn, t_settings, t_pods, t_subnets, t_budget, t_compare, t_snippets) = st.tabs(
        ["Why", f"Warnings ({len(rec.warnings)})", "Settings", "Max pods", "Subnets", "IP budget",
         "Compare options", f"Snippets ({len(rec.snippets)})"]
    )
    with t_why:
        _why_tab(rec)
    with t_warn:
        warnings(rec)
    with t_settings:
        _settings_tab(rec)
    with t_pods:
        _max_pods_tab(rec)
    with t_subnets:
        _subnets_tab(rec, answers)
    with t_budget:
        _budget_tab(rec)
    with t_compare:
        compare_options(answers)
    with t_snippets:
        snippets(rec)


COMPARE_COLUMNS = {  # compare() column -> header shown
    "option": "option", "recommended": "recommended", "max_pods": "max pods", "subnet_addresses_desired":
    "addresses at desired", "subnet_addresses_max": "addresses at max", "subnet_capacity": "subnet capacity",
    "fits": "fits", "headroom_nodes": "headroom (nodes)", "critical_warnings": "critical warnings",
    "secondary_cidrs": "secondary CIDRs", "note": "note",
}


def _compare_cell(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def compare_options(answers: dict[str, Any]) -> None:
    """The same answers planned under every option (eksadvisor.decide.whatif.compare_rows), table beside the chart."""
    from eksadvisor_app.views._common import compare_options as rows_for

    rows = rows_for(answers)
    st.caption("The same answers planned under each pod-addressing option by the same engine as the "
               "recommendation: max pods, subnet addresses at desired and max nodes (warm pools included), whether "
               "the subnet plan fits, and how many more nodes its subnets hold.")
    left, right = st.columns([3, 2])
    with left:
        # cells as text: an unavailable option has no figures ("-"), and a column must hold one type (Arrow)
        _table([{COMPARE_COLUMNS[k]: _compare_cell(r[k]) for k in COMPARE_COLUMNS} for r in rows], wrap=True)
    with right:
        show_chart(charts.compare_chart(rows))


def warnings(rec: Any) -> None:
    if not rec.warnings:
        st.success("No warnings.")
        return
    for severity in SEVERITY_ORDER:
        items = [w for w in rec.warnings if w.severity == severity]
        if not items:
            continue
        st.markdown(f"**{severity.capitalize()}** ({len(items)})")
        for w in items:
            box = {"critical": st.error, "warning": st.warning, "info": st.info}[severity]
            box(f"**{plain(w.message)}**\n\nRemediation: {plain(w.remediation)}\n\n`{w.id}` — {plain(w.source)}",
                icon=SEVERITY_ICON[severity])


def snippets(rec: Any) -> None:
    """Every generated artefact; st.code draws a copy button on each block."""
    if not rec.snippets:
        st.info("No snippets for this recommendation.")
        return
    lang = report.snippet_language  # the report's choice of highlighting, so both show snippets alike
    names = sorted(rec.snippets)
    choice = st.selectbox("Artefact", names, key="snippet_choice")
    st.code(rec.snippets[choice], language=lang(choice, rec.snippets[choice]))
    with st.expander("All artefacts"):
        for name in names:
            st.markdown(f"**{name}**")
            st.code(rec.snippets[name], language=lang(name, rec.snippets[name]))


def pdf_available() -> bool:
    """Whether WeasyPrint (the report extra) is installed, without importing it."""
    return importlib.util.find_spec("weasyprint") is not None


def downloads(rec: Any, answers_model: Any, key: str) -> None:
    """One download button per report format the engine offers, and the answers as a YAML file.

    The files are made on click: st.download_button takes a callable as ``data`` and runs it only when the
    button is pressed (its docstring, Streamlit 1.67), so a PDF is never laid out just to draw the page;
    ``on_click="ignore"`` keeps the click from rerunning the page.
    """
    formats = [f for f in report.FORMATS if f in REPORT_FORMATS]
    cols = st.columns(len(formats) + 1)
    stem = f"eksadvisor-{rec.cluster_name}"
    for col, fmt in zip(cols, formats, strict=False):
        label, ext, mime = REPORT_FORMATS[fmt]
        if fmt == "pdf" and not pdf_available():
            # `make run` installs it; an app installed some other way says what is missing instead of failing
            # on click ("Failed to generate file for download").
            col.button(label, key=f"{key}_{fmt}", icon=":material/download:", disabled=True,
                       help="The PDF report needs WeasyPrint: pip install 'eksadvisor[report]'.")
            continue
        col.download_button(
            label, partial(report.render_report, rec, answers_model, fmt), file_name=f"{stem}.{ext}",
            mime=mime, key=f"{key}_{fmt}", icon=":material/download:", on_click="ignore",
        )
    cols[-1].download_button(
        "Answers (YAML)", lambda: report.export_answers_yaml(answers_model), file_name=f"{stem}-answers.yaml",
        mime="application/yaml", key=f"{key}_answers", icon=":material/download:", on_click="ignore",
    )
