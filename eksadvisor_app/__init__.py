"""eksadvisor's Streamlit app, kept outside the engine package so ``import eksadvisor`` never reaches UI code.

``eksadvisor app`` starts it: ``main.py`` wires navigation, ``views/`` render engine results (no domain arithmetic).
"""
