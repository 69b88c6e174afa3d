"""One exception hierarchy for the whole engine.

The CLI and the app translate these in exactly one place each: an ``InputError`` is the user's
fault (exit code 2, one sentence naming the field), anything else is a bug (exit code 1).
"""

from __future__ import annotations


class EksAdvisorError(Exception):
    """Root of every error the engine raises on purpose."""


class InputError(EksAdvisorError):
    """Bad input: one clear sentence that names the field and the problem."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownInstanceType(InputError):
    """An instance type that is not in the catalog (with a did-you-mean suggestion)."""


class CatalogError(EksAdvisorError):
    """The instance catalog is missing or malformed (a packaging bug, not user input)."""


class PlanDoesNotFit(InputError):
    """The answers ask for more than the address space can hold: no complete, buildable subnet plan exists
    (docs/design.md §2.4). The message says what does not fit and the smallest change that would."""
