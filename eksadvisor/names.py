"""Naming rules for the identifiers eksadvisor reads and writes, in one place.

The answers model validates them on the way in; the generators check them again before an identifier
is written into a command or manifest (defence in depth when a caller hands over unvalidated models).
"""

from __future__ import annotations

import re
from typing import Literal, get_args

# EKS CreateCluster: 1-100 characters, first alphanumeric, then [A-Za-z0-9_-].
CLUSTER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
# EKS CreateNodegroup: 1-63 characters, same alphabet.
NODEGROUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")
AZ = re.compile(r"([a-z]{2}(?:-[a-z]+)+-\d{1,2})[a-z]")  # group 1: the Region
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # RFC 1123 label (Kubernetes object names)
IFNAME = re.compile(r"[A-Za-z0-9_.-]{1,15}")  # Linux interface name (IFNAMSIZ - 1)

# Subnet roles, one list for the planner, the tags, the recommendation format and the generators. ``transit``: a
# private NAT gateway / Transit Gateway attachment subnet; ``multus``: a Multus network's per-AZ subnet, which carries
# the pod subnets' tags (so it is no TaggedRole of its own).
TaggedRole = Literal["cluster", "public", "private", "pod", "transit"]
SubnetRole = Literal[TaggedRole, "multus"]
TAGGED_ROLES: tuple[str, ...] = get_args(TaggedRole)
SUBNET_ROLES: tuple[str, ...] = get_args(SubnetRole)
# The roles whose subnets hold node and pod addresses (sized from the IP-usage model; the others have fixed sizes).
ADDRESS_ROLES: tuple[TaggedRole, ...] = ("private", "pod")

# The node operating systems a node group can run: Linux nodes get addresses from aws-node (ipamd), Windows nodes from
# the VPC resource controller's one-ENI pool.
NodeOs = Literal["linux", "windows"]
