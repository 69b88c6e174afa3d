"""Subnet planner: the VPC address map, overlaps and shortfalls, and the prefix readiness check of a subnet."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from eksadvisor.addressing import planner, prefixready
from eksadvisor.output import charts
from eksadvisor.severity import SEVERITY_RANK
from eksadvisor.wording import plain
from eksadvisor_app.views._common import Fields

SEVERITY_BOX = {"critical": st.error, "warning": st.warning, "info": st.info}
EXISTING_COLUMNS = {"cidr": "", "az": "", "role": "private", "used_ips": 0}


def _list(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


def _findings(findings: list, title: str) -> None:
    if not findings:
        return
    st.markdown(f"**{title}**")
    for f in sorted(findings, key=lambda f: SEVERITY_RANK.get(f.severity, 3)):
        SEVERITY_BOX.get(f.severity, st.info)(f"{plain(f.message)}\n\n`{f.id}` — {plain(f.source)}")


st.title("Subnet planner")
st.caption(
    "Aligned, non-overlapping subnets per Availability Zone: a dedicated cluster /28, a public subnet, a private "
    "node subnet and, with custom networking, a pod subnet in a secondary CIDR. Existing subnets stay where they are."
)

fields = Fields()
tab_plan, tab_ready = st.tabs(["Plan the VPC", "Prefix readiness check"])

with tab_plan:
    c1, c2, c3 = st.columns(3)
    with c1:
        vpc_cidr = st.text_input("VPC CIDR", value="10.0.0.0/16", key="sp_vpc")
        fields.slot("vpc_cidr")
        secondary = st.text_input("Secondary CIDRs already associated (comma-separated)", value="", key="sp_secondary")
        fields.slot("secondary_cidrs")
        onprem = st.text_input("On-prem / peered / TGW CIDRs (comma-separated)", value="", key="sp_onprem")
        fields.slot("onprem_cidrs")
    with c2:
        cluster_name = st.text_input("Cluster name", value="my-cluster", key="sp_cluster")
        fields.slot("cluster_name")
        azs = st.text_input("Availability Zones (comma-separated)", value="us-east-1a, us-east-1b, us-east-1c",
                            key="sp_azs")
        fields.slot("azs")
        node_addresses = st.number_input(
            "Node-subnet addresses per AZ", min_value=0, max_value=1_000_000, value=2000, step=100, key="sp_node_addr",
            help="At max nodes x growth, upgrade surge included: the IP usage simulator's subnet addresses per node "
                 "times the nodes in one AZ. The Advisor computes it from your answers.",
        )
        fields.slot("node_addresses_per_az")
    with c3:
        custom = st.toggle("Custom networking (pod subnets in a secondary CIDR)", value=False, key="sp_custom")
        pod_addresses = st.number_input("Pod-subnet addresses per AZ", min_value=0, max_value=1_000_000, value=0,
                                        step=100, key="sp_pod_addr", disabled=not custom)
        fields.slot("pod_addresses_per_az")
        prefix = st.toggle("Prefix delegation (/28-aligned free space)", value=False, key="sp_prefix")
        prefixes_per_az = st.number_input("/28 prefixes per AZ to reserve (0: none)", min_value=0, max_value=4096,
                                          value=0, key="sp_prefixes", disabled=not prefix)
        cgnat = st.checkbox("100.64.0.0/10 is already used on connected networks", value=False, key="sp_cgnat")
        service = st.text_input("Service CIDR (empty: EKS default)", value="", key="sp_service")
        fields.slot("service_cidr")
    with st.expander("Existing subnets", expanded=False):
        existing_df = st.data_editor(
            pd.DataFrame([EXISTING_COLUMNS]).iloc[0:0], num_rows="dynamic", width="stretch", key="sp_existing",
            column_config={
                "role": st.column_config.SelectboxColumn("role", options=["cluster", "public", "private", "pod"]),
                "cidr": st.column_config.TextColumn("CIDR"),
                "az": st.column_config.TextColumn("AZ"),
                "used_ips": st.column_config.NumberColumn("used IPs", min_value=0, step=1),
            },
        )
        fields.slot("existing_subnets")

    existing = [
        {k: (v if k != "used_ips" else int(v or 0)) for k, v in row.items() if k != "az" or v}
        for row in existing_df.fillna({"used_ips": 0, "role": "private", "az": ""}).to_dict("records")
        if str(row.get("cidr") or "").strip()
    ]
    request = fields.call(
        planner.PlanRequest.model_validate,
        {
            "vpc_cidr": vpc_cidr, "secondary_cidrs": _list(secondary), "onprem_cidrs": _list(onprem),
            "existing_subnets": existing, "cgnat_in_use": cgnat, "azs": _list(azs), "cluster_name": cluster_name,
            "node_addresses_per_az": int(node_addresses), "pod_addresses_per_az": int(pod_addresses) if custom else 0,
            "custom_networking": custom, "prefix_delegation": prefix,
            "prefixes_per_az": int(prefixes_per_az) if prefix else 0, "service_cidr": service.strip() or None,
        },
    )
    if request is not None and custom and not int(pod_addresses):
        # Custom networking with 0 pod addresses planned /28 pod subnets "sized for 1": ask for the number instead.
        fields.show("pod_addresses_per_az", "pod_addresses_per_az: custom networking puts pods in their own subnets; "
                    "give the pod-subnet addresses each AZ needs (the IP usage simulator's pod-subnet addresses per "
                    "node times the nodes in one AZ).")
        request = None
    plan = fields.call(planner.plan_subnets, request) if request is not None else None
    if plan is not None:
        m = st.columns(4)
        m[0].metric("fits", "yes" if plan.fits else "no")
        m[1].metric("subnets", len(plan.subnets))
        m[2].metric("free addresses left", plan.free_addresses_after)
        m[3].metric("service CIDR", plan.service_cidr.cidr, help=plain(plan.service_cidr.note) or None)
        if plan.shortfall is not None:
            sf = plan.shortfall
            reason = plain(sf.reason)  # the engine's reason may already start with "The plan does not fit"
            head = "" if reason.lower().startswith("the plan does not fit") else "**The plan does not fit.** "
            st.error(f"{head}{reason}\n\n" + "\n".join(f"- {plain(s)}" for s in sf.suggestions))
        chart_cidrs = list(dict.fromkeys([*plan.vpc_cidrs, *plan.secondary_cidrs]))
        st.altair_chart(charts.vpc_address_map_chart(charts.vpc_address_map_rows(chart_cidrs, plan.subnets)),
                        width="stretch")
        st.dataframe(
            pd.DataFrame([
                {"name": s.name, "role": s.role, "AZ": s.az, "CIDR": s.cidr, "usable IPs": s.usable_ips,
                 "sized for": s.needed_addresses or None, "/28 prefixes": s.prefix_capacity, "existing": s.existing}
                for s in plan.subnets
            ]),
            hide_index=True, width="stretch",
        )
        if plan.secondary_cidrs:
            st.info("Associate with the VPC first: " + ", ".join(f"`{c}`" for c in plan.secondary_cidrs))
        reservations = [r for s in plan.subnets for r in s.reservations]
        if reservations:
            st.markdown("**Subnet CIDR reservations (prefix)**")
            st.code("\n".join(r.command for r in reservations), language="bash")
        _findings(plan.findings, "Overlaps and findings")
        for note in plan.notes:
            st.caption(plain(note))
        if plan.free_blocks_after:
            st.caption("Largest free blocks left: " + ", ".join(plan.free_blocks_after))

    with st.expander("Check a layout of your own", expanded=False):
        st.caption("One subnet per line: `CIDR role AZ`. Try the EKS Best Practices Guide's example, "
                   "`10.0.1.0/20 public us-east-1a`: 10.0.1.0 is not on a /20 boundary, and the check says so.")
        own = st.text_area("Subnets", value="10.0.0.0/28 cluster us-east-1a\n10.0.16.0/20 public us-east-1a",
                           key="sp_own")
        fields.slot("subnets")
        own_rows = []
        for line in own.splitlines():
            parts = line.split()
            if parts:
                own_rows.append({"cidr": parts[0], "role": parts[1] if len(parts) > 1 else "",
                                 "az": parts[2] if len(parts) > 2 else ""})
        own_findings = fields.call(planner.validate_layout, [vpc_cidr, *_list(secondary)], own_rows)
        if own_findings is not None:
            _findings(own_findings, "What is wrong") if own_findings else st.success("No problems found.")

with tab_ready:
    st.caption(
        "Prefix delegation needs free, aligned /28 blocks: a subnet with enough free addresses can still fail with "
        "InsufficientCidrBlocks when they are scattered. Give the subnet and what is in use."
    )
    r1, r2 = st.columns(2)
    with r1:
        subnet = st.text_input("Subnet CIDR", value="10.0.0.0/22", key="pr_subnet")
        fields.slot("subnet")
        used_text = st.text_area("Used addresses, ranges or CIDRs (one per line or comma-separated; empty: give a count)",
                                 value="", key="pr_used")
        fields.slot("used")
    with r2:
        used_count = st.number_input("Or: addresses in use", min_value=0, max_value=1_000_000, value=0, key="pr_count")
        fields.slot("used_count")
        spread = st.selectbox("How they are spread (an assumption)", ["even", "packed", "random-seeded"], key="pr_spread")
        needed = st.number_input("/28 prefixes needed (0: don't check)", min_value=0, max_value=100_000, value=8,
                                 key="pr_needed")
        fields.slot("prefixes_needed")
    used_items = _list(used_text)
    readiness = fields.call(
        prefixready.prefix_readiness, subnet, used_items, used_count=None if used_items else int(used_count),
        spread=spread, prefixes_needed=int(needed) or None,
    )
    if readiness is not None:
        m = st.columns(4)
        m[0].metric("free /28 blocks", readiness.free_blocks, help=f"of {readiness.candidate_blocks} that could be prefixes")
        m[1].metric("if packed", readiness.ideal_free_blocks)
        m[2].metric("fragmentation", f"{readiness.fragmentation:.0%}", help=readiness.fragmentation_level)
        m[3].metric("stranded addresses", readiness.stranded_addresses)
        if readiness.enough is not None:
            (st.success if readiness.enough else st.error)(
                f"{readiness.free_blocks} free /28 blocks for {readiness.prefixes_needed} prefixes needed: "
                + ("enough." if readiness.enough else "not enough.")
            )
        if readiness.assumption:
            assumption = re.sub(r"^\s*assum(?:ed|ption)\s*:\s*", "", plain(readiness.assumption), flags=re.I)
            st.caption(f"Assumption: {assumption}")
        if readiness.free_block_cidrs_sample:
            st.caption("Free /28s (lowest first): " + ", ".join(readiness.free_block_cidrs_sample))
        if readiness.reservations:
            st.markdown("**Reserve space for prefixes**")
            st.dataframe(pd.DataFrame([r.model_dump(exclude={"command", "source"}) for r in readiness.reservations]),
                         hide_index=True, width="stretch")
            st.code("\n".join(r.command for r in readiness.reservations), language="bash")
        _findings(readiness.findings, "Findings")
        for note in readiness.notes:
            st.caption(plain(note))
