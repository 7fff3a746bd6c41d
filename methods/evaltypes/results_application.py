"""评价结果应用 (evaluation: results_application): next-year budget recommendations from archived
evaluations of earlier years, a rectification list (整改清单) carried from their findings, and
policies flagged for 清理退出, 调整完善 or 整合.

The grade → budget map is a preset in ``methods/_data/results_application.yaml`` (优 优先保障,
良 据实合理保障, 中 按比例核减 with a named ratio, 差 取消或暂停; status local) or an explicit mapping
in the case file. Only cases of earlier years are used, so a batch that runs earlier years first
gives the same answer every time.

This module holds the case model, its checks, the analysis (:func:`analyse` →
:class:`Application`) and the report outline (``section_*``, :data:`OUTLINE`, :func:`outline`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Budget, Case, EvaluationType, _Model, register
from methods.errors import CaseError
from methods.report import blocks
from methods.report.document import Document, Paragraph, Section, Table

# ---------------------------------------------------------------------------------------------
# Case model


class Selection(_Model):
    year: int | None = None
    department: str | None = None
    evaluation: str | None = None
    evaluations: list[str] | None = None
    budget_type: str | None = None
    object_type: str | None = None


class GradeRule(_Model):
    action: str = Field(min_length=1)
    factor: float | Literal["cut"]


class Rectification(_Model):
    deadline: str | None = None
    status: dict[str, dict[int, Literal["待整改", "整改中", "已整改"]]] = {}


class ResultsApplicationCase(Case):
    """Evaluations of earlier years → next-year budget recommendations and rectification."""

    budget: Budget | None = None  # type: ignore[assignment]
    select: Selection = Selection()
    grade_map: str | dict[str, GradeRule] = "wujin_2020"
    cut_ratio: float | None = Field(
        None, ge=0, le=1, description="等级“中”的核减比例（默认取预设）"
    )
    requests: dict[str, float] = Field(
        {}, description="下年度申报数（案例编号 → 金额）；默认取本年度预算数"
    )
    rectification: Rectification = Rectification()
    overlaps: list[list[str]] = Field([], description="交叉重复、建议整合的政策（案例编号对）")
    overview: str | None = None


def _check(case: Case) -> list[str]:
    assert isinstance(case, ResultsApplicationCase)
    if case.select.year is not None and case.select.year >= case.year:
        raise CaseError(
            f"结果应用只使用以前年度的评价结果：select.year {case.select.year} 应早于本案例年度 {case.year}",
            field=("select", "year"),
        )
    if isinstance(case.grade_map, dict):
        for grade, rule in case.grade_map.items():
            if rule.factor != "cut" and not (math.isfinite(rule.factor) and rule.factor >= 0):
                raise CaseError(
                    f"等级“{grade}”的预算系数 {rule.factor:g} 应为不小于 0 的数字（或 cut）",
                    field=("grade_map", grade, "factor"),
                )
    for cid, amount in case.requests.items():
        if not (math.isfinite(amount) and amount >= 0):
            raise CaseError(
                f"案例 {cid} 的下年度申报数 {amount:g} 应为不小于 0 的数字", field=("requests", cid)
            )
    gmap, _ = grade_map(case)
    for i, pair in enumerate(case.overlaps):
        if len(pair) != 2:
            raise CaseError("每组交叉重复应写作 [案例编号甲, 案例编号乙]", field=("overlaps", i))
    from methods.standards import library_to_check

    # with a library at hand, a case id that names no selected case is refused now, as the run
    # would refuse it (a batch defers this until the earlier years are archived)
    lib = library_to_check(case)
    if lib is not None:
        _check_references(case, lib, _selection(case, lib), gmap)
    return []


register(
    EvaluationType(
        name="results_application",
        title="评价结果应用",
        notebook="results_application.ipynb",
        model=ResultsApplicationCase,
        check=_check,
        report_kind="报告",
        reads_library=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Analysis


def presets() -> dict[str, Any]:
    return load_yaml("results_application.yaml")


def grade_map(case) -> tuple[dict[str, dict[str, Any]], str]:
    """The grade → {action, factor} map (factors numeric) and a description of its source."""
    data = presets()
    spec = case.grade_map
    cut = case.cut_ratio
    if isinstance(spec, str):
        if spec not in data["presets"]:
            raise CaseError(
                f"未知的结果应用预设 '{spec}'（可用：{'、'.join(data['presets'])}）",
                field=("grade_map",),
            )
        p = data["presets"][spec]
        grades = p["grades"]
        cut = p["default_cut_ratio"] if cut is None else cut
        source = f"{p['name']}（{p['source']}；{p['status']}）"
    else:
        grades = {k: v.model_dump() for k, v in spec.items()}
        cut = 0.1 if cut is None else cut
        source = "案例文件自定义"
    out = {}
    for grade, rule in grades.items():
        factor = rule["factor"]
        out[grade] = {
            "action": rule["action"],
            "factor": 1 - cut if factor == "cut" else float(factor),
        }
    return out, source + f"；核减比例 {fmt.num(cut * 100)}%"


@dataclass(frozen=True)
class Application:
    """The recommendations, the rectification list and the policy flags of one case."""

    recommendations: pd.DataFrame
    rectification: pd.DataFrame
    policies: pd.DataFrame
    source: str
    selected: int
    skipped: tuple[str, ...] = ()
    case: Any = None

    def to_dict(self) -> dict[str, Any]:
        def records(df):
            return json.loads(df.to_json(orient="records", force_ascii=False))

        return {
            "rule": self.source,
            "cases": self.selected,
            "skipped": list(self.skipped),
            "recommendations": records(self.recommendations),
            "rectification": records(self.rectification),
            "policies": records(self.policies),
            "total_request": float(self.recommendations["request"].sum())
            if len(self.recommendations)
            else 0.0,
            "total_recommended": float(self.recommendations["recommended"].sum())
            if len(self.recommendations)
            else 0.0,
        }


def _advice(indicator: dict[str, Any], res: Mapping[str, Any]) -> str:
    """The rectification measure for a lost indicator of an archived case: the suggestion its
    report gave to the problem that covers the indicator (``findings`` in results.json), else
    (a minor loss, or a case archived before findings were recorded) a measure that invents no
    specific cause."""
    for advice in (res.get("findings") or {}).get("advice", []):
        problem = res["findings"]["problems"][advice["problem"] - 1]
        if indicator.get("code") in problem.get("indicators", []):
            return f"{advice['title']}：{advice['text']}"
    return f"分析{indicator.get('name', '该指标')}失分原因，制定整改措施并限期落实。"


def _selection(case, lib) -> pd.DataFrame:
    """The library's graded cases of earlier years that ``select`` picks (index rows)."""
    from methods.library import list_cases

    filters = case.select.model_dump(exclude_none=True)
    evaluations = filters.pop("evaluations", None)
    rows = list_cases(lib, **filters)
    rows = rows[rows["grade"].notna() & rows["total_score"].notna()]
    if evaluations:
        rows = rows[rows["evaluation"].isin(evaluations)]
    return rows[rows["year"] < case.year]


