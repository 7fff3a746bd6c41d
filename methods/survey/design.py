"""The survey design (:class:`Design`, R's ``svydesign``): weights, strata, one-stage clusters,
fpc and lonely PSUs, and the variance engine every estimate goes through (Taylor linearisation of
PSU totals, or replicate weights).

``Design`` is immutable. Its estimators, calibration and replicate-weight methods are written in
:mod:`~methods.survey.estimates`, :mod:`~methods.survey.calibration` and
:mod:`~methods.survey.replicates` (mixins of this class).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.survey._common import (
    _METHOD_LABEL,
    _as_list,
    _clean,
    _group_codes,
    _indicator,
    _no_missing,
    _numeric_column,
    _require_columns,
    _require_frame,
    _Term,
)
from methods.survey.calibration import _CalibrationMixin, _PostStratum
from methods.survey.estimates import _EstimatesMixin
from methods.survey.replicates import _Replicates, _ReplicatesMixin

__all__ = ["Design"]


LONELY_PSU = ("fail", "certainty", "remove", "adjust", "average")
_LONELY_LABEL = {
    "fail": "报错",
    "certainty": "按必然入样处理（方差贡献 0）",
    "remove": "剔除（方差贡献 0）",
    "adjust": "以总体均值为中心",
    "average": "以其余层的平均方差贡献代替",
}


# ---------------------------------------------------------------------------------------------
# Internal structures of a design


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


class Design(_EstimatesMixin, _CalibrationMixin, _ReplicatesMixin):
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

    # -- building blocks of the estimators and analyses --------------------------------------
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
