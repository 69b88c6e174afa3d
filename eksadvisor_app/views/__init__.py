"""One module per app page; each reads engine results and renders (no domain arithmetic here)."""
