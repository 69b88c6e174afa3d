"""The forecast: per subnet and node group, how many more nodes fit today and under the recommended settings."""

from __future__ import annotations

from eksadvisor.audit.facts import AuditFacts
from eksadvisor.audit.groups import SubnetCost, node_cost, nodes_that_fit
from eksadvisor.audit.model import ForecastRow, SubnetAudit
from eksadvisor.errors import InputError
from eksadvisor.model.ipam import MANIFEST_DEFAULTS, NodeUsage, WarmSettings, node_usage
from eksadvisor.recommendation import Recommendation


def _warm_from_strings(settings: dict[str, str]) -> WarmSettings:
    """The warm targets of the recommended settings (not a whole number: the manifest's default)."""

    def num(k: str, d: int) -> int:
        v = str(settings.get(k, "")).strip()
        return int(v) if v.isdigit() else d

    return WarmSettings(**{key.lower(): num(key, unset) for key, unset in MANIFEST_DEFAULTS.items()})


def recommended_usage(facts: AuditFacts, rec: Recommendation | None) -> dict[str, NodeUsage | None]:
    """One node of each group under the recommended IPv4 settings (Windows nodes keep today's pool; None: the
    model refuses the group's type in that mode)."""
    out: dict[str, NodeUsage | None] = {}
    if rec is None or rec.ip_family != "ipv4":
        return out
    warm = _warm_from_strings(rec.settings)
    rprefix = rec.address_mode == "prefix"
    rec_max = {ng.name: ng.max_pods for ng in rec.node_groups}
    for g, state in facts.groups.items():
        u = state.usage
        if u is not None and u.os == "windows":
            out[g] = u
            continue
        try:
            out[g] = node_usage(state.instance_type, state.pods_per_node, prefix_delegation=rprefix,
                                custom_networking=rec.custom_networking, warm=warm,
                                max_pods=rec_max.get(g, rec.max_pods.get(state.instance_type)), catalog=facts.catalog,
                                cni_version=facts.mode.cni_version)
        except InputError:
            out[g] = None
    return out


def _recommended_cost(rec: Recommendation, usage: NodeUsage | None, role: str) -> SubnetCost:
    if rec.ip_family == "ipv6":
        return SubnetCost(1, 0) if role == "node" else SubnetCost(0, 0)
    if usage is not None:
        return node_cost(usage, role, rec.custom_networking, rec.address_mode == "prefix", False)
    return SubnetCost(0, 0)


def _row(facts: AuditFacts, sa: SubnetAudit, g: str, rec: Recommendation | None,
         rec_usage: dict[str, NodeUsage | None]) -> ForecastRow | None:
    """The row of group ``g`` in subnet ``sa`` (None when the subnet gives the group's nodes nothing today)."""
    mode = facts.mode
    role = "node" if g in facts.placement.node_subnets.get(sa.subnet_id, set()) else "pod"
    u = facts.groups[g].usage
    cost = node_cost(u, role, mode.custom, mode.prefix, mode.ipv6)
    now = nodes_that_fit(sa.free_ips, sa.free_prefixes, cost)
    if now is None:
        return None
    rec_fit, rec_cost = None, None
    if rec is not None:
        rc = _recommended_cost(rec, rec_usage.get(g), role)
        rec_fit = nodes_that_fit(sa.free_ips, sa.free_prefixes, rc)
        rec_cost = rc.addresses if rec_fit is not None else None
    return ForecastRow(subnet_id=sa.subnet_id, az=sa.az, role=role, group=g, nodes_now=facts.placement.node_count[sa.subnet_id],
                       fit_now=now, fit_recommended=rec_fit, per_node_now=cost.addresses, per_node_recommended=rec_cost)


def forecast(facts: AuditFacts, rec: Recommendation | None) -> list[ForecastRow]:
    """Every (subnet, group) pair where the group's nodes or pods take addresses, in subnet then group order."""
    rec_usage = recommended_usage(facts, rec)
    rows = (_row(facts, sa, g, rec, rec_usage) for sa in facts.subnets for g in facts.placement.groups_in(sa.subnet_id))
    return [r for r in rows if r is not None]


__all__ = ["forecast", "recommended_usage"]
