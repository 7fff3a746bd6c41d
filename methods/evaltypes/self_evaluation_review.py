"""自评复核 (evaluation: self_evaluation_review): the finance bureau's sample review of the
departments' 绩效自评 (武发〔2020〕48号: 财政部门加强对部门绩效自评工作的指导和考核).

The population is the year's 自评 cases: the case library's archived ``self_evaluation`` cases of
the 自评 year, or a listed population file (CSV: one row per 自评 with 编号, 项目名称, 主管部门, 金额,
自评得分, and optionally 按指标复算得分, 满分无佐证指标数, 以往问题数) when the library lacks them.

The sample (:func:`draw`) is stratified by 主管部门 × 金额档 with proportional allocation (largest
remainder, at least ``min_per_stratum`` per stratum), drawn with a seeded generator so that the same
case file draws the same sample; every risk-flagged 自评 (a large gap between the 自评 score and the
score its indicators give, full marks without evidence, problems found before) is taken with
certainty in a stratum of its own. Rules are data (``methods/_data/self_evaluation_review.yaml``,
status practice; the obligation local).

The reviewer's re-scores (``rescores:``) give each sampled 自评 its deviation (自评 − 复核), a
verdict (一致 within ``tolerance``, 退回重新自评 beyond ``return_gap`` or on a grade change), each
department's 自评质量 (一致率 and grade) and the counts the 考核 indicator 绩效自评质量 uses
(``checked``, ``consistent``). Systematic over-scoring is the stratified mean of the deviation
(Cochran 1977, eq. 5.1) with its variance Σ W_h² (1 − f_h) s_h² / n_h (Theorem 5.3) and a t
interval on n − H degrees of freedom, computed with :class:`methods.survey.Design` (strata, fpc
N_h; the certainty stratum contributes no variance).

This module holds the case model, its checks, the sampling and analysis (:func:`analyse` →
:class:`Review`) and the report outline (``section_*``, :data:`OUTLINE`, :func:`outline`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Budget, Case, EvaluationType, _Model, register
from methods.errors import CaseError
from methods.report import blocks, official
from methods.report import findings as fnd
from methods.report.document import Document, Paragraph, Section, Table

# ---------------------------------------------------------------------------------------------
# Case model

CERTAINTY = "必抽（风险项目）"

# population file columns: (English key, accepted Chinese headers), required first
COLUMNS = {
    "case_id": ("case_id", "编号", "案例编号"),
    "title": ("title", "项目名称"),
    "department": ("department", "主管部门"),
    "amount": ("amount", "金额", "预算金额"),
    "self_score": ("self_score", "自评得分"),
    "indicator_score": ("indicator_score", "按指标复算得分"),
    "full_marks_without_evidence": ("full_marks_without_evidence", "满分无佐证指标数"),
    "past_problems": ("past_problems", "以往问题数"),
}
REQUIRED = ("case_id", "title", "department", "amount", "self_score")


class SampleOptions(_Model):
    """抽样参数."""

    seed: int = Field(ge=0, description="随机数种子（同一种子抽出同一样本）")
    size: int = Field(ge=1, le=10_000, description="分层随机抽取的项目数（不含必抽项目）")
    amount_bands: list[float] | None = Field(
        None, min_length=1, description="金额分档的分界（万元，升序）；默认见规则数据"
    )
    min_per_stratum: int | None = Field(None, ge=2, description="每层至少抽取的项目数（≥2）")


class Rescore(_Model):
    """一个抽中自评项目的复核结果."""

    case_id: str = Field(min_length=1, max_length=64, description="被复核的自评案例编号")
    score: float = Field(ge=0, le=100, allow_inf_nan=False, description="复核得分")
    note: str | None = Field(None, description="复核说明（主要扣分事项）")


class ReviewOptions(_Model):
    """复核判定（覆盖规则数据的默认值）."""

    tolerance: float | None = Field(None, gt=0, le=100, description="一致：相差不超过的分数")
    return_gap: float | None = Field(None, gt=0, le=100, description="退回：相差超过的分数")
    return_on_grade_change: bool | None = None


class SelfEvaluationReviewCase(Case):
    budget: Budget | None = None  # type: ignore[assignment]
    source_year: int | None = Field(None, description="被复核的自评年度（默认为案例年度的上一年）")
    population: str | None = Field(
        None, description="自评结果清单（CSV，相对案例文件）；不填则取案例库中该年度的自评案例"
    )
    sample: SampleOptions
    review: ReviewOptions = ReviewOptions()
    rescores: list[Rescore] = Field([], description="复核得分（抽样后逐项填写）")
    overview: str | None = None

    def data_paths(self) -> list[tuple[tuple, str]]:
        return [(("population",), self.population)] if self.population else []

    def reads_library(self) -> bool:
        return self.population is None


def rules(case: SelfEvaluationReviewCase | None = None) -> dict[str, Any]:
    """The rule data with the case's overrides applied (``sample:``, ``review:``)."""
    data = json.loads(json.dumps(load_yaml("self_evaluation_review.yaml"), ensure_ascii=False))
    if case is not None:
        s = case.sample
        if s.amount_bands is not None:
            data["sampling"]["amount_bands"] = list(s.amount_bands)
        if s.min_per_stratum is not None:
            data["sampling"]["min_per_stratum"] = s.min_per_stratum
        for key, value in case.review.model_dump(exclude_none=True).items():
            data["review"][key] = value
    return data


def _check(case: Case) -> list[str]:
    assert isinstance(case, SelfEvaluationReviewCase)
    source_year = case.source_year or case.year - 1
    if source_year >= case.year:
        raise CaseError(
            f"被复核的自评年度 {source_year} 应早于复核年度 {case.year}", field=("source_year",)
        )
    bands = case.sample.amount_bands or []
    if any(b <= a for a, b in zip(bands, bands[1:], strict=False)) or any(b <= 0 for b in bands):
        raise CaseError("金额分档的分界应为升序的正数", field=("sample", "amount_bands"))
    r = rules(case)["review"]
    if r["return_gap"] < r["tolerance"]:
        raise CaseError(
            f"退回的相差分数 {fmt.num(r['return_gap'])} 小于一致的相差分数 {fmt.num(r['tolerance'])}",
            field=("review", "return_gap"),
        )
    from methods.standards import library_to_check

    if case.population is None and library_to_check(case) is None:
        return []  # the library is read (and required) when the case runs
    analyse(case)
    return []


