"""项目支出绩效自评 (evaluation: self_evaluation): analysis and report outline.

Scored on the 自评表 (产出 50 / 效益 30 / 满意度 10 / 预算执行率 10, 财预〔2020〕10号); the analysis
is the scored evaluation shared with project evaluations (:mod:`methods.evaltypes._scored`). The
report is the 项目支出绩效自评表 in the layout of 10号's annex, followed by a short 自评报告
(基本情况, 自评结论, 目标完成情况, 偏差原因和问题, 改进措施, 其他需要说明的问题) and a 技术附件.
"""

from __future__ import annotations

from typing import Any

from methods.casefile import EvaluationType, ScoredCase, register
from methods.evaltypes._scored import (
    ScoredResult,
    analyse,
    check,
    level1_chart,
    lost_chart,
    results,
)
from methods.report import blocks, official
from methods.report.document import Document, Section

register(
    EvaluationType(
        name="self_evaluation",
        title="项目支出绩效自评",
        notebook="self_evaluation.ipynb",
        model=ScoredCase,
        default_framework="self_evaluation_2022",
        check=check,
        report_kind="绩效自评报告",
        scored=True,
    )
)

__all__ = ["OUTLINE", "ScoredResult", "analyse", "from_target_sheet", "outline", "results"]

# what a 自评 indicator takes over from the target sheet's (the rest is the sheet's review)
_TARGET_FIELDS = (
    "ref", "code", "name", "level1", "level2", "level3", "rule", "target", "unit", "weight", "source",
)  # fmt: skip


def from_target_sheet(sheet: Any) -> dict[str, Any]:
    """A 自评 case mapping from an approved target sheet (绩效目标申报表, a ``target_review``
    case or its mapping): the same indicators with their codes, levels, directions, targets,
    units, data sources and weights, so the year's 自评 scores the targets that were approved.

    A sheet with a 成本指标 level-1 indicator (财预〔2021〕101号) gets the framework variant that
    accepts it (``self_evaluation_cost_2021``). The unit still writes each indicator's ``actual``
    (or tier and score), the weights the sheet leaves out, ``budget.spent`` and
    ``objectives.achieved``; a recorded target adjustment (``adjustments``) replaces the target
    before it is taken over.

    Parameters
    ----------
    sheet : TargetReviewCase or mapping
        The target sheet.

    Returns
    -------
    dict
        A case mapping with ``evaluation: self_evaluation`` (not yet valid: actual values missing).
    """
    from methods import frameworks
    from methods.casefile import EVALUATIONS

    raw = sheet.model_dump(exclude_none=True) if hasattr(sheet, "model_dump") else dict(sheet)
    adjusted = {
        (a["code"], a.get("field", "target")): a["after"]
        for a in raw.get("adjustments") or ()
        if a.get("after") is not None
    }
    indicators = []
    for ind in raw.get("indicators") or ():
        out = {k: ind[k] for k in _TARGET_FIELDS if ind.get(k) is not None}
        for (code, key), value in adjusted.items():
            if code == ind["code"]:
                out[key] = value
        if "level1" in out:
            out.setdefault("level2", out["level1"])
        indicators.append(out)
    case: dict[str, Any] = {
        "case_id": f"{raw['case_id']}_self",
        "title": raw["title"],
        "year": raw["year"],
        "department": raw["department"],
        "evaluation": "self_evaluation",
        "budget_type": raw.get("budget_type", "general_public"),
        "object_type": raw.get("object_type", "project"),
    }
    if raw.get("goal"):
        case["objectives"] = {"planned": raw["goal"]}
    if raw.get("budget"):
        case["budget"] = {k: v for k, v in raw["budget"].items() if v is not None}
    framework = frameworks.variant_for_levels(
        EVALUATIONS["self_evaluation"].default_framework,
        [i["level1"] for i in indicators if "level1" in i],
    )
    if framework is not None:
        case["framework"] = framework.id
    case["indicators"] = indicators
    return case


def section_form(r: ScoredResult) -> Section:
    """一、项目支出绩效自评表"""
    return official.self_evaluation_form(r.ev, r.findings, title="一、项目支出绩效自评表")


def section_basic(r: ScoredResult) -> Section:
    """二、基本情况"""
    case = r.case
    return Section(
        "二、基本情况",
        [
            blocks.basic_info(case),
            official.overview_paragraph(case),
            official.budget_prose(case),
        ],
    )


def section_conclusion(r: ScoredResult) -> Section:
    """三、自评结论"""
    return official.conclusion_section(
        r.ev, r.findings, chart=level1_chart(r.ev), title="三、自评结论"
    )


def section_analysis(r: ScoredResult) -> Section:
    """四、绩效目标完成情况"""
    return official.analysis_section(r.ev, title="四、绩效目标完成情况")


def section_problems(r: ScoredResult) -> Section:
    """五、主要成效、偏差原因及存在的问题"""
    extra = r.case.conclusions.achievements if r.case.conclusions else ()
    return official.experience_and_problems(
        r.ev, r.findings, title="五、主要成效、偏差原因及存在的问题", extra_achievements=extra
    )


def section_advice(r: ScoredResult) -> Section:
    """六、改进措施"""
    extra = r.case.conclusions.suggestions if r.case.conclusions else ()
    return official.advice_section(r.findings, title="六、改进措施", extra=extra)


def section_other(r: ScoredResult) -> Section:
    """七、其他需要说明的问题"""
    return official.other_matters_section(r.ev)


def section_annex(r: ScoredResult) -> Section:
    """附件：技术附件"""
    return official.technical_annex(
        r.ev, robustness=r.robustness, lost_chart=lost_chart(r.ev), title="附件：技术附件"
    )


# the level-1 headings of the report (the official outline; tests check both formats)
HEADINGS = (
    "一、项目支出绩效自评表",
    "二、基本情况",
    "三、自评结论",
    "四、绩效目标完成情况",
    "五、主要成效、偏差原因及存在的问题",
    "六、改进措施",
    "七、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_form,
    section_basic,
    section_conclusion,
    section_analysis,
    section_problems,
    section_advice,
    section_other,
    section_annex,
)


def outline(r: ScoredResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
