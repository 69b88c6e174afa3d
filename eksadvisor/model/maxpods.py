"""Kubelet max-pods, computed exactly as AWS's ``max-pods-calculator.sh`` does, with the arithmetic.

Source: awslabs/amazon-eks-ami ``templates/al2/runtime/max-pods-calculator.sh`` (AMI-MAXPODS):
- ENIs = the default network card's ``MaximumNetworkInterfaces``; ``--cni-max-eni`` takes the lower;
  custom networking removes one (the primary ENI carries no pods).
- prefix delegation only when the hypervisor is reported as ``nitro`` (bare metal reports none and
  is treated as non-Nitro) and the CNI version is >= 1.9: ``ENIs x (IPs-1) x 16 + 2``,
  otherwise ``ENIs x (IPs-1) + 2``.
- unless ``--show-max-allowed``: capped at 110 (<= 30 vCPUs) or 250 (> 30 vCPUs), in every mode.

Plain dataclasses (no pydantic) keep ``eksadvisor max-pods --all`` faster than the shell script.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from eksadvisor.catalog import Catalog, InstanceType, load_catalog
from eksadvisor.errors import InputError
from eksadvisor.versions import PD_MIN_CNI, parse_cni_version, supports_prefix_delegation, version_text

IPS_PER_PREFIX = 16
CEILING_LOW_CPU = 110
CEILING_HIGH_CPU = 250
AUTO_MODE_MAX_PODS = 110  # fact sheet §10: EKS Auto Mode uses the lower of 110 and the standard ENI calculation
HIGH_CPU_THRESHOLD = 30  # more than this many vCPUs -> the 250 ceiling
SOURCE = "awslabs/amazon-eks-ami templates/al2/runtime/max-pods-calculator.sh"


@dataclass(frozen=True, slots=True)
class MaxPodsResult:
    """One max-pods value and every term that produced it."""

    instance_type: str
    cni_version: str
    max_pods: int  # what the calculator prints: recommended (capped) or raw with show_max_allowed
    raw_max_pods: int  # the ENI/IP ceiling before the 110/250 cap
    recommended_max_pods: int  # the capped value (always computed, for display beside the raw one)
    capped: bool  # the cap lowered the printed value
    ceiling: int  # 110 or 250
    mode: str  # "secondary_ip" | "prefix" (what the formula used)
    prefix_requested: bool
    custom_networking: bool
    show_max_allowed: bool
    enis_instance: int
    max_eni: int | None
    enis_for_pods: int
    ipv4_per_eni: int
    slots_per_eni: int  # IPv4 per ENI - 1: the primary address never goes to a pod
    addresses_per_slot: int  # 1 (secondary IP) or 16 (/28 prefix)
    vcpus: int | None
    vcpus_estimated: bool
    is_nitro: bool
    hypervisor: str
    network_cards: int
    notes: tuple[str, ...] = field(default=())
    catalog_snapshot: str = ""
    bare_metal: bool = False  # the catalog's bare-metal flag (a .metal type), not "no hypervisor reported"

    def formula(self) -> str:
        if self.addresses_per_slot == IPS_PER_PREFIX:
            return f"{self.enis_for_pods} x ({self.ipv4_per_eni} - 1) x 16 + 2 = {self.raw_max_pods}"
        return f"{self.enis_for_pods} x ({self.ipv4_per_eni} - 1) + 2 = {self.raw_max_pods}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = list(self.notes)
        data["formula"] = self.formula()
        return data

    def _repr_html_(self) -> str:  # Jupyter display (eksadvisor.output.display; imported only when shown)
        from eksadvisor.output.display import max_pods_html

        return max_pods_html(self)

    def _repr_markdown_(self) -> str:
        from eksadvisor.output.display import max_pods_markdown

        return max_pods_markdown(self)


def _ceiling(vcpus: int | None) -> int:
    # The script compares the EC2-reported vCPU count; with no count its `-gt` test fails and the
    # 110 ceiling applies, which is what we do for the few types whose count is unknown.
    return CEILING_HIGH_CPU if vcpus is not None and vcpus > HIGH_CPU_THRESHOLD else CEILING_LOW_CPU


def _prefix_fallback_note(itype: InstanceType, cni_version: str, pd_supported: bool) -> str:
    """Why the calculator uses the secondary-IP formula although prefix delegation was asked for."""
    if not pd_supported:
        return f"Prefix delegation needs VPC CNI >= {version_text(PD_MIN_CNI, 2)}; {cni_version} uses secondary IPs, so the secondary-IP formula applies."
    if itype.bare_metal and itype.hypervisor != "nitro":
        return ("AWS's calculator treats a type with no reported hypervisor (bare metal) as non-Nitro and uses the "
                "secondary-IP formula; the VPC CNI itself supports prefix delegation on Nitro bare metal from 1.11.")
    return f"{itype.instance_type} is not a Nitro instance ({itype.hypervisor}): prefix delegation falls back to secondary IPs."


def _ceiling_notes(itype: InstanceType, raw: int, ceiling: int, capped: bool) -> list[str]:
    """The vCPU count behind the 110/250 ceiling, the cap when it applied, and the network cards that do not count."""
    notes: list[str] = []
    if itype.vcpus is None:
        notes.append("vCPU count unknown: the 110 ceiling is assumed, as the calculator does when EC2 reports none.")
    elif itype.vcpus_estimated:
        notes.append(f"vCPU count {itype.vcpus} is an estimate from the size name (the source data lacks it).")
    if capped:
        notes.append(
            f"Capped at {ceiling}: the calculator limits max-pods to {CEILING_LOW_CPU} on types with at most "
            f"{HIGH_CPU_THRESHOLD} vCPUs and {CEILING_HIGH_CPU} above (this type: {itype.vcpus if itype.vcpus is not None else 'unknown'} vCPUs); "
            f"the raw ENI ceiling is {raw} (--show-max-allowed prints it)."
        )
    if itype.network_cards > 1:
        notes.append(
            f"{itype.instance_type} has {itype.network_cards} network cards; only the default card "
            f"(index {itype.default_network_card_index}, {itype.max_enis} ENIs) carries pods, so only its ENIs count."
        )
    return notes


def compute(
    itype: InstanceType,
    cni_version: str,
    *,
    prefix_delegation: bool = False,
    custom_networking: bool = False,
    max_eni: int | None = None,
    show_max_allowed: bool = False,
    catalog_snapshot: str = "",
    _version: tuple[int, int, int] | None = None,
) -> MaxPodsResult:
    """The calculator's arithmetic for one catalog entry (see the module docstring)."""
    version = _version or parse_cni_version(cni_version, field="cni_version")
    if max_eni is not None and max_eni < 1:
        raise InputError("cni_max_eni: must be a whole number of at least 1 (ipamd ignores MAX_ENI below 1).", field="cni_max_eni")
    notes: list[str] = []
    enis = itype.max_enis if max_eni is None else min(max_eni, itype.max_enis)
    if max_eni is not None and max_eni >= itype.max_enis:
        notes.append(f"--cni-max-eni {max_eni} is not below the instance's {itype.max_enis} ENIs, so it changes nothing.")
    if custom_networking:
        enis -= 1
        notes.append("Custom networking: the primary ENI carries no pod addresses, so one ENI less counts.")
    slots = itype.ipv4_per_eni - 1
    pd_supported = supports_prefix_delegation(version)
    use_prefix = prefix_delegation and itype.is_nitro and pd_supported
    if prefix_delegation and not use_prefix:
        notes.append(_prefix_fallback_note(itype, cni_version, pd_supported))
    per_slot = IPS_PER_PREFIX if use_prefix else 1
    raw = enis * slots * per_slot + 2
    ceiling = _ceiling(itype.vcpus)
    recommended = min(ceiling, raw)
    capped = not show_max_allowed and raw > ceiling
    notes += _ceiling_notes(itype, raw, ceiling, capped)
    return MaxPodsResult(
        instance_type=itype.instance_type,
        cni_version=cni_version,
        max_pods=raw if show_max_allowed else recommended,
        raw_max_pods=raw,
        recommended_max_pods=recommended,
        capped=capped,
        ceiling=ceiling,
        mode="prefix" if use_prefix else "secondary_ip",
        prefix_requested=prefix_delegation,
        custom_networking=custom_networking,
        show_max_allowed=show_max_allowed,
        enis_instance=itype.max_enis,
        max_eni=max_eni,
        enis_for_pods=enis,
        ipv4_per_eni=itype.ipv4_per_eni,
        slots_per_eni=slots,
        addresses_per_slot=per_slot,
        vcpus=itype.vcpus,
        vcpus_estimated=itype.vcpus_estimated,
        is_nitro=itype.is_nitro,
        hypervisor=itype.hypervisor,
        network_cards=itype.network_cards,
        notes=tuple(notes),
        catalog_snapshot=catalog_snapshot,
        bare_metal=itype.bare_metal,
    )


