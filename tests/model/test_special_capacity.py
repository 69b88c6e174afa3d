"""Issue 13 (part A): expert special cases of the capacity model, with the numbers worked by hand.

Sources cited per case: the VPC CNI source (pkg/ipamd/ipamd.go hasRoomForEni, pkg/awsutils/awsutils.go
IsTrunkingCompatible), AWS's max-pods calculator (awslabs/amazon-eks-ami max-pods-calculator.sh) and the
catalog rows in data/instance_types.csv.
"""

from __future__ import annotations

import pytest

from eksadvisor.catalog import load_catalog
from eksadvisor.decide.advisor import advise
from eksadvisor.model.ipam import ip_usage, node_usage
from eksadvisor.model.maxpods import pod_eni_cap, sgp_capacity, trunk_slot_reserved

CATALOG = load_catalog()
SGP = {"security_groups_for_pods": {"needed": True}}


def group(**kw):
    base = {"name": "app", "instance_types": ["m5.large"], "desired_nodes": 3, "max_nodes": 6, "pods_per_node": 20}
    base.update(kw)
    return base


def warning(rec, rule_id):
    found = [w for w in rec.warnings if w.id == rule_id]
    return found[0] if found else None


# ----------------------------------------------------------------------------------- 1. SGP capacity

def test_m4_xlarge_sgp_reserves_no_trunk_slot():
    # m4.xlarge: 4 ENIs x 15 IPv4 (csv), trunking_compatible=false -> hasRoomForEni reserves nothing.
    # WARM_ENI_TARGET=1: n = 1 + ceil(50/14) = 5 -> ENI cap 4; 4 x 14 = 56 IPs; max-pods 4 x 14 + 2 = 58 >= 50.
    r = ip_usage("m4.xlarge", 50, sgp=True)
    u = r.per_node
    assert (u.pod_eni_cap, u.enis, u.trunk_enis, u.secondary_ips, u.pods_with_ip, u.unplaced_pods) == (4, 4, 0, 56, 50, 0)
    assert u.subnet_addresses == 4 + 56
    msg = next(f.message for f in u.flags if f.id == "sgp-unsupported")
    assert "all 4 ENI(s) x 14 secondary IPs = 56 addresses" in msg


def test_m5_large_sgp_trunk_takes_one_of_three_enis():
    # m5.large: 3 ENIs x 10 IPv4, 9 branch ENIs (csv). Trunk slot held back: 2 x 9 = 18 IPs for non-branch pods.
    u = node_usage("m5.large", 25, sgp=True)
    assert (u.pod_eni_cap, u.trunk_enis, u.secondary_ips, u.pods_with_ip, u.unplaced_pods) == (2, 1, 18, 18, 7)
    assert "7 pod(s) get no IP" in next(f.message for f in u.flags if f.id == "eni-cap-reached")
    assert "2 ENI(s) x 9 secondary IPs = 18 addresses" in next(f.message for f in u.flags if f.id == "sgp-trunk-slot")
    # 5 of the 25 with their own security groups: 5 branch ENIs + 18 of the other 20 -> 23 placed, 2 unplaced;
    # the flag counts the 2 (it used to subtract the branch pods twice and report none).
    b = node_usage("m5.large", 25, sgp=True, branch_pods=5)
    assert (b.branch_enis, b.pods_with_ip, b.unplaced_pods) == (5, 23, 2)
    assert "2 pod(s) get no IP" in next(f.message for f in b.flags if f.id == "eni-cap-reached")


def test_one_formula_for_ip_usage_and_advise():
    # sgp_capacity(...).pod_capacity is what node_usage places when max-pods does not gate first
    cases = [("m5.large", 0, False), ("m5.large", 5, False), ("m4.xlarge", 0, False), ("c5.xlarge", 3, False),
             ("m5.large", 5, True)]
    for t, branch, custom in cases:
        cap = sgp_capacity(CATALOG.get(t), custom_networking=custom)
        u = node_usage(t, 200, sgp=True, branch_pods=branch, max_pods=250, custom_networking=custom)
        assert u.pods_with_ip == cap.pod_capacity(branch), t
        assert u.pod_eni_cap == cap.enis_for_ip_pods == pod_eni_cap(CATALOG.get(t), custom_networking=custom,
                                                                     enable_pod_eni=True)
    assert sgp_capacity(CATALOG.get("m5.large")).formula() == "3 ENIs - 1 trunk slot = 2 ENIs x 9 secondary IPs = 18 addresses"


