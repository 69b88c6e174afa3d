"""The rule catalog: warnings as data (``data/rules.yaml``), conditions as named predicates here.

A predicate takes the advisor's :class:`~eksadvisor.graph.Context` (answers, decisions, per-group
results, settings, subnet plan) and returns ``None`` when its rule stays quiet, or a dict of the
values its message and remediation templates need when it fires. Users suppress rules by id.
"""

from __future__ import annotations

import ipaddress
import re
import string
from functools import lru_cache
from typing import Any, Callable, NamedTuple

RULES_FILE = "rules.yaml"
SEVERITIES = ("critical", "warning", "info")
RECOMMENDED_MIN_CNI = (1, 17, 1)  # oldest CNI AWS recommends for Kubernetes 1.32/1.33 (fact sheet §8, CNI-README)
ID_PATTERN = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
PLANNER_RULES = ("overlapping-cidrs", "docker-bridge-overlap", "cgnat-in-use", "subnet-too-small", "cluster-subnet-shared")


class Rule(NamedTuple):
    id: str
    severity: str
    condition: str
    message: str
    remediation: str
    source: str
    facts: tuple[str, ...] = ()
    status: str = ""


def _clean(text: Any) -> str:
    return " ".join(str(text).split())


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    from eksadvisor.graph import load_yaml_data

    doc = load_yaml_data(RULES_FILE)
    return tuple(
        Rule(
            id=r["id"], severity=r["severity"], condition=r["condition"], message=_clean(r["message"]),
            remediation=_clean(r["remediation"]), source=_clean(r["source"]), facts=tuple(r.get("facts") or ()),
            status=str(r.get("status") or ""),
        )
        for r in doc["rules"]
    )


@lru_cache(maxsize=1)
def rule_ids() -> frozenset[str]:
    return frozenset(r.id for r in load_rules())


@lru_cache(maxsize=1)
def retired_ids() -> dict[str, str]:
    """Renamed rule ids -> their current id (ids are stable: an old id in a suppress list keeps working)."""
    from eksadvisor.graph import load_yaml_data

    return dict(load_yaml_data(RULES_FILE).get("retired") or {})


@lru_cache(maxsize=1)
def references() -> dict[str, dict[str, str]]:
    """Sources cited by rules' ``facts`` that are not keys of the shared fact sheet (key -> url, what was read)."""
    from eksadvisor.graph import load_yaml_data

    return {k: {"url": str(v["url"]), "read": _clean(v["read"])}
            for k, v in (load_yaml_data(RULES_FILE).get("references") or {}).items()}


