"""The NPV model of a case's cash-flow lines (:class:`CBAModel`), its variables, and everything
its analysis returns (:class:`CBAAnalysis`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods._json import jsonable as _jsonable
from methods.cba.alternatives import CostEffectiveness, LeastCost, cost_effectiveness, least_cost
from methods.cba.appraisal import Appraisal, appraise
from methods.cba.discounting import DiscountSchedule, _discount, _times
from methods.cba.risk import DEFAULT_SEED, MonteCarloResult, OptimismBias, monte_carlo
from methods.cba.sensitivity import (
    SensitivityResult,
    _sensitivity_preset,
    critical_variables,
    elasticities,
    one_way,
    scenarios,
    switching_values,
)

__all__ = ["CBAAnalysis", "CBAModel", "Variable"]


@dataclass(frozen=True)
class Variable:
    """A model variable of a :class:`CBAModel`.

    ``lines`` non-empty: a multiplier: each named line is scaled by value / base. ``discount_rate``:
    the flat discount rate itself (base = the rate).
    """

    name: str
    base: float
    lines: tuple[str, ...] = ()
    discount_rate: bool = False


@dataclass(frozen=True, eq=False)
class CBAModel:
    """A project's cash-flow lines and the NPV model built from a case file's ``cba:`` block.

    Calling the model, ``model({variable: value or array})``, returns the NPV (ENPV for an
    economic analysis): a float for scalars, an array for arrays (vectorised over draws), so the
    model plugs straight into :func:`elasticities`, :func:`switching_values`,
    :func:`monte_carlo` … (the convenience methods below do that with the block's settings).

    Attributes
    ----------
    title, unit : str
    years : tuple of int
        Calendar year of each column.
    t0 : float
        Time of the first column (default 1: flows at year-end, 《方法与参数》).
    price_base_year : int
    discounting : DiscountSchedule
    lines : DataFrame
        Real-price amounts after optimism bias and conversion factors; one row per line, one
        column per year; all positive.
    kinds, categories : Series
        ``benefit`` / ``cost`` and the category of each line.
    variables : tuple of Variable
    settings : dict
        ``sensitivity``, ``scenarios``, ``monte_carlo`` settings from the block.
    alternatives : dict
        ``{name: (costs array, effect or NaN)}`` for least-cost / cost-effectiveness.
    optimism : OptimismBias or None
    analysis : str
        ``"financial"`` or ``"economic"``.
    notes : tuple of str
        Every choice that shaped the numbers (conversions, presets, defaults).
    """

    title: str
    unit: str
    years: tuple[int, ...]
    t0: float
    price_base_year: int
    discounting: DiscountSchedule
    lines: pd.DataFrame
    kinds: pd.Series
    categories: pd.Series
    variables: tuple[Variable, ...]
    settings: Mapping[str, Any]
    alternatives: Mapping[str, tuple[np.ndarray, float]]
    optimism: OptimismBias | None
    analysis: str
    notes: tuple[str, ...]

    @property
    def indicator(self) -> str:
        return "ENPV" if self.analysis == "economic" else "NPV"

    @property
    def base(self) -> dict[str, float]:
        """Base value of every variable."""
        return {v.name: v.base for v in self.variables}

    def __call__(self, variables: Mapping[str, Any] | None = None):
        """NPV at the given variable values (others at base); vectorised over array values."""
        vals = dict(self.base)
        for k, v in (variables or {}).items():
            if k not in vals:
                raise ValueError(f"未知变量 '{k}'（可用：{'、'.join(vals)}）")
            vals[k] = v
        arrays = {k: np.asarray(v, dtype=float) for k, v in vals.items()}
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        k = int(np.prod(shape)) if shape else 1
        flat = {n: np.broadcast_to(a, shape).reshape(k) for n, a in arrays.items()}
        names = list(self.lines.index)
        sign = np.where(self.kinds.to_numpy() == "benefit", 1.0, -1.0)
        mult = np.ones((k, len(names)))
        t = self.t0 + np.arange(len(self.years), dtype=float)
        df = _discount(t, self.discounting)[None, :]
        for var in self.variables:
            if var.discount_rate:
                r = flat[var.name]
                if (r <= -1).any():
                    raise ValueError(f"{var.name} 必须大于 -1")
                df = (1.0 + r[:, None]) ** (-t[None, :])
            elif var.lines:
                idx = [names.index(n) for n in var.lines]
                mult[:, idx] *= (flat[var.name] / var.base)[:, None]
        net = (mult * sign) @ self.lines.to_numpy(dtype=float)
        out = (net * df).sum(axis=1)
        return float(out[0]) if shape == () else out.reshape(shape)

    def flows(self, variables: Mapping[str, float] | None = None) -> pd.DataFrame:
        """Benefits, costs and net flow per year at the given (default: base) values."""
        vals = {**self.base, **dict(variables or {})}
        names = list(self.lines.index)
        mult = np.ones(len(names))
        for var in self.variables:
            if var.lines:
                for n in var.lines:
                    mult[names.index(n)] *= float(vals[var.name]) / var.base
        amounts = self.lines.to_numpy(dtype=float) * mult[:, None]
        ben = amounts[self.kinds.to_numpy() == "benefit"].sum(axis=0)
        cost = amounts[self.kinds.to_numpy() == "cost"].sum(axis=0)
        return pd.DataFrame(
            {"benefits": ben, "costs": cost, "net": ben - cost},
            index=pd.Index(self.years, name="year"),
        )

    def npv(self, variables: Mapping[str, Any] | None = None):
        """Same as calling the model."""
        return self(variables)

    def appraise(self) -> Appraisal:
        """Indicators of the base case (NPV, IRR, B/C, payback) with calendar years."""
        f = self.flows()
        return appraise(
            benefits=f["benefits"].to_numpy(),
            costs=f["costs"].to_numpy(),
            schedule=self.discounting,
            t0=self.t0,
            unit=self.unit,
            calendar_years=list(self.years),
        )

    def _sens(self) -> Mapping[str, Any]:
        return self.settings.get("sensitivity", {})

    def critical_variables(self) -> SensitivityResult:
        s = self._sens()
        return critical_variables(
            self,
            self.base,
            s.get("variables"),
            delta=s.get("delta"),
            threshold=s.get("threshold"),
            preset=s.get("preset", "eu_2014"),
            vectorized=True,
            indicator=self.indicator,
        )

    def elasticities(self) -> SensitivityResult:
        s = self._sens()
        d = s.get("delta") or float(_sensitivity_preset(s.get("preset", "eu_2014"))["delta"])
        return elasticities(
            self, self.base, s.get("variables"), d, vectorized=True, indicator=self.indicator
        )

    def one_way(self) -> SensitivityResult:
        s = self._sens()
        return one_way(
            self,
            self.base,
            s.get("variables"),
            s.get("change", 0.2),
            vectorized=True,
            indicator=self.indicator,
        )

    def switching_values(self) -> SensitivityResult:
        return switching_values(
            self,
            self.base,
            self._sens().get("variables"),
            vectorized=True,
            indicator=self.indicator,
        )

    def scenarios(self) -> SensitivityResult | None:
        sc = self.settings.get("scenarios")
        if not sc:
            return None
        return scenarios(self, self.base, sc, vectorized=True, indicator=self.indicator)

    def monte_carlo(self, n: int | None = None, seed: int | None = None) -> MonteCarloResult | None:
        mc = self.settings.get("monte_carlo")
        if not mc or not mc.get("distributions"):
            return None
        return monte_carlo(
            self._drawable,
            self.base,
            mc["distributions"],
            n=n or mc.get("n", 10_000),
            seed=seed if seed is not None else mc.get("seed", DEFAULT_SEED),
            reference=mc.get("reference"),
            indicator=self.indicator,
            unit=self.unit,
        )

    def _drawable(self, variables: Mapping[str, Any]):
        """The model for Monte Carlo draws: a draw whose discount rate is -1 or below has no NPV
        and is returned as NaN (an invalid draw, counted and left out) instead of failing the
        whole run."""
        rates = [v.name for v in self.variables if v.discount_rate and v.name in variables]
        if not rates:
            return self(variables)
        r = np.asarray(variables[rates[0]], dtype=float)
        bad = r <= -1
        if not bad.any():
            return self(variables)
        safe = {**variables, rates[0]: np.where(bad, self.base[rates[0]], r)}
        return np.where(bad, np.nan, self(safe))

    def least_cost(self) -> LeastCost | None:
        if not self.alternatives:
            return None
        effects = {k: e for k, (_, e) in self.alternatives.items()}
        vals = np.array(list(effects.values()))
        if np.isfinite(vals).all() and not np.allclose(vals, vals[0], rtol=1e-9, atol=0):
            return None
        return least_cost(
            {k: c for k, (c, _) in self.alternatives.items()},
            schedule=self.discounting,
            t0=self.t0,
            unit=self.unit,
        )

    def cost_effectiveness(self) -> CostEffectiveness | None:
        if not self.alternatives:
            return None
        effects = {k: e for k, (_, e) in self.alternatives.items()}
        if not all(np.isfinite(list(effects.values()))):
            return None
        pv = {
            k: float(c @ _discount(_times(c.size, self.t0), self.discounting))
            for k, (c, _) in self.alternatives.items()
        }
        table = pd.DataFrame(
            {"name": list(pv), "cost": list(pv.values()), "effect": list(effects.values())}
        )
        return cost_effectiveness(table, cost_unit=self.unit)

    def analyse(self, *, simulate: bool = True) -> CBAAnalysis:
        """Everything the block asks for: appraisal, sensitivity, switching values, scenarios,
        Monte Carlo and the comparison of alternatives (least cost when their effects are equal
        or not given, cost-effectiveness when they differ). ``simulate=False`` leaves the Monte
        Carlo run out (validation checks a case; running it computes)."""
        return CBAAnalysis(
            model=self,
            appraisal=self.appraise(),
            critical=self.critical_variables(),
            one_way=self.one_way(),
            switching=self.switching_values(),
            scenarios=self.scenarios(),
            monte_carlo=self.monte_carlo() if simulate else None,
            least_cost=self.least_cost(),
            cost_effectiveness=None if self._same_effects() else self.cost_effectiveness(),
        )

    def _same_effects(self) -> bool:
        vals = np.array([e for _, e in self.alternatives.values()], dtype=float)
        return not vals.size or not np.isfinite(vals).all() or np.allclose(vals, vals[0])

    def describe(self) -> dict[str, Any]:
        """The model's set-up (years, discounting, lines, variables, notes), JSON-ready."""
        return _jsonable(
            {
                "title": self.title,
                "unit": self.unit,
                "years": list(self.years),
                "t0": self.t0,
                "price_base_year": self.price_base_year,
                "analysis": self.analysis,
                "discounting": self.discounting.to_dict(),
                "lines": [
                    {
                        "name": n,
                        "kind": self.kinds[n],
                        "category": self.categories[n],
                        "values": self.lines.loc[n].tolist(),
                    }
                    for n in self.lines.index
                ],
                "variables": [
                    {
                        "name": v.name,
                        "base": v.base,
                        "lines": list(v.lines),
                        "discount_rate": v.discount_rate,
                    }
                    for v in self.variables
                ],
                "optimism_bias": None if self.optimism is None else self.optimism.to_dict(),
                "notes": list(self.notes),
            }
        )


@dataclass(frozen=True, eq=False)
class CBAAnalysis:
    """All results of a case's cost-benefit analysis (see :meth:`CBAModel.analyse`)."""

    model: CBAModel
    appraisal: Appraisal
    critical: SensitivityResult
    one_way: SensitivityResult
    switching: SensitivityResult
    scenarios: SensitivityResult | None = None
    monte_carlo: MonteCarloResult | None = None
    least_cost: LeastCost | None = None
    cost_effectiveness: CostEffectiveness | None = None

    def summary(self) -> str:
        m = self.model
        parts = [
            f"{m.title or '成本效益分析'}（{m.years[0]}–{m.years[-1]} 年，"
            f"{m.price_base_year} 年不变价，单位 {m.unit or '—'}）",
            self.appraisal.summary(),
            self.critical.summary(),
            self.switching.summary(),
        ]
        for extra in (self.scenarios, self.monte_carlo, self.least_cost, self.cost_effectiveness):
            if extra is not None:
                parts.append(extra.summary())
        if m.optimism is not None:
            parts.append(m.optimism.summary())
        parts.extend(f"说明：{n}" for n in m.notes)
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The ``cba`` block of results.json (JSON-ready; NaN → None)."""

        def opt(x):
            return None if x is None else x.to_dict()

        return {
            "model": self.model.describe(),
            "appraisal": self.appraisal.to_dict(),
            "critical_variables": self.critical.to_dict(),
            "one_way": self.one_way.to_dict(),
            "switching_values": self.switching.to_dict(),
            "scenarios": opt(self.scenarios),
            "monte_carlo": opt(self.monte_carlo),
            "least_cost": opt(self.least_cost),
            "cost_effectiveness": opt(self.cost_effectiveness),
            "summary": self.summary(),
        }
