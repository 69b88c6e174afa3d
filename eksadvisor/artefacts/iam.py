"""The VPC CNI's own IAM role (seed: "Use Separate IAM Role for CNI") and the IPv6 custom policy.

* IRSA: a role trusted by the cluster's OIDC provider for ``system:serviceaccount:kube-system:aws-node``,
  used by ``--service-account-role-arn`` [EKS-ADDON-IAM].
* Pod Identity: a role trusted by ``pods.eks.amazonaws.com`` and associated with ``aws-node`` through the
  add-on (vpc-cni supports it from v1.15.5-eksbuild.1) [EKS-ADDON-IAM].
* IPv4 clusters attach the managed ``AmazonEKS_CNI_Policy``; it is IPv4-only, so IPv6 clusters get a
  custom policy [EKS-CNI-IAM]: the actions of AWS's documented IPv6 policy, plus ``ec2:DescribeSubnets``
  when VPC CNI >= 1.18 (subnet discovery needs it, [EKS-SUBSEL]) and ``ec2:DescribeSecurityGroups``
  (listed by the CNI repository's own IPv6 policy, [CNI-IAMDOC]). Each group is a separate statement whose
  ``Sid`` says where it comes from.
"""

from __future__ import annotations

from typing import Any

from eksadvisor.artefacts._base import (
    ArtefactContext,
    Script,
    account_placeholder,
    compact_json,
    dump_json,
    placeholder,
)

SERVICE_ACCOUNT = "system:serviceaccount:kube-system:aws-node"
IPV6_POLICY_NAME = "AmazonEKS_CNI_IPv6_Policy"
POD_IDENTITY_MIN = (1, 15, 5)


def managed_cni_policy_arn(ctx: ArtefactContext) -> str:
    return f"arn:{ctx.partition}:iam::aws:policy/AmazonEKS_CNI_Policy"


def ipv6_policy_arn(ctx: ArtefactContext) -> str:
    return f"arn:{ctx.partition}:iam::{account_placeholder()}:policy/{IPV6_POLICY_NAME}"


def oidc_provider(ctx: ArtefactContext) -> str:
    return f"{ctx.oidc_host}/id/{placeholder('OIDC_PROVIDER_ID')}"


def irsa_trust_policy(ctx: ArtefactContext) -> dict[str, Any]:
    provider = oidc_provider(ctx)
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:{ctx.partition}:iam::{account_placeholder()}:oidc-provider/{provider}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{provider}:aud": "sts.amazonaws.com", f"{provider}:sub": SERVICE_ACCOUNT}},
        }],
    }


def pod_identity_trust_policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }],
    }


def ipv6_policy(ctx: ArtefactContext) -> dict[str, Any]:
    statements: list[dict[str, Any]] = [
        {
            "Sid": "EksDocumentedIpv6",
            "Effect": "Allow",
            "Action": ["ec2:AssignIpv6Addresses", "ec2:DescribeInstances", "ec2:DescribeTags",
                       "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes"],
            "Resource": "*",
        },
        {
            "Sid": "EksDocumentedIpv6CreateTags",
            "Effect": "Allow",
            "Action": ["ec2:CreateTags"],
            "Resource": [f"arn:{ctx.partition}:ec2:*:*:network-interface/*"],
        },
    ]
    if ctx.cni >= (1, 18, 0):
        statements.append({"Sid": "SubnetDiscovery", "Effect": "Allow", "Action": ["ec2:DescribeSubnets"], "Resource": "*"})
    statements.append({"Sid": "CniRepositoryIpv6Policy", "Effect": "Allow", "Action": ["ec2:DescribeSecurityGroups"],
                       "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def cni_policy_commands(ctx: ArtefactContext, s: Script, role_name: str) -> None:
    if ctx.ipv6:
        s.blank().comment("IPv6: AmazonEKS_CNI_Policy covers IPv4 only, so create and attach the custom policy "
                          "(cni-ipv6-policy.json).")
        s.run("aws", "iam", "create-policy", "--policy-name", IPV6_POLICY_NAME, "--policy-document", compact_json(ipv6_policy(ctx)))
        s.run("aws", "iam", "attach-role-policy", "--role-name", role_name, "--policy-arn", ipv6_policy_arn(ctx))
    else:
        s.blank().comment("Attach the managed AmazonEKS_CNI_Policy (IPv4).")
        s.run("aws", "iam", "attach-role-policy", "--role-name", role_name, "--policy-arn", managed_cni_policy_arn(ctx))


def irsa_script(ctx: ArtefactContext) -> Script:
    s = Script(
        title=f"A dedicated IAM role for the VPC CNI of cluster {ctx.cluster}, bound to aws-node with IRSA.",
        notes=["Afterwards remove AmazonEKS_CNI_Policy from the node role (runbook.md)."],
    )
    s.comment("The cluster needs an IAM OIDC provider; its ID is the last part of:",
              f"  aws eks describe-cluster --name {ctx.cluster} --region {ctx.region} "
              "--query cluster.identity.oidc.issuer --output text")
    s.blank().comment("Role trusted by the cluster's OIDC provider for kube-system/aws-node only (cni-iam-trust-policy.json).")
    s.run("aws", "iam", "create-role", "--role-name", ctx.cni_role_name, "--description",
          f"VPC CNI (aws-node) role of EKS cluster {ctx.cluster}", "--assume-role-policy-document",
          compact_json(irsa_trust_policy(ctx)))
    cni_policy_commands(ctx, s, ctx.cni_role_name)
    return s


def pod_identity_role_name(ctx: ArtefactContext) -> str:
    return f"{ctx.cluster[:50]}-vpc-cni-pod-id"


def pod_identity_script(ctx: ArtefactContext) -> Script:
    role = pod_identity_role_name(ctx)
    role_arn = f"arn:{ctx.partition}:iam::{account_placeholder()}:role/{role}"
    s = Script(
        title=f"Alternative to IRSA: EKS Pod Identity for the VPC CNI of cluster {ctx.cluster}.",
        notes=["vpc-cni supports Pod Identity from add-on version v1.15.5-eksbuild.1; if both IRSA and Pod Identity "
               "are configured and the agent runs, Pod Identity wins [EKS-ADDON-IAM]."],
    )
    s.comment("Role trusted by the EKS Pod Identity service.")
    s.run("aws", "iam", "create-role", "--role-name", role, "--description",
          f"VPC CNI (aws-node) Pod Identity role of EKS cluster {ctx.cluster}", "--assume-role-policy-document",
          compact_json(pod_identity_trust_policy()))
    cni_policy_commands(ctx, s, role)
    s.blank().comment("The Pod Identity agent add-on must run before the association is used.")
    s.run("aws", "eks", "create-addon", "--cluster-name", ctx.cluster, "--region", ctx.region,
          "--addon-name", "eks-pod-identity-agent")
    s.blank().comment("Associate the role with aws-node through the vpc-cni add-on (owned by the add-on; changing it "
                      "restarts aws-node).")
    s.run("aws", "eks", "update-addon", "--cluster-name", ctx.cluster, "--region", ctx.region, "--addon-name", "vpc-cni",
          "--pod-identity-associations", compact_json([{"serviceAccount": "aws-node", "roleArn": role_arn}]))
    return s


def trust_policy_json(ctx: ArtefactContext) -> str:
    return dump_json(irsa_trust_policy(ctx))


def ipv6_policy_json(ctx: ArtefactContext) -> str:
    return dump_json(ipv6_policy(ctx))
