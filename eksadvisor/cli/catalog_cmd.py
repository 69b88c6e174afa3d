"""`eksadvisor catalog`: show one type, say which catalog is in use, or import describe-instance-types JSON."""

from __future__ import annotations

import argparse
import json


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="{show,info,import}")
    sub.required = True
    show = sub.add_parser("show", help="the networking facts of one instance type")
    show.add_argument("instance_type")
    sub.add_parser("info", help="which catalog is in use, its snapshot date and size")
    imp = sub.add_parser("import", help="refresh the catalog from `aws ec2 describe-instance-types` JSON")
    imp.add_argument("file", help="JSON printed by `aws ec2 describe-instance-types [--instance-types ...]`")
    imp.add_argument("-o", "--output", help="catalog CSV to write (default: the user catalog, ~/.local/share/eksadvisor/instance_types.csv)")
    imp.add_argument("--snapshot-date", help="date the JSON was captured (YYYY-MM-DD; default: today)")
    for sp in (show, imp):
        sp.error = p.error  # type: ignore[method-assign]  # one-line errors like the parent parser


def run(args: argparse.Namespace) -> int:
    from eksadvisor import catalog as cat
    from eksadvisor.errors import InputError

    if args.action == "show":
        c = cat.load_catalog()
        print(json.dumps({**c.get(args.instance_type).to_dict(), "catalog_snapshot": c.meta.snapshot_date}, indent=2))
    elif args.action == "info":
        kind, where = cat.catalog_location()
        c = cat.load_catalog()
        print(json.dumps({"catalog": kind, "path": str(where) if where else "shipped with eksadvisor",
                          "types": len(c), **c.meta.to_dict()}, indent=2))
    else:
        if args.snapshot_date:
            import datetime as dt

            try:
                dt.date.fromisoformat(args.snapshot_date)
            except ValueError:
                raise InputError(f"--snapshot-date: {args.snapshot_date!r} is not a date like 2026-11-27.", field="snapshot_date") from None
        res = cat.import_describe_instance_types(args.file, args.output, snapshot_date=args.snapshot_date)
        print(f"catalog written to {res.path}: {res.total} types ({len(res.added)} added, {len(res.updated)} updated, "
              f"{res.unchanged} unchanged), snapshot {res.snapshot_date}")
    return 0
