"""Scoring a case (案例评分): from a validated case file to indicator scores, level-1 points,
total and grade.

:func:`prepare` builds the indicator table of a scored case (levels normalised to the
framework, derived actual values such as 预算执行率 and 资金到位率, targets from the case library,
actual values from a satisfaction survey, weights from AHP/Delphi judgements, the indicator tree
checked, not-applicable indicators rescaled); :func:`evaluate` scores it with the engine of
:mod:`methods.scoring` and explains every lost point. Both are also reachable as
``methods.scoring.evaluate`` and ``methods.scoring.prepare``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods import frameworks
from methods.casefile import Case, ScoredCase, actual_source, load_case, validate_mapping
from methods.errors import CaseError
from methods.scoring import (
    DEFAULT_VARIANTS,
    GradeBands,
    _round2,
    grade,
    grade_bands,
    qualitative_tier,
    score_frame,
)

# ---------------------------------------------------------------------------------------------
# From a case to a scored table

MAX_UNCAPPED_EXECUTION = 150.0
"""An uncapped 预算执行率 above this (%) would give more than 1.5 times its points: refused as a
data slip rather than scored (the uncapped variant exists for rates a little over 100%)."""


@dataclass(frozen=True)
class Prepared:
    """A case's indicator table ready for scoring, after tree checks and rescaling."""

    table: pd.DataFrame
    framework: frameworks.Framework
    bands: GradeBands
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    derivations: tuple = ()


def _framework_for(case: ScoredCase) -> frameworks.Framework:
    fid = case.framework or case.evaluation_type.default_framework
    return frameworks.get(fid)  # type: ignore[arg-type]


