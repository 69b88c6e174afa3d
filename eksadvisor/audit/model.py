"""The audit result (docs/design.md §2.5): pydantic models, JSON via ``model_dump(mode="json")``.

Stable keys: ``current_settings``, ``subnets[]`` (``subnet_id``, ``cidr``, ``az``, ``role``, ``free_ips``,
``free_prefixes``, ``nodes_that_fit``), ``findings[]`` (rule-catalog shape, ids ``audit-*`` and existing rule
ids), ``answers``, ``recommendation``, ``changes[]``. More keys may be added, never renamed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from eksadvisor.basemodel import OutputModel as _Model
from eksadvisor.names import NodeOs
from eksadvisor.severity import Severity

AUDIT_SCHEMA_VERSION = 1
Role = Literal["cluster", "node", "pod", "public", "unused"]


class Setting(_Model):
    value: str
    source: Literal["addon", "daemonset", "default"]  # add-on configurationValues win over the DaemonSet env


class CurrentSettings(_Model):
    env: dict[str, Setting]  # effective aws-node container env, defaults filled and marked
    init_env: dict[str, Setting] = Field(default_factory=dict)
    address_mode: Literal["secondary_ip", "prefix"]
    custom_networking: bool
    sgp: bool  # ENABLE_POD_ENI
    ip_family: Literal["ipv4", "ipv6"]
    cni_version: str
    cni_version_source: str
    endpoint_access: Literal["public", "public_private", "private"]
    managed_addon: bool | None  # None: unknown (live mode without describe_addon)
    addon_version: str | None = None
    cni_role: Literal["service_account_role", "pod_identity", "node_role", "unknown"]
    kubernetes_version: str | None = None


class SubnetAudit(_Model):
    subnet_id: str
    cidr: str
    az: str
    role: Role
    roles: list[str]  # every role seen (a subnet can be a cluster subnet and a node subnet)
    role_reason: str  # how the role was inferred
    usable_ips: int
    free_ips: int  # not on any ENI, not AWS-reserved, not in an explicit reservation
    free_prefixes: int  # free aligned /28 blocks (no in-use, AWS-reserved or explicitly reserved address)
    free_prefixes_in_prefix_reservations: int = 0
    stranded_ips: int  # free addresses outside any free /28 (secondary IPs only)
    aws_available_ip_address_count: int | None = None  # AWS's own count, for comparison
    used_ips: int
    enis: int
    reservations: list[dict[str, str]] = Field(default_factory=list)
    ipv6_cidr: str | None = None
    nodes: int = 0
    nodes_that_fit: dict[str, int] = Field(default_factory=dict)  # node group -> more nodes that fit now


class NodeGroupAudit(_Model):
    name: str
    name_source: str  # which label named the group
    os: NodeOs
    instance_types: list[str]
    nodes: int
    azs: list[str]
    pods_per_node: int
    pods_source: str
    max_pods_capacity: list[int]  # distinct kubelet capacity.pods seen
    max_pods_expected: int | None  # what the type supports in the running mode (recommended value)
    per_node: dict[str, Any]  # ipamd model at today's settings
    subnets: list[str]


class Finding(_Model):
    id: str
    severity: Severity
    message: str
    remediation: str
    source: str
    evidence: dict[str, Any] = Field(default_factory=dict)  # names the subnet / node / AZ


class ForecastRow(_Model):
    subnet_id: str
    az: str
    role: Role
    group: str
    nodes_now: int
    fit_now: int
    fit_recommended: int | None  # None: the recommendation does not use this subnet for the group / no recommendation
    per_node_now: int  # subnet addresses one more node takes today
    per_node_recommended: int | None = None


class Change(_Model):
    step: int
    kind: Literal["settings", "subnets", "reservations", "max_pods", "node_groups", "addon", "eniconfig"]
    title: str
    detail: str
    artefacts: list[str] = Field(default_factory=list)  # names in recommendation.snippets
    commands: list[str] = Field(default_factory=list)


class AuditResult(_Model):
    schema_version: int = AUDIT_SCHEMA_VERSION
    cluster_name: str
    region: str
    vpc_id: str
    origin: str
    current_settings: CurrentSettings
    subnets: list[SubnetAudit]
    node_groups: list[NodeGroupAudit]
    findings: list[Finding]
    answers: dict[str, Any]
    recommendation: dict[str, Any] | None
    recommendation_error: str | None = None
    changes: list[Change]
    forecast: list[ForecastRow]
    limitations: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def _repr_html_(self) -> str:  # Jupyter display (eksadvisor.output.display; imported only when shown)
        from eksadvisor.output.display import audit_html

        return audit_html(self)


__all__ = ["AUDIT_SCHEMA_VERSION", "AuditResult", "Change", "CurrentSettings", "Finding", "ForecastRow", "NodeGroupAudit",
           "Setting", "SubnetAudit"]
