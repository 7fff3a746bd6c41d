"""Government-level evaluation (财政运行综合绩效评价) of a set of towns, and the transfer-payment
allocation: an equalisation base by need factors (因素法) and a separate 绩效奖补 share.

No national framework for 财政运行综合绩效 exists: the policy (武发〔2020〕48号) names the four
dimensions 收入结构与质量, 支出结构与效果, 财力分布与可持续性, 财力与职能匹配性 and links the results to
转移支付分配. The default indicators (``methods/_data/frameworks/fiscal_operation_town.yaml``) are
this project's choice of common fiscal-analysis indicators, status unverified; a case replaces them.

Each town (镇/街道) is scored with the ordinary indicator rules (:func:`methods.scoring.score_frame`,
vectorised over towns × indicators). An indicator marked ``relative: mean`` is scored on the town's
value ÷ the mean over the towns × 100 (e.g. 人均可用财力相对水平).

The transfer pool (:func:`allocate`) is split in two. An equalisation base, the pool less the
award share, is allocated by need factors (人口, 面积, 村（社区）数, 财力缺口) and the evaluation
never moves it. A separate 绩效奖补 share (default 10 %) is allocated by the factor share × the
town's 奖补得分 (:func:`award_scores`), a score built only from indicators a town controls
(预算管理与执行, “三保”保障, 债务风险化解, 绩效管理工作, and improvement over last year); towns
below the 起奖分 (60) get no award. Endowment indicators (税收占比, 自给率, 收入增长 …) stay in the
evaluation as context and never move money (:func:`award_rule` refuses them). Every town receives at
least its base, so a town graded 良 or better never loses (:func:`guarantee_breaches`). The split,
the indicators and the threshold are data in ``methods/_data/fiscal_allocation.yaml`` with their
status; a case sets its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._resources import load_yaml
from methods.errors import CaseError

QUANTITATIVE = ("positive", "reverse", "equal", "range", "deduction")
NAME_COLUMNS = ("name", "名称", "镇（街道）", "镇(街道)", "town")
KIND_COLUMNS = ("kind", "类型", "单位类型")  # 镇、街道、开发区
PREV_COLUMNS = ("prev_award", "上年奖补得分")


# ---------------------------------------------------------------------------------------------
# The design: equalisation base and 绩效奖补


@cache
def _presets() -> dict[str, Any]:
    return load_yaml("fiscal_allocation.yaml")


@dataclass(frozen=True)
class AwardRule:
    """How the 绩效奖补 share of a pool is scored and split.

    Attributes
    ----------
    share : float
        Fraction of the pool the award takes (0 ≤ share < 1); the rest is the equalisation base.
    areas : tuple of (str, tuple of str)
        The areas a town controls (预算管理与执行 …) with the indicator codes scored in each.
    threshold : float
        Towns whose 奖补得分 is below it receive no award.
    improvement_weight : float
        Weight of 较上年改进 in the 奖补得分 when last year's 奖补得分 is given.
    guaranteed : tuple of str
        Grades whose towns never receive less than their base (优、良).
    context : tuple of str
        Codes of the evaluation's endowment indicators, reported but never moving money.
    from_case : tuple of str
        Which of share, indicators, threshold, improvement_weight the case set itself.
    """

    share: float
    areas: tuple[tuple[str, tuple[str, ...]], ...]
    threshold: float
    improvement_weight: float
    guaranteed: tuple[str, ...]
    context: tuple[str, ...] = ()
    from_case: tuple[str, ...] = ()

    @property
    def indicators(self) -> tuple[str, ...]:
        """Every indicator code of the 奖补得分, in the order of the areas."""
        return tuple(c for _, codes in self.areas for c in codes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "share": self.share,
            "areas": {name: list(codes) for name, codes in self.areas},
            "threshold": self.threshold,
            "improvement_weight": self.improvement_weight,
            "guaranteed_grades": list(self.guaranteed),
            "context_indicators": list(self.context),
            "set_by_case": list(self.from_case),
        }


def award_rule(
    allocation: Any, indicators: pd.DataFrame, bands: Any, *, custom: bool = False
) -> AwardRule:
    """The award rule of a case: its ``allocation`` over the defaults of
    ``methods/_data/fiscal_allocation.yaml``.

    Parameters
    ----------
    allocation : Allocation
        The case's ``allocation:`` block.
    indicators : DataFrame
        The evaluation's indicators (``code``, ``name``, ``level2``).
    bands : GradeBands
        The evaluation's grade bands (the guarantee covers the top ``guarantee.grades`` bands).
    custom : bool
        The indicators are the case's own (codes of the default framework mean nothing then).

    Raises
    ------
    CaseError
        The retired ``coefficient`` design, an unknown award indicator, or an indicator of
        endowment (税收占比、自给率、收入增长 …) named for the award.
    """
    cfg = _presets()
    if allocation.coefficient is not None:
        raise CaseError(
            f"allocation.coefficient（{allocation.coefficient}）已停用：原办法以绩效系数调节全部资金，"
            "会把均衡性资金从财力薄弱的镇（街道）调给财力雄厚的镇（街道）",
            field=("allocation", "coefficient"),
            hint="请删除 coefficient，改用 award_share（绩效奖补比例，默认 0.10）和 award（奖补指标）",
        )
    spec = allocation.award
    from_case = []
    share = allocation.award_share
    if share is None:
        share = float(cfg["award_share"]["default"])
    else:
        from_case.append("award_share")
    if not share < 1:
        raise CaseError(
            f"绩效奖补比例应小于 1，实际为 {fmt.num(share, 4)}：均衡性基础额不能为 0",
            field=("allocation", "award_share"),
        )
    known = dict(zip(indicators["code"], indicators.to_dict("records"), strict=True))
    endowment = cfg["award"]["endowment"]
    default_areas = [(a["name"], tuple(a["indicators"])) for a in cfg["award"]["areas"]]
    if spec is not None and spec.indicators:
        from_case.append("indicators")
        codes = list(dict.fromkeys(spec.indicators))
        for i, code in enumerate(codes):
            field = ("allocation", "award", "indicators", i)
            if code not in known:
                raise CaseError(
                    f"奖补指标 '{code}' 不在指标体系中",
                    field=field,
                    hint="指标代码：" + "、".join(known),
                )
        area_of = {c: name for name, cs in default_areas for c in cs}
        grouped: dict[str, list[str]] = {}
        for code in codes:
            grouped.setdefault(area_of.get(code) or str(known[code]["level2"]), []).append(code)
        areas = [(name, tuple(cs)) for name, cs in grouped.items()]
    else:
        areas = [
            (name, tuple(c for c in cs if c in known))
            for name, cs in default_areas
            if any(c in known for c in cs)
        ]
        if not areas:
            raise CaseError(
                "指标体系中没有可用于绩效奖补的管理类指标，请在 allocation.award.indicators 中指定",
                field=("allocation", "award"),
            )
    listed = codes if spec is not None and spec.indicators else [c for _, x in areas for c in x]
    for pos, code in enumerate(listed):
        r = known[code]
        if str(r["level2"]) in endowment["level2"] or (
            code in endowment["indicators"] and not custom
        ):
            raise CaseError(
                f"指标 {code}（{r['name']}）属于财力禀赋类指标，只能作为评价参考，不能用于绩效奖补",
                field=("allocation", "award", "indicators", pos),
                hint=f"此类指标{endowment['reason']}",
            )
    threshold = cfg["award"]["threshold"]
    weight = cfg["award"]["improvement_weight"]
    if spec is not None and spec.threshold is not None:
        threshold = spec.threshold
        from_case.append("threshold")
    if spec is not None and spec.improvement_weight is not None:
        weight = spec.improvement_weight
        from_case.append("improvement_weight")
    top = int(cfg["guarantee"]["grades"])
    context = tuple(
        c
        for c, r in known.items()
        if str(r["level2"]) in endowment["level2"] or (c in endowment["indicators"] and not custom)
    )
    return AwardRule(
        share=float(share),
        areas=tuple(areas),
        threshold=float(threshold),
        improvement_weight=float(weight),
        guaranteed=tuple(label for label, _ in bands.bands[:top]),
        context=context,
        from_case=tuple(from_case),
    )


def award_scores(
    scores: pd.DataFrame,
    weights: Mapping[str, float],
    prev: pd.Series | None = None,
    improvement_weight: float = 0.2,
) -> pd.DataFrame:
    """奖补得分 of each town from its scores on the indicators it controls.

    ``管理得分 = Σ_k 得分_ik ÷ Σ_k 分值_k × 100`` over the award indicators; with last year's
    奖补得分 ``prev``, ``改进得分 = min(管理得分 ÷ 上年奖补得分, 1) × 100`` (last year's level as the
    历史标准) and ``奖补得分 = (1 − w) × 管理得分 + w × 改进得分``; without it the 奖补得分 is the
    管理得分. Each is rounded to 2 decimals.

    Parameters
    ----------
    scores : DataFrame
        Towns × indicator codes: the evaluation's indicator scores.
    weights : mapping
        Award indicator code → its points (分值).
    prev : Series, optional
        Town → last year's 奖补得分 (all towns, or ``None``).
    improvement_weight : float
        *w*, 0 ≤ w < 1.

    Returns
    -------
    DataFrame
        Index: town. Columns ``management``, ``improvement`` (NaN without ``prev``),
        ``award_score``.

    Examples
    --------
    >>> s = pd.DataFrame({"F22": [6.0, 3.0], "F41": [7.0, 7.0]}, index=["甲", "乙"])
    >>> award_scores(s, {"F22": 6, "F41": 7})["award_score"].tolist()
    [100.0, 76.92]
    >>> prev = pd.Series({"甲": 90.0, "乙": 80.0})
    >>> award_scores(s, {"F22": 6, "F41": 7}, prev)["award_score"].tolist()
    [100.0, 80.77]
    """
    from methods.scoring import _round2

    codes = list(weights)
    points = float(sum(weights.values()))
    management = _round2(scores[codes].sum(axis=1).to_numpy() / points * 100)
    out = pd.DataFrame({"management": management}, index=scores.index)
    if prev is None:
        out["improvement"] = np.nan
        out["award_score"] = out["management"]
        return out
    p = pd.Series(prev, dtype=float).reindex(scores.index).to_numpy()
    m = out["management"].to_numpy()
    ratio = np.divide(m, p, out=np.ones_like(m), where=p > 0)
    out["improvement"] = _round2(np.minimum(ratio, 1.0) * 100)
    w = float(improvement_weight)
    out["award_score"] = _round2((1 - w) * m + w * out["improvement"].to_numpy())
    return out


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
    award_scores: Mapping[str, float] | pd.Series | None = None,
    *,
    award_share: float = 0.0,
    threshold: float = 60.0,
    digits: int = 2,
) -> pd.DataFrame:
    """Allocate ``total``: an equalisation base by need factors and a 绩效奖补 share.

    With the factor shares *s_i* of :func:`factor_shares`, the award part
    ``A = round(total × award_share)`` and the base part ``B = total − A``::

        base_i   = B × s_i                                  (评价结果不影响)
        points_i = award_score_i if award_score_i ≥ threshold else 0
        award_i  = A × s_i × points_i ÷ Σ_j s_j × points_j
        amount_i = base_i + award_i

    so every town receives at least its base. If no town reaches the threshold the award part
    joins the base (``B = total``). Each part is rounded to ``digits`` decimals by the
    largest-remainder method (:func:`round_to_total`), so the bases add up to *B*, the awards to
    *A* and the amounts to ``total`` exactly.

    Parameters
    ----------
    total : float
        Amount to allocate (e.g. 万元), > 0.
    values : DataFrame
        Towns × need factors.
    weights : mapping
        Factor → weight (sum 1).
    award_scores : mapping or Series, optional
        Town → 奖补得分 (0–100). Without it the whole pool is the base (pure factor method).
    award_share : float
        Fraction of ``total`` for the award, 0 ≤ award_share < 1.
    threshold : float
        起奖分: a town below it receives no award.
    digits : int
        Decimals of the amounts.

    Returns
    -------
    DataFrame
        Index: town. Columns: one ``share:<factor>`` per factor (x_ik / Σ_j x_jk), ``share``
        (s_i), ``base``, ``award_score``, ``award_points``, ``award``, ``allocation``
        (= base + award), ``change`` (= award), ``final_share``.

    Examples
    --------
    Two towns, 人口 1 : 3, 100 万元 of which 10 % award, 奖补得分 90 and 60:
    bases 22.50 / 67.50; award 10 × 0.25 × 90 / (0.25 × 90 + 0.75 × 60) = 10 × 22.5 / 67.5 =
    3.33 and 6.67.

    >>> x = pd.DataFrame({"人口": [1.0, 3.0]}, index=["甲", "乙"])
    >>> a = allocate(100, x, {"人口": 1.0}, {"甲": 90, "乙": 60}, award_share=0.1)
    >>> a[["base", "award", "allocation"]].values.tolist()
    [[22.5, 3.33, 25.83], [67.5, 6.67, 74.17]]
    """
    if not total > 0:
        raise ValueError(f"资金总额应大于 0，实际为 {total!r}")
    if not 0 <= award_share < 1:
        raise ValueError(f"绩效奖补比例应在 0 到 1 之间（不含 1），实际为 {award_share!r}")
    shares = factor_shares(values, weights)
    out = pd.DataFrame(index=values.index)
    x = values[[str(k) for k in weights]].astype(float)
    for k in x.columns:
        out[f"share:{k}"] = x[k] / x[k].sum()
    out["share"] = shares
    if award_scores is None:
        score = pd.Series(np.nan, index=values.index)
        award_share = 0.0
    else:
        score = pd.Series(award_scores, dtype=float).reindex(values.index)
        if score.isna().any():
            raise ValueError(f"缺少 {'、'.join(map(str, score.index[score.isna()]))} 的奖补得分")
    points = score.where(score >= threshold, 0.0).fillna(0.0)
    award_pool = round(total * award_share, digits)
    weighted = shares * points
    if award_pool > 0 and weighted.sum() <= 0:
        award_pool = 0.0  # nobody reaches the threshold: the award part joins the base
    base_pool = total - award_pool
    out["award_score"] = score
    out["award_points"] = points
    out["base"] = round_to_total((base_pool * shares).to_numpy(), base_pool, digits)
    if award_pool > 0:
        exact = award_pool * weighted / weighted.sum()
        out["award"] = round_to_total(exact.to_numpy(), award_pool, digits)
    else:
        out["award"] = 0.0
    out["allocation"] = np.round(out["base"] + out["award"], digits)
    out["change"] = out["award"]
    out["final_share"] = out["allocation"] / total
    return out


def guarantee_breaches(allocation: pd.DataFrame, grades: pd.Series, guaranteed) -> list[str]:
    """Towns graded in ``guaranteed`` (优、良) that receive less than their base (must be none).

    >>> a = pd.DataFrame({"base": [10.0, 20.0], "allocation": [9.0, 20.0]}, index=["甲", "乙"])
    >>> guarantee_breaches(a, pd.Series({"甲": "良", "乙": "中"}), ("优", "良"))
    ['甲']
    """
    g = grades.reindex(allocation.index)
    short = g.isin(list(guaranteed)) & (allocation["allocation"] < allocation["base"] - 1e-9)
    return [str(t) for t in allocation.index[short]]


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
    kinds : Series
        Town → unit kind (镇、街道、开发区, or None when the town file does not say).
    award_scores : DataFrame or None
        :func:`award_scores` output (管理得分, 改进得分, 奖补得分) when the case allocates a pool.
    allocation : DataFrame or None
        :func:`allocate` output plus ``total_score`` and ``grade``.
    award : AwardRule or None
        The award rule applied.
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
    kinds: pd.Series | None = None
    award_scores: pd.DataFrame | None = None
    allocation: pd.DataFrame | None = None
    award: AwardRule | None = None
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
            if self.kinds is not None and self.kinds[town] is not None:
                entry["kind"] = self.kinds[town]
            if self.allocation is not None:
                a = self.allocation.loc[town]
                s = self.award_scores.loc[town]
                entry["allocation"] = {
                    "factor_share": float(a["share"]),
                    "base": float(a["base"]),
                    "management_score": float(s["management"]),
                    "improvement_score": _num_or_none(s["improvement"]),
                    "award_score": float(s["award_score"]),
                    "award": float(a["award"]),
                    "amount": float(a["allocation"]),
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
                "design": _presets()["design"]["name"],
                "base_total": fmt.round_half_up(float(self.allocation["base"].sum()), 2),
                "award_total": fmt.round_half_up(float(self.allocation["award"].sum()), 2),
                "award": self.award.to_dict(),
                "guarantee": _presets()["guarantee"]["text"],
                "formula": _presets()["design"]["formula"],
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
    """(raw indicator values, factor values, kinds, last year's 奖补得分) of the towns, checked."""
    kinds_allowed = list(_presets()["kinds"])
    if isinstance(case.towns, str):
        names, df = _read_town_file(case)
        kind_col = next((c for c in KIND_COLUMNS if c in df.columns), None)
        prev_col = next((c for c in PREV_COLUMNS if c in df.columns), None)
        extra = df[[c for c in (kind_col, prev_col) if c]].copy()
        df = df.drop(columns=list(extra.columns))
        for col in df.columns:
            if col not in codes and col not in factor_codes:
                raise CaseError(
                    f"数据文件 {case.towns} 的列 '{col}' 不是指标代码或分配因素代码",
                    field=("towns",),
                    hint="指标代码：" + "、".join(codes),
                )
        records = []
        extras = extra.to_dict("records")
        for row_no, (name, row) in enumerate(zip(names, df.to_dict("records"), strict=True)):
            at = f"数据文件 {case.towns} 第 {row_no + 2} 行："
            kind = extras[row_no].get(kind_col) if kind_col else None
            if isinstance(kind, float) and np.isnan(kind):
                kind = None
            if kind is not None and str(kind).strip() not in kinds_allowed:
                raise CaseError(
                    f"{at}“{name}”的单位类型应为{'、'.join(kinds_allowed)}之一，实际为 {kind!r}",
                    field=("towns",),
                )
            prev = _file_cell(extras[row_no].get(prev_col)) if prev_col else None
            if isinstance(prev, float) and np.isnan(prev):
                prev = None
            if prev is not None and (isinstance(prev, str | bool) or not 0 <= float(prev) <= 100):
                raise CaseError(
                    f"{at}“{name}”的上年奖补得分应为 0–100 的数字，实际为 {prev!r}",
                    field=("towns",),
                )
            kind = None if kind is None else str(kind).strip()
            prev = None if prev is None else float(prev)
            records.append((name, row, ("towns",), row_no + 2, kind, prev))
    else:
        records = [
            (t.name, {**t.values, **t.factors}, ("towns", i), None, t.kind, t.prev_award)
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
    kinds = pd.Series({r[0]: r[4] for r in records}, dtype=object)
    prev = pd.Series({r[0]: r[5] for r in records}, dtype=float)
    given = prev.notna()
    if given.any() and not given.all():
        lacking = [str(n) for n in prev.index[~given]]
        raise CaseError(
            f"上年奖补得分应为全部镇（街道）给出或全部省略：{'、'.join(lacking)}缺少",
            field=("towns",),
        )
    for name, row, loc, line, _, _ in records:
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
    return raw, factors, kinds, (prev if given.all() else None)


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


def analyse(case) -> FiscalResult:
    """Score the towns of a ``fiscal_operation`` case and allocate its transfer payment.

    Raises
    ------
    CaseError
        Bad indicators, tree, town data, factors or award rule (the field named).
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
    raw, factors, kinds, prev = _town_tables(case, codes, factor_codes)
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
    allocation, award, awarded = None, None, None
    if alloc is not None:
        award = award_rule(alloc, indicators, bands, custom=bool(case.indicators))
        weight_of = indicators.set_index("code")["weight"]
        awarded = award_scores(
            scores,
            {c: float(weight_of[c]) for c in award.indicators},
            prev,
            award.improvement_weight,
        )
        weights = {f.code: f.weight for f in alloc.factors}
        try:
            allocation = allocate(
                alloc.total,
                factors,
                weights,
                awarded["award_score"],
                award_share=award.share,
                threshold=award.threshold,
            )
        except ValueError as exc:
            raise CaseError(str(exc), field=("allocation",)) from None
        breaches = guarantee_breaches(allocation, grades, award.guaranteed)
        if breaches:  # the design cannot do this; a change to it that did is refused here
            raise CaseError(
                f"{'、'.join(breaches)}评价等级为{'、'.join(award.guaranteed)}，分配额却少于基础额",
                field=("allocation",),
            )
        allocation["total_score"] = totals
        allocation["grade"] = grades
        design = _presets()["design"]
        notes.append(
            f"转移支付分为均衡性基础额和绩效奖补两部分（{design['name']}），"
            "基础额按需求因素测算，奖补额按本镇可控的管理类指标得分分配，公式见“转移支付分配的计算方法”。"
        )
        if award.share > 0 and allocation["award"].sum() == 0:
            warnings.append(
                f"没有镇（街道）的奖补得分达到起奖分 {fmt.num(award.threshold)} 分，"
                "绩效奖补部分并入均衡性基础额分配"
            )
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
        kinds=kinds,
        award_scores=awarded,
        allocation=allocation,
        award=award,
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
