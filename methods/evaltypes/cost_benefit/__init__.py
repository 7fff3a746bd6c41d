"""成本效益分析 (evaluation: cost_benefit, 成本效益分析 / 最低成本法): case model, analysis and report
outline in one place.

- :mod:`~methods.evaltypes.cost_benefit.model`: the case (a ``cba:`` block, see
  :func:`methods.cba.from_spec`, and an optional ``proposed_alternative``), its check (validation
  builds the model and runs every deterministic part, without the Monte Carlo run) and its
  registration;
- :mod:`~methods.evaltypes.cost_benefit.analysis`: :func:`analyse` (the model, all analyses, the
  equivalent annual cost and the Chinese conclusions) and :func:`results` (results.json with the
  ``cba`` block and the report's ``findings``; no score, no grade);
- :mod:`~methods.evaltypes.cost_benefit.findings`: the report's problems (经济可行性, 安全边际,
  期末支出, 方案比选 and the evaluator's own findings), one suggestion per problem, the 分析结论
  paragraph and 其他需要说明的问题;
- :mod:`~methods.evaltypes.cost_benefit.wording`: amounts, percentages, the discounting and the
  indicators as the report writes them;
- :mod:`~methods.evaltypes.cost_benefit.outline`: the report's sections (``section_*``, in
  :data:`OUTLINE` order, level-1 headings in :data:`HEADINGS`), its charts (``plot_*``) and
  :func:`key_indicators`, which the ex-ante report shows under 投入经济性.

The pure methods (discounting, NPV, IRR, sensitivity, Monte Carlo …) are in :mod:`methods.cba`.
"""

from methods.evaltypes.cost_benefit.analysis import (
    CATEGORY_NAMES,
    CostBenefitResult,
    analyse,
    analyse_spec,
    npv_profile,
    results,
)
from methods.evaltypes.cost_benefit.findings import conclusion, find, other_matters
from methods.evaltypes.cost_benefit.model import CostBenefitCase, cba_data_paths
from methods.evaltypes.cost_benefit.outline import (
    HEADINGS,
    OUTLINE,
    alternatives_tables,
    cashflow_table,
    indicators_table,
    key_indicators,
    lines_table,
    outline,
    parameters_table,
    plot_alternatives,
    plot_cashflow,
    plot_npv_profile,
    plot_risk,
    plot_tornado,
    risk_summary,
    risk_tables,
    scenario_table,
    section_advice,
    section_annex,
    section_basic,
    section_conclusions,
    section_method,
    section_other,
    section_results,
    section_sensitivity,
    sensitivity_tables,
    setup_table,
    switching_tables,
)
from methods.evaltypes.cost_benefit.wording import discount_text

__all__ = [
    "CATEGORY_NAMES",
    "HEADINGS",
    "OUTLINE",
    "CostBenefitCase",
    "CostBenefitResult",
    "alternatives_tables",
    "analyse",
    "analyse_spec",
    "cashflow_table",
    "cba_data_paths",
    "conclusion",
    "discount_text",
    "find",
    "indicators_table",
    "key_indicators",
    "lines_table",
    "npv_profile",
    "other_matters",
    "outline",
    "parameters_table",
    "plot_alternatives",
    "plot_cashflow",
    "plot_npv_profile",
    "plot_risk",
    "plot_tornado",
    "results",
    "risk_summary",
    "risk_tables",
    "scenario_table",
    "section_advice",
    "section_annex",
    "section_basic",
    "section_conclusions",
    "section_method",
    "section_other",
    "section_results",
    "section_sensitivity",
    "sensitivity_tables",
    "setup_table",
    "switching_tables",
]
