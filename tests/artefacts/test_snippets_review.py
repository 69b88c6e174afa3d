"""Correctness fixes from the configuration review, each with the values the authority gives.

* IPv6: ``ENABLE_IPv6`` is an aws-node env var for a self-managed CNI, not a key of the vpc-cni add-on's
  ``configurationValues`` (the v1.15.1 add-on schema rejects it; eksctl's IPv6 clusters pass no such value,
  EKS configures the add-on from the cluster's ipFamily) -- facts §5, §8, schemas README 4a.
* terraform-aws-eks node groups: ``iam_role_attach_cni_policy = false`` (aws-node has its own role; in an IPv6
  cluster the module would otherwise attach a policy expected under the fixed name AmazonEKS_CNI_IPv6_Policy).
* Multus: AWS publishes thin manifests for v3.x and thick ones for v4.0.2/v4.1.4 only (facts §7).
* EKS Auto Mode: AWS runs pod networking; no VPC CNI artefact applies, networking goes on the NodeClass
  (facts §10).
"""

from __future__ import annotations

import json

import jsonschema
import yaml

from eksadvisor.artefacts import build_artefact_context, build_snippets
from eksadvisor.artefacts.runbook import runbook_md
from tests.artefacts.snippets_support import (
    boolean_or_integer_format_checker,
    ipv6_case,
    json_schema,
    parse_hcl,
    shell_commands,
)

ADDON_4A = "eks-addon-vpc-cni-v1.15.1-eksbuild.1.configuration.schema.json"


def _docs(text: str) -> list:
    return [d for d in yaml.safe_load_all(text) if d is not None]


def _answers(**extra):
    from eksadvisor.answers import validate_answers

    base = {"version": 1, "cluster_name": "auto1", "region": "us-east-1",
            "node_groups": [{"name": "general", "instance_types": ["m5.large"], "desired_nodes": 3, "max_nodes": 10,
                             "pods_per_node": 20}]}
    base.update(extra)
    return validate_answers(base)


def _advised(answers):
    from eksadvisor.decide.advisor import advise

    rec = advise(answers)
    return rec, build_snippets(rec, answers)


# ------------------------------------------------------------------------------------------------ IPv6

def test_ipv6_add_on_configuration_has_no_enable_ipv6(shared_dir):
    out = build_snippets(*ipv6_case())
    expected = {"env": {"ENABLE_POD_ENI": "true", "ENABLE_PREFIX_DELEGATION": "true"},
                "init": {"env": {"DISABLE_TCP_EARLY_DEMUX": "true"}},
                "livenessProbeTimeoutSeconds": 30, "readinessProbeTimeoutSeconds": 30}
    assert json.loads(out["vpc-cni-addon.json"]) == expected
    # now valid against the only verbatim add-on schema, with nothing stripped
    jsonschema.Draft6Validator(json_schema(ADDON_4A), format_checker=boolean_or_integer_format_checker()).validate(expected)
    (eksctl,) = _docs(out["eksctl-cluster.yaml"])
    cni = next(a for a in eksctl["addons"] if a["name"] == "vpc-cni")
    assert json.loads(cni["configurationValues"]) == expected
    tf = parse_hcl(out["terraform-eks.tf"])
    assert tf["module"][0]["eks"]["addons"]["vpc-cni"]["configuration_values"] == expected
    for verb in ("create-addon", "update-addon"):
        (argv,) = [c for c in shell_commands(out["addon-commands.sh"]) if c[:3] == ["aws", "eks", verb]]
        assert json.loads(argv[argv.index("--configuration-values") + 1]) == expected
    # shown as a judgement, not as fact, wherever the add-on configuration is written
    for name in ("addon-commands.sh", "eksctl-cluster.yaml", "terraform-eks.tf"):
        assert "ENABLE_IPv6 (with ENABLE_IPv4=false) is not in the add-on configuration" in out[name]
        assert "UNCONFIRMED" in out[name]


