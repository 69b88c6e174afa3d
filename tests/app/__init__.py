"""The Streamlit app through AppTest (the browser tests are in tests/e2e)."""
