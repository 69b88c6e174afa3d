"""An ordered rollout runbook for the chosen mode (Markdown).

* custom networking: CIDR -> subnets and tags -> ENIConfig -> CNI settings -> new node group -> drain the
  old ones (only nodes launched afterwards use custom networking) [EKS-CUSTNET];
* prefix delegation: CNI >= 1.9, reservations, settings, then *new* node groups rather than rolling the
  existing ones [EKS-PD] (seed: DON'T do rolling replacement);
* IPv6: a new cluster, since the IP family is fixed at creation [EKS-IPV6] [EKS-API-KNC].

Commands inside the runbook are built as argv and quoted like the scripts; prose only carries values
that were validated as identifiers or CIDRs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from eksadvisor.addressing.multus import MULTUS_AWS_FIXED_BUILD, MULTUS_UPSTREAM_FIXED, thick_fix_included
from eksadvisor.artefacts._base import (
    GENERATED_BY,
    PLACEHOLDER_NOTE,
    ArtefactContext,
    format_command,
    placeholder,
)
from eksadvisor.artefacts.automode import PLACEMENT_NOTE, UNSUPPORTED, node_role_arn, nodeclass_doc, nodepool_docs
from eksadvisor.artefacts.fargate import notes
from eksadvisor.artefacts.k8s import eni_attachment_steps
from eksadvisor.model.maxpods import AUTO_MODE_MAX_PODS
from eksadvisor.versions import PD_MIN_TEXT


@dataclass
class Step:
    title: str
    text: str = ""
    commands: list[list[str]] = field(default_factory=list)


def _cordon_drain_delete(ctx: ArtefactContext) -> list[Step]:
    old = placeholder("OLD_NODEGROUP")
    selector = f"eks.amazonaws.com/nodegroup={old}"
    return [
        Step("Cordon and drain the old nodes",
             "Move the workloads to the new nodes one group at a time; PodDisruptionBudgets are honoured by drain.",
             [["kubectl", "cordon", "-l", selector],
              ["kubectl", "drain", "-l", selector, "--ignore-daemonsets", "--delete-emptydir-data"]]),
        Step("Delete the old node group", "",
             [["aws", "eks", "delete-nodegroup", "--cluster-name", ctx.cluster, "--region", ctx.region,
               "--nodegroup-name", old]]),
    ]


def _settings_step(ctx: ArtefactContext, title: str) -> Step:
    keys = ", ".join(f"`{k}={v}`" for k, v in ctx.settings.items() if _plain(k, v)) or "none"
    text = (f"Managed add-on: run `addon-commands.sh` (configuration from `vpc-cni-addon.json`). Self-managed: "
            f"`aws-node-env.sh`. Settings: {keys}.")
    if ctx.prefix and not ctx.ipv6 and ctx.custom_networking:
        text += (f" Prefix delegation needs VPC CNI >= {PD_MIN_TEXT}; once it is on, going below {PD_MIN_TEXT} means replacing "
                 "every node.")
    return Step(title, text)


def _plain(key: str, value: str) -> bool:
    return all(c.isalnum() or c in "._-/:,=" for c in key + value)


def _node_group_step(ctx: ArtefactContext, rolling_note: str) -> Step:
    linux = "; ".join(f"`{g.name}`: maxPods {g.max_pods}" for g in ctx.node_groups if g.os == "linux") or "none"
    text = (f"{rolling_note} Max pods per Linux group: {linux}. Use `eksctl-cluster.yaml` (maxPodsPerNode), "
            "`terraform-eks.tf` (nodeadm part) or a launch template with the `nodeadm-userdata-*.mime` user data; "
            "Karpenter: `karpenter.yaml`.")
    windows = [g.name for g in ctx.node_groups if g.os == "windows"]
    if windows:
        text += (" Windows groups (" + ", ".join(f"`{n}`" for n in windows) + ") keep EKS's own max pods: no "
                 "maxPodsPerNode, nodeadm or Karpenter settings are written for them.")
    if ctx.dropped_windows_groups:
        text += (" Windows groups (" + ", ".join(f"`{g.name}`" for g in ctx.dropped_windows_groups) + ") are left "
                 "out: IPv6 clusters do not support Windows nodes.")
    if ctx.custom_networking:
        text += " Karpenter also needs its global `RESERVED_ENIS=1` with custom networking."
    return Step("Create the new node groups", text)


def _ipv6_steps(ctx: ArtefactContext) -> list[Step]:
    return [
        Step("Decide: IPv6 means a new cluster",
             "The IP family is set when a cluster is created and cannot be changed; existing workloads move to the "
             "new cluster. Nodes must be Nitro-based Linux; Windows, custom networking and hybrid nodes are not "
             "available with IPv6."),
        Step("Build the dual-stack VPC",
             "`terraform-vpc.tf`: IPv6 /56 on the VPC, a /64 per subnet, egress-only internet gateway, DNS64 off on "
             "the subnets where pods run. Tag the subnets with `subnet-tags.sh` if they were not built by Terraform."),
        Step("Create the cluster with ipFamily IPv6",
             "`eksctl-cluster.yaml` (eksctl sets up OIDC and the IPv6 CNI policy) or `terraform-eks.tf` "
             "(vpc-cni with `before_compute`, its own IRSA role and the IPv6 policy)."),
        Step("Give the VPC CNI its own role with the IPv6 policy",
             "Done by eksctl and terraform-eks.tf; otherwise `cni-ipv6-policy.json` + `cni-iam-role.sh` (IRSA) or "
             "`cni-pod-identity.sh`, then `addon-commands.sh`. AmazonEKS_CNI_Policy is IPv4-only."),
        _node_group_step(ctx, "Managed node groups compute max pods themselves; the value is written explicitly for "
                              "self-managed and Karpenter nodes."),
        Step("Install the AWS Load Balancer Controller (>= 2.3.1)",
             "IPv6 pods need IP target mode; the in-tree service controller has no IPv6 support."),
        Step("Migrate workloads and cut over traffic, then retire the old cluster", ""),
    ]


def _custom_networking_steps(ctx: ArtefactContext) -> list[Step]:
    steps = [Step("Back up aws-node", "Keep the output (aws-node-env.sh and addon-commands.sh save it as "
                  "`aws-k8s-cni-backup.yaml`).", [["kubectl", "get", "daemonset", "aws-node", "-n", "kube-system", "-o", "yaml"]])]
    assoc = [["aws", "ec2", "associate-vpc-cidr-block", "--region", ctx.region, "--vpc-id", placeholder("VPC_ID"),
              "--cidr-block", c] for c in ctx.new_secondary_cidrs]
    steps.append(Step("Associate the pod CIDR with the VPC",
                      ("With `terraform-vpc.tf` (it associates the CIDR), or by hand as below. The control plane may "
                       "take up to an hour to recognise a new CIDR (kubectl exec/logs and webhooks in it fail until "
                       "then)." if assoc else "No new CIDR is needed: the pod subnets fit the "
                       "VPC's current CIDRs."), assoc))
    steps.append(Step("Create the pod subnets (one per AZ) and tag the subnets",
                      "`terraform-vpc.tf` (pod subnets routed like the private subnets of their AZ), then "
                      "`subnet-tags.sh`."))
    if ctx.prefix:
        steps.append(Step("Reserve prefix space in the pod subnets", "`subnet-cidr-reservations.sh`."))
    steps.append(Step("Create the ENIConfigs", "`eniconfigs.yaml`: one per AZ, named after it, pointing at its pod subnet.",
                      [["kubectl", "apply", "-f", "eniconfigs.yaml"], ["kubectl", "get", "eniconfigs"]]))
    steps.append(_settings_step(ctx, "Turn on custom networking in aws-node"))
    steps.append(_node_group_step(ctx, "Existing nodes are not converted: only nodes launched now use the pod subnets, "
                                       "and their max pods is lower (the primary ENI carries no pods)."))
    steps += _cordon_drain_delete(ctx)
    steps.append(Step("Check that new pods get addresses from the pod subnets", "",
                      [["kubectl", "get", "pods", "-A", "-o", "wide"]]))
    return steps


def _prefix_steps(ctx: ArtefactContext) -> list[Step]:
    major, minor, patch = ctx.cni
    return [
        Step("Back up aws-node and check the VPC CNI version",
             f"Prefix delegation needs VPC CNI >= {PD_MIN_TEXT} (planned {major}.{minor}.{patch}); once it is on, going below "
             f"{PD_MIN_TEXT} means replacing every node. Keep the backup (saved as `aws-k8s-cni-backup.yaml` by the scripts).",
             [["kubectl", "get", "daemonset", "aws-node", "-n", "kube-system", "-o", "yaml"]]),
        Step("Reserve prefix space in the subnets", "`subnet-cidr-reservations.sh` (avoids InsufficientCidrBlocks on "
                                                     "fragmented subnets)."),
        _settings_step(ctx, "Turn on prefix delegation in aws-node"),
        _node_group_step(ctx, "Create new node groups rather than rolling the existing ones: kubelet's max pods only "
                              "changes on new nodes."),
        *_cordon_drain_delete(ctx),
    ]


def _secondary_ip_steps(ctx: ArtefactContext) -> list[Step]:
    return [
        Step("Build or check the subnets and their tags", "`terraform-vpc.tf`, `subnet-tags.sh`."),
        Step("Create the cluster (new clusters only)",
             "`eksctl-cluster.yaml` or `terraform-eks.tf`: both install the vpc-cni add-on with these settings and its "
             "own IAM role before the first node. Existing cluster: go on with the next step."),
        Step("Give the VPC CNI its own IAM role (existing clusters)", "`cni-iam-role.sh` (IRSA) or `cni-pod-identity.sh`."),
        _settings_step(ctx, "Configure aws-node (existing clusters)"),
        _node_group_step(ctx, "Nodes created after the settings are in place use them."),
    ]


def _extra_steps(ctx: ArtefactContext) -> list[Step]:
    steps: list[Step] = []
    if ctx.sgp:
        steps.append(Step(
            "Security Groups for Pods",
            "Attach AmazonEKSVPCResourceController to the cluster role (eksctl and terraform-eks.tf do it), keep "
            "`ENABLE_POD_ENI=true` in the aws-node settings"
            + (" and `DISABLE_TCP_EARLY_DEMUX=true` on the init container (strict mode)" if ctx.sgp_strict else "")
            + ", create the pod security groups, then apply `securitygrouppolicy.yaml`. Nitro Linux nodes only; "
              "pods with security groups still count toward max pods.",
            [["aws", "iam", "attach-role-policy", "--role-name", placeholder("CLUSTER_ROLE_NAME"), "--policy-arn",
              f"arn:{ctx.partition}:iam::aws:policy/AmazonEKSVPCResourceController"],
             ["kubectl", "apply", "-f", "securitygrouppolicy.yaml"]]))
    if ctx.windows:
        steps.append(Step(
            "Windows support",
            "Attach AmazonEKSVPCResourceController to the cluster role (the first command; eksctl and terraform-eks.tf "
            "do it), then enable Windows IPAM before the first Windows node joins: the managed add-on does it from "
            "`enableWindowsIpam` in `vpc-cni-addon.json`; a self-managed VPC CNI needs the second command "
            "(`windows-ipam-configmap.yaml`, the `amazon-vpc-cni` ConfigMap). Windows nodes use one ENI and the node "
            "subnet: no custom networking, Security Groups for Pods or IPv6.",
            [["aws", "iam", "attach-role-policy", "--role-name", placeholder("CLUSTER_ROLE_NAME"), "--policy-arn",
              f"arn:{ctx.partition}:iam::aws:policy/AmazonEKSVPCResourceController"],
             ["kubectl", "apply", "-f", "windows-ipam-configmap.yaml"]]))
    if ctx.multus:

        text = _multus_text(ctx)
        if ctx.multus_networks:
            text += " Give every node its extra ENIs first, in this order:\n\n" + "\n".join(eni_attachment_steps(ctx))
        steps.append(Step("Multus", text, [["kubectl", "apply", "-f", "multus-nad.yaml"]] if ctx.multus_networks else []))
    if ctx.fargate:
        steps.append(_fargate_step(ctx))
    if ctx.data_intensive:
        steps.append(Step("Raise the aws-node probe timeouts",
                          "Managed add-on: already in `vpc-cni-addon.json`. Self-managed:",
                          [["kubectl", "patch", "daemonset", "aws-node", "-n", "kube-system", "--patch-file",
                            "aws-node-probe-patch.yaml"]]))
    steps.append(Step("Remove AmazonEKS_CNI_Policy from the node role",
                      "Once aws-node runs with its own role (check the add-on's service account role).",
                      [["aws", "iam", "detach-role-policy", "--role-name", placeholder("NODE_ROLE_NAME"), "--policy-arn",
                        f"arn:{ctx.partition}:iam::aws:policy/AmazonEKS_CNI_Policy"]]))
    return steps


# Multus manifests AWS publishes in aws/amazon-vpc-cni-k8s config/multus/ [CNI-MULTUS]: thin builds of v3.x only,
# thick builds of v4.0.2 and v4.1.4 (the start-up race fix is in v4.1.4-eksbuild.3, PR #3323).
AWS_MULTUS_BUILDS = {"thin": ("v3.7.2", "v3.8.0", "v3.9.0", "v3.9.1", "v3.9.2"), "thick": ("v4.0.2", "v4.1.4")}


def thick_plugin_note(version: str) -> str:
    """What the runbook says about a thick-plugin version: fixed, or which version to use instead."""

    if thick_fix_included(version):
        text = (f"Thick plugin {version} includes the start-up race fix (AWS's manifest from {MULTUS_AWS_FIXED_BUILD}, "
                f"upstream from {MULTUS_UPSTREAM_FIXED}).")
    else:
        text = (f"Thick plugin {version} is older than the builds with the start-up race fix, which can block every "
                f"pod creation on a node after a reboot: use {MULTUS_AWS_FIXED_BUILD} (AWS's manifest, "
                f"aws/amazon-vpc-cni-k8s PR #3323) or {MULTUS_UPSTREAM_FIXED} or later (upstream, "
                "k8snetworkplumbingwg/multus-cni issue #1221), or the thin plugin.")
    return text + (" A fix in v4.1.1 for a \"pod-lookup race\", as some guides state, could not be confirmed in the multus-cni "
                   "issues or releases. "
                   "For stale configuration after eviction, run multus-daemon with --cleanup-config-on-exit=true "
                   "(v4.1.0+).")


def _multus_text(ctx: ArtefactContext) -> str:
    import re

    m = re.match(r"v?(\d+\.\d+(?:\.\d+)?)", ctx.multus_version)
    base = f"v{m.group(1)}" if m else ctx.multus_version
    plugin = ctx.multus_plugin
    if base in AWS_MULTUS_BUILDS[plugin]:
        text = (f"Install Multus {ctx.multus_version} ({plugin} plugin) from the manifest AWS publishes for that "
                "version (aws/amazon-vpc-cni-k8s, config/multus/), then apply `multus-nad.yaml`.")
    else:
        text = (f"Install Multus {ctx.multus_version} ({plugin} plugin), then apply `multus-nad.yaml`. AWS publishes no "
                f"{plugin} manifest for {base} (its builds: thin " + ", ".join(AWS_MULTUS_BUILDS["thin"])
                + "; thick " + ", ".join(AWS_MULTUS_BUILDS["thick"]) + "), so this is the upstream "
                "k8snetworkplumbingwg/multus-cni manifest, or pick an AWS build. AWS publishes no Multus version "
                "support matrix that we could find.")
    if plugin == "thick":
        text += " " + thick_plugin_note(ctx.multus_version)
    return text


def _fargate_step(ctx: ArtefactContext) -> Step:

    return Step("Fargate profile", " ".join(notes(ctx)) + " `eksctl-cluster.yaml` (`fargateProfiles`) and `terraform-eks.tf` "
                "(`fargate_profiles`) create it with the cluster, after you replace the namespace placeholder; for an "
                "existing cluster:", [["eksctl", "create", "fargateprofile", "-f", "eksctl-cluster.yaml"]])


def _auto_mode_steps(ctx: ArtefactContext) -> list[Step]:

    steps = [
        Step("Build or check the subnets and their tags", "`terraform-vpc.tf`, `subnet-tags.sh`."
             + (" IPv6 is fixed when the cluster is created." if ctx.ipv6 else "")),
        Step("Create the cluster with EKS Auto Mode",
             "`eksctl-cluster.yaml` (`autoModeConfig`) or `terraform-eks.tf` (`compute_config`). AWS runs pod "
             "networking: there is no aws-node to configure and no vpc-cni add-on, CNI role or node group to create."),
        Step("Give the node role access, then apply the NodeClass and NodePools",
             "`automode-nodeclass.yaml` holds the NodeClass (node subnets by ID"
             + (", pod subnets through `podSubnetSelectorTerms`" if "podSubnetSelectorTerms" in nodeclass_doc(ctx)["spec"] else "")
             + ") and one NodePool per node group (" + ", ".join(f"`{d['metadata']['name']}`" for d in nodepool_docs(ctx))
             + "), each pointing at it through `nodeClassRef` (group `eks.amazonaws.com`, kind `NodeClass`). "
             + PLACEMENT_NOTE + " The node role needs an access entry of type EC2 with AmazonEKSAutoNodePolicy first "
             f"(EKS creates one only for the built-in node pools). Max pods is the lower of {AUTO_MODE_MAX_PODS} and the ENI "
             "calculation.",
             [["aws", "eks", "create-access-entry", "--cluster-name", ctx.cluster, "--region", ctx.region,
               "--principal-arn", node_role_arn(ctx), "--type", "EC2"],
              ["aws", "eks", "associate-access-policy", "--cluster-name", ctx.cluster, "--region", ctx.region,
               "--principal-arn", node_role_arn(ctx), "--policy-arn",
               f"arn:{ctx.partition}:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy",
               "--access-scope", "type=cluster"],
              ["kubectl", "apply", "-f", "automode-nodeclass.yaml"]]),
    ]
    text = f"Not supported in Auto Mode: {UNSUPPORTED}."
    if ctx.sgp:
        text += " Security Groups for Pods were asked for: they need a cluster without Auto Mode."
    if ctx.multus:
        text += (" Multus was asked for: AWS does not name it for Auto Mode and alternate CNI plugins are unsupported, "
                 "so Multus in Auto Mode is not confirmed by AWS (likely unsupported).")
    if ctx.fargate:
        steps.append(_fargate_step(ctx))
    steps.append(Step("Check what Auto Mode leaves out", text))
    return steps


def runbook_steps(ctx: ArtefactContext) -> list[Step]:
    if ctx.auto_mode:
        return _auto_mode_steps(ctx)
    if ctx.ipv6:
        steps = _ipv6_steps(ctx)
    elif ctx.custom_networking:
        steps = _custom_networking_steps(ctx)
    elif ctx.prefix:
        steps = _prefix_steps(ctx)
    else:
        steps = _secondary_ip_steps(ctx)
    return steps + _extra_steps(ctx)


def _mode(ctx: ArtefactContext) -> str:
    if ctx.auto_mode:
        return "EKS Auto Mode (" + ("IPv6" if ctx.ipv6 else "IPv4") + (", pod subnets" if ctx.custom_networking else "") + ")"
    parts = ["IPv6 (prefix mode)" if ctx.ipv6 else "IPv4"]
    if not ctx.ipv6:
        parts.append("prefix delegation" if ctx.prefix else "secondary IP mode")
    if ctx.custom_networking:
        parts.append("custom networking")
    return ", ".join(parts)


def runbook_md(ctx: ArtefactContext, names: Sequence[str]) -> str:
    lines = [f"# Rollout runbook: {ctx.cluster}", "",
             f"Mode: **{_mode(ctx)}** in {ctx.region}. {GENERATED_BY}", "",
             PLACEHOLDER_NOTE, "",
             "Files: " + ", ".join(f"`{n}`" for n in names if n != "runbook.md") + ".", ""]
    if ctx.auto_mode:
        pass
    elif not ctx.ipv6 and ctx.custom_networking:
        lines += ["The steps below change an existing cluster. For a new cluster: build the VPC, CIDR and subnets, "
                  "create the cluster without node groups (`eksctl create cluster -f eksctl-cluster.yaml "
                  "--without-nodegroup`, or `terraform-eks.tf` applied without `eks_managed_node_groups`), apply "
                  "`eniconfigs.yaml`, then create the node groups (`eksctl create nodegroup -f eksctl-cluster.yaml`); "
                  "with custom networking pods never get the primary ENI's addresses, so a node without its ENIConfig has "
                  "none to give. Skip the steps about old nodes.", ""]
    elif not ctx.ipv6 and ctx.prefix:
        lines += ["The steps below change an existing cluster. For a new cluster, build the subnets, run "
                  "`subnet-cidr-reservations.sh`, then create it with `eksctl-cluster.yaml` or `terraform-eks.tf` (the "
                  "vpc-cni add-on gets these settings before the first node) and skip the steps about old nodes.", ""]
    for i, step in enumerate(runbook_steps(ctx), 1):
        lines.append(f"## {i}. {step.title}")
        lines.append("")
        if step.text:
            lines += [step.text, ""]
        if step.commands:
            lines.append("```bash")
            lines += [format_command(argv) for argv in step.commands]
            lines += ["```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def runbook_commands(ctx: ArtefactContext) -> list[list[str]]:
    """Every command of the runbook as argv (for tests)."""
    return [c for s in runbook_steps(ctx) for c in s.commands]

