"""Audit an existing cluster: what its settings are, what is wrong or running out, and the way to the recommendation.

Every figure comes from an engine formula: free /28 blocks from :func:`eksadvisor.addressing.prefixready.analyse` (the
``subnet_frag`` measure: a block is free when no address in it is in use, AWS-reserved or explicitly reserved
[FRG]), per-node subnet cost from :func:`eksadvisor.model.ipam.node_usage` (the ipamd model; Windows:
:func:`eksadvisor.model.winipam.windows_node_usage`), max pods from :mod:`eksadvisor.model.maxpods`, and the
recommendation from :func:`eksadvisor.decide.advisor.advise` on answers derived from the live state.

The steps, each in its own module: settings → addresses → nodes → groups → subnets → findings → derived answers →
recommendation → changes and forecast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eksadvisor.answers import Answers
from eksadvisor.audit.addresses import analyse_subnet, collect_addresses
from eksadvisor.audit.bundle import ABSENCE, Bundle
from eksadvisor.audit.changes import plan_changes
from eksadvisor.audit.derived import derive_answers
from eksadvisor.audit.facts import AuditFacts
from eksadvisor.audit.findings import CLUSTER_SUBNET_MIN_FREE, SURGE_NODES, all_findings
from eksadvisor.audit.forecast import forecast
from eksadvisor.audit.groups import audit_groups
from eksadvisor.audit.model import AuditResult, CurrentSettings
from eksadvisor.audit.nodes import place_nodes, pods_per_node, read_eniconfigs, read_nodes
from eksadvisor.audit.settings import ENV_DEFAULTS, RunningMode, current_settings
from eksadvisor.audit.subnets import audit_subnets, place_groups
from eksadvisor.catalog import Catalog, load_catalog
from eksadvisor.decide.advisor import advise
from eksadvisor.errors import InputError
from eksadvisor.recommendation import Recommendation


def cluster_region(b: Bundle) -> str:
    """The Region from the cluster ARN, else the live mode's, else the first AZ's name less its letter."""
    arn = str(b.cluster.get("arn") or "")
    region = arn.split(":")[3] if arn.count(":") >= 5 else b.region
    if not region:
        azs = {s["AvailabilityZone"] for s in b.subnets}
        region = re.sub(r"[a-z]$", "", sorted(azs)[0])
    return region


def read_facts(b: Bundle, cs: CurrentSettings, catalog: Catalog) -> AuditFacts:
    """Read the cluster: addresses per subnet, nodes and where they sit, node groups, subnets and their roles."""
    mode = RunningMode.of(cs)
    region = cluster_region(b)
    index = collect_addresses(b)
    nodes = read_nodes(b, catalog)
    pods = pods_per_node(b)
    eniconfigs = read_eniconfigs(b, cs.env["ENI_CONFIG_LABEL_DEF"].value, cs.env["ENI_CONFIG_ANNOTATION_DEF"].value)
    place_nodes(nodes, index, pods, eniconfigs, mode.custom)
    groups = audit_groups(nodes, mode, catalog, have_pods=pods is not None)
    placement = place_groups(nodes, eniconfigs, index.subnets, mode.custom)
    cluster_subnets = set(b.cluster["resourcesVpcConfig"].get("subnetIds") or [])
    subnets = audit_subnets(index.subnets, placement, cluster_subnets, groups, mode, b.reservations)
    return AuditFacts(bundle=b, settings=cs, mode=mode, region=region, catalog=catalog, nodes=nodes,
                      eniconfigs=eniconfigs, groups=groups, placement=placement, subnets=subnets)


@dataclass
class Advice:
    """The recommendation for the derived answers, or why there is none."""

    recommendation: Recommendation | None
    error: str | None


def advise_cluster(answers: Answers | None, answers_error: str | None) -> Advice:
    """Ask the advisor; a plan that cannot be complete (e.g. PlanDoesNotFit) is an error sentence, not a failure."""
    if answers is None:
        return Advice(None, answers_error)
    try:
        return Advice(advise(answers), answers_error)
    except InputError as exc:
        return Advice(None, str(exc))


def audit_bundle(b: Bundle, *, catalog: Catalog | None = None) -> AuditResult:
    """The audit of one bundle (see :mod:`eksadvisor.audit`)."""
    catalog = catalog or load_catalog()
    cs = current_settings(b)
    facts = read_facts(b, cs, catalog)
    notes = list(b.notes)
    findings = all_findings(facts, notes)
    answers, answers_error = derive_answers(facts, notes)
    advice = advise_cluster(answers, answers_error)
    rec = advice.recommendation
    node_groups = [g.audit for g in facts.groups.values()]
    return AuditResult(
        cluster_name=str(b.cluster["name"]), region=facts.region, vpc_id=b.vpc_id, origin=b.origin, current_settings=cs,
        subnets=facts.subnets, node_groups=node_groups, findings=findings,
        answers=answers.model_dump(mode="json") if answers is not None else {},
        recommendation=rec.model_dump(mode="json") if rec is not None else None, recommendation_error=advice.error,
        changes=plan_changes(cs, rec, node_groups, b) if rec is not None else [],
        forecast=forecast(facts, rec), limitations=[ABSENCE[k] for k in b.absent if k in ABSENCE], notes=notes)


__all__ = ["CLUSTER_SUBNET_MIN_FREE", "ENV_DEFAULTS", "SURGE_NODES", "analyse_subnet", "audit_bundle", "cluster_region",
           "current_settings", "read_facts"]
