"""`eksadvisor snippets FILE [--only NAME] [--list]`: the generated configuration for an answers file.

Without options every artefact is printed, each after a ``# ==> name <==`` line; ``--only NAME`` prints
one artefact exactly as it should be saved, ``--list`` prints the names that apply.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="answers file (YAML or JSON)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--only", metavar="NAME", help="print only this artefact, without a header (see --list)")
    group.add_argument("--list", action="store_true", help="print the names of the artefacts that apply, one per line")


def snippets_for_file(path: str) -> dict[str, str]:
    from eksadvisor.answers import load_answers
    from eksadvisor.artefacts import build_snippets, ordered
    from eksadvisor.decide.advisor import advise

    answers = load_answers(path)
    rec = advise(answers)
    return ordered(dict(rec.snippets)) if rec.snippets else build_snippets(rec, answers)


def run(args: argparse.Namespace) -> int:
    from eksadvisor.errors import InputError

    snippets = snippets_for_file(args.file)
    out = sys.stdout
    if args.list:
        out.write("".join(f"{name}\n" for name in snippets))
        return 0
    if args.only is not None:
        if args.only not in snippets:
            raise InputError(f"--only: {args.only!r} is not an artefact for this answers file; choose from: "
                             f"{', '.join(snippets)}.", field="only")
        out.write(snippets[args.only])
        return 0
    parts = [f"# ==> {name} <==\n{text}" for name, text in snippets.items()]
    out.write("\n".join(parts))
    return 0
