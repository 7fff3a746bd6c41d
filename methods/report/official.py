"""Sections of the official report outlines (财预〔2020〕10号 参考提纲 and the customary outlines
built like it) for scored evaluations: 基本情况, 绩效评价工作开展情况, 综合评价结论, 指标分析,
经验与问题, 有关建议, 其他需要说明的问题, the 评分表 and the 技术附件.

Each function returns :class:`~methods.report.document.Section` blocks from a scored evaluation
and its :class:`~methods.report.findings.Findings`; an evaluation type's outline arranges them.
The body is written as a signed report reads: figures with their units, no file names, case
ids, seeds, status codes or identifiers (those are in the 技术附件). What the case does not
provide is shown as （未提供） or 【待补充：…】, never invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from methods import _format as fmt
from methods._resources import load_yaml
from methods.evaluation import Evaluation
from methods.report import blocks
from methods.report import findings as fnd
from methods.report.document import BulletList, Paragraph, Section, Span, Table
from methods.scoring import RULE_NAMES

__all__ = [
    "STATUS_ZH",
    "advice_section",
    "advice_sections",
    "analysis_section",
    "budget_prose",
    "chinese_number",
    "conclusion_section",
    "experience_and_problems",
    "objectives_section",
    "overview_paragraph",
    "ppp_payment_blocks",
    "problem_sections",
    "other_matters_section",
    "score_sheet",
    "self_evaluation_form",
    "technical_annex",
    "work_section",
]

STATUS_ZH = blocks.STATUS_ZH

_CN = "一二三四五六七八九十"
NOT_GIVEN = "（未提供）"


def chinese_number(i: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 (section numbers)."""
    if i <= 10:
        return _CN[i - 1]
    return "十" + _CN[i - 11] if i < 20 else str(i)


def _para(text: str) -> Paragraph:
    return Paragraph(fnd.tidy(text))


def overview_paragraph(case, label: str = "项目概况") -> Paragraph:
    """The case's ``overview`` as a paragraph (（未提供） when absent)."""
    text = getattr(case, "overview", None)
    return _para(text) if text else Paragraph(f"{label}：{NOT_GIVEN}")


def budget_prose(case, subject: str = "项目") -> Paragraph:
    """资金投入和使用情况 in one paragraph: budgets, change, spending, execution rate, balance."""
    b = case.budget
    u = b.unit
    parts = []
    if b.planned is not None:
        parts.append(f"{subject}年初预算{fmt.fixed(b.planned)}{u}")
    if b.allocated is not None:
        text = f"全年预算{fmt.fixed(b.allocated)}{u}"
        if b.planned is not None and abs(b.allocated - b.planned) > 1e-9:
            diff = b.allocated - b.planned
            word = "增加" if diff > 0 else "减少"
            text += f"，较年初预算{word}{fmt.fixed(abs(diff))}{u}"
        parts.append(text)
    if b.spent is not None:
        text = f"全年支出{fmt.fixed(b.spent)}{u}"
        if b.execution_rate is not None:
            text += f"，预算执行率{fmt.fixed(b.execution_rate)}%"
        if b.allocated is not None and b.allocated >= b.spent:
            text += f"，年末结余{fmt.fixed(b.allocated - b.spent)}{u}"
        parts.append(text)
    if not parts:
        return Paragraph(f"资金投入和使用方面，{NOT_GIVEN}。")
    tail = f"（{fnd.tidy(b.note)}）" if b.note else ""
    return Paragraph("资金投入和使用方面，" + "；".join(parts) + "。" + tail)


def objectives_section(case, number: str = "（二）", title: str = "项目绩效目标") -> Section:
    """（二）项目绩效目标: the annual objective and what was achieved, as the case states them."""
    obj = getattr(case, "objectives", None)
    parts: list[Any] = []
    if obj is None:
        parts.append(Paragraph(f"年度目标。{NOT_GIVEN}"))
    else:
        parts.append(_para(f"1. 年度目标。{fnd._clause(obj.planned)}。"))
        done = fnd._clause(obj.achieved) + "。" if obj.achieved else NOT_GIVEN
        parts.append(_para(f"2. 完成情况。{done}"))
    parts.append(Paragraph("各项产出、效益指标的目标值和实际完成值见附件1。"))
    return Section(f"{number}{title}", parts, level=2)


def _framework_sentence(ev: Evaluation) -> str:
    lv = ev.level1_table
    n2 = ev.table[ev.table["applicable"]]["level2"].nunique()
    n3 = int(ev.table["applicable"].sum())
    names = "、".join(lv["level1"])
    points = "、".join(f"{fmt.num(w)}分" for w in lv["weight"])
    return (
        f"依据{ev.framework.name}，设置{names}{len(lv)}个一级指标，分值分别为{points}，"
        f"下设{n2}个二级指标、{n3}个三级指标（详见附件1）。"
    )


