"""The rule catalog: warnings as data (``data/rules.yaml``), conditions as named predicates here.

A predicate takes the advisor's :class:`~eksadvisor.decide.graph.Context` (answers, decisions, per-group
results, settings, subnet plan) and returns ``None`` when its rule stays quiet, or a dict of the
values its message and remediation templates need when it fires. Users suppress rules by id.
"""

from __future__ import annotations

import ipaddress
import string
from collections.abc import Callable
from typing import Any

from eksadvisor.addressing.multus import MULTUS_AWS_FIXED_BUILD, MULTUS_UPSTREAM_FIXED, thick_fix_included
from eksadvisor.decide.facts import ipv6_wanted, linux_groups, linux_types, system_pods
from eksadvisor.decide.predicates import prefix_subnets_in_use
from eksadvisor.model.maxpods import compute, nitro_capable, sgp_capacity, trunk_supported
from eksadvisor.names import ADDRESS_ROLES
from eksadvisor.regions import region
from eksadvisor.rulebook import load_rules
from eksadvisor.severity import SEVERITY_RANK
from eksadvisor.versions import IPV6_MIN_CNI, IPV6_MIN_TEXT, PD_MIN_TEXT

RECOMMENDED_MIN_CNI = (1, 17, 1)  # oldest CNI AWS recommends for Kubernetes 1.32/1.33 (fact sheet §8, CNI-README)
PLANNER_RULES = ("overlapping-cidrs", "docker-bridge-overlap", "cgnat-in-use", "subnet-too-small", "cluster-subnet-shared")


# ------------------------------------------------------------------------------------ predicates

CONDITIONS: dict[str, Callable[[Any], dict[str, Any] | None]] = {}


def condition(fn: Callable[[Any], dict[str, Any] | None]) -> Callable[[Any], dict[str, Any] | None]:
    CONDITIONS[fn.__name__.removeprefix("c_")] = fn
    return fn


def _auto(ctx: Any) -> bool:
    return bool(ctx.answers.operations.auto_mode)


def _ipv4_prefix(ctx: Any) -> bool:
    """aws-node runs IPv4 prefix delegation (in Auto Mode AWS chooses prefixes or secondary IPs itself)."""
    return ctx.decisions.get("ip_family") == "ipv4" and ctx.decisions.get("address_mode") == "prefix" and not _auto(ctx)


def _planner(ctx: Any, rule_id: str) -> list[dict[str, Any]]:
    """The subnet planner's findings that map onto a rule (info-level observations do not fire rules)."""
    return [f for f in ctx.plan.get("findings", []) if f.get("id") == rule_id and f.get("severity") != "info"]


