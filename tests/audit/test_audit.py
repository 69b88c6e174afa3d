"""eksadvisor audit: bundle reading, exact free /28 counts, findings (each fires and has a near miss), answers,
recommendation and changes. Bundles come from tests/audit/audit_bundles.py (documented aws/kubectl output shapes)."""

from __future__ import annotations

import json
from ipaddress import IPv4Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eksadvisor.audit import audit
from eksadvisor.audit.bundle import from_documents, read_bundle
from eksadvisor.audit.engine import analyse_subnet
from eksadvisor.cli import main
from eksadvisor.errors import InputError
from tests.audit.audit_bundles import ClusterSpec, GroupSpec, SubnetSpec, build, three_az, write

AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]


def run(tmp_path, spec, name="b"):
    docs, resv = build(spec)
    return audit(write(tmp_path / name, docs, resv))


def ids(result):
    return sorted({f.id for f in result.findings})


def sub(result, sid):
    return next(s for s in result.subnets if s.subnet_id == sid)


def two_az_small(node_cidrs=("10.0.16.0/24", "10.0.17.0/24"), **kw) -> ClusterSpec:
    subnets = [SubnetSpec("subnet-0c0000000000000a1", "10.0.0.0/28", AZS[0], cluster=True),
               SubnetSpec("subnet-0c0000000000000b1", "10.0.0.16/28", AZS[1], cluster=True),
               SubnetSpec("subnet-0a0000000000000a1", node_cidrs[0], AZS[0]),
               SubnetSpec("subnet-0a0000000000000b1", node_cidrs[1], AZS[1])]
    spec = ClusterSpec(subnets=subnets, groups=[GroupSpec("general", "m5.large", {AZS[0]: 2, AZS[1]: 2}, pods_per_node=12)])
    for k, v in kw.items():
        setattr(spec, k, v)
    return spec


