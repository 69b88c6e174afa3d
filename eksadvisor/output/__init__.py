"""What users read and apply: configuration artefacts (snippets), the report, charts and rich display.
"""
