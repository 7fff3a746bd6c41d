"""部门预算绩效管理工作考核 (evaluation: work_assessment): coverage of 事前评估, 目标, 监控, 自评 and
重点评价 per department, computed from the case library, scored and ranked.

Coverage of a stage = distinct projects of the department with an archived case of that evaluation
type (``project_id``) for the budget year the stage concerns in the assessed work year (事前评估 and
目标 for next year's budget, 监控 of this year's, 自评 and 重点评价 of last year's; ``year_offset``),
÷ the department's count of projects in scope (all projects, major new ones for 事前评估, key
projects for 重点评价), capped at 100%. Each coverage is
scored by the positive rule against 100% with the stage's points (``methods/_data/work_assessment.yaml``,
status unverified), totals are graded and ranked.

A stage a department has not fully covered is a problem of the report (:func:`find`: facts per
department, 原因分析 that says no cause was given and that unarchived work is not counted, one
suggestion to the departments and the finance bureau; rules in ``findings`` of the same data).

This module holds the case model, its checks, the analysis (:func:`analyse` →
:class:`Assessment`) and the report outline (``section_*``, :data:`OUTLINE`, :func:`outline`):
一 基本情况, 二 考核依据和方法, 三 考核结果, 四 存在的问题, 五 改进建议, 六 其他需要说明的问题 and a
技术附件 with the framework, stage identifiers and the archived cases counted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Budget, Case, EvaluationType, _Model, register
from methods.errors import CaseError
from methods.report import blocks, official
from methods.report import findings as fnd
from methods.report.document import Document, Paragraph, Section, Table

# ---------------------------------------------------------------------------------------------
# Case model


class Scope(_Model):
    """A department's projects in scope for the budget year."""

    projects: int = Field(ge=0, description="纳入预算绩效管理的项目数")
    major_new: int | None = Field(None, ge=0, description="新增重大项目数（事前评估的应覆盖数）")
    key_projects: int | None = Field(None, ge=0, description="重点评价项目数")


class WorkAssessmentCase(Case):
    budget: Budget | None = None  # type: ignore[assignment]
    framework: str = "wujin_default"
    work_year: int | None = Field(None, description="被考核的工作年度（默认为案例年度的上一年）")
    departments: dict[str, Scope] = Field(min_length=1)
    overview: str | None = None


def _check(case: Case) -> list[str]:
    assert isinstance(case, WorkAssessmentCase)
    preset(case.framework)
    work_year = case.work_year or case.year - 1
    if work_year >= case.year:
        raise CaseError(
            f"被考核的工作年度 {work_year} 应早于考核年度 {case.year}", field=("work_year",)
        )
    return []