register(
    EvaluationType(
        name="self_evaluation_review",
        title="部门绩效自评复核",
        notebook="self_evaluation_review.ipynb",
        model=SelfEvaluationReviewCase,
        check=_check,
        report_kind="报告",
    )
)


# ---------------------------------------------------------------------------------------------
# Population


def _read_population(case: SelfEvaluationReviewCase) -> pd.DataFrame:
    """The listed population file, columns renamed to :data:`COLUMNS` and checked row by row."""
    name = case.population
    path = case.resolve(name)
    if not path.is_file():
        raise CaseError(f"自评结果清单 {name} 不存在", field=("population",))
    try:
        try:
            df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        except UnicodeDecodeError:
            df = pd.read_csv(path, encoding="gb18030", dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is bad input
        raise CaseError(f"无法读取自评结果清单 {name}：{exc}", field=("population",)) from None
    df.columns = [str(c).strip() for c in df.columns]
    rename = {}
    for key, names in COLUMNS.items():
        found = next((c for c in names if c in df.columns), None)
        if found is None and key in REQUIRED:
            raise CaseError(
                f"自评结果清单 {name} 缺少列“{names[1]}”（或 {names[0]}）", field=("population",)
            )
        if found is not None:
            rename[found] = key
    df = df[list(rename)].rename(columns=rename)
    if df.empty:
        raise CaseError(f"自评结果清单 {name} 没有数据行", field=("population",))
    for key in ("case_id", "title", "department"):
        df[key] = df[key].str.strip()
        blank = df[key] == ""
        if blank.any():
            row = int(np.flatnonzero(blank)[0]) + 2
            raise CaseError(
                f"自评结果清单 {name} 第 {row} 行的“{COLUMNS[key][1]}”为空", field=("population",)
            )
    dup = df["case_id"].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup)[0]) + 2
        raise CaseError(
            f"自评结果清单 {name} 第 {row} 行的编号 {df['case_id'].iloc[row - 2]} 重复",
            field=("population",),
        )
    limits = {
        "amount": (0, None),
        "self_score": (0, 100),
        "indicator_score": (0, 100),
        "full_marks_without_evidence": (0, None),
        "past_problems": (0, None),
    }
    for key, (lo, hi) in limits.items():
        if key not in df.columns:
            df[key] = np.nan if key == "indicator_score" else 0
            continue
        text = df[key].str.strip().str.replace(",", "", regex=False)
        values = pd.to_numeric(text, errors="coerce")
        optional = key not in REQUIRED
        bad = (values.isna() & ~(optional & (text == ""))) | (values < lo)
        if hi is not None:
            bad |= values > hi
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2
            rng = f"{lo}–{hi}" if hi is not None else f"不小于 {lo}"
            raise CaseError(
                f"自评结果清单 {name} 第 {row} 行的“{COLUMNS[key][1]}” "
                f"{df[key].iloc[row - 2]!r} 不是有效数值（应为{rng}的数）",
                field=("population",),
            )
        df[key] = values if key == "indicator_score" else values.fillna(0)
    df["source"] = "清单"
    return df.reset_index(drop=True)


def _library_population(case: SelfEvaluationReviewCase, year: int) -> pd.DataFrame:
    """The library's archived 自评 cases of ``year`` as a population: 自评得分 = the archived
    total, 满分无佐证指标数 = indicators at full marks in a case that archived no evidence, 以往问题数
    = problems in the archived results of the same project's earlier cases."""
    from methods._yaml import load as yaml_load
    from methods.standards import require_library

    lib = require_library(case, "自评复核", ("population",))
    rows = lib.query(
        "SELECT case_id, project_id, title, department, total_score, path FROM cases "
        "WHERE evaluation = 'self_evaluation' AND year = ? ORDER BY case_id",
        (year,),
    )
    if not rows:
        raise CaseError(
            f"案例库中没有 {year} 年度的自评案例；请用 population 字段给出自评结果清单",
            field=("population",),
        )
    out = []
    for r in rows:
        folder = lib.case_dir(year, r["case_id"])
        res = json.loads((folder / "results.json").read_text("utf-8"))
        params = yaml_load((folder / "parameters.yaml").read_text("utf-8")) or {}
        ind = pd.DataFrame(res.get("indicators") or [], columns=["weight", "score"])
        full = (
            int((ind["score"] >= ind["weight"] - 1e-9).sum()) if not params.get("evidence") else 0
        )
        budget = res.get("budget") or {}
        earlier = lib.query(
            "SELECT year, case_id FROM cases WHERE project_id = ? AND year < ?",
            (r["project_id"] or r["case_id"], year),
        )
        past = 0
        for e in earlier:
            f = lib.case_dir(int(e["year"]), e["case_id"]) / "results.json"
            if f.is_file():
                past += len(
                    (json.loads(f.read_text("utf-8")).get("findings") or {}).get("problems") or []
                )
        out.append(
            {
                "case_id": r["case_id"],
                "title": r["title"],
                "department": r["department"],
                "amount": float(budget.get("allocated") or 0),
                "self_score": float(r["total_score"] or 0),
                "indicator_score": np.nan,
                "full_marks_without_evidence": full,
                "past_problems": past,
                "source": "案例库",
            }
        )
    return pd.DataFrame(out)


def population(case: SelfEvaluationReviewCase) -> pd.DataFrame:
    """The 自评 population with 金额档, risk flags and stratum (one row per 自评, by case id)."""
    year = case.source_year or case.year - 1
    df = _read_population(case) if case.population else _library_population(case, year)
    return classify(df, rules(case))


def band_labels(edges: list[float]) -> list[str]:
    """金额档 labels for the band edges (万元)."""
    e = [fmt.num(x) for x in edges]
    return (
        [f"{e[0]}万元以下"]
        + [f"{a}—{b}万元" for a, b in zip(e, e[1:], strict=False)]
        + [f"{e[-1]}万元及以上"]
    )


def classify(df: pd.DataFrame, r: dict[str, Any]) -> pd.DataFrame:
    """Add 金额档 (``band``), the risk flags and ``stratum`` (主管部门｜金额档, or the certainty
    stratum), sorted by case id so that the draw does not depend on the file's row order."""
    df = df.sort_values("case_id", kind="stable").reset_index(drop=True)
    edges = list(r["sampling"]["amount_bands"])
    labels = np.array(band_labels(edges), dtype=object)
    df["band"] = labels[
        np.searchsorted(np.asarray(edges, float), df["amount"].to_numpy(float), "right")
    ]
    risk = r["risk"]
    gap = (df["self_score"] - df["indicator_score"]).abs()
    df["risk_gap"] = (gap >= risk["score_gap"]).fillna(False).astype(bool)
    df["risk_evidence"] = df["full_marks_without_evidence"] >= risk["full_marks_without_evidence"]
    df["risk_past"] = df["past_problems"] >= risk["past_problems"]
    df["certainty"] = df["risk_gap"] | df["risk_evidence"] | df["risk_past"]
    df["stratum"] = np.where(df["certainty"], CERTAINTY, df["department"] + "｜" + df["band"])
    return df


