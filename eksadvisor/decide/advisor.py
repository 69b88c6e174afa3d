"""``advise(answers)``: the product's core, composing every engine module into one Recommendation.

1. load and validate the answers (:mod:`eksadvisor.answers`);
2. walk the decision graph (:mod:`eksadvisor.decide.graph`): IP family, custom networking, address mode,
   endpoint access, SGP enforcing mode, Multus safety, warm-pool tuning;
3. max pods per instance type and node group (:mod:`eksadvisor.model.maxpods`; a group gets its lowest);
4. per-node and per-AZ address use (:mod:`eksadvisor.model.ipam`), the subnet plan (:mod:`eksadvisor.addressing.planner`);
5. aws-node settings, IP exhaustion strategies, warnings (:mod:`eksadvisor.decide.rules`), snippets, provenance.

Deterministic: the same answers give a byte-identical ``model_dump_json``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eksadvisor import __version__
from eksadvisor.addressing.planner import (
    ExistingSubnetIn,
    PlanRequest,
    plan_subnets,
    refusal_sentence,
    shortfall_remedy,
)
from eksadvisor.answers import Answers, load_answers
from eksadvisor.catalog import Catalog, load_catalog
from eksadvisor.decide.context import Context, GroupFacts
from eksadvisor.decide.facts import (
    STATIC_FACTS,
    linux_groups,
    multus_enis,
    nitro_capable,
    pod_max_eni,
    system_pods,
    trunk_supported,
)
from eksadvisor.decide.graph import Walk, choose_strategies, walk
from eksadvisor.errors import PlanDoesNotFit
from eksadvisor.model.ipam import NodeGroupLoad, WarmSettings, cluster_usage, node_usage_for, spread
from eksadvisor.model.maxpods import (
    AUTO_MODE_MAX_PODS,
    WINDOWS_SOURCE,
    compute,
    ipv6_max_pods,
    sgp_capacity,
    windows_max_pods,
)
from eksadvisor.recommendation import (
    Alternative,
    AzUsageOut,
    NodeGroupOut,
    Provenance,
    Recommendation,
    RuleWarning,
    SubnetOut,
    TraceStep,
)

IPAMD_MODEL = "amazon-vpc-cni-k8s b52188387f (v1.23.1), ipamd-model.md"
SEED = "EKS networking best practices (seed 000_ead66e69659c0f2c)"


# ------------------------------------------------------------------------------------ max pods

def _windows_detail(itype: Any) -> dict[str, Any]:
    value = windows_max_pods(itype)
    return {
        "mode": "windows", "max_pods": value, "raw_max_pods": value, "ceiling": value, "capped": False,
        "formula": f"{itype.ipv4_per_eni} - 1 = {value}",
        "notes": [f"Windows: {WINDOWS_SOURCE}. The VPC resource controller assigns these addresses, not ipamd; "
                  "EKS sets this max pods on Windows nodes itself."],
    }


def _windows_nodes(ctx: Context, g: Any) -> bool:
    """A Windows group in an IPv4 cluster (IPv6 leaves Windows groups out): one ENI, the VPC resource controller's
    pool, EKS's max pods -- beside Auto Mode too, since Windows nodes are not Auto Mode nodes [EKS-WINDOWS]."""
    return g.os == "windows" and ctx.decisions["ip_family"] == "ipv4"


def _ipv6_detail(itype: Any) -> dict[str, Any]:
    """IPv6: pods take addresses from a /80 per node; the formula's value is capped at the recommended ceiling."""
    r6 = ipv6_max_pods(itype)
    return {
        "mode": "ipv6", "max_pods": r6.recommended_max_pods, "raw_max_pods": r6.formula_max_pods,
        "ceiling": r6.ceiling, "capped": r6.formula_max_pods > r6.ceiling,
        "formula": f"{itype.max_enis} x ({itype.ipv4_per_eni} - 1) x 16 + 2 = {r6.formula_max_pods}",
        "notes": list(r6.notes),
    }


def _auto_mode_detail(ctx: Context, itype: Any) -> dict[str, Any]:
    """EKS Auto Mode sets max pods itself: the lower of 110 and the standard ENI calculation
    (fact sheet §10, EKS-INSTTYPE / EKS-AUTO-NC), whatever the address mode."""
    r = compute(itype, ctx.answers.cni_version, show_max_allowed=True, catalog_snapshot=ctx.catalog.meta.snapshot_date)
    value = min(AUTO_MODE_MAX_PODS, r.raw_max_pods)
    return {
        "mode": "auto_mode", "max_pods": value, "raw_max_pods": r.raw_max_pods, "ceiling": AUTO_MODE_MAX_PODS,
        "capped": r.raw_max_pods > AUTO_MODE_MAX_PODS, "formula": r.formula(),
        "notes": [f"EKS Auto Mode: max pods = min({AUTO_MODE_MAX_PODS}, standard ENI calculation {r.raw_max_pods}) = "
                  f"{value}; AWS sets it, not the kubelet configuration you write.", *r.notes],
    }


