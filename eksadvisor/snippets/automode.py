"""EKS Auto Mode: AWS runs pod networking, so none of the VPC CNI artefacts apply [EKS-AUTO-NET].

Networking is configured on the Auto Mode ``NodeClass`` (``eks.amazonaws.com/v1``): node subnets and security
groups by selector terms, and -- for pods on separate subnets, Auto Mode's replacement for ENIConfig custom
networking -- ``podSubnetSelectorTerms`` with ``podSecurityGroupSelectorTerms`` [EKS-AUTO-NC] [EKS-AUTO-CHG].
A NodePool uses it through ``nodeClassRef`` (group ``eks.amazonaws.com``, kind ``NodeClass``). Max pods is
the lower of 110 and the ENI calculation and is not set here [EKS-INSTTYPE]. No NodeClass schema was
available to validate against: the tests check the shape only.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.snippets._base import GENERATED_BY, PLACEHOLDER_NOTE, Context, dump_yaml, placeholder

NODECLASS_NAME = "pod-networking"
BUILT_IN_NODE_POOLS = ("general-purpose", "system")

# What Auto Mode does not support, as the generated files say it [EKS-AUTO-NET] [EKS-ALTCNI].
UNSUPPORTED = ("VPC CNI (aws-node) settings, warm IP/prefix/ENI and minimum-IP targets and toggling prefix "
               "delegation, ENIConfig custom networking (use pod subnet selectors), Security Groups for Pods, "
               "alternate CNI plugins")


def node_role_arn(ctx: Context) -> str:
    return f"arn:{ctx.partition}:iam::{placeholder('ACCOUNT_ID')}:role/{placeholder('AUTO_MODE_NODE_ROLE')}"


def nodeclass_doc(ctx: Context) -> dict[str, Any]:
    nodes = [{"id": s.id_placeholder} for s in ctx.subnets_of("private")] or [{"id": placeholder("SUBNET_ID", "private")}]
    spec: dict[str, Any] = {
        "role": placeholder("AUTO_MODE_NODE_ROLE"),
        "subnetSelectorTerms": nodes,
        "securityGroupSelectorTerms": [{"id": placeholder("SECURITY_GROUP_ID", "node")}],
    }
    if ctx.custom_networking or ctx.subnets_of("pod"):
        pods = [{"id": s.id_placeholder} for s in ctx.subnets_of("pod")] or [{"id": placeholder("SUBNET_ID", "pod")}]
        spec["podSubnetSelectorTerms"] = pods
        spec["podSecurityGroupSelectorTerms"] = [{"id": placeholder("SECURITY_GROUP_ID", "pod")}]
    return {"apiVersion": "eks.amazonaws.com/v1", "kind": "NodeClass", "metadata": {"name": NODECLASS_NAME}, "spec": spec}


def nodeclass_yaml(ctx: Context) -> str:
    header = [
        f"EKS Auto Mode NodeClass for cluster {ctx.cluster}: AWS runs pod networking; it is configured here, not on aws-node.",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
        "Reference it from a NodePool: nodeClassRef {group: eks.amazonaws.com, kind: NodeClass, name: "
        f"{NODECLASS_NAME}}}; the built-in node pools ({', '.join(BUILT_IN_NODE_POOLS)}) use the default NodeClass.",
        f"Not supported in Auto Mode: {UNSUPPORTED}. Max pods is the lower of 110 and the ENI calculation.",
        "A custom NodeClass's node role needs an EKS access entry of type EC2 with AmazonEKSAutoNodePolicy "
        "(runbook.md); the built-in node pools get theirs automatically [EKS-AUTO-NC].",
    ]
    if "podSubnetSelectorTerms" in nodeclass_doc(ctx)["spec"]:
        header.append("Pods use separate subnets through podSubnetSelectorTerms/podSecurityGroupSelectorTerms "
                      "(added 2025-06-13), Auto Mode's counterpart of ENIConfig custom networking.")
    return dump_yaml(nodeclass_doc(ctx), header=header)
