"""评价结果应用 (evaluation: results_application): next-year budget recommendations from archived
evaluations of earlier years, a rectification list (整改清单) carried from their findings, and
policies flagged for 清理退出, 调整完善 or 整合.

The grade → budget map is a preset in ``methods/_data/results_application.yaml`` (优 优先保障,
良 据实合理保障, 中 按比例核减 with a named ratio, 差 取消或暂停; status local) or an explicit mapping
in the case file. Only cases of earlier years are used, so a batch that runs earlier years first
gives the same answer every time.

The rectification list (整改清单) numbers each selected case's lost indicators (≥ 0.5 points) from
the largest loss; its 问题 is the fact the archived report wrote for the indicator and its 整改措施
the suggestion that answered it (``findings`` in the archived results.json), else the scoring
reason without points and a measure that invents no cause.

This module holds the case model, its checks, the analysis (:func:`analyse` →
:class:`Application`) and the report outline (``section_*``, :data:`OUTLINE`, :func:`outline`):
一 基本情况, 二 评价结果汇总, 三 预算安排建议, 四 整改清单, 五 政策调整建议, 六 其他需要说明的
问题 and a 技术附件 holding the case ids, presets and archive locations (the body names projects by
their titles).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import EVALUATIONS, Budget, Case, EvaluationType, _Model, register
from methods.errors import CaseError
from methods.report import blocks, official
from methods.report import findings as fnd
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
    # per selected case id: evaluation type, budget unit, archive folder (report and annex only)
    archived: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

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


_SCORING_PARTS = re.compile(r"扣\s*[\d.]+\s*分|计分|评分|得满分|实际值：|实际值由")


def _problem(indicator: Mapping[str, Any], res: Mapping[str, Any]) -> str:
    """The 整改清单's 问题 for a lost indicator of an archived case: the fact its report wrote
    for the indicator (``findings`` in results.json), else its scoring reason without the
    points and the scoring rule (``{名称}：{事实}``)."""
    name = str(indicator.get("name", ""))
    for problem in (res.get("findings") or {}).get("problems", []):
        if indicator.get("code") in problem.get("indicators", []):
            for fact in problem.get("facts", []):
                if str(fact).startswith(name):
                    return fnd.tidy(str(fact).rstrip("。"))
    parts = [
        x.strip()
        for x in str(indicator.get("reason") or "").split("；")
        if x.strip() and not _SCORING_PARTS.search(x)
    ]
    parts = [re.sub(r"^实际\s*", "", x) for x in parts]
    return fnd.tidy(f"{name}：{'；'.join(parts)}" if parts else f"{name}未得满分")


def _measure(indicator: Mapping[str, Any], res: Mapping[str, Any], deadline: str) -> str:
    """The measure (:func:`_advice`) with the case's rectification deadline in place of the
    placeholder the archived report left for it."""
    placeholder = fnd.rules()["deadline_placeholder"]
    text = _advice(indicator, res)
    date = fnd.tidy(deadline).removesuffix("前")  # the measures say 于{期限}前
    return text.replace(placeholder + "前", date + "前").replace(placeholder, date)


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
    archived: dict[str, dict[str, Any]] = {}
    for r in rows.to_dict("records"):
        res = _results(lib, r)
        archived[r["case_id"]] = {
            "evaluation": r["evaluation"],
            "unit": (res.get("budget") or {}).get("unit"),
            "path": str(r["path"]),
        }
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
                    "problem": _problem(ind, res),
                    "unit": r["department"],
                    "measure": _measure(ind, res, deadline),
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
    return Application(rec_df, rect_df, pol_df, source, len(rec_df), tuple(skipped), case, archived)


def results(app: Application) -> dict[str, Any]:
    """results.json (contracts §4) with the ``results_application`` block."""
    from methods.report import case_results

    return case_results(app.case, results_application=app.to_dict())


# ---------------------------------------------------------------------------------------------
# Report outline


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


_GRADE_ORDER = ("优", "良", "中", "差")


def _title(app: Application, case_id: str) -> str:
    """A selected case as the report names it: its title (the case id is in the 技术附件)."""
    rec = app.recommendations
    hit = rec.loc[rec["case_id"] == case_id, "title"]
    return str(hit.iloc[0]) if len(hit) else case_id


def _unit(app: Application) -> str | None:
    """The amount unit when every selected case states the same one."""
    units = {m.get("unit") for m in app.archived.values() if m.get("unit")}
    return units.pop() if len(units) == 1 else None


def _rule_text(app: Application) -> str:
    """The grade → budget rule in words, with its basis and status in Chinese."""
    case = app.case
    gmap, _ = grade_map(case)
    parts = []
    for grade, rule in gmap.items():
        text = f"“{grade}”{rule['action']}"
        if 0 < rule["factor"] < 1:
            text += f"（按申报数的{fmt.num(rule['factor'] * 100)}%安排）"
        parts.append(text)
    rule = "；".join(parts)
    spec = case.grade_map
    if isinstance(spec, str):
        p = presets()["presets"][spec]
        basis = (
            f"该口径为{p['name']}，依据{blocks.cite(p['source'])}"
            f"（{blocks.status_text(p['status'])}）"
        )
        if case.cut_ratio is None and p.get("cut_ratio_status"):
            basis += f"；核减比例为默认设置（{blocks.status_text(p['cut_ratio_status'])}）"
    else:
        basis = "结果应用案例自定义的口径"
    return f"结果应用口径：{rule}。{basis}。"


def recommendations_table(app: Application) -> Table:
    """下年度预算安排建议 table (titles, not case ids) with totals."""
    unit = _unit(app)
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
    rec = app.recommendations
    rows.append(
        [
            "合计",
            "",
            "",
            "",
            "",
            fmt.fixed(rec["request"].sum()),
            "",
            fmt.fixed(rec["recommended"].sum()),
        ]
    )
    u = f"（{unit}）" if unit else ""
    header = [
        "项目/政策",
        "主管部门",
        "评价得分",
        "等级",
        "应用方式",
        f"下年度申报数{u}",
        "安排比例",
        f"建议安排数{u}",
    ]
    return Table(rows, header, numeric=(2, 5, 6, 7))


def recommendations_blocks(app: Application) -> list[Any]:
    """下年度预算安排建议: a paragraph with the totals and the cases cut or cancelled, the
    table and its chart."""
    if app.recommendations.empty:
        return [Paragraph("案例库中没有符合条件的已评价案例，本次不提出预算安排建议。")]
    rec = app.recommendations
    unit = _unit(app) or ""
    total_req, total_rec = rec["request"].sum(), rec["recommended"].sum()
    text = (
        f"按上述口径，纳入应用的{len(rec)}个项目（政策）下年度申报数合计{fmt.fixed(total_req)}{unit}，"
        f"建议安排{fmt.fixed(total_rec)}{unit}"
    )
    cut = total_req - total_rec
    text += f"，核减{fmt.fixed(cut)}{unit}。" if cut > 0.005 else "，未作核减。"
    for grade in _GRADE_ORDER:
        rows = rec[rec["grade"] == grade]
        if rows.empty:
            continue
        names = "、".join(rows["title"])
        action = rows["action"].iloc[0]
        factor = rows["factor"].iloc[0]
        if factor == 0:
            text += f"等级为“{grade}”的{names}，建议{action}下年度预算。"
        elif factor < 1:
            text += (
                f"等级为“{grade}”的{names}，建议{action}，按申报数的{fmt.num(factor * 100)}%安排。"
            )
    parts: list[Any] = [Paragraph(fnd.tidy(text)), recommendations_table(app)]
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
    """整改清单: project (merged), number, problem, responsible unit, measure, deadline, status."""
    if app.rectification.empty:
        return Paragraph("纳入应用的评价结果中没有需要列入整改清单的问题。")
    rows = [
        [
            _title(app, r.case_id),
            str(r.no),
            fnd.tidy(r.problem),
            r.unit,
            fnd.tidy(r.measure),
            fnd.tidy(r.deadline),
            r.status,
        ]
        for r in app.rectification.itertuples()
    ]
    return Table(
        blocks.merged_rows(rows, merge=1),
        ["项目/政策", "序号", "问题", "责任单位", "整改措施", "整改期限", "状态"],
        widths=(1.4, 0.5, 2.6, 1.3, 4.2, 1.1, 0.8),
    )


def policies_table(app: Application) -> Table | Paragraph:
    """Policies flagged for 清理退出, 调整完善 or 整合 (titles, not case ids)."""
    if app.policies.empty:
        return Paragraph("纳入应用的评价结果中没有需要清理退出、调整完善或整合的政策。")
    rows = []
    for r in app.policies.itertuples():
        ids = str(r.case_id).split("、")
        name = "、".join(_title(app, i) for i in ids) if len(ids) > 1 else _title(app, r.case_id)
        rows.append([name, r.grade or "—", r.flag, r.reason])
    return Table(rows, ["项目/政策", "等级", "处理建议", "依据"])


def section_basic(app: Application) -> Section:
    """一、基本情况"""
    case = app.case
    sel = case.select
    kinds = sel.evaluations or ([sel.evaluation] if sel.evaluation else [])
    titles = "、".join(EVALUATIONS[k].title for k in kinds if k in EVALUATIONS) or "各类评价"
    year = f"{sel.year}年度" if sel.year else "以前年度"
    departments = app.recommendations["department"].nunique() if app.selected else 0
    scope = f"本次纳入{year}已完成的{titles}结果{app.selected}个"
    scope += f"，涉及{departments}个部门（单位）。" if departments else "。"
    if app.skipped:
        scope += (
            f"另有{len(app.skipped)}个评价结果采用其他评级口径，未纳入预算安排建议（见第六部分）。"
        )
    policy = presets()["policy_rules"]
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）应用依据和口径",
                [
                    official.overview_paragraph(case, "应用背景"),
                    Paragraph(fnd.tidy(_rule_text(app))),
                    Paragraph(
                        fnd.tidy(
                            f"政策清理、调整与整合依据{blocks.cite(policy['source'])}"
                            f"（{blocks.status_text(policy['status'])}）。"
                        )
                    ),
                ],
                level=2,
            ),
            Section("（二）应用范围", [Paragraph(fnd.tidy(scope))], level=2),
        ],
    )


def section_summary(app: Application) -> Section:
    """二、评价结果汇总"""
    rec = app.recommendations
    if rec.empty:
        return Section("二、评价结果汇总", [Paragraph("案例库中没有符合条件的已评价案例。")])
    counts = "、".join(
        f"“{g}”{int((rec['grade'] == g).sum())}个" for g in _GRADE_ORDER if g in set(rec["grade"])
    )
    best = rec.loc[rec["total_score"].idxmax()]
    worst = rec.loc[rec["total_score"].idxmin()]
    text = (
        f"纳入应用的{len(rec)}个评价结果中，等级为{counts}；平均得分{fmt.fixed(rec['total_score'].mean())}分，"
        f"最高为{best['title']}（{fmt.fixed(best['total_score'])}分），"
        f"最低为{worst['title']}（{fmt.fixed(worst['total_score'])}分）。"
    )
    rows = [
        [
            r.title,
            r.department,
            EVALUATIONS[app.archived[r.case_id]["evaluation"]].title
            if r.case_id in app.archived and app.archived[r.case_id]["evaluation"] in EVALUATIONS
            else "—",
            fmt.fixed(r.total_score),
            r.grade,
        ]
        for r in rec.itertuples()
    ]
    table = Table(rows, ["项目/政策", "主管部门", "评价类型", "评价得分", "等级"], numeric=(3,))
    return Section("二、评价结果汇总", [Paragraph(fnd.tidy(text)), table])


def section_recommendations(app: Application) -> Section:
    """三、预算安排建议"""
    return Section("三、预算安排建议", recommendations_blocks(app))


def section_rectification(app: Application) -> Section:
    """四、整改清单"""
    rect = app.rectification
    least = fmt.num(presets()["rectification"]["min_lost_points"])
    if rect.empty:
        return Section("四、整改清单", [rectification_table(app)])
    statuses = presets()["rectification"]["statuses"]
    done = "、".join(f"{s}{int((rect['status'] == s).sum())}项" for s in reversed(statuses))
    text = (
        f"纳入应用的评价中失分{least}分及以上的指标列入整改清单，共{len(rect)}项，"
        f"涉及{rect['case_id'].nunique()}个项目（政策）。整改措施取自各项目评价报告针对相应问题提出的建议，"
        f"由责任单位细化落实；整改期限为{fnd.tidy(rect['deadline'].iloc[0])}。目前{done}。"
    )
    return Section("四、整改清单", [Paragraph(fnd.tidy(text)), rectification_table(app)])


def section_policies(app: Application) -> Section:
    """五、政策调整建议"""
    return Section("五、政策调整建议", [policies_table(app)])


def section_other(app: Application) -> Section:
    """六、其他需要说明的问题"""
    case = app.case
    items = []
    if app.skipped:
        items.append(
            "未纳入的评价结果。"
            + "；".join(fnd.tidy(x) for x in app.skipped)
            + "。其等级与本口径的等级不对应，需按统一口径重新定级后再行应用。"
        )
    given = [_title(app, cid) for cid in case.requests if cid in app.archived]
    text = "下年度申报数口径。"
    if given:
        text += (
            f"{'、'.join(given)}的下年度申报数由结果应用案例提供，其余项目按上年度全年预算数列示。"
        )
    else:
        text += "各项目的下年度申报数按上年度全年预算数列示。"
    items.append(text)
    if len(app.rectification):
        items.append("整改状态。整改状态依据结果应用案例登记的整改进展填列，未经现场核实。")
    work = getattr(case, "work", None)
    if work is not None and work.limitations:
        items += [fnd.tidy(x).rstrip("。") + "。" for x in work.limitations]
    else:
        items.append(f"结果应用的局限。{official.NOT_GIVEN}")
    return Section(
        "六、其他需要说明的问题", [Paragraph(f"{i}. {x}") for i, x in enumerate(items, 1)]
    )


def _selection_text(case) -> str:
    items = case.select.model_dump(exclude_none=True).items()
    return "；".join(f"{k}：{'、'.join(v) if isinstance(v, list) else v}" for k, v in items)


def section_annex(app: Application) -> Section:
    """附件：技术附件"""
    case = app.case
    rows = [
        [
            r.case_id,
            r.title,
            app.archived.get(r.case_id, {}).get("evaluation", "—"),
            str(r.year),
            fmt.fixed(r.total_score),
            r.grade,
            app.archived.get(r.case_id, {}).get("path", "—"),
        ]
        for r in app.recommendations.itertuples()
    ]
    cfg = presets()
    rect = cfg["rectification"]
    spec = case.grade_map if isinstance(case.grade_map, str) else "（案例自定义）"
    params = [
        ("结果应用口径", f"{spec}：{fnd.tidy(blocks.cite(app.source))}"),
        (
            "整改清单",
            f"失分不低于{fmt.num(rect['min_lost_points'])}分的指标列入，按失分从多到少编号"
            f"（{blocks.status_text(rect['status'])}）；默认整改期限：{rect['default_deadline']}",
        ),
        ("选取条件", _selection_text(case)),
    ]
    parts: list[Any] = [
        Section(
            "（一）纳入的存档案例",
            [
                Paragraph(
                    f"结果应用案例编号：{case.case_id}。只使用案例年度（{case.year}年）以前的存档评价结果。",
                    "note",
                ),
                Table(rows, ["案例编号", "名称", "评价类型", "年度", "得分", "等级", "存档位置"])
                if rows
                else Paragraph("（无）"),
            ],
            level=2,
        ),
        Section("（二）应用口径与参数", [Table.kv(params)], level=2),
        Section(
            "（三）整改事项编号",
            [
                Paragraph(
                    "整改清单中各项目的序号按该项目失分从多到少编号；下一年度的结果应用案例在"
                    " rectification.status 中按“案例编号 → 序号 → 状态”登记整改进展。"
                ),
                Table(
                    [
                        [
                            cid,
                            _title(app, cid),
                            f"1–{len(items)}",
                            str(int((items["status"] != "待整改").sum())),
                        ]
                        for cid, items in app.rectification.groupby("case_id", sort=False)
                    ],
                    ["案例编号", "名称", "整改事项序号", "已登记进展的事项数"],
                )
                if len(app.rectification)
                else Paragraph("（无）"),
            ],
            level=2,
        ),
    ]
    return Section("附件：技术附件", parts)


# the level-1 headings of the report (its customary outline; tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、评价结果汇总",
    "三、预算安排建议",
    "四、整改清单",
    "五、政策调整建议",
    "六、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_basic,
    section_summary,
    section_recommendations,
    section_rectification,
    section_policies,
    section_other,
    section_annex,
)


def outline(app: Application) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(app.case, [build(app) for build in OUTLINE])
