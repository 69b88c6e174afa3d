"""The rule catalog: every rule fires in a scenario and stays quiet in a near miss; suppression."""

from __future__ import annotations

import pytest

from eksadvisor.decide.advisor import advise
from eksadvisor.rulebook import load_rules

IPV6 = {"ipv6": {"ready": True, "ipv4_exhaustion_concern": True}}
SGP = {"security_groups_for_pods": {"needed": True}}
EXHAUSTED = [
    {"cidr": "10.0.0.0/24", "az": "us-east-1a", "role": "private", "used_ips": 240},
    {"cidr": "10.0.1.0/24", "az": "us-east-1b", "role": "private", "used_ips": 230},
]
# Exhaustion is measured on the VPC as it is: the two crowded /24s fill a /23 primary, so no free primary space is left
# (in the default /16 the rest of the VPC would hold new node subnets, which is not exhaustion).
EXHAUSTED_VPC = "10.0.0.0/23"


def group(**kw):
    base = {"name": "general", "instance_types": ["m5.large"], "desired_nodes": 3, "max_nodes": 10, "pods_per_node": 20}
    base.update(kw)
    return base


def dense(**kw):
    return {"node_groups": [group(pods_per_node=50)], **kw}


USED = [{"cidr": "10.0.0.0/20", "az": "us-east-1a", "role": "private", "used_ips": 100}]
WITH_CLUSTER = {"availability_zones": 2, "network": {"vpc_cidr": "10.0.0.0/22", "existing_subnets": [
    {"cidr": "10.0.0.0/23", "az": "us-east-1a", "role": "private", "used_ips": 10},
    {"cidr": "10.0.2.0/28", "az": "us-east-1a", "role": "cluster", "used_ips": 2},
    {"cidr": "10.0.2.16/28", "az": "us-east-1b", "role": "cluster", "used_ips": 2}]}}

SHARED_CLUSTER = {"availability_zones": 2, "network": {"vpc_cidr": "10.0.0.0/22", "existing_subnets": [
    {"cidr": "10.0.0.0/23", "az": "us-east-1a", "role": "private", "used_ips": 10},
    {"cidr": "10.0.2.0/27", "az": "us-east-1a", "role": "cluster", "used_ips": 12},
    {"cidr": "10.0.2.32/27", "az": "us-east-1b", "role": "cluster", "used_ips": 2}]}}
HEADROOM = {"network": {"vpc_cidr": "10.0.0.0/20"}, "node_groups": [group(desired_nodes=30, max_nodes=60, pods_per_node=20)]}

