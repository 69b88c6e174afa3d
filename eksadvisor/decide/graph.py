"""The decision graph: loaded from ``data/decision_graph.yaml`` and walked with named predicates.

The graph's nodes, branches, options and reasons are data (built from the seed's matrices); this
module holds only the predicates the data names, the facts its templates read, and the walk. A walk
records, in order, each node visited (the inputs it read, its outcome, the reason and the seed
section) and, for each option the node did not choose, why not.
"""

from __future__ import annotations

import ipaddress
import math
import string
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from eksadvisor.addressing.multus import thick_fix_included
from eksadvisor.addressing.planner import ExistingSubnetIn, PlanRequest, fits_as_is
from eksadvisor.errors import InputError
from eksadvisor.model.maxpods import compute, pod_eni_cap, sgp_capacity, trunk_supported
from eksadvisor.model.node import node_usage_for
from eksadvisor.model.warmpool import recommend_warm_settings
from eksadvisor.shipped import load_yaml_data
from eksadvisor.versions import IPV6_MIN_CNI, PD_MIN_CNI, parse_cni_version

GRAPH_FILE = "decision_graph.yaml"
DENSITY_PREFIX_THRESHOLD = 30  # seed DO: "Use prefix delegation when running >30 pods per node"
EXHAUSTED_UTILISATION = 0.8  # existing pod subnets this full count as short of addresses for warm pools
MULTUS_SEED_FIX = (4, 1, 1)  # seed: thick plugin safe from v4.1.1
MULTUS_UPSTREAM_FIX = (4, 2, 3)  # fact sheet: upstream fix first in v4.2.3 (AWS: v4.1.4-eksbuild.3)


# ------------------------------------------------------------------------------------- data model

class Branch(NamedTuple):
    when: str
    outcome: Any
    reason: str
    next: str | None = None
    set: tuple[tuple[str, Any], ...] = ()


class Node(NamedTuple):
    id: str
    title: str
    decides: str
    reads: tuple[str, ...]
    source: str
    branches: tuple[Branch, ...]
    options: tuple[tuple[Any, str, str], ...]  # (outcome, label, why_not)
    next: str | None = None


class Strategy(NamedTuple):
    id: str
    when: str
    reason: str
    complexity: str
    gain: str
    trade_offs: str
    source: str


class Graph(NamedTuple):
    start: str
    nodes: dict[str, Node]
    strategies: tuple[Strategy, ...] = ()


def outcome_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse(doc: dict[str, Any]) -> Graph:
    nodes: dict[str, Node] = {}
    for raw in doc["nodes"]:
        branches = tuple(
            Branch(
                when=b["when"], outcome=b["outcome"], reason=" ".join(str(b["reason"]).split()),
                next=b.get("next"), set=tuple(sorted((b.get("set") or {}).items())),
            )
            for b in raw["branches"]
        )
        options = tuple(
            (key, str(val.get("label", outcome_text(key))), " ".join(str(val.get("why_not", "")).split()))
            for key, val in (raw.get("options") or {}).items()
        )
        nodes[raw["id"]] = Node(
            id=raw["id"], title=raw.get("title", raw["id"]), decides=raw["decides"],
            reads=tuple(raw.get("reads") or ()), source=raw["source"], branches=branches,
            options=options, next=raw.get("next"),
        )
    strategies = tuple(
        Strategy(id=s["id"], when=s["when"], reason=" ".join(str(s["reason"]).split()), complexity=s["complexity"],
                 gain=s["gain"], trade_offs=s["trade_offs"], source=s["source"])
        for s in doc.get("strategies") or ()
    )
    return Graph(start=doc["start"], nodes=nodes, strategies=strategies)


@lru_cache(maxsize=1)
def load_graph() -> Graph:
    return _parse(load_yaml_data(GRAPH_FILE))


# ------------------------------------------------------------------------------------- the context

