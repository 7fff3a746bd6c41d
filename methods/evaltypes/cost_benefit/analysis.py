"""The analysis of a case's ``cba:`` block: the model, every analysis, the equivalent annual cost
and the Chinese conclusions.

:func:`analyse` builds the model with :func:`methods.cba.from_spec` and runs
:meth:`~methods.cba.CBAModel.analyse` (indicators with every IRR root, critical variables, one-way
sensitivity, switching values, scenarios, Monte Carlo, least cost / cost-effectiveness), adds the
equivalent annual cost and the automatic conclusions. The ex-ante assessment (投入经济性) uses the
same analysis of its own ``cba:`` block.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from methods import _format as fmt
from methods import cba
from methods._json import jsonable
from methods.errors import CaseError
from methods.evaltypes.cost_benefit.wording import (  # noqa: F401 - CATEGORY_NAMES re-exported
    CATEGORY_NAMES,
    _category,
    _pct,
    discount_text,
)


def _signed_pct(x: float, digits: int = 2) -> str:
    return ("+" if x > 0 else "") + _pct(x, digits)


@dataclass(frozen=True, eq=False)
class CostBenefitResult:
    """A case's cost-benefit analysis: the model, all analyses and the equivalent annual cost.

    Attributes
    ----------
    model : methods.cba.CBAModel
    analysis : methods.cba.CBAAnalysis
    eac : float
        Equivalent annual cost of the project's costs over the appraisal period (same discounting).
    case : Case or None
        The case the ``cba:`` block came from (None for a block analysed on its own).
    """

    model: cba.CBAModel
    analysis: cba.CBAAnalysis
    eac: float
    case: Any = None

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

    @cached_property
    def findings(self):
        """The problems and suggestions of the report
        (:func:`methods.evaltypes.cost_benefit.findings.find`)."""
        from methods.evaltypes.cost_benefit.findings import find

        return find(self)

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
            f"按{discount_text(m.discounting)}，{m.years[0]}–{m.years[-1]} 年计算期内项目 {ind} 为 "
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
        if mc is not None and mc.all_invalid:
            out.append(f"{mc.failure()}。")
        elif mc is not None:
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
            "eac": jsonable(self.eac),
            "verdict": self.verdict(),
            "conclusions": self.conclusions(),
        }


def analyse_spec(
    spec: Any, base_dir: str | Path = ".", *, simulate: bool = True, case: Any = None
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
    return CostBenefitResult(model, analysis, eac, case)


def analyse(case, *, simulate: bool = True) -> CostBenefitResult:
    """The cost-benefit analysis of a case with a ``cba:`` block; ``simulate=False`` (validation)
    leaves the Monte Carlo run out: it checks, running computes."""
    return analyse_spec(case.cba, case.base_dir, simulate=simulate, case=case)


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


def results(result: CostBenefitResult) -> dict[str, Any]:
    """results.json (contracts §4): the common keys (no score, no grade), the ``cba`` block and
    ``findings`` (the report's problems and the suggestion answering each)."""
    from methods.report import case_results

    return case_results(result.case, cba=result.to_dict(), findings=result.findings.to_dict())
