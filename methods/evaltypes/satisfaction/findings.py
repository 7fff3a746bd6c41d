"""What a 满意度调查分析报告 finds: 存在的问题 (the overall index against its target, the weak
dimensions, other low-scoring items, groups that differ), one 改进建议 per problem naming who
acts, the 总体结论 paragraph and 其他需要说明的问题, all in plain words with the numbers.

A dimension is weak when its index is below the overall index and either its confidence interval
lies below it or it misses the indicator's target; an item outside the weak dimensions is low on
the same test. Groups are a problem when the design-based test finds a difference (α = 0.05);
only published groups are named (groups withheld by the disclosure control never are). Answers
of 不了解/不适用 are not a problem of the service: they are stated as a limitation. Causes come
only from the case's own ``findings:``: a survey measures opinion, not why.

The advice catalogue (:data:`ADVICE`) is data with its source and status.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from methods import _format as fmt
from methods.evaltypes.satisfaction.privacy import MERGED_GROUPS
from methods.report import findings as report_findings
from methods.report.findings import Advice, Findings, Problem, tidy

__all__ = [
    "ADVICE",
    "achievements",
    "conclusion",
    "conclusions",
    "find",
    "low_items",
    "measure",
    "other_matters",
    "value",
    "weak_dimensions",
]

# 改进建议 by kind of problem; slots: {dept} (the department's short name, else its name),
# {finance} (the finance bureau), {deadline}, {focus}, {items}, {dim}, {ipa}, {groups}, {group},
# {indicator}. Source: 评价报告写作规则（一问题一建议，建议写明责任主体和措施）; status: 实务做法.
ADVICE: dict[str, dict[str, str]] = {
    "status": {"status": "practice", "source": "评价报告写作规则（一问题一建议）"},
    "target": {
        "title": "以薄弱环节为重点提升服务质量",
        "text": "建议{dept}以{focus}为重点制定服务改进方案，明确改进目标、责任和完成时限，"
        "于{deadline}前报{finance}；下一年度继续开展满意度调查，跟踪{indicator}达标情况。",
    },
    "dimension": {
        "title": "改进{dim}，补齐服务短板",
        "text": "建议{dept}对{items}评价偏低的原因逐项回访核实，{ipa}制定针对性改进措施并明确"
        "完成时限；在下一年度绩效目标中设置反映{dim}的服务质量指标。",
    },
    "items": {
        "title": "针对评价较低的事项落实改进",
        "text": "建议{dept}对{items}评价偏低的原因开展回访核实，制定改进措施并明确完成时限，"
        "于{deadline}前将落实情况报{finance}。",
    },
    "groups": {
        "title": "关注满意度较低的{group}，缩小服务差距",
        "text": "建议{dept}对{groups}等满意度较低的{group}开展回访，查找服务短板，"
        "制定针对性改进措施，并在下次调查中跟踪其变化。",
    },
    "other": {
        "title": "针对{short}落实整改",
        "text": "建议{dept}对{short}的原因逐项核实，制定改进措施并明确完成时限，"
        "于{deadline}前将落实情况报{finance}。",
    },
}

_NAMES = {"rate": "满意率", "likert_points": "满意度指数", "rescaled": "满意度指数"}


def measure(p) -> str:
    """What the index is called in prose (满意率, 满意度指数)."""
    return _NAMES.get(p.spec.method, "满意度")


def value(p, x: float) -> str:
    """An index value as the report writes it: ``82.54%`` (满意率) or ``80.66分``."""
    return f"{fmt.fixed(x)}{'%' if p.spec.method == 'rate' else '分'}"


def given(p, x: float) -> str:
    """A value the case gives (a target) at its own precision: ``90%``, ``85分``."""
    return f"{fmt.num(x)}{'%' if p.spec.method == 'rate' else '分'}"


def _q(label: str) -> str:
    return "“" + str(label).replace("“", "‘").replace("”", "’") + "”"


def _table(a, level: str) -> pd.DataFrame:
    t = a.index.table
    return t[t["level"] == level]


def _target(a) -> float | None:
    return None if a.indicator is None else float(a.indicator["target"])


def weak_dimensions(a, limit: int = 2) -> list[pd.Series]:
    """Dimensions below the overall index whose interval lies below it or that miss the target,
    lowest first."""
    ov = float(a.overall["estimate"])
    target = _target(a)
    out = []
    for _, r in _table(a, "dimension").sort_values("estimate").iterrows():
        est = float(r["estimate"])
        if est >= ov:
            continue
        if float(r["ci_high"]) < ov or (target is not None and est < target):
            out.append(r)
    return out[:limit]


def low_items(a, exclude: Sequence[str] = ()) -> list[pd.Series]:
    """Items outside ``exclude`` (columns) below the overall index whose interval lies below it
    or that miss the target, lowest first."""
    ov = float(a.overall["estimate"])
    target = _target(a)
    out = []
    for _, r in _table(a, "item").sort_values("estimate").iterrows():
        if r["name"] in exclude:
            continue
        est = float(r["estimate"])
        if est < ov and (float(r["ci_high"]) < ov or (target is not None and est < target)):
            out.append(r)
    return out


def _ipa_priority(a) -> list[str]:
    """Items in the IPA's 重点改进 quadrant (columns)."""
    if a.ipa is None:
        return []
    return list(a.ipa.loc[a.ipa["quadrant"] == "重点改进", "item"])


