"""绩效运行监控（“双监控”）：预算执行进度与绩效目标实现程度 (evaluation: monitoring).

At a monitoring point (the end of month ``m``) each project's budget execution is compared with the
time progress m/12, giving the execution light (:func:`execution_light`); each performance
indicator's progress is compared with where it should be by now, giving an indicator light; the
year-end execution is forecast pro rata and, where the case gives earlier years' monthly cumulative
execution curves, from their average seasonal progress (:func:`forecast_from_history`); and an
ordered rule table (``methods/_data/monitoring.yaml``) turns the facts into one recommended action
per project (继续执行 / 调整目标 / 调减预算 / 暂缓拨款 / 停止拨款), reporting the rule that fired.

Every threshold is a parameter with its source and status (practice / unverified) in the data file.

Rates are in percent (35 means 35%), like :attr:`methods.casefile.Budget.execution_rate`.

Examples
--------
>>> execution_light(35, 6)  # v = 35% ÷ (6/12) = 70 → 60 ≤ v < 80
'yellow'
>>> forecast_pro_rata(35, 6)  # 35% × 12 / 6
70.0
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from methods import _format as fmt
from methods._resources import load_yaml
from methods.errors import CaseError

LIGHTS = ("green", "yellow", "red")
ACTIONS = ("继续执行", "调整目标", "调减预算", "暂缓拨款", "停止拨款")

FACTS: dict[str, str] = {
    "month": "监控截止月份（1–12）",
    "allocated": "全年预算数（案例的金额单位）",
    "execution_rate": "预算执行率（%）",
    "execution_v": "执行进度比 v（执行率 ÷ 时间进度 × 100）",
    "execution_light": "预算执行灯色（green / yellow / red）",
    "forecast_rate": "预计年末执行率（%；有历史执行曲线时按季节进度，否则按时间进度）",
    "red_indicators": "红灯指标个数",
    "yellow_indicators": "黄灯指标个数",
    "lagging": "进度偏慢事项数（执行非绿灯计 1，加上黄灯、红灯指标个数）",
    "impossible_indicators": "完成可能性为“完全不可能”的指标个数",
    "impossible_share": "完成可能性为“完全不可能”的指标占全部指标的比例（0–1）",
    "uncertain_indicators": "完成可能性为“有可能”的指标个数",
    "reasons": "填报的偏差原因（列表，含预算执行和各指标）",
}

_OPS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "contains": lambda a, b: b in a,
}


def rules_data() -> dict[str, Any]:
    """The shipped monitoring rules (``methods/_data/monitoring.yaml``)."""
    return load_yaml("monitoring.yaml")


# ---------------------------------------------------------------------------------------------
# Lights


@dataclass(frozen=True)
class Thresholds:
    """Light cut-offs on the progress ratio v: red v < ``red``, yellow v < ``yellow``, else
    green."""

    red: float = 60.0
    yellow: float = 80.0

    def __post_init__(self) -> None:
        check_thresholds(self.red, self.yellow)

    def describe(self) -> str:
        return (
            f"v < {fmt.num(self.red)} 红灯，{fmt.num(self.red)} ≤ v < {fmt.num(self.yellow)} 黄灯，"
            f"v ≥ {fmt.num(self.yellow)} 绿灯"
        )


def default_thresholds(kind: str = "execution") -> Thresholds:
    """The shipped cut-offs: ``execution`` (practice) or ``indicator`` (unverified)."""
    spec = rules_data()[f"{kind}_light"]
    return Thresholds(float(spec["red"]), float(spec["yellow"]))


def check_thresholds(red: float, yellow: float) -> None:
    """Raise ValueError unless 0 ≤ red < yellow (finite numbers)."""
    for name, value in (("red", red), ("yellow", yellow)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"灯色分界 {name} 应为数字，实际为 {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"灯色分界 {name} 应为不小于 0 的有限数字，实际为 {value!r}")
    if not red < yellow:
        raise ValueError(
            f"红灯分界 red（{fmt.num(red)}）应小于黄灯分界 yellow（{fmt.num(yellow)}）"
        )


def _check_month(month: Any) -> int:
    if isinstance(month, bool) or not isinstance(month, int):
        raise ValueError(f"监控月份应为 1–12 的整数，实际为 {month!r}")
    if not 1 <= month <= 12:
        raise ValueError(f"监控月份应在 1–12 之间，实际为 {month}")
    return month


def _check_rate(rate: Any, what: str = "执行率") -> float:
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate):
        raise ValueError(f"{what}应为有限数字，实际为 {rate!r}")
    if rate < 0:
        raise ValueError(f"{what}不能为负数，实际为 {fmt.num(rate)}")
    return float(rate)


def time_progress(month: int) -> float:
    """时间进度 as a fraction: month / 12 (``month`` an integer 1–12)."""
    return _check_month(month) / 12.0


def execution_v(execution_rate: float, month: int, *, unit: str = "percent") -> float:
    """执行进度比 v = 执行率 ÷ 时间进度 × 100.

    Parameters
    ----------
    execution_rate : float
        Cumulative execution rate to the end of ``month``, in percent (35 = 35%), or as a fraction
        with ``unit="fraction"`` (0.35).
    month : int
        Monitoring month, 1–12; time progress is month/12.
    """
    rate = _check_rate(execution_rate)
    if unit == "fraction":
        rate *= 100.0
    elif unit != "percent":
        raise ValueError(f"unit 应为 percent 或 fraction，实际为 {unit!r}")
    return rate / time_progress(month)


def classify(v: float, *, red: float = 60.0, yellow: float = 80.0) -> str:
    """The light of a progress ratio: ``"red"`` if v < red, ``"yellow"`` if v < yellow, else
    ``"green"`` (lower bounds inclusive)."""
    check_thresholds(red, yellow)
    if v < red:
        return "red"
    if v < yellow:
        return "yellow"
    return "green"


def execution_light(
    execution_rate: float,
    month: int,
    *,
    red: float = 60.0,
    yellow: float = 80.0,
    unit: str = "percent",
) -> str:
    """The budget-execution light at the end of ``month``: "green", "yellow" or "red".

    v = execution_rate ÷ (month / 12) × 100 (rates in percent; ``unit="fraction"`` for 0.35);
    red when v < ``red`` (default 60), yellow when v < ``yellow`` (default 80), else green
    (practice; ``methods/_data/monitoring.yaml``).

    Raises
    ------
    ValueError
        Month outside 1–12, a negative execution rate, or ``red`` not below ``yellow``.

    Examples
    --------
    >>> execution_light(35, 6)  # v = 70
    'yellow'
    >>> execution_light(0.35, 6, unit="fraction")
    'yellow'
    >>> execution_light(25, 6), execution_light(45, 6)  # v = 50, 90
    ('red', 'green')
    >>> execution_light(35, 6, red=50, yellow=70)  # v = 70 ≥ 70
    'green'
    """
    check_thresholds(red, yellow)
    return classify(execution_v(execution_rate, month, unit=unit), red=red, yellow=yellow)


def light_name(light: str | None) -> str:
    """绿灯 / 黄灯 / 红灯 / 未监测."""
    return rules_data()["lights"][light or "none"]["name"]


# ---------------------------------------------------------------------------------------------
# Year-end forecast


def forecast_pro_rata(execution_rate: float, month: int, *, cap: float | None = 100.0) -> float:
    """预计年末执行率（%）by time progress: rate × 12 / month, at most ``cap`` (None: no cap).

    >>> forecast_pro_rata(35, 6)
    70.0
    >>> forecast_pro_rata(60, 6)  # 120% capped at the full budget
    100.0
    """
    value = _check_rate(execution_rate) * 12.0 / _check_month(month)
    return value if cap is None else min(value, float(cap))


def year_key(year: int | str) -> int:
    """A year written as 2023 or "2023" (papermill passes mapping keys as text)."""
    if isinstance(year, bool):
        raise ValueError(f"年度应为整数，实际为 {year!r}")
    if isinstance(year, int):
        return year
    text = str(year).strip()
    if not text.isdigit():
        raise ValueError(f"年度应为整数，实际为 {year!r}")
    return int(text)


def check_history(history: Mapping[int, Sequence[float]], year: int | None = None) -> None:
    """Raise ValueError unless every curve has 12 non-negative, non-decreasing cumulative rates with
    a positive December value (and the years are before ``year``)."""
    if not history:
        raise ValueError("历史执行曲线为空")
    for y, curve in history.items():
        if year is not None and y >= year:
            raise ValueError(f"{y} 年不是以前年度（监控年度为 {year} 年）")
        values = list(curve)
        if len(values) != 12:
            raise ValueError(f"{y} 年应有 12 个月的累计执行率，实际 {len(values)} 个")
        for i, v in enumerate(values):
            _check_rate(v, f"{y} 年 {i + 1} 月累计执行率")
        for i in range(1, 12):
            if values[i] < values[i - 1] - 1e-9:
                raise ValueError(
                    f"{y} 年累计执行率应逐月不减：{i} 月 {fmt.num(values[i - 1])}%，"
                    f"{i + 1} 月 {fmt.num(values[i])}%"
                )
        if values[11] <= 0:
            raise ValueError(f"{y} 年 12 月累计执行率为 0，无法计算季节进度")


def seasonal_shares(history: Mapping[int, Sequence[float]], month: int) -> dict[int, float]:
    """Each earlier year's share of its year-end execution reached by the end of ``month``:
    cumulative rate in ``month`` ÷ cumulative rate in December.

    >>> seasonal_shares({2022: [0] * 5 + [30] + [60] * 5 + [95]}, 6)
    {2022: 0.3157894736842105}
    """
    _check_month(month)
    check_history(history)
    return {int(y): curve[month - 1] / curve[11] for y, curve in sorted(history.items())}


def forecast_from_history(
    execution_rate: float,
    month: int,
    history: Mapping[int, Sequence[float]],
    *,
    cap: float | None = 100.0,
) -> float | None:
    """预计年末执行率（%）from earlier years' monthly cumulative execution curves.

    s̄ is the mean over the years of (cumulative rate at ``month`` ÷ December rate); the forecast is
    execution_rate ÷ s̄, at most ``cap``. None when the earlier years had spent nothing by
    ``month`` (s̄ = 0: the curve cannot be scaled).

    Examples
    --------
    2022 reached 30% by June and 95% by December (share 0.3158), 2023 40% and 100% (share 0.4);
    s̄ = 0.3579, so 35% in June projects to 35 ÷ 0.3579 = 97.79%.

    >>> round(
    ...     forecast_from_history(35, 6, {2022: [30] * 6 + [95] * 6, 2023: [40] * 6 + [100] * 6}), 2
    ... )
    97.79
    """
    rate = _check_rate(execution_rate)
    shares = seasonal_shares(history, month)
    mean = sum(shares.values()) / len(shares)
    if mean <= 0:
        return None
    value = rate / mean
    return value if cap is None else min(value, float(cap))


# ---------------------------------------------------------------------------------------------
# Vocabularies from the data file


def deviation_categories() -> list[str]:
    return [c["name"] for c in rules_data()["deviation_reasons"]["categories"]]


def normalize_reasons(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """偏差原因 as canonical categories (经费 / 制度 / 人员 / 硬件条件保障 / 其他); aliases such as
    经费保障 are accepted. Raises ValueError naming the unknown reason."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    cats = rules_data()["deviation_reasons"]["categories"]
    for item in items:
        key = str(item).strip()
        match = next((c["name"] for c in cats if key == c["name"] or key in c["aliases"]), None)
        if match is None:
            raise ValueError(f"未知的偏差原因“{item}”（可选：{'、'.join(deviation_categories())}）")
        if match not in out:
            out.append(match)
    return tuple(out)