# rule id -> (answers where it fires, near-miss answers where it stays quiet)
CASES: dict[str, tuple[dict, dict]] = {
    "prefix-fragmented-subnet": (dense(network={"existing_subnets": USED}),
                                 dense(network={"existing_subnets": USED, "separate_pod_cidr_required": True})),
    "prefix-requires-cni-1.9": (dense(cni_version="1.8.0"), dense(cni_version="1.9.0")),
    "prefix-no-downgrade": (dense(), {}),
    "prefix-update-max-pods": (dense(), IPV6),
    "prefix-replace-node-groups": (dense(network={"existing_subnets": USED}), {"network": {"existing_subnets": USED}}),
    "mixed-address-modes": ({"node_groups": [group(pods_per_node=50), group(name="old", instance_types=["m4.large"], pods_per_node=15)]},
                            {"node_groups": [group(pods_per_node=50), group(name="new", instance_types=["m5a.large"], pods_per_node=15)]}),
    "mixed-instance-max-pods": ({"node_groups": [group(instance_types=["m5.large", "m5.xlarge"])]},
                                {"node_groups": [group(instance_types=["m5.large", "m5a.large"])]}),
    # m5.large prefix mode: raw ENI ceiling 3 x (10 - 1) x 16 + 2 = 434; above it critical, below max-pods is set explicitly
    # m5.large 2 vCPUs / 8 GiB vs m5.4xlarge 16 / 64: 8x > 2x; m5.large vs m5a.large: 1x
    "mixed-instance-sizes": ({"node_groups": [group(instance_types=["m5.large", "m5.4xlarge"])]},
                             {"node_groups": [group(instance_types=["m5.large", "m5a.large"])]}),
    "pods-exceed-max-pods": ({"node_groups": [group(pods_per_node=435)]}, {"node_groups": [group(pods_per_node=429)]}),
    # t3.medium, CNI 1.8 (no prefixes): max-pods 3 x 5 + 2 = 17; 12 workload + 7 system = 19 > 17; baseline 5: 17 fits
    "system-pods-exceed-max-pods": (
        {"cni_version": "1.8.0", "node_groups": [group(instance_types=["t3.medium"], pods_per_node=12, system_pods=7)]},
        {"cni_version": "1.8.0", "node_groups": [group(instance_types=["t3.medium"], pods_per_node=12)]}),
    # c5.18xlarge: recommended 250 (72 vCPUs > 30); 300 + 5 system pods = 305 is within the raw ceiling -> explicit
    "max-pods-above-recommended": ({"node_groups": [group(instance_types=["c5.18xlarge"], pods_per_node=300)]},
                                   {"node_groups": [group(instance_types=["c5.18xlarge"], pods_per_node=245)]}),
    "warm-pool-subnet-cost": ({}, dense()),
    # 8 + 2 system pods with an address = 10 IP-using pods: IP targets fit one /28 where WARM_PREFIX_TARGET=1 takes two
    "warm-ip-overrides-prefix-target": ({"ipv6": {"ipv4_exhaustion_concern": True}, "node_groups": [group(pods_per_node=8)]}, dense()),
    "warm-prefix-target-default-differs": (dense(), {}),
    "custom-networking-prefer-ipv6": ({"ipv6": {"ready": True}, "network": {"separate_pod_cidr_required": True}},
                                      {"network": {"separate_pod_cidr_required": True}}),
    "custom-networking-max-pods": ({"network": {"separate_pod_cidr_required": True}}, {}),
    "cgnat-in-use": ({"network": {"separate_pod_cidr_required": True, "cgnat_in_use": True}}, {"network": {"cgnat_in_use": True}}),
    "overlapping-cidrs": ({"network": {"onprem_cidrs": ["10.0.0.0/8"]}}, {"network": {"onprem_cidrs": ["192.168.0.0/16"]}}),
    "docker-bridge-overlap": ({"network": {"vpc_cidr": "172.17.0.0/16"}}, {"network": {"vpc_cidr": "172.18.0.0/16"}}),
    "cluster-subnet-shared": (SHARED_CLUSTER, WITH_CLUSTER),
    "control-plane-az-excluded": ({"availability_zones": 6}, {"availability_zones": 3}),
    "control-plane-az-check": ({"availability_zones": 3}, {"region": "eu-west-1", "availability_zones": 3}),
    "growth-headroom-reduced": (HEADROOM, {**HEADROOM, "network": {"vpc_cidr": "10.0.0.0/16"}}),
    # a refused plan (advise(..., partial=True) shows the diagnosis): nothing can be associated that clears on-prem
    # 10.0.0.0/8 and the CG-NAT space in use, and the /24 cannot hold 20 nodes
    "subnet-too-small": ({"network": {"vpc_cidr": "10.0.0.0/24", "cgnat_in_use": True, "onprem_cidrs": ["10.0.0.0/8"]},
                          "node_groups": [group(max_nodes=20)]},
                         {"network": {"vpc_cidr": "10.0.0.0/16", "cgnat_in_use": True}, "node_groups": [group(max_nodes=20)]}),
    "ipv6-irreversible": (IPV6, {"ipv6": {"ready": True}}),
    "ipv6-nitro-only": ({**IPV6, "node_groups": [group(instance_types=["m4.large"])]}, IPV6),
    "ipv6-fargate-needs-ipv4": ({**IPV6, "fargate_pods": 5}, {"fargate_pods": 5}),
    "ipv6-disable-dns64": (IPV6, {"ipv6": {"ready": True}}),
    "ipv6-load-balancer-controller": (IPV6, {"ipv6": {"ready": True}}),
    "ipv6-cni-iam-policy": (IPV6, {"ipv6": {"ready": True}}),
    "ipv6-sgp-conflict": ({**IPV6, **SGP}, SGP),
    "cni-separate-iam-role": ({}, {"operations": {"auto_mode": True}}),
    "use-managed-addon": ({"operations": {"self_managed_cni": True}}, {}),
    "backup-before-upgrade": ({}, {"operations": {"auto_mode": True}}),
    "upgrade-one-minor-at-a-time": ({"cni_version": "1.16.0"}, {"cni_version": "1.17.1"}),
    "aws-node-probe-timeouts": ({"operations": {"data_intensive": True}}, {}),
    "custom-ami-iptables-forward": ({"operations": {"custom_ami": True}}, {}),
    "auto-mode-cni-settings": ({"operations": {"auto_mode": True}}, {}),
    "sgp-strict-breaks-nodelocal-dns": ({"security_groups_for_pods": {"needed": True, "nodelocal_dnscache": True}},
                                        {"security_groups_for_pods": {"nodelocal_dnscache": True}}),
    "sgp-disable-tcp-early-demux": (SGP, {"security_groups_for_pods": {"needed": True, "network_policy": True}}),
    "sgp-termination-grace-period": (SGP, {}),
    "sgp-external-snat": (SGP, {"operations": {"auto_mode": True}, **SGP}),
    "sgp-requires-newer-cni": ({"cni_version": "1.10.0", "security_groups_for_pods": {"needed": True, "nodelocal_dnscache": True}},
                               {"cni_version": "1.10.0", **SGP}),  # strict needs no enforcing-mode setting
    "windows-single-eni-max-pods": ({"node_groups": [group(), group(name="win", os="windows", pods_per_node=8)]},
                                    {"node_groups": [group(), group(name="win", pods_per_node=8)]}),
    "windows-no-custom-networking": (
        {"network": {"separate_pod_cidr_required": True}, "node_groups": [group(), group(name="win", os="windows", pods_per_node=8)]},
        {"node_groups": [group(), group(name="win", os="windows", pods_per_node=8)]}),
    "windows-with-auto-mode": ({"operations": {"auto_mode": True}, "node_groups": [group(), group(name="win", os="windows", pods_per_node=8)]},
                               {"operations": {"auto_mode": True}, "node_groups": [group(), group(name="win", pods_per_node=8)]}),
    "windows-needs-linux-nodes": ({"node_groups": [group(name="win", os="windows", pods_per_node=8)]},
                                  {"node_groups": [group(name="win", os="windows", pods_per_node=8)], "fargate_pods": 4}),
    "sgp-unsupported-windows": ({**SGP, "node_groups": [group(), group(name="win", os="windows")]},
                                {**SGP, "node_groups": [group(), group(name="lin")]}),
    "sgp-unsupported-non-nitro": ({**SGP, "node_groups": [group(instance_types=["t3.large"])]}, SGP),
    "sgp-counts-toward-max-pods": (SGP, {}),
    "sgp-branch-eni-capacity": ({"security_groups_for_pods": {"needed": True, "pods_per_node": 10}},
                                {"security_groups_for_pods": {"needed": True, "pods_per_node": 9}}),  # m5.large: 9
    "sgp-tag-one-security-group": (SGP, {}),
    # fixed in AWS's v4.1.4-eksbuild.3 manifest and upstream v4.2.3 (fact sheet §7: PR #3323, issue #1221)
    "multus-thick-plugin-race": ({"multus": {"needed": True, "plugin": "thick", "version": "v4.1.4-eksbuild.2"}},
                                 {"multus": {"needed": True, "plugin": "thick", "version": "v4.1.4-eksbuild.3"}}),
    # m5.large, 25 pods, SGP: 3 ENIs - 1 trunk slot = 2 x 9 = 18 addresses < 25; CNI 1.8 cannot use prefixes
    "sgp-capacity-short": ({**SGP, "cni_version": "1.8.0", "node_groups": [group(pods_per_node=25)]},
                           {**SGP, "cni_version": "1.9.0", "node_groups": [group(pods_per_node=25)]}),
    "multus-node-security-group": (
        {"multus": {"needed": True, "networks": [{"name": "n1", "type": "ipvlan", "cidr": "10.10.0.0/16"}]}},
        {"multus": {"needed": False, "networks": [{"name": "n1", "type": "ipvlan", "cidr": "10.10.0.0/16"}]}}),
    "fargate-profile-private-subnets": ({"fargate_pods": 12}, {}),
    "multus-extra-enis": (
        {"multus": {"needed": True, "networks": [{"name": "n1", "type": "ipvlan", "cidr": "10.10.0.0/16"}]}},
        {"multus": {"needed": True}}),
    "multus-macvlan-no-cross-node": (
        {"multus": {"needed": True, "networks": [{"name": "n1", "type": "macvlan", "cidr": "10.10.0.0/16"}]}},
        {"multus": {"needed": True, "networks": [{"name": "n1", "type": "ipvlan", "cidr": "10.10.0.0/16"}]}}),
}

