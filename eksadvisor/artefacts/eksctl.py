"""eksctl ``ClusterConfig`` (``eksctl.io/v1alpha5``) [EKSCTL]: the VPC's subnets by ID, the vpc-cni add-on
with ``configurationValues`` (a JSON string), managed node groups with ``maxPodsPerNode`` and, for IPv6,
``kubernetesNetworkConfig.ipFamily: IPv6``.

* The add-on ``version`` is the VPC CNI version without the ``-eksbuild.N`` suffix; eksctl picks the newest
  add-on build whose version contains it.
* IRSA is set up by eksctl itself (``iam.withOIDC`` plus ``attachPolicyARNs`` / ``attachPolicy``), so no
  account ID is needed here.
* ``maxPodsPerNode`` on AL2023 managed node groups needs eksctl >= 0.199.0; EKS managed node groups also
  compute their own max-pods when VPC CNI >= 1.9, and which value wins on AL2023 is UNCONFIRMED
  [EKSCTL-ISS] -- the header says so.
"""

from __future__ import annotations

import json
from typing import Any

from eksadvisor.artefacts._base import (
    GENERATED_BY,
    PLACEHOLDER_NOTE,
    ArtefactContext,
    GroupView,
    compact_json,
    dump_yaml,
    placeholder,
)
from eksadvisor.artefacts.automode import PLACEMENT_NOTE, UNSUPPORTED
from eksadvisor.artefacts.awsnode import IPV6_ADDON_NOTE, NOT_ADDON_KEYS, addon_configuration
from eksadvisor.artefacts.fargate import COREDNS_FARGATE, coredns_on_fargate, eksctl_profiles, notes
from eksadvisor.artefacts.iam import ipv6_policy, managed_cni_policy_arn

WINDOWS_AMI_FAMILY = "WindowsServer2022CoreContainer"


def _subnet_map(ctx: ArtefactContext, role: str) -> dict[str, Any]:
    return {s.name: {"id": s.id_placeholder, "az": s.az, "cidr": s.cidr} for s in ctx.subnets_of(role)}


def cluster_config(ctx: ArtefactContext) -> dict[str, Any]:
    """The eksctl ClusterConfig as data (keys in the order eksctl documents them)."""
    cfg: dict[str, Any] = {
        "apiVersion": "eksctl.io/v1alpha5",
        "kind": "ClusterConfig",
        "metadata": {"name": ctx.cluster, "region": ctx.region},
        "kubernetesNetworkConfig": {"ipFamily": "IPv6" if ctx.ipv6 else "IPv4"},
        "iam": {"withOIDC": True},
    }
    if (ctx.sgp or ctx.windows) and not ctx.auto_mode:
        # AmazonEKSVPCResourceController on the cluster role: branch ENIs (SGP) and Windows IPAM [EKS-SGP] [EKS-WINDOWS]
        cfg["iam"]["vpcResourceControllerPolicy"] = True
    cfg["vpc"] = _vpc_config(ctx)
    if ctx.fargate:  # private subnets only, one address per pod [EKS-FARGATE]

        cfg["fargateProfiles"] = eksctl_profiles(ctx)
    if ctx.auto_mode:  # AWS runs networking, kube-proxy and CoreDNS; nodes come from our NodePools [EKS-AUTO-NET]
        # Built-in node pools off (nodePools: [], no nodeRoleARN): their default NodeClass would put nodes in the
        # cluster subnets. AWS: "Cluster without built-in node pools", create-node-pool.html [EKS-AUTO-NC].
        cfg["autoModeConfig"] = {"enabled": True, "nodePools": []}
        return cfg
    cfg["addons"] = _addons(ctx)
    groups = [_managed_node_group(g) for g in ctx.node_groups]
    if groups:
        cfg["managedNodeGroups"] = groups
    return cfg


def _vpc_config(ctx: ArtefactContext) -> dict[str, Any]:
    """The existing VPC (a placeholder ID), endpoint access, and the planned subnets by role."""
    vpc: dict[str, Any] = {
        "id": placeholder("VPC_ID"),
        "cidr": ctx.vpc_cidr,
        "clusterEndpoints": {
            "publicAccess": ctx.endpoint_access in ("public", "public_private"),
            "privateAccess": ctx.endpoint_access in ("public_private", "private"),
        },
    }
    cluster_subnets = ctx.subnets_of("cluster")
    if cluster_subnets:
        vpc["controlPlaneSubnetIDs"] = [s.id_placeholder for s in cluster_subnets]
    subnets: dict[str, Any] = {}
    if ctx.subnets_of("private"):
        subnets["private"] = _subnet_map(ctx, "private")
    if ctx.subnets_of("public"):
        subnets["public"] = _subnet_map(ctx, "public")
    if subnets:
        vpc["subnets"] = subnets
    return vpc


