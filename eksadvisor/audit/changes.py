"""The way from the running settings to the recommendation: numbered steps, each naming the recommendation's
artefacts (snippets) and commands that carry it out."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from eksadvisor.audit.bundle import Bundle
from eksadvisor.audit.model import Change, CurrentSettings, NodeGroupAudit, Setting
from eksadvisor.recommendation import Recommendation


@dataclass
class _Steps:
    """Numbers the steps and keeps only the artefacts the recommendation really has."""

    snippets: dict[str, str]
    steps: list[Change] = field(default_factory=list)

    def add(self, kind: str, title: str, detail: str, artefacts: list[str], commands: list[str] | None = None) -> None:
        self.steps.append(Change(step=len(self.steps) + 1, kind=kind, title=title, detail=detail,
                                 artefacts=[a for a in artefacts if a in self.snippets], commands=commands or []))


def _addon_steps(out: _Steps, cs: CurrentSettings) -> None:
    if cs.managed_addon is False:
        out.add("addon", "Adopt the EKS managed add-on vpc-cni",
                "The VPC CNI runs self-managed; install it as the EKS managed add-on (back up the aws-node DaemonSet "
                "first, keep the WARM_* values in configurationValues).", ["vpc-cni-addon.json", "addon-commands.sh"],
                ["kubectl get daemonset aws-node -n kube-system -o yaml > aws-k8s-cni-backup.yaml"])
    if cs.cni_role == "node_role":
        out.add("addon", "Give aws-node its own IAM role",
                "The VPC CNI uses the node role today; create a role for the aws-node service account (IRSA or Pod "
                "Identity) and pass it to the add-on.", ["cni-iam-role.sh", "cni-iam-trust-policy.json", "cni-pod-identity.sh"])


def _network_steps(out: _Steps, rec: Recommendation, b: Bundle) -> None:
    vpc_id = b.vpc_id
    if rec.secondary_cidrs:
        have_cidrs = {a.get("CidrBlock") for v in b.vpcs for a in v.get("CidrBlockAssociationSet") or []}
        new = [c for c in rec.secondary_cidrs if c not in have_cidrs]
        if new:
            out.add("subnets", "Associate secondary VPC CIDR(s)", f"Associate {', '.join(new)} with {vpc_id} (the "
                    "control plane may take up to an hour to recognise a new block).", ["terraform-vpc.tf"],
                    [shlex.join(["aws", "ec2", "associate-vpc-cidr-block", "--vpc-id", vpc_id, "--cidr-block", c])
                     for c in new])
    new_subnets = [s for s in rec.subnets if not s.existing]
    if new_subnets:
        out.add("subnets", f"Create {len(new_subnets)} subnet(s)",
                "; ".join(f"{s.name} {s.cidr} ({s.role}, {s.az})" for s in new_subnets),
                ["terraform-vpc.tf", "subnet-tags.sh"])
    if "subnet-cidr-reservations.sh" in out.snippets:
        out.add("reservations", "Reserve /28-aligned ranges for prefixes",
                "Create subnet CIDR reservations of type prefix so prefix attachment finds whole /28 blocks.",
                ["subnet-cidr-reservations.sh"])
    if rec.custom_networking:
        out.add("eniconfig", "Apply one ENIConfig per AZ", "Custom networking takes pod addresses from the ENIConfig "
                "subnet of each node's AZ.", ["eniconfigs.yaml"])


def _setting_diff(prefix: str, now_env: dict[str, Setting], wanted: dict[str, str]) -> list[str]:
    """``KEY: now -> wanted`` for each recommended setting that differs (case-insensitively) from today's."""
    diff = []
    for k, v in sorted(wanted.items()):
        now = now_env.get(k)
        if now is None or now.value.strip().lower() != str(v).strip().lower():
            diff.append(f"{prefix}{k}: {now.value if now and now.value else '(not set)'} -> {v}")
    return diff


def _settings_step(out: _Steps, cs: CurrentSettings, rec: Recommendation) -> None:
    diff = _setting_diff("", cs.env, rec.settings) + _setting_diff("init ", cs.init_env, rec.init_settings or {})
    if diff:
        out.add("settings", "Change the aws-node settings", "; ".join(diff),
                ["aws-node-env.sh", "vpc-cni-addon.json"] if cs.managed_addon is False
                else ["vpc-cni-addon.json", "addon-commands.sh"])


def _max_pods_step(out: _Steps, rec: Recommendation, groups: list[NodeGroupAudit]) -> None:
    rec_groups = {ng.name: ng.max_pods for ng in rec.node_groups}  # one kubelet value per group (lowest of its types)
    mp = []
    for g in groups:
        want = rec_groups.get(g.name)
        if want is not None and g.max_pods_capacity and g.max_pods_capacity != [want]:
            mp.append(f"{g.name}: {g.max_pods_capacity} -> {want}")
    if mp:
        out.add("max_pods", "Set kubelet max-pods", "; ".join(mp),
                [k for k in out.snippets if k.startswith("nodeadm-userdata-")] + ["karpenter.yaml", "eksctl-cluster.yaml"])


def _node_group_step(out: _Steps, cs: CurrentSettings, rec: Recommendation) -> None:
    if rec.ip_family != cs.ip_family:
        out.add("node_groups", "Plan a new cluster for the IP family change",
                f"The IP family is fixed when a cluster is created ({cs.ip_family} today, {rec.ip_family} "
                "recommended): create a new cluster and move workloads.", ["runbook.md", "eksctl-cluster.yaml"])
    elif rec.address_mode != cs.address_mode or rec.custom_networking != cs.custom_networking:
        out.add("node_groups", "Replace the node groups",
                f"Existing nodes do not switch to {rec.address_mode.replace('_', ' ')}"
                f"{' with custom networking' if rec.custom_networking else ''} in place: create new node groups with "
                "the new settings, cordon and drain the old ones, then delete them.", ["runbook.md"])


def plan_changes(cs: CurrentSettings, rec: Recommendation, groups: list[NodeGroupAudit], b: Bundle) -> list[Change]:
    """The steps, in order: add-on and IAM, VPC and subnets, reservations, ENIConfigs, settings, max pods, nodes."""
    out = _Steps(rec.snippets or {})
    _addon_steps(out, cs)
    _network_steps(out, rec, b)
    _settings_step(out, cs, rec)
    _max_pods_step(out, rec, groups)
    _node_group_step(out, cs, rec)
    return out.steps


__all__ = ["plan_changes"]