def max_pods(
    instance_type: str,
    cni_version: str,
    *,
    prefix_delegation: bool = False,
    custom_networking: bool = False,
    max_eni: int | None = None,
    show_max_allowed: bool = False,
    catalog: Catalog | None = None,
) -> MaxPodsResult:
    """Max pods for one instance type, as ``max-pods-calculator.sh`` prints it, with its breakdown."""
    catalog = catalog or load_catalog()
    return compute(
        catalog.get(instance_type),
        cni_version,
        prefix_delegation=prefix_delegation,
        custom_networking=custom_networking,
        max_eni=max_eni,
        show_max_allowed=show_max_allowed,
        catalog_snapshot=catalog.meta.snapshot_date,
    )


def max_pods_all(
    cni_version: str,
    *,
    prefix_delegation: bool = False,
    custom_networking: bool = False,
    max_eni: int | None = None,
    show_max_allowed: bool = False,
    catalog: Catalog | None = None,
) -> list[MaxPodsResult]:
    """The same computation for every catalog type, sorted by name."""
    catalog = catalog or load_catalog()
    version = parse_cni_version(cni_version, field="cni_version")
    return [
        compute(t, cni_version, prefix_delegation=prefix_delegation, custom_networking=custom_networking,
                max_eni=max_eni, show_max_allowed=show_max_allowed, catalog_snapshot=catalog.meta.snapshot_date,
                _version=version)
        for t in sorted(catalog, key=lambda t: t.instance_type)
    ]


