"""Addresses: CIDR arithmetic, the subnet planner, /28 prefix readiness, subnet tags and Multus ranges.
"""
