"""`eksadvisor subnets`: plan subnets for an answers file, check a subnet's /28 prefix readiness,
or check a hand-written layout.

    eksadvisor subnets plan FILE [--service-cidr CIDR] [--public-prefix N] [--format json|table]
    eksadvisor subnets prefix-check --subnet CIDR [--used IP_OR_RANGE ...] [--used-file FILE]
                                    [--used-count N --spread even|packed|random-seeded] [--prefixes-needed K]
    eksadvisor subnets check-layout --vpc-cidr CIDR --subnet CIDR[:ROLE[:AZ]] ... | --seed-example
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from eksadvisor.cli._args import whole_number

if TYPE_CHECKING:  # the planner is imported when a plan is made, not when the CLI starts
    from eksadvisor.addressing.planner import SubnetPlan

MAX_USED_FILE_BYTES = 64 * 1024 * 1024
_nonneg_int = whole_number(0, "must be 0 or more")


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="{plan,prefix-check,check-layout}")
    sub.required = True

    plan = sub.add_parser("plan", help="lay out cluster/public/private(/pod) subnets per AZ for an answers file")
    plan.add_argument("file", metavar="FILE", help="answers file (YAML or JSON)")
    plan.add_argument("--service-cidr", metavar="CIDR", help="the cluster's serviceIpv4Cidr, if you set one")
    plan.add_argument("--public-prefix", type=_nonneg_int, default=20, metavar="N",
                      help="public subnet size hint, /N (default 20; shrunk inside small VPCs)")
    plan.add_argument("--format", choices=("json", "table"), default="table")

    pc = sub.add_parser("prefix-check", help="free aligned /28 blocks, fragmentation and a prefix reservation for a subnet")
    pc.add_argument("--subnet", required=True, metavar="CIDR")
    pc.add_argument("--used", action="append", nargs="+", default=[], metavar="IP_OR_RANGE",
                    help="used addresses: 10.0.0.5, 10.0.0.5-10.0.0.9 or 10.0.0.16/28 (repeatable)")
    pc.add_argument("--used-file", metavar="FILE", help="file of used addresses/ranges/CIDRs, whitespace or comma separated; # comments")
    pc.add_argument("--used-count", type=_nonneg_int, metavar="N", help="only a count is known: place N addresses by --spread")
    pc.add_argument("--spread", choices=("even", "packed", "random-seeded"), default="even",
                    help="assumed spread of --used-count addresses (default even: the worst case)")
    pc.add_argument("--seed", type=_nonneg_int, default=0, help="seed for --spread random-seeded (default 0)")
    pc.add_argument("--prefixes-needed", type=_nonneg_int, metavar="K", help="size a prefix reservation for K /28 prefixes")
    pc.add_argument("--subnet-id", default="SUBNET_ID", help="subnet ID for the printed reservation command")
    pc.add_argument("--format", choices=("json", "table"), default="table")

    cl = sub.add_parser("check-layout", help="check a hand-written layout (alignment, overlaps, VPC bounds)")
    cl.add_argument("--vpc-cidr", action="append", default=[], metavar="CIDR", help="VPC CIDR (repeat for secondaries)")
    cl.add_argument("--subnet", action="append", default=[], metavar="CIDR[:ROLE[:AZ]]")
    cl.add_argument("--seed-example", action="store_true",
                    help="check the EKS Best Practices Guide's example layout for 10.0.0.0/16 (its 10.0.1.0/20 is not a valid /20)")
    cl.add_argument("--format", choices=("json", "table"), default="table")


# ---------------------------------------------------------------------------------------- plan

def _plan_header(plan: SubnetPlan, sizing: dict[str, Any]) -> list[str]:
    """What the plan is for: VPC, AZs, whether it fits, the per-AZ sizing and the mode it was sized in."""
    cn = sizing["custom_networking"]
    prefix = sizing["address_mode"] == "prefix" and sizing["ip_family"] == "ipv4"
    lines = [
        f"VPC {', '.join(plan.vpc_cidrs)}   AZs {', '.join(plan.azs)}   {'fits' if plan.fits else 'DOES NOT FIT'}\n",
        f"sized for: {sizing['node_addresses_per_az']:,} node-subnet addresses per AZ"
        + (f", {sizing['pod_addresses_per_az']:,} pod-subnet addresses per AZ" if cn else "")
        + (f", {sizing['prefixes_per_az']:,} /28 prefixes per AZ" if prefix else "") + "\n",
        f"mode (as advise decides): {sizing['ip_family']}, {sizing['address_mode']}"
        + (", custom networking" if cn else "") + f"; sized for max nodes x growth factor {sizing['growth_factor']:g}\n",
    ]
    lines += [f"  assumption: {a}\n" for a in sizing["assumptions"]]
    return [*lines, "\n"]


def _plan_table(plan: SubnetPlan) -> list[str]:
    """One row per subnet, columns padded to the widest cell, then each subnet's reservations."""
    rows = [("name", "role", "az", "cidr", "usable", "existing", "tags")]
    for s in plan.subnets:
        rows.append((s.name, s.role, s.az, s.cidr, f"{s.usable_ips:,}", "yes" if s.existing else "",
                     ",".join(f"{k}={v}" for k, v in s.tags.items())))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() + "\n" for r in rows]
    lines += [f"reserve {r.cidr} in {s.name}: {r.command}\n" for s in plan.subnets for r in s.reservations]
    return lines


