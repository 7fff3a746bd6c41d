"""The analysis of a monitoring case: each indicator's progress and light, each project's
execution light, year-end forecast, recommended action and sheet review, and the department's
totals (:func:`analyse`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from methods import _format as fmt
from methods.errors import CaseError
from methods.evaltypes.monitoring.rules import (
    ACTIONS,
    LIGHTS,
    REVIEW_OUTCOMES,
    Recommendation,
    Rule,
    SheetReview,
    Thresholds,
    _check_month,
    check_history,
    classify,
    default_rules,
    default_thresholds,
    execution_v,
    forecast_from_history,
    forecast_pro_rata,
    light_name,
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

# ---------------------------------------------------------------------------------------------
# Indicator progress


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator at the monitoring point."""

    code: str
    name: str
    level1: str
    level2: str | None
    rule: str
    mode: str | None  # time 累计型（按时间进度）, level 水平型, tier 定性, None 暂无数据
    target: Any
    actual: float | None
    unit: str | None
    expected: float | None  # 截至监控月的应完成值（累计型）
    completion: float | None  # 完成值 ÷ 年度指标值 × 100（%）
    v: float | None
    light: str | None
    tier: str | None
    deviation: tuple[str, ...]
    explanation: str | None
    likelihood: str | None
    measures: str | None
    forecast: float | None  # 全年预计完成值（填报，或累计型按当前进度比推算：指标值 × v / 100）
    forecast_given: bool
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "level1": self.level1,
            "level2": self.level2,
            "rule": self.rule,
            "mode": self.mode,
            "target": self.target,
            "actual": self.actual,
            "unit": self.unit,
            "expected": _r(self.expected),
            "completion": _r(self.completion),
            "v": _r(self.v),
            "light": self.light,
            "tier": self.tier,
            "deviation": list(self.deviation),
            "explanation": self.explanation,
            "likelihood": self.likelihood,
            "measures": self.measures,
            "forecast": _r(self.forecast),
            "forecast_given": self.forecast_given,
            "note": self.note,
        }


def _r(x: float | None, digits: int = 2) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return fmt.round_half_up(x, digits)


def progress_mode(rule: str, unit: str | None, progress: str | None = None) -> str:
    """How a quantitative indicator's progress is judged: ``time`` (cumulative: against the share
    of the annual value due by now) or ``level`` (a rate or level: against the annual value).

    Default: reverse indicators and positive indicators in % are ``level``; other positive
    indicators (counts, lengths, amounts) are ``time``. ``progress`` overrides.
    """
    if progress is not None:
        return progress
    if rule == "reverse" or (unit or "").strip() in {"%", "％", "百分比"}:
        return "level"
    return "time"


def indicator_progress(
    ind: Any, month: int, thresholds: Thresholds | None = None
) -> IndicatorProgress:
    """Progress and light of one monitoring indicator (a case-file indicator or any object with
    its attributes: code, name, level1, level2, rule, target, actual, tier, unit, progress,
    expected, forecast, deviation, explanation, likelihood, measures).

    - 累计型 (``time``): expected = ``expected`` or target × month/12; v = actual ÷ expected × 100.
    - 水平型 (``level``): positive v = actual ÷ target × 100; reverse v = target ÷ actual × 100
      (actual 0 → green).
    - 定性 (``qualitative``): light by tier.
    - No actual value yet: no light (未监测).
    """
    th = thresholds or default_thresholds("indicator")
    tp = time_progress(month)
    rule = ind.rule
    unit = getattr(ind, "unit", None)
    target = ind.target
    actual = getattr(ind, "actual", None)
    expected = completion = v = light = forecast = None
    mode: str | None
    if rule == "qualitative":
        tier = getattr(ind, "tier", None)
        mode = "tier" if tier else None
        light = tier_light(tier) if tier else None
    else:
        tier = None
        mode = progress_mode(rule, unit, getattr(ind, "progress", None))
        if actual is None:
            mode = None
        elif mode == "time":
            expected = ind.expected if ind.expected is not None else target * tp
            completion = actual / target * 100.0
            v = actual / expected * 100.0 if expected > 0 else math.inf
            forecast = target * v / 100.0 if math.isfinite(v) else None
        elif rule == "reverse":
            completion = actual / target * 100.0 if target else None
            v = target / actual * 100.0 if actual > 0 else math.inf
        else:
            completion = actual / target * 100.0
            v = completion
        if v is not None:
            light = classify(v, red=th.red, yellow=th.yellow)
    given = getattr(ind, "forecast", None)
    return IndicatorProgress(
        code=ind.code,
        name=ind.name,
        level1=ind.level1,
        level2=getattr(ind, "level2", None),
        rule=rule,
        mode=mode,
        target=target,
        actual=actual,
        unit=unit,
        expected=expected,
        completion=completion,
        v=v,
        light=light,
        tier=tier,
        deviation=normalize_reasons(getattr(ind, "deviation", None)),
        explanation=getattr(ind, "explanation", None),
        likelihood=normalize_likelihood(getattr(ind, "likelihood", None)),
        measures=getattr(ind, "measures", None),
        forecast=given if given is not None else forecast,
        forecast_given=given is not None,
        note=getattr(ind, "note", None),
    )


