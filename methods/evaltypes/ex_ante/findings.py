"""Findings of an ex-ante assessment (事前绩效评估): 主要优势, 存在的问题及原因分析, 有关建议, the
综合评估结论 paragraph and 其他需要说明的问题, written as a signed report reads (no item codes,
preset ids or status codes).

- **Problems.** A sub-item rated 中 or 差 (``findings.problem_ratings`` in
  ``methods/_data/ex_ante.yaml``) is a shortfall; the shortfalls of one dimension make one
  problem (立项必要性论证不够充分, 绩效目标设置不够完善 …), the most serious in its heading. A fired
  veto, the evaluator's own ``findings:`` and ``conclusions.problems`` are always problems; a
  finding claims the sub-items it names (their facts join it; the dimension's other shortfalls
  stay a problem of their own). A residual risk of 高风险 or above makes the
  risk dimension a problem too. 良 means the sub-item broadly meets the requirement: it is
  described under 评估情况, never listed as a problem.
- **Facts** are the evaluator's basis for the rating, or, for a rating derived from evidence, the
  evidence in words (the benefit-cost ratio, the probability of a negative NPV, the least-cost
  comparison, the residual risks). **原因分析** quotes a stated cause (a finding's ``cause``),
  else says the cause is to be verified; it is never inferred.
- **Advice.** One suggestion per problem, naming the applicant department (``department_short``)
  and the 区财政局, timed by the conclusion (在预算批复前 / 在重新报送前 / 如确需实施，在重新论证
  申报时), so it never contradicts the conclusion; a finding's own ``advice`` replaces it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from methods import _format as fmt
from methods.errors import CaseError
from methods.evaltypes.cost_benefit.findings import (
    AppraisalProblem,
    responsible,
    switching_phrases,
    to_zero,
)
from methods.evaltypes.cost_benefit.wording import (
    discount_text,
    indicator_name,
    irr_name,
    money,
    pct,
)
from methods.evaltypes.ex_ante.risks import _level_rank
from methods.evaltypes.ex_ante.rulebook import rules as all_rules
from methods.report import findings as fnd
from methods.report.findings import Advice, Findings

if TYPE_CHECKING:
    from methods.evaltypes.ex_ante.analysis import ExAnteResult

__all__ = [
    "achievements",
    "check_findings",
    "conclusion",
    "derived_fact",
    "find",
    "item_fact",
    "other_matters",
    "rules",
]

_RANK = {"优": 0, "良": 1, "中": 2, "差": 3}
# a clause that states a shortfall (for the heading's 最突出表现)
_SHORTFALL = (
    "未",
    "不够",
    "不足",
    "不充分",
    "不明确",
    "不合理",
    "不一致",
    "缺少",
    "缺乏",
    "尚未",
    "尚待",
    "没有",
    "无法",
    "低于",
    "较低",
    "偏高",
    "偏低",
    "较笼统",
    "重复",
    "交叉",
)


def rules() -> dict[str, Any]:
    """The findings rules of the ex-ante report (``findings`` in ``ex_ante.yaml``)."""
    return all_rules()["findings"]


# ---------------------------------------------------------------------------------------------
# What a sub-item's rating rests on, in words


def derived_fact(result: ExAnteResult, derive: str | None) -> str:
    """The evidence behind a rating derived from the case's cost-benefit analysis or risk
    register, as a report sentence (empty when there is no such evidence)."""
    if not derive:
        return ""
    c, reg = result.cba, result.register
    if derive.startswith("cba_") and c is None:
        return ""
    if derive == "cba_bcr":
        a, u = c.appraisal, c.model.unit
        if not np.isfinite(a.bcr):
            return "费用现值为0，效益费用比无定义"
        return (
            f"按{discount_text(c.model.discounting)}测算，{indicator_name(c)}{money(a.npv, u)}，"
            f"效益费用比{fmt.num(a.bcr, 3)}"
        )
    if derive == "cba_irr":
        a, name = c.appraisal, irr_name(c)
        hurdle = c.hurdle
        if a.irr.unique:
            value, what = float(a.irr.value), f"{name}{pct(a.irr.value)}"
        elif np.isfinite(a.mirr):
            value, what = float(a.mirr), f"{name}不唯一，修正内部收益率{pct(a.mirr)}"
        else:
            return f"{name}不唯一且无法计算修正内部收益率"
        gap = (value - hurdle) * 100
        if gap >= 0:
            return f"{what}，高出{pct(hurdle)}的折现率{fmt.fixed(gap)}个百分点"
        return f"{what}，低于{pct(hurdle)}的折现率"
    if derive == "cba_robustness":
        npv = indicator_name(c)
        mc = c.analysis.monte_carlo
        phrases = switching_phrases(c, 1)
        parts = []
        if mc is not None and not mc.all_invalid and np.isfinite(mc.p_negative):
            parts.append(f"按概率分布模拟{mc.n:,}次，{npv}小于0的概率为{pct(mc.p_negative, 1)}")
        elif c.appraisal.npv <= 0:
            parts.append(f"基准{npv}不大于0")
        if phrases:
            parts.append(f"其他因素不变时，{phrases[0]}{to_zero(c)}")
        return "；".join(parts)
    if derive == "cba_least_cost":
        proposed = result.proposed
        lc, ce = c.analysis.least_cost, c.analysis.cost_effectiveness
        if proposed is None or (lc is None and ce is None):
            return ""
        if lc is not None:
            label = "费用现值" if lc.basis == "pv" else "等额年成本"
            if proposed == lc.cheapest:
                return f"申报方案“{proposed}”即{label}最低的方案（共{len(lc.table)}个方案）"
            gap = float(lc.table.set_index("name").loc[proposed, "difference_pct"])
            return f"申报方案“{proposed}”的{label}比最低成本方案“{lc.cheapest}”高{pct(gap, 1)}"
        row = ce.table.set_index("name").loc[proposed]
        return f"申报方案“{proposed}”在成本效果分析中为{row['status_zh']}"
    if derive == "risk_level":
        if reg is None or reg.empty:
            return ""
        top = reg.max_residual_level
        n = int((reg.table["residual_level"] == top).sum())
        return f"采取应对措施后，最高风险等级为{top}（{n}项）"
    if derive == "risk_mitigation":
        if reg is None or reg.empty:
            return ""
        m = reg.material()
        if m.empty:
            return "没有中风险及以上的风险"
        bare = m[m["mitigation"].str.strip() == ""]
        text = f"中风险及以上风险{len(m)}项，其中{len(m) - len(bare)}项有应对措施"
        if len(bare):
            text += f"，“{'”“'.join(bare['name'])}”未提出应对措施"
        return text
    return ""


def item_fact(result: ExAnteResult, row: Mapping[str, Any]) -> str:
    """What a sub-item's rating rests on: the evaluator's basis and, for a derived rating, the
    evidence in words (both when the evaluator changed the suggested rating)."""
    basis = fnd.tidy(str(row.get("basis") or "").strip().rstrip("。"))
    derived = derived_fact(result, row.get("derive"))
    if basis and derived and row.get("source") == "评估人调整":
        return f"{derived}；{basis}"
    return basis or derived


def derived_highlight(result: ExAnteResult, derive: str | None) -> str:
    """The shortfall a derived rating points to, in a few words (for a problem's heading)."""
    c, reg = result.cba, result.register
    if not derive or (derive.startswith("cba_") and c is None):
        return ""
    if derive == "cba_bcr":
        return f"效益费用比仅为{fmt.num(c.appraisal.bcr, 3)}"
    if derive == "cba_irr":
        return f"{irr_name(c)}{derived_fact(result, derive).split('，')[-1]}"
    if derive == "cba_robustness":
        npv = indicator_name(c)
        mc = c.analysis.monte_carlo
        if mc is not None and not mc.all_invalid and np.isfinite(mc.p_negative):
            return f"{npv}小于0的概率为{pct(mc.p_negative, 1)}"
        phrases = switching_phrases(c, 1)
        if c.appraisal.npv <= 0:
            return f"{npv}不大于0"
        return f"{phrases[0]}{to_zero(c)}" if phrases else f"{npv}对关键变量较为敏感"
    if derive == "cba_least_cost":
        return "申报方案不是成本最低的方案"
    if derive == "risk_level" and reg is not None and not reg.empty:
        return f"采取应对措施后仍有{reg.max_residual_level}"
    if derive == "risk_mitigation" and reg is not None and not reg.empty:
        m = reg.material()
        bare = m[m["mitigation"].str.strip() == ""]
        if len(bare):
            return f"“{'”“'.join(bare['name'])}”未提出应对措施"
    return ""


def _shortfall(result: ExAnteResult, row: Mapping[str, Any]) -> str:
    """The clause of a sub-item's basis that states the shortfall (else its first clause), or
    what its derived rating points to."""
    basis = fnd.tidy(str(row.get("basis") or ""))
    clauses = [c.strip() for c in re.split(r"[，；,;。]", basis) if c.strip()]
    for c in clauses:
        if any(m in c for m in _SHORTFALL):
            return c
    return derived_highlight(result, row.get("derive")) or (clauses[0] if clauses else "")


def _strength(result: ExAnteResult, row: Mapping[str, Any]) -> str:
    """What a sub-item rated 优 rests on, short (its basis when short, else the first clause)."""
    text = item_fact(result, row)
    if len(text) <= 30:
        return text
    return re.split(r"[，；,;]", text, maxsplit=1)[0]


# ---------------------------------------------------------------------------------------------
# Problems


def check_findings(case, fw) -> list[list[str]]:
    """The sub-item codes each ``findings:`` entry names (names or codes accepted); refuses an
    unknown sub-item or theme, naming the field."""
    out = []
    dims = [d.name for d in fw.dimensions]
    for i, f in enumerate(getattr(case, "findings", None) or []):
        codes = []
        for j, key in enumerate(f.indicators):
            item = fw.item(key)
            if item is None:
                raise CaseError(
                    f"未知的评估要点 '{key}'",
                    field=("findings", i, "indicators", j),
                    hint=f"{fw.name}的要点：{fw.listing()}",
                )
            codes.append(item.code)
        if f.theme is not None and f.theme not in dims:
            raise CaseError(
                f"未知的问题主题 '{f.theme}'（事前评估的主题为评估维度：{'、'.join(dims)}）",
                field=("findings", i, "theme"),
            )
        out.append(codes)
    return out


def _dimension_of(result: ExAnteResult, code: str) -> str:
    item = result.framework.item(code)
    return item.dimension if item is not None else "other"


def _risk_dimension(result: ExAnteResult) -> str | None:
    return next(
        (i.dimension for i in result.framework.items if (i.derive or "").startswith("risk_")), None
    )


def _risk_facts(result: ExAnteResult) -> tuple[list[str], bool]:
    """Facts of the risk register for the risk dimension's problem, and whether a residual risk
    of 高风险 or above makes it a problem by itself."""
    t = result.register.table
    if t.empty:
        return [], False
    facts = []
    high = t[t["residual_level"].map(_level_rank) >= 2]
    for r in high.itertuples():
        facts.append(
            f"“{r.name}”采取应对措施后仍为{r.residual_level}（可能性{r.residual_likelihood}级、"
            f"影响程度{r.residual_impact}级）"
        )
    return facts, not high.empty


def _problem(**kw) -> AppraisalProblem:
    cfg = rules()
    short = kw["short"]
    return AppraisalProblem(
        theme_title=kw.pop("theme_title", kw["theme"]),
        causes=kw.pop("causes", ()),
        codes=kw.pop("codes", ()),
        lost=kw.pop("lost", 0.0),
        no_cause=cfg["no_cause"].format(short=short),
        **kw,
    )


def _clean(texts: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fnd._clause(x) for x in texts if str(x).strip()))


