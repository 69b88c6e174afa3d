"""Generated configuration: each artefact validates against the published schema in tests/fixtures/shared/schemas
(with the README's quirks handled) or, for Terraform, parses with python-hcl2 and round-trips its values."""

from __future__ import annotations

import copy
import email
import ipaddress
import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
import yaml

from eksadvisor.artefacts import (
    PLACEHOLDER_RE,
    awsnode,
    build_artefact_context,
    build_snippets,
    eniconfig,
    find_placeholders,
    iam,
    k8s,
    karpenter,
    nodeadm,
    runbook,
    subnets,
)
from eksadvisor.artefacts.eksctl import cluster_config, configuration_values_of
from tests.artefacts.snippets_support import (
    all_cases,
    boolean_or_integer_format_checker,
    crd_schema,
    json_schema,
    nodeadm_schema,
    parse_hcl,
    shell_commands,
    strict,
)

CASES = all_cases()
CONTEXTS = {name: build_artefact_context(*CASES[name]) for name in CASES}
ADDON_4A = "eks-addon-vpc-cni-v1.15.1-eksbuild.1.configuration.schema.json"
HELM_4B = "aws-vpc-cni-helm-values-v1.23.1.derived.schema.json"


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request, shared_dir):
    rec, answers = CASES[request.param]
    return SimpleNamespace(name=request.param, rec=rec, answers=answers, ctx=build_artefact_context(rec, answers),
                           out=build_snippets(rec, answers))


def cases_where(applies: Callable[[Any], bool]) -> Any:
    """Parametrise a test over the cases whose context (what the answers and the recommendation say, never which
    files were generated) makes its artefact apply: a case that does not apply is not collected, and an artefact
    that stops being generated where it applies fails its test instead of skipping it."""
    names = [name for name in sorted(CASES) if applies(CONTEXTS[name])]
    assert names, "no case applies: the test would check nothing"
    return pytest.mark.parametrize("case", names, indirect=True)


def _windows_nodes(ctx: Any) -> bool:
    """Windows nodes the VPC CNI's Windows IPAM serves: an IPv4 cluster not in Auto Mode (as test_names_follow_the_mode)."""
    return ctx.ip_family == "ipv4" and not ctx.auto_mode and any(g.os == "windows" for g in ctx.groups)


def _docs(text: str) -> list:
    return [d for d in yaml.safe_load_all(text) if d is not None]


def _validate_addon_4a(config: dict, ctx) -> None:
    """4a with its string-boolean/integer formats enforced; keys newer than v1.15.1 are stripped (README 4a)."""
    trimmed = copy.deepcopy(config)
    for key in awsnode.keys_newer_than_schema(ctx):
        *path, leaf = key.split(".")
        node = trimmed
        for p in path:
            node = node[p]
        del node[leaf]
    if trimmed.get("init") == {"env": {}}:
        del trimmed["init"]
    if trimmed.get("env") == {}:
        del trimmed["env"]
    jsonschema.Draft6Validator(json_schema(ADDON_4A), format_checker=boolean_or_integer_format_checker()).validate(trimmed)


def _validate_helm_4b(config: dict) -> None:
    jsonschema.Draft7Validator(json_schema(HELM_4B)).validate(config)


# ------------------------------------------------------------------------------------------ the set

def test_names_follow_the_mode(case):
    names = list(case.out)
    ctx = case.ctx
    assert names[0] == "aws-node-env.sh" and names[-1] == "runbook.md"
    assert ("eniconfigs.yaml" in names) == (ctx.custom_networking and not ctx.ipv6)
    assert ("securitygrouppolicy.yaml" in names) == ctx.sgp
    assert ("multus-nad.yaml" in names) == bool(ctx.multus and ctx.multus_networks)
    assert ("aws-node-probe-patch.yaml" in names) == ctx.data_intensive
    assert ("cni-ipv6-policy.json" in names) == ctx.ipv6
    assert ("subnet-cidr-reservations.sh" in names) == (ctx.prefix and not ctx.ipv6)
    windows_nodes = _windows_nodes(ctx)
    assert ("windows-ipam-configmap.yaml" in names) == windows_nodes
    assert (json.loads(case.out["vpc-cni-addon.json"]).get("enableWindowsIpam") == "true") == windows_nodes
    linux = [g for g in ctx.groups if g.os == "linux"]
    assert [n for n in names if n.startswith("nodeadm-userdata-")] == [f"nodeadm-userdata-{g.k8s_name}.mime" for g in linux]
    for must in ("vpc-cni-addon.json", "addon-commands.sh", "eksctl-cluster.yaml", "terraform-eks.tf",
                 "terraform-vpc.tf", "cni-iam-role.sh", "cni-iam-trust-policy.json"):
        assert must in names


def test_documented_order_is_restored_from_any_storage_order(case):
    from eksadvisor.artefacts import ORDER, ordered

    assert list(ordered(dict(sorted(case.out.items())))) == list(case.out)
    assert list(ordered(dict(reversed(list(case.out.items()))))) == list(case.out)
    for name in case.out:
        assert name in ORDER or name.startswith("nodeadm-userdata-")


