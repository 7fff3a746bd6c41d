"""Replicate-weight designs (R's ``as.svrepdesign``): the Rao–Wu and Canty–Davison rescaled
bootstrap and the JK1 / JKn jackknife, as a (PSU × replicate) factor matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from methods.survey.design import Design


# ---------------------------------------------------------------------------------------------
# Internal structures of a design


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


# ---------------------------------------------------------------------------------------------
# The design


class _ReplicatesMixin:
    """Replicate-weight versions of a :class:`~methods.survey.design.Design`
    (``as.svrepdesign``): rescaled bootstrap and jackknife, each returning a new design.

    A mixin: the design's state and variance engine live in ``Design`` itself."""

    __slots__ = ()

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
