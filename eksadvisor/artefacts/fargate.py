"""Fargate profile guidance for the generated cluster configuration (only when ``fargate_pods > 0``).

A Fargate pod runs alone in its micro-VM and takes one address from a subnet of its Fargate profile; the
profile's subnets must be private (no route to an internet gateway: Fargate pods get no public IP); in an IPv6
cluster each Fargate pod still needs an IPv4 address too (fact sheet §11 [EKS-FARGATE] [EKS-IPV6];
*AWS Fargate profile*, https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html). The subnet plan
counts Fargate pods in the private (node) subnets, so the profile uses exactly those. A pod runs on Fargate when
its namespace (and labels) match a selector: the namespace is a placeholder. eksctl creates the pod execution
role itself; terraform-aws-modules/eks's fargate-profile sub-module creates one per profile [EKSCTL] [TF-EKS].
Fargate runs no aws-node: no VPC CNI setting, warm pool, prefix delegation, ENIConfig or max-pods applies to it.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.artefacts._base import ArtefactContext, SubnetView, placeholder

PROFILE_NAME = "fp-default"
SYSTEM_PROFILE_NAME = "fp-kube-system"
FARGATE_DOC = "https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html"
COREDNS_DOC = "https://docs.aws.amazon.com/eks/latest/userguide/fargate-getting-started.html"
COREDNS_FARGATE = {"computeType": "Fargate"}  # the coredns add-on's setting for Fargate-only clusters [COREDNS_DOC]
COREDNS_SELECTOR: dict[str, Any] = {"namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}}


def coredns_on_fargate(ctx: ArtefactContext) -> bool:
    """No Linux node runs CoreDNS, so it must run on Fargate: a profile selecting it and the add-on told so
    (*Get started with AWS Fargate*, "Update CoreDNS"), else it stays Pending and cluster DNS is down."""
    return ctx.fargate and not any(g.os != "windows" for g in ctx.node_groups)


def profile_subnets(ctx: ArtefactContext) -> list[SubnetView]:
    """The private subnets the plan sized for the Fargate pods (never public, cluster, pod or Multus subnets)."""
    return ctx.subnets_of("private")


def namespace() -> str:
    return placeholder("NAMESPACE", "fargate")


def notes(ctx: ArtefactContext) -> list[str]:
    """What every artefact and the runbook say about Fargate (one place)."""
    names = ", ".join(s.name for s in profile_subnets(ctx)) or "the private subnets"
    out = [
        f"Fargate ({ctx.fargate_pods} pods): each pod takes one address from the profile's subnets, which must be "
        f"private (Fargate pods get no public IP); the profile uses the private subnets {names}, which the plan sized "
        f"for these pods. Pods run on Fargate when their namespace matches the selector. See {FARGATE_DOC}.",
        "Fargate runs no aws-node: the VPC CNI settings, warm pool, prefix delegation and max-pods here do not apply "
        "to Fargate pods.",
    ]
    if ctx.ipv6:
        out.append("IPv6 cluster: each Fargate pod still needs an IPv4 address as well; keep IPv4 room in these "
                   "subnets.")
    if coredns_on_fargate(ctx):
        out.append(f"No Linux node group: CoreDNS runs on Fargate (profile {SYSTEM_PROFILE_NAME} selects kube-system "
                   f"k8s-app=kube-dns; the coredns add-on gets computeType Fargate), else it stays Pending and cluster "
                   f"DNS is down. See {COREDNS_DOC}.")
    return out


def eksctl_profiles(ctx: ArtefactContext) -> list[dict[str, Any]]:
    subnets = [s.id_placeholder for s in profile_subnets(ctx)]
    out = [{"name": PROFILE_NAME, "selectors": [{"namespace": namespace()}], "subnets": subnets}]
    if coredns_on_fargate(ctx):
        out.append({"name": SYSTEM_PROFILE_NAME, "selectors": [dict(COREDNS_SELECTOR, labels=dict(COREDNS_SELECTOR["labels"]))],
                    "subnets": list(subnets)})
    return out


def terraform_profiles(ctx: ArtefactContext, subnet_ids: Any) -> dict[str, Any]:
    out = {PROFILE_NAME: {"name": PROFILE_NAME, "selectors": [{"namespace": namespace()}], "subnet_ids": subnet_ids}}
    if coredns_on_fargate(ctx):
        out[SYSTEM_PROFILE_NAME] = {"name": SYSTEM_PROFILE_NAME, "selectors": [COREDNS_SELECTOR],
                                    "subnet_ids": subnet_ids}
    return out
