"""The decision graph: one scenario per branch, the trace, and the reasons for options not chosen."""

from __future__ import annotations

import pytest

from eksadvisor.answers import load_answers
from eksadvisor.catalog import load_catalog
from eksadvisor.decide.context import Context
from eksadvisor.decide.graph import choose_strategies, load_graph, walk

CATALOG = load_catalog()

EXHAUSTED_SUBNETS = [
    {"cidr": "10.0.0.0/24", "az": "us-east-1a", "role": "private", "used_ips": 240},
    {"cidr": "10.0.1.0/24", "az": "us-east-1b", "role": "private", "used_ips": 230},
]
# Exhaustion is the planner's answer on the VPC as it is: the two crowded /24s fill a /23 primary (in a /16 the rest of
# the VPC would hold new node subnets, which is not exhaustion).
EXHAUSTED_NET = {"vpc_cidr": "10.0.0.0/23", "existing_subnets": EXHAUSTED_SUBNETS}
IPV6 = {"ipv6": {"ready": True, "ipv4_exhaustion_concern": True}}


def group(**kw):
    base = {"name": "general", "instance_types": ["m5.large"], "desired_nodes": 3, "max_nodes": 10, "pods_per_node": 20}
    base.update(kw)
    return base


# name -> (answers, {(node, branch predicate)} that must be taken, {decision: value})
SCENARIOS: dict[str, tuple[dict, set, dict]] = {
    "default": ({}, {("auto_mode", "always"), ("ip_family", "ipv6_not_wanted"), ("custom_networking", "always"),
                     ("address_mode", "always"), ("prefix_support", "secondary_chosen"), ("endpoint_access", "always"),
                     ("sgp_mode", "sgp_not_needed"), ("multus_safety", "multus_not_needed"), ("warm_tuning", "always")},
                {"ip_family": "ipv4", "address_mode": "secondary_ip", "custom_networking": False,
                 "endpoint_access": "public_private", "sgp_mode": "none", "multus": "not_needed",
                 "warm_tuning": "warm_eni_target"}),
    "auto-mode": ({"operations": {"auto_mode": True}, "security_groups_for_pods": {"needed": True}},
                  {("auto_mode", "auto_mode_on"), ("sgp_mode", "sgp_auto_mode"), ("warm_tuning", "auto_mode_on")},
                  {"auto_mode": "aws_managed", "sgp_mode": "none", "warm_tuning": "none"}),
    "ipv6": (IPV6, {("ip_family", "always"), ("ipv6_addressing", "always"), ("warm_tuning", "ipv6_family")},
             {"ip_family": "ipv6", "address_mode": "prefix", "custom_networking": False, "warm_tuning": "none"}),
    "ipv6-windows": ({**IPV6, "node_groups": [group(), group(name="win", os="windows")]},
                     {("ip_family", "ipv6_blocked_windows")}, {"ip_family": "ipv4"}),
    "ipv6-non-nitro": ({**IPV6, "node_groups": [group(instance_types=["m4.large"])]},
                       {("ip_family", "ipv6_blocked_non_nitro")}, {"ip_family": "ipv4"}),
    "ipv6-separate-cidr": ({**IPV6, "network": {"separate_pod_cidr_required": True}},
                           {("ip_family", "ipv6_blocked_separate_cidr"), ("custom_networking", "separate_pod_cidr_required")},
                           {"ip_family": "ipv4", "custom_networking": True}),
    "ipv6-old-cni": ({**IPV6, "cni_version": "1.10.0"}, {("ip_family", "ipv6_blocked_cni")}, {"ip_family": "ipv4"}),
    # seed: avoid custom networking when ready for IPv6; IPv6 when exhaustion is a real concern (here: measured)
    "exhausted-ipv6-ready": ({"ipv6": {"ready": True}, "network": EXHAUSTED_NET},
                             {("ip_family", "always"), ("ipv6_addressing", "always")},
                             {"ip_family": "ipv6", "custom_networking": False, "address_mode": "prefix"}),
    "exhausted-ipv6-ready-windows": ({"ipv6": {"ready": True}, "network": EXHAUSTED_NET,
                                      "node_groups": [group(), group(name="win", os="windows")]},
                                     {("ip_family", "ipv6_blocked_windows"), ("custom_networking", "exhausted_with_other_cidrs")},
                                     {"ip_family": "ipv4", "custom_networking": True}),
    "exhausted-cgnat": ({"network": {**EXHAUSTED_NET, "cgnat_in_use": True}},
                        {("custom_networking", "exhausted_but_cgnat_in_use")}, {"custom_networking": False}),
    "exhausted": ({"network": EXHAUSTED_NET},
                  {("custom_networking", "exhausted_with_other_cidrs")}, {"custom_networking": True}),
    "small-vpc": ({"network": {"vpc_cidr": "10.0.0.0/24"}, "node_groups": [group(max_nodes=20)]},
                  {("custom_networking", "exhausted_with_other_cidrs")}, {"custom_networking": True}),
    "dense": ({"node_groups": [group(pods_per_node=50)]},
              {("address_mode", "density_over_secondary"), ("prefix_support", "always"), ("warm_tuning", "prefix_chosen")},
              {"address_mode": "prefix", "warm_tuning": "warm_prefix_target"}),
    "over-30": ({"node_groups": [group(instance_types=["m5.2xlarge"], pods_per_node=35)]},
                {("address_mode", "density_over_30")}, {"address_mode": "prefix"}),
    # 8 workload + 2 baseline system pods with an address = 10 IP-using pods: one /28 with IP targets, two with WPT=1
    "constrained": ({"ipv6": {"ipv4_exhaustion_concern": True}, "node_groups": [group(pods_per_node=8)]},
                    {("address_mode", "ip_constrained"), ("warm_tuning", "warm_advice_ip_targets")},
                    {"address_mode": "prefix", "warm_tuning": "warm_ip_target"}),
    "old-cni-dense": ({"cni_version": "1.8.0", "node_groups": [group(pods_per_node=50)]},
                      {("address_mode", "density_over_secondary"), ("prefix_support", "prefix_cni_too_old")},
                      {"address_mode": "secondary_ip", "prefix_wanted": True}),
    # no Linux type can use prefixes (m4/c4/t2 are Xen): secondary IPs, no prefix setting (issue 13)
    "prefix-all-xen": ({"node_groups": [group(instance_types=["m4.large", "c4.large", "t2.medium"], pods_per_node=40)]},
                       {("address_mode", "density_over_secondary"), ("prefix_support", "prefix_no_capable_types")},
                       {"address_mode": "secondary_ip", "prefix_unsupported": True}),
    # no Linux type can host a trunk ENI: no SGP setting (issue 13)
    "sgp-no-trunking-types": ({"security_groups_for_pods": {"needed": True},
                               "node_groups": [group(instance_types=["m4.large", "t3.large"])]},
                              {("sgp_mode", "sgp_no_trunking_types")}, {"sgp_mode": "none"}),
    "regulated": ({"operations": {"regulated": True}}, {("endpoint_access", "regulated")}, {"endpoint_access": "private"}),
    "internal": ({"operations": {"external_api_access": False}}, {("endpoint_access", "no_external_access")},
                 {"endpoint_access": "private"}),
    "dev": ({"operations": {"environment": "dev"}}, {("endpoint_access", "dev_or_test")}, {"endpoint_access": "public"}),
    "test-env": ({"operations": {"environment": "test"}}, {("endpoint_access", "dev_or_test")}, {"endpoint_access": "public"}),
    "sgp-strict": ({"security_groups_for_pods": {"needed": True}}, {("sgp_mode", "always")}, {"sgp_mode": "strict"}),
    "sgp-nodelocal": ({"security_groups_for_pods": {"needed": True, "nodelocal_dnscache": True}},
                      {("sgp_mode", "sgp_standard_needed")}, {"sgp_mode": "standard"}),
    "sgp-netpol": ({"security_groups_for_pods": {"needed": True, "network_policy": True}},
                   {("sgp_mode", "sgp_standard_needed")}, {"sgp_mode": "standard"}),
    "sgp-etp-local": ({"security_groups_for_pods": {"needed": True, "external_traffic_policy_local": True}},
                      {("sgp_mode", "sgp_standard_needed")}, {"sgp_mode": "standard"}),
    "multus-thin": ({"multus": {"needed": True}}, {("multus_safety", "multus_thin")}, {"multus": "thin"}),
    "multus-thick-old": ({"multus": {"needed": True, "plugin": "thick", "version": "v4.0.2"}},
                         {("multus_safety", "multus_thick_unsafe")}, {"multus": "thin"}),
    "multus-thick": ({"multus": {"needed": True, "plugin": "thick", "version": "v4.2.3"}},
                     {("multus_safety", "always")}, {"multus": "thick"}),
    "fargate-only": ({"node_groups": [], "fargate_pods": 200}, {("warm_tuning", "fargate_only")}, {"warm_tuning": "none"}),
    "windows-only": ({"node_groups": [{"name": "win", "os": "windows", "instance_types": ["c5.large"], "pods_per_node": 8}],
                      "network": {"separate_pod_cidr_required": True}},
                     {("custom_networking", "no_linux_nodes"), ("address_mode", "no_linux_nodes"),
                      ("warm_tuning", "no_linux_nodes")},
                     {"custom_networking": False, "address_mode": "secondary_ip", "warm_tuning": "none"}),
}


