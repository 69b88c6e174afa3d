"""Flags and notes for one Linux node: what stopped growth, which warm settings misbehave or are ignored, Security
Groups for Pods, and why the pool behaves as it does, each with the ipamd function that makes it so.
"""

from __future__ import annotations

from eksadvisor.model.ipamd_pool import WorkedNode
from eksadvisor.model.node_inputs import COOLDOWN_SECONDS, IPS_PER_PREFIX, ceil_div
from eksadvisor.model.usage import CooldownEffect, Explanation


def flag_limits(w: WorkedNode, why: Explanation) -> None:
    """What stopped growth: hasRoomForEni, the max-pods gate (isDatastorePoolTooLow), MINIMUM_IP_TARGET alone."""
    T, P, warm = w.main.pod_addresses, w.split.ipamd_pods, w.node.warm
    if w.settled.eni_bound:
        lost = P - w.main.placed  # pods ipamd serves that get no address (branch pods are not ipamd's)
        why.flag("eni-cap-reached", f"ENI limit reached: {w.limits.pod_eni_cap} ENI(s) for pod addresses hold {T} addresses"
                 + (f"; {lost} pod(s) get no IP (CNI ADD fails, ipamd.go hasRoomForEni)." if lost > 0 else "; the warm target cannot be met (ipamd.go hasRoomForEni)."))
    if w.settled.gate_bound:
        why.flag("max-pods-gate", f"Growth stopped by the kubelet max-pods gate: T = {T} >= max_pods {w.max_pods.value} (ipamd.go isDatastorePoolTooLow checks it before any warm target).")
    MIT = warm.minimum_ip_target
    if warm.ip_targets_defined and warm.warm_ip_target == 0 and MIT > 0:
        ceiling = MIT if not w.prefix else IPS_PER_PREFIX * ceil_div(MIT, IPS_PER_PREFIX)
        if P > T and not w.settled.eni_bound:
            why.flag("mit-ceiling", f"MINIMUM_IP_TARGET={MIT} without WARM_IP_TARGET never grows past {ceiling} addresses: only {w.pods_with_ip} of {P} pods get an IP.")
        else:
            why.note(f"MINIMUM_IP_TARGET={MIT} without WARM_IP_TARGET is a hard ceiling of {ceiling} pods with IPs on this node (README; datastoreTargetState reports no shortage once T >= MIT).")


def flag_warm_settings(w: WorkedNode, why: Explanation) -> None:
    """Warm settings that flap, depend on placement, or are ignored in this mode (isDatastorePoolTooLow,
    shouldRemoveExtraENIs, isRequiredForWarmPrefixTarget)."""
    pd, warm, settled = w.prefix, w.node.warm, w.settled
    W, WPT, ipt = warm.warm_eni_target, warm.warm_prefix_target, warm.ip_targets_defined
    if w.growth.oscillating_setting:
        name = "WARM_ENI_TARGET=0" if not pd else "WARM_PREFIX_TARGET=0"
        where = (f"at multiples of S = {w.limits.slots_per_eni} pods") if not pd else "at multiples of 16 pods (including 0)"
        msg = f"{name} without WARM_IP_TARGET/MINIMUM_IP_TARGET makes ipamd oscillate {where}: it allocates when the pool is empty and releases right after."
        if pd:
            msg += " docs/prefix-and-ip-target.md calls 0 unsupported; the code default is 0 when the env var is missing, the manifest sets 1."
        if settled.oscillating:
            msg += f" This pod count is such a point: {settled.range_reason}"
        why.flag("oscillation", msg)
    if settled.high != settled.low and not settled.oscillating:
        why.flag("non-deterministic", settled.range_reason)
    if (pd or ipt) and W != 1:
        why.flag("warm-eni-target-ignored", f"WARM_ENI_TARGET={W} has no effect here: {'prefix mode never uses it' if pd else 'WARM_IP_TARGET/MINIMUM_IP_TARGET replace it'} (ipamd.go isDatastorePoolTooLow, shouldRemoveExtraENIs).")
    if pd and ipt and WPT != 1:
        why.flag("warm-prefix-target-ignored", f"WARM_PREFIX_TARGET={WPT} does not size the pool when WARM_IP_TARGET/MINIMUM_IP_TARGET are set; it only keeps an empty ENI from being deleted (data_store.go isRequiredForWarmPrefixTarget).")
    if not pd and (WPT != 1) and not w.node.prefix_delegation:
        why.note(f"WARM_PREFIX_TARGET={WPT} is ignored in secondary-IP mode.")


