"""aws-node (VPC CNI) settings: ``kubectl set env``, the EKS add-on ``configurationValues`` with its
``create-addon`` / ``update-addon`` commands, and the liveness/readiness probe patch.

The add-on configuration is checked against the one verbatim add-on schema available
(``vpc-cni v1.15.1-eksbuild.1``, [EKS-ADDONS]); keys that schema does not know (for example
``ENABLE_SUBNET_DISCOVERY``, added in VPC CNI 1.18) are kept but named in the generated commands, with
the ``describe-addon-configuration`` call that tells whether the chosen add-on version accepts them.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.artefacts._base import (
    GENERATED_BY,
    ArtefactContext,
    Script,
    compact_json,
    dump_json,
    dump_yaml,
    placeholder,
)

NAMESPACE = "kube-system"
DAEMONSET = "aws-node"
MAIN_CONTAINER = "aws-node"
INIT_CONTAINER = "aws-vpc-cni-init"
BACKUP_FILE = "aws-k8s-cni-backup.yaml"
PROBE_TIMEOUT_SECONDS = 30  # seed, "Handle Liveness/Readiness Probe Failures" (default 10)

# env / init.env keys of the vpc-cni v1.15.1-eksbuild.1 add-on configuration schema (the one verbatim
# copy available; a test checks these sets against the schema file).
ADDON_SCHEMA_VERSION = "v1.15.1-eksbuild.1"
ADDON_ENV_KEYS_V1_15_1 = frozenset({
    "ADDITIONAL_ENI_TAGS", "ANNOTATE_POD_IP", "AWS_EC2_ENDPOINT", "AWS_EXTERNAL_SERVICE_CIDRS",
    "AWS_MANAGE_ENIS_NON_SCHEDULABLE", "AWS_VPC_CNI_NODE_PORT_SUPPORT", "AWS_VPC_ENI_MTU",
    "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS", "AWS_VPC_K8S_CNI_EXTERNALSNAT",
    "AWS_VPC_K8S_CNI_LOGLEVEL", "AWS_VPC_K8S_CNI_LOG_FILE", "AWS_VPC_K8S_CNI_RANDOMIZESNAT",
    "AWS_VPC_K8S_CNI_VETHPREFIX", "AWS_VPC_K8S_PLUGIN_LOG_FILE", "AWS_VPC_K8S_PLUGIN_LOG_LEVEL", "CLUSTER_ENDPOINT",
    "DISABLE_INTROSPECTION", "DISABLE_LEAKED_ENI_CLEANUP", "DISABLE_METRICS", "DISABLE_NETWORK_RESOURCE_PROVISIONING",
    "DISABLE_POD_V6", "ENABLE_BANDWIDTH_PLUGIN", "ENABLE_POD_ENI", "ENABLE_PREFIX_DELEGATION", "ENABLE_V4_EGRESS",
    "ENABLE_V6_EGRESS", "ENI_CONFIG_ANNOTATION_DEF", "ENI_CONFIG_LABEL_DEF", "INTROSPECTION_BIND_ADDRESS",
    "IP_COOLDOWN_PERIOD", "MAX_ENI", "MINIMUM_IP_TARGET", "POD_SECURITY_GROUP_ENFORCING_MODE", "WARM_ENI_TARGET",
    "WARM_IP_TARGET", "WARM_PREFIX_TARGET",
})
ADDON_INIT_ENV_KEYS_V1_15_1 = frozenset({"DISABLE_TCP_EARLY_DEMUX", "ENABLE_V6_EGRESS"})

# Set by kubectl on a self-managed aws-node only, never through the add-on: the add-on schema has no such key
# (additionalProperties: false rejects it) and EKS configures the add-on for IPv6 from the cluster's ipFamily --
# eksctl's IPv6 clusters pass no IPv6 setting to the add-on at all [EKSCTL]. Whether a newer add-on schema
# accepts the key is UNCONFIRMED; the generated files say so.
NOT_ADDON_KEYS = frozenset({"ENABLE_IPv6", "ENABLE_IPv4"})
IPV6_ADDON_NOTE = ("ENABLE_IPv6 (with ENABLE_IPv4=false) is not in the add-on configuration: the vpc-cni add-on schema has no such key and EKS "
                   "sets the add-on's IPv6 mode from the cluster's ipFamily (eksctl passes none); whether a newer "
                   "add-on version accepts it is UNCONFIRMED. A self-managed aws-node needs it (aws-node-env.sh).")


def addon_env(ctx: ArtefactContext) -> dict[str, str]:
    """aws-node container env for the add-on's ``configurationValues`` (``NOT_ADDON_KEYS`` left out)."""
    return {k: v for k, v in ctx.settings.items() if k not in NOT_ADDON_KEYS}


