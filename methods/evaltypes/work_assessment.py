"""预算绩效管理工作考核 (evaluation: work_assessment): two groups assessed and ranked separately,
the district's departments (部门) and the lower-level finance offices (下级财政部门: the towns' and
development zone's 财政分局).

Each group has its framework (``methods/_data/work_assessment.yaml``, status practice: 武发〔2020〕48号
asks for the assessment, the indicators and points are this project's defaults). Departments are
assessed on what they do themselves — 绩效目标质量, 绩效运行监控, 绩效自评质量, 问题整改, 绩效信息公开 —
not on the 重点评价 the finance bureau organises; finance offices on their own budgets' 事前评估,
目标, 监控 and 评价 coverage, 结果应用, 整改 and 公开.

Every indicator is a rate: numerator ÷ denominator, two counts per unit. The case gives them
(``departments:`` / ``finance_offices:``, one map of counts per unit, the count names declared by
the framework's ``counts``); a count the framework marks ``evaluation:`` comes from the case library
instead (distinct projects of the unit with an archived case of that evaluation type for the budget
year ``work year + year_offset``). Rate capped at 100 % (a denominator 0 counts 100 %), score =
points × rate, totals graded and ranked within the group.

An indicator a unit has not fully met is a problem of the report (:func:`find`: facts per unit,
原因分析 that says no cause was given, one suggestion to the units and the finance bureau; rules in
``findings`` of the same data).

This module holds the case model, its checks, the analysis (:func:`analyse` →
:class:`Assessment`) and the report outline (``section_*``, :data:`OUTLINE`, :func:`outline`):
一 基本情况, 二 考核依据和方法, 三 考核结果, 四 存在的问题, 五 改进建议, 六 其他需要说明的问题 and a
技术附件 with the frameworks, indicator identifiers and the archived cases counted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Budget, Case, EvaluationType, register
from methods.errors import CaseError
from methods.report import blocks, official
from methods.report import findings as fnd
from methods.report.document import Document, Paragraph, Section, Table

# ---------------------------------------------------------------------------------------------
# Case model

Counts = dict[str, Annotated[int, Field(ge=0)]]

GROUPS = {"departments": "部门", "finance_offices": "下级财政部门"}


class WorkAssessmentCase(Case):
    budget: Budget | None = None  # type: ignore[assignment]
    framework: str = Field("department_practice", description="部门考核框架")
    finance_framework: str = Field(
        "finance_office_practice", description="下级财政部门（镇、开发区财政分局）考核框架"
    )
    work_year: int | None = Field(None, description="被考核的工作年度（默认为案例年度的上一年）")
    departments: dict[str, Counts] = Field(min_length=1, description="被考核部门及其计数")
    finance_offices: dict[str, Counts] | None = Field(
        None, description="被考核的下级财政部门（镇、开发区财政分局）及其计数"
    )
    overview: str | None = None


def _frameworks(case) -> dict[str, dict[str, Any]]:
    """The framework of each group the case assesses (departments first)."""
    out = {"departments": preset(case.framework, "departments", ("framework",))}
    if case.finance_offices:
        out["finance_offices"] = preset(
            case.finance_framework, "finance_offices", ("finance_framework",)
        )
    return out


def _check(case: Case) -> list[str]:
    assert isinstance(case, WorkAssessmentCase)
    work_year = case.work_year or case.year - 1
    if work_year >= case.year:
        raise CaseError(
            f"被考核的工作年度 {work_year} 应早于考核年度 {case.year}", field=("work_year",)
        )
    for group, fw in _frameworks(case).items():
        library = {i["numerator"] for i in fw["indicators"] if i.get("evaluation")}
        given = set(fw["counts"]) - library
        reviewed = _review_keys(fw)
        for unit, counts in getattr(case, group).items():
            for key in counts:
                if key in library:
                    raise CaseError(
                        f"{fw['counts'][key]}由案例库统计，不在考核案例中填写",
                        field=(group, unit, key),
                    )
                if key not in given:
                    raise CaseError(
                        f"未知的计数 {key}（可用：{'、'.join(sorted(given))}）",
                        field=(group, unit, key),
                    )
            for key in sorted(given - set(counts) - reviewed):
                raise CaseError(f"缺少{fw['counts'][key]}", field=(group, unit, key))
            for ind in fw["indicators"]:
                num, den = ind["numerator"], ind["denominator"]
                if num in given and num in counts and den in counts and counts[num] > counts[den]:
                    raise CaseError(
                        f"{fw['counts'][num]} {counts[num]} 大于{fw['counts'][den]} {counts[den]}",
                        field=(group, unit, num),
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


def preset(name: str, group: str = "departments", field: tuple = ("framework",)) -> dict[str, Any]:
    """A framework of ``methods/_data/work_assessment.yaml`` for ``group``."""
    data = load_yaml("work_assessment.yaml")["presets"]
    usable = [k for k, v in data.items() if v["group"] == group]
    if name not in usable:
        raise CaseError(
            f"未知的{GROUPS[group]}考核框架 '{name}'（可用：{'、'.join(usable)}）", field=field
        )
    return data[name]


@dataclass(frozen=True)
class Assessment:
    coverage: pd.DataFrame  # group, department (unit), code, indicator: counts, rate, score
    scores: dict[str, pd.DataFrame]  # group → unit, indicator scores, total, grade, rank
    frameworks: dict[str, dict[str, Any]]
    case: Any = None
    counted: pd.DataFrame | None = None  # the archived cases counted (技术附件)
    counts: dict[str, dict[str, dict[str, int]]] | None = None  # group → unit → counts used

    @property
    def framework(self) -> dict[str, Any]:
        """The departments' framework."""
        return self.frameworks["departments"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "frameworks": {g: fw["name"] for g, fw in self.frameworks.items()},
            "coverage": json.loads(self.coverage.to_json(orient="records", force_ascii=False)),
            "ranking": {
                g: json.loads(s.to_json(orient="records", force_ascii=False))
                for g, s in self.scores.items()
            },
        }


