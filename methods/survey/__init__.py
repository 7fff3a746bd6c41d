"""Design-based survey estimation (抽样调查的设计推断) and satisfaction indices (满意度指数).

The reference is R's ``survey`` package (Lumley 2004, 2010): :class:`Design` reproduces
``svydesign`` / ``svymean`` / ``svytotal`` / ``svyratio`` / ``svyby`` / ``svyquantile`` /
``postStratify`` / ``rake`` / ``trimWeights`` / ``as.svrepdesign`` and :func:`compare_groups`
reproduces ``svychisq``, to at least 4 significant digits (almost all to every digit R
prints) on its documented ``api`` examples (see ``tests/test_survey_design.py`` for each value
and its source).

On top of the design object sit the satisfaction tools of a budget performance evaluation
(公众评判法, rules.md §7):

- :func:`satisfaction_index`: 满意率 (满意人数/有效人数), weighted Likert index (100/80/60/40/20 by
  default, *unverified* convention) or the 0–100 rescaled mean, overall, per dimension, per item
  and per group, with design-based standard errors;
- :func:`index_to_points`: an index turned into indicator points with the ``positive`` rule of
  :mod:`methods.scoring`;
- :func:`ipa` / :func:`plot_ipa`: importance–performance analysis (Martilla & James 1977);
- :func:`compare_groups`: Pearson / Rao–Scott chi-square, design-based Wald tests, ANOVA;
- :func:`ordinal_logit`: proportional-odds model, frequency-weighted or design-based (``svyolr``);
- :func:`sample_size`: Cochran's sample size for a proportion with fpc and design effect.

Everything is vectorised: respondents are aggregated with sparse indicator matrices and
``numpy.bincount``; bootstrap replicates are a (PSU × R) factor matrix and matrix products
(``benchmarks/survey_design.py``: 100,000 respondents × 20 items).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, special, stats

from methods import _format as fmt
from methods.reliability import bartlett, cronbach_alpha, kmo  # contracts §6 names them here

__all__ = [
    "Design",
    "Estimate",
    "GroupComparison",
    "SatisfactionResult",
    "bartlett",
    "compare_groups",
    "cronbach_alpha",
    "index_to_points",
    "ipa",
    "kmo",
    "ordinal_logit",
    "plot_ipa",
    "sample_size",
    "satisfaction_index",
]

LONELY_PSU = ("fail", "certainty", "remove", "adjust", "average")
_LONELY_LABEL = {
    "fail": "报错",
    "certainty": "按必然入样处理（方差贡献 0）",
    "remove": "剔除（方差贡献 0）",
    "adjust": "以总体均值为中心",
    "average": "以其余层的平均方差贡献代替",
}
_METHOD_LABEL = {
    "taylor": "泰勒线性化",
    "subbootstrap": "Rao–Wu 再标度自助法（每层抽 n−1 个 PSU）",
    "bootstrap": "Canty–Davison 再标度自助法（每层抽 n 个 PSU）",
    "JK1": "删一刀切法（JK1）",
    "JKn": "分层删一刀切法（JKn）",
}
_STAT_LABEL = {
    "mean": "均值",
    "total": "总量",
    "proportion": "比例",
    "count": "总体数量",
    "ratio": "比率",
    "quantile": "分位数",
}
DEFAULT_NA_VALUES = ("不适用", "不了解", "不清楚", "说不清", "无法回答", "拒答")
DEFAULT_POINTS_1_5 = {5: 100.0, 4: 80.0, 3: 60.0, 2: 40.0, 1: 20.0}
QUADRANTS = {
    "keep": ("继续保持", "Keep up the good work"),
    "concentrate": ("重点改进", "Concentrate here"),
    "low": ("维持现状", "Low priority"),
    "overkill": ("过度投入", "Possible overkill"),
}


# ---------------------------------------------------------------------------------------------
# Small helpers: validation with Chinese messages, JSON-ready values


def _clean(x: Any) -> Any:
    """JSON-ready scalar: numpy → Python, NaN/inf → None."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _clean(v) for k, v in r.items()} for r in df.to_dict("records")]


def _require_frame(data: Any) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"data 必须是 pandas DataFrame（每行一位受访者），实际为 {type(data).__name__}"
        )
    if len(data) == 0:
        raise ValueError("数据为空：至少需要 1 行受访者记录")
    return data


def _as_list(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return [str(c) for c in cols]


def _require_columns(data: pd.DataFrame, cols: Sequence[str], role: str) -> None:
    for c in cols:
        if c not in data.columns:
            shown = "、".join(map(str, list(data.columns)[:12]))
            more = " …" if data.shape[1] > 12 else ""
            raise ValueError(f"数据中没有{role}列 '{c}'（现有列：{shown}{more}）")


def _numeric_column(data: pd.DataFrame, col: str, role: str) -> np.ndarray:
    """A column as float (NaN = missing); text that is not a number raises naming the row."""
    s = data[col]
    if pd.api.types.is_bool_dtype(s):
        out = s.astype(float).to_numpy()
    elif pd.api.types.is_numeric_dtype(s):
        out = s.to_numpy(dtype=float, na_value=np.nan)
    else:
        txt = s.astype("string").str.strip()
        txt = txt.mask(txt == "")
        num = pd.to_numeric(txt, errors="coerce")
        bad = (txt.notna() & num.isna()).to_numpy(dtype=bool)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{role} {col} 第 {pos + 1} 行为文本 '{s.iloc[pos]}'：应为数值（缺失请留空）"
            )
        out = num.to_numpy(dtype=float, na_value=np.nan)
    inf = np.isinf(out)
    if inf.any():
        pos = int(np.flatnonzero(inf)[0])
        raise ValueError(f"{role} {col} 第 {pos + 1} 行为无穷大：应为有限数值")
    return out


def _no_missing(data: pd.DataFrame, cols: Sequence[str], role: str) -> None:
    for c in cols:
        na = data[c].isna().to_numpy()
        if na.any():
            pos = int(np.flatnonzero(na)[0])
            raise ValueError(f"{role} {c} 第 {pos + 1} 行缺失：{role}不能为空")


