"""The cost-benefit report (成本效益分析报告): its sections built from a :class:`CostBenefitResult`
(document blocks, never HTML) and its charts.

The report follows the customary outline of an appraisal report: 一 基本情况, 二 分析方法与参数,
三 测算结果, 四 敏感性与风险分析, 五 分析结论、存在的问题及原因分析, 六 有关建议, 七 其他需要说明的
问题, and a 技术附件 holding the method detail (the discounting preset, the timing convention, the
yearly cash-flow table, the Monte Carlo distributions and seed, the data files with their hashes).
The body is written in Chinese as a signed report reads: no preset ids, seeds, formula variables
or English abbreviations.

The ``plot_*`` helpers take ``ax=None`` and return the Axes (``None`` when there is nothing to
draw). :func:`key_indicators` is shared with the ex-ante report (投入经济性).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from methods import _format as fmt
from methods import cba
from methods.evaltypes.cost_benefit import findings as cbf
from methods.evaltypes.cost_benefit.analysis import (
    CostBenefitResult,
    _category,
    _pct,
    _signed_pct,
    discount_text,
    npv_profile,
)
from methods.report import blocks, official
from methods.report import findings as fnd
from methods.report.document import (
    BulletList,
    Callout,
    Document,
    Paragraph,
    Section,
    Span,
    Table,
)

# ---------------------------------------------------------------------------------------------
# Tables


def setup_table(result: CostBenefitResult) -> list[Any]:
    """分析口径 as the 技术附件 lists it: period, prices, discounting (preset and its source and
    status), timing, sensitivity variables, notes."""
    m = result.model
    d = m.discounting
    src = f"{d.source}（{blocks.status_text(d.status)}）" if d.source else "案例文件直接给出"
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
        ("依据核对情况", d.checked or None),
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
    """经济评价指标: net present value, IRR (all roots, a warning when several), MIRR, benefit-cost
    ratio, paybacks and the equivalent annual cost, with their criteria."""
    a, m, u = result.appraisal, result.model, result.model.unit
    name = cbf.indicator_name(result)
    irr_name = cbf.irr_name(result)
    start = m.years[0]

    def years_text(x: float) -> str:
        return "未能回收" if not np.isfinite(x) else f"{fmt.num(x)}年（自{start}年初起算）"

    def ends_negative(column: str, payback: float) -> str:
        t = a.table[column].to_numpy()
        if np.isfinite(payback) and t[-1] < 0:
            return "；累计值回正后在期末又转为负数，此为首次回正的年限"
        return ""

    hurdle = f"折现率{_pct(result.hurdle)}"
    rows = [
        [name, cbf.money(a.npv, u), "≥0可行", result.verdict()],
        [
            irr_name,
            _irr_text(result),
            f"≥{hurdle}",
            ("唯一解" if a.irr.unique else "不唯一")
            + (f"（现金流正负变化{a.irr.n_sign_changes}次）" if a.irr.n_sign_changes > 1 else ""),
        ],
        [
            "修正内部收益率",
            _pct(a.mirr),
            f"≥{hurdle}",
            "融资与再投资利率取折现率" if np.isfinite(a.mirr) else "递减折现方案下不计算",
        ],
        [
            "效益费用比",
            fmt.num(a.bcr, 3),
            "≥1可行",
            f"效益现值{cbf.money(a.pv_benefits, u)}，费用现值{cbf.money(a.pv_costs, u)}",
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
            "≤计算期",
            "按折现后现金流" + ends_negative("cumulative_pv", a.discounted_payback),
        ],
        [
            "等额年成本",
            f"{cbf.money(result.eac, u)}/年",
            "—",
            f"费用现值按{len(m.years)}年等额分摊",
        ],
    ]
    parts: list[Any] = [Table(rows, ["指标", "数值", "判据", "说明"], widths=(1.3, 1.4, 1.1, 2.2))]
    if a.irr.n_roots > 1:
        roots = "、".join(_pct(r) for r in a.irr.roots)
        parts.append(
            Callout(
                "warn",
                [
                    f"注意：本项目现金流正负变化{a.irr.n_sign_changes}次（非常规现金流），使{name}为0的"
                    f"折现率有{a.irr.n_roots}个（{roots}），内部收益率不唯一。任何单一的内部收益率都可能"
                    f"误导判断，本报告不报告单一的内部收益率，以{name}和修正内部收益率为准；{name}随折现率"
                    "的变化见下图。"
                ],
            )
        )
    elif a.irr.n_roots == 0:
        parts.append(
            Callout("warn", [f"不存在使{name}为0的折现率，内部收益率不存在，以{name}判断。"])
        )
    return parts


def sensitivity_tables(result: CostBenefitResult) -> list[Any]:
    """Critical variables (elasticities) and the one-way ±range table."""
    c = result.analysis.critical
    labels = result.variable_labels()
    name = cbf.indicator_name(result)
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
            f"各变量分别变动±{d}%（其他变量不变）时{name}的变动及弹性；{name}变动超过变量变动幅度"
            "（弹性绝对值大于1）的变量为关键变量（判断口径的出处见技术附件）。"
        ),
        Table(
            rows,
            [
                "变量",
                "影响的现金流",
                "弹性",
                f"−{d}%时{name}变动",
                f"+{d}%时{name}变动",
                "关键变量",
            ],
            numeric=(2, 3, 4),
        ),
    ]
    ow = result.analysis.one_way
    ch = ow.settings.get("change", 0.2)
    u = result.model.unit
    rows = [
        [r.variable, fmt.fixed(r.npv_low), fmt.fixed(r.npv_high), fmt.fixed(r.swing)]
        for r in ow.table.itertuples()
    ]
    parts.append(
        Paragraph(
            f"单因素敏感性：各变量分别变动±{fmt.num(ch * 100)}%时的{name}（{u}），按影响幅度排序："
        )
    )
    parts.append(
        Table(
            rows,
            [
                "变量",
                f"−{fmt.num(ch * 100)}%时{name}",
                f"+{fmt.num(ch * 100)}%时{name}",
                "波动幅度",
            ],
            numeric=(1, 2, 3),
        )
    )
    return parts


def _zh(result: CostBenefitResult, text: str) -> str:
    """A note of the methods in the report's words (净现值 for NPV)."""
    name = cbf.indicator_name(result)
    return fnd.tidy(text.replace(result.indicator, name).replace("NPV", name))


