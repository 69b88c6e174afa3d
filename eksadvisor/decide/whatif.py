"""``compare(answers)``: the same answers planned under every pod-addressing option, one row each (docs/design.md §2.6).

Options (labels as in :data:`eksadvisor.output.charts.MODE_ORDER`): ``secondary IP``, ``prefix``, ``custom networking``,
``custom networking + prefix`` (all IPv4) and ``IPv6``. These are every combination the decision graph's mode
nodes can reach (``ip_family``, ``custom_networking``, ``address_mode``), so every mode alternative advise()
lists (``ip_family=ipv6``, ``custom_networking=true``, ``address_mode=prefix``, ...) is a row. Alternatives of
other nodes (endpoint access, Security Groups for Pods, Multus, warm-pool tuning) are not rows: they keep the
recommended mode.

How a row is planned: the recommended row is exactly advise()'s path (:func:`eksadvisor.decide.advisor.prepare`
without forcing); every other row walks the same graph with the option's decisions forced at their nodes
(``prepare(force=...)``; the trace step says "Forced by compare()"), then runs the same max-pods, ipamd usage,
subnet planner and rules as advise(). There is no second model: every number is read from those results.

- ``max_pods``: the lowest kubelet max pods over the node groups (``None`` without EC2 node groups).
- ``subnet_addresses_desired`` / ``_max``: subnet addresses the cluster takes from the VPC at desired and at
  max nodes (node and pod subnets, warm pools included), the sums of ``Recommendation.az_usage``.
- ``fits``: advise() would give this option a complete plan (``plan.complete``: it does not raise
  :class:`~eksadvisor.errors.PlanDoesNotFit`) and report no shortfall (no ``subnet-too-small`` critical warning).
  compare() never raises for a plan that does not fit: when advise() refuses the recommended option, compare()
  still returns its row with ``fits`` False and the refusal sentence in ``note``.
- ``headroom_nodes``: extra nodes (spread over the AZs like :func:`eksadvisor.model.ipam.spread`, each costing the
  costliest group's per-node addresses) the planned subnets still hold beyond max nodes before the first node or
  pod subnet in any AZ is full; addresses already used in reused subnets (``used_ips``) count as taken.
- ``critical_warnings``: the critical warnings advise() gives for that option.
- ``available`` / ``note``: an option the answers rule out (IPv6 with Windows nodes, prefix delegation on a
  VPC CNI older than 1.9.0, ...) is a row with ``available`` False, the reason in ``note`` and no figures.

pandas is imported only by :func:`compare`; :func:`compare_rows` gives the same rows as plain dicts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from eksadvisor.addressing.planner import refusal_sentence
from eksadvisor.answers import load_answers
from eksadvisor.catalog import load_catalog
from eksadvisor.decide.advisor import Prepared, az_usage_out, plan_facts, prepare
from eksadvisor.decide.context import fill
from eksadvisor.decide.graph import choose_strategies, load_graph
from eksadvisor.decide.predicates import PREDICATES
from eksadvisor.decide.rules import evaluate
from eksadvisor.errors import InputError
from eksadvisor.names import ADDRESS_ROLES
from eksadvisor.wording import plain

# label -> the decisions forced for it (graph node ids; ip_family ipv6 sets the rest itself).
OPTIONS: dict[str, dict[str, Any]] = {
    "secondary IP": {"ip_family": "ipv4", "custom_networking": False, "address_mode": "secondary_ip"},
    "prefix": {"ip_family": "ipv4", "custom_networking": False, "address_mode": "prefix"},
    "custom networking": {"ip_family": "ipv4", "custom_networking": True, "address_mode": "secondary_ip"},
    "custom networking + prefix": {"ip_family": "ipv4", "custom_networking": True, "address_mode": "prefix"},
    "IPv6": {"ip_family": "ipv6"},
}
# ip_family branches that rule IPv6 out whatever the preference (the graph's own predicates and reasons).
IPV6_BLOCKERS = ("ipv6_blocked_windows", "ipv6_blocked_non_nitro", "ipv6_blocked_separate_cidr", "ipv6_blocked_cni")
COLUMNS = (
    "option", "recommended", "available", "ip_family", "address_mode", "custom_networking", "max_pods",
    "nodes_desired", "nodes_max", "subnet_addresses_desired", "subnet_addresses_max", "subnet_capacity", "fits",
    "headroom_nodes", "critical_warnings", "critical_warning_ids", "secondary_cidrs", "note",
)
INT_COLUMNS = ("max_pods", "nodes_desired", "nodes_max", "subnet_addresses_desired", "subnet_addresses_max",
               "subnet_capacity", "headroom_nodes", "critical_warnings")


def _decided(ctx: Any) -> dict[str, Any]:
    d = ctx.decisions
    ipv6 = d["ip_family"] == "ipv6"
    return {"ip_family": d["ip_family"], "address_mode": d["address_mode"],
            "custom_networking": bool(d.get("custom_networking")) and not ipv6}


def _label_of(decided: Mapping[str, Any]) -> str:
    if decided["ip_family"] == "ipv6":
        return "IPv6"
    for label, want in OPTIONS.items():
        if want.get("ip_family") == "ipv4" and all(decided[k] == v for k, v in want.items()):
            return label
    raise AssertionError(decided)  # pragma: no cover - the five options cover every decision combination


def _fits(plan: Any) -> bool:
    """advise() neither refuses the plan (``plan.complete``, docs/design.md §2.4) nor reports a shortfall (the condition of
    the subnet-too-small rule, rules.c_subnet_too_small, negated)."""
    return bool(getattr(plan, "complete", True)) and bool(plan.fits) and plan.shortfall is None \
        and not any(f.id == "subnet-too-small" for f in plan.findings)


def _norm(cidr: str) -> str:
    try:
        return str(ipaddress.ip_network(cidr, strict=False))
    except ValueError:
        return cidr


def _capacity(p: Prepared) -> tuple[dict[tuple[str, str], int], int]:
    """Free addresses per (AZ, role) in the plan's node ("private") and pod subnets, and their total."""
    used = {_norm(s.cidr): s.used_ips for s in p.answers.network.existing_subnets}
    free: dict[tuple[str, str], int] = {}
    for s in p.plan.subnets:
        if s.role in ADDRESS_ROLES:
            key = (s.az, s.role)
            free[key] = free.get(key, 0) + s.usable_ips - (used.get(_norm(s.cidr), 0) if s.existing else 0)
    return free, sum(free.values())


