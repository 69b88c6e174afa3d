"""eksadvisor's Streamlit app: navigation only. Each page in views/ calls the engine and renders.

st.navigation + st.Page is Streamlit's preferred multipage API: the entrypoint is the router, it is
called once per run and the returned page is executed with .run(). Page paths are relative to this file, so the
installed package runs the same way from any directory (``eksadvisor app``)
(docs.streamlit.io/develop/concepts/multipage-apps/page-and-navigation). The default page (Advisor) lives at
the root URL.

The pages live in views/, not pages/: Streamlit checks once per server, before any script has run, whether
a ``pages`` directory sits beside the entrypoint (streamlit/runtime/pages_manager.py, PagesManager
.uses_pages_directory) and then treats the first visit as a legacy multipage app, so the first request after a
server start that opened a page URL directly (/max-pods) showed a "page ... does not seem to exist" modal.
"""

import streamlit as st

st.set_page_config(page_title="eksadvisor", page_icon=":material/lan:", layout="wide")

st.navigation(
    {
        "Advise": [
            st.Page("views/advisor.py", title="Advisor", icon=":material/checklist:", default=True),
            st.Page("views/report.py", title="Report", icon=":material/description:", url_path="report"),
        ],
        "Explore": [
            st.Page("views/max_pods.py", title="Max pods explorer", icon=":material/table_view:", url_path="max-pods"),
            st.Page("views/ip_usage.py", title="IP usage simulator", icon=":material/memory:", url_path="ip-usage"),
            st.Page("views/subnets.py", title="Subnet planner", icon=":material/lan:", url_path="subnets"),
            st.Page("views/decision_graph.py", title="Decision graph", icon=":material/account_tree:", url_path="decision-graph"),
        ],
        "Existing cluster": [
            st.Page("views/audit.py", title="Audit", icon=":material/fact_check:", url_path="audit"),
        ],
    }
).run()
