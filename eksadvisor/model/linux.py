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

:func:`node_usage` runs the steps below in ipamd's order; each names the ipamd function or spec section it mirrors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from eksadvisor.catalog import Catalog, InstanceType
from eksadvisor.errors import InputError
from eksadvisor.model.maxpods import compute as maxpods_compute
from eksadvisor.model.maxpods import nitro_capable, pod_eni_cap, trunk_slot_reserved, trunk_supported
from eksadvisor.model.node_inputs import (
    COOLDOWN_SECONDS,
    DEFAULT_CNI_VERSION,
    IPS_PER_PREFIX,
    WarmSettings,
    ceil_div,
    resolve_instance_type,
    whole_number,
)
from eksadvisor.model.usage import (
    CooldownEffect,
    Explanation,
    IntRange,
    IpUsageReport,
    NodeUsage,
    UsageRange,
    usage_report,
)
from eksadvisor.versions import parse_cni_version, supports_prefix_delegation

# ------------------------------------------------------------------------------------ the steps' results


@dataclass(frozen=True)
class LinuxNode:
    """One Linux node's inputs, checked (``max_pods`` None: the calculator's value)."""

    itype: InstanceType
    pods: int
    replaced_pods: int
    branch_pods: int
    max_eni: int | None
    max_pods: int | None
    warm: WarmSettings
    cni_version: str
    version: tuple[int, int, int]
    prefix_delegation: bool  # requested; whether ipamd runs it is :func:`choose_mode`'s answer
    custom_networking: bool
    sgp: bool


@dataclass(frozen=True)
class EniLimits:
    """How many ENIs and slots ipamd may use (spec §0: L, S, E_inst, E, base, n_cap)."""

    ipv4_per_eni: int  # L
    slots_per_eni: int  # S = L - 1
    enis_instance: int  # E_inst
    eni_cap: int  # E: MAX_ENI can only lower it
    base: int  # 1 with custom networking: the primary ENI holds no pod address
    trunk_reserved: bool  # ipamd holds an ENI slot back for the SGP trunk
    trunk_supported: bool  # the resource controller can attach a trunk (and branch ENIs)
    trunk_enis: int  # 1 when SGP is on and a trunk is attached
    pod_eni_cap: int  # n_cap: ENIs that may hold pod addresses

    @property
    def slot_cap(self) -> int:
        """Slots (secondary IPs or prefixes) the pod ENIs hold at most."""
        return self.pod_eni_cap * self.slots_per_eni


@dataclass(frozen=True)
class KubeletMaxPods:
    value: int
    source: Literal["given", "calculator"]


@dataclass(frozen=True)
class PodSplit:
    """Which pods kubelet schedules and which of them ipamd serves (the rest ride on SGP branch ENIs)."""

    ipamd_pods: int  # P: pods that take an ipamd address
    over_max_pods: int  # pods kubelet will not schedule here
    branch_pods: int  # scheduled pods with their own security groups
    branch_capacity: int  # the type's branch ENIs (0 without a trunk)
    branch_enis: int  # branch ENIs placed


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


# ------------------------------------------------------------------------------------ inputs, mode, limits


