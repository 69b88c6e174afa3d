"""CIDR arithmetic, the subnet planner (incl. under address pressure), /28 prefix readiness."""
