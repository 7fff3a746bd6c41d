"""Government-level evaluation (财政运行综合绩效评价) of a set of towns, and the transfer-payment
allocation by the factor method (因素法) with a performance coefficient.

No national framework for 财政运行综合绩效 exists: the policy (武发〔2020〕48号) names the four
dimensions 收入结构与质量, 支出结构与效果, 财力分布与可持续性, 财力与职能匹配性 and links the results to
转移支付分配. The default indicators (``methods/_data/frameworks/fiscal_operation_town.yaml``) are
this project's choice of common fiscal-analysis indicators, status unverified; a case replaces them.

Each town (镇/街道) is scored with the ordinary indicator rules (:func:`methods.scoring.score_frame`,
vectorised over towns × indicators). An indicator marked ``relative: mean`` is scored on the town's
value ÷ the mean over the towns × 100 (e.g. 人均可用财力相对水平).

The allocation (:func:`allocate`), with total *T*, factor values *x_ik* and factor weights *w_k*
(Σ w_k = 1), performance coefficient *c_i*::

    s_i  = Σ_k w_k · x_ik / Σ_j x_jk          因素得分（基础份额）
    a_i  = T · s_i · c_i / Σ_j (s_j · c_j)     绩效调节后归一到资金总额

i.e. ``allocation_i = T × s_i × c_i``, renormalised so the allocations add up to *T*; amounts are
rounded to 2 decimals by the largest-remainder method so they still add up to *T* exactly. The
coefficient maps a town's grade (preset ``grade_110_090``: 优 1.10, 良 1.00, 中 0.95, 差 0.90) or its
score (preset ``linear_60_100``: 0.90 at ≤ 60 to 1.10 at 100) to *c_i*; both presets are unverified
defaults in ``methods/_data/fiscal_allocation.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._resources import load_yaml
from methods.errors import CaseError

QUANTITATIVE = ("positive", "reverse", "equal", "range", "deduction")
NAME_COLUMNS = ("name", "名称", "镇（街道）", "镇(街道)", "town")


# ---------------------------------------------------------------------------------------------
# Performance coefficient


@cache
def _presets() -> dict[str, Any]:
    return load_yaml("fiscal_allocation.yaml")


@dataclass(frozen=True)
class Coefficient:
    """How a town's score or grade becomes its performance coefficient (绩效系数)."""

    name: str
    method: str  # "grade" or "linear"
    grade_map: Mapping[str, float] = field(default_factory=dict)
    score_low: float = 60.0
    score_high: float = 100.0
    low: float = 0.9
    high: float = 1.1
    source: str = ""
    status: str = ""
    preset: str | None = None

    def __call__(self, score: float, grade: str | None = None) -> float:
        """The coefficient of one town (exact, not rounded)."""
        if self.method == "grade":
            if grade not in self.grade_map:
                raise ValueError(f"绩效系数表中没有等级“{grade}”")
            return float(self.grade_map[grade])
        span = self.score_high - self.score_low
        t = (min(max(score, self.score_low), self.score_high) - self.score_low) / span
        return self.low + t * (self.high - self.low)

    def describe(self) -> str:
        """E.g. ``优 1.10，良 1.00，中 0.95，差 0.90``."""
        if self.method == "grade":
            return "，".join(f"{k} {v:.2f}" for k, v in self.grade_map.items())
        return (
            f"得分 ≤ {fmt.num(self.score_low)} 取 {self.low:.2f}，≥ {fmt.num(self.score_high)} 取 "
            f"{self.high:.2f}，之间线性插值：系数 = {self.low:.2f} + (得分 − {fmt.num(self.score_low)}) ÷ "
            f"{fmt.num(self.score_high - self.score_low)} × {fmt.num(self.high - self.low, 4)}"
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "method": self.method,
            "preset": self.preset,
            "source": self.source,
            "status": self.status,
        }
        if self.method == "grade":
            out["map"] = dict(self.grade_map)
        else:
            out.update(
                score_low=self.score_low, score_high=self.score_high, low=self.low, high=self.high
            )
        return out


def coefficient_presets() -> list[str]:
    """Names of the shipped coefficient presets."""
    return list(_presets()["coefficients"])