DESIGN_IDS = ["prefix-fragmented-subnet", "prefix-requires-cni-1.9", "prefix-no-downgrade", "prefix-update-max-pods", "prefix-replace-node-groups", "mixed-address-modes", "mixed-instance-max-pods", "warm-pool-subnet-cost", "warm-ip-overrides-prefix-target", "custom-networking-prefer-ipv6", "cgnat-in-use", "overlapping-cidrs", "docker-bridge-overlap", "cluster-subnet-shared", "subnet-too-small", "ipv6-irreversible", "ipv6-nitro-only", "ipv6-fargate-needs-ipv4", "ipv6-disable-dns64", "ipv6-load-balancer-controller", "ipv6-cni-iam-policy", "cni-separate-iam-role", "use-managed-addon", "backup-before-upgrade", "upgrade-one-minor-at-a-time", "aws-node-probe-timeouts", "custom-ami-iptables-forward", "sgp-strict-breaks-nodelocal-dns", "sgp-disable-tcp-early-demux", "sgp-termination-grace-period", "sgp-external-snat", "sgp-unsupported-windows", "sgp-unsupported-non-nitro", "sgp-counts-toward-max-pods", "sgp-tag-one-security-group", "multus-thick-plugin-race", "multus-node-security-group"]

_CACHE: dict[str, list] = {}