class GroupFacts:
    """What the advisor knows about one node group once modes are decided."""

    __slots__ = (
        "desired_nodes",
        "instance_types",
        "limiting_type",
        "max_nodes",
        "max_pods",
        "max_pods_by_type",
        "name",
        "os",
        "pods_per_node",
        "usage",
    )

    def __init__(self, name: str, os: str, instance_types: list[str], pods_per_node: int, desired_nodes: int,
                 max_nodes: int, max_pods_by_type: dict[str, int] | None = None, max_pods: int = 0,
                 limiting_type: str = "", usage: Any = None) -> None:
        self.name = name
        self.os = os
        self.instance_types = instance_types
        self.pods_per_node = pods_per_node
        self.desired_nodes = desired_nodes
        self.max_nodes = max_nodes
        self.max_pods_by_type = max_pods_by_type if max_pods_by_type is not None else {}
        self.max_pods = max_pods
        self.limiting_type = limiting_type
        self.usage = usage  # ipam.NodeUsage of the group's costliest type (or None)


class Context:
    """Everything predicates and templates read: the answers, derived facts and decisions so far."""

    __slots__ = ("answers", "cache", "catalog", "decisions", "groups", "init_settings", "plan", "settings", "strategies")

    def __init__(self, answers: Any, catalog: Any, decisions: dict[str, Any] | None = None) -> None:
        self.answers = answers
        self.catalog = catalog
        self.decisions: dict[str, Any] = decisions if decisions is not None else {}
        self.groups: list[GroupFacts] = []
        self.settings: dict[str, str] = {}
        self.init_settings: dict[str, str] = {}
        self.plan: dict[str, Any] = {}  # {"fits", "shortfall", "findings", "subnets", "secondary_cidrs"}
        self.strategies: list[str] = []
        self.cache: dict[str, Any] = {}

    # ---- small helpers shared by graph and rule predicates
    def fact(self, name: str) -> Any:
        if name not in self.cache:
            fn = FACTS.get(name)
            if fn is None:
                raise KeyError(name)
            self.cache[name] = fn(self)
        return self.cache[name]

    def cni(self) -> tuple[int, int, int]:
        return parse_cni_version(self.answers.cni_version)


