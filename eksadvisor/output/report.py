"""Recommendation reports: Markdown, self-contained HTML (inline SVG charts), PDF, JSON and YAML.

One entry point, :func:`render_report`, serves the CLI (``eksadvisor advise FILE --format ...``), the
app's download buttons and Python callers alike. The report shows: the summary (mode and why), the
answers, max pods per type and node group, the IP budget per node and per AZ, the subnet layout and
the VPC address map, aws-node settings, warnings by severity, the decision trace, the alternatives,
the generated configuration, provenance, and the answers again as re-importable YAML
(:func:`export_answers_yaml`).

Guarantees:

- **Safe.** HTML is rendered by Jinja2 with autoescape; Markdown with a finalize hook that escapes
  every value (:mod:`eksadvisor.output.markdown`); the templates are package files in
  ``eksadvisor/output/templates``. The HTML loads nothing: CSS is inline, charts
  are inline SVG (rendered by vl-convert from :mod:`eksadvisor.output.charts` with no URL allowed, then
  checked element by element), there is no script, and a Content-Security-Policy forbids any load.
  The PDF renderer refuses to fetch any URL.
- **Deterministic.** The same answers give the same bytes except for the one ``Generated:`` line
  (and, in a PDF, the creation date that carries the same time).
- **Light.** Importing this module imports nothing heavy: jinja2, vl-convert, altair and WeasyPrint
  are imported inside the functions of the formats that need them (Markdown never loads WeasyPrint).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from eksadvisor.errors import EksAdvisorError, InputError
from eksadvisor.output.markdown import MdSafe, md_code, md_fence, md_finalize, md_table
from eksadvisor.output.markdown import md_escape as md_escape  # re-exported: the report's Markdown helpers
from eksadvisor.output.markdown import md_rich as md_rich
from eksadvisor.output.richtext import Code, Rich, rich_segments
from eksadvisor.output.richtext import yes_no as _yes_no
from eksadvisor.severity import SEVERITIES as SEVERITY_ORDER
from eksadvisor.severity import Severity
from eksadvisor.wording import confidence as confidence_words
from eksadvisor.wording import plain

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

    from eksadvisor.answers import Answers
    from eksadvisor.recommendation import Recommendation

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
FORMATS = ("md", "html", "pdf", "json", "yaml")
CHART_WIDTH = 640  # px; the charts module asks for the container's width, which an SVG export has not

SECTIONS = (
    ("summary", "1. Summary"),
    ("answers", "2. Answers"),
    ("max-pods", "3. Max pods"),
    ("ip-budget", "4. IP budget"),
    ("subnets", "5. Subnet layout"),
    ("settings", "6. aws-node settings"),
    ("warnings", "7. Warnings"),
    ("trace", "8. Decision trace"),
    ("alternatives", "9. Alternatives"),
    ("compare", "10. Compare options"),
    ("configuration", "11. Generated configuration"),
    ("provenance", "12. Provenance"),
    ("appendix-answers", "Appendix: answers (re-importable)"),
)
SECTION_TITLES = dict(SECTIONS)
SEVERITY_LABELS = tuple((sev, sev.capitalize()) for sev in SEVERITY_ORDER)  # (id, heading), most serious first
STRATEGY_LABELS = {
    "prefix_delegation": "prefix delegation",
    "secondary_cidr": "secondary VPC CIDR",
    "custom_networking": "custom networking",
    "ipv6": "IPv6",
    "private_nat_gateway": "private NAT gateway",
    "subnet_cidr_reservation": "subnet CIDR reservation",
    "alternate_cni": "alternate CNI",
}
ENDPOINT_LABELS = {"public": "public", "public_private": "public and private", "private": "private"}
# The per-node figures the report shows (ip-usage keys, docs/design.md §2.3, and a few of ipam's), in this order.
PER_NODE_KEYS = (
    ("instance_type", "instance type"), ("mode", "address mode"), ("max_pods", "max pods"), ("pods", "IP-using pods (workload + system)"),
    ("pods_with_ip", "pods with an IP"), ("enis", "ENIs"), ("trunk_enis", "trunk ENIs"),
    ("secondary_ips", "secondary IPs"), ("prefixes", "/28 prefixes"), ("pod_addresses", "pod addresses"),
    ("free_ips", "free (warm) IPs"), ("node_subnet_addresses", "node subnet addresses"),
    ("pod_subnet_addresses", "pod subnet addresses"), ("subnet_addresses", "subnet addresses"),
    ("ipv6_prefixes", "IPv6 /80 prefixes"), ("flags", "flags"), ("notes", "notes"),
)
MODE_LABELS = {"secondary_ip": "secondary IP", "prefix": "prefix", "ipv6": "IPv6"}


class ReportError(EksAdvisorError):
    """The report could not be built safely (a bug, not bad input)."""


# ------------------------------------------------------------------------------------ public API

def render_report(
    rec: Recommendation, answers: Answers | Mapping[str, Any] | str | Path, fmt: str, *,
    generated_at: str | None = None,
) -> bytes:
    """The recommendation as a report in ``fmt`` (md, html, pdf, json or yaml), as bytes.

    ``answers`` are the answers ``rec`` was advised from: an ``Answers`` model, or a mapping or file
    path as :func:`~eksadvisor.answers.load_answers` takes them.

    ``generated_at`` is the one time the report shows (``Generated: <ISO time>``); it defaults to now,
    in UTC, to the second. JSON is ``rec.model_dump(mode="json")`` with sorted keys, indented by 2,
    plus a newline; YAML is the same data through ``yaml.safe_dump(sort_keys=False, allow_unicode=True)``
    (as ``eksadvisor advise --format yaml`` prints it). Neither holds a time, so they are byte-identical
    for the same answers.
    """
    kind = str(fmt).strip().lower()
    if kind == "markdown":
        kind = "md"
    if kind not in FORMATS:
        raise InputError(f"format: {fmt!r} is not a report format; use one of {', '.join(FORMATS)}.", field="format")
    if kind == "json":
        return (json.dumps(rec.model_dump(mode="json"), sort_keys=True, indent=2) + "\n").encode("utf-8")
    if kind == "yaml":
        import yaml

        return yaml.safe_dump(rec.model_dump(mode="json"), sort_keys=False, allow_unicode=True).encode("utf-8")
    model = _answers_model(answers)
    when = generated_at if generated_at is not None else now_iso()
    rows = compare_rows_for(rec, model)
    context = build_context(rec, model, generated_at=when, compare=rows)
    if kind == "md":
        return render_markdown(context).encode("utf-8")
    if kind == "html":
        return render_html(context, charts=chart_figures(rec, model, compare=rows)).encode("utf-8")
    html = render_html(context, charts=chart_figures(rec, model, compare=rows), pdf_created=_pdf_date(when))
    return html_to_pdf(html)


def _answers_model(answers: Answers | Mapping[str, Any] | str | Path) -> Answers:
    """The answers as a model: a model (anything with ``model_dump``) as is, else through ``load_answers``."""
    if hasattr(answers, "model_dump"):
        return cast("Answers", answers)
    from eksadvisor.answers import load_answers

    return load_answers(answers)


def within(net: IPNetwork, parent: IPNetwork) -> bool:
    """``net`` lies inside ``parent`` (False across IP versions, where ``subnet_of`` would raise)."""
    return (net.version == parent.version and int(parent.network_address) <= int(net.network_address)
            and int(net.broadcast_address) <= int(parent.broadcast_address))


def export_answers_yaml(answers: Answers) -> str:
    """The answers as a YAML answers file: every field written out, in the model's order.

    ``load_answers`` of this text (saved to a file, or parsed and passed as a mapping) gives equal
    answers with the same digest, hence the identical recommendation.
    """
    import yaml

    from eksadvisor.answers import FORMAT_VERSION

    data = answers.model_dump(mode="json")
    head = (
        f"# eksadvisor answers (format version {FORMAT_VERSION}), exported with every field written out.\n"
        "# Run `eksadvisor advise FILE` on this file to get the same recommendation again.\n"
    )
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def now_iso() -> str:
    """The current time in UTC, to the second, as ``2026-01-31T12:00:00Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ----------------------------------------------------------------------------------- view model