def prepare(case: Case) -> Prepared:
    """Build the indicator table of a scored case: normalise levels, add the budget-execution row
    where the framework computes it, check the tree, rescale for not-applicable indicators.

    Raises
    ------
    CaseError
        When the weights do not add up (naming the branch) or a level is not in the framework.
    """
    if not isinstance(case, ScoredCase):
        raise TypeError("prepare() needs a scored case (project_evaluation, self_evaluation)")
    fw = _framework_for(case)
    bands = grade_bands(case.grade_bands or fw.default_grade_bands or "mof_2020")
    warnings: list[str] = []
    notes: list[str] = []
    rows: list[dict[str, Any]] = []
    from methods import standards

    resolved = standards.resolve(case)
    for i, ind in enumerate(case.indicators):
        level1 = frameworks.normalise_level_name(ind.level1)
        target, target_high = ind.target, np.nan
        if isinstance(target, list):
            target, target_high = target
        basis = None
        if ind.target_from is not None:
            found = resolved.get(ind.code)
            if found is not None:
                target, basis = found.value, found.basis
            elif ind.target is None:
                raise CaseError(
                    "案例库中没有可用的"
                    + ("历史" if ind.target_from.standard == "history" else "同类案例")
                    + "数据，且未给出备用目标值 target",
                    field=("indicators", i, "target_from"),
                    hint="先运行往年案例（或设置 library / JIXIAO_LIBRARY），或在 target 中给出备用目标值",
                )
            else:
                basis = f"案例库中暂无可用数据，使用案例文件中的目标值 {fmt.num(target)}"
        actual = ind.actual
        derived = None
        if ind.derive is not None:
            actual = getattr(case.budget, ind.derive)
            derived = ind.derive
        actual_basis = None
        if ind.survey is not None:
            source = actual_source("survey")
            found = source.value(case, ind.survey, ("indicators", i, "survey"))
            actual, actual_basis = found.value, found.basis
        if ind.rule == "checklist" and ind.items:
            pts = [it.points for it in ind.items]
            if all(p is None for p in pts):
                met, total = sum(it.met for it in ind.items), len(ind.items)
            else:
                met = sum(p for p, it in zip(pts, ind.items, strict=True) if it.met)
                total = sum(pts)
        else:
            met, total = ind.met, ind.total
        if ind.rule == "deduction" and target is None:
            target = 0.0
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "level1": level1,
                "level2": frameworks.normalise_level_name(ind.level2),
                "level3": ind.level3,
                "design_weight": float(ind.weight),
                "weight": float(ind.weight),
                "rule": ind.rule,
                "variant": ind.variant or DEFAULT_VARIANTS.get(ind.rule),
                "target": target if isinstance(target, int | float) else np.nan,
                "target_high": target_high,
                "target_text": target if isinstance(target, str) else None,
                "actual": actual if isinstance(actual, int | float) else np.nan,
                "actual_text": actual if isinstance(actual, str) else None,
                "unit": ind.unit or "",
                "tier": qualitative_tier(ind.tier).name if ind.tier else None,
                "given_score": ind.score,
                "points_per_unit": ind.points_per_unit,
                "met": met,
                "total": total,
                "items_missed": [it.name for it in (ind.items or []) if not it.met],
                "cap": ind.cap,
                "applicable": ind.applicable,
                "derived": derived,
                "note": ind.note,
                "cause": ind.cause,
                "over_factor": ind.overachievement_factor,
                "source": ind.source,
                "target_basis": basis,
                "actual_basis": actual_basis,
                "field": ("indicators", i),
            }
        )

    execution = fw.budget_execution
    if execution is not None and not any(r["level1"] == execution["level1"] for r in rows):
        rate = case.budget.execution_rate
        if rate is None:
            raise CaseError(
                "自评需要 budget.allocated（全年预算数，不为 0）和 budget.spent（全年执行数）以计算预算执行率",
                field=("budget",),
            )
        cap = case.options.execution_cap
        if not cap and rate > MAX_UNCAPPED_EXECUTION:
            points = rate / 100 * float(execution["weight"])
            raise CaseError(
                f"预算执行率 {fmt.pct(rate)} 不封顶（options.execution_cap: false）时得 "
                f"{fmt.num(points)} 分，超过其分值 {fmt.num(execution['weight'])} 分的 "
                f"{fmt.num(MAX_UNCAPPED_EXECUTION / 100)} 倍",
                field=("budget", "spent"),
                hint="请核对全年执行数与全年预算数，或保持默认的封顶口径",
            )
        rows.append(
            {
                "code": execution["code"],
                "name": execution["name"],
                "level1": execution["level1"],
                "level2": execution["level2"],
                "level3": None,
                "design_weight": float(execution["weight"]),
                "weight": float(execution["weight"]),
                "rule": "positive",
                "variant": None,
                "target": 100.0,
                "target_high": np.nan,
                "target_text": None,
                "actual": rate,
                "actual_text": None,
                "unit": "%",
                "tier": None,
                "given_score": None,
                "points_per_unit": None,
                "met": None,
                "total": None,
                "items_missed": [],
                "cap": cap,
                "applicable": True,
                "derived": "execution_rate",
                "note": None,
                "cause": None,
                "over_factor": None,
                "source": "预算执行数据",
                "target_basis": None,
                "actual_basis": None,
                "field": ("budget",),
            }
        )
        notes.append(
            f"预算执行率得分 = 全年执行数 / 全年预算数 × {fmt.num(execution['weight'])} 分"
            + ("，封顶于该分值（默认口径）" if cap else "，不封顶（options.execution_cap: false）")
            + f"。来源：{execution['source']}（{execution['status']}）"
        )

    from methods import weight_specs

    derived = weight_specs.apply(
        case, [r for r in rows if r["field"][0] == "indicators"], fw.fixed_points()
    )
    for d in derived:
        what = "一级指标分值" if d.target == "level1" else f"“{d.target}”下各指标分值"
        how = {"ahp": "层次分析法（AHP）", "ahp_group": "群组层次分析法", "delphi": "德尔菲法"}[
            d.method
        ]
        notes.append(f"{what}由{how}确定（{d.note}）")
        if d.consistent is False:
            warnings.append(f"{what}的{how}结果未通过检验：{d.note}")
    warnings.extend(frameworks.check_tree(rows, fw, case.levels))
    present = {r["level1"] for r in rows}
    for missing, rule in fw.reassign_if_missing.items():
        if missing not in present and missing in fw.fixed_points():
            notes.append(
                f"未设置“{missing}”指标，其 {fmt.num(fw.fixed_points()[missing])} 分并入“{rule['to']}”。"
                f"来源：{rule['source']}（{rule['status']}）"
            )
    if fw.points_source and not case.levels:
        fixed = frameworks.expected_level1_points(fw, present)
        split = "、".join(f"{k} {fmt.num(v)} 分" for k, v in fixed.items())
        notes.append(f"一级指标分值（{split}）：{fw.points_source}（{fw.points_status}）")
    elif fw.points_source:
        notes.append(f"一级指标分值由案例设定（levels），框架默认分值的来源：{fw.points_source}")

    for r in rows:  # an uncapped indicator far beyond its target is a data slip, not a score
        t, a = r["target"], r["actual"]
        if (
            r["rule"] == "positive"
            and not r["cap"]
            and isinstance(t, int | float)
            and isinstance(a, int | float)
            and t > 0
            and a / t * 100 > MAX_UNCAPPED_EXECUTION
            and r["field"][0] == "indicators"
        ):
            raise CaseError(
                f"指标不封顶（cap: false）且完成率 {fmt.pct(a / t * 100)} 超过 "
                f"{fmt.pct(MAX_UNCAPPED_EXECUTION)}：得分将是分值的 {fmt.num(a / t, 1)} 倍",
                field=(*r["field"], "actual"),
                hint="请核对实际值与目标值的单位，或保持默认的封顶口径",
            )
    table = pd.DataFrame(rows)
    table["level1_order"] = table["level1"].map(fw.level1_order)
    _rescale_not_applicable(table, notes)
    _round_weights(table)
    _rescale_points(table)
    table["overachievement_threshold"] = case.options.overachievement_threshold
    if case.options.overachievement_threshold is not None:
        notes.append(
            f"已启用超额完成扣分：正向指标完成率超过 {fmt.num(case.options.overachievement_threshold * 100)}% 时"
            "视为目标偏低，按超出部分比例扣分（unverified，默认关闭）"
        )
    return Prepared(table, fw, bands, tuple(warnings), tuple(notes), tuple(derived))


