"""What a 镇财政运行综合绩效评价 report finds: the towns' shortfalls grouped into 3–6 problems with
their facts and 原因分析, one suggestion per problem, the 主要成效 and the 综合评价结论 paragraph.

A town falls short on an indicator when it loses points on it. An indicator is material when the
towns' mean 得分率 is below ``materiality.mean_rate`` or a town scores below ``town_rate`` of its
points; indicators of an ``always`` theme (基本保障) are material whenever a town falls short.
Indicators are grouped into themes by their level-2 name, then by level-1 (the framework's
identity, never a word of their own name); a theme with a material indicator is one problem, its
other shortfalls join it as facts. Causes come only from the case's own ``findings:`` (else the
report says they are to be verified). The rules and the advice catalogue are data:
``methods/_data/fiscal_allocation.yaml`` (``report:``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from methods import _format as fmt
from methods._resources import load_yaml
from methods.report import findings as report_findings
from methods.report.findings import Advice, Findings, Problem, tidy

__all__ = [
    "Gap",
    "achievements",
    "conclusion",
    "conclusions",
    "dimension_analysis",
    "find",
    "gaps",
    "met_text",
    "other_matters",
    "rules",
    "standard_text",
]


def rules() -> dict[str, Any]:
    """The report rules of ``methods/_data/fiscal_allocation.yaml`` (``report:``)."""
    return load_yaml("fiscal_allocation.yaml")["report"]


# ---------------------------------------------------------------------------------------------
# Shortfalls per indicator


@dataclass(frozen=True)
class Gap:
    """One indicator across the towns: who fell short (worst first) and how much was lost."""

    row: Mapping[str, Any]
    towns: tuple[str, ...]
    lost: float
    mean_rate: float
    min_rate: float

    @property
    def code(self) -> str:
        return str(self.row["code"])

    @property
    def name(self) -> str:
        return str(self.row["name"])


def _target(r: Mapping[str, Any], x: float) -> str:
    return f"{fmt.num(x)}{r['unit'] or ''}"


def cmp_text(r: Mapping[str, Any], *, noun: bool = False) -> tuple[str, str]:
    """(how a town falls short of the target, a short form) of an indicator row: ``未达到5%的
    目标`` (``noun``: ``未达到5%目标``, for "…的有7个镇（街道）")."""
    rule = r["rule"]
    de = "" if noun else "的"
    if rule == "reverse":
        return f"高于{_target(r, r['target'])}{de}标准", "高于标准"
    if rule == "deduction":
        word = "低于" if r.get("variant") == "under" else "高于"
        return f"{word}{_target(r, r['target'])}{de}控制目标", "超出控制目标"
    if rule == "range":
        span = f"{fmt.num(r['target'])}–{fmt.num(r['target_high'])}{r['unit'] or ''}"
        return f"不在{span}{de}合理区间", "超出合理区间"
    if rule == "equal":
        return f"与{_target(r, r['target'])}{de}目标不一致", "与目标不一致"
    return f"未达到{_target(r, r['target'])}{de}目标", "未达到目标"


def met_text(r: Mapping[str, Any]) -> str:
    """How a town meets the target of an indicator row (达到80%的目标 …)."""
    rule = r["rule"]
    if rule == "reverse":
        return f"不高于{_target(r, r['target'])}的标准"
    if rule == "deduction":
        word = "不低于" if r.get("variant") == "under" else "控制在"
        return f"{word}{_target(r, r['target'])}" + ("以内" if word == "控制在" else "")
    if rule == "range":
        return f"处于{fmt.num(r['target'])}–{fmt.num(r['target_high'])}{r['unit'] or ''}的合理区间"
    return f"达到{_target(r, r['target'])}的目标"


def standard_text(r: Mapping[str, Any]) -> str:
    """The scoring standard of an indicator in words (评分表: no formula variables)."""
    rule, unit = r["rule"], r["unit"] or ""
    if rule == "reverse":
        tail = (
            "超出部分按超出比例扣分，达到标准的2倍不得分"
            if r.get("variant") in (None, "linear")
            else "超出时按标准与实际值之比计分"
        )
        return f"不高于{_target(r, r['target'])}得满分，{tail}"
    if rule == "deduction":
        per = "1个百分点" if unit == "%" else f"1{unit or '个单位'}"
        under = r.get("variant") == "under"
        return (
            f"{'不低于' if under else '不高于'}{_target(r, r['target'])}得满分，"
            f"每{'低于' if under else '超出'}{per}扣{fmt.num(r['points_per_unit'])}分，扣完为止"
        )
    if rule == "range":
        span = f"{fmt.num(r['target'])}–{fmt.num(r['target_high'])}{unit}"
        return f"处于{span}得满分，区间外按与最近边界之比计分"
    if rule == "equal":
        return f"等于{_target(r, r['target'])}得满分"
    return f"达到{_target(r, r['target'])}得满分，未达到按实际值与目标值之比计分"


def value_text(result, town: str, r: Mapping[str, Any]) -> str:
    """A town's value of an indicator as given (a relative indicator with its share of the
    towns' mean)."""
    v = result.raw.loc[town, r["code"]]
    text = f"{fmt.num(v)}{r['raw_unit'] or ''}"
    if r.get("relative") == "mean":
        text += f"（为平均水平的{fmt.num(result.actual.loc[town, r['code']], 1)}%）"
    return text


