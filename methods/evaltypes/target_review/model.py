"""The case model of a target review, its checks and the registration of the type.

A target-review case is a target sheet (绩效目标申报表): the annual goal and the indicators as the
department submitted them (missing values, units, directions or data sources are review findings,
not input errors), optional history and benchmark values, the experts' scores for what cannot be
checked mechanically, review options and recorded target adjustments. The review is in
:mod:`.analysis`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from methods.casefile import Budget, Case, EvaluationType, ExpertPanel, _Model, register
from methods.errors import CaseError
from methods.evaltypes.monitoring.rules import year_key
from methods.evaltypes.target_review.analysis import analyse, level1_name, rules_data


class TargetIndicator(_Model):
    """One indicator of the target sheet as submitted (fields left out are review findings)."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1)
    level1: str = Field(min_length=1, description="产出指标 / 成本指标 / 效益指标 / 满意度指标")
    level2: str | None = None
    level3: str | None = None
    rule: Literal["positive", "reverse", "equal", "range", "qualitative"] | None = Field(
        None, description="指标方向：positive ≥、reverse ≤、equal =、range 区间、qualitative 定性"
    )
    target: float | list[float] | str | None = Field(None, description="指标值")
    unit: str | None = Field(None, description="计量单位")
    source: str | None = Field(None, description="数据来源")
    weight: float | None = Field(None, gt=0, le=100, allow_inf_nan=False)
    history: dict[int | str, float] | None = Field(None, description="历史实际值：{年度: 值}")
    benchmark: float | None = Field(None, allow_inf_nan=False, description="标杆值（行业标准等）")
    benchmark_source: str | None = None
    standard: Literal["计划标准", "行业标准", "历史标准", "其他标准"] | None = None
    note: str | None = None
    ref: str | None = Field(
        None, description="引用的指标库代码（名称、层级、方向、单位等继承自指标库）"
    )

    @property
    def target_from(self) -> None:
        """Target sheets never take targets from the case library (the runner asks every case's
        indicators for this)."""
        return None


class ExpertScore(_Model):
    """An expert's score for a manual review criterion (e.g. R2)."""

    criterion: str = Field(min_length=1)
    score: float = Field(ge=0, allow_inf_nan=False)
    comment: str | None = None


class ReviewOptions(_Model):
    """Review parameters (defaults in methods/_data/target_review.yaml)."""

    cutoffs: dict[str, float] | None = Field(
        None, description="审核结果分数线：{优: 90, 良: 80, 中: 60}"
    )
    min_quantitative_share: float | None = Field(None, gt=0, le=1, allow_inf_nan=False)
    stretch: float | None = Field(None, gt=1, allow_inf_nan=False)
    skip: list[str] = Field(default_factory=list, description="不适用的审核要点编号")


class TargetAdjustment(_Model):
    """A target adjustment (目标调整) after approval: before (as in the sheet), after, reason."""

    code: str = Field(min_length=1)
    field: Literal["target", "unit", "name", "rule", "source"] = "target"
    before: float | list[float] | str | None = None
    after: float | list[float] | str | None = None
    reason: str = Field(min_length=1, description="调整原因")
    date: str | None = None
    approval: str | None = Field(None, description="审批情况")


class TargetReviewCase(Case):
    """A target sheet under review (evaluation: target_review)."""

    budget: Budget | None = None  # type: ignore[assignment]
    goal: str | None = Field(None, description="年度总体目标")
    overview: str | None = None
    reviewer: str | None = Field(None, description="审核组织（财政部门、专家组或第三方）")
    indicators: list[TargetIndicator] = Field(default_factory=list)
    expert: list[ExpertScore] | None = None
    review: ReviewOptions = ReviewOptions()
    adjustments: list[TargetAdjustment] | None = None
    panel: ExpertPanel | None = Field(None, description="审核专家（从专家库抽取，回避申报单位）")


def _check_target_review(case: Case) -> list[str]:
    if not isinstance(case, TargetReviewCase):
        return []
    from methods import registry

    registry.case_panel(case)  # the panel against the 专家库 (exists, active, 回避)
    seen: dict[str, int] = {}
    allowed = "、".join(rules_data()["level1"])
    for i, ind in enumerate(case.indicators):
        if ind.code in seen:
            raise CaseError(
                f"指标代码 '{ind.code}' 重复（与 indicators[{seen[ind.code]}] 相同）",
                field=("indicators", i, "code"),
            )
        seen[ind.code] = i
        if level1_name(ind.level1) is None:
            raise CaseError(
                f"未知的一级指标“{ind.level1}”（可用：{allowed}）",
                field=("indicators", i, "level1"),
                hint=f"引用的指标库指标 {ind.ref} 属于“{ind.level1}”，不是绩效目标表中的指标"
                if ind.ref
                else None,
            )
        if ind.rule == "range" and isinstance(ind.target, list):
            if len(ind.target) != 2 or ind.target[0] > ind.target[1]:
                raise CaseError(
                    "区间指标的指标值应写作 [下限, 上限]", field=("indicators", i, "target")
                )
        if isinstance(ind.target, list) and ind.rule not in ("range", None):
            raise CaseError(
                "只有区间指标（rule: range）的指标值写作 [下限, 上限]",
                field=("indicators", i, "target"),
            )
        for year in ind.history or {}:
            try:
                year_value = year_key(year)
            except ValueError as exc:
                raise CaseError(str(exc), field=("indicators", i, "history")) from None
            if year_value >= case.year:
                raise CaseError(
                    f"历史值的年度 {year} 应早于预算年度 {case.year}",
                    field=("indicators", i, "history", str(year)),
                )
    analyse(case)  # options, expert scores and adjustments all work out
    return []


register(
    EvaluationType(
        name="target_review",
        title="绩效目标管理（目标审核）",
        notebook="target_review.ipynb",
        model=TargetReviewCase,
        check=_check_target_review,
        report_kind="绩效目标审核报告",
    )
)
