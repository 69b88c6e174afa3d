"""compare(): every option planned by the same engine as advise(), one row each (DESIGN §2.6)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eksadvisor
from eksadvisor import errors
from eksadvisor.decide.advisor import advise
from eksadvisor.decide.whatif import COLUMNS, OPTIONS, compare, compare_rows
from eksadvisor.errors import InputError
from tests.conftest import EXAMPLES, SHARED

DESIGN_COLUMNS = ["option", "recommended", "ip_family", "address_mode", "custom_networking", "max_pods",
                  "subnet_addresses_desired", "subnet_addresses_max", "fits", "headroom_nodes", "critical_warnings"]
TYPES = ["m5.large", "m5.xlarge", "c5.4xlarge", "t3.large", "m6i.2xlarge", "m4.large", "m6g.medium"]
REFUSED = getattr(errors, "PlanDoesNotFit", InputError)  # issue 12: advise() refuses an incomplete plan


def _label(rec) -> str:
    if rec.ip_family == "ipv6":
        return "IPv6"
    base = "custom networking" if rec.custom_networking else ""
    mode = "prefix" if rec.address_mode == "prefix" else ""
    if base and mode:
        return "custom networking + prefix"
    return base or mode or "secondary IP"


def assert_recommended_row_is_advise(rows, answers):
    rec_rows = [r for r in rows if r["recommended"]]
    assert len(rec_rows) == 1
    row = rec_rows[0]
    try:
        rec = advise(answers)
    except REFUSED:  # advise() refuses the plan: compare still gives the row, not fitting
        assert row["fits"] is False
        return
    assert row["option"] == _label(rec)
    assert (row["ip_family"], row["address_mode"], row["custom_networking"]) == (
        rec.ip_family, rec.address_mode, rec.custom_networking)
    assert row["max_pods"] == min(g.max_pods for g in rec.node_groups)
    assert row["subnet_addresses_desired"] == sum(u.node_subnet_addresses_desired + u.pod_subnet_addresses_desired
                                                  for u in rec.az_usage)
    assert row["subnet_addresses_max"] == sum(u.node_subnet_addresses_max + u.pod_subnet_addresses_max
                                              for u in rec.az_usage)
    assert row["critical_warnings"] == sum(w.severity == "critical" for w in rec.warnings)
    assert row["critical_warning_ids"] == ", ".join(sorted(w.id for w in rec.warnings if w.severity == "critical"))
    assert row["fits"] == ("subnet-too-small" not in {w.id for w in rec.warnings})
    assert row["secondary_cidrs"] == ", ".join(rec.secondary_cidrs)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_dataframe_shape_and_recommended_row(path):
    df = eksadvisor.compare(path)
    assert list(df.columns) == list(COLUMNS) and set(DESIGN_COLUMNS) <= set(df.columns)
    assert list(df.option) == list(OPTIONS)
    assert int(df.recommended.sum()) == 1
    assert_recommended_row_is_advise(df.to_dict("records"), path)
    from tests.decide.test_wording import INTERNAL

    assert not [n for n in df.note if INTERNAL.search(n)]  # notes in plain words (issue 14 item 8)


def test_dense_platform_figures():
    # dense-platform: m6i.2xlarge (4 ENIs x 15 IPv4, 8 vCPUs), 90 pods per node, 40 max nodes.
    # secondary IP: 4 x (15 - 1) + 2 = 58; with custom networking the primary ENI holds no pods: 3 x 14 + 2 = 44;
    # prefix: 4 x 14 x 16 + 2 = 898 capped at 110 (<= 30 vCPUs); AWS max-pods-calculator.sh.
    df = compare(SHARED / "examples" / "dense-platform.yaml").set_index("option")
    assert df.loc["secondary IP", "max_pods"] == 58
    assert df.loc["custom networking", "max_pods"] == 44
    assert df.loc["prefix", "max_pods"] == 110 and df.loc["custom networking + prefix", "max_pods"] == 110
    assert bool(df.loc["prefix", "recommended"])
    # IPv6: one IPv4 node-subnet address per node: 12 desired, 40 max nodes.
    assert (df.loc["IPv6", "subnet_addresses_desired"], df.loc["IPv6", "subnet_addresses_max"]) == (12, 40)
    # secondary IP cannot place the 90 pods (58 max), so the planner sizes for 58; still a complete plan
    assert bool(df.loc["secondary IP", "fits"])


def test_exhausted_onprem_ipv6_row_says_why_not():
    df = compare(SHARED / "examples" / "exhausted-onprem.yaml").set_index("option")
    ipv6 = df.loc["IPv6"]
    assert not ipv6.available and not ipv6.fits
    assert "separate CIDR" in ipv6.note  # separate_pod_cidr_required: custom networking, not available with IPv6
    assert bool(df.loc["custom networking + prefix", "recommended"])
    # the nearly full /22s cannot take the nodes: every IPv4 option plans its subnets in a new secondary CIDR
    for option in ("secondary IP", "prefix", "custom networking", "custom networking + prefix"):
        assert df.loc[option, "fits"] and df.loc[option, "secondary_cidrs"]


def test_refused_recommendation_still_has_its_row():
    # A /24 VPC whose every other private range is taken on-prem: no complete plan for any IPv4 option, so advise()
    # refuses (PlanDoesNotFit, DESIGN §2.4); compare() still returns every row, the refused ones with fits False and
    # advise()'s refusal sentence, and IPv6 (one IPv4 node address per node) fits.
    import ipaddress

    rest = [str(n) for n in ipaddress.ip_network("10.0.0.0/8").address_exclude(ipaddress.ip_network("10.0.0.0/24"))]
    data = {"cluster_name": "tight", "node_groups": [{"name": "g", "instance_types": ["t3.large"], "desired_nodes": 2,
                                                      "max_nodes": 60, "pods_per_node": 15}],
            "network": {"vpc_cidr": "10.0.0.0/24",
                        "onprem_cidrs": ["100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", *rest]}}
    with pytest.raises(REFUSED) as refused:
        advise(data)
    rows = {r["option"]: r for r in compare_rows(data)}
    rec = next(r for r in rows.values() if r["recommended"])
    assert rec["fits"] is False and rec["headroom_nodes"] == 0 and str(refused.value) in rec["note"]
    assert "subnet-too-small" in rec["critical_warning_ids"]
    assert rows["IPv6"]["fits"] and rows["IPv6"]["headroom_nodes"] > 0


def test_forced_rows_trace_the_forcing():
    df = compare(SHARED / "examples" / "small-dev.yaml").set_index("option")
    assert df.loc["prefix", "note"].startswith("Forced by compare() to prefix; without forcing the walk chooses secondary_ip")


def test_options_filter_keeps_the_recommended_row():
    rows = compare_rows(SHARED / "examples" / "small-dev.yaml", ["IPv6"])
    assert [r["option"] for r in rows] == ["secondary IP", "IPv6"]
    with pytest.raises(InputError, match="options: 'ipv7' is not one of"):
        compare_rows({}, ["ipv7"])


def test_old_cni_prefix_rows_unavailable():
    # prefix delegation needs VPC CNI >= 1.9.0 (AWS: "Assign more IP addresses to Amazon EKS nodes with prefixes")
    rows = {r["option"]: r for r in compare_rows({"cni_version": "1.7.5"})}
    assert rows["prefix"]["available"] is False and "older than 1.9.0" in rows["prefix"]["note"]
    assert rows["custom networking + prefix"]["available"] is False


def test_headroom_hand_worked():
    # Two AZs, one m5.large group (secondary IP, 10 pods, default WARM_ENI_TARGET=1), 4 max nodes: 2 per AZ.
    # node_usage settles each node on 30 node-subnet addresses (ipamd-model.md §3; checked below), so 60 per AZ.
    # The planner keeps each existing private /25 (123 usable: AWS reserves 5) and adds a /25 in a and a /24 (251)
    # in b for growth and surge. Free per AZ: a: 123 + 123 - 0 used - 60 = 186 -> 6 more nodes of 30;
    # b: 123 + 251 - 30 used - 60 = 284 -> 9. Spread evenly, 12 extra nodes (6 + 6) fit; a 13th would go to a.
    data = {"availability_zones": ["us-east-1a", "us-east-1b"], "region": "us-east-1",
            "node_groups": [{"name": "g", "instance_types": ["m5.large"], "desired_nodes": 2, "max_nodes": 4,
                             "pods_per_node": 10}],
            "network": {"vpc_cidr": "10.0.0.0/16", "existing_subnets": [
                {"cidr": "10.0.0.0/25", "az": "us-east-1a", "role": "private", "used_ips": 0},
                {"cidr": "10.0.0.128/25", "az": "us-east-1b", "role": "private", "used_ips": 30}]}}
    rec = advise(data)
    assert rec.node_groups[0].per_node["subnet_addresses"] == 30
    private = {(s.az, s.usable_ips, s.existing) for s in rec.subnets if s.role == "private"}
    assert private == {("us-east-1a", 123, True), ("us-east-1a", 123, False), ("us-east-1b", 123, True),
                       ("us-east-1b", 251, False)}
    row = compare_rows(data, ["secondary IP"])[0]
    assert row["recommended"] and row["fits"]
    assert row["subnet_addresses_max"] == 120 and row["subnet_capacity"] == 3 * 123 + 251 - 30
    assert row["headroom_nodes"] == 12


@pytest.mark.parametrize("room, extra", [([6, 9], 12), ([7, 6], 13), ([6, 5, 6], 16), ([0, 4], 0), ([3], 3)])
def test_spread_capacity_follows_ipam_spread(room, extra):
    from eksadvisor.decide.whatif import spread_capacity
    from eksadvisor.model.ipam import spread

    azs = [f"az{i}" for i in range(len(room))]
    assert spread_capacity(room) == extra
    assert all(spread(extra, azs)[az] <= r for az, r in zip(azs, room, strict=False))
    assert any(spread(extra + 1, azs)[az] > r for az, r in zip(azs, room, strict=False))  # one more does not fit


@settings(max_examples=20, deadline=None)
@given(
    types=st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True),
    pods=st.integers(1, 200),
    desired=st.integers(0, 20),
    extra=st.integers(0, 40),
    azs=st.integers(2, 3),
    ready=st.booleans(), concern=st.booleans(), separate=st.booleans(),
    cni=st.sampled_from(["1.19.2", "1.8.0", "1.10.0"]),
    vpc=st.sampled_from(["10.0.0.0/16", "10.0.0.0/20", "10.0.0.0/24"]),
)
def test_compare_properties(types, pods, desired, extra, azs, ready, concern, separate, cni, vpc):
    data = {
        "availability_zones": azs, "cni_version": cni,
        "node_groups": [{"name": "g", "instance_types": types, "pods_per_node": pods, "desired_nodes": desired,
                         "max_nodes": max(desired + extra, 1)}],
        "ipv6": {"ready": ready, "ipv4_exhaustion_concern": concern},
        "network": {"separate_pod_cidr_required": separate, "vpc_cidr": vpc},
    }
    rows = {r["option"]: r for r in compare_rows(data)}
    assert list(rows) == list(OPTIONS)
    assert_recommended_row_is_advise(list(rows.values()), data)
    ok = {k: r for k, r in rows.items() if r["available"]}
    # prefix delegation never lowers max pods; custom networking never raises it (it takes the primary ENI's slots)
    for without, with_ in (("secondary IP", "prefix"), ("custom networking", "custom networking + prefix")):
        if without in ok and with_ in ok:
            assert ok[with_]["max_pods"] >= ok[without]["max_pods"]
    for shared, custom in (("secondary IP", "custom networking"), ("prefix", "custom networking + prefix")):
        if shared in ok and custom in ok:
            assert ok[custom]["max_pods"] <= ok[shared]["max_pods"]
    for r in rows.values():
        # a shortfall the option's own rules report (subnet-too-small) means it does not fit; an option that fits has
        # none (fits is also false when advise() would refuse the option's incomplete plan: checked above for the
        # recommended row against advise() itself)
        if "subnet-too-small" in r["critical_warning_ids"].split(", ") or not r["available"]:
            assert not r["fits"]
        if r["fits"]:
            assert "subnet-too-small" not in r["critical_warning_ids"]
        if r["available"]:
            assert r["subnet_addresses_desired"] <= r["subnet_addresses_max"]
            assert r["headroom_nodes"] >= 0 and (r["fits"] or r["headroom_nodes"] == 0)
        else:
            assert r["note"]


def test_compare_chart_from_the_dataframe():
    from eksadvisor.output import charts

    df = compare(SHARED / "examples" / "exhausted-onprem.yaml")
    spec = df.pipe(charts.compare_chart).to_dict()  # validates the whole Vega-Lite spec
    points, rules = charts.compare_chart_rows(df)
    # IPv6 is unavailable here: 4 options drawn, 3 points each (0, desired 20, max 60 nodes), one capacity rule each
    assert {p["option"] for p in points} == {"secondary IP", "prefix", "custom networking",
                                             "custom networking + prefix (recommended)"}
    rec = df[df.recommended].iloc[0]
    assert {"option": "custom networking + prefix (recommended)", "nodes": 60,
            "addresses": int(rec.subnet_addresses_max)} in points
    assert len(rules) == 4 and all(r["capacity"] >= 0 for r in rules)
    assert len(spec["layer"]) == 2


def test_report_section_shows_the_compare_rows():
    from eksadvisor.output.report import render_report

    path = SHARED / "examples" / "dense-platform.yaml"
    rec = advise(path)
    md = render_report(rec, path, "md", generated_at="2026-12-06T00:00:00Z").decode()
    section = md.split("## 10. Compare options", 1)[1].split("## 11.", 1)[0]
    for r in compare_rows(path):
        assert (f"| {r['option']} | {'yes' if r['recommended'] else 'no'} | {r['max_pods']} | "
                f"{r['subnet_addresses_desired']} | {r['subnet_addresses_max']} | {r['subnet_capacity']} |") in section
    html = render_report(rec, path, "html", generated_at="2026-12-06T00:00:00Z").decode()
    assert 'id="chart-compare"' in html
    # a recommendation shown beside other answers gets no comparison of those other answers
    other = render_report(rec, SHARED / "examples" / "small-dev.yaml", "md", generated_at="x").decode()
    assert "No comparison: the recommendation was not advised from these answers." in other


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_shared_static_facts_change_no_row(path):
    # compare() reuses the answers-only facts (graph.STATIC_FACTS) of advise()'s walk for the forced walks; each row
    # must equal the row of a fresh, unshared prepare(force=...).
    from eksadvisor.decide.advisor import prepare
    from eksadvisor.decide.whatif import _row

    for r in compare_rows(path):
        if r["recommended"] or not r["available"]:
            continue
        assert r == _row(prepare(path, None, force=OPTIONS[r["option"]]), r["option"], False)


def test_fargate_pods_count_in_every_option():
    """Each Fargate pod takes one private-subnet IPv4 address, whatever the option (EKS user guide, Fargate profiles):
    a Fargate-only cluster of 300 pods takes 300 addresses in every row."""
    import eksadvisor

    df = eksadvisor.compare({"version": 1, "cluster_name": "farg", "availability_zones": 2, "node_groups": [],
                             "fargate_pods": 300, "network": {"vpc_cidr": "10.0.0.0/24"}})
    rows = df[df["available"]]
    assert len(rows) >= 1 and set(rows["subnet_addresses_max"]) == {300} and set(rows["subnet_addresses_desired"]) == {300}