def _standards_sentence(ev: Evaluation) -> str:
    t = ev.table[ev.table["applicable"]]
    parts = ["以年度绩效目标为计划标准"]
    for r in t.to_dict("records"):
        basis = r.get("target_basis")
        if isinstance(basis, str) and basis and "暂无可用数据" not in basis:
            basis = re.sub(
                r"（[^（）]*案例 [^（）]*）", "", basis
            )  # the archive key of the case read
            kind, _, detail = basis.partition("：")
            text = f"{kind}（{detail}）" if detail else kind
            parts.append(f"{r['name']}采用{fnd.tidy(text)}")
    used = [x for x in RULE_NAMES if x in set(t["rule"])]
    rules = load_yaml("rules.yaml")["rules"]
    names = "、".join(rules[r]["name"] for r in used)
    bands = ev.bands.bands
    band_text = "、".join(
        f"{fmt.num(lo)}分（含）以上为“{g}”"
        if i == 0
        else f"{fmt.num(lo)}分（含）至{fmt.num(bands[i - 1][1])}分为“{g}”"
        for i, (g, lo) in enumerate(bands)
        if lo > 0
    )
    last = bands[-1][0]
    bottom = bands[-2][1] if len(bands) > 1 else 0
    return (
        "；".join(parts)
        + f"。指标按{names}的计分规则计分（详见附件2）。评价等级按{band_text}、{fmt.num(bottom)}分以下为“{last}”划分。"
    )


def _methods_sentence(ev: Evaluation) -> str:
    t = ev.table[ev.table["applicable"]]
    text = "采用比较法，将各指标实际值与年度绩效目标"
    if t["target_basis"].map(lambda b: isinstance(b, str) and "上年" in b).any():
        text += "和上年度实际值"
    text += "比较"
    survey = t["source"].map(lambda s: isinstance(s, str) and "问卷" in s).any() or any(
        s is not None for s in t.get("survey", [])
    )
    if survey:
        text += "；采用公众评判法，通过问卷调查了解服务对象满意度"
    return text + "。"


def work_section(ev: Evaluation, *, subject: str = "项目") -> Section:
    """二、绩效评价工作开展情况: 目的、对象和范围; 原则、指标体系、方法、标准; 工作过程."""
    case = ev.case
    work = getattr(case, "work", None)
    purpose = work.purpose if work and work.purpose else NOT_GIVEN
    b = case.budget
    what = "部门整体支出" if subject == "部门" else "资金"
    money = f"{what}{fmt.fixed(b.allocated)}{b.unit}" if b.allocated is not None else what
    result = "及其履职效能和社会效应" if subject == "部门" else "及其产出和效益"
    scope = (
        work.scope
        if work and work.scope
        else f"评价对象为{case.year}年度{case.title}{money}{result}"
    )
    process = (work.process if work else None) or NOT_GIVEN
    steps = [process] if isinstance(process, str) else list(process)
    field_check = work.fieldwork if work and work.fieldwork else NOT_GIVEN
    sources = [
        fnd.tidy(f"{name}采用{src}")
        for name, src in zip(ev.table["name"], ev.table["source"], strict=True)
        if isinstance(src, str) and "问卷" in src
    ]
    survey = (
        work.questionnaires
        if work and work.questionnaires
        else ("；".join(sources) if sources else NOT_GIVEN)
    )
    return Section(
        "二、绩效评价工作开展情况",
        [
            Section(
                "（一）评价目的、对象和范围",
                [_para(f"评价目的：{fnd._clause(purpose)}。"), _para(f"{fnd._clause(scope)}。")],
                level=2,
            ),
            Section(
                "（二）评价指标体系、评价方法和评价标准",
                [
                    _para(f"1. 评价指标体系。{_framework_sentence(ev)}"),
                    _para(f"2. 评价方法。{_methods_sentence(ev)}"),
                    _para(f"3. 评价标准。{_standards_sentence(ev)}"),
                ],
                level=2,
            ),
            Section(
                "（三）评价工作过程",
                [
                    *(
                        _para(f"{i}. {fnd._clause(s)}。")
                        if s != NOT_GIVEN
                        else Paragraph(f"评价工作过程：{NOT_GIVEN}")
                        for i, s in enumerate(steps, 1)
                    ),
                    _para(
                        f"现场核查：{fnd._clause(field_check)}。"
                        if field_check != NOT_GIVEN
                        else f"现场核查：{NOT_GIVEN}"
                    ),
                    _para(
                        f"问卷调查：{fnd._clause(survey)}。"
                        if survey != NOT_GIVEN
                        else f"问卷调查：{NOT_GIVEN}"
                    ),
                ],
                level=2,
            ),
        ],
    )


