"""Issue 13 (part B): generated artefacts for the expert special cases -- Auto Mode node placement, Multus
addressing, Fargate guidance. Each case is a scenario through the real advisor with the expected content worked
out by hand here (sources cited next to the numbers)."""

from __future__ import annotations

import ipaddress
import json

import jsonschema
import pytest
import yaml

from eksadvisor.artefacts import build_artefact_context, build_snippets
from tests.artefacts.snippets_support import auto_mode_case, json_schema, parse_hcl


def _docs(text: str) -> list:
    return [d for d in yaml.safe_load_all(text) if d is not None]


# ------------------------------------------------------------------------------------------ Auto Mode

def test_auto_mode_nodes_are_placed_in_node_subnets_not_cluster_subnets(shared_dir):
    """Fact sheet §11 [EKS-AUTO-NC]: the built-in node pools use the default NodeClass, whose node subnets are the
    cluster's subnets; with the planner's control-plane /28s (16 - 5 = 11 usable addresses each) every node would
    land there. The artefacts must turn the built-in pools off and place nodes through a custom NodeClass that
    every NodePool references."""
    rec, answers = auto_mode_case()
    out = rec.snippets
    cluster = [s for s in rec.subnets if s.role == "cluster"]
    private = [s for s in rec.subnets if s.role == "private"]
    assert len(cluster) == 3 and all(ipaddress.ip_network(s.cidr).prefixlen == 28 and s.usable_ips == 11 for s in cluster)
    assert len(private) == 3

    nodeclass, *pools = _docs(out["automode-nodeclass.yaml"])
    assert (nodeclass["apiVersion"], nodeclass["kind"]) == ("eks.amazonaws.com/v1", "NodeClass")
    assert nodeclass["metadata"]["name"] != "default"  # create-node-class.html: do not name it default
    # required fields per the Node Class Specification (create-node-class.html)
    assert {"role", "subnetSelectorTerms", "securityGroupSelectorTerms"} <= set(nodeclass["spec"])
    selected = [t["id"] for t in nodeclass["spec"]["subnetSelectorTerms"]]
    assert selected == [f"<SUBNET_ID:{s.name}>" for s in private]
    assert not {f"<SUBNET_ID:{s.name}>" for s in cluster} & set(selected)

    # one NodePool per node group, each referencing the custom NodeClass (create-node-pool.html sample)
    assert [(p["apiVersion"], p["kind"], p["metadata"]["name"]) for p in pools] == [
        ("karpenter.sh/v1", "NodePool", "general"), ("karpenter.sh/v1", "NodePool", "batch")]
    for pool, group in zip(pools, answers.node_groups, strict=True):
        spec = pool["spec"]["template"]["spec"]
        assert spec["nodeClassRef"] == {"group": "eks.amazonaws.com", "kind": "NodeClass",
                                        "name": nodeclass["metadata"]["name"]}
        assert spec["requirements"] == [{"key": "node.kubernetes.io/instance-type", "operator": "In",
                                         "values": list(group.instance_types)}]

    # eksctl: control plane in the cluster subnets, node subnets separate, built-in pools off, no nodeRoleARN
    (cfg,) = _docs(out["eksctl-cluster.yaml"])
    jsonschema.Draft7Validator(json_schema("eksctl-clusterconfig-v1alpha5.schema.json")).validate(cfg)
    assert cfg["vpc"]["controlPlaneSubnetIDs"] == [f"<SUBNET_ID:{s.name}>" for s in cluster]
    assert sorted(cfg["vpc"]["subnets"]["private"]) == [s.name for s in private]
    assert cfg["autoModeConfig"] == {"enabled": True, "nodePools": []}

    # Terraform: control_plane_subnet_ids are the intra (cluster) subnets, subnet_ids the private ones
    module = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]
    assert module["control_plane_subnet_ids"] == "${module.vpc.intra_subnets}"
    assert module["subnet_ids"] == "${module.vpc.private_subnets}"
    assert module["compute_config"] == {"enabled": True, "node_pools": []}
    vpc = parse_hcl(out["terraform-vpc.tf"])["module"][0]["vpc"]
    assert vpc["intra_subnets"] == [s.cidr for s in cluster]
    assert vpc["private_subnets"] == [s.cidr for s in private]

    # the runbook grants the node role access before the NodeClass/NodePools are applied
    runbook = out["runbook.md"]
    assert runbook.index("create-access-entry") < runbook.index("kubectl apply \\\n    -f automode-nodeclass.yaml")
    assert "one NodePool per node group (`general`, `batch`)" in runbook


