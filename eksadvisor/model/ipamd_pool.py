"""Where ipamd's pool loop stops on a fresh node, in closed form (ipamd-model.md §3, §4): the warm-target regime
(isDatastorePoolTooLow), the max-pods gate, the ENI cap (hasRoomForEni), the oscillating and random-placement
ranges, and the ENIs and subnet addresses the slots held cost (§3(e), §3(f)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from eksadvisor.model.linux_inputs import EniLimits, KubeletMaxPods, LinuxNode, PodSplit
from eksadvisor.model.node_inputs import IPS_PER_PREFIX, WarmSettings, ceil_div
from eksadvisor.model.usage import Explanation


@dataclass(frozen=True)
class PoolGrowth:
    """Where the pool loop's growth stops, in ``unit``-slot steps (whole ENIs of S slots in §3(a), else 1 slot)."""

    target: int  # what the warm settings ask for
    gated: int  # after the max-pods gate
    cap: int  # the ENI cap, in the same unit
    unit: int  # slots per step of the three figures above
    oscillating_setting: bool  # WARM_ENI_TARGET=0 or WARM_PREFIX_TARGET=0 without IP targets


@dataclass(frozen=True)
class SettledSlots:
    """Slots held once the loop stops: the main figure and both ends of the range."""

    final: int  # min(gated, cap), in the growth unit
    slots: int  # the main figure, in slots
    low: int
    high: int
    eni_bound: bool  # hasRoomForEni stopped growth
    gate_bound: bool  # the max-pods gate stopped growth
    oscillating: bool  # this pod count is a flapping point of an oscillating setting
    range_reason: str


@dataclass(frozen=True)
class SlotCounts:
    """ENIs, addresses and subnet cost for one number of slots held (spec §3(f))."""

    enis: int
    pod_enis: int
    pod_addresses: int  # T
    placed: int  # pods ipamd gave an address
    secondary_ips: int
    prefixes: int
    free_ips: int
    node_subnet_addresses: int
    pod_subnet_addresses: int
    subnet_addresses: int


@dataclass(frozen=True)
class WorkedNode:
    """Every step's result for one node: what the flags, notes and the result are built from."""

    node: LinuxNode
    prefix: bool
    limits: EniLimits
    max_pods: KubeletMaxPods
    split: PodSplit
    growth: PoolGrowth
    settled: SettledSlots
    main: SlotCounts

    @property
    def addresses_per_slot(self) -> int:
        return IPS_PER_PREFIX if self.prefix else 1

    @property
    def pods_with_ip(self) -> int:
        return self.main.placed + self.split.branch_enis


def max_pods_gate(target_at_p: int, target_at_0: int, gate: int, slots_per_eni: int) -> int:
    """Max-pods gate for modes that grow one slot per pod after start-up (spec §3(b)-(d), §4.2).

    Start-up grows in ENI-sized chunks (S, 2S, ..., target); later each pod adds one slot, so
    growth stops at the first step end-point >= gate (``T >= maxPods`` is checked before anything,
    ipamd.go isDatastorePoolTooLow).
    """
    if target_at_0 >= gate:
        return min(target_at_0, slots_per_eni * ceil_div(gate, slots_per_eni))
    return min(target_at_p, gate)


def warm_eni_pool(P: int, warm: WarmSettings, limits: EniLimits, max_pods: int, why: Explanation) -> PoolGrowth:
    """§3(a) secondary IPs with WARM_ENI_TARGET only: whole ENIs of S IPs (tryAssignIPs with maxIPsPerENI,
    low while avail < W x S); counted in ENIs here."""
    W, S = warm.warm_eni_target, limits.slots_per_eni
    free_wanted = W * S if W >= 1 else 1
    target = ceil_div(P + free_wanted, S)
    gated = min(target, ceil_div(max_pods, S))
    if W >= 1:
        why.add(f"n = W + ceil(P/S) = {W} + ceil({P}/{S}) = {target}")
    else:
        why.add(f"n = floor(P/S) + 1 = floor({P}/{S}) + 1 = {target} (WARM_ENI_TARGET=0)")
    if gated < target:
        why.add(f"max-pods gate: n <= ceil(max_pods/S) = ceil({max_pods}/{S}) = {gated}")
    return PoolGrowth(target=target, gated=gated, cap=limits.pod_eni_cap, unit=S, oscillating_setting=W < 1)


