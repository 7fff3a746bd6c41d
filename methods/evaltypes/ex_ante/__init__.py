"""事前绩效评估 (evaluation: ex_ante, rules.md §4) of a new project or policy: case model, rules,
analysis and report outline in one place.

- :mod:`~methods.evaltypes.ex_ante.model`: the case (ratings, risk register, an optional ``cba:``
  block, overrides of scale, cut-offs and vetoes), its check and its registration;
- :mod:`~methods.evaltypes.ex_ante.rulebook`: frameworks (dimensions and sub-items), the rating
  scale, the conclusion cut-offs and the veto rules, all data in ``methods/_data/ex_ante.yaml`` and
  ``methods/_data/frameworks/ex_ante_*.yaml``;
- :mod:`~methods.evaltypes.ex_ante.risks`: the risk register (likelihood × impact);
- :mod:`~methods.evaltypes.ex_ante.suggestions`: ratings suggested by evidence (投入经济性 from the
  case's own cost-benefit analysis, :func:`methods.evaltypes.cost_benefit.analyse`; 执行风险 from
  the risk register);
- :mod:`~methods.evaltypes.ex_ante.analysis`: :func:`analyse` (scores, total, conclusion with
  vetoes, findings) and :func:`results` (results.json);
- :mod:`~methods.evaltypes.ex_ante.outline`: the report's sections (``section_*``, in
  :data:`OUTLINE` order) and charts.
"""

from methods.evaltypes.ex_ante.analysis import (
    ExAnteResult,
    analyse,
    assess,
    dimension_table,
    results,
    score_items,
)
from methods.evaltypes.ex_ante.model import ExAnteCase, Risk, VetoSpec
from methods.evaltypes.ex_ante.outline import (
    OUTLINE,
    conclusion_card,
    dimensions_table,
    economy_tables,
    items_table,
    outline,
    plot_dimensions,
    plot_economy,
    plot_risk_matrix,
    risk_table,
    section_conclusion,
    section_dimensions,
    section_economy,
    section_findings,
    section_items,
    section_overview,
    section_risks,
)
from methods.evaltypes.ex_ante.risks import RiskRegister, risk_level, risk_levels, risk_register
from methods.evaltypes.ex_ante.rulebook import (
    RATINGS,
    STATUS_ZH,
    Conclusion,
    ConclusionBands,
    Dimension,
    ExAnteFramework,
    Item,
    Scale,
    Veto,
    VetoRule,
    apply_vetoes,
    available,
    conclusion_bands,
    framework,
    framework_for,
    rating_scale,
    rules,
    veto_rules,
)
from methods.evaltypes.ex_ante.suggestions import (
    Suggestion,
    suggest,
    suggest_bcr,
    suggest_irr,
    suggest_least_cost,
    suggest_mitigation,
    suggest_risk_level,
    suggest_robustness,
)

__all__ = [
    "OUTLINE",
    "RATINGS",
    "STATUS_ZH",
    "Conclusion",
    "ConclusionBands",
    "Dimension",
    "ExAnteCase",
    "ExAnteFramework",
    "ExAnteResult",
    "Item",
    "Risk",
    "RiskRegister",
    "Scale",
    "Suggestion",
    "Veto",
    "VetoRule",
    "VetoSpec",
    "analyse",
    "apply_vetoes",
    "assess",
    "available",
    "conclusion_bands",
    "conclusion_card",
    "dimension_table",
    "dimensions_table",
    "economy_tables",
    "framework",
    "framework_for",
    "items_table",
    "outline",
    "plot_dimensions",
    "plot_economy",
    "plot_risk_matrix",
    "rating_scale",
    "results",
    "risk_level",
    "risk_levels",
    "risk_register",
    "risk_table",
    "rules",
    "score_items",
    "section_conclusion",
    "section_dimensions",
    "section_economy",
    "section_findings",
    "section_items",
    "section_overview",
    "section_risks",
    "suggest",
    "suggest_bcr",
    "suggest_irr",
    "suggest_least_cost",
    "suggest_mitigation",
    "suggest_risk_level",
    "suggest_robustness",
    "veto_rules",
]
