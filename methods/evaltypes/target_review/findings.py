"""The findings of a target review report: 存在的问题 (each a heading, the facts naming the
indicators, and 原因分析 from the reasons the sheet or the adjustment record states), one 修改意见
per problem naming who revises what and by when (as the 审核结果 requires), and the 审核结论
paragraph in official prose.

The review's per-indicator problems are grouped by theme (``report.themes`` in
``methods/_data/target_review.yaml``: 年度总体目标, 指标体系, 指标要素, 可衡量性, 指标值适当性, 目标
可行性, 目标调整), never listed one per missing cell; the case's own ``findings:`` come first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from methods import _format as fmt
from methods.evaltypes.target_review.analysis import Problem as ReviewProblem
from methods.evaltypes.target_review.analysis import (
    ReviewResult,
    consequence,
    criteria_spec,
    rules_data,
)
from methods.report import findings as fnd

_CN = "一二三四五六七八九十"
# the reminder every lowered target carries: a problem only when something else is wrong
_REMINDER = "目标降低：应说明客观原因，并按绩效目标设立程序报批"


def spec() -> dict[str, Any]:
    """The report rules (``report`` in ``methods/_data/target_review.yaml``)."""
    return rules_data()["report"]


def finance_bureau() -> str:
    return fnd.rules()["finance_bureau"]


def department(result: ReviewResult) -> str:
    case = result.case
    return getattr(case, "department_short", None) or case.department


def quoted(names: Sequence[str]) -> str:
    """“A”“B” (no 顿号 between quoted items)"""
    return "".join(f"“{n}”" for n in dict.fromkeys(names))


def listed(names: Sequence[str], limit: int = 6) -> str:
    """A、B、C (and 等 beyond ``limit``) followed by the count: ``A、B2项指标``."""
    names = list(dict.fromkeys(names))
    shown = "、".join(names[:limit]) + ("等" if len(names) > limit else "")
    return f"{shown}{len(names)}项指标" if len(names) > 1 else f"{shown}"


def _criterion(cid: str) -> dict[str, Any]:
    return next(c for c in criteria_spec() if c["id"] == cid)


def _bare(template: str) -> str:
    """A criterion's problem wording without its indicator slot: ``未说明数据来源``."""
    return template.replace("“{name}”", "").strip()


@dataclass(frozen=True)
class Problem(fnd.Problem):
    """A problem of a target review: ``criteria`` are the review criteria behind it."""

    criteria: tuple[str, ...] = ()

    @property
    def cause_text(self) -> str:
        if not self.causes:
            return (
                f"原因分析：{spec()['subject']}未提供相关说明，{self.short}的原因有待进一步核实。"
            )
        if len(self.causes) == 1:
            return f"原因分析：{fnd._clause(self.causes[0])}。"
        parts = [f"{_CN[i]}是{fnd._clause(c)}" for i, c in enumerate(self.causes[:10])]
        return "原因分析：" + "；".join(parts) + "。"


# ---------------------------------------------------------------------------------------------
# Facts per theme


def _by_criterion(items: Sequence[ReviewProblem]) -> dict[str, list[ReviewProblem]]:
    out: dict[str, list[ReviewProblem]] = {}
    for p in items:
        out.setdefault(p.criterion, []).append(p)
    return out


def _element_facts(items: Sequence[ReviewProblem]) -> list[tuple[str, int]]:
    """(fact, count) per element criterion: ``A、B2项指标未说明数据来源``."""
    out = []
    for cid, group in _by_criterion(items).items():
        named = [p.name for p in group if p.name]
        if not named:  # no indicator at all
            out += [(fnd._clause(p.problem), 1) for p in group]
            continue
        what = _bare(_criterion(cid)["problem"])
        out.append((f"{listed(named)}{what}", len(named)))
    return out


