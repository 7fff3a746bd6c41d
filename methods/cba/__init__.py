"""Cost-benefit, cost-effectiveness and least-cost analysis (成本效益分析法、最低成本法).

The economic-efficiency part of an evaluation (投入经济性, 武发〔2020〕48号): discounting, indicators,
comparison of alternatives, sensitivity and risk analysis, all vectorised with numpy.

Everything below is importable from ``methods.cba`` itself (``from methods import cba;
cba.npv(...)``); each area lives in its own submodule:

================================  ===========================================================
area (submodule)                  functions
================================  ===========================================================
discounting (``discounting``)     :func:`discount_factors`, :func:`discount_schedule`,
                                  :func:`discount_schedules`, :func:`annuity_factor`
indicators (``measures``,         :func:`npv`, :func:`irr`, :func:`mirr`,
``appraisal``)                    :func:`benefit_cost_ratio`, :func:`payback_period`,
                                  :func:`equivalent_annual_cost`, :func:`appraise`
alternatives (``alternatives``)   :func:`cost_effectiveness` (ICER, dominance),
                                  :func:`least_cost`
sensitivity (``sensitivity``)     :func:`elasticities`, :func:`critical_variables`,
                                  :func:`one_way`, :func:`switching_values`, :func:`scenarios`,
                                  :func:`tornado`
risk (``risk``)                   :func:`monte_carlo`, :func:`plot_distribution`
adjustments (``risk``,            :func:`optimism_bias`, :func:`to_real`, :func:`to_nominal`,
``prices``)                       :func:`real_rate`, :func:`nominal_rate`,
                                  :func:`economic_flows`
case files (``spec``, ``model``)  :func:`from_spec` → :class:`CBAModel`
================================  ===========================================================

Conventions (each is a parameter, and results report which was used):

* Rates are real annual rates as fractions (0.08 = 8%). When neither ``rate`` nor ``schedule`` is
  given, the preset ``china_2006`` (8%, 《建设项目经济评价方法与参数》第三版 2006) applies. Presets
  with source, vintage and status live in ``methods/_data/discount_schedules.yaml``.
* Declining schedules compound piecewise, DF(t) = DF(t−1)/(1 + r_t); the long-run rate is never
  applied from year 0.
* ``flows[0]`` falls at ``t = t0``. ``t0=0`` is numpy-financial's ``npv`` (first flow undiscounted);
  ``t0=1`` is Excel's ``NPV`` and the year-end convention of 《方法与参数》 (first flow discounted
  once).
* Flows are 1-D (one series) or 2-D (one series per row); a DataFrame's row labels label the
  results. Scalar indicators return floats (arrays / Series for 2-D input); analyses return frozen
  dataclasses with ``.summary()`` (Chinese) and ``.to_dict()`` (JSON-ready, NaN → None).
* A *model* for sensitivity and risk analysis is a callable mapping a dict of variables to the
  indicator (usually NPV). Given arrays it should return an array of the same length: then all
  perturbations or draws are evaluated in one call. Models that cannot take arrays are evaluated
  one point at a time (reported as ``evaluation = "loop"``).
"""

from methods.cba._common import PerSeries as PerSeries
from methods.cba.alternatives import CostEffectiveness, LeastCost, cost_effectiveness, least_cost
from methods.cba.appraisal import Appraisal, appraise
from methods.cba.discounting import (
    DiscountSchedule,
    annuity_factor,
    discount_factors,
    discount_schedule,
    discount_schedules,
)
from methods.cba.measures import (
    IRRResult,
    benefit_cost_ratio,
    equivalent_annual_cost,
    irr,
    mirr,
    npv,
    payback_period,
)
from methods.cba.model import CBAAnalysis, CBAModel, Variable
from methods.cba.prices import (
    EconomicFlows,
    economic_flows,
    nominal_rate,
    real_rate,
    to_nominal,
    to_real,
)
from methods.cba.risk import DEFAULT_SEED as DEFAULT_SEED
from methods.cba.risk import DISTRIBUTIONS as DISTRIBUTIONS
from methods.cba.risk import PERCENTILES as PERCENTILES
from methods.cba.risk import (
    MonteCarloResult,
    OptimismBias,
    monte_carlo,
    optimism_bias,
    plot_distribution,
)
from methods.cba.sensitivity import Model as Model
from methods.cba.sensitivity import (
    SensitivityResult,
    critical_variables,
    elasticities,
    one_way,
    scenarios,
    switching_values,
    tornado,
)
from methods.cba.spec import MAX_MC_CELLS as MAX_MC_CELLS
from methods.cba.spec import MAX_MC_DRAWS as MAX_MC_DRAWS
from methods.cba.spec import from_spec

# Besides __all__, the package keeps the public constants and type aliases the flat module
# ``methods/cba.py`` defined (``X as X`` above: re-exported on purpose; tests read DEFAULT_SEED).
__all__ = [
    "Appraisal",
    "CBAAnalysis",
    "CBAModel",
    "CostEffectiveness",
    "DiscountSchedule",
    "EconomicFlows",
    "IRRResult",
    "LeastCost",
    "MonteCarloResult",
    "OptimismBias",
    "SensitivityResult",
    "Variable",
    "annuity_factor",
    "appraise",
    "benefit_cost_ratio",
    "cost_effectiveness",
    "critical_variables",
    "discount_factors",
    "discount_schedule",
    "discount_schedules",
    "economic_flows",
    "elasticities",
    "equivalent_annual_cost",
    "from_spec",
    "irr",
    "least_cost",
    "mirr",
    "monte_carlo",
    "nominal_rate",
    "npv",
    "one_way",
    "optimism_bias",
    "payback_period",
    "plot_distribution",
    "real_rate",
    "scenarios",
    "switching_values",
    "to_nominal",
    "to_real",
    "tornado",
]

# doctest.testmod(methods.cba) looks only at objects defined in this module; point it at the
# examples of the functions and classes the submodules define (tests/test_cba.py runs them).
__test__ = {name: globals()[name] for name in __all__}
