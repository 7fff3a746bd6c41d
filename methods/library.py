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
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2
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
CREATE INDEX IF NOT EXISTS indicators_code ON indicators (code, year);
CREATE INDEX IF NOT EXISTS indicators_name ON indicators (name);
"""


def default_root() -> Path:
    """``$JIXIAO_LIBRARY`` or ``./case_library``."""
    return Path(os.environ.get("JIXIAO_LIBRARY", DEFAULT_LIBRARY))


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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Library:
    """A case library folder. Cheap to create; every write goes through :meth:`commit`."""

    def __init__(self, root: str | Path | None = None, *, readonly: bool = False) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.index_path = self.root / "index.sqlite"
        self.staging_root = self.root / ".staging"
        self.trash_root = self.root / ".trash"
        self.failed_root = self.root / ".failed"
        self.readonly = readonly
        if readonly:
            if not self.index_path.is_file():
                raise FileNotFoundError(f"{self.root} 不是案例库（缺少 index.sqlite）")
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with self.lock():
            self._init_index()
            self.recover()

    # -- locking -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock over commits and the index (across processes)."""
        with open(self.root / ".lock", "a+") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.index_path, timeout=60, isolation_level=None)
        con.execute("PRAGMA synchronous=NORMAL")  # WAL mode is set once, when the index is made
        return con

    def _init_index(self) -> None:
        con = self._connect()
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            _add_missing_columns(con)
            con.executescript(_INDEXES)
            con.execute("DELETE FROM meta WHERE key = 'schema_version'")
            con.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        finally:
            con.close()

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
        return actions

    def commit(self, staging: Path, record: Record) -> Path:
        """Make a finished staging folder the archived case and index it, atomically.

        The index row is written in a transaction that commits only after the folder is in place;
        a replaced case is kept in ``.trash`` until then.
        """
        final = self.case_dir(record.year, record.case_id)
        with self.lock():
            _fsync_dir(staging)
            final.parent.mkdir(parents=True, exist_ok=True)
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
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        return final

    # -- index -------------------------------------------------------------------------------
    @staticmethod
    def _upsert(con: sqlite3.Connection, r: Record) -> None:
        con.execute(
            "INSERT OR REPLACE INTO cases (year, case_id, project_id, title, department, evaluation,"
            " budget_type, object_type, total_score, grade, path, input_hash, case_hash,"
            " notebook_hash, package_hash, source, manifest_hash, archived_at, level1)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        con.execute("DELETE FROM indicators WHERE year = ? AND case_id = ?", (r.year, r.case_id))
        con.executemany(
            "INSERT OR REPLACE INTO indicators (year, case_id, code, name, level1, level2, rule, unit,"
            " weight, target, actual, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.year,
                    r.case_id,
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
                for i in r.indicators
            ],
        )

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Run a read-only query on the index."""
        con = self._connect()
        con.row_factory = sqlite3.Row
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def get(self, year: int, case_id: str) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM cases WHERE year = ? AND case_id = ?", (year, case_id))
        return rows[0] if rows else None

    def find(self, case_id: str) -> list[sqlite3.Row]:
        """Archived versions of a case id (one per year)."""
        return self.query("SELECT * FROM cases WHERE case_id = ? ORDER BY year", (case_id,))

    def cases(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM cases ORDER BY year, case_id")


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


def list_cases(library: Library, **filters: Any):
    """Archived cases as a DataFrame, filtered by equality on ``year``, ``department``,
    ``evaluation``, ``grade``, ``budget_type``, ``object_type`` or ``project_id`` (None = any)."""
    import pandas as pd

    where, params = [], []
    for key, value in filters.items():
        if key not in FILTERS:
            raise ValueError(f"未知的筛选条件 {key}（可用：{'、'.join(FILTERS)}）")
        if value is not None:
            where.append(f"{key} = ?")
            params.append(value)
    sql = f"SELECT {', '.join(LIST_COLUMNS)} FROM cases"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # sorted here rather than by SQL: ORDER BY would steer SQLite to scan the primary key
    # instead of using the index of the filter
    con = library._connect()
    try:
        df = pd.read_sql_query(sql, con, params=params)
    finally:
        con.close()
    return df.sort_values(["year", "case_id"], kind="stable").reset_index(drop=True)


PERCENTILES = (10, 25, 50, 75, 90)


def indicator_values(library: Library, indicator: str, *, years: tuple[int, int] | None = None):
    """Every archived value of an indicator (by code, or by name when no code matches)."""
    import pandas as pd

    con = library._connect()
    try:
        sql = (
            "SELECT i.year, i.case_id, c.project_id, c.department, i.code, i.name, i.unit,"
            " i.weight, i.target, i.actual, i.score FROM indicators i"
            " JOIN cases c ON c.year = i.year AND c.case_id = i.case_id WHERE i.{col} = ?"
        )
        extra, params = "", [indicator]
        if years is not None:
            extra = " AND i.year BETWEEN ? AND ?"
            params += list(years)
        df = pd.read_sql_query(sql.format(col="code") + extra, con, params=params)
        if df.empty:
            df = pd.read_sql_query(sql.format(col="name") + extra, con, params=params)
        return df
    finally:
        con.close()


def benchmark(library: Library, indicator: str, *, by: str | None = None, years=None):
    """Percentiles of an indicator's actual value and score (得分率 %) across archived cases.

    Parameters
    ----------
    indicator : str
        Indicator code (e.g. ``C11``) or name.
    by : {None, "year", "department"}
        Group the percentiles.
    years : (int, int), optional
        Only cases of these years (inclusive).

    Returns
    -------
    DataFrame
        One row per group: ``n``, ``actual_mean``, ``actual_p10`` … ``actual_p90``,
        ``score_rate_p10`` … ``score_rate_p90`` (score as % of weight).
    """
    import pandas as pd

    if by not in (None, "year", "department"):
        raise ValueError("by 只能是 year 或 department")
    df = indicator_values(library, indicator, years=years)
    if df.empty:
        return pd.DataFrame()
    df["score_rate"] = df["score"] / df["weight"] * 100
    if not by:
        df["group"] = "全部"
    groups = df.groupby(by or "group", sort=True)
    qs = [p / 100 for p in PERCENTILES]
    actual = groups["actual"].quantile(qs).unstack()
    actual.columns = [f"actual_p{p}" for p in PERCENTILES]
    rate = groups["score_rate"].quantile(qs).unstack()
    rate.columns = [f"score_rate_p{p}" for p in PERCENTILES]
    out = pd.concat(
        [groups.size().rename("n"), groups["actual"].mean().rename("actual_mean"), actual, rate],
        axis=1,
    )
    out.index.name = by or "group"
    return out.reset_index()


def indicator_table(library: Library):
    """All archived indicator rows (for export)."""
    import pandas as pd

    con = library._connect()
    try:
        return pd.read_sql_query(
            "SELECT year, case_id, code, name, level1, level2, rule, unit, weight, target, actual,"
            " score FROM indicators ORDER BY year, case_id, code",
            con,
        )
    finally:
        con.close()
