"""What a Linux node really takes from its subnets: the settled ipamd state, in closed form.

Implements the team's ipamd address-holding model (ipamd-model.md, derived from ``aws/amazon-vpc-cni-k8s`` at
``b52188387f``, v1.23.1): the ENIs, secondary IPs or /28 prefixes, free (warm) addresses and subnet
addresses a node holds after ``pods`` IP-using pods were added one at a time to a fresh node and the
ipamd pool loop (``ipamd.go updateIPPoolIfRequired``) stopped acting. Every count is closed form
(no per-pod loop), so a 10,000-node cluster costs a handful of integer operations per node group.

Model summary (notation of the spec, section 0):

* ``S = L - 1`` slots per ENI (one /32 in secondary-IP mode, one /28 in prefix mode).
* Growth: ``isDatastorePoolTooLow`` (warm targets, max-pods gate ``T >= maxPods`` checked first),
  ``increaseDatastorePool`` fills the partly used ENI first and attaches a new ENI only when every
  usable ENI is full and ``hasRoomForEni`` (``E`` - trunk slot when Security Groups for Pods is on).
* Release: only surplus over the IP targets, free prefixes over ``WARM_PREFIX_TARGET``, or whole
  ENIs without pods; none of it happens on a fresh node whose pods only rise, except in the two
  oscillating settings (``WARM_ENI_TARGET=0``, ``WARM_PREFIX_TARGET=0``), which are flagged.
* ``WARM_PREFIX_TARGET >= 2`` without IP targets depends on random pod placement
  (``AssignPodIPv4Address`` walks Go maps): the result is a range; the main figures are the lower
  envelope (tightly packed pods), ``range`` holds both ends.

Subnet cost (spec section 3(f)): every ENI costs its primary IP, plus one address per secondary IP or
16 per prefix. With custom networking the primary ENI is the only thing in the node subnet (1 address);
pod ENIs, their slots and (with Security Groups for Pods) the trunk ENI live in the ENIConfig subnet.

:func:`node_usage` runs the steps in ipamd's order, each named after the ipamd function or spec section it
mirrors: :mod:`~eksadvisor.model.linux_inputs` (inputs, mode, limits, max-pods, which pods ipamd serves),
:mod:`~eksadvisor.model.ipamd_pool` (pool growth, settling, counting), :mod:`~eksadvisor.model.linux_explain`
(flags and notes); an :class:`~eksadvisor.model.usage.Explanation` collects the arithmetic along the way.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.catalog import Catalog, InstanceType
from eksadvisor.model.ipamd_pool import (
    SettledSlots,
    SlotCounts,
    WorkedNode,
    count_slots,
    explain_counts,
    grow_pool,
    settle,
)
from eksadvisor.model.linux_explain import (
    cooldown_effect,
    flag_limits,
    flag_sgp,
    flag_warm_settings,
    note_mode,
    note_subnets,
)
from eksadvisor.model.linux_inputs import (
    LinuxNode,
    check_inputs,
    check_pod_eni_room,
    choose_mode,
    eni_limits,
    explain_limits,
    kubelet_max_pods,
    split_pods,
)
from eksadvisor.model.node_inputs import WarmSettings, whole_number
from eksadvisor.model.usage import Explanation, IntRange, IpUsageReport, NodeUsage, UsageRange, usage_report
from eksadvisor.versions import DEFAULT_CNI_VERSION


def usage_range(low: SlotCounts, high: SlotCounts, settled: SettledSlots) -> UsageRange:
    """Both ends of every figure (the main figures are the spec's formula values)."""

    def both(key: str) -> IntRange:
        a, b = getattr(low, key), getattr(high, key)
        return IntRange(min=min(a, b), max=max(a, b))

    return UsageRange(
        deterministic=(settled.low == settled.high), reason=settled.range_reason,
        enis=both("enis"), secondary_ips=both("secondary_ips"), prefixes=both("prefixes"),
        pod_addresses=both("pod_addresses"), free_ips=both("free_ips"),
        node_subnet_addresses=both("node_subnet_addresses"), pod_subnet_addresses=both("pod_subnet_addresses"),
        subnet_addresses=both("subnet_addresses"),
    )


def work_out(node: LinuxNode, why: Explanation) -> WorkedNode:
    """Runs the steps in ipamd's order: mode, max-pods, limits, scheduling, pool growth, settling, counting."""
    pd = choose_mode(node, why)
    limits = eni_limits(node, why)
    max_pods = kubelet_max_pods(node, why)
    explain_limits(node, pd, limits, why)
    split = split_pods(node, limits, max_pods.value, why)
    check_pod_eni_room(node, limits, why)
    growth = grow_pool(pd, node.warm, limits, split.ipamd_pods, max_pods.value, why)
    settled = settle(pd, node, limits, split, growth, max_pods.value, why)
    # the main figures: the spec's formula values (the lower envelope for WPT >= 2; for the oscillating
    # settings the state ipamd keeps re-creating, which is the formula's and the larger one)
    main = count_slots(settled.slots, pd, node, limits, split)
    return WorkedNode(node=node, prefix=pd, limits=limits, max_pods=max_pods, split=split, growth=growth,
                      settled=settled, main=main)


def node_usage(
    instance_type: str | InstanceType,
    pods: int,
    *,
    prefix_delegation: bool = False,
    custom_networking: bool = False,
    warm: WarmSettings | None = None,
    max_pods: int | None = None,
    max_eni: int | None = None,
    sgp: bool = False,
    catalog: Catalog | None = None,
    cni_version: str = DEFAULT_CNI_VERSION,
    replaced_pods: int = 0,
    branch_pods: int = 0,
) -> NodeUsage:
    """Settled ENIs, addresses and subnet cost of one node running ``pods`` IP-using pods.

    ``pods`` counts pods that need a VPC IP from ipamd (hostNetwork pods such as aws-node and kube-proxy
    use none). ``max_pods`` defaults to AWS's calculator value for the mode (``eksadvisor.model.maxpods``,
    ``cni_version``). ``replaced_pods``: pods deleted and re-created within one 30 s cooldown window,
    for the ``cooldown`` figures only (settled counts never depend on it). ``branch_pods``: how many of
    ``pods`` have their own security groups (with ``sgp``): each takes a branch ENI from the VPC resource
    controller instead of an ipamd address, and that branch ENI's one IP from the trunk ENI's subnet.
    """
    node = check_inputs(instance_type, pods, catalog, prefix_delegation=prefix_delegation,
                        custom_networking=custom_networking, warm=warm, max_pods=max_pods, max_eni=max_eni, sgp=sgp,
                        cni_version=cni_version, replaced_pods=replaced_pods, branch_pods=branch_pods)
    why = Explanation()
    w = work_out(node, why)
    explain_counts(w, why)
    flag_limits(w, why)
    flag_warm_settings(w, why)
    flag_sgp(w, why)
    note_mode(w, why)
    note_subnets(w, why)
    main, limits = w.main, w.limits
    return NodeUsage(
        enis=main.enis, secondary_ips=main.secondary_ips, prefixes=main.prefixes, free_ips=main.free_ips,
        node_subnet_addresses=main.node_subnet_addresses, pod_subnet_addresses=main.pod_subnet_addresses,
        subnet_addresses=main.subnet_addresses,
        instance_type=node.itype.instance_type, mode="prefix" if w.prefix else "secondary_ip",
        prefix_delegation_requested=node.prefix_delegation, custom_networking=node.custom_networking, sgp=node.sgp,
        settings=node.warm, max_pods=w.max_pods.value, max_pods_source=w.max_pods.source, max_eni=node.max_eni,
        pods=node.pods, pods_with_ip=w.pods_with_ip, unplaced_pods=node.pods - w.pods_with_ip,
        pods_over_max_pods=w.split.over_max_pods, pod_enis=main.pod_enis, trunk_enis=limits.trunk_enis,
        pod_addresses=main.pod_addresses, branch_pods=w.split.branch_pods, branch_enis=w.split.branch_enis,
        ipv4_per_eni=limits.ipv4_per_eni, slots_per_eni=limits.slots_per_eni, enis_instance=limits.enis_instance,
        eni_cap=limits.eni_cap, pod_eni_cap=limits.pod_eni_cap,
        range=usage_range(count_slots(w.settled.low, w.prefix, node, limits, w.split),
                          count_slots(w.settled.high, w.prefix, node, limits, w.split), w.settled),
        cooldown=cooldown_effect(main.free_ips, node.replaced_pods),
        flags=why.flags, notes=why.notes, arithmetic=why.arithmetic,
    )


def ip_usage(instance_type: str | InstanceType, pods: int, *, nodes: int = 1, **kwargs: Any) -> IpUsageReport:
    """``eksadvisor ip-usage``: :func:`node_usage` plus the totals for ``nodes`` identical nodes."""
    nodes = whole_number(nodes, "nodes", 1)
    return usage_report(node_usage(instance_type, pods, **kwargs), nodes)
