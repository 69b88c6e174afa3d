"""The answers file: the advisor's input (docs/design.md §2.1, format version 1).

``Answers`` is a strict pydantic model (unknown keys and wrong types are errors, nothing is
silently coerced) and :func:`load_answers` is the one way in from a dict, a YAML/JSON file or an
existing model. Every problem becomes one :class:`~eksadvisor.errors.InputError` sentence that
names the field path, e.g. ``node_groups[0].max_nodes: must be at least desired_nodes (3).``

Files are refused before they are parsed when they are over 1 MiB, and before any YAML anchor or
alias is expanded (so "billion laughs" documents cost nothing); duplicate keys are refused too.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from eksadvisor import regions
from eksadvisor.basemodel import InputModel
from eksadvisor.catalog import load_catalog
from eksadvisor.errors import InputError, UnknownInstanceType
from eksadvisor.names import AZ as _AZ
from eksadvisor.names import CLUSTER_NAME as _CLUSTER_NAME
from eksadvisor.names import DNS_LABEL as _DNS_LABEL
from eksadvisor.names import IFNAME as _IFNAME
from eksadvisor.names import NODEGROUP_NAME as _NODEGROUP_NAME
from eksadvisor.names import REGION as _REGION
from eksadvisor.names import NodeOs
from eksadvisor.rulebook import resolve_rule_id
from eksadvisor.versions import DEFAULT_CNI_VERSION, parse_cni_version

FORMAT_VERSION = 1
MAX_FILE_BYTES = 1024 * 1024  # 1 MiB: an answers file is a few hundred bytes
MAX_LIST = 200  # generous bound on every list, so no answers file makes the engine loop for long

_MULTUS_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-_+][A-Za-z0-9._-]+)?")


# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


# ------------------------------------------------------------------------------------ CIDR helpers

def _usable(net: ipaddress.IPv4Network) -> int:
    return max(net.num_addresses - 5, 0)


def parse_cidr(value: Any, *, min_prefix: int = 0, max_prefix: int = 32, what: str = "an IPv4 CIDR") -> ipaddress.IPv4Network:
    """A strict IPv4 CIDR (no host bits), as a ValueError with a helpful sentence otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"must be {what} written as a string like 10.0.0.0/16, got {value!r}")
    text = value.strip()
    if "/" not in text:
        raise ValueError(f"{text!r} is not a CIDR block: it needs a prefix length, like 10.0.0.0/16")
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid IPv4 CIDR block") from None
    if net.version != 4:
        raise ValueError(f"{text!r} is IPv6; {what} is expected here (IPv6 blocks are allocated by AWS)")
    if str(net) != text and ipaddress.ip_interface(text).ip != net.network_address:
        raise ValueError(f"{text!r} has host bits set; did you mean {net}?")
    if not (min_prefix <= net.prefixlen <= max_prefix):
        raise ValueError(f"{text} is a /{net.prefixlen}; it must be between /{min_prefix} and /{max_prefix}")
    return net


def _cidr_list(values: list[str], *, min_prefix: int = 0, max_prefix: int = 32) -> list[str]:
    out: list[str] = []
    nets: list[ipaddress.IPv4Network] = []
    for i, value in enumerate(values):
        try:
            net = parse_cidr(value, min_prefix=min_prefix, max_prefix=max_prefix)
        except ValueError as exc:
            raise ValueError(f"item {i}: {exc}") from None
        for j, other in enumerate(nets):
            if net.overlaps(other):
                raise ValueError(f"item {i} ({net}) overlaps item {j} ({other})")
        nets.append(net)
        out.append(str(net))
    return out


# ------------------------------------------------------------------------------------- sub-models

