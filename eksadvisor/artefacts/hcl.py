r"""A tiny HCL writer for Terraform inputs built as Python data.

Strings are written with ``json.dumps`` escaping (HCL's escapes are a superset for what JSON emits) and
HCL's template sequences are neutralised by escaping the brace: ``${`` is written ``$\u007b`` and ``%{``
``%\u007b``, so no value can start an interpolation or a directive (the scanner never sees ``${``) while
the string's value is unchanged. HCL's own ``$${`` / ``%%{`` escapes would do the same for Terraform,
but python-hcl2 8.1 (the parser the tests verify with) rejects them at the end of a string. Object keys are always quoted strings; attribute names must be plain
identifiers. Raw expressions (references such as ``module.vpc.vpc_id``) exist only as :class:`Expr`,
which generators build from constants, never from answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INDENT = "  "


@dataclass(frozen=True)
class Expr:
    """A raw HCL expression (a reference or a function of constants)."""

    text: str


@dataclass(frozen=True)
class Call:
    """``name(arg, ...)`` with serialised arguments, e.g. ``jsonencode({...})``."""

    name: str
    args: tuple[Any, ...]


@dataclass
class Block:
    type: str
    labels: Sequence[str] = ()
    body: list[tuple[str, Any]] = field(default_factory=list)  # (attribute name, value) or ("", Block)
    comments: Sequence[str] = ()

    def set(self, name: str, value: Any) -> Block:
        if not _IDENT.fullmatch(name):
            raise ValueError(f"not an HCL identifier: {name!r}")
        self.body.append((name, value))
        return self

    def blank(self) -> Block:
        self.body.append(("", None))
        return self

    def block(self, child: Block) -> Block:
        self.body.append(("", child))
        return self


def hcl_string(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("${", "$\\u007b").replace("%{", "%\\u007b")


def render_value(value: Any, level: int = 0) -> str:
    pad = _INDENT * level
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, Call):
        if not _IDENT.fullmatch(value.name):
            raise ValueError(f"not an HCL function name: {value.name!r}")
        return f"{value.name}(" + ", ".join(render_value(a, level) for a in value.args) + ")"
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = ["{"]
        for k, v in value.items():
            if isinstance(k, Expr):
                key = f"({k.text})"  # a computed key, e.g. (format("%s:sub", module.eks.oidc_provider))
            elif isinstance(k, str):
                key = hcl_string(k)
            else:
                raise ValueError(f"object keys must be strings: {k!r}")
            lines.append(f"{pad}{_INDENT}{key} = {render_value(v, level + 1)}")
        lines.append(f"{pad}}}")
        return "\n".join(lines)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(isinstance(v, (str, int, bool, Expr)) for v in value):
            return "[" + ", ".join(render_value(v, level) for v in value) + "]"
        lines = ["["]
        for v in value:
            lines.append(f"{pad}{_INDENT}{render_value(v, level + 1)},")
        lines.append(f"{pad}]")
        return "\n".join(lines)
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def render_block(block: Block, level: int = 0) -> str:
    pad = _INDENT * level
    if not _IDENT.fullmatch(block.type):
        raise ValueError(f"not an HCL block type: {block.type!r}")
    out = [f"{pad}# {c}".rstrip() for comment in block.comments for c in (str(comment).splitlines() or [""])]
    head = " ".join([block.type, *(hcl_string(label) for label in block.labels)])
    out.append(f"{pad}{head} {{")
    names = [n for n, v in block.body if n]
    width = max((len(n) for n in names), default=0)
    for name, value in block.body:
        if not name:
            if value is None:
                out.append("")
            else:
                out.append(render_block(value, level + 1))
            continue
        out.append(f"{pad}{_INDENT}{name.ljust(width)} = {render_value(value, level + 1)}")
    out.append(f"{pad}}}")
    return "\n".join(out)


def render_file(blocks: Sequence[Block], header: Sequence[str] = ()) -> str:
    head = "".join(f"# {line}".rstrip() + "\n" for h in header for line in (str(h).splitlines() or [""]))
    return head + ("\n" if head else "") + "\n\n".join(render_block(b) for b in blocks) + "\n"
