"""Live mode: boto3 against moto running as a real local AWS endpoint (ThreadedMotoServer on 127.0.0.1, reached
through AWS_ENDPOINT_URL), and botocore's Stubber where moto 5.2.5 lacks the API (eks describe-addon answers 404;
describe-network-interfaces returns no Ipv4Prefixes) — see docs/testing-notes.md."""

from __future__ import annotations

import json
import shutil

import boto3
import pytest
from botocore.stub import Stubber
from moto.server import ThreadedMotoServer

from eksadvisor.audit.bundle import read_bundle
from eksadvisor.audit.engine import audit_bundle
from eksadvisor.audit.live import read_live, write_bundle
from eksadvisor.errors import InputError

REGION = "us-east-1"


@pytest.fixture
def moto_endpoint(monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for k, v in {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
                 "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(k, v)
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(k, raising=False)
    yield f"http://{host}:{port}"
    server.stop()


def aws_node(env=None, image="v1.19.2-eksbuild.1"):
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "aws-node", "namespace": "kube-system"},
            "spec": {"template": {"spec": {"containers": [{
                "name": "aws-node", "image": f"602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:{image}",
                "env": [{"name": k, "value": v} for k, v in sorted((env or {"WARM_ENI_TARGET": "1"}).items())]}]}}}}


def node(iid, ip, az, itype="m5.large", capacity="29", group="general"):
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": f"ip-{ip.replace('.', '-')}.ec2.internal",
                         "labels": {"kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": itype,
                                    "topology.kubernetes.io/zone": az, "eks.amazonaws.com/nodegroup": group}},
            "spec": {"providerID": f"aws:///{az}/{iid}"},
            "status": {"capacity": {"pods": capacity}, "addresses": [{"type": "InternalIP", "address": ip}]}}


def write_kube(d, nodes, env=None):
    d.mkdir(parents=True, exist_ok=True)
    (d / "aws-node.json").write_text(json.dumps(aws_node(env)))
    (d / "nodes.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": nodes}))
    return d