def _structure_facts(result: ReviewResult, items: Sequence[ReviewProblem]) -> list[str]:
    s = result.structure
    n = len(result.case.indicators)
    levels = "、".join(
        f"{k}{s[k]}项" for k in ("产出指标", "成本指标", "效益指标", "满意度指标") if s.get(k)
    )
    facts = [f"申报表设置绩效指标{n}项" + (f"，其中{levels}" if levels else "")]
    absent = [
        p.problem.removeprefix("未设置").removesuffix("指标")
        for p in items
        if p.criterion in ("S1", "S2", "S4")
    ]
    if absent:
        shown = "、".join(absent[:-1]) + "和" + absent[-1] if len(absent) > 1 else absent[0]
        facts.append(f"未设置{shown}指标")
    missing = [
        p.problem.removeprefix("产出指标缺少").removesuffix("指标")
        for p in items
        if p.criterion == "S3"
    ]
    if missing:
        facts.append(f"产出指标缺少{'、'.join(missing)}指标")
    return facts


def _measurability_facts(result: ReviewResult, items: Sequence[ReviewProblem]) -> list[str]:
    facts = []
    for p in items:
        if p.criterion == "M1" and result.quantitative_share is not None:
            q = result.structure["定量指标"]
            facts.append(
                f"{len(result.case.indicators)}项指标中定量指标{q}项，占比"
                f"{fmt.fixed(result.quantitative_share * 100)}%，低于"
                f"{fmt.num(result.min_share * 100)}%的要求"
            )
    m2 = [p for p in items if p.criterion == "M2"]
    for p in m2:
        facts.append(fnd.tidy(p.problem.replace("“" + (p.name or "") + "”", p.name or "", 1)))
    return facts


def _comparison_fact(p: ReviewProblem) -> str:
    finding = p.problem.replace(f"“{p.name}”", "", 1)
    return fnd.tidy(f"{p.name}{finding}")


def _first_clause(comment: str) -> str:
    """An expert comment's first point without its suggestion: 管网综合单价的测算依据不足."""
    head = comment.split("；")[0]
    parts = [x for x in head.split("，") if x and not x.startswith("建议")]
    return "，".join(parts) or head


def _suggestions_in(comment: str) -> list[str]:
    """What an expert comment suggests (``建议…`` clauses, without 建议)."""
    out = []
    for seg in comment.replace("；", "，").split("，"):
        seg = seg.strip()
        if seg.startswith("建议"):
            out.append(seg.removeprefix("建议"))
    return out


# ---------------------------------------------------------------------------------------------
# Problems


def _theme(theme_id: str) -> dict[str, Any]:
    return next(t for t in spec()["themes"] if t["id"] == theme_id)


def _explicit(result: ReviewResult) -> list[Problem]:
    return [fnd.stated_problem(f) for f in getattr(result.case, "findings", None) or []]


def _with_unverified(p: Problem, names: Sequence[str], what: str) -> Problem:
    extra = f"{'、'.join(dict.fromkeys(names))}未说明{what}，其原因有待进一步核实"
    return replace(p, causes=(*p.causes, extra))


