"""项目支出绩效评价 (evaluation: project_evaluation): analysis and report outline.

The case is a :class:`methods.casefile.ScoredCase` scored on the 财预〔2020〕10号 framework (or a
budget-type preset); :func:`analyse` scores it and measures how robust the grade is to the
level-1 weights. The report follows the 项目支出绩效评价报告（参考提纲） of 财预〔2020〕10号:
一 基本情况, 二 绩效评价工作开展情况, 三 综合评价情况及评价结论, 四 绩效评价指标分析, 五 主要经验及
做法、存在的问题及原因分析, 六 有关建议, 七 其他需要说明的问题, with the 评分表 and a 技术附件
(method detail) as annexes. The ``section_*`` functions build the sections in order (the
notebook calls them one by one; :func:`outline` builds them all).
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
from methods.report import blocks, official
from methods.report.document import Document, Section

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


def section_basic(r: ScoredResult) -> Section:
    """一、基本情况：（一）项目概况（二）项目绩效目标"""
    case = r.case
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）项目概况",
                [
                    blocks.basic_info(case),
                    official.overview_paragraph(case),
                    official.budget_prose(case),
                    blocks.budget_table(case),
                ],
                level=2,
            ),
            official.objectives_section(case),
        ],
    )


def section_work(r: ScoredResult) -> Section:
    """二、绩效评价工作开展情况"""
    return official.work_section(r.ev)


def section_conclusion(r: ScoredResult) -> Section:
    """三、综合评价情况及评价结论; with ``payment:`` (按效付费) a last sub-section 按效付费核定:
    the year's payment from the score by the contract's formula."""
    section = official.conclusion_section(r.ev, r.findings, chart=level1_chart(r.ev))
    if r.payment is None:
        return section

    n = sum(isinstance(b, Section) for b in section.blocks) + 1
    sub = Section(
        f"（{official.chinese_number(n)}）按效付费核定",
        official.ppp_payment_blocks(r.payment),
        level=2,
    )
    return Section(section.title, [*section.blocks, sub])


def section_analysis(r: ScoredResult) -> Section:
    """四、绩效评价指标分析"""
    return official.analysis_section(r.ev)


def section_problems(r: ScoredResult) -> Section:
    """五、主要经验及做法、存在的问题及原因分析"""
    extra = r.case.conclusions.achievements if r.case.conclusions else ()
    return official.experience_and_problems(r.ev, r.findings, extra_achievements=extra)


def section_advice(r: ScoredResult) -> Section:
    """六、有关建议"""
    extra = r.case.conclusions.suggestions if r.case.conclusions else ()
    return official.advice_section(r.findings, extra=extra)


def section_other(r: ScoredResult) -> Section:
    """七、其他需要说明的问题"""
    return official.other_matters_section(r.ev)


def section_score_sheet(r: ScoredResult) -> Section:
    """附件1：评分表"""
    return official.score_sheet(r.ev)


def section_annex(r: ScoredResult) -> Section:
    """附件2：技术附件"""
    return official.technical_annex(r.ev, robustness=r.robustness, lost_chart=lost_chart(r.ev))


__all__ = ["OUTLINE", "ScoredResult", "analyse", "outline", "results"]

# the level-1 headings of the report (the official outline; tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要经验及做法、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
    "附件1：评分表",
    "附件2：技术附件",
)

OUTLINE = (
    section_basic,
    section_work,
    section_conclusion,
    section_analysis,
    section_problems,
    section_advice,
    section_other,
    section_score_sheet,
    section_annex,
)


def outline(r: ScoredResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
