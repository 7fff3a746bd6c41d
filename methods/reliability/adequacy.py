"""Whether items suit a factor analysis: the Kaiser–Meyer–Olkin measure of sampling adequacy
(overall and per item, with Kaiser's labels) and Bartlett's test of sphericity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from methods._json import jsonable as _jsonable
from methods.reliability._common import _correlation, _f, _n_total

__all__ = ["BartlettResult", "KMOResult", "bartlett", "kmo", "kmo_label"]


KMO_BANDS = ((0.9, "极好"), (0.8, "很好"), (0.7, "中等"), (0.6, "一般"), (0.5, "差"))


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
