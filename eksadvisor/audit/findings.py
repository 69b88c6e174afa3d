"""The findings of an audit, by theme: subnets running out, /28 fragmentation, ENIConfigs, max pods, and the
advisor's own rules that apply to the running settings. Messages come from the rule catalog (rules.yaml)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from eksadvisor.audit.facts import AuditFacts
from eksadvisor.audit.groups import expected_max_pods, node_cost
from eksadvisor.audit.model import Finding, Severity, SubnetAudit
from eksadvisor.audit.settings import auto_mode, is_true
from eksadvisor.decide.rules import RECOMMENDED_MIN_CNI, fill_template
from eksadvisor.errors import InputError
from eksadvisor.model.maxpods import trunk_supported
from eksadvisor.rulebook import load_rules
from eksadvisor.severity import SEVERITY_RANK

#: A managed node group update adds up to two nodes per AZ (EKS "Understand each phase of node updates", the
#: same surge :func:`eksadvisor.model.ipam.cluster_usage` models): a node or pod subnet that cannot take two more nodes
#: of a group cannot carry that group through an update.
SURGE_NODES = 2
#: EKS needs at least 6 free addresses in each cluster subnet (AWS recommends 16). [EKS-NETREQ]
CLUSTER_SUBNET_MIN_FREE = 6


def rule_finding(rule_id: str, params: dict[str, Any], evidence: dict[str, Any], severity: Severity | None = None) -> Finding:
    """A finding worded by the catalog rule ``rule_id`` (its severity unless ``severity`` overrides it)."""
    rule = next(r for r in load_rules() if r.id == rule_id)
    msg = fill_template(rule.message, params)
    if rule.status and rule.status not in msg:
        msg = f"[{rule.status}] {msg}"
    return Finding(id=rule.id, severity=severity or rule.severity, message=msg,
                   remediation=fill_template(rule.remediation, params), source=rule.source, evidence=evidence)


def _first_names(names: list[str]) -> str:
    return ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")


# ------------------------------------------------------------------------------------------ subnets
def _cluster_subnet_short(sa: SubnetAudit) -> Finding:
    return rule_finding("audit-subnet-nearly-exhausted", {
        "subnet": sa.subnet_id, "cidr": sa.cidr, "az": sa.az, "free": sa.free_ips,
        "detail": f"EKS needs at least {CLUSTER_SUBNET_MIN_FREE} free addresses in each cluster subnet (AWS "
                  "recommends 16) for its cross-account ENIs"},
        {"subnet_id": sa.subnet_id, "az": sa.az, "role": "cluster", "free_ips": sa.free_ips}, severity="critical")


def subnet_findings(facts: AuditFacts) -> list[Finding]:
    """Cluster subnets under EKS's minimum; node and pod subnets that cannot take a node group update's surge."""
    out = []
    for sa in facts.subnets:
        if "cluster" in sa.roles and sa.free_ips < CLUSTER_SUBNET_MIN_FREE:
            out.append(_cluster_subnet_short(sa))
            continue
        short = {g: n for g, n in sa.nodes_that_fit.items() if n < SURGE_NODES}
        if short:
            worst = min(short.values())
            out.append(rule_finding("audit-subnet-nearly-exhausted", {
                "subnet": sa.subnet_id, "cidr": sa.cidr, "az": sa.az, "free": sa.free_ips,
                "detail": "; ".join(f"group {g} fits {n} more node(s)" for g, n in sorted(short.items()))
                          + f", fewer than the {SURGE_NODES} a managed node group update adds per AZ"},
                {"subnet_id": sa.subnet_id, "az": sa.az, "role": sa.role, "free_ips": sa.free_ips,
                 "free_prefixes": sa.free_prefixes, "nodes_that_fit": short},
                severity="critical" if worst == 0 else "warning"))
    return out


def _prefixes_needed(facts: AuditFacts, sa: SubnetAudit) -> tuple[int, list[str]]:
    """/28 blocks the surge of every group carving prefixes from the subnet needs, and the sum in words."""
    mode, placement = facts.mode, facts.placement
    carved = placement.pod_subnets if mode.custom else placement.node_subnets
    role = "pod" if mode.custom else "node"
    need = 0
    parts = []
    for g in sorted(carved.get(sa.subnet_id, set())):
        u = facts.groups[g].usage
        if u is None or u.os == "windows":
            continue
        p = node_cost(u, role, mode.custom, mode.prefix, mode.ipv6).prefixes
        if p:
            need += SURGE_NODES * p
            parts.append(f"{SURGE_NODES} more {g} node(s) x {p} /28")
    return need, parts


def prefix_findings(facts: AuditFacts) -> list[Finding]:
    """Prefix delegation: subnets without the whole free /28 blocks a surge of their groups needs."""
    if not facts.mode.prefix:
        return []
    out = []
    for sa in facts.subnets:
        need, parts = _prefixes_needed(facts, sa)
        if need and sa.free_prefixes < need:
            out.append(rule_finding("audit-prefix-fragmented", {
                "subnet": sa.subnet_id, "cidr": sa.cidr, "az": sa.az, "free": sa.free_ips,
                "free_prefixes": sa.free_prefixes, "need": need, "detail": ", ".join(parts)},
                {"subnet_id": sa.subnet_id, "az": sa.az, "free_ips": sa.free_ips, "free_prefixes": sa.free_prefixes,
                 "prefixes_needed": need, "stranded_ips": sa.stranded_ips}))
    return out


# ----------------------------------------------------------------------------------------- ENIConfig
def eniconfig_findings(facts: AuditFacts, notes: list[str]) -> list[Finding]:
    """Custom networking: Linux nodes, per AZ, that select no ENIConfig or one that does not exist."""
    if not facts.mode.custom:
        return []
    if facts.bundle.eniconfigs is None:
        notes.append("Custom networking is on but eniconfigs.json is absent: ENIConfigs were not checked.")
        return []
    ec = facts.eniconfigs
    missing: dict[str, list[str]] = defaultdict(list)
    wanted: dict[str, set[str]] = defaultdict(set)
    for x in facts.nodes:
        if x.fargate or x.os != "linux":
            continue
        if not x.eniconfig or x.eniconfig not in ec.subnets:
            missing[x.az or "(unknown AZ)"].append(x.name)
            wanted[x.az or "(unknown AZ)"].add(x.eniconfig or "")
    out = []
    for az in sorted(missing):
        names = sorted(missing[az])
        selected = sorted(w for w in wanted[az] if w)
        out.append(rule_finding("audit-eniconfig-missing", {
            "az": az, "count": len(names), "nodes": _first_names(names),
            "selected": ", ".join(selected) if selected else
            f"none (no {ec.label_def} label or {ec.annotation_def} annotation)",
            "label": ec.label_def},
            {"az": az, "nodes": names[:20], "eniconfig_names": selected, "eniconfigs": sorted(ec.subnets)}))
    return out


# ------------------------------------------------------------------------------------------ max pods
def max_pods_findings(facts: AuditFacts) -> list[Finding]:
    """Kubelet max pods above what the ENIs can address (critical) or below what the type supports (warning)."""
    mismatch: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    for x in facts.nodes:
        if not x.fargate and x.capacity is not None:
            mismatch[(x.itype, x.os, x.capacity)].append(x.name)
    out = []
    for (itype, os_, capv), names in sorted(mismatch.items()):
        exp, raw = expected_max_pods(facts.catalog, itype, os_, facts.mode)
        mode = "Windows (one ENI)" if os_ == "windows" else facts.mode.label()
        if capv > raw:
            sev: Severity = "critical"
            effect = (f"above the {raw} the ENIs can address, so pods beyond {raw} get no address and fail CNI ADD "
                      "(stuck in ContainerCreating)")
        elif capv < exp:
            sev, effect = "warning", f"below the {exp} the type supports, so {exp - capv} pod slot(s) per node are wasted"
        else:
            continue
        out.append(rule_finding("audit-max-pods-mismatch", {
            "count": len(names), "type": itype, "capacity": capv, "mode": mode, "expected": exp, "raw": raw,
            "effect": effect, "nodes": _first_names(sorted(names))},
            {"instance_type": itype, "capacity_pods": capv, "expected_max_pods": exp, "ceiling": raw,
             "nodes": sorted(names)[:20]}, severity=sev))
    return out


# ------------------------------------------------------------------------------ the advisor's rules
def _upgrade_path(cni: str) -> str:
    """The minor versions to step through up to the recommended minimum, shortened when long."""
    v = tuple(int(p) for p in cni.split("."))
    steps = [f"1.{m}" for m in range(v[1] + 1, RECOMMENDED_MIN_CNI[1] + 1)] if v[0] == 1 else []
    path = " -> ".join([f"{v[0]}.{v[1]}", *steps]) if steps else "one minor at a time"
    if len(steps) > 4:
        path = " -> ".join([f"{v[0]}.{v[1]}", *steps[:2], "...", steps[-1]])
    return path


def settings_findings(facts: AuditFacts) -> list[Finding]:
    """The advisor's rules that apply to the live settings: warm targets, add-on, IAM role, version, SGP demux."""
    cs, env, cluster = facts.settings, facts.settings.env, facts.bundle.cluster
    out = []
    if facts.mode.prefix and (env["WARM_IP_TARGET"].value.strip() not in ("", "0") or
                              env["MINIMUM_IP_TARGET"].value.strip() not in ("", "0")):
        out.append(rule_finding("warm-ip-overrides-prefix-target", {}, {
            "WARM_IP_TARGET": env["WARM_IP_TARGET"].value, "MINIMUM_IP_TARGET": env["MINIMUM_IP_TARGET"].value,
            "WARM_PREFIX_TARGET": env["WARM_PREFIX_TARGET"].value}))
    if cs.managed_addon is False and not auto_mode(cluster):
        out.append(rule_finding("use-managed-addon", {}, {"addon": "absent (no addon.json)"}))
        out.append(rule_finding("backup-before-upgrade", {}, {"addon": "absent (no addon.json)"}))
    if cs.cni_role == "node_role" and not auto_mode(cluster):
        out.append(rule_finding("cni-separate-iam-role", {
            "policy": "a custom IPv6 CNI policy" if facts.mode.ipv6 else "only AmazonEKS_CNI_Policy"},
            {"serviceAccountRoleArn": None, "podIdentityAssociations": None}))
    cni = cs.cni_version
    if tuple(int(p) for p in cni.split(".")) < RECOMMENDED_MIN_CNI:
        out.append(rule_finding("upgrade-one-minor-at-a-time", {
            "cni_version": cni, "recommended": ".".join(map(str, RECOMMENDED_MIN_CNI)), "path": _upgrade_path(cni)},
            {"cni_version": cni, "source": cs.cni_version_source}))
    demux = cs.init_env["DISABLE_TCP_EARLY_DEMUX"].value
    if cs.sgp and env["POD_SECURITY_GROUP_ENFORCING_MODE"].value.strip().lower() == "strict" and not is_true(demux):
        out.append(rule_finding("sgp-disable-tcp-early-demux", {}, {
            "ENABLE_POD_ENI": env["ENABLE_POD_ENI"].value, "DISABLE_TCP_EARLY_DEMUX": demux}))
    return out


