"""Custom networking: one ENIConfig per Availability Zone, named after the AZ, so that
``ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone`` selects it for every node automatically
[CNI-README] [EKS-CUSTNET]. ``crd.k8s.amazonaws.com/v1alpha1``, cluster-scoped; ``spec.subnet`` must be a
subnet in the node's AZ and VPC.

``spec.securityGroups`` is left out on purpose from VPC CNI 1.8.0 on: the pod ENIs then get the node's
primary-ENI security groups [EKS-CUSTNET]; older versions would fall back to the VPC default group, so a
placeholder is written for them. With Security Groups for Pods, the SecurityGroupPolicy groups replace
these for matching pods [EKS-SGP].
"""

from __future__ import annotations

from typing import Any

from eksadvisor.artefacts._base import GENERATED_BY, PLACEHOLDER_NOTE, ArtefactContext, dump_yaml, placeholder

API_VERSION = "crd.k8s.amazonaws.com/v1alpha1"


def pod_subnet_for(ctx: ArtefactContext, az: str) -> str:
    subnets = [s for s in ctx.subnets_of("pod") if s.az == az]
    if subnets:
        return subnets[0].id_placeholder
    return placeholder("SUBNET_ID", f"pod-{az}")


def eniconfig_docs(ctx: ArtefactContext) -> list[dict[str, Any]]:
    docs = []
    for az in ctx.azs:
        spec: dict[str, Any] = {"subnet": pod_subnet_for(ctx, az)}
        if ctx.cni < (1, 8, 0):
            spec["securityGroups"] = [placeholder("SECURITY_GROUP_ID", "node")]
        docs.append({"apiVersion": API_VERSION, "kind": "ENIConfig", "metadata": {"name": az}, "spec": spec})
    return docs


def eniconfigs_yaml(ctx: ArtefactContext) -> str:
    label = ctx.settings.get("ENI_CONFIG_LABEL_DEF", "topology.kubernetes.io/zone")
    header = [
        f"Custom networking for cluster {ctx.cluster}: one ENIConfig per Availability Zone, named after the AZ.",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
        "spec.subnet is a free string to the API server: a placeholder left in place is accepted by kubectl apply "
        "and only fails when aws-node creates an ENI, so replace them first.",
        f"aws-node selects the ENIConfig named by the node label {label} (ENI_CONFIG_LABEL_DEF).",
        "Only nodes launched after this is in place use it; replace the existing nodes (runbook.md).",
    ]
    return dump_yaml(*eniconfig_docs(ctx), header=header)
