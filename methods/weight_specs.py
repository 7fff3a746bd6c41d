"""Weights given in a case file as AHP judgements or Delphi rounds, turned into points.

A scored case normally gives each indicator its points. With a ``weights:`` block it may instead
derive them (rules in :class:`methods.casefile.WeightSpec`):

- ``target: level1``: the level-1 points come from the derived weights (rounded to 2 decimals so
  they sum to exactly 100, :func:`methods.weighting.weights_to_points`); each level's indicators keep
  their relative weights and are rescaled to the new level points;
- ``target: <level-1 name>``: the weights of that level's indicators (named by code) come from
  the derivation; the level keeps its points.

Point-valued inputs of a rescaled indicator (a qualitative ``score``, a deduction's
``points_per_unit``) are read against the ``weight`` written in the case file and scale with it.

The derivation (matrix, λmax, CI, CR, RI table; or Delphi means, CV and Kendall's W) is kept with
the evaluation so the report shows how the weights were made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from methods.errors import CaseError

if TYPE_CHECKING:
    from methods.casefile import ScoredCase, WeightSpec


@dataclass(frozen=True)
class Derived:
    """One derivation: what it set, how, the weights (fractions) and points, and the result."""

    index: int
    target: str
    method: str
    weights: pd.Series
    points: pd.Series
    result: Any
    consistent: bool | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        detail = self.result.to_dict() if hasattr(self.result, "to_dict") else {}
        return {
            "target": self.target,
            "method": self.method,
            "weights": {str(k): float(v) for k, v in self.weights.items()},
            "points": {str(k): float(v) for k, v in self.points.items()},
            "consistent": self.consistent,
            "note": self.note,
            "detail": detail,
        }


def read_scores(path: Path) -> pd.DataFrame:
    """A Delphi round: experts (rows) × indicators (columns); the first column may name experts.

    CSV in UTF-8 (with or without BOM) or GBK/GB18030, or XLSX.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = pd.read_excel(path)
    else:
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError("文件编码无法识别（应为 UTF-8 或 GBK）")
        from io import StringIO

        df = pd.read_csv(StringIO(text))
    first = df.columns[0]
    if not pd.api.types.is_numeric_dtype(df[first]):
        df = df.set_index(first)
    bad = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if bad:
        col = bad[0]
        values = pd.to_numeric(df[col], errors="coerce")
        row = int(values.isna().to_numpy().nonzero()[0][0]) + 2
        raise ValueError(f"列“{col}”第 {row} 行不是数字：{df[col].iloc[row - 2]!r}")
    return df


def _triples(items: list[list[Any]], where: tuple) -> list[tuple[str, str, Any]]:
    out = []
    for j, item in enumerate(items):
        if len(item) != 3:
            raise CaseError(
                "每条判断应写作 [甲, 乙, 值]，表示甲比乙重要的倍数",
                field=(*where, j),
            )
        out.append((str(item[0]), str(item[1]), item[2]))
    return out


