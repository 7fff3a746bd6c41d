"""重点绩效评价选题 (evaluation: evaluation_selection): rank candidate policies and projects and
choose the year's 重点评价计划.

武发〔2020〕48号 asks the finance bureau to evaluate, as 重点绩效评价, the policies and projects of
high public attention, wide influence, with large problems found by earlier audits and evaluations,
and those about to expire. It sets no method; every choice below is data in
``methods/_data/evaluation_selection.yaml`` with its source and status:

1. **Criteria** per candidate: 资金规模 (年度预算, 万元, log10), 社会关注度 and 影响范围 (ratings 1–5
   the case gives), 往年审计和评价发现问题 (the audit problems the case states plus the 较大问题 of
   archived evaluations of the same project: problems of a serious kind and evaluations graded
   中/差), 距政策到期年数 (fewer is more urgent; none → the cap) and 距上次重点评价年数 (from the
   library and the case; never → the cap).
2. **Normalisation**: min–max over the candidates, direction-aware (a constant criterion gives 1).
3. **Weights**: direct (the data's defaults or the case's), or AHP pairwise comparisons with their
   consistency check (:func:`methods.weighting.ahp`).
4. **Score** = 100 × Σ weight × normalised value (:func:`methods.ranking.weighted_sum`), ranked.
5. **Plan**: an exact 0/1 knapsack by integer programming (:func:`scipy.optimize.milp`): maximise
   the sum of the chosen candidates' scores under the evaluation budget (each candidate's
   evaluation cost), with every candidate expiring within ``expiry_within`` years chosen and every
   department without a 重点评价 in the last ``coverage_years`` budget years covered by at least one
   chosen candidate; among equal sums the cheaper plan. A greedy plan (mandatory → coverage → by
   score while the money lasts) is computed beside it and the report says where they differ.

Library matching: a candidate's ``project_id`` equals the archived case's project id; without it
the names must be equal once spaces and punctuation are removed. Departments match by name.

This module holds the case model, its checks, the analysis (:func:`analyse` → :class:`Selection`),
results.json and the report outline (``section_*``, :data:`OUTLINE`, :func:`outline`).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Budget, Case, EvaluationType, _Model, register
from methods.errors import CaseError
from methods.report import blocks, official
from methods.report import findings as fnd
from methods.report.document import Document, Paragraph, Section, Table

# ---------------------------------------------------------------------------------------------
# Case model

KINDS = {"project": "项目", "policy": "政策"}


class Candidate(_Model):
    """One candidate policy or project."""

    name: str = Field(min_length=1, max_length=200, description="政策或项目名称")
    department: str = Field(min_length=1, max_length=200, description="主管部门")
    kind: Literal["project", "policy"] = Field("project", description="project 项目 / policy 政策")
    project_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="项目编号（与案例库中存档案例的项目编号相同时视为同一项目）",
    )
    amount: float = Field(gt=0, allow_inf_nan=False, description="年度预算金额（万元）")
    attention: int = Field(ge=1, le=5, description="社会关注度（1—5 分）")
    reach: int = Field(ge=1, le=5, description="影响范围（1—5 分）")
    audit_problems: int = Field(0, ge=0, description="审计等发现的问题数（案例库以外）")
    expiry_year: int | None = Field(None, ge=1990, le=2100, description="政策到期年度")
    last_evaluated: int | None = Field(
        None, ge=1990, le=2100, description="上次重点评价的预算年度（案例库以外）"
    )
    cost: float = Field(gt=0, allow_inf_nan=False, description="评价经费（万元）")
    note: str | None = Field(None, description="选题说明（如社会关注度的依据）")


class Programme(_Model):
    """The evaluation programme's constraints."""

    budget: float = Field(gt=0, allow_inf_nan=False, description="重点评价经费预算（万元）")
    coverage_years: int | None = Field(
        None, ge=1, le=10, description="部门覆盖周期（年，默认见选题规则）"
    )
    expiry_within: int | None = Field(
        None, ge=0, le=5, description="计划年度起几年内到期的政策必选（默认见选题规则）"
    )
    last_evaluated: dict[str, int] = Field(
        {}, description="部门 → 最近一次重点评价的预算年度（案例库以外的评价）"
    )


class SelectionWeights(_Model):
    """Criterion weights: direct values or AHP pairwise comparisons."""

    method: Literal["direct", "ahp"] = "direct"
    values: dict[str, float] | None = Field(None, description="直接赋权：准则 → 权重")
    comparisons: list[list[str | float]] | None = Field(
        None, description="层次分析法判断：[[甲, 乙, 3], …] 表示甲比乙重要 3 倍"
    )
    criteria: list[str] | None = Field(None, description="使用的准则（默认全部六项）")
    ahp_method: Literal["eigenvector", "geometric"] = "eigenvector"
    ri_table: str = "saaty1980"
    require_consistent: bool = Field(True, description="CR > 0.10 时报错")


class SelectionCase(Case):
    budget: Budget | None = None  # type: ignore[assignment]
    budget_year: int | None = Field(
        None, ge=1990, le=2100, description="候选项目的预算年度（默认为计划年度的上一年）"
    )
    candidates: list[Candidate] | str = Field(description="候选政策和项目：列表，或 CSV/XLSX 文件")
    programme: Programme
    weights: SelectionWeights | None = None
    from_library: bool = Field(True, description="从案例库读取往年评价、发现的问题和部门覆盖情况")
    overview: str | None = None

    def data_paths(self) -> list[tuple[tuple, str]]:
        return [(("candidates",), self.candidates)] if isinstance(self.candidates, str) else []


def rules() -> dict[str, Any]:
    """The selection rules (``methods/_data/evaluation_selection.yaml``)."""
    return load_yaml("evaluation_selection.yaml")


CRITERIA = tuple(rules()["criteria"])


def criterion_names() -> dict[str, str]:
    return {k: v["name"] for k, v in rules()["criteria"].items()}


def _criterion_key(text: str, where: tuple) -> str:
    names = criterion_names()
    if text in names:
        return text
    back = {v: k for k, v in names.items()}
    if text in back:
        return back[text]
    raise CaseError(f"未知的选题准则“{text}”（可用：{'、'.join(names.values())}）", field=where)