# ------------------------------------------------------------------ IPv6 and Security Groups for Pods

@dataclass(frozen=True, slots=True)
class Ipv6MaxPods:
    instance_type: str
    formula_max_pods: int  # the best-practices formula ENIs x (IPs-1) x 16 + 2 (m5.large: 434)
    recommended_max_pods: int  # capped 110/250, what managed node groups set
    ceiling: int
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "notes": list(self.notes)}


def ipv6_max_pods(itype: InstanceType) -> Ipv6MaxPods:
    """IPv6: the seed's formula beside what the VPC CNI really limits (one /80 on the primary ENI)."""
    raw = itype.max_enis * (itype.ipv4_per_eni - 1) * IPS_PER_PREFIX + 2
    ceiling = _ceiling(itype.vcpus)
    notes = [
        "In IPv6 mode the VPC CNI gives each node one /80 prefix on its primary ENI and attaches no more ENIs, "
        "so addresses never limit pods; the formula only mirrors the IPv4 prefix calculation.",
        f"Managed node groups set max-pods themselves with the {CEILING_LOW_CPU}/{CEILING_HIGH_CPU} ceiling; "
        "self-managed and custom-AMI nodes must set it by hand (nodeadm's default is the IPv4 secondary-IP formula).",
    ]
    if not nitro_capable(itype):  # bare metal counts, as for prefix delegation (awsutils IsPrefixDelegationSupported)
        notes.append(f"{itype.instance_type} is neither Nitro nor bare metal: IPv6 clusters need Nitro-based or "
                     "bare-metal instances.")
    return Ipv6MaxPods(itype.instance_type, raw, min(raw, ceiling), ceiling, tuple(notes))