def find(result: ExAnteResult) -> Findings:
    """The problems and suggestions of the ex-ante report (see the module docstring)."""
    cfg = rules()
    case = result.case
    fw = result.framework
    weak = set(cfg["problem_ratings"])
    rows = {r["code"]: r for r in result.items.to_dict("records")}
    dims = [d.name for d in fw.dimensions]
    obj = fw.object_name
    problems: list[tuple[AppraisalProblem, list[str]]] = []  # (problem, item names)

    def fact(code: str) -> str:
        r = rows[code]
        text = item_fact(result, r)
        return f"{r['name']}方面，{text}" if text else f"{r['name']}评为“{r['rating']}”"

    claimed: set[str] = set()
    m = result.maturity
    if m is not None and m.fired:
        spec = all_rules()["maturity"]
        codes = [c for c in spec.get("items", []) if c in rows and c not in claimed]
        claimed.update(codes)
        by_status: dict[str, list[str]] = {}
        for doc, status in m.statuses.items():
            by_status.setdefault(status, []).append(doc)
        state = "，".join(f"{'、'.join(docs)}{status}" for status, docs in by_status.items())
        facts = [f"前期工作方面，{state}", *([m.note] if m.note else []), *(fact(c) for c in codes)]
        problems.append(
            (
                _problem(
                    theme=rows[codes[0]]["dimension"] if codes else "other",
                    heading=spec["finding"]["heading"].format(pending=m.pending_text()) + "。",
                    facts=_clean(facts),
                    kind="maturity",
                    codes=tuple(codes),
                    lost=float(sum(rows[c]["points"] - rows[c]["score"] for c in codes)),
                    short=spec["finding"]["short"],
                    advice=None,
                ),
                [rows[c]["name"] for c in codes] or ["前期工作"],
            )
        )
    for v in result.vetoes:
        claimed.add(v.code)
        r = rows[v.code]
        problems.append(
            (
                _problem(
                    theme=r["dimension"],
                    heading=cfg["veto"]["heading"].format(text=v.rule.text) + "。",
                    facts=_clean([fact(v.code)]),
                    kind="veto",
                    codes=(v.code,),
                    lost=float(r["points"] - r["score"]),
                    short=v.rule.text.split("（")[0],
                    advice=None,
                ),
                [r["name"]],
            )
        )
    explicit = getattr(case, "findings", None) or []
    for f, codes in zip(explicit, check_findings(case, fw), strict=True):
        codes = [c for c in codes if c not in claimed]
        claimed.update(codes)
        theme = f.theme or (_dimension_of(result, codes[0]) if codes else "other")
        facts = [f.facts] if isinstance(f.facts, str) else list(f.facts)
        title = fnd._clause(f.title)
        short = title.split("，")[0]
        problems.append(
            (
                _problem(
                    theme=theme,
                    heading=title + "。",
                    facts=_clean([*facts, *(fact(c) for c in codes)]),
                    causes=(fnd._clause(f.cause),) if f.cause else (),
                    kind=f.kind,
                    codes=tuple(codes),
                    lost=float(sum(rows[c]["points"] - rows[c]["score"] for c in codes)),
                    short=short,
                    advice=f.advice,
                    responsible=f.responsible,
                ),
                [rows[c]["name"] for c in codes] or [short],
            )
        )
    risk_dim = _risk_dimension(result)
    for dim in fw.dimensions:
        spec = cfg["dimensions"].get(dim.name) or {  # a dimension the catalogue does not name
            "heading": f"{dim.name}方面存在不足",
            "short": f"{dim.name}方面的不足",
        }
        mine = [
            r
            for r in rows.values()
            if r["dimension"] == dim.name and r["code"] not in claimed and r["rating"] in weak
        ]
        extra, forced = _risk_facts(result) if dim.name == risk_dim else ([], False)
        if not mine and not forced:
            continue
        mine.sort(key=lambda r: (-_RANK[r["rating"]], -(r["points"] - r["score"])))
        highlight = (_shortfall(result, mine[0]) if mine else "") or (
            extra[0].split("（")[0] if extra else f"{mine[0]['name']}评为“{mine[0]['rating']}”"
        )
        problems.append(
            (
                _problem(
                    theme=dim.name,
                    heading=f"{spec['heading']}，{highlight}。",
                    facts=_clean([*(fact(r["code"]) for r in mine), *extra]),
                    kind="rating",
                    codes=tuple(r["code"] for r in mine),
                    lost=float(sum(r["points"] - r["score"] for r in mine)),
                    short=spec["short"],
                ),
                [r["name"] for r in mine] or ["风险防控"],
            )
        )
    extra_c = getattr(case, "conclusions", None)
    for text in extra_c.problems if extra_c is not None else ():
        short = fnd._clause(text).split("，")[0]
        problems.append(
            (
                _problem(
                    theme="other",
                    heading=fnd._sentence(fnd.tidy(text)),
                    facts=(),
                    kind="other",
                    short=short,
                ),
                [short],
            )
        )
    order = {name: i for i, name in enumerate(dims)}
    cap = int(cfg["max_problems"])
    if len(problems) > cap:  # keep the vetoes, the evaluator's findings, then the largest losses
        keep = sorted(
            range(len(problems)),
            key=lambda i: (problems[i][0].kind == "rating", -problems[i][0].lost),
        )[:cap]
        problems = [p for i, p in enumerate(problems) if i in keep]
    first = {"veto": 0, "maturity": 1}
    problems.sort(key=lambda pn: (first.get(pn[0].kind, 2), order.get(pn[0].theme, len(order))))
    advice = tuple(_advice(result, p, names, i, obj) for i, (p, names) in enumerate(problems, 1))
    return Findings(tuple(p for p, _ in problems), advice)


