"""The cost-benefit case (evaluation: cost_benefit, 成本效益分析 / 最低成本法), its check and its
registration.

The case file has a ``cba:`` block read by :func:`methods.cba.from_spec` (cash-flow lines given
inline or as CSV/XLSX files, discounting preset, sensitivity variables, scenarios, Monte Carlo
distributions, alternatives). No score or grade: results.json carries a ``cba`` block instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from methods.casefile import Budget, Case, Conclusions, EvaluationType, register
from methods.errors import CaseError


def cba_data_paths(spec: Any) -> list[tuple[tuple, str]]:
    """(field path, path as written) of the data files a ``cba:`` block names.

    Tolerates malformed blocks (the deep check reports those): only string paths are listed.
    """
    out: list[tuple[tuple, str]] = []
    if not isinstance(spec, Mapping):
        return out
    lines = spec.get("lines")
    for i, line in enumerate(lines if isinstance(lines, list) else []):
        if isinstance(line, Mapping) and isinstance(line.get("csv"), str):
            out.append((("cba", "lines", i, "csv"), line["csv"]))
    alts = spec.get("alternatives")
    for i, alt in enumerate(alts if isinstance(alts, list) else []):
        if isinstance(alt, Mapping) and isinstance(alt.get("costs_csv"), str):
            out.append((("cba", "alternatives", i, "costs_csv"), alt["costs_csv"]))
    return out


class CostBenefitCase(Case):
    """A project (or policy) appraised by cost-benefit / least-cost analysis."""

    budget: Budget | None = None  # type: ignore[assignment]
    cba: dict[str, Any] = Field(
        description="成本效益分析设置：计算期、价格基年、现金流（内联或 CSV/XLSX）、折现方案、"
        "敏感性变量、情景、概率分布、备选方案（见 methods.cba.from_spec）"
    )
    overview: str | None = Field(None, description="项目概况")
    evaluator: str | None = Field(None, description="分析机构/人员")
    proposed_alternative: str | None = Field(
        None,
        description="cba.alternatives 中的申报方案名称（不是最低成本方案时列为问题）",
    )
    conclusions: Conclusions | None = Field(None, description="分析人补充的结论与建议")

    def data_paths(self) -> list[tuple[tuple, str]]:
        return cba_data_paths(self.cba)


def _check_cost_benefit(case: Case) -> list[str]:
    from methods.evaltypes.cost_benefit.analysis import analyse
    from methods.evaltypes.cost_benefit.findings import check_findings

    # builds the model (CaseError naming the field) and runs every deterministic part; the Monte
    # Carlo run is left to `jixiao run` (validation never runs expensive simulations)
    result = analyse(case, simulate=False)
    proposed = getattr(case, "proposed_alternative", None)
    alts = list(result.model.alternatives)
    if proposed is not None and proposed not in alts:
        raise CaseError(
            f"申报方案 '{proposed}' 不在 cba.alternatives 中"
            + (f"（现有：{'、'.join(alts)}）" if alts else "（cba 块未设置备选方案）"),
            field=("proposed_alternative",),
        )
    check_findings(case)
    return []


register(
    EvaluationType(
        name="cost_benefit",
        title="成本效益分析",
        notebook="cost_benefit.ipynb",
        model=CostBenefitCase,
        check=_check_cost_benefit,
        report_kind="成本效益分析报告",
    )
)
