"""The chart builders: right data, right encodings, and a valid Vega-Lite spec that vl-convert can draw."""

from __future__ import annotations

import json

import vl_convert

from eksadvisor.catalog import load_catalog
from eksadvisor.model.maxpods import ipv6_max_pods, max_pods
from eksadvisor.output import charts


def _svg(chart) -> str:
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    assert svg.lstrip().startswith("<svg")
    return svg


def _values(spec: dict) -> list[dict]:
    return spec["data"]["values"]


def test_ip_budget_rows_and_chart():
    usage = {"enis": 2, "free_ips": 9, "pods": 20}
    rows = charts.ip_budget_rows([("m5.large", usage)])
    assert rows == [
        {"node": "m5.large", "kind": "pod IPs", "addresses": 20, "order": 0},
        {"node": "m5.large", "kind": "warm IPs", "addresses": 9, "order": 1},
        {"node": "m5.large", "kind": "ENI primary IPs", "addresses": 2, "order": 2},
    ]
    chart = charts.ip_budget_chart(rows)
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["stack"] == "zero"
    assert spec["encoding"]["color"]["scale"]["domain"] == list(charts.BUDGET_ORDER)
    assert sum(r["addresses"] for r in _values(spec)) == 31
    assert "pod IPs" in _svg(chart)


def test_ip_budget_rows_derive_pods_from_subnet_addresses():
    # A model without a pod count: pods = subnet addresses - ENI primaries - warm addresses.
    rows = charts.ip_budget_rows([("n", {"enis": 3, "free_ips": 12, "subnet_addresses": 63})])
    assert [r["addresses"] for r in rows] == [48, 12, 3]


def test_addresses_vs_nodes_with_capacity():
    series = {"general": charts.linear_series(31, 10)}
    assert series["general"][0] == (0, 0) and series["general"][-1] == (10, 310)
    rows = charts.addresses_vs_nodes_rows(series)
    chart = charts.addresses_vs_nodes_chart(rows, capacity=251)
    spec = chart.to_dict()
    assert len(spec["layer"]) == 3
    assert spec["layer"][1]["mark"]["type"] == "rule"
    # issue 14 item 6: the capacity label sits at the right end inside the plot, not on the axis at x=0
    assert spec["layer"][2]["mark"]["align"] == "right" and spec["layer"][2]["encoding"]["x"] == {"value": "width"}
    svg = _svg(chart)
    assert "subnet capacity: 251" in svg


def test_linear_series_thins_long_ranges_but_keeps_the_end():
    points = charts.linear_series(5, 1003)
    assert points[-1] == (1003, 5015)
    assert len(points) <= 14


def test_vpc_address_map_places_blocks_at_their_offset():
    subnets = [
        {"name": "cluster-a", "role": "cluster", "cidr": "10.0.0.0/28", "usable_ips": 11, "az": "us-east-1a"},
        {"name": "private-a", "role": "private", "cidr": "10.0.64.0/18", "usable_ips": 16379, "az": "us-east-1a"},
        {"name": "pods-a", "role": "pod", "cidr": "100.64.0.0/17", "usable_ips": 32763, "az": "us-east-1a"},
        {"name": "stray", "role": "private", "cidr": "192.168.0.0/24", "usable_ips": 251},
    ]
    rows = charts.vpc_address_map_rows(["10.0.0.0/16", "100.64.0.0/16"], subnets)
    by_name = {r["name"]: r for r in rows if r["layer"] == 1}
    assert (by_name["cluster-a"]["start"], by_name["cluster-a"]["end"]) == (0, 16)
    assert (by_name["private-a"]["start"], by_name["private-a"]["end"]) == (16384, 32768)
    assert by_name["pods-a"]["vpc_cidr"] == "100.64.0.0/16"
    assert by_name["stray"]["vpc_cidr"] == "192.168.0.0/24 (outside the VPC)"
    backgrounds = [r for r in rows if r["layer"] == 0]
    assert {r["vpc_cidr"] for r in backgrounds} == {"10.0.0.0/16", "100.64.0.0/16", "192.168.0.0/24 (outside the VPC)"}
    chart = charts.vpc_address_map_chart(rows)
    spec = chart.to_dict()
    assert spec["encoding"]["x2"]["field"] == "end"
    # issue 14 item 9: existing subnets are told apart from new ones (faded, and named so in the legend/tooltip)
    assert {by_name[n]["status"] for n in by_name} == {"new"}
    rows = charts.vpc_address_map_rows(["10.0.0.0/16"], [{**subnets[1], "existing": True}, subnets[0]])
    assert [r["status"] for r in rows if r["layer"] == 1] == ["existing", "new"]
    assert spec["encoding"]["opacity"]["field"] == "status"
    assert spec["encoding"]["opacity"]["scale"]["range"][spec["encoding"]["opacity"]["scale"]["domain"].index("existing")] < 1
    assert "10.0.0.0/16" in _svg(chart)


