"""`eksadvisor schema`: the JSON Schema of the answers file (docs/design.md §2.1), sorted and indented."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")


def run(args: argparse.Namespace) -> int:
    from eksadvisor.answers import answers_json_schema
    from eksadvisor.errors import InputError

    text = json.dumps(answers_json_schema(), sort_keys=True, indent=2) + "\n"
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise InputError(f"--output: cannot write {args.output!r} ({exc.strerror or exc}).", field="--output") from None
        return 0
    sys.stdout.write(text)
    return 0
