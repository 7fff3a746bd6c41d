"""Comparison of alternatives: cost-effectiveness with incremental ratios (ICER) and dominance,
and least cost (最低成本法) over unequal lives by equivalent annual cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods.cba._common import _check_number, _numeric_array, _pct, _show
from methods.cba.discounting import (
    DiscountSchedule,
    _discount,
    _resolve_discount,
    _times,
    annuity_factor,
)

__all__ = ["CostEffectiveness", "LeastCost", "cost_effectiveness", "least_cost"]


def _alternatives_frame(
    alternatives: Any, columns: Sequence[str], name: str | None
) -> pd.DataFrame:
    if isinstance(alternatives, Mapping):
        alternatives = pd.DataFrame.from_dict(dict(alternatives), orient="index")
    if not isinstance(alternatives, pd.DataFrame):
        raise ValueError("alternatives 必须是 DataFrame（每行一个方案）或 {方案名: {...}} 映射")
    if alternatives.empty:
        raise ValueError("alternatives 不能为空")
    for col in columns:
        if col not in alternatives.columns:
            raise ValueError(
                f"alternatives 缺少列 '{col}'（现有：{'、'.join(map(str, alternatives.columns))}）"
            )
    if name is not None:
        if name not in alternatives.columns:
            raise ValueError(f"alternatives 缺少名称列 '{name}'")
        names = alternatives[name].astype(str).tolist()
    elif "name" in alternatives.columns:
        names = alternatives["name"].astype(str).tolist()
    else:
        names = [str(i) for i in alternatives.index]
    if len(set(names)) != len(names):
        raise ValueError("alternatives 的方案名称有重复")
    out = pd.DataFrame({"name": names})
    for col in columns:
        out[col] = _numeric_array(alternatives[col].to_numpy(), f"alternatives['{col}']", ndim=(1,))
    return out


@dataclass(frozen=True, eq=False)
class CostEffectiveness:
    """Cost-effectiveness of mutually exclusive alternatives (成本效果分析).

    Attributes
    ----------
    table : DataFrame
        One row per alternative, by ascending cost: ``name``, ``cost``, ``effect``,
        ``cost_per_effect`` (average ratio), ``inc_cost``, ``inc_effect``, ``icer`` (against the
        previous alternative on the frontier; NaN off the frontier and for the first),
        ``status`` (``ND`` on the frontier, ``D`` strictly dominated, ``ED`` extendedly
        dominated), ``status_zh`` and ``dominated_by``.
    frontier : tuple of str
        Names on the efficiency frontier, by ascending cost.
    effect_unit, cost_unit : str
    """

    table: pd.DataFrame
    frontier: tuple[str, ...]
    cost_unit: str = ""
    effect_unit: str = ""

    def summary(self) -> str:
        t = self.table
        on = t[t["status"] == "ND"]
        parts = [f"有效前沿：{' → '.join(self.frontier)}"]
        icers = [f"{r.name} {fmt.num(r.icer)}" for r in on.itertuples() if np.isfinite(r.icer)]
        unit = f"{self.cost_unit}/{self.effect_unit}" if self.effect_unit else ""
        if icers:
            parts.append(f"增量成本效果比 ICER：{'，'.join(icers)}{unit}")
        for status, label in (("D", "绝对劣势（成本更高且效果不更好）"), ("ED", "扩展劣势")):
            names = t.loc[t["status"] == status, "name"].tolist()
            if names:
                parts.append(f"{'、'.join(names)} 为{label}")
        return "；".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {"table": self.table, "frontier": list(self.frontier), "summary": self.summary()}
        )


def cost_effectiveness(
    alternatives: Any,
    cost: str = "cost",
    effect: str = "effect",
    *,
    name: str | None = None,
    cost_unit: str = "",
    effect_unit: str = "",
) -> CostEffectiveness:
    """Cost per outcome unit, ICERs along the frontier and dominance (成本效果分析).

    Parameters
    ----------
    alternatives : DataFrame or mapping
        One row per mutually exclusive alternative with a cost column and an effect column (costs
        usually as present values). Names from ``name``, else a ``name`` column, else the index.
    cost, effect : str
        Column names.
    name : str, optional
    cost_unit, effect_unit : str
        For the summary (e.g. ``万元``, ``户``).

    Returns
    -------
    CostEffectiveness

    Notes
    -----
    Sort by cost. An alternative is *strictly dominated* (D) if another costs no more and achieves
    at least as much effect (one of them strictly). Among the rest, ICER_i = ΔC/ΔE against the
    previous one; where ICERs fall along the sorted list, the alternative before the fall is
    *extendedly dominated* (ED: a mix of its neighbours does better) and is removed, repeating
    until ICERs increase. Equal cost and effect: the later one is marked D.

    References
    ----------
    .. [1] Drummond et al., Methods for the Economic Evaluation of Health Care Programmes, 4th ed.,
       2015.
    .. [2] R package dampack, ``calculate_icers`` (tests: the HERC example).

    Examples
    --------
    >>> import pandas as pd
    >>> alt = pd.DataFrame(
    ...     {"cost": [5000, 12000, 10000], "effect": [1, 1.5, 2]}, index=["UC", "A", "B"]
    ... )
    >>> cost_effectiveness(alt).table["status"].tolist()
    ['ND', 'ND', 'D']
    """
    df = _alternatives_frame(alternatives, [cost, effect], name)
    df = df.rename(columns={cost: "cost", effect: "effect"})
    df = df.sort_values(["cost", "effect"], ascending=[True, False], kind="stable")
    df = df.reset_index(drop=True)
    c, e = df["cost"].to_numpy(), df["effect"].to_numpy()
    names = df["name"].tolist()
    m = len(df)
    status = np.array(["ND"] * m, dtype=object)
    dominated_by = [""] * m
    # strict dominance: some j with c_j ≤ c_i and e_j ≥ e_i (one strictly), or an exact duplicate
    le_c = c[None, :] <= c[:, None]
    ge_e = e[None, :] >= e[:, None]
    strict = (c[None, :] < c[:, None]) | (e[None, :] > e[:, None])
    dup = (
        (c[None, :] == c[:, None])
        & (e[None, :] == e[:, None])
        & (np.arange(m)[None, :] < np.arange(m)[:, None])
    )
    dom = (le_c & ge_e & strict) | dup
    for i in np.flatnonzero(dom.any(axis=1)):
        status[i] = "D"
        dominated_by[i] = names[int(np.flatnonzero(dom[i])[0])]
    # extended dominance on the remaining, by ascending cost (few alternatives: plain loop)
    nd = [i for i in range(m) if status[i] == "ND"]
    while len(nd) > 2:
        icer = np.diff(c[nd]) / np.diff(e[nd])
        fall = np.flatnonzero(icer[:-1] > icer[1:])
        if not fall.size:
            break
        i = nd[int(fall[0]) + 1]
        status[i] = "ED"
        lo, hi = nd[int(fall[0])], nd[int(fall[0]) + 2]
        dominated_by[i] = f"{names[lo]} 与 {names[hi]} 的组合"
        nd.remove(i)
    inc_c = np.full(m, np.nan)
    inc_e = np.full(m, np.nan)
    inc_c[nd[1:]] = np.diff(c[nd])
    inc_e[nd[1:]] = np.diff(e[nd])
    with np.errstate(all="ignore"):
        df["cost_per_effect"] = np.where(e != 0, c / e, np.nan)
        df["inc_cost"] = inc_c
        df["inc_effect"] = inc_e
        df["icer"] = inc_c / inc_e
    df["status"] = status.astype(str)
    df["status_zh"] = df["status"].map({"ND": "有效前沿", "D": "绝对劣势", "ED": "扩展劣势"})
    df["dominated_by"] = dominated_by
    return CostEffectiveness(df, tuple(names[i] for i in nd), cost_unit, effect_unit)


@dataclass(frozen=True, eq=False)
class LeastCost:
    """Least-cost comparison of alternatives delivering the same output (最低成本法).

    Attributes
    ----------
    table : DataFrame
        One row per alternative, cheapest first on ``basis``: ``name``, ``pv_cost``, ``life``
        (years of the annuity), ``eac``, ``rank``, ``difference`` (to the cheapest, same basis),
        ``difference_pct``.
    basis : str
        ``"pv"`` (present value of costs) or ``"eac"`` (equivalent annual cost).
    cheapest : str
    discounting : DiscountSchedule
    t0 : float
    notes : tuple of str
    """

    table: pd.DataFrame
    basis: str
    cheapest: str
    discounting: DiscountSchedule
    t0: float
    notes: tuple[str, ...] = ()
    unit: str = ""

    def summary(self) -> str:
        label = "费用现值" if self.basis == "pv" else "等额年成本"
        col = "pv_cost" if self.basis == "pv" else "eac"
        t = self.table
        lines = [
            f"最低成本法（按{label}比较；{self.discounting.describe()}）：最低成本方案为 {self.cheapest}"
        ]
        for r in t.itertuples():
            extra = (
                ""
                if r.rank == 1
                else f"，比最低者高 {fmt.num(r.difference)}{self.unit}（{_pct(r.difference_pct)}）"
            )
            lines.append(
                f"  {r.rank}. {r.name}：{label} {fmt.num(getattr(r, col))}{self.unit}{extra}"
            )
        lines.extend(f"提示：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "table": self.table,
                "basis": self.basis,
                "cheapest": self.cheapest,
                "discounting": self.discounting.to_dict(),
                "t0": self.t0,
                "notes": list(self.notes),
                "summary": self.summary(),
            }
        )


def least_cost(
    alternatives: Any,
    rate: Any = None,
    schedule: str | DiscountSchedule | None = None,
    *,
    t0: float = 0,
    basis: str = "auto",
    effects: Mapping[str, float] | None = None,
    unit: str = "",
) -> LeastCost:
    """Compare alternatives delivering the same output by the present value of their costs.

    Parameters
    ----------
    alternatives : mapping or DataFrame
        ``{name: costs per period}`` (positive amounts, ``costs[0]`` at ``t0``; lengths may
        differ) or a DataFrame with one row per alternative and one column per period (trailing
        NaN end a shorter life).
    rate, schedule, t0
        As in :func:`npv` (default ``china_2006``).
    basis : {"auto", "pv", "eac"}
        Ranking basis. ``"auto"``: PV when all lives are equal, else EAC (unequal lives are only
        comparable per year). The basis used is reported.
    effects : mapping, optional
        Output of each alternative; if given it must be equal for all (otherwise use
        :func:`cost_effectiveness`).
    unit : str

    Returns
    -------
    LeastCost

    Notes
    -----
    PV_j = Σ C_{j,i} DF(t0 + i); EAC_j = PV_j / AF(n_j) with n_j = t0 + len_j − 1.

    References
    ----------
    .. [1] 《建设项目经济评价方法与参数》（第三版），2006（费用现值比较法、费用年值比较法）.
    .. [2] Brealey, Myers and Allen, Principles of Corporate Finance, ch. 6 (equivalent annual
       cost for equipment with different lives).

    Examples
    --------
    >>> lc = least_cost({"A": [15, 5, 5, 5], "B": [10, 6, 6]}, rate=0.06)
    >>> lc.basis, lc.cheapest
    ('eac', 'A')
    """
    if basis not in ("auto", "pv", "eac"):
        raise ValueError(f"basis 必须是 'auto'、'pv' 或 'eac'，实际为 {_show(basis)}")
    if isinstance(alternatives, pd.DataFrame):
        items = {str(k): row.dropna().to_numpy() for k, row in alternatives.iterrows()}
    elif isinstance(alternatives, Mapping):
        items = {str(k): v for k, v in alternatives.items()}
    else:
        raise ValueError("alternatives 必须是 {方案名: 各期费用} 映射或 DataFrame")
    if len(items) < 1:
        raise ValueError("alternatives 不能为空")
    s = _resolve_discount(rate, schedule)
    start = _check_number(t0, "t0")
    rows, notes = [], []
    for nm, costs in items.items():
        arr = _numeric_array(costs, f"alternatives['{nm}']", ndim=(1,))
        life = start + arr.size - 1
        pv = float(arr @ _discount(_times(arr.size, start), s))
        eac = pv / annuity_factor(life, s) if life >= 1 else math.nan
        rows.append({"name": nm, "pv_cost": pv, "life": life, "eac": eac})
    table = pd.DataFrame(rows)
    if effects is not None:
        missing = [n for n in table["name"] if n not in effects]
        if missing:
            raise ValueError(f"effects 缺少方案 {'、'.join(missing)} 的产出")
        vals = np.array([_check_number(effects[n], f"effects['{n}']") for n in table["name"]])
        if not np.allclose(vals, vals[0], rtol=1e-9, atol=0):
            raise ValueError(
                "各方案产出（effects）不相同，最低成本法不适用，请改用 cost_effectiveness"
            )
    equal_life = table["life"].nunique() == 1
    used = basis if basis != "auto" else ("pv" if equal_life else "eac")
    if used == "pv" and not equal_life:
        notes.append(
            "各方案寿命期不同，按费用现值比较会偏向短寿命方案，建议按等额年成本（EAC）比较"
        )
    if used == "eac" and basis == "auto":
        notes.append("各方案寿命期不同，自动改按等额年成本（EAC）比较")
    col = "pv_cost" if used == "pv" else "eac"
    table = table.sort_values(col, kind="stable").reset_index(drop=True)
    best = float(table[col].iloc[0])
    table["rank"] = np.arange(1, len(table) + 1)
    table["difference"] = table[col] - best
    table["difference_pct"] = table["difference"] / abs(best) if best else np.nan
    return LeastCost(table, used, str(table["name"].iloc[0]), s, start, tuple(notes), unit)
