"""Audit an existing EKS cluster (docs/design.md §2.5): read its real state from a bundle of standard command output
(or live, with boto3), find what is wrong or running out, and plan the way to the recommended settings.

``audit(path_or_bundle)`` -> :class:`~eksadvisor.audit.model.AuditResult`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when an audit runs: `import eksadvisor.audit` stays light
    from eksadvisor.audit.bundle import Bundle
    from eksadvisor.audit.model import AuditResult
    from eksadvisor.catalog import Catalog


def audit(source: str | Path | Bundle, *, catalog: Catalog | None = None) -> AuditResult:
    """Audit a bundle folder (path) or an already read :class:`~eksadvisor.audit.bundle.Bundle`."""
    from eksadvisor.audit.bundle import Bundle, read_bundle
    from eksadvisor.audit.engine import audit_bundle

    bundle = source if isinstance(source, Bundle) else read_bundle(source)
    return audit_bundle(bundle, catalog=catalog)


__all__ = ["audit"]