def test_same_answers_same_bytes(case):
    again = build_snippets(case.rec, case.answers)
    assert again == case.out and list(again) == list(case.out)
    # duck-typed input (plain dicts) gives the same bytes as the pydantic models
    assert build_snippets(case.rec.model_dump(mode="json"), case.answers.model_dump(mode="json")) == case.out


def test_everything_ends_with_one_newline_and_is_ascii(case):
    for name, text in case.out.items():
        assert text.endswith("\n") and not text.endswith("\n\n\n"), name
        text.encode("ascii")


def test_placeholders_are_well_formed(case):
    """Every `<...>` token in the output is a placeholder token; subnet placeholders name planned subnets."""
    names = {s.name for s in case.ctx.subnets} | {f"pod-{az}" for az in case.ctx.azs} | {"private"}
    for name, text in case.out.items():
        for token in find_placeholders(text):
            kind = token[1:-1].split(":")[0]
            assert kind in {"ACCOUNT_ID", "SUBNET_ID", "SECURITY_GROUP_ID", "VPC_ID", "OIDC_PROVIDER_ID", "ADDON_VERSION",
                            "NAMESPACE", "APP_NAME", "KARPENTER_NODE_ROLE", "CLUSTER_ROLE_NAME", "NODE_ROLE_NAME",
                            "OLD_NODEGROUP", "ROUTE_TABLE_ID", "TRANSIT_GATEWAY_ID"}, (name, token)
            if kind == "SUBNET_ID":
                assert token[len("<SUBNET_ID:"):-1] in names, (name, token)


# ------------------------------------------------------------------------------- add-on and aws-node

def test_addon_schema_key_sets_match_the_v1_15_1_schema(shared_dir):
    schema = json_schema(ADDON_4A)
    assert set(schema["definitions"]["Env"]["properties"]) == awsnode.ADDON_ENV_KEYS_V1_15_1
    assert set(schema["definitions"]["InitEnv"]["properties"]) == awsnode.ADDON_INIT_ENV_KEYS_V1_15_1


def test_format_checker_enforces_string_booleans_and_integers(shared_dir):
    v = jsonschema.Draft6Validator(json_schema(ADDON_4A), format_checker=boolean_or_integer_format_checker())
    assert v.is_valid({"env": {"ENABLE_PREFIX_DELEGATION": "true", "WARM_PREFIX_TARGET": "1"}})
    assert not v.is_valid({"env": {"ENABLE_PREFIX_DELEGATION": "yes"}})
    assert not v.is_valid({"env": {"WARM_PREFIX_TARGET": "one"}})
    assert not v.is_valid({"enableNetworkPolicy": True})
    assert not v.is_valid({"env": {"ENABLE_SUBNET_DISCOVERY": "true"}})  # README: newer than v1.15.1


def test_vpc_cni_addon_json_validates(case):
    config = json.loads(case.out["vpc-cni-addon.json"])
    assert config == awsnode.addon_configuration(case.ctx)
    add_on_env = {k: v for k, v in case.ctx.settings.items() if k not in ("ENABLE_IPv6", "ENABLE_IPv4")}
    assert config.get("env", {}) == add_on_env
    for k, v in case.rec.settings.items():
        if k not in ("ENABLE_IPv6", "ENABLE_IPv4"):
            assert config["env"][k] == v  # the recommendation's values are kept verbatim
    assert "ENABLE_IPv6" not in config.get("env", {}) and "ENABLE_IPv6" not in config.get("init", {}).get("env", {})
    _validate_addon_4a(config, case.ctx)
    _validate_helm_4b(config)
    if case.ctx.data_intensive:
        assert config["livenessProbeTimeoutSeconds"] == config["readinessProbeTimeoutSeconds"] == 30


def test_newer_keys_are_named_in_the_add_on_commands(case):
    newer = awsnode.keys_newer_than_schema(case.ctx)
    script = case.out["addon-commands.sh"]
    for key in newer:
        assert key in script
    if case.name == "fixture-exhausted-onprem":
        assert newer == ["env.ENABLE_SUBNET_DISCOVERY"]


def test_addon_commands_argv(case):
    cmds = shell_commands(case.out["addon-commands.sh"])
    assert cmds == awsnode.addon_commands_script(case.ctx).commands
    by_verb = {tuple(c[:3]): c for c in cmds}
    config = json.loads(case.out["vpc-cni-addon.json"])
    for verb, conflicts in (("create-addon", "OVERWRITE"), ("update-addon", "PRESERVE")):
        argv = by_verb[("aws", "eks", verb)]
        opts = dict(zip(argv[3::2], argv[4::2], strict=True))
        assert opts["--cluster-name"] == case.ctx.cluster and opts["--addon-name"] == "vpc-cni"
        assert opts["--region"] == case.ctx.region
        assert opts["--service-account-role-arn"] == f"arn:aws:iam::<ACCOUNT_ID>:role/{case.ctx.cluster}-vpc-cni"
        assert opts["--addon-version"] == f"<ADDON_VERSION:{case.ctx.addon_version_hint}-eksbuild.N>"
        assert json.loads(opts["--configuration-values"]) == config
        assert opts["--resolve-conflicts"] == conflicts