WINDOWS_SOURCE = "EKS user guide, Windows support: one ENI per Windows node, pods = IPv4 addresses per ENI - 1"


def windows_max_pods(itype: InstanceType) -> int:
    """Max pods on a Windows node: it uses one ENI, whose primary address is the node's, so the pods get the
    other IPv4 addresses of that ENI (EKS user guide, Windows support; the Linux calculator does not apply)."""
    return itype.ipv4_per_eni - 1


def nitro_capable(itype: InstanceType) -> bool:
    """Nitro for the VPC CNI's purposes: a Nitro hypervisor, or bare metal (which reports none).

    ipamd enables prefix delegation on both (awsutils IsPrefixDelegationSupported) and IPv6 clusters take
    "Nitro or bare metal" instances; only AWS's max-pods calculator (:func:`compute`) treats bare metal as non-Nitro.
    """
    return bool(itype.is_nitro or itype.bare_metal)


def trunk_slot_reserved(itype: InstanceType, enable_pod_eni: bool) -> bool:
    """Does ipamd hold one ENI slot back for the Security Groups for Pods trunk ENI?

    Only when ENABLE_POD_ENI is on AND the type is trunking-compatible (pkg/ipamd/ipamd.go ``hasRoomForEni``;
    ``IsTrunkingCompatible`` in pkg/awsutils/awsutils.go reads the VPC CNI's per-type limits, where types absent
    from the table count as compatible -- our catalog's ``trunking_compatible`` carries that flag, None = absent).
    m4.xlarge and t3.xlarge are not compatible: all their ENIs carry pod addresses even with ENABLE_POD_ENI=true.
    """
    return bool(enable_pod_eni) and itype.trunking_compatible is not False


def trunk_supported(itype: InstanceType) -> bool:
    """Can the VPC resource controller attach a trunk ENI (and so branch ENIs) to this type? Listed as
    trunking-compatible, on Nitro or bare metal (m5.metal reports no hypervisor but hosts a trunk)."""
    return bool(itype.trunking_compatible) and nitro_capable(itype)


def pod_eni_cap(itype: InstanceType, *, max_eni: int | None = None, custom_networking: bool = False,
                enable_pod_eni: bool = False) -> int:
    """ENIs ipamd may fill with pod addresses: the instance's ENIs (MAX_ENI can only lower them), minus the primary
    with custom networking, minus the trunk slot when :func:`trunk_slot_reserved`. Without custom networking the
    primary ENI always carries pods, so at least 1. The one formula ``ip-usage``, ``advise`` and the app share."""
    enis = itype.max_enis if max_eni is None else min(max_eni, itype.max_enis)
    trunk = 1 if trunk_slot_reserved(itype, enable_pod_eni) else 0
    if custom_networking:
        return max(0, enis - 1 - trunk)
    return max(1, enis - trunk)


