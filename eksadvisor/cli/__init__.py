"""Command-line front door: a thin adapter over the engine.

Each sub-command lives in its own module under ``eksadvisor.cli`` and is imported only when it is
run, so ``eksadvisor max-pods`` never pays for pydantic, YAML or the advisor. Engine errors become
one line on stderr in exactly one place (:func:`main`): exit 2 for bad input (and for a missing optional
dependency: the line names the extra to install), 1 for a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

# command name -> (module, one-line help). The module defines add_arguments(parser) and run(args).
COMMANDS: dict[str, tuple[str, str]] = {
    "max-pods": ("eksadvisor.cli.maxpods_cmd", "kubelet max-pods, exactly as AWS's max-pods-calculator.sh computes it"),
    "ip-usage": ("eksadvisor.cli.ipusage_cmd", "ENIs, IPs, prefixes and subnet addresses a node really holds (ipamd model; --windows: a Windows node)"),
    "catalog": ("eksadvisor.cli.catalog_cmd", "look up or refresh the EC2 instance networking catalog"),
    "subnets": ("eksadvisor.cli.subnets_cmd", "plan subnets for an answers file, or check a subnet's /28 prefix readiness"),
    "advise": ("eksadvisor.cli.advise_cmd", "recommend a VPC CNI mode, subnet layout, settings and max-pods for an answers file"),
    "schema": ("eksadvisor.cli.schema_cmd", "print the JSON Schema of the answers file"),
    "snippets": ("eksadvisor.cli.snippets_cmd", "print the generated configuration for an answers file"),
    "audit": ("eksadvisor.cli.audit_cmd", "audit an existing cluster from a bundle of aws/kubectl output (or live with --aws)"),
    "app": ("eksadvisor.cli.app_cmd", "start the web app (needs pip install 'eksadvisor[app]')"),
}


# Optional dependencies -> the extra that installs them. A missing one is the installation's shape, not a bug:
# the command says which extra to install (exit 2, one line), e.g. ``advise --format pdf`` without WeasyPrint.
OPTIONAL_MODULES: dict[str, tuple[str, str]] = {  # top-level module -> (extra, what needs it)
    "weasyprint": ("report", "PDF output"),
    "vl_convert": ("report", "charts in reports"),
    "altair": ("report", "charts in reports"),
}


def missing_dependency_message(exc: BaseException) -> str | None:
    """One line for an optional dependency that cannot be imported, else None (a real bug)."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.split(".")[0]
        if top in OPTIONAL_MODULES:
            extra, what = OPTIONAL_MODULES[top]
            return (f"{what} needs the optional package {top!r}, which is not installed: "
                    f"run pip install 'eksadvisor[{extra}]'.")
    if isinstance(exc, OSError) and "cannot load library" in str(exc):
        # WeasyPrint is installed but the system's Pango libraries are not (its import loads them).
        return ("PDF output needs the Pango libraries WeasyPrint renders with, which are not installed: "
                f"run scripts/system-deps.sh on Debian/Ubuntu (or see WeasyPrint's installation guide): {exc}.")
    return None


def _plain(message: str) -> str:
    """The error line in plain words (confidence labels and internal references named for users)."""
    from eksadvisor.wording import plain

    return plain(message)


class CliUsageError(Exception):
    """Raised by the argument parser instead of printing usage and exiting."""


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors become one clear line (exit 2), not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliUsageError(f"{self.prog}: {message}")


def _top_parser() -> Parser:
    from eksadvisor import __version__

    parser = Parser(
        prog="eksadvisor",
        description="Decide how pods get IP addresses on Amazon EKS.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands:\n" + "\n".join(f"  {name:<10} {help_}" for name, (_, help_) in COMMANDS.items()),
    )
    parser.add_argument("--version", action="version", version=f"eksadvisor {__version__}")
    parser.add_argument("command", nargs="?", help="one of the commands below")
    return parser


def build_parser(name: str) -> tuple[Parser, object]:
    """The parser of one command and its module (imported now, not before)."""
    module_name, help_ = COMMANDS[name]
    module = import_module(module_name)
    parser = Parser(prog=f"eksadvisor {name}", description=help_)
    module.add_arguments(parser)
    return parser, module


def main(argv: Sequence[str] | None = None) -> int:
    if argv is not None:
        return _main(list(argv))
    # The eksadvisor program (console script, ``python -m eksadvisor``) is a short-lived process: the cyclic GC
    # would walk the many long-lived objects the imports leave (pydantic's schemas above all) again and again,
    # and once more at exit: ~40 ms, a sixth of a cold `advise`. Reference counting still frees acyclic garbage;
    # the few cycles a command makes live until the process ends moments later. Callers passing argv (tests,
    # other programs) are unaffected.
    import gc

    # pydantic looks for plugins by scanning the entry points of every installed distribution on the first model it
    # builds (~20-30 ms in a full environment); the CLI uses none. Set PYDANTIC_DISABLE_PLUGINS= (empty) to keep them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()
    try:
        return _main(sys.argv[1:])
    finally:
        gc.freeze()  # what exists now is never scanned again, so the collection at interpreter exit is cheap
        gc.enable()


def _main(args: list[str]) -> int:
    from eksadvisor.errors import EksAdvisorError, InputError

    try:
        if not args or args[0].startswith("-"):
            top = _top_parser()
            top.parse_args(args)
            top.print_help()
            return 0 if args else 2
        name, rest = args[0], args[1:]
        if name not in COMMANDS:
            import difflib

            close = difflib.get_close_matches(name, COMMANDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; choose from {', '.join(COMMANDS)}"
            raise CliUsageError(f"eksadvisor: unknown command {name!r}{hint}")
        parser, module = build_parser(name)
        parsed = parser.parse_args(rest)
        return int(module.run(parsed) or 0)  # type: ignore[attr-defined]
    except CliUsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"error: {_plain(str(exc))}", file=sys.stderr)
        return 2
    except EksAdvisorError as exc:
        print(f"error: {_plain(str(exc))}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the one place a bug becomes a message
        missing = missing_dependency_message(exc)
        if missing is not None:
            print(f"error: {missing}", file=sys.stderr)
            return 2
        if os.environ.get("EKSADVISOR_DEBUG"):
            raise
        print(f"internal error (a bug in eksadvisor, please report it): {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