def run(data: dict):
    ctx = Context(answers=load_answers(data), catalog=CATALOG)
    w = walk(ctx)
    return ctx, w


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario(name):
    data, branches, decisions = SCENARIOS[name]
    _ctx, w = run(data)
    taken = set(w.branches)
    assert branches <= taken, f"{name}: missing {branches - taken}; took {sorted(taken)}"
    for key, value in decisions.items():
        assert w.decisions.get(key) == value, (name, key, w.decisions.get(key))


def test_every_branch_has_a_scenario():
    graph = load_graph()
    every = {(n.id, b.when) for n in graph.nodes.values() for b in n.branches}
    covered = set()
    for data, _, _ in SCENARIOS.values():
        covered |= set(run(data)[1].branches)
    assert every - covered == set(), f"branches with no scenario: {sorted(every - covered)}"


STRATEGY_SCENARIOS = {
    "prefix_delegation": {"node_groups": [group(pods_per_node=50)]},
    "secondary_cidr": {"network": {"separate_pod_cidr_required": True}},
    "custom_networking": {"network": EXHAUSTED_NET},
    "ipv6": IPV6,
    "private_nat_gateway": {"network": {"onprem_cidrs": ["10.0.0.0/8"]}},
    "subnet_cidr_reservation": {"node_groups": [group(pods_per_node=50)],
                                "network": {"existing_subnets": [{"cidr": "10.0.0.0/20", "az": "us-east-1a", "used_ips": 100}]}},
    "alternate_cni": {"network": {**EXHAUSTED_NET, "cgnat_in_use": True}},
}


