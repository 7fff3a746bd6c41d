"""Standards from the case library (标杆管理法, 历史标准, 行业标准) and where a case stands.

A case file may take an indicator's target from past cases (``target_from`` on the indicator):

- ``history`` (历史标准): the same project's archived values of earlier years (the project is
  ``project_id``, by default the case id without its trailing year);
- ``industry`` (行业标准): other projects' archived values of the same indicator code in earlier
  years, summarised by a percentile.

Only earlier years are used, so results do not depend on the order cases of one year are run in
(batches run earlier years first). The library is found as everywhere (:func:`methods.library.discover`):
the case's ``library:`` key (relative to the case file), else ``$JIXIAO_LIBRARY`` (``jixiao run`` and
``jixiao batch`` set it to the library they archive into), else the nearest ``case_library/`` of the
project the case file is in. When no library is found, a case taking targets from it is refused,
naming the indicator (never a silent fallback); a library without a comparable value falls back to
the indicator's own ``target``, and every target is reported with its basis.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods import library as _library
from methods.errors import CaseError
from methods.library import Library

if TYPE_CHECKING:
    from methods.casefile import Case, Indicator


@dataclass(frozen=True)
class Resolved:
    """A target taken from the library, with its basis in words."""

    code: str
    value: float
    n: int
    basis: str


def find_library(case: Case) -> tuple[Path | None, str]:
    """Where the case's library is (:func:`methods.library.discover` from the case folder, the
    case's ``library:`` key first) and how it was found; ``(None, "")`` when none is found."""
    explicit = case.resolve(case.library) if getattr(case, "library", None) else None  # type: ignore[arg-type]
    path, origin = _library.discover(case.base_dir, explicit)
    if explicit is not None:
        origin = "案例文件的 library 字段"
    return path, origin


def _missing(case: Case) -> str | None:
    """Why the case has no library (None when it has one, possibly still empty)."""
    path, origin = find_library(case)
    if path is None:
        return _library.not_found_message()
    if not path.is_dir() and path not in _library.PENDING:
        return f"案例库 {path} 不存在（来自{origin}）"
    return None


_DEFERRED: ContextVar[bool] = ContextVar("jixiao_library_checks_deferred", default=False)


