"""`eksadvisor advise FILE`: the recommendation for an answers file, as json, yaml, md, html or pdf.
`eksadvisor advise --batch DIR --format csv|json`: one row per answers file of a folder (eksadvisor.decide.batch).

A thin adapter: one engine call (``advise``), then serialisation. json/yaml are serialised here
(json: ``model_dump(mode="json")``, sorted keys, indent 2); md/html/pdf come from the report module,
which is imported only for those formats. Bad input never writes to stdout (exit 2, one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from eksadvisor.cli._args import whole_number

if TYPE_CHECKING:  # the engine is imported in the functions, not when the CLI starts
    from eksadvisor.answers import Answers
    from eksadvisor.recommendation import Recommendation

FORMATS = ("json", "yaml", "md", "html", "pdf", "csv")
BATCH_FORMATS = ("csv", "json")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", nargs="?", help="answers file (YAML or JSON; see `eksadvisor schema`)")
    p.add_argument("--batch", metavar="DIR",
                   help="advise every answers file (*.yaml, *.yml, *.json) in DIR: one row per file, a bad file is a "
                        "row with its error (--format csv or json; a progress bar on stderr when it is a terminal)")
    p.add_argument("--workers", type=whole_number(1, "must be at least 1"), default=1, metavar="N",
                   help="with --batch: advise N files at a time in a process pool (default 1)")
    p.add_argument("--format", choices=FORMATS, default="json",
                   help="output format (default: json); csv only with --batch")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.add_argument("--suppress", action="append", default=[], metavar="RULE_ID",
                   help="do not report this warning (repeatable; adds to the answers' suppress_rules)")


def _with_suppressed(answers: Answers, ids: list[str]) -> Answers:
    from eksadvisor.answers import validate_answers
    from eksadvisor.errors import InputError
    from eksadvisor.rulebook import resolve_rule_id

    current = []
    for rid in ids:
        try:
            current.append(resolve_rule_id(rid))
        except ValueError as exc:
            raise InputError(f"--suppress: {exc}", field="--suppress") from None
    data = answers.model_dump(mode="json")
    data["suppress_rules"] = sorted({*data["suppress_rules"], *current})
    return validate_answers(data)


def render(rec: Recommendation, answers: Answers, fmt: str) -> bytes:
    """The recommendation serialised in ``fmt``: byte-identical for the same answers (json, yaml)."""
    if fmt == "json":
        import json

        return (json.dumps(rec.model_dump(mode="json"), sort_keys=True, indent=2) + "\n").encode("utf-8")
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(rec.model_dump(mode="json"), sort_keys=False, allow_unicode=True).encode("utf-8")
    from eksadvisor.output.report import render_report

    return render_report(rec, answers, fmt)


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def batch_output(rows: list[dict[str, Any]], fmt: str) -> bytes:
    """The fleet rows as CSV (header first, columns of eksadvisor.decide.batch.COLUMNS) or a JSON list, deterministic."""
    from eksadvisor.decide.batch import COLUMNS

    if fmt == "json":
        import json

        return (json.dumps(rows, indent=2) + "\n").encode("utf-8")
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r[k] is None else str(r[k]).lower() if isinstance(r[k], bool) else r[k]) for k in COLUMNS})
    return buf.getvalue().encode("utf-8")


def _write(args: argparse.Namespace, data: bytes) -> None:
    from eksadvisor.errors import InputError

    if args.output:
        try:
            with open(args.output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise InputError(f"--output: cannot write {args.output!r} ({exc.strerror or exc}).", field="--output") from None
        return
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def run_batch(args: argparse.Namespace) -> int:
    """``--batch DIR``: every file advised (rows written even when some fail); exit 2 when a file had bad input,
    1 when a file hit an internal error, else 0."""
    from pathlib import Path

    from eksadvisor.decide.batch import advise_many_rows
    from eksadvisor.errors import InputError

    if args.file:
        raise InputError("--batch: give either FILE or --batch DIR, not both.", field="--batch")
    if args.format not in BATCH_FORMATS:
        raise InputError(f"--format: {args.format} is not a batch format; use csv or json with --batch.", field="--format")
    if args.suppress:
        raise InputError("--suppress: not available with --batch; put suppress_rules in the answers files.", field="--suppress")
    if not Path(args.batch).is_dir():
        raise InputError(f"--batch: {args.batch!r} is not a folder.", field="--batch")
    rows = advise_many_rows(args.batch, workers=args.workers, progress=_progress_bar if sys.stderr.isatty() else None)
    _write(args, batch_output(rows, args.format))
    errors = [r["error"] for r in rows if r["error"]]
    if any(e.startswith("internal error") for e in errors):
        return 1
    return 2 if errors else 0


def run(args: argparse.Namespace) -> int:
    from eksadvisor.answers import load_answers
    from eksadvisor.decide.advisor import advise
    from eksadvisor.errors import InputError

    if args.batch:
        return run_batch(args)
    if not args.file:
        raise InputError("FILE: give an answers file (or --batch DIR for a folder of them).", field="FILE")
    if args.format == "csv":
        raise InputError("--format: csv is for --batch DIR; one file's recommendation is json, yaml, md, html or pdf.",
                         field="--format")
    if args.format == "pdf" and not args.output and sys.stdout.isatty():
        raise InputError("--output: a PDF is binary; write it to a file with -o OUT.", field="--output")
    answers = load_answers(args.file)
    if args.suppress:
        answers = _with_suppressed(answers, args.suppress)
    rec = advise(answers)
    _write(args, render(rec, answers, args.format))
    return 0
