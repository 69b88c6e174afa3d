"""Fixtures for the snippet tests: Recommendations for the example answers (and a few extra cases), plus
the schema loaders with the quirks of tests/fixtures/shared/schemas/README.md handled.

Cases come from the real engine (``advise()`` on answers) wherever a test only needs a realistic plan. A few
stay hand-built because their tests pin what the engine would not choose for those answers: the
``fixture-dense-platform`` subnet names, the secondary-IP custom-networking plan with existing subnets of
``fixture-exhausted-onprem`` (max pods 44), and ``fixture-ipv6-multus`` (its own golden files).
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import shlex
from functools import cache
from typing import Any

import yaml

from tests.conftest import SHARED

SCHEMAS = SHARED / "schemas"


# ----------------------------------------------------------------------------------- recommendations

def _subnet(name: str, role: str, az: str, cidr: str, cluster: str, existing: bool = False, extra: dict | None = None) -> dict:
    import ipaddress

    from eksadvisor.addressing.tags import subnet_tags

    tags = dict(subnet_tags(role, cluster))
    tags.update(extra or {})
    return {"name": name, "role": role, "az": az, "cidr": cidr, "tags": tags, "existing": existing,
            "usable_ips": ipaddress.ip_network(cidr).num_addresses - 5}


def _group(name: str, types: list[str], max_pods: int, desired: int, maximum: int, pods: int) -> dict:
    return {"name": name, "instance_types": types, "max_pods": max_pods, "desired_nodes": desired, "max_nodes": maximum,
            "pods_per_node": pods, "max_pods_by_type": dict.fromkeys(types, max_pods), "limiting_type": types[0]}


def _rec(**fields: Any):
    from eksadvisor.recommendation import Provenance, Recommendation

    base = {
        "provenance": Provenance(eksadvisor_version="0.1.0", catalog_snapshot="test", answers_digest="sha256:test"),
        "endpoint_access": "public_private", "init_settings": {}, "secondary_cidrs": [], "strategies": [],
    }
    base.update(fields)
    return Recommendation(**base)


def platform_prod_rec():
    c = "platform-prod"
    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    subnets = [_subnet(f"cluster-{az}", "cluster", az, f"10.40.0.{16 * i}/28", c) for i, az in enumerate(azs)]
    subnets += [_subnet(f"public-{az}", "public", az, f"10.40.{16 * (i + 1)}.0/20", c) for i, az in enumerate(azs)]
    subnets += [_subnet(f"private-{az}", "private", az, f"10.40.{64 * (i + 1)}.0/18", c) for i, az in enumerate(azs)]
    return _rec(
        cluster_name=c, ip_family="ipv4", address_mode="prefix", custom_networking=False,
        max_pods={"m6i.2xlarge": 110},
        node_groups=[_group("general", ["m6i.2xlarge"], 110, 12, 40, 90)],
        settings={"ENABLE_PREFIX_DELEGATION": "true", "WARM_PREFIX_TARGET": "1", "ENABLE_POD_ENI": "true",
                  "POD_SECURITY_GROUP_ENFORCING_MODE": "standard"},
        subnets=subnets, strategies=["prefix_delegation", "subnet_cidr_reservation"],
    )


def payments_rec():
    c = "payments"
    azs = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    subnets = [_subnet(f"private-{az}", "private", az, f"10.8.{4 * i}.0/22", c, existing=True) for i, az in enumerate(azs)]
    subnets += [_subnet(f"cluster-{az}", "cluster", az, f"10.8.12.{16 * i}/28", c) for i, az in enumerate(azs)]
    subnets += [_subnet(f"pod-{az}", "pod", az, f"100.64.{64 * i}.0/18", c) for i, az in enumerate(azs)]
    return _rec(
        cluster_name=c, ip_family="ipv4", address_mode="secondary_ip", custom_networking=True, endpoint_access="private",
        max_pods={"m5.xlarge": 44, "m5a.xlarge": 44},
        node_groups=[_group("workers", ["m5.xlarge", "m5a.xlarge"], 44, 20, 60, 35)],
        settings={"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "true", "ENI_CONFIG_LABEL_DEF": "topology.kubernetes.io/zone",
                  "WARM_ENI_TARGET": "1", "ENABLE_SUBNET_DISCOVERY": "false"},
        subnets=subnets, secondary_cidrs=["100.64.0.0/16"], strategies=["secondary_cidr", "custom_networking"],
    )


def dev_sandbox_rec():
    """small-dev through the advisor: the tests that use it need no hand-picked figures."""
    return advised("small-dev")[0]


EXAMPLE_RECS = {"dense-platform": platform_prod_rec, "exhausted-onprem": payments_rec, "small-dev": dev_sandbox_rec}


def windows_answers():
    """An IPv4 cluster with a Linux group and a Windows group (through the real advisor: Windows IPAM artefacts)."""
    from eksadvisor.answers import validate_answers

    return validate_answers({
        "version": 1, "cluster_name": "mixed-os", "region": "eu-west-1", "availability_zones": 2,
        "node_groups": [
            {"name": "linux", "instance_types": ["m6i.xlarge"], "desired_nodes": 3, "max_nodes": 6, "pods_per_node": 30},
            {"name": "win", "instance_types": ["m5.xlarge"], "desired_nodes": 2, "max_nodes": 4, "pods_per_node": 10,
             "os": "windows"},
        ],
    })


def windows_case():
    from eksadvisor.decide.advisor import advise

    answers = windows_answers()
    return advise(answers), answers


def auto_mode_answers():
    """An EKS Auto Mode cluster with two node groups (issue 13: nodes must not land in the cluster /28s)."""
    from eksadvisor.answers import validate_answers

    return validate_answers({
        "version": 1, "cluster_name": "auto-prod", "region": "eu-west-1", "availability_zones": 3,
        "node_groups": [
            {"name": "general", "instance_types": ["m6i.xlarge", "m6a.xlarge"], "desired_nodes": 3, "max_nodes": 12,
             "pods_per_node": 30},
            {"name": "batch", "instance_types": ["c6i.2xlarge"], "desired_nodes": 2, "max_nodes": 20, "pods_per_node": 40},
        ],
        "operations": {"auto_mode": True},
    })


def auto_mode_case():
    from eksadvisor.decide.advisor import advise

    answers = auto_mode_answers()
    return advise(answers), answers


MULTUS_ANSWERS = {
    "version": 1, "cluster_name": "telco", "region": "us-east-1", "availability_zones": 2,
    "network": {"vpc_cidr": "10.0.0.0/16", "onprem_cidrs": ["192.168.0.0/16"]},
    "node_groups": [{"name": "upf", "instance_types": ["m5.2xlarge"], "desired_nodes": 2, "max_nodes": 4,
                     "pods_per_node": 20}],
    "multus": {"needed": True, "plugin": "thin", "version": "v3.9.2",
               "networks": [{"name": "sig", "type": "ipvlan", "master": "eth1", "cidr": "10.0.240.0/24"},
                            {"name": "media", "type": "macvlan", "master": "eth2", "cidr": "10.0.241.0/25"}]},
}


def multus_case(**changes: Any):
    """Multus with ranges from the answers, through the advisor (the planner splits ranges inside the VPC per AZ)."""
    from eksadvisor.answers import validate_answers
    from eksadvisor.decide.advisor import advise

    data = copy.deepcopy(MULTUS_ANSWERS)
    data.update(changes)
    answers = validate_answers(data)
    return advise(answers), answers


# Dedicated Multus subnets as the planner emits them (role "multus", network = the network's name): each network's
# range, inside the VPC, split into one aligned part per AZ -- 10.0.250.0/25 into two /26s, 10.0.251.0/26 into two /27s.
PLANNED_MULTUS = [("sig", "us-east-1a", "10.0.250.0/26"), ("sig", "us-east-1b", "10.0.250.64/26"),
                  ("media", "us-east-1a", "10.0.251.0/27"), ("media", "us-east-1b", "10.0.251.32/27")]


def multus_planned_case():
    """The planner's Multus subnets through the advisor (ipvlan networks with ranges inside the VPC)."""
    return multus_case(multus={**MULTUS_ANSWERS["multus"], "networks": [
        {"name": "sig", "type": "ipvlan", "master": "eth1", "cidr": "10.0.250.0/25"},
        {"name": "media", "type": "ipvlan", "master": "eth2", "cidr": "10.0.251.0/26"}]})


