"""The facts the decision graph's templates and node inputs name (``f_<name>``), each derived from the answers
and the decisions so far; ``FACT_INPUTS`` lists the answer paths each reads (the data lint checks every question is
read somewhere).
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from eksadvisor.addressing.multus import thick_fix_included
from eksadvisor.addressing.planner import ExistingSubnetIn, FitCheck, PlanRequest, fits_as_is
from eksadvisor.decide.context import Context, fact
from eksadvisor.errors import InputError
from eksadvisor.model.maxpods import compute, nitro_capable, pod_eni_cap, sgp_capacity, trunk_supported
from eksadvisor.model.node import node_usage_for
from eksadvisor.model.warmpool import recommend_warm_settings
from eksadvisor.versions import IPV6_MIN_CNI, PD_MIN_CNI, PD_MIN_TEXT

DENSITY_PREFIX_THRESHOLD = 30  # seed DO: "Use prefix delegation when running >30 pods per node"
EXHAUSTED_UTILISATION = 0.8  # existing pod subnets this full count as short of addresses for warm pools




@fact
def f_cni_version(ctx: Context) -> str:
    return ctx.answers.cni_version


@fact
def f_ipv6_ready(ctx: Context) -> bool:
    return ctx.answers.ipv6.ready


@fact
def f_ipv4_exhaustion_concern(ctx: Context) -> bool:
    return ctx.answers.ipv6.ipv4_exhaustion_concern


@fact
def f_windows_groups(ctx: Context) -> list[str]:
    return [g.name for g in ctx.answers.node_groups if g.os == "windows"]


@fact
def f_non_nitro_types(ctx: Context) -> list[str]:
    return [t for t in ctx.answers.instance_types() if not nitro_capable(ctx.catalog.get(t))]


def linux_types(ctx: Context) -> list[str]:
    """Instance types of the Linux node groups (aws-node, branch ENIs and kubelet max-pods apply to these only)."""
    return sorted({t for g in linux_groups(ctx) for t in g.instance_types})


@fact
def f_linux_non_nitro_types(ctx: Context) -> list[str]:
    """Types of the Linux node groups that cannot run prefix delegation (not Nitro, not bare metal)."""
    return [t for t in linux_types(ctx) if not nitro_capable(ctx.catalog.get(t))]


@fact
def f_linux_non_trunking_types(ctx: Context) -> list[str]:
    """Types of the Linux node groups that cannot host a Security Groups for Pods trunk ENI."""
    return [t for t in linux_types(ctx) if not trunk_supported(ctx.catalog.get(t))]


@fact
def f_ip_family(ctx: Context) -> str:
    return ctx.decisions.get("ip_family", "")


@fact
def f_address_mode(ctx: Context) -> str:
    return ctx.decisions.get("address_mode", "")


@fact
def f_environment(ctx: Context) -> str:
    return ctx.answers.operations.environment


def linux_groups(ctx: Context) -> list[Any]:
    """The node groups aws-node serves: the address mode and warm pool are decided for these. Windows nodes get
    their addresses from the VPC resource controller on one ENI whatever aws-node does [EKS-WINDOWS]."""
    return [g for g in ctx.answers.node_groups if g.os != "windows"]


@fact
def f_pods_per_node(ctx: Context) -> dict[str, int]:
    return {g.name: g.pods_per_node for g in ctx.answers.node_groups}


def sgp_on_nodes(ctx: Context) -> bool:
    """aws-node runs with ENABLE_POD_ENI=true (Security Groups for Pods wanted, not in Auto Mode)."""
    return bool(ctx.answers.security_groups_for_pods.needed) and not ctx.answers.operations.auto_mode


def system_pods(ctx: Context, name: str) -> tuple[int, int]:
    """(DaemonSet/add-on pods per node, those of them that take a VPC address) of a Linux node group (answers
    ``node_groups[].system_pods``/``system_pods_with_ip``); (0, 0) for Windows groups, whose max-pods EKS sets."""
    for g in ctx.answers.node_groups:
        if g.name == name:
            return (0, 0) if g.os == "windows" else (g.system_pods, g.system_pods_with_ip)
    return (0, 0)


def multus_enis(answers: Any) -> int:
    """Extra ENIs every node carries for Multus: one per network, tagged no_manage. ipamd subtracts unmanaged ENIs from
    the ENI limit (hasRoomForEni, pkg/ipamd/ipamd.go), so they are not there for pods: max-pods counts E - this (the
    VPC CNI README, "No Manage tag")."""
    return len(answers.multus.networks) if answers.multus.needed else 0


def pod_max_eni(answers: Any, itype: Any) -> int | None:
    """The ENI limit left for pods (None: the type's own), as max-pods-calculator.sh's --cni-max-eni takes it."""
    k = multus_enis(answers)
    if not k:
        return None
    if itype.max_enis - k < 1:
        raise InputError(f"multus.networks: {k} extra ENIs for Multus leave no ENI for pods on {itype.instance_type} "
                         f"({itype.max_enis} ENIs): use a type with more ENIs or fewer networks.", field="multus.networks")
    return itype.max_enis - k


def secondary_capacity(ctx: Context, g: Any, t: str, *, custom: bool, prefix: bool = False) -> int:
    """Workload pods one node of type ``t`` can run: kubelet max-pods (calculator) less the system pods, and the pod
    addresses (ENIs x slots; with Security Groups for Pods the trunk slot held back and the branch ENIs added,
    maxpods.sgp_capacity, the formula ip-usage uses) less the system pods that take an address."""
    itype = ctx.catalog.get(t)
    total, with_ip = system_pods(ctx, g.name)
    r = compute(itype, ctx.answers.cni_version, custom_networking=custom, prefix_delegation=prefix,
                max_eni=pod_max_eni(ctx.answers, itype))
    if sgp_on_nodes(ctx):
        branch = min(ctx.answers.security_groups_for_pods.pods_per_node, g.pods_per_node)
        addresses = sgp_capacity(itype, custom_networking=custom, prefix_delegation=prefix).pod_capacity(branch)
    else:
        addresses = (pod_eni_cap(itype, custom_networking=custom) - multus_enis(ctx.answers)) * r.slots_per_eni * \
            r.addresses_per_slot
    return max(min(r.max_pods - total, addresses - with_ip), 0)


def _secondary_max(ctx: Context, custom: bool) -> dict[str, int]:
    """Lowest secondary-IP pod capacity of each group (with or without custom networking): kubelet max-pods,
    lowered by the Security Groups for Pods trunk slot when SGP is on."""
    key = f"_secmax:{custom}"
    if key not in ctx.cache:
        out = {}
        for g in linux_groups(ctx):
            out[g.name] = min(secondary_capacity(ctx, g, t, custom=custom) for t in g.instance_types)
        ctx.cache[key] = out
    return ctx.cache[key]


@fact
def f_secondary_max_pods(ctx: Context) -> dict[str, int]:
    return _secondary_max(ctx, bool(ctx.decisions.get("custom_networking")))


@fact
def f_over_secondary_groups(ctx: Context) -> list[str]:
    sec = ctx.fact("secondary_max_pods")
    out = []
    for g in linux_groups(ctx):
        if g.pods_per_node <= sec[g.name]:
            continue
        held = [f"{system_pods(ctx, g.name)[0]} system pods"] if system_pods(ctx, g.name)[0] else []
        if sgp_on_nodes(ctx):
            held.append("the Security Groups for Pods trunk slot")
        note = f" after {' and '.join(held)}" if held else ""
        out.append(f"{g.name} ({g.pods_per_node} > {sec[g.name]}{note})")
    return out


@fact
def f_over_30_groups(ctx: Context) -> list[str]:
    return [f"{g.name} ({g.pods_per_node})" for g in linux_groups(ctx) if g.pods_per_node > DENSITY_PREFIX_THRESHOLD]


@fact
def f_density_summary(ctx: Context) -> str:
    sec = ctx.fact("secondary_max_pods")
    text = "; ".join(
        f"{g.name}: {g.pods_per_node} pods per node, secondary-IP room for {sec[g.name]}"
        + (f" beside {system_pods(ctx, g.name)[0]} system pods" if system_pods(ctx, g.name)[0] else "")
        for g in linux_groups(ctx))
    windows = [g.name for g in ctx.answers.node_groups if g.os == "windows"]
    if windows:
        text = "; ".join(filter(None, [text, f"Windows {', '.join(windows)}: one ENI, not decided here"]))
    return text or "Fargate only"


def _per_node_estimate(ctx: Context, g: Any, *, custom: bool, prefix: bool = False) -> int:
    """Node-subnet addresses one node of the group takes (ipamd model at default warm settings; Windows: its pool)."""
    t = min(g.instance_types, key=lambda n: ctx.catalog.get(n).max_enis * ctx.catalog.get(n).ipv4_per_eni)
    # Linux: the workload plus the system pods on the pod network (answers node_groups[].system_pods_with_ip)
    pods = g.pods_per_node if g.os == "windows" else g.pods_per_node + g.system_pods_with_ip
    u = node_usage_for(g.os, ctx.catalog.get(t), pods, custom_networking=custom, prefix_delegation=prefix,
                       catalog=ctx.catalog, cni_version=ctx.answers.cni_version)
    return int(u.node_subnet_addresses)


def _trial_plan(ctx: Context, *, prefix: bool) -> FitCheck:
    """Would the node subnets fit in the VPC's CIDR blocks as they are today (free primary space, existing subnets
    at their free addresses, no new CIDR, pods in the node subnets)? The planner answers, sized per AZ from the
    ipamd model at max nodes x growth, shrinkable to max nodes."""
    a = ctx.answers
    azs = a.az_names()
    n = len(azs)
    growth = a.network.growth_factor
    per_node = {g.name: _per_node_estimate(ctx, g, custom=False, prefix=prefix and g.os != "windows")
                for g in a.node_groups}

    def per_az(factor: float) -> int:  # nodes spread evenly over the AZs, as the cluster-usage model does
        nodes = sum(math.ceil(math.ceil(g.max_nodes * factor) / n) * per_node[g.name] for g in a.node_groups)
        return max(nodes + math.ceil(math.ceil(a.fargate_pods * factor) / n), 1)

    req = PlanRequest(
        vpc_cidr=a.network.vpc_cidr, secondary_cidrs=list(a.network.secondary_cidrs),
        existing_subnets=[ExistingSubnetIn(cidr=s.cidr, az=s.az, role=s.role, used_ips=s.used_ips)
                          for s in a.network.existing_subnets],
        onprem_cidrs=list(a.network.onprem_cidrs), cgnat_in_use=a.network.cgnat_in_use, azs=azs,
        reserved_cidrs=[n.cidr for n in a.multus.networks] if a.multus.needed else [],
        cluster_name=a.cluster_name, node_addresses_per_az=per_az(max(growth, 1.0)),
        node_addresses_per_az_floor=per_az(1.0), prefix_delegation=prefix)
    return fits_as_is(req)


def _prefix_possible(ctx: Context) -> bool:
    types = {t for g in linux_groups(ctx) for t in g.instance_types}
    return bool(types) and ctx.cni() >= PD_MIN_CNI and all(nitro_capable(ctx.catalog.get(t)) for t in types)


@fact
def f_exhaustion(ctx: Context) -> dict[str, Any]:
    """Are the VPC's IPv4 CIDR blocks short of room for the node subnets? Answered by the planner on the VPC as it
    is (free primary space counts; existing subnets count their free addresses), first with pods on secondary
    IPs, then with prefix delegation where every Linux type and the CNI allow it: the escalation ladder's first
    two rungs. ``exhausted`` means neither fits, so pods (or nodes) need another CIDR, or IPv6."""
    secondary = _trial_plan(ctx, prefix=False)
    prefix = _trial_plan(ctx, prefix=True) if not secondary.fits and _prefix_possible(ctx) else None
    fits_secondary = secondary.fits
    fits_prefix = prefix is not None and prefix.fits
    blocks = ", ".join([ctx.answers.network.vpc_cidr, *ctx.answers.network.secondary_cidrs])
    free = secondary.free
    need = secondary.short_by
    private = [s for s in ctx.answers.network.existing_subnets if s.role == "private"]
    if private:
        usable = sum(max(ipaddress.IPv4Network(s.cidr).num_addresses - 5, 0) for s in private)
        used = sum(s.used_ips for s in private)
        blocks = (f"{blocks} (existing node subnets {used} of {usable} addresses used "
                  f"({used / usable if usable else 1:.0%}), {usable - used} free)")
    if fits_secondary:
        detail = f"the free space of {blocks} holds new node subnets with pods on secondary IPs"
    elif fits_prefix:
        detail = (f"the free space of {blocks} is short by {need:,} addresses with pods on secondary IPs, but holds "
                  "the node subnets with prefix delegation")
    else:
        detail = (f"the free space of {blocks} cannot hold the node subnets even at max_nodes "
                  f"(short by {need:,} addresses in aligned blocks)")
    return {"exhausted": not fits_secondary and not fits_prefix, "secondary_fits": fits_secondary,
            "prefix_fits": fits_prefix, "detail": detail, "free": free, "need": need}


@fact
def f_node_cidr_exhausted(ctx: Context) -> bool:
    return bool(ctx.fact("exhaustion")["exhausted"])


@fact
def f_exhaustion_detail(ctx: Context) -> str:
    return ctx.fact("exhaustion")["detail"]


@fact
def f_ip_constrained(ctx: Context) -> bool:
    """IPv4 exhaustion is a stated concern, or pods on secondary IPs do not fit the VPC as it is."""
    return ctx.answers.ipv6.ipv4_exhaustion_concern or not ctx.fact("exhaustion")["secondary_fits"]


@fact
def f_constraint_detail(ctx: Context) -> str:
    parts = []
    if ctx.answers.ipv6.ipv4_exhaustion_concern:
        parts.append("IPv4 exhaustion is a stated concern")
    if not ctx.fact("exhaustion")["secondary_fits"]:
        parts.append(ctx.fact("exhaustion_detail"))
    return "; ".join(parts) or "not constrained"


@fact
def f_other_cidrs(ctx: Context) -> str:
    sec = ctx.answers.network.secondary_cidrs
    if sec:
        return "secondary CIDRs " + ", ".join(sec)
    if not ctx.answers.network.cgnat_in_use:
        return "100.64.0.0/10 (CG-NAT) can be associated as a secondary CIDR"
    return "none"


@fact
def f_secondary_cidr_detail(ctx: Context) -> str:
    """What the secondary_cidr strategy associates: the plan's new CIDRs, else the ones already there."""
    planned = [c for c in ctx.plan.get("secondary_cidrs") or [] if c not in ctx.answers.network.secondary_cidrs]
    if planned:
        return "the plan associates " + ", ".join(planned)
    return ctx.fact("other_cidrs")


