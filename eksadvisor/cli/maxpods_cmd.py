"""`eksadvisor max-pods`: the flags of AWS's max-pods-calculator.sh, one integer on stdout, offline."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING, Any

from eksadvisor.cli._args import whole_number

if TYPE_CHECKING:  # the model is imported in run(), not when the CLI starts
    from eksadvisor.model.maxpods import MaxPodsResult

_positive_int = whole_number(1, "must be at least 1 (ipamd ignores MAX_ENI below 1)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--instance-type", help="EC2 instance type, e.g. m5.large (not with --all)")
    p.add_argument("--cni-version", required=True, help="VPC CNI version, e.g. 1.19.2")
    p.add_argument("--cni-custom-networking-enabled", action="store_true", help="custom networking: the primary ENI carries no pods")
    p.add_argument("--cni-prefix-delegation-enabled", action="store_true", help="prefix delegation (Nitro and CNI >= 1.9 only)")
    p.add_argument("--cni-max-eni", type=_positive_int, metavar="N", help="use at most N ENIs (MAX_ENI)")
    p.add_argument("--show-max-allowed", action="store_true", help="print the raw ENI ceiling instead of the 110/250-capped value")
    p.add_argument("--explain", action="store_true", help="show the arithmetic and the reason for any cap")
    p.add_argument("--all", action="store_true", help="compute for every catalog type")
    p.add_argument("--format", choices=("text", "csv", "json"), default=None, help="output format (default: text; csv or json with --all)")


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "prefix_delegation": args.cni_prefix_delegation_enabled,
        "custom_networking": args.cni_custom_networking_enabled,
        "max_eni": args.cni_max_eni,
        "show_max_allowed": args.show_max_allowed,
    }


def _explain(r: MaxPodsResult) -> str:
    from eksadvisor.model.maxpods import CEILING_HIGH_CPU, HIGH_CPU_THRESHOLD

    lines = [
        f"instance type     {r.instance_type} ({r.hypervisor}{', bare metal' if r.bare_metal else ''}, "
        f"{r.vcpus if r.vcpus is not None else 'unknown'} vCPUs{' (estimated)' if r.vcpus_estimated else ''})",
        f"ENIs              {r.enis_instance} on the default network card"
        + (f", --cni-max-eni {r.max_eni} -> {min(r.max_eni, r.enis_instance)}" if r.max_eni is not None else "")
        + (", custom networking -1" if r.custom_networking else "")
        + f" => {r.enis_for_pods}",
        f"slots per ENI     {r.ipv4_per_eni} IPv4 addresses - 1 primary = {r.slots_per_eni}",
        f"mode              {r.mode}" + (" (x16 addresses per /28 prefix)" if r.addresses_per_slot == 16 else ""),
        f"raw maximum       {r.formula()}",
        f"ceiling           {r.ceiling} ({'>' if r.ceiling == CEILING_HIGH_CPU else '<='} {HIGH_CPU_THRESHOLD} vCPUs) -> recommended {r.recommended_max_pods}",
        f"result            {r.max_pods}" + (" (--show-max-allowed: raw maximum)" if r.show_max_allowed else ""),
        f"catalog snapshot  {r.catalog_snapshot}",
    ]
    lines += [f"note: {n}" for n in r.notes]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from eksadvisor.errors import InputError
    from eksadvisor.model.maxpods import max_pods, max_pods_all

    fmt = args.format
    if args.all:
        if args.instance_type:
            raise InputError("--instance-type: not allowed with --all, which computes every catalog type.", field="instance_type")
        results = max_pods_all(args.cni_version, **_flags(args))
        if fmt == "json":
            json.dump([r.to_dict() for r in results], sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            w = csv.writer(sys.stdout, lineterminator="\n")
            w.writerow(["instance_type", "max_pods", "raw_max_pods", "capped", "mode", "enis_for_pods",
                        "ipv4_per_eni", "vcpus", "vcpus_estimated", "is_nitro"])
            for r in results:
                w.writerow([r.instance_type, r.max_pods, r.raw_max_pods, str(r.capped).lower(), r.mode,
                            r.enis_for_pods, r.ipv4_per_eni, "" if r.vcpus is None else r.vcpus,
                            str(r.vcpus_estimated).lower(), str(r.is_nitro).lower()])
        return 0
    if not args.instance_type:
        raise InputError("--instance-type: required (or use --all for every catalog type).", field="instance_type")
    r = max_pods(args.instance_type, args.cni_version, **_flags(args))
    if fmt == "json":
        print(json.dumps(r.to_dict(), indent=2))
    elif fmt == "csv":
        raise InputError("--format: csv is only for --all; use text or json for one instance type.", field="format")
    elif args.explain:
        print(r.max_pods)
        print(_explain(r))
    else:
        print(r.max_pods)
    return 0