# The DaemonSet and add-on pods of a realistic EKS node (the default of node_groups[].system_pods and
# system_pods_with_ip). Every one counts against kubelet max-pods; only those on the pod network take a VPC address.
#   aws-node (VPC CNI add-on)        DaemonSet  hostNetwork  -- the "+ 2" of AWS's max-pods formula counts it [AMI-MAXPODS]
#   kube-proxy (add-on)              DaemonSet  hostNetwork  -- the other of the "+ 2"
#   eks-pod-identity-agent (add-on)  DaemonSet  hostNetwork  -- EKS user guide, "Set up the Amazon EKS Pod Identity
#                                    Agent": it uses the node's host network (ports 80 and 2703 on a link-local address)
#   ebs-csi-node (aws-ebs-csi-driver add-on) DaemonSet, pod network -- kubernetes-sigs/aws-ebs-csi-driver chart
#                                    values.yaml `node.hostNetwork: false`
#   coredns (add-on)                 Deployment of 2 replicas, pod network -- spread over nodes, so the busiest node
#                                    holds one
# = 5 pods against max-pods, 2 of them with a VPC address. Monitoring and logging agents (CloudWatch agent, Fluent Bit,
# Datadog, node-exporter, ...) and service meshes' node agents are not in the baseline: add yours.
SYSTEM_POD_BASELINE: tuple[tuple[str, bool], ...] = (
    ("aws-node", True), ("kube-proxy", True), ("eks-pod-identity-agent", True), ("ebs-csi-node", False), ("coredns", False),
)  # (pod, hostNetwork)
DEFAULT_SYSTEM_PODS = len(SYSTEM_POD_BASELINE)
DEFAULT_SYSTEM_PODS_WITH_IP = sum(1 for _, host in SYSTEM_POD_BASELINE if not host)