# ---------------------------------------------------------------------------------------------
# Projects and the whole case


@dataclass(frozen=True)
class ProjectResult:
    code: str
    name: str
    department: str | None
    planned: float | None
    allocated: float
    spent: float
    unit: str
    execution_rate: float
    v: float
    light: str
    forecast_pro_rata: float
    forecast_history: float | None
    shares: dict[int, float]
    history: dict[int, list[float]]
    indicators: list[IndicatorProgress]
    deviation: tuple[str, ...]
    explanation: str | None
    measures: str | None
    facts: dict[str, Any]
    recommendation: Recommendation
    focus: bool
    review: SheetReview
    warnings: list[str] = field(default_factory=list)

    @property
    def forecast_rate(self) -> float:
        return (
            self.forecast_history if self.forecast_history is not None else self.forecast_pro_rata
        )

    @property
    def forecast_method(self) -> str:
        return "history" if self.forecast_history is not None else "pro_rata"

    @property
    def forecast_amount(self) -> float:
        return self.allocated * self.forecast_rate / 100.0

    def light_counts(self) -> dict[str, int]:
        out = {k: 0 for k in (*LIGHTS, "none")}
        for ind in self.indicators:
            out[ind.light or "none"] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "department": self.department,
            "budget": {
                "planned": self.planned,
                "allocated": self.allocated,
                "spent": self.spent,
                "unit": self.unit,
            },
            "execution_rate": _r(self.execution_rate, 4),
            "v": _r(self.v),
            "light": self.light,
            "forecast": {
                "pro_rata": _r(self.forecast_pro_rata),
                "history": _r(self.forecast_history),
                "method": self.forecast_method,
                "rate": _r(self.forecast_rate),
                "amount": _r(self.forecast_amount),
                "seasonal_shares": {str(k): _r(v, 4) for k, v in self.shares.items()},
            },
            "deviation": list(self.deviation),
            "explanation": self.explanation,
            "measures": self.measures,
            "indicators": [i.to_dict() for i in self.indicators],
            "indicator_lights": self.light_counts(),
            "facts": {k: (_r(v, 4) if isinstance(v, float) else v) for k, v in self.facts.items()},
            "recommendation": self.recommendation.to_dict(),
            "review": self.review.to_dict(),
            "focus": self.focus,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class MonitoringResult:
    case: Any
    month: int
    thresholds: Thresholds
    indicator_thresholds: Thresholds
    cap: float | None
    rules: list[Rule]
    custom_rules: bool
    projects: list[ProjectResult]

    @property
    def time_progress(self) -> float:
        return self.month / 12.0

    @property
    def allocated(self) -> float:
        return sum(p.allocated for p in self.projects)

    @property
    def spent(self) -> float:
        return sum(p.spent for p in self.projects)

    @property
    def execution_rate(self) -> float:
        return self.spent / self.allocated * 100.0 if self.allocated else 0.0

    @property
    def v(self) -> float:
        return execution_v(self.execution_rate, self.month)

    @property
    def light(self) -> str:
        th = self.thresholds
        return classify(self.v, red=th.red, yellow=th.yellow)

    @property
    def forecast_rate(self) -> float:
        """Budget-weighted year-end forecast over the projects (%)."""
        if not self.allocated:
            return 0.0
        return sum(p.forecast_amount for p in self.projects) / self.allocated * 100.0

    @property
    def unit(self) -> str:
        return self.projects[0].unit

    @property
    def warnings(self) -> list[str]:
        return [w for p in self.projects for w in p.warnings]

    @property
    def projects_with_history(self) -> list[ProjectResult]:
        return [p for p in self.projects if p.history]

    def summary(self) -> dict[str, Any]:
        lights = {k: 0 for k in LIGHTS}
        amounts = {k: 0.0 for k in LIGHTS}
        for p in self.projects:
            lights[p.light] += 1
            amounts[p.light] += p.allocated
        indicator_lights = {k: 0 for k in (*LIGHTS, "none")}
        for p in self.projects:
            for k, n in p.light_counts().items():
                indicator_lights[k] += n
        actions = {a: 0 for a in ACTIONS}
        reviews = {o: 0 for o in REVIEW_OUTCOMES}
        for p in self.projects:
            actions[p.recommendation.action] += 1
            reviews[p.review.outcome] += 1
        return {
            "projects": len(self.projects),
            "allocated": _r(self.allocated),
            "spent": _r(self.spent),
            "unit": self.unit,
            "execution_rate": _r(self.execution_rate, 4),
            "v": _r(self.v),
            "light": self.light,
            "forecast_rate": _r(self.forecast_rate),
            "project_lights": lights,
            "allocated_by_light": {k: _r(v) for k, v in amounts.items()},
            "indicator_lights": indicator_lights,
            "actions": actions,
            "review_outcomes": reviews,
            "focus": [p.code for p in self.projects if p.focus],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "time_progress": _r(self.time_progress * 100, 4),
            "thresholds": {"red": self.thresholds.red, "yellow": self.thresholds.yellow},
            "indicator_thresholds": {
                "red": self.indicator_thresholds.red,
                "yellow": self.indicator_thresholds.yellow,
            },
            "forecast_cap": self.cap,
            "rules": [
                {"id": r.id, "action": r.action, "condition": r.describe(), "reason": r.reason}
                for r in self.rules
            ],
            "rules_source": "case" if self.custom_rules else "default",
            "summary": self.summary(),
            "projects": [p.to_dict() for p in self.projects],
        }