def coefficient_rule(spec: str | Mapping[str, Any] | Any | None = None) -> Coefficient:
    """Resolve a coefficient preset name, a mapping or a case's coefficient block.

    Parameters
    ----------
    spec : str, mapping or model, optional
        ``None`` (the default preset ``grade_110_090``), a preset name, or a mapping with
        ``method: grade`` and ``map: {优: 1.1, …}`` or ``method: linear`` with ``score_low``,
        ``score_high``, ``low``, ``high``.

    Raises
    ------
    ValueError
        Unknown preset, missing map, or inconsistent linear parameters.

    Examples
    --------
    >>> rule = coefficient_rule("linear_60_100")
    >>> round(rule(80), 4), rule(50), rule(100)
    (1.0, 0.9, 1.1)
    >>> coefficient_rule()(85, "良")
    1.0
    """
    presets = _presets()
    if spec is None:
        spec = presets["default_coefficient"]
    if isinstance(spec, str):
        if spec not in presets["coefficients"]:
            raise ValueError(
                f"未知的绩效系数预设 '{spec}'（可用：{'、'.join(presets['coefficients'])}）"
            )
        raw = dict(presets["coefficients"][spec])
        preset: str | None = spec
    else:
        raw = dict(spec) if isinstance(spec, Mapping) else spec.model_dump(exclude_none=True)
        preset = None
    method = raw.get("method")
    if method == "grade":
        grade_map = raw.get("map")
        if not grade_map:
            raise ValueError(
                "按等级取系数（method: grade）需要 map，例如 {优: 1.1, 良: 1.0, 中: 0.95, 差: 0.9}"
            )
        if any(not (v > 0) for v in grade_map.values()):
            raise ValueError("绩效系数应大于 0")
        return Coefficient(
            name=raw.get("name") or "按等级取系数（案例文件自定义）",
            method="grade",
            grade_map={str(k): float(v) for k, v in grade_map.items()},
            source=raw.get("source", "案例文件自定义"),
            status=raw.get("status", "case"),
            preset=preset,
        )
    if method == "linear":
        try:
            lo_s, hi_s = float(raw["score_low"]), float(raw["score_high"])
            lo, hi = float(raw["low"]), float(raw["high"])
        except KeyError as exc:
            raise ValueError(
                f"按得分线性取系数（method: linear）需要 {exc.args[0]}（score_low、score_high、low、high）"
            ) from None
        if not hi_s > lo_s:
            raise ValueError(f"score_high（{hi_s:g}）应大于 score_low（{lo_s:g}）")
        if not (lo > 0 and hi > 0):
            raise ValueError("绩效系数应大于 0")
        return Coefficient(
            name=raw.get("name") or "按得分线性取系数（案例文件自定义）",
            method="linear",
            score_low=lo_s,
            score_high=hi_s,
            low=lo,
            high=hi,
            source=raw.get("source", "案例文件自定义"),
            status=raw.get("status", "case"),
            preset=preset,
        )
    raise ValueError(f"绩效系数的 method 应为 grade 或 linear，实际为 {method!r}")


# ---------------------------------------------------------------------------------------------
# Factor method


