"""docs/decision-graph.md is generated from the graph, the rules and the questionnaire: it must not drift."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def _build_docs():
    spec = importlib.util.spec_from_file_location("build_docs", ROOT / "scripts" / "build_docs.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_decision_graph_doc_is_current():
    current = (ROOT / "docs" / "decision-graph.md").read_text(encoding="utf-8")
    assert current == _build_docs().render(), "docs/decision-graph.md is out of date: run `make docs`"


def test_doc_lists_every_node_rule_and_question():
    from eksadvisor.decide.graph import load_graph
    from eksadvisor.decide.questionnaire import load_questionnaire
    from eksadvisor.rulebook import load_rules

    text = _build_docs().render()
    for node in load_graph().nodes:
        assert f"### `{node}`" in text
    for rule in load_rules():
        assert f"| `{rule.id}` |" in text
    for q in load_questionnaire().questions:
        assert f"`{q.id}`" in text


def test_check_mode(tmp_path, monkeypatch):
    module = _build_docs()
    monkeypatch.setattr(module, "OUT", tmp_path / "decision-graph.md")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    assert module.main(["--check"]) == 1
    assert module.main([]) == 0
    assert module.main(["--check"]) == 0