def test_ipv6_self_managed_aws_node_still_gets_enable_ipv6(shared_dir):
    cmds = shell_commands(build_snippets(*ipv6_case())["aws-node-env.sh"])
    (set_env,) = [c for c in cmds if c[:3] == ["kubectl", "set", "env"]]
    assert "ENABLE_IPv6=true" in set_env
    (patch,) = [c for c in cmds if c[:3] == ["kubectl", "patch", "daemonset"]]
    init = json.loads(patch[-1])["spec"]["template"]["spec"]["initContainers"][0]
    assert init["name"] == "aws-vpc-cni-init"
    assert {"name": "ENABLE_IPv6", "value": "true"} in init["env"]


def test_ipv4_add_on_notes_do_not_mention_enable_ipv6(shared_dir):
    from tests.artefacts.snippets_support import example_answers, payments_rec

    out = build_snippets(payments_rec(), example_answers("exhausted-onprem"))
    assert "ENABLE_IPv6" not in out["addon-commands.sh"] + out["eksctl-cluster.yaml"] + out["terraform-eks.tf"]


# ------------------------------------------------------------------------------------ terraform node roles

def test_terraform_node_groups_do_not_attach_a_cni_policy(shared_dir):
    out = build_snippets(*ipv6_case())
    groups = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]["eks_managed_node_groups"]
    assert sorted(groups) == ["graviton"]  # Windows is left out of an IPv6 cluster
    assert all(g["iam_role_attach_cni_policy"] is False for g in groups.values())
    from tests.artefacts.snippets_support import example_answers, payments_rec

    ipv4 = parse_hcl(build_snippets(payments_rec(), example_answers("exhausted-onprem"))["terraform-eks.tf"])
    assert ipv4["module"][0]["eks"]["eks_managed_node_groups"]["workers"]["iam_role_attach_cni_policy"] is False
    # the IPv6 policy the aws-node role gets is our own resource, not the module's fixed-name one
    assert 'policy_arn = aws_iam_policy.vpc_cni_ipv6.arn' in out["terraform-eks.tf"]
    assert "iam_role_attach_cni_policy = false" in out["terraform-eks.tf"]  # the header explains it


# --------------------------------------------------------------------------------------------- Multus

def test_multus_thin_v4_is_not_an_aws_manifest(shared_dir):
    answers = _answers(cluster_name="m1", multus={"needed": True, "plugin": "thin", "version": "v4.1.1",
                                                  "networks": [{"name": "n1", "type": "ipvlan", "master": "eth1",
                                                                "cidr": "192.168.50.0/24"}]})
    _, out = _advised(answers)
    text = out["runbook.md"]
    assert "AWS publishes no thin manifest for v4.1.1" in text
    assert "thin v3.7.2, v3.8.0, v3.9.0, v3.9.1, v3.9.2; thick v4.0.2, v4.1.4" in text
    assert "AWS publishes no Multus version support matrix that we could find." in text
    assert "the manifest AWS publishes for that version" not in text


def test_multus_thick_v4_1_4_names_the_fixed_build(shared_dir):
    text = build_snippets(*ipv6_case())["runbook.md"]
    assert "from the manifest AWS publishes for that version (aws/amazon-vpc-cni-k8s, config/multus/)" in text
    assert "v4.1.4-eksbuild.3" in text and "v4.2.3" in text


# ------------------------------------------------------------------------------------------ Auto Mode

