"""What the audit has learnt about a cluster before it judges it: the input of the findings, the derived answers and
the forecast."""

from __future__ import annotations

from dataclasses import dataclass

from eksadvisor.audit.bundle import Bundle
from eksadvisor.audit.groups import GroupState
from eksadvisor.audit.model import CurrentSettings, SubnetAudit
from eksadvisor.audit.nodes import EniConfigs, Node
from eksadvisor.audit.settings import RunningMode
from eksadvisor.audit.subnets import Placement
from eksadvisor.catalog import Catalog


@dataclass
class AuditFacts:
    """The cluster as read: settings, nodes and groups, subnets and who uses them."""

    bundle: Bundle
    settings: CurrentSettings
    mode: RunningMode
    region: str
    catalog: Catalog
    nodes: list[Node]
    eniconfigs: EniConfigs
    groups: dict[str, GroupState]  # by name, in name order
    placement: Placement
    subnets: list[SubnetAudit]


__all__ = ["AuditFacts"]
