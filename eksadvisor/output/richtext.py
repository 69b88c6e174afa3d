"""The value kinds of the report's view model that the templates show differently from plain text.

:class:`Code` is shown verbatim in a code span, :class:`Rich` is prose whose `backticked` parts are code. Both
the Markdown helpers (:mod:`eksadvisor.output.markdown`) and the HTML environment read them, so they live below
both.
"""

from __future__ import annotations

import re

__all__ = ["Code", "Rich", "rich_segments", "yes_no"]


class Code(str):
    """A value shown verbatim in a monospace code span (an identifier, a CIDR, an env var)."""

    __slots__ = ()


class Rich(str):
    """Prose whose `backticked` parts are shown as code (rule and planner texts use them for commands)."""

    __slots__ = ()


_TICKS = re.compile(r"`([^`\r\n]+)`")


def rich_segments(text: str) -> list[tuple[bool, str]]:
    """``[(is_code, text), ...]``: the single-backtick spans of ``text`` and the prose around them."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _TICKS.finditer(text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def yes_no(value: bool) -> str:
    return "yes" if value else "no"
