"""Multi-criteria ranking (多指标综合排序): weighted sum, TOPSIS and VIKOR.

Every function takes a decision matrix (alternatives × criteria; DataFrame or array, labels then
A1…/C1…), weights (normalised to sum to 1; Series/dict aligned by criterion) and criterion
directions (``"benefit"``/``"正向"``/``"max"``/``+1`` or ``"cost"``/``"负向"``/``"min"``/``-1``; the
+1/−1 convention is pymcdm's and scikit-criteria's; anything else is refused naming it), and returns a
frozen result with a tidy ``.table`` (fixed English columns, alternatives in input order),
``.summary()`` (Chinese) and ``.to_dict()``. The normalisation used is always part of the result:
TOPSIS with vector and min–max normalisation can pick different winners.

The kernels are vectorised over alternatives and over batches of decision matrices (used by
:func:`methods.robustness.rank_reversal`); ``benchmarks/weighting.py`` times TOPSIS on 100,000
alternatives × 20 criteria.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.weighting import (
    _decision_matrix,
    _jsonable,
    _parse_types,
    _parse_weights,
    _series,
    _type_names,
)

__all__ = ["RankingResult", "TopsisResult", "VikorResult", "topsis", "vikor", "weighted_sum"]

NORMALIZATIONS = {
    "vector": "向量归一化",
    "minmax": "极差标准化",
    "max": "比值标准化（除以最大值）",
    "sum": "比重标准化",
    "none": "不标准化",
}


# ---------------------------------------------------------------------------------------------
# Vectorised kernels: D has shape (..., m, k); mask (..., m) marks the alternatives in the set.


def _masked(D: np.ndarray, mask: np.ndarray | None, fill: float) -> np.ndarray:
    return D if mask is None else np.where(mask[..., None], D, fill)


def _normalize(
    D: np.ndarray, benefit: np.ndarray, normalization: str, mask: np.ndarray | None = None
) -> np.ndarray:
    """Normalised matrix. ``vector`` keeps directions; the others make every column benefit-like."""
    if normalization == "vector":
        sq = _masked(D * D, mask, 0.0).sum(axis=-2, keepdims=True)
        norm = np.sqrt(sq)
        return np.divide(D, norm, out=np.zeros_like(D), where=norm > 0)
    if normalization == "minmax":
        lo = _masked(D, mask, np.inf).min(axis=-2, keepdims=True)
        hi = _masked(D, mask, -np.inf).max(axis=-2, keepdims=True)
        span = hi - lo
        const = span <= 1e-12 * np.maximum(1.0, np.abs(hi))
        safe = np.where(const, 1.0, span)
        r = np.where(benefit, (D - lo) / safe, (hi - D) / safe)
        return np.where(const, 1.0, r)
    if normalization == "max":
        if (D <= 0).any():
            raise ValueError("比值标准化（max）要求所有指标值为正数")
        hi = _masked(D, mask, -np.inf).max(axis=-2, keepdims=True)
        lo = _masked(D, mask, np.inf).min(axis=-2, keepdims=True)
        return np.where(benefit, D / hi, lo / D)
    if normalization == "sum":
        if (D <= 0).any():
            raise ValueError("比重标准化（sum）要求所有指标值为正数")
        inv = 1.0 / D
        s = _masked(D, mask, 0.0).sum(axis=-2, keepdims=True)
        si = _masked(inv, mask, 0.0).sum(axis=-2, keepdims=True)
        return np.where(benefit, D / s, inv / si)
    if normalization == "none":
        if not benefit.all():
            raise ValueError("normalization='none' 时所有指标必须为正向（benefit）指标")
        return D
    raise ValueError(f"未知的标准化方式 '{normalization}'（可用：{'、'.join(NORMALIZATIONS)}）")


def _weighted_sum_scores(D, w, benefit, normalization, mask=None):
    return (_normalize(D, benefit, normalization, mask) * w).sum(axis=-1)


def _topsis_parts(D, w, benefit, normalization, mask=None):
    V = _normalize(D, benefit, normalization, mask) * w
    direction = benefit if normalization == "vector" else np.ones_like(benefit)
    vmax = _masked(V, mask, -np.inf).max(axis=-2, keepdims=True)
    vmin = _masked(V, mask, np.inf).min(axis=-2, keepdims=True)
    ideal = np.where(direction, vmax, vmin)
    anti = np.where(direction, vmin, vmax)
    d_plus = np.sqrt(((V - ideal) ** 2).sum(axis=-1))
    d_minus = np.sqrt(((V - anti) ** 2).sum(axis=-1))
    tot = d_plus + d_minus
    closeness = np.divide(d_minus, tot, out=np.ones_like(tot), where=tot > 0)
    return d_plus, d_minus, closeness, ideal[..., 0, :], anti[..., 0, :]


def _vikor_parts(D, w, benefit, v, mask=None):
    hi = _masked(D, mask, -np.inf).max(axis=-2, keepdims=True)
    lo = _masked(D, mask, np.inf).min(axis=-2, keepdims=True)
    best = np.where(benefit, hi, lo)
    worst = np.where(benefit, lo, hi)
    span = best - worst
    const = np.abs(span) <= 1e-12 * np.maximum(1.0, np.abs(best))
    terms = np.where(const, 0.0, w * (best - D) / np.where(const, 1.0, span))
    S = terms.sum(axis=-1)
    R = terms.max(axis=-1)

    def scaled(x):
        xmin = _masked(x[..., None], mask, np.inf)[..., 0].min(axis=-1, keepdims=True)
        xmax = _masked(x[..., None], mask, -np.inf)[..., 0].max(axis=-1, keepdims=True)
        rng = xmax - xmin
        return np.divide(x - xmin, rng, out=np.zeros_like(x), where=rng > 1e-15)

    Q = v * scaled(S) + (1 - v) * scaled(R)
    return S, R, Q


def _scores(
    method: str,
    D: np.ndarray,
    w: np.ndarray,
    benefit: np.ndarray,
    *,
    normalization: str | None = None,
    v: float = 0.5,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Higher-is-better scores of ``method`` for (batches of) decision matrices."""
    if method == "topsis":
        return _topsis_parts(D, w, benefit, normalization or "vector", mask)[2]
    if method == "weighted_sum":
        return _weighted_sum_scores(D, w, benefit, normalization or "minmax", mask)
    if method == "vikor":
        return -_vikor_parts(D, w, benefit, v, mask)[2]
    raise ValueError(f"未知的排序方法 '{method}'（可用：topsis、vikor、weighted_sum）")