def switching_tables(result: CostBenefitResult) -> list[Any]:
    """Switching values (临界值) and scenarios."""
    sv = result.analysis.switching
    name = cbf.indicator_name(result)
    rows = []
    for r in sv.table.itertuples():
        var = next(v for v in result.model.variables if v.name == r.variable)
        if np.isfinite(r.switching_value):
            value = (
                _pct(r.switching_value)
                if var.discount_rate
                else f"基准的{_pct(r.switching_value / r.base_value, 1)}"
            )
            text = fnd.tidy(result.switching_text(r))
            rows.append([r.variable, value, _signed_pct(r.pct_change, 1), text])
        else:
            rows.append([r.variable, "—", "—", f"无临界值（{_zh(result, r.reason)}）"])
    parts: list[Any] = [
        Paragraph(f"临界值：其他变量保持基准值时，使{name}恰为0的变量取值。"),
        Table(rows, ["变量", "临界值", "相对基准变动", "含义"], numeric=(1, 2)),
    ]
    parts += [Paragraph(_zh(result, n), "note") for n in sv.notes]
    return parts


def scenario_table(result: CostBenefitResult) -> list[Any]:
    """情景分析: several variables changed at once (None without scenarios)."""
    sc = result.analysis.scenarios
    if sc is None:
        return []
    name = cbf.indicator_name(result)
    u = result.model.unit
    base = result.model.base
    rows = []
    for r in sc.table.to_dict("records"):
        changed = [
            f"{k}{_signed_pct(r[k] / base[k] - 1, 0)}"
            if not next(v for v in result.model.variables if v.name == k).discount_rate
            else f"{k}{_pct(r[k])}"
            for k in base
            if not math.isclose(r[k], base[k], rel_tol=1e-12)
        ]
        rows.append(
            [
                r["scenario"],
                "；".join(changed) or "—",
                fmt.fixed(r["npv"]),
                fmt.fixed(r["change"]) if r["scenario"] != "基准" else "—",
            ]
        )
    return [
        Paragraph(f"多个变量同时变动时的{name}（{u}）："),
        Table(rows, ["情景", "变量取值", name, "较基准变化"], numeric=(2, 3)),
    ]


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
    """Monte Carlo risk analysis as the 技术附件 lists it: the distributions used, the seed and the
    statistics of the indicator."""
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


