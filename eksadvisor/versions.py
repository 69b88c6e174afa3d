"""VPC CNI version strings: parsed once, compared as tuples."""

from __future__ import annotations

import re

from eksadvisor.errors import InputError

_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?(?:-eksbuild\.\d+)?")


def parse_cni_version(text: str, field: str = "cni_version") -> tuple[int, int, int]:
    """``"1.19.2"``, ``"v1.19.2-eksbuild.1"`` or ``"1.9"`` -> (1, 19, 2); anything else is bad input."""
    m = _VERSION.fullmatch(str(text).strip())
    if not m:
        raise InputError(
            f"{field}: {text!r} is not a VPC CNI version like 1.19.2 (or v1.19.2-eksbuild.1).", field=field
        )
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def supports_prefix_delegation(version: tuple[int, int, int]) -> bool:
    """The calculator's test: major > 1, or major 1 and minor > 8 (i.e. >= 1.9)."""
    major, minor, _ = version
    return major > 1 or (major == 1 and minor > 8)
