"""`eksadvisor advise FILE`: the recommendation for an answers file, as json, yaml, md, html or pdf.

A thin adapter: one engine call (``advise``), then serialisation. json/yaml are serialised here
(json: ``model_dump(mode="json")``, sorted keys, indent 2); md/html/pdf come from the report module,
which is imported only for those formats. Bad input never writes to stdout (exit 2, one line on stderr).
"""

from __future__ import annotations

import argparse
import sys

FORMATS = ("json", "yaml", "md", "html", "pdf")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="answers file (YAML or JSON; see `eksadvisor schema`)")
    p.add_argument("--format", choices=FORMATS, default="json", help="output format (default: json)")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.add_argument("--suppress", action="append", default=[], metavar="RULE_ID",
                   help="do not report this warning (repeatable; adds to the answers' suppress_rules)")


def _with_suppressed(answers, ids: list[str]):  # type: ignore[no-untyped-def]
    from eksadvisor.answers import validate_answers
    from eksadvisor.errors import InputError
    from eksadvisor.rules import resolve_rule_id

    current = []
    for rid in ids:
        try:
            current.append(resolve_rule_id(rid))
        except ValueError as exc:
            raise InputError(f"--suppress: {exc}", field="--suppress") from None
    data = answers.model_dump(mode="json")
    data["suppress_rules"] = sorted({*data["suppress_rules"], *current})
    return validate_answers(data)


def render(rec, answers, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    """The recommendation serialised in ``fmt``: byte-identical for the same answers (json, yaml)."""
    if fmt == "json":
        import json

        return (json.dumps(rec.model_dump(mode="json"), sort_keys=True, indent=2) + "\n").encode("utf-8")
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(rec.model_dump(mode="json"), sort_keys=False, allow_unicode=True).encode("utf-8")
    from eksadvisor.report import render_report

    return render_report(rec, answers, fmt)


def run(args: argparse.Namespace) -> int:
    from eksadvisor.advisor import advise
    from eksadvisor.answers import load_answers
    from eksadvisor.errors import InputError

    if args.format == "pdf" and not args.output and sys.stdout.isatty():
        raise InputError("--output: a PDF is binary; write it to a file with -o OUT.", field="--output")
    answers = load_answers(args.file)
    if args.suppress:
        answers = _with_suppressed(answers, args.suppress)
    rec = advise(answers)
    data = render(rec, answers, args.format)
    if args.output:
        try:
            with open(args.output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise InputError(f"--output: cannot write {args.output!r} ({exc.strerror or exc}).", field="--output") from None
        return 0
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0
