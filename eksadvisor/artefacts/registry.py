"""The artefact registry: every generated file once, in output order, with its generator and when it applies.

``ORDER``, :func:`snippet_plan` and the list in the package docstring are all derived from :data:`ARTEFACTS`,
so adding an artefact is one entry here (plus its generator) and the three can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from eksadvisor.artefacts import (
    automode,
    awsnode,
    eksctl,
    eniconfig,
    iam,
    k8s,
    karpenter,
    nodeadm,
    subnets,
    terraform,
)
from eksadvisor.artefacts._base import ArtefactContext, Script

RUNBOOK = "runbook.md"
Thunk = Callable[[], str]
PlannedFile = tuple[str, Thunk]  # (file name, the call that writes it)


@dataclass(frozen=True)
class Artefact:
    """One generated file (or family of files), as the docs list it and the plan builds it.

    ``build`` writes the file from the context; ``per_group`` instead yields one file per node group (the
    ``*`` in ``name`` stands for the group). ``when`` limits it to the clusters that need it. Under EKS Auto
    Mode AWS runs pod networking, so only artefacts with ``auto_mode`` apply there [EKS-AUTO-NET]; ``standard``
    is False for the one that only applies there. The runbook has no ``build``: it is written last, from the
    names of the others (:func:`eksadvisor.artefacts.build_snippets`).
    """

    name: str
    summary: str
    build: Callable[[ArtefactContext], str] | None = None
    when: Callable[[ArtefactContext], bool] | None = None
    auto_mode: bool = False
    standard: bool = True
    per_group: Callable[[ArtefactContext], list[PlannedFile]] | None = None
    doc_name: str | None = None  # the name the docs show, when ``name`` is a pattern

    def applies(self, ctx: ArtefactContext) -> bool:
        mode_ok = self.auto_mode if ctx.auto_mode else self.standard
        return mode_ok and (self.when is None or self.when(ctx))

    def files(self, ctx: ArtefactContext) -> list[PlannedFile]:
        """The files this artefact adds to the plan for ``ctx`` (none when it does not apply)."""
        if not self.applies(ctx):
            return []
        if self.per_group is not None:
            return self.per_group(ctx)
        if self.build is None:
            return []
        return [(self.name, partial(self.build, ctx))]

    @property
    def optional(self) -> bool:
        """Marked ``*`` in the docs: the file only appears when it applies."""
        return self.when is not None or not self.standard


def _script(make: Callable[[ArtefactContext], Script]) -> Callable[[ArtefactContext], str]:
    """A generator that builds a :class:`~eksadvisor.artefacts._base.Script`, rendered to text."""

    def build(ctx: ArtefactContext) -> str:
        return make(ctx).render()

    return build


def _userdata_files(ctx: ArtefactContext) -> list[PlannedFile]:
    """One NodeConfig user-data file per Linux node group, sorted by file name."""
    return [
        (nodeadm.userdata_name(group), partial(nodeadm.userdata_mime, ctx, group))
        for group in sorted(ctx.groups, key=nodeadm.userdata_name)
        if group.os == "linux"
    ]


def _multus(ctx: ArtefactContext) -> bool:
    return ctx.multus and bool(ctx.multus_networks)


ARTEFACTS: tuple[Artefact, ...] = (
    Artefact("aws-node-env.sh", "``kubectl set env`` / init-container patch (self-managed VPC CNI)",
             _script(awsnode.aws_node_env_script)),
    Artefact("vpc-cni-addon.json", "EKS add-on ``configurationValues``", awsnode.vpc_cni_addon_json),
    Artefact("addon-commands.sh", "``aws eks create-addon`` / ``update-addon`` with the CNI role ARN",
             _script(awsnode.addon_commands_script)),
    Artefact("eniconfigs.yaml", "one ENIConfig per AZ (custom networking)", eniconfig.eniconfigs_yaml,
             when=lambda ctx: ctx.custom_networking and not ctx.ipv6),
    Artefact("eksctl-cluster.yaml", "eksctl ClusterConfig", eksctl.eksctl_yaml, auto_mode=True),
    Artefact("terraform-eks.tf", "terraform-aws-modules/eks inputs", terraform.terraform_eks, auto_mode=True),
    Artefact("terraform-vpc.tf", "terraform-aws-modules/vpc inputs (or additions to an existing VPC)",
             terraform.terraform_vpc, auto_mode=True),
    Artefact("nodeadm-userdata-*", "AL2023 NodeConfig with kubelet maxPods, per Linux node group",
             per_group=_userdata_files, doc_name="nodeadm-userdata-<group>.mime"),
    Artefact("karpenter.yaml", "EC2NodeClass + NodePool per Linux node group", karpenter.karpenter_yaml,
             when=lambda ctx: any(g.os == "linux" for g in ctx.groups)),
    Artefact("automode-nodeclass.yaml", "EKS Auto Mode NodeClass (Auto Mode replaces every VPC CNI artefact)",
             automode.nodeclass_yaml, auto_mode=True, standard=False),
    Artefact("securitygrouppolicy.yaml", "Security Groups for Pods", k8s.sgp_yaml, when=lambda ctx: ctx.sgp),
    Artefact("multus-nad.yaml", "NetworkAttachmentDefinitions", k8s.nad_yaml, when=_multus, auto_mode=True),
    Artefact("windows-ipam-configmap.yaml",
             "``amazon-vpc-cni`` ConfigMap enabling Windows IPAM (Windows node groups)",
             k8s.windows_configmap_yaml, when=lambda ctx: ctx.windows),
    Artefact("aws-node-probe-patch.yaml", "probe timeouts (data-intensive nodes)", awsnode.probe_patch_yaml,
             when=lambda ctx: ctx.data_intensive),
    Artefact("subnet-tags.sh", "``aws ec2 create-tags`` per subnet", _script(subnets.subnet_tags_script),
             when=lambda ctx: bool(ctx.subnets), auto_mode=True),
    Artefact("subnet-cidr-reservations.sh", "prefix reservations (IPv4 prefix delegation)",
             _script(subnets.reservations_script),
             when=lambda ctx: ctx.prefix and not ctx.ipv6 and bool(subnets.reservation_targets(ctx))),
    Artefact("cni-iam-role.sh", "IRSA role for aws-node (+ policy attachment)", _script(iam.irsa_script)),
    Artefact("cni-iam-trust-policy.json", "the IRSA trust policy document", iam.trust_policy_json),
    Artefact("cni-pod-identity.sh", "Pod Identity alternative (VPC CNI >= 1.15.5)", _script(iam.pod_identity_script),
             when=lambda ctx: ctx.cni >= iam.POD_IDENTITY_MIN),
    Artefact("cni-ipv6-policy.json", "the IPv6 custom CNI policy", iam.ipv6_policy_json, when=lambda ctx: ctx.ipv6),
    Artefact(RUNBOOK, "ordered rollout steps for the mode", auto_mode=True),
)

# Output order; "nodeadm-userdata-*" stands for the per-group files (sorted by name).
ORDER: tuple[str, ...] = tuple(a.name for a in ARTEFACTS)


def snippet_plan(ctx: ArtefactContext) -> list[PlannedFile]:
    """The artefacts that apply, in order, as (name, thunk) pairs (the runbook is written after them)."""
    return [planned for artefact in ARTEFACTS for planned in artefact.files(ctx)]


def docs_table() -> str:
    """The reST table of artefact names the package docstring shows (``*``: only when it applies)."""
    rows = [(f"``{a.doc_name or a.name}``" + (" *" if a.optional else ""), a.summary) for a in ARTEFACTS]
    width = max(len(name) for name, _ in rows)
    rule = "=" * width + "  " + "=" * 70
    return "\n".join([rule, *(f"{name.ljust(width)}  {summary}" for name, summary in rows), rule]) + "\n"
