"""按效付费 (performance-based payment) of PPP and similar contracts: the government pays an
可用性付费 and an 运维绩效付费 whose amount follows the year's evaluation score by the contract's
formula.

A case states the contract's formula in ``payment:`` (:class:`Payment`); the formula kinds are
named in ``methods/_data/ppp_payment.yaml`` (status practice: the contract, not a regulation, sets
the thresholds):

- ``proportional`` 按得分比例付费: coefficient = score ÷ 100; a score at or above ``full``
  (default 100) pays in full; below ``floor`` (default 0) pays ``below_ratio`` (default 0);
- ``linear`` 线性付费: score ≥ ``full`` → 1; ``floor`` ≤ score < ``full`` → ``floor_ratio`` +
  (1 − ``floor_ratio``) × (score − ``floor``) ÷ (``full`` − ``floor``); below ``floor`` →
  ``below_ratio``;
- ``tiered`` 分档付费: ``bands`` from the highest down, each a lower bound ``min`` (inclusive) and
  the ``ratio`` paid; a score below every band pays ``below_ratio``.

核定运维绩效付费 = 运维绩效付费基数 × 系数 (2 dp); 年度应付 = 可用性付费 + 核定运维绩效付费; with
``paid`` (已预付的运维绩效付费) the settlement 应补付 (or 应扣回, negative) = 核定 − 已预付.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.errors import CaseError

KINDS = ("proportional", "linear", "tiered")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Band(_Strict):
    """One score band of a tiered formula: scores from ``min`` (inclusive) pay ``ratio``."""

    min: float = Field(ge=0, le=100, description="该档得分下限（含）")
    ratio: float = Field(ge=0, le=1, description="该档付费比例（0—1）")


class Payment(_Strict):
    """The contract's payment formula (``payment:`` of a scored case)."""

    formula: Literal["proportional", "linear", "tiered"] = Field(
        description="付费公式类型：proportional 按得分比例、linear 线性、tiered 分档"
    )
    operation: float = Field(gt=0, description="运维绩效付费基数（年度，按绩效评价结果核定）")
    availability: float = Field(0, ge=0, description="可用性付费（年度）")
    paid: float | None = Field(None, ge=0, description="已预付的运维绩效付费")
    unit: str | None = Field(
        None, min_length=1, max_length=10, description="金额单位（默认同 budget.unit）"
    )
    basis: str | None = Field(
        None, min_length=1, max_length=200, description="合同付费条款（如“项目合同第12.3条”）"
    )
    floor: float | None = Field(
        None, ge=0, le=100, description="起付分：低于此分按 below_ratio 支付"
    )
    full: float | None = Field(None, ge=0, le=100, description="全额分：达到此分全额支付")
    floor_ratio: float | None = Field(None, ge=0, le=1, description="线性公式在起付分的付费比例")
    below_ratio: float = Field(0, ge=0, le=1, description="低于起付分（或最低一档）的付费比例")
    bands: list[Band] | None = Field(None, min_length=1, description="分档公式的得分档（由高到低）")


def rules() -> dict[str, Any]:
    """The formula kinds, their source and status (``methods/_data/ppp_payment.yaml``)."""
    return load_yaml("ppp_payment.yaml")


def check(p: Payment, field: tuple = ("payment",)) -> None:
    """Refuse a formula that is incomplete or pays more for a lower score, naming the field.

    Raises
    ------
    CaseError
        e.g. ``payment.bands[1].min``: 分档下限应由高到低排列.
    """
    kind = p.formula
    unused = {
        "proportional": ("floor_ratio", "bands"),
        "linear": ("bands",),
        "tiered": ("floor", "full", "floor_ratio"),
    }[kind]
    for key in unused:
        if getattr(p, key) is not None:
            raise CaseError(
                f"付费公式 {kind}（{rules()['kinds'][kind]['name']}）不使用 {key}",
                field=(*field, key),
            )
    if kind == "linear":
        for key in ("floor", "full", "floor_ratio"):
            if getattr(p, key) is None:
                raise CaseError(f"线性付费公式缺少 {key}", field=(*field, key))
    if kind in ("proportional", "linear"):
        floor = p.floor if p.floor is not None else 0.0
        full = p.full if p.full is not None else 100.0
        if floor >= full:
            raise CaseError(
                f"起付分 floor（{fmt.num(floor)}）应低于全额分 full（{fmt.num(full)}）",
                field=(*field, "floor"),
            )
        at_floor = p.floor_ratio if kind == "linear" else floor / 100
        if p.below_ratio > at_floor + 1e-12:
            raise CaseError(
                f"低于起付分的付费比例 below_ratio（{fmt.num(p.below_ratio, 4)}）"
                f"不应高于起付分的付费比例（{fmt.num(at_floor, 4)}）",
                field=(*field, "below_ratio"),
            )
    if kind == "tiered":
        if p.bands is None:
            raise CaseError("分档付费公式缺少 bands（得分档）", field=(*field, "bands"))
        mins = np.array([b.min for b in p.bands])
        ratios = np.array([b.ratio for b in p.bands])
        bad = np.flatnonzero(np.diff(mins) >= 0)
        if bad.size:
            i = int(bad[0]) + 1
            raise CaseError(
                f"分档下限应由高到低排列（第{i + 1}档 {fmt.num(mins[i])} 不低于上一档 {fmt.num(mins[i - 1])}）",
                field=(*field, "bands", i, "min"),
            )
        bad = np.flatnonzero(np.diff(ratios) > 1e-12)
        if bad.size:
            i = int(bad[0]) + 1
            raise CaseError(
                f"得分较低的档付费比例不应更高（第{i + 1}档 {fmt.num(ratios[i], 4)} 高于上一档 {fmt.num(ratios[i - 1], 4)}）",
                field=(*field, "bands", i, "ratio"),
            )
        if p.below_ratio > ratios[-1] + 1e-12:
            raise CaseError(
                f"低于最低一档的付费比例 below_ratio（{fmt.num(p.below_ratio, 4)}）不应高于最低一档（{fmt.num(ratios[-1], 4)}）",
                field=(*field, "below_ratio"),
            )