def likelihood_values() -> list[str]:
    return list(rules_data()["likelihood"]["values"])


def normalize_likelihood(value: str | None) -> str | None:
    """完成可能性: 确定能 / 有可能 / 完全不可能 (ValueError otherwise)."""
    if value is None:
        return None
    key = str(value).strip()
    if key not in likelihood_values():
        raise ValueError(f"未知的完成可能性“{value}”（可选：{'、'.join(likelihood_values())}）")
    return key


def tier_light(tier: str) -> str:
    """The light of a qualitative indicator's tier (achieved → green, partly → yellow, not →
    red; ``methods/_data/monitoring.yaml``)."""
    from methods.scoring import qualitative_tier

    name = qualitative_tier(tier).name
    return rules_data()["qualitative_lights"]["tiers"][name]


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
# Recommended actions (ordered rule table)


@dataclass(frozen=True)
class Rule:
    id: str
    action: str
    when: tuple[tuple[str, str, Any], ...]
    reason: str

    def matches(self, facts: Mapping[str, Any]) -> bool:
        return all(_holds(facts, c) for c in self.when)

    def describe(self) -> str:
        if not self.when:
            return "无条件（兜底规则）"
        return " 且 ".join(_condition_text(c) for c in self.when)


def _holds(facts: Mapping[str, Any], cond: tuple[str, str, Any]) -> bool:
    name, op, value = cond
    got = facts.get(name)
    if got is None:
        return False
    try:
        return bool(_OPS[op](got, value))
    except TypeError:
        return False


