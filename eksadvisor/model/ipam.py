"""What a node really takes from its subnets: the settled ipamd state, in closed form.

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
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eksadvisor.catalog import Catalog, InstanceType, load_catalog
from eksadvisor.errors import InputError
from eksadvisor.versions import DEFAULT_CNI_VERSION

IPS_PER_PREFIX = 16
COOLDOWN_SECONDS = 30  # IP_COOLDOWN_PERIOD default, data_store.go getCooldownPeriod

# manifest defaults (config/master/aws-k8s-cni.yaml, charts/aws-vpc-cni/values.yaml)
MANIFEST_DEFAULTS = {"WARM_ENI_TARGET": 1, "WARM_IP_TARGET": 0, "MINIMUM_IP_TARGET": 0, "WARM_PREFIX_TARGET": 1}


def _ceil(a: int, b: int) -> int:
    """Integer ceiling division (the code's ``datastore.DivCeil``)."""
    return -(-a // b)


def _whole(value: Any, field: str, minimum: int = 0) -> int:
    """A whole number >= minimum, or InputError naming the field (bools and floats are not numbers here)."""
    if isinstance(value, bool):
        raise InputError(f"{field}: must be a whole number, not {value!r}.", field=field)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            value = int(text)
    if not isinstance(value, int):
        raise InputError(f"{field}: must be a whole number, not {value!r}.", field=field)
    if value < minimum:
        raise InputError(f"{field}: must be at least {minimum}, got {value}.", field=field)
    return value


# ------------------------------------------------------------------------------------------ settings

# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


class WarmSettings(BaseModel):
    """The aws-node warm-pool settings; defaults are the shipped manifest's (not the code's: WPT code default is 0)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    warm_eni_target: int = 1
    warm_ip_target: int = 0
    minimum_ip_target: int = 0
    warm_prefix_target: int = 1

    def __init__(
        self,
        warm_eni_target: int = 1,
        warm_ip_target: int = 0,
        minimum_ip_target: int = 0,
        warm_prefix_target: int = 1,
        **extra: Any,
    ) -> None:
        super().__init__(
            warm_eni_target=warm_eni_target,
            warm_ip_target=warm_ip_target,
            minimum_ip_target=minimum_ip_target,
            warm_prefix_target=warm_prefix_target,
            **extra,
        )

    @field_validator("warm_eni_target", "warm_ip_target", "minimum_ip_target", "warm_prefix_target", mode="before")
    @classmethod
    def _non_negative(cls, value: Any, info: Any) -> int:
        # ipamd silently maps negative values to its code default; here that is a typo to report.
        return _whole(value, info.field_name)

    @property
    def ip_targets_defined(self) -> bool:
        """``warmIPTargetsDefined``: WARM_IP_TARGET or MINIMUM_IP_TARGET set (non-zero)."""
        return self.warm_ip_target != 0 or self.minimum_ip_target != 0

    def env(self, include_defaults: bool = False) -> dict[str, str]:
        """aws-node env vars (strings, as the add-on expects) that differ from the manifest defaults.

        WARM_IP_TARGET / MINIMUM_IP_TARGET are only listed when set; ``include_defaults`` lists all four.
        """
        values = {
            "WARM_ENI_TARGET": self.warm_eni_target,
            "WARM_IP_TARGET": self.warm_ip_target,
            "MINIMUM_IP_TARGET": self.minimum_ip_target,
            "WARM_PREFIX_TARGET": self.warm_prefix_target,
        }
        return {k: str(v) for k, v in sorted(values.items()) if include_defaults or v != MANIFEST_DEFAULTS[k]}

    def label(self) -> str:
        parts = [f"WARM_ENI_TARGET={self.warm_eni_target}"]
        if self.warm_ip_target:
            parts.append(f"WARM_IP_TARGET={self.warm_ip_target}")
        if self.minimum_ip_target:
            parts.append(f"MINIMUM_IP_TARGET={self.minimum_ip_target}")
        parts.append(f"WARM_PREFIX_TARGET={self.warm_prefix_target}")
        return " ".join(parts)


# ------------------------------------------------------------------------------------------- results

class Flag(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    message: str


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
    """Settled ipamd state of one node (DESIGN §2.3 keys first)."""

    model_config = ConfigDict(frozen=True)

    # DESIGN §2.3
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
    os: Literal["linux", "windows"] = "linux"  # windows: the VPC resource controller's pool (eksadvisor.model.winipam)
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


# ----------------------------------------------------------------------------------- the closed form

class _State:
    """Raw settled counts for one slot count ``x`` (slots = /32s or prefixes held)."""

    __slots__ = ("placed", "pool_enis", "x")

    def __init__(self, x: int, pool_enis: int, placed: int) -> None:
        self.x, self.pool_enis, self.placed = x, pool_enis, placed


def _resolve_type(instance_type: str | InstanceType, catalog: Catalog | None) -> tuple[InstanceType, Catalog | None]:
    if isinstance(instance_type, InstanceType):
        return instance_type, catalog
    if not isinstance(instance_type, str) or not instance_type.strip():
        raise InputError("instance_type: must be an EC2 instance type name such as m5.large.", field="instance_type")
    catalog = catalog or load_catalog()
    return catalog.get(instance_type, "instance_type"), catalog


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
    from eksadvisor.model.maxpods import compute as maxpods_compute
    from eksadvisor.model.maxpods import pod_eni_cap, trunk_slot_reserved, trunk_supported
    from eksadvisor.versions import parse_cni_version, supports_prefix_delegation

    itype, catalog = _resolve_type(instance_type, catalog)
    pods = _whole(pods, "pods")
    replaced_pods = _whole(replaced_pods, "replaced_pods")
    branch_pods = _whole(branch_pods, "branch_pods")
    if branch_pods > pods:
        raise InputError(f"branch_pods: {branch_pods} pods with their own security groups cannot exceed the {pods} pods on the node.",
                         field="branch_pods")
    if max_eni is not None:
        max_eni = _whole(max_eni, "max_eni", 1)
    if max_pods is not None:
        max_pods = _whole(max_pods, "max_pods", 1)
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

    flags: list[Flag] = []
    notes: list[str] = []
    arith: list[str] = []
    W, WIT, MIT, WPT = warm.warm_eni_target, warm.warm_ip_target, warm.minimum_ip_target, warm.warm_prefix_target
    ipt = warm.ip_targets_defined

    # ---- mode: ipamd runs PD only on Nitro or bare metal (awsutils IsPrefixDelegationSupported), CNI >= 1.9
    pd = prefix_delegation and (itype.is_nitro or itype.bare_metal) and supports_prefix_delegation(version)
    if prefix_delegation and not pd:
        if not supports_prefix_delegation(version):
            why = f"VPC CNI {cni_version} predates prefix delegation (>= 1.9)"
        else:
            why = f"{itype.instance_type} is not a Nitro instance ({itype.hypervisor})"
        flags.append(Flag(id="prefix-fallback-secondary-ip", message=f"Prefix delegation requested but {why}: ipamd runs in secondary-IP mode (ipamd.go isConfigValid logs only a warning)."))
    if pd and itype.bare_metal and not itype.is_nitro and max_pods is None:
        notes.append("Bare metal: ipamd runs prefix delegation here (IsPrefixDelegationSupported accepts bare metal), but AWS's "
                     "max-pods calculator sees no Nitro hypervisor and uses the secondary-IP formula for the default max-pods.")
    mode: Literal["secondary_ip", "prefix"] = "prefix" if pd else "secondary_ip"
    per = IPS_PER_PREFIX if pd else 1

    # ---- limits
    L = itype.ipv4_per_eni
    S = L - 1
    E_inst = itype.max_enis
    E = max_eni if (max_eni is not None and max_eni < E_inst) else E_inst
    if max_eni is not None and max_eni >= E_inst:
        notes.append(f"MAX_ENI={max_eni} is not below the instance's {E_inst} ENIs, so it changes nothing (ipamd.go getMaxENI can only lower the limit).")
    base = 1 if custom_networking else 0
    # ipamd holds a trunk slot back only on trunking-compatible types with ENABLE_POD_ENI (maxpods.pod_eni_cap,
    # the formula advise's SGP capacity check uses too)
    trunk_reserved = 1 if trunk_slot_reserved(itype, sgp) else 0
    trunk_ok = trunk_supported(itype)
    trunk_attached = 1 if (sgp and trunk_ok) else 0
    n_cap = pod_eni_cap(itype, max_eni=max_eni, custom_networking=custom_networking, enable_pod_eni=sgp)
    x_cap = n_cap * S

    if max_pods is None:
        mp = maxpods_compute(itype, cni_version, prefix_delegation=prefix_delegation,
                             custom_networking=custom_networking, max_eni=max_eni, _version=version)
        max_pods_v, mp_source = mp.max_pods, "calculator"
        arith.append(f"max_pods = {mp.formula()} -> {mp.max_pods} (max-pods-calculator.sh, CNI {cni_version})")
    else:
        max_pods_v, mp_source = max_pods, "given"
        arith.append(f"max_pods = {max_pods} (given)")

    arith.append(f"S = L - 1 = {L} - 1 = {S} {'/28 prefixes' if pd else 'secondary IPs'} per ENI")
    cap_txt = f"E = {E}" + (f" (MAX_ENI {max_eni} < {E_inst})" if E_inst != E else "")
    cap_txt += f"; pod-address ENIs <= {n_cap}"
    if custom_networking:
        cap_txt += " (custom networking: primary ENI carries none)"
    if trunk_reserved:
        cap_txt += " (one slot for the SGP trunk ENI)"
    elif sgp:
        cap_txt += f" (no trunk slot: {itype.instance_type} is not trunking-compatible)"
    arith.append(cap_txt)

    # ---- pods kubelet will schedule at all
    sched = min(pods, max_pods_v)
    over_mp = pods - sched
    if over_mp:
        flags.append(Flag(id="max-pods-exceeded", message=f"{pods} pods > kubelet max-pods {max_pods_v}: {over_mp} cannot be scheduled on this node (and hostNetwork pods count toward max-pods too)."))
    # Security Groups for Pods: pods with their own security groups get a branch ENI (an ENI with one
    # private IP, created by the VPC resource controller on the trunk) instead of an ipamd address; they
    # still count toward kubelet max-pods. Branch capacity is the resource controller's per-type limit.
    branch_sched = min(branch_pods, sched) if sgp else 0
    branch_capacity = (itype.branch_enis or 0) if trunk_attached else 0
    branch_placed = min(branch_sched, branch_capacity)
    sched -= branch_sched  # the pods ipamd serves
    if branch_sched:
        where = "ENIConfig (pod) subnet, like the trunk" if custom_networking else "node subnet, like the trunk"
        arith.append(f"branch ENIs = min(pods with their own SGs, branch capacity) = min({branch_sched}, {branch_capacity}) = "
                     f"{branch_placed}, 1 address each in the {where}; ipamd serves P = {sched} pods")
        if branch_placed < branch_sched:
            flags.append(Flag(id="branch-eni-capacity", message=f"{branch_sched} pods need their own security groups but {itype.instance_type} "
                              f"offers {branch_capacity} branch ENIs: {branch_sched - branch_placed} stay Pending (vpc.amazonaws.com/pod-eni exhausted)."))

    def pool_enis(x: int) -> int:
        n = _ceil(x, S)
        return n if custom_networking else max(1, n)

    if custom_networking and n_cap == 0:
        flags.append(Flag(id="no-pod-eni", message=f"Custom networking with {E} usable ENIs{' and the SGP trunk slot' if trunk_reserved else ''} leaves no ENI for pods: ipamd cannot create a pod ENI and node init fails (ipamd.go handlePreScaling)."))

    # ---- the closed forms (spec §3). x = slots held (secondary /32s or prefixes); target = what the
    # warm settings ask for, gated = after the max-pods gate, final = after the ENI cap.
    range_reason = ""
    oscillating = False
    oscillating_setting = False

    def gate_slots(target_at_p: int, target_at_0: int, G: int) -> int:
        """Max-pods gate for modes that grow one slot per pod after start-up (spec §3(b)-(d), §4.2).

        Start-up grows in ENI-sized chunks (S, 2S, ..., target); later each pod adds one slot, so
        growth stops at the first step end-point >= G (``T >= maxPods`` is checked before anything).
        """
        if target_at_0 >= G:
            return min(target_at_0, S * _ceil(G, S))
        return min(target_at_p, G)

    unit = S  # slots per growth unit of `target`/`gated`/`cap` below (ENI units in mode (a))
    if not pd and not ipt:
        # (a) SIP, WARM_ENI_TARGET only: whole ENIs of S IPs; counted in ENIs here
        F = W * S if W >= 1 else 1
        target = _ceil(sched + F, S)
        gated = min(target, _ceil(max_pods_v, S))
        cap = n_cap
        if W >= 1:
            arith.append(f"n = W + ceil(P/S) = {W} + ceil({sched}/{S}) = {target}")
        else:
            oscillating_setting = True
            arith.append(f"n = floor(P/S) + 1 = floor({sched}/{S}) + 1 = {target} (WARM_ENI_TARGET=0)")
        if gated < target:
            arith.append(f"max-pods gate: n <= ceil(max_pods/S) = ceil({max_pods_v}/{S}) = {gated}")
    elif not pd:
        # (b) SIP with WARM_IP_TARGET / MINIMUM_IP_TARGET: exact, split at ENI boundaries
        unit = 1
        cap = x_cap
        if WIT > 0:
            target = max(sched + WIT, MIT)
            arith.append(f"T = max(P + WIT, MIT) = max({sched} + {WIT}, {MIT}) = {target}")
        else:  # MINIMUM_IP_TARGET alone: no shortage once T >= MIT, whatever the pods
            target = MIT
            arith.append(f"T = MIT = {MIT} (WARM_IP_TARGET unset: no growth beyond MINIMUM_IP_TARGET)")
        gated = gate_slots(target, max(WIT, MIT), max_pods_v)
        if gated < target:
            arith.append(f"max-pods gate: T stops at {gated}, the first growth step ending at >= max_pods {max_pods_v}")
    else:
        unit = 1
        G = _ceil(max_pods_v, IPS_PER_PREFIX)
        cap = x_cap
        if ipt:
            # (d) PD with IP targets: whole prefixes, deterministic
            c = _ceil(MIT, IPS_PER_PREFIX)
            if WIT > 0:
                target = max(_ceil(sched + WIT, IPS_PER_PREFIX), c)
                arith.append(f"k = max(ceil((P + WIT)/16), ceil(MIT/16)) = max(ceil({sched + WIT}/16), ceil({MIT}/16)) = {target}")
            else:
                target = c
                arith.append(f"k = ceil(MIT/16) = ceil({MIT}/16) = {target} (WARM_IP_TARGET unset: pods capped at 16k)")
            gated = gate_slots(target, max(_ceil(WIT, IPS_PER_PREFIX), c), G)
        elif WPT >= 1:
            # (c) PD with WARM_PREFIX_TARGET: exact for WPT = 1, lower envelope for WPT >= 2
            target = WPT + _ceil(sched, IPS_PER_PREFIX)
            gated = gate_slots(target, WPT, G)
            arith.append(f"k = WPT + ceil(P/16) = {WPT} + ceil({sched}/16) = {target}")
        else:
            # PD, WARM_PREFIX_TARGET=0: ceil(P/16) between multiples of 16; flaps at them (upper state shown)
            oscillating_setting = True
            target = sched // IPS_PER_PREFIX + 1
            gated = min(target, G)
            arith.append(f"k = floor(P/16) + 1 = floor({sched}/16) + 1 = {target} (WARM_PREFIX_TARGET=0; = ceil(P/16) unless P is a multiple of 16)")
        if gated < target:
            arith.append(f"max-pods gate: k stops at {gated}: growth stops once 16k >= max_pods {max_pods_v} (ceil({max_pods_v}/16) = {G})")

    final = min(gated, cap)
    eni_bound = cap < gated
    gate_bound = gated < target and gated <= cap
    if eni_bound:
        arith.append(f"ENI cap: {n_cap} ENI(s) x {S} = {n_cap * S} {'prefixes' if pd else 'IPs'} at most (hasRoomForEni)")
    x = final * (S if unit == S else 1)
    lo_x = hi_x = x

    if oscillating_setting and final == target:
        step = S if not pd else IPS_PER_PREFIX
        m = sched // step
        if sched % step == 0 and (pd or m >= 1 or custom_networking):
            oscillating = True
            lo_x = x - (S if not pd else 1)
            if not pd:
                range_reason = (f"WARM_ENI_TARGET=0 at P = {m} x {S}: with no free IP ipamd attaches an ENI, then frees it "
                                "(no pods, avail >= S) once it is 60 s old; the ENI count flaps every ~60-65 s.")
            else:
                range_reason = (f"WARM_PREFIX_TARGET=0 at P = {m} x 16: with no free address ipamd adds a prefix, then the next "
                                "decrease returns it (free prefixes 1 > 0), at most every 30 s.")
    if pd and not ipt and WPT >= 2 and sched > 0 and WPT < G:
        hi = min(target + WPT - 1, WPT + sched, G - 1 + WPT, x_cap)
        if hi > lo_x:
            hi_x = hi
            range_reason = (f"WARM_PREFIX_TARGET={WPT}: the top-up is WPT - free prefixes and pods land on prefixes pseudo-randomly "
                            f"(Go map order in AssignPodIPv4Address), so up to {WPT} prefixes can arrive at once and are kept: "
                            f"k in [{lo_x}, {hi_x}] (tightly packed pods give {lo_x}).")
            arith.append(f"random placement: k <= min(k + WPT - 1, WPT + P, ceil(max_pods/16) - 1 + WPT, cap) = {hi_x}")
    if pd:
        arith.append(f"T = 16 x k = 16 x {x} = {x * per}" + (f" (range 16 x {lo_x}..{hi_x})" if lo_x != hi_x else ""))
    elif unit == S:
        arith.append(f"T = n x S = {final} x {S} = {x}")
    else:
        arith.append(f"n = ceil(T/S) = ceil({x}/{S}) = {_ceil(x, S)}")

    # ---- assemble both ends
    def counts(x: int) -> dict[str, int]:
        pe = pool_enis(x)
        T = x * per
        placed = min(sched, T)
        enis = base + pe + trunk_attached
        if custom_networking:
            node_addr = 1
            pod_addr = pe + trunk_attached + T + branch_placed
        else:
            node_addr = pe + trunk_attached + T + branch_placed
            pod_addr = 0
        return {
            "enis": enis, "pod_enis": pe, "pod_addresses": T, "placed": placed,
            "secondary_ips": 0 if pd else T, "prefixes": x if pd else 0,
            "free_ips": T - placed, "node_subnet_addresses": node_addr, "pod_subnet_addresses": pod_addr,
            "subnet_addresses": node_addr + pod_addr,
        }

    lo = counts(lo_x)
    hi = counts(hi_x)
    # the main figures: the spec's formula values (the lower envelope for WPT >= 2; for the oscillating
    # settings the state ipamd keeps re-creating, which is the formula's and the larger one)
    main = counts(x)
    pods_with_ip = main["placed"] + branch_placed
    unplaced = pods - pods_with_ip

    T_main = main["pod_addresses"]
    if custom_networking:
        eni_txt = f"ENIs = 1 primary + {main['pod_enis']} pod ENI(s)"
    else:
        eni_txt = (f"ENIs = max(1, ceil(k/S)) = max(1, ceil({main['prefixes']}/{S}))" if pd
                   else "ENIs = n")
    arith.append(eni_txt + (" + 1 trunk" if trunk_attached else "") + f" = {main['enis']}")
    if custom_networking:
        arith.append(f"node subnet = 1 (primary ENI); pod subnet = {main['pod_enis']} ENI primary IPs"
                     + (" + 1 trunk" if trunk_attached else "") + f" + {T_main}"
                     + (f" + {branch_placed} branch ENIs" if branch_placed else "")
                     + f" = {main['pod_subnet_addresses']}; total = {main['subnet_addresses']}")
    else:
        arith.append(f"subnet addresses = ENIs + {'16 x prefixes' if pd else 'secondary IPs'}"
                     + (" + branch ENIs" if branch_placed else "") + f" = {main['enis']} + {T_main}"
                     + (f" + {branch_placed}" if branch_placed else "") + f" = {main['subnet_addresses']}")
    arith.append(f"free = T - pods with an ipamd address = {T_main} - {main['placed']} = {main['free_ips']}")

    # ---- flags
    if eni_bound:
        lost = sched - main["placed"]  # pods ipamd serves that get no address (branch pods are not ipamd's)
        flags.append(Flag(id="eni-cap-reached", message=f"ENI limit reached: {n_cap} ENI(s) for pod addresses hold {T_main} addresses"
                          + (f"; {lost} pod(s) get no IP (CNI ADD fails, ipamd.go hasRoomForEni)." if lost > 0 else "; the warm target cannot be met (ipamd.go hasRoomForEni).")))
    if gate_bound:
        flags.append(Flag(id="max-pods-gate", message=f"Growth stopped by the kubelet max-pods gate: T = {T_main} >= max_pods {max_pods_v} (ipamd.go isDatastorePoolTooLow checks it before any warm target)."))
    if ipt and WIT == 0 and MIT > 0:
        ceiling = MIT if not pd else IPS_PER_PREFIX * _ceil(MIT, IPS_PER_PREFIX)
        if sched > T_main and not eni_bound:
            flags.append(Flag(id="mit-ceiling", message=f"MINIMUM_IP_TARGET={MIT} without WARM_IP_TARGET never grows past {ceiling} addresses: only {pods_with_ip} of {sched} pods get an IP."))
        else:
            notes.append(f"MINIMUM_IP_TARGET={MIT} without WARM_IP_TARGET is a hard ceiling of {ceiling} pods with IPs on this node (README; datastoreTargetState reports no shortage once T >= MIT).")
    if oscillating_setting:
        name = "WARM_ENI_TARGET=0" if not pd else "WARM_PREFIX_TARGET=0"
        where = ("at multiples of S = %d pods" % S) if not pd else "at multiples of 16 pods (including 0)"
        msg = f"{name} without WARM_IP_TARGET/MINIMUM_IP_TARGET makes ipamd oscillate {where}: it allocates when the pool is empty and releases right after."
        if pd:
            msg += " docs/prefix-and-ip-target.md calls 0 unsupported; the code default is 0 when the env var is missing, the manifest sets 1."
        if oscillating:
            msg += f" This pod count is such a point: {range_reason}"
        flags.append(Flag(id="oscillation", message=msg))
    if hi_x != lo_x and not oscillating:
        flags.append(Flag(id="non-deterministic", message=range_reason))
    if (pd or ipt) and W != 1:
        flags.append(Flag(id="warm-eni-target-ignored", message=f"WARM_ENI_TARGET={W} has no effect here: {'prefix mode never uses it' if pd else 'WARM_IP_TARGET/MINIMUM_IP_TARGET replace it'} (ipamd.go isDatastorePoolTooLow, shouldRemoveExtraENIs)."))
    if pd and ipt and WPT != 1:
        flags.append(Flag(id="warm-prefix-target-ignored", message=f"WARM_PREFIX_TARGET={WPT} does not size the pool when WARM_IP_TARGET/MINIMUM_IP_TARGET are set; it only keeps an empty ENI from being deleted (data_store.go isRequiredForWarmPrefixTarget)."))
    if not pd and (WPT != 1) and not prefix_delegation:
        notes.append(f"WARM_PREFIX_TARGET={WPT} is ignored in secondary-IP mode.")
    if sgp:
        unit_txt = f"{S} x 16 = {S * IPS_PER_PREFIX} addresses" if pd else f"{S} secondary IPs"
        if trunk_ok:
            flags.append(Flag(id="sgp-trunk-slot", message=(
                f"Security Groups for Pods: the trunk ENI takes one of the {E} ENI slots (ipamd.go hasRoomForEni) and its "
                f"primary IP, leaving {n_cap} ENI(s) x {unit_txt} = {n_cap * S * per} addresses for pods without their own "
                f"security groups; up to {branch_capacity} pods with their own security groups use branch ENIs on top "
                "(counted when branch_pods is given).")))
        elif trunk_reserved:
            flags.append(Flag(id="sgp-unsupported", message=(
                f"{itype.instance_type} is not listed as trunking-compatible, so no trunk ENI can be confirmed, yet ipamd "
                f"treats an unlisted type as compatible and holds one of the {E} ENI slots back (hasRoomForEni): "
                f"{n_cap} ENI(s) x {unit_txt} = {n_cap * S * per} addresses for pods.")))
        else:
            flags.append(Flag(id="sgp-unsupported", message=(
                f"{itype.instance_type} is not trunking-compatible: no trunk ENI, no branch ENIs (pods with their own "
                f"security groups cannot run here), and ipamd holds no ENI slot back (hasRoomForEni checks "
                f"IsTrunkingCompatible): all {n_cap} ENI(s) x {unit_txt} = {n_cap * S * per} addresses serve pods.")))

    # ---- notes: why, with source references
    if not pd and not ipt:
        notes.append("Secondary-IP mode with WARM_ENI_TARGET: every ENI ipamd creates or tops up gets all S secondary IPs, so the pool grows one full ENI at a time (ipamd.go isDatastorePoolTooLow, tryAssignIPs, GetENIResourcesToAllocate).")
        notes.append("No single IP is ever returned in this mode; only a whole ENI with no pods, no cooling IP and at least 60 s old, and only when avail >= (W+1) x S (ipamd.go shouldRemoveExtraENIs, data_store.go getDeletableENI).")
        if W >= 1 and sched >= 1 and sched <= S and n_cap > 1:
            notes.append("The first IP-using pod on the node adds a whole ENI: the node's subnet footprint doubles at that moment (spec §7.7).")
    elif not pd:
        notes.append("WARM_IP_TARGET/MINIMUM_IP_TARGET set: WARM_ENI_TARGET is ignored; allocation and release are exact, the partly used ENI is topped up first (ipamd.go datastoreTargetState, GetAllocatableENIs).")
    else:
        notes.append("Prefix mode: WARM_ENI_TARGET is never used (ipamd.go isDatastorePoolTooLow overwrites it in PD).")
        if not ipt:
            notes.append("WARM_PREFIX_TARGET's trigger is fewer than 16 x WPT free addresses; the top-up is WPT - free prefixes; release only when free prefixes > WPT (ipamd.go isDatastorePoolTooLow, datastorePrefixTargetState, isDatastorePoolTooHigh).")
        else:
            notes.append("WARM_IP_TARGET/MINIMUM_IP_TARGET in prefix mode still cost whole /28s: free addresses float between WIT and WIT + 15 (ipamd.go datastoreTargetState rounds the shortage up to prefixes).")
        notes.append("Each /28 must be an aligned free block in the subnet; a fragmented subnet fails with InsufficientCidrBlocks and ipamd pauses growth for 120 s (use subnet CIDR reservations).")
    if custom_networking:
        notes.append("Custom networking: the primary ENI never receives secondary IPs or prefixes but still takes an ENI slot; pod ENIs are created in the ENIConfig subnet (data_store.go GetAllocatableENIs skipPrimary, awsutils createENIUsingCustomCfg).")
        if trunk_attached:
            notes.append("With custom networking the VPC resource controller creates the trunk ENI in the ENIConfig subnet (amazon-vpc-resource-controller-k8s node manager updateSubnetIfUsingENIConfig), so it is counted in the pod subnet.")
    elif trunk_attached:
        notes.append("The SGP trunk ENI is created by the VPC resource controller in the node's subnet and costs its primary IP there.")
    notes.append("Assumes the node subnet holds every ENI (no subnets tagged kubernetes.io/role/cni for subnet discovery) and a fresh node whose pod count only rose; after scale-down ipamd can hold more (spec §4.8).")

    # ---- cooldown (spec §4.7)
    free_now = main["free_ips"]
    usable = max(0, free_now - replaced_pods)
    pending = max(0, replaced_pods - free_now)
    cooldown = CooldownEffect(
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

    def rng(key: str) -> IntRange:
        return IntRange(min=min(lo[key], hi[key]), max=max(lo[key], hi[key]))

    usage_range = UsageRange(
        deterministic=(lo_x == hi_x),
        reason=range_reason,
        enis=rng("enis"), secondary_ips=rng("secondary_ips"), prefixes=rng("prefixes"),
        pod_addresses=rng("pod_addresses"), free_ips=rng("free_ips"),
        node_subnet_addresses=rng("node_subnet_addresses"), pod_subnet_addresses=rng("pod_subnet_addresses"),
        subnet_addresses=rng("subnet_addresses"),
    )

    return NodeUsage(
        enis=main["enis"], secondary_ips=main["secondary_ips"], prefixes=main["prefixes"], free_ips=main["free_ips"],
        node_subnet_addresses=main["node_subnet_addresses"], pod_subnet_addresses=main["pod_subnet_addresses"],
        subnet_addresses=main["subnet_addresses"],
        instance_type=itype.instance_type, mode=mode, prefix_delegation_requested=prefix_delegation,
        custom_networking=custom_networking, sgp=sgp, settings=warm, max_pods=max_pods_v, max_pods_source=mp_source,
        max_eni=max_eni, pods=pods, pods_with_ip=pods_with_ip, unplaced_pods=unplaced, pods_over_max_pods=over_mp,
        pod_enis=main["pod_enis"], trunk_enis=trunk_attached, pod_addresses=T_main,
        branch_pods=branch_sched, branch_enis=branch_placed,
        ipv4_per_eni=L, slots_per_eni=S, enis_instance=E_inst, eni_cap=E, pod_eni_cap=n_cap,
        range=usage_range, cooldown=cooldown, flags=flags, notes=notes, arithmetic=arith,
    )


def node_totals(usage: NodeUsage, nodes: int) -> NodeTotals:
    """``usage`` times ``nodes`` identical nodes."""
    nodes = _whole(nodes, "nodes", 1)
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


def ip_usage(instance_type: str | InstanceType, pods: int, *, nodes: int = 1, **kwargs: Any) -> IpUsageReport:
    """``eksadvisor ip-usage``: :func:`node_usage` plus the totals for ``nodes`` identical nodes."""
    nodes = _whole(nodes, "nodes", 1)
    usage = node_usage(instance_type, pods, **kwargs)
    return IpUsageReport(per_node=usage, totals=node_totals(usage, nodes))


# ------------------------------------------------------------------------------------------ clusters

class NodeGroupLoad(BaseModel):
    """One node group for :func:`cluster_usage`: its size, load and aws-node settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    instance_type: str
    desired_nodes: int
    max_nodes: int
    pods_per_node: int
    prefix_delegation: bool = False
    custom_networking: bool = False
    warm: WarmSettings = Field(default_factory=WarmSettings)
    max_pods: int | None = None
    max_eni: int | None = None
    sgp: bool = False
    branch_pods: int = 0  # of pods_per_node, how many have their own security groups (branch ENIs)
    azs: list[str] | None = None  # the AZs this group spans (default: all of the cluster's)
    max_unavailable: int = 1  # managed node group updateConfig.maxUnavailable (EKS default 1)
    os: Literal["linux", "windows"] = "linux"  # windows: one ENI, VPC resource controller pool (eksadvisor.model.winipam)

    @field_validator("desired_nodes", "max_nodes", "pods_per_node", mode="before")
    @classmethod
    def _count(cls, value: Any, info: Any) -> int:
        return _whole(value, info.field_name)

    @field_validator("max_unavailable", mode="before")
    @classmethod
    def _unavailable(cls, value: Any, info: Any) -> int:
        return _whole(value, info.field_name, 1)


class AzFigures(BaseModel):
    """Nodes and subnet addresses in one AZ for one scenario."""

    model_config = ConfigDict(frozen=True)
    nodes: int = 0
    node_subnet_addresses: int = 0
    pod_subnet_addresses: int = 0
    subnet_addresses: int = 0


class AzUsage(BaseModel):
    """Per-AZ figures: the node subnet and the pod (ENIConfig) subnet of that AZ."""

    model_config = ConfigDict(frozen=True)
    az: str
    desired: AzFigures
    max: AzFigures
    surge_extra: AzFigures  # added on top of desired during a managed rolling upgrade
    desired_plus_surge: AzFigures
    az_loss_desired: AzFigures  # worst case over the loss of any other AZ, at desired
    az_loss_max: AzFigures  # same at max nodes
    worst_node_subnet_addresses: int  # largest of the scenarios above: size the AZ's node subnet for this
    worst_pod_subnet_addresses: int


class GroupUsage(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    instance_type: str
    mode: str
    custom_networking: bool
    azs: list[str]
    per_node: NodeUsage  # at pods_per_node (the range's max is used for the address figures)
    per_node_node_subnet_addresses: int
    per_node_pod_subnet_addresses: int
    nodes_desired: dict[str, int]
    nodes_max: dict[str, int]
    surge_nodes: int
    surge_nodes_per_az: dict[str, int]


class AzLossScenario(BaseModel):
    model_config = ConfigDict(frozen=True)
    lost_az: str
    desired: dict[str, AzFigures]
    max: dict[str, AzFigures]


class ClusterUsage(BaseModel):
    model_config = ConfigDict(frozen=True)
    azs: list[str]
    groups: list[GroupUsage]
    per_az: list[AzUsage]
    totals_desired: AzFigures
    totals_max: AzFigures
    totals_surge_extra: AzFigures
    az_loss: list[AzLossScenario]
    assumptions: list[str]


def spread(nodes: int, azs: list[str]) -> dict[str, int]:
    """Nodes over AZs as evenly as possible: nodes // len(azs) each, the remainder one each to the AZs in listed order."""
    q, r = divmod(nodes, len(azs))
    return {az: q + (1 if i < r else 0) for i, az in enumerate(azs)}


def _figures(nodes: int, node_addr: int, pod_addr: int) -> AzFigures:
    return AzFigures(nodes=nodes, node_subnet_addresses=nodes * node_addr, pod_subnet_addresses=nodes * pod_addr,
                     subnet_addresses=nodes * (node_addr + pod_addr))


def _add(a: AzFigures, b: AzFigures) -> AzFigures:
    return AzFigures(nodes=a.nodes + b.nodes, node_subnet_addresses=a.node_subnet_addresses + b.node_subnet_addresses,
                     pod_subnet_addresses=a.pod_subnet_addresses + b.pod_subnet_addresses,
                     subnet_addresses=a.subnet_addresses + b.subnet_addresses)


def _worse(a: AzFigures, b: AzFigures) -> AzFigures:
    return a if (a.subnet_addresses, a.node_subnet_addresses) >= (b.subnet_addresses, b.node_subnet_addresses) else b


def cluster_usage(
    groups: list[NodeGroupLoad],
    azs: list[str],
    *,
    surge_nodes: int | None = None,
    catalog: Catalog | None = None,
    cni_version: str = DEFAULT_CNI_VERSION,
) -> ClusterUsage:
    """Subnet addresses per AZ for node groups x nodes: at desired, at max, during an upgrade, after losing an AZ.

    * Nodes of a group are spread over its AZs by :func:`spread` (remainder to the first AZs listed).
    * Every node runs the group's ``pods_per_node`` and costs :func:`node_usage` (the range's upper end
      where ipamd is not deterministic).
    * Surge (rolling upgrade of a managed node group): the ASG grows by the larger of twice the group's
      AZ count and ``max_unavailable`` (EKS "Understand each phase of node updates", scale-up phase), so
      up to 2 new nodes per AZ; each new node is assumed to take a full ``pods_per_node`` while the old
      one still holds its ENIs. ``surge_nodes`` overrides the count per group (spread like the nodes).
    * AZ loss: the lost AZ's nodes are relaunched in the group's remaining AZs, ceil(lost / remaining)
      more per AZ (rounding up, so the per-AZ figure is never under-stated); computed for every AZ
      lost, at desired and at max nodes; each AZ reports its worst case.
    """
    if not isinstance(azs, list) or not azs or not all(isinstance(a, str) and a.strip() for a in azs):
        raise InputError("azs: give at least one availability zone name.", field="azs")
    if len(set(azs)) != len(azs):
        raise InputError("azs: the availability zone names must be unique.", field="azs")
    if not groups:
        raise InputError("groups: give at least one node group.", field="groups")
    if surge_nodes is not None:
        surge_nodes = _whole(surge_nodes, "surge_nodes")
    names = [g.name for g in groups]
    if len(set(names)) != len(names):
        raise InputError("groups: node group names must be unique.", field="groups")
    catalog = catalog or load_catalog()

    group_out: list[GroupUsage] = []
    zero = AzFigures()
    desired = dict.fromkeys(azs, zero)
    at_max = dict.fromkeys(azs, zero)
    surge = dict.fromkeys(azs, zero)
    loss_desired = {lost: {az: zero for az in azs if az != lost} for lost in azs} if len(azs) > 1 else {}
    loss_max = {lost: {az: zero for az in azs if az != lost} for lost in azs} if len(azs) > 1 else {}

    for g in groups:
        field = f"groups[{g.name}]"
        if g.max_nodes < g.desired_nodes:
            raise InputError(f"{field}.max_nodes: {g.max_nodes} is below desired_nodes {g.desired_nodes}.", field="max_nodes")
        g_azs = list(g.azs) if g.azs else list(azs)
        unknown = [a for a in g_azs if a not in azs]
        if unknown:
            raise InputError(f"{field}.azs: {unknown[0]!r} is not one of the cluster's AZs {azs}.", field="azs")
        if g.os == "windows":
            from eksadvisor.model.winipam import windows_node_usage

            u = windows_node_usage(g.instance_type, g.pods_per_node, catalog=catalog)
        else:
            u = node_usage(g.instance_type, g.pods_per_node, prefix_delegation=g.prefix_delegation,
                           custom_networking=g.custom_networking, warm=g.warm, max_pods=g.max_pods, max_eni=g.max_eni,
                           sgp=g.sgp, catalog=catalog, cni_version=cni_version, branch_pods=g.branch_pods)
        na, pa = u.range.node_subnet_addresses.max, u.range.pod_subnet_addresses.max
        nd, nm = spread(g.desired_nodes, g_azs), spread(g.max_nodes, g_azs)
        s_count = surge_nodes if surge_nodes is not None else max(2 * len(g_azs), g.max_unavailable)
        if surge_nodes is None:
            # "up to two instances per AZ": 2 per AZ, or max_unavailable spread evenly if that is larger
            s_az = dict.fromkeys(g_azs, 2) if s_count == 2 * len(g_azs) else spread(s_count, g_azs)
        else:
            s_az = spread(s_count, g_azs)
        for az in g_azs:
            desired[az] = _add(desired[az], _figures(nd[az], na, pa))
            at_max[az] = _add(at_max[az], _figures(nm[az], na, pa))
            surge[az] = _add(surge[az], _figures(s_az[az], na, pa))
        if len(azs) > 1:
            for lost in azs:
                rest = [a for a in g_azs if a != lost]
                for counts, table in ((nd, loss_desired), (nm, loss_max)):
                    moved = counts.get(lost, 0)
                    extra = _ceil(moved, len(rest)) if (moved and rest) else 0
                    for az in rest:
                        table[lost][az] = _add(table[lost][az], _figures(counts[az] + extra, na, pa))
        group_out.append(GroupUsage(
            name=g.name, instance_type=u.instance_type, mode=u.mode, custom_networking=g.custom_networking, azs=g_azs,
            per_node=u, per_node_node_subnet_addresses=na, per_node_pod_subnet_addresses=pa,
            nodes_desired=nd, nodes_max=nm, surge_nodes=s_count, surge_nodes_per_az=s_az,
        ))

    per_az: list[AzUsage] = []
    for az in azs:
        ld = zero
        lm = zero
        dps = _add(desired[az], surge[az])
        scen = [desired[az], at_max[az], dps]
        for lost in azs:
            if lost != az and lost in loss_desired:
                ld = _worse(ld, loss_desired[lost][az])
                lm = _worse(lm, loss_max[lost][az])
                scen += [loss_desired[lost][az], loss_max[lost][az]]
        per_az.append(AzUsage(
            az=az, desired=desired[az], max=at_max[az], surge_extra=surge[az], desired_plus_surge=dps,
            az_loss_desired=ld, az_loss_max=lm,
            worst_node_subnet_addresses=max(s.node_subnet_addresses for s in scen),
            worst_pod_subnet_addresses=max(s.pod_subnet_addresses for s in scen),
        ))

    def total(table: dict[str, AzFigures]) -> AzFigures:
        out = zero
        for v in table.values():
            out = _add(out, v)
        return out

    assumptions = [
        "Nodes of each group are spread over its AZs as evenly as possible; a remainder goes one node each to the AZs in the order listed.",
        "Each node runs its group's pods_per_node IP-using pods and holds the settled ipamd state of a fresh node (ipamd-model.md §3); "
        "where ipamd is not deterministic (WARM_PREFIX_TARGET >= 2) the upper end is used.",
        "Surge: a managed node group update raises the ASG by the larger of twice its AZ count and maxUnavailable (default 1), "
        "up to 2 new nodes per AZ; each new node is counted with a full pods_per_node while the old node keeps its ENIs."
        + (f" Overridden: {surge_nodes} surge node(s) per group." if surge_nodes is not None else ""),
        "AZ loss: the lost AZ's nodes are relaunched evenly in the group's remaining AZs, ceil(lost / remaining) more per AZ (rounded up); "
        "each AZ shows its worst case over the loss of any other AZ.",
        "Addresses only: AWS also reserves 5 addresses in every subnet, and prefixes need aligned free /28 blocks.",
    ]
    if len(azs) == 1:
        assumptions.append("One AZ only: losing it loses the cluster, so no AZ-loss figure is given.")
    return ClusterUsage(
        azs=list(azs), groups=group_out, per_az=per_az,
        totals_desired=total(desired), totals_max=total(at_max), totals_surge_extra=total(surge),
        az_loss=[AzLossScenario(lost_az=lost, desired=loss_desired[lost], max=loss_max[lost]) for lost in azs if lost in loss_desired],
        assumptions=assumptions,
    )
