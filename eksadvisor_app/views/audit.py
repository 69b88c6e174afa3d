"""Audit: upload a bundle (zip of the folder `eksadvisor audit collect` writes) and see what the audit found."""

from __future__ import annotations

import streamlit as st

from eksadvisor.audit.bundle import MAX_ZIP_BYTES, read_zip
from eksadvisor.audit.engine import audit_bundle
from eksadvisor.audit.render import render
from eksadvisor.output import charts
from eksadvisor_app.views._common import Fields
from eksadvisor_app.views._render import SEVERITY_ICON, show_chart

BUNDLE_KEY = "audit_bundle_zip"  # st.session_state: the last uploaded bundle's bytes

st.title("Audit")
st.caption(
    "Read an existing cluster's real state — subnets, ENIs, reservations, aws-node settings, nodes — and find what is "
    "wrong or running out: exact free /28 blocks, how many more nodes of each group fit, kubelet max-pods against what "
    "the type supports, missing ENIConfigs; then the steps to the recommended settings. Create the bundle with "
    "`eksadvisor audit collect --cluster NAME --region R -o DIR` and zip the folder."
)
fields = Fields()
upload = st.file_uploader(f"Bundle (.zip, at most {MAX_ZIP_BYTES // (1024 * 1024)} MiB)", type=["zip"], key="audit_upload")
fields.slot("bundle.zip")
if upload is not None:
    st.session_state[BUNDLE_KEY] = upload.getvalue()
data = st.session_state.get(BUNDLE_KEY)
if not data:
    st.info("Upload a bundle to audit a cluster.", icon=":material/upload_file:")
    st.stop()

bundle = fields.call(read_zip, data)
result = fields.call(audit_bundle, bundle) if bundle is not None else None
if result is None:
    st.stop()

cs = result.current_settings
st.subheader(f"{result.cluster_name} · {result.region} · {result.vpc_id}")
c1, c2, c3, c4 = st.columns(4)
c1.metric("Address mode", cs.address_mode.replace("_", " "))
c2.metric("Custom networking", "on" if cs.custom_networking else "off")
c3.metric("VPC CNI", cs.cni_version)
c4.metric("Findings", len(result.findings))

st.subheader("Findings")
if not result.findings:
    st.success("No findings.", icon=":material/check_circle:")
for f in result.findings:
    with st.expander(f"{f.severity}: {f.id}", expanded=f.severity == "critical", icon=SEVERITY_ICON[f.severity]):
        st.markdown(f.message)
        st.markdown(f"**Fix:** {f.remediation}")
        st.caption(f"Source: {f.source}")
        st.json(f.evidence, expanded=False)

st.subheader("Subnets")
st.dataframe([{"subnet": s.subnet_id, "CIDR": s.cidr, "AZ": s.az, "role": s.role, "free IPs": s.free_ips,
               "free /28s": s.free_prefixes, "nodes": s.nodes,
               "more nodes that fit": ", ".join(f"{g}: {n}" for g, n in s.nodes_that_fit.items())}
              for s in result.subnets], hide_index=True)

st.subheader("Exhaustion forecast")
rows = charts.audit_forecast_rows(result.forecast)
if rows:
    show_chart(charts.audit_forecast_chart(rows))
else:
    st.caption("No node or pod subnet to forecast.")

st.subheader("Changes to the recommended settings")
if result.recommendation_error:
    st.warning(result.recommendation_error)
for c in result.changes:
    st.markdown(f"{c.step}. **{c.title}** — {c.detail}" + (f" *(artefacts: {', '.join(c.artefacts)})*" if c.artefacts else ""))
if not result.changes and not result.recommendation_error:
    st.caption("None: the cluster already runs the recommended settings.")
if result.limitations or result.notes:
    with st.expander("Limits of this audit"):
        for t in [*result.limitations, *result.notes]:
            st.markdown(f"- {t}")
d1, d2 = st.columns(2)
d1.download_button("Audit (JSON)", render(result, "json"), file_name=f"audit-{result.cluster_name}.json",
                   mime="application/json", key="audit_dl_json")
d2.download_button("Audit (Markdown)", render(result, "md"), file_name=f"audit-{result.cluster_name}.md",
                   mime="text/markdown", key="audit_dl_md")
