"""Weighted indicator scoring (指标计分): the rules, the indicator tree, grades and :func:`evaluate`.

Every scored evaluation goes through this module. The rules (listed with their status
and source in ``methods/_data/rules.yaml``), with weight *w*, target *t* and actual value *a*:

========================  ===========================================================  ==========
rule                      score                                                        status
========================  ===========================================================  ==========
``positive`` 正向          a ≥ t → w; else (a / t)·w                                     practice
``reverse`` ``linear``     a ≤ t → w; t < a < 2t → (1 − (a − t)/t)·w; a ≥ 2t → 0          practice
``reverse`` ``ratio``      a ≤ t → w; else (t / a)·w                                     practice
``equal`` 等于             t = 0: a ≤ 0 → w, else 0; t > 0: as positive                  practice
``range`` 区间             t_lo ≤ a ≤ t_hi → w; outside: a/t_lo·w or t_hi/a·w (or 0)      unverified
``qualitative`` 定性       evaluator's score within the tier's range of w                practice
``deduction`` 扣分         max(0, w − points_per_unit × excess)                          local
``checklist`` 评价要点     w × met / total (or the points of the items met)              practice
========================  ===========================================================  ==========

Scores are clipped to [0, w] (the self-evaluation 预算执行率 may be left uncapped by option) and
rounded half-up to 2 decimals at indicator level; totals add the rounded scores. Not-applicable
indicators are dropped and the other indicators of their level-1 indicator are rescaled so the total
stays 100.

The core, :func:`score_frame`, is vectorised over rows: it scores any number of indicators of any
number of cases at once (``benchmarks/scoring.py``). :func:`score_indicator` scores one.

This module is the engine: rules, grades and tiers on plain tables, independent of case files.
Scoring a case file (the indicator tree, not-applicable rescaling, derived actual values,
standards from the case library) is :mod:`methods.evaluation`; its names :func:`evaluate`,
:class:`Evaluation`, :func:`prepare` and :func:`unit_slips` are also reachable here
(``scoring.evaluate(case)``, ``from methods.scoring import evaluate``), loaded on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._resources import load_yaml

RULES = ("positive", "reverse", "equal", "range", "qualitative", "deduction", "checklist")
"""The scoring rules (``methods/_data/rules.yaml`` lists each with its status and source)."""
QUANTITATIVE_RULES = ("positive", "reverse", "equal", "range", "deduction")
VARIANTS = {
    "reverse": ("linear", "ratio"),
    "range": ("proportional", "binary"),
    "deduction": ("over", "under"),
}
"""Named variants of a rule, the default first (a case chooses one with ``variant:``)."""
DERIVED_ACTUALS = {
    "execution_rate": "预算执行率 = 执行数 / 全年预算（到位）数 × 100%",
    "arrival_rate": "资金到位率 = 实际到位资金 / 全年预算数 × 100%",
}
"""Actual values computed from the case's budget instead of written (``actual_from:``)."""

RULE_CODES = {
    "positive": 0,
    "reverse": 1,
    "equal": 2,
    "range": 3,
    "qualitative": 4,
    "deduction": 5,
    "checklist": 6,
}
DEFAULT_VARIANTS = {rule: variants[0] for rule, variants in VARIANTS.items()}
_ALT_VARIANTS = {v for variants in VARIANTS.values() for v in variants[1:]}  # non-default variants
RULE_NAMES = {k: v["name"] for k, v in load_yaml("rules.yaml")["rules"].items()}


# ---------------------------------------------------------------------------------------------
# Grades


@dataclass(frozen=True)
class GradeBands:
    """Grade bands: (label, inclusive lower bound) from the best grade down to a bound of 0."""

    name: str
    bands: tuple[tuple[str, float], ...]
    source: str = ""
    status: str = ""

    def describe(self) -> str:
        """E.g. ``优 ≥ 90，良 ≥ 80，中 ≥ 60，差 < 60``."""
        parts = [f"{label} ≥ {fmt.num(low)}" for label, low in self.bands[:-1]]
        label, _ = self.bands[-1]
        parts.append(f"{label} < {fmt.num(self.bands[-2][1])}" if len(self.bands) > 1 else label)
        return "，".join(parts)


@cache
def _band_presets() -> dict[str, Any]:
    return load_yaml("grade_bands.yaml")


