"""`eksadvisor ip-usage`: ENIs, IPs, prefixes and subnet addresses a node really holds (ipamd model; with
``--windows``, the VPC resource controller's pool on a Windows node's one ENI)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported in the functions at run time: the CLI starts without loading the model
    from eksadvisor.model.ipam import IpUsageReport

from eksadvisor.versions import DEFAULT_CNI_VERSION

KEYS = ("enis", "secondary_ips", "prefixes", "free_ips", "node_subnet_addresses", "pod_subnet_addresses", "subnet_addresses")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--instance-type", required=True, help="EC2 instance type, e.g. m5.large")
    p.add_argument("--pods", type=int, required=True, help="IP-using pods per node (hostNetwork pods use no VPC IP)")
    p.add_argument("--nodes", type=int, default=1, help="identical nodes to total (default 1)")
    p.add_argument("--max-pods", type=int, default=None, help="kubelet max-pods (default: AWS's calculator value for the mode)")
    p.add_argument("--warm-eni-target", type=int, default=1, metavar="W", help="WARM_ENI_TARGET (default 1)")
    p.add_argument("--warm-ip-target", type=int, default=None, metavar="X", help="WARM_IP_TARGET (default unset = 0)")
    p.add_argument("--minimum-ip-target", type=int, default=None, metavar="Y", help="MINIMUM_IP_TARGET (default unset = 0)")
    p.add_argument("--warm-prefix-target", type=int, default=1, metavar="Z", help="WARM_PREFIX_TARGET (default 1, as the manifest sets it)")
    p.add_argument("--prefix-delegation", action="store_true", help="ENABLE_PREFIX_DELEGATION=true")
    p.add_argument("--custom-networking", action="store_true", help="AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true (pods in ENIConfig subnets)")
    p.add_argument("--max-eni", type=int, default=None, metavar="E", help="MAX_ENI (can only lower the instance's ENI limit)")
    p.add_argument("--sgp", action="store_true", help="Security Groups for Pods (ENABLE_POD_ENI=true): one ENI slot for the trunk on trunking-compatible types "
                        "(ipamd.go hasRoomForEni); none on the others")
    p.add_argument("--branch-pods", type=int, default=0, metavar="B",
                   help="with --sgp: how many of the pods have their own security groups (branch ENIs, one address each)")
    p.add_argument("--cni-version", default=DEFAULT_CNI_VERSION, help=f"VPC CNI version for the max-pods default (default {DEFAULT_CNI_VERSION})")
    p.add_argument("--windows", action="store_true",
                   help="a Windows node: one ENI, max pods = IPv4 per ENI - 1, the VPC resource controller's pool "
                        "(--warm-ip-target / --minimum-ip-target are its amazon-vpc-cni ConfigMap keys, default 3 / 3)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=False)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def render_table(report: IpUsageReport) -> str:
    u, t = report.per_node, report.totals
    k = t.nodes
    s = u.settings
    head = (
        f"{u.instance_type}  mode={u.mode}{' +custom-networking' if u.custom_networking else ''}{' +sgp' if u.sgp else ''}  "
        f"pods={u.pods}  max_pods={u.max_pods} ({u.max_pods_source})  nodes={k}"
    )
    if u.os == "windows":
        head = f"{u.instance_type}  windows (one ENI)  pods={u.pods}  max_pods={u.max_pods}  nodes={k}"
        settings = " ".join(f"{key.replace('_', '-')}={value}" for key, value in u.windows_targets.items())
    else:
        assert s is not None  # a Linux node's usage always carries its warm settings
        settings = s.label()
    lines = [head, f"settings: {settings}", ""]
    det = u.range.deterministic
    header: tuple[str, ...] = ("key", "per node") + (() if det else ("range",)) + (f"x {k} nodes",)
    rows: list[tuple[str, ...]] = [header]
    for key in KEYS:
        per = getattr(u, key)
        rng = getattr(u.range, key)
        row: tuple[str, ...] = (key, str(per))
        if not det:
            row += (f"{rng.min}..{rng.max}",)
        row += (str(getattr(t, key)),)
        rows.append(row)
    extra = [("pods_with_ip", str(u.pods_with_ip), str(t.pods_with_ip)), ("unplaced_pods", str(u.unplaced_pods), str(t.unplaced_pods))]
    if u.branch_pods:
        extra.append(("branch_enis", str(u.branch_enis), str(u.branch_enis * t.nodes)))
    for name, a, b in extra:
        rows.append((name, a) + (() if det else ("",)) + (b,))
    lines += _table(rows)
    if not det:
        lines += ["", f"range: {u.range.reason}",
                  f"subnet addresses for {k} node(s) at the upper end: {t.subnet_addresses_max}"]
    lines += ["", "arithmetic:"] + [f"  {a}" for a in u.arithmetic]
    if u.flags:
        lines += ["", "flags:"] + [f"  [{f.id}] {f.message}" for f in u.flags]
    lines += ["", f"cooldown: {u.cooldown.explanation}"]
    lines += ["", "notes:"] + [f"  - {n}" for n in u.notes]
    return "\n".join(lines)


# Linux-only options and their defaults: given with --windows they are an error, not silently ignored.
LINUX_ONLY = {"prefix_delegation": False, "custom_networking": False, "sgp": False, "branch_pods": 0, "max_eni": None,
              "max_pods": None, "warm_eni_target": 1, "warm_prefix_target": 1}


def _windows_report(args: argparse.Namespace) -> IpUsageReport:
    from eksadvisor.errors import InputError
    from eksadvisor.model.ipam import ip_usage_for

    for name, default in LINUX_ONLY.items():
        if getattr(args, name) != default:
            flag = "--" + name.replace("_", "-")
            raise InputError(f"{flag}: does not apply to Windows nodes (one ENI, addresses from the VPC resource "
                             "controller); drop it or --windows.", field=flag)
    return ip_usage_for(
        "windows", args.instance_type, args.pods, nodes=args.nodes,
        windows_warm_ip_target=args.warm_ip_target, windows_minimum_ip_target=args.minimum_ip_target,  # None: key absent
    )


def run(args: argparse.Namespace) -> int:
    from eksadvisor.model.ipam import WarmSettings, ip_usage_for

    if args.windows:
        report = _windows_report(args)
    else:
        if args.branch_pods and not args.sgp:  # pods with their own security groups need the trunk ENI
            from eksadvisor.errors import InputError

            raise InputError("--branch-pods: pods with their own security groups need Security Groups for Pods; "
                             "add --sgp or drop --branch-pods.", field="branch_pods")
        warm = WarmSettings(
            warm_eni_target=args.warm_eni_target,
            warm_ip_target=args.warm_ip_target or 0,
            minimum_ip_target=args.minimum_ip_target or 0,
            warm_prefix_target=args.warm_prefix_target,
        )
        report = ip_usage_for(
            "linux", args.instance_type, args.pods, nodes=args.nodes, prefix_delegation=args.prefix_delegation,
            custom_networking=args.custom_networking, warm=warm, max_pods=args.max_pods, max_eni=args.max_eni,
            sgp=args.sgp, cni_version=args.cni_version, branch_pods=args.branch_pods,
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(report.model_dump(mode="json"), indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(render_table(report) + "\n")
    return 0
