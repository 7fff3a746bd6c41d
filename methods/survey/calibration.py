"""Calibration of a design's weights: post-stratification, raking and trimming (R's
``postStratify``, ``rake``, ``trimWeights``), each step remembered so the variance accounts for it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.survey._common import _as_list, _group_codes, _indicator, _no_missing, _require_columns
from methods.survey.replicates import _Replicates

if TYPE_CHECKING:  # pragma: no cover
    from methods.survey.design import Design


# ---------------------------------------------------------------------------------------------
# Small helpers: validation with Chinese messages, JSON-ready values


def _label(value: Any) -> str:
    if isinstance(value, tuple):
        return "×".join(map(str, value))
    return str(value)


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


# ---------------------------------------------------------------------------------------------
# The design


class _CalibrationMixin:
    """Calibration of a :class:`~methods.survey.design.Design`: ``postStratify``, ``rake`` and
    ``trimWeights``, each returning a new design.

    A mixin: the design's state and variance engine live in ``Design`` itself."""

    __slots__ = ()

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