@fact
def f_ipv6_exhaustion_note(ctx: Context) -> str:
    if ctx.answers.ipv6.ipv4_exhaustion_concern or not ctx.fact("node_cidr_exhausted"):
        return ""
    return f" (the node subnet CIDR is exhausted: {ctx.fact('exhaustion_detail')})"


@fact
def f_other_cidrs_available(ctx: Context) -> bool:
    return bool(ctx.answers.network.secondary_cidrs) or not ctx.answers.network.cgnat_in_use


def vpc_blocks(answers: Any) -> list[ipaddress.IPv4Network]:
    return [ipaddress.IPv4Network(answers.network.vpc_cidr)] + [ipaddress.IPv4Network(c) for c in answers.network.secondary_cidrs]


@fact
def f_overlapping_cidrs(ctx: Context) -> list[str]:
    out = []
    for block in vpc_blocks(ctx.answers):
        for c in ctx.answers.network.onprem_cidrs:
            if block.overlaps(ipaddress.IPv4Network(c)):
                out.append(f"{block} overlaps {c}")
    return out


@fact
def f_pod_cidr_note(ctx: Context) -> str:
    if ctx.answers.network.secondary_cidrs:
        return f" in {', '.join(ctx.answers.network.secondary_cidrs)}"
    if not ctx.answers.network.cgnat_in_use:
        return ", typically in a secondary CIDR from CG-NAT space (100.64.0.0/10)"
    return "; CG-NAT space is already in use, so the pod CIDR must come from another non-overlapping range"


