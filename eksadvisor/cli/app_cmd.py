"""`eksadvisor app`: start the Streamlit app that ships inside the package (``pip install 'eksadvisor[app]'``)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

DEFAULT_PORT = 8501  # Streamlit's own default


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    p.add_argument("--browser", action="store_true", help="open a browser tab (the default is headless: servers, containers)")


def app_dir() -> Path:
    """The installed ``eksadvisor_app`` package (found, not imported: importing it would import Streamlit)."""
    spec = find_spec("eksadvisor_app")
    if spec is None or spec.origin is None:  # pragma: no cover - the package ships in the same wheel
        raise ModuleNotFoundError("eksadvisor_app", name="eksadvisor_app")
    return Path(spec.origin).parent


def main_script() -> Path:
    """The app's entry script inside the installed package."""
    return app_dir() / "main.py"


def settings() -> dict[str, object]:
    """The app's Streamlit settings (eksadvisor_app/streamlit.toml) as ``section.key -> value``.

    They ship inside the package, so an installed app gets them wherever it is started from (Streamlit itself reads
    only ``./.streamlit/config.toml`` and the user's home)."""
    import tomllib

    table = tomllib.loads((app_dir() / "streamlit.toml").read_text(encoding="utf-8"))
    return {f"{section}.{key}": value for section, keys in table.items() for key, value in keys.items()}


def _flag_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def command(port: int = DEFAULT_PORT, headless: bool = True) -> list[str]:
    """The streamlit command line this command runs: the package's entry script and settings."""
    opts = settings() | {"server.port": port, "server.headless": headless}
    cmd = [sys.executable, "-m", "streamlit", "run", str(main_script())]
    for key, value in opts.items():
        cmd += [f"--{key}", _flag_value(value)]
    return cmd


def run(args: argparse.Namespace) -> int:
    from eksadvisor.errors import InputError

    if find_spec("streamlit") is None:
        raise InputError("the app needs Streamlit, which is not installed: run pip install 'eksadvisor[app]'.")
    if not 1 <= args.port <= 65535:
        raise InputError(f"--port: {args.port} is not a TCP port (1-65535).", field="--port")
    return subprocess.call(command(args.port, headless=not args.browser), env=os.environ.copy())