def risk_summary(result: CostBenefitResult) -> list[Any]:
    """概率分析 in the body: what was simulated and the statistics of the indicator (the
    distributions' parameters and the seed are in the 技术附件)."""
    mc = result.analysis.monte_carlo
    name = cbf.indicator_name(result)
    if mc is None:
        return [
            Paragraph("本分析未对变量设定概率分布，未进行概率分析；风险以敏感性分析和临界值反映。")
        ]
    variables = "、".join(mc.distributions)
    head = Paragraph(
        f"对{variables}{len(mc.distributions)}个变量按设定的概率分布（取值为相对基准值的倍数，"
        f"分布及参数见技术附件）随机抽样{mc.n:,}次，计算{name}的分布。"
    )
    if mc.all_invalid:
        return [head, Paragraph(f"{mc.n:,}次模拟均未得出有效结果，未给出{name}的概率分布。")]
    u = result.model.unit
    p = mc.percentiles
    stats = [
        ["模拟次数", f"{mc.n:,}"],
        [f"{name}基准值", cbf.money(mc.base_value, u)],
        [f"{name}均值", cbf.money(mc.mean, u)],
        [f"{name}中位数", cbf.money(mc.median, u)],
        ["标准差", cbf.money(mc.sd, u)],
        ["5%分位数至95%分位数", f"{cbf.money(p.loc[5], u)}至{cbf.money(p.loc[95], u)}"],
        [f"{name}小于0的概率", _pct(mc.p_negative, 1)],
    ]
    if mc.n_invalid:
        stats.append(["无效抽样", f"{mc.n_invalid:,}次（已剔除）"])
    return [head, Table(stats, ["统计量", "数值"], numeric=(1,))]


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
                f"各备选方案提供相同的产出，按{label}比较（{discount_text(lc.discounting)}），"
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
        if lc.basis == "eac":
            parts.append(Paragraph("说明：各方案寿命期不同，按等额年成本比较。", "note"))
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
            ["方案", f"费用现值（{u}）", "效果", "单位效果成本", "增量成本效果比", "判定"],
            numeric=(1, 2, 3, 4),
        ),
        Paragraph(fnd.tidy(f"{ce.summary()}。").replace("增量成本效果比 ICER", "增量成本效果比")),
    ]


def key_indicators(result: CostBenefitResult) -> Table:
    """A compact table of the key indicators (for the 分析结论 and the ex-ante report's
    投入经济性), in the report's words."""
    a, m, u = result.appraisal, result.model, result.model.unit
    name = cbf.indicator_name(result)
    rows = [
        ["计算期", f"{m.years[0]}—{m.years[-1]}年，{m.price_base_year}年不变价"],
        ["折现率", discount_text(m.discounting)],
        [name, f"{cbf.money(a.npv, u)}（{result.verdict()}）"],
        ["效益费用比", fmt.num(a.bcr, 3)],
        [cbf.irr_name(result), _irr_text(result)],
        ["修正内部收益率", _pct(a.mirr)],
        [
            "动态投资回收期",
            "未能回收"
            if not np.isfinite(a.discounted_payback)
            else f"{fmt.num(a.discounted_payback)}年",
        ],
    ]
    crit = result.analysis.critical.critical
    rows.append(["关键变量", "、".join(crit) if crit else "无"])
    mc = result.analysis.monte_carlo
    if mc is not None and mc.all_invalid:
        rows.append([f"{name}小于0的概率", f"—（{mc.n:,}次模拟均无有效结果）"])
    elif mc is not None:
        rows.append([f"{name}小于0的概率", f"{_pct(mc.p_negative, 1)}（模拟{mc.n:,}次）"])
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
    name = cbf.indicator_name(result)
    ax.plot(rates * 100, npv, color="#2F6DB5", linewidth=2, label=name)
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
        ax.plot(
            [r * 100], [0], "o", color="#C0392B", label=f"{name}为0的折现率" if i == 0 else None
        )
        ax.annotate(_pct(r), (r * 100, 0), textcoords="offset points", xytext=(4, 6), fontsize=9)
    u = result.model.unit
    ax.set_xlabel("折现率（%）")
    ax.set_ylabel(f"{name}（{u}）" if u else name)
    ax.set_title(f"{name}随折现率的变化")
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
    name = cbf.indicator_name(result)
    return blocks.chart(
        ax.figure,
        f"{name}的概率分布（蒙特卡洛模拟）",
        f"蒙特卡洛模拟的{name}频数直方图与累计概率曲线，虚线为0",
    )