def _headroom(p: Prepared, ipv6: bool, free: Mapping[tuple[str, str], int]) -> int | None:
    at_max = p.at_max
    if at_max is None:
        return None
    if ipv6:
        node_cost, pod_cost = 1, 0  # one IPv4 node-subnet address per node; pods use the node's /80
    else:
        node_cost = max(g.per_node_node_subnet_addresses for g in at_max.groups)
        pod_cost = max(g.per_node_pod_subnet_addresses for g in at_max.groups)
    fargate = -(-p.answers.fargate_pods // len(at_max.azs)) if p.answers.fargate_pods else 0
    per_az: list[int] = []
    for z in at_max.per_az:
        node_used = (z.max.nodes if ipv6 else z.max.node_subnet_addresses) + fargate
        pod_used = 0 if ipv6 else z.max.pod_subnet_addresses
        room = []
        if node_cost:
            room.append(max(free.get((z.az, "private"), 0) - node_used, 0) // node_cost)
        if pod_cost:
            # without custom networking pods share the node subnet (pod_cost is then 0 here)
            room.append(max(free.get((z.az, "pod"), 0) - pod_used, 0) // pod_cost)
        per_az.append(min(room) if room else 0)
    return spread_capacity(per_az)


def spread_capacity(room: list[int]) -> int:
    """The most extra nodes that fit when spread like :func:`eksadvisor.model.ipam.spread` (even, the remainder one each
    to the first AZs listed) over AZs that each still hold ``room[i]`` nodes: the largest k with
    spread(k)[i] <= room[i] for every AZ."""
    m = min(room)
    k = m * len(room)
    for r in room:  # the remainder goes to the first AZs in order: each must hold one more than m
        if r <= m:
            break
        k += 1
    return k


def _row(p: Prepared, label: str, recommended: bool) -> dict[str, Any]:
    ctx = p.ctx
    decided = _decided(ctx)
    ipv6 = decided["ip_family"] == "ipv6"
    ctx.plan = plan_facts(p.plan)
    choose_strategies(ctx)
    warnings = evaluate(ctx, p.answers.suppress_rules)
    critical = sorted(w["id"] for w in warnings if w["severity"] == "critical")
    azs = az_usage_out(p.at_max, ipv6)
    free, capacity = _capacity(p)
    fits = _fits(p.plan)
    note = "" if recommended else next(
        (s["reason"] for s in p.result.trace if s["reason"].startswith("Forced by compare()")), "")
    if not fits:
        if not getattr(p.plan, "complete", True):
            reason = refusal_sentence(p.plan)  # the sentence advise() refuses this option with
        else:
            reason = p.plan.shortfall.reason if p.plan.shortfall else next(
                (f.message for f in p.plan.findings if f.id == "subnet-too-small"), "")
        note = (reason if reason.startswith("The plan does not fit") else f"The plan does not fit: {reason}") \
            + (" " + note if note else "")

    return {
        "option": label, "recommended": recommended, "available": True, **decided,
        "max_pods": min((g.max_pods for g in p.groups), default=None),
        "nodes_desired": sum(u.nodes_desired for u in azs) if azs else None,
        "nodes_max": sum(u.nodes_max for u in azs) if azs else None,
        # Fargate pods take one private-subnet address each whatever the option (EKS user guide, Fargate profiles)
        "subnet_addresses_desired": sum(u.node_subnet_addresses_desired + u.pod_subnet_addresses_desired
                                        for u in azs) + p.answers.fargate_pods,
        "subnet_addresses_max": sum(u.node_subnet_addresses_max + u.pod_subnet_addresses_max
                                    for u in azs) + p.answers.fargate_pods,
        "subnet_capacity": capacity,
        "fits": fits,
        "headroom_nodes": _headroom(p, ipv6, free) if fits else 0,
        "critical_warnings": len(critical),
        "critical_warning_ids": ", ".join(critical),
        "secondary_cidrs": ", ".join(p.plan.secondary_cidrs),
        "note": plain(note),  # the graph's reasons in plain words for users (eksadvisor.wording)
    }


def _unavailable(label: str, want: Mapping[str, Any], why: str) -> dict[str, Any]:
    row = dict.fromkeys(COLUMNS)
    row.update(option=label, recommended=False, available=False, fits=False, note=plain(why),
               ip_family=want.get("ip_family"), address_mode=want.get("address_mode", "prefix"),
               custom_networking=bool(want.get("custom_networking")), critical_warning_ids="", secondary_cidrs="")
    return row


def compare_rows(answers: Any, options: Iterable[str] | None = None, *, catalog: Any = None) -> list[dict[str, Any]]:
    """The rows of :func:`compare` as plain dicts (no pandas), in :data:`OPTIONS` order."""
    wanted = list(OPTIONS) if options is None else list(dict.fromkeys(options))
    unknown = [o for o in wanted if o not in OPTIONS]
    if unknown:
        raise InputError(f"options: {unknown[0]!r} is not one of {', '.join(OPTIONS)}.", field="options")
    a = load_answers(answers)
    catalog = catalog or load_catalog()
    base = prepare(a, catalog)  # advise()'s own path: the recommended row
    static = dict(base.ctx.cache)  # answers-only facts (exhaustion trial plans): computed once
    chosen = _label_of(_decided(base.ctx))
    rows: dict[str, dict[str, Any]] = {chosen: _row(base, chosen, True)}
    for label in wanted:
        if label in rows:
            continue
        want = OPTIONS[label]
        if want["ip_family"] == "ipv6":
            node = load_graph().nodes["ip_family"]
            blocked = [fill(br.reason, base.ctx) for br in node.branches
                       if br.when in IPV6_BLOCKERS and PREDICATES[br.when](base.ctx)]
            if blocked:
                rows[label] = _unavailable(label, want, blocked[0])
                continue
        p = prepare(a, catalog, force=want, static_facts=static)
        got = _decided(p.ctx)
        if _label_of(got) != label:
            # a feasibility node after the forced one changed it back (e.g. prefix_support: VPC CNI < 1.9.0)
            why = next((s["reason"] for s in p.result.trace if s["node"] == "prefix_support"), "") or \
                f"The answers lead to {_label_of(got)} instead."
            rows[label] = _unavailable(label, want, why)
            continue
        rows[label] = _row(p, label, False)
    return [rows[label] for label in OPTIONS if label in rows and (label in wanted or label == chosen)]


def compare(answers: Any, options: Iterable[str] | None = None, *, catalog: Any = None) -> Any:
    """A pandas DataFrame, one row per option (module docstring; docs/design.md §2.6). ``options`` picks labels of
    :data:`OPTIONS`; the recommended option is always included. ``.pipe(eksadvisor.output.charts.compare_chart)`` draws it."""
    import pandas as pd

    df = pd.DataFrame(compare_rows(answers, options, catalog=catalog), columns=list(COLUMNS))
    for col in INT_COLUMNS:
        df[col] = df[col].astype("Int64")
    return df
