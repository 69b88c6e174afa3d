"""IP usage simulator: what one node really takes from its subnets, and what the cluster takes as it grows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from eksadvisor.addressing import cidr
from eksadvisor.model import ipam
from eksadvisor.output import charts
from eksadvisor.versions import DEFAULT_CNI_VERSION
from eksadvisor.wording import plain
from eksadvisor_app.views._common import Fields, catalog

st.title("IP usage simulator")
st.caption(
    "The settled warm pool of a node (ENIs, secondary IPs or /28 prefixes, warm addresses): ipamd's, derived from "
    "the VPC CNI source, or on a Windows node the VPC resource controller's; then the subnet addresses of the whole "
    "node group against the subnet's capacity."
)

fields = Fields()
types = sorted(t.instance_type for t in catalog())
left, right = st.columns([1, 2], gap="large")
with left:
    st.markdown("**Node**")
    instance_type = st.selectbox("Instance type", types, index=types.index("m5.large") if "m5.large" in types else 0,
                                 key="ip_type")
    fields.slot("instance_type")
    pods = st.number_input("IP-using pods per node", min_value=0, max_value=1000, value=20, step=1, key="ip_pods")
    fields.slot("pods")
    nodes = st.number_input("Nodes", min_value=1, max_value=5000, value=100, step=1, key="ip_nodes")
    fields.slot("nodes")
    windows = st.toggle("Windows node (one ENI, VPC resource controller)", value=False, key="ip_windows",
                        help="Windows pods get the other addresses of the node's one ENI from the VPC resource "
                             "controller; the aws-node settings below do not apply.")
    # Short labels (a long one is cut off in this column); the aws-node variable is in the help.
    prefix = st.toggle("Prefix delegation", value=False, key="ip_prefix", disabled=windows,
                       help="aws-node ENABLE_PREFIX_DELEGATION=true: /28 prefixes instead of single secondary IPs.")
    custom = st.toggle("Custom networking", value=False, key="ip_custom", disabled=windows,
                       help="AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true: pods in ENIConfig subnets.")
    sgp = st.toggle("Security Groups for Pods", value=False, key="ip_sgp", disabled=windows,
                    help="ENABLE_POD_ENI=true: one ENI slot goes to the trunk ENI.")
    prefix, custom, sgp = (False, False, False) if windows else (prefix, custom, sgp)
    branch_pods = 0
    if sgp:
        branch_pods = st.number_input(
            "of which pods with their own security groups", min_value=0, max_value=1000, value=0, step=1,
            key="ip_branch_pods",
            help="Served by branch ENIs (one subnet address each, up to the type's branch-ENI capacity), "
                 "not by ipamd's warm pool.",
        )
        fields.slot("branch_pods")
    with st.expander("Warm pool and limits (defaults: the shipped aws-node manifest)", expanded=True):
        # One column: the WARM_* names are long and broke mid-word in two narrow columns.
        w1 = w2 = st.container()
        with w1:
            wet = st.number_input("WARM_ENI_TARGET", min_value=0, max_value=16, value=1, key="ip_wet", disabled=windows,
                                  help="Default 1. Ignored in prefix mode and when an IP target is set.")
            fields.slot("warm_eni_target")
            wit = st.number_input("WARM_IP_TARGET", min_value=0, max_value=1000, value=0, key="ip_wit",
                                  help="Default: not set (0). Replaces the ENI/prefix targets when set. Windows: "
                                       "the ConfigMap's warm-ip-target (0: not set; with MINIMUM_IP_TARGET also "
                                       "unset the controller keeps 3 / 3).")
            fields.slot("warm_ip_target")
            max_pods_in = st.number_input("kubelet max-pods (0: calculator)", min_value=0, max_value=1000, value=0,
                                          key="ip_max_pods", disabled=windows)
            fields.slot("max_pods")
        with w2:
            wpt = st.number_input("WARM_PREFIX_TARGET", min_value=0, max_value=64, value=1, key="ip_wpt", disabled=windows,
                                  help="Default 1 (manifest; the code default is 0). Prefix mode only.")
            fields.slot("warm_prefix_target")
            mit = st.number_input("MINIMUM_IP_TARGET", min_value=0, max_value=1000, value=0, key="ip_mit",
                                  help="Default: not set (0).")
            fields.slot("minimum_ip_target")
            max_eni_in = st.number_input("MAX_ENI (0: not set)", min_value=0, max_value=32, value=0, key="ip_max_eni",
                                         disabled=windows)
            fields.slot("max_eni")
        cni_version = st.text_input("VPC CNI version", value=DEFAULT_CNI_VERSION, key="ip_cni")
        fields.slot("cni_version")
    subnet = st.text_input("Node subnet (for its capacity)", value="10.0.0.0/20", key="ip_subnet",
                           help="Under custom networking this is the pod (ENIConfig) subnet.")
    fields.slot("subnet")

warm = fields.call(ipam.WarmSettings, warm_eni_target=int(wet), warm_ip_target=int(wit),
                   minimum_ip_target=int(mit), warm_prefix_target=int(wpt))
# The node as configured: the same settings feed the comparison with the other address mode below.
node = {"custom_networking": custom, "warm": warm, "max_pods": int(max_pods_in) or None,
        "max_eni": int(max_eni_in) or None, "sgp": sgp, "branch_pods": int(branch_pods), "catalog": catalog(),
        "cni_version": cni_version}
usage = None
if windows:  # 0 in the inputs means the ConfigMap key is not set
    usage = fields.call(ipam.node_usage_for, "windows", instance_type, int(pods),
                        windows_warm_ip_target=int(wit) or None, windows_minimum_ip_target=int(mit) or None,
                        catalog=catalog())
elif warm is not None:
    usage = fields.call(ipam.node_usage_for, "linux", instance_type, int(pods), prefix_delegation=prefix, **node)
capacity_net = fields.call(cidr.parse_subnet_cidr, subnet, "subnet")
capacity = cidr.usable_ips(capacity_net) if capacity_net is not None else None

with right:
    if usage is None:
        st.info("Fix the input marked in red to see the node's IP use.")
        st.stop()
    totals = ipam.node_totals(usage, int(nodes))
    # Two rows of three: six metrics in one row cut their labels off ("kubelet ma...").
    m = [*st.columns(3), *st.columns(3)]
    m[0].metric("ENIs", usage.enis)
    m[1].metric("prefixes" if usage.mode == "prefix" else "secondary IPs",
                usage.prefixes if usage.mode == "prefix" else usage.secondary_ips)
    m[2].metric("warm (free) IPs", usage.free_ips)
    m[3].metric("subnet addresses / node", usage.subnet_addresses)
    max_pods_help = {"given": "as given", "calculator": "from AWS's max-pods calculator",
                     "windows": "EKS's Windows figure: IPv4 addresses per ENI - 1"}
    m[4].metric("kubelet max-pods", usage.max_pods, help=max_pods_help[usage.max_pods_source])
    if usage.branch_pods:
        m[5].metric("branch ENIs", usage.branch_enis,
                    help="Pods with their own security groups: one branch ENI (one subnet address) each.")
    for flag in usage.flags:
        st.warning(plain(flag.message), icon=":material/warning:")
    if usage.unplaced_pods:
        st.error(f"{usage.unplaced_pods} pod(s) per node get no IP address.", icon=":material/error:")

    # The subnet's capacity against what the node group takes (engine figures, compared only; issue 14 item 6).
    if capacity is not None:
        if custom:
            needed, needed_max, per_node, which = (totals.pod_subnet_addresses, totals.pod_subnet_addresses_max,
                                                   usage.pod_subnet_addresses, "pod subnet")
        else:
            needed, needed_max, per_node, which = (totals.subnet_addresses, totals.subnet_addresses_max,
                                                   usage.subnet_addresses, "subnet")
        if needed > capacity:
            st.error(
                f"The {which} is too small: {int(nodes):,} {instance_type} node(s) need {needed:,} addresses "
                f"({per_node:,} each), and {capacity_net} has {capacity:,} usable. Use a larger subnet, fewer "
                "nodes or pods, or prefix delegation / custom networking.", icon=":material/error:")
        elif needed_max > capacity:
            st.warning(
                f"The {which} may be too small: with random pod placement {int(nodes):,} node(s) can take up to "
                f"{needed_max:,} addresses, and {capacity_net} has {capacity:,} usable.", icon=":material/warning:")

    # The per-node breakdown, beside the same node in the other address mode for comparison.
    other = None if windows else fields.call(ipam.node_usage, instance_type, int(pods), prefix_delegation=not prefix, **node)
    pairs = [(f"{instance_type}, {'Windows' if windows else usage.mode.replace('_', ' ')} (this setting)", usage)]
    if other is not None and other.mode != usage.mode:
        pairs.append((f"{instance_type}, {other.mode.replace('_', ' ')}", other))
    st.altair_chart(charts.ip_budget_chart(charts.ip_budget_rows(pairs)), width="stretch")

    if custom:
        series = {
            "node subnet": charts.linear_series(usage.node_subnet_addresses, int(nodes)),
            "pod subnet": charts.linear_series(usage.pod_subnet_addresses, int(nodes)),
        }
    else:
        series = {"subnet addresses": charts.linear_series(usage.subnet_addresses, int(nodes))}
    if not usage.deterministic:
        series["upper bound (random pod placement)"] = charts.linear_series(usage.range.subnet_addresses.max, int(nodes))
    st.altair_chart(
        charts.addresses_vs_nodes_chart(
            charts.addresses_vs_nodes_rows(series), capacity,
            capacity_label=f"usable IPs in {capacity_net}" if capacity_net is not None else "subnet capacity",
        ),
        width="stretch",
    )

    st.markdown(f"**Totals for {int(nodes)} node(s)**")
    st.table(pd.DataFrame([{"figure": k.replace("_", " "), "value": f"{v:,}"} for k, v in totals.model_dump().items()])
             .set_index("figure"))
    with st.expander("The arithmetic (VPC resource controller pool)" if windows else "The arithmetic (ipamd model)",
                     expanded=False):
        st.code("\n".join(usage.arithmetic), language="text")
        for note in usage.notes:
            st.caption(plain(note))
    if usage.cooldown.changes_settled_counts:
        st.info(plain(usage.cooldown.explanation))
