"""Decision graph: the graph the advisor walks, drawn from DOT text, with the path for the current answers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from eksadvisor.decide import graph
from eksadvisor.output.graphdraw import to_dot
from eksadvisor.wording import plain
from eksadvisor_app.views._common import Fields, get_answers, recommend

st.title("Decision graph")
st.caption(
    "Built from the matrices of the EKS networking best-practices guide. At each node the advisor takes the first "
    "branch whose condition holds; the highlighted path is the walk for your answers."
)

fields = Fields()
answers = get_answers(fields)
if answers is None:
    st.info("No answers yet, so this is the walk for the default answers. Fill in the **Advisor** to see yours.")
    answers = {}
_, rec = recommend(answers, fields)
trace = rec.trace if rec is not None else []

# st.graphviz_chart accepts DOT source as a string; its width= replaces the deprecated use_container_width
# (docs.streamlit.io/develop/api-reference/charts/st.graphviz_chart).
# width="content": drawn at its own size (scrolls when wider than the page); "stretch" scaled a small graph up until
# one node filled the screen.
st.graphviz_chart(to_dot(graph.load_graph(), trace), width="content")

if rec is not None:
    st.markdown("**The walk**")
    st.table(  # st.table wraps the prose (st.dataframe cut it off)
        pd.DataFrame([{"node": t.node, "outcome": t.outcome, "reason": plain(t.reason), "source": plain(t.source)}
                      for t in trace]).set_index("node"),
    )
    if rec.alternatives:
        st.markdown("**Options not taken**")
        st.table(
            pd.DataFrame([{"option": a.option, "verdict": a.verdict, "reason": plain(a.reason)}
                          for a in rec.alternatives]).set_index("option"),
        )
