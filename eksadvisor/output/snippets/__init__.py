"""Generated configuration (docs/design.md §4): every artefact the recommendation needs, as text.

``build_snippets(rec, answers)`` returns an ordered ``{name: text}`` with every artefact that applies;
the advisor stores it in ``Recommendation.snippets`` and ``eksadvisor snippets FILE`` prints it. Each
artefact is built as Python data by a pure function (one module per family) and serialised with
``yaml.safe_dump``, ``json.dumps``, ``shlex.quote`` or the small HCL writer in :mod:`.hcl` -- never by
pasting values into text. Identifiers that also appear in comments and prose (cluster, region, AZ,
node-group and network names, CIDRs) are re-validated here and refused with an ``InputError`` if they
are not plain identifiers. Unknown IDs are placeholders, see :mod:`._base` (``PLACEHOLDER_RE``).

Names, in output order (``*`` marks artefacts that only appear when they apply):

==============================  ======================================================================
``aws-node-env.sh``             ``kubectl set env`` / init-container patch (self-managed VPC CNI)
``vpc-cni-addon.json``          EKS add-on ``configurationValues``
``addon-commands.sh``           ``aws eks create-addon`` / ``update-addon`` with the CNI role ARN
``eniconfigs.yaml`` *           one ENIConfig per AZ (custom networking)
``eksctl-cluster.yaml``         eksctl ClusterConfig
``terraform-eks.tf``            terraform-aws-modules/eks inputs
``terraform-vpc.tf``            terraform-aws-modules/vpc inputs (or additions to an existing VPC)
``nodeadm-userdata-<group>.mime``  AL2023 NodeConfig with kubelet maxPods, per Linux node group
``karpenter.yaml`` *            EC2NodeClass + NodePool per Linux node group
``automode-nodeclass.yaml`` *   EKS Auto Mode NodeClass (Auto Mode replaces every VPC CNI artefact)
``securitygrouppolicy.yaml`` *  Security Groups for Pods
``multus-nad.yaml`` *           NetworkAttachmentDefinitions
``windows-ipam-configmap.yaml`` *  ``amazon-vpc-cni`` ConfigMap enabling Windows IPAM (Windows node groups)
``aws-node-probe-patch.yaml`` * probe timeouts (data-intensive nodes)
``subnet-tags.sh`` *            ``aws ec2 create-tags`` per subnet
``subnet-cidr-reservations.sh`` *  prefix reservations (IPv4 prefix delegation)
``cni-iam-role.sh``             IRSA role for aws-node (+ policy attachment)
``cni-iam-trust-policy.json``   the IRSA trust policy document
``cni-pod-identity.sh`` *       Pod Identity alternative (VPC CNI >= 1.15.5)
``cni-ipv6-policy.json`` *      the IPv6 custom CNI policy
``runbook.md``                  ordered rollout steps for the mode
==============================  ======================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eksadvisor.output.snippets._base import PLACEHOLDER_RE, Context, build_context, find_placeholders, placeholder

__all__ = [
    "PLACEHOLDER_RE",
    "build_context",
    "build_snippets",
    "find_placeholders",
    "ordered",
    "placeholder",
    "snippet_plan",
]

# Output order; "nodeadm-userdata-*" stands for the per-group files (sorted by name).
ORDER = (
    "aws-node-env.sh", "vpc-cni-addon.json", "addon-commands.sh", "eniconfigs.yaml", "eksctl-cluster.yaml",
    "terraform-eks.tf", "terraform-vpc.tf", "nodeadm-userdata-*", "karpenter.yaml", "automode-nodeclass.yaml", "securitygrouppolicy.yaml",
    "multus-nad.yaml", "windows-ipam-configmap.yaml", "aws-node-probe-patch.yaml", "subnet-tags.sh", "subnet-cidr-reservations.sh",
    "cni-iam-role.sh", "cni-iam-trust-policy.json", "cni-pod-identity.sh", "cni-ipv6-policy.json", "runbook.md",
)


def _rank(name: str) -> tuple[int, str]:
    key = "nodeadm-userdata-*" if name.startswith("nodeadm-userdata-") else name
    return (ORDER.index(key) if key in ORDER else len(ORDER), name)


def ordered(snippets: dict[str, str]) -> dict[str, str]:
    """``snippets`` in the documented output order, whatever order they are stored in."""
    return {name: snippets[name] for name in sorted(snippets, key=_rank)}


def snippet_plan(ctx: Context) -> list[tuple[str, Callable[[], str]]]:
    """The artefacts that apply, in order, as (name, thunk) pairs."""
    from eksadvisor.output.snippets import awsnode, eksctl, eniconfig, iam, k8s, karpenter, nodeadm, subnets, terraform

    if ctx.auto_mode:  # AWS runs pod networking: no aws-node, ENIConfig, nodeadm, Karpenter, SGP or CNI IAM [EKS-AUTO-NET]
        from eksadvisor.output.snippets import automode

        auto: list[tuple[str, Callable[[], str]]] = [
            ("eksctl-cluster.yaml", lambda: eksctl.eksctl_yaml(ctx)),
            ("terraform-eks.tf", lambda: terraform.terraform_eks(ctx)),
            ("terraform-vpc.tf", lambda: terraform.terraform_vpc(ctx)),
            ("automode-nodeclass.yaml", lambda: automode.nodeclass_yaml(ctx)),
        ]
        if ctx.multus and ctx.multus_networks:
            auto.append(("multus-nad.yaml", lambda: k8s.nad_yaml(ctx)))
        if ctx.subnets:
            auto.append(("subnet-tags.sh", lambda: subnets.subnet_tags_script(ctx).render()))
        return auto

    plan: list[tuple[str, Callable[[], str]]] = [
        ("aws-node-env.sh", lambda: awsnode.aws_node_env_script(ctx).render()),
        ("vpc-cni-addon.json", lambda: awsnode.vpc_cni_addon_json(ctx)),
        ("addon-commands.sh", lambda: awsnode.addon_commands_script(ctx).render()),
    ]
    if ctx.custom_networking and not ctx.ipv6:
        plan.append(("eniconfigs.yaml", lambda: eniconfig.eniconfigs_yaml(ctx)))
    plan += [
        ("eksctl-cluster.yaml", lambda: eksctl.eksctl_yaml(ctx)),
        ("terraform-eks.tf", lambda: terraform.terraform_eks(ctx)),
        ("terraform-vpc.tf", lambda: terraform.terraform_vpc(ctx)),
    ]
    for group in sorted(ctx.groups, key=nodeadm.userdata_name):
        if group.os == "linux":
            plan.append((nodeadm.userdata_name(group), lambda g=group: nodeadm.userdata_mime(ctx, g)))
    if any(g.os == "linux" for g in ctx.groups):
        plan.append(("karpenter.yaml", lambda: karpenter.karpenter_yaml(ctx)))
    if ctx.sgp:
        plan.append(("securitygrouppolicy.yaml", lambda: k8s.sgp_yaml(ctx)))
    if ctx.multus and ctx.multus_networks:
        plan.append(("multus-nad.yaml", lambda: k8s.nad_yaml(ctx)))
    if ctx.windows:
        plan.append(("windows-ipam-configmap.yaml", lambda: k8s.windows_configmap_yaml(ctx)))
    if ctx.data_intensive:
        plan.append(("aws-node-probe-patch.yaml", lambda: awsnode.probe_patch_yaml(ctx)))
    if ctx.subnets:
        plan.append(("subnet-tags.sh", lambda: subnets.subnet_tags_script(ctx).render()))
    if ctx.prefix and not ctx.ipv6 and subnets.reservation_targets(ctx):
        plan.append(("subnet-cidr-reservations.sh", lambda: subnets.reservations_script(ctx).render()))
    plan += [
        ("cni-iam-role.sh", lambda: iam.irsa_script(ctx).render()),
        ("cni-iam-trust-policy.json", lambda: iam.trust_policy_json(ctx)),
    ]
    if ctx.cni >= iam.POD_IDENTITY_MIN:
        plan.append(("cni-pod-identity.sh", lambda: iam.pod_identity_script(ctx).render()))
    if ctx.ipv6:
        plan.append(("cni-ipv6-policy.json", lambda: iam.ipv6_policy_json(ctx)))
    return plan


def build_snippets(rec: Any, answers: Any) -> dict[str, str]:
    """Every artefact that applies to ``rec`` (a Recommendation) for ``answers``, ordered, by stable name.

    Same inputs give byte-identical output. Raises ``InputError`` when a value that would end up in an
    identifier position is not a plain identifier (e.g. a cluster name with quotes or ``$()``).
    """
    from eksadvisor.output.snippets.runbook import runbook_md

    ctx = build_context(rec, answers)
    plan = snippet_plan(ctx)
    out = {name: make() for name, make in plan}
    out["runbook.md"] = runbook_md(ctx, [*out, "runbook.md"])
    if len(out) != len(plan) + 1:
        raise AssertionError("two artefacts share a name")
    return ordered(out)
