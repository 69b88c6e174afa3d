"""eksadvisor's Streamlit app: navigation only. Each page in pages/ calls the engine and renders.

st.navigation + st.Page is Streamlit's preferred multipage API: the entrypoint is the router, it is
called once per run and the returned page is executed with .run()
(docs.streamlit.io/develop/concepts/multipage-apps/page-and-navigation). Listing the pages here
also turns off the legacy automatic discovery of pages/. The default page (Advisor) lives at the root URL.
"""

import streamlit as st

st.set_page_config(page_title="eksadvisor", page_icon=":material/lan:", layout="wide")

st.navigation(
    {
        "Advise": [
            st.Page("pages/advisor.py", title="Advisor", icon=":material/checklist:", default=True),
            st.Page("pages/report.py", title="Report", icon=":material/description:", url_path="report"),
        ],
        "Explore": [
            st.Page("pages/max_pods.py", title="Max pods explorer", icon=":material/table_view:", url_path="max-pods"),
            st.Page("pages/ip_usage.py", title="IP usage simulator", icon=":material/memory:", url_path="ip-usage"),
            st.Page("pages/subnets.py", title="Subnet planner", icon=":material/lan:", url_path="subnets"),
            st.Page("pages/decision_graph.py", title="Decision graph", icon=":material/account_tree:", url_path="decision-graph"),
        ],
        "Existing cluster": [
            st.Page("pages/audit.py", title="Audit", icon=":material/fact_check:", url_path="audit"),
        ],
    }
).run()