def _answered(a, item: str) -> str | None:
    """``有效回答222份（251人回答不了解或不适用）`` when fewer than 60% of respondents answered."""
    p = a.prepared
    c = p.counts.set_index("item").loc[item]
    if c["valid"] >= 0.6 * p.n or not c["not_applicable"]:
        return None
    return f"{_q(p.labels[item])}有效回答{int(c['valid'])}份（{int(c['not_applicable'])}人回答不了解或不适用）"


def _reverse_note(p, cols: Sequence[str]) -> list[str]:
    """A fact for reverse-worded items among ``cols``: their score was reversed (a higher score
    means the negative statement holds less often)."""
    rev = [c for c in cols if c in p.reverse]
    if not rev:
        return []
    return [
        "、".join(_q(p.labels[c]) for c in rev)
        + "为反向表述题，已反向计分，得分越低表示所述情况越常见"
    ]


def _significant_groups(a) -> list[tuple[str, pd.DataFrame, float]]:
    """(group variable, its published groups by index, p) for the design-based tests of the
    numeric score that find a difference, smallest p first; withheld groups never appear."""
    out = []
    for c in a.comparisons:
        if c.kind != "numeric" or not c.p_value < 0.05:
            continue
        bg = a.by_group.get(c.group)
        if bg is None:
            continue
        rows = bg[
            (bg["level"] == "overall")
            & ~bg["suppressed"].astype(bool)
            & (bg["group"] != MERGED_GROUPS)
        ]
        rows = rows[rows["estimate"].notna()].sort_values("estimate", kind="stable")
        if len(rows) >= 2:
            out.append((c.group, rows, float(c.p_value)))
    return sorted(out, key=lambda x: x[2])


def _dept(case) -> str:
    return getattr(case, "department_short", None) or case.department


def _clause(text: str) -> str:
    return tidy(str(text).strip().rstrip("。；;，,"))


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith(("。", "！", "？")) else text.rstrip("；;，,") + "。"


def _listing(p, rows: Sequence[pd.Series], limit: int = 4) -> str:
    shown = "、".join(
        f"{_q(p.labels.get(r['name'], r['name']))}{value(p, r['estimate'])}" for r in rows[:limit]
    )
    return shown + ("等" if len(rows) > limit else "")


