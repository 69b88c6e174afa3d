"""Realistic audit bundles, generated in the documented output shapes of the AWS CLI and kubectl.

Shapes follow the AWS CLI JSON output of describe-cluster / describe-addon (EKS API Cluster, Addon),
describe-vpcs / describe-subnets / describe-network-interfaces / get-subnet-cidr-reservations (EC2 API), and
`kubectl get ... -o json` (a v1 List of Node / Pod objects, an apps/v1 DaemonSet). Addresses are handed out by a
small allocator per subnet, so every address in the bundle is really inside its subnet and unique.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"


@dataclass
class SubnetSpec:
    id: str
    cidr: str
    az: str
    public: bool = False
    cluster: bool = False
    ipv6: str | None = None
    fragment_every: int = 0  # occupy one address in every Nth /28 (1 = every block): a fragmented subnet
    filler: int = 0  # extra in-use addresses (other ENIs: load balancers, Lambda, ...) from the start
    reservations: list[tuple[str, str]] = field(default_factory=list)  # (cidr, prefix|explicit)


@dataclass
class GroupSpec:
    name: str
    instance_type: str
    nodes_per_az: dict[str, int]  # az -> nodes
    pods_per_node: int = 10
    capacity: int | None = None  # kubelet capacity.pods (default: the running mode's calculator value)
    os: str = "linux"
    label: str = "eks.amazonaws.com/nodegroup"  # or karpenter.sh/nodepool, alpha.eksctl.io/nodegroup-name, "" (none)
    secondary_per_node: int | None = None  # secondary IPs per node (default: pods + warm ENI's worth)
    prefixes_per_node: int = 1
    eniconfig_label: str | None = None  # value of the ENIConfig label on each node (custom networking)
    extra_card_eni: bool = False  # multi-card type: an ENI on network card 1 too
    subnets: dict[str, str] | None = None  # az -> node subnet id (default: the AZ's first private subnet)


@dataclass
class ClusterSpec:
    name: str = "prod-east"
    region: str = "us-east-1"
    vpc_id: str = "vpc-0a1b2c3d4e5f60718"
    vpc_cidr: str = "10.0.0.0/16"
    secondary_cidrs: list[str] = field(default_factory=list)
    subnets: list[SubnetSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # aws-node DaemonSet env
    init_env: dict[str, str] = field(default_factory=dict)
    addon: dict[str, Any] | None = field(default_factory=lambda: {"serviceAccountRoleArn":
                                                                  f"arn:aws:iam::{ACCOUNT}:role/AmazonEKSVPCCNIRole"})
    addon_env: dict[str, str] = field(default_factory=dict)  # configurationValues env
    eniconfigs: dict[str, str] | None = None  # ENIConfig name -> subnet id
    cni_version: str = "v1.19.2-eksbuild.1"
    ip_family: str = "ipv4"
    with_pods: bool = True
    with_reservations: bool = True
    public_endpoint: bool = True
    private_endpoint: bool = True


class _Alloc:
    def __init__(self, cidr: str) -> None:
        self.net = IPv4Network(cidr)
        self.base = int(self.net.network_address)
        self.last = int(self.net.broadcast_address)
        self.used: set[int] = set()
        self.blocked: set[int] = set()  # explicit reservations
        self.prefix_only: set[int] = set()  # prefix reservations: secondary IPs never come from here
        self.next = self.base + 4

    def ip(self) -> str:
        v = self.next
        while v in self.used or v in self.blocked or v in self.prefix_only:
            v += 1
        if v >= self.last:
            raise ValueError(f"{self.net} is full")
        self.used.add(v)
        self.next = v + 1
        return str(IPv4Address(v))

    def prefix(self) -> str:
        for start in range(self.base + 16, self.last - 15, 16):
            if not any(a in self.used or a in self.blocked for a in range(start, start + 16)):
                self.used.update(range(start, start + 16))
                return f"{IPv4Address(start)}/28"
        raise ValueError(f"{self.net} has no free /28")


def _tags(d: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(d.items())]


def build(spec: ClusterSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """(documents by bundle file name, reservations by subnet id)."""
    from eksadvisor.catalog import load_catalog
    from eksadvisor.model.maxpods import compute, windows_max_pods

    catalog = load_catalog()
    env = {**spec.env}
    prefix = env.get("ENABLE_PREFIX_DELEGATION", spec.addon_env.get("ENABLE_PREFIX_DELEGATION", "false")) == "true"
    custom = env.get("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG",
                     spec.addon_env.get("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "false")) == "true"
    alloc = {s.id: _Alloc(s.cidr) for s in spec.subnets}
    enis: list[dict[str, Any]] = []
    resv: dict[str, Any] = {}
    n_eni = 0

    def eni(subnet: str, ips: list[str], prefixes: list[str] = (), instance: str | None = None, device: int = 0,
            card: int = 0, description: str = "", itype: str = "interface") -> None:
        nonlocal n_eni
        n_eni += 1
        s = next(x for x in spec.subnets if x.id == subnet)
        doc: dict[str, Any] = {
            "AvailabilityZone": s.az, "Description": description, "Groups": [{"GroupName": "eks-node", "GroupId": "sg-0123456789abcdef0"}],
            "InterfaceType": itype, "MacAddress": f"0e:00:{n_eni // 65536 % 256:02x}:{n_eni // 256 % 256:02x}:{n_eni % 256:02x}:01",
            "NetworkInterfaceId": f"eni-{n_eni:017x}", "OwnerId": ACCOUNT, "PrivateIpAddress": ips[0],
            "PrivateIpAddresses": [{"Primary": i == 0, "PrivateIpAddress": ip} for i, ip in enumerate(ips)],
            "Ipv6Addresses": [], "RequesterManaged": False, "SourceDestCheck": True, "Status": "in-use" if instance else "available",
            "SubnetId": subnet, "TagSet": [], "VpcId": spec.vpc_id,
        }
        if prefixes:
            doc["Ipv4Prefixes"] = [{"Ipv4Prefix": p} for p in prefixes]
        if instance:
            doc["Attachment"] = {"AttachmentId": f"eni-attach-{n_eni:017x}", "DeleteOnTermination": True, "DeviceIndex": device,
                                 "NetworkCardIndex": card, "InstanceId": instance, "InstanceOwnerId": ACCOUNT, "Status": "attached"}
        enis.append(doc)

    # reservations first (they shape what the allocator may hand out)
    for s in spec.subnets:
        items = []
        for cidr, rtype in s.reservations:
            net = IPv4Network(cidr)
            rng = range(int(net.network_address), int(net.broadcast_address) + 1)
            (alloc[s.id].blocked if rtype == "explicit" else alloc[s.id].prefix_only).update(rng)
            items.append({"SubnetCidrReservationId": f"scr-{len(items) + 1:017x}", "SubnetId": s.id, "Cidr": cidr,
                          "ReservationType": rtype, "OwnerId": ACCOUNT, "Tags": []})
        resv[s.id] = {"SubnetIpv4CidrReservations": items, "SubnetIpv6CidrReservations": []}
    # cluster ENIs (EKS cross-account ENIs) and fillers
    for s in spec.subnets:
        if s.cluster:
            eni(s.id, [alloc[s.id].ip()], description=f"Amazon EKS {spec.name}")
        if s.filler:
            eni(s.id, [alloc[s.id].ip() for _ in range(s.filler)], description="ELB app/k8s-ingress")
    nodes: list[dict[str, Any]] = []
    pods: list[dict[str, Any]] = []
    n_inst = 0
    by_az_subnet = {}
    for s in spec.subnets:
        if not s.public and not s.cluster and (spec.eniconfigs is None or s.id not in spec.eniconfigs.values()):
            by_az_subnet.setdefault(s.az, s.id)
    for g in spec.groups:
        it = catalog.get(g.instance_type)
        if g.os == "windows":
            cap = windows_max_pods(it)
        else:
            cap = compute(it, spec.cni_version, prefix_delegation=prefix, custom_networking=custom).recommended_max_pods
        cap = g.capacity if g.capacity is not None else cap
        for az, count in sorted(g.nodes_per_az.items()):
            node_subnet = (g.subnets or {}).get(az) or by_az_subnet[az]
            for _k in range(count):
                n_inst += 1
                iid = f"i-{n_inst:017x}"
                a = alloc[node_subnet]
                primary = a.ip()
                pod_subnet = None
                if custom and g.os == "linux" and spec.eniconfigs:
                    pod_subnet = spec.eniconfigs.get(g.eniconfig_label or az)
                if g.os == "windows":
                    eni(node_subnet, [primary] + [a.ip() for _ in range(g.pods_per_node + 3)], instance=iid,
                        description="")
                elif prefix and spec.ip_family == "ipv4":
                    tgt = alloc[pod_subnet] if pod_subnet else a
                    if pod_subnet:
                        eni(node_subnet, [primary], instance=iid)
                        eni(pod_subnet, [tgt.ip()], [tgt.prefix() for _ in range(g.prefixes_per_node)], instance=iid, device=1,
                            description="aws-K8S-" + iid)
                    else:
                        eni(node_subnet, [primary], [a.prefix() for _ in range(g.prefixes_per_node)], instance=iid)
                elif spec.ip_family == "ipv6":
                    eni(node_subnet, [primary], instance=iid)
                else:
                    sec = g.secondary_per_node if g.secondary_per_node is not None else g.pods_per_node + 3
                    if pod_subnet:
                        eni(node_subnet, [primary], instance=iid)
                        p = alloc[pod_subnet]
                        eni(pod_subnet, [p.ip()] + [p.ip() for _ in range(sec)], instance=iid, device=1,
                            description="aws-K8S-" + iid)
                    else:
                        first = min(sec, it.ipv4_per_eni - 1)
                        eni(node_subnet, [primary] + [a.ip() for _ in range(first)], instance=iid)
                        rest, dev = sec - first, 1
                        while rest > 0:
                            take = min(rest, it.ipv4_per_eni - 1)
                            eni(node_subnet, [a.ip()] + [a.ip() for _ in range(take)], instance=iid, device=dev,
                                description="aws-K8S-" + iid)
                            rest -= take
                            dev += 1
                if g.extra_card_eni:
                    eni(node_subnet, [a.ip()], instance=iid, device=0, card=1, description="aws-K8S-" + iid)
                name = f"ip-{primary.replace('.', '-')}.ec2.internal"
                labels = {"kubernetes.io/os": g.os, "kubernetes.io/arch": "amd64", "node.kubernetes.io/instance-type": it.instance_type,
                          "topology.kubernetes.io/zone": az, "topology.kubernetes.io/region": spec.region}
                if g.label:
                    labels[g.label] = g.name
                if g.eniconfig_label is not None:
                    labels["k8s.amazonaws.com/eniConfig"] = g.eniconfig_label
                nodes.append({"apiVersion": "v1", "kind": "Node",
                              "metadata": {"name": name, "labels": labels, "annotations": {}},
                              "spec": {"providerID": f"aws:///{az}/{iid}"},
                              "status": {"capacity": {"cpu": str(it.vcpus or 2), "pods": str(cap)},
                                         "addresses": [{"type": "InternalIP", "address": primary},
                                                       {"type": "Hostname", "address": name}]}})
                for p in range(g.pods_per_node):
                    pods.append({"apiVersion": "v1", "kind": "Pod",
                                 "metadata": {"name": f"app-{n_inst}-{p}", "namespace": "default"},
                                 "spec": {"nodeName": name}, "status": {"phase": "Running"}})
                pods.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"aws-node-{n_inst}", "namespace": "kube-system"},
                             "spec": {"nodeName": name, "hostNetwork": True}, "status": {"phase": "Running"}})
    for s in spec.subnets:  # ENIs created later (Lambda, endpoints) land in the gaps: one address in many /28s
        if s.fragment_every:
            a = alloc[s.id]
            frag = []
            for start in range(a.base + 16, a.last - 15, 16 * s.fragment_every):
                v = start + 7
                if v not in a.used and v not in a.blocked and v not in a.prefix_only:
                    a.used.add(v)
                    frag.append(str(IPv4Address(v)))
            for i in range(0, len(frag), 50):
                eni(s.id, frag[i:i + 50], description="AWS Lambda VPC ENI")
    subnets_doc = []
    for s in spec.subnets:
        a = alloc[s.id]
        usable = a.net.num_addresses - 5
        avail = usable - len([v for v in a.used if a.base + 4 <= v < a.last])
        d: dict[str, Any] = {"AvailabilityZone": s.az, "AvailabilityZoneId": s.az.replace(spec.region, "use1-az"),
                             "AvailableIpAddressCount": avail, "CidrBlock": s.cidr, "DefaultForAz": False,
                             "MapPublicIpOnLaunch": s.public, "State": "available", "SubnetId": s.id, "VpcId": spec.vpc_id,
                             "OwnerId": ACCOUNT, "Ipv6CidrBlockAssociationSet": [],
                             "Tags": _tags({"Name": s.id} | ({"kubernetes.io/role/elb": "1"} if s.public else
                                                             {"kubernetes.io/role/internal-elb": "1"}))}
        if s.ipv6:
            d["Ipv6CidrBlockAssociationSet"] = [{"AssociationId": f"subnet-cidr-assoc-{s.id[-8:]}", "Ipv6CidrBlock": s.ipv6,
                                                 "Ipv6CidrBlockState": {"State": "associated"}}]
        subnets_doc.append(d)
    assoc = [{"AssociationId": "vpc-cidr-assoc-0001", "CidrBlock": spec.vpc_cidr, "CidrBlockState": {"State": "associated"}}]
    assoc += [{"AssociationId": f"vpc-cidr-assoc-{i + 2:04d}", "CidrBlock": c, "CidrBlockState": {"State": "associated"}}
              for i, c in enumerate(spec.secondary_cidrs)]
    ds_env = [{"name": k, "value": v} for k, v in sorted({"AWS_VPC_K8S_CNI_LOGLEVEL": "DEBUG", "WARM_ENI_TARGET": "1",
                                                            "ENABLE_PREFIX_DELEGATION": "false", **env}.items())]
    ds_env.append({"name": "MY_NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}})
    docs: dict[str, Any] = {
        "cluster.json": {"cluster": {
            "name": spec.name, "arn": f"arn:aws:eks:{spec.region}:{ACCOUNT}:cluster/{spec.name}", "version": "1.31",
            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/eks-cluster", "status": "ACTIVE",
            "resourcesVpcConfig": {"subnetIds": sorted(s.id for s in spec.subnets if s.cluster), "securityGroupIds": [],
                                   "vpcId": spec.vpc_id, "endpointPublicAccess": spec.public_endpoint,
                                   "endpointPrivateAccess": spec.private_endpoint, "publicAccessCidrs": ["0.0.0.0/0"]},
            "kubernetesNetworkConfig": {"ipFamily": spec.ip_family, **({"serviceIpv4Cidr": "172.20.0.0/16"}
                                                                        if spec.ip_family == "ipv4" else
                                                                        {"serviceIpv6Cidr": "fd30:1c53:5f8a::/108"})}}},
        "vpcs.json": {"Vpcs": [{"CidrBlock": spec.vpc_cidr, "VpcId": spec.vpc_id, "State": "available", "OwnerId": ACCOUNT,
                                "CidrBlockAssociationSet": assoc, "IsDefault": False}]},
        "subnets.json": {"Subnets": subnets_doc},
        "network-interfaces.json": {"NetworkInterfaces": enis},
        "aws-node.json": {"apiVersion": "apps/v1", "kind": "DaemonSet",
                          "metadata": {"name": "aws-node", "namespace": "kube-system"},
                          "spec": {"template": {"spec": {
                              "containers": [{"name": "aws-node", "env": ds_env,
                                              "image": f"602401143452.dkr.ecr.{spec.region}.amazonaws.com/amazon-k8s-cni:{spec.cni_version}"},
                                             {"name": "aws-eks-nodeagent", "image": "x/aws-network-policy-agent:v1.1.5"}],
                              "initContainers": [{"name": "aws-vpc-cni-init", "env": [{"name": k, "value": v} for k, v in
                                                                                       sorted(spec.init_env.items())]}]}}}},
        "nodes.json": {"apiVersion": "v1", "kind": "List", "items": nodes, "metadata": {"resourceVersion": ""}},
    }
    if spec.addon is not None:
        addon = {"addonName": "vpc-cni", "clusterName": spec.name, "status": "ACTIVE", "addonVersion": spec.cni_version,
                 "addonArn": f"arn:aws:eks:{spec.region}:{ACCOUNT}:addon/{spec.name}/vpc-cni/x", **spec.addon}
        if spec.addon_env:
            addon["configurationValues"] = json.dumps({"env": spec.addon_env})
        docs["addon.json"] = {"addon": addon}
    if spec.eniconfigs is not None:
        docs["eniconfigs.json"] = {"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "crd.k8s.amazonaws.com/v1alpha1", "kind": "ENIConfig", "metadata": {"name": n},
             "spec": {"subnet": sid, "securityGroups": ["sg-0123456789abcdef0"]}} for n, sid in sorted(spec.eniconfigs.items())]}
    if spec.with_pods:
        docs["pods.json"] = {"apiVersion": "v1", "kind": "List", "items": pods}
    return docs, (resv if spec.with_reservations else None)


def write(path: Path, docs: dict[str, Any], reservations: dict[str, Any] | None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, doc in docs.items():
        (path / name).write_text(json.dumps(doc, indent=1))
    if reservations is not None:
        (path / "subnet-cidr-reservations").mkdir(exist_ok=True)
        for sid, doc in reservations.items():
            (path / "subnet-cidr-reservations" / f"{sid}.json").write_text(json.dumps(doc))
    return path


def three_az(**kw: Any) -> ClusterSpec:
    """A typical cluster: 3 AZs, cluster /28s, public /24s, private /20s, one managed group of m5.large."""
    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    subnets = []
    for i, az in enumerate(azs):
        subnets.append(SubnetSpec(f"subnet-0c{i:015x}", f"10.0.0.{16 * i}/28", az, cluster=True))
        subnets.append(SubnetSpec(f"subnet-0b{i:015x}", f"10.0.{10 + i}.0/24", az, public=True))
        subnets.append(SubnetSpec(f"subnet-0a{i:015x}", f"10.0.{16 * (i + 1)}.0/20", az))
    spec = ClusterSpec(subnets=subnets, groups=[GroupSpec("general", "m5.large", dict.fromkeys(azs, 2), pods_per_node=12)])
    for k, v in kw.items():
        setattr(spec, k, v)
    return spec


__all__ = ["ClusterSpec", "GroupSpec", "SubnetSpec", "build", "three_az", "write"]