def _amount_in_wan(amount: float, unit: str) -> float | None:
    return {"万元": amount, "元": amount / 1e4, "亿元": amount * 1e4, "千元": amount / 10}.get(
        unit.strip()
    )


def _project(
    spec: Any,
    *,
    code: str,
    name: str,
    department: str | None,
    month: int,
    thresholds: Thresholds,
    indicator_thresholds: Thresholds,
    cap: float | None,
    rules: list[Rule],
    path: tuple,
    year: int | None = None,
    several: bool = False,
    review: Any | None = None,
) -> ProjectResult:
    """Analyse one project (``spec`` has budget, indicators, history, deviation, explanation,
    measures); CaseErrors name fields under ``path``."""
    b = spec.budget
    if b is None:
        raise CaseError(
            "缺少预算执行数据 budget（allocated 全年预算数、spent 截至监控月执行数）",
            field=(*path, "budget"),
        )
    if b.allocated is None or b.allocated <= 0:
        raise CaseError(
            "监控需要全年预算数 budget.allocated（大于 0）", field=(*path, "budget", "allocated")
        )
    if b.spent is None:
        raise CaseError("监控需要截至监控月的执行数 budget.spent", field=(*path, "budget", "spent"))
    rate = b.spent / b.allocated * 100.0
    v = execution_v(rate, month)
    light = classify(v, red=thresholds.red, yellow=thresholds.yellow)
    try:
        history = {year_key(y): list(map(float, c)) for y, c in (spec.history or {}).items()}
    except ValueError as exc:
        raise CaseError(str(exc), field=(*path, "history")) from None
    shares: dict[int, float] = {}
    f_hist = None
    if history:
        try:
            check_history(history, year)
        except ValueError as exc:
            raise CaseError(str(exc), field=(*path, "history")) from None
        shares = seasonal_shares(history, month)
        f_hist = forecast_from_history(rate, month, history, cap=cap)
    f_pro = forecast_pro_rata(rate, month, cap=cap)
    indicators = []
    for j, ind in enumerate(spec.indicators or []):
        try:
            indicators.append(indicator_progress(ind, month, indicator_thresholds))
        except ValueError as exc:
            raise CaseError(str(exc), field=(*path, "indicators", j)) from None
    try:
        deviation = normalize_reasons(spec.deviation)
    except ValueError as exc:
        raise CaseError(str(exc), field=(*path, "deviation")) from None
    counts = {k: sum(1 for i in indicators if i.light == k) for k in LIGHTS}
    impossible = sum(1 for i in indicators if i.likelihood == "完全不可能")
    reasons = list(deviation)
    for i in indicators:
        reasons += [r for r in i.deviation if r not in reasons]
    facts: dict[str, Any] = {
        "month": month,
        "allocated": b.allocated,
        "execution_rate": rate,
        "execution_v": v,
        "execution_light": light,
        "forecast_rate": f_hist if f_hist is not None else f_pro,
        "red_indicators": counts["red"],
        "yellow_indicators": counts["yellow"],
        "lagging": (light != "green") + counts["yellow"] + counts["red"],
        "impossible_indicators": impossible,
        "impossible_share": impossible / len(indicators) if indicators else 0.0,
        "uncertain_indicators": sum(1 for i in indicators if i.likelihood == "有可能"),
        "reasons": reasons,
    }
    rec = recommend(facts, rules)
    focus_rule = rules_data()["focus"]
    wan = _amount_in_wan(b.allocated, b.unit)
    focus = (
        month >= focus_rule["from_month"]
        and wan is not None
        and wan >= focus_rule["min_amount"]
        and rate < focus_rule["max_rate"]
    )
    who = f"{name}—" if several else ""
    # completeness and consistency of the sheet (review.checks in monitoring.yaml)
    problems = []
    if light != "green" and not deviation and not spec.explanation:
        problems.append(f"预算执行{light_name(light)}，但未填报偏差原因。")
    for i in indicators:
        if i.light in ("yellow", "red") and not i.deviation:
            problems.append(f"{i.name}：进度{light_name(i.light)}，但未填报偏差原因。")
        if i.light == "red" and i.likelihood == "确定能":
            problems.append(f"{i.name}：进度严重滞后（红灯），完成可能性却填报为“确定能”，请核实。")
        if i.light is not None and i.likelihood is None:
            problems.append(f"{i.name}：未填报完成可能性。")
        if i.mode is None and i.rule != "qualitative" and not (i.note or i.explanation):
            # a value measured later in the year (e.g. a year-end survey) is fine when explained
            problems.append(f"{i.name}：暂无截至监控月的完成值（未说明原因），未亮灯。")
    warnings = [who + p for p in problems]
    sheet = review_sheet(problems, rec.action, review)
    if sheet.recorded and sheet.outcome == "通过" and problems:
        warnings.append(
            f"{who}审核结论记录为“通过”，但监控表有 {len(problems)} 项填报问题未补充，请核实。"
        )
    return ProjectResult(
        code=code,
        name=name,
        department=department,
        planned=b.planned,
        allocated=b.allocated,
        spent=b.spent,
        unit=b.unit,
        execution_rate=rate,
        v=v,
        light=light,
        forecast_pro_rata=f_pro,
        forecast_history=f_hist,
        shares=shares,
        history=history,
        indicators=indicators,
        deviation=deviation,
        explanation=spec.explanation,
        measures=spec.measures,
        facts=facts,
        recommendation=rec,
        focus=bool(focus),
        review=sheet,
        warnings=warnings,
    )


