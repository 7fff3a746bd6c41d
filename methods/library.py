"""The case library (案例库): archived case folders and their SQLite index.

Layout (contracts §4)::

    <root>/<year>/<case_id>/   report.ipynb, report.html, results.json, parameters.yaml, provenance.json
    <root>/index.sqlite        one row per archived case (+ its indicators)
    <root>/.staging/           cases being written (never visible as archived)
    <root>/.trash/             the previous version of a case while it is being replaced
    <root>/.lock               serialises commits (fcntl.flock)

A case becomes visible in one ``rename`` of its finished staging folder, under the library lock, in
the same critical section as its index row. A crash leaves either the old case or the new one, and
:meth:`Library.recover` (run on every open) puts back a replaced case whose successor never arrived.

Which library (:func:`discover`), everywhere (``jixiao run``/``batch``/``library``, notebooks run by
papermill or JupyterLab, the Python API): an explicit one (``--library DIR`` or a case file's
``library:`` key) > ``$JIXIAO_LIBRARY`` > the nearest ``case_library/`` folder walking up from the
case file's folder (in a notebook kernel: its working directory, the case folder) to the project
root (the first folder holding ``pyproject.toml`` or ``.git``). The index stores the archive path
relative to the library and the case file relative to the project the library belongs to.

The index can always be rebuilt from the archives (:func:`reindex`); a missing or corrupt index is
reported with that advice instead of being silently replaced by an empty one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import json
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from methods.errors import JixiaoError

SCHEMA_VERSION = 4  # 3: indicators.identity/direction (benchmarks by identity); 4: responsible_*
DEFAULT_LIBRARY = "case_library"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS cases (
    year INTEGER NOT NULL,
    case_id TEXT NOT NULL,
    project_id TEXT,
    title TEXT,
    department TEXT,
    evaluation TEXT,
    budget_type TEXT,
    object_type TEXT,
    total_score REAL,
    grade TEXT,
    path TEXT NOT NULL,
    input_hash TEXT,
    case_hash TEXT,
    notebook_hash TEXT,
    package_hash TEXT,
    source TEXT,
    manifest_hash TEXT,
    archived_at TEXT,
    level1 TEXT,
    responsible_unit TEXT,
    responsible_role TEXT,
    PRIMARY KEY (year, case_id)
);
CREATE TABLE IF NOT EXISTS indicators (
    year INTEGER NOT NULL,
    case_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT,
    level1 TEXT,
    level2 TEXT,
    rule TEXT,
    unit TEXT,
    weight REAL,
    target REAL,
    actual REAL,
    score REAL,
    identity TEXT,
    direction TEXT,
    PRIMARY KEY (year, case_id, code)
);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS cases_department ON cases (department);
CREATE INDEX IF NOT EXISTS cases_evaluation ON cases (evaluation);
CREATE INDEX IF NOT EXISTS cases_grade ON cases (grade);
CREATE INDEX IF NOT EXISTS cases_source ON cases (source);
CREATE INDEX IF NOT EXISTS cases_project ON cases (project_id, year);
CREATE INDEX IF NOT EXISTS cases_year ON cases (year);
CREATE INDEX IF NOT EXISTS cases_responsible ON cases (responsible_unit, year);
CREATE INDEX IF NOT EXISTS indicators_code ON indicators (code, year);
CREATE INDEX IF NOT EXISTS indicators_name ON indicators (name);
CREATE INDEX IF NOT EXISTS indicators_identity ON indicators (identity, year);
"""


ENV_VAR = "JIXIAO_LIBRARY"
PROJECT_MARKERS = ("pyproject.toml", ".git")
REINDEX_HINT = "运行 jixiao library reindex{where} 从存档重建索引"


class LibraryError(JixiaoError):
    """The case library cannot be used as it is (not found, index missing or corrupt): exit 2."""

    exit_code = 2


class ReadOnlyLibrary(LibraryError):
    """The library folder cannot be written (it can still be opened with ``readonly=True``)."""


def _absolute(path: str | Path) -> Path:
    """An absolute, normalised path (``~`` expanded; symlinks kept as the user named them)."""
    return Path(os.path.abspath(os.path.expanduser(str(path))))


def project_root(start: str | Path | None = None) -> Path | None:
    """The project a folder (or file) belongs to: the nearest folder, from ``start`` upwards, that
    holds ``pyproject.toml`` or ``.git``; None outside any project."""
    here = _absolute(start if start is not None else Path.cwd())
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return None


def nearest(start: str | Path | None = None) -> Path | None:
    """The nearest ``case_library/`` folder walking up from ``start`` (a file's folder, default the
    working directory), stopping at the project root (or the home directory)."""
    here = _absolute(start if start is not None else Path.cwd())
    if here.is_file() or (not here.exists() and here.suffix in {".yaml", ".yml"}):
        here = here.parent
    try:
        home = Path.home()
    except (KeyError, RuntimeError):  # pragma: no cover - no home directory
        home = None
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_LIBRARY
        if candidate.is_dir():
            return candidate
        if any((folder / marker).exists() for marker in PROJECT_MARKERS) or folder == home:
            return None
    return None


def discover(
    start: str | Path | None = None, explicit: str | Path | None = None
) -> tuple[Path | None, str]:
    """Find the case library: ``explicit`` > ``$JIXIAO_LIBRARY`` > :func:`nearest` from ``start``.

    Returns ``(absolute path or None, how it was found)``. An explicit or environment library is
    returned even when its folder does not exist (a writer creates it; readers report it).
    ``explicit`` is resolved against the working directory when relative (resolve a case file's
    ``library:`` key against the case folder before passing it).
    """
    if explicit is not None and str(explicit) != "":
        return _absolute(explicit), "指定的案例库"
    env = os.environ.get(ENV_VAR)
    if env:
        return _absolute(env), f"环境变量 {ENV_VAR}"
    found = nearest(start)
    if found is not None:
        return found, "项目的 case_library/"
    return None, ""


def locate(start: str | Path | None = None, explicit: str | Path | None = None) -> Path:
    """The library ``jixiao run``/``batch`` write into: :func:`discover`, else a new
    ``case_library/`` in the project root of ``start`` (or beside ``start`` outside a project)."""
    path, _ = discover(start, explicit)
    if path is not None:
        return path
    here = _absolute(start if start is not None else Path.cwd())
    if here.is_file() or here.suffix in {".yaml", ".yml"}:
        here = here.parent
    return (project_root(here) or here) / DEFAULT_LIBRARY


