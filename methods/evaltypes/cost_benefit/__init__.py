"""成本效益分析 (evaluation: cost_benefit, 成本效益分析 / 最低成本法): case model, analysis and report
outline in one place.

- :mod:`~methods.evaltypes.cost_benefit.model`: the case (a ``cba:`` block, see
  :func:`methods.cba.from_spec`), its check (validation builds the model and runs every
  deterministic part, without the Monte Carlo run) and its registration;
- :mod:`~methods.evaltypes.cost_benefit.analysis`: :func:`analyse` (the model, all analyses, the
  equivalent annual cost and the Chinese conclusions) and :func:`results` (results.json with the
  ``cba`` block; no score, no grade);
- :mod:`~methods.evaltypes.cost_benefit.outline`: the report's sections (``section_*``, in
  :data:`OUTLINE` order), its charts (``plot_*``) and :func:`key_indicators`, which the ex-ante
  report shows under 投入经济性.

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
from methods.evaltypes.cost_benefit.model import CostBenefitCase, cba_data_paths
from methods.evaltypes.cost_benefit.outline import (
    OUTLINE,
    alternatives_tables,
    cashflow_table,
    indicators_table,
    key_indicators,
    lines_table,
    outline,
    plot_alternatives,
    plot_cashflow,
    plot_npv_profile,
    plot_risk,
    plot_tornado,
    risk_tables,
    section_alternatives,
    section_cashflow,
    section_conclusions,
    section_indicators,
    section_overview,
    section_risk,
    section_sensitivity,
    section_setup,
    sensitivity_tables,
    setup_table,
    switching_tables,
)

__all__ = [
    "CATEGORY_NAMES",
    "OUTLINE",
    "CostBenefitCase",
    "CostBenefitResult",
    "alternatives_tables",
    "analyse",
    "analyse_spec",
    "cashflow_table",
    "cba_data_paths",
    "indicators_table",
    "key_indicators",
    "lines_table",
    "npv_profile",
    "outline",
    "plot_alternatives",
    "plot_cashflow",
    "plot_npv_profile",
    "plot_risk",
    "plot_tornado",
    "results",
    "risk_tables",
    "section_alternatives",
    "section_cashflow",
    "section_conclusions",
    "section_indicators",
    "section_overview",
    "section_risk",
    "section_sensitivity",
    "section_setup",
    "sensitivity_tables",
    "setup_table",
    "switching_tables",
]
