"""项目组合排序 (evaluation: portfolio): ranking evaluated cases for budget decisions.

The cases come from case files listed in the portfolio case (scored afresh with
:func:`methods.evaluation.evaluate`) or from the case library (their archived ``results.json``).
Criteria are the level-1 得分率 (score ÷ points) or chosen indicators' 得分率; weights come from
points, equal shares, AHP judgements or the data (entropy, CRITIC). The cases are ranked by TOPSIS
and VIKOR (:mod:`methods.ranking`), and the ranking's robustness is checked by perturbing the
weights (:func:`methods.robustness.weight_sensitivity`) and by adding/removing alternatives
(:func:`methods.robustness.rank_reversal`).

This module holds the case model, its checks, the analysis and the report outline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator

from methods import _format as fmt
from methods.casefile import (
    Budget,
    Case,
    EvaluationType,
    RobustnessOptions,
    _Model,
    check_comparisons,
    register,
)
from methods.errors import CaseError
from methods.report import blocks
from methods.report.document import BulletList, Document, Paragraph, Section, Table

# ---------------------------------------------------------------------------------------------
# Case model


class PortfolioSelect(_Model):
    """Cases taken from the library (equality filters)."""

    year: int | None = None
    department: str | None = None
    evaluation: str | None = None
    budget_type: str | None = None
    object_type: str | None = None


class CriteriaWeights(_Model):
    """Weights of a portfolio's criteria."""

    method: Literal["points", "equal", "ahp", "entropy", "critic"] = "points"
    points: dict[str, float] | None = Field(
        None, description="各准则分值（method: points）；省略时用案例的一级指标分值"
    )
    comparisons: list[list[str | float]] | None = None
    ri_table: str = "saaty1980"

    @field_validator("comparisons", mode="after")
    @classmethod
    def _comparisons(cls, value: Any) -> Any:
        return check_comparisons(value)


class RankingOptions(_Model):
    normalization: Literal["vector", "minmax"] = "vector"
    v: float = Field(0.5, ge=0, le=1)


class PortfolioCase(Case):
    """A portfolio of evaluated cases ranked for budget decisions (evaluation: portfolio)."""

    budget: Budget | None = None  # type: ignore[assignment]
    cases: list[str] | None = Field(None, min_length=2, description="参评案例文件（相对本文件）")
    select: PortfolioSelect | None = Field(None, description="或从案例库按条件选取")
    criteria: Literal["level1"] | list[str] = "level1"
    criteria_weights: CriteriaWeights = CriteriaWeights()
    ranking: RankingOptions = RankingOptions()
    robustness: RobustnessOptions = RobustnessOptions()
    overview: str | None = None

    def reads_library(self) -> bool:
        return self.select is not None

    def member_case_entries(self) -> list[tuple[tuple, str]]:
        return [(("cases", i), v) for i, v in enumerate(self.cases or [])]

    def private_paths(self) -> set[str]:
        return self.member_private_paths()

    def data_paths(self) -> list[tuple[tuple, str]]:
        return self.member_data_paths()


def _check_portfolio(case: Case) -> list[str]:
    if not isinstance(case, PortfolioCase):
        return []
    if bool(case.cases) == bool(case.select):
        raise CaseError(
            "请给出 cases（案例文件列表）或 select（从案例库选取）之一", field=("cases",)
        )
    if case.criteria_weights.method == "ahp" and not case.criteria_weights.comparisons:
        raise CaseError("AHP 需要 comparisons", field=("criteria_weights", "comparisons"))
    if case.cases:
        analyse(case, simulate=False)  # the members, criteria and weights all work out
    return []


register(
    EvaluationType(
        name="portfolio",
        title="项目组合排序",
        notebook="portfolio.ipynb",
        model=PortfolioCase,
        check=_check_portfolio,
        report_kind="报告",
    )
)


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass(frozen=True)
class PortfolioData:
    """Alternatives × criteria (得分率, 0–1) and a description of each case."""

    matrix: pd.DataFrame
    cases: pd.DataFrame
    criteria_points: pd.Series


def _from_files(case) -> list[dict[str, Any]]:
    from methods import evaluation
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
        ev = evaluation.evaluate(member)
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
    case: Any
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


def analyse(case, *, simulate: bool = True) -> PortfolioResult:
    """Rank the portfolio: weights, TOPSIS, VIKOR, weight sensitivity and rank reversal.

    ``simulate=False`` (validation) leaves the weight-perturbation draws out: it checks, running
    computes."""
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
        X, w * 100, concentration=rob.concentration, n=rob.draws if simulate else 100, seed=rob.seed
    )
    reversal = robustness.rank_reversal(X, w, method="topsis", normalization=opts.normalization)
    return PortfolioResult(case, data, w, detail, method, top, vik, sens, reversal)


# ---------------------------------------------------------------------------------------------
# Report outline


def section_cases(r: PortfolioResult) -> Section:
    """一、参评案例"""
    X = r.data.matrix
    meta = r.data.cases.set_index("case_id")
    rows = []
    for case_id in X.index:
        m = meta.loc[case_id]
        rows.append(
            [m["title"], m["department"], fmt.fixed(m["total_score"]), m["grade"] or "—"]
            + [fmt.num(X.loc[case_id, c] * 100, 1) + "%" for c in X.columns]
        )
    header = ["名称", "部门", "总分", "等级", *[f"{c}得分率" for c in X.columns]]
    return Section(
        "一、参评案例",
        [blocks.overview(r.case), Table(rows, header, numeric=range(2, len(header)))],
    )