def warm_ip_pool(P: int, warm: WarmSettings, limits: EniLimits, max_pods: int, why: Explanation) -> PoolGrowth:
    """§3(b) secondary IPs with WARM_IP_TARGET / MINIMUM_IP_TARGET (datastoreTargetState): exact, one IP at a time."""
    WIT, MIT = warm.warm_ip_target, warm.minimum_ip_target
    if WIT > 0:
        target = max(P + WIT, MIT)
        why.add(f"T = max(P + WIT, MIT) = max({P} + {WIT}, {MIT}) = {target}")
    else:  # MINIMUM_IP_TARGET alone: no shortage once T >= MIT, whatever the pods
        target = MIT
        why.add(f"T = MIT = {MIT} (WARM_IP_TARGET unset: no growth beyond MINIMUM_IP_TARGET)")
    gated = max_pods_gate(target, max(WIT, MIT), max_pods, limits.slots_per_eni)
    if gated < target:
        why.add(f"max-pods gate: T stops at {gated}, the first growth step ending at >= max_pods {max_pods}")
    return PoolGrowth(target=target, gated=gated, cap=limits.slot_cap, unit=1, oscillating_setting=False)


def prefix_ip_target_pool(P: int, warm: WarmSettings, S: int, gate: int, why: Explanation) -> tuple[int, int]:
    """§3(d) prefixes with WARM_IP_TARGET / MINIMUM_IP_TARGET: datastoreTargetState rounds the shortage up to whole
    prefixes. Returns (target, gated) in prefixes."""
    WIT, MIT = warm.warm_ip_target, warm.minimum_ip_target
    for_minimum = ceil_div(MIT, IPS_PER_PREFIX)
    if WIT > 0:
        target = max(ceil_div(P + WIT, IPS_PER_PREFIX), for_minimum)
        why.add(f"k = max(ceil((P + WIT)/16), ceil(MIT/16)) = max(ceil({P + WIT}/16), ceil({MIT}/16)) = {target}")
    else:
        target = for_minimum
        why.add(f"k = ceil(MIT/16) = ceil({MIT}/16) = {target} (WARM_IP_TARGET unset: pods capped at 16k)")
    return target, max_pods_gate(target, max(ceil_div(WIT, IPS_PER_PREFIX), for_minimum), gate, S)


def warm_prefix_pool(P: int, WPT: int, S: int, gate: int, why: Explanation) -> tuple[int, int]:
    """§3(c) prefixes with WARM_PREFIX_TARGET (datastorePrefixTargetState: top up WPT - free prefixes): exact for
    WPT = 1, the lower envelope for WPT >= 2. WPT = 0 gives ceil(P/16) between multiples of 16 and flaps at them
    (the upper state is shown). Returns (target, gated) in prefixes."""
    if WPT >= 1:
        target = WPT + ceil_div(P, IPS_PER_PREFIX)
        why.add(f"k = WPT + ceil(P/16) = {WPT} + ceil({P}/16) = {target}")
        return target, max_pods_gate(target, WPT, gate, S)
    target = P // IPS_PER_PREFIX + 1
    why.add(f"k = floor(P/16) + 1 = floor({P}/16) + 1 = {target} (WARM_PREFIX_TARGET=0; = ceil(P/16) unless P is a multiple of 16)")
    return target, min(target, gate)