def problems(result: ReviewResult) -> list[Problem]:
    """存在的问题 of a target review (see the module docstring), at most ``max_problems``."""
    out = _explicit(result)
    by_id = {c["id"]: c for c in criteria_spec()}
    indicators = {i.code: i for i in result.case.indicators}
    for th in spec()["themes"]:
        if th["id"] == "adjustment":
            out += _adjustment_problems(result, th)
            continue
        items = [p for p in result.problems if p.criterion in th["criteria"]]
        if not items:
            continue
        causes: list[str] = []
        unexplained: list[str] = []
        if th["id"] == "goal":
            facts = ["申报表未填写年度总体目标，未概括说明年度预期产出和预期效果"]
            first = ""
        elif th["id"] == "structure":
            facts = _structure_facts(result, items)
            first = facts[1] if len(facts) > 1 else facts[0]
        elif th["id"] == "elements" and not result.case.indicators:
            facts = ["申报表未设置产出、效益和满意度等任何绩效指标，绩效目标无法衡量"]
            first = "未设置任何绩效指标"
        elif th["id"] == "elements":
            pairs = _element_facts(items)
            facts = [f for f, _ in pairs]
            first = max(pairs, key=lambda x: x[1])[0]
        elif th["id"] == "measurability":
            facts = _measurability_facts(result, items)
            first = (
                "定量指标占比偏低"
                if any(p.criterion == "M1" for p in items)
                else ("部分定量指标的指标值不是数值")
            )
        elif th["id"] == "appropriateness":
            facts = [_comparison_fact(p) for p in items]
            first = ""
            for p in items:
                note = getattr(indicators.get(p.code), "note", None)
                if note:
                    causes.append(f"{p.name}方面，{fnd._clause(note)}")
                else:
                    unexplained.append(p.name or "")
        elif th["id"] == "feasibility":
            facts = [f"专家评审认为，{fnd._clause(p.comment)}" for p in items]
            first = _first_clause(items[0].comment)
        else:
            facts = [fnd.tidy(p.problem) for p in items]
            first = facts[0]
        names = {p.name for p in items if p.name}
        heading = th["heading"].format(first=first, n=len(names) or len(items))
        if th["id"] == "elements" and not result.case.indicators:
            heading = f"绩效目标不完整，{first}"
        problem = Problem(
            theme=th["id"],
            theme_title=th["title"],
            heading=fnd._clause(heading) + "。",
            facts=tuple(dict.fromkeys(fnd._clause(f) for f in facts)),
            causes=tuple(causes),
            kind="loss",
            codes=tuple(dict.fromkeys(p.code for p in items if p.code)),
            lost=sum(p.deduction for p in items),
            short=th["short"] if result.case.indicators else "未设置绩效指标",
            criteria=tuple(dict.fromkeys(p.criterion for p in items)),
        )
        if unexplained and causes:
            problem = _with_unverified(problem, unexplained, "取值依据")
        out.append(problem)
    unknown = [
        p
        for p in result.problems
        if not any(p.criterion in t["criteria"] for t in spec()["themes"])
    ]
    for p in unknown:  # a criterion added to the data without a theme: its own problem
        spec_ = by_id.get(p.criterion, {})
        out.append(
            Problem(
                theme="other",
                theme_title=spec_.get("name", p.dimension),
                heading=fnd._clause(f"{p.dimension}方面存在不足，{fnd.tidy(p.problem)}") + "。",
                facts=(fnd.tidy(p.problem),),
                causes=(),
                kind="loss",
                codes=(p.code,) if p.code else (),
                lost=p.deduction,
                short=spec_.get("name", p.dimension),
                advice=p.comment,
                criteria=(p.criterion,),
            )
        )
    return out[: int(spec()["max_problems"])]


def _adjustment_problems(result: ReviewResult, th: dict[str, Any]) -> list[Problem]:
    """A recorded adjustment is a problem when the review finds more than the reminder every
    lowered target carries (lower than last year's actual, no approval recorded)."""
    out = []
    for a in result.adjustments:
        found = [f for f in a.findings if f != _REMINDER]
        if not found:
            continue
        unit = next((i.unit for i in result.case.indicators if i.code == a.code), None)
        before = _shown(a.before, unit)
        after = _shown(a.after, unit)
        done = (
            f"{a.name}指标值由{before}{a.change}为{after}"
            if a.field == "target"
            else (f"{a.name}的{a.field}由{before}调整为{after}")
        )
        when = "，".join(x for x in (a.date, a.approval) if x)
        facts = [done + (f"（{when}）" if when else "")]
        facts += [
            "调整未注明审批情况，目标调整应按设立程序报批" if "未注明审批" in f else fnd.tidy(f)
            for f in found
        ]
        if any("未注明审批" in f for f in found):
            first = "未注明审批情况"
        elif any("低于" in f or "高于" in f for f in found):
            first = (
                f"后{a.name}指标值低于上年实际水平"
                if a.change == "调低"
                else (f"后{a.name}指标值与上年实际水平相比偏松")
            )
        else:
            first = f"后{fnd._clause(found[0])}"
        out.append(
            Problem(
                theme="adjustment",
                theme_title=th["title"],
                heading=fnd._clause(th["heading"].format(first=first)) + "。",
                facts=tuple(fnd._clause(f) for f in facts),
                causes=(f"申报单位说明的调整原因为：{fnd._clause(a.reason)}",) if a.reason else (),
                kind="loss",
                codes=(a.code,),
                lost=0.0,
                short=th["short"],
            )
        )
    return out


def _shown(v: Any, unit: str | None) -> str:
    if isinstance(v, list):
        return "–".join(fmt.num(x) for x in v) + (unit or "")
    if isinstance(v, int | float):
        return f"{fmt.num(v)}{unit or ''}"
    return f"“{v}”" if v is not None else "（空）"


# ---------------------------------------------------------------------------------------------
# Advice (修改意见)