def test_auto_mode_without_linux_groups_still_gets_a_node_pool(shared_dir):
    from eksadvisor.artefacts import automode

    rec, answers = auto_mode_case()
    rec = rec.model_copy(update={"node_groups": []})
    (pool,) = automode.nodepool_docs(build_artefact_context(rec, answers))
    assert pool["metadata"]["name"] == "general"
    assert pool["spec"]["template"]["spec"]["nodeClassRef"]["name"] == automode.NODECLASS_NAME
    assert pool["spec"]["template"]["spec"]["requirements"]  # karpenter.sh/v1 NodePool requires requirements


def test_auto_mode_pod_subnets_stay_out_of_the_node_selector(shared_dir):
    from tests.artefacts.snippets_support import example_answers, payments_rec

    answers = example_answers("exhausted-onprem").model_copy(deep=True)
    answers.operations.auto_mode = True
    rec = payments_rec()
    out = build_snippets(rec, answers)
    nodeclass, *pools = _docs(out["automode-nodeclass.yaml"])
    assert [t["id"] for t in nodeclass["spec"]["subnetSelectorTerms"]] == [
        f"<SUBNET_ID:private-eu-central-1{z}>" for z in "abc"]
    assert [t["id"] for t in nodeclass["spec"]["podSubnetSelectorTerms"]] == [
        f"<SUBNET_ID:pod-eu-central-1{z}>" for z in "abc"]
    assert [p["metadata"]["name"] for p in pools] == ["workers"]


# --------------------------------------------------------------------------------------------- Multus

def _nad_configs(text: str) -> list[tuple[dict, dict]]:
    """(NAD object, parsed CNI config) per document; each NAD validates against the published CRD schema."""
    import json

    from tests.artefacts.snippets_support import crd_schema, strict

    schema = strict(crd_schema("networkattachmentdefinition-crd.k8s.cni.cncf.io-v1.yaml", "v1"))
    out = []
    for doc in _docs(text):
        jsonschema.Draft4Validator(schema).validate(doc)
        out.append((doc, json.loads(doc["spec"]["config"])))  # spec.config is CNI JSON inside YAML
    return out


def _assert_disjoint(rec, answers, configs) -> None:
    """Every NAD range is disjoint from every planned non-Multus subnet and every connected range."""
    from eksadvisor.addressing.cidr import default_service_cidr

    vpc = [ipaddress.ip_network(answers.network.vpc_cidr)]
    connected = [ipaddress.ip_network(c) for c in answers.network.onprem_cidrs]
    connected += [ipaddress.ip_network(s.cidr) for s in answers.network.existing_subnets]
    connected.append(ipaddress.ip_network(default_service_cidr(vpc).cidr))
    planned = [ipaddress.ip_network(s.cidr) for s in rec.subnets if s.role != "multus"]
    assert planned and connected
    for _, config in configs:
        ipam = config["ipam"]
        first, last = ipaddress.ip_address(ipam["range_start"]), ipaddress.ip_address(ipam["range_end"])
        rng = ipaddress.ip_network(ipam["range"])
        assert first in rng and last in rng
        for other in planned + connected:
            assert not rng.overlaps(other), (ipam, other)