# ---------------------------------------------------------------------------------------------
# Sections


def _npv_chart(r: CostBenefitResult):
    name = cbf.indicator_name(r)
    return blocks.chart(
        plot_npv_profile(r).figure,
        f"{name}随折现率的变化",
        f"{name}随统一折现率变化的曲线，标出所用折现率和{name}为0的全部折现率",
    )


def _lines_of(r: CostBenefitResult, kind: str) -> str:
    m = r.model
    names = [str(n) for n in m.lines.index if (m.kinds[n] == "benefit") == (kind == "benefit")]
    return "、".join(names) or "（无）"


def request_prose(case, label: str = "申请") -> Paragraph:
    """资金申请: the amounts the case gives (what is requested, and any budget or spending
    already known) in one sentence, or （未提供）."""
    b = getattr(case, "budget", None)
    if b is None or all(v is None for v in (b.planned, b.allocated, b.spent)):
        return Paragraph(f"资金申请方面，{official.NOT_GIVEN}。")
    u = b.unit
    parts = []
    if b.planned is not None:
        parts.append(f"{label}{case.year}年度预算资金{fmt.fixed(b.planned)}{u}")
    if b.allocated is not None:
        parts.append(f"全年预算{fmt.fixed(b.allocated)}{u}")
    if b.spent is not None:
        parts.append(f"已支出{fmt.fixed(b.spent)}{u}")
    note = f"（{fnd._clause(b.note)}）" if b.note else ""
    return Paragraph("资金申请方面，" + "，".join(parts) + note + "。")


def section_basic(r: CostBenefitResult) -> Section:
    """一、基本情况"""
    case, m = r.case, r.model
    work = getattr(case, "work", None)
    purpose = work.purpose if work and work.purpose else None
    scope = (
        work.scope
        if work and work.scope
        else (
            f"分析对象为{case.title}，计算期为{m.years[0]}—{m.years[-1]}年（{len(m.years)}年），"
            f"费用包括{_lines_of(r, 'cost')}，效益包括{_lines_of(r, 'benefit')}"
        )
    )
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）项目概况",
                [
                    blocks.unscored_info(case),
                    official.overview_paragraph(case),
                    request_prose(case),
                ],
                level=2,
            ),
            Section(
                "（二）分析目的、对象和范围",
                [
                    Paragraph(
                        f"分析目的：{fnd._clause(purpose)}。"
                        if purpose
                        else f"分析目的：{official.NOT_GIVEN}"
                    ),
                    Paragraph(fnd._sentence(fnd.tidy(scope))),
                ],
                level=2,
            ),
        ],
    )


def _methods_text(r: CostBenefitResult) -> str:
    m = r.model
    name = cbf.indicator_name(r)
    kind = (
        "经济费用效益分析（按转换系数将市场价格换算为经济价值）"
        if m.analysis == "economic"
        else "费用效益分析（按市场价格计算）"
    )
    text = (
        f"采用{kind}，将计算期内各年的费用和效益折现，计算{name}、效益费用比、内部收益率、"
        "投资回收期和等额年成本，判断项目在经济上是否可行"
    )
    extra = ["敏感性分析和临界值分析"]
    if r.analysis.scenarios is not None:
        extra.append("情景分析")
    if r.analysis.monte_carlo is not None:
        extra.append("概率分析（蒙特卡洛模拟）")
    text += f"；采用{'、'.join(extra)}评估测算结果的不确定性"
    if r.analysis.least_cost is not None:
        text += "；各备选方案提供相同产出，采用最低成本法比选"
    elif r.analysis.cost_effectiveness is not None:
        text += "；各备选方案的效果不同，采用成本效果分析比选"
    return text + "。"