NOT_TRUNKING = sorted(t.instance_type for t in CATALOG if t.trunking_compatible is False
                      and t.ipv4_per_eni >= 2 and t.max_enis >= 1)


def test_catalog_has_non_trunking_types():
    assert {"m4.xlarge", "t3.xlarge", "t3.medium", "c4.large"} <= set(NOT_TRUNKING)


@pytest.mark.parametrize("itype", NOT_TRUNKING)
def test_non_trunking_types_never_reserve_a_trunk_slot(itype):
    t = CATALOG.get(itype)
    assert not trunk_slot_reserved(t, True)
    pods = t.max_enis * (t.ipv4_per_eni - 1) + 10
    on = node_usage(t, pods, sgp=True, max_pods=pods + 1)
    off = node_usage(t, pods, sgp=False, max_pods=pods + 1)
    assert on.trunk_enis == 0
    assert (on.pod_eni_cap, on.enis, on.pods_with_ip) == (off.pod_eni_cap, off.enis, off.pods_with_ip) == (
        t.max_enis, t.max_enis, t.max_enis * (t.ipv4_per_eni - 1))


def test_advise_sgp_m5_large_25_pods_chooses_prefix():
    # secondary-IP capacity with SGP: 18 addresses - 2 baseline system pods with an address = 16 < 25 (not
    # max-pods 29 - 5 system pods = 24) -> prefix delegation, which works with SGP
    rec = advise({**SGP, "node_groups": [group(pods_per_node=25)]})
    assert rec.address_mode == "prefix"
    step = next(s for s in rec.trace if s.node == "address_mode")
    assert "25 > 16 after 5 system pods and the Security Groups for Pods trunk slot" in step.reason
    assert warning(rec, "sgp-capacity-short") is None
    # prefix mode: 2 ENIs x 9 prefixes x 16 = 288 addresses for pods
    assert rec.node_groups[0].per_node["mode"] == "prefix"


def test_advise_sgp_short_when_prefix_unavailable():
    # CNI 1.8 predates prefix delegation (>= 1.9): secondary IPs, 18 < 25 + 2 system pods with an address -> the rule
    rec = advise({**SGP, "cni_version": "1.8.0", "node_groups": [group(pods_per_node=25)]})
    assert rec.address_mode == "secondary_ip"
    w = warning(rec, "sgp-capacity-short")
    assert w is not None and w.severity == "critical"
    assert "27 pods per node (25 workload + 2 system pods with an address)" in w.message
    assert "m5.large: 3 ENIs - 1 trunk slot = 2 ENIs x 9 secondary IPs = 18 addresses < 27" in w.message
    assert "prefix delegation" in w.remediation
    assert rec.node_groups[0].per_node["secondary_ips"] == 18


# ------------------------------------------------------------------------- 2. feature support per type

def test_all_xen_cluster_gets_no_prefix_or_sgp_settings():
    # m4.large, c4.large, t2.medium: hypervisor xen, trunking_compatible false (csv). 40 pods > secondary max
    # (m4.large 2 x 9 + 2 = 20 ... t2.medium 3 x 5 + 2 = 17) would ask for prefixes, but no type can use them.
    rec = advise({**SGP, "node_groups": [group(instance_types=["m4.large", "c4.large", "t2.medium"], pods_per_node=40)]})
    assert rec.address_mode == "secondary_ip"
    assert "ENABLE_PREFIX_DELEGATION" not in rec.settings and "ENABLE_POD_ENI" not in rec.settings
    assert "POD_SECURITY_GROUP_ENFORCING_MODE" not in rec.settings
    assert rec.summary.startswith("Recommended: IPv4 with secondary-IP mode;")
    assert "Security Groups for Pods" not in rec.summary
    w = warning(rec, "sgp-unsupported-non-nitro")
    assert "group app: m4.large, c4.large and t2.medium cannot (no type of it can)" in w.message
    assert "no Security Groups for Pods setting is given" in w.message
    assert warning(rec, "prefix-requires-cni-1.9") is None  # the CNI is not the reason
    assert rec.node_groups[0].feature_support == {
        "prefix_delegation": {"supported": [], "unsupported": ["m4.large", "c4.large", "t2.medium"]},
        "security_groups_for_pods": {"supported": [], "unsupported": ["m4.large", "c4.large", "t2.medium"]},
    }


