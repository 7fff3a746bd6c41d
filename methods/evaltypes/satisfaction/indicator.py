"""The link to scoring: a 满意度 indicator of a project or self evaluation whose actual value
comes from a survey, written ``survey: {case: satisfaction.yaml}`` (a satisfaction case file) or
with the survey inline. The score reason then shows the index with its confidence interval,
valid sample and design. :mod:`methods.casefile` (the files a case reads) and
:mod:`methods.scoring` (the actual value) call :func:`indicator_data` and
:func:`indicator_value`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from methods import _format as fmt
from methods.casefile import (
    ActualSource,
    Case,
    _field_path,
    _line_for,
    _pydantic_message,
    field_label,
    register_actual_source,
)
from methods.errors import CaseError
from methods.evaltypes.satisfaction.model import (
    InlineSurvey,
    SatisfactionCase,
    SurveyRef,
    SurveySpec,
)
from methods.evaltypes.satisfaction.prepare import (
    SHORT_METHOD,
    _cache_get,
    _cache_put,
    design_label,
    prepare,
    satisfaction_table,
)
from methods.evaltypes.satisfaction.privacy import scrub


@dataclass(frozen=True)
class IndicatorValue:
    """A 满意度 indicator's actual value from a survey."""

    value: float
    basis: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    source: str


def _relative(case: Case, path: Path) -> str:
    base = case.base_dir.resolve()
    return os.path.relpath(path.resolve(), base).replace(os.sep, "/")


def _parse_ref(ref: Any, loc: tuple) -> SurveyRef | InlineSurvey:
    if not isinstance(ref, Mapping):
        raise CaseError("survey 应为映射：{case: 满意度调查案例文件} 或内联的调查设置", field=loc)
    model = SurveyRef if "case" in ref else InlineSurvey
    try:
        return model.model_validate(dict(ref))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        path = _field_path(tuple(err["loc"]), ref)
        if model is InlineSurvey and err["type"] == "missing" and path == ("data",):
            raise CaseError(
                "survey 需要 case（满意度调查案例文件）或 data + items（内联调查）",
                field=loc,
            ) from None
        raise CaseError(_pydantic_message(err, model, path), field=(*loc, *path)) from None


def _ref_case(case: Case, ref: SurveyRef, loc: tuple) -> SatisfactionCase:
    from methods.casefile import load_case, resolve_data_path

    path = resolve_data_path(case, ref.case, (*loc, "case"))
    try:
        other = load_case(path, deep=False, display=ref.case)
    except CaseError as exc:
        raise CaseError(
            f"引用的满意度调查案例有误：{exc.format().splitlines()[0]}",
            field=(*loc, "case"),
            hint=exc.hint,
        ) from None
    if not isinstance(other, SatisfactionCase):
        raise CaseError(
            f"{ref.case} 不是满意度调查案例（evaluation: {other.evaluation}）",
            field=(*loc, "case"),
            hint="被引用的案例文件应为 evaluation: satisfaction",
        )
    return other


def _in_context(exc: CaseError, case: Case) -> CaseError:
    """A CaseError of a referenced case with that case's file, field label and line."""
    if not isinstance(exc.field, tuple):
        return exc
    return CaseError(
        exc.message,
        file=case.source,
        field=field_label(exc.field, case.raw),
        line=_line_for(exc.field, case._lines),
        hint=exc.hint,
    )


def indicator_data(case: Case, ref: dict, loc: tuple) -> list[tuple[tuple, str, bool]]:
    """(field path, data path relative to ``case``'s folder, is_private) of the files a 满意度
    indicator's survey reads: the referenced satisfaction case file (not private) and its
    respondent file (private), or the inline spec's respondent file (private)."""
    spec = _parse_ref(ref, loc)
    if isinstance(spec, InlineSurvey):
        return [((*loc, "data"), spec.data, True)]
    out = [((*loc, "case"), spec.case, False)]
    path = case.resolve(spec.case)
    if not path.is_file():
        return out  # reported as a missing data file by the case checks
    other = _ref_case(case, spec, loc)
    for _, value in other.data_paths():
        out.append(((*loc, "case"), _relative(case, other.resolve(value)), True))
    return out


def indicator_value(case: Case, ref: dict, loc: tuple) -> IndicatorValue:
    """The satisfaction index (0–100, on the indicator's % scale) of a 满意度 indicator, with the
    basis shown in the score reason (index, confidence interval, valid sample, design)."""
    spec = _parse_ref(ref, loc)
    if isinstance(spec, InlineSurvey):
        survey_spec = SurveySpec.model_validate(spec.model_dump(exclude={"dimension"}))
        prep = prepare(survey_spec, case, loc, strict=False)
        source = "内联调查"
        dimension = spec.dimension
        dim_loc = (*loc, "dimension")
    else:
        other = _ref_case(case, spec, loc)
        try:
            prep = prepare(other.survey, other, ("survey",), strict=True)
        except CaseError as exc:
            inner = _in_context(exc, other)
            raise CaseError(
                f"引用的满意度调查有误：{inner.format().splitlines()[0]}",
                field=(*loc, "case"),
                hint=inner.hint,
            ) from None
        source = spec.case
        dimension = spec.dimension
        dim_loc = (*loc, "dimension")
    key = ("index", prep.sha256, prep.spec.model_dump_json(), dimension)
    res = _cache_get(key)
    if res is None:
        try:
            res = _cache_put(key, satisfaction_table(prep))
        except ValueError as exc:
            raise CaseError(f"满意度指数无法计算：{scrub(exc)}", field=loc) from None
    t = res.table
    if dimension is None:
        row = t[t["level"] == "overall"].iloc[0]
    else:
        sel = t[(t["level"] == "dimension") & (t["name"] == dimension)]
        if sel.empty:
            have = "、".join(prep.dimensions) or "（调查未划分维度）"
            raise CaseError(f"调查中没有维度 '{dimension}'（现有：{have}）", field=dim_loc)
        row = sel.iloc[0]
    est, lo, hi = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
    if not math.isfinite(est):
        raise CaseError("满意度调查没有有效回答，无法计算满意度", field=loc)
    what = SHORT_METHOD[prep.spec.method] + (f"（{dimension}）" if dimension else "")
    pct = fmt.num(prep.spec.conf_level * 100)
    basis = (
        f"满意度调查（{source}）：{what} {fmt.num(est)}%（{pct}% 置信区间 "
        f"{fmt.num(max(lo, 0.0))}%–{fmt.num(min(hi, 100.0))}%，有效样本 {int(row['n_respondents'])}，"
        f"设计：{design_label(prep)}）"
    )
    return IndicatorValue(
        value=fmt.round_half_up(est, 2),
        basis=basis,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        n=int(row["n_respondents"]),
        source=source,
    )


register_actual_source(ActualSource("survey", data=indicator_data, value=indicator_value))
