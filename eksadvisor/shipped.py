"""The data files shipped inside the package (``data/`` installed as ``eksadvisor.data``).

Every layer reads its YAML here (decision graph, rules, questionnaire, regions), so no module has to import a
higher layer just to load data."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any


def shipped_data_dir() -> Path:
    """The installed ``data/`` folder (package ``eksadvisor.data``), found without importlib.resources,
    which costs more start-up time than the whole max-pods computation."""
    # by name: eksadvisor.data exists only once installed (setuptools maps it to data/), so mypy cannot see it
    data_pkg = import_module("eksadvisor.data")
    return Path(str(data_pkg.__file__)).parent


def read_data_text(name: str) -> str:
    return (shipped_data_dir() / name).read_text(encoding="utf-8")


def load_yaml_data(name: str) -> Any:
    import yaml

    return yaml.load(read_data_text(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
