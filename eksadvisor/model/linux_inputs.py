"""A Linux node's starting point for ipamd: its checked inputs, the address mode, the ENI and slot limits,
kubelet max-pods, and which pods ipamd serves (ipamd-model.md §0, §1; ipamd.go nodeInit, getMaxENI, isConfigValid).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from eksadvisor.catalog import Catalog, InstanceType
from eksadvisor.errors import InputError
from eksadvisor.model.maxpods import compute as maxpods_compute
from eksadvisor.model.maxpods import nitro_capable, pod_eni_cap, trunk_slot_reserved, trunk_supported
from eksadvisor.model.node_inputs import WarmSettings, resolve_instance_type, whole_number
from eksadvisor.model.usage import Explanation
from eksadvisor.versions import PD_MIN_CNI, parse_cni_version, supports_prefix_delegation, version_text


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
    """The node's kubelet max-pods, which gates pool growth (isDatastorePoolTooLow), and where it came from."""

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
            reason = f"VPC CNI {node.cni_version} predates prefix delegation (>= {version_text(PD_MIN_CNI, 2)})"
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