# ------------------------------------------------------------------------------------------ healthy
def test_healthy_cluster_hand_worked_figures(tmp_path):
    r = run(tmp_path, three_az())
    assert [f.id for f in r.findings if f.id.startswith("audit-")] == []
    node = sub(r, "subnet-0a000000000000000")
    # /20 = 4,096 - 5 AWS-reserved = 4,091 usable; each of the 2 nodes holds a primary ENI (1 + 9 secondaries) and a
    # second ENI (1 + 6 secondaries) for 12 pods + 3 spare = 17 addresses -> 4,091 - 34 = 4,057 free.
    assert (node.usable_ips, node.free_ips, node.role) == (4091, 4057, "node")
    # ipamd model: m5.large (3 ENIs x 10), 12 pods, WARM_ENI_TARGET=1 -> 2 ENIs in use + 1 warm = 30 addresses per node
    assert node.nodes_that_fit == {"general": 4057 // 30} == {"general": 135}
    assert sub(r, "subnet-0c000000000000000").role == "cluster"
    assert sub(r, "subnet-0b000000000000000").role == "public"
    assert r.current_settings.address_mode == "secondary_ip" and r.current_settings.cni_version == "1.19.2"
    assert r.current_settings.env["WARM_PREFIX_TARGET"].source == "default"
    assert r.current_settings.env["WARM_ENI_TARGET"].source == "daemonset"
    assert r.recommendation is not None and r.recommendation_error is None
    assert r.answers["node_groups"][0] == {"name": "general", "instance_types": ["m5.large"], "desired_nodes": 6,
                                           "max_nodes": 6, "pods_per_node": 12, "os": "linux",
                                           "system_pods": 5, "system_pods_with_ip": 2}  # the documented EKS baseline
    used = {s["cidr"]: s["used_ips"] for s in r.answers["network"]["existing_subnets"]}
    assert used["10.0.16.0/20"] == 34
    assert [row.fit_now for row in r.forecast] == [135, 135, 135]


def test_answers_are_valid_and_advise_runs_on_them(tmp_path):
    from eksadvisor.answers import validate_answers
    from eksadvisor.decide.advisor import advise

    r = run(tmp_path, three_az())
    rec = advise(validate_answers(r.answers))
    assert rec.model_dump(mode="json") == r.recommendation


# ------------------------------------------------------------------------------------------ free /28
def brute_force(net, used, explicit):
    base, last = int(net.network_address), int(net.broadcast_address)
    taken = set(used) | {a for lo, hi in explicit for a in range(lo, hi + 1)}
    reserved = {base, base + 1, base + 2, base + 3, last}
    free_blocks = sum(1 for b in range(base, last + 1, 16)
                      if not any(a in taken or a in reserved for a in range(b, b + 16)))
    free_ips = sum(1 for a in range(base, last + 1) if a not in taken and a not in reserved)
    return free_ips, free_blocks


@settings(max_examples=150, deadline=None)
@given(st.integers(20, 28), st.data())
def test_free_prefixes_match_brute_force(prefixlen, data):
    net = IPv4Network(f"10.1.0.0/{prefixlen}")
    base, size = int(net.network_address), net.num_addresses
    used = data.draw(st.lists(st.integers(base + 4, base + size - 2), max_size=200))
    n_pref = data.draw(st.integers(0, 3))
    prefixes = [(base + 16 * b, base + 16 * b + 15) for b in
                data.draw(st.lists(st.integers(0, size // 16 - 1), max_size=n_pref, unique=True))]
    explicit = []
    for _ in range(data.draw(st.integers(0, 2))):
        ln = data.draw(st.integers(max(prefixlen, 24), 32))
        start = data.draw(st.integers(0, size // (2 ** (32 - ln)) - 1)) * 2 ** (32 - ln) + base
        explicit.append((start, start + 2 ** (32 - ln) - 1))
    free_ips, free_pfx, _, _, _ = analyse_subnet(net, used, prefixes, explicit)
    all_used = set(used) | {a for lo, hi in prefixes for a in range(lo, hi + 1)}
    assert (free_ips, free_pfx) == brute_force(net, all_used, explicit)


def test_free_prefixes_respect_prefix_reservations():
    net = IPv4Network("10.0.16.0/24")
    base = int(net.network_address)
    # blocks 4..7 are a prefix reservation: still free for prefixes (that is their purpose), counted apart
    free_ips, free_pfx, in_resv, _, _ = analyse_subnet(net, [base + 4], [], [], [(base + 64, base + 127)])
    assert (free_ips, free_pfx, in_resv) == (250, 14, 4)


# ------------------------------------------------------------------------------------------ findings
def test_fragmented_subnet_with_healthy_free_count(tmp_path):
    spec = three_az(env={"ENABLE_PREFIX_DELEGATION": "true"})
    spec.subnets[2].fragment_every = 1  # one address in every /28 of us-east-1a's /20 (e.g. Lambda ENIs)
    r = run(tmp_path, spec)
    s = sub(r, "subnet-0a000000000000000")
    assert s.free_ips > 3800 and s.free_prefixes == 0  # looks healthy by address count, no /28 free
    frag = [f for f in r.findings if f.id == "audit-prefix-fragmented"]
    assert [f.evidence["subnet_id"] for f in frag] == ["subnet-0a000000000000000"]
    # need: 2 more nodes x (1 prefix for 12 pods + WARM_PREFIX_TARGET=1) = 4 /28s
    assert frag[0].evidence["prefixes_needed"] == 4 and "InsufficientCidrBlocks" in frag[0].message
    quiet = run(tmp_path, three_az(env={"ENABLE_PREFIX_DELEGATION": "true"}), "quiet")
    assert "audit-prefix-fragmented" not in ids(quiet)


@pytest.mark.parametrize("last_block, fires", [(True, True), (False, False)])
def test_prefix_fragmented_near_miss(tmp_path, last_block, fires):
    # /24 node subnet: 16 /28s, the first and last never free; 2 nodes hold 2 prefixes each (blocks 1-4)
    resv = [("10.0.16.96/27", "explicit"), ("10.0.16.128/26", "explicit")]  # blocks 6-7 and 8-11
    if last_block:
        resv.append(("10.0.16.192/28", "explicit"))  # block 12
    spec = two_az_small(env={"ENABLE_PREFIX_DELEGATION": "true"})
    spec.groups[0].prefixes_per_node = 2
    spec.subnets[2].reservations = resv
    r = run(tmp_path, spec)
    s = sub(r, "subnet-0a0000000000000a1")
    assert s.free_prefixes == (3 if last_block else 4)  # blocks 5, (12,) 13, 14
    assert ("audit-prefix-fragmented" in ids(r)) is fires


@pytest.mark.parametrize("filler, fit, fires", [(170, 1, True), (157, 2, False)])
def test_subnet_nearly_exhausted_near_miss(tmp_path, filler, fit, fires):
    spec = two_az_small()
    spec.subnets[2].filler = filler  # load balancer ENIs
    r = run(tmp_path, spec)
    s = sub(r, "subnet-0a0000000000000a1")
    # /24: 251 usable - 2 nodes x 17 - filler; 30 per more node (ipamd model, see the healthy test)
    assert s.free_ips == 251 - 34 - filler and s.nodes_that_fit == {"general": fit}
    hits = [f for f in r.findings if f.id == "audit-subnet-nearly-exhausted"]
    assert bool(hits) is fires
    if fires:
        assert hits[0].evidence["subnet_id"] == "subnet-0a0000000000000a1" and hits[0].severity == "warning"


def test_cluster_subnet_below_six_free(tmp_path):
    spec = two_az_small()
    spec.subnets[0].filler = 6  # 11 usable - 1 EKS ENI - 6 = 4 free
    r = run(tmp_path, spec)
    hit = [f for f in r.findings if f.id == "audit-subnet-nearly-exhausted"]
    assert [(f.evidence["subnet_id"], f.severity) for f in hit] == [("subnet-0c0000000000000a1", "critical")]
    spec.subnets[0].filler = 4  # 6 free: the minimum EKS asks for
    assert "audit-subnet-nearly-exhausted" not in ids(run(tmp_path, spec, "near"))


def _custom_spec(eniconfig_azs):
    spec = three_az(env={"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "true",
                         "ENI_CONFIG_LABEL_DEF": "topology.kubernetes.io/zone"},
                    secondary_cidrs=["100.64.0.0/16"])
    for i, az in enumerate(AZS):
        spec.subnets.append(SubnetSpec(f"subnet-0d{i:015x}", f"100.64.{32 * i}.0/19", az))
    spec.eniconfigs = {az: f"subnet-0d{i:015x}" for i, az in enumerate(AZS) if az in eniconfig_azs}
    return spec


def test_eniconfig_missing_and_near_miss(tmp_path):
    r = run(tmp_path, _custom_spec(AZS[:2]))
    hit = [f for f in r.findings if f.id == "audit-eniconfig-missing"]
    assert [f.evidence["az"] for f in hit] == ["us-east-1c"] and len(hit[0].evidence["nodes"]) == 2
    ok = run(tmp_path, _custom_spec(AZS), "ok")
    assert "audit-eniconfig-missing" not in ids(ok)
    pod = sub(ok, "subnet-0d000000000000000")
    assert pod.role == "pod" and "ENIConfig" in pod.role_reason
    # custom networking: pods take addresses from the pod subnet; ipamd model's pod-subnet cost per node
    assert pod.nodes_that_fit["general"] > 0


@pytest.mark.parametrize("env, capacity, sev", [
    ({"ENABLE_PREFIX_DELEGATION": "true"}, 29, "warning"),  # prefix on, kubelet never raised: 110 supported
    ({"ENABLE_PREFIX_DELEGATION": "true"}, 110, None),  # near miss
    ({}, 58, "critical"),  # secondary IP: m5.large addresses 3 x (10 - 1) + 2 = 29 pods
    ({}, 29, None),
])
def test_max_pods_mismatch(tmp_path, env, capacity, sev):
    spec = three_az(env=env)
    spec.groups[0].capacity = capacity
    r = run(tmp_path, spec)
    hit = [f for f in r.findings if f.id == "audit-max-pods-mismatch"]
    assert [f.severity for f in hit] == ([sev] if sev else [])
    if sev:
        assert hit[0].evidence["capacity_pods"] == capacity and len(hit[0].evidence["nodes"]) == 6


def test_self_managed_cni_without_addon(tmp_path):
    r = run(tmp_path, three_az(addon=None))
    assert {"use-managed-addon", "backup-before-upgrade", "cni-separate-iam-role"} <= set(ids(r))
    assert r.current_settings.managed_addon is False and r.answers["operations"]["self_managed_cni"] is True
    assert r.changes[0].title.startswith("Adopt the EKS managed add-on")
    quiet = run(tmp_path, three_az(), "q")
    assert not {"use-managed-addon", "cni-separate-iam-role"} & set(ids(quiet))


def test_addon_configuration_values_override_daemonset(tmp_path):
    spec = three_az(addon_env={"WARM_ENI_TARGET": "0", "WARM_IP_TARGET": "5", "MINIMUM_IP_TARGET": "10"})
    r = run(tmp_path, spec)
    env = r.current_settings.env
    assert (env["WARM_ENI_TARGET"].value, env["WARM_ENI_TARGET"].source) == ("0", "addon")
    assert env["WARM_IP_TARGET"].source == "addon"
    # ipamd with WARM_IP_TARGET=5, MINIMUM_IP_TARGET=10: 12 pods + 5 warm = 17 addresses -> 2 ENIs (9 + 8 secondaries)
    g = r.node_groups[0]
    assert g.per_node["secondary_ips"] == 17


def test_warm_ip_with_prefix_fires_existing_rule(tmp_path):
    r = run(tmp_path, three_az(env={"ENABLE_PREFIX_DELEGATION": "true", "WARM_IP_TARGET": "5"}))
    assert "warm-ip-overrides-prefix-target" in ids(r)
    assert "warm-ip-overrides-prefix-target" not in ids(run(tmp_path, three_az(env={"ENABLE_PREFIX_DELEGATION": "true"}), "q"))


def test_ipv6_cluster(tmp_path):
    spec = three_az(ip_family="ipv6", env={"ENABLE_IPv6": "true", "ENABLE_IPv4": "false", "ENABLE_PREFIX_DELEGATION": "true"})
    for i, s in enumerate(spec.subnets):
        s.ipv6 = f"2600:1f18:abc:{i:x}00::/64"
    r = run(tmp_path, spec)
    assert r.current_settings.ip_family == "ipv6" and r.answers["ipv6"]["ready"] is True
    s = sub(r, "subnet-0a000000000000000")
    assert s.ipv6_cidr == "2600:1f18:abc:200::/64"
    # one IPv4 address per node (primary ENI); pods use the node's /80
    assert s.nodes_that_fit == {"general": s.free_ips}
    assert "audit-prefix-fragmented" not in ids(r)


def test_windows_nodes(tmp_path):
    spec = three_az()
    spec.groups.append(GroupSpec("win", "m5.large", {AZS[0]: 1, AZS[1]: 1}, pods_per_node=5, os="windows"))
    r = run(tmp_path, spec)
    win = next(g for g in r.node_groups if g.name == "win")
    # Windows: one ENI, max pods = IPv4 per ENI - 1 = 9 (EKS Windows support); capacity matches -> no mismatch
    assert win.os == "windows" and win.max_pods_expected == 9 and win.max_pods_capacity == [9]
    assert "audit-max-pods-mismatch" not in ids(r)
    assert any(g["os"] == "windows" for g in r.answers["node_groups"])
    assert "win" in sub(r, "subnet-0a000000000000000").nodes_that_fit
    # the Windows group keeps its own kubelet value: no max-pods change is planned for it
    assert not any("win:" in c.detail for c in r.changes if c.kind == "max_pods")


def test_multi_card_type_and_unlabelled_nodes(tmp_path):
    spec = three_az()
    spec.groups = [GroupSpec("big", "c6in.32xlarge", {AZS[0]: 1, AZS[1]: 1}, pods_per_node=40, extra_card_eni=True, label="")]
    r = run(tmp_path, spec)
    g = r.node_groups[0]
    assert g.name == "linux-c6in-32xlarge" and "no node group label" in g.name_source
    assert g.nodes == 2 and g.subnets == ["subnet-0a000000000000000", "subnet-0a000000000000001"]


def test_karpenter_label_names_group_and_changes_for_prefix(tmp_path):
    spec = three_az()
    spec.groups[0].label = "karpenter.sh/nodepool"
    spec.groups[0].pods_per_node = 60
    spec.groups[0].instance_type = "m5.2xlarge"
    r = run(tmp_path, spec)
    assert r.node_groups[0].name_source.startswith("Karpenter")
    # 60 pods per node exceed m5.2xlarge's 58 secondary-IP pods: advise() recommends prefix delegation
    assert r.recommendation["address_mode"] == "prefix"
    assert [c.kind for c in r.changes] == ["reservations", "settings", "max_pods", "node_groups"]
    assert "ENABLE_PREFIX_DELEGATION: false -> true" in r.changes[1].detail
    assert "general: [58] -> 110" in r.changes[2].detail


# ------------------------------------------------------------------------------------------ bad bundles
def test_bad_bundles_are_one_sentence(tmp_path):
    docs, resv = build(three_az())
    d = write(tmp_path / "b", docs, resv)
    (d / "nodes.json").unlink()
    with pytest.raises(InputError, match=r"^nodes.json: is missing from the bundle; create it with `kubectl get nodes -o json`"):
        read_bundle(d)
    bad = dict(docs)
    bad["subnets.json"] = {"Subnets": {"x": 1}}
    with pytest.raises(InputError, match=r"^subnets.json: expected a list 'Subnets'"):
        from_documents(bad, resv)
    other = json.loads(json.dumps(docs))
    other["subnets.json"]["Subnets"][0]["VpcId"] = "vpc-0ffffffffffffffff"
    with pytest.raises(InputError, match="not the cluster's VPC vpc-0a1b2c3d4e5f60718; the bundle mixes VPCs"):
        from_documents(other, resv)
    other = json.loads(json.dumps(docs))
    other["vpcs.json"]["Vpcs"][0]["VpcId"] = "vpc-0ffffffffffffffff"
    with pytest.raises(InputError, match="belongs to another VPC"):
        from_documents(other, resv)
    with pytest.raises(InputError, match="is not a DaemonSet"):
        from_documents({**docs, "aws-node.json": {"kind": "Deployment"}}, resv)


def test_oversized_and_invalid_json(tmp_path, monkeypatch):
    import eksadvisor.audit.bundle as bundle

    docs, resv = build(three_az())
    d = write(tmp_path / "b", docs, resv)
    (d / "pods.json").write_text("{not json")
    with pytest.raises(InputError, match=r"^pods.json: is not valid JSON"):
        read_bundle(d)
    (d / "pods.json").write_text(json.dumps(docs["pods.json"]))
    monkeypatch.setattr(bundle, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputError, match=r"over the 0 MiB limit|bytes, over the"):
        read_bundle(d)


def test_cli_json_md_and_exit_2(tmp_path, capsys):
    docs, resv = build(three_az(addon=None))
    d = write(tmp_path / "b", docs, resv)
    assert main(["audit", str(d), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"current_settings", "subnets", "findings", "answers", "recommendation", "changes"} <= set(out)
    assert {"subnet_id", "cidr", "az", "role", "free_ips", "free_prefixes", "nodes_that_fit"} <= set(out["subnets"][0])
    assert main(["audit", str(d), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "## Exhaustion forecast" in md and "use-managed-addon" in md
    assert main(["audit", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: DIR:") and err.count("\n") == 1


def test_output_is_deterministic(tmp_path):
    docs, resv = build(three_az())
    d = write(tmp_path / "b", docs, resv)
    a = audit(d).model_dump_json()
    assert a == audit(d).model_dump_json()


def test_audit_rules_are_catalogued_and_never_fire_in_advise():
    from eksadvisor.decide.advisor import advise
    from eksadvisor.rulebook import load_rules

    audit_rules = {r.id for r in load_rules() if r.condition == "audit_only"}
    assert audit_rules == {"audit-subnet-nearly-exhausted", "audit-prefix-fragmented", "audit-eniconfig-missing",
                           "audit-max-pods-mismatch", "audit-sgp-no-trunk"}
    rec = advise({"node_groups": [{"name": "g", "instance_types": ["m5.large"], "pods_per_node": 50}]})
    assert not audit_rules & {w.id for w in rec.warnings}


def test_sgp_strict_without_tcp_early_demux_and_near_miss(tmp_path):
    r = run(tmp_path, three_az(env={"ENABLE_POD_ENI": "true"}))
    assert "sgp-disable-tcp-early-demux" in ids(r) and r.current_settings.sgp is True
    assert r.answers["security_groups_for_pods"]["needed"] is True
    ok = run(tmp_path, three_az(env={"ENABLE_POD_ENI": "true"}, init_env={"DISABLE_TCP_EARLY_DEMUX": "true"}), "ok")
    assert "sgp-disable-tcp-early-demux" not in ids(ok)


def test_old_cni_version_from_the_image_tag(tmp_path):
    r = run(tmp_path, three_az(addon=None, cni_version="v1.15.1-eksbuild.1"))
    assert (r.current_settings.cni_version, r.current_settings.cni_version_source) == ("1.15.1", "aws-node image tag")
    hit = next(f for f in r.findings if f.id == "upgrade-one-minor-at-a-time")
    assert "1.15 -> 1.16 -> 1.17" in hit.message  # one minor at a time up to 1.17.1
    assert "upgrade-one-minor-at-a-time" not in ids(run(tmp_path, three_az(), "new"))


def test_bad_env_value_names_the_variable(tmp_path):
    with pytest.raises(InputError, match=r"^aws-node.json: WARM_ENI_TARGET='two' is not a whole number\.$"):
        run(tmp_path, three_az(env={"WARM_ENI_TARGET": "two"}))


def test_sgp_on_types_that_cannot_trunk_is_critical(tmp_path):
    """ENABLE_POD_ENI on t3.xlarge nodes: the type is not trunking-compatible (the VPC CNI's per-type limits; catalog
    trunking_compatible=false), so no branch ENI can reach them and SecurityGroupPolicy pods stay Pending. The same
    setting on m5.large (trunking-compatible Nitro) stays quiet."""
    from tests.audit.audit_bundles import GroupSpec

    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    spec = three_az(env={"ENABLE_POD_ENI": "true"},
                    groups=[GroupSpec("general", "t3.xlarge", dict.fromkeys(azs, 2), pods_per_node=12)])
    r = run(tmp_path, spec)
    f = next(f for f in r.findings if f.id == "audit-sgp-no-trunk")
    assert f.severity == "critical" and "6 t3.xlarge node(s)" in f.message
    near = run(tmp_path, three_az(env={"ENABLE_POD_ENI": "true"}), name="near")
    assert "audit-sgp-no-trunk" not in ids(near)