# ---------------------------------------------------------------------------------------------
# Sample


def allocate(sizes: np.ndarray, n: int, minimum: int = 2) -> np.ndarray:
    """Proportional allocation of ``n`` draws to strata of ``sizes`` units: largest-remainder
    rounding of n · N_h / N, then at least ``minimum`` (at most N_h) per stratum.

    Examples
    --------
    >>> allocate(np.array([10, 6, 4]), 8).tolist()
    [4, 2, 2]
    """
    sizes = np.asarray(sizes, dtype=int)
    if sizes.sum() == 0:
        return sizes.copy()
    raw = n * sizes / sizes.sum()
    base = np.floor(raw).astype(int)
    left = int(min(n, sizes.sum()) - base.sum())
    order = np.lexsort((np.arange(len(sizes)), -(raw - base)))
    base[order[:left]] += 1
    return np.minimum(np.maximum(base, np.minimum(minimum, sizes)), sizes)


@dataclass(frozen=True)
class Sample:
    """The drawn sample: the population with ``N_h``, ``n_h``, ``selected`` and ``weight``
    (N_h / n_h for sampled units), and the strata table."""

    frame: pd.DataFrame
    strata: pd.DataFrame  # stratum, department, band, certainty, N, n, fraction
    seed: int

    @property
    def selected(self) -> pd.DataFrame:
        return self.frame[self.frame["selected"]].reset_index(drop=True)

    def summary(self) -> str:
        s = self.selected
        return (
            f"总体 {len(self.frame)} 项，抽取 {len(s)} 项（必抽 {int(s['certainty'].sum())} 项，"
            f"分层随机 {int((~s['certainty']).sum())} 项，{int((~self.strata['certainty']).sum())} 层）"
        )


def draw(pop: pd.DataFrame, size: int, seed: int, minimum: int = 2) -> Sample:
    """A stratified random sample of the classified population: all certainty units, and in
    every other stratum the n_h units with the smallest seeded uniform keys.

    Parameters
    ----------
    pop : DataFrame
        :func:`classify`'s output (sorted by case id).
    size : int
        Draws allocated proportionally over the non-certainty strata.
    seed : int
        Seed of ``numpy.random.default_rng``: the same population and seed give the same sample.
    minimum : int
        At least this many per stratum (all units of a smaller stratum).
    """
    pop = pop.copy()
    keys = np.random.default_rng(seed).random(len(pop))
    pop["key"] = keys
    counts = pop.groupby("stratum", sort=True).agg(
        N=("case_id", "size"),
        department=("department", "first"),
        band=("band", "first"),
        certainty=("certainty", "first"),
    )
    counts = counts.sort_values(["certainty", "department", "band"], kind="stable")
    random = ~counts["certainty"].to_numpy()
    n = counts["N"].to_numpy().copy()
    n[random] = allocate(counts["N"].to_numpy()[random], size, minimum)
    counts["n"] = n
    counts["fraction"] = counts["n"] / counts["N"]
    rank = pop.groupby("stratum")["key"].rank(method="first").to_numpy()
    pop["N_h"] = counts["N"].reindex(pop["stratum"]).to_numpy()
    pop["n_h"] = counts["n"].reindex(pop["stratum"]).to_numpy()
    pop["selected"] = rank <= pop["n_h"].to_numpy()
    pop["weight"] = np.where(pop["selected"], pop["N_h"] / pop["n_h"], 0.0)
    strata = counts.reset_index()
    strata.loc[strata["certainty"], ["department", "band"]] = "—"
    return Sample(pop.drop(columns="key"), strata, seed)


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass(frozen=True)
class Review:
    """The review: population, sample, re-scored cases, departments and the over-scoring
    estimate (None until re-scores are recorded)."""

    sample: Sample
    rescored: pd.DataFrame  # the sample with review_score, deviation, consistent, returned …
    departments: (
        pd.DataFrame
    )  # department, checked, consistent, rate, mean_deviation, grade, returned
    estimate: Any  # methods.survey.Estimate of the mean deviation, or None
    share_inconsistent: Any  # Estimate of the share beyond tolerance, or None
    rules: dict[str, Any]
    case: Any = None

    @property
    def complete(self) -> bool:
        """Whether every sampled 自评 has its re-score."""
        return self.estimate is not None

    @property
    def returned(self) -> pd.DataFrame:
        return self.rescored[self.rescored["returned"]].reset_index(drop=True)

    def summary(self) -> str:
        text = self.sample.summary()
        if self.complete:
            e = self.estimate
            text += (
                f"；平均偏差（自评−复核）{fmt.fixed(e.estimate)} 分，"
                f"{fmt.num(e.conf_level * 100)}% 置信区间 {fmt.fixed(e.ci_low)}—{fmt.fixed(e.ci_high)}；"
                f"退回 {len(self.returned)} 项"
            )
        return text

    def counts(self) -> dict[str, dict[str, int]]:
        """Per department the 考核 counts of 绩效自评质量: ``checked`` (抽查复核的自评项目数) and
        ``consistent`` (复核相差不超过 tolerance 分的项目数)."""
        return {
            r.department: {"checked": int(r.checked), "consistent": int(r.consistent)}
            for r in self.departments.itertuples()
        }

    def to_dict(self) -> dict[str, Any]:
        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return json.loads(df.to_json(orient="records", force_ascii=False))

        cols = ["case_id", "title", "department", "amount", "band", "stratum", "certainty",
                "risk_gap", "risk_evidence", "risk_past", "self_score", "weight"]  # fmt: skip
        out: dict[str, Any] = {
            "source_year": self.case.source_year or self.case.year - 1,
            "population": {
                "n": len(self.sample.frame),
                "source": str(self.sample.frame["source"].iloc[0]),
                "amount": fmt.round_half_up(float(self.sample.frame["amount"].sum()), 2),
            },
            "strata": records(self.sample.strata),
            "seed": self.sample.seed,
            "sample": records(self.sample.selected[cols]),
            "complete": self.complete,
            "tolerance": self.rules["review"]["tolerance"],
            "return_gap": self.rules["review"]["return_gap"],
        }
        if self.complete:
            keep = ["case_id", "department", "self_score", "review_score", "deviation",
                    "self_grade", "review_grade", "consistent", "returned", "return_reason"]  # fmt: skip
            out["rescores"] = records(self.rescored[keep])
            out["departments"] = records(self.departments)
            out["over_scoring"] = {
                **_rounded(self.estimate.to_dict()),
                "estimator": "分层均值估计量（Cochran 1977，式5.1），方差按定理5.3（层内有限总体校正），t 分位数",
            }
            out["share_inconsistent"] = _rounded(self.share_inconsistent.to_dict())
            out["returned"] = list(self.returned["case_id"])
            out["work_assessment_counts"] = self.counts()
        return out


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    return {
        k: fmt.round_half_up(v, 6) if isinstance(v, float) else v
        for k, v in d.items()
        if k != "design"
    }