def compare_rows_for(rec: Recommendation, answers: Answers) -> list[dict[str, Any]] | None:
    """compare()'s rows (:mod:`eksadvisor.decide.whatif`) when ``rec`` was advised from ``answers`` (same digest), else None:
    a recommendation shown beside other answers gets no comparison rather than one of different answers."""
    try:
        same = rec.provenance.answers_digest == answers.digest()
    except Exception:  # answers built without validation (model_construct) may not serialise: no comparison
        same = False
    if not same:
        return None
    from eksadvisor.decide.whatif import compare_rows

    return compare_rows(answers)


COMPARE_HEADERS = ["Option", "Recommended", "Max pods", "Addresses at desired", "Addresses at max",
                   "Subnet capacity", "Fits", "Headroom (nodes)", "Critical warnings", "Note"]


def _compare_table(rows: Sequence[Mapping[str, Any]] | None) -> list[list[Any]]:
    out = []
    for r in rows or []:
        na = not r["available"]
        note = r["note"] or "-"
        out.append([r["option"], _yes_no(r["recommended"]), *("-" if na else r[k] for k in (
            "max_pods", "subnet_addresses_desired", "subnet_addresses_max", "subnet_capacity")),
            "not available" if na else _yes_no(r["fits"]), "-" if na else r["headroom_nodes"],
            "-" if na else r["critical_warnings"], Rich(plain(note))])
    return out


