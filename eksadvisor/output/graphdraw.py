"""The decision graph as Graphviz DOT text, with the walked path highlighted.

Input is the decision graph as loaded by :mod:`eksadvisor.decide.graph` (or the raw ``data/decision_graph.yaml``
mapping: ``start`` and ``nodes``, each with ``id``, ``title``, ``next``, ``options`` and ``branches``
of ``when``/``outcome``/``next``) and the walk (``Recommendation.trace``: node ids and outcomes, in
order). Only text is produced, built from quoted identifiers and escaped labels, never by pasting raw
values into DOT syntax; drawing is the caller's (the app's ``st.graphviz_chart``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

END = "end"
WALKED_FILL = "#FFE8A3"
WALKED_EDGE = "#D9480F"
IDLE_EDGE = "#9AA0A6"


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def quote(text: Any) -> str:
    """A DOT double-quoted string: backslashes, quotes and newlines escaped."""
    s = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{s}"'


def _wrap(text: str, width: int = 28) -> str:
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        lines.append(line)
    return "\n".join(lines)


def _outcome(value: Any) -> str:
    """An outcome as the walk's trace writes it (``eksadvisor.decide.graph.outcome_text``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _nodes(graph: Any) -> list[Any]:
    """The graph's nodes in order: ``graph.Graph.nodes`` is a dict by id, the raw YAML a list."""
    nodes = _get(graph, "nodes", []) or []
    return list(nodes.values()) if isinstance(nodes, Mapping) else list(nodes)


def edges(graph: Any) -> list[tuple[str, str, str, list[str]]]:
    """``(source, target, outcome, [when predicates])`` for every branch, merged per (source, target, outcome)."""
    merged: dict[tuple[str, str, str], list[str]] = {}
    for node in _nodes(graph):
        nid = str(_get(node, "id"))
        for branch in _get(node, "branches", []) or []:
            target = _get(branch, "next") or _get(node, "next") or END
            key = (nid, str(target), _outcome(_get(branch, "outcome")))
            merged.setdefault(key, []).append(str(_get(branch, "when", "")))
    return [(s, t, o, w) for (s, t, o), w in merged.items()]


def to_dot(graph: Any, walked: Sequence[Any] = (), *, rankdir: str = "TB") -> str:
    """DOT text of the decision graph; the walked nodes are filled and the taken edges drawn bold.

    ``walked`` is the trace (steps with ``node`` and ``outcome``) or plain node ids.
    """
    nodes = _nodes(graph)
    ids = {str(_get(n, "id")) for n in nodes}
    steps: list[tuple[str, str | None]] = [
        (s, None) if isinstance(s, str) else (str(_get(s, "node")), str(_get(s, "outcome"))) for s in walked
    ]
    steps = [(s, o) for s, o in steps if s in ids]  # the trace may hold steps that are not graph nodes
    outcome_at = dict(steps)
    taken: set[tuple[str, str]] = {(a, b) for (a, _), (b, _) in itertools.pairwise(steps)}
    all_edges = edges(graph)
    end_walked = bool(steps) and any(src == steps[-1][0] and dst == END for src, dst, _, _ in all_edges)
    if end_walked:
        taken.add((steps[-1][0], END))

    lines = [
        "digraph decision_graph {",
        f"  rankdir={rankdir};",
        '  graph [fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.45];',
        '  node [shape=box, style="rounded,filled", fillcolor="#FFFFFF", color="#5F6368", fontname="Helvetica", fontsize=11];',
        f'  edge [color="{IDLE_EDGE}", fontname="Helvetica", fontsize=9, fontcolor="#5F6368"];',
    ]
    start = _get(graph, "start")
    for node in nodes:
        nid = str(_get(node, "id"))
        title = _wrap(_get(node, "title") or nid)
        outcome = outcome_at.get(nid)
        attrs = [f"label={quote(title + (chr(10) + '→ ' + outcome if outcome else ''))}",
                 f"tooltip={quote(nid)}"]
        if nid in outcome_at:
            attrs += [f'fillcolor="{WALKED_FILL}"', f'color="{WALKED_EDGE}"', "penwidth=2"]
        if nid == start:
            attrs.append("peripheries=2")
        lines.append(f"  {quote(nid)} [{', '.join(attrs)}];")
    lines.append(
        f'  {quote(END)} [label="end", shape=oval'
        + (f', fillcolor="{WALKED_FILL}", color="{WALKED_EDGE}", penwidth=2' if end_walked else "")
        + "];"
    )
    for source, target, outcome, whens in all_edges:
        is_taken = (source, target) in taken and outcome_at.get(source) in (None, outcome)
        attrs = [f"label={quote(outcome)}", f"tooltip={quote(' | '.join(whens))}"]
        if is_taken:
            attrs += [f'color="{WALKED_EDGE}"', "penwidth=3", f'fontcolor="{WALKED_EDGE}"']
        lines.append(f"  {quote(source)} -> {quote(target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
