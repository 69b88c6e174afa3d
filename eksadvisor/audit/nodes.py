"""The cluster's nodes from nodes.json: type, OS, AZ, node group, and where each one sits (its subnet, its pod
count from pods.json, the ENIConfig it selects)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from eksadvisor.audit.addresses import AddressIndex
from eksadvisor.audit.bundle import Bundle
from eksadvisor.catalog import Catalog
from eksadvisor.errors import InputError, UnknownInstanceType
from eksadvisor.names import NodeOs

GROUP_LABELS = (
    ("eks.amazonaws.com/nodegroup", "EKS managed node group label eks.amazonaws.com/nodegroup"),
    ("karpenter.sh/nodepool", "Karpenter label karpenter.sh/nodepool"),
    ("alpha.eksctl.io/nodegroup-name", "eksctl label alpha.eksctl.io/nodegroup-name"),
)
_NAME_BAD = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class Node:
    """One node of nodes.json, with what the audit learns about it."""

    name: str
    labels: dict[str, str]
    annotations: dict[str, str]
    fargate: bool
    os: NodeOs
    az: str
    capacity: int | None  # kubelet status.capacity.pods
    instance_id: str | None
    ip: str | None  # the IPv4 InternalIP
    itype: str = ""  # catalog instance type ("" on Fargate)
    group: str = ""
    group_source: str = ""
    pods: int | None = None  # non-host-network pods running there (None: no pods.json)
    subnet: str | None = None  # the subnet of its primary ENI
    eniconfig: str | None = None  # the ENIConfig it selects (custom networking)


@dataclass
class EniConfigs:
    """ENIConfig name -> subnet id, and the label and annotation nodes select one with."""

    subnets: dict[str, str] = field(default_factory=dict)
    label_def: str = ""
    annotation_def: str = ""


def _labels(n: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in ((n.get("metadata") or {}).get("labels") or {}).items()}


def group_name(labels: dict[str, str], os_: str, itype: str) -> tuple[str, str]:
    """(node group name, which label named it); without a group label, nodes group by OS and instance type."""
    for key, why in GROUP_LABELS:
        if labels.get(key):
            name = _NAME_BAD.sub("-", labels[key]).strip("-_")[:63] or "group"
            if not name[0].isalnum():
                name = "g" + name[:62]
            return name, why
    name = _NAME_BAD.sub("-", f"{os_}-{itype}")[:63]
    return name, "no node group label: grouped by OS and instance type"


def _read_node(i: int, n: dict[str, Any]) -> Node:
    labels = _labels(n)
    meta = n.get("metadata") or {}
    name = meta["name"]
    cap = ((n.get("status") or {}).get("capacity") or {}).get("pods")
    try:
        capacity = int(str(cap)) if cap is not None else None
    except ValueError:
        raise InputError(f"nodes.json: items[{i}] ({name}) status.capacity.pods {cap!r} is not a number.",
                         field="nodes.json") from None
    pid = str((n.get("spec") or {}).get("providerID") or "")
    return Node(
        name=name, labels=labels, annotations={str(k): str(v) for k, v in (meta.get("annotations") or {}).items()},
        fargate=labels.get("eks.amazonaws.com/compute-type") == "fargate",
        os="windows" if (labels.get("kubernetes.io/os") or labels.get("beta.kubernetes.io/os")) == "windows" else "linux",
        az=labels.get("topology.kubernetes.io/zone") or labels.get("failure-domain.beta.kubernetes.io/zone") or "",
        capacity=capacity, instance_id=pid.rsplit("/", 1)[-1] if pid.startswith("aws://") else None,
        ip=next((a.get("address") for a in ((n.get("status") or {}).get("addresses") or [])
                 if isinstance(a, dict) and a.get("type") == "InternalIP" and ":" not in str(a.get("address"))), None))


def read_nodes(b: Bundle, catalog: Catalog) -> list[Node]:
    """Every node, its instance type checked against the catalog and its group named."""
    out = []
    for i, n in enumerate(b.nodes):
        x = _read_node(i, n)
        out.append(x)
        if x.fargate:
            continue
        labels = x.labels
        raw_type = labels.get("node.kubernetes.io/instance-type") or labels.get("beta.kubernetes.io/instance-type")
        if not raw_type:
            raise InputError(f"nodes.json: items[{i}] ({x.name}) has no node.kubernetes.io/instance-type label.",
                             field="nodes.json")
        try:
            x.itype = catalog.get(raw_type, field_name="nodes.json").instance_type
        except UnknownInstanceType as exc:
            raise InputError(f"nodes.json: node {x.name}: {str(exc).split(': ', 1)[-1]}", field="nodes.json") from None
        x.group, x.group_source = group_name(labels, x.os, x.itype)
    return out


def pods_per_node(b: Bundle) -> dict[str, int] | None:
    """Running non-host-network pods per node name (None without pods.json)."""
    if b.pods is None:
        return None
    counts: Counter[str] = Counter()
    done = ("Succeeded", "Failed")
    for p in b.pods:
        spec = p.get("spec")
        if not spec or spec.get("hostNetwork"):
            continue
        node = spec.get("nodeName")
        if node and (p.get("status") or {}).get("phase") not in done:
            counts[node] += 1
    return counts


def read_eniconfigs(b: Bundle, label_def: str, annotation_def: str) -> EniConfigs:
    """The ENIConfigs of eniconfigs.json that name a subnet."""
    out = EniConfigs(label_def=label_def, annotation_def=annotation_def)
    for ec in b.eniconfigs or []:
        name = (ec.get("metadata") or {}).get("name")
        sub = (ec.get("spec") or {}).get("subnet")
        if isinstance(name, str) and isinstance(sub, str):
            out.subnets[name] = sub
    return out


def place_nodes(nodes: list[Node], index: AddressIndex, pods: dict[str, int] | None, eniconfigs: EniConfigs,
                custom: bool) -> None:
    """Fill in each EC2 node's subnet (primary ENI, else its InternalIP), AZ if unlabelled, pods and ENIConfig."""
    for x in nodes:
        if x.fargate:
            continue
        instance = index.by_instance.get(x.instance_id) if x.instance_id else None
        eni = instance.primary if instance is not None else None
        if eni is not None:
            x.subnet = eni["SubnetId"]
        elif x.ip:
            x.subnet = index.subnet_of(x.ip)
        if not x.az and x.subnet:
            x.az = index.subnets[x.subnet].az
        if pods is not None:
            x.pods = pods.get(x.name, 0)
        if custom and x.os == "linux":
            x.eniconfig = x.annotations.get(eniconfigs.annotation_def) or x.labels.get(eniconfigs.label_def)


__all__ = [
    "GROUP_LABELS",
    "EniConfigs",
    "Node",
    "group_name",
    "place_nodes",
    "pods_per_node",
    "read_eniconfigs",
    "read_nodes",
]