class _FactView(dict[str, Any]):
    """A mapping for str.format_map: facts computed on demand, unknown names left visible."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key: str) -> Any:
        try:
            return _render(self.ctx.fact(key))
        except KeyError:
            return "{" + key + "}"


def _render(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) if value else "none"
    return value


def fill(template: str, ctx: Context) -> str:
    return string.Formatter().vformat(template, (), _FactView(ctx)) if "{" in template else template


def template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


# ------------------------------------------------------------------------------------------ facts
# Every name a template or a node's `reads` uses (besides answer paths) is defined here.

FACTS: dict[str, Callable[[Context], Any]] = {}


def fact(fn: Callable[[Context], Any]) -> Callable[[Context], Any]:
    FACTS[fn.__name__.removeprefix("f_")] = fn
    return fn


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


def nitro_capable(itype: Any) -> bool:
    """Nitro or bare metal, as the VPC CNI counts it: maxpods.nitro_capable."""
    from eksadvisor.model.maxpods import nitro_capable as model_nitro_capable

    return model_nitro_capable(itype)


@fact
def f_non_nitro_types(ctx: Context) -> list[str]:
    return [t for t in ctx.answers.instance_types() if not nitro_capable(ctx.catalog.get(t))]


def trunk_capable(itype: Any) -> bool:
    """The VPC resource controller can attach a trunk ENI (Security Groups for Pods): maxpods.trunk_supported."""
    return trunk_supported(itype)


def _linux_types(ctx: Context) -> list[str]:
    return sorted({t for g in linux_groups(ctx) for t in g.instance_types})


@fact
def f_linux_non_nitro_types(ctx: Context) -> list[str]:
    """Types of the Linux node groups that cannot run prefix delegation (not Nitro, not bare metal)."""
    return [t for t in _linux_types(ctx) if not nitro_capable(ctx.catalog.get(t))]


@fact
def f_linux_non_trunking_types(ctx: Context) -> list[str]:
    """Types of the Linux node groups that cannot host a Security Groups for Pods trunk ENI."""
    return [t for t in _linux_types(ctx) if not trunk_capable(ctx.catalog.get(t))]


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


def _trial_plan(ctx: Context, *, prefix: bool) -> Any:  # -> layout.FitCheck
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
        return f"VPC CNI {ctx.answers.cni_version} is older than 1.9.0, which prefix delegation needs."
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


def _warm_advice(ctx: Context) -> Any:
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
    _warm_advice(ctx)
    return ctx.decisions.get("warm_group", "none")


@fact
def f_warm_advice_reason(ctx: Context) -> str:
    advice = _warm_advice(ctx)
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
    if not _warm_tunable(ctx):
        return "No warm-pool tuning applies."
    if ctx.decisions.get("address_mode") != "prefix":
        return "WARM_PREFIX_TARGET only applies in prefix mode."
    return "The IP targets cost fewer subnet addresses per node for this churn (ipamd model)."


@fact
def f_warm_ip_why_not(ctx: Context) -> str:
    if not _warm_tunable(ctx):
        return "No warm-pool tuning applies."
    advice = _warm_advice(ctx)
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
    if not _warm_tunable(ctx):
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


# ------------------------------------------------------------------------------------ predicates

PREDICATES: dict[str, Callable[[Context], bool]] = {}


def predicate(fn: Callable[[Context], bool]) -> Callable[[Context], bool]:
    PREDICATES[fn.__name__.removeprefix("p_")] = fn
    return fn


@predicate
def p_always(ctx: Context) -> bool:
    return True


@predicate
def p_auto_mode_on(ctx: Context) -> bool:
    return ctx.answers.operations.auto_mode


def ipv6_wanted(ctx: Context) -> bool:
    """IPv6-ready and IPv4 exhaustion is a real concern: stated, or the node subnets are exhausted (seed: prefer IPv6
    over custom networking when ready for it)."""
    a = ctx.answers
    return a.ipv6.ready and (a.ipv6.ipv4_exhaustion_concern or bool(ctx.fact("node_cidr_exhausted")))


@predicate
def p_ipv6_not_wanted(ctx: Context) -> bool:
    return not ipv6_wanted(ctx)


@predicate
def p_ipv6_blocked_windows(ctx: Context) -> bool:
    return bool(ctx.fact("windows_groups"))


@predicate
def p_ipv6_blocked_non_nitro(ctx: Context) -> bool:
    return bool(ctx.fact("non_nitro_types"))


@predicate
def p_ipv6_blocked_separate_cidr(ctx: Context) -> bool:
    return ctx.answers.network.separate_pod_cidr_required


@predicate
def p_ipv6_blocked_cni(ctx: Context) -> bool:
    return ctx.cni() < IPV6_MIN_CNI


@predicate
def p_separate_pod_cidr_required(ctx: Context) -> bool:
    return ctx.answers.network.separate_pod_cidr_required


@predicate
def p_exhausted_but_cgnat_in_use(ctx: Context) -> bool:
    return ctx.fact("node_cidr_exhausted") and ctx.answers.network.cgnat_in_use and not ctx.answers.network.secondary_cidrs


@predicate
def p_exhausted_with_other_cidrs(ctx: Context) -> bool:
    return ctx.fact("node_cidr_exhausted") and ctx.fact("other_cidrs_available")


@predicate
def p_density_over_secondary(ctx: Context) -> bool:
    return bool(ctx.fact("over_secondary_groups"))


@predicate
def p_density_over_30(ctx: Context) -> bool:
    return bool(ctx.fact("over_30_groups"))


@predicate
def p_ip_constrained(ctx: Context) -> bool:
    return bool(ctx.fact("ip_constrained"))


@predicate
def p_secondary_chosen(ctx: Context) -> bool:
    return ctx.decisions.get("address_mode") == "secondary_ip"


@predicate
def p_prefix_cni_too_old(ctx: Context) -> bool:
    return ctx.cni() < PD_MIN_CNI


@predicate
def p_regulated(ctx: Context) -> bool:
    return ctx.answers.operations.regulated


@predicate
def p_no_external_access(ctx: Context) -> bool:
    return not ctx.answers.operations.external_api_access


@predicate
def p_dev_or_test(ctx: Context) -> bool:
    return ctx.answers.operations.environment in ("dev", "test")


@predicate
def p_sgp_not_needed(ctx: Context) -> bool:
    return not ctx.answers.security_groups_for_pods.needed


@predicate
def p_sgp_auto_mode(ctx: Context) -> bool:
    return ctx.answers.operations.auto_mode


@predicate
def p_prefix_no_capable_types(ctx: Context) -> bool:
    """No Linux node type can run prefix delegation: ipamd would fall back to secondary IPs on every node."""
    types = _linux_types(ctx)
    return bool(types) and len(ctx.fact("linux_non_nitro_types")) == len(types)


@predicate
def p_sgp_no_trunking_types(ctx: Context) -> bool:
    """Security Groups for Pods wanted, but no Linux node type can host a trunk ENI (no Linux groups: Fargate's own)."""
    types = _linux_types(ctx)
    return ctx.answers.security_groups_for_pods.needed and bool(types) \
        and len(ctx.fact("linux_non_trunking_types")) == len(types)


@predicate
def p_sgp_standard_needed(ctx: Context) -> bool:
    return ctx.answers.security_groups_for_pods.needed and not ctx.answers.operations.auto_mode \
        and bool(ctx.fact("standard_needs"))


@predicate
def p_multus_not_needed(ctx: Context) -> bool:
    return not ctx.answers.multus.needed


@predicate
def p_multus_thin(ctx: Context) -> bool:
    return ctx.answers.multus.needed and ctx.answers.multus.plugin == "thin"


@predicate
def p_multus_thick_unsafe(ctx: Context) -> bool:
    return ctx.answers.multus.needed and not multus_fix_traced(ctx.answers.multus)


@predicate
def p_ipv6_family(ctx: Context) -> bool:
    return ctx.decisions.get("ip_family") == "ipv6"


def _warm_tunable(ctx: Context) -> bool:
    """aws-node warm targets apply: an IPv4 cluster whose VPC CNI you run on Linux EC2 nodes (not IPv6, Auto Mode,
    Fargate or Windows only)."""
    return ctx.decisions.get("ip_family") == "ipv4" and not ctx.answers.operations.auto_mode and bool(linux_groups(ctx))


@predicate
def p_fargate_only(ctx: Context) -> bool:
    return not ctx.answers.node_groups


@predicate
def p_no_linux_nodes(ctx: Context) -> bool:
    """No Linux node group: nothing runs aws-node (Fargate only, Windows only, or both)."""
    return not linux_groups(ctx)


@predicate
def p_prefix_chosen(ctx: Context) -> bool:
    return _warm_tunable(ctx) and ctx.decisions.get("address_mode") == "prefix"


@predicate
def p_warm_advice_ip_targets(ctx: Context) -> bool:
    if not _warm_tunable(ctx):
        return False
    advice = _warm_advice(ctx)
    return advice is not None and advice.chosen.settings.ip_targets_defined


# strategies (IP Exhaustion Strategies table)
@predicate
def p_strategy_prefix(ctx: Context) -> bool:
    return ctx.decisions.get("ip_family") == "ipv4" and ctx.decisions.get("address_mode") == "prefix"


@predicate
def p_strategy_secondary_cidr(ctx: Context) -> bool:
    return bool(ctx.decisions.get("custom_networking")) or bool(ctx.plan.get("secondary_cidrs"))


@predicate
def p_strategy_custom_networking(ctx: Context) -> bool:
    return bool(ctx.decisions.get("custom_networking"))


@predicate
def p_strategy_ipv6(ctx: Context) -> bool:
    if ctx.decisions.get("ip_family") == "ipv6":
        return True
    return ctx.fact("ip_constrained") and ctx.answers.network.cgnat_in_use and not ctx.decisions.get("custom_networking")


@predicate
def p_strategy_private_nat(ctx: Context) -> bool:
    return bool(ctx.fact("overlapping_cidrs"))


@predicate
def p_strategy_reservation(ctx: Context) -> bool:
    if not (ctx.decisions.get("ip_family") == "ipv4" and ctx.decisions.get("address_mode") == "prefix"):
        return False
    return bool(prefix_subnets_in_use(ctx))


def prefix_subnets_in_use(ctx: Context) -> list[Any]:
    """Existing subnets that will hand out /28 prefixes and already hold addresses (fragmentation risk).

    Pod prefixes come from the node (private) subnets, or with custom networking from the pod subnets
    only (the node subnets then hold just each node's primary ENI).
    """
    role = "pod" if ctx.decisions.get("custom_networking") else "private"
    return [s for s in ctx.answers.network.existing_subnets if s.used_ips > 0 and s.role == role]


@predicate
def p_strategy_alternate_cni(ctx: Context) -> bool:
    return ctx.fact("ip_constrained") and ctx.answers.network.cgnat_in_use and not ctx.decisions.get("custom_networking") \
        and ctx.decisions.get("ip_family") == "ipv4"


# --------------------------------------------------------------------------------------- the walk

def read_input(ctx: Context, path: str) -> Any:
    """A node's input: an answers path (``section.key``) or a named fact."""
    value: Any
    if path in FACTS:
        value = ctx.fact(path)
    else:
        value = ctx.answers
        for part in path.split("."):
            value = getattr(value, part)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, (str, int, float, bool)) else str(v) for v in value]
    return str(value)


