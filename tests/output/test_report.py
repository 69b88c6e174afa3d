"""Recommendation reports (issue 8): content, golden files, determinism, escaping, no external load,
JSON/YAML, and the answers round trip. The PDF has its own file (tests/output/test_report_pdf.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from eksadvisor.answers import (
    Answers,
    ExistingSubnet,
    Multus,
    MultusNetwork,
    Network,
    NodeGroup,
    load_answers,
    validate_answers,
)
from eksadvisor.errors import InputError
from eksadvisor.output.report import (
    ReportError,
    export_answers_yaml,
    md_code,
    md_escape,
    md_fence,
    md_table,
    mode_label,
    render_report,
    safe_svg,
)
from eksadvisor.recommendation import (
    Alternative,
    AzUsageOut,
    NodeGroupOut,
    Provenance,
    Recommendation,
    RuleWarning,
    SubnetOut,
    TraceStep,
)
from tests.conftest import EXAMPLES, ROOT, SHARED
from tests.golden import golden_text

STAMP = "2026-01-31T12:00:00Z"
GENERATED = re.compile(r"Generated: \S+")


def normalise(text: str) -> str:
    """The one line that may differ between two renders of the same answers."""
    assert len(GENERATED.findall(text)) == 1, "exactly one 'Generated:' line"
    return GENERATED.sub("Generated: <TIMESTAMP>", text)


def _advise():
    """``advise``, imported when a test needs it: importing this module stays light (see
    test_markdown_never_loads_weasyprint_or_charts, which imports it in a fresh interpreter)."""
    from eksadvisor.decide.advisor import advise

    return advise


# ------------------------------------------------------------------------------------- fixtures

def sample_answers() -> Answers:
    return load_answers(SHARED / "examples" / "dense-platform.yaml") if (
        SHARED / "examples" / "dense-platform.yaml"
    ).is_file() else validate_answers({
        "version": 1, "cluster_name": "platform-prod", "region": "us-east-1", "availability_zones": 3,
        "node_groups": [{"name": "general", "instance_types": ["m6i.2xlarge"], "desired_nodes": 12,
                         "max_nodes": 40, "pods_per_node": 90}],
        "network": {"vpc_cidr": "10.40.0.0/16", "onprem_cidrs": ["192.168.0.0/16"]},
        "security_groups_for_pods": {"needed": True, "nodelocal_dnscache": True},
    })


def sample_recommendation() -> Recommendation:
    """A hand-built, realistic recommendation for the dense-platform example (independent of advise()).

    m6i.2xlarge: 4 ENIs x 15 IPv4 each; secondary IP 4 x 14 + 2 = 58 < 90 pods, so prefix delegation;
    4 x 14 x 16 + 2 = 898 raw, capped at 110 (8 vCPUs <= 30). 90 pods need 6 /28s (96 addresses), plus
    the warm prefix: 7 prefixes = 112 addresses, plus the primary ENI's address and the SGP trunk ENI.
    """
    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    subnets = [SubnetOut(name=f"cluster-{az[-1]}", role="cluster", az=az, cidr=f"10.40.0.{16 * i}/28", usable_ips=11)
               for i, az in enumerate(azs)]
    subnets += [SubnetOut(name=f"public-{az[-1]}", role="public", az=az, cidr=f"10.40.{16 + 16 * i}.0/20",
                          usable_ips=4091, tags={"kubernetes.io/role/elb": "1"}) for i, az in enumerate(azs)]
    subnets += [SubnetOut(name=f"private-{az[-1]}", role="private", az=az, cidr=f"10.40.{64 * (i + 1)}.0/18",
                          usable_ips=16379, tags={"kubernetes.io/role/internal-elb": "1"}) for i, az in enumerate(azs)]
    per_node = {"instance_type": "m6i.2xlarge", "mode": "prefix", "pods": 90, "max_pods": 110, "enis": 2,
                "secondary_ips": 0, "prefixes": 7, "free_ips": 22, "node_subnet_addresses": 114,
                "pod_subnet_addresses": 0, "subnet_addresses": 114, "flags": ["sgp-trunk-slot"]}
    return Recommendation(
        cluster_name="platform-prod", ip_family="ipv4", address_mode="prefix", custom_networking=False,
        endpoint_access="public_private",
        summary=("IPv4 with prefix delegation: 90 pods per node are more than the 58 that secondary IP mode "
                 "gives an m6i.2xlarge, and prefix delegation raises its max-pods to 110."),
        max_pods={"m6i.2xlarge": 110},
        max_pods_detail={"m6i.2xlarge": {
            "mode": "prefix", "max_pods": 110, "raw_max_pods": 898, "ceiling": 110, "capped": True,
            "formula": "4 x (15 - 1) x 16 + 2 = 898",
            "notes": ["Capped at 110: at most 30 vCPUs (this type: 8); the raw ENI ceiling is 898."],
            "sgp": {"supported": True, "branch_enis": 38, "enis_for_ip_pods": 3, "notes": []},
            "vcpus": 8, "vcpus_estimated": False,
        }},
        node_groups=[NodeGroupOut(
            name="general", instance_types=["m6i.2xlarge"], max_pods=110, max_pods_by_type={"m6i.2xlarge": 110},
            limiting_type="m6i.2xlarge", desired_nodes=12, max_nodes=40, pods_per_node=90, per_node=per_node,
            subnet_addresses_at_max=4560, node_subnet_addresses_at_max=4560, pod_subnet_addresses_at_max=0,
        )],
        az_usage=[AzUsageOut(az=az, nodes_desired=4, nodes_max=14, node_subnet_addresses_desired=456,
                          node_subnet_addresses_max=1596) for az in azs],
        settings={"ENABLE_PREFIX_DELEGATION": "true", "WARM_PREFIX_TARGET": "1", "ENABLE_POD_ENI": "true",
                  "POD_SECURITY_GROUP_ENFORCING_MODE": "standard"},
        init_settings={"DISABLE_TCP_EARLY_DEMUX": "true"},
        subnets=subnets,
        strategies=["prefix_delegation"],
        warnings=[
            RuleWarning(id="sgp-strict-breaks-nodelocal-dns", severity="critical",
                     message="Strict enforcing mode blocks pods with security groups from NodeLocal DNSCache.",
                     remediation="Set POD_SECURITY_GROUP_ENFORCING_MODE=standard.", source="Security Groups for Pods"),
            RuleWarning(id="prefix-fragmented-subnet", severity="warning",
                     message="Prefix attachment fails when a subnet has no free, aligned /28 block.",
                     remediation="Reserve the pod range with a subnet CIDR reservation.", source="Prefix Mode for Linux"),
            RuleWarning(id="use-managed-addon", severity="info", message="Use the EKS managed add-on for the VPC CNI.",
                     remediation="Install vpc-cni as an EKS add-on.", source="Amazon VPC CNI"),
        ],
        trace=[
            TraceStep(node="ipv6", inputs={"ipv6.ready": False}, outcome="ipv4", reason="IPv6 is not ready.",
                      source="IPv6"),
            TraceStep(node="density", inputs={"pods_per_node": 90, "secondary_ip_max_pods": 58}, outcome="prefix",
                      reason="90 pods per node need more than 58.", source="Prefix Mode for Linux"),
        ],
        alternatives=[
            Alternative(option="secondary IP mode", reason="58 max pods per m6i.2xlarge, 90 needed."),
            Alternative(option="IPv6", verdict="possible", reason="Not ready: ipv6.ready is false."),
            Alternative(option="prefix delegation", verdict="chosen", reason="Fits 110 pods per node."),
        ],
        snippets={
            "aws-node-env.sh": "kubectl set env daemonset aws-node -n kube-system ENABLE_PREFIX_DELEGATION=true WARM_PREFIX_TARGET=1\n",
            "nodeadm-nodeconfig.yaml": "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: 110\n",
        },
        plan_findings=[{"id": "cluster-subnet-size", "severity": "info",
                        "message": "Cluster subnets are dedicated /28s (11 usable addresses).", "ranges": [],
                        "source": "[EKS-NETREQ] https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html",
                        "confidence": "unconfirmed"}],
        provenance=Provenance(eksadvisor_version="0.1.0", catalog_snapshot="2026-11-01",
                              catalog_source="shared/data/ec2_instance_networking.csv",
                              data_snapshots={"rules": "2026-11-20", "decision-graph": "2026-11-20"},
                              answers_digest=sample_answers().digest()),
    )


# -------------------------------------------------------------------------------------- helpers

class _Tags(HTMLParser):
    """Every start tag with its attributes, the text, and the contents of <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)


