"""The review of a target sheet (绩效目标申报表): the checklist, scores, 审核意见, the 审核结果
(优/良/中/差 with its budget consequence), comparisons with history and benchmarks, and target
adjustments (:func:`analyse`).

The review runs the checklist in ``methods/_data/target_review.yaml``: every indicator has a value,
a unit, a direction and a data source; output and outcome indicators are both present and the
outputs cover 数量 / 质量 / 时效 / 成本; enough indicators are quantitative and their values are
numbers; values are compared with the indicator's history and benchmark where the sheet gives them;
and an expert scores what cannot be checked mechanically. Each problem deducts points and carries a
审核意见; the review score (0–100, rescaled over the criteria that apply) maps to the 审核结果 of
财预〔2015〕88号 — 优 / 良 / 中 / 差, each with the budget consequence the 办法 sets (data, reg) — by
cut-offs that are a named parameter (status practice: 88号 sets no cut-offs), and some problems (no
output or no outcome indicators) cap the grade. Target adjustments (目标调整) are recorded with
before, after, reason and approval, and checked.

Examples
--------
>>> review_grade(90), review_grade(89.99), review_grade(60), review_grade(59.99)
('优', '良', '中', '差')
>>> review_grade(72.5, {"优": 85, "良": 70, "中": 50})
'良'
>>> consequence("中")
'由相关部门或单位对其绩效目标进行修改完善，按程序重新报送审核'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from methods import _format as fmt
from methods._resources import load_yaml
from methods.errors import CaseError
from methods.evaltypes.monitoring.rules import year_key

GRADES = ("优", "良", "中", "差")
DIRECTIONS = {
    "positive": "≥",
    "reverse": "≤",
    "equal": "=",
    "range": "区间",
    "qualitative": "定性",
}


def rules_data() -> dict[str, Any]:
    """The shipped review checklist (``methods/_data/target_review.yaml``)."""
    return load_yaml("target_review.yaml")


def criteria_spec() -> list[dict[str, Any]]:
    return list(rules_data()["criteria"])


# ---------------------------------------------------------------------------------------------
# Small rules


def level1_name(text: str) -> str | None:
    """The canonical level-1 name (产出指标 / 效益指标 / 满意度指标 / 成本指标) of a written name,
    or None when it is not one of them."""
    key = str(text).strip()
    for name, aliases in rules_data()["level1"].items():
        if key == name or key in aliases:
            return name
    return None


def default_cutoffs() -> dict[str, float]:
    """The shipped cut-offs of the 审核结果 {优: 90, 良: 80, 中: 60} (status practice)."""
    return {k: float(v) for k, v in rules_data()["grades"]["cutoffs"].items()}


def check_cutoffs(cutoffs: Mapping[str, float]) -> dict[str, float]:
    """Validate grade cut-offs {优: a, 良: b, 中: c} with 0 ≤ c < b < a ≤ 100 (the ones not given
    keep their defaults); returns them as floats. Raises ValueError naming the problem."""
    allowed = GRADES[:3]
    unknown = [k for k in cutoffs if k not in allowed]
    if unknown:
        raise ValueError(f"未知的审核结果等级“{unknown[0]}”（分档只需给出：{'、'.join(allowed)}）")
    out = {**default_cutoffs(), **{k: v for k, v in cutoffs.items()}}
    for k, v in out.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"“{k}”的分数线应为数字，实际为 {v!r}")
        if not 0 <= v <= 100:
            raise ValueError(f"“{k}”的分数线 {fmt.num(v)} 应在 0 到 100 之间")
    for upper, lower in zip(allowed, allowed[1:], strict=False):
        if not out[lower] < out[upper]:
            raise ValueError(
                f"“{lower}”的分数线（{fmt.num(out[lower])}）应低于“{upper}”的分数线"
                f"（{fmt.num(out[upper])}）"
            )
    return {k: float(out[k]) for k in allowed}


def review_grade(score: float, cutoffs: Mapping[str, float] | None = None) -> str:
    """审核结果 (财预〔2015〕88号: 优 / 良 / 中 / 差) from the review score: the first grade whose
    cut-off the score reaches (defaults 优 90, 良 80, 中 60, lower bounds inclusive; status
    practice), else 差."""
    cuts = check_cutoffs(cutoffs or {})
    for g in GRADES[:3]:
        if score >= cuts[g] - 1e-9:
            return g
    return "差"


def cap_grade(result: str, cap: str) -> str:
    """The lower (stricter) of two grades."""
    return GRADES[max(GRADES.index(result), GRADES.index(cap))]


def consequence(grade: str) -> str:
    """What 财预〔2015〕88号 says follows from a 审核结果 for the budget (the 办法's wording)."""
    return str(rules_data()["grades"]["consequences"][grade])


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_quantitative(ind: Any) -> bool:
    """Whether an indicator counts as quantitative: its direction is not ``qualitative``; an
    indicator without a direction counts as quantitative when its value is a number (or range)."""
    if ind.rule is not None:
        return ind.rule != "qualitative"
    return isinstance(ind.target, int | float | list) and not isinstance(ind.target, bool)


def _numeric_target(ind: Any) -> bool:
    t = ind.target
    if ind.rule == "range":
        return isinstance(t, list) and len(t) == 2
    return isinstance(t, int | float) and not isinstance(t, bool)


def history_of(ind: Any) -> dict[int, float]:
    """An indicator's history as {year: value}, sorted (years may be written as text)."""
    return dict(sorted((year_key(y), float(v)) for y, v in (ind.history or {}).items()))


def compare_with_reference(ind: Any, *, stretch: float = 1.5) -> list[tuple[str, str]]:
    """Findings (finding, advice) from comparing a numeric target with the indicator's history
    (``{year: actual}``) and ``benchmark``.

    Positive indicators: below the latest actual → 偏低; above ``stretch`` × the best year → 偏高
    (可行性存疑); below the benchmark → 低于标杆. Reverse indicators mirror these. Other directions
    are not compared.

    >>> from types import SimpleNamespace as NS
    >>> ind = NS(
    ...     rule="positive",
    ...     target=80,
    ...     history={2022: 78, 2023: 83},
    ...     benchmark=None,
    ...     benchmark_source=None,
    ...     unit="%",
    ... )
    >>> compare_with_reference(ind)[0][0]
    '指标值 80% 低于 2023 年实际值 83%，目标偏低'
    """
    if ind.rule not in ("positive", "reverse") or not _numeric_target(ind):
        return []
    t = float(ind.target)
    unit = ind.unit
    out: list[tuple[str, str]] = []
    history = history_of(ind)
    if history:
        last_year = max(history)
        last = float(history[last_year])
        best = max(history.values()) if ind.rule == "positive" else min(history.values())
        if ind.rule == "positive":
            if t < last - 1e-9:
                out.append(
                    (
                        f"指标值 {fmt.with_unit(t, unit)} 低于 {last_year} 年实际值 "
                        f"{fmt.with_unit(last, unit)}，目标偏低",
                        "指标值原则上不低于上年实际水平；确需降低的，说明理由",
                    )
                )
            if best > 0 and t > stretch * best + 1e-9:
                out.append(
                    (
                        f"指标值 {fmt.with_unit(t, unit)} 高于历史最好水平 "
                        f"{fmt.with_unit(best, unit)} 的 {fmt.num(stretch)} 倍，可行性存疑",
                        "核实指标值的测算依据，按实施能力和资金规模设定",
                    )
                )
        else:
            if t > last + 1e-9:
                out.append(
                    (
                        f"指标值 {fmt.with_unit(t, unit)} 高于 {last_year} 年实际值 "
                        f"{fmt.with_unit(last, unit)}（反向指标），目标偏松",
                        "反向指标的指标值原则上不高于上年实际水平；确需放宽的，说明理由",
                    )
                )
            if best > 0 and t < best / stretch - 1e-9:
                out.append(
                    (
                        f"指标值 {fmt.with_unit(t, unit)} 低于历史最好水平 "
                        f"{fmt.with_unit(best, unit)} 的 1/{fmt.num(stretch)}，可行性存疑",
                        "核实指标值的测算依据，按实施能力和资金规模设定",
                    )
                )
    b = getattr(ind, "benchmark", None)
    if b is not None:
        src = getattr(ind, "benchmark_source", None)
        where = f"（{src}）" if src else ""
        if ind.rule == "positive" and t < b - 1e-9:
            out.append(
                (
                    f"指标值 {fmt.with_unit(t, unit)} 低于标杆值 {fmt.with_unit(b, unit)}{where}",
                    "参照标杆值提高指标值，或说明差距原因",
                )
            )
        if ind.rule == "reverse" and t > b + 1e-9:
            out.append(
                (
                    f"指标值 {fmt.with_unit(t, unit)} 高于标杆值 {fmt.with_unit(b, unit)}"
                    f"{where}（反向指标）",
                    "参照标杆值收紧指标值，或说明差距原因",
                )
            )
    return out


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Problem:
    """One problem found by the review, with its 审核意见 and the points it cost."""

    criterion: str
    dimension: str
    code: str | None
    name: str | None
    problem: str
    comment: str
    deduction: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "dimension": self.dimension,
            "code": self.code,
            "indicator": self.name,
            "problem": self.problem,
            "comment": self.comment,
            "deduction": fmt.round_half_up(self.deduction, 2),
        }