def test_group_with_some_non_trunking_types_names_them():
    # t3.xlarge is Nitro but not trunking-compatible (csv); m5.xlarge is (18 branch ENIs)
    rec = advise({**SGP, "node_groups": [group(name="mix", instance_types=["m5.xlarge", "t3.xlarge"])]})
    assert rec.settings["ENABLE_POD_ENI"] == "true"
    w = warning(rec, "sgp-unsupported-non-nitro")
    assert "group mix: t3.xlarge cannot (m5.xlarge can)" in w.message
    assert rec.node_groups[0].feature_support["security_groups_for_pods"] == {
        "supported": ["m5.xlarge"], "unsupported": ["t3.xlarge"]}


# ------------------------------------------------------------------------------------- 3. system pods

def test_system_pod_baseline_is_documented():
    from eksadvisor.answers import DEFAULT_SYSTEM_PODS, DEFAULT_SYSTEM_PODS_WITH_IP, SYSTEM_POD_BASELINE

    assert dict(SYSTEM_POD_BASELINE) == {"aws-node": True, "kube-proxy": True, "eks-pod-identity-agent": True,
                                         "ebs-csi-node": False, "coredns": False}
    assert (DEFAULT_SYSTEM_PODS, DEFAULT_SYSTEM_PODS_WITH_IP) == (5, 2)


def test_t3_medium_12_pods_with_system_pods():
    # t3.medium: 3 ENIs x 6 IPv4 (csv): max-pods 3 x 5 + 2 = 17 (max-pods-calculator.sh). CNI 1.8: no prefixes.
    base = {"cni_version": "1.8.0"}
    # baseline 5 system pods: 12 + 5 = 17 <= 17 fits; IP-using pods 12 + 2 = 14 of 15 secondary IPs
    rec = advise({**base, "node_groups": [group(instance_types=["t3.medium"], pods_per_node=12)]})
    assert warning(rec, "system-pods-exceed-max-pods") is None
    ng = rec.node_groups[0]
    assert ng.system_pods == {"total": 5, "with_ip": 2, "host_network": 3, "workload_room": 12}
    assert (ng.per_node["pods"], ng.per_node["secondary_ips"]) == (14, 15)
    # plus a monitoring agent on the pod network and a log agent on the host network: 7 system pods, 3 with an address:
    # 12 + 7 = 19 > 17 -> 2 Pending; kubelet admits 17 - 4 hostNetwork = 13 IP-using pods
    rec = advise({**base, "node_groups": [group(instance_types=["t3.medium"], pods_per_node=12, system_pods=7,
                                                system_pods_with_ip=3)]})
    w = warning(rec, "system-pods-exceed-max-pods")
    assert w is not None and w.severity == "critical"
    assert "12 workload pods plus 7 DaemonSet and add-on pods per node (3 of them with a VPC address) = 19" in w.message
    assert "above its max-pods 17" in w.message and "2 pod(s) per node would stay Pending" in w.message
    assert rec.node_groups[0].per_node["pods"] == 13


def test_system_pods_push_to_prefix_when_available():
    # same 7 system pods with a current CNI: secondary-IP room min(17 - 7, 15 - 3) = 10 < 12 -> prefix delegation
    rec = advise({"node_groups": [group(instance_types=["t3.medium"], pods_per_node=12, system_pods=7,
                                        system_pods_with_ip=3)]})
    assert rec.address_mode == "prefix"
    assert "app (12 > 10 after 7 system pods)" in next(s.reason for s in rec.trace if s.node == "address_mode")


def test_system_pods_with_ip_cannot_exceed_system_pods():
    from eksadvisor.errors import InputError

    with pytest.raises(InputError, match=r"node_groups\[0\]\.system_pods_with_ip: cannot exceed system_pods \(1\)"):
        advise({"node_groups": [group(system_pods=1, system_pods_with_ip=2)]})


# ------------------------------------------------------------------- 4. max-pods above the recommendation