def _review_keys(fw: dict[str, Any]) -> set[str]:
    """Counts an indicator takes from the library's archived reviews (``review:``): numerator and
    denominator, e.g. 绩效自评质量 from 自评复核 (consistent ÷ checked)."""
    return {
        k for i in fw["indicators"] if i.get("review") for k in (i["numerator"], i["denominator"])
    }


def _review_counts(group: str, unit: str, given: dict, reviewed: dict, work_year: int, fw):
    """The review-sourced counts of one unit: from the year's archived 自评复核 when it sampled the
    unit (the case may not give them then), else from the case (refused when it does not)."""
    out = {}
    for ind in fw["indicators"]:
        if not ind.get("review"):
            continue
        keys = (ind["numerator"], ind["denominator"])
        if unit in reviewed:
            for k in keys:
                if k in given:
                    raise CaseError(
                        f"{fw['counts'][k]}由案例库中 {work_year} 年度的自评复核结果统计，"
                        "不在考核案例中填写",
                        field=(group, unit, k),
                    )
            out.update({k: int(reviewed[unit][k]) for k in keys})
        else:
            for k in keys:
                if k not in given:
                    raise CaseError(
                        f"缺少{fw['counts'][k]}（案例库中没有该单位 {work_year} 年度的自评复核结果）",
                        field=(group, unit, k),
                    )
    return out


def _library_count(
    lib, unit: str, evaluation: str, year: int, counted: list, group: str, name: str
) -> int:
    where = (unit, evaluation, year)
    found = lib.query(
        "SELECT case_id, project_id, year FROM cases WHERE department = ? AND evaluation = ? AND year = ? ORDER BY case_id",
        where,
    )
    counted += [
        {
            "group": group,
            "department": unit,
            "indicator": name,
            "case_id": c["case_id"],
            "year": int(c["year"]),
            "project_id": c["project_id"],
        }
        for c in found
    ]
    return len({c["project_id"] or c["case_id"] for c in found})


