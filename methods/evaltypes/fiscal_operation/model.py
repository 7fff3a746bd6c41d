"""``evaluation: fiscal_operation`` — 财政运行综合绩效评价 of a set of towns (镇/街道, and 开发区),
with the transfer pool split into an equalisation base (need factors) and a 绩效奖补 share.

A case names the towns with their indicator values (inline ``towns:`` or a CSV/XLSX file),
optionally its own indicators (``indicators:``, replacing the framework's defaults) and level-1
points (``levels:``), and an ``allocation:`` block (total, need factors with weights, the award
share and the award's indicators, threshold and improvement weight).
The computations live in :mod:`.analysis`. No national framework exists (see there).
"""

from __future__ import annotations

from typing import Any, Literal

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
    """One unit (镇、街道 or 开发区): its indicator values and allocation factor values."""

    name: str = Field(min_length=1, max_length=100)
    kind: Literal["镇", "街道", "开发区"] | None = Field(
        None, description="单位类型：镇、街道或开发区（省略时按名称称为镇（街道））"
    )
    values: dict[str, float] = Field(description="指标代码 → 数值")
    factors: dict[str, float] = Field(default_factory=dict, description="分配因素代码 → 数值")
    prev_award: float | None = Field(
        None, ge=0, le=100, allow_inf_nan=False, description="上年奖补得分（计算较上年改进）"
    )
    note: str | None = None


class Factor(_Model):
    """An allocation factor (分配因素) and its weight."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1)
    weight: float = Field(gt=0, le=1, allow_inf_nan=False)
    unit: str | None = None
    source: str | None = None


class Award(_Model):
    """How the 绩效奖补 share is scored (defaults: ``methods/_data/fiscal_allocation.yaml``)."""

    indicators: list[str] | None = Field(
        None,
        min_length=1,
        description="计入奖补得分的指标代码（只能是本镇可控的管理类指标，不得为财力禀赋类指标）",
    )
    threshold: float | None = Field(
        None, ge=0, le=100, allow_inf_nan=False, description="起奖分：奖补得分低于此分不予奖补"
    )
    improvement_weight: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False, description="较上年改进在奖补得分中的权重"
    )


class Allocation(_Model):
    """The transfer pool: an equalisation base by need factors and a separate 绩效奖补 share."""

    name: str | None = Field(None, description="资金名称")
    total: float = Field(gt=0, allow_inf_nan=False, description="分配资金总额")
    unit: str = "万元"
    factors: list[Factor] = Field(min_length=1, description="均衡性基础额的需求因素")
    award_share: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False, description="绩效奖补占资金总额的比例（默认 0.10）"
    )
    award: Award | None = None
    coefficient: Any = Field(
        None,
        description="已停用：原“因素法 × 绩效系数”办法会调减均衡性资金，请改用 award_share 和 award",
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
