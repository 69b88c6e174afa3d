"""An audit bundle: the JSON that standard `aws` and `kubectl` commands print, read strictly.

File names and the commands that write them (``eksadvisor audit collect`` runs them):

===============================================  ==================================================================
``cluster.json``                                 ``aws eks describe-cluster --name N``
``addon.json`` (optional)                        ``aws eks describe-addon --cluster-name N --addon-name vpc-cni``
``vpcs.json``                                    ``aws ec2 describe-vpcs --vpc-ids V``
``subnets.json``                                 ``aws ec2 describe-subnets --filters Name=vpc-id,Values=V``
``network-interfaces.json``                      ``aws ec2 describe-network-interfaces --filters Name=vpc-id,Values=V``
``subnet-cidr-reservations/<id>.json`` (opt.)    ``aws ec2 get-subnet-cidr-reservations --subnet-id S``
``aws-node.json``                                ``kubectl get daemonset aws-node -n kube-system -o json``
``nodes.json``                                   ``kubectl get nodes -o json``
``eniconfigs.json`` (optional)                   ``kubectl get eniconfigs.crd.k8s.amazonaws.com -o json``
``pods.json`` (optional)                         ``kubectl get pods -A -o json``
===============================================  ==================================================================

Every problem is one :class:`~eksadvisor.errors.InputError` sentence naming the file (exit 2 on the CLI).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eksadvisor.errors import InputError

#: One bundle file may hold at most this many bytes (a 1,000-node cluster's ENIs are about 10 MB).
MAX_FILE_BYTES = 128 * 1024 * 1024
#: A zipped bundle (app upload): compressed size, total uncompressed size, and member count caps.
MAX_ZIP_BYTES = 64 * 1024 * 1024
MAX_ZIP_TOTAL = 256 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000

SUBNET_ID = re.compile(r"subnet-[0-9a-f]{8,17}")
REQUIRED = ("cluster.json", "vpcs.json", "subnets.json", "network-interfaces.json", "aws-node.json", "nodes.json")
OPTIONAL = ("addon.json", "eniconfigs.json", "pods.json")
RESERVATIONS_DIR = "subnet-cidr-reservations"

#: What the audit cannot say when an optional file is absent (shown in the result's ``limitations``).
ABSENCE = {
    "addon.json": "no addon.json: the VPC CNI is taken to be self-managed (no EKS add-on), so add-on configurationValues "
                  "and the add-on's IAM role are unknown",
    "eniconfigs.json": "no eniconfigs.json: with custom networking on, the ENIConfig of each AZ cannot be checked and pod "
                       "subnets are not identified",
    "pods.json": "no pods.json: pods per node are unknown, so each node is assumed full (its max-pods less the two "
                 "host-network pods aws-node and kube-proxy) for the warm-pool model",
    RESERVATIONS_DIR: "no subnet-cidr-reservations/: explicit and prefix reservations are unknown, so free addresses and "
                      "free /28 blocks may be over-counted",
}

COMMANDS = {
    "cluster.json": "aws eks describe-cluster --name {cluster} --region {region} --output json",
    "addon.json": "aws eks describe-addon --cluster-name {cluster} --addon-name vpc-cni --region {region} --output json",
    "vpcs.json": "aws ec2 describe-vpcs --vpc-ids {vpc} --region {region} --output json",
    "subnets.json": "aws ec2 describe-subnets --filters Name=vpc-id,Values={vpc} --region {region} --output json",
    "network-interfaces.json": "aws ec2 describe-network-interfaces --filters Name=vpc-id,Values={vpc} --region {region} --output json",
    RESERVATIONS_DIR: "aws ec2 get-subnet-cidr-reservations --subnet-id {subnet} --region {region} --output json",
    "aws-node.json": "kubectl get daemonset aws-node -n kube-system -o json",
    "nodes.json": "kubectl get nodes -o json",
    "eniconfigs.json": "kubectl get eniconfigs.crd.k8s.amazonaws.com -o json",
    "pods.json": "kubectl get pods -A -o json",
}


@dataclass
class Bundle:
    """The parsed documents of one bundle (plain JSON data, shapes checked)."""

    cluster: dict[str, Any]
    vpcs: list[dict[str, Any]]
    subnets: list[dict[str, Any]]
    enis: list[dict[str, Any]]
    aws_node: dict[str, Any]
    nodes: list[dict[str, Any]]
    addon: dict[str, Any] | None = None
    eniconfigs: list[dict[str, Any]] | None = None
    pods: list[dict[str, Any]] | None = None
    reservations: dict[str, list[dict[str, Any]]] | None = None  # subnet id -> SubnetIpv4CidrReservations
    origin: str = "bundle"
    addon_unknown: bool = False  # live mode where describe_addon could not answer: managed add-on unknown
    region: str = ""
    notes: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)

    @property
    def vpc_id(self) -> str:
        return str(self.cluster["resourcesVpcConfig"]["vpcId"])


# ------------------------------------------------------------------------------------------ shapes
def _fail(name: str, problem: str) -> InputError:
    return InputError(f"{name}: {problem}", field=name)


def _describe(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number",
            bool: "true/false", type(None): "null"}.get(type(value), type(value).__name__)


def _obj(doc: Any, key: str, name: str, where: str = "the top level") -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise _fail(name, f"expected a JSON object at {where}, got {_describe(doc)}.")
    value = doc.get(key)
    if not isinstance(value, dict):
        raise _fail(name, f"expected an object {key!r} at {where} (the output of `{COMMANDS.get(name, name)}`), "
                          f"got {_describe(value)}.")
    return value


def _list(doc: Any, key: str, name: str) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        raise _fail(name, f"expected a JSON object with a list {key!r} (the output of `{COMMANDS.get(name, name)}`), "
                          f"got {_describe(doc)}.")
    value = doc.get(key)
    if not isinstance(value, list):
        raise _fail(name, f"expected a list {key!r} (the output of `{COMMANDS.get(name, name)}`), got {_describe(value)}.")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise _fail(name, f"{key}[{i}] is {_describe(item)}, not an object.")
    return value


def _str(item: dict[str, Any], key: str, name: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise _fail(name, f"{where}.{key} is missing or not a string.")
    return value


def parse_json(raw: bytes, name: str) -> Any:
    """One bundle file parsed as JSON; too big, not UTF-8 or not JSON is an InputError naming the file."""
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(name, f"is over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit for one bundle file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(name, f"is not UTF-8 text (byte {exc.start}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(name, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from None
    except RecursionError:
        raise _fail(name, "nests too deeply to be command output.") from None


def _cluster(docs: dict[str, Any]) -> dict[str, Any]:
    cluster = _obj(docs["cluster.json"], "cluster", "cluster.json")
    rvc = cluster.get("resourcesVpcConfig")
    if not isinstance(rvc, dict) or not isinstance(rvc.get("vpcId"), str) or not rvc.get("vpcId"):
        raise _fail("cluster.json", "cluster.resourcesVpcConfig.vpcId is missing; is this `aws eks describe-cluster` output?")
    _str(cluster, "name", "cluster.json", "cluster")
    return cluster


def _vpcs(docs: dict[str, Any], vpc_id: str) -> list[dict[str, Any]]:
    """The cluster's VPC (vpcs.json must describe it)."""
    vpcs = _list(docs["vpcs.json"], "Vpcs", "vpcs.json")
    match = [v for v in vpcs if v.get("VpcId") == vpc_id]
    if not match:
        found = ", ".join(sorted(str(v.get("VpcId")) for v in vpcs)) or "none"
        raise _fail("vpcs.json", f"does not describe the cluster's VPC {vpc_id} (found: {found}); it belongs to another VPC.")
    for i, v in enumerate(match):
        _str(v, "CidrBlock", "vpcs.json", f"Vpcs[{i}]")
    return match


