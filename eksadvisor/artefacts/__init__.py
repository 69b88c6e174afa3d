"""Generated configuration (docs/design.md §4), the layer below the advisor: every artefact the recommendation needs, as text.

``build_snippets(rec, answers)`` returns an ordered ``{name: text}`` with every artefact that applies;
the advisor stores it in ``Recommendation.snippets`` and ``eksadvisor snippets FILE`` prints it. Each
artefact is built as Python data by a pure function (one module per family) and serialised with
``yaml.safe_dump``, ``json.dumps``, ``shlex.quote`` or the small HCL writer in :mod:`.hcl` -- never by
pasting values into text. Identifiers that also appear in comments and prose (cluster, region, AZ,
node-group and network names, CIDRs) are re-validated here and refused with an ``InputError`` if they
are not plain identifiers. Unknown IDs are placeholders, see :mod:`._base` (``PLACEHOLDER_RE``).

Names, in output order (``*`` marks artefacts that only appear when they apply), from the registry
(:data:`eksadvisor.artefacts.registry.ARTEFACTS`):

"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eksadvisor.artefacts._base import (
    PLACEHOLDER_RE,
    ArtefactContext,
    build_artefact_context,
    find_placeholders,
    placeholder,
)
from eksadvisor.artefacts.registry import ARTEFACTS, ORDER, RUNBOOK, Artefact, docs_table, snippet_plan
from eksadvisor.artefacts.runbook import runbook_md

if TYPE_CHECKING:  # pragma: no cover
    from eksadvisor.answers import Answers
    from eksadvisor.recommendation import Recommendation

__doc__ = (__doc__ or "") + docs_table()

__all__ = [
    "ARTEFACTS",
    "ORDER",
    "PLACEHOLDER_RE",
    "Artefact",
    "ArtefactContext",
    "build_artefact_context",
    "build_snippets",
    "find_placeholders",
    "ordered",
    "placeholder",
    "snippet_plan",
]


def _rank(name: str) -> tuple[int, str]:
    key = "nodeadm-userdata-*" if name.startswith("nodeadm-userdata-") else name
    return (ORDER.index(key) if key in ORDER else len(ORDER), name)


def ordered(snippets: dict[str, str]) -> dict[str, str]:
    """``snippets`` in the documented output order, whatever order they are stored in."""
    return {name: snippets[name] for name in sorted(snippets, key=_rank)}


def build_snippets(rec: Recommendation, answers: Answers) -> dict[str, str]:
    """Every artefact that applies to ``rec`` for ``answers``, ordered, by stable name.

    Same inputs give byte-identical output. Raises ``InputError`` when a value that would end up in an
    identifier position is not a plain identifier (e.g. a cluster name with quotes or ``$()``).
    """
    ctx = build_artefact_context(rec, answers)
    plan = snippet_plan(ctx)
    out = {name: make() for name, make in plan}
    out[RUNBOOK] = runbook_md(ctx, [*out, RUNBOOK])
    if len(out) != len(plan) + 1:
        raise AssertionError("two artefacts share a name")
    return ordered(out)
