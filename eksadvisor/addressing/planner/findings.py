"""Findings about the plan as a whole (not one placement step): the service CIDR, the request's own ranges, the VPC's
CIDR block quota, prefix delegation and cluster subnet sizes, and every overlap between the ranges in play.

Each function appends to the draft's findings or notes; the planner calls them in the order the findings used to be
made (notes keep that order in the output, findings are sorted at the end).
"""

from __future__ import annotations

from ipaddress import IPv4Network

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, LabeledRange, ServiceCidr, cite
from eksadvisor.addressing.planner.context import Draft, PlanContext
from eksadvisor.addressing.planner.needs import prefix_holder


def service_cidr(ctx: PlanContext) -> ServiceCidr:
    """The Kubernetes service CIDR: the request's, else the default EKS would pick for the VPC's blocks."""
    return C.user_service_cidr(ctx.service) if ctx.service else C.default_service_cidr(ctx.vpc_blocks)


def request_findings(draft: Draft) -> None:
    """What the request itself says before anything is placed: an inferred service CIDR, secondaries the association
    table restricts, pod addresses without custom networking, fewer than two AZs."""
    req, ctx, findings = draft.req, draft.ctx, draft.findings
    service = draft.service
    if ctx.service is None:
        findings.append(Finding(id="service-cidr-default-unconfirmed", severity="info", ranges=[service.cidr],
                                source=service.source, confidence="unconfirmed", message=service.note))
    # existing secondaries against the (2023) association table
    for s in ctx.secondaries:
        problems = [p for p in C.association_problems(ctx.primary, s, []) if "overlaps" not in p]
        if problems:
            findings.append(Finding(
                id="secondary-cidr-restricted", severity="warning", ranges=[str(ctx.primary), str(s)],
                source=cite("VPC-CIDR"), confidence="unconfirmed",
                message=(f"secondary CIDR {s} is associated with a VPC whose primary is {ctx.primary}, but the "
                         f"association table says {problems[0]}; {C.ASSOCIATION_TABLE_NOTE}.")))
    if req.pod_addresses_per_az and not req.custom_networking:
        draft.notes.append("pod_addresses_per_az is ignored without custom networking: pods take node-subnet addresses, "
                           "which node_addresses_per_az must already include.")
    if len(req.azs) < 2:
        findings.append(Finding(id="eks-two-azs", severity="critical", ranges=[], source=cite("EKS-NETREQ"),
                                message="EKS needs cluster subnets in at least two different Availability Zones."))


def quota_finding(draft: Draft, new_blocks: list[IPv4Network]) -> None:
    """The VPC's IPv4 CIDR block quota, counting the blocks the plan would associate."""
    vpc_blocks = draft.ctx.vpc_blocks
    blocks_after = len(vpc_blocks) + len(new_blocks)
    if blocks_after > C.VPC_CIDR_BLOCK_QUOTA_DEFAULT:
        draft.findings.append(Finding(
            id="vpc-cidr-quota", severity="warning", ranges=[str(b) for b in [*vpc_blocks, *new_blocks]],
            source=cite("VPC-QUOTA"),
            message=(f"The VPC would have {blocks_after} IPv4 CIDR blocks; the default quota is "
                     f"{C.VPC_CIDR_BLOCK_QUOTA_DEFAULT} (adjustable up to 50) — request an increase first.")))


def sizing_notes(draft: Draft) -> None:
    """Prefix delegation's alignment (a note) and the /28 cluster subnets' open question (a finding)."""
    req = draft.req
    if req.prefix_delegation:
        draft.notes.append(
            f"Prefix delegation: every planned subnet is aligned to at least a /28 and the {prefix_holder(req)} subnets are "
            "sized in whole free /28 blocks, leaving out each subnet's first and last /28 (DERIVED, "
            "UNCONFIRMED as an AWS rule). Keep them unfragmented with a prefix-type subnet CIDR reservation.")
    if req.cluster_subnet_prefix == 28:
        draft.findings.append(Finding(
            id="cluster-subnet-size", severity="info", ranges=[], source=cite("EKS-NETREQ", "BP-SUBNETS"),
            confidence="unconfirmed",
            message=("Cluster subnets are dedicated /28s (11 usable addresses): enough for EKS's minimum of 6 free "
                     "addresses; whether AWS's recommended 16 means total or free addresses is unclear (CONFLICT, "
                     "UNCONFIRMED) — use /27 cluster subnets if it means free ones.")))


def overlap_findings(draft: Draft, new_blocks: list[IPv4Network]) -> None:
    """Every overlap between the ranges in play (each finding names both), and a clear service CIDR to use instead
    when the service CIDR is one of them."""
    ctx, service = draft.ctx, draft.service
    labeled: list[LabeledRange] = [LabeledRange("vpc", ctx.primary, "primary")]
    labeled += [LabeledRange("secondary", s) for s in ctx.secondaries]
    labeled += [LabeledRange("pod_cidr", s, "to associate") for s in new_blocks]
    labeled += [LabeledRange("existing_subnet", n, f"{s.role}{', ' + s.az if s.az else ''}") for _, s, n in ctx.existing]
    labeled += [LabeledRange("onprem", o) for o in ctx.onprem]
    labeled.append(LabeledRange("service", draft.service_net, "inferred default" if ctx.service is None else "",
                                unconfirmed=ctx.service is None))
    labeled.append(LabeledRange("docker_bridge", C.DOCKER_BRIDGE))
    overlaps = C.find_overlaps(labeled)
    draft.findings.extend(overlaps)
    if any(f.id == "overlapping-cidrs" and service.cidr in f.ranges for f in overlaps):
        alt = C.suggest_service_cidr([*ctx.vpc_blocks, *new_blocks, *ctx.onprem])
        if alt is not None:
            draft.findings.append(Finding(
                id="service-cidr-suggestion", severity="info", ranges=[service.cidr, str(alt)],
                source=cite("EKS-CREATE", "EKS-API-KNC"),
                message=(f"Set serviceIpv4Cidr to {alt} at cluster creation (clear of every range listed); "
                         f"it cannot be changed later.")))