@fact
def f_no_custom_networking_reason(ctx: Context) -> str:
    if ctx.decisions.get("ip_family") == "ipv6":
        return "Not available with IPv6."
    if ctx.fact("node_cidr_exhausted") and not ctx.fact("other_cidrs_available"):
        return "The node subnets are short of addresses but no other CIDR is available; see the IP exhaustion strategies."
    return "No separate pod CIDR is required and the node subnets have room: pods share the node subnets (simplest)."


@fact
def f_custom_networking_why_not(ctx: Context) -> str:
    if ctx.answers.network.cgnat_in_use and ctx.fact("node_cidr_exhausted"):
        return "Avoid custom networking when CG-NAT space is already in use: consider an alternate CNI or IPv6."
    return "No separate pod CIDR is required and the node subnet CIDR is not exhausted, so the ENIConfig overhead buys nothing."


@fact
def f_shared_subnets_why_not(ctx: Context) -> str:
    if ctx.answers.network.separate_pod_cidr_required:
        return "Pod traffic must come from a CIDR other than the nodes'."
    return f"The node subnet CIDR is exhausted ({ctx.fact('exhaustion_detail')}) and other CIDRs are available."


@fact
def f_secondary_why_not(ctx: Context) -> str:
    if ctx.fact("over_secondary_groups"):
        return f"Secondary-IP mode allows too few pods per node: {', '.join(ctx.fact('over_secondary_groups'))}."
    if ctx.fact("over_30_groups"):
        return f"More than 30 pods per node ({', '.join(ctx.fact('over_30_groups'))}): the seed says use prefix delegation."
    return f"The VPC is IP-constrained ({ctx.fact('constraint_detail')})."