def grade_bands(spec: str | Mapping[str, float] | GradeBands = "mof_2020") -> GradeBands:
    """Resolve a grade-band preset name or an explicit ``{label: lower bound}`` mapping.

    Presets (``methods/_data/grade_bands.yaml``): ``mof_2020`` (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, reg) and
    ``local_80`` (优 ≥ 80, 良 ≥ 70, 中 ≥ 60, practice). An explicit mapping without a band starting at
    0 gets ``差: 0`` appended.
    """
    if isinstance(spec, GradeBands):
        return spec
    if isinstance(spec, str):
        presets = _band_presets()
        if spec not in presets:
            raise ValueError(f"未知的等级预设 '{spec}'（可用：{'、'.join(presets)}）")
        p = presets[spec]
        bands = sorted(p["bands"].items(), key=lambda kv: -kv[1])
        return GradeBands(spec, tuple((k, float(v)) for k, v in bands), p["source"], p["status"])
    bands = sorted(((str(k), float(v)) for k, v in spec.items()), key=lambda kv: -kv[1])
    if not bands or bands[-1][1] > 0:
        if any(label == "差" for label, _ in bands):
            raise ValueError("自定义等级需要一个下限为 0 的最低等级")
        bands.append(("差", 0.0))
    return GradeBands("custom", tuple(bands), "案例文件自定义", "case")


def grade(score: float | None, bands: str | Mapping[str, float] | GradeBands = "mof_2020"):
    """The grade of a total score; lower bounds are inclusive.

    Parameters
    ----------
    score : float or None
        Total score (rounded to 2 dp before comparing). None or NaN gives None.
    bands : str, mapping or GradeBands
        ``"mof_2020"`` (default), ``"local_80"`` or ``{label: lower bound}``.

    Returns
    -------
    str or None
        E.g. ``"优"``.

    Examples
    --------
    >>> grade(90), grade(89.99), grade(80, "local_80"), grade(59.995)
    ('优', '良', '优', '中')
    """
    if score is None or (isinstance(score, float) and np.isnan(score)):
        return None
    gb = grade_bands(bands)
    value = fmt.round_half_up(float(score), 2)
    for label, low in gb.bands:
        if value >= low - 1e-9:
            return label
    return gb.bands[-1][0]


def grade_array(scores: np.ndarray, bands: str | Mapping[str, float] | GradeBands = "mof_2020"):
    """Vectorised :func:`grade` for an array of scores (NaN → None)."""
    gb = grade_bands(bands)
    scores = np.asarray(scores, dtype=float)
    lows = np.array([low for _, low in gb.bands])[::-1]  # ascending
    labels = np.array([label for label, _ in gb.bands][::-1] + [None], dtype=object)
    rounded = np.floor(np.abs(scores) * 100 + 0.5 + 1e-9) / 100 * np.sign(scores)
    idx = np.searchsorted(lows, rounded + 1e-9, side="right") - 1
    idx = np.where(idx < 0, 0, idx)
    out = labels[idx]
    out[np.isnan(scores)] = None
    return out


# ---------------------------------------------------------------------------------------------
# Qualitative tiers


@dataclass(frozen=True)
class Tier:
    """A qualitative tier: score range [low·w, high·w) (the top tier includes w) and default share."""

    name: str
    low: float
    high: float
    default: float


@cache
def _tiers() -> tuple[tuple[Tier, tuple[str, ...]], ...]:
    raw = load_yaml("rules.yaml")["qualitative_tiers"]
    return tuple(
        (Tier(t["name"], t["low"], t["high"], t["default"]), tuple(t.get("aliases", ())))
        for t in raw
    )


def qualitative_tier(name: str) -> Tier:
    """Look up a qualitative tier by its name or an alias (达成 / 部分达成 / 未达成 …)."""
    key = str(name).strip()
    for tier, aliases in _tiers():
        if key == tier.name or key in aliases:
            return tier
    names = "、".join(t.name for t, _ in _tiers())
    raise ValueError(f"未知的定性档次 '{name}'（可用：{names}）")


# ---------------------------------------------------------------------------------------------
# Vectorised core


def _round2(x: np.ndarray) -> np.ndarray:
    """Half-up (away from zero) rounding to 2 dp, vectorised; see ``_format.round_half_up``."""
    scaled = np.abs(x) * 100.0
    out = np.floor(scaled + 0.5 + 1e-9 * np.maximum(1.0, scaled)) / 100.0
    return np.copysign(out, x)