class Walk(NamedTuple):
    trace: list[dict[str, Any]]
    alternatives: list[dict[str, Any]]
    decisions: dict[str, Any]
    branches: list[tuple[str, str]]  # (node id, predicate of the branch taken)


class _Choice(NamedTuple):
    """The branch a node takes, the lower-priority branches whose predicates also held, and -- when compare()
    forced the node -- the step's reason saying so."""

    taken: Branch
    held: list[Branch]
    forced_reason: str = ""


def _first_holding(node: Node, ctx: Context) -> _Choice:
    """The first branch whose predicate holds is taken; the others that hold make their options "possible"."""
    holding = [br for br in node.branches if PREDICATES[br.when](ctx)]
    assert holding, f"node {node.id}: no branch applies (the last must be `always`)"
    return _Choice(taken=holding[0], held=holding[1:])


def _forced(node: Node, choice: _Choice, outcome: Any, ctx: Context) -> _Choice:
    """compare(): plan an option the walk would not choose. Take the first branch with that outcome whose predicate
    holds, else the last one with that outcome; the step says it was forced and what the walk alone would have chosen.
    Feasibility nodes after it (prefix_support) still apply their own checks."""
    want = outcome_text(outcome)
    with_outcome = [br for br in node.branches if outcome_text(br.outcome) == want]
    if not with_outcome:
        raise ValueError(f"force: node {node.id} has no outcome {want!r}")
    reason = (f"Forced by compare() to {want}; without forcing the walk chooses "
              f"{outcome_text(choice.taken.outcome)}: {fill(choice.taken.reason, ctx)}")
    held = [br for br in choice.held if br not in with_outcome]
    taken = next((br for br in with_outcome if PREDICATES[br.when](ctx)), with_outcome[-1])
    return _Choice(taken=taken, held=held, forced_reason=reason)