def test_moto_round_trip_live_equals_bundle(moto_endpoint, tmp_path):
    ec2 = boto3.client("ec2", region_name=REGION)
    eks = boto3.client("eks", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="100.64.0.0/16")
    cl = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.0.{16 * i}/28", AvailabilityZone=az)["Subnet"]["SubnetId"]
          for i, az in enumerate(["us-east-1a", "us-east-1b"])]
    sa = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.16.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sb = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.17.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    image = ec2.describe_images()["Images"][0]["ImageId"]
    nodes, taken = [], {sa: set(), sb: set()}
    for sid, az, third in ((sa, "us-east-1a", 16), (sb, "us-east-1b", 17)):
        for k, inst in enumerate(ec2.run_instances(ImageId=image, InstanceType="m5.large", SubnetId=sid, MinCount=2,
                                                   MaxCount=2)["Instances"]):
            # explicit addresses: moto's SecondaryPrivateIpAddressCount can hand out duplicates
            sec = [f"10.0.{third}.{100 + 10 * k + j}" for j in range(9)]
            ec2.assign_private_ip_addresses(NetworkInterfaceId=inst["NetworkInterfaces"][0]["NetworkInterfaceId"],
                                            PrivateIpAddresses=sec)
            taken[sid] |= {inst["PrivateIpAddress"], *sec}
            nodes.append(node(inst["InstanceId"], inst["PrivateIpAddress"], az))
    assert not [ip for ip in taken[sb] if 128 <= int(ip.rsplit(".", 1)[1]) < 192]  # none inside the reservation below
    filler = [f"10.0.16.{i}" for i in range(4, 255) if f"10.0.16.{i}" not in taken[sa]][:186]
    ec2.create_network_interface(SubnetId=sa, Description="ELB app/k8s", PrivateIpAddresses=[
        {"PrivateIpAddress": ip, "Primary": i == 0} for i, ip in enumerate(filler)])
    ec2.create_subnet_cidr_reservation(SubnetId=sb, Cidr="10.0.17.128/26", ReservationType="explicit")
    eks.create_cluster(name="prod", roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={"subnetIds": cl})
    kube = write_kube(tmp_path / "kube", nodes)

    live = audit_bundle(read_live("prod", REGION, kube_dir=kube))
    bundle_dir = write_bundle("prod", REGION, tmp_path / "bundle")
    for f in kube.iterdir():
        shutil.copy(f, bundle_dir / f.name)
    (bundle_dir / "addon.json").unlink(missing_ok=True)
    offline = audit_bundle(read_bundle(bundle_dir))

    dump = lambda r: {k: r.model_dump(mode="json")[k] for k in ("subnets", "node_groups", "forecast", "vpc_id")}  # noqa: E731
    assert dump(live) == dump(offline)
    a, b = (next(s for s in live.subnets if s.subnet_id == x) for x in (sa, sb))
    # /24: 251 usable. a: 2 nodes x (1 + 9) + the ELB ENI's 186 = 206 used -> 45 free. b: 20 used + 64 reserved
    assert (a.free_ips, b.free_ips) == (45, 251 - 20 - 64)
    # m5.large, secondary IP, WARM_ENI_TARGET=1, pods unknown -> assumed full (29 - 2 = 27 pods): 3 ENIs x 10 = 30
    assert a.nodes_that_fit == {"general": 1} and b.nodes_that_fit == {"general": 167 // 30}
    assert [f.evidence["subnet_id"] for f in live.findings if f.id == "audit-subnet-nearly-exhausted"] == [sa]
    # moto has no eks describe-addon (404): live mode says the add-on state is unknown instead of guessing
    assert live.current_settings.managed_addon is None and live.current_settings.cni_role == "unknown"
    assert any("describe-addon failed" in n for n in live.notes)
    assert offline.current_settings.managed_addon is False
    assert live.answers["network"]["secondary_cidrs"] == ["100.64.0.0/16"]


def _stubbed(cluster_extra=None, addon=None, addon_error=None, enis=None, subnets=None):
    eks = boto3.client("eks", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    ec2 = boto3.client("ec2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    se, s2 = Stubber(eks), Stubber(ec2)
    vpc = "vpc-0a1b2c3d4e5f60718"
    cluster = {"name": "prod", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/prod", "version": "1.31",
               "resourcesVpcConfig": {"subnetIds": ["subnet-0c0000000000000a1", "subnet-0c0000000000000b1"], "vpcId": vpc,
                                      "endpointPublicAccess": True, "endpointPrivateAccess": True},
               "kubernetesNetworkConfig": {"ipFamily": "ipv4"}, **(cluster_extra or {})}
    se.add_response("describe_cluster", {"cluster": cluster}, {"name": "prod"})
    if addon_error:
        se.add_client_error("describe_addon", service_error_code=addon_error, http_status_code=404)
    else:
        se.add_response("describe_addon", {"addon": addon}, {"clusterName": "prod", "addonName": "vpc-cni"})
    s2.add_response("describe_vpcs", {"Vpcs": [{"VpcId": vpc, "CidrBlock": "10.0.0.0/16"}]}, {"VpcIds": [vpc]})
    s2.add_response("describe_subnets", {"Subnets": subnets}, {"Filters": [{"Name": "vpc-id", "Values": [vpc]}]})
    s2.add_response("describe_network_interfaces", {"NetworkInterfaces": enis},
                    {"Filters": [{"Name": "vpc-id", "Values": [vpc]}]})
    for s in subnets:
        s2.add_response("get_subnet_cidr_reservations", {"SubnetIpv4CidrReservations": []}, {"SubnetId": s["SubnetId"]})
    se.activate()
    s2.activate()
    return {"eks": eks, "ec2": ec2}, (se, s2)


SUBNETS = [{"SubnetId": sid, "CidrBlock": cidr, "AvailabilityZone": az, "VpcId": "vpc-0a1b2c3d4e5f60718",
            "AvailableIpAddressCount": 0}
           for sid, cidr, az in (("subnet-0c0000000000000a1", "10.0.0.0/28", "us-east-1a"),
                                 ("subnet-0c0000000000000b1", "10.0.0.16/28", "us-east-1b"),
                                 ("subnet-0a0000000000000a1", "10.0.16.0/24", "us-east-1a"),
                                 ("subnet-0a0000000000000b1", "10.0.17.0/24", "us-east-1b"))]


def _prefix_enis():
    enis = []
    for n, (sid, base) in enumerate((("subnet-0a0000000000000a1", "10.0.16"), ("subnet-0a0000000000000b1", "10.0.17"))):
        enis.append({"NetworkInterfaceId": f"eni-0000000000000000{n}", "SubnetId": sid, "VpcId": "vpc-0a1b2c3d4e5f60718",
                     "PrivateIpAddress": f"{base}.4", "PrivateIpAddresses": [{"PrivateIpAddress": f"{base}.4", "Primary": True}],
                     "Ipv4Prefixes": [{"Ipv4Prefix": f"{base}.16/28"}, {"Ipv4Prefix": f"{base}.32/28"}],
                     "Attachment": {"InstanceId": f"i-000000000000000{n}", "DeviceIndex": 0, "NetworkCardIndex": 0}})
    return enis


def test_stubber_addon_configuration_and_prefixes(tmp_path):
    addon = {"addonName": "vpc-cni", "clusterName": "prod", "addonVersion": "v1.19.2-eksbuild.1",
             "serviceAccountRoleArn": "arn:aws:iam::111122223333:role/cni",
             "configurationValues": json.dumps({"env": {"ENABLE_PREFIX_DELEGATION": "true", "WARM_PREFIX_TARGET": "1"}})}
    c, stubs = _stubbed(addon=addon, enis=_prefix_enis(), subnets=SUBNETS)
    kube = write_kube(tmp_path / "k", [node("i-0000000000000000", "10.0.16.4", "us-east-1a", capacity="110"),
                                       node("i-0000000000000001", "10.0.17.4", "us-east-1b", capacity="110")])
    r = audit_bundle(read_live("prod", REGION, kube_dir=kube, aws_clients=c))
    for s in stubs:
        s.assert_no_pending_responses()
    cs = r.current_settings
    assert cs.address_mode == "prefix" and cs.env["ENABLE_PREFIX_DELEGATION"].source == "addon"
    assert cs.managed_addon is True and cs.cni_role == "service_account_role"
    a = next(s for s in r.subnets if s.subnet_id == "subnet-0a0000000000000a1")
    # /24: 16 blocks; block 0 (AWS-reserved + primary .4) and block 15 (broadcast) never free; 2 prefixes in use
    assert (a.free_ips, a.free_prefixes) == (251 - 1 - 32, 12)
    assert "audit-max-pods-mismatch" not in {f.id for f in r.findings}  # 110 is m5.large's prefix-mode value


def test_stubber_addon_not_found_means_self_managed(tmp_path):
    c, _ = _stubbed(addon_error="ResourceNotFoundException", enis=_prefix_enis(), subnets=SUBNETS)
    kube = write_kube(tmp_path / "k", [node("i-0000000000000000", "10.0.16.4", "us-east-1a")])
    r = audit_bundle(read_live("prod", REGION, kube_dir=kube, aws_clients=c))
    assert r.current_settings.managed_addon is False and "use-managed-addon" in {f.id for f in r.findings}


def test_live_errors_are_one_sentence(tmp_path):
    eks = boto3.client("eks", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(eks)
    stub.add_client_error("describe_cluster", service_error_code="ResourceNotFoundException",
                          service_message="No cluster found for name: nope.", http_status_code=404)
    stub.activate()
    with pytest.raises(InputError, match=r"^--aws: eks describe-cluster failed: ResourceNotFoundException: No cluster found"):
        read_live("nope", REGION, kube_dir=tmp_path, aws_clients={"eks": eks, "ec2": None})


def test_collect_prints_exact_commands_without_aws(monkeypatch, capsys):
    import eksadvisor.audit.collect as collect
    from eksadvisor.cli import main

    monkeypatch.setattr(collect.shutil, "which", lambda name: None)
    assert main(["audit", "collect", "--cluster", "prod", "--region", "us-east-1", "-o", "out dir"]) == 0
    out = capsys.readouterr().out
    assert "aws eks describe-cluster --name prod --region us-east-1 --output json > 'out dir'/cluster.json" in out
    assert ("aws ec2 describe-network-interfaces --filters Name=vpc-id,Values=\"$VPC\" --region us-east-1 --output json "
            "> 'out dir'/network-interfaces.json") in out
    assert "kubectl get eniconfigs.crd.k8s.amazonaws.com -o json > 'out dir'/eniconfigs.json  # optional" in out
    assert "get-subnet-cidr-reservations --subnet-id \"$S\"" in out
