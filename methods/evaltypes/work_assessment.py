"""部门预算绩效管理工作考核 (evaluation: work_assessment): coverage of 事前评估, 目标, 监控, 自评 and
重点评价 per department, computed from the case library, scored and ranked.

Coverage of a stage = distinct projects of the department with an archived case of that evaluation
type (``project_id``) for the budget year the stage concerns in the assessed work year (事前评估 and
目标 for next year's budget, 监控 of this year's, 自评 and 重点评价 of last year's; ``year_offset``),
÷ the department's count of projects in scope (all projects, major new ones for 事前评估, key
projects for 重点评价), capped at 100%. Each coverage is
scored by the positive rule against 100% with the stage's points (``methods/_data/work_assessment.yaml``,
status unverified), totals are graded and ranked.

This module holds the case model, its checks, the analysis (:func:`analyse` →
:class:`Assessment`) and the report outline (``section_*``, :data:`OUTLINE`, :func:`outline`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Budget, Case, EvaluationType, _Model, register
from methods.errors import CaseError
from methods.report import blocks
from methods.report.document import Document, Section, Table

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
    rows = []
    for dept, scope in case.departments.items():
        for stage in fw["stages"]:
            denominator = getattr(scope, stage["denominator"])
            if denominator is None:
                denominator = scope.projects
            found = lib.query(
                "SELECT COUNT(DISTINCT project_id) AS n FROM cases WHERE department = ? AND evaluation = ? AND year = ?",
                (dept, stage["evaluation"], work_year + stage.get("year_offset", 0)),
            )[0]["n"]
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
    return Assessment(cov, scores, fw, case)


def results(a: Assessment) -> dict[str, Any]:
    """results.json (contracts §4) with the ``work_assessment`` block."""
    from methods.report import case_results

    return case_results(a.case, work_assessment=a.to_dict())


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
    """各环节覆盖率: department, stage, the cases' year, projects covered, in scope, coverage."""
    rows = [
        [
            r.department,
            r.stage,
            f"{r.year} 年度",
            str(r.count),
            str(r.denominator),
            fmt.num(r.rate, 1) + "%",
        ]
        for r in a.coverage.itertuples()
    ]
    fw = a.framework
    note = (
        f"框架：{fw['name']}；来源：{fw['source']}（{fw['status']}）。"
        "覆盖率 = 案例库中该部门已存档的该环节项目数 ÷ 应覆盖项目数（封顶 100%），按正向规则计分。"
    )
    header = ["部门", "环节", "案例年度", "已开展项目数", "应覆盖项目数", "覆盖率"]
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


def section_scope(a: Assessment) -> Section:
    """一、考核范围与口径"""
    return Section("一、考核范围与口径", [blocks.overview(a.case)])


def section_ranking(a: Assessment) -> Section:
    """二、考核得分与排名"""
    return Section("二、考核得分与排名", [ranking_table(a)])


def section_coverage(a: Assessment) -> Section:
    """三、各环节覆盖率"""
    return Section(
        "三、各环节覆盖率",
        [
            blocks.chart(
                plot_coverage(a).figure,
                "各部门全过程绩效管理覆盖率",
                "各部门（行）在事前评估、绩效目标、运行监控、绩效自评、重点评价五个环节（列）"
                "的覆盖率热力图，颜色越深覆盖率越高",
            ),
            coverage_table(a),
        ],
    )


OUTLINE = (section_scope, section_ranking, section_coverage)


def outline(a: Assessment) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(a.case, [build(a) for build in OUTLINE])
