"""联动绩效评价 (evaluation: joint_evaluation): key spending the district shares with its towns and
development zones (区与镇（开发区）共同财政事权), evaluated on one indicator set for every level.

武发〔2020〕48号 asks for the 联动绩效评价 (status local) but sets no method; the method below is this
project's (status practice, ``methods/_data/joint_evaluation.yaml``), stated in the report:

* **Levels.** The case lists the 区级 (one entry, ``kind: district``) and each participating 镇
  (``town``) or 开发区 (``zone``), each with the money it carries (``funds``: 区级资金 for the district,
  镇级配套 for a town or zone; ``received``: 实际到位) and, optionally, its 事权 share
  (``authority_share``, % from the local 事权和支出责任划分).
* **Responsibilities.** Every indicator of the shared set says which levels hold it
  (``held_by: [district]``, ``[town]`` or both; ``town`` covers 镇 and 开发区), e.g. 区级资金拨付及时率
  the district, 镇级配套资金到位率 and 项目完成率 the towns. Each holder gets its own actual value
  (``actuals:`` by level name); ``derive: funds_received`` computes it as received ÷ funds × 100.
* **Per-level sub-score.** Level *u* holds the indicators *I_u* (points *w_i*); each is scored by
  :func:`methods.scoring.score_frame` (the ordinary rules, all levels at once) and

      S_u = 100 × Σ_{i∈I_u} score_{i,u} ÷ Σ_{i∈I_u} w_i .

* **Combined score.** With shares *s_u* (Σ s_u = 1)

      S = Σ_u s_u × S_u ,

  where by default (``weighting: funding``) s_u = the level's funds ÷ all funds (支出责任: 区级资金 for
  the district, each town's 镇级配套), or (``weighting: authority``) the 事权 shares the case states.
  Both are practice: no document sets how a 联动评价 combines the levels. The 镇（开发区）级 as a whole
  is the share-weighted mean of its towns. Each indicator's part of the total is
  c_i = Σ_{u holds i} s_u × 100 × score_{i,u} ÷ W_u (its effective weight the same with w_i), so
  the indicators add up to the total.
* **Grade** by the case's bands (default the 10号 bands, the object being project spending), for the
  total and each level; the case's ``findings:`` may cap the total's grade (``grade_limits``).
* **Findings.** A level whose score on an indicator is below ``min_rate`` % of its points is a
  problem addressed to that level (facts by level, its cause if the case gives one); one suggestion
  each, to the level responsible.

This module holds the case model, its checks, the analysis (:func:`analyse` →
:class:`JointResult`), results.json (:func:`results`) and the report outline (``section_*``,
:data:`HEADINGS`, :data:`OUTLINE`, :func:`outline`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Case, EvaluationType, Objectives, _Model, register
from methods.errors import CaseError
from methods.report import blocks, official
from methods.report import findings as fnd
from methods.report.document import Callout, Document, Paragraph, Section, Span, Table

# ---------------------------------------------------------------------------------------------
# Case model

KINDS = {"district": "区级", "town": "镇", "zone": "开发区"}
"""Kinds of level and their Chinese names."""
HOLDERS = {"district": "区级", "town": "镇（开发区）级"}
"""Who can hold an indicator: the district, or every town and zone."""
RULES = ("positive", "reverse", "equal", "range", "qualitative", "deduction", "checklist")


class UnitValue(_Model):
    """A level's value of a qualitative (``tier``, ``score``) or checklist (``met``, ``total``)
    indicator."""

    tier: str | None = None
    score: float | None = Field(None, ge=0, allow_inf_nan=False)
    met: int | None = Field(None, ge=0)
    total: int | None = Field(None, gt=0)
    note: str | None = None


class JointLevel(_Model):
    """One level of the joint evaluation: the district or a participating town or zone."""

    name: str = Field(min_length=1, max_length=60, description="名称（区级、某镇、某开发区）")
    kind: Literal["district", "town", "zone"] = Field(description="层级：区级/镇/开发区")
    unit: str | None = Field(
        None, max_length=100, description="责任主体，例如区交通运输局、某镇人民政府"
    )
    funds: float = Field(ge=0, allow_inf_nan=False, description="本级承担资金：区级资金或镇级配套")
    received: float | None = Field(None, ge=0, allow_inf_nan=False, description="实际到位资金")
    district_funds: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="镇（开发区）：下达本级的区级资金"
    )
    authority_share: float | None = Field(
        None, ge=0, le=100, allow_inf_nan=False, description="事权划分比例（%）"
    )
    note: str | None = None


class JointIndicator(_Model):
    """An indicator of the shared set, with the levels that hold it and each one's value."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1)
    level1: str = Field(min_length=1)
    level2: str | None = None
    weight: float = Field(gt=0, le=100, allow_inf_nan=False)
    rule: Literal["positive", "reverse", "equal", "range", "qualitative", "deduction", "checklist"]
    target: float | list[float] | None = None
    unit: str | None = None
    variant: str | None = None
    points_per_unit: float | None = Field(None, gt=0, allow_inf_nan=False)
    held_by: list[Literal["district", "town"]] = Field(
        min_length=1, description="承担该指标的层级：district 区级、town 镇（开发区）"
    )
    actuals: dict[str, float | UnitValue] | None = Field(None, description="各级的实际值")
    derive: Literal["funds_received"] | None = Field(
        None, description="funds_received：实际值 = 到位资金 ÷ 承担资金 × 100"
    )
    cause: str | None = Field(None, description="未达标的原因（写入原因分析）")
    advice: str | None = Field(None, description="针对该指标问题的建议（代替默认建议）")
    note: str | None = None


class JointCase(Case):
    """联动绩效评价 (evaluation: joint_evaluation)."""

    levels: list[JointLevel] = Field(min_length=2, description="参与联动的区级和各镇（开发区）")
    indicators: list[JointIndicator] = Field(min_length=1, description="共用的指标体系")
    weighting: Literal["funding", "authority"] = Field(
        "funding", description="合成权重：funding 按承担资金（默认），authority 按事权比例"
    )
    overview: str | None = None
    objectives: Objectives | None = None
    evaluator: str | None = None
    grade_limits: str = Field("common_local", min_length=1, description="等级限定条款预设")


def _data() -> dict[str, Any]:
    return load_yaml("joint_evaluation.yaml")


def _is_qualitative(ind: JointIndicator) -> bool:
    return ind.rule in ("qualitative", "checklist")