def _eni_detail(ctx: Context, itype: Any, *, prefix: bool, custom: bool) -> dict[str, Any]:
    """The calculator's value for the address mode, over the ENIs ipamd may use (Multus ENIs are not ipamd's)."""
    r = compute(itype, ctx.answers.cni_version, prefix_delegation=prefix, custom_networking=custom,
                max_eni=pod_max_eni(ctx.answers, itype), catalog_snapshot=ctx.catalog.meta.snapshot_date)
    detail: dict[str, Any] = {
        "mode": r.mode, "max_pods": r.max_pods, "raw_max_pods": r.raw_max_pods, "ceiling": r.ceiling,
        "capped": r.capped, "formula": r.formula(), "notes": list(r.notes),
    }
    extra_enis = multus_enis(ctx.answers)
    if extra_enis:
        detail["notes"].append(
            f"Multus: {extra_enis} extra ENI(s) per node tagged no_manage are not ipamd's, so "
            f"max-pods counts {itype.max_enis} - {extra_enis} ENIs (hasRoomForEni, "
            "pkg/ipamd/ipamd.go; VPC CNI README 'No Manage tag').")
    return detail


def _sgp_detail(itype: Any, *, prefix: bool, custom: bool) -> dict[str, Any]:
    """Security Groups for Pods: whether the type can trunk, and the ENIs left for ordinary pods."""
    cap = sgp_capacity(itype, prefix_delegation=prefix, custom_networking=custom)
    return {"supported": cap.supported, "branch_enis": cap.branch_enis,
            "enis_for_ip_pods": cap.enis_for_ip_pods, "notes": list(cap.notes)}


def _linux_type_detail(ctx: Context, itype: Any) -> dict[str, Any]:
    """Max pods of one type on Linux nodes (Recommendation.max_pods_detail[type]): the mode's figure, then the SGP
    capacity when pods need security groups (IPv4 only), then the vCPUs (key order is the JSON's)."""
    d = ctx.decisions
    ipv6 = d["ip_family"] == "ipv6"
    prefix = d["address_mode"] == "prefix"
    custom = bool(d.get("custom_networking"))
    if ipv6:
        detail = _ipv6_detail(itype)
    elif ctx.answers.operations.auto_mode:
        detail = _auto_mode_detail(ctx, itype)
    else:
        detail = _eni_detail(ctx, itype, prefix=prefix, custom=custom)
    if ctx.answers.security_groups_for_pods.needed and not ipv6:
        detail["sgp"] = _sgp_detail(itype, prefix=prefix, custom=custom)
    detail["vcpus"] = itype.vcpus
    detail["vcpus_estimated"] = itype.vcpus_estimated
    return detail


def _group_max_pods(ctx: Context, g: Any) -> GroupFacts:
    """One kubelet max-pods for a node group: the lowest of its types (per-type details kept in ``ctx.cache``)."""
    by_type: dict[str, int] = {}
    detail: dict[str, dict[str, Any]] = {}
    windows = _windows_nodes(ctx, g)
    for t in g.instance_types:
        itype = ctx.catalog.get(t)
        if windows:
            # One ENI, resource-controller IPAM [EKS-WINDOWS]; kept apart from the Linux figures of the same type.
            win = _windows_detail(itype)
            by_type[t] = win["max_pods"]
            ctx.cache.setdefault("windows_max_pods_detail", {})[t] = win
            continue
        detail[t] = _linux_type_detail(ctx, itype)
        by_type[t] = detail[t]["max_pods"]
    if not windows and not ctx.answers.operations.auto_mode:
        _explicit_max_pods(ctx, g, by_type, detail)
    lowest = min(sorted(by_type), key=lambda t: by_type[t])
    ctx.cache.setdefault("max_pods_detail", {}).update(detail)
    ctx.cache.setdefault("feature_support", {})[g.name] = _feature_support(ctx, g, windows)
    return GroupFacts(
        name=g.name, os=g.os, instance_types=list(g.instance_types), pods_per_node=g.pods_per_node,
        desired_nodes=g.desired_nodes, max_nodes=g.max_nodes, max_pods_by_type=by_type,
        max_pods=by_type[lowest], limiting_type=lowest if len(set(by_type.values())) > 1 else "",
    )


def _explicit_max_pods(ctx: Context, g: Any, by_type: dict[str, int], detail: dict[str, dict[str, Any]]) -> None:
    """110/250 is the calculator's recommended ceiling, not a kubelet limit (fact sheet §11, AMI-MAXPODS): when a group
    needs more pods per node (workload + system pods) than the recommended value but no more than the raw ENI ceiling
    of a type, max-pods is set explicitly to what it needs (rule max-pods-above-recommended warns); above the raw
    ceiling the recommended value stays and pods-exceed-max-pods is critical."""
    total, _ = system_pods(ctx, g.name)
    need = g.pods_per_node + total
    for t, value in list(by_type.items()):
        raw = detail[t]["raw_max_pods"]
        if value < need and g.pods_per_node <= raw:
            explicit = min(need, raw)  # the workload fits the ENIs; system pods beyond raw: system-pods-exceed-max-pods
            by_type[t] = explicit
            ctx.cache.setdefault("explicit_max_pods", {}).setdefault(g.name, []).append(
                {"type": t, "recommended": value, "raw": raw, "formula": detail[t]["formula"], "max_pods": explicit})
            detail[t] = {**detail[t], "max_pods": explicit, "explicit": True, "notes": [
                *detail[t]["notes"],
                f"Set explicitly to {explicit} for group {g.name} ({g.pods_per_node} workload + {total} system pods"
                + (", capped at the raw ENI ceiling" if explicit < need else "")
                + f"): above the calculator's recommended {value}, within the raw ENI ceiling {raw}; AWS recommends "
                "staying at or below 110/250 for kubelet and container-runtime scalability, so test pod start-up at "
                "this density."]}


