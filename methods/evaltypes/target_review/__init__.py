"""绩效目标管理（目标审核）: checking a target sheet (绩效目标申报表) before budgeting
(evaluation: target_review).

Every indicator needs a value, a unit, a direction and a data source; output and outcome
indicators must both be present and the outputs cover 数量 / 质量 / 时效 / 成本; enough indicators
are quantitative; values are compared with history and benchmarks; an expert scores what cannot be
checked mechanically. Each problem deducts points with a 审核意见, the score maps to the 审核结果
of 财预〔2015〕88号 (优 / 良 / 中 / 差, each with its budget consequence; the cut-offs are a named
parameter of status practice), and target adjustments (目标调整) are recorded and checked.

The type lives in four modules, all re-exported here:

- :mod:`.model`: the case model, its checks and the registration of the type;
- :mod:`.analysis`: the checklist rules and :func:`analyse` (the checklist is data:
  ``methods/_data/target_review.yaml``);
- :mod:`.findings`: the report's problems, 修改意见 and 审核结论 (:func:`find`);
- :mod:`.outline`: the report on the customary outline of a target review (``HEADINGS``,
  ``OUTLINE``: 基本情况, 审核依据和方法, 审核情况, 审核结论, 存在的问题, 修改意见, 其他需要说明的问题,
  附件1 申报表, 附件2 技术附件), the chart, :func:`results` and :func:`outline`.
"""

from methods.evaltypes.target_review.analysis import (
    DIRECTIONS,
    GRADES,
    Adjustment,
    CriterionScore,
    Problem,
    ReviewResult,
    analyse,
    cap_grade,
    check_cutoffs,
    compare_with_reference,
    consequence,
    criteria_spec,
    default_cutoffs,
    history_of,
    is_quantitative,
    level1_name,
    review_grade,
    rules_data,
)
from methods.evaltypes.target_review.findings import find
from methods.evaltypes.target_review.model import (
    ExpertScore,
    ReviewOptions,
    TargetAdjustment,
    TargetIndicator,
    TargetReviewCase,
)
from methods.evaltypes.target_review.outline import (
    HEADINGS,
    OUTLINE,
    comparisons_table,
    conclusions,
    consequences_table,
    criteria_table,
    deductions_table,
    dimension_table,
    grade_card,
    outline,
    plot_criteria,
    results,
    section_advice,
    section_annex,
    section_basic,
    section_basis,
    section_conclusion,
    section_other,
    section_problems,
    section_review,
    section_sheet,
    sheet_table,
)

__all__ = [
    "DIRECTIONS",
    "GRADES",
    "HEADINGS",
    "OUTLINE",
    "Adjustment",
    "CriterionScore",
    "ExpertScore",
    "Problem",
    "ReviewOptions",
    "ReviewResult",
    "TargetAdjustment",
    "TargetIndicator",
    "TargetReviewCase",
    "analyse",
    "cap_grade",
    "check_cutoffs",
    "compare_with_reference",
    "comparisons_table",
    "conclusions",
    "consequence",
    "consequences_table",
    "criteria_spec",
    "criteria_table",
    "deductions_table",
    "default_cutoffs",
    "dimension_table",
    "find",
    "grade_card",
    "history_of",
    "is_quantitative",
    "level1_name",
    "outline",
    "plot_criteria",
    "results",
    "review_grade",
    "rules_data",
    "section_advice",
    "section_annex",
    "section_basic",
    "section_basis",
    "section_conclusion",
    "section_other",
    "section_problems",
    "section_review",
    "section_sheet",
    "sheet_table",
]
