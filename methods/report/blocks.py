"""Report building blocks shared by the evaluation types (as document blocks, never HTML).

Basic information, the budget table, the score card, level-1 and indicator tables, the three
conclusion lists, weights and robustness, method notes and the case-library benchmark. Each
returns blocks of :mod:`methods.report.document`; an evaluation type's outline arranges them into
its sections. Evaluator text is kept as text: the renderers escape it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from methods import _format as fmt
from methods import registry
from methods._resources import load_yaml
from methods.casefile import BUDGET_TYPES, OBJECT_TYPES, Case, ScoredCase
from methods.documents import STATUS_ZH as STATUS_ZH  # the five statuses in Chinese
from methods.evaluation import Evaluation
from methods.report.benchmarking import benchmark as benchmark  # the block lives in its own module
from methods.report.document import (
    BulletList,
    Callout,
    Cell,
    Figure,
    Paragraph,
    Section,
    Span,
    Table,
)
from methods.scoring import RULE_NAMES


def case_identity(case: Case, name_label: str = "项目名称") -> list[tuple[str, Any]]:
    """The 基本信息 rows every case has: name, department, year, evaluation, budget and object
    type (the case id is an archive key, not report text: it is in the 技术附件)."""
    return [
        (name_label, case.title),
        ("主管部门（单位）", case.department),
        ("预算年度", f"{case.year} 年"),
        ("评价类型", case.evaluation_type.title),
        ("预算类型", BUDGET_TYPES.get(case.budget_type, case.budget_type)),
        ("评价对象", OBJECT_TYPES.get(case.object_type, case.object_type)),
        *responsible_rows(case),
        *registry.panel_row(case),
    ]


def responsible_rows(case: Case) -> list[tuple[str, Any]]:
    """责任主体 rows of the 基本信息 table when the case names one: the unit with its role, the
    name only where the case gives it (the internal report; a public version drops it), and
    绩效终身责任追究 for a 重大项目 (中发〔2018〕34号; 武发〔2020〕48号)."""
    r = getattr(case, "responsible", None)
    if r is None:
        return []
    rows: list[tuple[str, Any]] = [("责任单位", f"{r.unit}（{r.role}）" if r.role else r.unit)]
    if r.name:
        rows.append(("责任人", r.name))
    if r.major:
        rows.append(("绩效责任", "重大项目，责任人实行绩效终身责任追究"))
    return rows


def basic_info(case: Case, ev: Evaluation | None = None) -> Table:
    """基本信息 table."""
    pairs = case_identity(case)
    if isinstance(case, ScoredCase):
        pairs.append(("评价机构/人员", case.evaluator))
    if ev is not None:
        pairs.append(("指标框架", f"{ev.framework.name}"))
    return Table.kv(pairs)


def budget_table(case: Case) -> Table:
    """预算资金 table: 年初预算数, 全年预算数, 全年执行数, 执行率, 到位率."""
    b = case.budget
    header = [
        f"年初预算数（{b.unit}）",
        f"全年预算数（{b.unit}）",
        f"全年执行数（{b.unit}）",
        "预算执行率",
        "资金到位率",
    ]
    row = [
        fmt.fixed(b.planned),
        fmt.fixed(b.allocated),
        fmt.fixed(b.spent),
        fmt.pct(b.execution_rate),
        fmt.pct(b.arrival_rate),
    ]
    note = f"说明：{b.note}" if b.note else None
    return Table([row], header, numeric=range(5), note=note)


def overview(case: Case) -> list[Any]:
    """项目概况 text and 年度总体目标 (planned vs achieved)."""
    parts: list[Any] = []
    if getattr(case, "overview", None):
        parts.append(Paragraph(case.overview))
    if isinstance(case, ScoredCase) and case.objectives:
        parts.append(
            Table(
                [[case.objectives.planned, case.objectives.achieved or "（未填写）"]],
                ["年度总体目标（预期）", "实际完成情况"],
                classes="jx-objectives",
            )
        )
    return parts or [Paragraph("（案例文件未提供项目概况）")]


def score_card(ev: Evaluation) -> Callout:
    """The total score and grade, with the bands used."""
    lost = ev.lost
    return Callout(
        "score",
        [
            Paragraph(f"评价等级标准：{ev.bands.describe()}（{cite(ev.bands.source)}）", "meta"),
            *(
                Paragraph(
                    f"等级限定：按得分为“{lim.before}”，{lim.sentence()}，调整为“{lim.after}”。",
                    "meta",
                )
                for lim in ev.limits
            ),
            Paragraph(
                f"本次评价共 {int(ev.table['applicable'].sum())} 项末级指标，其中 {len(lost)} 项失分，"
                f"合计扣 {fmt.num(lost['lost'].sum())} 分。"
            ),
        ],
        total=fmt.num(ev.total),
        grade=ev.grade,
    )


def level1_table(ev: Evaluation) -> Table:
    """一级指标 points, score, lost and 得分率."""
    rows = [
        [
            r.level1,
            fmt.num(r.weight),
            fmt.fixed(r.score),
            fmt.fixed(r.lost),
            fmt.fixed(r.rate) + "%",
        ]
        for r in ev.level1_table.itertuples()
    ]
    rows.append(
        [
            "合计",
            fmt.num(ev.level1_table["weight"].sum()),
            fmt.fixed(ev.total),
            fmt.fixed(100 - ev.total),
            fmt.fixed(ev.total) + "%",
        ]
    )
    return Table(rows, ["一级指标", "分值", "得分", "失分", "得分率"], numeric=range(1, 5))


def target_text(r: Mapping[str, Any]) -> str:
    """The target of an indicator row as a reader writes it (≥95%, ≤0.39万元/户, 定性 …)."""
    if isinstance(r.get("target_text"), str):
        return r["target_text"]
    if r["rule"] == "qualitative":
        return "定性"
    if r["rule"] == "checklist":
        return f"{fmt.num(r['total'])} 项要点"
    if r["rule"] == "range":
        return f"{fmt.num(r['target'])}–{fmt.num(r['target_high'])}{r['unit']}"
    if r["rule"] == "reverse":
        return f"≤{fmt.with_unit(r['target'], r['unit'])}"
    if r["rule"] == "deduction":
        return ("≥" if r["variant"] == "under" else "≤") + fmt.with_unit(r["target"], r["unit"])
    if r["rule"] == "equal":
        return f"={fmt.with_unit(r['target'], r['unit'])}"
    return f"≥{fmt.with_unit(r['target'], r['unit'])}"


def actual_text(r: Mapping[str, Any]) -> str:
    """The actual value of an indicator row as a reader writes it."""
    if isinstance(r.get("actual_text"), str):
        return r["actual_text"]
    if r["rule"] == "qualitative":
        return str(r["tier"])
    if r["rule"] == "checklist":
        return f"满足 {fmt.num(r['met'])}"
    return fmt.with_unit(r["actual"], r["unit"])


def spans(keys: Sequence[Any]) -> list[int]:
    """Rowspan per row: the run length at a run's first row, 0 inside the run."""
    out = [0] * len(keys)
    i = 0
    while i < len(keys):
        j = i
        while j < len(keys) and keys[j] == keys[i]:
            j += 1
        out[i] = j - i
        i = j
    return out


