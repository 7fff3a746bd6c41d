"""The ex-ante report (事前绩效评估报告): its sections built from an :class:`ExAnteResult`
(document blocks, never HTML) and its charts (``plot_*``: the dimension bars and radar, the
5 × 5 risk matrix).

The report follows the customary outline of an ex-ante assessment: 一 基本情况, 二 评估内容与方法,
三 评估情况 (one part per dimension: 必要性, 投入经济性, 绩效目标合理性, 实施方案可行性, 筹资合规性,
执行风险), 四 评估结论 (予以支持 / 部分支持 / 不予支持, in official prose), 五 主要优势、存在的问题
及原因分析, 六 有关建议 (each answering a problem), 七 其他需要说明的问题, 附件1 评估要点评分表 and
附件2 技术附件 (item codes, suggested ratings and their derivation rules, the rules' status, the
cost-benefit detail with its seed, data files). The body carries no codes, preset ids or status
codes.

投入经济性 shows the key indicators of the case's own cost-benefit analysis
(:func:`methods.evaltypes.cost_benefit.key_indicators`) and its NPV distribution or cash flows.
"""

from __future__ import annotations

import re
from typing import Any

from methods import _format as fmt
from methods.evaltypes import cost_benefit
from methods.evaltypes.cost_benefit.outline import data_files_table, request_prose
from methods.evaltypes.cost_benefit.wording import indicator_name
from methods.evaltypes.ex_ante import findings as xf
from methods.evaltypes.ex_ante.analysis import ExAnteResult
from methods.evaltypes.ex_ante.risks import risk_level
from methods.evaltypes.ex_ante.rulebook import rules, veto_rules
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


def _status(status: str) -> str:
    """A rule's status in Chinese (法规 / 地方规定 / 实务做法 / 待核实; 案例设定)."""
    return "案例设定" if status == "case" else blocks.status_text(status)


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
        return blocks.cite(result.veto_source) + "。"
    return f"{'；'.join(parts)}。依据：{blocks.cite(result.veto_source)}。"


def score_card(result: ExAnteResult) -> Callout:
    """The total score and the conclusion as a card."""
    c = result.conclusion
    return Callout(
        "score",
        [
            Paragraph(
                f"结论分界：{result.bands.describe()}（{_status(result.bands.status)}）", "meta"
            )
        ],
        total=fmt.num(result.total),
        grade=c.label,
        grade_class=c.css,
        grade_label="评估结论",
    )


def _maturity_rule(result: ExAnteResult) -> list[Paragraph]:
    """The 前期工作 maturity rule with its source and status (for a case with ``preparation``)."""
    if result.maturity is None:
        return []
    ms = rules()["maturity"]
    cap = next(b.label for b in result.bands.bands if b.id == ms["cap"])
    labels = "、".join(ms["documents"].values())
    reg = ms["regulation"]
    return [
        Paragraph(
            f"前期工作成熟度（政府投资项目）：{labels}任一项未批复时，结论最高为“{cap}”，本年度资金支持"
            f"限于案例填写的前期工作经费（{blocks.cite(ms['source'])}；{_status(ms['status'])}）；"
            f"依据：{blocks.cite(reg['source'])}（{_status(reg['status'])}）。"
        )
    ]


def conclusion_card(result: ExAnteResult) -> list[Any]:
    """评估规则 as the 技术附件 lists them: the conclusion cut-offs, the veto rules (with the
    sub-item codes), the rating scale and the framework, each with its source and status."""
    fw = result.framework
    parts: list[Any] = []
    for v in result.vetoes:
        cap = next(b.label for b in result.bands.bands if b.id == v.rule.cap)
        parts.append(Callout("warn", [f"触发否决情形 {v.describe()}：结论最高为“{cap}”。"]))
    if result.by_score is not None and result.by_score.id != result.conclusion.id:
        parts.append(
            Paragraph(
                f"按总分结论为“{result.by_score.label}”，因否决情形调整为“{result.conclusion.label}”。"
            )
        )
    parts += [
        Paragraph(
            f"结论分界：{result.bands.describe()}"
            f"（{blocks.cite(result.bands.source)}；{_status(result.bands.status)}）。"
            "事前评估以上述结论代替优、良、中、差等级。"
        ),
        Paragraph(f"否决情形：{_veto_text(result)}"),
        *_maturity_rule(result),
        Paragraph(
            f"要点评级折算：{result.scale.describe()}"
            f"（{blocks.cite(result.scale.source)}；{_status(result.scale.status)}）。"
        ),
        Paragraph(
            f"评估框架：{fw.name}。{blocks.cite(fw.source)}（维度：{_status(fw.status)}；"
            f"分值：{_status(fw.points_status)}）。"
        ),
    ]
    return parts


