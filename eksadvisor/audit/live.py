"""Live mode: read the AWS side with boto3 (standard credential chain, paginators, adaptive retries) and the
Kubernetes side with kubectl (or from files), into the same :class:`~eksadvisor.audit.bundle.Bundle` a bundle
folder gives. boto3 is the optional extra ``eksadvisor[aws]``; ``AWS_ENDPOINT_URL`` is honoured by boto3 itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eksadvisor.audit.bundle import Bundle, from_documents, parse_json, read_file
from eksadvisor.errors import InputError

KUBE_FILES = {
    "aws-node.json": ["kubectl", "get", "daemonset", "aws-node", "-n", "kube-system", "-o", "json"],
    "nodes.json": ["kubectl", "get", "nodes", "-o", "json"],
    "eniconfigs.json": ["kubectl", "get", "eniconfigs.crd.k8s.amazonaws.com", "-o", "json"],
    "pods.json": ["kubectl", "get", "pods", "-A", "-o", "json"],
}
KUBE_OPTIONAL = {"eniconfigs.json", "pods.json"}


def _jsonable(doc: Any) -> Any:
    """boto3 responses hold datetimes and ResponseMetadata; make them plain JSON, as the AWS CLI prints them."""
    if isinstance(doc, dict):
        doc = {k: v for k, v in doc.items() if k != "ResponseMetadata"}
    return json.loads(json.dumps(doc, default=str))


def clients(region: str) -> dict[str, Any]:
    """boto3 EKS and EC2 clients with adaptive retries (boto3 is imported here: it is an optional extra)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise InputError("--aws: live mode needs boto3; install it with `pip install 'eksadvisor[aws]'`.",
                         field="--aws") from None
    cfg = Config(region_name=region, retries={"mode": "adaptive", "max_attempts": 10})
    session = boto3.session.Session(region_name=region)
    return {"eks": session.client("eks", config=cfg), "ec2": session.client("ec2", config=cfg)}


def _call(what: str, fn: Any, **kw: Any) -> Any:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        return fn(**kw)
    except NoCredentialsError:
        raise InputError(f"--aws: no AWS credentials found for {what} (standard chain: environment, profile, "
                         "instance role).", field="--aws") from None
    except ClientError as exc:
        err = exc.response.get("Error", {})
        raise InputError(f"--aws: {what} failed: {err.get('Code', '?')}: {err.get('Message', '')}".rstrip(": ") + ".",
                         field="--aws") from None
    except BotoCoreError as exc:
        raise InputError(f"--aws: {what} failed: {exc}.", field="--aws") from None


