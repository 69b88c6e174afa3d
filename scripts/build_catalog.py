#!/usr/bin/env python3
"""Build the shipped catalog (data/instance_types.csv + data/catalog_meta.json) from the reference
table ec2_instance_networking.csv (tests/fixtures/shared/data/, mirrored from ../shared/data; VPC CNI limits, resource-controller branch ENIs,
autoscaler compute facts). Missing vCPU counts are estimated from the size name and flagged.

usage: scripts/build_catalog.py SOURCE_CSV OUT_DIR
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eksadvisor.catalog import CATALOG_FILE, META_FILE, InstanceType, catalog_to_csv, fill_vcpu_estimates

SNAPSHOT = "2026-08-20"  # amazon-vpc-cni-k8s b52188387f2e, the limits every max-pods figure uses
SOURCES = [
    "aws/amazon-vpc-cni-k8s b52188387f2e (2026-08-20) pkg/vpc/vpc_ip_resource_limit.go: hypervisor, bare metal, ENIs, IPv4 per ENI, network cards",
    "aws/amazon-vpc-resource-controller-k8s b8d425119bdb (2026-04-23) pkg/aws/vpc/limits.go: trunking, branch ENIs",
    "kubernetes/autoscaler 55c37cd5eb55 (2026-08-22) cluster-autoscaler/cloudprovider/aws/ec2_instance_types.go: vCPUs, memory, GPUs, architecture",
    "vCPUs estimated from the size name where the sources lack them (vcpus_estimated=true)",
]


def convert(row: dict[str, str]) -> InstanceType:
    def opt_int(v: str) -> int | None:
        return int(v) if v.strip() else None

    def opt_bool(v: str) -> bool | None:
        return {"true": True, "false": False}.get(v.strip().lower())

    return InstanceType(
        instance_type=row["instance_type"],
        hypervisor=row["hypervisor"] or "unknown",
        bare_metal=row["bare_metal"] == "true",
        # max_enis and default_card_max_enis agree for every row; the calculator reads the card's.
        max_enis=int(row["default_card_max_enis"] or row["max_enis"]),
        ipv4_per_eni=int(row["ipv4_per_eni"]),
        default_network_card_index=int(row["default_network_card_index"] or 0),
        network_cards=int(row["network_cards"] or 1),
        trunking_compatible=opt_bool(row["trunking_compatible"]),
        branch_enis=opt_int(row["branch_enis"]),
        vcpus=opt_int(row["vcpus"]),
        vcpus_estimated=False,
        memory_mib=opt_int(row["memory_mib"]),
        gpus=opt_int(row["gpus"]),
        architecture=row["architecture"] or None,
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, out_dir = Path(argv[0]), Path(argv[1])
    with src.open(newline="", encoding="utf-8") as fh:
        types = [convert(r) for r in csv.DictReader(fh)]
    types = fill_vcpu_estimates(types)
    (out_dir / CATALOG_FILE).write_text(catalog_to_csv(types), encoding="utf-8")
    meta = {
        "snapshot_date": SNAPSHOT,
        "source": "eksadvisor shipped catalog (scripts/build_catalog.py)",
        "sources": SOURCES,
        "types": len(types),
        "vcpus_estimated": sum(t.vcpus_estimated for t in types),
        "vcpus_unknown": sum(t.vcpus is None for t in types),
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(types)} types ({meta['vcpus_estimated']} vCPU estimates, {meta['vcpus_unknown']} unknown) to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
