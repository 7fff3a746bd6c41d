"""财政运行综合绩效评价 (evaluation: fiscal_operation): towns (镇/街道, 开发区) scored on the four
dimensions of 武发〔2020〕48号, and the transfer pool allocated as an equalisation base by need factors
plus a separate 绩效奖补 share moved by a score of what each town controls.

- :mod:`.model`: the case model (towns, indicators, allocation) and its registration;
- :mod:`.analysis`: the award rule (:func:`award_rule`, :func:`award_scores`), the allocation
  (:func:`allocate`, :func:`guarantee_breaches`), town scoring
  (:func:`analyse` → :class:`FiscalResult`), conclusions and ``results.json``;
- :mod:`.findings`: the towns' shortfalls as 3–6 problems with facts and 原因分析, one suggestion
  per problem, 主要成效 and the 综合评价结论 paragraph;
- :mod:`.outline`: the report on the customary outline of a 镇财政运行综合绩效评价报告
  (``section_*``, :data:`HEADINGS`, :data:`OUTLINE`, :func:`outline`) and its charts.
"""

from methods.evaltypes.fiscal_operation.analysis import (
    AwardRule,
    FiscalResult,
    allocate,
    analyse,
    award_rule,
    award_scores,
    conclusions,
    factor_shares,
    framework_indicators,
    guarantee_breaches,
    results,
    round_to_total,
    score_towns,
)
from methods.evaltypes.fiscal_operation.model import (
    Allocation,
    Award,
    Factor,
    FiscalCase,
    FiscalIndicator,
    Town,
)
from methods.evaltypes.fiscal_operation.outline import (
    HEADINGS,
    OUTLINE,
    outline,  # the function
    plot_allocation,
    plot_level1,
    plot_scores,
    section_advice,
    section_analysis,
    section_annex,
    section_application,
    section_basic,
    section_conclusion,
    section_other,
    section_problems,
    section_score_sheet,
    section_work,
)

__all__ = [
    "HEADINGS",
    "OUTLINE",
    "Allocation",
    "Award",
    "AwardRule",
    "Factor",
    "FiscalCase",
    "FiscalIndicator",
    "FiscalResult",
    "Town",
    "allocate",
    "analyse",
    "award_rule",
    "award_scores",
    "conclusions",
    "factor_shares",
    "framework_indicators",
    "outline",
    "plot_allocation",
    "plot_level1",
    "plot_scores",
    "results",
    "guarantee_breaches",
    "round_to_total",
    "score_towns",
    "section_advice",
    "section_analysis",
    "section_annex",
    "section_application",
    "section_basic",
    "section_conclusion",
    "section_other",
    "section_problems",
    "section_score_sheet",
    "section_work",
]