def _plan_footer(plan: SubnetPlan) -> list[str]:
    """Secondary CIDRs, the service CIDR, any shortfall, findings and notes."""
    from eksadvisor.wording import confidence, plain

    lines = []
    if plan.secondary_cidrs:
        lines.append(f"\nassociate secondary CIDRs: {', '.join(plan.secondary_cidrs)}\n")
    sc = plan.service_cidr
    lines.append(f"service CIDR: {sc.cidr} (DNS {sc.dns_ip}; {sc.chosen_by.replace('_', ' ')}"
                 + (f", {confidence(sc.confidence)}" if sc.confidence == "unconfirmed" else "") + ")\n")
    if plan.shortfall:
        lines.append(f"\n{plain(plan.shortfall.reason)}\n")
        lines += [f"  - {plain(s)}\n" for s in plan.shortfall.suggestions]
    if plan.findings:
        lines.append("\nfindings:\n")
        for f in plan.findings:
            tag = f" ({confidence(f.confidence)})" if f.confidence in ("unconfirmed", "derived") else ""
            lines.append(f"  {f.severity:<8} {f.id}{tag}: {plain(f.message)}\n           source: {plain(f.source)}\n")
    lines += [f"note: {plain(n)}\n" for n in plan.notes]
    return lines


def _run_plan(args: argparse.Namespace) -> int:
    """The plan `eksadvisor advise` recommends: same mode decisions, same ipamd per-node figures."""
    from eksadvisor.decide.advisor import subnet_plan

    plan, sizing = subnet_plan(args.file, service_cidr=args.service_cidr, public_prefix=args.public_prefix)
    if args.format == "json":
        out = plan.model_dump(mode="json")
        out["sizing"] = sizing
        json.dump(out, sys.stdout, indent=2, sort_keys=False)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write("".join([*_plan_header(plan, sizing), *_plan_table(plan), *_plan_footer(plan)]))
    return 0


# -------------------------------------------------------------------------------- prefix-check
def _read_used_file(path: str) -> list[str]:
    from pathlib import Path

    from eksadvisor.errors import InputError

    p = Path(path)
    try:
        if p.stat().st_size > MAX_USED_FILE_BYTES:
            raise InputError(f"--used-file: {path} is larger than 64 MiB.", field="used_file")
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--used-file: cannot read {path} ({exc.__class__.__name__}).", field="used_file") from None
    items: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        items.extend(tok for tok in line.replace(",", " ").split() if tok)
    return items


def _run_prefix_check(args: argparse.Namespace) -> int:
    from eksadvisor.addressing.prefixready import prefix_readiness
    from eksadvisor.errors import InputError
    from eksadvisor.wording import plain

    used = [u for group in args.used for u in group]
    if args.used_file:
        used += _read_used_file(args.used_file)
    if args.used_count is not None and used:
        raise InputError("--used-count: give either used addresses (--used/--used-file) or a count, not both.",
                         field="used_count")
    r = prefix_readiness(args.subnet, used, used_count=args.used_count, spread=args.spread, seed=args.seed,
                         prefixes_needed=args.prefixes_needed, subnet_id=args.subnet_id)
    if args.format == "json":
        json.dump(r.model_dump(mode="json"), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    w = sys.stdout.write
    w(f"subnet              {r.subnet} ({r.usable_ips:,} usable addresses, {r.total_blocks:,} /28 blocks)\n")
    if r.assumption:
        w(f"assumption          {r.assumption}\n")
    w(f"used / free         {r.used_addresses:,} used, {r.free_addresses:,} free\n")
    w(f"free /28 blocks     {r.free_blocks:,} of {r.candidate_blocks:,} possible ({r.ideal_free_blocks:,} if packed)\n")
    w(f"largest free block  {r.largest_free_block or '-'}\n")
    w(f"fragmentation       {r.fragmentation:.2f} ({r.fragmentation_level}); {r.stranded_addresses:,} free addresses "
      "outside any free /28\n")
    if r.prefixes_needed is not None:
        w(f"prefixes needed     {r.prefixes_needed:,}: {'enough' if r.enough else 'NOT enough'}\n")
        for res in r.reservations:
            w(f"reserve             {res.cidr} ({res.free_prefixes} free /28s, {res.used_addresses_inside} in use inside)\n"
              f"                    {res.command}\n")
    for f in r.findings:
        w(f"{f.severity:<8} {f.id}: {plain(f.message)}\n         source: {plain(f.source)}\n")
    for n in r.notes:
        w(f"note: {plain(n)}\n")
    return 0


# -------------------------------------------------------------------------------- check-layout
def _run_check_layout(args: argparse.Namespace) -> int:
    from eksadvisor.addressing.planner import SEED_EXAMPLE_LAYOUT, validate_layout
    from eksadvisor.errors import InputError
    from eksadvisor.wording import plain

    if args.seed_example:
        vpcs = args.vpc_cidr or ["10.0.0.0/16"]
        subnets: list[dict[str, str]] = list(SEED_EXAMPLE_LAYOUT)
    else:
        if not args.vpc_cidr or not args.subnet:
            raise InputError("--subnet: give --vpc-cidr and at least one --subnet, or --seed-example.", field="subnet")
        vpcs = args.vpc_cidr
        subnets = []
        for spec in args.subnet:
            cidr, _, rest = spec.partition(":")
            role, _, az = rest.partition(":")
            subnets.append({"cidr": cidr, "role": role, "az": az})
    findings = validate_layout(vpcs, subnets)
    if args.format == "json":
        json.dump([f.model_dump(mode="json") for f in findings], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        if not findings:
            sys.stdout.write("layout ok: aligned, inside the VPC, no overlaps\n")
        for f in findings:
            sys.stdout.write(f"{f.severity:<8} {f.id}: {plain(f.message)}\n")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action == "plan":
        return _run_plan(args)
    if args.action == "prefix-check":
        return _run_prefix_check(args)
    return _run_check_layout(args)
