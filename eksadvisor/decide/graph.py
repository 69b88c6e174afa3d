"""The decision graph: loaded from ``data/decision_graph.yaml`` and walked.

The graph's nodes, branches, options and reasons are data (built from the seed's matrices); this module holds the
graph's data model and the walk. What the walk reads lives beside it: the :class:`~eksadvisor.decide.context.Context`
(:mod:`eksadvisor.decide.context`), the facts its templates name (:mod:`eksadvisor.decide.facts`) and the predicates
its branches name (:mod:`eksadvisor.decide.predicates`). A walk records, in order, each node visited (the inputs it
read, its outcome, the reason and the seed section) and, for each option the node did not choose, why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from eksadvisor.decide.context import FACTS, Context, fill
from eksadvisor.decide.facts import STATIC_FACTS
from eksadvisor.decide.predicates import PREDICATES
from eksadvisor.shipped import load_yaml_data

GRAPH_FILE = "decision_graph.yaml"


# ------------------------------------------------------------------------------------- data model

class Branch(NamedTuple):
    when: str
    outcome: Any
    reason: str
    next: str | None = None
    set: tuple[tuple[str, Any], ...] = ()


class Node(NamedTuple):
    id: str
    title: str
    decides: str
    reads: tuple[str, ...]
    source: str
    branches: tuple[Branch, ...]
    options: tuple[tuple[Any, str, str], ...]  # (outcome, label, why_not)
    next: str | None = None


class Strategy(NamedTuple):
    id: str
    when: str
    reason: str
    complexity: str
    gain: str
    trade_offs: str
    source: str


class Graph(NamedTuple):
    start: str
    nodes: dict[str, Node]
    strategies: tuple[Strategy, ...] = ()


def outcome_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse(doc: dict[str, Any]) -> Graph:
    nodes: dict[str, Node] = {}
    for raw in doc["nodes"]:
        branches = tuple(
            Branch(
                when=b["when"], outcome=b["outcome"], reason=" ".join(str(b["reason"]).split()),
                next=b.get("next"), set=tuple(sorted((b.get("set") or {}).items())),
            )
            for b in raw["branches"]
        )
        options = tuple(
            (key, str(val.get("label", outcome_text(key))), " ".join(str(val.get("why_not", "")).split()))
            for key, val in (raw.get("options") or {}).items()
        )
        nodes[raw["id"]] = Node(
            id=raw["id"], title=raw.get("title", raw["id"]), decides=raw["decides"],
            reads=tuple(raw.get("reads") or ()), source=raw["source"], branches=branches,
            options=options, next=raw.get("next"),
        )
    strategies = tuple(
        Strategy(id=s["id"], when=s["when"], reason=" ".join(str(s["reason"]).split()), complexity=s["complexity"],
                 gain=s["gain"], trade_offs=s["trade_offs"], source=s["source"])
        for s in doc.get("strategies") or ()
    )
    return Graph(start=doc["start"], nodes=nodes, strategies=strategies)


@lru_cache(maxsize=1)
def load_graph() -> Graph:
    return _parse(load_yaml_data(GRAPH_FILE))


# --------------------------------------------------------------------------------------- the walk

def read_input(ctx: Context, path: str) -> Any:
    """A node's input: an answers path (``section.key``) or a named fact."""
    value: Any
    if path in FACTS:
        value = ctx.fact(path)
    else:
        value = ctx.answers
        for part in path.split("."):
            value = getattr(value, part)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, (str, int, float, bool)) else str(v) for v in value]
    return str(value)


class Walk(NamedTuple):
    trace: list[dict[str, Any]]
    alternatives: list[dict[str, Any]]
    decisions: dict[str, Any]
    branches: list[tuple[str, str]]  # (node id, predicate of the branch taken)


class _Choice(NamedTuple):
    """The branch a node takes, the lower-priority branches whose predicates also held, and -- when compare()
    forced the node -- the step's reason saying so."""

    taken: Branch
    held: list[Branch]
    forced_reason: str = ""


def _first_holding(node: Node, ctx: Context) -> _Choice:
    """The first branch whose predicate holds is taken; the others that hold make their options "possible"."""
    holding = [br for br in node.branches if PREDICATES[br.when](ctx)]
    assert holding, f"node {node.id}: no branch applies (the last must be `always`)"
    return _Choice(taken=holding[0], held=holding[1:])


def _forced(node: Node, choice: _Choice, outcome: Any, ctx: Context) -> _Choice:
    """compare(): plan an option the walk would not choose. Take the first branch with that outcome whose predicate
    holds, else the last one with that outcome; the step says it was forced and what the walk alone would have chosen.
    Feasibility nodes after it (prefix_support) still apply their own checks."""
    want = outcome_text(outcome)
    with_outcome = [br for br in node.branches if outcome_text(br.outcome) == want]
    if not with_outcome:
        raise ValueError(f"force: node {node.id} has no outcome {want!r}")
    reason = (f"Forced by compare() to {want}; without forcing the walk chooses "
              f"{outcome_text(choice.taken.outcome)}: {fill(choice.taken.reason, ctx)}")
    held = [br for br in choice.held if br not in with_outcome]
    taken = next((br for br in with_outcome if PREDICATES[br.when](ctx)), with_outcome[-1])
    return _Choice(taken=taken, held=held, forced_reason=reason)