def build_context(rec: Recommendation, answers: Answers, *, generated_at: str,
                  compare: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Everything the templates show: plain strings, numbers, :class:`Code` and :class:`Rich` values.

    All formatting decisions live here so the Markdown and HTML reports say the same thing. ``compare``:
    :func:`compare_rows_for`'s rows (the "Compare options" section is empty without them). One step per
    report section, each returning the names its part of the templates reads.
    """
    answers_data = answers.model_dump(mode="json")
    warnings_by_sev = {sev: [w for w in rec.warnings if w.severity == sev] for sev, _ in SEVERITY_LABELS}
    return {
        "cluster_name": rec.cluster_name,
        "generated_at": generated_at,
        "sections": [{"id": sid, "title": title} for sid, title in SECTIONS],
        **_summary_view(rec, warnings_by_sev),
        "answer_rows": [[Code(path), _text(value)] for path, value in _flatten_answers(answers_data)],
        **_max_pods_view(rec),
        **_ip_budget_view(rec),
        **_subnets_view(rec, answers_data),
        "settings_rows": [[Code(k), Code(v)] for k, v in sorted(rec.settings.items())],
        "init_settings_rows": [[Code(k), Code(v)] for k, v in sorted(rec.init_settings.items())],
        **_warnings_view(warnings_by_sev),
        "trace": [
            {"node": step.node, "outcome": step.outcome, "reason": Rich(plain(step.reason)),
             "inputs": _fmt_inputs(step.inputs), "source": plain(step.source)}
            for step in rec.trace
        ],
        "alternative_rows": [[Code(a.option), a.verdict, Rich(plain(a.reason))] for a in rec.alternatives],
        "compare_headers": COMPARE_HEADERS,
        "compare_rows": _compare_table(compare),
        "snippets": [
            {"name": name, "text": text, "lang": snippet_language(name, text)} for name, text in rec.snippets.items()
        ],
        "provenance": {
            "eksadvisor_version": rec.provenance.eksadvisor_version,
            "schema_version": rec.provenance.schema_version,
            "answers_digest": rec.provenance.answers_digest,
        },
        "provenance_rows": _provenance_rows(rec),
        "answers_yaml": export_answers_yaml(answers),
    }


def _warning_counts(warnings_by_sev: Mapping[Severity, Sequence[Any]]) -> list[str]:
    return [_count(len(warnings_by_sev[sev]), sev) for sev, _ in SEVERITY_LABELS if warnings_by_sev[sev]]


def _summary_view(rec: Recommendation, warnings_by_sev: Mapping[Severity, Sequence[Any]]) -> dict[str, Any]:
    """Section 1: the mode, the summary sentence and the decisions at a glance."""
    return {
        "mode_label": mode_label(rec),
        "summary": rec.summary or mode_label(rec) + ".",
        "facts": [
            ["IP family", "IPv6" if rec.ip_family == "ipv6" else "IPv4"],
            ["Address mode", "prefix delegation" if rec.address_mode == "prefix" else "secondary IP"],
            ["Custom networking", _yes_no(rec.custom_networking)],
            ["API endpoint access", ENDPOINT_LABELS.get(rec.endpoint_access, rec.endpoint_access)],
            ["Strategies", ", ".join(STRATEGY_LABELS.get(s, s) for s in rec.strategies) or "none"],
            ["Secondary CIDRs to associate", ", ".join(rec.secondary_cidrs) or "none"],
            ["Warnings", ", ".join(_warning_counts(warnings_by_sev)) or "none"],
        ],
    }


def _max_pods_view(rec: Recommendation) -> dict[str, Any]:
    """Section 3: max pods per instance type (with why) and per node group."""
    return {
        "max_pods_rows": [_max_pods_row(t, n, rec.max_pods_detail.get(t) or {}) for t, n in rec.max_pods.items()],
        "node_group_rows": [
            [g.name, ", ".join(g.instance_types), g.max_pods, g.limiting_type or "-", g.desired_nodes,
             g.max_nodes, g.pods_per_node]
            for g in rec.node_groups
        ],
    }


def _ip_budget_view(rec: Recommendation) -> dict[str, Any]:
    """Section 4: addresses per node, per node group at max nodes (and Fargate), per AZ."""
    fargate_row = [[f"Fargate ({rec.fargate['pods']} pods, one address each)", "-", rec.fargate["addresses"], 0,
                    rec.fargate["addresses"]]] if rec.fargate else []
    return {
        **_per_node(rec),
        "at_max_rows": [
            [g.name, g.max_nodes, g.node_subnet_addresses_at_max, g.pod_subnet_addresses_at_max,
             g.subnet_addresses_at_max]
            for g in rec.node_groups
        ] + fargate_row,
        "az_headers": AZ_HEADERS + (["Fargate addresses"] if rec.fargate else []),
        "az_rows": [
            [u.az, u.nodes_desired, u.nodes_max, u.node_subnet_addresses_desired, u.node_subnet_addresses_max,
             u.pod_subnet_addresses_desired, u.pod_subnet_addresses_max]
            + ([u.fargate_addresses] if rec.fargate else [])
            for u in rec.az_usage
        ],
        "fargate_notes": list(rec.fargate.get("notes") or []),
    }


def _subnets_view(rec: Recommendation, answers_data: Mapping[str, Any]) -> dict[str, Any]:
    """Section 5: the subnet layout, the VPC address map and the planner's findings."""
    return {
        "subnet_rows": [
            [s.name, s.role, s.az, Code(s.cidr), s.usable_ips, _yes_no(s.existing),
             ", ".join(f"{k}={v}" for k, v in sorted(s.tags.items())) or "-"]
            for s in rec.subnets
        ],
        "secondary_cidrs": list(rec.secondary_cidrs),
        "address_map": address_map(_vpc_cidrs(rec, answers_data), rec.subnets),
        "findings": [_finding(f) for f in rec.plan_findings],
    }


def _warnings_view(warnings_by_sev: Mapping[Severity, Sequence[Any]]) -> dict[str, Any]:
    """Section 7: warnings grouped by severity, most severe first."""
    return {
        "warning_counts": ", ".join(_warning_counts(warnings_by_sev)),
        "warning_groups": [
            {"severity": sev, "label": label, "entries": [
                {"id": w.id, "message": Rich(plain(w.message)), "remediation": Rich(plain(w.remediation)),
                 "source": plain(w.source)}
                for w in warnings_by_sev[sev]
            ]}
            for sev, label in SEVERITY_LABELS if warnings_by_sev[sev]
        ],
    }


def _count(n: int, severity: str) -> str:
    return f"{n} {severity}" + ("s" if severity == "warning" and n != 1 else "")


def mode_label(rec: Recommendation) -> str:
    """One line naming the mode, e.g. ``IPv4, prefix delegation, with custom networking``."""
    if rec.ip_family == "ipv6":
        label = "IPv6 (prefix mode)"
    elif rec.address_mode == "prefix":
        label = "IPv4, prefix delegation"
    else:
        label = "IPv4, secondary IP mode"
    if rec.custom_networking:
        label += ", with custom networking"
    return label


def _fmt(value: Any) -> Any:
    """A value for a table cell: numbers stay numbers, everything else becomes text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if value is None:
        return "-"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_text(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) or "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) or "none"
    return str(value)


def _text(value: Any) -> str:
    out = _fmt(value)
    return out if isinstance(out, str) else str(out)


def _flatten_answers(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """``[(dotted.path, value)]`` for every leaf of the answers; lists of scalars stay one row."""
    rows: list[tuple[str, Any]] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            rows.extend(_flatten_answers(value, f"{prefix}.{key}" if prefix else str(key)))
        if not data:
            rows.append((prefix, "-"))
    elif isinstance(data, list) and any(isinstance(v, (Mapping, list)) for v in data):
        for i, value in enumerate(data):
            rows.extend(_flatten_answers(value, f"{prefix}[{i}]"))
    else:
        rows.append((prefix, _fmt(data)))
    return rows


AZ_HEADERS = ["AZ", "Nodes (desired)", "Nodes (max)", "Node subnet addresses (desired)", "Node subnet addresses (max)",
              "Pod subnet addresses (desired)", "Pod subnet addresses (max)"]

_DETAIL_KEYS = {"mode", "max_pods", "raw_max_pods", "ceiling", "capped", "formula", "notes", "sgp", "vcpus",
                "vcpus_estimated", "explicit"}


def _max_pods_row(itype: str, value: int, detail: Mapping[str, Any]) -> list[Any]:
    """Instance type, mode, kubelet value, raw ceiling, formula, and why (cap, notes, SGP capacity)."""
    notes = [str(n) for n in detail.get("notes") or []]
    if detail.get("capped") and not any("apped" in n for n in notes):
        notes.append(f"Capped at {detail.get('ceiling')} ({detail.get('vcpus', '?')} vCPUs).")
    sgp = detail.get("sgp")
    if isinstance(sgp, Mapping):
        if sgp.get("supported") is False:
            notes.append("Security Groups for Pods: not supported on this type.")
        else:
            notes.append(
                f"Security Groups for Pods: {sgp.get('branch_enis', '?')} branch ENIs, "
                f"{sgp.get('enis_for_ip_pods', '?')} ENIs left for pod addresses."
            )
        notes += [str(n) for n in sgp.get("notes") or []]
    if detail.get("vcpus_estimated"):
        notes.append("The vCPU count is estimated.")
    extra = {k: v for k, v in detail.items() if k not in _DETAIL_KEYS}
    if extra:
        notes.append(_text(extra))
    raw = detail.get("raw_max_pods")
    formula = detail.get("formula")
    return [
        Code(itype), MODE_LABELS.get(str(detail.get("mode")), _text(detail.get("mode"))) if detail else "-",
        value, raw if isinstance(raw, int) else "-", Code(formula) if formula else "-", plain(" ".join(notes)) or "-",
    ]


def _fmt_inputs(inputs: Mapping[str, Any]) -> str:
    if not inputs:
        return "-"
    return ", ".join(f"{k}={_text(v)}" for k, v in sorted(inputs.items(), key=lambda kv: str(kv[0])))


_FINDING_KEYS = ("severity", "id", "message", "ranges", "confidence", "source")


def _finding(finding: Mapping[str, Any]) -> dict[str, Any]:
    """A subnet planner finding: severity, id, message (with any other keys), ranges, confidence, source."""
    extra = {k: v for k, v in finding.items() if k not in _FINDING_KEYS}
    message = _text(finding.get("message", ""))
    if extra:
        message = f"{message} ({_text(extra)})" if message else _text(extra)
    severity = _text(finding.get("severity", "info"))
    ranges = finding.get("ranges") or []
    return {
        "severity": severity if severity in SEVERITY_ORDER else "info",
        "severity_label": severity,
        "id": _text(finding.get("id", "finding")),
        "message": Rich(plain(message) or "-"),
        "ranges": ", ".join(str(r) for r in ranges) if isinstance(ranges, list) else _text(ranges),
        "confidence": confidence_words(_text(finding.get("confidence", ""))),
        "source": plain(_text(finding.get("source", ""))),
    }


def _per_node(rec: Recommendation) -> dict[str, Any]:
    """Per-node figures, one column per node group (groups are few, figures many)."""
    groups = [g for g in rec.node_groups if g.per_node]
    rows = [
        [label, *(_fmt(g.per_node.get(key)) for g in groups)]
        for key, label in PER_NODE_KEYS
        if any(key in g.per_node for g in groups)
    ]
    return {"per_node_headers": ["Per node", *(g.name for g in groups)], "per_node_rows": rows}


def _provenance_rows(rec: Recommendation) -> list[list[Any]]:
    p = rec.provenance
    rows: list[list[Any]] = [
        ["eksadvisor version", p.eksadvisor_version],
        ["Recommendation schema version", p.schema_version],
        ["Instance catalog snapshot", p.catalog_snapshot],
    ]
    if p.catalog_source:
        rows.append(["Instance catalog source", p.catalog_source])
    for name, date in sorted(p.data_snapshots.items()):
        rows.append([f"Data snapshot: {name}", date])
    rows.append(["Answers digest", Code(p.answers_digest)])
    rows.append(["Suppressed rules", ", ".join(p.suppressed_rules) or "none"])
    return rows


_LANGS = (
    ((".yaml", ".yml"), "yaml"), ((".json",), "json"), ((".sh", ".bash"), "bash"),
    ((".tf", ".tfvars", ".hcl"), "hcl"), ((".md",), "markdown"),
)


def snippet_language(name: str, text: str) -> str:
    lower = name.lower()
    for suffixes, lang in _LANGS:
        if lower.endswith(suffixes):
            return lang
    if any(word in lower for word in ("yaml", "eniconfig", "nodeconfig", "clusterconfig", "nodepool", "nodeclass")):
        return "yaml"
    if "json" in lower:
        return "json"
    if any(word in lower for word in ("terraform", "tfvars")):
        return "hcl"
    if any(word in lower for word in ("kubectl", "cli", "command", "aws_", "script")):
        return "bash"
    return "text"


# --------------------------------------------------------------------------------- VPC address map

def _vpc_cidrs(rec: Recommendation, answers_data: Mapping[str, Any]) -> list[str]:
    """The VPC's CIDRs, primary first: the answers' primary and secondaries, then those to associate."""
    network = answers_data.get("network") or {}
    out: list[str] = []
    for cidr in [network.get("vpc_cidr"), *(network.get("secondary_cidrs") or []), *rec.secondary_cidrs]:
        if cidr and str(cidr) not in out:
            out.append(str(cidr))
    return out


def address_map(vpc_cidrs: Sequence[str], subnets: Iterable[Any]) -> list[dict[str, Any]]:
    """Per VPC CIDR, its blocks in address order with the free ranges between them.

    Each entry: ``{"cidr", "label", "addresses", "rows": [[block, use, addresses, share], ...]}``;
    blocks outside every VPC CIDR get an entry of their own so a planning mistake stays visible.
    """
    parents: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for c in vpc_cidrs:
        try:
            parents.append(ipaddress.ip_network(c, strict=False))
        except ValueError:
            continue
    inside: dict[int, list[tuple[Any, Any]]] = {i: [] for i in range(len(parents))}
    outside: list[tuple[Any, Any]] = []
    for s in subnets:
        try:
            net = ipaddress.ip_network(str(s.cidr), strict=False)
        except ValueError:
            outside.append((None, s))
            continue
        home = next((i for i, p in enumerate(parents) if within(net, p)), None)
        (inside[home] if home is not None else outside).append((net, s))
    out: list[dict[str, Any]] = []
    for i, parent in enumerate(parents):
        blocks = sorted(inside[i], key=lambda b: (int(b[0].network_address), b[0].prefixlen, b[1].name))
        rows: list[list[Any]] = []
        cursor = int(parent.network_address)
        end = int(parent.broadcast_address)
        used = 0
        for net, s in blocks:
            start = int(net.network_address)
            if start > cursor:
                rows.append(_free_row(parent, cursor, start - 1))
            rows.append([Code(str(net)), _block_use(s), net.num_addresses, _share(net.num_addresses, parent)])
            if int(net.broadcast_address) >= cursor:
                used += int(net.broadcast_address) + 1 - max(cursor, start)
            cursor = max(cursor, int(net.broadcast_address) + 1)
        if cursor <= end:
            rows.append(_free_row(parent, cursor, end))
        label = "primary CIDR" if i == 0 else "secondary CIDR"
        free = parent.num_addresses - used
        out.append({
            "cidr": str(parent), "label": f"{label}, {free} free", "addresses": parent.num_addresses, "rows": rows,
        })
    if outside:
        rows = [
            [Code(str(net) if net is not None else str(s.cidr)), _block_use(s), net.num_addresses if net else "-", "-"]
            for net, s in outside
        ]
        out.append({"cidr": "outside the VPC CIDRs", "label": "check the plan", "addresses": "-", "rows": rows})
    return out


def _block_use(s: Any) -> str:
    bits = [s.role, s.az, s.name]
    if getattr(s, "existing", False):
        bits.append("existing")
    return ", ".join(str(b) for b in bits if b)


def _free_row(parent: Any, first: int, last: int) -> list[Any]:
    cls = ipaddress.IPv4Address if parent.version == 4 else ipaddress.IPv6Address
    count = last - first + 1
    return [Code(f"{cls(first)} - {cls(last)}"), "free", count, _share(count, parent)]


def _share(count: int, parent: Any) -> str:
    return f"{100.0 * count / parent.num_addresses:.1f}%"


def _html_rich(value: Any) -> Any:
    """Prose HTML-escaped, its `backticked` parts in <code> (escaped as well)."""
    from markupsafe import Markup, escape

    return Markup("").join(
        Markup("<code>{}</code>").format(seg) if is_code else escape(seg) for is_code, seg in rich_segments(str(value))
    )


TEMPLATES = "templates"  # package folder of the report templates and stylesheet (package data in pyproject)


def section_title(section_id: str) -> str:
    """The heading of a report section (the one place titles live: :data:`SECTIONS`)."""
    return SECTION_TITLES[section_id]


@functools.cache
def template_environment(kind: str) -> jinja2.Environment:
    """The Jinja2 environment of ``kind`` ("md" or "html"), built once per process; it caches compiled templates."""
    import jinja2

    loader = jinja2.PackageLoader("eksadvisor.output", TEMPLATES)
    if kind == "md":
        env = jinja2.Environment(
            loader=loader, autoescape=False, finalize=md_finalize, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        )
        env.globals.update(table=md_table, code=md_code, fence=md_fence, title=lambda sid: MdSafe(section_title(sid)))
        return env
    env = jinja2.Environment(
        loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.tests["code"] = lambda v: isinstance(v, Code)
    env.tests["rich"] = lambda v: isinstance(v, Rich)
    env.filters["rich"] = _html_rich
    env.globals["title"] = section_title
    return env


@functools.cache
def _stylesheet() -> str:
    """The HTML report's CSS (``templates/report.css``), read once."""
    env = template_environment("html")
    assert env.loader is not None
    return env.loader.get_source(env, "report.css")[0]


def render_markdown(context: Mapping[str, Any]) -> str:
    """The Markdown report from :func:`build_context`'s view model."""
    text = template_environment("md").get_template("report.md.j2").render(**context)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


# ------------------------------------------------------------------------------------------- HTML

def render_html(
    context: Mapping[str, Any], *, charts: Sequence[Mapping[str, Any]] = (), pdf_created: str | None = None
) -> str:
    """The self-contained HTML report; ``charts`` come from :func:`chart_figures`."""
    from markupsafe import Markup

    # The stylesheet is a package file (never user data), so it goes in unescaped.
    return template_environment("html").get_template("report.html.j2").render(
        **context, css=Markup(_stylesheet()), charts=list(charts), pdf_created=pdf_created
    )


def chart_figures(rec: Recommendation, answers: Answers, *,
                  compare: Sequence[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The report's charts as checked inline SVG: ``[{"id", "section", "caption", "svg": Markup}]``."""
    from eksadvisor.output import charts

    specs: list[tuple[str, str, str, Any]] = []
    budgets = [(g.name, g.per_node) for g in rec.node_groups if g.per_node]
    if budgets:
        specs.append((
            "ip-budget", "ip-budget",
            "Subnet addresses each node holds: addresses for pods, warm addresses kept free by ipamd"
            + (" (on Windows nodes, by the VPC resource controller)" if any(g.per_node.get("os") == "windows" for g in rec.node_groups) else "")
            + ", and the primary address of each ENI.",
            charts.ip_budget_chart(charts.ip_budget_rows(budgets)),
        ))
    # Only what parses is drawn (a Recommendation from advise() always parses; the tables show the rest).
    vpc_cidrs = [c for c in _vpc_cidrs(rec, answers.model_dump(mode="json")) if _parses(c)]
    if vpc_cidrs:
        specs.append((
            "address-map", "subnets",
            "Each VPC CIDR's address space, with the planned and existing subnets laid over it by role.",
            charts.vpc_address_map_chart(
                charts.vpc_address_map_rows(vpc_cidrs, [s for s in rec.subnets if _parses(s.cidr)])
            ),
        ))
    if compare and any(r["available"] for r in compare):
        specs.append((
            "compare", "compare",
            "Subnet addresses taken at 0, desired and max nodes under each option, with the usable addresses of "
            "that option's planned node and pod subnets as a dashed line.",
            charts.compare_chart(compare),
        ))
    return [
        {"id": cid, "section": section, "caption": caption, "svg": chart_svg(chart, cid)}
        for cid, section, caption, chart in specs
    ]


def _parses(cidr: Any) -> bool:
    try:
        ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return False
    return True


def chart_svg(chart: Any, chart_id: str) -> Any:
    import vl_convert as vlc
    from markupsafe import Markup

    spec = chart.properties(width=CHART_WIDTH).to_json(indent=None)
    svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    return Markup(safe_svg(svg, chart_id))


_SVG_ELEMENTS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "title", "desc", "defs", "clipPath", "linearGradient", "radialGradient", "stop", "pattern", "mask",
})


def safe_svg(svg: str, prefix: str) -> str:
    """Check that an SVG from vl-convert is inert, and make its ids unique within the page.

    Refused (a :class:`ReportError`): a DTD or entity, any element outside plain drawing elements
    (no script, foreignObject, image, a, use, style), an ``on*`` attribute, a link or ``url()``
    that is not a ``#fragment`` within the same SVG. Ids get ``prefix`` so several charts can share
    one page.
    """
    import xml.etree.ElementTree as ET

    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    if "<!" in svg:
        raise ReportError(f"chart {prefix}: the SVG holds a DTD, entity or comment; refused.")
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise ReportError(f"chart {prefix}: the SVG does not parse ({exc}).") from None
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag not in _SVG_ELEMENTS:
            raise ReportError(f"chart {prefix}: <{tag}> is not allowed in a report chart.")
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise ReportError(f"chart {prefix}: event attribute {local!r} is not allowed.")
            if local in ("href", "src") and not value.startswith("#"):
                raise ReportError(f"chart {prefix}: {local}={value!r} would load something; refused.")
            for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", value, flags=re.I):
                if not target.startswith("#"):
                    raise ReportError(f"chart {prefix}: url({target}) would load something; refused.")
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    return svg.strip()


# -------------------------------------------------------------------------------------------- PDF

def _pdf_date(when: str) -> str:
    """``generated_at`` as the W3C date WeasyPrint writes into the PDF's CreationDate (if it is one)."""
    try:
        parsed = datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def html_to_pdf(html: str) -> bytes:
    """The HTML report as PDF with WeasyPrint: real text (selectable, searchable), no URL fetched."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class _RefuseAll(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise FatalURLFetchingError(f"the report may not load {url!r}")

    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_RefuseAll(fail_on_errors=True))
    return document.write_pdf(pdf_tags=True)