register(
    EvaluationType(
        name="work_assessment",
        title="部门预算绩效管理工作考核",
        notebook="work_assessment.ipynb",
        model=WorkAssessmentCase,
        check=_check,
        report_kind="报告",
        reads_library=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Analysis


def preset(name: str) -> dict[str, Any]:
    data = load_yaml("work_assessment.yaml")["presets"]
    if name not in data:
        raise CaseError(f"未知的考核框架 '{name}'（可用：{'、'.join(data)}）", field=("framework",))
    return data[name]


@dataclass(frozen=True)
class Assessment:
    coverage: pd.DataFrame  # department × stage: count, denominator, rate
    scores: pd.DataFrame  # department, stage scores, total, grade, rank
    framework: dict[str, Any]
    case: Any = None
    counted: pd.DataFrame | None = None  # the archived cases counted (技术附件)

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework["name"],
            "coverage": json.loads(self.coverage.to_json(orient="records", force_ascii=False)),
            "ranking": json.loads(self.scores.to_json(orient="records", force_ascii=False)),
        }


def analyse(case) -> Assessment:
    """Coverage of every stage per department from the library, scored, graded and ranked."""
    from methods import scoring
    from methods.standards import require_library

    fw = preset(case.framework)
    lib = require_library(case, "考核", ("departments",))
    work_year = case.work_year or case.year - 1
    rows, counted = [], []
    for dept, scope in case.departments.items():
        for stage in fw["stages"]:
            denominator = getattr(scope, stage["denominator"])
            if denominator is None:
                denominator = scope.projects
            where = (dept, stage["evaluation"], work_year + stage.get("year_offset", 0))
            found = lib.query(
                "SELECT COUNT(DISTINCT project_id) AS n FROM cases WHERE department = ? AND evaluation = ? AND year = ?",
                where,
            )[0]["n"]
            for c in lib.query(
                "SELECT case_id, project_id, year FROM cases WHERE department = ? AND evaluation = ? AND year = ? ORDER BY case_id",
                where,
            ):
                counted.append(
                    {
                        "department": dept,
                        "stage": stage["name"],
                        "case_id": c["case_id"],
                        "year": int(c["year"]),
                        "project_id": c["project_id"],
                    }
                )
            rate = 100.0 if denominator == 0 else min(found / denominator, 1.0) * 100
            rows.append(
                {
                    "department": dept,
                    "code": stage["code"],
                    "stage": stage["name"],
                    "evaluation": stage["evaluation"],
                    "year": work_year + stage.get("year_offset", 0),
                    "count": int(found),
                    "denominator": int(denominator),
                    "rate": rate,
                    "weight": float(stage["weight"]),
                }
            )
    cov = pd.DataFrame(rows)
    table = cov.assign(rule="positive", target=100.0, actual=cov["rate"], case_id=cov["department"])
    cov["score"] = scoring.score_frame(table).to_numpy()
    totals = cov.groupby("department", sort=False)["score"].sum().round(2)
    bands = case.grade_bands or fw.get("grade_bands", "mof_2020")
    scores = cov.pivot(index="department", columns="stage", values="score").reindex(totals.index)
    scores = scores[[s["name"] for s in fw["stages"]]]
    scores["total"] = totals
    scores["grade"] = scoring.grade_array(totals.to_numpy(), bands)
    scores["rank"] = scores["total"].rank(ascending=False, method="min").astype(int)
    scores = scores.sort_values(["rank"]).reset_index()
    counted_df = pd.DataFrame(
        counted, columns=["department", "stage", "case_id", "year", "project_id"]
    )
    return Assessment(cov, scores, fw, case, counted_df)


# ---------------------------------------------------------------------------------------------
# Findings: the stages not fully covered, one suggestion each


def findings_rules() -> dict[str, Any]:
    """The findings rules of an assessment (``findings`` in ``methods/_data/work_assessment.yaml``)."""
    return load_yaml("work_assessment.yaml")["findings"]


def finance_name(case) -> str:
    """The finance bureau as suggestions name it (the case's short name, else its name)."""
    return case.department_short or case.department


def _departments(names: list[str], all_names: list[str]) -> str:
    """The departments a suggestion is addressed to: 各被考核部门 when all of them, else their
    names (the first three and a count beyond)."""
    if len(names) == len(all_names) and len(all_names) > 1:
        return "各被考核部门"
    if len(names) <= 3:
        return "、".join(names)
    return "、".join(names[:3]) + f"等{len(names)}个部门"


def _coverage_facts(low: pd.DataFrame) -> str:
    """The departments below full coverage: those with none in one clause, the others each with
    projects covered, in scope and the rate."""
    zero = low[low["count"] == 0]
    parts = []
    if len(zero) == 1:
        r = zero.iloc[0]
        parts.append(f"{r['department']}无开展记录（应覆盖{r['denominator']}个）")
    elif len(zero) > 1:
        counts = "、".join(f"{d}个" for d in zero["denominator"])
        parts.append(f"{'、'.join(zero['department'])}均无开展记录（应覆盖项目分别为{counts}）")
    parts += [
        f"{r.department}已开展{r.count}个、应覆盖{r.denominator}个，覆盖率{fmt.num(r.rate, 1)}%"
        for r in low[low["count"] > 0].itertuples()
    ]
    return "；".join(parts)


def _detail(short: str, low: pd.DataFrame, n_all: int, min_rate: float) -> str:
    zero = low[low["rate"] <= 1e-9]
    if len(zero) == len(low) == n_all:
        return f"{n_all}个被考核部门的{short}覆盖率均为0"
    if len(zero) == len(low):
        return f"{len(zero)}个部门的{short}覆盖率为0"
    if len(zero):
        return f"{len(low)}个部门覆盖率不足{fmt.num(min_rate)}%，其中{len(zero)}个部门为0"
    return f"{len(low)}个部门的{short}覆盖率低于{fmt.num(min_rate)}%"


def find(a: Assessment) -> fnd.Findings:
    """The problems and suggestions of an assessment.

    A stage is a problem when a department's coverage is below ``min_rate`` (全覆盖 by
    default): its facts are the departments below, with projects covered and in scope, and the
    stage's average coverage; 原因分析 says the departments gave no explanation and that the
    coverage counts archived cases only. Problems run from the stage that lost most points;
    the case's own ``findings:`` come first; at most ``max_problems``. Each problem gets one
    suggestion to the departments concerned and the finance bureau.
    """
    cfg = findings_rules()
    case = a.case
    cov = a.coverage
    all_names = list(dict.fromkeys(cov["department"])) if len(cov) else []
    problems: list[fnd.Problem] = []
    addressed: list[str] = []
    for f in case.findings or []:
        problems.append(fnd.stated_problem(f, theme="other"))
        addressed.append(_departments(all_names, all_names))
    staged = []
    for stage in a.framework["stages"]:
        rows = cov[cov["code"] == stage["code"]]
        low = rows[rows["rate"] < cfg["min_rate"] - 1e-9]
        if low.empty:
            continue
        entry = cfg["stages"].get(stage["code"], {})
        short = entry.get("title", stage["name"].removesuffix("覆盖率"))
        scope = cfg["scope"].get(stage["denominator"], "应覆盖的项目")
        year = int(rows["year"].iloc[0])
        facts = [
            f"{year}年度预算{scope}中，{_coverage_facts(low)}",
            f"全部被考核部门的{short}平均覆盖率{fmt.num(rows['rate'].mean(), 1)}%",
        ]
        heading = entry.get("heading", f"{short}未实现全覆盖，{{detail}}。").format(
            detail=_detail(short, low, len(rows), cfg["min_rate"])
        )
        lost = float((rows["weight"] - rows["score"]).sum())
        problem = fnd.Problem(
            theme=stage["code"],
            theme_title=short,
            heading=heading,
            facts=tuple(facts),
            causes=(),
            kind="loss",
            codes=(stage["code"],),
            lost=lost,
            short=f"{short}覆盖率偏低",
        )
        staged.append((problem, _departments(list(low["department"]), all_names)))
    staged.sort(key=lambda x: -x[0].lost)
    for problem, depts in staged:
        problems.append(problem)
        addressed.append(depts)
    cap = cfg["max_problems"]
    problems, addressed = problems[:cap], addressed[:cap]
    advice = tuple(
        _advice(p, i, depts, case)
        for i, (p, depts) in enumerate(zip(problems, addressed, strict=True), 1)
    )
    return fnd.Findings(tuple(problems), advice, ())


def _advice(p: fnd.Problem, number: int, depts: str, case) -> fnd.Advice:
    cfg = findings_rules()
    entry = cfg["stages"].get(p.theme, cfg["other"])
    slots = {
        "depts": p.responsible or depts,
        "finance": finance_name(case),
        "short": p.short,
        "deadline": cfg["deadline_placeholder"],
    }
    title = entry["advice"]["title"].format(**slots)
    text = p.advice or entry["advice"]["text"].format(**slots)
    text = re.sub(r"\s+", "", fnd.tidy(text))
    return fnd.Advice(number, title, text if text.endswith("。") else text + "。")


def cause_text(p: fnd.Problem) -> str:
    """原因分析 of an assessment problem: the stated cause, else that none was given and that
    work not archived in the case library is not counted."""
    if p.causes:
        return p.cause_text
    if p.theme in findings_rules()["stages"]:
        return (
            f"原因分析：被考核部门未提供相关说明，{p.short}的原因有待进一步核实。"
            f"因覆盖率按案例库中已存档的案例统计，已开展但未存档的{p.theme_title}工作是否存在，"
            "有待进一步核实。"
        )
    return p.cause_text


def conclusion(a: Assessment, fd: fnd.Findings | None = None) -> str:
    """考核结论 in official prose: departments, average score and grades, highest and lowest,
    the best and worst covered stages, and the main problems."""
    fd = fd if fd is not None else find(a)
    case = a.case
    s = a.scores
    work_year = case.work_year or case.year - 1
    if s.empty:
        return f"经考核，{work_year}年度无被考核部门。"
    grades = [g for g in ("优", "良", "中", "差") if g in set(s["grade"])]
    if len(grades) == 1:
        counts = f"均为“{grades[0]}”"
    else:
        counts = "为" + "、".join(f"“{g}”{int((s['grade'] == g).sum())}个" for g in grades)
    top, bottom = s.iloc[0], s.iloc[-1]
    text = (
        f"经考核，{len(s)}个部门{work_year}年度预算绩效管理工作平均得分{fmt.fixed(s['total'].mean())}分，"
        f"考核等级{counts}；{top['department']}得分最高（{fmt.fixed(top['total'])}分），"
        f"{bottom['department']}得分最低（{fmt.fixed(bottom['total'])}分）。"
    )
    means = a.coverage.groupby("stage", sort=False)["rate"].mean()
    if len(means) > 1:
        best, worst = means.idxmax(), means.idxmin()
        text += (
            f"各环节中，{best}平均{fmt.num(means[best], 1)}%，为各环节最高；"
            f"{worst}平均{fmt.num(means[worst], 1)}%，为各环节最低。"
        )
    if fd.problems:
        titles = [p.theme_title for p in fd.problems[:3]]
        shown = "、".join(titles[:-1]) + "和" + titles[-1] if len(titles) > 1 else titles[0]
        text += f"全过程预算绩效管理在{shown}等环节尚未实现全覆盖。"
    else:
        text += "各环节均实现全覆盖。"
    return fnd.tidy(text)


def results(a: Assessment) -> dict[str, Any]:
    """results.json (contracts §4) with the ``work_assessment`` block and the report's
    ``findings`` (problems and the suggestions that answer them)."""
    from methods.report import case_results

    return case_results(a.case, work_assessment=a.to_dict(), findings=find(a).to_dict())


# ---------------------------------------------------------------------------------------------
# Report outline


def ranking_table(a: Assessment) -> Table:
    """考核得分与排名: the stage scores, total, grade and rank of every department."""
    stages = [s["name"] for s in a.framework["stages"]]
    weights = {s["name"]: s["weight"] for s in a.framework["stages"]}
    rows = [
        [
            str(int(r["rank"])),
            r["department"],
            *[fmt.fixed(r[s]) for s in stages],
            fmt.fixed(r["total"]),
            r["grade"],
        ]
        for r in a.scores.to_dict("records")
    ]
    header = ["名次", "部门", *[f"{s}（{fmt.num(weights[s])}分）" for s in stages], "总分", "等级"]
    return Table(rows, header, numeric=range(2, 3 + len(stages)))


def coverage_table(a: Assessment) -> Table:
    """各环节覆盖率: department, stage, the budget year, projects covered, in scope, coverage."""
    rows = [
        [
            r.department,
            r.stage,
            f"{r.year}年度",
            str(r.count),
            str(r.denominator),
            fmt.num(r.rate, 1) + "%",
        ]
        for r in a.coverage.itertuples()
    ]
    note = (
        "说明：覆盖率为案例库中该部门已存档的该环节项目数除以应覆盖项目数（不超过100%）；"
        "应覆盖项目数为0的环节按100%计。"
    )
    header = ["部门", "环节", "预算年度", "已开展项目数", "应覆盖项目数", "覆盖率"]
    return Table(rows, header, numeric=(3, 4, 5), note=note)


def plot_coverage(a: Assessment, ax=None):
    """Heat map of coverage (department × stage); returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    m = a.coverage.pivot(index="department", columns="stage", values="rate")
    m = m[[s["name"] for s in a.framework["stages"]]]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.55 * len(m) + 1.6))
    im = ax.imshow(m.to_numpy(), cmap="Blues", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(np.arange(m.shape[1]), [c.replace("覆盖率", "") for c in m.columns])
    ax.set_yticks(np.arange(m.shape[0]), m.index)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            v = m.iloc[i, j]
            ax.text(
                j,
                i,
                f"{v:.0f}%",
                ha="center",
                va="center",
                color="white" if v > 60 else "#222",
                fontsize=9,
            )
    ax.figure.colorbar(im, ax=ax, label="覆盖率（%）")
    ax.set_title("各部门全过程绩效管理覆盖率")
    return ax


def _grading(a: Assessment) -> str:
    from methods import scoring

    bands = scoring.grade_bands(a.case.grade_bands or a.framework.get("grade_bands", "mof_2020"))
    b = bands.bands
    text = "、".join(
        f"{fmt.num(lo)}分（含）以上为“{g}”"
        if i == 0
        else f"{fmt.num(lo)}分（含）至{fmt.num(b[i - 1][1])}分为“{g}”"
        for i, (g, lo) in enumerate(b)
        if lo > 0
    )
    bottom = b[-2][1] if len(b) > 1 else 0
    grading = a.framework.get("grading") or {}
    basis = ""
    if grading.get("text"):
        basis = f"{blocks.cite(grading['text'])}（{blocks.status_text(grading.get('status'))}）。"
    return f"考核等级按{text}、{fmt.num(bottom)}分以下为“{b[-1][0]}”划分。{basis}"


def section_basic(a: Assessment) -> Section:
    """一、基本情况"""
    case = a.case
    work_year = case.work_year or case.year - 1
    deps = case.departments
    total = sum(s.projects for s in deps.values())
    major = sum(s.major_new or 0 for s in deps.values())
    key = sum(s.key_projects or 0 for s in deps.values())
    short = case.department_short
    by = case.department + (f"（以下简称“{short}”）" if short and short != case.department else "")
    scope = (
        f"本次考核由{by}组织，对象为{len(deps)}个区级部门（单位）{work_year}年度的预算绩效管理工作，"
        f"纳入预算绩效管理的项目合计{total}个，其中新增重大项目{major}个、重点评价项目{key}个。"
    )
    rows = [
        [
            name,
            str(s.projects),
            "—" if s.major_new is None else str(s.major_new),
            "—" if s.key_projects is None else str(s.key_projects),
        ]
        for name, s in deps.items()
    ]
    table = Table(
        rows,
        ["部门", "纳入预算绩效管理的项目数", "新增重大项目数", "重点评价项目数"],
        numeric=(1, 2, 3),
    )
    work = case.work
    process = (work.process if work else None) or None
    steps = [process] if isinstance(process, str) else list(process or [])
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）考核对象和范围",
                [official.overview_paragraph(case, "考核概况"), Paragraph(fnd.tidy(scope)), table],
                level=2,
            ),
            Section(
                "（二）考核工作过程",
                [Paragraph(fnd.tidy(f"{i}. {s.rstrip('。')}。")) for i, s in enumerate(steps, 1)]
                or [Paragraph(f"考核工作过程：{official.NOT_GIVEN}")],
                level=2,
            ),
        ],
    )


def section_method(a: Assessment) -> Section:
    """二、考核依据和方法"""
    fw = a.framework
    cfg = findings_rules()
    case = a.case
    work_year = case.work_year or case.year - 1
    rows = []
    for s in fw["stages"]:
        year = work_year + s.get("year_offset", 0)
        scope = cfg["scope"].get(s["denominator"], "应覆盖的项目")
        rows.append(
            [
                s["name"].removesuffix("覆盖率"),
                fmt.num(s["weight"]),
                f"{year}年度预算{scope}中已开展{cfg['stages'].get(s['code'], {}).get('title', s['name'])}的比例",
                scope,
            ]
        )
    table = Table(rows, ["考核环节", "分值", "考核内容", "应覆盖项目"], numeric=(1,))
    return Section(
        "二、考核依据和方法",
        [
            Section(
                "（一）考核依据",
                [
                    Paragraph(
                        fnd.tidy(
                            f"{blocks.cite(fw['source'])}（{blocks.status_text(fw['status'])}）。"
                        )
                    )
                ],
                level=2,
            ),
            Section(
                "（二）考核内容和分值",
                [
                    Paragraph(
                        f"考核{work_year}年度开展的事前绩效评估、绩效目标管理、绩效运行监控、"
                        "绩效自评和重点绩效评价五个环节的覆盖情况：当年开展的事前评估和目标管理针对下一年度预算，"
                        "运行监控针对当年预算，自评和重点评价针对上一年度预算。"
                    ),
                    table,
                ],
                level=2,
            ),
            Section(
                "（三）计分方法和考核等级",
                [
                    Paragraph(
                        "各环节覆盖率为部门已开展该环节的项目数除以应覆盖项目数（不超过100%，"
                        "应覆盖项目数为0的按100%计），环节得分为分值乘以覆盖率，各环节得分之和为考核得分。"
                    ),
                    Paragraph(fnd.tidy(_grading(a))),
                ],
                level=2,
            ),
        ],
    )


def section_results(a: Assessment) -> Section:
    """三、考核结果"""
    fd = find(a)
    return Section(
        "三、考核结果",
        [
            Section("（一）总体情况", [Paragraph(conclusion(a, fd))], level=2),
            Section("（二）各部门得分和排名", [ranking_table(a)], level=2),
            Section(
                "（三）各环节覆盖情况",
                [
                    blocks.chart(
                        plot_coverage(a).figure,
                        "各部门全过程绩效管理覆盖率",
                        "各部门（行）在事前评估、绩效目标、运行监控、绩效自评、重点评价五个环节（列）"
                        "的覆盖率热力图，颜色越深覆盖率越高",
                    ),
                    coverage_table(a),
                ],
                level=2,
            ),
        ],
    )


def section_problems(a: Assessment) -> Section:
    """四、存在的问题"""
    fd = find(a)
    parts: list[Any] = []
    for i, p in enumerate(fd.problems, 1):
        blocks_ = [Paragraph(fnd.tidy(p.facts_text))] if p.facts else []
        blocks_.append(Paragraph(fnd.tidy(cause_text(p))))
        parts.append(
            Section(f"（{official.chinese_number(i)}）{p.heading.rstrip('。')}", blocks_, level=2)
        )
    if not parts:
        parts = [Paragraph("各被考核部门各环节均实现全覆盖，未发现需要单独列示的问题。")]
    return Section("四、存在的问题", parts)


def section_advice(a: Assessment) -> Section:
    """五、改进建议"""
    return official.advice_section(find(a), title="五、改进建议")


def section_other(a: Assessment) -> Section:
    """六、其他需要说明的问题"""
    case = a.case
    items = [
        "覆盖率口径。各环节已开展项目数按案例库中已存档、属于该部门且预算年度相符的案例统计"
        "（同一项目多次存档的只计一次）；未存入案例库的工作不计入。",
        "应覆盖项目数。各部门纳入预算绩效管理的项目数、新增重大项目数和重点评价项目数由考核案例提供，"
        "未逐项核实。",
    ]
    zero = [
        f"{r.department}{r.stage.removesuffix('覆盖率')}"
        for r in a.coverage.itertuples()
        if r.denominator == 0
    ]
    if zero:
        items.append(
            "应覆盖项目数为0的环节。" + "、".join(zero) + "的应覆盖项目数为0，该环节按满分计。"
        )
    work = case.work
    if work is not None and work.limitations:
        items += [fnd.tidy(x).rstrip("。") + "。" for x in work.limitations]
    else:
        items.append(f"考核的局限。{official.NOT_GIVEN}")
    return Section(
        "六、其他需要说明的问题", [Paragraph(f"{i}. {x}") for i, x in enumerate(items, 1)]
    )


def section_annex(a: Assessment) -> Section:
    """附件：技术附件"""
    case = a.case
    fw = a.framework
    work_year = case.work_year or case.year - 1
    stage_rows = [
        [
            s["code"],
            s["name"],
            s["evaluation"],
            s["denominator"],
            fmt.num(s["weight"]),
            f"{s.get('year_offset', 0):+d}（{work_year + s.get('year_offset', 0)}年度）",
        ]
        for s in fw["stages"]
    ]
    counted = a.counted
    if counted is not None and len(counted):
        listing: Any = Table(
            [
                [r.department, r.stage, r.case_id, str(r.year), r.project_id or "—"]
                for r in counted.itertuples()
            ],
            ["部门", "环节", "案例编号", "年度", "项目编号"],
        )
    else:
        listing = Paragraph("案例库中没有计入覆盖率的存档案例。")
    grading = fw.get("grading") or {}
    return Section(
        "附件：技术附件",
        [
            Section(
                "（一）考核框架",
                [
                    Paragraph(
                        f"考核案例编号：{case.case_id}；考核框架：{case.framework}（{fw['name']}）；"
                        f"依据状态：{blocks.status_text(fw['status'])}；等级分档："
                        f"{case.grade_bands or fw.get('grade_bands', 'mof_2020')}"
                        + (f"（{blocks.status_text(grading.get('status'))}）" if grading else "")
                        + "。",
                        "note",
                    ),
                    Table(
                        stage_rows,
                        ["代码", "环节", "评价类型", "应覆盖项目口径", "分值", "预算年度偏移"],
                    ),
                    Paragraph(
                        "各环节得分按正向指标规则计分：得分 = 分值 × min(覆盖率, 100%) ÷ 100%；"
                        "总分保留两位小数，名次按总分从高到低并列取最小名次。"
                    ),
                ],
                level=2,
            ),
            Section(
                "（二）计入覆盖率的存档案例",
                [
                    Paragraph(
                        "按部门、评价类型和预算年度从案例库索引中查询，同一项目编号只计一次。"
                    ),
                    listing,
                ],
                level=2,
            ),
        ],
    )


# the level-1 headings of the report (its customary outline; tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、考核依据和方法",
    "三、考核结果",
    "四、存在的问题",
    "五、改进建议",
    "六、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_basic,
    section_method,
    section_results,
    section_problems,
    section_advice,
    section_other,
    section_annex,
)


def outline(a: Assessment) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(a.case, [build(a) for build in OUTLINE])
