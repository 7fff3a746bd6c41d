"""绩效运行监控（“双监控”）: budget execution progress and the progress of performance targets
(evaluation: monitoring).

At a monitoring point (the end of month ``m``) each project's budget execution is compared with the
time progress m/12 (execution light), each indicator's progress with where it should be by now
(indicator light); the year-end execution is forecast pro rata and from earlier years' seasonal
progress; an ordered rule table turns the facts into one recommended action per project
(继续执行 / 调整目标 / 调减预算 / 暂缓拨款 / 停止拨款), and the monitoring sheet is reviewed
(通过 / 不通过 / 委托专家组 / 委托中介机构).

The type lives in five modules, all re-exported here:

- :mod:`.rules`: lights, forecasts, vocabularies, the rule table and the sheet review (the
  thresholds and rules are data: ``methods/_data/monitoring.yaml``);
- :mod:`.model`: the case model, its checks and the registration of the type;
- :mod:`.analysis`: :func:`analyse` (indicator progress, projects, the department's totals);
- :mod:`.findings`: the report's problems, suggestions and 监控结论 (:func:`find`);
- :mod:`.outline`: the report on the customary outline of a monitoring report (``HEADINGS``,
  ``OUTLINE``: 基本情况, 预算执行情况, 绩效目标实现程度 (the 监控表), 偏差分析, 监控结论,
  存在的问题, 纠偏措施与建议, 其他需要说明的问题, 技术附件), charts, :func:`results` and
  :func:`outline`.
"""

from methods.evaltypes.monitoring.analysis import (
    IndicatorProgress,
    MonitoringResult,
    ProjectResult,
    analyse,
    indicator_progress,
    progress_mode,
)
from methods.evaltypes.monitoring.findings import find
from methods.evaltypes.monitoring.model import (
    ActionRuleSpec,
    LightThresholds,
    MonitoredProject,
    MonitorIndicator,
    MonitoringCase,
    MonitoringReview,
)
from methods.evaltypes.monitoring.outline import (
    HEADINGS,
    OUTLINE,
    actions_table,
    budget_table,
    conclusions,
    forecast_table,
    indicator_table,
    light,
    outline,
    plot_curve,
    plot_execution,
    results,
    section_advice,
    section_annex,
    section_basic,
    section_budget,
    section_conclusion,
    section_deviation,
    section_other,
    section_problems,
    section_targets,
    sheet_table,
)
from methods.evaltypes.monitoring.rules import (
    ACTIONS,
    FACTS,
    LIGHTS,
    REVIEW_OUTCOMES,
    Recommendation,
    Rule,
    SheetReview,
    Thresholds,
    check_history,
    check_thresholds,
    classify,
    default_rules,
    default_thresholds,
    deviation_categories,
    execution_light,
    execution_v,
    forecast_from_history,
    forecast_pro_rata,
    light_name,
    likelihood_values,
    normalize_likelihood,
    normalize_reasons,
    parse_rules,
    recommend,
    review_sheet,
    rules_data,
    seasonal_shares,
    tier_light,
    time_progress,
    year_key,
)

__all__ = [
    "ACTIONS",
    "FACTS",
    "HEADINGS",
    "LIGHTS",
    "OUTLINE",
    "REVIEW_OUTCOMES",
    "ActionRuleSpec",
    "IndicatorProgress",
    "LightThresholds",
    "MonitorIndicator",
    "MonitoredProject",
    "MonitoringCase",
    "MonitoringResult",
    "MonitoringReview",
    "ProjectResult",
    "Recommendation",
    "Rule",
    "SheetReview",
    "Thresholds",
    "actions_table",
    "analyse",
    "budget_table",
    "check_history",
    "check_thresholds",
    "classify",
    "conclusions",
    "default_rules",
    "default_thresholds",
    "deviation_categories",
    "execution_light",
    "execution_v",
    "find",
    "forecast_from_history",
    "forecast_pro_rata",
    "forecast_table",
    "indicator_progress",
    "indicator_table",
    "light",
    "light_name",
    "likelihood_values",
    "normalize_likelihood",
    "normalize_reasons",
    "outline",
    "parse_rules",
    "plot_curve",
    "plot_execution",
    "progress_mode",
    "recommend",
    "results",
    "review_sheet",
    "rules_data",
    "seasonal_shares",
    "section_advice",
    "section_annex",
    "section_basic",
    "section_budget",
    "section_conclusion",
    "section_deviation",
    "section_other",
    "section_problems",
    "section_targets",
    "sheet_table",
    "tier_light",
    "time_progress",
    "year_key",
]
