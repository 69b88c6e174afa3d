"""Subnet tags and subnet CIDR reservations as AWS CLI commands.

Tags: the role defaults of :mod:`eksadvisor.addressing.tags` (``kubernetes.io/role/elb`` on public,
``kubernetes.io/role/internal-elb`` on private, the cluster tag everywhere) overlaid with the tags the
planner put on each subnet. ``--tags`` is given as JSON, so keys with ``/`` or ``=`` need no shorthand
escaping.

Reservations (IPv4 prefix delegation): ``create-subnet-cidr-reservation --reservation-type prefix`` keeps
an aligned range free for /28 prefixes so a fragmented subnet does not fail with
``InsufficientCidrBlocks`` [EKS-PD] [VPC-RESV]. The range reserved is the upper half of each subnet that
hands out pod prefixes (the pod subnets with custom networking, the private node subnets otherwise): the
lower half stays for node and ENI primary addresses. That split is eksadvisor's choice, not an AWS rule;
the script says so.
"""

from __future__ import annotations

import ipaddress

from eksadvisor.addressing.tags import subnet_tags
from eksadvisor.artefacts._base import ArtefactContext, Script, SubnetView, compact_json


def tags_for(ctx: ArtefactContext, subnet: SubnetView) -> dict[str, str]:

    # Multus subnets carry the cluster tag alone, like pod subnets: no load balancer may land in them.
    role = "pod" if subnet.role == "multus" else subnet.role
    tags = dict(subnet_tags(role, ctx.cluster))  # type: ignore[arg-type]
    tags.update(subnet.tags)
    return dict(sorted(tags.items()))


def subnet_tags_script(ctx: ArtefactContext) -> Script:
    s = Script(title=f"Subnet tags for cluster {ctx.cluster} (load-balancer discovery and cluster ownership).")
    for subnet in ctx.subnets:
        tags = tags_for(ctx, subnet)
        if not tags:
            continue
        what = f"Multus subnet of network {subnet.network}" if subnet.role == "multus" else f"{subnet.role} subnet"
        s.comment(f"{subnet.name}: {what} {subnet.cidr} in {subnet.az}.")
        s.run("aws", "ec2", "create-tags", "--region", ctx.region, "--resources", subnet.id_placeholder,
              "--tags", compact_json([{"Key": k, "Value": v} for k, v in tags.items()]))
    return s


def reservation_targets(ctx: ArtefactContext) -> list[tuple[SubnetView, str]]:
    role = "pod" if ctx.custom_networking else "private"
    out = []
    for subnet in ctx.subnets_of(role):
        net = ipaddress.IPv4Network(subnet.cidr)
        if net.prefixlen > 27:  # a /28 is one prefix at most: nothing to reserve
            continue
        upper = list(net.subnets(prefixlen_diff=1))[1]
        out.append((subnet, str(upper)))
    return out


def reservations_script(ctx: ArtefactContext) -> Script:
    s = Script(
        title=f"Subnet CIDR reservations for /28 prefixes (prefix delegation) in cluster {ctx.cluster}.",
        notes=["Each reservation is the upper half of the subnet (eksadvisor's choice, not an AWS rule): the lower "
               "half keeps node and ENI primary addresses. Addresses already in use inside a range stay assigned.",
               "Run before enabling prefix delegation; see runbook.md."],
    )
    for subnet, cidr in reservation_targets(ctx):
        s.comment(f"{subnet.name} ({subnet.cidr}, {subnet.az}): reserve {cidr} for prefixes.")
        s.run("aws", "ec2", "create-subnet-cidr-reservation", "--region", ctx.region, "--subnet-id", subnet.id_placeholder,
              "--cidr", cidr, "--reservation-type", "prefix", "--description",
              "eksadvisor: /28 prefixes for pods (prefix delegation)")
    return s
