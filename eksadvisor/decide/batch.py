"""``advise_many(paths_or_dir)``: advice for a fleet, one row per answers file (docs/design.md §2.6).

Each file is advised on its own by :func:`advise_file` (a top-level function, so a process pool or a batch
engine can call it): the recommended row of :func:`eksadvisor.decide.whatif.compare_rows`, i.e. advise()'s own
decisions and figures on the non-raising path, so a cluster whose subnet plan does not fit is a row with
``fits`` False, not an error. A file that fails to load or validate is a row with its one-sentence error in
``error``; nothing a single file does stops the batch.

Scaling out: the work is per file and independent. On one machine ``workers=N`` runs the files in a
``concurrent.futures`` process pool; a fleet that outgrows one machine would map the same
:func:`advise_file` over the files with a batch engine (Ray ``ray.data.from_items(paths).map(advise_file)``,
Dask ``dask.bag.from_sequence(paths).map(advise_file)``) and collect the rows; nothing here needs changing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from eksadvisor.answers import load_answers
from eksadvisor.catalog import load_catalog
from eksadvisor.decide.whatif import compare_rows
from eksadvisor.errors import EksAdvisorError, InputError

COLUMNS = ("file", "cluster", "region", "ip_family", "mode", "custom_networking", "secondary_cidrs", "max_pods",
           "fits", "critical_warnings", "digest", "error")
SUFFIXES = (".yaml", ".yml", ".json")


def answers_files(paths_or_dir: str | Path | Iterable[str | Path]) -> list[Path]:
    """The answers files: a folder's *.yaml, *.yml and *.json (not recursive, sorted by name), one file, or a list."""
    if isinstance(paths_or_dir, (str, Path)):
        p = Path(paths_or_dir)
        if p.is_dir():
            return sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUFFIXES)
        if not p.exists():
            raise InputError(f"paths_or_dir: {str(p)!r} does not exist.", field="paths_or_dir")
        return [p]
    return [Path(x) for x in paths_or_dir]


def _empty(path: Path) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(file=str(path), secondary_cidrs="", error="")
    return row


def advise_file(path: str | Path, catalog: Any = None) -> dict[str, Any]:
    """One row for one answers file; never raises for the file's content (the error goes in ``error``)."""
    path = Path(path)
    row = _empty(path)
    try:
        answers = load_answers(path)
        row.update(cluster=answers.cluster_name, region=answers.region, digest=answers.digest())
        rec = compare_rows(answers, [], catalog=catalog)[0]
    except EksAdvisorError as exc:  # InputError (bad file), PlanDoesNotFit, catalog problems: one sentence
        row["error"] = str(exc)
        return row
    except Exception as exc:  # a bug: report it in the row so the rest of the fleet is still advised
        row["error"] = f"internal error ({type(exc).__name__}: {exc}); please report it"
        return row
    row.update(
        ip_family=rec["ip_family"], mode=rec["address_mode"], custom_networking=rec["custom_networking"],
        secondary_cidrs=rec["secondary_cidrs"], max_pods=rec["max_pods"], fits=rec["fits"],
        critical_warnings=rec["critical_warnings"],
    )
    return row


def _init_worker() -> None:  # pragma: no cover - runs in the pool's processes
    load_catalog()


def advise_many_rows(paths_or_dir: str | Path | Iterable[str | Path], *, workers: int | None = None,
                     progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """The rows of :func:`advise_many` as dicts, in file order. ``workers`` > 1 uses a process pool;
    ``progress(done, total)`` is called after each file."""
    files = answers_files(paths_or_dir)
    total = len(files)
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise InputError(f"workers: {workers!r} is not a whole number of at least 1.", field="workers")
    rows: list[dict[str, Any]] = []
    if not workers or workers == 1 or total < 2:
        catalog = load_catalog()
        for i, f in enumerate(files, 1):
            rows.append(advise_file(f, catalog))
            if progress:
                progress(i, total)
        return rows
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        chunk = max(1, total // (workers * 8))
        for i, row in enumerate(pool.map(advise_file, files, chunksize=chunk), 1):
            rows.append(row)
            if progress:
                progress(i, total)
    return rows


def advise_many(paths_or_dir: str | Path | Iterable[str | Path], *, workers: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> Any:
    """A pandas DataFrame, one row per answers file: file, cluster, region, ip_family, mode (secondary_ip |
    prefix), custom_networking, secondary_cidrs (to associate), max_pods (lowest node group), fits,
    critical_warnings, digest, error (empty when the file was advised)."""
    import pandas as pd

    df = pd.DataFrame(advise_many_rows(paths_or_dir, workers=workers, progress=progress), columns=list(COLUMNS))
    for col in ("max_pods", "critical_warnings"):
        df[col] = df[col].astype("Int64")
    df["fits"] = df["fits"].astype("boolean")
    df["custom_networking"] = df["custom_networking"].astype("boolean")
    return df
