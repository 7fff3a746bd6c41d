"""Robustness of weights and rankings (权重稳健性): Monte Carlo weight perturbation, rank reversal.

- :func:`weight_sensitivity`: draws weight vectors around the given indicator points (Dirichlet,
  or uniform within expert ranges), recomputes every case's total for every draw in one matrix
  product, and reports per case the probability that its grade (project presets,
  :func:`methods.scoring.grade_bands`) holds, its rank distribution and the spread of its total.
- :func:`rank_reversal`: does removing an alternative, or adding one, change the order of the
  others? (TOPSIS, VIKOR or weighted sum; all leave-one-out sets are scored in one batch.)

``benchmarks/weighting.py`` times 10,000 draws over 1,000 cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.ranking import NORMALIZATIONS, _rank_desc, _scores
from methods.scoring import GradeBands, grade_array, grade_bands
from methods.weighting import (
    _decision_matrix,
    _jsonable,
    _parse_types,
    _parse_weights,
    _series,
)

__all__ = [
    "DEFAULT_SEED",
    "RankReversalResult",
    "SensitivityResult",
    "rank_reversal",
    "weight_sensitivity",
]

DEFAULT_SEED = 20200210  # 财预〔2020〕10号 issue date; any fixed seed gives reproducible draws


def _pct_text(p: float) -> str:
    """A probability as a whole percentage, never rounding a non-certain value to 0% or 100%."""
    x = float(p) * 100
    if 0 < x < 0.5:
        return "< 1%"
    if 99.5 <= x < 100:
        return "> 99%"
    return f"{fmt.num(x, 0)}%"


def _band_index(totals: np.ndarray, gb: GradeBands) -> np.ndarray:
    """Index of the grade band (0 = lowest) of each total, exactly as ``scoring.grade_array``.

    Same 2-dp half-up rounding and inclusive lower bounds as :func:`methods.scoring.grade_array`,
    but integer codes instead of label objects so 10⁷ totals stay fast (checked equal in tests).
    """
    lows = np.array([low for _, low in gb.bands])[::-1]  # ascending
    rounded = np.floor(np.abs(totals) * 100 + 0.5 + 1e-9) / 100 * np.sign(totals)
    idx = np.searchsorted(lows, rounded + 1e-9, side="right") - 1
    return np.where(idx < 0, 0, idx)


@dataclass(frozen=True)
class SensitivityResult:
    """Monte Carlo weight-perturbation results per case.

    Attributes
    ----------
    table : DataFrame
        One row per case: ``case``, ``total``, ``grade`` (with the given weights),
        ``p_grade_holds``, ``p_grade_up``, ``p_grade_down``, ``total_mean``, ``total_p05``,
        ``total_p50``, ``total_p95``, ``rank``, ``p_rank_holds``, ``rank_p05``, ``rank_p50``,
        ``rank_p95`` (rank 1 = highest total; ties share the best rank).
    grade_probabilities : DataFrame
        Case × grade (best first): probability of each grade.
    rank_probabilities : DataFrame or None
        Case × rank: probability of each rank (None above 500 cases).
    weights : Series
        The given points per criterion (sum 100).
    weight_summary : DataFrame
        Per criterion: ``criterion``, ``given``, ``mean``, ``sd``, ``p05``, ``p95`` of the drawn
        points (the Dirichlet mean equals the given points).
    draws : ndarray
        The drawn weight vectors in points, shape (n, criteria).
    scheme : str
        ``"dirichlet"`` or ``"ranges"``; ``concentration``, ``ranges``, ``n``, ``seed``.
    bands : GradeBands
    """

    table: pd.DataFrame
    grade_probabilities: pd.DataFrame
    rank_probabilities: pd.DataFrame | None
    weights: pd.Series
    weight_summary: pd.DataFrame
    draws: np.ndarray = field(repr=False)
    scheme: str = "dirichlet"
    concentration: float | None = None
    ranges: dict[str, tuple[float, float]] | None = None
    n: int = 0
    seed: int | None = None
    bands: GradeBands | None = None
    score_unit: str = "fraction"

    def case_line(self, row: Mapping[str, Any]) -> str:
        """One Chinese line for a case of ``table``."""
        return (
            f"{row['case']}：总分 {fmt.num(row['total'])}（{row['grade']}），"
            f"该等级在权重扰动下保持的概率: {_pct_text(row['p_grade_holds'])}；"
            f"名次 {int(row['rank'])}（90% 区间 {int(row['rank_p05'])}–{int(row['rank_p95'])}），"
            f"总分 90% 区间 {fmt.num(row['total_p05'])}–{fmt.num(row['total_p95'])}"
        )

    def summary(self, limit: int | None = None) -> str:
        """Chinese summary: the scheme, then one line per case (first ``limit`` cases)."""
        m = len(self.table)
        if self.scheme == "dirichlet":
            how = f"Dirichlet 分布，以给定权重为中心，集中度 {fmt.num(self.concentration)}"
        else:
            how = "各指标在专家给出的区间内均匀抽样后归一化为 100 分"
        assert self.bands is not None
        lines = [
            f"权重敏感性分析：{m:,} 个案例 × {self.n:,} 次权重抽样（{how}；seed {self.seed}）",
            f"等级口径：{self.bands.name}（{self.bands.describe()}）",
        ]
        rows = self.table.to_dict("records")
        shown = rows if limit is None else rows[:limit]
        lines.extend(self.case_line(r) for r in shown)
        if len(shown) < m:
            lines.append(f"……其余 {m - len(shown):,} 个案例见 .table")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (without the raw draws)."""
        return _jsonable(
            {
                "scheme": self.scheme,
                "concentration": self.concentration,
                "ranges": {k: list(v) for k, v in (self.ranges or {}).items()} or None,
                "n": self.n,
                "seed": self.seed,
                "score_unit": self.score_unit,
                "bands": self.bands.name if self.bands else None,
                "weights": self.weights,
                "weight_summary": self.weight_summary,
                "table": self.table,
                "grade_probabilities": self.grade_probabilities.reset_index(),
            }
        )