def _score_arrays(
    rule: np.ndarray,
    weight: np.ndarray,
    target: np.ndarray,
    target_high: np.ndarray,
    actual: np.ndarray,
    alt_variant: np.ndarray,
    qual_points: np.ndarray,
    points_per_unit: np.ndarray,
    met: np.ndarray,
    total: np.ndarray,
    cap: np.ndarray,
    over_threshold: np.ndarray,
) -> np.ndarray:
    """Score arrays of indicators (all arrays the same length; ``rule`` holds RULE_CODES).

    ``alt_variant`` is True where the non-default variant applies (reverse ``ratio``, range
    ``binary``, deduction ``under``). Missing actual values (NaN) score 0 for quantitative rules.
    """
    w, t, a = weight, target, actual
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = a / t
        # positive (and equal with t > 0)
        pos = np.where(t > 0, np.where(cap & (a >= t), w, ratio * w), np.where(a >= 0, w, 0.0))
        thr = over_threshold
        overshoot = (t > 0) & ~np.isnan(thr) & (ratio > thr)
        pos = np.where(overshoot, w * np.maximum(0.0, 1.0 - (ratio - thr)), pos)
        equal = np.where(t > 0, pos, np.where(a <= 0, w, 0.0))
        # reverse: linear (default) or ratio
        rev_linear = np.where(t > 0, np.maximum(0.0, 1.0 - (a - t) / t) * w, 0.0)
        rev_ratio = np.where(a > 0, t / a * w, 0.0)
        rev = np.where(a <= t, w, np.where(alt_variant, rev_ratio, rev_linear))
        # range: proportional (default) or binary
        lo, hi = t, target_high
        below = np.where(lo > 0, a / lo * w, 0.0)
        above = np.where(a > 0, hi / a * w, 0.0)
        outside = np.where(alt_variant, 0.0, np.where(a < lo, below, above))
        rng = np.where((a >= lo) & (a <= hi), w, outside)
        # deduction: over (default) or under the target
        excess = np.where(alt_variant, t - a, a - np.nan_to_num(t))
        ded = w - points_per_unit * np.maximum(0.0, excess)
        # checklist
        chk = w * met / total
    score = np.select(
        [rule == 0, rule == 1, rule == 2, rule == 3, rule == 4, rule == 5, rule == 6],
        [pos, rev, equal, rng, qual_points, ded, chk],
        default=np.nan,
    )
    quantitative = (rule != 4) & (rule != 6)
    score = np.where(quantitative & np.isnan(a), 0.0, score)
    capped = np.where(rule == 0, np.where(cap, np.minimum(score, w), score), np.minimum(score, w))
    rounded = _round2(np.maximum(capped, 0.0))
    # a weight that is not a whole number of cents (e.g. 4.375) must not round a full score up
    # past it: scores never exceed the weight, so totals never exceed the sum of the weights
    w_floor = np.floor(w * 100 + 1e-6) / 100
    limit = np.where((rule == 0) & ~cap, np.inf, np.maximum(w_floor, 0.0))
    return np.minimum(rounded, limit)


def _column(df: pd.DataFrame, name: str, default: Any, dtype=float) -> np.ndarray:
    if name not in df:
        return np.full(len(df), default, dtype=dtype)
    col = df[name]
    if dtype is float:
        return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if dtype is bool:
        return col.fillna(default).to_numpy(dtype=bool)
    return col.to_numpy()


