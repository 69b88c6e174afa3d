"""Subnet tags per role (load-balancer discovery and cluster ownership).

- public subnets: ``kubernetes.io/role/elb = 1`` (internet-facing load balancers) [EKS-NETREQ]
- private subnets: ``kubernetes.io/role/internal-elb = 1`` (internal load balancers) [EKS-NETREQ]
- every subnet the cluster uses: ``kubernetes.io/cluster/<cluster-name> = shared`` (or ``owned``) [seed,
  "Subnet Tagging Requirements"]

Cluster subnets (control-plane ENIs only) and custom-networking pod subnets get the cluster tag alone:
load balancers must not land in them. Pod subnets are chosen by ENIConfig, not by tags (custom
networking takes precedence over subnet discovery's ``kubernetes.io/role/cni`` tag [EKS-SUBSEL]).
"""

from __future__ import annotations

from typing import Literal

from eksadvisor.errors import InputError
from eksadvisor.names import CLUSTER_NAME as _CLUSTER_NAME
from eksadvisor.names import TAGGED_ROLES, TaggedRole

ELB_TAG = "kubernetes.io/role/elb"
INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb"
CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/"

Role = TaggedRole  # the roles whose subnets carry tags of their own (eksadvisor.names)
Ownership = Literal["shared", "owned"]

SOURCE = ("[EKS-NETREQ] https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html; "
          "seed: Subnet Tagging Requirements")


def check_cluster_name(name: str, field: str = "cluster_name") -> str:
    """EKS cluster names: 1-100 characters, start alphanumeric, then [A-Za-z0-9_-]."""
    if not isinstance(name, str) or not _CLUSTER_NAME.fullmatch(name):
        raise InputError(f"{field}: {name!r} is not a valid EKS cluster name (1-100 characters, starting with a "
                         "letter or digit, then letters, digits, '-' or '_').", field=field)
    return name


def subnet_tags(role: Role, cluster_name: str, ownership: Ownership = "shared") -> dict[str, str]:
    """The tags a subnet of ``role`` needs, sorted by key."""
    check_cluster_name(cluster_name)
    if role not in TAGGED_ROLES:
        raise InputError(f"role: {role!r} is not one of {', '.join(TAGGED_ROLES)}.", field="role")
    if ownership not in ("shared", "owned"):
        raise InputError(f"ownership: {ownership!r} must be 'shared' or 'owned'.", field="ownership")
    if role == "transit":  # private NAT gateway / Transit Gateway attachment: nothing Kubernetes discovers
        return {}
    tags: dict[str, str] = {CLUSTER_TAG_PREFIX + cluster_name: ownership}
    if role == "public":
        tags[ELB_TAG] = "1"
    elif role == "private":
        tags[INTERNAL_ELB_TAG] = "1"
    return dict(sorted(tags.items()))