def merged_rows(rows: Sequence[Sequence[Any]], merge: int = 2) -> list[list[Any]]:
    """Rows with repeated leading cells merged down (rowspan), as on the paper forms: the first
    ``merge`` columns, each within the runs of the columns before it."""
    span_cols = [spans([tuple(r[: k + 1]) for r in rows]) for k in range(merge)]
    out = []
    for i, row in enumerate(rows):
        cells: list[Any] = []
        for j, value in enumerate(row):
            if j < merge:
                if span_cols[j][i] == 0:
                    continue
                if span_cols[j][i] > 1:
                    cells.append(Cell(str(value), rowspan=span_cols[j][i]))
                    continue
            cells.append(value)
        out.append(cells)
    return out


def indicator_table(ev: Evaluation, *, style: str = "project") -> Table:
    """Indicator scores with the reason for every lost point.

    ``style``: ``project`` (一级/二级/三级指标, 分值, 目标值, 实际值, 计分规则, 得分, 失分, 计分说明)
    or ``self`` (自评表: 年度指标值, 实际完成值, 分值, 得分, 计分说明及偏差原因).
    """
    rows, css = [], []
    for r in ev.table.to_dict("records"):
        score = fmt.fixed(r["score"]) if r["applicable"] else "不适用"
        weight = fmt.num(r["weight"])
        if abs(r["weight"] - r["design_weight"]) > 1e-9:
            weight = f"{fmt.num(r['weight'])}（原 {fmt.num(r['design_weight'])}）"
        css.append("lost" if r["applicable"] and r["lost"] > 0.005 else "")
        if style == "self":
            note = r["note"] if isinstance(r["note"], str) else ""
            explain = r["reason"] + (f"。偏差原因：{note}" if note else "")
            rows.append(
                [r["level1"], r["level2"], r["name"], target_text(r), actual_text(r), weight,
                 score, explain]
            )  # fmt: skip
        else:
            rule = RULE_NAMES.get(r["rule"], r["rule"])
            lost = fmt.fixed(r["lost"]) if r["applicable"] else "—"
            reason = r["reason"] + (f"。说明：{r['note']}" if isinstance(r["note"], str) else "")
            rows.append(
                [r["level1"], r["level2"], r["name"], weight, target_text(r), actual_text(r),
                 rule, score, lost, reason]
            )  # fmt: skip
    if style == "self":
        header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                  "计分说明及偏差原因"]  # fmt: skip
        numeric = {5, 6}
        widths = (1, 1.3, 1.8, 1.2, 1.2, 0.8, 0.8, 4)
    else:
        header = ["一级指标", "二级指标", "三级指标", "分值", "目标值", "实际值", "计分规则",
                  "得分", "失分", "计分说明"]  # fmt: skip
        numeric = {3, 7, 8}
        widths = (0.9, 1.2, 1.7, 0.8, 1.1, 1.1, 1, 0.8, 0.8, 3.6)
    return Table(
        merged_rows(rows),
        header,
        numeric=numeric,
        classes=f"jx-indicators jx-{style}",
        row_css=css,
        column_css=True,
        widths=widths,
    )


