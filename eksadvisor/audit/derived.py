"""The advisor's answers derived from the live state, so the audit can ask :func:`eksadvisor.decide.advisor.advise`
what the cluster should run with."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any

from eksadvisor.answers import Answers, validate_answers
from eksadvisor.audit.facts import AuditFacts
from eksadvisor.audit.model import SubnetAudit
from eksadvisor.audit.settings import auto_mode
from eksadvisor.errors import InputError

#: audit role -> the answers' existing_subnets role
_ROLE_MAP = {"node": "private", "pod": "pod", "cluster": "cluster", "public": "public", "unused": "private"}


def _secondary_cidrs(vpc: dict[str, Any]) -> list[str]:
    primary = vpc["CidrBlock"]
    return sorted({a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet") or []
                   if isinstance(a, dict) and a.get("CidrBlock") and a["CidrBlock"] != primary and
                   (a.get("CidrBlockState") or {}).get("State", "associated") == "associated"},
                  key=lambda c: IPv4Network(c))


def _answer_azs(subnets: list[SubnetAudit], notes: list[str]) -> list[str]:
    """The AZs with nodes or pods (topped up to two from cluster subnets, then any subnet), at most six."""
    used_azs = sorted({s.az for s in subnets if {"node", "pod"} & set(s.roles)})
    for extra in (sorted({s.az for s in subnets if "cluster" in s.roles}), sorted({s.az for s in subnets})):
        for az in extra:
            if len(used_azs) < 2 and az not in used_azs:
                used_azs.append(az)
    azs = sorted(used_azs)[:6]
    dropped = sorted({s.az for s in subnets} - set(azs))
    if dropped:
        notes.append(f"Subnets in {', '.join(dropped)} are left out of the answers (no nodes or pods there).")
    return azs


def _node_groups(facts: AuditFacts, notes: list[str]) -> list[dict[str, Any]]:
    ngs = [{"name": g.name, "instance_types": sorted({x.itype for x in g.members}), "desired_nodes": len(g.members),
            "max_nodes": max(len(g.members), 1), "pods_per_node": g.pods_per_node, "os": g.members[0].os}
           for g in facts.groups.values()]
    if ngs:
        notes.append("The bundle does not hold the node groups' Auto Scaling limits: max_nodes in the answers is today's "
                     "node count; raise it to plan for growth.")
    return ngs


def answers_data(facts: AuditFacts, notes: list[str]) -> dict[str, Any]:
    """The answers document (version 1) that describes the cluster as it is; ``notes`` say what it leaves out."""
    b, cs = facts.bundle, facts.settings
    vpc = b.vpcs[0]
    azs = _answer_azs(facts.subnets, notes)
    existing = [{"cidr": s.cidr, "az": s.az, "role": _ROLE_MAP[s.role], "used_ips": s.usable_ips - s.free_ips}
                for s in facts.subnets if s.az in azs]
    ngs = _node_groups(facts, notes)
    rvc = b.cluster["resourcesVpcConfig"]
    data = {
        "version": 1, "cluster_name": str(b.cluster["name"])[:100], "region": facts.region,
        "availability_zones": azs if len(azs) >= 2 else 2, "cni_version": cs.cni_version, "node_groups": ngs,
        "fargate_pods": sum(1 for x in facts.nodes if x.fargate),
        "network": {"vpc_cidr": vpc["CidrBlock"], "secondary_cidrs": _secondary_cidrs(vpc),
                    "existing_subnets": existing if len(azs) >= 2 else [],
                    "separate_pod_cidr_required": cs.custom_networking},
        "ipv6": {"ready": cs.ip_family == "ipv6", "ipv4_exhaustion_concern": False},
        "security_groups_for_pods": {"needed": cs.sgp},
        "operations": {"external_api_access": bool(rvc.get("endpointPublicAccess", True)),
                       "self_managed_cni": cs.managed_addon is False, "auto_mode": auto_mode(b.cluster)},
    }
    if cs.custom_networking:
        notes.append("Custom networking is on today, so the answers ask for pod traffic from a separate CIDR "
                     "(separate_pod_cidr_required); clear it if that was only an address-space fix.")
    return data


def derive_answers(facts: AuditFacts, notes: list[str]) -> tuple[Answers | None, str | None]:
    """(validated answers, None), or (None, why they are not valid)."""
    data = answers_data(facts, notes)
    try:
        return validate_answers(data, field="answers derived from the bundle"), None
    except InputError as exc:
        return None, f"The answers derived from the bundle are not valid: {exc}"


__all__ = ["answers_data", "derive_answers"]