def factor_shares(values: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """因素得分 (basic share) of each row: ``s_i = Σ_k w_k · x_ik / Σ_j x_jk``.

    Parameters
    ----------
    values : DataFrame
        Rows: towns; columns: factors (non-negative, each column with a positive sum).
    weights : mapping
        Factor → weight; the weights must add up to 1.

    Returns
    -------
    Series
        Shares adding up to 1.

    Examples
    --------
    >>> x = pd.DataFrame({"人口": [10, 30], "面积": [50, 50]}, index=["甲", "乙"])
    >>> factor_shares(x, {"人口": 0.6, "面积": 0.4}).round(4).tolist()
    [0.35, 0.65]
    """
    w = pd.Series({str(k): float(v) for k, v in weights.items()})
    if abs(w.sum() - 1.0) > 1e-6:
        raise ValueError(f"因素权重之和应为 1，实际为 {fmt.num(w.sum(), 6)}")
    missing = [k for k in w.index if k not in values.columns]
    if missing:
        raise ValueError(f"缺少因素 {'、'.join(missing)} 的数据")
    x = values[list(w.index)].astype(float)
    if (x < 0).any().any():
        raise ValueError("因素值不能为负数")
    sums = x.sum(axis=0)
    if (sums <= 0).any():
        raise ValueError(f"因素 {'、'.join(sums.index[sums <= 0])} 的合计为 0，无法计算份额")
    return (x / sums * w).sum(axis=1)


def round_to_total(amounts: Sequence[float], total: float, digits: int = 2) -> np.ndarray:
    """Round amounts to ``digits`` decimals so that they add up to ``total`` exactly (largest
    remainder: the units left over go to the amounts whose rounded-off part is largest; ties to the
    earlier row).

    >>> round_to_total([1 / 3, 1 / 3, 1 / 3], 1.0).tolist()
    [0.34, 0.33, 0.33]
    """
    scale = 10**digits
    exact = np.asarray(amounts, dtype=float) * scale
    floor = np.floor(exact + 1e-7)
    left = int(round(total * scale - floor.sum()))
    order = np.argsort(-(exact - floor), kind="stable")
    if left >= 0:
        floor[order[:left]] += 1
    else:  # cannot happen for non-negative amounts adding up to total; kept for safety
        floor[order[::-1][:-left]] -= 1
    return floor / scale


def allocate(
    total: float,
    values: pd.DataFrame,
    weights: Mapping[str, float],
    coefficients: Mapping[str, float] | pd.Series | None = None,
    *,
    digits: int = 2,
) -> pd.DataFrame:
    """Allocate ``total`` by the factor method, adjusted by performance coefficients.

    ``allocation_i = total × s_i × c_i / Σ_j s_j c_j`` with the factor shares *s_i* of
    :func:`factor_shares`; without coefficients every *c_i* is 1 (pure factor method).

    Parameters
    ----------
    total : float
        Amount to allocate (e.g. 万元), > 0.
    values : DataFrame
        Towns × factors.
    weights : mapping
        Factor → weight (sum 1).
    coefficients : mapping or Series, optional
        Town → performance coefficient (> 0).
    digits : int
        Decimals of the amounts (largest-remainder rounding keeps the sum at ``total``).

    Returns
    -------
    DataFrame
        Index: town. Columns: one ``share:<factor>`` per factor (x_ik / Σ_j x_jk), ``share`` (s_i),
        ``base`` (total × s_i, before the coefficient), ``coefficient``, ``weighted`` (s_i × c_i),
        ``allocation`` (rounded), ``change`` (allocation − base, rounded), ``final_share``.

    Examples
    --------
    Two towns, one factor (人口 1 : 3), 100 万元, coefficients 1.1 and 0.9:
    s = 0.25 / 0.75; weighted 0.275 / 0.675; allocation = 100 × 0.275 / 0.95 = 28.95 and 71.05.

    >>> x = pd.DataFrame({"人口": [1.0, 3.0]}, index=["甲", "乙"])
    >>> allocate(100, x, {"人口": 1.0}, {"甲": 1.1, "乙": 0.9})["allocation"].tolist()
    [28.95, 71.05]
    """
    if not total > 0:
        raise ValueError(f"资金总额应大于 0，实际为 {total!r}")
    shares = factor_shares(values, weights)
    out = pd.DataFrame(index=values.index)
    x = values[[str(k) for k in weights]].astype(float)
    for k in x.columns:
        out[f"share:{k}"] = x[k] / x[k].sum()
    out["share"] = shares
    out["base"] = total * shares
    if coefficients is None:
        c = pd.Series(1.0, index=values.index)
    else:
        c = pd.Series(coefficients, dtype=float).reindex(values.index)
        if c.isna().any():
            raise ValueError(f"缺少 {'、'.join(map(str, c.index[c.isna()]))} 的绩效系数")
        if (c <= 0).any():
            raise ValueError("绩效系数应大于 0")
    out["coefficient"] = c
    out["weighted"] = shares * c
    exact = total * out["weighted"] / out["weighted"].sum()
    out["exact"] = exact
    out["allocation"] = round_to_total(exact.to_numpy(), total, digits)
    out["change"] = np.round(out["allocation"] - out["base"], digits)
    out["final_share"] = out["allocation"] / total
    return out


# ---------------------------------------------------------------------------------------------
# Town scoring


@dataclass(frozen=True)
class FiscalResult:
    """The scored towns and, when the case has an ``allocation`` block, the allocation.

    Attributes
    ----------
    indicators : DataFrame
        One row per indicator: code, name, level1, level2, weight, rule, target, target_high,
        unit, variant, points_per_unit, relative, raw_unit, formula, basis, status.
    raw : DataFrame
        Towns × indicator codes: the values as given.
    actual : DataFrame
        Towns × codes: the values scored (relative indicators: value ÷ mean × 100).
    scores : DataFrame
        Towns × codes: indicator scores (2 dp).
    level1 : DataFrame
        Towns × level-1 names: points.
    totals : Series
        Town → total score (2 dp).
    grades : Series
        Town → grade.
    allocation : DataFrame or None
        :func:`allocate` output plus ``total_score`` and ``grade``.
    """

    case: Any
    framework: Any
    indicators: pd.DataFrame
    raw: pd.DataFrame
    actual: pd.DataFrame
    scores: pd.DataFrame
    level1: pd.DataFrame
    level1_points: pd.Series
    totals: pd.Series
    grades: pd.Series
    bands: Any
    factors: pd.DataFrame | None = None
    allocation: pd.DataFrame | None = None
    coefficient: Coefficient | None = None
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @cached_property
    def findings(self):
        """The report's problems and suggestions (:func:`.findings.find`)."""
        from methods.evaltypes.fiscal_operation import findings

        return findings.find(self)

    @property
    def ranking(self) -> pd.DataFrame:
        """Towns by total score (best first): rank, town, total, grade, level-1 points."""
        t = pd.DataFrame({"total": self.totals, "grade": self.grades}).join(self.level1)
        t = t.sort_values("total", ascending=False, kind="stable")
        t.insert(0, "rank", t["total"].rank(ascending=False, method="min").astype(int))
        return t.rename_axis("town").reset_index()

    def to_dict(self) -> dict[str, Any]:
        """The ``fiscal`` block of results.json."""
        towns = []
        for town in self.totals.index:
            entry: dict[str, Any] = {
                "name": town,
                "total_score": float(self.totals[town]),
                "grade": self.grades[town],
                "level1": {k: float(v) for k, v in self.level1.loc[town].items()},
                "indicators": [
                    {
                        "code": code,
                        "value": _num_or_none(self.raw.loc[town, code]),
                        "actual": _num_or_none(self.actual.loc[town, code]),
                        "score": float(self.scores.loc[town, code]),
                    }
                    for code in self.indicators["code"]
                ],
            }
            if self.allocation is not None:
                a = self.allocation.loc[town]
                entry["allocation"] = {
                    "factor_share": float(a["share"]),
                    "base": fmt.round_half_up(float(a["base"]), 2),
                    "coefficient": float(a["coefficient"]),
                    "amount": float(a["allocation"]),
                    "change": float(a["change"]),
                }
            towns.append(entry)
        out: dict[str, Any] = {
            "framework": {
                "id": self.framework.id,
                "name": self.framework.name,
                "source": self.framework.source,
                "status": self.framework.status,
            },
            "grade_bands": {"name": self.bands.name, "bands": dict(self.bands.bands)},
            "level1_points": {k: float(v) for k, v in self.level1_points.items()},
            "indicators": [
                {
                    k: _plain(r[k])
                    for k in (
                        "code",
                        "name",
                        "level1",
                        "level2",
                        "weight",
                        "rule",
                        "target",
                        "target_high",
                        "unit",
                        "relative",
                        "status",
                    )
                }
                for r in self.indicators.to_dict("records")
            ],
            "towns": towns,
            "ranking": list(self.ranking["town"]),
            "mean_score": fmt.round_half_up(float(self.totals.mean()), 2),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
        if self.allocation is not None:
            alloc = self.case.allocation
            out["allocation"] = {
                "name": alloc.name,
                "total": alloc.total,
                "unit": alloc.unit,
                "factors": [
                    {"code": f.code, "name": f.name, "weight": f.weight, "unit": f.unit}
                    for f in alloc.factors
                ],
                "coefficient": self.coefficient.to_dict() if self.coefficient else None,
                "formula": _presets()["formula"]["text"],
                "amounts": {t: float(v) for t, v in self.allocation["allocation"].items()},
            }
        return out


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and np.isnan(v):
        return None
    return v


def _num_or_none(v: Any) -> float | None:
    v = _plain(v)
    return None if v is None else float(v)


def framework_indicators(framework_id: str) -> list[dict[str, Any]]:
    """The default indicators of a fiscal framework file (``indicators:``), as mappings."""
    raw = load_yaml("frameworks", f"{framework_id}.yaml")
    return [dict(r) for r in raw.get("indicators") or []]


def _indicator_frame(case) -> tuple[pd.DataFrame, Any]:
    from methods import frameworks

    try:
        fw = frameworks.get(case.framework)
    except CaseError as exc:
        raise CaseError(exc.message, field=("framework",), hint=exc.hint) from None
    if case.indicators:
        items = [i.model_dump() for i in case.indicators]
        where = "indicators"
    else:
        items = framework_indicators(case.framework)
        where = "framework"
        if not items:
            raise CaseError(
                f"框架“{fw.name}”没有默认指标，请在 indicators 中给出指标",
                field=("indicators",),
            )
    rows = []
    seen: set[str] = set()
    for i, ind in enumerate(items):
        loc = ("indicators", i) if where == "indicators" else ("framework",)
        code = str(ind["code"])
        if code in seen:
            raise CaseError(f"指标代码 '{code}' 重复", field=(*loc, "code"))
        seen.add(code)
        rule = ind["rule"]
        if rule not in QUANTITATIVE:
            raise CaseError(
                f"财政运行指标只支持定量规则（{'、'.join(QUANTITATIVE)}），实际为 {rule}",
                field=(*loc, "rule"),
            )
        target, target_high = ind.get("target"), np.nan
        if rule == "range":
            if not (isinstance(target, list | tuple) and len(target) == 2):
                raise CaseError("区间型指标的目标值应写作 [下限, 上限]", field=(*loc, "target"))
            target, target_high = float(target[0]), float(target[1])
            if target > target_high or target < 0:
                raise CaseError("区间目标应满足 0 ≤ 下限 ≤ 上限", field=(*loc, "target"))
        elif rule == "deduction":
            if ind.get("points_per_unit") is None:
                raise CaseError(
                    "扣分型指标需要 points_per_unit（每单位扣分）", field=(*loc, "points_per_unit")
                )
            target = 0.0 if target is None else target
        if rule != "range":
            if isinstance(target, list | tuple) or target is None:
                raise CaseError(f"规则 {rule} 的目标值应为一个数字", field=(*loc, "target"))
            if rule != "deduction" and target < 0:
                raise CaseError("目标值不能为负数", field=(*loc, "target"))
        variant = ind.get("variant")
        from methods.casefile import VARIANTS

        if variant is not None and variant not in VARIANTS.get(rule, ()):
            raise CaseError(f"规则 {rule} 不支持变体 '{variant}'", field=(*loc, "variant"))
        rows.append(
            {
                "code": code,
                "name": ind["name"],
                "level1": frameworks.normalise_level_name(ind["level1"]),
                "level2": frameworks.normalise_level_name(ind["level2"]),
                "weight": float(ind["weight"]),
                "rule": rule,
                "variant": variant
                or {"reverse": "linear", "range": "proportional", "deduction": "over"}.get(rule),
                "target": float(target),
                "target_high": target_high,
                "unit": ind.get("unit") or "",
                "points_per_unit": ind.get("points_per_unit"),
                "relative": ind.get("relative"),
                "raw_unit": ind.get("raw_unit") or (ind.get("unit") or ""),
                "formula": ind.get("formula"),
                "basis": ind.get("basis"),
                "status": ind.get("status") or ("case" if where == "indicators" else fw.status),
                "field": loc,
            }
        )
    frameworks.check_tree(rows, fw, case.levels)
    return pd.DataFrame(rows), fw


def _read_town_file(case) -> tuple[list[str], pd.DataFrame]:
    from methods.casefile import resolve_data_path

    path = resolve_data_path(case, case.towns, ("towns",))
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            df = pd.read_excel(path)
        else:
            try:
                df = pd.read_csv(path, encoding="utf-8-sig")
            except UnicodeDecodeError:
                # town files saved by Excel on Chinese Windows are GBK/GB18030
                df = pd.read_csv(path, encoding="gb18030")
    except UnicodeDecodeError:
        raise CaseError(
            f"数据文件 {case.towns} 的编码无法识别：既不是 UTF-8，也不是 GBK/GB18030",
            field=("towns",),
            hint="请用 UTF-8 编码另存（Excel：另存为“CSV UTF-8（逗号分隔）”）",
        ) from None
    except Exception as exc:  # noqa: BLE001 - any unreadable file is bad input
        raise CaseError(f"无法读取数据文件 {case.towns}：{exc}", field=("towns",)) from None
    df.columns = [str(c).strip() for c in df.columns]
    name_col = next((c for c in NAME_COLUMNS if c in df.columns), None)
    if name_col is None:
        raise CaseError(
            f"数据文件 {case.towns} 缺少名称列（{'、'.join(NAME_COLUMNS[:3])} 之一）",
            field=("towns",),
        )
    names = [str(n).strip() for n in df[name_col]]
    return names, df.drop(columns=[name_col])


def _file_cell(value: Any) -> Any:
    """A cell of a town file as a number where it is one: a column holding one text cell is read
    as text, and its other cells ("6.2", "1,200") are still numbers."""
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            return value
    return value


def _town_tables(case, codes: list[str], factor_codes: list[str]):
    """(raw indicator values, factor values) as towns × columns, checked."""
    if isinstance(case.towns, str):
        names, df = _read_town_file(case)
        for col in df.columns:
            if col not in codes and col not in factor_codes:
                raise CaseError(
                    f"数据文件 {case.towns} 的列 '{col}' 不是指标代码或分配因素代码",
                    field=("towns",),
                    hint="指标代码：" + "、".join(codes),
                )
        records = []
        for row_no, (name, row) in enumerate(zip(names, df.to_dict("records"), strict=True)):
            records.append((name, row, ("towns",), row_no + 2))
    else:
        records = [
            (t.name, {**t.values, **t.factors}, ("towns", i), None)
            for i, t in enumerate(case.towns)
        ]
        for i, t in enumerate(case.towns):
            for code in t.values:
                if code not in codes:
                    raise CaseError(
                        f"“{t.name}”的指标代码 '{code}' 不在指标体系中",
                        field=("towns", i, "values", code),
                        hint="指标代码：" + "、".join(codes),
                    )
            for code in t.factors:
                if code not in factor_codes:
                    raise CaseError(
                        f"“{t.name}”的因素代码 '{code}' 不在 allocation.factors 中",
                        field=("towns", i, "factors", code),
                    )
    if len(records) < 2:
        raise CaseError("至少需要 2 个镇（街道）", field=("towns",))
    seen: set[str] = set()
    raw_rows, factor_rows = {}, {}
    for name, row, loc, line in records:
        # rows of a town file: the message names the data file and its row (header = row 1);
        # the error's line stays the case file's line of `towns:`
        at = "" if line is None else f"数据文件 {case.towns} 第 {line} 行："
        if name in seen:
            raise CaseError(f"{at}镇（街道）“{name}”重复出现", field=loc)
        seen.add(name)
        vals = {}
        for code in codes:
            v = row.get(code) if line is None else _file_cell(row.get(code))
            if v is None or (isinstance(v, float) and np.isnan(v)):
                where = (*loc, "values") if line is None else loc
                raise CaseError(f"{at}“{name}”缺少指标 {code} 的值", field=where)
            if isinstance(v, bool) or not isinstance(v, int | float | np.number):
                raise CaseError(f"{at}“{name}”指标 {code} 的值应为数字，实际为 {v!r}", field=loc)
            if not np.isfinite(v):
                raise CaseError(f"{at}“{name}”指标 {code} 的值应为有限数字", field=loc)
            vals[code] = float(v)
        raw_rows[name] = vals
        fvals = {}
        for code in factor_codes:
            v = row.get(code) if line is None else _file_cell(row.get(code))
            if v is None or (isinstance(v, float) and np.isnan(v)):
                where = (*loc, "factors") if line is None else loc
                raise CaseError(f"{at}“{name}”缺少分配因素 {code} 的值", field=where)
            if isinstance(v, bool) or not isinstance(v, int | float | np.number) or v < 0:
                raise CaseError(
                    f"{at}“{name}”分配因素 {code} 的值应为不小于 0 的数字，实际为 {v!r}",
                    field=loc,
                )
            fvals[code] = float(v)
        factor_rows[name] = fvals
    raw = pd.DataFrame.from_dict(raw_rows, orient="index")[codes]
    factors = (
        pd.DataFrame.from_dict(factor_rows, orient="index")[factor_codes] if factor_codes else None
    )
    return raw, factors


def score_towns(indicators: pd.DataFrame, raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every town on every indicator at once.

    Parameters
    ----------
    indicators : DataFrame
        One row per indicator (``code``, ``rule``, ``weight``, ``target``, ``target_high``,
        ``variant``, ``points_per_unit``, ``relative``).
    raw : DataFrame
        Towns × codes.

    Returns
    -------
    (actual, scores) : DataFrames, towns × codes
        ``actual`` is the value scored (``relative: mean`` → value ÷ column mean × 100).
    """
    from methods.scoring import score_frame

    actual = raw.copy().astype(float)
    for r in indicators.itertuples():
        if r.relative == "mean":
            mean = raw[r.code].mean()
            if not mean > 0:
                raise CaseError(
                    f"指标 {r.code} 按各镇平均值计算相对水平，但平均值不大于 0", field=("towns",)
                )
            actual[r.code] = raw[r.code] / mean * 100.0
    long = actual.rename_axis("town").reset_index().melt(id_vars="town", var_name="code")
    long = long.rename(columns={"value": "actual"})
    spec = indicators.drop(columns=["field"], errors="ignore").set_index("code")
    long = long.join(spec, on="code")
    long["score"] = score_frame(long).to_numpy()
    scores = long.pivot(index="town", columns="code", values="score").loc[raw.index, raw.columns]
    return actual, scores


def _coefficient_text(c: Coefficient) -> str:
    """E.g. ``按等级取系数（优 1.10 …）。来源：…（unverified）。``"""
    rule = c.name if c.preset else f"{c.name}：{c.describe()}"
    return f"{rule}。来源：{c.source}（{c.status}）。"


def analyse(case) -> FiscalResult:
    """Score the towns of a ``fiscal_operation`` case and allocate its transfer payment.

    Raises
    ------
    CaseError
        Bad indicators, tree, town data, factors or coefficients (the field named).
    """
    from methods import scoring
    from methods.scoring import _round2

    indicators, fw = _indicator_frame(case)
    codes = list(indicators["code"])
    alloc = case.allocation
    factor_codes = [f.code for f in alloc.factors] if alloc else []
    if alloc is not None:
        if len(set(factor_codes)) != len(factor_codes):
            raise CaseError("分配因素代码重复", field=("allocation", "factors"))
        clash = set(factor_codes) & set(codes)
        if clash:
            raise CaseError(
                f"分配因素代码与指标代码重复：{'、'.join(sorted(clash))}",
                field=("allocation", "factors"),
            )
        total_w = sum(f.weight for f in alloc.factors)
        if abs(total_w - 1.0) > 1e-6:
            raise CaseError(
                f"分配因素权重之和应为 1，实际为 {fmt.num(total_w, 6)}",
                field=("allocation", "factors"),
                hint="例如：常住人口 0.4、行政区域面积 0.2、行政村（社区）数 0.2、财力缺口 0.2",
            )
    raw, factors = _town_tables(case, codes, factor_codes)
    actual, scores = score_towns(indicators, raw)
    l1_order = list(dict.fromkeys(sorted(indicators["level1"], key=fw.level1_order)))
    by_l1 = {
        name: _round2(
            scores[list(indicators.loc[indicators["level1"] == name, "code"])].sum(axis=1)
        )
        for name in l1_order
    }
    level1 = pd.DataFrame(by_l1, index=raw.index)
    level1_points = indicators.groupby("level1")["weight"].sum().reindex(l1_order)
    totals = pd.Series(_round2(scores.sum(axis=1).to_numpy()), index=raw.index, name="total")
    bands = scoring.grade_bands(case.grade_bands or fw.default_grade_bands or "mof_2020")
    grades = pd.Series([scoring.grade(t, bands) for t in totals], index=raw.index, name="grade")
    notes = [
        "财政运行综合绩效评价没有全国统一的指标体系：一级指标采用武发〔2020〕48号列明的四个方面，"
        "二级指标、具体指标、分值、目标值和计分规则为"
        + (
            "案例文件给出的口径。"
            if case.indicators
            else "本项目默认口径（unverified），应按本地评价方案调整。"
        )
    ]
    for r in indicators[indicators["relative"] == "mean"].itertuples():
        notes.append(
            f"“{r.name}”按相对水平计分：本镇（街道）数值 ÷ 参评各镇（街道）平均值 × 100%"
            f"（平均值 {fmt.num(raw[r.code].mean())}{r.raw_unit}）。"
        )
    warnings: list[str] = []
    allocation, coefficient = None, None
    if alloc is not None:
        try:
            coefficient = coefficient_rule(alloc.coefficient)
        except ValueError as exc:
            raise CaseError(str(exc), field=("allocation", "coefficient")) from None
        if coefficient.method == "grade":
            missing = [label for label, _ in bands.bands if label not in coefficient.grade_map]
            if missing:
                raise CaseError(
                    f"绩效系数表缺少等级 {'、'.join(missing)}（等级标准：{bands.describe()}）",
                    field=("allocation", "coefficient"),
                )
        coef = pd.Series(
            [coefficient(float(totals[t]), grades[t]) for t in raw.index], index=raw.index
        )
        weights = {f.code: f.weight for f in alloc.factors}
        try:
            allocation = allocate(alloc.total, factors, weights, coef)
        except ValueError as exc:
            raise CaseError(str(exc), field=("allocation",)) from None
        allocation["total_score"] = totals
        allocation["grade"] = grades
        notes.append(
            f"转移支付按因素法分配并以绩效系数调节：{_presets()['formula']['text']}"
            f"（{_presets()['formula']['source']}）。{_presets()['formula']['note']}"
        )
        notes.append(f"绩效系数：{_coefficient_text(coefficient)}")
        if coefficient.method == "linear":
            notes.append("线性系数按精确值参与计算，表中显示保留四位小数。")
    return FiscalResult(
        case=case,
        framework=fw,
        indicators=indicators,
        raw=raw,
        actual=actual,
        scores=scores,
        level1=level1,
        level1_points=level1_points,
        totals=totals,
        grades=grades,
        bands=bands,
        factors=factors,
        allocation=allocation,
        coefficient=coefficient,
        notes=tuple(notes),
        warnings=tuple(warnings),
    )


# ---------------------------------------------------------------------------------------------
# Conclusions and results.json


def conclusions(result: FiscalResult) -> dict[str, list[str]]:
    """主要成效, 存在问题 and 有关建议 (:mod:`.findings`: the towns' shortfalls grouped into
    problems, one suggestion per problem), plus the case's own ``conclusions:``."""
    from methods.evaltypes.fiscal_operation import findings

    return findings.conclusions(result, result.findings)


def results(result: FiscalResult) -> dict[str, Any]:
    """results.json of a fiscal_operation case (no single total score: one per town)."""
    from methods.report import case_results

    return case_results(
        result.case,
        warnings=list(result.warnings),
        conclusions=conclusions(result),
        findings=result.findings.to_dict(),
        fiscal=result.to_dict(),
    )