def _cents(values: np.ndarray, total: float) -> np.ndarray:
    """Round values to 2 dp so they sum to ``total`` (largest-remainder method)."""
    cents = values * 100
    floor = np.floor(cents + 1e-9)
    short = int(round(total * 100 - floor.sum()))
    if short > 0:
        order = np.argsort(-(cents - floor), kind="stable")[:short]
        floor[order] += 1
    return floor / 100


def _round_weights(table: pd.DataFrame) -> None:
    """Weights that are not whole cents (after rescaling or derivation) are rounded to 2 dp within
    each level-1 indicator so that the level keeps its points and the table shows what is used."""
    weight = table["weight"].to_numpy(dtype=float).copy()
    if np.allclose(weight * 100, np.round(weight * 100), atol=1e-6):
        return
    for _, idx in table.groupby("level1", sort=False).indices.items():
        level_total = fmt.round_half_up(float(weight[idx].sum()), 2)
        weight[idx] = _cents(weight[idx], level_total)
    design = table["design_weight"].to_numpy(dtype=float)
    same = np.isclose(table["weight"].to_numpy(dtype=float), design, atol=1e-9)
    table["weight"] = weight
    table.loc[same, "design_weight"] = weight[same]


def _rescale_points(table: pd.DataFrame) -> None:
    """Point-valued inputs of an indicator whose weight was rescaled (a qualitative ``score``, a
    deduction's ``points_per_unit``) scale with its weight, so it keeps its achievement rate: a
    qualitative 9/10 becomes 18/20, never 9/20. Checklist item points need nothing: they score as
    the share of points met."""
    design = table["design_weight"].to_numpy(dtype=float)
    weight = table["weight"].to_numpy(dtype=float)
    factor = np.divide(weight, design, out=np.ones_like(weight), where=design > 0)
    if np.allclose(factor, 1.0, rtol=0, atol=1e-12):
        return
    for col in ("given_score", "points_per_unit"):
        values = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        scaled = values * factor
        table[col] = pd.Series(scaled, index=table.index).astype(object).where(~np.isnan(scaled))


def _rescale_not_applicable(table: pd.DataFrame, notes: list[str]) -> None:
    """Give the points of not-applicable indicators to the applicable ones of the same level-1
    indicator, proportionally; a wholly not-applicable level-1 indicator's points go to all others."""
    na = ~table["applicable"]
    if not na.any():
        return
    weight = table["design_weight"].to_numpy(dtype=float).copy()
    applicable = ~na.to_numpy()
    for level1, idx in table.groupby("level1", sort=False).indices.items():
        design = weight[idx].sum()
        keep = idx[applicable[idx]]
        if len(keep) and len(keep) < len(idx):
            factor = design / weight[keep].sum()
            weight[keep] = weight[keep] * factor
            dropped = table.loc[table.index[idx[~applicable[idx]]], "name"].tolist()
            notes.append(
                f"“{level1}”下不适用指标（{'、'.join(dropped)}）的分值按比例分配给同级其他指标"
                f"（各指标分值 × {fmt.num(factor, 4)}）"
            )
    weight[~applicable] = 0.0
    total = weight.sum()
    if total <= 0:
        raise CaseError("全部指标均为不适用，无法评分", field=("indicators",))
    if abs(total - 100.0) > 1e-9:
        factor = 100.0 / total
        weight *= factor
        notes.append(
            f"有一级指标全部不适用，其余指标分值统一 × {fmt.num(factor, 4)}，总分保持 100 分"
        )
    table["weight"] = weight