def parameters_table(r: CostBenefitResult) -> Table:
    """主要参数 in the body: period, prices, discount rate and its basis, timing, variables."""
    m = r.model
    d = m.discounting
    basis = f"{fnd._clause(d.source)}（{blocks.status_text(d.status)}）" if d.source else "案例给定"
    timing = (
        "各年现金流按年末发生计，第一年折现一次"
        if m.t0 == 1
        else ("各年现金流按年初发生计，第一年不折现" if m.t0 == 0 else "见技术附件")
    )
    pairs = [
        ("计算期", f"{m.years[0]}—{m.years[-1]}年（{len(m.years)}年）"),
        ("价格口径", f"{m.price_base_year}年不变价，金额单位{m.unit or '—'}"),
        ("折现率", discount_text(d)),
        ("折现率依据", basis),
        ("现金流发生时点", timing),
        (
            "敏感性分析变量",
            "；".join(f"{k}（{v}）" if v != k else k for k, v in r.variable_labels().items()),
        ),
    ]
    mc = r.analysis.monte_carlo
    if mc is not None:
        pairs.append(("概率分析", f"{'、'.join(mc.distributions)}按概率分布抽样{mc.n:,}次"))
    econ = cbf._economic_note(r)
    if econ:
        pairs.append(("经济分析口径", econ.split("。", 1)[-1]))
    return Table.kv(pairs)


def section_method(r: CostBenefitResult) -> Section:
    """二、分析方法与参数"""
    name = cbf.indicator_name(r)
    work = getattr(r.case, "work", None)
    process = (work.process if work else None) or None
    steps = [process] if isinstance(process, str) else list(process or [])
    return Section(
        "二、分析方法与参数",
        [
            Section("（一）分析方法", [Paragraph(_methods_text(r))], level=2),
            Section("（二）主要参数", [parameters_table(r)], level=2),
            Section(
                "（三）判断标准",
                [
                    Paragraph(
                        f"{name}不小于0、效益费用比不小于1、内部收益率不低于折现率时，项目在经济上可行"
                        "（《建设项目经济评价方法与参数》（第三版），法规）。现金流正负多次变化时内部收益率"
                        f"可能不唯一，此时以{name}和修正内部收益率判断。"
                    )
                ],
                level=2,
            ),
            Section(
                "（四）工作过程",
                [Paragraph(fnd._sentence(fnd.tidy(f"{i}. {s}"))) for i, s in enumerate(steps, 1)]
                or [Paragraph(f"分析工作过程：{official.NOT_GIVEN}")],
                level=2,
            ),
        ],
    )


def section_results(r: CostBenefitResult) -> Section:
    """三、测算结果"""
    parts: list[Any] = [
        Section(
            "（一）现金流量",
            [
                Paragraph(
                    "费用与效益均以正数填列，按类型区分；现值按本报告的折现率计算。各年现金流量表见技术附件。"
                ),
                lines_table(r),
                cashflow_chart(r),
            ],
            level=2,
        ),
        Section("（二）经济评价指标", [indicators_table(r), _npv_chart(r)], level=2),
    ]
    if r.analysis.least_cost is not None or r.analysis.cost_effectiveness is not None:
        alt: list[Any] = alternatives_tables(r)
        ax = plot_alternatives(r)
        if ax is not None:
            lc = r.analysis.least_cost
            label = "费用现值" if lc.basis == "pv" else "等额年成本"
            alt.append(
                blocks.chart(
                    ax.figure,
                    f"备选方案{label}比较",
                    f"各备选方案{label}条形图，绿色为最低成本方案“{lc.cheapest}”",
                )
            )
        parts.append(Section("（三）方案比选", alt, level=2))
    return Section("三、测算结果", parts)


def section_sensitivity(r: CostBenefitResult) -> Section:
    """四、敏感性与风险分析"""
    name = cbf.indicator_name(r)
    parts: list[Any] = [
        Section(
            "（一）敏感性分析",
            [
                sensitivity_tables(r),
                blocks.chart(
                    plot_tornado(r).figure,
                    f"{name}敏感性（龙卷风图）",
                    f"各变量取低值和高值时{name}的变化，影响最大的变量在最上方",
                ),
            ],
            level=2,
        ),
        Section("（二）临界值分析", switching_tables(r), level=2),
    ]
    scenarios = scenario_table(r)
    if scenarios:
        parts.append(Section("（三）情景分析", scenarios, level=2))
    n = official.chinese_number(len(parts) + 1)
    parts.append(Section(f"（{n}）概率分析", [risk_summary(r), risk_chart(r)], level=2))
    return Section("四、敏感性与风险分析", parts)


