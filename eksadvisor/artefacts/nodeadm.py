"""AL2023 nodeadm ``NodeConfig`` with kubelet ``maxPods``, wrapped as managed-node-group user data.

Managed node group launch templates need Amazon Linux user data as MIME multipart; EKS merges its own
bootstrap part (cluster name, endpoint, CA) unless the template names an AMI ID, so the NodeConfig here
only carries ``spec.kubelet.config.maxPods`` [EKS-LT] [NODEADM]. Several NodeConfigs merge in document
order, later values winning; whether EKS's own part comes before or after this one is UNCONFIRMED, hence
the note in the MIME preamble.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.artefacts._base import GENERATED_BY, ArtefactContext, GroupView, dump_yaml, placeholder

NODECONFIG_CONTENT_TYPE = "application/node.eks.aws"
BOUNDARY = "EKSADVISOR-NODEADM-BOUNDARY"


def nodeconfig(max_pods: int, cluster: str | None = None) -> dict[str, Any]:
    """``cluster`` given (custom AMI): the cluster fields nodeadm then needs, since there is no EKS bootstrap part
    and nodeadm does not call DescribeCluster [EKS-LT] [NODEADM]."""
    spec: dict[str, Any] = {}
    if cluster is not None:
        spec["cluster"] = {"name": cluster, "apiServerEndpoint": placeholder("API_SERVER_ENDPOINT"),
                           "certificateAuthority": placeholder("CERTIFICATE_AUTHORITY"),
                           "cidr": placeholder("SERVICE_CIDR")}
    spec["kubelet"] = {"config": {"maxPods": int(max_pods)}}
    return {"apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig", "spec": spec}


def nodeconfig_yaml(max_pods: int, cluster: str | None = None) -> str:
    return dump_yaml(nodeconfig(max_pods, cluster))


def userdata_mime(ctx: ArtefactContext, group: GroupView) -> str:
    """The MIME multipart user data, written out directly: byte-identical to what the stdlib's
    ``email.mime`` builds and ``as_string()`` prints for it (tests check that), without importing the
    email package on the advise path (several milliseconds of start-up)."""
    custom_ami = bool(getattr(ctx, "custom_ami", False))
    if custom_ami:
        how = ["Custom AMI (launch template with an AMI ID): EKS adds no bootstrap part and nodeadm does not call",
               "DescribeCluster, so the cluster fields are here: fill them in from aws eks describe-cluster",
               "(endpoint, certificateAuthority.data, kubernetesNetworkConfig service CIDR) [EKS-LT]."]
    else:
        how = ["Use it in the managed node group's launch template (no AMI ID: EKS adds its own bootstrap part).",
               "NodeConfigs merge in order, later values win; the order against EKS's own part is UNCONFIRMED:",
               "check kubelet's maxPods on a new node."]
    preamble = "\n".join([
        f"AL2023 user data for node group {group.name} of cluster {ctx.cluster}: kubelet maxPods {group.max_pods}.",
        GENERATED_BY,
        *how,
    ])
    payload = nodeconfig_yaml(group.max_pods, ctx.cluster if custom_ami else None)
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
