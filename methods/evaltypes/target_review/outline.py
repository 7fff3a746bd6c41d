"""The report of a target review (绩效目标审核报告), on the customary outline of a review of the
绩效目标申报表 under 财预〔2015〕88号: 一 基本情况, 二 审核依据和方法, 三 审核情况 (完整性, 相关性,
可衡量性, 适当性, 可行性, 目标调整), 四 审核结论 (the conclusion in official prose, the card with the
审核结果 优/良/中/差 and its budget consequence under 财预〔2015〕88号), 五 存在的问题 (with 原因分析), 六 修改意见 (one per problem), 七 其他需要说明的问题, the
申报表 as submitted (附件1) and a 技术附件 (附件2) holding the method detail: criterion ids and
their points, each deduction, rule statuses, parameters, the case id.

The ``section_*`` functions build the sections in order (the notebook calls them one by one;
:func:`outline` builds them all); :func:`results` gives results.json.
"""

from __future__ import annotations

from typing import Any

from methods import _format as fmt
from methods import registry
from methods.evaltypes.target_review import findings as tfind
from methods.evaltypes.target_review.analysis import (
    DIRECTIONS,
    ReviewResult,
    _blank,
    _target_shown,
    consequence,
    is_quantitative,
    rules_data,
)
from methods.report import blocks, official
from methods.report import findings as fnd
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
from methods.report.official import NOT_GIVEN, chinese_number

MISSING_TONE = "#c0392b"
DIMENSIONS = ("完整性", "相关性", "可衡量性", "适当性", "可行性")


def _missing(text: str = "（缺）") -> Span:
    """A missing item of the sheet, in red."""
    return Span(text, tone=MISSING_TONE)


def _para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(fnd.tidy(text), style)  # type: ignore[arg-type]


def _findings(result: ReviewResult) -> fnd.Findings:
    return tfind.find(result)


def _department_named(case: Any) -> str:
    short = getattr(case, "department_short", None)
    return f"{case.department}（以下简称“{short}”）" if short else case.department


# ---------------------------------------------------------------------------------------------
# 一、基本情况


def structure_sentence(result: ReviewResult) -> str:
    s = result.structure
    n = len(result.case.indicators)
    if not n:
        return "申报表未设置绩效指标。"
    levels = "、".join(
        f"{k}{s[k]}项" for k in ("产出指标", "成本指标", "效益指标", "满意度指标") if s.get(k)
    )
    return (
        f"申报表设置绩效指标{n}项，其中{levels}；定量指标{s['定量指标']}项、"
        f"定性指标{s['定性指标']}项。各项指标的指标值、计量单位和数据来源见附件1。"
    )


