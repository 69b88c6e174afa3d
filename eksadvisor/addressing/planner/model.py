"""The planner's vocabulary: its request, its result, and the AWS limits and planner policy both are checked against.

Kept apart from the planning steps so that every phase module can use these models without importing the planner;
:mod:`eksadvisor.addressing.planner` re-exports them (the public names live there).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from eksadvisor.addressing import cidr as C
from eksadvisor.addressing.cidr import Finding, ServiceCidr
from eksadvisor.basemodel import OutputModel as _Model
from eksadvisor.names import TAGGED_ROLES, SubnetRole

# placement order of the roles that are planned (Multus subnets are split from their ranges, not placed)
ROLE_ORDER: dict[str, int] = {role: i for i, role in enumerate(TAGGED_ROLES)}
ROLE_WORD = {"cluster": "cluster", "public": "public", "private": "node", "pod": "pod", "transit": "transit"}  # in prose
ROUTABLE_PREFIX = 24  # the routable block for overlap: up to 6 AZs x (cluster /28 + transit /28) = 192 addresses
PUBLIC_FLOOR_PREFIX = 26  # planner policy (not an AWS rule): public subnets shrink below a /26 only under pressure
PUBLIC_MIN_PREFIX = 27  # an ALB/NLB subnet needs at least a /27 with 8 free addresses [ELB-ALB-SUBNETS]
PUBLIC_MIN_FREE = 8
CLUSTER_MIN_FREE = 6  # EKS needs at least 6 free addresses in each cluster subnet [EKS-NETREQ]
MIN_CLUSTER_AZS = 2  # EKS needs cluster subnets in two Availability Zones [EKS-NETREQ]
SECONDARY_PREFIX = 16  # a block cannot be resized once associated: take a /16 [VPC-QUOTA] [BP-CUSTNET]
MAX_AZS = 16


# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


# ------------------------------------------------------------------------------------------ input
class ExistingSubnetIn(_Model):
    cidr: str
    az: str | None = None
    role: SubnetRole = "private"
    used_ips: int = 0


class PlanRequest(_Model):
    """What the planner needs; address counts come from the caller's IP-consumption model."""

    vpc_cidr: str
    secondary_cidrs: list[str] = Field(default_factory=list)  # already associated with the VPC
    existing_subnets: list[ExistingSubnetIn] = Field(default_factory=list)
    onprem_cidrs: list[str] = Field(default_factory=list)  # on-prem, peered, transit-gateway ranges
    cgnat_in_use: bool = False
    azs: list[str]
    cluster_name: str = "my-cluster"
    node_addresses_per_az: int = 0  # node-subnet addresses per AZ at max nodes x growth, incl. upgrade surge
    pod_addresses_per_az: int = 0  # pod-subnet addresses per AZ (custom networking only)
    # what must fit at the least (max nodes, no growth); None = the figures above. Subnets shrink towards these
    # only when the growth sizes do not fit, and the plan says so.
    node_addresses_per_az_floor: int | None = None
    pod_addresses_per_az_floor: int | None = None
    public_subnets: bool = True  # load balancers and NAT gateways need public subnets
    add_secondary_cidrs: bool = False  # associate new /16s when node, cluster or public subnets do not fit
    # When a VPC block overlaps a connected (on-prem) range: put the cluster subnets and one transit subnet per AZ
    # (private NAT gateway, Transit Gateway attachment) in a block that overlaps none [BP private NAT pattern].
    routable_for_overlap: bool = False
    reserved_cidrs: list[str] = Field(default_factory=list)  # ranges taken elsewhere: never used
    # Multus networks {name: range}: reserved, and each range inside the VPC's blocks is split into one subnet per AZ
    # (role "multus") for the extra ENIs [EKS-MULTUS]
    multus_networks: dict[str, str] = Field(default_factory=dict)
    custom_networking: bool = False
    prefix_delegation: bool = False  # node (or pod) subnets then need free /28-aligned space
    public_subnet_prefix: int = 20  # a hint: shrunk inside small VPCs
    cluster_subnet_prefix: int = 28
    service_cidr: str | None = None
    prefixes_per_az: int = 0  # /28 prefixes per AZ to reserve (prefix delegation); 0 = no reservation


# ----------------------------------------------------------------------------------------- output
class Reservation(_Model):
    cidr: str
    reservation_type: Literal["prefix"] = "prefix"
    free_prefixes: int
    command: str
    source: str


class PlannedSubnet(_Model):
    name: str
    role: SubnetRole
    az: str
    cidr: str
    usable_ips: int
    tags: dict[str, str] = Field(default_factory=dict)
    existing: bool = False
    network: str | None = None  # Multus network name (role "multus")
    needed_addresses: int = 0  # what this subnet was sized for (0 for reused ones)
    prefix_capacity: int | None = None  # whole /28 blocks (prefix delegation), DERIVED
    reservations: list[Reservation] = Field(default_factory=list)


class Shortfall(_Model):
    reason: str
    unplaced: list[str] = Field(default_factory=list)  # "private /18 in us-east-1a"
    needed_addresses: int = 0  # total size of the unplaced blocks
    smallest_vpc_cidr: str | None = None  # greenfield: the smallest VPC CIDR that holds the whole plan
    smallest_secondary_cidr: str | None = None  # or associate this and plan again
    secondary_check: C.AssociationCheck | None = None
    suggestions: list[str] = Field(default_factory=list)


class SubnetPlan(_Model):
    """The layout. ``fits``: every block was placed; ``complete``: the layout is buildable as a whole (DESIGN
    §2.4) -- cluster subnets in two AZs, node (and public, and with custom networking pod) subnets in every
    AZ; ``missing`` says what is not."""

    vpc_cidr: str
    vpc_cidrs: list[str]  # primary + already associated secondaries
    azs: list[str]
    subnets: list[PlannedSubnet]
    secondary_cidrs: list[str] = Field(default_factory=list)  # new CIDRs to associate
    service_cidr: ServiceCidr
    findings: list[Finding] = Field(default_factory=list)
    fits: bool
    shortfall: Shortfall | None = None
    free_blocks_after: list[str] = Field(default_factory=list)  # largest 16 holes left, largest first
    free_addresses_after: int = 0
    notes: list[str] = Field(default_factory=list)
    complete: bool = True
    missing: list[str] = Field(default_factory=list)
    next_secondary_cidr: str | None = None  # the /16 to associate next for headroom (clear of everything listed)

    def _repr_html_(self) -> str:  # Jupyter and any IPython display front end
        from eksadvisor.output.display import subnet_plan_html

        return subnet_plan_html(self)