def _rescored(case: SelfEvaluationReviewCase, sample: Sample, r: dict[str, Any]) -> pd.DataFrame:
    """The sample with the re-scores: a re-score of an unsampled 自评 or a sampled 自评 left
    without one (once re-scoring has begun) is refused, naming the row."""
    from methods import scoring

    sel = sample.selected
    ids = set(sel["case_id"])
    seen: set[str] = set()
    for i, rs in enumerate(case.rescores):
        if rs.case_id not in ids:
            raise CaseError(
                f"{rs.case_id} 不在本次抽中的样本中（抽中：{'、'.join(sorted(ids)[:6])}…）",
                field=("rescores", i, "case_id"),
            )
        if rs.case_id in seen:
            raise CaseError(f"{rs.case_id} 的复核得分重复", field=("rescores", i, "case_id"))
        seen.add(rs.case_id)
    if not case.rescores:
        return sel.assign(review_score=np.nan)
    missing = sorted(ids - seen)
    if missing:
        raise CaseError(
            f"抽中的 {len(missing)} 个自评项目还没有复核得分：{'、'.join(missing[:6])}",
            field=("rescores",),
            hint="每个抽中的项目都应填写复核得分（rescores: - {case_id: 编号, score: 得分}）",
        )
    scores = {rs.case_id: rs.score for rs in case.rescores}
    notes = {rs.case_id: rs.note for rs in case.rescores}
    rev = r["review"]
    out = sel.assign(
        review_score=sel["case_id"].map(scores).astype(float),
        note=sel["case_id"].map(notes),
    )
    out["deviation"] = (out["self_score"] - out["review_score"]).round(2)
    gap = out["deviation"].abs()
    out["consistent"] = gap <= rev["tolerance"] + 1e-9
    out["self_grade"] = scoring.grade_array(out["self_score"].to_numpy(), rev["grade_bands"])
    out["review_grade"] = scoring.grade_array(out["review_score"].to_numpy(), rev["grade_bands"])
    by_gap = gap > rev["return_gap"] + 1e-9
    by_grade = (out["self_grade"] != out["review_grade"]) & bool(rev["return_on_grade_change"])
    out["returned"] = by_gap | by_grade
    out["return_reason"] = np.select(
        [by_gap & by_grade, by_gap, by_grade],
        [
            f"相差超过{fmt.num(rev['return_gap'])}分且等级变化",
            f"相差超过{fmt.num(rev['return_gap'])}分",
            "自评等级与复核等级不一致",
        ],
        default="",
    )
    return out


def quality_grade(rate: np.ndarray, bands: dict[str, float]) -> np.ndarray:
    """自评质量 grade of 一致率 (%) by the bands (lower bounds inclusive)."""
    labels = list(bands)
    lows = np.array([bands[k] for k in labels], dtype=float)
    idx = (np.asarray(rate, float)[:, None] < lows[None, :] - 1e-9).sum(axis=1)
    return np.array(labels, dtype=object)[np.minimum(idx, len(labels) - 1)]


def departments(rescored: pd.DataFrame, bands: dict[str, float]) -> pd.DataFrame:
    """Per department: checked, consistent, 一致率 (%), mean deviation (unweighted), returned
    and the 自评质量 grade."""
    g = rescored.groupby("department", sort=False)
    out = pd.DataFrame(
        {
            "checked": g.size(),
            "consistent": g["consistent"].sum().astype(int),
            "mean_deviation": g["deviation"].mean().round(2),
            "returned": g["returned"].sum().astype(int),
        }
    )
    out["rate"] = (out["consistent"] / out["checked"] * 100).round(2)
    out["grade"] = quality_grade(out["rate"].to_numpy(), bands)
    out = out.reset_index().sort_values(["rate", "department"], ascending=[False, True])
    return out[
        ["department", "checked", "consistent", "rate", "mean_deviation", "returned", "grade"]
    ].reset_index(drop=True)


def over_scoring(rescored: pd.DataFrame, conf_level: float = 0.95, df: Any = "design"):
    """The stratified mean of the deviation and of the share beyond tolerance, with their
    design-based standard errors and intervals (:class:`methods.survey.Design`, strata and fpc
    N_h: Cochran 1977 eq. 5.1 and Theorem 5.3)."""
    from methods.survey import Design

    data = rescored.assign(inconsistent=(~rescored["consistent"]).astype(float))
    design = Design(data, strata="stratum", fpc="N_h")
    return (
        _interval(design.mean("deviation", conf_level=conf_level, df=df)),
        _interval(design.mean("inconsistent", conf_level=conf_level, df=df)),
    )


def _interval(e):
    """A census (every stratum fully sampled) has no sampling error: the interval is the point."""
    import dataclasses

    if not np.isfinite(e.ci_low) or e.se <= 1e-12:
        return dataclasses.replace(e, se=0.0, ci_low=e.estimate, ci_high=e.estimate)
    return e


def analyse(case: SelfEvaluationReviewCase) -> Review:
    """Draw the sample, attach the re-scores and estimate."""
    r = rules(case)
    pop = population(case)
    sample = draw(pop, case.sample.size, case.sample.seed, r["sampling"]["min_per_stratum"])
    rescored = _rescored(case, sample, r)
    if not case.rescores:
        empty = pd.DataFrame(
            columns=[
                "department",
                "checked",
                "consistent",
                "rate",
                "mean_deviation",
                "returned",
                "grade",
            ]
        )
        return Review(sample, rescored, empty, None, None, r, case)
    est, share = over_scoring(rescored, r["estimate"]["conf_level"], r["estimate"]["df"])
    return Review(
        sample, rescored, departments(rescored, r["quality"]["bands"]), est, share, r, case
    )