def _comment(cid: str, names: Sequence[str]) -> str:
    """A criterion's 审核意见 template for several indicators at once."""
    text = _criterion(cid)["comment"]
    return text.replace("“{name}”", quoted(names)) if "{name}" in text else text


def _advice_text(result: ReviewResult, problem: Problem) -> str:
    dept = department(result)
    items = [p for p in result.problems if p.criterion in problem.criteria]
    if problem.theme == "goal":
        return f"建议{dept}{_criterion('T1')['comment']}，并与各项绩效指标相互衔接"
    if problem.theme == "structure":
        parts = []
        for cid in ("S1", "S2", "S4"):
            if any(p.criterion == cid for p in items):
                parts.append(_criterion(cid)["comment"])
        missing = [p.problem.removeprefix("产出指标缺少") for p in items if p.criterion == "S3"]
        if missing:
            parts.append(f"补充{'、'.join(missing)}")
        return f"建议{dept}" + "；".join(parts)
    if problem.theme == "elements":
        parts = []
        for cid, group in _by_criterion(items).items():
            named = [p.name for p in group if p.name]
            parts.append(_comment(cid, named) if named else group[0].comment)
        return f"建议{dept}" + "；".join(parts)
    if problem.theme == "measurability":
        parts = []
        for cid, group in _by_criterion(items).items():
            named = [p.name for p in group if p.name]
            parts.append(_comment(cid, named) if named and cid != "M1" else group[0].comment)
        return f"建议{dept}" + "；".join(parts)
    if problem.theme == "appropriateness":
        parts = [
            p.name + fnd._clause(p.comment).replace("；", "，").removeprefix("反向指标的")
            for p in items
            if p.name
        ]
        return f"建议{dept}复核有关指标值，并在申报表中注明取值依据：" + "；".join(parts)
    if problem.theme == "feasibility":
        asked = [s for p in items for s in _suggestions_in(p.comment)]
        if asked:
            return f"建议{dept}按专家意见{'；'.join(asked)}，使绩效目标与项目内容和资金规模相匹配"
        return (
            f"建议{dept}针对专家评审意见完善资金测算和分配依据，"
            "使绩效目标与项目内容和资金规模相匹配"
        )
    if problem.theme == "adjustment":
        adj = [a for a in result.adjustments if a.code in problem.codes]
        parts = []
        if any(any("未注明审批" in f for f in a.findings) for a in adj):
            parts.append("按绩效目标设立程序补办目标调整的审批手续")
        if any(any("低于" in f or "高于" in f for f in a.findings) for a in adj):
            parts.append("补充说明调整后指标值低于上年实际水平的测算依据")
        parts.append("在年度绩效自评中按调整后的目标说明完成情况和调整原因")
        return f"建议{dept}" + "；".join(parts)
    return f"建议{dept}{fnd._clause(problem.advice or '针对上述问题修改完善绩效目标申报表')}"


def advice(result: ReviewResult, found: Sequence[Problem]) -> list[fnd.Advice]:
    """One 修改意见 per problem, ending with what the 审核结果 requires (优 批复前完善, 良 协商完善,
    中 修改后重新报送审核, 差 不进入预算安排流程)."""
    finance = finance_bureau()
    timing = spec()["timing"].get(result.grade, "")
    deadline = fnd.rules()["deadline_placeholder"]
    out = []
    for k, problem in enumerate(found, 1):
        if problem.theme not in {t["id"] for t in spec()["themes"]} and problem.theme != "other":
            who = problem.responsible or department(result)
            text = (
                fnd.tidy(problem.advice)
                if problem.advice
                else f"建议{who}针对{problem.short}查找原因、落实整改，于{deadline}前将整改情况报{finance}"
            )
            out.append(fnd.Advice(k, f"整改{problem.short}问题", fnd._sentence(text)))
            continue
        text = _advice_text(result, problem)
        if problem.theme != "adjustment" and timing:
            text += "，" + timing.format(finance=finance)
        title = (
            _theme(problem.theme)["advice_title"]
            if problem.theme != "other"
            else f"修改完善{problem.short}"
        )
        out.append(fnd.Advice(k, title, fnd._sentence(fnd.tidy(text))))
    return out


def find(result: ReviewResult) -> fnd.Findings:
    """Problems and 修改意见 of a target review."""
    found = problems(result)
    return fnd.Findings(tuple(found), tuple(advice(result, found)))


