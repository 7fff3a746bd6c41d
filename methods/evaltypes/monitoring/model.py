"""The case model of a monitoring case, its checks and the registration of the type.

A monitoring case is either one project (top-level ``budget``, ``indicators``, ``history``) or a
department's several projects (``projects``: each with its own budget, indicators and history),
monitored at the end of ``month``. The analysis is in :mod:`.analysis`.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field

from methods.casefile import Budget, Case, EvaluationType, _Model, check_amounts, register
from methods.errors import CaseError
from methods.evaltypes.monitoring import rules
from methods.evaltypes.monitoring.analysis import analyse, progress_mode


class LightThresholds(_Model):
    """灯色分界：v < red 红灯，red ≤ v < yellow 黄灯，v ≥ yellow 绿灯."""

    red: float = Field(60.0, allow_inf_nan=False)
    yellow: float = Field(80.0, allow_inf_nan=False)


class MonitorIndicator(_Model):
    """One performance indicator at the monitoring point (绩效目标执行监控表的一行)."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1)
    level1: str = Field(min_length=1, description="一级指标：产出指标 / 效益指标 / 满意度指标")
    level2: str | None = None
    rule: Literal["positive", "reverse", "qualitative"] = Field(
        "positive", description="指标方向：positive 正向（≥）、reverse 反向（≤）、qualitative 定性"
    )
    target: float | str | None = Field(None, description="年度指标值")
    actual: float | None = Field(None, description="截至监控月的完成值（定量指标）")
    tier: str | None = Field(None, description="定性指标的当前档次")
    unit: str | None = None
    progress: Literal["time", "level"] | None = Field(
        None, description="time 累计型（按时间进度比较），level 水平型（与年度指标值比较）"
    )
    expected: float | None = Field(
        None, description="截至监控月的计划进度值（累计型；默认年度指标值 × 时间进度）"
    )
    forecast: float | None = Field(None, description="全年预计完成值")
    deviation: str | list[str] | None = Field(
        None, description="偏差原因：经费 / 制度 / 人员 / 硬件条件保障 / 其他"
    )
    explanation: str | None = Field(None, description="偏差原因说明")
    likelihood: str | None = Field(None, description="完成可能性：确定能 / 有可能 / 完全不可能")
    measures: str | None = Field(None, description="纠偏措施")
    note: str | None = None
    ref: str | None = Field(
        None, description="引用的指标库代码（名称、层级、方向、单位等继承自指标库）"
    )

    @property
    def target_from(self) -> None:
        """Monitoring targets never come from the case library (the runner asks every case's
        indicators for this)."""
        return None


class MonitoringReview(_Model):
    """The finance department's conclusion on a monitoring sheet (监控结果审核结论)."""

    outcome: Literal["通过", "不通过", "委托专家组", "委托中介机构"] = Field(
        description="审核结论：通过 / 不通过（退回补充） / 委托专家组 / 委托中介机构"
    )
    reason: str | None = Field(None, description="审核意见或委托原因")
    reviewer: str | None = Field(None, description="审核单位")
    date: str | None = None


class ActionRuleSpec(_Model):
    """One row of a case's own recommended-action rule table."""

    id: str | None = None
    action: str
    when: list[list[Any]] = Field(default_factory=list)
    reason: str | None = None


class MonitoredProject(_Model):
    """One project of a department's monitoring case."""

    code: str | None = Field(None, min_length=1, max_length=64)
    name: str = Field(min_length=1)
    department: str | None = Field(None, description="实施单位")
    budget: Budget | None = None
    indicators: list[MonitorIndicator] = Field(min_length=1)
    history: dict[int | str, list[float]] | None = Field(
        None, description="以前年度逐月累计执行率（%）：{年度: [1 月, …, 12 月]}"
    )
    deviation: str | list[str] | None = Field(None, description="预算执行偏差原因")
    explanation: str | None = None
    measures: str | None = None
    review: MonitoringReview | None = Field(None, description="本项目的审核结论（覆盖顶层 review）")
    note: str | None = None


class MonitoringCase(Case):
    """A monitoring case (evaluation: monitoring): one project, or ``projects`` of a department."""

    budget: Budget | None = None  # type: ignore[assignment]
    month: int = Field(description="监控截止月份（1–12）")
    monitor: str | None = Field(None, description="监控实施主体")
    overview: str | None = None
    indicators: list[MonitorIndicator] = Field(default_factory=list)
    history: dict[int | str, list[float]] | None = Field(
        None, description="以前年度逐月累计执行率（%）：{年度: [1 月, …, 12 月]}"
    )
    deviation: str | list[str] | None = Field(None, description="预算执行偏差原因")
    explanation: str | None = None
    measures: str | None = None
    projects: list[MonitoredProject] | None = Field(None, min_length=1)
    thresholds: LightThresholds | None = Field(None, description="预算执行灯色分界")
    indicator_thresholds: LightThresholds | None = Field(None, description="指标进度灯色分界")
    forecast_cap: float | None = Field(100.0, gt=0, allow_inf_nan=False)
    action_rules: list[ActionRuleSpec] | None = Field(None, min_length=1)
    review: MonitoringReview | None = Field(
        None, description="财政部门的审核结论（部门汇总监控时适用于未单独填写的各项目）"
    )