def _lookup(col: pd.Series, mapping: Mapping[Any, float], default: float) -> np.ndarray:
    """Map a (string) column through a small dict, fast: factorise, map the uniques, take."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    table = np.array([mapping.get(u, default) for u in uniques] + [default], dtype=float)
    return table[codes]  # code −1 (missing) picks the trailing default


def score_frame(df: pd.DataFrame) -> pd.Series:
    """Score every row of an indicator table at once (vectorised).

    Parameters
    ----------
    df : DataFrame
        One row per indicator. Required columns: ``rule`` (positive, reverse, equal, range,
        qualitative, deduction, checklist), ``weight``. Optional: ``target``, ``target_high``
        (range upper bound), ``actual``, ``variant``, ``tier`` and ``given_score`` (qualitative: the
        evaluator's score in points), ``points_per_unit``, ``met`` and ``total`` (checklist), ``cap`` (positive: cap at the
        weight, default True), ``overachievement_threshold``.

    Returns
    -------
    Series
        Scores (2 dp, half-up), aligned with ``df.index``.

    Notes
    -----
    Inputs are trusted (validate case files with :mod:`methods.casefile` first): a qualitative score
    outside its tier is not rechecked here, unknown rules score NaN.
    """
    n = len(df)
    rule = _lookup(df["rule"], RULE_CODES, -1).astype(int)
    alt = (
        _lookup(df["variant"], {v: 1.0 for v in _ALT_VARIANTS}, 0.0).astype(bool)
        if "variant" in df
        else np.zeros(n, dtype=bool)
    )
    weight = _column(df, "weight", np.nan)
    qual = _column(df, "given_score", np.nan)
    if "tier" in df:
        shares = {t.name: t.default for t, _ in _tiers()}
        shares.update({a: t.default for t, aliases in _tiers() for a in aliases})
        default_share = _lookup(df["tier"], shares, np.nan)
    else:
        default_share = np.full(n, np.nan)
    qual = np.where(np.isnan(qual), default_share * weight, qual)
    scores = _score_arrays(
        rule=rule,
        weight=weight,
        target=_column(df, "target", np.nan),
        target_high=_column(df, "target_high", np.nan),
        actual=_column(df, "actual", np.nan),
        alt_variant=alt,
        qual_points=qual,
        points_per_unit=_column(df, "points_per_unit", np.nan),
        met=_column(df, "met", np.nan),
        total=_column(df, "total", np.nan),
        cap=_column(df, "cap", True, dtype=bool),
        over_threshold=_column(df, "overachievement_threshold", np.nan),
    )
    return pd.Series(scores, index=df.index, name="score")


def score_indicator(
    rule: str,
    weight: float,
    target: float | list[float] | None = None,
    actual: float | None = None,
    *,
    variant: str | None = None,
    tier: str | None = None,
    score: float | None = None,
    points_per_unit: float | None = None,
    met: int | float | None = None,
    total: int | float | None = None,
    items: list[Mapping[str, Any]] | None = None,
    cap: bool = True,
    overachievement_threshold: float | None = None,
) -> float:
    """Score one indicator.

    Parameters
    ----------
    rule : str
        ``positive``, ``reverse``, ``equal``, ``range``, ``qualitative``, ``deduction`` or
        ``checklist`` (see the module docstring for the formulas).
    weight : float
        Points of the indicator (w > 0).
    target, actual : float, optional
        Target *t* (for ``range`` a pair ``[low, high]``) and actual value *a*. A missing actual
        value scores 0 for quantitative rules; deduction targets default to 0.
    variant : str, optional
        ``reverse``: ``linear`` (default) or ``ratio``; ``range``: ``proportional`` (default) or
        ``binary``; ``deduction``: ``over`` (default, excess a − t) or ``under`` (t − a).
    tier, score : optional
        ``qualitative``: the tier (达成年度指标, 部分达成年度指标并具有一定效果, 未达成年度指标且效果较差, or an alias)
        and the evaluator's score in points, which must lie in the tier's range; without a score
        the tier's middle (0.9w, 0.7w, 0.3w; unverified default) is used.
    points_per_unit : float, optional
        ``deduction``: points deducted per unit of excess.
    met, total, items : optional
        ``checklist``: counts of points met and in all, or ``items`` as mappings with ``met`` and
        optional ``points``.
    cap : bool
        ``positive``: cap the score at the weight (default True).
    overachievement_threshold : float, optional
        ``positive``: above this completion ratio (e.g. 1.5) the target is taken as set too low and
        the score falls by the excess ratio (unverified; off by default).

    Returns
    -------
    float
        The score, rounded half-up to 2 dp, within [0, weight] unless ``cap`` is False.

    Raises
    ------
    ValueError
        Unknown rule, tier or variant; a qualitative score outside its tier's range; missing
        inputs the rule needs.

    Examples
    --------
    >>> score_indicator("positive", 10, target=100, actual=95)
    9.5
    >>> score_indicator("reverse", 10, target=10, actual=12)  # (1 - 2/10) * 10
    8.0
    >>> score_indicator("reverse", 10, target=10, actual=12, variant="ratio")  # 10/12 * 10
    8.33
    >>> score_indicator("deduction", 5, target=100, actual=103, points_per_unit=0.5)
    3.5
    >>> score_indicator("qualitative", 10, tier="部分达成年度指标并具有一定效果", score=7)
    7.0
    """
    if rule not in RULE_CODES:
        raise ValueError(f"未知的计分规则 '{rule}'（可用：{'、'.join(RULE_CODES)}）")
    if not weight > 0:
        raise ValueError(f"分值 weight 应大于 0，实际为 {weight!r}")
    if variant is not None and variant not in VARIANTS.get(rule, ()):
        raise ValueError(f"规则 {rule} 不支持变体 '{variant}'")
    target_high = np.nan
    if rule == "range":
        if not isinstance(target, list | tuple) or len(target) != 2:
            raise ValueError("区间型指标的目标值应为 [下限, 上限]")
        target, target_high = target  # type: ignore[misc]
    elif rule in ("positive", "reverse", "equal"):
        if target is None:
            raise ValueError(f"规则 {rule} 需要目标值 target")
        if target < 0:  # type: ignore[operator]
            raise ValueError(f"规则 {rule} 的目标值应不小于 0，实际为 {target}")
    if rule == "qualitative":
        if tier is None:
            raise ValueError("定性指标需要评价档次 tier")
        t = qualitative_tier(tier)
        if score is not None:
            lo, hi = t.low * weight, t.high * weight
            top = t.high >= 1.0
            if not (lo - 1e-9 <= score and (score <= hi + 1e-9 if top else score < hi - 1e-9)):
                raise ValueError(f"评分 {score} 不在档次“{t.name}”的分值范围 [{lo:g}, {hi:g}) 内")
        else:
            score = t.default * weight
    if rule == "deduction" and points_per_unit is None:
        raise ValueError("扣分型指标需要 points_per_unit")
    if rule == "checklist":
        if items is not None:
            pts = [it.get("points") for it in items]
            if all(p is None for p in pts):
                met, total = sum(bool(it["met"]) for it in items), len(items)
            else:
                met = sum(p for p, it in zip(pts, items, strict=True) if it["met"])
                total = sum(pts)  # type: ignore[arg-type]
        if met is None or not total:
            raise ValueError("评价要点型指标需要 items，或 met 与 total（total > 0）")
    a = np.array([np.nan if actual is None else actual], dtype=float)
    one = np.ones(1)
    result = _score_arrays(
        rule=np.array([RULE_CODES[rule]]),
        weight=one * weight,
        target=one * (np.nan if target is None else target),
        target_high=one * target_high,
        actual=a,
        alt_variant=np.array([variant in _ALT_VARIANTS]),
        qual_points=one * (np.nan if score is None else score),
        points_per_unit=one * (np.nan if points_per_unit is None else points_per_unit),
        met=one * (np.nan if met is None else met),
        total=one * (np.nan if total is None else total),
        cap=np.array([cap]),
        over_threshold=one
        * (np.nan if overachievement_threshold is None else overachievement_threshold),
    )
    return float(result[0])


def score_cases(
    df: pd.DataFrame,
    case_col: str = "case_id",
    bands: str | Mapping[str, float] | GradeBands = "mof_2020",
) -> pd.DataFrame:
    """Score many cases at once: totals and grades from a long indicator table.

    Parameters
    ----------
    df : DataFrame
        Long format, one row per indicator, with ``case_col`` and the columns :func:`score_frame`
        reads. Weights of each case should already be final (applicable, summing to 100).
    case_col : str
        Column identifying the case.
    bands : str, mapping or GradeBands
        Grade bands for every case.

    Returns
    -------
    DataFrame
        Index: case id; columns ``total`` (2 dp) and ``grade``.
    """
    scores = score_frame(df)
    totals = scores.groupby(df[case_col].to_numpy(), sort=False).sum()
    totals = pd.Series(_round2(totals.to_numpy()), index=totals.index)
    return pd.DataFrame(
        {"total": totals, "grade": grade_array(totals.to_numpy(), bands)}, index=totals.index
    ).rename_axis(case_col)


# ---------------------------------------------------------------------------------------------
# Case evaluation lives one layer up (methods.evaluation: it reads case files); its public names
# are reachable from here for users (``scoring.evaluate``), loaded on first use.

_EVALUATION_NAMES = frozenset(
    {
        "Evaluation",
        "MAX_UNCAPPED_EXECUTION",
        "Prepared",
        "UNIT_SLIP_RATIO",
        "evaluate",
        "prepare",
        "unit_slips",
    }
)


def __getattr__(name: str) -> Any:
    if name in _EVALUATION_NAMES:
        from importlib import import_module

        return getattr(import_module("methods.evaluation"), name)
    raise AttributeError(f"module 'methods.scoring' has no attribute {name!r}")
