"""Rich display in Jupyter: every result's ``_repr_html_`` parses, shows the key numbers and escapes user strings."""

from __future__ import annotations

import subprocess
import sys

from eksadvisor.decide.advisor import advise, subnet_plan
from eksadvisor.model.ipam import ip_usage, node_usage
from eksadvisor.model.maxpods import compute
from tests.conftest import SHARED
from tests.output.test_report import HOSTILE, LOADING_TAGS, URL_ATTRS, hostile_recommendation, parse_html


def assert_loads_nothing(html: str) -> None:
    """The report's check minus its page-level CSP (a notebook fragment has no <head>): no loading element, no
    event handler, no URL but a #fragment."""
    doc = parse_html(html)
    for tag, attrs in doc.tags:
        assert tag not in LOADING_TAGS and tag != "script", tag
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            if name in URL_ATTRS:
                assert (value or "").startswith("#"), f"<{tag} {name}={value!r}>"
    assert "@import" not in "\n".join(doc.styles) and "url(" not in "\n".join(doc.styles)


def _text(html: str) -> str:
    return "".join(parse_html(html).text)


def test_recommendation_html_summary_numbers_and_folded_details():
    # dense-platform: m6i.2xlarge, 90 pods per node -> prefix delegation, max pods 110 (4 x 14 x 16 + 2 = 898, capped
    # at 110 for 8 vCPUs; seed "Max Pods Calculation") -- the same figure test_advisor checks for advise().
    rec = advise(SHARED / "examples" / "dense-platform.yaml")
    html = rec._repr_html_()
    doc = parse_html(html)
    text = _text(html)
    assert "IPv4, prefix delegation" in text
    assert min(g.max_pods for g in rec.node_groups) == 110
    assert "Max pods (lowest node group)110" in text.replace("\n", "")
    at_max = sum(u.node_subnet_addresses_max + u.pod_subnet_addresses_max for u in rec.az_usage)
    assert f"Subnet addresses at max nodes{at_max}" in text.replace("\n", "")
    tags = [t for t, _ in doc.tags]
    assert tags.count("details") >= 6 and "svg" in tags  # details folded, charts inline (as SVG)
    assert html.index("Max pods (lowest") < html.index("<details")  # summary before the details
    assert_loads_nothing(html)
    for w in rec.warnings:
        assert w.id in text


def test_recommendation_html_escapes_hostile_strings():
    html = hostile_recommendation()._repr_html_()
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert_loads_nothing(html)
    text = _text(html)
    assert text.count("<script>alert(1)</script>") > 20  # shown as text
    assert "{{7*7}}" in text  # not evaluated by the template


def test_recommendation_html_without_charts_is_fast_path():
    rec = advise({})
    html = __import__("eksadvisor.output.display", fromlist=["x"]).recommendation_html(rec, charts=False)
    assert "<svg" not in html and "IPv4, secondary IP mode" in _text(html)


def test_max_pods_result_html_and_markdown():
    # m5.large, secondary IP: 3 ENIs x (10 - 1) + 2 = 29 (AWS max-pods-calculator.sh)
    r = compute(__import__("eksadvisor.catalog", fromlist=["x"]).load_catalog().get("m5.large"), "1.19.2")
    html = r._repr_html_()
    text = _text(html)
    assert "m5.large" in text and "max pods 29" in text and "3 x (10 - 1) + 2 = 29" in text
    md = r._repr_markdown_()
    assert md.startswith("**m5.large**: max pods **29**") and "`3 x (10 - 1) + 2 = 29`" in md


def test_max_pods_markdown_escapes_type_name():
    r = compute(__import__("eksadvisor.catalog", fromlist=["x"]).load_catalog().get("m5.large"), "1.19.2")
    import dataclasses

    hostile = dataclasses.replace(r, instance_type=HOSTILE)
    assert "<script>" not in hostile._repr_markdown_()
    assert "<script>" not in hostile._repr_html_()


def test_node_usage_and_ip_usage_report_html():
    # m5.large, 20 pods, secondary IP, default WARM_ENI_TARGET=1: 3 ENIs... the figures come from node_usage itself;
    # the display shows exactly them.
    u = node_usage("m5.large", 20)
    text = _text(u._repr_html_())
    assert f"{u.subnet_addresses} subnet addresses per node" in text.replace("\n", " ")
    rep = ip_usage("m5.large", 20, nodes=10)
    text = _text(rep._repr_html_())
    assert f"{rep.totals.subnet_addresses_max} for 10 nodes" in text.replace("\n", " ")
    hostile = u.model_copy(update={"instance_type": HOSTILE})
    html = hostile._repr_html_()
    assert "<script" not in html.lower() and "<script>alert(1)</script>" in _text(html)


def test_subnet_plan_html(shared_dir):
    import eksadvisor

    assert eksadvisor.plan_subnets  # resolving the public name gives the plan class its display
    plan, _ = subnet_plan(shared_dir / "examples" / "exhausted-onprem.yaml")
    html = plan._repr_html_()
    text = _text(html)
    assert ("incomplete" in text) == (not plan.fits) and f"{len(plan.subnets)} subnets" in text
    for s in plan.subnets:
        assert s.cidr in text
    assert_loads_nothing(html)


def test_display_imports_nothing_until_shown():
    code = ("import eksadvisor, sys\nfrom eksadvisor.decide.advisor import advise\nrec = advise({})\n"
            "assert 'eksadvisor.output.display' not in sys.modules and 'IPython' not in sys.modules\n"
            "assert 'pandas' not in sys.modules and 'altair' not in sys.modules\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_partial_recommendation_says_it_is_not_buildable():
    # advise(partial=True) on a plan that cannot be completed (DESIGN §2.4): the display leads with the refusal
    data = {"node_groups": [{"name": "g", "instance_types": ["t3.large"], "desired_nodes": 2, "max_nodes": 60,
                             "pods_per_node": 15}],
            "network": {"vpc_cidr": "10.0.0.0/24",
                        "onprem_cidrs": ["100.64.0.0/10", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}
    rec = advise(data, partial=True)
    assert not rec.complete
    text = _text(rec._repr_html_())
    assert text.index("Not buildable") < text.index("Max pods (lowest") and rec.refusal in text


def test_audit_result_html(tmp_path):
    from eksadvisor.audit import audit
    from tests.audit.audit_bundles import build, three_az, write

    # three_az(): 3 AZs, private /20s (4091 usable), 2 m5.large nodes per AZ with 12 pods each; the audit's own
    # forecast says how many more nodes fit; the display must show exactly its figures.
    docs, resv = build(three_az())
    r = audit(write(tmp_path / "b", docs, resv))
    html = r._repr_html_()
    text = _text(html)
    assert f"Audit: {r.cluster_name} ({r.region}, {r.vpc_id})" in text
    assert "IPv4, secondary IP mode" in text
    low = min((n, s.subnet_id) for s in r.subnets for n in s.nodes_that_fit.values())
    assert f"Fewest more nodes that fit in a subnet today: {low[0]} ({low[1]}, general)" in text.replace("\n", " ")
    assert "<svg" in html and html.index("Fewest") < html.index("<details")
    assert_loads_nothing(html)
    hostile = r.model_copy(update={"cluster_name": HOSTILE})
    h = hostile._repr_html_()
    assert "<script" not in h.lower() and "<script>alert(1)</script>" in _text(h)
