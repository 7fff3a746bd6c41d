"""The cost-benefit report: its sections built from a :class:`CostBenefitResult` (document blocks,
never HTML) and its charts.

The ``plot_*`` helpers take ``ax=None`` and return the Axes (``None`` when there is nothing to
draw). :func:`key_indicators` is shared with the ex-ante report (投入经济性).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from methods import _format as fmt
from methods import cba
from methods.evaltypes.cost_benefit.analysis import (
    CostBenefitResult,
    _category,
    _pct,
    _signed_pct,
    npv_profile,
)
from methods.report import blocks
from methods.report.document import (
    BulletList,
    Callout,
    Document,
    Paragraph,
    Section,
    Table,
)

# ---------------------------------------------------------------------------------------------
# Tables


def setup_table(result: CostBenefitResult) -> list[Any]:
    """分析口径: period, prices, discounting (with source and status), timing, notes."""
    m = result.model
    d = m.discounting
    status = {"reg": "法规", "local": "地方规定", "practice": "实务做法", "unverified": "未核实"}
    src = f"{d.source}（{status.get(d.status, d.status)}）" if d.source else "案例文件直接给出"
    pairs = [
        ("分析名称", m.title or "—"),
        ("计算期", f"{m.years[0]}–{m.years[-1]} 年（{len(m.years)} 年）"),
        ("价格口径", f"{m.price_base_year} 年不变价（实际价格），金额单位 {m.unit or '—'}"),
        (
            "分析类型",
            "经济费用效益分析（影子价格，指标记为 ENPV）"
            if m.analysis == "economic"
            else "费用效益分析（市场价格，指标记为 NPV）",
        ),
        ("折现方案", d.describe()),
        ("折现率依据", src),
        (
            "折现时点",
            f"第一年现金流位于 t = {fmt.num(m.t0)}"
            + ("（年末发生，第一年折现一次）" if m.t0 == 1 else "（第一年不折现）"),
        ),
        ("敏感性变量", "；".join(f"{k}（{v}）" for k, v in result.variable_labels().items())),
    ]
    parts: list[Any] = [Table.kv(pairs)]
    if m.optimism is not None:
        parts.append(Paragraph(m.optimism.summary()))
    if m.notes:
        parts += [Paragraph("说明：", "note"), BulletList(m.notes)]
    return parts


def lines_table(result: CostBenefitResult) -> Table:
    """现金流构成: every line with its kind, category, undiscounted total and present value."""
    m = result.model
    df = cba.discount_factors(
        m.t0 + np.arange(len(m.years), dtype=float), schedule=m.discounting
    ).to_numpy()
    values = m.lines.to_numpy(dtype=float)
    pv = values @ df
    rows = [
        [
            name,
            "效益" if m.kinds[name] == "benefit" else "费用",
            _category(m.categories[name]),
            fmt.fixed(values[i].sum()),
            fmt.fixed(pv[i]),
        ]
        for i, name in enumerate(m.lines.index)
    ]
    u = m.unit
    header = ["现金流", "类型", "类别", f"合计（{u}）", f"现值（{u}）"]
    return Table(rows, header, numeric=(3, 4))


def cashflow_table(result: CostBenefitResult) -> Table:
    """现金流量表: benefits, costs, net flow, discount factor and (cumulative) present value by year."""
    t = result.appraisal.table
    u = result.model.unit
    rows = [
        [
            str(int(r.year)),
            fmt.fixed(r.benefits),
            fmt.fixed(r.costs),
            fmt.fixed(r.net),
            fmt.fixed(r.discount_factor, 4),
            fmt.fixed(r.pv_net),
            fmt.fixed(r.cumulative_pv),
        ]
        for r in t.itertuples()
    ]
    rows.append(
        [
            "合计",
            fmt.fixed(t["benefits"].sum()),
            fmt.fixed(t["costs"].sum()),
            fmt.fixed(t["net"].sum()),
            "",
            fmt.fixed(t["pv_net"].sum()),
            "",
        ]
    )
    header = [
        "年份",
        f"效益（{u}）",
        f"费用（{u}）",
        f"净现金流（{u}）",
        "折现系数",
        f"净现金流现值（{u}）",
        f"累计现值（{u}）",
    ]
    return Table(rows, header, numeric=range(1, 7))


def _irr_text(result: CostBenefitResult) -> str:
    irr = result.appraisal.irr
    if irr.unique:
        return _pct(irr.value)
    if irr.n_roots > 1:
        return "不唯一：" + "、".join(_pct(r) for r in irr.roots)
    return "不存在"


def indicators_table(result: CostBenefitResult) -> list[Any]:
    """经济评价指标: NPV, IRR (all roots, warning when several), MIRR, B/C, paybacks, EAC."""
    a, m, ind, u = result.appraisal, result.model, result.indicator, result.model.unit
    name = "经济净现值" if m.analysis == "economic" else "净现值"
    irr_name = "经济内部收益率" if m.analysis == "economic" else "内部收益率"
    start = m.years[0]

    def years_text(x: float) -> str:
        return "未能回收" if not np.isfinite(x) else f"{fmt.num(x)} 年（自 {start} 年初起算）"

    def ends_negative(column: str, payback: float) -> str:
        t = a.table[column].to_numpy()
        if np.isfinite(payback) and t[-1] < 0:
            return "；累计值回正后在期末又转为负数，此为首次回正的年限"
        return ""

    hurdle = f"折现率 {_pct(result.hurdle)}"
    rows = [
        [f"{name} {ind}", f"{fmt.num(a.npv)} {u}", "≥ 0 可行", result.verdict()],
        [
            f"{irr_name} IRR",
            _irr_text(result),
            f"≥ {hurdle}",
            ("唯一解" if a.irr.unique else "不唯一")
            + (f"（现金流符号变化 {a.irr.n_sign_changes} 次）" if a.irr.n_sign_changes > 1 else ""),
        ],
        [
            "修正内部收益率 MIRR",
            _pct(a.mirr),
            f"≥ {hurdle}",
            "融资与再投资利率取折现率" if np.isfinite(a.mirr) else "递减折现方案下不计算",
        ],
        [
            "效益费用比 B/C",
            fmt.num(a.bcr, 3),
            "≥ 1 可行",
            f"效益现值 {fmt.num(a.pv_benefits)}，费用现值 {fmt.num(a.pv_costs)} {u}",
        ],
        [
            "静态投资回收期",
            years_text(a.payback),
            "—",
            "不计时间价值" + ends_negative("cumulative_net", a.payback),
        ],
        [
            "动态投资回收期",
            years_text(a.discounted_payback),
            "≤ 计算期",
            "按折现后现金流" + ends_negative("cumulative_pv", a.discounted_payback),
        ],
        [
            "等额年成本 EAC",
            f"{fmt.num(result.eac)} {u}/年",
            "—",
            f"费用现值按 {len(m.years)} 年等额分摊",
        ],
    ]
    parts: list[Any] = [Table(rows, ["指标", "数值", "判据", "说明"], widths=(1.3, 1.4, 1.1, 2.2))]
    if a.irr.n_roots > 1:
        roots = "、".join(_pct(r) for r in a.irr.roots)
        parts.append(
            Callout(
                "warn",
                [
                    f"注意：本项目现金流符号变化 {a.irr.n_sign_changes} 次（非常规现金流），"
                    f"NPV = 0 有 {a.irr.n_roots} 个实根（{roots}），内部收益率不唯一。"
                    "任何单一的“IRR”都可能误导判断，本报告不报告单一 IRR，以净现值和修正内部收益率为准；"
                    "净现值随折现率的变化见下图。"
                ],
            )
        )
    elif a.irr.n_roots == 0:
        parts.append(Callout("warn", ["NPV = 0 无实根，内部收益率不存在，以净现值判断。"]))
    return parts


def sensitivity_tables(result: CostBenefitResult) -> list[Any]:
    """Critical variables (elasticities, EU 2014 rule) and the one-way ±range table."""
    c = result.analysis.critical
    labels = result.variable_labels()
    ind = result.indicator
    rows = [
        [
            r.variable,
            labels.get(r.variable, ""),
            fmt.num(r.elasticity, 3),
            _signed_pct(r.pct_change_low),
            _signed_pct(r.pct_change_high),
            "是" if r.critical else "否",
        ]
        for r in c.table.itertuples()
    ]
    s = c.settings
    d = fmt.num(s.get("delta", 0) * 100, 2)
    parts: list[Any] = [
        Paragraph(
            f"变量分别变动 ±{d}%（其他变量不变）时 {ind} 的变动及弹性；"
            f"{s.get('rule', '')}（{s.get('source', '')}）。"
        ),
        Table(
            rows,
            [
                "变量",
                "影响的现金流",
                "弹性",
                f"−{d}% 时 {ind} 变动",
                f"+{d}% 时 {ind} 变动",
                "关键变量",
            ],
            numeric=(2, 3, 4),
        ),
    ]
    ow = result.analysis.one_way
    ch = ow.settings.get("change", 0.2)
    u = result.model.unit
    rows = [
        [r.variable, fmt.num(r.npv_low), fmt.num(r.npv_high), fmt.num(r.swing)]
        for r in ow.table.itertuples()
    ]
    parts.append(
        Paragraph(
            f"单因素敏感性：各变量分别变动 ±{fmt.num(ch * 100)}% 时的 {ind}（{u}），按影响幅度排序："
        )
    )
    parts.append(
        Table(
            rows,
            [
                "变量",
                f"−{fmt.num(ch * 100)}% 时 {ind}",
                f"+{fmt.num(ch * 100)}% 时 {ind}",
                "波动幅度",
            ],
            numeric=(1, 2, 3),
        )
    )
    return parts


def switching_tables(result: CostBenefitResult) -> list[Any]:
    """Switching values (临界值) and scenarios."""
    sv = result.analysis.switching
    ind = result.indicator
    rows = []
    for r in sv.table.itertuples():
        var = next(v for v in result.model.variables if v.name == r.variable)
        if np.isfinite(r.switching_value):
            value = (
                _pct(r.switching_value)
                if var.discount_rate
                else f"基准的 {_pct(r.switching_value / r.base_value, 1)}"
            )
            rows.append([r.variable, value, _signed_pct(r.pct_change, 1), result.switching_text(r)])
        else:
            rows.append([r.variable, "—", "—", f"无临界值（{r.reason}）"])
    parts: list[Any] = [
        Paragraph(f"临界值：其他变量保持基准值时，使 {ind} 恰为 0 的变量取值（由求根算法求得）。"),
        Table(rows, ["变量", "临界值", "相对基准变动", "含义"], numeric=(1, 2)),
    ]
    parts += [Paragraph(n, "note") for n in sv.notes]
    sc = result.analysis.scenarios
    if sc is not None:
        u = result.model.unit
        base = result.model.base
        rows = []
        for r in sc.table.to_dict("records"):
            changed = [
                f"{k} {_signed_pct(r[k] / base[k] - 1, 0)}"
                if not next(v for v in result.model.variables if v.name == k).discount_rate
                else f"{k} {_pct(r[k])}"
                for k in base
                if not math.isclose(r[k], base[k], rel_tol=1e-12)
            ]
            rows.append(
                [
                    r["scenario"],
                    "；".join(changed) or "—",
                    fmt.num(r["npv"]),
                    fmt.num(r["change"]) if r["scenario"] != "基准" else "—",
                ]
            )
        parts.append(Paragraph(f"情景分析（多个变量同时变动，{ind} 单位 {u}）："))
        parts.append(Table(rows, ["情景", "变量取值", ind, "较基准变化"], numeric=(2, 3)))
    return parts


_DIST_ZH = {
    "triangular": "三角分布",
    "pert": "PERT 分布",
    "normal": "正态分布",
    "uniform": "均匀分布",
    "discrete": "离散分布",
}


def _dist_params(spec: dict[str, Any]) -> str:
    kind = spec["dist"]
    if kind in ("triangular", "pert"):
        text = f"最小 {fmt.num(spec['min'], 4)}，最可能 {fmt.num(spec['mode'], 4)}，最大 {fmt.num(spec['max'], 4)}"
        return text + (f"，λ = {fmt.num(spec['lambda'])}" if kind == "pert" else "")
    if kind == "normal":
        return f"均值 {fmt.num(spec['mean'], 4)}，标准差 {fmt.num(spec['sd'], 4)}"
    if kind == "uniform":
        return f"{fmt.num(spec['low'], 4)} ~ {fmt.num(spec['high'], 4)}"
    pairs = zip(spec["values"], spec["probabilities"], strict=True)
    return "；".join(f"{fmt.num(v, 4)}（概率 {fmt.num(p, 3)}）" for v, p in pairs)


def risk_tables(result: CostBenefitResult) -> list[Any]:
    """Monte Carlo risk analysis: the distributions used and the statistics of the indicator."""
    mc = result.analysis.monte_carlo
    if mc is None:
        return [
            Paragraph(
                "本案例未设置变量的概率分布（cba.monte_carlo），未进行蒙特卡洛模拟；"
                "风险以上述敏感性分析和临界值反映。"
            )
        ]
    labels = result.variable_labels()
    rows = [
        [k, labels.get(k, ""), _DIST_ZH.get(v["dist"], v["dist"]), _dist_params(v)]
        for k, v in mc.distributions.items()
    ]
    if mc.all_invalid:  # no statistics: say so rather than print a table of NaN
        return [
            Table(rows, ["变量", "影响的现金流", "分布", "参数"]),
            Paragraph(f"{mc.failure()}。"),
        ]
    ind, u = mc.indicator, result.model.unit
    p = mc.percentiles
    stats = [
        ["模拟次数", f"{mc.n:,}"],
        ["随机种子", str(mc.seed)],
        [f"{ind} 基准值", f"{fmt.num(mc.base_value)} {u}"],
        [f"{ind} 均值", f"{fmt.num(mc.mean)} {u}"],
        [f"{ind} 中位数", f"{fmt.num(mc.median)} {u}"],
        ["标准差", f"{fmt.num(mc.sd)} {u}"],
        ["P5 / P95", f"{fmt.num(p.loc[5])} / {fmt.num(p.loc[95])} {u}"],
        [f"P({ind} < 0)", _pct(mc.p_negative)],
    ]
    if mc.reference is not None and mc.reference != 0:
        stats.append([f"P({ind} ≤ {fmt.num(mc.reference)})", _pct(mc.p_below_reference)])
    if mc.n_invalid:
        stats.append(["无效抽样", f"{mc.n_invalid:,} 次（已剔除）"])
    return [
        Paragraph("变量取值为相对基准的乘数（1 = 基准值），未列出的变量保持基准值。"),
        Table(rows, ["变量", "影响的现金流", "分布", "参数"]),
        Table(stats, ["统计量", "数值"], numeric=(1,)),
    ]


def alternatives_tables(result: CostBenefitResult) -> list[Any]:
    """最低成本法 (equal effects) or 成本效果分析 (different effects) of the alternatives."""
    u = result.model.unit
    lc = result.analysis.least_cost
    ce = result.analysis.cost_effectiveness
    if lc is None and ce is None:
        return [Paragraph("本案例未设置备选方案（cba.alternatives），不进行方案比选。")]
    if lc is not None:
        rows = [
            [
                str(int(r.rank)),
                r.name,
                fmt.fixed(r.pv_cost),
                fmt.num(r.life),
                fmt.fixed(r.eac),
                "—" if r.rank == 1 else f"{fmt.fixed(r.difference)}（{_pct(r.difference_pct, 1)}）",
            ]
            for r in lc.table.itertuples()
        ]
        label = "费用现值" if lc.basis == "pv" else "等额年成本"
        parts: list[Any] = [
            Paragraph(
                f"各备选方案提供相同的产出，按{label}比较（{lc.discounting.describe()}），"
                f"最低成本方案为“{lc.cheapest}”。"
            ),
            Table(
                rows,
                [
                    "名次",
                    "方案",
                    f"费用现值（{u}）",
                    "寿命期（年）",
                    f"等额年成本（{u}/年）",
                    f"与最低者之差（{label}）",
                ],
                numeric=(0, 2, 3, 4, 5),
            ),
        ]
        parts += [Paragraph(f"提示：{n}", "note") for n in lc.notes]
        return parts
    rows = [
        [
            r.name,
            fmt.fixed(r.cost),
            fmt.num(r.effect),
            fmt.num(r.cost_per_effect),
            fmt.num(r.icer) if np.isfinite(r.icer) else "—",
            r.status_zh + (f"（{r.dominated_by}）" if r.dominated_by else ""),
        ]
        for r in ce.table.itertuples()
    ]
    return [
        Paragraph("各备选方案的效果不同，进行成本效果分析（按费用现值从低到高排列）："),
        Table(
            rows,
            ["方案", f"费用现值（{u}）", "效果", "单位效果成本", "增量成本效果比 ICER", "判定"],
            numeric=(1, 2, 3, 4),
        ),
        Paragraph(f"{ce.summary()}。"),
    ]


def key_indicators(result: CostBenefitResult) -> Table:
    """A compact table of the key indicators (for the ex-ante report's 投入经济性)."""
    a, m, ind, u = result.appraisal, result.model, result.indicator, result.model.unit
    rows = [
        ["计算期", f"{m.years[0]}–{m.years[-1]} 年，{m.price_base_year} 年不变价"],
        ["折现方案", m.discounting.describe()],
        [ind, f"{fmt.num(a.npv)} {u}（{result.verdict()}）"],
        ["效益费用比 B/C", fmt.num(a.bcr, 3)],
        ["内部收益率 IRR", _irr_text(result)],
        ["修正内部收益率 MIRR", _pct(a.mirr)],
        [
            "动态投资回收期",
            "未能回收"
            if not np.isfinite(a.discounted_payback)
            else f"{fmt.num(a.discounted_payback)} 年",
        ],
    ]
    crit = result.analysis.critical.critical
    rows.append(["关键变量", "、".join(crit) if crit else "无"])
    mc = result.analysis.monte_carlo
    if mc is not None and mc.all_invalid:
        rows.append([f"P({ind} < 0)", f"—（蒙特卡洛 {mc.n:,} 次抽样均无效）"])
    elif mc is not None:
        rows.append([f"P({ind} < 0)", f"{_pct(mc.p_negative, 1)}（蒙特卡洛 {mc.n:,} 次）"])
    lc = result.analysis.least_cost
    if lc is not None:
        rows.append(["最低成本方案", lc.cheapest])
    ce = result.analysis.cost_effectiveness
    if ce is not None:
        rows.append(["成本效果有效前沿", " → ".join(ce.frontier)])
    return Table(rows, ["项目", "结果"], widths=(1, 2))


# ---------------------------------------------------------------------------------------------
# Charts


def plot_cashflow(result: CostBenefitResult, ax=None):
    """Bars of benefits (up) and costs (down) by year with the cumulative present value line."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from methods import fonts

    fonts.register()
    t = result.appraisal.table
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 3.8))
    years = t["year"].to_numpy()
    ax.bar(years, t["benefits"], color="#2F6DB5", width=0.7, label="效益")
    ax.bar(years, -t["costs"], color="#C0392B", width=0.7, label="费用")
    ax.plot(years, t["cumulative_pv"], color="#E67E22", marker="o", markersize=3, label="累计现值")
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    u = result.model.unit
    ax.set_ylabel(f"金额（{u}）" if u else "金额")
    ax.set_title("年度现金流与累计净现值")
    ax.legend(loc="best", frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_npv_profile(result: CostBenefitResult, ax=None):
    """NPV against a flat discount rate, with every IRR root and the rate used marked."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    rates, npv = npv_profile(result)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.6))
    ax.plot(rates * 100, npv, color="#2F6DB5", linewidth=2, label="净现值")
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.axvline(
        result.hurdle * 100,
        color="#8E44AD",
        linestyle=":",
        linewidth=1.2,
        label=f"折现率 {_pct(result.hurdle)}",
    )
    roots = [float(r) for r in np.atleast_1d(result.appraisal.irr.roots) if np.isfinite(r)]
    for i, r in enumerate(roots):
        ax.plot([r * 100], [0], "o", color="#C0392B", label="NPV = 0 的根" if i == 0 else None)
        ax.annotate(_pct(r), (r * 100, 0), textcoords="offset points", xytext=(4, 6), fontsize=9)
    u = result.model.unit
    ax.set_xlabel("折现率（%）")
    ax.set_ylabel(f"{result.indicator}（{u}）" if u else result.indicator)
    ax.set_title("净现值曲线（NPV 随折现率变化）")
    ax.legend(loc="best", frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_tornado(result: CostBenefitResult, ax=None):
    """Tornado chart of the one-way sensitivity (largest swing on top)."""
    return cba.tornado(result.analysis.one_way, ax=ax, unit=result.model.unit)


def plot_risk(result: CostBenefitResult, ax=None):
    """Histogram and cumulative curve of the simulated indicator (None without Monte Carlo, or
    when every draw was invalid)."""
    mc = result.analysis.monte_carlo
    if mc is None or mc.all_invalid:
        return None
    return cba.plot_distribution(mc, ax=ax)


def plot_alternatives(result: CostBenefitResult, ax=None):
    """Bars of each alternative's cost on the least-cost basis (None without alternatives)."""
    lc = result.analysis.least_cost
    if lc is None:
        return None
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    col = "pv_cost" if lc.basis == "pv" else "eac"
    t = lc.table.sort_values(col, ascending=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.55 * len(t) + 1.4))
    colors = ["#2E7D32" if n == lc.cheapest else "#2F6DB5" for n in t["name"]]
    ax.barh(t["name"].astype(str), t[col], color=colors, height=0.55)
    for i, v in enumerate(t[col]):
        ax.text(v, i, f" {fmt.num(v)}", va="center", fontsize=9)
    u = result.model.unit
    label = "费用现值" if lc.basis == "pv" else "等额年成本"
    ax.set_xlabel(f"{label}（{u}{'' if lc.basis == 'pv' else '/年'}）")
    ax.set_title(f"备选方案{label}比较（绿色为最低成本方案）")
    ax.set_xlim(0, float(t[col].max()) * 1.2)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def cashflow_chart(result: CostBenefitResult):
    """The cash-flow chart as a report figure."""
    return blocks.chart(
        plot_cashflow(result).figure,
        "年度现金流与累计净现值",
        "各年效益（向上）与费用（向下）柱状图，折线为累计净现值",
    )


def risk_chart(result: CostBenefitResult):
    """The Monte Carlo distribution as a report figure (None without Monte Carlo)."""
    ax = plot_risk(result)
    if ax is None:
        return None
    ind = result.indicator
    return blocks.chart(
        ax.figure,
        f"{ind} 概率分布（蒙特卡洛模拟）",
        f"蒙特卡洛模拟的 {ind} 频数直方图与累计概率曲线，虚线为 0",
    )


# ---------------------------------------------------------------------------------------------
# Sections


def section_overview(r: CostBenefitResult) -> Section:
    """一、项目概况"""
    return Section(
        "一、项目概况",
        [
            blocks.unscored_info(r.case),
            blocks.overview(r.case),
            blocks.budget_amounts(r.case),
        ],
    )


def section_setup(r: CostBenefitResult) -> Section:
    """二、分析口径"""
    return Section(
        "二、分析口径",
        [
            Paragraph(
                "计算期、价格基准、折现方案及其依据、现金流发生时点等口径如下；影响结果的每一项设定都列在说明中。"
            ),
            setup_table(r),
        ],
    )


def section_cashflow(r: CostBenefitResult) -> Section:
    """三、现金流量"""
    return Section(
        "三、现金流量",
        [
            Section(
                "现金流构成",
                [
                    Paragraph("费用与效益均以正数填列，按类型区分；现值按本报告的折现方案计算。"),
                    lines_table(r),
                ],
                level=2,
            ),
            Section("年度现金流量表", [cashflow_table(r), cashflow_chart(r)], level=2),
        ],
    )


def section_indicators(r: CostBenefitResult) -> Section:
    """四、经济评价指标"""
    ind = r.indicator
    return Section(
        "四、经济评价指标",
        [
            Paragraph(
                "净现值不小于 0、效益费用比不小于 1、内部收益率不低于折现率时，项目在经济上可行。"
                "现金流符号多次变化时内部收益率可能不唯一，此时以净现值和修正内部收益率为准。"
            ),
            indicators_table(r),
            blocks.chart(
                plot_npv_profile(r).figure,
                "净现值曲线（NPV 随折现率变化）",
                f"{ind} 随统一折现率变化的曲线，标出所用折现率和 NPV = 0 的全部实根",
            ),
        ],
    )


def section_sensitivity(r: CostBenefitResult) -> Section:
    """五、敏感性分析"""
    ind = r.indicator
    return Section(
        "五、敏感性分析",
        [
            Section(
                "关键变量与单因素敏感性",
                [
                    sensitivity_tables(r),
                    blocks.chart(
                        plot_tornado(r).figure,
                        f"{ind} 敏感性（龙卷风图）",
                        f"各变量取低值和高值时 {ind} 的变化，影响最大的变量在最上方",
                    ),
                ],
                level=2,
            ),
            Section("临界值与情景分析", switching_tables(r), level=2),
        ],
    )


def section_risk(r: CostBenefitResult) -> Section:
    """六、风险分析（蒙特卡洛模拟）"""
    return Section("六、风险分析（蒙特卡洛模拟）", [risk_tables(r), risk_chart(r)])


def section_alternatives(r: CostBenefitResult) -> Section:
    """七、方案比选"""
    parts: list[Any] = alternatives_tables(r)
    ax = plot_alternatives(r)
    if ax is not None:
        lc = r.analysis.least_cost
        label = "费用现值" if lc.basis == "pv" else "等额年成本"
        parts.append(
            blocks.chart(
                ax.figure,
                f"备选方案{label}比较",
                f"各备选方案{label}条形图，绿色为最低成本方案“{lc.cheapest}”",
            )
        )
    return Section("七、方案比选", parts)


def section_conclusions(r: CostBenefitResult) -> Section:
    """八、结论与建议"""
    parts = [Section("分析结论", [BulletList(r.conclusions())], level=2)]
    extra = getattr(r.case, "conclusions", None)
    if extra is not None:
        for title, items in (
            ("主要优势", extra.achievements),
            ("存在问题", extra.problems),
            ("意见建议", extra.suggestions),
        ):
            if items:
                parts.append(Section(title, [BulletList(items)], level=2))
    return Section("八、结论与建议", parts)


OUTLINE = (
    section_overview,
    section_setup,
    section_cashflow,
    section_indicators,
    section_sensitivity,
    section_risk,
    section_alternatives,
    section_conclusions,
)


def outline(r: CostBenefitResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