def prefix_pool(P: int, warm: WarmSettings, limits: EniLimits, max_pods: int, why: Explanation) -> PoolGrowth:
    """§3(c)/(d) prefix mode: growth in /28s; the gate stops it once 16k >= max-pods."""
    gate = ceil_div(max_pods, IPS_PER_PREFIX)
    S = limits.slots_per_eni
    if warm.ip_targets_defined:
        target, gated = prefix_ip_target_pool(P, warm, S, gate, why)
    else:
        target, gated = warm_prefix_pool(P, warm.warm_prefix_target, S, gate, why)
    if gated < target:
        why.add(f"max-pods gate: k stops at {gated}: growth stops once 16k >= max_pods {max_pods} (ceil({max_pods}/16) = {gate})")
    oscillating = not warm.ip_targets_defined and warm.warm_prefix_target < 1
    return PoolGrowth(target=target, gated=gated, cap=limits.slot_cap, unit=1, oscillating_setting=oscillating)


def grow_pool(pd: bool, warm: WarmSettings, limits: EniLimits, P: int, max_pods: int, why: Explanation) -> PoolGrowth:
    """The warm-pool regime isDatastorePoolTooLow applies: WARM_ENI_TARGET, the IP targets, or WARM_PREFIX_TARGET."""
    if pd:
        return prefix_pool(P, warm, limits, max_pods, why)
    if warm.ip_targets_defined:
        return warm_ip_pool(P, warm, limits, max_pods, why)
    return warm_eni_pool(P, warm, limits, max_pods, why)


class Flapping(NamedTuple):
    """The two states an oscillating setting flips between at this pod count."""

    slots_less: int  # the lower state holds this many slots less
    reason: str


def _oscillation(pd: bool, node: LinuxNode, P: int, S: int) -> Flapping | None:
    """At a flapping point of WARM_ENI_TARGET=0 / WARM_PREFIX_TARGET=0 (spec §4.6): how many slots the lower state
    holds less, and why."""
    step = S if not pd else IPS_PER_PREFIX
    m = P // step
    if not (P % step == 0 and (pd or m >= 1 or node.custom_networking)):
        return None
    if not pd:
        return Flapping(S, f"WARM_ENI_TARGET=0 at P = {m} x {S}: with no free IP ipamd attaches an ENI, then frees it "
                           "(no pods, avail >= S) once it is 60 s old; the ENI count flaps every ~60-65 s.")
    return Flapping(1, f"WARM_PREFIX_TARGET=0 at P = {m} x 16: with no free address ipamd adds a prefix, then the next "
                       "decrease returns it (free prefixes 1 > 0), at most every 30 s.")


def _random_placement_top(growth: PoolGrowth, WPT: int, P: int, max_pods: int, limits: EniLimits) -> int | None:
    """WARM_PREFIX_TARGET >= 2: up to WPT prefixes arrive at once while pods land on prefixes pseudo-randomly
    (AssignPodIPv4Address walks Go maps), so the top of the range lies above the packed figure."""
    gate = ceil_div(max_pods, IPS_PER_PREFIX)
    if WPT >= 2 and P > 0 and gate > WPT:
        return min(growth.target + WPT - 1, WPT + P, gate - 1 + WPT, limits.slot_cap)
    return None


