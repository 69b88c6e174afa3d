"""EKS Auto Mode: AWS runs pod networking, so none of the VPC CNI artefacts apply [EKS-AUTO-NET].

Node placement is explicit. The built-in node pools (``general-purpose``, ``system``) use the default NodeClass,
whose node subnets are the cluster's subnets -- with separate control-plane subnets (the /28s the planner makes
for the cluster ENIs) every node would land in an 11-address /28 (fact sheet §11; reported in
terraform-aws-modules/terraform-aws-eks issues #3284 and #3574 and aws/containers-roadmap #2793). So the
artefacts here:

* turn the built-in node pools off (eksctl ``autoModeConfig.nodePools: []`` with no ``nodeRoleARN``; Terraform
  ``compute_config.node_pools = []``) -- AWS documents this as "Cluster without built-in node pools" in
  *Create a Node Pool for EKS Auto Mode*, https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html ;
* write a custom ``NodeClass`` (``eks.amazonaws.com/v1``; required ``role``, ``subnetSelectorTerms``,
  ``securityGroupSelectorTerms`` per the Node Class Specification in *Create a Node Class for Amazon EKS*,
  https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html) selecting the planned node subnets
  (role ``private``) by ID, never the cluster subnets; pods on separate subnets -- Auto Mode's replacement for
  ENIConfig custom networking -- through ``podSubnetSelectorTerms`` with ``podSecurityGroupSelectorTerms``
  (added 2025-06-13, *Learn about VPC Networking and Load Balancing in EKS Auto Mode*,
  https://docs.aws.amazon.com/eks/latest/userguide/auto-networking.html) [EKS-AUTO-NC] [EKS-AUTO-CHG];
* write one ``NodePool`` (``karpenter.sh/v1``) per Linux node group, each referencing that NodeClass through
  ``spec.template.spec.nodeClassRef`` (``group: eks.amazonaws.com``, ``kind: NodeClass``) and limited to the
  group's instance types with the ``node.kubernetes.io/instance-type`` label Auto Mode supports (sample NodePool
  and label table of the node-pool page above). The NodeClass is not named ``default`` (the node-class page
  says not to).

A custom NodeClass's node role needs an access entry of type EC2 with AmazonEKSAutoNodePolicy; EKS creates it
only for the built-in pools, so the runbook does (node-class page, "Create node class access entry"). Max pods
is the lower of 110 and the ENI calculation and is not set here [EKS-INSTTYPE]. Auto Mode runs Linux only:
Windows node groups get no NodePool. No NodeClass/NodePool schema was available to validate against: the tests
check the shape against the documented fields.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.artefacts._base import (
    GENERATED_BY,
    PLACEHOLDER_NOTE,
    ArtefactContext,
    GroupView,
    dump_yaml,
    placeholder,
)
from eksadvisor.model.maxpods import AUTO_MODE_MAX_PODS

NODECLASS_NAME = "pod-networking"
NODEPOOL_API = "karpenter.sh/v1"
NODECLASS_REF = {"group": "eks.amazonaws.com", "kind": "NodeClass", "name": NODECLASS_NAME}
FALLBACK_POOL = "general"
AUTO_NC_URL = "https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html"
AUTO_NP_URL = "https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html"

# What Auto Mode does not support, as the generated files say it [EKS-AUTO-NET] [EKS-ALTCNI].
UNSUPPORTED = ("VPC CNI (aws-node) settings, warm IP/prefix/ENI and minimum-IP targets and toggling prefix "
               "delegation, ENIConfig custom networking (use pod subnet selectors), Security Groups for Pods, "
               "alternate CNI plugins")

# One sentence, used by eksctl-cluster.yaml, terraform-eks.tf and the runbook alike.
PLACEMENT_NOTE = ("The built-in node pools are turned off: they use the default NodeClass, whose node subnets are the "
                  "cluster's (control-plane) subnets. Nodes come from the NodePools in automode-nodeclass.yaml, which "
                  "use the custom NodeClass selecting the node subnets.")


def node_role_arn(ctx: ArtefactContext) -> str:
    return f"arn:{ctx.partition}:iam::{placeholder('ACCOUNT_ID')}:role/{placeholder('AUTO_MODE_NODE_ROLE')}"


def node_subnet_ids(ctx: ArtefactContext) -> list[str]:
    """The node subnets the NodeClass selects: the planned ``private`` subnets (never the cluster subnets)."""
    return [s.id_placeholder for s in ctx.subnets_of("private")] or [placeholder("SUBNET_ID", "private")]


def nodeclass_doc(ctx: ArtefactContext) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "role": placeholder("AUTO_MODE_NODE_ROLE"),
        "subnetSelectorTerms": [{"id": i} for i in node_subnet_ids(ctx)],
        "securityGroupSelectorTerms": [{"id": placeholder("SECURITY_GROUP_ID", "node")}],
    }
    if ctx.custom_networking or ctx.subnets_of("pod"):
        pods = [{"id": s.id_placeholder} for s in ctx.subnets_of("pod")] or [{"id": placeholder("SUBNET_ID", "pod")}]
        spec["podSubnetSelectorTerms"] = pods
        spec["podSecurityGroupSelectorTerms"] = [{"id": placeholder("SECURITY_GROUP_ID", "pod")}]
    return {"apiVersion": "eks.amazonaws.com/v1", "kind": "NodeClass", "metadata": {"name": NODECLASS_NAME}, "spec": spec}


def pool_groups(ctx: ArtefactContext) -> list[GroupView]:
    """The node groups that become NodePools (Auto Mode runs Linux nodes only)."""
    return [g for g in ctx.node_groups if g.os == "linux"]


def nodepool_docs(ctx: ArtefactContext) -> list[dict[str, Any]]:
    """One NodePool per Linux node group, referencing the custom NodeClass; one general pool when there is none."""
    pools: list[tuple[str, list[dict[str, Any]]]] = [
        (g.k8s_name, [{"key": "node.kubernetes.io/instance-type", "operator": "In", "values": list(g.instance_types)}])
        for g in pool_groups(ctx)
    ] or [(FALLBACK_POOL, [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}])]
    return [{
        "apiVersion": NODEPOOL_API,
        "kind": "NodePool",
        "metadata": {"name": name},
        "spec": {"template": {"spec": {"nodeClassRef": dict(NODECLASS_REF), "requirements": requirements}}},
    } for name, requirements in pools]


def nodeclass_yaml(ctx: ArtefactContext) -> str:
    header = [
        f"EKS Auto Mode NodeClass and NodePools for cluster {ctx.cluster}: AWS runs pod networking; it is configured "
        "here, not on aws-node.",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
        f"The NodeClass {NODECLASS_NAME} selects the node subnets ("
        + ", ".join(s.name for s in ctx.subnets_of("private")) + "), not the cluster subnets; every NodePool below "
        "references it through nodeClassRef, so nodes never land in the control-plane subnets.",
        PLACEMENT_NOTE,
        f"Not supported in Auto Mode: {UNSUPPORTED}. Max pods is the lower of {AUTO_MODE_MAX_PODS} and the ENI calculation.",
        "The node role needs an EKS access entry of type EC2 with AmazonEKSAutoNodePolicy (runbook.md); EKS creates "
        "one only for the built-in node pools.",
        f"Shape from AWS's docs: {AUTO_NC_URL} and {AUTO_NP_URL}.",
    ]
    if "podSubnetSelectorTerms" in nodeclass_doc(ctx)["spec"]:
        header.append("Pods use separate subnets through podSubnetSelectorTerms/podSecurityGroupSelectorTerms "
                      "(added 2025-06-13), Auto Mode's counterpart of ENIConfig custom networking.")
    windows = [g.name for g in ctx.node_groups if g.os == "windows"]
    if windows:
        header.append("Auto Mode runs Linux nodes only: no NodePool for Windows node group(s) " + ", ".join(windows) + ".")
    return dump_yaml(nodeclass_doc(ctx), *nodepool_docs(ctx), header=header)
