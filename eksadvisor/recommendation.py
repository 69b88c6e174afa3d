"""The Recommendation: the public output format of ``advise()`` (docs/design.md §2.2, schema version 1).

Keys here are a contract other people code against: extend, never rename. Everything the app,
the report and the generated configuration show is read from this model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from eksadvisor.basemodel import OutputModel
from eksadvisor.names import SubnetRole  # transit: private NAT gateway / TGW
from eksadvisor.severity import Severity

SCHEMA_VERSION = 1
Strategy = Literal[
    "prefix_delegation", "secondary_cidr", "custom_networking", "ipv6",
    "private_nat_gateway", "subnet_cidr_reservation", "alternate_cni",
]


# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


class RuleWarning(OutputModel):
    """One rule that fired (ids from data/rules.yaml; docs/design.md §3)."""

    id: str
    severity: Severity
    message: str
    remediation: str
    source: str  # seed section (or fact-sheet key) the rule comes from


class TraceStep(OutputModel):
    """One node of the decision-graph walk, in order."""

    node: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    outcome: str
    reason: str
    source: str


class Alternative(OutputModel):
    option: str
    verdict: Literal["rejected", "possible", "chosen"] = "rejected"
    reason: str


class SubnetOut(OutputModel):
    name: str
    role: SubnetRole
    az: str
    cidr: str
    usable_ips: int
    tags: dict[str, str] = Field(default_factory=dict)
    existing: bool = False
    network: str | None = None  # Multus network name (role "multus")


class NodeGroupOut(OutputModel):
    name: str
    instance_types: list[str]
    max_pods: int  # lowest of its types: one kubelet value for the whole group
    max_pods_by_type: dict[str, int] = Field(default_factory=dict)
    limiting_type: str = ""
    desired_nodes: int
    max_nodes: int
    pods_per_node: int
    per_node: dict[str, Any] = Field(default_factory=dict)  # ip-usage keys (enis, secondary_ips, prefixes, ...)
    subnet_addresses_at_max: int = 0
    node_subnet_addresses_at_max: int = 0
    pod_subnet_addresses_at_max: int = 0
    # per feature the cluster uses ("prefix_delegation", "security_groups_for_pods"): {"supported": [types],
    # "unsupported": [types]} of this group, so artefacts can split a group or flag the types that cannot
    feature_support: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    # DaemonSet/add-on pods per node counted against max-pods, and the ones that take a VPC address
    system_pods: dict[str, int] = Field(default_factory=dict)


class AzUsageOut(OutputModel):
    az: str
    nodes_desired: int
    nodes_max: int
    node_subnet_addresses_desired: int
    node_subnet_addresses_max: int
    pod_subnet_addresses_desired: int = 0
    pod_subnet_addresses_max: int = 0
    fargate_addresses: int = 0  # Fargate pods in this AZ: one address each from the profile's private subnet


class Provenance(OutputModel):
    eksadvisor_version: str
    schema_version: int = SCHEMA_VERSION
    catalog_snapshot: str
    catalog_source: str = ""
    data_snapshots: dict[str, str] = Field(default_factory=dict)
    answers_digest: str  # sha256 of the canonical answers JSON
    suppressed_rules: list[str] = Field(default_factory=list)


class Recommendation(OutputModel):
    schema_version: int = SCHEMA_VERSION
    cluster_name: str
    ip_family: Literal["ipv4", "ipv6"]
    address_mode: Literal["secondary_ip", "prefix"]
    custom_networking: bool
    endpoint_access: Literal["public", "public_private", "private"]
    summary: str = ""  # one paragraph: the mode and why
    max_pods: dict[str, int]  # kubelet max-pods per instance type in the answers
    max_pods_detail: dict[str, dict[str, Any]] = Field(default_factory=dict)  # raw ceiling, cap reason, notes
    node_groups: list[NodeGroupOut]
    az_usage: list[AzUsageOut] = Field(default_factory=list)
    settings: dict[str, str]  # aws-node container env
    init_settings: dict[str, str] = Field(default_factory=dict)  # aws-node init container env
    subnets: list[SubnetOut]
    secondary_cidrs: list[str] = Field(default_factory=list)
    strategies: list[Strategy] = Field(default_factory=list)
    warnings: list[RuleWarning] = Field(default_factory=list)
    trace: list[TraceStep] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)
    snippets: dict[str, str] = Field(default_factory=dict)
    plan_findings: list[dict[str, Any]] = Field(default_factory=list)  # overlaps etc. from the subnet planner
    # Fargate pods in the IP budget: {"pods", "addresses", "per_az", "subnet_role", "notes"}; empty without Fargate pods
    fargate: dict[str, Any] = Field(default_factory=dict)
    provenance: Provenance
    # docs/design.md §2.4: advise() returns only complete plans; advise(..., partial=True) returns an incomplete one as a
    # diagnosis (complete False, the refusal sentence, no snippets) for the app to show, clearly marked.
    complete: bool = True
    refusal: str = ""

    def _repr_html_(self) -> str:  # Jupyter and any IPython display front end
        from eksadvisor.output.display import recommendation_html

        return recommendation_html(self)