def find(a) -> Findings:
    """The problems and suggestions of a satisfaction report (see the module docstring)."""
    p = a.prepared
    case = a.case
    what = measure(p)
    pct = fmt.num(p.spec.conf_level * 100)
    ov = a.overall
    target = _target(a)
    item_rows = _table(a, "item")
    priority = _ipa_priority(a)
    problems: list[tuple[Problem, dict[str, Any]]] = []

    problems += [
        (report_findings.stated_problem(f, theme="other"), {})
        for f in getattr(case, "findings", None) or []
    ]
    claimed = {c for f in getattr(case, "findings", None) or [] for c in f.indicators}

    weak = [d for d in weak_dimensions(a) if d["name"] not in claimed]
    weak_items = [c for d in weak for c in p.dimensions.get(d["name"], [])]
    low = [r for r in low_items(a, exclude=weak_items) if r["name"] not in claimed]

    if a.indicator is not None and float(a.indicator["actual"]) < target:
        ind = a.indicator
        facts = [
            f"{what}{value(p, ind['actual'])}，未达到{given(p, target)}的目标"
            f"（{pct}%置信区间{value(p, ov['ci_low'])}–{value(p, ov['ci_high'])}）",
        ]
        if float(ov["ci_high"]) >= target:
            facts.append("目标值在置信区间内，考虑抽样误差，尚不能认定与目标存在实质差距")
        facts.append(
            f"按目标值计，{ind['name']}指标得{fmt.fixed(ind['points'])}分（满分{fmt.num(ind['weight'])}分）"
        )
        below = _table(a, "dimension")
        below = below[below["estimate"] < target].sort_values("estimate")
        if len(below):
            facts.append(
                "从各维度看，"
                + "、".join(f"{r['name']}{value(p, r['estimate'])}" for _, r in below.iterrows())
                + f"{'均' if len(below) > 1 else ''}低于目标值"
            )
        focus = [d["name"] for d in weak] or [p.labels[r["name"]] for r in low[:2]]
        problems.append(
            (
                Problem(
                    theme="target",
                    theme_title="满意度目标完成",
                    heading=f"{ind['name']}未达到目标，{what}{value(p, ind['actual'])}，"
                    f"低于{given(p, target)}的目标值。",
                    facts=tuple(facts),
                    causes=(),
                    kind="loss",
                    codes=(),
                    lost=float(ind["weight"]) - float(ind["points"]),
                    short=f"{what}未达到目标",
                ),
                {
                    "focus": "、".join(focus) if focus else "评价较低的服务事项",
                    "indicator": ind["name"],
                },
            )
        )

    for d in weak:
        cols = p.dimensions.get(d["name"], [])
        sub = item_rows[item_rows["name"].isin(cols)].sort_values("estimate", kind="stable")
        rows = [r for _, r in sub.iterrows()]
        facts = [
            f"{d['name']}维度{what}{value(p, d['estimate'])}，低于总体水平（{value(p, ov['estimate'])}）"
            + (
                f"和{given(p, target)}的目标值"
                if target is not None and d["estimate"] < target
                else ""
            )
        ]
        if rows:
            facts.append("该维度各题目中，" + _listing(p, rows))
        prio = [c for c in cols if c in priority]
        if prio:
            facts.append(
                "、".join(_q(p.labels[c]) for c in prio)
                + "受访者认为重要程度较高而评价偏低，属于优先改进事项"
            )
        facts += [x for x in (_answered(a, c) for c in cols) if x]
        facts += _reverse_note(p, [r["name"] for r in rows])
        lowest = rows[0] if rows else None
        heading = f"{d['name']}评价偏低"
        if lowest is not None:
            heading += f"，{_q(p.labels[lowest['name']])}{what}仅为{value(p, lowest['estimate'])}"
        problems.append(
            (
                Problem(
                    theme="dimension",
                    theme_title=str(d["name"]),
                    heading=heading + "。",
                    facts=tuple(facts),
                    causes=(),
                    kind="loss",
                    codes=tuple(cols),
                    lost=0.0,
                    short=f"{d['name']}评价偏低",
                ),
                {
                    "dim": str(d["name"]),
                    "items": "、".join(_q(p.labels[c]) for c in cols),
                    "ipa": (
                        f"优先改进{'、'.join(_q(p.labels[c]) for c in prio)}，" if prio else ""
                    ),
                },
            )
        )

    if low:
        labels = [_q(p.labels[r["name"]]) for r in low]
        facts = [
            f"{_listing(p, low)}，低于总体水平（{value(p, ov['estimate'])}）"
            + (f"和{given(p, target)}的目标值" if target is not None else "")
        ]
        prio = [r["name"] for r in low if r["name"] in priority]
        if prio:
            facts.append(
                "、".join(_q(p.labels[c]) for c in prio)
                + "受访者认为重要程度较高而评价偏低，属于优先改进事项"
            )
        facts += [x for x in (_answered(a, r["name"]) for r in low) if x]
        facts += _reverse_note(p, [r["name"] for r in low])
        first = low[0]
        problems.append(
            (
                Problem(
                    theme="items",
                    theme_title="部分服务事项",
                    heading=f"部分服务事项评价偏低，{_q(p.labels[first['name']])}{what}为"
                    f"{value(p, first['estimate'])}。",
                    facts=tuple(facts),
                    causes=(),
                    kind="loss",
                    codes=tuple(r["name"] for r in low),
                    lost=0.0,
                    short=f"{'、'.join(labels[:3])}评价偏低",
                ),
                {"items": "、".join(labels)},
            )
        )

    for g, rows, _ in _significant_groups(a)[:2]:
        lows = rows[rows["estimate"] < float(ov["estimate"])].head(3)
        if lows.empty:
            lows = rows.head(1)
        high = rows.iloc[-1]
        listing = "、".join(f"{r['group']}{value(p, r['estimate'])}" for _, r in lows.iterrows())
        facts = [
            f"不同{g}之间满意度的差异具有统计显著性（显著性水平0.05）：{listing}，"
            f"低于总体水平（{value(p, ov['estimate'])}），{high['group']}最高（{value(p, high['estimate'])}）"
        ]
        first = lows.iloc[0]
        problems.append(
            (
                Problem(
                    theme="groups",
                    theme_title=f"不同{g}",
                    heading=f"不同{g}之间满意度差异明显，{first['group']}最低，为{value(p, first['estimate'])}。",
                    facts=tuple(facts),
                    causes=(),
                    kind="loss",
                    codes=(),
                    lost=0.0,
                    short=f"不同{g}之间满意度差异明显",
                ),
                {"groups": "、".join(lows["group"].astype(str)), "group": str(g)},
            )
        )

    cap = int(report_findings.rules()["materiality"]["max_problems"])
    problems = problems[:cap]
    advice = tuple(_advice(pr, slots, i, case) for i, (pr, slots) in enumerate(problems, 1))
    return Findings(tuple(pr for pr, _ in problems), advice)