def coefficient(score: Any, p: Payment) -> np.ndarray:
    """The payment coefficient (0–1) of one score or an array of scores.

    Examples
    --------
    >>> p = Payment(formula="linear", operation=100.0, floor=60.0, full=90.0, floor_ratio=0.7)
    >>> coefficient([95, 90, 75, 60, 59.9], p).round(4).tolist()
    [1.0, 1.0, 0.85, 0.7, 0.0]
    """
    s = np.asarray(score, dtype=float)
    if p.formula == "tiered":
        assert p.bands is not None
        mins = np.array([b.min for b in p.bands])[::-1]  # ascending
        ratios = np.array([b.ratio for b in p.bands])[::-1]
        i = np.searchsorted(mins, s, side="right") - 1
        return np.where(i >= 0, ratios[np.clip(i, 0, None)], p.below_ratio)
    floor = p.floor if p.floor is not None else 0.0
    full = p.full if p.full is not None else 100.0
    if p.formula == "proportional":
        c = s / 100
    else:
        assert p.floor_ratio is not None
        c = p.floor_ratio + (1 - p.floor_ratio) * (s - floor) / (full - floor)
    c = np.where(s >= full, 1.0, c)
    return np.where(s < floor, p.below_ratio, c)


def describe(p: Payment) -> str:
    """The formula in one Chinese clause, e.g. 评价得分90分（含）以上按97%支付、……、60分以下不予支付."""

    def share(r: float) -> str:
        return "不予支付" if r == 0 else ("全额支付" if r == 1 else f"按{fmt.num(r * 100)}%支付")

    if p.formula == "tiered":
        assert p.bands is not None
        parts = [
            f"{fmt.num(b.min)}分（含）以上{share(b.ratio)}"
            if i == 0
            else f"{fmt.num(b.min)}分（含）至{fmt.num(p.bands[i - 1].min)}分{share(b.ratio)}"
            for i, b in enumerate(p.bands)
            if b.min > 0 or i == 0
        ]
        last = p.bands[-1]
        if last.min > 0:
            parts.append(f"{fmt.num(last.min)}分以下{share(p.below_ratio)}")
        return "评价得分" + "、".join(parts)
    floor = p.floor if p.floor is not None else 0.0
    full = p.full if p.full is not None else 100.0
    head = f"评价得分{fmt.num(full)}分（含）以上全额支付、" if full < 100 else ""
    if p.formula == "proportional":
        text = f"{head}其余按得分除以100的比例支付"
    else:
        assert p.floor_ratio is not None
        text = (
            f"{head}{fmt.num(floor)}分按{fmt.num(p.floor_ratio * 100)}%支付、"
            f"{fmt.num(floor)}分至{fmt.num(full)}分之间按得分线性增加"
        )
    if floor > 0:
        text += f"，{fmt.num(floor)}分以下{share(p.below_ratio)}"
    return text if text.startswith("评价得分") else "评价得分" + text


def compute(score: float, p: Payment, unit: str | None = None) -> dict[str, Any]:
    """The year's payment from the evaluation score (results.json ``ppp_payment``).

    Returns
    -------
    dict
        formula, formula_name, basis, score, coefficient (4 dp), availability, operation_base,
        operation_paid (核定运维绩效付费), withheld (扣减), total (年度应付), paid_before,
        settlement (应补付; negative: 应扣回), linked_share (% of the year's payment that depends
        on the score), unit, source, status.
    """
    data = rules()
    c = float(coefficient(score, p))
    paid = fmt.round_half_up(p.operation * c)
    total = fmt.round_half_up(p.availability + paid)
    full_total = p.availability + p.operation
    return {
        "formula": p.formula,
        "formula_name": data["kinds"][p.formula]["name"],
        "rule": describe(p),
        "basis": p.basis,
        "score": score,
        "coefficient": round(c, 4),
        "availability": p.availability,
        "operation_base": p.operation,
        "operation_paid": paid,
        "withheld": fmt.round_half_up(p.operation - paid),
        "total": total,
        "paid_before": p.paid,
        "settlement": None if p.paid is None else fmt.round_half_up(paid - p.paid),
        "linked_share": fmt.round_half_up(p.operation / full_total * 100),
        "unit": p.unit or unit or "万元",
        "source": data["source"],
        "status": data["status"],
    }