def _draw_weights(
    rng: np.random.Generator,
    given: np.ndarray,
    crits: tuple[str, ...],
    n: int,
    concentration: float,
    ranges: Mapping[str, Any] | None,
) -> tuple[np.ndarray, dict[str, tuple[float, float]] | None]:
    if ranges is None:
        if not concentration > 0:
            raise ValueError("concentration 必须为正数")
        if (given <= 0).any():
            j = int(np.argmax(given <= 0))
            raise ValueError(
                f"Dirichlet 抽样要求每个指标权重为正数：{crits[j]} = {fmt.num(given[j])}"
                "（可改用 ranges 指定区间）"
            )
        return rng.dirichlet(concentration * given / 100.0, size=n) * 100.0, None
    unknown = [c for c in ranges if str(c) not in crits]
    if unknown:
        raise ValueError(f"权重区间中有未知指标：{'、'.join(map(str, unknown))}")
    low, high = given.copy(), given.copy()
    used: dict[str, tuple[float, float]] = {}
    for c, bounds in ranges.items():
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"指标 {c} 的权重区间应为 [下限, 上限]") from exc
        if lo < 0 or hi < lo:
            raise ValueError(f"指标 {c} 的权重区间无效：[{fmt.num(lo)}, {fmt.num(hi)}]")
        j = crits.index(str(c))
        low[j], high[j] = lo, hi
        used[str(c)] = (lo, hi)
    if low.sum() <= 0:
        raise ValueError("权重区间的下限之和必须大于 0")
    U = rng.uniform(low, high, size=(n, len(crits)))
    return U / U.sum(axis=1, keepdims=True) * 100.0, used


