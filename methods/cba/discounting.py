"""Discounting (折现): flat rates, declining schedules and their presets, discount factors and
annuity factors.

Presets with source, vintage and status live in ``methods/_data/discount_schedules.yaml``;
:func:`discount_schedules` lists them. Declining schedules compound piecewise,
DF(t) = DF(t−1)/(1 + r_t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from methods._json import jsonable as _jsonable
from methods._resources import load_yaml
from methods.cba._common import _check_number, _check_rate, _is_real, _numeric_array, _pct, _show

__all__ = [
    "DiscountSchedule",
    "annuity_factor",
    "discount_factors",
    "discount_schedule",
    "discount_schedules",
]


@dataclass(frozen=True)
class DiscountSchedule:
    """A discounting rule: a flat rate, a declining schedule or a rate per period.

    Attributes
    ----------
    name : str
        Preset name (``china_2006`` …), ``"rate"`` for a flat rate given directly or ``"rates"``
        for a rate per period.
    title : str
        Chinese title.
    edges : tuple of float
        Upper year of every band but the last (band *k* covers years ``(edges[k-1], edges[k]]``).
    rates : tuple of float
        One rate per band (``len(edges) + 1``).
    max_year : float
        Latest year the rule covers (``inf`` except for a finite sequence of rates).
    source, vintage, status, note, checked : str
        Provenance from ``discount_schedules.yaml``.
    """

    name: str
    title: str
    edges: tuple[float, ...]
    rates: tuple[float, ...]
    max_year: float = math.inf
    source: str = ""
    vintage: str = ""
    status: str = ""
    note: str = ""
    checked: str = ""

    @property
    def flat(self) -> bool:
        """Whether one rate applies to every year."""
        return len(set(self.rates)) == 1 and math.isinf(self.max_year)

    def rate_at(self, year: float) -> float:
        """The rate r_t used to discount from year t−1 to year t (t > 0)."""
        k = int(np.searchsorted(np.asarray(self.edges), year, side="left"))
        return self.rates[min(k, len(self.rates) - 1)]

    def describe(self) -> str:
        """Short Chinese label, e.g. ``china_2006：8%（…，2006）``."""
        if self.name == "rate":
            return f"固定折现率 {_pct(self.rates[0])}"
        if self.name == "rates":
            return (
                f"逐期折现率（{len(self.rates)} 期：{'、'.join(_pct(r) for r in self.rates[:6])}…）"
            )
        if len(self.rates) == 1:
            body = _pct(self.rates[0])
        else:
            lows = (0, *[int(e) + 1 for e in self.edges])
            highs = (*[str(int(e)) for e in self.edges], "")
            body = "，".join(
                (f"{lo}–{hi} 年" if hi else f"{lo} 年以后") + f" {_pct(r, 3)}"
                for lo, hi, r in zip(lows, highs, self.rates, strict=True)
            )
        extra = f"，{self.vintage}" if self.vintage else ""
        return f"{self.name}：{body}（{self.title}{extra}）"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return _jsonable(
            {
                "name": self.name,
                "title": self.title,
                "edges": list(self.edges),
                "rates": list(self.rates),
                "max_year": None if math.isinf(self.max_year) else self.max_year,
                "source": self.source,
                "vintage": self.vintage,
                "status": self.status,
                "description": self.describe(),
            }
        )


@cache
def _schedule_presets() -> dict[str, Any]:
    return load_yaml("discount_schedules.yaml")


def _preset(name: str) -> DiscountSchedule:
    presets = _schedule_presets()["schedules"]
    if name not in presets:
        raise ValueError(f"未知的折现方案 schedule '{name}'（可用：{'、'.join(presets)}）")
    p = presets[name]
    if "bands" in p:
        edges = tuple(float(b["to"]) for b in p["bands"][:-1])
        rates = tuple(float(b["rate"]) for b in p["bands"])
    else:
        edges, rates = (), (float(p["rate"]),)
    return DiscountSchedule(
        name=name,
        title=p["title"],
        edges=edges,
        rates=rates,
        source=" ".join(str(p.get("source", "")).split()),
        vintage=str(p.get("vintage", "")),
        status=p.get("status", ""),
        note=" ".join(str(p.get("note", "")).split()),
        checked=" ".join(str(p.get("checked", "")).split()),
    )


def discount_schedule(name: str | None = None) -> DiscountSchedule:
    """A named discount-rate preset (default ``china_2006``).

    Parameters
    ----------
    name : str, optional
        ``china_2006`` (8%), ``china_2006_floor`` (6%), ``green_book`` (3.5% declining),
        ``green_book_health`` (1.5% declining), ``green_book_health_table`` (the same as printed,
        2 dp), ``eu_2014_cohesion`` (5%), ``eu_2014_other`` (3%), ``eu_2014_financial`` (4%),
        ``omb_a94_1992`` (7%).

    Returns
    -------
    DiscountSchedule

    Examples
    --------
    >>> discount_schedule("green_book").rate_at(31)
    0.03
    """
    return _preset(name or _schedule_presets()["default"])


def discount_schedules() -> pd.DataFrame:
    """All discount-rate presets with their rates, vintage, status and source.

    Returns
    -------
    DataFrame
        Columns ``name``, ``title``, ``rates``, ``vintage``, ``status``, ``source``, ``default``.
    """
    default = _schedule_presets()["default"]
    rows = []
    for name in _schedule_presets()["schedules"]:
        s = _preset(name)
        rows.append(
            {
                "name": name,
                "title": s.title,
                "rates": "、".join(_pct(r, 3) for r in s.rates),
                "vintage": s.vintage,
                "status": s.status,
                "source": s.source,
                "default": name == default,
            }
        )
    return pd.DataFrame(rows)


def _resolve_discount(rate: Any = None, schedule: Any = None) -> DiscountSchedule:
    """The discounting rule from ``rate`` (number or sequence) or ``schedule`` (name)."""
    if rate is not None and schedule is not None:
        raise ValueError("rate 与 schedule 只能给出其一")
    if isinstance(schedule, DiscountSchedule):
        return schedule
    if schedule is not None:
        if not isinstance(schedule, str):
            raise ValueError(f"schedule 必须是折现方案名称，实际为 {_show(schedule)}")
        return _preset(schedule)
    if rate is None:
        return discount_schedule()
    if isinstance(rate, DiscountSchedule):
        return rate
    if _is_real(rate) or (isinstance(rate, np.ndarray) and rate.ndim == 0):
        r = _check_rate(float(rate) if not _is_real(rate) else rate)
        return DiscountSchedule("rate", f"固定折现率 {_pct(r)}", (), (r,))
    if isinstance(rate, str):
        raise ValueError(f"rate 必须是数值或数值序列，实际为 {_show(rate)}")
    rates = _numeric_array(rate, "rate", ndim=(1,))
    bad = rates[rates <= -1]
    if bad.size:
        raise ValueError(f"rate 必须大于 -1，实际为 {_show(bad[0])}")
    m = rates.size
    return DiscountSchedule(
        "rates",
        f"逐期折现率（{m} 期）",
        tuple(float(k) for k in range(1, m)),
        tuple(float(r) for r in rates),
        max_year=float(m),
    )


def _log_discount(t: np.ndarray, s: DiscountSchedule) -> np.ndarray:
    """log(1/DF(t)) = Σ over bands of (years of t inside the band) × log(1 + r_band)."""
    t = np.asarray(t, dtype=float)
    if np.any(t > s.max_year + 1e-9):
        raise ValueError(
            f"rate 序列只覆盖到第 {_show(s.max_year)} 期，但需要折现到第 {_show(float(t.max()))} 年"
        )
    lr = np.log1p(np.asarray(s.rates, dtype=float))
    if not s.edges:
        return t * lr[0]
    lower = np.concatenate(([0.0], s.edges))
    width = np.diff(np.concatenate((lower, [np.inf])))
    inside = np.clip(np.maximum(t, 0.0)[..., None] - lower, 0.0, width)
    return inside @ lr + np.minimum(t, 0.0) * lr[0]


def _discount(t: np.ndarray, s: DiscountSchedule) -> np.ndarray:
    """Discount factors at times ``t`` (any shape)."""
    if len(s.rates) == 1 and math.isinf(s.max_year):
        return (1.0 + s.rates[0]) ** (-np.asarray(t, dtype=float))
    return np.exp(-_log_discount(t, s))


def discount_factors(
    years: Any, rate: Any = None, schedule: str | DiscountSchedule | None = None
) -> float | pd.Series:
    """Discount factors DF(t) for years t (flat rate, declining schedule or rate per period).

    Parameters
    ----------
    years : number or array-like
        Years from the discounting base (t = 0 is not discounted). May be non-integer and
        negative (before the base: compounded forward at the first band's rate).
    rate : float or sequence, optional
        A flat rate, or a rate per period: ``rate[k]`` discounts from year k to year k+1, so a
        sequence must cover the latest year.
    schedule : str, optional
        A preset name (see :func:`discount_schedules`). Default (neither given): ``china_2006``.

    Returns
    -------
    float or Series
        A float for a scalar year; otherwise a Series named ``discount_factor`` indexed by the
        years (a Series input keeps its index).

    Notes
    -----
    With band rates r_t (r_t applies from year t−1 to t),

    .. math:: DF(t) = \\frac{DF(t-1)}{1 + r_t}, \\qquad DF(0) = 1,

    extended to non-integer t by compounding within the year: DF(t) = DF(⌊t⌋)(1 + r_⌈t⌉)^{⌊t⌋−t}.
    For a flat rate this is (1 + r)^{−t}. Under the Green Book schedule DF(30) = 1.035^{−30} and
    DF(31) = DF(30)/1.03: the long-run rate is never applied from year 0.

    References
    ----------
    .. [1] 《建设项目经济评价方法与参数》（第三版），2006.
    .. [2] HM Treasury, The Green Book, Annex A6 (Discounting).

    Examples
    --------
    >>> round(discount_factors(30, schedule="green_book"), 4)
    0.3563
    >>> discount_factors([0, 1, 2], rate=0.1).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    s = _resolve_discount(rate, schedule)
    if _is_real(years):
        return float(_discount(np.asarray(float(years)), s))
    t = _numeric_array(years, "years", ndim=(1,))
    index = years.index if isinstance(years, pd.Series) else pd.Index(t, name="year")
    return pd.Series(_discount(t, s), index=index, name="discount_factor")


def annuity_factor(
    years: int, rate: Any = None, schedule: str | DiscountSchedule | None = None
) -> float:
    """Present value of 1 a year paid at the end of years 1…n (年金现值系数).

    Parameters
    ----------
    years : int
        Number of years n ≥ 1.
    rate, schedule
        As in :func:`discount_factors` (default ``china_2006``).

    Returns
    -------
    float

    Notes
    -----
    AF = Σ_{t=1}^{n} DF(t); for a flat rate r ≠ 0, AF = (1 − (1 + r)^{−n}) / r, and AF = n at r = 0.

    Examples
    --------
    >>> round(annuity_factor(5, rate=0.10), 4)
    3.7908
    """
    n = _check_number(years, "years")
    if n < 1 or n != int(n):
        raise ValueError(f"years 必须是正整数，实际为 {_show(years)}")
    s = _resolve_discount(rate, schedule)
    if len(s.rates) == 1 and math.isinf(s.max_year):
        r = s.rates[0]
        return float(n) if r == 0 else float((1 - (1 + r) ** -n) / r)
    return float(_discount(np.arange(1, int(n) + 1, dtype=float), s).sum())


def _times(n: int, t0: Any, years: Any = None) -> np.ndarray:
    if years is not None:
        t = _numeric_array(years, "years", ndim=(1,))
        if t.size != n:
            raise ValueError(f"years 与 flows 长度不一致（{t.size} 与 {n}）")
        return t
    return _check_number(t0, "t0") + np.arange(n, dtype=float)
