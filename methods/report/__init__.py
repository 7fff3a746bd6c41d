"""Chinese report building blocks for the evaluation notebooks, and ``results.json``.

Notebooks stay thin: each section is one call here returning an IPython display object (HTML or
Markdown) whose user text is escaped. :func:`results` builds the machine-readable results
(contracts §4) and :func:`publish` hands them to the runner as a tagged output (and optionally a
file), so ``jixiao run`` and plain papermill produce the same numbers.
"""

from __future__ import annotations

import html as _stdlib_html
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods._protocol import DOCUMENT_MIME, HIDE_TAG, RESULTS_MIME  # noqa: F401 - re-exported
from methods._resources import load_yaml
from methods.casefile import BUDGET_TYPES, OBJECT_TYPES, Case, ScoredCase
from methods.evaluation import Evaluation
from methods.report import html as _html_renderer  # noqa: F401 - blocks display themselves
from methods.report.document import (  # noqa: F401 - the document model, re-exported
    BulletList,
    Callout,
    Cell,
    Document,
    Figure,
    Paragraph,
    Section,
    Span,
    Table,
    group,
)
from methods.scoring import RULE_NAMES

try:  # IPython is present wherever notebooks run; keep the module importable without it.
    from IPython.display import HTML, Markdown, display
except ImportError:  # pragma: no cover

    class _Text(str):
        @property
        def data(self) -> str:
            return str(self)

    HTML = Markdown = _Text  # type: ignore[misc, assignment]

    def display(*objs, **kwargs):  # type: ignore[no-redef]
        for obj in objs:
            print(obj)


def esc(value: Any) -> str:
    """HTML-escape user text (titles, names, notes): ``<script>`` shows as text."""
    return _stdlib_html.escape("" if value is None else str(value), quote=True)


def setup_notebook() -> None:
    """Notebook defaults for reports: PNG figures at print resolution, quiet warnings."""
    import warnings

    import matplotlib as mpl

    from methods import fonts

    fonts.register()
    mpl.rcParams["figure.dpi"] = 110
    mpl.rcParams["savefig.dpi"] = 150
    mpl.rcParams["figure.autolayout"] = False
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


# ---------------------------------------------------------------------------------------------
# Generic HTML pieces