def _check(case: Case) -> list[str]:
    assert isinstance(case, JointCase)
    from methods import scoring

    warnings: list[str] = []
    names = [lv.name for lv in case.levels]
    kinds = [lv.kind for lv in case.levels]
    if kinds.count("district") != 1:
        raise CaseError(
            f"联动评价须有且只有一个区级（kind: district），现有 {kinds.count('district')} 个",
            field=("levels",),
        )
    for i, lv in enumerate(case.levels):
        if lv.name in names[:i]:
            raise CaseError(f"层级名称“{lv.name}”重复", field=("levels", i, "name"))
        if lv.received is not None and lv.received > lv.funds * 1.0000001:
            raise CaseError(
                f"{lv.name}的实际到位资金 {lv.received:g} 大于承担资金 {lv.funds:g}",
                field=("levels", i, "received"),
            )
        if lv.kind == "district" and lv.district_funds is not None:
            raise CaseError(
                "district_funds 只用于镇（开发区），区级资金填在 funds",
                field=("levels", i, "district_funds"),
            )
    if len(kinds) - 1 < 1:
        raise CaseError("联动评价须至少有一个镇或开发区（kind: town 或 zone）", field=("levels",))
    d = kinds.index("district")
    given = [lv.district_funds for lv in case.levels if lv.district_funds is not None]
    if given and sum(given) > case.levels[d].funds * 1.0000001:
        raise CaseError(
            f"各镇（开发区）的区级资金合计 {sum(given):g} 大于区级资金 {case.levels[d].funds:g}",
            field=("levels", d, "funds"),
        )
    if case.weighting == "funding" and sum(lv.funds for lv in case.levels) <= 0:
        raise CaseError("按承担资金加权时各级资金合计须大于 0", field=("weighting",))
    if case.weighting == "authority":
        for i, lv in enumerate(case.levels):
            if lv.authority_share is None:
                raise CaseError(
                    f"按事权比例加权（weighting: authority）须填写{lv.name}的事权比例",
                    field=("levels", i, "authority_share"),
                )
        total = sum(lv.authority_share or 0 for lv in case.levels)
        if abs(total - 100) > 0.01:
            raise CaseError(
                f"各级事权比例合计为 {total:g}%，应为 100%", field=("levels", 0, "authority_share")
            )
    codes: list[str] = []
    for i, ind in enumerate(case.indicators):
        at = ("indicators", i)
        if ind.code in codes:
            raise CaseError(f"指标代码 {ind.code} 重复", field=(*at, "code"))
        codes.append(ind.code)
        holders = _holders(case, ind)
        if ind.variant is not None and ind.variant not in scoring.VARIANTS.get(ind.rule, ()):
            usable = "、".join(scoring.VARIANTS.get(ind.rule, ())) or "无"
            raise CaseError(
                f"{ind.rule} 规则没有变体 {ind.variant}（可用：{usable}）", field=(*at, "variant")
            )
        if not _is_qualitative(ind):
            t = ind.target
            if t is None:
                raise CaseError(f"指标“{ind.name}”缺少目标值", field=(*at, "target"))
            if ind.rule == "range" and not (isinstance(t, list) and len(t) == 2 and t[0] <= t[1]):
                raise CaseError("区间指标的目标值应为 [下限, 上限]", field=(*at, "target"))
            if ind.rule != "range" and isinstance(t, list):
                raise CaseError("目标值应为一个数", field=(*at, "target"))
            if ind.rule == "positive" and t <= 0:  # type: ignore[operator]
                raise CaseError("正向指标的目标值须大于 0", field=(*at, "target"))
            if ind.rule == "deduction" and ind.points_per_unit is None:
                raise CaseError("扣分指标须填写 points_per_unit", field=(*at, "points_per_unit"))
        if ind.derive is not None:
            if _is_qualitative(ind):
                raise CaseError("定性和评价要点指标不能由资金推算", field=(*at, "derive"))
            if ind.actuals:
                raise CaseError("由资金推算的指标不再填写 actuals", field=(*at, "actuals"))
            for j, lv in enumerate(case.levels):
                if lv.name in holders and lv.received is None:
                    raise CaseError(
                        f"指标“{ind.name}”由到位资金推算，须填写{lv.name}的实际到位资金",
                        field=("levels", j, "received"),
                    )
                if lv.name in holders and lv.funds <= 0:
                    raise CaseError(
                        f"指标“{ind.name}”由到位资金推算，{lv.name}的承担资金须大于 0",
                        field=("levels", j, "funds"),
                    )
            continue
        actuals = ind.actuals or {}
        for name in actuals:
            if name not in names:
                raise CaseError(
                    f"未知的层级“{name}”（可用：{'、'.join(names)}）", field=(*at, "actuals", name)
                )
            if name not in holders:
                raise CaseError(
                    f"{name}不承担指标“{ind.name}”（held_by: {', '.join(ind.held_by)}）",
                    field=(*at, "actuals", name),
                )
        for name in holders:
            if name not in actuals:
                raise CaseError(
                    f"缺少{name}的实际值（该指标由{'、'.join(HOLDERS[h] for h in ind.held_by)}承担）",
                    field=(*at, "actuals", name),
                )
            _check_value(ind, actuals[name], (*at, "actuals", name), scoring)
    total = sum(ind.weight for ind in case.indicators)
    if abs(total - 100) > 0.01:
        raise CaseError(f"指标分值合计为 {total:g}，应为 100", field=("indicators",))
    for i, lv in enumerate(case.levels):
        role = "district" if lv.kind == "district" else "town"
        if not any(role in ind.held_by for ind in case.indicators):
            raise CaseError(f"{lv.name}没有承担任何指标，无法计算本级得分", field=("levels", i))
    try:
        scoring.grade_bands(case.grade_bands or _data()["grade_bands"])
    except ValueError as exc:
        raise CaseError(str(exc), field=("grade_bands",)) from None
    from methods.evaluation import grade_limit_presets

    presets = grade_limit_presets()["presets"]
    if case.grade_limits not in presets:
        raise CaseError(
            f"未知的等级限定预设 '{case.grade_limits}'（可用：{'、'.join(presets)}）",
            field=("grade_limits",),
        )
    planned = sum(lv.funds for lv in case.levels)
    if case.budget.allocated is not None and abs(case.budget.allocated - planned) > 0.005 * max(
        planned, 1
    ):
        warnings.append(
            f"全年预算数 {fmt.num(case.budget.allocated)} 与各级承担资金合计 {fmt.num(planned)} 不一致"
        )
    return warnings


