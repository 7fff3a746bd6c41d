"""Private helpers shared by the :mod:`methods.reliability` submodules: items read into a matrix
with Chinese messages naming the column, reverse keying, missing answers (listwise or pairwise),
constant items judged relative to their magnitude, covariance and correlation matrices from
centred answers, α from a covariance or correlation matrix, bootstrap / simulation chunks, and
numbers formatted with a true minus sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg import blas

MISSING = ("listwise", "pairwise")


ZERO_VARIANCE_RTOL = 1e-12  # an item is constant when sd <= 1e-12 × its RMS value (_constant)


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


def _chunks(total: int, per_rep: int) -> list[int]:
    size = max(1, min(total, _CHUNK_ELEMENTS // max(per_rep, 1)))
    out = [size] * (total // size)
    if total % size:
        out.append(total % size)
    return out


# ---------------------------------------------------------------------------------------------
# KMO and Bartlett


def _n_total(data: Any) -> int:
    return int(_frame(data).shape[0])