class NodeGroup(InputModel):
    """One managed (or self-managed) node group."""

    name: str = Field("general", description="Node group name (EKS rules: 1-63 characters, starts alphanumeric, [A-Za-z0-9_-]).",
                      json_schema_extra={"pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"})
    instance_types: list[str] = Field(
        default_factory=lambda: ["m5.large"], min_length=1, max_length=50,
        description="EC2 instance types of the group; a mixed group gets the lowest max-pods of its types.",
    )
    desired_nodes: int = Field(3, ge=0, le=5000, description="Nodes the group normally runs.")
    max_nodes: int = Field(10, ge=1, le=5000, description="Most nodes the group can scale to (subnets are sized for this x growth_factor).")
    pods_per_node: int = Field(20, ge=0, le=1000, description="Workload pods per node that need a VPC IP address (not hostNetwork).")
    os: NodeOs = Field("linux", description="Node operating system.")
    system_pods: int = Field(
        DEFAULT_SYSTEM_PODS, ge=0, le=1000,
        description="DaemonSet and add-on pods per node (they count against kubelet max-pods); default: aws-node, kube-proxy, "
                    "eks-pod-identity-agent, ebs-csi-node and one CoreDNS replica. Add your monitoring/logging agents.",
    )
    system_pods_with_ip: int = Field(
        DEFAULT_SYSTEM_PODS_WITH_IP, ge=0, le=1000,
        description="How many of system_pods are not hostNetwork and so take a VPC address; default 2 (ebs-csi-node, CoreDNS).",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NODEGROUP_NAME.fullmatch(v):
            raise ValueError(
                f"{v!r} is not a valid node group name: 1-63 characters, starting with a letter or digit, "
                "then letters, digits, '-' or '_'"
            )
        return v

    @field_validator("instance_types")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        catalog = load_catalog()
        out: list[str] = []
        for i, name in enumerate(v):
            try:
                out.append(catalog.get(name, field_name="@").instance_type)
            except UnknownInstanceType as exc:
                msg = str(exc)
                raise ValueError(f"item {i}: " + (msg[3:] if msg.startswith("@: ") else msg).rstrip(".")) from None
        seen: set[str] = set()
        for i, name in enumerate(out):
            if name in seen:
                raise ValueError(f"item {i}: {name} is listed twice")
            seen.add(name)
        return out

    @model_validator(mode="after")
    def _sizes(self) -> NodeGroup:
        if self.max_nodes < self.desired_nodes:
            raise _FieldError("max_nodes", f"must be at least desired_nodes ({self.desired_nodes})")
        if self.system_pods_with_ip > self.system_pods:
            raise _FieldError("system_pods_with_ip", f"cannot exceed system_pods ({self.system_pods})")
        return self


class ExistingSubnet(InputModel):
    cidr: str = Field(description="The subnet's IPv4 CIDR.")
    az: str = Field(description="Availability Zone name, e.g. us-east-1a.")
    role: Literal["cluster", "public", "private", "pod"] = Field("private", description="What the subnet is used for.")
    used_ips: int = Field(0, ge=0, description="Addresses in use today (EC2 console: total minus available).")

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        return str(parse_cidr(v, min_prefix=16, max_prefix=28, what="a subnet CIDR (/16 to /28)"))

    @field_validator("az")
    @classmethod
    def _az(cls, v: str) -> str:
        if not _AZ.fullmatch(v):
            raise ValueError(f"{v!r} is not an Availability Zone name like us-east-1a")
        return v

    @model_validator(mode="after")
    def _used(self) -> ExistingSubnet:
        usable = _usable(ipaddress.ip_network(self.cidr))  # type: ignore[arg-type]
        if self.used_ips > usable:
            raise _FieldError("used_ips", f"{self.used_ips} is more than the {usable} usable addresses of {self.cidr} (AWS reserves 5)")
        return self


class Network(InputModel):
    vpc_cidr: str = Field("10.0.0.0/16", description="The VPC's primary IPv4 CIDR (/16 to /28).")
    secondary_cidrs: list[str] = Field(default_factory=list, max_length=49, description="IPv4 CIDRs already associated with the VPC.")
    existing_subnets: list[ExistingSubnet] = Field(default_factory=list, max_length=MAX_LIST, description="Subnets that already exist in the VPC.")
    onprem_cidrs: list[str] = Field(default_factory=list, max_length=MAX_LIST, description="On-prem, peered and transit-gateway-connected ranges.")
    cgnat_in_use: bool = Field(False, description="Is 100.64.0.0/10 already used on connected networks?")
    separate_pod_cidr_required: bool = Field(False, description="Must pod traffic come from a CIDR other than the nodes' (e.g. firewall rules)?")
    growth_factor: float = Field(2.0, ge=1.0, le=10.0, description="Size subnets for max_nodes x this.")

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc(cls, v: str) -> str:
        net = parse_cidr(v, min_prefix=16, max_prefix=28, what="a VPC CIDR (/16 to /28)")
        if net.subnet_of(ipaddress.IPv4Network("169.254.0.0/16")):
            raise ValueError(f"{net} is link-local (169.254.0.0/16), which a VPC can never use")
        return str(net)

    @field_validator("secondary_cidrs")
    @classmethod
    def _secondary(cls, v: list[str]) -> list[str]:
        out = _cidr_list(v, min_prefix=16, max_prefix=28)
        for i, c in enumerate(out):
            if ipaddress.IPv4Network(c).subnet_of(ipaddress.IPv4Network("169.254.0.0/16")):
                raise ValueError(f"item {i}: {c} is link-local (169.254.0.0/16), which a VPC can never use")
        return out

    @field_validator("onprem_cidrs")
    @classmethod
    def _onprem(cls, v: list[str]) -> list[str]:
        out = []
        for i, value in enumerate(v):
            try:
                out.append(str(parse_cidr(value)))
            except ValueError as exc:
                raise ValueError(f"item {i}: {exc}") from None
        return out

    @model_validator(mode="after")
    def _consistent(self) -> Network:
        vpc = ipaddress.IPv4Network(self.vpc_cidr)
        blocks = [vpc] + [ipaddress.IPv4Network(c) for c in self.secondary_cidrs]
        for i, c in enumerate(self.secondary_cidrs):
            if blocks[i + 1].overlaps(vpc):
                raise _FieldError(f"secondary_cidrs[{i}]", f"{c} overlaps the VPC CIDR {vpc}; VPC CIDR blocks may not overlap")
        seen: list[tuple[int, ipaddress.IPv4Network]] = []
        for i, s in enumerate(self.existing_subnets):
            net = ipaddress.IPv4Network(s.cidr)
            if not any(net.subnet_of(b) for b in blocks):
                raise _FieldError(
                    f"existing_subnets[{i}].cidr",
                    f"{s.cidr} is not inside the VPC CIDR {vpc} or any of secondary_cidrs",
                )
            for j, other in seen:
                if net.overlaps(other):
                    raise _FieldError(f"existing_subnets[{i}].cidr", f"{s.cidr} overlaps existing_subnets[{j}] ({other})")
            seen.append((i, net))
        return self


class Ipv6(InputModel):
    ready: bool = Field(False, description="A dual-stack VPC is possible and your tooling and dependencies speak IPv6.")
    ipv4_exhaustion_concern: bool = Field(False, description="IPv4 exhaustion is a real concern for this cluster.")


class SecurityGroupsForPods(InputModel):
    needed: bool = Field(False, description="Pods need their own security groups (RDS/ElastiCache access, per-pod flow logs, EC2 migration).")
    nodelocal_dnscache: bool = Field(False, description="NodeLocal DNSCache runs on the nodes.")
    network_policy: bool = Field(False, description="Kubernetes network policies are enforced.")
    external_traffic_policy_local: bool = Field(False, description="Services use externalTrafficPolicy: Local (NodePort/instance targets).")
    pods_per_node: int = Field(0, ge=0, le=1000, description="Pods per node that get their own security groups (0: unknown).")


class MultusNetwork(InputModel):
    name: str = Field(description="NetworkAttachmentDefinition name (a DNS label).")
    type: Literal["macvlan", "ipvlan", "host-device"] = Field(description="CNI plugin of the secondary interface.")
    master: str = Field("eth1", description="Host interface the plugin attaches to.")
    cidr: str = Field(description="IPv4 range of the secondary network: one VPC subnet its extra ENIs come from (whereabouts IPAM); it must overlap nothing planned or connected.")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _DNS_LABEL.fullmatch(v):
            raise ValueError(f"{v!r} is not a valid name: lower-case letters, digits and '-', at most 63 characters")
        return v

    @field_validator("master")
    @classmethod
    def _master(cls, v: str) -> str:
        if not _IFNAME.fullmatch(v):
            raise ValueError(f"{v!r} is not a network interface name (1-15 letters, digits, '.', '_' or '-')")
        return v

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        return str(parse_cidr(v))


class Multus(InputModel):
    needed: bool = Field(False, description="Pods need secondary interfaces (telco, DPDK, SR-IOV).")
    plugin: Literal["thin", "thick"] = Field("thin", description="Multus plugin variant.")
    version: str = Field("v4.1.1", description="Multus image version, e.g. v4.1.1.")
    networks: list[MultusNetwork] = Field(default_factory=list, max_length=MAX_LIST, description="Secondary networks.")

    @field_validator("version")
    @classmethod
    def _version(cls, v: str) -> str:
        if not _MULTUS_VERSION.fullmatch(v):
            raise ValueError(f"{v!r} is not a Multus version like v4.1.1")
        return v

    @field_validator("networks")
    @classmethod
    def _unique(cls, v: list[MultusNetwork]) -> list[MultusNetwork]:
        names: set[str] = set()
        for i, n in enumerate(v):
            if n.name in names:
                raise ValueError(f"item {i}: network name {n.name!r} is used twice")
            names.add(n.name)
        return v

    def version_tuple(self) -> tuple[int, int, int]:
        m = _MULTUS_VERSION.fullmatch(self.version)
        assert m is not None
        return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


class Operations(InputModel):
    environment: Literal["dev", "test", "production"] = Field("production", description="What the cluster is for.")
    external_api_access: bool = Field(True, description="CI/CD or people reach the API server from outside the VPC.")
    regulated: bool = Field(False, description="Regulated or high-security environment.")
    custom_ami: bool = Field(False, description="Nodes use a custom AMI, not an EKS-optimized one.")
    data_intensive: bool = Field(False, description="High CPU on nodes (aws-node probes may time out).")
    auto_mode: bool = Field(False, description="The cluster uses EKS Auto Mode.")
    pod_churn: Literal["low", "medium", "high"] = Field("medium", description="How often pods start and stop (tunes the warm pool).")
    self_managed_cni: bool = Field(False, description="The VPC CNI is installed self-managed instead of as the EKS managed add-on.")


# ------------------------------------------------------------------------------------- the model

class Answers(InputModel):
    """An answers file (format version 1). Every field has a default."""

    model_config = ConfigDict(title="eksadvisor answers (format version 1)")  # the rest from InputModel

    version: Literal[1] = Field(1, description="Answers format version.")
    cluster_name: str = Field("my-cluster", description="EKS cluster name: 1-100 characters, starts alphanumeric, [A-Za-z0-9_-].",
                              json_schema_extra={"pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$"})
    region: str = Field("us-east-1", description="AWS Region, e.g. us-east-1.",
                        json_schema_extra={"pattern": "^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$"})
    availability_zones: int | list[str] = Field(3, description="Number of AZs (2 to 6) or an explicit list of AZ names.")
    cni_version: str = Field(DEFAULT_CNI_VERSION, description="VPC CNI version planned (quote it: 1.10 is not 1.1); prefix mode needs >= 1.9.",
                             json_schema_extra={"pattern": "^v?[0-9]+\\.[0-9]+(\\.[0-9]+)?(-eksbuild\\.[0-9]+)?$"})
    node_groups: list[NodeGroup] = Field(default_factory=lambda: [NodeGroup()], max_length=MAX_LIST, description="Node groups; at least one unless all pods run on Fargate.")
    fargate_pods: int = Field(0, ge=0, le=100000, description="Pods that run on Fargate.")
    network: Network = Field(default_factory=Network)
    ipv6: Ipv6 = Field(default_factory=Ipv6)
    security_groups_for_pods: SecurityGroupsForPods = Field(default_factory=SecurityGroupsForPods)
    multus: Multus = Field(default_factory=Multus)
    operations: Operations = Field(default_factory=Operations)
    suppress_rules: list[str] = Field(default_factory=list, max_length=MAX_LIST, description="Warning rule ids not to report (see data/rules.yaml).")

    @field_validator("cluster_name")
    @classmethod
    def _cluster_name(cls, v: str) -> str:
        if not _CLUSTER_NAME.fullmatch(v):
            if not v:
                raise ValueError("must not be empty (EKS cluster names are 1-100 characters)")
            if len(v) > 100:
                raise ValueError(f"is {len(v)} characters; EKS cluster names are at most 100")
            raise ValueError(
                f"{v!r} breaks EKS's naming rules: start with a letter or digit, then only letters, digits, '-' or '_'"
            )
        return v

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if not _REGION.fullmatch(v):
            raise ValueError(f"{v!r} is not an AWS Region name like us-east-1")
        return v

    @field_validator("availability_zones", mode="before")
    @classmethod
    def _azs(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, list)):
            raise ValueError(f"must be a number of AZs (2 to 6) or a list of AZ names, got {v!r}")
        if isinstance(v, int):
            if not 2 <= v <= 6:
                raise ValueError(f"must be between 2 and 6, got {v}")
            return v
        if not 2 <= len(v) <= 6:
            raise ValueError(f"must list between 2 and 6 AZ names, got {len(v)}")
        for i, az in enumerate(v):
            if not isinstance(az, str) or not _AZ.fullmatch(az):
                raise ValueError(f"item {i}: {az!r} is not an Availability Zone name like us-east-1a")
            if v.index(az) != i:
                raise ValueError(f"item {i}: {az} is listed twice")
        return list(v)

    @field_validator("cni_version", mode="before")
    @classmethod
    def _cni(cls, v: Any) -> Any:
        if isinstance(v, float):
            raise ValueError(f"must be a quoted string like \"1.19.2\", got the number {v!r} (YAML reads 1.10 as 1.1)")
        if not isinstance(v, str):
            raise ValueError(f"must be a string like \"1.19.2\", got {v!r}")
        try:
            parse_cni_version(v)
        except InputError:
            raise ValueError(f"{v!r} is not a VPC CNI version like 1.19.2 (or v1.19.2-eksbuild.1)") from None
        return v

    @field_validator("node_groups")
    @classmethod
    def _groups(cls, v: list[NodeGroup]) -> list[NodeGroup]:
        names: set[str] = set()
        for i, g in enumerate(v):
            if g.name in names:
                raise ValueError(f"item {i}: node group name {g.name!r} is used twice")
            names.add(g.name)
        return v

    @field_validator("suppress_rules")
    @classmethod
    def _suppress(cls, v: list[str]) -> list[str]:
        out = set()
        for i, rid in enumerate(v):
            try:
                out.add(resolve_rule_id(rid))  # a retired id means the rule it became
            except ValueError as exc:
                raise ValueError(f"item {i}: {exc}") from None
        return sorted(out)

    @model_validator(mode="after")
    def _cross(self) -> Answers:
        if not self.node_groups and self.fargate_pods == 0:
            raise _FieldError("node_groups", "at least one node group is needed unless pods run on Fargate (fargate_pods > 0)")
        if isinstance(self.availability_zones, list):
            for i, az in enumerate(self.availability_zones):
                m = _AZ.fullmatch(az)
                if m and m.group(1) != self.region:
                    raise _FieldError(f"availability_zones[{i}]", f"{az} is not in region {self.region}")
        if self.multus.needed:
            seen: list[tuple[str, Any]] = []
            for i, n in enumerate(self.multus.networks):
                net = ipaddress.IPv4Network(n.cidr, strict=False)
                for other, onet in seen:
                    if net.overlaps(onet):
                        raise _FieldError(f"multus.networks[{i}].cidr", f"Multus network {n.name} ({n.cidr}) overlaps "
                                          f"Multus network {other} ({onet}); give it a range of its own (its pods' "
                                          "addresses must be unique in the VPC and on connected networks)")
                seen.append((n.name, net))
        known = regions.region(self.region)
        asked = len(self.availability_zones) if isinstance(self.availability_zones, list) else self.availability_zones
        if known is not None and asked > known.azs:
            raise _FieldError("availability_zones", f"{asked} Availability Zones asked, but {self.region} has "
                              f"{known.azs} (AWS Regions and Availability Zones)")
        for i, s in enumerate(self.network.existing_subnets):
            m = _AZ.fullmatch(s.az)
            if m and m.group(1) != self.region:
                raise _FieldError(f"network.existing_subnets[{i}].az", f"{s.az} is not in region {self.region}")
            if isinstance(self.availability_zones, list) and s.az not in self.availability_zones:
                raise _FieldError(
                    f"network.existing_subnets[{i}].az", f"{s.az} is not one of availability_zones ({', '.join(self.availability_zones)})"
                )
        return self

    # ----------------------------------------------------------------------------- conveniences

    def az_names(self) -> list[str]:
        """AZ names: the explicit list, or the region's first N letters (a, b, c, ...)."""
        if isinstance(self.availability_zones, list):
            return list(self.availability_zones)
        return [f"{self.region}{chr(ord('a') + i)}" for i in range(self.availability_zones)]

    def instance_types(self) -> list[str]:
        """Every instance type in the answers, sorted and unique."""
        return sorted({t for g in self.node_groups for t in g.instance_types})

    def canonical_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def digest(self) -> str:
        """sha256 of the canonical JSON of the answers (the provenance's answers digest)."""
        return "sha256:" + hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


