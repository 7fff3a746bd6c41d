"""Private helpers shared by the :mod:`methods.survey` submodules: input checks with Chinese
messages naming the column, group codes and sparse indicator matrices, critical values, JSON-ready
values, and the linearisation term (:class:`_Term`) every statistic is written in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, stats

_METHOD_LABEL = {
    "taylor": "泰勒线性化",
    "subbootstrap": "Rao–Wu 再标度自助法（每层抽 n−1 个 PSU）",
    "bootstrap": "Canty–Davison 再标度自助法（每层抽 n 个 PSU）",
    "JK1": "删一刀切法（JK1）",
    "JKn": "分层删一刀切法（JKn）",
}


# ---------------------------------------------------------------------------------------------
# Small helpers: validation with Chinese messages, JSON-ready values


def _clean(x: Any) -> Any:
    """JSON-ready scalar: numpy → Python, NaN/inf → None."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _clean(v) for k, v in r.items()} for r in df.to_dict("records")]


def _require_frame(data: Any) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"data 必须是 pandas DataFrame（每行一位受访者），实际为 {type(data).__name__}"
        )
    if len(data) == 0:
        raise ValueError("数据为空：至少需要 1 行受访者记录")
    return data


def _as_list(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return [str(c) for c in cols]


def _require_columns(data: pd.DataFrame, cols: Sequence[str], role: str) -> None:
    for c in cols:
        if c not in data.columns:
            shown = "、".join(map(str, list(data.columns)[:12]))
            more = " …" if data.shape[1] > 12 else ""
            raise ValueError(f"数据中没有{role}列 '{c}'（现有列：{shown}{more}）")


def _numeric_column(data: pd.DataFrame, col: str, role: str) -> np.ndarray:
    """A column as float (NaN = missing); text that is not a number raises naming the row."""
    s = data[col]
    if pd.api.types.is_bool_dtype(s):
        out = s.astype(float).to_numpy()
    elif pd.api.types.is_numeric_dtype(s):
        out = s.to_numpy(dtype=float, na_value=np.nan)
    else:
        txt = s.astype("string").str.strip()
        txt = txt.mask(txt == "")
        num = pd.to_numeric(txt, errors="coerce")
        bad = (txt.notna() & num.isna()).to_numpy(dtype=bool)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{role} {col} 第 {pos + 1} 行为文本 '{s.iloc[pos]}'：应为数值（缺失请留空）"
            )
        out = num.to_numpy(dtype=float, na_value=np.nan)
    inf = np.isinf(out)
    if inf.any():
        pos = int(np.flatnonzero(inf)[0])
        raise ValueError(f"{role} {col} 第 {pos + 1} 行为无穷大：应为有限数值")
    return out


def _no_missing(data: pd.DataFrame, cols: Sequence[str], role: str) -> None:
    for c in cols:
        na = data[c].isna().to_numpy()
        if na.any():
            pos = int(np.flatnonzero(na)[0])
            raise ValueError(f"{role} {c} 第 {pos + 1} 行缺失：{role}不能为空")


def _group_codes(data: pd.DataFrame, cols: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer codes (−1 where a key is missing) and the sorted distinct keys."""
    g = data.groupby(list(cols), sort=True, dropna=True, observed=True)
    codes = g.ngroup().fillna(-1).to_numpy(dtype=np.int64)
    labels = g.size().index.to_frame(index=False)
    return codes, labels.reset_index(drop=True)


def _indicator(
    codes: np.ndarray, n_rows: int, values: np.ndarray | None = None
) -> sparse.csr_matrix:
    """Sparse (n_rows × n) matrix with row ``codes[i]`` holding ``values[i]`` in column i."""
    n = len(codes)
    ok = codes >= 0
    v = np.ones(n) if values is None else values
    return sparse.csr_matrix(
        (v[ok], (codes[ok], np.flatnonzero(ok))), shape=(n_rows, n), dtype=float
    )


def _crit(conf_level: float, df: float | None) -> float:
    if not 0 < conf_level < 1:
        raise ValueError(f"置信水平 conf_level 应在 0 与 1 之间，实际为 {conf_level!r}")
    q = 1 - (1 - conf_level) / 2
    if df is None or not math.isfinite(df):
        return float(stats.norm.ppf(q))
    if df <= 0:
        return float("nan")
    return float(stats.t.ppf(q, df))


# ---------------------------------------------------------------------------------------------
# Internal structures of a design


@dataclass(frozen=True)
class _Term:
    coef: float
    num: int
    den: int | None
