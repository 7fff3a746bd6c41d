"""Satisfaction indices (满意度, 公众评判法): satisfaction rate, weighted Likert index or rescaled
mean with design-based standard errors, an index turned into indicator points, importance–
performance analysis (IPA) with its chart, and Cochran's sample size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from methods import _format as fmt
from methods.survey._common import (
    _METHOD_LABEL,
    _as_list,
    _clean,
    _crit,
    _indicator,
    _records,
    _require_columns,
    _require_frame,
    _Term,
)
from methods.survey.design import Design
from methods.survey.estimates import Estimate

__all__ = [
    "SatisfactionResult",
    "index_to_points",
    "ipa",
    "plot_ipa",
    "sample_size",
    "satisfaction_index",
]


DEFAULT_NA_VALUES = ("不适用", "不了解", "不清楚", "说不清", "无法回答", "拒答")
DEFAULT_POINTS_1_5 = {5: 100.0, 4: 80.0, 3: 60.0, 2: 40.0, 1: 20.0}
QUADRANTS = {
    "keep": ("继续保持", "Keep up the good work"),
    "concentrate": ("重点改进", "Concentrate here"),
    "low": ("维持现状", "Low priority"),
    "overkill": ("过度投入", "Possible overkill"),
}


# ---------------------------------------------------------------------------------------------
# Satisfaction indices (满意度)


@dataclass(frozen=True)
class SatisfactionResult:
    """Satisfaction indices (0–100) overall, per dimension and per item (and per group).

    Attributes
    ----------
    table : DataFrame
        One row per (group,) level and name: the ``by`` columns, ``level`` (``overall``,
        ``dimension`` or ``item``), ``name``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``n_respondents`` (with at least one valid answer), ``n_valid`` (valid answers) and
        ``n_excluded`` (answers missing or 不适用).
    method : str
        ``rate``, ``likert_points`` or ``rescaled``.
    scale : tuple of int
        (min, max) of the answer scale.
    satisfied_levels : tuple
        Levels counted as satisfied (``rate``).
    points : dict or None
        Points per level (``likert_points``).
    pooling : str
        ``responses`` (all valid answers pooled: Σ scores / Σ valid answers) or ``items``
        (equal-weight mean of the item indices).
    variance : str
        How standard errors were obtained (Chinese).
    conf_level : float
    by : tuple of str
    """

    table: pd.DataFrame
    method: str
    scale: tuple[int, int]
    satisfied_levels: tuple[Any, ...]
    points: dict[Any, float] | None
    pooling: str
    variance: str
    conf_level: float = 0.95
    by: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def method_label(self) -> str:
        """Chinese name of the method."""
        return {
            "rate": "满意率（满意人数/有效人数）",
            "likert_points": "加权李克特指数（各等级赋分的平均）",
            "rescaled": "0–100 标准化均值（(均值−最小)/(最大−最小)×100）",
        }[self.method]

    @property
    def overall(self) -> float:
        """The overall index (first overall row; with ``by`` the first group's)."""
        rows = self.table[self.table["level"] == "overall"]
        return float(rows["estimate"].iloc[0])

    def summary(self) -> str:
        """Chinese summary: method, overall index, dimensions, excluded answers."""
        lines = [f"满意度计算方法：{self.method_label}；方差：{self.variance}"]
        if self.method == "rate":
            lines.append(f"“满意”等级：{'、'.join(map(str, self.satisfied_levels))}")
        if self.method == "likert_points" and self.points:
            pts = "，".join(f"{k}→{fmt.num(v)}" for k, v in sorted(self.points.items()))
            lines.append(f"等级赋分：{pts}（常见做法，未经官方文件核实）")
        pct = fmt.num(self.conf_level * 100)
        for _, r in self.table[self.table["level"] != "item"].iterrows():
            grp = "，".join(f"{c}={r[c]}" for c in self.by)
            head = f"[{grp}] " if grp else ""
            lines.append(
                f"{head}{r['name']}：{fmt.num(r['estimate'])}（标准误 {fmt.num(r['se'])}，"
                f"{pct}% 置信区间 {fmt.num(r['ci_low'])}–{fmt.num(r['ci_high'])}；"
                f"受访者 {int(r['n_respondents'])}，有效回答 {int(r['n_valid'])}，"
                f"剔除缺失/不适用 {int(r['n_excluded'])}）"
            )
        lines.extend(f"说明：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return {
            "method": self.method,
            "method_label": self.method_label,
            "scale": list(self.scale),
            "satisfied_levels": [_clean(v) for v in self.satisfied_levels],
            "points": None
            if self.points is None
            else {str(k): _clean(v) for k, v in self.points.items()},
            "pooling": self.pooling,
            "variance": self.variance,
            "conf_level": self.conf_level,
            "by": list(self.by),
            "notes": list(self.notes),
            "table": _records(self.table),
        }


def _answers(
    data: pd.DataFrame,
    items: Sequence[str],
    scale: tuple[int, int],
    na_values: Sequence[Any],
) -> np.ndarray:
    """(n × J) answers as float, NaN for blank / 不适用 codes; anything else off-scale raises."""
    lo, hi = scale
    out = np.empty((len(data), len(items)))
    na_text = {str(v).strip() for v in na_values}
    na_num = set()
    for v in na_values:
        try:
            na_num.add(float(v))
        except (TypeError, ValueError):
            continue
    for j, col in enumerate(items):
        s = data[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            x = s.to_numpy(dtype=float, na_value=np.nan)
        else:
            txt = s.astype("string").str.strip()
            txt = txt.mask(txt.isin(na_text) | (txt == ""))
            num = pd.to_numeric(txt, errors="coerce")
            bad = (txt.notna() & num.isna()).to_numpy(dtype=bool)
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"题目 {col} 第 {pos + 1} 行为文本 '{s.iloc[pos]}'：应为 {lo}–{hi} 的等级；"
                    f"“不适用/不了解”等请列入 na_values"
                )
            x = num.to_numpy(dtype=float, na_value=np.nan)
        if na_num:
            x = np.where(np.isin(x, list(na_num)), np.nan, x)
        off = ~np.isnan(x) & ((x < lo) | (x > hi) | (x != np.round(x)))
        if off.any():
            pos = int(np.flatnonzero(off)[0])
            raise ValueError(
                f"题目 {col} 第 {pos + 1} 行的值 {fmt.num(x[pos], 4)} 不在量表 {lo}–{hi} 的整数等级内；"
                "若是“不适用”等代码，请列入 na_values"
            )
        out[:, j] = x
    return out


def satisfaction_index(
    data: pd.DataFrame,
    items: Sequence[str] | None = None,
    method: str = "rate",
    scale: tuple[int, int] = (1, 5),
    satisfied_levels: Sequence[Any] = (4, 5),
    points: Mapping[Any, float] | None = None,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    dimensions: Mapping[str, Sequence[str]] | None = None,
    *,
    reverse: Sequence[str] = (),
    na_values: Sequence[Any] = DEFAULT_NA_VALUES,
    pooling: str = "responses",
    conf_level: float = 0.95,
) -> SatisfactionResult:
    """Satisfaction index (满意度) on a 0–100 scale, with design-based standard errors.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; the item columns hold scale levels (1–5 by default).
    items : list of str, optional
        Item columns; defaults to all items of ``dimensions``.
    method : {"rate", "likert_points", "rescaled"}
        ``rate``: 100 × share of valid answers in ``satisfied_levels`` (满意人数/有效人数;
        the simplest form seen in practice). ``likert_points``: mean of the points of
        the answers (default 很满意 100, 满意 80, 一般 60, 不满意 40, 很不满意 20 for a 1–5 scale
        with 5 = 很满意: a common convention, status *unverified*). ``rescaled``: mean answer
        rescaled to 0–100, (x̄ − min)/(max − min) × 100.
    scale : (int, int)
        Lowest and highest level.
    satisfied_levels : sequence
        Levels counted as satisfied for ``rate`` (满意 and 很满意: 4, 5).
    points : mapping, optional
        Points per level for ``likert_points``; required for scales other than 1–5.
    design : Design, optional
        The survey design of the same respondents (same rows and index as ``data``); without
        it the respondents are taken as a simple random sample (with replacement).
    by : str or list of str, optional
        Group columns (e.g. 乡镇); each group is a domain of the design.
    dimensions : mapping, optional
        ``{dimension name: [items]}``; each dimension gets its own index.
    reverse : list of str
        Reverse-keyed items (recoded min + max − x before scoring).
    na_values : sequence
        Codes meaning 不适用 / 不了解 (text or numbers, e.g. 9); blanks are always missing. Such
        answers are excluded and counted in ``n_excluded``; any other value off the scale
        raises ValueError naming the item and the row.
    pooling : {"responses", "items"}
        ``responses`` (default): Σ item scores / Σ valid answers over the items of a
        dimension (or all items): a ratio estimator, every valid answer weighs the same.
        ``items``: the equal-weight mean of the item indices.
    conf_level : float
        Confidence level (normal quantile, as R's ``confint``).

    Returns
    -------
    SatisfactionResult
        ``.table``, ``.overall``, ``.summary()``, ``.to_dict()``; the method used is reported.

    Notes
    -----
    With answer x_ij of respondent i to item j, valid indicator v_ij and item score s_ij
    (100·1{x ∈ satisfied}, points[x] or (x − min)/(max − min)·100), the pooled index is the
    ratio R̂ = Σ_i w_i Σ_j v_ij s_ij / Σ_i w_i Σ_j v_ij; its linearised variable
    z_i = w_i Σ_j v_ij (s_ij − R̂) / Σ_i w_i Σ_j v_ij is taken through the design variance
    (:class:`Design` Notes), so the correlation of one respondent's answers is accounted for.
    An item's index is the domain mean of s_ij over respondents who answered it. Intervals
    are Wald intervals (estimate ± z·SE, as R's ``confint``) and can pass 0 or 100 in very
    small groups.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [5, 4, 3, 2, 5], "q2": [4, 4, "不适用", 1, 5]})
    >>> satisfaction_index(df, ["q1", "q2"]).overall  # (3 + 3) satisfied / 9 valid
    66.66666666666667
    """
    data = _require_frame(data)
    if method not in ("rate", "likert_points", "rescaled"):
        raise ValueError(f"method 应为 'rate'、'likert_points' 或 'rescaled'，实际为 {method!r}")
    if pooling not in ("responses", "items"):
        raise ValueError(f"pooling 应为 'responses' 或 'items'，实际为 {pooling!r}")
    lo, hi = (int(scale[0]), int(scale[1]))
    if not hi > lo:
        raise ValueError(f"量表 scale 应为 (最小, 最大) 且最大 > 最小，实际为 {scale!r}")
    dims = {str(k): _as_list(v) for k, v in (dimensions or {}).items()}
    item_list = _as_list(items) if items is not None else []
    for cols in dims.values():
        item_list.extend(c for c in cols if c not in item_list)
    if not item_list:
        raise ValueError("请给出满意度题目 items（或 dimensions）")
    for name, cols in dims.items():
        if not cols:
            raise ValueError(f"维度 '{name}' 没有题目")
    _require_columns(data, item_list, "满意度题目")
    for col in reverse:
        if col not in item_list:
            raise ValueError(f"反向题 '{col}' 不在题目列表中")
    if design is None:
        design = Design(data)
        variance = "按简单随机抽样（有放回）计算"
    else:
        if not isinstance(design, Design):
            raise ValueError("design 应为 methods.survey.Design")
        if len(design.data) != len(data) or not design.data.index.equals(data.index):
            raise ValueError("design 的数据与 data 行数或行索引不一致：应为同一批受访者")
        variance = f"设计推断（{_METHOD_LABEL[design.variance_method]}）"
        design = design._derive(_data=data.copy(deep=False))
    x = _answers(data, item_list, (lo, hi), na_values)
    rev = [j for j, c in enumerate(item_list) if c in set(reverse)]
    if rev:
        x[:, rev] = lo + hi - x[:, rev]
    valid = ~np.isnan(x)
    levels = np.arange(lo, hi + 1)
    notes: list[str] = []
    pts: dict[Any, float] | None = None
    sat: tuple[Any, ...] = tuple(satisfied_levels)
    if method == "rate":
        bad = [v for v in sat if v not in set(levels.tolist())]
        if bad or not sat:
            raise ValueError(f"满意等级 satisfied_levels={sat!r} 应为量表 {lo}–{hi} 内的等级")
        s = np.where(np.isin(x, list(sat)), 100.0, 0.0)
    elif method == "likert_points":
        if points is None:
            if (lo, hi) != (1, 5):
                raise ValueError(f"量表 {lo}–{hi} 不是 1–5：请用 points 给出每个等级的分值")
            pts = dict(DEFAULT_POINTS_1_5)
            notes.append("赋分 100/80/60/40/20 为常见做法，尚无官方文件依据（unverified）")
        else:
            pts = {int(k): float(v) for k, v in points.items()}
            missing = [int(v) for v in levels if int(v) not in pts]
            if missing:
                raise ValueError(f"points 缺少等级 {missing} 的分值")
        table = np.full(hi - lo + 1, np.nan)
        for k, v in pts.items():
            if lo <= k <= hi:
                table[k - lo] = v
        s = np.where(valid, table[np.nan_to_num(x - lo, nan=0).astype(int)], 0.0)
    else:
        s = (x - lo) / (hi - lo) * 100.0
    s = np.where(valid, s, 0.0)
    vf = valid.astype(float)
    # base variables: per item (score, valid); per pooled group (Σ score, Σ valid)
    groups: list[tuple[str, str, list[int]]] = [("overall", "总体", list(range(len(item_list))))]
    groups += [("dimension", k, [item_list.index(c) for c in cols]) for k, cols in dims.items()]
    j_n = len(item_list)
    base = [s * vf, vf]
    v = np.empty((len(data), 2 * j_n + 2 * len(groups)))
    v[:, 0 : 2 * j_n : 2] = base[0]
    v[:, 1 : 2 * j_n : 2] = base[1]
    outputs: list[list[_Term]] = []
    names: list[str] = []
    kinds: list[str] = []
    for g, (kind, name, idx) in enumerate(groups):
        c0 = 2 * j_n + 2 * g
        v[:, c0] = base[0][:, idx].sum(axis=1)
        v[:, c0 + 1] = base[1][:, idx].sum(axis=1)
        if pooling == "responses":
            outputs.append([_Term(1.0, c0, c0 + 1)])
        else:
            outputs.append([_Term(1.0 / len(idx), 2 * j, 2 * j + 1) for j in idx])
        names.append(name)
        kinds.append(kind)
    for j, col in enumerate(item_list):
        outputs.append([_Term(1.0, 2 * j, 2 * j + 1)])
        names.append(col)
        kinds.append("item")
    dom, n_dom, labels = design._domains(by)
    est, var, _ = design._linearize(v, dom, n_dom, outputs)
    ind = _indicator(dom, n_dom)
    n_valid_items = np.asarray(ind @ vf)  # (D, J)
    resp_cols, valid_cols, excl_cols = [], [], []
    for _, _, idx in groups:
        any_valid = valid[:, idx].any(axis=1).astype(float)
        resp_cols.append(np.asarray(ind @ any_valid))
        nv = n_valid_items[:, idx].sum(axis=1)
        valid_cols.append(nv)
        excl_cols.append(np.asarray(ind @ np.ones(len(data))) * len(idx) - nv)
    n_resp = np.column_stack([*resp_cols, n_valid_items])
    n_val = np.column_stack([*valid_cols, n_valid_items])
    n_exc = np.column_stack([*excl_cols, np.asarray(ind @ (1 - vf))])
    crit = _crit(conf_level, None)
    se = np.sqrt(np.maximum(var, 0.0)) * np.where(np.isnan(var), np.nan, 1.0)
    m = len(outputs)
    out: dict[str, Any] = {}
    if labels is not None:
        for c in labels.columns:
            out[c] = np.repeat(labels[c].to_numpy(dtype=object), m)
    out["level"] = np.tile(np.asarray(kinds, dtype=object), n_dom)
    out["name"] = np.tile(np.asarray(names, dtype=object), n_dom)
    out["estimate"] = est.ravel()
    out["se"] = se.ravel()
    out["ci_low"] = (est - crit * se).ravel()
    out["ci_high"] = (est + crit * se).ravel()
    out["n_respondents"] = n_resp.astype(np.int64).ravel()
    out["n_valid"] = n_val.astype(np.int64).ravel()
    out["n_excluded"] = n_exc.astype(np.int64).ravel()
    frame = pd.DataFrame(out)
    frame["level"] = frame["level"].astype(str)
    frame["name"] = frame["name"].astype(str)
    if rev:
        notes.append(f"反向题已重新编码：{'、'.join(item_list[j] for j in rev)}")
    return SatisfactionResult(
        table=frame,
        method=method,
        scale=(lo, hi),
        satisfied_levels=sat,
        points=pts,
        pooling=pooling,
        variance=variance,
        conf_level=conf_level,
        by=tuple(_as_list(by)),
        notes=tuple(notes),
    )


def index_to_points(index: float | Estimate, weight: float, target: float) -> float:
    """Convert a satisfaction index into indicator points with the ``positive`` rule.

    score = min(index / target, 1) × weight, rounded half up to 2 dp: exactly
    ``methods.scoring.score_indicator("positive", weight, target, index)``.

    Parameters
    ----------
    index : float or Estimate
        The index (0–100, e.g. ``SatisfactionResult.overall``).
    weight : float
        Points of the 满意度 indicator (e.g. 10).
    target : float
        The index that earns full points (e.g. 90 for a 满意度 ≥ 90% target).

    Examples
    --------
    >>> index_to_points(85.0, 10, 90)
    9.44
    >>> index_to_points(95.2, 10, 90)
    10.0
    """
    from methods.scoring import score_indicator

    value = index.estimate if isinstance(index, Estimate) else index
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"满意度指数应为数值，实际为 {index!r}") from None
    if not math.isfinite(value):
        raise ValueError("满意度指数缺失（NaN），无法换算得分")
    if not target > 0:
        raise ValueError(f"目标值 target 应大于 0，实际为 {target!r}")
    return score_indicator("positive", weight, target=target, actual=value)


