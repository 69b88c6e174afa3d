"""Addresses: CIDR arithmetic (cidr), the subnet planner (planner/, one module per phase; its package docstring is
the map), /28 prefix readiness (prefixready), subnet tags (tags) and Multus ranges (multus).
"""
