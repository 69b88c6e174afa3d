"""`eksadvisor audit collect`: write a bundle with the real `aws` and `kubectl`, or print the exact commands."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

from eksadvisor.audit.bundle import COMMANDS, RESERVATIONS_DIR
from eksadvisor.errors import InputError

_OPTIONAL = {"addon.json", "eniconfigs.json", "pods.json"}


def commands(cluster: str, region: str, vpc: str = "VPC_ID", subnets: list[str] | None = None) -> list[tuple[str, str]]:
    """(bundle file, shell command) in the order to run them; VPC_ID / SUBNET_ID are placeholders when unknown."""
    q = {"cluster": shlex.quote(cluster), "region": shlex.quote(region), "vpc": shlex.quote(vpc)}
    out = [(name, COMMANDS[name].format(**q)) for name in ("cluster.json", "addon.json", "vpcs.json", "subnets.json",
                                                           "network-interfaces.json")]
    for sid in subnets or ["SUBNET_ID"]:
        out.append((f"{RESERVATIONS_DIR}/{sid}.json", COMMANDS[RESERVATIONS_DIR].format(subnet=shlex.quote(sid), **q)))
    out += [(name, COMMANDS[name]) for name in ("aws-node.json", "nodes.json", "eniconfigs.json", "pods.json")]
    return out


def script(cluster: str, region: str, out_dir: str) -> str:
    d = shlex.quote(out_dir)
    lines = [f"# aws and/or kubectl are not installed here; run these where they are, then `eksadvisor audit {d}`.",
             f"mkdir -p {d}/{RESERVATIONS_DIR}"]
    for name, cmd in commands(cluster, region, "\"$VPC\""):
        if name == "vpcs.json":
            lines.append(f"VPC=$(aws eks describe-cluster --name {shlex.quote(cluster)} --region {shlex.quote(region)} "
                         "--query cluster.resourcesVpcConfig.vpcId --output text)")
        if name.startswith(RESERVATIONS_DIR):
            lines.append(f"for S in $(aws ec2 describe-subnets --filters Name=vpc-id,Values=\"$VPC\" --region "
                         f"{shlex.quote(region)} --query 'Subnets[].SubnetId' --output text); do")
            lines.append(f"  aws ec2 get-subnet-cidr-reservations --subnet-id \"$S\" --region {shlex.quote(region)} "
                         f"--output json > {d}/{RESERVATIONS_DIR}/\"$S\".json")
            lines.append("done")
            continue
        suffix = "  # optional" if name in _OPTIONAL else ""
        lines.append(f"{cmd.replace(chr(39) + chr(34) + '$VPC' + chr(34) + chr(39), chr(34) + '$VPC' + chr(34))} "
                     f"> {d}/{name}{suffix}")
    return "\n".join(lines) + "\n"


def _run(argv: list[str]) -> tuple[int, bytes, str]:
    try:
        p = subprocess.run(argv, capture_output=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, b"", str(exc)
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    return p.returncode, p.stdout, err[-1] if err else ""


def collect(cluster: str, region: str, out_dir: str) -> str:
    """Run the commands when `aws` and `kubectl` are installed (returns a summary), else return the script."""
    if not shutil.which("aws") or not shutil.which("kubectl"):
        return script(cluster, region, out_dir)
    root = Path(out_dir)
    (root / RESERVATIONS_DIR).mkdir(parents=True, exist_ok=True)
    done, skipped = [], []
    rc, out, err = _run(shlex.split(COMMANDS["cluster.json"].format(cluster=shlex.quote(cluster), region=shlex.quote(region),
                                                                   vpc="x")))
    if rc != 0:
        raise InputError(f"--cluster: `aws eks describe-cluster` failed ({err}).", field="--cluster")
    (root / "cluster.json").write_bytes(out)
    vpc = json.loads(out)["cluster"]["resourcesVpcConfig"]["vpcId"]
    done.append("cluster.json")
    subnet_ids: list[str] = []
    for name, cmd in commands(cluster, region, vpc)[1:]:
        if name.startswith(RESERVATIONS_DIR):
            continue
        rc, out, err = _run(shlex.split(cmd))
        if rc != 0:
            if name in _OPTIONAL:
                skipped.append(f"{name} ({err})")
                continue
            raise InputError(f"{name}: `{cmd}` failed ({err}).", field=name)
        (root / name).write_bytes(out)
        done.append(name)
        if name == "subnets.json":
            subnet_ids = [s["SubnetId"] for s in json.loads(out)["Subnets"]]
    for sid in subnet_ids:
        cmd = COMMANDS[RESERVATIONS_DIR].format(subnet=shlex.quote(sid), region=shlex.quote(region), cluster="", vpc="")
        rc, out, err = _run(shlex.split(cmd))
        if rc == 0:
            (root / RESERVATIONS_DIR / f"{sid}.json").write_bytes(out)
    return (f"wrote {len(done)} files and {len(subnet_ids)} reservation files to {root}/"
            + (f"; skipped {', '.join(skipped)}" if skipped else "") + f"\nnext: eksadvisor audit {shlex.quote(out_dir)}\n")


__all__ = ["collect", "commands", "script"]
