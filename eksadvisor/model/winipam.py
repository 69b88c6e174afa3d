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

from dataclasses import dataclass

from eksadvisor.catalog import Catalog, InstanceType
from eksadvisor.errors import InputError
from eksadvisor.model.maxpods import windows_max_pods
from eksadvisor.model.node_inputs import COOLDOWN_SECONDS, resolve_instance_type, whole_number
from eksadvisor.model.usage import (
    CooldownEffect,
    Explanation,
    IntRange,
    IpUsageReport,
    NodeUsage,
    UsageRange,
    usage_report,
)

DEFAULT_WARM_IP_TARGET = 3  # IPv4DefaultWinWarmIPTarget
DEFAULT_MINIMUM_IP_TARGET = 3  # IPv4DefaultWinMinIPTarget


@dataclass(frozen=True)
class WindowsTargets:
    """warm-ip-target and minimum-ip-target as the controller uses them (ParseWinIPTargetConfigs)."""

    warm_ip_target: int
    minimum_ip_target: int


def controller_targets(warm_ip_target: int | None, minimum_ip_target: int | None) -> WindowsTargets:
    """The ConfigMap keys as ``ParseWinIPTargetConfigs`` reads them (``None``: the key is absent)."""
    W = 0 if warm_ip_target is None else whole_number(warm_ip_target, "warm_ip_target")
    M = 0 if minimum_ip_target is None else whole_number(minimum_ip_target, "minimum_ip_target")
    if warm_ip_target is not None and W == 0:
        W = 1  # an explicit warm-ip-target of 0 is raised to 1 in secondary-IP mode: the warm pool is never empty
    if W == 0 and M == 0:
        W, M = DEFAULT_WARM_IP_TARGET, DEFAULT_MINIMUM_IP_TARGET  # "on demand IP allocation is not supported"
    return WindowsTargets(W, M)


@dataclass(frozen=True)
class WindowsPool:
    """The settled pool (pool.go ReconcilePool): capacity C, pods placed P, addresses held T."""

    ipv4_per_eni: int  # L
    capacity: int  # C = L - 1
    pods: int
    placed: int
    held: int  # T = min(max(P + W, M), C)

    @property
    def unplaced(self) -> int:
        return self.pods - self.placed

    @property
    def free(self) -> int:
        return self.held - self.placed

    @property
    def node_addresses(self) -> int:
        """The ENI's primary address plus T, all in the node subnet."""
        return 1 + self.held


def _explain(itype: InstanceType, pool: WindowsPool, targets: WindowsTargets, why: Explanation) -> None:
    """The flags, arithmetic and notes of one Windows node."""
    L, C, P, T, W, M = pool.ipv4_per_eni, pool.capacity, pool.placed, pool.held, targets.warm_ip_target, targets.minimum_ip_target
    if pool.unplaced:
        why.flag("windows-ip-capacity", (
            f"{pool.pods} pods but a Windows {itype.instance_type} has {C} pod addresses (one ENI, {L} - 1): "
            f"{pool.unplaced} pod(s) stay Pending."))
    elif P + W > C and T == C:
        why.flag("windows-warm-capped", (
            f"The warm target ({W}) is cut short by the ENI's {C} addresses: {pool.free} free at {P} pods."))
    why.add(f"C (pod addresses) = IPv4 per ENI - 1 = {L} - 1 = {C}; max pods = C")
    why.add(f"P (pods placed) = min({pool.pods}, {C}) = {P}" + (f"; {pool.unplaced} Pending" if pool.unplaced else ""))
    why.add(f"T (secondary IPs) = min(max(P + W, M), C) = min(max({P} + {W}, {M}), {C}) = {T}")
    why.add(f"free = T - P = {pool.free}; node subnet = 1 ENI primary + T = {pool.node_addresses}")
    why.note("Windows: the VPC resource controller, not ipamd, manages this node's addresses; one ENI only, so no ENI is "
             "ever attached for pods [EKS-WINDOWS].")
    why.note(f"Warm pool: warm-ip-target {W}, minimum-ip-target {M} as the controller reads them from the amazon-vpc-cni "
             "ConfigMap (both keys absent: 3 and 3); it keeps exactly T (zero max deviation) and releases the surplus "
             "(pool.go ReconcilePool).")
    why.note("Custom networking, Security Groups for Pods and IPv6 do not apply to Windows nodes [EKS-WINDOWS].")


