"""Kubernetes objects for Security Groups for Pods, Multus and Windows IPAM.

``SecurityGroupPolicy`` (``vpcresources.k8s.aws/v1beta1``, namespaced) [VRC] [EKS-SGP]: a pod selector and
1-5 security group IDs; it applies to newly scheduled pods only. On Fargate the cluster security group is
included [EKS-SGP].

``NetworkAttachmentDefinition`` (``k8s.cni.cncf.io/v1``) [NAD]: ``spec.config`` is the CNI configuration
as a JSON *string* (``json.dumps`` of a dict here). AWS names host-device and ipvlan for Multus on EKS;
macvlan is not named by AWS (UNCONFIRMED), which the header says when it is used [EKS-MULTUS].

``amazon-vpc-cni`` ConfigMap (``kube-system``): ``enable-windows-ipam: "true"`` turns on the VPC resource
controller's IPAM for Windows nodes [EKS-WINDOWS], for a self-managed VPC CNI (the managed add-on sets it from
``enableWindowsIpam``); its warm pool keys are left alone (controller defaults 3 / 3 when absent [VRC-WIN-IPAM]). Windows prefix delegation
(``enable-windows-prefix-delegation``) is left off: see rule windows-single-eni-max-pods.
"""

from __future__ import annotations

import json
from typing import Any

from eksadvisor.snippets._base import GENERATED_BY, PLACEHOLDER_NOTE, Context, MultusNet, dump_yaml, placeholder

CNI_SPEC_VERSION = "0.3.1"  # as in the seed's example


def sgp_doc(ctx: Context) -> dict[str, Any]:
    groups = [placeholder("SECURITY_GROUP_ID", "pod")]
    if ctx.fargate:
        groups.append(placeholder("SECURITY_GROUP_ID", "cluster"))
    return {
        "apiVersion": "vpcresources.k8s.aws/v1beta1",
        "kind": "SecurityGroupPolicy",
        "metadata": {"name": "pod-security-groups", "namespace": placeholder("NAMESPACE")},
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": placeholder("APP_NAME")}},
            "securityGroups": {"groupIds": groups},
        },
    }


def sgp_yaml(ctx: Context) -> str:
    mode = ctx.settings.get("POD_SECURITY_GROUP_ENFORCING_MODE", "strict")
    header = [
        f"Security Groups for Pods on cluster {ctx.cluster}: pods matching the selector get their own branch ENI "
        "with these security groups.",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
        "The groups must exist, allow the kubelet probe ports from the node security group and DNS (TCP/UDP 53) to "
        f"CoreDNS; tag exactly one of them kubernetes.io/cluster/{ctx.cluster} for the AWS Load Balancer Controller.",
        f"POD_SECURITY_GROUP_ENFORCING_MODE is {mode!r}; keep terminationGracePeriodSeconds non-zero on these pods.",
        "Only pods scheduled after the policy exists are affected.",
    ]
    if ctx.fargate:
        header.append("Fargate pods: the cluster security group is included.")
    if ctx.ipv6:
        header.append("IPv6 cluster: CONFLICT in AWS's sources -- the EKS guide supports Security Groups for Pods with "
                      "IPv6 (VPC CNI >= 1.16.0), the VPC CNI README's feature matrix says no. Test before relying on it.")
    if any(g.os == "windows" for g in ctx.groups):
        header.append("Windows nodes do not support Security Groups for Pods.")
    return dump_yaml(sgp_doc(ctx), header=header)


def cni_config(net: MultusNet) -> dict[str, Any]:
    config: dict[str, Any] = {"cniVersion": CNI_SPEC_VERSION, "type": net.type}
    if net.type == "host-device":
        config["device"] = net.master
    else:
        config["master"] = net.master
        config["mode"] = "bridge" if net.type == "macvlan" else "l2"
    config["ipam"] = {"type": "host-local", "subnet": net.cidr}
    return config


def nad_docs(ctx: Context) -> list[dict[str, Any]]:
    return [{
        "apiVersion": "k8s.cni.cncf.io/v1",
        "kind": "NetworkAttachmentDefinition",
        "metadata": {"name": net.name, "namespace": placeholder("NAMESPACE")},
        "spec": {"config": json.dumps(cni_config(net), separators=(", ", ": "))},
    } for net in ctx.multus_networks]


def nad_yaml(ctx: Context) -> str:
    header = [
        f"Multus secondary networks for cluster {ctx.cluster} (the VPC CNI stays the default delegate).",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
        "Pods attach with the annotation k8s.v1.cni.cncf.io/networks: <name>[@ifname]. AWS does not manage the "
        "addresses of these interfaces (host-local IPAM here).",
        "Tag the extra ENIs node.k8s.amazonaws.com/no_manage=true so ipamd ignores them, then adjust MAX_ENI and "
        "kubelet max-pods [EKS-MULTUS].",
    ]
    if ctx.auto_mode:
        header.append("EKS Auto Mode: AWS does not name Multus; alternate CNI plugins are unsupported in Auto Mode, so "
                      "Multus there is UNCONFIRMED (likely unsupported) [EKS-ALTCNI].")
    if any(n.type == "macvlan" for n in ctx.multus_networks):
        header.append("macvlan: AWS names only host-device and ipvlan for Multus on EKS; macvlan support is UNCONFIRMED.")
    return dump_yaml(*nad_docs(ctx), header=header)


WINDOWS_CONFIGMAP = "amazon-vpc-cni"


def windows_configmap_doc(ctx: Context) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": WINDOWS_CONFIGMAP, "namespace": "kube-system"},
        "data": {"enable-windows-ipam": "true"},
    }


def windows_configmap_yaml(ctx: Context) -> str:
    groups = ", ".join(g.name for g in ctx.node_groups if g.os == "windows")
    header = [
        f"Windows support for cluster {ctx.cluster} (node groups {groups}): the VPC resource controller assigns "
        "Windows pod addresses once this key is set [EKS-WINDOWS].",
        GENERATED_BY,
        "EKS managed add-on: do not apply this; `enableWindowsIpam` in vpc-cni-addon.json sets the key (the add-on owns "
        "this ConfigMap and would put a hand edit back).",
        "Self-managed VPC CNI: `kubectl apply -f` this file (keys already in the ConfigMap are kept), or patch the one "
        "key: kubectl patch configmap/amazon-vpc-cni -n kube-system --type merge -p "
        "'{\"data\":{\"enable-windows-ipam\":\"true\"}}'.",
        "The cluster role also needs the AmazonEKSVPCResourceController managed policy (eksctl-cluster.yaml and "
        "terraform-eks.tf attach it).",
        "Warm pool: the subnet plan counts warm-ip-target 3 / minimum-ip-target 3, the controller's defaults when the "
        "keys are absent. A ConfigMap rendered by the Helm chart or the add-on may carry its own values (reported: 1 / 3), "
        "which hold no more addresses: check with kubectl get configmap amazon-vpc-cni -n kube-system -o yaml.",
        "Windows nodes: one ENI, no custom networking, no Security Groups for Pods, no IPv6 [EKS-WINDOWS].",
    ]
    return dump_yaml(windows_configmap_doc(ctx), header=header)