def assessment_counts(lib, year: int) -> dict[str, dict[str, int]]:
    """The 考核 counts of 绩效自评质量 per department from the library's archived reviews of budget
    year ``year`` (the 考核 work year): ``checked`` and ``consistent`` summed over the year's
    ``self_evaluation_review`` cases (their results.json ``work_assessment_counts``).

    This is what a 考核 case's ``checked``/``consistent`` counts can be filled from.
    """
    out: dict[str, dict[str, int]] = {}
    for r in lib.query(
        "SELECT case_id FROM cases WHERE evaluation = 'self_evaluation_review' AND year = ? "
        "ORDER BY case_id",
        (year,),
    ):
        res = json.loads((lib.case_dir(year, r["case_id"]) / "results.json").read_text("utf-8"))
        block = res.get("self_evaluation_review") or {}
        for dept, c in (block.get("work_assessment_counts") or {}).items():
            d = out.setdefault(dept, {"checked": 0, "consistent": 0})
            d["checked"] += int(c["checked"])
            d["consistent"] += int(c["consistent"])
    return out


# ---------------------------------------------------------------------------------------------
# Findings


def _cite(ref: Any) -> str:
    """A rule's source as a report prints it (a 文件库 reference or its citation text)."""
    if isinstance(ref, dict):
        try:
            from methods import documents

            return documents.cite(ref)
        except ImportError:  # pragma: no cover - the 文件库 loader is optional here
            return str(ref.get("note") or ref.get("basis") or "")
    return blocks.cite(ref)


def finance_name(case) -> str:
    return case.department_short or case.department


def _units(names: list[str]) -> str:
    return "、".join(names[:3]) + (f"等{len(names)}个部门" if len(names) > 3 else "")


def find(rv: Review) -> fnd.Findings:
    """The problems and suggestions of a review: the case's own findings, systematic
    over-scoring (when the interval lies above 0), the 自评 to return, departments graded 中 or 差,
    and full marks without evidence marked down beyond the tolerance."""
    cfg = rv.rules["findings"]
    case = rv.case
    problems: list[fnd.Problem] = []
    units: list[str] = []
    for f in case.findings or []:
        problems.append(fnd.stated_problem(f, theme="other"))
        units.append("各部门")
    if not rv.complete:
        return fnd.Findings(
            tuple(problems),
            tuple(
                _advice(rv, p, i, u)
                for i, (p, u) in enumerate(zip(problems, units, strict=True), 1)
            ),
            (),
        )
    e = rv.estimate
    tol = rv.rules["review"]["tolerance"]
    rs = rv.rescored
    if e.ci_low > 0:
        facts = (
            f"抽查的{len(rs)}个项目中{int((rs['deviation'] > 0).sum())}个自评得分高于复核得分，"
            f"按抽样设计加权估计，全部{len(rv.sample.frame)}个自评项目平均高出{fmt.fixed(e.estimate)}分"
            f"（{fmt.num(e.conf_level * 100)}%置信区间{fmt.fixed(e.ci_low)}至{fmt.fixed(e.ci_high)}分），"
            f"估计约{fmt.num(rv.share_inconsistent.estimate * 100, 1)}%的自评项目与复核相差超过{fmt.num(tol)}分",
        )
        problems.append(
            fnd.Problem(
                "over_scoring",
                "自评得分偏高",
                cfg["over_scoring"]["heading"].format(estimate=fmt.fixed(e.estimate)),
                facts,
                (),
                "other",
                (),
                0.0,
                "自评得分偏高",
            )
        )
        units.append("各部门")
    ret = rv.returned
    if len(ret):
        facts = tuple(
            f"{r.department}“{r.title}”自评{fmt.fixed(r.self_score)}分、复核{fmt.fixed(r.review_score)}分"
            f"（{r.self_grade}→{r.review_grade}），{r.return_reason}"
            for r in ret.itertuples()
        )
        problems.append(
            fnd.Problem(
                "returned",
                "自评结果失真",
                cfg["returned"]["heading"].format(count=len(ret)),
                facts,
                (),
                "other",
                (),
                0.0,
                "自评结果失真",
            )
        )
        units.append(_units(list(dict.fromkeys(ret["department"]))))
    bands = rv.rules["quality"]["bands"]
    low = rv.departments[rv.departments["grade"].isin(["中", "差"])]
    if len(low):
        threshold = list(bands.values())[1]
        facts = tuple(
            f"{r.department}抽查{r.checked}个项目，复核一致{r.consistent}个，一致率{fmt.num(r.rate, 1)}%，"
            f"自评质量等级为“{r.grade}”"
            for r in low.itertuples()
        )
        problems.append(
            fnd.Problem(
                "quality",
                "部门自评质量",
                cfg["quality"]["heading"].format(threshold=fmt.num(threshold)),
                facts,
                (),
                "other",
                (),
                0.0,
                "自评质量不高",
            )
        )
        units.append(_units(list(low["department"])))
    ev = rs[rs["risk_evidence"] & (rs["deviation"] > tol)]
    if len(ev):
        facts = tuple(
            f"{r.department}“{r.title}”有{int(r.full_marks_without_evidence)}项满分指标未提供佐证材料，"
            f"复核扣减{fmt.fixed(r.deviation)}分"
            for r in ev.itertuples()
        )
        problems.append(
            fnd.Problem(
                "evidence",
                "佐证材料",
                cfg["evidence"]["heading"],
                facts,
                (),
                "other",
                (),
                0.0,
                "满分指标缺少佐证",
            )
        )
        units.append(_units(list(dict.fromkeys(ev["department"]))))
    advice = tuple(
        _advice(rv, p, i, u) for i, (p, u) in enumerate(zip(problems, units, strict=True), 1)
    )
    return fnd.Findings(tuple(problems), advice, ())


def _advice(rv: Review, p: fnd.Problem, number: int, units: str) -> fnd.Advice:
    cfg = rv.rules["findings"]
    slots = {
        "units": p.responsible or units,
        "finance": finance_name(rv.case),
        "deadline": cfg["deadline_placeholder"],
        "short": p.short,
    }
    if p.theme in ("over_scoring", "returned", "quality", "evidence"):
        entry = cfg[p.theme]["advice"]
        return fnd.Advice(number, entry["title"], fnd.tidy(entry["text"].format(**slots)))
    text = p.advice or (
        f"建议{slots['units']}对{p.short}问题逐项分析原因、制定改进措施，于{slots['deadline']}前将落实情况报"
        f"{slots['finance']}。"
    )
    return fnd.Advice(number, f"针对{p.short}落实整改", fnd.tidy(text))