def analyse(case) -> Assessment:
    """Every unit's indicator rates (case counts, library counts), scored, graded and ranked
    within its group."""
    from methods import scoring

    frameworks = _frameworks(case)
    work_year = case.work_year or case.year - 1
    needs_library = any(
        i.get("evaluation") or i.get("review")
        for fw in frameworks.values()
        for i in fw["indicators"]
    )
    lib = None
    reviewed: dict[str, dict[str, int]] = {}
    if needs_library:
        from methods.standards import require_library

        lib = require_library(case, "考核", ("departments",))
        if any(i.get("review") for fw in frameworks.values() for i in fw["indicators"]):
            from methods.evaltypes.self_evaluation_review import assessment_counts

            reviewed = assessment_counts(lib, work_year)
    rows, counted = [], []
    effective: dict[str, dict[str, dict[str, int]]] = {}
    for group, fw in frameworks.items():
        for unit, given in getattr(case, group).items():
            counts = dict(given)
            from_review = _review_counts(group, unit, given, reviewed, work_year, fw)
            counts.update(from_review)
            effective.setdefault(group, {})[unit] = counts
            for ind in fw["indicators"]:
                if ind.get("evaluation"):
                    year = work_year + ind.get("year_offset", 0)
                    counts[ind["numerator"]] = _library_count(
                        lib, unit, ind["evaluation"], year, counted, group, ind["name"]
                    )
            for ind in fw["indicators"]:
                rows.append(
                    {
                        "group": group,
                        "department": unit,
                        "code": ind["code"],
                        "indicator": ind["name"],
                        "source": "library"
                        if ind.get("evaluation")
                        else "review"
                        if ind["numerator"] in from_review
                        else "case",
                        "year": work_year + ind.get("year_offset", 0)
                        if ind.get("evaluation")
                        else None,
                        "count": int(counts[ind["numerator"]]),
                        "denominator": int(counts[ind["denominator"]]),
                        "weight": float(ind["weight"]),
                    }
                )
    cov = pd.DataFrame(rows)
    num = cov["count"].to_numpy(float)
    den = cov["denominator"].to_numpy(float)
    cov["rate"] = np.where(den == 0, 100.0, np.minimum(num / np.where(den == 0, 1, den), 1.0) * 100)
    table = cov.assign(rule="positive", target=100.0, actual=cov["rate"], case_id=cov["department"])
    cov["score"] = scoring.score_frame(table).to_numpy()
    scores = {}
    for group, fw in frameworks.items():
        part = cov[cov["group"] == group]
        totals = part.groupby("department", sort=False)["score"].sum().round(2)
        bands = case.grade_bands or fw.get("grade_bands", "mof_2020")
        s = part.pivot(index="department", columns="indicator", values="score").reindex(
            totals.index
        )
        s = s[[i["name"] for i in fw["indicators"]]]
        s["total"] = totals
        s["grade"] = scoring.grade_array(totals.to_numpy(), bands)
        s["rank"] = s["total"].rank(ascending=False, method="min").astype(int)
        scores[group] = s.sort_values(["rank"], kind="stable").reset_index()
    counted_df = pd.DataFrame(
        counted, columns=["group", "department", "indicator", "case_id", "year", "project_id"]
    )
    return Assessment(cov, scores, frameworks, case, counted_df, effective)


# ---------------------------------------------------------------------------------------------
# Findings: the indicators not fully met, one suggestion each


def findings_rules() -> dict[str, Any]:
    """The findings rules of an assessment (``findings`` in ``methods/_data/work_assessment.yaml``)."""
    return load_yaml("work_assessment.yaml")["findings"]


def finance_name(case) -> str:
    """The finance bureau as suggestions name it (the case's short name, else its name)."""
    return case.department_short or case.department


def _units(names: list[str], all_names: list[str], group: str) -> str:
    """The units a suggestion is addressed to: 各被考核部门 / 各下级财政部门 when all of them, else
    their names (the first three and a count beyond)."""
    word = GROUPS[group]
    if len(names) == len(all_names) and len(all_names) > 1:
        return "各被考核部门" if group == "departments" else "各下级财政部门"
    if len(names) <= 3:
        return "、".join(names)
    return "、".join(names[:3]) + f"等{len(names)}个{word}"


def _facts(low: pd.DataFrame, fw: dict[str, Any], ind: dict[str, Any]) -> str:
    """The units below the full rate, each with numerator, denominator and rate."""
    num, den = fw["counts"][ind["numerator"]], fw["counts"][ind["denominator"]]
    parts = [
        f"{r.department}{fmt.num(r.rate, 1)}%（{r.count}/{r.denominator}）"
        for r in low.itertuples()
    ]
    return f"{ind['name']}完成率（{num}÷{den}）：" + "；".join(parts)


