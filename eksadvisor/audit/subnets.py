"""Each subnet's role in the cluster (pod, node, cluster, public or unused, and why), its free space, and how many
more nodes of each group it takes now."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from eksadvisor.addressing.cidr import usable_ips
from eksadvisor.audit.addresses import SubnetState, analyse_subnet
from eksadvisor.audit.groups import GroupState, node_cost, nodes_that_fit
from eksadvisor.audit.model import Role, SubnetAudit
from eksadvisor.audit.nodes import EniConfigs, Node
from eksadvisor.audit.settings import RunningMode


@dataclass
class Placement:
    """Which groups use which subnet, and how."""

    node_subnets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # subnet -> groups with nodes there
    pod_subnets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # subnet -> groups whose pods are there
    node_count: Counter[str] = field(default_factory=Counter)  # subnet -> nodes with their primary ENI there
    eniconfig_subnets: set[str] = field(default_factory=set)  # subnets an ENIConfig names

    def groups_in(self, sid: str) -> list[str]:
        """Every group with nodes or pods in the subnet, in name order."""
        return sorted(self.node_subnets.get(sid, set()) | self.pod_subnets.get(sid, set()))


def place_groups(nodes: list[Node], eniconfigs: EniConfigs, states: dict[str, SubnetState], custom: bool) -> Placement:
    """Node subnets from the nodes' primary ENIs, pod subnets from the ENIConfigs they select (custom networking)."""
    out = Placement(eniconfig_subnets=set(eniconfigs.subnets.values()))
    for x in nodes:
        if x.fargate or not x.subnet:
            continue
        out.node_subnets[x.subnet].add(x.group)
        out.node_count[x.subnet] += 1
        if custom and x.eniconfig and eniconfigs.subnets.get(x.eniconfig) in states:
            out.pod_subnets[eniconfigs.subnets[x.eniconfig]].add(x.group)
    return out


def _roles(st: SubnetState, placement: Placement, cluster_subnets: set[str]) -> tuple[list[Role], list[str]]:
    """(roles, reasons), the first role the main one."""
    sid = st.sid
    roles: list[Role] = []
    why: list[str] = []
    if sid in placement.eniconfig_subnets:
        roles.append("pod")
        why.append("named by an ENIConfig")
    if sid in placement.node_subnets:
        roles.append("node")
        why.append(f"holds the primary ENI of {placement.node_count[sid]} node(s)")
    if sid in cluster_subnets:
        roles.append("cluster")
        why.append("listed in the cluster's resourcesVpcConfig.subnetIds")
    tags = {t.get("Key"): t.get("Value") for t in st.raw.get("Tags") or [] if isinstance(t, dict)}
    if st.raw.get("MapPublicIpOnLaunch") or tags.get("kubernetes.io/role/elb") == "1":
        roles.append("public")
        why.append("MapPublicIpOnLaunch is on" if st.raw.get("MapPublicIpOnLaunch") else "tagged kubernetes.io/role/elb=1")
    if not roles:
        why.append("no node, pod, cluster or public use found")
    return roles, why


def _fits(sid: str, free_ips: int, free_pfx: int, placement: Placement, groups: dict[str, GroupState],
          mode: RunningMode) -> dict[str, int]:
    """More nodes of each group the subnet takes now (as a node subnet, and as a pod subnet: the lower)."""
    fits: dict[str, int] = {}
    for g in sorted(placement.node_subnets.get(sid, set())):
        f = nodes_that_fit(free_ips, free_pfx, node_cost(groups[g].usage, "node", mode.custom, mode.prefix, mode.ipv6))
        if f is not None:
            fits[g] = f
    for g in sorted(placement.pod_subnets.get(sid, set())):
        usage = groups[g].usage
        if usage is None:
            continue
        f = nodes_that_fit(free_ips, free_pfx, node_cost(usage, "pod", mode.custom, mode.prefix, mode.ipv6))
        if f is not None:
            fits[g] = min(fits.get(g, f), f)
    return fits


def _ipv6_cidr(raw: dict[str, Any]) -> str | None:
    return next((a.get("Ipv6CidrBlock") for a in raw.get("Ipv6CidrBlockAssociationSet") or []
                 if isinstance(a, dict) and (a.get("Ipv6CidrBlockState") or {}).get("State", "associated")
                 == "associated"), None)


def audit_subnet(st: SubnetState, placement: Placement, cluster_subnets: set[str], groups: dict[str, GroupState],
                 mode: RunningMode, reservations: list[dict[str, Any]]) -> SubnetAudit:
    """One subnet: role, free addresses and /28s, reservations, and the nodes of each group that still fit."""
    sid = st.sid
    roles, why = _roles(st, placement, cluster_subnets)
    space = analyse_subnet(st.net, st.addrs, st.ranges, st.explicit, st.prefix_resv)
    resv = [{"cidr": r["Cidr"], "type": r["ReservationType"]} for r in reservations]
    avail = st.raw.get("AvailableIpAddressCount")
    return SubnetAudit(
        subnet_id=sid, cidr=str(st.net), az=st.az, role=roles[0] if roles else "unused", roles=list(roles),
        role_reason="; ".join(why), usable_ips=usable_ips(st.net), free_ips=space.free_ips,
        free_prefixes=space.free_prefixes, free_prefixes_in_prefix_reservations=space.free_prefixes_in_prefix_reservations,
        stranded_ips=space.stranded, aws_available_ip_address_count=avail if isinstance(avail, int) else None,
        used_ips=space.used, enis=st.enis, reservations=sorted(resv, key=lambda r: (r["cidr"], r["type"])),
        ipv6_cidr=_ipv6_cidr(st.raw), nodes=placement.node_count[sid],
        nodes_that_fit=_fits(sid, space.free_ips, space.free_prefixes, placement, groups, mode))


def audit_subnets(states: dict[str, SubnetState], placement: Placement, cluster_subnets: set[str],
                  groups: dict[str, GroupState], mode: RunningMode,
                  reservations: dict[str, list[dict[str, Any]]] | None) -> list[SubnetAudit]:
    """Every subnet of the VPC, by AZ then address."""
    order = sorted(states.values(), key=lambda st: (st.az, int(st.net.network_address)))
    return [audit_subnet(st, placement, cluster_subnets, groups, mode, (reservations or {}).get(st.sid, []))
            for st in order]


__all__ = ["Placement", "audit_subnet", "audit_subnets", "place_groups"]
