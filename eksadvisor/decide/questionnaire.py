"""The questionnaire: every question of the answers file as data (``data/questionnaire.yaml``).

Each question has its text, help (why it matters, with the seed section), type, default, validation,
the condition under which it is asked and where its answer is read (``used_by``). The Answers model
enforces the validation; this module tells a front end what to ask, in which order, and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

QUESTIONNAIRE_FILE = "questionnaire.yaml"
ENGINE_STAGES = ("max_pods", "ip_usage", "subnet_plan", "snippets", "provenance")
TYPES = ("bool", "int", "float", "string", "choice", "cidr", "cidr_list", "string_list", "az_count_or_list", "list")


class Question:
    """One question (immutable after loading)."""

    __slots__ = ("ask_when", "default", "help", "id", "item_fields", "section", "text", "type", "used_by", "validation")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.id: str = raw["id"]
        self.section: str = raw["section"]
        self.text: str = " ".join(str(raw["text"]).split())
        self.help: str = " ".join(str(raw["help"]).split())
        self.type: str = raw["type"]
        self.default: Any = raw.get("default")
        self.validation: dict[str, Any] = dict(raw.get("validation") or {})
        self.ask_when: dict[str, Any] = dict(raw.get("ask_when") or {})
        self.used_by: tuple[str, ...] = tuple(raw.get("used_by") or ())
        self.item_fields: tuple[str, ...] = tuple(raw.get("item_fields") or ())

    @property
    def per_node_group(self) -> bool:
        return self.id.startswith("node_groups[].")

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}

    def __repr__(self) -> str:
        return f"Question({self.id!r})"


class Questionnaire:
    __slots__ = ("questions", "sections")

    def __init__(self, sections: list[dict[str, str]], questions: list[Question]) -> None:
        self.sections = sections
        self.questions = questions

    def get(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def by_section(self) -> dict[str, list[Question]]:
        out: dict[str, list[Question]] = {s["id"]: [] for s in self.sections}
        for q in self.questions:
            out[q.section].append(q)
        return out


@lru_cache(maxsize=1)
def load_questionnaire() -> Questionnaire:
    from eksadvisor.shipped import load_yaml_data

    doc = load_yaml_data(QUESTIONNAIRE_FILE)
    return Questionnaire(list(doc["sections"]), [Question(q) for q in doc["questions"]])


def get_path(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted answers path in plain data (``node_groups[]`` paths are not supported here)."""
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _holds(cond: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    value = get_path(data, cond["path"])
    op = cond.get("op", "eq")
    if op == "eq":
        return value == cond.get("value")
    if op == "ne":
        return value != cond.get("value")
    if op == "nonempty":
        return bool(value)
    if op == "in":
        return value in (cond.get("value") or ())
    raise ValueError(f"unknown condition op {op!r}")


def is_asked(question: Question, answers: Any) -> bool:
    """Whether ``question`` is asked, given the answers so far (an Answers model or its plain data)."""
    data = answers.model_dump(mode="json") if hasattr(answers, "model_dump") else answers
    when = question.ask_when
    if not when:
        return True
    if "all" in when:
        return all(_holds(c, data) for c in when["all"])
    if "any" in when:
        return any(_holds(c, data) for c in when["any"])
    raise ValueError(f"{question.id}: ask_when needs 'all' or 'any'")


def questions_to_ask(answers: Any) -> list[Question]:
    """The questions asked for these answers, in questionnaire order."""
    return [q for q in load_questionnaire().questions if is_asked(q, answers)]
