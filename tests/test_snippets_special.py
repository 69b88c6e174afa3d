"""Issue 13 (part B): generated artefacts for the expert special cases -- Auto Mode node placement, Multus
addressing, Fargate guidance. Each case is a scenario through the real advisor with the expected content worked
out by hand here (sources cited next to the numbers)."""

from __future__ import annotations

import ipaddress

import jsonschema
import yaml

from eksadvisor.snippets import build_context, build_snippets

from .test_snippets_support import auto_mode_case, json_schema, parse_hcl


def _docs(text: str) -> list:
    return [d for d in yaml.safe_load_all(text) if d is not None]


# ------------------------------------------------------------------------------------------ Auto Mode

def test_auto_mode_nodes_are_placed_in_node_subnets_not_cluster_subnets(shared_dir):
    """Fact sheet §11 [EKS-AUTO-NC]: the built-in node pools use the default NodeClass, whose node subnets are the
    cluster's subnets; with the planner's control-plane /28s (16 - 5 = 11 usable addresses each) every node would
    land there. The artefacts must turn the built-in pools off and place nodes through a custom NodeClass that
    every NodePool references."""
    rec, answers = auto_mode_case()
    out = rec.snippets
    cluster = [s for s in rec.subnets if s.role == "cluster"]
    private = [s for s in rec.subnets if s.role == "private"]
    assert len(cluster) == 3 and all(ipaddress.ip_network(s.cidr).prefixlen == 28 and s.usable_ips == 11 for s in cluster)
    assert len(private) == 3

    nodeclass, *pools = _docs(out["automode-nodeclass.yaml"])
    assert (nodeclass["apiVersion"], nodeclass["kind"]) == ("eks.amazonaws.com/v1", "NodeClass")
    assert nodeclass["metadata"]["name"] != "default"  # create-node-class.html: do not name it default
    # required fields per the Node Class Specification (create-node-class.html)
    assert {"role", "subnetSelectorTerms", "securityGroupSelectorTerms"} <= set(nodeclass["spec"])
    selected = [t["id"] for t in nodeclass["spec"]["subnetSelectorTerms"]]
    assert selected == [f"<SUBNET_ID:{s.name}>" for s in private]
    assert not {f"<SUBNET_ID:{s.name}>" for s in cluster} & set(selected)

    # one NodePool per node group, each referencing the custom NodeClass (create-node-pool.html sample)
    assert [(p["apiVersion"], p["kind"], p["metadata"]["name"]) for p in pools] == [
        ("karpenter.sh/v1", "NodePool", "general"), ("karpenter.sh/v1", "NodePool", "batch")]
    for pool, group in zip(pools, answers.node_groups, strict=True):
        spec = pool["spec"]["template"]["spec"]
        assert spec["nodeClassRef"] == {"group": "eks.amazonaws.com", "kind": "NodeClass",
                                        "name": nodeclass["metadata"]["name"]}
        assert spec["requirements"] == [{"key": "node.kubernetes.io/instance-type", "operator": "In",
                                         "values": list(group.instance_types)}]

    # eksctl: control plane in the cluster subnets, node subnets separate, built-in pools off, no nodeRoleARN
    (cfg,) = _docs(out["eksctl-cluster.yaml"])
    jsonschema.Draft7Validator(json_schema("eksctl-clusterconfig-v1alpha5.schema.json")).validate(cfg)
    assert cfg["vpc"]["controlPlaneSubnetIDs"] == [f"<SUBNET_ID:{s.name}>" for s in cluster]
    assert sorted(cfg["vpc"]["subnets"]["private"]) == [s.name for s in private]
    assert cfg["autoModeConfig"] == {"enabled": True, "nodePools": []}

    # Terraform: control_plane_subnet_ids are the intra (cluster) subnets, subnet_ids the private ones
    module = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]
    assert module["control_plane_subnet_ids"] == "${module.vpc.intra_subnets}"
    assert module["subnet_ids"] == "${module.vpc.private_subnets}"
    assert module["compute_config"] == {"enabled": True, "node_pools": []}
    vpc = parse_hcl(out["terraform-vpc.tf"])["module"][0]["vpc"]
    assert vpc["intra_subnets"] == [s.cidr for s in cluster]
    assert vpc["private_subnets"] == [s.cidr for s in private]

    # the runbook grants the node role access before the NodeClass/NodePools are applied
    runbook = out["runbook.md"]
    assert runbook.index("create-access-entry") < runbook.index("kubectl apply \\\n    -f automode-nodeclass.yaml")
    assert "one NodePool per node group (`general`, `batch`)" in runbook


def test_auto_mode_without_linux_groups_still_gets_a_node_pool(shared_dir):
    from eksadvisor.snippets import automode

    rec, answers = auto_mode_case()
    rec = rec.model_copy(update={"node_groups": []})
    (pool,) = automode.nodepool_docs(build_context(rec, answers))
    assert pool["metadata"]["name"] == "general"
    assert pool["spec"]["template"]["spec"]["nodeClassRef"]["name"] == automode.NODECLASS_NAME
    assert pool["spec"]["template"]["spec"]["requirements"]  # karpenter.sh/v1 NodePool requires requirements


def test_auto_mode_pod_subnets_stay_out_of_the_node_selector(shared_dir):
    from .test_snippets_support import example_answers, payments_rec

    answers = example_answers("exhausted-onprem").model_copy(deep=True)
    answers.operations.auto_mode = True
    rec = payments_rec()
    out = build_snippets(rec, answers)
    nodeclass, *pools = _docs(out["automode-nodeclass.yaml"])
    assert [t["id"] for t in nodeclass["spec"]["subnetSelectorTerms"]] == [
        f"<SUBNET_ID:private-eu-central-1{z}>" for z in "abc"]
    assert [t["id"] for t in nodeclass["spec"]["podSubnetSelectorTerms"]] == [
        f"<SUBNET_ID:pod-eu-central-1{z}>" for z in "abc"]
    assert [p["metadata"]["name"] for p in pools] == ["workers"]
