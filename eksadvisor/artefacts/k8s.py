"""Kubernetes objects for Security Groups for Pods, Multus and Windows IPAM.

``SecurityGroupPolicy`` (``vpcresources.k8s.aws/v1beta1``, namespaced) [VRC] [EKS-SGP]: a pod selector and
1-5 security group IDs; it applies to newly scheduled pods only. On Fargate the cluster security group is
included [EKS-SGP].

``NetworkAttachmentDefinition`` (``k8s.cni.cncf.io/v1``) [NAD]: ``spec.config`` is the CNI configuration
as a JSON *string* (``json.dumps`` of a dict here). One per network per AZ (the planner's Multus subnets), or
one per network from the answers' range (:mod:`eksadvisor.addressing.multus`). IPAM is whereabouts over the subnet minus
AWS's five reserved addresses: host-local would hand out the same addresses on every node. AWS names
host-device and ipvlan for Multus on EKS; ipvlan is preferred and macvlan is warned about, since the VPC drops
frames from MAC addresses it did not assign (fact sheet §11 [EKS-MULTUS]).

``amazon-vpc-cni`` ConfigMap (``kube-system``): ``enable-windows-ipam: "true"`` turns on the VPC resource
controller's IPAM for Windows nodes [EKS-WINDOWS], for a self-managed VPC CNI (the managed add-on sets it from
``enableWindowsIpam``); its warm pool keys are left alone (controller defaults 3 / 3 when absent [VRC-WIN-IPAM]). Windows prefix delegation
(``enable-windows-prefix-delegation``) is left off: see rule windows-single-eni-max-pods.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from eksadvisor.addressing.multus import NO_MANAGE_TAG, reservation_command
from eksadvisor.artefacts._base import (
    GENERATED_BY,
    PLACEHOLDER_NOTE,
    ArtefactContext,
    MultusNet,
    dump_yaml,
    placeholder,
)
from eksadvisor.errors import InputError

CNI_SPEC_VERSION = "0.3.1"  # as in the seed's example


def sgp_doc(ctx: ArtefactContext) -> dict[str, Any]:
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


def sgp_yaml(ctx: ArtefactContext) -> str:
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


MULTUS_DOC = "https://docs.aws.amazon.com/eks/latest/userguide/pod-multiple-network-interfaces.html"
WHEREABOUTS = "k8snetworkplumbingwg/whereabouts"
MACVLAN_WARNING = ("macvlan gives each pod its own MAC address; the VPC drops frames from MAC addresses it did not "
                   "assign to the ENI, so macvlan pods do not reach other nodes. Use ipvlan (pods share the ENI's MAC) "
                   "[EKS-MULTUS].")


def nad_name(net: MultusNet, rng: Any) -> str:
    """``<network>-<az>`` when the range is one AZ's subnet, else the network's name (a DNS label either way)."""
    if rng.az is None:
        return net.name
    return f"{net.name[: 62 - len(rng.az)]}-{rng.az}"


def cni_config(net: MultusNet, rng: Any) -> dict[str, Any]:
    """The delegate's CNI configuration: whereabouts IPAM over the range AWS leaves usable in the subnet."""
    config: dict[str, Any] = {"cniVersion": CNI_SPEC_VERSION, "name": nad_name(net, rng), "type": net.type}
    if net.type == "host-device":
        config["device"] = net.master
    else:
        config["master"] = net.master
        config["mode"] = "bridge" if net.type == "macvlan" else "l2"
    config["ipam"] = {"type": "whereabouts", "range": rng.cidr, "range_start": rng.range_start,
                      "range_end": rng.range_end}
    return config


def nad_docs(ctx: ArtefactContext) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for net in ctx.multus_networks:
        for rng in net.ranges:
            docs.append({
                "apiVersion": "k8s.cni.cncf.io/v1",
                "kind": "NetworkAttachmentDefinition",
                "metadata": {"name": nad_name(net, rng), "namespace": placeholder("NAMESPACE")},
                "spec": {"config": json.dumps(cni_config(net, rng), separators=(", ", ": "))},
            })
    names = [d["metadata"]["name"] for d in docs]
    if len(set(names)) != len(names):
        raise InputError("multus.networks: two NetworkAttachmentDefinitions would share a name; shorten the network "
                         "names.", field="multus.networks")
    return docs


