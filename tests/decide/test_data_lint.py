"""Lint of the shipped data: decision graph, rule catalog and questionnaire are consistent with the code."""

from __future__ import annotations

import contextlib
import re

import pytest

from eksadvisor.answers import Answers
from eksadvisor.decide.context import FACTS, template_fields
from eksadvisor.decide.facts import FACT_INPUTS
from eksadvisor.decide.graph import load_graph, outcome_text
from eksadvisor.decide.predicates import PREDICATES
from eksadvisor.decide.questionnaire import ENGINE_STAGES, load_questionnaire
from eksadvisor.decide.rules import CONDITIONS
from eksadvisor.rulebook import ID_PATTERN, load_rules
from eksadvisor.severity import SEVERITIES
from eksadvisor.shipped import load_yaml_data
from tests.conftest import ROOT

GRAPH = load_graph()
RULES = load_rules()
QUESTIONS = load_questionnaire()
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9.]+)*")


def _answer_path_exists(path: str) -> bool:
    model = Answers
    for part in path.split("."):
        field = model.model_fields.get(part)
        if field is None:
            return False
        ann = field.annotation
        model = ann if isinstance(ann, type) else None  # type: ignore[assignment]
    return True


# ------------------------------------------------------------------------------------ graph

def test_start_exists():
    assert GRAPH.start in GRAPH.nodes


def test_no_dangling_edges():
    for node in GRAPH.nodes.values():
        targets = {b.next or node.next for b in node.branches}
        for t in targets:
            assert t is not None, f"{node.id}: a branch has no next and the node no default"
            assert t == "end" or t in GRAPH.nodes, f"{node.id} -> {t} dangles"


def test_every_node_reachable_and_no_cycles():
    reached: set[str] = set()

    def visit(node_id, path):
        assert node_id not in path, f"cycle: {' -> '.join([*path, node_id])}"
        if node_id == "end":
            return
        reached.add(node_id)
        node = GRAPH.nodes[node_id]
        for b in node.branches:
            visit(b.next or node.next, [*path, node_id])

    visit(GRAPH.start, [])
    assert reached == set(GRAPH.nodes), f"unreachable: {set(GRAPH.nodes) - reached}"


