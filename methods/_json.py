"""JSON-ready values for results.json and ``to_dict`` methods."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def jsonable(value: Any) -> Any:
    """Plain JSON types, recursively: mappings (keys as text), DataFrames (list of records),
    Series (dict), arrays, lists and tuples (lists), numpy scalars (Python scalars); NaN, ±inf,
    ``pd.NA`` and ``pd.NaT`` become None."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict("records")]
    if isinstance(value, pd.Series):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if value is pd.NA or value is pd.NaT:
        return None
    return value