def check_inputs(
    instance_type: str | InstanceType, pods: Any, catalog: Catalog | None, *, prefix_delegation: bool,
    custom_networking: bool, warm: Any, max_pods: Any, max_eni: Any, sgp: bool, cni_version: str,
    replaced_pods: Any, branch_pods: Any,
) -> LinuxNode:
    """The settings as ipamd would parse them (spec §1), except that a typo is an error here, not a default."""
    itype, _ = resolve_instance_type(instance_type, catalog)
    pods = whole_number(pods, "pods")
    replaced_pods = whole_number(replaced_pods, "replaced_pods")
    branch_pods = whole_number(branch_pods, "branch_pods")
    if branch_pods > pods:
        raise InputError(f"branch_pods: {branch_pods} pods with their own security groups cannot exceed the {pods} pods on the node.",
                         field="branch_pods")
    max_eni = None if max_eni is None else whole_number(max_eni, "max_eni", 1)
    max_pods = None if max_pods is None else whole_number(max_pods, "max_pods", 1)
    if warm is None:
        warm = WarmSettings()
    elif not isinstance(warm, WarmSettings):
        raise InputError("warm: must be a WarmSettings.", field="warm")
    version = parse_cni_version(cni_version, field="cni_version")
    if itype.ipv4_per_eni < 2 or itype.max_enis < 1:
        raise InputError(
            f"instance_type: {itype.instance_type} has {itype.max_enis} ENIs x {itype.ipv4_per_eni} IPv4 addresses: "
            "no secondary address can go to a pod.",
            field="instance_type",
        )
    return LinuxNode(itype=itype, pods=pods, replaced_pods=replaced_pods, branch_pods=branch_pods, max_eni=max_eni,
                     max_pods=max_pods, warm=warm, cni_version=cni_version, version=version,
                     prefix_delegation=prefix_delegation, custom_networking=custom_networking, sgp=sgp)


def choose_mode(node: LinuxNode, why: Explanation) -> bool:
    """Prefix mode or not: ipamd runs PD only on Nitro or bare metal (awsutils IsPrefixDelegationSupported),
    CNI >= 1.9, and falls back to secondary IPs with only a warning (ipamd.go isConfigValid)."""
    itype = node.itype
    pd = node.prefix_delegation and nitro_capable(itype) and supports_prefix_delegation(node.version)
    if node.prefix_delegation and not pd:
        if not supports_prefix_delegation(node.version):
            reason = f"VPC CNI {node.cni_version} predates prefix delegation (>= 1.9)"
        else:
            reason = f"{itype.instance_type} is not a Nitro instance ({itype.hypervisor})"
        why.flag("prefix-fallback-secondary-ip", f"Prefix delegation requested but {reason}: ipamd runs in secondary-IP mode (ipamd.go isConfigValid logs only a warning).")
    if pd and itype.bare_metal and not itype.is_nitro and node.max_pods is None:
        why.note("Bare metal: ipamd runs prefix delegation here (IsPrefixDelegationSupported accepts bare metal), but AWS's "
                 "max-pods calculator sees no Nitro hypervisor and uses the secondary-IP formula for the default max-pods.")
    return pd


def eni_limits(node: LinuxNode, why: Explanation) -> EniLimits:
    """ENIs and slots ipamd may use: getMaxENI (MAX_ENI only lowers E), GetENIIPv4Limit (S = L - 1), and
    hasRoomForEni's trunk slot, which ipamd holds back only on trunking-compatible types with ENABLE_POD_ENI
    (maxpods.pod_eni_cap, the formula advise's SGP capacity check uses too)."""
    itype, max_eni = node.itype, node.max_eni
    enis_instance = itype.max_enis
    eni_cap = max_eni if (max_eni is not None and max_eni < enis_instance) else enis_instance
    if max_eni is not None and max_eni >= enis_instance:
        why.note(f"MAX_ENI={max_eni} is not below the instance's {enis_instance} ENIs, so it changes nothing (ipamd.go getMaxENI can only lower the limit).")
    trunk_ok = trunk_supported(itype)
    return EniLimits(
        ipv4_per_eni=itype.ipv4_per_eni, slots_per_eni=itype.ipv4_per_eni - 1, enis_instance=enis_instance,
        eni_cap=eni_cap, base=1 if node.custom_networking else 0, trunk_reserved=trunk_slot_reserved(itype, node.sgp),
        trunk_supported=trunk_ok, trunk_enis=1 if (node.sgp and trunk_ok) else 0,
        pod_eni_cap=pod_eni_cap(itype, max_eni=max_eni, custom_networking=node.custom_networking, enable_pod_eni=node.sgp),
    )