def _read_candidates(case: SelectionCase) -> list[Candidate]:
    """The candidates of a case: the list, or the rows of its CSV/XLSX file (row-numbered
    messages)."""
    if not isinstance(case.candidates, str):
        return list(case.candidates)
    from methods.casefile import resolve_data_path

    path = resolve_data_path(case, case.candidates, ("candidates",))
    shown = case.candidates
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            df = pd.read_excel(path, dtype=object)
        else:
            try:
                df = pd.read_csv(path, encoding="utf-8-sig", dtype=object)
            except UnicodeDecodeError:
                df = pd.read_csv(path, encoding="gb18030", dtype=object)
    except UnicodeDecodeError:
        raise CaseError(
            f"数据文件 {shown} 的编码无法识别：既不是 UTF-8，也不是 GBK/GB18030",
            field=("candidates",),
        ) from None
    except Exception as exc:  # noqa: BLE001 - any unreadable file is bad input
        raise CaseError(f"无法读取数据文件 {shown}：{exc}", field=("candidates",)) from None
    df.columns = [str(c).strip() for c in df.columns]
    out = []
    for i, row in enumerate(df.to_dict("records")):
        values = {
            k: (v.strip() if isinstance(v, str) else v)
            for k, v in row.items()
            if not (v is None or (isinstance(v, float) and math.isnan(v)) or v == "")
        }
        try:
            out.append(Candidate.model_validate(values, strict=False))
        except ValidationError as exc:
            err = exc.errors()[0]
            col = ".".join(str(p) for p in err["loc"]) or "?"
            msg = "缺少该列的值" if err["type"] == "missing" else err["msg"]
            raise CaseError(
                f"数据文件 {shown} 第 {i + 2} 行 {col} 列：{msg}", field=("candidates",), line=None
            ) from None
    if len(out) < 2:
        raise CaseError(f"数据文件 {shown} 至少需要 2 个候选项目", field=("candidates",))
    return out


def _check(case: Case) -> list[str]:
    assert isinstance(case, SelectionCase)
    candidates = _read_candidates(case)
    if len(candidates) < 2:
        raise CaseError("至少需要 2 个候选项目", field=("candidates",))
    budget_year = case.budget_year or case.year - 1
    if budget_year >= case.year:
        raise CaseError(
            f"候选项目的预算年度 {budget_year} 应早于计划年度 {case.year}", field=("budget_year",)
        )
    seen: dict[tuple[str, str], int] = {}
    for i, c in enumerate(candidates):
        key = (c.name, c.department)
        if key in seen:
            raise CaseError(
                f"候选项目“{c.name}”（{c.department}）与第 {seen[key] + 1} 项重复",
                field=("candidates", i, "name"),
            )
        seen[key] = i
        if c.last_evaluated is not None and c.last_evaluated > budget_year:
            raise CaseError(
                f"上次重点评价年度 {c.last_evaluated} 晚于候选项目的预算年度 {budget_year}",
                field=("candidates", i, "last_evaluated"),
            )
    for dept, year in case.programme.last_evaluated.items():
        if year > budget_year:
            raise CaseError(
                f"上次重点评价年度 {year} 晚于候选项目的预算年度 {budget_year}",
                field=("programme", "last_evaluated", dept),
            )
    within = case.programme.expiry_within
    if within is None:
        within = int(rules()["mandatory"]["expiry_within"])
    must = [
        c for c in candidates if c.expiry_year is not None and c.expiry_year - case.year <= within
    ]
    need = sum(c.cost for c in must)
    if need > case.programme.budget + 1e-9:
        raise CaseError(
            f"即将到期、必须安排的 {len(must)} 项（{'、'.join(c.name for c in must)}）评价经费合计 "
            f"{fmt.num(need)} 万元，超过评价经费预算 {fmt.num(case.programme.budget)} 万元",
            field=("programme", "budget"),
        )
    weights_of(case)
    return []


