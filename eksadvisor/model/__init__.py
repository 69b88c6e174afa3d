"""The node model: how many ENIs, IPs and prefixes a node holds (ipamd), max-pods, warm pools.

Each module mirrors the VPC CNI source it models; docs/ipamd-model.md is the specification.
"""
