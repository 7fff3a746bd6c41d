"""TEMPORARY SHIM — the satisfaction survey type now lives in :mod:`methods.evaltypes.satisfaction`.

Kept only for the modules that still import from here (to be updated, then this file deleted):

- :mod:`methods.casefile` (``ScoredCase.data_paths``): :func:`indicator_data`;
- :mod:`methods.scoring` (the actual value of a 满意度 indicator): :func:`indicator_value`.

New code imports ``from methods.evaltypes.satisfaction import indicator_value, indicator_data``.
"""

from methods.evaltypes.satisfaction.indicator import (  # noqa: F401
    IndicatorValue,
    indicator_data,
    indicator_value,
)

__all__ = ["IndicatorValue", "indicator_data", "indicator_value"]
