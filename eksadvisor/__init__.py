"""eksadvisor: decide how pods get IP addresses on Amazon EKS.

Import is kept light on purpose (no pydantic models built, no streamlit/altair/pandas/IPython): the public
functions are loaded on first use, so ``eksadvisor max-pods`` starts as fast as a shell script. pandas is
imported by :func:`compare` and :func:`advise_many` only when called; results display richly in Jupyter
through ``_repr_html_`` methods that import :mod:`eksadvisor.display` only when a notebook shows them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it; resolved lazily by __getattr__ (PEP 562).
_LAZY = {
    "EksAdvisorError": "eksadvisor.errors",
    "InputError": "eksadvisor.errors",
    "UnknownInstanceType": "eksadvisor.errors",
    "load_catalog": "eksadvisor.catalog",
    "InstanceType": "eksadvisor.catalog",
    "max_pods": "eksadvisor.maxpods",
    "MaxPodsResult": "eksadvisor.maxpods",
    "node_usage": "eksadvisor.ipam",
    "cluster_usage": "eksadvisor.ipam",
    "windows_node_usage": "eksadvisor.winipam",
    "advise": "eksadvisor.advisor",
    "Answers": "eksadvisor.answers",
    "Recommendation": "eksadvisor.recommendation",
    "load_answers": "eksadvisor.answers",
    "plan_subnets": "eksadvisor.layout",
    "build_snippets": "eksadvisor.snippets",
    "render_report": "eksadvisor.report",
    "export_answers_yaml": "eksadvisor.report",
    "compare": "eksadvisor.whatif",
    "advise_many": "eksadvisor.batch",
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover
    from eksadvisor.catalog import InstanceType, load_catalog
    from eksadvisor.errors import EksAdvisorError, InputError, UnknownInstanceType
    from eksadvisor.maxpods import MaxPodsResult, max_pods


# submodules reachable as attributes without an explicit import (``eksadvisor.charts.compare_chart``)
_SUBMODULES = frozenset({"charts", "display", "whatif", "batch", "report"})


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return import_module(f"eksadvisor.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'eksadvisor' has no attribute {name!r}")
    mod = import_module(module)
    value = getattr(mod, name)
    globals()[name] = value
    return value