@pytest.mark.parametrize("strategy", sorted(STRATEGY_SCENARIOS))
def test_strategy_fires(strategy):
    ctx, _ = run(STRATEGY_SCENARIOS[strategy])
    ctx.plan = {"secondary_cidrs": []}
    ids, step = choose_strategies(ctx)
    assert strategy in ids
    assert step["node"] == "ip_exhaustion_strategies" and strategy in step["outcome"]
    assert step["source"] == "IP Exhaustion Strategies"


def test_no_strategy_for_roomy_cluster():
    ctx, _ = run({})
    ctx.plan = {"secondary_cidrs": []}
    ids, step = choose_strategies(ctx)
    assert ids == [] and step["outcome"] == "none"


def test_every_strategy_in_graph_has_a_scenario():
    assert {s.id for s in load_graph().strategies} == set(STRATEGY_SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_trace_is_complete_and_filled(name):
    _, w = run(SCENARIOS[name][0])
    graph = load_graph()
    assert w.trace[0]["node"] == graph.start
    for step in w.trace:
        node = graph.nodes[step["node"]]
        assert step["source"] == node.source
        assert set(step["inputs"]) == set(node.reads)
        assert "{" not in step["reason"] and step["reason"].strip(), step
    for alt in w.alternatives:
        assert "{" not in alt["reason"] and alt["reason"].strip(), alt
        assert alt["verdict"] in ("rejected", "possible")


def test_alternatives_explain_every_other_mode():
    _, w = run({"node_groups": [group(pods_per_node=50)]})
    options = {a["option"]: a for a in w.alternatives}
    assert "address_mode=secondary_ip" in options
    # m5.large: min(max-pods 29 - 5 system pods, 27 IPs - 2 system pods with an address) = 24
    assert "general (50 > 24 after 5 system pods)" in options["address_mode=secondary_ip"]["reason"]
    assert "ip_family=ipv6" in options and "not IPv6-ready" in options["ip_family=ipv6"]["reason"]
    assert "custom_networking=true" in options
    assert {"endpoint_access=public", "endpoint_access=private"} <= set(options)


def test_trace_inputs_record_values():
    _, w = run({"node_groups": [group(pods_per_node=50)]})
    step = next(s for s in w.trace if s["node"] == "address_mode")
    assert step["inputs"]["pods_per_node"] == {"general": 50}
    # m5.large, seed: 29; less the 5 baseline system pods (node_groups[].system_pods) = 24 workload pods
    assert step["inputs"]["secondary_max_pods"] == {"general": 24}
    assert step["outcome"] == "prefix"
    assert step["source"].startswith("Mode Decision Matrix")


def test_ipv6_blocked_reason_names_windows_group():
    _, w = run(SCENARIOS["ipv6-windows"][0])
    step = next(s for s in w.trace if s["node"] == "ip_family")
    assert "win" in step["reason"] and "Windows" in step["reason"]


def test_bare_metal_counts_as_nitro_for_ipv6():
    _, w = run({**IPV6, "node_groups": [group(instance_types=["m5.metal"])]})
    assert w.decisions["ip_family"] == "ipv6"


def test_walk_is_deterministic():
    a = run(SCENARIOS["exhausted"][0])[1]
    b = run(SCENARIOS["exhausted"][0])[1]
    assert a.trace == b.trace and a.alternatives == b.alternatives


@pytest.mark.parametrize("name", ["default", "ipv6", "exhausted", "dense", "sgp-nodelocal", "multus-thick-old"])
def test_static_facts_do_not_depend_on_decisions(name):
    from eksadvisor.decide.context import FACTS
    from eksadvisor.decide.facts import STATIC_FACTS

    assert set(FACTS) >= STATIC_FACTS
    answers = load_answers(SCENARIOS[name][0])
    fresh = Context(answers=answers, catalog=CATALOG)
    walked, _ = run(SCENARIOS[name][0])
    for fact in sorted(STATIC_FACTS):
        other = Context(answers=answers, catalog=CATALOG, decisions=dict(walked.decisions))
        assert fresh.fact(fact) == other.fact(fact), fact


# ---------------------------------------------------------------------------- review fixes (truthful alternatives)

def _alts(data: dict) -> dict[str, dict]:
    return {a["option"]: a for a in run(data)[1].alternatives}


@pytest.mark.parametrize("data", [
    IPV6,
    {"operations": {"auto_mode": True}, "node_groups": [group(pods_per_node=50)]},
    {"operations": {"auto_mode": True}, "ipv6": {"ipv4_exhaustion_concern": True}},
    {"node_groups": [], "fargate_pods": 50, "ipv6": {"ipv4_exhaustion_concern": True}},
], ids=["ipv6", "auto-mode-dense", "auto-mode-constrained", "fargate-only"])
def test_untunable_warm_pool_options_are_rejected_not_possible(data):
    # Before: prefix_chosen/warm_advice_ip_targets also held, so the walk said "Also applicable, but none is
    # preferred: No warm-pool tuning applies." -- a contradiction.
    alts = _alts(data)
    for option in ("warm_tuning=warm_prefix_target", "warm_tuning=warm_ip_target", "warm_tuning=warm_eni_target"):
        assert alts[option]["verdict"] == "rejected", alts[option]
        assert alts[option]["reason"] == "No warm-pool tuning applies."


def test_warm_tuning_none_why_not_names_every_case():
    alts = _alts({})
    assert alts["warm_tuning=none"]["reason"] == (
        "Only IPv6, EKS Auto Mode and clusters without Linux nodes (Fargate or Windows only) skip warm-pool tuning.")


def test_fargate_only_trace_says_no_aws_node():
    _, w = run({"node_groups": [], "fargate_pods": 200})
    step = next(s for s in w.trace if s["node"] == "warm_tuning")
    assert step["outcome"] == "none"
    assert step["reason"].startswith("Every pod runs on Fargate")


def test_auto_mode_sgp_alternatives_are_truthful():
    # Before: sgp_mode=standard was "possible" with "Nothing needs the node's security groups on pod traffic"
    # although NodeLocal DNSCache needed them, and strict said "Security Groups for Pods is not used".
    alts = _alts({"operations": {"auto_mode": True},
                  "security_groups_for_pods": {"needed": True, "nodelocal_dnscache": True}})
    for option in ("sgp_mode=strict", "sgp_mode=standard"):
        assert alts[option] == {"option": option, "verdict": "rejected",
                                "reason": "Security Groups for Pods is not supported in EKS Auto Mode."}


def test_secondary_why_not_wording():
    alts = _alts({"node_groups": [group(pods_per_node=50)]})
    assert alts["address_mode=secondary_ip"]["reason"] == "Secondary-IP mode allows too few pods per node: general (50 > 24 after 5 system pods)."


def test_secondary_cidr_strategy_names_the_planned_cidr():
    # Before: with CG-NAT in use and no secondary CIDR answered, the reason ended "(none)" although the plan
    # associates a secondary CIDR.
    ctx, _ = run({"network": {"separate_pod_cidr_required": True, "cgnat_in_use": True}})
    ctx.plan = {"secondary_cidrs": ["10.1.0.0/22"]}
    ids, step = choose_strategies(ctx)
    assert "secondary_cidr" in ids
    assert "secondary_cidr: Associate a secondary VPC CIDR for the pod or node subnets (the plan associates 10.1.0.0/22)." \
        in step["reason"]


@pytest.mark.parametrize("version, fixed", [
    ("v4.1.4-eksbuild.3", True), ("v4.1.4-eksbuild.30", True), ("v4.2.3", True),
    ("v4.1.1-eksbuild.3", False), ("v4.1.4-eksbuild.1", False), ("v4.1.1", False),
])
def test_multus_thick_fix_matches_fact_sheet(version, fixed):
    # fact sheet §7: the thick start-up race is fixed in AWS's v4.1.4-eksbuild.3 manifest (PR #3323) and upstream
    # v4.2.3; anything older is steered to the thin plugin with the fixed versions named (issue 13).
    _, w = run({"multus": {"needed": True, "plugin": "thick", "version": version}})
    step = next(s for s in w.trace if s["node"] == "multus_safety")
    assert step["outcome"] == ("thick" if fixed else "thin")
    assert "v4.1.4-eksbuild.3" in step["reason"] and "v4.2.3" in step["reason"]
    assert "CONFLICT" not in step["reason"]


def test_measured_exhaustion_makes_an_ipv6_ready_cluster_ipv6():
    # Before: IPv4 was kept ("IPv4 exhaustion is not a stated concern") while the custom-networking step said
    # "avoid custom networking and move to IPv6" -- the recommendation contradicted its own trace.
    _, w = run(SCENARIOS["exhausted-ipv6-ready"][0])
    step = next(s for s in w.trace if s["node"] == "ip_family")
    assert step["outcome"] == "ipv6"
    assert ("(the node subnet CIDR is exhausted: the free space of 10.0.0.0/23 (existing node subnets 470 of 502 addresses "
            "used (94%), 32 free) cannot hold the node subnets even at max_nodes") in step["reason"]
    assert step["inputs"]["node_cidr_exhausted"] is True
    assert "custom_networking" not in {s["node"] for s in w.trace}
    _, w = run({"ipv6": {"ready": True}})
    alt = {a["option"]: a for a in w.alternatives}["ip_family=ipv6"]
    assert alt["reason"].startswith("IPv4 exhaustion is not a stated concern and the node subnets have room")


def test_regulated_private_endpoint_says_how_external_access_works():
    # seed table: private only = "No (VPC/connected networks only)" external access
    _, w = run({"operations": {"regulated": True, "external_api_access": True}})
    step = next(s for s in w.trace if s["node"] == "endpoint_access")
    assert step["outcome"] == "private"
    assert "must then reach the API server over connected networks" in step["reason"]
    _, w = run({"operations": {"regulated": True, "external_api_access": False}})
    step = next(s for s in w.trace if s["node"] == "endpoint_access")
    assert step["reason"].endswith("inside the VPC and connected networks.")