class _FieldError(ValueError):
    """A cross-field problem raised inside a model validator: ``sub`` is the path below the model."""

    def __init__(self, sub: str, message: str) -> None:
        super().__init__(message)
        self.sub = sub
        self.message = message


# ----------------------------------------------------------------------------- error translation

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _key(part: Any) -> str:
    """A key as it appears in a field path: plain keys as they are, odd ones quoted (repr)."""
    text = str(part)
    return text if _PLAIN_KEY.fullmatch(text) else repr(text[:64])


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + _key(part)
    return out or "answers"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose fields live at ``loc`` (for listing allowed keys)."""
    import typing

    model: Any = Answers
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        ann = field.annotation
        args = typing.get_args(ann)
        if typing.get_origin(ann) is list and args:
            ann = args[0]
        model = ann
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        return f"{value!r} (a string)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _field_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """pydantic appends the union/validator branch name to the loc in some cases; drop non-field parts."""
    kept: list[Any] = []
    for p in loc:
        if isinstance(p, str) and (
            (p.startswith("function-") and p.endswith("]"))
            or (p in ("int", "list[str]") and kept and kept[-1] == "availability_zones")
        ):
            continue
        kept.append(p)
    return tuple(kept)


def _value_error(loc: tuple[Any, ...], err: Mapping[str, Any]) -> tuple[str, str]:
    """A validator's own sentence: a _FieldError names a sub-field, "item N: ..." an item of a list."""
    exc = (err.get("ctx") or {}).get("error")
    if isinstance(exc, _FieldError):
        sub = exc.sub
        base = _path(loc) if loc else ""
        full = (base + ("." if base and not sub.startswith("[") else "") + sub) if base else sub
        return full, exc.message
    msg = str(exc) if exc is not None else err.get("msg", "")
    m = re.match(r"item (\d+): (.*)", msg, re.S)
    if m:
        return _path((*loc, int(m.group(1)))), m.group(2)
    return _path(loc), msg