def gaps(result) -> list[Gap]:
    """Every indicator with the towns that lost points on it, worst first."""
    out = []
    for r in result.indicators.to_dict("records"):
        scores = result.scores[r["code"]]
        w = float(r["weight"])
        rate = scores / w * 100 if w > 0 else scores * 0 + 100
        lost = w - scores
        # worst first: most points lost, then the value furthest on the wrong side
        sign = {"positive": 1, "equal": 1}.get(r["rule"], -1)
        if r["rule"] == "deduction" and r.get("variant") == "under":
            sign = 1
        value = result.actual[r["code"]]
        if r["rule"] == "range":
            value = -(value - r["target"]).abs().combine((value - r["target_high"]).abs(), min)
            sign = 1
        short = [t for t in lost.index if lost[t] > 0.005]
        short.sort(key=lambda t: (-round(float(lost[t]), 6), sign * float(value[t])))
        out.append(
            Gap(
                row=r,
                towns=tuple(short),
                lost=float(lost.clip(lower=0).sum()),
                mean_rate=float(rate.mean()),
                min_rate=float(rate.min()),
            )
        )
    return out


def _town_list(names: Sequence[str], limit: int) -> str:
    shown = "、".join(names[:limit])
    return shown + ("等" if len(names) > limit else "")


def gap_fact(result, g: Gap, cfg: Mapping[str, Any]) -> str:
    """``一般公共预算收入增长率未达到5%的目标的有7个镇（街道）：湟里镇-3.5%、…，其中…为负增长``."""
    r = g.row
    n = len(result.raw)
    cmp, _ = cmp_text(r, noun=len(g.towns) < len(result.raw))
    limit = int(cfg["materiality"]["list_towns"])
    listing = _town_list([f"{t}{value_text(result, t, r)}" for t in g.towns], limit)
    if len(g.towns) == n:
        text = f"各镇（街道）{g.name}均{cmp}：{listing}"
    else:
        text = f"{g.name}{cmp}的有{len(g.towns)}个镇（街道）：{listing}"
    if r["rule"] == "positive":
        negative = [t for t in g.towns if result.raw.loc[t, r["code"]] < 0]
        if negative:
            word = "负增长" if "增长" in g.name else "负值"
            text += f"，其中{'、'.join(negative)}为{word}"
    return text


def _highlight(result, g: Gap) -> str:
    cmp, _ = cmp_text(g.row)
    if len(g.towns) == len(result.raw):
        return f"各镇（街道）{g.name}均{cmp}"
    return f"{len(g.towns)}个镇（街道）{g.name}{cmp}"


def _material(g: Gap, theme: Mapping[str, Any], cfg: Mapping[str, Any]) -> bool:
    if not g.towns:
        return False
    if theme.get("always"):
        return True
    mat = cfg["materiality"]
    return g.mean_rate < mat["mean_rate"] - 1e-9 or g.min_rate < mat["town_rate"] - 1e-9