def parse_html(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


LOADING_TAGS = {"script", "link", "img", "iframe", "frame", "object", "embed", "audio", "video", "source",
                "track", "base", "picture", "image", "use", "foreignobject", "form", "input", "svg:script"}
URL_ATTRS = {"src", "href", "xlink:href", "srcset", "data", "poster", "action", "formaction", "background",
             "codebase", "cite", "longdesc", "ping", "manifest"}


def assert_loads_nothing(html: str) -> None:
    """No element that loads, no URL but a #fragment, no event handler, CSS url() only to #fragments."""
    doc = parse_html(html)
    for tag, attrs in doc.tags:
        assert tag not in LOADING_TAGS, f"<{tag}> in the report"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            if name in URL_ATTRS:
                assert (value or "").startswith("#"), f"<{tag} {name}={value!r}>"
            if name == "style":
                for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", value or "", flags=re.I):
                    assert target.startswith("#"), target
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            raise AssertionError("meta refresh")
    css = "\n".join(doc.styles)
    assert "@import" not in css
    for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", css, flags=re.I):
        assert target.startswith("#"), target
    csp = [a for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0].get("content") or "")


def outside_fences(md: str) -> list[str]:
    """The Markdown lines that are not inside a fenced code block (fences matched by length)."""
    lines, out, fence = md.split("\n"), [], None
    for line in lines:
        m = re.match(r"^(`{3,})", line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None and re.fullmatch(re.escape(fence) + r"`*\s*", line):
            fence = None
        elif fence is None:
            out.append(line)
    assert fence is None, "an unclosed code fence"
    return out


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def split_code_spans(line: str) -> tuple[str, list[str]]:
    """(text outside code spans, the code spans), as CommonMark reads one line; a backtick run that
    opens no span is left in the text (and so fails the checks below)."""
    text, spans, i = [], [], 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            text.append(line[i:i + 2])
            i += 2
            continue
        if ch == "`":
            n = len(line[i:]) - len(line[i:].lstrip("`"))
            close = re.compile(r"(?<!`)" + "`" * n + r"(?!`)")
            m = close.search(line, i + n)
            if m:
                spans.append(line[i + n:m.start()])
                i = m.end()
                continue
            text.append(line[i:i + n])
            i += n
            continue
        text.append(ch)
        i += 1
    return "".join(text), spans


def assert_markdown_inert(md: str) -> None:
    """Outside code: no raw HTML, no link or image, no stray heading or backtick; tables keep their columns."""
    width = None
    for line in outside_fences(md):
        text, _ = split_code_spans(line)
        assert "<" not in text, line  # no HTML tag or autolink can open
        assert not re.search(r"(?<!\\)\[", text), line  # no link or image
        assert not re.search(r"(?<!\\)`", text), line  # every backtick opens and closes a code span
        if line.startswith("#"):
            assert re.match(r"^#{1,3} ", line), line
        if line.startswith("|"):
            width = width if width is not None else unescaped_pipes(line)
            assert unescaped_pipes(line) == width, line
        else:
            width = None


# ---------------------------------------------------------------------------------- content

@pytest.fixture(scope="module")
def sample():
    return sample_recommendation(), sample_answers()


@pytest.fixture(scope="module")
def sample_html(sample):
    rec, answers = sample
    return render_report(rec, answers, "html", generated_at=STAMP).decode()


@pytest.fixture(scope="module")
def sample_md(sample):
    rec, answers = sample
    return render_report(rec, answers, "md", generated_at=STAMP).decode()


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_holds_every_section_and_value(sample, sample_md, sample_html, fmt):
    rec, _answers = sample
    text = sample_md if fmt == "md" else "".join(parse_html(sample_html).text)
    for heading in ["Summary", "Answers", "Max pods", "IP budget", "Per Availability Zone", "Subnet layout",
                    "VPC address map", "aws-node settings", "Warnings", "Decision trace", "Alternatives",
                    "Generated configuration", "Provenance", "Appendix: answers (re-importable)"]:
        assert heading in text, heading
    assert f"Generated: {STAMP}" in text
    assert "IPv4, prefix delegation" in text
    for s in rec.subnets:
        assert s.cidr in text and s.name in text
    for key, value in rec.settings.items():
        assert key in text and value in text
    assert "DISABLE_TCP_EARLY_DEMUX" in text
    for w in rec.warnings:
        assert w.id in text
    assert "Critical (1)" in text and "Warning (1)" in text and "Info (1)" in text
    for alt in rec.alternatives:
        assert alt.option in text
    for name in rec.snippets:
        assert name in text
    assert "maxPods: 110" in text
    assert rec.provenance.answers_digest in text and "2026-11-01" in text and "decision-graph" in text
    assert "898" in text  # the raw ceiling beside the capped value
    assert "4560" in text and "1596" in text  # per node group at max, per AZ
    # the address map: the free range after the cluster /28s, in address order
    assert "10.40.0.48 - 10.40.15.255" in text


def test_warnings_come_by_severity(sample_md):
    assert sample_md.index("### Critical (1)") < sample_md.index("### Warning (1)") < sample_md.index("### Info (1)")


def test_markdown_is_well_formed(sample_md):
    assert_markdown_inert(sample_md)
    assert sample_md.endswith("\n") and not sample_md.endswith("\n\n")
    assert "| `10.40.0.0/28` | cluster, us-east-1a, cluster-a | 16 | 0.0% |" in sample_md


def test_html_is_self_contained(sample_html):
    assert sample_html.startswith("<!DOCTYPE html>")
    assert_loads_nothing(sample_html)
    doc = parse_html(sample_html)
    tags = [t for t, _ in doc.tags]
    assert tags.count("svg") == 3  # IP budget, VPC address map and compare options, inline
    assert "style" in tags and "@media print" in sample_html and "@page" in sample_html
    ids = [a["id"] for _, a in doc.tags if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for _, attrs in doc.tags:  # every internal link points at an element of the page
        if (attrs.get("href") or "").startswith("#"):
            assert attrs["href"][1:] in ids, attrs["href"]


def test_answers_may_be_a_path_or_a_mapping(sample, sample_md, tmp_path):
    rec, answers = sample
    path = tmp_path / "answers.yaml"
    path.write_text(export_answers_yaml(answers), encoding="utf-8")
    assert render_report(rec, path, "md", generated_at=STAMP).decode() == sample_md
    assert render_report(rec, answers.model_dump(mode="json"), "md", generated_at=STAMP).decode() == sample_md


def test_unknown_format_is_an_input_error(sample):
    rec, answers = sample
    with pytest.raises(InputError, match="format: 'docx'"):
        render_report(rec, answers, "docx")


# ----------------------------------------------------------------------------- determinism

@pytest.mark.parametrize("fmt", ["md", "html"])
def test_same_answers_same_bytes_but_the_timestamp(sample, fmt):
    rec, answers = sample
    a = render_report(rec, answers, fmt, generated_at="2026-01-01T00:00:00Z").decode()
    b = render_report(rec, answers, fmt).decode()  # now
    assert a.count("2026-01-01T00:00:00Z") == 1
    assert normalise(a) == normalise(b)


def test_default_timestamp_is_utc_iso(sample):
    rec, answers = sample
    md = render_report(rec, answers, "md").decode()
    assert re.search(r"^Generated: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", md, flags=re.M)


def test_bytes_do_not_depend_on_the_process(sample, tmp_path):
    """Same bytes in a fresh interpreter with another hash seed (no set or dict-order accident)."""
    rec, answers = sample
    here = {fmt: render_report(rec, answers, fmt, generated_at=STAMP) for fmt in ("md", "html", "json", "yaml")}
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from tests.output.test_report import sample_recommendation, sample_answers, STAMP\n"
        "from eksadvisor.output.report import render_report\n"
        "rec, a = sample_recommendation(), sample_answers()\n"
        "for fmt in ('md', 'html', 'json', 'yaml'):\n"
        f"    open({str(tmp_path)!r} + '/' + fmt, 'wb').write(render_report(rec, a, fmt, generated_at=STAMP))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT, capture_output=True)
    for fmt, data in here.items():
        assert (tmp_path / fmt).read_bytes() == data, fmt


# ---------------------------------------------------------------------------- JSON and YAML

def test_json_is_the_model_dump(sample):
    rec, answers = sample
    data = render_report(rec, answers, "json")
    assert data == (json.dumps(rec.model_dump(mode="json"), sort_keys=True, indent=2) + "\n").encode()
    assert Recommendation.model_validate(json.loads(data)) == rec
    assert b"Generated" not in data


def test_yaml_is_the_model_dump(sample):
    rec, answers = sample
    data = render_report(rec, answers, "yaml")
    assert data == yaml.safe_dump(rec.model_dump(mode="json"), sort_keys=False, allow_unicode=True).encode()
    assert Recommendation.model_validate(yaml.safe_load(data)) == rec


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_python_api_and_cli_give_the_same_bytes(sample, fmt):
    """``render_report`` and ``eksadvisor advise --format json|yaml`` serialise the same way."""
    from eksadvisor.cli import advise_cmd

    rec, answers = sample
    assert render_report(rec, answers, fmt) == advise_cmd.render(rec, answers, fmt)


# ------------------------------------------------------------------------------------ escaping

HOSTILE = "<script>alert(1)</script> \"'><img src=x onerror=alert(1)> {{7*7}} $(rm -rf /) |a|`b`*c*_d_[x](javascript:alert(1))\n# owned\n---"
HOSTILE_PARTS = ["<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>", "{{7*7}}", "$(rm -rf /)"]

# Every free-text field of the answers, and a hostile value for it. Validation refuses each one: the
# answers file is the first line of defence (EKS naming rules, AZ and CIDR syntax, catalog lookup).
FREE_TEXT_FIELDS = [
    ("cluster_name", lambda d, v: d.update(cluster_name=v)),
    ("region", lambda d, v: d.update(region=v)),
    ("availability_zones[0]", lambda d, v: d.update(availability_zones=[v, "us-east-1b"])),
    ("cni_version", lambda d, v: d.update(cni_version=v)),
    ("node_groups[0].name", lambda d, v: d["node_groups"][0].update(name=v)),
    ("node_groups[0].instance_types[0]", lambda d, v: d["node_groups"][0].update(instance_types=[v])),
    ("network.vpc_cidr", lambda d, v: d["network"].update(vpc_cidr=v)),
    ("network.secondary_cidrs[0]", lambda d, v: d["network"].update(secondary_cidrs=[v])),
    ("network.onprem_cidrs[0]", lambda d, v: d["network"].update(onprem_cidrs=[v])),
    ("network.existing_subnets[0].cidr",
     lambda d, v: d["network"].update(existing_subnets=[{"cidr": v, "az": "us-east-1a"}])),
    ("network.existing_subnets[0].az",
     lambda d, v: d["network"].update(existing_subnets=[{"cidr": "10.40.0.0/24", "az": v}])),
    ("multus.version", lambda d, v: d["multus"].update(version=v)),
    ("multus.networks[0].name",
     lambda d, v: d["multus"].update(networks=[{"name": v, "type": "macvlan", "cidr": "192.0.2.0/24"}])),
    ("multus.networks[0].master",
     lambda d, v: d["multus"].update(networks=[{"name": "net1", "type": "macvlan", "master": v, "cidr": "192.0.2.0/24"}])),
    ("multus.networks[0].cidr",
     lambda d, v: d["multus"].update(networks=[{"name": "net1", "type": "macvlan", "cidr": v}])),
    ("suppress_rules[0]", lambda d, v: d.update(suppress_rules=[v])),
]


@pytest.mark.parametrize("hostile", [*HOSTILE_PARTS, HOSTILE])
@pytest.mark.parametrize("field,put", FREE_TEXT_FIELDS, ids=[f for f, _ in FREE_TEXT_FIELDS])
def test_answers_refuse_hostile_free_text(field, put, hostile):
    data = sample_answers().model_dump(mode="json")
    put(data, hostile)
    with pytest.raises(InputError) as info:
        validate_answers(data)
    top = re.split(r"[.\[]", field)[0]
    assert re.split(r"[.\[]", info.value.field or "")[0] == top, str(info.value)


def hostile_answers() -> Answers:
    """Answers with the hostile string in every free-text field, bypassing validation (defence in depth)."""
    h = HOSTILE
    return Answers.model_construct(
        cluster_name=h, region=h, availability_zones=[h, h + "b"], cni_version=h,
        node_groups=[NodeGroup.model_construct(name=h, instance_types=[h], desired_nodes=1, max_nodes=2,
                                               pods_per_node=10, os="linux")],
        network=Network.model_construct(
            vpc_cidr=h, secondary_cidrs=[h], onprem_cidrs=[h],
            existing_subnets=[ExistingSubnet.model_construct(cidr=h, az=h, role="private", used_ips=1)],
        ),
        multus=Multus.model_construct(needed=True, plugin="thin", version=h,
                                      networks=[MultusNetwork.model_construct(name=h, type="macvlan", master=h, cidr=h)]),
        suppress_rules=[h],
    )


_LITERALS = {"ip_family", "address_mode", "endpoint_access", "role", "severity", "verdict", "strategies"}


def _poison(value, key=None):
    """Every string of a Recommendation dump (keys of free-form maps too) replaced by the hostile one."""
    if key in _LITERALS:
        return value
    if isinstance(value, str):
        return HOSTILE
    if isinstance(value, list):
        return [_poison(v) for v in value]
    if isinstance(value, dict):
        free_form = key in {"settings", "init_settings", "tags", "inputs", "snippets", "data_snapshots", "max_pods",
                            "max_pods_detail", "max_pods_by_type"}
        out = {}
        for i, (k, v) in enumerate(value.items()):
            out[(HOSTILE + str(i)) if free_form else k] = _poison(v, k)
        return out
    return value


def hostile_recommendation() -> Recommendation:
    data = _poison(sample_recommendation().model_dump(mode="json"))
    data["plan_findings"] = [{"message": HOSTILE, HOSTILE: HOSTILE}, {HOSTILE: HOSTILE}]
    return Recommendation.model_validate(data)


def test_hostile_fixture_covers_every_string():
    rec = hostile_recommendation()
    dump = json.dumps(rec.model_dump(mode="json"))
    assert dump.count("onerror") > 60
    assert rec.cluster_name == HOSTILE and rec.subnets[0].name == HOSTILE and rec.warnings[0].remediation == HOSTILE


def test_html_escapes_every_hostile_string():
    html = render_report(hostile_recommendation(), hostile_answers(), "html", generated_at=HOSTILE).decode()
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert_loads_nothing(html)
    doc = parse_html(html)
    allowed = {"html", "head", "meta", "title", "style", "body", "header", "nav", "main", "section", "h1", "h2", "h3",
               "p", "ol", "ul", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "strong", "span",
               "div", "figure", "figcaption", "svg", "g", "path", "rect", "text", "line"}
    assert {t for t, _ in doc.tags} <= allowed, {t for t, _ in doc.tags} - allowed
    text = "".join(doc.text)
    assert text.count("<script>alert(1)</script>") > 50  # shown to the reader as text
    assert "{{7*7}}" in text and "$(rm -rf /)" in text  # shown, never evaluated
    # the hostile string in the generated-time slot is escaped too, and stays a single line
    assert len(GENERATED.findall(html)) == 1


def test_markdown_keeps_every_hostile_string_inert():
    md = render_report(hostile_recommendation(), hostile_answers(), "md", generated_at=STAMP).decode()
    assert_markdown_inert(md)
    for line in outside_fences(md):  # the newlines in the hostile text opened no heading or rule
        assert not line.lstrip().startswith(("# owned", "---")), line
    assert md.count("&lt;script&gt;alert(1)&lt;/script&gt;") > 50
    assert "{{7\\*7}}" in md and "$(rm -rf /)" in md
    # a snippet cannot close its fence early: the hostile one holds backticks
    assert "```" in md


def test_chart_text_is_escaped_inside_svg():
    rec = hostile_recommendation()
    html = render_report(rec, sample_answers(), "html", generated_at=STAMP).decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    assert "&lt;script&gt;" in svgs[0]  # the hostile node group name is an axis label, escaped


# ------------------------------------------------------------------------- Markdown helpers

def test_md_helpers():
    assert md_escape("a|b") == "a\\|b"
    assert md_escape("# h") == "\\# h" and md_escape("# h", block=False) == "# h"
    assert md_escape("1. x") == "1\\. x" and md_escape("0.1.0") == "0.1.0"
    assert md_escape("<b>&amp;") == "&lt;b&gt;&amp;amp;"
    assert md_code("a`b") == "`` a`b ``"
    assert md_code("x|y", in_table=True) == "`x\\|y`"
    assert md_fence("x\n```\ny", "yaml") == "````yaml\nx\n```\ny\n````"
    assert md_fence("x", "bad lang") == "```\nx\n```"
    assert md_table(["a", "n"], [["x|y", 3]]) == "| a | n |\n|---|---:|\n| x\\|y | 3 |"
    assert md_table(["a"], []) == "None."


# ------------------------------------------------------------------------------ SVG checks

@pytest.mark.parametrize("bad", [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.com/x.png"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://example.com/p)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(//example.com/p)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>',
    '<svg xmlns="http://www.w3.org/2000/svg"><g>',
])
def test_safe_svg_refuses(bad):
    with pytest.raises(ReportError):
        safe_svg(bad, "c")


def test_safe_svg_prefixes_ids():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="clip1"><rect/></clipPath></defs>'
           '<g clip-path="url(#clip1)"/></svg>')
    out = safe_svg(svg, "map")
    assert 'id="map-clip1"' in out and "url(#map-clip1)" in out


# ------------------------------------------------------------------------------- light import

def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_import_report_is_light():
    mods = _modules_after("import eksadvisor.output.report")
    for heavy in ("jinja2", "weasyprint", "vl_convert", "altair", "yaml", "pydantic"):
        assert heavy not in mods, heavy


def test_markdown_never_loads_weasyprint_or_charts():
    mods = _modules_after(
        "from tests.output.test_report import sample_recommendation, sample_answers\n"
        "from eksadvisor.output.report import render_report\n"
        "render_report(sample_recommendation(), sample_answers(), 'md')"
    )
    assert "jinja2" in mods
    for heavy in ("weasyprint", "vl_convert", "altair", "pandas"):
        assert heavy not in mods, heavy


# --------------------------------------------------------------------------------- golden files

_SVG = re.compile(r"<svg\b.*?</svg>", flags=re.S)


def _without_svg_drawing(text: str) -> str:
    """Chart SVGs reduced to a marker: their coordinates follow vl-convert's version and the fonts it
    finds, which are not the report's business (the charts module tests its specs; the tests above
    check that each report holds its charts, escaped, and that the bytes are stable on one machine)."""
    return _SVG.sub("<svg><!-- chart --></svg>", text)


def _check_golden(name: str, text: str) -> None:
    golden = golden_text(f"reports/{name}", text)
    if name.endswith(".html"):
        text, golden = _without_svg_drawing(text), _without_svg_drawing(golden)
        assert text.count("<svg>") == golden.count("<svg>")
    assert text == golden, f"{name} differs from its golden file (EKSADVISOR_UPDATE_GOLDEN=1 rewrites it)"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden_sample_fixture(sample, fmt):
    """The hand-built recommendation: the renderer alone, whatever the advisor does."""
    rec, answers = sample
    _check_golden(f"sample-fixture.{fmt}", normalise(render_report(rec, answers, fmt).decode()))


# the shared examples plus the project's own answers fixtures (features no shared example has: Windows groups)
REPORT_CASES = [*EXAMPLES, *sorted((ROOT / "tests" / "fixtures" / "answers").glob("*.yaml"))]


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("example", REPORT_CASES, ids=[p.stem for p in REPORT_CASES])
def test_golden_examples(example: Path, fmt):
    advise = _advise()
    answers = load_answers(example)
    rec = advise(answers)
    text = render_report(rec, answers, fmt).decode()
    _check_golden(f"{example.stem}.{fmt}", normalise(text))
    assert rec.cluster_name in text
    for s in rec.subnets:
        assert s.cidr in text
    if fmt == "html":
        assert_loads_nothing(text)
    else:
        assert_markdown_inert(text)


VARIANTS = {  # answers beyond the examples: every mode and shape the report must lay out
    "ipv6": {"cluster_name": "v6", "ipv6": {"ready": True, "ipv4_exhaustion_concern": True},
             "node_groups": [{"name": "g", "instance_types": ["m5.large"], "desired_nodes": 3, "max_nodes": 6,
                              "pods_per_node": 50}]},
    "fargate-only": {"cluster_name": "fg", "node_groups": [], "fargate_pods": 40},
    "multus": {"cluster_name": "telco", "multus": {"needed": True, "plugin": "thick", "networks": [
        {"name": "n1", "type": "macvlan", "cidr": "192.0.2.0/24"}]}},
    "windows-and-mixed": {"cluster_name": "win", "availability_zones": ["us-east-1a", "us-east-1c"], "node_groups": [
        {"name": "w", "instance_types": ["m5.large"], "os": "windows"},
        {"name": "l", "instance_types": ["c5.large", "t3.medium"]}]},
    "auto-mode": {"cluster_name": "auto", "operations": {"auto_mode": True}},
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_kind_of_recommendation_renders(name):
    advise = _advise()
    answers = validate_answers({"version": 1, **VARIANTS[name]})
    rec = advise(answers)
    md = render_report(rec, answers, "md", generated_at=STAMP).decode()
    html = render_report(rec, answers, "html", generated_at=STAMP).decode()
    assert_markdown_inert(md)
    assert_loads_nothing(html)
    for text in (md, "".join(parse_html(html).text)):
        assert rec.cluster_name in text and mode_label(rec) in text
        for s in rec.subnets:
            assert s.cidr in text
        for t, n in rec.max_pods.items():
            assert t in text and str(n) in text
    if rec.ip_family == "ipv6":
        assert "IPv6 (prefix mode)" in md and "434" in md  # m5.large's IPv6 formula figure (seed)


# ------------------------------------------------------------------------------- round trip

def _roundtrip(answers: Answers, tmp_path: Path) -> Answers:
    path = tmp_path / "answers.yaml"
    path.write_text(export_answers_yaml(answers), encoding="utf-8")
    return load_answers(path)


RICH = {
    "version": 1, "cluster_name": "rt_Cluster-9", "region": "ap-southeast-2",
    "availability_zones": ["ap-southeast-2a", "ap-southeast-2c"], "cni_version": "v1.10.0-eksbuild.1",
    "node_groups": [
        {"name": "a", "instance_types": ["m5.large", "c5.xlarge"], "desired_nodes": 0, "max_nodes": 3,
         "pods_per_node": 0, "os": "windows"},
        {"name": "b", "instance_types": ["t3.medium"], "desired_nodes": 2, "max_nodes": 2, "pods_per_node": 11},
    ],
    "fargate_pods": 7,
    "network": {"vpc_cidr": "10.1.0.0/16", "secondary_cidrs": ["100.64.0.0/16"],
                "existing_subnets": [{"cidr": "10.1.0.0/24", "az": "ap-southeast-2a", "role": "public", "used_ips": 3}],
                "onprem_cidrs": ["172.16.0.0/12"], "cgnat_in_use": True, "growth_factor": 1.5},
    "multus": {"needed": True, "plugin": "thick", "version": "v4.0",
               "networks": [{"name": "sriov-1", "type": "host-device", "master": "eth2", "cidr": "192.0.2.0/24"}]},
    "operations": {"environment": "test", "pod_churn": "high"},
    "suppress_rules": ["use-managed-addon"],
}


@pytest.mark.parametrize("source", [*EXAMPLES, "rich"], ids=[*(p.stem for p in EXAMPLES), "rich"])
def test_answers_round_trip(source, tmp_path):
    answers = validate_answers(json.loads(json.dumps(RICH))) if source == "rich" else load_answers(source)
    again = _roundtrip(answers, tmp_path)
    assert again == answers
    assert again.digest() == answers.digest()
    assert export_answers_yaml(again) == export_answers_yaml(answers)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_round_trip_gives_the_identical_recommendation(example, tmp_path):
    advise = _advise()
    answers = load_answers(example)
    rec = advise(answers)
    again = advise(_roundtrip(answers, tmp_path))
    assert again == rec
    assert render_report(again, answers, "json") == render_report(rec, answers, "json")


def test_report_appendix_is_the_export(sample, sample_md, tmp_path):
    """The YAML printed in the report's appendix is itself a valid answers file."""
    _rec, answers = sample
    block = re.search(r"```yaml\n(.*?)```", sample_md.split("## Appendix")[1], flags=re.S).group(1)
    assert block == export_answers_yaml(answers)
    path = tmp_path / "a.yaml"
    path.write_text(block)
    assert load_answers(path) == answers


# ------------------------------------------------------------------------------ real browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.e2e
@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_chromium_loads_nothing_and_runs_nothing(which, tmp_path):
    """Open the report in headless Chromium: the only request is the file itself, no script runs, no
    Content-Security-Policy violation happens (nothing even tried to load), the hostile text is text."""
    # a missing browser is a failure, as in the e2e tests: `make test` installs it (scripts/system-deps.sh)
    assert CHROMIUM.exists(), f"{CHROMIUM} is not installed: run scripts/system-deps.sh (make test does)"
    from playwright.sync_api import sync_playwright
    if which == "sample":
        html = render_report(sample_recommendation(), sample_answers(), "html", generated_at=STAMP)
    else:
        html = render_report(hostile_recommendation(), hostile_answers(), "html", generated_at=STAMP)
    path = tmp_path / "report.html"
    path.write_bytes(html)
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.add_init_script(
                "window.__violations = [];"
                "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.blockedURI));"
            )
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            assert requests == [path.as_uri()]
            assert dialogs == []
            assert page.evaluate("window.__violations") == []
            assert page.evaluate("document.scripts.length") == 0
            assert page.evaluate("document.images.length") == 0
            assert page.evaluate("document.querySelectorAll('figure.chart svg').length") == (1 if which == "hostile" else 3)
            if which == "hostile":
                assert "<script>alert(1)</script>" in page.evaluate("document.body.innerText")
        finally:
            browser.close()
