"""The aws-node settings a cluster runs with: DaemonSet env and add-on configurationValues over the shipped defaults,
the CNI version, endpoint access and the CNI's IAM role (docs/design.md §2.5 ``current_settings``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from eksadvisor.audit.bundle import Bundle
from eksadvisor.audit.model import CurrentSettings, Setting
from eksadvisor.errors import InputError
from eksadvisor.model.ipam import MANIFEST_DEFAULTS, WarmSettings
from eksadvisor.versions import parse_cni_version

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

_TAG = re.compile(r":(v?\d+\.\d+(?:\.\d+)?(?:-eksbuild\.\d+)?)$")


def is_true(value: str) -> bool:
    """An env value read the way aws-node reads a boolean."""
    return value.strip().lower() == "true"


def int_env(env: dict[str, Setting], key: str) -> int | None:
    """A whole-number setting (None when unset); a bad value is an InputError naming the document it came from."""
    s = env[key]
    if s.value.strip() == "":
        return None
    where = "addon.json (configurationValues)" if s.source == "addon" else "aws-node.json"
    try:
        v = int(s.value.strip())
    except ValueError:
        raise InputError(f"{where}: {key}={s.value!r} is not a whole number.", field=key) from None
    if v < 0:
        raise InputError(f"{where}: {key}={v} must not be negative.", field=key)
    return v


def warm_settings(env: dict[str, Setting]) -> WarmSettings:
    """The warm-pool targets of the running settings (unset: the manifest's defaults)."""

    def num(key: str, unset: int) -> int:
        v = int_env(env, key)
        return unset if v is None else v

    return WarmSettings(**{key.lower(): num(key, unset) for key, unset in MANIFEST_DEFAULTS.items()})


def auto_mode(cluster: dict[str, Any]) -> bool:
    """EKS Auto Mode manages the CNI itself: add-on and IAM advice does not apply."""
    return bool((cluster.get("computeConfig") or {}).get("enabled"))


@dataclass(frozen=True)
class RunningMode:
    """What every per-node figure of the audit depends on, read once from the current settings."""

    ipv6: bool
    prefix: bool  # prefix delegation in an IPv4 cluster
    custom: bool  # custom networking: pods in ENIConfig subnets
    sgp: bool
    max_eni: int | None
    warm: WarmSettings
    cni_version: str

    @classmethod
    def of(cls, cs: CurrentSettings) -> RunningMode:
        """The mode of ``cs``; MAX_ENI=0 is refused (no ENI would be left for pods)."""
        ipv6 = cs.ip_family == "ipv6"
        max_eni = int_env(cs.env, "MAX_ENI")
        if max_eni == 0:
            raise InputError("aws-node.json: MAX_ENI=0 leaves no ENI for pods.", field="MAX_ENI")
        return cls(ipv6=ipv6, prefix=cs.address_mode == "prefix" and not ipv6, custom=cs.custom_networking, sgp=cs.sgp,
                   max_eni=max_eni, warm=warm_settings(cs.env), cni_version=cs.cni_version)

    def label(self) -> str:
        """The mode in words, as findings name it."""
        if self.ipv6:
            return "IPv6"
        return ("prefix delegation" if self.prefix else "secondary IP") + (" with custom networking" if self.custom else "")


# ------------------------------------------------------------------------------------------- reading
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
    try:
        doc = yaml.safe_load(raw) if isinstance(raw, str) else raw
    except yaml.YAMLError:
        raise InputError("addon.json: addon.configurationValues is not valid JSON or YAML.", field="addon.json") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError("addon.json: addon.configurationValues must be an object such as {\"env\": {...}}.", field="addon.json")
    return doc


def _env_text(values: dict[Any, Any]) -> dict[str, str]:
    """configurationValues env as aws-node sees it (YAML booleans written lower case)."""
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in values.items()}


def _merge(defaults: dict[str, str], ds: dict[str, str], add: dict[str, str]) -> dict[str, Setting]:
    """Add-on configurationValues win over the DaemonSet env, which wins over the defaults."""
    out: dict[str, Setting] = {}
    for k in sorted({*defaults, *ds, *add}):
        if k in add:
            out[k] = Setting(value=add[k], source="addon")
        elif k in ds:
            out[k] = Setting(value=ds[k], source="daemonset")
        else:
            out[k] = Setting(value=defaults[k], source="default")
    return out


def _cni_version(b: Bundle) -> tuple[str, str]:
    """(major.minor.patch, where it was read): the add-on's version, else the aws-node image tag."""
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
    return f"{major}.{minor}.{patch}", source


def _endpoint_access(cluster: dict[str, Any]) -> Literal["public", "public_private", "private"]:
    rvc = cluster["resourcesVpcConfig"]
    public, private = bool(rvc.get("endpointPublicAccess", True)), bool(rvc.get("endpointPrivateAccess", False))
    return "public_private" if public and private else "private" if private else "public"


def _cni_role(b: Bundle) -> Literal["service_account_role", "pod_identity", "node_role", "unknown"]:
    if b.addon is not None:
        if b.addon.get("serviceAccountRoleArn"):
            return "service_account_role"
        if b.addon.get("podIdentityAssociations"):
            return "pod_identity"
        return "node_role"
    return "unknown" if b.addon_unknown else "node_role"


def current_settings(b: Bundle) -> CurrentSettings:
    """The effective aws-node settings of the bundle's cluster, each marked with where it came from."""
    ds_env = _env_of(_container(b.aws_node, "aws-node"))
    ds_init = _env_of(_container(b.aws_node, "aws-vpc-cni-init", init=True))
    cfg = _addon_config(b.addon)
    env = _merge(ENV_DEFAULTS, ds_env, _env_text(cfg.get("env") or {}))
    init_env = _merge(INIT_DEFAULTS, ds_init, _env_text((cfg.get("init") or {}).get("env") or {}))
    cluster = b.cluster
    knc = cluster.get("kubernetesNetworkConfig") or {}
    ipv6 = str(knc.get("ipFamily", "ipv4")).lower() == "ipv6" or is_true(env["ENABLE_IPv6"].value)
    cni_version, source = _cni_version(b)
    prefix = is_true(env["ENABLE_PREFIX_DELEGATION"].value) and not ipv6
    return CurrentSettings(
        env=env, init_env=init_env, address_mode="prefix" if prefix or ipv6 else "secondary_ip",
        custom_networking=is_true(env["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"].value), sgp=is_true(env["ENABLE_POD_ENI"].value),
        ip_family="ipv6" if ipv6 else "ipv4", cni_version=cni_version, cni_version_source=source,
        endpoint_access=_endpoint_access(cluster), managed_addon=None if b.addon_unknown else b.addon is not None,
        addon_version=(b.addon or {}).get("addonVersion"), cni_role=_cni_role(b), kubernetes_version=cluster.get("version"))


__all__ = ["ENV_DEFAULTS", "INIT_DEFAULTS", "RunningMode", "auto_mode", "current_settings", "int_env", "is_true",
           "warm_settings"]