def _advice_title(text: str, dept: str) -> str:
    """The title of a suggestion the evaluator wrote: its first clause, without 建议{单位} and
    without the timing (在预算批复前 …)."""
    body = re.sub(r"\s+", "", text)
    for prefix in (f"建议{dept}", "建议"):
        if body.startswith(prefix):
            body = body[len(prefix) :]
            break
    for timing in rules()["timing"].values():
        if body.startswith(timing):
            body = body[len(timing) :]
            break
    return re.split(r"[，；。,;]", body, maxsplit=1)[0]


def _advice(
    result: ExAnteResult, p: AppraisalProblem, names: list[str], number: int, obj: str
) -> Advice:
    cfg = rules()
    dept, finance = responsible(result.case)
    dept = p.responsible or dept
    timing = cfg["timing"][result.conclusion.id]
    if p.kind == "maturity":
        m = result.maturity
        entry = all_rules()["maturity"]["finding"]["advice"]
        slots = {
            "dept": dept,
            "finance": finance,
            "pending": m.pending_text(),
            "scope": f"{m.scope}等" if m.scope else "",
            "amount": m.amount_text(),
        }
        body = re.sub(r"\s+", "", entry["text"].format(**slots))
        return Advice(number, entry["title"], fnd._sentence(body))
    if p.kind == "veto":
        entry = cfg["veto"]["advice"]
    elif p.theme in cfg["dimensions"]:
        entry = cfg["dimensions"][p.theme]["advice"]
    else:
        entry = cfg["other"]["advice"]
    text_slot = p.heading.split("，", 1)[-1].rstrip("。") if p.kind == "veto" else p.short
    slots = {
        "dept": dept,
        "finance": finance,
        "timing": timing,
        "names": "、".join(dict.fromkeys(names)),
        "short": p.short,
        "object": obj,
        "text": text_slot,
    }
    title = entry["title"].format(**slots)
    if p.advice:
        text = fnd._sentence(fnd.tidy(p.advice))
        return Advice(number, _advice_title(text, dept) or title, text)
    body = re.sub(r"\s+", "", entry["text"].format(**slots))
    return Advice(number, title, fnd._sentence(body))


