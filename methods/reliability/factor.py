"""Exploratory factor analysis (:func:`efa`): extraction (minres, maximum likelihood, principal
factors), rotation (varimax, promax, oblimin) and the number of factors (parallel analysis by
default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from methods._json import jsonable as _jsonable
from methods.reliability._common import _correlation, _f, _n_total
from methods.reliability.parallel import ParallelResult, parallel_analysis

__all__ = ["EFAResult", "efa"]


ROTATIONS = ("varimax", "promax", "oblimin", None)
METHODS = ("minres", "ml", "principal")
HEYWOOD_BOUND = 0.005  # lower bound of uniquenesses, as R factanal and psych::fa


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