def _subnets(docs: dict[str, Any], vpc_id: str) -> list[dict[str, Any]]:
    """The VPC's subnets, each once, none of another VPC."""
    subnets = _list(docs["subnets.json"], "Subnets", "subnets.json")
    if not subnets:
        raise _fail("subnets.json", f"lists no subnets; run it with the filter Name=vpc-id,Values={vpc_id}.")
    seen: set[str] = set()
    for i, s in enumerate(subnets):
        where = f"Subnets[{i}]"
        sid = _str(s, "SubnetId", "subnets.json", where)
        for key in ("CidrBlock", "AvailabilityZone", "VpcId"):
            _str(s, key, "subnets.json", where)
        if s["VpcId"] != vpc_id:
            raise _fail("subnets.json", f"{sid} is in {s['VpcId']}, not the cluster's VPC {vpc_id}; the bundle mixes VPCs.")
        if sid in seen:
            raise _fail("subnets.json", f"{sid} is listed twice.")
        seen.add(sid)
    return subnets


def _enis(docs: dict[str, Any], vpc_id: str, subnet_ids: set[str]) -> list[dict[str, Any]]:
    """The VPC's network interfaces, each in a listed subnet."""
    enis = _list(docs["network-interfaces.json"], "NetworkInterfaces", "network-interfaces.json")
    for i, e in enumerate(enis):
        where = f"NetworkInterfaces[{i}]"
        _str(e, "NetworkInterfaceId", "network-interfaces.json", where)
        sid = _str(e, "SubnetId", "network-interfaces.json", where)
        if e.get("VpcId") not in (None, vpc_id):
            raise _fail("network-interfaces.json", f"{e['NetworkInterfaceId']} is in {e['VpcId']}, not the cluster's VPC "
                                                   f"{vpc_id}; the bundle mixes VPCs.")
        if sid not in subnet_ids:
            raise _fail("network-interfaces.json", f"{e['NetworkInterfaceId']} is in subnet {sid}, which subnets.json does "
                                                   "not list.")
        for key in ("PrivateIpAddresses", "Ipv4Prefixes"):
            if not isinstance(e.get(key, []), list):
                raise _fail("network-interfaces.json", f"{where}.{key} is {_describe(e.get(key))}, not a list.")
    return enis


