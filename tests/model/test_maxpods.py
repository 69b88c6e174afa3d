"""Max pods: AWS's calculator reproduced for every catalog type, with AWS-published figures."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eksadvisor.errors import InputError
from eksadvisor.model.maxpods import compute, ipv6_max_pods, max_pods, max_pods_all, sgp_capacity

# From aws/amazon-vpc-cni-k8s misc/eni-max-pods.txt (columns: max pods, max pods with custom
# networking, branch ENIs): AWS's own published values, independent of our catalog file.
ENI_MAX_PODS_TXT = """
a1.medium 8 5 10
bmn-sf1.metal 737 688 0
c1.medium 12 7 0
c5.18xlarge 737 688 107
c6in.32xlarge 394 345 106
d3.xlarge 10 8 42
d3en.12xlarge 89 60 119
g4dn.16xlarge 58 44 118
g5.48xlarge 345 296 115
hpc7g.4xlarge 198 149 0
i4i.24xlarge 437 408 105
inf1.2xlarge 38 29 38
m4.large 20 11 0
m5.large 29 20 9
m5.xlarge 58 44 18
m5.4xlarge 234 205 54
m5.metal 737 688 120
mac1.metal 234 205 6
p4d.24xlarge 737 688 62
p5.48xlarge 100 51 120
p3dn.24xlarge 737 688 107
m7i-flex.large 29 20 3
is4gen.medium 8 5 4
m2.2xlarge 118 89 0
m5zn.large 29 20 13
i3en.large 29 20 5
cr1.8xlarge 234 205 0
hs1.8xlarge 234 205 0
m1.small 8 5 0
c7a.metal-48xl 737 688 107
m6idn.metal 394 345 106
"""


def _reference():
    for line in ENI_MAX_PODS_TXT.strip().splitlines():
        name, plain, custom, branch = line.split()
        yield name, int(plain), int(custom), int(branch)


@pytest.mark.parametrize("name, plain, custom, branch", list(_reference()))
def test_matches_eni_max_pods_txt(name, plain, custom, branch, catalog):
    assert max_pods(name, "1.19.2", show_max_allowed=True).max_pods == plain
    assert max_pods(name, "1.19.2", show_max_allowed=True, custom_networking=True).max_pods == custom
    assert (catalog.get(name).branch_enis or 0) == branch


def test_every_catalog_type_follows_the_calculator_formula(shared_dir):
    """Recomputed here from the raw reference columns, not from the engine's catalog objects."""
    rows = list(csv.DictReader((shared_dir / "data" / "ec2_instance_networking.csv").open()))
    flags = [dict(prefix_delegation=p, custom_networking=c, show_max_allowed=s)
             for p in (False, True) for c in (False, True) for s in (False, True)]
    for f in flags:
        results = {r.instance_type: r for r in max_pods_all("1.19.2", **f)}
        assert len(results) == len(rows)
        for row in rows:
            enis = int(row["default_card_max_enis"]) - (1 if f["custom_networking"] else 0)
            per_slot = 16 if f["prefix_delegation"] and row["hypervisor"] == "nitro" else 1
            raw = enis * (int(row["ipv4_per_eni"]) - 1) * per_slot + 2
            r = results[row["instance_type"]]
            assert r.raw_max_pods == raw
            if f["show_max_allowed"]:
                assert r.max_pods == raw
            else:
                vcpus = r.vcpus  # estimated where the source lacks it (never changes the >30 decision)
                ceiling = 250 if vcpus is not None and vcpus > 30 else 110
                assert r.max_pods == min(raw, ceiling)


def test_seed_figures_m5_large(catalog):
    assert max_pods("m5.large", "1.9.0").max_pods == 29
    pd = max_pods("m5.large", "1.9.0", prefix_delegation=True)
    assert (pd.max_pods, pd.raw_max_pods, pd.capped, pd.ceiling) == (110, 434, True, 110)
    assert max_pods("m5.large", "1.9.0", custom_networking=True, show_max_allowed=True).max_pods == 20
    assert max_pods("m5.large", "1.9.0", custom_networking=True, prefix_delegation=True, show_max_allowed=True).max_pods == 290
    assert ipv6_max_pods(catalog.get("m5.large")).formula_max_pods == 434
    assert sgp_capacity(catalog.get("m5.large")).branch_enis == 9


def test_calculator_caps_secondary_ip_mode_too():
    r = max_pods("c5.18xlarge", "1.19.2")
    assert (r.max_pods, r.raw_max_pods, r.ceiling, r.capped) == (250, 737, 250, True)
    assert "raw ENI ceiling is 737" in " ".join(r.notes)
    assert max_pods("c5.18xlarge", "1.19.2", show_max_allowed=True).max_pods == 737
    assert max_pods("m5.4xlarge", "1.19.2").max_pods == 110  # 16 vCPUs -> 110 ceiling, raw 234


def test_prefix_needs_cni_1_9():
    old = max_pods("m5.large", "1.8.9", prefix_delegation=True)
    assert (old.max_pods, old.mode) == (29, "secondary_ip")
    assert any("needs VPC CNI >= 1.9" in n for n in old.notes)
    assert max_pods("m5.large", "2.0.0", prefix_delegation=True).mode == "prefix"
    assert max_pods("m5.large", "v1.19.2-eksbuild.1", prefix_delegation=True).max_pods == 110


