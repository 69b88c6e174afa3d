"""Decisions: the questionnaire, the decision graph (graph: data and walk; context, facts, predicates: what it
reads), the rules' conditions, and the advisor that composes them into a Recommendation (plus what-if and batch).
"""