def _detail(ind_name: str, low: pd.DataFrame, n_all: int, group: str, min_rate: float) -> str:
    word = GROUPS[group]
    zero = low[low["rate"] <= 1e-9]
    if len(low) == n_all and n_all > 1:
        head = f"{n_all}个{word}完成率均不足{fmt.num(min_rate)}%"
    else:
        head = f"{len(low)}个{word}完成率不足{fmt.num(min_rate)}%"
    return head + (f"，其中{len(zero)}个为0" if len(zero) else "") + "。"


def find(a: Assessment) -> fnd.Findings:
    """The problems and suggestions of an assessment.

    An indicator is a problem when a unit's rate is below ``min_rate``: its facts are the units
    below, with the two counts and the rate, and the group's average; 原因分析 says the units gave
    no explanation. Problems run from the indicator that lost most points (both groups together);
    the case's own ``findings:`` come first; at most ``max_problems``. Each problem gets one
    suggestion to the units concerned and the finance bureau.
    """
    cfg = findings_rules()
    case = a.case
    cov = a.coverage
    all_depts = list(case.departments)
    problems: list[fnd.Problem] = []
    addressed: list[str] = []
    for f in case.findings or []:
        problems.append(fnd.stated_problem(f, theme="other"))
        addressed.append(_units(all_depts, all_depts, "departments"))
    staged = []
    for group, fw in a.frameworks.items():
        for ind in fw["indicators"]:
            rows = cov[(cov["group"] == group) & (cov["code"] == ind["code"])]
            low = rows[rows["rate"] < cfg["min_rate"] - 1e-9]
            if low.empty:
                continue
            entry = cfg["indicators"].get(ind["code"], {})
            facts = [
                _facts(low, fw, ind),
                f"全部被考核{GROUPS[group]}的{ind['name']}平均完成率{fmt.num(rows['rate'].mean(), 1)}%",
            ]
            detail = _detail(ind["name"], low, len(rows), group, cfg["min_rate"])
            heading = entry.get("heading", f"{ind['name']}未完成，{{detail}}").format(detail=detail)
            lost = float((rows["weight"] - rows["score"]).sum())
            problem = fnd.Problem(
                theme=ind["code"],
                theme_title=ind["name"],
                heading=heading,
                facts=tuple(facts),
                causes=(),
                kind="loss",
                codes=(ind["code"],),
                lost=lost,
                short=f"{ind['name']}完成率偏低",
            )
            staged.append(
                (problem, _units(list(low["department"]), list(getattr(case, group)), group))
            )
    staged.sort(key=lambda x: -x[0].lost)
    for problem, units in staged:
        problems.append(problem)
        addressed.append(units)
    cap = cfg["max_problems"]
    problems, addressed = problems[:cap], addressed[:cap]
    advice = tuple(
        _advice(p, i, units, case)
        for i, (p, units) in enumerate(zip(problems, addressed, strict=True), 1)
    )
    return fnd.Findings(tuple(problems), advice, ())


def _advice(p: fnd.Problem, number: int, units: str, case) -> fnd.Advice:
    cfg = findings_rules()
    entry = cfg["indicators"].get(p.theme, cfg["other"])
    slots = {
        "units": p.responsible or units,
        "finance": finance_name(case),
        "short": p.short,
        "deadline": cfg["deadline_placeholder"],
    }
    title = entry["advice"]["title"].format(**slots)
    text = p.advice or entry["advice"]["text"].format(**slots)
    text = re.sub(r"\s+", "", fnd.tidy(text))
    return fnd.Advice(number, title, text if text.endswith("。") else text + "。")


def cause_text(p: fnd.Problem) -> str:
    """原因分析 of an assessment problem: the stated cause, else that none was given (and, for a
    count from the case library, that work not archived is not counted)."""
    if p.causes:
        return p.cause_text
    if p.theme in findings_rules()["indicators"]:
        text = f"原因分析：被考核单位未提供相关说明，{p.short}的原因有待进一步核实。"
        if p.theme == "D2":
            text += "因监控项目数按案例库中已存档的案例统计，已开展但未存档的监控工作未计入。"
        return text
    return p.cause_text


