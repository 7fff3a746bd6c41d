"""``evaluation: department_overall`` — 部门（单位）整体绩效评价.

Scored like a project evaluation (:func:`methods.scoring.evaluate`) on the six dimensions of the
policy (武发〔2020〕48号): 运行成本, 管理效率, 履职效能, 社会效应, 可持续发展能力, 服务对象满意度
(framework ``department_overall_2020``). Typical indicators come from the indicator library
(``{ref: GX-B-001, …}``: 在职人员控制率, “三公”经费变动率, 重点支出安排率, 结转结余率 …).

``key_projects:`` lists the department's key projects with their scores, given as numbers (an
earlier evaluation) or as case files evaluated afresh. They are shown in the report, and when
``key_projects.indicator`` names an indicator of the case, its actual value is the projects'
average score (weighted by their funds by default, or plain), computed when the case is validated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from pydantic import Field, PrivateAttr

from methods import _format as fmt
from methods.casefile import (
    QUANTITATIVE_RULES,
    Case,
    EvaluationType,
    ScoredCase,
    _check_scored,
    _Model,
    register,
)
from methods.errors import CaseError


class KeyProject(_Model):
    """A key project of the department: a score given, or a case file to evaluate."""

    name: str | None = Field(None, description="项目名称（给出 case 时默认取案例标题）")
    score: float | None = Field(None, ge=0, le=100, allow_inf_nan=False, description="评价得分")
    grade: str | None = Field(None, description="评价等级（给出 score 时可填）")
    case: str | None = Field(None, description="项目评价案例文件（相对本文件），评价后取得分")
    budget: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="项目资金（万元）；给出 case 时默认取其全年预算数",
    )
    source: str | None = Field(None, description="得分来源，例如 2023 年度财政重点评价")
    note: str | None = None


class KeyProjects(_Model):
    """The department's key projects (重点项目) and how their scores enter the evaluation."""

    projects: list[KeyProject] = Field(min_length=1)
    weighting: Literal["budget", "equal"] = Field(
        "budget", description="平均得分的权数：budget 按项目资金加权（默认），equal 简单平均"
    )
    indicator: str | None = Field(
        None, description="以重点项目平均得分作为实际值的指标代码（可选）"
    )


class DepartmentCase(ScoredCase):
    """部门（单位）整体绩效评价 (evaluation: department_overall)."""

    key_projects: KeyProjects | None = None

    _key_table: Any = PrivateAttr(None)

    def member_case_entries(self) -> list[tuple[tuple, str]]:
        if self.key_projects is None:
            return []
        return [
            (("key_projects", "projects", i, "case"), p.case)
            for i, p in enumerate(self.key_projects.projects)
            if p.case is not None
        ]

    def data_paths(self) -> list[tuple[tuple, str]]:
        return super().data_paths() + self.member_data_paths()

    def private_paths(self) -> set[str]:
        return super().private_paths() | self.member_private_paths()


# ---------------------------------------------------------------------------------------------
# Key projects


@dataclass(frozen=True)
class KeyProjectTable:
    """The key projects with their scores, and their average."""

    table: pd.DataFrame  # name, score, grade, budget, weight, how, source, case_id
    weighting: str
    average: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "weighting": self.weighting,
            "average": self.average,
            "projects": [
                {k: (None if pd.isna(v) else v) for k, v in r.items()}
                for r in self.table.to_dict("records")
            ],
        }


