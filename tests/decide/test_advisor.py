"""advise(): the composed Recommendation (DESIGN §2.2) with real figures from the seed and the examples."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eksadvisor
from eksadvisor.answers import load_answers
from eksadvisor.decide.advisor import advise
from eksadvisor.recommendation import Recommendation
from tests.conftest import EXAMPLES


def group(**kw):
    base = {"name": "general", "instance_types": ["m5.large"], "desired_nodes": 3, "max_nodes": 10, "pods_per_node": 20}
    base.update(kw)
    return base


def example(shared_dir, name):
    return advise(shared_dir / "examples" / f"{name}.yaml")


def dump(rec: Recommendation) -> str:
    return json.dumps(rec.model_dump(mode="json"), sort_keys=True, indent=2)


# ----------------------------------------------------------------------------- seed figures

def test_seed_m5_large_secondary_29():
    rec = advise({})
    assert rec.max_pods == {"m5.large": 29}
    assert rec.address_mode == "secondary_ip" and rec.ip_family == "ipv4"
    assert rec.node_groups[0].max_pods == 29


def test_seed_m5_large_prefix_110_raw_434():
    rec = advise({"node_groups": [group(pods_per_node=50)]})
    assert rec.address_mode == "prefix"
    assert rec.max_pods == {"m5.large": 110}
    d = rec.max_pods_detail["m5.large"]
    assert d["raw_max_pods"] == 434 and d["capped"] and d["ceiling"] == 110
    assert rec.settings["ENABLE_PREFIX_DELEGATION"] == "true"
    assert rec.settings["WARM_PREFIX_TARGET"] == "1"  # explicit: ipamd's code default is 0


def test_seed_custom_networking_20_and_290():
    # 10 pods: with custom networking m5.large has max-pods 20, room for 20 - 5 baseline system pods = 15 workload pods
    rec = advise({"network": {"separate_pod_cidr_required": True}, "node_groups": [group(pods_per_node=10)]})
    assert rec.custom_networking and rec.max_pods == {"m5.large": 20}
    rec = advise({"network": {"separate_pod_cidr_required": True}, "node_groups": [group(pods_per_node=50)]})
    assert rec.custom_networking and rec.address_mode == "prefix"
    assert rec.max_pods == {"m5.large": 110}
    assert rec.max_pods_detail["m5.large"]["raw_max_pods"] == 290
    assert rec.settings["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"] == "true"
    assert rec.settings["ENI_CONFIG_LABEL_DEF"] == "topology.kubernetes.io/zone"
    assert "custom_networking" in rec.strategies and "secondary_cidr" in rec.strategies
    assert rec.secondary_cidrs and rec.secondary_cidrs[0].startswith("100.64.")
    assert {s.role for s in rec.subnets} == {"cluster", "public", "private", "pod"}


def test_seed_ipv6_434():
    rec = advise({"ipv6": {"ready": True, "ipv4_exhaustion_concern": True}})
    assert rec.ip_family == "ipv6" and rec.address_mode == "prefix" and not rec.custom_networking
    assert rec.max_pods_detail["m5.large"]["raw_max_pods"] == 434
    assert rec.max_pods == {"m5.large": 110}
    # ENABLE_IPv4=false: the manifest sets it true and ipamd refuses both on (isConfigValid, pkg/ipamd/ipamd.go)
    assert rec.settings == {"ENABLE_IPv4": "false", "ENABLE_IPv6": "true", "ENABLE_PREFIX_DELEGATION": "true"}
    assert rec.init_settings == {"ENABLE_IPv6": "true"}
    assert rec.strategies == ["ipv6"]
    assert rec.node_groups[0].per_node["node_subnet_addresses"] == 1


def test_sgp_settings_strict_and_standard():
    rec = advise({"security_groups_for_pods": {"needed": True}})
    assert rec.settings["ENABLE_POD_ENI"] == "true"
    assert rec.settings["POD_SECURITY_GROUP_ENFORCING_MODE"] == "strict"
    assert rec.settings["AWS_VPC_K8S_CNI_EXTERNALSNAT"] == "true"
    assert rec.init_settings == {"DISABLE_TCP_EARLY_DEMUX": "true"}
    rec = advise({"security_groups_for_pods": {"needed": True, "network_policy": True}})
    assert rec.settings["POD_SECURITY_GROUP_ENFORCING_MODE"] == "standard"
    assert rec.init_settings == {}


def test_sgp_pods_are_budgeted_as_branch_enis():
    # default group: m5.large, 20 pods, secondary IP; 5 pods with their own SGs ride on branch ENIs:
    # per node 2 pod ENIs (trunk takes the 3rd slot) x 9 IPs + 1 trunk + 5 branch = 2 + 1 + 18 + 5 = 26;
    # ipamd serves 20 - 5 branch + 2 baseline system pods with an address = 17 of 18 IPs: 1 free
    rec = advise({"security_groups_for_pods": {"needed": True, "pods_per_node": 5}})
    per_node = rec.node_groups[0].per_node
    assert (per_node["branch_enis"], per_node["node_subnet_addresses"], per_node["free_ips"]) == (5, 26, 1)
    assert rec.node_groups[0].node_subnet_addresses_at_max == 26 * 10
    unknown = advise({"security_groups_for_pods": {"needed": True}})  # pods_per_node 0: unknown, none assumed
    assert unknown.node_groups[0].per_node["branch_enis"] == 0


def test_auto_mode_max_pods_is_min_110_and_the_eni_calculation():
    # fact sheet §10: m5.large 3 x 9 + 2 = 29; c5.18xlarge min(110, 737) = 110 -- in any address mode
    for pods in (20, 50):
        rec = advise({"operations": {"auto_mode": True},
                      "node_groups": [group(instance_types=["m5.large", "c5.18xlarge"], pods_per_node=pods)]})
        assert rec.max_pods == {"c5.18xlarge": 110, "m5.large": 29}
        assert rec.max_pods_detail["c5.18xlarge"]["mode"] == "auto_mode"


def test_mixed_group_gets_lowest():
    rec = advise({"node_groups": [group(instance_types=["m5.xlarge", "m5.large"])]})
    g = rec.node_groups[0]
    assert g.max_pods_by_type == {"m5.large": 29, "m5.xlarge": 58}
    assert g.max_pods == 29 and g.limiting_type == "m5.large"
    assert rec.max_pods == {"m5.large": 29, "m5.xlarge": 58}
    assert "mixed-instance-max-pods" in {w.id for w in rec.warnings}


def test_auto_mode_has_no_aws_node_settings():
    rec = advise({"operations": {"auto_mode": True}})
    assert rec.settings == {} and rec.init_settings == {}
    assert "auto-mode-cni-settings" in {w.id for w in rec.warnings}


def test_all_settings_are_strings():
    for data in ({}, {"node_groups": [group(pods_per_node=50)]}, {"ipv6": {"ipv4_exhaustion_concern": True}}):
        rec = advise(data)
        assert all(isinstance(v, str) for v in [*rec.settings.values(), *rec.init_settings.values()])


# ----------------------------------------------------------------------------- the examples

def test_dense_platform(shared_dir):
    rec = example(shared_dir, "dense-platform")
    assert (rec.ip_family, rec.address_mode, rec.custom_networking, rec.endpoint_access) == (
        "ipv4", "prefix", False, "public_private")
    assert rec.max_pods == {"m6i.2xlarge": 110}
    assert rec.settings["POD_SECURITY_GROUP_ENFORCING_MODE"] == "standard"  # NodeLocal DNSCache
    assert "DISABLE_TCP_EARLY_DEMUX" not in rec.init_settings
    g = rec.node_groups[0]
    assert g.per_node["prefixes"] * 16 >= 90
    assert g.subnet_addresses_at_max == g.per_node["subnet_addresses"] * 40
    assert sum(z.nodes_max for z in rec.az_usage) == 40
    assert sum(z.nodes_desired for z in rec.az_usage) == 12
    ids = {w.id for w in rec.warnings}
    assert {"sgp-strict-breaks-nodelocal-dns", "prefix-update-max-pods"} <= ids
    assert "overlapping-cidrs" not in ids  # 10.40.0.0/16 vs 192.168.0.0/16


def test_exhausted_onprem(shared_dir):
    rec = example(shared_dir, "exhausted-onprem")
    assert (rec.ip_family, rec.address_mode, rec.custom_networking, rec.endpoint_access) == (
        "ipv4", "prefix", True, "private")
    assert rec.node_groups[0].max_pods == 110
    ids = {w.id for w in rec.warnings}
    assert "overlapping-cidrs" in ids  # 10.8.0.0/20 sits inside on-prem 10.0.0.0/12
    assert "prefix-fragmented-subnet" not in ids  # prefixes come from the new pod subnets, not the full node subnets
    assert "subnet_cidr_reservation" not in rec.strategies
    assert "private_nat_gateway" in rec.strategies
    # the pod CIDR is a /16 of CG-NAT space; the routable /24 holds cluster and transit subnets (private NAT pattern)
    assert any(c == "100.64.0.0/16" for c in rec.secondary_cidrs)
    assert {s.role for s in rec.subnets if s.cidr.startswith("10.16.0.")} == {"cluster", "transit"}
    pods = [s for s in rec.subnets if s.role == "pod"]
    assert len(pods) == 3 and all(s.cidr.startswith("100.64.") for s in pods)
    reused = [s for s in rec.subnets if s.existing]
    assert {s.cidr for s in reused} >= {"10.8.0.0/22", "10.8.4.0/22", "10.8.8.0/22"}
    assert rec.node_groups[0].per_node["node_subnet_addresses"] == 1  # custom networking: primary ENI only


def test_small_dev(shared_dir):
    rec = example(shared_dir, "small-dev")
    assert (rec.ip_family, rec.address_mode, rec.custom_networking, rec.endpoint_access) == (
        "ipv4", "secondary_ip", False, "public")
    assert rec.max_pods == {"t3.large": 35}
    assert rec.settings == {"WARM_ENI_TARGET": "1"}
    assert rec.strategies == []
    assert [s.az for s in rec.subnets if s.role == "private"] == ["eu-west-1a", "eu-west-1b"]
    assert len([s for s in rec.subnets if s.role == "cluster"]) == 2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_recommendation_shape(path):
    rec = advise(path)
    data = rec.model_dump(mode="json")
    for key in ("schema_version", "ip_family", "address_mode", "custom_networking", "endpoint_access", "max_pods",
                "node_groups", "settings", "init_settings", "subnets", "secondary_cidrs", "strategies", "warnings",
                "trace", "alternatives", "snippets", "provenance"):
        assert key in data
    assert data["schema_version"] == 1
    assert next(t["node"] for t in data["trace"]) == "auto_mode"
    assert data["trace"][-1]["node"] == "ip_exhaustion_strategies"
    assert all(w["remediation"] and w["source"] for w in data["warnings"])
    assert all(a["reason"] for a in data["alternatives"])
    assert set(data["max_pods"]) == set(load_answers(path).instance_types())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_provenance(path):
    a = load_answers(path)
    rec = advise(path)
    p = rec.provenance
    assert p.eksadvisor_version == eksadvisor.__version__
    assert p.catalog_snapshot == "2026-08-20"
    expected = "sha256:" + hashlib.sha256(
        json.dumps(a.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert p.answers_digest == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_deterministic_whatever_the_source(path):
    a = load_answers(path)
    first = dump(advise(path))
    assert dump(advise(str(path))) == first
    assert dump(advise(a)) == first
    assert dump(advise(a.model_dump(mode="json"))) == first


def test_snippets_are_generated():
    rec = advise({})
    assert isinstance(rec.snippets, dict)
    assert rec.snippets, "a complete recommendation carries its generated artefacts"
    expected = {"addon-commands.sh", "aws-node-env.sh", "eksctl-cluster.yaml", "runbook.md", "subnet-tags.sh",
                "terraform-eks.tf", "terraform-vpc.tf", "vpc-cni-addon.json"}
    assert expected <= set(rec.snippets), sorted(expected - set(rec.snippets))
    assert all(isinstance(v, str) and v for v in rec.snippets.values())


def test_fargate_only():
    rec = advise({"node_groups": [], "fargate_pods": 30})
    assert rec.node_groups == [] and rec.max_pods == {}
    assert rec.subnets  # the planner still lays out subnets for Fargate pods


# ----------------------------------------------------------------------------- invariants

TYPES = ["m5.large", "m5.xlarge", "c5.4xlarge", "t3.large", "m6i.2xlarge", "m4.large", "r5.24xlarge", "m6g.medium"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    types=st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True),
    pods=st.integers(0, 300),
    desired=st.integers(0, 30),
    extra=st.integers(0, 60),
    ready=st.booleans(), concern=st.booleans(), separate=st.booleans(), sgp=st.booleans(),
    env=st.sampled_from(["dev", "test", "production"]),
)
def test_invariants(types, pods, desired, extra, ready, concern, separate, sgp, env):
    data = {
        "node_groups": [group(instance_types=types, pods_per_node=pods, desired_nodes=desired, max_nodes=max(desired + extra, 1))],
        "ipv6": {"ready": ready, "ipv4_exhaustion_concern": concern},
        "network": {"separate_pod_cidr_required": separate},
        "security_groups_for_pods": {"needed": sgp},
        "operations": {"environment": env},
    }
    rec = advise(data)
    g = rec.node_groups[0]
    assert g.max_pods == min(g.max_pods_by_type.values())
    if rec.ip_family == "ipv6":
        assert rec.address_mode == "prefix" and not rec.custom_networking
    if separate and rec.ip_family == "ipv4":
        assert rec.custom_networking
    if env in ("dev", "test"):
        assert rec.endpoint_access == "public"
    # no SGP setting when no type of the cluster can host a trunk ENI (issue 13: feature support per type)
    from eksadvisor.catalog import load_catalog
    from eksadvisor.model.maxpods import trunk_supported

    trunking = any(trunk_supported(load_catalog().get(t)) for t in types)
    assert (rec.settings.get("ENABLE_POD_ENI") == "true") == (sgp and trunking)
    ids = {w.id for w in rec.warnings}
    assert ("pods-exceed-max-pods" in ids) == (pods > g.max_pods)
    assert len(ids) == len(rec.warnings)
