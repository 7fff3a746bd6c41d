"""Batch evaluations: every case file under a folder, in parallel processes, into one library.

Workers (separate processes, or Dask workers) execute and render cases and return the files in
memory (:class:`methods.runner.Artifacts`); only the coordinator writes the archive and the index,
one case at a time under the library lock. A failing case never stops the others; an interrupted
batch leaves no half-written case and resumes where it stopped, because unchanged cases (same case
file, data, notebook and package hashes) are skipped.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from methods.errors import CaseError, ExecutionError
from methods.hashing import combine, notebook_file, package_hash, sha256_file
from methods.library import Library

DEFAULT_TIMEOUT = 600


@dataclass(frozen=True)
class Failure:
    """One failed case: the file, its id, a one-line message and where the notebook was kept."""

    file: str
    case_id: str | None
    message: str
    kind: str
    notebook: str | None = None


@dataclass
class BatchSummary:
    """Counts and failures of a batch."""

    total: int = 0
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted

    def line(self) -> str:
        text = (
            f"共 {self.total} 个案例：完成 {len(self.done)}，跳过（未变化）{len(self.skipped)}，"
            f"失败 {len(self.failures)}，用时 {self.elapsed:.1f} 秒"
        )
        return text + ("（已中断，再次运行将从中断处继续）" if self.interrupted else "")


class _CaseTimeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - runs in worker processes
    raise _CaseTimeout()


def work(
    path: str,
    timeout: int,
    case_timeout: int | None,
    warm: bool = True,
    library: str | None = None,
) -> tuple[str, Any]:
    """Execute and render one case (in a worker). Returns ``("ok", Artifacts)`` or
    ``("failed", (message, kind, notebook bytes))``; never raises for a case's own failure."""
    from methods import runner

    if library:
        os.environ["JIXIAO_LIBRARY"] = library  # the library cases benchmark against
    if case_timeout and hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(case_timeout)
    try:
        try:
            return "ok", runner.produce_retrying(
                path, timeout=timeout, runner="jixiao batch", warm=warm
            )
        except ExecutionError as exc:
            return "failed", (str(exc), exc.kind, exc.notebook)
        except CaseError as exc:
            return "failed", (str(exc), "input", None)
    except _CaseTimeout:
        return "failed", (f"{path}: 超过单个案例时限 {case_timeout} 秒，已终止", "timeout", None)
    except Exception as exc:
        return "failed", (f"{path}: {type(exc).__name__}: {exc}", "other", None)
    finally:
        if case_timeout and hasattr(signal, "SIGALRM"):
            signal.alarm(0)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` (the process that started it) ends, however it
    ends (SIGKILL included): ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux, and everywhere a
    daemon thread that exits when the process is re-parented. Kernels started by a worker end
    with it in turn (ipykernel's parent poller, ``JPY_PARENT_PID``)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the watchdog remains
            pass
    if os.getppid() != parent_pid:  # the parent is already gone
        os._exit(1)

    def watch() -> None:  # pragma: no cover - ends the process
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    import threading

    threading.Thread(target=watch, name="jixiao-parent-watchdog", daemon=True).start()


def _init_worker(parent_pid: int | None = None) -> None:  # pragma: no cover - in workers
    # The coordinator handles Ctrl-C; workers finish or are terminated, and die with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_pid is not None:
        die_with_parent(parent_pid)


@dataclass(frozen=True)
class Planned:
    path: Path
    year: int
    case_id: str
    late: bool = False  # built from other archived cases: run after all the others


LIBRARY_READERS = {"evaluation_selection", "results_application", "work_assessment"}


def library_changed_since(library: Library, row, year: int, case_id: str) -> bool:
    """Whether an evaluation was archived after this case (a case built from the library, such as
    结果应用 or 考核, must then be rebuilt). Cases built from the library never feed one another."""
    readers = ", ".join(f"'{e}'" for e in sorted(LIBRARY_READERS | {"portfolio"}))
    latest = library.query(
        f"SELECT MAX(archived_at) AS t FROM cases WHERE evaluation NOT IN ({readers})"
    )[0]["t"]
    return latest is not None and latest > row["archived_at"]


def unchanged(path: Path, library: Library) -> tuple[int, str] | None:
    """(year, case_id) when the case file, its data, notebook and package are unchanged since the
    case was archived; None otherwise. Light: YAML, hashes and the index only, no validation."""
    from methods import _yaml

    try:
        raw = _yaml.load(path.read_bytes())
    except Exception:  # noqa: BLE001 - unreadable here: validation reports it for this file
        return None
    if not isinstance(raw, dict):
        return None
    year, case_id, evaluation = raw.get("year"), raw.get("case_id"), raw.get("evaluation")
    if not (isinstance(year, int) and isinstance(case_id, str) and isinstance(evaluation, str)):
        return None
    row = library.get(year, case_id)
    folder = library.case_dir(year, case_id) if row is not None else None
    if folder is None or not folder.is_dir() or row["case_hash"] != sha256_file(path):
        return None
    notebook = notebook_file(evaluation)
    reader = evaluation in LIBRARY_READERS or (evaluation == "portfolio" and "select" in raw)
    if reader and library_changed_since(library, row, year, case_id):
        return None
    try:
        prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        standards = prov.get("standards_hash")
        if standards is not None:
            # targets from the library (历史标准/行业标准) come from earlier years only: they are
            # unchanged when no earlier-year case was archived after this one
            latest = library.query(
                "SELECT MAX(archived_at) AS t FROM cases WHERE year < ?", (year,)
            )
            if latest[0]["t"] is not None and latest[0]["t"] > row["archived_at"]:
                return None
        data = {d["name"]: sha256_file(path.parent / d["name"]) for d in prov.get("data_files", [])}
        current = combine(row["case_hash"], data, sha256_file(notebook), package_hash(), standards)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (year, case_id) if current == row["input_hash"] else None


def plan(
    paths: Sequence[str | Path], library: Library, *, force: bool = False
) -> tuple[list[Planned], list[str], list[Failure]]:
    """Validate every case file and decide what to run: (to run, skipped, invalid).

    ``library`` becomes the library of this process (``$JIXIAO_LIBRARY``): targets taken from a
    library (历史标准/行业标准) are validated against it, as the workers will compute them."""
    from methods import casefile
    from methods import library as _library

    _library.use(library.root)

    # never the library's own archived parameters.yaml files (a library inside a case folder)
    files = [
        f
        for f in casefile.find_case_files(list(paths))
        if not Path(os.path.abspath(f)).is_relative_to(library.root)
    ]
    todo: list[Planned] = []
    skipped: list[str] = []
    invalid: list[Failure] = []
    seen: dict[tuple[int, str], Path] = {}

    def duplicate(key: tuple[int, str], path: Path) -> bool:
        if key in seen:
            invalid.append(
                Failure(
                    str(path),
                    key[1],
                    f"{path}: case_id: 与 {seen[key]} 重复（同一年度的案例编号必须唯一）",
                    "input",
                )
            )
            return True
        seen[key] = path
        return False

    for path in files:
        try:
            planned = _plan_one(path, library, force, duplicate)
        except CaseError as exc:
            invalid.append(Failure(str(path), None, str(exc), "input"))
            continue
        except Exception as exc:  # noqa: BLE001 - one unreadable file never stops the batch
            text = str(exc).splitlines()[0] if str(exc) else ""
            invalid.append(
                Failure(
                    str(path),
                    None,
                    f"{path}: 无法读取或校验：{type(exc).__name__}: {text}",
                    "input",
                )
            )
            continue
        if planned == "skip":
            skipped.append(str(path))
        elif isinstance(planned, Planned):
            todo.append(planned)
    return todo, skipped, invalid


def _plan_one(path: Path, library: Library, force: bool, duplicate) -> Planned | str | None:
    """Plan one case file: a :class:`Planned` to run, ``"skip"`` (unchanged) or None (already
    reported, e.g. a duplicate id). Raises CaseError (or anything else) for a bad file."""
    from methods import casefile, runner

    key = None if force else unchanged(path, library)
    if key is not None:
        return None if duplicate(key, path) else "skip"
    from methods.standards import library_checks_deferred

    # cases built from the library are checked against it when they run, after this batch has
    # archived the earlier years' cases they read
    with library_checks_deferred():
        case = casefile.validate(path)
    if duplicate((case.year, case.case_id), path):
        return None
    if not force:
        runner.check_replacement(library, case, path)
        row = library.get(case.year, case.case_id)
        if (
            row is not None
            and library.case_dir(case.year, case.case_id).is_dir()
            and not (
                case.reads_library()
                and library_changed_since(library, row, case.year, case.case_id)
            )
            and row["input_hash"] == runner.input_hashes(case, path)["input"]
        ):
            return "skip"
    return Planned(path, case.year, case.case_id, case.reads_library())


def _log(library: Library, year: int, case_id: str, text: str) -> None:
    logs = library.root / ".logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{year}__{case_id}.log").write_text(text + "\n", encoding="utf-8")


def run_batch(
    paths: Sequence[str | Path],
    library: str | Path | Library | None = None,
    *,
    workers: int | None = None,
    force: bool = False,
    timeout: int = DEFAULT_TIMEOUT,
    case_timeout: int | None = None,
    progress: bool = True,
    dask: str | None = None,
    on_event: Callable[[str, str], None] | None = None,
    on_library: Callable[[Path], None] | None = None,
) -> BatchSummary:
    """Run every case file under ``paths`` into one library.

    Parameters
    ----------
    paths : sequence of path
        Case files or folders (searched recursively for ``*.yaml``).
    library : path or Library, optional
        Target library (default: :func:`methods.library.locate` from the first path:
        ``$JIXIAO_LIBRARY``, else the nearest ``case_library/`` of its project, else a new one in
        the project root).
    workers : int, optional
        Parallel worker processes (default: the CPU count).
    force : bool
        Rerun unchanged cases too.
    timeout : int
        Seconds per notebook cell.
    case_timeout : int, optional
        Seconds per case in all (default: no limit beyond the per-cell one).
    progress : bool
        Show a progress bar on stderr.
    dask : str, optional
        Address of a Dask scheduler, or ``"local"`` for a LocalCluster (``pip install .[distributed]``).
    on_event : callable, optional
        Called with (kind, text) for ``"done"``, ``"failed"``, ``"skipped"`` (used by tests and logs).
    on_library : callable, optional
        Called with the library's absolute path once it is known (``jixiao batch`` prints it).

    Returns
    -------
    BatchSummary
    """
    from methods import library as _library

    t0 = time.perf_counter()
    if isinstance(library, Library):
        lib = library
    else:
        first = paths[0] if paths else Path.cwd()
        lib = Library(_library.locate(first, library))
    _library.use(lib.root)  # standards resolve as in the workers
    if on_library:
        on_library(lib.root)
    todo, skipped, invalid = plan(paths, lib, force=force)
    summary = BatchSummary(total=len(todo) + len(skipped) + len(invalid), skipped=skipped)
    summary.failures.extend(invalid)
    for f in invalid:
        if on_event:
            on_event("failed", f.message)
    for s in skipped:
        if on_event:
            on_event("skipped", s)

    bar = _progress(len(todo), enabled=progress and bool(todo))
    _postfix(bar, summary)

    from methods import runner

    def finish(item: Planned, status: str, payload: Any) -> None:
        if status == "ok":
            try:
                runner.archive(payload, lib)
            except OSError as exc:
                status, payload = "failed", (f"{item.path}: 存档失败：{exc}", "archive", None)
            else:
                summary.done.append(str(item.path))
                t = payload.timings
                _log(lib, item.year, item.case_id, f"完成 {item.path} {t}")
                if on_event:
                    on_event("done", str(item.path))
        if status == "failed":
            message, kind, notebook = payload
            kept = runner.keep_failed(lib, item.year, item.case_id, notebook)
            summary.failures.append(
                Failure(str(item.path), item.case_id, message, kind, str(kept) if kept else None)
            )
            _log(lib, item.year, item.case_id, f"失败 {item.path}\n{message}")
            if on_event:
                on_event("failed", message)
        bar.update(1)
        _postfix(bar, summary)

    # Earlier years first (历史标准 of a case may come from the previous year's cases); cases built
    # from other archived cases (结果应用, 考核, portfolios selected from the library) last.
    keys = sorted({(i.late, i.year) for i in todo})
    waves = [[i for i in todo if (i.late, i.year) == key] for key in keys]
    args = (timeout, case_timeout, True, str(lib.root))
    try:
        if todo:
            if dask:
                _run_dask(waves, dask, args, finish)
            else:
                _run_processes(waves, workers, args, finish)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        bar.close()
        if summary.done or not (lib.root / "index.html").exists():
            from methods import catalogue

            catalogue.build(lib)
        summary.elapsed = time.perf_counter() - t0
    return summary


def _run_processes(waves, workers, args, finish) -> None:
    n = max(1, min(workers or os.cpu_count() or 1, max(len(w) for w in waves)))
    if n == 1:
        for wave in waves:
            for item in wave:
                finish(item, *work(str(item.path), *args))
        return
    ctx = multiprocessing.get_context("spawn")
    pool = cf.ProcessPoolExecutor(
        max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)
    )
    try:
        for wave in waves:
            futures = {pool.submit(work, str(item.path), *args): item for item in wave}
            for fut in cf.as_completed(futures):
                item = futures[fut]
                try:
                    status, payload = fut.result()
                except cf.process.BrokenProcessPool as exc:
                    status, payload = (
                        "failed",
                        (f"{item.path}: 工作进程异常退出：{exc}", "worker", None),
                    )
                finish(item, status, payload)
    except KeyboardInterrupt:
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


def _run_dask(waves, address, args, finish) -> None:
    """The same batch on a Dask cluster: workers execute and render, this process archives."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise CaseError(
            "使用 --dask 需要安装 Dask：pip install -e '.[distributed]'", field="--dask"
        ) from None
    cluster = None
    if address == "local":
        cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        for wave in waves:
            futures = {
                client.submit(work, str(item.path.resolve()), *args, pure=False): item
                for item in wave
            }
            for fut in as_completed(list(futures)):
                item = futures[fut]
                try:
                    status, payload = fut.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker fails one case
                    status, payload = (
                        "failed",
                        (f"{item.path}: Dask 任务失败：{exc}", "worker", None),
                    )
                finish(item, status, payload)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def set_postfix_str(self, s: str, refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, *, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="评价进度", unit="案例", file=sys.stderr, dynamic_ncols=True)


def _postfix(bar, summary: BatchSummary) -> None:
    bar.set_postfix_str(
        f"完成 {len(summary.done)} 失败 {len(summary.failures)} 跳过 {len(summary.skipped)}"
    )


def failures_report(failures: Iterable[Failure]) -> list[str]:
    """One line per failed case (plus where its notebook was kept)."""
    lines = []
    for f in failures:
        first = f.message.splitlines()[0]
        lines.append(f"失败  {first}")
        if f.notebook:
            lines.append(f"      失败的 notebook：{f.notebook}")
    return lines