def _choose(node: Node, ctx: Context, force: Mapping[str, Any] | None) -> _Choice:
    """The branch the node takes: its own choice, unless ``force`` names another outcome for a node whose id is
    also its decision."""
    choice = _first_holding(node, ctx)
    if (force and node.id in force and node.decides == node.id
            and outcome_text(choice.taken.outcome) != outcome_text(force[node.id])):
        return _forced(node, choice, force[node.id], ctx)
    return choice


def _record_decision(ctx: Context, node: Node, taken: Branch) -> None:
    """The branch's decision (or the several it ``set``s) lands in ``ctx.decisions``; facts that depend on decisions
    are dropped from the cache, to be recomputed."""
    if taken.set:
        for key, value in taken.set:
            ctx.decisions[key] = value
    else:
        ctx.decisions[node.decides] = taken.outcome
    for key in [k for k in ctx.cache if k not in STATIC_FACTS and not k.startswith("_")]:
        del ctx.cache[key]


def _alternatives(node: Node, ctx: Context, choice: _Choice) -> list[dict[str, Any]]:
    """Every option the node did not choose, with why not: "possible" when one of its branches also held (a
    lower-priority match), else "rejected". Options without a why-not text are left out."""
    chosen = ctx.decisions.get(node.decides, choice.taken.outcome)
    held_outcomes = {outcome_text(b.outcome) for b in choice.held if b.when != "always"}
    out: list[dict[str, Any]] = []
    for key, _label, why_not in node.options:
        if outcome_text(key) == outcome_text(chosen) or not why_not:
            continue
        reason = fill(why_not, ctx).strip()
        if not reason:
            continue
        possible = outcome_text(key) in held_outcomes
        if possible:
            reason = f"Also applicable, but {outcome_text(chosen)} is preferred: {reason}"
        out.append({
            "option": f"{node.decides}={outcome_text(key)}",
            "verdict": "possible" if possible else "rejected",
            "reason": reason,
        })
    return out


