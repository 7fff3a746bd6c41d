"""Design-based survey estimation (抽样调查的设计推断) and satisfaction indices (满意度指数).

The reference is R's ``survey`` package (Lumley 2004, 2010): :class:`Design` reproduces
``svydesign`` / ``svymean`` / ``svytotal`` / ``svyratio`` / ``svyby`` / ``svyquantile`` /
``postStratify`` / ``rake`` / ``trimWeights`` / ``as.svrepdesign`` and :func:`compare_groups`
reproduces ``svychisq``, to at least 4 significant digits (almost all to every digit R
prints) on its documented ``api`` examples (see ``tests/test_survey_design.py`` for each value
and its source).

On top of the design object sit the satisfaction tools of a budget performance evaluation
(公众评判法, 财预〔2020〕10号):

- :func:`satisfaction_index`: 满意率 (满意人数/有效人数), weighted Likert index (100/80/60/40/20 by
  default, *unverified* convention) or the 0–100 rescaled mean, overall, per dimension, per item
  and per group, with design-based standard errors;
- :func:`index_to_points`: an index turned into indicator points with the ``positive`` rule of
  :mod:`methods.scoring`;
- :func:`ipa` / :func:`plot_ipa`: importance–performance analysis (Martilla & James 1977);
- :func:`compare_groups`: Pearson / Rao–Scott chi-square, design-based Wald tests, ANOVA;
- :func:`ordinal_logit`: proportional-odds model, frequency-weighted or design-based (``svyolr``);
- :func:`sample_size`: Cochran's sample size for a proportion with fpc and design effect.

Each topic has its own submodule (everything is importable from ``methods.survey`` itself):
``design`` (:class:`Design` and its variance engine), ``estimates`` (means, totals, ratios,
quantiles, proportions, by domain), ``calibration`` (post-stratification, raking, trimming),
``replicates`` (bootstrap and jackknife weights), ``indices`` (satisfaction indices, IPA, sample
size), ``comparison`` (chi-square and Wald tests) and ``ordinal`` (ordinal logit).

Everything is vectorised: respondents are aggregated with sparse indicator matrices and
``numpy.bincount``; bootstrap replicates are a (PSU × R) factor matrix and matrix products
(``benchmarks/survey_design.py``: 100,000 respondents × 20 items).
"""

from methods.survey._common import _crit  # noqa: F401 (methods.evaltypes.satisfaction uses it)
from methods.survey.comparison import GroupComparison, compare_groups
from methods.survey.design import LONELY_PSU as LONELY_PSU
from methods.survey.design import Design
from methods.survey.estimates import Estimate
from methods.survey.indices import DEFAULT_NA_VALUES as DEFAULT_NA_VALUES
from methods.survey.indices import DEFAULT_POINTS_1_5 as DEFAULT_POINTS_1_5
from methods.survey.indices import QUADRANTS as QUADRANTS
from methods.survey.indices import (
    SatisfactionResult,
    index_to_points,
    ipa,
    plot_ipa,
    sample_size,
    satisfaction_index,
)
from methods.survey.ordinal import ordinal_logit

# isort: split
# contracts §6 names these here. Imported after the survey modules, as the flat module did: scipy
# loads ~30 ms faster when survey's scipy.sparse/stats come before reliability's scipy.optimize.
from methods.reliability import bartlett, cronbach_alpha, kmo

# Besides __all__, the package keeps the public constants the flat module ``methods/survey.py``
# defined (``X as X`` above: re-exported on purpose) and ``_crit``, which
# methods.evaltypes.satisfaction uses.

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
