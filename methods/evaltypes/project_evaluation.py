"""项目支出绩效评价 (evaluation: project_evaluation): analysis and report outline.

The case is a :class:`methods.casefile.ScoredCase` scored on the 财预〔2020〕10号 framework (or a
budget-type preset); :func:`analyse` scores it and measures how robust the grade is to the
level-1 weights; the ``section_*`` functions build the report's sections from that result, in
order (the notebook calls them one by one; :func:`outline` builds them all).
"""

from __future__ import annotations

from methods.casefile import EvaluationType, ScoredCase, register
from methods.evaltypes._scored import (
    ScoredResult,
    analyse,
    check,
    level1_chart,
    lost_chart,
    results,
)
from methods.report import blocks
from methods.report.document import Document, Paragraph, Section

register(
    EvaluationType(
        name="project_evaluation",
        title="项目支出绩效评价",
        notebook="project_evaluation.ipynb",
        model=ScoredCase,
        default_framework="mof_2020_project",
        check=check,
        report_kind="绩效评价报告",
        scored=True,
    )
)


def section_overview(r: ScoredResult) -> Section:
    """一、项目概况"""
    return Section(
        "一、项目概况",
        [
            blocks.basic_info(r.case, r.ev),
            blocks.overview(r.case),
            Section("预算资金", [blocks.budget_table(r.case)], level=2),
        ],
    )


def section_conclusion(r: ScoredResult) -> Section:
    """二、评价结论"""
    return Section("二、评价结论", [blocks.score_card(r.ev), blocks.robustness(r.robustness)])


def section_level1(r: ScoredResult) -> Section:
    """三、一级指标得分"""
    return Section(
        "三、一级指标得分",
        [
            Paragraph(
                "按一级指标汇总的分值、得分和得分率如下，左图为得分与失分，右图为得分率雷达图。"
            ),
            blocks.level1_table(r.ev),
            level1_chart(r.ev),
        ],
    )


def section_indicators(r: ScoredResult) -> Section:
    """四、指标得分明细"""
    return Section(
        "四、指标得分明细",
        [
            Paragraph(
                "下表列出每项末级指标的目标值、实际值、计分规则和得分；失分指标均给出计分依据和扣分原因。"
            ),
            blocks.indicator_table(r.ev),
            lost_chart(r.ev),
        ],
    )


def section_findings(r: ScoredResult) -> Section:
    """五、主要成效、存在问题和改进建议"""
    from methods import report

    return Section(
        "五、主要成效、存在问题和改进建议",
        blocks.conclusion_sections(report.conclusions(r.ev)),
    )


def section_method(r: ScoredResult) -> Section:
    """六、评价方法说明"""
    return Section("六、评价方法说明", blocks.method_notes(r.ev))


def section_benchmark(r: ScoredResult) -> Section:
    """七、与案例库对标"""
    return Section(
        "七、与案例库对标",
        [
            Paragraph(
                "本案例各指标实际值在案例库同一指标已存档案例中的位置（标杆管理法、历史标准与行业标准的依据）。"
            ),
            blocks.benchmark(r.ev),
        ],
    )


__all__ = ["OUTLINE", "ScoredResult", "analyse", "outline", "results"]

OUTLINE = (
    section_overview,
    section_conclusion,
    section_level1,
    section_indicators,
    section_findings,
    section_method,
    section_benchmark,
)


def outline(r: ScoredResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