def _check_value(ind: JointIndicator, value: Any, at: tuple, scoring) -> None:
    """A level's value matches its indicator's rule (number, tier or checklist counts)."""
    if ind.rule == "qualitative":
        if not isinstance(value, UnitValue) or value.tier is None:
            raise CaseError("定性指标的实际值应写为 {tier: 档次, score: 得分}", field=at)
        try:
            tier = scoring.qualitative_tier(value.tier)
        except ValueError as exc:
            raise CaseError(str(exc), field=(*at, "tier")) from None
        if value.score is not None:
            lo, hi = tier.low * ind.weight, tier.high * ind.weight
            top = tier.high >= 1
            if (
                value.score < lo - 1e-9
                or value.score > hi + 1e-9
                or (not top and value.score >= hi)
            ):
                raise CaseError(
                    f"得分 {value.score:g} 不在“{tier.name}”档次的范围内"
                    f"（{fmt.num(lo)}–{fmt.num(hi)} 分）",
                    field=(*at, "score"),
                )
    elif ind.rule == "checklist":
        if not isinstance(value, UnitValue) or value.met is None or value.total is None:
            raise CaseError(
                "评价要点指标的实际值应写为 {met: 达到要点数, total: 要点总数}", field=at
            )
        if value.met > value.total:
            raise CaseError(
                f"达到要点数 {value.met} 大于要点总数 {value.total}", field=(*at, "met")
            )
    elif not isinstance(value, int | float) or isinstance(value, bool):
        raise CaseError(f"指标“{ind.name}”的实际值应为数值", field=at)


def _holders(case: JointCase, ind: JointIndicator) -> list[str]:
    """Names of the levels that hold an indicator, in the order of ``levels``."""
    return [
        lv.name
        for lv in case.levels
        if ("district" if lv.kind == "district" else "town") in ind.held_by
    ]


