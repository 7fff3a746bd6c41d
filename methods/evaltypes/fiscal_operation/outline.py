"""The report of a ``fiscal_operation`` case, on the customary outline of a 镇（街道）财政运行综合绩效
评价报告 (built like the 财预〔2020〕10号 参考提纲; the dimensions are the four of the policy:
收入结构与质量、支出结构与效果、财力分布与可持续性、财力与职能匹配性):

一、基本情况; 二、绩效评价工作开展情况; 三、综合评价情况及评价结论; 四、绩效评价指标分析 (one part per
dimension); 五、主要成效、存在的问题及原因分析; 六、有关建议 (one per problem); 七、评价结果应用 (the
transfer payment); 八、其他需要说明的问题; 附件1 评价指标及评分表; 附件2 技术附件 (indicator codes,
scoring formulas, the allocation formula, the status of every rule, data files and their hashes).

The body carries no file names, case ids, indicator codes, status codes or formula variables;
the grade bands are cited as this evaluation's own (the 10号 bands are for 项目支出).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from methods import _format as fmt
from methods._resources import load_yaml
from methods.evaltypes.fiscal_operation import findings as fnd
from methods.evaltypes.fiscal_operation.analysis import FiscalResult, _presets, results
from methods.report import blocks, official
from methods.report.document import BulletList, Document, Paragraph, Section, Span, Table
from methods.report.findings import tidy

# Long indicator names in a header: the header cells wrap (report.css keeps headers on one line).
WRAP = "jx-wrap"
NOT_GIVEN = official.NOT_GIVEN


def _status(status: Any) -> str:
    """A rule's status in Chinese (``case``: set by the case's own evaluation scheme)."""
    return "评价方案确定" if status == "case" else blocks.status_text(status)


def _para(text: str) -> Paragraph:
    return Paragraph(tidy(text))


def _rule_text(r: Mapping[str, Any]) -> str:
    """The rule with its target, for the technical annex (正向指标（≥80% 得满分）…)."""
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


def _policy(fw) -> str | None:
    """The policy document a framework's level-1 dimensions come from (武发〔2020〕48号)."""
    m = re.search(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号", str(fw.source))
    return m.group(0) if m else None


def _grade_band_text(result: FiscalResult) -> str:
    """``90分（含）以上为“优”、…、60分以下为“差”`` and this evaluation's basis (not 10号)."""
    bands = result.bands.bands
    parts = []
    for i, (g, lo) in enumerate(bands):
        if lo <= 0:
            continue
        parts.append(
            f"{fmt.num(lo)}分（含）以上为“{g}”"
            if i == 0
            else f"{fmt.num(lo)}分（含）至{fmt.num(bands[i - 1][1])}分为“{g}”"
        )
    if len(bands) > 1:
        parts.append(f"{fmt.num(bands[-2][1])}分以下为“{bands[-1][0]}”")
    cfg = fnd.rules()["grade_bands"]
    if isinstance(result.case.grade_bands, dict):
        return "、".join(parts) + f"划分。{cfg['case']}。"
    return "、".join(parts) + f"划分。{cfg['preset']}（{_status(cfg['status'])}）。"


# ---------------------------------------------------------------------------------------------
# Blocks


def basic_info(result: FiscalResult) -> Table:
    """基本信息 of a fiscal_operation case (the case id is in the 技术附件)."""
    from methods.casefile import BUDGET_TYPES

    case = result.case
    pairs = [
        ("评价名称", f"{case.year}年度{case.title}财政运行综合绩效评价"),
        ("组织单位", case.department),
        ("评价年度", f"{case.year}年度"),
        ("预算类型", BUDGET_TYPES.get(case.budget_type, case.budget_type)),
        ("评价对象", f"{fnd.units_text(result)}：" + "、".join(result.raw.index)),
        ("评价机构/人员", case.evaluator),
    ]
    if case.allocation is not None:
        a = case.allocation
        pairs.append(("挂钩资金", tidy(f"{a.name or '转移支付资金'}{fmt.fixed(a.total)}{a.unit}")))
    return Table.kv(pairs)


def indicator_system(result: FiscalResult) -> Table:
    """评价指标体系 (附件1): dimensions, indicators, points, scoring standard in words, formula."""
    rows = [
        [
            r["level1"],
            r["level2"],
            r["name"],
            fmt.num(r["weight"]),
            fnd.standard_text(r),
            tidy(r["formula"] or "—"),
        ]
        for r in result.indicators.to_dict("records")
    ]
    header = ["一级指标", "二级指标", "指标", "分值", "计分标准", "计算公式"]
    return Table(
        blocks.merged_rows(rows), header, numeric=(3,), widths=(1.2, 1, 1.8, 0.6, 2.6, 2.6)
    )


def ranking_blocks(result: FiscalResult) -> list[Any]:
    """各镇（街道）综合得分、等级和名次: a summary sentence and the ranking table."""
    t = result.ranking
    names = list(result.level1.columns)
    rows = [
        [str(r["rank"]), r["town"], fmt.fixed(r["total"]), r["grade"]]
        + [fmt.fixed(r[n]) for n in names]
        for r in t.to_dict("records")
    ]
    header = ["名次", "镇（街道）", "综合得分", "等级", *names]
    counts = result.grades.value_counts()
    summary = "，".join(
        f"“{label}”{int(counts.get(label, 0))}个" for label, _ in result.bands.bands
    )
    text = (
        f"参评{fnd.units_text(result)}平均得分{fmt.fixed(result.totals.mean())}分，"
        f"最高{fmt.fixed(result.totals.max())}分，最低{fmt.fixed(result.totals.min())}分；"
        f"评价等级{summary}。一级指标分值："
        + "，".join(f"{n}{fmt.num(result.level1_points[n])}分" for n in names)
        + "。"
    )
    numeric = set(range(4, 4 + len(names))) | {0, 2}
    return [Paragraph(text), Table(rows, header, numeric=numeric, classes=WRAP)]


def level1_rate_table(result: FiscalResult) -> Table:
    """各镇（街道）一级指标得分率 (%), with the mean over the towns."""
    names = list(result.level1.columns)
    rate = result.level1 / result.level1_points * 100
    order = list(result.ranking["town"])
    rows = [[town] + [fmt.fixed(rate.loc[town, n]) + "%" for n in names] for town in order]
    mean = rate.mean()
    rows.append(["平均"] + [fmt.fixed(mean[n]) + "%" for n in names])
    return Table(rows, ["镇（街道）", *names], numeric=range(1, len(names) + 1))


def indicator_detail(result: FiscalResult) -> list[Any]:
    """Town × indicator, one part per level-1 indicator: value (relative value) → score."""
    ind = result.indicators
    parts: list[Any] = []
    for i, level1 in enumerate(result.level1.columns, 1):
        sub = ind[ind["level1"] == level1]
        header = ["镇（街道）"] + [f"{r.name}（{fmt.num(r.weight)}分）" for r in sub.itertuples()]
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
        parts.append(Section(f"{i}. {level1}", [table], level=3))
    parts.append(
        Paragraph(
            "每格为“实际值 → 得分”；相对水平指标括号内为与各镇（街道）平均值之比。"
            "负增长等低于0的完成比例按0分计。",
            "note",
        )
    )
    return parts


def _area_words(award) -> str:
    """``预算管理与执行、“三保”保障、债务风险化解、绩效管理工作``."""
    return "、".join(name for name, _ in award.areas)


def mechanics_sentence(result: FiscalResult) -> str:
    """How the pool is allocated, in one sentence a town head understands."""
    alloc = result.case.allocation
    a, award = result.allocation, result.award
    u = alloc.unit
    base, bonus = float(a["base"].sum()), float(a["award"].sum())
    names = [f.name for f in alloc.factors]
    need = "、".join(names[:-1]) + "和" + names[-1] if len(names) > 1 else names[0]
    improve = "和较上年改进情况" if result.award_scores["improvement"].notna().any() else ""
    if bonus <= 0:
        return (
            f"{alloc.name or '转移支付资金'}{fmt.fixed(alloc.total)}{u}全部按{need}测算分配，"
            "评价结果不影响各镇（街道）所得金额。"
        )
    return (
        f"{alloc.name or '转移支付资金'}{fmt.fixed(alloc.total)}{u}分两块：{fmt.fixed(base)}{u}"
        f"（{fmt.num((1 - award.share) * 100)}%）是基础额，按{need}测算，评价结果不影响这部分；"
        f"{fmt.fixed(bonus)}{u}（{fmt.num(award.share * 100)}%）是绩效奖补，只看各镇（街道）自己管得了的"
        f"{_area_words(award)}{improve}，奖补得分越高、按基础额计算的奖补比例越高，"
        f"低于{fmt.num(award.threshold)}分的不予奖补；所以每个镇（街道）拿到的都不少于基础额，"
        "评价等级为良及以上的镇（街道）不会因评价结果少拿钱。"
    )


def allocation_blocks(result: FiscalResult) -> list[Any]:
    """评价结果应用: the mechanics in one sentence, （一） the need factors and the award's
    indicators, （二） factor values and shares, （三） base, 奖补得分, 奖补额 and total per town,
    with the chart. The formula and the rounding rule are in the 技术附件."""
    if result.allocation is None:
        return [Paragraph("本次评价结果未与转移支付分配挂钩（未提供分配方案）。")]
    alloc = result.case.allocation
    a, award, s = result.allocation, result.award, result.award_scores
    u = alloc.unit
    factor_rows = [
        [f.name, f.unit or "—", fmt.num(f.weight * 100, 2) + "%", tidy(f.source or "—")]
        for f in alloc.factors
    ]
    ind = result.indicators.set_index("code")
    area_rows = [
        [name, "、".join(ind.loc[c, "name"] for c in codes),
         fmt.num(sum(float(ind.loc[c, "weight"]) for c in codes))]
        for name, codes in award.areas
    ]  # fmt: skip
    has_prev = bool(s["improvement"].notna().any())
    award_text = (
        "奖补得分：以上指标在本次评价中的得分之和 ÷ 其分值之和 × 100 为管理得分"
        + (
            f"；给出上年奖补得分的，奖补得分 = {fmt.num((1 - award.improvement_weight) * 100)}% × "
            f"管理得分 + {fmt.num(award.improvement_weight * 100)}% × 较上年改进得分"
            "（管理得分达到或超过上年奖补得分的得满分，低于的按比例计分）"
            if has_prev
            else "，即奖补得分（未提供上年奖补得分，本年不计较上年改进）"
        )
        + f"。奖补得分低于{fmt.num(award.threshold)}分的不予奖补。"
        + _award_basis(award)
        + "计算公式和尾差处理见附件2。"
    )
    context = [str(ind.loc[c, "name"]) for c in award.context]
    context_text = (
        f"{'、'.join(context)}反映财力禀赋，只作评价参考，不影响分配金额。" if context else ""
    )
    factor_codes = [f.code for f in alloc.factors]
    order = a.sort_values("allocation", ascending=False).index
    rows = [
        [town]
        + [fmt.num(result.factors.loc[town, k]) for k in factor_codes]
        + [fmt.fixed(a.loc[town, "share"] * 100) + "%"]
        for town in order
    ]
    rows.append(["合计"] + [fmt.num(result.factors[k].sum()) for k in factor_codes] + ["100.00%"])
    header = ["镇（街道）"] + [f"{f.name}（{f.unit}）" if f.unit else f.name for f in alloc.factors]

    def opt(x) -> str:
        return "—" if x != x else fmt.fixed(x)  # NaN → —

    result_rows = [
        [
            town,
            fmt.fixed(a.loc[town, "base"]),
            a.loc[town, "grade"],
            fmt.fixed(s.loc[town, "management"]),
            *([opt(s.loc[town, "improvement"])] if has_prev else []),
            fmt.fixed(s.loc[town, "award_score"]),
            fmt.fixed(a.loc[town, "award"]),
            fmt.fixed(a.loc[town, "allocation"]),
        ]
        for town in order
    ]
    result_rows.append(
        ["合计", fmt.fixed(a["base"].sum()), "", "", *([""] if has_prev else []), "",
         fmt.fixed(a["award"].sum()), fmt.fixed(a["allocation"].sum())]
    )  # fmt: skip
    result_header = [
        "镇（街道）", "基础额", "评价等级", "管理得分", *(["较上年改进得分"] if has_prev else []),
        "奖补得分", "奖补额", "分配额",
    ]  # fmt: skip
    n_cols = len(result_header)
    return [
        _para(mechanics_sentence(result)),
        Section(
            "（一）分配办法",
            [
                Paragraph("均衡性基础额的需求因素："),
                Table(factor_rows, ["分配因素", "单位", "权重", "数据来源"], numeric=(2,)),
                Paragraph("绩效奖补的奖补指标（均为镇（街道）自身管理可以改变的指标）："),
                Table(area_rows, ["方面", "指标", "分值"], numeric=(2,)),
                _para(award_text + context_text),
            ],
            level=2,
        ),
        Section(
            "（二）分配因素与因素得分",
            [Table(rows, [*header, "因素得分"], numeric=range(1, len(header) + 1))],
            level=2,
        ),
        Section(
            f"（三）基础额、奖补额和分配结果（金额单位：{u}）",
            [
                _para(_allocation_summary(result)),
                Table(result_rows, result_header, numeric=(1, *range(3, n_cols))),
                blocks.chart(
                    plot_allocation(result).figure,
                    "转移支付分配：均衡性基础额与绩效奖补",
                    "各镇（街道）分配额的堆叠柱状图：下段为均衡性基础额（浅色），上段为绩效奖补（深色），"
                    "按分配额从高到低排列",
                ),
            ],
            level=2,
        ),
    ]


def _award_basis(award) -> str:
    """Which of the award's parameters the case set and which are this evaluation's defaults."""
    names = {
        "award_share": "奖补比例",
        "indicators": "奖补指标",
        "threshold": "起奖分",
        "improvement_weight": "改进权重",
    }
    own = [names[k] for k in names if k in award.from_case]
    rest = [names[k] for k in names if k not in award.from_case]
    text = f"{'、'.join(own)}由评价方案确定；" if own else ""
    if rest:
        text += f"{'、'.join(rest)}为本评价采用的口径（待核实）；"
    return text


def _allocation_summary(result: FiscalResult) -> str:
    """Totals, the range of the award as a percentage of the base, who got no award."""
    a, award = result.allocation, result.award
    u = result.case.allocation.unit
    text = f"均衡性基础额合计{fmt.fixed(a['base'].sum())}{u}，绩效奖补合计{fmt.fixed(a['award'].sum())}{u}"
    if a["award"].sum() > 0:
        rate = (a["award"] / a["base"].where(a["base"] > 0) * 100).round(2).dropna()
        hi, lo = rate.max(), rate.min()
        top = [t for t in rate.index if rate[t] == hi]
        low = [t for t in rate.index if rate[t] == lo]
        top_text = top[0] + ("等" if len(top) > 1 else "")
        low_text = low[0] + ("等" if len(low) > 1 else "")
        text += (
            f"；奖补额相当于基础额的{fmt.fixed(lo)}%（{low_text}）至{fmt.fixed(hi)}%（{top_text}）"
        )
        none = [str(t) for t in a.index if a.loc[t, "award_points"] <= 0]
        if none:
            text += f"，{'、'.join(none)}奖补得分低于{fmt.num(award.threshold)}分，未获奖补"
    return text + "。各镇（街道）分配额均不少于其基础额。"


def method_annex(result: FiscalResult) -> list[Any]:
    """The technical annex: indicators with codes, formulas, bases and their status; scoring
    rules with formulas; grade bands with their basis; the computation notes."""
    fw = result.framework
    rows = [
        [
            r["code"],
            r["name"],
            _rule_text(r),
            tidy(r["formula"] or "—"),
            blocks.cite(tidy(r["basis"] or "—")),
            _status(r["status"]),
        ]
        for r in result.indicators.to_dict("records")
    ]
    rules = load_yaml("rules.yaml")["rules"]
    used = list(dict.fromkeys(result.indicators["rule"]))
    rule_rows = [[rules[r]["name"], rules[r]["formula"], _status(rules[r]["status"])] for r in used]
    cfg = fnd.rules()
    return [
        Paragraph(
            f"指标框架：{fw.name}。来源：{blocks.cite(fw.source)}（{_status(fw.status)}）。"
            + ("本评价的指标由评价方案给出，替代框架的默认指标。" if result.case.indicators else "")
        ),
        Table(
            rows,
            ["代码", "指标", "计分规则", "计算公式", "目标值依据", "依据状态"],
            widths=(0.7, 1.8, 1.8, 2, 2.6, 0.9),
        ),
        Paragraph("计分规则（a 为实际值，t 为目标值，w 为分值）："),
        Table(rule_rows, ["计分规则", "计分方法", "依据状态"]),
        Paragraph(
            "各指标得分四舍五入保留两位小数，一级指标得分和综合得分为指标得分之和。"
            f"等级标准：{result.bands.describe()}；{cfg['grade_bands']['preset']}"
            f"（{_status(cfg['grade_bands']['status'])}）。"
            f"问题入选标准：各镇（街道）平均得分率低于{fmt.num(cfg['materiality']['mean_rate'])}%"
            f"或有镇（街道）得分率低于{fmt.num(cfg['materiality']['town_rate'])}%的指标，"
            "以及基本保障类指标的任何缺口"
            f"（{_status(cfg['materiality']['status'])}）。"
            "依据状态：法规，指法规文件的规定；地方规定；实务做法，指评价实务的通行做法；"
            "待核实，指常见做法但未核实原文；评价方案确定，指案例自定的口径。"
        ),
        Paragraph("计分与分配口径说明："),
        BulletList([blocks.cite(n) for n in result.notes]),
    ]


def allocation_annex(result: FiscalResult) -> list[Any]:
    """The allocation formula, rounding, factor codes, the award indicators with their codes, and
    every rule's source and status."""
    if result.allocation is None:
        return [Paragraph("本案例未设置转移支付分配（allocation）。")]
    cfg = _presets()
    design, award = cfg["design"], result.award
    alloc = result.case.allocation
    rows = [[f.code, f.name, fmt.num(f.weight, 4)] for f in alloc.factors]
    ind = result.indicators.set_index("code")
    award_rows = [
        [name, "、".join(f"{c}（{ind.loc[c, 'name']}）" for c in codes)]
        for name, codes in award.areas
    ]
    set_by_case = "、".join(award.from_case)
    return [
        Paragraph(f"分配办法：{design['name']}。分配公式：{design['formula']}。"),
        Paragraph(
            f"{design['note']}来源：{blocks.cite(design['source'])}（{_status(design['status'])}）。"
        ),
        Table(rows, ["因素代码", "分配因素", "权重"], numeric=(2,)),
        Table(award_rows, ["奖补方面", "指标代码（指标）"]),
        Paragraph(
            f"奖补比例 {fmt.num(award.share, 4)}，起奖分 {fmt.num(award.threshold)}，"
            f"较上年改进权重 {fmt.num(award.improvement_weight, 4)}；{cfg['award']['improvement']}。"
            f"默认值来源：{blocks.cite(cfg['award_share']['source'])}（{_status(cfg['award_share']['status'])}）；"
            f"{blocks.cite(cfg['award']['source'])}（{_status(cfg['award']['status'])}）。"
            + (f"案例文件给出：{set_by_case}。" if set_by_case else "")
        ),
        Paragraph(
            f"保障规则：{cfg['guarantee']['text']}（等级 {'、'.join(award.guaranteed)}），每次分配后核验。"
            f"来源：{blocks.cite(cfg['guarantee']['source'])}（{_status(cfg['guarantee']['status'])}）。"
        ),
    ]


def data_annex(result: FiscalResult) -> list[Any]:
    """Data files with their hashes, the case id, warnings."""
    parts: list[Any] = []
    files = blocks.data_files(result.case)
    if files is not None:
        parts += [Paragraph("数据文件（存档时记录其哈希值，见存档的 provenance.json）："), files]
    parts.append(Paragraph(f"案例编号：{result.case.case_id}（案例库存档编号）。", "note"))
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
    """Stacked bars: each town's equalisation base and, on top, its 绩效奖补."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    if result.allocation is None:
        return None
    a = result.allocation.sort_values("allocation", ascending=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.6, 3.8))
    x = np.arange(len(a))
    ax.bar(x, a["base"], width=0.6, color="#BFD3EA", label="均衡性基础额")
    ax.bar(x, a["award"], width=0.6, bottom=a["base"], color="#2F6DB5", label="绩效奖补")
    ax.set_xticks(x, a.index, rotation=45, ha="right", fontsize=9)
    ax.set_ylabel(result.case.allocation.unit)
    ax.set_title("转移支付分配（均衡性基础额与绩效奖补）")
    ax.legend(frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# ---------------------------------------------------------------------------------------------
# Sections


def section_basic(r: FiscalResult) -> Section:
    """一、基本情况"""
    case = r.case
    overview = (
        _para(re.sub(r"、\s+", "、", case.overview))
        if case.overview
        else Paragraph(f"评价对象概况：{NOT_GIVEN}")
    )
    return Section("一、基本情况", [basic_info(r), overview])


def section_work(r: FiscalResult) -> Section:
    """二、绩效评价工作开展情况"""
    case = r.case
    work = getattr(case, "work", None)
    purpose = work.purpose if work and work.purpose else NOT_GIVEN
    scope = (
        work.scope
        if work and work.scope
        else f"评价对象为{'、'.join(r.raw.index)}{fnd.units_text(r)}{case.year}年度财政运行情况"
    )
    lv = r.level1_points
    policy = _policy(r.framework)
    n2 = r.indicators["level2"].nunique()
    system = (
        f"1. 评价指标体系。设置{'、'.join(lv.index)}{len(lv)}个一级指标"
        + (f"（{policy}列明的四个方面）" if policy and len(lv) == 4 else "")
        + f"，分值分别为{'、'.join(f'{fmt.num(x)}分' for x in lv)}，下设{n2}个二级指标、"
        f"{len(r.indicators)}项具体指标（详见附件1）。国家层面没有统一的财政运行综合绩效评价指标体系，"
        + (
            "具体指标、分值和目标值由评价方案确定。"
            if case.indicators
            else "二级指标、具体指标、分值和目标值为本评价采用的口径（待核实）。"
        )
    )
    relative = r.indicators[r.indicators["relative"] == "mean"]["name"].tolist()
    method = "2. 评价方法。采用比较法，将各镇（街道）各项指标的实际值与目标值比较计分"
    if relative:
        method += f"；{'、'.join(relative)}按与参评各镇（街道）平均值之比计分"
    method += "；按综合得分排序并评定等级。"
    standard = (
        "3. 评价标准。以各项指标的目标值为标准，计分标准见附件1；评价等级按" + _grade_band_text(r)
    )
    process = (work.process if work else None) or NOT_GIVEN
    steps = [process] if isinstance(process, str) else list(process)
    field_check = work.fieldwork if work and work.fieldwork else NOT_GIVEN
    return Section(
        "二、绩效评价工作开展情况",
        [
            Section(
                "（一）评价目的、对象和范围",
                [
                    _para(
                        f"评价目的：{purpose.rstrip('。')}。"
                        if purpose != NOT_GIVEN
                        else f"评价目的：{NOT_GIVEN}"
                    ),
                    _para(f"{scope.rstrip('。')}。"),
                ],  # fmt: skip
                level=2,
            ),
            Section(
                "（二）评价指标体系、评价方法和评价标准",
                [_para(system), _para(method), _para(standard)],
                level=2,
            ),
            Section(
                "（三）评价工作过程",
                [
                    *(
                        _para(f"{i}. {s.rstrip('。')}。")
                        if s != NOT_GIVEN
                        else Paragraph(f"评价工作过程：{NOT_GIVEN}")
                        for i, s in enumerate(steps, 1)
                    ),
                    _para(
                        f"现场核查：{field_check.rstrip('。')}。"
                        if field_check != NOT_GIVEN
                        else f"现场核查：{NOT_GIVEN}"
                    ),
                ],
                level=2,
            ),
        ],
    )


def section_conclusion(r: FiscalResult) -> Section:
    """三、综合评价情况及评价结论"""
    return Section(
        "三、综合评价情况及评价结论",
        [
            Section("（一）综合评价结论", [_para(fnd.conclusion(r, r.findings))], level=2),
            Section(
                "（二）各镇（街道）得分与等级",
                [
                    *ranking_blocks(r),
                    blocks.chart(
                        plot_scores(r).figure,
                        "各镇（街道）财政运行综合绩效得分",
                        "各镇（街道）综合得分横向条形图，自上而下按得分从高到低排列，"
                        "颜色表示评价等级，虚线为等级分界分数",
                    ),
                ],
                level=2,
            ),
            Section(
                "（三）各镇（街道）一级指标得分率",
                [
                    level1_rate_table(r),
                    blocks.chart(
                        plot_level1(r).figure,
                        "各镇（街道）一级指标得分率",
                        "各镇（街道）一级指标得分率热力图：行为镇（街道），按综合得分从高到低排列，"
                        "列为一级指标，颜色越深得分率越高",
                    ),
                ],
                level=2,
            ),
        ],
    )


def section_analysis(r: FiscalResult) -> Section:
    """四、绩效评价指标分析"""
    parts = [
        Section(f"（{official.chinese_number(i)}）{dim}", [_para(text)], level=2)
        for i, (dim, text) in enumerate(fnd.dimension_analysis(r), 1)
    ]
    return Section("四、绩效评价指标分析", parts)


def section_problems(r: FiscalResult) -> Section:
    """五、主要成效、存在的问题及原因分析"""
    good = fnd.achievements(r)
    extra = r.case.conclusions
    good += [x if x.endswith("。") else x + "。" for x in (extra.achievements if extra else [])]
    exp = [_para(f"{i}. {g}") for i, g in enumerate(good, 1)] or [Paragraph("（无）")]
    probs: list[Any] = []
    for i, p in enumerate(r.findings.problems, 1):
        probs.append(Paragraph(Span(f"{i}. {p.heading}", strong=True)))
        if p.facts:
            probs.append(_para(p.facts_text))
        probs.append(_para(p.cause_text))
    if extra and extra.problems:
        probs.append(
            _para(
                "此外，评价中还关注到：" + "；".join(x.rstrip("。") for x in extra.problems) + "。"
            )
        )
    if not probs:
        probs = [
            Paragraph("评价中未发现需要单独列示的问题；各镇（街道）的失分情况见第四部分和附件1。")
        ]
    return Section(
        "五、主要成效、存在的问题及原因分析",
        [
            Section("（一）主要成效", exp, level=2),
            Section("（二）存在的问题及原因分析", probs, level=2),
        ],
    )


def section_advice(r: FiscalResult) -> Section:
    """六、有关建议"""
    extra = r.case.conclusions.suggestions if r.case.conclusions else ()
    return official.advice_section(r.findings, extra=extra)


def section_application(r: FiscalResult) -> Section:
    """七、评价结果应用"""
    return Section("七、评价结果应用", allocation_blocks(r))


def section_other(r: FiscalResult) -> Section:
    """八、其他需要说明的问题"""
    items = fnd.other_matters(r)
    return Section("八、其他需要说明的问题", [_para(f"{i}. {x}") for i, x in enumerate(items, 1)])


def section_score_sheet(r: FiscalResult) -> Section:
    """附件1：评价指标及评分表"""
    return Section(
        "附件1：评价指标及评分表",
        [
            Section("（一）评价指标体系", [indicator_system(r)], level=2),
            Section("（二）各镇（街道）指标得分", indicator_detail(r), level=2),
        ],
    )


def section_annex(r: FiscalResult) -> Section:
    """附件2：技术附件"""
    return Section(
        "附件2：技术附件",
        [
            Section("（一）指标、计分规则及其依据", method_annex(r), level=2),
            Section("（二）转移支付分配的计算方法", allocation_annex(r), level=2),
            Section("（三）数据文件与存档信息", data_annex(r), level=2),
        ],
    )


# the level-1 headings of the report (tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要成效、存在的问题及原因分析",
    "六、有关建议",
    "七、评价结果应用",
    "八、其他需要说明的问题",
    "附件1：评价指标及评分表",
    "附件2：技术附件",
)

OUTLINE = (
    section_basic,
    section_work,
    section_conclusion,
    section_analysis,
    section_problems,
    section_advice,
    section_application,
    section_other,
    section_score_sheet,
    section_annex,
)


def outline(r: FiscalResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])


__all__ = [
    "HEADINGS",
    "OUTLINE",
    "outline",
    "plot_allocation",
    "plot_level1",
    "plot_scores",
    "results",
    "section_advice",
    "section_analysis",
    "section_annex",
    "section_application",
    "section_basic",
    "section_conclusion",
    "section_other",
    "section_problems",
    "section_score_sheet",
    "section_work",
]
