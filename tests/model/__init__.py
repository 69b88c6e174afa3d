"""The node model: max-pods, ENIs/IPs/prefixes per node (ipamd), Windows nodes, the catalog."""
