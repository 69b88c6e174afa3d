"""The node model's public names in one place, where callers have always imported them from.

The model itself lives in small modules, each about one idea:

* :mod:`eksadvisor.model.node_inputs` -- input checks, the instance type, the aws-node warm settings;
* :mod:`eksadvisor.model.usage` -- what a node model returns (:class:`NodeUsage`, totals, the explanation);
* :mod:`eksadvisor.model.linux` -- one Linux node: the settled ipamd state, step by step as ipamd works
  (ipamd-model.md is the specification), with its steps in :mod:`~eksadvisor.model.linux_inputs`,
  :mod:`~eksadvisor.model.ipamd_pool` and :mod:`~eksadvisor.model.linux_explain`;
* :mod:`eksadvisor.model.winipam` -- one Windows node: the VPC resource controller's pool;
* :mod:`eksadvisor.model.node` -- :func:`node_usage_for`, the one place that picks Linux or Windows;
* :mod:`eksadvisor.model.cluster` -- node groups over AZs: desired, max, surge, AZ loss.
"""

from __future__ import annotations

from eksadvisor.model.cluster import (
    AzFigures,
    AzLossScenario,
    AzUsage,
    ClusterUsage,
    GroupUsage,
    NodeGroupLoad,
    cluster_usage,
    spread,
)
from eksadvisor.model.linux import ip_usage, node_usage
from eksadvisor.model.node import NodeOs, ip_usage_for, node_usage_for
from eksadvisor.model.node_inputs import (
    COOLDOWN_SECONDS,
    IPS_PER_PREFIX,
    MANIFEST_DEFAULTS,
    WarmSettings,
)
from eksadvisor.model.usage import (
    CooldownEffect,
    Explanation,
    Flag,
    IntRange,
    IpUsageReport,
    NodeTotals,
    NodeUsage,
    UsageRange,
    node_totals,
)

__all__ = [
    "COOLDOWN_SECONDS",
    "IPS_PER_PREFIX",
    "MANIFEST_DEFAULTS",
    "AzFigures",
    "AzLossScenario",
    "AzUsage",
    "ClusterUsage",
    "CooldownEffect",
    "Explanation",
    "Flag",
    "GroupUsage",
    "IntRange",
    "IpUsageReport",
    "NodeGroupLoad",
    "NodeOs",
    "NodeTotals",
    "NodeUsage",
    "UsageRange",
    "WarmSettings",
    "cluster_usage",
    "ip_usage",
    "ip_usage_for",
    "node_totals",
    "node_usage",
    "node_usage_for",
    "spread",
]