def _competition_rank(s: np.ndarray) -> np.ndarray:
    """Competition ranks along the last axis, higher score first (1224 ranking), vectorised."""
    order = np.argsort(-s, axis=-1)
    srt = np.take_along_axis(s, order, axis=-1)
    m = s.shape[-1]
    new = np.ones(srt.shape, dtype=bool)
    new[..., 1:] = srt[..., 1:] != srt[..., :-1]
    pos = np.where(new, np.arange(1, m + 1, dtype=np.int64), 0)
    rs = np.maximum.accumulate(pos, axis=-1)
    ranks = np.empty_like(rs)
    flat_order = order.reshape(-1, m)
    rows = np.arange(flat_order.shape[0])[:, None]
    ranks.reshape(-1, m)[rows, flat_order] = rs.reshape(-1, m)
    return ranks


def _rank_desc(
    scores: np.ndarray, mask: np.ndarray | None = None, decimals: int = 12
) -> np.ndarray:
    """Competition ranks (1 = best, ties share the best rank) along the last axis.

    Scores are rounded to ``decimals`` first so floating-point noise does not split ties.
    Alternatives outside ``mask`` rank after all others.
    """
    s = np.round(np.asarray(scores, dtype=float), decimals)
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    return _competition_rank(s)


def _prepare(X: Any, weights: Any, types: Any):
    values, alts, crits = _decision_matrix(X)
    benefit = _parse_types(types, crits)
    w = _parse_weights(weights, crits)
    return values, alts, crits, benefit, w