def fargate_case(**changes: Any):
    """A Fargate-only IPv4 cluster (40 pods over 2 AZs), through the advisor."""
    from eksadvisor.answers import validate_answers
    from eksadvisor.decide.advisor import advise

    data = {"version": 1, "cluster_name": "fg", "region": "eu-west-1", "availability_zones": 2, "node_groups": [],
            "fargate_pods": 40}
    data.update(changes)
    answers = validate_answers(data)
    return advise(answers), answers


def example_answers(name: str):
    from eksadvisor.answers import load_answers

    return load_answers(SHARED / "examples" / f"{name}.yaml")


def ipv6_case():
    """An IPv6 cluster with Multus, a data-intensive workload, a Windows group and Fargate."""
    from eksadvisor.answers import validate_answers

    answers = validate_answers({
        "version": 1, "cluster_name": "edge6", "region": "us-west-2", "availability_zones": 2,
        "node_groups": [
            {"name": "graviton", "instance_types": ["m6g.large"], "desired_nodes": 3, "max_nodes": 9, "pods_per_node": 40},
            {"name": "win", "instance_types": ["m5.large"], "desired_nodes": 1, "max_nodes": 2, "pods_per_node": 10, "os": "windows"},
        ],
        "fargate_pods": 10,
        "ipv6": {"ready": True, "ipv4_exhaustion_concern": True},
        "security_groups_for_pods": {"needed": True},
        "multus": {"needed": True, "plugin": "thick", "version": "v4.1.4",
                   "networks": [{"name": "data", "type": "macvlan", "master": "eth1", "cidr": "10.10.0.0/16"},
                                {"name": "fast", "type": "ipvlan", "master": "eth2", "cidr": "10.11.0.0/24"},
                                {"name": "dev", "type": "host-device", "master": "eth3", "cidr": "10.12.0.0/24"}]},
        "operations": {"data_intensive": True, "environment": "test"},
    })
    c = "edge6"
    azs = ["us-west-2a", "us-west-2b"]
    subnets = [_subnet(f"cluster-{az}", "cluster", az, f"10.0.0.{16 * i}/28", c) for i, az in enumerate(azs)]
    subnets += [_subnet(f"public-{az}", "public", az, f"10.0.{16 * (i + 1)}.0/20", c) for i, az in enumerate(azs)]
    subnets += [_subnet(f"private-{az}", "private", az, f"10.0.{64 * (i + 1)}.0/18", c) for i, az in enumerate(azs)]
    rec = _rec(
        cluster_name=c, ip_family="ipv6", address_mode="prefix", custom_networking=False,
        max_pods={"m6g.large": 110, "m5.large": 29},
        node_groups=[_group("graviton", ["m6g.large"], 110, 3, 9, 40), _group("win", ["m5.large"], 29, 1, 2, 10)],
        settings={"ENABLE_IPv6": "true", "ENABLE_PREFIX_DELEGATION": "true", "ENABLE_POD_ENI": "true"},
        init_settings={"ENABLE_IPv6": "true", "DISABLE_TCP_EARLY_DEMUX": "true"},
        subnets=subnets, strategies=["ipv6"],
    )
    return rec, answers


