"""Decisions: the questionnaire, the decision graph, the rules and the advisor that walks them.
"""
