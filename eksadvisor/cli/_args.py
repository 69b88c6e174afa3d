"""Argument types shared by the commands: whole numbers with a lower bound, rejected in one line."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def whole_number(minimum: int, problem: str) -> Callable[[str], int]:
    """An argparse ``type`` accepting integers >= ``minimum``; ``problem`` finishes the error sentence."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} {problem}")
        return value

    return parse