def _unknown_key(loc: tuple[Any, ...]) -> str:
    """An unknown key, with the nearest allowed key (a typo) or the list of allowed keys."""
    import difflib

    parent = loc[:-1]
    key = str(loc[-1]) if loc else "?"
    model = _model_at(parent)
    allowed = sorted(model.model_fields) if model else []
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(allowed)}."
    where = _path(parent) if parent else "the answers"
    return f"unknown key in {where}; {hint}"


def _type_message(kind: str, value: Any) -> str | None:
    """The sentence for a value of the wrong type (None: ``kind`` is not a type error)."""
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {_describe(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number, got {_describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, got {_describe(value)}"
    if kind in ("string_type", "str_type"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"must be a string, got the number {value!r} (quote it)"
        return f"must be a string, got {_describe(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, got {_describe(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of keys to values, got {_describe(value)}"
    return None


def _constraint_message(kind: str, ctx: Mapping[str, Any], value: Any) -> str | None:
    """The sentence for a value outside its allowed values, bounds or lengths (None: not such an error)."""
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}, got {_describe(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, got {value!r}"
    if kind == "greater_than":
        return f"must be more than {ctx.get('gt')}, got {value!r}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}, got {value!r}"
    if kind == "less_than":
        return f"must be less than {ctx.get('lt')}, got {value!r}"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"must have at least {n} item{'s' if n != 1 else ''}"
    if kind == "too_long":
        n = ctx.get("max_length")
        return f"must have at most {n} items"
    return None


def _translate_one(err: Mapping[str, Any]) -> tuple[str, str]:
    """One pydantic error as (field path, one plain sentence)."""
    loc = _field_loc(tuple(err.get("loc", ())))
    kind = err.get("type", "")
    if kind == "value_error":
        return _value_error(loc, err)
    path = _path(loc)
    if kind == "extra_forbidden":
        return path, _unknown_key(loc)
    if kind == "missing":
        return path, "is required"
    value = err.get("input")
    message = _type_message(kind, value) or _constraint_message(kind, err.get("ctx") or {}, value)
    if message is not None:
        return path, message
    return path, str(err.get("msg", "is not valid")).rstrip(".")


def translate_validation_error(exc: ValidationError, prefix: str = "") -> InputError:
    """The first problem of a pydantic ValidationError as one sentence naming its field."""
    problems = []
    for err in exc.errors(include_url=False):
        path, msg = _translate_one(err)
        if prefix:
            path = f"{prefix}.{path}" if path != "answers" else prefix
        msg = msg.strip()
        if not msg.endswith((".", "?", "!")):
            msg += "."
        problems.append((path, msg))
    path, msg = problems[0]
    error = InputError(f"{path}: {msg}", field=path)
    error.problems = [f"{p}: {m}" for p, m in problems]  # type: ignore[attr-defined]
    return error


# ------------------------------------------------------------------------------------ YAML loading

def _safe_loader() -> type:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "an unknown position"


def _refuse_aliases(text: str, field: str) -> None:
    """Scan the event stream: any anchor or alias is refused before anything is composed or expanded."""
    import yaml

    documents = 0
    for event in yaml.parse(text, Loader=_safe_loader()):
        if isinstance(event, yaml.AliasEvent):
            raise InputError(
                f"{field}: YAML aliases (*{event.anchor}) are not allowed in answers files "
                f"({_mark(event.start_mark)}); write the value out in full.",
                field=field,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise InputError(
                f"{field}: YAML anchors (&{anchor}) are not allowed in answers files "
                f"({_mark(event.start_mark)}); write the value out in full.",
                field=field,
            )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise InputError(
                    f"{field}: holds more than one YAML document ({_mark(event.start_mark)}); an answers file is one mapping.",
                    field=field,
                )


def _check_duplicates(node: Any, path: str, field: str) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            child = f"{path}.{_key(key)}" if path else _key(key)
            if key in seen:
                raise InputError(
                    f"{child}: duplicate key (lines {seen[key] + 1} and {key_node.start_mark.line + 1}); keep only one.",
                    field=child,
                )
            seen[key] = key_node.start_mark.line
            _check_duplicates(value_node, child, field)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _check_duplicates(item, f"{path}[{i}]", field)


def _parse_json(text: str, field: str) -> tuple[bool, Any]:
    """(True, data) when ``text`` is JSON (tabs and all, which YAML refuses), else (False, None)."""
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise InputError(f"{field}: duplicate key {key!r} in the JSON; keep only one.", field=field)
            out[key] = value
        return out

    try:
        return True, json.loads(text, object_pairs_hook=pairs)
    except (json.JSONDecodeError, RecursionError):
        return False, None


def parse_answers_text(text: str, field: str = "FILE") -> Any:
    """YAML (or JSON) text -> plain data, refusing anchors/aliases, duplicate keys and several documents."""
    import yaml

    if text.lstrip().startswith("{"):
        is_json, data = _parse_json(text, field)
        if is_json:
            return data
    try:
        _refuse_aliases(text, field)
        loader = _safe_loader()(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_duplicates(node, "", field)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        where = _mark(exc.problem_mark or exc.context_mark)
        problem = (exc.problem or exc.context or "syntax error").rstrip(".")
        raise InputError(f"{field}: not valid YAML at {where}: {problem}.", field=field) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{field}: not valid YAML ({exc}).", field=field) from None
    except RecursionError:
        raise InputError(f"{field}: the YAML nests too deeply.", field=field) from None


def _read_file(path: Path, field: str) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{field}: {str(path)!r} does not exist.", field=field) from None
    except OSError as exc:
        raise InputError(f"{field}: cannot read {str(path)!r} ({exc.strerror or exc}).", field=field) from None
    if path.is_dir():
        raise InputError(f"{field}: {str(path)!r} is a directory, not an answers file.", field=field)
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{field}: {str(path)!r} is {size} bytes, over the 1 MiB limit for an answers file.", field=field
        )
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise InputError(f"{field}: cannot read {str(path)!r} ({exc.strerror or exc}).", field=field) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{field}: {str(path)!r} is over the 1 MiB limit for an answers file.", field=field)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{field}: {str(path)!r} is not UTF-8 text (byte {exc.start}).", field=field) from None


def validate_answers(data: Any, field: str = "answers") -> Answers:
    """Plain data (already parsed) -> Answers, or one InputError sentence."""
    if data is None:
        raise InputError(f"{field}: the answers are empty; expected a mapping such as 'version: 1'.", field=field)
    if not isinstance(data, dict):
        raise InputError(f"{field}: expected a mapping of answers at the top level, got {_describe(data)}.", field=field)
    for key in data:
        if not isinstance(key, str):
            raise InputError(f"{field}: key {key!r} is not a string.", field=field)
    if "version" in data and data["version"] != FORMAT_VERSION and not isinstance(data["version"], bool):
        raise InputError(
            f"version: {data['version']!r} is not a supported answers format version; this eksadvisor reads version {FORMAT_VERSION}.",
            field="version",
        )
    try:
        return Answers.model_validate(data)
    except ValidationError as exc:
        raise translate_validation_error(exc) from None


def load_answers(source: Answers | Mapping[str, Any] | str | Path) -> Answers:
    """Answers from a model (returned as is), a mapping, a YAML/JSON file path, or YAML/JSON text.

    A string is a file path unless it holds a newline, in which case it is the answers text itself.
    """
    if isinstance(source, Answers):
        return source
    if isinstance(source, Mapping):
        return validate_answers(dict(source))
    if isinstance(source, str) and "\n" in source:  # YAML/JSON text (a path never holds a newline)
        if len(source.encode("utf-8")) > MAX_FILE_BYTES:
            raise InputError("answers: the text is over the 1 MiB limit for an answers file.", field="answers")
        data = parse_answers_text(source, "answers")
        if data is None:
            raise InputError("answers: the text is empty; expected a mapping such as 'version: 1'.", field="answers")
        return validate_answers(data)
    if isinstance(source, (str, Path)):
        path = Path(source)
        text = _read_file(path, "FILE")
        data = parse_answers_text(text, "FILE")
        if data is None:
            raise InputError(f"FILE: {str(path)!r} is empty; expected a mapping such as 'version: 1'.", field="FILE")
        if not isinstance(data, dict):
            raise InputError(f"FILE: {str(path)!r} must hold a mapping of answers at the top level, not {_describe(data)}.", field="FILE")
        return validate_answers(data)
    raise InputError(f"answers: expected a mapping, a file path or Answers, got {type(source).__name__}.", field="answers")


def answers_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the answers format (what ``eksadvisor schema`` prints).

    The schema checks shapes, types, enums and bounds; rules that need code (CIDR syntax and overlaps,
    instance types in the catalog, max_nodes >= desired_nodes, EKS name rules) are checked by
    :func:`load_answers`, which is the authority.
    """
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:eksadvisor:answers:v1"}
    schema.update(Answers.model_json_schema())
    return schema