def _feature_support(ctx: Context, g: Any, windows: bool) -> dict[str, dict[str, list[str]]]:
    """Per feature the cluster wants, which types of this (Linux, IPv4) group support it: prefix delegation on Nitro or
    bare metal (graph.nitro_capable), Security Groups for Pods on trunk-capable types (maxpods.trunk_supported)."""
    d = ctx.decisions
    if windows or d["ip_family"] != "ipv4" or ctx.answers.operations.auto_mode:
        return {}
    checks = []
    if d["address_mode"] == "prefix" or d.get("prefix_unsupported"):
        checks.append(("prefix_delegation", nitro_capable))
    if ctx.answers.security_groups_for_pods.needed:
        checks.append(("security_groups_for_pods", trunk_supported))
    out = {}
    for name, supports in checks:
        ok = [t for t in g.instance_types if supports(ctx.catalog.get(t))]
        out[name] = {"supported": ok, "unsupported": [t for t in g.instance_types if t not in ok]}
    return out


def _system_pods_out(ctx: Context, g: Any) -> dict[str, int]:
    """NodeGroupOut.system_pods: DaemonSet/add-on pods per node, how many take a VPC address, and the room they
    leave under max-pods for the workload."""
    total, with_ip = system_pods(ctx, g.name)
    if g.os == "windows":
        return {}
    return {"total": total, "with_ip": with_ip, "host_network": total - with_ip,
            "workload_room": max(g.max_pods - total, 0)}


# ------------------------------------------------------------------------------------ settings

def _warm(ctx: Context) -> Any:
    advice = ctx.decisions.get("warm_advice")
    tuning = ctx.decisions.get("warm_tuning")
    if advice is not None and tuning in ("warm_ip_target", "warm_prefix_target", "warm_eni_target"):
        return advice.chosen.settings
    return WarmSettings()


def _settings(ctx: Context, warm: Any) -> tuple[dict[str, str], dict[str, str]]:
    d = ctx.decisions
    if ctx.answers.operations.auto_mode:
        return {}, {}
    env: dict[str, str] = {}
    init: dict[str, str] = {}
    if d["ip_family"] == "ipv6":
        env["ENABLE_IPv6"] = "true"
        # the shipped manifest sets ENABLE_IPv4=true, and ipamd refuses to start with both on (isConfigValid,
        # pkg/ipamd/ipamd.go: "VPC CNI currently does not support dual stack mode")
        env["ENABLE_IPv4"] = "false"
        env["ENABLE_PREFIX_DELEGATION"] = "true"
        init["ENABLE_IPv6"] = "true"
    elif not linux_groups(ctx):
        pass  # Fargate or Windows only: no node runs aws-node, so no address mode or warm-pool settings apply
    else:
        if d["address_mode"] == "prefix":
            env["ENABLE_PREFIX_DELEGATION"] = "true"
            if warm.ip_targets_defined:
                env["WARM_IP_TARGET"] = str(warm.warm_ip_target)
                env["MINIMUM_IP_TARGET"] = str(warm.minimum_ip_target)
            else:
                # ipamd's code default is 0 when absent (the manifest sets 1): always explicit.
                env["WARM_PREFIX_TARGET"] = str(warm.warm_prefix_target)
        else:
            if warm.ip_targets_defined:
                env["WARM_ENI_TARGET"] = str(warm.warm_eni_target)
                env["WARM_IP_TARGET"] = str(warm.warm_ip_target)
                env["MINIMUM_IP_TARGET"] = str(warm.minimum_ip_target)
            else:
                env["WARM_ENI_TARGET"] = str(warm.warm_eni_target)
        if d.get("custom_networking"):
            env["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"] = "true"
            env["ENI_CONFIG_LABEL_DEF"] = "topology.kubernetes.io/zone"
    mode = d.get("sgp_mode")
    if mode in ("strict", "standard"):
        env["ENABLE_POD_ENI"] = "true"
        env["POD_SECURITY_GROUP_ENFORCING_MODE"] = mode
        env["AWS_VPC_K8S_CNI_EXTERNALSNAT"] = "true"
        if mode == "strict":
            init["DISABLE_TCP_EARLY_DEMUX"] = "true"
    return dict(sorted(env.items())), dict(sorted(init.items()))


# ------------------------------------------------------------------------------ usage and plan