def test_multus_answers_ranges_use_whereabouts_and_skip_aws_reserved(shared_dir):
    from tests.artefacts.snippets_support import multus_case

    rec, answers = multus_case()
    configs = _nad_configs(rec.snippets["multus-nad.yaml"])
    # hand-worked: each range lies in the VPC, so the planner splits it into one subnet per AZ (2 AZs -> halves); pods
    # get the upper half of each subnet, reserved explicitly (EC2 never auto-assigns it, so the extra ENIs' primaries,
    # from the lower half, cannot collide), up to the subnet's last address less AWS's reserved broadcast [VPC-RESV]:
    # 10.0.240.0/24 -> 10.0.240.0/25 (pods 10.0.240.64/26: .64-.126) and 10.0.240.128/25 (pods .192/26: .192-.254)
    # 10.0.241.0/25 -> 10.0.241.0/26 (pods .32/27: .32-.62) and 10.0.241.64/26 (pods .96/27: .96-.126)
    def wb(rng, a, b):
        return {"type": "whereabouts", "range": rng, "range_start": a, "range_end": b}

    assert [(d["metadata"]["name"], c["type"], c.get("mode"), c["ipam"]) for d, c in configs] == [
        ("sig-us-east-1a", "ipvlan", "l2", wb("10.0.240.64/26", "10.0.240.64", "10.0.240.126")),
        ("sig-us-east-1b", "ipvlan", "l2", wb("10.0.240.192/26", "10.0.240.192", "10.0.240.254")),
        ("media-us-east-1a", "macvlan", "bridge", wb("10.0.241.32/27", "10.0.241.32", "10.0.241.62")),
        ("media-us-east-1b", "macvlan", "bridge", wb("10.0.241.96/27", "10.0.241.96", "10.0.241.126")),
    ]
    text = rec.snippets["multus-nad.yaml"]
    for rng in ("10.0.240.64/26", "10.0.240.192/26", "10.0.241.32/27", "10.0.241.96/27"):
        assert f"--cidr {rng} --reservation-type explicit" in text
    _assert_disjoint(rec, answers, configs)
    text = rec.snippets["multus-nad.yaml"]
    assert "host-local" not in text.split("\n---", 1)[1]
    assert "node.k8s.amazonaws.com/no_manage=true" in text
    assert "macvlan (media): macvlan gives each pod its own MAC address; the VPC drops frames" in text
    # the ordered ENI note, in the NAD header and in the runbook alike
    for name in ("multus-nad.yaml", "runbook.md"):
        body = rec.snippets[name]
        steps = [body.index(f"{n}. ") for n in range(1, 7)]
        assert steps == sorted(steps), name
        assert "Set kubelet max-pods to the values here, which already count the ENIs left after the extra ones" in body
        assert "assign-private-ip-addresses" in body
    warnings = {w.id: w for w in rec.warnings}
    assert warnings["multus-macvlan-no-cross-node"].severity == "warning"
    assert "do not reach other nodes" in warnings["multus-macvlan-no-cross-node"].message
    assert "multus-extra-enis" in warnings


def test_multus_planned_subnets_give_one_nad_per_network_per_az(shared_dir):
    """The planner's role-"multus" subnets (see PLANNED_MULTUS), one per network per AZ."""
    from tests.artefacts.snippets_support import PLANNED_MULTUS, multus_planned_case

    rec, answers = multus_planned_case()
    configs = _nad_configs(rec.snippets["multus-nad.yaml"])
    # hand-worked: pods get each subnet's upper half (explicitly reserved), up to the subnet's last address less the
    # broadcast [VPC-SUBNET] [VPC-RESV]: /26 10.0.250.0 -> 10.0.250.32/27 (.32-.62); /27 10.0.251.0 -> .16/28 (.16-.30)
    assert [(d["metadata"]["name"], c["name"], c["ipam"]["range"], c["ipam"]["range_start"], c["ipam"]["range_end"])
            for d, c in configs] == [
        ("sig-us-east-1a", "sig-us-east-1a", "10.0.250.32/27", "10.0.250.32", "10.0.250.62"),
        ("sig-us-east-1b", "sig-us-east-1b", "10.0.250.96/27", "10.0.250.96", "10.0.250.126"),
        ("media-us-east-1a", "media-us-east-1a", "10.0.251.16/28", "10.0.251.16", "10.0.251.30"),
        ("media-us-east-1b", "media-us-east-1b", "10.0.251.48/28", "10.0.251.48", "10.0.251.62"),
    ]
    _assert_disjoint(rec, answers, configs)
    assert "One NetworkAttachmentDefinition per network per AZ, named <network>-<az>" in rec.snippets["multus-nad.yaml"]
    # the dedicated subnets are created (Terraform) and tagged, never selected as node subnets
    tf = parse_hcl(rec.snippets["terraform-vpc.tf"])
    multus = next(r["aws_subnet"]["multus"] for r in tf["resource"] if "aws_subnet" in r and "multus" in r["aws_subnet"])
    assert sorted(multus["for_each"]) == sorted(f"telco-multus-{n}-{az}" for n, az, _ in PLANNED_MULTUS)
    assert "telco-multus-sig-us-east-1a: Multus subnet of network sig 10.0.250.0/26" in rec.snippets["subnet-tags.sh"]
    (cfg,) = _docs(rec.snippets["eksctl-cluster.yaml"])
    assert not any("multus" in name for kind in cfg["vpc"]["subnets"].values() for name in kind)
    assert "the planned Multus subnets (telco-multus-sig-us-east-1a" in rec.snippets["runbook.md"]