def test_auto_mode_emits_no_vpc_cni_artefacts(shared_dir):
    rec, out = _advised(_answers(operations={"auto_mode": True}))
    assert list(out) == ["eksctl-cluster.yaml", "terraform-eks.tf", "terraform-vpc.tf", "automode-nodeclass.yaml",
                         "subnet-tags.sh", "runbook.md"]
    assert rec.snippets == out
    (doc,) = _docs(out["eksctl-cluster.yaml"])
    jsonschema.Draft7Validator(json_schema("eksctl-clusterconfig-v1alpha5.schema.json")).validate(doc)
    # built-in pools off: their default NodeClass would use the cluster (control-plane) subnets [EKS-AUTO-NC]
    assert doc["autoModeConfig"] == {"enabled": True, "nodePools": []}
    assert "addons" not in doc and "managedNodeGroups" not in doc
    module = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]
    assert module["compute_config"] == {"enabled": True, "node_pools": []}
    assert module["create_node_iam_role"] is False
    assert "addons" not in module and "eks_managed_node_groups" not in module
    assert "resource" not in parse_hcl(out["terraform-eks.tf"])  # no aws-node IRSA role
    nodeclass, pool = _docs(out["automode-nodeclass.yaml"])
    assert nodeclass["apiVersion"] == "eks.amazonaws.com/v1" and nodeclass["kind"] == "NodeClass"
    assert pool["spec"]["template"]["spec"]["nodeClassRef"] == {"group": "eks.amazonaws.com", "kind": "NodeClass",
                                                                "name": "pod-networking"}
    assert nodeclass["spec"]["subnetSelectorTerms"] == [{"id": "<SUBNET_ID:auto1-private-us-east-1a>"},
                                                        {"id": "<SUBNET_ID:auto1-private-us-east-1b>"},
                                                        {"id": "<SUBNET_ID:auto1-private-us-east-1c>"}]
    assert "podSubnetSelectorTerms" not in nodeclass["spec"]
    assert "Mode: **EKS Auto Mode (IPv4)**" in out["runbook.md"]
    assert "aws-node-env.sh" not in out["runbook.md"] and "AmazonEKS_CNI_Policy" not in out["runbook.md"]
    from eksadvisor.artefacts.runbook import runbook_commands

    role = "arn:aws:iam::<ACCOUNT_ID>:role/<AUTO_MODE_NODE_ROLE>"
    assert runbook_commands(build_artefact_context(rec, _answers(operations={"auto_mode": True}))) == [
        ["aws", "eks", "create-access-entry", "--cluster-name", "auto1", "--region", "us-east-1",
         "--principal-arn", role, "--type", "EC2"],
        ["aws", "eks", "associate-access-policy", "--cluster-name", "auto1", "--region", "us-east-1",
         "--principal-arn", role, "--policy-arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy",
         "--access-scope", "type=cluster"],
        ["kubectl", "apply", "-f", "automode-nodeclass.yaml"],
    ]
    assert nodeclass["spec"]["role"] == "<AUTO_MODE_NODE_ROLE>"


def test_auto_mode_pod_subnets_use_pod_subnet_selectors(shared_dir):
    from tests.artefacts.snippets_support import example_answers, payments_rec

    answers = example_answers("exhausted-onprem").model_copy(deep=True)
    answers.operations.auto_mode = True
    out = build_snippets(payments_rec(), answers)
    assert "eniconfigs.yaml" not in out and "vpc-cni-addon.json" not in out and "karpenter.yaml" not in out
    nodeclass, *_ = _docs(out["automode-nodeclass.yaml"])
    assert nodeclass["spec"]["podSubnetSelectorTerms"] == [{"id": f"<SUBNET_ID:pod-eu-central-1{z}>"}
                                                           for z in "abc"]
    assert nodeclass["spec"]["podSecurityGroupSelectorTerms"] == [{"id": "<SECURITY_GROUP_ID:pod>"}]


def test_auto_mode_with_sgp_and_multus_says_what_is_unsupported(shared_dir):
    answers = _answers(operations={"auto_mode": True}, security_groups_for_pods={"needed": True},
                       multus={"needed": True, "networks": [{"name": "n1", "type": "ipvlan", "master": "eth1",
                                                             "cidr": "192.168.50.0/24"}]})
    rec, out = _advised(answers)
    assert "securitygrouppolicy.yaml" not in out
    (doc,) = _docs(out["eksctl-cluster.yaml"])
    assert "vpcResourceControllerPolicy" not in doc["iam"]
    assert "Multus in Auto Mode is not confirmed by AWS (likely unsupported)" in out["multus-nad.yaml"]
    ctx = build_artefact_context(rec, answers)
    text = runbook_md(ctx, list(out))
    assert "Security Groups for Pods were asked for: they need a cluster without Auto Mode." in text
    assert "Multus in Auto Mode is not confirmed by AWS (likely unsupported)" in text


# ------------------------------------------------------------------------------------------- Windows