def addon_init_env(ctx: ArtefactContext) -> dict[str, str]:
    return {k: v for k, v in ctx.init_settings.items() if k not in NOT_ADDON_KEYS}


def addon_configuration(ctx: ArtefactContext) -> dict[str, Any]:
    """The vpc-cni add-on ``configurationValues`` object (strings for env values, as the schema wants)."""
    config: dict[str, Any] = {}
    env, init_env = addon_env(ctx), addon_init_env(ctx)
    if env:
        config["env"] = env
    if init_env:
        config["init"] = {"env": init_env}
    if ctx.data_intensive:
        config["livenessProbeTimeoutSeconds"] = PROBE_TIMEOUT_SECONDS
        config["readinessProbeTimeoutSeconds"] = PROBE_TIMEOUT_SECONDS
    if ctx.windows:
        # the add-on owns the amazon-vpc-cni ConfigMap: it writes enable-windows-ipam from this value [EKS-WINDOWS]
        config["enableWindowsIpam"] = "true"
    return config


def keys_newer_than_schema(ctx: ArtefactContext) -> list[str]:
    """``env.X`` / ``init.env.X`` keys the v1.15.1 add-on schema does not list."""
    out = [f"env.{k}" for k in addon_env(ctx) if k not in ADDON_ENV_KEYS_V1_15_1]
    out += [f"init.env.{k}" for k in addon_init_env(ctx) if k not in ADDON_INIT_ENV_KEYS_V1_15_1]
    return out


def vpc_cni_addon_json(ctx: ArtefactContext) -> str:
    return dump_json(addon_configuration(ctx))


def _backup(script: Script) -> None:
    script.comment("Back up the current aws-node DaemonSet first (seed: Backup CNI Settings Before Update).")
    script.run("kubectl", "get", "daemonset", DAEMONSET, "-n", NAMESPACE, "-o", "yaml", stdout_to=BACKUP_FILE)


def aws_node_env_script(ctx: ArtefactContext) -> Script:
    s = Script(
        title=f"aws-node settings for cluster {ctx.cluster}, applied with kubectl (self-managed VPC CNI).",
        notes=["With the EKS managed add-on use addon-commands.sh instead: EKS owns some aws-node fields and may "
               "overwrite kubectl edits on update; which fields exactly is UNCONFIRMED (read metadata.managedFields)."],
    )
    _backup(s)
    if ctx.settings:
        s.blank().comment("aws-node container environment.")
        s.run("kubectl", "set", "env", f"daemonset/{DAEMONSET}", "-n", NAMESPACE, "-c", MAIN_CONTAINER,
              *[f"{k}={v}" for k, v in ctx.settings.items()])
    if ctx.init_settings:
        s.blank().comment(f"{INIT_CONTAINER} init container environment (a strategic merge patch keyed by name).")
        patch = {"spec": {"template": {"spec": {"initContainers": [
            {"name": INIT_CONTAINER, "env": [{"name": k, "value": v} for k, v in ctx.init_settings.items()]}]}}}}
        s.run("kubectl", "patch", "daemonset", DAEMONSET, "-n", NAMESPACE, "--type", "strategic", "-p", compact_json(patch))
    s.blank().comment("Wait for the rollout; only pods and nodes created afterwards follow the new settings.")
    s.run("kubectl", "rollout", "status", f"daemonset/{DAEMONSET}", "-n", NAMESPACE, "--timeout", "10m")
    return s