PENDING: set[Path] = set()  # libraries this process is about to create (they count as found)


def use(path: str | Path) -> Path:
    """Make ``path`` the library of this process and of the kernels it starts from now on
    (``$JIXIAO_LIBRARY``). ``jixiao run`` and ``batch`` call it before validating a case, so the
    library counts as found even before they create it."""
    path = _absolute(path)
    PENDING.add(path)
    os.environ[ENV_VAR] = str(path)
    return path


def not_found_message() -> str:
    return f"未找到案例库（查找了 --library、library 字段、{ENV_VAR} 和项目中最近的 case_library/）"


def default_root() -> Path:
    """The library of the working directory: :func:`discover`, else ``./case_library``."""
    path, _ = discover()
    return path if path is not None else _absolute(DEFAULT_LIBRARY)


def has_archives(root: Path) -> bool:
    """Whether ``root`` holds any archived case folder (``<year>/<case_id>/results.json``)."""
    return any(True for _ in archive_folders(root))


def archive_folders(root: Path) -> Iterator[Path]:
    """Archived case folders under ``root`` (``<year>/<case_id>/``), sorted."""
    if not root.is_dir():
        return
    for year_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit()):
        yield from sorted(p for p in year_dir.iterdir() if p.is_dir())


@dataclass(frozen=True)
class Record:
    """What the index stores about one archived case."""

    year: int
    case_id: str
    project_id: str
    title: str
    department: str
    evaluation: str
    budget_type: str
    object_type: str
    total_score: float | None
    grade: str | None
    path: str
    input_hash: str
    case_hash: str
    notebook_hash: str
    package_hash: str
    source: str
    manifest_hash: str
    archived_at: str
    level1: Mapping[str, float]
    indicators: tuple[Mapping[str, Any], ...] = ()
    responsible_unit: str | None = None
    responsible_role: str | None = None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_lock(path: Path):
    """The lock file, opened for flock (a hook the read-only tests replace)."""
    return open(path, "a+")