@fact
def f_nitro_note(ctx: Context) -> str:
    bad = ctx.fact("non_nitro_types")
    return f"; {', '.join(bad)} are not Nitro and fall back to secondary IPs" if bad else " on every instance type (all Nitro)"


@fact
def f_regulated_note(ctx: Context) -> str:
    return " in a regulated environment" if ctx.answers.operations.regulated else ""


@fact
def f_external_access_note(ctx: Context) -> str:
    if not ctx.answers.operations.external_api_access:
        return ""
    return ("; the external CI/CD or users must then reach the API server over connected networks (VPN, Direct Connect, "
            "peering or transit gateway) because the public endpoint is off")


@fact
def f_public_private_why_not(ctx: Context) -> str:
    o = ctx.answers.operations
    if o.regulated:
        return "A regulated environment calls for private-only access."
    if not o.external_api_access:
        return "Nothing outside the VPC needs the API server, so the public endpoint is not needed."
    return f"A {o.environment} cluster does not need the private endpoint's extra set-up."


@fact
def f_standard_needs(ctx: Context) -> list[str]:
    s = ctx.answers.security_groups_for_pods
    out = []
    if s.nodelocal_dnscache:
        out.append("NodeLocal DNSCache")
    if s.network_policy:
        out.append("network policy")
    if s.external_traffic_policy_local:
        out.append("externalTrafficPolicy: Local")
    return out