def settle(pd: bool, node: LinuxNode, limits: EniLimits, split: PodSplit, growth: PoolGrowth,
           max_pods: int, why: Explanation) -> SettledSlots:
    """Where growth stops: the ENI cap (hasRoomForEni), the max-pods gate, and the range where ipamd flaps or
    depends on random placement."""
    S, P, WPT = limits.slots_per_eni, split.ipamd_pods, node.warm.warm_prefix_target
    final = min(growth.gated, growth.cap)
    eni_bound = growth.cap < growth.gated
    gate_bound = growth.gated < growth.target and growth.gated <= growth.cap
    if eni_bound:
        why.add(f"ENI cap: {limits.pod_eni_cap} ENI(s) x {S} = {limits.pod_eni_cap * S} {'prefixes' if pd else 'IPs'} at most (hasRoomForEni)")
    slots = final * (S if growth.unit == S else 1)
    low = high = slots
    oscillating, reason = False, ""
    flapping = _oscillation(pd, node, P, S) if growth.oscillating_setting and final == growth.target else None
    if flapping is not None:
        oscillating, reason = True, flapping.reason
        low = slots - flapping.slots_less
    top = _random_placement_top(growth, WPT, P, max_pods, limits) if pd and not node.warm.ip_targets_defined else None
    if top is not None and top > low:
        high = top
        reason = (f"WARM_PREFIX_TARGET={WPT}: the top-up is WPT - free prefixes and pods land on prefixes pseudo-randomly "
                  f"(Go map order in AssignPodIPv4Address), so up to {WPT} prefixes can arrive at once and are kept: "
                  f"k in [{low}, {high}] (tightly packed pods give {low}).")
        why.add(f"random placement: k <= min(k + WPT - 1, WPT + P, ceil(max_pods/16) - 1 + WPT, cap) = {high}")
    if pd:
        why.add(f"T = 16 x k = 16 x {slots} = {slots * IPS_PER_PREFIX}" + (f" (range 16 x {low}..{high})" if low != high else ""))
    elif growth.unit == S:
        why.add(f"T = n x S = {final} x {S} = {slots}")
    else:
        why.add(f"n = ceil(T/S) = ceil({slots}/{S}) = {ceil_div(slots, S)}")
    return SettledSlots(final=final, slots=slots, low=low, high=high, eni_bound=eni_bound, gate_bound=gate_bound,
                        oscillating=oscillating, range_reason=reason)


def count_slots(slots: int, pd: bool, node: LinuxNode, limits: EniLimits, split: PodSplit) -> SlotCounts:
    """ENIs, addresses and subnet cost for ``slots`` held (spec §3(e), §3(f)): every ENI costs its primary IP, plus
    1 per secondary IP or 16 per prefix; under custom networking all but the primary ENI's IP is in the pod subnet."""
    pool_enis = ceil_div(slots, limits.slots_per_eni)
    if not node.custom_networking:
        pool_enis = max(1, pool_enis)
    T = slots * (IPS_PER_PREFIX if pd else 1)
    placed = min(split.ipamd_pods, T)
    outside_primary = pool_enis + limits.trunk_enis + T + split.branch_enis
    node_addr, pod_addr = (1, outside_primary) if node.custom_networking else (outside_primary, 0)
    return SlotCounts(
        enis=limits.base + pool_enis + limits.trunk_enis, pod_enis=pool_enis, pod_addresses=T, placed=placed,
        secondary_ips=0 if pd else T, prefixes=slots if pd else 0, free_ips=T - placed,
        node_subnet_addresses=node_addr, pod_subnet_addresses=pod_addr, subnet_addresses=node_addr + pod_addr,
    )


def explain_counts(w: WorkedNode, why: Explanation) -> None:
    """The ENI, subnet and free-address lines of the arithmetic (spec §3(f))."""
    main, limits, branch = w.main, w.limits, w.split.branch_enis
    trunk = " + 1 trunk" if limits.trunk_enis else ""
    if w.node.custom_networking:
        eni_txt = f"ENIs = 1 primary + {main.pod_enis} pod ENI(s)"
    else:
        eni_txt = (f"ENIs = max(1, ceil(k/S)) = max(1, ceil({main.prefixes}/{limits.slots_per_eni}))" if w.prefix
                   else "ENIs = n")
    why.add(eni_txt + trunk + f" = {main.enis}")
    if w.node.custom_networking:
        why.add(f"node subnet = 1 (primary ENI); pod subnet = {main.pod_enis} ENI primary IPs" + trunk
                + f" + {main.pod_addresses}" + (f" + {branch} branch ENIs" if branch else "")
                + f" = {main.pod_subnet_addresses}; total = {main.subnet_addresses}")
    else:
        why.add(f"subnet addresses = ENIs + {'16 x prefixes' if w.prefix else 'secondary IPs'}"
                + (" + branch ENIs" if branch else "") + f" = {main.enis} + {main.pod_addresses}"
                + (f" + {branch}" if branch else "") + f" = {main.subnet_addresses}")
    why.add(f"free = T - pods with an ipamd address = {main.pod_addresses} - {main.placed} = {main.free_ips}")
