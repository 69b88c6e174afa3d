"""The answers format (DESIGN §2.1): the model, the loader's refusals and one-sentence errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eksadvisor.answers import MAX_FILE_BYTES, Answers, answers_json_schema, load_answers, parse_answers_text
from eksadvisor.errors import InputError
from tests.conftest import EXAMPLES


def _err(source) -> InputError:
    with pytest.raises(InputError) as info:
        load_answers(source)
    return info.value


def _one_sentence(msg: str) -> None:
    assert "\n" not in msg
    assert msg.endswith((".", "?")), msg
    assert "Traceback" not in msg and "pydantic" not in msg.lower()


# ----------------------------------------------------------------------------------- valid input

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_shared_examples_validate(path: Path):
    a = load_answers(path)
    assert isinstance(a, Answers)
    assert a.version == 1
    assert load_answers(str(path)) == a


def test_examples_present():
    assert {p.stem for p in EXAMPLES} >= {"dense-platform", "exhausted-onprem", "small-dev"}


def test_example_values(shared_dir):
    a = load_answers(shared_dir / "examples" / "exhausted-onprem.yaml")
    assert a.node_groups[0].instance_types == ["m5.xlarge", "m5a.xlarge"]
    assert a.network.existing_subnets[1].used_ips == 1001
    assert a.network.onprem_cidrs == ["10.0.0.0/12", "172.16.0.0/12"]
    assert a.az_names() == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]


def test_every_field_has_a_default():
    a = Answers()
    assert a.cluster_name == "my-cluster" and a.cni_version == "1.19.2"
    assert a.node_groups[0].instance_types == ["m5.large"]
    assert load_answers({}) == a
    assert load_answers({"version": 1}) == a


def test_answers_model_passes_through():
    a = Answers()
    assert load_answers(a) is a


def test_instance_types_are_canonicalised():
    a = load_answers({"node_groups": [{"instance_types": ["M5.Large"]}]})
    assert a.node_groups[0].instance_types == ["m5.large"]


def test_explicit_az_list():
    a = load_answers({"region": "eu-west-1", "availability_zones": ["eu-west-1b", "eu-west-1c"]})
    assert a.az_names() == ["eu-west-1b", "eu-west-1c"]


def test_fargate_only_needs_no_node_group():
    a = load_answers({"node_groups": [], "fargate_pods": 10})
    assert a.node_groups == []


def test_digest_is_canonical_and_sensitive():
    a = load_answers({"cluster_name": "x", "region": "eu-west-1"})
    b = load_answers({"region": "eu-west-1", "cluster_name": "x"})
    assert a.digest() == b.digest()
    assert a.digest().startswith("sha256:") and len(a.digest()) == 7 + 64
    assert load_answers({"cluster_name": "y", "region": "eu-west-1"}).digest() != a.digest()


def test_json_file_loads(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"version": 1, "cluster_name": "j", "node_groups": [{"name": "g", "instance_types": ["m5.large"]}]}))
    assert load_answers(p).cluster_name == "j"


def test_schema_validates_examples(shared_dir):
    import jsonschema
    import yaml

    schema = answers_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in EXAMPLES:
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) >= {"version", "cluster_name", "node_groups", "network", "ipv6",
                                         "security_groups_for_pods", "multus", "operations"}


# ----------------------------------------------------------------------------------- bad input

BAD = [
    ({"node_groups": [{"name": "a", "desired_nodes": 3, "max_nodes": 2}]},
     "node_groups[0].max_nodes: must be at least desired_nodes (3)."),
    ({"node_groups": [{"pods_per_node": -1}]}, "node_groups[0].pods_per_node: must be at least 0, got -1."),
    ({"bogus": 1}, "bogus: unknown key in the answers;"),
    ({"network": {"vpc_cidrr": "10.0.0.0/16"}}, "network.vpc_cidrr: unknown key in network; did you mean 'vpc_cidr'?"),
    ({"network": {"vpc_cidr": "10.0.0.1/16"}}, "network.vpc_cidr: '10.0.0.1/16' has host bits set; did you mean 10.0.0.0/16?"),
    ({"network": {"vpc_cidr": "10.0.0.0/8"}}, "network.vpc_cidr: 10.0.0.0/8 is a /8; it must be between /16 and /28."),
    ({"network": {"vpc_cidr": "10.0.0.300/16"}}, "network.vpc_cidr: '10.0.0.300/16' is not a valid IPv4 CIDR block."),
    ({"network": {"vpc_cidr": "10.0.0.0"}}, "network.vpc_cidr: '10.0.0.0' is not a CIDR block"),
    ({"network": {"vpc_cidr": "169.254.0.0/16"}}, "network.vpc_cidr: 169.254.0.0/16 is link-local"),
    ({"network": {"onprem_cidrs": ["192.168.0.1/16"]}}, "network.onprem_cidrs[0]: '192.168.0.1/16' has host bits set"),
    ({"network": {"secondary_cidrs": ["10.0.0.0/16"]}}, "network.secondary_cidrs[0]: 10.0.0.0/16 overlaps the VPC CIDR"),
    ({"node_groups": [{"instance_types": ["m5.larg"]}]},
     "node_groups[0].instance_types[0]: 'm5.larg' is not a known EC2 instance type"),
    ({"node_groups": [{"instance_types": []}]}, "node_groups[0].instance_types: must have at least 1 item."),
    ({"node_groups": [{"instance_types": ["m5.large", "m5.large"]}]}, "node_groups[0].instance_types[1]: m5.large is listed twice."),
    ({"node_groups": [{"name": "a"}, {"name": "a"}]}, "node_groups[1]: node group name 'a' is used twice."),
    ({"node_groups": [{"name": "bad name"}]}, "node_groups[0].name: 'bad name' is not a valid node group name"),
    ({"node_groups": []}, "node_groups: at least one node group is needed unless pods run on Fargate"),
    ({"node_groups": "general"}, "node_groups: must be a list, got 'general' (a string)."),
    ({"node_groups": [{"os": "macos"}]}, "node_groups[0].os: must be one of 'linux' or 'windows', got 'macos' (a string)."),
    ({"cluster_name": "-prod"}, "cluster_name: '-prod' breaks EKS's naming rules"),
    ({"cluster_name": "prod.east"}, "cluster_name: 'prod.east' breaks EKS's naming rules"),
    ({"cluster_name": "a" * 101}, "cluster_name: is 101 characters; EKS cluster names are at most 100."),
    ({"cluster_name": ""}, "cluster_name: must not be empty"),
    ({"cluster_name": 42}, "cluster_name: must be a string, got the number 42 (quote it)."),
    ({"cni_version": 1.1}, "cni_version: must be a quoted string like \"1.19.2\", got the number 1.1"),
    ({"cni_version": "latest"}, "cni_version: 'latest' is not a VPC CNI version"),
    ({"region": "useast1"}, "region: 'useast1' is not an AWS Region name"),
    ({"availability_zones": 1}, "availability_zones: must be between 2 and 6, got 1."),
    ({"availability_zones": True}, "availability_zones: must be a number of AZs"),
    ({"availability_zones": ["us-east-1a", "eu-west-1b"]}, "availability_zones[1]: eu-west-1b is not in region us-east-1."),
    ({"ipv6": {"ready": "yes"}}, "ipv6.ready: must be true or false, got 'yes' (a string)."),
    ({"ipv6": True}, "ipv6: must be a mapping of keys to values, got true (a boolean)."),
    ({"fargate_pods": "10"}, "fargate_pods: must be a whole number, got '10' (a string)."),
    ({"fargate_pods": 2.5}, "fargate_pods: must be a whole number"),
    ({"network": {"growth_factor": 0.5}}, "network.growth_factor: must be at least 1.0, got 0.5."),
    ({"network": {"existing_subnets": [{"cidr": "10.0.0.0/24", "az": "us-east-1a", "used_ips": 300}]}},
     "network.existing_subnets[0].used_ips: 300 is more than the 251 usable addresses of 10.0.0.0/24"),
    ({"network": {"existing_subnets": [{"cidr": "10.9.0.0/24", "az": "us-east-1a"}]}},
     "network.existing_subnets[0].cidr: 10.9.0.0/24 is not inside the VPC CIDR"),
    ({"network": {"existing_subnets": [{"cidr": "10.0.0.0/24", "az": "us-east-1a"}, {"cidr": "10.0.0.128/25", "az": "us-east-1b"}]}},
     "network.existing_subnets[1].cidr: 10.0.0.128/25 overlaps existing_subnets[0]"),
    ({"network": {"existing_subnets": [{"cidr": "10.0.0.0/24", "az": "eu-west-1a"}]}},
     "network.existing_subnets[0].az: eu-west-1a is not in region us-east-1."),
    ({"network": {"existing_subnets": [{"az": "us-east-1a"}]}}, "network.existing_subnets[0].cidr: is required."),
    ({"multus": {"networks": [{"name": "n", "type": "bridge", "cidr": "10.10.0.0/16"}]}},
     "multus.networks[0].type: must be one of 'macvlan', 'ipvlan' or 'host-device'"),
    ({"multus": {"version": "latest"}}, "multus.version: 'latest' is not a Multus version"),
    ({"operations": {"environment": "prod"}}, "operations.environment: must be one of 'dev', 'test' or 'production'"),
    ({"suppress_rules": ["ipv6-irreversibl"]}, "suppress_rules[0]: 'ipv6-irreversibl' is not a rule id; did you mean 'ipv6-irreversible'?"),
    ({"version": 2}, "version: 2 is not a supported answers format version"),
]


@pytest.mark.parametrize("data,expected", BAD, ids=[e[1].split(":")[0] + f"-{i}" for i, e in enumerate(BAD)])
def test_bad_input_names_the_field(data, expected):
    err = _err(data)
    assert str(err).startswith(expected), str(err)
    _one_sentence(str(err))
    assert err.field and str(err).startswith(err.field + ":")


def test_unknown_instance_type_suggests(catalog):
    msg = str(_err({"node_groups": [{"instance_types": ["m5.larg"]}]}))
    assert "did you mean 'm5.large'" in msg


# ----------------------------------------------------------------------------------- files

def _file(tmp_path: Path, text: str | bytes, name: str = "a.yaml") -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


def test_missing_file(tmp_path):
    assert str(_err(tmp_path / "nope.yaml")) == f"FILE: '{tmp_path / 'nope.yaml'}' does not exist."


def test_directory(tmp_path):
    assert "is a directory" in str(_err(tmp_path))


def test_empty_file(tmp_path):
    for text in ("", "# only a comment\n", "---\n"):
        msg = str(_err(_file(tmp_path, text)))
        assert "is empty" in msg, msg
        _one_sentence(msg)


@pytest.mark.parametrize("text,what", [("- a\n- b\n", "a list"), ("hello\n", "'hello' (a string)"), ("42\n", "42 (a number)")])
def test_non_mapping_document(tmp_path, text, what):
    msg = str(_err(_file(tmp_path, text)))
    assert "must hold a mapping" in msg and what in msg, msg


def test_oversized_file_refused_before_reading(tmp_path, monkeypatch):
    p = tmp_path / "big.yaml"
    with p.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: cheap to make
    import eksadvisor.answers as mod

    def boom(*a, **k):  # parsing must never start
        raise AssertionError("parsed an oversized file")

    monkeypatch.setattr(mod, "parse_answers_text", boom)
    msg = str(_err(p))
    assert msg == f"FILE: '{p}' is {MAX_FILE_BYTES + 1} bytes, over the 1 MiB limit for an answers file."


def test_exactly_one_mib_is_allowed(tmp_path):
    body = "version: 1\n"
    p = _file(tmp_path, body + "#" * (MAX_FILE_BYTES - len(body) - 1) + "\n")
    assert p.stat().st_size == MAX_FILE_BYTES
    assert load_answers(p).version == 1


BOMB = "\n".join(
    ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
       f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]" for i in range(8)]
) + "\n"


def test_alias_bomb_refused_before_expansion(tmp_path):
    start = time.perf_counter()
    msg = str(_err(_file(tmp_path, BOMB)))
    assert time.perf_counter() - start < 1.0
    assert msg.startswith("FILE: YAML anchors (&a) are not allowed"), msg
    _one_sentence(msg)


def test_alias_refused(tmp_path):
    # an alias to an undefined anchor is still refused as an alias (or a YAML error), never expanded
    msg = str(_err(_file(tmp_path, "cluster_name: *x\n")))
    assert msg.startswith("FILE:"), msg


def test_anchor_refused_in_nested_value(tmp_path):
    text = "network: &n\n  vpc_cidr: 10.0.0.0/16\n"
    assert "anchors (&n)" in str(_err(_file(tmp_path, text)))


def test_duplicate_keys_refused(tmp_path):
    text = "cluster_name: a\nnetwork:\n  vpc_cidr: 10.0.0.0/16\n  vpc_cidr: 10.1.0.0/16\n"
    assert str(_err(_file(tmp_path, text))) == "network.vpc_cidr: duplicate key (lines 3 and 4); keep only one."
    text = "cluster_name: a\ncluster_name: b\n"
    assert str(_err(_file(tmp_path, text))) == "cluster_name: duplicate key (lines 1 and 2); keep only one."


def test_duplicate_keys_in_list_items(tmp_path):
    text = "node_groups:\n  - name: a\n    name: b\n"
    assert str(_err(_file(tmp_path, text))).startswith("node_groups[0].name: duplicate key")


def test_several_documents_refused(tmp_path):
    assert "more than one YAML document" in str(_err(_file(tmp_path, "version: 1\n---\nversion: 1\n")))


def test_yaml_syntax_error(tmp_path):
    msg = str(_err(_file(tmp_path, "cluster_name: [unclosed\n")))
    assert msg.startswith("FILE: not valid YAML at line"), msg
    _one_sentence(msg)


def test_unsafe_tag_refused(tmp_path):
    msg = str(_err(_file(tmp_path, "cluster_name: !!python/object:os.system x\n")))
    assert msg.startswith("FILE: not valid YAML"), msg


def test_not_utf8(tmp_path):
    assert "is not UTF-8 text" in str(_err(_file(tmp_path, b"cluster_name: \xff\xfe\n")))


def test_unquoted_cni_version_in_yaml(tmp_path):
    msg = str(_err(_file(tmp_path, "cni_version: 1.10\n")))
    assert msg.startswith("cni_version: must be a quoted string"), msg


def test_file_errors_name_the_field_not_file(tmp_path):
    msg = str(_err(_file(tmp_path, "node_groups:\n  - name: g\n    max_nodes: 1\n    desired_nodes: 3\n")))
    assert msg == "node_groups[0].max_nodes: must be at least desired_nodes (3)."


def test_parse_text_plain():
    assert parse_answers_text("a: 1\nb: [1, 2]\n") == {"a": 1, "b": [1, 2]}


def test_wrong_source_type():
    assert str(_err(42)).startswith("answers: expected a mapping, a file path or Answers")


# ----------------------------------------------------------------------------------- properties

@settings(max_examples=60, deadline=None)
@given(st.integers(max_value=-1))
def test_negative_counts_always_named(n):
    for key in ("desired_nodes", "pods_per_node"):
        with pytest.raises(InputError) as info:
            load_answers({"node_groups": [{key: n}]})
        assert str(info.value).startswith(f"node_groups[0].{key}: must be at least 0")


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), st.integers(), min_size=1, max_size=3))
def test_arbitrary_keys_never_crash(data):
    try:
        load_answers(data)
    except InputError as exc:
        _one_sentence(str(exc))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(16, 28))
def test_any_cidr_with_host_bits_is_named(addr, prefix):
    import ipaddress

    ip = ipaddress.IPv4Address(addr)
    net = ipaddress.IPv4Network(f"{ip}/{prefix}", strict=False)
    text = f"{ip}/{prefix}"
    if net.network_address == ip:
        if not net.subnet_of(ipaddress.IPv4Network("169.254.0.0/16")):
            assert load_answers({"network": {"vpc_cidr": text}}).network.vpc_cidr == text
    else:
        msg = str(_err({"network": {"vpc_cidr": text}}))
        assert msg == f"network.vpc_cidr: '{text}' has host bits set; did you mean {net}?"


def test_yaml_text_is_accepted():
    a = load_answers("version: 1\ncluster_name: texty\n")
    assert a.cluster_name == "texty"
    assert str(_err("a: &x 1\nb: *x\n")).startswith("answers: YAML anchors (&x)")
    assert str(_err("# nothing\n")).startswith("answers: the text is empty")
    assert str(_err("- 1\n- 2\n")).startswith("answers: expected a mapping of answers at the top level, got a list.")


def test_json_with_tabs_and_duplicates(tmp_path):
    p = _file(tmp_path, '{\n\t"cluster_name": "tabbed",\n\t"region": "eu-west-1"\n}\n', "a.json")
    assert load_answers(p).cluster_name == "tabbed"
    p = _file(tmp_path, '{"cluster_name": "a", "cluster_name": "b"}', "d.json")
    assert str(_err(p)) == "FILE: duplicate key 'cluster_name' in the JSON; keep only one."
