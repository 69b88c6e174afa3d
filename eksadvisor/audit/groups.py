"""Node groups as they run today: their max pods (expected and set), pods per node, and the ipamd model of one node
(:func:`eksadvisor.model.ipam.node_usage_for`: Linux or Windows), from which
the subnet cost of one more node follows."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from eksadvisor.audit.model import NodeGroupAudit
from eksadvisor.audit.nodes import Node
from eksadvisor.audit.settings import RunningMode
from eksadvisor.catalog import Catalog
from eksadvisor.model.ipam import NodeUsage, node_usage_for
from eksadvisor.model.maxpods import compute as maxpods_compute
from eksadvisor.model.maxpods import ipv6_max_pods, windows_max_pods
from eksadvisor.names import NodeOs

#: pods per node the model is asked about at most (a kubelet value above it is not a real pod count)
MAX_MODELLED_PODS = 1000


class ExpectedMaxPods(NamedTuple):
    """What an instance type supports in the running mode."""

    recommended: int
    ceiling: int  # the raw ENI ceiling: pods beyond it get no address


class SubnetCost(NamedTuple):
    """What one more node takes from a subnet of one role."""

    addresses: int
    prefixes: int  # whole free /28 blocks


def expected_max_pods(catalog: Catalog, itype_name: str, os_: str, mode: RunningMode) -> ExpectedMaxPods:
    """The recommended max pods and the raw ceiling of the type in the running mode."""
    it = catalog.get(itype_name)
    if os_ == "windows":
        v = windows_max_pods(it)
        return ExpectedMaxPods(v, v)
    if mode.ipv6:
        r6 = ipv6_max_pods(it)
        return ExpectedMaxPods(r6.recommended_max_pods, r6.formula_max_pods)
    r = maxpods_compute(it, mode.cni_version, prefix_delegation=mode.prefix, custom_networking=mode.custom,
                        max_eni=mode.max_eni)
    return ExpectedMaxPods(r.recommended_max_pods, r.raw_max_pods)


def node_cost(usage: NodeUsage | None, role: str, custom: bool, prefix: bool, ipv6: bool) -> SubnetCost:
    """Subnet addresses and /28 prefixes one more node takes from a subnet of this role (no model of the node:
    its primary address)."""
    if ipv6:
        return SubnetCost(1, 0) if role == "node" else SubnetCost(0, 0)  # one IPv4 primary; pods use a /80 IPv6 prefix
    if usage is None:
        return SubnetCost(1, 0)
    if usage.os == "windows":
        return SubnetCost(usage.range.node_subnet_addresses.max, 0) if role == "node" else SubnetCost(0, 0)
    if role == "node":
        return SubnetCost(usage.range.node_subnet_addresses.max, usage.range.prefixes.max if prefix and not custom else 0)
    if role == "pod":
        return SubnetCost(usage.range.pod_subnet_addresses.max, usage.range.prefixes.max if prefix and custom else 0)
    return SubnetCost(0, 0)


def nodes_that_fit(free_ips: int, free_prefixes: int, cost: tuple[int, int]) -> int | None:
    """Nodes that fit: addresses for each, and whole free /28s for its prefixes (best case: single addresses taken
    from outside free /28s first). None when the subnet gives the node nothing."""
    ips, pfx = cost
    if ips <= 0:
        return None
    n = free_ips // ips
    if pfx:
        n = min(n, free_prefixes // pfx)
    return n


@dataclass
class GroupState:
    """One node group today: its members, the type that stands for it, and one node's ipamd model."""

    name: str
    members: list[Node]
    instance_type: str  # the most common type of the group
    pods_per_node: int
    usage: NodeUsage | None  # None in an IPv6 cluster (pods take no IPv4 subnet address)
    audit: NodeGroupAudit


def group_nodes(nodes: list[Node]) -> dict[str, list[Node]]:
    """EC2 nodes by group name, groups in name order."""
    groups: dict[str, list[Node]] = defaultdict(list)
    for x in nodes:
        if not x.fargate:
            groups[x.group].append(x)
    return {g: groups[g] for g in sorted(groups)}


def _per_node(usage: NodeUsage | None) -> dict[str, Any]:
    if usage is None:
        return {"node_subnet_addresses": 1, "pod_subnet_addresses": 0, "prefixes": 0,
                "ipv6": "one /80 IPv6 prefix on the primary ENI; pods take no IPv4 subnet address"}
    return {"enis": usage.enis, "secondary_ips": usage.secondary_ips, "prefixes": usage.prefixes,
            "free_ips": usage.free_ips, "node_subnet_addresses": usage.range.node_subnet_addresses.max,
            "pod_subnet_addresses": usage.range.pod_subnet_addresses.max, "mode": usage.mode,
            "warm": usage.settings.label() if usage.settings else "Windows: VPC resource controller pool"}


def _usage(rep: str, os_: NodeOs, pods: int, running_max: int, mode: RunningMode, catalog: Catalog) -> NodeUsage | None:
    if mode.ipv6:
        return None
    # Windows: the VPC resource controller's pool (the Linux settings do not apply)
    return node_usage_for(os_, rep, pods, prefix_delegation=mode.prefix, custom_networking=mode.custom,
                          warm=mode.warm, max_pods=running_max, max_eni=mode.max_eni, sgp=mode.sgp, catalog=catalog,
                          cni_version=mode.cni_version)


def audit_group(name: str, members: list[Node], mode: RunningMode, catalog: Catalog, have_pods: bool) -> GroupState:
    """One group: its expected max pods, pods per node (counted, or assumed full without pods.json) and usage."""
    types = Counter(x.itype for x in members)
    rep = sorted(types.items(), key=lambda t: (-t[1], t[0]))[0][0]
    os_ = members[0].os
    exp, raw = expected_max_pods(catalog, rep, os_, mode)
    caps = sorted({x.capacity for x in members if x.capacity is not None})
    running_max = min(caps) if caps else exp
    if have_pods:
        ppn = max((x.pods or 0) for x in members)
        psrc = "most non-host-network pods on one node of the group (pods.json)"
    else:
        ppn = max(min(running_max, raw) - 2, 0)
        psrc = "assumed full: max-pods less the two host-network pods (no pods.json)"
    ppn = min(ppn, MAX_MODELLED_PODS)
    usage = _usage(rep, os_, ppn, running_max, mode, catalog)
    audit = NodeGroupAudit(
        name=name, name_source=members[0].group_source, os=os_, instance_types=sorted(types),
        nodes=len(members), azs=sorted({x.az for x in members if x.az}), pods_per_node=ppn, pods_source=psrc,
        max_pods_capacity=caps, max_pods_expected=exp, per_node=_per_node(usage),
        subnets=sorted({x.subnet for x in members if x.subnet}))
    return GroupState(name, members, rep, ppn, usage, audit)


def audit_groups(nodes: list[Node], mode: RunningMode, catalog: Catalog, have_pods: bool) -> dict[str, GroupState]:
    """Every node group, in name order."""
    return {g: audit_group(g, members, mode, catalog, have_pods) for g, members in group_nodes(nodes).items()}


__all__ = ["ExpectedMaxPods", "GroupState", "SubnetCost", "audit_group", "audit_groups", "expected_max_pods",
           "group_nodes", "node_cost", "nodes_that_fit"]