register(
    EvaluationType(
        name="joint_evaluation",
        title="联动绩效评价",
        notebook="joint_evaluation.ipynb",
        model=JointCase,
        check=_check,
        report_kind="联动绩效评价报告",
        scored=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Analysis


def shares(case: JointCase) -> pd.DataFrame:
    """Each level's 支出责任 share (funds ÷ all funds), 事权 share (as stated) and the share used
    (by ``weighting``), all as fractions summing to 1.

    >>> from types import SimpleNamespace as NS
    >>> district = NS(name="区级", kind="district", funds=60, authority_share=None)
    >>> town = NS(name="甲镇", kind="town", funds=40, authority_share=None)
    >>> shares(NS(levels=[district, town], weighting="funding"))["share"].tolist()
    [0.6, 0.4]
    """
    funds = np.array([lv.funds for lv in case.levels], dtype=float)
    auth = np.array(
        [np.nan if lv.authority_share is None else lv.authority_share for lv in case.levels],
        dtype=float,
    )
    funding = funds / funds.sum() if funds.sum() > 0 else np.full(len(funds), np.nan)
    authority = auth / 100.0
    used = authority if case.weighting == "authority" else funding
    return pd.DataFrame(
        {
            "level": [lv.name for lv in case.levels],
            "kind": [lv.kind for lv in case.levels],
            "funds": funds,
            "funding_share": funding,
            "authority_share": authority,
            "share": used,
        }
    )


def unit_table(case: JointCase) -> pd.DataFrame:
    """One row per (indicator, level holding it): the columns :func:`methods.scoring.score_frame`
    reads, with the level's actual value (derived from its funds where ``derive`` says so)."""
    by_name = {lv.name: lv for lv in case.levels}
    rows = []
    for order, ind in enumerate(case.indicators):
        for name in _holders(case, ind):
            lv = by_name[name]
            value = None if ind.derive else (ind.actuals or {})[name]
            row: dict[str, Any] = {
                "order": order,
                "code": ind.code,
                "name": ind.name,
                "level1": ind.level1,
                "level2": ind.level2,
                "level": name,
                "kind": lv.kind,
                "holder": "district" if lv.kind == "district" else "town",
                "rule": ind.rule,
                "variant": ind.variant,
                "weight": float(ind.weight),
                "unit": ind.unit,
                "points_per_unit": ind.points_per_unit,
                "target": np.nan,
                "target_high": np.nan,
                "actual": np.nan,
                "tier": None,
                "given_score": np.nan,
                "met": np.nan,
                "total": np.nan,
                "value_note": None,
            }
            if isinstance(ind.target, list):
                row["target"], row["target_high"] = map(float, ind.target)
            elif ind.target is not None:
                row["target"] = float(ind.target)
            if ind.derive == "funds_received":
                row["actual"] = 100.0 * float(lv.received or 0) / lv.funds
            elif isinstance(value, UnitValue):
                row["tier"] = value.tier
                row["given_score"] = np.nan if value.score is None else value.score
                row["met"] = np.nan if value.met is None else value.met
                row["total"] = np.nan if value.total is None else value.total
                row["value_note"] = value.note
            else:
                row["actual"] = float(value)
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class JointResult:
    """A joint evaluation: every level's indicator scores, sub-scores, shares and the total.

    Attributes
    ----------
    case : the case.
    table : one row per (indicator, level): target, actual, weight, score, rate (%), lost.
    levels : one row per level: kind, funds, received, shares, points held, score, subscore, grade.
    indicators : one row per indicator: nominal and effective weight, part of the total.
    total, grade, grade_by_score : the combined score and its grade (after grade limits).
    tiers : sub-score of the 区级 and of the 镇（开发区）级 as a whole (share-weighted).
    """

    case: Any
    table: pd.DataFrame
    levels: pd.DataFrame
    indicators: pd.DataFrame
    total: float
    grade: str | None
    grade_by_score: str | None
    limits: tuple
    tiers: dict[str, float]
    bands: Any
    warnings: tuple[str, ...] = ()

    @property
    def weighting(self) -> dict[str, Any]:
        """The weighting used (name, description, source, status)."""
        return {"id": self.case.weighting, **_data()["weighting"][self.case.weighting]}

    @property
    def alternative_total(self) -> float | None:
        """The total under the other weighting (None where the 事权 shares are not given)."""
        other = "authority" if self.case.weighting == "funding" else "funding"
        lv = self.levels
        s = lv["authority_share"] if other == "authority" else lv["funding_share"]
        if s.isna().any():
            return None
        return fmt.round_half_up(float((s * lv["subscore_exact"]).sum()), 2)

    @cached_property
    def findings(self) -> fnd.Findings:
        """The report's problems and suggestions (:func:`find`)."""
        return find(self)

    def summary(self) -> str:
        """A few lines: total, grade and each level's sub-score and share."""
        lines = [
            f"联动评价综合得分 {fmt.num(self.total)} 分，等级“{self.grade}”"
            + (f"（按得分为“{self.grade_by_score}”）" if self.grade != self.grade_by_score else "")
        ]
        for r in self.levels.itertuples():
            lines.append(
                f"  {r.level}：得分 {fmt.num(r.subscore)}（{r.grade}），权重 {fmt.num(r.share * 100)}%"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The ``joint`` block of results.json."""
        lv = self.levels.drop(columns=["subscore_exact"])
        cols = ["code", "level", "target", "actual", "tier", "weight", "score", "rate"]
        return {
            "weighting": {
                "id": self.case.weighting,
                "name": self.weighting["name"],
                "status": self.weighting["status"],
            },
            "levels": json.loads(lv.to_json(orient="records", force_ascii=False)),
            "tiers": self.tiers,
            "scores": json.loads(
                self.table[cols]
                .assign(rate=self.table["rate"].round(2))
                .to_json(orient="records", force_ascii=False)
            ),
            "alternative_total": self.alternative_total,
        }


def analyse(case: JointCase) -> JointResult:
    """Score every level on the indicators it holds (one vectorised call), form the sub-scores
    and the share-weighted total, grade them.

    Returns
    -------
    JointResult
    """
    from methods import scoring
    from methods.evaluation import apply_grade_limits

    table = unit_table(case)
    table["score"] = scoring.score_frame(table).to_numpy()
    table["rate"] = 100 * table["score"] / table["weight"]
    table["lost"] = (table["weight"] - table["score"]).round(2)
    sh = shares(case)
    held = table.groupby("level", sort=False).agg(points=("weight", "sum"), score=("score", "sum"))
    lv = sh.join(held, on="level")
    lv["received"] = [lv_.received for lv_ in case.levels]
    lv["unit"] = [lv_.unit for lv_ in case.levels]
    lv["subscore_exact"] = 100 * lv["score"] / lv["points"]
    lv["subscore"] = [fmt.round_half_up(x, 2) for x in lv["subscore_exact"]]
    lv["score"] = lv["score"].round(2)
    bands = scoring.grade_bands(case.grade_bands or _data()["grade_bands"])
    lv["grade"] = scoring.grade_array(lv["subscore"].to_numpy(), bands)
    total = fmt.round_half_up(float((lv["share"] * lv["subscore_exact"]).sum()), 2)
    towns = lv[lv["kind"] != "district"]
    tiers = {
        "district": float(lv.loc[lv["kind"] == "district", "subscore"].iloc[0]),
        "town": fmt.round_half_up(
            float((towns["share"] * towns["subscore_exact"]).sum() / towns["share"].sum()), 2
        )
        if towns["share"].sum() > 0
        else float("nan"),
    }
    # each indicator's part of the total: Σ over its holders of s_u × 100 / W_u × (score | weight)
    factor = table["level"].map(
        lv.set_index("level")["share"] * 100 / lv.set_index("level")["points"]
    )
    parts = (
        table.assign(part=factor * table["score"], effective=factor * table["weight"])
        .groupby("order", sort=True)
        .agg(part=("part", "sum"), effective=("effective", "sum"))
    )
    inds = pd.DataFrame(
        {
            "code": [i.code for i in case.indicators],
            "name": [i.name for i in case.indicators],
            "level1": [i.level1 for i in case.indicators],
            "level2": [i.level2 for i in case.indicators],
            "weight": [float(i.weight) for i in case.indicators],
            "held_by": [list(i.held_by) for i in case.indicators],
        }
    )
    inds["effective_weight"] = [fmt.round_half_up(x, 2) for x in parts["effective"]]
    inds["score"] = [fmt.round_half_up(x, 2) for x in parts["part"]]
    by_score = scoring.grade(total, bands)
    limit_table = pd.DataFrame(
        {"applicable": [True] * len(table), "items_missed": [None] * len(table)}
    )
    grade, limits = apply_grade_limits(case, limit_table, by_score, bands)
    warnings = tuple(_check(case))
    return JointResult(
        case, table, lv, inds, total, grade, by_score, tuple(limits), tiers, bands, warnings
    )


# ---------------------------------------------------------------------------------------------
# Findings: per indicator, the levels below the threshold; one suggestion to those responsible


def findings_rules() -> dict[str, Any]:
    """``findings`` of ``methods/_data/joint_evaluation.yaml``."""
    return _data()["findings"]


def _value_text(r: dict[str, Any]) -> str:
    unit = r["unit"] or ""
    if r["rule"] == "qualitative":
        return f"评定为“{r['tier']}”"
    if r["rule"] == "checklist":
        return f"达到评价要点{int(r['met'])}项（共{int(r['total'])}项）"
    if r["rule"] == "range":
        target = f"{fmt.num(r['target'])}–{fmt.num(r['target_high'])}{unit}"
    else:
        target = f"{fmt.num(r['target'])}{unit}"
    return f"实际{fmt.num(r['actual'])}{unit}（目标{target}）"


def _names(names: list[str]) -> str:
    return "、".join(names[:4]) + (f"等{len(names)}个镇（开发区）" if len(names) > 4 else "")


def find(r: JointResult) -> fnd.Findings:
    """Problems and suggestions: the case's own ``findings:`` first, then per indicator the levels
    whose score is below ``min_rate`` % of its points (most points lost from the total first), each
    addressed to the level responsible — the district's unit for the 区级, the towns by name."""
    cfg = findings_rules()
    case = r.case
    problems: list[fnd.Problem] = [fnd.stated_problem(f) for f in case.findings or []]
    staged = []
    factor = r.levels.set_index("level")
    for ind in case.indicators:
        rows = r.table[r.table["code"] == ind.code]
        low = rows[rows["rate"] < cfg["min_rate"] - 1e-9]
        for holder in ("district", "town"):
            part = low[low["holder"] == holder]
            if part.empty:
                continue
            names = list(part["level"])
            who = "区级" if holder == "district" else _names(names)
            if ind.name.startswith(who):
                who = ""
            gap = "未达到目标"
            if len(part) == 1 and not _is_qualitative(ind) and ind.rule != "range":
                x = part.iloc[0]
                u = ind.unit or ""
                gap = f"为{fmt.num(x['actual'])}{u}，未达到{fmt.num(x['target'])}{u}的目标"
            facts = tuple(
                f"{'' if ind.name.startswith(x['level']) else x['level']}{ind.name}"
                f"{_value_text(x)}，得分{fmt.num(x['score'])}分（满分{fmt.num(x['weight'])}分）"
                + (f"：{fnd._clause(x['value_note'])}" if isinstance(x["value_note"], str) else "")
                for x in part.to_dict("records")
            )
            lost = float(
                sum(
                    factor.loc[x["level"], "share"]
                    * 100
                    / factor.loc[x["level"], "points"]
                    * x["lost"]
                    for x in part.to_dict("records")
                )
            )
            if holder == "district":
                d = factor[factor["kind"] == "district"].iloc[0]
                responsible = d["unit"] or "区级主管部门"
            else:
                responsible = "、".join(names)
            staged.append(
                fnd.Problem(
                    theme=ind.code,
                    theme_title=ind.name,
                    heading=f"{who}{ind.name}{gap}。",
                    facts=facts,
                    causes=(fnd._clause(ind.cause),) if ind.cause else (),
                    kind="loss",
                    codes=(ind.code,),
                    lost=lost,
                    short=f"{ind.name}未达到目标",
                    advice=ind.advice,
                    responsible=responsible,
                )
            )
    staged.sort(key=lambda p: -p.lost)
    problems = (problems + staged)[: cfg["max_problems"]]
    advice = tuple(_advice(p, n, r) for n, p in enumerate(problems, 1))
    return fnd.Findings(tuple(problems), advice)


def _advice(p: fnd.Problem, number: int, r: JointResult) -> fnd.Advice:
    cfg = findings_rules()
    case = r.case
    d = r.levels[r.levels["kind"] == "district"].iloc[0]
    district = d["unit"] or "区级主管部门"
    finance = case.department_short or case.department
    title = f"{p.responsible}改进{p.theme_title}" if p.kind == "loss" else f"{p.short}的整改"
    if p.advice:
        return fnd.Advice(number, title, fnd.tidy(p.advice))
    holder = "district" if p.responsible in (None, district) else "town"
    text = cfg["advice"][holder].format(
        units=p.responsible or district,
        short=p.short,
        deadline=cfg["deadline"].format(next=case.year + 1),
        finance=finance,
        district=district,
    )
    return fnd.Advice(number, title, fnd.tidy(text))


def conclusion(r: JointResult) -> str:
    """综合评价结论 in official prose: the total and grade, the 区级 and 镇（开发区）级 sub-scores, the
    highest and lowest town, and which level falls short where."""
    lv = r.levels
    towns = lv[lv["kind"] != "district"].sort_values("subscore", ascending=False, kind="stable")
    d = lv[lv["kind"] == "district"].iloc[0]
    text = (
        f"综合评价，该项目区与镇（开发区）联动绩效评价综合得分{fmt.fixed(r.total)}分，"
        f"等级为“{r.grade}”。其中区级得分{fmt.fixed(d['subscore'])}分（“{d['grade']}”），"
        f"镇（开发区）级加权得分{fmt.fixed(r.tiers['town'])}分"
    )
    if len(towns) > 1:
        top, bottom = towns.iloc[0], towns.iloc[-1]
        text += (
            f"，{top['level']}最高（{fmt.fixed(top['subscore'])}分），"
            f"{bottom['level']}最低（{fmt.fixed(bottom['subscore'])}分）"
        )
    text += "。"
    if r.limits:
        lim = r.limits[0]
        text += (
            f"按得分等级为“{r.grade_by_score}”，因{lim.found}，{lim.text}，等级调整为“{r.grade}”。"
        )
    text += shortfalls(r)
    return fnd.tidy(text)


def shortfalls(r: JointResult) -> str:
    """Which level falls short where: per level (区级 first, then the towns by sub-score) the
    indicators whose score rate is below the findings threshold."""
    cfg = findings_rules()
    low = r.table[r.table["rate"] < cfg["min_rate"] - 1e-9]
    if low.empty:
        return "各级承担的指标得分率均达到要求。"
    order = r.levels.assign(d=r.levels["kind"] != "district").sort_values(
        ["d", "subscore"], kind="stable"
    )
    parts = []
    for level in order["level"]:
        names = list(low.loc[low["level"] == level, "name"])
        if names:
            parts.append(f"{level}在{'、'.join(names)}方面")
    return "从各级看，" + "；".join(parts) + "未达到目标。"


def results(r: JointResult) -> dict[str, Any]:
    """results.json (contracts §4): total, grade, ``level1`` and ``indicators`` as parts of the
    combined score, and the ``joint`` block (levels, shares, per-level scores) and ``findings``."""
    from methods.report import case_results

    level1 = r.indicators.groupby("level1", sort=False)[["score", "effective_weight"]].sum()
    return case_results(
        r.case,
        total_score=r.total,
        grade=r.grade,
        grade_by_score=r.grade_by_score,
        grade_limits=[lim.to_dict() for lim in r.limits],
        grade_bands={"name": r.bands.name, "bands": dict(r.bands.bands)},
        level1={k: fmt.round_half_up(v, 2) for k, v in level1["score"].items()},
        level1_weights={k: fmt.round_half_up(v, 2) for k, v in level1["effective_weight"].items()},
        indicators=json.loads(r.indicators.to_json(orient="records", force_ascii=False)),
        warnings=list(r.warnings),
        joint=r.to_dict(),
        conclusions={
            "text": conclusion(r),
            "achievements": achievements(r),
            "problems": [p.heading for p in r.findings.problems],
            "suggestions": [f"{a.heading()}：{a.text}" for a in r.findings.advice],
        },
        findings=r.findings.to_dict(),
    )


# ---------------------------------------------------------------------------------------------
# Report blocks


def _pct(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else fmt.num(x * 100) + "%"


def funds_table(r: JointResult) -> Table:
    """资金投入 by level: the level's money (区级资金 or 镇级配套), received, 到位率, district money
    passed down to a town, shares."""
    u = r.case.budget.unit
    rows = []
    for lv, row in zip(r.case.levels, r.levels.itertuples(), strict=True):
        rate = None if lv.received is None or lv.funds <= 0 else 100 * lv.received / lv.funds
        rows.append(
            [
                lv.name,
                {"district": "区级资金", "town": "镇级配套", "zone": "开发区配套"}[lv.kind],
                fmt.fixed(lv.funds),
                fmt.fixed(lv.received),
                fmt.pct(rate),
                fmt.fixed(lv.district_funds) if lv.kind != "district" else "—",
                _pct(row.funding_share),
                _pct(row.authority_share),
            ]
        )
    total = sum(lv.funds for lv in r.case.levels)
    rec = [lv.received for lv in r.case.levels]
    rows.append(
        [
            "合计",
            "",
            fmt.fixed(total),
            fmt.fixed(sum(rec)) if all(x is not None for x in rec) else "—",
            "",
            "",
            "100%",
            "100%" if r.levels["authority_share"].notna().all() else "—",
        ]
    )
    header = [
        "层级",
        "资金性质",
        f"承担资金（{u}）",
        f"实际到位（{u}）",
        "到位率",
        f"其中下达的区级资金（{u}）",
        "支出责任比例",
        "事权比例",
    ]
    return Table(
        rows,
        header,
        numeric=(2, 3, 4, 5, 6, 7),
        note="说明：支出责任比例为各级承担资金占资金合计的比例；事权比例按事权和支出责任划分填写。",
    )


def responsibility_table(r: JointResult) -> Table:
    """Which level holds which indicator (职责分工)."""
    rows = [
        [
            ind.code,
            ind.name,
            ind.level1,
            fmt.num(ind.weight),
            "、".join(HOLDERS[h] for h in ind.held_by),
        ]
        for ind in r.case.indicators
    ]
    return Table(rows, ["代码", "指标", "一级指标", "分值", "承担层级"], numeric=(3,))


def levels_table(r: JointResult) -> Table:
    """各级得分: points held, score, sub-score, grade, share and part of the total."""
    rows = [
        [
            x.level,
            KINDS[x.kind],
            fmt.num(x.points),
            fmt.fixed(x.score),
            fmt.fixed(x.subscore),
            x.grade,
            _pct(x.share),
            fmt.fixed(x.share * x.subscore_exact),
        ]
        for x in r.levels.itertuples()
    ]
    rows.append(["综合得分", "", "", "", "", r.grade, "100%", fmt.fixed(r.total)])
    return Table(
        rows,
        [
            "层级",
            "类别",
            "承担指标分值",
            "得分",
            "本级得分（百分制）",
            "等级",
            "合成权重",
            "计入综合得分",
        ],
        numeric=(2, 3, 4, 6, 7),
        note="说明：本级得分 = 本级所承担指标得分之和 ÷ 所承担指标分值之和 × 100；"
        "综合得分 = Σ（合成权重 × 本级得分）。",
    )


def level_indicator_table(r: JointResult, holder: str) -> Table:
    """The scores of the indicators one kind of level holds: district one row per indicator;
    towns a matrix indicator × town (score, with the actual value)."""
    t = r.table[r.table["holder"] == holder]
    if holder == "district":
        rows = [
            [x["code"], x["name"], fmt.num(x["weight"]), _value_text(x), fmt.fixed(x["score"])]
            for x in t.to_dict("records")
        ]
        return Table(rows, ["代码", "指标", "分值", "完成情况", "得分"], numeric=(2, 4))
    towns = list(dict.fromkeys(t["level"]))
    rows = []
    for _, part in t.groupby("order", sort=True):
        first = part.iloc[0]
        cells = {x["level"]: fmt.fixed(x["score"]) for x in part.to_dict("records")}
        rows.append(
            [
                first["code"],
                first["name"],
                fmt.num(first["weight"]),
                *[cells.get(n, "—") for n in towns],
            ]
        )
    sub = r.levels.set_index("level")
    pts = [fmt.num(float(t[t["level"] == n]["weight"].sum())) for n in towns]
    rows.append(
        [
            "",
            "小计",
            pts[0] if len(set(pts)) == 1 else "—",
            *[fmt.fixed(sub.loc[n, "score"]) for n in towns],
        ]
    )
    return Table(
        rows,
        ["代码", "指标", "分值", *towns],
        numeric=range(2, 3 + len(towns)),
        note="说明：各镇（开发区）各指标的完成值见附件1。",
    )


def plot_heatmap(r: JointResult, ax=None):
    """Heat map of the score rate (%) by level (rows) and indicator (columns); a blank cell is an
    indicator the level does not hold. Returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    m = r.table.pivot(index="level", columns="code", values="rate")
    m = m.reindex(
        index=[lv.name for lv in r.case.levels], columns=[i.code for i in r.case.indicators]
    )
    if ax is None:
        _, ax = plt.subplots(figsize=(max(7.0, 0.62 * m.shape[1] + 2.5), 0.55 * len(m) + 1.8))
    data = np.ma.masked_invalid(m.to_numpy(dtype=float))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#eeeeee")
    im = ax.imshow(data, cmap=cmap, vmin=50, vmax=100, aspect="auto")
    ax.set_xticks(np.arange(m.shape[1]), list(m.columns))
    ax.set_yticks(np.arange(m.shape[0]), list(m.index))
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            v = m.iloc[i, j]
            ax.text(
                j,
                i,
                "—" if np.isnan(v) else f"{v:.0f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if v >= 95 else "#222",
            )
    ax.figure.colorbar(im, ax=ax, label="得分率（%）")
    ax.set_title("各级各指标得分率")
    return ax


def _grading_sentence(r: JointResult) -> str:
    return f"等级按{r.bands.describe()}划分（{blocks.cite(r.bands.source)}）。"


def _method_paragraphs(r: JointResult) -> list[Any]:
    w = r.weighting
    data = _data()
    return [
        Paragraph(
            fnd.tidy(
                "评价采用区与镇（开发区）共用的一套指标体系，每项指标按职责分工明确承担层级："
                "区级承担的指标对区级计分，镇（开发区）承担的指标对每个镇（开发区）分别计分，"
                "共同承担的指标对各级分别计分。各指标按其计分规则计分（正向、反向、定性、评价要点等）。"
            )
        ),
        Paragraph(
            fnd.tidy(
                "本级得分 = 本级所承担指标得分之和 ÷ 所承担指标分值之和 × 100；"
                "综合得分 = Σ（各级合成权重 × 本级得分），各级合成权重之和为100%。"
                f"本次{w['name']}：{w['description']}。"
            )
        ),
        Paragraph(
            fnd.tidy(
                f"依据：{blocks.cite(data['obligation']['source'])}"
                f"（{blocks.status_text(data['obligation']['status'])}）。"
                f"本级得分的折算：{blocks.cite(data['subscore']['source'])}"
                f"（{blocks.status_text(data['subscore']['status'])}）。"
                f"合成权重：{blocks.cite(w['source'])}（{blocks.status_text(w['status'])}）。"
            )
        ),
        Paragraph(fnd.tidy(_grading_sentence(r))),
    ]


# ---------------------------------------------------------------------------------------------
# Report outline


def section_basic(r: JointResult) -> Section:
    """一、基本情况：（一）项目概况（二）事权和支出责任划分（三）项目绩效目标"""
    case = r.case
    towns = [lv.name for lv in case.levels if lv.kind != "district"]
    d = next(lv for lv in case.levels if lv.kind == "district")
    scope = (
        f"本项目为区与镇（开发区）共同财政事权的重点支出，参与联动评价的有区级（{d.unit or d.name}）"
        f"和{len(towns)}个镇（开发区）：{'、'.join(towns)}。"
    )
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）项目概况",
                [
                    Table.kv([*blocks.case_identity(case), ("评价机构/人员", case.evaluator)]),
                    official.overview_paragraph(case),
                    Paragraph(fnd.tidy(scope)),
                    official.budget_prose(case),
                    blocks.budget_table(case),
                ],
                level=2,
            ),
            Section(
                "（二）事权和支出责任划分",
                [
                    Paragraph("各级承担的资金和事权比例如下：", "note"),
                    funds_table(r),
                    Paragraph("各级承担的绩效指标（职责分工）如下：", "note"),
                    responsibility_table(r),
                ],
                level=2,
            ),
            official.objectives_section(case, number="（三）"),
        ],
    )


def section_work(r: JointResult) -> Section:
    """二、绩效评价工作开展情况"""
    case = r.case
    work = case.work
    purpose = (work.purpose if work and work.purpose else None) or (
        "评价区与镇（开发区）共同财政事权重点支出的整体绩效，分清区级和各镇（开发区）各自职责的履行情况，"
        "为改进管理和安排以后年度资金提供依据"
    )
    steps = work.process if work and work.process else None
    steps = [steps] if isinstance(steps, str) else list(steps or [])
    process = [Paragraph(fnd.tidy(f"{i}. {s.rstrip('。')}。")) for i, s in enumerate(steps, 1)] or [
        Paragraph(f"评价工作过程：{official.NOT_GIVEN}")
    ]
    if work and work.fieldwork:
        process.append(Paragraph(fnd.tidy(f"现场核查：{work.fieldwork}")))
    if work and work.questionnaires:
        process.append(Paragraph(fnd.tidy(f"问卷调查：{work.questionnaires}")))
    return Section(
        "二、绩效评价工作开展情况",
        [
            Section(
                "（一）绩效评价目的、对象和范围",
                [Paragraph(fnd.tidy(f"评价目的：{purpose.rstrip('。')}。"))]
                + ([Paragraph(fnd.tidy(f"评价范围：{work.scope}"))] if work and work.scope else []),
                level=2,
            ),
            Section("（二）评价指标体系、评价方法和评价标准", _method_paragraphs(r), level=2),
            Section("（三）绩效评价工作过程", process, level=2),
        ],
    )


def section_conclusion(r: JointResult) -> Section:
    """三、综合评价情况及评价结论"""
    card = Callout(
        "score",
        [
            Paragraph(fnd.tidy(_grading_sentence(r)), "meta"),
            *(
                Paragraph(
                    f"等级限定：按得分为“{lim.before}”，{lim.sentence()}，调整为“{lim.after}”。",
                    "meta",
                )
                for lim in r.limits
            ),
            Paragraph(
                fnd.tidy(
                    f"区级得分{fmt.fixed(r.tiers['district'])}分，"
                    f"镇（开发区）级加权得分{fmt.fixed(r.tiers['town'])}分。"
                )
            ),
        ],
        total=fmt.num(r.total),
        grade=r.grade,
    )
    return Section(
        "三、综合评价情况及评价结论",
        [
            Section("（一）综合评价结论", [card, Paragraph(conclusion(r))], level=2),
            Section("（二）各级得分", [levels_table(r)], level=2),
        ],
    )


def section_levels(r: JointResult) -> Section:
    """四、分级绩效分析：（一）区级（二）各镇（开发区）（三）各级各指标得分率热力图"""
    d = r.levels[r.levels["kind"] == "district"].iloc[0]
    towns = r.levels[r.levels["kind"] != "district"]
    low_d = r.table[(r.table["holder"] == "district") & (r.table["lost"] > 0)]
    d_text = (
        f"区级承担{fmt.num(d['points'])}分的指标，得分{fmt.fixed(d['score'])}分，"
        f"折合{fmt.fixed(d['subscore'])}分。"
        + (
            "失分指标："
            + "、".join(f"{x.name}（扣{fmt.num(x.lost)}分）" for x in low_d.itertuples())
            + "。"
            if len(low_d)
            else "所承担指标均得满分。"
        )
    )
    parts = []
    for x in towns.sort_values("subscore", ascending=False, kind="stable").itertuples():
        lost = r.table[(r.table["level"] == x.level) & (r.table["lost"] > 0)]
        parts.append(
            f"{x.level}{fmt.fixed(x.subscore)}分（“{x.grade}”）"
            + ("，失分在" + "、".join(lost["name"]) if len(lost) else "，各项指标均得满分")
        )
    t_text = "各镇（开发区）本级得分：" + "；".join(parts) + "。"
    return Section(
        "四、分级绩效分析",
        [
            Section(
                "（一）区级绩效情况",
                [Paragraph(fnd.tidy(d_text)), level_indicator_table(r, "district")],
                level=2,
            ),
            Section(
                "（二）各镇（开发区）绩效情况",
                [Paragraph(fnd.tidy(t_text)), level_indicator_table(r, "town")],
                level=2,
            ),
            Section(
                "（三）各级各指标得分率",
                [
                    blocks.chart(
                        plot_heatmap(r).figure,
                        "各级各指标得分率",
                        "热力图：行为区级和各镇（开发区），列为指标代码（指标名称见附件1），"
                        "颜色越绿得分率越高，灰色为该级不承担的指标",
                    )
                ],
                level=2,
            ),
        ],
    )


def achievements(r: JointResult, limit: int = 4) -> list[str]:
    """主要经验及做法 from the results, with their numbers: the year's objective as achieved (the
    case's words), the indicators every level holding them met (with the range of values), and
    the levels that met all their indicators."""
    out: list[str] = []
    obj = r.case.objectives
    if obj is not None and obj.achieved:
        out.append(f"年度目标完成情况：{fnd._clause(obj.achieved)}。")
    t = r.table
    full = t.groupby("order", sort=True)["lost"].max() <= 1e-9
    for order in full[full].index:
        part = t[t["order"] == order]
        first = part.iloc[0]
        if first["level1"] not in ("产出", "效益"):
            continue
        who = "区级" if (part["holder"] == "district").all() else f"{len(part)}个承担层级"
        if first["rule"] in ("qualitative", "checklist"):
            values = "均达到目标"
        else:
            lo, hi = part["actual"].min(), part["actual"].max()
            u = first["unit"] or ""
            span = f"{fmt.num(lo)}{u}" if lo == hi else f"{fmt.num(lo)}{u}–{fmt.num(hi)}{u}"
            values = f"均达到{fmt.num(first['target'])}{u}的目标（实际{span}）"
        out.append(f"{first['name']}：{who}{values}。")
        if len(out) >= limit - 1:
            break
    lv = r.levels
    perfect = lv[lv["subscore"] >= 100 - 1e-9]
    if len(perfect):
        names = "、".join(perfect["level"])
        out.append(f"{names}承担的各项指标均达到目标，本级得分100分。")
    return out[:limit]


def cause_text(p: fnd.Problem) -> str:
    """原因分析: the cause the case gives, else that the level responsible gave none."""
    if p.causes or p.kind != "loss":
        return p.cause_text
    return f"原因分析：{p.responsible}未提供相关说明，{p.short}的原因有待进一步核实。"


def section_problems(r: JointResult) -> Section:
    """五、主要经验及做法、存在的问题及原因分析（问题按责任层级）"""
    good = achievements(r)
    exp = [Paragraph(fnd.tidy(f"{i}. {g}")) for i, g in enumerate(good, 1)] or [Paragraph("（无）")]
    probs: list[Any] = []
    for i, p in enumerate(r.findings.problems, 1):
        probs.append(Paragraph(Span(f"{i}. {p.heading}", strong=True)))
        if p.facts:
            probs.append(Paragraph(fnd.tidy(p.facts_text)))
        if p.responsible:
            probs.append(Paragraph(fnd.tidy(f"责任层级：{p.responsible}。")))
        probs.append(Paragraph(fnd.tidy(cause_text(p))))
    if not probs:
        probs = [Paragraph("各级承担的指标得分率均达到要求，未发现需要单独列示的问题。")]
    return Section(
        "五、主要经验及做法、存在的问题及原因分析",
        [
            Section("（一）主要经验及做法", exp, level=2),
            Section("（二）存在的问题及原因分析", probs, level=2),
        ],
    )


def section_advice(r: JointResult) -> Section:
    """六、有关建议（向责任层级提出）"""
    return official.advice_section(r.findings)


def section_other(r: JointResult) -> Section:
    """七、其他需要说明的问题"""
    from methods import scoring

    case = r.case
    items = [
        "合成方法。武进区的实施意见要求开展联动绩效评价，但未规定各级得分的合成方法；"
        f"本报告{r.weighting['description']}，属于实务做法。",
    ]
    alt = r.alternative_total
    if alt is not None:
        other = "按事权比例" if case.weighting == "funding" else "按承担资金"
        items.append(
            f"合成权重的影响。若{other}加权，综合得分为{fmt.fixed(alt)}分，"
            f"等级为“{scoring.grade(alt, r.bands)}”。"
        )
    items += [fnd.tidy(w).rstrip("。") + "。" for w in r.warnings]
    work = case.work
    if work is not None and work.limitations:
        items += [fnd.tidy(x).rstrip("。") + "。" for x in work.limitations]
    else:
        items.append(f"评价的局限。{official.NOT_GIVEN}")
    return Section(
        "七、其他需要说明的问题", [Paragraph(f"{i}. {x}") for i, x in enumerate(items, 1)]
    )


def section_score_sheet(r: JointResult) -> Section:
    """附件1：分级评分表"""
    rows = [
        [
            x["code"],
            x["name"],
            x["level"],
            fmt.num(x["weight"]),
            _value_text(x),
            fmt.fixed(x["score"]),
        ]
        for x in r.table.to_dict("records")
    ]
    return Section(
        "附件1：分级评分表",
        [Table(rows, ["代码", "指标", "层级", "分值", "完成情况", "得分"], numeric=(3, 5))],
    )


def section_annex(r: JointResult) -> Section:
    """附件2：技术附件"""
    case = r.case
    rows = [
        [
            x.level,
            fmt.num(x.funds),
            f"{x.funding_share:.6f}",
            "—" if np.isnan(x.authority_share) else f"{x.authority_share:.6f}",
            f"{x.share:.6f}",
            f"{x.subscore_exact:.4f}",
        ]
        for x in r.levels.itertuples()
    ]
    inds = [
        [
            x.code,
            x.name,
            fmt.num(x.weight),
            fmt.fixed(x.effective_weight),
            fmt.fixed(x.score),
        ]
        for x in r.indicators.itertuples()
    ]
    return Section(
        "附件2：技术附件",
        [
            Paragraph(
                f"案例编号：{case.case_id}；合成权重：{case.weighting}（{r.weighting['name']}，"
                f"{blocks.status_text(r.weighting['status'])}）；等级标准：{r.bands.name}；"
                f"等级限定：{case.grade_limits}。",
                "note",
            ),
            Table(
                rows,
                ["层级", "承担资金", "支出责任比例", "事权比例", "合成权重", "本级得分（未舍入）"],
                numeric=(1, 2, 3, 4, 5),
            ),
            Paragraph(
                "各指标计入综合得分的部分 = Σ（承担该指标的各级：合成权重 × 100 ÷ 本级承担分值 × 本级得分），"
                "有效分值同理以分值代替得分；各指标之和等于综合得分（舍入误差除外）。"
            ),
            Table(
                inds, ["代码", "指标", "设定分值", "有效分值", "计入综合得分"], numeric=(2, 3, 4)
            ),
        ],
    )


# the level-1 headings of the report (tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、分级绩效分析",
    "五、主要经验及做法、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
    "附件1：分级评分表",
    "附件2：技术附件",
)

OUTLINE = (
    section_basic,
    section_work,
    section_conclusion,
    section_levels,
    section_problems,
    section_advice,
    section_other,
    section_score_sheet,
    section_annex,
)


def outline(r: JointResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