EXAMPLES = tuple(EXAMPLE_RECS)


def advised(name: str):
    """The advisor's Recommendation for a shared example (the real pipeline)."""
    from eksadvisor.decide.advisor import advise

    answers = example_answers(name)
    return advise(answers), answers


def all_cases() -> dict[str, tuple[Any, Any]]:
    """Hand-built fixtures (``fixture-*``) plus the advisor's output for each example, when it runs."""
    cases = {f"fixture-{name}": (make(), example_answers(name)) for name, make in EXAMPLE_RECS.items()}
    cases["fixture-ipv6-multus"] = ipv6_case()
    for name in EXAMPLES:
        with contextlib.suppress(Exception):  # the golden test calls the advisor directly and reports its failure
            cases[name] = advised(name)
    try:
        from eksadvisor.answers import validate_answers
        from eksadvisor.decide.advisor import advise

        answers = validate_answers({
            "version": 1, "cluster_name": "six", "region": "us-west-2",
            "node_groups": [{"name": "arm", "instance_types": ["m6g.large"], "desired_nodes": 3, "max_nodes": 12}],
            "ipv6": {"ready": True, "ipv4_exhaustion_concern": True},
        })
        cases["advised-ipv6"] = (advise(answers), answers)
    except Exception:
        pass
    cases["advised-windows"] = windows_case()
    cases["advised-multus"] = multus_case()
    cases["multus-ipvlan-planned"] = multus_planned_case()
    cases["advised-fargate-and-nodes"] = fargate_case(node_groups=[
        {"name": "general", "instance_types": ["m6i.large"], "desired_nodes": 3, "max_nodes": 6, "pods_per_node": 20}])
    return cases


# ------------------------------------------------------------------------------------------- schemas

def boolean_or_integer_format_checker():
    """The add-on schema marks string booleans/integers with custom formats; enforce them."""
    from jsonschema import FormatChecker

    checker = FormatChecker()

    @checker.checks("boolean")
    def _boolean(value: object) -> bool:
        return not isinstance(value, str) or value in ("true", "false")

    @checker.checks("integer")
    def _integer(value: object) -> bool:
        return not isinstance(value, str) or re.fullmatch(r"-?\d+", value) is not None

    return checker