def html_table(
    rows: Iterable[Sequence[Any]],
    header: Sequence[str],
    *,
    classes: str = "",
    numeric: Iterable[int] = (),
    raw_columns: Iterable[int] = (),
) -> str:
    """An HTML table; cells are escaped except in ``raw_columns`` (already-safe HTML).

    ``numeric`` column indexes are right-aligned.
    """
    numeric, raw_columns = set(numeric), set(raw_columns)
    out = [f'<table class="jx-table {esc(classes)}"><thead><tr>']
    out += [f"<th>{esc(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            cls = ' class="num"' if i in numeric else ""
            text = cell if i in raw_columns else esc(cell)
            out.append(f"<td{cls}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def kv_table(pairs: Iterable[tuple[str, Any]]) -> str:
    """A two-column 项目/内容 table for basic information."""
    rows = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in pairs if v not in (None, "")
    )
    return f'<table class="jx-table jx-kv"><tbody>{rows}</tbody></table>'


def bullet_list(items: Iterable[str]) -> str:
    items = list(items)
    if not items:
        return "<p>（无）</p>"
    return "<ol>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ol>"


# ---------------------------------------------------------------------------------------------
# Sections


def report_title(case: Case, kind: str | None = None) -> str:
    """E.g. ``武进区农村生活污水治理项目 2023 年度绩效评价报告``."""
    etype = case.evaluation_type
    kind = kind or etype.report_kind or etype.title + "报告"
    if str(case.year) in case.title:  # e.g. 武进区 2023 年度重点项目绩效综合排序
        return f"{case.title}{kind}"
    return f"{case.title} {case.year} 年度{kind}"


def heading(case: Case, kind: str | None = None) -> HTML:
    """The report's title block: title, department, year, evaluation type."""
    meta = f"{esc(case.department)} ｜ {case.year} 年度 ｜ {esc(case.evaluation_type.title)}"
    return HTML(
        f'<div class="jx-title"><h1>{esc(report_title(case, kind))}</h1>'
        f'<p class="jx-meta">{meta}</p></div>'
    )


def case_identity(case: Case, name_label: str = "项目名称") -> list[tuple[str, Any]]:
    """The 基本信息 rows every case has: name, department, year, evaluation, budget and object
    type, case id."""
    return [
        (name_label, case.title),
        ("主管部门（单位）", case.department),
        ("预算年度", f"{case.year} 年"),
        ("评价类型", case.evaluation_type.title),
        ("预算类型", BUDGET_TYPES.get(case.budget_type, case.budget_type)),
        ("评价对象", OBJECT_TYPES.get(case.object_type, case.object_type)),
        ("案例编号", case.case_id),
    ]


def basic_info(case: Case, ev: Evaluation | None = None) -> HTML:
    """基本信息 table."""
    pairs = case_identity(case)
    if isinstance(case, ScoredCase):
        pairs.append(("评价机构/人员", case.evaluator))
    if ev is not None:
        pairs.append(("指标框架", f"{ev.framework.name}"))
    return HTML(kv_table(pairs))


def budget_table(case: Case) -> HTML:
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
    note = f'<p class="jx-note">说明：{esc(b.note)}</p>' if b.note else ""
    return HTML(html_table([row], header, numeric=range(5)) + note)


def overview(case: Case) -> HTML:
    """项目概况 text and 年度总体目标 (planned vs achieved)."""
    parts = []
    if getattr(case, "overview", None):
        parts.append(f"<p>{esc(case.overview)}</p>")
    if isinstance(case, ScoredCase) and case.objectives:
        parts.append(
            html_table(
                [[case.objectives.planned, case.objectives.achieved or "（未填写）"]],
                ["年度总体目标（预期）", "实际完成情况"],
                classes="jx-objectives",
            )
        )
    return HTML("".join(parts) or "<p>（案例文件未提供项目概况）</p>")


def score_card(ev: Evaluation) -> HTML:
    """The total score and grade, with the bands used."""
    grade_class = {"优": "a", "良": "b", "中": "c", "差": "d"}.get(ev.grade or "", "x")
    lost = ev.lost
    lines = [
        f'<div class="jx-score"><span class="jx-total">{fmt.num(ev.total)}</span>'
        f'<span class="jx-unit">分</span>'
        f'<span class="jx-grade jx-grade-{grade_class}">{esc(ev.grade)}</span></div>',
        f'<p class="jx-meta">评价等级标准：{esc(ev.bands.describe())}（{esc(ev.bands.source)}）</p>',
        f"<p>本次评价共 {int(ev.table['applicable'].sum())} 项末级指标，其中 {len(lost)} 项失分，"
        f"合计扣 {fmt.num(lost['lost'].sum())} 分。</p>",
    ]
    return HTML("".join(lines))


def level1_table(ev: Evaluation) -> HTML:
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
    return HTML(
        html_table(rows, ["一级指标", "分值", "得分", "失分", "得分率"], numeric=range(1, 5))
    )


def _target_text(r: Mapping[str, Any]) -> str:
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


def _actual_text(r: Mapping[str, Any]) -> str:
    if isinstance(r.get("actual_text"), str):
        return r["actual_text"]
    if r["rule"] == "qualitative":
        return str(r["tier"])
    if r["rule"] == "checklist":
        return f"满足 {fmt.num(r['met'])}"
    return fmt.with_unit(r["actual"], r["unit"])


def indicator_table(ev: Evaluation, *, style: str = "project") -> HTML:
    """Indicator scores with the reason for every lost point.

    Parameters
    ----------
    ev : Evaluation
    style : {"project", "self"}
        ``project``: 一级/二级/三级指标, 分值, 目标值, 实际值, 计分规则, 得分, 失分, 计分说明;
        ``self`` (自评表): 一级/二级/三级指标, 年度指标值, 实际完成值, 分值, 得分,
        偏差原因分析及改进措施.
    """
    rows = []
    for r in ev.table.to_dict("records"):
        score = fmt.fixed(r["score"]) if r["applicable"] else "不适用"
        weight = fmt.num(r["weight"])
        if abs(r["weight"] - r["design_weight"]) > 1e-9:
            weight = f"{fmt.num(r['weight'])}（原 {fmt.num(r['design_weight'])}）"
        lost_class = "lost" if r["applicable"] and r["lost"] > 0.005 else ""
        if style == "self":
            note = r["note"] if isinstance(r["note"], str) else ""
            explain = r["reason"] + (f"。偏差原因：{note}" if note else "")
            rows.append(
                (
                    lost_class,
                    [
                        r["level1"],
                        r["level2"],
                        r["name"],
                        _target_text(r),
                        _actual_text(r),
                        weight,
                        score,
                        explain,
                    ],
                )
            )
        else:
            rule = RULE_NAMES.get(r["rule"], r["rule"])
            lost = fmt.fixed(r["lost"]) if r["applicable"] else "—"
            reason = r["reason"] + (f"。说明：{r['note']}" if isinstance(r["note"], str) else "")
            rows.append(
                (
                    lost_class,
                    [
                        r["level1"],
                        r["level2"],
                        r["name"],
                        weight,
                        _target_text(r),
                        _actual_text(r),
                        rule,
                        score,
                        lost,
                        reason,
                    ],
                )
            )
    if style == "self":
        header = [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "计分说明及偏差原因",
        ]
        numeric = {5, 6}
    else:
        header = [
            "一级指标",
            "二级指标",
            "三级指标",
            "分值",
            "目标值",
            "实际值",
            "计分规则",
            "得分",
            "失分",
            "计分说明",
        ]
        numeric = {3, 7, 8}
    out = [f'<table class="jx-table jx-indicators jx-{esc(style)}"><thead><tr>']
    out += [f"<th>{esc(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    # merge repeated level-1 / level-2 cells (rowspan), as on the paper forms
    spans1 = _spans([row[0] for _, row in rows])
    spans2 = _spans([(row[0], row[1]) for _, row in rows])
    for i, (cls, row) in enumerate(rows):
        out.append(f'<tr class="{cls}">' if cls else "<tr>")
        for j, cell in enumerate(row):
            if j == 0 and spans1[i] == 0 or j == 1 and spans2[i] == 0:
                continue
            attrs = f' class="c{j}{" num" if j in numeric else ""}"'
            if j == 0 and spans1[i] > 1:
                attrs = f' rowspan="{spans1[i]}"'
            elif j == 1 and spans2[i] > 1:
                attrs = f' rowspan="{spans2[i]}"'
            out.append(f"<td{attrs}>{esc(cell)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return HTML("".join(out))


def _spans(keys: list[Any]) -> list[int]:
    """Rowspan per row: the run length at a run's first row, 0 inside the run."""
    spans = [0] * len(keys)
    i = 0
    while i < len(keys):
        j = i
        while j < len(keys) and keys[j] == keys[i]:
            j += 1
        spans[i] = j - i
        i = j
    return spans


# ---------------------------------------------------------------------------------------------
# Conclusions


def _advice_for(row: Mapping[str, Any]) -> str | None:
    advice = load_yaml("advice.yaml")
    name = str(row["name"])
    for entry in advice["by_keyword"]:
        if any(k in name for k in entry["keys"]):
            return entry["text"]
    level2 = str(row["level2"])
    for entry in advice["by_keyword"]:
        if any(k in level2 for k in entry["keys"]):
            return entry["text"]
    return advice["by_level1"].get(row["level1"])


def score_achievements(
    ev: Evaluation, subject: str, *, levels: set[str] | None = None, limit: int = 5
) -> list[str]:
    """主要成效 of a scored evaluation: the total and level-1 points, then up to ``limit``
    full-score indicators (of ``levels`` when given), largest weight first."""
    t = ev.table[ev.table["applicable"]]
    full = t[t["lost"] <= 0.005]
    if levels is not None:
        full = full[full["level1"].isin(levels)]
    full = full.sort_values("weight", ascending=False, kind="stable")
    out = [
        f"{subject}得分 {fmt.num(ev.total)} 分，评价等级为“{ev.grade}”；"
        + "，".join(
            f"{r.level1} {fmt.num(r.score)}/{fmt.num(r.weight)} 分"
            for r in ev.level1_table.itertuples()
        )
        + "。"
    ]
    for r in full.head(limit).to_dict("records"):
        if r["rule"] in ("qualitative", "checklist"):
            out.append(f"{r['name']}：{_actual_text(r)}，得满分。")
        else:
            out.append(f"{r['name']}：实际 {_actual_text(r)}，达到目标（{_target_text(r)}）。")
    return out


def framework_advice(ev: Evaluation) -> list[str]:
    """改进建议 from the framework file's ``advice`` (one per level-1 indicator that lost
    points, in the order they lost them, without repeats)."""
    advice = load_yaml("frameworks", f"{ev.framework.id}.yaml").get("advice") or {}
    return list(
        dict.fromkeys(advice[l1] for l1 in dict.fromkeys(ev.lost["level1"]) if l1 in advice)
    )


def with_case_conclusions(
    case: Any,
    achievements: list[str],
    problems: list[str],
    suggestions: list[str],
    *,
    no_problem: str,
    no_suggestion: str,
) -> dict[str, list[str]]:
    """The automatic conclusions followed by the evaluator's own (``conclusions:`` in the case);
    an empty 问题 or 建议 list gets its default sentence."""
    extra = getattr(case, "conclusions", None)
    if extra is not None:
        achievements = achievements + list(extra.achievements)
        problems = problems + list(extra.problems)
        suggestions = suggestions + list(extra.suggestions)
    return {
        "achievements": achievements,
        "problems": problems or [no_problem],
        "suggestions": suggestions or [no_suggestion],
    }


def conclusion_lists_html(c: Mapping[str, Sequence[str]], *, numbered: bool = True) -> HTML:
    """主要成效 / 存在问题 / 改进建议 lists as HTML (headings （一）… when ``numbered``)."""
    heads = ("主要成效", "存在问题", "改进建议")
    marks = ("（一）", "（二）", "（三）") if numbered else ("", "", "")
    return HTML(
        "".join(
            f"<h3>{mark}{head}</h3>" + bullet_list(c[key])
            for mark, head, key in zip(
                marks, heads, ("achievements", "problems", "suggestions"), strict=True
            )
        )
    )


def conclusions(ev: Evaluation, *, max_achievements: int = 5) -> dict[str, list[str]]:
    """主要成效, 存在问题 and 改进建议 drawn from the indicators, plus the case's own findings.

    - 成效: full-score 产出/效益/满意度 indicators, largest weight first;
    - 问题: every indicator that lost points, largest loss first, with its reason and the case's
      note (偏差原因);
    - 建议: one suggestion per problem from ``methods/_data/advice.yaml`` (matched by name,
      level-2, then level-1), without repeats.
    """
    achievements = score_achievements(
        ev, "项目总体", levels={"产出", "效益", "满意度"}, limit=max_achievements
    )
    problems, suggestions = [], []
    for r in ev.lost.to_dict("records"):
        text = f"{r['level1']}—{r['name']}：{r['reason']}"
        if isinstance(r["note"], str) and r["note"]:
            text += f"。原因：{r['note']}"
        problems.append(text + ("" if text.endswith("。") else "。"))
        tip = _advice_for(r)
        if tip and tip not in suggestions:
            suggestions.append(tip)
    return with_case_conclusions(
        ev.case,
        achievements,
        problems,
        suggestions,
        no_problem="各项指标均达到目标，未发现明显问题。",
        no_suggestion="保持现有管理水平，持续跟踪项目效益。",
    )


def conclusions_html(ev: Evaluation) -> HTML:
    """The three conclusion lists as HTML (（一）主要成效 …)."""
    return conclusion_lists_html(conclusions(ev))


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def grade_robustness(ev: Evaluation):
    """How robust the grade is to the level-1 weights (Monte Carlo, :mod:`methods.robustness`).

    Dirichlet draws around the level-1 points with the case's ``options.robustness``
    (concentration, draws, seed); the case's level-1 得分率 stay fixed.
    """
    from methods.robustness import weight_sensitivity

    opts = getattr(getattr(ev.case, "options", None), "robustness", None)
    lt = ev.level1_table
    scores = pd.DataFrame(
        [lt["score"].to_numpy() / lt["weight"].to_numpy()],
        columns=list(lt["level1"]),
        index=[ev.case.case_id],
    )
    weights = pd.Series(
        lt["weight"].to_numpy() / lt["weight"].sum() * 100, index=list(lt["level1"])
    )
    return weight_sensitivity(
        scores,
        weights,
        concentration=getattr(opts, "concentration", 100.0),
        n=getattr(opts, "draws", 10_000),
        seed=getattr(opts, "seed", 20200210),
        bands=ev.bands,
    )


def robustness_html(result) -> HTML:
    """One line: 该等级在权重扰动下保持的概率, with how the weights were perturbed."""
    row = result.table.iloc[0]
    hold = row["p_grade_holds"] * 100
    text = (
        f"<p><b>该等级在权重扰动下保持的概率: {fmt.num(hold, 1)}%</b>"
        f"（一级指标分值按 Dirichlet 分布随机扰动，集中度 {fmt.num(result.concentration)}，"
        f"{result.n:,} 次抽样，随机种子 {result.seed}；总分 90% 区间 "
        f"{fmt.num(row['total_p05'])}–{fmt.num(row['total_p95'])} 分）。</p>"
    )
    return HTML(text)


def weights_html(ev: Evaluation) -> str:
    """How the weights were derived: the AHP matrix with λmax, CI, RI and CR, or Delphi rounds."""
    if not ev.derivations:
        return "<p>各指标分值由案例文件直接给出。</p>"
    parts = []
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
                parts.append(
                    f"<p>{esc(what)}：层次分析法判断矩阵</p>"
                    + html_table(rows, ["", *labels], numeric=range(1, len(labels) + 1))
                )
            ri = (
                f"{esc(getattr(r, 'ri_table', ''))}，RI = {fmt.num(getattr(r, 'ri', float('nan')), 2)}"
                if hasattr(r, "ri")
                else ""
            )
            verdict = "通过（CR ≤ 0.10）" if d.consistent else "未通过（CR > 0.10），建议修正判断"
            parts.append(f"<p>{esc(d.note)}；随机一致性指标表：{ri}；一致性检验{verdict}。</p>")
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
            parts.append(f"<p>{esc(what)}：德尔菲法（{esc(d.note)}）</p>")
            header = ["轮次", "专家数", "Kendall W", "χ²", "自由度", "p 值"]
            parts.append(html_table(rows, header, numeric=range(1, 6)))
        rows = [
            [str(k), fmt.num(d.weights[k] * 100, 2) + "%", fmt.num(d.points[k], 2)]
            for k in d.weights.index
        ]
        parts.append(html_table(rows, ["对象", "权重", "分值"], numeric=(1, 2)))
    return "".join(parts)


def _fraction(v: float) -> str:
    """A judgement as Saaty writes it: 3, 1/3, 1."""
    if v >= 1 or v <= 0:
        return fmt.num(v, 2)
    inv = 1 / v
    return f"1/{fmt.num(inv, 2)}"


def method_notes(ev: Evaluation) -> HTML:
    """How the scores were made: framework and its source, rules used, choices, warnings."""
    used = sorted(set(ev.table["rule"]), key=list(RULE_NAMES).index)
    rules = load_yaml("rules.yaml")["rules"]
    rule_rows = [[rules[r]["name"], rules[r]["formula"], rules[r]["status"]] for r in used]
    parts = [
        f"<p>指标框架：{esc(ev.framework.name)}。来源：{esc(ev.framework.source)}（{esc(ev.framework.status)}）。</p>",
        html_table(rule_rows, ["计分规则", "计分方法", "依据状态"]),
        "<p>末级指标得分四舍五入保留两位小数，一级指标得分和总分为末级指标得分之和。"
        "依据状态：reg 法规文件，local 地方规定，practice 实务通行做法，unverified 常见做法但未核实原文。</p>",
    ]
    if ev.notes:
        parts.append("<p>计分口径说明：</p>" + bullet_list(ev.notes))
    files = ev.case.data_files()
    if files:
        private = {ev.case.resolve(v) for v in ev.case.private_paths()}
        rows = [
            [
                f.name,
                f"{f.stat().st_size:,} 字节",
                _sha256(f)[:16],
                "个人数据，仅存哈希，未存档" if f in private else "已随报告存档",
            ]
            for f in files
        ]
        parts.append("<p>数据文件与佐证材料（哈希见 provenance.json）：</p>")
        parts.append(html_table(rows, ["文件", "大小", "SHA-256（前 16 位）", "存档方式"]))
    parts.append("<p>权重确定方法：</p>" + weights_html(ev))
    if ev.warnings:
        parts.append('<div class="jx-warn"><p>提示：</p>' + bullet_list(ev.warnings) + "</div>")
    return HTML("".join(parts))


def benchmark_table(ev: Evaluation) -> HTML:
    """与案例库对标: where each actual value stands among archived cases of the same indicator."""
    from methods import standards

    pos = standards.position(ev.case, ev.table)
    if pos.empty:
        return HTML(
            "<p>案例库中暂无同一指标的历史或同类案例数据（运行更多案例后，此处显示本案例在案例库中的位置）。</p>"
        )
    rows = [
        [
            r.name,
            fmt.with_unit(r.actual, r.unit),
            str(r.n),
            fmt.num(r.p25),
            fmt.num(r.p50),
            fmt.num(r.p75),
            f"{fmt.num(r.rank_pct, 0)}%",
        ]
        for r in pos.itertuples()
    ]
    header = ["指标", "本案例实际值", "案例库样本数", "P25", "中位数", "P75", "不高于本案例的比例"]
    note = '<p class="jx-note">比较对象：案例库中同一指标代码的全部已存档案例（不含本案例）。</p>'
    return HTML(html_table(rows, header, numeric=range(1, 7)) + note)


# ---------------------------------------------------------------------------------------------
# results.json


def case_results(case: Case, **blocks: Any) -> dict[str, Any]:
    """The keys every ``results.json`` has (contracts §4), for any evaluation type.

    Evaluations without a score leave ``total_score`` and ``grade`` None, ``level1`` and
    ``indicators`` empty; each adds its own block (e.g. ``portfolio``, ``cba``, ``survey``).
    """
    b = case.budget
    out: dict[str, Any] = {
        "case_id": case.case_id,
        "title": case.title,
        "year": case.year,
        "department": case.department,
        "evaluation": case.evaluation,
        "budget_type": case.budget_type,
        "object_type": case.object_type,
        "total_score": None,
        "grade": None,
        "level1": {},
        "indicators": [],
        "warnings": [],
    }
    if b is not None:
        out["budget"] = {
            "planned": b.planned,
            "allocated": b.allocated,
            "spent": b.spent,
            "unit": b.unit,
            "execution_rate": None
            if b.execution_rate is None
            else fmt.round_half_up(b.execution_rate, 4),
            "arrival_rate": None
            if b.arrival_rate is None
            else fmt.round_half_up(b.arrival_rate, 4),
        }
    out.update(blocks)
    return _jsonable(out)


def results(ev: Evaluation, **extra: Any) -> dict[str, Any]:
    """The machine-readable results of a scored evaluation (contracts §4).

    Keys: ``case_id``, ``title``, ``year``, ``department``, ``evaluation``, ``budget_type``,
    ``object_type``, ``total_score``, ``grade``, ``grade_bands``, ``level1`` (name → points),
    ``level1_weights``, ``indicators`` (code, name, level1, level2, weight, score, lost, …),
    ``warnings``, ``notes``, ``framework``, ``budget``, ``conclusions``; plus ``extra`` blocks.
    """
    case = ev.case
    indicators = []
    for r in ev.table.to_dict("records"):
        target: Any = r["target"]
        if r["rule"] == "range":
            target = [r["target"], r["target_high"]]
        elif isinstance(r.get("target_text"), str):
            target = r["target_text"]
        indicators.append(
            {
                "code": r["code"],
                "name": r["name"],
                "level1": r["level1"],
                "level2": r["level2"],
                "level3": r["level3"] if isinstance(r["level3"], str) else None,
                "weight": round(float(r["weight"]), 4),
                "design_weight": float(r["design_weight"]),
                "rule": r["rule"],
                "variant": r["variant"] if isinstance(r["variant"], str) else None,
                "target": target,
                "actual": r["actual"] if r["rule"] not in ("qualitative", "checklist") else None,
                "unit": r["unit"] or None,
                "tier": r["tier"] if isinstance(r["tier"], str) else None,
                "applicable": bool(r["applicable"]),
                "score": r["score"],
                "lost": r["lost"] if r["applicable"] else None,
                "reason": r["reason"],
                "target_basis": r["target_basis"] if isinstance(r["target_basis"], str) else None,
                "actual_basis": r["actual_basis"] if isinstance(r["actual_basis"], str) else None,
            }
        )
    out = {
        **case_results(case),
        "total_score": ev.total,
        "grade": ev.grade,
        "grade_bands": {"name": ev.bands.name, "bands": dict(ev.bands.bands)},
        "level1": {r.level1: r.score for r in ev.level1_table.itertuples()},
        "level1_weights": {r.level1: r.weight for r in ev.level1_table.itertuples()},
        "indicators": indicators,
        "warnings": list(ev.warnings),
        "notes": list(ev.notes),
        "framework": {
            "id": ev.framework.id,
            "name": ev.framework.name,
            "source": ev.framework.source,
            "status": ev.framework.status,
        },
        "conclusions": conclusions(ev),
        "weights": [d.to_dict() for d in ev.derivations],
    }
    robustness = extra.pop("robustness", None)
    if robustness is not None:
        row = robustness.table.iloc[0]
        out["robustness"] = {
            "grade_hold_probability": float(row["p_grade_holds"]),
            "total_p05": float(row["total_p05"]),
            "total_p95": float(row["total_p95"]),
            "concentration": robustness.concentration,
            "draws": robustness.n,
            "seed": robustness.seed,
        }
    out.update(extra)
    return _jsonable(out)


def start(case: Case, kind: str | None = None, *, meta: Sequence[str] | None = None) -> Document:
    """Begin a report notebook's document: title and meta line, shown at once in the notebook.

    Sections are added with :func:`show` as the notebook builds them; :func:`publish` hands the
    whole document to the runner, which renders report.html and report.docx from it.
    """
    if meta is None:
        meta = (f"{case.department} ｜ {case.year} 年度 ｜ {case.evaluation_type.title}",)
    doc = Document(report_title(case, kind), tuple(meta))
    display(doc.title_block())
    return doc


def assemble(case: Case, sections: Sequence[Section], kind: str | None = None) -> Document:
    """A whole report document from its sections (what a notebook builds one section at a time)."""
    meta = (f"{case.department} ｜ {case.year} 年度 ｜ {case.evaluation_type.title}",)
    return Document(report_title(case, kind), meta).add(list(sections))


def show(doc: Document, *parts: Any) -> None:
    """Display sections (or blocks) in the notebook and add them to the document, in order."""
    for part in parts:
        if part is None:
            continue
        for item in part if isinstance(part, list | tuple) else (part,):
            if item is None:
                continue
            section = item if isinstance(item, Section) else group(item)
            display(section)
            doc.add(section)


def figure(fig: Any, caption: str, alt: str = "", *, width: float = 1.0) -> Figure:
    """A matplotlib figure as a report figure (PNG at print resolution); the figure is closed."""
    return Figure.from_matplotlib(fig, caption, alt or caption, width=width)


def publish(
    result: Mapping[str, Any], path: str | Path | None = None, *, document: Document | None = None
) -> None:
    """Hand the results (and the report document) to the runner: tagged outputs in the notebook,
    and a results file if ``path``.

    ``jixiao run`` reads the output of type ``application/vnd.jixiao.results+json`` (and
    ``application/vnd.jixiao.document+json``, the outline it renders report.html and report.docx
    from) from the executed notebook; both are left out of the HTML report.
    """
    if document is not None:
        display(
            {DOCUMENT_MIME: document.to_dict(), "text/plain": f"报告文档：{document.title}"},
            raw=True,
        )
    data = _jsonable(dict(result))
    score = data.get("total_score")
    summary = f"评价结果已生成：{data.get('case_id')}"
    if score is not None:
        summary += f"，总分 {fmt.num(score)}，等级 {data.get('grade')}"
    display({RESULTS_MIME: data, "text/plain": summary}, raw=True)
    if path:
        Path(path).write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
