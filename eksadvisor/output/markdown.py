"""Markdown made inert: every value the report writes is escaped or fenced so it can never open a heading,
a list, a link, emphasis, HTML, a code span or a table cell.

The Markdown report's Jinja2 environment uses :func:`md_finalize` on every value and offers :func:`md_table`,
:func:`md_code` and :func:`md_fence` to the template; what they return is :class:`MdSafe` (already escaped).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from eksadvisor.output.richtext import Code, Rich, rich_segments, yes_no

__all__ = ["MdSafe", "md_code", "md_escape", "md_fence", "md_finalize", "md_rich", "md_table"]


class MdSafe(str):
    """Markdown the report built itself, already escaped: the finalize hook passes it through."""

    __slots__ = ()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# Block constructs a value could open if it stood at the start of a line: ATX heading, list item,
# setext underline or thematic break, ordered list item (``>`` is an entity already).
_MD_BLOCK_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+](?=\s|$)|=+\s*$|-+\s*$)")
_MD_ORDERED_START = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")


def md_escape(value: Any, *, block: bool = True) -> str:
    """Plain text made inert in Markdown: one line, no emphasis, code span, link, HTML or table cell break.

    With ``block`` (text that may start a line, e.g. a paragraph or list item), a leading ``#``,
    ``-``, ``+``, ``1.`` or underline is escaped too, so it cannot become a heading or a list.
    """
    text = " ".join(str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if block:
        text = _MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
        text = _MD_ORDERED_START.sub(r"\1\\\2", text)
    return text


def md_code(value: Any, *, in_table: bool = False) -> MdSafe:
    """An inline code span that holds any text (longer fences around backticks; pipes escaped in tables)."""
    text = " ".join(str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if not text:
        return MdSafe("")
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    if run or text.startswith(" ") or text.endswith(" "):
        text = f" {text} "
    if in_table:
        text = text.replace("|", "\\|")
    return MdSafe(f"{fence}{text}{fence}")


def md_fence(value: Any, lang: str = "") -> MdSafe:
    """A fenced code block longer than any backtick run inside, so the text cannot close it."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, run + 1)
    lang = lang if re.fullmatch(r"[a-z0-9_+-]*", lang or "") else ""
    return MdSafe(f"{fence}{lang}\n{text}{fence}")


def md_rich(value: Any, *, in_table: bool = False, block: bool = True) -> MdSafe:
    """Prose escaped as :func:`md_escape`, its `backticked` parts as code spans."""
    text = " ".join(str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    parts = []
    for i, (is_code, seg) in enumerate(rich_segments(text)):
        parts.append(md_code(seg, in_table=in_table) if is_code else md_escape(seg, block=block and i == 0))
    return MdSafe("".join(parts))


def _md_cell(cell: Any) -> str:
    if isinstance(cell, MdSafe):
        return cell
    if isinstance(cell, Code):
        return md_code(cell, in_table=True)
    if isinstance(cell, Rich):
        return md_rich(cell, in_table=True, block=False)
    if isinstance(cell, bool):
        return yes_no(cell)
    if isinstance(cell, (int, float)):
        return str(cell)
    return md_escape("" if cell is None else cell, block=False)


def md_table(headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> MdSafe:
    """A GFM table; numeric columns right-aligned; every cell escaped (or a code span)."""
    if not rows:
        return MdSafe("None.")
    numeric = [
        all(isinstance(r[i], (int, float)) and not isinstance(r[i], bool) for r in rows) for i in range(len(headers))
    ]
    lines = [
        "| " + " | ".join(_md_cell(h) for h in headers) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return MdSafe("\n".join(lines))


def md_finalize(value: Any) -> str:
    if isinstance(value, MdSafe):
        return value
    if value is None:
        return ""
    if isinstance(value, Code):
        return md_code(value)
    if isinstance(value, Rich):
        return md_rich(value)
    return md_escape(value)
