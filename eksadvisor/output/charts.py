"""Altair chart builders: every chart the app and the report draw (the only engine module that imports altair).

Each builder takes engine results (or the plain rows derived from them here) and returns an Altair chart
object; nothing is rendered here. The app shows them with ``st.altair_chart``; the report can export them
with vl-convert (``chart.to_dict()`` is plain Vega-Lite). Rows are built as lists of dicts and passed
as inline data, so the charts need no pandas and serialise deterministically.

Charts:
- :func:`ip_budget_chart` - per node: pod IPs, warm (free) IPs and ENI primary IPs, stacked.
- :func:`addresses_vs_nodes_chart` - subnet addresses a node group takes as it grows, against subnet capacity.
- :func:`vpc_address_map_chart` - blocks by role laid over each VPC CIDR's address space.
- :func:`max_pods_by_mode_chart` - max pods per instance type in each address mode (capped and raw).
- :func:`compare_chart` - addresses vs nodes for every option of ``compare()``, with each option's subnet capacity.
- :func:`audit_forecast_chart` - audit: more nodes of each group that fit in each subnet, today and recommended.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import altair as alt
from altair.utils.schemapi import debug_mode

T = TypeVar("T")

# One colour per meaning, shared by every chart (the report reuses them).
BUDGET_ORDER = ("pod IPs", "warm IPs", "ENI primary IPs")
BUDGET_COLORS = ("#4C78A8", "#F58518", "#9D9D9D")
ROLE_ORDER = ("cluster", "public", "private", "pod", "transit", "existing", "secondary", "free")
ROLE_COLORS = ("#E45756", "#72B7B2", "#4C78A8", "#54A24B", "#FF9DA6", "#B279A2", "#EECA3B", "#E0E0E0")
MODE_ORDER = ("secondary IP", "prefix", "custom networking", "custom networking + prefix", "IPv6")


def _unvalidated(builder: Callable[..., T]) -> Callable[..., T]:
    """Build without Altair's schema validation of every part (about 20 ms for a layered chart): the whole
    spec is validated once anyway when it is serialised (``chart.to_dict()``, which Streamlit and the report call)."""

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> T:
        with debug_mode(False):
            return builder(*args, **kwargs)

    return build


def _within(net: ipaddress.IPv4Network | ipaddress.IPv6Network,
            parent: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """``net`` lies inside ``parent`` (False across IP versions, where ``subnet_of`` would raise)."""
    return (net.version == parent.version and int(parent.network_address) <= int(net.network_address)
            and int(net.broadcast_address) <= int(parent.broadcast_address))


def _get(obj: Any, name: str, default: Any = 0) -> Any:
    """Read a field from a pydantic model, a dataclass or a mapping alike."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


# --------------------------------------------------------------------------------- IP budget per node