def test_planner_leaves_multus_ranges_alone(shared_dir):
    """A Multus range inside the VPC is reserved for its NADs: the planner places no subnet over it (before, the
    plan could put a node subnet there silently; 10.0.32.0/24 is where the first node subnet would go)."""
    from ipaddress import IPv4Network as N

    from tests.artefacts.snippets_support import MULTUS_ANSWERS, multus_case

    networks = [MULTUS_ANSWERS["multus"]["networks"][0], {"name": "media", "type": "ipvlan", "cidr": "10.0.32.0/24"}]
    rec, _ = multus_case(multus={**MULTUS_ANSWERS["multus"], "networks": networks})
    assert not any(N(s.cidr).overlaps(N("10.0.32.0/24")) for s in rec.subnets if s.role != "multus")
    assert [s.cidr for s in rec.subnets if s.network == "media"] == ["10.0.32.0/25", "10.0.32.128/25"]
    # pods get the reserved upper half of each per-AZ subnet
    assert "10.0.32.64/26" in rec.snippets["multus-nad.yaml"] and "10.0.32.192/26" in rec.snippets["multus-nad.yaml"]


@pytest.mark.parametrize("cidr, what", [
    ("192.168.10.0/24", "the connected range network.onprem_cidrs[0] (192.168.0.0/16)"),
    ("172.20.5.0/24", "the service CIDR EKS is expected to use (172.20.0.0/16, inferred)"),  # VPC in 10/8 -> 172.20/16
    ("10.0.240.128/25", "Multus network sig (10.0.240.0/24)"),
])
def test_multus_range_overlapping_anything_is_refused_naming_the_network(shared_dir, cidr, what):
    from eksadvisor.errors import InputError
    from tests.artefacts.snippets_support import MULTUS_ANSWERS, multus_case

    networks = [MULTUS_ANSWERS["multus"]["networks"][0], {"name": "media", "type": "ipvlan", "cidr": cidr}]
    with pytest.raises(InputError) as err:
        multus_case(multus={**MULTUS_ANSWERS["multus"], "networks": networks})
    assert err.value.field == "multus.networks[1].cidr"
    assert str(err.value).startswith(f"multus.networks[1].cidr: Multus network media ({cidr}) overlaps {what};")


