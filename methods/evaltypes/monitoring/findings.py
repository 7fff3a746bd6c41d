"""The findings of a monitoring report: 存在的问题 (each a heading, the facts with numbers and
原因分析 from the causes the sheet states), one 纠偏措施与建议 per problem naming who acts, and the
监控结论 paragraph in official prose.

Deviations are grouped by theme (``report.themes`` in ``methods/_data/monitoring.yaml``), never
listed one per indicator:

- ``execution``: projects whose budget execution lags the time progress (yellow or red light);
- ``progress``: indicators behind schedule (yellow or red) that may still be met;
- ``at_risk``: indicators reported as 完全不可能 (the target cannot be met this year);
- ``sheet``: problems of the monitoring sheet itself (missing 偏差原因, 完成可能性, values);

and the case's own ``findings:`` come first. A cause is only what the sheet states (the
deviation's explanation, or the project's explanation of the same category); otherwise the report
says the cause is to be verified. The finance bureau's part of each project's recommended action
(暂缓拨款, 停止拨款, 调减预算, 调整目标) joins the suggestion of the problem that covers it, so the
advice never contradicts the action.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from methods import _format as fmt
from methods.evaltypes.monitoring.analysis import IndicatorProgress, MonitoringResult, ProjectResult
from methods.evaltypes.monitoring.rules import light_name, rules_data
from methods.report import findings as fnd

_CN = "一二三四五六七八九十"
LIGHT_WORDS = {"green": "正常", "yellow": "偏慢", "red": "严重滞后"}


def spec() -> dict[str, Any]:
    """The report rules (``report`` in ``methods/_data/monitoring.yaml``)."""
    return rules_data()["report"]


def finance_bureau() -> str:
    """Who supervises the money (the findings rules' finance bureau: 区财政局)."""
    return fnd.rules()["finance_bureau"]


def department(result: MonitoringResult) -> str:
    case = result.case
    return getattr(case, "department_short", None) or case.department


def reason_names(reasons: Sequence[str]) -> str:
    names = spec()["reason_names"]
    return "、".join(names.get(r, r) for r in reasons)


def period(month: int) -> str:
    return "1月" if month == 1 else f"1—{month}月"


def rate(x: float | None) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{fmt.fixed(x)}%"


def value(x: Any, unit: str | None) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    if isinstance(x, str):
        return fnd.tidy(x)
    return f"{fmt.num(x)}{unit or ''}"


def target_text(i: IndicatorProgress) -> str:
    """年度指标值 as a reader writes it: ≥100个, ≤28万元/个, or the qualitative target."""
    if i.rule == "qualitative":
        return fnd.tidy(str(i.target)) if i.target is not None else "定性"
    sign = "≤" if i.rule == "reverse" else "≥"
    return sign + value(i.target, i.unit)


def several(result: MonitoringResult) -> bool:
    return len(result.projects) > 1


def _who(result: MonitoringResult, p: ProjectResult) -> str:
    return f"{p.name}：" if several(result) else ""


@dataclass(frozen=True)
class Problem(fnd.Problem):
    """A problem of a monitoring report: ``projects`` are the codes of the projects it covers
    (``codes`` the indicators, as ``project.code`` when the case lists several projects)."""

    projects: tuple[str, ...] = ()

    @property
    def cause_text(self) -> str:
        """原因分析: the stated causes, else 有待进一步核实 (the sheet's 填报单位 is the subject)."""
        if not self.causes:
            return (
                f"原因分析：{spec()['subject']}未提供相关说明，{self.short}的原因有待进一步核实。"
            )
        if len(self.causes) == 1:
            return f"原因分析：{fnd._clause(self.causes[0])}。"
        parts = [f"{_CN[i]}是{fnd._clause(c)}" for i, c in enumerate(self.causes[:10])]
        return "原因分析：" + "；".join(parts) + "。"


# ---------------------------------------------------------------------------------------------
# Facts


def execution_fact(result: MonitoringResult, p: ProjectResult) -> str:
    """E.g. ``截至6月末已执行1,260.00万元，预算执行率35.00%，低于50.00%的时间进度，执行进度偏慢（黄灯）``."""
    tp = result.time_progress * 100
    head = f"{p.name}全年预算{fmt.fixed(p.allocated)}{p.unit}，" if several(result) else ""
    text = (
        f"{head}截至{result.month}月末已执行{fmt.fixed(p.spent)}{p.unit}，"
        f"预算执行率{rate(p.execution_rate)}"
    )
    if p.execution_rate < tp - 1e-9:
        text += f"，低于{rate(tp)}的时间进度"
    return text + f"，执行进度{LIGHT_WORDS[p.light]}（{light_name(p.light)}）"


def forecast_fact(p: ProjectResult) -> str:
    how = "按以前年度同期支出进度推算" if p.forecast_history is not None else "按当前进度推算"
    left = p.allocated - p.forecast_amount
    text = f"{how}，预计全年预算执行率{rate(p.forecast_rate)}"
    if left > 0.005:
        text += f"，预计结余{fmt.fixed(left)}{p.unit}"
    return text


def indicator_fact(result: MonitoringResult, i: IndicatorProgress) -> str:
    """What a lagging indicator shows, with numbers and without formulas, e.g.
    ``新建污水处理设施数量截至6月末完成38个，低于应完成的50个，完成年度指标值100个的38.00%``."""
    m = result.month
    if i.mode == "tier":
        text = f"{i.name}评价为“{i.tier}”，年度指标值为“{target_text(i)}”"
    elif i.mode == "time":
        text = (
            f"{i.name}截至{m}月末完成{value(i.actual, i.unit)}，低于应完成的"
            f"{value(i.expected, i.unit)}，完成年度指标值{value(i.target, i.unit)}的"
            f"{rate(i.completion)}"
        )
    elif i.mode == "level":
        if i.rule == "reverse":
            text = f"{i.name}{value(i.actual, i.unit)}，高于{value(i.target, i.unit)}的年度指标值"
        else:
            text = f"{i.name}{value(i.actual, i.unit)}，未达到{value(i.target, i.unit)}的年度指标值"
    else:
        text = f"{i.name}暂无截至{m}月末的完成值"
    if i.light in ("yellow", "red"):
        text += f"（{light_name(i.light)}）"
    if i.likelihood:
        text += f"，完成可能性为“{i.likelihood}”"
    return text


def _indicator_cause(p: ProjectResult, i: IndicatorProgress) -> str | None:
    """The stated cause of an indicator's deviation: its own explanation, else the project's
    explanation when the project states the same category of reason."""
    if i.explanation:
        return fnd._clause(i.explanation)
    if p.explanation and i.deviation and set(i.deviation) & set(p.deviation):
        return fnd._clause(p.explanation)
    return None


# ---------------------------------------------------------------------------------------------
# Problems


def _names(items: Sequence[str], limit: int = 2) -> str:
    names = list(dict.fromkeys(items))
    shown = "、".join(names[:limit])
    return shown + ("等" if len(names) > limit else "")


def _key(result: MonitoringResult, p: ProjectResult, code: str) -> str:
    return f"{p.code}.{code}" if several(result) else code


def _theme(theme_id: str) -> dict[str, Any]:
    return next(t for t in spec()["themes"] if t["id"] == theme_id)


def _explicit(result: MonitoringResult) -> list[Problem]:
    return [fnd.stated_problem(f) for f in getattr(result.case, "findings", None) or []]


def problems(result: MonitoringResult) -> list[Problem]:
    """存在的问题 of a monitoring case (see the module docstring), at most ``max_problems``."""
    tp = result.time_progress * 100
    out = _explicit(result)

    lagging = [p for p in result.projects if p.light != "green"]
    if lagging:
        th = _theme("execution")
        facts, causes, unexplained = [], [], []
        for p in lagging:
            facts.append(execution_fact(result, p))
            facts.append(forecast_fact(p))
            if p.explanation:
                cause = fnd._clause(p.explanation)
                causes.append(f"{p.name}，{cause}" if several(result) else cause)
            else:
                unexplained.append(p.name)
        if several(result):
            heading = th["heading_many"].format(n=len(lagging))
        else:
            p = lagging[0]
            heading = th["heading_one"].format(
                light_word=LIGHT_WORDS[p.light], rate=rate(p.execution_rate), time=rate(tp)
            )
        out.append(
            Problem(
                theme="execution",
                theme_title=th["title"],
                heading=heading + "。",
                facts=tuple(facts),
                causes=tuple(causes),
                kind="loss",
                codes=(),
                lost=0.0,
                projects=tuple(p.code for p in lagging),
                short=th["short"],
            )
        )
        if unexplained and causes:  # partly explained: say which remain to be verified
            out[-1] = _with_unverified(out[-1], unexplained, "预算执行滞后")

    for theme_id, pick in (
        ("progress", lambda i: i.light in ("yellow", "red") and i.likelihood != "完全不可能"),
        ("at_risk", lambda i: i.likelihood == "完全不可能"),
    ):
        rows = [(p, i) for p in result.projects for i in p.indicators if pick(i)]
        if not rows:
            continue
        th = _theme(theme_id)
        facts, causes, unexplained = [], [], []
        for p, i in rows:
            facts.append(_who(result, p) + indicator_fact(result, i))
            cause = _indicator_cause(p, i)
            if cause:
                causes.append(f"{i.name}方面，{cause}")
            else:
                unexplained.append(i.name)
        names = _names([i.name for _, i in rows])
        problem = Problem(
            theme=theme_id,
            theme_title=th["title"],
            heading=th["heading"].format(names=names, n=len(rows)) + "。",
            facts=tuple(facts),
            causes=tuple(dict.fromkeys(causes)),
            kind="loss",
            codes=tuple(_key(result, p, i.code) for p, i in rows),
            lost=0.0,
            projects=tuple(dict.fromkeys(p.code for p, _ in rows)),
            short=th["short"],
        )
        if unexplained and causes:
            problem = _with_unverified(problem, unexplained, "进度偏差")
        out.append(problem)

    sheet = [(p, x) for p in result.projects for x in p.review.problems]
    if sheet:
        th = _theme("sheet")
        out.append(
            Problem(
                theme="sheet",
                theme_title=th["title"],
                heading=th["heading"].format(n=len(sheet)) + "。",
                facts=tuple(_who(result, p) + fnd._clause(x) for p, x in sheet),
                causes=(),
                kind="loss",
                codes=(),
                lost=0.0,
                projects=tuple(dict.fromkeys(p.code for p, _ in sheet)),
                short=th["short"],
            )
        )
    return out[: int(spec()["max_problems"])]


def _with_unverified(p: Problem, names: Sequence[str], what: str) -> Problem:
    """A problem with some causes stated: the others are named as still to be verified."""
    extra = f"{_names(names, 3)}未填报偏差原因说明，其{what}的原因有待进一步核实"
    return replace(p, causes=(*p.causes, extra))


# ---------------------------------------------------------------------------------------------
# Advice


def _action_clause(result: MonitoringResult, p: ProjectResult) -> tuple[str, str] | None:
    """(who, what) of a project's recommended action: ``dept`` or ``finance`` and the clause
    without its subject (None for 继续执行)."""
    s = spec()
    action = p.recommendation.action
    entry = s["actions"].get(action)
    if not entry:
        return None
    project = p.name if several(result) else "该项目"
    slots = {"finance": finance_bureau(), "dept": department(result), "project": project}
    if p.review.outcome in ("委托专家组", "委托中介机构") and action in ("暂缓拨款", "停止拨款"):
        ref = s["referral"]
        who = p.review.outcome.removeprefix("委托")
        return ref["who"], ref["text"].format(who=who, action=action, **slots)
    return entry["who"], entry["text"].format(**slots)


def _covers(problem: fnd.Problem, p: ProjectResult) -> bool:
    return p.code in getattr(problem, "projects", ())


def _action_home(result: MonitoringResult, found: Sequence[fnd.Problem], p: ProjectResult):
    """The index of the problem whose suggestion carries a project's action (None: none)."""
    theme = spec()["action_theme"].get(p.recommendation.action)
    if theme is None:
        return None
    for t in (theme, "execution", "at_risk", "progress"):
        for k, problem in enumerate(found):
            if problem.theme == t and _covers(problem, p):
                return k
    return None


def _measures(items: Sequence[tuple[str, str | None]], named: bool) -> str:
    """The stated measures: ``{name}方面，{measure}`` when ``named`` (several things), else the
    measure itself."""
    stated = [(n, fnd._clause(m)) for n, m in items if m]
    if not named:
        return "；".join(m for _, m in stated)
    return "；".join(f"{n}方面，{m}" for n, m in stated)


def _indicator_items(
    result: MonitoringResult, problem: fnd.Problem
) -> list[tuple[str, str | None]]:
    return [
        (i.name, i.measures)
        for p in result.projects
        for i in p.indicators
        if _key(result, p, i.code) in problem.codes
    ]


def _dept_text(result: MonitoringResult, problem: fnd.Problem) -> str:
    """What the department is advised to do for a problem of a generated theme."""
    dept, finance = department(result), finance_bureau()
    deadline = spec()["deadline_placeholder"]
    if problem.theme == "execution":
        items = [(p.name, p.measures) for p in result.projects if _covers(problem, p)]
        stated = _measures(items, several(result))
        missing = [name for name, m in items if not m]
        parts = []
        if stated:
            parts.append(f"落实已制定的纠偏措施：{stated}")
        if missing:
            what = "、".join(missing) if several(result) else "项目"
            parts.append(f"分析{what}预算执行滞后的原因，制定纠偏措施，于{deadline}前落实")
        return f"建议{dept}加快预算执行，" + "；".join(parts)
    if problem.theme == "progress":
        items = _indicator_items(result, problem)
        stated = _measures(items, True)
        missing = [name for name, m in items if not m]
        parts = []
        if stated:
            parts.append(f"落实已填报的纠偏措施：{stated}")
        if missing:
            parts.append(f"针对{_names(missing, 3)}进度偏慢的情况制定纠偏措施，于{deadline}前落实")
        return f"建议{dept}" + "；".join(parts) + "，确保年度绩效目标实现"
    if problem.theme == "at_risk":
        items = _indicator_items(result, problem)
        text = (
            f"建议{dept}核实{_names([n for n, _ in items], 3)}的目标可实现性，"
            "确实无法实现的，按绩效目标设立程序申请调整目标，并相应调整预算"
        )
        stated = _measures(items, True)
        return text + (f"（已提出的措施：{stated}）" if stated else "")
    return (
        f"建议{dept}于{deadline}前补充完善监控表中的偏差原因、完成可能性和完成值，"
        f"重新报送{finance}审核"
    )


def advice(result: MonitoringResult, found: Sequence[fnd.Problem]) -> list[fnd.Advice]:
    """One suggestion per problem: what the department does (its stated measures), then what the
    finance bureau does, including each project's recommended action where it belongs."""
    s = spec()
    dept, finance = department(result), finance_bureau()
    actions: dict[int, list[tuple[str, str]]] = {}
    for p in result.projects:
        k = _action_home(result, found, p)
        clause = _action_clause(result, p)
        if k is None or clause is None:
            continue
        if found[k].theme == "at_risk" and p.recommendation.action == "调整目标":
            continue  # the suggestion itself asks for the target to be adjusted
        actions.setdefault(k, []).append(clause)
    out = []
    for k, problem in enumerate(found):
        n = k + 1
        if problem.theme not in ("execution", "progress", "at_risk", "sheet"):
            who = problem.responsible or dept
            by = fnd.rules()["deadline_placeholder"]
            text = (
                fnd.tidy(problem.advice)
                if problem.advice
                else f"建议{who}针对{problem.short}查找原因、落实整改，于{by}前将整改情况报{finance}"
            )
            out.append(fnd.Advice(n, f"整改{problem.short}问题", fnd._sentence(text)))
            continue
        th = _theme(problem.theme)
        text = _dept_text(result, problem)
        dept_actions = [c for who, c in actions.get(k, []) if who == "dept"]
        if dept_actions:
            text += "；" + "；".join(dept_actions)
        text = fnd._sentence(text)
        money = [c for who, c in actions.get(k, []) if who == "finance"]
        if problem.theme != "sheet":
            money.append(s["follow_up"])
        if money:
            text += fnd._sentence(f"{finance}" + "；".join(money))
        out.append(fnd.Advice(n, th["advice_title"], fnd.tidy(text)))
    return out


def find(result: MonitoringResult) -> fnd.Findings:
    """Problems and suggestions of a monitoring case."""
    found = problems(result)
    return fnd.Findings(tuple(found), tuple(advice(result, found)))


def to_dict(result: MonitoringResult, found: fnd.Findings) -> dict[str, Any]:
    """``findings`` of results.json: problems (theme, kind, heading, facts, causes, indicators,
    and the projects they cover when the case lists several) and suggestions."""
    out = found.to_dict()
    if several(result):
        for d, p in zip(out["problems"], found.problems, strict=True):
            d["projects"] = list(getattr(p, "projects", ()))
    return out


# ---------------------------------------------------------------------------------------------
# 监控结论


def _counts(result: MonitoringResult) -> str:
    s = result.summary()["indicator_lights"]
    total = sum(s.values())
    parts = []
    for key, word in (("green", "进度正常"), ("yellow", "进度偏慢"), ("red", "严重滞后")):
        if s[key]:
            parts.append(f"{s[key]}项{word}（{light_name(key)}）")
    if s["none"]:
        parts.append(f"{s['none']}项暂无监控数据")
    return f"{total}项绩效指标中，" + "，".join(parts)


def conclusion(result: MonitoringResult, found: fnd.Findings | None = None) -> str:
    """监控结论 in official prose: execution against time progress with its light, the year-end
    forecast, indicator progress, the main stated causes and the recommended handling."""
    found = found if found is not None else find(result)
    case = result.case
    tp = result.time_progress * 100
    u = result.unit
    title = case.title
    if several(result):
        head = (
            f"经监控，截至{case.year}年{result.month}月末，{title}（共{len(result.projects)}个）"
            f"全年预算合计{fmt.fixed(result.allocated)}{u}"
        )
    else:
        head = f"经监控，截至{case.year}年{result.month}月末，{title}全年预算{fmt.fixed(result.allocated)}{u}"
    text = head + f"，已执行{fmt.fixed(result.spent)}{u}，预算执行率{rate(result.execution_rate)}"
    compare = "低于" if result.execution_rate < tp - 1e-9 else "不低于"
    who = "总体" if several(result) else ""
    text += (
        f"，{compare}{rate(tp)}的时间进度，{who}预算执行进度{LIGHT_WORDS[result.light]}"
        f"（{light_name(result.light)}）"
    )
    if several(result):
        groups = {k: [p.name for p in result.projects if p.light == k] for k in LIGHT_WORDS}
        parts = []
        for key in ("green", "yellow", "red"):
            names = groups[key]
            if not names:
                continue
            part = f"{len(names)}个项目执行{LIGHT_WORDS[key]}"
            if key != "green":
                part += f"（{'、'.join(names)}）"
            parts.append(part)
        text += "。分项目看，" + "，".join(parts)
        text += f"；按各项目推算，预计全年预算执行率{rate(result.forecast_rate)}"
    else:
        text += "；" + forecast_fact(result.projects[0])
    text += "。" + _counts(result)
    impossible = [
        i.name for p in result.projects for i in p.indicators if i.likelihood == "完全不可能"
    ]
    if impossible:
        text += f"，其中{_names(impossible, 3)}{len(impossible)}项指标完成可能性为“完全不可能”"
    text += "。"
    reasons = list(dict.fromkeys(r for p in result.projects for r in p.facts["reasons"]))
    if reasons:
        names = [spec()["reason_names"].get(r, r) for r in reasons]
        names = [n + "因素" if n == "其他" else n for n in names]
        shown = "、".join(names[:-1]) + "和" + names[-1] if len(names) > 1 else names[0]
        text += f"填报的偏差原因主要为{shown}。"
    problems_ = [p for p in found.problems][:3]
    if problems_:
        themes = [p.theme_title for p in problems_]
        shown = "、".join(themes[:-1]) + "和" + themes[-1] if len(themes) > 1 else themes[0]
        text += f"监控发现的问题主要在{shown}等方面。"
    text += _handling(result)
    return text


def _handling(result: MonitoringResult) -> str:
    """The recommended handling in one sentence (and the recorded review of the sheet)."""
    if several(result):
        moves = [
            f"{p.name}{p.recommendation.action}"
            for p in result.projects
            if p.recommendation.action != "继续执行"
        ]
        rest = [p for p in result.projects if p.recommendation.action == "继续执行"]
        text = "综合监控结果，建议" + "，".join(moves)
        if rest:
            text += ("，" if moves else "") + ("其余项目继续执行" if moves else "各项目继续执行")
        text += "。"
        referred = [
            p for p in result.projects if p.review.outcome in ("委托专家组", "委托中介机构")
        ]
        if referred:
            text += (
                "、".join(p.name for p in referred)
                + f"已{referred[0].review.outcome}复核，处理以复核意见为准。"
            )
        return text
    p = result.projects[0]
    text = f"综合监控结果，建议{p.recommendation.action}"
    if p.recommendation.action == "继续执行" and p.light != "green":
        text += "，督促加快进度、落实纠偏措施"
    text += "。"
    r = p.review
    if r.recorded:
        who = r.reviewer or "财政部门"
        if r.outcome in ("委托专家组", "委托中介机构"):
            text += f"{who}已{r.outcome}复核，处理以复核意见为准。"
        else:
            text += f"监控表经{who}审核，审核结论为“{r.outcome}”。"
    return text
