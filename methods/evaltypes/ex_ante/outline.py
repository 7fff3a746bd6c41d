"""The ex-ante report: its sections built from an :class:`ExAnteResult` (document blocks, never
HTML) and its charts (``plot_*``: the dimension bars and radar, the 5 × 5 risk matrix).

投入经济性 shows the key indicators of the case's own cost-benefit analysis
(:func:`methods.evaltypes.cost_benefit.key_indicators`) and its NPV distribution or cash flows.
"""

from __future__ import annotations

from typing import Any

from methods import _format as fmt
from methods.evaltypes import cost_benefit
from methods.evaltypes.ex_ante.analysis import ExAnteResult
from methods.evaltypes.ex_ante.risks import risk_level
from methods.evaltypes.ex_ante.rulebook import STATUS_ZH, rules, veto_rules
from methods.report import blocks
from methods.report.document import (
    BulletList,
    Callout,
    Cell,
    Document,
    Paragraph,
    Section,
    Table,
)


def _veto_text(result: ExAnteResult) -> str:
    vetoes, _ = veto_rules(getattr(result.case, "veto", True))
    labels = {b.id: b.label for b in result.bands.bands}
    parts = []
    for v in vetoes:
        codes = [c for c in v.items if result.framework.item(c)]
        if codes:
            parts.append(
                f"{v.id} {v.text}（{'/'.join(codes)} 评为{'、'.join(v.ratings)} → 最高"
                f"“{labels[v.cap]}”）"
            )
    if not parts:
        return result.veto_source + "。"
    return f"{'；'.join(parts)}。依据：{result.veto_source}。"


def conclusion_card(result: ExAnteResult) -> list[Any]:
    """评估结论: total score and the conclusion (a score card), vetoes, the cut-offs, veto rules,
    rating scale and framework used, and warnings."""
    c = result.conclusion
    status = STATUS_ZH.get
    fw = result.framework
    parts: list[Any] = [
        Callout(
            "score",
            total=fmt.num(result.total),
            grade=c.label,
            grade_class=c.css,
            grade_label="评估结论",
        )
    ]
    for v in result.vetoes:
        cap = next(b.label for b in result.bands.bands if b.id == v.rule.cap)
        parts.append(Callout("warn", [f"触发否决情形 {v.describe()}：结论最高为“{cap}”。"]))
    if result.by_score is not None and result.by_score.id != c.id:
        parts.append(
            Paragraph(f"按总分结论为“{result.by_score.label}”，因否决情形调整为“{c.label}”。")
        )
    parts += [
        Paragraph(result.advice),
        Paragraph(
            f"结论分界：{result.bands.describe()}"
            f"（{result.bands.source}；{status(result.bands.status, result.bands.status)}）。"
            "本评估以上述结论代替优、良、中、差等级（results.json 中 grade 为空，结论记在 ex_ante 块）。",
            "meta",
        ),
        Paragraph(f"否决情形：{_veto_text(result)}", "meta"),
        Paragraph(
            f"要点评级折算：{result.scale.describe()}"
            f"（{result.scale.source}；{status(result.scale.status, result.scale.status)}）。",
            "meta",
        ),
        Paragraph(
            f"评估框架：{fw.name}。{fw.source}（维度：{status(fw.status, fw.status)}；"
            f"分值：{status(fw.points_status, fw.points_status)}）。",
            "meta",
        ),
    ]
    parts += [Callout("warn", [w]) for w in result.warnings]
    return parts


def dimensions_table(result: ExAnteResult) -> Table:
    """评估维度得分 table."""
    rows = [
        [r.level1, fmt.num(r.weight), fmt.fixed(r.score), fmt.pct(r.rate, 1)]
        for r in result.dimensions.itertuples()
    ]
    rows.append(["合计", "100", fmt.fixed(result.total), fmt.pct(result.total, 1)])
    return Table(rows, ["评估维度", "分值", "得分", "得分率"], numeric=(1, 2, 3))


