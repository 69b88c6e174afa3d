"""eksadvisor's Streamlit app: navigation only. Each page in app_pages/ calls the engine and renders.

st.navigation + st.Page is Streamlit's preferred multipage API: the entrypoint is the router, it is
called once per run and the returned page is executed with .run()
(docs.streamlit.io/develop/concepts/multipage-apps/page-and-navigation). The default page (Advisor) lives at
the root URL.

The pages live in app_pages/, not pages/: Streamlit checks once per server, before any script has run, whether
a ``pages`` directory sits beside the entrypoint (streamlit/runtime/pages_manager.py, PagesManager
.uses_pages_directory) and then treats the first visit as a legacy multipage app, so the first request after a
server start that opened a page URL directly (/max-pods) showed a "page ... does not seem to exist" modal.
"""

import streamlit as st

st.set_page_config(page_title="eksadvisor", page_icon=":material/lan:", layout="wide")

st.navigation(
    {
        "Advise": [
            st.Page("app_pages/advisor.py", title="Advisor", icon=":material/checklist:", default=True),
            st.Page("app_pages/report.py", title="Report", icon=":material/description:", url_path="report"),
        ],
        "Explore": [
            st.Page("app_pages/max_pods.py", title="Max pods explorer", icon=":material/table_view:", url_path="max-pods"),
            st.Page("app_pages/ip_usage.py", title="IP usage simulator", icon=":material/memory:", url_path="ip-usage"),
            st.Page("app_pages/subnets.py", title="Subnet planner", icon=":material/lan:", url_path="subnets"),
            st.Page("app_pages/decision_graph.py", title="Decision graph", icon=":material/account_tree:", url_path="decision-graph"),
        ],
        "Existing cluster": [
            st.Page("app_pages/audit.py", title="Audit", icon=":material/fact_check:", url_path="audit"),
        ],
    }
).run()
