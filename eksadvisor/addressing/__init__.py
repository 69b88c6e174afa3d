"""Addresses: CIDR arithmetic, the subnet planner, /28 prefix readiness, subnet tags and Multus ranges.

The subnet planner's public face is :mod:`eksadvisor.addressing.planner` (its docstring maps the phase modules:
plan_context, needs, overlap, routable, placement, space, pods, assemble, plan_findings, shortfall, blocks,
plan_model); :mod:`~eksadvisor.addressing.layout_check` judges a layout written by hand.
"""
