"""`eksadvisor audit DIR`: audit an existing cluster from a bundle of command output (or live with --aws);
`eksadvisor audit collect --cluster N --region R [-o DIR]` writes such a bundle (or prints the commands).

A thin adapter: one engine call, then serialisation (json: sorted keys, indent 2; md/html from the audit renderer).
"""

from __future__ import annotations

import argparse
import sys

FORMATS = ("json", "md", "html")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", nargs="?", metavar="DIR",
                   help="bundle folder to audit, or `collect` to write a bundle (see the README)")
    p.add_argument("--aws", action="store_true", help="read AWS live with boto3 (needs eksadvisor[aws]) instead of a bundle")
    p.add_argument("--cluster", metavar="NAME", help="EKS cluster name (collect and --aws)")
    p.add_argument("--region", metavar="R", help="AWS Region (collect and --aws)")
    p.add_argument("--kube-dir", metavar="DIR", help="with --aws: read aws-node.json, nodes.json, eniconfigs.json and "
                                                     "pods.json from DIR instead of running kubectl")
    p.add_argument("--format", choices=FORMATS, default="json", help="output format (default: json)")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT (collect: the bundle folder, default ./bundle)")


def _write(data: bytes, out: str | None) -> None:
    from eksadvisor.errors import InputError

    if out:
        try:
            with open(out, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise InputError(f"--output: cannot write {out!r} ({exc.strerror or exc}).", field="--output") from None
        return
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    from eksadvisor.errors import InputError

    if args.target == "collect":
        from eksadvisor.audit.collect import collect

        if not args.cluster or not args.region:
            raise InputError("--cluster and --region: `audit collect` needs both.", field="--cluster")
        text = collect(args.cluster, args.region, args.output or "bundle")
        sys.stdout.write(text)
        return 0
    if args.aws:
        if not args.cluster or not args.region:
            raise InputError("--cluster and --region: `audit --aws` needs both.", field="--cluster")
        if args.target:
            raise InputError("DIR: give a bundle folder or --aws, not both.", field="DIR")
        from eksadvisor.audit.live import read_live

        bundle = read_live(args.cluster, args.region, kube_dir=args.kube_dir)
    else:
        if not args.target:
            raise InputError("DIR: give a bundle folder (or --aws --cluster NAME --region R, or `collect`).", field="DIR")
        from eksadvisor.audit.bundle import read_bundle

        bundle = read_bundle(args.target)
    from eksadvisor.audit.engine import audit_bundle
    from eksadvisor.audit.render import render

    _write(render(audit_bundle(bundle), args.format), args.output)
    return 0
