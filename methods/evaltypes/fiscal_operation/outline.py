"""The report of a ``fiscal_operation`` case: its sections (一、评价概况 … 八、评价方法说明) as
document blocks, built from the :class:`~.analysis.FiscalResult`, and the three charts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from methods import _format as fmt
from methods._resources import load_yaml
from methods.evaltypes.fiscal_operation.analysis import (
    FiscalResult,
    _coefficient_text,
    _presets,
    conclusions,
    results,
)
from methods.report import blocks
from methods.report.document import BulletList, Document, Paragraph, Section, Span, Table

# Long indicator names in a header: the header cells wrap (report.css keeps headers on one line).
WRAP = "jx-wrap"


def _rule_text(r: Mapping[str, Any]) -> str:
    from methods.scoring import RULE_NAMES

    name = RULE_NAMES.get(r["rule"], r["rule"])
    u = r["unit"]
    if r["rule"] == "range":
        return f"{name}（{fmt.num(r['target'])}–{fmt.num(r['target_high'])}{u} 得满分）"
    if r["rule"] == "deduction":
        per = "每个百分点" if u == "%" else f"每{u or '单位'}"
        ppu = fmt.num(r["points_per_unit"])
        return f"{name}（≤{fmt.with_unit(r['target'], u)} 得满分，{per}扣 {ppu} 分）"
    if r["rule"] == "reverse":
        return f"{name}（≤{fmt.with_unit(r['target'], u)} 得满分）"
    return f"{name}（≥{fmt.with_unit(r['target'], u)} 得满分）"


# ---------------------------------------------------------------------------------------------
# Blocks


def basic_info(result: FiscalResult) -> Table:
    """基本信息 of a fiscal_operation case."""
    from methods.casefile import BUDGET_TYPES

    case = result.case
    pairs = [
        ("评价名称", case.title),
        ("组织单位", case.department),
        ("评价年度", f"{case.year} 年"),
        ("评价类型", case.evaluation_type.title),
        ("预算类型", BUDGET_TYPES.get(case.budget_type, case.budget_type)),
        ("评价对象", f"{len(result.raw)} 个镇（街道）：" + "、".join(result.raw.index)),
        ("评价机构/人员", case.evaluator),
        ("指标框架", result.framework.name),
        ("案例编号", case.case_id),
    ]
    if case.allocation is not None:
        a = case.allocation
        pairs.append(("挂钩资金", f"{a.name or '转移支付资金'} {fmt.fixed(a.total)} {a.unit}"))
    return Table.kv(pairs)


def framework_blocks(result: FiscalResult) -> list[Any]:
    """评价指标体系: the framework and its status, then level-1/2, indicator, points, target and
    rule, formula, basis."""
    rows = [
        [
            r["level1"],
            r["level2"],
            f"{r['name']}（{r['code']}）",
            fmt.num(r["weight"]),
            _rule_text(r),
            r["formula"] or "",
            f"{r['basis'] or ''}（{r['status']}）",
        ]
        for r in result.indicators.to_dict("records")
    ]
    fw = result.framework
    header = ["一级指标", "二级指标", "指标", "分值", "计分规则", "计算公式", "目标值依据（状态）"]
    return [
        Paragraph(f"指标框架：{fw.name}。来源：{fw.source}（{fw.status}）。"),
        Paragraph(
            [
                Span("说明：国家层面没有统一的财政运行综合绩效评价指标体系。", strong=True),
                "一级指标取自武发〔2020〕48号列明的四个方面；以下指标、分值、目标值和计分规则"
                + (
                    "由案例文件给出。"
                    if result.case.indicators
                    else "为本项目默认口径，依据状态见各指标。"
                ),
            ]
        ),
        Table(rows, header, numeric=(3,)),
    ]


def ranking_blocks(result: FiscalResult) -> list[Any]:
    """各镇（街道）综合得分、等级和名次: a summary sentence and the ranking table."""
    t = result.ranking
    names = list(result.level1.columns)
    rows = [
        [str(r["rank"]), r["town"], fmt.fixed(r["total"]), r["grade"]]
        + [fmt.fixed(r[n]) for n in names]
        for r in t.to_dict("records")
    ]
    header = ["名次", "镇（街道）", "总分", "等级", *names]
    counts = result.grades.value_counts()
    summary = "，".join(
        f"{label} {int(counts.get(label, 0))} 个" for label, _ in result.bands.bands
    )
    text = (
        f"参评 {len(t)} 个镇（街道），平均得分 {fmt.num(result.totals.mean())} 分，"
        f"最高 {fmt.num(result.totals.max())} 分，最低 {fmt.num(result.totals.min())} 分；"
        f"等级分布：{summary}（等级标准：{result.bands.describe()}）。"
        "一级指标分值："
        + "，".join(f"{n} {fmt.num(result.level1_points[n])} 分" for n in names)
        + "。"
    )
    numeric = set(range(4, 4 + len(names))) | {0, 2}
    return [Paragraph(text), Table(rows, header, numeric=numeric, classes=WRAP)]


def level1_rate_table(result: FiscalResult) -> Table:
    """各镇（街道）一级指标得分率 (%), with the mean over the towns."""
    names = list(result.level1.columns)
    rate = result.level1 / result.level1_points * 100
    rows = [[town] + [fmt.num(rate.loc[town, n], 1) + "%" for n in names] for town in rate.index]
    mean = rate.mean()
    rows.append(["平均"] + [fmt.num(mean[n], 1) + "%" for n in names])
    return Table(rows, ["镇（街道）", *names], numeric=range(1, len(names) + 1))


def indicator_detail(result: FiscalResult) -> list[Any]:
    """Town × indicator, one sub-section per level-1 indicator: value (relative value) → score."""
    ind = result.indicators
    parts: list[Any] = []
    for level1 in result.level1.columns:
        sub = ind[ind["level1"] == level1]
        header = ["镇（街道）"] + [f"{r.name}（{fmt.num(r.weight)} 分）" for r in sub.itertuples()]
        rows = []
        for town in result.raw.index:
            cells = [town]
            for r in sub.itertuples():
                value = fmt.with_unit(result.raw.loc[town, r.code], r.raw_unit)
                if r.relative == "mean":
                    value += f"（{fmt.num(result.actual.loc[town, r.code], 1)}%）"
                cells.append(f"{value} → {fmt.fixed(result.scores.loc[town, r.code])}")
            rows.append(cells)
        table = Table(rows, header, numeric=range(1, len(header)), classes=WRAP)
        parts.append(Section(str(level1), [table], level=2))
    parts.append(
        Paragraph(
            "每格为“实际值 → 得分”；相对水平指标括号内为与各镇（街道）平均值之比。"
            "负增长等低于 0 的完成比例按 0 分计。",
            "note",
        )
    )
    return parts


def allocation_blocks(result: FiscalResult) -> list[Any]:
    """转移支付分配: the fund, formula, factors and coefficient, then （一） factor values and shares
    and （二） basic amount, coefficient and allocation per town, with the chart."""
    if result.allocation is None:
        return [Paragraph("本案例未设置转移支付分配（allocation）。")]
    alloc = result.case.allocation
    a = result.allocation
    u = alloc.unit
    factor_rows = [
        [f.name, f.code, f.unit or "", fmt.num(f.weight * 100, 2) + "%", f.source or ""]
        for f in alloc.factors
    ]
    formula = _presets()["formula"]
    parts: list[Any] = [
        Paragraph(f"资金：{alloc.name or '转移支付资金'}，总额 {fmt.fixed(alloc.total)} {u}。"),
        Paragraph(f"分配公式：{formula['text']}。{formula['note']}"),
        Table(factor_rows, ["分配因素", "代码", "单位", "权重", "数据来源"], numeric=(3,)),
        Paragraph(f"绩效系数：{_coefficient_text(result.coefficient)}"),
    ]
    factor_codes = [f.code for f in alloc.factors]
    order = a.sort_values("allocation", ascending=False).index
    rows = [
        [town]
        + [fmt.num(result.factors.loc[town, k]) for k in factor_codes]
        + [fmt.num(a.loc[town, "share"] * 100, 2) + "%"]
        for town in order
    ]
    rows.append(["合计"] + [fmt.num(result.factors[k].sum()) for k in factor_codes] + ["100%"])
    header = ["镇（街道）"] + [f"{f.name}（{f.unit}）" if f.unit else f.name for f in alloc.factors]
    parts.append(
        Section(
            "（一）分配因素与因素得分",
            [Table(rows, [*header, "因素得分"], numeric=range(1, len(header) + 1))],
            level=2,
        )
    )
    coef_digits = 4 if result.coefficient.method == "linear" else 2
    rows = [
        [
            town,
            fmt.num(a.loc[town, "share"] * 100, 2) + "%",
            fmt.fixed(a.loc[town, "base"]),
            fmt.fixed(a.loc[town, "total_score"]),
            a.loc[town, "grade"],
            f"{a.loc[town, 'coefficient']:.{coef_digits}f}",
            fmt.fixed(a.loc[town, "allocation"]),
            ("+" if a.loc[town, "change"] > 0 else "") + fmt.fixed(a.loc[town, "change"]),
        ]
        for town in order
    ]
    rows.append(
        [
            "合计",
            "100%",
            fmt.fixed(a["base"].sum()),
            "",
            "",
            "",
            fmt.fixed(a["allocation"].sum()),
            fmt.fixed(a["allocation"].sum() - a["base"].sum()),
        ]
    )
    header = [
        "镇（街道）",
        "因素得分",
        "基础额",
        "绩效得分",
        "等级",
        "绩效系数",
        "分配额",
        "绩效调节",
    ]
    parts.append(
        Section(
            f"（二）绩效调节与分配结果（金额单位：{u}）",
            [
                Table(rows, header, numeric=(1, 2, 3, 5, 6, 7)),
                blocks.chart(
                    plot_allocation(result).figure,
                    "转移支付分配：因素法基础额与绩效调节后分配额",
                    "各镇（街道）因素法基础额（浅色）与绩效调节后分配额（深色）的分组柱状图，"
                    "按分配额从高到低排列",
                ),
            ],
            level=2,
        )
    )
    return parts


def method_notes(result: FiscalResult) -> list[Any]:
    """How the scores and the allocation were made (framework, rules, coefficient, data)."""
    import hashlib

    rules = load_yaml("rules.yaml")["rules"]
    used = list(dict.fromkeys(result.indicators["rule"]))
    rule_rows = [[rules[r]["name"], rules[r]["formula"], rules[r]["status"]] for r in used]
    parts: list[Any] = [
        Paragraph(f"指标框架：{result.framework.name}（{result.framework.status}）。"),
        Table(rule_rows, ["计分规则", "计分方法", "依据状态"]),
        Paragraph(
            "各指标得分四舍五入保留两位小数，一级指标得分和总分为指标得分之和；"
            f"等级标准：{result.bands.describe()}（{result.bands.source}）。"
            "依据状态：reg 法规文件，local 地方规定，practice 实务通行做法，unverified 常见做法但未核实原文，"
            "case 案例文件自定义。"
        ),
        Paragraph("计分与分配口径说明："),
        BulletList(result.notes),
    ]
    files = result.case.data_files()
    if files:
        rows = [
            [f.name, f"{f.stat().st_size:,} 字节", hashlib.sha256(f.read_bytes()).hexdigest()[:16]]
            for f in files
        ]
        parts.append(Paragraph("数据文件（已随报告存档，哈希见 provenance.json）："))
        parts.append(Table(rows, ["文件", "大小", "SHA-256（前 16 位）"]))
    parts.append(blocks.warnings_box(result.warnings))
    return [p for p in parts if p is not None]


# ---------------------------------------------------------------------------------------------
# Charts


def plot_scores(result: FiscalResult, ax=None):
    """Horizontal bars of town totals, coloured by grade, with the band cut-offs."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    t = result.ranking.iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 0.38 * len(t) + 1.4))
    colours = {"优": "#2F6DB5", "良": "#5B9BD5", "中": "#F0A202", "差": "#C0392B"}
    bars = ax.barh(
        t["town"], t["total"], color=[colours.get(g, "#7F8C8D") for g in t["grade"]], height=0.6
    )
    for bar, v in zip(bars, t["total"], strict=True):
        ax.text(v + 0.3, bar.get_y() + bar.get_height() / 2, f"{v:.2f}", va="center", fontsize=8)
    for label, low in result.bands.bands[:-1]:
        ax.axvline(low, color="#999999", lw=0.8, ls="--")
        ax.text(low, len(t) - 0.3, f" {label}≥{low:g}", fontsize=8, color="#666666")
    ax.set_xlim(max(0, min(40, t["total"].min() - 10)), 105)
    ax.set_xlabel("综合得分")
    ax.set_title("各镇（街道）财政运行综合绩效得分", pad=16)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_level1(result: FiscalResult, ax=None):
    """Heat map of level-1 得分率 (%) by town."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    rate = (result.level1 / result.level1_points * 100).loc[result.ranking["town"]]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 0.36 * len(rate) + 1.6))
    im = ax.imshow(rate.to_numpy(), cmap="Blues", vmin=40, vmax=100, aspect="auto")
    ax.set_xticks(range(rate.shape[1]), rate.columns, fontsize=9)
    ax.set_yticks(range(rate.shape[0]), rate.index, fontsize=9)
    for i in range(rate.shape[0]):
        for j in range(rate.shape[1]):
            v = rate.iat[i, j]
            ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=8,
                    color="white" if v > 80 else "#333333")  # fmt: skip
    ax.set_title("一级指标得分率（%）")
    plt.colorbar(im, ax=ax, fraction=0.03)
    return ax


def plot_allocation(result: FiscalResult, ax=None):
    """Grouped bars: the factor-method base amount and the final allocation of each town."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    if result.allocation is None:
        return None
    a = result.allocation.sort_values("allocation", ascending=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.6, 3.8))
    x = np.arange(len(a))
    ax.bar(x - 0.2, a["base"], width=0.4, color="#BFD3EA", label="因素法基础额")
    ax.bar(x + 0.2, a["allocation"], width=0.4, color="#2F6DB5", label="绩效调节后分配额")
    ax.set_xticks(x, a.index, rotation=45, ha="right", fontsize=9)
    ax.set_ylabel(result.case.allocation.unit)
    ax.set_title("转移支付分配（因素法 × 绩效系数）")
    ax.legend(frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# ---------------------------------------------------------------------------------------------
# Sections


def section_overview(r: FiscalResult) -> Section:
    """一、评价概况"""
    return Section("一、评价概况", [basic_info(r), blocks.overview(r.case)])


def section_framework(r: FiscalResult) -> Section:
    """二、评价指标体系"""
    return Section("二、评价指标体系", framework_blocks(r))


def section_ranking(r: FiscalResult) -> Section:
    """三、综合得分与等级"""
    return Section(
        "三、综合得分与等级",
        [
            *ranking_blocks(r),
            blocks.chart(
                plot_scores(r).figure,
                "各镇（街道）财政运行综合绩效得分",
                "各镇（街道）综合得分横向条形图，自上而下按得分从高到低排列，颜色表示评价等级，"
                "虚线为等级分界分数",
            ),
        ],
    )


def section_level1(r: FiscalResult) -> Section:
    """四、各镇（街道）一级指标得分"""
    return Section(
        "四、各镇（街道）一级指标得分",
        [
            Paragraph("各镇（街道）在四个方面的得分率（得分 ÷ 分值）。"),
            level1_rate_table(r),
            blocks.chart(
                plot_level1(r).figure,
                "各镇（街道）一级指标得分率",
                "各镇（街道）一级指标得分率（%）热力图：行为镇（街道），按综合得分从高到低排列，"
                "列为一级指标，颜色越深得分率越高",
            ),
        ],
    )


def section_indicators(r: FiscalResult) -> Section:
    """五、指标得分明细"""
    return Section("五、指标得分明细", indicator_detail(r))


def section_allocation(r: FiscalResult) -> Section:
    """六、转移支付分配（因素法 + 绩效系数）"""
    return Section("六、转移支付分配（因素法 + 绩效系数）", allocation_blocks(r))


def section_findings(r: FiscalResult) -> Section:
    """七、主要成效、存在问题和改进建议"""
    return Section("七、主要成效、存在问题和改进建议", blocks.conclusion_sections(conclusions(r)))


def section_method(r: FiscalResult) -> Section:
    """八、评价方法说明"""
    return Section("八、评价方法说明", method_notes(r))


OUTLINE = (
    section_overview,
    section_framework,
    section_ranking,
    section_level1,
    section_indicators,
    section_allocation,
    section_findings,
    section_method,
)


def outline(r: FiscalResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])


__all__ = [
    "OUTLINE",
    "outline",
    "plot_allocation",
    "plot_level1",
    "plot_scores",
    "results",
    "section_allocation",
    "section_findings",
    "section_framework",
    "section_indicators",
    "section_level1",
    "section_method",
    "section_overview",
    "section_ranking",
]