def conclusion_section(
    ev: Evaluation,
    fd: fnd.Findings,
    *,
    chart: Any = None,
    title: str = "三、综合评价情况及评价结论",
) -> Section:
    """三、综合评价情况及评价结论: the 综合评价结论 paragraph, the score card, level-1 scores and,
    when the findings call for it, 关于评价等级的说明."""
    parts: list[Any] = [
        Section(
            "（一）综合评价结论",
            [Paragraph(fnd.conclusion(ev, fd)), blocks.score_card(ev)],
            level=2,
        ),
        Section("（二）评价得分情况", [blocks.level1_table(ev), chart], level=2),
    ]
    note = fnd.grade_note(ev, fd)
    if note:
        parts.append(Section("（三）关于评价等级的说明", [Paragraph(x) for x in note], level=2))
    return Section(title, parts)


_DIMENSION_TITLES = {
    "决策": "项目决策情况",
    "过程": "项目过程情况",
    "产出": "项目产出情况",
    "效益": "项目效益情况",
    "满意度": "满意度情况",
}


def analysis_section(ev: Evaluation, *, title: str = "四、绩效评价指标分析") -> Section:
    """四、绩效评价指标分析: one sub-section per level-1 indicator."""
    parts = []
    for i, (level1, text) in enumerate(fnd.level1_analysis(ev), 1):
        head = _DIMENSION_TITLES.get(level1, f"{level1}情况")
        parts.append(Section(f"（{chinese_number(i)}）{head}", [_para(text)], level=2))
    return Section(title, parts)


def experience_and_problems(
    ev: Evaluation,
    fd: fnd.Findings,
    *,
    title: str = "五、主要经验及做法、存在的问题及原因分析",
    extra_achievements: Sequence[str] = (),
) -> Section:
    """五、主要经验及做法、存在的问题及原因分析: achievements with their numbers, then each
    problem as heading, facts and 原因分析."""
    good = fnd.achievements(ev, fd) + [fnd._sentence(x) for x in extra_achievements]
    exp = [_para(f"{i}. {g}") for i, g in enumerate(good, 1)] or [Paragraph("（无）")]
    probs: list[Any] = []
    for i, p in enumerate(fd.problems, 1):
        probs.append(Paragraph(Span(f"{i}. {p.heading}", strong=True)))
        if p.facts:
            probs.append(_para(p.facts_text))
        probs.append(_para(p.cause_text))
    if not probs:
        probs = [Paragraph("评价中未发现需要单独列示的问题；个别指标的失分情况见第四部分和附件1。")]
    return Section(
        title,
        [
            Section("（一）主要经验及做法", exp, level=2),
            Section("（二）存在的问题及原因分析", probs, level=2),
        ],
    )


def problem_sections(fd: fnd.Findings) -> list[Section]:
    """Each problem as a sub-section （N）heading, with its facts and 原因分析 paragraphs."""
    out = []
    for n, p in enumerate(fd.problems, 1):
        body = [_para(p.facts_text)] if p.facts else []
        body.append(_para(p.cause_text))
        out.append(Section(f"（{chinese_number(n)}）{fnd._clause(p.heading)}", body, level=2))
    return out


def advice_sections(fd: fnd.Findings) -> list[Section]:
    """Each suggestion as a sub-section （N）title（针对问题N）with its text."""
    return [
        Section(f"（{chinese_number(a.problem)}）{a.heading()}", [_para(a.text)], level=2)
        for a in fd.advice
    ]


def advice_section(
    fd: fnd.Findings, *, title: str = "六、有关建议", extra: Sequence[str] = ()
) -> Section:
    """六、有关建议: one suggestion per problem, each naming the problem it answers."""
    parts: list[Any] = [
        Section(f"（{chinese_number(i)}）{a.heading()}", [_para(a.text)], level=2)
        for i, a in enumerate(fd.advice, 1)
    ]
    if extra:
        parts.append(
            Section(
                f"（{chinese_number(len(fd.advice) + 1)}）其他建议",
                [BulletList([fnd.tidy(x) for x in extra])],
                level=2,
            )
        )
    if not parts:
        parts = [Paragraph("保持现有管理水平，持续跟踪项目效益。")]
    return Section(title, parts)


def other_matters_section(ev: Evaluation, *, title: str = "七、其他需要说明的问题") -> Section:
    items = fnd.other_matters(ev)
    return Section(title, [_para(f"{i}. {x}") for i, x in enumerate(items, 1)])


