"""项目支出绩效自评 (evaluation: self_evaluation): analysis and report outline.

Scored on the 自评表 (产出 50 / 效益 30 / 满意度 10 / 预算执行率 10, 财预〔2020〕10号); the analysis
is the scored evaluation shared with project evaluations (:mod:`methods.evaltypes._scored`), the
outline is the 自评 report's.
"""

from __future__ import annotations

from methods.casefile import EvaluationType, ScoredCase, register
from methods.evaltypes._scored import ScoredResult, analyse, check, level1_chart, results
from methods.report import blocks
from methods.report.document import Document, Paragraph, Section

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

__all__ = ["OUTLINE", "ScoredResult", "analyse", "outline", "results"]


def section_overview(r: ScoredResult) -> Section:
    """一、基本情况"""
    return Section(
        "一、基本情况",
        [
            blocks.basic_info(r.case, r.ev),
            blocks.overview(r.case),
            Section("年度预算执行情况", [blocks.budget_table(r.case)], level=2),
        ],
    )


def section_conclusion(r: ScoredResult) -> Section:
    """二、自评结论"""
    return Section("二、自评结论", [blocks.score_card(r.ev), blocks.robustness(r.robustness)])


def section_level1(r: ScoredResult) -> Section:
    """三、一级指标得分"""
    return Section(
        "三、一级指标得分",
        [
            Paragraph(
                "自评表一级指标为产出、效益、满意度和预算执行率；未设置满意度指标时，其分值并入效益。"
            ),
            blocks.level1_table(r.ev),
            level1_chart(r.ev),
        ],
    )


def section_form(r: ScoredResult) -> Section:
    """四、绩效自评表"""
    return Section(
        "四、绩效自评表",
        [
            Paragraph(
                "逐项列出年度指标值、实际完成值、分值和得分；未完成目标的指标给出计分说明和偏差原因。"
            ),
            blocks.indicator_table(r.ev, style="self"),
        ],
    )


def section_findings(r: ScoredResult) -> Section:
    """五、偏差分析和改进措施"""
    from methods import report

    return Section("五、偏差分析和改进措施", blocks.conclusion_sections(report.conclusions(r.ev)))


def section_method(r: ScoredResult) -> Section:
    """六、自评方法说明"""
    return Section("六、自评方法说明", blocks.method_notes(r.ev))


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


OUTLINE = (
    section_overview,
    section_conclusion,
    section_level1,
    section_form,
    section_findings,
    section_method,
    section_benchmark,
)


def outline(r: ScoredResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