def _choose(node: Node, ctx: Context, force: Mapping[str, Any] | None) -> _Choice:
    """The branch the node takes: its own choice, unless ``force`` names another outcome for a node whose id is
    also its decision."""
    choice = _first_holding(node, ctx)
    if (force and node.id in force and node.decides == node.id
            and outcome_text(choice.taken.outcome) != outcome_text(force[node.id])):
        return _forced(node, choice, force[node.id], ctx)
    return choice


def _record_decision(ctx: Context, node: Node, taken: Branch) -> None:
    """The branch's decision (or the several it ``set``s) lands in ``ctx.decisions``; facts that depend on decisions
    are dropped from the cache, to be recomputed."""
    if taken.set:
        for key, value in taken.set:
            ctx.decisions[key] = value
    else:
        ctx.decisions[node.decides] = taken.outcome
    for key in [k for k in ctx.cache if k not in STATIC_FACTS and not k.startswith("_")]:
        del ctx.cache[key]


def _alternatives(node: Node, ctx: Context, choice: _Choice) -> list[dict[str, Any]]:
    """Every option the node did not choose, with why not: "possible" when one of its branches also held (a
    lower-priority match), else "rejected". Options without a why-not text are left out."""
    chosen = ctx.decisions.get(node.decides, choice.taken.outcome)
    held_outcomes = {outcome_text(b.outcome) for b in choice.held if b.when != "always"}
    out: list[dict[str, Any]] = []
    for key, _label, why_not in node.options:
        if outcome_text(key) == outcome_text(chosen) or not why_not:
            continue
        reason = fill(why_not, ctx).strip()
        if not reason:
            continue
        possible = outcome_text(key) in held_outcomes
        if possible:
            reason = f"Also applicable, but {outcome_text(chosen)} is preferred: {reason}"
        out.append({
            "option": f"{node.decides}={outcome_text(key)}",
            "verdict": "possible" if possible else "rejected",
            "reason": reason,
        })
    return out


def walk(ctx: Context, graph: Graph | None = None, *, force: Mapping[str, Any] | None = None) -> Walk:
    """Walk the graph from its start: decisions land in ``ctx.decisions``; returns the trace and alternatives.

    At each node the first branch whose predicate holds is taken; the step records the node's inputs, the
    outcome, the filled-in reason and the seed section. Every option the node did not choose becomes an
    alternative: "possible" when one of its branches also held (a lower-priority match), else "rejected".
    ``force`` ({node id: outcome}) overrides the choice at a node whose id is also its decision
    (``ip_family``, ``custom_networking``, ``address_mode``, ...): used by compare() to plan every option.
    """
    graph = graph or load_graph()
    trace: list[dict[str, Any]] = []
    alternatives: list[dict[str, Any]] = []
    node_id: str | None = graph.start
    visited: set[str] = set()
    taken_branches: list[tuple[str, str]] = []
    while node_id and node_id != "end":
        if node_id in visited:  # the lint test forbids cycles; never loop at run time either
            raise RuntimeError(f"decision graph cycle at {node_id}")
        visited.add(node_id)
        node = graph.nodes[node_id]
        inputs = {path: read_input(ctx, path) for path in node.reads}
        choice = _choose(node, ctx, force)
        taken_branches.append((node.id, choice.taken.when))
        _record_decision(ctx, node, choice.taken)
        trace.append({
            "node": node.id,
            "inputs": inputs,
            "outcome": outcome_text(choice.taken.outcome),
            "reason": choice.forced_reason or fill(choice.taken.reason, ctx),
            "source": node.source,
        })
        alternatives += _alternatives(node, ctx, choice)
        node_id = choice.taken.next or node.next
    return Walk(trace=trace, alternatives=alternatives, decisions=dict(ctx.decisions), branches=taken_branches)


def choose_strategies(ctx: Context, graph: Graph | None = None) -> tuple[list[str], dict[str, Any]]:
    """The IP exhaustion strategies that apply (seed table), and their trace step."""
    graph = graph or load_graph()
    chosen = [s for s in graph.strategies if PREDICATES[s.when](ctx)]
    ids = [s.id for s in chosen]
    ctx.strategies = ids
    step = {
        "node": "ip_exhaustion_strategies",
        "inputs": {
            "ip_constrained": read_input(ctx, "ip_constrained"),
            "overlapping_cidrs": read_input(ctx, "overlapping_cidrs"),
            "network.cgnat_in_use": ctx.answers.network.cgnat_in_use,
        },
        "outcome": ", ".join(ids) or "none",
        "reason": " ".join(f"{s.id}: {fill(s.reason, ctx)}" for s in chosen) or "No IP exhaustion strategy is needed.",
        "source": "IP Exhaustion Strategies",
    }
    return ids, step