_LIGHT_WORDS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}


def _condition_text(cond: tuple[str, str, Any]) -> str:
    name, op, value = cond
    label = FACTS.get(name, name).split("（")[0]
    if isinstance(value, list):
        shown = "、".join(_LIGHT_WORDS.get(str(v), str(v)) for v in value)
    else:
        shown = _LIGHT_WORDS.get(
            str(value), fmt.num(value) if not isinstance(value, str) else value
        )
    word = {"in": "属于", "contains": "包含", "==": "为", "!=": "不为", ">=": "≥", "<=": "≤"}
    return f"{label} {word.get(op, op)} {shown}"


def parse_rules(entries: Sequence[Mapping[str, Any]]) -> list[Rule]:
    """Validate an ordered rule table (list of {id, action, when, reason}).

    Raises ValueError (message starting with the entry's index ``[i]``) for an unknown action,
    fact or operator, a malformed condition, duplicate ids, or a table whose last rule is not
    unconditional.
    """
    rules: list[Rule] = []
    seen: set[str] = set()
    if not entries:
        raise ValueError("规则表为空")
    for i, e in enumerate(entries):
        rid = str(e.get("id") or f"R{i + 1}")
        if rid in seen:
            raise ValueError(f"[{i}] 规则编号 {rid} 重复")
        seen.add(rid)
        action = e.get("action")
        if action not in ACTIONS:
            raise ValueError(f"[{i}] 未知的处理建议 {action!r}（可选：{'、'.join(ACTIONS)}）")
        conds = []
        for j, c in enumerate(e.get("when") or []):
            if not isinstance(c, list | tuple) or len(c) != 3:
                raise ValueError(f"[{i}] 条件 {j + 1} 应写作 [事实, 运算符, 值]")
            name, op, value = c
            if name not in FACTS:
                raise ValueError(f"[{i}] 未知的事实 {name!r}（可用：{'、'.join(FACTS)}）")
            if op not in _OPS:
                raise ValueError(f"[{i}] 未知的运算符 {op!r}（可用：{' '.join(_OPS)}）")
            if op == "in" and not isinstance(value, list | tuple):
                raise ValueError(f"[{i}] 运算符 in 的值应为列表")
            conds.append((name, op, list(value) if isinstance(value, tuple) else value))
        rules.append(Rule(rid, action, tuple(conds), str(e.get("reason") or "")))
    if rules[-1].when:
        raise ValueError(f"[{len(rules) - 1}] 规则表最后一条应为无条件的兜底规则（when: []）")
    return rules


def default_rules() -> list[Rule]:
    return parse_rules(rules_data()["actions"]["rules"])


@dataclass(frozen=True)
class Recommendation:
    """The action of the first rule that fired, and the later conditional rules that would also
    fire (the catch-all is left out)."""

    rule: Rule
    also: tuple[str, ...]

    @property
    def action(self) -> str:
        return self.rule.action

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.rule.action,
            "rule": self.rule.id,
            "condition": self.rule.describe(),
            "reason": self.rule.reason,
            "also_matched": list(self.also),
        }


