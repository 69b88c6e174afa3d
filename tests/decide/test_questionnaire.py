"""The questionnaire (data/questionnaire.yaml) against the Answers model: same fields, defaults, choices."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from eksadvisor.answers import Answers, NodeGroup, load_answers
from eksadvisor.decide.questionnaire import TYPES, is_asked, load_questionnaire, questions_to_ask
from tests.conftest import EXAMPLES

LIST_ITEM_MODELS = {"network.existing_subnets", "multus.networks"}


def _leaf_fields(model: type[BaseModel], prefix: str = "") -> dict[str, typing.Any]:
    """Answers path -> pydantic FieldInfo for every question-level field."""
    out: dict[str, typing.Any] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = info.annotation
        if path == "node_groups":
            out.update(_leaf_fields(NodeGroup, "node_groups[]."))
            continue
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.update(_leaf_fields(ann, path + "."))
            continue
        out[path] = info
    return out


FIELDS = _leaf_fields(Answers)
Q = load_questionnaire()


def _default(info):
    if info.default_factory is not None:
        return info.default_factory()
    return info.default


def test_every_answers_field_has_a_question():
    asked = {q.id for q in Q.questions}
    missing = set(FIELDS) - {"version"} - asked
    assert not missing, f"fields without a question: {sorted(missing)}"


def test_every_question_is_an_answers_field():
    extra = {q.id for q in Q.questions} - set(FIELDS)
    assert not extra, f"questions for no field: {sorted(extra)}"


def test_question_ids_unique():
    ids = [q.id for q in Q.questions]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("q", Q.questions, ids=lambda q: q.id)
def test_question_is_complete(q):
    assert q.text.endswith("?"), q.text
    assert len(q.help) > 20
    assert q.type in TYPES
    assert q.section in {s["id"] for s in Q.sections}
    assert q.used_by, f"{q.id} is read nowhere"


@pytest.mark.parametrize("q", Q.questions, ids=lambda q: q.id)
def test_default_matches_model(q):
    expected = _default(FIELDS[q.id])
    assert q.default == expected, (q.id, q.default, expected)


@pytest.mark.parametrize("q", [q for q in Q.questions if q.type == "choice"], ids=lambda q: q.id)
def test_choices_match_literal(q):
    assert tuple(q.validation["choices"]) == typing.get_args(FIELDS[q.id].annotation)


@pytest.mark.parametrize("q", [q for q in Q.questions if q.id in LIST_ITEM_MODELS], ids=lambda q: q.id)
def test_list_item_fields_match_model(q):
    ann = FIELDS[q.id].annotation
    item = typing.get_args(ann)[0]
    assert set(q.item_fields) == set(item.model_fields)


def test_numeric_bounds_match_model():
    for q in Q.questions:
        if q.type not in ("int", "float"):
            continue
        meta = {type(m).__name__: m for m in FIELDS[q.id].metadata}
        if "min" in q.validation:
            assert meta["Ge"].ge == q.validation["min"], q.id
        if "max" in q.validation:
            assert meta["Le"].le == q.validation["max"], q.id


def test_conditions_reference_real_fields():
    for q in Q.questions:
        for cond in q.ask_when.get("all", []) + q.ask_when.get("any", []):
            assert cond["path"] in FIELDS, (q.id, cond)
            assert cond.get("op", "eq") in ("eq", "ne", "nonempty", "in")


def test_sections_cover_the_brief():
    titles = {s["id"] for s in Q.sections}
    assert titles >= {"pod_density", "cidr", "onprem", "ipv6", "sgp", "multus", "operations"}


def test_enforcing_mode_questions_only_when_sgp_needed():
    modes = {"security_groups_for_pods.nodelocal_dnscache", "security_groups_for_pods.network_policy",
             "security_groups_for_pods.external_traffic_policy_local"}
    off = {q.id for q in questions_to_ask(Answers())}
    assert not (modes & off)
    on = {q.id for q in questions_to_ask(load_answers({"security_groups_for_pods": {"needed": True}}))}
    assert modes <= on


def test_multus_questions_only_when_needed():
    off = {q.id for q in questions_to_ask(Answers())}
    assert "multus.plugin" not in off and "multus.needed" in off
    thin = {q.id for q in questions_to_ask(load_answers({"multus": {"needed": True}}))}
    assert "multus.plugin" in thin and "multus.version" not in thin
    thick = {q.id for q in questions_to_ask(load_answers({"multus": {"needed": True, "plugin": "thick"}}))}
    assert "multus.version" in thick


def test_cgnat_question_any_condition():
    q = Q.get("network.cgnat_in_use")
    assert not is_asked(q, Answers())
    assert is_asked(q, load_answers({"network": {"onprem_cidrs": ["192.168.0.0/16"]}}))
    assert is_asked(q, {"ipv6": {"ipv4_exhaustion_concern": True}})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_answer_only_asked_questions(path):
    import yaml

    raw = yaml.safe_load(path.read_text())
    a = load_answers(path)
    asked = {q.id for q in questions_to_ask(a)}
    for section, body in raw.items():
        if isinstance(body, dict):
            for key in body:
                assert f"{section}.{key}" in asked, f"{path.stem}: {section}.{key} answered but not asked"


def test_patterns_match_json_schema():
    from eksadvisor.answers import answers_json_schema

    schema = answers_json_schema()
    props = {**schema["properties"], **{f"node_groups[].{k}": v for k, v in schema["$defs"]["NodeGroup"]["properties"].items()}}
    checked = 0
    for q in Q.questions:
        if "pattern" in q.validation and "pattern" in props.get(q.id, {}):
            assert q.validation["pattern"] == props[q.id]["pattern"], q.id
            checked += 1
    assert checked >= 4