def section_weights(r: PortfolioResult) -> Section:
    """二、排序准则与权重"""
    how = {
        "points": "按案例指标体系中的分值",
        "equal": "等权重",
        "ahp": "层次分析法（AHP）",
        "entropy": "熵权法（客观赋权）",
        "critic": "CRITIC 法（客观赋权）",
    }[r.weights_method]
    rows = [[str(k), fmt.num(v * 100, 2) + "%"] for k, v in r.weights.items()]
    parts: list[Any] = [Paragraph(f"准则权重确定方法：{how}。")]
    d = r.weights_detail
    if d is not None and hasattr(d, "cr"):
        parts.append(
            Paragraph(
                f"λmax = {d.lambda_max:.4f}，CI = {d.ci:.4f}，CR = {d.cr:.4f}"
                f"（{'通过' if d.consistent else '未通过'}一致性检验，RI 表 {d.ri_table}）。"
            )
        )
    parts.append(Table(rows, ["准则", "权重"], numeric=(1,)))
    return Section("二、排序准则与权重", parts)


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


def section_ranking(r: PortfolioResult) -> Section:
    """三、TOPSIS 与 VIKOR 综合排序"""
    t = r.ranking_table()
    rows = [
        [
            int(x.topsis_rank),
            x.case_id,
            x.title,
            fmt.num(x.closeness, 4),
            int(x.vikor_rank),
            fmt.num(x.Q, 4),
            fmt.num(x.S, 4),
            fmt.num(x.R, 4),
        ]
        for x in t.itertuples()
    ]
    header = ["TOPSIS 名次", "案例编号", "名称", "贴近度", "VIKOR 名次", "Q", "S", "R"]
    v = r.vikor
    notes = Paragraph(
        f"TOPSIS 采用{'向量' if r.topsis.normalization == 'vector' else '极差（min–max）'}归一化"
        f"（normalization = {r.topsis.normalization}）；VIKOR 折衷系数 v = {fmt.num(v.v)}。"
        f"VIKOR 可接受优势条件 C1 {'满足' if v.c1 else '不满足'}，决策稳定性条件 C2 "
        f"{'满足' if v.c2 else '不满足'}；折衷解：{'、'.join(v.compromise)}。两种方法名次的 "
        f"Spearman 相关系数为 {fmt.num(r.agreement(), 3)}。"
    )
    ax = plot_ranking(r)
    fig = ax.figure
    fig.tight_layout()
    return Section(
        "三、TOPSIS 与 VIKOR 综合排序",
        [
            Paragraph(
                "TOPSIS 按与理想解、负理想解的相对距离（贴近度）排序；VIKOR 兼顾群体效用（S）和"
                "个别遗憾（R），Q 值越小越优。"
            ),
            Table(rows, header, numeric=(0, 3, 4, 5, 6, 7)),
            notes,
            blocks.chart(
                fig, "项目排序（TOPSIS 贴近度）", "各参评案例 TOPSIS 贴近度条形图，越大越优"
            ),
        ],
    )


def section_robustness(r: PortfolioResult) -> Section:
    """四、排序稳健性"""
    sens = r.sensitivity
    rows = [
        [
            x.case,
            int(x.rank),
            fmt.num(x.p_rank_holds * 100, 1) + "%",
            f"{int(x.rank_p05)}–{int(x.rank_p95)}",
        ]
        for x in sens.table.itertuples()
    ]
    rev = r.reversal
    return Section(
        "四、排序稳健性",
        [
            Paragraph(
                f"权重扰动：以上述权重为中心按 Dirichlet 分布抽样 {sens.n:,} 次（集中度 "
                f"{fmt.num(sens.concentration)}，随机种子 {sens.seed}），统计各案例名次保持不变的概率。"
            ),
            Table(
                rows,
                ["案例编号", "名次（按加权得分率）", "名次保持概率", "名次 90% 区间"],
                numeric=(1, 2),
            ),
            Paragraph(
                "排序逆转检验（逐个移除或加入被支配方案后，其余方案的相对次序是否改变）："
                + ("发现逆转，排序结论需谨慎使用。" if rev.reversal else "未发现逆转。")
            ),
        ],
    )


def conclusions(r: PortfolioResult) -> list[str]:
    t = r.ranking_table()
    best, worst = t.iloc[0], t.iloc[-1]
    items = [
        f"综合排序第一的是“{best['title']}”（TOPSIS 贴近度 {fmt.num(best['closeness'], 3)}），"
        "建议在下一年度预算安排中优先保障。",
        f"排序末位的是“{worst['title']}”（贴近度 {fmt.num(worst['closeness'], 3)}），"
        "建议结合其失分指标进行整改，并审慎安排后续资金。",
    ]
    agree = r.agreement()
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
    return items


def section_conclusions(r: PortfolioResult) -> Section:
    """五、结论与预算安排建议"""
    return Section("五、结论与预算安排建议", [BulletList(conclusions(r))])


OUTLINE = (
    section_cases,
    section_weights,
    section_ranking,
    section_robustness,
    section_conclusions,
)


def results(r: PortfolioResult) -> dict[str, Any]:
    """results.json (contracts §4) with the ``portfolio`` block."""
    from methods.report import case_results

    return case_results(r.case, portfolio=r.to_dict())


def outline(r: PortfolioResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
