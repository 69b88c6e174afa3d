"""The audit result as Markdown or HTML (HTML: the Markdown's content in a small self-contained page, escaped)."""

from __future__ import annotations

import html
from typing import Any

from eksadvisor.audit.model import AuditResult, CurrentSettings


def _cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return [*out, ""]


def forecast_bar(now: int, rec: int | None, width: int = 30) -> str:
    """A text bar of nodes that fit now (#) and under the recommendation (=), scaled to the larger."""
    top = max(now, rec or 0, 1)
    a = round(width * now / top)
    b = round(width * (rec or 0) / top) if rec is not None else 0
    return "#" * a + (" / " + "=" * b if rec is not None else "")


def _settings_md(cs: CurrentSettings) -> list[str]:
    lines = ["## Current settings", ""]
    lines += _table(["setting", "value"], [
        ["IP family", cs.ip_family], ["address mode", cs.address_mode], ["custom networking", cs.custom_networking],
        ["Security Groups for Pods", cs.sgp], ["VPC CNI version", f"{cs.cni_version} ({cs.cni_version_source})"],
        ["managed add-on", "unknown" if cs.managed_addon is None else cs.managed_addon], ["CNI IAM role", cs.cni_role],
        ["endpoint access", cs.endpoint_access]])
    lines += _table(["aws-node env", "value", "from"],
                    [[k, v.value or "(not set)", v.source] for k, v in cs.env.items()])
    return lines


def _findings_md(r: AuditResult) -> list[str]:
    lines = ["## Findings", ""]
    if not r.findings:
        return [*lines, "No findings.", ""]
    for f in r.findings:
        lines += [f"- **{f.severity}** `{f.id}`: {f.message}", f"  - Fix: {f.remediation}", f"  - Source: {f.source}"]
    return [*lines, ""]


def _capacity_md(r: AuditResult) -> list[str]:
    """Subnets, the exhaustion forecast and node groups."""
    lines = ["## Subnets", ""]
    lines += _table(["subnet", "CIDR", "AZ", "role", "free IPs", "free /28s", "nodes", "more nodes that fit"],
                    [[s.subnet_id, s.cidr, s.az, s.role, s.free_ips, s.free_prefixes, s.nodes,
                      ", ".join(f"{g}: {n}" for g, n in s.nodes_that_fit.items()) or "-"] for s in r.subnets])
    lines += ["## Exhaustion forecast", "",
              "More nodes of each group that fit in each subnet before it is full: today (#) and with the recommended "
              "settings (=).", ""]
    lines += _table(["subnet", "AZ", "group", "now", "recommended", "chart"],
                    [[f.subnet_id, f.az, f.group, f.fit_now, "-" if f.fit_recommended is None else f.fit_recommended,
                      "`" + forecast_bar(f.fit_now, f.fit_recommended) + "`"] for f in r.forecast])
    lines += ["## Node groups", ""]
    lines += _table(["group", "named by", "OS", "types", "nodes", "pods/node", "kubelet max-pods", "supported"],
                    [[g.name, g.name_source, g.os, ", ".join(g.instance_types), g.nodes, g.pods_per_node,
                      ", ".join(map(str, g.max_pods_capacity)), g.max_pods_expected] for g in r.node_groups])
    return lines


def _changes_md(r: AuditResult) -> list[str]:
    lines = ["## Changes to the recommended settings", ""]
    if r.recommendation_error:
        lines += [f"No recommendation: {r.recommendation_error}", ""]
    for c in r.changes:
        lines.append(f"{c.step}. **{c.title}** — {c.detail}" + (f" (artefacts: {', '.join(c.artefacts)})" if c.artefacts else ""))
        lines += [f"   - `{cmd}`" for cmd in c.commands]
    if not r.changes and not r.recommendation_error:
        lines.append("None: the cluster already runs the recommended settings.")
    return [*lines, ""]


def render_markdown(r: AuditResult) -> str:
    """The audit as one Markdown page: settings, findings, capacity, changes, then what the audit could not see."""
    lines = [f"# Audit of EKS cluster {r.cluster_name}", "",
             f"Region {r.region}, VPC {r.vpc_id}, read from {r.origin}.", ""]
    lines += _settings_md(r.current_settings) + _findings_md(r) + _capacity_md(r) + _changes_md(r)
    if r.limitations or r.notes:
        lines += ["## Limits of this audit", ""] + [f"- {t}" for t in [*r.limitations, *r.notes]] + [""]
    return "\n".join(lines)


def forecast_svg(r: AuditResult) -> str | None:
    """The exhaustion forecast chart as checked inline SVG (the report's own sanitiser), or None without the
    ``report`` extra (altair, vl-convert) or without rows."""
    try:
        from eksadvisor.output import charts
        from eksadvisor.output.report import chart_svg
    except ImportError:
        return None
    rows = charts.audit_forecast_rows(r.forecast)
    if not rows:
        return None
    try:
        return str(chart_svg(charts.audit_forecast_chart(rows), "forecast"))
    except ImportError:
        return None


def render_html(r: AuditResult) -> str:
    """The Markdown, escaped, in a small self-contained page with the forecast chart on top."""
    body = html.escape(render_markdown(r))
    svg = forecast_svg(r)
    figure = f"<figure>{svg}<figcaption>Exhaustion forecast</figcaption></figure>" if svg else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            f"Audit of {html.escape(r.cluster_name)}</title></head><body>{figure}"
            f"<pre style=\"white-space:pre-wrap\">{body}</pre></body></html>\n")


def render(r: AuditResult, fmt: str) -> bytes:
    """The audit serialised as json (sorted keys, indent 2), md or html."""
    if fmt == "json":
        import json

        return (json.dumps(r.model_dump(mode="json"), sort_keys=True, indent=2) + "\n").encode("utf-8")
    if fmt == "md":
        return render_markdown(r).encode("utf-8")
    if fmt == "html":
        return render_html(r).encode("utf-8")
    raise ValueError(fmt)


__all__ = ["forecast_bar", "render", "render_html", "render_markdown"]
