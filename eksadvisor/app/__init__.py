"""The Streamlit app (``eksadvisor app`` starts it): ``main.py`` wires navigation, ``views/`` render engine results.
"""