def test_bare_metal_is_non_nitro_for_the_calculator():
    r = max_pods("m5.metal", "1.19.2", prefix_delegation=True, show_max_allowed=True)
    assert (r.mode, r.max_pods, r.is_nitro) == ("secondary_ip", 737, False)
    assert any("no reported hypervisor" in n for n in r.notes)
    # c7g.metal is reported as nitro and does get the prefix formula
    assert max_pods("c7g.metal", "1.19.2", prefix_delegation=True, show_max_allowed=True).mode == "prefix"


def test_xen_falls_back_to_secondary_ip():
    r = max_pods("m4.large", "1.19.2", prefix_delegation=True)
    assert (r.mode, r.max_pods) == ("secondary_ip", 20)
    assert any("not a Nitro instance" in n for n in r.notes)


def test_max_eni_caps_enis():
    assert max_pods("m5.large", "1.19.2", max_eni=1).max_pods == 11
    assert max_pods("m5.large", "1.19.2", max_eni=2, custom_networking=True).max_pods == 11
    same = max_pods("m5.large", "1.19.2", max_eni=9)
    assert same.max_pods == 29 and any("changes nothing" in n for n in same.notes)
    with pytest.raises(InputError, match="cni_max_eni"):
        max_pods("m5.large", "1.19.2", max_eni=0)


def test_multi_card_types_say_only_the_default_card_counts():
    r = max_pods("p5.48xlarge", "1.19.2", show_max_allowed=True)
    assert r.max_pods == 100 and r.network_cards == 32
    assert any("only the default card" in n for n in r.notes)


def test_unknown_vcpus_use_the_110_ceiling_and_say_so():
    r = max_pods("mac-m4max.metal", "1.19.2")
    assert r.vcpus is None and r.ceiling == 110
    assert any("vCPU count unknown" in n for n in r.notes)


def test_estimated_vcpus_are_flagged():
    r = max_pods("c8id.48xlarge", "1.19.2")
    assert r.vcpus_estimated and r.ceiling == 250
    assert any("estimate" in n for n in r.notes)


@pytest.mark.parametrize("bad", ["", "x1", "1", "1.x", "one.two", "1.19.2.3", "1.19-beta"])
def test_bad_version_strings(bad):
    with pytest.raises(InputError, match="cni_version"):
        max_pods("m5.large", bad)


def test_sgp_trunk_takes_an_eni_slot(catalog):
    s = sgp_capacity(catalog.get("m5.large"))
    assert (s.supported, s.trunk_enis, s.enis_for_ip_pods, s.ip_pod_max, s.branch_enis) == (True, 1, 2, 20, 9)
    metal = sgp_capacity(catalog.get("m5.metal"))  # bare metal reports no hypervisor but hosts a trunk
    assert (metal.supported, metal.branch_enis, metal.enis_for_ip_pods) == (True, 120, 14)
    t = sgp_capacity(catalog.get("t3.large"))
    assert not t.supported and t.branch_enis == 0 and t.ip_pod_max == 3 * 11 + 2


def test_ipv6_recommended_is_capped(catalog):
    r = ipv6_max_pods(catalog.get("m5.large"))
    assert (r.formula_max_pods, r.recommended_max_pods) == (434, 110)


names = st.sampled_from(sorted(__import__("eksadvisor.catalog", fromlist=["x"]).load_catalog().types))


@settings(max_examples=300, deadline=None)
@given(name=names, custom=st.booleans(), raw=st.booleans(), max_eni=st.none() | st.integers(1, 20))
def test_properties(name, custom, raw, max_eni):
    kw = dict(custom_networking=custom, show_max_allowed=raw)
    sec = max_pods(name, "1.19.2", **kw).max_pods
    pd = max_pods(name, "1.19.2", prefix_delegation=True, **kw).max_pods
    assert pd >= sec  # prefix never lowers the value
    if not custom:
        assert max_pods(name, "1.19.2", custom_networking=True, show_max_allowed=raw).max_pods <= sec
    capped = max_pods(name, "1.19.2", max_eni=max_eni, **kw).max_pods
    assert capped <= sec  # MAX_ENI never raises the result


def test_compute_is_pure(catalog):
    t = catalog.get("m5.large")
    assert compute(t, "1.19.2") == compute(t, "1.19.2")


def test_ipv6_note_counts_bare_metal_as_the_cni_does():
    # awsutils IsPrefixDelegationSupported: Nitro or bare metal. m5.metal reports no hypervisor but is bare metal, so
    # the "needs Nitro or bare metal" note would contradict itself; m4.large (Xen) gets it.
    from eksadvisor.catalog import load_catalog
    from eksadvisor.model.maxpods import ipv6_max_pods

    cat = load_catalog()
    note = "IPv6 clusters need Nitro-based or bare-metal instances"
    assert cat.get("m5.metal").hypervisor != "nitro" and cat.get("m5.metal").bare_metal
    assert not any(note in n for n in ipv6_max_pods(cat.get("m5.metal")).notes)
    assert any(note in n for n in ipv6_max_pods(cat.get("m4.large")).notes)