def addon_version_placeholder(ctx: ArtefactContext) -> str:
    return placeholder("ADDON_VERSION", f"{ctx.addon_version_hint}-eksbuild.N")


def addon_commands_script(ctx: ArtefactContext) -> Script:
    config = compact_json(addon_configuration(ctx))
    newer = keys_newer_than_schema(ctx)
    notes = [f"The configuration values were checked against the vpc-cni {ADDON_SCHEMA_VERSION} add-on schema."]
    if newer:
        notes.append("Keys that schema does not list (newer keys, or keys the add-on may not take; confirm with "
                     "describe-addon-configuration for the chosen version): " + ", ".join(newer) + ".")
    if any(k in NOT_ADDON_KEYS for k in [*ctx.settings, *ctx.init_settings]):
        notes.append(IPV6_ADDON_NOTE)
    s = Script(title=f"VPC CNI as an EKS managed add-on for cluster {ctx.cluster} (configurationValues of vpc-cni-addon.json).",
               notes=notes)
    _backup(s)
    s.blank().comment(
        f"Pick the vpc-cni build of VPC CNI {ctx.addon_version_hint} and check the keys it accepts:",
        f"  aws eks describe-addon-versions --addon-name vpc-cni --region {ctx.region} "
        "--query 'addons[0].addonVersions[].addonVersion' --output text",
        "  aws eks describe-addon-configuration --addon-name vpc-cni --addon-version VERSION "
        "--query configurationSchema --output text",
        "The role comes from cni-iam-role.sh (IRSA); for Pod Identity see cni-pod-identity.sh.",
    )
    common = ["--cluster-name", ctx.cluster, "--region", ctx.region, "--addon-name", "vpc-cni",
              "--addon-version", addon_version_placeholder(ctx), "--service-account-role-arn", ctx.cni_role_arn(),
              "--configuration-values", config]
    s.blank().comment("Update the add-on when it exists (PRESERVE keeps values edited on the cluster); otherwise create it "
                      "(OVERWRITE takes over a self-managed aws-node, replacing conflicting values).")
    s.if_else(["aws", "eks", "describe-addon", "--cluster-name", ctx.cluster, "--region", ctx.region, "--addon-name", "vpc-cni"],
              [["aws", "eks", "update-addon", *common, "--resolve-conflicts", "PRESERVE"]],
              [["aws", "eks", "create-addon", *common, "--resolve-conflicts", "OVERWRITE"]])
    s.blank().comment("Wait until the add-on is ACTIVE.")
    s.run("aws", "eks", "wait", "addon-active", "--cluster-name", ctx.cluster, "--region", ctx.region, "--addon-name", "vpc-cni")
    return s


def probe_patch_yaml(ctx: ArtefactContext) -> str:
    """Strategic merge patch raising the aws-node probe timeouts (seed: 10 s default, 30 s suggested)."""
    patch = {"spec": {"template": {"spec": {"containers": [{
        "name": MAIN_CONTAINER,
        "livenessProbe": {"timeoutSeconds": PROBE_TIMEOUT_SECONDS},
        "readinessProbe": {"timeoutSeconds": PROBE_TIMEOUT_SECONDS},
    }]}}}}
    header = [
        f"aws-node probe timeouts for cluster {ctx.cluster} (data-intensive nodes: high CPU makes probes time out).",
        GENERATED_BY,
        f"Self-managed VPC CNI: kubectl patch daemonset {DAEMONSET} -n {NAMESPACE} --patch-file aws-node-probe-patch.yaml",
        "EKS managed add-on: use livenessProbeTimeoutSeconds / readinessProbeTimeoutSeconds in vpc-cni-addon.json instead.",
        "Also check aws-node's CPU request (default 25m may be too low under heavy load; seed).",
    ]
    return dump_yaml(patch, header=header)
