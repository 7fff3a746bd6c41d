"""Private helpers shared by the :mod:`methods.cba` submodules: argument checks with Chinese
messages, values as shown in messages, per-series results (float, array or labelled Series) and
the CJK font family for charts.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt

#: A per-series result: a float for one series, an ndarray (or a labelled Series) for many.
PerSeries = float | np.ndarray | pd.Series


# ---------------------------------------------------------------------------------------------
# Small helpers: validation, labels, JSON


def _show(x: Any) -> str:
    """A value as it should appear in an error message (``-1.5``, ``'abc'``)."""
    if isinstance(x, bool) or x is None:
        return repr(x)
    if isinstance(x, numbers.Real):
        return f"{float(x):g}"
    return repr(x)


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _pct(x: float | None, digits: int = 2) -> str:
    """A fraction as a percentage: ``_pct(0.0866) == '8.66%'``."""
    if x is None or not np.isfinite(x):
        return "—"
    return fmt.pct(float(x) * 100, digits)


def _numeric_array(x: Any, name: str, *, ndim: tuple[int, ...] = (1, 2)) -> np.ndarray:
    """``x`` as a finite float array with ``ndim`` dimensions; Chinese ValueError otherwise."""
    if isinstance(x, pd.DataFrame | pd.Series):
        dtypes = x.dtypes if isinstance(x, pd.DataFrame) else [x.dtype]
        numeric = all(pd.api.types.is_numeric_dtype(d) for d in dtypes)
        raw = x.to_numpy(dtype=float, na_value=np.nan) if numeric else x.to_numpy(dtype=object)
    else:
        try:
            raw = np.asarray(x)
        except ValueError:
            raise ValueError(f"{name} 各行长度不一致，无法组成二维数组") from None
    if raw.dtype.kind in "biuf":
        arr = raw.astype(float)
    else:
        if raw.dtype.kind != "O":  # a list mixing numbers and text became all text: recover
            raw = np.asarray(x, dtype=object)
        for item in raw.ravel():
            if not _is_real(item):
                shown = item.item() if isinstance(item, np.generic) else item
                raise ValueError(f"{name} 含非数值：{_show(shown)}")
        arr = raw.astype(float)
    if arr.ndim not in ndim:
        want = "、".join(f"{d} 维" for d in ndim)
        raise ValueError(f"{name} 必须是 {want}数组，实际为 {arr.ndim} 维")
    if arr.size == 0 or (arr.ndim >= 1 and arr.shape[-1] == 0):
        raise ValueError(f"{name} 不能为空")
    if not np.isfinite(arr).all():
        pos = np.argwhere(~np.isfinite(arr))[0]
        what = "缺失值（NaN）" if np.isnan(arr[tuple(pos)]) else "无穷大"
        where = "、".join(str(int(p)) for p in pos)
        raise ValueError(f"{name} 含{what}（位置 {where}）")
    return arr


def _flows(x: Any, name: str = "flows") -> tuple[np.ndarray, pd.Index | None]:
    """Flows as a 1-D or 2-D float array plus the row labels of a DataFrame (else None)."""
    rows = x.index if isinstance(x, pd.DataFrame) else None
    return _numeric_array(x, name), rows


def _out(values: np.ndarray, arr: np.ndarray, rows: pd.Index | None, name: str):
    """Shape a per-series result: float for 1-D input, Series for a DataFrame, else ndarray."""
    if arr.ndim == 1:
        return float(np.asarray(values).reshape(-1)[0])
    if rows is not None:
        return pd.Series(values, index=rows, name=name)
    return np.asarray(values)


def _check_number(value: Any, name: str) -> float:
    if not _is_real(value):
        raise ValueError(f"{name} 必须是数值，实际为 {_show(value)}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} 必须是有限数值，实际为 {_show(v)}")
    return v


def _check_rate(value: Any, name: str = "rate") -> float:
    v = _check_number(value, name)
    if v <= -1:
        raise ValueError(f"{name} 必须大于 -1，实际为 {_show(v)}")
    return v


# ---------------------------------------------------------------------------------------------
# Sensitivity analysis


def _cjk_family() -> list[str]:
    """Register the bundled CJK font and return the font family list to pass to texts.

    Texts of an Axes created before registration keep their old font; passing the family
    explicitly makes Chinese render on such Axes too.
    """
    import matplotlib as mpl

    from methods import fonts

    fonts.register()
    return list(mpl.rcParams["font.family"])
