"""The words of the cost-benefit reports: percentages and amounts as a report writes them, the
discounting without its preset id, the names of the indicators (净现值 / 经济净现值) and of the
cash-flow line categories."""

from __future__ import annotations

import re

import numpy as np

from methods import _format as fmt

#: Chinese names of the usual line categories (other categories are shown as written).
CATEGORY_NAMES = {
    "capex": "建设投资",
    "investment": "建设投资",
    "renewal": "更新改造",
    "operating": "运营维护",
    "opex": "运营维护",
    "labour": "人工",
    "labor": "人工",
    "closure": "封场与修复",
    "benefit": "效益",
    "residual": "期末余值",
    "transfer": "转移支付",
    "other": "其他",
}


def _category(name: str) -> str:
    return CATEGORY_NAMES.get(str(name), str(name))


def _pct(x: float | None, digits: int = 2) -> str:
    if x is None or not np.isfinite(x):
        return "—"
    return fmt.pct(float(x) * 100, digits)


def pct(x: float | None, digits: int = 2) -> str:
    """0.0235 → 2.35% (— when missing)."""
    return _pct(x, digits)


def money(x: float, unit: str = "万元") -> str:
    """Amounts as the report writes them: thousands separators, two decimals, the unit."""
    return f"{fmt.fixed(x)}{unit}"


def indicator_name(result) -> str:
    """经济净现值 (economic analysis) or 净现值."""
    return "经济净现值" if result.model.analysis == "economic" else "净现值"


def irr_name(result) -> str:
    """经济内部收益率 (economic analysis) or 内部收益率."""
    return "经济内部收益率" if result.model.analysis == "economic" else "内部收益率"


_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=\d)|(?<=[\d%])\s+(?=[\u4e00-\u9fff])")


def discount_text(d) -> str:
    """The discounting in words, without the preset's id: 中国社会折现率8%, 折现率5%, or a
    declining schedule with its bands."""
    if d.name == "rate":
        return f"折现率{_pct(d.rates[0])}"
    if d.name == "rates":
        return f"逐期折现率（{len(d.rates)}期，首期{_pct(d.rates[0])}）"
    title = _SPACE.sub("", d.title)
    if len(d.rates) == 1:
        return title
    lows = (0, *[int(e) + 1 for e in d.edges])
    highs = (*[str(int(e)) for e in d.edges], "")
    bands = "，".join(
        (f"第{lo}—{hi}年" if hi else f"第{lo}年以后") + _pct(r, 3)
        for lo, hi, r in zip(lows, highs, d.rates, strict=True)
    )
    return f"{title}（{bands}）"