# ---------------------------------------------------------------------------------------------
# Conclusions


def conclusion_sections(
    c: Mapping[str, Sequence[str]], *, numbered: bool = True, level: int = 2
) -> list[Section]:
    """主要成效 / 存在问题 / 改进建议 as three sub-sections (（一）… when ``numbered``)."""
    heads = ("主要成效", "存在问题", "改进建议")
    marks = ("（一）", "（二）", "（三）") if numbered else ("", "", "")
    return [
        Section(mark + head, [BulletList(c[key])], level=level)
        for mark, head, key in zip(
            marks, heads, ("achievements", "problems", "suggestions"), strict=True
        )
    ]


def robustness(result) -> Paragraph:
    """One line: 该等级在权重扰动下保持的概率, with how the weights were perturbed."""
    row = result.table.iloc[0]
    hold = row["p_grade_holds"] * 100
    return Paragraph(
        [
            Span(f"该等级在权重扰动下保持的概率: {fmt.num(hold, 1)}%", strong=True),
            f"（一级指标分值按 Dirichlet 分布随机扰动，集中度 {fmt.num(result.concentration)}，"
            f"{result.n:,} 次抽样，随机种子 {result.seed}；总分 90% 区间 "
            f"{fmt.num(row['total_p05'])}–{fmt.num(row['total_p95'])} 分）。",
        ]
    )


def _fraction(v: float) -> str:
    """A judgement as Saaty writes it: 3, 1/3, 1."""
    if v >= 1 or v <= 0:
        return fmt.num(v, 2)
    return f"1/{fmt.num(1 / v, 2)}"


def weights(ev: Evaluation) -> list[Any]:
    """How the weights were derived: the AHP matrix with λmax, CI, RI and CR, or Delphi rounds."""
    if not ev.derivations:
        return [Paragraph("各指标分值由案例文件直接给出。")]
    parts: list[Any] = []
    for d in ev.derivations:
        what = "一级指标分值" if d.target == "level1" else f"“{d.target}”下各指标分值"
        r = d.result
        if d.method in ("ahp", "ahp_group"):
            labels = [str(x) for x in d.weights.index]
            matrix = getattr(r, "matrix", None)
            if matrix is not None:
                m = (
                    pd.DataFrame(matrix, index=labels, columns=labels)
                    if not isinstance(matrix, pd.DataFrame)
                    else matrix
                )
                rows = [[lab, *[_fraction(v) for v in m.loc[lab]]] for lab in labels]
                parts.append(Paragraph(f"{what}：层次分析法判断矩阵"))
                parts.append(Table(rows, ["", *labels], numeric=range(1, len(labels) + 1)))
            ri = (
                f"{getattr(r, 'ri_table', '')}，RI = {fmt.num(getattr(r, 'ri', float('nan')), 2)}"
                if hasattr(r, "ri")
                else ""
            )
            verdict = "通过（CR ≤ 0.10）" if d.consistent else "未通过（CR > 0.10），建议修正判断"
            parts.append(Paragraph(f"{d.note}；随机一致性指标表：{ri}；一致性检验{verdict}。"))
        else:
            rows = [
                [
                    str(c["round"]),
                    str(c["n_experts"]),
                    fmt.num(c["kendall_w"], 4),
                    fmt.num(c["chi2"], 2),
                    str(c["df"]),
                    fmt.num(c["p_value"], 4),
                ]
                for c in r.concordance.to_dict("records")
            ]
            parts.append(Paragraph(f"{what}：德尔菲法（{d.note}）"))
            header = ["轮次", "专家数", "Kendall W", "χ²", "自由度", "p 值"]
            parts.append(Table(rows, header, numeric=range(1, 6)))
        rows = [
            [str(k), fmt.num(d.weights[k] * 100, 2) + "%", fmt.num(d.points[k], 2)]
            for k in d.weights.index
        ]
        parts.append(Table(rows, ["对象", "权重", "分值"], numeric=(1, 2)))
    return parts


