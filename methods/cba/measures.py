"""Indicators of cash flows (评价指标): NPV, IRR with every real root, MIRR, benefit–cost
ratio, payback period and equivalent annual cost.

Each takes one series (1-D) or one series per row (2-D) and returns a float per series (an array,
or a Series labelled by a DataFrame's rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods._json import jsonable as _jsonable
from methods.cba._common import (
    PerSeries,
    _check_number,
    _check_rate,
    _flows,
    _is_real,
    _out,
    _pct,
    _show,
)
from methods.cba.discounting import (
    DiscountSchedule,
    _discount,
    _resolve_discount,
    _times,
    annuity_factor,
)

__all__ = [
    "IRRResult",
    "benefit_cost_ratio",
    "equivalent_annual_cost",
    "irr",
    "mirr",
    "npv",
    "payback_period",
]


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
