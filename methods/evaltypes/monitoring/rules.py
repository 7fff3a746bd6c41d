"""The rules of 绩效运行监控（“双监控”）: lights, year-end forecasts, vocabularies, the ordered
rule table of recommended actions and the review of a monitoring sheet.

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
from dataclasses import dataclass
from typing import Any

from methods import _format as fmt
from methods._resources import load_yaml

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