def _short_reason(row: dict[str, Any]) -> str:
    """The 评分表's 扣分原因: what was found (a stated note, else the actual against the
    target), never the formula."""
    if row["lost"] <= 0.005:
        return "—"
    note = row.get("note")
    if isinstance(note, str) and note.strip():
        return fnd._clause(note)
    if row["rule"] == "qualitative":
        return "【待补充：扣分依据】"
    return fnd.indicator_fact(row).replace(row["name"], "", 1).lstrip("，") or "未达到目标"


def score_sheet(ev: Evaluation, *, title: str = "附件1：评分表") -> Section:
    """附件 评分表: 一级指标、二级指标、三级指标、分值、得分、扣分原因 (10号 layout)."""
    rows = []
    for r in ev.table.to_dict("records"):
        if not r["applicable"]:
            rows.append([r["level1"], r["level2"], r["name"], "—", "—", "不适用"])
            continue
        rows.append(
            [
                r["level1"],
                r["level2"],
                r["name"],
                fmt.num(r["weight"]),
                fmt.fixed(r["score"]),
                _short_reason(r),
            ]
        )
    rows.append(
        [
            "合计",
            "",
            "",
            fmt.num(ev.table["weight"].sum()),
            fmt.fixed(ev.total),
            f"评价等级：{ev.grade}",
        ]
    )
    return Section(
        title,
        [
            Table(
                blocks.merged_rows(rows[:-1], merge=2) + [rows[-1]],
                ["一级指标", "二级指标", "三级指标", "分值", "得分", "扣分原因"],
                numeric=(3, 4),
            )
        ],
        level=1,
    )


def technical_annex(
    ev: Evaluation,
    *,
    robustness: Any = None,
    lost_chart: Any = None,
    title: str = "附件2：技术附件",
    extra: Sequence[Any] = (),
) -> Section:
    """技术附件: the per-indicator scoring log with its rules, method notes with the status of
    each rule in Chinese, weights and their derivation, grade robustness (seeds and draws),
    data files with their hashes, and the case-library comparison."""
    parts: list[Any] = [
        Section(
            "（一）指标计分明细",
            [
                Paragraph("每项末级指标的目标值、实际值、计分规则和得分；失分指标给出计分依据。"),
                blocks.indicator_table(ev),
                lost_chart,
            ],
            level=2,
        ),
        Section(
            "（二）评价方法与计分规则",
            [
                Paragraph(f"案例编号：{ev.case.case_id}（案例库存档编号）。", style="note"),
                *blocks.method_notes(ev),
            ],
            level=2,
        ),
    ]
    if robustness is not None:
        parts.append(
            Section(
                "（三）评价等级的稳健性",
                [
                    blocks.robustness(robustness),
                    Paragraph(
                        "说明：对一级指标分值作随机扰动，检验评价等级对权重设定的敏感程度；"
                        "该概率越高，等级越不依赖于具体的分值设定。",
                        style="note",
                    ),
                ],
                level=2,
            )
        )
    parts.append(
        Section(
            f"（{chinese_number(len(parts) + 1)}）与案例库同类案例对标",
            [
                Paragraph("本案例各指标实际值在案例库同类指标已存档案例中的位置。"),
                *blocks.benchmark(ev),
            ],
            level=2,
        )
    )
    for block in extra:
        parts.append(block)
    return Section(title, parts)


def _deviation_text(row: dict[str, Any], fd: fnd.Findings) -> str:
    """偏差原因分析及改进措施 of one 自评表 row: the stated note and cause, and the measure of
    the problem that covers the indicator."""
    if not row["applicable"]:
        return "不适用"
    if row["lost"] <= 0.005:
        return "—"
    parts = []
    for key in ("note", "cause"):
        v = row.get(key)
        if isinstance(v, str) and v.strip():
            parts.append(fnd._clause(v))
    if not parts:
        parts.append("偏差原因：【待补充】")
    for i, p in enumerate(fd.problems):
        if row["code"] in p.codes and i < len(fd.advice):
            parts.append(f"改进措施见建议（{chinese_number(i + 1)}）")
            break
    return "；".join(parts)


