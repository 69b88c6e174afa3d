"""Data shipped with eksadvisor (catalog, questionnaire, decision graph, rules). Not code."""