@fact
def f_strict_why_not(ctx: Context) -> str:
    if ctx.answers.security_groups_for_pods.needed and ctx.answers.operations.auto_mode:
        return "Security Groups for Pods is not supported in EKS Auto Mode."
    needs = ctx.fact("standard_needs")
    if needs:
        return f"Strict mode breaks {', '.join(needs)}."
    return "Security Groups for Pods is not used."


@fact
def f_standard_why_not(ctx: Context) -> str:
    if not ctx.answers.security_groups_for_pods.needed:
        return "Security Groups for Pods is not used."
    if ctx.answers.operations.auto_mode:
        return "Security Groups for Pods is not supported in EKS Auto Mode."
    return "Nothing needs the node's security groups on pod traffic, so strict mode gives complete isolation."


@fact
def f_multus_version(ctx: Context) -> str:
    return ctx.answers.multus.version


def multus_fix_traced(multus: Any) -> bool:
    """The fact sheet traces the thick-plugin race fixes to upstream v4.2.3+ or AWS's v4.1.4-eksbuild.3 (and later
    builds): one home, :func:`eksadvisor.addressing.multus.thick_fix_included`."""
    return thick_fix_included(multus.version)


@fact
def f_multus_conflict(ctx: Context) -> str:
    if not multus_fix_traced(ctx.answers.multus):
        return " (CONFLICT: the fact sheet traces the fixes to AWS v4.1.4-eksbuild.3 and upstream v4.2.3)"
    return ""


