"""Answers, the decision graph, rules, the advisor, what-if comparison and batch runs."""