# ---------------------------------------------------------------------------------------------
# 主要优势, 综合评估结论, 其他需要说明的问题


def achievements(result: ExAnteResult) -> list[str]:
    """主要优势: the sub-items rated 优 with what the rating rests on, in framework order, then
    the evaluator's own ``conclusions.achievements``."""
    out = []
    for r in result.items.to_dict("records"):
        if r["rating"] != "优":
            continue
        text = item_fact(result, r)
        if text:
            out.append(fnd._sentence(f"{r['name']}方面，{text}"))
    extra = getattr(result.case, "conclusions", None)
    if extra is not None:
        out += [fnd._sentence(fnd.tidy(x)) for x in extra.achievements]
    return out


def _dimensions_sentence(result: ExAnteResult) -> str:
    t = result.dimensions.sort_values("rate", ascending=False, kind="stable")
    if len(t) < 2:
        return ""
    if t["rate"].max() - t["rate"].min() < 5:
        return "从各维度看，各维度得分较为均衡。"
    k = 2 if len(t) >= 4 else 1
    top, low = t.head(k), t.tail(k).iloc[::-1]
    word = "分别为" if k > 1 else "为"

    def rates(df):
        return "、".join(f"{fmt.fixed(r)}%" for r in df["rate"])

    return (
        f"从各维度看，{'、'.join(top['level1'])}得分率较高（{word}{rates(top)}），"
        f"{'、'.join(low['level1'])}相对薄弱（{word}{rates(low)}）。"
    )