@fact
def f_thin_why_not(ctx: Context) -> str:
    m = ctx.answers.multus
    if not m.needed:
        return "Multus is not needed."
    return f"The thick plugin {m.version} was asked for and includes the start-up race fix."


@fact
def f_prefix_support_why_not(ctx: Context) -> str:
    if ctx.decisions.get("prefix_wanted"):
        return f"VPC CNI {ctx.answers.cni_version} is older than {PD_MIN_TEXT}, which prefix delegation needs."
    return ""  # prefix was not wanted: the address_mode node already said why


@fact
def f_sgp_uses(ctx: Context) -> str:
    return "RDS/ElastiCache access, per-pod flow logs or EC2 migration"


@fact
def f_thick_why_not(ctx: Context) -> str:
    m = ctx.answers.multus
    if not m.needed:
        return "Multus is not needed."
    if m.plugin == "thin":
        return "Thin-plugin mode avoids the thick plugin's start-up race."
    return (f"Thick plugin {m.version} predates the start-up race fix (AWS's v4.1.4-eksbuild.3 manifest, upstream "
            "v4.2.3).")


def warm_advice(ctx: Context) -> Any:
    """warmpool's advice for the group that takes the most addresses (aws-node settings are cluster-wide)."""
    if "warm_advice" in ctx.decisions:
        return ctx.decisions["warm_advice"]

    prefix = ctx.decisions.get("address_mode") == "prefix" and ctx.decisions.get("ip_family") == "ipv4"
    custom = bool(ctx.decisions.get("custom_networking"))
    best = None
    for g in linux_groups(ctx):
        results = [compute(ctx.catalog.get(t), ctx.answers.cni_version, prefix_delegation=prefix, custom_networking=custom)
                   for t in g.instance_types]
        low = min(results, key=lambda r: (r.max_pods, r.instance_type))
        weight = g.max_nodes * max(g.pods_per_node, 1)
        if best is None or weight > best[0]:
            best = (weight, g, low)
    if best is None:  # Fargate only
        ctx.decisions["warm_advice"] = None
        return None
    _, g, low = best
    total, with_ip = system_pods(ctx, g.name)  # the IP-using pods advisor._usage costs: workload + system on the pod network
    pods = min(g.pods_per_node + with_ip, max(low.max_pods - (total - with_ip), 0))
    advice = recommend_warm_settings(
        ctx.catalog.get(low.instance_type), pods, prefix_delegation=prefix, custom_networking=custom,
        churn=ctx.answers.operations.pod_churn, address_scarcity=ctx.fact("warm_scarcity"),
        max_pods=low.max_pods, sgp=ctx.answers.security_groups_for_pods.needed, catalog=ctx.catalog,
    )
    ctx.decisions["warm_advice"] = advice
    ctx.decisions["warm_group"] = f"{g.name} ({low.instance_type}, {pods} IP-using pods per node)"
    return advice


