"""Standards from the case library (标杆管理法, 历史标准, 行业标准) and where a case stands.

A case file may take an indicator's target from past cases (``target_from`` on the indicator):

- ``history`` (历史标准): the same project's archived values of earlier years (the project is
  ``project_id``, by default the case id without its trailing year). Within one project the
  indicator is found by its identity or, the project being the same, by its code; either way the
  unit and the direction must be the same;
- ``industry`` (行业标准): other projects' archived values of the same indicator in earlier years
  (one value per project, its latest year), summarised by a percentile, when at least
  :data:`MIN_COMPARABLE` projects have one (``target_from.min_cases`` sets another number).

"The same indicator" is never a bare case-local code (every case numbers its indicators for
itself): it is the same identity (``benchmark_key``, else the indicator-library code ``ref``,
else the name), the same unit and the same direction (:mod:`methods.library`, "Indicator
identity"). :func:`position` (the report's 与案例库对标) compares the same way.

Only earlier years are used for targets, so results do not depend on the order cases of one year
are run in (batches run earlier years first). The library is found as everywhere
(:func:`methods.library.discover`): the case's ``library:`` key (relative to the case file), else
``$JIXIAO_LIBRARY`` (``jixiao run`` and ``jixiao batch`` set it to the library they archive into),
else the nearest ``case_library/`` of the project the case file is in. When no library is found, a
case taking targets from it is refused, naming the indicator (never a silent fallback). A library
with too few comparable values falls back to the indicator's own ``target`` (the documented
备用目标值), and the target's basis says why; without a fallback target the case is refused,
naming the indicator and how many comparable cases there are. Every target is reported with its
basis.
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
from methods.library import MIN_COMPARABLE, Library
from methods.scoring import DEFAULT_VARIANTS

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


__all__ = [
    "MIN_COMPARABLE",
    "Resolved",
    "comparable_key",
    "find_library",
    "library_checks_deferred",
    "library_for",
    "library_to_check",
    "position",
    "require_library",
    "resolve",
]


def comparable_key(
    name: str,
    unit: str | None,
    rule: str,
    variant: str | None = None,
    target=None,
    *,
    ref: str | None = None,
    benchmark_key: str | None = None,
) -> tuple[str | None, str, str | None]:
    """``(identity, unit, direction)`` of an indicator: archived indicators are compared with it
    only when all three are equal (:mod:`methods.library`, "Indicator identity")."""
    return (
        _library.indicator_identity(name, ref=ref, benchmark_key=benchmark_key),
        _library.unit_key(unit),
        _library.indicator_direction(rule, variant or DEFAULT_VARIANTS.get(rule), target),
    )


def _key_of(ind: Indicator, target=None) -> tuple[str | None, str, str | None]:
    return comparable_key(
        ind.name,
        getattr(ind, "unit", None),
        ind.rule,
        getattr(ind, "variant", None),
        target if target is not None else getattr(ind, "target", None),
        ref=getattr(ind, "ref", None),
        benchmark_key=getattr(ind, "benchmark_key", None),
    )


def _same(df: pd.DataFrame, key: tuple[str | None, str, str | None]) -> pd.Series:
    """Rows of :func:`methods.library.indicator_frame` with the same unit and direction."""
    return (df["unit_key"] == key[1]) & (df["direction"] == key[2])


def _what(ind: Indicator, key: tuple[str | None, str, str | None]) -> str:
    """The comparable group in words: 同一指标（…）、计量单位…、方向…."""
    if getattr(ind, "benchmark_key", None):
        same = f"对标标识 {ind.benchmark_key}"
    elif getattr(ind, "ref", None):
        same = f"指标库代码 {ind.ref}"
    else:
        same = f"名称“{ind.name}”"
    unit = f"计量单位 {key[1]}" if key[1] else "无计量单位"
    way = _library.DIRECTION_LABELS.get(key[2] or "", "")
    return f"{same}、{unit}" + (f"、{way}" if way else "")


def _fallback(ind: Indicator) -> float | None:
    target = getattr(ind, "target", None)
    return float(target) if isinstance(target, int | float) else None


def _history(lib: Library, case: Case, ind: Indicator, index: int) -> Resolved | None:
    spec = ind.target_from
    key = _key_of(ind)
    low = case.year - spec.years if spec.years else 0
    df = _library.indicator_frame(
        lib, identities=[key[0]] if key[0] else [], codes=[ind.code], years=(low, case.year - 1)
    )
    df = df[(df["project_id"] == case.project_key) & df["actual"].notna()]
    same = df[_same(df, key)].copy()
    # within the project: the same identity first, else the same code (the same project numbers
    # its indicators the same way from year to year; unit and direction still have to agree)
    same["by_code"] = same["identity"] != key[0]
    rows = (
        same.sort_values(["year", "case_id", "by_code"], ascending=[False, True, True])
        .drop_duplicates(["year", "case_id"])
        .to_dict("records")
    )
    if len(rows) < (spec.min_cases or 1) or not rows:
        other = df[~_same(df, key) & (df["code"] == ind.code)]
        fallback = _fallback(ind)
        if not other.empty and fallback is not None:
            r = other.sort_values("year", ascending=False).iloc[0]
            return Resolved(
                ind.code,
                fallback,
                0,
                f"历史标准：本项目 {int(r['year'])} 年的同一代码指标“{r['name']}”计量单位或方向"
                f"不同（{_library.unit_key(r['unit']) or '无单位'}），不作比较；"
                f"使用案例文件中的目标值 {fmt.num(fallback)}",
            )
        return None
    stat = spec.stat or "last"
    values = np.array([r["actual"] for r in rows], dtype=float)
    years = "、".join(str(r["year"]) for r in rows)
    if stat == "last":
        r = rows[0]
        renamed = f"，该年同一代码的指标名称为“{r['name']}”" if r["by_code"] else ""
        return Resolved(
            ind.code,
            float(r["actual"]),
            1,
            f"历史标准：{r['year']} 年实际值 {fmt.num(r['actual'])}（案例 {r['case_id']}{renamed}）",
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


def _peers(
    lib: Library, case: Case, key: tuple[str | None, str, str | None], years: tuple[int, int]
) -> pd.DataFrame:
    """Other projects' archived values of one comparable indicator in ``years``: one row per
    project (its latest year; within a case, its first indicator of that identity)."""
    df = _library.indicator_frame(lib, identities=[key[0]], years=years)
    df = df[_same(df, key) & df["actual"].notna() & (df["project_id"] != case.project_key)]
    return (
        df.sort_values(["year", "case_id", "code"], ascending=[False, True, True])
        .drop_duplicates("project_id")
        .reset_index(drop=True)
    )


def _industry(lib: Library, case: Case, ind: Indicator, index: int) -> Resolved | None:
    spec = ind.target_from
    key = _key_of(ind)
    need = spec.min_cases or MIN_COMPARABLE
    low = case.year - spec.years if spec.years else 0
    peers = (
        _peers(lib, case, key, (low, case.year - 1))
        if key[0] and key[2]
        else pd.DataFrame(columns=["actual"])
    )
    n = len(peers)
    if n < need:
        fallback = _fallback(ind)
        why = (
            f"案例库中与本指标同类（{_what(ind, key)}）的其他项目"
            + (f"只有 {n} 个" if n else "没有已存档的数据")
            + f"，少于最少 {need} 个"
            + ("（实务做法）" if spec.min_cases is None else "（案例文件的 min_cases）")
        )
        if fallback is not None:
            return Resolved(
                ind.code,
                fallback,
                n,
                f"行业标准：{why}，不取行业标准，使用案例文件中的目标值 {fmt.num(fallback)}",
            )
        if _DEFERRED.get():  # a batch archives the earlier years first: the run decides
            return None
        raise CaseError(
            f"指标“{ind.name}”的目标值取自行业标准，但{why}，且未给出备用目标值 target",
            field=("indicators", index, "target_from"),
            hint="在 target 中给出备用目标值；其他案例中的同一指标名称不同时，"
            "可在两边填写相同的 ref（指标库代码）或 benchmark_key（对标标识）",
        )
    values = peers["actual"].to_numpy(dtype=float)
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
        n,
        f"行业标准：{n} 个同类案例（其他项目的同一指标，{_what(ind, key)}，各取最近一年）"
        f"实际值的{label} {fmt.num(value)}",
    )


def resolve(case: Case) -> dict[str, Resolved]:
    """Targets of the case's ``target_from`` indicators that the library can supply (or, with too
    few comparable values, the indicator's own fallback ``target`` with the reason as its basis).

    Raises
    ------
    CaseError
        No library is found; or a 行业标准 has fewer comparable cases than it needs and the
        indicator gives no fallback target (outside :func:`library_checks_deferred`).
    """
    wanted = [
        (i, ind)
        for i, ind in enumerate(getattr(case, "indicators", None) or [])
        if getattr(ind, "target_from", None) is not None
    ]
    if not wanted:
        return {}
    why = _missing(case)
    if why is not None:
        index, first = wanted[0]
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
    for index, ind in wanted:
        found = (_history if ind.target_from.standard == "history" else _industry)(
            lib, case, ind, index
        )
        if found is not None:
            out[ind.code] = found
    return out


POSITION_COLUMNS = [
    "code",
    "name",
    "unit",
    "actual",
    "direction",
    "n",
    "p25",
    "p50",
    "p75",
    "better_pct",
    "shown",
]


def position(case: Case, table: pd.DataFrame, *, min_n: int = MIN_COMPARABLE) -> pd.DataFrame:
    """Where each numeric actual value stands among comparable archived cases.

    Comparable: other projects' archived cases of earlier years with the same indicator
    identity, unit and direction (one value per project, its latest year). The case's own project
    is left out (its earlier years are the 历史标准, not peers), and so are cases of the same year:
    which of them are archived before this one depends on the order a batch runs them in, and a
    report must not (``jixiao library benchmark`` compares across all archived cases).

    Returns one row per indicator with at least one comparable case: ``code``, ``name``,
    ``unit``, ``actual``, ``direction`` (higher/lower/range), ``n`` (comparable cases), ``p25``,
    ``p50``, ``p75``, ``better_pct`` (share of comparable cases this one is better than, %:
    a lower value is better for ``lower`` indicators; NaN for ``range`` ones) and ``shown``
    (``n >= min_n``; below it the percentiles are NaN: with so few values they say nothing).
    """
    lib = library_for(case)
    if lib is None:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    numeric = table[table["actual"].notna() & table["applicable"]]
    if numeric.empty:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    by_code = {ind.code: ind for ind in (getattr(case, "indicators", None) or [])}
    keys = []
    for r in numeric.itertuples():
        ind = by_code.get(r.code)
        keys.append(
            comparable_key(
                r.name,
                r.unit,
                r.rule,
                getattr(r, "variant", None),
                r.target,
                ref=getattr(ind, "ref", None),
                benchmark_key=getattr(ind, "benchmark_key", None),
            )
        )
    identities = sorted({k[0] for k in keys if k[0] and k[2]})
    if not identities:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    past = _library.indicator_frame(lib, identities=identities, years=(0, case.year - 1))
    past = past[past["actual"].notna() & (past["project_id"] != case.project_key)]
    out = []
    for r, key in zip(numeric.itertuples(), keys, strict=True):
        if not (key[0] and key[2]):
            continue
        peers = past[(past["identity"] == key[0]) & _same(past, key)]
        peers = peers.sort_values(["year", "case_id", "code"], ascending=[False, True, True])
        values = peers.drop_duplicates("project_id")["actual"].to_numpy(dtype=float)
        n = len(values)
        if n == 0:
            continue
        shown = n >= min_n
        q25 = q50 = q75 = better = np.nan
        if shown:
            q25, q50, q75 = np.percentile(values, [25, 50, 75])
            if key[2] == "higher":
                better = float((values < r.actual).mean() * 100)
            elif key[2] == "lower":
                better = float((values > r.actual).mean() * 100)
        out.append([r.code, r.name, r.unit, r.actual, key[2], n, q25, q50, q75, better, shown])
    return pd.DataFrame(out, columns=POSITION_COLUMNS)