def test_ipv6_cluster_config_leaves_windows_groups_out(shared_dir):
    out = build_snippets(*ipv6_case())
    (doc,) = _docs(out["eksctl-cluster.yaml"])
    assert [g["name"] for g in doc["managedNodeGroups"]] == ["graviton"]
    assert "Windows node group(s) win left out: IPv6 clusters do not support Windows nodes." in out["eksctl-cluster.yaml"]
    groups = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]["eks_managed_node_groups"]
    assert sorted(groups) == ["graviton"]
    assert "Windows node group(s) win left out" in out["terraform-eks.tf"]
    assert "Max pods per Linux group: `graviton`: maxPods 110." in out["runbook.md"]
    assert "`win`: maxPods" not in out["runbook.md"]


def test_ipv4_windows_group_keeps_eks_max_pods(shared_dir):
    answers = _answers(cluster_name="w1", node_groups=[
        {"name": "general", "instance_types": ["m5.large"], "desired_nodes": 3, "max_nodes": 10, "pods_per_node": 20},
        {"name": "win", "instance_types": ["m5.large"], "desired_nodes": 2, "max_nodes": 4, "pods_per_node": 10,
         "os": "windows"}])
    rec, out = _advised(answers)
    (doc,) = _docs(out["eksctl-cluster.yaml"])
    win = next(g for g in doc["managedNodeGroups"] if g["name"] == "win")
    assert win["amiFamily"] == "WindowsServer2022CoreContainer" and "maxPodsPerNode" not in win
    groups = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]["eks_managed_node_groups"]
    assert groups["win"]["ami_type"] == "WINDOWS_CORE_2022_x86_64" and "cloudinit_pre_nodeadm" not in groups["win"]
    general = next(g for g in rec.node_groups if g.name == "general")
    assert f"Max pods per Linux group: `general`: maxPods {general.max_pods}." in out["runbook.md"]
    assert "Windows groups (`win`) keep EKS's own max pods" in out["runbook.md"]


def test_auto_mode_artefacts_are_deterministic_and_well_formed(shared_dir):
    from eksadvisor.artefacts import PLACEHOLDER_RE, find_placeholders

    answers = _answers(operations={"auto_mode": True})
    rec, out = _advised(answers)
    assert build_snippets(rec, answers) == out
    for name, text in out.items():
        assert text.endswith("\n") and not text.endswith("\n\n") and text.isascii(), name
        for token in find_placeholders(text):
            assert PLACEHOLDER_RE.fullmatch(token)
    assert out["subnet-tags.sh"].startswith("#!/usr/bin/env bash\n")


# ------------------------------------------------------------------------------------------ custom AMI

def test_custom_ami_user_data_carries_the_cluster_fields(shared_dir):
    import email

    from tests.artefacts.snippets_support import nodeadm_schema

    rec, out = _advised(_answers(cluster_name="ami1", operations={"custom_ami": True}))
    msg = email.message_from_string(out["nodeadm-userdata-general.mime"])
    (part,) = msg.get_payload()
    (doc,) = _docs(part.get_payload())
    jsonschema.Draft4Validator(nodeadm_schema()).validate(doc)
    assert doc["spec"]["cluster"] == {"name": "ami1", "apiServerEndpoint": "<API_SERVER_ENDPOINT>",
                                      "certificateAuthority": "<CERTIFICATE_AUTHORITY>", "cidr": "<SERVICE_CIDR>"}
    assert doc["spec"]["kubelet"]["config"]["maxPods"] == rec.node_groups[0].max_pods == 29  # m5.large, secondary IP
    assert "EKS adds no bootstrap part" in msg.preamble
    assert "eksctl rejects maxPodsPerNode together with ami" in out["eksctl-cluster.yaml"]


def test_eks_ami_user_data_has_no_cluster_fields(shared_dir):
    import email

    _, out = _advised(_answers(cluster_name="std1"))
    (part,) = email.message_from_string(out["nodeadm-userdata-general.mime"]).get_payload()
    (doc,) = _docs(part.get_payload())
    assert doc["spec"] == {"kubelet": {"config": {"maxPods": 29}}}
