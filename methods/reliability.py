"""Questionnaire reliability and validity (问卷信度与效度): α, ω, KMO, Bartlett, EFA, parallel analysis.

Satisfaction surveys (公众评判法, 服务对象满意度) are scored only after the scale has been checked:

======================  =====================================================================
function                what it answers
======================  =====================================================================
:func:`cronbach_alpha`  internal consistency (raw or standardised α), Feldt or bootstrap CI,
                        item statistics, α if item deleted, reverse-keyed item warnings
:func:`mcdonald_omega`  ω total from a one-factor model (minres or maximum likelihood)
:func:`kmo`             Kaiser–Meyer–Olkin sampling adequacy, overall and per item
:func:`bartlett`        Bartlett's test of sphericity
:func:`efa`             exploratory factor analysis with an explicit extraction and rotation
:func:`parallel_analysis`  Horn's parallel analysis for the number of factors
:func:`reverse_code`    x → min + max − x for reverse-keyed items
:func:`detect_reverse_items`  items whose corrected item-total correlation is negative
:func:`feldt_interval`  Feldt's F-distribution interval of α from (α, n, k)
:func:`kmo_label`       Kaiser's verbal label of a KMO value (极好 … 不可接受)
======================  =====================================================================

Every function takes a DataFrame with one column per item and one row per respondent, and an
optional ``items=`` list of columns (the rest are ignored). Text in an item, an all-missing item, a
constant item or fewer than two items raise :class:`ValueError` with a Chinese message naming the
column. "Constant" is judged relative to the item's own magnitude (standard deviation at most
1e-12 of its root-mean-square value), so it does not depend on units: answers around 1e-4 that
vary are an item, an item stuck at 1e8 is constant. Covariances are computed from mean-centred
answers (listwise and pairwise), so adding a constant to an item changes no result. Missing answers are never imputed: ``missing="listwise"`` (default) drops respondents with
any missing item, ``missing="pairwise"`` uses every pair's complete answers; the number of
respondents actually used is always reported (``.n``).

Results are frozen dataclasses with ``.summary()`` (Chinese) and ``.to_dict()`` (JSON-ready, NaN →
None); tables are DataFrames with fixed English column names. The code is vectorised with numpy:
bootstrap resamples and parallel-analysis replicates are index/count matrices processed in chunks,
never Python loops over replicates (``benchmarks/reliability.py``).

The defaults and their sources (see each function): raw α with a Feldt CI (as psych::alpha and
pingouin), ω from a one-factor minres fit (as psych::omega), varimax rotation (as R's
``factanal`` and Stata's ``rotate``; psych::fa defaults to oblimin: pass ``rotation="oblimin"``
to match it), minres extraction (psych::fa).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.linalg import blas

from methods._json import jsonable as _jsonable

__all__ = [
    "AlphaResult",
    "BartlettResult",
    "EFAResult",
    "KMOResult",
    "OmegaResult",
    "ParallelResult",
    "bartlett",
    "cronbach_alpha",
    "detect_reverse_items",
    "efa",
    "feldt_interval",
    "kmo",
    "kmo_label",
    "mcdonald_omega",
    "parallel_analysis",
    "reverse_code",
]

MISSING = ("listwise", "pairwise")
ROTATIONS = ("varimax", "promax", "oblimin", None)
METHODS = ("minres", "ml", "principal")
HEYWOOD_BOUND = 0.005  # lower bound of uniquenesses, as R factanal and psych::fa
ZERO_VARIANCE_RTOL = 1e-12  # an item is constant when sd <= 1e-12 × its RMS value (_constant)
KMO_BANDS = ((0.9, "极好"), (0.8, "很好"), (0.7, "中等"), (0.6, "一般"), (0.5, "差"))
_CHUNK_ELEMENTS = 4_000_000  # size of one bootstrap / simulation block (float64 elements)


# ---------------------------------------------------------------------------------------------
# Formatting and JSON helpers


def _f(x: float | None, digits: int = 3) -> str:
    """A number with fixed decimals and a true minus sign (−); NaN/None → '—'."""
    if x is None or not np.isfinite(x):
        return "—"
    text = f"{x:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


# ---------------------------------------------------------------------------------------------
# Input handling


def _frame(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, np.ndarray) and data.ndim == 2:
        return pd.DataFrame(data, columns=[f"V{i + 1}" for i in range(data.shape[1])])
    raise ValueError("数据应为 DataFrame（每列一个题项，每行一位受访者）")


def _item_names(df: pd.DataFrame, items: Sequence[str] | None, min_items: int = 2) -> list:
    if items is None:
        names = list(df.columns)
    else:
        if isinstance(items, str):
            items = [items]
        names = list(items)
        missing = [c for c in names if c not in df.columns]
        if missing:
            raise ValueError(f"找不到题项列 {'、'.join(map(str, missing))}")
        dup = sorted({str(c) for c in names if names.count(c) > 1})
        if dup:
            raise ValueError(f"题项 {'、'.join(dup)} 重复列出")
    if len(names) < min_items:
        raise ValueError(
            f"至少需要{'两个' if min_items == 2 else f' {min_items} 个'}题项（现有 {len(names)} 个）"
        )
    return names


def _numeric_column(col: pd.Series, name: Any) -> np.ndarray:
    """One item as float64 with NaN for missing answers; text raises a ValueError naming the row."""
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        out = col.to_numpy(dtype=float, na_value=np.nan)
    elif pd.api.types.is_numeric_dtype(dtype):
        out = col.to_numpy(dtype=float, na_value=np.nan)
    else:
        obj = col.astype(object)
        conv = pd.to_numeric(obj, errors="coerce")
        text = obj.astype("string").str.strip()
        was_missing = obj.isna().to_numpy() | (text == "").fillna(True).to_numpy(dtype=bool)
        bad = conv.isna().to_numpy() & ~was_missing
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise ValueError(f"题项 {name} 含非数值内容，第 {pos + 1} 行为 '{obj.iloc[pos]}'")
        out = conv.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(out).any():
        pos = int(np.flatnonzero(np.isinf(out))[0])
        raise ValueError(f"题项 {name} 含无穷值，第 {pos + 1} 行")
    return out


def _matrix(
    data: Any,
    items: Sequence[str] | None,
    *,
    reverse: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    min_items: int = 2,
) -> tuple[np.ndarray, list, np.ndarray | None]:
    """Items as a float matrix (rows = respondents) with NaN for missing answers.

    Returns the matrix, the item names and the mask of complete rows (None when every answer is
    present).
    """
    df = _frame(data)
    names = _item_names(df, items, min_items)
    if df.shape[0] == 0:
        raise ValueError("数据没有任何受访者（0 行）")
    sub = df if names == list(df.columns) else df[names]
    dtypes = sub.dtypes
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in dtypes):
        X = sub.to_numpy(dtype=float, na_value=np.nan)
    else:
        X = np.column_stack([_numeric_column(sub.iloc[:, j], n) for j, n in enumerate(names)])
    row_sum = X @ np.ones(X.shape[1])  # NaN or ±inf in a row makes its sum non-finite
    keep = None
    if not np.isfinite(row_sum).all():
        if np.isinf(X).any():
            row, col = np.argwhere(np.isinf(X))[0]
            raise ValueError(f"题项 {names[col]} 含无穷值，第 {row + 1} 行")
        empty = np.isnan(X).all(axis=0)
        if empty.any():
            raise ValueError(f"题项 {names[int(np.flatnonzero(empty)[0])]} 全部缺失")
        keep = ~np.isnan(row_sum)
    if reverse:
        X = _recode(X, names, reverse, scale)
    elif scale is not None:
        _check_scale(scale)
    return X, names, keep


def _check_scale(scale: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ValueError("量表范围 scale 应为 (最小值, 最大值)，例如 (1, 5)") from None
    if not lo < hi:
        raise ValueError(f"量表范围 scale 的最小值应小于最大值（现为 {lo:g}, {hi:g}）")
    return lo, hi


def _recode(X: np.ndarray, names: list, reverse: Sequence[str], scale: Any) -> np.ndarray:
    if isinstance(reverse, str):
        reverse = [reverse]
    if scale is None:
        raise ValueError("反向题重新编码需要给出量表范围 scale=(最小值, 最大值)，例如 (1, 5)")
    lo, hi = _check_scale(scale)
    unknown = [r for r in reverse if r not in names]
    if unknown:
        raise ValueError(f"反向题 {'、'.join(map(str, unknown))} 不在所分析的题项中")
    X = X.copy()
    for r in dict.fromkeys(reverse):
        j = names.index(r)
        col = X[:, j]
        outside = ~np.isnan(col) & ((col < lo - 1e-12) | (col > hi + 1e-12))
        if outside.any():
            pos = int(np.flatnonzero(outside)[0])
            raise ValueError(
                f"题项 {r} 第 {pos + 1} 行的值 {col[pos]:g} 超出量表范围 {lo:g}–{hi:g}，无法反向计分"
            )
        X[:, j] = lo + hi - col
    return X


def _listwise(X: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    """Complete cases (``keep`` from :func:`_matrix`; None means all rows are complete)."""
    return X if keep is None else X[keep]


def _check_missing(missing: str) -> None:
    if missing not in MISSING:
        raise ValueError(
            f"missing 应为 'listwise'（列表删除）或 'pairwise'（成对删除），不是 {missing!r}"
        )


def _check_n(n: int, missing: str, minimum: int = 2) -> None:
    if n < minimum:
        how = "列表删除后" if missing == "listwise" else "成对删除后"
        raise ValueError(f"{how}有效样本不足 {minimum} 人（剩 {n} 人）")


def _constant(var: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Which items are constant: the spread is below float64 resolution at the item's magnitude.

    An item counts as constant when its standard deviation is at most ``ZERO_VARIANCE_RTOL``
    (1e-12) times its root-mean-square value :math:`\\sqrt{\\bar x^2 + s^2}`, i.e.

    .. math:: s^2 \\le \\tau^2 (\\bar x^2 + s^2), \\qquad \\tau = 10^{-12}.

    The rule is scale-free (multiplying an item by any constant never changes the verdict, so
    answers around 1e-4 or 1e-9 with real variation are items, not constants) and follows the item's
    magnitude (an item stored as 1e8 + rounding noise is constant). The tolerance sits about
    4,500 ε (ε ≈ 2.2e-16) above the rounding of a mean-centred variance, which is a few ε of
    the magnitude for any n a survey has, so rounding and unit conversions never make a constant
    item look variable; variation first visible in the 13th significant digit is treated as
    noise. Correlations of an item just above the threshold keep about 4 correct digits.
    """
    var = np.asarray(var, dtype=float)
    mean = np.asarray(mean, dtype=float)
    return ~(var > ZERO_VARIANCE_RTOL**2 * (mean**2 + np.maximum(var, 0.0)))


