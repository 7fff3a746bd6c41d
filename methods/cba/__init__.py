"""Cost-benefit, cost-effectiveness and least-cost analysis (成本效益分析法、最低成本法).

The economic-efficiency part of an evaluation (投入经济性, rules.md §4): discounting, indicators,
comparison of alternatives, sensitivity and risk analysis, all vectorised with numpy.

================================  ===========================================================
area                              functions
================================  ===========================================================
discounting                       :func:`discount_factors`, :func:`discount_schedule`,
                                  :func:`discount_schedules`, :func:`annuity_factor`
indicators                        :func:`npv`, :func:`irr`, :func:`mirr`,
                                  :func:`benefit_cost_ratio`, :func:`payback_period`,
                                  :func:`equivalent_annual_cost`, :func:`appraise`
alternatives                      :func:`cost_effectiveness` (ICER, dominance),
                                  :func:`least_cost`
sensitivity                       :func:`elasticities`, :func:`critical_variables`,
                                  :func:`one_way`, :func:`switching_values`, :func:`scenarios`,
                                  :func:`tornado`
risk                              :func:`monte_carlo`, :func:`plot_distribution`
adjustments                       :func:`optimism_bias`, :func:`to_real`, :func:`to_nominal`,
                                  :func:`real_rate`, :func:`nominal_rate`,
                                  :func:`economic_flows`
case files                        :func:`from_spec` → :class:`CBAModel`
================================  ===========================================================

Conventions (each is a parameter, and results report which was used):

* Rates are real annual rates as fractions (0.08 = 8%). When neither ``rate`` nor ``schedule`` is
  given, the preset ``china_2006`` (8%, 《建设项目经济评价方法与参数》第三版 2006) applies. Presets
  with source, vintage and status live in ``methods/_data/discount_schedules.yaml``.
* Declining schedules compound piecewise, DF(t) = DF(t−1)/(1 + r_t); the long-run rate is never
  applied from year 0.
* ``flows[0]`` falls at ``t = t0``. ``t0=0`` is numpy-financial's ``npv`` (first flow undiscounted);
  ``t0=1`` is Excel's ``NPV`` and the year-end convention of 《方法与参数》 (first flow discounted
  once).
* Flows are 1-D (one series) or 2-D (one series per row); a DataFrame's row labels label the
  results. Scalar indicators return floats (arrays / Series for 2-D input); analyses return frozen
  dataclasses with ``.summary()`` (Chinese) and ``.to_dict()`` (JSON-ready, NaN → None).
* A *model* for sensitivity and risk analysis is a callable mapping a dict of variables to the
  indicator (usually NPV). Given arrays it should return an array of the same length: then all
  perturbations or draws are evaluated in one call. Models that cannot take arrays are evaluated
  one point at a time (reported as ``evaluation = "loop"``).
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods._resources import load_yaml
from methods.errors import CaseError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

#: A per-series result: a float for one series, an ndarray (or a labelled Series) for many.
PerSeries = float | np.ndarray | pd.Series

__all__ = [
    "Appraisal",
    "CBAAnalysis",
    "CBAModel",
    "CostEffectiveness",
    "DiscountSchedule",
    "EconomicFlows",
    "IRRResult",
    "LeastCost",
    "MonteCarloResult",
    "OptimismBias",
    "SensitivityResult",
    "Variable",
    "annuity_factor",
    "appraise",
    "benefit_cost_ratio",
    "cost_effectiveness",
    "critical_variables",
    "discount_factors",
    "discount_schedule",
    "discount_schedules",
    "economic_flows",
    "elasticities",
    "equivalent_annual_cost",
    "from_spec",
    "irr",
    "least_cost",
    "mirr",
    "monte_carlo",
    "nominal_rate",
    "npv",
    "one_way",
    "optimism_bias",
    "payback_period",
    "plot_distribution",
    "real_rate",
    "scenarios",
    "switching_values",
    "to_nominal",
    "to_real",
    "tornado",
]

MAX_MC_DRAWS = 1_000_000  # Monte Carlo draws a case file may ask for
MAX_MC_CELLS = 50_000_000  # draws × years × lines held in memory at once (~400 MB of floats)
DEFAULT_SEED = 20200048  # fixed default seed: reports are reproducible unless a seed is given
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
DISTRIBUTIONS = ("triangular", "pert", "normal", "uniform", "discrete")


# ---------------------------------------------------------------------------------------------
# Small helpers: validation, labels, JSON


def _show(x: Any) -> str:
    """A value as it should appear in an error message (``-1.5``, ``'abc'``)."""
    if isinstance(x, bool) or x is None:
        return repr(x)
    if isinstance(x, numbers.Real):
        return f"{float(x):g}"
    return repr(x)


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _pct(x: float | None, digits: int = 2) -> str:
    """A fraction as a percentage: ``_pct(0.0866) == '8.66%'``."""
    if x is None or not np.isfinite(x):
        return "—"
    return fmt.pct(float(x) * 100, digits)


def _numeric_array(x: Any, name: str, *, ndim: tuple[int, ...] = (1, 2)) -> np.ndarray:
    """``x`` as a finite float array with ``ndim`` dimensions; Chinese ValueError otherwise."""
    if isinstance(x, pd.DataFrame | pd.Series):
        dtypes = x.dtypes if isinstance(x, pd.DataFrame) else [x.dtype]
        numeric = all(pd.api.types.is_numeric_dtype(d) for d in dtypes)
        raw = x.to_numpy(dtype=float, na_value=np.nan) if numeric else x.to_numpy(dtype=object)
    else:
        try:
            raw = np.asarray(x)
        except ValueError:
            raise ValueError(f"{name} 各行长度不一致，无法组成二维数组") from None
    if raw.dtype.kind in "biuf":
        arr = raw.astype(float)
    else:
        if raw.dtype.kind != "O":  # a list mixing numbers and text became all text: recover
            raw = np.asarray(x, dtype=object)
        for item in raw.ravel():
            if not _is_real(item):
                shown = item.item() if isinstance(item, np.generic) else item
                raise ValueError(f"{name} 含非数值：{_show(shown)}")
        arr = raw.astype(float)
    if arr.ndim not in ndim:
        want = "、".join(f"{d} 维" for d in ndim)
        raise ValueError(f"{name} 必须是 {want}数组，实际为 {arr.ndim} 维")
    if arr.size == 0 or (arr.ndim >= 1 and arr.shape[-1] == 0):
        raise ValueError(f"{name} 不能为空")
    if not np.isfinite(arr).all():
        pos = np.argwhere(~np.isfinite(arr))[0]
        what = "缺失值（NaN）" if np.isnan(arr[tuple(pos)]) else "无穷大"
        where = "、".join(str(int(p)) for p in pos)
        raise ValueError(f"{name} 含{what}（位置 {where}）")
    return arr


def _flows(x: Any, name: str = "flows") -> tuple[np.ndarray, pd.Index | None]:
    """Flows as a 1-D or 2-D float array plus the row labels of a DataFrame (else None)."""
    rows = x.index if isinstance(x, pd.DataFrame) else None
    return _numeric_array(x, name), rows


def _out(values: np.ndarray, arr: np.ndarray, rows: pd.Index | None, name: str):
    """Shape a per-series result: float for 1-D input, Series for a DataFrame, else ndarray."""
    if arr.ndim == 1:
        return float(np.asarray(values).reshape(-1)[0])
    if rows is not None:
        return pd.Series(values, index=rows, name=name)
    return np.asarray(values)


def _check_number(value: Any, name: str) -> float:
    if not _is_real(value):
        raise ValueError(f"{name} 必须是数值，实际为 {_show(value)}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} 必须是有限数值，实际为 {_show(v)}")
    return v


def _check_rate(value: Any, name: str = "rate") -> float:
    v = _check_number(value, name)
    if v <= -1:
        raise ValueError(f"{name} 必须大于 -1，实际为 {_show(v)}")
    return v


# ---------------------------------------------------------------------------------------------
# Discounting


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


# ---------------------------------------------------------------------------------------------
# Indicators: NPV, IRR, MIRR, B/C, payback, EAC


def npv(
    flows: Any,
    rate: Any = None,
    schedule: str | DiscountSchedule | None = None,
    t0: float = 0,
    *,
    years: Any = None,
) -> PerSeries:
    """Net present value (净现值, NPV / ENPV) of one or many cash-flow series.

    Parameters
    ----------
    flows : array-like
        Net flows (benefits positive, costs negative). 1-D, or 2-D with one series per row.
    rate : float or sequence, optional
        Flat rate or rate per period (see :func:`discount_factors`).
    schedule : str, optional
        Preset name. Default (neither given): ``china_2006`` (8%).
    t0 : float, default 0
        Time of ``flows[0]``. ``0``: numpy-financial's ``npv`` (flows[0] undiscounted); ``1``:
        Excel's ``NPV`` and the year-end convention of 《方法与参数》.
    years : array-like, optional
        Explicit time of each flow (overrides ``t0``), e.g. mid-year timing.

    Returns
    -------
    float, ndarray or Series
        One NPV per series (a Series labelled by a DataFrame's rows).

    Notes
    -----
    .. math:: NPV = \\sum_{i=0}^{n-1} F_i \\, DF(t_0 + i)

    References
    ----------
    .. [1] numpy-financial ``npv`` (Gitman, Principles of Managerial Finance, 2003, p. 346).
    .. [2] Microsoft Excel ``NPV`` function documentation.

    Examples
    --------
    >>> round(npv([-40_000, 5_000, 8_000, 12_000, 30_000], rate=0.08), 5)
    3065.22267
    >>> round(npv([500, 1500, 4000, 10000], rate=0.10, t0=1), 6)  # Excel NPV
    11529.608633
    """
    arr, rows = _flows(flows)
    s = _resolve_discount(rate, schedule)
    df = _discount(_times(arr.shape[-1], t0, years), s)
    return _out(arr @ df, arr, rows, "npv")


def _first_last(C: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nz = C != 0
    n = C.shape[1]
    return nz.any(axis=1), nz.argmax(axis=1), n - 1 - nz[:, ::-1].argmax(axis=1)


def _sign_changes(C: np.ndarray) -> np.ndarray:
    """Number of sign changes per row, zeros skipped (Descartes' rule of signs)."""
    s = np.sign(C)
    n = C.shape[1]
    idx = np.where(s != 0, np.arange(n), -1)
    idx = np.maximum.accumulate(idx, axis=1)
    ff = np.where(idx >= 0, np.take_along_axis(s, np.maximum(idx, 0), axis=1), 0.0)
    return (ff[:, 1:] * ff[:, :-1] < 0).sum(axis=1)


def _powers(x: np.ndarray, n: int) -> np.ndarray:
    """x^0 … x^(n−1) as an (n, len(x)) array, by doubling: log2(n) block products."""
    out = np.empty((n, x.size))
    out[0] = 1.0
    if n > 1:
        out[1] = x
    size, sq = 2, x * x
    with np.errstate(all="ignore"):
        while size < n:
            hi = min(2 * size, n)
            np.multiply(out[: hi - size], sq, out=out[size:hi])
            sq = sq * sq
            size = hi
    return out


def _poly(CT: np.ndarray, dCT: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(x) = Σ c_i x^i and P'(x) for each column of CT (coefficients by rows; x > 0).

    ``dCT`` holds i·c_i for i ≥ 1. Vectorised over series, no loop over periods.
    """
    with np.errstate(all="ignore"):
        pw = _powers(x, CT.shape[0])
        p = np.einsum("ij,ij->j", CT, pw)
        dp = np.einsum("ij,ij->j", dCT, pw[:-1])
    return p, dp


def _irr_conventional(C: np.ndarray, max_iter: int = 200) -> np.ndarray:
    """The unique root of rows with one sign change: Newton safeguarded by bisection, vectorised.

    Works with x = 1/(1 + r) in (0, ∞), where NPV is the polynomial P(x) = Σ c_i x^i. The positive
    root lies inside Cauchy's bounds |c_f| / (|c_f| + M) < x < 1 + M / |c_l| (c_f, c_l the first
    and last non-zero flows, M = max |c_i|); P has the sign of c_f below it and of c_l above it.
    Each iteration shrinks the bracket; a Newton step is taken when it stays inside the bracket
    and at least halves the previous step (as in Numerical Recipes' ``rtsafe``), else the bracket
    is bisected (geometric mean). All rows iterate together; converged rows drop out.
    """
    m, n = C.shape
    k = np.arange(n, dtype=float)
    CT = np.ascontiguousarray(C.T)
    dCT = CT[1:] * k[1:, None]
    _, first, last = _first_last(C)
    rows = np.arange(m)
    cf, cl = C[rows, first], C[rows, last]
    big = np.abs(C).max(axis=1)
    with np.errstate(all="ignore"):
        lo = np.maximum(np.abs(cf) / (np.abs(cf) + big), 1e-300)
        hi = np.minimum(1.0 + big / np.abs(cl), 1e300)
    s_lo = np.sign(cf)
    x = np.clip(np.full(m, 1 / 1.1), lo * 1.000001, hi / 1.000001)  # Excel's guess, r = 10%
    step_old = hi - lo
    active = np.arange(m)
    for _ in range(max_iter):
        if active.size == 0:
            break
        xa, sa = x[active], s_lo[active]
        if active.size == m:
            p, dp = _poly(CT, dCT, xa)
        else:
            p, dp = _poly(CT[:, active], dCT[:, active], xa)
        sign = np.where(np.isfinite(p), np.sign(p), np.where(xa > 1, -sa, sa))
        lo_a = np.where(sign == sa, xa, lo[active])
        hi_a = np.where(sign == -sa, xa, hi[active])
        with np.errstate(all="ignore"):
            step = p / dp
            xn = xa - step
        # converged: P = 0, a Newton step below rounding level, or a collapsed bracket
        done = (sign == 0) | (np.abs(step) <= 1e-13 * xa) | (hi_a - lo_a <= 1e-15 * hi_a)
        newton = (
            np.isfinite(xn)
            & (xn > lo_a)
            & (xn < hi_a)
            & (2 * np.abs(step) <= np.abs(step_old[active]))
        )
        bisect = np.sqrt(lo_a) * np.sqrt(hi_a)  # geometric midpoint, no overflow
        xn = np.where(newton, xn, bisect)
        tiny = np.isfinite(step) & (np.abs(step) <= 1e-13 * xa)
        xn = np.where(done, np.where(tiny, xa - step, xa), xn)
        step_old[active] = np.abs(xn - xa)
        x[active], lo[active], hi[active] = xn, lo_a, hi_a
        active = active[~done]
    return 1.0 / x - 1.0


# Real-root acceptance in _irr_general. A root x of P(x) = Σ c_i x^i is judged by its
# componentwise backward error β(x) = |P(x)| / Σ |c_i| x^i: x is an exact root of flows that
# differ from the given ones by at most β relative (Higham, Accuracy and Stability of Numerical
# Algorithms, 2nd ed., §5.1 and Ex. 5.2).
_IRR_ROOT_TOL = 1e-8  # an eigenvalue with |Im z| <= 1e-6 |z| is a root when β <= 1e-8
_IRR_NEAR_REAL = 1e-6  # such eigenvalues are real up to rounding
_IRR_CLUSTER = 1e-2  # a root of multiplicity m splits into eigenvalues ~ε^(1/m) apart (m <= 7)
_IRR_CLUSTER_TOL = 1e-12  # those, complex in floating point, count only when β reaches 1e-12


def _backward_error(CT: np.ndarray, x: np.ndarray, n: int) -> np.ndarray:
    """β(x) = |P(x)| / Σ|c_i| x^i for each column of CT (coefficients by rows) at its x."""
    with np.errstate(all="ignore"):
        pw = _powers(x, n)
        return np.abs(np.einsum("ij,ij->j", CT, pw)) / np.einsum("ij,ij->j", np.abs(CT), pw)


def _irr_general(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All real roots in (−1, ∞) of rows with several sign changes: companion-matrix eigenvalues.

    Rows are grouped by polynomial degree (a loop over the few distinct degrees, not over rows);
    each group's companion matrices are stacked and solved by one batched ``eigvals`` call.

    Candidates are the eigenvalues z with Re z > 0 that are real up to rounding
    (|Im z| ≤ 1e-6 |z|), and also those within 1e-2 |z| of the real axis: a root of multiplicity
    m is only found to about ε^(1/m) (ε = 2.2e-16), so a double or triple root comes out as a
    close pair or triple, often complex. Each candidate's real part is polished by Newton steps
    (each kept only where it lowers |P|; at a multiple root Newton converges linearly, so up to
    60 steps) and verified by its componentwise backward error
    β(x) = |P(x)| / Σ|c_i| x^i, i.e. NPV ≈ 0 relative to the flows' scale at that rate:
    β ≤ 1e-8 for a real eigenvalue, β ≤ 1e-12 for a complex one (so a genuine complex pair near
    the axis, where NPV only comes close to zero, is not taken for a root).

    Verified roots of a row closer than the solver's precision are one root: consecutive roots
    a < b are merged when NPV at their midpoint is no further from zero than at the roots
    themselves, β((a + b)/2) ≤ max(4 max(β(a), β(b)), 16 n ε) (n periods; 16 n ε bounds the
    rounding of evaluating P). Between two distinct roots NPV moves away from zero, so they stay
    apart however close they are, as long as that excursion is above rounding; the members of a
    split multiple root have nothing between them and merge. A merged root is reported at the
    centroid of its members' eigenvalues (accurate to rounding for a multiple root, while each
    member is only accurate to ε^(1/m)) when NPV there is as close to zero as at the members,
    else at the member with the smallest β. Returns (row index, root r = 1/x − 1) pairs.
    """
    m, n = C.shape
    k = np.arange(n, dtype=float)
    has, first, last = _first_last(C)
    deg = np.where(has, last - first, -1)
    rows_out, xs_out, real_out = [], [], []
    for d in np.unique(deg[deg >= 1]):
        g = np.flatnonzero(deg == d)
        offs = first[g][:, None] + np.arange(d + 1)
        coef = np.take_along_axis(C[g], offs, axis=1)  # ascending powers, c_first … c_last
        comp = np.zeros((g.size, d, d))
        if d > 1:
            comp[:, np.arange(1, d), np.arange(d - 1)] = 1.0
        comp[:, :, -1] = -coef[:, :-1] / coef[:, -1:]
        z = np.linalg.eigvals(comp)
        cand = (np.abs(z.imag) <= _IRR_CLUSTER * np.abs(z)) & (z.real > 0)
        r_idx, c_idx = np.nonzero(cand)
        rows_out.append(g[r_idx])
        xs_out.append(z.real[r_idx, c_idx])
        real_out.append(np.abs(z.imag[r_idx, c_idx]) <= _IRR_NEAR_REAL * np.abs(z[r_idx, c_idx]))
    if not rows_out:
        return np.empty(0, dtype=int), np.empty(0)
    rows = np.concatenate(rows_out)
    x_raw = x = np.concatenate(xs_out)
    real = np.concatenate(real_out)
    CT = np.ascontiguousarray(C[rows].T)
    dCT = CT[1:] * k[1:, None]
    p, dp = _poly(CT, dCT, x)
    for _ in range(60):  # Newton polishing, each step kept only where it reduces |P|
        with np.errstate(all="ignore"):
            xn = x - p / dp
        ok = np.isfinite(xn) & (xn > 0)
        xn = np.where(ok, xn, x)
        pn, dpn = _poly(CT, dCT, xn)
        better = np.isfinite(pn) & (np.abs(pn) < np.abs(p))
        if not better.any():
            break
        x = np.where(better, xn, x)
        p = np.where(better, pn, p)
        dp = np.where(better, dpn, dp)
    beta = _backward_error(CT, x, n)
    keep = np.isfinite(beta) & (beta <= np.where(real, _IRR_ROOT_TOL, _IRR_CLUSTER_TOL))
    order = np.flatnonzero(keep)
    order = order[np.lexsort((x[order], rows[order]))]
    rows, x, x_raw, beta, CT = rows[order], x[order], x_raw[order], beta[order], CT[:, order]
    if rows.size < 2:
        return rows, 1.0 / x - 1.0
    # merge neighbours with NPV no further from zero between them than at them (see docstring)
    noise = 16 * n * np.finfo(float).eps
    beta_mid = _backward_error(CT[:, 1:], 0.5 * (x[1:] + x[:-1]), n)
    merge = (rows[1:] == rows[:-1]) & ~(
        beta_mid > np.maximum(4 * np.maximum(beta[1:], beta[:-1]), noise)
    )
    if not merge.any():
        return rows, 1.0 / x - 1.0
    cluster = np.concatenate([[0], np.cumsum(~merge)])
    size = np.bincount(cluster)
    head = np.concatenate([[0], np.cumsum(size)[:-1]])
    # each cluster is reported once: at the centroid of its eigenvalues (the well-conditioned
    # estimate of a multiple root, whose members scatter ~ε^(1/m) around it) when NPV is as
    # close to zero there as at the members, else at the member closest to NPV = 0
    best = np.lexsort((beta, cluster))[head]
    centroid = np.bincount(cluster, weights=x_raw) / size
    beta_c = _backward_error(CT[:, head], centroid, n)
    worst = np.maximum.reduceat(beta, head)
    use_c = (size > 1) & ~(beta_c > np.minimum(np.maximum(4 * worst, noise), _IRR_ROOT_TOL))
    return rows[head], 1.0 / np.where(use_c, centroid, x[best]) - 1.0


def _irr_arrays(C: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(value, roots padded with NaN, root counts, sign changes) for a 2-D array of flows."""
    m = C.shape[0]
    # flows below rounding level relative to the series (e.g. 5e-324 beside 2.0) are zero: they
    # cannot move a root and would make the companion matrix overflow
    scale = np.abs(C).max(axis=1, keepdims=True)
    C = np.where(np.abs(C) <= 1e-15 * scale, 0.0, C)
    nsc = _sign_changes(C)
    conv = np.flatnonzero(nsc == 1)
    multi = np.flatnonzero(nsc >= 2)
    rows_parts, roots_parts = [], []
    if conv.size:
        rows_parts.append(conv)
        roots_parts.append(_irr_conventional(C[conv]))
    if multi.size:
        r_rows, r_roots = _irr_general(C[multi])
        rows_parts.append(multi[r_rows])
        roots_parts.append(r_roots)
    rows = np.concatenate(rows_parts) if rows_parts else np.empty(0, dtype=int)
    roots = np.concatenate(roots_parts) if roots_parts else np.empty(0)
    order = np.lexsort((roots, rows))
    rows, roots = rows[order], roots[order]
    counts = np.bincount(rows, minlength=m)
    width = int(counts.max()) if m else 0
    padded = np.full((m, width), np.nan)
    start = np.cumsum(counts) - counts
    padded[rows, np.arange(rows.size) - start[rows]] = roots
    value = np.where(counts == 1, padded[:, 0] if width else np.nan, np.nan)
    return value, padded, counts, nsc


@dataclass(frozen=True, eq=False)
class IRRResult:
    """Internal rate(s) of return of one series (scalars) or many (arrays / Series).

    Attributes
    ----------
    value : float, ndarray or Series
        The IRR where NPV = 0 has exactly one real root r > −1; NaN otherwise (no root, or several:
        then no single IRR is reported).
    roots : ndarray or DataFrame
        Every real root in (−1, ∞), ascending. One series: a 1-D array. Many: a 2-D array padded
        with NaN (a DataFrame with columns ``root_1`` … for a DataFrame input).
    unique : bool, ndarray or Series
        Exactly one root.
    n_sign_changes : int, ndarray or Series
        Sign changes of the flows (zeros skipped). One sign change (a *conventional* series) means
        exactly one root by Descartes' rule; more means up to that many.
    n_roots : int, ndarray or Series
        Number of roots found.
    """

    value: Any
    roots: Any
    unique: Any
    n_sign_changes: Any
    n_roots: Any

    @property
    def conventional(self):
        """One sign change (常规现金流)."""
        return self.n_sign_changes == 1

    @property
    def multiple(self):
        """Several roots (非常规现金流 with more than one IRR)."""
        return self.n_roots > 1

    def to_frame(self) -> pd.DataFrame:
        """One row per series: ``irr``, ``n_roots``, ``unique``, ``n_sign_changes``, ``roots``."""
        if np.ndim(self.value) == 0:
            roots = [list(np.asarray(self.roots))]
            index = None
        else:
            arr = np.asarray(self.roots)
            roots = [[float(v) for v in row if np.isfinite(v)] for row in arr]
            index = self.value.index if isinstance(self.value, pd.Series) else None
        return pd.DataFrame(
            {
                "irr": np.atleast_1d(np.asarray(self.value, dtype=float)),
                "n_roots": np.atleast_1d(np.asarray(self.n_roots)),
                "unique": np.atleast_1d(np.asarray(self.unique)),
                "n_sign_changes": np.atleast_1d(np.asarray(self.n_sign_changes)),
                "roots": roots,
            },
            index=index,
        )

    def summary(self) -> str:
        """Chinese summary: the IRR, or why none is reported."""
        if np.ndim(self.value) == 0:
            roots = np.asarray(self.roots)
            if self.unique:
                kind = "常规现金流" if self.conventional else "非常规现金流，但只有一个实根"
                return f"内部收益率 IRR = {_pct(self.value)}（{kind}，唯一解）"
            if self.n_roots == 0:
                return (
                    f"NPV = 0 在 (−100%, +∞) 内无实根（符号变化 {self.n_sign_changes} 次），"
                    "不存在内部收益率"
                )
            listed = "、".join(_pct(r) for r in roots)
            return (
                f"非常规现金流（符号变化 {self.n_sign_changes} 次），NPV = 0 有 {self.n_roots} 个实根："
                f"{listed}；内部收益率不唯一，不报告单一 IRR，请以 NPV 或 MIRR 判断"
            )
        n_roots = np.asarray(self.n_roots)
        return (
            f"共 {n_roots.size:,} 条现金流：唯一 IRR {int((n_roots == 1).sum()):,} 条，"
            f"多个实根 {int((n_roots > 1).sum()):,} 条，无实根 {int((n_roots == 0).sum()):,} 条"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (NaN → None)."""
        if np.ndim(self.value) == 0:
            return _jsonable(
                {
                    "irr": self.value,
                    "roots": list(np.asarray(self.roots)),
                    "unique": bool(self.unique),
                    "n_roots": int(self.n_roots),
                    "n_sign_changes": int(self.n_sign_changes),
                    "summary": self.summary(),
                }
            )
        return {
            "series": _jsonable(self.to_frame().reset_index(drop=True)),
            "summary": self.summary(),
        }


def irr(flows: Any) -> IRRResult:
    """Internal rate of return with every real root reported (内部收益率 IRR / ERR).

    Parameters
    ----------
    flows : array-like
        Net flows, ``flows[0]`` at t = 0. 1-D, or 2-D with one series per row (solved together,
        without a Python loop over series).

    Returns
    -------
    IRRResult
        ``.value`` (the IRR when it is unique, else NaN), ``.roots`` (all real roots in (−1, ∞)),
        ``.unique``, ``.n_sign_changes``, ``.n_roots``.

    Notes
    -----
    The IRR solves NPV(r) = Σ F_i (1 + r)^{−i} = 0. With x = 1/(1 + r) this is the polynomial
    P(x) = Σ F_i x^i, and roots r ∈ (−1, ∞) are the positive real roots x. By Descartes' rule of
    signs, a series with one sign change (conventional) has exactly one; these rows are solved
    together by a Newton iteration safeguarded by bisection inside Cauchy's root bounds. Rows with
    several sign changes can have several roots (or none): they are solved through the eigenvalues
    of their companion matrices (batched per polynomial degree), polished by Newton steps. Every
    root reported is verified: NPV there is zero relative to the flows' scale,
    :math:`|NPV(r)| \\le 10^{-8} \\sum_i |F_i| (1 + r)^{-i}`. A repeated root (NPV touching zero:
    −100, 220, −121 is :math:`-(10 - 11/(1 + r))^2`, a double root at 10%) is reported once:
    roots closer than the solver's precision, with NPV no further from zero between them than
    at them, are one root, placed at the centroid of its eigenvalues. Distinct roots stay apart
    however close (10% and 10.001%). A series with several roots has no meaningful single IRR:
    ``value`` is NaN and ``summary()`` lists the roots (never a silent choice such as "the root
    closest to zero").

    References
    ----------
    .. [1] J. H. Lorie and L. J. Savage, "Three problems in rationing capital", Journal of
       Business 28(4), 1955 (the pump problem: two IRRs, 25% and 400%).
    .. [2] Microsoft Excel ``IRR`` function documentation (−70,000 … 26,000 → 8.66%).

    Examples
    --------
    >>> round(irr([-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]).value, 4)
    0.0866
    >>> res = irr([-1600, 10_000, -10_000])  # Lorie–Savage pump problem
    >>> res.roots.round(4).tolist(), res.unique
    ([0.25, 4.0], False)
    >>> irr([-100, 220, -121]).roots.round(6).tolist()  # double root at 10%, reported once
    [0.1]
    """
    arr, rows = _flows(flows)
    C = arr.reshape(1, -1) if arr.ndim == 1 else arr
    value, padded, counts, nsc = _irr_arrays(C)
    if arr.ndim == 1:
        return IRRResult(
            value=float(value[0]),
            roots=padded[0, : counts[0]].copy(),
            unique=bool(counts[0] == 1),
            n_sign_changes=int(nsc[0]),
            n_roots=int(counts[0]),
        )
    if rows is not None:
        cols = [f"root_{i + 1}" for i in range(padded.shape[1])]
        return IRRResult(
            value=pd.Series(value, index=rows, name="irr"),
            roots=pd.DataFrame(padded, index=rows, columns=cols),
            unique=pd.Series(counts == 1, index=rows, name="unique"),
            n_sign_changes=pd.Series(nsc, index=rows, name="n_sign_changes"),
            n_roots=pd.Series(counts, index=rows, name="n_roots"),
        )
    return IRRResult(value, padded, counts == 1, nsc, counts)


def mirr(flows: Any, finance_rate: float, reinvest_rate: float) -> PerSeries:
    """Modified internal rate of return (修正内部收益率, Excel ``MIRR``).

    Parameters
    ----------
    flows : array-like
        Net flows, ``flows[0]`` at t = 0; 1-D or 2-D (one series per row). At least 2 periods.
    finance_rate : float
        Rate paid on the money invested (applied to the negative flows).
    reinvest_rate : float
        Rate earned on reinvested positive flows.

    Returns
    -------
    float, ndarray or Series
        NaN where the flows lack a positive or a negative value (Excel: ``#DIV/0!``).

    Notes
    -----
    With n flows,

    .. math:: MIRR = \\left(\\frac{\\sum_{F_i>0} F_i (1+r_r)^{n-1-i}}
                     {-\\sum_{F_i<0} F_i (1+r_f)^{-i}}\\right)^{1/(n-1)} - 1

    References
    ----------
    .. [1] Microsoft Excel ``MIRR`` function documentation.

    Examples
    --------
    >>> round(mirr([-120_000, 39_000, 30_000, 21_000, 37_000, 46_000], 0.10, 0.12), 4)
    0.1261
    """
    arr, rows = _flows(flows)
    fr = _check_rate(finance_rate, "finance_rate")
    rr = _check_rate(reinvest_rate, "reinvest_rate")
    n = arr.shape[-1]
    if n < 2:
        raise ValueError("flows 至少需要 2 期才能计算 MIRR")
    k = np.arange(n, dtype=float)
    fv_pos = np.where(arr > 0, arr, 0.0) @ (1 + rr) ** (n - 1 - k)
    pv_neg = np.where(arr < 0, arr, 0.0) @ (1 + fr) ** (-k)
    with np.errstate(all="ignore"):
        out = np.where((fv_pos > 0) & (pv_neg < 0), (fv_pos / -pv_neg) ** (1 / (n - 1)) - 1, np.nan)
    return _out(out, arr, rows, "mirr")


def _pv_pair(benefits, costs, rate, schedule, t0):
    b, rows = _flows(benefits, "benefits")
    c, _ = _flows(costs, "costs")
    if b.shape != c.shape:
        if b.ndim == 1 and c.ndim == 1:
            raise ValueError(f"benefits 与 costs 长度不一致（{b.size} 与 {c.size}）")
        raise ValueError(f"benefits 与 costs 的形状不一致（{b.shape} 与 {c.shape}）")
    s = _resolve_discount(rate, schedule)
    df = _discount(_times(b.shape[-1], t0), s)
    return b @ df, c @ df, b, rows, s


def benefit_cost_ratio(
    benefits: Any,
    costs: Any,
    rate: Any = None,
    schedule: str | DiscountSchedule | None = None,
    t0: float = 0,
) -> PerSeries:
    """Benefit-cost ratio (效益费用比, B/C or BCR): PV of benefits ÷ PV of costs.

    Parameters
    ----------
    benefits, costs : array-like
        Benefits and costs per period as positive amounts, same shape (1-D or 2-D).
    rate, schedule, t0
        As in :func:`npv` (default ``china_2006``, ``t0=0``).

    Returns
    -------
    float, ndarray or Series

    Notes
    -----
    BCR = Σ B_i DF(t_i) / Σ C_i DF(t_i). A project is worth doing at BCR > 1 (NPV > 0).

    Examples
    --------
    >>> round(benefit_cost_ratio([0, 60, 60], [100, 0, 0], rate=0.10), 4)
    1.0413
    """
    pvb, pvc, b, rows, _ = _pv_pair(benefits, costs, rate, schedule, t0)
    bad = np.atleast_1d(pvc)[np.atleast_1d(pvc) <= 0]
    if bad.size:
        raise ValueError(f"costs 的现值必须为正数（成本按正数填写），实际为 {_show(bad[0])}")
    return _out(pvb / pvc, b, rows, "bcr")


def payback_period(
    flows: Any,
    rate: Any = None,
    schedule: str | DiscountSchedule | None = None,
    *,
    t0: float = 0,
    crossing: str = "first",
) -> PerSeries:
    """(Discounted) payback period (投资回收期) with linear interpolation within the year.

    Parameters
    ----------
    flows : array-like
        Net flows, ``flows[0]`` at ``t0``; 1-D or 2-D (one series per row).
    rate, schedule : optional
        Give either for the discounted payback period (动态投资回收期); with neither, the simple
        (static, 静态) payback period. Unlike :func:`npv`, no rate is assumed here.
    t0 : float, default 0
        Time of ``flows[0]``. With 《方法与参数》 tables (year 1 = first column, flows at year-end)
        use ``t0=1``: the result then counts years from the start of year 1.
    crossing : {"first", "last"}
        ``"first"``: the first year the cumulative flow turns non-negative (《方法与参数》);
        ``"last"``: the year after which it stays non-negative (NaN if it ends negative).

    Returns
    -------
    float, ndarray or Series
        Years from t = 0; NaN when never paid back; ``t0`` when nothing needs recovering.

    Notes
    -----
    With cumulative (discounted) flows S_k, and T the index where S turns non-negative,

    .. math:: P_t = t_0 + (T - 1) + \\frac{|S_{T-1}|}{F_T}

    which is 《方法与参数》's P_t = (T − 1) + |Σ_{i<T} (CI − CO)_i| / (CI − CO)_T with years
    numbered from 1 (``t0=1``).

    Examples
    --------
    >>> payback_period([-1000, 300, 400, 500])
    2.6
    """
    arr, rows = _flows(flows)
    if crossing not in ("first", "last"):
        raise ValueError(f"crossing 必须是 'first' 或 'last'，实际为 {_show(crossing)}")
    C = arr.reshape(1, -1) if arr.ndim == 1 else arr
    start = _check_number(t0, "t0")
    if rate is None and schedule is None:
        disc = C
    else:
        s = _resolve_discount(rate, schedule)
        disc = C * _discount(_times(C.shape[1], start), s)
    cum = np.cumsum(disc, axis=1)
    neg = cum < 0
    n = C.shape[1]
    cross = neg[:, :-1] & ~neg[:, 1:]  # cross[:, j]: negative at j, non-negative at j+1
    if crossing == "first":
        found = cross.any(axis=1)
        j = cross.argmax(axis=1)
    else:
        last_neg = n - 1 - neg[:, ::-1].argmax(axis=1)
        found = last_neg < n - 1
        j = np.minimum(last_neg, n - 2)
    rows_i = np.arange(C.shape[0])
    with np.errstate(all="ignore"):
        frac = -cum[rows_i, j] / disc[rows_i, j + 1]
    out = np.where(found, start + j + frac, np.nan)
    out = np.where(~neg.any(axis=1), start, out)
    return _out(out, arr, rows, "payback")


def equivalent_annual_cost(
    costs: Any,
    rate: Any = None,
    years: int | None = None,
    *,
    schedule: str | DiscountSchedule | None = None,
    t0: float = 0,
) -> PerSeries:
    """Equivalent annual cost (等额年成本, EAC): a PV spread over years 1…n as an annuity.

    Parameters
    ----------
    costs : float or array-like
        A present value (then ``years`` is required) or costs per period, ``costs[0]`` at ``t0``
        (1-D or 2-D).
    rate, schedule
        As in :func:`npv` (default ``china_2006``).
    years : int, optional
        Annuity length n. Default for a cost stream: its last year, ``t0 + len(costs) − 1``.
    t0 : float, default 0

    Returns
    -------
    float, ndarray or Series

    Notes
    -----
    EAC = PV / AF(n) with AF the annuity factor (:func:`annuity_factor`).

    References
    ----------
    .. [1] Brealey, Myers and Allen, Principles of Corporate Finance, ch. 6 (equivalent annual
       cash flows: machine A 15, 5, 5, 5 at 6% → PV 28.37, EAC 10.61).

    Examples
    --------
    >>> round(equivalent_annual_cost([15, 5, 5, 5], rate=0.06), 2)
    10.61
    """
    s = _resolve_discount(rate, schedule)
    if _is_real(costs):
        if years is None:
            raise ValueError("costs 为现值时必须给出 years（年金年数）")
        return float(costs) / annuity_factor(years, s)
    arr, rows = _flows(costs, "costs")
    start = _check_number(t0, "t0")
    n_years = years if years is not None else start + arr.shape[-1] - 1
    pv = arr @ _discount(_times(arr.shape[-1], start), s)
    return _out(pv / annuity_factor(n_years, s), arr, rows, "eac")


# ---------------------------------------------------------------------------------------------
# Appraisal of one project


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


# ---------------------------------------------------------------------------------------------
# Alternatives: cost-effectiveness and least cost


def _alternatives_frame(
    alternatives: Any, columns: Sequence[str], name: str | None
) -> pd.DataFrame:
    if isinstance(alternatives, Mapping):
        alternatives = pd.DataFrame.from_dict(dict(alternatives), orient="index")
    if not isinstance(alternatives, pd.DataFrame):
        raise ValueError("alternatives 必须是 DataFrame（每行一个方案）或 {方案名: {...}} 映射")
    if alternatives.empty:
        raise ValueError("alternatives 不能为空")
    for col in columns:
        if col not in alternatives.columns:
            raise ValueError(
                f"alternatives 缺少列 '{col}'（现有：{'、'.join(map(str, alternatives.columns))}）"
            )
    if name is not None:
        if name not in alternatives.columns:
            raise ValueError(f"alternatives 缺少名称列 '{name}'")
        names = alternatives[name].astype(str).tolist()
    elif "name" in alternatives.columns:
        names = alternatives["name"].astype(str).tolist()
    else:
        names = [str(i) for i in alternatives.index]
    if len(set(names)) != len(names):
        raise ValueError("alternatives 的方案名称有重复")
    out = pd.DataFrame({"name": names})
    for col in columns:
        out[col] = _numeric_array(alternatives[col].to_numpy(), f"alternatives['{col}']", ndim=(1,))
    return out


@dataclass(frozen=True, eq=False)
class CostEffectiveness:
    """Cost-effectiveness of mutually exclusive alternatives (成本效果分析).

    Attributes
    ----------
    table : DataFrame
        One row per alternative, by ascending cost: ``name``, ``cost``, ``effect``,
        ``cost_per_effect`` (average ratio), ``inc_cost``, ``inc_effect``, ``icer`` (against the
        previous alternative on the frontier; NaN off the frontier and for the first),
        ``status`` (``ND`` on the frontier, ``D`` strictly dominated, ``ED`` extendedly
        dominated), ``status_zh`` and ``dominated_by``.
    frontier : tuple of str
        Names on the efficiency frontier, by ascending cost.
    effect_unit, cost_unit : str
    """

    table: pd.DataFrame
    frontier: tuple[str, ...]
    cost_unit: str = ""
    effect_unit: str = ""

    def summary(self) -> str:
        t = self.table
        on = t[t["status"] == "ND"]
        parts = [f"有效前沿：{' → '.join(self.frontier)}"]
        icers = [f"{r.name} {fmt.num(r.icer)}" for r in on.itertuples() if np.isfinite(r.icer)]
        unit = f"{self.cost_unit}/{self.effect_unit}" if self.effect_unit else ""
        if icers:
            parts.append(f"增量成本效果比 ICER：{'，'.join(icers)}{unit}")
        for status, label in (("D", "绝对劣势（成本更高且效果不更好）"), ("ED", "扩展劣势")):
            names = t.loc[t["status"] == status, "name"].tolist()
            if names:
                parts.append(f"{'、'.join(names)} 为{label}")
        return "；".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {"table": self.table, "frontier": list(self.frontier), "summary": self.summary()}
        )


def cost_effectiveness(
    alternatives: Any,
    cost: str = "cost",
    effect: str = "effect",
    *,
    name: str | None = None,
    cost_unit: str = "",
    effect_unit: str = "",
) -> CostEffectiveness:
    """Cost per outcome unit, ICERs along the frontier and dominance (成本效果分析).

    Parameters
    ----------
    alternatives : DataFrame or mapping
        One row per mutually exclusive alternative with a cost column and an effect column (costs
        usually as present values). Names from ``name``, else a ``name`` column, else the index.
    cost, effect : str
        Column names.
    name : str, optional
    cost_unit, effect_unit : str
        For the summary (e.g. ``万元``, ``户``).

    Returns
    -------
    CostEffectiveness

    Notes
    -----
    Sort by cost. An alternative is *strictly dominated* (D) if another costs no more and achieves
    at least as much effect (one of them strictly). Among the rest, ICER_i = ΔC/ΔE against the
    previous one; where ICERs fall along the sorted list, the alternative before the fall is
    *extendedly dominated* (ED: a mix of its neighbours does better) and is removed, repeating
    until ICERs increase. Equal cost and effect: the later one is marked D.

    References
    ----------
    .. [1] Drummond et al., Methods for the Economic Evaluation of Health Care Programmes, 4th ed.,
       2015.
    .. [2] R package dampack, ``calculate_icers`` (tests: the HERC example).

    Examples
    --------
    >>> alt = pd.DataFrame(
    ...     {"cost": [5000, 12000, 10000], "effect": [1, 1.5, 2]}, index=["UC", "A", "B"]
    ... )
    >>> cost_effectiveness(alt).table["status"].tolist()
    ['ND', 'ND', 'D']
    """
    df = _alternatives_frame(alternatives, [cost, effect], name)
    df = df.rename(columns={cost: "cost", effect: "effect"})
    df = df.sort_values(["cost", "effect"], ascending=[True, False], kind="stable")
    df = df.reset_index(drop=True)
    c, e = df["cost"].to_numpy(), df["effect"].to_numpy()
    names = df["name"].tolist()
    m = len(df)
    status = np.array(["ND"] * m, dtype=object)
    dominated_by = [""] * m
    # strict dominance: some j with c_j ≤ c_i and e_j ≥ e_i (one strictly), or an exact duplicate
    le_c = c[None, :] <= c[:, None]
    ge_e = e[None, :] >= e[:, None]
    strict = (c[None, :] < c[:, None]) | (e[None, :] > e[:, None])
    dup = (
        (c[None, :] == c[:, None])
        & (e[None, :] == e[:, None])
        & (np.arange(m)[None, :] < np.arange(m)[:, None])
    )
    dom = (le_c & ge_e & strict) | dup
    for i in np.flatnonzero(dom.any(axis=1)):
        status[i] = "D"
        dominated_by[i] = names[int(np.flatnonzero(dom[i])[0])]
    # extended dominance on the remaining, by ascending cost (few alternatives: plain loop)
    nd = [i for i in range(m) if status[i] == "ND"]
    while len(nd) > 2:
        icer = np.diff(c[nd]) / np.diff(e[nd])
        fall = np.flatnonzero(icer[:-1] > icer[1:])
        if not fall.size:
            break
        i = nd[int(fall[0]) + 1]
        status[i] = "ED"
        lo, hi = nd[int(fall[0])], nd[int(fall[0]) + 2]
        dominated_by[i] = f"{names[lo]} 与 {names[hi]} 的组合"
        nd.remove(i)
    inc_c = np.full(m, np.nan)
    inc_e = np.full(m, np.nan)
    inc_c[nd[1:]] = np.diff(c[nd])
    inc_e[nd[1:]] = np.diff(e[nd])
    with np.errstate(all="ignore"):
        df["cost_per_effect"] = np.where(e != 0, c / e, np.nan)
        df["inc_cost"] = inc_c
        df["inc_effect"] = inc_e
        df["icer"] = inc_c / inc_e
    df["status"] = status.astype(str)
    df["status_zh"] = df["status"].map({"ND": "有效前沿", "D": "绝对劣势", "ED": "扩展劣势"})
    df["dominated_by"] = dominated_by
    return CostEffectiveness(df, tuple(names[i] for i in nd), cost_unit, effect_unit)


@dataclass(frozen=True, eq=False)
class LeastCost:
    """Least-cost comparison of alternatives delivering the same output (最低成本法).

    Attributes
    ----------
    table : DataFrame
        One row per alternative, cheapest first on ``basis``: ``name``, ``pv_cost``, ``life``
        (years of the annuity), ``eac``, ``rank``, ``difference`` (to the cheapest, same basis),
        ``difference_pct``.
    basis : str
        ``"pv"`` (present value of costs) or ``"eac"`` (equivalent annual cost).
    cheapest : str
    discounting : DiscountSchedule
    t0 : float
    notes : tuple of str
    """

    table: pd.DataFrame
    basis: str
    cheapest: str
    discounting: DiscountSchedule
    t0: float
    notes: tuple[str, ...] = ()
    unit: str = ""

    def summary(self) -> str:
        label = "费用现值" if self.basis == "pv" else "等额年成本"
        col = "pv_cost" if self.basis == "pv" else "eac"
        t = self.table
        lines = [
            f"最低成本法（按{label}比较；{self.discounting.describe()}）：最低成本方案为 {self.cheapest}"
        ]
        for r in t.itertuples():
            extra = (
                ""
                if r.rank == 1
                else f"，比最低者高 {fmt.num(r.difference)}{self.unit}（{_pct(r.difference_pct)}）"
            )
            lines.append(
                f"  {r.rank}. {r.name}：{label} {fmt.num(getattr(r, col))}{self.unit}{extra}"
            )
        lines.extend(f"提示：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "table": self.table,
                "basis": self.basis,
                "cheapest": self.cheapest,
                "discounting": self.discounting.to_dict(),
                "t0": self.t0,
                "notes": list(self.notes),
                "summary": self.summary(),
            }
        )


def least_cost(
    alternatives: Any,
    rate: Any = None,
    schedule: str | DiscountSchedule | None = None,
    *,
    t0: float = 0,
    basis: str = "auto",
    effects: Mapping[str, float] | None = None,
    unit: str = "",
) -> LeastCost:
    """Compare alternatives delivering the same output by the present value of their costs.

    Parameters
    ----------
    alternatives : mapping or DataFrame
        ``{name: costs per period}`` (positive amounts, ``costs[0]`` at ``t0``; lengths may
        differ) or a DataFrame with one row per alternative and one column per period (trailing
        NaN end a shorter life).
    rate, schedule, t0
        As in :func:`npv` (default ``china_2006``).
    basis : {"auto", "pv", "eac"}
        Ranking basis. ``"auto"``: PV when all lives are equal, else EAC (unequal lives are only
        comparable per year). The basis used is reported.
    effects : mapping, optional
        Output of each alternative; if given it must be equal for all (otherwise use
        :func:`cost_effectiveness`).
    unit : str

    Returns
    -------
    LeastCost

    Notes
    -----
    PV_j = Σ C_{j,i} DF(t0 + i); EAC_j = PV_j / AF(n_j) with n_j = t0 + len_j − 1.

    References
    ----------
    .. [1] 《建设项目经济评价方法与参数》（第三版），2006（费用现值比较法、费用年值比较法）.
    .. [2] Brealey, Myers and Allen, Principles of Corporate Finance, ch. 6 (equivalent annual
       cost for equipment with different lives).

    Examples
    --------
    >>> lc = least_cost({"A": [15, 5, 5, 5], "B": [10, 6, 6]}, rate=0.06)
    >>> lc.basis, lc.cheapest
    ('eac', 'A')
    """
    if basis not in ("auto", "pv", "eac"):
        raise ValueError(f"basis 必须是 'auto'、'pv' 或 'eac'，实际为 {_show(basis)}")
    if isinstance(alternatives, pd.DataFrame):
        items = {str(k): row.dropna().to_numpy() for k, row in alternatives.iterrows()}
    elif isinstance(alternatives, Mapping):
        items = {str(k): v for k, v in alternatives.items()}
    else:
        raise ValueError("alternatives 必须是 {方案名: 各期费用} 映射或 DataFrame")
    if len(items) < 1:
        raise ValueError("alternatives 不能为空")
    s = _resolve_discount(rate, schedule)
    start = _check_number(t0, "t0")
    rows, notes = [], []
    for nm, costs in items.items():
        arr = _numeric_array(costs, f"alternatives['{nm}']", ndim=(1,))
        life = start + arr.size - 1
        pv = float(arr @ _discount(_times(arr.size, start), s))
        eac = pv / annuity_factor(life, s) if life >= 1 else math.nan
        rows.append({"name": nm, "pv_cost": pv, "life": life, "eac": eac})
    table = pd.DataFrame(rows)
    if effects is not None:
        missing = [n for n in table["name"] if n not in effects]
        if missing:
            raise ValueError(f"effects 缺少方案 {'、'.join(missing)} 的产出")
        vals = np.array([_check_number(effects[n], f"effects['{n}']") for n in table["name"]])
        if not np.allclose(vals, vals[0], rtol=1e-9, atol=0):
            raise ValueError(
                "各方案产出（effects）不相同，最低成本法不适用，请改用 cost_effectiveness"
            )
    equal_life = table["life"].nunique() == 1
    used = basis if basis != "auto" else ("pv" if equal_life else "eac")
    if used == "pv" and not equal_life:
        notes.append(
            "各方案寿命期不同，按费用现值比较会偏向短寿命方案，建议按等额年成本（EAC）比较"
        )
    if used == "eac" and basis == "auto":
        notes.append("各方案寿命期不同，自动改按等额年成本（EAC）比较")
    col = "pv_cost" if used == "pv" else "eac"
    table = table.sort_values(col, kind="stable").reset_index(drop=True)
    best = float(table[col].iloc[0])
    table["rank"] = np.arange(1, len(table) + 1)
    table["difference"] = table[col] - best
    table["difference_pct"] = table["difference"] / abs(best) if best else np.nan
    return LeastCost(table, used, str(table["name"].iloc[0]), s, start, tuple(notes), unit)


# ---------------------------------------------------------------------------------------------
# Sensitivity analysis


Model = Callable[[Mapping[str, Any]], Any]


def _check_base(base: Any) -> dict[str, float]:
    if not isinstance(base, Mapping) or not base:
        raise ValueError("base 必须是非空的 {变量名: 基准值} 映射")
    out = {}
    for k, v in base.items():
        if not _is_real(v) and not (isinstance(v, np.ndarray) and v.ndim == 0):
            raise ValueError(f"base['{k}'] 必须是数值，实际为 {_show(v)}")
        out[str(k)] = _check_number(float(v), f"base['{k}']")
    return out


def _check_variables(variables: Any, base: Mapping[str, float]) -> list[str]:
    if variables is None:
        return list(base)
    if isinstance(variables, str):
        variables = [variables]
    names = [str(v) for v in variables]
    if not names:
        raise ValueError("variables 不能为空")
    unknown = [v for v in names if v not in base]
    if unknown:
        raise ValueError(f"variables 含 base 中没有的变量：{'、'.join(unknown)}")
    return names


class _Runner:
    """Evaluate a model at k points: one vectorised call when the model takes arrays, else a loop."""

    def __init__(self, model: Model, base: Mapping[str, float], vectorized: bool | None):
        if not callable(model):
            raise ValueError("model 必须是可调用对象：model({变量名: 值}) → 指标值")
        self.model = model
        self.base = dict(base)
        self.vectorized = vectorized
        self.mode: str | None = None

    def __call__(self, changes: Mapping[str, np.ndarray], k: int) -> np.ndarray:
        if self.vectorized is not False and self.mode != "loop":
            inputs = {n: np.full(k, v) for n, v in self.base.items()}
            inputs.update({n: np.asarray(a, dtype=float) for n, a in changes.items()})
            try:
                out = np.asarray(self.model(inputs), dtype=float)
            except Exception:
                if self.vectorized:
                    raise
                out = None
            if out is not None and out.shape == (k,):
                self.mode = "vectorised"
                return out
            if out is not None and k == 1 and out.size == 1:
                return out.reshape(1)
            if self.vectorized:
                raise ValueError(
                    f"model 对数组输入未返回长度 {k} 的数组（实际形状 {None if out is None else out.shape}）；"
                    "请改写为可接受数组，或设 vectorized=False 逐点计算"
                )
        self.mode = "loop"
        res = np.empty(k)
        for i in range(k):
            inputs = dict(self.base)
            inputs.update({n: float(a[i]) for n, a in changes.items()})
            res[i] = float(np.asarray(self.model(inputs), dtype=float).reshape(-1)[0])
        return res

    def one(self, name: str, value: float) -> float:
        return float(self({name: np.array([value])}, 1)[0])


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """A sensitivity table (elasticities, critical variables, one-way, switching values, scenarios).

    Attributes
    ----------
    kind : str
        ``"elasticities"``, ``"critical"``, ``"one_way"``, ``"switching"`` or ``"scenarios"``.
    table : DataFrame
        Tidy table with fixed English columns (see the function that made it).
    base_npv : float
        The indicator at the base values.
    evaluation : str
        ``"vectorised"`` (one model call) or ``"loop"``.
    settings : dict
        Parameters used (delta, threshold, preset and source, change …).
    notes : tuple of str
    indicator : str
        Name of the model's output (default ``NPV``).
    """

    kind: str
    table: pd.DataFrame
    base_npv: float
    evaluation: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    indicator: str = "NPV"

    @property
    def critical(self) -> list[str]:
        """Variables flagged critical (``kind == "critical"``)."""
        if "critical" not in self.table:
            return []
        return self.table.loc[self.table["critical"], "variable"].tolist()

    def summary(self) -> str:
        ind, t = self.indicator, self.table
        head = f"基准 {ind} = {fmt.num(self.base_npv)}"
        if self.kind in ("elasticities", "critical"):
            lines = [f"{head}；各变量变动 ±{_pct(self.settings.get('delta'))} 时："]
            for r in t.itertuples():
                flag = "（关键变量）" if getattr(r, "critical", False) else ""
                lines.append(
                    f"  {r.variable}：弹性 {fmt.num(r.elasticity, 3)}，{ind} 变动 "
                    f"{_pct(r.pct_change_low)} / {_pct(r.pct_change_high)}{flag}"
                )
            if self.kind == "critical":
                crit = self.critical
                rule = self.settings.get("rule", "")
                lines.append(f"关键变量：{'、'.join(crit) if crit else '无'}（{rule}）")
        elif self.kind == "one_way":
            lines = [f"{head}；单因素变动（按影响幅度排序）："]
            for r in t.itertuples():
                lines.append(
                    f"  {r.variable}：{fmt.num(r.low_value)} → {ind} {fmt.num(r.npv_low)}；"
                    f"{fmt.num(r.high_value)} → {ind} {fmt.num(r.npv_high)}"
                )
        elif self.kind == "switching":
            lines = [f"{head}；临界值（{ind} = 0 时的变量取值）："]
            for r in t.itertuples():
                if np.isfinite(r.switching_value):
                    lines.append(
                        f"  {r.variable}：{fmt.num(r.base_value, 4)} → {fmt.num(r.switching_value, 4)}"
                        f"（变动 {'+' if r.pct_change > 0 else ''}{_pct(r.pct_change)}）"
                    )
                else:
                    lines.append(f"  {r.variable}：无临界值（{r.reason}）")
        else:
            lines = [f"{head}；情景分析："]
            for r in t.itertuples():
                lines.append(
                    f"  {r.scenario}：{ind} = {fmt.num(r.npv)}（较基准 {fmt.num(r.change)}）"
                )
        lines.extend(f"提示：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "kind": self.kind,
                "indicator": self.indicator,
                "base_npv": self.base_npv,
                "evaluation": self.evaluation,
                "settings": dict(self.settings),
                "table": self.table,
                "notes": list(self.notes),
                "summary": self.summary(),
            }
        )


def _perturb(
    model: Model,
    base: Any,
    variables: Any,
    delta: float,
    vectorized: bool | None,
) -> tuple[pd.DataFrame, float, str, list[str]]:
    b = _check_base(base)
    names = _check_variables(variables, b)
    d = _check_number(delta, "delta")
    if not 0 < d < 1:
        raise ValueError(f"delta 必须在 0 与 1 之间，实际为 {_show(d)}")
    v = len(names)
    k = 1 + 2 * v
    changes = {}
    for j, nm in enumerate(names):
        arr = np.full(k, b[nm])
        arr[1 + j] = b[nm] * (1 - d)
        arr[1 + v + j] = b[nm] * (1 + d)
        changes[nm] = arr
    runner = _Runner(model, b, vectorized)
    out = runner(changes, k)
    npv0, low, high = out[0], out[1 : 1 + v], out[1 + v :]
    notes = []
    with np.errstate(all="ignore"):
        pct_low = (low - npv0) / npv0 if npv0 != 0 else np.full(v, np.nan)
        pct_high = (high - npv0) / npv0 if npv0 != 0 else np.full(v, np.nan)
        elasticity = (high - low) / (2 * d * npv0) if npv0 != 0 else np.full(v, np.nan)
    if npv0 == 0:
        notes.append("基准值为 0，百分比变化与弹性无定义")
    zero = [nm for nm in names if b[nm] == 0]
    if zero:
        notes.append(f"{'、'.join(zero)} 的基准值为 0，按比例变动后不变，弹性无意义")
        for j, nm in enumerate(names):
            if nm in zero:
                elasticity[j] = np.nan
    table = pd.DataFrame(
        {
            "variable": names,
            "base_value": [b[nm] for nm in names],
            "low_value": [b[nm] * (1 - d) for nm in names],
            "high_value": [b[nm] * (1 + d) for nm in names],
            "npv_base": npv0,
            "npv_low": low,
            "npv_high": high,
            "pct_change_low": pct_low,
            "pct_change_high": pct_high,
            "elasticity": elasticity,
            "swing": np.abs(high - low),
        }
    )
    return table, float(npv0), runner.mode or "vectorised", notes


def elasticities(
    model: Model,
    base: Mapping[str, float],
    variables: Sequence[str] | None = None,
    delta: float = 0.01,
    *,
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """Elasticity of the indicator (NPV) with respect to each variable (弹性系数).

    Parameters
    ----------
    model : callable
        ``model({name: value}) → NPV``. Given arrays it should return an array: then the base and
        all ±delta perturbations are evaluated in one call.
    base : mapping
        Base values of all variables.
    variables : sequence of str, optional
        Variables to perturb (default: all of ``base``).
    delta : float, default 0.01
        Relative change (±1%).
    vectorized : bool, optional
        ``None`` (default): try one vectorised call, fall back to a loop. ``True``: require it.
        ``False``: loop.
    indicator : str
        Label of the model's output.

    Returns
    -------
    SensitivityResult
        ``table`` columns: ``variable``, ``base_value``, ``low_value``, ``high_value``,
        ``npv_base``, ``npv_low``, ``npv_high``, ``pct_change_low``, ``pct_change_high``,
        ``elasticity``, ``swing``.

    Notes
    -----
    Central difference: E = [(NPV(x(1+δ)) − NPV(x(1−δ))) / NPV₀] / (2δ). Percentage changes are
    relative to the signed base NPV₀.

    References
    ----------
    .. [1] European Commission, Guide to Cost-Benefit Analysis of Investment Projects, 2014,
       §2.10 (sensitivity analysis: elasticities and critical variables).

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> e = elasticities(model, {"benefit": 20.0, "cost": 100.0})
    >>> e.table["elasticity"].round(3).tolist()
    [2.0, -1.0]
    """
    table, npv0, mode, notes = _perturb(model, base, variables, delta, vectorized)
    return SensitivityResult(
        "elasticities", table, npv0, mode, {"delta": delta}, tuple(notes), indicator
    )


def _sensitivity_preset(name: str) -> Mapping[str, Any]:
    presets = _schedule_presets().get("sensitivity", {})
    if not isinstance(name, str) or name not in presets:
        raise ValueError(f"未知的敏感性分析预设 preset '{name}'（可用：{'、'.join(presets)}）")
    return presets[name]


def critical_variables(
    model: Model,
    base: Mapping[str, float],
    variables: Sequence[str] | None = None,
    *,
    delta: float | None = None,
    threshold: float | None = None,
    preset: str = "eu_2014",
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """Critical variables: a ±1% change moves NPV by more than 1% (EU 2014 CBA guide).

    Parameters
    ----------
    model, base, variables, vectorized, indicator
        As in :func:`elasticities`.
    delta, threshold : float, optional
        Relative change of the variable and of NPV; default from ``preset``.
    preset : str, default ``"eu_2014"``
        From ``discount_schedules.yaml`` → ``sensitivity`` (δ = 1%, threshold 1%).

    Returns
    -------
    SensitivityResult
        As :func:`elasticities` plus the boolean column ``critical``; ``.critical`` lists them.

    Notes
    -----
    A variable is critical if max(|ΔNPV₋/NPV₀|, |ΔNPV₊/NPV₀|) > threshold for x·(1 ± δ). With a
    base NPV of 0 every variable that moves NPV is flagged.

    References
    ----------
    .. [1] European Commission, Guide to Cost-Benefit Analysis of Investment Projects, 2014,
       §2.10 (sensitivity analysis).

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> critical_variables(model, {"benefit": 20.0, "cost": 100.0}).critical
    ['benefit']
    """
    p = _sensitivity_preset(preset)
    d = float(p["delta"]) if delta is None else delta
    th = float(p["threshold"]) if threshold is None else _check_number(threshold, "threshold")
    table, npv0, mode, notes = _perturb(model, base, variables, d, vectorized)
    worst = np.maximum(table["pct_change_low"].abs(), table["pct_change_high"].abs())
    if npv0 == 0:
        table["critical"] = table["swing"] > 0
    else:
        table["critical"] = (worst > th).to_numpy()
    settings = {
        "delta": d,
        "threshold": th,
        "preset": preset,
        "rule": p.get("rule", ""),
        "source": " ".join(str(p.get("source", "")).split()),
        "status": p.get("status", ""),
    }
    return SensitivityResult("critical", table, npv0, mode, settings, tuple(notes), indicator)


def one_way(
    model: Model,
    base: Mapping[str, float],
    variables: Sequence[str] | None = None,
    change: float = 0.2,
    *,
    ranges: Mapping[str, Sequence[float]] | None = None,
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """One-way sensitivity over a range per variable (单因素敏感性分析; data for :func:`tornado`).

    Parameters
    ----------
    model, base, variables, vectorized, indicator
        As in :func:`elasticities`.
    change : float, default 0.2
        Relative change ±20% for variables without an explicit range.
    ranges : mapping, optional
        ``{variable: (low, high)}`` absolute values.

    Returns
    -------
    SensitivityResult
        ``table`` (largest swing first): ``variable``, ``base_value``, ``low_value``,
        ``high_value``, ``npv_base``, ``npv_low``, ``npv_high``, ``swing``.

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> one_way(model, {"benefit": 20.0, "cost": 100.0}).table["variable"].tolist()
    ['benefit', 'cost']
    """
    b = _check_base(base)
    names = _check_variables(variables, b)
    ch = _check_number(change, "change")
    ranges = dict(ranges or {})
    unknown = [k for k in ranges if k not in b]
    if unknown:
        raise ValueError(f"ranges 含 base 中没有的变量：{'、'.join(unknown)}")
    names = list(dict.fromkeys([*names, *ranges]))
    lows, highs = [], []
    for nm in names:
        if nm in ranges:
            pair = _numeric_array(ranges[nm], f"ranges['{nm}']", ndim=(1,))
            if pair.size != 2:
                raise ValueError(f"ranges['{nm}'] 必须是 (低值, 高值)")
            lows.append(pair[0])
            highs.append(pair[1])
        else:
            lows.append(b[nm] * (1 - ch))
            highs.append(b[nm] * (1 + ch))
    v = len(names)
    k = 1 + 2 * v
    changes = {}
    for j, nm in enumerate(names):
        arr = np.full(k, b[nm])
        arr[1 + j], arr[1 + v + j] = lows[j], highs[j]
        changes[nm] = arr
    runner = _Runner(model, b, vectorized)
    out = runner(changes, k)
    table = pd.DataFrame(
        {
            "variable": names,
            "base_value": [b[nm] for nm in names],
            "low_value": lows,
            "high_value": highs,
            "npv_base": out[0],
            "npv_low": out[1 : 1 + v],
            "npv_high": out[1 + v :],
        }
    )
    table["swing"] = (table["npv_high"] - table["npv_low"]).abs()
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    settings = {"change": ch, "ranges": {k: list(map(float, v)) for k, v in ranges.items()}}
    return SensitivityResult(
        "one_way", table, float(out[0]), runner.mode or "vectorised", settings, (), indicator
    )


_SWITCH_GRID = np.array(
    [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5,
     0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0]
)  # fmt: skip


def switching_values(
    model: Model,
    base: Mapping[str, float],
    variables: Sequence[str] | None = None,
    *,
    max_change: float = 10.0,
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """Switching values (临界值): the value of each variable at which NPV = 0, others at base.

    Parameters
    ----------
    model, base, variables, vectorized, indicator
        As in :func:`elasticities`.
    max_change : float, default 10
        Search relative changes in [−max_change, +max_change] (±1000%).

    Returns
    -------
    SensitivityResult
        ``table``: ``variable``, ``base_value``, ``switching_value``, ``pct_change`` (fraction;
        +0.35 = +35%), ``npv_base``, ``reason`` (why there is none; empty otherwise),
        ``other_side`` (a crossing also exists in the other direction).

    Notes
    -----
    For each variable, NPV is evaluated on a grid of relative changes (all variables and grid
    points in one vectorised call). The sign change nearest to the base value brackets the root,
    which ``scipy.optimize.brentq`` then solves to 1e-12. No sign change in the range gives NaN
    with a reason (NPV does not depend on the variable, or does not change sign).

    References
    ----------
    .. [1] HM Treasury, The Green Book, 2003, §5.70 (switching values).

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> sv = switching_values(model, {"benefit": 20.0, "cost": 100.0})
    >>> sv.table["switching_value"].round(6).tolist(), sv.table["pct_change"].round(6).tolist()
    ([10.0, 200.0], [-0.5, 1.0])
    """
    from scipy.optimize import brentq

    b = _check_base(base)
    names = _check_variables(variables, b)
    mc = _check_number(max_change, "max_change")
    if mc <= 0:
        raise ValueError(f"max_change 必须大于 0，实际为 {_show(mc)}")
    grid = np.unique(np.concatenate((_SWITCH_GRID[_SWITCH_GRID < mc], [mc])))
    g = grid.size
    v = len(names)
    k = 1 + 2 * g * v
    changes = {}
    for j, nm in enumerate(names):
        arr = np.full(k, b[nm])
        s = 1 + 2 * g * j
        arr[s : s + g] = b[nm] * (1 + grid)
        arr[s + g : s + 2 * g] = b[nm] * (1 - grid)
        changes[nm] = arr
    runner = _Runner(model, b, vectorized)
    out = runner(changes, k)
    npv0 = float(out[0])
    rows = []
    for j, nm in enumerate(names):
        s = 1 + 2 * g * j
        row = {"variable": nm, "base_value": b[nm], "switching_value": np.nan, "pct_change": np.nan,
               "npv_base": npv0, "reason": "", "other_side": False}  # fmt: skip
        if npv0 == 0:
            row.update(switching_value=b[nm], pct_change=0.0, reason="")
            rows.append(row)
            continue
        if b[nm] == 0:
            row["reason"] = "基准值为 0，无法按比例变动"
            rows.append(row)
            continue
        brackets = []
        for side, vals in ((1.0, out[s : s + g]), (-1.0, out[s + g : s + 2 * g])):
            # first sign change before the first invalid (NaN/inf) grid value, if any
            stop = int(np.argmin(np.isfinite(vals))) if not np.isfinite(vals).all() else g
            flips = np.flatnonzero(np.sign(vals[:stop]) != np.sign(npv0))
            if flips.size:
                j = int(flips[0])
                brackets.append((side * (grid[j - 1] if j else 0.0), side * grid[j]))
        if not brackets:
            seg = out[s : s + 2 * g]
            flat = np.allclose(seg[np.isfinite(seg)], npv0, rtol=1e-12, atol=1e-12 * abs(npv0))
            row["reason"] = (
                f"{indicator} 不随该变量变化"
                if flat
                else f"在 ±{_pct(mc, 0)} 范围内 {indicator} 不变号"
            )
            rows.append(row)
            continue
        a, c = min(brackets, key=lambda br: abs(br[1]))
        row["other_side"] = len(brackets) > 1

        def f(p, nm=nm):
            return runner.one(nm, b[nm] * (1 + p))

        root = brentq(f, a, c, xtol=1e-14, rtol=1e-12, maxiter=200)
        row.update(switching_value=b[nm] * (1 + root), pct_change=root)
        rows.append(row)
    table = pd.DataFrame(rows)
    notes = []
    if table["other_side"].any():
        notes.append(
            f"{'、'.join(table.loc[table['other_side'], 'variable'])} 向两个方向变动都可能使 "
            f"{indicator} 变号，表中为离基准值较近的一个"
        )
    return SensitivityResult(
        "switching",
        table,
        npv0,
        runner.mode or "vectorised",
        {"max_change": mc, "method": "grid + scipy.optimize.brentq"},
        tuple(notes),
        indicator,
    )


_REL = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$")


def _scenario_value(value: Any, base_value: float, where: str) -> float:
    """A scenario or distribution value: a number (absolute) or ``"+10%"`` (relative to base)."""
    if isinstance(value, str):
        m = _REL.match(value)
        if not m:
            raise ValueError(f"{where} 必须是数值或 '+10%' 形式的相对变动，实际为 {_show(value)}")
        return base_value * (1 + float(m.group(1)) / 100)
    return _check_number(value, where)


def scenarios(
    model: Model,
    base: Mapping[str, float],
    scenarios: Mapping[str, Mapping[str, Any]],
    *,
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """Scenario analysis (情景分析): NPV when several variables change together.

    Parameters
    ----------
    model, base, vectorized, indicator
        As in :func:`elasticities`.
    scenarios : mapping
        ``{scenario: {variable: value}}``; a value is absolute, or relative as ``"+10%"`` /
        ``"-20%"``. Variables not named stay at base.

    Returns
    -------
    SensitivityResult
        ``table``: ``scenario`` (``基准`` first), ``npv``, ``change``, ``pct_change`` and one column
        per variable with its value.

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> sc = scenarios(
    ...     model, {"benefit": 20.0, "cost": 100.0}, {"悲观": {"benefit": "-20%", "cost": "+10%"}}
    ... )
    >>> sc.table["npv"].round(6).tolist()
    [100.0, 50.0]
    """
    b = _check_base(base)
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise ValueError("scenarios 必须是非空的 {情景名: {变量名: 值}} 映射")
    names = ["基准", *[str(s) for s in scenarios]]
    k = len(names)
    values = {nm: np.full(k, b[nm]) for nm in b}
    for i, (sc, spec) in enumerate(scenarios.items(), start=1):
        if not isinstance(spec, Mapping):
            raise ValueError(f"scenarios['{sc}'] 必须是 {{变量名: 值}} 映射")
        for var, val in spec.items():
            if var not in b:
                raise ValueError(f"scenarios['{sc}'] 含未知变量 '{var}'")
            values[var][i] = _scenario_value(val, b[var], f"scenarios['{sc}']['{var}']")
    runner = _Runner(model, b, vectorized)
    out = runner(values, k)
    table = pd.DataFrame({"scenario": names, "npv": out})
    table["change"] = table["npv"] - out[0]
    table["pct_change"] = table["change"] / abs(out[0]) if out[0] != 0 else np.nan
    for nm in b:
        table[nm] = values[nm]
    return SensitivityResult(
        "scenarios", table, float(out[0]), runner.mode or "vectorised", {}, (), indicator
    )


def tornado(
    sensitivity_table: Any, ax: Axes | None = None, *, title: str | None = None, unit: str = ""
) -> Axes:
    """Tornado chart: NPV at the low and high value of each variable, largest swing on top.

    Parameters
    ----------
    sensitivity_table : SensitivityResult or DataFrame
        From :func:`one_way` or :func:`elasticities` (columns ``variable``, ``npv_low``,
        ``npv_high`` and ``npv_base``).
    ax : matplotlib Axes, optional
    title : str, optional
    unit : str
        Money unit for the axis label.

    Returns
    -------
    matplotlib.axes.Axes
    """
    family = _cjk_family()
    import matplotlib.pyplot as plt

    if isinstance(sensitivity_table, SensitivityResult):
        table = sensitivity_table.table
        base = sensitivity_table.base_npv
        indicator = sensitivity_table.indicator
    elif isinstance(sensitivity_table, pd.DataFrame):
        table = sensitivity_table
        indicator = "NPV"
        base = float(table["npv_base"].iloc[0]) if "npv_base" in table else math.nan
    else:
        raise ValueError("sensitivity_table 必须是 SensitivityResult 或 DataFrame")
    for col in ("variable", "npv_low", "npv_high"):
        if col not in table:
            raise ValueError(f"sensitivity_table 缺少列 '{col}'")
    if not np.isfinite(base):
        raise ValueError("sensitivity_table 缺少基准值 npv_base")
    t = table.assign(swing=(table["npv_high"] - table["npv_low"]).abs())
    t = t.sort_values("swing", kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.5 * len(t) + 1.6))
    y = np.arange(len(t))
    low = t["npv_low"].to_numpy(dtype=float)
    high = t["npv_high"].to_numpy(dtype=float)
    ax.barh(y, low - base, left=base, color="#C0392B", height=0.6, label="变量取低值")
    ax.barh(y, high - base, left=base, color="#2F6DB5", height=0.6, label="变量取高值")
    ax.axvline(base, color="#333333", linewidth=1)
    ax.set_yticks(y, t["variable"].astype(str).tolist(), fontfamily=family)
    ax.set_xlabel(f"{indicator}" + (f"（{unit}）" if unit else ""), fontfamily=family)
    ax.set_title(title or f"{indicator} 敏感性（龙卷风图）", fontfamily=family)
    ax.legend(loc="lower right", frameon=False, prop={"family": family, "size": 8})
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _cjk_family() -> list[str]:
    """Register the bundled CJK font and return the font family list to pass to texts.

    Texts of an Axes created before registration keep their old font; passing the family
    explicitly makes Chinese render on such Axes too.
    """
    import matplotlib as mpl

    from methods import fonts

    fonts.register()
    return list(mpl.rcParams["font.family"])


# ---------------------------------------------------------------------------------------------
# Monte Carlo risk analysis


def _dist_spec(name: str, spec: Any, base_value: float | None) -> dict[str, Any]:
    """Normalise a distribution spec to a dict with absolute parameters (validated)."""
    where = f"distributions['{name}']"
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        if not spec:
            raise ValueError(f"{where} 不能为空")
        kind, *params = spec
        keys = {
            "triangular": ("min", "mode", "max"),
            "pert": ("min", "mode", "max", "lambda"),
            "normal": ("mean", "sd"),
            "uniform": ("low", "high"),
            "discrete": ("values", "probabilities"),
        }.get(str(kind))
        if keys is None:
            raise ValueError(
                f"{where} 的分布类型 '{kind}' 未知（可用：{'、'.join(DISTRIBUTIONS)}）"
            )
        if len(params) > len(keys):
            raise ValueError(f"{where} 的参数过多（{kind} 需要 {'、'.join(keys)}）")
        spec = {"dist": kind, **dict(zip(keys, params, strict=False))}
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where} 必须是 {{'dist': ..., 参数}} 映射或 (分布, 参数...) 元组")
    kind = spec.get("dist")
    if kind not in DISTRIBUTIONS:
        raise ValueError(f"{where} 的分布类型 '{kind}' 未知（可用：{'、'.join(DISTRIBUTIONS)}）")
    bv = 0.0 if base_value is None else base_value

    def num(key: str, default: Any = None) -> float:
        if key not in spec:
            if default is None:
                raise ValueError(f"{where} 缺少参数 '{key}'")
            return float(default)
        return _scenario_value(spec[key], bv, f"{where}['{key}']")

    out: dict[str, Any] = {"dist": kind}
    if kind in ("triangular", "pert"):
        lo, mode, hi = num("min"), num("mode"), num("max")
        if not lo <= mode <= hi:
            raise ValueError(
                f"{where} 需满足 min ≤ mode ≤ max，实际为 {_show(lo)}、{_show(mode)}、{_show(hi)}"
            )
        out.update(min=lo, mode=mode, max=hi)
        if kind == "pert":
            lam = num("lambda", 4.0)
            if lam <= 0:
                raise ValueError(f"{where} 的 lambda 必须大于 0，实际为 {_show(lam)}")
            out["lambda"] = lam
    elif kind == "normal":
        mean, sd = num("mean"), num("sd")
        if sd < 0:
            raise ValueError(f"{where} 的 sd 必须不小于 0，实际为 {_show(sd)}")
        out.update(mean=mean, sd=sd)
    elif kind == "uniform":
        lo, hi = num("low"), num("high")
        if lo > hi:
            raise ValueError(f"{where} 需满足 low ≤ high，实际为 {_show(lo)}、{_show(hi)}")
        out.update(low=lo, high=hi)
    else:
        if "values" not in spec or "probabilities" not in spec:
            raise ValueError(f"{where} 需要 values 与 probabilities")
        vals = np.array(
            [_scenario_value(x, bv, f"{where}['values']") for x in spec["values"]], dtype=float
        )
        probs = _numeric_array(spec["probabilities"], f"{where}['probabilities']", ndim=(1,))
        if vals.size == 0 or vals.size != probs.size:
            raise ValueError(
                f"{where} 的 values 与 probabilities 长度不一致（{vals.size} 与 {probs.size}）"
            )
        if (probs < 0).any() or abs(probs.sum() - 1) > 1e-9:
            raise ValueError(
                f"{where} 的 probabilities 必须非负且和为 1，实际和为 {_show(probs.sum())}"
            )
        out.update(values=vals.tolist(), probabilities=probs.tolist())
    return out


def _draw(spec: Mapping[str, Any], n: int, rng: np.random.Generator) -> np.ndarray:
    kind = spec["dist"]
    if kind in ("triangular", "pert"):
        lo, mode, hi = spec["min"], spec["mode"], spec["max"]
        if hi == lo:
            return np.full(n, lo)
        if kind == "triangular":
            return rng.triangular(lo, mode, hi, n)
        lam = spec["lambda"]
        a = 1 + lam * (mode - lo) / (hi - lo)
        b = 1 + lam * (hi - mode) / (hi - lo)
        return lo + (hi - lo) * rng.beta(a, b, n)
    if kind == "normal":
        return rng.normal(spec["mean"], spec["sd"], n)
    if kind == "uniform":
        return rng.uniform(spec["low"], spec["high"], n)
    return rng.choice(np.asarray(spec["values"]), size=n, p=np.asarray(spec["probabilities"]))


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Seeded Monte Carlo risk analysis of an indicator (风险分析).

    Attributes
    ----------
    indicator : str
    n, seed : int
    values : ndarray
        The indicator per draw (for histograms and cumulative curves).
    draws : DataFrame
        The sampled variables, one column per variable with a distribution.
    mean, median, sd : float
        Over the finite values (sd with ddof = 1).
    percentiles : Series
        P5, P10, P25, P50, P75, P90, P95 (numpy ``linear`` method), indexed by percent.
    p_negative : float
        P(indicator < 0).
    reference : float or None
    p_below_reference : float
        P(indicator ≤ reference); NaN without a reference.
    base_value : float
        The indicator at the base values.
    distributions : dict
        The normalised distribution specs used.
    n_invalid : int
        Draws where the model returned NaN or inf (excluded from the statistics).
    evaluation : str
        ``"vectorised"`` or ``"loop"``.
    """

    indicator: str
    n: int
    seed: Any
    values: np.ndarray
    draws: pd.DataFrame
    mean: float
    median: float
    sd: float
    percentiles: pd.Series
    p_negative: float
    reference: float | None
    p_below_reference: float
    base_value: float
    distributions: Mapping[str, Any]
    n_invalid: int = 0
    evaluation: str = "vectorised"
    unit: str = ""

    def cdf(self, x: float) -> float:
        """P(indicator ≤ x) over the finite draws."""
        v = self.values[np.isfinite(self.values)]
        return float((v <= x).mean()) if v.size else math.nan

    def summary(self) -> str:
        u, ind = self.unit, self.indicator
        p = self.percentiles
        dists = "、".join(f"{k}~{v['dist']}" for k, v in self.distributions.items())
        lines = [
            f"蒙特卡洛模拟 {self.n:,} 次（随机种子 {self.seed}，{dists}）",
            f"{ind} 均值 {fmt.num(self.mean)}{u}，中位数 {fmt.num(self.median)}{u}，"
            f"标准差 {fmt.num(self.sd)}{u}；基准值 {fmt.num(self.base_value)}{u}",
            f"P5–P95：{fmt.num(p.loc[5])} ~ {fmt.num(p.loc[95])}{u}；"
            f"P({ind} < 0) = {_pct(self.p_negative)}",
        ]
        if self.reference is not None:
            lines.append(f"P({ind} ≤ {fmt.num(self.reference)}) = {_pct(self.p_below_reference)}")
        if self.n_invalid:
            lines.append(f"提示：{self.n_invalid} 次抽样的结果无效（NaN/inf），已剔除")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Statistics (not the draws) as JSON-ready values."""
        return _jsonable(
            {
                "indicator": self.indicator,
                "n": self.n,
                "seed": self.seed if isinstance(self.seed, int | None) else str(self.seed),
                "mean": self.mean,
                "median": self.median,
                "sd": self.sd,
                "percentiles": {f"p{k}": v for k, v in self.percentiles.items()},
                "p_negative": self.p_negative,
                "reference": self.reference,
                "p_below_reference": self.p_below_reference,
                "base_value": self.base_value,
                "distributions": dict(self.distributions),
                "n_invalid": self.n_invalid,
                "evaluation": self.evaluation,
                "summary": self.summary(),
            }
        )


def monte_carlo(
    model: Model,
    base: Mapping[str, float],
    distributions: Mapping[str, Any],
    n: int = 10_000,
    seed: int | np.random.Generator | None = DEFAULT_SEED,
    *,
    reference: float | None = None,
    vectorized: bool = True,
    indicator: str = "NPV",
    unit: str = "",
) -> MonteCarloResult:
    """Monte Carlo simulation of the indicator over uncertain variables (seeded, vectorised).

    Parameters
    ----------
    model : callable
        ``model({name: array}) → array`` of length ``n``: called once with all draws.
    base : mapping
        Base values; variables without a distribution stay at base (passed as constant arrays).
    distributions : mapping
        ``{variable: spec}`` with spec a dict or a tuple:

        * ``{"dist": "triangular", "min", "mode", "max"}``
        * ``{"dist": "pert", "min", "mode", "max", "lambda": 4}`` (Beta-PERT)
        * ``{"dist": "normal", "mean", "sd"}``
        * ``{"dist": "uniform", "low", "high"}``
        * ``{"dist": "discrete", "values": [...], "probabilities": [...]}``

        Parameters may be relative to the base value as strings (``"-10%"``).
    n : int, default 10000
    seed : int or Generator, default :data:`DEFAULT_SEED`
        Same seed and inputs → identical numbers. Variables are drawn in the order given.
    reference : float, optional
        Also report P(indicator ≤ reference).
    vectorized : bool, default True
        ``False`` evaluates draw by draw (slow; for models that cannot take arrays).
    indicator, unit : str

    Returns
    -------
    MonteCarloResult

    Notes
    -----
    PERT: X = min + (max − min)·Beta(α, β), α = 1 + λ(mode − min)/(max − min),
    β = 1 + λ(max − mode)/(max − min), so E[X] = (min + λ·mode + max)/(λ + 2) (λ = 4:
    (a + 4m + b)/6). Percentiles use numpy's default (linear) method.

    References
    ----------
    .. [1] European Commission, Guide to Cost-Benefit Analysis of Investment Projects, 2014,
       §2.10 (probabilistic risk analysis).
    .. [2] D. G. Malcolm, J. H. Roseboom, C. E. Clark and W. Fazar, "Application of a technique
       for research and development program evaluation", Operations Research 7(5), 1959 (PERT).

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> mc = monte_carlo(
    ...     model,
    ...     {"benefit": 20.0, "cost": 100.0},
    ...     {"benefit": ("triangular", 8, 20, 24)},
    ...     n=2000,
    ...     seed=1,
    ... )
    >>> 0 < mc.p_negative < 0.05  # exact: (10 − 8)² / ((24 − 8)(20 − 8)) = 2.08%
    True
    """
    b = _check_base(base)
    if not isinstance(distributions, Mapping) or not distributions:
        raise ValueError("distributions 必须是非空的 {变量名: 分布} 映射")
    unknown = [k for k in distributions if k not in b]
    if unknown:
        raise ValueError(f"distributions 含 base 中没有的变量：{'、'.join(map(str, unknown))}")
    nn = _check_number(n, "n")
    if nn < 1 or nn != int(nn):
        raise ValueError(f"n 必须是正整数，实际为 {_show(n)}")
    nn = int(nn)
    specs = {str(k): _dist_spec(str(k), v, b[str(k)]) for k, v in distributions.items()}
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = {k: _draw(s, nn, rng) for k, s in specs.items()}
    runner = _Runner(model, b, True if vectorized else False)
    values = runner(draws, nn)
    base_value = runner({}, 1)[0] if vectorized else float(model(dict(b)))
    ok = np.isfinite(values)
    v = values[ok]
    ref = None if reference is None else _check_number(reference, "reference")
    if v.size:
        pct = np.percentile(v, PERCENTILES)
        stats = (float(v.mean()), float(np.median(v)), float(v.std(ddof=1)) if v.size > 1 else 0.0)
        p_neg = float((v < 0).mean())
        p_ref = float((v <= ref).mean()) if ref is not None else math.nan
    else:
        pct = np.full(len(PERCENTILES), np.nan)
        stats = (math.nan, math.nan, math.nan)
        p_neg = p_ref = math.nan
    return MonteCarloResult(
        indicator=indicator,
        n=nn,
        seed=seed if not isinstance(seed, np.random.Generator) else "Generator",
        values=values,
        draws=pd.DataFrame(draws),
        mean=stats[0],
        median=stats[1],
        sd=stats[2],
        percentiles=pd.Series(pct, index=pd.Index(PERCENTILES, name="percent"), name=indicator),
        p_negative=p_neg,
        reference=ref,
        p_below_reference=p_ref,
        base_value=float(base_value),
        distributions=specs,
        n_invalid=int((~ok).sum()),
        evaluation=runner.mode or "vectorised",
        unit=unit,
    )


def plot_distribution(
    result: MonteCarloResult, ax: Axes | None = None, *, bins: int = 50, title: str | None = None
) -> Axes:
    """Histogram of the simulated indicator with its cumulative probability curve.

    Parameters
    ----------
    result : MonteCarloResult
    ax : matplotlib Axes, optional
    bins : int
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        The histogram's Axes (the cumulative curve is on its twin y-axis).
    """
    family = _cjk_family()
    import matplotlib.pyplot as plt

    if not isinstance(result, MonteCarloResult):
        raise ValueError("result 必须是 monte_carlo 的结果（MonteCarloResult）")
    v = np.sort(result.values[np.isfinite(result.values)])
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    ax.hist(v, bins=bins, color="#2F6DB5", alpha=0.75, label="频数")
    ax.set_ylabel("频数", fontfamily=family)
    u = f"（{result.unit}）" if result.unit else ""
    ax.set_xlabel(f"{result.indicator}{u}", fontfamily=family)
    ax.axvline(0, color="#C0392B", linewidth=1, linestyle="--", label="0")
    if result.reference is not None and result.reference != 0:
        ax.axvline(result.reference, color="#8E44AD", linewidth=1, linestyle=":", label="参考值")
    ax2 = ax.twinx()
    ax2.plot(v, np.arange(1, v.size + 1) / max(v.size, 1) * 100, color="#E67E22", label="累计概率")
    ax2.set_ylim(0, 100)
    ax2.set_ylabel("累计概率（%）", fontfamily=family)
    ax.set_title(
        title
        or f"{result.indicator} 概率分布（{result.n:,} 次，P({result.indicator}<0) = {_pct(result.p_negative)}）",
        fontfamily=family,
    )
    handles = ax.get_legend_handles_labels()
    handles2 = ax2.get_legend_handles_labels()
    ax.legend(
        handles[0] + handles2[0],
        handles[1] + handles2[1],
        loc="upper left",
        frameon=False,
        prop={"family": family, "size": 8},
    )
    ax.spines[["top"]].set_visible(False)
    return ax


# ---------------------------------------------------------------------------------------------
# Optimism bias


@cache
def _ob_table() -> dict[str, Any]:
    return load_yaml("optimism_bias.yaml")


@dataclass(frozen=True, eq=False)
class OptimismBias:
    """Capex and works-duration uplifts for a (mixed) project (乐观偏差调整).

    Attributes
    ----------
    capex, duration : float
        Uplifts as fractions (0.321 = +32.1%); NaN duration when no type in the mix has duration
        data (outsourcing only).
    bound : str
        ``"upper"`` or ``"lower"``.
    table : DataFrame
        Per project type: ``project_type``, ``name``, ``capex_share``, ``capex_uplift``,
        ``capex_contribution``, ``duration_share``, ``duration_uplift``,
        ``duration_contribution``.
    source, status : str
    notes : tuple of str
    """

    capex: float
    duration: float
    bound: str
    table: pd.DataFrame
    source: str
    status: str
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        label = "上限" if self.bound == "upper" else "下限"
        mix = "、".join(f"{r.name} {_pct(r.capex_share, 0)}" for r in self.table.itertuples())
        lines = [
            f"乐观偏差调整（{label}；{mix}）：资本支出上调 {_pct(self.capex, 1)}，"
            f"工期延长 {_pct(self.duration, 1)}",
            f"依据：{self.source}（{self.status}）",
        ]
        lines.extend(f"提示：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "capex": self.capex,
                "duration": self.duration,
                "bound": self.bound,
                "table": self.table,
                "source": self.source,
                "status": self.status,
                "notes": list(self.notes),
                "summary": self.summary(),
            }
        )


def _shares(mix: Any, name: str, types: Mapping[str, Any]) -> dict[str, float]:
    if not isinstance(mix, Mapping) or not mix:
        raise ValueError(f"{name} 必须是非空的 {{项目类型: 占比}} 映射")
    unknown = [k for k in mix if k not in types]
    if unknown:
        raise ValueError(
            f"{name} 含未知项目类型 {'、'.join(map(str, unknown))}（可用：{'、'.join(types)}）"
        )
    out = {str(k): _check_number(v, f"{name}['{k}']") for k, v in mix.items()}
    neg = [k for k, v in out.items() if v < 0]
    if neg:
        raise ValueError(f"{name} 的占比不能为负（{'、'.join(neg)}）")
    total = sum(out.values())
    if abs(total - 1) > 1e-6:
        raise ValueError(f"{name} 的占比之和必须为 1，实际为 {_show(total)}")
    return out


def optimism_bias(
    mix: Mapping[str, float],
    bound: str = "upper",
    *,
    duration_mix: Mapping[str, float] | None = None,
) -> OptimismBias:
    """Optimism-bias uplifts from the Green Book supplementary guidance, weighted by project type.

    Parameters
    ----------
    mix : mapping
        ``{project type: share of capex}`` summing to 1. Types: ``standard_buildings``,
        ``non_standard_buildings``, ``standard_civil_engineering``,
        ``non_standard_civil_engineering``, ``equipment_development``, ``outsourcing``.
    bound : {"upper", "lower"}
        Upper bound at the start of appraisal; lower once risks are managed.
    duration_mix : mapping, optional
        Shares of works duration for the duration uplift (the guidance's weighting); default: the
        capex shares (reported in ``notes``).

    Returns
    -------
    OptimismBias

    Notes
    -----
    uplift = Σ_type share_type × uplift_type. Outsourcing has no duration figure: its duration
    share is left out and the other shares rescaled (noted). Its 41% / 0% applies to operating
    expenditure.

    References
    ----------
    .. [1] HM Treasury, Supplementary Green Book Guidance: Optimism Bias, 2003, Table 1 (from Mott
       MacDonald, Review of Large Public Procurement in the UK, 2002).

    Examples
    --------
    >>> ob = optimism_bias({"non_standard_buildings": 0.3, "standard_buildings": 0.7})
    >>> round(ob.capex, 3), round(ob.duration, 3)
    (0.321, 0.145)
    """
    data = _ob_table()
    types = data["types"]
    if bound not in ("upper", "lower"):
        raise ValueError(f"bound 必须是 'upper' 或 'lower'，实际为 {_show(bound)}")
    cap = _shares(mix, "mix", types)
    notes = []
    if duration_mix is None:
        dur = dict(cap)
        notes.append("工期调整按资本支出占比加权（未给出 duration_mix）")
    else:
        dur = _shares(duration_mix, "duration_mix", types)
    no_data = [k for k, v in dur.items() if v > 0 and types[k]["duration"][bound] is None]
    if no_data:
        notes.append(
            f"{'、'.join(types[k]['name'] for k in no_data)} 无工期调整数据，其工期占比不计，其余按比例放大"
        )
    if "outsourcing" in cap and cap["outsourcing"] > 0:
        notes.append("外包类的调整值针对运营支出（OPEX），不是资本支出")
    known = {k: v for k, v in dur.items() if types[k]["duration"][bound] is not None}
    known_total = sum(known.values())
    all_types = list(dict.fromkeys([*cap, *dur]))
    rows = []
    for k in all_types:
        t = types[k]
        cu = float(t["capex"][bound])
        du = t["duration"][bound]
        ds = known.get(k, 0.0) / known_total if known_total > 0 else 0.0
        rows.append(
            {
                "project_type": k,
                "name": t["name"],
                "capex_share": cap.get(k, 0.0),
                "capex_uplift": cu,
                "capex_contribution": cap.get(k, 0.0) * cu,
                "duration_share": ds,
                "duration_uplift": math.nan if du is None else float(du),
                "duration_contribution": ds * float(du) if du is not None else 0.0,
            }
        )
    table = pd.DataFrame(rows)
    capex = float(table["capex_contribution"].sum())
    duration = float(table["duration_contribution"].sum()) if known_total > 0 else math.nan
    return OptimismBias(
        capex,
        duration,
        bound,
        table,
        " ".join(str(data["source"]).split()),
        data["status"],
        tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# Prices: real vs nominal, conversion factors


def _year_series(x: Any, name: str) -> pd.Series | pd.DataFrame:
    if isinstance(x, Mapping):
        x = pd.Series(dict(x))
    if isinstance(x, pd.Series):
        _numeric_array(x, name, ndim=(1,))
        return x.astype(float)
    if isinstance(x, pd.DataFrame):
        _numeric_array(x, name, ndim=(2,))
        return x.astype(float)
    raise ValueError(f"{name} 需要以年份为索引（Series、{{年份: 值}} 或列为年份的 DataFrame）")


def _price_index(deflator: Any, years: Sequence[int], base_year: int) -> tuple[np.ndarray, float]:
    """Deflator values for ``years`` and for the base year (a rate gives (1 + π)^(year − base))."""
    if _is_real(deflator):
        pi = _check_rate(deflator, "deflator")
        idx = (1 + pi) ** (np.asarray(years, dtype=float) - base_year)
        return idx, 1.0
    d = _year_series(deflator, "deflator")
    if isinstance(d, pd.DataFrame):
        raise ValueError("deflator 必须是一条序列（年份 → 价格指数）或通胀率")
    d.index = [int(i) for i in d.index]
    missing = [y for y in [*years, base_year] if y not in d.index]
    if missing:
        raise ValueError(f"deflator 缺少年份 {'、'.join(map(str, dict.fromkeys(missing)))}")
    if (d <= 0).any():
        raise ValueError("deflator 的价格指数必须为正")
    return d.loc[list(years)].to_numpy(dtype=float), float(d.loc[base_year])


def _convert(values: Any, deflator: Any, base_year: Any, to_real_prices: bool, name: str):
    by = int(_check_number(base_year, "base_year"))
    x = _year_series(values, name)
    years = [int(y) for y in (x.columns if isinstance(x, pd.DataFrame) else x.index)]
    idx, base = _price_index(deflator, years, by)
    factor = base / idx if to_real_prices else idx / base
    return x * factor if isinstance(x, pd.Series) else x * factor[None, :]


def to_real(nominal: Any, deflator: Any, base_year: int) -> pd.Series | pd.DataFrame:
    """Convert nominal (current-price) amounts to real prices of ``base_year`` (不变价).

    Parameters
    ----------
    nominal : Series, mapping or DataFrame
        Amounts indexed by year (a DataFrame: one column per year, one row per line).
    deflator : Series, mapping or float
        A price index by year (any base), or a constant annual inflation rate.
    base_year : int
        Price base year.

    Returns
    -------
    Series or DataFrame

    Notes
    -----
    real_t = nominal_t × D(base_year) / D(t); with a rate π, D(t) = (1 + π)^{t − base_year}.

    Examples
    --------
    >>> to_real({2023: 100.0, 2024: 102.0}, {2023: 100, 2024: 102}, 2023).tolist()
    [100.0, 100.0]
    """
    return _convert(nominal, deflator, base_year, True, "nominal")


def to_nominal(real: Any, deflator: Any, base_year: int) -> pd.Series | pd.DataFrame:
    """Convert real amounts (prices of ``base_year``) to nominal prices; inverse of :func:`to_real`.

    Examples
    --------
    >>> to_nominal({2023: 100.0, 2025: 100.0}, 0.02, 2023).round(2).tolist()
    [100.0, 104.04]
    """
    return _convert(real, deflator, base_year, False, "real")


def real_rate(nominal: float, inflation: float) -> float:
    """Real rate from a nominal rate and inflation (Fisher): (1 + i)/(1 + π) − 1.

    Examples
    --------
    >>> round(real_rate(0.10, 0.06), 4)
    0.0377
    """
    i = _check_rate(nominal, "nominal")
    p = _check_rate(inflation, "inflation")
    return (1 + i) / (1 + p) - 1


def nominal_rate(real: float, inflation: float) -> float:
    """Nominal rate from a real rate and inflation (Fisher): (1 + r)(1 + π) − 1."""
    r = _check_rate(real, "real")
    p = _check_rate(inflation, "inflation")
    return (1 + r) * (1 + p) - 1


@dataclass(frozen=True, eq=False)
class EconomicFlows:
    """Economic (shadow-price) flows from financial flows by category (经济费用效益分析).

    Attributes
    ----------
    flows : DataFrame
        Economic flows, one row per category, one column per period.
    factors : Series
        Conversion factor used per category.
    basis : Series
        ``"specific"`` or ``"standard"`` per category.
    standard_conversion_factor : float
    net : Series
        Sum over categories per period.
    """

    flows: pd.DataFrame
    factors: pd.Series
    basis: pd.Series
    standard_conversion_factor: float
    net: pd.Series

    def summary(self) -> str:
        spec = "、".join(
            f"{k} {fmt.num(v, 3)}" for k, v in self.factors.items() if self.basis[k] == "specific"
        )
        return (
            f"经济分析：标准转换系数 SCF = {fmt.num(self.standard_conversion_factor, 3)}"
            + (f"；专用转换系数：{spec}" if spec else "")
            + f"；经济净现金流合计 {fmt.num(float(self.net.sum()))}"
        )

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "flows": {str(k): list(v) for k, v in self.flows.iterrows()},
                "factors": self.factors,
                "basis": self.basis,
                "standard_conversion_factor": self.standard_conversion_factor,
                "net": list(self.net),
                "summary": self.summary(),
            }
        )


def economic_flows(
    financial_flows_by_category: Any,
    conversion_factors: Mapping[str, float] | None = None,
    *,
    standard_conversion_factor: float = 1.0,
) -> EconomicFlows:
    """Convert financial flows to economic flows with conversion factors (影子价格换算).

    Parameters
    ----------
    financial_flows_by_category : DataFrame or mapping
        One row per category (index: category), one column per period; or
        ``{category: flows}`` of equal length. Signs as in the financial analysis.
    conversion_factors : mapping, optional
        ``{category: factor}``; categories not listed use the standard conversion factor. Use 0
        for pure transfers (taxes, subsidies) that are not economic costs or benefits.
    standard_conversion_factor : float, default 1.0
        SCF for the other categories (1.0 = no adjustment; reported).

    Returns
    -------
    EconomicFlows

    Notes
    -----
    economic_{c,t} = CF_c × financial_{c,t} (EU 2014 CBA guide §2.9.3; 《方法与参数》 影子价格).

    Examples
    --------
    >>> ef = economic_flows({"labour": [-100, -100], "tax": [-10, -10]}, {"labour": 0.8, "tax": 0})
    >>> ef.net.tolist()
    [-80.0, -80.0]
    """
    x = financial_flows_by_category
    if isinstance(x, Mapping):
        lengths = {k: len(np.atleast_1d(v)) for k, v in x.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                "financial_flows_by_category 各类别长度不一致（"
                + "、".join(f"{k} {n}" for k, n in lengths.items())
                + "）"
            )
        x = pd.DataFrame({str(k): np.atleast_1d(v) for k, v in x.items()}).T
    if not isinstance(x, pd.DataFrame):
        raise ValueError(
            "financial_flows_by_category 必须是 DataFrame（每行一个类别）或 {类别: 各期现金流}"
        )
    arr = _numeric_array(x, "financial_flows_by_category", ndim=(2,))
    cats = [str(c) for c in x.index]
    scf = _check_number(standard_conversion_factor, "standard_conversion_factor")
    if scf < 0:
        raise ValueError(f"standard_conversion_factor 不能为负，实际为 {_show(scf)}")
    cf = dict(conversion_factors or {})
    unknown = [k for k in cf if str(k) not in cats]
    if unknown:
        raise ValueError(
            f"conversion_factors 中的类别 {'、'.join(map(str, unknown))} 不在现金流类别中"
        )
    factors, basis = [], []
    for c in cats:
        if c in cf:
            v = _check_number(cf[c], f"conversion_factors['{c}']")
            if v < 0:
                raise ValueError(f"conversion_factors['{c}'] 不能为负，实际为 {_show(v)}")
            factors.append(v)
            basis.append("specific")
        else:
            factors.append(scf)
            basis.append("standard")
    fac = np.asarray(factors)
    econ = pd.DataFrame(arr * fac[:, None], index=x.index, columns=x.columns)
    return EconomicFlows(
        econ,
        pd.Series(fac, index=x.index, name="conversion_factor"),
        pd.Series(basis, index=x.index, name="basis"),
        scf,
        econ.sum(axis=0).rename("net"),
    )


# ---------------------------------------------------------------------------------------------
# Case files: from_spec → CBAModel


_SPEC_KEYS = {
    "title", "unit", "start_year", "horizon", "price_base_year", "prices", "deflator",
    "inflation", "discounting", "lines", "variables", "optimism_bias", "economic",
    "sensitivity", "scenarios", "monte_carlo", "alternatives", "note",
}  # fmt: skip
_LINE_KEYS = {
    "name", "kind", "category", "values", "amount", "from", "to", "growth", "csv",
    "year_column", "value_column", "sheet", "note",
}  # fmt: skip
_KINDS = {"benefit": "benefit", "cost": "cost", "效益": "benefit", "费用": "cost", "成本": "cost"}


@dataclass(frozen=True)
class Variable:
    """A model variable of a :class:`CBAModel`.

    ``lines`` non-empty: a multiplier: each named line is scaled by value / base. ``discount_rate``:
    the flat discount rate itself (base = the rate).
    """

    name: str
    base: float
    lines: tuple[str, ...] = ()
    discount_rate: bool = False


def _allow_external_data() -> bool:
    """Whether data paths may leave the case file's folder: the same switch as
    ``methods.casefile.allow_external_data`` (``JIXIAO_ALLOW_EXTERNAL_DATA=1``)."""
    return os.environ.get("JIXIAO_ALLOW_EXTERNAL_DATA") == "1"


class _Spec:
    """Reading helpers that raise CaseError naming the field (``cba.lines[2].values``)."""

    def __init__(self, base_dir: Path, root: tuple):
        self.base_dir = base_dir
        self.root = root

    def fail(self, path: tuple, message: str, hint: str | None = None) -> CaseError:
        return CaseError(message, field=(*self.root, *path), hint=hint)

    def mapping(self, value: Any, path: tuple, allowed: set[str] | None = None) -> Mapping:
        if not isinstance(value, Mapping):
            raise self.fail(path, "必须是映射（键: 值）")
        if allowed is not None:
            extra = [k for k in value if k not in allowed]
            if extra:
                raise self.fail(
                    path,
                    f"未知字段 {'、'.join(map(str, extra))}",
                    hint=f"可用字段：{'、'.join(sorted(allowed))}",
                )
        return value

    def number(self, value: Any, path: tuple) -> float:
        if not _is_real(value) or not math.isfinite(float(value)):
            raise self.fail(path, f"必须是数值，实际为 {_show(value)}")
        return float(value)

    def year(self, value: Any, path: tuple) -> int:
        v = self.number(value, path)
        if v != int(v):
            raise self.fail(path, f"必须是整数年份，实际为 {_show(value)}")
        return int(v)

    def path(self, value: Any, path: tuple) -> Path:
        if not isinstance(value, str) or not value or "\0" in value:
            raise self.fail(path, "必须是相对案例文件的路径")
        raw = Path(value)
        base = self.base_dir.resolve()
        if raw.is_absolute() and not _allow_external_data():
            raise self.fail(path, f"数据文件应写相对案例文件的路径，不能是绝对路径：{value}")
        full = (base / raw).resolve()
        if not full.is_relative_to(base) and not _allow_external_data():
            raise self.fail(
                path,
                f"数据文件路径不能指向案例文件所在目录之外：{value}",
                hint="确需引用外部文件时设置环境变量 JIXIAO_ALLOW_EXTERNAL_DATA=1",
            )
        if not full.is_file():
            raise self.fail(path, f"数据文件不存在：{value}")
        return full

    def csv_series(self, item: Mapping, path: tuple, years: list[int]) -> np.ndarray:
        file = self.path(item["csv"], (*path, "csv"))
        ycol = str(item.get("year_column", "year"))
        if "value_column" not in item:
            raise self.fail(path, "使用 csv 时必须给出 value_column（金额所在列）")
        vcol = str(item["value_column"])
        excel = file.suffix.lower() in (".xlsx", ".xlsm")
        kind = "XLSX" if excel else "CSV"
        try:
            if excel:
                table = pd.read_excel(file, sheet_name=item.get("sheet", 0))
            else:
                table = pd.read_csv(file)
        except UnicodeDecodeError:
            raise self.fail(
                (*path, "csv"),
                f"{kind} 文件 {item['csv']} 不是 UTF-8 编码（可能是 GBK）",
                hint="请用 UTF-8 编码另存（Excel：另存为“CSV UTF-8（逗号分隔）”）",
            ) from None
        except Exception as exc:  # pragma: no cover - parser errors vary
            raise self.fail((*path, "csv"), f"无法读取 {kind}：{exc}") from None
        for col in (ycol, vcol):
            if col not in table.columns:
                raise self.fail(
                    (*path, "csv"),
                    f"{kind} 缺少列 '{col}'（现有：{'、'.join(map(str, table.columns))}）",
                )
        columns = {}
        for col in (ycol, vcol):
            raw = table[col]
            vals = pd.to_numeric(raw, errors="coerce")
            bad = np.flatnonzero(vals.isna().to_numpy())
            if bad.size:
                row = int(bad[0])
                cell = raw.iloc[row]
                what = "为空" if pd.isna(cell) else f"不是数值：{_show(cell)}"
                raise self.fail(
                    (*path, "csv"), f"{kind} 第 {row + 2} 行 '{col}' 列{what}（第 1 行为表头）"
                )
            columns[col] = vals
        dup = columns[ycol][columns[ycol].duplicated()]
        if len(dup):
            raise self.fail((*path, "csv"), f"{kind} 中年份 {_show(dup.iloc[0])} 重复出现")
        return self.by_year(
            dict(zip(columns[ycol].tolist(), columns[vcol].tolist(), strict=True)), path, years
        )

    def by_year(self, mapping: Mapping, path: tuple, years: list[int]) -> np.ndarray:
        out = np.zeros(len(years))
        pos = {y: i for i, y in enumerate(years)}
        for y, v in mapping.items():
            yy = self.year(y.item() if isinstance(y, np.generic) else y, path)
            if yy not in pos:
                raise self.fail(path, f"年份 {yy} 不在计算期 {years[0]}–{years[-1]} 内")
            vv = v.item() if isinstance(v, np.generic) else v
            out[pos[yy]] += self.number(vv, (*path, yy))
        return out


@dataclass(frozen=True, eq=False)
class CBAModel:
    """A project's cash-flow lines and the NPV model built from a case file's ``cba:`` block.

    Calling the model, ``model({variable: value or array})``, returns the NPV (ENPV for an
    economic analysis): a float for scalars, an array for arrays (vectorised over draws), so the
    model plugs straight into :func:`elasticities`, :func:`switching_values`,
    :func:`monte_carlo` … (the convenience methods below do that with the block's settings).

    Attributes
    ----------
    title, unit : str
    years : tuple of int
        Calendar year of each column.
    t0 : float
        Time of the first column (default 1: flows at year-end, 《方法与参数》).
    price_base_year : int
    discounting : DiscountSchedule
    lines : DataFrame
        Real-price amounts after optimism bias and conversion factors; one row per line, one
        column per year; all positive.
    kinds, categories : Series
        ``benefit`` / ``cost`` and the category of each line.
    variables : tuple of Variable
    settings : dict
        ``sensitivity``, ``scenarios``, ``monte_carlo`` settings from the block.
    alternatives : dict
        ``{name: (costs array, effect or NaN)}`` for least-cost / cost-effectiveness.
    optimism : OptimismBias or None
    analysis : str
        ``"financial"`` or ``"economic"``.
    notes : tuple of str
        Every choice that shaped the numbers (conversions, presets, defaults).
    """

    title: str
    unit: str
    years: tuple[int, ...]
    t0: float
    price_base_year: int
    discounting: DiscountSchedule
    lines: pd.DataFrame
    kinds: pd.Series
    categories: pd.Series
    variables: tuple[Variable, ...]
    settings: Mapping[str, Any]
    alternatives: Mapping[str, tuple[np.ndarray, float]]
    optimism: OptimismBias | None
    analysis: str
    notes: tuple[str, ...]

    @property
    def indicator(self) -> str:
        return "ENPV" if self.analysis == "economic" else "NPV"

    @property
    def base(self) -> dict[str, float]:
        """Base value of every variable."""
        return {v.name: v.base for v in self.variables}

    def __call__(self, variables: Mapping[str, Any] | None = None):
        """NPV at the given variable values (others at base); vectorised over array values."""
        vals = dict(self.base)
        for k, v in (variables or {}).items():
            if k not in vals:
                raise ValueError(f"未知变量 '{k}'（可用：{'、'.join(vals)}）")
            vals[k] = v
        arrays = {k: np.asarray(v, dtype=float) for k, v in vals.items()}
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        k = int(np.prod(shape)) if shape else 1
        flat = {n: np.broadcast_to(a, shape).reshape(k) for n, a in arrays.items()}
        names = list(self.lines.index)
        sign = np.where(self.kinds.to_numpy() == "benefit", 1.0, -1.0)
        mult = np.ones((k, len(names)))
        t = self.t0 + np.arange(len(self.years), dtype=float)
        df = _discount(t, self.discounting)[None, :]
        for var in self.variables:
            if var.discount_rate:
                r = flat[var.name]
                if (r <= -1).any():
                    raise ValueError(f"{var.name} 必须大于 -1")
                df = (1.0 + r[:, None]) ** (-t[None, :])
            elif var.lines:
                idx = [names.index(n) for n in var.lines]
                mult[:, idx] *= (flat[var.name] / var.base)[:, None]
        net = (mult * sign) @ self.lines.to_numpy(dtype=float)
        out = (net * df).sum(axis=1)
        return float(out[0]) if shape == () else out.reshape(shape)

    def flows(self, variables: Mapping[str, float] | None = None) -> pd.DataFrame:
        """Benefits, costs and net flow per year at the given (default: base) values."""
        vals = {**self.base, **dict(variables or {})}
        names = list(self.lines.index)
        mult = np.ones(len(names))
        for var in self.variables:
            if var.lines:
                for n in var.lines:
                    mult[names.index(n)] *= float(vals[var.name]) / var.base
        amounts = self.lines.to_numpy(dtype=float) * mult[:, None]
        ben = amounts[self.kinds.to_numpy() == "benefit"].sum(axis=0)
        cost = amounts[self.kinds.to_numpy() == "cost"].sum(axis=0)
        return pd.DataFrame(
            {"benefits": ben, "costs": cost, "net": ben - cost},
            index=pd.Index(self.years, name="year"),
        )

    def npv(self, variables: Mapping[str, Any] | None = None):
        """Same as calling the model."""
        return self(variables)

    def appraise(self) -> Appraisal:
        """Indicators of the base case (NPV, IRR, B/C, payback) with calendar years."""
        f = self.flows()
        return appraise(
            benefits=f["benefits"].to_numpy(),
            costs=f["costs"].to_numpy(),
            schedule=self.discounting,
            t0=self.t0,
            unit=self.unit,
            calendar_years=list(self.years),
        )

    def _sens(self) -> Mapping[str, Any]:
        return self.settings.get("sensitivity", {})

    def critical_variables(self) -> SensitivityResult:
        s = self._sens()
        return critical_variables(
            self,
            self.base,
            s.get("variables"),
            delta=s.get("delta"),
            threshold=s.get("threshold"),
            preset=s.get("preset", "eu_2014"),
            vectorized=True,
            indicator=self.indicator,
        )

    def elasticities(self) -> SensitivityResult:
        s = self._sens()
        d = s.get("delta") or float(_sensitivity_preset(s.get("preset", "eu_2014"))["delta"])
        return elasticities(
            self, self.base, s.get("variables"), d, vectorized=True, indicator=self.indicator
        )

    def one_way(self) -> SensitivityResult:
        s = self._sens()
        return one_way(
            self,
            self.base,
            s.get("variables"),
            s.get("change", 0.2),
            vectorized=True,
            indicator=self.indicator,
        )

    def switching_values(self) -> SensitivityResult:
        return switching_values(
            self,
            self.base,
            self._sens().get("variables"),
            vectorized=True,
            indicator=self.indicator,
        )

    def scenarios(self) -> SensitivityResult | None:
        sc = self.settings.get("scenarios")
        if not sc:
            return None
        return scenarios(self, self.base, sc, vectorized=True, indicator=self.indicator)

    def monte_carlo(self, n: int | None = None, seed: int | None = None) -> MonteCarloResult | None:
        mc = self.settings.get("monte_carlo")
        if not mc or not mc.get("distributions"):
            return None
        return monte_carlo(
            self,
            self.base,
            mc["distributions"],
            n=n or mc.get("n", 10_000),
            seed=seed if seed is not None else mc.get("seed", DEFAULT_SEED),
            reference=mc.get("reference"),
            indicator=self.indicator,
            unit=self.unit,
        )

    def least_cost(self) -> LeastCost | None:
        if not self.alternatives:
            return None
        effects = {k: e for k, (_, e) in self.alternatives.items()}
        vals = np.array(list(effects.values()))
        if np.isfinite(vals).all() and not np.allclose(vals, vals[0], rtol=1e-9, atol=0):
            return None
        return least_cost(
            {k: c for k, (c, _) in self.alternatives.items()},
            schedule=self.discounting,
            t0=self.t0,
            unit=self.unit,
        )

    def cost_effectiveness(self) -> CostEffectiveness | None:
        if not self.alternatives:
            return None
        effects = {k: e for k, (_, e) in self.alternatives.items()}
        if not all(np.isfinite(list(effects.values()))):
            return None
        pv = {
            k: float(c @ _discount(_times(c.size, self.t0), self.discounting))
            for k, (c, _) in self.alternatives.items()
        }
        table = pd.DataFrame(
            {"name": list(pv), "cost": list(pv.values()), "effect": list(effects.values())}
        )
        return cost_effectiveness(table, cost_unit=self.unit)

    def analyse(self, *, simulate: bool = True) -> CBAAnalysis:
        """Everything the block asks for: appraisal, sensitivity, switching values, scenarios,
        Monte Carlo and the comparison of alternatives (least cost when their effects are equal
        or not given, cost-effectiveness when they differ). ``simulate=False`` leaves the Monte
        Carlo run out (validation checks a case; running it computes)."""
        return CBAAnalysis(
            model=self,
            appraisal=self.appraise(),
            critical=self.critical_variables(),
            one_way=self.one_way(),
            switching=self.switching_values(),
            scenarios=self.scenarios(),
            monte_carlo=self.monte_carlo() if simulate else None,
            least_cost=self.least_cost(),
            cost_effectiveness=None if self._same_effects() else self.cost_effectiveness(),
        )

    def _same_effects(self) -> bool:
        vals = np.array([e for _, e in self.alternatives.values()], dtype=float)
        return not vals.size or not np.isfinite(vals).all() or np.allclose(vals, vals[0])

    def describe(self) -> dict[str, Any]:
        """The model's set-up (years, discounting, lines, variables, notes), JSON-ready."""
        return _jsonable(
            {
                "title": self.title,
                "unit": self.unit,
                "years": list(self.years),
                "t0": self.t0,
                "price_base_year": self.price_base_year,
                "analysis": self.analysis,
                "discounting": self.discounting.to_dict(),
                "lines": [
                    {
                        "name": n,
                        "kind": self.kinds[n],
                        "category": self.categories[n],
                        "values": self.lines.loc[n].tolist(),
                    }
                    for n in self.lines.index
                ],
                "variables": [
                    {
                        "name": v.name,
                        "base": v.base,
                        "lines": list(v.lines),
                        "discount_rate": v.discount_rate,
                    }
                    for v in self.variables
                ],
                "optimism_bias": None if self.optimism is None else self.optimism.to_dict(),
                "notes": list(self.notes),
            }
        )


@dataclass(frozen=True, eq=False)
class CBAAnalysis:
    """All results of a case's cost-benefit analysis (see :meth:`CBAModel.analyse`)."""

    model: CBAModel
    appraisal: Appraisal
    critical: SensitivityResult
    one_way: SensitivityResult
    switching: SensitivityResult
    scenarios: SensitivityResult | None = None
    monte_carlo: MonteCarloResult | None = None
    least_cost: LeastCost | None = None
    cost_effectiveness: CostEffectiveness | None = None

    def summary(self) -> str:
        m = self.model
        parts = [
            f"{m.title or '成本效益分析'}（{m.years[0]}–{m.years[-1]} 年，"
            f"{m.price_base_year} 年不变价，单位 {m.unit or '—'}）",
            self.appraisal.summary(),
            self.critical.summary(),
            self.switching.summary(),
        ]
        for extra in (self.scenarios, self.monte_carlo, self.least_cost, self.cost_effectiveness):
            if extra is not None:
                parts.append(extra.summary())
        if m.optimism is not None:
            parts.append(m.optimism.summary())
        parts.extend(f"说明：{n}" for n in m.notes)
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The ``cba`` block of results.json (JSON-ready; NaN → None)."""

        def opt(x):
            return None if x is None else x.to_dict()

        return {
            "model": self.model.describe(),
            "appraisal": self.appraisal.to_dict(),
            "critical_variables": self.critical.to_dict(),
            "one_way": self.one_way.to_dict(),
            "switching_values": self.switching.to_dict(),
            "scenarios": opt(self.scenarios),
            "monte_carlo": opt(self.monte_carlo),
            "least_cost": opt(self.least_cost),
            "cost_effectiveness": opt(self.cost_effectiveness),
            "summary": self.summary(),
        }


def from_spec(spec: Mapping[str, Any], base_dir: str | Path = ".") -> CBAModel:
    """Build the cash-flow lines and NPV model of a case file's ``cba:`` block.

    Parameters
    ----------
    spec : mapping
        The ``cba`` block (or a whole case mapping that has one). Fields:

        * ``start_year`` (required), ``horizon`` (required, number of years 计算期), ``title``,
          ``unit``;
        * ``price_base_year`` (default ``start_year``), ``prices`` (``real`` default or
          ``nominal``, then ``deflator: {year: index}`` or ``inflation: rate`` converts to real);
        * ``discounting``: ``{schedule: name}`` or ``{rate: r}`` (default ``china_2006``) and
          ``t0`` (time of the first year, default 1: flows at year-end as in 《方法与参数》);
        * ``lines``: each ``{name, kind: benefit|cost, category}`` plus ``values`` (list from
          ``start_year`` or ``{year: value}``), or ``amount`` with ``from``/``to``/``growth``, or
          ``csv`` with ``value_column`` (and ``year_column``, default ``year``) relative to
          ``base_dir`` (a ``.xlsx`` file is read as a workbook, ``sheet`` default the first;
          a year listed twice is an error);
        * ``variables``: ``{name: {lines: [...], base: 1}}`` (multipliers) or
          ``{name: {discount_rate: true}}``; default one multiplier per line;
        * ``optimism_bias``: ``{mix, bound, categories}`` (default categories ``[capex]``);
        * ``economic``: ``{standard_conversion_factor, conversion_factors: {category: CF}}``;
        * ``sensitivity``: ``{variables, delta, threshold, preset, change}``;
        * ``scenarios``: ``{name: {variable: value or "+10%"}}``;
        * ``monte_carlo``: ``{n, seed, reference, distributions}``;
        * ``alternatives``: ``[{name, costs | costs_csv + value_column, effect}]``.
    base_dir : path
        Folder that CSV paths are relative to (the case file's folder).

    Returns
    -------
    CBAModel

    Raises
    ------
    CaseError
        (a ValueError) naming the field, e.g. ``cba.lines[1].values``.

    Examples
    --------
    >>> m = from_spec(
    ...     {
    ...         "start_year": 2024,
    ...         "horizon": 3,
    ...         "discounting": {"rate": 0.1, "t0": 0},
    ...         "lines": [
    ...             {"name": "投资", "kind": "cost", "values": [100]},
    ...             {"name": "效益", "kind": "benefit", "values": [0, 60, 60]},
    ...         ],
    ...     }
    ... )
    >>> round(m(), 2), round(m({"效益": 1.1}), 2)
    (4.13, 14.55)
    """
    if isinstance(spec, Mapping) and "cba" in spec and "lines" not in spec:
        root: tuple = ("cba",)
        spec = spec["cba"]
    else:
        root = ("cba",)
    base = Path(base_dir)
    sp = _Spec(base, root)
    spec = sp.mapping(spec, (), _SPEC_KEYS)
    notes: list[str] = []
    for key in ("start_year", "horizon", "lines"):
        if key not in spec:
            raise sp.fail((key,), "缺少必填字段")
    start = sp.year(spec["start_year"], ("start_year",))
    horizon = sp.year(spec["horizon"], ("horizon",))
    if not 1 <= horizon <= 500:
        raise sp.fail(("horizon",), f"计算期年数必须在 1 到 500 之间，实际为 {horizon}")
    years = list(range(start, start + horizon))
    price_base = sp.year(spec.get("price_base_year", start), ("price_base_year",))
    unit = str(spec.get("unit", ""))
    prices = spec.get("prices", "real")
    if prices not in ("real", "nominal"):
        raise sp.fail(("prices",), f"必须是 real 或 nominal，实际为 {_show(prices)}")

    # discounting
    disc = sp.mapping(spec.get("discounting", {}), ("discounting",), {"schedule", "rate", "t0"})
    try:
        schedule = _resolve_discount(disc.get("rate"), disc.get("schedule"))
    except ValueError as exc:
        raise sp.fail(("discounting",), str(exc)) from None
    t0 = sp.number(disc.get("t0", 1), ("discounting", "t0"))
    if "t0" not in disc:
        notes.append(
            "现金流按年末发生计（t0 = 1，第一年折现一次，《建设项目经济评价方法与参数》惯例）"
        )
    if "rate" not in disc and "schedule" not in disc:
        notes.append(f"未指定折现方案，采用默认 {schedule.describe()}")

    # lines
    raw_lines = spec["lines"]
    if not isinstance(raw_lines, list) or not raw_lines:
        raise sp.fail(("lines",), "必须是非空列表")
    names, kinds, cats, rows = [], [], [], []
    for i, item in enumerate(raw_lines):
        path = ("lines", i)
        item = sp.mapping(item, path, _LINE_KEYS)
        if "name" not in item:
            raise sp.fail(path, "缺少 name")
        nm = str(item["name"])
        if nm in names:
            raise sp.fail((*path, "name"), f"现金流名称重复：{nm}")
        kind = _KINDS.get(str(item.get("kind", "")))
        if kind is None:
            raise sp.fail(
                (*path, "kind"), f"必须是 benefit 或 cost，实际为 {_show(item.get('kind'))}"
            )
        sources = [k for k in ("values", "amount", "csv") if k in item]
        if len(sources) != 1:
            raise sp.fail(path, "values、amount、csv 必须且只能给出一个")
        if "values" in item:
            vals = item["values"]
            if isinstance(vals, Mapping):
                arr = sp.by_year(vals, (*path, "values"), years)
            elif isinstance(vals, list):
                if len(vals) > horizon:
                    raise sp.fail(
                        (*path, "values"), f"有 {len(vals)} 个值，超过计算期 {horizon} 年"
                    )
                arr = np.zeros(horizon)
                for j, v in enumerate(vals):
                    arr[j] = sp.number(v, (*path, "values", j))
            else:
                raise sp.fail(
                    (*path, "values"), "必须是列表（自 start_year 起逐年）或 {年份: 金额}"
                )
        elif "amount" in item:
            amount = sp.number(item["amount"], (*path, "amount"))
            y_from = sp.year(item.get("from", start), (*path, "from"))
            y_to = sp.year(item.get("to", years[-1]), (*path, "to"))
            if not start <= y_from <= y_to <= years[-1]:
                raise sp.fail(path, f"from/to 必须在计算期 {start}–{years[-1]} 内且 from ≤ to")
            growth = sp.number(item.get("growth", 0.0), (*path, "growth"))
            if growth <= -1:
                raise sp.fail((*path, "growth"), f"必须大于 -1，实际为 {_show(growth)}")
            yrs = np.asarray(years)
            arr = np.where(
                (yrs >= y_from) & (yrs <= y_to), amount * (1 + growth) ** (yrs - y_from), 0.0
            )
        else:
            arr = sp.csv_series(item, path, years)
        if (arr < 0).any():
            raise sp.fail(path, "金额应为非负数（费用与效益用 kind 区分）")
        names.append(nm)
        kinds.append(kind)
        cats.append(str(item.get("category", "other")))
        rows.append(arr)
    lines = pd.DataFrame(np.vstack(rows), index=pd.Index(names, name="line"), columns=years)
    kinds_s = pd.Series(kinds, index=lines.index, name="kind")
    cats_s = pd.Series(cats, index=lines.index, name="category")
    if "benefit" not in kinds and "cost" not in kinds:  # pragma: no cover - kinds validated
        raise sp.fail(("lines",), "至少需要一条效益或费用")

    # prices
    if prices == "nominal":
        if ("deflator" in spec) == ("inflation" in spec):
            raise sp.fail(
                ("prices",), "现价（nominal）须给出 deflator 或 inflation 之一以换算为不变价"
            )
        defl = spec.get("deflator", spec.get("inflation"))
        try:
            lines = to_real(lines, defl, price_base)
        except ValueError as exc:
            key = "deflator" if "deflator" in spec else "inflation"
            raise sp.fail((key,), str(exc)) from None
        how = "价格指数" if "deflator" in spec else f"通胀率 {_pct(float(defl))}"
        notes.append(f"现价金额已按{how}换算为 {price_base} 年不变价")
    elif "deflator" in spec or "inflation" in spec:
        raise sp.fail(
            ("prices",), "给出了 deflator/inflation 但 prices 为 real；现价数据请写 prices: nominal"
        )

    # optimism bias
    ob = None
    if "optimism_bias" in spec:
        ob_spec = sp.mapping(
            spec["optimism_bias"],
            ("optimism_bias",),
            {"mix", "bound", "duration_mix", "categories"},
        )
        try:
            ob = optimism_bias(
                ob_spec.get("mix", {}),
                ob_spec.get("bound", "upper"),
                duration_mix=ob_spec.get("duration_mix"),
            )
        except ValueError as exc:
            raise sp.fail(("optimism_bias",), str(exc)) from None
        targets = [str(c) for c in ob_spec.get("categories", ["capex"])]
        hit = cats_s.isin(targets) & (kinds_s == "cost")
        if not hit.any():
            raise sp.fail(
                ("optimism_bias", "categories"),
                f"没有类别为 {'、'.join(targets)} 的费用行可调整",
            )
        lines.loc[hit] = lines.loc[hit] * (1 + ob.capex)
        notes.append(
            f"{'、'.join(lines.index[hit])} 已按乐观偏差{('上限' if ob.bound == 'upper' else '下限')}"
            f"上调 {_pct(ob.capex, 1)}"
        )

    # economic analysis
    analysis = "financial"
    if "economic" in spec:
        ec = sp.mapping(
            spec["economic"], ("economic",), {"standard_conversion_factor", "conversion_factors"}
        )
        cf = sp.mapping(ec.get("conversion_factors", {}) or {}, ("economic", "conversion_factors"))
        scf = sp.number(
            ec.get("standard_conversion_factor", 1.0), ("economic", "standard_conversion_factor")
        )
        unknown = [c for c in cf if c not in set(cats)]
        if unknown:
            raise sp.fail(
                ("economic", "conversion_factors"),
                f"类别 {'、'.join(map(str, unknown))} 不在现金流类别中（现有：{'、'.join(dict.fromkeys(cats))}）",
            )
        by_cat = {c: cf.get(c) for c in cats}
        try:
            factors = np.array(
                [
                    scf
                    if by_cat[c] is None
                    else _check_number(by_cat[c], f"conversion_factors['{c}']")
                    for c in cats
                ],
                dtype=float,
            )
            _check_number(scf, "standard_conversion_factor")
        except ValueError as exc:
            raise sp.fail(("economic",), str(exc)) from None
        if (factors < 0).any():
            raise sp.fail(("economic",), "转换系数不能为负")
        lines = lines * factors[:, None]
        analysis = "economic"
        notes.append(
            f"经济分析：按转换系数换算为经济价值（标准转换系数 {fmt.num(float(scf), 3)}"
            + (f"，专用：{'、'.join(f'{k} {v}' for k, v in cf.items())}" if cf else "")
            + "）"
        )

    # variables
    variables: list[Variable] = []
    raw_vars = spec.get("variables")
    if raw_vars is None:
        variables = [Variable(n, 1.0, (n,)) for n in names]
    else:
        raw_vars = sp.mapping(raw_vars, ("variables",))
        for vn, vs in raw_vars.items():
            path = ("variables", vn)
            vs = sp.mapping(vs, path, {"lines", "base", "discount_rate", "note"})
            if vs.get("discount_rate"):
                if len(schedule.rates) != 1 or not math.isinf(schedule.max_year):
                    raise sp.fail(path, "折现率变量只能用于固定折现率（非递减方案）")
                if "lines" in vs:
                    raise sp.fail(path, "折现率变量不能同时指定 lines")
                if any(v.discount_rate for v in variables):
                    raise sp.fail(path, "只能有一个折现率变量")
                variables.append(Variable(str(vn), schedule.rates[0], (), True))
                continue
            lns = vs.get("lines")
            if isinstance(lns, str):
                lns = [lns]
            if not isinstance(lns, list) or not lns:
                raise sp.fail((*path, "lines"), "必须列出受该变量影响的现金流名称")
            missing = [str(x) for x in lns if str(x) not in names]
            if missing:
                raise sp.fail((*path, "lines"), f"未知的现金流 {'、'.join(missing)}")
            b = sp.number(vs.get("base", 1.0), (*path, "base"))
            if b == 0:
                raise sp.fail((*path, "base"), "乘数变量的基准值不能为 0")
            variables.append(Variable(str(vn), b, tuple(str(x) for x in lns)))
        if not variables:
            raise sp.fail(("variables",), "至少需要一个变量")
    var_names = {v.name for v in variables}

    # sensitivity, scenarios, monte carlo
    settings: dict[str, Any] = {}
    sens = sp.mapping(
        spec.get("sensitivity", {}),
        ("sensitivity",),
        {"variables", "delta", "threshold", "preset", "change"},
    )
    sens = dict(sens)
    if "variables" in sens:
        bad = [str(v) for v in sens["variables"] if str(v) not in var_names]
        if bad:
            raise sp.fail(("sensitivity", "variables"), f"未知变量 {'、'.join(bad)}")
    if "preset" in sens:
        try:
            _sensitivity_preset(sens["preset"])
        except ValueError as exc:
            raise sp.fail(("sensitivity", "preset"), str(exc)) from None
    for key in ("delta", "threshold", "change"):
        if key in sens:
            sens[key] = sp.number(sens[key], ("sensitivity", key))
            # delta and change are relative changes of a variable (0.01 = 1%); a change of 100%
            # or more would zero or flip the sign of the variable
            if sens[key] <= 0 or (key != "threshold" and sens[key] >= 1):
                limits = "大于 0" if key == "threshold" else "大于 0 且小于 1（如 0.2 表示 ±20%）"
                raise sp.fail(
                    ("sensitivity", key), f"应{limits}，实际为 {_show(spec['sensitivity'][key])}"
                )
    settings["sensitivity"] = sens
    if "scenarios" in spec:
        sc = sp.mapping(spec["scenarios"], ("scenarios",))
        for sname, sval in sc.items():
            sval = sp.mapping(sval, ("scenarios", sname))
            bad = [str(v) for v in sval if v not in var_names]
            if bad:
                raise sp.fail(("scenarios", sname), f"未知变量 {'、'.join(bad)}")
        settings["scenarios"] = sc
    if "monte_carlo" in spec:
        mc = dict(
            sp.mapping(
                spec["monte_carlo"], ("monte_carlo",), {"n", "seed", "reference", "distributions"}
            )
        )
        dists = sp.mapping(mc.get("distributions", {}), ("monte_carlo", "distributions"))
        base_vals = {v.name: v.base for v in variables}
        for dname, dspec in dists.items():
            if dname not in var_names:
                raise sp.fail(("monte_carlo", "distributions", dname), "未知变量")
            try:
                _dist_spec(str(dname), dspec, base_vals[dname])
            except ValueError as exc:
                raise sp.fail(("monte_carlo", "distributions", dname), str(exc)) from None
        if "n" in mc:
            nv = sp.number(mc["n"], ("monte_carlo", "n"))
            if nv < 1 or nv != int(nv):
                raise sp.fail(("monte_carlo", "n"), f"必须是正整数，实际为 {_show(mc['n'])}")
            mc["n"] = int(nv)
        draws = mc.get("n", 10_000)
        if draws > MAX_MC_DRAWS or draws * horizon * max(len(names), 1) > MAX_MC_CELLS:
            raise sp.fail(
                ("monte_carlo", "n"),
                f"模拟次数 {draws:,} 过多（上限 {MAX_MC_DRAWS:,} 次，且 次数 × 计算期 × 现金流条数 "
                f"不超过 {MAX_MC_CELLS:,}）",
                hint="一般 10,000 次已足够稳定；需要更多时请分批模拟",
            )
        if "seed" in mc:
            mc["seed"] = sp.year(mc["seed"], ("monte_carlo", "seed"))
        else:
            notes.append(f"蒙特卡洛未指定随机种子，使用默认种子 {DEFAULT_SEED}")
        if "reference" in mc:
            mc["reference"] = sp.number(mc["reference"], ("monte_carlo", "reference"))
        settings["monte_carlo"] = mc

    # alternatives
    alts: dict[str, tuple[np.ndarray, float]] = {}
    if "alternatives" in spec:
        raw_alts = spec["alternatives"]
        if not isinstance(raw_alts, list) or not raw_alts:
            raise sp.fail(("alternatives",), "必须是非空列表")
        for i, item in enumerate(raw_alts):
            path = ("alternatives", i)
            item = sp.mapping(
                item, path, {"name", "costs", "costs_csv", "year_column", "value_column",
                             "sheet", "effect", "note"}
            )  # fmt: skip
            if "name" not in item:
                raise sp.fail(path, "缺少 name")
            an = str(item["name"])
            if an in alts:
                raise sp.fail((*path, "name"), f"方案名称重复：{an}")
            if ("costs" in item) == ("costs_csv" in item):
                raise sp.fail(path, "costs 与 costs_csv 必须且只能给出一个")
            if "costs" in item:
                if not isinstance(item["costs"], list) or not item["costs"]:
                    raise sp.fail((*path, "costs"), "必须是非空列表（自 start_year 起逐年）")
                c = np.array(
                    [sp.number(v, (*path, "costs", j)) for j, v in enumerate(item["costs"])]
                )
            else:
                long_years = list(range(start, start + 500))
                c = sp.csv_series({**item, "csv": item["costs_csv"]}, path, long_years)
                nz = np.flatnonzero(c)
                c = c[: nz[-1] + 1] if nz.size else c[:1]
            eff = sp.number(item["effect"], (*path, "effect")) if "effect" in item else math.nan
            alts[an] = (c, eff)

    return CBAModel(
        title=str(spec.get("title", "")),
        unit=unit,
        years=tuple(years),
        t0=t0,
        price_base_year=price_base,
        discounting=schedule,
        lines=lines,
        kinds=kinds_s,
        categories=cats_s,
        variables=tuple(variables),
        settings=settings,
        alternatives=alts,
        optimism=ob,
        analysis=analysis,
        notes=tuple(notes),
    )
