"""The report of a target review (绩效目标评审报告): its nine sections as document blocks, the
chart, the conclusions and ``results.json``."""

from __future__ import annotations

from typing import Any

from methods import _format as fmt
from methods.evaltypes.target_review.analysis import (
    DIRECTIONS,
    ReviewResult,
    _blank,
    _target_shown,
    is_quantitative,
    rules_data,
)
from methods.report import blocks
from methods.report.document import (
    BulletList,
    Callout,
    Cell,
    Document,
    Paragraph,
    Section,
    Span,
    Table,
)

MISSING_TONE = "#c0392b"


def _missing(text: str = "（缺）") -> Span:
    """A missing item of the sheet, in red."""
    return Span(text, tone=MISSING_TONE)


# ---------------------------------------------------------------------------------------------
# 一、项目与绩效目标概况


def section_overview(result: ReviewResult) -> Section:
    """一、项目与绩效目标概况"""
    case = result.case
    b = case.budget
    s = result.structure
    amount = None
    if b is not None:
        value = b.planned if b.planned is not None else b.allocated
        amount = None if value is None else f"{fmt.fixed(value)} {b.unit}"
    pairs = [
        ("项目名称", case.title),
        ("主管部门（单位）", case.department),
        ("预算年度", f"{case.year} 年"),
        ("申请预算", amount),
        ("评审组织", case.reviewer),
        (
            "绩效指标",
            f"共 {len(case.indicators)} 项：产出 {s['产出指标']}、成本 {s['成本指标']}、"
            f"效益 {s['效益指标']}、满意度 {s['满意度指标']}；定量 {s['定量指标']}、定性 {s['定性指标']}",
        ),
    ]
    parts: list[Any] = []
    if case.overview:
        parts.append(Paragraph(case.overview))
    parts.append(Table.kv(pairs))
    goal = case.goal if not _blank(case.goal) else None
    parts.append(
        Paragraph([Span("年度总体目标：", strong=True), goal if goal else _missing("（未填写）")])
    )
    return Section("一、项目与绩效目标概况", parts)


# ---------------------------------------------------------------------------------------------
# 二、评审结论


def section_verdict(result: ReviewResult) -> Section:
    """二、评审结论"""
    c = result.cutoffs
    card = Callout(
        "score",
        [
            Paragraph(
                f"结论分档：评审得分 ≥ {fmt.num(c['通过'])} 通过，"
                f"{fmt.num(c['修改后通过'])}–{fmt.num(c['通过'])} 修改后通过，"
                f"< {fmt.num(c['修改后通过'])} 不通过（{rules_data()['verdicts']['status']}）。",
                "meta",
            )
        ],
        total=fmt.num(result.score),
        grade=result.verdict,
        grade_class={"通过": "a", "修改后通过": "c", "不通过": "d"}.get(result.verdict or ""),
        grade_label="评审结论",
    )
    parts: list[Any] = [card]
    n = len(result.problems)
    text = f"评审共发现 {n} 个问题" + (
        f"，合计扣 {fmt.num(sum(p.deduction for p in result.problems))} 分。" if n else "。"
    )
    if result.verdict != result.verdict_by_score or result.caps:
        text += f"按得分应为“{result.verdict_by_score}”，但存在以下问题，结论为“{result.verdict}”："
        parts += [Paragraph(text), BulletList(result.caps)]
    else:
        parts.append(Paragraph(text))
    advice = {
        "通过": "绩效目标可随预算一并批复；评审意见中的问题请在批复前完善。",
        "修改后通过": "请按评审意见修改绩效目标申报表，经复核后随预算批复。",
        "不通过": "绩效目标不符合要求，按“无目标不安排预算”的要求暂不安排预算，修改后重新申报评审。",
    }[result.verdict]
    parts.append(Paragraph(advice))
    if result.notes:
        parts.append(Paragraph(" ".join(result.notes), "note"))
    return Section("二、评审结论", parts)


# ---------------------------------------------------------------------------------------------
# 三、评审计分