def _group_sentence(a: Assessment, group: str) -> str:
    s = a.scores[group]
    word = GROUPS[group]
    grades = [g for g in ("优", "良", "中", "差") if g in set(s["grade"])]
    if len(grades) == 1:
        counts = f"均为“{grades[0]}”"
    else:
        counts = "为" + "、".join(f"“{g}”{int((s['grade'] == g).sum())}个" for g in grades)
    top, bottom = s.iloc[0], s.iloc[-1]
    text = (
        f"{len(s)}个{word}平均得分{fmt.fixed(s['total'].mean())}分，考核等级{counts}，"
        f"{top['department']}得分最高（{fmt.fixed(top['total'])}分），"
        f"{bottom['department']}得分最低（{fmt.fixed(bottom['total'])}分）"
    )
    cov = a.coverage[a.coverage["group"] == group]
    means = cov.groupby("indicator", sort=False)["rate"].mean()
    if len(means) > 1:
        worst = means.idxmin()
        text += f"；各指标中{worst}平均完成率{fmt.num(means[worst], 1)}%，为最低"
    return text


def conclusion(a: Assessment, fd: fnd.Findings | None = None) -> str:
    """考核结论 in official prose: per group the average, grades, highest and lowest and the
    weakest indicator; then the main problems."""
    fd = fd if fd is not None else find(a)
    work_year = a.case.work_year or a.case.year - 1
    parts = [_group_sentence(a, g) for g in a.scores]
    text = (
        f"经考核，{work_year}年度预算绩效管理工作："
        + "；".join(
            f"（{official.chinese_number(i)}）{p}" if len(parts) > 1 else p
            for i, p in enumerate(parts, 1)
        )
        + "。"
    )
    if fd.problems:
        titles = [p.theme_title for p in fd.problems[:3]]
        shown = "、".join(titles[:-1]) + "和" + titles[-1] if len(titles) > 1 else titles[0]
        text += f"主要问题集中在{shown}等方面。"
    else:
        text += "各考核指标均已完成。"
    return fnd.tidy(text)


def results(a: Assessment) -> dict[str, Any]:
    """results.json (contracts §4) with the ``work_assessment`` block and the report's
    ``findings`` (problems and the suggestions that answer them)."""
    from methods.report import case_results

    return case_results(a.case, work_assessment=a.to_dict(), findings=find(a).to_dict())


# ---------------------------------------------------------------------------------------------
# Report outline


def ranking_table(a: Assessment, group: str = "departments") -> Table:
    """考核得分与排名 of one group: the indicator scores, total, grade and rank of every unit."""
    fw = a.frameworks[group]
    names = [i["name"] for i in fw["indicators"]]
    weights = {i["name"]: i["weight"] for i in fw["indicators"]}
    rows = [
        [
            str(int(r["rank"])),
            r["department"],
            *[fmt.fixed(r[n]) for n in names],
            fmt.fixed(r["total"]),
            r["grade"],
        ]
        for r in a.scores[group].to_dict("records")
    ]
    header = [
        "名次",
        GROUPS[group],
        *[f"{n}（{fmt.num(weights[n])}分）" for n in names],
        "总分",
        "等级",
    ]
    return Table(rows, header, numeric=range(2, 3 + len(names)))


def coverage_table(a: Assessment, group: str = "departments") -> Table:
    """各指标完成情况 of one group: unit, indicator, completed, due, rate, score — one header cell
    over each row cell."""
    cov = a.coverage[a.coverage["group"] == group]
    rows = [
        [
            r.department,
            r.indicator,
            str(r.count),
            str(r.denominator),
            fmt.num(r.rate, 1) + "%",
            fmt.fixed(r.score),
        ]
        for r in cov.itertuples()
    ]
    note = (
        "说明：完成率为完成数除以应完成数（不超过100%，应完成数为0的按100%计），"
        "指标得分为分值乘以完成率；各指标的完成数和应完成数口径见“二、考核依据和方法”。"
    )
    header = [GROUPS[group], "考核指标", "完成数", "应完成数", "完成率", "得分"]
    return Table(rows, header, numeric=(2, 3, 4, 5), note=note)


