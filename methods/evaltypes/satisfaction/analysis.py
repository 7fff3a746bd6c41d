"""The whole analysis of a satisfaction case: sample, reliability and validity, indices with
confidence intervals overall / by dimension / by item / by group (small groups withheld), group
comparisons, IPA, the ordinal model, sample-size adequacy, indicator points and conclusions.

The statistics are :mod:`methods.survey` (design-based estimation matching R's ``survey``
package, satisfaction indices, IPA, group comparisons) and :mod:`methods.reliability` (α, ω,
KMO, Bartlett, EFA); this module is the evaluation around them. Only aggregates leave it.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _json
from methods.errors import CaseError
from methods.evaltypes.satisfaction.model import SatisfactionCase
from methods.evaltypes.satisfaction.prepare import (
    Prepared,
    _cache_get,
    _cache_put,
    prepare,
    satisfaction_table,
)
from methods.evaltypes.satisfaction.privacy import MERGED_GROUPS, _suppress, scrub, withhold


@dataclass(frozen=True)
class SatisfactionAnalysis:
    """Everything the satisfaction report shows (aggregates only)."""

    prepared: Prepared
    index: Any  # survey.SatisfactionResult
    by_group: dict[str, pd.DataFrame]
    group_counts: dict[str, pd.DataFrame]
    alpha: Any
    alpha_dimensions: dict[str, Any]
    alpha_unrecoded: Any
    omega: Any
    kmo: Any
    bartlett: Any
    efa: Any
    suspicious_reverse: list[str]
    ipa: pd.DataFrame | None
    comparisons: list[Any]
    ordinal: pd.DataFrame | None
    sample: dict[str, Any]
    indicator: dict[str, Any] | None
    conclusions: dict[str, list[str]]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: dict[str, str] = field(default_factory=dict)
    withheld: dict[str, tuple[str, ...]] = field(default_factory=dict)  # labels: never output
    merged_n: dict[str, int] = field(default_factory=dict)  # respondents of the withheld groups
    case: Any = field(default=None, compare=False, repr=False)  # the analysed case (not cached)

    @cached_property
    def findings(self):
        """The report's problems and suggestions (:func:`.findings.find`)."""
        from methods.evaltypes.satisfaction import findings

        return findings.find(self)

    @property
    def overall(self) -> pd.Series:
        t = self.index.table
        return t[t["level"] == "overall"].iloc[0]

    def to_dict(self) -> dict[str, Any]:
        """The ``survey`` block of results.json (JSON-ready; aggregates only)."""
        p = self.prepared
        ov = self.overall
        out: dict[str, Any] = {
            "data": {
                "file": p.file,
                "sha256": p.sha256,
                "encoding": p.encoding,
                "respondents": p.n,
                "dropped_columns": list(p.dropped),
                "archived": False,
            },
            "design": {**p.design.to_dict(), "description": p.design.describe()},
            "method": p.spec.method,
            "method_label": self.index.method_label,
            "scale": list(p.scale),
            "satisfied_levels": list(p.satisfied),
            "points": self.index.to_dict()["points"],
            "pooling": p.spec.pooling,
            "conf_level": p.spec.conf_level,
            "index": {
                "estimate": float(ov["estimate"]),
                "se": float(ov["se"]),
                "ci_low": float(ov["ci_low"]),
                "ci_high": float(ov["ci_high"]),
                "n_respondents": int(ov["n_respondents"]),
                "n_valid": int(ov["n_valid"]),
                "n_excluded": int(ov["n_excluded"]),
            },
            "table": self.index.to_dict()["table"],
            "item_counts": p.counts.to_dict("records"),
            "reverse_items": list(p.reverse),
            "by_group": {g: t.to_dict("records") for g, t in self.by_group.items()},
            "group_counts": {g: t.to_dict("records") for g, t in self.group_counts.items()},
            "group_missing": {g: t.attrs.get("missing", 0) for g, t in self.group_counts.items()},
            "disclosure": {
                "min_cell": p.spec.min_cell,
                "rule": "受访者少于 min_cell 人的分组不报告估计（最小单元规则），"
                "并互补隐藏另一分组；总体结果包含全部受访者",
                "withheld_groups": {
                    g: self._withheld_summary(g) for g, v in self.withheld.items() if v
                },
            },
            "reliability": {
                "alpha": _maybe(self.alpha),
                "alpha_dimensions": {k: _maybe(v) for k, v in self.alpha_dimensions.items()},
                "alpha_without_recoding": _maybe(self.alpha_unrecoded),
                "omega": _maybe(self.omega),
                "kmo": _maybe(self.kmo),
                "bartlett": _maybe(self.bartlett),
                "efa": _maybe(self.efa),
                "suspicious_reverse_items": list(self.suspicious_reverse),
                "skipped": dict(self.skipped),
            },
            "ipa": None if self.ipa is None else self.ipa.to_dict("records"),
            "ipa_settings": None
            if self.ipa is None
            else {k: v for k, v in self.ipa.attrs.items() if k != "scale"},
            "comparisons": [
                _suppress(c.to_dict(), self.withheld.get(c.group, ()), p.spec.min_cell)
                for c in self.comparisons
            ],
            "ordinal_logit": None if self.ordinal is None else self.ordinal.to_dict("records"),
            "sample_size": self.sample,
            "indicator": self.indicator,
            "conclusions": self.conclusions,
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
        return _json(out)

    def _withheld_summary(self, g: str) -> dict[str, Any]:
        """How the withheld groups of ``g`` are published: how many, shown as one row
        :data:`MERGED_GROUPS` with their respondents when they are at least ``min_cell``
        together (else the number is withheld too). Never their labels."""
        n = self.merged_n.get(g, 0)
        shown = n >= self.prepared.spec.min_cell
        return {
            "groups": len(self.withheld[g]),
            "respondents": n if shown else None,
            "shown_as": MERGED_GROUPS,
        }


def _maybe(x: Any) -> Any:
    return None if x is None else x.to_dict()


def _respondent_scores(prep: Prepared) -> np.ndarray:
    """Each respondent's mean item score on the index's 0–100 scale (NaN without answers)."""
    x = prep.frame[prep.items].to_numpy(dtype=float)
    lo, hi = prep.scale
    spec = prep.spec
    if spec.method == "rate":
        s = np.where(np.isin(x, prep.satisfied), 100.0, 0.0)
    elif spec.method == "likert_points":
        from methods.survey import DEFAULT_POINTS_1_5

        pts = spec.points or DEFAULT_POINTS_1_5
        lut = np.array([pts.get(v, np.nan) for v in range(lo, hi + 1)], dtype=float)
        s = lut[np.nan_to_num(x - lo, nan=0).astype(int)]
    else:
        s = (x - lo) / (hi - lo) * 100.0
    s = np.where(np.isnan(x), np.nan, s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(s, axis=1)


def _try(skipped: dict[str, str], name: str, fn, *args, **kwargs):
    """An optional part of the report (reliability, IPA, a test, a model): when the data do not
    allow it, the reason is recorded in ``skipped`` and shown instead of stopping the report."""
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError, PerfectSeparationError) as exc:
            skipped[name] = scrub(str(exc)) or type(exc).__name__
            return None


def check(case: SatisfactionCase) -> list[str]:
    """Deep validation of a satisfaction case (``jixiao validate``): the data file, every
    answer, the design and the indices; the slower reliability, IPA and model fits are left to
    :func:`analyse` (their failures are reported in the report, not as bad input)."""
    prep = prepare(case.survey, case, ("survey",), strict=True)
    _ipa_method(case, prep)
    for by in (None, *case.survey.groups):
        try:
            satisfaction_table(prep, by=by)
        except ValueError as exc:
            raise CaseError(f"满意度指数无法计算：{scrub(exc)}", field=("survey",)) from None
    return list(prep.warnings)


def _ipa_method(case: SatisfactionCase, prep: Prepared) -> str | None:
    method = case.ipa.importance
    if method is None:
        if prep.importance:
            return "stated"
        return "derived_correlation" if prep.spec.overall is not None else None
    if method == "stated" and not prep.importance:
        raise CaseError(
            "IPA 选择了陈述重要性（stated），但题目都没有 importance 列",
            field=("ipa", "importance"),
        )
    if method != "stated" and prep.spec.overall is None:
        raise CaseError(
            f"IPA 的 {method} 需要总体满意度题目 survey.overall", field=("ipa", "importance")
        )
    return method


def analyse(case: SatisfactionCase) -> SatisfactionAnalysis:
    """The complete satisfaction analysis of a case (cached per data file and spec); the result
    carries the case (``result.case``).

    Raises
    ------
    CaseError
        Bad spec or data (file, column and row named).
    """
    if not isinstance(case, SatisfactionCase):
        raise TypeError("analyse() needs a satisfaction case (evaluation: satisfaction)")
    prep = prepare(case.survey, case, ("survey",), strict=True)
    opts = (
        case.reliability.model_dump_json(),
        case.ipa.model_dump_json(),
        None if case.indicator is None else case.indicator.model_dump_json(),
        None if case.conclusions is None else case.conclusions.model_dump_json(),
    )
    key = ("analyse", prep.sha256, prep.spec.model_dump_json(), opts)
    hit = _cache_get(key)
    if hit is None:
        hit = _cache_put(key, _analyse(case, prep))
    out = dataclasses.replace(hit, case=case)
    # the findings name the case's department and take its own findings: made per case, never
    # from the cache
    from methods.evaltypes.satisfaction import findings

    return dataclasses.replace(out, conclusions=findings.conclusions(out))


def _analyse(case: SatisfactionCase, prep: Prepared) -> SatisfactionAnalysis:
    from methods import reliability, survey

    spec = prep.spec
    notes = list(prep.notes)
    warn = list(prep.warnings)
    skipped: dict[str, str] = {}
    try:
        index = satisfaction_table(prep)
    except ValueError as exc:
        raise CaseError(f"满意度指数无法计算：{scrub(exc)}", field=("survey",)) from None
    notes.extend(index.notes)
    # groups: counts, weighted shares and indices (small groups suppressed)
    w = prep.frame["__w"].to_numpy(dtype=float)
    by_group: dict[str, pd.DataFrame] = {}
    group_counts: dict[str, pd.DataFrame] = {}
    withheld: dict[str, tuple[str, ...]] = {}
    merged_n: dict[str, int] = {}
    for g in spec.groups:
        col = prep.frame[g]
        known = col.notna().to_numpy()
        cnt = col[known].value_counts().sort_index()
        wsum = pd.Series(w[known]).groupby(col[known].to_numpy()).sum()
        gc = pd.DataFrame(
            {
                "group": [str(k) for k in cnt.index],
                "n": cnt.to_numpy(dtype=int),
                "share": cnt.to_numpy() / cnt.sum(),
                "weighted_share": (wsum.reindex(cnt.index) / wsum.sum()).to_numpy(),
            }
        )
        missing_n = int((~known).sum())
        gc.attrs["missing"] = missing_n
        group_counts[g] = gc
        try:
            res = satisfaction_table(prep, by=g)
        except ValueError as exc:
            skipped[f"by:{g}"] = str(exc)
            counts = pd.DataFrame(
                {"group": gc["group"], "level": "overall", "name": "总体", "n_respondents": gc["n"]}
            )
            reason = withhold(counts, spec.min_cell)
            withheld[g] = tuple(gc.loc[reason.notna().to_numpy(), "group"])
            gc["suppressed"] = reason.notna().to_numpy()
            merged_n[g] = int(gc.loc[gc["suppressed"].to_numpy(), "n"].sum())
            group_counts[g] = _merge_counts(gc, spec.min_cell)
            continue
        t = res.table[res.table["level"] != "item"].copy()
        t = t.rename(columns={g: "group"})
        t["group"] = t["group"].astype(str)
        reason = withhold(t, spec.min_cell)
        hidden = reason.notna().to_numpy()
        t["suppressed"] = hidden
        t["suppressed_reason"] = reason
        if spec.design.cluster:
            n_psu = prep.frame.groupby(g)[spec.design.cluster].nunique()
            n_psu.index = n_psu.index.astype(str)
            t["n_psu"] = t["group"].map(n_psu).fillna(0).astype(int)
        t.loc[hidden, ["estimate", "se", "ci_low", "ci_high"]] = np.nan
        withheld[g] = tuple(t.loc[hidden & (t["level"] == "overall").to_numpy(), "group"])
        gc["suppressed"] = gc["group"].isin(withheld[g]).to_numpy()
        merged_n[g] = int(gc.loc[gc["suppressed"].to_numpy(), "n"].sum())
        group_counts[g] = _merge_counts(gc, spec.min_cell)
        psu = None
        if spec.design.cluster and withheld[g]:
            inside = col.astype(str).isin(withheld[g]).to_numpy() & known
            psu = int(prep.frame.loc[inside, spec.design.cluster].nunique())
        by_group[g] = _merge_by_group(t.reset_index(drop=True), withheld[g], spec.min_cell, psu)
    if any(withheld.values()):
        notes.append(
            f"统计披露控制：受访者少于 {spec.min_cell} 人的分组不报告满意度估计（最小单元规则），"
            "并相应隐藏另一分组（互补隐藏），以免由总体结果反推；这些分组的名称也不显示，"
            f"在各表、组间检验和有序 logit 模型中合并为“{MERGED_GROUPS}”一行"
            f"（合并后仍少于 {spec.min_cell} 人则人数也不显示，并且不纳入检验和模型）。"
            "总体、维度和题目的结果包含全部受访者。"
        )
    # reliability and validity on the recoded items
    rel = case.reliability
    X = prep.frame[prep.items]
    missing = rel.missing
    alpha = _try(
        skipped,
        "alpha",
        reliability.cronbach_alpha,
        X,
        missing=missing,
        ci_method=rel.ci_method,
        seed=rel.seed,
    )
    alpha_dims = {}
    for name, cols in prep.dimensions.items():
        if len(cols) >= 2:
            a = _try(skipped, f"alpha:{name}", reliability.cronbach_alpha, X[cols], missing=missing)
            if a is not None:
                alpha_dims[name] = a
    alpha_unrecoded = None
    if prep.reverse:
        alpha_unrecoded = _try(
            skipped, "alpha_unrecoded", reliability.cronbach_alpha, prep.raw_items, missing=missing
        )
    suspicious: list[str] = []
    found = _try(skipped, "detect_reverse", reliability.detect_reverse_items, X, missing=missing)
    for c in found or []:
        suspicious.append(c)
        warn.append(
            f"题目“{prep.labels[c]}”（{c}）与其余题目总分负相关"
            + (
                "（已按反向题重新编码，请核对问卷方向）"
                if c in prep.reverse
                else "，可能是未标注的反向题"
            )
        )
    omega = kmo = bart = efa = None
    if len(prep.items) >= 3:
        omega = _try(skipped, "omega", reliability.mcdonald_omega, X, missing=missing)
        kmo = _try(skipped, "kmo", reliability.kmo, X, missing=missing)
        bart = _try(skipped, "bartlett", reliability.bartlett, X, missing=missing)
        rotation = None if rel.rotation == "none" else rel.rotation
        efa = _try(
            skipped,
            "efa",
            reliability.efa,
            X,
            n_factors=rel.n_factors,
            rotation=rotation,
            missing=missing,
            n_iter=500,
            seed=rel.seed,
        )
    else:
        skipped["efa"] = "题目少于 3 个，不做因子分析"
    if alpha is not None:
        if alpha.alpha < 0.6:
            warn.append(
                f"量表内部一致性偏低（α = {fmt.num(alpha.alpha, 3)} < 0.6），指数的解释需谨慎"
            )
        if alpha.n < 30:
            warn.append(f"信度分析只用了 {alpha.n} 位受访者（{missing} 删除），结果不稳定")
    # importance–performance analysis
    ipa_table = None
    method = _ipa_method(case, prep)
    if method is not None:
        perf = [c for c in prep.items if method != "stated" or c in prep.importance]
        ipa_table = _try(
            skipped,
            "ipa",
            survey.ipa,
            prep.frame,
            perf,
            importance={c: prep.importance[c] for c in perf} if method == "stated" else None,
            method=method,
            overall=spec.overall,
            crosshair=case.ipa.crosshair,
            scale=prep.scale,
            weights="__w",
            na_values=(),
        )
        if ipa_table is not None:
            ipa_table.insert(1, "label", [prep.labels[c] for c in ipa_table["item"]])
            if method == "stated" and len(perf) < len(prep.items):
                notes.append("IPA 只包含有重要性评分的题目")
    # group comparisons (design-based)
    comparisons = []
    scored = prep.frame.copy()
    scored["满意度得分"] = _respondent_scores(prep)
    if spec.overall is not None:
        ov = scored[spec.overall]
        scored["总体评价"] = np.where(
            ov.isna(), None, np.where(ov.isin(prep.satisfied), "满意", "不满意")
        )
        scored["总体评价"] = scored["总体评价"].astype(object)
    design2 = prep.design._derive(_data=scored.copy(deep=False))

    def shown_groups(frame: pd.DataFrame, g: str) -> pd.DataFrame:
        """``frame`` with the withheld groups of ``g`` merged into one category for the tests
        and the model (it is the total less the groups shown: nothing new), or left out when
        that category itself is smaller than ``min_cell``."""
        if not withheld.get(g):
            return frame
        col = frame[g]
        hidden = col.astype(str).isin(withheld[g]).to_numpy()
        merged = MERGED_GROUPS if hidden.sum() >= spec.min_cell else None
        return frame.assign(**{g: col.where(~hidden, merged)})

    for g in spec.groups:
        data_g = shown_groups(scored, g)
        c = _try(
            skipped,
            f"compare:{g}",
            survey.compare_groups,
            data_g,
            "满意度得分",
            g,
            design2,
            kind="numeric",
        )
        if c is not None:
            comparisons.append(c)
        if spec.overall is not None:
            c = _try(
                skipped,
                f"chisq:{g}",
                survey.compare_groups,
                data_g,
                "总体评价",
                g,
                design2,
                kind="categorical",
            )
            if c is not None:
                comparisons.append(c)
    ordinal = None
    if spec.overall is not None and spec.groups:
        model_data = prep.frame[[spec.overall, *spec.groups]].copy()
        model_data[spec.overall] = model_data[spec.overall].astype("Int64")  # levels 1…5, not 1.0
        for g in spec.groups:
            model_data = shown_groups(model_data, g)
        ordinal = _try(
            skipped,
            "ordinal_logit",
            survey.ordinal_logit,
            model_data,
            spec.overall,
            list(spec.groups),
            design=prep.design,
        )
    # sample size adequacy
    ov_row = index.table[index.table["level"] == "overall"].iloc[0]
    crit = float(survey._crit(spec.conf_level, None))
    achieved = crit * float(ov_row["se"])
    population = spec.population
    if population is None and spec.design.weights is not None:
        population = int(round(float(w.sum())))
    deff = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = prep.design._derive(_data=scored.copy(deep=False)).mean("满意度得分")
        deff = est.deff if est.deff is not None and math.isfinite(est.deff) else None
    except ValueError:
        deff = None
    need_srs = survey.sample_size(
        margin=spec.margin, confidence=spec.conf_level, population=population
    )
    need = survey.sample_size(
        margin=spec.margin,
        confidence=spec.conf_level,
        population=population,
        deff=max(deff or 1.0, 1.0),
    )
    sample = {
        "n": prep.n,
        "n_respondents": int(ov_row["n_respondents"]),
        "population": population,
        "margin_target": spec.margin,
        "required_srs": need_srs,
        "design_effect": deff,
        "required": need,
        "achieved_margin": achieved,
        "adequate": bool(achieved <= spec.margin * 100 + 1e-9),
    }
    if not sample["adequate"]:
        warn.append(
            f"满意度指数的误差范围 ±{fmt.num(achieved)} 个百分点，大于预定的"
            f" ±{fmt.num(spec.margin * 100)} 个百分点（按 p = 0.5 并考虑设计效应，需有效样本约 {need} 份）"
        )
    indicator = None
    if case.indicator is not None:
        from methods.survey import index_to_points

        ind = case.indicator
        est = fmt.round_half_up(float(ov_row["estimate"]), 2)
        indicator = {
            "name": ind.name,
            "weight": ind.weight,
            "target": ind.target,
            "actual": est,
            "ci_low": float(ov_row["ci_low"]),
            "ci_high": float(ov_row["ci_high"]),
            "points": index_to_points(est, ind.weight, ind.target),
            "points_ci": [
                index_to_points(max(float(ov_row["ci_low"]), 0.0), ind.weight, ind.target),
                index_to_points(max(float(ov_row["ci_high"]), 0.0), ind.weight, ind.target),
            ],
        }
    return SatisfactionAnalysis(
        prepared=prep,
        index=index,
        by_group=by_group,
        group_counts=group_counts,
        alpha=alpha,
        alpha_dimensions=alpha_dims,
        alpha_unrecoded=alpha_unrecoded,
        omega=omega,
        kmo=kmo,
        bartlett=bart,
        efa=efa,
        suspicious_reverse=suspicious,
        ipa=ipa_table,
        comparisons=comparisons,
        ordinal=ordinal,
        sample=sample,
        indicator=indicator,
        conclusions={},
        notes=tuple(dict.fromkeys(notes)),
        warnings=tuple(dict.fromkeys(warn)),
        skipped=skipped,
        withheld=withheld,
        merged_n=merged_n,
    )


def _merge_counts(gc: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """The respondents-by-group table as published: the withheld groups (``suppressed``) are
    one row :data:`MERGED_GROUPS`, last, without their labels; its count and shares are shown
    only when that row has at least ``min_cell`` respondents."""
    hid = gc["suppressed"].to_numpy(dtype=bool)
    if not hid.any():
        return gc
    n = int(gc.loc[hid, "n"].sum())
    shown = n >= min_cell
    merged = {
        "group": MERGED_GROUPS,
        "n": n if shown else None,
        "share": float(gc.loc[hid, "share"].sum()) if shown else None,
        "weighted_share": float(gc.loc[hid, "weighted_share"].sum()) if shown else None,
        "suppressed": True,
    }
    out = pd.DataFrame([*gc[~hid].to_dict("records"), merged], dtype=object)
    out["suppressed"] = out["suppressed"].astype(bool)
    out.attrs = dict(gc.attrs)
    return out


def _merge_by_group(
    t: pd.DataFrame, withheld: tuple[str, ...], min_cell: int, n_psu: int | None
) -> pd.DataFrame:
    """The by-group table as published: the rows of the withheld groups become one group
    :data:`MERGED_GROUPS` (a row per level, no estimate, reason ``merged``), without their
    labels; a row's counts are shown only when it has at least ``min_cell`` respondents."""
    if not withheld:
        return t
    hid = t["group"].isin(withheld).to_numpy()
    counts = ["n_respondents", "n_valid", "n_excluded"]
    rows = []
    for (level, name), part in t[hid].groupby(["level", "name"], sort=False):
        n = int(part["n_respondents"].sum())
        shown = n >= min_cell
        row = {c: None for c in t.columns}
        row.update(group=MERGED_GROUPS, level=level, name=name, suppressed=True)
        row["suppressed_reason"] = "merged"
        for c in counts:
            row[c] = int(part[c].sum()) if shown else None
        if "n_psu" in t.columns:
            row["n_psu"] = n_psu if shown else None
        rows.append(row)
    out = pd.DataFrame([*t[~hid].to_dict("records"), *rows], columns=t.columns, dtype=object)
    for c in ("estimate", "se", "ci_low", "ci_high"):
        out[c] = out[c].astype(float)
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


# ---------------------------------------------------------------------------------------------
# Conclusions


def _df(x: float) -> str:
    """Degrees of freedom without thousands separators (11, 464; 10.27, 4764.01)."""
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"
