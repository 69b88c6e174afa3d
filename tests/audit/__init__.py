"""The audit of an existing cluster (bundles and live AWS through moto)."""