def ip_budget_rows(usages: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Long-format rows for :func:`ip_budget_chart` from ``(label, per-node usage)`` pairs.

    The usage is an ``ipam.NodeUsage`` or a Recommendation node group's ``per_node`` mapping: pods that got
    an address (``pods_with_ip``, else ``pods``, else the pod addresses held less the warm ones), warm
    addresses (``free_ips``) and ENI primaries (``enis``).
    """
    rows: list[dict[str, Any]] = []
    for label, usage in usages:
        enis = int(_get(usage, "enis", 0) or 0)
        free = int(_get(usage, "free_ips", 0) or 0)
        pods = next((v for v in (_get(usage, k, None) for k in ("pod_ips", "pods_with_ip", "pods")) if v is not None), None)
        if pods is None:  # the addresses a node holds for pods, less the warm ones
            pods = int(_get(usage, "subnet_addresses", 0) or 0) - enis - free
        for kind, value in zip(BUDGET_ORDER, (int(pods), free, enis), strict=True):
            rows.append({"node": label, "kind": kind, "addresses": value, "order": BUDGET_ORDER.index(kind)})
    return rows


@_unvalidated
def ip_budget_chart(rows: Sequence[Mapping[str, Any]], *, title: str = "IP budget per node") -> alt.Chart:
    """Stacked horizontal bar per node: pod IPs, warm IPs, ENI primary IPs (subnet addresses in all)."""
    return (
        alt.Chart(alt.Data(values=[dict(r) for r in rows]), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("node:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(addresses):Q", title="subnet addresses per node", stack="zero"),
            color=alt.Color(
                "kind:N", title=None, scale=alt.Scale(domain=list(BUDGET_ORDER), range=list(BUDGET_COLORS)),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("node:N"), alt.Tooltip("kind:N"), alt.Tooltip("addresses:Q")],
        )
        .properties(height=alt.Step(36), width="container")
    )


# ------------------------------------------------------------------- subnet addresses against nodes

def addresses_vs_nodes_rows(
    series: Mapping[str, Sequence[tuple[int, int]]],
) -> list[dict[str, Any]]:
    """Rows for :func:`addresses_vs_nodes_chart`: ``{series name: [(nodes, addresses), ...]}``."""
    return [
        {"series": name, "nodes": int(n), "addresses": int(a)}
        for name in sorted(series)
        for n, a in series[name]
    ]


def linear_series(per_node: int, max_nodes: int, *, step: int | None = None) -> list[tuple[int, int]]:
    """``(nodes, addresses)`` points for a node group whose nodes each take ``per_node`` addresses.

    Every node of a group settles to the same count (ipamd-model §3), so the total grows linearly.
    """
    max_nodes = max(int(max_nodes), 1)
    step = step or max(1, max_nodes // 12)  # about a dozen points: the line is straight, the points carry tooltips
    points = list(range(0, max_nodes + 1, step))
    if points[-1] != max_nodes:
        points.append(max_nodes)
    return [(n, n * int(per_node)) for n in points]


@_unvalidated
def addresses_vs_nodes_chart(
    rows: Sequence[Mapping[str, Any]],
    capacity: int | Mapping[str, int] | None = None,
    *,
    capacity_label: str = "subnet capacity",
    title: str = "Subnet addresses as the cluster grows",
) -> alt.Chart | alt.LayerChart | alt.FacetChart:
    """Lines of subnet addresses taken against nodes, with the subnets' usable capacity as dashed rules.

    ``capacity`` is one number (labelled ``capacity_label``) or ``{label: usable addresses}`` for several
    subnet sets (node subnets and pod subnets under custom networking).
    """
    lines = (
        alt.Chart(alt.Data(values=[dict(r) for r in rows]), title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("nodes:Q", title="nodes"),
            y=alt.Y("addresses:Q", title="subnet addresses"),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("nodes:Q"), alt.Tooltip("addresses:Q")],
        )
        .properties(width="container", height=280)
    )
    if capacity is None:
        return lines
    caps = dict(capacity) if isinstance(capacity, Mapping) else {capacity_label: capacity}
    rule_data = alt.Data(values=[
        {"capacity": int(v), "label": f"{k}: {int(v)}"} for k, v in sorted(caps.items()) if v is not None
    ])
    rule = alt.Chart(rule_data).mark_rule(color="#E45756", strokeDash=[6, 4], size=2).encode(
        y=alt.Y("capacity:Q"), tooltip=[alt.Tooltip("label:N", title="capacity")]
    )
    # The label sits above the line at the right end, inside the plot: at the left it ran into the axis when the
    # capacity is small against the lines (a /26 under thousands of addresses).
    text = alt.Chart(rule_data).mark_text(align="right", baseline="bottom", dx=-4, dy=-4, color="#E45756",
                                          fontWeight="bold").encode(
        y=alt.Y("capacity:Q"), x=alt.value("width"), text=alt.Text("label:N")
    )
    return alt.layer(lines, rule, text)


# ------------------------------------------------------------------------------- VPC address map

def vpc_address_map_rows(
    vpc_cidrs: Sequence[str], blocks: Iterable[Any]
) -> list[dict[str, Any]]:
    """Rows for :func:`vpc_address_map_chart`: each block placed within the VPC CIDR that holds it.

    ``blocks`` are subnets (``SubnetOut``, a layout result or a mapping) with ``cidr``, ``role`` and
    ``name``; a block outside every VPC CIDR gets a row of its own (so a planning mistake is visible).
    Offsets are in addresses from the start of the VPC CIDR.
    """
    nets = [ipaddress.ip_network(str(c), strict=False) for c in vpc_cidrs]
    rows: list[dict[str, Any]] = []
    for net in nets:  # the background: the whole CIDR, free unless a block covers it
        rows.append({
            "vpc_cidr": str(net), "name": "VPC CIDR", "cidr": str(net), "role": "free",
            "start": 0, "end": net.num_addresses, "usable": None, "layer": 0, "status": "free",
        })
    for block in blocks:
        cidr = str(_get(block, "cidr", ""))
        net = ipaddress.ip_network(cidr, strict=False)
        home = next((v for v in nets if _within(net, v)), None)
        if home is None:
            home = net
            rows.append({
                "vpc_cidr": f"{net} (outside the VPC)", "name": "outside", "cidr": str(net), "role": "free",
                "start": 0, "end": net.num_addresses, "usable": None, "layer": 0, "status": "free",
            })
        label = str(home) if home in nets else f"{net} (outside the VPC)"
        start = int(net.network_address) - int(home.network_address)
        usable = _get(block, "usable_ips", None)
        rows.append({
            "vpc_cidr": label, "name": str(_get(block, "name", cidr) or cidr), "cidr": cidr,
            "role": str(_get(block, "role", "private") or "private"), "start": start,
            "end": start + net.num_addresses, "usable": usable, "layer": 1,
            "az": str(_get(block, "az", "") or ""),
            "status": "existing" if _get(block, "existing", False) else "new",  # existing subnets are drawn faded
        })
    return rows


@_unvalidated
def vpc_address_map_chart(rows: Sequence[Mapping[str, Any]], *, title: str = "VPC address map") -> alt.Chart:
    """One band per VPC CIDR; subnets drawn over it at their offset, coloured by role."""
    return (
        alt.Chart(alt.Data(values=[dict(r) for r in rows]), title=title)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            y=alt.Y("vpc_cidr:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("start:Q", title="address offset within the CIDR", scale=alt.Scale(nice=False, zero=True)),
            x2=alt.X2("end:Q"),
            color=alt.Color(
                "role:N", title="role", scale=alt.Scale(domain=list(ROLE_ORDER), range=list(ROLE_COLORS)),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("layer:Q"),
            # Existing subnets (they stay where they are) faded, new ones solid: the two read apart at a glance.
            opacity=alt.Opacity(
                "status:N", title="subnet", scale=alt.Scale(domain=["new", "existing", "free"], range=[1.0, 0.45, 1.0]),
                legend=alt.Legend(orient="bottom", values=["new", "existing"]),
            ),
            tooltip=[
                alt.Tooltip("name:N"), alt.Tooltip("cidr:N"), alt.Tooltip("role:N"), alt.Tooltip("status:N", title="subnet"),
                alt.Tooltip("usable:Q", title="usable IPs"), alt.Tooltip("az:N", title="AZ"),
            ],
        )
        .properties(width="container", height=alt.Step(44))
    )


# -------------------------------------------------------------------------------- max pods by mode

def max_pods_by_mode_rows(results: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Rows from ``(mode label, MaxPodsResult | Ipv6MaxPods)`` pairs."""
    rows = []
    for mode, r in results:
        recommended = _get(r, "max_pods", None)
        if recommended is None:
            recommended = _get(r, "recommended_max_pods", 0)
        raw = _get(r, "raw_max_pods", None)
        if raw is None:
            raw = _get(r, "formula_max_pods", recommended)
        rows.append({
            "instance_type": str(_get(r, "instance_type", "")), "mode": mode,
            "max_pods": int(recommended), "raw_max_pods": int(raw),
        })
    return rows


@_unvalidated
def max_pods_by_mode_chart(rows: Sequence[Mapping[str, Any]], *, title: str = "Max pods by address mode") -> alt.Chart:
    """Grouped bars: one group per instance type, one bar per mode (kubelet value; raw ceiling in the tooltip)."""
    modes = [m for m in MODE_ORDER if any(r["mode"] == m for r in rows)] or sorted({r["mode"] for r in rows})
    return (
        alt.Chart(alt.Data(values=[dict(r) for r in rows]), title=title)
        .mark_bar()
        .encode(
            x=alt.X("instance_type:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("mode:N", sort=modes),
            y=alt.Y("max_pods:Q", title="kubelet max-pods"),
            color=alt.Color("mode:N", title=None, sort=modes, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("instance_type:N"), alt.Tooltip("mode:N"),
                alt.Tooltip("max_pods:Q", title="max-pods"), alt.Tooltip("raw_max_pods:Q", title="raw ceiling"),
            ],
        )
        .properties(width="container", height=300)
    )


# ------------------------------------------------------------------ audit: exhaustion forecast

FORECAST_ORDER = ("today", "recommended")
FORECAST_COLORS = ("#E45756", "#54A24B")


def audit_forecast_rows(forecast: Iterable[Any]) -> list[dict[str, Any]]:
    """Long rows from an AuditResult's ``forecast``: one per (subnet, group, scenario); a scenario that does not
    apply (no recommendation, or the recommendation takes nothing from that subnet) is left out."""
    rows = []
    for f in forecast:
        label = f"{_get(f, 'subnet_id', '')} ({_get(f, 'az', '')})"
        for scenario, key in (("today", "fit_now"), ("recommended", "fit_recommended")):
            value = _get(f, key, None)
            if value is None:
                continue
            rows.append({"subnet": label, "group": str(_get(f, "group", "")), "scenario": scenario, "nodes": int(value)})
    return rows


@_unvalidated
def audit_forecast_chart(rows: Sequence[Mapping[str, Any]], *,
                         title: str = "More nodes that fit before each subnet is full") -> alt.Chart:
    """Horizontal grouped bars: per subnet and node group, nodes that still fit today and with the recommendation."""
    return (
        alt.Chart(alt.Data(values=[dict(r) for r in rows]), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("subnet:N", title=None, sort=None),
            yOffset=alt.YOffset("scenario:N", sort=list(FORECAST_ORDER)),
            x=alt.X("nodes:Q", title="more nodes that fit"),
            color=alt.Color("scenario:N", title=None, sort=list(FORECAST_ORDER),
                            scale=alt.Scale(domain=list(FORECAST_ORDER), range=list(FORECAST_COLORS)),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("subnet:N"), alt.Tooltip("group:N"), alt.Tooltip("scenario:N"),
                     alt.Tooltip("nodes:Q", title="more nodes")],
        )
        .properties(width="container")
    )


# ------------------------------------------------------------------ the charts of one Recommendation

def recommendation_ip_budget(rec: Any) -> alt.Chart | None:
    """The IP budget of one node of each node group, from ``Recommendation.node_groups[].per_node``."""
    groups = [g for g in _get(rec, "node_groups", []) if _get(g, "per_node", None)]
    fargate = _get(rec, "fargate", None) or {}
    if not groups and not fargate:
        return None
    usages = [(f"{_get(g, 'name')} ({_get(g, 'pods_per_node')} pods)", _get(g, "per_node")) for g in groups]
    if fargate:  # one micro-VM per pod: one address, no warm pool, its ENI's primary is the pod's address
        usages.append((f"Fargate pod (x {fargate['pods']})", {"pods": 1, "free_ips": 0, "enis": 0}))
    return ip_budget_chart(ip_budget_rows(usages), title="IP budget per node (settled warm pool)")


def recommendation_growth(rec: Any) -> alt.Chart | alt.LayerChart | alt.FacetChart | None:
    """Subnet addresses each node group takes from 0 to its max_nodes, against the planned subnets' capacity.

    Node addresses count against the private (node) subnets; under custom networking the pod addresses
    count against the pod subnets, drawn as their own series with their own capacity in the tooltip.
    """
    groups = list(_get(rec, "node_groups", []))
    if not groups:
        return None
    custom = bool(_get(rec, "custom_networking", False))
    series: dict[str, list[tuple[int, int]]] = {}
    for g in groups:
        per_node = _get(g, "per_node", {}) or {}
        name = str(_get(g, "name"))
        max_nodes = int(_get(g, "max_nodes", 1) or 1)
        if custom:
            series[f"{name}: node subnets"] = linear_series(int(_get(per_node, "node_subnet_addresses", 0) or 0), max_nodes)
            series[f"{name}: pod subnets"] = linear_series(int(_get(per_node, "pod_subnet_addresses", 0) or 0), max_nodes)
        else:
            series[name] = linear_series(int(_get(per_node, "subnet_addresses", 0) or 0), max_nodes)
    subnets = list(_get(rec, "subnets", []))

    def usable(role: str) -> int | None:
        return sum(int(_get(s, "usable_ips", 0) or 0) for s in subnets if _get(s, "role") == role) or None

    capacity: dict[str, int | None] = {"usable IPs in the node subnets": usable("private")}
    if custom:
        capacity["usable IPs in the pod subnets"] = usable("pod")
    return addresses_vs_nodes_chart(
        addresses_vs_nodes_rows(series), {k: v for k, v in capacity.items() if v is not None} or None,
        title="Subnet addresses as node groups grow to max_nodes",
    )


def recommendation_address_map(rec: Any, vpc_cidrs: Sequence[str]) -> alt.Chart | None:
    """The VPC address map of the recommended subnets over the VPC's CIDRs (primary, secondary, new)."""
    subnets = list(_get(rec, "subnets", []))
    cidrs = list(dict.fromkeys([*vpc_cidrs, *(_get(rec, "secondary_cidrs", []) or [])]))
    if not subnets or not cidrs:
        return None
    return vpc_address_map_chart(vpc_address_map_rows(cidrs, subnets))


def recommendation_charts(rec: Any, vpc_cidrs: Sequence[str]) -> dict[str, alt.TopLevelMixin]:
    """Every chart of a recommendation, by id (``ip-budget``, ``growth``, ``address-map``); absent ones omitted."""
    out = {
        "ip-budget": recommendation_ip_budget(rec),
        "growth": recommendation_growth(rec),
        "address-map": recommendation_address_map(rec, vpc_cidrs),
    }
    return {k: v for k, v in out.items() if v is not None}


# ------------------------------------------------------------------------------ compare options

def compare_chart_rows(table: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Points and capacity rules for :func:`compare_chart` from compare()'s DataFrame (or its rows as dicts).

    Per available option: (0, 0), (desired nodes, addresses at desired), (max nodes, addresses at max) -- the
    engine's own figures, no interpolation between them -- and one rule at the usable addresses of the option's
    planned node and pod subnets (``subnet_capacity``).
    """
    records = table.to_dict("records") if hasattr(table, "to_dict") else [dict(r) for r in table]
    points: list[dict[str, Any]] = []
    rules: list[dict[str, Any]] = []
    for r in records:
        if not r.get("available", True) or r.get("nodes_max") is None:
            continue
        name = str(r["option"]) + (" (recommended)" if r.get("recommended") else "")
        seen: set[int] = set()
        for n, a in ((0, 0), (r["nodes_desired"], r["subnet_addresses_desired"]), (r["nodes_max"], r["subnet_addresses_max"])):
            if int(n) in seen:
                continue
            seen.add(int(n))
            points.append({"option": name, "nodes": int(n), "addresses": int(a)})
        if r.get("subnet_capacity") is not None:
            rules.append({"option": name, "capacity": int(r["subnet_capacity"]),
                          "label": f"{name}: {int(r['subnet_capacity'])} usable in its subnets"})
    return points, rules


@_unvalidated
def compare_chart(
    table: Any, *, title: str = "Subnet addresses vs nodes, per option"
) -> alt.LayerChart | alt.FacetChart:
    """Addresses taken from the VPC against nodes for each option of compare(), each with its subnets' capacity
    as a dashed rule of the same colour. ``compare(answers).pipe(compare_chart)``."""
    points, rules = compare_chart_rows(table)
    color = alt.Color("option:N", title=None, legend=alt.Legend(orient="bottom", columns=2))
    lines = (
        alt.Chart(alt.Data(values=points), title=title)
        .mark_line(point=True)
        .encode(x=alt.X("nodes:Q", title="nodes"), y=alt.Y("addresses:Q", title="subnet addresses"), color=color,
                tooltip=[alt.Tooltip("option:N"), alt.Tooltip("nodes:Q"), alt.Tooltip("addresses:Q")])
        .properties(width="container", height=300)
    )
    rule = alt.Chart(alt.Data(values=rules)).mark_rule(strokeDash=[6, 4], size=2).encode(
        y=alt.Y("capacity:Q"), color=color, tooltip=[alt.Tooltip("label:N", title="capacity")]
    )
    return alt.layer(lines, rule)