def test_c5_18xlarge_300_pods_sets_max_pods_explicitly():
    # c5.18xlarge: 15 ENIs x 50 IPv4, 72 vCPUs (csv). Secondary IP raw = 15 x (50 - 1) + 2 = 737
    # (max-pods-calculator.sh); recommended = min(250, 737) = 250 (> 30 vCPUs). CNI 1.8: secondary IPs.
    rec = advise({"cni_version": "1.8.0", "node_groups": [group(instance_types=["c5.18xlarge"], pods_per_node=300)]})
    assert rec.max_pods_detail["c5.18xlarge"]["raw_max_pods"] == 15 * (50 - 1) + 2 == 737
    # 300 workload + 5 system pods = 305 <= 737: max-pods 305 set explicitly, a warning, no critical
    assert rec.node_groups[0].max_pods == rec.max_pods["c5.18xlarge"] == 305
    assert rec.max_pods_detail["c5.18xlarge"]["explicit"] is True
    w = warning(rec, "max-pods-above-recommended")
    assert w.severity == "warning"
    assert "c5.18xlarge: recommended 250, raw ENI ceiling 737" in w.message and "explicitly to 305" in w.message
    assert warning(rec, "pods-exceed-max-pods") is None and warning(rec, "system-pods-exceed-max-pods") is None
    assert "maxPodsPerNode: 305" in rec.snippets["eksctl-cluster.yaml"]
    # 735 workload pods: 740 > 737 -> max-pods capped at the raw 737; the system pods do not fit: critical
    rec = advise({"cni_version": "1.8.0", "node_groups": [group(instance_types=["c5.18xlarge"], pods_per_node=735)]})
    assert rec.node_groups[0].max_pods == 737 and warning(rec, "system-pods-exceed-max-pods").severity == "critical"
    # 800 > 737: critical, naming the raw ceiling
    rec = advise({"cni_version": "1.8.0", "node_groups": [group(instance_types=["c5.18xlarge"], pods_per_node=800)]})
    w = warning(rec, "pods-exceed-max-pods")
    assert w.severity == "critical" and "even the raw ENI ceiling of c5.18xlarge is 737" in w.message
    assert rec.node_groups[0].max_pods == 250


# ----------------------------------------------------------------------------------- 5. mixed sizes

def test_mixed_sizes_warned_even_when_max_pods_match():
    # prefix mode caps both at 110 (m5.large raw 434, m5.4xlarge raw 8 x 29 x 16 + 2 = 3714; both <= 30 vCPUs),
    # so mixed-instance-max-pods is quiet; sizes: m5.large 2 vCPUs / 8 GiB, m5.4xlarge 16 / 64 GiB (csv): 8x > 2x
    rec = advise({"node_groups": [group(instance_types=["m5.large", "m5.4xlarge"], pods_per_node=40)]})
    assert rec.address_mode == "prefix" and rec.node_groups[0].max_pods_by_type == {"m5.4xlarge": 110, "m5.large": 110}
    assert warning(rec, "mixed-instance-max-pods") is None
    w = warning(rec, "mixed-instance-sizes")
    assert w.severity == "warning"
    assert "m5.large 2 vCPUs / 8 GiB, m5.4xlarge 16 vCPUs / 64 GiB" in w.message and "8x the vCPUs and 8x" in w.message
    # m5.xlarge (4 / 16) with m5.2xlarge (8 / 32): exactly 2x is "similar"
    rec = advise({"node_groups": [group(instance_types=["m5.xlarge", "m5.2xlarge"], pods_per_node=40)]})
    assert warning(rec, "mixed-instance-sizes") is None


# ------------------------------------------------------------------------------------ 6. warm settings

def test_exhausted_onprem_warm_pool_paid_by_fresh_pod_subnets():
    # exhausted-onprem: node subnets ~97% used, custom networking (separate pod CIDR) with CG-NAT free: pod addresses
    # and their warm pool live in new pod subnets, so the node subnets' shortage does not call for IP targets.
    from tests.conftest import SHARED

    rec = advise(SHARED / "examples" / "exhausted-onprem.yaml")
    assert rec.custom_networking and rec.address_mode == "prefix"
    assert rec.settings["WARM_PREFIX_TARGET"] == "1"
    assert "WARM_IP_TARGET" not in rec.settings and "MINIMUM_IP_TARGET" not in rec.settings
    w = warning(rec, "warm-prefix-target-default-differs")
    assert "the advisor's settings give WARM_PREFIX_TARGET=1 explicitly" in w.message
    assert warning(rec, "warm-ip-overrides-prefix-target") is None
    step = next(s for s in rec.trace if s.node == "warm_tuning")
    assert step.outcome == "warm_prefix_target" and step.inputs["warm_scarcity"] == "low"
    assert step.inputs["ip_constrained"] is True and "Addresses are not scarce" in step.reason