def _order_text(table: pd.DataFrame, key: str = "rank", limit: int = 10) -> str:
    t = table.sort_values([key], kind="stable")
    names = t["alternative"].tolist()
    ranks = t[key].tolist()
    parts = [str(names[0])]
    for i in range(1, min(len(names), limit)):
        parts.append(("＝" if ranks[i] == ranks[i - 1] else " > ") + str(names[i]))
    text = "".join(parts)
    return text + (" …" if len(names) > limit else "")


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RankingResult:
    """A weighted-sum ranking.

    Attributes
    ----------
    table : DataFrame
        ``alternative``, ``score``, ``rank`` (1 = best; ties share the best rank), input order.
    method, normalization : str
    weights : Series
        Normalised weights used.
    types : tuple of str
        ``"benefit"`` / ``"cost"`` per criterion.
    """

    table: pd.DataFrame
    method: str
    normalization: str
    weights: pd.Series
    types: tuple[str, ...]

    @property
    def ranking(self) -> pd.DataFrame:
        """``table`` sorted by rank."""
        return self.table.sort_values("rank", kind="stable").reset_index(drop=True)

    @property
    def best(self) -> str:
        """The best-ranked alternative (first in input order among ties)."""
        return str(self.ranking["alternative"].iloc[0])

    def summary(self) -> str:
        """Chinese summary."""
        return (
            f"加权求和（{NORMALIZATIONS[self.normalization]}，normalization='{self.normalization}'）："
            f"{len(self.table)} 个评价对象，最优 {self.best}\n排序：{_order_text(self.table)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "method": self.method,
                "normalization": self.normalization,
                "weights": self.weights,
                "types": list(self.types),
                "table": self.table,
            }
        )


@dataclass(frozen=True)
class TopsisResult(RankingResult):
    """A TOPSIS ranking.

    Attributes
    ----------
    table : DataFrame
        ``alternative``, ``d_plus``, ``d_minus``, ``closeness``, ``rank`` (input order).
    normalization : str
        ``"vector"`` or ``"minmax"`` — always reported.
    ideal, anti_ideal : Series
        Weighted normalised positive and negative ideal solutions.
    """

    ideal: pd.Series | None = None
    anti_ideal: pd.Series | None = None

    def summary(self) -> str:
        """Chinese summary."""
        t = self.ranking
        first = t.iloc[0]
        return (
            f"TOPSIS（{NORMALIZATIONS[self.normalization]}，normalization='{self.normalization}'）："
            f"{len(t)} 个评价对象，最优 {first['alternative']}（贴近度 {fmt.num(first['closeness'], 4)}）\n"
            f"排序：{_order_text(self.table)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        d = super().to_dict()
        d["ideal"] = _jsonable(self.ideal)
        d["anti_ideal"] = _jsonable(self.anti_ideal)
        return d


@dataclass(frozen=True)
class VikorResult:
    """A VIKOR compromise ranking (Opricovic & Tzeng 2004).

    Attributes
    ----------
    table : DataFrame
        ``alternative``, ``S`` (group utility), ``R`` (individual regret), ``Q``, ``rank_S``,
        ``rank_R``, ``rank`` (by Q; 1 = best), input order.
    v : float
        Weight of the strategy of the majority of criteria.
    dq : float
        DQ = 1/(m − 1).
    advantage : float
        Q(a″) − Q(a′) (second minus first by Q).
    c1, c2 : bool
        Acceptable advantage (advantage ≥ DQ) and acceptable stability (a′ also best by S or R).
    compromise : tuple of str
        The compromise solution set (a single alternative when C1 and C2 hold).
    """

    table: pd.DataFrame
    v: float
    dq: float
    advantage: float
    c1: bool
    c2: bool
    compromise: tuple[str, ...]
    weights: pd.Series
    types: tuple[str, ...]
    method: str = "vikor"
    normalization: str = "minmax"

    @property
    def ranking(self) -> pd.DataFrame:
        """``table`` sorted by Q."""
        return self.table.sort_values(["rank"], kind="stable").reset_index(drop=True)

    def summary(self) -> str:
        """Chinese summary."""
        sol = "、".join(self.compromise)
        lines = [
            f"VIKOR（v = {fmt.num(self.v)}，线性标准化）：{len(self.table)} 个评价对象，折中解 {sol}",
            f"  条件 C1 可接受优势：{'满足' if self.c1 else '不满足'}（Q(a″) − Q(a′) = "
            f"{fmt.num(self.advantage, 4)} {'≥' if self.c1 else '<'} DQ = {fmt.num(self.dq, 4)}）",
            f"  条件 C2 决策稳定性：{'满足' if self.c2 else '不满足'}（a′ 按 S 或 R 也排第一）",
            f"  按 Q 排序：{_order_text(self.table)}",
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "method": "vikor",
                "normalization": self.normalization,
                "v": self.v,
                "dq": self.dq,
                "advantage": self.advantage,
                "c1": self.c1,
                "c2": self.c2,
                "compromise": list(self.compromise),
                "weights": self.weights,
                "types": list(self.types),
                "table": self.table,
            }
        )