@fact
def f_warm_group(ctx: Context) -> str:
    warm_advice(ctx)
    return ctx.decisions.get("warm_group", "none")


@fact
def f_warm_advice_reason(ctx: Context) -> str:
    advice = warm_advice(ctx)
    return advice.reason if advice is not None else ""


@fact
def f_warm_scarcity(ctx: Context) -> str:
    """Is the subnet that pays for warm addresses short? Without custom networking pods (and warm addresses) live in
    the node subnets: ip_constrained. With custom networking they live in the pod (ENIConfig) subnets, which are new
    ones in another CIDR unless pod subnets already exist: short only when existing pod subnets are
    EXHAUSTED_UTILISATION full, or no other CIDR is available for new ones."""
    if not ctx.decisions.get("custom_networking"):
        return "high" if ctx.fact("ip_constrained") else "low"
    pods = [s for s in ctx.answers.network.existing_subnets if s.role == "pod"]
    if pods:
        usable = sum(max(ipaddress.IPv4Network(s.cidr).num_addresses - 5, 0) for s in pods)
        used = sum(s.used_ips for s in pods)
        return "high" if not usable or used / usable >= EXHAUSTED_UTILISATION else "low"
    return "low" if ctx.fact("other_cidrs_available") else "high"


@fact
def f_warm_churn(ctx: Context) -> str:
    return ctx.answers.operations.pod_churn


@fact
def f_warm_prefix_why_not(ctx: Context) -> str:
    if not warm_tunable(ctx):
        return "No warm-pool tuning applies."
    if ctx.decisions.get("address_mode") != "prefix":
        return "WARM_PREFIX_TARGET only applies in prefix mode."
    return "The IP targets cost fewer subnet addresses per node for this churn (ipamd model)."


@fact
def f_warm_ip_why_not(ctx: Context) -> str:
    if not warm_tunable(ctx):
        return "No warm-pool tuning applies."
    advice = warm_advice(ctx)
    rows = [c for c in (advice.candidates if advice else []) if c.settings.warm_ip_target > 0]
    if rows:
        best = min(rows, key=lambda c: (c.verdict != "acceptable", c.subnet_addresses))
        detail = f"{best.label}: {best.reason.rstrip('.')}" if best.reason else f"{best.label} is not cheaper"
        if ctx.fact("warm_scarcity") != "high":
            where = "in the pod subnets that hold them" if ctx.decisions.get("custom_networking") else ""
            return f"Addresses are not scarce{' ' + where if where else ''}, so the simpler default is kept ({detail})."
        return f"{detail}."
    return "IP targets only pay where addresses are short."


@fact
def f_warm_eni_why_not(ctx: Context) -> str:
    if not warm_tunable(ctx):
        return "No warm-pool tuning applies."
    if ctx.decisions.get("address_mode") == "prefix":
        return "WARM_ENI_TARGET is never used in prefix mode (ipamd code)."
    return "A whole spare ENI per node costs more subnet addresses than the IP targets in this IP-constrained VPC."


@fact
def f_ipv6_why_not(ctx: Context) -> str:
    a = ctx.answers
    if not a.ipv6.ready:
        return "The cluster is not IPv6-ready (dual-stack VPC, tooling and dependencies)."
    if not ipv6_wanted(ctx):
        return ("IPv4 exhaustion is not a stated concern and the node subnets have room; IPv4 stays the default and IPv6 "
                "is irreversible.")
    if ctx.fact("windows_groups"):
        return f"Windows node groups ({', '.join(ctx.fact('windows_groups'))}) are not supported in IPv6 clusters."
    if ctx.fact("non_nitro_types"):
        return f"{', '.join(ctx.fact('non_nitro_types'))} are not Nitro-based; IPv6 needs Nitro instances."
    if a.network.separate_pod_cidr_required:
        return "Custom networking is needed for a separate security reason and is not available with IPv6."
    if ctx.cni() < IPV6_MIN_CNI:
        return f"IPv6 needs VPC CNI 1.10.1 or later; {a.cni_version} is planned."
    return ""


