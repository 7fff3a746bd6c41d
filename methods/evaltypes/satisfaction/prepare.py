"""The prepared survey: the respondent file read, checked and cleaned (answers as numbers,
不了解/不适用 codes counted and treated as missing, reverse-keyed items recoded, personal columns
refused or dropped) and its sampling design built (weights, strata, clusters, fpc, calibration,
trimming, replicate weights).

:func:`prepare` is cached per data file and spec (the validation, the indicator link and the
analysis of one run read a file once).
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.casefile import Case, field_label
from methods.evaltypes.satisfaction.model import DEFAULT_LABELS_1_5, SurveySpec
from methods.evaltypes.satisfaction.privacy import (
    _err,
    _refuse_personal,
    _safe_cell,
    header_row_is_data,
    safe_header,
    scrub,
    used_columns,
)
from methods.evaltypes.satisfaction.reading import Table, read_table

DEFAULT_NA_TEXT = ("不适用", "不了解", "不清楚", "说不清", "无法回答", "拒答")
_LAST_CACHE: dict[Any, Any] = {}
_CACHE_SIZE = 16


@dataclass(frozen=True)
class Prepared:
    """A survey ready for analysis (aggregates only leave this object)."""

    spec: SurveySpec
    frame: pd.DataFrame  # analysis columns only; items recoded, NaN = missing / 不适用
    raw_items: pd.DataFrame  # items before reverse recoding
    design: Any  # methods.survey.Design
    items: list[str]
    labels: dict[str, str]
    dimensions: dict[str, list[str]]
    reverse: list[str]
    importance: dict[str, str]
    counts: pd.DataFrame
    file: str
    sha256: str
    encoding: str
    n: int
    dropped: tuple[str, ...]
    scale: tuple[int, int]
    satisfied: tuple[int, ...]
    level_labels: dict[int, str]
    na_labels: dict[str, str]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def weight_col(self) -> str:
        return "__w"


def _na_codes(spec: SurveySpec) -> dict[str, str]:
    """Text form of every 不了解/不适用 code → its label."""
    out = {t: t for t in DEFAULT_NA_TEXT}
    codes = spec.na_codes or []
    pairs = codes.items() if isinstance(codes, Mapping) else ((c, None) for c in codes)
    for code, label in pairs:
        out[str(code).strip()] = label or (str(code) if isinstance(code, str) else f"代码 {code}")
    return out


def _level_labels(spec: SurveySpec, lo: int, hi: int) -> dict[int, str]:
    if spec.labels is not None:
        return dict(spec.labels)
    return dict(DEFAULT_LABELS_1_5) if (lo, hi) == (1, 5) else {}


def check_spec(spec: SurveySpec, loc: tuple, *, min_items: int = 2) -> None:
    """Checks of the spec that need no data (scale, levels, codes, items, roles)."""
    if len(spec.scale) != 2:
        raise _err(f"量表 scale 应写作 [最低等级, 最高等级]，实际为 {spec.scale}", (*loc, "scale"))
    lo, hi = spec.scale
    if not hi > lo:
        raise _err(f"量表 scale 的最高等级应大于最低等级，实际为 {spec.scale}", (*loc, "scale"))
    if hi - lo > 20:
        raise _err(f"量表 {lo}–{hi} 的等级过多（最多 21 级）", (*loc, "scale"))
    levels = set(range(lo, hi + 1))
    for k in spec.labels or {}:
        if k not in levels:
            raise _err(f"标签的等级 {k} 不在量表 {lo}–{hi} 内", (*loc, "labels", k))
    if len(set((spec.labels or {}).values())) != len(spec.labels or {}):
        raise _err("等级标签 labels 有重复", (*loc, "labels"))
    for code in spec.na_codes or []:
        text = str(code).strip()
        try:
            num = float(text)
        except ValueError:
            num = None
        if num is not None and num in levels:
            raise _err(
                f"不适用代码 {code} 与量表等级 {lo}–{hi} 冲突",
                (*loc, "na_codes"),
                hint="请换用量表以外的代码（如 8、9 或 99）",
            )
        if text in set((spec.labels or {}).values()):
            raise _err(f"不适用代码 '{code}' 同时是等级标签", (*loc, "na_codes"))
    if spec.satisfied is not None:
        bad = [v for v in spec.satisfied if v not in levels]
        if bad or not spec.satisfied:
            raise _err(
                f"“满意”等级 {spec.satisfied} 应为量表 {lo}–{hi} 内的等级", (*loc, "satisfied")
            )
    if spec.method == "likert_points":
        if spec.points is None and (lo, hi) != (1, 5):
            raise _err(
                f"量表 {lo}–{hi} 不是 1–5：likert_points 需要 points 给出每个等级的分值",
                (*loc, "points"),
            )
        if spec.points is not None:
            missing = sorted(levels - set(spec.points))
            if missing:
                raise _err(f"points 缺少等级 {missing} 的分值", (*loc, "points"))
            for k, v in spec.points.items():
                if k not in levels:
                    raise _err(f"points 的等级 {k} 不在量表 {lo}–{hi} 内", (*loc, "points", k))
                if not (math.isfinite(v) and 0 <= v <= 100):
                    raise _err(f"等级 {k} 的分值 {v:g} 应在 0 到 100 之间", (*loc, "points", k))
    elif spec.points is not None:
        raise _err("只有 method: likert_points 使用 points", (*loc, "points"))
    if len(spec.items) < min_items:
        raise _err(
            f"满意度题目至少需要 {min_items} 个（现有 {len(spec.items)} 个）：信度分析需要多个题目",
            (*loc, "items"),
        )
    seen: dict[str, int] = {}
    for j, it in enumerate(spec.items):
        if it.column in seen:
            raise _err(
                f"题目列 '{it.column}' 重复（与 items[{seen[it.column]}] 相同）",
                (*loc, "items", j, "column"),
            )
        seen[it.column] = j
    for j, it in enumerate(spec.items):
        if it.importance is not None and it.importance in seen:
            raise _err(
                f"重要性列 '{it.importance}' 同时是满意度题目", (*loc, "items", j, "importance")
            )
    if spec.overall is not None and spec.overall in seen:
        raise _err(f"总体满意度列 '{spec.overall}' 不应同时列为题目", (*loc, "overall"))
    if spec.calibration is not None:
        cal = spec.calibration
        if not cal.margins:
            raise _err("calibration.margins 不能为空", (*loc, "calibration", "margins"))
        if cal.method == "poststratify" and len(cal.margins) != 1:
            raise _err(
                "后分层（poststratify）只能按一个变量；多个变量请用 method: rake",
                (*loc, "calibration", "margins"),
            )
        for var, pop in cal.margins.items():
            if not pop:
                raise _err(f"变量 {var} 没有给出总体数", (*loc, "calibration", "margins", var))
            for k, v in pop.items():
                if not (math.isfinite(v) and v > 0):
                    raise _err(
                        f"{var} = {k} 的总体数 {v:g} 应为正数",
                        (*loc, "calibration", "margins", var, k),
                    )
    trim = spec.design.trim
    if trim is not None and trim.lower is not None and trim.upper is not None:
        if trim.lower > trim.upper:
            raise _err("权重修剪下限大于上限", (*loc, "design", "trim"))
    used: dict[str, tuple] = {}
    for col, field_path, _ in used_columns(spec, loc):
        used.setdefault(col, field_path)
    for k, col in enumerate(spec.drop):
        if col in used:
            raise _err(
                f"要删除的列 '{col}' 同时用于分析（{field_label(used[col])}）", (*loc, "drop", k)
            )


def _number_cells(
    s: pd.Series, rows: np.ndarray, display: str, col: str, role: str, loc: tuple
) -> np.ndarray:
    """A design column as numbers: blanks and text raise naming the row."""
    txt = s.map(lambda v: unicodedata.normalize("NFKC", v).strip())
    blank = (txt == "").to_numpy()
    if blank.any():
        pos = int(np.flatnonzero(blank)[0])
        raise _err(f"{display} 第 {rows[pos]} 行 {col}：{role}缺失", loc)
    num = pd.to_numeric(txt, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(num) | np.isinf(num)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise _err(
            f"{display} 第 {rows[pos]} 行 {col}：{_safe_cell(s.iloc[pos])} 不是数值（{role}）", loc
        )
    return num


def _answers(
    s: pd.Series,
    rows: np.ndarray,
    scale: tuple[int, int],
    level_of: Mapping[str, int],
    na_text: Mapping[str, str],
    display: str,
    col: str,
    loc: tuple,
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Answers of one item: values (NaN missing), blank mask, and the 不适用 code of each row."""
    lo, hi = scale
    txt = s.map(lambda v: unicodedata.normalize("NFKC", v).strip())
    blank = (txt == "").to_numpy()
    na_key = txt.map(lambda v: na_text.get(v))
    num = pd.to_numeric(txt, errors="coerce")
    if na_text:  # numeric codes written as 9.0 or 09
        num_codes = {}
        for k, lab in na_text.items():
            try:
                num_codes[float(k)] = lab
            except ValueError:
                continue
        if num_codes:
            hit = num.map(lambda v: num_codes.get(v) if pd.notna(v) else None)
            na_key = na_key.where(na_key.notna(), hit)
    is_na = na_key.notna().to_numpy()
    label = txt.map(lambda v: level_of.get(v))
    value = num.where(label.isna(), label).astype(float)
    value[is_na | blank] = np.nan
    bad = ~blank & ~is_na & value.isna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        known = "、".join(list(level_of)[:6])
        raise _err(
            f"{display} 第 {rows[pos]} 行 {col}：{_safe_cell(s.iloc[pos])} 不是量表 {lo}–{hi} 的等级"
            + (f"（或标签 {known}）" if known else ""),
            loc,
            hint="表示“不了解/不适用”的代码请列入 survey.na_codes",
        )
    x = value.to_numpy(dtype=float)
    off = ~np.isnan(x) & ((x < lo) | (x > hi) | (x != np.round(x)))
    if off.any():
        pos = int(np.flatnonzero(off)[0])
        what = "超出量表" if (x[pos] < lo or x[pos] > hi) else "不是整数等级，量表为"
        raise _err(
            f"{display} 第 {rows[pos]} 行 {col}：值 {fmt.num(x[pos], 4)} {what} {lo}–{hi}",
            loc,
            hint="若是“不了解/不适用”等代码，请列入 survey.na_codes",
        )
    return x, blank, na_key


