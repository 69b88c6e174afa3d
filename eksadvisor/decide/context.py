"""What the decision graph's predicates, facts and templates read: the :class:`Context` of one walk.

A fact is computed on first use and cached for the walk (``Context.fact``); :data:`FACTS` is the registry the
``@fact`` functions of :mod:`eksadvisor.decide.facts` add themselves to.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

from eksadvisor.versions import parse_cni_version

# ------------------------------------------------------------------------------------- the context

class GroupFacts:
    """What the advisor knows about one node group once modes are decided."""

    __slots__ = (
        "desired_nodes",
        "instance_types",
        "limiting_type",
        "max_nodes",
        "max_pods",
        "max_pods_by_type",
        "name",
        "os",
        "pods_per_node",
        "usage",
    )

    def __init__(self, name: str, os: str, instance_types: list[str], pods_per_node: int, desired_nodes: int,
                 max_nodes: int, max_pods_by_type: dict[str, int] | None = None, max_pods: int = 0,
                 limiting_type: str = "", usage: Any = None) -> None:
        self.name = name
        self.os = os
        self.instance_types = instance_types
        self.pods_per_node = pods_per_node
        self.desired_nodes = desired_nodes
        self.max_nodes = max_nodes
        self.max_pods_by_type = max_pods_by_type if max_pods_by_type is not None else {}
        self.max_pods = max_pods
        self.limiting_type = limiting_type
        self.usage = usage  # ipam.NodeUsage of the group's costliest type (or None)


class Context:
    """Everything predicates and templates read: the answers, derived facts and decisions so far."""

    __slots__ = ("answers", "cache", "catalog", "decisions", "groups", "init_settings", "plan", "settings", "strategies")

    def __init__(self, answers: Any, catalog: Any, decisions: dict[str, Any] | None = None) -> None:
        self.answers = answers
        self.catalog = catalog
        self.decisions: dict[str, Any] = decisions if decisions is not None else {}
        self.groups: list[GroupFacts] = []
        self.settings: dict[str, str] = {}
        self.init_settings: dict[str, str] = {}
        self.plan: dict[str, Any] = {}  # {"fits", "shortfall", "findings", "subnets", "secondary_cidrs"}
        self.strategies: list[str] = []
        self.cache: dict[str, Any] = {}

    # ---- small helpers shared by graph and rule predicates
    def fact(self, name: str) -> Any:
        if name not in self.cache:
            fn = FACTS.get(name)
            if fn is None:
                raise KeyError(name)
            self.cache[name] = fn(self)
        return self.cache[name]

    def cni(self) -> tuple[int, int, int]:
        return parse_cni_version(self.answers.cni_version)


class _FactView(dict[str, Any]):
    """A mapping for str.format_map: facts computed on demand, unknown names left visible."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key: str) -> Any:
        try:
            return _render(self.ctx.fact(key))
        except KeyError:
            return "{" + key + "}"


def _render(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) if value else "none"
    return value


def fill(template: str, ctx: Context) -> str:
    return string.Formatter().vformat(template, (), _FactView(ctx)) if "{" in template else template


def template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]



# ------------------------------------------------------------------------------------------ facts
# Every name a template or a node's `reads` uses (besides answer paths) is defined here.

FACTS: dict[str, Callable[[Context], Any]] = {}


def fact(fn: Callable[[Context], Any]) -> Callable[[Context], Any]:
    FACTS[fn.__name__.removeprefix("f_")] = fn
    return fn
