"""Suggested ratings from evidence: sub-items with a ``derive`` rule get a rating from the case's
own ``cba:`` block (投入经济性: B/C, IRR or MIRR against the discount rate, P(NPV < 0) or switching
values, the least-cost comparison) or from the risk register (执行风险). The evaluator may rate
differently, and must then say why (``basis``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from methods import _format as fmt
from methods.evaltypes.ex_ante.risks import RiskRegister
from methods.evaltypes.ex_ante.rulebook import _pct, rules


@dataclass(frozen=True)
class Suggestion:
    """A rating suggested by a rule (``rating`` None when the evidence is missing)."""

    rating: str | None
    evidence: str
    rule: str


def _by_min(value: float, bands: Sequence[Mapping[str, Any]]) -> str:
    for b in bands:
        if value >= float(b["min"]) - 1e-12:
            return b["rating"]
    return "差"


def _by_max(value: float, bands: Sequence[Mapping[str, Any]]) -> str:
    for b in bands:
        if value <= float(b["max"]) + 1e-12:
            return b["rating"]
    return "差"


def _bands_text(bands: Sequence[Mapping[str, Any]], key: str, pct: bool = True) -> str:
    op = "≥" if key == "min" else "≤"
    show = (lambda v: _pct(v, 0)) if pct else (lambda v: fmt.num(v, 2))
    return "，".join(f"{b['rating']} {op} {show(float(b[key]))}" for b in bands) + "，否则差"


def suggest_bcr(cba_result) -> Suggestion:
    """效益费用比 B/C → rating (优 ≥ 1.5, 良 ≥ 1.2, 中 ≥ 1.0, else 差; ``ex_ante.yaml``)."""
    spec = rules()["derivations"]["cba_bcr"]
    rule = f"B/C：{_bands_text(spec['bands'], 'min', pct=False)}"
    if cba_result is None:
        return Suggestion(None, "未提供 cba 块", rule)
    a = cba_result.appraisal
    if not np.isfinite(a.bcr):
        return Suggestion(None, "费用现值为 0，效益费用比无定义", rule)
    ind = cba_result.indicator
    evidence = (
        f"B/C = {fmt.num(a.bcr, 3)}（{ind} {fmt.num(a.npv)}{cba_result.model.unit}，"
        f"{cba_result.model.discounting.name}）"
    )
    return Suggestion(_by_min(a.bcr, spec["bands"]), evidence, rule)


def suggest_irr(cba_result) -> Suggestion:
    """IRR (or MIRR when the IRR is not unique) minus the discount rate → rating."""
    spec = rules()["derivations"]["cba_irr"]
    rule = (
        "IRR（不唯一或不存在时用 MIRR）高出折现率："
        + "，".join(f"{b['rating']} ≥ {fmt.num(b['min'] * 100)} 个百分点" for b in spec["bands"])
        + "，否则差"
    )
    if cba_result is None:
        return Suggestion(None, "未提供 cba 块", rule)
    a, hurdle = cba_result.appraisal, cba_result.hurdle
    if a.irr.unique:
        value = float(a.irr.value)
        evidence = f"IRR = {_pct(value, 2)}，折现率 {_pct(hurdle, 2)}"
    elif np.isfinite(a.mirr):
        value = float(a.mirr)
        why = (
            f"IRR 不唯一（{'、'.join(_pct(r, 2) for r in a.irr.roots)}）"
            if a.irr.n_roots > 1
            else "IRR 不存在"
        )
        evidence = f"{why}，按 MIRR = {_pct(value, 2)}，折现率 {_pct(hurdle, 2)}"
    else:
        rating = "中" if a.npv > 0 else "差"
        return Suggestion(
            rating,
            f"IRR 不唯一且无法计算 MIRR（递减折现方案），按 NPV {'> 0' if a.npv > 0 else '≤ 0'}",
            rule,
        )
    margin = value - hurdle
    evidence += f"，高出 {fmt.num(margin * 100, 2)} 个百分点" if margin >= 0 else "，低于折现率"
    return Suggestion(_by_min(margin, spec["bands"]), evidence, rule)


def suggest_robustness(cba_result) -> Suggestion:
    """P(NPV < 0) from the Monte Carlo run, else the smallest switching value → rating."""
    spec = rules()["derivations"]["cba_robustness"]
    rule = (
        f"P(NPV<0)：{_bands_text(spec['p_negative'], 'max')}；无蒙特卡洛时按最小临界变动幅度："
        f"{_bands_text(spec['switching'], 'min')}"
    )
    if cba_result is None:
        return Suggestion(None, "未提供 cba 块", rule)
    ind = cba_result.indicator
    mc = cba_result.analysis.monte_carlo
    if mc is not None and np.isfinite(mc.p_negative):
        return Suggestion(
            _by_max(mc.p_negative, spec["p_negative"]),
            f"蒙特卡洛 {mc.n:,} 次，P({ind}<0) = {_pct(mc.p_negative)}",
            rule,
        )
    if cba_result.appraisal.npv <= 0:
        return Suggestion("差", f"基准 {ind} 不大于 0", rule)
    sv = cba_result.analysis.switching.table
    sv = sv[np.isfinite(sv["pct_change"])]
    if sv.empty:
        return Suggestion("优", f"各变量在 ±1000% 内变动 {ind} 都不转负", rule)
    row = sv.loc[sv["pct_change"].abs().idxmin()]
    smallest = abs(float(row["pct_change"]))
    return Suggestion(
        _by_min(smallest, spec["switching"]),
        f"最小临界变动：{row['variable']} {_pct(float(row['pct_change']))}",
        rule,
    )


def suggest_least_cost(cba_result, proposed: str | None) -> Suggestion:
    """The proposed alternative against the least-cost one (or its cost-effectiveness status)."""
    spec = rules()["derivations"]["cba_least_cost"]
    rule = (
        f"与最低成本方案的差距（{_bands_text(spec['difference'], 'max')}）".replace(
            "优 ≤ 0%", "优 为最低成本方案"
        )
        + "；效果不同时："
        + "，".join(
            f"{ {'ND': '有效前沿', 'ED': '扩展劣势', 'D': '绝对劣势'}[k] } {v}"
            for k, v in spec["frontier"].items()
        )
    )
    if cba_result is None:
        return Suggestion(None, "未提供 cba 块", rule)
    lc = cba_result.analysis.least_cost
    ce = cba_result.analysis.cost_effectiveness
    if lc is None and ce is None:
        return Suggestion(None, "cba 块未设置备选方案（alternatives），无法按最低成本法推导", rule)
    if proposed is None:
        return Suggestion(None, "未指明申报方案（proposed_alternative）", rule)
    if lc is not None:
        row = lc.table.set_index("name").loc[proposed]
        label = "费用现值" if lc.basis == "pv" else "等额年成本"
        if proposed == lc.cheapest:
            evidence = f"申报方案“{proposed}”即最低成本方案（按{label}，共 {len(lc.table)} 个方案）"
        else:
            evidence = (
                f"申报方案“{proposed}”的{label}比最低成本方案“{lc.cheapest}”高 "
                f"{_pct(float(row['difference_pct']))}"
            )
        return Suggestion(_by_max(float(row["difference_pct"]), spec["difference"]), evidence, rule)
    row = ce.table.set_index("name").loc[proposed]
    status = str(row["status"])
    return Suggestion(
        spec["frontier"][status],
        f"申报方案“{proposed}”在成本效果分析中为{row['status_zh']}（有效前沿：{' → '.join(ce.frontier)}）",
        rule,
    )


def suggest_risk_level(register: RiskRegister | None) -> Suggestion:
    """The highest residual risk level → rating (低 优, 中 良, 高 中, 极高 差)."""
    spec = rules()["derivations"]["risk_level"]
    rule = "最高剩余风险等级：" + "，".join(f"{k} → {v}" for k, v in spec["map"].items())
    if register is None or register.empty:
        return Suggestion(None, "没有风险登记表（risks）", rule)
    top = register.max_residual_level
    n = int((register.table["residual_level"] == top).sum())
    return Suggestion(spec["map"][top], f"最高剩余风险等级为{top}（{n} 项）", rule)


def suggest_mitigation(register: RiskRegister | None) -> Suggestion:
    """Share of 中风险-or-higher risks that have a mitigation → rating."""
    spec = rules()["derivations"]["risk_mitigation"]
    rule = f"中风险及以上风险有应对措施的比例：{_bands_text(spec['bands'], 'min')}"
    if register is None or register.empty:
        return Suggestion(None, "没有风险登记表（risks）", rule)
    m = register.material()
    if m.empty:
        return Suggestion("优", "没有中风险及以上的风险", rule)
    covered = int((m["mitigation"].str.strip() != "").sum())
    return Suggestion(
        _by_min(register.coverage, spec["bands"]),
        f"中风险及以上 {len(m)} 项，其中 {covered} 项有应对措施",
        rule,
    )


def suggest(
    rule: str, *, cba_result=None, register=None, proposed: str | None = None
) -> Suggestion:
    """The suggested rating of a ``derive`` rule (see the ``suggest_*`` functions)."""
    if rule == "cba_bcr":
        return suggest_bcr(cba_result)
    if rule == "cba_irr":
        return suggest_irr(cba_result)
    if rule == "cba_robustness":
        return suggest_robustness(cba_result)
    if rule == "cba_least_cost":
        return suggest_least_cost(cba_result, proposed)
    if rule == "risk_level":
        return suggest_risk_level(register)
    if rule == "risk_mitigation":
        return suggest_mitigation(register)
    raise ValueError(f"未知的推导规则 '{rule}'")
