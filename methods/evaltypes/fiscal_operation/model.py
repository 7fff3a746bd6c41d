"""``evaluation: fiscal_operation`` — 财政运行综合绩效评价 of a set of towns (镇/街道), with the
transfer-payment allocation by the factor method and a performance coefficient.

A case names the towns with their indicator values (inline ``towns:`` or a CSV/XLSX file),
optionally its own indicators (``indicators:``, replacing the framework's defaults) and level-1
points (``levels:``), and an ``allocation:`` block (total, factors with weights, coefficient preset
or map).
The computations live in :mod:`.analysis`. No national framework exists (see there).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from methods.casefile import (
    Budget,
    Case,
    Conclusions,
    EvaluationType,
    _Model,
    register,
)


class FiscalIndicator(_Model):
    """One indicator of a fiscal_operation case (replaces the framework's default list)."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1)
    level1: str = Field(min_length=1)
    level2: str = Field(min_length=1)
    weight: float = Field(gt=0, le=100, allow_inf_nan=False)
    rule: Literal["positive", "reverse", "equal", "range", "deduction"]
    target: float | list[float] | None = None
    unit: str | None = None
    variant: str | None = None
    points_per_unit: float | None = Field(None, gt=0, allow_inf_nan=False)
    relative: Literal["mean"] | None = Field(
        None, description="mean：以本镇数值 ÷ 各镇平均值 × 100 作为实际值"
    )
    raw_unit: str | None = None
    formula: str | None = None
    basis: str | None = Field(None, description="目标值和计分标准的依据")
    status: str | None = None
    note: str | None = None

    @property
    def target_from(self) -> None:
        """Fiscal targets never come from the case library (read by the runner's hash check)."""
        return None


class Town(_Model):
    """One town (镇/街道): its indicator values and allocation factor values."""

    name: str = Field(min_length=1, max_length=100)
    values: dict[str, float] = Field(description="指标代码 → 数值")
    factors: dict[str, float] = Field(default_factory=dict, description="分配因素代码 → 数值")
    note: str | None = None


class Factor(_Model):
    """An allocation factor (分配因素) and its weight."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1)
    weight: float = Field(gt=0, le=1, allow_inf_nan=False)
    unit: str | None = None
    source: str | None = None


class CoefficientSpec(_Model):
    """A performance-coefficient rule written in the case file."""

    method: Literal["grade", "linear"]
    map: dict[str, float] | None = Field(None, description="等级 → 系数（method: grade）")
    score_low: float | None = None
    score_high: float | None = None
    low: float | None = Field(None, gt=0)
    high: float | None = Field(None, gt=0)
    name: str | None = None
    source: str | None = None


class Allocation(_Model):
    """The transfer payment allocated by the factor method with a performance coefficient."""

    name: str | None = Field(None, description="资金名称")
    total: float = Field(gt=0, allow_inf_nan=False, description="分配资金总额")
    unit: str = "万元"
    factors: list[Factor] = Field(min_length=1)
    coefficient: str | CoefficientSpec | None = Field(
        None, description="绩效系数：预设名（grade_110_090、linear_60_100）或自定义"
    )


class FiscalCase(Case):
    """财政运行综合绩效评价 of towns (evaluation: fiscal_operation)."""

    budget: Budget | None = None  # type: ignore[assignment]
    framework: str = "fiscal_operation_town"
    indicators: list[FiscalIndicator] = Field(
        default_factory=list,
        description="省略（或为空）时使用框架的默认指标；给出时完全替代默认指标",
    )
    levels: dict[str, float] | None = Field(None, description="一级指标分值（替代框架分值）")
    towns: list[Town] | str = Field(description="各镇（街道）数据：列表，或 CSV/XLSX 文件")
    allocation: Allocation | None = None
    overview: str | None = None
    evaluator: str | None = None
    conclusions: Conclusions | None = None

    def data_paths(self) -> list[tuple[tuple, str]]:
        return [(("towns",), self.towns)] if isinstance(self.towns, str) else []


def _check_fiscal(case: Case) -> list[str]:
    from methods.evaltypes.fiscal_operation.analysis import analyse

    return list(analyse(case).warnings)


register(
    EvaluationType(
        name="fiscal_operation",
        title="财政运行综合绩效评价",
        notebook="fiscal_operation.ipynb",
        model=FiscalCase,
        default_framework="fiscal_operation_town",
        check=_check_fiscal,
        report_kind="财政运行综合绩效评价报告",
        scored=False,
    )
)