def test_node_ids_unique_in_file():
    ids = [n["id"] for n in load_yaml_data("decision_graph.yaml")["nodes"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("node", GRAPH.nodes.values(), ids=lambda n: n.id)
def test_node_is_well_formed(node):
    assert node.source.strip(), node.id
    assert node.branches[-1].when == "always", f"{node.id}: last branch must be `always`"
    for b in node.branches:
        assert b.when in PREDICATES, f"{node.id}: unknown predicate {b.when}"
        assert b.reason.strip()
    options = {outcome_text(k) for k, _, _ in node.options}
    for b in node.branches:
        value = dict(b.set).get(node.decides, b.outcome) if b.set else b.outcome
        assert outcome_text(value) in options, f"{node.id}: outcome {value} has no option entry"
    for read in node.reads:
        assert read in FACTS or _answer_path_exists(read), f"{node.id}: reads unknown {read}"


def test_every_template_field_is_a_fact():
    texts = []
    for node in GRAPH.nodes.values():
        texts += [b.reason for b in node.branches] + [w for _, _, w in node.options]
    texts += [s.reason for s in GRAPH.strategies]
    for text in texts:
        for name in template_fields(text):
            assert name in FACTS, f"template field {{{name}}} is not a fact: {text}"


def test_strategies_are_design_ids():
    allowed = {"prefix_delegation", "secondary_cidr", "custom_networking", "ipv6", "private_nat_gateway",
               "subnet_cidr_reservation", "alternate_cni"}
    ids = [s.id for s in GRAPH.strategies]
    assert set(ids) == allowed and len(ids) == len(set(ids))
    for s in GRAPH.strategies:
        assert s.when in PREDICATES and s.source


def test_no_unused_predicates():
    used = {b.when for n in GRAPH.nodes.values() for b in n.branches} | {s.when for s in GRAPH.strategies}
    assert set(PREDICATES) - used == set()


# ------------------------------------------------------------------------------------ rules

def test_rule_ids_unique_kebab_case():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rid in ids:
        assert ID_PATTERN.fullmatch(rid) and KEBAB.fullmatch(rid), rid


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_complete(rule):
    assert rule.severity in SEVERITIES
    assert rule.condition in CONDITIONS
    assert rule.message.strip() and rule.remediation.strip(), rule.id
    assert rule.source.strip(), rule.id
    assert rule.status in ("", "CONFLICT", "UNCONFIRMED")


def test_no_unused_conditions():
    assert set(CONDITIONS) - {r.condition for r in RULES} == set()


def test_rule_facts_are_fact_sheet_keys():
    """Every cited key resolves: in the fact sheet (docs/aws-networking-facts.md), or in rules.yaml's own references (sources found
    later, each with its URL and what was read); the two never define the same key."""
    from eksadvisor.rulebook import references

    text = (ROOT / "docs" / "aws-networking-facts.md").read_text()
    keys = set(re.findall(r"^\| ([A-Z0-9-]+) \|", text, re.M))
    own = references()
    assert not keys & set(own), "a reference shadows a fact-sheet key"
    cited = set()
    for rule in RULES:
        for key in rule.facts:
            assert key in keys or key in own, f"{rule.id}: unknown fact key {key}"
            cited.add(key)
    for key, ref in own.items():
        assert ref["url"].startswith("https://") and ref["read"], key
        assert key in cited, f"reference {key} is cited by no rule"


def test_retired_rule_ids_point_at_current_rules():
    from eksadvisor.rulebook import retired_ids, rule_ids

    for old, new in retired_ids().items():
        assert old not in rule_ids() and new in rule_ids(), (old, new)


def test_sources_name_seed_sections(shared_dir):
    seed = (shared_dir / "seeds" / "000_ead66e69659c0f2c.txt").read_text()
    sources = [r.source for r in RULES] + [n.source for n in GRAPH.nodes.values()] + [s.source for s in GRAPH.strategies]
    for source in sources:
        head = re.split(r"[:(;]", source)[0].strip()
        assert head in seed, f"{source!r}: {head!r} is not a seed section"


# ------------------------------------------------------------------------------------ questionnaire

def test_every_question_is_read_somewhere():
    rule_ids = {r.id for r in RULES}
    for q in QUESTIONS.questions:
        assert q.used_by, q.id
        for user in q.used_by:
            if user in GRAPH.nodes:
                node = GRAPH.nodes[user]
                direct = q.id in node.reads
                via = any(q.id in FACT_INPUTS.get(r, ()) for r in node.reads)
                assert direct or via, f"{q.id}: graph node {user} does not read it"
            else:
                assert user in rule_ids or user in ENGINE_STAGES, f"{q.id}: unknown reader {user}"


def test_every_graph_answer_read_is_a_question():
    ids = {q.id for q in QUESTIONS.questions}
    for node in GRAPH.nodes.values():
        for read in node.reads:
            if read not in FACTS:
                assert read in ids, f"{node.id} reads {read}, which no question asks"
    for fact, paths in FACT_INPUTS.items():
        assert fact in FACTS
        for p in paths:
            assert p in ids, f"fact {fact} reads {p}, which no question asks"


def _reachable_source(fn, depth: int = 0) -> str:
    """A condition's source plus the helpers and facts it calls (what it can read)."""
    import inspect

    import eksadvisor.decide.graph as graph_mod
    import eksadvisor.decide.rules as rules_mod

    src = inspect.getsource(fn)
    if depth > 2:
        return src
    out = [src]
    for name in set(re.findall(r"\b([A-Za-z_]\w*)\(", src)):
        helper = getattr(rules_mod, name, None) or getattr(graph_mod, name, None)
        if callable(helper) and getattr(helper, "__module__", "").startswith("eksadvisor.") and helper is not fn:
            with contextlib.suppress(TypeError, OSError):
                out.append(_reachable_source(helper, depth + 1))
    for fact in re.findall(r'fact\("(\w+)"\)', src):
        out.append(inspect.getsource(FACTS[fact]) + " ".join(FACT_INPUTS.get(fact, ())))
    if "ctx.groups" in src:  # per-group results come from the node group answers
        out.append("instance_types pods_per_node desired_nodes max_nodes")
    return "\n".join(out)


def test_rule_readers_really_read_the_question():
    rules = {r.id: r for r in RULES}
    for q in QUESTIONS.questions:
        leaf = q.id.split(".")[-1]
        for user in q.used_by:
            if user in rules:
                src = _reachable_source(CONDITIONS[rules[user].condition])
                assert leaf in src, f"{q.id}: rule {user} ({rules[user].condition}) never reads {leaf}"


def test_planner_finding_ids_map_to_rules():
    from eksadvisor.decide.rules import PLANNER_RULES

    assert set(PLANNER_RULES) <= {r.id for r in RULES}