def _usage(ctx: Context, groups: list[GroupFacts], warm: Any, azs: list[str]) -> tuple[Any, Any]:
    """Per-node usage (worst type of each group) and cluster usage at max and at max x growth."""
    d = ctx.decisions
    prefix = d["address_mode"] == "prefix"
    custom = bool(d.get("custom_networking"))
    sgp = d.get("sgp_mode") in ("strict", "standard")
    loads, loads_growth = [], []
    growth = ctx.answers.network.growth_factor
    for g in groups:
        worst = None
        windows = _windows_nodes(ctx, g)
        # IP-using pods: the workload plus the system pods on the pod network; kubelet schedules at most max-pods
        # pods in all, hostNetwork system pods included (answers node_groups[].system_pods)
        total, with_ip = system_pods(ctx, g.name)
        pods = min(g.pods_per_node + with_ip, max(g.max_pods - (total - with_ip), 0))
        # pods with their own security groups ride on branch ENIs (one address each), not on ipamd
        branch = min(ctx.answers.security_groups_for_pods.pods_per_node, g.pods_per_node, pods) if sgp and not windows else 0
        for t in g.instance_types:
            # Windows: one ENI, the VPC resource controller's pool, all in the node subnet [EKS-WINDOWS]
            u = node_usage_for("windows" if windows else "linux", ctx.catalog.get(t), pods, prefix_delegation=prefix,
                               custom_networking=custom, warm=warm, max_pods=g.max_pods, sgp=sgp, catalog=ctx.catalog,
                               cni_version=ctx.answers.cni_version, branch_pods=branch,
                               max_eni=None if windows else pod_max_eni(ctx.answers, ctx.catalog.get(t)))
            if worst is None or (u.subnet_addresses, u.instance_type) > (worst.subnet_addresses, worst.instance_type):
                worst = u
        assert worst is not None, "a node group has at least one instance type (answers validation)"
        g.usage = worst
        common: dict[str, Any]
        if windows:
            common = {"name": g.name, "instance_type": worst.instance_type, "pods_per_node": pods,
                      "max_pods": g.max_pods, "os": "windows"}
        else:
            common = {"name": g.name, "instance_type": worst.instance_type, "pods_per_node": pods,
                      "branch_pods": branch, "prefix_delegation": prefix, "custom_networking": custom, "warm": warm,
                      "max_pods": g.max_pods, "sgp": sgp}
        loads.append(NodeGroupLoad(desired_nodes=g.desired_nodes, max_nodes=g.max_nodes, **common))
        grown = max(math.ceil(g.max_nodes * growth), g.max_nodes)
        loads_growth.append(NodeGroupLoad(desired_nodes=g.desired_nodes, max_nodes=grown, **common))
    if not loads:
        return None, None
    at_max = cluster_usage(loads, azs, catalog=ctx.catalog, cni_version=ctx.answers.cni_version)
    at_growth = (cluster_usage(loads_growth, azs, catalog=ctx.catalog, cni_version=ctx.answers.cni_version)
                 if growth != 1.0 else at_max)
    return at_max, at_growth


def _fargate_budget(ctx: Context, azs: list[str]) -> dict[str, Any]:
    """Fargate pods in the IP budget: one pod per micro-VM, each with one address from a private subnet of its Fargate
    profile (no public subnets; an IPv4 address in IPv6 clusters too) [EKS-FARGATE]; spread over the AZs like nodes
    (ipam.spread). The subnet plan sizes the node subnets for them (with the growth factor)."""
    pods = ctx.answers.fargate_pods
    if not pods:
        return {}
    notes = [
        "Each Fargate pod runs in its own micro-VM with one ENI and one address from a private subnet of its Fargate "
        "profile; Fargate profiles accept private subnets only (EKS user guide, Fargate profiles).",
        "The plan sizes the private (node) subnets for them: list those subnets in the Fargate profile (ENIConfig "
        "custom networking does not apply to Fargate pods).",
    ]
    if ctx.decisions["ip_family"] == "ipv6":
        notes.append("IPv6 cluster: each Fargate pod still takes an IPv4 address from the subnet besides its IPv6 address.")
    return {"pods": pods, "addresses": pods, "per_az": spread(pods, azs), "subnet_role": "private", "notes": notes}


def _with_fargate(az_usage: list[Any], fargate: dict[str, Any]) -> list[Any]:
    """AzUsageOut rows with the Fargate addresses of each AZ (rows of zero nodes when no node group exists)."""
    if not fargate:
        return az_usage
    per_az = fargate["per_az"]
    known = {u.az for u in az_usage}
    rows = [u.model_copy(update={"fargate_addresses": per_az.get(u.az, 0)}) for u in az_usage]
    rows += [AzUsageOut(az=az, nodes_desired=0, nodes_max=0, node_subnet_addresses_desired=0, node_subnet_addresses_max=0,
                     fargate_addresses=n) for az, n in per_az.items() if az not in known]
    return rows


