"""``evaluation: work_assessment`` (部门预算绩效管理工作考核): coverage of each stage per department,
from the case library, scored and ranked."""

from __future__ import annotations

from pydantic import Field

from methods.casefile import Budget, Case, EvaluationType, _Model, register


class Scope(_Model):
    """A department's projects in scope for the budget year."""

    projects: int = Field(ge=0, description="纳入预算绩效管理的项目数")
    major_new: int | None = Field(None, ge=0, description="新增重大项目数（事前评估的应覆盖数）")
    key_projects: int | None = Field(None, ge=0, description="重点评价项目数")


class WorkAssessmentCase(Case):
    budget: Budget | None = None  # type: ignore[assignment]
    framework: str = "wujin_default"
    work_year: int | None = Field(None, description="被考核的工作年度（默认为案例年度的上一年）")
    departments: dict[str, Scope] = Field(min_length=1)
    overview: str | None = None


def _check(case: Case) -> list[str]:
    from methods import work_assessment
    from methods.errors import CaseError

    assert isinstance(case, WorkAssessmentCase)
    work_assessment.preset(case.framework)
    work_year = case.work_year or case.year - 1
    if work_year >= case.year:
        raise CaseError(
            f"被考核的工作年度 {work_year} 应早于考核年度 {case.year}", field=("work_year",)
        )
    return []


register(
    EvaluationType(
        name="work_assessment",
        title="部门预算绩效管理工作考核",
        notebook="work_assessment.ipynb",
        model=WorkAssessmentCase,
        check=_check,
        report_kind="报告",
        reads_library=True,
    )
)
