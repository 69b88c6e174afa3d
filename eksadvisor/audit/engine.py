"""Audit an existing cluster: what its settings are, what is wrong or running out, and the way to the recommendation.

Every figure comes from an engine formula: free /28 blocks from :func:`eksadvisor.addressing.prefixready.analyse` (the
``subnet_frag`` measure: a block is free when no address in it is in use, AWS-reserved or explicitly reserved
[FRG]), per-node subnet cost from :func:`eksadvisor.model.ipam.node_usage` (the ipamd model; Windows:
:func:`eksadvisor.model.winipam.windows_node_usage`), max pods from :mod:`eksadvisor.model.maxpods`, and the
recommendation from :func:`eksadvisor.decide.advisor.advise` on answers derived from the live state.
"""

from __future__ import annotations

import re
import shlex
import socket
from collections import Counter, defaultdict
from ipaddress import IPv4Network
from typing import Any

from eksadvisor.addressing.cidr import PREFIX_SIZE, usable_ips
from eksadvisor.audit.bundle import ABSENCE, Bundle
from eksadvisor.audit.model import (
    AuditResult,
    Change,
    CurrentSettings,
    Finding,
    ForecastRow,
    NodeGroupAudit,
    Setting,
    SubnetAudit,
)
from eksadvisor.errors import InputError

#: A managed node group update adds up to two nodes per AZ (EKS "Understand each phase of node updates", the
#: same surge :func:`eksadvisor.model.ipam.cluster_usage` models): a node or pod subnet that cannot take two more nodes
#: of a group cannot carry that group through an update.
SURGE_NODES = 2
#: EKS needs at least 6 free addresses in each cluster subnet (AWS recommends 16). [EKS-NETREQ]
CLUSTER_SUBNET_MIN_FREE = 6

#: aws-node container env defaults (the shipped manifest / add-on; "" = not set). [CNI-README]
ENV_DEFAULTS = {
    "AWS_VPC_ENI_MTU": "9001",
    "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "false",
    "AWS_VPC_K8S_CNI_EXTERNALSNAT": "false",
    "ENABLE_IPv4": "true",
    "ENABLE_IPv6": "false",
    "ENABLE_POD_ENI": "false",
    "ENABLE_PREFIX_DELEGATION": "false",
    "ENI_CONFIG_ANNOTATION_DEF": "k8s.amazonaws.com/eniConfig",
    "ENI_CONFIG_LABEL_DEF": "k8s.amazonaws.com/eniConfig",
    "MAX_ENI": "",
    "MINIMUM_IP_TARGET": "",
    "POD_SECURITY_GROUP_ENFORCING_MODE": "strict",
    "WARM_ENI_TARGET": "1",
    "WARM_IP_TARGET": "",
    "WARM_PREFIX_TARGET": "1",
}
INIT_DEFAULTS = {"DISABLE_TCP_EARLY_DEMUX": "false"}

GROUP_LABELS = (
    ("eks.amazonaws.com/nodegroup", "EKS managed node group label eks.amazonaws.com/nodegroup"),
    ("karpenter.sh/nodepool", "Karpenter label karpenter.sh/nodepool"),
    ("alpha.eksctl.io/nodegroup-name", "eksctl label alpha.eksctl.io/nodegroup-name"),
)
_NAME_BAD = re.compile(r"[^A-Za-z0-9_-]+")
_TAG = re.compile(r":(v?\d+\.\d+(?:\.\d+)?(?:-eksbuild\.\d+)?)$")


def _true(value: str) -> bool:
    return value.strip().lower() == "true"


def _int_env(env: dict[str, Setting], key: str) -> int | None:
    s = env[key]
    if s.value.strip() == "":
        return None
    try:
        v = int(s.value.strip())
    except ValueError:
        where = "addon.json (configurationValues)" if s.source == "addon" else "aws-node.json"
        raise InputError(f"{where}: {key}={s.value!r} is not a whole number.", field=key) from None
    if v < 0:
        where = "addon.json (configurationValues)" if s.source == "addon" else "aws-node.json"
        raise InputError(f"{where}: {key}={v} must not be negative.", field=key)
    return v


# ---------------------------------------------------------------------------------------- settings
def _container(ds: dict[str, Any], name: str, init: bool = False) -> dict[str, Any] | None:
    spec = ds["spec"]["template"]["spec"]
    for c in spec.get("initContainers" if init else "containers") or []:
        if isinstance(c, dict) and c.get("name") == name:
            return c
    return None