def analyse(case: Any) -> MonitoringResult:
    """Monitor every project of a monitoring case (one project, or ``projects`` of a department).

    Raises
    ------
    CaseError
        Bad thresholds, rule table, history, 偏差原因 or 完成可能性, naming the field.
    """
    month = case.month
    try:
        _check_month(month)
    except ValueError as exc:
        raise CaseError(str(exc), field=("month",)) from None

    def thresholds(value: Any, name: str, kind: str) -> Thresholds:
        if value is None:
            return default_thresholds(kind)
        try:
            return Thresholds(value.red, value.yellow)
        except ValueError as exc:
            raise CaseError(str(exc), field=(name,)) from None

    th = thresholds(case.thresholds, "thresholds", "execution")
    ith = thresholds(case.indicator_thresholds, "indicator_thresholds", "indicator")
    if case.action_rules is not None:
        entries = [r.model_dump() for r in case.action_rules]
        try:
            rules = parse_rules(entries)
        except ValueError as exc:
            text = str(exc)
            index = int(text[1 : text.index("]")]) if text.startswith("[") else None
            loc = ("action_rules", index) if index is not None else ("action_rules",)
            raise CaseError(text.split("] ", 1)[-1], field=loc) from None
    else:
        rules = default_rules()
    cap = case.forecast_cap
    common = dict(
        month=month,
        thresholds=th,
        indicator_thresholds=ith,
        cap=cap,
        rules=rules,
        year=case.year,
        several=bool(case.projects) and len(case.projects) > 1,
    )
    if case.projects:
        projects = [
            _project(
                p,
                code=p.code or f"P{i + 1}",
                name=p.name,
                department=p.department,
                path=("projects", i),
                review=p.review or case.review,
                **common,
            )
            for i, p in enumerate(case.projects)
        ]
    else:
        projects = [
            _project(
                case,
                code=case.project_key,
                name=case.title,
                department=case.department,
                path=(),
                review=case.review,
                **common,
            )
        ]
    return MonitoringResult(
        case=case,
        month=month,
        thresholds=th,
        indicator_thresholds=ith,
        cap=cap,
        rules=rules,
        custom_rules=case.action_rules is not None,
        projects=projects,
    )