def kubelet_max_pods(node: LinuxNode, why: Explanation) -> KubeletMaxPods:
    """The kubelet max-pods ipamd reads at nodeInit: as given, or AWS's max-pods-calculator.sh value."""
    if node.max_pods is not None:
        why.add(f"max_pods = {node.max_pods} (given)")
        return KubeletMaxPods(node.max_pods, "given")
    mp = maxpods_compute(node.itype, node.cni_version, prefix_delegation=node.prefix_delegation,
                         custom_networking=node.custom_networking, max_eni=node.max_eni, _version=node.version)
    why.add(f"max_pods = {mp.formula()} -> {mp.max_pods} (max-pods-calculator.sh, CNI {node.cni_version})")
    return KubeletMaxPods(mp.max_pods, "calculator")


def explain_limits(node: LinuxNode, pd: bool, limits: EniLimits, why: Explanation) -> None:
    """The S and E lines of the arithmetic (spec §0)."""
    S, E = limits.slots_per_eni, limits.eni_cap
    why.add(f"S = L - 1 = {limits.ipv4_per_eni} - 1 = {S} {'/28 prefixes' if pd else 'secondary IPs'} per ENI")
    text = f"E = {E}" + (f" (MAX_ENI {node.max_eni} < {limits.enis_instance})" if limits.enis_instance != E else "")
    text += f"; pod-address ENIs <= {limits.pod_eni_cap}"
    if node.custom_networking:
        text += " (custom networking: primary ENI carries none)"
    if limits.trunk_reserved:
        text += " (one slot for the SGP trunk ENI)"
    elif node.sgp:
        text += f" (no trunk slot: {node.itype.instance_type} is not trunking-compatible)"
    why.add(text)


def split_pods(node: LinuxNode, limits: EniLimits, max_pods: int, why: Explanation) -> PodSplit:
    """Pods kubelet schedules (at most max-pods), less the pods with their own security groups: those get a branch
    ENI (one private IP, created by the VPC resource controller on the trunk) instead of an ipamd address, up to the
    type's branch capacity; they still count toward kubelet max-pods."""
    pods = node.pods
    scheduled = min(pods, max_pods)
    over = pods - scheduled
    if over:
        why.flag("max-pods-exceeded", f"{pods} pods > kubelet max-pods {max_pods}: {over} cannot be scheduled on this node (and hostNetwork pods count toward max-pods too).")
    branch = min(node.branch_pods, scheduled) if node.sgp else 0
    capacity = (node.itype.branch_enis or 0) if limits.trunk_enis else 0
    placed = min(branch, capacity)
    ipamd_pods = scheduled - branch
    if branch:
        where = "ENIConfig (pod) subnet, like the trunk" if node.custom_networking else "node subnet, like the trunk"
        why.add(f"branch ENIs = min(pods with their own SGs, branch capacity) = min({branch}, {capacity}) = "
                f"{placed}, 1 address each in the {where}; ipamd serves P = {ipamd_pods} pods")
        if placed < branch:
            why.flag("branch-eni-capacity", f"{branch} pods need their own security groups but {node.itype.instance_type} "
                     f"offers {capacity} branch ENIs: {branch - placed} stay Pending (vpc.amazonaws.com/pod-eni exhausted).")
    return PodSplit(ipamd_pods=ipamd_pods, over_max_pods=over, branch_pods=branch, branch_capacity=capacity,
                    branch_enis=placed)


def check_pod_eni_room(node: LinuxNode, limits: EniLimits, why: Explanation) -> None:
    """Custom networking with no ENI left for pods: node init fails (ipamd.go handlePreScaling)."""
    if node.custom_networking and limits.pod_eni_cap == 0:
        why.flag("no-pod-eni", f"Custom networking with {limits.eni_cap} usable ENIs{' and the SGP trunk slot' if limits.trunk_reserved else ''} leaves no ENI for pods: ipamd cannot create a pod ENI and node init fails (ipamd.go handlePreScaling).")


# ------------------------------------------------------------------------------------ pool growth (spec §3)


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


# ------------------------------------------------------------------------------------ settling


class Flapping(NamedTuple):
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


# ------------------------------------------------------------------------------------ flags and notes


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


# ------------------------------------------------------------------------------------ the node


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