def test_aws_node_env_argv(case):
    cmds = shell_commands(case.out["aws-node-env.sh"])
    assert cmds == awsnode.aws_node_env_script(case.ctx).commands
    assert cmds[0] == ["kubectl", "get", "daemonset", "aws-node", "-n", "kube-system", "-o", "yaml"]
    set_env = [c for c in cmds if c[:3] == ["kubectl", "set", "env"]]
    if case.ctx.settings:
        (argv,) = set_env
        assert argv[3:8] == ["daemonset/aws-node", "-n", "kube-system", "-c", "aws-node"]
        assert dict(a.split("=", 1) for a in argv[8:]) == case.ctx.settings
    patches = [c for c in cmds if c[:2] == ["kubectl", "patch"]]
    if case.ctx.init_settings:
        (argv,) = patches
        patch = json.loads(argv[argv.index("-p") + 1])
        (init,) = patch["spec"]["template"]["spec"]["initContainers"]
        assert init["name"] == "aws-vpc-cni-init"
        assert {e["name"]: e["value"] for e in init["env"]} == case.ctx.init_settings
        _validate_daemonset(_merge_by_name(_aws_node_daemonset(), patch))


def _aws_node_daemonset() -> dict:
    probe = {"exec": {"command": ["/app/grpc-health-probe", "-addr=:50051"]}, "initialDelaySeconds": 60, "timeoutSeconds": 10}
    return {
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "aws-node", "namespace": "kube-system"},
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "aws-node"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "aws-node"}},
                "spec": {
                    "serviceAccountName": "aws-node", "hostNetwork": True,
                    "initContainers": [{"name": "aws-vpc-cni-init", "image": "example/amazon-k8s-cni-init:v1.19.2",
                                        "env": [{"name": "DISABLE_TCP_EARLY_DEMUX", "value": "false"}]}],
                    "containers": [{"name": "aws-node", "image": "example/amazon-k8s-cni:v1.19.2",
                                    "env": [{"name": "WARM_ENI_TARGET", "value": "1"}],
                                    "livenessProbe": dict(probe), "readinessProbe": dict(probe)}],
                },
            },
        },
    }


def _merge_by_name(ds: dict, patch: dict) -> dict:
    """The strategic-merge semantics these patches rely on: containers and env merge by name."""
    out = copy.deepcopy(ds)
    pspec = patch["spec"]["template"]["spec"]
    spec = out["spec"]["template"]["spec"]
    for key in ("containers", "initContainers"):
        for pc in pspec.get(key, []):
            (target,) = [c for c in spec[key] if c["name"] == pc["name"]]
            for field, value in pc.items():
                if field == "env":
                    env = {e["name"]: e for e in target.get("env", [])}
                    env.update({e["name"]: e for e in value})
                    target["env"] = list(env.values())
                elif isinstance(value, dict):
                    target.setdefault(field, {}).update(value)
                else:
                    target[field] = value
    return out


def _validate_daemonset(ds: dict) -> None:
    jsonschema.Draft4Validator(json_schema("k8s-v1.32.2-standalone-strict-daemonset-apps-v1.json")).validate(ds)