def data_files(case: Case) -> Table | None:
    """数据文件与佐证材料: name, size, hash prefix and whether archived (personal data: hash only)."""
    import hashlib

    files = case.data_files()
    if not files:
        return None
    private = {case.resolve(v) for v in case.private_paths()}
    rows = [
        [
            f.name,
            f"{f.stat().st_size:,} 字节",
            hashlib.sha256(f.read_bytes()).hexdigest()[:16],
            "个人数据，仅存哈希，未存档" if f in private else "已随报告存档",
        ]
        for f in files
    ]
    return Table(rows, ["文件", "大小", "SHA-256（前 16 位）", "存档方式"])


def warnings_box(warnings: Iterable[str]) -> Callout | None:
    """提示 box listing warnings (None when there are none)."""
    warnings = list(warnings)
    if not warnings:
        return None
    return Callout("warn", [Paragraph("提示："), BulletList(warnings)])


# 依据状态 as a reader sees it (rule data keeps the short codes reg / local / practice / unverified)
def status_text(status: str | None) -> str:
    """A rule's status in Chinese (法规 / 地方规定 / 实务做法 / 待核实 / 境外参考)."""
    return STATUS_ZH.get(str(status), str(status or "待核实"))


_STATUS_WORD = re.compile(r"(?<![A-Za-z])(reg|local|practice|unverified|foreign)(?![A-Za-z])")


def cite(text: str) -> str:
    """A source text as a report prints it: status codes written into it (（practice）) in
    Chinese."""
    return _STATUS_WORD.sub(lambda m: STATUS_ZH[m.group(1)], str(text))


def method_notes(ev: Evaluation) -> list[Any]:
    """How the scores were made: framework and its source, rules used, choices, warnings."""
    used = sorted(set(ev.table["rule"]), key=list(RULE_NAMES).index)
    rules = load_yaml("rules.yaml")["rules"]
    rule_rows = [
        [rules[r]["name"], rules[r]["formula"], status_text(rules[r]["status"])] for r in used
    ]
    parts: list[Any] = [
        Paragraph(
            f"指标框架：{ev.framework.name}。来源：{cite(ev.framework.source)}"
            f"（{status_text(ev.framework.status)}）。"
        ),
        Table(rule_rows, ["计分规则", "计分方法", "依据状态"]),
        Paragraph(
            "末级指标得分四舍五入保留两位小数，一级指标得分和总分为末级指标得分之和。"
            "依据状态：法规，指法规文件的规定；地方规定；实务做法，指评价实务的通行做法；"
            "待核实，指常见做法但未核实原文。"
        ),
    ]
    if ev.notes:
        parts += [Paragraph("计分口径说明："), BulletList(ev.notes)]
    files = data_files(ev.case)
    if files is not None:
        parts += [Paragraph("数据文件与佐证材料（存档时记录其哈希值）："), files]
    parts.append(Paragraph("权重确定方法："))
    parts += weights(ev)
    parts.append(warnings_box(ev.warnings))
    return [p for p in parts if p is not None]


def chart(fig: Any, caption: str, alt: str = "", *, width: float = 1.0) -> Figure:
    """A matplotlib figure as a report figure (PNG at print resolution); the figure is closed."""
    return Figure.from_matplotlib(fig, caption, alt or caption, width=width)


# ---------------------------------------------------------------------------------------------
# cost_benefit (also used by ex_ante): cases without an indicator tree


def unscored_info(
    case: Case, *, evaluator_label: str = "分析机构/人员", extra: Sequence[tuple[str, Any]] = ()
) -> Table:
    """基本信息 table of a case without an indicator tree: name (名称), department, year, type …
    the evaluator under ``evaluator_label``, then ``extra`` rows (e.g. 评审专家)."""
    pairs = case_identity(case, "名称")
    pairs.append((evaluator_label, getattr(case, "evaluator", None)))
    pairs.extend(extra)
    return Table.kv(pairs)


def budget_amounts(case: Case, *, planned_label: str = "年初预算数") -> Table | None:
    """预算资金: only the amounts the case gives (None without a budget or amounts), and the
    execution rate when it can be computed."""
    b = getattr(case, "budget", None)
    if b is None:
        return None
    cols = [(planned_label, b.planned), ("全年预算数", b.allocated), ("全年执行数", b.spent)]
    cols = [(k, v) for k, v in cols if v is not None]
    if not cols:
        return None
    header = [f"{k}（{b.unit}）" for k, _ in cols]
    row = [fmt.fixed(v) for _, v in cols]
    if b.execution_rate is not None:
        header.append("预算执行率")
        row.append(fmt.pct(b.execution_rate))
    note = f"说明：{b.note}" if b.note else None
    return Table([row], header, numeric=range(len(row)), note=note)