def test_multus_overlap_exits_2_on_the_cli(tmp_path, capsys):
    from eksadvisor.cli import main
    from tests.artefacts.snippets_support import MULTUS_ANSWERS

    data = {**MULTUS_ANSWERS, "multus": {**MULTUS_ANSWERS["multus"], "networks": [
        {"name": "sig", "type": "ipvlan", "cidr": "192.168.1.0/24"}]}}
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["advise", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "multus.networks[0].cidr: Multus network sig (192.168.1.0/24) overlaps" in err[0]


@pytest.mark.parametrize("version, flagged", [
    ("v4.0.2", True), ("v4.1.1", True), ("v4.1.4-eksbuild.1", True), ("v4.1.4-eksbuild.3", False), ("v4.2.3", False)])
def test_old_thick_plugin_is_flagged_with_the_fixed_version(shared_dir, version, flagged):
    # fact sheet §7: AWS's fix is in the v4.1.4-eksbuild.3 manifest (PR #3323), upstream's in v4.2.3 (issue #1221)
    from tests.artefacts.snippets_support import MULTUS_ANSWERS, multus_case

    rec, _ = multus_case(multus={**MULTUS_ANSWERS["multus"], "plugin": "thick", "version": version})
    ids = {w.id: w for w in rec.warnings}
    assert ("multus-thick-plugin-race" in ids) is flagged
    if flagged:
        w = ids["multus-thick-plugin-race"]
        assert w.severity == "critical"
        assert "v4.1.4-eksbuild.3" in w.message and "v4.2.3" in w.message
        assert f"Thick plugin {version} is older than the builds with the start-up race fix" in rec.snippets["runbook.md"]
    else:
        assert f"Thick plugin {version} includes the start-up race fix" in rec.snippets["runbook.md"]
    assert "could not be confirmed" in rec.snippets["runbook.md"]  # the pod-lookup fix: said in plain words


# -------------------------------------------------------------------------------------------- Fargate

def test_fargate_profile_uses_the_private_subnets_sized_for_it(shared_dir):
    """40 Fargate pods, growth factor 2.0 (default), 2 AZs: ceil(40 x 2.0 / 2) = 40 addresses per AZ counted in the
    private subnets (advisor._plan, fargate_per_az); a /26 holds 64 - 5 = 59 >= 40 [VPC-SUBNET]. Fact sheet §11
    [EKS-FARGATE]: one address per pod, private subnets only."""
    from tests.artefacts.snippets_support import fargate_case

    rec, _answers = fargate_case()
    private = [s for s in rec.subnets if s.role == "private"]
    assert [s.usable_ips for s in private] == [59, 59] and all(s.usable_ips >= 40 for s in private)
    out = rec.snippets
    (cfg,) = _docs(out["eksctl-cluster.yaml"])
    jsonschema.Draft7Validator(json_schema("eksctl-clusterconfig-v1alpha5.schema.json")).validate(cfg)
    assert cfg["fargateProfiles"][0] == {"name": "fp-default", "selectors": [{"namespace": "<NAMESPACE:fargate>"}],
                                         "subnets": [f"<SUBNET_ID:{s.name}>" for s in private]}
    # Fargate-only: CoreDNS gets its own kube-system profile on the same subnets (test below)
    assert [p["name"] for p in cfg["fargateProfiles"]] == ["fp-default", "fp-kube-system"]
    assert "managedNodeGroups" not in cfg
    module = parse_hcl(out["terraform-eks.tf"])["module"][0]["eks"]
    assert module["fargate_profiles"]["fp-default"] == {"name": "fp-default",
                                                        "selectors": [{"namespace": "<NAMESPACE:fargate>"}],
                                                        "subnet_ids": "${module.vpc.private_subnets}"}
    for name in ("eksctl-cluster.yaml", "terraform-eks.tf", "runbook.md"):
        text = out[name]
        assert "Fargate (40 pods): each pod takes one address from the profile's subnets, which must be private" in text
        assert "IPv4 address as well" not in text  # IPv4 cluster
    assert "eksctl create fargateprofile" in out["runbook.md"]
    w = next(w for w in rec.warnings if w.id == "fargate-profile-private-subnets")
    assert w.message.startswith("40 pods run on Fargate: each runs alone in its micro-VM and takes one address")


def test_fargate_in_ipv6_and_existing_vpc_and_absent_without_pods(shared_dir):
    from tests.artefacts.snippets_support import example_answers, ipv6_case, payments_rec

    out = build_snippets(*ipv6_case())  # IPv6 + 10 Fargate pods
    for name in ("eksctl-cluster.yaml", "terraform-eks.tf", "runbook.md"):
        assert "IPv6 cluster: each Fargate pod still needs an IPv4 address as well" in out[name]
    # existing VPC: the profile names the private subnets by ID placeholder
    answers = example_answers("exhausted-onprem").model_copy(update={"fargate_pods": 6})
    module = parse_hcl(build_snippets(payments_rec(), answers)["terraform-eks.tf"])["module"][0]["eks"]
    assert module["fargate_profiles"]["fp-default"]["subnet_ids"] == [f"<SUBNET_ID:private-eu-central-1{z}>" for z in "abc"]
    # no Fargate pods: no profile, no note
    plain = build_snippets(payments_rec(), example_answers("exhausted-onprem"))
    assert "fargateProfiles" not in plain["eksctl-cluster.yaml"] and "fargate_profiles" not in plain["terraform-eks.tf"]
    assert "Fargate" not in plain["runbook.md"]


def test_multus_ranges_refuse_exactly_the_overlapping_ranges():
    """Property: an answers range is accepted iff it overlaps no planned subnet, connected range or earlier network,
    and an accepted range always skips AWS's first four and last addresses."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from eksadvisor.addressing.multus import Connected, multus_ranges
    from eksadvisor.errors import InputError

    planned = [{"name": "p-a", "role": "private", "az": "a", "cidr": "10.0.32.0/23"},
               {"name": "c-a", "role": "cluster", "az": "a", "cidr": "10.0.36.0/28"}]
    connected = Connected(existing_subnets=("10.0.64.0/24",), onprem_cidrs=("10.0.128.0/20",), vpc_blocks=("10.0.0.0/16",))
    used = [ipaddress.ip_network(c) for c in ("10.0.32.0/23", "10.0.36.0/28", "10.0.64.0/24", "10.0.128.0/20",
                                              "172.20.0.0/16")]  # VPC in 10/8 -> inferred service CIDR 172.20/16

    blocks = st.builds(lambda base, plen: str(ipaddress.ip_network(f"10.0.{base}.0/{plen}", strict=False)),
                       st.integers(0, 255), st.integers(20, 28))

    @settings(max_examples=200, deadline=None)
    @given(st.lists(blocks, min_size=1, max_size=3))
    def check(cidrs):
        nets = [ipaddress.ip_network(c) for c in cidrs]
        clash = any(n.overlaps(u) for i, n in enumerate(nets) for u in used + nets[:i])
        try:
            ranges = multus_ranges([(f"n{i}", c) for i, c in enumerate(cidrs)], planned, connected)
        except InputError as e:
            assert clash and e.field.startswith("multus.networks[")
            return
        assert not clash
        for r, n in zip(ranges, nets, strict=True):
            assert ipaddress.ip_address(r.range_start) == n[4] and ipaddress.ip_address(r.range_end) == n[-2]
            assert r.addresses == n.num_addresses - 5

    check()


def test_multus_extra_enis_come_off_max_pods(shared_dir):
    """Each Multus network puts one extra ENI on every node, tagged no_manage; ipamd subtracts unmanaged ENIs from the
    ENI limit (hasRoomForEni, pkg/ipamd/ipamd.go; VPC CNI README 'No Manage tag'), so max-pods counts E - 2 here:
    m5.2xlarge has 4 ENIs x 15 IPv4 addresses -> (4 - 2) x (15 - 1) + 2 = 30, not 58 (--cni-max-eni 2 gives the same)."""
    from eksadvisor.model.maxpods import max_pods
    from tests.artefacts.snippets_support import multus_case

    rec, _ = multus_case()
    assert rec.max_pods == {"m5.2xlarge": 30}
    assert max_pods("m5.2xlarge", "1.19.2", max_eni=2).max_pods == 30
    assert rec.node_groups[0].per_node["enis"] <= 2
    assert any("no_manage" in n for n in rec.max_pods_detail["m5.2xlarge"]["notes"])


def test_fargate_only_cluster_runs_coredns_on_fargate(shared_dir):
    """No Linux node: CoreDNS must run on Fargate -- a profile selecting kube-system k8s-app=kube-dns and the coredns
    add-on's computeType Fargate (Get started with AWS Fargate, 'Update CoreDNS'), else cluster DNS stays Pending."""
    from tests.artefacts.snippets_support import fargate_case, parse_hcl

    rec, _ = fargate_case()
    (cfg,) = _docs(rec.snippets["eksctl-cluster.yaml"])
    system = [p for p in cfg["fargateProfiles"] if p["name"] == "fp-kube-system"]
    assert system and system[0]["selectors"] == [{"namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}}]
    coredns = next(a for a in cfg["addons"] if a["name"] == "coredns")
    assert json.loads(coredns["configurationValues"]) == {"computeType": "Fargate"}
    tf = parse_hcl(rec.snippets["terraform-eks.tf"])
    eks = tf["module"][0]["eks"]
    assert "fp-kube-system" in eks["fargate_profiles"]
    # with a Linux node group CoreDNS stays on the nodes: no system profile, no computeType
    rec2, _ = fargate_case(node_groups=[{"name": "g", "instance_types": ["m5.large"], "desired_nodes": 2,
                                         "max_nodes": 3, "pods_per_node": 10}])
    (cfg2,) = _docs(rec2.snippets["eksctl-cluster.yaml"])
    assert [p["name"] for p in cfg2["fargateProfiles"]] == ["fp-default"]
    assert "configurationValues" not in next(a for a in cfg2["addons"] if a["name"] == "coredns")