def _per_node_dict(u: Any, ipv6: bool) -> dict[str, Any]:
    if ipv6:
        return {
            "instance_type": u.instance_type if u is not None else "",
            "enis": 1, "ipv6_prefixes": 1, "secondary_ips": 0, "prefixes": 0, "free_ips": 0,
            "node_subnet_addresses": 1, "pod_subnet_addresses": 0, "subnet_addresses": 1,
            "flags": [], "notes": ["IPv6: one /80 on the primary ENI at bootstrap; one IPv4 address per node from the subnet."],
        }
    if u.os == "windows":
        return {
            "instance_type": u.instance_type, "os": "windows", "mode": u.mode, "pods": u.pods, "max_pods": u.max_pods,
            "enis": u.enis, "secondary_ips": u.secondary_ips, "prefixes": 0, "free_ips": u.free_ips,
            "node_subnet_addresses": u.node_subnet_addresses, "pod_subnet_addresses": 0,
            "subnet_addresses": u.subnet_addresses, "branch_enis": 0, "flags": sorted(f.id for f in u.flags),
            "warm_ip_target": u.windows_targets["warm_ip_target"],
            "minimum_ip_target": u.windows_targets["minimum_ip_target"],
        }
    return {
        "instance_type": u.instance_type, "mode": u.mode, "pods": u.pods, "max_pods": u.max_pods,
        "enis": u.enis, "secondary_ips": u.secondary_ips, "prefixes": u.prefixes, "free_ips": u.free_ips,
        "node_subnet_addresses": u.node_subnet_addresses, "pod_subnet_addresses": u.pod_subnet_addresses,
        "subnet_addresses": u.subnet_addresses, "branch_enis": u.branch_enis, "flags": sorted(f.id for f in u.flags),
    }


def _fargate_per_az(pods: float, azs: list[str]) -> int:
    """Fargate addresses per AZ: one per pod, spread evenly (rounded up)."""
    return math.ceil(math.ceil(pods) / len(azs)) if pods else 0


def per_az_need(ctx: Context, usage: Any, fargate_pods: float, azs: list[str]) -> tuple[int, int, int]:
    """(node, pod, prefix) subnet figures per AZ for one cluster-usage scenario (surge and AZ loss included)."""
    d = ctx.decisions
    fargate_per_az = _fargate_per_az(fargate_pods, azs)
    if usage is None:
        return fargate_per_az, 0, 0
    if d["ip_family"] == "ipv6":  # one IPv4 per node; pods take IPv6 from the node's /80
        nodes = max(z.max.nodes for z in usage.per_az) + max((z.surge_extra.nodes for z in usage.per_az), default=0)
        return nodes + fargate_per_az, 0, 0
    node = max(z.worst_node_subnet_addresses for z in usage.per_az)
    pod = max(z.worst_pod_subnet_addresses for z in usage.per_az)
    prefixes = 0
    if d["address_mode"] == "prefix":
        prefixes = max(sum(g.per_node.prefixes * g.nodes_max.get(z.az, 0) for g in usage.groups) for z in usage.per_az)
    return node + fargate_per_az, pod, prefixes


def _plan(ctx: Context, azs: list[str], growth_usage: Any, *, service_cidr: str | None = None,
          public_prefix: int | None = None, max_usage: Any = None) -> tuple[Any, dict[str, Any]]:
    """The subnet plan sized from the cluster usage at max nodes x growth (surge included), and that sizing.
    When that does not fit, subnets may shrink to what ``max_usage`` (max nodes, no growth) needs."""
    a = ctx.answers
    d = ctx.decisions
    ipv6 = d["ip_family"] == "ipv6"
    growth = a.network.growth_factor
    node_per_az, pod_per_az, prefixes_per_az = per_az_need(ctx, growth_usage, a.fargate_pods * growth, azs)
    fargate_per_az = _fargate_per_az(a.fargate_pods * growth, azs)
    node_floor, pod_floor, _ = per_az_need(ctx, max_usage if max_usage is not None else growth_usage,
                                            a.fargate_pods, azs)
    req = PlanRequest(
        vpc_cidr=a.network.vpc_cidr,
        secondary_cidrs=list(a.network.secondary_cidrs),
        existing_subnets=[ExistingSubnetIn(cidr=s.cidr, az=s.az, role=s.role, used_ips=s.used_ips) for s in a.network.existing_subnets],
        onprem_cidrs=list(a.network.onprem_cidrs),
        cgnat_in_use=a.network.cgnat_in_use,
        azs=azs,
        cluster_name=a.cluster_name,
        node_addresses_per_az=max(node_per_az, 1),
        pod_addresses_per_az=pod_per_az if d.get("custom_networking") else 0,
        node_addresses_per_az_floor=max(min(node_floor, node_per_az), 1),
        pod_addresses_per_az_floor=min(pod_floor, pod_per_az) if d.get("custom_networking") else 0,
        add_secondary_cidrs=True,
        routable_for_overlap=True,
        multus_networks={n.name: n.cidr for n in a.multus.networks} if a.multus.needed else {},
        custom_networking=bool(d.get("custom_networking")),
        prefix_delegation=d["address_mode"] == "prefix" and not ipv6,
        prefixes_per_az=prefixes_per_az,
        service_cidr=service_cidr,
        **({"public_subnet_prefix": public_prefix} if public_prefix is not None else {}),
    )
    sizing = {
        "ip_family": d["ip_family"], "address_mode": d["address_mode"], "custom_networking": req.custom_networking,
        "node_addresses_per_az": req.node_addresses_per_az, "pod_addresses_per_az": req.pod_addresses_per_az,
        "prefixes_per_az": prefixes_per_az, "fargate_addresses_per_az": fargate_per_az,
        "growth_factor": a.network.growth_factor,
        "node_addresses_per_az_floor": req.node_addresses_per_az_floor,
        "assumptions": list(growth_usage.assumptions) if growth_usage is not None else [],
    }
    return plan_subnets(req), sizing