def derive_one(case: ScoredCase, i: int, spec: WeightSpec, names: list[str]) -> Derived:
    """Derive the weights of one ``weights`` block over ``names`` (level-1 names or codes)."""
    from methods import weighting

    where = ("weights", i)
    try:
        if spec.method == "ahp":
            if not spec.comparisons:
                raise CaseError(
                    "AHP 需要 comparisons（两两比较判断）", field=(*where, "comparisons")
                )
            result = weighting.ahp(
                _triples(spec.comparisons, (*where, "comparisons")),
                method=spec.ahp_method,
                ri=spec.ri_table,
                labels=names,
            )
            weights, consistent = result.weights, bool(result.consistent)
            note = f"λmax = {result.lambda_max:.4f}，CI = {result.ci:.4f}，CR = {result.cr:.4f}"
        elif spec.method == "ahp_group":
            if not spec.experts:
                raise CaseError(
                    "群组 AHP 需要 experts（每位专家的判断）", field=(*where, "experts")
                )
            matrices = [
                weighting.ahp(
                    _triples(items, (*where, "experts", name)),
                    method=spec.ahp_method,
                    ri=spec.ri_table,
                    labels=names,
                ).matrix
                for name, items in spec.experts.items()
            ]
            result = weighting.ahp_group(
                matrices,
                aggregation=spec.aggregation,
                method=spec.ahp_method,
                ri=spec.ri_table,
                labels=names,
            )
            weights = result.weights
            consistent = bool(getattr(result, "consistent", True))
            note = f"{len(matrices)} 位专家，{spec.aggregation.upper()} 集结"
        else:
            if not spec.rounds:
                raise CaseError("德尔菲法需要 rounds（各轮打分文件）", field=(*where, "rounds"))
            tables = []
            for j, value in enumerate(spec.rounds):
                path = case.resolve(value)
                try:
                    tables.append(read_scores(path))
                except (ValueError, OSError) as exc:
                    raise CaseError(f"{value}: {exc}", field=(*where, "rounds", j)) from None
            result = weighting.delphi(tables, cv_max=spec.cv_max, alpha=spec.alpha)
            weights, consistent = result.weights, bool(result.converged)
            note = "已收敛" if result.converged else "未收敛：" + "；".join(result.reasons)
    except ValueError as exc:
        raise CaseError(f"权重推导失败：{exc}", field=where) from None
    got = {str(k) for k in weights.index}
    if got != set(names):
        missing, extra = sorted(set(names) - got), sorted(got - set(names))
        parts = []
        if missing:
            parts.append("缺少 " + "、".join(missing))
        if extra:
            parts.append("多出 " + "、".join(extra))
        raise CaseError(
            f"权重对象与“{spec.target}”下的{'一级指标' if spec.target == 'level1' else '指标'}不一致："
            + "；".join(parts),
            field=where,
        )
    if spec.require_consistent and consistent is False:
        raise CaseError(f"判断矩阵一致性检验未通过（{note}），请修正判断", field=where)
    weights = weights.reindex(names)
    return Derived(i, spec.target, spec.method, weights, weights, result, consistent, note)


def _rescale(row: dict[str, Any], weight: float) -> None:
    """Give an indicator row its derived weight; point-valued inputs (a qualitative score, the
    points per unit of a deduction) scale with it, so they keep their meaning relative to the
    weight the case file gave."""
    factor = weight / row["weight"]
    row["weight"] = row["design_weight"] = weight
    if row.get("given_score") is not None:
        row["given_score"] = row["given_score"] * factor
    if row.get("points_per_unit") is not None:
        row["points_per_unit"] = row["points_per_unit"] * factor


def apply(case: ScoredCase, rows: list[dict[str, Any]], fixed: dict[str, float]) -> list[Derived]:
    """Rewrite the ``weight`` of indicator rows from the case's ``weights`` blocks (in place)."""
    derived: list[Derived] = []
    if not case.weights:
        return derived
    from methods import weighting

    for i, spec in enumerate(case.weights):
        if spec.target == "level1":
            if case.levels:
                raise CaseError(
                    "weights 推导一级指标分值时不能再用 levels 指定一级分值", field=("weights", i)
                )
            if fixed:
                raise CaseError(
                    "该指标框架的一级指标分值固定（如自评表 产出 50 / 效益 30），不能由 weights 推导",
                    field=("weights", i, "target"),
                )
            names = list(dict.fromkeys(r["level1"] for r in rows))
            d = derive_one(case, i, spec, names)
            points = weighting.weights_to_points(d.weights, total=100, decimals=2)
            for name in names:
                members = [r for r in rows if r["level1"] == name]
                total = sum(r["weight"] for r in members)
                for r in members:
                    _rescale(r, r["weight"] / total * float(points[name]))
        else:
            from methods.frameworks import normalise_level_name

            level = normalise_level_name(spec.target)
            members = [r for r in rows if r["level1"] == level]
            if not members:
                raise CaseError(
                    f"没有一级指标“{spec.target}”下的指标", field=("weights", i, "target")
                )
            names = [r["code"] for r in members]
            d = derive_one(case, i, spec, names)
            total = sum(r["weight"] for r in members)
            points = (d.weights * total).round(4)
            for r in members:
                _rescale(r, float(d.weights[r["code"]] * total))
        derived.append(
            Derived(d.index, d.target, d.method, d.weights, points, d.result, d.consistent, d.note)
        )
    return derived
