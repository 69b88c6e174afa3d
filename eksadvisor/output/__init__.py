"""What people read: the report (Markdown/HTML/PDF from templates/), charts, the decision-graph drawing and the rich
display of results in notebooks. It sits above the decision layer (the report shows compare()'s what-if rows); the
configuration artefacts the advisor generates live below it, in :mod:`eksadvisor.artefacts`.
"""