def _plan_step(plan: Any, sizing: dict[str, Any], answers: Answers, refusal: str) -> dict[str, Any]:
    """The subnet plan as a step of the walk: which rung of the address-pressure ladder it took (new subnets in the
    VPC's free space, sized down to max nodes, new /16 secondary CIDRs) or why no complete plan exists."""
    blocks = ", ".join(plan.vpc_cidrs)
    new = [c for c in plan.secondary_cidrs if c not in answers.network.secondary_cidrs]
    reduced = any(f.id == "growth-headroom-reduced" for f in plan.findings)
    need, floor = sizing["node_addresses_per_az"], sizing.get("node_addresses_per_az_floor") or sizing["node_addresses_per_az"]
    if refusal:
        outcome, reason = "refused", refusal
    elif new:
        outcome = "new_secondary_cidrs"
        reason = (f"The plan associates {', '.join(new)}: the free space of {blocks} does not hold every subnet it needs "
                  "(node, pod, cluster, public, or routable ones for an on-prem overlap) even at max_nodes; EKS accepts "
                  "subnets from any associated IPv4 block.")
    elif reduced:
        outcome = "reduced_headroom"
        reason = (f"The free space of {blocks} holds the subnets at max_nodes ({floor:,} node-subnet addresses per AZ) "
                  f"but not at max_nodes x growth_factor ({need:,}): they are sized down (growth-headroom-reduced).")
    else:
        outcome = "fits"
        reason = (f"The free space of {blocks} holds every subnet at max_nodes x growth_factor ({need:,} node-subnet "
                  "addresses per AZ).")
    return {"node": "subnet_plan", "inputs": {"vpc_cidrs": list(plan.vpc_cidrs), "node_addresses_per_az": need,
                                              "node_addresses_per_az_floor": floor, "new_secondary_cidrs": new},
            "outcome": outcome, "reason": reason, "source": "Subnet Planning; IP Exhaustion Strategies"}


# ------------------------------------------------------------------------------------ summary

def _summary(ctx: Context, groups: list[GroupFacts]) -> str:
    d = ctx.decisions
    parts = []
    fam = "IPv6" if d["ip_family"] == "ipv6" else "IPv4"
    mode = "prefix delegation" if d["address_mode"] == "prefix" else "secondary-IP mode"
    parts.append(f"{fam} with {mode}" + (" and custom networking" if d.get("custom_networking") else ""))
    parts.append({"public": "a public API endpoint", "public_private": "public and private API endpoints",
                  "private": "a private API endpoint only"}[d["endpoint_access"]])
    if d.get("sgp_mode") in ("strict", "standard"):
        parts.append(f"Security Groups for Pods in {d['sgp_mode']} mode")
    if d.get("multus") in ("thin", "thick"):
        parts.append(f"Multus ({d['multus']} plugin)")
    mp = ", ".join(f"{g.name} {g.max_pods}" for g in groups)
    text = "Recommended: " + "; ".join(parts) + "."
    if mp:
        text += f" Max pods per node group: {mp}."
    if ctx.answers.operations.auto_mode:
        text += " EKS Auto Mode runs pod networking, so no aws-node settings are given."
    return text


# ------------------------------------------------------------------------------------ advise

@dataclass
class Prepared:
    """What advise(), subnet_plan() and compare() share: the walk, the figures and the subnet plan for one set
    of answers (and, for compare(), one forced option)."""

    answers: Answers
    ctx: Context
    result: Walk  # the decision-graph walk: trace, alternatives, decisions
    groups: list[GroupFacts]
    max_pods_detail: dict[str, Any]  # Recommendation.max_pods_detail, every type of every group
    at_max: Any  # ipam.ClusterUsage at max nodes (None without EC2 node groups)
    plan: Any  # planner.SubnetPlan
    sizing: dict[str, Any]  # the per-AZ figures the plan was sized from


def plan_facts(plan: Any) -> dict[str, Any]:
    """The subnet plan as the rules read it (``Context.plan``): advise() and compare() set the same dict."""
    return {
        "fits": plan.fits,
        "shortfall": plan.shortfall.reason if plan.shortfall else "",
        "findings": [f.model_dump(mode="json") for f in plan.findings],
        "subnets": [
            {"name": s.name, "role": s.role, "az": s.az, "cidr": s.cidr, "usable_ips": s.usable_ips,
             "tags": dict(sorted(s.tags.items())), "existing": s.existing, **({"network": s.network} if s.network else {})}
            for s in plan.subnets
        ],
        "secondary_cidrs": list(plan.secondary_cidrs),
        "remedy": shortfall_remedy(plan) if not plan.complete else "",
        "next_secondary": plan.next_secondary_cidr or "",
    }


