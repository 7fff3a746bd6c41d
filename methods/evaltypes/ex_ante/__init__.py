"""事前绩效评估 (evaluation: ex_ante, 武发〔2020〕48号) of a new project or policy: case model, rules,
analysis and report outline in one place.

- :mod:`~methods.evaltypes.ex_ante.model`: the case (ratings, risk register, an optional ``cba:``
  block, overrides of scale, cut-offs and vetoes), its check and its registration;
- :mod:`~methods.evaltypes.ex_ante.rulebook`: frameworks (dimensions and sub-items), the rating
  scale, the conclusion cut-offs and the veto rules, all data in ``methods/_data/ex_ante.yaml`` and
  ``methods/_data/frameworks/ex_ante_*.yaml``;
- :mod:`~methods.evaltypes.ex_ante.risks`: the risk register (likelihood × impact);
- :mod:`~methods.evaltypes.ex_ante.maturity`: the 前期工作 maturity rule of a 政府投资项目 (初步设计
  or 投资概算 not approved → at most 部分支持, this year's support limited to the 前期工作经费);
- :mod:`~methods.evaltypes.ex_ante.suggestions`: ratings suggested by evidence (投入经济性 from the
  case's own cost-benefit analysis, :func:`methods.evaltypes.cost_benefit.analyse`; 执行风险 from
  the risk register);
- :mod:`~methods.evaltypes.ex_ante.analysis`: :func:`analyse` (scores, total, conclusion with
  vetoes) and :func:`results` (results.json, with the report's ``findings``);
- :mod:`~methods.evaltypes.ex_ante.findings`: the report's problems (the sub-items rated 中 or
  差 grouped by dimension, vetoes, the evaluator's own findings), one suggestion per problem timed
  by the conclusion, 主要优势, the 综合评估结论 paragraph and 其他需要说明的问题;
- :mod:`~methods.evaltypes.ex_ante.outline`: the report's sections (``section_*``, in
  :data:`OUTLINE` order, level-1 headings in :data:`HEADINGS`) and charts.
"""

from methods.evaltypes.ex_ante.analysis import (
    ExAnteResult,
    analyse,
    assess,
    dimension_table,
    results,
    score_items,
)
from methods.evaltypes.ex_ante.findings import achievements, conclusion, find, other_matters
from methods.evaltypes.ex_ante.maturity import Maturity, maturity_advice, maturity_of
from methods.evaltypes.ex_ante.model import ExAnteCase, Preparation, Risk, VetoSpec
from methods.evaltypes.ex_ante.outline import (
    HEADINGS,
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
    score_card,
    score_sheet,
    section_advice,
    section_annex,
    section_assessment,
    section_basic,
    section_conclusion,
    section_content,
    section_other,
    section_problems,
    section_score_sheet,
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
    "HEADINGS",
    "RATINGS",
    "STATUS_ZH",
    "Conclusion",
    "ConclusionBands",
    "Dimension",
    "ExAnteCase",
    "Maturity",
    "Preparation",
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
    "achievements",
    "analyse",
    "apply_vetoes",
    "assess",
    "available",
    "conclusion",
    "conclusion_bands",
    "conclusion_card",
    "dimension_table",
    "dimensions_table",
    "economy_tables",
    "find",
    "framework",
    "framework_for",
    "items_table",
    "maturity_advice",
    "maturity_of",
    "other_matters",
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
    "score_card",
    "score_items",
    "score_sheet",
    "section_advice",
    "section_annex",
    "section_assessment",
    "section_basic",
    "section_conclusion",
    "section_content",
    "section_other",
    "section_problems",
    "section_score_sheet",
    "suggest",
    "suggest_bcr",
    "suggest_irr",
    "suggest_least_cost",
    "suggest_mitigation",
    "suggest_risk_level",
    "suggest_robustness",
    "veto_rules",
]
