"""Results application (结果应用): next-year budget recommendations from archived evaluations, a
rectification list (整改清单) carried from their findings, and policies flagged for 清理退出,
调整完善 or 整合.

The grade → budget map is a preset in ``methods/_data/results_application.yaml`` (优 优先保障,
良 据实合理保障, 中 按比例核减 with a named ratio, 差 取消或暂停; status local) or an explicit mapping
in the case file. Only cases of earlier years are used, so a batch that runs earlier years first
gives the same answer every time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from methods import _format as fmt
from methods._resources import load_yaml
from methods.errors import CaseError


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
    recommendations: pd.DataFrame
    rectification: pd.DataFrame
    policies: pd.DataFrame
    source: str
    selected: int
    skipped: tuple[str, ...] = ()

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


def _advice(indicator: dict[str, Any]) -> str:
    from methods.report import _advice_for

    return _advice_for(indicator) or "分析失分原因，制定整改措施并限期落实。"


def analyse(case) -> Application:
    """Build recommendations, the rectification list and policy flags from the library."""
    from methods.library import list_cases
    from methods.standards import require_library

    lib = require_library(case, "结果应用", ("select",))
    filters = case.select.model_dump(exclude_none=True)
    evaluations = filters.pop("evaluations", None)
    rows = list_cases(lib, **filters)
    rows = rows[rows["grade"].notna() & rows["total_score"].notna()]
    if evaluations:
        rows = rows[rows["evaluation"].isin(evaluations)]
    rows = rows[rows["year"] < case.year]
    gmap, source = grade_map(case)
    rect_cfg = presets()["rectification"]
    deadline = case.rectification.deadline or rect_cfg["default_deadline"]
    policy_rules = presets()["policy_rules"]
    recs, rect, pols, skipped = [], [], [], []
    for r in rows.to_dict("records"):
        res = json.loads((lib.root / r["path"] / "results.json").read_text(encoding="utf-8"))
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
        lost = [
            i
            for i in res.get("indicators", [])
            if (i.get("lost") or 0) >= rect_cfg["min_lost_points"]
        ]
        for n, ind in enumerate(sorted(lost, key=lambda i: -i["lost"]), start=1):
            rect.append(
                {
                    "case_id": r["case_id"],
                    "no": n,
                    "problem": f"{ind['name']}：{ind.get('reason', '')}",
                    "unit": r["department"],
                    "measure": _advice(ind),
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
    selected = set(rows["case_id"])
    shown = "、".join(sorted(selected)[:8]) + ("等" if len(selected) > 8 else "")
    # a mistyped case id would otherwise fall back silently to the archived budget / status
    for field, keys in (("requests", case.requests), ("rectification", case.rectification.status)):
        for cid in keys:
            if cid not in selected:
                where = (field, cid) if field == "requests" else (field, "status", cid)
                raise CaseError(
                    f"案例 {cid} 不在所选案例中（本次选中 {len(selected)} 个"
                    + (f"：{shown}" if selected else "")
                    + "）",
                    field=where,
                    hint="核对案例编号，或调整 select 的筛选条件（只选以前年度已评价的案例）",
                )
    ids = {r["case_id"] for r in recs}
    for a, b in case.overlaps:
        for cid in (a, b):
            if cid not in ids:
                raise CaseError(f"overlaps 中的案例 {cid} 不在所选案例中", field=("overlaps",))
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
    return Application(rec_df, rect_df, pol_df, source, len(rec_df), tuple(skipped))


# ---------------------------------------------------------------------------------------------
# Report pieces


def recommendations_html(app: Application):
    from methods.report import HTML, esc, html_table

    if app.recommendations.empty:
        return HTML("<p>案例库中没有符合条件的已评价案例。</p>")
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
    note = f'<p class="jx-note">口径：{esc(app.source)}</p>'
    if app.skipped:
        note += '<p class="jx-note">未纳入：' + esc("；".join(app.skipped)) + "</p>"
    return HTML(html_table(rows, header, numeric=(2, 5, 6, 7)) + note)


def rectification_html(app: Application):
    from methods.report import HTML, html_table

    if app.rectification.empty:
        return HTML("<p>所选案例没有需要列入整改清单的问题。</p>")
    rows = [
        [r.case_id, str(r.no), r.problem, r.unit, r.measure, r.deadline, r.status]
        for r in app.rectification.itertuples()
    ]
    return HTML(
        html_table(rows, ["案例", "序号", "问题", "责任单位", "整改措施", "整改期限", "状态"])
    )


def policies_html(app: Application):
    from methods.report import HTML, html_table

    if app.policies.empty:
        return HTML("<p>本次没有需要清理退出、调整或整合的政策。</p>")
    rows = [[r.case_id, r.title, r.grade, r.flag, r.reason] for r in app.policies.itertuples()]
    return HTML(html_table(rows, ["案例", "名称", "等级", "处理建议", "依据"]))


def plot_recommendations(app: Application, ax=None):
    """Bars of requested vs recommended amounts per case; returns the Axes."""
    import matplotlib.pyplot as plt
    import numpy as np

    from methods import fonts

    fonts.register()
    df = app.recommendations
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * max(len(df), 1) + 1.5))
    y = np.arange(len(df))
    ax.barh(y - 0.18, df["request"], height=0.35, color="#C8D3E3", label="下年度申报数")
    ax.barh(y + 0.18, df["recommended"], height=0.35, color="#2F6DB5", label="建议安排数")
    ax.set_yticks(y, [t[:16] for t in df["title"]])
    ax.invert_yaxis()
    ax.set_xlabel("金额")
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("下年度预算安排建议")
    ax.spines[["top", "right"]].set_visible(False)
    return ax
