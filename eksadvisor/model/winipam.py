"""What a Windows node takes from its subnet: the VPC resource controller's IPv4 pool, in closed form.

Windows nodes do not run ipamd. The VPC resource controller (``aws/amazon-vpc-resource-controller-k8s``)
assigns their pods secondary IPv4 addresses on the node's one ENI [EKS-WINDOWS]:

* capacity ``C = IPv4 addresses per ENI - 1`` (``getCapacity``: the first ENI, minus its primary address),
  which is also EKS's Windows max pods;
* secondary-IP mode keeps ``T = min(max(P + W, M), C)`` addresses for ``P`` pods, with ``W`` =
  ``warm-ip-target`` and ``M`` = ``minimum-ip-target`` from the ``amazon-vpc-cni`` ConfigMap, both 3 when
  unset (``pkg/config/loader.go`` defaults and ``ParseWinIPTargetConfigs``; pool reconciliation with zero
  max deviation, ``pkg/pool/pool.go``). ``ParseWinIPTargetConfigs`` reads an absent key as 0 and an explicit
  ``warm-ip-target: "0"`` as 1, then falls back to 3 / 3 only when both are 0 (the controller's docs say the
  warm target defaults to 3 whenever it is unspecified; the code is followed here);
* a freed address cools for 30 s (``config.CoolDownPeriod``) and still counts toward ``T``.

Windows prefix delegation is not modelled: the advisor keeps Windows nodes in secondary-IP mode.
Subnet cost: the ENI's primary address plus ``T``; custom networking does not apply to Windows, so it is
all in the node subnet.
"""

from __future__ import annotations

from eksadvisor.catalog import Catalog, InstanceType
from eksadvisor.errors import InputError
from eksadvisor.model.ipam import (
    COOLDOWN_SECONDS,
    CooldownEffect,
    Flag,
    IntRange,
    IpUsageReport,
    NodeUsage,
    UsageRange,
    _resolve_type,
    _whole,
    node_totals,
)
from eksadvisor.model.maxpods import windows_max_pods

DEFAULT_WARM_IP_TARGET = 3  # IPv4DefaultWinWarmIPTarget
DEFAULT_MINIMUM_IP_TARGET = 3  # IPv4DefaultWinMinIPTarget