def plot_dimensions(result: ExAnteResult):
    """Bars of points won/lost and a radar of 得分率 per dimension; returns the Figure."""
    import matplotlib.pyplot as plt

    from methods import plotting

    fig = plt.figure(figsize=(11.0, 4.2))
    bar_ax = fig.add_subplot(1, 2, 1)
    radar_ax = fig.add_subplot(1, 2, 2, projection="polar")
    plotting.level1_bar(result.dimensions, ax=bar_ax, title="评估维度得分")
    plotting.radar(
        result.dimensions["level1"],
        result.dimensions["rate"],
        ax=radar_ax,
        title="评估维度得分率（%）",
    )
    fig.tight_layout()
    return fig


def items_table(result: ExAnteResult) -> Table:
    """评估要点评级: every sub-item with its suggested and final rating, basis and score
    (grouped by dimension, the dimension cell merged down)."""
    header = ["维度", "代码", "评估要点", "分值", "建议评级", "评级", "评级来源", "依据", "得分"]
    out = []
    for dim in result.framework.dimensions:
        rows = result.items[result.items["dimension"] == dim.name]
        for k, r in enumerate(rows.itertuples()):
            basis = r.basis or r.evidence or "—"
            if r.source in ("依据推导", "评估人确认") and r.evidence and r.basis:
                basis = f"{r.evidence}；{r.basis}"
            elif r.source == "评估人调整":
                basis = f"{r.basis}（推导依据：{r.evidence}）"
            first = (
                [
                    Cell(
                        f"{dim.name}\n（{fmt.num(dim.points)} 分）",
                        rowspan=len(rows),
                        numeric=False,
                    )
                ]
                if k == 0
                else []
            )
            out.append(
                [
                    *first,
                    r.code,
                    r.name,
                    Cell(fmt.num(r.points), numeric=True),
                    r.suggested or "—",
                    r.rating,
                    r.source,
                    basis,
                    Cell(fmt.fixed(r.score), numeric=True),
                ]
            )
    return Table(
        out,
        header,
        classes="jx-exante",
        widths=(1.1, 0.85, 1.5, 0.55, 0.7, 0.55, 1.25, 3.6, 0.7),
        note=(
            "建议评级由证据按规则推导（投入经济性取自本案例的成本效益分析，执行风险取自风险登记表）；"
            "评估人可调整，但须说明理由。无推导规则的要点由评估人直接评级。"
        ),
    )


def economy_tables(result: ExAnteResult) -> list[Any]:
    """投入经济性的证据: the key CBA indicators and how each suggested rating was derived."""
    if result.cba is None:
        return [
            Paragraph(
                f"本{result.framework.object_name}未提供成本效益测算（cba 块），"
                "经济性要点由评估人直接评级。"
            )
        ]
    rows = [
        [r.code, r.name, r.evidence or "—", r.rule, r.suggested or "—", r.rating]
        for r in result.items.itertuples()
        if isinstance(r.derive, str) and r.derive.startswith("cba_")
    ]
    src = rules()["derivations"]
    return [
        cost_benefit.key_indicators(result.cba),
        Paragraph("由成本效益分析推导的建议评级："),
        Table(
            rows,
            ["代码", "评估要点", "证据", "推导规则", "建议评级", "最终评级"],
            widths=(0.75, 1.1, 2.6, 2.8, 0.8, 0.8),
            note=(
                f"推导规则依据：{' '.join(src['source'].split())}"
                f"（{STATUS_ZH.get(src['status'], src['status'])}）。"
            ),
        ),
    ]


def plot_economy(result: ExAnteResult, ax=None):
    """The NPV distribution (Monte Carlo) or else the cash-flow chart; None without cba."""
    if result.cba is None:
        return None
    mc = result.cba.analysis.monte_carlo
    if mc is not None and not mc.all_invalid:
        return cost_benefit.plot_risk(result.cba, ax=ax)
    return cost_benefit.plot_cashflow(result.cba, ax=ax)


def economy_chart(result: ExAnteResult):
    """:func:`plot_economy` as a report figure (None without cba)."""
    ax = plot_economy(result)
    if ax is None:
        return None
    ind = result.cba.indicator
    mc = result.cba.analysis.monte_carlo
    if mc is not None and not mc.all_invalid:
        caption = f"{ind} 概率分布（蒙特卡洛模拟）"
        alt = f"蒙特卡洛模拟的 {ind} 频数直方图与累计概率曲线，虚线为 0"
    else:
        caption = "年度现金流与累计净现值"
        alt = "各年效益（向上）与费用（向下）柱状图，折线为累计净现值"
    return blocks.chart(ax.figure, caption, alt)