# Facts that depend on the answers only (not on decisions made during the walk): cached for the whole walk.
STATIC_FACTS = frozenset({
    "cni_version", "ipv6_ready", "ipv4_exhaustion_concern", "windows_groups", "non_nitro_types", "environment",
    "linux_non_nitro_types", "linux_non_trunking_types",
    "pods_per_node", "over_30_groups", "exhaustion", "node_cidr_exhausted", "exhaustion_detail", "ip_constrained",
    "constraint_detail", "other_cidrs", "other_cidrs_available", "overlapping_cidrs", "pod_cidr_note",
    "custom_networking_why_not", "shared_subnets_why_not", "nitro_note", "regulated_note", "public_private_why_not",
    "standard_needs", "strict_why_not", "standard_why_not", "multus_version", "multus_conflict", "thin_why_not",
    "thick_why_not", "sgp_uses", "ipv6_why_not", "warm_churn", "ipv6_exhaustion_note",
    "external_access_note",
})


# Answer paths each derived fact reads (for the data lint: every question is read somewhere).
_EXHAUSTION_INPUTS = (
    "network.existing_subnets", "network.vpc_cidr", "network.growth_factor", "node_groups[].desired_nodes",
    "node_groups[].max_nodes", "node_groups[].pods_per_node", "node_groups[].instance_types", "node_groups[].os",
    "node_groups[].system_pods_with_ip", "cni_version",
)
FACT_INPUTS: dict[str, tuple[str, ...]] = {
    "windows_groups": ("node_groups[].os",),
    "non_nitro_types": ("node_groups[].instance_types",),
    "linux_non_nitro_types": ("node_groups[].instance_types", "node_groups[].os"),
    "linux_non_trunking_types": ("node_groups[].instance_types", "node_groups[].os"),
    "cni_version": ("cni_version",),
    "pods_per_node": ("node_groups[].pods_per_node",),
    "secondary_max_pods": ("node_groups[].instance_types", "node_groups[].os", "cni_version",
                           "security_groups_for_pods.needed", "security_groups_for_pods.pods_per_node",
                           "node_groups[].system_pods", "node_groups[].system_pods_with_ip"),
    "node_cidr_exhausted": _EXHAUSTION_INPUTS,
    "ip_constrained": (*_EXHAUSTION_INPUTS, "ipv6.ipv4_exhaustion_concern"),
    "other_cidrs_available": ("network.secondary_cidrs", "network.cgnat_in_use"),
    "overlapping_cidrs": ("network.vpc_cidr", "network.secondary_cidrs", "network.onprem_cidrs"),
    "ip_family": (),
    "address_mode": (),
    "warm_scarcity": (*_EXHAUSTION_INPUTS, "ipv6.ipv4_exhaustion_concern", "network.secondary_cidrs",
                      "network.cgnat_in_use"),
    "warm_group": ("node_groups[].max_nodes", "node_groups[].pods_per_node", "node_groups[].instance_types",
                   "node_groups[].os"),
}


def ipv6_wanted(ctx: Context) -> bool:
    """IPv6-ready and IPv4 exhaustion is a real concern: stated, or the node subnets are exhausted (seed: prefer IPv6
    over custom networking when ready for it)."""
    a = ctx.answers
    return a.ipv6.ready and (a.ipv6.ipv4_exhaustion_concern or bool(ctx.fact("node_cidr_exhausted")))


def warm_tunable(ctx: Context) -> bool:
    """aws-node warm targets apply: an IPv4 cluster whose VPC CNI you run on Linux EC2 nodes (not IPv6, Auto Mode,
    Fargate or Windows only)."""
    return ctx.decisions.get("ip_family") == "ipv4" and not ctx.answers.operations.auto_mode and bool(linux_groups(ctx))