def self_evaluation_form(ev: Evaluation, fd: fnd.Findings, *, title: str) -> Section:
    """项目支出绩效自评表 in the layout of 财预〔2020〕10号 附件: 项目资金 (年初预算数, 全年预算数,
    全年执行数, 分值, 执行率, 得分), 年度总体目标 (预期目标, 实际完成情况), 绩效指标 (一级、二级、
    三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施) and 总分."""
    case = ev.case
    b = case.budget
    t = ev.table
    exe = t[t["derived"] == "execution_rate"]
    exe_w = fmt.num(exe["weight"].iloc[0]) if len(exe) else "—"
    exe_s = fmt.fixed(exe["score"].iloc[0]) if len(exe) else "—"
    money = Table(
        [
            [
                "年度资金总额",
                fmt.fixed(b.planned),
                fmt.fixed(b.allocated),
                fmt.fixed(b.spent),
                exe_w,
                fmt.pct(b.execution_rate),
                exe_s,
            ]
        ],
        [
            f"项目资金（{b.unit}）",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        numeric=range(1, 7),
        note=f"说明：{fnd.tidy(b.note)}" if b.note else None,
    )
    obj = getattr(case, "objectives", None)
    goals = Table(
        [
            [
                fnd.tidy(obj.planned) if obj else NOT_GIVEN,
                fnd.tidy(obj.achieved) if obj and obj.achieved else NOT_GIVEN,
            ]
        ],
        ["年度总体目标：预期目标", "实际完成情况"],
    )
    rows = []
    for r in t[t["derived"] != "execution_rate"].to_dict("records"):
        target = blocks.target_text(r) if r["rule"] not in ("checklist",) else "—"
        actual = blocks.actual_text(r)
        rows.append(
            [
                r["level1"],
                r["level2"],
                r["name"],
                target,
                actual,
                fmt.num(r["weight"]) if r["applicable"] else "—",
                fmt.fixed(r["score"]) if r["applicable"] else "—",
                _deviation_text(r, fd),
            ]
        )
    rows = blocks.merged_rows(rows, merge=2)
    rows.append(
        [
            "总分",
            "",
            "",
            "",
            "",
            fmt.num(t["weight"].sum()),
            fmt.fixed(ev.total),
            f"自评等级：{ev.grade}",
        ]
    )
    indicators = Table(
        rows,
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        numeric=(5, 6),
    )
    return Section(
        title,
        [
            Table.kv(
                [
                    ("项目名称", case.title),
                    ("主管部门", case.department),
                    ("预算年度", f"{case.year}年度"),
                ]
            ),
            money,
            goals,
            indicators,
        ],
    )


def ppp_payment_blocks(d: dict[str, Any]) -> list[Any]:
    """The report's 按效付费核定: one sentence and a small table of the amounts (``d`` from
    :func:`methods.ppp.compute`)."""
    u = d["unit"]
    basis = f"（{d['basis']}）" if d["basis"] else ""
    text = (
        f"按项目合同约定的{d['formula_name']}办法{basis}，{d['rule']}；本年度评价得分"
        f"{fmt.fixed(d['score'])}分，运维绩效付费系数为{fmt.num(d['coefficient'] * 100)}%，"
        f"核定运维绩效付费{fmt.fixed(d['operation_paid'])}{u}（基数{fmt.fixed(d['operation_base'])}{u}，"
        f"扣减{fmt.fixed(d['withheld'])}{u}）"
    )
    if d["availability"]:
        text += f"，连同可用性付费{fmt.fixed(d['availability'])}{u}，年度政府付费合计{fmt.fixed(d['total'])}{u}"
    if d["settlement"] is not None:
        s = d["settlement"]
        verb = "应补付" if s >= 0 else "应扣回"
        text += (
            f"；已预付运维绩效付费{fmt.fixed(d['paid_before'])}{u}，{verb}{fmt.fixed(abs(s))}{u}"
        )
    rows = [
        ["可用性付费", fmt.fixed(d["availability"])],
        ["运维绩效付费基数", fmt.fixed(d["operation_base"])],
        ["评价得分（分）", fmt.fixed(d["score"])],
        ["付费系数", fmt.num(d["coefficient"] * 100) + "%"],
        ["核定运维绩效付费", fmt.fixed(d["operation_paid"])],
        ["扣减金额", fmt.fixed(d["withheld"])],
        ["年度政府付费合计", fmt.fixed(d["total"])],
    ]
    if d["settlement"] is not None:
        rows += [
            ["已预付运维绩效付费", fmt.fixed(d["paid_before"])],
            ["应补付（负数为应扣回）", fmt.fixed(d["settlement"])],
        ]
    note = (
        f"说明：金额单位为{u}；与评价得分挂钩的运维绩效付费占年度付费的{fmt.num(d['linked_share'])}%。"
        f"付费公式和阈值以项目合同为准，公式类型为{blocks.status_text(d['status'])}。"
    )
    return [
        Paragraph(text + "。"),
        Table(rows, ["项目", "金额"], numeric=(1,), note=note),
    ]