# ---------------------------------------------------------------------------------------------
# Importance–performance analysis


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    ok = ~np.isnan(x)
    return float(np.sum(w[ok] * x[ok]) / np.sum(w[ok])) if ok.any() else float("nan")


def _wcorr(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    ok = ~np.isnan(a) & ~np.isnan(b)
    if ok.sum() < 3:
        return float("nan")
    a, b, w = a[ok], b[ok], w[ok]
    ma, mb = np.average(a, weights=w), np.average(b, weights=w)
    cov = np.average((a - ma) * (b - mb), weights=w)
    sa = np.sqrt(np.average((a - ma) ** 2, weights=w))
    sb = np.sqrt(np.average((b - mb) ** 2, weights=w))
    return float(cov / (sa * sb)) if sa > 0 and sb > 0 else float("nan")


def ipa(
    data: pd.DataFrame,
    performance: Sequence[str],
    importance: Sequence[str] | Mapping[str, str] | None = None,
    method: str = "stated",
    overall: str | None = None,
    crosshair: str = "midpoint",
    scale: tuple[int, int] = (1, 5),
    *,
    weights: str | None = None,
    na_values: Sequence[Any] = DEFAULT_NA_VALUES,
) -> pd.DataFrame:
    """Importance–performance analysis (Martilla & James 1977).

    Parameters
    ----------
    data : DataFrame
        Respondents.
    performance : list of str
        Performance (satisfaction) item columns.
    importance : list of str or mapping, optional
        ``stated``: importance ratings, in the order of ``performance`` or as
        ``{performance item: importance item}``.
    method : {"stated", "derived_regression", "derived_correlation"}
        ``stated``: mean stated importance. ``derived_regression``: coefficient of the item in
        a (weighted) least-squares regression of ``overall`` on all performance items
        (complete cases, raw scale units). ``derived_correlation``: (weighted) Pearson
        correlation of the item with ``overall`` (pairwise complete cases).
    overall : str, optional
        Overall satisfaction column (derived methods).
    crosshair : {"midpoint", "mean"}
        Where the quadrant lines cross. ``midpoint``: the scale midpoint for performance (and
        for stated importance); derived importances have no scale, so their line is then at
        their mean. ``mean``: the mean of the item performance means and of the
        importances. The choice moves items between quadrants, so it is reported.
    scale : (int, int)
        Answer scale.
    weights : str, optional
        Weight column (weighted means, regression and correlations).
    na_values : sequence
        Codes excluded as 不适用 (see :func:`satisfaction_index`).

    Returns
    -------
    DataFrame
        ``item``, ``performance``, ``importance``, ``quadrant`` (Chinese), ``quadrant_en`` and
        ``n``; ``attrs`` hold ``crosshair_performance``, ``crosshair_importance``, ``method``,
        ``crosshair``. Quadrants (ties at a line count as high):
        high importance & low performance → 重点改进 (Concentrate here);
        high & high → 继续保持 (Keep up the good work);
        low & low → 维持现状 (Low priority); low importance & high performance → 过度投入
        (Possible overkill).

    References
    ----------
    Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing* 41(1), 77–79.
    """
    data = _require_frame(data)
    perf = _as_list(performance)
    if not perf:
        raise ValueError("请给出表现（满意度）题目 performance")
    if method not in ("stated", "derived_regression", "derived_correlation"):
        raise ValueError(
            f"method 应为 'stated'、'derived_regression' 或 'derived_correlation'，实际为 {method!r}"
        )
    if crosshair not in ("midpoint", "mean"):
        raise ValueError(f"crosshair 应为 'midpoint' 或 'mean'，实际为 {crosshair!r}")
    _require_columns(data, perf, "表现题目")
    lo, hi = scale
    w = (
        np.ones(len(data))
        if weights is None
        else Design(data, weights=weights)._w  # validates the weights
    )
    xp = _answers(data, perf, (lo, hi), na_values)
    p_mean = np.array([_wmean(xp[:, j], w) for j in range(len(perf))])
    n = (~np.isnan(xp)).sum(axis=0)
    if method == "stated":
        if importance is None:
            raise ValueError("method='stated' 需要重要性题目 importance")
        imp_cols = (
            [importance[c] for c in perf]
            if isinstance(importance, Mapping)
            else _as_list(importance)
        )
        if len(imp_cols) != len(perf):
            raise ValueError(f"重要性题目数 {len(imp_cols)} 与表现题目数 {len(perf)} 不一致")
        _require_columns(data, imp_cols, "重要性题目")
        xi = _answers(data, imp_cols, (lo, hi), na_values)
        imp = np.array([_wmean(xi[:, j], w) for j in range(len(perf))])
    else:
        if overall is None:
            raise ValueError(f"method='{method}' 需要总体满意度列 overall")
        _require_columns(data, [overall], "总体满意度")
        yo = _answers(data, [overall], (lo, hi), na_values)[:, 0]
        if method == "derived_correlation":
            imp = np.array([_wcorr(xp[:, j], yo, w) for j in range(len(perf))])
        else:
            ok = ~np.isnan(xp).any(axis=1) & ~np.isnan(yo)
            if ok.sum() <= len(perf) + 1:
                raise ValueError(
                    f"完整回答的受访者只有 {int(ok.sum())} 人，不足以对 {len(perf)} 个题目做回归"
                )
            xmat = np.column_stack([np.ones(ok.sum()), xp[ok]])
            sw = np.sqrt(w[ok])
            coef, *_ = np.linalg.lstsq(xmat * sw[:, None], yo[ok] * sw, rcond=None)
            imp = coef[1:]
    mid = (lo + hi) / 2
    if crosshair == "mean":
        cx, cy = float(np.nanmean(p_mean)), float(np.nanmean(imp))
    else:
        cx = mid
        cy = mid if method == "stated" else float(np.nanmean(imp))
    high_i = imp >= cy
    high_p = p_mean >= cx
    key = np.where(
        high_i, np.where(high_p, "keep", "concentrate"), np.where(high_p, "overkill", "low")
    )
    out = pd.DataFrame(
        {
            "item": perf,
            "performance": p_mean,
            "importance": imp,
            "quadrant": [QUADRANTS[k][0] for k in key],
            "quadrant_en": [QUADRANTS[k][1] for k in key],
            "n": n.astype(np.int64),
        }
    )
    out.attrs = {
        "crosshair_performance": cx,
        "crosshair_importance": cy,
        "crosshair": crosshair,
        "method": method,
        "scale": (lo, hi),
    }
    return out


def plot_ipa(result: pd.DataFrame, ax: Any = None, *, title: str | None = None) -> Any:
    """Scatter plot of an :func:`ipa` table with the crosshair and quadrant names (Chinese).

    Returns the matplotlib Axes. The bundled CJK font is registered first
    (:func:`methods.fonts.register`).
    """
    from methods import fonts

    fonts.register()
    import matplotlib.pyplot as plt

    needed = {"item", "performance", "importance", "quadrant"}
    if not isinstance(result, pd.DataFrame) or not needed <= set(result.columns):
        raise ValueError(
            "plot_ipa 需要 ipa() 返回的表（含 item、performance、importance、quadrant 列）"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 5.2))
    cx = result.attrs.get("crosshair_performance", float(result["performance"].mean()))
    cy = result.attrs.get("crosshair_importance", float(result["importance"].mean()))
    colors = {
        "继续保持": "#2b8a3e",
        "重点改进": "#c92a2a",
        "维持现状": "#868e96",
        "过度投入": "#e67700",
    }
    for quad, grp in result.groupby("quadrant", sort=False):
        ax.scatter(
            grp["performance"], grp["importance"], label=quad, color=colors.get(quad), zorder=3
        )
    for _, r in result.iterrows():
        ax.annotate(
            str(r["item"]),
            (r["performance"], r["importance"]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=9,
        )
    ax.axvline(cx, color="#495057", lw=1, ls="--")
    ax.axhline(cy, color="#495057", lw=1, ls="--")
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    corners = {
        "重点改进": (xlim[0], ylim[1], "left", "top"),
        "继续保持": (xlim[1], ylim[1], "right", "top"),
        "维持现状": (xlim[0], ylim[0], "left", "bottom"),
        "过度投入": (xlim[1], ylim[0], "right", "bottom"),
    }
    for text, (x, y, ha, va) in corners.items():
        ax.text(x, y, text, ha=ha, va=va, fontsize=10, color=colors[text], alpha=0.8)
    ax.set_xlabel("表现（满意度均值）")
    ax.set_ylabel("重要性")
    ax.set_title(title or "重要性—表现分析（IPA）")
    ax.legend(loc="best", fontsize=8)
    return ax


# ---------------------------------------------------------------------------------------------
# Sample size


def sample_size(
    margin: float = 0.05,
    confidence: float = 0.95,
    p: float = 0.5,
    population: int | None = None,
    deff: float = 1.0,
    *,
    rounding: str = "up",
) -> int:
    """Sample size to estimate a proportion (Cochran 1977, §4.4) with fpc and design effect.

    n₀ = z² p (1 − p) / e² × deff, then n = n₀ / (1 + (n₀ − 1)/N) for a population of N,
    rounded up (``rounding="nearest"`` rounds half up, as Krejcie & Morgan's 1970 table).

    Parameters
    ----------
    margin : float
        Half-width e of the interval (0.05 = ±5 percentage points).
    confidence : float
        Confidence level; z = Φ⁻¹(1 − (1 − confidence)/2) = 1.959964 at 95%.
    p : float
        Expected proportion (0.5 is the most conservative).
    population : int, optional
        Population size N for the finite-population correction.
    deff : float
        Design effect of a clustered design (≥ 1 typically).
    rounding : {"up", "nearest"}

    Returns
    -------
    int

    Examples
    --------
    >>> sample_size()  # 1.959964² × 0.25 / 0.05² = 384.15 → 385
    385
    >>> sample_size(population=1200, rounding="nearest")  # Krejcie & Morgan (1970)
    291
    """
    if not 0 < margin < 1:
        raise ValueError(f"误差范围 margin 应在 0 与 1 之间（如 0.05），实际为 {margin!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"置信水平 confidence 应在 0 与 1 之间，实际为 {confidence!r}")
    if not 0 < p < 1:
        raise ValueError(f"预期比例 p 应在 0 与 1 之间，实际为 {p!r}")
    if not deff > 0:
        raise ValueError(f"设计效应 deff 应大于 0，实际为 {deff!r}")
    if rounding not in ("up", "nearest"):
        raise ValueError(f"rounding 应为 'up' 或 'nearest'，实际为 {rounding!r}")
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    n0 = z**2 * p * (1 - p) / margin**2 * deff
    n = n0
    if population is not None:
        if not population >= 1:
            raise ValueError(f"总体规模 population 应为正整数，实际为 {population!r}")
        n = n0 / (1 + (n0 - 1) / population)
    value = math.ceil(n - 1e-9) if rounding == "up" else math.floor(n + 0.5)
    if population is not None:
        value = min(value, int(population))
    return max(int(value), 1)
