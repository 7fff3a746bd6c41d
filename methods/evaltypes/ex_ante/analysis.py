"""The assessment of an ex-ante case: suggestions from evidence, ratings, scores per sub-item and
dimension, the total, the conclusion (with vetoes), findings and results.json."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from methods import _format as fmt
from methods.errors import CaseError
from methods.evaltypes import cost_benefit
from methods.evaltypes.ex_ante.findings import check_findings, find
from methods.evaltypes.ex_ante.maturity import Maturity, maturity_advice, maturity_of
from methods.evaltypes.ex_ante.risks import RiskRegister, risk_register
from methods.evaltypes.ex_ante.rulebook import (
    _CAP_ORDER,
    RATINGS,
    Conclusion,
    ConclusionBands,
    ExAnteFramework,
    Scale,
    Veto,
    apply_vetoes,
    conclusion_bands,
    framework_for,
    rating_scale,
    rules,
    veto_rules,
)
from methods.evaltypes.ex_ante.suggestions import suggest


def score_items(
    fw: ExAnteFramework, ratings: Mapping[str, str], scale: Scale | None = None
) -> pd.DataFrame:
    """Score every sub-item from its rating (pure; ``ratings`` keyed by code).

    Returns
    -------
    DataFrame
        ``code``, ``name``, ``dimension``, ``points``, ``rating``, ``share``, ``score`` with
        score = round_half_up(points × share, 2).

    Examples
    --------
    >>> from methods.evaltypes.ex_ante import framework
    >>> fw = framework("ex_ante_project")
    >>> t = score_items(fw, {i.code: "良" for i in fw.items})
    >>> round(float(t["score"].sum()), 2)
    80.0
    """
    scale = scale or rating_scale()
    rows = []
    for it in fw.items:
        r = ratings.get(it.code)
        if r not in RATINGS:
            raise ValueError(f"{it.code} {it.name} 的评级 {r!r} 无效（应为 优、良、中、差）")
        share = scale.values[r]
        rows.append(
            {
                "code": it.code,
                "name": it.name,
                "dimension": it.dimension,
                "points": it.points,
                "rating": r,
                "share": share,
                "score": fmt.round_half_up(it.points * share, 2),
            }
        )
    return pd.DataFrame(rows)


def dimension_table(fw: ExAnteFramework, items: pd.DataFrame) -> pd.DataFrame:
    """Score per dimension: ``level1``, ``weight`` (points), ``score``, ``rate`` (%)."""
    rows = []
    for d in fw.dimensions:
        s = fmt.round_half_up(float(items.loc[items["dimension"] == d.name, "score"].sum()), 2)
        rows.append({"level1": d.name, "weight": d.points, "score": s, "rate": s / d.points * 100})
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False)
class ExAnteResult:
    """The assessment of one case.

    Attributes
    ----------
    items : DataFrame
        One row per sub-item: ``code``, ``name``, ``dimension``, ``points``, ``guide``,
        ``derive``, ``suggested``, ``evidence``, ``rule``, ``rating``, ``basis``, ``source``
        (依据推导 / 评估人确认 / 评估人调整 / 评估人评级), ``share``, ``score``.
    dimensions : DataFrame
        ``level1``, ``weight``, ``score``, ``rate``.
    total : float
        0–100, 2 dp.
    conclusion : Conclusion
    """

    case: Any
    framework: ExAnteFramework
    items: pd.DataFrame
    dimensions: pd.DataFrame
    total: float
    conclusion: Conclusion
    bands: ConclusionBands
    scale: Scale
    register: RiskRegister
    cba: Any = None
    proposed: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    vetoes: tuple[Veto, ...] = ()
    by_score: Conclusion | None = None
    veto_source: str = ""
    maturity: Maturity | None = None

    @property
    def maturity_capped(self) -> bool:
        """Whether the 前期工作 maturity rule limits this conclusion (it fired and the conclusion
        is not 不予支持)."""
        m = self.maturity
        return bool(m is not None and m.fired and self.conclusion.id == m.cap)

    @property
    def supported_funding(self) -> float | None:
        """This year's supported amount when the maturity rule limits it to 前期工作经费."""
        return self.maturity.supported if self.maturity_capped else None

    @property
    def advice(self) -> str:
        """What the conclusion means for the budget (``conclusion_advice``; under the maturity
        rule, the 前期工作经费 only)."""
        if self.maturity_capped:
            return maturity_advice(self.maturity)
        return rules()["conclusion_advice"][self.conclusion.id]

    @cached_property
    def findings(self):
        """The report's problems and the suggestion answering each
        (:func:`methods.evaltypes.ex_ante.findings.find`)."""
        return find(self)

    def problems(self) -> list[str]:
        """The problems of the report, each heading, facts and 原因分析 in one paragraph."""
        return [p.text() for p in self.findings.problems]

    def suggestions(self) -> list[str]:
        """What the conclusion means for the budget, then one suggestion per problem
        (``{title}（针对问题N）：{text}``) and the evaluator's own suggestions."""
        extra = getattr(self.case, "conclusions", None)
        return (
            [self.advice]
            + [f"{a.heading()}：{a.text}" for a in self.findings.advice]
            + list(extra.suggestions if extra else [])
        )

    def results(self) -> dict[str, Any]:
        """The results.json blocks: ``total_score``, ``level1``, ``level1_weights``,
        ``indicators``, ``warnings``, ``ex_ante``, ``findings`` (the report's problems and the
        suggestion answering each) and ``cba`` when the case has one."""
        indicators = [
            {
                "code": r["code"],
                "name": r["name"],
                "level1": r["dimension"],
                "level2": None,
                "weight": r["points"],
                "score": r["score"],
                "rule": "rating",
                "rating": r["rating"],
                "suggested": r["suggested"],
                "source": r["source"],
                "basis": r["basis"] or None,
            }
            for r in self.items.to_dict("records")
        ]
        out: dict[str, Any] = {
            "total_score": self.total,
            "grade": None,
            "level1": {r.level1: r.score for r in self.dimensions.itertuples()},
            "level1_weights": {r.level1: r.weight for r in self.dimensions.itertuples()},
            "indicators": indicators,
            "warnings": list(self.warnings),
            "ex_ante": self.to_dict(),
            "findings": self.findings.to_dict(),
        }
        if self.cba is not None:
            out["cba"] = self.cba.to_dict()
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``ex_ante`` block: framework, scale, cut-offs, conclusion, items, risks."""
        fw = self.framework
        items = self.items.drop(columns=["guide"]).to_dict("records")
        return {
            "framework": {
                "id": fw.id,
                "name": fw.name,
                "variant": fw.variant,
                "source": fw.source,
                "status": fw.status,
                "points_status": fw.points_status,
            },
            "total_score": self.total,
            "conclusion": self.conclusion.label,
            "conclusion_id": self.conclusion.id,
            "conclusion_by_score": (self.by_score or self.conclusion).label,
            "vetoes": [
                {
                    "rule": v.rule.id,
                    "text": v.rule.text,
                    "code": v.code,
                    "rating": v.rating,
                    "cap": v.rule.cap,
                }
                for v in self.vetoes
            ],
            "veto_source": self.veto_source,
            "preparation": None if self.maturity is None else self.maturity.to_dict(),
            "supported_funding": self.supported_funding,
            "conclusion_bands": {
                "bands": {b.label: b.min for b in self.bands.bands},
                "source": self.bands.source,
                "status": self.bands.status,
            },
            "rating_scale": {
                "values": dict(self.scale.values),
                "source": self.scale.source,
                "status": self.scale.status,
            },
            "dimensions": self.dimensions.to_dict("records"),
            "items": [{k: (None if v == "" else v) for k, v in r.items()} for r in items],
            "risks": self.register.to_dict(),
            "max_residual_risk": self.register.max_residual_level,
            "proposed_alternative": self.proposed,
            "problems": self.problems(),
            "suggestions": self.suggestions(),
        }


def _rating_value(entry: Any, key: str) -> tuple[str, str, tuple]:
    """(rating, basis, field of the rating) of a ``ratings`` entry: ``良`` or
    ``{rating: 良, basis: …}``; raises CaseError naming the field."""
    if isinstance(entry, str):
        rating, basis, where = entry.strip(), "", ("ratings", key)
    elif isinstance(entry, Mapping):
        extra = [str(k) for k in entry if k not in ("rating", "basis")]
        if extra:
            raise CaseError(
                f"未知字段 {'、'.join(extra)}（可用字段：rating、basis）", field=("ratings", key)
            )
        if "rating" not in entry:
            raise CaseError("缺少 rating（评级：优、良、中、差）", field=("ratings", key))
        basis = entry.get("basis")
        if basis is not None and not isinstance(basis, str):
            raise CaseError(f"basis 应为文本，实际为 {basis!r}", field=("ratings", key, "basis"))
        rating, basis = entry["rating"], (basis or "").strip()
        where = ("ratings", key, "rating")
        rating = rating.strip() if isinstance(rating, str) else rating
    else:
        raise CaseError(
            f"应写作评级（优、良、中、差）或 {{rating: 良, basis: 依据}}，实际为 {entry!r}",
            field=("ratings", key),
        )
    if rating not in RATINGS:
        raise CaseError(f"评级 {rating!r} 无效，应为 优、良、中、差 之一", field=where)
    return rating, basis, where


def analyse(case, *, simulate: bool = True) -> ExAnteResult:
    """Assess an ex-ante case: suggestions from evidence, ratings, scores, conclusion.

    The case's ``cba:`` block is analysed as a cost-benefit case
    (:func:`methods.evaltypes.cost_benefit.analyse`); ``simulate=False`` (validation) leaves its
    Monte Carlo run out: it checks, running computes.

    Raises
    ------
    CaseError
        Naming the field: unknown framework, sub-item or rating, a missing rating, a changed
        suggested rating without ``basis``, a missing ``cba`` block where the framework needs one,
        bad ``cba`` content, an unknown ``proposed_alternative``, a bad scale or cut-offs.
    """
    fw = framework_for(case)
    try:
        scale = rating_scale(case.rating_scale)
    except ValueError as exc:
        raise CaseError(str(exc), field=("rating_scale",)) from None
    try:
        bands = conclusion_bands(case.conclusion_bands)
    except ValueError as exc:
        raise CaseError(str(exc), field=("conclusion_bands",)) from None
    veto_spec = getattr(case, "veto", True)
    try:
        vetoes, veto_source = veto_rules(veto_spec)
    except ValueError as exc:
        raise CaseError(str(exc), field=("veto",)) from None
    unknown = [c for v in vetoes for c in v.items if fw.item(c) is None]
    if unknown and veto_spec not in (True, None):  # the defaults list project and policy codes
        raise CaseError(
            f"否决情形中的评估要点 {'、'.join(unknown)} 不在{fw.name}中",
            field=("veto",),
            hint=f"{fw.name}的要点：{fw.listing()}",
        )
    warnings: list[str] = []

    # evidence: the cba block and the risk register
    cba_result = None
    if case.cba is None:
        if fw.requires_cba:
            raise CaseError(
                f"{fw.name}需要 cba 块（成本效益或最低成本分析）作为投入经济性的依据",
                field=("cba",),
                hint="参照 parameters/examples 中的成本效益分析示例填写 cba 块",
            )
    else:
        cba_result = cost_benefit.analyse(case, simulate=simulate)
    proposed = case.proposed_alternative
    if cba_result is not None:
        alts = list(cba_result.model.alternatives)
        if proposed is not None and proposed not in alts:
            raise CaseError(
                f"申报方案 '{proposed}' 不在 cba.alternatives 中"
                + (f"（现有：{'、'.join(alts)}）" if alts else "（cba 块未设置备选方案）"),
                field=("proposed_alternative",),
            )
        needs = any(i.derive == "cba_least_cost" for i in fw.items)
        if alts and proposed is None and needs:
            raise CaseError(
                f"cba 块设置了备选方案，请用 proposed_alternative 指明申报方案（可选：{'、'.join(alts)}）",
                field=("proposed_alternative",),
            )
    elif proposed is not None:
        raise CaseError(
            "没有 cba 块时不能指定 proposed_alternative", field=("proposed_alternative",)
        )
    register = risk_register(case.risks)
    budget = getattr(case, "budget", None)
    maturity = maturity_of(
        getattr(case, "preparation", None),
        requested=None if budget is None else budget.planned,
        unit=budget.unit if budget is not None else "万元",
    )
    check_findings(case, fw)  # findings name sub-items of this framework

    # ratings given by the evaluator, keyed by code
    given: dict[str, tuple[str, str, str]] = {}
    for key, entry in (case.ratings or {}).items():
        item = fw.item(key)
        if item is None:
            raise CaseError(
                f"未知的评估要点 '{key}'",
                field=("ratings", key),
                hint=f"{fw.name}的要点：{fw.listing()}",
            )
        if item.code in given:
            raise CaseError(
                f"评估要点 {item.code} {item.name} 重复评级（代码与名称各给了一次）",
                field=("ratings", key),
            )
        rating, basis, _ = _rating_value(entry, key)
        given[item.code] = (rating, basis, key)

    rows = []
    for it in fw.items:
        sug = (
            suggest(it.derive, cba_result=cba_result, register=register, proposed=proposed)
            if it.derive
            else None
        )
        suggested = sug.rating if sug else None
        # a suggestion drawn from the Monte Carlo run: validation does not simulate (it checks;
        # running computes), so it cannot say whether a given rating differs from it; a rating
        # that differs without a basis is then reported as a warning, never a failed run
        simulated = it.derive == "cba_robustness" and bool(
            cba_result is not None
            and (cba_result.model.settings.get("monte_carlo") or {}).get("distributions")
        )
        if it.code in given:
            rating, basis, key = given[it.code]
            if suggested is None:
                source = "评估人评级"
            elif rating == suggested:
                source = "评估人确认"
            elif simulated and not basis:
                source = "评估人调整"
                if simulate:
                    warnings.append(
                        f"{it.code} {it.name} 的评级“{rating}”与依据推导的建议评级“{suggested}”"
                        f"不同（{sug.evidence}），且未在 basis 中说明调整理由"
                    )
            else:
                if not basis:
                    raise CaseError(
                        f"{it.code} {it.name} 的评级“{rating}”与依据推导的建议评级“{suggested}”"
                        f"不同（{sug.evidence}），请在 basis 中说明调整理由",
                        field=("ratings", key),
                    )
                source = "评估人调整"
        elif suggested is not None:
            rating, basis, source = suggested, "", "依据推导"
        else:
            why = f"（无法推导：{sug.evidence}）" if sug else ""
            raise CaseError(
                f"评估要点 {it.code} {it.name} 缺少评级{why}",
                field=("ratings",),
                hint=f"在 ratings 中写 {it.code}: {{rating: 良, basis: 评估依据}}（评级：优、良、中、差）",
            )
        share = scale.values[rating]
        rows.append(
            {
                "code": it.code,
                "name": it.name,
                "dimension": it.dimension,
                "points": it.points,
                "guide": it.guide,
                "derive": it.derive,
                "suggested": suggested,
                "evidence": sug.evidence if sug else "",
                "rule": sug.rule if sug else "",
                "rating": rating,
                "basis": basis,
                "source": source,
                "share": share,
                "score": fmt.round_half_up(it.points * share, 2),
            }
        )
    items = pd.DataFrame(rows)
    for col in ("suggested", "derive"):
        items[col] = items[col].astype(object).where(items[col].notna(), None)
    dims = dimension_table(fw, items)
    total = fmt.round_half_up(float(items["score"].sum()), 2)
    if fw.variant == "policy" and case.object_type != "policy":
        warnings.append(f"评估对象为{case.object_type}，但使用了政策评估框架")
    if fw.variant != "policy" and case.object_type == "policy":
        warnings.append("评估对象为政策，但使用了项目评估框架")
    by_score = bands.conclude(total)
    fired = apply_vetoes(items, vetoes)
    conclusion = by_score
    for v in fired:  # the strictest cap wins
        if _CAP_ORDER.index(v.rule.cap) > _CAP_ORDER.index(conclusion.id):
            conclusion = next(b for b in bands.bands if b.id == v.rule.cap)
    if maturity is not None and maturity.fired:
        if _CAP_ORDER.index(maturity.cap) > _CAP_ORDER.index(conclusion.id):
            conclusion = next(b for b in bands.bands if b.id == maturity.cap)
    return ExAnteResult(
        case=case,
        framework=fw,
        items=items,
        dimensions=dims,
        total=total,
        conclusion=conclusion,
        bands=bands,
        scale=scale,
        register=register,
        cba=cba_result,
        proposed=proposed,
        warnings=tuple(warnings),
        vetoes=tuple(fired),
        by_score=by_score,
        veto_source=veto_source,
        maturity=maturity,
    )


#: The name the assessment had before it moved here (``methods.ex_ante.assess``).
assess = analyse


def results(result: ExAnteResult) -> dict[str, Any]:
    """results.json (contracts §4): the common keys, the score (grade stays null), the sub-items
    as indicators, the ``ex_ante`` block and the ``cba`` block when the case has one."""
    from methods.report import case_results

    return case_results(result.case, **result.results())