@contextmanager
def library_checks_deferred() -> Iterator[None]:
    """Within this block validation does not check a case against the library's contents: a
    batch validates every case before it runs (and archives) the earlier years' cases, so the
    library is not yet what the case will read. The run checks again."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


def library_to_check(case: Case) -> Library | None:
    """The library validation checks a case's references against (:func:`library_for`); None
    when there is none or inside :func:`library_checks_deferred`."""
    if _DEFERRED.get():
        return None
    return library_for(case)


def library_for(case: Case) -> Library | None:
    """The library a case benchmarks against, opened read-only; None when there is none or it
    has no archived case yet."""
    path, _ = find_library(case)
    if path is None or not (path / "index.sqlite").is_file():
        return None
    return Library(path, readonly=True)


def require_library(case: Case, what: str, field: tuple) -> Library:
    """The library of a case built from archived cases (结果应用, 考核, a portfolio selected from
    the library). Raises a CaseError on ``field`` saying which library is missing or empty."""
    why = _missing(case)
    if why is not None:
        raise CaseError(
            f"{what}需要案例库：{why}",
            field=field,
            hint="用 --library、案例文件的 library 字段或环境变量 JIXIAO_LIBRARY 指定案例库",
        )
    lib = library_for(case)
    if lib is None:
        path, _ = find_library(case)
        raise CaseError(
            f"{what}需要案例库中已存档的案例，但案例库 {path} 中还没有存档案例", field=field
        )
    return lib


def _history(lib: Library, case: Case, ind: Indicator) -> Resolved | None:
    spec = ind.target_from
    rows = lib.query(
        "SELECT i.year, i.case_id, i.actual FROM indicators i JOIN cases c"
        " ON c.year = i.year AND c.case_id = i.case_id"
        " WHERE c.project_id = ? AND i.code = ? AND i.year < ? AND i.actual IS NOT NULL"
        " ORDER BY i.year DESC",
        (case.project_key, ind.code, case.year),
    )
    if spec.years:
        rows = [r for r in rows if r["year"] >= case.year - spec.years]
    if len(rows) < (spec.min_cases or 1) or not rows:
        return None
    stat = spec.stat or "last"
    values = np.array([r["actual"] for r in rows], dtype=float)
    years = "、".join(str(r["year"]) for r in rows)
    if stat == "last":
        r = rows[0]
        return Resolved(
            ind.code,
            float(r["actual"]),
            1,
            f"历史标准：{r['year']} 年实际值 {fmt.num(r['actual'])}（案例 {r['case_id']}）",
        )
    value = {"mean": np.mean, "median": np.median}.get(
        stat, lambda v: np.percentile(v, spec.percentile)
    )(values)
    label = {"mean": "平均值", "median": "中位数"}.get(
        stat, f"第 {fmt.num(spec.percentile)} 百分位数"
    )
    return Resolved(
        ind.code, float(value), len(rows), f"历史标准：{years} 年实际值的{label} {fmt.num(value)}"
    )


def _industry(lib: Library, case: Case, ind: Indicator) -> Resolved | None:
    spec = ind.target_from
    low = case.year - spec.years if spec.years else 0
    rows = lib.query(
        "SELECT i.actual FROM indicators i JOIN cases c ON c.year = i.year AND c.case_id = i.case_id"
        " WHERE i.code = ? AND i.year < ? AND i.year >= ? AND c.project_id != ?"
        " AND i.actual IS NOT NULL",
        (ind.code, case.year, low, case.project_key),
    )
    if len(rows) < (spec.min_cases or 1) or not rows:
        return None
    values = np.array([r["actual"] for r in rows], dtype=float)
    stat = spec.stat or "percentile"
    if stat == "mean":
        value, label = values.mean(), "平均值"
    elif stat in ("median", "last"):
        value, label = np.median(values), "中位数"
    else:
        value, label = (
            np.percentile(values, spec.percentile),
            f"第 {fmt.num(spec.percentile)} 百分位数",
        )
    return Resolved(
        ind.code,
        float(value),
        len(values),
        f"行业标准：{len(values)} 个同类案例实际值的{label} {fmt.num(value)}",
    )


def resolve(case: Case) -> dict[str, Resolved]:
    """Targets of the case's ``target_from`` indicators that the library can supply."""
    wanted = [
        ind
        for ind in (getattr(case, "indicators", None) or [])
        if getattr(ind, "target_from", None) is not None
    ]
    if not wanted:
        return {}
    why = _missing(case)
    if why is not None:
        first = wanted[0]
        index = next(i for i, ind in enumerate(case.indicators) if ind is first)
        kind = "历史标准" if first.target_from.standard == "history" else "行业标准"
        raise CaseError(
            f"目标值取自案例库（{kind}），但{why}",
            field=("indicators", index, "target_from"),
            hint="用 --library、案例文件的 library 字段或环境变量 JIXIAO_LIBRARY 指定案例库",
        )
    lib = library_for(case)
    if lib is None:  # the library exists but has no archived case yet: fallback targets
        return {}
    out = {}
    for ind in wanted:
        found = (_history if ind.target_from.standard == "history" else _industry)(lib, case, ind)
        if found is not None:
            out[ind.code] = found
    return out


def position(case: Case, table: pd.DataFrame) -> pd.DataFrame:
    """Where each numeric actual value stands among archived cases with the same indicator code.

    Returns one row per indicator with data: ``code``, ``name``, ``actual``, ``n``, ``p25``,
    ``p50``, ``p75`` and ``rank_pct`` (share of archived values at or below this one, %). The case
    itself (same year and id) is left out.
    """
    lib = library_for(case)
    cols = ["code", "name", "unit", "actual", "n", "p25", "p50", "p75", "rank_pct"]
    if lib is None:
        return pd.DataFrame(columns=cols)
    numeric = table[table["actual"].notna() & table["applicable"]]
    codes = list(dict.fromkeys(numeric["code"]))
    if not codes:
        return pd.DataFrame(columns=cols)
    marks = ",".join("?" * len(codes))
    rows = lib.query(
        f"SELECT code, actual FROM indicators WHERE code IN ({marks}) AND actual IS NOT NULL"
        " AND NOT (year = ? AND case_id = ?)",
        (*codes, case.year, case.case_id),
    )
    if not rows:
        return pd.DataFrame(columns=cols)
    past = pd.DataFrame([dict(r) for r in rows])
    out = []
    for r in numeric.itertuples():
        values = past.loc[past["code"] == r.code, "actual"].to_numpy(dtype=float)
        if len(values) == 0:
            continue
        q25, q50, q75 = np.percentile(values, [25, 50, 75])
        rank = float((values <= r.actual).mean() * 100)
        out.append([r.code, r.name, r.unit, r.actual, len(values), q25, q50, q75, rank])
    return pd.DataFrame(out, columns=cols)