def warnings_for(data: dict) -> dict[str, dict]:
    key = repr(data)
    if key not in _CACHE:
        _CACHE[key] = [w.model_dump() for w in advise(data, partial=True).warnings]
    return {w["id"]: w for w in _CACHE[key]}


def test_every_rule_has_a_case():
    # audit-* rules fire on a live cluster, never in advise(): their cases are in tests/audit/test_audit.py
    assert {r.id for r in load_rules() if r.condition != "audit_only"} == set(CASES)


def test_design_ids_all_in_catalog():
    assert set(DESIGN_IDS) <= {r.id for r in load_rules()}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id):
    fired = warnings_for(CASES[rule_id][0])
    assert rule_id in fired, f"{rule_id} did not fire; got {sorted(fired)}"
    w = fired[rule_id]
    rule = next(r for r in load_rules() if r.id == rule_id)
    assert w["severity"] == rule.severity and w["source"] == rule.source
    assert "{" not in w["message"] and "{" not in w["remediation"], w
    if rule.status:
        assert rule.status in w["message"]


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_quiet_in_near_miss(rule_id):
    fired = warnings_for(CASES[rule_id][1])
    assert rule_id not in fired, f"{rule_id} fired in its near miss: {fired[rule_id]['message']}"


def test_suppression_by_id():
    data = {**IPV6, "suppress_rules": ["ipv6-irreversible", "ipv6-disable-dns64"]}
    rec = advise(data)
    ids = {w.id for w in rec.warnings}
    assert "ipv6-irreversible" not in ids and "ipv6-disable-dns64" not in ids
    assert "ipv6-cni-iam-policy" in ids
    assert rec.provenance.suppressed_rules == ["ipv6-disable-dns64", "ipv6-irreversible"]