# ---------------------------------------------------------------------------------------------
# Public API


def weighted_sum(
    X: Any, weights: Any, types: Any = None, normalization: str = "minmax"
) -> RankingResult:
    """Weighted sum (简单线性加权, SAW) of normalised criteria.

    Parameters
    ----------
    X : array or DataFrame
        Decision matrix, alternatives × criteria.
    weights : array, Series or dict
        Criterion weights (normalised to sum to 1; points such as 30/20/50 are fine).
    types : None, str, number, sequence or mapping
        Criterion directions (default all benefit): names or +1 / −1, one for all, one per
        criterion, or ``{criterion: type}``.
    normalization : {"minmax", "max", "sum", "none"}
        ``minmax`` (default): benefit :math:`(x - \\min)/(\\max - \\min)`, cost
        :math:`(\\max - x)/(\\max - \\min)`; ``max``: :math:`x/\\max` and :math:`\\min/x`;
        ``sum``: :math:`x/\\sum x` and :math:`(1/x)/\\sum(1/x)`; ``none``: values already on a
        common scale (benefit criteria only). A constant column normalises to 1.

    Returns
    -------
    RankingResult
        ``.table`` with ``alternative``, ``score``, ``rank``; ``.normalization``.

    Notes
    -----
    :math:`U_i = \\sum_j w_j r_{ij}`, ranked descending (ties share the best rank).

    References
    ----------
    Hwang, C.L. & Yoon, K. (1981). Multiple Attribute Decision Making. Springer (SAW, §4.2.1).

    Examples
    --------
    >>> weighted_sum([[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], ["cost", "benefit"]).table
      alternative  score  rank
    0          A1  0.500     2
    1          A2  0.625     1
    2          A3  0.500     2
    """
    values, alts, crits, benefit, w = _prepare(X, weights, types)
    score = _weighted_sum_scores(values, w, benefit, normalization)
    table = pd.DataFrame({"alternative": list(alts), "score": score, "rank": _rank_desc(score)})
    return RankingResult(
        table,
        "weighted_sum",
        normalization,
        _series(w, crits, "weight", "criterion"),
        _type_names(benefit),
    )