def az_usage_out(at_max: Any, ipv6: bool) -> list[AzUsageOut]:
    """Per-AZ nodes and subnet addresses at desired and at max (Recommendation.az_usage); IPv6 nodes take one
    IPv4 node-subnet address each and pods none. compare() sums the same figures."""
    out: list[AzUsageOut] = []
    if at_max is None:
        return out
    for z in at_max.per_az:
        if ipv6:
            out.append(AzUsageOut(az=z.az, nodes_desired=z.desired.nodes, nodes_max=z.max.nodes,
                               node_subnet_addresses_desired=z.desired.nodes, node_subnet_addresses_max=z.max.nodes))
        else:
            out.append(AzUsageOut(
                az=z.az, nodes_desired=z.desired.nodes, nodes_max=z.max.nodes,
                node_subnet_addresses_desired=z.desired.node_subnet_addresses,
                node_subnet_addresses_max=z.max.node_subnet_addresses,
                pod_subnet_addresses_desired=z.desired.pod_subnet_addresses,
                pod_subnet_addresses_max=z.max.pod_subnet_addresses,
            ))
    return out


def _max_pods_detail(ctx: Context) -> dict[str, Any]:
    """The per-type details the groups left in ``ctx.cache``: a type Windows groups use too gets its Windows figure
    under "windows"; a type only Windows groups use is the Windows figure itself."""
    detail: dict[str, Any] = ctx.cache.pop("max_pods_detail", {})
    for t, win in ctx.cache.pop("windows_max_pods_detail", {}).items():
        if t in detail:
            detail[t]["windows"] = win
        else:
            detail[t] = {**win, "vcpus": ctx.catalog.get(t).vcpus, "vcpus_estimated": ctx.catalog.get(t).vcpus_estimated}
    return detail


def prepare(answers: Answers | Mapping[str, Any] | str | Path, catalog: Catalog | None, *,
             service_cidr: str | None = None, public_prefix: int | None = None,
             force: Mapping[str, Any] | None = None, static_facts: Mapping[str, Any] | None = None) -> Prepared:
    """Decisions, max pods, warm pool, settings, usage and the subnet plan: what advise() and
    subnet_plan() share, so both size subnets from the same figures. Never raises for a plan that does not
    fit (``plan.fits``/``plan.shortfall`` say so). ``force`` ({decision node id: outcome}, e.g.
    ``{"address_mode": "prefix"}``) makes the walk take that outcome at that node (see graph.walk); compare() uses it,
    with ``static_facts`` (a previous context's cache for the same answers: only graph.STATIC_FACTS are taken, the
    facts that depend on the answers alone) so the trial plans behind them run once, not once per option."""
    a = load_answers(answers)
    ctx = Context(answers=a, catalog=catalog or load_catalog())
    if static_facts:
        ctx.cache.update({k: v for k, v in static_facts.items() if k in STATIC_FACTS})
    result = walk(ctx, force=force)
    azs = a.az_names()
    groups = [_group_max_pods(ctx, g) for g in a.node_groups]
    max_pods_detail = _max_pods_detail(ctx)
    ctx.groups = groups
    warm = _warm(ctx)
    ctx.settings, ctx.init_settings = _settings(ctx, warm)
    at_max, at_growth = _usage(ctx, groups, warm, azs)
    plan, sizing = _plan(ctx, azs, at_growth, service_cidr=service_cidr, public_prefix=public_prefix, max_usage=at_max)
    return Prepared(answers=a, ctx=ctx, result=result, groups=groups, max_pods_detail=max_pods_detail,
                    at_max=at_max, plan=plan, sizing=sizing)


def subnet_plan(answers: Answers | Mapping[str, Any] | str | Path, *, catalog: Catalog | None = None,
                service_cidr: str | None = None, public_prefix: int | None = None) -> tuple[Any, dict[str, Any]]:
    """The subnet plan advise() would recommend (same mode decisions, same per-node ipamd figures), with
    the per-AZ sizing it was built from. ``service_cidr``/``public_prefix`` override planner inputs."""
    p = prepare(answers, catalog, service_cidr=service_cidr, public_prefix=public_prefix)
    return p.plan, p.sizing


def _node_group_out(ctx: Context, g: GroupFacts, usage: Any, ipv6: bool) -> NodeGroupOut:
    """One node group of the Recommendation: max pods, per-node addresses, and the subnet addresses at max nodes
    (from the cluster usage when there is one, IPv4 only)."""
    per_node = _per_node_dict(g.usage, ipv6)
    node_at_max = per_node["node_subnet_addresses"] * g.max_nodes
    pod_at_max = per_node["pod_subnet_addresses"] * g.max_nodes
    if usage is not None and not ipv6:
        node_at_max = usage.per_node_node_subnet_addresses * g.max_nodes
        pod_at_max = usage.per_node_pod_subnet_addresses * g.max_nodes
    return NodeGroupOut(
        name=g.name, instance_types=g.instance_types, max_pods=g.max_pods,
        max_pods_by_type=dict(sorted(g.max_pods_by_type.items())), limiting_type=g.limiting_type,
        desired_nodes=g.desired_nodes, max_nodes=g.max_nodes, pods_per_node=g.pods_per_node,
        per_node=per_node, subnet_addresses_at_max=node_at_max + pod_at_max,
        node_subnet_addresses_at_max=node_at_max, pod_subnet_addresses_at_max=pod_at_max,
        feature_support=ctx.cache.get("feature_support", {}).get(g.name, {}),
        system_pods=_system_pods_out(ctx, g),
    )


