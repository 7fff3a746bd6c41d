"""Cronbach's α (内部一致性信度): raw or standardised, Feldt or bootstrap interval, item statistics
and α if item deleted, and reverse-keyed items (:func:`reverse_code`,
:func:`detect_reverse_items`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from methods._json import jsonable as _jsonable
from methods.reliability._common import (
    _alpha_cov,
    _alpha_std,
    _check_missing,
    _check_n,
    _check_scale,
    _check_variance,
    _chunks,
    _constant,
    _corr_from_cov,
    _cov_listwise,
    _f,
    _frame,
    _item_names,
    _listwise,
    _matrix,
    _numeric_column,
    _pairwise,
    _recode,
    _unresolved,
)

__all__ = [
    "AlphaResult",
    "cronbach_alpha",
    "detect_reverse_items",
    "feldt_interval",
    "reverse_code",
]


# ---------------------------------------------------------------------------------------------
# Input handling


def _check_level(ci: float | None) -> None:
    if ci is not None and not 0 < ci < 1:
        raise ValueError(f"置信水平 ci 应在 0 与 1 之间（现为 {ci}）")


# ---------------------------------------------------------------------------------------------
# Cronbach's alpha


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
