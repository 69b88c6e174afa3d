"""The Streamlit app under AppTest: every page in its default state and with each example answers file.

AppTest runs the entrypoint (app.py, whose st.navigation routes to the pages) without a browser;
switch_page + run renders one page (docs.streamlit.io/develop/api-reference/app-testing/st.testing.v1.apptest).
The browser end-to-end tests are in tests/e2e.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.conftest import EXAMPLES as EXAMPLE_FILES
from tests.conftest import ROOT

APP = str(ROOT / "eksadvisor_app" / "main.py")
PAGES = {
    "advisor": "views/advisor.py",
    "max_pods": "views/max_pods.py",
    "ip_usage": "views/ip_usage.py",
    "subnets": "views/subnets.py",
    "decision_graph": "views/decision_graph.py",
    "report": "views/report.py",
    "audit": "views/audit.py",
}
TITLES = {
    "advisor": "Advisor", "max_pods": "Max pods explorer", "ip_usage": "IP usage simulator",
    "subnets": "Subnet planner", "decision_graph": "Decision graph", "report": "Report",
    "audit": "Audit",
}


def example_files() -> list[Path]:
    """The example answers files (the copy of ../shared/examples under tests/fixtures)."""
    assert EXAMPLE_FILES, "no example answers files"
    return EXAMPLE_FILES


EXAMPLES = example_files()
# the shared examples plus the project's own fixtures for features no shared example has (Windows groups)
CASES = [*EXAMPLES, ROOT / "tests" / "fixtures" / "answers" / "mixed-os-windows.yaml"]


def open_page(name: str, *, answers: dict | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if answers is not None:
        at.session_state["answers"] = answers
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGES[name])
    at.run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.subheader] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# ------------------------------------------------------------------------------------ default state

@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_in_its_default_state(name):
    at = open_page(name)
    assert_clean(at)
    assert at.title and at.title[0].value == TITLES[name]
    assert not at.error, [e.value for e in at.error]


def test_navigation_lists_every_page():
    source = Path(APP).read_text()
    for path in PAGES.values():
        assert f'"{path}"' in source


# ---------------------------------------------------------------------------------- max pods explorer

def test_max_pods_explorer_shows_the_seed_figures():
    at = open_page("max_pods")
    assert_clean(at)
    got = metrics(at)
    assert got["kubelet max-pods"] == "29" and got["raw ENI ceiling"] == "29"
    at.radio(key="mp_explain_mode").set_value("prefix").run()
    got = metrics(at)
    assert (got["kubelet max-pods"], got["raw ENI ceiling"], got["ceiling (110 / 250)"]) == ("110", "434", "110")
    assert any("3 x (10 - 1) x 16 + 2 = 434" in c.value for c in at.code)
    table = at.dataframe[0].value
    row = table[table["instance type"] == "m5.large"].iloc[0]
    assert (row["secondary IP"], row["prefix"], row["custom networking"], row["custom networking + prefix"]) == (29, 110, 20, 110)
    assert row["prefix raw ceiling"] == 434


def test_max_pods_explorer_search_filters_the_catalog():
    at = open_page("max_pods")
    at.text_input(key="mp_query").input("m5.large").run()
    table = at.dataframe[0].value
    assert set(table["instance type"]) >= {"m5.large"} and all("m5.large" in t for t in table["instance type"])


def test_instance_type_pickers_offer_no_select_all():
    # issue 14 item 7: Enter after a typed type name picked "Select N matches" (Streamlit's select_all entry).
    at = open_page("max_pods")
    assert at.multiselect(key="mp_compare").proto.select_all == 0
    at = open_page("advisor")
    _button(at, "Next").click().run()
    pickers = [m for m in at.multiselect if m.label == "Which EC2 instance types does the group use?"]
    assert pickers and all(m.proto.select_all == 0 for m in pickers)


def test_catalog_is_one_shared_object():
    # issue 14 item 10: st.cache_resource returns the same read-only catalog to every caller (no copies).
    from eksadvisor_app.views._common import catalog

    assert catalog() is catalog()


def test_max_pods_bad_version_is_an_inline_error_not_a_traceback():
    at = open_page("max_pods")
    at.text_input(key="mp_cni").input("one.nine").run()
    assert_clean(at)
    assert [e.value for e in at.error] == [
        "cni_version: 'one.nine' is not a VPC CNI version like 1.19.2 (or v1.19.2-eksbuild.1)."
    ]


# ---------------------------------------------------------------------------------- IP usage simulator

def test_ip_usage_default_node_matches_the_ipamd_model():
    # m5.large, 20 pods, WARM_ENI_TARGET=1: 3 ENIs x 9 secondary IPs = 27, 7 free, 30 subnet addresses.
    at = open_page("ip_usage")
    assert_clean(at)
    got = metrics(at)
    assert (got["ENIs"], got["secondary IPs"], got["warm (free) IPs"], got["subnet addresses / node"]) == ("3", "27", "7", "30")
    assert len(at.get("vega_lite_chart")) == 2


def test_ip_usage_prefix_mode():
    at = open_page("ip_usage")
    at.toggle(key="ip_prefix").set_value(True).run()
    assert_clean(at)
    got = metrics(at)
    # 20 pods, WARM_PREFIX_TARGET=1: 2 + 1 prefixes on the primary ENI -> 48 addresses + 1 ENI primary.
    assert (got["ENIs"], got["prefixes"], got["subnet addresses / node"]) == ("1", "3", "49")


def test_ip_usage_branch_pods_with_security_groups_for_pods():
    # Same node as tests/model/test_ipam.py: m5.large, SGP, 5 of 20 pods with their own security groups -> the trunk
    # takes one ENI slot, 2 pod ENIs hold 18 IPs, 5 branch ENIs: 2 + 1 + 18 + 5 = 26 subnet addresses.
    at = open_page("ip_usage")
    assert "ip_branch_pods" not in {w.key for w in at.number_input}  # asked only with Security Groups for Pods
    at.toggle(key="ip_sgp").set_value(True).run()
    at.number_input(key="ip_branch_pods").set_value(5).run()
    assert_clean(at)
    got = metrics(at)
    assert (got["branch ENIs"], got["subnet addresses / node"]) == ("5", "26")
    at.number_input(key="ip_branch_pods").set_value(21).run()  # more than the 20 pods: an inline error
    assert_clean(at)
    assert at.error and "branch_pods" in at.error[0].value


def test_ip_usage_windows_node():
    # c5.large on Windows: 9 pod addresses on one ENI; 6 pods + the controller's warm 3 = 9, +1 primary = 10
    at = open_page("ip_usage")
    at.selectbox(key="ip_type").set_value("c5.large")
    at.number_input(key="ip_pods").set_value(6)
    at.toggle(key="ip_windows").set_value(True).run()
    assert_clean(at)
    got = metrics(at)
    assert (got["ENIs"], got["secondary IPs"], got["warm (free) IPs"], got["subnet addresses / node"],
            got["kubelet max-pods"]) == ("1", "9", "3", "10", "9")
    assert at.toggle(key="ip_prefix").disabled and at.number_input(key="ip_wet").disabled


def test_ip_usage_says_the_subnet_is_too_small():
    # issue 14 item 6: m5.xlarge (4 ENIs x 15 IPv4 addresses), 50 pods + WARM_ENI_TARGET=1: every ENI fills, 4 x 14 = 56 secondary IPs
    # (hasRoomForEni caps the pool) + 4 ENI primaries = 60 subnet addresses a node (ipam.node_usage's arithmetic);
    # 40 nodes -> 2,400 against a /26's 64 - 5 reserved = 59 usable. The page only compares the engine's figures.
    from eksadvisor.model import ipam

    assert ipam.node_usage("m5.xlarge", 50).subnet_addresses == 60
    at = open_page("ip_usage")
    at.selectbox(key="ip_type").set_value("m5.xlarge")
    at.number_input(key="ip_pods").set_value(50)
    at.number_input(key="ip_nodes").set_value(40)
    at.text_input(key="ip_subnet").input("10.0.0.0/26").run()
    assert_clean(at)
    assert [e.value for e in at.error] == [
        "The subnet is too small: 40 m5.xlarge node(s) need 2,400 addresses (60 each), and 10.0.0.0/26 has 59 "
        "usable. Use a larger subnet, fewer nodes or pods, or prefix delegation / custom networking."]
    at.text_input(key="ip_subnet").input("10.0.0.0/20").run()  # 4,091 usable: fits
    assert not at.error


def test_ip_usage_bad_subnet_is_inline():
    at = open_page("ip_usage")
    at.text_input(key="ip_subnet").input("10.0.0.0/33").run()
    assert_clean(at)
    assert at.error and "subnet" in at.error[0].value


# ------------------------------------------------------------------------------------- subnet planner

def test_subnet_planner_default_plan_and_the_best_practices_mistake():
    # issue 14 item 9: the page opens without red errors (a valid example layout, a prefix check that passes);
    # the guide's 10.0.1.0/20 is still caught when the user tries it.
    at = open_page("subnets")
    assert_clean(at)
    assert metrics(at)["fits"] == "yes"
    assert len(at.get("vega_lite_chart")) == 1
    assert not at.error, [e.value for e in at.error]
    at.text_area(key="sp_own").input("10.0.0.0/28 cluster us-east-1a\n10.0.1.0/20 public us-east-1a").run()
    assert any("10.0.1.0/20 is not a valid /20 block" in e.value for e in at.error)


def test_subnet_planner_custom_networking_asks_for_pod_addresses():
    # issue 14 item 9: custom networking with 0 pod addresses planned /28 pod subnets "sized for 1".
    at = open_page("subnets")
    at.toggle(key="sp_custom").set_value(True).run()
    assert_clean(at)
    assert [e.value for e in at.error if e.value.startswith("pod_addresses_per_az:")]
    assert not at.get("vega_lite_chart")  # no plan drawn for an incomplete request
    at.number_input(key="sp_pod_addr").set_value(4000).run()
    assert not [e.value for e in at.error if e.value.startswith("pod_addresses_per_az:")]
    assert metrics(at)["fits"] == "yes"


def test_subnet_planner_bad_vpc_cidr_is_inline():
    at = open_page("subnets")
    at.text_input(key="sp_vpc").input("10.0.0.0/8").run()
    assert_clean(at)
    assert any("vpc_cidr" in e.value for e in at.error)


# ------------------------------------------------------------------------------------------ advisor

def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def _text_input(at: AppTest, label: str):
    found = [t for t in at.text_input if t.label == label]
    assert found, f"no text input {label!r}"
    return found[0]


def test_advisor_walks_every_topic_then_recommends():
    at = open_page("advisor")
    assert_clean(at)
    assert [s.value for s in at.subheader] == ["Questions"]  # no recommendation before the questions
    assert any(c.value == "Default: my-cluster" for c in at.caption)  # defaults are shown
    topics = 0
    while any(b.label == "Next" for b in at.button):
        _button(at, "Next").click().run()
        assert_clean(at)
        topics += 1
    assert topics >= 5
    _button(at, "See the recommendation").click().run()
    assert_clean(at)
    assert any(s.value.startswith("Recommended: IPv4") for s in at.subheader)
    assert "a" in at.query_params  # the answers are in the shareable URL
    assert len(at.get("download_button")) >= 6


def test_advisor_live_validation_is_inline():
    at = open_page("advisor")
    _text_input(at, "What is the EKS cluster called?").input("-not valid").run()
    assert_clean(at)
    assert [e.value for e in at.error] and all("cluster_name" in e.value for e in at.error)
    _text_input(at, "What is the EKS cluster called?").input("prod-east").run()
    assert not at.error
    assert at.session_state["answers"]["cluster_name"] == "prod-east"


def _topic(at: AppTest) -> str:
    return at.get("segmented_control")[0].value


def _goto_topic(at: AppTest, title: str) -> None:
    while _topic(at) != title:
        _button(at, "Next").click().run()
        assert_clean(at)


def _labels(at: AppTest) -> list[str]:
    return [w.label for kind in ("toggle", "number_input", "text_input", "segmented_control")
            for w in at.get(kind)]


def test_advisor_edit_after_next_stays_on_the_new_topic():
    # issue 14 item 1: Next, then an edit on the new topic, must keep the topic and the edit.
    at = open_page("advisor")
    _button(at, "Next").click().run()
    assert _topic(at) == "Pod density"
    nodes = next(n for n in at.number_input if n.label == "How many nodes does the group normally run?")
    nodes.set_value(7).run()
    assert_clean(at)
    assert _topic(at) == "Pod density"
    assert at.session_state["answers"]["node_groups"][0]["desired_nodes"] == 7
    _button(at, "Back").click().run()
    assert _topic(at) == "Cluster basics"
    _button(at, "Next").click().run()  # the edit is still there when the topic is shown again
    assert next(n for n in at.number_input if n.label == "How many nodes does the group normally run?").value == 7


def test_advisor_follow_up_questions_appear_in_the_same_run():
    # issue 14 item 2: turning "needed" on shows its follow-ups at once (data/questionnaire.yaml ask_when).
    from eksadvisor.decide.questionnaire import load_questionnaire

    book = load_questionnaire()
    follow = [book.get(f"security_groups_for_pods.{k}").text
              for k in ("nodelocal_dnscache", "network_policy", "external_traffic_policy_local", "pods_per_node")]
    at = open_page("advisor")
    _goto_topic(at, "Security Groups for Pods")
    assert not set(follow) & set(_labels(at))
    at.toggle(key=next(t.key for t in at.toggle if t.label == book.get("security_groups_for_pods.needed").text)) \
        .set_value(True).run()
    assert_clean(at)
    assert set(follow) <= set(_labels(at))
    _goto_topic(at, "Multus")
    at.toggle(key=next(t.key for t in at.toggle if t.label == book.get("multus.needed").text)).set_value(True).run()
    assert_clean(at)
    assert book.get("multus.plugin").text in _labels(at)
    assert book.get("multus.networks").text in [c.value for c in at.caption]  # the table's caption


def test_pdf_button_without_weasyprint_names_the_extra(monkeypatch):
    # issue 14 item 3: an app installed without the report extra says what is missing instead of failing on click.
    import eksadvisor_app.views._render

    data = yaml.safe_load(EXAMPLES[0].read_text())
    monkeypatch.setattr(eksadvisor_app.views._render, "pdf_available", lambda: False)
    at = open_page("report", answers=data)
    assert_clean(at)
    pdf = [b for b in at.button if b.label == "PDF"]
    assert pdf and pdf[0].disabled and "pip install 'eksadvisor[report]'" in pdf[0].help
    assert "PDF" not in [b.label for b in at.get("download_button")]


def test_upload_limit_is_the_loaders_one_mib_everywhere():
    # issue 14 item 5: Streamlit's server limit (whole MB of 1024 * 1024 bytes) is the loader's 1 MiB, the uploader
    # says so, and the page refuses one byte more with the loader's sentence.
    import tomllib

    from eksadvisor.answers import MAX_FILE_BYTES

    config = tomllib.loads((ROOT / "eksadvisor_app" / "streamlit.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES == 1_048_576
    at = open_page("advisor")
    uploader = at.file_uploader(key="upload")
    assert "1 MiB (1,048,576 bytes)" in uploader.help
    big = b"version: 1\n" + b"#" * (MAX_FILE_BYTES - 11) + b"\n"  # 1 MiB + 1 byte of valid YAML
    uploader.set_value(("big.yaml", big, "application/yaml")).run()
    assert_clean(at)
    assert [e.value for e in at.error] == [
        "upload: 'big.yaml' is 1,048,577 bytes, over the 1 MiB limit for an answers file."]
    assert "answers" not in at.session_state


def _expected(example: Path):
    from eksadvisor.answers import load_answers
    from eksadvisor.decide.advisor import advise
    from eksadvisor.output.report import mode_label

    rec = advise(load_answers(example))
    return rec, f"Recommended: {mode_label(rec)}"


def _label(rec) -> str:
    if rec.ip_family == "ipv6":
        return "IPv6"
    custom, prefix = rec.custom_networking, rec.address_mode == "prefix"
    return {(False, False): "secondary IP", (False, True): "prefix", (True, False): "custom networking",
            (True, True): "custom networking + prefix"}[(custom, prefix)]


@pytest.mark.parametrize("example", CASES, ids=[p.stem for p in CASES])
def test_advisor_with_each_example(example):
    data = yaml.safe_load(example.read_text())
    rec, heading = _expected(example)
    at = open_page("advisor", answers=data)
    assert_clean(at)
    assert heading in [s.value for s in at.subheader]
    # The questionnaire shows the example's answers, not the defaults.
    assert _text_input(at, "What is the EKS cluster called?").value == data["cluster_name"]
    assert len(at.get("vega_lite_chart")) == 4  # IP budget, growth, address map, compare options
    # the Compare options tab: one row per option, the recommended one marked (eksadvisor.decide.whatif.compare_rows)
    from eksadvisor.decide.whatif import OPTIONS

    table = next(t.value for t in at.table if "recommended" in t.value.columns)
    assert list(table.index) == list(OPTIONS)
    assert list(table["recommended"]).count("yes") == 1 and table.loc[_label(rec), "recommended"] == "yes"
    codes = {c.value.strip() for c in at.code}
    for name in rec.snippets:  # every generated artefact is on the page (st.code adds the copy button)
        assert rec.snippets[name].strip() in codes, name
    for w in rec.warnings:
        if w.severity == "critical":
            assert any(w.message in e.value for e in at.error)


@pytest.mark.parametrize("example", CASES, ids=[p.stem for p in CASES])
def test_shared_link_reopens_each_example(example):
    from eksadvisor_app.views._common import encode_answers

    data = yaml.safe_load(example.read_text())
    _, heading = _expected(example)
    at = open_page("advisor", query={"a": encode_answers(data)})
    assert_clean(at)
    assert heading in [s.value for s in at.subheader]


def test_damaged_link_is_an_inline_error():
    at = open_page("advisor", query={"a": "not-a-link"})
    assert_clean(at)
    assert any(e.value.startswith("url: the shared answers link is damaged") for e in at.error)


@pytest.mark.parametrize("example", CASES, ids=[p.stem for p in CASES])
@pytest.mark.parametrize("name", ["decision_graph", "report", "max_pods", "ip_usage", "subnets"])
def test_other_pages_with_each_example(example, name):
    data = yaml.safe_load(example.read_text())
    at = open_page(name, answers=data)
    assert_clean(at)
    if name == "decision_graph":
        rec, _ = _expected(example)
        dot = at.get("graphviz_chart")[0].proto.spec
        for step in rec.trace:
            if f'"{step.node}" [' in dot:
                assert f"→ {step.outcome}" in dot
    if name == "report":
        assert len(at.get("download_button")) == 6
        assert any(data["cluster_name"] in m.value for m in at.markdown)


def _everything(at: AppTest) -> str:
    """Every text a user reads on the page: prose, alerts, captions, labels and help, and table cells."""
    parts = [texts(at)]
    for kind in ("toggle", "number_input", "text_input", "selectbox", "multiselect", "checkbox", "metric"):
        for w in at.get(kind):
            parts += [str(getattr(w, "label", "")), str(getattr(w, "help", "") or "")]
    for frame in [*at.dataframe, *at.table]:
        parts.append(frame.value.to_csv())
    return "\n".join(parts)


@pytest.mark.parametrize("example", CASES, ids=[p.stem for p in CASES])
@pytest.mark.parametrize("name", ["advisor", "decision_graph"])
def test_no_internal_words_on_the_pages(example, name):
    # issue 14 item 8: confidence in plain words, sources named as users find them (eksadvisor.wording.plain).
    from tests.decide.test_wording import INTERNAL

    at = open_page(name, answers=yaml.safe_load(example.read_text()))
    assert_clean(at)
    found = INTERNAL.findall(_everything(at))
    assert not found, found


@pytest.mark.parametrize("name", ["max_pods", "ip_usage", "subnets"])
def test_no_internal_words_on_the_explorers(name):
    from tests.decide.test_wording import INTERNAL

    at = open_page(name)
    assert_clean(at)
    text = _everything(at)
    assert not INTERNAL.findall(text), INTERNAL.findall(text)
    assert "--show-max-allowed" not in text.replace("with --show-max-allowed", "")  # named only as the script's flag


def test_tables_read_as_words_not_engine_fields():
    # issue 14 item 9: no literal "None" (a type without a published vCPU count) and no snake_case headers.
    import pandas as pd

    at = open_page("max_pods")
    table = at.dataframe[0].value
    row = table[table["instance type"] == "bmn-sf1.metal"].iloc[0]
    assert pd.isna(row["vCPUs"])
    data = yaml.safe_load(EXAMPLES[0].read_text())
    for name in ("advisor", "decision_graph"):
        at = open_page(name, answers=data)
        for frame in [*at.dataframe, *at.table]:
            value = frame.value
            headers = [*map(str, value.columns), *map(str, [value.index.name or ""])]
            assert not [h for h in headers if "_" in h], headers
            assert "None" not in value.astype(str).to_numpy().ravel().tolist()
    at = open_page("decision_graph", answers=data)
    assert at.table and "reason" in at.table[0].value.columns  # the walk wraps its prose (st.table)


def test_out_of_range_number_is_an_inline_error_not_ignored():
    # issue 14 item 9: -1 or 2000 showed only a small "!" and was silently dropped; now the engine's sentence
    # (data/questionnaire.yaml: desired_nodes 0..5000, pods_per_node 0..1000) is shown under the field.
    at = open_page("advisor")
    _button(at, "Next").click().run()
    nodes = next(n for n in at.number_input if n.label == "How many nodes does the group normally run?")
    nodes.set_value(-1).run()
    assert_clean(at)
    assert [e.value for e in at.error] == ["node_groups[0].desired_nodes: must be at least 0, got -1."]
    assert "Default: 3 · from 0 to 5000" in [c.value for c in at.caption]
    pods = [n for n in at.number_input if n.label == "How many pods that need a VPC IP will run per node?"]
    assert pods
    nodes = next(n for n in at.number_input if n.label == "How many nodes does the group normally run?")
    nodes.set_value(3).run()
    pods[0].set_value(2000).run()
    assert [e.value for e in at.error] == ["node_groups[0].pods_per_node: must be at most 1000, got 2000."]


def test_upload_says_what_is_recommended_at_the_top():
    # issue 14 item 9: after an upload the recommendation is below the questions (out of sight): the upload's own
    # message names the recommended mode and where the rest is.
    _, heading = _expected(EXAMPLES[0])
    at = open_page("advisor")
    at.file_uploader(key="upload").set_value((EXAMPLES[0].name, EXAMPLES[0].read_bytes(), "application/yaml")).run()
    assert_clean(at)
    loaded = [s.value for s in at.success if s.value.startswith(f"Loaded {EXAMPLES[0].name}.")]
    assert loaded and heading.replace("Recommended: ", "Recommended: **") + "**." in loaded[0]
    assert heading in [s.value for s in at.subheader]


REFUSED = {"version": 1, "cluster_name": "crowded", "region": "eu-west-1", "availability_zones": 3,
           "node_groups": [{"name": "general", "instance_types": ["m5.large"], "desired_nodes": 20, "max_nodes": 40,
                            "pods_per_node": 20}],
           "network": {"vpc_cidr": "10.0.0.0/24", "cgnat_in_use": True, "onprem_cidrs": ["10.0.0.0/8"]}}


@pytest.mark.parametrize("name", ["advisor", "report", "decision_graph"])
def test_refused_plan_is_an_inline_sentence_with_a_marked_diagnosis_and_no_artefacts(name):
    """DESIGN §2.4 in the app: the refusal sentence inline, the incomplete layout only as a marked diagnosis, and no
    generated configuration or report built from it."""
    at = open_page(name, answers=REFUSED)
    assert_clean(at)
    assert any("cannot hold a complete subnet plan" in e.value and "smallest change" in e.value for e in at.error)
    assert any(x.label.startswith("Diagnosis: the incomplete layout") for x in at.expander)
    assert not at.code  # no artefact
    assert not at.get("download_button")
