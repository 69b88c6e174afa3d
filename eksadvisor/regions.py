"""Availability Zones per commercial Region (``data/regions.yaml``): how many a Region offers and which AZ IDs EKS
refuses for cluster subnets. Used to reject answers that invent AZs (``availability_zones: 6`` in eu-west-1) and to
warn about control-plane exclusions such as use1-az3."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple


class Region(NamedTuple):
    name: str
    azs: int
    eks_excluded_az_ids: tuple[str, ...]


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Region], str]:
    from eksadvisor.shipped import load_yaml_data  # libyaml's loader: a tenth of the pure-Python parse

    doc: dict[str, Any] = load_yaml_data("regions.yaml")
    table = {name: Region(name, int(v["azs"]), tuple(v.get("eks_excluded_az_ids") or ()))
             for name, v in doc["regions"].items()}
    return table, str(doc["source"])


def region(name: str) -> Region | None:
    """The Region's facts, or None for a Region the table does not list (not checked)."""
    return _table()[0].get(name)


def source() -> str:
    return _table()[1]
