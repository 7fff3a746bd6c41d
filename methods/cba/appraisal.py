"""Appraisal of one project: every indicator of its benefits and costs in one result
(:func:`appraise` → :class:`Appraisal`, NPV, IRR, MIRR, B/C, payback with calendar years).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods.cba._common import _check_number, _numeric_array, _pct
from methods.cba.discounting import DiscountSchedule, _discount, _resolve_discount, _times
from methods.cba.measures import IRRResult, irr, mirr, payback_period

__all__ = ["Appraisal", "appraise"]


@dataclass(frozen=True, eq=False)
class Appraisal:
    """The indicators of one project (NPV, IRR, B/C, payback) with the discounting used.

    Attributes
    ----------
    npv, bcr, pv_benefits, pv_costs, payback, discounted_payback, mirr : float
        NaN where not applicable.
    irr : IRRResult
    discounting : DiscountSchedule
    t0 : float
    table : DataFrame
        One row per period: ``t``, ``benefits``, ``costs``, ``net``, ``discount_factor``,
        ``pv_net``, ``cumulative_net``, ``cumulative_pv``.
    unit : str
    """

    npv: float
    irr: IRRResult
    bcr: float
    pv_benefits: float
    pv_costs: float
    payback: float
    discounted_payback: float
    mirr: float
    discounting: DiscountSchedule
    t0: float
    table: pd.DataFrame
    unit: str = ""

    def summary(self) -> str:
        """Chinese summary of the indicators."""
        u = self.unit
        lines = [
            f"折现方案：{self.discounting.describe()}；第一笔现金流位于 t = {fmt.num(self.t0)}",
            f"净现值 NPV = {fmt.num(self.npv)}{u}" + ("（>0，可行）" if self.npv > 0 else "（≤0）"),
            self.irr.summary(),
        ]
        if np.isfinite(self.bcr):
            lines.append(
                f"效益费用比 B/C = {fmt.num(self.bcr, 3)}（效益现值 {fmt.num(self.pv_benefits)}{u}，"
                f"费用现值 {fmt.num(self.pv_costs)}{u}）"
            )
        pb = "未能回收" if not np.isfinite(self.payback) else f"{fmt.num(self.payback)} 年"
        dpb = (
            "未能回收"
            if not np.isfinite(self.discounted_payback)
            else f"{fmt.num(self.discounted_payback)} 年"
        )
        lines.append(f"静态投资回收期 {pb}，动态投资回收期 {dpb}")
        if np.isfinite(self.mirr):
            lines.append(f"修正内部收益率 MIRR = {_pct(self.mirr)}（融资与再投资利率取折现率）")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready indicators (NaN → None)."""
        return _jsonable(
            {
                "npv": self.npv,
                "irr": self.irr.to_dict(),
                "bcr": self.bcr,
                "pv_benefits": self.pv_benefits,
                "pv_costs": self.pv_costs,
                "payback": self.payback,
                "discounted_payback": self.discounted_payback,
                "mirr": self.mirr,
                "discounting": self.discounting.to_dict(),
                "t0": self.t0,
                "unit": self.unit,
                "table": self.table,
                "summary": self.summary(),
            }
        )


def appraise(
    flows: Any = None,
    *,
    benefits: Any = None,
    costs: Any = None,
    rate: Any = None,
    schedule: str | DiscountSchedule | None = None,
    t0: float = 0,
    unit: str = "",
    calendar_years: Sequence[int] | None = None,
) -> Appraisal:
    """All indicators of one project: NPV, IRR (all roots), B/C, payback, MIRR.

    Parameters
    ----------
    flows : array-like, optional
        Net flows (1-D). Give either ``flows`` or both ``benefits`` and ``costs`` (positive
        amounts; net = benefits − costs; B/C is reported only then).
    benefits, costs : array-like, optional
    rate, schedule, t0
        As in :func:`npv` (default ``china_2006``, ``t0=0``).
    unit : str
        Money unit for the summary (e.g. ``万元``).
    calendar_years : sequence of int, optional
        Calendar year of each period, added to ``table`` as column ``year``.

    Returns
    -------
    Appraisal

    Notes
    -----
    The IRR is computed on the flows as given (first flow at its own t = 0), which does not depend
    on ``t0``. MIRR is reported for a flat discount rate, using it as both finance and
    reinvestment rate.

    Examples
    --------
    >>> a = appraise(benefits=[0, 60, 60], costs=[100, 0, 0], rate=0.10)
    >>> round(a.npv, 2), round(a.bcr, 4)
    (4.13, 1.0413)
    """
    if flows is None and (benefits is None or costs is None):
        raise ValueError("请给出 flows，或同时给出 benefits 与 costs")
    if flows is not None and (benefits is not None or costs is not None):
        raise ValueError("flows 与 benefits/costs 只能给出一种")
    s = _resolve_discount(rate, schedule)
    start = _check_number(t0, "t0")
    if flows is not None:
        net = _numeric_array(flows, "flows", ndim=(1,))
        b = np.where(net > 0, net, 0.0)
        c = np.where(net < 0, -net, 0.0)
        split = False
    else:
        b = _numeric_array(benefits, "benefits", ndim=(1,))
        c = _numeric_array(costs, "costs", ndim=(1,))
        if b.size != c.size:
            raise ValueError(f"benefits 与 costs 长度不一致（{b.size} 与 {c.size}）")
        net = b - c
        split = True
    t = _times(net.size, start)
    df = _discount(t, s)
    pvb, pvc = float(b @ df), float(c @ df)
    table = pd.DataFrame(
        {
            "t": t,
            "benefits": b,
            "costs": c,
            "net": net,
            "discount_factor": df,
            "pv_net": net * df,
        }
    )
    if calendar_years is not None:
        if len(calendar_years) != net.size:
            raise ValueError(
                f"calendar_years 与现金流长度不一致（{len(calendar_years)} 与 {net.size}）"
            )
        table.insert(0, "year", list(calendar_years))
    table["cumulative_net"] = table["net"].cumsum()
    table["cumulative_pv"] = table["pv_net"].cumsum()
    flat = len(s.rates) == 1 and math.isinf(s.max_year)
    has_both = (net > 0).any() and (net < 0).any()
    return Appraisal(
        npv=float(net @ df),
        irr=irr(net),
        bcr=pvb / pvc if split and pvc > 0 else math.nan,
        pv_benefits=pvb,
        pv_costs=pvc,
        payback=payback_period(net, t0=start),
        discounted_payback=payback_period(net, schedule=s, t0=start),
        mirr=mirr(net, s.rates[0], s.rates[0]) if flat and has_both and net.size > 1 else math.nan,
        discounting=s,
        t0=start,
        table=table,
        unit=unit,
    )