def risk_table(result: ExAnteResult) -> Table | Paragraph:
    """风险登记表 with inherent and residual levels, and the matrix rule."""
    t = result.register.table
    spec = rules()["risk_matrix"]
    if t.empty:
        return Paragraph("未填写风险登记表（risks）。")
    rows = [
        [
            str(r.no),
            r.name,
            r.category or "—",
            f"{r.likelihood} × {r.impact} = {r.score}",
            r.level,
            r.mitigation or "（未填写）",
            r.owner or "—",
            f"{r.residual_likelihood} × {r.residual_impact} = {r.residual_score}"
            if r.residual_given
            else "（同左）",
            r.residual_level,
        ]
        for r in t.itertuples()
    ]
    header = [
        "序号",
        "风险",
        "类别",
        "可能性×影响",
        "风险等级",
        "应对措施",
        "责任主体",
        "剩余风险",
        "剩余等级",
    ]
    levels = "；".join(f"{lv['name']} ≥ {lv['min']}" for lv in spec["levels"])
    return Table(
        rows,
        header,
        numeric=(0,),
        widths=(0.55, 1.4, 0.8, 1.1, 0.9, 2.6, 1.1, 1.1, 0.9),
        note=(
            f"风险值 = 可能性（1–5）× 影响程度（1–5）；分级：{levels}。"
            f"{' '.join(spec['source'].split())}（{STATUS_ZH.get(spec['status'], spec['status'])}）。"
            "剩余风险为采取应对措施后的评估，未填写时同固有风险。"
        ),
    )


def plot_risk_matrix(result: ExAnteResult, ax=None):
    """5 × 5 risk matrix coloured by level, each risk's inherent (hollow) and residual (filled)
    position with an arrow; returns the Axes (None without risks)."""
    t = result.register.table
    if t.empty:
        return None
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    from methods import fonts

    fonts.register()
    spec = rules()["risk_matrix"]
    levels = spec["levels"]
    color = {lv["name"]: lv["color"] for lv in levels}
    if ax is None:
        _, ax = plt.subplots(figsize=(6.6, 5.6))
    for lik in range(1, 6):
        for imp in range(1, 6):
            lv = risk_level(lik, imp)
            ax.add_patch(
                Rectangle((imp - 0.5, lik - 0.5), 1, 1, facecolor=color[lv], edgecolor="white")
            )
            ax.text(imp + 0.38, lik - 0.38, str(lik * imp), fontsize=7, color="#555555",
                    ha="right", va="bottom")  # fmt: skip
    # markers: (risk no, likelihood, impact, filled); a moved risk has a hollow inherent marker
    marks: list[tuple[int, int, int, bool]] = []
    arrows: list[tuple[int, int]] = []  # (index of inherent mark, index of residual mark)
    for r in t.itertuples():
        moved = r.residual_given and (r.residual_likelihood, r.residual_impact) != (
            r.likelihood,
            r.impact,
        )
        marks.append((r.no, r.likelihood, r.impact, not moved))
        if moved:
            marks.append((r.no, r.residual_likelihood, r.residual_impact, True))
            arrows.append((len(marks) - 2, len(marks) - 1))
    # spread the markers sharing a cell: rows of up to 3, centred in the cell
    cells: dict[tuple[int, int], list[int]] = {}
    for k, (_, lik, imp, _) in enumerate(marks):
        cells.setdefault((lik, imp), []).append(k)
    pos: dict[int, tuple[float, float]] = {}
    for (lik, imp), ks in cells.items():
        rows = [ks[i : i + 3] for i in range(0, len(ks), 3)]
        for j, row in enumerate(rows):
            y = lik + 0.08 + (len(rows) - 1) * 0.14 - j * 0.28
            for m, k in enumerate(row):
                pos[k] = (imp + (m - (len(row) - 1) / 2) * 0.28, y)
    for a, b in arrows:
        ax.annotate(
            "",
            xy=pos[b],
            xytext=pos[a],
            arrowprops={
                "arrowstyle": "->",
                "color": "#333333",
                "lw": 1.0,
                "shrinkA": 7,
                "shrinkB": 7,
            },
            zorder=3,
        )
    for k, (no, _, _, filled) in enumerate(marks):
        x, y = pos[k]
        face, ink = ("#333333", "white") if filled else ("white", "#333333")
        ax.plot(x, y, "o", markerfacecolor=face, markeredgecolor="#333333", markersize=13,
                zorder=4)  # fmt: skip
        ax.text(x, y, str(no), color=ink, ha="center", va="center", fontsize=8, zorder=5)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6), [f"{i}\n{spec['impact'][i]}" for i in range(1, 6)], fontsize=8)
    ax.set_yticks(range(1, 6), [f"{spec['likelihood'][i]} {i}" for i in range(1, 6)], fontsize=8)
    ax.set_xlabel("影响程度")
    ax.set_ylabel("可能性")
    ax.set_title("风险矩阵（空心为固有风险，实心为采取措施后的剩余风险）", fontsize=10)
    ax.legend(
        handles=[Patch(facecolor=lv["color"], label=lv["name"]) for lv in levels],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=8,
    )
    ax.set_aspect("equal")
    for s in ax.spines.values():
        s.set_visible(False)
    return ax