def _problem_blocks(fd) -> list[Any]:
    out: list[Any] = []
    for i, p in enumerate(fd.problems, 1):
        out.append(Paragraph(Span(f"{i}. {p.heading}", strong=True)))
        if p.facts:
            out.append(Paragraph(fnd.tidy(p.facts_text)))
        out.append(Paragraph(fnd.tidy(p.cause_text)))
    return out or [Paragraph("分析未发现需要单独列示的问题。")]


def section_conclusions(r: CostBenefitResult) -> Section:
    """五、分析结论、存在的问题及原因分析"""
    fd = r.findings
    parts: list[Any] = [Paragraph(cbf.conclusion(r, fd)), key_indicators(r)]
    extra = getattr(r.case, "conclusions", None)
    if extra is not None and extra.achievements:
        parts.append(Paragraph("分析人补充的意见："))
        parts.append(BulletList([fnd.tidy(x) for x in extra.achievements]))
    return Section(
        "五、分析结论、存在的问题及原因分析",
        [
            Section("（一）分析结论", parts, level=2),
            Section("（二）存在的问题及原因分析", _problem_blocks(fd), level=2),
        ],
    )


def section_advice(r: CostBenefitResult) -> Section:
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
        parts = [Paragraph("分析未发现需要单独提出建议的问题。")]
    return Section("六、有关建议", parts)


def section_other(r: CostBenefitResult) -> Section:
    """七、其他需要说明的问题"""
    items = cbf.other_matters(r)
    return Section(
        "七、其他需要说明的问题",
        [Paragraph(fnd.tidy(f"{i}. {x}")) for i, x in enumerate(items, 1)],
    )


def data_files_table(case) -> Table | None:
    """数据文件: each file the case reads, once (several cash-flow lines may read one file), with
    its size and hash."""
    import hashlib

    files = list(dict.fromkeys(case.data_files()))
    if not files:
        return None
    private = {case.resolve(v) for v in case.private_paths()}
    rows = [
        [
            f.name,
            f"{f.stat().st_size:,} 字节",
            hashlib.sha256(f.read_bytes()).hexdigest()[:16],
            "个人数据，仅存哈希，未存档" if f in private else "已随报告存档",
        ]
        for f in files
    ]
    return Table(rows, ["文件", "大小", "SHA-256（前 16 位）", "存档方式"])


def section_annex(r: CostBenefitResult) -> Section:
    """附件：技术附件"""
    parts: list[Any] = [
        Section(
            "（一）分析口径",
            [
                Paragraph(f"案例编号：{r.case.case_id}（案例库存档编号）。", style="note"),
                setup_table(r),
            ],
            level=2,
        ),
        Section("（二）年度现金流量表", [cashflow_table(r)], level=2),
    ]
    s = r.analysis.critical.settings
    rule = (
        f"关键变量的判断口径：{s.get('rule', '')}（{s.get('source', '')}；"
        f"{blocks.status_text(s.get('status'))}）。"
    )
    parts.append(Section("（三）敏感性分析口径", [Paragraph(rule)], level=2))
    if r.analysis.monte_carlo is not None:
        parts.append(Section("（四）概率分析的分布与抽样", risk_tables(r), level=2))
    n = official.chinese_number(len(parts) + 1)
    parts.append(Section(f"（{n}）计算结果摘要", [BulletList(r.conclusions())], level=2))
    files = data_files_table(r.case) if r.case is not None else None
    if files is not None:
        n = official.chinese_number(len(parts) + 1)
        parts.append(
            Section(
                f"（{n}）数据文件",
                [Paragraph("现金流量数据文件（存档时记录其哈希值）："), files],
                level=2,
            )
        )
    return Section("附件：技术附件", parts)


# the level-1 headings of the report (the customary outline; tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、分析方法与参数",
    "三、测算结果",
    "四、敏感性与风险分析",
    "五、分析结论、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_basic,
    section_method,
    section_results,
    section_sensitivity,
    section_conclusions,
    section_advice,
    section_other,
    section_annex,
)


def outline(r: CostBenefitResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
