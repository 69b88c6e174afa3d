"""Subnet addresses per AZ for whole node groups: at desired and max nodes, during a rolling upgrade, after an AZ loss.

Each node costs what its OS's node model says (:func:`eksadvisor.model.node.node_usage_for`); this module only
spreads nodes over AZs and adds them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eksadvisor.catalog import Catalog, load_catalog
from eksadvisor.errors import InputError
from eksadvisor.model.node import node_usage_for
from eksadvisor.model.node_inputs import WarmSettings, ceil_div, whole_number
from eksadvisor.model.usage import NodeUsage
from eksadvisor.names import NodeOs
from eksadvisor.versions import DEFAULT_CNI_VERSION


class NodeGroupLoad(BaseModel):
    """One node group for :func:`cluster_usage`: its size, load and aws-node settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    instance_type: str
    desired_nodes: int
    max_nodes: int
    pods_per_node: int
    prefix_delegation: bool = False
    custom_networking: bool = False
    warm: WarmSettings = Field(default_factory=WarmSettings)
    max_pods: int | None = None
    max_eni: int | None = None
    sgp: bool = False
    branch_pods: int = 0  # of pods_per_node, how many have their own security groups (branch ENIs)
    azs: list[str] | None = None  # the AZs this group spans (default: all of the cluster's)
    max_unavailable: int = 1  # managed node group updateConfig.maxUnavailable (EKS default 1)
    os: NodeOs = "linux"  # windows: one ENI, VPC resource controller pool (eksadvisor.model.winipam)

    @field_validator("desired_nodes", "max_nodes", "pods_per_node", mode="before")
    @classmethod
    def _count(cls, value: Any, info: Any) -> int:
        return whole_number(value, info.field_name)

    @field_validator("max_unavailable", mode="before")
    @classmethod
    def _unavailable(cls, value: Any, info: Any) -> int:
        return whole_number(value, info.field_name, 1)


class AzFigures(BaseModel):
    """Nodes and subnet addresses in one AZ for one scenario."""

    model_config = ConfigDict(frozen=True)
    nodes: int = 0
    node_subnet_addresses: int = 0
    pod_subnet_addresses: int = 0
    subnet_addresses: int = 0


class AzUsage(BaseModel):
    """Per-AZ figures: the node subnet and the pod (ENIConfig) subnet of that AZ."""

    model_config = ConfigDict(frozen=True)
    az: str
    desired: AzFigures
    max: AzFigures
    surge_extra: AzFigures  # added on top of desired during a managed rolling upgrade
    desired_plus_surge: AzFigures
    az_loss_desired: AzFigures  # worst case over the loss of any other AZ, at desired
    az_loss_max: AzFigures  # same at max nodes
    worst_node_subnet_addresses: int  # largest of the scenarios above: size the AZ's node subnet for this
    worst_pod_subnet_addresses: int