def _addons(ctx: ArtefactContext) -> list[dict[str, Any]]:
    """vpc-cni with its policy and configuration values, CoreDNS (on Fargate when no Linux group), kube-proxy."""

    cni: dict[str, Any] = {"name": "vpc-cni", "version": ctx.addon_version_hint}
    if ctx.ipv6:
        cni["attachPolicy"] = ipv6_policy(ctx)
    else:
        cni["attachPolicyARNs"] = [managed_cni_policy_arn(ctx)]
    config = addon_configuration(ctx)
    if config:
        cni["configurationValues"] = compact_json(config)
    cni["resolveConflicts"] = "overwrite"
    coredns: dict[str, Any] = {"name": "coredns"}
    if coredns_on_fargate(ctx):
        coredns["configurationValues"] = compact_json(COREDNS_FARGATE)
    return [cni, coredns, {"name": "kube-proxy"}]


def _managed_node_group(g: GroupView) -> dict[str, Any]:
    """One managed node group; Linux groups get the kubelet max pods (Windows IPAM sets its own)."""
    ng: dict[str, Any] = {
        "name": g.name,
        "amiFamily": WINDOWS_AMI_FAMILY if g.os == "windows" else "AmazonLinux2023",
        "instanceTypes": list(g.instance_types),
        "minSize": g.desired_nodes,
        "desiredCapacity": g.desired_nodes,
        "maxSize": g.max_nodes,
        "privateNetworking": True,
    }
    if g.os == "linux":
        ng["maxPodsPerNode"] = g.max_pods
    return ng


def eksctl_yaml(ctx: ArtefactContext) -> str:
    header = [
        f"eksctl ClusterConfig for {ctx.cluster}: eksctl create cluster -f eksctl-cluster.yaml",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
        "Subnets are referenced by ID in an existing VPC (built from terraform-vpc.tf or by hand); eksctl checks "
        "the listed CIDRs against them.",
    ]
    if ctx.auto_mode:
        header += [
            "EKS Auto Mode: AWS runs pod networking, so no vpc-cni add-on, settings or managed node groups are written.",
            "controlPlaneSubnetIDs are the cluster subnets; vpc.subnets.private are the node subnets. " + PLACEMENT_NOTE,
            f"Not supported in Auto Mode: {UNSUPPORTED}.",
        ]
        if ctx.ipv6:
            header.append("IPv6 is fixed at cluster creation and cannot be changed later.")
        header += _fargate_notes(ctx)
        return dump_yaml(cluster_config(ctx), header=header)
    header += [
        "maxPodsPerNode on AL2023 needs eksctl >= 0.199.0. EKS managed node groups also compute their own max-pods "
        "when VPC CNI >= 1.9; which value wins on AL2023 is UNCONFIRMED: check kubelet's maxPods on a new node.",
        "Minimum size is set to the desired size; lower it if the group may scale in.",
    ]
    if ctx.custom_ami:
        header.append("Custom AMI: eksctl rejects maxPodsPerNode together with ami (and with launchTemplate); with your "
                      "AMI use a launch template carrying nodeadm-userdata-*.mime instead of maxPodsPerNode.")
    if ctx.ipv6:
        header.append("IPv6 is fixed at cluster creation and cannot be changed later.")
    if any(k in NOT_ADDON_KEYS for k in [*ctx.settings, *ctx.init_settings]):
        header.append(IPV6_ADDON_NOTE)
    if ctx.dropped_windows_groups:
        header.append("Windows node group(s) " + ", ".join(g.name for g in ctx.dropped_windows_groups) + " left out: IPv6 clusters do not support Windows nodes.")
    if any(g.os == "windows" for g in ctx.node_groups):
        header.append("Windows node groups keep EKS's own max-pods (no maxPodsPerNode is written for them).")
    header += _fargate_notes(ctx)
    return dump_yaml(cluster_config(ctx), header=header)


def _fargate_notes(ctx: ArtefactContext) -> list[str]:
    if not ctx.fargate:
        return []

    return [*notes(ctx), "eksctl creates the Fargate pod execution role; replace the namespace placeholder in "
                         "fargateProfiles (up to five selectors per profile)."]


def configuration_values_of(doc: dict[str, Any]) -> dict[str, Any]:
    """Helper for tests and the app: the vpc-cni add-on's configurationValues, parsed."""
    for addon in doc.get("addons", []):
        if addon.get("name") == "vpc-cni" and "configurationValues" in addon:
            return json.loads(addon["configurationValues"])
    return {}
