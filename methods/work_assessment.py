"""Assessment of departments' performance-management work (考核): coverage of 事前评估, 目标, 监控,
自评 and 重点评价 per department, computed from the case library, scored and ranked.

Coverage of a stage = distinct projects of the department with an archived case of that evaluation
type (``project_id``) for the budget year the stage concerns in the assessed work year (事前评估 and
目标 for next year's budget, 监控 of this year's, 自评 and 重点评价 of last year's; ``year_offset``),
÷ the department's count of projects in scope (all projects, major new ones for 事前评估, key
projects for 重点评价), capped at 100%. Each coverage is
scored by the positive rule against 100% with the stage's points (``methods/_data/work_assessment.yaml``,
status unverified), totals are graded and ranked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._resources import load_yaml
from methods.errors import CaseError


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework["name"],
            "coverage": json.loads(self.coverage.to_json(orient="records", force_ascii=False)),
            "ranking": json.loads(self.scores.to_json(orient="records", force_ascii=False)),
        }


def analyse(case) -> Assessment:
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
    return Assessment(cov, scores, fw)


def ranking_html(a: Assessment):
    from methods.report import HTML, html_table

    stages = [s["name"] for s in a.framework["stages"]]
    weights = {s["name"]: s["weight"] for s in a.framework["stages"]}
    rows = [
        [
            int(r["rank"]),
            r["department"],
            *[fmt.fixed(r[s]) for s in stages],
            fmt.fixed(r["total"]),
            r["grade"],
        ]
        for r in a.scores.to_dict("records")
    ]
    header = ["名次", "部门", *[f"{s}（{fmt.num(weights[s])}分）" for s in stages], "总分", "等级"]
    return HTML(html_table(rows, header, numeric=range(2, 3 + len(stages))))


def coverage_html(a: Assessment):
    from methods.report import HTML, html_table

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
    note = (
        f'<p class="jx-note">框架：{a.framework["name"]}；来源：{a.framework["source"]}（{a.framework["status"]}）。'
        "覆盖率 = 案例库中该部门已存档的该环节项目数 ÷ 应覆盖项目数（封顶 100%），按正向规则计分。</p>"
    )
    return HTML(
        html_table(
            rows, ["部门", "环节", "已开展项目数", "应覆盖项目数", "覆盖率"], numeric=(2, 3, 4)
        )
        + note
    )


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