def walk(ctx: Context, graph: Graph | None = None, *, force: Mapping[str, Any] | None = None) -> Walk:
    """Walk the graph from its start: decisions land in ``ctx.decisions``; returns the trace and alternatives.

    At each node the first branch whose predicate holds is taken; the step records the node's inputs, the
    outcome, the filled-in reason and the seed section. Every option the node did not choose becomes an
    alternative: "possible" when one of its branches also held (a lower-priority match), else "rejected".
    ``force`` ({node id: outcome}) overrides the choice at a node whose id is also its decision
    (``ip_family``, ``custom_networking``, ``address_mode``, ...): used by compare() to plan every option.
    """
    graph = graph or load_graph()
    trace: list[dict[str, Any]] = []
    alternatives: list[dict[str, Any]] = []
    node_id: str | None = graph.start
    visited: set[str] = set()
    taken_branches: list[tuple[str, str]] = []
    while node_id and node_id != "end":
        if node_id in visited:  # the lint test forbids cycles; never loop at run time either
            raise RuntimeError(f"decision graph cycle at {node_id}")
        visited.add(node_id)
        node = graph.nodes[node_id]
        inputs = {path: read_input(ctx, path) for path in node.reads}
        choice = _choose(node, ctx, force)
        taken_branches.append((node.id, choice.taken.when))
        _record_decision(ctx, node, choice.taken)
        trace.append({
            "node": node.id,
            "inputs": inputs,
            "outcome": outcome_text(choice.taken.outcome),
            "reason": choice.forced_reason or fill(choice.taken.reason, ctx),
            "source": node.source,
        })
        alternatives += _alternatives(node, ctx, choice)
        node_id = choice.taken.next or node.next
    return Walk(trace=trace, alternatives=alternatives, decisions=dict(ctx.decisions), branches=taken_branches)


def choose_strategies(ctx: Context, graph: Graph | None = None) -> tuple[list[str], dict[str, Any]]:
    """The IP exhaustion strategies that apply (seed table), and their trace step."""
    graph = graph or load_graph()
    chosen = [s for s in graph.strategies if PREDICATES[s.when](ctx)]
    ids = [s.id for s in chosen]
    ctx.strategies = ids
    step = {
        "node": "ip_exhaustion_strategies",
        "inputs": {
            "ip_constrained": read_input(ctx, "ip_constrained"),
            "overlapping_cidrs": read_input(ctx, "overlapping_cidrs"),
            "network.cgnat_in_use": ctx.answers.network.cgnat_in_use,
        },
        "outcome": ", ".join(ids) or "none",
        "reason": " ".join(f"{s.id}: {fill(s.reason, ctx)}" for s in chosen) or "No IP exhaustion strategy is needed.",
        "source": "IP Exhaustion Strategies",
    }
    return ids, step
