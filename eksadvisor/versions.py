"""VPC CNI versions: the default the tool plans for, the minimums features need, and parsing version strings into
tuples that compare correctly (1.10 > 1.9)."""

from __future__ import annotations

import re

from eksadvisor.errors import InputError

# The VPC CNI version assumed when an answers file, a CLI call or the app does not say.
DEFAULT_CNI_VERSION = "1.19.2"
# Prefix delegation arrived in VPC CNI 1.9.0; IPv6 clusters need 1.10.1 or later.
PD_MIN_CNI = (1, 9, 0)
IPV6_MIN_CNI = (1, 10, 1)

_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?(?:-eksbuild\.\d+)?")


def parse_cni_version(text: str, field: str = "cni_version") -> tuple[int, int, int]:
    """``"1.19.2"``, ``"v1.19.2-eksbuild.1"`` or ``"1.9"`` -> (1, 19, 2); anything else is bad input."""
    m = _VERSION.fullmatch(str(text).strip())
    if not m:
        raise InputError(
            f"{field}: {text!r} is not a VPC CNI version like 1.19.2 (or v1.19.2-eksbuild.1).", field=field
        )
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def version_text(version: tuple[int, int, int], parts: int = 3) -> str:
    """``(1, 9, 0)`` -> ``"1.9.0"`` (or ``"1.9"`` with ``parts=2``): how messages write a minimum version."""
    return ".".join(str(n) for n in version[:parts])


PD_MIN_TEXT = version_text(PD_MIN_CNI)  # "1.9.0"
IPV6_MIN_TEXT = version_text(IPV6_MIN_CNI)  # "1.10.1"


def supports_prefix_delegation(version: tuple[int, int, int]) -> bool:
    """The calculator's test: major > 1, or major 1 and minor > 8, i.e. at least :data:`PD_MIN_CNI`."""
    return version >= PD_MIN_CNI
