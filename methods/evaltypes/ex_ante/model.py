"""The ex-ante case (evaluation: ex_ante, 事前绩效评估) of a new project or policy, its check and
its registration.

The case rates the sub-items (评估要点) of a framework (``methods/_data/frameworks/ex_ante_*.yaml``)
优/良/中/差; 投入经济性 takes suggested ratings from the case's own ``cba:`` block and 执行风险 from its
risk register (``risks:``), both overridable with a stated reason.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from methods.casefile import (
    Budget,
    Case,
    Conclusions,
    EvaluationType,
    ExpertPanel,
    _Model,
    register,
)
from methods.evaltypes.cost_benefit.model import cba_data_paths


class Risk(_Model):
    """One entry of the risk register (风险登记表)."""

    name: str = Field(min_length=1)
    category: str | None = Field(None, description="政策、实施、资金、技术、社会稳定、环境等")
    likelihood: int = Field(ge=1, le=5, description="可能性 1–5")
    impact: int = Field(ge=1, le=5, description="影响程度 1–5")
    mitigation: str | None = Field(None, description="应对措施")
    owner: str | None = Field(None, description="责任主体")
    residual_likelihood: int | None = Field(None, ge=1, le=5, description="采取措施后的可能性")
    residual_impact: int | None = Field(None, ge=1, le=5, description="采取措施后的影响程度")


class VetoSpec(_Model):
    """A veto rule of the case (否决情形): any of ``items`` rated one of ``ratings`` caps the
    conclusion at ``cap``."""

    id: str | None = None
    items: list[str] = Field(min_length=1, description="评估要点代码")
    ratings: list[Literal["优", "良", "中", "差"]] = Field(["差"], min_length=1)
    cap: Literal["support", "partial", "reject"] = Field(
        "reject", description="结论上限：support 予以支持 / partial 部分支持 / reject 不予支持"
    )
    text: str = Field(min_length=1, description="否决情形的说明")


Approval = Literal["approved", "pending", "not_required"]


class Preparation(_Model):
    """前期工作 of a 政府投资项目: the approval of its 可行性研究报告, 初步设计 and 投资概算, and the
    前期工作经费 this year's support is limited to while any of them is pending (the maturity
    rule, ``maturity`` in methods/_data/ex_ante.yaml)."""

    government_investment: bool = Field(
        True,
        description="是否政府投资项目（直接投资、资本金注入）；false 时不适用前期工作成熟度规则",
    )
    feasibility: Approval | None = Field(
        None,
        description="可行性研究报告：approved 已批复 / pending 未批复 / not_required 无需单独审批",
    )
    preliminary_design: Approval | None = Field(
        None, description="初步设计：approved 已批复 / pending 未批复 / not_required 无需单独审批"
    )
    budget_estimate: Approval | None = Field(
        None, description="投资概算：approved 已核定 / pending 未核定 / not_required 无需单独核定"
    )
    preparatory_funding: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="前期工作经费（与 budget 同单位）：前期工作未完成时本年度可支持的金额",
    )
    preparatory_scope: str | None = Field(
        None, description="前期工作经费的用途（勘察设计、初步设计及概算编制等）"
    )
    note: str | None = Field(None, description="前期工作情况说明（用地预审、环评等）")


class ExAnteCase(Case):
    """A new project or policy assessed before it is budgeted (事前绩效评估)."""

    budget: Budget | None = None  # type: ignore[assignment]
    framework: str | None = Field(
        None,
        description="评估框架：ex_ante_project（默认）或 ex_ante_policy（object_type: policy 时默认）",
    )
    overview: str | None = Field(None, description="项目（政策）概况")
    objectives: str | list[str] | None = Field(
        None,
        description="申报的绩效目标（总体目标、年度目标及主要绩效指标）；未填写时报告写“（未提供）”",
    )
    evaluator: str | None = Field(None, description="评估机构/人员")
    preparation: Preparation | None = Field(
        None, description="前期工作（政府投资项目：可研、初步设计、概算的批复情况和前期工作经费）"
    )
    ratings: dict[str, Any] = Field(
        default_factory=dict,
        description="各评估要点的评级：{要点代码或名称: 优 | {rating: 优, basis: 依据}}"
        "（取值在 methods.evaltypes.ex_ante.analyse 中校验）",
    )
    risks: list[Risk] = Field(default_factory=list, description="风险登记表")
    cba: dict[str, Any] | None = Field(None, description="成本效益分析（投入经济性的依据）")
    proposed_alternative: str | None = Field(
        None, description="cba.alternatives 中的申报方案名称（最低成本法比较用）"
    )
    rating_scale: dict[str, float] | None = Field(
        None, description="评级折算比例，覆盖默认 {优: 1.0, 良: 0.8, 中: 0.6, 差: 0.3}"
    )
    conclusion_bands: dict[str, float] | None = Field(
        None, description="结论分界，覆盖默认 {予以支持: 80, 部分支持: 60}"
    )
    veto: bool | list[VetoSpec] = Field(
        True,
        description="否决情形：true 用默认规则（methods/_data/ex_ante.yaml），false 关闭，或列出自己的规则",
    )
    conclusions: Conclusions | None = Field(None, description="评估人补充的意见")
    panel: ExpertPanel | None = Field(None, description="评审专家（从专家库抽取，回避申报单位）")

    def data_paths(self) -> list[tuple[tuple, str]]:
        return cba_data_paths(self.cba)


def _check_ex_ante(case: Case) -> list[str]:
    from methods import registry
    from methods.evaltypes.ex_ante.analysis import analyse

    registry.case_panel(case)  # the panel against the 专家库 (exists, active, 回避)

    return list(analyse(case, simulate=False).warnings)  # no Monte Carlo in validation


register(
    EvaluationType(
        name="ex_ante",
        title="事前绩效评估",
        notebook="ex_ante.ipynb",
        model=ExAnteCase,
        check=_check_ex_ante,
        report_kind="事前绩效评估报告",
        # total_score is given (0–100) but grade stays null: the conclusion (予以支持 …) is in
        # the ex_ante block. `scored` means "scored on an indicator tree by methods.scoring".
        scored=False,
    )
)