def weight_sensitivity(
    scores: Any,
    weights: Any,
    *,
    concentration: float = 100.0,
    ranges: Mapping[str, Any] | None = None,
    n: int = 10_000,
    seed: int | None = DEFAULT_SEED,
    bands: str | Mapping[str, float] | GradeBands = "mof_2020",
    score_unit: str = "fraction",
) -> SensitivityResult:
    """Probability that each case keeps its grade and rank when the weights are perturbed.

    Parameters
    ----------
    scores : DataFrame or array
        Cases (rows; the index names them) × criteria (columns). With ``score_unit="fraction"``
        (default) each value is the criterion's score as a fraction of its weight (得分率, 0–1);
        with ``"points"`` it is the points obtained out of the given weight (converted to the
        fraction by dividing by the weight).
    weights : Series, dict or array
        The given points per criterion, summing to 100 (e.g. 决策 15, 过程 20, 产出 35, 效益 30).
    concentration : float
        Dirichlet concentration c (default 100): larger is tighter. A criterion with share p of
        the points varies with standard deviation :math:`100\\sqrt{p(1-p)/(c+1)}` points (p = 0.2,
        c = 100: ±4 points).
    ranges : mapping criterion → (low, high), optional
        Expert ranges in points instead of the Dirichlet: each listed criterion is drawn
        uniformly in its range (the others stay at their given points), then the vector is
        rescaled to 100 (so a drawn value can leave its range slightly).
    n : int
        Number of draws (default 10,000).
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same results.
    bands : str, mapping or GradeBands
        Grade bands (:func:`methods.scoring.grade_bands`, default ``"mof_2020"``).
    score_unit : {"fraction", "points"}
        Meaning of ``scores``.

    Returns
    -------
    SensitivityResult
        ``.table`` per case (grade probability, rank distribution, total percentiles),
        ``.grade_probabilities``, ``.rank_probabilities``, ``.weight_summary``, ``.summary()``
        (one line per case such as “该等级在权重扰动下保持的概率: 93%”).

    Notes
    -----
    Case i with criterion fractions :math:`f_{ij}` has total :math:`T_i(w) = \\sum_j w_j f_{ij}`
    under a weight vector w in points (:math:`\\sum_j w_j = 100`). Draws
    :math:`w^{(d)} = 100\\,\\pi^{(d)}` with :math:`\\pi^{(d)} \\sim \\mathrm{Dirichlet}(c\\,w/100)`
    have mean exactly w. All totals are one matrix product
    :math:`T = F W^\\top` (cases × draws). Grades use the project's bands and rounding
    (:func:`methods.scoring.grade_array`: 2 dp half-up, inclusive lower bounds); ranks are by
    total rounded to 2 dp, 1 = highest, ties share the best rank. Percentiles of totals are
    linear; of ranks, the inverted-CDF quantile (an attained rank).

    References
    ----------
    Butler, J., Jia, J. & Dyer, J. (1997). Simulation techniques for the sensitivity analysis of
    multi-criteria decision models. EJOR 103(3), 531–546.
    财政部 (2020). 《项目支出绩效评价管理办法》(财预〔2020〕10号), grade bands.

    Examples
    --------
    >>> import pandas as pd
    >>> F = pd.DataFrame(
    ...     {"决策": [1.0, 0.8], "过程": [0.95, 0.9], "产出": [0.9, 0.85], "效益": [0.85, 0.95]},
    ...     index=["甲", "乙"],
    ... )
    >>> r = weight_sensitivity(F, {"决策": 15, "过程": 20, "产出": 35, "效益": 30}, n=2000)
    >>> r.table[["case", "total", "grade"]].values.tolist()
    [['甲', 91.0, '优'], ['乙', 88.25, '良']]
    """
    values, cases, crits = _decision_matrix(scores, name="得分表")
    given = _parse_weights(weights, crits, normalize=False)
    if abs(given.sum() - 100) > 0.01:
        raise ValueError(f"权重合计应为 100 分（当前 {fmt.num(given.sum())}）")
    if score_unit == "fraction":
        if (values < -1e-9).any() or (values > 1 + 1e-9).any():
            raise ValueError(
                "得分率应在 0–1 之间（score_unit='fraction'）；若给的是分值请设 score_unit='points'"
            )
        F = values
    elif score_unit == "points":
        if (given <= 0).any():
            raise ValueError("score_unit='points' 要求每个指标权重为正数")
        F = values / given
    else:
        raise ValueError(f"未知的得分单位 '{score_unit}'（可用：fraction、points）")
    if int(n) < 1:
        raise ValueError("抽样次数 n 必须为正整数")
    n = int(n)
    gb = grade_bands(bands)
    rng = np.random.default_rng(seed)
    W, used_ranges = _draw_weights(rng, given, crits, n, concentration, ranges)

    base = F @ given  # (cases,)
    T = W @ F.T  # (n, cases): every case's total for every draw, one matrix product
    base_grade = grade_array(base, gb)
    base_idx = _band_index(base, gb)
    idx = _band_index(T, gb)
    nb = len(gb.bands)
    m = len(cases)
    counts = np.bincount((idx + nb * np.arange(m)[None, :]).ravel(), minlength=m * nb)
    grade_p = counts.reshape(m, nb) / n  # columns: lowest band first
    holds = grade_p[np.arange(m), base_idx]
    up = (grade_p * (np.arange(nb)[None, :] > base_idx[:, None])).sum(axis=1)
    down = 1.0 - holds - up

    ranks = _rank_desc(T, decimals=2)  # (n, cases), ranks by total rounded to 2 dp
    base_rank = _rank_desc(base, decimals=2)
    p_rank = (ranks == base_rank[None, :]).mean(axis=0)
    rq = np.percentile(ranks.T, [5, 50, 95], axis=1, method="inverted_cdf")
    tq = np.percentile(T.T, [5, 50, 95], axis=1)

    table = pd.DataFrame(
        {
            "case": list(cases),
            "total": np.round(base, 2),
            "grade": base_grade,
            "p_grade_holds": holds,
            "p_grade_up": up,
            "p_grade_down": np.clip(down, 0.0, 1.0),
            "total_mean": T.mean(axis=0),
            "total_p05": tq[0],
            "total_p50": tq[1],
            "total_p95": tq[2],
            "rank": base_rank,
            "p_rank_holds": p_rank,
            "rank_p05": rq[0].astype(int),
            "rank_p50": rq[1].astype(int),
            "rank_p95": rq[2].astype(int),
        }
    )
    labels = [label for label, _ in gb.bands]  # best first
    grade_probabilities = pd.DataFrame(
        grade_p[:, ::-1], index=pd.Index(list(cases), name="case"), columns=labels
    )
    rank_probabilities = None
    if m <= 500:
        rc = np.bincount((ranks - 1 + m * np.arange(m)[None, :]).ravel(), minlength=m * m)
        rank_probabilities = pd.DataFrame(
            rc.reshape(m, m) / n,
            index=pd.Index(list(cases), name="case"),
            columns=pd.Index(np.arange(1, m + 1), name="rank"),
        )
    wq = np.percentile(W, [5, 95], axis=0)
    weight_summary = pd.DataFrame(
        {
            "criterion": list(crits),
            "given": given,
            "mean": W.mean(axis=0),
            "sd": W.std(axis=0, ddof=1) if n > 1 else np.zeros(len(crits)),
            "p05": wq[0],
            "p95": wq[1],
        }
    )
    return SensitivityResult(
        table=table,
        grade_probabilities=grade_probabilities,
        rank_probabilities=rank_probabilities,
        weights=_series(given, crits, "points", "criterion"),
        weight_summary=weight_summary,
        draws=W,
        scheme="dirichlet" if ranges is None else "ranges",
        concentration=float(concentration) if ranges is None else None,
        ranges=used_ranges,
        n=n,
        seed=seed,
        bands=gb,
        score_unit=score_unit,
    )