def key_project_scores(case: DepartmentCase) -> KeyProjectTable | None:
    """Score (or take the given scores of) the department's key projects.

    The average is Σ score_i × budget_i / Σ budget_i (``weighting: budget``) or the plain mean
    (``equal``), rounded half-up to 2 decimals.

    Raises
    ------
    CaseError
        A project with neither or both of ``score`` and ``case``, an invalid project case, or a
        missing budget under budget weighting (the field named).
    """
    kp = case.key_projects
    if kp is None:
        return None
    if case._key_table is not None:
        return case._key_table
    from methods import scoring
    from methods.casefile import load_case

    rows = []
    for i, p in enumerate(kp.projects):
        loc = ("key_projects", "projects", i)
        if (p.score is None) == (p.case is None):
            raise CaseError(
                "请给出 score（已有评价得分）或 case（项目评价案例文件）之一", field=loc
            )
        if p.case is not None:
            try:
                member = load_case(case.resolve(p.case), display=p.case)
            except CaseError as exc:
                raise CaseError(f"重点项目案例无效：{exc}", field=(*loc, "case")) from None
            if not isinstance(member, ScoredCase):
                raise CaseError(
                    f"{p.case} 不是计分类评价（{member.evaluation}）", field=(*loc, "case")
                )
            ev = scoring.evaluate(member)
            budget = p.budget
            if budget is None and member.budget is not None:
                budget = member.budget.allocated or member.budget.planned
            rows.append(
                {
                    "name": p.name or member.title,
                    "score": ev.total,
                    "grade": ev.grade,
                    "budget": budget,
                    "how": f"按案例文件评价（{member.evaluation_type.title}）",
                    "source": p.source or f"案例 {member.case_id}",
                    "case_id": member.case_id,
                }
            )
        else:
            if p.name is None:
                raise CaseError("给出 score 时需要项目名称 name", field=(*loc, "name"))
            rows.append(
                {
                    "name": p.name,
                    "score": float(p.score),
                    "grade": p.grade,
                    "budget": p.budget,
                    "how": "已有评价结果",
                    "source": p.source or "",
                    "case_id": None,
                }
            )
    table = pd.DataFrame(rows)
    if kp.weighting == "budget":
        missing = [i for i, b in enumerate(table["budget"]) if b is None or pd.isna(b)]
        if missing:
            raise CaseError(
                "按项目资金加权需要每个重点项目的资金 budget",
                field=("key_projects", "projects", missing[0], "budget"),
                hint="或设置 key_projects.weighting: equal（简单平均）",
            )
        total = float(table["budget"].sum())
        if total <= 0:
            raise CaseError("重点项目资金合计为 0，无法加权", field=("key_projects", "projects"))
        table["weight"] = table["budget"].astype(float) / total
    else:
        table["weight"] = 1.0 / len(table)
    average = fmt.round_half_up(float((table["score"] * table["weight"]).sum()), 2)
    case._key_table = KeyProjectTable(table=table, weighting=kp.weighting, average=average)
    return case._key_table


def _check_department(case: Case) -> list[str]:
    """Score the key projects, fill the linked indicator's actual value, check the tree."""
    if not isinstance(case, DepartmentCase):
        return _check_scored(case)
    kp = case.key_projects
    table = key_project_scores(case)
    if kp is not None and kp.indicator is not None and table is not None:
        idx = next((i for i, ind in enumerate(case.indicators) if ind.code == kp.indicator), None)
        if idx is None:
            raise CaseError(
                f"指标代码 '{kp.indicator}' 不在 indicators 中",
                field=("key_projects", "indicator"),
            )
        ind = case.indicators[idx]
        loc = ("indicators", idx)
        if ind.rule not in QUANTITATIVE_RULES:
            raise CaseError(
                f"以重点项目平均得分为实际值的指标应为定量规则，实际为 {ind.rule}",
                field=(*loc, "rule"),
            )
        if ind.actual is not None and ind.actual != table.average:
            raise CaseError(
                "该指标的实际值由重点项目平均得分计算，请删除 actual",
                field=(*loc, "actual"),
            )
        how = "按项目资金加权平均" if table.weighting == "budget" else "简单平均"
        listed = "、".join(
            f"{n} {fmt.num(s)} 分"
            for n, s in zip(table.table["name"], table.table["score"], strict=True)
        )
        note = f"实际值为 {len(table.table)} 个重点项目评价得分的{how}（{listed}）"
        filled = ind.model_copy(
            update={
                "actual": table.average,
                "unit": ind.unit or "分",
                "note": f"{ind.note}；{note}" if ind.note else note,
            }
        )
        indicators = list(case.indicators)
        indicators[idx] = filled
        # The case is frozen for users; the linked value is filled once, here, at validation.
        object.__setattr__(case, "indicators", indicators)
    return _check_scored(case)