def _join(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@condition
def c_prefix_on_used_subnets(ctx: Any) -> dict[str, Any] | None:
    if not _ipv4_prefix(ctx):
        return None

    used = prefix_subnets_in_use(ctx)
    if not used:
        return None
    return {"subnets": _join([f"{s.cidr} ({s.used_ips} used)" for s in used])}


@condition
def c_prefix_needs_newer_cni(ctx: Any) -> dict[str, Any] | None:
    if ctx.decisions.get("prefix_wanted") and ctx.decisions.get("address_mode") != "prefix":
        return {"cni_version": ctx.answers.cni_version}
    return None


@condition
def c_prefix_mode(ctx: Any) -> dict[str, Any] | None:
    if ctx.decisions.get("address_mode") != "prefix" or _auto(ctx):
        return None
    return {"min_version": IPV6_MIN_TEXT if ctx.decisions.get("ip_family") == "ipv6" else PD_MIN_TEXT}


def _example(ctx: Any) -> str:
    parts: list[str] = []
    for g in ctx.groups:
        if g.os == "windows":  # EKS's Windows figure, not the prefix-mode kubelet value
            continue
        for t, v in sorted(g.max_pods_by_type.items()):
            if f"{t}: {v}" not in parts:  # a type in several groups is listed once
                parts.append(f"{t}: {v}")
    return ", ".join(parts[:3]) or "see max_pods"


@condition
def c_prefix_mode_ipv4(ctx: Any) -> dict[str, Any] | None:
    return {"example": _example(ctx)} if _ipv4_prefix(ctx) else None


@condition
def c_mode_change_on_existing_nodes(ctx: Any) -> dict[str, Any] | None:
    used = sum(s.used_ips for s in ctx.answers.network.existing_subnets if s.role in ADDRESS_ROLES)
    if used == 0:
        return None
    changes = []
    if _ipv4_prefix(ctx):
        changes.append("prefix delegation")
    if ctx.decisions.get("custom_networking"):
        changes.append("custom networking")
    if not changes:
        return None
    return {"used": used, "change": " and ".join(changes)}


@condition
def c_mixed_address_modes(ctx: Any) -> dict[str, Any] | None:
    if not _ipv4_prefix(ctx):
        return None
    bad, why = [], []

    non_nitro = [t for t in linux_types(ctx) if not nitro_capable(ctx.catalog.get(t))]
    if non_nitro:
        bad += non_nitro
        why.append("not Nitro")
    if ctx.cni() < (1, 11, 0):  # CNI-README: prefix delegation on Nitro bare metal from 1.11
        metal = [t for t in linux_types(ctx)
                 if ctx.catalog.get(t).bare_metal and not ctx.catalog.get(t).is_nitro and t not in non_nitro]
        if metal:
            bad += metal
            why.append(f"bare metal needs VPC CNI 1.11 for prefix delegation and {ctx.answers.cni_version} is planned")
    windows = [g.name for g in ctx.answers.node_groups if g.os == "windows"]
    if windows:
        bad += [f"Windows group {w}" for w in windows]
        why.append("Windows prefix delegation is configured separately")
    if not bad:
        return None

    groups = []
    for g in linux_groups(ctx):
        no = [t for t in g.instance_types if t in bad]
        if no:
            ok = [t for t in g.instance_types if t not in bad]
            groups.append(f"group {g.name}: {_join(no)}" + (f" (its {_join(ok)} use prefixes)" if ok else ""))
    groups += [f"Windows group {w}" for w in windows]
    return {"types": _join(bad), "why": "; ".join(why), "groups": "; ".join(groups)}


@condition
def c_mixed_instance_max_pods(ctx: Any) -> dict[str, Any] | None:
    for g in ctx.groups:
        if g in _windows_groups(ctx):  # no kubelet value is written for Windows: EKS sets each node's own
            continue
        values = set(g.max_pods_by_type.values())
        if len(values) > 1:
            return {
                "group": g.name,
                "values": ", ".join(f"{t} {v}" for t, v in sorted(g.max_pods_by_type.items())),
                "lowest": g.max_pods,
                "limiting": g.limiting_type,
            }
    return None


MIXED_SIZE_RATIO = 2.0  # "widely": the largest type has more than twice the vCPUs or memory of the smallest


def _size_spread(ctx: Any, types: list[str]) -> tuple[float, float, str] | None:
    """(vCPU ratio, memory ratio, sizes) of a group's largest to smallest type; None when a size is unknown."""
    rows = [ctx.catalog.get(t) for t in types]
    if len(rows) < 2 or any(r.vcpus is None or r.memory_mib is None for r in rows):
        return None
    cpu = max(r.vcpus for r in rows) / min(r.vcpus for r in rows)
    mem = max(r.memory_mib for r in rows) / min(r.memory_mib for r in rows)
    sizes = ", ".join(f"{r.instance_type} {r.vcpus} vCPUs / {r.memory_mib / 1024:g} GiB" for r in rows)
    return cpu, mem, sizes


@condition
def c_mixed_instance_sizes(ctx: Any) -> dict[str, Any] | None:
    """A group whose types differ by more than MIXED_SIZE_RATIO in vCPUs or memory, whatever their max-pods."""
    for g in ctx.groups:
        spread = _size_spread(ctx, g.instance_types)
        if spread is None:
            continue
        cpu, mem, sizes = spread
        if cpu > MIXED_SIZE_RATIO or mem > MIXED_SIZE_RATIO:
            return {"group": g.name, "sizes": sizes, "cpu": f"{cpu:g}", "mem": f"{mem:g}",
                    "limit": f"{MIXED_SIZE_RATIO:g}"}
    return None


@condition
def c_pods_exceed_max_pods(ctx: Any) -> dict[str, Any] | None:
    for g in ctx.groups:
        if g.pods_per_node > g.max_pods:
            windows = g in _windows_groups(ctx)
            ceiling = ""
            if not windows and ctx.decisions.get("ip_family") == "ipv4" and not _auto(ctx):
                t = g.limiting_type or g.instance_types[0]
                ceiling = f" (even the raw ENI ceiling of {t} is {_recommended(ctx, t).raw_max_pods})"
            return {"group": g.name, "pods": g.pods_per_node, "max_pods": g.max_pods, "ceiling": ceiling,
                    "mode": "Windows one-ENI" if windows else ctx.decisions.get("address_mode", "").replace("_", "-")}
    return None


def _recommended(ctx: Any, t: str) -> Any:
    """The calculator's result for type ``t`` in the chosen mode (recommended and raw ENI ceiling)."""
    return compute(ctx.catalog.get(t), ctx.answers.cni_version, prefix_delegation=_ipv4_prefix(ctx),
                   custom_networking=bool(ctx.decisions.get("custom_networking")))


@condition
def c_max_pods_above_recommended(ctx: Any) -> dict[str, Any] | None:
    """max-pods set explicitly above the calculator's 110/250 (advisor._explicit_max_pods records where)."""
    explicit = ctx.cache.get("explicit_max_pods") or {}
    for g in ctx.groups:
        rows = explicit.get(g.name)
        if rows:
            total, _ = system_pods(ctx, g.name)
            types = "; ".join(f"{r['type']}: recommended {r['recommended']}, raw ENI ceiling {r['raw']} ({r['formula']})"
                              for r in sorted(rows, key=lambda r: r["type"]))
            return {"group": g.name, "max_pods": g.max_pods, "pods": g.pods_per_node, "system": total, "types": types}
    return None


@condition
def c_system_pods_exceed_max_pods(ctx: Any) -> dict[str, Any] | None:
    """Workload fits max-pods on its own, but not with the group's DaemonSet/add-on pods (answers system_pods)."""
    for g in ctx.groups:
        total, with_ip = system_pods(ctx, g.name)
        if total and g.pods_per_node <= g.max_pods < g.pods_per_node + total:
            return {"group": g.name, "pods": g.pods_per_node, "system": total, "with_ip": with_ip,
                    "sum": g.pods_per_node + total, "max_pods": g.max_pods, "over": g.pods_per_node + total - g.max_pods,
                    "room": g.max_pods - total}
    return None


@condition
def c_warm_eni_pool_cost(ctx: Any) -> dict[str, Any] | None:
    if ctx.decisions.get("ip_family") != "ipv4" or ctx.decisions.get("address_mode") != "secondary_ip":
        return None
    if ctx.settings.get("WARM_IP_TARGET") or ctx.answers.operations.auto_mode:
        return None
    worst = None
    for g in ctx.groups:
        if g.usage is None or g.usage.os == "windows":  # Windows warm addresses are the resource controller's
            continue
        if g.usage.free_ips > 0 and (worst is None or g.usage.free_ips > worst[1]):
            worst = (g, g.usage.free_ips)
    if worst is None:
        return None
    g, free = worst
    return {"free": free, "group": g.name, "total": free * g.max_nodes}


WARM_KEYS = ("WARM_ENI_TARGET", "WARM_IP_TARGET", "MINIMUM_IP_TARGET", "WARM_PREFIX_TARGET")


def warm_settings_text(settings: dict[str, str]) -> str:
    """The warm-pool variables of the emitted aws-node settings, as words ("WARM_PREFIX_TARGET=1"): every rule that
    talks about the warm settings the advisor gives says it with this, so the words match the settings."""
    return _join([f"{k}={settings[k]}" for k in WARM_KEYS if k in settings]) or "no warm-pool variable"


@condition
def c_warm_prefix_target_default(ctx: Any) -> dict[str, Any] | None:
    if not _ipv4_prefix(ctx) or not any(k in ctx.settings for k in WARM_KEYS):
        return None
    if "WARM_PREFIX_TARGET" in ctx.settings:
        what = f"the advisor's settings give {warm_settings_text(ctx.settings)} explicitly"
    else:
        what = (f"the advisor's settings give {warm_settings_text(ctx.settings)}, which size the pool instead; set "
                "WARM_PREFIX_TARGET explicitly if you ever remove them")
    return {"what": what}


@condition
def c_warm_ip_with_prefix(ctx: Any) -> dict[str, Any] | None:
    if _ipv4_prefix(ctx) and (ctx.settings.get("WARM_IP_TARGET") or ctx.settings.get("MINIMUM_IP_TARGET")):
        return {"warm": warm_settings_text(ctx.settings)}
    return None


@condition
def c_custom_networking_while_ipv6_ready(ctx: Any) -> dict[str, Any] | None:
    """Custom networking only because of the separate-CIDR requirement, where IPv6 would otherwise have been possible."""
    a = ctx.answers
    if not (ctx.decisions.get("custom_networking") and a.ipv6.ready and a.network.separate_pod_cidr_required):
        return None
    if ctx.fact("windows_groups") or ctx.fact("non_nitro_types") or ctx.cni() < IPV6_MIN_CNI:
        return None  # IPv6 is blocked anyway: pointing at it would mislead
    return {"why": "pod traffic must come from a separate CIDR"}


@condition
def c_custom_networking_on(ctx: Any) -> dict[str, Any] | None:
    if not ctx.decisions.get("custom_networking") or _auto(ctx):
        return None

    prefix = ctx.decisions.get("address_mode") == "prefix"
    parts = []
    for t in linux_types(ctx):  # custom networking does not apply to Windows nodes
        r = compute(ctx.catalog.get(t), ctx.answers.cni_version, prefix_delegation=prefix, custom_networking=True)
        shared = compute(ctx.catalog.get(t), ctx.answers.cni_version, prefix_delegation=prefix).max_pods
        if r.max_pods < shared:
            parts.append(f"{t}: {r.max_pods} instead of {shared}")
        else:
            parts.append(f"{t}: still {r.max_pods} after the cap (raw {r.raw_max_pods})")
    return {"example": "; ".join(parts[:3])} if parts else None


@condition
def c_cgnat_in_use(ctx: Any) -> dict[str, Any] | None:
    found = _planner(ctx, "cgnat-in-use")
    a = ctx.answers
    if not a.network.cgnat_in_use and not found:
        return None
    needs_pod_cidr = ctx.decisions.get("custom_networking") or ctx.fact("ip_constrained")
    if not needs_pod_cidr and not found:
        return None
    context = " for custom networking" if ctx.decisions.get("custom_networking") else " to relieve IPv4 exhaustion"
    return {"context": context}


@condition
def c_overlapping_cidrs(ctx: Any) -> dict[str, Any] | None:
    pairs = []
    nets = [ipaddress.IPv4Network(ctx.answers.network.vpc_cidr)] + [ipaddress.IPv4Network(c) for c in ctx.answers.network.secondary_cidrs]
    for block in nets:
        for c in ctx.answers.network.onprem_cidrs:
            if block.overlaps(ipaddress.IPv4Network(c)):
                pairs.append((str(block), c))
    if pairs:
        return {"detail": "; ".join(f"VPC range {v} overlaps connected network {o}" for v, o in pairs),
                "remedy": _overlap_remedy(ctx)}
    found = _planner(ctx, "overlapping-cidrs")
    if found:
        return {"detail": str(found[0].get("message", "")).rstrip(".") or _join(found[0].get("ranges") or []),
                "remedy": "Move one of the ranges: choose planned ranges that overlap nothing connected, or re-address "
                          "one side."}
    return None


def _overlap_remedy(ctx: Any) -> str:
    """The private NAT gateway pattern, in the plan's own ranges (the same facts the planner placed subnets by)."""
    transit = [s for s in ctx.plan.get("subnets", []) if s["role"] == "transit"]
    if not transit:
        return ("Put the cluster subnets and a private NAT gateway in a range that overlaps nothing connected, reach "
                "on-prem through it and a Transit Gateway, or re-address one side.")
    n = ctx.answers.network
    candidates = [ipaddress.IPv4Network(c) for c in [*ctx.plan.get("secondary_cidrs", []), n.vpc_cidr, *n.secondary_cidrs]]
    blocks = sorted({str(b) for b in candidates for s in transit if ipaddress.IPv4Network(s["cidr"]).subnet_of(b)})
    return (f"Create a private NAT gateway in each transit subnet ({_join([s['cidr'] for s in transit])}, in "
            f"{_join(blocks)}), attach the Transit Gateway there, and route on-prem destinations from the node and pod "
            "subnets to the private NAT gateway of their AZ; the cluster subnets sit in the same routable range, so the "
            "private API endpoint is reachable from on-prem. Or re-address one side.")


DOCKER = ipaddress.IPv4Network("172.17.0.0/16")


@condition
def c_docker_bridge_overlap(ctx: Any) -> dict[str, Any] | None:
    n = ctx.answers.network
    for c in [n.vpc_cidr, *n.secondary_cidrs, *(s.cidr for s in n.existing_subnets), *(s["cidr"] for s in ctx.plan.get("subnets", []))]:
        if ipaddress.IPv4Network(c).overlaps(DOCKER):
            return {"cidr": c}
    found = _planner(ctx, "docker-bridge-overlap")
    if found:
        return {"cidr": _join(found[0].get("ranges") or ["a planned range"])}
    return None


@condition
def c_cluster_subnet_shared(ctx: Any) -> dict[str, Any] | None:
    found = _planner(ctx, "cluster-subnet-shared")
    if found:
        return {"detail": str(found[0].get("message", "")).rstrip(".") or "Cluster subnets are shared"}
    subs = ctx.answers.network.existing_subnets
    if subs and not any(s.role == "cluster" for s in subs) and not any(s["role"] == "cluster" and not s.get("existing") for s in ctx.plan.get("subnets", [])):
        return {"detail": "No dedicated cluster subnets exist among the existing subnets, so the control plane's ENIs would share node subnets"}
    return None


@condition
def c_subnet_too_small(ctx: Any) -> dict[str, Any] | None:
    found = _planner(ctx, "subnet-too-small")
    if found:
        return {"detail": str(found[0].get("message", "")).strip() or "A planned subnet is too small.",
                "remedy": _remedy(ctx)}
    if ctx.plan and ctx.plan.get("fits") is False:
        short = ctx.plan.get("shortfall")
        return {"detail": short or "The address plan does not fit the VPC's CIDRs.", "remedy": _remedy(ctx)}
    return None


def _remedy(ctx: Any) -> str:
    """The shortfall's remedy, from the same facts the planner used (never a fixed range)."""
    return ctx.plan.get("remedy") or "Lower max_nodes or growth_factor, or plan IPv6."


def _excluded_az(ctx: Any) -> tuple[Any, set[str]] | None:
    """The Region's facts and the plan's cluster-subnet AZs, when the Region has AZ IDs EKS refuses [EKS-NETREQ]."""
    r = region(ctx.answers.region)
    cluster_azs = {s["az"] for s in ctx.plan.get("subnets", []) if s["role"] == "cluster"}
    if r is None or not r.eks_excluded_az_ids or not cluster_azs:
        return None
    return r, cluster_azs


@condition
def c_control_plane_az_excluded(ctx: Any) -> dict[str, Any] | None:
    found = _excluded_az(ctx)
    if found is None or len(found[1]) < found[0].azs:
        return None
    r = found[0]
    return {"region": r.name, "az_ids": _join(list(r.eks_excluded_az_ids)), "azs": r.azs}


@condition
def c_control_plane_az_check(ctx: Any) -> dict[str, Any] | None:
    found = _excluded_az(ctx)
    if found is None or len(found[1]) >= found[0].azs:
        return None
    r, names = found
    return {"region": r.name, "az_ids": _join(list(r.eks_excluded_az_ids)), "names": _join(sorted(names))}


@condition
def c_growth_headroom_reduced(ctx: Any) -> dict[str, Any] | None:
    found = _planner(ctx, "growth-headroom-reduced")
    if not found:
        return None
    return {"detail": str(found[0].get("message", "")).strip(), "candidate": ctx.plan.get("next_secondary") or "a /16"}


@condition
def c_ipv6_chosen(ctx: Any) -> dict[str, Any] | None:
    return {} if ctx.decisions.get("ip_family") == "ipv6" else None


@condition
def c_ipv6_blocked_by_non_nitro(ctx: Any) -> dict[str, Any] | None:
    a = ctx.answers
    if not ipv6_wanted(ctx) or ctx.decisions.get("ip_family") == "ipv6":
        return None

    bad = [t for t in a.instance_types() if not nitro_capable(ctx.catalog.get(t))]
    if not bad:
        return None
    return {"types": _join(bad), "verb": "is" if len(bad) == 1 else "are"}


@condition
def c_ipv6_with_fargate(ctx: Any) -> dict[str, Any] | None:
    if ctx.decisions.get("ip_family") == "ipv6" and ctx.answers.fargate_pods > 0:
        return {"pods": ctx.answers.fargate_pods}
    return None


@condition
def c_ipv6_with_sgp(ctx: Any) -> dict[str, Any] | None:
    if ctx.decisions.get("ip_family") == "ipv6" and ctx.answers.security_groups_for_pods.needed:
        return {}
    return None


@condition
def c_cni_managed_by_you(ctx: Any) -> dict[str, Any] | None:
    if ctx.answers.operations.auto_mode:
        return None
    policy = "a custom IPv6 CNI policy" if ctx.decisions.get("ip_family") == "ipv6" else "only AmazonEKS_CNI_Policy"
    return {"policy": policy}


@condition
def c_self_managed_cni(ctx: Any) -> dict[str, Any] | None:
    o = ctx.answers.operations
    return {} if o.self_managed_cni and not o.auto_mode else None


@condition
def c_cni_version_old(ctx: Any) -> dict[str, Any] | None:
    if ctx.answers.operations.auto_mode:
        return None
    v = ctx.cni()
    if v >= RECOMMENDED_MIN_CNI:
        return None
    steps = [f"1.{m}" for m in range(v[1] + 1, RECOMMENDED_MIN_CNI[1] + 1)] if v[0] == 1 else []
    path = " -> ".join([f"{v[0]}.{v[1]}", *steps]) if steps else "one minor at a time"
    if len(steps) > 4:
        path = " -> ".join([f"{v[0]}.{v[1]}", *steps[:2], "...", steps[-1]])
    return {"cni_version": ctx.answers.cni_version, "recommended": ".".join(map(str, RECOMMENDED_MIN_CNI)), "path": path}


@condition
def c_data_intensive(ctx: Any) -> dict[str, Any] | None:
    return {} if ctx.answers.operations.data_intensive and not ctx.answers.operations.auto_mode else None


@condition
def c_custom_ami(ctx: Any) -> dict[str, Any] | None:
    return {} if ctx.answers.operations.custom_ami else None


@condition
def c_auto_mode(ctx: Any) -> dict[str, Any] | None:
    a = ctx.answers
    if not a.operations.auto_mode:
        return None
    extra = []
    if a.security_groups_for_pods.needed:
        extra.append("Security Groups for Pods was asked for but is not supported")
    if ctx.decisions.get("custom_networking"):
        extra.append("use podSubnetSelectorTerms instead of ENIConfig custom networking")
    if a.multus.needed:
        extra.append("Multus in Auto Mode is not confirmed by AWS (AWS does not support alternate CNI plugins there)")
    return {"extra": ("; " + "; ".join(extra)) if extra else ""}


def _sgp(ctx: Any) -> bool:
    return ctx.answers.security_groups_for_pods.needed and not ctx.answers.operations.auto_mode


@condition
def c_sgp_standard_needed(ctx: Any) -> dict[str, Any] | None:
    if _sgp(ctx) and ctx.decisions.get("sgp_mode") == "standard":
        return {"needs": _join(ctx.fact("standard_needs"))}
    return None


@condition
def c_sgp_strict(ctx: Any) -> dict[str, Any] | None:
    return {} if _sgp(ctx) and ctx.decisions.get("sgp_mode") == "strict" else None


@condition
def c_sgp_needed(ctx: Any) -> dict[str, Any] | None:
    if not _sgp(ctx):
        return None
    branch = []
    for t in linux_types(ctx):
        it = ctx.catalog.get(t)
        if it.branch_enis:
            branch.append(f"{t}: {it.branch_enis} branch ENIs")
    return {"branch": ", ".join(branch[:4]) or "none on these types", "cluster": ctx.answers.cluster_name}


@condition
def c_sgp_trunk_nodes(ctx: Any) -> dict[str, Any] | None:
    """SGP on EC2 nodes that can host a trunk ENI (Fargate-only or t-family-only clusters have no branch ENIs to count)."""
    if not _sgp(ctx):
        return None
    branch = []
    for t in linux_types(ctx):
        it = ctx.catalog.get(t)
        if it.trunking_compatible and it.branch_enis:
            branch.append(f"{t}: {it.branch_enis} branch ENIs")
    return {"branch": ", ".join(branch[:4])} if branch else None


@condition
def c_sgp_external_snat(ctx: Any) -> dict[str, Any] | None:
    mode = ctx.decisions.get("sgp_mode")
    if not _sgp(ctx) or mode not in ("strict", "standard"):
        return None
    if mode == "strict":
        detail = ("In strict mode source NAT is disabled for pods with security groups, so they reach the internet only "
                  "through a NAT gateway from a private subnet.")
    else:
        detail = ("In standard mode traffic that pods with security groups send outside the VPC is SNATed to the node and "
                  "judged by the node's security groups unless AWS_VPC_K8S_CNI_EXTERNALSNAT=true.")
    return {"detail": detail}


@condition
def c_sgp_cni_too_old(ctx: Any) -> dict[str, Any] | None:
    if not _sgp(ctx):
        return None
    v, have = ctx.cni(), ctx.answers.cni_version
    if v < (1, 7, 7):
        return {"detail": f"VPC CNI {have} is older than 1.7.7, the version EKS requires for Security Groups for Pods"}
    if v < (1, 11, 0) and ctx.decisions.get("sgp_mode") == "standard":
        return {"detail": f"VPC CNI {have} is older than 1.11.0, which added POD_SECURITY_GROUP_ENFORCING_MODE, so the "
                          "standard mode that {0} need{1} is not available and pods with security groups behave as in "
                          "strict mode".format(_join(ctx.fact("standard_needs")),
                                               "s" if len(ctx.fact("standard_needs")) == 1 else "")}
    return None


@condition
def c_sgp_with_windows(ctx: Any) -> dict[str, Any] | None:
    if not _sgp(ctx):
        return None
    groups = [g.name for g in ctx.answers.node_groups if g.os == "windows"]
    return {"groups": _join(groups)} if groups else None


def _windows_groups(ctx: Any) -> list[Any]:
    """Windows node groups that exist in this cluster (an IPv6 cluster leaves them out: ipv6-windows rules)."""
    if ctx.decisions.get("ip_family") == "ipv6":
        return []
    return [g for g in ctx.groups if g.os == "windows"] if getattr(ctx, "groups", None) else []


@condition
def c_windows_groups(ctx: Any) -> dict[str, Any] | None:
    groups = _windows_groups(ctx)
    if not groups:
        return None
    values = []
    for g in groups:
        per_type = ", ".join(f"{t} {ctx.catalog.get(t).ipv4_per_eni} - 1 = {n}" for t, n in sorted(g.max_pods_by_type.items()))
        values.append(f"{g.name}: {per_type}")
    return {"groups": _join([g.name for g in groups]), "values": "; ".join(values)}


@condition
def c_windows_with_custom_networking(ctx: Any) -> dict[str, Any] | None:
    if not ctx.decisions.get("custom_networking"):
        return None
    groups = _windows_groups(ctx)
    return {"groups": _join([g.name for g in groups])} if groups else None


@condition
def c_windows_only(ctx: Any) -> dict[str, Any] | None:
    groups = ctx.answers.node_groups
    if _auto(ctx):  # Auto Mode launches its own (Linux) nodes for the core system pods
        return None
    if not groups or ctx.answers.fargate_pods > 0 or any(g.os != "windows" for g in groups):
        return None
    return {}


@condition
def c_windows_with_auto_mode(ctx: Any) -> dict[str, Any] | None:
    if not _auto(ctx):
        return None
    groups = _windows_groups(ctx)
    return {"groups": _join([g.name for g in groups])} if groups else None


def feature_split(ctx: Any, g: Any, supports: Callable[[Any], bool]) -> tuple[list[str], list[str]]:
    """(types that support a feature, types that do not) of one node group."""
    ok = [t for t in g.instance_types if supports(ctx.catalog.get(t))]
    return ok, [t for t in g.instance_types if t not in ok]


@condition
def c_sgp_non_trunking(ctx: Any) -> dict[str, Any] | None:
    if not _sgp(ctx):
        return None

    where, bad = [], []
    for g in linux_groups(ctx):
        ok, no = feature_split(ctx, g, trunk_supported)
        if no:
            bad += [t for t in no if t not in bad]
            where.append(f"group {g.name}: {_join(no)}" + (f" cannot ({_join(ok)} can)" if ok else " cannot (no type of it can)"))
    if not bad:
        return None
    if ctx.decisions.get("sgp_mode") == "none":
        outcome = "No node of this cluster can host a trunk ENI, so no Security Groups for Pods setting is given."
    else:
        outcome = ("Pods with their own security groups only run on the types that can: keep them off the others "
                   "(a separate node group of trunking-compatible types, or node affinity).")
    return {"types": _join(bad), "where": "; ".join(where), "outcome": outcome}


@condition
def c_sgp_branch_capacity_short(ctx: Any) -> dict[str, Any] | None:
    if not _sgp(ctx):
        return None
    want = ctx.answers.security_groups_for_pods.pods_per_node
    if want <= 0:
        return None
    short = []
    for t in linux_types(ctx):
        it = ctx.catalog.get(t)
        branch = (it.branch_enis or 0) if it.trunking_compatible else 0
        if branch < want:
            short.append((t, branch))
    if not short:
        return None
    return {"pods": want, "types": _join([t for t, _ in short]), "capacity": ", ".join(f"{t}: {b}" for t, b in short)}


def sgp_group_capacity(ctx: Any, g: Any) -> list[tuple[str, int, str]]:
    """(type, pods one node can address, the arithmetic) for a Linux group with Security Groups for Pods on, in the
    chosen address mode: maxpods.sgp_capacity, the formula ``ip-usage --sgp`` places pods with."""
    prefix = _ipv4_prefix(ctx)
    custom = bool(ctx.decisions.get("custom_networking"))
    branch = min(ctx.answers.security_groups_for_pods.pods_per_node, g.pods_per_node)
    out = []
    for t in g.instance_types:
        cap = sgp_capacity(ctx.catalog.get(t), prefix_delegation=prefix, custom_networking=custom)
        out.append((t, cap.pod_capacity(branch), f"{t}: {cap.formula(branch)}"))
    return out


@condition
def c_sgp_capacity_short(ctx: Any) -> dict[str, Any] | None:
    if not _sgp(ctx) or ctx.decisions.get("ip_family") != "ipv4" or ctx.decisions.get("sgp_mode") not in ("strict", "standard"):
        return None

    names = {g.name for g in linux_groups(ctx)}
    for g in ctx.groups:
        if g.name not in names:
            continue

        _, with_ip = system_pods(ctx, g.name)
        workload = min(g.pods_per_node, g.max_pods)  # pods over max-pods are pods-exceed-max-pods' finding
        pods = workload + with_ip  # system pods on the pod network take addresses too
        short = [(t, n, text) for t, n, text in sgp_group_capacity(ctx, g) if n < pods]
        if not short:
            continue
        mode = ctx.decisions.get("address_mode", "").replace("_", "-")
        if _ipv4_prefix(ctx):
            fix = "Use instance types with more ENIs, or spread the pods over more nodes."
        else:
            nitro = [t for t, _, _ in short if nitro_capable(ctx.catalog.get(t))]
            fix = ("Turn on prefix delegation (it works with Security Groups for Pods; needs VPC CNI 1.9 or later and "
                   "Nitro types), use larger types, or run fewer pods per node."
                   if nitro else "Use larger or Nitro types (prefix delegation), or run fewer pods per node.")
        return {"group": g.name, "pods": f"{pods} pods per node ({workload} workload + {with_ip} system pods with an address)"
                if with_ip else f"{pods} pods per node", "mode": mode,
                "detail": "; ".join(f"{text} < {pods}" for _, _, text in short), "fix": fix}
    return None


def _multus_thick(ctx: Any) -> bool:
    m = ctx.answers.multus
    return m.needed and m.plugin == "thick"


@condition
def c_multus_thick_race(ctx: Any) -> dict[str, Any] | None:
    if _multus_thick(ctx) and not thick_fix_included(ctx.answers.multus.version):
        return {"version": ctx.answers.multus.version, "aws_fixed": MULTUS_AWS_FIXED_BUILD,
                "upstream_fixed": MULTUS_UPSTREAM_FIXED}
    return None


@condition
def c_fargate_pods(ctx: Any) -> dict[str, Any] | None:
    pods = ctx.answers.fargate_pods
    return {"pods": pods} if pods > 0 else None


@condition
def c_multus_networks(ctx: Any) -> dict[str, Any] | None:
    m = ctx.answers.multus
    if m.needed and m.networks:
        return {"cidrs": _join([f"{n.name} {n.cidr}" for n in m.networks])}
    return None


@condition
def c_multus_macvlan(ctx: Any) -> dict[str, Any] | None:
    m = ctx.answers.multus
    names = [n.name for n in m.networks if n.type == "macvlan"] if m.needed else []
    return {"networks": _join(names)} if names else None


@condition
def c_audit_only(ctx: Any) -> dict[str, Any] | None:
    """``audit-*`` rules: eksadvisor.audit fills them from a cluster's live state; a plan (advise) never fires them."""
    return None


# ------------------------------------------------------------------------------------ evaluation

class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_template(template: str, params: dict[str, Any]) -> str:
    return string.Formatter().vformat(template, (), _Params(params))


def evaluate(ctx: Any, suppress: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every rule that fires, in severity order (critical first), then catalog order; suppressed ids dropped."""
    skip = set(suppress)
    out = []
    for index, rule in enumerate(load_rules()):
        if rule.id in skip:
            continue
        params = CONDITIONS[rule.condition](ctx)
        if params is None:
            continue
        message = fill_template(rule.message, params)
        if rule.status and rule.status not in message:
            message = f"[{rule.status}] {message}"
        out.append((SEVERITY_RANK[rule.severity], index, {
            "id": rule.id,
            "severity": rule.severity,
            "message": message,
            "remediation": fill_template(rule.remediation, params),
            "source": rule.source,
        }))
    out.sort(key=lambda t: (t[0], t[1]))
    return [w for _, _, w in out]