def _is_corrupt(exc: BaseException) -> bool:
    """Whether an SQLite error means the index file itself is broken (not busy or read-only)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "no such table" in text:
        return True
    return not isinstance(exc, sqlite3.OperationalError)


def _is_read_only_error(exc: BaseException) -> bool:
    if isinstance(exc, PermissionError):
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "readonly" in text or "read-only" in text or "unable to open" in text
    return False


class Library:
    """A case library folder. Cheap to create; every write goes through :meth:`commit`.

    ``readonly=True`` opens an existing library without writing anything (no lock file, no crash
    recovery, the index opened read-only), e.g. on a read-only file system; :meth:`open` picks
    that mode by itself when the folder cannot be written.

    Raises
    ------
    LibraryError
        The index is missing while archived cases exist, or it is not a readable SQLite index:
        the message says to run ``jixiao library reindex``.
    """

    def __init__(self, root: str | Path | None = None, *, readonly: bool = False) -> None:
        self.root = _absolute(root) if root is not None else default_root()
        self.index_path = self.root / "index.sqlite"
        self.staging_root = self.root / ".staging"
        self.trash_root = self.root / ".trash"
        self.failed_root = self.root / ".failed"
        self.readonly = readonly
        self._immutable = False
        if readonly:
            if not self.index_path.is_file():
                if has_archives(self.root):
                    raise self._missing_index()
                raise FileNotFoundError(f"{self.root} 不是案例库（缺少 index.sqlite）")
            self._check_readable()
            return
        if not self.index_path.is_file() and has_archives(self.root):
            raise self._missing_index()
        try:
            self._open_for_writing()
        except (OSError, sqlite3.OperationalError) as exc:
            if not _is_read_only_error(exc):
                raise
            raise ReadOnlyLibrary(
                f"案例库 {self.root} 不可写（{getattr(exc, 'strerror', None) or exc}），"
                "只能查看和校验"
            ) from None

    def _open_for_writing(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with self.lock():
            if not self.index_path.is_file() and has_archives(self.root):
                raise self._missing_index()
            try:
                self._init_index()
                con = self._connect()
                try:
                    empty = con.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0
                finally:
                    con.close()
            except sqlite3.DatabaseError as exc:
                if not _is_corrupt(exc):
                    raise
                raise self._corrupt_index(exc) from None
            if empty and has_archives(self.root):  # e.g. the index replaced by an empty file
                raise self._missing_index()
            self.recover()

    @classmethod
    def open(cls, root: str | Path | None = None) -> Library:
        """Open an existing library for reading and, when possible, writing; a library that
        cannot be written (read-only folder or file system, no lock file creatable) is opened
        read-only instead."""
        path = _absolute(root) if root is not None else default_root()
        if not path.is_dir():
            raise LibraryError(f"案例库 {path} 不存在")
        try:
            return cls(path)
        except ReadOnlyLibrary:
            pass
        try:
            return cls(path, readonly=True)
        except FileNotFoundError:
            raise LibraryError(
                f"案例库 {path} 中还没有存档案例（没有 index.sqlite），且该目录不可写"
            ) from None

    def _where(self) -> str:
        return f" --library {self.root}"

    def _missing_index(self) -> LibraryError:
        n = sum(1 for _ in archive_folders(self.root))
        return LibraryError(
            f"案例库 {self.root} 缺少索引 index.sqlite（但有 {n} 个存档案例）\n  "
            + REINDEX_HINT.format(where=self._where())
        )

    def _corrupt_index(self, exc: BaseException) -> LibraryError:
        return LibraryError(
            f"案例库索引 {self.index_path} 已损坏，无法读取（{exc}）\n  "
            + REINDEX_HINT.format(where=self._where())
        )

    # -- locking -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock over commits and the index (across processes)."""
        if self.readonly:
            raise LibraryError(f"案例库 {self.root} 以只读方式打开，不能写入")
        with _open_lock(self.root / ".lock") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _connect(self) -> sqlite3.Connection:
        if self.readonly and not (
            os.access(self.index_path, os.W_OK) and os.access(self.root, os.W_OK)
        ):
            # nothing here may be written: a read-only connection (an immutable one when SQLite
            # cannot create the WAL index file beside a WAL-mode index)
            uri = self.index_path.as_uri() + ("?immutable=1" if self._immutable else "?mode=ro")
            return sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None)
        if self.readonly:  # only reads; a read-write connection cleans up its WAL files on close
            return sqlite3.connect(self.index_path, timeout=60, isolation_level=None)
        con = sqlite3.connect(self.index_path, timeout=60, isolation_level=None)
        con.execute("PRAGMA synchronous=NORMAL")  # WAL mode is set once, when the index is made
        return con

    def _check_readable(self) -> None:
        """Open the read-only index once: a WAL index on a read-only folder whose -shm file cannot
        be created is read as immutable; an index that is not SQLite is reported as corrupt."""
        for immutable in (False, True):
            self._immutable = immutable
            try:
                con = self._connect()
                try:
                    con.execute("SELECT COUNT(*) FROM cases").fetchone()
                finally:
                    con.close()
                return
            except sqlite3.DatabaseError as exc:
                if _is_corrupt(exc):
                    raise self._corrupt_index(exc) from None
                if not immutable and _is_read_only_error(exc):
                    continue
                raise

    def _init_index(self) -> None:
        con = self._connect()
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            old = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            _add_missing_columns(con)
            con.executescript(_INDEXES)
            if old is not None and str(old[0]).isdigit() and int(old[0]) < 3:
                self._backfill_identities(con)
            if old is not None and str(old[0]).isdigit() and int(old[0]) < 4:
                self._backfill_responsible(con)
            con.execute("DELETE FROM meta WHERE key = 'schema_version'")
            con.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        finally:
            con.close()

    def _backfill_identities(self, con: sqlite3.Connection) -> None:
        """An index written before indicators had an identity (schema 2) gets one per row from
        each archive's ``results.json`` and ``parameters.yaml`` (as :func:`reindex` would)."""
        cases = con.execute(
            "SELECT DISTINCT i.year, i.case_id, c.path FROM indicators i JOIN cases c"
            " ON c.year = i.year AND c.case_id = i.case_id WHERE i.identity IS NULL"
        ).fetchall()
        con.execute("BEGIN IMMEDIATE")
        try:
            for year, case_id, path in cases:
                folder = self.root / path
                try:
                    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
                    indicators = results.get("indicators") or ()
                except (OSError, ValueError, AttributeError):
                    continue
                for row in identified(indicators, _read_case_file(folder / "parameters.yaml")):
                    identity, direction = identity_columns(row)
                    con.execute(
                        "UPDATE indicators SET identity = ?, direction = ?"
                        " WHERE year = ? AND case_id = ? AND code = ?",
                        (identity, direction, year, case_id, row["code"]),
                    )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _backfill_responsible(self, con: sqlite3.Connection) -> None:
        """An index written before cases had a ``responsible`` block (schema 3) reads it from each
        archive's ``parameters.yaml`` (as :func:`reindex` would)."""
        rows = con.execute("SELECT year, case_id, path FROM cases").fetchall()
        con.execute("BEGIN IMMEDIATE")
        try:
            for year, case_id, path in rows:
                unit, role = responsible_columns(
                    _read_case_file(self.root / path / "parameters.yaml")
                )
                if unit is not None:
                    con.execute(
                        "UPDATE cases SET responsible_unit = ?, responsible_role = ?"
                        " WHERE year = ? AND case_id = ?",
                        (unit, role, year, case_id),
                    )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # -- paths in the index ------------------------------------------------------------------
    @property
    def base(self) -> Path:
        """What the index's case-file paths are relative to: the project the library belongs to
        (the library folder itself outside a project)."""
        return project_root(self.root) or self.root

    def source_key(self, path: str | Path) -> str:
        """How the index records a case file: relative to :attr:`base` (POSIX separators)."""
        return Path(os.path.relpath(_absolute(path), self.base)).as_posix()

    def source_path(self, stored: str | None) -> Path | None:
        """The case file an index row names (rows of older versions may hold absolute paths)."""
        if not stored:
            return None
        return _absolute(stored if os.path.isabs(stored) else self.base / stored)

    # -- folders -----------------------------------------------------------------------------
    def case_dir(self, year: int, case_id: str) -> Path:
        return self.root / str(year) / case_id

    def staging_dir(self, year: int, case_id: str) -> Path:
        """A fresh staging folder for one case (same file system as the archive)."""
        self.staging_root.mkdir(exist_ok=True)
        path = self.staging_root / f"{year}__{case_id}__{os.getpid()}__{uuid.uuid4().hex[:8]}"
        path.mkdir()
        return path

    def recover(self) -> list[str]:
        """Repair after a crash: restore replaced cases whose successor never arrived, and remove
        staging folders of processes that no longer run. Call under :meth:`lock`."""
        actions: list[str] = []
        if self.trash_root.is_dir():
            for entry in sorted(self.trash_root.iterdir()):
                parts = entry.name.split("__")
                if len(parts) >= 2:
                    final = self.case_dir(int(parts[0]), parts[1])
                    if not final.exists():
                        final.parent.mkdir(parents=True, exist_ok=True)
                        os.rename(entry, final)
                        actions.append(f"restored {final.relative_to(self.root)}")
                        continue
                shutil.rmtree(entry, ignore_errors=True)
        if self.staging_root.is_dir():
            for entry in self.staging_root.iterdir():
                parts = entry.name.split("__")
                pid = int(parts[2]) if len(parts) >= 4 and parts[2].isdigit() else None
                if pid is None or not _pid_alive(pid):
                    shutil.rmtree(entry, ignore_errors=True)
                    actions.append(f"removed stale staging {entry.name}")
        if self.pending_root.is_dir():
            for marker in sorted(self.pending_root.glob("*.json")):
                if self._finish_pending(marker):
                    actions.append(f"indexed {marker.stem.replace('__', '/')}")
                marker.unlink(missing_ok=True)
        return actions

    @property
    def pending_root(self) -> Path:
        return self.root / ".pending"

    def _finish_pending(self, marker: Path) -> bool:
        """A commit interrupted after its folder was renamed into place but before its index row
        was committed: index the folder now (roll forward) when it is that commit's folder."""
        import hashlib

        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            record = Record(**{**data, "indicators": tuple(data.get("indicators") or ())})
        except (OSError, ValueError, TypeError):
            return False  # a marker half-written when the process died: nothing was renamed
        prov = self.case_dir(record.year, record.case_id) / "provenance.json"
        try:
            digest = hashlib.sha256(prov.read_bytes()).hexdigest()
        except OSError:
            return False
        if digest != record.manifest_hash:
            return False  # the old case is in place (restored), or another commit won
        try:
            row = self.get(record.year, record.case_id)
            if row is not None and row["manifest_hash"] == record.manifest_hash:
                return False
            con = self._connect()
            try:
                con.execute("BEGIN IMMEDIATE")
                self._upsert(con, record)
                con.execute("COMMIT")
            finally:
                con.close()
        except (LibraryError, sqlite3.Error):  # e.g. reindex of a broken index rebuilds it all
            return False
        return True

    def commit(self, staging: Path, record: Record) -> Path:
        """Make a finished staging folder the archived case and index it, atomically.

        The index row is written in a transaction that commits only after the folder is in place;
        a replaced case is kept in ``.trash`` until then.
        """
        final = self.case_dir(record.year, record.case_id)
        if record.source and os.path.isabs(record.source):  # the index holds relative paths
            from dataclasses import replace

            record = replace(record, source=self.source_key(record.source))
        # the identity of each indicator (ref, benchmark_key) is in the case file, not results
        record = dataclasses.replace(
            record,
            indicators=identified(record.indicators, _read_case_file(staging / "parameters.yaml")),
        )
        with self.lock():
            _fsync_dir(staging)
            final.parent.mkdir(parents=True, exist_ok=True)
            # if this process dies between the rename and the index commit, the next open
            # indexes the folder from this marker (see recover)
            self.pending_root.mkdir(exist_ok=True)
            marker = self.pending_root / f"{record.year}__{record.case_id}.json"
            with open(marker, "w", encoding="utf-8") as fh:
                json.dump(dataclasses.asdict(record), fh, ensure_ascii=False, default=str)
                fh.flush()
                os.fsync(fh.fileno())
            con = self._connect()
            try:
                con.execute("BEGIN IMMEDIATE")
                self._upsert(con, record)
                old = None
                if final.exists():
                    self.trash_root.mkdir(exist_ok=True)
                    old = (
                        self.trash_root / f"{record.year}__{record.case_id}__{uuid.uuid4().hex[:8]}"
                    )
                    os.rename(final, old)
                try:
                    os.rename(staging, final)
                except BaseException:
                    if old is not None:
                        os.rename(old, final)
                    raise
                _fsync_dir(final.parent)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            finally:
                con.close()
                marker.unlink(missing_ok=True)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        return final

    # -- index -------------------------------------------------------------------------------
    @staticmethod
    def _upsert(con: sqlite3.Connection, r: Record) -> None:
        con.execute(
            "INSERT OR REPLACE INTO cases (year, case_id, project_id, title, department, evaluation,"
            " budget_type, object_type, total_score, grade, path, input_hash, case_hash,"
            " notebook_hash, package_hash, source, manifest_hash, archived_at, level1,"
            " responsible_unit, responsible_role)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                r.year,
                r.case_id,
                r.project_id,
                r.title,
                r.department,
                r.evaluation,
                r.budget_type,
                r.object_type,
                r.total_score,
                r.grade,
                r.path,
                r.input_hash,
                r.case_hash,
                r.notebook_hash,
                r.package_hash,
                r.source,
                r.manifest_hash,
                r.archived_at,
                json.dumps(dict(r.level1), ensure_ascii=False),
                r.responsible_unit,
                r.responsible_role,
            ),
        )
        con.execute("DELETE FROM indicators WHERE year = ? AND case_id = ?", (r.year, r.case_id))
        identities = {i["code"]: identity_columns(i) for i in r.indicators or ()}
        con.executemany(
            "INSERT OR REPLACE INTO indicators (year, case_id, code, name, level1, level2, rule, unit,"
            " weight, target, actual, score, identity, direction)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r.year, r.case_id, *row, *identities[row[0]])
                for row in indicator_rows(r.indicators)
            ],
        )

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading the index; a corrupt index is reported as a
        :class:`LibraryError` telling to run ``jixiao library reindex``."""
        try:
            con = self._connect()
            try:
                yield con
            finally:
                con.close()
        except Exception as exc:  # pandas wraps sqlite errors in its own DatabaseError
            cause = exc if isinstance(exc, sqlite3.DatabaseError) else exc.__cause__
            if isinstance(cause, sqlite3.DatabaseError) and _is_corrupt(cause):
                raise self._corrupt_index(cause) from None
            text = str(exc).lower()
            if "malformed" in text or "not a database" in text:
                raise self._corrupt_index(exc) from None
            raise

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Run a read-only query on the index."""
        with self.reading() as con:
            con.row_factory = sqlite3.Row
            return con.execute(sql, params).fetchall()

    def get(self, year: int, case_id: str) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM cases WHERE year = ? AND case_id = ?", (year, case_id))
        return rows[0] if rows else None

    def one(self, case_id: str, year: int | None = None) -> sqlite3.Row:
        """The index row of one archived case: ``case_id`` (of ``year`` when given).

        Raises
        ------
        CaseError
            The case is not archived, or is archived for several years and ``year`` is None.
        """
        from methods.errors import CaseError

        rows = self.find(case_id) if year is None else [r for r in [self.get(year, case_id)] if r]
        if not rows:
            raise CaseError(f"案例库中没有案例 {case_id}", field="CASE")
        if len(rows) > 1:
            years = "、".join(str(r["year"]) for r in rows)
            raise CaseError(f"案例 {case_id} 有多个年度（{years}），请加 --year", field="CASE")
        return rows[0]

    def find(self, case_id: str) -> list[sqlite3.Row]:
        """Archived versions of a case id (one per year)."""
        return self.query("SELECT * FROM cases WHERE case_id = ? ORDER BY year", (case_id,))

    def cases(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM cases ORDER BY year, case_id")


INDICATOR_COLUMNS = (
    "code",
    "name",
    "level1",
    "level2",
    "rule",
    "unit",
    "weight",
    "target",
    "actual",
    "score",
)


def indicator_rows(indicators) -> list[tuple]:
    """The ``indicators`` table rows (without year and case id) of a case's results indicators,
    in :data:`INDICATOR_COLUMNS` order; targets and actuals that are not numbers are stored as
    NULL. One row per code (the last wins, as ``INSERT OR REPLACE`` keeps it)."""
    rows: dict[Any, tuple] = {}
    for i in indicators or ():
        rows[i["code"]] = (
            i["code"],
            i.get("name"),
            i.get("level1"),
            i.get("level2"),
            i.get("rule"),
            i.get("unit"),
            i.get("weight"),
            i["target"] if isinstance(i.get("target"), int | float) else None,
            i["actual"] if isinstance(i.get("actual"), int | float) else None,
            i.get("score"),
        )
    return list(rows.values())


# ---------------------------------------------------------------------------------------------
# Indicator identity: what makes two archived indicators comparable
#
# Indicator codes (C12, D11 …) are numbered by each case for itself, so two cases' C12 are in general
# different indicators. Benchmarks (the report's 与案例库对标, ``jixiao library benchmark``) and
# 行业标准 targets compare an indicator only with archived indicators of the same *identity*, the
# same *unit* and the same *direction*:
#
# - identity: the case's ``benchmark_key`` (对标标识) when given, else its indicator-library code
#   (``ref``), else its name (NFKC, case-folded, without spaces): ``key:…``, ``ref:…``, ``name:…``;
# - unit: equal after NFKC and trimming (公里 and 户 are never compared; a missing unit matches only a
#   missing unit);
# - direction: ``higher`` is better (positive; equal with a target above 0; deduction ``under``),
#   ``lower`` is better (reverse; equal with target 0; deduction ``over``), ``range`` (no better or
#   worse); qualitative and checklist indicators have none and are never compared.
#
# The index stores identity and direction per indicator row (schema 3); ``ref`` and
# ``benchmark_key`` are read from the archived case file, since results.json does not carry them.

MIN_COMPARABLE = 5
"""Fewest comparable archived cases for a percentile to be shown (report, ``library benchmark``)
or for a 行业标准 target to be taken (unless the case sets ``target_from.min_cases``).

Status: practice (实务做法). No regulation sets the number; with fewer than five values quartiles
carry no information (one value gives P25 = median = P75) and a single other project would set
the target."""

MIN_COMPARABLE_STATUS = "practice"

DIRECTION_LABELS = {"higher": "越高越好", "lower": "越低越好", "range": "区间指标"}


def _norm_text(value: Any) -> str:
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)).casefold())


