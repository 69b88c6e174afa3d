"""Repository-level checks: import weight, packaging, docs drift, architecture, notebooks."""