def resolve_rule_id(rid: str) -> str:
    """The current id for ``rid`` (itself, or what a retired id became); ValueError with a did-you-mean otherwise."""
    known = rule_ids()
    if rid in known:
        return rid
    if rid in retired_ids():
        return retired_ids()[rid]
    import difflib

    close = difflib.get_close_matches(rid, sorted(known | set(retired_ids())), n=1)
    if close:  # a near miss of a renamed id suggests the current one
        hint = f"; did you mean {retired_ids().get(close[0], close[0])!r}?"
    else:
        hint = " (a rule id is the id shown beside each warning in the app and the report, e.g. prefix-update-max-pods)."
    raise ValueError(f"{rid!r} is not a rule id{hint}")


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
    from eksadvisor.graph import prefix_subnets_in_use

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
    return {"min_version": "1.10.1" if ctx.decisions.get("ip_family") == "ipv6" else "1.9.0"}


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
    used = sum(s.used_ips for s in ctx.answers.network.existing_subnets if s.role in ("private", "pod"))
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
    from eksadvisor.graph import nitro_capable

    non_nitro = [t for t in _linux_types(ctx) if not nitro_capable(ctx.catalog.get(t))]
    if non_nitro:
        bad += non_nitro
        why.append("not Nitro")
    if ctx.cni() < (1, 11, 0):  # CNI-README: prefix delegation on Nitro bare metal from 1.11
        metal = [t for t in _linux_types(ctx)
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
    return {"types": _join(bad), "why": "; ".join(why)}


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


@condition
def c_pods_exceed_max_pods(ctx: Any) -> dict[str, Any] | None:
    for g in ctx.groups:
        if g.pods_per_node > g.max_pods:
            windows = g in _windows_groups(ctx)
            return {"group": g.name, "pods": g.pods_per_node, "max_pods": g.max_pods,
                    "mode": "Windows one-ENI" if windows else ctx.decisions.get("address_mode", "").replace("_", "-")}
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


@condition
def c_warm_ip_with_prefix(ctx: Any) -> dict[str, Any] | None:
    if _ipv4_prefix(ctx) and (ctx.settings.get("WARM_IP_TARGET") or ctx.settings.get("MINIMUM_IP_TARGET")):
        return {}
    return None


@condition
def c_custom_networking_while_ipv6_ready(ctx: Any) -> dict[str, Any] | None:
    """Custom networking only because of the separate-CIDR requirement, where IPv6 would otherwise have been possible."""
    a = ctx.answers
    if not (ctx.decisions.get("custom_networking") and a.ipv6.ready and a.network.separate_pod_cidr_required):
        return None
    from eksadvisor.graph import IPV6_MIN_CNI

    if ctx.fact("windows_groups") or ctx.fact("non_nitro_types") or ctx.cni() < IPV6_MIN_CNI:
        return None  # IPv6 is blocked anyway: pointing at it would mislead
    return {"why": "pod traffic must come from a separate CIDR"}


@condition
def c_custom_networking_on(ctx: Any) -> dict[str, Any] | None:
    if not ctx.decisions.get("custom_networking") or _auto(ctx):
        return None
    from eksadvisor.maxpods import compute

    prefix = ctx.decisions.get("address_mode") == "prefix"
    parts = []
    for t in _linux_types(ctx):  # custom networking does not apply to Windows nodes
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
        return {"detail": "; ".join(f"VPC range {v} overlaps connected network {o}" for v, o in pairs)}
    found = _planner(ctx, "overlapping-cidrs")
    if found:
        return {"detail": str(found[0].get("message", "")).rstrip(".") or _join(found[0].get("ranges") or [])}
    return None


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
        return {"detail": str(found[0].get("message", "")).strip() or "A planned subnet is too small."}
    if ctx.plan and ctx.plan.get("fits") is False:
        short = ctx.plan.get("shortfall")
        return {"detail": f"The address plan does not fit the VPC's CIDRs{f' ({short})' if short else ''}."}
    return None


@condition
def c_ipv6_chosen(ctx: Any) -> dict[str, Any] | None:
    return {} if ctx.decisions.get("ip_family") == "ipv6" else None


@condition
def c_ipv6_blocked_by_non_nitro(ctx: Any) -> dict[str, Any] | None:
    from eksadvisor.graph import ipv6_wanted, nitro_capable

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
        extra.append("Multus in Auto Mode is UNCONFIRMED (AWS does not support alternate CNI plugins there)")
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
    for t in _linux_types(ctx):
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
    for t in _linux_types(ctx):
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


def _linux_types(ctx: Any) -> list[str]:
    """Instance types of the Linux node groups (aws-node, branch ENIs and kubelet max-pods apply to these only)."""
    from eksadvisor.graph import linux_groups

    return sorted({t for g in linux_groups(ctx) for t in g.instance_types})


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


@condition
def c_sgp_non_trunking(ctx: Any) -> dict[str, Any] | None:
    if not _sgp(ctx):
        return None
    bad = []
    for t in _linux_types(ctx):
        it = ctx.catalog.get(t)
        if not it.trunking_compatible:
            bad.append(t)
    return {"types": _join(bad)} if bad else None


@condition
def c_sgp_branch_capacity_short(ctx: Any) -> dict[str, Any] | None:
    if not _sgp(ctx):
        return None
    want = ctx.answers.security_groups_for_pods.pods_per_node
    if want <= 0:
        return None
    short = []
    for t in _linux_types(ctx):
        it = ctx.catalog.get(t)
        branch = (it.branch_enis or 0) if it.trunking_compatible else 0
        if branch < want:
            short.append((t, branch))
    if not short:
        return None
    return {"pods": want, "types": _join([t for t, _ in short]), "capacity": ", ".join(f"{t}: {b}" for t, b in short)}


def _multus_thick(ctx: Any) -> bool:
    m = ctx.answers.multus
    return m.needed and m.plugin == "thick"


@condition
def c_multus_thick_race(ctx: Any) -> dict[str, Any] | None:
    from eksadvisor.graph import MULTUS_SEED_FIX

    if _multus_thick(ctx) and ctx.answers.multus.version_tuple() < MULTUS_SEED_FIX:
        return {"version": ctx.answers.multus.version}
    return None


@condition
def c_multus_thick_fix_unconfirmed(ctx: Any) -> dict[str, Any] | None:
    from eksadvisor.graph import MULTUS_SEED_FIX, multus_fix_traced

    m = ctx.answers.multus
    if not _multus_thick(ctx):
        return None
    if m.version_tuple() >= MULTUS_SEED_FIX and not multus_fix_traced(m):
        return {"version": m.version}
    return None


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


# ------------------------------------------------------------------------------------ evaluation

class _Params(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: dict[str, Any]) -> str:
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
        message = _fill(rule.message, params)
        if rule.status and rule.status not in message:
            message = f"[{rule.status}] {message}"
        out.append((SEVERITIES.index(rule.severity), index, {
            "id": rule.id,
            "severity": rule.severity,
            "message": message,
            "remediation": _fill(rule.remediation, params),
            "source": rule.source,
        }))
    out.sort(key=lambda t: (t[0], t[1]))
    return [w for _, _, w in out]