def conclusion(rv: Review, fd: fnd.Findings | None = None) -> str:
    """复核结论 in official prose."""
    s = rv.sample.selected
    year = rv.case.source_year or rv.case.year - 1
    text = (
        f"{year}年度部门绩效自评共{len(rv.sample.frame)}个项目，本次抽查复核{len(s)}个"
        f"（风险项目必抽{int(s['certainty'].sum())}个，分层随机抽取{int((~s['certainty']).sum())}个）。"
    )
    if not rv.complete:
        return text + "复核尚未完成，本报告列示抽中的项目，复核得分填写后出具复核结论。"
    e, rs = rv.estimate, rv.rescored
    tol = rv.rules["review"]["tolerance"]
    text += (
        f"复核得分与自评得分相差不超过{fmt.num(tol)}分的{int(rs['consistent'].sum())}个，"
        f"超过{fmt.num(tol)}分的{int((~rs['consistent']).sum())}个；"
        f"自评得分平均高出复核得分{fmt.fixed(e.estimate)}分（按抽样设计加权，"
        f"{fmt.num(e.conf_level * 100)}%置信区间{fmt.fixed(e.ci_low)}至{fmt.fixed(e.ci_high)}分），"
    )
    if e.ci_low > 0:
        text += "自评得分存在系统性偏高。"
    elif e.ci_high < 0:
        text += "自评得分总体偏低。"
    else:
        text += "未发现系统性偏高。"
    grades = rv.departments
    text += (
        "各部门自评质量："
        + "、".join(f"{r.department}“{r.grade}”" for r in grades.itertuples())
        + "。"
    )
    text += (
        f"需退回重新自评的项目{len(rv.returned)}个。"
        if len(rv.returned)
        else "没有需退回重新自评的项目。"
    )
    return fnd.tidy(text)


def results(rv: Review) -> dict[str, Any]:
    """results.json (contracts §4) with the ``self_evaluation_review`` block (sample, re-scores,
    departments, over-scoring, returned cases, the 考核 counts) and the report's ``findings``."""
    from methods.report import case_results

    return case_results(rv.case, self_evaluation_review=rv.to_dict(), findings=find(rv).to_dict())


# ---------------------------------------------------------------------------------------------
# Report outline


def _verdict(r) -> str:
    if r.returned:
        return "退回重新自评"
    return "一致" if r.consistent else "差异较大"


def _how(r) -> str:
    if not r.certainty:
        return "分层随机"
    why = [
        w
        for w, f in (
            ("得分与指标不符", r.risk_gap),
            ("满分无佐证", r.risk_evidence),
            ("以往有问题", r.risk_past),
        )
        if f
    ]
    return "必抽：" + "、".join(why)


def section_basic(rv: Review) -> Section:
    """一、基本情况"""
    case = rv.case
    year = case.source_year or case.year - 1
    frame = rv.sample.frame
    short = case.department_short
    by = case.department + (f"（以下简称“{short}”）" if short and short != case.department else "")
    depts = frame["department"].nunique()
    source = (
        "案例库中存档的自评案例"
        if frame["source"].iloc[0] == "案例库"
        else "各部门报送的自评结果清单"
    )
    scope = (
        f"本次复核由{by}组织，对象为{depts}个部门{year}年度的项目支出绩效自评，"
        f"总体为{source}中的{len(frame)}个项目，涉及资金{fmt.fixed(frame['amount'].sum())}万元。"
    )
    work = case.work
    process = (work.process if work else None) or None
    steps = [process] if isinstance(process, str) else list(process or [])
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）复核对象和范围",
                [official.overview_paragraph(case, "复核概况"), Paragraph(fnd.tidy(scope))],
                level=2,
            ),
            Section(
                "（二）复核工作过程",
                [Paragraph(fnd.tidy(f"{i}. {s.rstrip('。')}。")) for i, s in enumerate(steps, 1)]
                or [Paragraph(f"复核工作过程：{official.NOT_GIVEN}")],
                level=2,
            ),
        ],
    )


def strata_table(rv: Review) -> Table:
    """抽样分层: stratum, 总体项目数, 样本数, 抽样比."""
    rows = [
        [
            r.stratum if r.certainty else f"{r.department}，{r.band}",
            str(r.N),
            str(r.n),
            fmt.num(r.fraction * 100, 1) + "%",
        ]
        for r in rv.sample.strata.itertuples()
    ]
    n, N = int(rv.sample.strata["n"].sum()), int(rv.sample.strata["N"].sum())
    rows.append(["合计", str(N), str(n), fmt.num(n / N * 100, 1) + "%"])
    return Table(rows, ["抽样层", "总体项目数", "样本数", "抽样比"], numeric=(1, 2, 3))


def section_method(rv: Review) -> Section:
    """二、复核依据和方法"""
    r = rv.rules
    risk, rev, sm = r["risk"], r["review"], r["sampling"]
    basis = [
        Paragraph(
            fnd.tidy(
                f"{_cite(r['obligation']['source'])}（{blocks.status_text(r['obligation']['status'])}）。"
            )
        ),
        Paragraph(
            fnd.tidy(
                f"抽样、风险项目、复核判定和自评质量等级为本项目默认口径（{blocks.status_text(r['sampling']['status'])}），应以本地复核办法为准。"
            )
        ),
    ]
    edges = "、".join(band_labels(sm["amount_bands"]))
    sampling = (
        f"按主管部门和资金规模（{edges}）分层，在各层按总体项目数比例分配样本、每层至少"
        f"{sm['min_per_stratum']}个（不足的全部抽取），层内随机抽取；"
        f"自评得分与按指标完成值复算的得分相差{fmt.num(risk['score_gap'])}分及以上、得满分的指标缺少佐证材料、"
        "以往评价或审计发现问题的项目为风险项目，全部抽取。抽样可重现：同一清单和抽样参数抽出同一样本。"
    )
    judge = (
        f"复核组按自评表的指标和佐证材料重新评分。复核得分与自评得分相差不超过{fmt.num(rev['tolerance'])}分的为“一致”；"
        f"相差超过{fmt.num(rev['return_gap'])}分"
        + ("或自评等级与复核等级不一致" if rev["return_on_grade_change"] else "")
        + "的，退回重新自评。部门自评质量按复核一致率（一致项目数÷抽查项目数）分档："
        + "、".join(
            f"{fmt.num(v)}%及以上为“{k}”" if v > 0 else f"其余为“{k}”"
            for k, v in r["quality"]["bands"].items()
        )
        + "。"
    )
    est = (
        "自评得分的系统性偏差以偏差（自评得分减复核得分）的分层加权均值估计：各层样本均值按该层项目数占总体的比例加权，"
        "抽样误差按分层随机抽样的方差公式计算（含有限总体校正，必抽的风险项目不产生抽样误差），"
        f"置信区间取{fmt.num(r['estimate']['conf_level'] * 100)}%，用t分布（自由度为样本项目数减抽样层数）。"
    )
    return Section(
        "二、复核依据和方法",
        [
            Section("（一）复核依据", basis, level=2),
            Section("（二）抽样方法", [Paragraph(fnd.tidy(sampling)), strata_table(rv)], level=2),
            Section(
                "（三）复核判定和估计方法",
                [Paragraph(fnd.tidy(judge)), Paragraph(fnd.tidy(est))],
                level=2,
            ),
        ],
    )


