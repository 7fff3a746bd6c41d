"""Findings of a cost-benefit analysis: 存在的问题及原因分析, 有关建议, the 分析结论 paragraph and
其他需要说明的问题, written as a signed report reads (no preset ids, seeds or formula variables).

A problem is what the analysis finds, never an invented judgement:

- ``feasibility``: the (economic) net present value is not above 0;
- ``margin``: the margin of feasibility is thin — the benefit-cost ratio or the robustness
  (P(NPV < 0) from the Monte Carlo run, else the smallest switching value) would be rated 中 or
  差 by the thresholds the ex-ante assessment uses for 投入经济性 (``derivations`` in
  ``methods/_data/ex_ante.yaml``);
- ``late_costs``: the net cash flow turns negative again late in the period (large closure or
  renewal costs; the IRR may then not be unique);
- ``alternatives``: the case's ``proposed_alternative`` is not the least-cost alternative (its gap
  rated 中 or 差 by ``cba_least_cost``) or is dominated in the cost-effectiveness analysis;
- the evaluator's own ``findings:`` (their theme one of the above, or ``other``) and
  ``conclusions.problems``: always problems; a finding of a theme found automatically takes that
  problem over (its title, facts, cause and advice first).

Each problem has a heading sentence, facts with numbers, 原因分析 from stated causes only (else
"…有待进一步核实") and one suggestion naming who does what (``cost_benefit_findings`` in
``methods/_data/ex_ante.yaml``, with its source and status).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from methods import _format as fmt
from methods._resources import load_yaml
from methods.errors import CaseError
from methods.evaltypes.cost_benefit.wording import (
    CATEGORY_NAMES,
    discount_text,
    indicator_name,
    irr_name,
    money,
    pct,
)
from methods.report import findings as fnd
from methods.report.blocks import status_text
from methods.report.findings import Advice, Findings, Problem

if TYPE_CHECKING:
    from methods.evaltypes.cost_benefit.analysis import CostBenefitResult

__all__ = [
    "AppraisalProblem",
    "check_findings",
    "conclusion",
    "discount_text",
    "find",
    "indicator_name",
    "other_matters",
    "pct",
    "rules",
    "switching_phrases",
]


def rules() -> dict[str, Any]:
    """The findings rules of a cost-benefit report (``cost_benefit_findings``)."""
    return load_yaml("ex_ante.yaml")["cost_benefit_findings"]


def _derivations() -> dict[str, Any]:
    return load_yaml("ex_ante.yaml")["derivations"]


@dataclass(frozen=True)
class AppraisalProblem(Problem):
    """A problem of an appraisal report; without a stated cause, ``no_cause`` is its 原因分析."""

    no_cause: str = ""

    @property
    def cause_text(self) -> str:
        if not self.causes and self.no_cause:
            return "原因分析：" + self.no_cause
        return super().cause_text


# ---------------------------------------------------------------------------------------------
# Figures as a report writes them


def _switching_rows(result: CostBenefitResult):
    sv = result.analysis.switching.table
    sv = sv[np.isfinite(sv["switching_value"])]
    return sv.iloc[np.argsort(np.abs(sv["pct_change"].to_numpy()), kind="stable")]


def switching_phrases(result: CostBenefitResult, k: int = 2) -> list[str]:
    """The ``k`` smallest switching values in words (效益下降9.6%), smallest first."""
    return [
        fnd.tidy(result.switching_text(r)) for r in _switching_rows(result).head(k).itertuples()
    ]


def to_zero(result: CostBenefitResult) -> str:
    """即可使净现值降至0 (a feasible project) or 方可使净现值升至0 (an infeasible one)."""
    npv = indicator_name(result)
    return f"即可使{npv}降至0" if result.appraisal.npv > 0 else f"方可使{npv}升至0"


def _mc(result: CostBenefitResult):
    mc = result.analysis.monte_carlo
    return mc if mc is not None and not mc.all_invalid else None


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


_WEAK = ("中", "差")


def _irr_clause(result: CostBenefitResult) -> str:
    a, name = result.appraisal, irr_name(result)
    hurdle = pct(result.hurdle)
    if a.irr.unique:
        word = "高于" if a.irr.value > result.hurdle else "不高于"
        return f"{name}为{pct(a.irr.value)}，{word}{hurdle}的折现率"
    if a.irr.n_roots > 1:
        text = f"现金流为非常规现金流，{name}不唯一"
        if np.isfinite(a.mirr):
            word = "高于" if a.mirr > result.hurdle else "不高于"
            text += f"，修正内部收益率为{pct(a.mirr)}，{word}{hurdle}的折现率"
        return text
    return f"不存在{name}"


# ---------------------------------------------------------------------------------------------
# Problems found by the analysis


def _feasibility(result: CostBenefitResult) -> dict[str, Any] | None:
    a, u, npv = result.appraisal, result.model.unit, indicator_name(result)
    if a.npv > 0:
        return None
    facts = [
        f"按{discount_text(result.model.discounting)}折现，{npv}为{money(a.npv, u)}",
        f"效益现值{money(a.pv_benefits, u)}，费用现值{money(a.pv_costs, u)}"
        + (f"，效益费用比{fmt.num(a.bcr, 3)}" if np.isfinite(a.bcr) else ""),
        _irr_clause(result),
    ]
    phrases = switching_phrases(result)
    if phrases:
        facts.append(f"其他因素不变时，{'或'.join(phrases)}{to_zero(result)}")
    return {
        "highlight": f"{npv}为{money(a.npv, u)}",
        "short": "项目经济上不可行",
        "facts": facts,
    }


def _margin(result: CostBenefitResult) -> dict[str, Any] | None:
    a, u, npv = result.appraisal, result.model.unit, indicator_name(result)
    if a.npv <= 0:
        return None
    spec = _derivations()
    weak = []
    if np.isfinite(a.bcr) and _by_min(a.bcr, spec["cba_bcr"]["bands"]) in _WEAK:
        weak.append("bcr")
    mc = _mc(result)
    rows = _switching_rows(result)
    smallest = float(abs(rows["pct_change"].iloc[0])) if len(rows) else np.inf
    if mc is not None and np.isfinite(mc.p_negative):
        if _by_max(mc.p_negative, spec["cba_robustness"]["p_negative"]) in _WEAK:
            weak.append("risk")
    elif _by_min(smallest, spec["cba_robustness"]["switching"]) in _WEAK:
        weak.append("switching")
    if not weak:
        return None
    facts = []
    if np.isfinite(a.bcr):
        facts.append(
            f"效益现值{money(a.pv_benefits, u)}，费用现值{money(a.pv_costs, u)}，效益费用比"
            f"{fmt.num(a.bcr, 3)}，效益现值比费用现值高{fmt.fixed((a.bcr - 1) * 100)}%"
        )
    phrases = switching_phrases(result)
    if phrases:
        facts.append(f"其他因素不变时，{'或'.join(phrases)}{to_zero(result)}")
    if mc is not None:
        p = mc.percentiles
        facts.append(
            f"按概率分布模拟{mc.n:,}次，{npv}小于0的概率为{pct(mc.p_negative, 1)}，90%的模拟结果在"
            f"{money(p.loc[5], u)}至{money(p.loc[95], u)}之间"
        )
    crit = list(result.analysis.critical.critical)
    if crit:
        facts.append(f"{'、'.join(crit)}变动1%，{npv}的变动均超过1%")
    rate = {v.name for v in result.model.variables if v.discount_rate}
    crit = [c for c in crit if c not in rate][:4]  # the department checks flows, not the rate
    if "risk" in weak:
        highlight = f"{npv}小于0的概率为{pct(mc.p_negative, 1)}"
    elif phrases:
        highlight = f"{phrases[0]}即可使{npv}降至0"
    else:
        highlight = f"效益费用比仅为{fmt.num(a.bcr, 3)}"
    movable = rows[~rows["variable"].isin(rate)]
    top = str(movable["variable"].iloc[0]) if len(movable) else (crit[0] if crit else "关键变量")
    return {
        "highlight": highlight,
        "short": "经济可行性安全边际较小",
        "facts": facts,
        "slots": {"critical": "、".join(crit) if crit else top, "top": top},
    }


def _year_span(years: Sequence[int]) -> str:
    """2044, 2045, 2046, 2048 → 2044—2046年、2048年."""
    out, run = [], [years[0]]
    for y in years[1:]:
        if y == run[-1] + 1:
            run.append(y)
        else:
            out.append(run)
            run = [y]
    out.append(run)
    return "、".join(f"{r[0]}—{r[-1]}年" if len(r) > 1 else f"{r[0]}年" for r in out)


def _late_costs(result: CostBenefitResult) -> dict[str, Any] | None:
    t = result.appraisal.table
    net = t["net"].to_numpy(dtype=float)
    positive = np.flatnonzero(net > 0)
    if not len(positive):
        return None
    late = [i for i in range(positive[0] + 1, len(net)) if net[i] < 0]
    if not late:
        return None
    m, u = result.model, result.model.unit
    total_costs = float(t["costs"].sum())
    if -float(net[late].sum()) < float(rules()["late_costs_min_share"]) * total_costs:
        return None
    years = [int(t["year"].iloc[i]) for i in late]
    lines = m.lines.to_numpy(dtype=float)
    costs = []
    for k, name in enumerate(m.lines.index):
        if m.kinds[name] == "benefit":
            continue
        amount = float(lines[k, late].sum())
        if amount > 0:
            costs.append((amount, str(name), [int(m.years[i]) for i in late if lines[k, i] > 0]))
    costs.sort(key=lambda c: -c[0])
    if not costs:
        return None
    top_amount, top_name, top_years = costs[0]
    facts = [
        f"{_year_span(years)}净现金流为负，合计{money(-float(net[late].sum()), u)}",
        f"其中{top_name}发生在{_year_span(top_years)}，合计{money(top_amount, u)}",
    ]
    a = result.appraisal
    if a.irr.n_roots > 1:
        roots = "、".join(pct(r) for r in a.irr.roots)
        facts.append(
            f"现金流正负变化{a.irr.n_sign_changes}次，使{indicator_name(result)}为0的折现率有"
            f"{a.irr.n_roots}个（{roots}），{irr_name(result)}不唯一"
        )
    shown = [c[1] for c in costs if c[0] >= 0.1 * top_amount][:3]
    return {
        "highlight": f"{top_name}合计{money(top_amount, u)}",
        "short": f"{top_name}等期末支出",
        "facts": facts,
        "slots": {"lines": "、".join(shown)},
    }


def _alternatives(result: CostBenefitResult) -> dict[str, Any] | None:
    proposed = getattr(result.case, "proposed_alternative", None)
    if proposed is None:
        return None
    u = result.model.unit
    lc = result.analysis.least_cost
    spec = _derivations()["cba_least_cost"]
    if lc is not None:
        t = lc.table.set_index("name")
        if proposed == lc.cheapest:
            return None
        gap = float(t.loc[proposed, "difference_pct"])
        if _by_max(gap, spec["difference"]) not in _WEAK:
            return None
        label, col = ("费用现值", "pv_cost") if lc.basis == "pv" else ("等额年成本", "eac")
        per = "" if lc.basis == "pv" else "/年"
        facts = [
            f"{len(t)}个备选方案提供相同的产出，按{label}比较，“{lc.cheapest}”最低，为"
            f"{money(float(t.loc[lc.cheapest, col]), u)}{per}",
            f"申报方案“{proposed}”为{money(float(t.loc[proposed, col]), u)}{per}，高出"
            f"{money(float(t.loc[proposed, 'difference']), u)}{per}（{pct(gap, 1)}）",
        ]
        return {
            "highlight": f"其{label}比“{lc.cheapest}”高{pct(gap, 1)}",
            "short": "未选择成本最低的方案",
            "facts": facts,
            "slots": {"cheapest": lc.cheapest},
        }
    ce = result.analysis.cost_effectiveness
    if ce is None:
        return None
    row = ce.table.set_index("name").loc[proposed]
    if spec["frontier"][str(row["status"])] not in _WEAK:
        return None
    better = row["dominated_by"] or " → ".join(ce.frontier)
    return {
        "highlight": f"在成本效果分析中处于{row['status_zh']}",
        "short": "申报方案处于成本效果劣势",
        "facts": [
            f"申报方案“{proposed}”费用现值{money(float(row['cost']), u)}，效果{fmt.num(row['effect'])}，"
            f"在成本效果分析中为{row['status_zh']}（优于它的方案：{better}）"
        ],
        "slots": {"cheapest": str(row["dominated_by"] or ce.frontier[0])},
    }


_DETECTORS = {
    "feasibility": _feasibility,
    "margin": _margin,
    "late_costs": _late_costs,
    "alternatives": _alternatives,
}


# ---------------------------------------------------------------------------------------------
# The evaluator's findings


def check_findings(case) -> None:
    """Refuse a ``findings:`` entry the cost-benefit report cannot place: an unknown theme, or
    indicator codes (a cost-benefit case has no indicators)."""
    ids = [t["id"] for t in rules()["themes"]]
    for i, f in enumerate(getattr(case, "findings", None) or []):
        if f.theme is not None and f.theme not in ids:
            raise CaseError(
                f"未知的问题主题 '{f.theme}'（成本效益分析可用：{'、'.join(ids)}）",
                field=("findings", i, "theme"),
            )
        if f.indicators:
            raise CaseError(
                "成本效益分析没有指标，findings 中不能写 indicators；事实写在 facts 中",
                field=("findings", i, "indicators"),
            )


def _listed(x: str | Sequence[str]) -> list[str]:
    return [x] if isinstance(x, str) else list(x)


def _clean(texts: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fnd._clause(x) for x in texts if str(x).strip()))


def find(result: CostBenefitResult) -> Findings:
    """The problems and suggestions of a cost-benefit report (see the module docstring)."""
    cfg = rules()
    themes = {t["id"]: t for t in cfg["themes"]}
    case = result.case
    found = {tid: det(result) for tid, det in _DETECTORS.items()}
    problems: list[tuple[AppraisalProblem, dict[str, str]]] = []
    for tid, th in themes.items():
        hit = found.get(tid)
        if hit is None:
            continue
        problems.append(
            (
                AppraisalProblem(
                    theme=tid,
                    theme_title=th["title"],
                    heading=th["heading"].format(highlight=hit["highlight"]) + "。",
                    facts=_clean(hit["facts"]),
                    causes=(),
                    kind="analysis",
                    codes=(),
                    lost=0.0,
                    short=hit["short"],
                    no_cause=th["no_cause"].format(short=hit["short"]),
                ),
                hit.get("slots", {}),
            )
        )
    for f in getattr(case, "findings", None) or []:
        tid = f.theme if f.theme in themes else "other"
        th = themes[tid]
        title = fnd._clause(f.title)
        own = next((k for k, (p, _) in enumerate(problems) if p.theme == tid), None)
        causes = (fnd._clause(f.cause),) if f.cause else ()
        if own is not None and tid != "other":  # the evaluator's finding takes the problem over
            p, slots = problems[own]
            problems[own] = (
                replace(
                    p,
                    heading=title + "。",
                    facts=_clean([*_listed(f.facts), *p.facts]),
                    causes=causes,
                    kind=f.kind,
                    short=_short(title),
                    advice=f.advice,
                    responsible=f.responsible,
                    no_cause=th["no_cause"].format(short=_short(title)),
                ),
                slots,
            )
            continue
        problems.append(
            (
                AppraisalProblem(
                    theme=tid,
                    theme_title=th["title"],
                    heading=title + "。",
                    facts=_clean(_listed(f.facts)),
                    causes=causes,
                    kind=f.kind,
                    codes=(),
                    lost=0.0,
                    short=_short(title),
                    advice=f.advice,
                    responsible=f.responsible,
                    no_cause=th["no_cause"].format(short=_short(title)),
                ),
                {},
            )
        )
    extra = getattr(case, "conclusions", None)
    for text in extra.problems if extra is not None else ():
        th = themes["other"]
        short = _short(fnd._clause(text))
        problems.append(
            (
                AppraisalProblem(
                    theme="other",
                    theme_title=th["title"],
                    heading=fnd._sentence(fnd.tidy(text)),
                    facts=(),
                    causes=(),
                    kind="other",
                    codes=(),
                    lost=0.0,
                    short=short,
                    no_cause=th["no_cause"].format(short=short),
                ),
                {},
            )
        )
    order = list(themes)
    problems.sort(
        key=lambda ps: (
            ps[0].kind not in ("compliance", "safety", "audit"),
            order.index(ps[0].theme),
        )
    )
    problems = problems[: int(cfg["max_problems"])]
    advice = tuple(_advice(p, slots, i, case) for i, (p, slots) in enumerate(problems, 1))
    return Findings(tuple(p for p, _ in problems), advice)


def _short(title: str) -> str:
    return title.split("，")[0].split("。")[0]


def responsible(case) -> tuple[str, str]:
    """(the department that carries a suggestion, the body that reviews the budget)."""
    general = fnd.rules()
    dept = getattr(case, "department_short", None) or case.department
    finance = general["government"] if "财政" in case.department else general["finance_bureau"]
    return dept, finance


def _advice_title(text: str, dept: str) -> str:
    """The title of a suggestion the evaluator wrote: its first clause without 建议{单位}."""
    body = re.sub(r"\s+", "", text)
    for prefix in (f"建议{dept}", "建议"):
        if body.startswith(prefix):
            body = body[len(prefix) :]
            break
    if body.startswith("在预算安排前"):
        body = body[len("在预算安排前") :]
    return re.split(r"[，；。,;]", body, maxsplit=1)[0]


def _advice(p: AppraisalProblem, slots: Mapping[str, str], number: int, case) -> Advice:
    th = next(t for t in rules()["themes"] if t["id"] == p.theme)
    dept, finance = responsible(case)
    values = {
        "dept": p.responsible or dept,
        "finance": finance,
        "short": p.short,
        "critical": "关键变量",
        "top": "关键变量",
        "lines": "期末支出",
        "cheapest": "最低成本方案",
        **slots,
    }
    title = th["advice"]["title"].format(**values)
    if p.advice:
        text = fnd._sentence(fnd.tidy(p.advice))
        return Advice(number, _advice_title(text, values["dept"]) or title, text)
    text = re.sub(r"\s+", "", th["advice"]["text"].format(**values))
    return Advice(number, title, fnd._sentence(text))


# ---------------------------------------------------------------------------------------------
# 分析结论 and 其他需要说明的问题


def conclusion(result: CostBenefitResult, fd: Findings | None = None) -> str:
    """The 分析结论 paragraph in official prose: the indicators against their criteria, the
    robustness, the alternatives and the problems found."""
    fd = fd if fd is not None else find(result)
    a, m, u = result.appraisal, result.model, result.model.unit
    npv = indicator_name(result)
    case = result.case
    title = case.title if case is not None else (m.title or "项目")
    text = (
        f"经分析，{title}在{m.years[0]}—{m.years[-1]}年计算期内，按{discount_text(m.discounting)}"
        f"折现，{npv}为{money(a.npv, u)}"
    )
    if np.isfinite(a.bcr):
        text += f"，效益费用比为{fmt.num(a.bcr, 3)}"
    text += f"，{_irr_clause(result)}，项目{result.verdict()}。"
    mc = _mc(result)
    phrases = switching_phrases(result, 1)
    risk = []
    if phrases:
        risk.append(f"其他因素不变时，{phrases[0]}{to_zero(result)}")
    if mc is not None:
        risk.append(f"按概率分布模拟，{npv}小于0的概率为{pct(mc.p_negative, 1)}")
    if risk:
        text += "；".join(risk) + "。"
    lc = result.analysis.least_cost
    proposed = getattr(case, "proposed_alternative", None)
    if lc is not None and len(lc.table) > 1:
        label = "费用现值" if lc.basis == "pv" else "等额年成本"
        text += f"在提供相同产出的{len(lc.table)}个备选方案中，“{lc.cheapest}”的{label}最低"
        if proposed and proposed != lc.cheapest:
            gap = float(lc.table.set_index("name").loc[proposed, "difference_pct"])
            text += f"，申报方案“{proposed}”高出{pct(gap, 1)}"
        elif proposed:
            text += "，即申报方案"
        text += "。"
    if fd.problems:
        themes = list(dict.fromkeys(p.theme_title for p in fd.problems if p.theme != "other"))
        if themes:
            shown = "、".join(themes[:-1]) + "和" + themes[-1] if len(themes) > 1 else themes[0]
            text += f"分析发现，项目在{shown}等方面存在需要关注的问题。"
    return text


def _economic_note(result: CostBenefitResult) -> str | None:
    spec = (getattr(result.case, "cba", None) or {}).get("economic")
    if result.model.analysis != "economic" or not isinstance(spec, Mapping):
        return None
    parts = []
    scf = spec.get("standard_conversion_factor")
    if scf is not None:
        parts.append(f"标准转换系数{fmt.num(float(scf), 3)}")
    for k, v in (spec.get("conversion_factors") or {}).items():
        parts.append(f"{CATEGORY_NAMES.get(str(k), str(k))}{fmt.num(float(v), 3)}")
    return "经济分析口径。按转换系数将市场价格换算为经济价值" + (
        "（" + "，".join(parts) + "）" if parts else ""
    )


def other_matters(result: CostBenefitResult) -> list[str]:
    """其他需要说明的问题: the IRR when it is not unique, the alternatives' basis, the economic
    conversion, invalid draws, the case's limitations and the data sources."""
    out: list[str] = []
    a, d = result.appraisal, result.model.discounting
    npv = indicator_name(result)
    if a.irr.n_roots > 1:
        roots = "、".join(pct(r) for r in a.irr.roots)
        mirr = f"和修正内部收益率（{pct(a.mirr)}）" if np.isfinite(a.mirr) else ""
        out.append(
            f"内部收益率口径。现金流正负变化{a.irr.n_sign_changes}次，使{npv}为0的折现率有"
            f"{a.irr.n_roots}个（{roots}），单一的内部收益率不能作为判断依据，本报告以{npv}{mirr}判断。"
        )
    elif a.irr.n_roots == 0:
        out.append(f"内部收益率口径。不存在使{npv}为0的折现率，本报告以{npv}判断。")
    if d.source:
        out.append(
            f"折现率依据。{discount_text(d)}，依据{fnd._clause(d.source)}（{status_text(d.status)}）。"
        )
    lc = result.analysis.least_cost
    if lc is not None and lc.basis == "eac":
        out.append("方案比选口径。各备选方案的寿命期不同，按等额年成本比较。")
    econ = _economic_note(result)
    if econ:
        out.append(econ + "。")
    mc = result.analysis.monte_carlo
    if mc is not None and mc.all_invalid:
        out.append(
            f"概率分析。{mc.n:,}次模拟均未得出有效结果，未给出{npv}的概率分布，风险以敏感性分析和临界值反映。"
        )
    elif mc is not None and mc.n_invalid:
        out.append(f"概率分析。{mc.n:,}次模拟中有{mc.n_invalid:,}次未得出有效结果，已剔除。")
    case = result.case
    work = getattr(case, "work", None)
    if work is not None and work.limitations:
        out += [fnd._sentence(fnd.tidy(x)) for x in work.limitations]
    data = "分析所用现金流量和参数来源于申报单位提供的资料"
    if case is not None and case.data_files():
        data += "，其中部分现金流量由测算表读入（文件及其哈希值见技术附件）"
    out.append(f"数据来源。{data}。")
    if work is None or not work.limitations:
        out.append("分析的局限。（未提供）")
    return out