def test_warnings_ordered_by_severity():
    rec = advise(CASES["overlapping-cidrs"][0] | {"operations": {"custom_ami": True}})
    order = {"critical": 0, "warning": 1, "info": 2}
    ranks = [order[w.severity] for w in rec.warnings]
    assert ranks == sorted(ranks)


def test_messages_are_specific():
    w = warnings_for(CASES["mixed-instance-max-pods"][0])["mixed-instance-max-pods"]
    assert "m5.large 29" in w["message"] and "m5.xlarge 58" in w["message"] and "lowest, 29" in w["message"]
    w = warnings_for(CASES["overlapping-cidrs"][0])["overlapping-cidrs"]
    assert "10.0.0.0/16 overlaps connected network 10.0.0.0/8" in w["message"]
    w = warnings_for(CASES["upgrade-one-minor-at-a-time"][0])["upgrade-one-minor-at-a-time"]
    assert "1.16 -> 1.17" in w["message"]
    w = warnings_for(CASES["sgp-counts-toward-max-pods"][0])["sgp-counts-toward-max-pods"]
    assert "m5.large: 9 branch ENIs" in w["message"]  # seed: m5.large supports up to 9 branch ENIs


def test_conflict_and_unconfirmed_are_shown_as_such():
    statuses = {r.id: r.status for r in load_rules() if r.status}
    assert statuses["warm-prefix-target-default-differs"] == "CONFLICT"
    assert statuses["ipv6-sgp-conflict"] == "CONFLICT"


# ---------------------------------------------------------------------------- review fixes


AUTO_DENSE = {"operations": {"auto_mode": True}, "node_groups": [group(pods_per_node=50)]}


@pytest.mark.parametrize("rule_id", ["prefix-update-max-pods", "prefix-no-downgrade", "warm-prefix-target-default-differs"])
def test_aws_node_prefix_rules_quiet_in_auto_mode(rule_id):
    # Auto Mode: AWS runs pod networking, the advisor gives no aws-node settings; these rules told the user to set
    # kubelet max-pods / pin the add-on / "the advisor's settings do" set WARM_PREFIX_TARGET.
    assert advise(AUTO_DENSE).settings == {}
    assert rule_id not in warnings_for(AUTO_DENSE)
    assert rule_id in warnings_for(dense())


def test_custom_networking_max_pods_quiet_in_auto_mode():
    data = {"operations": {"auto_mode": True}, "network": {"separate_pod_cidr_required": True}}
    assert "custom-networking-max-pods" not in warnings_for(data)
    assert "podSubnetSelectorTerms" in warnings_for(data)["auto-mode-cni-settings"]["message"]


def test_prefix_no_downgrade_names_the_family_minimum():
    w = warnings_for(IPV6)["prefix-no-downgrade"]
    assert w["message"] == ("Once prefix delegation is on, the VPC CNI must not be downgraded below v1.10.1 without deleting "
                            "and recreating every node.")
    assert w["remediation"].startswith("Pin the add-on version at or above 1.10.1 ")
    w = warnings_for(dense())["prefix-no-downgrade"]
    assert "below v1.9.0 without" in w["message"] and "at or above 1.9.0 " in w["remediation"]


def test_custom_networking_max_pods_example_is_true():
    # m5.large: 29 -> 20 (seed) without prefix; with prefix both are capped at 110 (raw 290, seed), so it does not "drop".
    # 10 pods: fits secondary IPs with custom networking (20 - 5 system pods = 15 workload pods)
    w = warnings_for({"network": {"separate_pod_cidr_required": True}, "node_groups": [group(pods_per_node=10)]})[
        "custom-networking-max-pods"]
    assert "(m5.large: 20 instead of 29)" in w["message"]
    w = warnings_for(dense(network={"separate_pod_cidr_required": True}))["custom-networking-max-pods"]
    assert "(m5.large: still 110 after the cap (raw 290))" in w["message"]
    assert "drops" not in w["message"]