def dimensions_table(result: ExAnteResult) -> Table:
    """评估维度得分 table."""
    rows = [
        [r.level1, fmt.num(r.weight), fmt.fixed(r.score), fmt.fixed(r.rate) + "%"]
        for r in result.dimensions.itertuples()
    ]
    rows.append(["合计", "100", fmt.fixed(result.total), fmt.fixed(result.total) + "%"])
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
                f"本{result.framework.object_name}未提供成本效益测算，经济性要点由评估人直接评级。"
            )
        ]
    rows = [
        [r.code, r.name, r.evidence or "—", r.rule, r.suggested or "—", r.rating]
        for r in result.items.itertuples()
        if isinstance(r.derive, str) and r.derive.startswith("cba_")
    ]
    src = rules()["derivations"]
    return [
        Paragraph("由成本效益分析推导的建议评级："),
        Table(
            rows,
            ["代码", "评估要点", "证据", "推导规则", "建议评级", "最终评级"],
            widths=(0.75, 1.1, 2.6, 2.8, 0.8, 0.8),
            note=(
                f"推导规则依据：{blocks.cite(' '.join(src['source'].split()))}"
                f"（{_status(src['status'])}）。"
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
    ind = indicator_name(result.cba)
    mc = result.cba.analysis.monte_carlo
    if mc is not None and not mc.all_invalid:
        caption = f"{ind}的概率分布（蒙特卡洛模拟）"
        alt = f"蒙特卡洛模拟的{ind}频数直方图与累计概率曲线，虚线为0"
    else:
        caption = "年度现金流与累计净现值"
        alt = "各年效益（向上）与费用（向下）柱状图，折线为累计净现值"
    return blocks.chart(ax.figure, caption, alt)


def risk_table(result: ExAnteResult) -> Table | Paragraph:
    """风险登记表 with inherent and residual levels, and the matrix rule."""
    t = result.register.table
    spec = rules()["risk_matrix"]
    if t.empty:
        return Paragraph("申报材料未提供风险登记表。")
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
            f"风险值为可能性（1—5级）与影响程度（1—5级）之积；分级：{levels}（{_status(spec['status'])}，"
            "口径见附件2）。剩余风险为采取应对措施后的评估，未填写时同固有风险。"
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


def section_basic(r: ExAnteResult) -> Section:
    """一、基本情况"""
    case = r.case
    obj = r.framework.object_name
    goals = getattr(case, "objectives", None)
    if goals:
        listed = [goals] if isinstance(goals, str) else list(goals)
        parts: list[Any] = [Paragraph(fnd._sentence(fnd.tidy(g))) for g in listed]
    else:
        parts = [Paragraph(f"申报的绩效目标：{official.NOT_GIVEN}")]
    parts.append(Paragraph("绩效目标的评估情况见第三部分。"))
    return Section(
        "一、基本情况",
        [
            Section(
                f"（一）{obj}概况",
                [
                    blocks.unscored_info(case, evaluator_label="评估机构/人员"),
                    official.overview_paragraph(case, f"{obj}概况"),
                    request_prose(case),
                ],
                level=2,
            ),
            Section("（二）申报的绩效目标", parts, level=2),
        ],
    )


def _scope(r: ExAnteResult) -> str:
    case, b = r.case, r.case.budget
    text = f"评估对象为{case.title}"
    if b is not None and b.planned is not None:
        text += f"，申请{case.year}年度预算资金{fmt.fixed(b.planned)}{b.unit}"
    return text


def section_content(r: ExAnteResult) -> Section:
    """二、评估内容与方法"""
    case, fw = r.case, r.framework
    work = getattr(case, "work", None)
    purpose = work.purpose if work and work.purpose else None
    scope = work.scope if work and work.scope else _scope(r)
    dims = r.dimensions
    rule = re.search(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号", fw.source)
    basis = f"{rule.group(0)}关于事前绩效评估的要求和" if rule else ""
    content = (
        f"依据{basis}{fw.name}，从{'、'.join(dims['level1'])}{len(dims)}个维度、{len(fw.items)}个评估要点"
        f"开展评估，各维度分值分别为{'、'.join(f'{fmt.num(w)}分' for w in dims['weight'])}"
        f"（评估要点见附件1；框架依据：{_status(fw.status)}，分值设定：{_status(fw.points_status)}）。"
    )
    scale = "、".join(f"“{k}”计{fmt.num(v * 100)}%" for k, v in r.scale.values.items())
    bands = r.bands.bands
    band_text = "，".join(
        f"{fmt.num(b.min)}分（含）以上为“{b.label}”"
        if i == 0
        else (
            f"{fmt.num(b.min)}分（含）至{fmt.num(bands[i - 1].min)}分为“{b.label}”"
            if b.min > 0
            else f"{fmt.num(bands[i - 1].min)}分以下为“{b.label}”"
        )
        for i, b in enumerate(bands)
    )
    vetoes, _ = veto_rules(getattr(case, "veto", True))
    used = [v for v in vetoes if any(fw.item(c) for c in v.items)]
    if used:
        caps = {b.id: b.label for b in bands}
        veto = (
            "存在下列情形之一的，不论总分，评估结论最高为所列结论："
            + "；".join(f"{v.text}（“{caps[v.cap]}”）" for v in used)
            + f"（{_status('case' if getattr(case, 'veto', True) not in (True, None) else rules()['veto']['status'])}）。"
        )
    else:
        veto = "本评估未设否决情形。"
    if r.maturity is not None:
        labels = "、".join(rules()["maturity"]["documents"].values())
        cap = {b.id: b.label for b in bands}[rules()["maturity"]["cap"]]
        veto += (
            f"政府投资项目的{labels}尚未批复的，评估结论最高为“{cap}”，本年度资金支持限于前期工作经费"
            f"（{_status(rules()['maturity']['status'])}）。"
        )
    derived = [i for i in fw.items if i.derive]
    method = "采用要点评级法，由评估人依据申报材料对各评估要点逐项评级"
    if any((i.derive or "").startswith("cba_") for i in derived) and r.cba is not None:
        method += "；采用成本效益分析法测算经济性"
    if r.register is not None and not r.register.empty:
        method += "；采用风险矩阵法（可能性×影响程度）识别和评价执行风险"
    method += "。"
    if derived:
        method += (
            f"{'、'.join(dict.fromkeys(i.dimension for i in derived))}中的部分要点先由成本效益分析或风险"
            "登记表按规则推导建议评级，评估人可调整并须说明理由（推导规则见附件2）。"
        )
    process = (work.process if work else None) or None
    steps = [process] if isinstance(process, str) else list(process or [])
    field_check = work.fieldwork if work and work.fieldwork else None
    survey = work.questionnaires if work and work.questionnaires else None
    return Section(
        "二、评估内容与方法",
        [
            Section(
                "（一）评估目的、对象和范围",
                [
                    Paragraph(
                        f"评估目的：{fnd._clause(purpose)}。"
                        if purpose
                        else f"评估目的：{official.NOT_GIVEN}"
                    ),
                    Paragraph(fnd._sentence(fnd.tidy(scope))),
                ],
                level=2,
            ),
            Section("（二）评估内容", [Paragraph(fnd.tidy(content))], level=2),
            Section(
                "（三）评估方法和标准",
                [
                    Paragraph(f"1. 评估方法。{method}"),
                    Paragraph(
                        f"2. 评级与计分。各评估要点按优、良、中、差四档评级，分别按要点分值的{scale}计分"
                        f"（{_status(r.scale.status)}），维度得分和总分为要点得分之和。"
                    ),
                    Paragraph(f"3. 评估结论。总分{band_text}（{_status(r.bands.status)}）；{veto}"),
                ],
                level=2,
            ),
            Section(
                "（四）评估工作过程",
                [
                    *(
                        Paragraph(fnd._sentence(fnd.tidy(f"{i}. {s}")))
                        for i, s in enumerate(steps, 1)
                    ),
                    *([] if steps else [Paragraph(f"评估工作过程：{official.NOT_GIVEN}")]),
                    Paragraph(
                        f"现场核查：{fnd._clause(field_check)}。"
                        if field_check
                        else f"现场核查：{official.NOT_GIVEN}"
                    ),
                    Paragraph(
                        f"专家论证和问卷调查：{fnd._clause(survey)}。"
                        if survey
                        else f"专家论证和问卷调查：{official.NOT_GIVEN}"
                    ),
                ],
                level=2,
            ),
        ],
    )


def _dimension_paragraph(r: ExAnteResult, dim) -> Paragraph:
    row = r.dimensions.set_index("level1").loc[dim.name]
    text = (
        f"{dim.name}分值{fmt.num(dim.points)}分，得分{fmt.fixed(row['score'])}分，"
        f"得分率{fmt.fixed(row['rate'])}%。"
    )
    said = []
    for it in r.items[r.items["dimension"] == dim.name].to_dict("records"):
        fact = xf.item_fact(r, it)
        said.append(f"{it['name']}评为“{it['rating']}”" + (f"，{fact}" if fact else ""))
    text += "；".join(said) + "。"
    return Paragraph(fnd.tidy(text))


def section_assessment(r: ExAnteResult) -> Section:
    """三、评估情况"""
    fw = r.framework
    economy = {i.dimension for i in fw.items if (i.derive or "").startswith("cba_")}
    risky = {i.dimension for i in fw.items if (i.derive or "").startswith("risk_")}
    parts = []
    for n, dim in enumerate(fw.dimensions, 1):
        blocks_: list[Any] = [_dimension_paragraph(r, dim)]
        if dim.name in economy:
            if r.cba is None:
                names = "、".join(i.name for i in dim.items if (i.derive or "").startswith("cba_"))
                blocks_.append(
                    Paragraph(f"本{fw.object_name}未提供成本效益测算，{names}由评估人直接评级。")
                )
            else:
                blocks_ += [
                    Paragraph("成本效益分析的主要指标如下（测算明细见附件2）："),
                    cost_benefit.key_indicators(r.cba),
                    economy_chart(r),
                ]
        if dim.name in risky:
            ax = plot_risk_matrix(r)
            chart = None
            if ax is not None:
                chart = blocks.chart(
                    ax.figure,
                    "风险矩阵",
                    "5×5风险矩阵（可能性×影响程度），按风险等级着色；数字为风险序号，"
                    "空心为固有风险，实心为采取措施后的剩余风险，箭头表示措施的效果",
                )
            blocks_ += [
                Paragraph(
                    "风险登记表列出已识别的风险、可能性与影响程度、应对措施和采取措施后的剩余风险；"
                    "风险矩阵中数字为风险序号。"
                ),
                risk_table(r),
                chart,
            ]
        parts.append(Section(f"（{official.chinese_number(n)}）{dim.name}", blocks_, level=2))
    return Section("三、评估情况", parts)


def maturity_sentence(r: ExAnteResult) -> str:
    """The 前期工作 maturity rule as it applies to this case (a 政府投资项目 with documents
    pending)."""
    m = r.maturity
    caps = {b.id: b.label for b in r.bands.bands}
    text = (
        f"本项目为政府投资项目，{m.pending_text()}尚未批复。按前期工作成熟度规则，不论总分，评估结论最高为"
        f"“{caps[m.cap]}”"
    )
    if r.conclusion.id == m.cap:
        req = f"（申请{fmt.num(m.requested)}{m.unit}）" if m.requested is not None else ""
        text += f"，本年度资金支持限于前期工作经费{m.amount_text()}{req}"
    spec = rules()["maturity"]
    return (
        f"{text}；建设资金待{m.pending_text()}批复后按核定的投资概算另行申报（{spec['regulation']['source']}，"
        f"{_status(spec['regulation']['status'])}；结论上限和资金限定为{_status(spec['status'])}）。"
    )


def maturity_table(r: ExAnteResult) -> Table:
    """前期工作 documents and their approval, and the funding supported this year."""
    m = r.maturity
    rows = [[k, v] for k, v in m.statuses.items()]
    if m.requested is not None:
        rows.append(["本年度申请资金", f"{fmt.num(m.requested)}{m.unit}"])
    if r.maturity_capped:
        scope = f"（{m.scope}）" if m.scope else ""
        rows.append(["本年度支持资金（前期工作经费）", f"{m.amount_text()}{scope}"])
    return Table(rows, ["前期工作事项", "情况"], widths=(2.2, 4))


def section_conclusion(r: ExAnteResult) -> Section:
    """四、评估结论"""
    parts: list[Any] = [
        Section(
            "（一）综合评估结论",
            [Paragraph(xf.conclusion(r, r.findings)), score_card(r)],
            level=2,
        ),
        Section(
            "（二）评估得分情况",
            [
                dimensions_table(r),
                blocks.chart(
                    plot_dimensions(r),
                    "评估维度得分与得分率",
                    "左：各评估维度得分与失分条形图；右：各评估维度得分率雷达图",
                ),
            ],
            level=2,
        ),
    ]
    m = r.maturity
    if r.vetoes or (m is not None and m.fired):
        caps = {b.id: b.label for b in r.bands.bands}
        notes: list[Any] = [
            Paragraph(
                f"{v.name}评为“{v.rating}”，属“{v.rule.text}”的否决情形，不论总分，评估结论最高为"
                f"“{caps[v.rule.cap]}”。"
            )
            for v in r.vetoes
        ]
        if m is not None and m.fired:
            notes.append(Paragraph(maturity_sentence(r)))
            notes.append(maturity_table(r))
        if r.by_score is not None and r.by_score.id != r.conclusion.id:
            why = "上述否决情形" if r.vetoes else "前期工作尚不成熟"
            if r.vetoes and r.maturity_capped:
                why = "上述否决情形和前期工作成熟度"
            notes.append(
                Paragraph(
                    f"按总分{fmt.fixed(r.total)}分，评估结论应为“{r.by_score.label}”；因{why}，"
                    f"评估结论调整为“{r.conclusion.label}”。"
                )
            )
        parts.append(Section("（三）关于评估结论的说明", notes, level=2))
    return Section("四、评估结论", parts)


def section_problems(r: ExAnteResult) -> Section:
    """五、主要优势、存在的问题及原因分析"""
    fd = r.findings
    good = xf.achievements(r)
    strengths = [Paragraph(fnd.tidy(f"{i}. {g}")) for i, g in enumerate(good, 1)] or [
        Paragraph("（无）")
    ]
    probs: list[Any] = []
    for i, p in enumerate(fd.problems, 1):
        probs.append(Paragraph(Span(f"{i}. {p.heading}", strong=True)))
        if p.facts:
            probs.append(Paragraph(fnd.tidy(p.facts_text)))
        probs.append(Paragraph(fnd.tidy(p.cause_text)))
    if not probs:
        probs = [Paragraph("评估未发现需要单独列示的问题；各要点的评级情况见第三部分和附件1。")]
    return Section(
        "五、主要优势、存在的问题及原因分析",
        [
            Section("（一）主要优势", strengths, level=2),
            Section("（二）存在的问题及原因分析", probs, level=2),
        ],
    )


def section_advice(r: ExAnteResult) -> Section:
    """六、有关建议"""
    fd = r.findings
    parts: list[Any] = [
        Section(
            f"（{official.chinese_number(i)}）{a.heading()}",
            [Paragraph(fnd.tidy(a.text))],
            level=2,
        )
        for i, a in enumerate(fd.advice, 1)
    ]
    extra = getattr(r.case, "conclusions", None)
    if extra is not None and extra.suggestions:
        n = official.chinese_number(len(parts) + 1)
        parts.append(
            Section(
                f"（{n}）其他建议",
                [BulletList([fnd.tidy(x) for x in extra.suggestions])],
                level=2,
            )
        )
    if not parts:
        parts = [Paragraph(r.advice)]
    return Section("六、有关建议", parts)


def section_other(r: ExAnteResult) -> Section:
    """七、其他需要说明的问题"""
    items = xf.other_matters(r)
    return Section(
        "七、其他需要说明的问题",
        [Paragraph(fnd.tidy(f"{i}. {x}")) for i, x in enumerate(items, 1)],
    )


def score_sheet(r: ExAnteResult) -> Table:
    """评估要点评分表: 评估维度、评估要点、分值、评级、得分、评级依据 (no codes)."""
    rows = []
    for dim in r.framework.dimensions:
        its = r.items[r.items["dimension"] == dim.name].to_dict("records")
        for k, it in enumerate(its):
            first = (
                [Cell(f"{dim.name}（{fmt.num(dim.points)}分）", rowspan=len(its), numeric=False)]
                if k == 0
                else []
            )
            rows.append(
                [
                    *first,
                    it["name"],
                    Cell(fmt.num(it["points"]), numeric=True),
                    it["rating"],
                    Cell(fmt.fixed(it["score"]), numeric=True),
                    fnd.tidy(xf.item_fact(r, it)) or "—",
                ]
            )
    rows.append(
        [
            "合计",
            "",
            Cell(fmt.num(r.dimensions["weight"].sum()), numeric=True),
            "",
            Cell(fmt.fixed(r.total), numeric=True),
            f"评估结论：{r.conclusion.label}",
        ]
    )
    return Table(
        rows,
        ["评估维度", "评估要点", "分值", "评级", "得分", "评级依据"],
        widths=(1.2, 1.5, 0.55, 0.55, 0.65, 4.0),
    )


def section_score_sheet(r: ExAnteResult) -> Section:
    """附件1：评估要点评分表"""
    return Section("附件1：评估要点评分表", [score_sheet(r)])


def section_annex(r: ExAnteResult) -> Section:
    """附件2：技术附件"""
    parts: list[Any] = [
        Section(
            "（一）评估要点评级明细",
            [
                Paragraph(f"案例编号：{r.case.case_id}（案例库存档编号）。", style="note"),
                items_table(r),
            ],
            level=2,
        ),
        Section("（二）评估规则及其依据", conclusion_card(r), level=2),
        Section("（三）建议评级的推导", economy_tables(r), level=2),
    ]
    if r.cba is not None:
        cba_parts: list[Any] = [
            Paragraph("成本效益分析的口径、现金流量和概率分析设置："),
            cost_benefit.setup_table(r.cba),
            cost_benefit.cashflow_table(r.cba),
            cost_benefit.risk_tables(r.cba),
            Paragraph("计算结果摘要："),
            BulletList(r.cba.conclusions()),
        ]
        parts.append(Section("（四）成本效益分析明细", cba_parts, level=2))
    spec = rules()["risk_matrix"]
    n = official.chinese_number(len(parts) + 1)
    parts.append(
        Section(
            f"（{n}）风险矩阵口径",
            [
                Paragraph(
                    f"{blocks.cite(' '.join(spec['source'].split()))}（{_status(spec['status'])}）。"
                )
            ],
            level=2,
        )
    )
    files = data_files_table(r.case)
    if files is not None:
        n = official.chinese_number(len(parts) + 1)
        parts.append(
            Section(
                f"（{n}）数据文件",
                [Paragraph("成本效益测算数据文件（存档时记录其哈希值）："), files],
                level=2,
            )
        )
    if r.warnings:
        n = official.chinese_number(len(parts) + 1)
        parts.append(
            Section(f"（{n}）提示", [Callout("warn", [BulletList(list(r.warnings))])], level=2)
        )
    return Section("附件2：技术附件", parts)


# the level-1 headings of the report (the customary outline; tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、评估内容与方法",
    "三、评估情况",
    "四、评估结论",
    "五、主要优势、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
    "附件1：评估要点评分表",
    "附件2：技术附件",
)

OUTLINE = (
    section_basic,
    section_content,
    section_assessment,
    section_conclusion,
    section_problems,
    section_advice,
    section_other,
    section_score_sheet,
    section_annex,
)


def outline(r: ExAnteResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
