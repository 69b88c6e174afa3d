"""Max pods explorer: search and filter the catalog, compare address modes, and show the arithmetic."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from eksadvisor.model.maxpods import Ipv6MaxPods, MaxPodsResult, ipv6_max_pods, max_pods, max_pods_all
from eksadvisor.output import charts
from eksadvisor.versions import DEFAULT_CNI_VERSION
from eksadvisor.wording import plain
from eksadvisor_app.views._common import Fields, catalog

MODES = {  # label -> (prefix_delegation, custom_networking)
    "secondary IP": (False, False),
    "prefix": (True, False),
    "custom networking": (False, True),
    "custom networking + prefix": (True, True),
}


@st.cache_data(show_spinner=False, max_entries=32)
def catalog_table(cni_version: str, max_eni: int | None, show_max_allowed: bool) -> pd.DataFrame:
    """One row per catalog type: its facts and the kubelet max-pods in every mode (engine values only)."""
    cat = catalog()
    columns: dict[str, dict[str, int]] = {}
    raw_prefix: dict[str, int] = {}
    for label, (prefix, custom) in MODES.items():
        results = max_pods_all(
            cni_version, prefix_delegation=prefix, custom_networking=custom, max_eni=max_eni,
            show_max_allowed=show_max_allowed, catalog=cat,
        )
        columns[label] = {r.instance_type: r.max_pods for r in results}
        if label == "prefix":
            raw_prefix = {r.instance_type: r.raw_max_pods for r in results}
    rows = []
    for t in sorted(cat, key=lambda t: t.instance_type):
        rows.append({
            "instance type": t.instance_type,
            "family": t.family,
            "vCPUs": t.vcpus,
            "vCPUs estimated": t.vcpus_estimated,
            "Nitro": t.is_nitro,
            "ENIs": t.max_enis,
            "IPv4 per ENI": t.ipv4_per_eni,
            **{label: columns[label][t.instance_type] for label in MODES},
            "prefix raw ceiling": raw_prefix[t.instance_type],
            "branch ENIs (SGP)": t.branch_enis,
        })
    frame = pd.DataFrame(rows)
    # A type without a published vCPU count is an empty cell, not the text "None" (nullable integers).
    frame["vCPUs"] = frame["vCPUs"].astype("Int64")
    return frame


st.title("Max pods explorer")
st.caption(
    "Kubelet max-pods exactly as AWS's `max-pods-calculator.sh` computes it, for every instance type in the "
    f"catalog (snapshot {catalog().meta.snapshot_date})."
)

fields = Fields()
c1, c2, c3 = st.columns([1, 1, 1])
with c1:
    cni_version = st.text_input("VPC CNI version", value=DEFAULT_CNI_VERSION, key="mp_cni", help="Prefix delegation needs 1.9 or later.")
    fields.slot("cni_version")
with c2:
    max_eni_in = st.number_input(
        "MAX_ENI (0: not set)", min_value=0, max_value=32, value=0, step=1, key="mp_max_eni",
        help="The aws-node MAX_ENI setting: caps the ENIs ipamd attaches (values below 1 are ignored).",
    )
    fields.slot("cni_max_eni")
with c3:
    show_max = st.toggle("Show the raw maximum (no 110 / 250 cap)", value=False, key="mp_show_max",
                         help="What max-pods-calculator.sh prints with --show-max-allowed: the ENI ceiling, uncapped.")

table = fields.call(catalog_table, cni_version, int(max_eni_in) or None, show_max)
if table is None:
    st.stop()

tab_search, tab_compare, tab_explain = st.tabs(["Search the catalog", "Compare modes", "The arithmetic"])

with tab_search:
    f1, f2, f3 = st.columns([2, 2, 1])
    with f1:
        query = st.text_input("Search instance types", value="", placeholder="m5, c6g.large, metal ...", key="mp_query")
    with f2:
        families = st.multiselect("Families", sorted(table["family"].unique()), key="mp_families")
    with f3:
        nitro_only = st.checkbox("Nitro only", value=False, key="mp_nitro")
    view = table
    if query.strip():
        view = view[view["instance type"].str.contains(query.strip().lower(), regex=False)]
    if families:
        view = view[view["family"].isin(families)]
    if nitro_only:
        view = view[view["Nitro"]]
    st.write(f"{len(view)} of {len(table)} instance types")
    st.dataframe(view.drop(columns=["family"]), hide_index=True, width="stretch", height=420)
    st.download_button(
        "Download this table (CSV)", view.to_csv(index=False).encode(), file_name="max-pods.csv",
        mime="text/csv", key="mp_csv",
    )

all_types = table["instance type"].tolist()

with tab_compare:
    picked = st.multiselect(
        "Instance types to compare", all_types,
        default=[t for t in ("m5.large", "m6i.2xlarge", "c5.18xlarge") if t in all_types], key="mp_compare",
        max_selections=8, select_all=False, filter_mode="contains",  # Enter picks a type, never "Select N matches"
    )
    if picked:
        cat = catalog()
        pairs: list[tuple[str, MaxPodsResult | Ipv6MaxPods]] = []
        for name in picked:
            for label, (prefix, custom) in MODES.items():
                r = fields.call(
                    max_pods, name, cni_version, prefix_delegation=prefix, custom_networking=custom,
                    max_eni=int(max_eni_in) or None, show_max_allowed=show_max, catalog=cat,
                )
                if r is not None:
                    pairs.append((label, r))
            pairs.append(("IPv6", ipv6_max_pods(cat.get(name))))
        rows = charts.max_pods_by_mode_rows(pairs)
        st.altair_chart(charts.max_pods_by_mode_chart(rows), width="stretch")
        st.dataframe(
            pd.DataFrame(rows).pivot(index="instance_type", columns="mode", values="max_pods")
            .reindex(index=picked, columns=[*MODES, "IPv6"]).rename_axis(index="instance type", columns="mode"),
            width="stretch",
        )
        st.caption(
            "Bars show the kubelet value (capped at 110 or 250 unless the raw maximum is asked for); the tooltip "
            "shows the raw ENI ceiling. IPv6 shows the best-practices formula's capped value: in IPv6 mode "
            "addresses never limit pods."
        )
    else:
        st.info("Pick one or more instance types to compare.")

with tab_explain:
    default_index = all_types.index("m5.large") if "m5.large" in all_types else 0
    name = st.selectbox("Instance type", all_types, index=default_index, key="mp_explain")
    mode = st.radio("Mode", list(MODES), horizontal=True, key="mp_explain_mode")
    prefix, custom = MODES[mode]
    r = fields.call(
        max_pods, name, cni_version, prefix_delegation=prefix, custom_networking=custom,
        max_eni=int(max_eni_in) or None, show_max_allowed=show_max, catalog=catalog(),
    )
    if r is not None:
        m1, m2, m3 = st.columns(3)
        m1.metric("kubelet max-pods", r.max_pods)
        m2.metric("raw ENI ceiling", r.raw_max_pods)
        m3.metric("ceiling (110 / 250)", r.ceiling)
        st.code(f"max-pods = ENIs x (IPv4 per ENI - 1){' x 16' if r.addresses_per_slot == 16 else ''} + 2\n"
                f"         = {r.formula()}", language="text")
        st.table(pd.DataFrame([
            {"term": "ENIs on the default network card", "value": r.enis_instance},
            {"term": "MAX_ENI", "value": r.max_eni if r.max_eni is not None else "not set"},
            {"term": "ENIs that carry pod addresses", "value": r.enis_for_pods},
            {"term": "IPv4 addresses per ENI", "value": r.ipv4_per_eni},
            {"term": "slots per ENI (the primary IP never goes to a pod)", "value": r.slots_per_eni},
            {"term": "addresses per slot (1 = secondary IP, 16 = /28 prefix)", "value": r.addresses_per_slot},
            {"term": "vCPUs" + (" (estimated)" if r.vcpus_estimated else ""), "value": r.vcpus if r.vcpus is not None else "unknown"},
            {"term": "hypervisor", "value": r.hypervisor},
        ]).astype(str))
        for note in r.notes:
            st.info(plain(note))