def _advice(p: Problem, slots: dict[str, Any], number: int, case) -> Advice:
    entry = ADVICE.get(p.theme, ADVICE["other"])
    base = report_findings.rules()
    values = {
        "dept": p.responsible or _dept(case),
        "finance": base["finance_bureau"],
        "deadline": base["deadline_placeholder"],
        "short": p.short,
        "focus": "",
        "items": "",
        "dim": "",
        "ipa": "",
        "groups": "",
        "group": "",
        "indicator": "满意度指标",
        **slots,
    }
    title = re.sub(r"\s+", "", entry["title"]).format(**values)
    if p.advice:
        return Advice(number, title, _sentence(tidy(p.advice)))
    return Advice(number, title, _sentence(re.sub(r"\s+", "", entry["text"]).format(**values)))


# ---------------------------------------------------------------------------------------------
# 总体结论, 主要结果, 其他需要说明的问题


def _dimensions_sentence(a) -> str:
    p = a.prepared
    d = _table(a, "dimension").sort_values("estimate", ascending=False, kind="stable")
    if len(d) < 2:
        return ""
    if d["estimate"].max() - d["estimate"].min() < 5:
        return "从各维度看，各维度评价较为均衡。"
    k = 2 if len(d) >= 4 else 1
    top, low = d.head(k), d.tail(k).iloc[::-1]
    word = "分别为" if k > 1 else "为"

    def vals(x):
        return "、".join(value(p, v) for v in x["estimate"])

    return (
        f"从各维度看，{'、'.join(top['name'])}评价较高（{word}{vals(top)}），"
        f"{'、'.join(low['name'])}相对薄弱（{word}{vals(low)}）。"
    )


def _item_names(p, rows: pd.DataFrame) -> str:
    return "、".join(
        f"{_q(p.labels.get(r['name'], r['name']))}（{value(p, r['estimate'])}）"
        for _, r in rows.iterrows()
    )


def conclusion(a) -> str:
    """总体结论 in plain words: respondents, the overall index with its interval against the
    target (and the indicator points), strongest and weakest dimensions, highest and lowest
    items, groups that differ."""
    p = a.prepared
    what = measure(p)
    pct = fmt.num(p.spec.conf_level * 100)
    ov = a.overall
    n = int(ov["n_respondents"])
    text = (
        f"本次调查共获得有效问卷{n}份。调查显示，受访者总体{what}为{value(p, ov['estimate'])}"
        f"（{pct}%置信区间{value(p, ov['ci_low'])}–{value(p, ov['ci_high'])}）"
    )
    if a.indicator is not None:
        ind = a.indicator
        met = float(ind["actual"]) >= float(ind["target"])
        text += (
            f"，{'达到' if met else '未达到'}{given(p, ind['target'])}的目标；按目标值计，"
            f"{ind['name']}指标得{fmt.fixed(ind['points'])}分（满分{fmt.num(ind['weight'])}分）。"
        )
    else:
        text += "。"
    text += _dimensions_sentence(a)
    items = _table(a, "item").sort_values("estimate", ascending=False, kind="stable")
    if len(items) >= 4:
        text += (
            f"评价最高的题目为{_item_names(p, items.head(2))}，"
            f"最低的为{_item_names(p, items.tail(2).iloc[::-1])}。"
        )
    groups = [g for g, _, _ in _significant_groups(a)]
    if groups:
        text += f"不同{'、'.join(groups)}之间的满意度差异具有统计显著性。"
    return tidy(text)