def _pages(client: Any, op: str, key: str, **kw: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def run() -> None:
        for page in client.get_paginator(op).paginate(**kw):
            out.extend(page.get(key) or [])

    _call(op, run)
    return out


@dataclass
class AwsDocuments:
    """The AWS half of a bundle, as the AWS CLI would have printed it, plus what the APIs could not tell."""

    docs: dict[str, Any]  # bundle file name -> document
    reservations: dict[str, Any]  # subnet id -> get-subnet-cidr-reservations document
    addon_unknown: bool = False  # describe_addon failed for another reason than "not found"
    notes: list[str] = field(default_factory=list)


def aws_documents(cluster: str, c: dict[str, Any]) -> AwsDocuments:
    """The AWS documents of a cluster, from the AWS APIs."""
    from botocore.exceptions import ClientError

    eks, ec2 = c["eks"], c["ec2"]
    notes: list[str] = []
    docs: dict[str, Any] = {"cluster.json": _jsonable(_call("eks describe-cluster", eks.describe_cluster, name=cluster))}
    addon_unknown = False
    try:
        docs["addon.json"] = _jsonable(eks.describe_addon(clusterName=cluster, addonName="vpc-cni"))
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code != "ResourceNotFoundException":  # not found: self-managed; anything else: unknown
            addon_unknown = True
            notes.append(f"eks describe-addon failed ({code or exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode')}): "
                         "whether the VPC CNI is a managed add-on is unknown.")
    rvc = docs["cluster.json"].get("cluster", {}).get("resourcesVpcConfig") or {}
    vpc = rvc.get("vpcId")
    if not vpc and rvc.get("subnetIds"):  # EKS always returns vpcId; moto 5.2.5 does not: ask EC2 for the subnet's VPC
        first = _call("ec2 describe-subnets", ec2.describe_subnets, SubnetIds=rvc["subnetIds"][:1])["Subnets"]
        vpc = first[0]["VpcId"] if first else None
        if vpc:
            rvc["vpcId"] = vpc
            notes.append(f"describe-cluster returned no vpcId; {vpc} is the VPC of the cluster subnet {rvc['subnetIds'][0]}.")
    if not vpc:
        raise InputError("--cluster: describe-cluster returned no resourcesVpcConfig.vpcId.", field="--cluster")
    docs["vpcs.json"] = _jsonable(_call("ec2 describe-vpcs", ec2.describe_vpcs, VpcIds=[vpc]))
    flt = [{"Name": "vpc-id", "Values": [vpc]}]
    docs["subnets.json"] = {"Subnets": _jsonable(_pages(ec2, "describe_subnets", "Subnets", Filters=flt))}
    docs["network-interfaces.json"] = {"NetworkInterfaces": _jsonable(
        _pages(ec2, "describe_network_interfaces", "NetworkInterfaces", Filters=flt))}
    reservations: dict[str, Any] = {}
    for s in docs["subnets.json"]["Subnets"]:
        sid = s["SubnetId"]
        items: list[dict[str, Any]] = []
        token = None
        while True:
            kw: dict[str, Any] = {"SubnetId": sid, **({"NextToken": token} if token else {})}
            page = _call("ec2 get-subnet-cidr-reservations", ec2.get_subnet_cidr_reservations, **kw)
            items += page.get("SubnetIpv4CidrReservations") or []
            token = page.get("NextToken")
            if not token:
                break
        reservations[sid] = {"SubnetIpv4CidrReservations": _jsonable(items)}
    return AwsDocuments(docs, reservations, addon_unknown, notes)


def kube_documents(kube_dir: str | Path | None) -> dict[str, Any]:
    """The Kubernetes half of a bundle: files from ``kube_dir``, else the output of kubectl."""
    docs: dict[str, Any] = {}
    if kube_dir is not None:
        root = Path(kube_dir)
        if not root.is_dir():
            raise InputError(f"--kube-dir: {str(root)!r} is not a folder.", field="--kube-dir")
        for name in KUBE_FILES:
            p = root / name
            if p.is_file():
                docs[name] = parse_json(read_file(p, name), name)
        return docs
    if not shutil.which("kubectl"):
        raise InputError("--kube-dir: kubectl is not installed; save "
                         + ", ".join(f"`{' '.join(a)}` as {n}" for n, a in KUBE_FILES.items())
                         + " and pass the folder with --kube-dir.", field="--kube-dir")
    for name, argv in KUBE_FILES.items():
        try:
            proc = subprocess.run(argv, capture_output=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError(f"{name}: `{' '.join(argv)}` could not run ({exc}).", field=name) from None
        if proc.returncode != 0:
            if name in KUBE_OPTIONAL:
                continue
            last = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
            raise InputError(f"{name}: `{' '.join(argv)}` failed ({last}).", field=name)
        docs[name] = parse_json(proc.stdout, name)
    return docs


def read_live(cluster: str, region: str, *, kube_dir: str | Path | None = None,
              aws_clients: dict[str, Any] | None = None) -> Bundle:
    """The bundle of a live cluster: AWS via boto3 (``aws_clients`` for tests), Kubernetes via kubectl or files."""
    c = aws_clients or clients(region)
    aws = aws_documents(cluster, c)
    docs = {**aws.docs, **kube_documents(kube_dir)}
    b = from_documents(docs, aws.reservations, origin="live AWS (boto3)")
    b.addon_unknown = aws.addon_unknown
    b.region = region
    if aws.addon_unknown:
        b.absent = sorted(set(b.absent) - {"addon.json"})
    b.notes = aws.notes
    return b


def write_bundle(cluster: str, region: str, out_dir: str | Path, *, aws_clients: dict[str, Any] | None = None) -> Path:
    """The AWS half of a bundle written as files (what `aws ... --output json` would print)."""
    c = aws_clients or clients(region)
    aws = aws_documents(cluster, c)
    root = Path(out_dir)
    (root / "subnet-cidr-reservations").mkdir(parents=True, exist_ok=True)
    for name, doc in aws.docs.items():
        (root / name).write_text(json.dumps(doc, indent=1))
    for sid, doc in aws.reservations.items():
        (root / "subnet-cidr-reservations" / f"{sid}.json").write_text(json.dumps(doc))
    return root


__all__ = ["AwsDocuments", "aws_documents", "clients", "kube_documents", "read_live", "write_bundle"]
