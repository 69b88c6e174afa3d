"""The two pydantic bases of the formats and results (answers, Recommendation, plans, CIDR checks, audit), so "what an
input accepts" and "what an output holds" are each configured once. (The node model's results in model/ are frozen
and keep their own ConfigDict: a third, frozen base is a follow-up.)

Both forbid unknown keys (a misspelt key is an error, never silently dropped) and build their validators on first
use (``defer_build``), not at import: CLI start-up would otherwise pay for every model it never uses. Both are
mutable and leave defaults unvalidated (pydantic's defaults, as before these bases existed).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class InputModel(BaseModel):
    """What a user writes (answers files): strict types, so YAML's ``1.10`` is never quietly the string "1.1"."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class OutputModel(BaseModel):
    """What the engine returns (the Recommendation, plans, audit reports): plain, mutable, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