def section_basic(result: ReviewResult) -> Section:
    """一、基本情况"""
    case = result.case
    b = case.budget
    amount = None
    if b is not None:
        value = b.planned if b.planned is not None else b.allocated
        amount = None if value is None else f"{fmt.fixed(value)}{b.unit}"
    pairs = [
        ("项目名称", case.title),
        ("申报单位", _department_named(case)),
        ("预算年度", f"{case.year}年"),
        ("申请预算", amount or NOT_GIVEN),
        ("审核组织", case.reviewer or NOT_GIVEN),
        *registry.panel_row(case),
    ]
    overview = _para(case.overview) if case.overview else Paragraph(f"项目概况：{NOT_GIVEN}")
    goal = case.goal if not _blank(case.goal) else None
    return Section(
        "一、基本情况",
        [
            Section("（一）项目概况", [Table.kv(pairs), overview], level=2),
            Section(
                "（二）绩效目标申报情况",
                [
                    Paragraph(
                        [
                            Span("年度总体目标：", strong=True),
                            fnd.tidy(goal) if goal else _missing("（未填写）"),
                        ]
                    ),
                    _para(structure_sentence(result)),
                ],
                level=2,
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 二、审核依据和方法


def _bands_sentence(result: ReviewResult) -> str:
    c = result.cutoffs
    g = rules_data()["grades"]
    status = blocks.status_text(g["cutoffs_status"])
    return (
        f"审核结果按财预〔2015〕88号分为优、良、中、差四档：审核得分{fmt.num(c['优'])}分（含）以上为"
        f"“优”，{fmt.num(c['良'])}分（含）至{fmt.num(c['优'])}分为“良”，{fmt.num(c['中'])}分（含）至"
        f"{fmt.num(c['良'])}分为“中”，{fmt.num(c['中'])}分以下为“差”（88号未规定分数线，分数线参照"
        f"绩效评价结果等级划分设定，依据{status}）；未设置产出指标或效益指标的，审核结果最高为“中”；"
        "未设置任何绩效指标的，审核结果为“差”。"
    )


def consequences_table() -> Table:
    """The four 审核结果 of 财预〔2015〕88号 and what each means for the budget."""
    g = rules_data()["grades"]
    rows = [[grade, g["consequences"][grade] + "。"] for grade in g["order"]]
    note = f"依据：{blocks.cite(g['document'])}（{blocks.status_text(g['status'])}）。"
    return Table(rows, ["审核结果", "对预算安排的处理"], note=note, widths=(0.9, 5.4))


def section_basis(result: ReviewResult) -> Section:
    """二、审核依据和方法"""
    d = rules_data()
    basis = [blocks.cite(x.strip()) for x in " ".join(d["source"].split()).split("；") if x.strip()]
    n = sum(1 for c in result.criteria)
    dims = "、".join(dict.fromkeys(c.dimension for c in result.criteria))
    work = getattr(result.case, "work", None)
    process = getattr(work, "process", None) if work else None
    steps = [process] if isinstance(process, str) else list(process or [])
    experts = [
        c
        for c in result.criteria
        if any(s.get("manual") and s["id"] == c.id for s in d["criteria"])
    ]
    expert_text = (
        "可行性等需要专业判断的要点由专家评审打分"
        if any(c.applicable for c in experts)
        else "需要专业判断的要点未经专家评审，审核得分按其余要点折算"
    )
    return Section(
        "二、审核依据和方法",
        [
            Section("（一）审核依据", [BulletList([fnd.tidy(x) + "。" for x in basis])], level=2),
            Section(
                "（二）审核内容和方法",
                [
                    _para(
                        f"按{dims}{len(dims.split('、'))}个方面、{n}个审核要点，逐项审核年度总体目标和"
                        "每项绩效指标的指标值、计量单位、指标方向和数据来源，检查产出、效益和满意度指标"
                        "的设置及产出指标对数量、质量、时效、成本的覆盖，将指标值与历史实际值、标杆值"
                        f"比较；{expert_text}。每个问题按审核要点扣分，扣完为止，适用要点的得分折算为"
                        "百分制审核得分。"
                    ),
                    _para(_bands_sentence(result)),
                    consequences_table(),
                ],
                level=2,
            ),
            Section(
                "（三）审核组织和过程",
                [
                    _para(f"审核组织：{fnd._clause(result.case.reviewer)}。")
                    if result.case.reviewer
                    else Paragraph(f"审核组织：{NOT_GIVEN}"),
                    _para("审核过程：" + "；".join(fnd._clause(s) for s in steps) + "。")
                    if steps
                    else Paragraph(f"审核过程：{NOT_GIVEN}"),
                ],
                level=2,
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 三、审核情况


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
    ax.set_title("各方面审核得分")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def dimension_table(result: ReviewResult) -> Table:
    """分值, 得分, 得分率 and 发现问题 per review dimension."""
    counts: dict[str, int] = {}
    for p in result.problems:
        counts[p.dimension] = counts.get(p.dimension, 0) + 1
    rows = [
        [
            r["dimension"],
            fmt.num(r["points"]),
            fmt.fixed(r["score"]),
            f"{fmt.fixed(r['score'] / r['points'] * 100)}%" if r["points"] else "—",
            f"{counts.get(r['dimension'], 0)}个",
        ]
        for r in result.dimension_table()
    ]
    rows.append(
        [
            "合计",
            fmt.num(result.points_applicable),
            fmt.fixed(result.points_won),
            f"{fmt.fixed(result.score)}%",
            f"{len(result.problems)}个",
        ]
    )
    return Table(rows, ["审核方面", "分值", "得分", "得分率", "发现问题"], numeric=(1, 2, 3, 4))


def comparisons_table(result: ReviewResult) -> Table | Paragraph:
    """Targets against history and benchmarks (a sentence when the sheet gives neither)."""
    if not result.comparisons:
        return Paragraph(
            "申报表未提供历史实际值或标杆值，无法比对指标值的合理性（建议在申报表中注明指标值的取值依据）。"
        )
    rows = []
    for c in result.comparisons:
        hist = "；".join(f"{y}年{fmt.with_unit(v, c['unit'])}" for y, v in c["history"].items())
        bench = "—"
        if c["benchmark"] is not None:
            bench = fmt.with_unit(c["benchmark"], c["unit"])
            if c["benchmark_source"]:
                bench += f"（{fnd.tidy(c['benchmark_source'])}）"
        target = c["target"]
        shown = (
            fmt.with_unit(target, c["unit"])
            if isinstance(target, int | float | list)
            else str(target)
        )
        rows.append(
            [
                c["name"],
                DIRECTIONS.get(c["rule"] or "", "（缺）") + shown,
                hist or "—",
                bench,
                fnd.tidy("；".join(c["findings"])) or "合理",
            ]
        )
    header = ["指标", "指标值", "历史实际值", "标杆值", "比对结论"]
    note = (
        "正向指标的指标值低于上年实际值、低于标杆值的视为偏低，高于历史最好水平"
        f"{fmt.num(result.stretch)}倍的视为偏高、可行性存疑；反向指标相反。"
    )
    return Table(rows, header, note=note, widths=(1.3, 1.1, 1.6, 1.6, 2.6))


def _dimension_text(result: ReviewResult, dimension: str) -> str:
    criteria = [c for c in result.criteria if c.dimension == dimension]
    applicable = [c for c in criteria if c.applicable]
    if not applicable:
        reasons = "、".join(dict.fromkeys(c.note or "不适用" for c in criteria))
        return f"{dimension}方面的审核要点本次未计分（{reasons}）。"
    points = sum(c.points for c in applicable)
    score = sum(c.score or 0.0 for c in applicable)
    text = (
        f"{dimension}方面设审核要点{len(criteria)}项，分值{fmt.num(points)}分，得分{fmt.fixed(score)}分，"
        f"得分率{fmt.fixed(score / points * 100)}%。"
    )
    words = tfind.spec()["strengths"]
    good = [
        words[c.id]
        for c in applicable
        if c.problems == 0 and c.id in words and not (c.id == "R1" and not result.comparisons)
    ]
    present = [
        {"S1": "产出", "S2": "效益", "S4": "满意度"}[c.id]
        for c in applicable
        if c.id in ("S1", "S2", "S4") and c.problems == 0
    ]
    if present:
        good.insert(0, f"设置了{'、'.join(present)}指标")
    if good:
        text += "，".join(good) + "。"
    problems = [p for p in result.problems if p.dimension == dimension]
    if problems:
        facts = []
        for cid, group in tfind._by_criterion(problems).items():
            named = [p.name for p in group if p.name]
            if cid == "R1":
                facts += [tfind._comparison_fact(p) for p in group]
            elif cid == "R2" or not named or "{" in tfind._bare(tfind._criterion(cid)["problem"]):
                facts += [
                    f"专家评审认为，{fnd._clause(p.comment)}"
                    if cid == "R2"
                    else fnd.tidy(p.problem)
                    for p in group
                ]
            else:
                facts.append(
                    f"{tfind.listed(named)}{tfind._bare(tfind._criterion(cid)['problem'])}"
                )
        text += "发现的问题：" + "；".join(fnd._clause(f) for f in facts) + "。"
    skipped = [c for c in criteria if not c.applicable]
    if skipped:
        text += "、".join(f"“{c.name}”（{c.note}）" for c in skipped) + "未计分。"
    return fnd.tidy(text)


def adjustments_table(result: ReviewResult) -> Table:
    """The recorded target adjustments: what changed (before → after), why, when and who
    approved, and what the review makes of it."""
    rows = []
    for a in result.adjustments:
        unit = next((i.unit for i in result.case.indicators if i.code == a.code), None)
        what = (
            f"{_ADJUSTED.get(a.field, a.field)}由{tfind._shown(a.before, unit)}"
            f"{a.change if a.change != '修改' else '调整'}为{tfind._shown(a.after, unit)}"
        )
        when = "；".join(
            x for x in (a.date, fnd.tidy(a.approval) if a.approval else "审批情况未注明") if x
        )
        rows.append(
            [a.name, what, fnd.tidy(a.reason), when, fnd.tidy("；".join(a.findings)) or "—"]
        )
    header = ["指标", "调整情况", "调整原因", "时间及审批", "审核提示"]
    note = f"{blocks.cite(rules_data()['adjustments']['source'])}。"
    widths = (1.1, 1.4, 2.2, 1.6, 2.2)
    return Table(rows, header, note=note, widths=widths, classes="jx-wrap")


_ADJUSTED = {
    "target": "指标值",
    "unit": "计量单位",
    "name": "指标名称",
    "rule": "指标方向",
    "source": "数据来源",
}


def section_review(result: ReviewResult) -> Section:
    """三、审核情况"""
    ax = plot_criteria(result)
    dims = result.dimension_table()
    parts: list[Any] = [
        Paragraph("各方面审核得分如下表。"),
        dimension_table(result),
        blocks.chart(
            ax.figure,
            "各方面审核得分",
            f"条形图：{'、'.join(d['dimension'] for d in dims)}各方面的得分与分值对比",
        ),
    ]
    present = [d for d in DIMENSIONS if any(c.dimension == d for c in result.criteria)]
    present += [d for d in dict.fromkeys(c.dimension for c in result.criteria) if d not in present]
    n = 0
    for dim in present:
        n += 1
        body: list[Any] = [_para(_dimension_text(result, dim))]
        if dim == "适当性":
            body.append(comparisons_table(result))
        parts.append(Section(f"（{chinese_number(n)}）{dim}", body, level=2))
    n += 1
    if result.adjustments:
        adj = [
            _para(
                f"申报表批复后调整绩效目标{len(result.adjustments)}项（调整前后、原因和审批情况见下表）。"
            ),
            adjustments_table(result),
        ]
    else:
        adj = [Paragraph("本年度未调整绩效目标。")]
    parts.append(Section(f"（{chinese_number(n)}）目标调整情况", adj, level=2))
    return Section("三、审核情况", parts)


# ---------------------------------------------------------------------------------------------
# 四、审核结论


def grade_card(result: ReviewResult) -> Callout:
    """审核得分, 审核结果 and what follows for the budget (财预〔2015〕88号)."""
    c = result.cutoffs
    return Callout(
        "score",
        [
            _para(
                f"审核结果分档：审核得分{fmt.num(c['优'])}分（含）以上为优，{fmt.num(c['良'])}分（含）"
                f"以上为良，{fmt.num(c['中'])}分（含）以上为中，{fmt.num(c['中'])}分以下为差。",
                "meta",
            ),
            _para(f"预算安排：{consequence(result.grade)}（财预〔2015〕88号）。", "meta"),
        ],
        total=fmt.num(result.score),
        grade=result.grade,
        grade_label="审核结果",
    )


def section_conclusion(result: ReviewResult) -> Section:
    """四、审核结论"""
    fd = _findings(result)
    parts: list[Any] = [_para(tfind.conclusion(result, fd)), grade_card(result)]
    if result.caps:
        parts.append(
            _para(
                f"审核结果限定：按得分应为“{result.grade_by_score}”，因下列问题，审核结果为"
                f"“{result.grade}”："
            )
        )
        parts.append(BulletList([fnd.tidy(c) for c in result.caps]))
    return Section("四、审核结论", parts)


# ---------------------------------------------------------------------------------------------
# 五、存在的问题；六、修改意见


def section_problems(result: ReviewResult) -> Section:
    """五、存在的问题"""
    fd = _findings(result)
    if not fd.problems:
        return Section(
            "五、存在的问题",
            [Paragraph("审核未发现需要单独列示的问题，绩效目标申报表符合审核要求。")],
        )
    parts = official.problem_sections(fd)
    return Section("五、存在的问题", parts)


def section_advice(result: ReviewResult) -> Section:
    """六、修改意见"""
    fd = _findings(result)
    if not fd.advice:
        return Section(
            "六、修改意见",
            [Paragraph("绩效目标申报表符合要求，按批复的目标组织实施并做好绩效运行监控。")],
        )
    parts = official.advice_sections(fd)
    return Section("六、修改意见", parts)


# ---------------------------------------------------------------------------------------------
# 七、其他需要说明的问题


def other_matters(result: ReviewResult) -> list[str]:
    case = result.case
    out = []
    data = "审核依据申报单位报送的绩效目标申报表"
    if result.comparisons:
        data += "及其中填报的历史实际值、标杆值"
    out.append(f"数据来源。{data}，历史实际值和标杆值未逐项核实。")
    if not result.comparisons and case.indicators:
        out.append("指标值比对。申报表未提供历史实际值或标杆值，指标值的合理性未能比对。")
    unscored = [c for c in result.criteria if not c.applicable]
    for c in unscored:
        why = c.note or "不适用"
        out.append(f"未计分的审核要点。“{c.name}”{why}，审核得分按其余要点折算为百分制。")
    if unscored:
        out.append(
            f"得分折算。适用的审核要点合计{fmt.num(result.points_applicable)}分，得"
            f"{fmt.num(result.points_won)}分，折算为百分制{fmt.num(result.score)}分。"
        )
    if result.adjustments:
        out.append(
            "目标调整。审核情况按申报时的指标值计分，批复后的目标调整单独列示，未改变审核得分。"
        )
    status = blocks.status_text(rules_data()["grades"]["cutoffs_status"])
    out.append(
        f"审核结果分档。优、良、中、差四档及其对预算安排的处理依据财预〔2015〕88号；按审核得分划档的"
        f"分数线88号未作规定，本报告参照绩效评价结果等级划分设定（依据{status}），可由财政部门按本地"
        "规定调整。"
    )
    work = getattr(case, "work", None)
    if work is not None and work.limitations:
        out += [fnd._sentence(fnd.tidy(x)) for x in work.limitations]
    else:
        out.append(f"审核的局限。{NOT_GIVEN}")
    return out


def section_other(result: ReviewResult) -> Section:
    """七、其他需要说明的问题"""
    items = other_matters(result)
    return Section("七、其他需要说明的问题", [_para(f"{i}. {x}") for i, x in enumerate(items, 1)])


# ---------------------------------------------------------------------------------------------
# 附件1：绩效目标申报表


def _label(criterion: str, problem: str) -> str:
    """A short 审核意见 for the sheet's column: 缺数据来源, 指标值偏低 …"""
    if criterion == "R1":
        if "偏松" in problem or ("高于标杆" in problem):
            return "指标值偏松"
        if "可行性存疑" in problem:
            return "指标值偏高" if "高于" in problem else "指标值偏紧"
        return "指标值偏低"
    labels = {
        "T2": "未设定指标值",
        "T3": "缺计量单位",
        "T4": "未明确方向",
        "T5": "缺数据来源",
        "M2": "指标值不可衡量",
    }
    return labels.get(criterion, "见审核意见")


def sheet_table(result: ReviewResult) -> Table:
    """The target sheet as submitted, missing items marked, with the review's short findings."""
    found: dict[str, list[str]] = {}
    for p in result.problems:
        if p.code:
            found.setdefault(p.code, []).append(_label(p.criterion, p.problem))
    header = ["一级指标", "二级指标", "三级指标", "方向", "指标值", "单位", "数据来源", "审核意见"]
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
                "；".join(dict.fromkeys(found.get(ind.code, []))) or "—",
            ]
        )
    note = "“（缺）”为申报表缺项。"
    widths = (0.9, 1.1, 1.5, 0.6, 1.4, 0.8, 1.3, 1.1)
    return Table(rows, header, note=note, widths=widths, classes="jx-wrap")


def section_sheet(result: ReviewResult) -> Section:
    """附件1：绩效目标申报表"""
    if not result.case.indicators:
        return Section("附件1：绩效目标申报表", [Paragraph("申报表未设置绩效指标。")])
    return Section("附件1：绩效目标申报表", [sheet_table(result)])


# ---------------------------------------------------------------------------------------------
# 附件2：技术附件


def criteria_table(result: ReviewResult) -> Table:
    """Points and score per review criterion, with the total and the status of each rule."""
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
                blocks.cite(c.source),
                blocks.status_text(c.status),
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
            "",
        ]
    )
    header = ["方面", "编号", "审核要点", "分值", "得分", "问题数", "依据", "依据状态"]
    note = (
        f"逐项扣分、扣完为止；定量指标占比要点按“实际占比 ÷ {fmt.pct(result.min_share * 100, 0)}”"
        "比例得分（不超过满分）。"
    )
    widths = (0.7, 0.5, 2.2, 0.5, 0.6, 0.5, 2, 0.7)
    return Table(rows, header, numeric=(3, 4, 5), note=note, widths=widths, classes="jx-wrap")


def deductions_table(result: ReviewResult) -> Table | Paragraph:
    """Every problem the checklist found, with its criterion, 审核意见 and deduction."""
    if not result.problems:
        return Paragraph("未发现扣分问题。")
    rows = [
        [
            str(k),
            f"{p.criterion} {p.dimension}",
            p.name or "（整体）",
            fnd.tidy(p.problem),
            fnd.tidy(p.comment),
            fmt.num(p.deduction),
        ]
        for k, p in enumerate(result.problems, 1)
    ]
    header = ["序号", "审核要点", "指标", "存在问题", "审核意见", "扣分"]
    widths = (0.55, 1.1, 1.2, 2.6, 2.7, 0.7)
    return Table(rows, header, numeric=(0, 5), widths=widths, classes="jx-wrap")


def section_annex(result: ReviewResult) -> Section:
    """附件2：技术附件"""
    d = rules_data()
    st = blocks.status_text
    params = [
        ["审核结果等级及处理", "优、良、中、差四档，各档对预算安排的处理见第二部分",
         blocks.cite(" ".join(d["grades"]["source"].split())), st(d["grades"]["status"])],
        ["审核结果分数线", f"优 ≥ {fmt.num(result.cutoffs['优'])}，良 ≥ {fmt.num(result.cutoffs['良'])}，中 ≥ {fmt.num(result.cutoffs['中'])}",
         blocks.cite(" ".join(d["grades"]["cutoffs_source"].split())), st(d["grades"]["cutoffs_status"])],
        ["审核结果上限", "未设置产出或效益指标：最高为中；未设置任何绩效指标：差",
         blocks.cite(" ".join(d["grades"]["caps_source"].split())), st(d["grades"]["caps_status"])],
        ["定量指标占比阈值", fmt.pct(result.min_share * 100, 0),
         blocks.cite(d["quantitative"]["source"]), st(d["quantitative"]["status"])],
        ["历史比对倍数", fmt.num(result.stretch),
         blocks.cite(d["comparison"]["source"]), st(d["comparison"]["status"])],
        ["目标调整", "一般不予调整；因特殊原因确需调整的，按绩效目标管理要求和预算调整流程报批",
         blocks.cite(d["adjustments"]["source"]), st(d["adjustments"]["status"])],
        ["问题归纳与修改意见", "审核要点发现的问题按主题归并为问题，每个问题一条修改意见",
         blocks.cite(" ".join(d["report"]["source"].split())), st(d["report"]["status"])],
    ]  # fmt: skip
    opts = result.case.review
    if opts.cutoffs or opts.min_quantitative_share is not None or opts.stretch is not None:
        params.append(
            ["案例设定", "本案例修改了上述部分参数（见案例文件 review）", "案例设定", "—"]
        )
    info: list[Any] = [
        Paragraph(f"案例编号：{result.case.case_id}（案例库存档编号）。"),
        Paragraph(
            f"依据：{blocks.cite(' '.join(d['source'].split()))}。依据状态：法规，指法规文件的规定；"
            "地方规定；实务做法，指评价实务的通行做法；待核实，指常见做法但未核实原文。"
        ),
    ]
    if result.notes:
        info.append(BulletList([fnd.tidy(n) for n in result.notes]))
    files = blocks.data_files(result.case)
    if files is not None:
        info += [Paragraph("数据文件（存档时记录其哈希值）："), files]
    info.append(blocks.warnings_box(result.warnings))
    return Section(
        "附件2：技术附件",
        [
            Section("（一）审核要点计分明细", [criteria_table(result)], level=2),
            Section("（二）逐项扣分明细", [deductions_table(result)], level=2),
            Section(
                "（三）审核参数与依据",
                [Table(params, ["事项", "参数", "依据", "依据状态"], widths=(1, 1.6, 3, 0.8))],
                level=2,
            ),
            Section("（四）案例信息与数据", info, level=2),
        ],
    )


# ---------------------------------------------------------------------------------------------
# The whole report

# the level-1 headings of the report (tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、审核依据和方法",
    "三、审核情况",
    "四、审核结论",
    "五、存在的问题",
    "六、修改意见",
    "七、其他需要说明的问题",
    "附件1：绩效目标申报表",
    "附件2：技术附件",
)

OUTLINE = (
    section_basic,
    section_basis,
    section_review,
    section_conclusion,
    section_problems,
    section_advice,
    section_other,
    section_sheet,
    section_annex,
)


def conclusions(result: ReviewResult) -> dict[str, Any]:
    """The 审核结论 paragraph, the problems (heading, facts, 原因分析) and the 修改意见
    (``{title}（针对问题N）：{text}``)."""
    fd = _findings(result)
    return {
        "summary": tfind.conclusion(result, fd),
        "problems": [p.text() for p in fd.problems],
        "suggestions": [f"{a.heading()}：{a.text}" for a in fd.advice],
    }


def results(result: ReviewResult) -> dict[str, Any]:
    """results.json (contracts §4) with the ``target_review`` block, the conclusions, the
    findings and the review's warnings."""
    from methods.report import case_results

    return case_results(
        result.case,
        target_review=result.to_dict(),
        conclusions=conclusions(result),
        findings=tfind.to_dict(_findings(result)),
        warnings=result.warnings,
    )


def outline(result: ReviewResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(result.case, [build(result) for build in OUTLINE])