# ---------------------------------------------------------------------------------------------
# Rank reversal


@dataclass(frozen=True)
class RankReversalResult:
    """Rank-reversal checks: does the order of the other alternatives change?

    Attributes
    ----------
    baseline : DataFrame
        ``alternative``, ``score`` (higher is better; VIKOR: −Q), ``rank`` with every alternative.
    changes : DataFrame
        One row per (change, other alternative) whose rank among the others changed:
        ``change`` (``"remove"``/``"add"``), ``alternative`` (removed or added), ``other``,
        ``rank_before``, ``rank_after`` (ranks among the alternatives present in both sets).
    pairs : DataFrame
        Reversed pairs: ``change``, ``alternative``, ``first`` (ahead before), ``second`` (ahead
        after).
    tested : DataFrame
        Every change tried: ``change``, ``alternative``, ``reversals`` (number of reversed pairs).
    method, normalization : str
    """

    baseline: pd.DataFrame
    changes: pd.DataFrame
    pairs: pd.DataFrame
    tested: pd.DataFrame
    method: str
    normalization: str | None

    @property
    def reversal(self) -> bool:
        """Whether any change reversed the order of two other alternatives."""
        return bool(len(self.pairs))

    def summary(self) -> str:
        """Chinese summary."""
        name = {"topsis": "TOPSIS", "vikor": "VIKOR", "weighted_sum": "加权求和"}[self.method]
        norm = f"，{NORMALIZATIONS[self.normalization]}" if self.normalization else ""
        n_rm = int((self.tested["change"] == "remove").sum())
        n_add = int((self.tested["change"] == "add").sum())
        what = []
        if n_rm:
            what.append(f"逐一去掉 {n_rm} 个评价对象")
        if n_add:
            what.append(f"逐一加入 {n_add} 个新评价对象")
        head = f"秩反转检验（{name}{norm}）：{'、'.join(what)}"
        if not self.reversal:
            return head + "，其余评价对象的先后次序均未改变"
        lines = [head + f"，发现 {len(self.pairs)} 对先后次序颠倒："]
        for (change, alt), grp in self.pairs.groupby(["change", "alternative"], sort=False):
            verb = "去掉" if change == "remove" else "加入"
            flips = "；".join(
                f"{a} 与 {b}（现 {b} 在前）"
                for a, b in zip(grp["first"], grp["second"], strict=True)
            )
            lines.append(f"  {verb} {alt} 后：{flips}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "method": self.method,
                "normalization": self.normalization,
                "reversal": self.reversal,
                "baseline": self.baseline,
                "changes": self.changes,
                "pairs": self.pairs,
                "tested": self.tested,
            }
        )