def windows_node_usage(
    instance_type: str | InstanceType,
    pods: int,
    *,
    warm_ip_target: int | None = None,
    minimum_ip_target: int | None = None,
    replaced_pods: int = 0,
    catalog: Catalog | None = None,
) -> NodeUsage:
    """The settled pool of one Windows node with ``pods`` pods (secondary-IP mode). ``None``: the ConfigMap key
    is absent (both absent: the controller's defaults 3 / 3)."""
    itype, _ = _resolve_type(instance_type, catalog)
    pods = _whole(pods, "pods")
    W = 0 if warm_ip_target is None else _whole(warm_ip_target, "warm_ip_target")
    M = 0 if minimum_ip_target is None else _whole(minimum_ip_target, "minimum_ip_target")
    replaced_pods = _whole(replaced_pods, "replaced_pods")
    if warm_ip_target is not None and W == 0:
        W = 1  # an explicit warm-ip-target of 0 is raised to 1 in secondary-IP mode: the warm pool is never empty
    if W == 0 and M == 0:
        W, M = DEFAULT_WARM_IP_TARGET, DEFAULT_MINIMUM_IP_TARGET  # "on demand IP allocation is not supported"
    L = itype.ipv4_per_eni
    if L < 2:
        raise InputError(f"instance_type: {itype.instance_type} has {L} IPv4 address per ENI, none left for pods.",
                         field="instance_type")
    C = windows_max_pods(itype)  # the controller's capacity (getCapacity) is EKS's Windows max pods
    placed = min(pods, C)
    unplaced = pods - placed
    T = min(max(placed + W, M), C)
    free = T - placed
    node_addresses = 1 + T

    flags: list[Flag] = []
    if unplaced:
        flags.append(Flag(id="windows-ip-capacity", message=(
            f"{pods} pods but a Windows {itype.instance_type} has {C} pod addresses (one ENI, {L} - 1): "
            f"{unplaced} pod(s) stay Pending.")))
    elif placed + W > C and T == C:
        flags.append(Flag(id="windows-warm-capped", message=(
            f"The warm target ({W}) is cut short by the ENI's {C} addresses: {free} free at {placed} pods.")))
    arithmetic = [
        f"C (pod addresses) = IPv4 per ENI - 1 = {L} - 1 = {C}; max pods = C",
        f"P (pods placed) = min({pods}, {C}) = {placed}" + (f"; {unplaced} Pending" if unplaced else ""),
        f"T (secondary IPs) = min(max(P + W, M), C) = min(max({placed} + {W}, {M}), {C}) = {T}",
        f"free = T - P = {free}; node subnet = 1 ENI primary + T = {node_addresses}",
    ]
    notes = [
        "Windows: the VPC resource controller, not ipamd, manages this node's addresses; one ENI only, so no ENI is "
        "ever attached for pods [EKS-WINDOWS].",
        f"Warm pool: warm-ip-target {W}, minimum-ip-target {M} as the controller reads them from the amazon-vpc-cni "
        "ConfigMap (both keys absent: 3 and 3); it keeps exactly T (zero max deviation) and releases the surplus "
        "(pool.go ReconcilePool).",
        "Custom networking, Security Groups for Pods and IPv6 do not apply to Windows nodes [EKS-WINDOWS].",
    ]
    usable = max(0, free - replaced_pods)
    pending = max(0, replaced_pods - free)
    cooldown = CooldownEffect(
        replaced_pods=replaced_pods, usable_free_ips=usable, pending_pods=pending,
        max_wait_seconds=COOLDOWN_SECONDS if pending else 0,
        explanation=(f"A freed Windows pod address cools for {COOLDOWN_SECONDS} s (config.CoolDownPeriod) and still counts "
                     f"toward T, so the settled counts do not change; usable during churn: {free} - {replaced_pods} = {usable}."),
    )

    def same(v: int) -> IntRange:
        return IntRange(min=v, max=v)

    rng = UsageRange(
        deterministic=True, enis=same(1), secondary_ips=same(T), prefixes=same(0), pod_addresses=same(T),
        free_ips=same(free), node_subnet_addresses=same(node_addresses), pod_subnet_addresses=same(0),
        subnet_addresses=same(node_addresses),
    )
    return NodeUsage(
        enis=1, secondary_ips=T, prefixes=0, free_ips=free, node_subnet_addresses=node_addresses,
        pod_subnet_addresses=0, subnet_addresses=node_addresses,
        instance_type=itype.instance_type, mode="secondary_ip", prefix_delegation_requested=False,
        custom_networking=False, sgp=False, settings=None, max_pods=C, max_pods_source="windows",
        max_eni=None, pods=pods, pods_with_ip=placed, unplaced_pods=unplaced, pods_over_max_pods=unplaced,
        pod_enis=1, trunk_enis=0, pod_addresses=T, ipv4_per_eni=L, slots_per_eni=C, enis_instance=itype.max_enis,
        eni_cap=1, pod_eni_cap=1, range=rng, cooldown=cooldown, flags=flags, notes=notes, arithmetic=arithmetic,
        os="windows", windows_targets={"warm_ip_target": W, "minimum_ip_target": M},
    )


def windows_ip_usage(instance_type: str | InstanceType, pods: int, *, nodes: int = 1, **kwargs: object) -> IpUsageReport:
    """``eksadvisor ip-usage --windows``: :func:`windows_node_usage` plus the totals for ``nodes`` identical nodes."""
    nodes = _whole(nodes, "nodes", 1)
    usage = windows_node_usage(instance_type, pods, **kwargs)  # type: ignore[arg-type]
    return IpUsageReport(per_node=usage, totals=node_totals(usage, nodes))
