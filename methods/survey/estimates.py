"""Design-based estimates, overall or by domain (R's ``svymean``, ``svytotal``, ``svyratio``,
``svyquantile``, proportions and counts), and their result :class:`Estimate`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.survey._common import (
    _METHOD_LABEL,
    _as_list,
    _clean,
    _crit,
    _indicator,
    _require_columns,
    _Term,
)

if TYPE_CHECKING:  # pragma: no cover
    from methods.survey.design import Design

__all__ = ["Estimate"]


_STAT_LABEL = {
    "mean": "均值",
    "total": "总量",
    "proportion": "比例",
    "count": "总体数量",
    "ratio": "比率",
    "quantile": "分位数",
}


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
# The design


class _EstimatesMixin:
    """Estimators of a :class:`~methods.survey.design.Design` (``svymean``, ``svytotal``,
    ``svyratio``, ``svyquantile``, proportions and counts), overall or by domain.

    A mixin: the design's state and variance engine live in ``Design`` itself."""

    __slots__ = ()

    # -- building blocks for the public estimators -------------------------------------------
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