@cases_where(lambda ctx: ctx.data_intensive)
def test_probe_patch_validates_as_part_of_the_daemonset(case):
    (patch,) = _docs(case.out["aws-node-probe-patch.yaml"])
    merged = _merge_by_name(_aws_node_daemonset(), patch)
    _validate_daemonset(merged)
    (container,) = merged["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["timeoutSeconds"] == container["readinessProbe"]["timeoutSeconds"] == 30
    assert container["livenessProbe"]["exec"]  # the probe itself is untouched
    bad = copy.deepcopy(merged)
    bad["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["timeoutSecond"] = 30
    with pytest.raises(jsonschema.ValidationError):
        _validate_daemonset(bad)


# ---------------------------------------------------------------------------------------- ENIConfig

@cases_where(lambda ctx: ctx.custom_networking and not ctx.ipv6)
def test_eniconfigs_validate_and_follow_the_azs(case):
    schema = strict(crd_schema("eniconfig-crd.k8s.amazonaws.com-v1alpha1.yaml", "v1alpha1"))
    docs = _docs(case.out["eniconfigs.yaml"])
    for doc in docs:
        jsonschema.Draft4Validator(schema).validate(doc)
        assert doc["apiVersion"] == "crd.k8s.amazonaws.com/v1alpha1" and doc["kind"] == "ENIConfig"
    assert [d["metadata"]["name"] for d in docs] == case.ctx.azs
    pods = {s.az: s.name for s in case.ctx.subnets_of("pod")}
    assert [d["spec"]["subnet"] for d in docs] == [f"<SUBNET_ID:{pods[az]}>" for az in case.ctx.azs]
    assert case.ctx.settings["ENI_CONFIG_LABEL_DEF"] == "topology.kubernetes.io/zone"
    assert case.ctx.settings["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"] == "true"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate({"apiVersion": "crd.k8s.amazonaws.com/v1alpha1", "kind": "ENIConfig",
                                                     "metadata": {"name": "x"}, "spec": {}})


def test_eniconfig_security_groups_only_for_old_cni():
    rec, answers = CASES["fixture-exhausted-onprem"]
    old = answers.model_copy(update={"cni_version": "1.7.5"})
    docs = eniconfig.eniconfig_docs(build_artefact_context(rec, old))
    assert all(d["spec"]["securityGroups"] == ["<SECURITY_GROUP_ID:node>"] for d in docs)
    assert all("securityGroups" not in d["spec"] for d in eniconfig.eniconfig_docs(build_artefact_context(rec, answers)))


# ------------------------------------------------------------------------------------------- eksctl

def test_eksctl_cluster_config_validates(case):
    (doc,) = _docs(case.out["eksctl-cluster.yaml"])
    jsonschema.Draft7Validator(json_schema("eksctl-clusterconfig-v1alpha5.schema.json")).validate(doc)
    assert doc == cluster_config(case.ctx)
    ctx = case.ctx
    assert doc["metadata"] == {"name": ctx.cluster, "region": ctx.region}
    assert doc["kubernetesNetworkConfig"]["ipFamily"] == ("IPv6" if ctx.ipv6 else "IPv4")
    config = configuration_values_of(doc)
    assert config == json.loads(case.out["vpc-cni-addon.json"])
    _validate_addon_4a(config, ctx)
    cni = doc["addons"][0]
    assert cni["name"] == "vpc-cni" and cni["version"] == ctx.addon_version_hint
    if ctx.ipv6:
        assert cni["attachPolicy"] == iam.ipv6_policy(ctx)
    else:
        assert cni["attachPolicyARNs"] == ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
    groups = {g["name"]: g for g in doc["managedNodeGroups"]}
    assert sorted(groups) == sorted(g.name for g in ctx.node_groups)  # no Windows group in an IPv6 cluster
    for g in ctx.node_groups:
        assert groups[g.name]["instanceTypes"] == g.instance_types
        assert groups[g.name].get("maxPodsPerNode") == (g.max_pods if g.os == "linux" else None)
        assert groups[g.name]["maxSize"] == g.max_nodes
    private = doc["vpc"]["subnets"].get("private", {})
    assert {k: v["cidr"] for k, v in private.items()} == {s.name: s.cidr for s in ctx.subnets_of("private")}
    assert doc["vpc"]["clusterEndpoints"]["privateAccess"] == (ctx.endpoint_access != "public")
    assert doc["vpc"]["clusterEndpoints"]["publicAccess"] == (ctx.endpoint_access != "private")
    bad = copy.deepcopy(doc)
    bad["managedNodeGroups"][0]["maxPodPerNode"] = 1  # a typo is rejected by the strict schema
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(json_schema("eksctl-clusterconfig-v1alpha5.schema.json")).validate(bad)


# --------------------------------------------------------------------------------------- Terraform

def test_terraform_eks_parses_and_round_trips(case):
    parsed = parse_hcl(case.out["terraform-eks.tf"])
    (module,) = parsed["module"]
    eks = module["eks"]
    ctx = case.ctx
    assert eks["source"] == "terraform-aws-modules/eks/aws" and eks["name"] == ctx.cluster
    assert eks["ip_family"] == ctx.ip_family
    cni = eks["addons"]["vpc-cni"]
    assert cni["before_compute"] is True
    assert cni["service_account_role_arn"] == "${aws_iam_role.vpc_cni.arn}"
    resources = {(t, n): body for r in parsed["resource"] for t, named in r.items() for n, body in named.items()}
    role = resources[("aws_iam_role", "vpc_cni")]
    assert role["name"] == ctx.cni_role_name
    trust = role["assume_role_policy"]
    assert "module.eks.oidc_provider_arn" in trust and "sts:AssumeRoleWithWebIdentity" in trust
    assert '(format("%s:sub", module.eks.oidc_provider)) = "system:serviceaccount:kube-system:aws-node"' in trust
    attach = resources[("aws_iam_role_policy_attachment", "vpc_cni")]
    if ctx.ipv6:
        assert attach["policy_arn"] == "${aws_iam_policy.vpc_cni_ipv6.arn}"
        assert resources[("aws_iam_policy", "vpc_cni_ipv6")]["policy"] == iam.ipv6_policy(ctx)
    else:
        assert attach["policy_arn"] == "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    config = json.loads(case.out["vpc-cni-addon.json"])
    assert cni.get("configuration_values", {}) == config
    _validate_addon_4a(config, ctx)
    groups = eks["eks_managed_node_groups"]
    assert sorted(groups) == sorted(g.name for g in ctx.node_groups)  # no Windows group in an IPv6 cluster
    for g in ctx.node_groups:
        ng = groups[g.name]
        assert ng["iam_role_attach_cni_policy"] is False  # aws-node has its own role
        assert ng["instance_types"] == g.instance_types and ng["max_size"] == g.max_nodes
        if g.os == "linux":
            (part,) = ng["cloudinit_pre_nodeadm"]
            assert part["content_type"] == "application/node.eks.aws"
            (nc,) = _docs(part["content"])
            jsonschema.Draft4Validator(nodeadm_schema()).validate(nc)
            assert nc["spec"]["kubelet"]["config"]["maxPods"] == g.max_pods
        else:
            assert "cloudinit_pre_nodeadm" not in ng


def test_terraform_vpc_parses_and_round_trips(case):
    parsed = parse_hcl(case.out["terraform-vpc.tf"])
    ctx = case.ctx
    if ctx.existing_vpc:
        resources = {}
        for r in parsed["resource"]:
            for rtype, named in r.items():
                for rname, body in named.items():
                    resources[(rtype, rname)] = body
        new = resources[("aws_subnet", "new")]["for_each"]
        assert {k: v["cidr"] for k, v in new.items()} == {s.name: s.cidr for s in ctx.subnets if not s.existing}
        if ctx.new_secondary_cidrs:
            assert ("aws_vpc_ipv4_cidr_block_association", "secondary") in resources
        return
    (module,) = parsed["module"]
    vpc = module["vpc"]
    assert vpc["cidr"] == ctx.vpc_cidr and vpc["azs"] == ctx.azs
    for role, kind in (("public", "public"), ("private", "private"), ("cluster", "intra")):
        subnets = ctx.subnets_of(role)
        assert vpc.get(f"{kind}_subnets", []) == [s.cidr for s in subnets]
        assert vpc.get(f"{kind}_subnet_names", []) == [s.name for s in subnets]
    assert vpc["public_subnet_tags"]["kubernetes.io/role/elb"] == "1"
    assert vpc["private_subnet_tags"]["kubernetes.io/role/internal-elb"] == "1"
    if ctx.ipv6:
        assert vpc["enable_ipv6"] is True
        assert vpc["private_subnet_enable_dns64"] is False  # module default true; BP-IPV6 wants it off
        prefixes = vpc["public_subnet_ipv6_prefixes"] + vpc["private_subnet_ipv6_prefixes"] + vpc["intra_subnet_ipv6_prefixes"]
        assert len(set(prefixes)) == len(prefixes)
    for s in ctx.subnets:
        assert ipaddress.ip_network(s.cidr).subnet_of(ipaddress.ip_network(ctx.vpc_cidr)) or s.role == "pod"


# ------------------------------------------------------------------------------------------ nodeadm

def test_nodeadm_user_data_is_mime_with_a_valid_nodeconfig(case):
    for g in case.ctx.groups:
        name = nodeadm.userdata_name(g)
        if g.os != "linux":
            assert name not in case.out
            continue
        msg = email.message_from_string(case.out[name])
        assert msg.get_content_type() == "multipart/mixed" and msg["MIME-Version"] == "1.0"
        parts = msg.get_payload()
        assert [p.get_content_type() for p in parts] == ["application/node.eks.aws"]
        (doc,) = _docs(parts[0].get_payload())
        jsonschema.Draft4Validator(nodeadm_schema()).validate(doc)
        max_pods = doc["spec"]["kubelet"]["config"]["maxPods"]
        assert isinstance(max_pods, int) and not isinstance(max_pods, bool) and max_pods == g.max_pods > 0
        # README quirk 6: the CRD as published rejects the very same document
        raw = strict(crd_schema("nodeadm-nodeconfig-crd.node.eks.aws-v1alpha1.yaml", "v1alpha1"))
        with pytest.raises(jsonschema.ValidationError, match="is not of type 'object'"):
            jsonschema.Draft4Validator(raw).validate(doc)


@pytest.mark.parametrize("cluster,group,max_pods", [
    ("my-cluster", "general", 110), ("c", "g", 1), ("A_b-9" * 20, "n" * 63, 737), ("platform-prod", "gpu_pool-2", 29),
])
def test_nodeadm_user_data_matches_the_stdlib_email_package(cluster, group, max_pods):
    """userdata_mime writes the MIME text itself (no email import at start-up): same bytes as email.mime."""
    from email.mime.multipart import MIMEMultipart
    from email.mime.nonmultipart import MIMENonMultipart

    ctx, g = SimpleNamespace(cluster=cluster), SimpleNamespace(name=group, max_pods=max_pods)
    msg = MIMEMultipart("mixed", boundary=nodeadm.BOUNDARY)
    msg.preamble = nodeadm.userdata_mime(ctx, g).split("\n\n", 1)[1].split(f"\n--{nodeadm.BOUNDARY}\n", 1)[0]
    assert msg.preamble.startswith(f"AL2023 user data for node group {group} of cluster {cluster}: kubelet maxPods {max_pods}.")
    part = MIMENonMultipart(*nodeadm.NODECONFIG_CONTENT_TYPE.split("/", 1))
    part.set_payload(nodeadm.nodeconfig_yaml(max_pods))
    msg.attach(part)
    assert nodeadm.userdata_mime(ctx, g) == msg.as_string()


# ------------------------------------------------------------------------------------------ Karpenter

def test_karpenter_shape_and_max_pods(case):
    docs = _docs(case.out["karpenter.yaml"])
    linux = [g for g in case.ctx.groups if g.os == "linux"]
    assert [(d["apiVersion"], d["kind"]) for d in docs] == [("karpenter.k8s.aws/v1", "EC2NodeClass"),
                                                            ("karpenter.sh/v1", "NodePool")] * len(linux)
    for g, (cls, pool) in zip(linux, zip(docs[::2], docs[1::2], strict=True), strict=True):
        assert cls["metadata"]["name"] == pool["metadata"]["name"] == g.k8s_name
        assert cls["spec"]["kubelet"] == {"maxPods": g.max_pods}
        for field in ("role", "amiSelectorTerms", "subnetSelectorTerms", "securityGroupSelectorTerms"):
            assert cls["spec"][field]
        ref = pool["spec"]["template"]["spec"]["nodeClassRef"]
        assert ref == {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": g.k8s_name}
        reqs = {r["key"]: r for r in pool["spec"]["template"]["spec"]["requirements"]}
        assert reqs["node.kubernetes.io/instance-type"]["values"] == g.instance_types
        assert "kubelet" not in pool["spec"]["template"]["spec"]  # v1: kubelet lives on the EC2NodeClass
    text = case.out["karpenter.yaml"]
    assert ("RESERVED_ENIS" in text) == case.ctx.custom_networking


# --------------------------------------------------------------------------------------- SGP and NAD

@cases_where(lambda ctx: ctx.sgp)
def test_security_group_policy_validates(case):
    schema = strict(crd_schema("securitygrouppolicy-crd.vpcresources.k8s.aws-v1beta1.yaml", "v1beta1"))
    (doc,) = _docs(case.out["securitygrouppolicy.yaml"])
    jsonschema.Draft4Validator(schema).validate(doc)
    ids = doc["spec"]["securityGroups"]["groupIds"]
    assert 1 <= len(ids) <= 5 and ids[0] == "<SECURITY_GROUP_ID:pod>"
    assert ("<SECURITY_GROUP_ID:cluster>" in ids) == case.ctx.fargate
    empty = copy.deepcopy(doc)
    empty["spec"]["securityGroups"]["groupIds"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(empty)
    if case.ctx.ipv6:
        assert "CONFLICT" in case.out["securitygrouppolicy.yaml"]


@cases_where(_windows_nodes)
def test_windows_ipam_configmap_validates(case):
    schema = json_schema("k8s-v1.32.2-standalone-strict-configmap-v1.json")
    (doc,) = _docs(case.out["windows-ipam-configmap.yaml"])
    jsonschema.Draft4Validator(schema).validate(doc)
    assert doc["metadata"] == {"name": "amazon-vpc-cni", "namespace": "kube-system"}
    assert doc["data"] == {"enable-windows-ipam": "true"}  # Windows prefix delegation stays off
    typo = copy.deepcopy(doc)
    typo["metdata"] = typo.pop("metadata")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(typo)
    # the cluster role gets AmazonEKSVPCResourceController in both cluster definitions, and the runbook applies the map
    (cfg,) = _docs(case.out["eksctl-cluster.yaml"])
    assert cfg["iam"]["vpcResourceControllerPolicy"] is True
    assert "AmazonEKSVPCResourceController" in case.out["terraform-eks.tf"]
    assert ["kubectl", "apply", "-f", "windows-ipam-configmap.yaml"] in runbook.runbook_commands(case.ctx)


@cases_where(lambda ctx: not (ctx.windows or ctx.sgp or ctx.auto_mode))  # elsewhere the policy is needed
def test_no_windows_no_resource_controller_policy_without_sgp(case):
    (cfg,) = _docs(case.out["eksctl-cluster.yaml"])
    assert "vpcResourceControllerPolicy" not in cfg["iam"]
    assert "AmazonEKSVPCResourceController" not in case.out["terraform-eks.tf"]


@cases_where(lambda ctx: bool(ctx.multus and ctx.multus_networks))
def test_network_attachment_definitions_validate(case):
    schema = strict(crd_schema("networkattachmentdefinition-crd.k8s.cni.cncf.io-v1.yaml", "v1"))
    docs = _docs(case.out["multus-nad.yaml"])
    # one NAD per planned Multus subnet (role "multus", named <network>-<az>), else one per network from the answers
    planned = {s.network: [] for s in case.rec.subnets if s.role == "multus"}
    for s in sorted((s for s in case.rec.subnets if s.role == "multus"), key=lambda s: (s.az, s.cidr)):
        planned[s.network].append((f"{s.network}-{s.az}", s.cidr))
    expected = [(net, name, cidr, name != net.name) for net in case.answers.multus.networks
                for name, cidr in (planned.get(net.name) or [(net.name, net.cidr)])]
    for doc, (net, name, cidr, is_planned) in zip(docs, expected, strict=True):
        jsonschema.Draft4Validator(schema).validate(doc)
        assert doc["metadata"]["name"] == name
        config = json.loads(doc["spec"]["config"])  # README quirk 3: the config is a JSON string
        assert config["type"] == net.type and config["name"] == name
        # whereabouts (cluster-wide): a planned subnet's upper half, explicitly reserved, up to the subnet's last
        # address less the broadcast; an answers range minus AWS's first four and last addresses [VPC-SUBNET]
        block = ipaddress.ip_network(cidr)
        if is_planned:
            upper = list(block.subnets(prefixlen_diff=1))[1]
            assert config["ipam"] == {"type": "whereabouts", "range": str(upper), "range_start": str(upper[0]),
                                      "range_end": str(block[-2])}
        else:
            assert config["ipam"] == {"type": "whereabouts", "range": cidr, "range_start": str(block[4]),
                                      "range_end": str(block[-2])}
        assert config.get("master", config.get("device")) == net.master
        as_object = copy.deepcopy(doc)
        as_object["spec"]["config"] = config
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft4Validator(schema).validate(as_object)
    assert "host-local" not in case.out["multus-nad.yaml"].split("\n---", 1)[1]
    macvlan = [n.name for n in case.answers.multus.networks if n.type == "macvlan"]
    assert ("the VPC drops frames from MAC addresses it did not assign" in case.out["multus-nad.yaml"]) == bool(macvlan)


# ------------------------------------------------------------------------------------ subnets, IAM

def test_subnet_tags_commands(case):
    cmds = shell_commands(case.out["subnet-tags.sh"])
    assert cmds == subnets.subnet_tags_script(case.ctx).commands
    tagged = [s for s in case.ctx.subnets if s.role != "transit"]  # transit subnets: nothing Kubernetes discovers
    assert len(cmds) == len(tagged)
    for argv, s in zip(cmds, tagged, strict=True):
        opts = dict(zip(argv[3::2], argv[4::2], strict=True))
        assert argv[:3] == ["aws", "ec2", "create-tags"] and opts["--resources"] == f"<SUBNET_ID:{s.name}>"
        tags = {t["Key"]: t["Value"] for t in json.loads(opts["--tags"])}
        assert tags[f"kubernetes.io/cluster/{case.ctx.cluster}"] in ("shared", "owned")
        assert ("kubernetes.io/role/elb" in tags) == (s.role == "public")
        assert ("kubernetes.io/role/internal-elb" in tags) == (s.role == "private")
        for k, v in s.tags.items():
            assert tags[k] == v


def test_subnet_cidr_reservations(case):
    if "subnet-cidr-reservations.sh" not in case.out:
        assert not (case.ctx.prefix and not case.ctx.ipv6)
        return
    cmds = shell_commands(case.out["subnet-cidr-reservations.sh"])
    assert cmds == subnets.reservations_script(case.ctx).commands
    role = "pod" if case.ctx.custom_networking else "private"
    by_name = {f"<SUBNET_ID:{s.name}>": s for s in case.ctx.subnets_of(role)}
    assert len(cmds) == len(by_name)
    for argv in cmds:
        opts = dict(zip(argv[3::2], argv[4::2], strict=True))
        subnet = by_name[opts["--subnet-id"]]
        cidr = ipaddress.ip_network(opts["--cidr"])
        net = ipaddress.ip_network(subnet.cidr)
        assert cidr.subnet_of(net) and cidr.prefixlen == net.prefixlen + 1 and cidr.prefixlen <= 28
        assert cidr.broadcast_address == net.broadcast_address
        assert opts["--reservation-type"] == "prefix"


def test_iam_role_scripts_and_policies(case):
    ctx = case.ctx
    trust = json.loads(case.out["cni-iam-trust-policy.json"])
    (stmt,) = trust["Statement"]
    assert stmt["Action"] == "sts:AssumeRoleWithWebIdentity"
    cond = stmt["Condition"]["StringEquals"]
    assert cond[f"oidc.eks.{ctx.region}.amazonaws.com/id/<OIDC_PROVIDER_ID>:sub"] == "system:serviceaccount:kube-system:aws-node"
    assert cond[f"oidc.eks.{ctx.region}.amazonaws.com/id/<OIDC_PROVIDER_ID>:aud"] == "sts.amazonaws.com"
    cmds = shell_commands(case.out["cni-iam-role.sh"])
    assert cmds == iam.irsa_script(ctx).commands
    create = cmds[0]
    assert create[:3] == ["aws", "iam", "create-role"]
    assert json.loads(create[create.index("--assume-role-policy-document") + 1]) == trust
    attach = [c for c in cmds if c[:3] == ["aws", "iam", "attach-role-policy"]]
    (argv,) = attach
    if ctx.ipv6:
        policy = json.loads(case.out["cni-ipv6-policy.json"])
        actions = {a for s in policy["Statement"] for a in s["Action"]}
        # the EKS-documented IPv6 policy, plus DescribeSubnets for subnet discovery (CNI >= 1.18)
        assert {"ec2:AssignIpv6Addresses", "ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeInstanceTypes", "ec2:CreateTags", "ec2:DescribeSubnets"} <= actions
        tag_stmt = [s for s in policy["Statement"] if s["Action"] == ["ec2:CreateTags"]]
        assert tag_stmt[0]["Resource"] == ["arn:aws:ec2:*:*:network-interface/*"]
        (create_policy,) = [c for c in cmds if c[:3] == ["aws", "iam", "create-policy"]]
        assert json.loads(create_policy[create_policy.index("--policy-document") + 1]) == policy
        assert argv[-1] == "arn:aws:iam::<ACCOUNT_ID>:policy/AmazonEKS_CNI_IPv6_Policy"
    else:
        assert argv[-1] == "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    if "cni-pod-identity.sh" in case.out:
        pcmds = shell_commands(case.out["cni-pod-identity.sh"])
        assert pcmds == iam.pod_identity_script(ctx).commands
        trust_pi = json.loads(pcmds[0][pcmds[0].index("--assume-role-policy-document") + 1])
        assert trust_pi["Statement"][0]["Principal"] == {"Service": "pods.eks.amazonaws.com"}
        (assoc,) = [c for c in pcmds if "--pod-identity-associations" in c]
        (pia,) = json.loads(assoc[assoc.index("--pod-identity-associations") + 1])
        assert pia["serviceAccount"] == "aws-node"


def test_ipv6_policy_has_no_subnet_discovery_before_1_18():
    rec, answers = CASES["fixture-ipv6-multus"]
    ctx = build_artefact_context(rec, answers.model_copy(update={"cni_version": "1.16.0"}))
    actions = {a for s in iam.ipv6_policy(ctx)["Statement"] for a in s["Action"]}
    assert "ec2:DescribeSubnets" not in actions and "ec2:AssignIpv6Addresses" in actions


def test_partition_follows_the_region():
    rec, answers = CASES["fixture-small-dev"]
    ctx = build_artefact_context(rec, answers.model_copy(update={"region": "cn-north-1"}))
    assert ctx.partition == "aws-cn" and ctx.oidc_host == "oidc.eks.cn-north-1.amazonaws.com.cn"
    assert iam.managed_cni_policy_arn(ctx) == "arn:aws-cn:iam::aws:policy/AmazonEKS_CNI_Policy"


# ------------------------------------------------------------------------------------------ runbook

def _titles(text: str) -> list[str]:
    return [line.split(". ", 1)[1] for line in text.splitlines() if line.startswith("## ")]


def _code_commands(text: str) -> list[list[str]]:
    blocks, inside, current = [], False, []
    for line in text.splitlines():
        if line == "```bash":
            inside, current = True, []
        elif line == "```" and inside:
            inside = False
            blocks.append("\n".join(current) + "\n")
        elif inside:
            current.append(line)
    return [c for b in blocks for c in shell_commands(b)]


def test_runbook_order_per_mode(case):
    text = case.out["runbook.md"]
    titles = _titles(text)
    assert _code_commands(text) == runbook.runbook_commands(case.ctx)

    def pos(fragment: str) -> int:
        return next(i for i, t in enumerate(titles) if fragment in t)

    ctx = case.ctx
    if ctx.ipv6:
        assert pos("new cluster") == 0 < pos("dual-stack VPC") < pos("ipFamily IPv6") < pos("new node groups")
    elif ctx.custom_networking:
        assert pos("CIDR") < pos("Create the pod subnets") < pos("ENIConfigs") < pos("custom networking in aws-node") \
            < pos("new node groups") < pos("drain") < pos("Delete the old node group")
    elif ctx.prefix:
        assert pos("Reserve prefix space") < pos("prefix delegation in aws-node") < pos("new node groups") < pos("drain")
        assert "rather than rolling" in text
    for name in case.out:
        if name != "runbook.md":
            assert f"`{name}`" in text


def test_snippet_modules_do_not_read_shared():
    import pathlib

    import eksadvisor.artefacts as pkg

    for path in pathlib.Path(pkg.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert "../shared" not in text and "/shared/" not in text, path


def test_placeholder_regex_matches_the_tokens():
    assert PLACEHOLDER_RE.fullmatch("<SUBNET_ID:pod-us-east-1a>")
    assert PLACEHOLDER_RE.fullmatch("<ACCOUNT_ID>")
    assert not PLACEHOLDER_RE.search("<name>[@ifname]")
    assert k8s.sgp_doc(build_artefact_context(*CASES["fixture-dense-platform"]))["metadata"]["namespace"] == "<NAMESPACE>"
    assert karpenter.karpenter_docs(build_artefact_context(*CASES["fixture-small-dev"]))[0]["spec"]["role"] == "<KARPENTER_NODE_ROLE>"


def test_fixture_figures_come_from_the_max_pods_engine():
    from eksadvisor.model.maxpods import max_pods

    assert max_pods("m6i.2xlarge", "1.19.2", prefix_delegation=True).max_pods == 110
    assert max_pods("m5.xlarge", "1.19.2", custom_networking=True).max_pods == 44
    assert max_pods("m5a.xlarge", "1.19.2", custom_networking=True).max_pods == 44
    assert max_pods("t3.large", "1.19.2").max_pods == 35
    assert max_pods("m6g.large", "1.19.2", prefix_delegation=True).max_pods == 110


def test_artefact_registry_is_the_one_list(case):
    """ORDER, the plan and the package docstring all come from the registry."""
    import eksadvisor.artefacts as pkg

    assert tuple(a.name for a in pkg.ARTEFACTS) == pkg.ORDER
    for artefact in pkg.ARTEFACTS:
        assert f"``{artefact.doc_name or artefact.name}``" in (pkg.__doc__ or "")
    planned = [name for name, _ in pkg.snippet_plan(case.ctx)]
    assert list(case.out) == [*planned, pkg.RUNBOOK]  # every file comes from the plan, in registry order