def conclusion(result: ExAnteResult, fd: Findings | None = None) -> str:
    """综合评估结论 in official prose: what is well founded (the 优 sub-items, with their basis),
    where it falls short (the leading problems), strongest and weakest dimensions, the total and
    the conclusion (with the veto that capped it), and what the conclusion means for the
    budget."""
    fd = fd if fd is not None else find(result)
    case = result.case
    obj = result.framework.object_name
    text = f"经评估，{case.title}"
    best = [r for r in result.items.to_dict("records") if r["rating"] == "优"]
    good = [(r, _strength(result, r)) for r in best]
    good = [(r, g) for r, g in good if g][:3]
    if good:
        names = "、".join(r["name"] for r, _ in good)
        text += f"在{names}等方面评估情况较好：" + "；".join(g for _, g in good) + "。"
    else:
        text += "。"
    probs = fd.problems[:3]
    if probs:
        themes = list(dict.fromkeys(p.theme if p.theme != "other" else p.short for p in probs))
        shown = "、".join(themes[:-1]) + "和" + themes[-1] if len(themes) > 1 else themes[0]
        facts = "；".join(fnd._clause(p.heading).split("，", 1)[-1] for p in probs)
        text += f"{obj}在{shown}等方面存在不足：{facts}。"
    text += _dimensions_sentence(result)
    text += f"评估总分{fmt.fixed(result.total)}分，"
    c, by = result.conclusion, result.by_score
    if by is not None and by.id != c.id:
        why = "、".join(dict.fromkeys(v.rule.text for v in result.vetoes))
        reasons = [f"存在{why}的否决情形"] if why else []
        if result.maturity_capped:
            reasons.append(f"{result.maturity.pending_text()}尚未批复、前期工作尚不成熟")
        text += f"按总分应为“{by.label}”，因{'，且'.join(reasons)}，评估结论为“{c.label}”。"
    else:
        text += f"评估结论为“{c.label}”。"
    if result.maturity_capped and result.maturity.requested is not None:
        m = result.maturity
        text += f"本年度申请资金{fmt.num(m.requested)}{m.unit}，资金支持限于前期工作经费{m.amount_text()}。"
    return text + result.advice