def achievements(a) -> list[str]:
    """What the survey shows went well: the overall index (and target met), the best
    dimension and the highest items, with their numbers."""
    p = a.prepared
    what = measure(p)
    ov = a.overall
    out = [
        f"总体{what}为{value(p, ov['estimate'])}（{fmt.num(p.spec.conf_level * 100)}%置信区间"
        f"{value(p, ov['ci_low'])}–{value(p, ov['ci_high'])}），有效问卷{int(ov['n_respondents'])}份。"
    ]
    if a.indicator is not None and float(a.indicator["actual"]) >= float(a.indicator["target"]):
        out.append(f"达到{given(p, a.indicator['target'])}的满意度目标。")
    d = _table(a, "dimension").sort_values("estimate", ascending=False)
    if len(d) >= 2:
        out.append(f"各维度中{d.iloc[0]['name']}评价最高，为{value(p, d.iloc[0]['estimate'])}。")
    items = _table(a, "item").sort_values("estimate", ascending=False)
    if len(items):
        out.append(f"评价最高的题目为{_item_names(p, items.head(2))}。")
    return out


def other_matters(a) -> list[str]:
    """其他需要说明的问题: sampling error, items few answered, reliability of the dimensions,
    the disclosure control, the case's limitations, data sources and personal data."""
    p = a.prepared
    s = a.sample
    pct = fmt.num(p.spec.conf_level * 100)
    out = [
        f"抽样误差。满意度为抽样估计值，总体{measure(p)}的{pct}%置信区间半宽约"
        f"{fmt.fixed(s['achieved_margin'])}个百分点"
        + (
            "，达到预定精度"
            if s["adequate"]
            else f"，未达到±{fmt.num(p.spec.margin * 100)}个百分点的预定精度"
        )
        + "；分组和题目结果的样本较少，误差更大，详见附件。"
    ]
    few = [x for x in (_answered(a, c) for c in p.items) if x]
    if few:
        out.append(
            "不了解/不适用的回答。"
            + "；".join(few)
            + "。这些回答不计入满意度，相应题目的结果只反映作答者的评价，抽样误差较大。"
        )
    if a.alpha is not None:
        low = {k: v.alpha for k, v in a.alpha_dimensions.items() if v.alpha < 0.6}
        text = f"问卷信度。问卷整体内部一致性信度系数为{fmt.fixed(a.alpha.alpha)}"
        text += "（0.8以上为良好）" if a.alpha.alpha >= 0.8 else "（低于0.8，解释结果时需谨慎）"
        if low:
            text += (
                f"；{'、'.join(low)}维度题目较少、信度系数偏低（"
                + "、".join(fmt.fixed(v) for v in low.values())
                + "），维度层面的结果宜结合题目结果解读"
            )
        out.append(text + "。")
    if a.suspicious_reverse:
        out.append(
            "题目方向。"
            + "、".join(_q(p.labels[c]) for c in a.suspicious_reverse)
            + "与其余题目总体呈反向关系，问卷表述方向有待核实。"
        )
    if any(a.withheld.values()):
        out.append(
            f"统计披露控制。受访者少于{p.spec.min_cell}人的分组不单独报告满意度，"
            "为防止推算，相应分组合并显示、不列组名；总体、维度和题目结果包含全部受访者。"
        )
    work = getattr(a.case, "work", None)
    if work is not None and work.limitations:
        out += [_sentence(tidy(x)) for x in work.limitations]
    else:
        out.append("调查的局限。（未提供）")
    if p.spec.method == "likert_points":
        out.append("计分方法。各等级赋分采用常见做法，尚无官方文件依据（待核实），详见附件。")
    out.append(
        "数据来源与个人信息保护。调查数据来源于受访者答卷；答卷含个人信息，只在分析时读取，"
        "报告仅含汇总结果，原始答卷不随报告存档。"
    )
    return out


def conclusions(a, fd: Findings | None = None) -> dict[str, list[str]]:
    """主要结果, 存在问题, 改进建议 for results.json: the problems as paragraphs, one
    suggestion per problem, plus the case's own ``conclusions:``."""
    from methods.report import with_case_conclusions

    fd = fd if fd is not None else find(a)
    return with_case_conclusions(
        a.case,
        achievements(a),
        [pr.text() for pr in fd.problems],
        [f"{x.heading()}：{x.text}" for x in fd.advice],
        no_problem="未发现明显问题。",
        no_suggestion="保持现有服务水平，持续开展满意度跟踪调查。",
    )