def _env_of(container: dict[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in (container or {}).get("env") or []:
        if isinstance(e, dict) and isinstance(e.get("name"), str) and "value" in e:
            out[e["name"]] = str(e["value"])
    return out


def _addon_config(addon: dict[str, Any] | None) -> dict[str, Any]:
    raw = (addon or {}).get("configurationValues")
    if not raw:
        return {}
    import yaml

    try:
        doc = yaml.safe_load(raw) if isinstance(raw, str) else raw
    except yaml.YAMLError:
        raise InputError("addon.json: addon.configurationValues is not valid JSON or YAML.", field="addon.json") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError("addon.json: addon.configurationValues must be an object such as {\"env\": {...}}.", field="addon.json")
    return doc


def current_settings(b: Bundle) -> CurrentSettings:
    from eksadvisor.versions import parse_cni_version

    ds_env = _env_of(_container(b.aws_node, "aws-node"))
    ds_init = _env_of(_container(b.aws_node, "aws-vpc-cni-init", init=True))
    cfg = _addon_config(b.addon)
    add_env = {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in (cfg.get("env") or {}).items()}
    add_init = {str(k): str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in ((cfg.get("init") or {}).get("env") or {}).items()}

    def merge(defaults: dict[str, str], ds: dict[str, str], add: dict[str, str]) -> dict[str, Setting]:
        out: dict[str, Setting] = {}
        for k in sorted({*defaults, *ds, *add}):
            if k in add:
                out[k] = Setting(value=add[k], source="addon")
            elif k in ds:
                out[k] = Setting(value=ds[k], source="daemonset")
            else:
                out[k] = Setting(value=defaults[k], source="default")
        return out

    env = merge(ENV_DEFAULTS, ds_env, add_env)
    init_env = merge(INIT_DEFAULTS, ds_init, add_init)
    cluster = b.cluster
    knc = cluster.get("kubernetesNetworkConfig") or {}
    ip_family = "ipv6" if str(knc.get("ipFamily", "ipv4")).lower() == "ipv6" or _true(env["ENABLE_IPv6"].value) else "ipv4"
    # CNI version: the add-on's version, else the aws-node image tag
    version, source = None, ""
    if b.addon and isinstance(b.addon.get("addonVersion"), str):
        version, source = b.addon["addonVersion"], "addon.json addonVersion"
    else:
        image = str((_container(b.aws_node, "aws-node") or {}).get("image", ""))
        m = _TAG.search(image)
        if m:
            version, source = m.group(1), "aws-node image tag"
    if version is None:
        raise InputError("aws-node.json: the aws-node image has no version tag (like :v1.19.2-eksbuild.1) and there is "
                         "no addon.json to read the VPC CNI version from.", field="aws-node.json")
    major, minor, patch = parse_cni_version(version, field="cni_version")
    rvc = cluster["resourcesVpcConfig"]
    public, private = bool(rvc.get("endpointPublicAccess", True)), bool(rvc.get("endpointPrivateAccess", False))
    endpoint = "public_private" if public and private else "private" if private else "public"
    if b.addon is not None:
        if b.addon.get("serviceAccountRoleArn"):
            role = "service_account_role"
        elif b.addon.get("podIdentityAssociations"):
            role = "pod_identity"
        else:
            role = "node_role"
    else:
        role = "unknown" if b.addon_unknown else "node_role"
    managed = None if b.addon_unknown else b.addon is not None
    prefix = _true(env["ENABLE_PREFIX_DELEGATION"].value) and ip_family == "ipv4"
    return CurrentSettings(
        env=env, init_env=init_env, address_mode="prefix" if prefix or ip_family == "ipv6" else "secondary_ip",
        custom_networking=_true(env["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"].value), sgp=_true(env["ENABLE_POD_ENI"].value),
        ip_family=ip_family, cni_version=f"{major}.{minor}.{patch}", cni_version_source=source, endpoint_access=endpoint,
        managed_addon=managed, addon_version=(b.addon or {}).get("addonVersion"), cni_role=role,
        kubernetes_version=cluster.get("version"))


# ------------------------------------------------------------------------------------------ subnets
def _ip_int(text: str) -> int:
    return int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")


def _cidr_range(text: str, where: str) -> tuple[int, int]:
    try:
        net = IPv4Network(text, strict=False)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not an IPv4 CIDR.", field=where) from None
    return int(net.network_address), int(net.broadcast_address)


class _SubnetState:
    __slots__ = ("addrs", "az", "enis", "explicit", "net", "prefix_resv", "ranges", "raw", "sid")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.sid: str = raw["SubnetId"]
        try:
            self.net = IPv4Network(raw["CidrBlock"])
        except ValueError:
            raise InputError(f"subnets.json: {self.sid} CidrBlock {raw['CidrBlock']!r} is not an IPv4 CIDR.",
                             field="subnets.json") from None
        self.az: str = raw["AvailabilityZone"]
        self.addrs: list[int] = []
        self.ranges: list[tuple[int, int]] = []
        self.enis = 0
        self.explicit: list[tuple[int, int]] = []
        self.prefix_resv: list[tuple[int, int]] = []


def _collect_addresses(b: Bundle) -> tuple[dict[str, _SubnetState], dict[str, dict[str, Any]]]:
    """Per subnet: every in-use address and prefix; per instance id: its ENIs (primary first)."""
    states = {s["SubnetId"]: _SubnetState(s) for s in b.subnets}
    by_instance: dict[str, dict[str, Any]] = defaultdict(lambda: {"primary": None, "enis": []})
    pton, af, from_bytes = socket.inet_pton, socket.AF_INET, int.from_bytes
    for i, e in enumerate(b.enis):
        st = states[e["SubnetId"]]
        st.enis += 1
        addrs = st.addrs
        ips = e.get("PrivateIpAddresses")
        try:
            if ips:
                addrs.extend([from_bytes(pton(af, p["PrivateIpAddress"]), "big") for p in ips])
            elif isinstance(e.get("PrivateIpAddress"), str):
                addrs.append(from_bytes(pton(af, e["PrivateIpAddress"]), "big"))
        except (OSError, TypeError, KeyError):
            raise InputError(f"network-interfaces.json: NetworkInterfaces[{i}] ({e['NetworkInterfaceId']}) has a private "
                             "address that is not an IPv4 address.", field="network-interfaces.json") from None
        for j, p in enumerate(e.get("Ipv4Prefixes") or ()):
            text = p.get("Ipv4Prefix") if isinstance(p, dict) else None
            if not isinstance(text, str):
                raise InputError(f"network-interfaces.json: NetworkInterfaces[{i}].Ipv4Prefixes[{j}].Ipv4Prefix is missing.",
                                 field="network-interfaces.json")
            st.ranges.append(_cidr_range(text, "network-interfaces.json"))
        att = e.get("Attachment")
        iid = att.get("InstanceId") if att else None
        if isinstance(iid, str):
            entry = by_instance[iid]
            entry["enis"].append(e)
            if att.get("DeviceIndex") == 0 and att.get("NetworkCardIndex", 0) == 0:
                entry["primary"] = e
    for sid, items in (b.reservations or {}).items():
        for r in items:
            rng = _cidr_range(r["Cidr"], f"subnet-cidr-reservations/{sid}.json")
            (states[sid].explicit if r["ReservationType"] == "explicit" else states[sid].prefix_resv).append(rng)
    return states, by_instance


def analyse_subnet(net: IPv4Network, addrs: list[int], ranges: list[tuple[int, int]], explicit: list[tuple[int, int]],
                   prefix_resv: list[tuple[int, int]] = ()) -> tuple[int, int, int, int, int]:  # type: ignore[assignment]
    """(free_ips, free_prefixes, free_prefixes_in_prefix_reservations, stranded, used) of one subnet.

    In-use addresses and prefixes plus explicit reservations are "used" for both counts; AWS's five reserved
    addresses are never free; a /28 is free when none of its 16 addresses is used (prefixready.analyse).
    Prefix reservations stay free for prefixes (that is what they are for).
    """
    from eksadvisor.addressing.prefixready import UsedSet, analyse, block_counts, merge_ranges

    lo_s, hi_s = int(net.network_address), int(net.broadcast_address)
    raw = [(max(a, lo_s), min(b, hi_s)) for a, b in (*ranges, *explicit) if b >= lo_s and a <= hi_s]
    merged = merge_ranges(raw)
    singles = sorted(set(addrs))
    if merged:
        from bisect import bisect_right

        starts = [lo for lo, _ in merged]
        singles = [v for v in singles if (i := bisect_right(starts, v) - 1) < 0 or v > merged[i][1]]
    bad = [v for v in singles[:1] + singles[-1:] if v < lo_s or v > hi_s]
    if bad:
        raise InputError(f"network-interfaces.json: address {socket.inet_ntoa(bad[0].to_bytes(4, 'big'))} is outside its "
                         f"subnet {net}.", field="network-interfaces.json")
    used = UsedSet(singles, merged)
    pr = analyse(net, used)
    in_resv = 0
    if prefix_resv and pr.total_blocks:
        counts = block_counts(net, used)
        base = lo_s
        free_idx = {i for i, c in enumerate(counts) if c == 0 and 0 < i < len(counts) - 1}
        seen: set[int] = set()
        for a, b in prefix_resv:
            for i in range((a - base) // PREFIX_SIZE, (b - base) // PREFIX_SIZE + 1):
                if i in free_idx and i not in seen:
                    seen.add(i)
        in_resv = len(seen)
    return pr.free_addresses, pr.free_blocks, in_resv, pr.stranded_addresses, pr.used_addresses


# -------------------------------------------------------------------------------------------- nodes
def _labels(n: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in ((n.get("metadata") or {}).get("labels") or {}).items()}


def _group_name(labels: dict[str, str], os_: str, itype: str) -> tuple[str, str]:
    for key, why in GROUP_LABELS:
        if labels.get(key):
            name = _NAME_BAD.sub("-", labels[key]).strip("-_")[:63] or "group"
            if not name[0].isalnum():
                name = "g" + name[:62]
            return name, why
    name = _NAME_BAD.sub("-", f"{os_}-{itype}")[:63]
    return name, "no node group label: grouped by OS and instance type"


class _Node:
    __slots__ = (
        "annotations",
        "az",
        "capacity",
        "eniconfig",
        "fargate",
        "group",
        "group_source",
        "instance_id",
        "ip",
        "itype",
        "labels",
        "name",
        "os",
        "pods",
        "subnet",
    )


def _nodes(b: Bundle, catalog: Any) -> list[_Node]:
    from eksadvisor.errors import UnknownInstanceType

    out = []
    for i, n in enumerate(b.nodes):
        labels = _labels(n)
        meta = n.get("metadata") or {}
        x = _Node()
        x.name = meta["name"]
        x.labels = labels
        x.annotations = {str(k): str(v) for k, v in (meta.get("annotations") or {}).items()}
        x.fargate = labels.get("eks.amazonaws.com/compute-type") == "fargate"
        raw_type = labels.get("node.kubernetes.io/instance-type") or labels.get("beta.kubernetes.io/instance-type")
        x.os = "windows" if (labels.get("kubernetes.io/os") or labels.get("beta.kubernetes.io/os")) == "windows" else "linux"
        x.az = labels.get("topology.kubernetes.io/zone") or labels.get("failure-domain.beta.kubernetes.io/zone") or ""
        cap = ((n.get("status") or {}).get("capacity") or {}).get("pods")
        try:
            x.capacity = int(str(cap)) if cap is not None else None
        except ValueError:
            raise InputError(f"nodes.json: items[{i}] ({x.name}) status.capacity.pods {cap!r} is not a number.",
                             field="nodes.json") from None
        pid = str((n.get("spec") or {}).get("providerID") or "")
        x.instance_id = pid.rsplit("/", 1)[-1] if pid.startswith("aws://") else None
        x.ip = next((a.get("address") for a in ((n.get("status") or {}).get("addresses") or [])
                     if isinstance(a, dict) and a.get("type") == "InternalIP" and ":" not in str(a.get("address"))), None)
        x.pods = None
        x.subnet = None
        x.eniconfig = None
        if x.fargate:
            x.itype, x.group, x.group_source = "", "", ""
            out.append(x)
            continue
        if not raw_type:
            raise InputError(f"nodes.json: items[{i}] ({x.name}) has no node.kubernetes.io/instance-type label.",
                             field="nodes.json")
        try:
            x.itype = catalog.get(raw_type, field_name="nodes.json").instance_type
        except UnknownInstanceType as exc:
            raise InputError(f"nodes.json: node {x.name}: {str(exc).split(': ', 1)[-1]}", field="nodes.json") from None
        x.group, x.group_source = _group_name(labels, x.os, x.itype)
        out.append(x)
    return out


def _pods_per_node(b: Bundle) -> dict[str, int]:
    counts: Counter[str] = Counter()
    done = ("Succeeded", "Failed")
    for p in b.pods or ():
        spec = p.get("spec")
        if not spec or spec.get("hostNetwork"):
            continue
        node = spec.get("nodeName")
        if node and (p.get("status") or {}).get("phase") not in done:
            counts[node] += 1
    return counts


# ------------------------------------------------------------------------------------------ helpers
def _rule(rule_id: str, params: dict[str, Any], evidence: dict[str, Any], severity: str | None = None) -> Finding:
    from eksadvisor.decide.rules import fill_template, load_rules

    rule = next(r for r in load_rules() if r.id == rule_id)
    msg = fill_template(rule.message, params)
    if rule.status and rule.status not in msg:
        msg = f"[{rule.status}] {msg}"
    return Finding(id=rule.id, severity=severity or rule.severity, message=msg,  # type: ignore[arg-type]
                   remediation=fill_template(rule.remediation, params), source=rule.source, evidence=evidence)


def _warm(env: dict[str, Setting]) -> Any:
    from eksadvisor.model.ipam import WarmSettings

    def num(key: str, unset: int) -> int:
        v = _int_env(env, key)
        return unset if v is None else v

    return WarmSettings(warm_eni_target=num("WARM_ENI_TARGET", 1), warm_ip_target=num("WARM_IP_TARGET", 0),
                        minimum_ip_target=num("MINIMUM_IP_TARGET", 0), warm_prefix_target=num("WARM_PREFIX_TARGET", 1))


def _warm_from_strings(settings: dict[str, str]) -> Any:
    from eksadvisor.model.ipam import WarmSettings

    def num(k: str, d: int) -> int:
        v = str(settings.get(k, "")).strip()
        return int(v) if v.isdigit() else d

    return WarmSettings(warm_eni_target=num("WARM_ENI_TARGET", 1), warm_ip_target=num("WARM_IP_TARGET", 0),
                        minimum_ip_target=num("MINIMUM_IP_TARGET", 0), warm_prefix_target=num("WARM_PREFIX_TARGET", 1))


def _cost(usage: Any, role: str, custom: bool, prefix: bool, ipv6: bool) -> tuple[int, int]:
    """(subnet addresses, /28 prefixes) one more node takes from a subnet of this role."""
    if ipv6:
        return (1, 0) if role == "node" else (0, 0)  # one IPv4 primary address; pods use a /80 IPv6 prefix
    if usage.os == "windows":
        return (usage.range.node_subnet_addresses.max, 0) if role == "node" else (0, 0)
    if role == "node":
        return usage.range.node_subnet_addresses.max, (usage.range.prefixes.max if prefix and not custom else 0)
    if role == "pod":
        return usage.range.pod_subnet_addresses.max, (usage.range.prefixes.max if prefix and custom else 0)
    return 0, 0


def _fit(free_ips: int, free_prefixes: int, cost: tuple[int, int]) -> int | None:
    """Nodes that fit: addresses for each, and whole free /28s for its prefixes (best case: single addresses taken
    from outside free /28s first). None when the subnet gives the node nothing."""
    ips, pfx = cost
    if ips <= 0:
        return None
    n = free_ips // ips
    if pfx:
        n = min(n, free_prefixes // pfx)
    return n


def _sorted_unique(items: Any) -> list[Any]:
    return sorted(set(items))


# -------------------------------------------------------------------------------------------- audit
def audit_bundle(b: Bundle, *, catalog: Any = None) -> AuditResult:
    """The audit of one bundle (see :mod:`eksadvisor.audit`)."""
    from eksadvisor.catalog import load_catalog
    from eksadvisor.model.ipam import node_usage
    from eksadvisor.model.maxpods import compute as maxpods_compute
    from eksadvisor.model.maxpods import ipv6_max_pods, windows_max_pods

    catalog = catalog or load_catalog()
    cs = current_settings(b)
    env = cs.env
    ipv6 = cs.ip_family == "ipv6"
    prefix = cs.address_mode == "prefix" and not ipv6
    custom = cs.custom_networking
    max_eni = _int_env(env, "MAX_ENI")
    if max_eni == 0:
        raise InputError("aws-node.json: MAX_ENI=0 leaves no ENI for pods.", field="MAX_ENI")
    warm = _warm(env)
    cluster = b.cluster
    name = str(cluster["name"])
    arn = str(cluster.get("arn") or "")
    region = arn.split(":")[3] if arn.count(":") >= 5 else getattr(b, "region", "") or ""
    if not region:
        azs = {s["AvailabilityZone"] for s in b.subnets}
        region = re.sub(r"[a-z]$", "", sorted(azs)[0])
    states, by_instance = _collect_addresses(b)
    nodes = _nodes(b, catalog)
    pods = _pods_per_node(b) if b.pods is not None else None
    cluster_subnets = set(cluster["resourcesVpcConfig"].get("subnetIds") or [])
    limitations = [ABSENCE[k] for k in b.absent if k in ABSENCE]
    notes: list[str] = list(b.notes)

    # ---- ENIConfigs
    eniconfigs: dict[str, str] = {}
    for i, ec in enumerate(b.eniconfigs or []):
        ecname = (ec.get("metadata") or {}).get("name")
        sub = (ec.get("spec") or {}).get("subnet")
        if isinstance(ecname, str) and isinstance(sub, str):
            eniconfigs[ecname] = sub
    label_def = env["ENI_CONFIG_LABEL_DEF"].value
    annot_def = env["ENI_CONFIG_ANNOTATION_DEF"].value

    # ---- nodes -> subnets, pods, ENIConfig
    for x in nodes:
        if x.fargate:
            continue
        eni = by_instance.get(x.instance_id or "", {}).get("primary") if x.instance_id else None
        if eni is not None:
            x.subnet = eni["SubnetId"]
        elif x.ip:
            ip = _ip_int(x.ip)
            x.subnet = next((sid for sid, st in states.items()
                             if int(st.net.network_address) <= ip <= int(st.net.broadcast_address)), None)
        if not x.az and x.subnet:
            x.az = states[x.subnet].az
        if pods is not None:
            x.pods = pods.get(x.name, 0)
        if custom and x.os == "linux":
            x.eniconfig = x.annotations.get(annot_def) or x.labels.get(label_def)

    # ---- groups
    groups: dict[str, list[_Node]] = defaultdict(list)
    for x in nodes:
        if not x.fargate:
            groups[x.group].append(x)
    cni = cs.cni_version

    def expected_max_pods(itype_name: str, os_: str) -> tuple[int, int]:
        """(recommended, raw ceiling) for the type in the running mode."""
        it = catalog.get(itype_name)
        if os_ == "windows":
            v = windows_max_pods(it)
            return v, v
        if ipv6:
            r6 = ipv6_max_pods(it)
            return r6.recommended_max_pods, r6.formula_max_pods
        r = maxpods_compute(it, cni, prefix_delegation=prefix, custom_networking=custom, max_eni=max_eni)
        return r.recommended_max_pods, r.raw_max_pods

    usage_now: dict[str, Any] = {}
    group_out: list[NodeGroupAudit] = []
    group_types: dict[str, str] = {}
    group_pods: dict[str, int] = {}
    for gname in sorted(groups):
        members = groups[gname]
        types = Counter(x.itype for x in members)
        rep = sorted(types.items(), key=lambda t: (-t[1], t[0]))[0][0]
        os_ = members[0].os
        exp, raw = expected_max_pods(rep, os_)
        caps = sorted({x.capacity for x in members if x.capacity is not None})
        running_max = min(caps) if caps else exp
        if pods is not None:
            ppn = max((x.pods or 0) for x in members)
            psrc = "most non-host-network pods on one node of the group (pods.json)"
        else:
            ppn = max(min(running_max, raw) - 2, 0)
            psrc = "assumed full: max-pods less the two host-network pods (no pods.json)"
        ppn = min(ppn, 1000)
        group_types[gname], group_pods[gname] = rep, ppn
        if ipv6:
            usage = None
            per_node = {"node_subnet_addresses": 1, "pod_subnet_addresses": 0, "prefixes": 0,
                        "ipv6": "one /80 IPv6 prefix on the primary ENI; pods take no IPv4 subnet address"}
        elif os_ == "windows":
            from eksadvisor.model.winipam import windows_node_usage

            usage = windows_node_usage(rep, ppn, catalog=catalog)
        else:
            usage = node_usage(rep, ppn, prefix_delegation=prefix, custom_networking=custom, warm=warm,
                               max_pods=running_max, max_eni=max_eni, sgp=cs.sgp, catalog=catalog, cni_version=cni)
        if usage is not None:
            per_node = {"enis": usage.enis, "secondary_ips": usage.secondary_ips, "prefixes": usage.prefixes,
                        "free_ips": usage.free_ips, "node_subnet_addresses": usage.range.node_subnet_addresses.max,
                        "pod_subnet_addresses": usage.range.pod_subnet_addresses.max, "mode": usage.mode,
                        "warm": usage.settings.label() if usage.settings else "Windows: VPC resource controller pool"}
        usage_now[gname] = usage
        group_out.append(NodeGroupAudit(
            name=gname, name_source=members[0].group_source, os=os_, instance_types=sorted(types), nodes=len(members),
            azs=_sorted_unique(x.az for x in members if x.az), pods_per_node=ppn, pods_source=psrc,
            max_pods_capacity=caps, max_pods_expected=exp, per_node=per_node,
            subnets=_sorted_unique(x.subnet for x in members if x.subnet)))

    # ---- subnet roles
    node_subnets: dict[str, set[str]] = defaultdict(set)  # subnet -> groups with nodes there
    node_count: Counter[str] = Counter()
    pod_subnets: dict[str, set[str]] = defaultdict(set)
    for x in nodes:
        if x.fargate or not x.subnet:
            continue
        node_subnets[x.subnet].add(x.group)
        node_count[x.subnet] += 1
        if custom and x.eniconfig and eniconfigs.get(x.eniconfig) in states:
            pod_subnets[eniconfigs[x.eniconfig]].add(x.group)
    eniconfig_subnets = set(eniconfigs.values())

    subnets_out: list[SubnetAudit] = []
    for sid in sorted(states, key=lambda s: (states[s].az, int(states[s].net.network_address))):
        st = states[sid]
        roles, why = [], []
        if sid in eniconfig_subnets:
            roles.append("pod")
            why.append("named by an ENIConfig")
        if sid in node_subnets:
            roles.append("node")
            why.append(f"holds the primary ENI of {node_count[sid]} node(s)")
        if sid in cluster_subnets:
            roles.append("cluster")
            why.append("listed in the cluster's resourcesVpcConfig.subnetIds")
        tags = {t.get("Key"): t.get("Value") for t in st.raw.get("Tags") or [] if isinstance(t, dict)}
        if st.raw.get("MapPublicIpOnLaunch") or tags.get("kubernetes.io/role/elb") == "1":
            roles.append("public")
            why.append("MapPublicIpOnLaunch is on" if st.raw.get("MapPublicIpOnLaunch") else "tagged kubernetes.io/role/elb=1")
        role = roles[0] if roles else "unused"
        if not roles:
            why.append("no node, pod, cluster or public use found")
        free_ips, free_pfx, in_resv, stranded, used = analyse_subnet(st.net, st.addrs, st.ranges, st.explicit, st.prefix_resv)
        ipv6_cidr = next((a.get("Ipv6CidrBlock") for a in st.raw.get("Ipv6CidrBlockAssociationSet") or []
                          if isinstance(a, dict) and (a.get("Ipv6CidrBlockState") or {}).get("State", "associated")
                          == "associated"), None)
        fits: dict[str, int] = {}
        for g in sorted(node_subnets.get(sid, set())):
            f = _fit(free_ips, free_pfx, _cost(usage_now[g], "node", custom, prefix, ipv6) if usage_now[g] or ipv6
                     else (1, 0))
            if f is not None:
                fits[g] = f
        for g in sorted(pod_subnets.get(sid, set())):
            if usage_now[g] is None:
                continue
            f = _fit(free_ips, free_pfx, _cost(usage_now[g], "pod", custom, prefix, ipv6))
            if f is not None:
                fits[g] = min(fits.get(g, f), f)
        resv = [{"cidr": r["Cidr"], "type": r["ReservationType"]} for r in (b.reservations or {}).get(sid, [])]
        avail = st.raw.get("AvailableIpAddressCount")
        sa = SubnetAudit(
            subnet_id=sid, cidr=str(st.net), az=st.az, role=role, roles=roles, role_reason="; ".join(why),  # type: ignore[arg-type]
            usable_ips=usable_ips(st.net), free_ips=free_ips, free_prefixes=free_pfx,
            free_prefixes_in_prefix_reservations=in_resv, stranded_ips=stranded,
            aws_available_ip_address_count=avail if isinstance(avail, int) else None, used_ips=used, enis=st.enis,
            reservations=sorted(resv, key=lambda r: (r["cidr"], r["type"])), ipv6_cidr=ipv6_cidr,
            nodes=node_count[sid], nodes_that_fit=fits)
        subnets_out.append(sa)

    # ---- findings
    findings: list[Finding] = []
    for sa in subnets_out:
        if "cluster" in sa.roles and sa.free_ips < CLUSTER_SUBNET_MIN_FREE:
            findings.append(_rule("audit-subnet-nearly-exhausted", {
                "subnet": sa.subnet_id, "cidr": sa.cidr, "az": sa.az, "free": sa.free_ips,
                "detail": f"EKS needs at least {CLUSTER_SUBNET_MIN_FREE} free addresses in each cluster subnet (AWS "
                          "recommends 16) for its cross-account ENIs"},
                {"subnet_id": sa.subnet_id, "az": sa.az, "role": "cluster", "free_ips": sa.free_ips}, severity="critical"))
            continue
        short = {g: n for g, n in sa.nodes_that_fit.items() if n < SURGE_NODES}
        if short:
            worst = min(short.values())
            findings.append(_rule("audit-subnet-nearly-exhausted", {
                "subnet": sa.subnet_id, "cidr": sa.cidr, "az": sa.az, "free": sa.free_ips,
                "detail": "; ".join(f"group {g} fits {n} more node(s)" for g, n in sorted(short.items()))
                          + f", fewer than the {SURGE_NODES} a managed node group update adds per AZ"},
                {"subnet_id": sa.subnet_id, "az": sa.az, "role": sa.role, "free_ips": sa.free_ips,
                 "free_prefixes": sa.free_prefixes, "nodes_that_fit": short},
                severity="critical" if worst == 0 else "warning"))
    if prefix:
        for sa in subnets_out:
            carved = sorted(pod_subnets.get(sa.subnet_id, set())) if custom else sorted(node_subnets.get(sa.subnet_id, set()))
            role = "pod" if custom else "node"
            need = 0
            parts = []
            for g in carved:
                u = usage_now[g]
                if u is None or u.os == "windows":
                    continue
                p = _cost(u, role, custom, prefix, ipv6)[1]
                if p:
                    need += SURGE_NODES * p
                    parts.append(f"{SURGE_NODES} more {g} node(s) x {p} /28")
            if need and sa.free_prefixes < need:
                findings.append(_rule("audit-prefix-fragmented", {
                    "subnet": sa.subnet_id, "cidr": sa.cidr, "az": sa.az, "free": sa.free_ips,
                    "free_prefixes": sa.free_prefixes, "need": need, "detail": ", ".join(parts)},
                    {"subnet_id": sa.subnet_id, "az": sa.az, "free_ips": sa.free_ips, "free_prefixes": sa.free_prefixes,
                     "prefixes_needed": need, "stranded_ips": sa.stranded_ips}))
    if custom:
        if b.eniconfigs is None:
            notes.append("Custom networking is on but eniconfigs.json is absent: ENIConfigs were not checked.")
        else:
            missing: dict[str, list[str]] = defaultdict(list)
            wanted: dict[str, set[str]] = defaultdict(set)
            for x in nodes:
                if x.fargate or x.os != "linux":
                    continue
                if not x.eniconfig or x.eniconfig not in eniconfigs:
                    missing[x.az or "(unknown AZ)"].append(x.name)
                    wanted[x.az or "(unknown AZ)"].add(x.eniconfig or "")
            for az in sorted(missing):
                names = sorted(missing[az])
                selected = sorted(w for w in wanted[az] if w)
                findings.append(_rule("audit-eniconfig-missing", {
                    "az": az, "count": len(names), "nodes": ", ".join(names[:5]) + (" ..." if len(names) > 5 else ""),
                    "selected": ", ".join(selected) if selected else f"none (no {label_def} label or {annot_def} annotation)",
                    "label": label_def},
                    {"az": az, "nodes": names[:20], "eniconfig_names": selected, "eniconfigs": sorted(eniconfigs)}))
    mismatch: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    for x in nodes:
        if not x.fargate and x.capacity is not None:
            mismatch[(x.itype, x.os, x.capacity)].append(x.name)
    mode_text = "IPv6" if ipv6 else \
        ("prefix delegation" if prefix else "secondary IP") + (" with custom networking" if custom else "")
    for (itype, os_, capv), names in sorted(mismatch.items()):
        exp, raw = expected_max_pods(itype, os_)
        mode = "Windows (one ENI)" if os_ == "windows" else mode_text
        if capv > raw:
            sev, effect = "critical", (f"above the {raw} the ENIs can address, so pods beyond {raw} get no address and "
                                       "fail CNI ADD (stuck in ContainerCreating)")
        elif capv < exp:
            sev, effect = "warning", f"below the {exp} the type supports, so {exp - capv} pod slot(s) per node are wasted"
        else:
            continue
        findings.append(_rule("audit-max-pods-mismatch", {
            "count": len(names), "type": itype, "capacity": capv, "mode": mode, "expected": exp, "raw": raw,
            "effect": effect, "nodes": ", ".join(sorted(names)[:5]) + (" ..." if len(names) > 5 else "")},
            {"instance_type": itype, "capacity_pods": capv, "expected_max_pods": exp, "ceiling": raw,
             "nodes": sorted(names)[:20]}, severity=sev))

    # existing advisor rules that apply to the live settings
    from eksadvisor.decide.rules import RECOMMENDED_MIN_CNI

    if prefix and (env["WARM_IP_TARGET"].value.strip() not in ("", "0") or
                   env["MINIMUM_IP_TARGET"].value.strip() not in ("", "0")):
        findings.append(_rule("warm-ip-overrides-prefix-target", {}, {
            "WARM_IP_TARGET": env["WARM_IP_TARGET"].value, "MINIMUM_IP_TARGET": env["MINIMUM_IP_TARGET"].value,
            "WARM_PREFIX_TARGET": env["WARM_PREFIX_TARGET"].value}))
    if cs.managed_addon is False and not _auto_mode(cluster):
        findings.append(_rule("use-managed-addon", {}, {"addon": "absent (no addon.json)"}))
        findings.append(_rule("backup-before-upgrade", {}, {"addon": "absent (no addon.json)"}))
    if cs.cni_role == "node_role" and not _auto_mode(cluster):
        findings.append(_rule("cni-separate-iam-role", {
            "policy": "a custom IPv6 CNI policy" if ipv6 else "only AmazonEKS_CNI_Policy"},
            {"serviceAccountRoleArn": None, "podIdentityAssociations": None}))
    v = tuple(int(p) for p in cni.split("."))
    if v < RECOMMENDED_MIN_CNI:
        steps = [f"1.{m}" for m in range(v[1] + 1, RECOMMENDED_MIN_CNI[1] + 1)] if v[0] == 1 else []
        path = " -> ".join([f"{v[0]}.{v[1]}", *steps]) if steps else "one minor at a time"
        if len(steps) > 4:
            path = " -> ".join([f"{v[0]}.{v[1]}", *steps[:2], "...", steps[-1]])
        findings.append(_rule("upgrade-one-minor-at-a-time", {
            "cni_version": cni, "recommended": ".".join(map(str, RECOMMENDED_MIN_CNI)), "path": path},
            {"cni_version": cni, "source": cs.cni_version_source}))
    if cs.sgp and env["POD_SECURITY_GROUP_ENFORCING_MODE"].value.strip().lower() == "strict" and \
            not _true(cs.init_env["DISABLE_TCP_EARLY_DEMUX"].value):
        findings.append(_rule("sgp-disable-tcp-early-demux", {}, {
            "ENABLE_POD_ENI": env["ENABLE_POD_ENI"].value, "DISABLE_TCP_EARLY_DEMUX": cs.init_env["DISABLE_TCP_EARLY_DEMUX"].value}))
    if cs.sgp:
        from eksadvisor.model.maxpods import trunk_supported

        no_trunk: dict[str, list[str]] = defaultdict(list)
        for x in nodes:
            if x.fargate or x.os != "linux" or not x.itype:
                continue
            try:
                itype = catalog.get(x.itype)
            except InputError:
                continue
            if not trunk_supported(itype):
                no_trunk[x.itype].append(x.name)
        for itype_name, names in sorted(no_trunk.items()):
            findings.append(_rule("audit-sgp-no-trunk", {
                "count": len(names), "type": itype_name,
                "nodes": ", ".join(sorted(names)[:5]) + (" ..." if len(names) > 5 else "")},
                {"instance_type": itype_name, "ENABLE_POD_ENI": env["ENABLE_POD_ENI"].value, "nodes": sorted(names)[:20]}))
    order = {"critical": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (order[f.severity], f.id, str(sorted(f.evidence.items()))))

    # ---- answers, recommendation, changes, forecast
    answers, answers_err = _derive_answers(b, cs, region, groups, group_types, group_pods, subnets_out, nodes, notes)
    rec = None
    rec_error = answers_err
    rec_obj = None
    if answers is not None:
        from eksadvisor.decide.advisor import advise

        try:
            rec_obj = advise(answers)
            rec = rec_obj.model_dump(mode="json")
        except InputError as exc:  # e.g. PlanDoesNotFit: the plan cannot be complete
            rec_error = str(exc)
    changes = _changes(cs, rec_obj, group_out, b) if rec_obj is not None else []
    forecast = _forecast(subnets_out, node_subnets, pod_subnets, usage_now, group_types, group_pods, rec_obj, catalog,
                         custom, prefix, ipv6, cni, node_count)
    return AuditResult(
        cluster_name=name, region=region, vpc_id=b.vpc_id, origin=b.origin, current_settings=cs, subnets=subnets_out,
        node_groups=group_out, findings=findings,
        answers=answers.model_dump(mode="json") if answers is not None else {}, recommendation=rec,
        recommendation_error=rec_error, changes=changes, forecast=forecast, limitations=limitations, notes=notes)


def _auto_mode(cluster: dict[str, Any]) -> bool:
    return bool((cluster.get("computeConfig") or {}).get("enabled"))


def _derive_answers(b: Bundle, cs: CurrentSettings, region: str, groups: dict[str, list[_Node]], group_types: dict[str, str],
                    group_pods: dict[str, int], subnets: list[SubnetAudit], nodes: list[_Node],
                    notes: list[str]) -> tuple[Any, str | None]:
    from eksadvisor.answers import validate_answers

    vpc = b.vpcs[0]
    primary = vpc["CidrBlock"]
    secondary = sorted({a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet") or []
                        if isinstance(a, dict) and a.get("CidrBlock") and a["CidrBlock"] != primary and
                        (a.get("CidrBlockState") or {}).get("State", "associated") == "associated"},
                       key=lambda c: IPv4Network(c))
    used_azs = _sorted_unique(s.az for s in subnets if {"node", "pod"} & set(s.roles))
    for extra in (_sorted_unique(s.az for s in subnets if "cluster" in s.roles), _sorted_unique(s.az for s in subnets)):
        for az in extra:
            if len(used_azs) < 2 and az not in used_azs:
                used_azs.append(az)
    azs = sorted(used_azs)[:6]
    dropped = sorted({s.az for s in subnets} - set(azs))
    if dropped:
        notes.append(f"Subnets in {', '.join(dropped)} are left out of the answers (no nodes or pods there).")
    role_map = {"node": "private", "pod": "pod", "cluster": "cluster", "public": "public", "unused": "private"}
    existing = [{"cidr": s.cidr, "az": s.az, "role": role_map[s.role], "used_ips": s.usable_ips - s.free_ips}
                for s in subnets if s.az in azs]
    ngs = []
    for g in sorted(groups):
        members = groups[g]
        ngs.append({"name": g, "instance_types": sorted({x.itype for x in members}), "desired_nodes": len(members),
                    "max_nodes": max(len(members), 1), "pods_per_node": group_pods[g], "os": members[0].os})
    if ngs:
        notes.append("The bundle does not hold the node groups' Auto Scaling limits: max_nodes in the answers is today's "
                     "node count; raise it to plan for growth.")
    fargate = sum(1 for x in nodes if x.fargate)
    rvc = b.cluster["resourcesVpcConfig"]
    data = {
        "version": 1, "cluster_name": str(b.cluster["name"])[:100], "region": region,
        "availability_zones": azs if len(azs) >= 2 else 2, "cni_version": cs.cni_version, "node_groups": ngs,
        "fargate_pods": fargate,
        "network": {"vpc_cidr": primary, "secondary_cidrs": secondary,
                    "existing_subnets": existing if len(azs) >= 2 else [],
                    "separate_pod_cidr_required": cs.custom_networking},
        "ipv6": {"ready": cs.ip_family == "ipv6", "ipv4_exhaustion_concern": False},
        "security_groups_for_pods": {"needed": cs.sgp},
        "operations": {"external_api_access": bool(rvc.get("endpointPublicAccess", True)),
                       "self_managed_cni": cs.managed_addon is False, "auto_mode": _auto_mode(b.cluster)},
    }
    if cs.custom_networking:
        notes.append("Custom networking is on today, so the answers ask for pod traffic from a separate CIDR "
                     "(separate_pod_cidr_required); clear it if that was only an address-space fix.")
    try:
        return validate_answers(data, field="answers derived from the bundle"), None
    except InputError as exc:
        return None, f"The answers derived from the bundle are not valid: {exc}"


def _changes(cs: CurrentSettings, rec: Any, groups: list[NodeGroupAudit], b: Bundle) -> list[Change]:
    snippets = rec.snippets or {}
    have = [n for n in snippets]
    steps: list[Change] = []

    def add(kind: str, title: str, detail: str, artefacts: list[str], commands: list[str] | None = None) -> None:
        steps.append(Change(step=len(steps) + 1, kind=kind, title=title, detail=detail,  # type: ignore[arg-type]
                            artefacts=[a for a in artefacts if a in snippets], commands=commands or []))

    if cs.managed_addon is False:
        add("addon", "Adopt the EKS managed add-on vpc-cni",
            "The VPC CNI runs self-managed; install it as the EKS managed add-on (back up the aws-node DaemonSet first, "
            "keep the WARM_* values in configurationValues).", ["vpc-cni-addon.json", "addon-commands.sh"],
            ["kubectl get daemonset aws-node -n kube-system -o yaml > aws-k8s-cni-backup.yaml"])
    if cs.cni_role == "node_role":
        add("addon", "Give aws-node its own IAM role",
            "The VPC CNI uses the node role today; create a role for the aws-node service account (IRSA or Pod "
            "Identity) and pass it to the add-on.", ["cni-iam-role.sh", "cni-iam-trust-policy.json", "cni-pod-identity.sh"])
    vpc_id = b.vpc_id
    if rec.secondary_cidrs:
        have_cidrs = {a.get("CidrBlock") for v in b.vpcs for a in v.get("CidrBlockAssociationSet") or []}
        new = [c for c in rec.secondary_cidrs if c not in have_cidrs]
        if new:
            add("subnets", "Associate secondary VPC CIDR(s)", f"Associate {', '.join(new)} with {vpc_id} (the control "
                "plane may take up to an hour to recognise a new block).", ["terraform-vpc.tf"],
                [shlex.join(["aws", "ec2", "associate-vpc-cidr-block", "--vpc-id", vpc_id, "--cidr-block", c]) for c in new])
    new_subnets = [s for s in rec.subnets if not s.existing]
    if new_subnets:
        add("subnets", f"Create {len(new_subnets)} subnet(s)",
            "; ".join(f"{s.name} {s.cidr} ({s.role}, {s.az})" for s in new_subnets),
            ["terraform-vpc.tf", "subnet-tags.sh"])
    if "subnet-cidr-reservations.sh" in snippets:
        add("reservations", "Reserve /28-aligned ranges for prefixes",
            "Create subnet CIDR reservations of type prefix so prefix attachment finds whole /28 blocks.",
            ["subnet-cidr-reservations.sh"])
    if rec.custom_networking:
        add("eniconfig", "Apply one ENIConfig per AZ", "Custom networking takes pod addresses from the ENIConfig subnet of "
            "each node's AZ.", ["eniconfigs.yaml"])
    diff = []
    for k, v in sorted(rec.settings.items()):
        now = cs.env.get(k)
        if now is None or now.value.strip().lower() != str(v).strip().lower():
            diff.append(f"{k}: {now.value if now and now.value else '(not set)'} -> {v}")
    for k, v in sorted((rec.init_settings or {}).items()):
        now = cs.init_env.get(k)
        if now is None or now.value.strip().lower() != str(v).strip().lower():
            diff.append(f"init {k}: {now.value if now and now.value else '(not set)'} -> {v}")
    if diff:
        add("settings", "Change the aws-node settings", "; ".join(diff),
            ["aws-node-env.sh", "vpc-cni-addon.json"] if cs.managed_addon is False else ["vpc-cni-addon.json", "addon-commands.sh"])
    mp = []
    rec_groups = {ng.name: ng.max_pods for ng in rec.node_groups}  # one kubelet value per group (lowest of its types)
    for g in groups:
        want = rec_groups.get(g.name)
        if want is not None and g.max_pods_capacity and g.max_pods_capacity != [want]:
            mp.append((g.name, g.max_pods_capacity, want))
    if mp:
        add("max_pods", "Set kubelet max-pods", "; ".join(f"{n}: {caps} -> {w}" for n, caps, w in mp),
            [k for k in have if k.startswith("nodeadm-userdata-")] + ["karpenter.yaml", "eksctl-cluster.yaml"])
    mode_change = (rec.address_mode != cs.address_mode or rec.custom_networking != cs.custom_networking)
    if rec.ip_family != cs.ip_family:
        add("node_groups", "Plan a new cluster for the IP family change",
            f"The IP family is fixed when a cluster is created ({cs.ip_family} today, {rec.ip_family} recommended): "
            "create a new cluster and move workloads.", ["runbook.md", "eksctl-cluster.yaml"])
    elif mode_change:
        add("node_groups", "Replace the node groups",
            f"Existing nodes do not switch to {rec.address_mode.replace('_', ' ')}"
            f"{' with custom networking' if rec.custom_networking else ''} in place: create new node groups with the new "
            "settings, cordon and drain the old ones, then delete them.", ["runbook.md"])
    return steps


def _forecast(subnets: list[SubnetAudit], node_subnets: dict[str, set[str]], pod_subnets: dict[str, set[str]],
              usage_now: dict[str, Any], group_types: dict[str, str], group_pods: dict[str, int], rec: Any, catalog: Any,
              custom: bool, prefix: bool, ipv6: bool, cni_version: str, node_count: Counter[str]) -> list[ForecastRow]:
    from eksadvisor.model.ipam import node_usage

    rec_usage: dict[str, Any] = {}
    if rec is not None and rec.ip_family == "ipv4":
        warm = _warm_from_strings(rec.settings)
        rprefix = rec.address_mode == "prefix"
        rec_max = {ng.name: ng.max_pods for ng in rec.node_groups}
        for g, t in group_types.items():
            u = usage_now.get(g)
            if u is not None and u.os == "windows":
                rec_usage[g] = u
                continue
            try:
                rec_usage[g] = node_usage(t, group_pods[g], prefix_delegation=rprefix, custom_networking=rec.custom_networking,
                                          warm=warm, max_pods=rec_max.get(g, rec.max_pods.get(t)), catalog=catalog,
                                          cni_version=cni_version)
            except InputError:
                rec_usage[g] = None
    rows: list[ForecastRow] = []
    for sa in subnets:
        for g in sorted(node_subnets.get(sa.subnet_id, set()) | pod_subnets.get(sa.subnet_id, set())):
            role = "node" if g in node_subnets.get(sa.subnet_id, set()) else "pod"
            u = usage_now.get(g)
            cost = _cost(u, role, custom, prefix, ipv6) if (u is not None or ipv6) else (1, 0)
            now = _fit(sa.free_ips, sa.free_prefixes, cost)
            if now is None:
                continue
            rec_fit, rec_cost = None, None
            if rec is not None:
                if rec.ip_family == "ipv6":
                    rc = (1, 0) if role == "node" else (0, 0)
                elif rec_usage.get(g) is not None:
                    rc = _cost(rec_usage[g], role, rec.custom_networking, rec.address_mode == "prefix", False)
                else:
                    rc = (0, 0)
                rec_fit = _fit(sa.free_ips, sa.free_prefixes, rc)
                rec_cost = rc[0] if rec_fit is not None else None
            rows.append(ForecastRow(subnet_id=sa.subnet_id, az=sa.az, role=role, group=g,  # type: ignore[arg-type]
                                    nodes_now=node_count[sa.subnet_id], fit_now=now, fit_recommended=rec_fit,
                                    per_node_now=cost[0], per_node_recommended=rec_cost))
    return rows


__all__ = ["CLUSTER_SUBNET_MIN_FREE", "ENV_DEFAULTS", "SURGE_NODES", "analyse_subnet", "audit_bundle", "current_settings"]