def eni_attachment_steps(ctx: ArtefactContext) -> list[str]:
    """The ordered steps that give every node its extra ENIs (NAD header and runbook say the same)."""

    planned = ctx.subnets_of("multus")
    given = [f"{n.name} {r.cidr}" for n in ctx.multus_networks for r in n.ranges if r.subnet is None]
    where = []
    if planned:
        where.append("the planned Multus subnets (" + ", ".join(s.name for s in planned) + "; terraform-vpc.tf creates them)")
    if given:
        where.append("a VPC subnet with exactly the range of each network given in the answers (" + ", ".join(given)
                     + "), in the AZ its pods run in")
    masters = ", ".join(f"{n.name} on {n.master}" for n in ctx.multus_networks)

    reserve = [reservation_command(s.id_placeholder, r.cidr, ctx.region)
               for n in ctx.multus_networks for r in n.ranges if r.subnet is not None
               for s in planned if s.name == r.subnet]
    return [
        f"1. Create {' and '.join(where) or 'the Multus subnets'}."
        + (" Then reserve the upper half of each for pod addresses (an explicit subnet CIDR reservation: EC2 never "
           "gives those addresses to an ENI, so they cannot collide with the extra ENIs' primary addresses, which come "
           "from the lower half): " + "; ".join(reserve) + "." if reserve else ""),
        f"2. Attach one extra ENI per network to every node ({masters}), from that network's subnet in the node's AZ: "
        "a launch template's network interfaces (self-managed nodes) or an Auto Scaling lifecycle hook, as in AWS's "
        f"Multus sample. Tag each extra ENI {NO_MANAGE_TAG}=true so ipamd leaves it alone.",
        "3. Set kubelet max-pods to the values here, which already count the ENIs left after the extra ones: ipamd "
        "does not use ENIs tagged no_manage for pods (hasRoomForEni), so the default max-pods is too high [EKS-MULTUS].",
        "4. In the user data, bring the extra interfaces up without giving them the default route (pod traffic on the "
        "VPC CNI keeps eth0).",
        "5. Assign every Multus pod address to its ENI as a secondary private IP (aws ec2 assign-private-ip-addresses; "
        "aws-samples/eks-automated-ipmgmt-multus-pods automates it): the VPC delivers only addresses assigned to an "
        "ENI.",
        f"6. Install Multus and whereabouts ({WHEREABOUTS}), then apply multus-nad.yaml.",
    ]


def nad_yaml(ctx: ArtefactContext) -> str:
    header = [
        f"Multus secondary networks for cluster {ctx.cluster} (the VPC CNI stays the default delegate).",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
        "IPAM is whereabouts (cluster-wide): host-local only knows its own node, so two nodes would hand out the same "
        "address. Each range is the subnet's CIDR without the five addresses AWS reserves (the first four and the "
        "last).",
        f"AWS does not manage the addresses of these interfaces; see {MULTUS_DOC}.",
        "ipvlan is the preferred plugin (pods share the ENI's MAC address, which the VPC accepts); host-device hands "
        "a whole ENI to one pod.",
    ]
    if any(r.az for n in ctx.multus_networks for r in n.ranges):
        header.append("One NetworkAttachmentDefinition per network per AZ, named <network>-<az>: a pod annotates "
                      "k8s.v1.cni.cncf.io/networks with the one of its AZ and is pinned there (nodeSelector "
                      "topology.kubernetes.io/zone), since an ENI's subnet lives in one AZ.")
    else:
        header.append("The ranges come from the answers (the plan has no Multus subnets): each is used as one VPC "
                      "subnet, i.e. one AZ; pin the pods to that AZ or plan one subnet per AZ. Pods attach with the "
                      "annotation k8s.v1.cni.cncf.io/networks: <name>[@ifname].")
    blocks = [ipaddress.IPv4Network(c) for c in [ctx.vpc_cidr, *ctx.existing_secondary_cidrs, *ctx.new_secondary_cidrs]]
    outside = [r for n in ctx.multus_networks for r in n.ranges
               if not any(ipaddress.IPv4Network(r.cidr).subnet_of(b) for b in blocks)]
    if outside:
        header.append("Outside the VPC's CIDR blocks: " + ", ".join(f"{r.network} {r.cidr}" for r in outside)
                      + ". An ENI's address comes from a VPC subnet: associate a block holding the range first.")
    header.append("Before applying, in this order:")
    header += eni_attachment_steps(ctx)
    if any(n.type == "macvlan" for n in ctx.multus_networks):
        header.append("macvlan (" + ", ".join(n.name for n in ctx.multus_networks if n.type == "macvlan") + "): "
                      + MACVLAN_WARNING)
    if ctx.auto_mode:
        header.append("EKS Auto Mode: AWS does not name Multus for Auto Mode and does not support alternate CNI plugins "
                      "there, so Multus in Auto Mode is not confirmed by AWS (likely unsupported) [EKS-ALTCNI].")
    return dump_yaml(*nad_docs(ctx), header=header)


WINDOWS_CONFIGMAP = "amazon-vpc-cni"


def windows_configmap_doc(ctx: ArtefactContext) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": WINDOWS_CONFIGMAP, "namespace": "kube-system"},
        "data": {"enable-windows-ipam": "true"},
    }


def windows_configmap_yaml(ctx: ArtefactContext) -> str:
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