def unit_key(unit: Any) -> str:
    """A unit as compared: NFKC, trimmed; None and "" are the same (no unit)."""
    import unicodedata

    if unit is None or (isinstance(unit, float) and unit != unit):
        return ""
    return unicodedata.normalize("NFKC", str(unit)).strip()


def indicator_identity(name: Any, *, ref: Any = None, benchmark_key: Any = None) -> str | None:
    """The identity of an indicator: ``key:<benchmark_key>``, else ``ref:<library code>``, else
    ``name:<normalised name>``; None without any of them."""
    import unicodedata

    if isinstance(benchmark_key, str) and benchmark_key.strip():
        return "key:" + _norm_text(benchmark_key)
    if isinstance(ref, str) and ref.strip():
        return "ref:" + unicodedata.normalize("NFKC", ref).strip().upper()
    if isinstance(name, str) and name.strip():
        return "name:" + _norm_text(name)
    return None


def indicator_direction(rule: Any, variant: Any = None, target: Any = None) -> str | None:
    """Which way is better for a scoring rule: ``higher``, ``lower``, ``range`` or None (not a
    number to compare: qualitative, checklist, an equal rule without a numeric target)."""
    if rule == "positive":
        return "higher"
    if rule == "reverse":
        return "lower"
    if rule == "range":
        return "range"
    if rule == "deduction":
        return "higher" if variant == "under" else "lower"
    if (
        rule == "equal"
        and isinstance(target, int | float)
        and not isinstance(target, bool)
        and target == target  # not NaN
    ):
        return "lower" if target <= 0 else "higher"
    return None