def rescore_table(rv: Review) -> Table:
    """逐项复核结果."""
    rs = rv.rescored.sort_values(
        ["department", "deviation"], ascending=[True, False], kind="stable"
    )
    if not rv.complete:
        rows = [
            [r.department, r.title, fmt.fixed(r.amount), fmt.fixed(r.self_score), _how(r)]
            for r in rs.itertuples()
        ]
        return Table(
            rows, ["主管部门", "项目名称", "金额（万元）", "自评得分", "入样方式"], numeric=(2, 3)
        )
    rows = [
        [
            r.department,
            r.title,
            fmt.fixed(r.self_score),
            fmt.fixed(r.review_score),
            fmt.fixed(r.deviation),
            _verdict(r),
            _how(r),
        ]
        for r in rs.itertuples()
    ]
    return Table(
        rows,
        ["主管部门", "项目名称", "自评得分", "复核得分", "偏差", "复核判定", "入样方式"],
        numeric=(2, 3, 4),
        note="说明：偏差为自评得分减复核得分，正数表示自评偏高。",
    )


def department_table(rv: Review) -> Table:
    rows = [
        [
            r.department,
            str(r.checked),
            str(r.consistent),
            fmt.num(r.rate, 1) + "%",
            fmt.fixed(r.mean_deviation),
            str(r.returned),
            r.grade,
        ]
        for r in rv.departments.itertuples()
    ]
    return Table(
        rows,
        ["部门", "抽查项目数", "复核一致数", "一致率", "平均偏差（分）", "退回数", "自评质量等级"],
        numeric=(1, 2, 3, 4, 5),
    )