def to_dict(found: fnd.Findings) -> dict[str, Any]:
    """``findings`` of results.json, each problem with the review criteria behind it."""
    out = found.to_dict()
    for d, p in zip(out["problems"], found.problems, strict=True):
        d["criteria"] = list(getattr(p, "criteria", ()))
    return out


# ---------------------------------------------------------------------------------------------
# 审核结论


def strengths(result: ReviewResult) -> list[str]:
    """What the sheet does well: the criteria met in full, in the order of ``report.strengths``
    (the presence of output, outcome and satisfaction indicators in one phrase)."""
    ok = {c.id for c in result.criteria if c.applicable and c.problems == 0}
    if not result.case.indicators:
        ok = {c for c in ok if c == "T1"}
    words = spec()["strengths"]
    out = []
    if "T1" in ok:
        out.append(words["T1"])
    present = [
        name
        for cid, name in (("S1", "产出"), ("S2", "效益"), ("S4", "满意度"))
        if cid in ok and any(c.id == cid and c.applicable for c in result.criteria)
    ]
    if present:
        shown = "、".join(present[:-1]) + "和" + present[-1] if len(present) > 1 else present[0]
        out.append(f"设置了{shown}指标")
    for cid in ("S3", "M1", "T2", "T3", "T4", "T5", "M2", "R1", "R2"):
        if cid not in ok or cid not in words:
            continue
        if cid == "R1" and not result.comparisons:
            continue
        out.append(words[cid])
    return out


def _dimensions(result: ReviewResult) -> str:
    rows = [
        (r["dimension"], r["score"] / r["points"] * 100)
        for r in result.dimension_table()
        if r["points"]
    ]
    if len(rows) < 2:
        return ""
    rows.sort(key=lambda r: -r[1])
    if rows[0][1] - rows[-1][1] < 5:
        return "从各方面看，得分较为均衡。"
    k = 2 if len(rows) >= 4 else 1
    top, low = rows[:k], rows[-k:][::-1]

    def names(x):
        return "、".join(n for n, _ in x)

    def rates(x):
        return "、".join(f"{fmt.fixed(r)}%" for _, r in x)

    word = "分别为" if k > 1 else "为"
    return (
        f"从各方面看，{names(top)}得分率较高（{word}{rates(top)}），"
        f"{names(low)}相对薄弱（{word}{rates(low)}）。"
    )


def consequence_sentence(grade: str) -> str:
    """What follows from the 审核结果 for the budget, in the words of 财预〔2015〕88号."""
    return f"按照财预〔2015〕88号的规定，审核结果为“{grade}”的，{consequence(grade)}。"


def conclusion(result: ReviewResult, found: fnd.Findings | None = None) -> str:
    """审核结论 in official prose: what the sheet does well, where it falls short (the leading
    problems' main facts), strongest and weakest dimensions, score and 审核结果 (with the cap
    that lowered it) and what 财预〔2015〕88号 says follows for the budget."""
    found = found if found is not None else find(result)
    case = result.case
    title = case.title if str(case.year) in case.title else f"{case.year}年度{case.title}"
    text = f"经审核，{title}绩效目标申报表"
    good = strengths(result)
    text += "，".join(good[:4]) + "。" if good else "存在较多不足。"
    probs = list(found.problems[:3])
    if probs:
        themes = [p.theme_title for p in probs]
        shown = "、".join(themes[:-1]) + "和" + themes[-1] if len(themes) > 1 else themes[0]
        facts = "；".join(fnd._clause(p.heading).split("，", 1)[-1] for p in probs)
        text += f"申报表在{shown}等方面存在不足：{facts}。"
    if case.indicators:
        text += _dimensions(result)
    text += f"审核得分{fmt.fixed(result.score)}分"
    if result.grade != result.grade_by_score:
        text += f"，按得分应为“{result.grade_by_score}”，因{_cap_reason(result)}"
    text += f"，审核结果为“{result.grade}”。"
    return text + consequence_sentence(result.grade)


def _cap_reason(result: ReviewResult) -> str:
    reasons = [c.split("：", 1)[-1] for c in result.caps] or ["存在限定结论的问题"]
    return "、".join(dict.fromkeys(reasons))