def _cooldown(free: int, replaced_pods: int) -> CooldownEffect:
    """config.CoolDownPeriod: a freed address still counts toward T, so only churn sees fewer usable ones."""
    usable = max(0, free - replaced_pods)
    pending = max(0, replaced_pods - free)
    return CooldownEffect(
        replaced_pods=replaced_pods, usable_free_ips=usable, pending_pods=pending,
        max_wait_seconds=COOLDOWN_SECONDS if pending else 0,
        explanation=(f"A freed Windows pod address cools for {COOLDOWN_SECONDS} s (config.CoolDownPeriod) and still counts "
                     f"toward T, so the settled counts do not change; usable during churn: {free} - {replaced_pods} = {usable}."),
    )


def _fixed_range(pool: WindowsPool) -> UsageRange:
    """The controller keeps exactly T: both ends of every figure are the same."""

    def same(v: int) -> IntRange:
        return IntRange(min=v, max=v)

    return UsageRange(
        deterministic=True, enis=same(1), secondary_ips=same(pool.held), prefixes=same(0), pod_addresses=same(pool.held),
        free_ips=same(pool.free), node_subnet_addresses=same(pool.node_addresses), pod_subnet_addresses=same(0),
        subnet_addresses=same(pool.node_addresses),
    )


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
    itype, _ = resolve_instance_type(instance_type, catalog)
    pods = whole_number(pods, "pods")
    targets = controller_targets(warm_ip_target, minimum_ip_target)
    replaced_pods = whole_number(replaced_pods, "replaced_pods")
    L = itype.ipv4_per_eni
    if L < 2:
        raise InputError(f"instance_type: {itype.instance_type} has {L} IPv4 address per ENI, none left for pods.",
                         field="instance_type")
    C = windows_max_pods(itype)  # the controller's capacity (getCapacity) is EKS's Windows max pods
    placed = min(pods, C)
    held = min(max(placed + targets.warm_ip_target, targets.minimum_ip_target), C)
    pool = WindowsPool(ipv4_per_eni=L, capacity=C, pods=pods, placed=placed, held=held)
    why = Explanation()
    _explain(itype, pool, targets, why)
    return NodeUsage(
        enis=1, secondary_ips=held, prefixes=0, free_ips=pool.free, node_subnet_addresses=pool.node_addresses,
        pod_subnet_addresses=0, subnet_addresses=pool.node_addresses,
        instance_type=itype.instance_type, mode="secondary_ip", prefix_delegation_requested=False,
        custom_networking=False, sgp=False, settings=None, max_pods=C, max_pods_source="windows",
        max_eni=None, pods=pods, pods_with_ip=placed, unplaced_pods=pool.unplaced, pods_over_max_pods=pool.unplaced,
        pod_enis=1, trunk_enis=0, pod_addresses=held, ipv4_per_eni=L, slots_per_eni=C, enis_instance=itype.max_enis,
        eni_cap=1, pod_eni_cap=1, range=_fixed_range(pool), cooldown=_cooldown(pool.free, replaced_pods),
        flags=why.flags, notes=why.notes, arithmetic=why.arithmetic,
        os="windows", windows_targets={"warm_ip_target": targets.warm_ip_target, "minimum_ip_target": targets.minimum_ip_target},
    )


def windows_ip_usage(instance_type: str | InstanceType, pods: int, *, nodes: int = 1, **kwargs: object) -> IpUsageReport:
    """``eksadvisor ip-usage --windows``: :func:`windows_node_usage` plus the totals for ``nodes`` identical nodes."""
    nodes = whole_number(nodes, "nodes", 1)
    usage = windows_node_usage(instance_type, pods, **kwargs)  # type: ignore[arg-type]
    return usage_report(usage, nodes)
