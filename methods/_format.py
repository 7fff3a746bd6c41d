"""Number formatting shared by scoring reasons and reports (Chinese conventions: 千分位, 2 dp)."""

from __future__ import annotations

import math
from typing import Any


def num(x: Any, digits: int = 2) -> str:
    """A number with at most ``digits`` decimals, trailing zeros dropped, thousands separated.

    >>> num(1234.5), num(95.0), num(0.125, 2), num(None)
    ('1,234.5', '95', '0.13', '—')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, str):
        return x
    value = round_half_up(float(x), digits)
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fixed(x: Any, digits: int = 2) -> str:
    """A number with exactly ``digits`` decimals and thousands separators (tables of amounts)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{round_half_up(float(x), digits):,.{digits}f}"


def pct(x: Any, digits: int = 2) -> str:
    """A percentage given in percent units: ``pct(95.456) == '95.46%'``."""
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{num(x, digits)}%"


def with_unit(x: Any, unit: str | None) -> str:
    """A value followed by its unit (no space before %, 个, 万元 …)."""
    text = num(x) if not isinstance(x, list) else "–".join(num(v) for v in x)
    return text + (unit or "") if text != "—" else text


def round_half_up(x: float, digits: int = 2) -> float:
    """Round half away from zero, like Excel's ROUND and hand calculation (四舍五入).

    A relative nudge of 1e-9 absorbs binary representation error, so ``round_half_up(2.675)`` is
    2.68 as on paper (Python's ``round`` gives 2.67).
    """
    if not math.isfinite(x):
        return x
    factor = 10.0**digits
    scaled = abs(x) * factor
    rounded = math.floor(scaled + 0.5 + 1e-9 * max(1.0, scaled)) / factor
    return math.copysign(rounded, x) if rounded else 0.0