def test_sgp_external_snat_message_follows_enforcing_mode():
    strict = warnings_for(SGP)["sgp-external-snat"]
    assert strict["message"].startswith("In strict mode source NAT is disabled for pods with security groups")
    standard = warnings_for({"security_groups_for_pods": {"needed": True, "nodelocal_dnscache": True}})["sgp-external-snat"]
    # standard mode SNATs off-VPC traffic to the node unless EXTERNALSNAT=true (fact sheet §6): not "disabled"
    assert standard["message"].startswith("In standard mode traffic that pods with security groups send outside the VPC is SNATed")
    assert "disabled" not in standard["message"]
    assert "every pod on the node" in standard["remediation"]


def test_sgp_requires_newer_cni_messages():
    w = warnings_for({"cni_version": "1.7.5", **SGP})["sgp-requires-newer-cni"]
    assert w["message"] == "VPC CNI 1.7.5 is older than 1.7.7, the version EKS requires for Security Groups for Pods."
    w = warnings_for(CASES["sgp-requires-newer-cni"][0])["sgp-requires-newer-cni"]
    assert "older than 1.11.0" in w["message"] and "standard mode that NodeLocal DNSCache needs is not available" in w["message"]
    assert "sgp-requires-newer-cni" not in warnings_for({"cni_version": "1.11.0", "security_groups_for_pods":
                                                         {"needed": True, "nodelocal_dnscache": True}})


def test_bare_metal_prefix_needs_cni_1_11():
    groups = [group(instance_types=["m5.metal"], pods_per_node=50), group(name="n", pods_per_node=50)]
    w = warnings_for({"cni_version": "1.10.0", "node_groups": groups})["mixed-address-modes"]
    assert "m5.metal cannot use it (bare metal needs VPC CNI 1.11 for prefix delegation and 1.10.0 is planned)" in w["message"]
    assert "mixed-address-modes" not in warnings_for({"cni_version": "1.11.0", "node_groups": groups})


def test_max_pods_example_lists_a_type_once():
    data = {"node_groups": [group(pods_per_node=50), group(name="b", pods_per_node=40)]}
    w = warnings_for(data)["prefix-update-max-pods"]
    assert "(e.g. m5.large: 110)" in w["message"]


@pytest.mark.parametrize("data", [
    {"node_groups": [], "fargate_pods": 50, **SGP},
    {"node_groups": [group(instance_types=["t3.large"])], **SGP},
], ids=["fargate-only", "t-family-only"])
def test_sgp_counts_toward_max_pods_needs_trunk_capable_nodes(data):
    # Before: "Branch ENIs are additive (none on these types) ... the trunk ENI takes one ENI slot" with no trunk at all.
    assert "sgp-counts-toward-max-pods" not in warnings_for(data)


def test_custom_networking_prefer_ipv6_quiet_when_ipv6_is_blocked():
    # Windows blocks IPv6, so "consider a new IPv6 cluster" would mislead.
    data = {"ipv6": {"ready": True}, "network": {"separate_pod_cidr_required": True},
            "node_groups": [group(), group(name="win", os="windows")]}
    assert "custom-networking-prefer-ipv6" not in warnings_for(data)
    w = warnings_for(CASES["custom-networking-prefer-ipv6"][0])["custom-networking-prefer-ipv6"]
    assert "(pod traffic must come from a separate CIDR)" in w["message"]


def test_ipv6_nitro_only_fires_on_measured_exhaustion():
    data = {"ipv6": {"ready": True}, "network": {"vpc_cidr": EXHAUSTED_VPC, "existing_subnets": EXHAUSTED},
            "node_groups": [group(instance_types=["m4.large"])]}
    assert "ipv6-nitro-only" in warnings_for(data)


def test_auto_mode_flags_multus_as_unconfirmed():
    w = warnings_for({"operations": {"auto_mode": True}, "multus": {"needed": True}})["auto-mode-cni-settings"]
    assert "Multus in Auto Mode is not confirmed by AWS" in w["message"]
    assert "Multus" not in warnings_for({"operations": {"auto_mode": True}})["auto-mode-cni-settings"]["message"]