def _max_pods_by_type(groups: list[GroupFacts]) -> dict[str, int]:
    """Per type, the kubelet value you write (Linux groups first); a type only Windows groups use gets EKS's
    Windows figure."""
    all_types = sorted({t for g in groups for t in g.instance_types})
    ordered_groups = [g for g in groups if g.os != "windows"] + [g for g in groups if g.os == "windows"]
    return {t: next(g.max_pods_by_type[t] for g in ordered_groups if t in g.max_pods_by_type) for t in all_types}


def _provenance(answers: Answers, catalog: Catalog) -> Provenance:
    """Which tool, catalog and data snapshots produced the Recommendation, for which answers."""
    return Provenance(
        eksadvisor_version=__version__,
        catalog_snapshot=catalog.meta.snapshot_date,
        catalog_source=catalog.meta.source,
        data_snapshots={
            "catalog": catalog.meta.snapshot_date,
            "ipamd_model": IPAMD_MODEL,
            "decision_graph": SEED,
        },
        answers_digest=answers.digest(),
        suppressed_rules=list(answers.suppress_rules),
    )


def _recommendation(p: Prepared, refusal: str) -> Recommendation:
    """The Recommendation of a prepared plan without its artefacts: the plan as the rules see it, the strategies
    and warnings, then every section of the output format."""
    from eksadvisor.decide.rules import evaluate  # advise() only: subnet_plan() needs no rules

    a, ctx, plan, groups = p.answers, p.ctx, p.plan, p.groups
    d = ctx.decisions
    ipv6 = d["ip_family"] == "ipv6"
    ctx.plan = plan_facts(plan)
    strategies, strategy_step = choose_strategies(ctx)
    warnings = evaluate(ctx, a.suppress_rules)
    usage_by_group = {gu.name: gu for gu in p.at_max.groups} if p.at_max is not None else {}
    node_groups_out = [_node_group_out(ctx, g, usage_by_group.get(g.name), ipv6) for g in groups]
    fargate = _fargate_budget(ctx, a.az_names())
    max_pods = _max_pods_by_type(groups)
    return Recommendation(
        cluster_name=a.cluster_name,
        ip_family=d["ip_family"],
        address_mode=d["address_mode"],
        custom_networking=bool(d.get("custom_networking")),
        endpoint_access=d["endpoint_access"],
        summary=_summary(ctx, groups),
        max_pods=max_pods,
        max_pods_detail={t: p.max_pods_detail[t] for t in max_pods},
        node_groups=node_groups_out,
        az_usage=_with_fargate(az_usage_out(p.at_max, ipv6), fargate),
        settings=ctx.settings,
        init_settings=ctx.init_settings,
        subnets=[SubnetOut(**s) for s in ctx.plan["subnets"]],
        secondary_cidrs=list(plan.secondary_cidrs),
        strategies=strategies,
        warnings=[RuleWarning(**w) for w in warnings],
        trace=[TraceStep(**s) for s in [*p.result.trace, _plan_step(plan, p.sizing, a, refusal), strategy_step]],
        alternatives=[Alternative(**x) for x in p.result.alternatives],
        plan_findings=ctx.plan["findings"],
        fargate=fargate,
        provenance=_provenance(a, ctx.catalog),
    )


def advise(answers: Answers | Mapping[str, Any] | str | Path, *, catalog: Catalog | None = None,
           partial: bool = False) -> Recommendation:
    """The Recommendation (docs/design.md §2.2) for an answers file, mapping or model.

    A recommendation is complete and buildable, or refused (docs/design.md §2.4): when no complete subnet plan exists this
    raises :class:`~eksadvisor.errors.PlanDoesNotFit` (one sentence: what does not fit, the smallest change). With
    ``partial=True`` it returns the incomplete plan instead, marked ``complete=False`` with that sentence in
    ``refusal`` and no generated artefacts -- a diagnosis, never a plan to build."""
    from eksadvisor.artefacts import build_snippets  # advise() only: subnet_plan() builds no artefacts

    p = prepare(answers, catalog)
    refusal = "" if p.plan.complete else refusal_sentence(p.plan)
    if refusal and not partial:  # docs/design.md §2.4: a recommendation is complete and buildable, or refused
        raise PlanDoesNotFit(refusal, field="network")
    rec = _recommendation(p, refusal)
    if refusal:  # a diagnosis: no artefact may be built from an incomplete plan
        rec.complete, rec.refusal = False, refusal
        return rec
    rec.snippets = dict(sorted(build_snippets(rec, p.answers).items()))
    return rec
