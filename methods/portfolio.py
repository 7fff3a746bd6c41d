"""Ranking a portfolio of evaluated cases (项目组合排序) for budget decisions.

The cases come from case files listed in the portfolio case (scored afresh with
:func:`methods.scoring.evaluate`) or from the case library (their archived ``results.json``).
Criteria are the level-1 得分率 (score ÷ points) or chosen indicators' 得分率; weights come from
points, equal shares, AHP judgements or the data (entropy, CRITIC). The cases are ranked by TOPSIS
and VIKOR (:mod:`methods.ranking`), and the ranking's robustness is checked by perturbing the
weights (:func:`methods.robustness.weight_sensitivity`) and by adding/removing alternatives
(:func:`methods.robustness.rank_reversal`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods.errors import CaseError


@dataclass(frozen=True)
class PortfolioData:
    """Alternatives × criteria (得分率, 0–1) and a description of each case."""

    matrix: pd.DataFrame
    cases: pd.DataFrame
    criteria_points: pd.Series


def _from_files(case) -> list[dict[str, Any]]:
    from methods import scoring
    from methods.casefile import load_case

    out = []
    for i, value in enumerate(case.cases or []):
        path = case.resolve(value)
        try:
            member = load_case(path, display=value)
        except CaseError as exc:
            raise CaseError(f"所列案例无效：{exc}", field=("cases", i)) from None
        if not hasattr(member, "indicators"):
            raise CaseError(f"{value} 不是计分类评价（{member.evaluation}）", field=("cases", i))
        ev = scoring.evaluate(member)
        out.append(
            {
                "case_id": member.case_id,
                "title": member.title,
                "department": member.department,
                "year": member.year,
                "total_score": ev.total,
                "grade": ev.grade,
                "level1": dict(
                    zip(ev.level1_table["level1"], ev.level1_table["score"], strict=True)
                ),
                "level1_weights": dict(
                    zip(ev.level1_table["level1"], ev.level1_table["weight"], strict=True)
                ),
                "indicators": {
                    r["code"]: (r["score"], r["weight"])
                    for r in ev.table.to_dict("records")
                    if r["applicable"]
                },
            }
        )
    return out


def _from_library(case) -> list[dict[str, Any]]:
    from methods.library import list_cases
    from methods.standards import require_library

    lib = require_library(case, "从案例库选取案例", ("select",))
    filters = case.select.model_dump(exclude_none=True)
    rows = list_cases(lib, **filters)
    rows = rows[rows["total_score"].notna()]
    out = []
    for r in rows.to_dict("records"):
        res = json.loads((lib.root / r["path"] / "results.json").read_text(encoding="utf-8"))
        out.append(
            {
                "case_id": res["case_id"],
                "title": res["title"],
                "department": res["department"],
                "year": res["year"],
                "total_score": res["total_score"],
                "grade": res["grade"],
                "level1": res.get("level1") or {},
                "level1_weights": res.get("level1_weights") or {},
                "indicators": {
                    i["code"]: (i["score"], i["weight"])
                    for i in res.get("indicators", [])
                    if i.get("applicable", True)
                },
            }
        )
    return out


def load(case) -> PortfolioData:
    """The decision matrix of a portfolio case."""
    members = _from_files(case) if case.cases else _from_library(case)
    if len(members) < 2:
        raise CaseError(
            f"排序至少需要 2 个案例，实际 {len(members)} 个",
            field=("cases",) if case.cases else ("select",),
        )
    ids = [m["case_id"] for m in members]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise CaseError(f"案例 {dup} 重复出现", field=("cases",))
    criteria = case.criteria
    rows, points = {}, {}
    for m in members:
        if criteria == "level1":
            names = list(m["level1"])
            values = {k: m["level1"][k] / m["level1_weights"][k] for k in names}
            pts = m["level1_weights"]
        else:
            missing = [c for c in criteria if c not in m["indicators"]]
            if missing:
                raise CaseError(
                    f"案例 {m['case_id']} 没有指标 {'、'.join(missing)}", field=("criteria",)
                )
            values = {c: m["indicators"][c][0] / m["indicators"][c][1] for c in criteria}
            pts = {c: m["indicators"][c][1] for c in criteria}
        rows[m["case_id"]] = values
        for k, v in pts.items():
            points.setdefault(k, []).append(v)
    matrix = pd.DataFrame.from_dict(rows, orient="index")
    if matrix.isna().any().any():
        bad = matrix.columns[matrix.isna().any()].tolist()
        raise CaseError(
            "参评案例的一级指标不一致（" + "、".join(map(str, bad)) + " 并非所有案例都有）",
            field=("criteria",),
            hint="只比较同一指标框架的案例，或用 criteria 列出共同的指标代码",
        )
    matrix.index.name = "case_id"
    meta = pd.DataFrame(
        [
            {k: m[k] for k in ("case_id", "title", "department", "year", "total_score", "grade")}
            for m in members
        ]
    )
    mean_points = pd.Series({k: float(np.mean(v)) for k, v in points.items()})[matrix.columns]
    return PortfolioData(matrix, meta, mean_points)


@dataclass(frozen=True)
class PortfolioResult:
    data: PortfolioData
    weights: pd.Series
    weights_detail: Any
    weights_method: str
    topsis: Any
    vikor: Any
    sensitivity: Any
    reversal: Any

    def ranking_table(self) -> pd.DataFrame:
        t = self.topsis.table.set_index("alternative")
        v = self.vikor.table.set_index("alternative")
        out = self.data.cases.set_index("case_id").join(
            pd.DataFrame(
                {
                    "closeness": t["closeness"],
                    "topsis_rank": t["rank"],
                    "S": v["S"],
                    "R": v["R"],
                    "Q": v["Q"],
                    "vikor_rank": v["rank"],
                }
            )
        )
        sens = self.sensitivity.table.set_index("case")
        out["p_rank_holds"] = sens["p_rank_holds"]
        out["rank_p05"] = sens["rank_p05"]
        out["rank_p95"] = sens["rank_p95"]
        return out.sort_values("topsis_rank").reset_index()

    def agreement(self) -> float:
        """Spearman correlation between the TOPSIS and VIKOR ranks."""
        t = self.ranking_table()
        return float(t["topsis_rank"].corr(t["vikor_rank"], method="spearman"))

    def to_dict(self) -> dict[str, Any]:
        table = self.ranking_table()
        return {
            "criteria": [str(c) for c in self.data.matrix.columns],
            "weights": {str(k): float(v) for k, v in self.weights.items()},
            "weights_method": self.weights_method,
            "normalization": self.topsis.normalization,
            "v": self.vikor.v,
            "vikor_c1": bool(self.vikor.c1),
            "vikor_c2": bool(self.vikor.c2),
            "compromise": list(self.vikor.compromise),
            "agreement_spearman": self.agreement(),
            "rank_reversal": bool(self.reversal.reversal),
            "ranking": json.loads(table.to_json(orient="records", force_ascii=False)),
        }


def analyse(case) -> PortfolioResult:
    """Rank the portfolio: weights, TOPSIS, VIKOR, weight sensitivity and rank reversal."""
    from methods import ranking, robustness, weighting

    data = load(case)
    X = data.matrix
    spec = case.criteria_weights
    method = spec.method
    detail = None
    if method == "points":
        if spec.points:
            missing = set(X.columns) - set(spec.points)
            if missing:
                raise CaseError(
                    "criteria_weights.points 缺少 " + "、".join(sorted(missing)),
                    field=("criteria_weights", "points"),
                )
            w = pd.Series({c: float(spec.points[c]) for c in X.columns})
        else:
            w = data.criteria_points.copy()
        w = w / w.sum()
    elif method == "equal":
        w = pd.Series(1.0 / X.shape[1], index=X.columns)
    elif method == "ahp":
        triples = [(str(a), str(b), v) for a, b, v in (spec.comparisons or [])]
        try:
            detail = weighting.ahp(triples, labels=list(X.columns), ri=spec.ri_table)
        except ValueError as exc:
            raise CaseError(f"AHP 权重推导失败：{exc}", field=("criteria_weights",)) from None
        w = detail.weights.reindex(X.columns)
    else:
        fn = weighting.entropy_weights if method == "entropy" else weighting.critic_weights
        try:
            detail = fn(X)
        except ValueError as exc:
            raise CaseError(f"{method} 权重计算失败：{exc}", field=("criteria_weights",)) from None
        w = detail.weights.reindex(X.columns)
    opts = case.ranking
    top = ranking.topsis(X, w, normalization=opts.normalization)
    vik = ranking.vikor(X, w, v=opts.v)
    rob = case.robustness
    sens = robustness.weight_sensitivity(
        X, w * 100, concentration=rob.concentration, n=rob.draws, seed=rob.seed
    )
    reversal = robustness.rank_reversal(X, w, method="topsis", normalization=opts.normalization)
    return PortfolioResult(data, w, detail, method, top, vik, sens, reversal)


# ---------------------------------------------------------------------------------------------
# Report pieces (Chinese)


def cases_html(result: PortfolioResult):
    from methods import _format as fmt
    from methods.report import HTML, html_table

    X = result.data.matrix
    meta = result.data.cases.set_index("case_id")
    rows = []
    for case_id in X.index:
        m = meta.loc[case_id]
        rows.append(
            [m["title"], m["department"], fmt.fixed(m["total_score"]), m["grade"] or "—"]
            + [fmt.num(X.loc[case_id, c] * 100, 1) + "%" for c in X.columns]
        )
    header = ["名称", "部门", "总分", "等级", *[f"{c}得分率" for c in X.columns]]
    return HTML(html_table(rows, header, numeric=range(2, len(header))))


def weights_html(result: PortfolioResult):
    from methods import _format as fmt
    from methods.report import HTML, html_table

    how = {
        "points": "按案例指标体系中的分值",
        "equal": "等权重",
        "ahp": "层次分析法（AHP）",
        "entropy": "熵权法（客观赋权）",
        "critic": "CRITIC 法（客观赋权）",
    }[result.weights_method]
    rows = [[str(k), fmt.num(v * 100, 2) + "%"] for k, v in result.weights.items()]
    text = f"<p>准则权重确定方法：{how}。</p>"
    d = result.weights_detail
    if d is not None and hasattr(d, "cr"):
        text += f"<p>λmax = {d.lambda_max:.4f}，CI = {d.ci:.4f}，CR = {d.cr:.4f}（{'通过' if d.consistent else '未通过'}一致性检验，RI 表 {d.ri_table}）。</p>"
    return HTML(text + html_table(rows, ["准则", "权重"], numeric=(1,)))


def ranking_html(result: PortfolioResult):
    from methods import _format as fmt
    from methods.report import HTML, html_table

    t = result.ranking_table()
    rows = [
        [
            int(r.topsis_rank),
            r.case_id,
            r.title,
            fmt.num(r.closeness, 4),
            int(r.vikor_rank),
            fmt.num(r.Q, 4),
            fmt.num(r.S, 4),
            fmt.num(r.R, 4),
        ]
        for r in t.itertuples()
    ]
    header = ["TOPSIS 名次", "案例编号", "名称", "贴近度", "VIKOR 名次", "Q", "S", "R"]
    v = result.vikor
    notes = (
        f"<p>TOPSIS 采用{'向量' if result.topsis.normalization == 'vector' else '极差（min–max）'}归一化"
        f"（normalization = {result.topsis.normalization}）；VIKOR 折衷系数 v = {fmt.num(v.v)}。"
        f"VIKOR 可接受优势条件 C1 {'满足' if v.c1 else '不满足'}，决策稳定性条件 C2 {'满足' if v.c2 else '不满足'}；"
        f"折衷解：{'、'.join(v.compromise)}。两种方法名次的 Spearman 相关系数为 {fmt.num(result.agreement(), 3)}。</p>"
    )
    return HTML(html_table(rows, header, numeric=(0, 3, 4, 5, 6, 7)) + notes)


def plot_ranking(result: PortfolioResult, ax=None):
    """Horizontal bars of TOPSIS closeness, best at the top; returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    t = result.ranking_table().sort_values("closeness")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.5 * len(t) + 1.3))
    labels = [
        f"{title}（{cid}）" if len(title) < 14 else title
        for cid, title in zip(t["case_id"], t["title"], strict=True)
    ]
    ax.barh(labels, t["closeness"], color="#2F6DB5", height=0.55)
    for i, v in enumerate(t["closeness"]):
        ax.text(v, i, f" {v:.3f}", va="center", fontsize=9)
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("TOPSIS 贴近度")
    ax.set_title("项目排序（贴近度越大越优）")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def robustness_html(result: PortfolioResult):
    from methods import _format as fmt
    from methods.report import HTML, html_table

    sens = result.sensitivity
    t = sens.table
    rows = [
        [
            r.case,
            int(r.rank),
            fmt.num(r.p_rank_holds * 100, 1) + "%",
            f"{int(r.rank_p05)}–{int(r.rank_p95)}",
        ]
        for r in t.itertuples()
    ]
    rev = result.reversal
    text = (
        f"<p>权重扰动：以上述权重为中心按 Dirichlet 分布抽样 {sens.n:,} 次（集中度 {fmt.num(sens.concentration)}，"
        f"随机种子 {sens.seed}），统计各案例名次保持不变的概率。</p>"
    )
    text += html_table(
        rows, ["案例编号", "名次（按加权得分率）", "名次保持概率", "名次 90% 区间"], numeric=(1, 2)
    )
    text += (
        "<p>排序逆转检验（逐个移除或加入被支配方案后，其余方案的相对次序是否改变）："
        + ("发现逆转，排序结论需谨慎使用。" if rev.reversal else "未发现逆转。")
        + "</p>"
    )
    return HTML(text)


def conclusions_html(result: PortfolioResult):
    from methods import _format as fmt
    from methods.report import HTML, bullet_list

    t = result.ranking_table()
    best, worst = t.iloc[0], t.iloc[-1]
    items = [
        f"综合排序第一的是“{best['title']}”（TOPSIS 贴近度 {fmt.num(best['closeness'], 3)}），建议在下一年度预算安排中优先保障。",
        f"排序末位的是“{worst['title']}”（贴近度 {fmt.num(worst['closeness'], 3)}），建议结合其失分指标进行整改，并审慎安排后续资金。",
    ]
    agree = result.agreement()
    if agree < 0.8:
        items.append(
            f"TOPSIS 与 VIKOR 排序一致性较低（Spearman {fmt.num(agree, 2)}），应结合两种方法和专家意见综合判断。"
        )
    else:
        items.append(f"TOPSIS 与 VIKOR 排序基本一致（Spearman {fmt.num(agree, 2)}）。")
    shaky = t[t["p_rank_holds"] < 0.8]
    if len(shaky):
        items.append(
            "以下案例的名次对权重较敏感（保持概率低于 80%）：" + "、".join(shaky["title"]) + "。"
        )
    return HTML(bullet_list(items))