def _group_codes(data: pd.DataFrame, cols: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer codes (−1 where a key is missing) and the sorted distinct keys."""
    g = data.groupby(list(cols), sort=True, dropna=True, observed=True)
    codes = g.ngroup().fillna(-1).to_numpy(dtype=np.int64)
    labels = g.size().index.to_frame(index=False)
    return codes, labels.reset_index(drop=True)


def _indicator(
    codes: np.ndarray, n_rows: int, values: np.ndarray | None = None
) -> sparse.csr_matrix:
    """Sparse (n_rows × n) matrix with row ``codes[i]`` holding ``values[i]`` in column i."""
    n = len(codes)
    ok = codes >= 0
    v = np.ones(n) if values is None else values
    return sparse.csr_matrix(
        (v[ok], (codes[ok], np.flatnonzero(ok))), shape=(n_rows, n), dtype=float
    )


def _crit(conf_level: float, df: float | None) -> float:
    if not 0 < conf_level < 1:
        raise ValueError(f"置信水平 conf_level 应在 0 与 1 之间，实际为 {conf_level!r}")
    q = 1 - (1 - conf_level) / 2
    if df is None or not math.isfinite(df):
        return float(stats.norm.ppf(q))
    if df <= 0:
        return float("nan")
    return float(stats.t.ppf(q, df))


def _label(value: Any) -> str:
    if isinstance(value, tuple):
        return "×".join(map(str, value))
    return str(value)


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Estimate:
    """One design-based estimate with its standard error and confidence interval.

    Attributes
    ----------
    statistic : str
        ``mean``, ``total``, ``proportion``, ``count``, ``ratio`` or ``quantile``.
    variable : str
        The variable (``num/den`` for a ratio; ``y == level`` for a proportion).
    estimate, se, ci_low, ci_high : float
        Point estimate, standard error and confidence limits.
    conf_level : float
        Confidence level of the interval (0.95).
    df : float or None
        Degrees of freedom of the t quantile; None means the normal quantile (R's default).
    deff : float or None
        Design effect (R's ``deff=TRUE``: design variance / SRS-without-replacement variance).
    n, n_missing : int
        Respondents used and respondents excluded as missing (不适用 or blank).
    variance : str
        ``taylor``, ``subbootstrap``, ``bootstrap``, ``JK1`` or ``JKn``.
    design : str
        One-line description of the design (Chinese).
    """

    statistic: str
    variable: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    conf_level: float = 0.95
    df: float | None = None
    deff: float | None = None
    n: int = 0
    n_missing: int = 0
    variance: str = "taylor"
    design: str = ""

    def summary(self) -> str:
        """Chinese one-paragraph summary, e.g. ``api00 的均值：644.17（标准误 23.54 …）``."""
        name = _STAT_LABEL.get(self.statistic, self.statistic)
        digits = 4 if self.statistic in ("ratio", "proportion") else 2
        ci = f"{fmt.num(self.ci_low, digits)}–{fmt.num(self.ci_high, digits)}"
        dist = "正态分位数" if self.df is None else f"t 分位数，自由度 {fmt.num(self.df)}"
        parts = [
            f"{self.variable} 的{name}：{fmt.num(self.estimate, digits)}"
            f"（标准误 {fmt.num(self.se, digits)}，{fmt.num(self.conf_level * 100)}% 置信区间 "
            f"{ci}，{dist}）",
            f"有效样本 {self.n}，缺失 {self.n_missing}",
            f"方差估计：{_METHOD_LABEL.get(self.variance, self.variance)}",
        ]
        if self.deff is not None and math.isfinite(self.deff):
            parts.insert(2, f"设计效应 {fmt.num(self.deff, 3)}")
        text = "；".join(parts)
        return text + (f"\n抽样设计：{self.design}" if self.design else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return {k: _clean(getattr(self, k)) for k in self.__dataclass_fields__}

    def __repr__(self) -> str:
        return (
            f"<Estimate {self.statistic} {self.variable}: {self.estimate:.6g} (SE {self.se:.6g})>"
        )


def _estimate_from_row(row: Mapping[str, Any], statistic: str, design: Design, df, conf_level):
    deff = row.get("deff")
    return Estimate(
        statistic=statistic,
        variable=str(row["variable"]),
        estimate=float(row["estimate"]),
        se=float(row["se"]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        conf_level=conf_level,
        df=df,
        deff=None if deff is None or not math.isfinite(float(deff)) else float(deff),
        n=int(row["n"]),
        n_missing=int(row["n_missing"]),
        variance=design.variance_method,
        design=design.describe(),
    )


# ---------------------------------------------------------------------------------------------
# Internal structures of a design


@dataclass(frozen=True)
class _PostStratum:
    """One ``postStratify`` step: cell codes, weights after (psw) and before (oldw)."""

    cells: np.ndarray
    n_cells: int
    weights: np.ndarray
    oldweights: np.ndarray


@dataclass(frozen=True)
class _Raking:
    """One ``rake``: for each margin its cell codes and the weights after its last step."""

    margins: tuple[tuple[np.ndarray, int, np.ndarray], ...]


@dataclass(frozen=True)
class _Replicates:
    """Replicate weights W[i, r] = w[i] × factors[groups[i], r] (R's compressed repweights)."""

    kind: str
    groups: np.ndarray
    factors: np.ndarray
    scale: float
    rscales: np.ndarray
    seed: int | None = None

    @property
    def n_replicates(self) -> int:
        return int(self.factors.shape[1])


@dataclass(frozen=True)
class _Term:
    coef: float
    num: int
    den: int | None


def _apply(outputs: Sequence[Sequence[_Term]], tot: np.ndarray) -> np.ndarray:
    """Statistics from totals: tot (..., D, t) → (..., D, m); each output Σ coef·T[num]/T[den]."""
    res = np.zeros((*tot.shape[:-1], len(outputs)))
    with np.errstate(divide="ignore", invalid="ignore"):
        for m, terms in enumerate(outputs):
            for t in terms:
                part = tot[..., t.num] if t.den is None else tot[..., t.num] / tot[..., t.den]
                res[..., m] += t.coef * part
    return res


def _gradient(outputs: Sequence[Sequence[_Term]], tot: np.ndarray) -> np.ndarray:
    """d statistic / d totals: (D, m, t); zero where a denominator total is 0."""
    d_, t_ = tot.shape
    g = np.zeros((d_, len(outputs), t_))
    with np.errstate(divide="ignore", invalid="ignore"):
        for m, terms in enumerate(outputs):
            for t in terms:
                if t.den is None:
                    g[:, m, t.num] += t.coef
                else:
                    den = tot[:, t.den]
                    g[:, m, t.num] += np.where(den != 0, t.coef / den, 0.0)
                    g[:, m, t.den] += np.where(den != 0, -t.coef * tot[:, t.num] / den**2, 0.0)
    return g


# ---------------------------------------------------------------------------------------------
# The design


class Design:
    """A survey design (R's ``svydesign``): weights, strata, one-stage clusters, fpc.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    weights : str, optional
        Sampling-weight column (> 0). Without it the weights are N_h / n_h when ``fpc`` gives
        population sizes (as R does), otherwise 1 (equal probability).
    strata : str, optional
        Stratum column (no missing values).
    cluster : str, optional
        First-stage cluster (PSU) column, e.g. village or school district. Without it every
        respondent is its own PSU.
    fpc : str, optional
        Finite-population correction per stratum, constant within a stratum: either the
        population number of PSUs N_h (all values ≥ 1) or the sampling fraction n_h / N_h (all
        values ≤ 1), detected as R does (any value > 1 → population sizes).
    lonely_psu : {"fail", "certainty", "remove", "adjust", "average"}
        What a stratum with a single PSU contributes to the variance, with the semantics of
        R's ``options(survey.lonely.psu)``: ``fail`` raises ValueError naming the stratum (R's
        default; raised when the design is built), ``certainty`` and ``remove`` contribute 0,
        ``adjust`` centres the single PSU total at the mean of all PSU totals of the design
        instead of its (undefined) stratum mean, ``average`` replaces its contribution by the
        average of the other strata (variance × H / H_ok). A stratum whose fpc says it was
        fully sampled (N_h = n_h) always contributes 0 and never fails. A domain that has a
        single PSU in a stratum with several design PSUs is not a lonely PSU (R's default
        ``survey.adjust.domain.lonely = FALSE``).
    nest : bool
        Cluster identifiers are only unique within strata (R's ``nest=TRUE``). Without it a
        cluster found in two strata raises ValueError.

    Notes
    -----
    **Estimators.** With weights w_i, the total is Ŷ = Σ w_i y_i, the mean ȳ = Ŷ / Σ w_i and the
    ratio R̂ = Σ w_i y_i / Σ w_i x_i (Horvitz–Thompson / Hájek).

    **Taylor linearisation.** Each statistic θ̂ = f(T̂) is a smooth function of estimated
    totals; its variance is that of the total of the linearised (influence) variable
    z_i = w_i ∇f·v_i: z_i = w_i y_i for a total, z_i = w_i (y_i − ȳ) / Σ w for a mean and
    z_i = w_i (y_i − R̂ x_i) / Σ w x for a ratio (Wolter 2007, ch. 6; Lumley 2010, §2.2, A.3).

    **Variance of a total (with-replacement PSUs, fpc, strata sum).** With PSU totals
    z_hi = Σ_{j∈PSU hi} z_hij, stratum means z̄_h and n_h PSUs in stratum h,

        V̂(θ̂) = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_i (z_hi − z̄_h)²,   f_h = n_h / N_h,

    (f_h = 0 without fpc): R's ``svyrecvar`` with one stage ("ultimate cluster").

    **Domains** (``by=``, and missing values) are estimated as R's ``svyby`` does: rows outside
    the domain keep their PSU and stratum but contribute z_i = 0, so the number of PSUs n_h and
    the between-PSU variation include PSUs with no domain member. Subsetting the data instead
    would understate the variance.

    **Calibration.** :meth:`poststratify` multiplies the weights in post-stratum g by
    N_g / N̂_g; the linearised variable is then replaced by its residual
    z_i − w_i · Σ_{j∈g} w⁰_j z_j / w_j / Σ_{j∈g} w⁰_j (R's ``svyrecvar``). :meth:`rake`
    iterates post-stratification over the margins until no cell of their cross-table moves
    by ``tol``; its linearisation is 10 rounds of the same projection over the margins,
    exactly as R does.

    **Confidence intervals** use the normal quantile by default, as R's ``confint`` does for
    ``svymean``/``svytotal``/``svyby``; ``df="design"`` uses a t quantile with the design
    degrees of freedom (#PSU − #strata, R's ``degf``). :meth:`quantile` uses the design
    degrees of freedom by default, as R's ``svyquantile`` does.

    Only the first sampling stage enters the variance (later stages are absorbed in the PSU
    totals, R's ``survey.ultimate.cluster``), which is R's result for one-stage designs and
    the usual with-replacement approximation for multistage designs.

    References
    ----------
    Lumley, T. (2004). Analysis of complex survey samples. *Journal of Statistical Software*
    9(8). Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
    Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer.
    Rao, J. N. K. & Wu, C. F. J. (1988). Resampling inference with complex survey data.
    *JASA* 83, 231–241.

    Examples
    --------
    >>> import pandas as pd
    >>> from methods.survey import Design
    >>> df = pd.read_csv("tests/data/survey/apiclus1.csv")  # doctest: +SKIP
    >>> dclus1 = Design(df, weights="pw", cluster="dnum", fpc="fpc")  # doctest: +SKIP
    >>> dclus1.mean("api00")  # doctest: +SKIP
    <Estimate mean api00: 644.169 (SE 23.5422)>
    >>> dclus1.mean("api00", by="stype")  # doctest: +SKIP
    """

    __slots__ = (
        "_data",
        "_weights_col",
        "_strata_col",
        "_cluster_col",
        "_fpc_col",
        "_lonely",
        "_nest",
        "_w",
        "_strata",
        "_strata_labels",
        "_psu",
        "_psu_stratum",
        "_nh",
        "_f",
        "_popsize",
        "_cal",
        "_rep",
        "_history",
        "_frozen",
    )

    def __init__(
        self,
        data: pd.DataFrame,
        weights: str | None = None,
        strata: str | None = None,
        cluster: str | None = None,
        fpc: str | None = None,
        lonely_psu: str = "fail",
        nest: bool = False,
    ) -> None:
        data = _require_frame(data)
        if lonely_psu not in LONELY_PSU:
            raise ValueError(f"lonely_psu 应为 {'、'.join(LONELY_PSU)} 之一，实际为 {lonely_psu!r}")
        roles = {"权重": weights, "分层": strata, "整群": cluster, "有限总体校正": fpc}
        for role, col in roles.items():
            if col is not None:
                _require_columns(data, [col], role)
        n = len(data)
        # strata
        if strata is None:
            s_codes = np.zeros(n, dtype=np.int64)
            s_labels = np.array(["全部"], dtype=object)
        else:
            _no_missing(data, [strata], "分层列")
            s_codes, lab = _group_codes(data, [strata])
            s_labels = lab.iloc[:, 0].to_numpy(dtype=object)
        n_strata = len(s_labels)
        # clusters (PSUs)
        if cluster is None:
            psu = np.arange(n, dtype=np.int64)
        else:
            _no_missing(data, [cluster], "整群列")
            c_codes, c_lab = _group_codes(data, [cluster])
            if nest:
                psu = pd.factorize(s_codes * (len(c_lab) + 1) + c_codes, sort=True)[0]
            else:
                pairs = pd.DataFrame({"c": c_codes, "s": s_codes}).drop_duplicates()
                per = pairs.groupby("c")["s"].nunique()
                if (per > 1).any():
                    c_bad = int(per.index[per.to_numpy() > 1][0])
                    where = "、".join(str(s_labels[s]) for s in pairs.loc[pairs["c"] == c_bad, "s"])
                    raise ValueError(
                        f"整群列 {cluster} 的单位 '{c_lab.iloc[c_bad, 0]}' 出现在多个层中（{where}）："
                        "整群未嵌套在层内；若编号只在层内唯一，请设 nest=True"
                    )
                psu = c_codes
            psu = np.asarray(psu, dtype=np.int64)
        first = np.unique(psu, return_index=True)[1]
        psu_stratum = s_codes[first]
        nh = np.bincount(psu_stratum, minlength=n_strata).astype(float)
        # finite population correction
        popsize = None
        f = np.ones(n_strata)
        if fpc is not None:
            fv = _numeric_column(data, fpc, "有限总体校正列")
            bad = np.isnan(fv) | (fv <= 0)
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"有限总体校正列 {fpc} 第 {pos + 1} 行为 {data[fpc].iloc[pos]!r}："
                    "应为正数（层的总体 PSU 数或抽样比）"
                )
            is_pop = bool((fv > 1).any())
            if is_pop and (fv < 1).any():
                raise ValueError(
                    f"有限总体校正列 {fpc} 混有大于 1 和小于 1 的值：应全部为总体 PSU 数（≥ 1）"
                    "或全部为抽样比（≤ 1）"
                )
            per = pd.Series(fv).groupby(s_codes).agg(["min", "max"])
            vary = per["min"].to_numpy() != per["max"].to_numpy()
            if vary.any():
                h = int(np.flatnonzero(vary)[0])
                raise ValueError(
                    f"有限总体校正列 {fpc} 在层 '{s_labels[h]}' 内取值不唯一：每层应为同一个值"
                )
            val = per["min"].to_numpy()
            popsize = val if is_pop else nh / val
            small = popsize < nh - 1e-9
            if small.any():
                h = int(np.flatnonzero(small)[0])
                raise ValueError(
                    f"有限总体校正列 {fpc}：层 '{s_labels[h]}' 的总体 PSU 数 {fmt.num(popsize[h])} "
                    f"小于样本 PSU 数 {int(nh[h])}（抽样比超过 100%）"
                )
            f = (popsize - nh) / popsize
        # weights
        if weights is not None:
            w = np.array(_numeric_column(data, weights, "权重列"), dtype=float)
            bad = np.isnan(w) | (w <= 0)
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
                what = "缺失" if np.isnan(w[pos]) else f"为 {fmt.num(w[pos], 6)}"
                raise ValueError(f"权重列 {weights} 第 {pos + 1} 行{what}：权重必须大于 0")
        elif popsize is not None:
            w = (popsize / nh)[s_codes]
        else:
            w = np.ones(n)
        # lonely PSUs
        lonely = (nh == 1) & (f > 1e-7)
        if lonely.any() and lonely_psu == "fail":
            h = int(np.flatnonzero(lonely)[0])
            col = f"（分层列 {strata}）" if strata else ""
            raise ValueError(
                f"层 '{s_labels[h]}'{col}只有 1 个 PSU，无法估计该层的抽样方差；请设置 "
                "lonely_psu 为 'certainty'、'remove'、'adjust' 或 'average'"
                "（同 R 的 options(survey.lonely.psu)）"
            )
        for arr in (w, s_codes, psu, psu_stratum):
            arr.setflags(write=False)
        self._data = data.copy(deep=False)
        self._weights_col = weights
        self._strata_col = strata
        self._cluster_col = cluster
        self._fpc_col = fpc
        self._lonely = lonely_psu
        self._nest = bool(nest)
        self._w = w
        self._strata = s_codes
        self._strata_labels = s_labels
        self._psu = psu
        self._psu_stratum = psu_stratum
        self._nh = nh
        self._f = f
        self._popsize = popsize
        self._cal: tuple = ()
        self._rep: _Replicates | None = None
        self._history: tuple[str, ...] = ()
        self._frozen = True

    # -- immutability ------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError("Design 对象不可修改：poststratify()/rake()/trim() 等返回新的设计")
        object.__setattr__(self, name, value)

    def _derive(self, **changes: Any) -> Design:
        new = object.__new__(Design)
        for slot in Design.__slots__:
            if slot != "_frozen":
                object.__setattr__(new, slot, changes.get(slot, getattr(self, slot)))
        for arr in (new._w,):
            arr.setflags(write=False)
        object.__setattr__(new, "_frozen", True)
        return new

    # -- description -------------------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The respondents' data (a shallow copy: changing it does not change the design)."""
        return self._data.copy(deep=False)

    @property
    def n(self) -> int:
        """Number of respondents."""
        return len(self._w)

    @property
    def weights(self) -> np.ndarray:
        """Current (possibly calibrated or trimmed) weights, a copy."""
        return self._w.copy()

    @property
    def n_psu(self) -> int:
        """Number of first-stage sampling units."""
        return len(self._psu_stratum)

    @property
    def n_strata(self) -> int:
        """Number of strata (1 when unstratified)."""
        return len(self._strata_labels)

    @property
    def df(self) -> int:
        """Design degrees of freedom: #PSU − #strata (R's ``degf``)."""
        return self.n_psu - self.n_strata

    @property
    def variance_method(self) -> str:
        """``taylor`` or the replicate type (``subbootstrap``, ``bootstrap``, ``JK1``, ``JKn``)."""
        return "taylor" if self._rep is None else self._rep.kind

    @property
    def replicates(self) -> int | None:
        """Number of replicate weight sets (None for a linearisation design)."""
        return None if self._rep is None else self._rep.n_replicates

    def replicate_weights(self) -> np.ndarray:
        """The (n × R) matrix of replicate weights (built on demand; can be large)."""
        if self._rep is None:
            raise ValueError(
                "这是泰勒线性化设计，没有重复权重；请先调用 bootstrap() 或 jackknife()"
            )
        return self._w[:, None] * self._rep.factors[self._rep.groups]

    def describe(self) -> str:
        """One-line Chinese description of the design."""
        kind = []
        if self._strata_col:
            kind.append(f"分层（{self._strata_col}，{self.n_strata} 层）")
        if self._cluster_col:
            kind.append(f"整群（{self._cluster_col}，{self.n_psu} 个 PSU）")
        if not kind:
            kind.append("简单随机抽样（不分层、不分群）")
        parts = ["、".join(kind) + f"，样本 {self.n} 个"]
        parts.append(f"权重 {self._weights_col}" if self._weights_col else "等权重")
        parts.append("有限总体校正：有" if self._popsize is not None else "有限总体校正：无")
        if self._history:
            parts.append("调整：" + " → ".join(self._history))
        parts.append(f"方差估计：{_METHOD_LABEL[self.variance_method]}")
        if self._rep is not None:
            parts.append(f"{self._rep.n_replicates} 组重复权重")
        return "；".join(parts)

    def summary(self) -> str:
        """Chinese summary of the design (strata, PSUs, weights, lonely-PSU rule)."""
        lines = [f"抽样设计：{self.describe()}"]
        w = self._w
        lines.append(
            f"权重：最小 {fmt.num(w.min(), 4)}，最大 {fmt.num(w.max(), 4)}，"
            f"合计（估计总体规模）{fmt.num(w.sum(), 2)}"
        )
        lines.append(f"设计自由度 {self.df}；单 PSU 层：{_LONELY_LABEL[self._lonely]}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the design."""
        return {
            "n": self.n,
            "n_psu": self.n_psu,
            "n_strata": self.n_strata,
            "df": self.df,
            "weights": self._weights_col,
            "strata": self._strata_col,
            "cluster": self._cluster_col,
            "fpc": self._fpc_col,
            "lonely_psu": self._lonely,
            "variance": self.variance_method,
            "replicates": self.replicates,
            "adjustments": list(self._history),
            "sum_of_weights": _clean(float(self._w.sum())),
        }

    def __repr__(self) -> str:
        return f"<Design {self.describe()}>"

    # -- variance engine ---------------------------------------------------------------------
    def _domains(
        self, by: str | Sequence[str] | None
    ) -> tuple[np.ndarray, int, pd.DataFrame | None]:
        cols = _as_list(by)
        if not cols:
            return np.zeros(self.n, dtype=np.int64), 1, None
        _require_columns(self._data, cols, "分组")
        codes, labels = _group_codes(self._data, cols)
        if len(labels) == 0:
            raise ValueError(f"分组列 {'、'.join(cols)} 全部缺失，无法分组估计")
        return codes, len(labels), labels

    def _var_from_psu_totals(self, tz: np.ndarray, full: bool) -> np.ndarray:
        """R's ``onestage``: centre PSU totals within strata, scale, sum over strata."""
        h = self._psu_stratum
        nh, f = self._nh, self._f
        n_str = len(nh)
        sums = np.asarray(_indicator(h, n_str) @ tz)
        centred = tz - (sums / nh[:, None])[h]
        lonely = nh == 1
        certain = f < 1e-7
        scale = np.where(nh > 1, f * nh / np.maximum(nh - 1, 1), f)
        scale[certain] = 0.0
        factor = 1.0
        lonely_live = lonely & ~certain
        if lonely_live.any():
            if self._lonely == "adjust":
                rows = lonely_live[h]
                centred[rows] = tz[rows] - tz.sum(axis=0) / len(h)
            elif self._lonely == "average":
                scale[lonely_live] = 0.0
                ok = n_str - int(lonely_live.sum())
                factor = n_str / ok if ok > 0 else float("nan")
            else:
                scale[lonely_live] = 0.0
        s = scale[h]
        if full:
            return (centred.T @ (centred * s[:, None])) * factor
        return (centred**2 * s[:, None]).sum(axis=0) * factor

    def _residualize(self, z: np.ndarray) -> np.ndarray:
        """Post-stratification / raking residuals of the linearised variable (R's svyrecvar)."""
        for step in self._cal:
            if isinstance(step, _PostStratum):
                ind = _indicator(step.cells, step.n_cells)
                num = np.asarray(ind @ (z * (step.oldweights / step.weights)[:, None]))
                den = np.bincount(step.cells, step.oldweights, minlength=step.n_cells)
                means = num / den[:, None]
                z = z - means[step.cells] * step.weights[:, None]
            else:
                inds = [(_indicator(c, k), c, k, psw) for c, k, psw in step.margins]
                counts = [np.bincount(c, minlength=k).astype(float) for _, c, k, _ in inds]
                for _ in range(10):
                    for (ind, c, _k, psw), cnt in zip(inds, counts, strict=True):
                        means = np.asarray(ind @ (z / psw[:, None])) / cnt[:, None]
                        z = z - psw[:, None] * means[c]
        return z

    def _linearize(
        self,
        v: np.ndarray,
        dom: np.ndarray,
        n_dom: int,
        outputs: Sequence[Sequence[_Term]],
        full: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Estimates (D, m), variances (D, m) or covariance (D·m, D·m), and totals (D, t).

        ``v`` (n × t) holds the base variables with zeros where a respondent does not count
        (missing answers); ``dom`` the domain code of each respondent (−1: none).
        """
        w = self._w
        n, t = v.shape
        m = len(outputs)
        tot = np.asarray(_indicator(dom, n_dom, w) @ v)
        est = _apply(outputs, tot)
        if self._rep is not None:
            rep = self._rep
            k = rep.factors.shape[0]
            code = np.where(dom >= 0, rep.groups * n_dom + dom, -1)
            sg = np.asarray(_indicator(code, k * n_dom, w) @ v).reshape(k, n_dom * t)
            trep = (rep.factors.T @ sg).reshape(rep.n_replicates, n_dom, t)
            theta = _apply(outputs, trep).reshape(rep.n_replicates, n_dom * m)
            ok = np.isfinite(theta)
            cnt = ok.sum(axis=0)
            centre = np.where(ok, theta, 0.0).sum(axis=0) / np.maximum(cnt, 1)
            dev = np.where(ok, theta - centre, 0.0)
            rs = rep.rscales[:, None]
            if full:
                var = rep.scale * (dev.T @ (dev * rs))
            else:
                var = (rep.scale * (dev**2 * rs).sum(axis=0)).reshape(n_dom, m)
        else:
            grad = _gradient(outputs, tot)
            if not self._cal:
                code = np.where(dom >= 0, self._psu * n_dom + dom, -1)
                s = np.asarray(_indicator(code, self.n_psu * n_dom, w) @ v)
                s = s.reshape(self.n_psu, n_dom, t)
                tz = np.einsum("pdt,dmt->pdm", s, grad).reshape(self.n_psu, n_dom * m)
            else:
                z = np.zeros((n, n_dom * m))
                wv = w[:, None] * v
                for d in range(n_dom):
                    rows = np.flatnonzero(dom == d)
                    z[rows, d * m : (d + 1) * m] = wv[rows] @ grad[d].T
                z = self._residualize(z)
                tz = np.asarray(_indicator(self._psu, self.n_psu) @ z)
            var = self._var_from_psu_totals(tz, full)
            if not full:
                var = var.reshape(n_dom, m)
        empty = ~np.isfinite(est)
        if not full:
            var = np.where(empty, np.nan, var)
        return est, var, tot

    # -- building blocks for the public estimators -------------------------------------------
    def _values(self, cols: Sequence[str]) -> np.ndarray:
        _require_columns(self._data, cols, "分析变量")
        if not cols:
            raise ValueError("请至少给出一个分析变量")
        out = np.column_stack([_numeric_column(self._data, c, "变量") for c in cols])
        for j, c in enumerate(cols):
            if np.isnan(out[:, j]).all():
                raise ValueError(f"变量 {c} 全部缺失（{self.n} 行），无法估计")
        return out

    def _resolve_df(self, df: str | float | None) -> float | None:
        if df is None:
            return None
        if df == "design":
            return float(self.df)
        try:
            val = float(df)
        except (TypeError, ValueError):
            raise ValueError(f"df 应为 None、'design' 或正数，实际为 {df!r}") from None
        return None if math.isinf(val) else val

    def _srs_var(
        self, y: np.ndarray, valid: np.ndarray, dom: np.ndarray, n_dom: int, kind: str
    ) -> np.ndarray:
        """R's deff denominator per (domain, column): svyvar × (N̂ − n)/(N̂ n) [× N̂² for totals]."""
        w = self._w
        ind = _indicator(dom, n_dom)
        vw = valid * w[:, None]
        yz = np.where(valid, y, 0.0)
        nhat = np.asarray(ind @ vw)
        cnt = np.asarray(ind @ valid.astype(float))
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.asarray(ind @ (vw * yz)) / nhat
            dev = np.where(valid, yz - mean[np.maximum(dom, 0)], 0.0)
            s2 = np.asarray(ind @ (vw * dev**2)) / nhat * cnt / (cnt - 1)
            vsrs = s2 * (nhat - cnt) / (nhat * cnt)
            if kind == "total":
                vsrs = vsrs * nhat**2
        return np.where(nhat >= cnt, vsrs, np.nan)

    def _frame(
        self,
        labels: pd.DataFrame | None,
        names: Sequence[str],
        est: np.ndarray,
        var: np.ndarray,
        n_used: np.ndarray,
        n_missing: np.ndarray,
        conf_level: float,
        df: float | None,
        vsrs: np.ndarray | None = None,
        extra: Mapping[str, Sequence[Any]] | None = None,
    ) -> pd.DataFrame:
        n_dom, m = est.shape
        crit = _crit(conf_level, df)
        se = np.sqrt(np.maximum(var, 0.0)) * np.where(np.isnan(var), np.nan, 1.0)
        out: dict[str, Any] = {}
        if labels is not None:
            for c in labels.columns:
                out[c] = np.repeat(labels[c].to_numpy(dtype=object), m)
        out["variable"] = np.tile(np.asarray(names, dtype=object), n_dom)
        for k, vals in (extra or {}).items():
            out[k] = np.tile(np.asarray(vals, dtype=object), n_dom)
        out["estimate"] = est.ravel()
        out["se"] = se.ravel()
        out["ci_low"] = (est - crit * se).ravel()
        out["ci_high"] = (est + crit * se).ravel()
        out["deff"] = (
            np.full(n_dom * m, np.nan)
            if vsrs is None
            else np.divide(var, vsrs, out=np.full_like(var, np.nan), where=vsrs > 0).ravel()
        )
        out["n"] = n_used.astype(np.int64).ravel()
        out["n_missing"] = n_missing.astype(np.int64).ravel()
        frame = pd.DataFrame(out)
        for c in ("variable", *(extra or {})):
            frame[c] = frame[c].astype(str)
        return frame

    def _counts(self, valid: np.ndarray, dom: np.ndarray, n_dom: int) -> tuple[np.ndarray, ...]:
        ind = _indicator(dom, n_dom)
        used = np.asarray(ind @ valid.astype(float))
        size = np.asarray(ind @ np.ones((self.n, 1)))
        return used, size - used

    def _scalar_or_frame(self, frame, statistic, scalar, df, conf_level):
        if scalar:
            return _estimate_from_row(frame.iloc[0].to_dict(), statistic, self, df, conf_level)
        frame.attrs = {"statistic": statistic, "variance": self.variance_method}
        return frame

    # -- public estimators -------------------------------------------------------------------
    def mean(
        self,
        y: str | Sequence[str],
        by: str | Sequence[str] | None = None,
        *,
        conf_level: float = 0.95,
        df: str | float | None = None,
    ) -> Estimate | pd.DataFrame:
        """Design-based mean of one or more numeric variables (R's ``svymean`` / ``svyby``).

        Parameters
        ----------
        y : str or list of str
            Numeric column(s). Missing values are excluded as a domain (R's ``na.rm=TRUE``).
        by : str or list of str, optional
            Domain columns; the estimate for each domain keeps the full design (svyby).
        conf_level : float
            Confidence level (0.95).
        df : None, "design" or float
            None: normal quantile (R's default); "design": t with #PSU − #strata.

        Returns
        -------
        Estimate or DataFrame
            An :class:`Estimate` for one variable without ``by``; otherwise a tidy table with
            the ``by`` columns, ``variable``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
            ``deff``, ``n`` and ``n_missing``.

        Examples
        --------
        >>> dstrat.mean("api00")  # doctest: +SKIP
        <Estimate mean api00: 662.287 (SE 9.40894)>
        """
        cols = _as_list(y)
        vals = self._values(cols)
        dom, n_dom, labels = self._domains(by)
        valid = ~np.isnan(vals)
        k = len(cols)
        v = np.empty((self.n, 2 * k))
        v[:, 0::2] = np.where(valid, vals, 0.0)
        v[:, 1::2] = valid
        outputs = [[_Term(1.0, 2 * j, 2 * j + 1)] for j in range(k)]
        est, var, _ = self._linearize(v, dom, n_dom, outputs)
        vsrs = self._srs_var(vals, valid, dom, n_dom, "mean")
        used, miss = self._counts(valid, dom, n_dom)
        dfv = self._resolve_df(df)
        frame = self._frame(labels, cols, est, var, used, miss, conf_level, dfv, vsrs)
        return self._scalar_or_frame(
            frame, "mean", isinstance(y, str) and labels is None, dfv, conf_level
        )

    def total(
        self,
        y: str | Sequence[str],
        by: str | Sequence[str] | None = None,
        *,
        conf_level: float = 0.95,
        df: str | float | None = None,
    ) -> Estimate | pd.DataFrame:
        """Design-based total Σ w_i y_i (R's ``svytotal``); missing values count as excluded.

        Parameters and return value as :meth:`mean`.

        Examples
        --------
        >>> dclus1.total("enroll")  # doctest: +SKIP
        <Estimate total enroll: 3.40494e+06 (SE 932235)>
        """
        cols = _as_list(y)
        vals = self._values(cols)
        dom, n_dom, labels = self._domains(by)
        valid = ~np.isnan(vals)
        v = np.where(valid, vals, 0.0)
        outputs = [[_Term(1.0, j, None)] for j in range(len(cols))]
        est, var, _ = self._linearize(v, dom, n_dom, outputs)
        vsrs = self._srs_var(vals, valid, dom, n_dom, "total")
        used, miss = self._counts(valid, dom, n_dom)
        dfv = self._resolve_df(df)
        frame = self._frame(labels, cols, est, var, used, miss, conf_level, dfv, vsrs)
        return self._scalar_or_frame(
            frame, "total", isinstance(y, str) and labels is None, dfv, conf_level
        )

    def _levels(self, y: str, level: Any) -> tuple[pd.Series, list[Any]]:
        _require_columns(self._data, [y], "分析变量")
        col = self._data[y]
        present = col.dropna()
        if present.empty:
            raise ValueError(f"变量 {y} 全部缺失（{self.n} 行），无法估计")
        if level is None:
            levels = sorted(present.unique().tolist(), key=lambda v: (str(type(v)), v))
        else:
            levels = list(level) if isinstance(level, list | tuple | set) else [level]
        return col, levels

    def _share_or_count(self, y, level, by, conf_level, df, statistic):
        col, levels = self._levels(y, level)
        valid = col.notna().to_numpy()
        ind = np.column_stack([(col == lv).fillna(False).to_numpy(dtype=float) for lv in levels])
        dom, n_dom, labels = self._domains(by)
        k = len(levels)
        if statistic == "proportion":
            v = np.column_stack([ind, valid.astype(float)])
            outputs = [[_Term(1.0, j, k)] for j in range(k)]
        else:
            v = ind
            outputs = [[_Term(1.0, j, None)] for j in range(k)]
        est, var, _ = self._linearize(v, dom, n_dom, outputs)
        validk = np.repeat(valid[:, None], k, axis=1)
        vsrs = self._srs_var(
            ind, validk, dom, n_dom, "mean" if statistic == "proportion" else "total"
        )
        used, miss = self._counts(validk, dom, n_dom)
        dfv = self._resolve_df(df)
        frame = self._frame(
            labels,
            [y] * k,
            est,
            var,
            used,
            miss,
            conf_level,
            dfv,
            vsrs,
            extra={"level": [str(lv) for lv in levels]},
        )
        scalar = level is not None and not isinstance(level, list | tuple | set) and labels is None
        if scalar:
            frame.loc[:, "variable"] = f"{y} == {levels[0]}"
        return self._scalar_or_frame(frame, statistic, scalar, dfv, conf_level)

    def proportion(
        self,
        y: str,
        level: Any = None,
        by: str | Sequence[str] | None = None,
        *,
        conf_level: float = 0.95,
        df: str | float | None = None,
    ) -> Estimate | pd.DataFrame:
        """Share of respondents with ``y == level`` among those who answered (R's ``svymean(~factor)``).

        Parameters
        ----------
        y : str
            Any column (text or numeric codes). Missing values are excluded.
        level : scalar or list, optional
            The category; None gives every observed level (a tidy table with a ``level``
            column).
        by, conf_level, df
            As :meth:`mean`.

        Returns
        -------
        Estimate or DataFrame
            Shares in [0, 1] (the Wald interval estimate ± z·SE, as R's ``confint``).
        """
        return self._share_or_count(y, level, by, conf_level, df, "proportion")

    def count(
        self,
        y: str,
        level: Any = None,
        by: str | Sequence[str] | None = None,
        *,
        conf_level: float = 0.95,
        df: str | float | None = None,
    ) -> Estimate | pd.DataFrame:
        """Estimated population number with ``y == level`` (R's ``svytotal(~factor)``)."""
        return self._share_or_count(y, level, by, conf_level, df, "count")

    def ratio(
        self,
        num: str,
        den: str,
        by: str | Sequence[str] | None = None,
        *,
        conf_level: float = 0.95,
        df: str | float | None = None,
    ) -> Estimate | pd.DataFrame:
        """Ratio of totals R̂ = Σ w·num / Σ w·den (R's ``svyratio``).

        Respondents missing either variable are excluded (as a domain). ``deff`` is not
        reported for ratios.

        Examples
        --------
        >>> dclus1.ratio("api.stu", "enroll")  # doctest: +SKIP
        <Estimate ratio api.stu/enroll: 0.849709 (SE 0.0083863)>
        """
        vals = self._values([num, den])
        valid = ~np.isnan(vals).any(axis=1)
        v = np.where(valid[:, None], vals, 0.0)
        dom, n_dom, labels = self._domains(by)
        est, var, _ = self._linearize(v, dom, n_dom, [[_Term(1.0, 0, 1)]])
        used, miss = self._counts(valid[:, None], dom, n_dom)
        dfv = self._resolve_df(df)
        frame = self._frame(labels, [f"{num}/{den}"], est, var, used, miss, conf_level, dfv)
        return self._scalar_or_frame(frame, "ratio", labels is None, dfv, conf_level)

    def quantile(
        self,
        y: str,
        q: float | Sequence[float] = 0.5,
        by: str | Sequence[str] | None = None,
        *,
        conf_level: float = 0.95,
        df: str | float | None = "design",
    ) -> Estimate | pd.DataFrame:
        """Quantiles with Woodruff confidence intervals (R's ``svyquantile``, ``qrule="math"``).

        Notes
        -----
        The quantile is the smallest y whose weighted distribution function reaches q
        (R's ``qrule_math``). The interval is Woodruff's: the design-based interval for
        F̂(q̂) = mean of 1{y ≤ q̂} (t quantile with the design degrees of freedom by default,
        as R) mapped back through the same rule; ``se`` = (upper − lower) / (2·t), as R
        reports it. With ``by`` the degrees of freedom are those of the whole design (R's
        ``svyby`` would use the domain's own #PSU − #strata).

        Examples
        --------
        >>> dclus1.quantile("api00", [0.25, 0.5, 0.75])  # doctest: +SKIP
        (552, 652, 719 with intervals 492–627, 561–714, 696–777, as R's vignette)
        """
        _require_columns(self._data, [y], "分析变量")
        vals = self._values([y])[:, 0]
        qs = [float(x) for x in np.atleast_1d(np.asarray(q, dtype=float))]
        for p in qs:
            if not 0 <= p <= 1:
                raise ValueError(f"分位点 q 应在 0 与 1 之间，实际为 {p}")
        dom, n_dom, labels = self._domains(by)
        valid = ~np.isnan(vals)
        w = self._w
        qhat = np.full((n_dom, len(qs)), np.nan)
        sorted_parts = []
        for d in range(n_dom):
            rows = np.flatnonzero((dom == d) & valid)
            order = np.argsort(vals[rows], kind="stable")
            x = vals[rows][order]
            cw = np.cumsum(w[rows][order])
            sorted_parts.append((x, cw))
            if len(x):
                qhat[d] = [_qrule_math(x, cw, p) for p in qs]
        k = len(qs)
        le = np.where(valid[:, None], vals[:, None] <= qhat[np.maximum(dom, 0)], False)
        v = np.column_stack([le.astype(float), valid.astype(float)])
        outputs = [[_Term(1.0, j, k)] for j in range(k)]
        fhat, var, _ = self._linearize(v, dom, n_dom, outputs)
        dfv = self._resolve_df(df)
        crit = _crit(conf_level, dfv)
        se_f = np.sqrt(np.maximum(var, 0))
        lo_p, hi_p = fhat - crit * se_f, fhat + crit * se_f
        lo = np.full_like(qhat, np.nan)
        hi = np.full_like(qhat, np.nan)
        for d, (x, cw) in enumerate(sorted_parts):
            for j in range(k):
                if len(x) and 0 <= lo_p[d, j] <= 1:
                    lo[d, j] = _qrule_math(x, cw, lo_p[d, j])
                if len(x) and 0 <= hi_p[d, j] <= 1:
                    hi[d, j] = _qrule_math(x, cw, hi_p[d, j])
        se = (hi - lo) / (2 * crit)
        used, miss = self._counts(np.repeat(valid[:, None], k, axis=1), dom, n_dom)
        frame = self._frame(
            labels,
            [y] * k,
            qhat,
            se**2,
            used,
            miss,
            conf_level,
            dfv,
            extra={"quantile": [fmt.num(p, 4) for p in qs]},
        )
        frame["ci_low"] = lo.ravel()
        frame["ci_high"] = hi.ravel()
        scalar = np.isscalar(q) and labels is None
        return self._scalar_or_frame(frame, "quantile", scalar, dfv, conf_level)

    # -- calibration, trimming, replicates ---------------------------------------------------
    def _cells(self, var: str | Sequence[str]) -> tuple[np.ndarray, list[Any], list[str]]:
        cols = _as_list(var)
        if not cols:
            raise ValueError("请给出后分层变量")
        _require_columns(self._data, cols, "后分层")
        _no_missing(self._data, cols, "后分层变量")
        codes, labels = _group_codes(self._data, cols)
        keys = [tuple(r) if len(cols) > 1 else r[0] for r in labels.itertuples(index=False)]
        return codes, keys, cols

    @staticmethod
    def _population(population: Any, cols: Sequence[str]) -> dict[Any, float]:
        if isinstance(population, pd.DataFrame):
            other = [c for c in population.columns if c not in cols]
            _require_columns(population, cols, "总体数据的")
            cnt = next((c for c in ("Freq", "N", "population", "count") if c in other), None)
            if cnt is None:
                if len(other) != 1:
                    raise ValueError("总体数据框应包含分层变量列和一列总体数（Freq 或 N）")
                cnt = other[0]
            keys = (
                population[cols[0]].tolist()
                if len(cols) == 1
                else [tuple(r) for r in population[list(cols)].itertuples(index=False)]
            )
            items = zip(keys, population[cnt].tolist(), strict=True)
        elif isinstance(population, pd.Series):
            items = population.items()
        elif isinstance(population, Mapping):
            items = population.items()
        else:
            raise ValueError("总体数 population 应为字典、Series 或 DataFrame")
        out: dict[Any, float] = {}
        for k, val in items:
            try:
                num = float(val)
            except (TypeError, ValueError):
                raise ValueError(f"类别 '{_label(k)}' 的总体数 {val!r} 不是数值") from None
            if not math.isfinite(num) or num <= 0:
                raise ValueError(f"类别 '{_label(k)}' 的总体数 {val!r} 应为正数")
            out[k] = num
        return out

    @staticmethod
    def _ps_factors(
        keys: list[Any],
        pop: dict[Any, float],
        cols: Sequence[str],
        partial: bool,
    ) -> np.ndarray:
        """Population count per sample cell (raises for cells the population lacks)."""
        popc = np.empty(len(keys))
        for i, k in enumerate(keys):
            if k not in pop:
                raise ValueError(
                    f"后分层变量 {'×'.join(cols)} 的类别 '{_label(k)}' 在样本中出现，但总体数中没有"
                )
            popc[i] = pop[k]
        missing = [k for k in pop if k not in set(keys)]
        if missing and not partial:
            shown = "、".join(_label(k) for k in missing[:5])
            raise ValueError(
                f"总体数中的类别 {shown} 在样本中没有受访者：无法后分层；"
                "可合并类别，或设 partial=True 忽略这些类别（同 R 的 partial=TRUE）"
            )
        return popc

    def _poststep(self, w: np.ndarray, rep: _Replicates | None, codes, n_cells, popc):
        """One post-stratification step on the full-sample weights and every replicate."""
        nhat = np.bincount(codes, w, minlength=n_cells)
        fac = popc / nhat
        new_w = w * fac[codes]
        if rep is None:
            return new_w, None
        key = rep.groups.astype(np.int64) * n_cells + codes
        uniq, g2 = np.unique(key, return_inverse=True)
        old_g, cell_g = uniq // n_cells, uniq % n_cells
        fr = rep.factors[old_g]
        b = np.bincount(g2, w, minlength=len(uniq))
        rep_tot = np.asarray(_indicator(cell_g, n_cells) @ (fr * b[:, None]))
        with np.errstate(divide="ignore", invalid="ignore"):
            adj = popc[:, None] / rep_tot
            fr2 = fr * adj[cell_g] / fac[cell_g][:, None]
        return new_w, _Replicates(rep.kind, g2, fr2, rep.scale, rep.rscales, rep.seed)

    def poststratify(
        self, var: str | Sequence[str], population: Any, *, partial: bool = False
    ) -> Design:
        """A new design post-stratified to known population counts (R's ``postStratify``).

        Parameters
        ----------
        var : str or list of str
            Post-stratification variable(s); several columns form their cross-classification
            (population keys are then tuples).
        population : mapping, Series or DataFrame
            Population count per category, e.g. ``{"E": 4421, "H": 755, "M": 1018}``, or a
            data frame with the variable column(s) and a ``Freq`` (or ``N``) column.
        partial : bool
            Ignore population categories with no respondent (R's ``partial=TRUE``); otherwise
            they raise ValueError.

        Returns
        -------
        Design
            Weights in category g multiplied by N_g / N̂_g; standard errors use the
            post-stratification residuals (see class Notes). For a replicate design every
            replicate is post-stratified in turn, as R does.

        Examples
        --------
        >>> dclus1p = dclus1.poststratify(
        ...     "stype", {"E": 4421, "H": 755, "M": 1018}
        ... )  # doctest: +SKIP
        >>> dclus1p.mean("api00")  # doctest: +SKIP
        <Estimate mean api00: 642.307 (SE 23.9212)>
        """
        codes, keys, cols = self._cells(var)
        pop = self._population(population, cols)
        popc = self._ps_factors(keys, pop, cols, partial)
        new_w, rep = self._poststep(self._w, self._rep, codes, len(keys), popc)
        cal = self._cal
        if self._rep is None:
            cal = (*cal, _PostStratum(codes, len(keys), new_w, self._w))
        return self._derive(
            _w=new_w, _rep=rep, _cal=cal, _history=(*self._history, f"后分层（{'×'.join(cols)}）")
        )

    def rake(
        self,
        margins: Mapping[str | tuple[str, ...], Any],
        *,
        max_iter: int = 10,
        tol: float = 1.0,
    ) -> Design:
        """A new design raked (iterative proportional fitting) to known margins (R's ``rake``).

        Parameters
        ----------
        margins : mapping
            ``{variable: population counts}`` (counts as in :meth:`poststratify`); a tuple of
            columns as key gives a joint margin.
        max_iter : int
            Maximum number of passes over the margins (R's ``maxit`` = 10).
        tol : float
            Convergence when no cell of the cross-table of all margin variables changes by
            ``tol`` weighted units in a pass (R's ``epsilon`` = 1); a value below 1 is read as
            a fraction of the total weight, as R does.

        Returns
        -------
        Design
            Raked weights; the last margin is matched exactly, the others to within ``tol``.
            A warning is issued when the margins did not converge in ``max_iter`` passes.

        Examples
        --------
        >>> dclus1.rake(
        ...     {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}
        ... )  # doctest: +SKIP
        """
        if not isinstance(margins, Mapping) or not margins:
            raise ValueError("margins 应为非空字典：{变量: {类别: 总体数}}")
        specs = []
        all_cols: list[str] = []
        for var, population in margins.items():
            codes, keys, cols = self._cells(list(var) if isinstance(var, tuple) else var)
            pop = self._population(population, cols)
            popc = self._ps_factors(keys, pop, cols, False)
            specs.append((codes, len(keys), popc))
            all_cols.extend(c for c in cols if c not in all_cols)
        joint, _ = _group_codes(self._data, all_cols)
        n_joint = int(joint.max()) + 1
        w, rep = self._w, self._rep
        eps = tol if tol >= 1 else tol * float(w.sum())
        old = np.bincount(joint, w, minlength=n_joint)
        converged = False
        steps: list[tuple[np.ndarray, int, np.ndarray]] = []
        for _ in range(max_iter):
            steps = []
            for codes, k, popc in specs:
                w, rep = self._poststep(w, rep, codes, k, popc)
                steps.append((codes, k, w))
            new = np.bincount(joint, w, minlength=n_joint)
            if np.max(np.abs(new - old)) < eps:
                converged = True
                break
            old = new
        if not converged:
            warnings.warn(
                f"迭代比例拟合（rake）在 {max_iter} 轮后未收敛（tol={tol}）", stacklevel=2
            )
        cal = self._cal
        if self._rep is None:
            cal = (*cal, _Raking(tuple(steps)))
        label = "、".join(_label(k) for k in margins)
        return self._derive(
            _w=w, _rep=rep, _cal=cal, _history=(*self._history, f"耙式调整（{label}）")
        )

    def trim(
        self, lower: float | None = None, upper: float | None = None, *, strict: bool = False
    ) -> Design:
        """A new design with trimmed weights (R's ``trimWeights``).

        Weights above ``upper`` are set to ``upper`` and weights below ``lower`` to ``lower``;
        the total amount trimmed is shared equally (added in equal parts) among the weights
        that were not trimmed, so the sum of weights is unchanged. With ``strict=True`` this
        is repeated until no weight lies outside the bounds (the redistribution may push
        weights over ``upper``). The variance does not account for trimming, as in R.

        Raises
        ------
        ValueError
            Bounds that leave no weight untrimmed, or a replicate design (trim before
            :meth:`bootstrap`).
        """
        if self._rep is not None:
            raise ValueError(
                "重复权重设计不支持修剪权重：请先调用 trim() 再调用 bootstrap()/jackknife()"
            )
        lo = -np.inf if lower is None else float(lower)
        hi = np.inf if upper is None else float(upper)
        if lo > hi:
            raise ValueError(f"修剪下限 lower={lower} 大于上限 upper={upper}")
        if lo <= 0 and lower is not None:
            raise ValueError(f"修剪下限 lower 应大于 0，实际为 {lower}")
        w = self._w.copy()
        for _ in range(100):
            outside = (w < lo) | (w > hi)
            if not outside.any():
                break
            if outside.all():
                raise ValueError("所有权重都在修剪界限之外：无法把修剪量分配给其余权重")
            new = np.clip(w, lo, hi)
            new[~outside] += (w - new).sum() / (~outside).sum()
            w = new
            if not strict:
                break
        if (w <= 0).any():
            raise ValueError("修剪后出现非正权重：请放宽 lower/upper")
        bounds = f"[{'—' if lower is None else fmt.num(lower)}, {'—' if upper is None else fmt.num(upper)}]"
        return self._derive(_w=w, _history=(*self._history, f"修剪权重 {bounds}"))

    def bootstrap(
        self, replicates: int = 2000, seed: int | None = None, *, method: str = "subbootstrap"
    ) -> Design:
        """A replicate-weight design by the rescaling bootstrap (R's ``as.svrepdesign``).

        Parameters
        ----------
        replicates : int
            Number of bootstrap replicates R.
        seed : int, optional
            Seed of ``numpy.random.default_rng``; fixes the replicates.
        method : {"subbootstrap", "bootstrap"}
            ``subbootstrap`` (default): Rao & Wu's (1988) rescaling bootstrap with n_h − 1 PSUs
            drawn with replacement in each stratum, factor m_hi · n_h / (n_h − 1), variance
            Σ_r (θ_r − θ̄)² / (R − 1): R's ``type="subbootstrap"``. ``bootstrap``: Canty &
            Davison's version, n_h PSUs drawn, variance scaled by n̄/(n̄ − 1)/(R − 1) with n̄
            the harmonic mean of n_h: R's ``type="bootstrap"``. Neither uses the fpc (as in
            R); each needs at least 2 PSUs per stratum.

        Returns
        -------
        Design
            Estimators then use the replicate variance (centred at the replicate mean, R's
            default ``mse=FALSE``). The replicate weights are kept as a (PSU × R) factor
            matrix; :meth:`poststratify`/:meth:`rake` recalibrate every replicate.
        """
        if method not in ("subbootstrap", "bootstrap"):
            raise ValueError(f"method 应为 'subbootstrap' 或 'bootstrap'，实际为 {method!r}")
        self._require_replicable()
        r = int(replicates)
        if r < 2:
            raise ValueError(f"replicates 至少为 2，实际为 {replicates}")
        nh = self._nh.astype(np.int64)
        bad = nh < 2
        if bad.any():
            h = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"层 '{self._strata_labels[h]}' 只有 1 个 PSU：自助法需要每层至少 2 个 PSU"
            )
        rng = np.random.default_rng(seed)
        order = np.argsort(self._psu_stratum, kind="stable")
        start = np.concatenate([[0], np.cumsum(nh)[:-1]])
        draws = nh - 1 if method == "subbootstrap" else nh
        dstr = np.repeat(np.arange(len(nh)), draws)
        u = rng.random((r, len(dstr)))
        local = np.minimum((u * nh[dstr]).astype(np.int64), nh[dstr] - 1)
        chosen = order[start[dstr] + local]
        p = self.n_psu
        counts = (
            np.bincount((chosen + p * np.arange(r)[:, None]).ravel(), minlength=p * r)
            .reshape(r, p)
            .T.astype(float)
        )
        if method == "subbootstrap":
            factors = counts * (nh / (nh - 1))[self._psu_stratum][:, None]
            scale = 1.0 / (r - 1)
        else:
            factors = counts
            hm = 1.0 / np.mean(1.0 / nh)
            scale = hm / ((hm - 1) * (r - 1))
        rep = _Replicates(method, self._psu.copy(), factors, scale, np.ones(r), seed)
        return self._derive(_rep=rep, _cal=(), _history=(*self._history, f"自助法 {r} 次"))

    def jackknife(self) -> Design:
        """A delete-one-PSU jackknife design (R's ``as.svrepdesign`` default).

        JK1 for an unstratified design (scale (1 − f)(n − 1)/n), JKn for a stratified one
        (replicate for PSU i of stratum h: that PSU dropped, the others of stratum h
        multiplied by n_h / (n_h − 1); rscale (1 − f_h)(n_h − 1)/n_h). The fpc is used, as R
        does when converting a design that has one.
        """
        self._require_replicable()
        nh = self._nh
        if (nh < 2).any():
            h = int(np.flatnonzero(nh < 2)[0])
            raise ValueError(
                f"层 '{self._strata_labels[h]}' 只有 1 个 PSU：刀切法需要每层至少 2 个 PSU"
            )
        p = self.n_psu
        h_of = self._psu_stratum
        same = h_of[:, None] == h_of[None, :]
        factors = np.where(same, (nh / (nh - 1))[h_of][:, None], 1.0)
        factors[np.arange(p), np.arange(p)] = 0.0
        fpc = self._f
        if self.n_strata == 1:
            kind = "JK1"
            scale = float(fpc[0] * (nh[0] - 1) / nh[0])
            rscales = np.ones(p)
        else:
            kind = "JKn"
            scale = 1.0
            rscales = (fpc * (nh - 1) / nh)[h_of]
        rep = _Replicates(kind, self._psu.copy(), factors, scale, rscales, None)
        return self._derive(_rep=rep, _cal=(), _history=(*self._history, f"刀切法 {kind}"))

    def _require_replicable(self) -> None:
        if self._rep is not None:
            raise ValueError("该设计已经是重复权重设计")
        if self._cal:
            raise ValueError(
                "请先生成重复权重（bootstrap()/jackknife()），再做后分层或耙式调整："
                "这样每组重复权重都会重新校准（与 R 一致）"
            )


def _qrule_math(x: np.ndarray, cumw: np.ndarray, p: float) -> float:
    """R's ``qrule_math``: smallest x with weighted CDF ≥ p (x sorted, cumw its cumsum)."""
    total = cumw[-1]
    below = np.flatnonzero(cumw <= p * total)
    if len(below) == 0:
        return float(x[0])
    pos = int(below[-1])
    if p - cumw[pos] / total == 0:
        return float(x[pos])
    return float(x[min(pos + 1, len(x) - 1)])


# ---------------------------------------------------------------------------------------------
# Satisfaction indices (满意度)


@dataclass(frozen=True)
class SatisfactionResult:
    """Satisfaction indices (0–100) overall, per dimension and per item (and per group).

    Attributes
    ----------
    table : DataFrame
        One row per (group,) level and name: the ``by`` columns, ``level`` (``overall``,
        ``dimension`` or ``item``), ``name``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``n_respondents`` (with at least one valid answer), ``n_valid`` (valid answers) and
        ``n_excluded`` (answers missing or 不适用).
    method : str
        ``rate``, ``likert_points`` or ``rescaled``.
    scale : tuple of int
        (min, max) of the answer scale.
    satisfied_levels : tuple
        Levels counted as satisfied (``rate``).
    points : dict or None
        Points per level (``likert_points``).
    pooling : str
        ``responses`` (all valid answers pooled: Σ scores / Σ valid answers) or ``items``
        (equal-weight mean of the item indices).
    variance : str
        How standard errors were obtained (Chinese).
    conf_level : float
    by : tuple of str
    """

    table: pd.DataFrame
    method: str
    scale: tuple[int, int]
    satisfied_levels: tuple[Any, ...]
    points: dict[Any, float] | None
    pooling: str
    variance: str
    conf_level: float = 0.95
    by: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def method_label(self) -> str:
        """Chinese name of the method."""
        return {
            "rate": "满意率（满意人数/有效人数）",
            "likert_points": "加权李克特指数（各等级赋分的平均）",
            "rescaled": "0–100 标准化均值（(均值−最小)/(最大−最小)×100）",
        }[self.method]

    @property
    def overall(self) -> float:
        """The overall index (first overall row; with ``by`` the first group's)."""
        rows = self.table[self.table["level"] == "overall"]
        return float(rows["estimate"].iloc[0])

    def summary(self) -> str:
        """Chinese summary: method, overall index, dimensions, excluded answers."""
        lines = [f"满意度计算方法：{self.method_label}；方差：{self.variance}"]
        if self.method == "rate":
            lines.append(f"“满意”等级：{'、'.join(map(str, self.satisfied_levels))}")
        if self.method == "likert_points" and self.points:
            pts = "，".join(f"{k}→{fmt.num(v)}" for k, v in sorted(self.points.items()))
            lines.append(f"等级赋分：{pts}（常见做法，未经官方文件核实）")
        pct = fmt.num(self.conf_level * 100)
        for _, r in self.table[self.table["level"] != "item"].iterrows():
            grp = "，".join(f"{c}={r[c]}" for c in self.by)
            head = f"[{grp}] " if grp else ""
            lines.append(
                f"{head}{r['name']}：{fmt.num(r['estimate'])}（标准误 {fmt.num(r['se'])}，"
                f"{pct}% 置信区间 {fmt.num(r['ci_low'])}–{fmt.num(r['ci_high'])}；"
                f"受访者 {int(r['n_respondents'])}，有效回答 {int(r['n_valid'])}，"
                f"剔除缺失/不适用 {int(r['n_excluded'])}）"
            )
        lines.extend(f"说明：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return {
            "method": self.method,
            "method_label": self.method_label,
            "scale": list(self.scale),
            "satisfied_levels": [_clean(v) for v in self.satisfied_levels],
            "points": None
            if self.points is None
            else {str(k): _clean(v) for k, v in self.points.items()},
            "pooling": self.pooling,
            "variance": self.variance,
            "conf_level": self.conf_level,
            "by": list(self.by),
            "notes": list(self.notes),
            "table": _records(self.table),
        }


def _answers(
    data: pd.DataFrame,
    items: Sequence[str],
    scale: tuple[int, int],
    na_values: Sequence[Any],
) -> np.ndarray:
    """(n × J) answers as float, NaN for blank / 不适用 codes; anything else off-scale raises."""
    lo, hi = scale
    out = np.empty((len(data), len(items)))
    na_text = {str(v).strip() for v in na_values}
    na_num = set()
    for v in na_values:
        try:
            na_num.add(float(v))
        except (TypeError, ValueError):
            continue
    for j, col in enumerate(items):
        s = data[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            x = s.to_numpy(dtype=float, na_value=np.nan)
        else:
            txt = s.astype("string").str.strip()
            txt = txt.mask(txt.isin(na_text) | (txt == ""))
            num = pd.to_numeric(txt, errors="coerce")
            bad = (txt.notna() & num.isna()).to_numpy(dtype=bool)
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"题目 {col} 第 {pos + 1} 行为文本 '{s.iloc[pos]}'：应为 {lo}–{hi} 的等级；"
                    f"“不适用/不了解”等请列入 na_values"
                )
            x = num.to_numpy(dtype=float, na_value=np.nan)
        if na_num:
            x = np.where(np.isin(x, list(na_num)), np.nan, x)
        off = ~np.isnan(x) & ((x < lo) | (x > hi) | (x != np.round(x)))
        if off.any():
            pos = int(np.flatnonzero(off)[0])
            raise ValueError(
                f"题目 {col} 第 {pos + 1} 行的值 {fmt.num(x[pos], 4)} 不在量表 {lo}–{hi} 的整数等级内；"
                "若是“不适用”等代码，请列入 na_values"
            )
        out[:, j] = x
    return out


def satisfaction_index(
    data: pd.DataFrame,
    items: Sequence[str] | None = None,
    method: str = "rate",
    scale: tuple[int, int] = (1, 5),
    satisfied_levels: Sequence[Any] = (4, 5),
    points: Mapping[Any, float] | None = None,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    dimensions: Mapping[str, Sequence[str]] | None = None,
    *,
    reverse: Sequence[str] = (),
    na_values: Sequence[Any] = DEFAULT_NA_VALUES,
    pooling: str = "responses",
    conf_level: float = 0.95,
) -> SatisfactionResult:
    """Satisfaction index (满意度) on a 0–100 scale, with design-based standard errors.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; the item columns hold scale levels (1–5 by default).
    items : list of str, optional
        Item columns; defaults to all items of ``dimensions``.
    method : {"rate", "likert_points", "rescaled"}
        ``rate``: 100 × share of valid answers in ``satisfied_levels`` (满意人数/有效人数;
        the simplest official form, rules.md §7). ``likert_points``: mean of the points of
        the answers (default 很满意 100, 满意 80, 一般 60, 不满意 40, 很不满意 20 for a 1–5 scale
        with 5 = 很满意: a common convention, status *unverified*). ``rescaled``: mean answer
        rescaled to 0–100, (x̄ − min)/(max − min) × 100.
    scale : (int, int)
        Lowest and highest level.
    satisfied_levels : sequence
        Levels counted as satisfied for ``rate`` (满意 and 很满意: 4, 5).
    points : mapping, optional
        Points per level for ``likert_points``; required for scales other than 1–5.
    design : Design, optional
        The survey design of the same respondents (same rows and index as ``data``); without
        it the respondents are taken as a simple random sample (with replacement).
    by : str or list of str, optional
        Group columns (e.g. 乡镇); each group is a domain of the design.
    dimensions : mapping, optional
        ``{dimension name: [items]}``; each dimension gets its own index.
    reverse : list of str
        Reverse-keyed items (recoded min + max − x before scoring).
    na_values : sequence
        Codes meaning 不适用 / 不了解 (text or numbers, e.g. 9); blanks are always missing. Such
        answers are excluded and counted in ``n_excluded``; any other value off the scale
        raises ValueError naming the item and the row.
    pooling : {"responses", "items"}
        ``responses`` (default): Σ item scores / Σ valid answers over the items of a
        dimension (or all items): a ratio estimator, every valid answer weighs the same.
        ``items``: the equal-weight mean of the item indices.
    conf_level : float
        Confidence level (normal quantile, as R's ``confint``).

    Returns
    -------
    SatisfactionResult
        ``.table``, ``.overall``, ``.summary()``, ``.to_dict()``; the method used is reported.

    Notes
    -----
    With answer x_ij of respondent i to item j, valid indicator v_ij and item score s_ij
    (100·1{x ∈ satisfied}, points[x] or (x − min)/(max − min)·100), the pooled index is the
    ratio R̂ = Σ_i w_i Σ_j v_ij s_ij / Σ_i w_i Σ_j v_ij; its linearised variable
    z_i = w_i Σ_j v_ij (s_ij − R̂) / Σ_i w_i Σ_j v_ij is taken through the design variance
    (:class:`Design` Notes), so the correlation of one respondent's answers is accounted for.
    An item's index is the domain mean of s_ij over respondents who answered it. Intervals
    are Wald intervals (estimate ± z·SE, as R's ``confint``) and can pass 0 or 100 in very
    small groups.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [5, 4, 3, 2, 5], "q2": [4, 4, "不适用", 1, 5]})
    >>> satisfaction_index(df, ["q1", "q2"]).overall  # (3 + 3) satisfied / 9 valid
    66.66666666666667
    """
    data = _require_frame(data)
    if method not in ("rate", "likert_points", "rescaled"):
        raise ValueError(f"method 应为 'rate'、'likert_points' 或 'rescaled'，实际为 {method!r}")
    if pooling not in ("responses", "items"):
        raise ValueError(f"pooling 应为 'responses' 或 'items'，实际为 {pooling!r}")
    lo, hi = (int(scale[0]), int(scale[1]))
    if not hi > lo:
        raise ValueError(f"量表 scale 应为 (最小, 最大) 且最大 > 最小，实际为 {scale!r}")
    dims = {str(k): _as_list(v) for k, v in (dimensions or {}).items()}
    item_list = _as_list(items) if items is not None else []
    for cols in dims.values():
        item_list.extend(c for c in cols if c not in item_list)
    if not item_list:
        raise ValueError("请给出满意度题目 items（或 dimensions）")
    for name, cols in dims.items():
        if not cols:
            raise ValueError(f"维度 '{name}' 没有题目")
    _require_columns(data, item_list, "满意度题目")
    for col in reverse:
        if col not in item_list:
            raise ValueError(f"反向题 '{col}' 不在题目列表中")
    if design is None:
        design = Design(data)
        variance = "按简单随机抽样（有放回）计算"
    else:
        if not isinstance(design, Design):
            raise ValueError("design 应为 methods.survey.Design")
        if len(design.data) != len(data) or not design.data.index.equals(data.index):
            raise ValueError("design 的数据与 data 行数或行索引不一致：应为同一批受访者")
        variance = f"设计推断（{_METHOD_LABEL[design.variance_method]}）"
        design = design._derive(_data=data.copy(deep=False))
    x = _answers(data, item_list, (lo, hi), na_values)
    rev = [j for j, c in enumerate(item_list) if c in set(reverse)]
    if rev:
        x[:, rev] = lo + hi - x[:, rev]
    valid = ~np.isnan(x)
    levels = np.arange(lo, hi + 1)
    notes: list[str] = []
    pts: dict[Any, float] | None = None
    sat: tuple[Any, ...] = tuple(satisfied_levels)
    if method == "rate":
        bad = [v for v in sat if v not in set(levels.tolist())]
        if bad or not sat:
            raise ValueError(f"满意等级 satisfied_levels={sat!r} 应为量表 {lo}–{hi} 内的等级")
        s = np.where(np.isin(x, list(sat)), 100.0, 0.0)
    elif method == "likert_points":
        if points is None:
            if (lo, hi) != (1, 5):
                raise ValueError(f"量表 {lo}–{hi} 不是 1–5：请用 points 给出每个等级的分值")
            pts = dict(DEFAULT_POINTS_1_5)
            notes.append("赋分 100/80/60/40/20 为常见做法，尚无官方文件依据（unverified）")
        else:
            pts = {int(k): float(v) for k, v in points.items()}
            missing = [int(v) for v in levels if int(v) not in pts]
            if missing:
                raise ValueError(f"points 缺少等级 {missing} 的分值")
        table = np.full(hi - lo + 1, np.nan)
        for k, v in pts.items():
            if lo <= k <= hi:
                table[k - lo] = v
        s = np.where(valid, table[np.nan_to_num(x - lo, nan=0).astype(int)], 0.0)
    else:
        s = (x - lo) / (hi - lo) * 100.0
    s = np.where(valid, s, 0.0)
    vf = valid.astype(float)
    # base variables: per item (score, valid); per pooled group (Σ score, Σ valid)
    groups: list[tuple[str, str, list[int]]] = [("overall", "总体", list(range(len(item_list))))]
    groups += [("dimension", k, [item_list.index(c) for c in cols]) for k, cols in dims.items()]
    j_n = len(item_list)
    base = [s * vf, vf]
    v = np.empty((len(data), 2 * j_n + 2 * len(groups)))
    v[:, 0 : 2 * j_n : 2] = base[0]
    v[:, 1 : 2 * j_n : 2] = base[1]
    outputs: list[list[_Term]] = []
    names: list[str] = []
    kinds: list[str] = []
    for g, (kind, name, idx) in enumerate(groups):
        c0 = 2 * j_n + 2 * g
        v[:, c0] = base[0][:, idx].sum(axis=1)
        v[:, c0 + 1] = base[1][:, idx].sum(axis=1)
        if pooling == "responses":
            outputs.append([_Term(1.0, c0, c0 + 1)])
        else:
            outputs.append([_Term(1.0 / len(idx), 2 * j, 2 * j + 1) for j in idx])
        names.append(name)
        kinds.append(kind)
    for j, col in enumerate(item_list):
        outputs.append([_Term(1.0, 2 * j, 2 * j + 1)])
        names.append(col)
        kinds.append("item")
    dom, n_dom, labels = design._domains(by)
    est, var, _ = design._linearize(v, dom, n_dom, outputs)
    ind = _indicator(dom, n_dom)
    n_valid_items = np.asarray(ind @ vf)  # (D, J)
    resp_cols, valid_cols, excl_cols = [], [], []
    for _, _, idx in groups:
        any_valid = valid[:, idx].any(axis=1).astype(float)
        resp_cols.append(np.asarray(ind @ any_valid))
        nv = n_valid_items[:, idx].sum(axis=1)
        valid_cols.append(nv)
        excl_cols.append(np.asarray(ind @ np.ones(len(data))) * len(idx) - nv)
    n_resp = np.column_stack([*resp_cols, n_valid_items])
    n_val = np.column_stack([*valid_cols, n_valid_items])
    n_exc = np.column_stack([*excl_cols, np.asarray(ind @ (1 - vf))])
    crit = _crit(conf_level, None)
    se = np.sqrt(np.maximum(var, 0.0)) * np.where(np.isnan(var), np.nan, 1.0)
    m = len(outputs)
    out: dict[str, Any] = {}
    if labels is not None:
        for c in labels.columns:
            out[c] = np.repeat(labels[c].to_numpy(dtype=object), m)
    out["level"] = np.tile(np.asarray(kinds, dtype=object), n_dom)
    out["name"] = np.tile(np.asarray(names, dtype=object), n_dom)
    out["estimate"] = est.ravel()
    out["se"] = se.ravel()
    out["ci_low"] = (est - crit * se).ravel()
    out["ci_high"] = (est + crit * se).ravel()
    out["n_respondents"] = n_resp.astype(np.int64).ravel()
    out["n_valid"] = n_val.astype(np.int64).ravel()
    out["n_excluded"] = n_exc.astype(np.int64).ravel()
    frame = pd.DataFrame(out)
    frame["level"] = frame["level"].astype(str)
    frame["name"] = frame["name"].astype(str)
    if rev:
        notes.append(f"反向题已重新编码：{'、'.join(item_list[j] for j in rev)}")
    return SatisfactionResult(
        table=frame,
        method=method,
        scale=(lo, hi),
        satisfied_levels=sat,
        points=pts,
        pooling=pooling,
        variance=variance,
        conf_level=conf_level,
        by=tuple(_as_list(by)),
        notes=tuple(notes),
    )


def index_to_points(index: float | Estimate, weight: float, target: float) -> float:
    """Convert a satisfaction index into indicator points with the ``positive`` rule.

    score = min(index / target, 1) × weight, rounded half up to 2 dp: exactly
    ``methods.scoring.score_indicator("positive", weight, target, index)``.

    Parameters
    ----------
    index : float or Estimate
        The index (0–100, e.g. ``SatisfactionResult.overall``).
    weight : float
        Points of the 满意度 indicator (e.g. 10).
    target : float
        The index that earns full points (e.g. 90 for a 满意度 ≥ 90% target).

    Examples
    --------
    >>> index_to_points(85.0, 10, 90)
    9.44
    >>> index_to_points(95.2, 10, 90)
    10.0
    """
    from methods.scoring import score_indicator

    value = index.estimate if isinstance(index, Estimate) else index
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"满意度指数应为数值，实际为 {index!r}") from None
    if not math.isfinite(value):
        raise ValueError("满意度指数缺失（NaN），无法换算得分")
    if not target > 0:
        raise ValueError(f"目标值 target 应大于 0，实际为 {target!r}")
    return score_indicator("positive", weight, target=target, actual=value)


# ---------------------------------------------------------------------------------------------
# Importance–performance analysis


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    ok = ~np.isnan(x)
    return float(np.sum(w[ok] * x[ok]) / np.sum(w[ok])) if ok.any() else float("nan")


def _wcorr(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    ok = ~np.isnan(a) & ~np.isnan(b)
    if ok.sum() < 3:
        return float("nan")
    a, b, w = a[ok], b[ok], w[ok]
    ma, mb = np.average(a, weights=w), np.average(b, weights=w)
    cov = np.average((a - ma) * (b - mb), weights=w)
    sa = np.sqrt(np.average((a - ma) ** 2, weights=w))
    sb = np.sqrt(np.average((b - mb) ** 2, weights=w))
    return float(cov / (sa * sb)) if sa > 0 and sb > 0 else float("nan")


def ipa(
    data: pd.DataFrame,
    performance: Sequence[str],
    importance: Sequence[str] | Mapping[str, str] | None = None,
    method: str = "stated",
    overall: str | None = None,
    crosshair: str = "midpoint",
    scale: tuple[int, int] = (1, 5),
    *,
    weights: str | None = None,
    na_values: Sequence[Any] = DEFAULT_NA_VALUES,
) -> pd.DataFrame:
    """Importance–performance analysis (Martilla & James 1977).

    Parameters
    ----------
    data : DataFrame
        Respondents.
    performance : list of str
        Performance (satisfaction) item columns.
    importance : list of str or mapping, optional
        ``stated``: importance ratings, in the order of ``performance`` or as
        ``{performance item: importance item}``.
    method : {"stated", "derived_regression", "derived_correlation"}
        ``stated``: mean stated importance. ``derived_regression``: coefficient of the item in
        a (weighted) least-squares regression of ``overall`` on all performance items
        (complete cases, raw scale units). ``derived_correlation``: (weighted) Pearson
        correlation of the item with ``overall`` (pairwise complete cases).
    overall : str, optional
        Overall satisfaction column (derived methods).
    crosshair : {"midpoint", "mean"}
        Where the quadrant lines cross. ``midpoint``: the scale midpoint for performance (and
        for stated importance); derived importances have no scale, so their line is then at
        their mean. ``mean``: the mean of the item performance means and of the
        importances. The choice moves items between quadrants, so it is reported.
    scale : (int, int)
        Answer scale.
    weights : str, optional
        Weight column (weighted means, regression and correlations).
    na_values : sequence
        Codes excluded as 不适用 (see :func:`satisfaction_index`).

    Returns
    -------
    DataFrame
        ``item``, ``performance``, ``importance``, ``quadrant`` (Chinese), ``quadrant_en`` and
        ``n``; ``attrs`` hold ``crosshair_performance``, ``crosshair_importance``, ``method``,
        ``crosshair``. Quadrants (ties at a line count as high):
        high importance & low performance → 重点改进 (Concentrate here);
        high & high → 继续保持 (Keep up the good work);
        low & low → 维持现状 (Low priority); low importance & high performance → 过度投入
        (Possible overkill).

    References
    ----------
    Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing* 41(1), 77–79.
    """
    data = _require_frame(data)
    perf = _as_list(performance)
    if not perf:
        raise ValueError("请给出表现（满意度）题目 performance")
    if method not in ("stated", "derived_regression", "derived_correlation"):
        raise ValueError(
            f"method 应为 'stated'、'derived_regression' 或 'derived_correlation'，实际为 {method!r}"
        )
    if crosshair not in ("midpoint", "mean"):
        raise ValueError(f"crosshair 应为 'midpoint' 或 'mean'，实际为 {crosshair!r}")
    _require_columns(data, perf, "表现题目")
    lo, hi = scale
    w = (
        np.ones(len(data))
        if weights is None
        else Design(data, weights=weights)._w  # validates the weights
    )
    xp = _answers(data, perf, (lo, hi), na_values)
    p_mean = np.array([_wmean(xp[:, j], w) for j in range(len(perf))])
    n = (~np.isnan(xp)).sum(axis=0)
    if method == "stated":
        if importance is None:
            raise ValueError("method='stated' 需要重要性题目 importance")
        imp_cols = (
            [importance[c] for c in perf]
            if isinstance(importance, Mapping)
            else _as_list(importance)
        )
        if len(imp_cols) != len(perf):
            raise ValueError(f"重要性题目数 {len(imp_cols)} 与表现题目数 {len(perf)} 不一致")
        _require_columns(data, imp_cols, "重要性题目")
        xi = _answers(data, imp_cols, (lo, hi), na_values)
        imp = np.array([_wmean(xi[:, j], w) for j in range(len(perf))])
    else:
        if overall is None:
            raise ValueError(f"method='{method}' 需要总体满意度列 overall")
        _require_columns(data, [overall], "总体满意度")
        yo = _answers(data, [overall], (lo, hi), na_values)[:, 0]
        if method == "derived_correlation":
            imp = np.array([_wcorr(xp[:, j], yo, w) for j in range(len(perf))])
        else:
            ok = ~np.isnan(xp).any(axis=1) & ~np.isnan(yo)
            if ok.sum() <= len(perf) + 1:
                raise ValueError(
                    f"完整回答的受访者只有 {int(ok.sum())} 人，不足以对 {len(perf)} 个题目做回归"
                )
            xmat = np.column_stack([np.ones(ok.sum()), xp[ok]])
            sw = np.sqrt(w[ok])
            coef, *_ = np.linalg.lstsq(xmat * sw[:, None], yo[ok] * sw, rcond=None)
            imp = coef[1:]
    mid = (lo + hi) / 2
    if crosshair == "mean":
        cx, cy = float(np.nanmean(p_mean)), float(np.nanmean(imp))
    else:
        cx = mid
        cy = mid if method == "stated" else float(np.nanmean(imp))
    high_i = imp >= cy
    high_p = p_mean >= cx
    key = np.where(
        high_i, np.where(high_p, "keep", "concentrate"), np.where(high_p, "overkill", "low")
    )
    out = pd.DataFrame(
        {
            "item": perf,
            "performance": p_mean,
            "importance": imp,
            "quadrant": [QUADRANTS[k][0] for k in key],
            "quadrant_en": [QUADRANTS[k][1] for k in key],
            "n": n.astype(np.int64),
        }
    )
    out.attrs = {
        "crosshair_performance": cx,
        "crosshair_importance": cy,
        "crosshair": crosshair,
        "method": method,
        "scale": (lo, hi),
    }
    return out


def plot_ipa(result: pd.DataFrame, ax: Any = None, *, title: str | None = None) -> Any:
    """Scatter plot of an :func:`ipa` table with the crosshair and quadrant names (Chinese).

    Returns the matplotlib Axes. The bundled CJK font is registered first
    (:func:`methods.fonts.register`).
    """
    from methods import fonts

    fonts.register()
    import matplotlib.pyplot as plt

    needed = {"item", "performance", "importance", "quadrant"}
    if not isinstance(result, pd.DataFrame) or not needed <= set(result.columns):
        raise ValueError(
            "plot_ipa 需要 ipa() 返回的表（含 item、performance、importance、quadrant 列）"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 5.2))
    cx = result.attrs.get("crosshair_performance", float(result["performance"].mean()))
    cy = result.attrs.get("crosshair_importance", float(result["importance"].mean()))
    colors = {
        "继续保持": "#2b8a3e",
        "重点改进": "#c92a2a",
        "维持现状": "#868e96",
        "过度投入": "#e67700",
    }
    for quad, grp in result.groupby("quadrant", sort=False):
        ax.scatter(
            grp["performance"], grp["importance"], label=quad, color=colors.get(quad), zorder=3
        )
    for _, r in result.iterrows():
        ax.annotate(
            str(r["item"]),
            (r["performance"], r["importance"]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=9,
        )
    ax.axvline(cx, color="#495057", lw=1, ls="--")
    ax.axhline(cy, color="#495057", lw=1, ls="--")
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    corners = {
        "重点改进": (xlim[0], ylim[1], "left", "top"),
        "继续保持": (xlim[1], ylim[1], "right", "top"),
        "维持现状": (xlim[0], ylim[0], "left", "bottom"),
        "过度投入": (xlim[1], ylim[0], "right", "bottom"),
    }
    for text, (x, y, ha, va) in corners.items():
        ax.text(x, y, text, ha=ha, va=va, fontsize=10, color=colors[text], alpha=0.8)
    ax.set_xlabel("表现（满意度均值）")
    ax.set_ylabel("重要性")
    ax.set_title(title or "重要性—表现分析（IPA）")
    ax.legend(loc="best", fontsize=8)
    return ax


# ---------------------------------------------------------------------------------------------
# Group comparisons


@dataclass(frozen=True)
class GroupComparison:
    """Comparison of a variable across groups.

    Attributes
    ----------
    y, group : str
    kind : str
        ``categorical`` (chi-square tests) or ``numeric`` (tests of equal means).
    table : DataFrame
        Per-group estimates: shares by level (categorical) or means (numeric), with SEs.
    tests : DataFrame
        ``test``, ``statistic``, ``df1``, ``df2``, ``p_value``, ``description`` (Chinese).
    primary : str
        The recommended test (first row of ``tests``).
    variance : str
    """

    y: str
    group: str
    kind: str
    table: pd.DataFrame
    tests: pd.DataFrame
    primary: str
    variance: str

    @property
    def p_value(self) -> float:
        """p-value of the primary test."""
        return float(self.tests.loc[self.tests["test"] == self.primary, "p_value"].iloc[0])

    def summary(self) -> str:
        """Chinese summary of the tests."""
        what = "分布" if self.kind == "categorical" else "均值"
        lines = [f"{self.y} 的{what}在 {self.group} 各组间的比较（{self.variance}）"]
        for _, r in self.tests.iterrows():
            dfs = fmt.num(r["df1"], 3) + ("" if pd.isna(r["df2"]) else f", {fmt.num(r['df2'], 3)}")
            star = "（主检验）" if r["test"] == self.primary else ""
            lines.append(
                f"  {r['description']}{star}：统计量 {fmt.num(r['statistic'], 4)}，自由度 {dfs}，"
                f"p = {fmt.num(r['p_value'], 4)}"
            )
        p = self.p_value
        lines.append(
            "结论：" + ("各组差异显著（p < 0.05）" if p < 0.05 else "未发现显著差异（p ≥ 0.05）")
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return {
            "y": self.y,
            "group": self.group,
            "kind": self.kind,
            "primary": self.primary,
            "p_value": _clean(self.p_value),
            "variance": self.variance,
            "tests": _records(self.tests),
            "table": _records(self.table),
        }


def _svychisq(design: Design, rows: str, cols: str) -> pd.DataFrame:
    """R's ``svychisq`` (F, Chisq, Wald, adjWald) for a two-way table."""
    d = design._data
    ok = (d[rows].notna() & d[cols].notna()).to_numpy()
    r_codes, r_lab = _group_codes(d, [rows])
    c_codes, c_lab = _group_codes(d, [cols])
    nr, nc = len(r_lab), len(c_lab)
    if nr < 2 or nc < 2:
        raise ValueError(f"{rows} 与 {cols} 都至少需要 2 个类别才能做独立性检验")
    cell = np.where(ok, r_codes + nr * c_codes, -1)  # rows vary fastest, as R's interaction()
    mm = np.zeros((design.n, nr * nc))
    mm[np.flatnonzero(ok), cell[ok]] = 1.0
    dom = np.where(ok, 0, -1)
    nu = design.df
    n_obs = int(ok.sum())
    # Pearson X² on the weighted table scaled to the sample size
    wt = np.bincount(cell[ok], design._w[ok], minlength=nr * nc).reshape(nc, nr).T
    tab = wt / wt.sum() * n_obs
    expected = np.outer(tab.sum(axis=1), tab.sum(axis=0)) / n_obs
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = float(np.nansum((tab - expected) ** 2 / expected))
    # Rao-Scott design effects matrix
    k = nr * nc
    v = np.column_stack([mm, ok.astype(float)])
    est, cov, _ = design._linearize(v, dom, 1, [[_Term(1.0, j, k)] for j in range(k)], full=True)
    p = est[0]
    rr, cc = np.meshgrid(np.arange(nr), np.arange(nc), indexing="xy")
    rr, cc = rr.ravel(), cc.ravel()  # cell order: rows fastest
    x1 = np.column_stack(
        [np.ones(k)]
        + [(rr == i).astype(float) for i in range(1, nr)]
        + [(cc == j).astype(float) for j in range(1, nc)]
    )
    inter = np.column_stack(
        [((rr == i) & (cc == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    beta, *_ = np.linalg.lstsq(x1, inter, rcond=None)
    cmat = inter - x1 @ beta
    idm = np.diag(np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p)))
    denom = cmat.T @ (idm / n_obs) @ cmat
    numr = cmat.T @ idm @ cov @ idm @ cmat
    delta = np.linalg.solve(denom, numr)
    tr = float(np.trace(delta))
    d0 = tr**2 / float(np.trace(delta @ delta))
    q = (nr - 1) * (nc - 1)
    f_stat = x2 / tr
    rows_out = [
        (
            "rao_scott_f",
            f_stat,
            d0,
            d0 * nu,
            float(stats.f.sf(f_stat, d0, d0 * nu)),
            "Rao–Scott 二阶校正（F，R svychisq 默认）",
        ),
        (
            "rao_scott_chisq",
            x2,
            float(q),
            np.nan,
            float(stats.chi2.sf(x2 / np.mean(np.diag(delta)), q)),
            'Rao–Scott 一阶校正（卡方，R statistic="Chisq"）',
        ),
    ]
    # Wald tests (Koch et al.; R statistic="Wald"/"adjWald")
    mr = (r_codes[:, None] == np.arange(nr)[None, :]).astype(float)
    mc = (c_codes[:, None] == np.arange(nc)[None, :]).astype(float)
    tv = np.column_stack([mm, mr, mc, np.ones(design.n)]) * ok[:, None]
    m_t = tv.shape[1]
    cells, vcells, _ = design._linearize(
        tv, dom, 1, [[_Term(1.0, j, None)] for j in range(m_t)], full=True
    )
    cells = cells[0]
    n_hat = cells[-1]
    row_t, col_t = cells[k : k + nr], cells[k + nr : k + nr + nc]
    jcb = np.column_stack(
        [
            np.eye(k),
            -(rr[:, None] == np.arange(nr)[None, :]).astype(float) * (col_t[cc] / n_hat)[:, None],
            -(cc[:, None] == np.arange(nc)[None, :]).astype(float) * (row_t[rr] / n_hat)[:, None],
            (row_t[rr] * col_t[cc] / n_hat**2)[:, None],
        ]
    )
    yv = cells[:k] - row_t[rr] * col_t[cc] / n_hat
    vv = jcb @ vcells @ jcb.T
    use = (rr > 0) & (cc > 0)
    wald = float(yv[use] @ np.linalg.solve(vv[np.ix_(use, use)], yv[use]))
    rows_out.append(
        (
            "wald",
            wald / q,
            float(q),
            float(nu),
            float(stats.f.sf(wald / q, q, nu)),
            '设计 Wald 检验（Koch 等，R statistic="Wald"）',
        )
    )
    ddf = nu - q + 1
    adj = wald * ddf / (q * nu)
    rows_out.append(
        (
            "adj_wald",
            adj,
            float(q),
            float(ddf),
            float(stats.f.sf(adj, q, ddf)),
            '调整 Wald 检验（R statistic="adjWald"）',
        )
    )
    rows_out.append(
        (
            "pearson_unadjusted",
            x2,
            float(q),
            np.nan,
            float(stats.chi2.sf(x2, q)),
            "未校正的 Pearson 卡方（忽略抽样设计，仅供对照）",
        )
    )
    return pd.DataFrame(
        rows_out, columns=["test", "statistic", "df1", "df2", "p_value", "description"]
    )


def compare_groups(
    data: pd.DataFrame,
    y: str,
    group: str,
    design: Design | None = None,
    *,
    kind: str = "auto",
) -> GroupComparison:
    """Compare ``y`` across the groups of ``group`` (chi-square or tests of equal means).

    Parameters
    ----------
    data : DataFrame
        Respondents (with a design: the design's data, same rows and index).
    y : str
        Outcome column.
    group : str
        Group column.
    design : Design, optional
        Survey design; without it the respondents are a simple random sample.
    kind : {"auto", "categorical", "numeric"}
        ``auto``: numeric columns are compared by their means, other columns by their
        distribution. Use ``categorical`` for Likert answers compared as categories.

    Returns
    -------
    GroupComparison
        Categorical without a design: Pearson's chi-square test of independence. With a
        design: R's ``svychisq`` — the Rao–Scott second-order corrected F (default, primary),
        the first-order corrected chi-square, the Wald and adjusted Wald tests, and the
        unadjusted Pearson statistic for reference. Numeric without a design: one-way ANOVA
        (primary) and Welch's ANOVA. Numeric with a design: the design-based Wald test that
        all domain means are equal, F = W/q on (q, #PSU − #strata) degrees of freedom, and
        its adjusted version F·(ν − q + 1)/ν on (q, ν − q + 1).

    References
    ----------
    Rao, J. N. K. & Scott, A. J. (1984). On chi-squared tests for multiway contingency tables
    with cell proportions estimated from survey data. *Annals of Statistics* 12, 46–60.
    """
    data = _require_frame(data)
    _require_columns(data, [y, group], "比较")
    if kind not in ("auto", "categorical", "numeric"):
        raise ValueError(f"kind 应为 'auto'、'categorical' 或 'numeric'，实际为 {kind!r}")
    if design is not None:
        if not isinstance(design, Design):
            raise ValueError("design 应为 methods.survey.Design")
        if len(design.data) != len(data) or not design.data.index.equals(data.index):
            raise ValueError("design 的数据与 data 行数或行索引不一致：应为同一批受访者")
        design = design._derive(_data=data.copy(deep=False))
    col = data[y]
    if kind == "auto":
        kind = (
            "numeric"
            if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
            else "categorical"
        )
    if kind == "categorical":
        if design is None:
            d = data[[y, group]].dropna()
            tab = pd.crosstab(d[group], d[y])
            if tab.shape[0] < 2 or tab.shape[1] < 2:
                raise ValueError(f"{y} 与 {group} 都至少需要 2 个类别才能做独立性检验")
            res = stats.chi2_contingency(tab.to_numpy(), correction=False)
            tests = pd.DataFrame(
                [
                    (
                        "pearson",
                        float(res.statistic),
                        float(res.dof),
                        np.nan,
                        float(res.pvalue),
                        "Pearson 卡方独立性检验",
                    )
                ],
                columns=["test", "statistic", "df1", "df2", "p_value", "description"],
            )
            table = Design(data).proportion(y, by=group)
            variance = "简单随机抽样"
            primary = "pearson"
        else:
            tests = _svychisq(design, y, group)
            table = design.proportion(y, by=group)
            variance = f"设计推断（{_METHOD_LABEL[design.variance_method]}）"
            primary = "rao_scott_f"
        return GroupComparison(y, group, "categorical", table, tests, primary, variance)
    # numeric
    if design is None:
        vals = _numeric_column(data, y, "变量")
        g_codes, g_lab = _group_codes(data, [group])
        samples = [vals[(g_codes == i) & ~np.isnan(vals)] for i in range(len(g_lab))]
        samples = [s for s in samples if len(s)]
        if len(samples) < 2:
            raise ValueError(f"{group} 至少需要 2 个有数据的组才能比较均值")
        a = stats.f_oneway(*samples)
        wl = stats.f_oneway(*samples, equal_var=False)
        n_all = sum(len(s) for s in samples)
        g = len(samples)
        tests = pd.DataFrame(
            [
                (
                    "anova",
                    float(a.statistic),
                    float(g - 1),
                    float(n_all - g),
                    float(a.pvalue),
                    "单因素方差分析（F 检验）",
                ),
                (
                    "welch_anova",
                    float(wl.statistic),
                    float(g - 1),
                    np.nan,
                    float(wl.pvalue),
                    "Welch 方差分析（不假定方差齐性）",
                ),
            ],
            columns=["test", "statistic", "df1", "df2", "p_value", "description"],
        )
        table = Design(data).mean(y, by=group)
        return GroupComparison(y, group, "numeric", table, tests, "anova", "简单随机抽样")
    vals = design._values([y])
    valid = ~np.isnan(vals[:, 0])
    dom, n_dom, labels = design._domains(group)
    if n_dom < 2:
        raise ValueError(f"{group} 至少需要 2 个组才能比较均值")
    v = np.column_stack([np.where(valid, vals[:, 0], 0.0), valid.astype(float)])
    est, cov, _ = design._linearize(v, dom, n_dom, [[_Term(1.0, 0, 1)]], full=True)
    theta = est[:, 0]
    keep = np.isfinite(theta)
    theta, cov = theta[keep], cov[np.ix_(keep, keep)]
    q = len(theta) - 1
    cmat = np.column_stack([-np.ones(q), np.eye(q)])
    diff = cmat @ theta
    wstat = float(diff @ np.linalg.solve(cmat @ cov @ cmat.T, diff))
    nu = design.df
    ddf = nu - q + 1
    tests = pd.DataFrame(
        [
            (
                "wald",
                wstat / q,
                float(q),
                float(nu),
                float(stats.f.sf(wstat / q, q, nu)),
                "设计 Wald 检验（各组均值相等）",
            ),
            (
                "adj_wald",
                wstat * ddf / (q * nu),
                float(q),
                float(ddf),
                float(stats.f.sf(wstat * ddf / (q * nu), q, ddf)),
                "调整 Wald 检验",
            ),
        ],
        columns=["test", "statistic", "df1", "df2", "p_value", "description"],
    )
    table = design.mean(y, by=group)
    variance = f"设计推断（{_METHOD_LABEL[design.variance_method]}）"
    return GroupComparison(y, group, "numeric", table, tests, "wald", variance)


# ---------------------------------------------------------------------------------------------
# Ordinal logit


def _ordinal_fit(
    yk: np.ndarray, x: np.ndarray, w: np.ndarray, n_levels: int, *, maxiter: int = 100
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Weighted maximum likelihood of the proportional-odds model by Newton's method.

    ``yk`` holds level indices 0…K−1, ``x`` the n × p predictors, ``w`` the weights. Parameters
    are (θ_1 … θ_{K−1}, β); returns (params, information −H, per-row scores, converged).
    """
    n, p = x.shape
    k1 = n_levels - 1
    q = k1 + p
    # start: marginal cumulative logits, β = 0
    share = np.bincount(yk, weights=w, minlength=n_levels)
    cum = np.clip(np.cumsum(share)[:-1] / share.sum(), 1e-6, 1 - 1e-6)
    params = np.concatenate([special.logit(cum), np.zeros(p)])
    rows = np.arange(n)
    # design vectors of a = θ_y − xβ and b = θ_{y−1} − xβ (zero where the cut-point is ±∞)
    da = np.zeros((n, q))
    db = np.zeros((n, q))
    up = yk < k1
    lo = yk > 0
    da[rows[up], yk[up]] = 1.0
    db[rows[lo], yk[lo] - 1] = 1.0
    da[:, k1:] = -x
    db[:, k1:] = -x

    def pieces(par):
        theta, beta = par[:k1], par[k1:]
        eta = x @ beta
        ext = np.concatenate([[-np.inf], theta, [np.inf]])
        a = ext[yk + 1] - eta
        b = ext[yk] - eta
        fa_c, fb_c = special.expit(a), special.expit(b)
        prob = fa_c - fb_c
        return a, b, fa_c, fb_c, prob

    def loglik(par):
        *_, prob = pieces(par)
        if np.any(np.diff(par[:k1]) <= 0):
            return -np.inf
        return float(np.sum(w * np.log(np.maximum(prob, 1e-300))))

    def derivatives(par):
        """Per-row scores (n × q) and the information −H (q × q) at ``par``."""
        a, b, fa_c, fb_c, prob = pieces(par)
        prob = np.maximum(prob, 1e-300)
        fa = np.where(np.isfinite(a), fa_c * (1 - fa_c), 0.0)
        fb = np.where(np.isfinite(b), fb_c * (1 - fb_c), 0.0)
        ga, gb = fa / prob, -fb / prob
        scores = ga[:, None] * da + gb[:, None] * db
        haa = fa * (1 - 2 * fa_c) / prob - ga**2
        hbb = -fb * (1 - 2 * fb_c) / prob - gb**2
        hab = -ga * gb
        info = -(
            np.einsum("i,ij,ik->jk", w * haa, da, da)
            + np.einsum("i,ij,ik->jk", w * hbb, db, db)
            + np.einsum("i,ij,ik->jk", w * hab, da, db)
            + np.einsum("i,ij,ik->jk", w * hab, db, da)
        )
        return scores, info

    converged = False
    ll = loglik(params)
    for _ in range(maxiter):
        scores, info = derivatives(params)
        grad = (w[:, None] * scores).sum(axis=0)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            break
        t = 1.0  # step halving keeps the likelihood rising and the cut-points ordered
        while t > 1e-10:
            trial = params + t * step
            new = loglik(trial)
            if new >= ll - 1e-12:
                break
            t /= 2
        else:
            break
        params, ll = trial, new
        if np.max(np.abs(t * step)) < 1e-10:
            converged = True
            break
    scores, info = derivatives(params)
    return params, info, scores, converged


def ordinal_logit(
    data: pd.DataFrame,
    y: str,
    predictors: Sequence[str],
    *,
    categories: Sequence[Any] | None = None,
    conf_level: float = 0.95,
    weights: str | None = None,
    design: Design | None = None,
) -> pd.DataFrame:
    """Proportional-odds (ordinal logistic) regression, unweighted, frequency-weighted or
    design-based (R's ``MASS::polr`` and ``survey::svyolr``).

    Parameters
    ----------
    data : DataFrame
        One row per respondent (with ``design``: the design's rows, in the same order).
    y : str
        Ordered outcome (numeric levels are ordered by value; text needs ``categories``).
    predictors : list of str
        Numeric predictors, or text/categorical ones (dummy-coded, first level dropped).
    categories : sequence, optional
        Order of the outcome levels, lowest first.
    conf_level : float
    weights : str, optional
        Frequency (case) weights column, as ``polr(..., weights=)``: a row with weight 3 counts
        as three respondents; standard errors from the observed information.
    design : Design, optional
        A survey design: sampling weights from the design and standard errors by the sandwich
        A⁻¹ B A⁻¹, A the weighted information and B the design variance of the totals of the
        weighted scores (PSUs, strata, fpc, calibration), as ``svyolr`` does for linearisation
        designs. Rows with a missing value stay in the design with zero scores (domain
        estimation). A replicate-weight design is linearised on the same PSUs and strata (R
        refits the model with each replicate instead; ``attrs["variance"]`` says which).

    Returns
    -------
    DataFrame
        ``term``, ``kind`` (``predictor``/``threshold``), ``estimate``, ``se``, ``z``,
        ``p_value``, ``ci_low``, ``ci_high``, ``odds_ratio`` (predictors). Thresholds are the
        cut-points θ_j on the latent scale. ``attrs``: ``n`` (complete cases), ``n_dropped``,
        ``levels``, ``converged``, ``weights`` (``none`` / ``frequency`` / ``design``),
        ``variance`` (``model``: inverse information; ``taylor``: design sandwich).

    Notes
    -----
    P(Y ≤ j | x) = logistic(θ_j − x'β): a positive coefficient shifts answers upwards. The
    (weighted) log-likelihood Σ w_i log[F(θ_{y_i} − x_i'β) − F(θ_{y_i−1} − x_i'β)] is maximised
    by Newton's method with the analytic Hessian (F logistic, F' = F(1 − F), F'' = F'(1 − 2F)).
    With a design the point estimates are the pseudo-maximum-likelihood estimates and
    Var(θ̂) = A⁻¹ B A⁻¹ (Binder 1983; Lumley 2010, §6.3). statsmodels' ``OrderedModel`` takes
    no weights, hence this fit; unweighted, the two agree (tested), and frequency-weighted it
    reproduces ``MASS::polr`` on the published housing example.

    References
    ----------
    McCullagh, P. (1980). Regression models for ordinal data. *JRSS B* 42, 109–142.
    Venables, W. N. & Ripley, B. D. (2002). *Modern Applied Statistics with S*, 4th ed., §7.3.
    Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex
    surveys. *International Statistical Review* 51, 279–292.
    """
    data = _require_frame(data)
    preds = _as_list(predictors)
    if not preds:
        raise ValueError("请至少给出一个自变量 predictors")
    if weights is not None and design is not None:
        raise ValueError("weights（频数权重）与 design（抽样设计）只能给出一个")
    cols = [y, *preds] + ([weights] if weights is not None else [])
    _require_columns(data, cols, "模型")
    if design is not None:
        if not isinstance(design, Design):
            raise ValueError("design 应为 methods.survey.Design")
        if len(data) != design.n:
            raise ValueError(f"data 有 {len(data)} 行，抽样设计有 {design.n} 行：应逐行对应")
    keep = data[cols].notna().all(axis=1).to_numpy()
    d = data.loc[keep, cols]
    n_dropped = len(data) - len(d)
    if len(d) < len(preds) + 3:
        raise ValueError(f"完整记录只有 {len(d)} 条，不足以拟合有序 logit 模型")
    if categories is not None:
        levels = list(categories)
        unknown = set(d[y].unique()) - set(levels)
        if unknown:
            raise ValueError(f"因变量 {y} 含有 categories 之外的取值：{sorted(map(str, unknown))}")
    elif pd.api.types.is_numeric_dtype(d[y]):
        levels = sorted(d[y].unique().tolist())
    else:
        raise ValueError(f"因变量 {y} 是文本：请用 categories 给出等级顺序（由低到高）")
    if len(levels) < 3:
        raise ValueError(f"因变量 {y} 只有 {len(levels)} 个等级：有序 logit 至少需要 3 个")
    yk = pd.Categorical(d[y], categories=levels, ordered=True).codes.astype(np.int64)
    present = np.bincount(yk, minlength=len(levels))
    if (present == 0).any():
        empty = [str(levels[i]) for i in np.flatnonzero(present == 0)]
        raise ValueError(f"因变量 {y} 的等级 {'、'.join(empty)} 没有观测，无法估计其切点")
    parts = []
    for c in preds:
        if pd.api.types.is_numeric_dtype(d[c]) and not pd.api.types.is_bool_dtype(d[c]):
            parts.append(d[[c]].astype(float))
        else:
            # a pandas Categorical keeps its level order (the first level is the reference, as
            # in R); other text is ordered alphabetically
            col = d[c]
            if isinstance(col.dtype, pd.CategoricalDtype):
                col = col.cat.remove_unused_categories()
            else:
                col = col.astype(str)
            dummies = pd.get_dummies(col, prefix=c, prefix_sep="=", drop_first=True)
            parts.append(dummies.astype(float))
    exog = pd.concat(parts, axis=1)
    x = exog.to_numpy(float)
    if weights is not None:
        w = _numeric_column(d, weights, "权重")
        if np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
            raise ValueError(f"权重列 {weights} 应为非负有限数且合计大于 0")
        kind = "frequency"
    elif design is not None:
        w = design._w[keep]
        kind = "design"
    else:
        w = np.ones(len(d))
        kind = "none"
    params, info, scores, converged = _ordinal_fit(yk, x, w, len(levels))
    try:
        inv = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise ValueError("信息矩阵奇异：自变量之间可能完全共线，或某一组别只有一个等级") from None
    if design is not None:
        z = np.zeros((design.n, len(params)))
        z[keep] = w[:, None] * scores
        z = design._residualize(z)
        tz = np.asarray(_indicator(design._psu, design.n_psu) @ z)
        cov = inv @ design._var_from_psu_totals(tz, True) @ inv
    else:
        cov = inv
    k1 = len(levels) - 1
    p = x.shape[1]
    beta, cuts = params[k1:], params[:k1]
    se_all = np.sqrt(np.diag(cov))
    est = np.concatenate([beta, cuts])
    se = np.concatenate([se_all[k1:], se_all[:k1]])
    crit = _crit(conf_level, None)
    z_val = est / se
    terms = list(exog.columns) + [f"{levels[i]}|{levels[i + 1]}" for i in range(k1)]
    out = pd.DataFrame(
        {
            "term": terms,
            "kind": ["predictor"] * p + ["threshold"] * k1,
            "estimate": est,
            "se": se,
            "z": z_val,
            "p_value": 2 * stats.norm.sf(np.abs(z_val)),
            "ci_low": est - crit * se,
            "ci_high": est + crit * se,
            "odds_ratio": np.concatenate([np.exp(beta), np.full(k1, np.nan)]),
        }
    )
    out.attrs = {
        "n": len(d),
        "n_dropped": n_dropped,
        "levels": [_clean(v) for v in levels],
        "converged": converged,
        "weights": kind,
        "variance": "taylor" if design is not None else "model",
    }
    return out


# ---------------------------------------------------------------------------------------------
# Sample size


def sample_size(
    margin: float = 0.05,
    confidence: float = 0.95,
    p: float = 0.5,
    population: int | None = None,
    deff: float = 1.0,
    *,
    rounding: str = "up",
) -> int:
    """Sample size to estimate a proportion (Cochran 1977, §4.4) with fpc and design effect.

    n₀ = z² p (1 − p) / e² × deff, then n = n₀ / (1 + (n₀ − 1)/N) for a population of N,
    rounded up (``rounding="nearest"`` rounds half up, as Krejcie & Morgan's 1970 table).

    Parameters
    ----------
    margin : float
        Half-width e of the interval (0.05 = ±5 percentage points).
    confidence : float
        Confidence level; z = Φ⁻¹(1 − (1 − confidence)/2) = 1.959964 at 95%.
    p : float
        Expected proportion (0.5 is the most conservative).
    population : int, optional
        Population size N for the finite-population correction.
    deff : float
        Design effect of a clustered design (≥ 1 typically).
    rounding : {"up", "nearest"}

    Returns
    -------
    int

    Examples
    --------
    >>> sample_size()  # 1.959964² × 0.25 / 0.05² = 384.15 → 385
    385
    >>> sample_size(population=1200, rounding="nearest")  # Krejcie & Morgan (1970)
    291
    """
    if not 0 < margin < 1:
        raise ValueError(f"误差范围 margin 应在 0 与 1 之间（如 0.05），实际为 {margin!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"置信水平 confidence 应在 0 与 1 之间，实际为 {confidence!r}")
    if not 0 < p < 1:
        raise ValueError(f"预期比例 p 应在 0 与 1 之间，实际为 {p!r}")
    if not deff > 0:
        raise ValueError(f"设计效应 deff 应大于 0，实际为 {deff!r}")
    if rounding not in ("up", "nearest"):
        raise ValueError(f"rounding 应为 'up' 或 'nearest'，实际为 {rounding!r}")
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    n0 = z**2 * p * (1 - p) / margin**2 * deff
    n = n0
    if population is not None:
        if not population >= 1:
            raise ValueError(f"总体规模 population 应为正整数，实际为 {population!r}")
        n = n0 / (1 + (n0 - 1) / population)
    value = math.ceil(n - 1e-9) if rounding == "up" else math.floor(n + 0.5)
    if population is not None:
        value = min(value, int(population))
    return max(int(value), 1)