# ---------------------------------------------------------------------------------------------
# Reasons (Chinese) for every indicator


def _reason(row: Mapping[str, Any]) -> str:
    rule, w, s = row["rule"], row["weight"], row["score"]
    u = row["unit"] or ""
    t, a = row["target"], row["actual"]
    lost = w - s
    if not row["applicable"]:
        return "不适用，不参与评分，其分值按比例分配给同级指标"
    parts: list[str] = []
    if rule in ("positive", "reverse", "equal", "range", "deduction") and np.isnan(a):
        parts.append("未提供实际完成值，不得分")
    elif rule == "positive" or (rule == "equal" and t > 0):
        if t > 0:
            r = a / t * 100
            thr = row.get("overachievement_threshold")
            if thr is not None and not pd.isna(thr) and a / t > thr:
                parts.append(
                    f"实际 {fmt.with_unit(a, u)}，目标 {fmt.with_unit(t, u)}，完成率 {fmt.pct(r)}，"
                    f"超过 {fmt.pct(thr * 100)}，目标可能偏低，按超出部分扣分"
                )
            elif a >= t and (row["cap"] or a == t):
                capped = (
                    "，超出部分不加分，得分以分值为上限" if a > t and _given(row["derived"]) else ""
                )
                parts.append(f"实际 {fmt.with_unit(a, u)}，达到目标 {fmt.with_unit(t, u)}{capped}")
            elif a >= t:
                parts.append(
                    f"实际 {fmt.with_unit(a, u)}，目标 {fmt.with_unit(t, u)}，完成率 {fmt.pct(r)}，"
                    "按不封顶口径计分"
                )
            else:
                parts.append(
                    f"实际 {fmt.with_unit(a, u)}，未达到目标 {fmt.with_unit(t, u)}，"
                    f"完成率 {fmt.pct(r)}，按比例计分"
                )
        else:
            ok = a >= 0
            parts.append(
                f"目标为 0，实际 {fmt.with_unit(a, u)}"
                + ("，达到目标" if ok else "，低于目标，不得分")
            )
    elif rule == "equal":
        ok = a <= 0
        parts.append(
            f"目标为 0，实际 {fmt.with_unit(a, u)}"
            + ("，达到目标" if ok else "，未达到目标，不得分")
        )
    elif rule == "reverse":
        if a <= t:
            parts.append(f"实际 {fmt.with_unit(a, u)}，不高于目标 {fmt.with_unit(t, u)}")
        elif row["variant"] == "ratio":
            parts.append(
                f"实际 {fmt.with_unit(a, u)} 高于目标 {fmt.with_unit(t, u)}，按“目标 ÷ 实际”计分"
            )
        elif t > 0 and a < 2 * t:
            parts.append(
                f"实际 {fmt.with_unit(a, u)} 高于目标 {fmt.with_unit(t, u)}，超出 {fmt.pct((a - t) / t * 100)}，"
                "按线性反向计分"
            )
        else:
            parts.append(
                f"实际 {fmt.with_unit(a, u)} 达到目标 {fmt.with_unit(t, u)} 的 2 倍及以上，不得分"
                if t > 0
                else f"目标为 0，实际 {fmt.with_unit(a, u)}，不得分"
            )
    elif rule == "range":
        lo, hi = t, row["target_high"]
        span = f"{fmt.num(lo)}–{fmt.num(hi)}{u}"
        if lo <= a <= hi:
            parts.append(f"实际 {fmt.with_unit(a, u)}，在目标区间 {span} 内")
        else:
            side = "低于下限" if a < lo else "高于上限"
            how = "区间外不得分" if row["variant"] == "binary" else "按与边界的比值计分"
            parts.append(f"实际 {fmt.with_unit(a, u)}，{side}（目标区间 {span}），{how}")
    elif rule == "qualitative":
        tier = qualitative_tier(row["tier"])
        span = f"{fmt.num(tier.low * w)}–{fmt.num(tier.high * w)} 分"
        if not _given(row["given_score"]):
            parts.append(f"评价档次“{tier.name}”（{span}），未给出评分，按档位中值计")
        else:
            parts.append(f"评价档次“{tier.name}”（{span}），评分 {fmt.num(s)} 分")
    elif rule == "deduction":
        under = row["variant"] == "under"
        excess = (t - a) if under else (a - t)
        if excess > 0:
            parts.append(
                f"实际 {fmt.with_unit(a, u)}，目标 {fmt.with_unit(t, u)}，{'低于' if under else '超出'} "
                f"{fmt.with_unit(excess, '个百分点' if u == '%' else u)}，"
                f"{'每个百分点' if u == '%' else ('每' + u if u else '每单位')}扣 "
                f"{fmt.num(row['points_per_unit'])} 分"
            )
        else:
            parts.append(
                f"实际 {fmt.with_unit(a, u)}，未{'低于' if under else '超出'}目标 {fmt.with_unit(t, u)}"
            )
    elif rule == "checklist":
        missed = row["items_missed"]
        parts.append(f"满足评价要点 {fmt.num(row['met'])}/{fmt.num(row['total'])}")
        if missed:
            parts.append("未满足：" + "、".join(missed))
    if _given(row.get("target_basis")):
        parts.append("目标值：" + row["target_basis"])
    if _given(row.get("actual_basis")):
        parts.append("实际值：" + row["actual_basis"])
    if _given(row["derived"]):
        parts.append("实际值由预算数据计算（" + _DERIVED_TEXT[row["derived"]] + "）")
    if abs(row["weight"] - row["design_weight"]) > 1e-9:
        parts.append(
            f"因同级指标不适用，分值由 {fmt.num(row['design_weight'])} 调整为 {fmt.num(w)}"
        )
    if lost > 0.005:
        parts.append(f"扣 {fmt.num(lost)} 分")
    elif lost < -0.005:
        parts.append(f"超出分值 {fmt.num(-lost)} 分")
    else:
        parts.append("得满分")
    return "；".join(parts)