def _unresolved(ss: np.ndarray, sq: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Which one-pass sums of squares are zero up to their own rounding.

    A sum of squared deviations computed as :math:`ss = \\sum d^2 - (\\sum d)^2 / n` (d the
    answers minus some fixed centre) carries a rounding error of up to about
    :math:`3 n \\varepsilon \\sum d^2`: when the answers are constant but away from the centre
    (an item constant among one pair's respondents, or in one bootstrap resample) the two terms
    cancel and leave only that error, ~1e-17 instead of 0, which would make a correlation out of
    noise. ``ss <= 8 n ε Σd²`` is treated as zero; ``sq`` is :math:`\\sum d^2`.
    """
    return ~(ss > 8 * np.finfo(float).eps * n * sq)


def _check_variance(var: np.ndarray, mean: np.ndarray, names: list) -> None:
    """ValueError naming the first constant item (see :func:`_constant`)."""
    zero = _constant(var, mean)
    if zero.any():
        raise ValueError(f"题项 {names[int(np.flatnonzero(zero)[0])]} 方差为 0")


def _pairwise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise-complete covariances and correlations (as R ``use="pairwise"`` and pandas).

    The diagonal of the covariance matrix uses every answer to the item; an off-diagonal element
    uses the respondents who answered both items, with their own means; each correlation uses the
    pair's own standard deviations. Returns (C, R, N) with N the pairwise counts.

    Every item is first centred on the mean of all its answers, :math:`d = x - \\bar x`; the
    pair's sums are then taken of d, :math:`\\sum d_i d_j - \\sum d_i \\sum d_j / n_{ij}`. This is
    algebraically the same covariance (it is invariant to a shift of either item), but the
    uncentred sums :math:`\\sum x_i x_j - \\sum x_i \\sum x_j / n` cancel catastrophically when
    the answers are far from zero: with 1e8 added to 1–5 answers the products are ~1e16 and their
    rounding (~1) swamps the variance. Centred, only the small gap between the pair's mean and
    the item mean enters the subtraction, so the results do not change when a constant is added
    to any item. A pair-restricted variance at the level of that rounding (see
    :func:`_constant`) counts as zero, so its correlation is undefined (NaN) rather than noise.
    """
    M = (~np.isnan(X)).astype(float)
    mean = np.nanmean(X, axis=0)
    X0 = np.where(M > 0, X - mean, 0.0)
    N = M.T @ M
    Sx = X0.T @ M  # Sx[i, j] = Σ d_i over rows where i and j are both present
    Sxx = (X0**2).T @ M
    Sxy = X0.T @ X0
    with np.errstate(invalid="ignore", divide="ignore"):
        num = Sxy - Sx * Sx.T / N
        C = num / (N - 1)
        vi = Sxx - Sx**2 / N
        # vi[i, j]: variance sum of item i among the pair's respondents, whose mean is
        # mean_i + Sx[i, j] / N[i, j]
        flat = _constant(vi / (N - 1), mean[:, None] + Sx / N) | _unresolved(vi, Sxx, N)
        vi = np.where(flat, 0.0, vi)
        R = num / np.sqrt(vi * vi.T)
    np.fill_diagonal(R, 1.0)
    return C, R, N


def _cov_listwise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Covariance matrix, column means and centred data of complete data (BLAS dsyrk)."""
    mean = X.mean(axis=0)
    Xc = X - mean
    if Xc.flags.c_contiguous:
        U = blas.dsyrk(1.0, Xc.T, trans=0)  # upper triangle of Xc'Xc, half the flops of a matmul
        C = np.triu(U) + np.triu(U, 1).T
    else:
        C = Xc.T @ Xc
    return C / (X.shape[0] - 1), mean, Xc


def _corr_from_cov(C: np.ndarray) -> np.ndarray:
    d = np.sqrt(np.diag(C))
    R = C / np.outer(d, d)
    np.fill_diagonal(R, 1.0)
    return R


def _correlation(
    data: Any, items: Sequence[str] | None, missing: str, min_items: int = 2
) -> tuple[np.ndarray, list, int]:
    """Correlation matrix, item names and the n used (listwise rows or minimum pairwise n)."""
    _check_missing(missing)
    X, names, keep = _matrix(data, items, min_items=min_items)
    if missing == "listwise":
        Xl = _listwise(X, keep)
        n = Xl.shape[0]
        _check_n(n, missing, 3)
        C, means, _ = _cov_listwise(Xl)
        _check_variance(np.diag(C), means, names)
        return _corr_from_cov(C), names, n
    C, R, N = _pairwise(X)
    n = int(N[np.triu_indices_from(N, 1)].min())
    _check_n(n, missing, 3)
    _check_variance(np.diag(C), np.nanmean(X, axis=0), names)
    _check_pairwise_r(R, names)
    return R, names, n


def _check_pairwise_r(R: np.ndarray, names: list) -> None:
    if not np.isfinite(R).all():
        i, j = np.argwhere(~np.isfinite(R))[0]
        raise ValueError(f"题项 {names[i]} 与 {names[j]} 的共同有效样本方差为 0，无法计算相关")


def _check_level(ci: float | None) -> None:
    if ci is not None and not 0 < ci < 1:
        raise ValueError(f"置信水平 ci 应在 0 与 1 之间（现为 {ci}）")


# ---------------------------------------------------------------------------------------------
# Cronbach's alpha


def _alpha_cov(C: np.ndarray) -> float:
    k = C.shape[0]
    return k / (k - 1) * (1.0 - np.trace(C) / C.sum())


def _alpha_std(R: np.ndarray) -> tuple[float, float]:
    """Standardised α from the mean inter-item correlation r̄: k·r̄ / (1 + (k − 1)·r̄)."""
    k = R.shape[0]
    rbar = (R.sum() - np.trace(R)) / (k * (k - 1))
    return k * rbar / (1 + (k - 1) * rbar), rbar


def _item_stats(M: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Corrected item-total r and α if item deleted, from a covariance or correlation matrix."""
    total = M.sum()
    row = M.sum(axis=1)
    d = np.diag(M)
    var_rest = total - 2 * row + d
    with np.errstate(invalid="ignore", divide="ignore"):
        r_drop = (row - d) / np.sqrt(d * var_rest)
        if k > 2:
            a_drop = (k - 1) / (k - 2) * (1 - (np.trace(M) - d) / var_rest)
        else:
            a_drop = np.full(k, np.nan)
    return r_drop, a_drop


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's F-distribution confidence interval of α (Feldt, Woodruff & Salih 1987).

    ``(1 − (1 − α)·F(1 − γ/2), 1 − (1 − α)·F(γ/2))`` with γ = 1 − level and F the quantiles of
    the F distribution with n − 1 and (n − 1)(k − 1) degrees of freedom.
    """
    if n < 2 or not np.isfinite(alpha):
        return (np.nan, np.nan)
    g = 1.0 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - alpha) * stats.f.ppf(1 - g / 2, df1, df2)
    hi = 1 - (1 - alpha) * stats.f.ppf(g / 2, df1, df2)
    return (float(lo), float(hi))


def _chunks(total: int, per_rep: int) -> list[int]:
    size = max(1, min(total, _CHUNK_ELEMENTS // max(per_rep, 1)))
    out = [size] * (total // size)
    if total % size:
        out.append(total % size)
    return out


def _boot_counts(rng: np.random.Generator, b: int, n: int) -> np.ndarray:
    """Bootstrap resamples as a (b, n) matrix of how often each respondent is drawn."""
    idx = rng.integers(0, n, size=(b, n))
    idx += (np.arange(b) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=b * n).reshape(b, n).astype(float)


def _boot_alpha_listwise(
    Xc: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
    standardized: bool,
    center: np.ndarray | None = None,
) -> np.ndarray:
    """α of each bootstrap resample of the (centred) complete-case matrix, via count weights.

    ``center`` is the item means subtracted from ``Xc``: a standardised α needs every item to
    vary within the resample, judged relative to the item's magnitude (:func:`_constant`); a
    resample where one does not gives NaN (counted and dropped by the caller).
    """
    n, k = Xc.shape
    center = np.zeros(k) if center is None else center
    if standardized:
        iu = np.triu_indices(k)
        Z = np.column_stack([Xc, Xc[:, iu[0]] * Xc[:, iu[1]]])
    else:  # per-item sums, Σ_i x_i² per respondent, total and total²: k + 3 columns
        T = Xc.sum(axis=1)
        Z = np.column_stack([Xc, np.einsum("ij,ij->i", Xc, Xc), T, T**2])
    out = []
    for b in _chunks(n_boot, n):
        W = _boot_counts(rng, b, n)
        S = W @ Z  # (b, columns): weighted sums
        mean = S[:, :k] / n
        if standardized:
            P = np.zeros((b, k, k))
            P[:, iu[0], iu[1]] = S[:, k:]
            P[:, iu[1], iu[0]] = S[:, k:]
            C = (P - n * mean[:, :, None] * mean[:, None, :]) / (n - 1)
            var = np.einsum("bii->bi", C)
            flat = _constant(var, center + mean) | _unresolved(
                (n - 1) * var, np.einsum("bii->bi", P), n
            )
            flat = flat.any(axis=1)
            d = np.sqrt(np.maximum(var, 0.0))
            with np.errstate(invalid="ignore", divide="ignore"):
                R = C / (d[:, :, None] * d[:, None, :])
                rbar = (R.sum(axis=(1, 2)) - k) / (k * (k - 1))
                out.append(np.where(flat, np.nan, k * rbar / (1 + (k - 1) * rbar)))
        else:
            sum_var = (S[:, k] - n * np.sum(mean**2, axis=1)) / (n - 1)
            tm = S[:, k + 1] / n
            var_t = (S[:, k + 2] - n * tm**2) / (n - 1)
            var_t = np.where(_unresolved((n - 1) * var_t, S[:, k + 2], n), 0.0, var_t)
            with np.errstate(invalid="ignore", divide="ignore"):
                out.append(k / (k - 1) * (1 - sum_var / var_t))
    return np.concatenate(out)


def _boot_alpha_pairwise(
    X: np.ndarray, n_boot: int, rng: np.random.Generator, standardized: bool
) -> np.ndarray:
    """α of each bootstrap resample with pairwise-complete covariances (rows resampled)."""
    n, k = X.shape
    M = (~np.isnan(X)).astype(float)
    center = np.nanmean(X, axis=0)
    X0 = np.where(M > 0, X - center, 0.0)
    out = []
    for b in _chunks(n_boot, n * k * 3):
        idx = rng.integers(0, n, size=(b, n))
        Xb, Mb = X0[idx], M[idx]
        Xt, Mt = Xb.transpose(0, 2, 1), Mb.transpose(0, 2, 1)
        N = Mt @ Mb
        Sx = Xt @ Mb
        Sxy = Xt @ Xb
        with np.errstate(invalid="ignore", divide="ignore"):
            num = Sxy - Sx * Sx.transpose(0, 2, 1) / N
            if standardized:
                vi = (Xt**2) @ Mb - Sx**2 / N
                # an item constant among a pair's respondents (relative to its magnitude) makes
                # the resample's standardised α undefined, not noise
                flat = (N >= 2) & (
                    _constant(vi / (N - 1), center[:, None] + Sx / N)
                    | _unresolved(vi, (Xt**2) @ Mb, N)
                )
                R = num / np.sqrt(vi * vi.transpose(0, 2, 1))
                rbar = (np.nansum(R, axis=(1, 2)) - np.einsum("bii->b", R)) / (k * (k - 1))
                alpha = k * rbar / (1 + (k - 1) * rbar)
                out.append(np.where(flat.any(axis=(1, 2)), np.nan, alpha))
            else:
                C = num / (N - 1)
                ni = Mb.sum(axis=1)
                si = Xb.sum(axis=1)
                var_i = ((Xb**2).sum(axis=1) - si**2 / ni) / (ni - 1)  # all answers to item i
                C[:, np.arange(k), np.arange(k)] = var_i
                out.append(k / (k - 1) * (1 - var_i.sum(axis=1) / C.sum(axis=(1, 2))))
    return np.concatenate(out)


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's α of one scale.

    Attributes
    ----------
    alpha : float
        Raw α (from covariances) or standardised α (from the mean inter-item correlation),
        as ``standardized`` says.
    ci : tuple of float
        (low, high) at ``ci_level`` by ``ci_method`` ("feldt" or "bootstrap"); NaN if not asked.
    n : int
        Respondents used: complete cases (listwise) or the smallest pairwise n (pairwise).
    n_total : int
        Rows in the data.
    k : int
        Number of items.
    standardized : bool
        Which α was computed.
    mean_r : float
        Mean inter-item correlation r̄.
    item_stats : DataFrame
        ``item``, ``n`` (answers used), ``mean``, ``sd``, ``item_total_r`` (corrected item-total
        correlation: the item against the sum of the other items) and ``alpha_if_deleted``.
    warnings : tuple of str
        Things a reviewer should look at (negative item-total correlations, negative α …).
    notes : tuple of str
        Methodological choices (missing-data handling, reverse-keyed items, CI method).
    """

    alpha: float
    ci: tuple[float, float]
    ci_level: float | None
    ci_method: str | None
    n: int
    n_total: int
    k: int
    standardized: bool
    missing: str
    mean_r: float
    item_stats: pd.DataFrame
    reversed_items: tuple = ()
    n_boot: int | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """A short plain-text summary (Chinese first)."""
        kind = "标准化 α（基于平均题间相关）" if self.standardized else "原始 α（基于协方差）"
        lines = [
            f"Cronbach's α：{kind} = {_f(self.alpha)}（{self.k} 个题项，有效样本 n = {self.n}）"
        ]
        if self.ci_method:
            how = "Feldt F 分布法" if self.ci_method == "feldt" else f"自助法 {self.n_boot} 次"
            lines.append(
                f"  {self.ci_level:.0%} 置信区间 [{_f(self.ci[0])}, {_f(self.ci[1])}]（{how}）"
            )
        lines.append(f"  平均题间相关 r̄ = {_f(self.mean_r)}")
        lines.append("  题项  校正题总相关  删除该题后 α")
        for r in self.item_stats.itertuples():
            lines.append(f"  {r.item}  {_f(r.item_total_r)}  {_f(r.alpha_if_deleted)}")
        lines.extend(f"说明：{t}" for t in self.notes)
        lines.extend(f"提示：{w}" for w in self.warnings)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return _jsonable(
            {
                "alpha": self.alpha,
                "standardized": self.standardized,
                "ci": list(self.ci),
                "ci_level": self.ci_level,
                "ci_method": self.ci_method,
                "n_boot": self.n_boot,
                "n": self.n,
                "n_total": self.n_total,
                "k": self.k,
                "missing": self.missing,
                "mean_r": self.mean_r,
                "reversed_items": list(self.reversed_items),
                "item_stats": self.item_stats,
                "warnings": list(self.warnings),
                "notes": list(self.notes),
            }
        )


def _negative_warnings(names: list, r_drop: np.ndarray) -> list[str]:
    return [
        f"题项 {name} 与其余题项总分负相关（r = {_f(r, 2)}），可能是反向题未重新编码"
        for name, r in zip(names, r_drop, strict=True)
        if np.isfinite(r) and r < 0
    ]


def cronbach_alpha(
    data: pd.DataFrame,
    items: Sequence[str] | None = None,
    missing: str = "listwise",
    standardized: bool = False,
    ci: float | None = 0.95,
    ci_method: str = "feldt",
    n_boot: int = 2000,
    seed: int | np.random.Generator | None = None,
    reverse: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
) -> AlphaResult:
    """Cronbach's α with its confidence interval, item statistics and α if item deleted.

    Parameters
    ----------
    data : DataFrame
        One column per item, one row per respondent. Numbers, or text holding numbers; other text
        raises ValueError naming the item and row. Blank strings and NaN are missing answers.
    items : list of str, optional
        The columns forming the scale (default: all columns).
    missing : {"listwise", "pairwise"}
        ``"listwise"`` (default) drops respondents with any missing item; ``"pairwise"`` computes
        each covariance from the respondents who answered both items (as R's ``use="pairwise"``,
        psych::alpha's default and pandas' ``cov``). Nothing is imputed.
    standardized : bool
        False (default): raw α from the covariance matrix, the reliability of the sum score.
        True: standardised α from the mean inter-item correlation, the reliability of the sum of
        z-scores (SPSS "Cronbach's Alpha Based on Standardized Items", psych ``std.alpha``).
    ci : float or None
        Confidence level (default 0.95); None skips the interval.
    ci_method : {"feldt", "bootstrap"}
        ``"feldt"``: the F-distribution interval with the n actually used (complete cases after
        listwise deletion; the smallest pairwise n under pairwise deletion). ``"bootstrap"``:
        percentile interval of ``n_boot`` resamples of respondents (seeded by ``seed``).
    n_boot : int
        Bootstrap resamples (default 2000).
    seed : int or Generator, optional
        Seed of the bootstrap (same seed, same interval).
    reverse : list of str, optional
        Reverse-keyed items to recode as x → min + max − x before computing α.
    scale : (min, max), optional
        The response scale, e.g. (1, 5); required with ``reverse``.

    Returns
    -------
    AlphaResult
        ``.alpha``, ``.ci``, ``.n``, ``.k``, ``.standardized``, ``.item_stats``, ``.warnings``.

    Raises
    ------
    ValueError
        Fewer than two items, an item all missing or constant, text in an item, too few complete
        respondents, reverse items without a scale or with answers outside it.

    Notes
    -----
    With k items, item covariance matrix C (variances :math:`s_i^2`) and total score variance
    :math:`s_T^2 = \\mathbf 1' C \\mathbf 1`, raw α (Cronbach 1951) is

    .. math:: \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i s_i^2}{s_T^2}\\right).

    Standardised α uses the mean off-diagonal correlation :math:`\\bar r`:
    :math:`\\alpha_{std} = k\\bar r / (1 + (k-1)\\bar r)`. The two coincide only when all items
    have equal variances; reports must say which one they give.

    Feldt's interval (Feldt 1965; Feldt, Woodruff & Salih 1987, formulas 6–7), with
    γ = 1 − ci and :math:`F_q` the q-quantile of F(n − 1, (n − 1)(k − 1)):

    .. math:: \\left[1 - (1-\\alpha)F_{1-\\gamma/2},\\; 1 - (1-\\alpha)F_{\\gamma/2}\\right].

    The n is the number of respondents actually used: using the raw row count after listwise
    deletion gives a falsely narrow interval. Under pairwise deletion there is no single n; the
    smallest pairwise n is used (conservative) and the harmonic mean of the pairwise n is given
    in ``notes``.

    Item statistics: the corrected item-total correlation :math:`r_{i,T-i}` correlates item i
    with the sum of the other items (psych ``r.drop``, SPSS "Corrected Item-Total Correlation");
    α if item deleted is α of the other k − 1 items. For standardised α both come from the
    correlation matrix. A negative corrected item-total correlation is the usual sign of a
    reverse-keyed item left unrecoded, and the usual cause of a small or negative α: it is
    listed in ``warnings``. Recode with ``reverse=[…], scale=(min, max)``.

    The bootstrap resamples respondents (rows) with replacement; each resample is a vector of
    counts, so all resamples are computed with matrix products (no loop over resamples). A
    resample in which an item (standardised α) or the total score (raw α) does not vary has no
    α: it is dropped and counted in ``notes``. "Does not vary" includes a resample variance
    within its own rounding error of zero (see ``_unresolved``), so the interval never depends
    on rounding noise or on the units of an item.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16, 297–334.

    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability
    coefficient twenty. Psychometrika, 30, 357–370.

    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. Applied Psychological Measurement, 11, 93–103.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame(
    ...     {"q1": [4, 5, 3, 4, 2, 5], "q2": [4, 4, 3, 5, 2, 4], "q3": [5, 5, 2, 4, 3, 4]}
    ... )
    >>> res = cronbach_alpha(df)
    >>> round(res.alpha, 4), res.n, res.k
    (0.8713, 6, 3)
    >>> [round(x, 3) for x in res.ci]
    [0.455, 0.981]
    """
    _check_missing(missing)
    _check_level(ci)
    if ci_method not in ("feldt", "bootstrap"):
        raise ValueError(f"ci_method 应为 'feldt' 或 'bootstrap'，不是 {ci_method!r}")
    X, names, keep = _matrix(data, items, reverse=reverse, scale=scale)
    k = len(names)
    n_total = X.shape[0]
    notes: list[str] = []
    if reverse:
        rev = list(dict.fromkeys([reverse] if isinstance(reverse, str) else reverse))
        lo, hi = _check_scale(scale)
        notes.append(f"反向题 {'、'.join(map(str, rev))} 已按 x → {lo:g} + {hi:g} − x 重新编码")
    else:
        rev = []

    if missing == "listwise":
        Xu = _listwise(X, keep)
        n = Xu.shape[0]
        _check_n(n, missing)
        C, means, Xc = _cov_listwise(Xu)
        _check_variance(np.diag(C), means, names)
        R = _corr_from_cov(C)
        item_n = np.full(k, n)
        dropped = n_total - n
        if dropped:
            notes.append(f"列表删除：{n_total} 人中 {dropped} 人有缺失题项，按 {n} 人计算")
    else:
        C, R, N = _pairwise(X)
        means = np.nanmean(X, axis=0)
        _check_variance(np.diag(C), means, names)
        off = N[np.triu_indices(k, 1)]
        n = int(off.min())
        _check_n(n, missing)
        if not np.isfinite(R).all():
            i, j = np.argwhere(~np.isfinite(R))[0]
            raise ValueError(f"题项 {names[i]} 与 {names[j]} 的共同有效样本方差为 0")
        item_n = np.diag(N).astype(int)
        harmonic = len(off) / np.sum(1.0 / off)
        notes.append(
            f"成对删除：协方差按每对题项的共同有效样本计算；n 取各对共同样本的最小值 {n}"
            f"（调和平均 {harmonic:.1f}），用于 Feldt 置信区间"
        )
        Xc = None

    alpha_std, rbar = _alpha_std(R)
    if standardized:
        alpha = alpha_std
        r_drop, a_drop = _item_stats(R, k)
    else:
        alpha = _alpha_cov(C)
        r_drop, a_drop = _item_stats(C, k)

    ci_pair: tuple[float, float] = (np.nan, np.nan)
    if ci is not None and ci_method == "feldt":
        ci_pair = feldt_interval(alpha, n, k, ci)
        if standardized:
            notes.append("Feldt 区间按原始 α 的抽样分布推导，用于标准化 α 时为近似")
    elif ci is not None:
        if int(n_boot) < 2:
            raise ValueError(f"自助法次数 n_boot 至少为 2（现为 {n_boot}）")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        if missing == "listwise":
            boots = _boot_alpha_listwise(Xc, int(n_boot), rng, standardized, means)
        else:
            boots = _boot_alpha_pairwise(X, int(n_boot), rng, standardized)
        bad = int((~np.isfinite(boots)).sum())
        if bad:
            notes.append(f"自助法：{bad} 次重抽样出现方差为 0 的题项，已从 {n_boot} 次中剔除")
        q = np.quantile(boots[np.isfinite(boots)], [(1 - ci) / 2, (1 + ci) / 2])
        ci_pair = (float(q[0]), float(q[1]))
        notes.append(f"自助法百分位区间：对受访者有放回重抽样 {n_boot} 次（seed={seed!r}）")

    sd = np.sqrt(np.diag(C))
    table = pd.DataFrame(
        {
            "item": pd.Series(names, dtype=object),
            "n": item_n.astype(int),
            "mean": means,
            "sd": sd,
            "item_total_r": r_drop,
            "alpha_if_deleted": a_drop,
        }
    )
    warns = _negative_warnings(names, r_drop)
    if alpha < 0:
        warns.append(
            f"α 为负值（{_f(alpha)}）：题项平均协方差为负，常见原因是反向题未重新编码，"
            "或题项不属于同一维度"
        )
    if k == 2:
        notes.append("只有两个题项：删除任一题后只剩一个题项，“删除该题后 α”无定义")
    return AlphaResult(
        alpha=float(alpha),
        ci=ci_pair,
        ci_level=ci,
        ci_method=ci_method if ci is not None else None,
        n=int(n),
        n_total=int(n_total),
        k=k,
        standardized=bool(standardized),
        missing=missing,
        mean_r=float(rbar),
        item_stats=table,
        reversed_items=tuple(rev),
        n_boot=int(n_boot) if ci is not None and ci_method == "bootstrap" else None,
        warnings=tuple(warns),
        notes=tuple(notes),
    )


def reverse_code(
    data: pd.DataFrame, items: Sequence[str], scale: tuple[float, float]
) -> pd.DataFrame:
    """A copy of ``data`` with reverse-keyed items recoded as x → min + max − x.

    Parameters
    ----------
    data : DataFrame
    items : list of str
        Reverse-keyed items.
    scale : (min, max)
        The response scale, e.g. (1, 5): 1 ↔ 5, 2 ↔ 4, 3 stays 3.

    Returns
    -------
    DataFrame
        Same shape, index and columns; the recoded items are float (missing stays missing).

    Raises
    ------
    ValueError
        Unknown item, text in an item, an answer outside the scale.

    Examples
    --------
    >>> import pandas as pd
    >>> reverse_code(pd.DataFrame({"q1": [1, 2, 5], "q2": [5, 4, None]}), ["q2"], (1, 5))
       q1   q2
    0   1  1.0
    1   2  2.0
    2   5  NaN
    """
    df = _frame(data)
    names = _item_names(df, [items] if isinstance(items, str) else items, min_items=1)
    X = np.column_stack([_numeric_column(df[c], c) for c in names])
    Xr = _recode(X, names, names, scale)
    out = df.copy()
    for j, c in enumerate(names):
        out[c] = Xr[:, j]
    return out


def detect_reverse_items(
    data: pd.DataFrame, items: Sequence[str] | None = None, missing: str = "listwise"
) -> list:
    """Items whose corrected item-total correlation is negative (likely reverse-keyed).

    Parameters
    ----------
    data : DataFrame
    items : list of str, optional
        The scale's items (default: all columns).
    missing : {"listwise", "pairwise"}

    Returns
    -------
    list
        Item names, most negative first (empty when none).

    Notes
    -----
    The corrected item-total correlation :math:`r_{i,T-i}` correlates item i with the sum of the
    other items (see :func:`cronbach_alpha`). An item worded in the opposite direction ("服务态度
    差") correlates negatively with the rest once the other items agree. This is a screening rule:
    confirm against the questionnaire before recoding with :func:`reverse_code`. When several
    items are reverse-keyed the sum of the others is contaminated too, so recheck after recoding.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame(
    ...     {
    ...         "q1": [5, 4, 2, 1, 3, 4],
    ...         "q2": [5, 5, 2, 2, 3, 4],
    ...         "q3": [4, 5, 1, 2, 3, 5],
    ...         "q4": [1, 2, 4, 5, 3, 2],
    ...     }
    ... )
    >>> detect_reverse_items(df)
    ['q4']
    >>> round(cronbach_alpha(df, ci=None).alpha, 3)
    -0.052
    >>> round(cronbach_alpha(df, ci=None, reverse=["q4"], scale=(1, 5)).alpha, 3)
    0.969
    """
    res = cronbach_alpha(data, items, missing=missing, ci=None)
    t = res.item_stats
    neg = t[t["item_total_r"] < 0].sort_values("item_total_r")
    return list(neg["item"])


# ---------------------------------------------------------------------------------------------
# Factor extraction


def _smc(R: np.ndarray) -> np.ndarray:
    """Squared multiple correlations 1 − 1/diag(R⁻¹) (pseudo-inverse for singular R)."""
    try:
        inv = np.linalg.inv(R)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(R)
    return np.clip(1 - 1 / np.diag(inv), 0.0, 1.0)


def _top_loadings(S: np.ndarray, q: int) -> np.ndarray:
    val, vec = np.linalg.eigh(S)
    val, vec = val[::-1][:q], vec[:, ::-1][:, :q]
    return vec * np.sqrt(np.maximum(val, 0.0))


def _fit_minres(R: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Minres (ULS) loadings: Ψ minimising Σ_{k>q} λ_k(R − Ψ)², bounded to [0.005, 1]."""
    p = R.shape[0]

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        val, vec = np.linalg.eigh(R - np.diag(psi))
        rest_val, rest_vec = val[: p - q], vec[:, : p - q]  # the p − q smallest eigenvalues
        f = 0.5 * np.sum(rest_val**2)
        grad = -(rest_vec**2) @ rest_val
        return f, grad

    start = np.clip(1 - _smc(R), HEYWOOD_BOUND, 1.0)
    res = optimize.minimize(
        fun,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(HEYWOOD_BOUND, 1.0)] * p,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10_000},
    )
    psi = res.x
    L = _top_loadings(R - np.diag(psi), q)
    return L, psi, bool(res.success)


def _fit_ml(R: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray, bool, float]:
    """Maximum-likelihood loadings as R's ``factanal`` (Lawley & Maxwell; Jöreskog 1967)."""
    p = R.shape[0]

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        sc = 1 / np.sqrt(psi)
        val, vec = np.linalg.eigh(R * np.outer(sc, sc))
        val, vec = val[::-1], vec[:, ::-1]
        e = val[q:]
        f = -(np.sum(np.log(e) - e) - q + p)
        load = vec[:, :q] * np.sqrt(np.maximum(val[:q] - 1, 0.0))
        load = load * np.sqrt(psi)[:, None]
        g = np.sum(load**2, axis=1) + psi - np.diag(R)
        return f, g / psi**2

    try:
        start = (1 - 0.5 * q / p) / np.diag(np.linalg.inv(R))
    except np.linalg.LinAlgError:
        raise ValueError("相关矩阵奇异（题项间存在完全线性关系），无法做最大似然因子分析") from None
    res = optimize.minimize(
        fun,
        np.clip(start, HEYWOOD_BOUND, 1.0),
        jac=True,
        method="L-BFGS-B",
        bounds=[(HEYWOOD_BOUND, 1.0)] * p,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10_000},
    )
    psi = res.x
    sc = 1 / np.sqrt(psi)
    val, vec = np.linalg.eigh(R * np.outer(sc, sc))
    val, vec = val[::-1][:q], vec[:, ::-1][:, :q]
    L = vec * np.sqrt(np.maximum(val - 1, 0.0)) * np.sqrt(psi)[:, None]
    return L, psi, bool(res.success), float(res.fun)


def _fit_pc(R: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Principal-component loadings: eigenvectors × √eigenvalues of R (SPSS 主成分法)."""
    L = _top_loadings(R, q)
    return L, 1 - np.sum(L**2, axis=1), True


def _extract(R: np.ndarray, q: int, method: str) -> tuple[np.ndarray, np.ndarray, bool, float]:
    if method == "ml":
        return _fit_ml(R, q)
    if method == "minres":
        L, psi, ok = _fit_minres(R, q)
    else:
        L, psi, ok = _fit_pc(R, q)
    return L, psi, ok, np.nan


# ---------------------------------------------------------------------------------------------
# Rotations


def _varimax(L: np.ndarray, normalize: bool = True, eps: float = 1e-5) -> tuple:
    """Varimax with Kaiser normalisation: the algorithm and stopping rule of R's ``stats::varimax``.

    The varimax criterion is flat near its optimum, so the stopping rule shows in the third
    decimal of a promax solution built on it; eps = 1e-5 (R's default) reproduces R and psych.
    """
    p, k = L.shape
    if k < 2:
        return L.copy(), np.eye(k)
    sc = np.sqrt(np.sum(L**2, axis=1)) if normalize else np.ones(p)
    x = L / sc[:, None]
    T = np.eye(k)
    d = 0.0
    for _ in range(10_000):
        z = x @ T
        B = x.T @ (z**3 - z * (np.sum(z**2, axis=0) / p))
        u, s, vt = np.linalg.svd(B)
        T = u @ vt
        d_past, d = d, np.sum(s)
        if d < d_past * (1 + eps):
            break
    return (x @ T) * sc[:, None], T


def _promax(L: np.ndarray, m: float = 4) -> tuple:
    """Promax (Hendrickson & White 1964) as R's ``stats::promax``: varimax, then a power-m target."""
    k = L.shape[1]
    if k < 2:
        return L.copy(), np.eye(k), np.eye(k)
    x, T = _varimax(L)
    Q = x * np.abs(x) ** (m - 1)
    U = np.linalg.lstsq(x, Q, rcond=None)[0]
    d = np.diag(np.linalg.inv(U.T @ U))
    U = U @ np.diag(np.sqrt(d))
    z = x @ U
    U = T @ U
    ui = np.linalg.inv(U)
    phi = ui @ ui.T
    return z, U, phi


def _oblimin(L: np.ndarray, gamma: float = 0.0) -> tuple:
    """Direct oblimin (quartimin for γ = 0) by gradient projection (Bernaards & Jennrich 2005)."""
    from statsmodels.multivariate.factor_rotation import rotate_factors

    k = L.shape[1]
    if k < 2:
        return L.copy(), np.eye(k), np.eye(k)
    # GPArotation::oblimin defaults (used by psych::fa): eps = 1e-5, maxit = 1000
    z, T = rotate_factors(L, "oblimin", gamma, "oblique", max_tries=1000, tol=1e-5)
    phi = T.T @ T
    return z, T, phi


def _rotate(L: np.ndarray, rotation: str | None) -> tuple[np.ndarray, np.ndarray | None]:
    if rotation is None or L.shape[1] < 2:
        return L, None
    if rotation == "varimax":
        return _varimax(L)[0], None
    if rotation == "promax":
        z, _, phi = _promax(L)
        return z, phi
    z, _, phi = _oblimin(L)
    return z, phi


def _sort_factors(L: np.ndarray, phi: np.ndarray | None) -> tuple:
    """Order factors by sum of squared loadings (largest first); make column sums positive.

    The same convention as R's ``factanal`` (``sortLoadings``); psych::fa orders by variance
    accounted for, which is the same for orthogonal rotations.
    """
    order = np.argsort(-np.sum(L**2, axis=0), kind="stable")
    L = L[:, order]
    sign = np.where(L.sum(axis=0) < 0, -1.0, 1.0)
    L = L * sign
    if phi is not None:
        phi = phi[np.ix_(order, order)] * np.outer(sign, sign)
    return L, phi


# ---------------------------------------------------------------------------------------------
# McDonald's omega


@dataclass(frozen=True)
class OmegaResult:
    """McDonald's ω total of one scale from a one-factor model.

    Attributes
    ----------
    omega : float
        (Σλ)² / ((Σλ)² + Σψ).
    alpha : float
        Cronbach's α of the same items and respondents (raw or standardised as ``standardized``),
        for comparison.
    loadings : DataFrame
        ``item``, ``loading``, ``uniqueness`` (in the metric used: item variances for raw ω,
        correlations for standardised ω) and ``std_loading``.
    n, n_total, k, method, standardized, missing
        As in :class:`AlphaResult`; ``method`` is "minres" or "ml".
    """

    omega: float
    alpha: float
    loadings: pd.DataFrame
    n: int
    n_total: int
    k: int
    method: str
    standardized: bool
    missing: str
    reversed_items: tuple = ()
    converged: bool = True
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """A short plain-text summary (Chinese first)."""
        est = "最小残差法（minres）" if self.method == "minres" else "最大似然法（ML）"
        kind = "标准化" if self.standardized else "原始分"
        lines = [
            f"McDonald's ω（总）= {_f(self.omega)}（单因子模型，{est}，{kind}；{self.k} 个题项，"
            f"n = {self.n}）",
            f"  同一数据的 Cronbach's α = {_f(self.alpha)}",
            "  题项  标准化载荷",
        ]
        for r in self.loadings.itertuples():
            lines.append(f"  {r.item}  {_f(r.std_loading)}")
        lines.extend(f"说明：{t}" for t in self.notes)
        lines.extend(f"提示：{w}" for w in self.warnings)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return _jsonable(
            {
                "omega": self.omega,
                "alpha": self.alpha,
                "method": self.method,
                "standardized": self.standardized,
                "n": self.n,
                "n_total": self.n_total,
                "k": self.k,
                "missing": self.missing,
                "converged": self.converged,
                "reversed_items": list(self.reversed_items),
                "loadings": self.loadings,
                "warnings": list(self.warnings),
                "notes": list(self.notes),
            }
        )


def mcdonald_omega(
    data: pd.DataFrame,
    items: Sequence[str] | None = None,
    missing: str = "listwise",
    method: str = "minres",
    standardized: bool = False,
    reverse: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
) -> OmegaResult:
    """McDonald's ω total from a one-factor model of the items.

    Parameters
    ----------
    data : DataFrame
        One column per item, one row per respondent.
    items : list of str, optional
        The scale's items (default: all columns; at least three for a one-factor model to be
        testable, two are accepted with a warning).
    missing : {"listwise", "pairwise"}
        As in :func:`cronbach_alpha`.
    method : {"minres", "ml"}
        One-factor estimator: ``"minres"`` (default; psych::omega's ``fm="minres"``) or
        ``"ml"`` (maximum likelihood, as R's ``factanal``; equals the loadings of a one-factor
        CFA in lavaan/semTools with ML).
    standardized : bool
        False (default): ω of the raw sum score (loadings and uniquenesses in item variance
        units, comparable with raw α). True: ω of the sum of standardised items.
    reverse, scale
        Reverse-keyed items and the response scale, as in :func:`cronbach_alpha`.

    Returns
    -------
    OmegaResult
        ``.omega``, ``.alpha`` (same data), ``.loadings``, ``.n``, ``.warnings``.

    Notes
    -----
    The one-factor model :math:`x_i = \\mu_i + \\lambda_i f + e_i` with Var(f) = 1 and
    Var(:math:`e_i`) = :math:`\\psi_i` gives (McDonald 1999, ch. 6)

    .. math:: \\omega = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2 + \\sum_i \\psi_i}.

    The factor is fitted to the correlation matrix (minres: uniquenesses minimising the sum of
    squared off-diagonal residuals; ML: the ``factanal`` likelihood; both with uniquenesses bounded
    below by 0.005). For raw ω the loadings and uniquenesses are rescaled by the item standard
    deviations (:math:`\\lambda_i s_i`, :math:`\\psi_i s_i^2`). ML is scale-invariant, so this is
    exactly the ML fit to the covariance matrix; for minres it is the correlation-metric fit
    expressed in raw units (as psych). The denominator is model-implied; it equals the observed
    total variance when the model fits exactly (always for three items).

    ω equals α when the items are essentially tau-equivalent (equal loadings); otherwise α is
    lower. A negative loading means a reverse-keyed item left unrecoded: recode it first.

    References
    ----------
    McDonald, R. P. (1999). Test Theory: A Unified Treatment. Mahwah, NJ: Erlbaum.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame(
    ...     {
    ...         "q1": [4, 5, 3, 4, 2, 5, 3],
    ...         "q2": [4, 4, 3, 5, 2, 4, 2],
    ...         "q3": [5, 5, 2, 4, 3, 4, 3],
    ...     }
    ... )
    >>> res = mcdonald_omega(df)
    >>> round(res.omega, 3), round(res.alpha, 3)
    (0.885, 0.883)
    """
    _check_missing(missing)
    if method not in ("minres", "ml"):
        raise ValueError(f"method 应为 'minres' 或 'ml'，不是 {method!r}")
    X, names, keep = _matrix(data, items, reverse=reverse, scale=scale)
    k = len(names)
    n_total = X.shape[0]
    notes: list[str] = []
    warns: list[str] = []
    if missing == "listwise":
        Xu = _listwise(X, keep)
        n = Xu.shape[0]
        _check_n(n, missing, 3)
        C, means, _ = _cov_listwise(Xu)
        _check_variance(np.diag(C), means, names)
        R = _corr_from_cov(C)
        if n < n_total:
            notes.append(f"列表删除：{n_total} 人中 {n_total - n} 人有缺失题项，按 {n} 人计算")
    else:
        C, R, N = _pairwise(X)
        _check_variance(np.diag(C), np.nanmean(X, axis=0), names)
        n = int(N[np.triu_indices(k, 1)].min())
        _check_n(n, missing, 3)
        _check_pairwise_r(R, names)
        notes.append(f"成对删除：相关矩阵按每对题项的共同有效样本计算（最小 n = {n}）")
    if k == 2:
        warns.append("只有两个题项：单因子模型不可识别，载荷按两题等载荷求出，ω 等于标准化 α")
        r = R[0, 1]
        lam = np.full(2, np.sqrt(max(r, 0.0)))
        psi = 1 - lam**2
        ok = True
    else:
        L, psi, ok, _ = _extract(R, 1, method)
        lam = L[:, 0]
    if lam.sum() < 0:
        lam = -lam
    sd = np.sqrt(np.diag(C))
    if standardized:
        lam_m, psi_m = lam, psi
        alpha = _alpha_std(R)[0]
    else:
        lam_m, psi_m = lam * sd, psi * sd**2
        alpha = _alpha_cov(C)
    omega = lam_m.sum() ** 2 / (lam_m.sum() ** 2 + psi_m.sum())
    for name, value in zip(names, lam, strict=True):
        if value < 0:
            warns.append(f"题项 {name} 的因子载荷为负（{_f(value, 2)}），可能是反向题未重新编码")
    for name, u, value in zip(names, psi, lam, strict=True):
        if u <= HEYWOOD_BOUND + 1e-6 or value**2 >= 1:
            text = f"题项 {name} 的唯一性方差触及下界 {HEYWOOD_BOUND}（Heywood 情形）"
            if value**2 > 1:
                text += (
                    f"：标准化载荷 {_f(value)}，λ² = {_f(value**2)} > 1（超 Heywood 情形），"
                    f"ω 按唯一性下界 {HEYWOOD_BOUND} 计算，结果不可靠"
                )
            warns.append(text)
    if not ok:
        warns.append("因子模型求解未完全收敛，结果仅供参考")
    table = pd.DataFrame(
        {
            "item": pd.Series(names, dtype=object),
            "loading": lam_m,
            "uniqueness": psi_m,
            "std_loading": lam,
        }
    )
    rev = (
        []
        if not reverse
        else list(dict.fromkeys([reverse] if isinstance(reverse, str) else reverse))
    )
    return OmegaResult(
        omega=float(omega),
        alpha=float(alpha),
        loadings=table,
        n=int(n),
        n_total=int(n_total),
        k=k,
        method=method,
        standardized=bool(standardized),
        missing=missing,
        reversed_items=tuple(rev),
        converged=ok,
        warnings=tuple(warns),
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# KMO and Bartlett


def kmo_label(value: float) -> str:
    """Kaiser's (1974) verbal label of a KMO/MSA value, in Chinese.

    ≥ 0.9 极好 (marvelous), ≥ 0.8 很好 (meritorious), ≥ 0.7 中等 (middling), ≥ 0.6 一般
    (mediocre), ≥ 0.5 差 (miserable), < 0.5 不可接受 (unacceptable).

    >>> kmo_label(0.75), kmo_label(0.9), kmo_label(0.49)
    ('中等', '极好', '不可接受')
    """
    if value is None or not np.isfinite(value):
        return "—"
    for low, label in KMO_BANDS:
        if value >= low:
            return label
    return "不可接受"


@dataclass(frozen=True)
class KMOResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy.

    Attributes
    ----------
    overall : float
    per_item : Series
        MSA of each item (index: item).
    label : str
        Kaiser's label of ``overall`` in Chinese (极好 … 不可接受).
    table : DataFrame
        ``item``, ``msa``, ``label``.
    n : int
        Respondents used.
    """

    overall: float
    per_item: pd.Series
    label: str
    table: pd.DataFrame
    n: int
    n_total: int
    missing: str
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        """A short plain-text summary (Chinese first)."""
        lines = [
            f"KMO 抽样适合性检验：总体 KMO = {_f(self.overall)}（{self.label}；n = {self.n}）",
            "  题项  MSA  评价",
        ]
        for r in self.table.itertuples():
            lines.append(f"  {r.item}  {_f(r.msa)}  {r.label}")
        lines.extend(f"提示：{w}" for w in self.warnings)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return _jsonable(
            {
                "overall": self.overall,
                "label": self.label,
                "per_item": self.per_item,
                "table": self.table,
                "n": self.n,
                "n_total": self.n_total,
                "missing": self.missing,
                "warnings": list(self.warnings),
            }
        )


def _n_total(data: Any) -> int:
    return int(_frame(data).shape[0])


def kmo(
    data: pd.DataFrame, items: Sequence[str] | None = None, missing: str = "listwise"
) -> KMOResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy (overall and per item).

    Parameters
    ----------
    data : DataFrame
        One column per item (variable).
    items : list of str, optional
    missing : {"listwise", "pairwise"}
        How the correlation matrix treats missing answers.

    Returns
    -------
    KMOResult
        ``.overall``, ``.per_item``, ``.label``, ``.table``.

    Notes
    -----
    With correlations :math:`r_{ij}` and anti-image (partial) correlations
    :math:`q_{ij} = -r^{ij}/\\sqrt{r^{ii} r^{jj}}` (:math:`r^{ij}` the elements of
    :math:`R^{-1}`), summing over i ≠ j (Kaiser 1970; Kaiser & Rice 1974):

    .. math:: KMO = \\frac{\\sum\\sum r_{ij}^2}{\\sum\\sum r_{ij}^2 + \\sum\\sum q_{ij}^2},
              \\qquad MSA_i = \\frac{\\sum_j r_{ij}^2}{\\sum_j r_{ij}^2 + \\sum_j q_{ij}^2}.

    This is the formula of SPSS and psych::KMO. Labels follow Kaiser (1974): ≥ 0.9 极好,
    ≥ 0.8 很好, ≥ 0.7 中等, ≥ 0.6 一般, ≥ 0.5 差, < 0.5 不可接受.

    References
    ----------
    Kaiser, H. F. (1970). A second generation little jiffy. Psychometrika, 35, 401–415.

    Kaiser, H. F. (1974). An index of factorial simplicity. Psychometrika, 39, 31–36.

    Kaiser, H. F., & Rice, J. (1974). Little Jiffy, Mark IV. Educational and Psychological
    Measurement, 34, 111–117.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 1))
    >>> df = pd.DataFrame(f @ np.full((1, 4), 0.7) + rng.normal(scale=0.7, size=(200, 4)))
    >>> res = kmo(df)
    >>> round(res.overall, 2), res.label
    (0.79, '中等')
    """
    R, names, n = _correlation(data, items, missing)
    try:
        inv = np.linalg.inv(R)
        if not np.isfinite(inv).all() or np.linalg.cond(R) > 1e12:
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        raise ValueError("相关矩阵奇异（题项间存在完全线性关系），无法计算 KMO") from None
    d = 1 / np.sqrt(np.diag(inv))
    Q = -inv * np.outer(d, d)
    off = ~np.eye(len(names), dtype=bool)
    r2 = np.where(off, R**2, 0.0)
    q2 = np.where(off, Q**2, 0.0)
    overall = float(r2.sum() / (r2.sum() + q2.sum()))
    msa = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    per_item = pd.Series(msa, index=pd.Index(names, name="item"), name="msa")
    labels = [kmo_label(v) for v in msa]
    table = pd.DataFrame({"item": pd.Series(names, dtype=object), "msa": msa, "label": labels})
    warns = [
        f"题项 {nm} 的 MSA = {_f(v)} < 0.5（不可接受），可考虑删除"
        for nm, v in zip(names, msa, strict=True)
        if v < 0.5
    ]
    if overall < 0.6:
        warns.append(f"总体 KMO = {_f(overall)} < 0.6，数据不太适合做因子分析")
    return KMOResult(
        overall=overall,
        per_item=per_item,
        label=kmo_label(overall),
        table=table,
        n=n,
        n_total=_n_total(data),
        missing=missing,
        warnings=tuple(warns),
    )


@dataclass(frozen=True)
class BartlettResult:
    """Bartlett's test of sphericity (H0: the correlation matrix is the identity).

    Attributes
    ----------
    statistic : float
        χ² = −(n − 1 − (2p + 5)/6)·ln|R|.
    df : int
        p(p − 1)/2.
    pvalue : float
    n : int
        Respondents used.
    p : int
        Number of items.
    """

    statistic: float
    df: int
    pvalue: float
    n: int
    n_total: int
    p: int
    missing: str

    def summary(self) -> str:
        """A short plain-text summary (Chinese first)."""
        verdict = (
            "拒绝“相关矩阵为单位阵”的原假设，题项间存在相关，适合做因子分析"
            if self.pvalue < 0.05
            else "不能拒绝“相关矩阵为单位阵”的原假设，题项间相关很弱，不宜做因子分析"
        )
        p = "< 0.001" if self.pvalue < 0.001 else f"= {self.pvalue:.3f}"
        return (
            f"Bartlett 球形检验：χ²({self.df}) = {self.statistic:.2f}，p {p}（n = {self.n}，"
            f"{self.p} 个题项）\n  {verdict}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return _jsonable(
            {
                "statistic": self.statistic,
                "df": self.df,
                "pvalue": self.pvalue,
                "n": self.n,
                "n_total": self.n_total,
                "p": self.p,
                "missing": self.missing,
            }
        )


def bartlett(
    data: pd.DataFrame, items: Sequence[str] | None = None, missing: str = "listwise"
) -> BartlettResult:
    """Bartlett's (1950, 1951) test that the items' correlation matrix is an identity matrix.

    Parameters
    ----------
    data : DataFrame
    items : list of str, optional
    missing : {"listwise", "pairwise"}
        Under pairwise deletion n is the smallest pairwise n.

    Returns
    -------
    BartlettResult
        ``.statistic``, ``.df``, ``.pvalue``, ``.n``.

    Notes
    -----
    .. math:: \\chi^2 = -\\left(n - 1 - \\frac{2p + 5}{6}\\right)\\ln|R|,
              \\qquad df = \\frac{p(p-1)}{2},

    with n the respondents actually used and p the number of items (SPSS, SAS PROC FACTOR's
    "H0: No common factors", psych::cortest.bartlett).

    References
    ----------
    Bartlett, M. S. (1950). Tests of significance in factor analysis. British Journal of
    Psychology (Statistical Section), 3, 77–85.

    Bartlett, M. S. (1951). The effect of standardization on a χ² approximation in factor
    analysis. Biometrika, 38, 337–344.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame(rng.normal(size=(100, 5)))
    >>> res = bartlett(df)
    >>> res.df, res.pvalue > 0.05
    (10, True)
    """
    R, names, n = _correlation(data, items, missing)
    p = len(names)
    sign, logdet = np.linalg.slogdet(R)
    if sign <= 0:
        raise ValueError("相关矩阵奇异（题项间存在完全线性关系），无法做 Bartlett 检验")
    factor = n - 1 - (2 * p + 5) / 6
    if factor <= 0:
        raise ValueError(f"样本太少：n − 1 − (2p + 5)/6 = {factor:.2f} ≤ 0，无法做 Bartlett 检验")
    stat = -factor * logdet
    df = p * (p - 1) // 2
    return BartlettResult(
        statistic=float(stat),
        df=int(df),
        pvalue=float(stats.chi2.sf(stat, df)),
        n=n,
        n_total=_n_total(data),
        p=p,
        missing=missing,
    )


# ---------------------------------------------------------------------------------------------
# Parallel analysis


@dataclass(frozen=True)
class ParallelResult:
    """Horn's parallel analysis.

    Attributes
    ----------
    n_factors : int
        Common factors to retain: reduced-correlation (SMC) eigenvalues above the random ones.
    n_components : int
        Components to retain: eigenvalues of R above the random ones (Horn 1965).
    table : DataFrame
        ``factor`` (1, 2, …), ``observed_pc``, ``random_pc``, ``observed_fa``, ``random_fa``.
    quantile, n_iter, seed, n
        Settings and the respondents used.
    """

    n_factors: int
    n_components: int
    table: pd.DataFrame
    quantile: float
    n_iter: int
    seed: Any
    n: int
    n_total: int
    p: int
    missing: str

    def summary(self) -> str:
        """A short plain-text summary (Chinese first)."""
        lines = [
            f"平行分析（Horn 1965；随机正态数据 {self.n_iter} 次，取 {self.quantile:.0%} 分位数；"
            f"n = {self.n}，{self.p} 个题项）",
            f"  建议保留公因子 {self.n_factors} 个（主轴特征值），主成分 {self.n_components} 个",
            "  序号  实际特征值(主成分)  随机(主成分)  实际(公因子)  随机(公因子)",
        ]
        for r in self.table.head(max(self.n_factors, self.n_components) + 2).itertuples():
            lines.append(
                f"  {r.factor}  {_f(r.observed_pc)}  {_f(r.random_pc)}  {_f(r.observed_fa)}"
                f"  {_f(r.random_fa)}"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return _jsonable(
            {
                "n_factors": self.n_factors,
                "n_components": self.n_components,
                "quantile": self.quantile,
                "n_iter": self.n_iter,
                "seed": self.seed if isinstance(self.seed, int | None) else str(self.seed),
                "n": self.n,
                "n_total": self.n_total,
                "p": self.p,
                "missing": self.missing,
                "table": self.table,
            }
        )


def _reduced(R: np.ndarray) -> np.ndarray:
    """R with squared multiple correlations on the diagonal (batched over leading axes)."""
    inv = np.linalg.inv(R)
    smc = 1 - 1 / np.einsum("...ii->...i", inv)
    out = R.copy()
    idx = np.arange(R.shape[-1])
    out[..., idx, idx] = smc
    return out


def _count_above(observed: np.ndarray, random: np.ndarray) -> int:
    below = np.flatnonzero(~(observed > random))
    return int(below[0]) if below.size else int(observed.size)


def parallel_analysis(
    data: pd.DataFrame,
    items: Sequence[str] | None = None,
    n_iter: int = 1000,
    seed: int | np.random.Generator | None = 0,
    quantile: float = 0.95,
    missing: str = "listwise",
) -> ParallelResult:
    """Horn's (1965) parallel analysis for the number of factors and components.

    Parameters
    ----------
    data : DataFrame
    items : list of str, optional
    n_iter : int
        Random data sets of the same size (default 1000).
    seed : int or Generator, optional
        Seed of the random data (default 0, so the advice is reproducible; None for fresh
        randomness).
    quantile : float
        Quantile of the random eigenvalues to beat (default 0.95, as psych::fa.parallel and
        Glorfeld 1995; 0.5 gives Horn's original mean criterion).
    missing : {"listwise", "pairwise"}

    Returns
    -------
    ParallelResult
        ``.n_factors``, ``.n_components``, ``.table``.

    Notes
    -----
    ``n_iter`` data sets of n × p independent standard normal values are drawn (n: respondents
    used) and their eigenvalues computed, all at once as batched matrices. Components: the
    eigenvalues of R are compared with the ``quantile`` of the random eigenvalues in the same
    position (Horn 1965). Factors: eigenvalues of the reduced matrix (R with squared multiple
    correlations on the diagonal, principal-axis eigenvalues; Humphreys & Ilgen 1969, O'Connor
    2000) against the same for the random data. The count is the number of leading eigenvalues
    that beat the random ones, stopping at the first that does not (as psych::fa.parallel; psych
    computes factor eigenvalues from a one-factor minres fit instead of SMCs, which can differ
    by one factor in borderline cases).

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    Psychometrika, 30, 179–185.

    Humphreys, L. G., & Ilgen, D. R. (1969). Note on a criterion for the number of common
    factors. Educational and Psychological Measurement, 29, 571–578.

    Glorfeld, L. W. (1995). An improvement on Horn's parallel analysis methodology for
    selecting the correct number of factors to retain. Educational and Psychological
    Measurement, 55, 377–393.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> f = rng.normal(size=(300, 2))
    >>> L = np.kron(np.eye(2), np.full((1, 3), 0.7))
    >>> df = pd.DataFrame(f @ L + rng.normal(scale=0.6, size=(300, 6)))
    >>> res = parallel_analysis(df, n_iter=200)
    >>> res.n_factors, res.n_components
    (2, 2)
    """
    if not 0 < quantile < 1:
        raise ValueError(f"quantile 应在 0 与 1 之间（现为 {quantile}）")
    if int(n_iter) < 1:
        raise ValueError(f"n_iter 至少为 1（现为 {n_iter}）")
    R, names, n = _correlation(data, items, missing)
    p = len(names)
    if n <= p:
        raise ValueError(f"有效样本 n = {n} 不大于题项数 {p}，无法做平行分析")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    obs_pc = np.linalg.eigvalsh(R)[::-1]
    obs_fa = np.linalg.eigvalsh(_reduced(R))[::-1]
    pcs, fas = [], []
    for b in _chunks(int(n_iter), n * p):
        Z = rng.standard_normal((b, n, p))
        Z -= Z.mean(axis=1, keepdims=True)
        Z /= np.sqrt((Z**2).sum(axis=1, keepdims=True))
        Rb = Z.transpose(0, 2, 1) @ Z
        pcs.append(np.linalg.eigvalsh(Rb)[:, ::-1])
        fas.append(np.linalg.eigvalsh(_reduced(Rb))[:, ::-1])
    rand_pc = np.quantile(np.concatenate(pcs), quantile, axis=0)
    rand_fa = np.quantile(np.concatenate(fas), quantile, axis=0)
    table = pd.DataFrame(
        {
            "factor": np.arange(1, p + 1),
            "observed_pc": obs_pc,
            "random_pc": rand_pc,
            "observed_fa": obs_fa,
            "random_fa": rand_fa,
        }
    )
    return ParallelResult(
        n_factors=_count_above(obs_fa, rand_fa),
        n_components=_count_above(obs_pc, rand_pc),
        table=table,
        quantile=float(quantile),
        n_iter=int(n_iter),
        seed=seed,
        n=n,
        n_total=_n_total(data),
        p=p,
        missing=missing,
    )


# ---------------------------------------------------------------------------------------------
# Exploratory factor analysis


@dataclass(frozen=True)
class EFAResult:
    """An exploratory factor analysis.

    Attributes
    ----------
    loadings : DataFrame
        Index ``item``, columns ``F1`` … ``Fm``: pattern loadings after rotation (orthogonal
        rotations: also the item–factor correlations).
    communalities, uniquenesses : Series
        h² and 1 − h² of each item (index: item). For oblique rotations h² is unchanged by the
        rotation (it is the row sum of squares of the unrotated loadings). The uniqueness is
        always exactly 1 − h², also in a Heywood case (then ≤ 0.005, and negative when h² > 1);
        it is never replaced by the fit's bounded value.
    variance : DataFrame
        ``factor``, ``ss_loadings``, ``proportion``, ``cumulative`` (column sums of squared
        loadings divided by the number of items, as R's factanal prints them).
    phi : DataFrame or None
        Factor correlations (oblique rotations only).
    structure : DataFrame or None
        Structure matrix L·Φ (item–factor correlations) for oblique rotations.
    eigenvalues : Series
        Eigenvalues of the correlation matrix (for a scree plot).
    chi_square, df, pvalue : float or None
        ML only: Bartlett-corrected likelihood-ratio test that m factors suffice (as factanal).
    heywood : tuple
        Items in a Heywood case (minres and ML): the fitted uniqueness reached its lower bound
        0.005 or h² ≥ 1. Each is also named in ``warnings``; empty when the solution is proper.
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    variance: pd.DataFrame
    phi: pd.DataFrame | None
    structure: pd.DataFrame | None
    eigenvalues: pd.Series
    n_factors: int
    n_factors_source: str
    method: str
    rotation: str | None
    n: int
    n_total: int
    missing: str
    chi_square: float | None = None
    df: int | None = None
    pvalue: float | None = None
    converged: bool = True
    parallel: ParallelResult | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    heywood: tuple = ()

    @property
    def table(self) -> pd.DataFrame:
        """Tidy table: ``item``, ``F1`` … ``Fm``, ``communality``, ``uniqueness``."""
        t = self.loadings.reset_index()
        t["communality"] = self.communalities.to_numpy()
        t["uniqueness"] = self.uniquenesses.to_numpy()
        return t

    def summary(self) -> str:
        """A short plain-text summary (Chinese first)."""
        methods = {"minres": "最小残差法", "ml": "最大似然法", "principal": "主成分法"}
        rot = {
            "varimax": "最大方差正交旋转（varimax）",
            "promax": "promax 斜交旋转",
            "oblimin": "直接斜交旋转（oblimin）",
            None: "未旋转",
        }[self.rotation]
        src = "平行分析建议" if self.n_factors_source == "parallel_analysis" else "指定"
        lines = [
            f"探索性因子分析：{methods[self.method]}提取 {self.n_factors} 个因子（{src}），{rot}；"
            f"n = {self.n}",
            "  题项  " + "  ".join(self.loadings.columns) + "  共同度",
        ]
        for item, row in self.loadings.iterrows():
            vals = "  ".join(_f(v) for v in row.to_numpy())
            lines.append(f"  {item}  {vals}  {_f(self.communalities[item])}")
        cum = self.variance["cumulative"].iloc[-1]
        lines.append(f"  累计方差解释率 {cum:.1%}")
        if self.phi is not None:
            off = self.phi.to_numpy()[np.triu_indices(self.n_factors, 1)]
            lines.append(f"  因子间相关 {_f(off.min(), 2)} ~ {_f(off.max(), 2)}")
        if self.chi_square is not None:
            lines.append(
                f"  {self.n_factors} 个因子是否足够：χ²({self.df}) = {self.chi_square:.2f}，"
                f"p = {self.pvalue:.3g}"
            )
        lines.extend(f"说明：{t}" for t in self.notes)
        lines.extend(f"提示：{w}" for w in self.warnings)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return _jsonable(
            {
                "n_factors": self.n_factors,
                "n_factors_source": self.n_factors_source,
                "method": self.method,
                "rotation": self.rotation,
                "n": self.n,
                "n_total": self.n_total,
                "missing": self.missing,
                "loadings": self.table,
                "variance": self.variance,
                "phi": None if self.phi is None else self.phi.reset_index(),
                "eigenvalues": self.eigenvalues.tolist(),
                "chi_square": self.chi_square,
                "df": self.df,
                "pvalue": self.pvalue,
                "converged": self.converged,
                "heywood": list(self.heywood),
                "parallel": None if self.parallel is None else self.parallel.to_dict(),
                "warnings": list(self.warnings),
                "notes": list(self.notes),
            }
        )


def efa(
    data: pd.DataFrame,
    n_factors: int | None = None,
    rotation: str | None = "varimax",
    method: str = "minres",
    items: Sequence[str] | None = None,
    missing: str = "listwise",
    n_iter: int = 1000,
    seed: int | np.random.Generator | None = 0,
) -> EFAResult:
    """Exploratory factor analysis with an explicit extraction method and rotation.

    Parameters
    ----------
    data : DataFrame
        One column per item (variable).
    n_factors : int, optional
        Factors to extract. None: chosen by :func:`parallel_analysis` (``n_iter``, ``seed``),
        recorded in ``n_factors_source`` and ``parallel``.
    rotation : {"varimax", "promax", "oblimin", None}
        Default ``"varimax"``, the default of R's ``factanal`` and Stata's ``rotate`` and the
        usual choice in Chinese evaluation reports (SPSS 最大方差法). psych::fa defaults to
        ``"oblimin"``; pass it explicitly to reproduce psych. The rotation used is always
        reported. Varimax uses Kaiser normalisation (R ``stats::varimax``); promax uses power 4
        on the normalised varimax solution (R ``stats::promax``); oblimin is direct quartimin
        (γ = 0) by gradient projection (GPArotation, used by psych).
    method : {"minres", "ml", "principal"}
        Extraction: ``"minres"`` (default; minimum residual = unweighted least squares, psych's
        default), ``"ml"`` (maximum likelihood, R's factanal, with its χ² test), ``"principal"``
        (principal components, SPSS's default 主成分法 and psych::principal: no uniquenesses are
        estimated, so "communalities" are those of m components).
    items : list of str, optional
    missing : {"listwise", "pairwise"}
    n_iter, seed
        Parallel analysis settings when ``n_factors`` is None.

    Returns
    -------
    EFAResult
        ``.loadings``, ``.communalities``, ``.uniquenesses``, ``.variance``, ``.phi``.

    Notes
    -----
    The common factor model for standardised items is :math:`R = LL' + \\Psi` (orthogonal) or
    :math:`R = L\\Phi L' + \\Psi` (oblique), with Ψ diagonal. Extraction finds L for m factors;
    rotation :math:`L^* = L T` (orthogonal T) or :math:`L^* = L (T')^{-1}` with
    :math:`\\Phi = T'T` (oblique) does not change the fit. The fit bounds uniquenesses below by
    0.005 (as R and psych). The reported uniqueness is :math:`1 - h_i^2` of the fitted loadings
    (psych's ``u2``), never the bounded fit value: in a Heywood case (the bound reached, or
    :math:`h_i^2 \\ge 1`) it is at most 0.005, and negative in an ultra-Heywood case
    (:math:`h_i^2 > 1`, an improper solution). Such items are listed in ``heywood`` and named in
    ``warnings``; fewer factors, dropping the item or more data are the usual remedies.

    minres minimises the sum of squared off-diagonal residuals :math:`\\sum_{i\\ne j}(r_{ij} -
    (LL')_{ij})^2` (Harman & Jones 1966), through the equivalent criterion
    :math:`\\tfrac12\\sum_{k>m}\\lambda_k(R-\\Psi)^2` over Ψ. ML minimises
    :math:`\\ln|\\Sigma| + \\mathrm{tr}(\\Sigma^{-1}R) - \\ln|R| - p` as factanal; its test
    statistic is :math:`(n - 1 - (2p + 5)/6 - 2m/3)\\,F_{min}` on
    :math:`((p-m)^2 - p - m)/2` degrees of freedom (Bartlett 1950).

    Factors are ordered by their sum of squared loadings and signed so that each column of
    loadings sums to a positive number (the convention of factanal), so signs and order are
    reproducible; other software may order or sign them differently.

    References
    ----------
    Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
    Psychometrika, 23, 187–200.

    Hendrickson, A. E., & White, P. O. (1964). Promax: a quick method for rotation to oblique
    simple structure. British Journal of Statistical Psychology, 17, 65–70.

    Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software for
    arbitrary rotation criteria in factor analysis. Educational and Psychological Measurement,
    65, 676–696.

    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals (minres).
    Psychometrika, 31, 351–368.

    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    Psychometrika, 30, 179–185.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=(400, 2))
    >>> L = np.kron(np.eye(2), np.full((1, 3), 0.8))
    >>> df = pd.DataFrame(
    ...     f @ L + rng.normal(scale=0.6, size=(400, 6)),
    ...     columns=["a1", "a2", "a3", "b1", "b2", "b3"],
    ... )
    >>> res = efa(df, n_factors=2, rotation="varimax")
    >>> (res.loadings.abs() > 0.5).astype(int).to_numpy().tolist()
    [[0, 1], [0, 1], [0, 1], [1, 0], [1, 0], [1, 0]]
    """
    if rotation not in ROTATIONS:
        raise ValueError(f"rotation 应为 'varimax'、'promax'、'oblimin' 或 None，不是 {rotation!r}")
    if method not in METHODS:
        raise ValueError(f"method 应为 'minres'、'ml' 或 'principal'，不是 {method!r}")
    R, names, n = _correlation(data, items, missing, min_items=3)
    p = len(names)
    notes: list[str] = []
    warns: list[str] = []
    pa = None
    if n_factors is None:
        pa = parallel_analysis(data, items=names, n_iter=n_iter, seed=seed, missing=missing)
        m = pa.n_factors if method != "principal" else pa.n_components
        source = "parallel_analysis"
        notes.append(
            f"因子数由平行分析确定：{m} 个（随机数据 {n_iter} 次，{pa.quantile:.0%} 分位数，"
            f"seed={seed!r}）"
        )
        if m == 0:
            raise ValueError("平行分析未发现任何高于随机水平的因子，数据不适合做因子分析")
    else:
        m = int(n_factors)
        source = "user"
        if m < 1:
            raise ValueError(f"因子数 n_factors 至少为 1（现为 {n_factors}）")
    dof = ((p - m) ** 2 - p - m) / 2
    if method != "principal" and dof < 0:
        raise ValueError(f"{p} 个题项最多能提取 {_max_factors(p)} 个公因子（现要求 {m} 个）")
    if m > p:
        raise ValueError(f"因子数 {m} 超过题项数 {p}")

    L0, psi_fit, ok, fmin = _extract(R, m, method)
    communal = np.sum(L0**2, axis=1)
    psi = 1 - communal  # psych's u2; the bounded fit value psi_fit only flags Heywood cases
    L, phi = _rotate(L0, rotation)
    L, phi = _sort_factors(L, phi)
    cols = [f"F{i + 1}" for i in range(m)]
    idx = pd.Index(names, name="item")
    loadings = pd.DataFrame(L, index=idx, columns=cols)
    ss = np.sum(L**2, axis=0)
    variance = pd.DataFrame(
        {
            "factor": cols,
            "ss_loadings": ss,
            "proportion": ss / p,
            "cumulative": np.cumsum(ss) / p,
        }
    )
    phi_df = structure = None
    if phi is not None:
        phi_df = pd.DataFrame(phi, index=pd.Index(cols, name="factor"), columns=cols)
        structure = pd.DataFrame(L @ phi, index=idx, columns=cols)
        notes.append("斜交旋转：载荷为模式矩阵；平方和不再可加，累计方差解释率仅供参考")
    chi = df_test = pval = None
    if method == "ml":
        stat = (n - 1 - (2 * p + 5) / 6 - 2 * m / 3) * fmin
        if dof > 0:
            chi, df_test, pval = float(stat), int(dof), float(stats.chi2.sf(stat, dof))
    heywood: list = []
    if method != "principal":
        at_bound = (psi_fit <= HEYWOOD_BOUND + 1e-6) | (communal >= 1)
        for name, h2, flagged in zip(names, communal, at_bound, strict=True):
            if not flagged:
                continue
            heywood.append(name)
            if h2 > 1:
                warns.append(
                    f"题项 {name} 的共同度 h² = {_f(h2)} > 1（超 Heywood 情形，ultra-Heywood）："
                    f"唯一性 1 − h² = {_f(1 - h2)} 为负，因子解不合理；可减少因子数、删除该题或"
                    "增加样本"
                )
            else:
                warns.append(
                    f"题项 {name} 的唯一性方差触及下界 {HEYWOOD_BOUND}（Heywood 情形）："
                    f"共同度 h² = {_f(h2)}，唯一性按 1 − h² = {_f(1 - h2)} 报告"
                )
    if not ok:
        warns.append("因子提取未完全收敛，结果仅供参考")
    weak = [nm for nm, row in zip(names, np.abs(L), strict=True) if row.max() < 0.4]
    if weak:
        warns.append(f"题项 {'、'.join(map(str, weak))} 在所有因子上的载荷都低于 0.4")
    eig = pd.Series(np.linalg.eigvalsh(R)[::-1], index=pd.RangeIndex(1, p + 1), name="eigenvalue")
    return EFAResult(
        loadings=loadings,
        communalities=pd.Series(communal, index=idx, name="communality"),
        uniquenesses=pd.Series(psi, index=idx, name="uniqueness"),
        variance=variance,
        phi=phi_df,
        structure=structure,
        eigenvalues=eig,
        n_factors=m,
        n_factors_source=source,
        method=method,
        rotation=rotation,
        n=n,
        n_total=_n_total(data),
        missing=missing,
        chi_square=chi,
        df=df_test,
        pvalue=pval,
        converged=ok,
        parallel=pa,
        warnings=tuple(warns),
        notes=tuple(notes),
        heywood=tuple(heywood),
    )


def _max_factors(p: int) -> int:
    m = 0
    while ((p - (m + 1)) ** 2 - p - (m + 1)) >= 0 and m + 1 < p:
        m += 1
    return m