def topsis(X: Any, weights: Any, types: Any = None, normalization: str = "vector") -> TopsisResult:
    """TOPSIS: closeness to the ideal solution (逼近理想解排序法).

    Parameters
    ----------
    X : array or DataFrame
        Decision matrix, alternatives × criteria.
    weights : array, Series or dict
        Criterion weights (normalised to sum to 1).
    types : None, str, number, sequence or mapping
        Criterion directions (default all benefit): names or +1 / −1, one for all, one per
        criterion, or ``{criterion: type}``.
    normalization : {"vector", "minmax"}
        ``vector`` (Hwang & Yoon's original, default) or direction-aware ``minmax``. The choice
        can change the winner; it is reported in ``.normalization`` and the summary.

    Returns
    -------
    TopsisResult
        ``.table`` with ``alternative``, ``d_plus``, ``d_minus``, ``closeness``, ``rank``;
        ``.ideal``, ``.anti_ideal``, ``.normalization``.

    Notes
    -----
    1. vector: :math:`r_{ij} = x_{ij}/\\sqrt{\\sum_i x_{ij}^2}`; minmax as in
       :func:`weighted_sum` (cost criteria flipped);
    2. :math:`v_{ij} = w_j r_{ij}`;
    3. ideal :math:`v^+_j` = max over alternatives for benefit (min for cost), anti-ideal
       :math:`v^-_j` the opposite (after minmax every criterion is benefit-like);
    4. :math:`d^+_i = \\lVert v_i - v^+ \\rVert_2`, :math:`d^-_i = \\lVert v_i - v^- \\rVert_2`;
    5. :math:`C_i = d^-_i/(d^+_i + d^-_i)`, ranked descending (1 when both distances are 0, i.e.
       every alternative is identical).

    References
    ----------
    Hwang, C.L. & Yoon, K. (1981). Multiple Attribute Decision Making: Methods and Applications.
    Springer, pp. 128–134 (fighter-aircraft example).
    Opricovic, S. & Tzeng, G.-H. (2004). Compromise solution by MCDM methods: a comparative
    analysis of VIKOR and TOPSIS. EJOR 156(2), 445–455.

    Examples
    --------
    Hwang & Yoon (1981), fighter aircraft (criterion 4, price, is a cost):

    >>> X = [
    ...     [2.0, 1500, 20000, 5.5, 5, 9],
    ...     [2.5, 2700, 18000, 6.5, 3, 5],
    ...     [1.8, 2000, 21000, 4.5, 7, 7],
    ...     [2.2, 1800, 20000, 5.0, 5, 5],
    ... ]
    >>> t = topsis(X, [0.2, 0.1, 0.1, 0.1, 0.2, 0.3], ["max", "max", "max", "min", "max", "max"])
    >>> t.table["closeness"].round(3).tolist(), t.table["rank"].tolist()
    ([0.643, 0.268, 0.614, 0.312], [1, 4, 2, 3])
    """
    if normalization not in ("vector", "minmax"):
        raise ValueError(f"TOPSIS 的标准化方式只能是 vector 或 minmax（当前 '{normalization}'）")
    values, alts, crits, benefit, w = _prepare(X, weights, types)
    d_plus, d_minus, closeness, ideal, anti = _topsis_parts(values, w, benefit, normalization)
    table = pd.DataFrame(
        {
            "alternative": list(alts),
            "d_plus": d_plus,
            "d_minus": d_minus,
            "closeness": closeness,
            "rank": _rank_desc(closeness),
        }
    )
    return TopsisResult(
        table,
        "topsis",
        normalization,
        _series(w, crits, "weight", "criterion"),
        _type_names(benefit),
        _series(ideal, crits, "ideal", "criterion"),
        _series(anti, crits, "anti_ideal", "criterion"),
    )