def _aws_node(docs: dict[str, Any]) -> dict[str, Any]:
    aws_node = docs["aws-node.json"]
    if not isinstance(aws_node, dict) or aws_node.get("kind") != "DaemonSet":
        raise _fail("aws-node.json", "is not a DaemonSet; create it with "
                                     f"`{COMMANDS['aws-node.json']}`.")
    containers = ((aws_node.get("spec") or {}).get("template") or {}).get("spec", {}).get("containers")
    if not isinstance(containers, list) or not any(isinstance(c, dict) and c.get("name") == "aws-node" for c in containers):
        raise _fail("aws-node.json", "spec.template.spec.containers has no container named aws-node.")
    return aws_node


def _nodes(docs: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = _list(docs["nodes.json"], "items", "nodes.json")
    for i, n in enumerate(nodes):
        meta = n.get("metadata")
        if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
            raise _fail("nodes.json", f"items[{i}].metadata.name is missing; is this `kubectl get nodes -o json` output?")
    return nodes


def _addon(docs: dict[str, Any], cluster_name: str) -> dict[str, Any] | None:
    """The vpc-cni add-on of this cluster (None: addon.json absent, a self-managed CNI)."""
    if "addon.json" not in docs:
        return None
    addon = _obj(docs["addon.json"], "addon", "addon.json")
    if addon.get("addonName") not in (None, "vpc-cni"):
        raise _fail("addon.json", f"describes the add-on {addon.get('addonName')!r}, not vpc-cni.")
    if addon.get("clusterName") not in (None, cluster_name):
        raise _fail("addon.json", f"belongs to cluster {addon.get('clusterName')!r}, not {cluster_name!r}.")
    return addon


def _reservations(reservations: dict[str, Any], vpc_id: str, subnet_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Subnet id -> its CIDR reservations, each subnet one of the VPC's."""
    resv: dict[str, list[dict[str, Any]]] = {}
    for sid, doc in sorted(reservations.items()):
        name = f"{RESERVATIONS_DIR}/{sid}.json"
        if sid not in subnet_ids:
            raise _fail(name, f"{sid} is not a subnet of the cluster's VPC {vpc_id} (subnets.json does not list it).")
        items = _list(doc, "SubnetIpv4CidrReservations", name)
        for i, r in enumerate(items):
            _str(r, "Cidr", name, f"SubnetIpv4CidrReservations[{i}]")
            if r.get("ReservationType") not in ("prefix", "explicit"):
                raise _fail(name, f"SubnetIpv4CidrReservations[{i}].ReservationType must be prefix or explicit.")
            if r.get("SubnetId") not in (None, sid):
                raise _fail(name, f"SubnetIpv4CidrReservations[{i}] belongs to {r.get('SubnetId')}, not {sid}.")
        resv[sid] = items
    return resv


def from_documents(docs: dict[str, Any], reservations: dict[str, Any] | None = None, *,
                   origin: str = "bundle") -> Bundle:
    """Check the shapes of parsed documents (keyed by bundle file name) and that everything is one VPC's."""
    for name in REQUIRED:
        if name not in docs:
            raise _fail(name, f"is missing from the bundle; create it with `{COMMANDS[name]}`.")
    cluster = _cluster(docs)
    vpc_id = cluster["resourcesVpcConfig"]["vpcId"]
    vpcs = _vpcs(docs, vpc_id)
    subnets = _subnets(docs, vpc_id)
    subnet_ids = {s["SubnetId"] for s in subnets}
    enis = _enis(docs, vpc_id, subnet_ids)
    aws_node = _aws_node(docs)
    nodes = _nodes(docs)
    addon = _addon(docs, cluster["name"])
    eniconfigs = _list(docs["eniconfigs.json"], "items", "eniconfigs.json") if "eniconfigs.json" in docs else None
    pods = _list(docs["pods.json"], "items", "pods.json") if "pods.json" in docs else None
    resv = _reservations(reservations, vpc_id, subnet_ids) if reservations is not None else None
    absent = [n for n in OPTIONAL if n not in docs] + ([RESERVATIONS_DIR] if reservations is None else [])
    return Bundle(cluster=cluster, vpcs=vpcs, subnets=subnets, enis=enis, aws_node=aws_node, nodes=nodes, addon=addon,
                  eniconfigs=eniconfigs, pods=pods, reservations=resv, origin=origin, absent=sorted(absent))


# ----------------------------------------------------------------------------------------- sources
def read_file(path: Path, name: str) -> bytes:
    """One bundle file's bytes, size-capped, with read errors as InputError naming the file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(name, f"is {size:,} bytes, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit for one bundle file.")
        with path.open("rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _fail(name, f"cannot be read ({exc.strerror or exc}).") from None


def read_bundle(directory: str | Path) -> Bundle:
    """Read and check a bundle folder."""
    root = Path(directory)
    if not root.exists():
        raise InputError(f"DIR: {str(root)!r} does not exist.", field="DIR")
    if not root.is_dir():
        raise InputError(f"DIR: {str(root)!r} is not a folder; a bundle is a folder of JSON files (or use a zip in the app).",
                         field="DIR")
    docs: dict[str, Any] = {}
    for name in (*REQUIRED, *OPTIONAL):
        p = root / name
        if p.is_file():
            docs[name] = parse_json(read_file(p, name), name)
    reservations = None
    rdir = root / RESERVATIONS_DIR
    if rdir.is_dir():
        reservations = {}
        for p in sorted(rdir.glob("*.json")):
            name = f"{RESERVATIONS_DIR}/{p.name}"
            if not SUBNET_ID.fullmatch(p.stem):
                raise _fail(name, "is not named after a subnet id (subnet-....json).")
            reservations[p.stem] = parse_json(read_file(p, name), name)
    return from_documents(docs, reservations, origin=f"bundle {root.name}")


def read_zip(data: bytes) -> Bundle:
    """A bundle uploaded as a zip: size-capped, member count capped, sizes checked while reading (zip-bomb safe)."""
    name = "bundle.zip"
    if len(data) > MAX_ZIP_BYTES:
        raise _fail(name, f"is {len(data):,} bytes, over the {MAX_ZIP_BYTES // (1024 * 1024)} MiB upload limit.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise _fail(name, "is not a zip file.") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_MEMBERS:
            raise _fail(name, f"holds {len(infos)} files, more than the {MAX_ZIP_MEMBERS} a bundle can have.")
        # a common top folder (zip of the bundle folder) is allowed
        names = [i.filename.replace("\\", "/") for i in infos]
        tops = {n.split("/", 1)[0] for n in names if "/" in n}
        prefix = ""
        if names and all("/" in n for n in names) and len(tops) == 1:
            prefix = next(iter(tops)) + "/"
        docs: dict[str, Any] = {}
        reservations: dict[str, Any] | None = None
        total = 0
        for info, full in zip(infos, names, strict=True):
            rel = full[len(prefix):]
            if rel in (*REQUIRED, *OPTIONAL) or (rel.startswith(RESERVATIONS_DIR + "/") and rel.endswith(".json") and rel.count("/") == 1):
                key = rel
            else:
                continue  # anything else in the zip is ignored
            if info.file_size > MAX_FILE_BYTES:
                raise _fail(rel, f"is {info.file_size:,} bytes unpacked, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit.")
            try:
                with zf.open(info) as fh:
                    raw = fh.read(MAX_FILE_BYTES + 1)  # the header's size may lie: never read more than the cap
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError) as exc:
                raise _fail(rel, f"cannot be unpacked ({exc}).") from None
            total += len(raw)
            if total > MAX_ZIP_TOTAL:
                raise _fail(name, f"unpacks to more than {MAX_ZIP_TOTAL // (1024 * 1024)} MiB.")
            doc = parse_json(raw, rel)
            if key.startswith(RESERVATIONS_DIR + "/"):
                stem = key.split("/", 1)[1][:-5]
                if not SUBNET_ID.fullmatch(stem):
                    raise _fail(rel, "is not named after a subnet id (subnet-....json).")
                reservations = reservations or {}
                reservations[stem] = doc
            else:
                docs[key] = doc
    return from_documents(docs, reservations, origin="uploaded bundle")


__all__ = [
    "ABSENCE",
    "COMMANDS",
    "MAX_FILE_BYTES",
    "MAX_ZIP_BYTES",
    "OPTIONAL",
    "REQUIRED",
    "RESERVATIONS_DIR",
    "Bundle",
    "from_documents",
    "parse_json",
    "read_bundle",
    "read_file",
    "read_zip",
]
