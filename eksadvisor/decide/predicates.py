"""The predicates the decision graph's branches name (``p_<name>``): small yes/no questions about the
:class:`~eksadvisor.decide.context.Context`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eksadvisor.decide.context import Context
from eksadvisor.decide.facts import ipv6_wanted, linux_groups, linux_types, multus_fix_traced, warm_advice, warm_tunable
from eksadvisor.versions import IPV6_MIN_CNI, PD_MIN_CNI

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
    types = linux_types(ctx)
    return bool(types) and len(ctx.fact("linux_non_nitro_types")) == len(types)


@predicate
def p_sgp_no_trunking_types(ctx: Context) -> bool:
    """Security Groups for Pods wanted, but no Linux node type can host a trunk ENI (no Linux groups: Fargate's own)."""
    types = linux_types(ctx)
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


@predicate
def p_fargate_only(ctx: Context) -> bool:
    return not ctx.answers.node_groups


@predicate
def p_no_linux_nodes(ctx: Context) -> bool:
    """No Linux node group: nothing runs aws-node (Fargate only, Windows only, or both)."""
    return not linux_groups(ctx)


@predicate
def p_prefix_chosen(ctx: Context) -> bool:
    return warm_tunable(ctx) and ctx.decisions.get("address_mode") == "prefix"


@predicate
def p_warm_advice_ip_targets(ctx: Context) -> bool:
    if not warm_tunable(ctx):
        return False
    advice = warm_advice(ctx)
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