register(
    EvaluationType(
        name="department_overall",
        title="部门整体绩效评价",
        notebook="department_overall.ipynb",
        model=DepartmentCase,
        default_framework="department_overall_2020",
        check=_check_department,
        report_kind="部门整体绩效评价报告",
        scored=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Report pieces (Chinese)


def basic_info(case: DepartmentCase, ev) -> Any:
    """基本信息 of a department."""
    from methods.casefile import BUDGET_TYPES
    from methods.report import HTML, kv_table

    pairs = [
        ("部门（单位）名称", case.department),
        ("评价对象", case.title if case.title != case.department else None),
        ("预算年度", f"{case.year} 年"),
        ("评价类型", case.evaluation_type.title),
        ("预算类型", BUDGET_TYPES.get(case.budget_type, case.budget_type)),
        ("评价机构/人员", case.evaluator),
        ("指标框架", ev.framework.name),
        ("案例编号", case.case_id),
    ]
    if case.key_projects is not None:
        pairs.append(("重点项目", f"{len(case.key_projects.projects)} 个"))
    return HTML(kv_table(pairs))


def budget_table(case: DepartmentCase) -> Any:
    """部门预算收支: 年初预算数, 全年预算数, 全年决算（执行）数, 支出完成率, 预算调整率."""
    from methods.report import HTML, esc, html_table

    b = case.budget
    adjust = None
    if b.allocated is not None and b.planned:
        adjust = (b.allocated - b.planned) / b.planned * 100
    header = [
        f"年初预算数（{b.unit}）",
        f"全年预算数（{b.unit}）",
        f"全年支出数（{b.unit}）",
        "支出完成率",
        "预算调整幅度",
    ]
    row = [
        fmt.fixed(b.planned),
        fmt.fixed(b.allocated),
        fmt.fixed(b.spent),
        fmt.pct(b.execution_rate),
        fmt.pct(adjust),
    ]
    note = f'<p class="jx-note">说明：{esc(b.note)}</p>' if b.note else ""
    return HTML(html_table([row], header, numeric=range(5)) + note)


def key_projects_html(case: DepartmentCase) -> Any:
    """重点项目绩效 table: name, how scored, funds, weight, score, grade."""
    from methods.report import HTML, html_table

    t = key_project_scores(case)
    if t is None:
        return HTML("<p>案例文件未列出重点项目（key_projects）。</p>")
    unit = case.budget.unit if case.budget else "万元"
    rows = [
        [
            r["name"],
            r["how"],
            r["source"] or "",
            fmt.fixed(r["budget"]) if r["budget"] is not None and not pd.isna(r["budget"]) else "—",
            fmt.num(r["weight"] * 100, 2) + "%",
            fmt.fixed(r["score"]),
            r["grade"] or "—",
        ]
        for r in t.table.to_dict("records")
    ]
    how = "按项目资金加权平均" if t.weighting == "budget" else "简单平均"
    rows.append(["平均得分（" + how + "）", "", "", "", "100%", fmt.fixed(t.average), ""])
    header = ["项目", "得分取得方式", "来源", f"项目资金（{unit}）", "权数", "得分", "等级"]
    text = ""
    kp = case.key_projects
    if kp is not None and kp.indicator:
        ind = next(i for i in case.indicators if i.code == kp.indicator)
        text = f"<p>重点项目平均得分 {fmt.num(t.average)} 分作为指标“{ind.name}”（{ind.code}）的实际值。</p>"
    return HTML(html_table(rows, header, numeric=(3, 4, 5)) + text)


def plot_key_projects(case: DepartmentCase, ev, ax=None):
    """Horizontal bars of the key projects' scores with the grade cut-offs."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    t = key_project_scores(case)
    if t is None:
        return None
    t = t.table.sort_values("score")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.5 * len(t) + 1.4))
    ax.barh(t["name"], t["score"], color="#2F6DB5", height=0.55)
    for i, v in enumerate(t["score"]):
        ax.text(v + 0.5, i, f"{v:.2f}", va="center", fontsize=9)
    for label, low in ev.bands.bands[:-1]:
        ax.axvline(low, color="#999999", lw=0.8, ls="--")
        ax.text(low, len(t) - 0.4, f" {label}≥{low:g}", fontsize=8, color="#666666")
    ax.set_xlim(max(0, min(50, t["score"].min() - 10)), 105)
    ax.set_xlabel("评价得分")
    ax.set_title("部门重点项目绩效评价得分", pad=16)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def conclusions(ev) -> dict[str, list[str]]:
    """主要成效, 存在问题, 改进建议 of a department: full-score indicators of every dimension,
    every lost point (from :func:`methods.report.conclusions`), advice by dimension."""
    from methods import report

    base = report.conclusions(ev)
    achievements = report.score_achievements(ev, "部门整体绩效", limit=6)
    suggestions = report.framework_advice(ev)
    extra = ev.case.conclusions
    if extra is not None:
        achievements += extra.achievements
        suggestions += extra.suggestions
    if not suggestions:
        suggestions = base["suggestions"]
    return {"achievements": achievements, "problems": base["problems"], "suggestions": suggestions}


def conclusions_html(ev) -> Any:
    from methods.report import conclusion_lists_html

    c = conclusions(ev)
    return conclusion_lists_html(c)


def results(ev, robustness=None) -> dict[str, Any]:
    """results.json: the scored-evaluation keys plus ``key_projects`` and department conclusions."""
    from methods import report

    t = key_project_scores(ev.case)
    return report.results(
        ev,
        robustness=robustness,
        conclusions=conclusions(ev),
        key_projects=None if t is None else t.to_dict(),
    )
