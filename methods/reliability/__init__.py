"""Questionnaire reliability and validity (问卷信度与效度): α, ω, KMO, Bartlett, EFA, parallel analysis.

Satisfaction surveys (公众评判法, 服务对象满意度) are scored only after the scale has been checked:

======================  =====================================================================
function                what it answers
======================  =====================================================================
:func:`cronbach_alpha`  internal consistency (raw or standardised α), Feldt or bootstrap CI,
                        item statistics, α if item deleted, reverse-keyed item warnings
:func:`mcdonald_omega`  ω total from a one-factor model (minres or maximum likelihood)
:func:`kmo`             Kaiser–Meyer–Olkin sampling adequacy, overall and per item
:func:`bartlett`        Bartlett's test of sphericity
:func:`efa`             exploratory factor analysis with an explicit extraction and rotation
:func:`parallel_analysis`  Horn's parallel analysis for the number of factors
:func:`reverse_code`    x → min + max − x for reverse-keyed items
:func:`detect_reverse_items`  items whose corrected item-total correlation is negative
:func:`feldt_interval`  Feldt's F-distribution interval of α from (α, n, k)
:func:`kmo_label`       Kaiser's verbal label of a KMO value (极好 … 不可接受)
======================  =====================================================================

Every function takes a DataFrame with one column per item and one row per respondent, and an
optional ``items=`` list of columns (the rest are ignored). Text in an item, an all-missing item, a
constant item or fewer than two items raise :class:`ValueError` with a Chinese message naming the
column. "Constant" is judged relative to the item's own magnitude (standard deviation at most
1e-12 of its root-mean-square value), so it does not depend on units: answers around 1e-4 that
vary are an item, an item stuck at 1e8 is constant. Covariances are computed from mean-centred
answers (listwise and pairwise), so adding a constant to an item changes no result. Missing answers are never imputed: ``missing="listwise"`` (default) drops respondents with
any missing item, ``missing="pairwise"`` uses every pair's complete answers; the number of
respondents actually used is always reported (``.n``).

Each topic has its own submodule (everything is importable from ``methods.reliability`` itself):
``alpha`` (α, its intervals, reverse-keyed items), ``omega`` (ω), ``adequacy`` (KMO, Bartlett),
``factor`` (extraction, rotation, EFA) and ``parallel`` (parallel analysis).

Results are frozen dataclasses with ``.summary()`` (Chinese) and ``.to_dict()`` (JSON-ready, NaN →
None); tables are DataFrames with fixed English column names. The code is vectorised with numpy:
bootstrap resamples and parallel-analysis replicates are index/count matrices processed in chunks,
never Python loops over replicates (``benchmarks/reliability.py``).

The defaults and their sources (see each function): raw α with a Feldt CI (as psych::alpha and
pingouin), ω from a one-factor minres fit (as psych::omega), varimax rotation (as R's
``factanal`` and Stata's ``rotate``; psych::fa defaults to oblimin: pass ``rotation="oblimin"``
to match it), minres extraction (psych::fa).
"""

from methods.reliability._common import MISSING as MISSING
from methods.reliability._common import ZERO_VARIANCE_RTOL as ZERO_VARIANCE_RTOL
from methods.reliability.adequacy import KMO_BANDS as KMO_BANDS
from methods.reliability.adequacy import BartlettResult, KMOResult, bartlett, kmo, kmo_label
from methods.reliability.alpha import (
    AlphaResult,
    cronbach_alpha,
    detect_reverse_items,
    feldt_interval,
    reverse_code,
)
from methods.reliability.factor import HEYWOOD_BOUND as HEYWOOD_BOUND
from methods.reliability.factor import METHODS as METHODS
from methods.reliability.factor import ROTATIONS as ROTATIONS
from methods.reliability.factor import EFAResult, efa
from methods.reliability.omega import OmegaResult, mcdonald_omega
from methods.reliability.parallel import ParallelResult, parallel_analysis

# Besides __all__, the package keeps the public constants the flat module
# ``methods/reliability.py`` defined (``X as X`` above: re-exported on purpose).

__all__ = [
    "AlphaResult",
    "BartlettResult",
    "EFAResult",
    "KMOResult",
    "OmegaResult",
    "ParallelResult",
    "bartlett",
    "cronbach_alpha",
    "detect_reverse_items",
    "efa",
    "feldt_interval",
    "kmo",
    "kmo_label",
    "mcdonald_omega",
    "parallel_analysis",
    "reverse_code",
]