def recommend(facts: Mapping[str, Any], rules: Sequence[Rule] | None = None) -> Recommendation:
    """Apply the ordered rule table to a project's facts (see :data:`FACTS`); the first rule whose
    conditions all hold gives the action.

    >>> facts = {
    ...     "month": 6,
    ...     "execution_light": "yellow",
    ...     "forecast_rate": 70.0,
    ...     "red_indicators": 0,
    ...     "impossible_indicators": 0,
    ...     "impossible_share": 0.0,
    ...     "lagging": 1,
    ... }
    >>> r = recommend(facts)
    >>> r.action, r.rule.id
    ('调减预算', 'R3')
    """
    table = list(rules) if rules is not None else default_rules()
    fired = [r for r in table if r.matches(facts)]
    if not fired:  # only with a table lacking a catch-all
        raise ValueError("没有规则成立（规则表最后一条应为无条件的兜底规则）")
    return Recommendation(fired[0], tuple(r.id for r in fired[1:] if r.when))


# ---------------------------------------------------------------------------------------------
# Review of the monitoring sheet (监控结果审核)

REVIEW_OUTCOMES = ("通过", "不通过", "委托专家组", "委托中介机构")


@dataclass(frozen=True)
class SheetReview:
    """The review conclusion on one project's monitoring sheet (监控结果审核结论).

    Attributes
    ----------
    suggested : str
        通过 when the automatic checks found no problem, else 不通过 (退回补充).
    problems : tuple of str
        What the checks found (missing values, 偏差原因, 完成可能性, inconsistencies).
    refer : bool
        The recommended action is one before which a referral to experts or an intermediary is
        suggested (``review.refer.actions`` in ``monitoring.yaml``: 暂缓拨款, 停止拨款).
    outcome : str
        The recorded outcome when the case gives one, else ``suggested``.
    recorded : bool
        Whether ``outcome`` was recorded in the case file.
    reason, reviewer, date : str or None
        As recorded.
    """

    suggested: str
    problems: tuple[str, ...]
    refer: bool
    outcome: str
    recorded: bool
    reason: str | None = None
    reviewer: str | None = None
    date: str | None = None

    @property
    def meaning(self) -> str:
        return rules_data()["review"]["outcomes"][self.outcome]

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "recorded": self.recorded,
            "suggested": self.suggested,
            "problems": list(self.problems),
            "refer": self.refer,
            "reason": self.reason,
            "reviewer": self.reviewer,
            "date": self.date,
        }


