"""Warm-pool advice: which WARM_* settings to use for a node's pods, churn and address scarcity.

Candidates come from the seed's "VPC CNI Configuration Tuning" table (WARM_IP_TARGET 2-5,
MINIMUM_IP_TARGET 5-10, WARM_ENI_TARGET 0 when IP targets are used, WARM_PREFIX_TARGET 1) plus the
manifest defaults; every candidate is costed with :func:`eksadvisor.model.ipam.node_usage` (the settled ipamd
state), so the comparison uses what ipamd really holds, not what the settings' names suggest.

Rules (in this order):
1. Settings that make ipamd oscillate (WARM_ENI_TARGET=0 or WARM_PREFIX_TARGET=0 without IP targets)
   are rejected.
2. A candidate "meets the churn" when its guaranteed free addresses cover the pods that may start on a
   node within one 30 s cooldown window (``burst``: low 2, medium 5, high 10 unless given); addresses of
   pods deleted in that window cool and cannot be reused (ipamd-model.md §4.7), and ipamd only reacts
   to a shortage on its next 5 s tick with one EC2 call per step.
3. Scarcity low: the manifest default if it meets the churn (simplest, fewest EC2 calls).
   Scarcity medium: the cheapest candidate that meets the churn, unless the default costs at most 25 %
   more per node (then the default). Scarcity high: the cheapest candidate that meets the churn.
   Ties: more warm headroom, then fewer env vars. If none meets the churn: the one with most headroom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from eksadvisor.catalog import Catalog, InstanceType, load_catalog
from eksadvisor.errors import InputError
from eksadvisor.model.linux import node_usage
from eksadvisor.model.node_inputs import WarmSettings, whole_number
from eksadvisor.model.usage import NodeUsage

Level = Literal["low", "medium", "high"]
BURST_PODS: dict[str, int] = {"low": 2, "medium": 5, "high": 10}
DEFAULT_TOLERANCE = 1.25  # medium scarcity: keep the default if it costs at most 25 % more
SEED_SECTION = "seed 'VPC CNI Configuration Tuning' (000_ead66e69659c0f2c.txt)"


class Candidate(BaseModel):
    model_config = ConfigDict(frozen=True)
    label: str
    settings: WarmSettings
    env: dict[str, str]  # aws-node env that differs from the manifest defaults
    origin: str  # where the candidate comes from
    enis: int
    node_subnet_addresses: int
    pod_subnet_addresses: int
    subnet_addresses: int  # per node, upper end where ipamd is not deterministic
    warm_headroom: int  # free addresses guaranteed on the node (lower end)
    usable_during_burst: int  # free addresses left after `burst` pods replaced within 30 s
    pending_in_burst: int  # pods of the burst that wait for cooldown
    meets_churn: bool
    oscillates: bool
    flags: list[str]
    verdict: Literal["recommended", "acceptable", "rejected"]
    reason: str


class WarmAdvice(BaseModel):
    model_config = ConfigDict(frozen=True)
    instance_type: str
    mode: Literal["secondary_ip", "prefix"]
    custom_networking: bool
    pods_per_node: int
    churn: Level
    address_scarcity: Level
    burst_pods: int
    candidates: list[Candidate]
    chosen: Candidate
    reason: str
    source: str = SEED_SECTION


def _level(value: str, field: str) -> Level:
    if value not in BURST_PODS:
        raise InputError(f"{field}: must be low, medium or high, not {value!r}.", field=field)
    return value  # type: ignore[return-value]


def _candidates(pd: bool) -> list[tuple[str, WarmSettings, str]]:
    ip_targets = [
        (wit, mit) for wit in (2, 5) for mit in (5, 10)
    ]
    out: list[tuple[str, WarmSettings, str]] = []
    if pd:
        out.append(("default WARM_PREFIX_TARGET=1", WarmSettings(), "manifest default; seed: WARM_PREFIX_TARGET 1 (recommended)"))
        out.append(("WARM_PREFIX_TARGET=2", WarmSettings(warm_prefix_target=2), "one more warm /28 for bursts (not in the seed table)"))
        out.append(("WARM_PREFIX_TARGET=0", WarmSettings(warm_prefix_target=0), "zero warm target (code default when the env var is missing)"))
    else:
        out.append(("default WARM_ENI_TARGET=1", WarmSettings(), "manifest default; seed: WARM_ENI_TARGET default 1"))
        out.append(("WARM_ENI_TARGET=0", WarmSettings(warm_eni_target=0), "zero warm target without IP targets"))
    for wit, mit in ip_targets:
        out.append((
            f"WARM_IP_TARGET={wit} MINIMUM_IP_TARGET={mit}",
            WarmSettings(warm_eni_target=0, warm_ip_target=wit, minimum_ip_target=mit),
            "seed table: WARM_IP_TARGET 2-5, MINIMUM_IP_TARGET 5-10, WARM_ENI_TARGET 0 (if using IP targets)",
        ))
    return out


def _cost(label: str, settings: WarmSettings, origin: str, usage: NodeUsage, burst: int) -> Candidate:
    """One candidate's figures: addresses at the range's upper end, headroom at its lower end."""
    ids = usage.flag_ids
    oscillates = "oscillation" in ids
    headroom = usage.range.free_ips.min
    pending = max(0, burst - headroom)
    return Candidate(
        label=label, settings=settings, env=settings.env(), origin=origin, enis=usage.range.enis.max,
        node_subnet_addresses=usage.range.node_subnet_addresses.max, pod_subnet_addresses=usage.range.pod_subnet_addresses.max,
        subnet_addresses=usage.range.subnet_addresses.max, warm_headroom=headroom, usable_during_burst=max(0, headroom - burst),
        pending_in_burst=pending, meets_churn=(pending == 0 and not oscillates), oscillates=oscillates, flags=ids,
        verdict="acceptable", reason="",
    )


@dataclass(frozen=True)
class Situation:
    """What the choice depends on besides the candidates: the node, the churn and the scarcity."""

    pd: bool
    pods_per_node: int
    churn: Level
    address_scarcity: Level
    burst: int


def _none_meets(viable: list[Candidate], s: Situation) -> tuple[Candidate, str]:
    chosen = max(viable, key=lambda c: (c.warm_headroom, -c.subnet_addresses, -len(c.env)))
    return chosen, (f"No candidate keeps {s.burst} free addresses for a {s.churn}-churn burst on this node "
                    f"({s.pods_per_node} pods); {chosen.label} leaves the most ({chosen.warm_headroom}). Consider fewer pods per node "
                    "or a larger instance type.")


def _default_not_scarce(default: Candidate, s: Situation) -> str:
    return (f"Addresses are not scarce and the manifest default already keeps {default.warm_headroom} free addresses "
            f"(>= {s.burst} for {s.churn} churn) at {default.subnet_addresses} subnet addresses per node. The seed's "
            "'VPC CNI Configuration Tuning' table lists WARM_ENI_TARGET 1 and WARM_PREFIX_TARGET 1 as the defaults "
            "('use WARM_PREFIX_TARGET for simplicity'); IP targets only pay where addresses are short, and they add EC2 API calls under churn.")


def _default_as_cheap(default: Candidate, s: Situation) -> str:
    return (f"The manifest default is already as cheap as any candidate that meets {s.churn} churn: "
            f"{default.subnet_addresses} subnet addresses per node with {default.warm_headroom} free. "
            + ("In prefix mode the IP targets still cost whole /28s (free addresses float between WIT and WIT+15), "
               "so they save nothing here; the seed's 'VPC CNI Configuration Tuning' table recommends WARM_PREFIX_TARGET 1 "
               "('use WARM_PREFIX_TARGET for simplicity')." if s.pd else
               "The seed's 'VPC CNI Configuration Tuning' table keeps WARM_ENI_TARGET 1 as the default; IP targets would add "
               "EC2 API calls under churn without saving addresses."))


def _default_within_tolerance(default: Candidate, cheapest: Candidate, s: Situation) -> str:
    return (f"The default costs {default.subnet_addresses} addresses per node, within 25 % of the cheapest candidate "
            f"({cheapest.label}: {cheapest.subnet_addresses}), and keeps {default.warm_headroom} free for {s.churn} churn; "
            "per the seed's 'VPC CNI Configuration Tuning' section, WARM_PREFIX_TARGET/defaults are the simple choice "
            "and WARM_IP_TARGET is for fine-grained control when it pays.")


def _cheapest_wins(chosen: Candidate, default: Candidate, s: Situation) -> str:
    saved = default.subnet_addresses - chosen.subnet_addresses
    return (f"{chosen.label} is the cheapest setting that still keeps {chosen.warm_headroom} free addresses "
            f"(>= {s.burst} pods starting within one 30 s cooldown window, {s.churn} churn): {chosen.subnet_addresses} "
            f"subnet addresses per node vs {default.subnet_addresses} with the default"
            + (f" ({saved} fewer)" if saved > 0 else "")
            + ". The seed's 'VPC CNI Configuration Tuning' table recommends WARM_IP_TARGET 2-5 and MINIMUM_IP_TARGET 5-10"
            " with WARM_ENI_TARGET 0 when IP targets are used, and warns that warm ENIs consume subnet addresses"
            " ('43+ IPs' on a 3-node cluster)."
            + (" In prefix mode the IP targets still cost whole /28s (free addresses float between WIT and WIT+15)." if s.pd else "")
            + " Small WARM_IP_TARGET values mean more EC2 API calls under churn.")


def _choose(rows: list[Candidate], s: Situation) -> tuple[Candidate, str]:
    """Rule 3 of the module docstring: the candidate to recommend, and why."""
    default = rows[0]
    viable = [c for c in rows if not c.oscillates]
    meeting = [c for c in viable if c.meets_churn]
    if not meeting:
        return _none_meets(viable, s)
    if s.address_scarcity == "low" and default in meeting:
        return default, _default_not_scarce(default, s)
    cheapest = min(meeting, key=lambda c: (c.subnet_addresses, -c.warm_headroom, len(c.env)))
    if default in meeting and default.subnet_addresses <= cheapest.subnet_addresses:
        return default, _default_as_cheap(default, s)
    if s.address_scarcity == "medium" and default in meeting and default.subnet_addresses <= DEFAULT_TOLERANCE * cheapest.subnet_addresses:
        return default, _default_within_tolerance(default, cheapest, s)
    return cheapest, _cheapest_wins(cheapest, default, s)


def _judge(c: Candidate, chosen: Candidate, why: str, s: Situation) -> Candidate:
    """The candidate with its verdict and the reason for it."""
    if c.oscillates:
        pool_name = "prefix" if s.pd else "secondary-IP"
        verdict, reason = "rejected", f"ipamd oscillates with this setting in {pool_name} mode (allocate when empty, release right after)."
    elif c is chosen:
        verdict, reason = "recommended", why
    elif not c.meets_churn:
        verdict, reason = "rejected", f"only {c.warm_headroom} guaranteed free addresses: {c.pending_in_burst} of {s.burst} burst pods would wait up to 30 s."
    else:
        delta = c.subnet_addresses - chosen.subnet_addresses
        verdict = "acceptable"
        reason = (f"meets the churn; {abs(delta)} {'more' if delta >= 0 else 'fewer'} subnet addresses per node than the recommendation"
                  f", {c.warm_headroom} warm.")
    return c.model_copy(update={"verdict": verdict, "reason": reason})


def recommend_warm_settings(
    instance_type: str | InstanceType,
    pods_per_node: int,
    *,
    prefix_delegation: bool = False,
    custom_networking: bool = False,
    churn: Level = "medium",
    address_scarcity: Level = "medium",
    burst_pods: int | None = None,
    max_pods: int | None = None,
    max_eni: int | None = None,
    sgp: bool = False,
    catalog: Catalog | None = None,
) -> WarmAdvice:
    """Compare the candidate warm settings for one node shape and recommend one (see the module docstring)."""
    churn = _level(churn, "churn")
    address_scarcity = _level(address_scarcity, "address_scarcity")
    if not isinstance(instance_type, InstanceType):
        catalog = catalog or load_catalog()
    burst = BURST_PODS[churn] if burst_pods is None else whole_number(burst_pods, "burst_pods")

    base_kwargs: dict[str, Any] = {"prefix_delegation": prefix_delegation, "custom_networking": custom_networking,
                                   "max_pods": max_pods, "max_eni": max_eni, "sgp": sgp, "catalog": catalog}
    probe = node_usage(instance_type, pods_per_node, replaced_pods=burst, **base_kwargs)  # validates everything once
    situation = Situation(pd=probe.mode == "prefix", pods_per_node=pods_per_node, churn=churn,
                          address_scarcity=address_scarcity, burst=burst)
    rows = [
        _cost(label, settings, origin,
              node_usage(instance_type, pods_per_node, warm=settings, replaced_pods=burst, **base_kwargs), burst)
        for label, settings, origin in _candidates(situation.pd)
    ]
    chosen, why = _choose(rows, situation)
    final = [_judge(c, chosen, why, situation) for c in rows]
    chosen_final = next(c for c in final if c.verdict == "recommended")
    return WarmAdvice(
        instance_type=probe.instance_type, mode=probe.mode, custom_networking=custom_networking,
        pods_per_node=pods_per_node, churn=churn, address_scarcity=address_scarcity, burst_pods=burst,
        candidates=final, chosen=chosen_final, reason=why,
    )
