"""Karpenter v1 ``EC2NodeClass`` + ``NodePool`` per Linux node group [KARP].

Kubelet settings live on ``EC2NodeClass.spec.kubelet`` in v1 (not on the NodePool any more).
``maxPods`` is the recommendation's value for the group, so it follows the chosen mode: Karpenter's own
default is ENI-limited and does not detect prefix delegation (DERIVED from its docs), and with custom
networking its global ``RESERVED_ENIS`` setting should be 1. The NodePool keeps to the group's instance
types, for which that ``maxPods`` was computed. No Karpenter schema was available to validate against:
the tests check the shape only.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.artefacts._base import GENERATED_BY, PLACEHOLDER_NOTE, ArtefactContext, dump_yaml, placeholder

_ARCH = {"x86_64": "amd64", "arm64": "arm64"}


def karpenter_docs(ctx: ArtefactContext) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    subnets = ctx.subnets_of("private")
    subnet_terms = [{"id": s.id_placeholder} for s in subnets] or [{"id": placeholder("SUBNET_ID", "private")}]
    for g in ctx.groups:
        if g.os != "linux":
            continue
        docs.append({
            "apiVersion": "karpenter.k8s.aws/v1",
            "kind": "EC2NodeClass",
            "metadata": {"name": g.k8s_name},
            "spec": {
                "role": placeholder("KARPENTER_NODE_ROLE"),
                "amiSelectorTerms": [{"alias": "al2023@latest"}],
                "subnetSelectorTerms": subnet_terms,
                "securityGroupSelectorTerms": [{"id": placeholder("SECURITY_GROUP_ID", "node")}],
                "kubelet": {"maxPods": g.max_pods},
            },
        })
        requirements: list[dict[str, Any]] = [
            {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": list(g.instance_types)},
        ]
        if g.architecture in _ARCH:
            requirements.append({"key": "kubernetes.io/arch", "operator": "In", "values": [_ARCH[g.architecture]]})
        docs.append({
            "apiVersion": "karpenter.sh/v1",
            "kind": "NodePool",
            "metadata": {"name": g.k8s_name},
            "spec": {
                "template": {
                    "spec": {
                        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": g.k8s_name},
                        "requirements": requirements,
                    },
                },
            },
        })
    return docs


def karpenter_yaml(ctx: ArtefactContext) -> str:
    header = [
        f"Karpenter v1 node classes and pools for cluster {ctx.cluster}; kubelet maxPods follows the chosen mode "
        f"({ctx.ip_family}, {ctx.address_mode}{', custom networking' if ctx.custom_networking else ''}).",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
    ]
    if ctx.custom_networking:
        header.append("Custom networking: set Karpenter's global RESERVED_ENIS setting to 1 (--reserved-enis) so its "
                      "pod capacity and kube-reserved maths leave out the primary ENI.")
    if ctx.prefix and not ctx.ipv6:
        header.append("Prefix delegation: Karpenter does not detect it, hence the explicit maxPods.")
    return dump_yaml(*karpenter_docs(ctx), header=header)