# ---------------------------------------------------------------------------------------------
# Sections


def section_overview(r: ExAnteResult) -> Section:
    """一、评估对象概况"""
    return Section(
        "一、评估对象概况",
        [
            blocks.unscored_info(r.case, evaluator_label="评估机构/人员"),
            blocks.overview(r.case),
            blocks.budget_amounts(r.case, planned_label="申报预算数"),
        ],
    )


def section_conclusion(r: ExAnteResult) -> Section:
    """二、评估结论"""
    return Section("二、评估结论", conclusion_card(r))


def section_dimensions(r: ExAnteResult) -> Section:
    """三、评估维度得分"""
    return Section(
        "三、评估维度得分",
        [
            Paragraph("各评估维度的分值、得分和得分率如下，左图为得分与失分，右图为得分率雷达图。"),
            dimensions_table(r),
            blocks.chart(
                plot_dimensions(r),
                "评估维度得分与得分率",
                "左：各评估维度得分与失分条形图；右：各评估维度得分率雷达图",
            ),
        ],
    )


def section_items(r: ExAnteResult) -> Section:
    """四、评估要点评级"""
    return Section("四、评估要点评级", [items_table(r)])


def section_economy(r: ExAnteResult) -> Section:
    """五、投入经济性分析（成本效益）"""
    return Section(
        "五、投入经济性分析（成本效益）",
        [
            Paragraph(
                "投入经济性（政策为保障充分性中的成本效益要点）的依据取自本案例的成本效益分析："
                "净现值、效益费用比、内部收益率、风险分析和最低成本法比选。"
            ),
            economy_tables(r),
            economy_chart(r),
        ],
    )


def section_risks(r: ExAnteResult) -> Section:
    """六、执行风险"""
    ax = plot_risk_matrix(r)
    chart = None
    if ax is not None:
        chart = blocks.chart(
            ax.figure,
            "风险矩阵",
            "5×5 风险矩阵（可能性 × 影响程度），按风险等级着色；数字为风险序号，"
            "空心为固有风险，实心为采取措施后的剩余风险，箭头表示措施的效果",
        )
    return Section(
        "六、执行风险",
        [
            Paragraph(
                "风险登记表列出已识别的风险、可能性与影响程度、应对措施和采取措施后的剩余风险；"
                "风险矩阵中数字为风险序号。"
            ),
            risk_table(r),
            chart,
        ],
    )


def section_findings(r: ExAnteResult) -> Section:
    """七、存在问题和意见建议"""
    extra = getattr(r.case, "conclusions", None)
    problems = r.problems() + list(extra.problems if extra else [])
    suggestions = r.suggestions() + list(extra.suggestions if extra else [])
    parts = []
    if extra and extra.achievements:
        parts.append(Section("主要优势", [BulletList(extra.achievements)], level=2))
    parts.append(Section("存在问题", [BulletList(problems)], level=2))
    parts.append(Section("意见建议", [BulletList(suggestions)], level=2))
    return Section("七、存在问题和意见建议", parts)


OUTLINE = (
    section_overview,
    section_conclusion,
    section_dimensions,
    section_items,
    section_economy,
    section_risks,
    section_findings,
)


def outline(r: ExAnteResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