@dataclass(frozen=True, slots=True)
class SgpCapacity:
    """Security Groups for Pods: branch ENIs are additive, but the trunk ENI takes one ENI slot."""

    instance_type: str
    supported: bool
    branch_enis: int  # pods that can have their own security groups
    trunk_enis: int  # 1 when supported: attached by the VPC resource controller
    enis_for_ip_pods: int  # ENIs left for secondary-IP/prefix pods once the trunk slot is held back
    ip_pod_max: int  # (ENIs - trunk [- 1 custom]) x slots (x16) + 2
    notes: tuple[str, ...]
    trunk_slot_reserved: bool = False  # ipamd holds a slot back (trunking-compatible and ENABLE_POD_ENI)
    slots_per_eni: int = 0  # IPv4 per ENI - 1
    addresses_per_slot: int = 1  # 1 (secondary IP) or 16 (/28 prefix)
    ip_addresses: int = 0  # addresses ipamd can hand to pods without their own security groups
    enis_instance: int = 0  # the instance's ENIs (MAX_ENI applied)
    custom_networking: bool = False

    def pod_capacity(self, branch_pods: int = 0) -> int:
        """IP-using pods one node can run: ipamd's addresses plus the branch pods that get a branch ENI
        (at most ``branch_enis``); kubelet max-pods is a separate limit."""
        return self.ip_addresses + min(max(branch_pods, 0), self.branch_enis)

    def formula(self, branch_pods: int = 0) -> str:
        """The arithmetic, e.g. m5.large: ``3 ENIs - 1 trunk slot = 2 ENIs x 9 secondary IPs = 18 addresses``."""
        held = []
        if self.custom_networking:
            held.append("1 primary (custom networking)")
        if self.trunk_slot_reserved:
            held.append("1 trunk slot")
        text = f"{self.enis_instance} ENIs" + "".join(f" - {h}" for h in held)
        if held:
            text += f" = {self.enis_for_ip_pods} ENIs"
        unit = f"{self.slots_per_eni} prefixes x 16" if self.addresses_per_slot == IPS_PER_PREFIX \
            else f"{self.slots_per_eni} secondary IPs"
        text += f" x {unit} = {self.ip_addresses} addresses"
        if branch_pods > 0:
            text += (f" + {min(branch_pods, self.branch_enis)} branch ENIs (min of {branch_pods} pods with their own "
                     f"security groups and {self.branch_enis}) = {self.pod_capacity(branch_pods)} pods")
        return text

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "notes": list(self.notes)}


def sgp_capacity(
    itype: InstanceType, *, prefix_delegation: bool = False, custom_networking: bool = False,
    max_eni: int | None = None,
) -> SgpCapacity:
    """What a node of ``itype`` offers with ENABLE_POD_ENI=true (see :func:`pod_eni_cap`). ``prefix_delegation``:
    ipamd runs prefix mode (it does on Nitro and bare metal, awsutils IsPrefixDelegationSupported)."""
    notes: list[str] = []
    supported = trunk_supported(itype)
    reserved = trunk_slot_reserved(itype, True)
    if itype.trunking_compatible is None:
        notes.append(f"{itype.instance_type} is not listed by the VPC resource controller: Security Groups for Pods support is "
                     "unknown; ipamd treats an unlisted type as trunking-compatible and holds one ENI slot back.")
    elif not supported:
        notes.append(f"{itype.instance_type} cannot host a trunk ENI: Security Groups for Pods is not supported on it, and "
                     "ipamd holds no ENI slot back for a trunk (hasRoomForEni checks IsTrunkingCompatible).")
    trunk = 1 if supported else 0
    enis = pod_eni_cap(itype, max_eni=max_eni, custom_networking=custom_networking, enable_pod_eni=True)
    slots = itype.ipv4_per_eni - 1
    per_slot = IPS_PER_PREFIX if prefix_delegation and nitro_capable(itype) else 1
    ip_addresses = enis * slots * per_slot
    ip_pods = ip_addresses + 2
    branch = (itype.branch_enis or 0) if supported else 0
    if supported:
        notes.append(
            f"The trunk ENI occupies one of the {itype.max_enis} ENI slots, leaving {enis} for pod addresses "
            f"({ip_addresses}); {branch} branch ENIs come on top, but every pod still counts toward kubelet max-pods."
        )
    return SgpCapacity(itype.instance_type, supported, branch, trunk, enis, ip_pods, tuple(notes),
                       trunk_slot_reserved=reserved, slots_per_eni=slots, addresses_per_slot=per_slot,
                       ip_addresses=ip_addresses, custom_networking=custom_networking,
                       enis_instance=itype.max_enis if max_eni is None else min(max_eni, itype.max_enis))