def _given(x: Any) -> bool:
    """Whether a table cell holds a value (None, NaN and pandas NA do not)."""
    return x is not None and not (isinstance(x, float) and np.isnan(x)) and x is not pd.NA


_DERIVED_TEXT = {
    "execution_rate": "执行数 ÷ 全年预算数",
    "arrival_rate": "实际到位资金 ÷ 全年预算数",
}


UNIT_SLIP_RATIO = 50.0
"""An actual value this many times above or below its target looks like a unit slip (0.92 for
92%, 万元 for 元): the evaluation warns by name (practice: a reviewer's first check)."""


def unit_slips(table: pd.DataFrame) -> list[str]:
    """Warnings for indicators whose actual/target ratio looks like a 100× unit slip.

    An applicable quantitative indicator with target *t* > 0 and actual *a* > 0 is named when
    a/t ≥ :data:`UNIT_SLIP_RATIO` or a/t ≤ 1/:data:`UNIT_SLIP_RATIO` (for a range, against the
    nearer bound). The score is not changed: the warning asks the evaluator to check the unit.
    """
    quantitative = table["rule"].isin(["positive", "reverse", "equal", "range", "deduction"])
    t = pd.to_numeric(table["target"], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(table["target_high"], errors="coerce").to_numpy(dtype=float)
    a = pd.to_numeric(table["actual"], errors="coerce").to_numpy(dtype=float)
    ref = np.where((table["rule"] == "range").to_numpy() & (a > hi), hi, t)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = a / ref
    slip = (
        table["applicable"].to_numpy(dtype=bool)
        & quantitative.to_numpy()
        & (ref > 0)
        & (a > 0)
        & ((ratio >= UNIT_SLIP_RATIO) | (ratio <= 1 / UNIT_SLIP_RATIO))
    )
    out = []
    for i in np.flatnonzero(slip):
        r = table.iloc[i]
        u = r["unit"] or ""
        times = ratio[i] if ratio[i] >= 1 else 1 / ratio[i]
        out.append(
            f"指标 {r['code']}“{r['name']}”实际值 {fmt.with_unit(a[i], u)} 与目标值 "
            f"{fmt.with_unit(ref[i], u)} 相差约 {fmt.num(times, 0)} 倍，可能是单位错误"
            "（如把 92% 填成 0.92、把万元填成元），请核对"
        )
    return out


# ---------------------------------------------------------------------------------------------
# The evaluation


@dataclass(frozen=True)
class Evaluation:
    """The scored evaluation of one case.

    Attributes
    ----------
    case : Case
        The validated case.
    total : float
        Total score (0–100, 2 dp).
    grade : str
        Grade from the case's bands (优/良/中/差 for the shipped presets).
    level1 : Series
        Points per level-1 indicator (index: level-1 name, in framework order).
    level1_table : DataFrame
        ``level1``, ``weight``, ``score``, ``lost``, ``rate`` (得分率 %).
    table : DataFrame
        One row per indicator: ``code``, ``name``, ``level1``, ``level2``, ``level3``, ``weight``,
        ``design_weight``, ``rule``, ``variant``, ``target``, ``target_high``, ``actual``, ``unit``,
        ``score``, ``lost`` and ``reason`` (Chinese), plus ``applicable`` and the rule inputs.
        Not-applicable indicators have NaN score.
    bands : GradeBands
    framework : Framework
    warnings : tuple of str
        Things a reviewer should look at (e.g. 产出 + 效益 < 60).
    notes : tuple of str
        Methodological choices that shaped the scores (rescaling, caps, moved points).
    derivations : tuple of weight_specs.Derived
        Weights derived from AHP judgements or Delphi rounds (the ``weights:`` block).
    grade_by_score : str
        The grade the total alone gives; ``grade`` differs from it when a grade limit applies.
    limits : tuple of GradeLimit
        The grade limits (等级限定) the case's findings triggered, in the order applied.
    """

    case: Case
    total: float
    grade: str | None
    level1: pd.Series
    level1_table: pd.DataFrame
    table: pd.DataFrame
    bands: GradeBands
    framework: frameworks.Framework
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    derivations: tuple = ()
    grade_by_score: str | None = None
    limits: tuple[GradeLimit, ...] = ()

    def __iter__(self):
        """Unpack as ``total, grade, level1, table``."""
        return iter((self.total, self.grade, self.level1, self.table))

    @property
    def lost(self) -> pd.DataFrame:
        """Indicators that lost points, largest loss first."""
        t = self.table
        return t[t["applicable"] & (t["lost"] > 0.005)].sort_values("lost", ascending=False)

    def summary(self) -> str:
        """A short plain-text summary (Chinese)."""
        lines = [
            f"{self.case.title}（{self.case.year} 年，{self.case.evaluation_type.title}）",
            f"总分 {fmt.num(self.total)} 分，等级：{self.grade}（{self.bands.describe()}）",
        ]
        for _, r in self.level1_table.iterrows():
            lines.append(
                f"  {r['level1']}：{fmt.num(r['score'])} / {fmt.num(r['weight'])} 分（得分率 {fmt.pct(r['rate'])}）"
            )
        if len(self.lost):
            lines.append(
                f"失分指标 {len(self.lost)} 个，合计扣 {fmt.num(self.lost['lost'].sum())} 分"
            )
        lines.extend(f"提示：{w}" for w in self.warnings)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Evaluation {self.case.case_id}: {self.total} {self.grade}>"


def evaluate(
    case: Case | Mapping[str, Any] | str | Path, *, base_dir: str | Path | None = None
) -> Evaluation:
    """Score a case: indicator scores with reasons, level-1 points, total and grade.

    Parameters
    ----------
    case : Case, mapping, or path
        A validated case, a parsed case mapping, or the path of a case file.
    base_dir : path, optional
        For a mapping: the folder its relative data paths resolve against (default: the current
        directory).

    Returns
    -------
    Evaluation
        ``.total``, ``.grade``, ``.level1``, ``.table``, ``.warnings`` (see :class:`Evaluation`).

    Raises
    ------
    CaseError
        Invalid case (file, field and line named).

    Examples
    --------
    >>> ev = evaluate("parameters/examples/wujin_rural_sewage_2023.yaml")  # doctest: +SKIP
    >>> ev.total, ev.grade  # doctest: +SKIP
    (86.62, '良')
    """
    if isinstance(case, str | Path):
        case = load_case(case)
    elif not isinstance(case, Case):
        case = validate_mapping(case, base_dir=base_dir)
    prep = prepare(case)
    table = prep.table.copy()
    applicable = table["applicable"].to_numpy(dtype=bool)
    scores = score_frame(table).to_numpy()
    over, ratio = overachieved(table)
    factor = pd.to_numeric(table["over_factor"], errors="coerce").to_numpy(dtype=float)
    marked = over & ~np.isnan(factor)
    scores = np.where(marked, _round2(scores * np.where(marked, factor, 1.0)), scores)
    table["score"] = np.where(applicable, scores, np.nan)
    table["lost"] = _round2(table["weight"].to_numpy() - table["score"].to_numpy())
    table["reason"] = [_reason(r) for r in table.to_dict("records")]
    for i in np.flatnonzero(marked & applicable):
        r = table.iloc[i]
        table.iat[i, table.columns.get_loc("reason")] = (
            f"{r['reason']}；实际值为目标的 {fmt.pct(r['actual'] / r['target'] * 100)}，"
            f"评价人认定目标设定偏低，按偏离度调减（× {fmt.num(factor[i])}）"
        )
    table = table.sort_values(["level1_order"], kind="stable").reset_index(drop=True)

    used = table[table["applicable"]]
    grouped = used.groupby("level1", sort=False)
    level1_table = pd.DataFrame(
        {
            "weight": _round2(grouped["weight"].sum().to_numpy()),
            "score": _round2(grouped["score"].sum().to_numpy()),
        },
        index=pd.Index(list(grouped.groups), name="level1"),
    )
    order = {name: prep.framework.level1_order(name) for name in level1_table.index}
    level1_table = level1_table.iloc[
        np.argsort([order[n] for n in level1_table.index], kind="stable")
    ]
    level1_table["lost"] = _round2(
        level1_table["weight"].to_numpy() - level1_table["score"].to_numpy()
    )
    level1_table["rate"] = _round2(level1_table["score"] / level1_table["weight"] * 100)
    total = float(_round2(np.array([used["score"].sum()]))[0])
    warnings = list(prep.warnings)
    if total > 100:
        uncapped = "、".join(table.loc[table["applicable"] & ~table["cap"].astype(bool), "name"])
        warnings.append(
            f"总分 {fmt.num(total)} 超过 100 分（不封顶计分的指标：{uncapped}），按 100 分定级"
        )
        total = 100.0
    for r in table[table["applicable"] & table["actual"].isna()].itertuples():
        if r.rule in ("positive", "reverse", "equal", "range", "deduction"):
            warnings.append(f"指标 {r.code}“{r.name}”未提供实际值，按 0 分计")
    warnings.extend(unit_slips(table))
    for i in np.flatnonzero(over & applicable):
        r = table.iloc[i]
        stated = any(isinstance(r[k], str) and r[k].strip() for k in ("note", "cause"))
        if not stated:
            warnings.append(
                f"指标 {r['code']}“{r['name']}”实际值为目标的 {fmt.pct(r['actual'] / r['target'] * 100)}，"
                f"超过 {fmt.pct(ratio * 100, 0)}，须说明偏差原因（note 或 cause）；目标设定明显偏低的，"
                "可由评价人按偏离度调减（overachievement_factor）"
            )
    by_score = grade(total, prep.bands)
    final, limits = apply_grade_limits(case, table, by_score, prep.bands)
    return Evaluation(
        case=case,
        total=total,
        grade=final,
        grade_by_score=by_score,
        limits=limits,
        level1=level1_table["score"].rename("score"),
        level1_table=level1_table.reset_index(),
        table=table.drop(columns=["field", "level1_order"]),
        bands=prep.bands,
        framework=prep.framework,
        warnings=tuple(warnings),
        notes=prep.notes,
        derivations=prep.derivations,
    )


# ---------------------------------------------------------------------------------------------
# 超额完成 (over-achievement)


def overachieved(table: pd.DataFrame) -> tuple[np.ndarray, float]:
    """Which rows of a prepared table beat their target by more than the over-achievement ratio
    (``methods/_data/rules.yaml`` ``overachievement``: 130 %, practice; 10号 asks for a reason):
    positive indicators with a written (not derived) actual and a positive target."""
    from methods._resources import load_yaml

    ratio = float(load_yaml("rules.yaml")["overachievement"]["ratio"])
    actual = pd.to_numeric(table["actual"], errors="coerce").to_numpy(dtype=float)
    target = pd.to_numeric(table["target"], errors="coerce").to_numpy(dtype=float)
    derived = table["derived"].map(lambda d: isinstance(d, str)).to_numpy(dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        over = (
            (table["rule"].to_numpy() == "positive")
            & ~derived
            & (target > 0)
            & (actual > ratio * target)
        )
    return over, ratio


# ---------------------------------------------------------------------------------------------
# 等级限定 (grade caps and vetoes)


@dataclass(frozen=True)
class GradeLimit:
    """A grade limit a finding triggered: its category (以拨代支, 安全责任事故 …), what was found,
    the clause (``text``), the grade before and after, and the preset's source and status."""

    category: str
    found: str
    text: str
    before: str
    after: str
    source: str
    status: str

    def sentence(self) -> str:
        """The limit as the report states it, e.g. 因评价中发现以拨代支，按照等级限定条款（存在
        以拨代支问题的，评价等级不得为“优”）."""
        found = self.found if self.found.startswith(("发生", "存在")) else f"评价中发现{self.found}"
        return f"因{found}，按照等级限定条款（{self.text}）"

    def to_dict(self) -> dict[str, str]:
        return {
            "category": self.category,
            "found": self.found,
            "rule": self.text,
            "before": self.before,
            "after": self.after,
            "source": self.source,
            "status": self.status,
        }


def grade_limit_presets() -> dict[str, Any]:
    """``methods/_data/grade_limits.yaml``."""
    from methods._resources import load_yaml

    return load_yaml("grade_limits.yaml")


def _limit_findings(case: Case, table: pd.DataFrame) -> list[tuple[str, str | None, str]]:
    """(category, severity, what was found) of the case's findings: explicit ``findings:`` with
    a category, and unmet checklist points whose own text names one (不存在以拨代支 → 以拨代支)."""
    out = []
    for f in getattr(case, "findings", None) or []:
        if f.category is not None:
            out.append((f.category, f.severity, f.title.split("，")[0]))
    cats = grade_limit_presets()["checklist_categories"]
    for r in table[table["applicable"]].to_dict("records"):
        for item in r.get("items_missed") or []:
            for cat, words in cats.items():
                if any(w in item for w in words):
                    shown = item[3:] if item.startswith("不存在") else item
                    out.append((cat, None, shown))
    return out


def apply_grade_limits(
    case: Case, table: pd.DataFrame, by_score: str | None, bands: GradeBands
) -> tuple[str | None, tuple[GradeLimit, ...]]:
    """The grade after the case's grade limits (``grade_limits:`` preset, default
    ``common_local``): ``cap`` keeps the grade at or below ``grade``, ``lower`` moves it down
    ``steps`` grades, ``veto`` gives the lowest grade. Returns (grade, limits applied).

    The presets are data (``methods/_data/grade_limits.yaml``, status unverified: no national
    rule caps a 项目支出 grade; the clauses are the common local pattern)."""
    name = getattr(case, "grade_limits", None)
    if by_score is None or not name:
        return by_score, ()
    data = grade_limit_presets()
    preset = data["presets"][name]
    labels = [label for label, _ in bands.bands]
    if by_score not in labels:
        return by_score, ()
    current = by_score
    applied: list[GradeLimit] = []
    matched = []
    for category, severity, found in _limit_findings(case, table):
        for rule in preset["rules"]:
            if rule["category"] != category:
                continue
            if "severity" in rule and severity not in rule["severity"]:
                continue
            matched.append((rule, category, found))
            break
    # caps and vetoes first, then the grade each lowers from is the capped one
    matched.sort(key=lambda m: m[0]["action"] == "lower")
    for rule, category, found in matched:
        i = labels.index(current)
        if rule["action"] == "cap":
            if rule["grade"] not in labels:
                continue
            j = max(i, labels.index(rule["grade"]))
        elif rule["action"] == "lower":
            j = min(len(labels) - 1, i + int(rule.get("steps", 1)))
        else:  # veto
            j = len(labels) - 1
        if j != i:
            applied.append(
                GradeLimit(
                    category,
                    found,
                    rule["text"],
                    current,
                    labels[j],
                    preset["source"],
                    preset["status"],
                )
            )
            current = labels[j]
    return current, tuple(applied)
