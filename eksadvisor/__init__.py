"""eksadvisor: decide how pods get IP addresses on Amazon EKS.

Import is kept light on purpose (no pydantic models built, no streamlit/altair/pandas/IPython): the public
functions are loaded on first use, so ``eksadvisor max-pods`` starts as fast as a shell script. pandas is
imported by :func:`compare` and :func:`advise_many` only when called; results display richly in Jupyter
through ``_repr_html_`` methods that import :mod:`eksadvisor.output.display` only when a notebook shows them.
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
    "max_pods": "eksadvisor.model.maxpods",
    "MaxPodsResult": "eksadvisor.model.maxpods",
    "node_usage": "eksadvisor.model.ipam",
    "cluster_usage": "eksadvisor.model.ipam",
    "windows_node_usage": "eksadvisor.model.winipam",
    "advise": "eksadvisor.decide.advisor",
    "Answers": "eksadvisor.answers",
    "Recommendation": "eksadvisor.recommendation",
    "load_answers": "eksadvisor.answers",
    "plan_subnets": "eksadvisor.addressing.planner",
    "build_snippets": "eksadvisor.artefacts",
    "render_report": "eksadvisor.output.report",
    "export_answers_yaml": "eksadvisor.output.report",
    "compare": "eksadvisor.decide.whatif",
    "advise_many": "eksadvisor.decide.batch",
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover
    from eksadvisor.catalog import InstanceType as InstanceType
    from eksadvisor.catalog import load_catalog as load_catalog
    from eksadvisor.errors import (
        EksAdvisorError as EksAdvisorError,
    )
    from eksadvisor.errors import (
        InputError as InputError,
    )
    from eksadvisor.errors import (
        UnknownInstanceType as UnknownInstanceType,
    )
    from eksadvisor.model.maxpods import MaxPodsResult as MaxPodsResult
    from eksadvisor.model.maxpods import max_pods as max_pods


# Public submodules reachable as attributes without an explicit import (``eksadvisor.charts.compare_chart``);
# they live in the layer packages, the public names stay short.
_SUBMODULES = {
    "charts": "eksadvisor.output.charts",
    "display": "eksadvisor.output.display",
    "report": "eksadvisor.output.report",
    "whatif": "eksadvisor.decide.whatif",
    "batch": "eksadvisor.decide.batch",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return import_module(_SUBMODULES[name])
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'eksadvisor' has no attribute {name!r}")
    mod = import_module(module)
    value = getattr(mod, name)
    globals()[name] = value
    return value
