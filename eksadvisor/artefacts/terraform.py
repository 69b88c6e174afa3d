"""Terraform inputs for terraform-aws-modules ``eks`` (v21) and ``vpc`` (v6) [TF-EKS] [TF-VPC].

``terraform-eks.tf``: the cluster (``ip_family``, endpoint access), the vpc-cni add-on with
``before_compute = true`` (it exists before any node group, so the first nodes already use the chosen
mode) and ``configuration_values = jsonencode({...})``, and managed node groups whose kubelet ``maxPods``
comes from a nodeadm ``NodeConfig`` part (``cloudinit_pre_nodeadm``, content type
``application/node.eks.aws``): the module has no max-pods input of its own (DERIVED from its variables).
aws-node gets its own IRSA role (``aws_iam_role.vpc_cni``, trusted through ``module.eks.oidc_provider``),
with AmazonEKS_CNI_Policy or, for IPv6, the custom policy of ``cni-ipv6-policy.json``.

``terraform-vpc.tf``: a new VPC through the module -- cluster subnets as ``intra_subnets`` (no route to
the internet needed; ``control_plane_subnet_ids``), public and private subnets with their role tags, and
custom-networking pod subnets as ``aws_subnet`` resources (the module has no "pod" subnet kind) routed
through the private route tables. When the answers describe an existing VPC, only what is new is written
(CIDR associations, new subnets), against a ``<VPC_ID>`` placeholder.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.artefacts._base import (
    GENERATED_BY,
    PLACEHOLDER_NOTE,
    ArtefactContext,
    GroupView,
    SubnetView,
    placeholder,
)
from eksadvisor.artefacts.automode import PLACEMENT_NOTE, UNSUPPORTED
from eksadvisor.artefacts.awsnode import IPV6_ADDON_NOTE, NOT_ADDON_KEYS, addon_configuration
from eksadvisor.artefacts.fargate import COREDNS_FARGATE, coredns_on_fargate, notes, profile_subnets, terraform_profiles
from eksadvisor.artefacts.hcl import Block, Call, Expr, render_file
from eksadvisor.artefacts.iam import IPV6_POLICY_NAME, SERVICE_ACCOUNT, ipv6_policy, managed_cni_policy_arn
from eksadvisor.artefacts.nodeadm import NODECONFIG_CONTENT_TYPE, nodeconfig_yaml
from eksadvisor.artefacts.subnets import tags_for

EKS_MODULE_VERSION = "~> 21.0"
VPC_MODULE_VERSION = "~> 6.0"

_AMI_TYPES = {"x86_64": "AL2023_x86_64_STANDARD", "arm64": "AL2023_ARM_64_STANDARD"}
_WINDOWS_AMI_TYPE = "WINDOWS_CORE_2022_x86_64"


def _eks_module(ctx: ArtefactContext) -> Block:
    """The terraform-aws-modules/eks block: endpoint, VPC wiring, Fargate or Auto Mode, add-ons, node groups."""
    m = Block("module", ["eks"])
    m.set("source", "terraform-aws-modules/eks/aws").set("version", EKS_MODULE_VERSION).blank()
    m.set("name", ctx.cluster)
    m.set("ip_family", ctx.ip_family)
    m.set("endpoint_public_access", ctx.endpoint_access in ("public", "public_private"))
    m.set("endpoint_private_access", ctx.endpoint_access in ("public_private", "private"))
    if (ctx.sgp or ctx.windows) and not ctx.auto_mode:  # branch ENIs (SGP) and Windows IPAM need it
        m.set("iam_role_additional_policies", {
            "AmazonEKSVPCResourceController": f"arn:{ctx.partition}:iam::aws:policy/AmazonEKSVPCResourceController"})
    m.blank()
    if ctx.existing_vpc:
        m.set("vpc_id", placeholder("VPC_ID"))
        m.set("subnet_ids", [s.id_placeholder for s in ctx.subnets_of("private")])
        if ctx.subnets_of("cluster"):
            m.set("control_plane_subnet_ids", [s.id_placeholder for s in ctx.subnets_of("cluster")])
    else:
        m.set("vpc_id", Expr("module.vpc.vpc_id"))
        m.set("subnet_ids", Expr("module.vpc.private_subnets"))
        if ctx.subnets_of("cluster"):
            m.set("control_plane_subnet_ids", Expr("module.vpc.intra_subnets"))
    m.blank()
    if ctx.fargate:  # the private subnets the plan sized for Fargate pods [EKS-FARGATE]

        ids: Any = ([s.id_placeholder for s in profile_subnets(ctx)] if ctx.existing_vpc
                    else Expr("module.vpc.private_subnets"))
        m.set("fargate_profiles", terraform_profiles(ctx, ids)).blank()
    if ctx.auto_mode:  # AWS runs pod networking and the core add-ons; nodes come from our NodePools [EKS-AUTO-NET]
        # Built-in node pools off: their default NodeClass would put nodes in the control-plane subnets. No module
        # node role: EKS refuses a node role without node pools (terraform-aws-eks issues #3238, #3483); the
        # custom NodeClass names its own role, which gets an access entry in the runbook.
        m.set("compute_config", {"enabled": True, "node_pools": []})
        m.set("create_node_iam_role", False)
        return m
    m.set("addons", _addons(ctx))
    groups = {g.name: _managed_node_group(g) for g in ctx.node_groups}
    if groups:
        m.blank().set("eks_managed_node_groups", groups)
    return m


def _addons(ctx: ArtefactContext) -> dict[str, Any]:
    """vpc-cni before the nodes with its own role and configuration values, CoreDNS (on Fargate when needed), kube-proxy."""

    cni: dict[str, Any] = {
        "before_compute": True,
        "service_account_role_arn": Expr("aws_iam_role.vpc_cni.arn"),
    }
    config = addon_configuration(ctx)
    if config:
        cni["configuration_values"] = Call("jsonencode", (config,))
    coredns: dict[str, Any] = {}
    if coredns_on_fargate(ctx):
        coredns["configuration_values"] = Call("jsonencode", (COREDNS_FARGATE,))
    return {"vpc-cni": cni, "coredns": coredns, "kube-proxy": {}}


def _managed_node_group(g: GroupView) -> dict[str, Any]:
    """One eks_managed_node_groups entry: AMI type, sizes, and for Linux the NodeConfig with kubelet max pods."""
    ng: dict[str, Any] = {}
    if g.os == "windows":
        ng["ami_type"] = _WINDOWS_AMI_TYPE
    elif g.architecture in _AMI_TYPES:
        ng["ami_type"] = _AMI_TYPES[g.architecture]
    ng["instance_types"] = list(g.instance_types)
    ng["min_size"] = g.desired_nodes
    ng["max_size"] = g.max_nodes
    ng["desired_size"] = g.desired_nodes
    # aws-node has its own role (below). Left at its default (true) the node group module would attach
    # AmazonEKS_CNI_Policy to the node role -- or, in an IPv6 cluster, a policy it expects under the fixed
    # name AmazonEKS_CNI_IPv6_Policy, which only create_cni_ipv6_iam_policy makes [TF-EKS].
    ng["iam_role_attach_cni_policy"] = False
    if g.os == "linux":
        ng["cloudinit_pre_nodeadm"] = [{"content_type": NODECONFIG_CONTENT_TYPE, "content": nodeconfig_yaml(g.max_pods)}]
    return ng


def _irsa_blocks(ctx: ArtefactContext) -> list[Block]:
    """The aws-node IRSA role as Terraform resources (same trust and policies as cni-iam-role.sh)."""

    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": Expr("module.eks.oidc_provider_arn")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                Expr('format("%s:aud", module.eks.oidc_provider)'): "sts.amazonaws.com",
                Expr('format("%s:sub", module.eks.oidc_provider)'): SERVICE_ACCOUNT,
            }},
        }],
    }
    role = Block("resource", ["aws_iam_role", "vpc_cni"], comments=[
        "A dedicated role for aws-node (IRSA), instead of the node role; see cni-pod-identity.sh for Pod Identity."])
    role.set("name", ctx.cni_role_name)
    role.set("assume_role_policy", Call("jsonencode", (trust,)))
    blocks = [role]
    attach = Block("resource", ["aws_iam_role_policy_attachment", "vpc_cni"])
    attach.set("role", Expr("aws_iam_role.vpc_cni.name"))
    if ctx.ipv6:
        policy = Block("resource", ["aws_iam_policy", "vpc_cni_ipv6"], comments=[
            "AmazonEKS_CNI_Policy is IPv4-only: the IPv6 policy of cni-ipv6-policy.json."])
        policy.set("name", f"{ctx.cluster[:60]}-{IPV6_POLICY_NAME}"[:128])
        policy.set("policy", Call("jsonencode", (ipv6_policy(ctx),)))
        blocks.append(policy)
        attach.set("policy_arn", Expr("aws_iam_policy.vpc_cni_ipv6.arn"))
    else:
        attach.set("policy_arn", managed_cni_policy_arn(ctx))
    blocks.append(attach)
    return blocks


def terraform_eks(ctx: ArtefactContext) -> str:
    if ctx.auto_mode:

        header = [
            f"terraform-aws-modules/eks/aws {EKS_MODULE_VERSION} inputs for cluster {ctx.cluster} (EKS Auto Mode).",
            GENERATED_BY,
            PLACEHOLDER_NOTE,
            "EKS Auto Mode: AWS runs pod networking, so no vpc-cni add-on, aws-node role or managed node groups are "
            "written.",
            "control_plane_subnet_ids are the cluster subnets; subnet_ids are the node subnets. " + PLACEMENT_NOTE,
            "create_node_iam_role = false: EKS refuses a node role without node pools (reported in "
            "terraform-aws-modules/terraform-aws-eks issues #3238 and #3483); the NodeClass names the node role.",
            f"Not supported in Auto Mode: {UNSUPPORTED}.",
        ]
        if ctx.ipv6:
            header.append("ip_family is fixed at cluster creation: IPv6 means a new cluster.")
        header += _fargate_notes(ctx)
        return render_file([_eks_module(ctx)], header=header)
    header = [
        f"terraform-aws-modules/eks/aws {EKS_MODULE_VERSION} inputs for cluster {ctx.cluster}.",
        GENERATED_BY,
        PLACEHOLDER_NOTE,
        "The vpc-cni add-on uses its own IRSA role (below); for Pod Identity use the add-on's pod_identity_association "
        "instead of service_account_role_arn.",
        "Max pods is set through a nodeadm NodeConfig part; EKS managed node groups also compute their own value when "
        "VPC CNI >= 1.9 and which one wins on AL2023 is UNCONFIRMED: check kubelet's maxPods on a new node.",
        "Node roles get no CNI policy (iam_role_attach_cni_policy = false): aws-node uses the role below, which "
        "exists before any node (before_compute).",
        "most_recent = true (module default) installs the newest vpc-cni build; pin addon_version to the planned "
        f"VPC CNI {ctx.addon_version_hint} if you need it exactly.",
    ]
    if ctx.ipv6:
        header.append("ip_family is fixed at cluster creation: IPv6 means a new cluster.")
    if any(k in NOT_ADDON_KEYS for k in [*ctx.settings, *ctx.init_settings]):
        header.append(IPV6_ADDON_NOTE)
    if ctx.dropped_windows_groups:
        header.append("Windows node group(s) " + ", ".join(g.name for g in ctx.dropped_windows_groups) + " left out: IPv6 clusters do not support Windows nodes.")
    header += _fargate_notes(ctx)
    return render_file([_eks_module(ctx), *_irsa_blocks(ctx)], header=header)


def _fargate_notes(ctx: ArtefactContext) -> list[str]:
    if not ctx.fargate:
        return []

    return [*notes(ctx), "The module's fargate-profile sub-module creates the pod execution role; replace the "
                         "namespace placeholder in fargate_profiles."]


# ----------------------------------------------------------------------------------------------- vpc

def _role_tags(ctx: ArtefactContext, role: str) -> dict[str, str]:
    """Tags every subnet of ``role`` shares (the planner's tags, or the role defaults)."""

    subnets = ctx.subnets_of(role)
    if not subnets:
        return {}
    common = dict(tags_for(ctx, subnets[0]))
    for s in subnets[1:]:
        other = tags_for(ctx, s)
        common = {k: v for k, v in common.items() if other.get(k) == v}
    return dict(sorted(common.items()))


def _module_split(ctx: ArtefactContext, role: str) -> tuple[list[SubnetView], list[SubnetView]]:
    """(the subnets of ``role`` the vpc module creates, the rest). The module puts list item i in azs[i] (element()),
    so it takes one subnet per AZ, in AZ order from the first; further subnets of an AZ (a node need beyond one /16)
    become plain aws_subnet resources."""
    subs = ctx.subnets_of(role)
    first: list[SubnetView] = []
    for az in ctx.azs:
        here = [s for s in subs if s.az == az]
        if not here:
            break
        first.append(here[0])
    return first, [s for s in subs if s not in first]


def _per_subnet_tags(ctx: ArtefactContext, kinds: tuple[tuple[str, str], ...]) -> dict[str, Any]:

    out: dict[str, Any] = {}
    for role, kind in kinds:
        common = _role_tags(ctx, role)
        for index, s in enumerate(_module_split(ctx, role)[0]):
            for key, value in tags_for(ctx, s).items():
                if common.get(key) != value:
                    out[f"{s.name}/{key}"] = {"kind": kind, "index": index, "key": key, "value": value}
    return out


def _pod_subnet_map(ctx: ArtefactContext, subnets: list[SubnetView]) -> dict[str, Any]:

    return {s.name: {"az": s.az, "cidr": s.cidr, "tags": {"Name": s.name, **tags_for(ctx, s)}} for s in subnets}


# Planner roles the vpc module creates, and the module's name for each.
_MODULE_KINDS = (("public", "public"), ("private", "private"), ("cluster", "intra"))
_ROUTE_LIKE_PRIVATE = "element(module.vpc.private_route_table_ids, index(module.vpc.azs, each.value.availability_zone))"


def _vpc_module(ctx: ArtefactContext) -> Block:
    """The terraform-aws-modules/vpc block: CIDRs, one subnet per AZ and role, NAT and DNS, IPv6 when dual-stack."""
    m = Block("module", ["vpc"])
    m.set("source", "terraform-aws-modules/vpc/aws").set("version", VPC_MODULE_VERSION).blank()
    m.set("name", ctx.cluster)
    m.set("cidr", ctx.vpc_cidr)
    secondary = ctx.existing_secondary_cidrs + ctx.new_secondary_cidrs
    if secondary:
        m.set("secondary_cidr_blocks", secondary)
    m.set("azs", list(ctx.azs)).blank()
    for role, kind in _MODULE_KINDS:
        subnets = _module_split(ctx, role)[0]
        if not subnets:
            continue
        m.set(f"{kind}_subnets", [s.cidr for s in subnets])
        m.set(f"{kind}_subnet_names", [s.name for s in subnets])
        tags = _role_tags(ctx, role)
        if tags:
            m.set(f"{kind}_subnet_tags", tags)
        m.blank()
    m.set("enable_nat_gateway", True)
    m.set("single_nat_gateway", not ctx.production)
    m.set("one_nat_gateway_per_az", ctx.production)
    m.set("enable_dns_hostnames", True)
    m.set("enable_dns_support", True)
    if ctx.ipv6:
        _set_module_ipv6(m, ctx)
    return m


def _set_module_ipv6(m: Block, ctx: ArtefactContext) -> None:
    """Dual-stack inputs: one IPv6 /64 prefix index per module subnet, in the module's kind order."""
    m.blank()
    m.set("enable_ipv6", True)
    m.set("create_egress_only_igw", True)
    index = 0
    for role, kind in _MODULE_KINDS:
        n = len(_module_split(ctx, role)[0])
        if not n:
            continue
        m.set(f"{kind}_subnet_ipv6_prefixes", list(range(index, index + n)))
        m.set(f"{kind}_subnet_assign_ipv6_address_on_creation", True)
        m.set(f"{kind}_subnet_enable_dns64", False)  # BP-IPV6: DNS64 off where IPv6 pods run; module default true
        index += n


def _subnet_tag_blocks(ctx: ArtefactContext) -> list[Block]:
    """Tags only some subnets of a role carry, as aws_ec2_tag resources (the module tags per role)."""
    extra = _per_subnet_tags(ctx, _MODULE_KINDS)
    if not extra:
        return []
    tag = Block("resource", ["aws_ec2_tag", "subnet"], comments=[
        "Tags only some subnets of a role carry (the module tags per role)."])
    tag.set("for_each", extra).blank()
    tag.set("resource_id", Expr("{public = module.vpc.public_subnets, private = module.vpc.private_subnets, "
                                "intra = module.vpc.intra_subnets}[each.value.kind][each.value.index]"))
    tag.set("key", Expr("each.value.key"))
    tag.set("value", Expr("each.value.value"))
    return [tag]


def _subnet_resource(ctx: ArtefactContext, label: str, subnets: list[SubnetView], comments: list[str]) -> Block:
    """An ``aws_subnet`` per subnet the module does not create, in the module's VPC (after it)."""
    sub = Block("resource", ["aws_subnet", label], comments=comments)
    sub.set("for_each", _pod_subnet_map(ctx, subnets)).blank()
    sub.set("vpc_id", Expr("module.vpc.vpc_id"))
    sub.set("cidr_block", Expr("each.value.cidr"))
    sub.set("availability_zone", Expr("each.value.az"))
    sub.set("tags", Expr("each.value.tags"))
    sub.set("depends_on", [Expr("module.vpc")])
    return sub


def _routed_like_private(label: str, comments: list[str]) -> Block:
    """The route table association of ``aws_subnet.<label>``: the private route table of the same AZ."""
    rta = Block("resource", ["aws_route_table_association", label], comments=comments)
    rta.set("for_each", Expr(f"aws_subnet.{label}")).blank()
    rta.set("subnet_id", Expr("each.value.id"))
    rta.set("route_table_id", Expr(_ROUTE_LIKE_PRIVATE))
    return rta


def _extra_module_subnet_blocks(ctx: ArtefactContext) -> list[Block]:
    """Further subnets of a module role in an AZ (the module creates one per AZ), routed like the module's own."""
    more = [(role, s) for role, _ in _MODULE_KINDS for s in _module_split(ctx, role)[1]]
    if not more:
        return []
    sub = _subnet_resource(ctx, "extra", [s for _, s in more], [
        "Further subnets of a role in an AZ (the module creates one per AZ), routed like the module's own."])
    rta = Block("resource", ["aws_route_table_association", "extra"])
    rta.set("for_each", {s.name: {"az": s.az, "role": role} for role, s in more}).blank()
    rta.set("subnet_id", Expr("aws_subnet.extra[each.key].id"))
    rta.set("route_table_id", Expr(
        "element({public = module.vpc.public_route_table_ids, private = module.vpc.private_route_table_ids, "
        "cluster = module.vpc.intra_route_table_ids}[each.value.role], index(module.vpc.azs, each.value.az))"))
    return [sub, rta]


def _non_module_subnet_blocks(ctx: ArtefactContext) -> list[Block]:
    """Transit, custom-networking pod and Multus subnets: roles the module has no kind for."""
    blocks: list[Block] = []
    transit = ctx.subnets_of("transit")
    if transit:
        blocks.append(_subnet_resource(ctx, "transit", transit, [
            "Transit subnets (private NAT gateway, Transit Gateway attachment) in the routable CIDR block: the module",
            "has no such kind."]))
    pods = ctx.subnets_of("pod")
    if pods:
        blocks.append(_subnet_resource(ctx, "pod", pods, [
            "Custom-networking pod subnets (the module has no pod subnet kind); the module associates the",
            "secondary CIDR first (depends_on).",
        ]))
        blocks.append(_routed_like_private("pod", [
            "Route pod subnets like the private subnets of the same AZ (one route table per AZ with one NAT",
            "gateway per AZ; element() wraps to the single table otherwise).",
        ]))
    multus = ctx.subnets_of("multus")
    if multus:
        blocks.append(_subnet_resource(ctx, "multus", multus, [
            "Dedicated subnets for the Multus networks' extra ENIs, one per network per AZ (multus-nad.yaml hands out",
            "their addresses; ENIs attached from them are tagged node.k8s.amazonaws.com/no_manage=true).",
        ]))
        blocks.append(_routed_like_private("multus", [
            "Route Multus subnets like the private subnets of the same AZ."]))
    return blocks


def _new_vpc_blocks(ctx: ArtefactContext) -> list[Block]:
    """A new VPC: the module, then what the module cannot express (per-subnet tags, further and other subnets)."""
    return [_vpc_module(ctx), *_subnet_tag_blocks(ctx), *_extra_module_subnet_blocks(ctx),
            *_non_module_subnet_blocks(ctx)]


def _existing_vpc_blocks(ctx: ArtefactContext) -> list[Block]:
    blocks: list[Block] = []
    loc = Block("locals")
    loc.set("vpc_id", placeholder("VPC_ID"))
    blocks.append(loc)
    if ctx.new_secondary_cidrs:
        assoc = Block("resource", ["aws_vpc_ipv4_cidr_block_association", "secondary"], comments=[
            "Secondary CIDRs to associate (the control plane may take up to an hour to recognise a new CIDR [EKS-NETREQ])."])
        assoc.set("for_each", Call("toset", (list(ctx.new_secondary_cidrs),))).blank()
        assoc.set("vpc_id", Expr("local.vpc_id"))
        assoc.set("cidr_block", Expr("each.value"))
        blocks.append(assoc)
    new = [s for s in ctx.subnets if not s.existing]
    if new:

        sub = Block("resource", ["aws_subnet", "new"], comments=["Subnets the plan adds to the existing VPC."])
        sub.set("for_each", {s.name: {"az": s.az, "cidr": s.cidr, "role": s.role, "tags": {"Name": s.name, **tags_for(ctx, s)}}
                             for s in new}).blank()
        sub.set("vpc_id", Expr("local.vpc_id"))
        sub.set("cidr_block", Expr("each.value.cidr"))
        sub.set("availability_zone", Expr("each.value.az"))
        sub.set("tags", Expr("each.value.tags"))
        if ctx.new_secondary_cidrs:
            sub.set("depends_on", [Expr("aws_vpc_ipv4_cidr_block_association.secondary")])
        blocks.append(sub)
        routed = [s for s in new if s.role in ("public", "private", "pod", "multus")]  # transit: _private_nat_blocks
        if routed:
            rta = Block("resource", ["aws_route_table_association", "new"], comments=[
                "Route new public subnets like the existing public ones, private and pod subnets like the private",
                "ones of their AZ (cluster subnets keep the main table; transit subnets get their own, below)."])
            rta.set("for_each", {s.name: placeholder("ROUTE_TABLE_ID", f"{'public' if s.role == 'public' else 'private'}-{s.az}")
                                 for s in routed}).blank()
            rta.set("subnet_id", Expr("aws_subnet.new[each.key].id"))
            rta.set("route_table_id", Expr("each.value"))
            blocks.append(rta)
    return blocks


def terraform_vpc(ctx: ArtefactContext) -> str:
    if ctx.existing_vpc:
        header = [
            f"Additions to the existing VPC of cluster {ctx.cluster} (terraform-aws-modules/vpc is for new VPCs; "
            "existing subnets are left alone).",
        ]
        blocks = [*_existing_vpc_blocks(ctx), *_private_nat_blocks(ctx, existing=True)]
    else:
        header = [f"terraform-aws-modules/vpc/aws {VPC_MODULE_VERSION} inputs for cluster {ctx.cluster}: subnets per role."]
        blocks = [*_new_vpc_blocks(ctx), *_private_nat_blocks(ctx, existing=False)]
    header += [GENERATED_BY, PLACEHOLDER_NOTE]
    if ctx.ipv6:
        header.append("Dual-stack: DNS64 is disabled where IPv6 pods run so IPv4 egress is SNATed on the node "
                      "instead of going through NAT64 [BP-IPV6].")
    return render_file(blocks, header=header)


def _private_nat_blocks(ctx: ArtefactContext, *, existing: bool) -> list[Block]:
    """The private NAT gateway pattern for a VPC that overlaps a connected range (the plan's transit subnets): one NAT
    gateway with connectivity_type private per transit subnet; node-subnet routes to the connected ranges through the
    NAT gateway of their AZ; a transit route table sending the connected ranges to the Transit Gateway
    (*NAT gateway scenarios*, overlapping networks: https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html)."""
    transit = ctx.subnets_of("transit")
    if not transit or not ctx.onprem_cidrs:
        return []
    subnet = "aws_subnet.new" if existing else "aws_subnet.transit"
    nat_of = {s.az: s.name for s in transit}
    nat = Block("resource", ["aws_nat_gateway", "private"], comments=[
        "Private NAT gateways (one per AZ, in the routable transit subnets): nodes and pods in the overlapping range",
        "reach the connected networks through them."])
    nat.set("for_each", Call("toset", ([s.name for s in transit],))).blank()
    nat.set("connectivity_type", "private")
    nat.set("subnet_id", Expr(f"{subnet}[each.key].id"))
    nat.set("tags", {"Name": Expr('"${each.key}-private-nat"')})
    routes: dict[str, Any] = {}
    for az in ctx.azs:
        if az not in nat_of:
            continue
        for cidr in ctx.onprem_cidrs:
            value: dict[str, Any] = {"az": az, "cidr": cidr, "nat": nat_of[az]}
            if existing:
                value["route_table"] = placeholder("ROUTE_TABLE_ID", f"private-{az}")
            routes[f"{az} {cidr}"] = value
    to_nat = Block("resource", ["aws_route", "onprem_via_private_nat"], comments=[
        "Node (and pod) subnets: connected ranges through the private NAT gateway of the same AZ."])
    to_nat.set("for_each", routes).blank()
    to_nat.set("route_table_id", Expr("each.value.route_table") if existing else Expr(
        "element(module.vpc.private_route_table_ids, index(module.vpc.azs, each.value.az))"))
    to_nat.set("destination_cidr_block", Expr("each.value.cidr"))
    to_nat.set("nat_gateway_id", Expr("aws_nat_gateway.private[each.value.nat].id"))
    table = Block("resource", ["aws_route_table", "transit"], comments=[
        "Transit subnets: connected ranges to the Transit Gateway (attach it in the transit subnets)."])
    table.set("vpc_id", Expr("local.vpc_id" if existing else "module.vpc.vpc_id"))
    to_tgw = Block("resource", ["aws_route", "transit_to_tgw"])
    to_tgw.set("for_each", Call("toset", (list(ctx.onprem_cidrs),))).blank()
    to_tgw.set("route_table_id", Expr("aws_route_table.transit.id"))
    to_tgw.set("destination_cidr_block", Expr("each.value"))
    to_tgw.set("transit_gateway_id", placeholder("TRANSIT_GATEWAY_ID"))
    assoc = Block("resource", ["aws_route_table_association", "transit"])
    assoc.set("for_each", Call("toset", ([s.name for s in transit],))).blank()
    assoc.set("subnet_id", Expr(f"{subnet}[each.key].id"))
    assoc.set("route_table_id", Expr("aws_route_table.transit.id"))
    return [nat, to_nat, table, to_tgw, assoc]