def test_full_existing_pod_subnets_still_get_ip_targets():
    # the pod subnets that pay for warm addresses are themselves 90% used (>= 80%): IP targets, and the words say so
    subnets = [{"cidr": "100.64.0.0/24", "az": "us-east-1a", "role": "pod", "used_ips": 230},
               {"cidr": "100.64.1.0/24", "az": "us-east-1b", "role": "pod", "used_ips": 230}]
    rec = advise({"network": {"separate_pod_cidr_required": True, "existing_subnets": subnets,
                              "secondary_cidrs": ["100.64.0.0/16"]},
                  "node_groups": [group(pods_per_node=40)]})
    assert rec.custom_networking and rec.address_mode == "prefix"
    assert "WARM_IP_TARGET" in rec.settings and "WARM_PREFIX_TARGET" not in rec.settings
    w = warning(rec, "warm-prefix-target-default-differs")
    words = f"WARM_IP_TARGET={rec.settings['WARM_IP_TARGET']} and MINIMUM_IP_TARGET={rec.settings['MINIMUM_IP_TARGET']}"
    assert f"the advisor's settings give {words}, which size the pool instead" in w.message
    assert words in warning(rec, "warm-ip-overrides-prefix-target").message


def test_warm_words_match_settings_for_every_example():
    from eksadvisor.decide.rules import warm_settings_text
    from tests.conftest import EXAMPLES

    for path in EXAMPLES:
        rec = advise(path)
        for w in rec.warnings:
            if w.id in ("warm-prefix-target-default-differs", "warm-ip-overrides-prefix-target"):
                assert warm_settings_text(rec.settings) in w.message, (path.name, w.id)


# -------------------------------------------------------------------------------- 7. Fargate in the budget

def test_fargate_pods_in_the_ip_budget():
    # 10 Fargate pods over 3 AZs: one address each (EKS user guide, Fargate profiles), spread 4/3/3 (ipam.spread)
    data = {"fargate_pods": 10}
    rec = advise(data)
    assert rec.fargate["pods"] == rec.fargate["addresses"] == 10
    assert rec.fargate["per_az"] == {"us-east-1a": 4, "us-east-1b": 3, "us-east-1c": 3}
    assert rec.fargate["subnet_role"] == "private"
    assert [u.fargate_addresses for u in rec.az_usage] == [4, 3, 3]
    from eksadvisor.output.report import render_report

    md = render_report(rec, data, "md", generated_at="2026-12-06T00:00:00Z").decode()
    assert "| Fargate (10 pods, one address each) | - | 10 | 0 | 10 |" in md
    assert "Fargate addresses" in md and "private subnets only" in md
    from eksadvisor.output.charts import recommendation_ip_budget

    rows = recommendation_ip_budget(rec).to_dict()["data"]["values"]
    assert {"node": "Fargate pod (x 10)", "kind": rows[0]["kind"], "addresses": 1, "order": 0} in rows


def test_fargate_only_cluster_has_az_rows_and_ipv6_note():
    rec = advise({"fargate_pods": 5, "node_groups": [], "availability_zones": 2})
    assert [(u.az, u.nodes_max, u.fargate_addresses) for u in rec.az_usage] == [("us-east-1a", 0, 3), ("us-east-1b", 0, 2)]
    rec6 = advise({"fargate_pods": 5, "ipv6": {"ready": True, "ipv4_exhaustion_concern": True}})
    assert rec6.ip_family == "ipv6" and any("IPv4 address" in n for n in rec6.fargate["notes"])
    assert advise({}).fargate == {}


def test_cli_ip_usage_m4_xlarge_sgp(capsys):
    # the command: eksadvisor ip-usage --instance-type m4.xlarge --pods 50 --sgp -> 4 ENIs, 56 IPs, 50 placed
    import json

    from eksadvisor.cli import main

    assert main(["ip-usage", "--instance-type", "m4.xlarge", "--pods", "50", "--sgp", "--format", "json"]) == 0
    per = json.loads(capsys.readouterr().out)["per_node"]
    assert (per["enis"], per["secondary_ips"], per["pods_with_ip"], per["unplaced_pods"], per["trunk_enis"]) == (4, 56, 50, 0, 0)


def test_ipv6_max_pods_above_recommended_is_explicit_too():
    # IPv6 m5.large: formula 3 x (10 - 1) x 16 + 2 = 434, managed node groups' value min(434, 110) = 110;
    # 200 workload + 5 system pods = 205 <= 434 -> explicit 205 with the warning
    rec = advise({"ipv6": {"ready": True, "ipv4_exhaustion_concern": True}, "node_groups": [group(pods_per_node=200)]})
    assert rec.ip_family == "ipv6" and rec.node_groups[0].max_pods == 205
    w = warning(rec, "max-pods-above-recommended")
    assert "m5.large: recommended 110, raw ENI ceiling 434" in w.message
    assert warning(rec, "pods-exceed-max-pods") is None
