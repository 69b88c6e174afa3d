"""What a node model returns: one node's settled addresses (:class:`NodeUsage`), totals for K nodes, and the
:class:`Explanation` its steps fill in. Shared by the Linux (ipamd) and Windows (resource controller) models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eksadvisor.model.node_inputs import COOLDOWN_SECONDS, WarmSettings, whole_number
from eksadvisor.names import NodeOs


class Flag(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    message: str


@dataclass
class Explanation:
    """The why of one node's figures, collected by each model step as it goes (arithmetic, flags, notes),
    so the steps compute and explain side by side without building strings into their arithmetic."""

    arithmetic: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        """One line of the arithmetic, in the order the model works it out."""
        self.arithmetic.append(line)

    def flag(self, flag_id: str, message: str) -> None:
        """Something the user should act on or know (a limit hit, a setting that misbehaves)."""
        self.flags.append(Flag(id=flag_id, message=message))

    def note(self, text: str) -> None:
        """Background: why the model behaves this way, with its source."""
        self.notes.append(text)


class IntRange(BaseModel):
    model_config = ConfigDict(frozen=True)
    min: int
    max: int


class UsageRange(BaseModel):
    """Both ends where ipamd is not deterministic (WPT >= 2 with random placement) or oscillates."""

    model_config = ConfigDict(frozen=True)
    deterministic: bool
    reason: str = ""
    enis: IntRange
    secondary_ips: IntRange
    prefixes: IntRange
    pod_addresses: IntRange
    free_ips: IntRange
    node_subnet_addresses: IntRange
    pod_subnet_addresses: IntRange
    subnet_addresses: IntRange


class CooldownEffect(BaseModel):
    """IP_COOLDOWN_PERIOD: what it changes during churn (usable addresses) and what it does not (settled counts)."""

    model_config = ConfigDict(frozen=True)
    period_seconds: int = COOLDOWN_SECONDS
    changes_settled_counts: bool = False
    replaced_pods: int  # pods deleted and started again within one cooldown window
    usable_free_ips: int  # free addresses a new pod can take while the replaced pods' addresses cool
    pending_pods: int  # new pods that wait (CNI ADD fails, kubelet retries) until cooldown ends
    max_wait_seconds: int
    explanation: str


class NodeUsage(BaseModel):
    """Settled ipamd state of one node (docs/design.md §2.3 keys first)."""

    model_config = ConfigDict(frozen=True)

    # docs/design.md §2.3
    enis: int
    secondary_ips: int
    prefixes: int
    free_ips: int
    node_subnet_addresses: int
    pod_subnet_addresses: int
    subnet_addresses: int
    # inputs as resolved
    instance_type: str
    mode: Literal["secondary_ip", "prefix"]
    prefix_delegation_requested: bool
    custom_networking: bool
    sgp: bool
    settings: WarmSettings | None  # aws-node's warm targets; None on a Windows node (see windows_targets)
    max_pods: int
    max_pods_source: Literal["given", "calculator", "windows"]
    max_eni: int | None
    pods: int
    # derived
    pods_with_ip: int
    unplaced_pods: int
    pods_over_max_pods: int
    pod_enis: int  # ENIs that hold pod addresses
    trunk_enis: int  # Security Groups for Pods trunk ENI (attached by the VPC resource controller)
    branch_pods: int = 0  # pods with their own security groups (served by branch ENIs, not by ipamd)
    branch_enis: int = 0  # branch ENIs placed (one subnet address each), at most the type's branch capacity
    pod_addresses: int  # T: secondary /32s, or 16 x prefixes
    ipv4_per_eni: int
    slots_per_eni: int
    enis_instance: int
    eni_cap: int  # E: the instance's ENIs, lowered by MAX_ENI
    pod_eni_cap: int  # ENIs ipamd may use for pod addresses (custom networking and the trunk slot removed)
    range: UsageRange
    cooldown: CooldownEffect
    flags: list[Flag] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    arithmetic: list[str] = Field(default_factory=list)
    os: NodeOs = "linux"  # windows: the VPC resource controller's pool (eksadvisor.model.winipam)
    windows_targets: dict[str, int] = Field(default_factory=dict)  # warm_ip_target, minimum_ip_target

    @property
    def flag_ids(self) -> list[str]:
        return [f.id for f in self.flags]

    @property
    def deterministic(self) -> bool:
        return self.range.deterministic

    def _repr_html_(self) -> str:  # Jupyter display (eksadvisor.output.display; imported only when shown)
        from eksadvisor.output.display import node_usage_html

        return node_usage_html(self)


class NodeTotals(BaseModel):
    """One node's figures times K nodes (min/max where the node is a range)."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # ip-usage only: not built on advise's start-up path
    nodes: int
    pods: int
    pods_with_ip: int
    unplaced_pods: int
    enis: int
    secondary_ips: int
    prefixes: int
    free_ips: int
    node_subnet_addresses: int
    pod_subnet_addresses: int
    subnet_addresses: int
    subnet_addresses_max: int
    node_subnet_addresses_max: int
    pod_subnet_addresses_max: int


class IpUsageReport(BaseModel):
    """What ``eksadvisor ip-usage`` prints: the per-node state and the totals for K identical nodes."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # ip-usage only: not built on advise's start-up path
    per_node: NodeUsage
    totals: NodeTotals

    def _repr_html_(self) -> str:  # Jupyter display (eksadvisor.output.display; imported only when shown)
        from eksadvisor.output.display import ip_usage_report_html

        return ip_usage_report_html(self)


def node_totals(usage: NodeUsage, nodes: int) -> NodeTotals:
    """``usage`` times ``nodes`` identical nodes."""
    nodes = whole_number(nodes, "nodes", 1)
    r = usage.range
    return NodeTotals(
        nodes=nodes, pods=usage.pods * nodes, pods_with_ip=usage.pods_with_ip * nodes,
        unplaced_pods=usage.unplaced_pods * nodes, enis=usage.enis * nodes,
        secondary_ips=usage.secondary_ips * nodes, prefixes=usage.prefixes * nodes, free_ips=usage.free_ips * nodes,
        node_subnet_addresses=usage.node_subnet_addresses * nodes, pod_subnet_addresses=usage.pod_subnet_addresses * nodes,
        subnet_addresses=usage.subnet_addresses * nodes,
        subnet_addresses_max=r.subnet_addresses.max * nodes,
        node_subnet_addresses_max=r.node_subnet_addresses.max * nodes,
        pod_subnet_addresses_max=r.pod_subnet_addresses.max * nodes,
    )


def usage_report(usage: NodeUsage, nodes: int) -> IpUsageReport:
    """``eksadvisor ip-usage``'s report: one node and the totals for ``nodes`` identical nodes."""
    return IpUsageReport(per_node=usage, totals=node_totals(usage, nodes))