def _status_phrase(status: str) -> str:
    return {
        "reg": "依据法规确定",
        "local": "依据地方规定确定",
        "practice": "为实务做法",
        "unverified": "为常见做法，相关依据待核实",
        "case": "由本评估设定",
    }.get(str(status), "相关依据待核实")


def other_matters(result: ExAnteResult) -> list[str]:
    """其他需要说明的问题: the standing of the rating scale and cut-offs, ratings the evaluator
    changed from the suggested ones, the key variables of the cost-benefit analysis, the
    case's limitations and the data sources."""
    out = []
    scale, bands = result.scale, result.bands
    shares = "、".join(f"“{k}”{pct(v, 0)}" for k, v in scale.values.items())
    cut = "、".join(f"{fmt.num(b.min)}分" for b in bands.bands if b.min > 0)
    out.append(
        f"评估标准。评估要点按{shares}的比例折算得分，{_status_phrase(scale.status)}；结论分界"
        f"（{cut}）{_status_phrase(bands.status)}。如本地事前绩效评估办法另有规定，应按其规定复核"
        "评估结论。"
    )
    for r in result.items.to_dict("records"):
        if r["source"] != "评估人调整":
            continue
        derived = derived_fact(result, r["derive"])
        why = fnd._clause(r["basis"]) if r["basis"] else "未说明理由"
        out.append(
            f"评级调整。{r['name']}按推导规则建议评为“{r['suggested']}”"
            + (f"（{derived}）" if derived else "")
            + f"，评估人评为“{r['rating']}”，理由是：{why}。"
        )
    c = result.cba
    if c is not None:
        rate = {v.name for v in c.model.variables if v.discount_rate}
        crit = [x for x in c.analysis.critical.critical if x not in rate]
        if crit:
            out.append(
                f"成本效益测算。{'、'.join(crit)}为关键变量（变动1%使{indicator_name(c)}变动超过1%），"
                "其取值依据对投入经济性的评级影响较大，应随申报材料一并核实。"
            )
    else:
        names = "、".join(
            i.name for i in result.framework.items if (i.derive or "").startswith("cba_")
        )
        if names:
            out.append(f"成本效益测算。申报材料未提供成本效益测算，{names}由评估人直接评级。")
    work = getattr(result.case, "work", None)
    if work is not None and work.limitations:
        out += [fnd._sentence(fnd.tidy(x)) for x in work.limitations]
    data = "评估数据来源于申报单位提供的申报材料"
    if result.case.data_files():
        data += "，成本效益测算的部分现金流量由测算表读入（文件及其哈希值见附件2）"
    out.append(f"数据来源。{data}。")
    if work is None or not work.limitations:
        out.append("评估的局限。（未提供）")
    return out