@cache
def json_schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


@cache
def crd_schema(name: str, version: str) -> dict:
    doc = yaml.safe_load((SCHEMAS / name).read_text())
    for v in doc["spec"]["versions"]:
        if v["name"] == version:
            return v["schema"]["openAPIV3Schema"]
    raise KeyError(version)


def strict(schema: dict) -> dict:
    """kubeconform-style strictness: additionalProperties false wherever properties are listed."""
    schema = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
                node["additionalProperties"] = False
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    return schema


def nodeadm_schema() -> dict:
    """README quirk 6: kubelet.config and containerd.baseRuntimeSpec map values are typed 'object'."""
    schema = strict(crd_schema("nodeadm-nodeconfig-crd.node.eks.aws-v1alpha1.yaml", "v1alpha1"))
    spec = schema["properties"]["spec"]["properties"]
    spec["kubelet"]["properties"]["config"]["additionalProperties"] = {}
    spec["containerd"]["properties"]["baseRuntimeSpec"]["additionalProperties"] = {}
    return schema


# ------------------------------------------------------------------------------------------ shell

def shell_commands(script: str) -> list[list[str]]:
    """The argv of every command in a generated script, the way bash would split them.

    Generated scripts never put a line break inside a quoted word (the generator refuses one), so
    a backslash-newline is always a line continuation. ``if CMD > /dev/null 2>&1; then`` / ``else`` /
    ``fi`` are the only compound forms; the safety guard line is skipped.
    """
    text = script.replace("\\\n", " ")
    out: list[list[str]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped in ("else", "fi", "set -euo pipefail"):
            continue
        if stripped.startswith("if grep -Eq "):
            continue  # the placeholder guard
        if stripped.startswith("if ") and stripped.endswith("; then"):
            words = shlex.split(stripped[3:-len("; then")])
            assert words[-2:] == [">", "/dev/null"] or words[-3:-1] == [">", "/dev/null"], words
            out.append(words[: words.index(">")])
            continue
        words = shlex.split(stripped)
        if ">" in words:
            words = words[: words.index(">")]
        out.append(words)
    return out


def placeholder_free(text: str) -> str:
    """Replace placeholders with realistic fake IDs (for validators that check ID shapes)."""
    from eksadvisor.artefacts import PLACEHOLDER_RE

    fakes = {"SUBNET_ID": "subnet-0123456789abcdef0", "SECURITY_GROUP_ID": "sg-0123456789abcdef0",
             "VPC_ID": "vpc-0123456789abcdef0", "ACCOUNT_ID": "123456789012"}

    def sub(m: re.Match) -> str:
        kind = m.group(0)[1:-1].split(":")[0]
        return fakes.get(kind, "x")

    return PLACEHOLDER_RE.sub(sub, text)


# -------------------------------------------------------------------------------------------- HCL

def hcl_string_value(raw: str) -> str:
    """A python-hcl2 string token (quotes and escapes kept) -> its value (JSON escapes are HCL escapes)."""
    assert raw.startswith('"') and raw.endswith('"'), raw
    return json.loads(raw)


def _hcl_object_to_json(text: str) -> str:
    """python-hcl2's normalised object expression ``{"k" = v, ...}`` -> JSON text."""
    out, in_str, esc = [], False, False
    for ch in text:
        if in_str:
            out.append(ch)
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
            out.append(ch)
        elif ch == "=":
            out.append(":")
        else:
            out.append(ch)
    return "".join(out)


def hcl_plain(obj: Any) -> Any:
    """python-hcl2 output -> plain values: strings decoded, jsonencode(...) parsed, markers dropped;
    other expressions stay as ``${...}`` text."""
    if isinstance(obj, dict):
        return {(hcl_string_value(k) if k.startswith('"') else k): hcl_plain(v)
                for k, v in obj.items() if k not in ("__is_block__", "__comments__")}
    if isinstance(obj, list):
        return [hcl_plain(v) for v in obj]
    if isinstance(obj, str):
        if obj.startswith('"'):
            return hcl_string_value(obj)
        if obj.startswith("${jsonencode(") and obj.endswith(")}"):
            try:
                return json.loads(_hcl_object_to_json(obj[len("${jsonencode("):-2]))
            except json.JSONDecodeError:  # references inside: keep the expression text
                return obj
    return obj


def parse_hcl(text: str) -> dict:
    import hcl2

    return hcl_plain(hcl2.loads(text))