def test_max_pods_by_mode_uses_engine_values():
    cat = load_catalog()
    pairs = [
        ("secondary IP", max_pods("m5.large", "1.19.2", catalog=cat)),
        ("prefix", max_pods("m5.large", "1.19.2", prefix_delegation=True, catalog=cat)),
        ("custom networking", max_pods("m5.large", "1.19.2", custom_networking=True, catalog=cat)),
        ("custom networking + prefix",
         max_pods("m5.large", "1.19.2", prefix_delegation=True, custom_networking=True, catalog=cat)),
        ("IPv6", ipv6_max_pods(cat.get("m5.large"))),
    ]
    rows = charts.max_pods_by_mode_rows(pairs)
    got = {r["mode"]: (r["max_pods"], r["raw_max_pods"]) for r in rows}
    # The seed's figures for m5.large: 29, 110 (capped; raw 434), custom networking 20 and 290 (raw), IPv6 434.
    assert got["secondary IP"] == (29, 29)
    assert got["prefix"] == (110, 434)
    assert got["custom networking"] == (20, 20)
    assert got["custom networking + prefix"] == (110, 290)
    assert got["IPv6"] == (110, 434)
    chart = charts.max_pods_by_mode_chart(rows)
    spec = chart.to_dict()
    assert spec["encoding"]["xOffset"]["field"] == "mode"
    assert spec["encoding"]["color"]["sort"] == list(charts.MODE_ORDER)
    assert "m5.large" in _svg(chart)


def test_specs_are_deterministic():
    rows = charts.ip_budget_rows([("a", {"enis": 1, "free_ips": 2, "pods": 3})])
    a = json.dumps(charts.ip_budget_chart(rows).to_dict(), sort_keys=True)
    b = json.dumps(charts.ip_budget_chart(rows).to_dict(), sort_keys=True)
    assert a == b


# ------------------------------------------------------------------ charts of a whole recommendation

def _example_recommendation(name: str):
    from eksadvisor.decide import advisor
    from tests.conftest import EXAMPLES

    path = next(p for p in EXAMPLES if p.stem == name)
    from eksadvisor.answers import load_answers

    answers = load_answers(path)
    return answers, advisor.advise(answers)


def test_recommendation_charts_for_custom_networking():
    answers, rec = _example_recommendation("exhausted-onprem")
    assert rec.custom_networking
    out = charts.recommendation_charts(rec, [answers.network.vpc_cidr])
    assert set(out) == {"ip-budget", "growth", "address-map"}
    growth = out["growth"].to_dict()
    rules = growth["layer"][1]["data"]["values"]
    labels = {r["label"].split(":")[0] for r in rules}
    assert labels == {"usable IPs in the node subnets", "usable IPs in the pod subnets"}
    pod_cap = sum(s.usable_ips for s in rec.subnets if s.role == "pod")
    assert {"capacity": pod_cap, "label": f"usable IPs in the pod subnets: {pod_cap}"} in rules
    series = {r["series"] for r in growth["layer"][0]["data"]["values"]}
    assert series == {"workers: node subnets", "workers: pod subnets"}
    for chart in out.values():
        _svg(chart)
    # The address map places the pod subnets in the secondary CIDR the plan associates.
    rows = out["address-map"].to_dict()["data"]["values"]
    assert any(r["role"] == "pod" and r["vpc_cidr"] in rec.secondary_cidrs for r in rows)


def test_recommendation_budget_matches_per_node_use():
    _, rec = _example_recommendation("small-dev")
    spec = charts.recommendation_ip_budget(rec).to_dict()
    per_node = rec.node_groups[0].per_node
    total = sum(r["addresses"] for r in spec["data"]["values"])
    assert total == per_node["subnet_addresses"]


# ----------------------------------------------------------------------------- decision graph DOT

def test_dot_highlights_the_walk():
    from eksadvisor.decide import graph as graph_mod
    from eksadvisor.output.graphdraw import to_dot

    _, rec = _example_recommendation("small-dev")
    dot = to_dot(graph_mod.load_graph(), rec.trace)
    assert dot.startswith("digraph decision_graph {") and dot.rstrip().endswith("}")
    walked = [t.node for t in rec.trace if t.node in graph_mod.load_graph().nodes]
    for node in walked:
        assert f'"{node}" [label=' in dot
        line = next(line for line in dot.splitlines() if line.strip().startswith(f'"{node}" ['))
        assert "fillcolor=\"#FFE8A3\"" in line
    # Each consecutive pair of the walk is a bold edge; no other edge is.
    bold = [line for line in dot.splitlines() if "->" in line and "penwidth=3" in line]
    assert len(bold) == len(walked)  # the walk's edges plus the last one into "end"
    assert '"end" [label="end", shape=oval, fillcolor' in dot


def test_dot_escapes_labels():
    from eksadvisor.output.graphdraw import to_dot

    graph = {"start": "a", "nodes": [{"id": "a", "title": 'say "hi"\\n', "branches": [{"when": "always", "outcome": "x"}]}]}
    dot = to_dot(graph, [{"node": "a", "outcome": "x"}])
    assert 'label="say \\"hi\\"\\\\n' in dot
    assert '"a" -> "end"' in dot