@dataclass(frozen=True)
class CriterionScore:
    id: str
    dimension: str
    name: str
    points: float
    score: float | None  # None when not applicable / not reviewed
    problems: int
    status: str
    source: str
    note: str | None = None
    max_grade: str | None = None

    @property
    def applicable(self) -> bool:
        return self.score is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "dimension": self.dimension,
            "name": self.name,
            "points": self.points,
            "score": None if self.score is None else fmt.round_half_up(self.score, 2),
            "problems": self.problems,
            "applicable": self.applicable,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class Adjustment:
    """A recorded target adjustment (目标调整) and what the review makes of it."""

    code: str
    name: str
    field: str
    before: Any
    after: Any
    reason: str
    date: str | None
    approval: str | None
    change: str  # 调高 / 调低 / 放宽 / 收紧 / 修改
    findings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "indicator": self.name,
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "date": self.date,
            "approval": self.approval,
            "change": self.change,
            "findings": list(self.findings),
        }


@dataclass(frozen=True)
class ReviewResult:
    case: Any
    criteria: list[CriterionScore]
    problems: list[Problem]
    score: float
    grade_by_score: str
    grade: str
    caps: list[str]
    cutoffs: dict[str, float]
    quantitative_share: float | None
    min_share: float
    stretch: float
    structure: dict[str, int]
    comparisons: list[dict[str, Any]]
    adjustments: list[Adjustment]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def points_applicable(self) -> float:
        return sum(c.points for c in self.criteria if c.applicable)

    @property
    def points_won(self) -> float:
        return sum(c.score for c in self.criteria if c.score is not None)

    def dimension_table(self) -> list[dict[str, Any]]:
        """Points, score and rate per dimension (完整性, 相关性, 可衡量性, 适当性, 可行性)."""
        out: dict[str, dict[str, Any]] = {}
        for c in self.criteria:
            if not c.applicable:
                continue
            row = out.setdefault(c.dimension, {"dimension": c.dimension, "points": 0, "score": 0})
            row["points"] += c.points
            row["score"] += c.score or 0.0
        return list(out.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "grade": self.grade,
            "grade_by_score": self.grade_by_score,
            "grade_caps": list(self.caps),
            "consequence": consequence(self.grade),
            "cutoffs": dict(self.cutoffs),
            "points_applicable": self.points_applicable,
            "points_won": fmt.round_half_up(self.points_won, 2),
            "quantitative_share": None
            if self.quantitative_share is None
            else fmt.round_half_up(self.quantitative_share, 4),
            "min_quantitative_share": self.min_share,
            "stretch": self.stretch,
            "structure": dict(self.structure),
            "criteria": [c.to_dict() for c in self.criteria],
            "problems": [p.to_dict() for p in self.problems],
            "comparisons": self.comparisons,
            "adjustments": [a.to_dict() for a in self.adjustments],
            "notes": list(self.notes),
        }