def identity_label(identity: Any) -> str:
    """An identity in words: 指标库代码 JY-C-001, 对标标识 …, 名称 …."""
    if not isinstance(identity, str):
        return ""
    kind, _, value = identity.partition(":")
    return {"key": "对标标识 ", "ref": "指标库代码 ", "name": "名称 "}.get(kind, "") + value


def identity_columns(row: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``(identity, direction)`` of a results.json indicator row (``ref`` and ``benchmark_key``
    added by :func:`identified`)."""
    return (
        indicator_identity(
            row.get("name"), ref=row.get("ref"), benchmark_key=row.get("benchmark_key")
        ),
        indicator_direction(row.get("rule"), row.get("variant"), row.get("target")),
    )


def _read_case_file(path: Path) -> Mapping[str, Any]:
    """An archived case file as a mapping ({} when missing or unreadable)."""
    from methods import _yaml

    try:
        loaded = _yaml.load(path.read_bytes())
    except Exception:  # noqa: BLE001 - identity then falls back to names
        return {}
    return loaded if isinstance(loaded, dict) else {}


def identified(indicators, raw: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """Results indicator rows with the ``ref`` and ``benchmark_key`` their case file gives them
    (an entry ``{ref: JY-C-001, …}`` without its own code has the library code as its code)."""
    import unicodedata

    found: dict[str, dict[str, str]] = {}
    entries = raw.get("indicators") if isinstance(raw, Mapping) else None
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, Mapping):
            continue
        ref, key = entry.get("ref"), entry.get("benchmark_key")
        code = entry.get("code")
        if code is None and isinstance(ref, str):
            code = unicodedata.normalize("NFKC", ref).strip().upper()
        if not isinstance(code, str):
            continue
        given = {k: v for k, v in (("ref", ref), ("benchmark_key", key)) if isinstance(v, str)}
        if given:
            found[code] = given
    out = []
    for row in indicators or ():
        if isinstance(row, Mapping) and row.get("code") in found:
            row = {**found[row["code"]], **row}
        out.append(row)
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Rebuilding the index from the archives


def responsible_columns(raw: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(unit, role) of a case file's ``responsible`` block, or (None, None). The name, if any,
    is never indexed."""
    block = raw.get("responsible") if isinstance(raw, Mapping) else None
    if not isinstance(block, Mapping) or not isinstance(block.get("unit"), str):
        return None, None
    role = block.get("role")
    return block["unit"], role if isinstance(role, str) else None


def _mtime_iso(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="microseconds")


def _project_key(raw: Mapping[str, Any], case_id: str) -> str:
    """``project_id`` of a case file, else its case id without a trailing year (as
    :attr:`methods.casefile.Case.project_key`)."""
    if isinstance(raw.get("project_id"), str) and raw["project_id"]:
        return raw["project_id"]
    return re.sub(r"[_-](19|20)\d\d$", "", case_id) or case_id


def record_from_archive(folder: Path, *, root: Path) -> Record:
    """The index row of an archived case, rebuilt from its files (``results.json``,
    ``provenance.json`` and ``parameters.yaml``).

    Raises
    ------
    ValueError
        The folder is not a complete archive (missing or unreadable results or provenance).
    """
    import hashlib

    from methods import _yaml

    try:
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        prov_bytes = (folder / "provenance.json").read_bytes()
        prov = json.loads(prov_bytes.decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"存档不完整或无法读取：{exc}") from None
    if not isinstance(results, dict) or not isinstance(prov, dict):
        raise ValueError("results.json 或 provenance.json 不是对象")
    try:
        loaded = _yaml.load((folder / "parameters.yaml").read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - the case file is a fallback for names only
        loaded = None
    raw: Mapping[str, Any] = loaded if isinstance(loaded, dict) else {}
    case_id = folder.name
    try:
        year = int(folder.parent.name)
    except ValueError:
        raise ValueError(f"年度目录名 {folder.parent.name} 不是年份") from None

    def pick(key: str) -> Any:
        value = raw.get(key)
        return value if isinstance(value, str) else results.get(key)

    def sha(key: str) -> str | None:
        item = prov.get(key)
        return item.get("sha256") if isinstance(item, dict) else None

    case_file = prov.get("case_file") if isinstance(prov.get("case_file"), dict) else {}
    return Record(
        year=year,
        case_id=case_id,
        project_id=_project_key(raw, case_id),
        title=pick("title"),
        department=pick("department"),
        evaluation=pick("evaluation"),
        budget_type=pick("budget_type"),
        object_type=pick("object_type"),
        total_score=results.get("total_score"),
        grade=results.get("grade"),
        path=folder.relative_to(root).as_posix(),
        input_hash=prov.get("input_hash"),
        case_hash=sha("case_file"),
        notebook_hash=sha("notebook"),
        package_hash=sha("package"),
        source=case_file.get("path") or case_file.get("name"),
        manifest_hash=hashlib.sha256(prov_bytes).hexdigest(),
        archived_at=_mtime_iso(folder / "provenance.json"),
        level1=results.get("level1") or {},
        indicators=identified(results.get("indicators") or (), raw),
        responsible_unit=responsible_columns(raw)[0],
        responsible_role=responsible_columns(raw)[1],
    )


@dataclass
class Reindexed:
    """What :func:`reindex` did: cases indexed, folders skipped (with why), the old index kept."""

    indexed: int
    skipped: list[tuple[str, str]]
    kept: Path | None


def _old_rows(index: Path) -> dict[tuple[int, str], dict[str, Any]] | None:
    """Rows of a previous index that can still be read (to keep ``source`` and ``archived_at``);
    None when there is an index file that cannot be read."""
    if not index.is_file():
        return {}
    try:
        con = sqlite3.connect(index.as_uri() + "?mode=ro", uri=True, timeout=5)
        try:
            con.row_factory = sqlite3.Row
            rows = con.execute("SELECT * FROM cases").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return {(r["year"], r["case_id"]): dict(r) for r in rows}


def reindex(root: str | Path) -> Reindexed:
    """Rebuild ``<root>/index.sqlite`` from the archived case folders.

    Works on a library whose index was deleted or is corrupt (a corrupt index is kept beside as
    ``index.sqlite.corrupt-<time>``). The new index is written to a temporary file and moved into
    place under the library lock. Where the old index is still readable and a row's provenance
    hash matches, its ``source`` and ``archived_at`` are kept.
    """
    root = _absolute(root)
    if not root.is_dir():
        raise LibraryError(f"案例库 {root} 不存在")
    lib = Library.__new__(Library)  # no opening checks: the index may be missing or broken
    lib.root, lib.readonly, lib._immutable = root, False, False
    lib.index_path = root / "index.sqlite"
    lib.staging_root, lib.trash_root = root / ".staging", root / ".trash"
    lib.failed_root = root / ".failed"
    try:
        return _reindex(lib)
    except (OSError, sqlite3.OperationalError) as exc:
        if not _is_read_only_error(exc):
            raise
        raise ReadOnlyLibrary(
            f"案例库 {root} 不可写（{getattr(exc, 'strerror', None) or exc}），无法重建索引"
        ) from None


def _reindex(lib: Library) -> Reindexed:
    root = lib.root
    with lib.lock():
        lib.recover()
        old = _old_rows(lib.index_path)
        unreadable = old is None
        old = old or {}
        records, skipped = [], []
        for folder in archive_folders(root):
            try:
                rec = record_from_archive(folder, root=root)
            except ValueError as exc:
                skipped.append((folder.relative_to(root).as_posix(), str(exc)))
                continue
            prev = old.get((rec.year, rec.case_id))
            if prev and prev.get("manifest_hash") == rec.manifest_hash:
                from dataclasses import replace

                rec = replace(
                    rec,
                    source=prev.get("source") or rec.source,
                    archived_at=prev.get("archived_at") or rec.archived_at,
                )
            if rec.source and os.path.isabs(rec.source):  # a row of an older version
                from dataclasses import replace

                rec = replace(rec, source=lib.source_key(rec.source))
            records.append(rec)
        tmp = root / f".index-rebuild-{os.getpid()}.sqlite"
        tmp.unlink(missing_ok=True)
        builder = Library.__new__(Library)
        builder.root, builder.readonly, builder._immutable = root, False, False
        builder.index_path = tmp
        builder._init_index()
        con = builder._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            for rec in records:
                Library._upsert(con, rec)
            con.execute("COMMIT")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
        kept = None
        if unreadable:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            kept = root / f"index.sqlite.corrupt-{stamp}"
            os.replace(lib.index_path, kept)
        for suffix in ("-wal", "-shm", "-journal"):  # a stale log must never meet the new index
            Path(f"{lib.index_path}{suffix}").unlink(missing_ok=True)
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, lib.index_path)
        _fsync_dir(root)
    return Reindexed(len(records), skipped, kept)


def _add_missing_columns(con: sqlite3.Connection) -> None:
    """Bring an index written by an older version up to date (new columns are nullable)."""
    import re

    for table, body in re.findall(
        r"CREATE TABLE IF NOT EXISTS (\w+) \(\n(.*?)\n\);", _SCHEMA, re.S
    ):
        have = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
        for line in body.splitlines():
            parts = line.strip().rstrip(",").split()
            if (
                len(parts) >= 2
                and parts[0].islower()
                and parts[0] not in have
                and parts[0] != "PRIMARY"
            ):
                con.execute(f"ALTER TABLE {table} ADD COLUMN {parts[0]} {parts[1]}")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------------------------------------
# Queries (used by `jixiao library ...`, the catalogue and benchmarks from past cases)

LIST_COLUMNS = (
    "year",
    "case_id",
    "title",
    "department",
    "evaluation",
    "budget_type",
    "object_type",
    "total_score",
    "grade",
    "path",
    "archived_at",
)
FILTERS = ("year", "department", "evaluation", "grade", "budget_type", "object_type", "project_id")


RESPONSIBLE_COLUMNS = ("responsible_unit", "responsible_role")


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere (``%`` and ``_`` taken literally)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_cases(library: Library, *, responsible: str | bool | None = None, **filters: Any):
    """Archived cases as a DataFrame, filtered by equality on ``year``, ``department``,
    ``evaluation``, ``grade``, ``budget_type``, ``object_type`` or ``project_id`` (None = any).

    ``responsible``: ``True`` adds the columns ``responsible_unit`` and ``responsible_role``
    (the case's ``responsible`` block; names are never indexed); a text also keeps only the
    cases whose responsible unit contains it (``"区水利局"`` matches ``"区水利局农村水利科"``)."""
    import pandas as pd

    where, params = [], []
    for key, value in filters.items():
        if key not in FILTERS:
            raise ValueError(f"未知的筛选条件 {key}（可用：{'、'.join(FILTERS)}）")
        if value is not None:
            where.append(f"{key} = ?")
            params.append(value)
    columns = list(LIST_COLUMNS)
    if responsible is not None and responsible is not False:
        columns += RESPONSIBLE_COLUMNS
        if isinstance(responsible, str) and responsible.strip():
            where.append("responsible_unit LIKE ? ESCAPE '\\'")
            params.append(_like(responsible.strip()))
    sql = f"SELECT {', '.join(columns)} FROM cases"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # sorted here rather than by SQL: ORDER BY would steer SQLite to scan the primary key
    # instead of using the index of the filter
    with library.reading() as con:
        df = pd.read_sql_query(sql, con, params=params)
    return df.sort_values(["year", "case_id"], kind="stable").reset_index(drop=True)


_GRADE_ORDER = ("优", "良", "中", "差")


def _grade_counts(grades) -> str:
    """``优 1、良 2``: how many cases have each grade, best first (other grades after)."""
    counts = grades.value_counts()
    order = [g for g in _GRADE_ORDER if g in counts.index]
    order += [g for g in counts.index if g not in _GRADE_ORDER]
    return "、".join(f"{g} {int(counts[g])}" for g in order)


def responsible_history(library: Library, unit: str | None = None):
    """The record of responsible units: their cases and grades over the years.

    Parameters
    ----------
    unit : str, optional
        Part of a responsible unit's name. Without it, one row per unit: ``responsible_unit``,
        ``cases``, ``first_year``, ``last_year``, ``latest_grade`` (of its latest case) and
        ``grades`` (counts, e.g. ``优 1、良 2``). With it, the matching units' cases, oldest first:
        ``responsible_unit``, ``responsible_role``, ``year``, ``case_id``, ``title``,
        ``evaluation``, ``total_score``, ``grade``, ``change`` (the grade against the same
        unit's previous graded case: ``↑``, ``↓``, ``=``, or empty).
    """
    df = list_cases(library, responsible=unit if unit else True)
    df = df[df["responsible_unit"].notna()]
    df = df.sort_values(["responsible_unit", "year", "case_id"], kind="stable").reset_index(
        drop=True
    )
    if unit:
        order = {g: -i for i, g in enumerate(_GRADE_ORDER)}
        rank = df["grade"].map(order)
        prev = rank.groupby(df["responsible_unit"]).transform(lambda r: r.ffill().shift())
        change = (rank - prev).map(
            lambda d: "" if d != d else ("↑" if d > 0 else "↓" if d < 0 else "=")
        )
        out = df.assign(change=change)
        return out[
            [
                "responsible_unit",
                "responsible_role",
                "year",
                "case_id",
                "title",
                "evaluation",
                "total_score",
                "grade",
                "change",
            ]
        ]
    import pandas as pd

    if df.empty:
        return pd.DataFrame(
            columns=[
                "responsible_unit",
                "cases",
                "first_year",
                "last_year",
                "latest_grade",
                "grades",
            ]
        )
    g = df.groupby("responsible_unit", sort=True)
    counts = df.dropna(subset=["grade"]).groupby("responsible_unit")["grade"].agg(_grade_counts)
    summary = pd.DataFrame(
        {
            "cases": g.size(),
            "first_year": g["year"].min(),
            "last_year": g["year"].max(),
            "latest_grade": g["grade"].last(),
            "grades": counts,
        }
    ).reset_index()
    return summary


PERCENTILES = (10, 25, 50, 75, 90)


def indicator_frame(
    library: Library,
    *,
    identities=(),
    codes=(),
    years: tuple[int, int] | None = None,
    named: tuple[list[str], str] | None = None,
):
    """Archived indicator rows whose identity is among ``identities`` or whose code is among
    ``codes`` (both empty: every row), with their case's ``project_id`` and ``department``, their
    ``identity``, ``direction`` and ``unit_key``. ``named=(identities, code)``: instead, every row
    of each identity that some row of those identities or of that code has (one query).

    An index written before identities were stored (schema 2, opened read-only so it could not be
    brought up to date) gives every row the identity of its name and the direction of its rule.
    """
    import pandas as pd

    identities, codes = list(dict.fromkeys(identities)), list(dict.fromkeys(codes))
    with library.reading() as con:
        have = {row[1] for row in con.execute("PRAGMA table_info(indicators)")}
        stored = "identity" in have
        cols = "i.identity, i.direction" if stored else "NULL AS identity, NULL AS direction"
        sql = (
            "SELECT i.year, i.case_id, c.project_id, c.department, i.code, i.name, i.unit,"
            f" i.rule, i.weight, i.target, i.actual, i.score, {cols} FROM indicators i"
            " JOIN cases c ON c.year = i.year AND c.case_id = i.case_id"
        )
        where, params = [], []
        match = []
        if identities:
            match.append(
                f"i.identity IN ({','.join('?' * len(identities))}) OR i.identity IS NULL"
                if stored
                else "1"
            )
            params += identities if stored else []
        if codes:
            match.append(f"i.code IN ({','.join('?' * len(codes))})")
            params += codes
        if match:
            where.append("(" + " OR ".join(match) + ")")
        if named is not None and stored:
            where.append(
                "i.identity IN (SELECT identity FROM indicators"
                f" WHERE identity IN ({','.join('?' * len(named[0]))}) OR code = ?)"
            )
            params += [*named[0], named[1]]
        if years is not None:
            where.append("i.year BETWEEN ? AND ?")
            params += [int(years[0]), int(years[1])]
        if where:
            sql += " WHERE " + " AND ".join(where)
        df = pd.read_sql_query(sql, con, params=params)
    df["identity"] = df["identity"].astype(object)
    df["direction"] = df["direction"].astype(object)
    old = df["identity"].isna()
    if old.any():  # rows of an index that predates identities: name and rule only
        df.loc[old, "identity"] = [indicator_identity(n) for n in df.loc[old, "name"]]
        df.loc[old, "direction"] = [
            indicator_direction(r, None, t)
            for r, t in zip(df.loc[old, "rule"], df.loc[old, "target"], strict=True)
        ]
    df["unit_key"] = df["unit"].map({u: unit_key(u) for u in df["unit"].unique()})
    if identities or codes:
        df = df[df["identity"].isin(identities) | df["code"].isin(codes)]
    return df.reset_index(drop=True)


def _lookup_identities(indicator: str) -> list[str]:
    """The identities an indicator given on the command line may mean: a benchmark key, an
    indicator-library code or a name."""
    import unicodedata

    return [
        "key:" + _norm_text(indicator),
        "ref:" + unicodedata.normalize("NFKC", indicator).strip().upper(),
        "name:" + _norm_text(indicator),
    ]


def indicator_values(library: Library, indicator: str, *, years: tuple[int, int] | None = None):
    """Every archived value of the indicators ``indicator`` names, one comparable group each.

    ``indicator`` is an indicator-library code, a ``benchmark_key``, a name, or a case's own code.
    A case's own code names whatever indicators the cases numbered so (C12 may be 中修里程 in one
    case and 接管农户数 in another): each is returned with all archived values of *its* identity,
    unit and direction, never pooled with the others. Columns: ``year``, ``case_id``,
    ``project_id``, ``department``, ``code``, ``name``, ``unit``, ``rule``, ``weight``,
    ``target``, ``actual``, ``score``, ``identity``, ``direction``, ``unit_key``.
    """
    identities = _lookup_identities(indicator)
    df = indicator_frame(library, named=(identities, indicator), years=years)
    seed = df[df["identity"].isin(identities) | (df["code"] == indicator)]
    mine = _group_keys(df).isin(set(_group_keys(seed)))
    return df[mine].reset_index(drop=True)


def _group_keys(df):
    """One text per row joining identity, unit and direction (the comparable group)."""
    return (
        df["identity"].astype(str)
        + "\x1f"
        + df["unit_key"].astype(str)
        + "\x1f"
        + df["direction"].fillna("").astype(str)
    )


def benchmark(
    library: Library,
    indicator: str,
    *,
    by: str | None = None,
    years=None,
    min_n: int = 1,
):
    """Percentiles of an indicator's actual value and score (得分率 %) across archived cases, one
    row per comparable group (same identity, unit and direction: :func:`indicator_values`).

    Parameters
    ----------
    indicator : str
        Indicator-library code (e.g. ``JY-C-001``), ``benchmark_key``, name, or a case's own
        code (e.g. ``C11``: each indicator numbered so in some case is its own group).
    by : {None, "year", "department"}
        Group the percentiles further.
    years : (int, int), optional
        Only cases of these years (inclusive).
    min_n : int
        Groups with fewer values get no mean or percentiles (the report and ``jixiao library
        benchmark`` use :data:`MIN_COMPARABLE`).

    Returns
    -------
    DataFrame
        One row per group: ``indicator`` (name), ``unit``, ``direction`` (越高越好/越低越好/区间指标,
        empty for qualitative ones), ``identity``, the ``by`` column, ``n``, ``actual_mean``,
        ``actual_p10`` … ``actual_p90``, ``score_rate_p10`` … ``score_rate_p90`` (score as % of
        weight).
    """
    import numpy as np
    import pandas as pd

    if by not in (None, "year", "department"):
        raise ValueError("by 只能是 year 或 department")
    df = indicator_values(library, indicator, years=years)
    if df.empty:
        return pd.DataFrame()
    df["score_rate"] = df["score"] / df["weight"] * 100
    df["direction"] = df["direction"].fillna("")
    keys = ["identity", "unit_key", "direction"] + ([by] if by else [])
    groups = df.groupby(keys, sort=True, dropna=False)
    qs = [p / 100 for p in PERCENTILES]
    actual = groups["actual"].quantile(qs).unstack()
    actual.columns = [f"actual_p{p}" for p in PERCENTILES]
    rate = groups["score_rate"].quantile(qs).unstack()
    rate.columns = [f"score_rate_p{p}" for p in PERCENTILES]
    out = pd.concat(
        [
            groups["name"].agg(lambda s: s.mode().iloc[0]).rename("indicator"),
            groups["unit"].first().rename("unit"),
            groups.size().rename("n"),
            groups["actual"].mean().rename("actual_mean"),
            actual,
            rate,
        ],
        axis=1,
    ).reset_index()
    few = out["n"] < min_n
    stats = ["actual_mean", *actual.columns, *rate.columns]
    out.loc[few, stats] = np.nan
    out["direction"] = out["direction"].map(lambda d: DIRECTION_LABELS.get(d, ""))
    lead = ["indicator", "unit", "direction", "identity"] + ([by] if by else [])
    return out[[*lead, "n", *stats]]


def indicator_table(library: Library):
    """All archived indicator rows (for export)."""
    import pandas as pd

    with library.reading() as con:
        return pd.read_sql_query(
            "SELECT year, case_id, code, name, level1, level2, rule, unit, weight, target, actual,"
            " score FROM indicators ORDER BY year, case_id, code",
            con,
        )