register(
    EvaluationType(
        name="evaluation_selection",
        title="重点绩效评价选题",
        notebook="evaluation_selection.ipynb",
        model=SelectionCase,
        check=_check,
        report_kind="报告",
        reads_library=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Weights


@dataclass(frozen=True)
class Weights:
    """The criterion weights (key → fraction, summing to 1) and how they were set."""

    weights: pd.Series
    method: str  # direct / ahp / default
    ahp: Any = None  # methods.weighting.AHPResult

    def text(self) -> str:
        if self.method == "ahp":
            r = self.ahp
            verdict = "通过" if r.consistent else "未通过"
            return (
                f"权重由层次分析法两两比较判断推导（{r.n} 阶判断矩阵，λmax = {r.lambda_max:.4f}，"
                f"CR = {r.cr:.4f}，一致性检验{verdict}）"
            )
        if self.method == "direct":
            return "权重由财政部门直接给出"
        return "权重采用选题规则的默认权重（直接赋权）"


def weights_of(case: SelectionCase) -> Weights:
    """The criterion weights of a case: the data's defaults, the case's direct values or an AHP
    derivation (consistency checked: CR > 0.10 is refused unless ``require_consistent`` is
    false)."""
    from methods import weighting

    spec = case.weights
    names = criterion_names()
    if spec is None:
        w = pd.Series(rules()["weights"]["values"], dtype=float).reindex(list(CRITERIA))
        return Weights(w / w.sum(), "default")
    where = ("weights",)
    if spec.method == "direct":
        if not spec.values:
            raise CaseError("直接赋权需要 values（准则 → 权重）", field=(*where, "values"))
        values = {}
        for k, v in spec.values.items():
            key = _criterion_key(k, (*where, "values", k))
            if not (v >= 0 and math.isfinite(v)):
                raise CaseError("权重应为不小于 0 的数字", field=(*where, "values", k))
            values[key] = float(v)
        total = sum(values.values())
        if total <= 0:
            raise CaseError("权重之和应大于 0", field=(*where, "values"))
        w = pd.Series(values, dtype=float).reindex(list(CRITERIA)).fillna(0.0)
        return Weights(w / total, "direct")
    if not spec.comparisons:
        raise CaseError("层次分析法需要 comparisons（两两比较判断）", field=(*where, "comparisons"))
    used = [
        _criterion_key(c, (*where, "criteria", i)) for i, c in enumerate(spec.criteria or CRITERIA)
    ]
    triples = []
    for j, item in enumerate(spec.comparisons):
        if len(item) != 3:
            raise CaseError(
                "每条判断应写作 [甲, 乙, 值]，表示甲比乙重要的倍数",
                field=(*where, "comparisons", j),
            )
        a = _criterion_key(str(item[0]), (*where, "comparisons", j, 0))
        b = _criterion_key(str(item[1]), (*where, "comparisons", j, 1))
        for key, pos in ((a, 0), (b, 1)):
            if key not in used:
                raise CaseError(
                    f"准则“{names[key]}”不在 criteria 中", field=(*where, "comparisons", j, pos)
                )
        triples.append((names[a], names[b], item[2]))
    try:
        result = weighting.ahp(
            triples, method=spec.ahp_method, ri=spec.ri_table, labels=[names[k] for k in used]
        )
    except ValueError as exc:
        raise CaseError(f"权重推导失败：{exc}", field=(*where, "comparisons")) from None
    if spec.require_consistent and not result.consistent:
        raise CaseError(
            f"判断矩阵一致性检验未通过（CR = {result.cr:.4f} > 0.10），请修正判断",
            field=(*where, "comparisons"),
        )
    back = {v: k for k, v in names.items()}
    w = pd.Series({back[k]: float(v) for k, v in result.weights.items()}, dtype=float)
    return Weights(w.reindex(list(CRITERIA)).fillna(0.0), "ahp", result)


# ---------------------------------------------------------------------------------------------
# Library facts

_PUNCT = re.compile(r"[\s\u3000（）()【】\[\]《》“”\"'‘’、，,。.：:；;—\-－_·]")


def name_key(text: str) -> str:
    """A name for matching: NFKC, spaces and punctuation removed."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(text)))


@dataclass(frozen=True)
class LibraryFacts:
    """What the library says about the candidates and their departments."""

    matched: pd.DataFrame  # candidate, year, case_id, evaluation, grade, key (重点评价), problems
    problems: pd.DataFrame  # candidate, year, case_id, heading (the 较大问题 counted)
    departments: dict[str, int]  # department → latest budget year with a 重点评价


EMPTY_MATCHED = ["candidate", "year", "case_id", "project_id", "evaluation", "grade", "key", "by"]


def library_facts(lib, candidates: list[Candidate], budget_year: int) -> LibraryFacts:
    """Archived cases of the same project (project id, else name), the 较大问题 found in the last
    ``problem_years`` budget years, and each department's latest 重点评价 (budget years up to
    ``budget_year``)."""
    cfg = rules()["library"]
    keyed = set(cfg["evaluations"])
    rows = [
        dict(r)
        for r in lib.query(
            "SELECT year, case_id, project_id, title, department, evaluation, grade, path "
            "FROM cases WHERE year <= ? ORDER BY year, case_id",
            (budget_year,),
        )
    ]
    cases = pd.DataFrame(
        rows,
        columns=[
            "year",
            "case_id",
            "project_id",
            "title",
            "department",
            "evaluation",
            "grade",
            "path",
        ],
    )
    cases["name_key"] = [name_key(t or "") for t in cases["title"]]
    matched, problems = [], []
    first = budget_year - int(cfg["problem_years"]) + 1
    for i, c in enumerate(candidates):
        if c.project_id:
            hit = cases[cases["project_id"] == c.project_id]
            by = "project_id"
        else:
            hit = cases[cases["name_key"] == name_key(c.name)]
            by = "name"
        for r in hit.itertuples():
            key = r.evaluation in keyed
            matched.append(
                {
                    "candidate": i,
                    "year": int(r.year),
                    "case_id": r.case_id,
                    "project_id": r.project_id,
                    "evaluation": r.evaluation,
                    "grade": r.grade,
                    "key": key,
                    "by": by,
                }
            )
            if r.year < first:
                continue
            if r.grade in cfg["low_grades"] and key:
                problems.append(
                    {
                        "candidate": i,
                        "year": int(r.year),
                        "case_id": r.case_id,
                        "heading": f"{int(r.year)}年度评价等级为“{r.grade}”",
                    }
                )
            res = json.loads((lib.root / r.path / "results.json").read_text(encoding="utf-8"))
            for p in (res.get("findings") or {}).get("problems", []):
                if p.get("kind") in cfg["serious_kinds"]:
                    problems.append(
                        {
                            "candidate": i,
                            "year": int(r.year),
                            "case_id": r.case_id,
                            "heading": str(p["heading"]).rstrip("。"),
                        }
                    )
    key_cases = cases[cases["evaluation"].isin(keyed)]
    departments = {str(d): int(y) for d, y in key_cases.groupby("department")["year"].max().items()}
    return LibraryFacts(
        pd.DataFrame(matched, columns=EMPTY_MATCHED),
        pd.DataFrame(problems, columns=["candidate", "year", "case_id", "heading"]),
        departments,
    )


def no_library() -> LibraryFacts:
    return LibraryFacts(
        pd.DataFrame([], columns=EMPTY_MATCHED),
        pd.DataFrame([], columns=["candidate", "year", "case_id", "heading"]),
        {},
    )


# ---------------------------------------------------------------------------------------------
# Ranking


def criteria_frame(
    candidates: list[Candidate], facts: LibraryFacts, year: int, budget_year: int
) -> pd.DataFrame:
    """The criterion values of every candidate (raw, before normalisation), one row each."""
    crit = rules()["criteria"]
    n = len(candidates)
    amount = np.array([c.amount for c in candidates], float)
    stated = np.array([c.audit_problems for c in candidates], int)
    found = facts.problems.groupby("candidate").size().reindex(range(n), fill_value=0).to_numpy(int)
    expiry = np.array(
        [np.nan if c.expiry_year is None else c.expiry_year for c in candidates], float
    )
    to_expiry = np.where(np.isnan(expiry), crit["expiry"]["cap"], np.clip(expiry - year, 0, None))
    to_expiry = np.minimum(to_expiry, crit["expiry"]["cap"])
    key = facts.matched.loc[facts.matched["key"].astype(bool).to_numpy()]
    lib_last = key.groupby("candidate")["year"].max().reindex(range(n)).to_numpy(float)
    own_last = np.array(
        [np.nan if c.last_evaluated is None else c.last_evaluated for c in candidates], float
    )
    last = np.fmax(lib_last, own_last)
    cap = crit["since_evaluated"]["cap"]
    since = np.where(np.isnan(last), cap, np.minimum(budget_year - last, cap))
    return pd.DataFrame(
        {
            "name": [c.name for c in candidates],
            "department": [c.department for c in candidates],
            "kind": [c.kind for c in candidates],
            "cost": np.array([c.cost for c in candidates], float),
            "amount": amount,
            "attention": np.array([c.attention for c in candidates], float),
            "reach": np.array([c.reach for c in candidates], float),
            "problems": (stated + found).astype(float),
            "expiry": to_expiry.astype(float),
            "since_evaluated": since.astype(float),
            "stated_problems": stated,
            "library_problems": found,
            "expiry_year": pd.Series([c.expiry_year for c in candidates], dtype=object),
            "last_evaluated": pd.Series(
                [None if math.isnan(x) else int(x) for x in last], dtype=object
            ),
        }
    )


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Min–max normalised criteria (direction-aware; a log10 transform first where the data
    says; a criterion equal for every candidate gives 1)."""
    from methods.weighting import _minmax

    crit = rules()["criteria"]
    values = np.column_stack(
        [
            np.log10(frame[k].to_numpy(float))
            if crit[k].get("transform") == "log10"
            else frame[k].to_numpy(float)
            for k in CRITERIA
        ]
    )
    benefit = np.array([crit[k]["direction"] == "benefit" for k in CRITERIA])
    r, _ = _minmax(values, benefit)
    return pd.DataFrame(r, columns=list(CRITERIA), index=frame.index)


def rank(frame: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Scores (100 × weighted sum of the normalised criteria, 2 dp) and ranks (ties share the
    best rank), by :func:`methods.ranking.weighted_sum` on the transformed values."""
    from methods import ranking

    crit = rules()["criteria"]
    used = [k for k in CRITERIA if weights[k] > 0]
    X = pd.DataFrame(
        {
            k: np.log10(frame[k].to_numpy(float))
            if crit[k].get("transform") == "log10"
            else frame[k].to_numpy(float)
            for k in used
        }
    )
    types = ["benefit" if crit[k]["direction"] == "benefit" else "cost" for k in used]
    r = ranking.weighted_sum(X, weights[used].to_numpy(), types, normalization="minmax")
    score = np.round(r.table["score"].to_numpy() * 100 + 1e-9, 2)
    order = pd.Series(score).rank(ascending=False, method="min").astype(int).to_numpy()
    return pd.DataFrame({"score": score, "rank": order}, index=frame.index)


# ---------------------------------------------------------------------------------------------
# Selection


@dataclass(frozen=True)
class Plan:
    chosen: np.ndarray  # bool per candidate
    total: float  # sum of chosen scores
    cost: float


def _due_departments(
    departments: list[str], last: dict[str, int], budget_year: int, years: int
) -> dict[str, int | None]:
    """Departments without a 重点评价 in the ``years`` budget years ending with the plan's
    (``budget_year − years + 1`` … ``budget_year``): department → its latest year (None: never)."""
    first = budget_year - years + 1
    return {d: last.get(d) for d in departments if last.get(d) is None or last[d] < first}


def solve(
    score: np.ndarray,
    cost: np.ndarray,
    budget: float,
    mandatory: np.ndarray,
    groups: list[np.ndarray],
) -> Plan:
    """The exact 0/1 knapsack: maximise Σ score·x subject to Σ cost·x ≤ budget, x = 1 where
    mandatory, Σ x ≥ 1 over each group (a department to cover); among plans of the same total
    score the cheapest (a second integer programme). Infeasible → ``None``."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(score)
    lower = mandatory.astype(float)
    rows = [cost[None, :]]
    lo, hi = [-np.inf], [budget + 1e-9]
    for g in groups:
        rows.append(g.astype(float)[None, :])
        lo.append(1.0)
        hi.append(np.inf)
    A = np.vstack(rows)
    cons = [LinearConstraint(A, lo, hi)]
    integrality = np.ones(n)
    bounds = Bounds(lower, np.ones(n))
    first = milp(-score, constraints=cons, integrality=integrality, bounds=bounds)
    if first.status != 0:
        return None  # type: ignore[return-value]
    best = float(score @ np.round(first.x))
    cons2 = [*cons, LinearConstraint(score[None, :], [best - 1e-6], [np.inf])]
    second = milp(cost, constraints=cons2, integrality=integrality, bounds=bounds)
    x = np.round(second.x if second.status == 0 else first.x).astype(bool)
    return Plan(x, round(float(score[x].sum()), 2), round(float(cost[x].sum()), 2))


def greedy(
    score: np.ndarray,
    cost: np.ndarray,
    budget: float,
    mandatory: np.ndarray,
    groups: list[np.ndarray],
) -> Plan:
    """The greedy plan: mandatory candidates first, then for each department to cover its best
    candidate that fits, then the rest from the highest score down, each taken if it fits the
    money left (ties: lower cost, then the order given)."""
    n = len(score)
    order = np.lexsort((np.arange(n), cost, -score))
    x = mandatory.copy().astype(bool)
    spent = float(cost[x].sum())
    for g in groups:
        if (x & g).any():
            continue
        for i in order:
            if g[i] and spent + cost[i] <= budget + 1e-9:
                x[i] = True
                spent += float(cost[i])
                break
    for i in order:
        if not x[i] and spent + cost[i] <= budget + 1e-9:
            x[i] = True
            spent += float(cost[i])
    return Plan(x, round(float(score[x].sum()), 2), round(spent, 2))


@dataclass(frozen=True)
class Selection:
    """The ranked candidates and the year's plan."""

    case: Any
    table: pd.DataFrame  # one row per candidate, input order: criteria, score, rank, plan, reason
    normalised: pd.DataFrame
    weights: Weights
    coverage: pd.DataFrame  # department, last, due, candidates, chosen
    facts: LibraryFacts
    plan: Plan
    greedy: Plan
    budget_year: int
    coverage_years: int
    expiry_within: int
    library_used: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def ranked(self) -> pd.DataFrame:
        return self.table.sort_values(["rank", "cost"], kind="stable")

    @property
    def chosen(self) -> pd.DataFrame:
        return self.ranked[self.ranked["chosen"]]

    def summary(self) -> str:
        """Chinese summary: the plan, its cost and the coverage check."""
        ch = self.chosen
        lines = [
            f"{self.case.year}年度重点绩效评价计划：候选 {len(self.table)} 项，"
            f"选入 {len(ch)} 项，评价经费 {fmt.num(self.plan.cost)} / "
            f"{fmt.num(self.case.programme.budget)} 万元，综合得分合计 {fmt.fixed(self.plan.total)}",
            self.weights.text(),
        ]
        lines += [
            f"  {int(r['rank'])}. {r['name']}（{r['department']}）{fmt.fixed(r['score'])} 分"
            for r in ch.to_dict("records")
        ]
        due = self.coverage[self.coverage["due"]]
        if len(due):
            lines.append(
                "需覆盖的部门："
                + "、".join(
                    f"{d}（{'已覆盖' if c else '未覆盖'}）"
                    for d, c in zip(due["department"], due["chosen"] > 0, strict=True)
                )
            )
        if self.greedy.total != self.plan.total:
            lines.append(f"贪心规则的计划得分合计 {fmt.fixed(self.greedy.total)}，低于最优计划")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        t = self.table
        cols = [
            "name",
            "department",
            "kind",
            "project_id",
            "cost",
            *CRITERIA,
            "stated_problems",
            "library_problems",
            "score",
            "rank",
            "mandatory",
            "covers",
            "chosen",
            "greedy",
            "reason",
        ]
        return {
            "budget_year": self.budget_year,
            "budget": self.case.programme.budget,
            "criteria": {k: criterion_names()[k] for k in CRITERIA},
            "weights": {k: round(float(v), 6) for k, v in self.weights.weights.items()},
            "weights_method": self.weights.method,
            "ahp": None if self.weights.ahp is None else self.weights.ahp.to_dict(),
            "selection_method": rules()["selection"]["method"],
            "coverage_years": self.coverage_years,
            "expiry_within": self.expiry_within,
            "library_used": self.library_used,
            "candidates": json.loads(t[cols].to_json(orient="records", force_ascii=False)),
            "normalised": json.loads(
                self.normalised.round(6).to_json(orient="records", force_ascii=False)
            ),
            "plan": {
                "chosen": [str(x) for x in self.chosen["name"]],
                "total_score": self.plan.total,
                "cost": self.plan.cost,
            },
            "greedy": {
                "chosen": [str(x) for x in t[t["greedy"]].sort_values("rank")["name"]],
                "total_score": self.greedy.total,
                "cost": self.greedy.cost,
            },
            "coverage": json.loads(self.coverage.to_json(orient="records", force_ascii=False)),
            "library_problems": json.loads(
                self.facts.problems.to_json(orient="records", force_ascii=False)
            ),
            "warnings": list(self.warnings),
        }


def _drivers(row: pd.Series, contrib: pd.Series) -> str:
    """The two criteria that add most to a candidate's score, with their values."""
    names = criterion_names()
    top = contrib[contrib > 1e-9].sort_values(ascending=False, kind="stable").index[:2]
    parts = []
    for k in top:
        if k == "since_evaluated" and row["last_evaluated"] is None:
            parts.append("从未开展重点评价")
        elif k == "expiry" and row["expiry_year"] is None:
            parts.append("无到期年限")
        else:
            parts.append(f"{names[k]}{_value_text(k, row)}")
    return "、".join(parts)


def _value_text(k: str, row: Any) -> str:
    if k == "amount":
        return f"{fmt.num(row['amount'])}万元"
    if k in ("attention", "reach"):
        return f"{int(row[k])}分"
    if k == "problems":
        return f"{int(row['problems'])}项"
    if k == "expiry":
        return "无到期年限" if row["expiry_year"] is None else f"{int(row['expiry'])}年"
    if k == "since_evaluated":
        if row["last_evaluated"] is None:
            return "（从未开展重点评价）"
        return f"{int(row['since_evaluated'])}年"
    return str(row[k])


def analyse(case, library=None) -> Selection:
    """Rank the candidates and choose the plan.

    Parameters
    ----------
    case : SelectionCase
    library : Library, optional
        The case library to read (default: the case's library when ``from_library``).

    Returns
    -------
    Selection
    """
    cfg = rules()
    candidates = _read_candidates(case)
    budget_year = case.budget_year or case.year - 1
    years = case.programme.coverage_years or int(cfg["coverage"]["years"])
    within = (
        case.programme.expiry_within
        if case.programme.expiry_within is not None
        else int(cfg["mandatory"]["expiry_within"])
    )
    warnings: list[str] = []
    if case.from_library:
        if library is None:
            from methods.standards import require_library

            library = require_library(case, "重点评价选题", ("from_library",))
        facts = library_facts(library, candidates, budget_year)
    else:
        facts = no_library()
        warnings.append("未读取案例库：往年评价、发现的问题和部门覆盖情况仅按选题案例填写的数据")
    w = weights_of(case)
    frame = criteria_frame(candidates, facts, case.year, budget_year)
    frame["project_id"] = [c.project_id for c in candidates]
    norm = normalise(frame)
    ranked = rank(frame, w.weights)
    frame["score"], frame["rank"] = ranked["score"], ranked["rank"]
    n = len(frame)
    expiry = np.array(
        [np.nan if c.expiry_year is None else c.expiry_year for c in candidates], float
    )
    mandatory = ~np.isnan(expiry) & (expiry - case.year <= within)
    frame["mandatory"] = mandatory

    # departments and coverage
    last = dict(facts.departments)
    for d, y in case.programme.last_evaluated.items():
        last[d] = max(last.get(d, y), y)
    for c in candidates:  # a candidate's own last evaluation covers its department too
        if c.last_evaluated is not None:
            last[c.department] = max(last.get(c.department, c.last_evaluated), c.last_evaluated)
    departments = list(dict.fromkeys(frame["department"]))
    due = _due_departments(departments, last, budget_year, years)
    dept = frame["department"].to_numpy()
    groups = [dept == d for d in due]
    score = frame["score"].to_numpy(float)
    cost = frame["cost"].to_numpy(float)
    budget = float(case.programme.budget)
    need = float(cost[mandatory].sum())
    if need > budget + 1e-9:
        names = "、".join(frame.loc[mandatory, "name"])
        raise CaseError(
            f"即将到期、必须安排的 {int(mandatory.sum())} 项（{names}）评价经费合计 "
            f"{fmt.num(need)} 万元，超过评价经费预算 {fmt.num(budget)} 万元",
            field=("programme", "budget"),
        )
    # cheapest way to cover every due department (departments are disjoint)
    for g in groups:
        if not (g & mandatory).any():
            need += float(cost[g].min())
    if need > budget + 1e-9:
        raise CaseError(
            f"评价经费预算 {fmt.num(budget)} 万元不足以同时安排必选项目并覆盖{years}年内未开展"
            f"重点评价的部门（{'、'.join(due)}），至少需要 {fmt.num(need)} 万元",
            field=("programme", "budget"),
        )
    plan = solve(score, cost, budget, mandatory, groups)
    grd = greedy(score, cost, budget, mandatory, groups)
    frame["chosen"], frame["greedy"] = plan.chosen, grd.chosen
    # the chosen candidate that covers each due department (its best-ranked one)
    covers = np.zeros(n, bool)
    for g in groups:
        idx = np.flatnonzero(g & plan.chosen)
        covers[idx[np.argmin(frame["rank"].to_numpy()[idx])]] = True
    frame["covers"] = covers

    W = w.weights.reindex(list(CRITERIA)).to_numpy()
    contrib = pd.DataFrame(norm.to_numpy() * W * 100, columns=list(CRITERIA))
    left = budget - plan.cost
    reasons = []
    for i, row in frame.iterrows():
        drivers = _drivers(row, contrib.iloc[i])
        head = f"综合得分第{int(row['rank'])}名" + (f"（主要因素：{drivers}）" if drivers else "")
        if row["chosen"]:
            parts = []
            if row["mandatory"]:
                parts.append(f"政策将于{int(row['expiry_year'])}年到期，必须安排评价")
            if row["covers"]:
                y = due[row["department"]]
                since = "从未开展重点评价" if y is None else f"最近一次重点评价为{y}年度"
                parts.append(f"{row['department']}{since}，需在{years}年周期内覆盖")
            parts.append(head)
            reasons.append("入选：" + "；".join(parts))
        elif row["cost"] > left + 1e-9:
            reasons.append(
                f"未入选：{head}；评价经费{fmt.num(row['cost'])}万元超过计划安排后的剩余经费"
                f"{fmt.num(left)}万元，选入须调出已选项目，计划综合得分合计将降低"
            )
        else:
            reasons.append(f"未入选：{head}；综合得分为0，不具有优先性")
    frame["reason"] = reasons

    cov = pd.DataFrame(
        {
            "department": departments,
            "last": pd.Series([last.get(d) for d in departments], dtype=object),
            "due": [d in due for d in departments],
            "candidates": [int((dept == d).sum()) for d in departments],
            "chosen": [int(((dept == d) & plan.chosen).sum()) for d in departments],
        }
    )
    if w.method == "ahp" and not w.ahp.consistent:
        warnings.append(f"判断矩阵一致性检验未通过（CR = {w.ahp.cr:.4f}）")
    return Selection(
        case,
        frame,
        norm,
        w,
        cov,
        facts,
        plan,
        grd,
        budget_year,
        years,
        within,
        case.from_library,
        tuple(warnings),
    )


def results(s: Selection) -> dict[str, Any]:
    """results.json (contracts §4) with the ``evaluation_selection`` block."""
    from methods.report import case_results

    out = case_results(s.case, evaluation_selection=s.to_dict())
    out["warnings"] = list(s.warnings)
    return out


# ---------------------------------------------------------------------------------------------
# Report outline


def _money(x: float) -> str:
    return fmt.num(x)


def _cite(entry: dict[str, Any]) -> str:
    return f"{blocks.cite(entry['source'])}（{blocks.status_text(entry['status'])}）"


def section_basis(s: Selection) -> Section:
    """一、选题依据和范围"""
    case = s.case
    cfg = rules()
    t = s.table
    kinds = "、".join(
        f"{KINDS[k]}{int((t['kind'] == k).sum())}项" for k in KINDS if (t["kind"] == k).any()
    )
    scope = (
        f"本次选题由{case.department}组织，候选政策和项目共{len(t)}项（{kinds}），涉及"
        f"{t['department'].nunique()}个部门，预算金额合计{_money(t['amount'].sum())}万元；"
        f"候选项目的预算年度为{s.budget_year}年，重点绩效评价在{case.year}年开展，"
        f"评价经费预算{_money(case.programme.budget)}万元。"
    )
    return Section(
        "一、选题依据和范围",
        [
            Section(
                "（一）选题依据",
                [
                    Paragraph(fnd.tidy(_cite(cfg["basis"]) + "。")),
                    Paragraph(
                        "据此，本计划按资金规模、社会关注度、影响范围、往年审计和评价发现问题、"
                        "距政策到期年数和距上次重点评价年数六项准则对候选政策和项目综合排序，在评价"
                        "经费预算内确定年度重点绩效评价计划。"
                    ),
                ],
                level=2,
            ),
            Section(
                "（二）候选范围",
                [official.overview_paragraph(case, "选题概况"), Paragraph(fnd.tidy(scope))],
                level=2,
            ),
        ],
    )


def _criteria_table(s: Selection) -> Table:
    crit = rules()["criteria"]
    rows = []
    for k in CRITERIA:
        c = crit[k]
        how = "越大越优先" if c["direction"] == "benefit" else "越小越优先"
        if c.get("transform") == "log10":
            how += "，取常用对数后标准化"
        if c.get("cap"):
            how += f"，超过{c['cap']}年的按{c['cap']}年计"
        rows.append(
            [
                c["name"],
                c["unit"],
                how,
                fmt.num(float(s.weights.weights[k]) * 100, 2) + "%",
                blocks.status_text(c["status"]),
            ]
        )
    return Table(rows, ["选题准则", "计量单位", "取值和方向", "权重", "依据状态"], numeric=(3,))


def section_method(s: Selection) -> Section:
    """二、选题方法"""
    cfg = rules()
    case = s.case
    scales = []
    for k in ("attention", "reach"):
        c = cfg["criteria"][k]
        scales.append(
            f"{c['name']}按1—5分评定："
            + "；".join(f"{v}分为{t}" for v, t in c["scale"].items())
            + "。"
        )
    lib = cfg["library"]
    problems = (
        f"往年审计和评价发现问题为选题案例填写的审计等发现的问题数，加上案例库中同一项目最近"
        f"{lib['problem_years']}个预算年度的评价报告列出的资金使用合规、安全责任和审计方面的问题数，"
        f"以及评价等级为“中”“差”的重点评价次数。同一项目指项目编号相同，未填写项目编号的按名称"
        f"（去掉空格和标点后）相同认定。"
    )
    weights = [Paragraph(fnd.tidy(s.weights.text() + "。"))]
    if s.weights.method == "ahp":
        names = list(s.weights.ahp.matrix.index)
        m = s.weights.ahp.matrix.to_numpy()
        weights.append(
            Table(
                [[a, *[fmt.num(float(v), 3) for v in m[i]]] for i, a in enumerate(names)],
                ["判断矩阵", *names],
                numeric=range(1, len(names) + 1),
            )
        )
    within = s.expiry_within
    mandatory = (
        "计划年度内到期"
        if within == 0
        else f"计划年度起{within}年内（{case.year}—{case.year + within}年）到期"
    )
    constraints = [
        f"1. 评价经费：入选项目的评价经费合计不超过评价经费预算{_money(case.programme.budget)}万元。",
        f"2. 必选项目：{mandatory}的政策必须列入计划，评价结果作为政策是否延续的依据。"
        f"{_cite(cfg['mandatory'])}。",
        f"3. 部门覆盖：每个有候选项目的部门在最近{s.coverage_years}个预算年度内（含本计划）至少"
        f"开展一次重点绩效评价。{_cite(cfg['coverage'])}。",
    ]
    return Section(
        "二、选题方法",
        [
            Section(
                "（一）选题准则和权重",
                [
                    _criteria_table(s),
                    *[Paragraph(fnd.tidy(x)) for x in scales],
                    Paragraph(fnd.tidy(problems)),
                    *weights,
                ],
                level=2,
            ),
            Section(
                "（二）标准化和综合得分",
                [
                    Paragraph(
                        "各准则在候选项目之间作极差标准化：越大越优先的准则，标准化值为（取值－最小值）"
                        "÷（最大值－最小值）；越小越优先的准则，为（最大值－取值）÷（最大值－最小值）；"
                        "各候选项目取值相同的准则记为1。综合得分为各准则标准化值的加权和乘以100，"
                        "按得分从高到低排名，得分相同的名次相同。"
                    ),
                    Paragraph(fnd.tidy(_cite(cfg["normalisation"]) + "。"), "note"),
                ],
                level=2,
            ),
            Section(
                "（三）计划的确定",
                [
                    Paragraph("年度重点评价计划须同时满足以下约束："),
                    *[Paragraph(fnd.tidy(x)) for x in constraints],
                    Paragraph(
                        "在满足约束的所有组合中，选取入选项目综合得分之和最大的组合（整数规划精确"
                        "求解的0/1背包问题）；得分之和相同的，取评价经费较少的组合。同时按“先必选项目、"
                        "再为需覆盖的部门选其得分最高且经费够用的项目、再按得分从高到低在剩余经费内"
                        "依次选入”的贪心规则形成对照计划，两者不同时在“四、年度重点评价计划”中说明。"
                    ),
                    Paragraph(fnd.tidy(_cite(cfg["selection"]) + "。"), "note"),
                ],
                level=2,
            ),
        ],
    )


def ranking_table(s: Selection) -> Table:
    """候选政策和项目综合排序: rank, name, department, the criterion values, score, plan."""
    rows = []
    for r in s.ranked.to_dict("records"):
        rows.append(
            [
                str(int(r["rank"])),
                r["name"],
                r["department"],
                _money(r["amount"]),
                str(int(r["attention"])),
                str(int(r["reach"])),
                str(int(r["problems"])),
                "—" if r["expiry_year"] is None else str(int(r["expiry_year"])),
                "—" if r["last_evaluated"] is None else str(int(r["last_evaluated"])),
                fmt.fixed(r["score"]),
                "入选" if r["chosen"] else "—",
            ]
        )
    return Table(
        rows,
        [
            "名次",
            "政策或项目",
            "主管部门",
            "预算金额（万元）",
            "社会关注度",
            "影响范围",
            "发现问题（项）",
            "到期年度",
            "上次重点评价年度",
            "综合得分",
            "计划",
        ],
        numeric=(3, 4, 5, 6, 9),
        note="说明：到期年度为“—”的没有到期年限；上次重点评价年度为“—”的从未开展重点评价。",
    )


def plot_ranking(s: Selection, ax=None):
    """Horizontal bars of the scores, chosen candidates dark; returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    r = s.ranked.iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.4 * len(r) + 1.4))
    colors = np.where(r["chosen"].to_numpy(), "#1f4e79", "#b8c7d9")
    ax.barh(np.arange(len(r)), r["score"].to_numpy(), color=colors)
    ax.set_yticks(np.arange(len(r)), list(r["name"]))
    for i, v in enumerate(r["score"].to_numpy()):
        ax.text(v + 0.8, i, f"{v:.2f}", va="center", fontsize=8)
    ax.set_xlim(0, 105)
    ax.set_xlabel("综合得分")
    ax.set_title("候选政策和项目综合得分（深色为入选）")
    ax.figure.tight_layout()
    return ax


def section_ranking(s: Selection) -> Section:
    """三、候选政策和项目排序"""
    t = s.ranked
    top = t.iloc[0]
    text = (
        f"{len(t)}项候选政策和项目综合得分在{fmt.fixed(t['score'].min())}分至"
        f"{fmt.fixed(t['score'].max())}分之间，{top['name']}得分最高（{fmt.fixed(top['score'])}分）。"
    )
    return Section(
        "三、候选政策和项目排序",
        [
            Paragraph(fnd.tidy(text)),
            ranking_table(s),
            blocks.chart(
                plot_ranking(s).figure,
                "候选政策和项目综合得分",
                "各候选政策和项目综合得分的横向条形图，深色为列入计划的项目",
            ),
        ],
    )


def plan_table(s: Selection) -> Table:
    rows = [
        [
            str(i),
            r["name"],
            r["department"],
            KINDS[r["kind"]],
            fmt.fixed(r["score"]),
            _money(r["cost"]),
            "必选" if r["mandatory"] else ("部门覆盖" if r["covers"] else "择优"),
        ]
        for i, r in enumerate(s.chosen.to_dict("records"), 1)
    ]
    rows.append(["合计", "", "", "", fmt.fixed(s.plan.total), _money(s.plan.cost), ""])
    return Table(
        rows,
        ["序号", "政策或项目", "主管部门", "类别", "综合得分", "评价经费（万元）", "入选方式"],
        numeric=(4, 5),
    )


def section_plan(s: Selection) -> Section:
    """四、年度重点评价计划"""
    case = s.case
    ch = s.chosen
    n_mand = int(ch["mandatory"].sum())
    left = case.programme.budget - s.plan.cost
    text = (
        f"{case.year}年度拟对{len(ch)}项政策和项目开展重点绩效评价，评价经费合计"
        f"{_money(s.plan.cost)}万元，占评价经费预算{_money(case.programme.budget)}万元的"
        f"{fmt.num(s.plan.cost / case.programme.budget * 100, 1)}%，结余{_money(left)}万元；"
        f"其中即将到期的必选政策{n_mand}项，涉及预算金额{_money(ch['amount'].sum())}万元。"
    )
    parts: list[Any] = [Paragraph(fnd.tidy(text)), plan_table(s)]
    g = s.greedy
    if not np.array_equal(g.chosen, s.plan.chosen):
        t = s.table
        only_g = "、".join(t.loc[g.chosen & ~s.plan.chosen, "name"])
        only_p = "、".join(t.loc[s.plan.chosen & ~g.chosen, "name"])
        parts.append(
            Paragraph(
                fnd.tidy(
                    f"与贪心规则的对照：按得分从高到低依次选入的对照计划综合得分合计"
                    f"{fmt.fixed(g.total)}（评价经费{_money(g.cost)}万元），本计划为"
                    f"{fmt.fixed(s.plan.total)}（{_money(s.plan.cost)}万元）。对照计划选入"
                    f"{only_g or '（无）'}，本计划改为选入{only_p or '（无）'}：先选入高分但评价经费"
                    "较多的项目会使剩余经费无法安排其他项目，本计划在同一预算内覆盖的优先项目更多。"
                )
            )
        )
    else:
        parts.append(
            Paragraph(
                "按贪心规则（按得分从高到低在剩余经费内依次选入）形成的对照计划与本计划相同。"
            )
        )
    return Section("四、年度重点评价计划", parts)


def section_reasons(s: Selection) -> Section:
    """五、入选和未入选理由"""
    t = s.ranked
    chosen = [
        Paragraph(fnd.tidy(f"{i}. {r['name']}：{r['reason'].removeprefix('入选：')}。"))
        for i, r in enumerate(t[t["chosen"]].to_dict("records"), 1)
    ]
    left = [
        Paragraph(fnd.tidy(f"{i}. {r['name']}：{r['reason'].removeprefix('未入选：')}。"))
        for i, r in enumerate(t[~t["chosen"]].to_dict("records"), 1)
    ]
    return Section(
        "五、入选和未入选理由",
        [
            Section("（一）入选理由", chosen, level=2),
            Section(
                "（二）未入选理由",
                left or [Paragraph("全部候选政策和项目均已入选。")],
                level=2,
            ),
        ],
    )


def coverage_table(s: Selection) -> Table:
    rows = []
    for r in s.coverage.to_dict("records"):
        status = "需覆盖" if r["due"] else "周期内已评价"
        if r["due"]:
            status += "，已安排" if r["chosen"] else "，未安排"
        rows.append(
            [
                r["department"],
                "—" if r["last"] is None else str(int(r["last"])),
                str(r["candidates"]),
                str(r["chosen"]),
                status,
            ]
        )
    return Table(
        rows,
        ["部门", "最近一次重点评价年度", "候选项目数", "入选项目数", "覆盖情况"],
        numeric=(2, 3),
        note=f"说明：覆盖周期为{s.coverage_years}年；最近一次重点评价年度为“—”的在案例库和选题"
        "案例中均没有重点评价记录。",
    )


def section_coverage(s: Selection) -> Section:
    """六、部门覆盖情况"""
    cov = s.coverage
    due = cov[cov["due"]]
    first = s.budget_year - s.coverage_years + 1
    span = f"{first}—{s.budget_year}年度" if first < s.budget_year else f"{s.budget_year}年度"
    if len(due):
        text = (
            f"{len(cov)}个部门中，{len(due)}个部门在{span}没有开展重点绩效"
            f"评价（{'、'.join(due['department'])}），本计划为每个部门至少安排了一项，"
            f"{s.coverage_years}年覆盖周期的要求得到满足。"
        )
    else:
        text = f"{len(cov)}个部门在{span}均已开展重点绩效评价，本计划不受部门覆盖约束。"
    return Section("六、部门覆盖情况", [Paragraph(fnd.tidy(text)), coverage_table(s)])


def section_other(s: Selection) -> Section:
    """七、其他需要说明的问题"""
    items = [
        "社会关注度和影响范围为财政部门按分档说明评定的分值，审计等发现的问题数和案例库以外的评价"
        "记录由选题案例填写，未逐项核实。",
        "综合得分用于候选项目之间的比较，标准化值随候选范围而变，不同年度的得分不宜直接比较。",
    ]
    if s.library_used:
        items.append(
            "往年评价发现的问题、上次重点评价年度和部门覆盖情况按案例库中已存档的评价统计，未存入"
            "案例库的评价以选题案例填写的年度为准。"
        )
    items += list(s.warnings)
    work = s.case.work
    if work is not None and work.limitations:
        items += [fnd.tidy(x).rstrip("。") for x in work.limitations]
    return Section(
        "七、其他需要说明的问题",
        [Paragraph(fnd.tidy(f"{i}. {x.rstrip('。')}。")) for i, x in enumerate(items, 1)],
    )


def section_annex(s: Selection) -> Section:
    """附件：技术附件"""
    names = criterion_names()
    t = s.table
    norm_rows = [
        [t.loc[i, "name"], *[fmt.num(float(s.normalised.loc[i, k]), 4) for k in CRITERIA]]
        for i in t.index
    ]
    weights = s.weights.weights
    matched = s.facts.matched
    if len(matched):
        listing: Any = Table(
            [
                [
                    t.loc[r.candidate, "name"],
                    str(r.year),
                    r.case_id,
                    r.evaluation,
                    r.grade or "—",
                    "项目编号" if r.by == "project_id" else "名称",
                ]
                for r in matched.itertuples()
            ],
            ["候选项目", "年度", "案例编号", "评价类型", "等级", "匹配方式"],
        )
    else:
        listing = Paragraph("案例库中没有与候选项目匹配的存档案例。")
    probs = s.facts.problems
    prob_rows: list[Any] = []
    if len(probs):
        prob_rows = [
            Table(
                [
                    [t.loc[r.candidate, "name"], str(r.year), r.case_id, r.heading]
                    for r in probs.itertuples()
                ],
                ["候选项目", "年度", "案例编号", "计入的较大问题"],
            )
        ]
    cfg = rules()
    return Section(
        "附件：技术附件",
        [
            Section(
                "（一）标准化值和权重",
                [
                    Paragraph(
                        f"选题案例编号：{s.case.case_id}；规则数据：evaluation_selection；权重方式："
                        f"{s.weights.method}；选择方法：{cfg['selection']['method']}"
                        "（scipy.optimize.milp，HiGHS）。",
                        "note",
                    ),
                    Table(
                        [[names[k], k, fmt.num(float(weights[k]), 6)] for k in CRITERIA],
                        ["准则", "标识", "权重"],
                        numeric=(2,),
                    ),
                    Table(
                        norm_rows, ["候选项目", *[names[k] for k in CRITERIA]], numeric=range(1, 7)
                    ),
                    Paragraph(
                        "综合得分 = 100 × Σ（权重 × 标准化值），保留两位小数；资金规模先取常用对数。"
                        "整数规划：最大化 Σ 得分·x，约束 Σ 经费·x ≤ 预算、必选项 x = 1、每个需覆盖部门"
                        " Σ x ≥ 1，x ∈ {0, 1}；第二步在得分之和不变的条件下最小化经费。"
                    ),
                ],
                level=2,
            ),
            Section(
                "（二）案例库中匹配的存档案例",
                [
                    Paragraph(
                        f"按项目编号（未填写时按名称）匹配预算年度不晚于{s.budget_year}年的存档案例；"
                        f"计入“往年审计和评价发现问题”的为最近{cfg['library']['problem_years']}个"
                        f"预算年度内、问题类别为 {'、'.join(cfg['library']['serious_kinds'])} 的问题和"
                        "等级为“中”“差”的重点评价。",
                        "note",
                    ),
                    listing,
                    *prob_rows,
                ],
                level=2,
            ),
        ],
    )


# the level-1 headings of the report (tests check both formats)
HEADINGS = (
    "一、选题依据和范围",
    "二、选题方法",
    "三、候选政策和项目排序",
    "四、年度重点评价计划",
    "五、入选和未入选理由",
    "六、部门覆盖情况",
    "七、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_basis,
    section_method,
    section_ranking,
    section_plan,
    section_reasons,
    section_coverage,
    section_other,
    section_annex,
)


def outline(s: Selection) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(s.case, [build(s) for build in OUTLINE])