def _theme_of(row: Mapping[str, Any], themes: Sequence[Mapping[str, Any]]) -> str:
    for key in ("level2", "level1"):
        for th in themes:
            if str(row.get(key)) in ((th.get("match") or {}).get(key) or []):
                return th["id"]
    return f"other:{row['level1']}"


def _themes(result, cfg: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The configured themes, then one ``other`` theme per level-1 dimension no theme covers."""
    themes = [dict(t) for t in cfg["themes"]]
    known = {t["id"] for t in themes}
    for level1 in result.level1.columns:
        tid = f"other:{level1}"
        if tid not in known:
            themes.append(
                {
                    "id": tid,
                    "title": str(level1),
                    "heading": cfg["other"]["heading"],
                    "advice": cfg["other"]["advice"],
                    "level1": str(level1),
                }
            )
    return themes


def _finance(case) -> str:
    base = report_findings.rules()
    return getattr(case, "department_short", None) or base["finance_bureau"]


def _towns_text(towns: Sequence[str], n_all: int) -> str:
    if len(towns) == n_all:
        return "各镇（街道）"
    if len(towns) > 4:
        return f"{'、'.join(towns[:4])}等{len(towns)}个镇（街道）"
    return "、".join(towns)


def find(result) -> Findings:
    """The problems and suggestions of a fiscal_operation report (see the module docstring)."""
    cfg = rules()
    case = result.case
    themes = _themes(result, cfg)
    by_id = {t["id"]: t for t in themes}
    all_gaps = gaps(result)
    by_code = {g.code: g for g in all_gaps}
    explicit = list(getattr(case, "findings", None) or [])
    claimed = {code for f in explicit for code in f.indicators}
    groups: dict[str, list[Gap]] = {}
    for g in all_gaps:
        if g.towns and g.code not in claimed:
            groups.setdefault(_theme_of(g.row, themes), []).append(g)

    problems: list[tuple[Problem, list[Gap]]] = []
    minor: list[str] = []
    for f in explicit:
        facts = [f.facts] if isinstance(f.facts, str) else list(f.facts)
        covered = [by_code[c] for c in f.indicators if c in by_code and by_code[c].towns]
        facts += [gap_fact(result, g, cfg) for g in covered]
        theme = f.theme if f.theme in by_id else None
        if theme is None and covered:
            theme = _theme_of(covered[0].row, themes)
        theme = theme or themes[-1]["id"]
        title = _clause(f.title)
        problems.append(
            (
                Problem(
                    theme=theme,
                    theme_title=by_id[theme]["title"],
                    heading=title + "。",
                    facts=tuple(dict.fromkeys(_clause(x) for x in facts if str(x).strip())),
                    causes=(_clause(f.cause),) if f.cause else (),
                    kind=f.kind,
                    codes=tuple(f.indicators),
                    lost=sum(g.lost for g in covered),
                    short=title.split("，")[0],
                    advice=f.advice,
                    responsible=f.responsible,
                ),
                covered,
            )
        )
    for th in themes:
        rows = groups.get(th["id"])
        if not rows:
            continue
        material = [g for g in rows if _material(g, th, cfg)]
        if not material:
            minor += [g.code for g in rows]
            continue
        material.sort(key=lambda g: -g.lost)
        rest = sorted((g for g in rows if g not in material), key=lambda g: -g.lost)
        first = material[0]
        _, first_short = cmp_text(first.row)
        if len(material) == 1:
            short = f"{first.name}{first_short}"
        else:
            short = f"{'、'.join(g.name for g in material[:3])}等指标未达到要求"
        level1 = th.get("level1") or str(first.row["level1"])
        problems.append(
            (
                Problem(
                    theme=th["id"],
                    theme_title=th["title"],
                    heading=th["heading"].format(
                        highlight=_highlight(result, first), level1=level1
                    ),
                    facts=tuple(gap_fact(result, g, cfg) for g in material + rest),
                    causes=(),
                    kind="basic" if th.get("always") else "loss",
                    codes=tuple(g.code for g in material + rest),
                    lost=sum(g.lost for g in rows),
                    short=short,
                ),
                material,
            )
        )
    cap = int(cfg["materiality"]["max_problems"])
    if len(problems) > cap:
        keep = sorted(
            range(len(problems)),
            key=lambda i: (problems[i][0].kind == "loss", -problems[i][0].lost),
        )[:cap]
        minor += [c for i, (p, _) in enumerate(problems) if i not in keep for c in p.codes]
        problems = [x for i, x in enumerate(problems) if i in keep]
    order = {t["id"]: i for i, t in enumerate(themes)}
    problems.sort(
        key=lambda x: (x[0].kind not in ("compliance", "safety", "audit"), order[x[0].theme])
    )
    advice = tuple(
        _advice(p, covered, i, result, by_id, cfg) for i, (p, covered) in enumerate(problems, 1)
    )
    return Findings(tuple(p for p, _ in problems), advice, tuple(minor))


def _advice(
    p: Problem, covered: list[Gap], number: int, result, by_id, cfg: Mapping[str, Any]
) -> Advice:
    theme = by_id[p.theme]
    entry = theme["advice"]
    towns = list(dict.fromkeys(t for g in covered for t in g.towns))
    who = p.responsible or (_towns_text(towns, len(result.raw)) if towns else "相关镇（街道）")
    clauses = entry.get("clauses") or {}
    levels = list(dict.fromkeys(str(g.row["level2"]) for g in covered))
    chosen = [clauses[x] for x in levels if x in clauses] or list(clauses.values())[:1]
    slots = {
        "towns": who,
        "short": p.short,
        "finance": _finance(result.case),
        "deadline": report_findings.rules()["deadline_placeholder"],
        "clauses": "；".join(chosen),
    }
    title = re.sub(r"\s+", "", entry["title"]).format(**slots)
    if p.advice:
        return Advice(number, title, _sentence(tidy(p.advice)))
    text = re.sub(r"\s+", "", entry["text"]).format(**slots)
    return Advice(number, title, _sentence(text))


def _clause(text: str) -> str:
    return tidy(str(text).strip().rstrip("。；;，,"))


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith(("。", "！", "？")) else text.rstrip("；;，,") + "。"


# ---------------------------------------------------------------------------------------------
# 主要成效, 指标分析, 综合评价结论, 其他需要说明的问题


def units_text(result) -> str:
    """The units evaluated: ``12个镇（街道）`` or ``12个镇（街道）和1个开发区``."""
    kinds = getattr(result, "kinds", None)
    n_zone = int((kinds == "开发区").sum()) if kinds is not None else 0
    n = len(result.raw) - n_zone
    return f"{n}个镇（街道）" + (f"和{n_zone}个开发区" if n_zone else "")


def _rates(result):
    """Towns × level-1 得分率 (%) and their means."""
    rate = result.level1 / result.level1_points * 100
    return rate, rate.mean()


def achievements(result, *, limit: int = 3) -> list[str]:
    """主要成效: the towns at the top with their scores, then the strongest dimensions with the
    indicators most towns met (numbers, not "met target" lines)."""
    t = result.ranking
    out = []
    top = t[t["rank"] <= 3]
    if len(top):
        names = "、".join(top["town"])
        scores = "、".join(f"{fmt.fixed(x)}分" for x in top["total"])
        best = result.bands.bands[0][0]
        n_best = int((result.grades == best).sum())
        text = f"{names}综合得分居前（{'分别为' if len(top) > 1 else ''}{scores}）"
        if n_best:
            text += f"，{n_best}个镇（街道）评价等级为“{best}”"
        out.append(text + "。")
    _, mean = _rates(result)
    n = len(result.raw)
    all_gaps = {g.code: g for g in gaps(result)}
    for dim in mean.sort_values(ascending=False).index:
        if len(out) >= limit or mean[dim] < 90:
            break
        rows = result.indicators[result.indicators["level1"] == dim].to_dict("records")
        met = sorted(
            ((n - len(all_gaps[r["code"]].towns), r) for r in rows),
            key=lambda x: -x[0],
        )
        parts = []
        for k, r in met[:2]:
            if k == 0:
                continue
            who = "各镇（街道）均" if k == n else f"{k}个镇（街道）"
            parts.append(f"{r['name']}{who}{met_text(r)}")
        text = f"{dim}方面总体较好，各镇（街道）平均得分率{fmt.fixed(mean[dim])}%"
        out.append(text + ("，其中" + "；".join(parts) if parts else "") + "。")
    return out


def dimension_analysis(result) -> list[tuple[str, str]]:
    """(level-1 name, paragraph) for 绩效评价指标分析: points, the towns' mean score and rate, the
    best and weakest towns, the indicators every town met, then each shortfall with its towns."""
    cfg = rules()
    rate, mean = _rates(result)
    all_gaps = {g.code: g for g in gaps(result)}
    out = []
    for dim in result.level1.columns:
        pts = float(result.level1_points[dim])
        avg = float(result.level1[dim].mean())
        r = rate[dim].round(2)
        text = (
            f"{dim}指标分值{fmt.num(pts)}分，各镇（街道）平均得分{fmt.fixed(avg)}分，"
            f"平均得分率{fmt.fixed(mean[dim])}%；{_extreme(r, r.max(), '最高')}，"
            f"{_extreme(r, r.min(), '最低')}。"
        )
        rows = result.indicators[result.indicators["level1"] == dim].to_dict("records")
        full = [x["name"] for x in rows if not all_gaps[x["code"]].towns]
        if full:
            text += f"{'、'.join(full)}各镇（街道）均达到目标。"
        short = [all_gaps[x["code"]] for x in rows if all_gaps[x["code"]].towns]
        if short:
            text += "；".join(gap_fact(result, g, cfg) for g in short) + "。"
        out.append((str(dim), text))
    return out


def _extreme(rate, value: float, word: str) -> str:
    """``得分率最高的是湖塘镇（100.00%）`` or, for a tie, ``湖塘镇、遥观镇得分率最高（均为100.00%）``."""
    towns = [t for t in rate.index if rate[t] == value]
    if len(towns) == 1:
        return f"得分率{word}的是{towns[0]}（{fmt.fixed(value)}%）"
    if len(towns) > 3:
        return f"{towns[0]}等{len(towns)}个镇（街道）得分率{word}（均为{fmt.fixed(value)}%）"
    return f"{'、'.join(towns)}得分率{word}（均为{fmt.fixed(value)}%）"


def _dimensions(result) -> str:
    _, mean = _rates(result)
    t = mean.sort_values(ascending=False, kind="stable")
    if len(t) < 2:
        return ""
    if t.max() - t.min() < 5:
        return "从各方面看，各方面得分较为均衡。"
    k = 2 if len(t) >= 4 else 1
    top, low = t.head(k), t.tail(k).iloc[::-1]
    word = "分别为" if k > 1 else "为"

    def rates(s):
        return "、".join(f"{fmt.fixed(x)}%" for x in s)

    return (
        f"从各方面看，{'、'.join(top.index)}平均得分率较高（{word}{rates(top)}），"
        f"{'、'.join(low.index)}相对薄弱（{word}{rates(low)}）。"
    )


def conclusion(result, fd: Findings | None = None) -> str:
    """综合评价结论 in official prose: mean, best and lowest towns, the grade distribution, the
    strongest and weakest dimensions, the leading problems, the towns graded low and where they
    lost, and how the results enter the transfer payment."""
    fd = fd if fd is not None else find(result)
    case = result.case
    t = result.ranking
    best, worst = t.iloc[0], t.iloc[-1]
    title = case.title if str(case.year) in case.title else f"{case.year}年度{case.title}"
    counts = result.grades.value_counts()
    dist = []
    for label, _ in result.bands.bands:
        k = int(counts.get(label, 0))
        if k:
            dist.append(f"“{label}”{k}个")
    text = (
        f"经评价，{title}财政运行综合绩效平均得分{fmt.fixed(result.totals.mean())}分，"
        f"参评{units_text(result)}中得分最高的是{best['town']}（{fmt.fixed(best['total'])}分），"
        f"最低的是{worst['town']}（{fmt.fixed(worst['total'])}分）；评价等级为{'、'.join(dist)}。"
    )
    text += _dimensions(result)
    probs = fd.problems[:3]
    if probs:
        themes = [p.theme_title for p in probs]
        shown = "、".join(themes[:-1]) + "和" + themes[-1] if len(themes) > 1 else themes[0]
        facts = "；".join(_clause(p.heading).split("，", 1)[-1] for p in probs)
        text += f"各镇（街道）在{shown}等方面存在不足：{facts}。"
    low_labels = [label for label, _ in result.bands.bands[2:]]
    low = t[t["grade"].isin(low_labels)]
    if len(low):
        rate, _ = _rates(result)
        weak = rate.loc[list(low["town"])].mean().sort_values().head(2)
        grades = "、".join(dict.fromkeys(low["grade"]))
        text += (
            f"{'、'.join(low['town'])}评价等级为“{grades}”，"
            f"主要在{'、'.join(weak.index)}方面失分较多。"
        )
    if result.allocation is not None:
        a = result.allocation
        alloc = case.allocation
        name = tidy(alloc.name or "转移支付资金")
        if a["award"].sum() > 0:
            text += (
                f"{name}（{fmt.fixed(alloc.total)}{alloc.unit}）中的均衡性基础额"
                f"{fmt.fixed(a['base'].sum())}{alloc.unit}按需求因素分配，不与评价结果挂钩；"
                f"绩效奖补{fmt.fixed(a['award'].sum())}{alloc.unit}按各镇（街道）可控的"
                f"{'、'.join(n for n, _ in result.award.areas)}等管理工作得分分配。"
            )
        else:
            text += f"{name}（{fmt.fixed(alloc.total)}{alloc.unit}）全部按需求因素分配，不与评价结果挂钩。"
    return text


def other_matters(result) -> list[str]:
    """其他需要说明的问题: the framework's status, relative indicators, the allocation rule's
    status, the case's limitations and the data sources."""
    case = result.case
    out = [
        "指标体系和等级标准。财政运行综合绩效评价没有全国统一的指标体系和等级标准："
        + (
            "本评价的指标、分值、目标值和计分标准由评价方案确定。"
            if case.indicators
            else "一级指标采用政策文件列明的四个方面，二级指标、具体指标、分值、目标值、计分标准"
            "和等级分数段为本评价采用的口径（待核实），应按本地评价方案调整。"
        )
    ]
    for r in result.indicators[result.indicators["relative"] == "mean"].to_dict("records"):
        avg = result.raw[r["code"]].mean()
        out.append(
            f"相对水平指标。{r['name']}按本镇（街道）数值与参评各镇（街道）平均值"
            f"（{fmt.num(avg)}{r['raw_unit'] or ''}）之比计分，随参评范围变化而变化。"
        )
    if result.allocation is not None:
        out.append(
            "分配办法。因素法是转移支付分配的常用方法；政策文件只要求评价结果与转移支付分配挂钩，"
            "未规定分配公式。均衡性基础额与绩效奖补分设、奖补比例、奖补指标和起奖分为本评价采用的口径"
            "（待核实），详见附件2。"
        )
    work = getattr(case, "work", None)
    if work is not None and work.limitations:
        out += [_sentence(tidy(x)) for x in work.limitations]
    else:
        out.append("评价的局限。（未提供）")
    out.append(
        "数据来源。评价数据为各镇（街道）的年度指标数据"
        + ("，来源见“基本情况”" if case.overview and "来源" in case.overview else "")
        + "；数据采集和核实情况（未提供）。"
    )
    return out


def conclusions(result, fd: Findings | None = None) -> dict[str, list[str]]:
    """主要成效, 存在问题, 有关建议 for results.json: the problems as paragraphs, one suggestion per
    problem, plus the case's own ``conclusions:``."""
    from methods.report import with_case_conclusions

    fd = fd if fd is not None else find(result)
    return with_case_conclusions(
        result.case,
        achievements(result),
        [p.text() for p in fd.problems],
        [f"{a.heading()}：{a.text}" for a in fd.advice],
        no_problem="各镇（街道）各项指标均达到目标，未发现明显问题。",
        no_suggestion="保持财政运行良好态势，持续跟踪各项指标。",
    )
