"""McDonald's ω total from a one-factor model of the items (minres or maximum likelihood, as
psych::omega), with α beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods._json import jsonable as _jsonable
from methods.reliability._common import (
    _alpha_cov,
    _alpha_std,
    _check_missing,
    _check_n,
    _check_pairwise_r,
    _check_variance,
    _corr_from_cov,
    _cov_listwise,
    _f,
    _listwise,
    _matrix,
    _pairwise,
)
from methods.reliability.factor import HEYWOOD_BOUND, _extract

__all__ = ["OmegaResult", "mcdonald_omega"]


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
