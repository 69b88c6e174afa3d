"""The rule catalog as data (``data/rules.yaml``): ids, severities, messages, remediations, sources.

Reading the catalog is a foundation concern (the answers file validates ``suppress_rules`` against it); the
conditions that decide when a rule fires live with the decision layer, in :mod:`eksadvisor.decide.rules`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from eksadvisor.severity import Severity
from eksadvisor.shipped import load_yaml_data

RULES_FILE = "rules.yaml"
ID_PATTERN = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")


class Rule(NamedTuple):
    id: str
    severity: Severity
    condition: str
    message: str
    remediation: str
    source: str
    facts: tuple[str, ...] = ()
    status: str = ""


def _clean(text: Any) -> str:
    return " ".join(str(text).split())


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    doc = load_yaml_data(RULES_FILE)
    return tuple(
        Rule(
            id=r["id"], severity=r["severity"], condition=r["condition"], message=_clean(r["message"]),
            remediation=_clean(r["remediation"]), source=_clean(r["source"]), facts=tuple(r.get("facts") or ()),
            status=str(r.get("status") or ""),
        )
        for r in doc["rules"]
    )


@lru_cache(maxsize=1)
def rule_ids() -> frozenset[str]:
    return frozenset(r.id for r in load_rules())


@lru_cache(maxsize=1)
def retired_ids() -> dict[str, str]:
    """Renamed rule ids -> their current id (ids are stable: an old id in a suppress list keeps working)."""
    return dict(load_yaml_data(RULES_FILE).get("retired") or {})


@lru_cache(maxsize=1)
def references() -> dict[str, dict[str, str]]:
    """Sources cited by rules' ``facts`` that are not keys of the shared fact sheet (key -> url, what was read)."""
    return {k: {"url": str(v["url"]), "read": _clean(v["read"])}
            for k, v in (load_yaml_data(RULES_FILE).get("references") or {}).items()}


def resolve_rule_id(rid: str) -> str:
    """The current id for ``rid`` (itself, or what a retired id became); ValueError with a did-you-mean otherwise."""
    known = rule_ids()
    if rid in known:
        return rid
    if rid in retired_ids():
        return retired_ids()[rid]
    import difflib

    close = difflib.get_close_matches(rid, sorted(known | set(retired_ids())), n=1)
    if close:  # a near miss of a renamed id suggests the current one
        hint = f"; did you mean {retired_ids().get(close[0], close[0])!r}?"
    else:
        hint = " (a rule id is the id shown beside each warning in the app and the report, e.g. prefix-update-max-pods)."
    raise ValueError(f"{rid!r} is not a rule id{hint}")