def flag_sgp(w: WorkedNode, why: Explanation) -> None:
    """Security Groups for Pods: the trunk ENI's slot (hasRoomForEni, IsTrunkingCompatible) and the branch ENIs."""
    if not w.node.sgp:
        return
    limits, itype, per = w.limits, w.node.itype, w.addresses_per_slot
    S, E, n_cap = limits.slots_per_eni, limits.eni_cap, limits.pod_eni_cap
    unit_txt = f"{S} x 16 = {S * IPS_PER_PREFIX} addresses" if w.prefix else f"{S} secondary IPs"
    if limits.trunk_supported:
        why.flag("sgp-trunk-slot", (
            f"Security Groups for Pods: the trunk ENI takes one of the {E} ENI slots (ipamd.go hasRoomForEni) and its "
            f"primary IP, leaving {n_cap} ENI(s) x {unit_txt} = {n_cap * S * per} addresses for pods without their own "
            f"security groups; up to {w.split.branch_capacity} pods with their own security groups use branch ENIs on top "
            "(counted when branch_pods is given)."))
    elif limits.trunk_reserved:
        why.flag("sgp-unsupported", (
            f"{itype.instance_type} is not listed as trunking-compatible, so no trunk ENI can be confirmed, yet ipamd "
            f"treats an unlisted type as compatible and holds one of the {E} ENI slots back (hasRoomForEni): "
            f"{n_cap} ENI(s) x {unit_txt} = {n_cap * S * per} addresses for pods."))
    else:
        why.flag("sgp-unsupported", (
            f"{itype.instance_type} is not trunking-compatible: no trunk ENI, no branch ENIs (pods with their own "
            f"security groups cannot run here), and ipamd holds no ENI slot back (hasRoomForEni checks "
            f"IsTrunkingCompatible): all {n_cap} ENI(s) x {unit_txt} = {n_cap * S * per} addresses serve pods."))


def note_mode(w: WorkedNode, why: Explanation) -> None:
    """Why the pool behaves as it does in this mode, with the ipamd functions that make it so."""
    warm, ipt = w.node.warm, w.node.warm.ip_targets_defined
    if not w.prefix and not ipt:
        why.note("Secondary-IP mode with WARM_ENI_TARGET: every ENI ipamd creates or tops up gets all S secondary IPs, so the pool grows one full ENI at a time (ipamd.go isDatastorePoolTooLow, tryAssignIPs, GetENIResourcesToAllocate).")
        why.note("No single IP is ever returned in this mode; only a whole ENI with no pods, no cooling IP and at least 60 s old, and only when avail >= (W+1) x S (ipamd.go shouldRemoveExtraENIs, data_store.go getDeletableENI).")
        if warm.warm_eni_target >= 1 and 1 <= w.split.ipamd_pods <= w.limits.slots_per_eni and w.limits.pod_eni_cap > 1:
            why.note("The first IP-using pod on the node adds a whole ENI: the node's subnet footprint doubles at that moment (spec §7.7).")
    elif not w.prefix:
        why.note("WARM_IP_TARGET/MINIMUM_IP_TARGET set: WARM_ENI_TARGET is ignored; allocation and release are exact, the partly used ENI is topped up first (ipamd.go datastoreTargetState, GetAllocatableENIs).")
    else:
        why.note("Prefix mode: WARM_ENI_TARGET is never used (ipamd.go isDatastorePoolTooLow overwrites it in PD).")
        if not ipt:
            why.note("WARM_PREFIX_TARGET's trigger is fewer than 16 x WPT free addresses; the top-up is WPT - free prefixes; release only when free prefixes > WPT (ipamd.go isDatastorePoolTooLow, datastorePrefixTargetState, isDatastorePoolTooHigh).")
        else:
            why.note("WARM_IP_TARGET/MINIMUM_IP_TARGET in prefix mode still cost whole /28s: free addresses float between WIT and WIT + 15 (ipamd.go datastoreTargetState rounds the shortage up to prefixes).")
        why.note("Each /28 must be an aligned free block in the subnet; a fragmented subnet fails with InsufficientCidrBlocks and ipamd pauses growth for 120 s (use subnet CIDR reservations).")


def note_subnets(w: WorkedNode, why: Explanation) -> None:
    """Which subnet each ENI lives in (spec §3(e), §3(f))."""
    if w.node.custom_networking:
        why.note("Custom networking: the primary ENI never receives secondary IPs or prefixes but still takes an ENI slot; pod ENIs are created in the ENIConfig subnet (data_store.go GetAllocatableENIs skipPrimary, awsutils createENIUsingCustomCfg).")
        if w.limits.trunk_enis:
            why.note("With custom networking the VPC resource controller creates the trunk ENI in the ENIConfig subnet (amazon-vpc-resource-controller-k8s node manager updateSubnetIfUsingENIConfig), so it is counted in the pod subnet.")
    elif w.limits.trunk_enis:
        why.note("The SGP trunk ENI is created by the VPC resource controller in the node's subnet and costs its primary IP there.")
    why.note("Assumes the node subnet holds every ENI (no subnets tagged kubernetes.io/role/cni for subnet discovery) and a fresh node whose pod count only rose; after scale-down ipamd can hold more (spec §4.8).")


def cooldown_effect(free_now: int, replaced_pods: int) -> CooldownEffect:
    """IP_COOLDOWN_PERIOD (spec §4.7): cooling addresses count as available, so only churn sees fewer usable ones."""
    usable = max(0, free_now - replaced_pods)
    pending = max(0, replaced_pods - free_now)
    return CooldownEffect(
        replaced_pods=replaced_pods,
        usable_free_ips=usable,
        pending_pods=pending,
        max_wait_seconds=COOLDOWN_SECONDS if pending else 0,
        explanation=(
            f"A deleted pod's address cools for {COOLDOWN_SECONDS} s before reuse (data_store.go UnassignPodIPAddress, getUnusedIP) "
            "but still counts as available (DataStoreStats.AvailableAddresses), so ipamd allocates nothing extra and the settled counts "
            f"above do not change. During churn fewer addresses are usable: free {free_now} - {replaced_pods} replaced within 30 s = {usable}"
            + (f"; {pending} new pod(s) fail CNI ADD and retry for up to {COOLDOWN_SECONDS} s." if pending else ".")
            + " An ENI holding a cooling address is not freed (hasIPInCooling)."
        ),
    )
