"""AL2023 nodeadm ``NodeConfig`` with kubelet ``maxPods``, wrapped as managed-node-group user data.

Managed node group launch templates need Amazon Linux user data as MIME multipart; EKS merges its own
bootstrap part (cluster name, endpoint, CA) unless the template names an AMI ID, so the NodeConfig here
only carries ``spec.kubelet.config.maxPods`` [EKS-LT] [NODEADM]. Several NodeConfigs merge in document
order, later values winning; whether EKS's own part comes before or after this one is UNCONFIRMED, hence
the note in the MIME preamble.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.snippets._base import GENERATED_BY, Context, GroupView, dump_yaml

NODECONFIG_CONTENT_TYPE = "application/node.eks.aws"
BOUNDARY = "EKSADVISOR-NODEADM-BOUNDARY"


def nodeconfig(max_pods: int) -> dict[str, Any]:
    return {
        "apiVersion": "node.eks.aws/v1alpha1",
        "kind": "NodeConfig",
        "spec": {"kubelet": {"config": {"maxPods": int(max_pods)}}},
    }


def nodeconfig_yaml(max_pods: int) -> str:
    return dump_yaml(nodeconfig(max_pods))


def userdata_mime(ctx: Context, group: GroupView) -> str:
    """The MIME multipart user data, written out directly: byte-identical to what the stdlib's
    ``email.mime`` builds and ``as_string()`` prints for it (tests check that), without importing the
    email package on the advise path (several milliseconds of start-up)."""
    preamble = "\n".join([
        f"AL2023 user data for node group {group.name} of cluster {ctx.cluster}: kubelet maxPods {group.max_pods}.",
        GENERATED_BY,
        "Use it in the managed node group's launch template (no AMI ID: EKS adds its own bootstrap part).",
        "NodeConfigs merge in order, later values win; the order against EKS's own part is UNCONFIRMED:",
        "check kubelet's maxPods on a new node.",
    ])
    payload = nodeconfig_yaml(group.max_pods)
    if "\r" in preamble + payload:  # never: names are validated and the YAML is generated here
        raise AssertionError("carriage return in MIME user data")
    text = (
        f'Content-Type: multipart/mixed; boundary="{BOUNDARY}"\nMIME-Version: 1.0\n\n'
        f"{preamble}\n--{BOUNDARY}\n"
        f"Content-Type: {NODECONFIG_CONTENT_TYPE}\nMIME-Version: 1.0\n\n"
        f"{payload}\n--{BOUNDARY}--\n"
    )
    if text.count(BOUNDARY) != 3:  # header, one part, closing: the YAML itself never contains it
        raise AssertionError("MIME boundary collision")
    return text


def userdata_name(group: GroupView) -> str:
    return f"nodeadm-userdata-{group.k8s_name}.mime"
