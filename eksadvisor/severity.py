"""Severity: one name for how serious a warning or finding is, and the one order they are shown and sorted in.

Rules (data/rules.yaml), planner findings, CIDR checks, the audit and the report all share it, so a new level or
a new order is a change here and nowhere else.
"""

from __future__ import annotations

from typing import Literal

# The Literal's order is the order of the ``enum`` in the published JSON schemas: keep it.
Severity = Literal["info", "warning", "critical"]

# Most serious first: the order warnings are listed, counted and sorted in.
SEVERITIES: tuple[Severity, ...] = ("critical", "warning", "info")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