def _reversed_pairs(
    before: np.ndarray, after: np.ndarray, present: np.ndarray, changed: np.ndarray
) -> list[tuple[int, int]]:
    """Pairs (i, j) with i strictly ahead of j before and j strictly ahead after.

    A reversed pair has at least one member whose rank changed, so only rows or columns of
    changed alternatives are compared (``changed`` ⊆ ``present``).
    """
    ch = np.flatnonzero(changed)
    if ch.size == 0:
        return []
    allp = np.flatnonzero(present)
    rest = np.flatnonzero(present & ~changed)

    def flips(rows: np.ndarray, cols: np.ndarray) -> list[tuple[int, int]]:
        f = (before[rows][:, None] < before[cols][None, :]) & (
            after[rows][:, None] > after[cols][None, :]
        )
        return [(int(rows[i]), int(cols[j])) for i, j in zip(*np.nonzero(f), strict=True)]

    return sorted(flips(ch, allp) + flips(rest, ch))


def rank_reversal(
    X: Any,
    weights: Any,
    types: Any = None,
    method: str = "topsis",
    *,
    normalization: str | None = None,
    v: float = 0.5,
    mode: str = "both",
    add: Any = "dominated",
) -> RankReversalResult:
    """Check whether removing or adding an alternative changes the order of the others.

    Parameters
    ----------
    X, weights, types
        Decision matrix, weights and criterion directions as in :mod:`methods.ranking`.
    method : {"topsis", "vikor", "weighted_sum"}
        Ranking method.
    normalization : str, optional
        Passed to the method (TOPSIS default ``"vector"``, weighted sum ``"minmax"``).
    v : float
        VIKOR's v.
    mode : {"both", "remove", "add"}
        Which changes to test.
    add : "dominated", DataFrame or array
        Alternatives to add, one at a time: ``"dominated"`` adds a copy of the worst value of
        every criterion (dominated by all, so a sound method should not reorder the others);
        otherwise rows with the same criteria as ``X`` (a DataFrame's index names them).

    Returns
    -------
    RankReversalResult
        ``.reversal``, ``.pairs`` (which pairs flipped after which change), ``.changes``,
        ``.tested``, ``.summary()``.

    Notes
    -----
    Remove test: for each alternative a, the others are re-scored without a (ideal solutions,
    norms and min–max ranges are recomputed) and their ranks among themselves compared with the
    baseline ranks among the same set. Add test: the new alternative joins the set and the
    originals' ranks among themselves are compared with the baseline. A pair reverses when the
    strict order of its two alternatives flips; a tie that opens or closes shows in
    ``changes`` but not in ``pairs``. All leave-one-out sets are scored in one vectorised batch.

    References
    ----------
    Belton, V. & Gear, T. (1983). On a short-coming of Saaty's method of analytic hierarchies.
    Omega 11(3), 228–230.
    Wang, Y.-M. & Luo, Y. (2009). On rank reversal in decision analysis. Mathematical and
    Computer Modelling 49, 1221–1229.
    García-Cascales, M.S. & Lamata, M.T. (2012). On rank reversal and TOPSIS method.
    Mathematical and Computer Modelling 56, 123–132.

    Examples
    --------
    >>> r = rank_reversal([[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], ["cost", "benefit"])
    >>> r.reversal
    False
    """
    if mode not in ("both", "remove", "add"):
        raise ValueError(f"未知的检验方式 '{mode}'（可用：both、remove、add）")
    values, alts, crits = _decision_matrix(X)
    benefit = _parse_types(types, crits)
    w = _parse_weights(weights, crits)
    kw = {"normalization": normalization, "v": v}
    m, k = values.shape
    score0 = _scores(method, values, w, benefit, **kw)
    rank0 = _rank_desc(score0)
    baseline = pd.DataFrame({"alternative": list(alts), "score": score0, "rank": rank0})
    change_rows: list[dict[str, Any]] = []
    pair_rows: list[dict[str, Any]] = []
    tested: list[dict[str, Any]] = []

    if mode in ("both", "remove") and m >= 3:
        chunk = max(1, int(4_000_000 // max(1, m * k)))
        for start in range(0, m, chunk):  # chunks of leave-one-out sets, each chunk vectorised
            rows = np.arange(start, min(m, start + chunk))
            mask = np.ones((rows.size, m), dtype=bool)
            mask[np.arange(rows.size), rows] = False
            D = np.broadcast_to(values, (rows.size, m, k))
            after = _rank_desc(_scores(method, D, w, benefit, mask=mask, **kw), mask)
            before = _rank_desc(np.broadcast_to(score0, (rows.size, m)), mask)
            changed = mask & (after != before)
            for b, a in enumerate(rows):
                flips = _reversed_pairs(before[b], after[b], mask[b], changed[b])
                tested.append({"change": "remove", "alternative": alts[a], "reversals": len(flips)})
                for o in np.flatnonzero(changed[b]):
                    change_rows.append(
                        {
                            "change": "remove",
                            "alternative": alts[a],
                            "other": alts[o],
                            "rank_before": int(before[b, o]),
                            "rank_after": int(after[b, o]),
                        }
                    )
                for i, j in flips:
                    pair_rows.append(
                        {
                            "change": "remove",
                            "alternative": alts[a],
                            "first": alts[i],
                            "second": alts[j],
                        }
                    )

    if mode in ("both", "add"):
        if isinstance(add, str):
            if add != "dominated":
                raise ValueError(
                    f"未知的新增方式 '{add}'（可用：dominated 或给出新评价对象的数据）"
                )
            new = np.where(benefit, values.min(axis=0), values.max(axis=0))[None, :]
            new_names: tuple[str, ...] = ("劣解（各指标最差值）",)
        else:
            if isinstance(add, pd.DataFrame):
                add = add.reindex(columns=list(crits))
            new, new_names, ncrits = _decision_matrix(add, name="新增评价对象")
            if isinstance(add, pd.DataFrame):
                if ncrits != crits:
                    raise ValueError("新增评价对象的指标与决策矩阵不一致")
            else:
                new_names = tuple(f"新增{i + 1}" for i in range(new.shape[0]))
                if new.shape[1] != k:
                    raise ValueError(
                        f"新增评价对象的指标数（{new.shape[1]}）与决策矩阵（{k}）不一致"
                    )
        A = new.shape[0]
        D = np.concatenate([np.broadcast_to(values, (A, m, k)), new[:, None, :]], axis=1)
        scores = _scores(method, D, w, benefit, **kw)
        after = _rank_desc(scores[:, :m])
        changed = after != rank0[None, :]
        present = np.ones(m, dtype=bool)
        for b in range(A):
            flips = _reversed_pairs(rank0, after[b], present, changed[b])
            tested.append({"change": "add", "alternative": new_names[b], "reversals": len(flips)})
            for o in np.flatnonzero(changed[b]):
                change_rows.append(
                    {
                        "change": "add",
                        "alternative": new_names[b],
                        "other": alts[o],
                        "rank_before": int(rank0[o]),
                        "rank_after": int(after[b, o]),
                    }
                )
            for i, j in flips:
                pair_rows.append(
                    {
                        "change": "add",
                        "alternative": new_names[b],
                        "first": alts[i],
                        "second": alts[j],
                    }
                )

    if method == "topsis":
        norm = normalization or "vector"
    elif method == "weighted_sum":
        norm = normalization or "minmax"
    else:
        norm = None
    return RankReversalResult(
        baseline=baseline,
        changes=pd.DataFrame(
            change_rows, columns=["change", "alternative", "other", "rank_before", "rank_after"]
        ),
        pairs=pd.DataFrame(pair_rows, columns=["change", "alternative", "first", "second"]),
        tested=pd.DataFrame(tested, columns=["change", "alternative", "reversals"]),
        method=method,
        normalization=norm,
    )