def _results(lib, row: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads((lib.root / row["path"] / "results.json").read_text(encoding="utf-8"))


def _lost(res: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The indicators of an archived case that enter the rectification list, largest loss
    first (their position + 1 is the item number ``rectification.status`` refers to)."""
    least = presets()["rectification"]["min_lost_points"]
    lost = [i for i in res.get("indicators", []) if (i.get("lost") or 0) >= least]
    return sorted(lost, key=lambda i: -i["lost"])


def _check_references(case, lib, rows: pd.DataFrame, gmap: dict[str, Any]) -> None:
    """Every case id in ``requests``, ``rectification.status`` and ``overlaps`` names a selected
    case whose grade the rule maps to a budget action: a mistyped id, or a case the rule leaves
    out, would otherwise be ignored silently (its budget or status falling back to the archive).
    """
    grades = dict(zip(rows["case_id"], rows["grade"], strict=True))
    shown = "、".join(sorted(grades)[:8]) + ("等" if len(grades) > 8 else "")
    places = [(("requests", cid), cid) for cid in case.requests]
    places += [(("rectification", "status", cid), cid) for cid in case.rectification.status]
    places += [(("overlaps", i), cid) for i, pair in enumerate(case.overlaps) for cid in pair]
    for where, cid in places:
        if cid not in grades:
            raise CaseError(
                f"案例 {cid} 不在所选案例中（本次选中 {len(grades)} 个"
                + (f"：{shown}" if grades else "")
                + "）",
                field=where,
                hint="核对案例编号，或调整 select 的筛选条件（只选以前年度已评价的案例）",
            )
        if grades[cid] not in gmap:
            raise CaseError(
                f"案例 {cid} 的等级“{grades[cid]}”不在结果应用口径中（{'、'.join(gmap)}），"
                "不提出预算建议，此处的填写不会被使用",
                field=where,
                hint="删除该项，或在 grade_map 中为该等级设定预算处理",
            )
    paths = dict(zip(rows["case_id"], rows["path"], strict=True))
    for cid, status in case.rectification.status.items():
        n = len(_lost(_results(lib, {"path": paths[cid]})))
        for no in status:
            if not 1 <= no <= n:
                raise CaseError(
                    f"案例 {cid} 的整改清单共 {n} 项，没有第 {no} 项",
                    field=("rectification", "status", cid, no),
                    hint="整改事项按失分从多到少编号（1、2、…），见上一次结果应用报告的整改清单",
                )


def analyse(case) -> Application:
    """Build recommendations, the rectification list and policy flags from the library."""
    from methods.standards import require_library

    lib = require_library(case, "结果应用", ("select",))
    rows = _selection(case, lib)
    gmap, source = grade_map(case)
    _check_references(case, lib, rows, gmap)
    rect_cfg = presets()["rectification"]
    deadline = case.rectification.deadline or rect_cfg["default_deadline"]
    policy_rules = presets()["policy_rules"]
    recs, rect, pols, skipped = [], [], [], []
    for r in rows.to_dict("records"):
        res = _results(lib, r)
        rule = gmap.get(r["grade"])
        if rule is None:  # another grading scheme (e.g. PART): not mapped to budgets
            skipped.append(f"{r['title']}（等级“{r['grade']}”不在结果应用口径中，未纳入）")
            continue
        budget = res.get("budget") or {}
        request = case.requests.get(
            r["case_id"], budget.get("allocated") or budget.get("planned") or 0.0
        )
        recs.append(
            {
                "case_id": r["case_id"],
                "title": r["title"],
                "department": r["department"],
                "year": int(r["year"]),
                "total_score": r["total_score"],
                "grade": r["grade"],
                "action": rule["action"],
                "request": float(request),
                "factor": rule["factor"],
                "recommended": fmt.round_half_up(float(request) * rule["factor"], 2),
            }
        )
        status_map = case.rectification.status.get(r["case_id"], {})
        for n, ind in enumerate(_lost(res), start=1):
            rect.append(
                {
                    "case_id": r["case_id"],
                    "no": n,
                    "problem": f"{ind['name']}：{ind.get('reason', '')}",
                    "unit": r["department"],
                    "measure": _advice(ind, res),
                    "deadline": deadline,
                    "status": status_map.get(n, rect_cfg["statuses"][0]),
                }
            )
        if r["object_type"] == "policy" and r["grade"] in policy_rules["by_grade"]:
            pols.append(
                {
                    "case_id": r["case_id"],
                    "title": r["title"],
                    "grade": r["grade"],
                    "flag": policy_rules["by_grade"][r["grade"]],
                    "reason": f"评价等级为“{r['grade']}”",
                }
            )
    for a, b in case.overlaps:
        pols.append(
            {
                "case_id": f"{a}、{b}",
                "title": "",
                "grade": "",
                "flag": policy_rules["overlap"],
                "reason": "政策目标或支持对象交叉重复",
            }
        )
    rec_df = pd.DataFrame(
        recs,
        columns=[
            "case_id",
            "title",
            "department",
            "year",
            "total_score",
            "grade",
            "action",
            "request",
            "factor",
            "recommended",
        ],
    )
    rect_df = pd.DataFrame(
        rect, columns=["case_id", "no", "problem", "unit", "measure", "deadline", "status"]
    )
    pol_df = pd.DataFrame(pols, columns=["case_id", "title", "grade", "flag", "reason"])
    order = {"优": 0, "良": 1, "中": 2, "差": 3}
    rec_df = rec_df.sort_values(
        ["grade", "case_id"], key=lambda col: col.map(order) if col.name == "grade" else col
    ).reset_index(drop=True)
    return Application(rec_df, rect_df, pol_df, source, len(rec_df), tuple(skipped), case)


def results(app: Application) -> dict[str, Any]:
    """results.json (contracts §4) with the ``results_application`` block."""
    from methods.report import case_results

    return case_results(app.case, results_application=app.to_dict())


# ---------------------------------------------------------------------------------------------
# Report outline


def recommendations_blocks(app: Application) -> list[Any]:
    """下年度预算安排建议 table (with the rule used and the cases left out) and its chart."""
    if app.recommendations.empty:
        return [Paragraph("案例库中没有符合条件的已评价案例。")]
    rows = [
        [
            r.title,
            r.department,
            fmt.fixed(r.total_score),
            r.grade,
            r.action,
            fmt.fixed(r.request),
            f"{fmt.num(r.factor * 100)}%",
            fmt.fixed(r.recommended),
        ]
        for r in app.recommendations.itertuples()
    ]
    total_req, total_rec = (
        app.recommendations["request"].sum(),
        app.recommendations["recommended"].sum(),
    )
    rows.append(["合计", "", "", "", "", fmt.fixed(total_req), "", fmt.fixed(total_rec)])
    header = [
        "项目/政策",
        "部门",
        "评价得分",
        "等级",
        "应用方式",
        "下年度申报数",
        "安排比例",
        "建议安排数",
    ]
    parts: list[Any] = [Table(rows, header, numeric=(2, 5, 6, 7), note=f"口径：{app.source}")]
    if app.skipped:
        parts.append(Paragraph("未纳入：" + "；".join(app.skipped), "note"))
    parts.append(
        blocks.chart(
            plot_recommendations(app).figure,
            "下年度预算安排建议：申报数与建议安排数",
            "各项目（政策）下年度申报数（浅色）与建议安排数（深色）的横向条形图，"
            "按评价等级从优到差排列",
        )
    )
    return parts


def rectification_table(app: Application) -> Table | Paragraph:
    """整改清单: case, number, problem, responsible unit, measure, deadline, status."""
    if app.rectification.empty:
        return Paragraph("所选案例没有需要列入整改清单的问题。")
    rows = [
        [r.case_id, str(r.no), r.problem, r.unit, r.measure, r.deadline, r.status]
        for r in app.rectification.itertuples()
    ]
    return Table(rows, ["案例", "序号", "问题", "责任单位", "整改措施", "整改期限", "状态"])


def policies_table(app: Application) -> Table | Paragraph:
    """Policies flagged for 清理退出, 调整完善 or 整合."""
    if app.policies.empty:
        return Paragraph("本次没有需要清理退出、调整或整合的政策。")
    rows = [[r.case_id, r.title, r.grade, r.flag, r.reason] for r in app.policies.itertuples()]
    return Table(rows, ["案例", "名称", "等级", "处理建议", "依据"])


def plot_recommendations(app: Application, ax=None, *, log_ratio: float = 50.0):
    """Bars of requested vs recommended amounts per case, each labelled with its amount; returns
    the Axes.

    When the largest amount is more than ``log_ratio`` times the smallest positive one (a land
    sale budget of millions beside subsidies of a few thousand), the amount axis is logarithmic
    and labelled 对数刻度, so the small bars stay readable; it is linear otherwise. A zero amount
    (a cancelled budget) has no bar, only its label."""
    import math

    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    from methods import fonts

    fonts.register()
    df = app.recommendations
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * max(len(df), 1) + 1.5))
    y = np.arange(len(df))
    request = df["request"].astype(float).to_numpy()
    recommended = df["recommended"].astype(float).to_numpy()
    amounts = np.concatenate([request, recommended])
    positive = amounts[amounts > 0]
    log = len(positive) > 0 and positive.max() > log_ratio * positive.min()
    if log:
        low = 10.0 ** math.floor(math.log10(positive.min()))
        high = 10.0 ** (math.log10(positive.max()) + 0.35)  # room for the labels
    else:
        low, high = 0.0, max(float(amounts.max(initial=0.0)), 1.0) * 1.18
    series = (
        (y - 0.18, request, "#C8D3E3", "下年度申报数"),
        (y + 0.18, recommended, "#2F6DB5", "建议安排数"),
    )
    for pos, values, color, label in series:
        widths = np.clip(values - low, 0, None)
        ax.barh(pos, widths, left=low, height=0.35, color=color, label=label)
        for p, v in zip(pos, values, strict=True):
            ax.text(max(v, low), p, f" {fmt.num(v)}", va="center", fontsize=7.5, color="#444")
    if log:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.num(v)))
    ax.set_xlim(low, high)
    ax.set_yticks(y, [t[:16] for t in df["title"]])
    ax.invert_yaxis()
    ax.set_xlabel("金额（对数刻度）" if log else "金额")
    ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    ax.set_title("下年度预算安排建议", pad=24)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def section_scope(app: Application) -> Section:
    """一、应用范围与口径"""
    case = app.case
    return Section(
        "一、应用范围与口径",
        [
            blocks.overview(case),
            Paragraph(f"纳入 {app.selected} 个已评价案例（{case.select.year or '全部'} 年度）。"),
        ],
    )


def section_recommendations(app: Application) -> Section:
    """二、下年度预算安排建议"""
    return Section("二、下年度预算安排建议", recommendations_blocks(app))


def section_rectification(app: Application) -> Section:
    """三、整改清单"""
    return Section(
        "三、整改清单",
        [
            Paragraph(
                "失分达到 0.5 分的指标列入整改清单，责任单位为项目主管部门；"
                "整改措施为参考建议，由责任单位细化。"
            ),
            rectification_table(app),
        ],
    )


def section_policies(app: Application) -> Section:
    """四、政策清理、调整与整合"""
    return Section("四、政策清理、调整与整合", [policies_table(app)])


OUTLINE = (section_scope, section_recommendations, section_rectification, section_policies)


def outline(app: Application) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(app.case, [build(app) for build in OUTLINE])
