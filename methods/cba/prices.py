"""Prices (价格): real ↔ nominal conversion with a deflator or an inflation rate, real and
nominal rates, and economic flows from financial ones with conversion factors (经济费用效益分析).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods.cba._common import _check_number, _check_rate, _is_real, _numeric_array, _show

__all__ = ["EconomicFlows", "economic_flows", "nominal_rate", "real_rate", "to_nominal", "to_real"]


def _year_series(x: Any, name: str) -> pd.Series | pd.DataFrame:
    if isinstance(x, Mapping):
        x = pd.Series(dict(x))
    if isinstance(x, pd.Series):
        _numeric_array(x, name, ndim=(1,))
        return x.astype(float)
    if isinstance(x, pd.DataFrame):
        _numeric_array(x, name, ndim=(2,))
        return x.astype(float)
    raise ValueError(f"{name} 需要以年份为索引（Series、{{年份: 值}} 或列为年份的 DataFrame）")


def _price_index(deflator: Any, years: Sequence[int], base_year: int) -> tuple[np.ndarray, float]:
    """Deflator values for ``years`` and for the base year (a rate gives (1 + π)^(year − base))."""
    if _is_real(deflator):
        pi = _check_rate(deflator, "deflator")
        idx = (1 + pi) ** (np.asarray(years, dtype=float) - base_year)
        return idx, 1.0
    d = _year_series(deflator, "deflator")
    if isinstance(d, pd.DataFrame):
        raise ValueError("deflator 必须是一条序列（年份 → 价格指数）或通胀率")
    d.index = [int(i) for i in d.index]
    missing = [y for y in [*years, base_year] if y not in d.index]
    if missing:
        raise ValueError(f"deflator 缺少年份 {'、'.join(map(str, dict.fromkeys(missing)))}")
    if (d <= 0).any():
        raise ValueError("deflator 的价格指数必须为正")
    return d.loc[list(years)].to_numpy(dtype=float), float(d.loc[base_year])


def _convert(values: Any, deflator: Any, base_year: Any, to_real_prices: bool, name: str):
    by = int(_check_number(base_year, "base_year"))
    x = _year_series(values, name)
    years = [int(y) for y in (x.columns if isinstance(x, pd.DataFrame) else x.index)]
    idx, base = _price_index(deflator, years, by)
    factor = base / idx if to_real_prices else idx / base
    return x * factor if isinstance(x, pd.Series) else x * factor[None, :]


def to_real(nominal: Any, deflator: Any, base_year: int) -> pd.Series | pd.DataFrame:
    """Convert nominal (current-price) amounts to real prices of ``base_year`` (不变价).

    Parameters
    ----------
    nominal : Series, mapping or DataFrame
        Amounts indexed by year (a DataFrame: one column per year, one row per line).
    deflator : Series, mapping or float
        A price index by year (any base), or a constant annual inflation rate.
    base_year : int
        Price base year.

    Returns
    -------
    Series or DataFrame

    Notes
    -----
    real_t = nominal_t × D(base_year) / D(t); with a rate π, D(t) = (1 + π)^{t − base_year}.

    Examples
    --------
    >>> to_real({2023: 100.0, 2024: 102.0}, {2023: 100, 2024: 102}, 2023).tolist()
    [100.0, 100.0]
    """
    return _convert(nominal, deflator, base_year, True, "nominal")


def to_nominal(real: Any, deflator: Any, base_year: int) -> pd.Series | pd.DataFrame:
    """Convert real amounts (prices of ``base_year``) to nominal prices; inverse of :func:`to_real`.

    Examples
    --------
    >>> to_nominal({2023: 100.0, 2025: 100.0}, 0.02, 2023).round(2).tolist()
    [100.0, 104.04]
    """
    return _convert(real, deflator, base_year, False, "real")


def real_rate(nominal: float, inflation: float) -> float:
    """Real rate from a nominal rate and inflation (Fisher): (1 + i)/(1 + π) − 1.

    Examples
    --------
    >>> round(real_rate(0.10, 0.06), 4)
    0.0377
    """
    i = _check_rate(nominal, "nominal")
    p = _check_rate(inflation, "inflation")
    return (1 + i) / (1 + p) - 1


def nominal_rate(real: float, inflation: float) -> float:
    """Nominal rate from a real rate and inflation (Fisher): (1 + r)(1 + π) − 1."""
    r = _check_rate(real, "real")
    p = _check_rate(inflation, "inflation")
    return (1 + r) * (1 + p) - 1


@dataclass(frozen=True, eq=False)
class EconomicFlows:
    """Economic (shadow-price) flows from financial flows by category (经济费用效益分析).

    Attributes
    ----------
    flows : DataFrame
        Economic flows, one row per category, one column per period.
    factors : Series
        Conversion factor used per category.
    basis : Series
        ``"specific"`` or ``"standard"`` per category.
    standard_conversion_factor : float
    net : Series
        Sum over categories per period.
    """

    flows: pd.DataFrame
    factors: pd.Series
    basis: pd.Series
    standard_conversion_factor: float
    net: pd.Series

    def summary(self) -> str:
        spec = "、".join(
            f"{k} {fmt.num(v, 3)}" for k, v in self.factors.items() if self.basis[k] == "specific"
        )
        return (
            f"经济分析：标准转换系数 SCF = {fmt.num(self.standard_conversion_factor, 3)}"
            + (f"；专用转换系数：{spec}" if spec else "")
            + f"；经济净现金流合计 {fmt.num(float(self.net.sum()))}"
        )

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "flows": {str(k): list(v) for k, v in self.flows.iterrows()},
                "factors": self.factors,
                "basis": self.basis,
                "standard_conversion_factor": self.standard_conversion_factor,
                "net": list(self.net),
                "summary": self.summary(),
            }
        )


def economic_flows(
    financial_flows_by_category: Any,
    conversion_factors: Mapping[str, float] | None = None,
    *,
    standard_conversion_factor: float = 1.0,
) -> EconomicFlows:
    """Convert financial flows to economic flows with conversion factors (影子价格换算).

    Parameters
    ----------
    financial_flows_by_category : DataFrame or mapping
        One row per category (index: category), one column per period; or
        ``{category: flows}`` of equal length. Signs as in the financial analysis.
    conversion_factors : mapping, optional
        ``{category: factor}``; categories not listed use the standard conversion factor. Use 0
        for pure transfers (taxes, subsidies) that are not economic costs or benefits.
    standard_conversion_factor : float, default 1.0
        SCF for the other categories (1.0 = no adjustment; reported).

    Returns
    -------
    EconomicFlows

    Notes
    -----
    economic_{c,t} = CF_c × financial_{c,t} (EU 2014 CBA guide §2.9.3; 《方法与参数》 影子价格).

    Examples
    --------
    >>> ef = economic_flows({"labour": [-100, -100], "tax": [-10, -10]}, {"labour": 0.8, "tax": 0})
    >>> ef.net.tolist()
    [-80.0, -80.0]
    """
    x = financial_flows_by_category
    if isinstance(x, Mapping):
        lengths = {k: len(np.atleast_1d(v)) for k, v in x.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                "financial_flows_by_category 各类别长度不一致（"
                + "、".join(f"{k} {n}" for k, n in lengths.items())
                + "）"
            )
        x = pd.DataFrame({str(k): np.atleast_1d(v) for k, v in x.items()}).T
    if not isinstance(x, pd.DataFrame):
        raise ValueError(
            "financial_flows_by_category 必须是 DataFrame（每行一个类别）或 {类别: 各期现金流}"
        )
    arr = _numeric_array(x, "financial_flows_by_category", ndim=(2,))
    cats = [str(c) for c in x.index]
    scf = _check_number(standard_conversion_factor, "standard_conversion_factor")
    if scf < 0:
        raise ValueError(f"standard_conversion_factor 不能为负，实际为 {_show(scf)}")
    cf = dict(conversion_factors or {})
    unknown = [k for k in cf if str(k) not in cats]
    if unknown:
        raise ValueError(
            f"conversion_factors 中的类别 {'、'.join(map(str, unknown))} 不在现金流类别中"
        )
    factors, basis = [], []
    for c in cats:
        if c in cf:
            v = _check_number(cf[c], f"conversion_factors['{c}']")
            if v < 0:
                raise ValueError(f"conversion_factors['{c}'] 不能为负，实际为 {_show(v)}")
            factors.append(v)
            basis.append("specific")
        else:
            factors.append(scf)
            basis.append("standard")
    fac = np.asarray(factors)
    econ = pd.DataFrame(arr * fac[:, None], index=x.index, columns=x.columns)
    return EconomicFlows(
        econ,
        pd.Series(fac, index=x.index, name="conversion_factor"),
        pd.Series(basis, index=x.index, name="basis"),
        scf,
        econ.sum(axis=0).rename("net"),
    )