def plot_deviation(rv: Review, ax=None):
    """Each re-scored 自评's deviation (自评 − 复核) as a horizontal bar, the tolerance and
    return lines dashed; returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    rs = rv.rescored.sort_values("deviation", kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * len(rs) + 1.5))
    colors = np.where(rs["returned"], "#c0392b", np.where(rs["consistent"], "#2e86c1", "#e67e22"))
    ax.barh(np.arange(len(rs)), rs["deviation"], color=colors)
    ax.set_yticks(np.arange(len(rs)), rs["title"])
    for x, style in (
        (rv.rules["review"]["tolerance"], "--"),
        (rv.rules["review"]["return_gap"], ":"),
    ):
        ax.axvline(x, color="#555", linestyle=style, linewidth=1)
    ax.axvline(0, color="#222", linewidth=0.8)
    ax.set_xlabel("偏差（自评得分−复核得分，分）")
    ax.set_title("抽查项目自评与复核得分的偏差")
    return ax


def section_results(rv: Review) -> Section:
    """三、复核结果"""
    fd = find(rv)
    parts: list[Any] = [Section("（一）总体情况", [Paragraph(conclusion(rv, fd))], level=2)]
    if not rv.complete:
        parts.append(Section("（二）抽中的项目", [rescore_table(rv)], level=2))
        return Section("三、复核结果", parts)
    e, share = rv.estimate, rv.share_inconsistent
    est_rows = [
        [
            "平均偏差（自评−复核，分）",
            fmt.fixed(e.estimate),
            fmt.fixed(e.se),
            f"{fmt.fixed(e.ci_low)}至{fmt.fixed(e.ci_high)}",
        ],
        [
            f"相差超过{fmt.num(rv.rules['review']['tolerance'])}分的项目比例",
            fmt.num(share.estimate * 100, 1) + "%",
            fmt.num(share.se * 100, 1) + "%",
            f"{fmt.num(share.ci_low * 100, 1)}%至{fmt.num(share.ci_high * 100, 1)}%",
        ],
    ]
    parts += [
        Section(
            "（二）逐项复核结果",
            [
                rescore_table(rv),
                blocks.chart(
                    plot_deviation(rv).figure,
                    "抽查项目自评与复核得分的偏差",
                    "各抽查项目偏差的条形图，虚线为一致的界限，点线为退回的界限；红色为退回重新自评的项目",
                ),
            ],
            level=2,
        ),
        Section("（三）各部门自评质量", [department_table(rv)], level=2),
        Section(
            "（四）自评得分的系统性偏差",
            [
                Paragraph(
                    fnd.tidy(
                        f"按抽样设计加权，全部{len(rv.sample.frame)}个自评项目的自评得分平均比复核得分"
                        f"{'高' if e.estimate >= 0 else '低'}{fmt.fixed(abs(e.estimate))}分，"
                        f"{fmt.num(e.conf_level * 100)}%置信区间为{fmt.fixed(e.ci_low)}至{fmt.fixed(e.ci_high)}分"
                        + ("，区间不含0，自评得分系统性偏高。" if e.ci_low > 0 else "。")
                    )
                ),
                Table(
                    est_rows,
                    ["估计指标", "估计值", "标准误", f"{fmt.num(e.conf_level * 100)}%置信区间"],
                    numeric=(1, 2),
                ),
            ],
            level=2,
        ),
    ]
    return Section("三、复核结果", parts)


def section_problems(rv: Review) -> Section:
    """四、存在的问题"""
    fd = find(rv)
    parts: list[Any] = []
    for i, p in enumerate(fd.problems, 1):
        body = [Paragraph(fnd.tidy(p.facts_text))] if p.facts else []
        body.append(Paragraph(fnd.tidy(p.cause_text)))
        parts.append(
            Section(f"（{official.chinese_number(i)}）{p.heading.rstrip('。')}", body, level=2)
        )
    if not parts:
        text = (
            "复核尚未完成。"
            if not rv.complete
            else "抽查项目的自评结果与复核结果基本一致，未发现需要单独列示的问题。"
        )
        parts = [Paragraph(text)]
    return Section("四、存在的问题", parts)


def section_handling(rv: Review) -> Section:
    """五、处理意见（退回重新自评的项目，计入部门考核的计数）"""
    ret = rv.returned
    parts: list[Any] = []
    if not rv.complete:
        parts.append(Paragraph("复核得分填写后列示需退回重新自评的项目和计入考核的结果。"))
        return Section("五、处理意见", parts)
    if len(ret):
        rows = [
            [
                r.department,
                r.title,
                fmt.fixed(r.self_score),
                fmt.fixed(r.review_score),
                r.return_reason,
                r.note or "—",
            ]
            for r in ret.itertuples()
        ]
        parts.append(
            Section(
                "（一）退回重新自评的项目",
                [
                    Paragraph(
                        f"以下{len(ret)}个项目退回主管部门重新自评，重新自评结果以复核意见为依据："
                    ),
                    Table(
                        rows,
                        ["主管部门", "项目名称", "自评得分", "复核得分", "退回原因", "复核说明"],
                        numeric=(2, 3),
                    ),
                ],
                level=2,
            )
        )
    else:
        parts.append(
            Section("（一）退回重新自评的项目", [Paragraph("没有需退回重新自评的项目。")], level=2)
        )
    counts = [[d, str(c["checked"]), str(c["consistent"])] for d, c in rv.counts().items()]
    parts.append(
        Section(
            "（二）复核结果用于部门考核",
            [
                Paragraph(
                    fnd.tidy(
                        f"复核结果计入部门预算绩效管理工作考核的“绩效自评质量”指标（复核相差不超过{fmt.num(rv.rules['review']['tolerance'])}分的项目数÷抽查复核的自评项目数），各部门计数如下："
                    )
                ),
                Table(
                    counts,
                    ["部门", "抽查复核的自评项目数", "复核相差不超过规定分值的项目数"],
                    numeric=(1, 2),
                ),
            ],
            level=2,
        )
    )
    return Section("五、处理意见", parts)


def section_advice(rv: Review) -> Section:
    """六、改进建议"""
    return official.advice_section(find(rv), title="六、改进建议")


def section_other(rv: Review) -> Section:
    """七、其他需要说明的问题"""
    items = [
        "复核范围。复核结论只对抽中的项目逐项作出；系统性偏差和比例是对全部自评项目的抽样估计，有抽样误差。",
    ]
    if rv.sample.frame["indicator_score"].isna().all():
        items.append(
            "风险项目。总体数据未提供按指标完成值复算的得分，未按得分与指标不符识别风险项目。"
        )
    work = rv.case.work
    if work is not None and work.limitations:
        items += [fnd.tidy(x).rstrip("。") + "。" for x in work.limitations]
    else:
        items.append(f"复核的局限。{official.NOT_GIVEN}")
    return Section(
        "七、其他需要说明的问题", [Paragraph(f"{i}. {x}") for i, x in enumerate(items, 1)]
    )


def section_annex(rv: Review) -> Section:
    """附件：技术附件"""
    s = rv.sample
    r = rv.rules
    sel = s.selected
    rows = [
        [
            x.case_id,
            x.stratum,
            str(int(x.N_h)),
            str(int(x.n_h)),
            fmt.num(x.weight, 4),
            "、".join(
                k
                for k, f in (
                    ("得分差", x.risk_gap),
                    ("无佐证", x.risk_evidence),
                    ("以往问题", x.risk_past),
                )
                if f
            )
            or "—",
        ]
        for x in sel.itertuples()
    ]
    return Section(
        "附件：技术附件",
        [
            Section(
                "（一）抽样参数",
                [
                    Paragraph(
                        f"复核案例编号：{rv.case.case_id}；总体来源：{s.frame['source'].iloc[0]}"
                        + (f"（{rv.case.population}）" if rv.case.population else "")
                        + "。",
                        "note",
                    ),
                    Paragraph(
                        f"随机种子 {s.seed}；分层随机抽取 {rv.case.sample.size} 个（按比例分配、最大余数法取整，每层至少 "
                        f"{r['sampling']['min_per_stratum']} 个）；金额分档分界 {', '.join(fmt.num(x) for x in r['sampling']['amount_bands'])} 万元。"
                        "总体按编号排序后为每个项目生成一个 [0,1) 均匀随机数（numpy default_rng），各层取随机数最小的 n_h 个。"
                    ),
                    Paragraph(
                        f"规则依据状态：抽样 {blocks.status_text(r['sampling']['status'])}；风险项目 {blocks.status_text(r['risk']['status'])}；"
                        f"复核判定 {blocks.status_text(r['review']['status'])}；自评质量等级 {blocks.status_text(r['quality']['status'])}；"
                        f"估计 {blocks.status_text(r['estimate']['status'])}（{_cite(r['estimate']['source'])}）。"
                    ),
                ],
                level=2,
            ),
            Section(
                "（二）样本和权重",
                [
                    Table(
                        rows,
                        ["编号", "抽样层", "层总体数", "层样本数", "权重", "风险条件"],
                        numeric=(2, 3, 4),
                    ),
                ],
                level=2,
            ),
            Section(
                "（三）估计量",
                [
                    Paragraph(
                        "分层均值 ȳ_st = Σ W_h ȳ_h，W_h = N_h / N；方差 v(ȳ_st) = Σ W_h² (1 − f_h) s_h² / n_h，f_h = n_h / N_h"
                        "（Cochran 1977，Sampling Techniques 第3版，式5.1和定理5.3）；必抽层 f_h = 1，方差为0。"
                        "置信区间 ȳ_st ± t(0.975, n − H) · √v。由 methods.survey.Design（分层、有限总体校正 N_h）计算，"
                        "与 R survey 包 svydesign(strata, fpc) / svymean 的结果相同。"
                        + (f" {rv.estimate.summary()}" if rv.complete else "")
                    ),
                ],
                level=2,
            ),
        ],
    )


# the level-1 headings of the report (tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、复核依据和方法",
    "三、复核结果",
    "四、存在的问题",
    "五、处理意见",
    "六、改进建议",
    "七、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_basic,
    section_method,
    section_results,
    section_problems,
    section_handling,
    section_advice,
    section_other,
    section_annex,
)


def outline(rv: Review) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(rv.case, [build(rv) for build in OUTLINE])