def vikor(X: Any, weights: Any, types: Any = None, v: float = 0.5) -> VikorResult:
    """VIKOR compromise ranking with the acceptance conditions of Opricovic & Tzeng (2004).

    Parameters
    ----------
    X : array or DataFrame
        Decision matrix, alternatives (m ≥ 2) × criteria.
    weights : array, Series or dict
        Criterion weights (normalised to sum to 1).
    types : None, str, number, sequence or mapping
        Criterion directions (default all benefit): names or +1 / −1, one for all, one per
        criterion, or ``{criterion: type}``.
    v : float
        Weight of the strategy of "the majority of criteria" (0.5: consensus; > 0.5 majority
        vote; < 0.5 veto).

    Returns
    -------
    VikorResult
        ``.table`` (S, R, Q, ranks), ``.c1``, ``.c2``, ``.advantage``, ``.dq``, ``.compromise``.

    Notes
    -----
    With :math:`f^*_j, f^-_j` the best and worst values of criterion j:

    .. math::
       S_i = \\sum_j w_j \\frac{f^*_j - f_{ij}}{f^*_j - f^-_j}, \\quad
       R_i = \\max_j w_j \\frac{f^*_j - f_{ij}}{f^*_j - f^-_j}, \\quad
       Q_i = v\\frac{S_i - S^*}{S^- - S^*} + (1 - v)\\frac{R_i - R^*}{R^- - R^*}

    (:math:`S^* = \\min S`, :math:`S^- = \\max S`, likewise R; a constant criterion or an equal
    S (R) for all alternatives contributes 0). Rank by Q ascending; a′ first, a″ second,
    :math:`DQ = 1/(m - 1)`.

    - C1 acceptable advantage: :math:`Q(a'') - Q(a') \\ge DQ`;
    - C2 acceptable stability: a′ is also best ranked by S or by R.

    Compromise set: {a′} if C1 and C2 hold; {a′, a″} if only C2 fails; if C1 fails,
    {a′, a″, …, a⁽ᴹ⁾} with M the largest position such that :math:`Q(a^{(M)}) - Q(a') < DQ`.

    References
    ----------
    Opricovic, S. & Tzeng, G.-H. (2004). Compromise solution by MCDM methods: a comparative
    analysis of VIKOR and TOPSIS. EJOR 156(2), 445–455.

    Examples
    --------
    Opricovic & Tzeng (2004), numerical example (risk is a cost, altitude a benefit):

    >>> r = vikor([[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], ["cost", "benefit"])
    >>> r.table[["S", "R", "Q"]].round(3).to_numpy().tolist()
    [[0.5, 0.5, 1.0], [0.375, 0.25, 0.0], [0.5, 0.5, 1.0]]
    >>> r.compromise, r.c1, r.c2
    (('A2',), True, True)
    """
    if not 0 <= v <= 1:
        raise ValueError(f"v 必须在 0 与 1 之间（当前 {v}）")
    values, alts, crits, benefit, w = _prepare(X, weights, types)
    m = len(alts)
    if m < 2:
        raise ValueError("VIKOR 至少需要 2 个评价对象")
    S, R, Q = _vikor_parts(values, w, benefit, v)
    Qr, Sr, Rr = np.round(Q, 12), np.round(S, 12), np.round(R, 12)
    order = np.lexsort((np.arange(m), Qr))
    a1, a2 = int(order[0]), int(order[1])
    dq = 1.0 / (m - 1)
    advantage = float(Q[a2] - Q[a1])
    c1 = bool(advantage >= dq - 1e-12)
    c2 = bool(Sr[a1] <= Sr.min() or Rr[a1] <= Rr.min())
    if c1 and c2:
        chosen = [a1]
    elif c1:
        chosen = [a1, a2]
    else:
        chosen = [int(i) for i in order if Q[i] - Q[a1] < dq - 1e-12]
    table = pd.DataFrame(
        {
            "alternative": list(alts),
            "S": S,
            "R": R,
            "Q": Q,
            "rank_S": _rank_desc(-S),
            "rank_R": _rank_desc(-R),
            "rank": _rank_desc(-Q),
        }
    )
    return VikorResult(
        table,
        float(v),
        dq,
        advantage,
        c1,
        c2,
        tuple(alts[i] for i in chosen),
        _series(w, crits, "weight", "criterion"),
        _type_names(benefit),
    )
