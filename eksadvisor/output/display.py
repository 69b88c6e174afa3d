"""Rich display of engine results in Jupyter (and any front end that honours IPython's display protocol).

The result classes (:class:`~eksadvisor.recommendation.Recommendation`, :class:`~eksadvisor.model.maxpods.MaxPodsResult`,
:class:`~eksadvisor.model.ipam.NodeUsage`, :class:`~eksadvisor.model.ipam.IpUsageReport`, the subnet plan, the audit's
:class:`~eksadvisor.audit.model.AuditResult`) each have a
two-line ``_repr_html_`` that calls the matching function here, so nothing of this module (nor jinja2) is imported
until a notebook asks for a display. IPython itself is never imported: the protocol is just a method name.

Every fragment shows a compact summary first (the decision, the key numbers, warnings counted by severity) and
folds the details in ``<details>``. The HTML is rendered from the package templates ``templates/display_*.html.j2``
by the report's Jinja2 environment with autoescape (:func:`eksadvisor.output.report.template_environment`), so a hostile cluster name or instance type shows as text, never as markup.
Charts are the report's: drawn by :mod:`eksadvisor.output.charts`, exported to inline SVG by vl-convert and checked by
:func:`eksadvisor.output.report.safe_svg` (no script, nothing loaded), so the fragment also renders where JavaScript is off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eksadvisor.severity import SEVERITIES

_CSS = (
    "<style>.eksa{font-family:system-ui,sans-serif;font-size:13px;line-height:1.4}"
    ".eksa table{border-collapse:collapse;margin:4px 0}.eksa td,.eksa th{border:1px solid #ddd;padding:2px 6px;"
    "text-align:left}.eksa td.n{text-align:right}.eksa .critical{color:#b00020;font-weight:600}"
    ".eksa .warning{color:#a15c00}.eksa summary{cursor:pointer;font-weight:600}</style>"
)


def _render(name: str, **context: Any) -> str:
    """The fragment ``templates/display_<name>.html.j2`` with its CSS (the report's cached HTML environment)."""
    from markupsafe import Markup

    from eksadvisor.output.report import template_environment

    template = template_environment("html").get_template(f"display_{name}.html.j2")
    return str(Markup(_CSS) + Markup(template.render(**context)))


def _charts(specs: Sequence[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    from eksadvisor.output.report import chart_svg

    return [{"caption": caption, "svg": chart_svg(chart, cid)} for cid, caption, chart in specs if chart is not None]


def recommendation_html(rec: Any, *, charts: bool = True) -> str:
    """A Recommendation as an HTML fragment: mode and key numbers, warnings by severity, details folded."""
    from eksadvisor.output.report import mode_label

    counts = [(sev, sum(1 for w in rec.warnings if w.severity == sev)) for sev in SEVERITIES]
    lowest = min((g.max_pods for g in rec.node_groups), default=0)
    at_max = sum(u.node_subnet_addresses_max + u.pod_subnet_addresses_max for u in rec.az_usage)
    facts = [
        ["Max pods (lowest node group)", lowest],
        ["Subnet addresses at max nodes", at_max],
        ["Subnets planned", len(rec.subnets)],
        ["Secondary CIDRs to associate", ", ".join(rec.secondary_cidrs) or "none"],
    ]
    specs: list[tuple[str, str, Any]] = []
    if charts:
        from eksadvisor.output import charts as ch

        specs = [("nb-ip-budget", "subnet addresses each node holds", ch.recommendation_ip_budget(rec)),
                 ("nb-growth", "addresses used as node groups grow", ch.recommendation_growth(rec))]
    return _render(
        "recommendation", cluster=rec.cluster_name, mode=mode_label(rec), summary=rec.summary,
        refusal="" if getattr(rec, "complete", True) else (getattr(rec, "refusal", "") or "the subnet plan is incomplete"),
        facts=facts, counts=[(s, n) for s, n in counts if n],
        warnings=[(sev, [w for w in rec.warnings if w.severity == sev]) for sev, n in counts if n],
        groups=[[g.name, ", ".join(g.instance_types), g.max_pods, g.limiting_type or "-", g.desired_nodes,
                 g.max_nodes, g.pods_per_node, g.subnet_addresses_at_max] for g in rec.node_groups],
        azs=[[u.az, u.nodes_desired, u.nodes_max, u.node_subnet_addresses_desired, u.node_subnet_addresses_max,
              u.pod_subnet_addresses_desired, u.pod_subnet_addresses_max] for u in rec.az_usage],
        subnets=[[s.name, s.role, s.az, s.cidr, s.usable_ips, "yes" if s.existing else "no"] for s in rec.subnets],
        secondary=list(rec.secondary_cidrs),
        settings=[[k, v] for k, v in sorted({**rec.settings, **{f"(init) {k}": v for k, v in rec.init_settings.items()}}.items())],
        trace=[[t.node, t.outcome, t.reason] for t in rec.trace],
        alternatives=[[a.option, a.verdict, a.reason] for a in rec.alternatives],
        charts=_charts(specs), digest=rec.provenance.answers_digest,
        catalog=rec.provenance.catalog_snapshot, version=rec.provenance.eksadvisor_version,
    )


def _max_pods_terms(r: Any) -> list[list[Any]]:
    return [
        ["Formula", r.formula()], ["ENIs (instance)", r.enis_instance], ["ENIs for pods", r.enis_for_pods],
        ["IPv4 per ENI", r.ipv4_per_eni], ["Addresses per slot", r.addresses_per_slot],
        ["Raw max pods", r.raw_max_pods], ["Ceiling", r.ceiling], ["Capped", "yes" if r.capped else "no"],
        ["vCPUs", "-" if r.vcpus is None else r.vcpus], ["Catalog snapshot", r.catalog_snapshot or "-"],
    ]


def max_pods_html(r: Any) -> str:
    """A MaxPodsResult: the value first, the formula's terms folded."""
    mode = "prefix delegation" if r.mode == "prefix" else "secondary IP"
    return _render("maxpods", r=r, mode=mode, terms=_max_pods_terms(r))


def max_pods_markdown(r: Any) -> str:
    """A MaxPodsResult as one Markdown line (the user strings escaped as in the Markdown report)."""
    from eksadvisor.output.report import md_code, md_escape

    mode = "prefix delegation" if r.mode == "prefix" else "secondary IP"
    return (f"**{md_escape(r.instance_type, block=False)}**: max pods **{r.max_pods}** ({mode}, VPC CNI "
            f"{md_escape(r.cni_version, block=False)}) = {md_code(r.formula())}"
            + (f", capped at {r.ceiling}" if r.capped else "") + "\n")


def node_usage_html(u: Any, *, nodes: int = 0, total: int = 0, charts: bool = True) -> str:
    """A NodeUsage (one node's settled ipamd state): subnet addresses first, arithmetic folded."""
    specs: list[tuple[str, str, Any]] = []
    if charts:
        from eksadvisor.output import charts as ch

        specs = [("nb-node", "IP budget of this node", ch.ip_budget_chart(ch.ip_budget_rows([(u.instance_type, u)])))]
    return _render("node", u=u, nodes=nodes, total=total, charts=_charts(specs))


def ip_usage_report_html(report: Any, *, charts: bool = True) -> str:
    """An IpUsageReport: the per-node state plus the totals for its nodes."""
    t = report.totals
    return node_usage_html(report.per_node, nodes=t.nodes, total=t.subnet_addresses_max, charts=charts)


def subnet_plan_html(plan: Any) -> str:
    """A SubnetPlan: complete or not (and why), the subnets, findings folded."""
    findings = [(getattr(f, "severity", "info"), getattr(f, "message", str(f))) for f in plan.findings]
    return _render(
        "plan", p=plan, findings=findings,
        subnets=[[s.name, s.role, s.az, s.cidr, s.usable_ips, "yes" if s.existing else "no"] for s in plan.subnets],
    )


def audit_html(r: Any, *, charts: bool = True) -> str:
    """An AuditResult (docs/design.md §2.5): the running mode and the findings by severity first, subnets, groups, the
    exhaustion forecast (with the audit's chart) and the changes folded."""
    counts = [(sev, sum(1 for f in r.findings if f.severity == sev)) for sev in SEVERITIES]
    cs = r.current_settings
    mode = ("IPv6" if cs.ip_family == "ipv6" else "IPv4, " + ("prefix delegation" if cs.address_mode == "prefix"
                                                            else "secondary IP mode")) \
        + (", with custom networking" if cs.custom_networking else "")
    fits = [(n, f"{s.subnet_id}, {g}") for s in r.subnets for g, n in sorted(s.nodes_that_fit.items())]
    specs: list[tuple[str, str, Any]] = []
    if charts and r.forecast:
        from eksadvisor.output import charts as ch

        rows = ch.audit_forecast_rows(r.forecast)
        if rows:
            specs = [("nb-forecast", "exhaustion forecast", ch.audit_forecast_chart(rows))]
    return _render(
        "audit", r=r, mode=mode, counts=[(s, n) for s, n in counts if n], fit=min(fits) if fits else None,
        findings=[(sev, [f for f in r.findings if f.severity == sev]) for sev, n in counts if n],
        subnets=[[s.subnet_id, s.az, s.role, s.cidr, s.usable_ips, s.free_ips, s.free_prefixes, s.nodes,
                  ", ".join(f"{g}: {n}" for g, n in sorted(s.nodes_that_fit.items())) or "-"] for s in r.subnets],
        groups=[[g.name, g.os, ", ".join(g.instance_types), g.nodes, g.pods_per_node,
                 ", ".join(map(str, g.max_pods_capacity)) or "-", "-" if g.max_pods_expected is None else g.max_pods_expected]
                for g in r.node_groups],
        forecast=[[f.subnet_id, f.az, f.group, f.nodes_now, f.fit_now, "-" if f.fit_recommended is None else f.fit_recommended]
                  for f in r.forecast],
        charts=_charts(specs),
    )