def plot_criteria(result: ReviewResult, ax=None):
    """Score against points per review dimension (horizontal bars); returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    rows = result.dimension_table()[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.55 * len(rows) + 1.4))
    names = [r["dimension"] for r in rows]
    pts = [r["points"] for r in rows]
    sc = [r["score"] for r in rows]
    ax.barh(names, pts, color="#E4E8EE", height=0.55, label="分值")
    ax.barh(names, sc, color="#2F6DB5", height=0.55, label="得分")
    for y, (s, p) in enumerate(zip(sc, pts, strict=True)):
        ax.text(p + max(pts) * 0.01, y, f"{s:.2f} / {p:g}", va="center", fontsize=9)
    ax.set_xlim(0, max(pts) * 1.25)
    ax.set_xlabel("分")
    ax.set_title("各维度评审得分")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def criteria_table(result: ReviewResult) -> Table:
    """Points and score per review criterion, with the total."""
    rows = []
    for c in result.criteria:
        rows.append(
            [
                c.dimension,
                c.id,
                c.name,
                fmt.num(c.points),
                fmt.fixed(c.score) if c.score is not None else (c.note or "—"),
                str(c.problems),
                c.status,
            ]
        )
    rows.append(
        [
            "合计",
            "",
            "（适用要点）",
            fmt.num(result.points_applicable),
            fmt.fixed(result.points_won),
            str(len(result.problems)),
            "",
        ]
    )
    header = ["维度", "编号", "评审要点", "分值", "得分", "问题数", "依据状态"]
    note = (
        f"逐项扣分、扣完为止；定量指标占比要点按“实际占比 ÷ "
        f"{fmt.pct(result.min_share * 100, 0)}”比例得分（不超过满分）。"
        "依据状态：reg 法规文件，local 地方规定，practice 实务通行做法，unverified 常见做法但未核实原文。"
    )
    widths = (0.8, 0.5, 2.6, 0.6, 0.7, 0.6, 0.9)
    return Table(rows, header, numeric=(3, 4, 5), note=note, widths=widths)


def section_criteria(result: ReviewResult) -> Section:
    """三、评审计分"""
    ax = plot_criteria(result)
    dims = result.dimension_table()
    return Section(
        "三、评审计分",
        [
            Paragraph("按完整性、相关性、可衡量性、适当性、可行性五个维度的评审要点逐项计分。"),
            criteria_table(result),
            blocks.chart(
                ax.figure,
                "各维度评审得分",
                f"条形图：{'、'.join(d['dimension'] for d in dims)}各维度的得分与分值对比",
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 四、评审意见


def section_comments(result: ReviewResult) -> Section:
    """四、评审意见"""
    parts: list[Any] = [Paragraph("逐项列出评审发现的问题、对应的评审意见和扣分。")]
    if not result.problems:
        parts.append(Paragraph("未发现问题，绩效目标申报表符合评审要求。"))
    else:
        rows = [
            [
                str(k),
                f"{p.criterion} {p.dimension}",
                p.name or "（整体）",
                p.problem,
                p.comment,
                fmt.num(p.deduction),
            ]
            for k, p in enumerate(result.problems, 1)
        ]
        header = ["序号", "评审要点", "指标", "存在问题", "评审意见", "扣分"]
        widths = (0.55, 1.1, 1.2, 2.6, 2.7, 0.7)
        parts.append(Table(rows, header, numeric=(0, 5), widths=widths))
    return Section("四、评审意见", parts)


# ---------------------------------------------------------------------------------------------
# 五、指标值合理性比对


def comparisons_table(result: ReviewResult) -> Table | Paragraph:
    """Targets against history and benchmarks (a sentence when the sheet gives neither)."""
    if not result.comparisons:
        return Paragraph(
            "目标表未提供历史值或标杆值，未进行比对（建议在申报表中注明指标值的取值依据）。"
        )
    rows = []
    for c in result.comparisons:
        hist = "；".join(f"{y} 年 {fmt.with_unit(v, c['unit'])}" for y, v in c["history"].items())
        bench = "—"
        if c["benchmark"] is not None:
            bench = fmt.with_unit(c["benchmark"], c["unit"])
            if c["benchmark_source"]:
                bench += f"（{c['benchmark_source']}）"
        target = c["target"]
        shown = (
            fmt.with_unit(target, c["unit"])
            if isinstance(target, int | float | list)
            else str(target)
        )
        rows.append(
            [
                c["name"],
                DIRECTIONS.get(c["rule"] or "", "（缺）") + " " + shown,
                hist or "—",
                bench,
                "；".join(c["findings"]) or "合理",
            ]
        )
    header = ["指标", "指标值", "历史实际值", "标杆值", "比对结论"]
    note = (
        f"正向指标的指标值低于上年实际值视为偏低，高于历史最好水平的 "
        f"{fmt.num(result.stretch)} 倍视为偏高、可行性存疑，低于标杆值视为偏低；反向指标相反（unverified）。"
    )
    return Table(rows, header, note=note, widths=(1.3, 1.1, 1.6, 1.6, 2.6))


def section_comparisons(result: ReviewResult) -> Section:
    """五、指标值合理性比对"""
    return Section(
        "五、指标值合理性比对",
        [Paragraph("将指标值与申报表给出的历史实际值、标杆值比较。"), comparisons_table(result)],
    )


# ---------------------------------------------------------------------------------------------
# 六、绩效目标申报表


def sheet_table(result: ReviewResult) -> Table:
    """The target sheet as submitted, missing items marked."""
    problems_by_code: dict[str, list[str]] = {}
    for p in result.problems:
        if p.code:
            problems_by_code.setdefault(p.code, []).append(p.criterion)
    header = ["一级指标", "二级指标", "三级指标", "方向", "指标值", "单位", "数据来源", "评审"]
    rows = []
    for ind in result.case.indicators:
        quant = is_quantitative(ind)
        rows.append(
            [
                ind.level1,
                ind.level2 if ind.level2 else "—",
                ind.name,
                DIRECTIONS[ind.rule] if ind.rule else Cell(_missing()),
                _target_shown(ind) if not _blank(ind.target) else Cell(_missing()),
                ind.unit if not _blank(ind.unit) else (Cell(_missing()) if quant else "—"),
                ind.source if not _blank(ind.source) else Cell(_missing()),
                "、".join(problems_by_code.get(ind.code, [])) or "✓",
            ]
        )
    note = "“（缺）”为申报表缺项；“评审”列为该指标涉及问题的评审要点编号。"
    return Table(rows, header, note=note, widths=(0.9, 1.1, 1.5, 0.6, 1.4, 0.8, 1.3, 0.6))


def section_sheet(result: ReviewResult) -> Section:
    """六、绩效目标申报表"""
    return Section("六、绩效目标申报表", [sheet_table(result)])


# ---------------------------------------------------------------------------------------------
# 七、目标调整情况

_ADJUSTED = {
    "target": "指标值",
    "unit": "计量单位",
    "name": "指标名称",
    "rule": "指标方向",
    "source": "数据来源",
}


def _shown(v: Any) -> str:
    return "–".join(fmt.num(x) for x in v) if isinstance(v, list) else fmt.num(v)


def section_adjustments(result: ReviewResult) -> Section:
    """七、目标调整情况"""
    if not result.adjustments:
        return Section("七、目标调整情况", [Paragraph("本年度未调整绩效目标。")])
    rows = [
        [
            a.name,
            _ADJUSTED.get(a.field, a.field),
            _shown(a.before),
            _shown(a.after),
            a.change,
            a.reason,
            a.date or "—",
            a.approval or "（未注明）",
            "；".join(a.findings) or "—",
        ]
        for a in result.adjustments
    ]
    header = [
        "指标",
        "调整内容",
        "调整前",
        "调整后",
        "变化",
        "调整原因",
        "时间",
        "审批",
        "评审提示",
    ]
    note = f"{rules_data()['adjustments']['source']}。"
    widths = (1, 0.8, 0.7, 0.7, 0.6, 2, 0.9, 1.5, 1.8)
    return Section("七、目标调整情况", [Table(rows, header, note=note, widths=widths)])


# ---------------------------------------------------------------------------------------------
# 八、存在问题和修改建议


def conclusions(result: ReviewResult) -> dict[str, list[str]]:
    """存在问题 and 修改建议 (one per problem), plus adjustment findings."""
    problems = [
        (f"{p.name}：" if p.name and p.name not in p.problem else "") + p.problem + "。"
        for p in result.problems
    ]
    suggestions = []
    for p in result.problems:
        if p.comment not in suggestions:
            suggestions.append(p.comment)
    for a in result.adjustments:
        for f in a.findings:
            problems.append(f"目标调整—{a.name}：{f}。")
    if not problems:
        problems.append("未发现问题。")
    if not suggestions:
        suggestions.append("绩效目标申报表符合要求，按批复的目标组织实施并做好运行监控。")
    return {"problems": problems, "suggestions": suggestions}


def section_conclusions(result: ReviewResult) -> Section:
    """八、存在问题和修改建议"""
    c = conclusions(result)
    return Section(
        "八、存在问题和修改建议",
        [
            Section("存在问题", [BulletList(c["problems"])], level=2),
            Section("修改建议", [BulletList(c["suggestions"])], level=2),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 九、评审方法与依据


def section_method(result: ReviewResult) -> Section:
    """九、评审方法与依据"""
    d = rules_data()
    return Section(
        "九、评审方法与依据",
        [
            Paragraph(f"依据：{' '.join(d['source'].split())}"),
            Paragraph(
                "评审按完整性、相关性、可衡量性、适当性、可行性五个维度逐项检查绩效目标申报表；"
                "每个问题按评审要点扣分并给出评审意见，适用要点的得分折算为百分制评审得分。"
                "未设置产出指标或效益指标的，结论最高为“修改后通过”；未设置任何绩效指标的，结论为“不通过”。"
            ),
            Paragraph(
                f"定量指标占比阈值 {fmt.pct(result.min_share * 100, 0)}"
                f"（{d['quantitative']['status']}）；历史比对倍数 {fmt.num(result.stretch)}"
                f"（{d['comparison']['status']}）；结论分档（{d['verdicts']['status']}）。",
                "note",
            ),
            blocks.warnings_box(result.warnings),
        ],
    )


# ---------------------------------------------------------------------------------------------
# The whole report

OUTLINE = (
    section_overview,
    section_verdict,
    section_criteria,
    section_comments,
    section_comparisons,
    section_sheet,
    section_adjustments,
    section_conclusions,
    section_method,
)


def results(result: ReviewResult) -> dict[str, Any]:
    """results.json (contracts §4) with the ``target_review`` block and the review's warnings."""
    from methods.report import case_results

    return case_results(result.case, target_review=result.to_dict(), warnings=result.warnings)


def outline(result: ReviewResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(result.case, [build(result) for build in OUTLINE])
