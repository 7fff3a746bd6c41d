"""``evaluation: results_application`` (结果应用): budget recommendations, rectification list and
policy flags from archived evaluations of earlier years."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from methods.casefile import Budget, Case, EvaluationType, _Model, register


class Selection(_Model):
    year: int | None = None
    department: str | None = None
    evaluation: str | None = None
    evaluations: list[str] | None = None
    budget_type: str | None = None
    object_type: str | None = None


class GradeRule(_Model):
    action: str = Field(min_length=1)
    factor: float | Literal["cut"]


class Rectification(_Model):
    deadline: str | None = None
    status: dict[str, dict[int, Literal["待整改", "整改中", "已整改"]]] = {}


class ResultsApplicationCase(Case):
    """Evaluations of earlier years → next-year budget recommendations and rectification."""

    budget: Budget | None = None  # type: ignore[assignment]
    select: Selection = Selection()
    grade_map: str | dict[str, GradeRule] = "wujin_2020"
    cut_ratio: float | None = Field(
        None, ge=0, le=1, description="等级“中”的核减比例（默认取预设）"
    )
    requests: dict[str, float] = Field(
        {}, description="下年度申报数（案例编号 → 金额）；默认取本年度预算数"
    )
    rectification: Rectification = Rectification()
    overlaps: list[list[str]] = Field([], description="交叉重复、建议整合的政策（案例编号对）")
    overview: str | None = None


def _check(case: Case) -> list[str]:
    from methods import results_application
    from methods.errors import CaseError

    assert isinstance(case, ResultsApplicationCase)
    if case.select.year is not None and case.select.year >= case.year:
        raise CaseError(
            f"结果应用只使用以前年度的评价结果：select.year {case.select.year} 应早于本案例年度 {case.year}",
            field=("select", "year"),
        )
    if isinstance(case.grade_map, dict):
        for grade, rule in case.grade_map.items():
            if rule.factor != "cut" and not (math.isfinite(rule.factor) and rule.factor >= 0):
                raise CaseError(
                    f"等级“{grade}”的预算系数 {rule.factor:g} 应为不小于 0 的数字（或 cut）",
                    field=("grade_map", grade, "factor"),
                )
    for cid, amount in case.requests.items():
        if not (math.isfinite(amount) and amount >= 0):
            raise CaseError(
                f"案例 {cid} 的下年度申报数 {amount:g} 应为不小于 0 的数字", field=("requests", cid)
            )
    results_application.grade_map(case)
    for i, pair in enumerate(case.overlaps):
        if len(pair) != 2:
            raise CaseError("每组交叉重复应写作 [案例编号甲, 案例编号乙]", field=("overlaps", i))
    return []


register(
    EvaluationType(
        name="results_application",
        title="评价结果应用",
        notebook="results_application.ipynb",
        model=ResultsApplicationCase,
        check=_check,
        report_kind="报告",
        reads_library=True,
    )
)
