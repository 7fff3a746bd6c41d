"""Findings, not scoring logs: 存在的问题及原因分析, 有关建议, 主要成效 and the 综合评价结论 of a scored
evaluation.

A scored evaluation loses points on many indicators; a reviewer wants the few problems behind
them. :func:`find` turns the lost points, the case's notes and causes (``note``, ``cause``),
unmet checklist points, deduction events and the evaluator's own ``findings:`` into at most
``max_problems`` problems:

1. **Selection (materiality).** A lost indicator is material when it lost at least
   ``min_lost_points`` points, scored below ``max_rate`` % of its weight, or is a core output or
   outcome (``core_levels2``) that missed its target. Compliance and safety points (an unmet
   checklist point naming 以拨代支、截留、挪用 …) and every explicit finding are always kept.
2. **Themes.** Indicators are grouped by their identity — unmet compliance points, the derived
   value (资金到位率, 预算执行率), the 10号 level-2 name, then the level-1 name — never by a
   word in their own name. A theme becomes one problem when it holds a material indicator; its
   other lost indicators join it as supporting facts.
3. **Problem.** A heading sentence (``{不足性质}，{最突出表现}。``), the facts in the official
   wording (``{指标}{实际值}，未达到{目标值}的目标，完成率{x}%`` — no points), and 原因分析: the
   stated causes (``cause``, or a note that states a cause), else "有待进一步核实" (never an
   invented cause).
4. **Advice.** One suggestion per problem, from the theme's catalogue entry (or the finding's
   own ``advice``), naming the responsible body and the problem it answers.

The rules (thresholds, themes, wording, responsible bodies) are data:
``methods/_data/findings.yaml`` with its source and status.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from methods import _format as fmt
from methods._resources import load_yaml
from methods.documents import STATUS_ZH
from methods.evaluation import Evaluation

__all__ = [
    "Advice",
    "Findings",
    "Problem",
    "achievements",
    "conclusion",
    "find",
    "grade_note",
    "level1_analysis",
    "other_matters",
    "rules",
    "stated_problem",
]

_CN_NUM = "一二三四五六七八九十"


def rules() -> dict[str, Any]:
    """The findings rules (``methods/_data/findings.yaml``)."""
    return load_yaml("findings.yaml")


@dataclass(frozen=True)
class Problem:
    """One problem of the report.

    Attributes
    ----------
    theme, theme_title : the theme id and its Chinese title (资金使用合规 …).
    heading : the heading sentence, e.g. ``资金使用不规范，存在以拨代支情况。``
    facts : fact sentences (no points), the material indicators first.
    causes : the stated causes (may be empty).
    kind : ``compliance``, ``safety``, ``audit``, ``loss`` (from lost points) or ``other``.
    codes : the indicators the problem covers.
    lost : points lost on those indicators.
    short : a short name of the issue (for the advice title and the cause sentence).
    advice : the evaluator's own suggestion for it, if given.
    responsible : who carries the rectification, if the case names one.
    """

    theme: str
    theme_title: str
    heading: str
    facts: tuple[str, ...]
    causes: tuple[str, ...]
    kind: str
    codes: tuple[str, ...]
    lost: float
    short: str
    advice: str | None = None
    responsible: str | None = None
    explicit: bool = False  # stated by the evaluator (findings:), its title as written

    @property
    def cause_text(self) -> str:
        """原因分析 as the report writes it."""
        if not self.causes:
            return f"原因分析：被评价单位未提供相关说明，{self.short}的原因有待进一步核实。"
        if len(self.causes) == 1:
            return f"原因分析：{_sentence(self.causes[0])}"
        parts = [f"{_CN_NUM[i]}是{_clause(c)}" for i, c in enumerate(self.causes[:10])]
        return "原因分析：" + "；".join(parts) + "。"

    @property
    def facts_text(self) -> str:
        return "".join(_sentence(f) for f in self.facts)

    def text(self) -> str:
        """Heading, facts and causes in one paragraph (for lists and results.json)."""
        return f"{self.heading}{self.facts_text}{self.cause_text}"


@dataclass(frozen=True)
class Advice:
    """One suggestion, answering problem number ``problem`` (1-based)."""

    problem: int
    title: str
    text: str

    def heading(self) -> str:
        return f"{self.title}（针对问题{self.problem}）"


@dataclass(frozen=True)
class Findings:
    """The problems and suggestions of a report; ``minor`` lists the lost indicators left to the
    indicator analysis and the 评分表 (below the materiality threshold, no theme problem)."""

    problems: tuple[Problem, ...]
    advice: tuple[Advice, ...]
    minor: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        lines = [f"存在的问题 {len(self.problems)} 个："]
        for i, p in enumerate(self.problems, 1):
            lines.append(f"{i}. {p.heading}")
        lines.append("有关建议：")
        lines += [f"（{_CN_NUM[i]}）{a.heading()}" for i, a in enumerate(self.advice)]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "problems": [
                {
                    "theme": p.theme,
                    "kind": p.kind,
                    "heading": p.heading,
                    "facts": list(p.facts),
                    "causes": list(p.causes),
                    "indicators": list(p.codes),
                }
                for p in self.problems
            ],
            "advice": [
                {"problem": a.problem, "title": a.title, "text": a.text} for a in self.advice
            ],
        }


# ---------------------------------------------------------------------------------------------
# Facts of one indicator


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith(("。", "！", "？")) else text.rstrip("；;，,") + "。"


def _clause(text: str) -> str:
    return tidy(str(text).strip().rstrip("。；;，,"))


_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"


def tidy(text: str) -> str:
    """Case text as a report prints it: no space between Chinese and digits (``2 个设施`` →
    ``2个设施``), as 公文 numbers are written."""
    text = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}0-9（(])", "", text)
    return re.sub(rf"(?<=[0-9%）)])[ \t]+(?=[{_CJK}])", "", text)


def _value(x: Any, unit: Any) -> str:
    unit = unit if isinstance(unit, str) else ""
    if isinstance(x, str):
        return x
    return f"{fmt.num(x)}{unit}"


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _items(row: Mapping[str, Any]) -> list[str]:
    items = row.get("items_missed")
    return [str(i) for i in items] if isinstance(items, list | tuple) else []


def _negated(item: str) -> str:
    """An unmet checklist point as what was found: 不存在以拨代支 → 存在以拨代支情况."""
    for prefix in ("不存在", "没有", "无"):
        if item.startswith(prefix) and len(item) > len(prefix) + 1:
            return f"存在{item[len(prefix) :]}情况"
    return f"“{item}”未满足"


def _short_item(item: str) -> str:
    for prefix in ("不存在", "没有", "无"):
        if item.startswith(prefix) and len(item) > len(prefix) + 1:
            return item[len(prefix) :]
    return item


def indicator_fact(row: Mapping[str, Any]) -> str:
    """What an indicator shows, in the official wording and without points, e.g.
    ``项目按期完工率92%，未达到100%的目标，完成率92.00%``; reported figures keep their own
    precision, computed rates (预算执行率, 资金到位率) have two decimals."""
    name, rule, unit = row["name"], row["rule"], row.get("unit")
    actual, target = row.get("actual"), row.get("target")
    if isinstance(row.get("derived"), str) and not _missing(actual) and rule == "positive":
        shown = f"{fmt.fixed(actual)}{unit or ''}"
        if not _missing(target) and actual < target:
            return f"{name}{shown}，未达到{_value(target, unit)}的目标"
        return f"{name}{shown}"
    if rule == "checklist":
        missed = _items(row)
        total = row.get("total")
        if missed:
            shown = "、".join(f"“{m}”" for m in missed[:4]) + ("等" if len(missed) > 4 else "")
            head = f"{name}{fmt.num(total, 0)}项评价要点中，" if not _missing(total) else f"{name}"
            return f"{head}{shown}{'一项' if len(missed) == 1 else f'{len(missed)}项'}未满足"
        return f"{name}{fmt.num(total, 0)}项评价要点满足{fmt.num(row.get('met'), 0)}项"
    if rule == "qualitative":
        tier = row.get("tier")
        text = f"{name}评价为“{tier}”" if isinstance(tier, str) else f"{name}未得满分"
        return text
    if rule == "deduction":
        return _deduction_fact(row)
    if _missing(actual) or isinstance(actual, str):
        return f"{name}{row.get('actual_text') or '未达到目标'}"
    if rule == "range":
        low, high = row.get("target"), row.get("target_high")
        if not _missing(low) and actual < low:
            return f"{name}{_value(actual, unit)}，低于{_value(low, unit)}的目标下限"
        if not _missing(high) and actual > high:
            return f"{name}{_value(actual, unit)}，高于{_value(high, unit)}的目标上限"
        return f"{name}{_value(actual, unit)}"
    if _missing(target) or isinstance(target, str):
        return f"{name}{_value(actual, unit)}"
    if rule == "reverse":
        if target and actual > target:
            over = (actual / target - 1) * 100
            return (
                f"{name}{_value(actual, unit)}，高于{_value(target, unit)}的标准{fmt.fixed(over)}%"
            )
        return f"{name}{_value(actual, unit)}，不高于{_value(target, unit)}的标准"
    if rule == "equal":
        return f"{name}{_value(actual, unit)}，与{_value(target, unit)}的目标不一致"
    if actual < target:
        rate = f"，完成率{fmt.fixed(actual / target * 100)}%" if target > 0 else ""
        return f"{name}{_value(actual, unit)}，未达到{_value(target, unit)}的目标{rate}"
    if actual > target and target > 0:
        over = (actual / target - 1) * 100
        return f"{name}{_value(actual, unit)}，超出{_value(target, unit)}的目标{fmt.fixed(over)}%"
    return f"{name}{_value(actual, unit)}，达到{_value(target, unit)}的目标"


_COUNT_ENDINGS = ("起数", "次数", "件数", "个数", "人数", "数量", "数")


def _deduction_fact(row: Mapping[str, Any]) -> str:
    """A deduction indicator: events found (target 0), or a value beyond its threshold."""
    name, unit = row["name"], row.get("unit")
    actual, target = row.get("actual"), row.get("target")
    if _missing(actual) or isinstance(actual, str):
        return f"{name}未达到要求"
    if _missing(target) or not target:
        if name.endswith(_COUNT_ENDINGS):
            return f"{name}{_value(actual, unit)}"
        return f"{name}方面发现问题{_value(actual, unit)}"
    if actual > target:
        return f"{name}{_value(actual, unit)}，超出{_value(target, unit)}的控制目标"
    return f"{name}{_value(actual, unit)}，未达到{_value(target, unit)}的目标"


def _event_name(name: str) -> str:
    """建筑施工安全生产事故起数 → 建筑施工安全生产事故."""
    for end in ("起数", "次数", "件数"):
        if name.endswith(end):
            return name[: -len(end)]
    return name


def _highlight(row: Mapping[str, Any], theme: str, cfg: Mapping[str, Any]) -> tuple[str, str]:
    """(the heading's 最突出表现, a short name of the issue) of an indicator."""
    name, rule = row["name"], row["rule"]
    missed = _items(row)
    if theme in ("compliance", "safety") and missed:
        terms = cfg["compliance_terms"] if theme == "compliance" else cfg["safety_terms"]
        hit = [m for m in missed if any(t in m for t in terms)] or missed
        return _negated(hit[0]), _short_item(hit[0])
    if missed:
        return f"{name}方面{_negated(missed[0])}", name
    if rule == "deduction":
        actual, target = row.get("actual"), row.get("target")
        if theme in ("compliance", "safety"):
            event = _event_name(name)
            return f"发生{event}{_value(actual, row.get('unit'))}", event
        if _missing(target) or not target:
            return f"{name}方面存在问题", name
        if not _missing(actual) and actual > target:
            return f"{name}超出控制目标", name
        return f"{name}未达到目标", name
    if rule == "qualitative":
        return f"{name}有待提高", name
    if rule == "reverse":
        return f"{name}高于标准", name
    if rule == "range":
        actual, low = row.get("actual"), row.get("target")
        if not _missing(actual) and not _missing(low) and actual < low:
            return f"{name}低于目标下限", name
        return f"{name}超出目标区间", name
    return f"{name}未达到目标", name


def _is_cause(note: str, cfg: Mapping[str, Any]) -> bool:
    return any(m in note for m in cfg["cause_markers"] if "…" not in m)


def _notes(row: Mapping[str, Any], cfg: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(facts, causes) from an indicator's ``note`` and ``cause``: a note that states a cause
    (因…, 由于…, 缺少…) is a cause; a note that only describes what was found is a fact."""
    facts, causes = [], []
    note = row.get("note")
    if isinstance(note, str) and note.strip():
        (causes if _is_cause(note, cfg) else facts).append(_clause(note))
    cause = row.get("cause")
    if isinstance(cause, str) and cause.strip():
        causes.append(_clause(cause))
    return facts, causes


def _fact_with_basis(row: Mapping[str, Any], cfg: Mapping[str, Any]) -> tuple[list, list]:
    """The indicator's fact followed by its notes; a qualitative loss without any stated basis
    carries the placeholder 【待补充：扣分依据】 (never an invented reason)."""
    facts, causes = _notes(row, cfg)
    first = indicator_fact(row)
    if row["rule"] == "qualitative" and not facts and not causes:
        first += "，【待补充：扣分依据】"
    return [first, *facts], causes


# ---------------------------------------------------------------------------------------------
# Themes and selection


def _theme_of(row: Mapping[str, Any], themes: Sequence[Mapping[str, Any]], cfg) -> str:
    missed = _items(row)
    note = row.get("note") if isinstance(row.get("note"), str) else ""
    for th in themes:
        m = th.get("match") or {}
        if m.get("compliance_items") and any(
            t in item for item in missed for t in cfg["compliance_terms"]
        ):
            return th["id"]
        if m.get("safety_items") and (
            any(t in item for item in missed for t in cfg["safety_terms"])
            or (row["rule"] == "deduction" and any(t in note for t in cfg["safety_terms"]))
        ):
            return th["id"]
        if isinstance(row.get("derived"), str) and row["derived"] in (m.get("derive") or []):
            return th["id"]
    for key, col in (("level2", "level2"), ("level1", "level1")):
        for th in themes:
            if str(row.get(col)) in ((th.get("match") or {}).get(key) or []):
                return th["id"]
    return "other"


def _material(row: Mapping[str, Any], theme: Mapping[str, Any], cfg) -> bool:
    mat = cfg["materiality"]
    if theme.get("always"):
        return True
    if row["lost"] >= mat["min_lost_points"] - 1e-9:
        return True
    if row["weight"] > 0 and row["score"] / row["weight"] * 100 < mat["max_rate"] - 1e-9:
        return True
    return str(row.get("level2")) in mat["core_levels2"] and row["rule"] not in (
        "qualitative",
        "checklist",
    )


def stated_problem(f: Any, *, theme: str | None = None) -> Problem:
    """A case's own finding (``findings:``) as a :class:`Problem`: its title, facts and cause
    as written (tidied), under ``theme`` (default: the finding's theme, else its kind)."""
    facts = [f.facts] if isinstance(f.facts, str) else list(f.facts)
    title = _clause(f.title)
    return Problem(
        theme=theme or f.theme or f.kind,
        theme_title=title.split("，")[0],
        heading=title + "。",
        facts=tuple(_clause(x) for x in facts if str(x).strip()),
        causes=(_clause(f.cause),) if f.cause else (),
        kind=f.kind,
        codes=tuple(f.indicators),
        lost=0.0,
        short=title.split("，")[0],
        advice=f.advice,
        responsible=f.responsible,
        explicit=True,
    )


def find(ev: Evaluation) -> Findings:
    """The problems and suggestions of a scored evaluation (see the module docstring).

    Parameters
    ----------
    ev : the scored evaluation.

    Returns
    -------
    Findings
    """
    cfg = rules()
    themes = cfg["themes"]
    by_id = {t["id"]: t for t in themes}
    case = ev.case
    lost = [r for r in ev.table.to_dict("records") if r["applicable"] and r["lost"] > 0.005]
    explicit = list(getattr(case, "findings", None) or [])
    claimed = {code for f in explicit for code in f.indicators}

    groups: dict[str, list[dict[str, Any]]] = {}
    for r in lost:
        if r["code"] in claimed:
            continue
        groups.setdefault(_theme_of(r, themes, cfg), []).append(r)

    problems: list[Problem] = []
    minor: list[str] = []
    rows_by_code = {r["code"]: r for r in ev.table.to_dict("records")}
    for f in explicit:
        facts = [f.facts] if isinstance(f.facts, str) else list(f.facts)
        causes = [f.cause] if f.cause else []
        codes = tuple(f.indicators)
        for code in codes:
            r = rows_by_code.get(code)
            if r is not None and r["applicable"] and r["lost"] > 0.005:
                nf, nc = _fact_with_basis(r, cfg)
                facts += nf
                causes += nc
        theme = f.theme if f.theme in by_id else None
        if f.kind in ("compliance", "safety"):
            theme = f.kind
        if theme is None:  # the theme of the indicators it covers
            found = [_theme_of(rows_by_code[c], themes, cfg) for c in codes if c in rows_by_code]
            theme = found[0] if found else "other"
        title = _clause(f.title)
        problems.append(
            Problem(
                theme=theme,
                theme_title=by_id[theme]["title"],
                heading=title + "。",
                facts=tuple(dict.fromkeys(_clause(x) for x in facts if str(x).strip())),
                causes=tuple(_clause(c) for c in causes),
                kind=f.kind,
                codes=codes,
                lost=sum(rows_by_code[c]["lost"] for c in codes if c in rows_by_code),
                short=_short_title(title),
                advice=f.advice,
                responsible=f.responsible,
                explicit=True,
            )
        )

    for th in themes:
        rows = groups.get(th["id"])
        if not rows:
            continue
        own = next((i for i, p in enumerate(problems) if p.theme == th["id"]), None)
        if own is not None:  # the evaluator's finding of this theme takes its other losses
            facts, causes = [], []
            for r in _ordered(rows):
                nf, nc = _fact_with_basis(r, cfg)
                facts += nf
                causes += nc
            p = problems[own]
            problems[own] = replace(
                p,
                facts=tuple(dict.fromkeys([*p.facts, *(_clause(x) for x in facts)])),
                causes=tuple(dict.fromkeys([*p.causes, *causes])),
                codes=(*p.codes, *(r["code"] for r in rows)),
                lost=p.lost + sum(r["lost"] for r in rows),
            )
            continue
        material = [r for r in rows if _material(r, th, cfg)]
        if not material:
            minor += [r["code"] for r in rows]
            continue
        material.sort(key=lambda r: -r["lost"])
        rest = [r for r in rows if r not in material]
        first = material[0]
        highlight, short = _highlight(first, th["id"], cfg)
        facts, causes = [], []
        for r in _ordered(material) + _ordered(rest):
            nf, nc = _fact_with_basis(r, cfg)
            facts += nf
            causes += nc
        if th["id"] == "compliance":
            facts += _compliance_effects(ev)
        names = "、".join(dict.fromkeys(r["name"] for r in material))
        problems.append(
            Problem(
                theme=th["id"],
                theme_title=th["title"] if th["id"] != "other" else str(first["level1"]),
                heading=th["heading"].format(highlight=highlight, level1=first["level1"]),
                facts=tuple(dict.fromkeys(_clause(x) for x in facts)),
                causes=tuple(dict.fromkeys(causes)),
                kind=th["id"] if th.get("always") else "loss",
                codes=tuple(r["code"] for r in material + rest),
                lost=sum(r["lost"] for r in rows),
                short=short if th["id"] in ("compliance", "safety") else names,
            )
        )

    cap = cfg["materiality"]["max_problems"]
    if len(problems) > cap:
        keep = sorted(
            range(len(problems)),
            key=lambda i: (problems[i].kind == "loss", -problems[i].lost),
        )[:cap]
        dropped = [p for i, p in enumerate(problems) if i not in keep]
        minor += [c for p in dropped for c in p.codes]
        problems = [p for i, p in enumerate(problems) if i in keep]
    order = {t["id"]: i for i, t in enumerate(themes)}
    problems.sort(
        key=lambda p: (p.kind not in ("compliance", "safety", "audit"), order.get(p.theme, 99))
    )
    advice = tuple(_advice(p, i, case, ev, cfg) for i, p in enumerate(problems, 1))
    return Findings(tuple(problems), advice, tuple(minor))


def _short_title(title: str) -> str:
    return title.split("，")[0].split("。")[0]


_LEVEL_ORDER = ("决策", "过程", "产出", "效益", "满意度")


def _ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts in the order 决策, 过程, 产出, 效益 (then others), largest loss first within each."""
    rank = {name: i for i, name in enumerate(_LEVEL_ORDER)}
    return sorted(rows, key=lambda r: (rank.get(str(r["level1"]), len(rank)), -r["lost"]))


def _compliance_effects(ev: Evaluation) -> list[str]:
    """A compliance finding casts doubt on the execution rate (以拨代支 counts money paid out to
    others as spent): said once, as a fact of the compliance problem."""
    t = ev.table
    rows = t[(t["derived"] == "execution_rate") & t["applicable"]]
    if rows.empty:
        return []
    r = rows.iloc[0]
    return [
        f"由此，{fmt.fixed(r['actual'])}%的{r['name']}可能高于实际支付进度，相关评分以核实结果为准"
    ]


def _advice(p: Problem, number: int, case, ev: Evaluation, cfg) -> Advice:
    theme = next(t for t in cfg["themes"] if t["id"] == p.theme)
    dept = p.responsible or getattr(case, "department_short", None) or case.department
    finance = cfg["finance_bureau"]
    if "财政" in case.department:  # the finance bureau's own fund reports to the government
        finance = cfg["government"]
    deadline = cfg["deadline_placeholder"]
    entry = theme["advice"]
    sat = [c for c in p.codes if _row(ev, c) is not None and _is_satisfaction(_row(ev, c))]
    slots = {
        "dept": dept,
        "finance": finance,
        "deadline": deadline,
        "deadline_clause": "",
        "short": p.short,
        "names": p.short,
        "satisfaction_clause": (
            "对满意度调查结果进行分项分析，针对主要不满意事项逐项整改；" if sat else ""
        ),
    }
    if p.advice:
        title = entry["title"].format(**slots) if p.kind == "loss" else f"整改{p.short}问题"
        return Advice(number, title, _sentence(tidy(p.advice)))
    text = re.sub(r"\s+", "", entry["text"].format(**slots))
    return Advice(number, entry["title"].format(**slots), _sentence(text))


def _row(ev: Evaluation, code: str) -> dict[str, Any] | None:
    t = ev.table[ev.table["code"] == code]
    return None if t.empty else t.iloc[0].to_dict()


def _is_satisfaction(row: Mapping[str, Any]) -> bool:
    return str(row.get("level2")) in ("满意度", "服务对象满意度") or row.get("level1") == "满意度"


# ---------------------------------------------------------------------------------------------
# 主要成效, 指标分析, 综合评价结论, 等级说明, 其他需要说明的问题


def _exceed(row: Mapping[str, Any]) -> float:
    """How far an indicator beat its target (0 when met exactly; NaN when not comparable)."""
    a, t = row.get("actual"), row.get("target")
    if _missing(a) or _missing(t) or isinstance(a, str) or isinstance(t, str) or not t:
        return math.nan
    if row["rule"] == "reverse":
        return t / a - 1 if a else math.nan
    if row["rule"] == "positive":
        return a / t - 1
    return math.nan


def achievements(ev: Evaluation, findings: Findings | None = None, *, limit: int = 4) -> list[str]:
    """主要成效: the output and outcome indicators that beat their targets, furthest above
    target first, with their numbers (then those that met them, when fewer than two beat
    them), and the decision and management indicators at full score in one line. Computed
    rates (预算执行率, 资金到位率) are not results, and a figure a compliance problem puts in
    doubt is never listed."""
    findings = findings if findings is not None else find(ev)
    t = ev.table[ev.table["applicable"] & (ev.table["lost"] <= 0.005)]
    rows = [
        r
        for r in t.to_dict("records")
        if r["level1"] not in ("决策", "过程")
        and not isinstance(r.get("derived"), str)
        and r["rule"] in ("positive", "reverse", "range")
    ]
    exceeded = [r for r in rows if _exceed(r) > 1e-9]
    exceeded.sort(key=lambda r: (-_exceed(r), -r["weight"]))
    met = [r for r in rows if r not in exceeded]
    met.sort(key=lambda r: -r["weight"])
    chosen = exceeded[:limit]
    if len(chosen) < 2:
        chosen += met[: max(0, min(limit, 3) - len(chosen))]
    out = [indicator_fact(r) + "。" for r in chosen]
    decided = t[t["level1"].isin(["决策", "过程"]) & t["rule"].isin(["checklist", "qualitative"])]
    if len(decided):
        names = "、".join(decided["name"].head(4))
        more = "等" if len(decided) > 4 else ""
        out.append(f"{names}{more}{len(decided)}项决策和管理类指标得满分。")
    return out


def level1_analysis(ev: Evaluation) -> list[tuple[str, str]]:
    """(level-1 name, paragraph) for 绩效评价指标分析: points, score and rate, the indicators
    at full score, then the facts of those that lost points (no causes: those belong to the
    problems)."""
    out = []
    for lv in ev.level1_table.itertuples():
        rows = ev.table[(ev.table["level1"] == lv.level1) & ev.table["applicable"]]
        full = rows[rows["lost"] <= 0.005]
        lost = rows[rows["lost"] > 0.005].sort_values("lost", ascending=False, kind="stable")
        text = (
            f"{lv.level1}指标分值{fmt.num(lv.weight)}分，得分{fmt.fixed(lv.score)}分，"
            f"得分率{fmt.fixed(lv.rate)}%。"
        )
        if len(full):
            names = "、".join(full["name"].head(5)) + ("等" if len(full) > 5 else "")
            text += f"{names}{'均' if len(full) > 1 else ''}得满分。"
        if len(lost):
            text += "失分指标为：" + "；".join(indicator_fact(r) for r in lost.to_dict("records"))
            text += "。"
        na = ev.table[(ev.table["level1"] == lv.level1) & ~ev.table["applicable"]]
        if len(na):
            text += f"{'、'.join(na['name'])}不适用，其分值按比例分配给同级指标。"
        out.append((lv.level1, text))
    return out


def _dimensions(ev: Evaluation) -> str:
    t = ev.level1_table.sort_values("rate", ascending=False, kind="stable")
    if len(t) < 2:
        return ""
    if t["rate"].max() - t["rate"].min() < 5:
        return "从各维度看，各维度得分较为均衡。"
    k = 2 if len(t) >= 4 else 1
    top, low = t.head(k), t.tail(k).iloc[::-1]

    def names(df):
        return "、".join(df["level1"])

    def rates(df):
        return "、".join(f"{fmt.fixed(r)}%" for r in df["rate"])

    word = "分别为" if k > 1 else "为"
    return (
        f"从各维度看，{names(top)}得分率较高（{word}{rates(top)}），"
        f"{names(low)}相对薄弱（{word}{rates(low)}）。"
    )


def conclusion(ev: Evaluation, findings: Findings | None = None) -> str:
    """综合评价结论 in official prose: what went well (with numbers), where it fell short
    (the leading problems' main facts), strongest and weakest dimensions, score and grade."""
    findings = findings if findings is not None else find(ev)
    subject = _subject(ev)
    case = ev.case
    title = case.title if str(case.year) in case.title else f"{case.year}年度{case.title}"
    head = f"经评价，{title}"
    t = ev.table
    setup = t[(t["level2"] == "项目立项") & t["applicable"]]
    if len(setup) and (setup["lost"] <= 0.005).all():
        head += "立项依据充分、程序规范"
    good = achievements(ev, findings, limit=3)
    good = [g for g in good if "得满分" not in g]
    if good:
        what = "主要履职和效益指标" if subject == "部门" else "主要产出和效益指标"
        text = head + ("，" if head.endswith("规范") else "") + f"{what}完成较好："
        text += "；".join(_clause(g) for g in good) + "。"
    else:
        text = head + "。" if head.endswith("规范") else head + "，"
    probs = findings.problems[:3]
    if probs:
        themes = [p.theme_title for p in probs]
        shown = "、".join(themes[:-1]) + "和" + themes[-1] if len(themes) > 1 else themes[0]
        facts = "；".join(
            _clause(p.heading) if p.explicit else _clause(p.heading).split("，", 1)[-1]
            for p in probs
        )
        text += f"{subject}在{shown}等方面存在不足：{facts}。"
    text += _dimensions(ev)
    if ev.limits:  # 写作规则 13: the grade limit replaces the last sentence
        first, last = ev.limits[0], ev.limits[-1]
        text += (
            f"按评分{fmt.fixed(ev.total)}分，本{subject}处于“{first.before}”等级区间；"
            f"{'；'.join(lim.sentence() for lim in ev.limits)}，评价等级调整为“{last.after}”。"
        )
    else:
        text += f"综合评分{fmt.fixed(ev.total)}分，评价等级为“{ev.grade}”。"
    return text


def grade_note(ev: Evaluation, findings: Findings | None = None) -> list[str]:
    """关于评价等级的说明: present when a compliance or safety problem sits beside the grade
    (the points it cost may not reflect its nature), or when a dimension scores ≥ 95% although
    half its indicators missed their targets (the scoring discriminates little)."""
    findings = findings if findings is not None else find(ev)
    out = []
    if ev.limits:
        src = ev.limits[0]
        out.append(
            f"本{_subject(ev)}评分{fmt.fixed(ev.total)}分，按得分处于“{ev.grade_by_score}”等级区间。"
            + "".join(
                f"{lim.sentence()}，评价等级由“{lim.before}”调整为“{lim.after}”。"
                for lim in ev.limits
            )
            + f"等级限定条款依据：{src.source}（{_STATUS_ZH.get(src.status, src.status)}）。"
        )
        return out + _discrimination_notes(ev)
    for p in findings.problems:
        if p.kind in ("compliance", "safety"):
            what = "资金使用合规性" if p.kind == "compliance" else "安全生产"
            cost = f"按评分规则计扣{fmt.num(p.lost)}分，" if p.lost > 0 else "未在评分中扣分，"
            then = (
                "若涉及金额较大或尚未整改，评价等级应审慎确定。"
                if p.kind == "compliance"
                else "若属责任事故，评价等级应审慎确定。"
            )
            out.append(
                f"本{_subject(ev)}得分处于“{ev.grade}”等级区间，但评价中发现{p.short}，属{what}问题，"
                f"{cost}未能充分反映问题性质。{then}"
            )
    return out + _discrimination_notes(ev)


_STATUS_ZH = STATUS_ZH


def _discrimination_notes(ev: Evaluation) -> list[str]:
    """A dimension scoring ≥ 95 % although half its indicators missed: the scoring
    discriminates little (写作规则 13)."""
    out = []
    for lv in ev.level1_table.itertuples():
        rows = ev.table[(ev.table["level1"] == lv.level1) & ev.table["applicable"]]
        missed = rows[rows["lost"] > 0.005]
        if len(rows) >= 2 and len(missed) * 2 > len(rows) and lv.rate >= 95:
            out.append(
                f"{lv.level1}{len(rows)}项指标中{len(missed)}项未达目标，按完成比例计分后得分率仍为"
                f"{fmt.fixed(lv.rate)}%，评分区分度有限。"
            )
    return out


def _subject(ev: Evaluation) -> str:
    return {"department": "部门", "policy": "政策", "government": "地区"}.get(
        ev.case.object_type, "项目"
    )


def other_matters(ev: Evaluation) -> list[str]:
    """其他需要说明的问题: limitations the case states, scoring bases a reviewer must know
    (到位率 counted against the initial budget, qualitative losses without a stated basis), and
    data sources."""
    case = ev.case
    out: list[str] = []
    t = ev.table
    b = case.budget
    adj = b.adjustment
    if adj is not None and abs(adj) > 1e-9:
        word = "调增" if adj > 0 else "调减"
        out.append(
            f"预算调整。全年预算{fmt.fixed(b.allocated)}{b.unit}较年初预算{fmt.fixed(b.planned)}{b.unit}"
            f"{word}{fmt.fixed(abs(adj))}{b.unit}，属预算调整"
            + (f"（{_clause(b.note)}）" if b.note else "（调整依据未提供）")
            + "；预算执行率按全年预算计算"
            + ("，资金到位率按实际到位资金与全年预算之比计算。" if b.received is not None else "。")
        )
    qual = t[(t["rule"] == "qualitative") & t["applicable"] & (t["lost"] > 0.005)]
    bare = [
        r["name"]
        for r in qual.to_dict("records")
        if not (isinstance(r.get("note"), str) and r["note"].strip())
        and not (isinstance(r.get("cause"), str) and str(r.get("cause")).strip())
    ]
    if bare:
        out.append(f"扣分依据。{'、'.join(bare)}有扣分但未提供扣分说明，【待补充：扣分依据】。")
    work = getattr(case, "work", None)
    if work is not None and work.limitations:
        out += [_sentence(x) for x in work.limitations]
    sources = [
        f"{r['name']}：{r['source']}"
        for r in t.to_dict("records")
        if isinstance(r.get("source"), str) and r["source"].strip()
    ]
    data = "评价数据来源于被评价单位提供的资料"
    if getattr(case, "evidence", None):
        data += "和佐证材料"
    data += "。" + ("其中" + "；".join(sources) + "。" if sources else "")
    out.append(f"数据来源。{data}")
    if work is None or not work.limitations:
        out.append("评价的局限。（未提供）")
    return out