def plot_coverage(a: Assessment, group: str = "departments", ax=None):
    """Heat map of the completion rates of one group (unit × indicator); returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    cov = a.coverage[a.coverage["group"] == group]
    m = cov.pivot(index="department", columns="indicator", values="rate")
    m = m.reindex(list(dict.fromkeys(cov["department"])))
    m = m[[i["name"] for i in a.frameworks[group]["indicators"]]]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.55 * len(m) + 1.6))
    im = ax.imshow(m.to_numpy(), cmap="Blues", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(np.arange(m.shape[1]), list(m.columns))
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
    ax.figure.colorbar(im, ax=ax, label="完成率（%）")
    ax.set_title(f"各{GROUPS[group]}考核指标完成率")
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


def _counts_table(a: Assessment, group: str) -> Table:
    """The counts each unit of a group reported (library counts shown as computed)."""
    fw = a.frameworks[group]
    given = [k for k in fw["counts"] if k in _given_counts(fw)]
    used = (a.counts or {}).get(group) or dict(getattr(a.case, group))
    rows = [[unit, *[str(counts[k]) for k in given]] for unit, counts in used.items()]
    cov = a.coverage
    any_review = bool(((cov["group"] == group) & (cov["source"] == "review")).any())
    from_review = _review_keys(fw) if any_review else set()
    header = [
        f"{fw['counts'][k]}（有自评复核结果的按复核统计）" if k in from_review else fw["counts"][k]
        for k in given
    ]
    return Table(rows, [GROUPS[group], *header], numeric=range(1, 1 + len(given)))


def _given_counts(fw: dict[str, Any]) -> set[str]:
    library = {i["numerator"] for i in fw["indicators"] if i.get("evaluation")}
    return set(fw["counts"]) - library


def section_basic(a: Assessment) -> Section:
    """一、基本情况"""
    case = a.case
    work_year = case.work_year or case.year - 1
    short = case.department_short
    by = case.department + (f"（以下简称“{short}”）" if short and short != case.department else "")
    groups = "和".join(f"{len(getattr(case, g))}个{GROUPS[g]}" for g in a.frameworks)
    scope = (
        f"本次考核由{by}组织，对象为{groups}{work_year}年度的预算绩效管理工作，"
        "两类对象按各自的考核指标分别计分和排名。"
    )
    tables = []
    for g in a.frameworks:
        tables += [Paragraph(f"被考核{GROUPS[g]}报送的基础数据如下：", "note"), _counts_table(a, g)]
    work = case.work
    process = (work.process if work else None) or None
    steps = [process] if isinstance(process, str) else list(process or [])
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）考核对象和范围",
                [
                    official.overview_paragraph(case, "考核概况"),
                    Paragraph(fnd.tidy(scope)),
                    *tables,
                ],
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


def _method_table(a: Assessment, group: str) -> Table:
    fw = a.frameworks[group]
    work_year = a.case.work_year or a.case.year - 1
    rows = []
    for i in fw["indicators"]:
        num = fw["counts"][i["numerator"]]
        if i.get("evaluation"):
            num += f"（按案例库中已存档的{work_year + i.get('year_offset', 0)}年度案例统计）"
        rows.append([i["name"], fmt.num(i["weight"]), f"{num}÷{fw['counts'][i['denominator']]}"])
    return Table(rows, ["考核指标", "分值", "完成率计算口径"], numeric=(1,))


def section_method(a: Assessment) -> Section:
    """二、考核依据和方法"""
    basis = [
        Paragraph(fnd.tidy(f"{blocks.cite(fw['source'])}（{blocks.status_text(fw['status'])}）。"))
        for fw in a.frameworks.values()
    ]
    content: list[Any] = [
        Paragraph(
            "部门考核其自身的预算绩效管理工作：绩效目标质量、绩效运行监控、绩效自评质量、问题整改和"
            "绩效信息公开；重点绩效评价由财政部门组织，不作为部门考核内容。"
            + (
                "下级财政部门考核其本级预算的事前绩效评估、绩效目标、运行监控和绩效评价覆盖情况，"
                "以及评价结果应用、问题整改和信息公开。"
                if "finance_offices" in a.frameworks
                else ""
            )
        )
    ]
    for g in a.frameworks:
        content += [Paragraph(f"{GROUPS[g]}考核指标：", "note"), _method_table(a, g)]
    return Section(
        "二、考核依据和方法",
        [
            Section("（一）考核依据", basis, level=2),
            Section("（二）考核内容和分值", content, level=2),
            Section(
                "（三）计分方法和考核等级",
                [
                    Paragraph(
                        "各指标完成率为完成数除以应完成数（不超过100%，应完成数为0的按100%计），"
                        "指标得分为分值乘以完成率，各指标得分之和为考核得分；部门和下级财政部门分别排名。"
                    ),
                    Paragraph(fnd.tidy(_grading(a))),
                ],
                level=2,
            ),
        ],
    )


def section_results(a: Assessment) -> Section:
    """三、考核结果: 总体情况, then per group its ranking, chart and completion table."""
    fd = find(a)
    parts: list[Any] = [Section("（一）总体情况", [Paragraph(conclusion(a, fd))], level=2)]
    for g in a.frameworks:
        n = official.chinese_number(len(parts) + 1)
        parts.append(
            Section(
                f"（{n}）{GROUPS[g]}考核得分和排名",
                [
                    ranking_table(a, g),
                    blocks.chart(
                        plot_coverage(a, g).figure,
                        f"各{GROUPS[g]}考核指标完成率",
                        f"各{GROUPS[g]}（行）在各考核指标（列）的完成率热力图，颜色越深完成率越高",
                    ),
                    coverage_table(a, g),
                ],
                level=2,
            )
        )
    return Section("三、考核结果", parts)


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
        parts = [Paragraph("各被考核单位各考核指标均已完成，未发现需要单独列示的问题。")]
    return Section("四、存在的问题", parts)


def section_advice(a: Assessment) -> Section:
    """五、改进建议"""
    return official.advice_section(find(a), title="五、改进建议")


def section_other(a: Assessment) -> Section:
    """六、其他需要说明的问题"""
    case = a.case
    items = [
        "数据口径。各单位的计数由考核案例提供，未逐项核实；绩效运行监控项目数按案例库中已存档、"
        "属于该部门且预算年度相符的案例统计（同一项目多次存档的只计一次），未存入案例库的工作不计入。",
    ]
    zero = [f"{r.department}{r.indicator}" for r in a.coverage.itertuples() if r.denominator == 0]
    if zero:
        items.append("应完成数为0的指标。" + "、".join(zero) + "的应完成数为0，该指标按满分计。")
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
    work_year = case.work_year or case.year - 1
    frames: list[Any] = []
    names = {"departments": case.framework, "finance_offices": case.finance_framework}
    for g, fw in a.frameworks.items():
        grading = fw.get("grading") or {}
        frames.append(
            Paragraph(
                f"{GROUPS[g]}考核框架：{names[g]}（{fw['name']}）；依据状态："
                f"{blocks.status_text(fw['status'])}；等级分档："
                f"{case.grade_bands or fw.get('grade_bands', 'mof_2020')}"
                + (f"（{blocks.status_text(grading.get('status'))}）" if grading else "")
                + "。",
                "note",
            )
        )
        frames.append(
            Table(
                [
                    [
                        i["code"],
                        i["name"],
                        i["numerator"],
                        i["denominator"],
                        fmt.num(i["weight"]),
                        (
                            f"{i['evaluation']}，{i.get('year_offset', 0):+d}"
                            f"（{work_year + i.get('year_offset', 0)}年度）"
                        )
                        if i.get("evaluation")
                        else "考核案例",
                    ]
                    for i in fw["indicators"]
                ],
                ["代码", "指标", "完成数字段", "应完成数字段", "分值", "计数来源"],
            )
        )
    counted = a.counted
    if counted is not None and len(counted):
        listing: Any = Table(
            [
                [r.department, r.indicator, r.case_id, str(r.year), r.project_id or "—"]
                for r in counted.itertuples()
            ],
            ["单位", "指标", "案例编号", "年度", "项目编号"],
        )
    else:
        listing = Paragraph("案例库中没有计入的存档案例。")
    return Section(
        "附件：技术附件",
        [
            Section(
                "（一）考核框架",
                [
                    Paragraph(f"考核案例编号：{case.case_id}。", "note"),
                    *frames,
                    Paragraph(
                        "各指标得分按正向指标规则计分：得分 = 分值 × min(完成数 ÷ 应完成数, 100%)；"
                        "总分保留两位小数，名次在部门和下级财政部门内分别按总分从高到低排列，并列取最小名次。"
                    ),
                ],
                level=2,
            ),
            Section(
                "（二）由案例库统计的存档案例",
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
