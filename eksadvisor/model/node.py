"""One node of either OS: the single place that picks the Linux model (ipamd) or the Windows one (the VPC
resource controller), so callers pass the group's ``os`` instead of choosing between two functions."""

from __future__ import annotations

from typing import Any

from eksadvisor.catalog import Catalog, InstanceType
from eksadvisor.errors import InputError
from eksadvisor.model.linux import node_usage
from eksadvisor.model.node_inputs import WarmSettings, whole_number
from eksadvisor.model.usage import IpUsageReport, NodeUsage, usage_report
from eksadvisor.model.winipam import windows_node_usage
from eksadvisor.names import NodeOs
from eksadvisor.versions import DEFAULT_CNI_VERSION


def node_usage_for(
    os: NodeOs,
    instance_type: str | InstanceType,
    pods: int,
    *,
    catalog: Catalog | None = None,
    replaced_pods: int = 0,
    prefix_delegation: bool = False,
    custom_networking: bool = False,
    warm: WarmSettings | None = None,
    max_pods: int | None = None,
    max_eni: int | None = None,
    sgp: bool = False,
    cni_version: str = DEFAULT_CNI_VERSION,
    branch_pods: int = 0,
    windows_warm_ip_target: int | None = None,
    windows_minimum_ip_target: int | None = None,
) -> NodeUsage:
    """The settled addresses of one ``os`` node: :func:`~eksadvisor.model.linux.node_usage` for ``"linux"``,
    :func:`~eksadvisor.model.winipam.windows_node_usage` for ``"windows"``.

    The Linux-only options (aws-node's settings, custom networking, Security Groups for Pods, max-pods, MAX_ENI)
    do not exist on a Windows node and are ignored there; ``windows_*`` are the amazon-vpc-cni ConfigMap's
    warm-ip-target and minimum-ip-target (``None``: key absent), ignored on Linux.
    """
    if os == "windows":
        return windows_node_usage(instance_type, pods, warm_ip_target=windows_warm_ip_target,
                                  minimum_ip_target=windows_minimum_ip_target, replaced_pods=replaced_pods,
                                  catalog=catalog)
    if os != "linux":
        raise InputError(f"os: must be linux or windows, not {os!r}.", field="os")
    return node_usage(instance_type, pods, prefix_delegation=prefix_delegation, custom_networking=custom_networking,
                      warm=warm, max_pods=max_pods, max_eni=max_eni, sgp=sgp, catalog=catalog,
                      cni_version=cni_version, replaced_pods=replaced_pods, branch_pods=branch_pods)


def ip_usage_for(os: NodeOs, instance_type: str | InstanceType, pods: int, *, nodes: int = 1,
                 **options: Any) -> IpUsageReport:
    """``eksadvisor ip-usage`` for either OS: :func:`node_usage_for` plus the totals for ``nodes`` identical nodes."""
    nodes = whole_number(nodes, "nodes", 1)
    return usage_report(node_usage_for(os, instance_type, pods, **options), nodes)