def _check_indicator(ind: MonitorIndicator, path: tuple) -> None:
    def fail(name: str, message: str, hint: str | None = None):
        raise CaseError(message, field=(*path, name), hint=hint)

    if ind.rule == "qualitative":
        if ind.tier is None:
            fail(
                "tier",
                "定性指标需要当前档次 tier",
                hint="可选：达成年度指标、部分达成年度指标并具有一定效果、未达成年度指标且效果较差",
            )
        try:
            rules.tier_light(ind.tier)
        except ValueError as exc:
            fail("tier", str(exc))
        if ind.actual is not None or ind.expected is not None or ind.progress is not None:
            fail("actual", "定性指标按档次 tier 监控，不填 actual / expected / progress")
    else:
        if ind.tier is not None:
            fail("tier", "只有定性指标（rule: qualitative）使用档次 tier")
        if ind.target is None:
            fail("target", "定量指标需要年度指标值 target")
        if isinstance(ind.target, str):
            fail("target", f"定量指标的年度指标值应为数字，实际为 {ind.target!r}")
        if ind.target <= 0:  # type: ignore[operator]
            fail("target", f"年度指标值应大于 0，实际为 {ind.target:g}")
        if ind.actual is not None and ind.actual < 0:
            fail("actual", f"完成值不能为负数，实际为 {ind.actual:g}")
        mode = progress_mode(ind.rule, ind.unit, ind.progress)
        if ind.rule == "reverse" and mode == "time":
            fail("progress", "反向指标按水平比较（progress: level），不能按时间进度累计")
        if ind.expected is not None:
            if mode != "time":
                fail("expected", "只有累计型指标（progress: time）填写计划进度值 expected")
            if ind.expected <= 0:
                fail("expected", f"计划进度值应大于 0，实际为 {ind.expected:g}")
    for name in ("actual", "expected", "forecast"):
        value = getattr(ind, name)
        if value is not None and not math.isfinite(value):
            fail(name, "应为有限数字")
    try:
        rules.normalize_reasons(ind.deviation)
    except ValueError as exc:
        fail("deviation", str(exc))
    try:
        rules.normalize_likelihood(ind.likelihood)
    except ValueError as exc:
        fail("likelihood", str(exc))


def _check_indicators(indicators: list[MonitorIndicator], path: tuple) -> None:
    seen: dict[str, int] = {}
    for j, ind in enumerate(indicators):
        if ind.code in seen:
            raise CaseError(
                f"指标代码 '{ind.code}' 重复（与第 {seen[ind.code] + 1} 项相同）",
                field=(*path, "indicators", j, "code"),
            )
        seen[ind.code] = j
        _check_indicator(ind, (*path, "indicators", j))


def _check_project_budget(budget: Budget | None, path: tuple) -> None:
    """A department's project budget is held to the rules of a case's own ``budget``: amounts
    within 100 万亿元, and spending above the full-year budget refused unless ``budget.note``
    explains it. Spending to the monitoring month beyond the whole year's budget cannot happen
    within that budget (carried-over funds or a pending adjustment must be named), so it is
    refused as for a one-project case, not merely warned about."""
    if budget is None:
        return
    check_amounts(
        {k: getattr(budget, k) for k in ("planned", "allocated", "spent")}, budget.unit, path
    )
    if budget.spent is not None and budget.allocated is not None:
        if budget.spent > budget.allocated + 1e-9 and not budget.note:
            raise CaseError(
                f"执行数 {budget.spent:g} 大于全年预算数 {budget.allocated:g}，且未说明原因",
                field=(*path, "spent"),
                hint="请核对数据，或在该项目的 budget.note 中说明（如：含上年结转资金）",
            )


def _check_monitoring(case: Case) -> list[str]:
    if not isinstance(case, MonitoringCase):
        return []
    if case.projects:
        for name in ("budget", "indicators", "history", "deviation", "explanation", "measures"):
            if getattr(case, name) not in (None, []):
                raise CaseError(
                    f"列出 projects 时，{name} 写在各项目之下，不写在顶层",
                    field=(name,),
                    hint="单个项目的监控不用 projects；部门汇总监控把每个项目写在 projects 中",
                )
        codes: dict[str, int] = {}
        for i, p in enumerate(case.projects):
            key = p.code or f"P{i + 1}"
            if key in codes:
                raise CaseError(f"项目编号 '{key}' 重复", field=("projects", i, "code"))
            codes[key] = i
            _check_indicators(p.indicators, ("projects", i))
            _check_project_budget(p.budget, ("projects", i, "budget"))
            first = case.projects[0].budget
            if p.budget is not None and first is not None and p.budget.unit != first.unit:
                raise CaseError(
                    f"各项目的金额单位应一致（第 1 个项目为 {first.unit}，此处为 {p.budget.unit}）",
                    field=("projects", i, "budget", "unit"),
                )
    else:
        if not case.indicators:
            raise CaseError(
                "“双监控”需要绩效指标 indicators（或用 projects 列出部门的多个项目）",
                field=("indicators",),
            )
        _check_indicators(case.indicators, ())
    analyse(case)  # thresholds, history, rule table, budget: all work out
    return []


register(
    EvaluationType(
        name="monitoring",
        title="绩效运行监控",
        notebook="monitoring.ipynb",
        model=MonitoringCase,
        check=_check_monitoring,
        report_kind="绩效运行监控报告",
    )
)