def sgp_trunk_findings(facts: AuditFacts) -> list[Finding]:
    """Security groups for pods on: Linux nodes whose type cannot attach a trunk ENI."""
    if not facts.settings.sgp:
        return []
    no_trunk: dict[str, list[str]] = defaultdict(list)
    for x in facts.nodes:
        if x.fargate or x.os != "linux" or not x.itype:
            continue
        try:
            itype = facts.catalog.get(x.itype)
        except InputError:
            continue
        if not trunk_supported(itype):
            no_trunk[x.itype].append(x.name)
    pod_eni = facts.settings.env["ENABLE_POD_ENI"].value
    return [rule_finding("audit-sgp-no-trunk", {"count": len(names), "type": itype_name, "nodes": _first_names(sorted(names))},
                         {"instance_type": itype_name, "ENABLE_POD_ENI": pod_eni, "nodes": sorted(names)[:20]})
            for itype_name, names in sorted(no_trunk.items())]


def all_findings(facts: AuditFacts, notes: list[str]) -> list[Finding]:
    """Every finding, critical first, then by id and evidence (a stable order for byte-identical output)."""
    findings = [*subnet_findings(facts), *prefix_findings(facts), *eniconfig_findings(facts, notes),
                *max_pods_findings(facts), *settings_findings(facts), *sgp_trunk_findings(facts)]
    findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.id, str(sorted(f.evidence.items()))))
    return findings


__all__ = ["CLUSTER_SUBNET_MIN_FREE", "SURGE_NODES", "all_findings", "eniconfig_findings", "max_pods_findings",
           "prefix_findings", "rule_finding", "settings_findings", "sgp_trunk_findings", "subnet_findings"]