class GroupUsage(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    instance_type: str
    mode: str
    custom_networking: bool
    azs: list[str]
    per_node: NodeUsage  # at pods_per_node (the range's max is used for the address figures)
    per_node_node_subnet_addresses: int
    per_node_pod_subnet_addresses: int
    nodes_desired: dict[str, int]
    nodes_max: dict[str, int]
    surge_nodes: int
    surge_nodes_per_az: dict[str, int]


class AzLossScenario(BaseModel):
    model_config = ConfigDict(frozen=True)
    lost_az: str
    desired: dict[str, AzFigures]
    max: dict[str, AzFigures]


class ClusterUsage(BaseModel):
    model_config = ConfigDict(frozen=True)
    azs: list[str]
    groups: list[GroupUsage]
    per_az: list[AzUsage]
    totals_desired: AzFigures
    totals_max: AzFigures
    totals_surge_extra: AzFigures
    az_loss: list[AzLossScenario]
    assumptions: list[str]


def spread(nodes: int, azs: list[str]) -> dict[str, int]:
    """Nodes over AZs as evenly as possible: nodes // len(azs) each, the remainder one each to the AZs in listed order."""
    q, r = divmod(nodes, len(azs))
    return {az: q + (1 if i < r else 0) for i, az in enumerate(azs)}


def _figures(nodes: int, node_addr: int, pod_addr: int) -> AzFigures:
    return AzFigures(nodes=nodes, node_subnet_addresses=nodes * node_addr, pod_subnet_addresses=nodes * pod_addr,
                     subnet_addresses=nodes * (node_addr + pod_addr))


def _add(a: AzFigures, b: AzFigures) -> AzFigures:
    return AzFigures(nodes=a.nodes + b.nodes, node_subnet_addresses=a.node_subnet_addresses + b.node_subnet_addresses,
                     pod_subnet_addresses=a.pod_subnet_addresses + b.pod_subnet_addresses,
                     subnet_addresses=a.subnet_addresses + b.subnet_addresses)


def _worse(a: AzFigures, b: AzFigures) -> AzFigures:
    return a if (a.subnet_addresses, a.node_subnet_addresses) >= (b.subnet_addresses, b.node_subnet_addresses) else b


def _total(table: dict[str, AzFigures]) -> AzFigures:
    out = AzFigures()
    for figures in table.values():
        out = _add(out, figures)
    return out


# ------------------------------------------------------------------------------------ the per-AZ tables


@dataclass
class AzTables:
    """Running per-AZ sums over the groups, one table per scenario (AZ loss: one table per lost AZ)."""

    azs: list[str]
    desired: dict[str, AzFigures] = field(init=False)
    at_max: dict[str, AzFigures] = field(init=False)
    surge: dict[str, AzFigures] = field(init=False)
    loss_desired: dict[str, dict[str, AzFigures]] = field(init=False)  # lost AZ -> the other AZs
    loss_max: dict[str, dict[str, AzFigures]] = field(init=False)

    def __post_init__(self) -> None:
        zero = AzFigures()
        self.desired = dict.fromkeys(self.azs, zero)
        self.at_max = dict.fromkeys(self.azs, zero)
        self.surge = dict.fromkeys(self.azs, zero)
        self.loss_desired = self._loss_table()
        self.loss_max = self._loss_table()

    def _loss_table(self) -> dict[str, dict[str, AzFigures]]:
        if len(self.azs) == 1:  # losing the only AZ loses the cluster: no AZ-loss figure
            return {}
        return {lost: {az: AzFigures() for az in self.azs if az != lost} for lost in self.azs}


@dataclass(frozen=True)
class GroupNodes:
    """One group's nodes per AZ in each scenario and what one node costs in each subnet."""

    azs: list[str]
    desired: dict[str, int]
    at_max: dict[str, int]
    surge_count: int
    surge: dict[str, int]
    node_subnet_addresses: int  # per node (upper end of the range)
    pod_subnet_addresses: int


def _group_azs(g: NodeGroupLoad, azs: list[str]) -> list[str]:
    """The group's AZs (all of the cluster's by default), after checking its sizes and AZ names."""
    where = f"groups[{g.name}]"
    if g.max_nodes < g.desired_nodes:
        raise InputError(f"{where}.max_nodes: {g.max_nodes} is below desired_nodes {g.desired_nodes}.", field="max_nodes")
    group_azs = list(g.azs) if g.azs else list(azs)
    unknown = [a for a in group_azs if a not in azs]
    if unknown:
        raise InputError(f"{where}.azs: {unknown[0]!r} is not one of the cluster's AZs {azs}.", field="azs")
    return group_azs


def _surge(g: NodeGroupLoad, group_azs: list[str], surge_nodes: int | None) -> tuple[int, dict[str, int]]:
    """Surge nodes of a managed rolling upgrade: the larger of twice the AZ count and max_unavailable, "up to two
    instances per AZ" (2 per AZ, or max_unavailable spread evenly if that is larger); or ``surge_nodes`` spread."""
    if surge_nodes is not None:
        return surge_nodes, spread(surge_nodes, group_azs)
    count = max(2 * len(group_azs), g.max_unavailable)
    per_az = dict.fromkeys(group_azs, 2) if count == 2 * len(group_azs) else spread(count, group_azs)
    return count, per_az


def _group_nodes(g: NodeGroupLoad, group_azs: list[str], usage: NodeUsage, surge_nodes: int | None) -> GroupNodes:
    surge_count, surge_per_az = _surge(g, group_azs, surge_nodes)
    return GroupNodes(
        azs=group_azs, desired=spread(g.desired_nodes, group_azs), at_max=spread(g.max_nodes, group_azs),
        surge_count=surge_count, surge=surge_per_az,
        node_subnet_addresses=usage.range.node_subnet_addresses.max,
        pod_subnet_addresses=usage.range.pod_subnet_addresses.max,
    )


def _add_group(tables: AzTables, nodes: GroupNodes) -> None:
    """Adds one group's nodes to every scenario; on an AZ loss the lost AZ's nodes are relaunched in the group's
    remaining AZs, ceil(lost / remaining) more per AZ."""

    def cost(count: int) -> AzFigures:
        return _figures(count, nodes.node_subnet_addresses, nodes.pod_subnet_addresses)

    for az in nodes.azs:
        tables.desired[az] = _add(tables.desired[az], cost(nodes.desired[az]))
        tables.at_max[az] = _add(tables.at_max[az], cost(nodes.at_max[az]))
        tables.surge[az] = _add(tables.surge[az], cost(nodes.surge[az]))
    if len(tables.azs) == 1:
        return
    for lost in tables.azs:
        remaining = [a for a in nodes.azs if a != lost]
        for counts, table in ((nodes.desired, tables.loss_desired), (nodes.at_max, tables.loss_max)):
            moved = counts.get(lost, 0)
            extra = ceil_div(moved, len(remaining)) if (moved and remaining) else 0
            for az in remaining:
                table[lost][az] = _add(table[lost][az], cost(counts[az] + extra))


def _az_usage(az: str, tables: AzTables) -> AzUsage:
    """One AZ's scenarios and the worst of them (what to size its subnets for)."""
    zero = AzFigures()
    loss_desired, loss_max = zero, zero
    desired_plus_surge = _add(tables.desired[az], tables.surge[az])
    scenarios = [tables.desired[az], tables.at_max[az], desired_plus_surge]
    for lost in tables.azs:
        if lost != az and lost in tables.loss_desired:
            loss_desired = _worse(loss_desired, tables.loss_desired[lost][az])
            loss_max = _worse(loss_max, tables.loss_max[lost][az])
            scenarios += [tables.loss_desired[lost][az], tables.loss_max[lost][az]]
    return AzUsage(
        az=az, desired=tables.desired[az], max=tables.at_max[az], surge_extra=tables.surge[az],
        desired_plus_surge=desired_plus_surge, az_loss_desired=loss_desired, az_loss_max=loss_max,
        worst_node_subnet_addresses=max(s.node_subnet_addresses for s in scenarios),
        worst_pod_subnet_addresses=max(s.pod_subnet_addresses for s in scenarios),
    )


def _assumptions(azs: list[str], surge_nodes: int | None) -> list[str]:
    assumptions = [
        "Nodes of each group are spread over its AZs as evenly as possible; a remainder goes one node each to the AZs in the order listed.",
        "Each node runs its group's pods_per_node IP-using pods and holds the settled ipamd state of a fresh node (ipamd-model.md §3); "
        "where ipamd is not deterministic (WARM_PREFIX_TARGET >= 2) the upper end is used.",
        "Surge: a managed node group update raises the ASG by the larger of twice its AZ count and maxUnavailable (default 1), "
        "up to 2 new nodes per AZ; each new node is counted with a full pods_per_node while the old node keeps its ENIs."
        + (f" Overridden: {surge_nodes} surge node(s) per group." if surge_nodes is not None else ""),
        "AZ loss: the lost AZ's nodes are relaunched evenly in the group's remaining AZs, ceil(lost / remaining) more per AZ (rounded up); "
        "each AZ shows its worst case over the loss of any other AZ.",
        "Addresses only: AWS also reserves 5 addresses in every subnet, and prefixes need aligned free /28 blocks.",
    ]
    if len(azs) == 1:
        assumptions.append("One AZ only: losing it loses the cluster, so no AZ-loss figure is given.")
    return assumptions


def _check_cluster(groups: list[NodeGroupLoad], azs: list[str], surge_nodes: int | None) -> int | None:
    """The cluster-wide inputs; returns ``surge_nodes`` checked."""
    if not isinstance(azs, list) or not azs or not all(isinstance(a, str) and a.strip() for a in azs):
        raise InputError("azs: give at least one availability zone name.", field="azs")
    if len(set(azs)) != len(azs):
        raise InputError("azs: the availability zone names must be unique.", field="azs")
    if not groups:
        raise InputError("groups: give at least one node group.", field="groups")
    if surge_nodes is not None:
        surge_nodes = whole_number(surge_nodes, "surge_nodes")
    names = [g.name for g in groups]
    if len(set(names)) != len(names):
        raise InputError("groups: node group names must be unique.", field="groups")
    return surge_nodes


def _group_usage(g: NodeGroupLoad, catalog: Catalog, cni_version: str) -> NodeUsage:
    """One node of the group at its pods_per_node (Windows groups ignore the Linux-only settings)."""
    return node_usage_for(g.os, g.instance_type, g.pods_per_node, prefix_delegation=g.prefix_delegation,
                          custom_networking=g.custom_networking, warm=g.warm, max_pods=g.max_pods, max_eni=g.max_eni,
                          sgp=g.sgp, catalog=catalog, cni_version=cni_version, branch_pods=g.branch_pods)


def cluster_usage(
    groups: list[NodeGroupLoad],
    azs: list[str],
    *,
    surge_nodes: int | None = None,
    catalog: Catalog | None = None,
    cni_version: str = DEFAULT_CNI_VERSION,
) -> ClusterUsage:
    """Subnet addresses per AZ for node groups x nodes: at desired, at max, during an upgrade, after losing an AZ.

    * Nodes of a group are spread over its AZs by :func:`spread` (remainder to the first AZs listed).
    * Every node runs the group's ``pods_per_node`` and costs :func:`node_usage` (the range's upper end
      where ipamd is not deterministic).
    * Surge (rolling upgrade of a managed node group): the ASG grows by the larger of twice the group's
      AZ count and ``max_unavailable`` (EKS "Understand each phase of node updates", scale-up phase), so
      up to 2 new nodes per AZ; each new node is assumed to take a full ``pods_per_node`` while the old
      one still holds its ENIs. ``surge_nodes`` overrides the count per group (spread like the nodes).
    * AZ loss: the lost AZ's nodes are relaunched in the group's remaining AZs, ceil(lost / remaining)
      more per AZ (rounding up, so the per-AZ figure is never under-stated); computed for every AZ
      lost, at desired and at max nodes; each AZ reports its worst case.
    """
    surge_nodes = _check_cluster(groups, azs, surge_nodes)
    catalog = catalog or load_catalog()
    tables = AzTables(list(azs))
    group_out: list[GroupUsage] = []
    for g in groups:
        group_azs = _group_azs(g, azs)
        usage = _group_usage(g, catalog, cni_version)
        nodes = _group_nodes(g, group_azs, usage, surge_nodes)
        _add_group(tables, nodes)
        group_out.append(GroupUsage(
            name=g.name, instance_type=usage.instance_type, mode=usage.mode, custom_networking=g.custom_networking,
            azs=group_azs, per_node=usage, per_node_node_subnet_addresses=nodes.node_subnet_addresses,
            per_node_pod_subnet_addresses=nodes.pod_subnet_addresses, nodes_desired=nodes.desired,
            nodes_max=nodes.at_max, surge_nodes=nodes.surge_count, surge_nodes_per_az=nodes.surge,
        ))
    return ClusterUsage(
        azs=list(azs), groups=group_out, per_az=[_az_usage(az, tables) for az in azs],
        totals_desired=_total(tables.desired), totals_max=_total(tables.at_max), totals_surge_extra=_total(tables.surge),
        az_loss=[AzLossScenario(lost_az=lost, desired=tables.loss_desired[lost], max=tables.loss_max[lost])
                 for lost in azs if lost in tables.loss_desired],
        assumptions=_assumptions(azs, surge_nodes),
    )