def review_sheet(problems: Sequence[str], action: str, recorded: Any | None = None) -> SheetReview:
    """The review conclusion of a monitoring sheet.

    Parameters
    ----------
    problems : sequence of str
        Problems the completeness and consistency checks found (``review.checks``).
    action : str
        The recommended action (:func:`recommend`).
    recorded : object with ``outcome`` (and optional ``reason``, ``reviewer``, ``date``), optional
        The conclusion recorded by the finance department; it is the outcome when given.

    Examples
    --------
    >>> review_sheet([], "继续执行").outcome
    '通过'
    >>> r = review_sheet(["C1：未填报完成可能性。"], "暂缓拨款")
    >>> r.outcome, r.refer
    ('不通过', True)
    """
    spec = rules_data()["review"]
    suggested = "不通过" if problems else "通过"
    refer = action in spec["refer"]["actions"]
    if recorded is None:
        return SheetReview(suggested, tuple(problems), refer, suggested, False)
    if recorded.outcome not in REVIEW_OUTCOMES:
        raise ValueError(
            f"未知的审核结论 '{recorded.outcome}'（可用：{'、'.join(REVIEW_OUTCOMES)}）"
        )
    return SheetReview(
        suggested,
        tuple(problems),
        refer,
        recorded.outcome,
        True,
        getattr(recorded, "reason", None),
        getattr(recorded, "reviewer", None),
        getattr(recorded, "date", None),
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


# ---------------------------------------------------------------------------------------------
# Report pieces (Chinese)


def light_html(light: str | None, *, text: bool = True) -> str:
    """A coloured dot and the light's Chinese name (safe HTML)."""
    spec = rules_data()["lights"][light or "none"]
    dot = f'<span style="color:{spec["color"]};font-size:1.2em">●</span>'
    label = f"&nbsp;{spec['name']}" if text else ""
    return f'<span style="white-space:nowrap">{dot}{label}</span>'


def _period(month: int) -> str:
    return "1 月" if month == 1 else f"1—{month} 月"


def overview_html(result: MonitoringResult):
    """监控概况: period, time progress, totals, lights and (for several projects) the summary."""
    from methods.report import HTML, esc, kv_table

    case = result.case
    s = result.summary()
    u = result.unit
    pairs = [
        ("监控对象", case.title),
        ("主管部门（单位）", case.department),
        ("预算年度", f"{case.year} 年"),
        ("监控期间", f"{case.year} 年 {_period(result.month)}"),
        ("时间进度", fmt.pct(result.time_progress * 100)),
        ("监控项目数", f"{len(result.projects)} 个"),
        (f"全年预算数（{u}）", fmt.fixed(result.allocated)),
        (f"截至监控月执行数（{u}）", fmt.fixed(result.spent)),
        ("预算执行率", fmt.pct(result.execution_rate)),
        ("执行进度比 v", fmt.num(result.v, 1)),
        ("预计年末执行率", fmt.pct(result.forecast_rate)),
    ]
    if getattr(case, "monitor", None):
        pairs.insert(2, ("监控实施主体", case.monitor))
    parts = []
    if getattr(case, "overview", None):
        parts.append(f"<p>{esc(case.overview)}</p>")
    parts.append(kv_table(pairs))
    lights = "，".join(
        f"{light_html(k)} {s['project_lights'][k]} 个" for k in ("green", "yellow", "red")
    )
    parts.append(
        f"<p>总体预算执行：{light_html(result.light)}（{result.thresholds.describe()}）。</p>"
    )
    if len(result.projects) > 1:
        parts.append(f"<p>项目执行灯色：{lights}。</p>")
        parts.append(summary_table_html(result))
    return HTML("".join(parts))


def summary_table_html(result: MonitoringResult) -> str:
    """The department summary: one row per project (HTML string)."""
    from methods.report import html_table

    u = result.unit
    rows = []
    for p in result.projects:
        c = p.light_counts()
        rows.append(
            [
                p.name + ("（重点关注）" if p.focus else ""),
                fmt.fixed(p.allocated),
                fmt.fixed(p.spent),
                fmt.pct(p.execution_rate),
                light_html(p.light),
                fmt.pct(p.forecast_rate),
                f"{c['green']} / {c['yellow']} / {c['red']}",
                f"{p.recommendation.action}（{p.recommendation.rule.id}）",
                p.review.outcome + ("" if p.review.recorded else "（建议）"),
            ]
        )
    rows.append(
        [
            "合计",
            fmt.fixed(result.allocated),
            fmt.fixed(result.spent),
            fmt.pct(result.execution_rate),
            light_html(result.light),
            fmt.pct(result.forecast_rate),
            "—",
            "—",
            "—",
        ]
    )
    header = [
        "项目",
        f"全年预算（{u}）",
        f"已执行（{u}）",
        "执行率",
        "执行灯色",
        "预计年末",
        "指标绿/黄/红",
        "处理建议（规则）",
        "审核结论",
    ]
    return html_table(rows, header, numeric=(1, 2, 3, 5), raw_columns=(4,))


def execution_html(result: MonitoringResult):
    """预算执行监控: per project amounts, rate, v and light, then 偏差原因 and measures."""
    from methods.report import HTML, esc, html_table

    u = result.unit
    rows = []
    for p in result.projects:
        rows.append(
            [
                p.name,
                fmt.fixed(p.allocated),
                fmt.fixed(p.spent),
                fmt.pct(p.execution_rate),
                fmt.pct(result.time_progress * 100),
                fmt.num(p.v, 1),
                light_html(p.light),
            ]
        )
    header = ["项目", f"全年预算（{u}）", f"已执行（{u}）", "执行率", "时间进度", "v", "灯色"]
    out = html_table(rows, header, numeric=range(1, 6), raw_columns=(6,))
    notes = []
    several = len(result.projects) > 1
    for p in result.projects:
        if not (p.deviation or p.explanation or p.measures):
            continue
        text = f"{esc(p.name)}：" if several else ""
        if p.deviation or p.explanation:
            text += "偏差原因——" + esc("、".join(p.deviation) or "（未分类）")
            text += f"：{esc(p.explanation)}" if p.explanation else ""
            text += "。"
        if p.measures:
            text += f"纠偏措施——{esc(p.measures)}。"
        notes.append(f"<li>{text}</li>")
    if notes:
        out += "<p>预算执行偏差原因及纠偏措施：</p><ul>" + "".join(notes) + "</ul>"
    out += (
        f'<p class="jx-note">v = 预算执行率 ÷ 时间进度 × 100；{result.thresholds.describe()}'
        f"（{'案例设定' if result.case.thresholds is not None else '默认，practice'}）。</p>"
    )
    focus = [p for p in result.projects if p.focus]
    if focus:
        rule = rules_data()["focus"]
        out += (
            f'<div class="jx-warn"><p>重点关注：全年预算 {rule["min_amount"]} 万元以上、'
            f"{rule['from_month']} 月末及以后执行率低于 {rule['max_rate']}% 的项目——"
            + esc("、".join(p.name for p in focus))
            + "。</p></div>"
        )
    return HTML(out)


_MODE_TEXT = {
    "time": "累计型",
    "level": "水平型",
    "tier": "定性",
    None: "暂无数据",
}


def _target_text(i: IndicatorProgress) -> str:
    if i.rule == "qualitative":
        return str(i.target) if i.target is not None else "定性"
    sign = "≤" if i.rule == "reverse" else "≥"
    return sign + fmt.with_unit(i.target, i.unit)


def _actual_text(i: IndicatorProgress) -> str:
    if i.rule == "qualitative":
        return i.tier or "—"
    if i.actual is None:
        return "暂无数据"
    return fmt.with_unit(i.actual, i.unit)


def _progress_text(i: IndicatorProgress) -> str:
    if i.mode == "time":
        return f"累计：完成 {fmt.pct(i.completion, 1)}，应完成 {fmt.with_unit(i.expected, i.unit)}"
    if i.mode == "level":
        shown = i.v if i.v is not None and math.isfinite(i.v) else None
        return f"水平：达到 {fmt.pct(shown, 1)}" if shown is not None else "水平：达标"
    if i.mode == "tier":
        return "定性：按档次"
    return "暂无数据"


def indicators_html(result: MonitoringResult):
    """绩效目标实现情况: per indicator target, actual to date, progress, light, 完成可能性,
    偏差原因 and measures; one table per project."""
    from methods.report import HTML, esc, html_table

    parts = []
    several = len(result.projects) > 1
    for n, p in enumerate(result.projects, 1):
        if several:
            parts.append(f"<h3>（{_cn_number(n)}）{esc(p.name)}</h3>")
        rows = []
        for i in p.indicators:
            reason = "、".join(i.deviation)
            if i.explanation:
                reason += ("：" if reason else "") + i.explanation
            if i.measures:
                reason += ("。" if reason else "") + f"措施：{i.measures}"
            if i.note:
                reason += ("。" if reason else "") + f"备注：{i.note}"
            rows.append(
                [
                    i.level1,
                    i.name,
                    _target_text(i),
                    _actual_text(i),
                    _progress_text(i),
                    "—" if i.v is None or not math.isfinite(i.v) else fmt.num(i.v, 1),
                    light_html(i.light),
                    i.likelihood or "未填报",
                    reason or "—",
                ]
            )
        header = [
            "一级指标",
            "指标",
            "年度指标值",
            f"截至 {result.month} 月",
            "完成进度",
            "v",
            "灯色",
            "完成可能性",
            "偏差原因及纠偏措施",
        ]
        parts.append(html_table(rows, header, numeric=(5,), raw_columns=(6,)))
        c = p.light_counts()
        parts.append(
            f"<p>指标灯色：绿灯 {c['green']} 个，黄灯 {c['yellow']} 个，红灯 {c['red']} 个"
            + (f"，未监测 {c['none']} 个" if c["none"] else "")
            + "。</p>"
        )
    ith = result.indicator_thresholds
    parts.append(
        '<p class="jx-note">累计型指标（“累计”：完成全年指标值的比例、截至监控月的应完成值）'
        "v = 截至监控月完成值 ÷ 应完成值 × 100（应完成值为填报的计划进度值，"
        "未填报时为年度指标值 × 时间进度）；水平型指标（“水平”：达到指标值的程度）"
        "正向 v = 完成值 ÷ 指标值 × 100，反向 v = 指标值 ÷ 完成值 × 100；"
        f"{ith.describe()}；定性指标按档次亮灯（达成年度指标 绿灯，部分达成 黄灯，未达成 红灯；"
        "unverified）。未指定比较口径时，单位为 % 的正向指标和反向指标按水平型，其他正向指标按累计型。</p>"
    )
    return HTML("".join(parts))


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九十"
    if n <= 10:
        return digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return str(n)


def forecast_html(result: MonitoringResult):
    """年末执行预测: pro rata and from earlier years' curves."""
    from methods.report import HTML, html_table

    u = result.unit
    rows = []
    for p in result.projects:
        shares = "；".join(f"{y} 年 {fmt.pct(s * 100, 1)}" for y, s in p.shares.items()) or "—"
        rows.append(
            [
                p.name,
                fmt.pct(p.execution_rate),
                fmt.pct(p.forecast_pro_rata),
                shares,
                fmt.pct(p.forecast_history),
                fmt.pct(p.forecast_rate),
                fmt.fixed(p.forecast_amount),
                fmt.fixed(p.allocated - p.forecast_amount),
            ]
        )
    header = [
        "项目",
        "当前执行率",
        "时间进度外推",
        "历史同期占全年",
        "季节进度外推",
        "采用值",
        f"预计执行（{u}）",
        f"预计结余（{u}）",
    ]
    cap = "不封顶" if result.cap is None else f"以 {fmt.num(result.cap)}% 封顶"
    note = (
        f'<p class="jx-note">时间进度外推：当前执行率 × 12 ÷ {result.month}；历史同期占全年：'
        f"以前各年 {result.month} 月末累计执行率 ÷ 12 月末累计执行率；季节进度外推：当前执行率 ÷ "
        "历史同期占全年的平均值。有以前年度逐月执行数据时采用季节进度外推，否则采用时间进度外推；"
        f"预计执行率{cap}（unverified，本项目方法）。</p>"
    )
    return HTML(html_table(rows, header, numeric=(1, 2, 4, 5, 6, 7)) + note)


def actions_html(result: MonitoringResult):
    """处理建议: the action per project and the rule that fired, and the rule table."""
    from methods.report import HTML, html_table

    rows = []
    for p in result.projects:
        r = p.recommendation
        rows.append(
            [
                p.name,
                r.action,
                r.rule.id,
                r.rule.describe(),
                r.rule.reason,
                "、".join(r.also) or "—",
            ]
        )
    header = ["项目", "处理建议", "触发规则", "规则条件", "依据", "同时满足的后续规则"]
    parts = [html_table(rows, header)]
    parts.append("<p>处理建议规则表（自上而下，第一条条件全部成立的规则给出建议）：</p>")
    rule_rows = [[r.id, r.action, r.describe(), r.reason] for r in result.rules]
    parts.append(html_table(rule_rows, ["规则", "处理建议", "条件", "说明"]))
    spec = rules_data()["actions"]
    source = "案例文件自定义（action_rules）" if result.custom_rules else spec["source"]
    parts.append(f'<p class="jx-note">规则来源：{_esc(source)}。</p>')
    return HTML("".join(parts))


def review_html(result: MonitoringResult):
    """监控结果审核: the conclusion per project (recorded or suggested), the problems the checks
    found, and the referral hint before 暂缓 / 停止拨款."""
    from methods.report import HTML, bullet_list, html_table

    spec = rules_data()["review"]
    several = len(result.projects) > 1
    rows = []
    for p in result.projects:
        r = p.review
        basis = "审核记录" if r.recorded else "自动审核（建议）"
        note = r.reason or r.meaning
        if r.recorded and r.outcome != r.suggested:
            note += f"（自动审核建议：{r.suggested}）"
        rows.append([p.name, r.outcome, basis, note, r.reviewer or "—", str(len(r.problems))])
    parts = [html_table(rows, ["项目", "审核结论", "结论来源", "审核意见", "审核单位", "填报问题"])]
    for p in result.projects:
        r = p.review
        if r.problems:
            head = f"{p.name}：" if several else ""
            parts.append(f"<p>{_esc(head)}监控表需要补充或核实的内容：</p>")
            parts.append(bullet_list(list(r.problems)))
        if r.refer and r.outcome not in ("委托专家组", "委托中介机构"):
            parts.append(
                f"<p>{_esc(p.name)}的处理建议为“{_esc(p.recommendation.action)}”："
                "作出决定前，宜委托专家组或第三方中介机构复核偏差原因和目标可实现性。</p>"
            )
    outcomes = "；".join(f"{k}：{v}" for k, v in spec["outcomes"].items())
    parts.append(
        f'<p class="jx-note">审核结论：{_esc(outcomes)}。依据：{_esc(spec["source"])}'
        f"（{_esc(spec['status'])}）。自动审核检查：{_esc('；'.join(spec['checks']))}"
        f"（{_esc(spec['checks_status'])}）。</p>"
    )
    return HTML("".join(parts))


def _esc(text: Any) -> str:
    from methods.report import esc

    return esc(text)


def conclusions(result: MonitoringResult) -> dict[str, list[str]]:
    """主要成效, 存在问题 and 改进建议 from the lights, forecasts and rules."""
    achievements, problems, suggestions = [], [], []
    several = len(result.projects) > 1

    def head(p: ProjectResult) -> str:
        return f"{p.name}：" if several else ""

    def sub(p: ProjectResult) -> str:
        return f"{p.name}—" if several else ""

    s = result.summary()
    u = result.unit
    achievements.append(
        f"截至 {result.month} 月末，{len(result.projects)} 个项目全年预算 "
        f"{fmt.fixed(result.allocated)} {u}，已执行 {fmt.fixed(result.spent)} {u}，"
        f"执行率 {fmt.pct(result.execution_rate)}"
        f"（时间进度 {fmt.pct(result.time_progress * 100)}，{light_name(result.light)}）。"
    )
    green = [p.name for p in result.projects if p.light == "green"]
    if green:
        achievements.append("预算执行进度正常（绿灯）的项目：" + "、".join(green) + "。")
    n_green = s["indicator_lights"]["green"]
    n_all = sum(s["indicator_lights"].values())
    if n_all:
        achievements.append(f"{n_all} 项绩效指标中 {n_green} 项进度正常（绿灯）。")
    for p in result.projects:
        if p.light != "green":
            text = (
                f"{head(p)}预算执行率 {fmt.pct(p.execution_rate)}，v = {fmt.num(p.v, 1)}，"
                f"{light_name(p.light)}"
            )
            if p.deviation:
                text += "，偏差原因：" + "、".join(p.deviation)
            if p.explanation:
                text += f"（{p.explanation}）"
            problems.append(text + "。")
        for i in p.indicators:
            if i.light in ("yellow", "red"):
                text = f"{sub(p)}{i.name}：{light_name(i.light)}"
                if i.mode == "time":
                    text += (
                        f"，完成 {fmt.with_unit(i.actual, i.unit)}，应完成 "
                        f"{fmt.with_unit(i.expected, i.unit)}"
                    )
                elif i.mode == "level":
                    text += (
                        f"，完成值 {fmt.with_unit(i.actual, i.unit)}，年度指标值 {_target_text(i)}"
                    )
                if i.deviation:
                    text += "，偏差原因：" + "、".join(i.deviation)
                if i.likelihood:
                    text += f"，完成可能性：{i.likelihood}"
                problems.append(text + "。")
        r = p.recommendation
        if r.action != "继续执行" or p.light != "green":
            suggestions.append(f"{head(p)}{r.action}（规则 {r.rule.id}：{r.rule.reason}）。")
        for i in p.indicators:
            if i.measures and i.light in ("yellow", "red"):
                suggestions.append(f"{sub(p)}{i.name}：{i.measures}")
        if p.review.outcome == "不通过":
            suggestions.append(
                f"{head(p)}监控表审核不通过：退回补充完善（{len(p.review.problems)} 项填报问题）后重新报送。"
            )
        elif p.review.outcome in ("委托专家组", "委托中介机构"):
            suggestions.append(
                f"{head(p)}已{p.review.outcome}复核"
                + (f"：{p.review.reason}" if p.review.reason else "")
                + "，根据复核意见确定处理方式。"
            )
        elif p.review.refer:
            suggestions.append(
                f"{head(p)}{r.action}前，宜委托专家组或第三方中介机构复核偏差原因和目标可实现性。"
            )
    problems += result.warnings
    if not problems:
        problems.append("预算执行和绩效目标实现进度均正常，未发现明显问题。")
    if not suggestions:
        suggestions.append("继续按计划执行，做好下一阶段的绩效监控和年度绩效自评准备。")
    return {"achievements": achievements, "problems": problems, "suggestions": suggestions}


def conclusions_html(result: MonitoringResult):
    from methods.report import conclusion_lists_html

    c = conclusions(result)
    return conclusion_lists_html(c, numbered=False)


def method_html(result: MonitoringResult):
    """监控方法与依据: formulas, thresholds and their sources and statuses."""
    from methods.report import HTML, html_table

    d = rules_data()
    rows = [
        ["时间进度", d["time_progress"]["formula"], d["time_progress"]["status"]],
        [
            "预算执行灯色",
            f"{d['execution_light']['formula']}；{result.thresholds.describe()}",
            d["execution_light"]["status"],
        ],
        [
            "指标进度灯色",
            result.indicator_thresholds.describe() + "；" + d["indicator_light"]["source"],
            d["indicator_light"]["status"],
        ],
        ["定性指标灯色", d["qualitative_lights"]["source"], d["qualitative_lights"]["status"]],
        [
            "偏差原因分类",
            "、".join(deviation_categories()) + "（" + d["deviation_reasons"]["source"] + "）",
            d["deviation_reasons"]["status"],
        ],
        [
            "完成可能性",
            "、".join(likelihood_values()) + "（" + d["likelihood"]["source"] + "）",
            d["likelihood"]["status"],
        ],
        [
            "年末执行预测",
            d["forecast"]["pro_rata"] + "；" + d["forecast"]["history"],
            d["forecast"]["status"],
        ],
        ["重点关注名单", d["focus"]["source"], d["focus"]["status"]],
        ["处理建议规则", d["actions"]["source"], d["actions"]["status"]],
    ]
    text = (
        f"<p>依据：{_esc(d['source'])}。依据状态：reg 法规文件，local 地方规定，practice 实务通行做法，"
        "unverified 常见做法但未核实原文。</p>"
    )
    out = text + html_table(rows, ["事项", "方法与参数", "依据状态"])
    if result.warnings:
        from methods.report import bullet_list

        out += '<div class="jx-warn"><p>提示：</p>' + bullet_list(result.warnings) + "</div>"
    return HTML(out)


# ---------------------------------------------------------------------------------------------
# Charts


def _light_color(light: str | None) -> str:
    return rules_data()["lights"][light or "none"]["color"]


def plot_execution(result: MonitoringResult, ax=None):
    """Execution progress ratio v per project as horizontal bars coloured by light, with the
    red/yellow cut-offs; returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    projects = result.projects
    labels = [p.name for p in projects]
    values = [p.v for p in projects]
    colors = [_light_color(p.light) for p in projects]
    if len(projects) > 1:
        labels.append("合计")
        values.append(result.v)
        colors.append(_light_color(result.light))
    labels, values, colors = labels[::-1], values[::-1], colors[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 0.5 * len(labels) + 1.5))
    top = max(120.0, max(values) * 1.15)
    th = result.thresholds
    ax.axvspan(0, th.red, color="#c0392b", alpha=0.06)
    ax.axvspan(th.red, th.yellow, color="#e39b16", alpha=0.08)
    ax.axvspan(th.yellow, top, color="#2e7d32", alpha=0.05)
    ax.barh(labels, values, color=colors, height=0.55)
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:.1f}", va="center", fontsize=9)
    for x in (th.red, th.yellow, 100):
        ax.axvline(x, color="#888888", lw=0.8, ls="--")
    ax.set_xlim(0, top)
    ax.set_xlabel("执行进度比 v（执行率 ÷ 时间进度 × 100）")
    ax.set_title(f"截至 {result.month} 月末预算执行进度")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_curve(project: ProjectResult, month: int, ax=None):
    """Cumulative execution curves of earlier years, this year's position and the year-end
    forecasts (pro rata and seasonal); returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 4.0))
    months = list(range(1, 13))
    ax.plot([0, 12], [0, 100], color="#888888", lw=0.8, ls=":", label="时间进度")
    greys = ["#9fb3c8", "#6d8aa8", "#3f5f80", "#b0b0b0"]
    for k, (y, curve) in enumerate(sorted(project.history.items())):
        ax.plot(months, curve, color=greys[k % len(greys)], lw=1.2, label=f"{y} 年累计执行率")
    rate = project.execution_rate
    ax.plot([month], [rate], "o", color=_light_color(project.light), ms=8, label="本年截至监控月")
    ax.plot(
        [month, 12],
        [rate, project.forecast_pro_rata],
        color="#2F6DB5",
        ls="--",
        lw=1.2,
        label=f"按时间进度外推（{project.forecast_pro_rata:.1f}%）",
    )
    if project.forecast_history is not None:
        ax.plot(
            [month, 12],
            [rate, project.forecast_history],
            color="#c0392b",
            ls="--",
            lw=1.2,
            label=f"按历史季节进度外推（{project.forecast_history:.1f}%）",
        )
    ax.set_xlim(0, 12.5)
    ax.set_xticks(months, [f"{m}月" for m in months], fontsize=8)
    top = max([max(c) for c in project.history.values()] + [rate, project.forecast_rate])
    ax.set_ylim(0, max(105.0, top * 1.05))
    ax.set_ylabel("累计执行率（%）")
    ax.set_title(f"{project.name}：累计执行曲线与年末预测")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