class _Fmt(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _text(template: str, **values: Any) -> str:
    return str(template).format_map(_Fmt(values))


def _target_shown(ind: Any) -> str:
    t = ind.target
    if t is None:
        return "（未填）"
    if isinstance(t, list):
        return "–".join(fmt.num(v) for v in t)
    return fmt.num(t) if not isinstance(t, str) else t


def analyse(case: Any) -> ReviewResult:
    """Review a target sheet (a ``target_review`` case) and return the scores, problems with
    审核意见, 审核结果 (grade), comparisons and adjustments.

    Raises
    ------
    CaseError
        Bad cut-offs, thresholds, expert scores, skipped criteria or adjustments, naming the field.
    """
    data = rules_data()
    opts = case.review
    try:
        cutoffs = check_cutoffs(opts.cutoffs or {})
    except ValueError as exc:
        raise CaseError(str(exc), field=("review", "cutoffs")) from None
    min_share = (
        opts.min_quantitative_share
        if opts.min_quantitative_share is not None
        else float(data["quantitative"]["min_share"])
    )
    stretch = opts.stretch if opts.stretch is not None else float(data["comparison"]["stretch"])
    specs = criteria_spec()
    ids = [c["id"] for c in specs]
    for j, sid in enumerate(opts.skip):
        if sid not in ids:
            raise CaseError(
                f"未知的审核要点 {sid!r}（可用：{'、'.join(ids)}）", field=("review", "skip", j)
            )
    expert: dict[str, Any] = {}
    for j, e in enumerate(case.expert or []):
        spec = next((c for c in specs if c["id"] == e.criterion), None)
        if spec is None or not spec.get("manual"):
            manual = [c["id"] for c in specs if c.get("manual")]
            raise CaseError(
                f"{e.criterion!r} 不是由专家评分的审核要点（可用：{'、'.join(manual)}）",
                field=("expert", j, "criterion"),
            )
        if e.score > spec["points"] + 1e-9:
            raise CaseError(
                f"专家评分 {fmt.num(e.score)} 超过该要点分值 {fmt.num(spec['points'])}",
                field=("expert", j, "score"),
            )
        if e.criterion in expert:
            raise CaseError(f"审核要点 {e.criterion} 重复评分", field=("expert", j, "criterion"))
        expert[e.criterion] = e

    inds = list(case.indicators)
    levels = [level1_name(i.level1) for i in inds]
    quant = [is_quantitative(i) for i in inds]
    share = sum(quant) / len(inds) if inds else None
    structure = {name: levels.count(name) for name in data["level1"]}
    structure["定量指标"] = sum(quant)
    structure["定性指标"] = len(inds) - sum(quant)

    def found_categories() -> set[str]:
        cats = set()
        for ind, lv in zip(inds, levels, strict=True):
            if lv == "成本指标":
                cats.add("成本")
            if lv != "产出指标":
                continue
            text = f"{ind.level2 or ''}{ind.name}"
            cats |= {c for c in data["output_categories"] if c in text}
        return cats

    comparisons: list[dict[str, Any]] = []
    for ind in inds:
        if not (ind.history or ind.benchmark is not None):
            continue
        findings = compare_with_reference(ind, stretch=stretch)
        hist = history_of(ind)
        comparisons.append(
            {
                "code": ind.code,
                "name": ind.name,
                "rule": ind.rule,
                "target": ind.target,
                "unit": ind.unit,
                "history": {str(k): v for k, v in hist.items()},
                "benchmark": ind.benchmark,
                "benchmark_source": ind.benchmark_source,
                "findings": [f for f, _ in findings],
                "advice": [a for _, a in findings],
            }
        )

    def indicator_problems(check: str) -> list[dict[str, Any]]:
        out = []
        for ind in inds:
            base = {"code": ind.code, "name": ind.name, "target": _target_shown(ind)}
            if check == "target" and _blank(ind.target):
                out.append(base)
            elif check == "unit" and is_quantitative(ind) and _blank(ind.unit):
                out.append(base)
            elif check == "direction" and ind.rule is None:
                out.append(base)
            elif check == "source" and _blank(ind.source):
                out.append(base)
            elif (
                check == "numeric_target"
                and ind.rule not in (None, "qualitative")
                and not _blank(ind.target)
                and not _numeric_target(ind)
            ):
                out.append(base)
            elif check == "reference":
                for finding, advice in compare_with_reference(ind, stretch=stretch):
                    out.append({**base, "finding": finding, "advice": advice})
        return out

    criteria: list[CriterionScore] = []
    problems: list[Problem] = []
    caps: list[str] = []
    notes: list[str] = []
    warnings: list[str] = []
    for spec in specs:
        cid, points = spec["id"], float(spec["points"])
        common = {
            "id": cid,
            "dimension": spec["dimension"],
            "name": spec["name"],
            "points": points,
            "status": spec["status"],
            "source": spec["source"],
            "max_grade": spec.get("max_grade"),
        }
        if cid in opts.skip:
            criteria.append(
                CriterionScore(score=None, problems=0, note="不适用（案例设定）", **common)
            )
            continue
        if spec.get("manual"):
            e = expert.get(cid)
            if e is None:
                criteria.append(
                    CriterionScore(score=None, problems=0, note="未经专家评分", **common)
                )
                warnings.append(
                    f"审核要点 {cid}（{spec['name']}）未给出专家评分，审核得分按其余要点折算为百分制。"
                )
                continue
            n = 0
            if e.score < points - 1e-9:
                n = 1
                problems.append(
                    Problem(
                        cid,
                        spec["dimension"],
                        None,
                        None,
                        spec["problem"] + f"（{fmt.num(e.score)}/{fmt.num(points)} 分）",
                        e.comment or "（专家未给出意见）",
                        points - e.score,
                    )
                )
            criteria.append(CriterionScore(score=float(e.score), problems=n, **common))
            continue
        check = spec["check"]
        found: list[dict[str, Any]] = []
        score: float
        if not inds and check not in ("goal",):
            if check == "target":
                problems.append(
                    Problem(
                        cid,
                        spec["dimension"],
                        None,
                        None,
                        "未设置任何绩效指标",
                        "按“谁申请资金，谁设置目标”“无目标不安排预算”的要求，补充产出、效益和满意度指标",
                        points,
                    )
                )
                criteria.append(CriterionScore(score=0.0, problems=1, **common))
            else:
                criteria.append(
                    CriterionScore(score=0.0, problems=0, note="未设置绩效指标", **common)
                )
            if spec.get("max_grade"):
                caps.append(f"{spec['name']}：未设置绩效指标")
            continue
        if check == "goal":
            if _blank(case.goal):
                found.append({})
        elif check == "has_output":
            if "产出指标" not in levels:
                found.append({})
        elif check == "has_outcome":
            if "效益指标" not in levels:
                found.append({})
        elif check == "has_satisfaction":
            if "满意度指标" not in levels:
                found.append({})
        elif check == "output_coverage":
            have = found_categories()
            found = [{"category": c} for c in data["output_categories"] if c not in have]
        elif check == "quantitative_share":
            assert share is not None
            score = points * min(1.0, share / min_share) if min_share > 0 else points
            n = 0
            if share < min_share - 1e-12:
                n = 1
                problems.append(
                    Problem(
                        cid,
                        spec["dimension"],
                        None,
                        None,
                        _text(
                            spec["problem"],
                            share=fmt.pct(share * 100, 1),
                            min_share=fmt.pct(min_share * 100, 0),
                        ),
                        spec["comment"],
                        points - score,
                    )
                )
            criteria.append(CriterionScore(score=score, problems=n, **common))
            continue
        else:
            found = indicator_problems(check)
        per = float(spec.get("per_problem", points))
        score = max(0.0, points - per * len(found))
        left = points
        for f in found:
            cost = min(per, left)
            left -= cost
            problems.append(
                Problem(
                    cid,
                    spec["dimension"],
                    f.get("code"),
                    f.get("name"),
                    _text(spec["problem"], **f),
                    _text(spec["comment"], **f),
                    cost,
                )
            )
        if found and spec.get("max_grade"):
            caps.append(f"{spec['name']}：{_text(spec['problem'], **found[0])}")
        criteria.append(CriterionScore(score=score, problems=len(found), **common))

    applicable = sum(c.points for c in criteria if c.applicable)
    won = sum(c.score for c in criteria if c.score is not None)
    total = fmt.round_half_up(won / applicable * 100.0, 2) if applicable else 0.0
    if applicable and abs(applicable - 100.0) > 1e-9:
        notes.append(
            f"适用的审核要点合计 {fmt.num(applicable)} 分，得 {fmt.num(won)} 分，"
            f"折算为百分制 {fmt.num(total)} 分。"
        )
    by_score = review_grade(total, cutoffs)
    final = by_score
    for c in criteria:
        if c.max_grade and c.applicable and c.problems:
            final = cap_grade(final, c.max_grade)
    if not inds:
        final = "差"
        caps.append("未设置任何绩效指标（无目标不安排预算）")
    if not comparisons and inds:
        notes.append("目标表未提供历史值或标杆值，无法比对指标值的合理性（建议补充取值依据）。")
    adjustments = _adjustments(case, stretch)
    return ReviewResult(
        case=case,
        criteria=criteria,
        problems=problems,
        score=total,
        grade_by_score=by_score,
        grade=final,
        caps=caps if final != by_score or not inds else [],
        cutoffs=cutoffs,
        quantitative_share=share,
        min_share=min_share,
        stretch=stretch,
        structure=structure,
        comparisons=comparisons,
        adjustments=adjustments,
        notes=notes,
        warnings=warnings,
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _adjustments(case: Any, stretch: float) -> list[Adjustment]:
    """Check and describe the case's target adjustments (目标调整)."""
    by_code = {i.code: i for i in case.indicators}
    out = []
    for j, adj in enumerate(case.adjustments or []):
        ind = by_code.get(adj.code)
        if ind is None:
            raise CaseError(f"目标表中没有指标 {adj.code!r}", field=("adjustments", j, "code"))
        current = getattr(ind, adj.field)
        if not _same(current, adj.before):
            raise CaseError(
                f"调整前的值 {adj.before!r} 与目标表中 {adj.field} 的值 {current!r} 不一致",
                field=("adjustments", j, "before"),
                hint="目标表（indicators）填写审核时的申报值，adjustments 记录其后的调整",
            )
        if _same(adj.before, adj.after):
            raise CaseError("调整前后的值相同", field=("adjustments", j, "after"))
        change = "修改"
        findings: list[str] = []
        numeric = all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in (adj.before, adj.after)
        )
        if adj.field == "target" and numeric and ind.rule in ("positive", "reverse"):
            up = adj.after > adj.before
            if ind.rule == "positive":
                change = "调高" if up else "调低"
            else:
                change = "放宽" if up else "收紧"
            if change in ("调低", "放宽"):
                findings.append("目标降低：应说明客观原因，并按绩效目标设立程序报批")
                probe = _Probe(ind, adj.after)
                for finding, _ in compare_with_reference(probe, stretch=stretch):
                    findings.append("调整后" + finding)
        if _blank(adj.approval):
            findings.append("未注明审批情况：目标调整应按设立程序报批")
        out.append(
            Adjustment(
                code=adj.code,
                name=ind.name,
                field=adj.field,
                before=adj.before,
                after=adj.after,
                reason=adj.reason,
                date=adj.date,
                approval=adj.approval,
                change=change,
                findings=findings,
            )
        )
    return out


class _Probe:
    """An indicator with another target (to compare an adjusted value with history)."""

    def __init__(self, ind: Any, target: Any) -> None:
        self._ind = ind
        self.target = target

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ind, name)
