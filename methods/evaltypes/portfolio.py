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
from dataclasses import dataclass, field
from functools import cached_property
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
from methods.report.document import Document, Paragraph, Section, Span, Table

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
    # case id → what the report needs beyond the numbers: the member evaluation's problems
    # (heading, kind, facts, causes) and its department's short name, and where it came from
    details: dict[str, dict[str, Any]] = field(default_factory=dict)


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
        from methods.report import findings

        out.append(
            {
                "problems": findings.find(ev).to_dict()["problems"],
                "names": dict(zip(ev.table["code"], ev.table["name"], strict=True)),
                "department_short": member.department_short,
                "source": value,
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
                "problems": (res.get("findings") or {}).get("problems") or [],
                "names": {i["code"]: i["name"] for i in res.get("indicators", [])},
                "department_short": None,
                "source": f"案例库 {r['path']}",
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
    if isinstance(criteria, list) and not criteria:
        raise CaseError("criteria 应为 level1 或至少一个指标代码", field=("criteria",))
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
    details = {
        m["case_id"]: {k: m[k] for k in ("problems", "names", "department_short", "source")}
        for m in members
    }
    return PortfolioData(matrix, meta, mean_points, details)


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

    @cached_property
    def findings(self):
        """存在的问题 and one 预算安排建议 per problem (:func:`find`)."""
        return find(self)

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
# Findings: 主要结论, 存在的问题 and 预算安排建议, each suggestion tied to a finding

# A criterion is a common weakness when the projects' mean 得分率 is below this and most of them
# are below it (practice: the 90% line of the findings engine's materiality, findings.yaml).
WEAK_RATE = 0.90
# What strengthening a 10号 level-1 criterion means, for the advice (by the criterion's identity:
# the level-1 names of the 10号 framework); other criteria are named as they are.
CRITERION_WORK = {
    "决策": "项目立项论证、绩效目标设定和资金分配测算",
    "过程": "资金管理和实施过程管理",
    "产出": "产出数量、质量和时效管理",
    "效益": "效益实现和长效运行管理",
}
SERIOUS = ("compliance", "safety", "audit")


def _titles(r: PortfolioResult) -> dict[str, str]:
    """Case id → the project's title, with its year when two members share a title."""
    cases = r.data.cases
    dup = cases["title"].duplicated(keep=False)
    return {
        row["case_id"]: f"{row['title']}（{int(row['year'])}年度）" if d else str(row["title"])
        for (_, row), d in zip(cases.iterrows(), dup, strict=True)
    }


def _pct(x: float) -> str:
    return f"{fmt.fixed(x * 100)}%"


def _criterion_names(r: PortfolioResult) -> dict[str, str]:
    """Criterion → its name in prose: level-1 names as they are, indicator codes by the
    indicator's name in the first member that has it (codes stay in the 技术附件)."""
    out = {}
    for c in r.data.matrix.columns:
        name = next(
            (d["names"][c] for d in r.data.details.values() if c in d.get("names", {})), None
        )
        out[c] = str(name) if name and r.case.criteria != "level1" else str(c)
    return out


def _dept(r: PortfolioResult, case_id: str) -> str:
    """The member's department as advice names it: its short name (from any member case of the
    same department that gives one), else its full name."""
    cases = r.data.cases.set_index("case_id")
    dept = str(cases.loc[case_id, "department"])
    for cid, row in cases.iterrows():
        short = r.data.details.get(cid, {}).get("department_short")
        if short and str(row["department"]) == dept:
            return short
    return dept


def _finance(r: PortfolioResult) -> str:
    from methods.report import findings

    return getattr(r.case, "department_short", None) or findings.rules()["finance_bureau"]


def _low_grades(r: PortfolioResult) -> set[str]:
    """The grades below the second band (中, 差) of the 10号 bands and their like."""
    from methods import scoring

    return {g for g, _ in scoring.grade_bands("mof_2020").bands[2:]}


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith(("。", "！", "？")) else text.rstrip("；;，,") + "。"


def _clause(text: str) -> str:
    return str(text).strip().rstrip("。；;，,")


def find(r: PortfolioResult):
    """存在的问题 of a portfolio and one 预算安排建议 per problem:

    1. a member whose evaluation found a compliance, safety or audit problem (the money it
       asks for next year depends on its rectification);
    2. the last-ranked project when it is nearer the worst than the best (TOPSIS closeness
       below 0.5): its weakest criteria against the others, the problems its own evaluation
       found, and advice that matches its grade (never 压减 for a project graded 优 or 良);
    3. criteria on which the projects are weak in common (mean 得分率 below 90%, most projects
       below it).
    Causes are those the member evaluations state, else to be verified."""
    from methods.report.findings import Advice, Findings, Problem

    t = r.ranking_table()
    X = r.data.matrix
    titles = _titles(r)
    names = _criterion_names(r)
    finance = _finance(r)
    from methods.report import findings as rf

    deadline = rf.rules()["deadline_placeholder"]
    problems: list[Problem] = []
    advice: list[Advice] = []

    def add(p: Problem, title: str, text: str) -> None:
        problems.append(p)
        advice.append(Advice(len(problems), title, _sentence(text)))

    for _, row in t.iterrows():
        cid = row["case_id"]
        serious = [
            x for x in r.data.details.get(cid, {}).get("problems", []) if x.get("kind") in SERIOUS
        ]
        for x in serious[:1]:
            issue = _clause(x["heading"]).split("，")[-1].removeprefix("存在").removesuffix("情况")
            add(
                Problem(
                    theme="member_" + str(x.get("kind")),
                    theme_title="资金使用合规" if x.get("kind") == "compliance" else "安全与审计",
                    heading=f"{titles[cid]}{_clause(x['heading'])}。",
                    facts=tuple(_clause(f) for f in x.get("facts", [])[:2])
                    + (f"该项目综合排序第{int(row['topsis_rank'])}名",),
                    causes=tuple(_clause(c) for c in x.get("causes", [])[:2]),
                    kind=str(x.get("kind")),
                    codes=(cid,),
                    lost=0.0,
                    short=f"{titles[cid]}{issue}",
                ),
                f"核实{titles[cid]}整改情况后安排资金",
                f"建议{finance}在安排{titles[cid]}下一年度资金前，核实{issue}问题的整改情况，"
                f"整改到位前从严审核新增资金需求；{_dept(r, cid)}按该项目绩效评价报告的建议完成整改，"
                f"于{deadline}前将整改情况报{finance}",
            )

    if len(t) >= 3:
        last = t.iloc[-1]
        cid = last["case_id"]
        if float(last["closeness"]) < 0.5:
            others = X.drop(index=cid).mean()
            gap = (X.loc[cid] - others).sort_values()
            weak = [c for c in gap.index if gap[c] < 0 and X.loc[cid, c] == X[c].min()][:2]
            weak = weak or [gap.index[0]]
            facts = [
                f"{titles[cid]}综合得分（贴近度）{fmt.num(last['closeness'], 3)}，在{len(t)}个项目中"
                f"居末位，更接近各准则的最差水平",
                "其"
                + "、".join(f"{names[c]}得分率{_pct(X.loc[cid, c])}" for c in weak)
                + "，为参评项目最低（其他项目平均为"
                + "、".join(_pct(others[c]) for c in weak)
                + "）",
            ]
            own = [
                x
                for x in r.data.details.get(cid, {}).get("problems", [])
                if x.get("kind") not in SERIOUS
            ]
            if own:
                facts.append(
                    "该项目绩效评价指出的主要问题："
                    + "；".join(_clause(x["heading"]) for x in own[:3])
                )
            causes = tuple(_clause(c) for x in own for c in x.get("causes", []))[:2]
            grade = last["grade"]
            facts.append(
                f"该项目评价得分{fmt.fixed(last['total_score'])}分，等级为“{grade}”"
                if isinstance(grade, str)
                else f"该项目评价得分{fmt.fixed(last['total_score'])}分"
            )
            weak_text = "、".join(names[c] for c in weak)
            low = isinstance(grade, str) and grade in _low_grades(r)
            if low:
                text = (
                    f"建议{finance}在下一年度预算安排中从严审核{titles[cid]}的资金需求，视整改情况"
                    f"压减或暂缓安排新增资金；{_dept(r, cid)}针对{weak_text}得分率偏低的情况落实整改，"
                    f"于{deadline}前将整改情况报{finance}"
                )
            else:
                text = (
                    f"建议{_dept(r, cid)}针对{titles[cid]}{weak_text}得分率低于其他项目的情况，"
                    f"按该项目绩效评价报告的建议落实改进；{finance}在下一年度预算安排中结合改进情况"
                    "核定资金规模"
                )
            add(
                Problem(
                    theme="last",
                    theme_title="排序末位项目",
                    heading=f"{titles[cid]}综合排序末位，{weak_text}得分率明显低于其他项目。",
                    facts=tuple(facts),
                    causes=causes,
                    kind="loss",
                    codes=(cid,),
                    lost=0.0,
                    short=f"{titles[cid]}{weak_text}得分率偏低",
                ),
                f"推动{titles[cid]}补齐短板",
                text,
            )

    mean = X.mean()
    common = [
        c
        for c in X.columns
        if mean[c] < WEAK_RATE - 1e-9 and (X[c] < WEAK_RATE - 1e-9).sum() * 2 > len(X)
    ]
    if common:
        facts = []
        for c in common:
            below = X[c][X[c] < WEAK_RATE - 1e-9].sort_values()
            facts.append(
                f"{names[c]}得分率低于{fmt.num(WEAK_RATE * 100)}%的有{len(below)}个项目："
                + "、".join(f"{titles[k]}{_pct(v)}" for k, v in below.items())
                + f"（参评项目平均{_pct(mean[c])}）"
            )
        crit = "、".join(names[c] for c in common)
        work = "、".join(CRITERION_WORK.get(str(c), f"{names[c]}方面的管理") for c in common)
        depts = list(dict.fromkeys(_dept(r, k) for c in common for k in X.index[X[c] < WEAK_RATE]))
        add(
            Problem(
                theme="common",
                theme_title="共性薄弱环节",
                heading=f"参评项目{crit}环节普遍薄弱，多数项目得分率低于"
                f"{fmt.num(WEAK_RATE * 100)}%。",
                facts=tuple(facts),
                causes=(),
                kind="loss",
                codes=tuple(str(c) for c in common),
                lost=0.0,
                short=f"参评项目{crit}环节普遍薄弱",
            ),
            f"加强{crit}环节管理",
            f"建议{'、'.join(depts)}加强{work}；{finance}在项目入库评审和预算审核中将{crit}"
            "环节作为审核重点",
        )
    return Findings(tuple(problems[:6]), tuple(advice[:6]))


def main_conclusions(r: PortfolioResult) -> list[str]:
    """主要结论: the ranking with its scores, whether the two methods agree and how robust the
    order is, and the first project's standing."""
    t = r.ranking_table()
    titles = _titles(r)
    order = "、".join(titles[c] for c in t["case_id"])
    scores = "、".join(fmt.num(x, 3) for x in t["closeness"])
    out = [f"综合排序由高到低依次为{order}，综合得分（贴近度）分别为{scores}。"]
    agree = r.agreement()
    shaky = t[t["p_rank_holds"] < 0.8]
    text = (
        f"两种排序方法的结果{'一致' if agree >= 0.999 else '基本一致' if agree >= 0.8 else '存在差异'}"
        f"（等级相关系数{fmt.fixed(agree)}）"
    )
    if shaky.empty:
        low = float(t["p_rank_holds"].min())
        text += "；对权重随机扰动后，各项目保持原名次的概率" + (
            "均为100.00%" if low >= 1 - 1e-12 else f"均不低于80%（最低{_pct(low)}）"
        )
    else:
        text += (
            "；" + "、".join(shaky["title"]) + "的名次对权重设定较敏感（保持原名次的概率低于80%）"
        )
    text += "，" + (
        "增加或删除项目后排序发生逆转，排序结论需谨慎使用。"
        if r.reversal.reversal
        else "增加或删除项目后未发生排序逆转。"
    )
    out.append(text)
    best = t.iloc[0]
    X = r.data.matrix
    names = _criterion_names(r)
    top = [c for c in X.columns if X.loc[best["case_id"], c] == X[c].max()]
    if top:
        out.append(
            f"{titles[best['case_id']]}在"
            + "、".join(f"{names[c]}（{_pct(X.loc[best['case_id'], c])}）" for c in top)
            + "方面得分率居参评项目首位。"
        )
    return out


def top_advice(r: PortfolioResult, fd) -> str | None:
    """The budget suggestion for the first-ranked project (tied to 结论1): priority, unless its
    grade is low; after rectification when its evaluation found a serious problem."""
    t = r.ranking_table()
    best = t.iloc[0]
    grade = best["grade"]
    if isinstance(grade, str) and grade in _low_grades(r):
        return None
    title = _titles(r)[best["case_id"]]
    blocked = [
        i
        for i, p in enumerate(fd.problems, 1)
        if p.codes == (best["case_id"],) and p.kind in SERIOUS
    ]
    if blocked:
        return (
            f"建议{_finance(r)}在{title}完成问题{blocked[0]}所列整改后，在下一年度预算安排中优先保障"
            "其合理资金需求（针对结论1）。"
        )
    return f"建议{_finance(r)}在下一年度预算安排中优先保障{title}的合理资金需求（针对结论1）。"


def conclusions(r: PortfolioResult) -> dict[str, list[str]]:
    """主要结论, 存在的问题, 预算安排建议 for results.json."""
    fd = r.findings
    extra = top_advice(r, fd)
    return {
        "achievements": main_conclusions(r),
        "problems": [p.text() for p in fd.problems] or ["未发现需要单独列示的问题。"],
        "suggestions": ([extra] if extra else []) + [f"{a.heading()}：{a.text}" for a in fd.advice],
    }


# ---------------------------------------------------------------------------------------------
# Report outline: 一 基本情况, 二 排序方法, 三 排序结果, 四 稳健性分析, 五 结论与预算安排建议,
# 附件 技术附件. Projects are named by their titles; case ids, seeds, the Dirichlet draws, the
# VIKOR parameters and the decision matrix are in the 技术附件.


def _para(text: str) -> Paragraph:
    from methods.report.findings import tidy

    return Paragraph(tidy(text))


def section_basic(r: PortfolioResult) -> Section:
    """一、基本情况"""
    from methods.report import official

    X = r.data.matrix
    meta = r.data.cases.set_index("case_id")
    rows = []
    for case_id in X.index:
        m = meta.loc[case_id]
        rows.append(
            [_titles(r)[case_id], m["department"], f"{int(m['year'])}年度", fmt.fixed(m["total_score"]), m["grade"] or "—"]
            + [_pct(X.loc[case_id, c]) for c in X.columns]
        )  # fmt: skip
    names = _criterion_names(r)
    header = [
        "项目名称",
        "主管部门",
        "评价年度",
        "评价得分",
        "等级",
        *[f"{names[c]}得分率" for c in X.columns],
    ]
    work = getattr(r.case, "work", None)
    purpose = work.purpose if work and work.purpose else official.NOT_GIVEN
    return Section(
        "一、基本情况",
        [
            official.overview_paragraph(r.case, "排序对象"),
            _para(
                f"排序目的：{purpose.rstrip('。')}。"
                if purpose != official.NOT_GIVEN
                else f"排序目的：{purpose}"
            ),
            _para(f"参评项目{len(X)}个，其绩效评价结果如下（得分率为各准则得分与分值之比）："),
            Table(rows, header, numeric=range(3, len(header))),
        ],
    )


def section_method(r: PortfolioResult) -> Section:
    """二、排序方法"""
    names = _criterion_names(r)
    crit = "、".join(names[c] for c in r.data.matrix.columns)
    criteria = (
        f"以各项目绩效评价的一级指标得分率（{crit}）为排序准则"
        if r.case.criteria == "level1"
        else f"以各项目的{crit}等指标得分率为排序准则"
    )
    how = {
        "points": "按各项目指标体系中的分值确定",
        "equal": "各准则等权重",
        "ahp": "采用层次分析法，由两两比较的判断确定",
        "entropy": "采用熵权法，按各准则得分率的离散程度确定（客观赋权）",
        "critic": "采用CRITIC法，按各准则的离散程度和相关性确定（客观赋权）",
    }[r.weights_method]
    d = r.weights_detail
    consistency = ""
    if d is not None and hasattr(d, "cr"):
        consistency = (
            "，判断矩阵通过一致性检验"
            if d.consistent
            else "，判断矩阵未通过一致性检验，权重需修正后使用"
        )
    rows = [[names.get(k, str(k)), fmt.fixed(v * 100) + "%"] for k, v in r.weights.items()]
    return Section(
        "二、排序方法",
        [
            _para(f"1. 排序准则。{criteria}，得分率越高越好。"),
            _para(f"2. 准则权重。{how}{consistency}，各准则权重见下表。"),
            Table(rows, ["准则", "权重"], numeric=(1,)),
            _para(
                "3. 排序方法。采用逼近理想解排序法（TOPSIS）计算各项目与最优、最差水平的相对接近程度"
                "（综合得分，取值0–1，越大越优），并以多准则妥协排序法（VIKOR）复核：后者兼顾各准则的"
                "总体表现和最差一项的短板，两种方法结果相互印证。计算参数见附件。"
            ),
        ],
    )


def plot_ranking(result: PortfolioResult, ax=None):
    """Horizontal bars of the TOPSIS closeness by project title, best at the top."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    t = result.ranking_table().sort_values("closeness")
    titles = _titles(result)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.5 * len(t) + 1.3))
    ax.barh([titles[c] for c in t["case_id"]], t["closeness"], color="#2F6DB5", height=0.55)
    for i, v in enumerate(t["closeness"]):
        ax.text(v, i, f" {v:.3f}", va="center", fontsize=9)
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("综合得分（贴近度）")
    ax.set_title("重点项目综合排序（综合得分越大越优）")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def section_ranking(r: PortfolioResult) -> Section:
    """三、排序结果"""
    t = r.ranking_table()
    rows = [
        [
            int(x.topsis_rank),
            _titles(r)[x.case_id],
            x.department,
            fmt.fixed(x.total_score),
            x.grade or "—",
            fmt.num(x.closeness, 3),
            int(x.vikor_rank),
        ]
        for x in t.itertuples()
    ]
    header = ["名次", "项目名称", "主管部门", "评价得分", "等级", "综合得分（贴近度）", "复核名次"]
    ax = plot_ranking(r)
    fig = ax.figure
    fig.tight_layout()
    return Section(
        "三、排序结果",
        [
            _para(main_conclusions(r)[0]),
            Table(
                rows,
                header,
                numeric=(0, 3, 5, 6),
                note="复核名次为多准则妥协排序法（VIKOR）的名次。",
            ),
            blocks.chart(
                fig,
                "重点项目综合排序",
                "各参评项目综合得分（贴近度）横向条形图，按项目名称标注，自上而下由高到低排列",
            ),
        ],
    )


def section_robustness(r: PortfolioResult) -> Section:
    """四、稳健性分析"""
    sens = r.sensitivity
    titles = _titles(r)
    rows = [
        [
            titles.get(x.case, x.case),
            int(x.rank),
            _pct(x.p_rank_holds),
            f"第{int(x.rank_p05)}–{int(x.rank_p95)}名"
            if x.rank_p05 != x.rank_p95
            else f"第{int(x.rank_p05)}名",
        ]
        for x in sens.table.sort_values("rank").itertuples()
    ]
    return Section(
        "四、稳健性分析",
        [
            _para(
                f"为检验排序对权重设定的依赖程度，在上述权重附近随机调整各准则权重{sens.n:,}次，统计各项目"
                "保持原名次的概率；并逐个删除项目或加入一个各准则均为最差水平的项目，检验其余项目的相对次序"
                "是否改变（方法细节见附件）。"
            ),
            Table(
                rows, ["项目名称", "原名次", "保持原名次的概率", "名次的90%区间"], numeric=(1, 2)
            ),
            _para(main_conclusions(r)[1]),
        ],
    )


def section_conclusions(r: PortfolioResult) -> Section:
    """五、结论与预算安排建议"""
    fd = r.findings
    concl = [_para(f"{i}. {x}") for i, x in enumerate(main_conclusions(r), 1)]
    probs: list[Any] = []
    for i, p in enumerate(fd.problems, 1):
        probs.append(Paragraph(Span(f"{i}. {p.heading}", strong=True)))
        probs.append(_para(p.facts_text))
        probs.append(_para(p.cause_text))
    if not probs:
        probs = [Paragraph("排序中未发现需要单独列示的问题。")]
    advice: list[Any] = []
    first = top_advice(r, fd)
    n = 0
    if first:
        n += 1
        advice.append(_para(f"{n}. {first}"))
    for a in fd.advice:
        n += 1
        advice.append(Paragraph(Span(f"{n}. {a.heading()}", strong=True)))
        advice.append(_para(a.text))
    if not advice:
        advice = [Paragraph("参评项目排序结果接近，建议按各项目绩效评价报告的建议安排预算。")]
    return Section(
        "五、结论与预算安排建议",
        [
            Section("（一）主要结论", concl, level=2),
            Section("（二）存在的问题及原因分析", probs, level=2),
            Section("（三）预算安排建议", advice, level=2),
        ],
    )


def section_annex(r: PortfolioResult) -> Section:
    """附件：技术附件"""
    X = r.data.matrix
    titles = _titles(r)
    matrix_rows = [
        [cid, titles[cid], r.data.details.get(cid, {}).get("source", "")]
        + [fmt.num(X.loc[cid, c], 4) for c in X.columns]
        for cid in X.index
    ]
    parts: list[Any] = [
        Section(
            "（一）参评案例与决策矩阵",
            [
                Table(
                    matrix_rows,
                    ["案例编号", "名称", "来源", *[str(c) for c in X.columns]],
                    numeric=range(3, 3 + X.shape[1]),
                    note="决策矩阵为各准则得分率（0–1）；来源为案例文件（按其当前内容重新评价）或案例库存档。",
                ),
            ],
            level=2,
        )
    ]
    d = r.weights_detail
    weight_parts: list[Any] = [
        Table(
            [[str(k), fmt.num(v, 6)] for k, v in r.weights.items()], ["准则", "权重"], numeric=(1,)
        )
    ]
    if d is not None and hasattr(d, "cr"):
        weight_parts.append(
            Paragraph(
                f"层次分析法：λmax = {d.lambda_max:.4f}，CI = {d.ci:.4f}，CR = {d.cr:.4f}"
                f"（{'通过' if d.consistent else '未通过'}一致性检验，CR ≤ 0.10；随机一致性指标表 {d.ri_table}）。"
            )
        )
    parts.append(Section("（二）准则权重", weight_parts, level=2))
    t = r.ranking_table()
    v = r.vikor
    rank_rows = [
        [int(x.topsis_rank), x.case_id, fmt.num(x.closeness, 4), int(x.vikor_rank), fmt.num(x.Q, 4), fmt.num(x.S, 4), fmt.num(x.R, 4)]
        for x in t.itertuples()
    ]  # fmt: skip
    parts.append(
        Section(
            "（三）TOPSIS 与 VIKOR 计算结果",
            [
                Table(rank_rows, ["TOPSIS 名次", "案例编号", "贴近度", "VIKOR 名次", "Q", "S", "R"], numeric=(0, 2, 3, 4, 5, 6)),
                Paragraph(
                    f"TOPSIS 采用{'向量' if r.topsis.normalization == 'vector' else '极差（min–max）'}归一化"
                    f"（normalization = {r.topsis.normalization}）；VIKOR 折衷系数 v = {fmt.num(v.v)}，"
                    f"S 为群体效用、R 为个别遗憾，Q 越小越优。可接受优势条件 C1 {'满足' if v.c1 else '不满足'}，"
                    f"决策稳定性条件 C2 {'满足' if v.c2 else '不满足'}；折衷解：{'、'.join(v.compromise)}。"
                    f"两种方法名次的 Spearman 相关系数为 {fmt.num(r.agreement(), 3)}。"
                ),
            ],
            level=2,
        )
    )  # fmt: skip
    sens = r.sensitivity
    sens_rows = [
        [x.case, int(x.rank), fmt.num(x.p_rank_holds * 100, 1) + "%", f"{int(x.rank_p05)}–{int(x.rank_p95)}"]
        for x in sens.table.itertuples()
    ]  # fmt: skip
    rev = r.reversal
    parts.append(
        Section(
            "（四）权重扰动与排序逆转检验",
            [
                Paragraph(
                    f"权重扰动：以上述权重为中心按 Dirichlet 分布抽样 {sens.n:,} 次（集中度 "
                    f"{fmt.num(sens.concentration)}，随机种子 {sens.seed}），按加权得分率排名，统计各案例名次保持不变的概率。"
                ),
                Table(sens_rows, ["案例编号", "名次（按加权得分率）", "名次保持概率", "名次 90% 区间"], numeric=(1, 2)),
                Paragraph(
                    "排序逆转检验（TOPSIS；逐个移除方案，或加入各准则均为最差值的劣解后，其余方案的相对次序是否改变）："
                    + ("发现逆转。" if rev.reversal else "未发现逆转。")
                ),
            ],
            level=2,
        )
    )  # fmt: skip
    files = blocks.data_files(r.case)
    parts.append(
        Section(
            "（五）数据文件与存档信息",
            [
                Paragraph("参评案例文件及其数据文件（存档时记录其哈希值）："),
                files,
                Paragraph(f"案例编号：{r.case.case_id}（案例库存档编号）。", "note"),
            ]
            if files is not None
            else [Paragraph(f"案例编号：{r.case.case_id}（案例库存档编号）。", "note")],
            level=2,
        )
    )
    return Section("附件：技术附件", parts)


# the level-1 headings of the report (tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、排序方法",
    "三、排序结果",
    "四、稳健性分析",
    "五、结论与预算安排建议",
    "附件：技术附件",
)

OUTLINE = (
    section_basic,
    section_method,
    section_ranking,
    section_robustness,
    section_conclusions,
    section_annex,
)


def results(r: PortfolioResult) -> dict[str, Any]:
    """results.json (contracts §4) with the ``portfolio`` block, the conclusions and the
    report's ``findings``."""
    from methods.report import case_results

    return case_results(
        r.case,
        portfolio=r.to_dict(),
        conclusions=conclusions(r),
        findings=r.findings.to_dict(),
    )


def outline(r: PortfolioResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
