"""Cost-benefit analysis reports (evaluation: cost_benefit): the analysis of a case's ``cba:`` block
and the Chinese report pieces of ``notebooks/cost_benefit.ipynb``.

:func:`analyse` builds the model with :func:`methods.cba.from_spec` and runs
:meth:`~methods.cba.CBAModel.analyse` (indicators with every IRR root, critical variables, one-way
sensitivity, switching values, scenarios, Monte Carlo, least cost / cost-effectiveness), adds the
equivalent annual cost and a Chinese conclusion. The ``*_html`` helpers return
:class:`IPython.display.HTML` (user text escaped); the ``plot_*`` helpers take ``ax=None`` and return
the Axes (``None`` when there is nothing to draw). :func:`key_indicators_html` is shared with the
ex-ante report (投入经济性).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from methods import _format as fmt
from methods import cba
from methods.errors import CaseError

#: Chinese names of the usual line categories (other categories are shown as written).
CATEGORY_NAMES = {
    "capex": "建设投资",
    "investment": "建设投资",
    "renewal": "更新改造",
    "operating": "运营维护",
    "opex": "运营维护",
    "labour": "人工",
    "labor": "人工",
    "closure": "封场与修复",
    "benefit": "效益",
    "residual": "期末余值",
    "transfer": "转移支付",
    "other": "其他",
}


def _pct(x: float | None, digits: int = 2) -> str:
    if x is None or not np.isfinite(x):
        return "—"
    return fmt.pct(float(x) * 100, digits)


def _signed_pct(x: float, digits: int = 2) -> str:
    return ("+" if x > 0 else "") + _pct(x, digits)


def _category(name: str) -> str:
    return CATEGORY_NAMES.get(str(name), str(name))


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass(frozen=True, eq=False)
class CostBenefitResult:
    """A case's cost-benefit analysis: the model, all analyses and the equivalent annual cost.

    Attributes
    ----------
    model : methods.cba.CBAModel
    analysis : methods.cba.CBAAnalysis
    eac : float
        Equivalent annual cost of the project's costs over the appraisal period (same discounting).
    """

    model: cba.CBAModel
    analysis: cba.CBAAnalysis
    eac: float

    @property
    def appraisal(self) -> cba.Appraisal:
        return self.analysis.appraisal

    @property
    def indicator(self) -> str:
        return self.model.indicator

    @property
    def hurdle(self) -> float:
        """The rate an IRR is compared with: the flat rate, or a schedule's first-band rate."""
        return float(self.model.discounting.rates[0])

    @property
    def feasible(self) -> bool:
        return bool(self.appraisal.npv > 0)

    def verdict(self) -> str:
        """``经济上可行`` (NPV > 0), ``盈亏平衡`` (NPV = 0) or ``经济上不可行``."""
        npv = self.appraisal.npv
        if npv > 0:
            return "经济上可行"
        return "盈亏平衡" if npv == 0 else "经济上不可行"

    def variable_labels(self) -> dict[str, str]:
        """Each sensitivity variable and what it scales (its cash-flow lines, or the rate)."""
        out = {}
        for v in self.model.variables:
            out[v.name] = "折现率" if v.discount_rate else "、".join(v.lines)
        return out

    def switching_text(self, row) -> str:
        """``效益下降 23.5%``-style text for one switching-value row (empty without a value)."""
        if not np.isfinite(row.switching_value):
            return ""
        var = next(v for v in self.model.variables if v.name == row.variable)
        if var.discount_rate:
            return f"{row.variable}变为 {_pct(row.switching_value)}"
        verb = "上升" if row.pct_change > 0 else "下降"
        return f"{row.variable}{verb} {_pct(abs(row.pct_change), 1)}"

    def conclusions(self) -> list[str]:
        """The automatic conclusions, in Chinese."""
        a, m, ind, u = self.appraisal, self.model, self.indicator, self.model.unit
        out = []
        bcr = f"，效益费用比 B/C = {fmt.num(a.bcr, 3)}" if np.isfinite(a.bcr) else ""
        judge = {
            "经济上可行": "大于 0，按所用折现方案项目经济上可行",
            "盈亏平衡": "等于 0，项目处于盈亏平衡",
            "经济上不可行": "小于 0，按所用折现方案项目经济上不可行",
        }[self.verdict()]
        out.append(
            f"按 {m.discounting.describe()}，{m.years[0]}–{m.years[-1]} 年计算期内项目 {ind} 为 "
            f"{fmt.num(a.npv)}{u}{bcr}，{judge}。"
        )
        irr = a.irr
        if irr.unique:
            cmp = "高于" if irr.value > self.hurdle else "不高于"
            out.append(f"内部收益率 {_pct(irr.value)}，{cmp}折现率 {_pct(self.hurdle)}。")
        elif irr.n_roots > 1:
            roots = "、".join(_pct(r) for r in irr.roots)
            text = (
                f"现金流为非常规现金流（符号变化 {irr.n_sign_changes} 次），NPV = 0 有 "
                f"{irr.n_roots} 个实根（{roots}），内部收益率不唯一，不能作为判断依据"
            )
            if np.isfinite(a.mirr):
                cmp = "高于" if a.mirr > self.hurdle else "不高于"
                text += f"；修正内部收益率 MIRR = {_pct(a.mirr)}，{cmp}折现率"
            out.append(text + "。")
        else:
            out.append("NPV = 0 在 (−100%, +∞) 内无实根，不存在内部收益率，以净现值判断。")
        crit = self.analysis.critical.critical
        if crit:
            out.append(
                f"关键变量（变动 1% 使 {ind} 变动超过 1%）：{'、'.join(crit)}，应重点核实其取值依据。"
            )
        sv = self.analysis.switching.table
        sv = sv[np.isfinite(sv["switching_value"])]
        if len(sv):
            texts = [self.switching_text(r) for r in sv.itertuples()]
            out.append(f"单独变动时，{'，或'.join(texts)}，{ind} 降至 0（临界值）。")
        mc = self.analysis.monte_carlo
        if mc is not None:
            out.append(
                f"蒙特卡洛模拟 {mc.n:,} 次，{ind} 均值 {fmt.num(mc.mean)}{u}，"
                f"90% 区间 {fmt.num(mc.percentiles.loc[5])} ~ {fmt.num(mc.percentiles.loc[95])}{u}，"
                f"{ind} 小于 0 的概率为 {_pct(mc.p_negative, 1)}。"
            )
        lc = self.analysis.least_cost
        if lc is not None and len(lc.table) > 1:
            label = "费用现值" if lc.basis == "pv" else "等额年成本"
            second = lc.table.iloc[1]
            out.append(
                f"最低成本法：{len(lc.table)} 个备选方案中“{lc.cheapest}”的{label}最低，"
                f"其次的“{second['name']}”高出 {fmt.num(second['difference'])}{u}"
                f"（{_pct(second['difference_pct'], 1)}）。"
            )
        ce = self.analysis.cost_effectiveness
        if ce is not None:
            out.append(f"成本效果分析：{ce.summary()}。")
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``cba`` block of results.json."""
        return {
            **self.analysis.to_dict(),
            "eac": cba._jsonable(self.eac),
            "verdict": self.verdict(),
            "conclusions": self.conclusions(),
        }


def analyse_spec(
    spec: Any, base_dir: str | Path = ".", *, simulate: bool = True
) -> CostBenefitResult:
    """Analyse a ``cba:`` block (paths relative to ``base_dir``); ``simulate=False`` leaves the
    Monte Carlo run out (for validation).

    Raises
    ------
    CaseError
        Naming the field (``cba.lines[0].values``) for bad input.
    """
    model = cba.from_spec(spec, base_dir)
    lines = model.lines.to_numpy(dtype=float)
    if not np.any(lines):
        raise CaseError("现金流全部为 0，无法进行成本效益分析", field=("cba", "lines"))
    try:
        analysis = model.analyse(simulate=simulate)
        f = model.flows()
        eac = float(
            cba.equivalent_annual_cost(
                f["costs"].to_numpy(), schedule=model.discounting, t0=model.t0
            )
        )
    except CaseError:
        raise
    except ValueError as exc:
        raise CaseError(f"成本效益分析无法完成：{exc}", field=("cba",)) from None
    return CostBenefitResult(model, analysis, eac)


def analyse(case, *, simulate: bool = True) -> CostBenefitResult:
    """The cost-benefit analysis of a case with a ``cba:`` block."""
    return analyse_spec(case.cba, case.base_dir, simulate=simulate)


# ---------------------------------------------------------------------------------------------
# Report pieces


def _html():
    from methods.report import HTML, esc, html_table, kv_table

    return HTML, esc, html_table, kv_table


def basic_info(case, *, evaluator_label: str = "分析机构/人员"):
    """基本信息 table of a case without an indicator tree (name, department, year, type …)."""
    from methods import report

    pairs = report.case_identity(case, "名称")
    pairs.append((evaluator_label, getattr(case, "evaluator", None)))
    return report.HTML(report.kv_table(pairs))


def budget_html(case, *, planned_label: str = "年初预算数"):
    """预算资金: the amounts the case gives (empty without a budget)."""
    from methods import report

    b = getattr(case, "budget", None)
    if b is None:
        return report.HTML("")
    cols = [
        (planned_label, b.planned),
        ("全年预算数", b.allocated),
        ("全年执行数", b.spent),
    ]
    cols = [(k, v) for k, v in cols if v is not None]
    if not cols:
        return report.HTML("")
    header = [f"{k}（{b.unit}）" for k, _ in cols]
    row = [fmt.fixed(v) for _, v in cols]
    if b.execution_rate is not None:
        header.append("预算执行率")
        row.append(fmt.pct(b.execution_rate))
    note = f'<p class="jx-note">说明：{report.esc(b.note)}</p>' if b.note else ""
    return report.HTML(report.html_table([row], header, numeric=range(len(row))) + note)


def setup_html(result: CostBenefitResult):
    """分析口径: period, prices, discounting (with source and status), timing, notes."""
    HTML, esc, html_table, kv_table = _html()
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
    notes = "".join(f"<li>{esc(n)}</li>" for n in m.notes)
    text = kv_table(pairs)
    if m.optimism is not None:
        text += f"<p>{esc(m.optimism.summary())}</p>"
    if notes:
        text += f'<p class="jx-note">说明：</p><ol class="jx-note">{notes}</ol>'
    return HTML(text)


def lines_html(result: CostBenefitResult):
    """现金流构成: every line with its kind, category, undiscounted total and present value."""
    HTML, _, html_table, _ = _html()
    m = result.model
    df = cba.discount_factors(
        m.t0 + np.arange(len(m.years), dtype=float), schedule=m.discounting
    ).to_numpy()
    values = m.lines.to_numpy(dtype=float)
    pv = values @ df
    rows = []
    for i, name in enumerate(m.lines.index):
        rows.append(
            [
                name,
                "效益" if m.kinds[name] == "benefit" else "费用",
                _category(m.categories[name]),
                fmt.fixed(values[i].sum()),
                fmt.fixed(pv[i]),
            ]
        )
    u = m.unit
    header = ["现金流", "类型", "类别", f"合计（{u}）", f"现值（{u}）"]
    return HTML(html_table(rows, header, numeric=(3, 4)))


def cashflow_html(result: CostBenefitResult):
    """现金流量表: benefits, costs, net flow, discount factor and (cumulative) present value by year."""
    HTML, _, html_table, _ = _html()
    t = result.appraisal.table
    u = result.model.unit
    rows = [
        [
            int(r.year),
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
    return HTML(html_table(rows, header, numeric=range(1, 7)))


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


def _irr_text(result: CostBenefitResult) -> str:
    irr = result.appraisal.irr
    if irr.unique:
        return _pct(irr.value)
    if irr.n_roots > 1:
        return "不唯一：" + "、".join(_pct(r) for r in irr.roots)
    return "不存在"


def indicators_html(result: CostBenefitResult):
    """经济评价指标: NPV, IRR (all roots, warning when several), MIRR, B/C, paybacks, EAC."""
    HTML, esc, html_table, _ = _html()
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
    text = html_table(rows, ["指标", "数值", "判据", "说明"])
    if a.irr.n_roots > 1:
        roots = "、".join(_pct(r) for r in a.irr.roots)
        text += (
            f'<div class="jx-warn">注意：本项目现金流符号变化 {a.irr.n_sign_changes} 次（非常规现金流），'
            f"NPV = 0 有 {a.irr.n_roots} 个实根（{esc(roots)}），内部收益率不唯一。"
            "任何单一的“IRR”都可能误导判断，本报告不报告单一 IRR，以净现值和修正内部收益率为准；"
            "净现值随折现率的变化见下图。</div>"
        )
    elif a.irr.n_roots == 0:
        text += '<div class="jx-warn">NPV = 0 无实根，内部收益率不存在，以净现值判断。</div>'
    return HTML(text)


def npv_profile(result: CostBenefitResult, rates: np.ndarray | None = None):
    """NPV at each flat rate (same timing as the appraisal): ``(rates, npv)`` arrays."""
    a = result.appraisal
    net = a.table["net"].to_numpy(dtype=float)
    t = a.table["t"].to_numpy(dtype=float)
    if rates is None:
        roots = [float(r) for r in np.atleast_1d(a.irr.roots) if np.isfinite(r)]
        hi = max([0.2, result.hurdle * 2.5, *[r * 1.4 for r in roots if r > 0]])
        lo = min([0.0, *[r * 1.4 for r in roots if r < 0]])
        rates = np.linspace(max(lo, -0.9), min(hi, 3.0), 241)
    npv = (net[None, :] * (1.0 + rates[:, None]) ** (-t[None, :])).sum(axis=1)
    return rates, npv


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


def sensitivity_html(result: CostBenefitResult):
    """Critical variables (elasticities, EU 2014 rule) and the one-way ±range table."""
    HTML, esc, html_table, _ = _html()
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
    text = (
        f"<p>变量分别变动 ±{d}%（其他变量不变）时 {ind} 的变动及弹性；"
        f"{esc(s.get('rule', ''))}（{esc(s.get('source', ''))}）。</p>"
    )
    text += html_table(
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
    )
    ow = result.analysis.one_way
    ch = ow.settings.get("change", 0.2)
    u = result.model.unit
    rows = [
        [
            r.variable,
            fmt.num(r.npv_low),
            fmt.num(r.npv_high),
            fmt.num(r.swing),
        ]
        for r in ow.table.itertuples()
    ]
    text += f"<p>单因素敏感性：各变量分别变动 ±{fmt.num(ch * 100)}% 时的 {ind}（{esc(u)}），按影响幅度排序：</p>"
    text += html_table(
        rows,
        ["变量", f"−{fmt.num(ch * 100)}% 时 {ind}", f"+{fmt.num(ch * 100)}% 时 {ind}", "波动幅度"],
        numeric=(1, 2, 3),
    )
    return HTML(text)


def plot_tornado(result: CostBenefitResult, ax=None):
    """Tornado chart of the one-way sensitivity (largest swing on top)."""
    return cba.tornado(result.analysis.one_way, ax=ax, unit=result.model.unit)


def switching_html(result: CostBenefitResult):
    """Switching values (临界值) and scenarios."""
    HTML, esc, html_table, _ = _html()
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
    text = f"<p>临界值：其他变量保持基准值时，使 {ind} 恰为 0 的变量取值（由求根算法求得）。</p>"
    text += html_table(rows, ["变量", "临界值", "相对基准变动", "含义"], numeric=(1, 2))
    for n in sv.notes:
        text += f'<p class="jx-note">{esc(n)}</p>'
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
        text += f"<p>情景分析（多个变量同时变动，{ind} 单位 {esc(u)}）：</p>"
        text += html_table(rows, ["情景", "变量取值", ind, "较基准变化"], numeric=(2, 3))
    return HTML(text)


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


def risk_html(result: CostBenefitResult):
    """Monte Carlo risk analysis: the distributions used and the statistics of the indicator."""
    HTML, esc, html_table, _ = _html()
    mc = result.analysis.monte_carlo
    if mc is None:
        return HTML(
            "<p>本案例未设置变量的概率分布（cba.monte_carlo），未进行蒙特卡洛模拟；"
            "风险以上述敏感性分析和临界值反映。</p>"
        )
    labels = result.variable_labels()
    rows = [
        [k, labels.get(k, ""), _DIST_ZH.get(v["dist"], v["dist"]), _dist_params(v)]
        for k, v in mc.distributions.items()
    ]
    text = "<p>变量取值为相对基准的乘数（1 = 基准值），未列出的变量保持基准值。</p>" + html_table(
        rows, ["变量", "影响的现金流", "分布", "参数"]
    )
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
    text += html_table(stats, ["统计量", "数值"], numeric=(1,))
    return HTML(text)


def plot_risk(result: CostBenefitResult, ax=None):
    """Histogram and cumulative curve of the simulated indicator (None without Monte Carlo)."""
    mc = result.analysis.monte_carlo
    if mc is None:
        return None
    return cba.plot_distribution(mc, ax=ax)


def alternatives_html(result: CostBenefitResult):
    """最低成本法 (equal effects) or 成本效果分析 (different effects) of the alternatives."""
    HTML, esc, html_table, _ = _html()
    u = result.model.unit
    lc = result.analysis.least_cost
    ce = result.analysis.cost_effectiveness
    if lc is None and ce is None:
        return HTML("<p>本案例未设置备选方案（cba.alternatives），不进行方案比选。</p>")
    if lc is not None:
        rows = [
            [
                int(r.rank),
                r.name,
                fmt.fixed(r.pv_cost),
                fmt.num(r.life),
                fmt.fixed(r.eac),
                "—" if r.rank == 1 else f"{fmt.fixed(r.difference)}（{_pct(r.difference_pct, 1)}）",
            ]
            for r in lc.table.itertuples()
        ]
        label = "费用现值" if lc.basis == "pv" else "等额年成本"
        text = (
            f"<p>各备选方案提供相同的产出，按{label}比较（{esc(lc.discounting.describe())}），"
            f"最低成本方案为“{esc(lc.cheapest)}”。</p>"
        )
        text += html_table(
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
        )
        for n in lc.notes:
            text += f'<p class="jx-note">提示：{esc(n)}</p>'
        return HTML(text)
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
    text = "<p>各备选方案的效果不同，进行成本效果分析（按费用现值从低到高排列）：</p>"
    text += html_table(
        rows,
        ["方案", f"费用现值（{u}）", "效果", "单位效果成本", "增量成本效果比 ICER", "判定"],
        numeric=(1, 2, 3, 4),
    )
    text += f"<p>{esc(ce.summary())}。</p>"
    return HTML(text)


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


def conclusions_html(result: CostBenefitResult, case=None):
    """结论与建议: the automatic conclusions plus the analyst's own (``conclusions:`` in the case)."""
    HTML, esc, _, _ = _html()
    from methods.report import bullet_list

    text = "<h3>分析结论</h3>" + bullet_list(result.conclusions())
    extra = getattr(case, "conclusions", None)
    if extra is not None:
        for title, items in (
            ("主要优势", extra.achievements),
            ("存在问题", extra.problems),
            ("意见建议", extra.suggestions),
        ):
            if items:
                text += f"<h3>{esc(title)}</h3>" + bullet_list(items)
    return HTML(text)


def key_indicators_html(result: CostBenefitResult):
    """A compact table of the key indicators (for the ex-ante report's 投入经济性)."""
    HTML, _, html_table, _ = _html()
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
    if mc is not None:
        rows.append([f"P({ind} < 0)", f"{_pct(mc.p_negative, 1)}（蒙特卡洛 {mc.n:,} 次）"])
    lc = result.analysis.least_cost
    if lc is not None:
        rows.append(["最低成本方案", lc.cheapest])
    ce = result.analysis.cost_effectiveness
    if ce is not None:
        rows.append(["成本效果有效前沿", " → ".join(ce.frontier)])
    return HTML(html_table(rows, ["项目", "结果"]))