def _require_column(table: Table, col: str, display: str, loc: tuple) -> None:
    if col in table.dropped:
        raise _err(f"列 '{col}' 已列入 survey.drop（个人信息，读入时删除），不能用于分析", loc)
    if col not in table.cells.columns:
        data_like = header_row_is_data(table.cells.columns)
        cols = [safe_header(c, data_like) for c in table.cells.columns]
        shown = "、".join(cols[:15]) + (" …" if len(cols) > 15 else "")
        raise _err(
            f"{display} 中没有列 '{col}'（现有列：{shown}）",
            loc,
            hint="若列名显示为乱码，请检查文件编码（survey.encoding）",
        )


def _cache_get(key):
    return _LAST_CACHE.get(key)


def _cache_put(key, value):
    if len(_LAST_CACHE) >= _CACHE_SIZE:
        _LAST_CACHE.pop(next(iter(_LAST_CACHE)))
    _LAST_CACHE[key] = value
    return value


def prepare(
    spec: SurveySpec, case: Case, loc: tuple = ("survey",), *, strict: bool = True
) -> Prepared:
    """Read, check and clean a survey's respondent file and build its design.

    Parameters
    ----------
    spec : SurveySpec
    case : Case
        The case whose folder the data path is relative to (path checks as for every data file).
    loc : tuple
        Field path of the spec in that case file (for error messages).
    strict : bool
        Satisfaction cases (True): at least two items, and an item whose answers are all equal
        is an error (reliability needs variance). Inline indicator surveys (False): one item is
        enough.

    Raises
    ------
    CaseError
        Naming the file, the column and the row of the first problem.
    """
    from methods.casefile import resolve_data_path

    path = resolve_data_path(case, spec.data, (*loc, "data"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    key = ("prepare", str(path), digest, spec.model_dump_json(), loc, strict)
    hit = _cache_get(key)
    if hit is not None:
        return hit
    return _cache_put(key, _prepare(spec, case, path, loc, strict))


def _prepare(spec: SurveySpec, case: Case, path: Path, loc: tuple, strict: bool) -> Prepared:
    from methods import survey

    check_spec(spec, loc, min_items=2 if strict else 1)
    display = spec.data
    table = read_table(path, display, loc, encoding=spec.encoding, sheet=spec.sheet)
    cells, rows = table.cells, table.rows
    # personal data: dropped columns first, then refuse anything that still looks personal
    for k, col in enumerate(spec.drop):
        if col not in cells.columns:
            raise _err(f"{display} 中没有要删除的列 '{col}'", (*loc, "drop", k))
    cells = cells.drop(columns=list(spec.drop))
    table = Table(table.header, cells, rows, table.encoding, table.sha256, tuple(spec.drop))
    _refuse_personal(table, spec, display, loc)
    lo, hi = spec.scale
    level_labels = _level_labels(spec, lo, hi)
    level_of = {v: k for k, v in level_labels.items()}
    na_text = _na_codes(spec)
    frame: dict[str, Any] = {}
    raw: dict[str, np.ndarray] = {}
    count_rows = []
    items = [it.column for it in spec.items]
    labels = {
        it.column: (it.text or it.column) + ("（反向）" if it.reverse else "") for it in spec.items
    }
    for j, it in enumerate(spec.items):
        iloc = (*loc, "items", j, "column")
        _require_column(table, it.column, display, iloc)
        x, blank, na_key = _answers(
            cells[it.column], rows, (lo, hi), level_of, na_text, display, it.column, iloc
        )
        valid = ~np.isnan(x)
        if not valid.any():
            raise _err(
                f"{display} 的题目 {it.column} 没有有效回答（{len(x)} 行全部为空或不适用）",
                iloc,
                hint="请核对列名与数据，或从 items 中删去该题",
            )
        if strict and np.unique(x[valid]).size == 1:
            raise _err(
                f"{display} 的题目 {it.column} 所有有效回答都是 {fmt.num(x[valid][0])}（方差为 0），"
                "无法做信度分析",
                iloc,
                hint="请核对数据；确属如此时请从 items 中删去该题，并在报告中说明",
            )
        raw[it.column] = x.copy()
        if it.reverse:
            x = lo + hi - x
        frame[it.column] = x
        by_code = na_key.dropna().value_counts()
        count_rows.append(
            {
                "item": it.column,
                "label": labels[it.column],
                "dimension": it.dimension,
                "reverse": it.reverse,
                "valid": int(valid.sum()),
                "not_applicable": int(na_key.notna().sum()),
                "blank": int(blank.sum()),
                "by_code": {str(k): int(v) for k, v in by_code.items()},
            }
        )
    importance: dict[str, str] = {}
    for j, it in enumerate(spec.items):
        if it.importance is None:
            continue
        iloc = (*loc, "items", j, "importance")
        _require_column(table, it.importance, display, iloc)
        x, _, _ = _answers(
            cells[it.importance], rows, (lo, hi), level_of, na_text, display, it.importance, iloc
        )
        if np.isnan(x).all():
            raise _err(f"{display} 的重要性题目 {it.importance} 没有有效回答", iloc)
        frame[it.importance] = x
        importance[it.column] = it.importance
    if spec.overall is not None:
        oloc = (*loc, "overall")
        _require_column(table, spec.overall, display, oloc)
        x, _, _ = _answers(
            cells[spec.overall], rows, (lo, hi), level_of, na_text, display, spec.overall, oloc
        )
        if np.isnan(x).all():
            raise _err(f"{display} 的总体满意度题目 {spec.overall} 没有有效回答", oloc)
        frame[spec.overall] = x
    for k, g in enumerate(spec.groups):
        _require_column(table, g, display, (*loc, "groups", k))
        s = cells[g].map(lambda v: unicodedata.normalize("NFKC", v).strip())
        frame[g] = s.where(s != "", None).astype(object)
    d = spec.design
    for role, col, what in (
        ("strata", d.strata, "分层"),
        ("cluster", d.cluster, "整群"),
    ):
        if col is None:
            continue
        _require_column(table, col, display, (*loc, "design", role))
        s = cells[col].map(lambda v: unicodedata.normalize("NFKC", v).strip())
        empty = (s == "").to_numpy()
        if empty.any():
            pos = int(np.flatnonzero(empty)[0])
            raise _err(f"{display} 第 {rows[pos]} 行 {col}：{what}单位缺失", (*loc, "design", role))
        frame[col] = s.astype(object)
    weights = None
    if d.weights is not None:
        wloc = (*loc, "design", "weights")
        _require_column(table, d.weights, display, wloc)
        w = _number_cells(cells[d.weights], rows, display, d.weights, "权重", wloc)
        bad = w <= 0
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise _err(
                f"{display} 第 {rows[pos]} 行 {d.weights}：权重 {fmt.num(w[pos], 6)} 应大于 0", wloc
            )
        frame["__w"] = w
        weights = "__w"
    fpc = None
    if d.fpc is not None:
        floc = (*loc, "design", "fpc")
        _require_column(table, d.fpc, display, floc)
        f = _number_cells(cells[d.fpc], rows, display, d.fpc, "有限总体校正值", floc)
        bad = f <= 0
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise _err(f"{display} 第 {rows[pos]} 行 {d.fpc}：有限总体校正值应大于 0", floc)
        frame["__fpc"] = f
        fpc = "__fpc"
    if spec.calibration is not None:
        for var in spec.calibration.margins:
            mloc = (*loc, "calibration", "margins", var)
            _require_column(table, var, display, mloc)
            s = cells[var].map(lambda v: unicodedata.normalize("NFKC", v).strip())
            empty = (s == "").to_numpy()
            if empty.any():
                pos = int(np.flatnonzero(empty)[0])
                raise _err(f"{display} 第 {rows[pos]} 行 {var}：校准变量缺失", mloc)
            frame[var] = s.astype(object)
    df = pd.DataFrame(frame, index=pd.RangeIndex(len(rows)))
    # the design
    notes: list[str] = []
    warn: list[str] = []
    try:
        design = survey.Design(
            df,
            weights=weights,
            strata=d.strata,
            cluster=d.cluster,
            fpc=fpc,
            lonely_psu=d.lonely_psu or "fail",
            nest=d.nest,
        )
    except ValueError as exc:
        msg = str(exc).replace("有限总体校正列 __fpc", f"有限总体校正列 {d.fpc}")
        raise _err(f"{display}：{scrub(msg)}", (*loc, "design")) from None
    if spec.calibration is not None:
        cal = spec.calibration
        margins = {
            var: {str(k).strip(): v for k, v in pop.items()} for var, pop in cal.margins.items()
        }
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if cal.method == "rake":
                    design = design.rake(margins)
                else:
                    ((var, pop),) = margins.items()
                    design = design.poststratify(var, pop)
            except ValueError as exc:
                raise _err(f"{display}：{scrub(exc)}", (*loc, "calibration", "margins")) from None
        warn.extend(scrub(w.message) for w in caught)
    if d.trim is not None:
        try:
            design = design.trim(d.trim.lower, d.trim.upper)
        except ValueError as exc:
            raise _err(f"{display}：{scrub(exc)}", (*loc, "design", "trim")) from None
    if d.variance != "taylor":
        try:
            design = (
                design.bootstrap(d.replicates, seed=d.seed)
                if d.variance == "bootstrap"
                else design.jackknife()
            )
        except ValueError as exc:
            raise _err(f"{display}：{scrub(exc)}", (*loc, "design", "variance")) from None
    df["__w"] = design.weights
    design = design._derive(_data=df.copy(deep=False))
    dims: dict[str, list[str]] = {}
    for it in spec.items:
        if it.dimension:
            dims.setdefault(it.dimension, []).append(it.column)
    if spec.satisfied is not None:
        sat = tuple(sorted(spec.satisfied))
    else:
        sat = tuple(v for v in range(lo, hi + 1) if v > (lo + hi) / 2)
    reverse = [it.column for it in spec.items if it.reverse]
    if reverse:
        notes.append(
            "反向计分题已按 最小+最大−原值 重新编码后再分析："
            + "、".join(labels[c] for c in reverse)
        )
    counts = pd.DataFrame(count_rows)
    return Prepared(
        spec=spec,
        frame=df,
        raw_items=pd.DataFrame(raw, index=df.index),
        design=design,
        items=items,
        labels=labels,
        dimensions=dims,
        reverse=reverse,
        importance=importance,
        counts=counts,
        file=display,
        sha256=table.sha256,
        encoding=table.encoding,
        n=len(df),
        dropped=tuple(spec.drop),
        scale=(lo, hi),
        satisfied=sat,
        level_labels=level_labels,
        na_labels=na_text,
        notes=tuple(notes),
        warnings=tuple(warn),
    )


def satisfaction_table(prep: Prepared, by: str | None = None):
    """:func:`methods.survey.satisfaction_index` of a prepared survey (design-based)."""
    from methods import survey

    spec = prep.spec
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return survey.satisfaction_index(
            prep.frame,
            prep.items,
            method=spec.method,
            scale=prep.scale,
            satisfied_levels=prep.satisfied,
            points=spec.points,
            design=prep.design,
            by=by,
            dimensions=prep.dimensions or None,
            na_values=(),
            pooling=spec.pooling,
            conf_level=spec.conf_level,
        )


def design_label(prep: Prepared) -> str:
    """Short Chinese description of the design for a score reason, e.g. 按镇街道分层加权."""
    d = prep.spec.design
    parts = []
    if d.strata:
        parts.append(f"按{d.strata}分层")
    if d.cluster:
        parts.append(f"按{d.cluster}整群抽样")
    text = "、".join(parts) or "简单随机抽样"
    if d.weights:
        text += "加权" if text.endswith("分层") else "，加权"
    if prep.spec.calibration is not None:
        how = "耙式调整" if prep.spec.calibration.method == "rake" else "后分层"
        text += f"，{how}至已知总体结构（{'、'.join(prep.spec.calibration.margins)}）"
    if d.fpc:
        text += "，有限总体校正"
    if d.variance != "taylor":
        text += "，" + ("自助法" if d.variance == "bootstrap" else "刀切法") + "方差"
    return text


SHORT_METHOD = {
    "rate": "满意率",
    "likert_points": "加权满意度指数",
    "rescaled": "满意度指数（0–100）",
}
