"""Sensitivity analysis of a model (敏感性分析): elasticities, critical variables, one-way
changes, switching values, scenarios and the tornado chart.

A *model* maps a dict of variables to the indicator (usually NPV); given arrays it should return
an array of the same length, so every perturbation is evaluated in one call. Models that cannot
take arrays are evaluated one point at a time (``evaluation = "loop"``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods.cba._common import _check_number, _cjk_family, _is_real, _numeric_array, _pct, _show
from methods.cba.discounting import _schedule_presets

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "SensitivityResult",
    "critical_variables",
    "elasticities",
    "one_way",
    "scenarios",
    "switching_values",
    "tornado",
]


Model = Callable[[Mapping[str, Any]], Any]


def _check_base(base: Any) -> dict[str, float]:
    if not isinstance(base, Mapping) or not base:
        raise ValueError("base 必须是非空的 {变量名: 基准值} 映射")
    out = {}
    for k, v in base.items():
        if not _is_real(v) and not (isinstance(v, np.ndarray) and v.ndim == 0):
            raise ValueError(f"base['{k}'] 必须是数值，实际为 {_show(v)}")
        out[str(k)] = _check_number(float(v), f"base['{k}']")
    return out


def _check_variables(variables: Any, base: Mapping[str, float]) -> list[str]:
    if variables is None:
        return list(base)
    if isinstance(variables, str):
        variables = [variables]
    names = [str(v) for v in variables]
    if not names:
        raise ValueError("variables 不能为空")
    unknown = [v for v in names if v not in base]
    if unknown:
        raise ValueError(f"variables 含 base 中没有的变量：{'、'.join(unknown)}")
    return names


class _Runner:
    """Evaluate a model at k points: one vectorised call when the model takes arrays, else a loop."""

    def __init__(self, model: Model, base: Mapping[str, float], vectorized: bool | None):
        if not callable(model):
            raise ValueError("model 必须是可调用对象：model({变量名: 值}) → 指标值")
        self.model = model
        self.base = dict(base)
        self.vectorized = vectorized
        self.mode: str | None = None

    def __call__(self, changes: Mapping[str, np.ndarray], k: int) -> np.ndarray:
        if self.vectorized is not False and self.mode != "loop":
            inputs = {n: np.full(k, v) for n, v in self.base.items()}
            inputs.update({n: np.asarray(a, dtype=float) for n, a in changes.items()})
            try:
                out = np.asarray(self.model(inputs), dtype=float)
            except Exception:
                if self.vectorized:
                    raise
                out = None
            if out is not None and out.shape == (k,):
                self.mode = "vectorised"
                return out
            if out is not None and k == 1 and out.size == 1:
                return out.reshape(1)
            if self.vectorized:
                raise ValueError(
                    f"model 对数组输入未返回长度 {k} 的数组（实际形状 {None if out is None else out.shape}）；"
                    "请改写为可接受数组，或设 vectorized=False 逐点计算"
                )
        self.mode = "loop"
        res = np.empty(k)
        for i in range(k):
            inputs = dict(self.base)
            inputs.update({n: float(a[i]) for n, a in changes.items()})
            res[i] = float(np.asarray(self.model(inputs), dtype=float).reshape(-1)[0])
        return res

    def one(self, name: str, value: float) -> float:
        return float(self({name: np.array([value])}, 1)[0])


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """A sensitivity table (elasticities, critical variables, one-way, switching values, scenarios).

    Attributes
    ----------
    kind : str
        ``"elasticities"``, ``"critical"``, ``"one_way"``, ``"switching"`` or ``"scenarios"``.
    table : DataFrame
        Tidy table with fixed English columns (see the function that made it).
    base_npv : float
        The indicator at the base values.
    evaluation : str
        ``"vectorised"`` (one model call) or ``"loop"``.
    settings : dict
        Parameters used (delta, threshold, preset and source, change …).
    notes : tuple of str
    indicator : str
        Name of the model's output (default ``NPV``).
    """

    kind: str
    table: pd.DataFrame
    base_npv: float
    evaluation: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    indicator: str = "NPV"

    @property
    def critical(self) -> list[str]:
        """Variables flagged critical (``kind == "critical"``)."""
        if "critical" not in self.table:
            return []
        return self.table.loc[self.table["critical"], "variable"].tolist()

    def summary(self) -> str:
        ind, t = self.indicator, self.table
        head = f"基准 {ind} = {fmt.num(self.base_npv)}"
        if self.kind in ("elasticities", "critical"):
            lines = [f"{head}；各变量变动 ±{_pct(self.settings.get('delta'))} 时："]
            for r in t.itertuples():
                flag = "（关键变量）" if getattr(r, "critical", False) else ""
                lines.append(
                    f"  {r.variable}：弹性 {fmt.num(r.elasticity, 3)}，{ind} 变动 "
                    f"{_pct(r.pct_change_low)} / {_pct(r.pct_change_high)}{flag}"
                )
            if self.kind == "critical":
                crit = self.critical
                rule = self.settings.get("rule", "")
                lines.append(f"关键变量：{'、'.join(crit) if crit else '无'}（{rule}）")
        elif self.kind == "one_way":
            lines = [f"{head}；单因素变动（按影响幅度排序）："]
            for r in t.itertuples():
                lines.append(
                    f"  {r.variable}：{fmt.num(r.low_value)} → {ind} {fmt.num(r.npv_low)}；"
                    f"{fmt.num(r.high_value)} → {ind} {fmt.num(r.npv_high)}"
                )
        elif self.kind == "switching":
            lines = [f"{head}；临界值（{ind} = 0 时的变量取值）："]
            for r in t.itertuples():
                if np.isfinite(r.switching_value):
                    lines.append(
                        f"  {r.variable}：{fmt.num(r.base_value, 4)} → {fmt.num(r.switching_value, 4)}"
                        f"（变动 {'+' if r.pct_change > 0 else ''}{_pct(r.pct_change)}）"
                    )
                else:
                    lines.append(f"  {r.variable}：无临界值（{r.reason}）")
        else:
            lines = [f"{head}；情景分析："]
            for r in t.itertuples():
                lines.append(
                    f"  {r.scenario}：{ind} = {fmt.num(r.npv)}（较基准 {fmt.num(r.change)}）"
                )
        lines.extend(f"提示：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "kind": self.kind,
                "indicator": self.indicator,
                "base_npv": self.base_npv,
                "evaluation": self.evaluation,
                "settings": dict(self.settings),
                "table": self.table,
                "notes": list(self.notes),
                "summary": self.summary(),
            }
        )


def _perturb(
    model: Model,
    base: Any,
    variables: Any,
    delta: float,
    vectorized: bool | None,
) -> tuple[pd.DataFrame, float, str, list[str]]:
    b = _check_base(base)
    names = _check_variables(variables, b)
    d = _check_number(delta, "delta")
    if not 0 < d < 1:
        raise ValueError(f"delta 必须在 0 与 1 之间，实际为 {_show(d)}")
    v = len(names)
    k = 1 + 2 * v
    changes = {}
    for j, nm in enumerate(names):
        arr = np.full(k, b[nm])
        arr[1 + j] = b[nm] * (1 - d)
        arr[1 + v + j] = b[nm] * (1 + d)
        changes[nm] = arr
    runner = _Runner(model, b, vectorized)
    out = runner(changes, k)
    npv0, low, high = out[0], out[1 : 1 + v], out[1 + v :]
    notes = []
    with np.errstate(all="ignore"):
        pct_low = (low - npv0) / npv0 if npv0 != 0 else np.full(v, np.nan)
        pct_high = (high - npv0) / npv0 if npv0 != 0 else np.full(v, np.nan)
        elasticity = (high - low) / (2 * d * npv0) if npv0 != 0 else np.full(v, np.nan)
    if npv0 == 0:
        notes.append("基准值为 0，百分比变化与弹性无定义")
    zero = [nm for nm in names if b[nm] == 0]
    if zero:
        notes.append(f"{'、'.join(zero)} 的基准值为 0，按比例变动后不变，弹性无意义")
        for j, nm in enumerate(names):
            if nm in zero:
                elasticity[j] = np.nan
    table = pd.DataFrame(
        {
            "variable": names,
            "base_value": [b[nm] for nm in names],
            "low_value": [b[nm] * (1 - d) for nm in names],
            "high_value": [b[nm] * (1 + d) for nm in names],
            "npv_base": npv0,
            "npv_low": low,
            "npv_high": high,
            "pct_change_low": pct_low,
            "pct_change_high": pct_high,
            "elasticity": elasticity,
            "swing": np.abs(high - low),
        }
    )
    return table, float(npv0), runner.mode or "vectorised", notes


def elasticities(
    model: Model,
    base: Mapping[str, float],
    variables: Sequence[str] | None = None,
    delta: float = 0.01,
    *,
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """Elasticity of the indicator (NPV) with respect to each variable (弹性系数).

    Parameters
    ----------
    model : callable
        ``model({name: value}) → NPV``. Given arrays it should return an array: then the base and
        all ±delta perturbations are evaluated in one call.
    base : mapping
        Base values of all variables.
    variables : sequence of str, optional
        Variables to perturb (default: all of ``base``).
    delta : float, default 0.01
        Relative change (±1%).
    vectorized : bool, optional
        ``None`` (default): try one vectorised call, fall back to a loop. ``True``: require it.
        ``False``: loop.
    indicator : str
        Label of the model's output.

    Returns
    -------
    SensitivityResult
        ``table`` columns: ``variable``, ``base_value``, ``low_value``, ``high_value``,
        ``npv_base``, ``npv_low``, ``npv_high``, ``pct_change_low``, ``pct_change_high``,
        ``elasticity``, ``swing``.

    Notes
    -----
    Central difference: E = [(NPV(x(1+δ)) − NPV(x(1−δ))) / NPV₀] / (2δ). Percentage changes are
    relative to the signed base NPV₀.

    References
    ----------
    .. [1] European Commission, Guide to Cost-Benefit Analysis of Investment Projects, 2014,
       §2.10 (sensitivity analysis: elasticities and critical variables).

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> e = elasticities(model, {"benefit": 20.0, "cost": 100.0})
    >>> e.table["elasticity"].round(3).tolist()
    [2.0, -1.0]
    """
    table, npv0, mode, notes = _perturb(model, base, variables, delta, vectorized)
    return SensitivityResult(
        "elasticities", table, npv0, mode, {"delta": delta}, tuple(notes), indicator
    )


def _sensitivity_preset(name: str) -> Mapping[str, Any]:
    presets = _schedule_presets().get("sensitivity", {})
    if not isinstance(name, str) or name not in presets:
        raise ValueError(f"未知的敏感性分析预设 preset '{name}'（可用：{'、'.join(presets)}）")
    return presets[name]


def critical_variables(
    model: Model,
    base: Mapping[str, float],
    variables: Sequence[str] | None = None,
    *,
    delta: float | None = None,
    threshold: float | None = None,
    preset: str = "eu_2014",
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """Critical variables: a ±1% change moves NPV by more than 1% (EU 2014 CBA guide).

    Parameters
    ----------
    model, base, variables, vectorized, indicator
        As in :func:`elasticities`.
    delta, threshold : float, optional
        Relative change of the variable and of NPV; default from ``preset``.
    preset : str, default ``"eu_2014"``
        From ``discount_schedules.yaml`` → ``sensitivity`` (δ = 1%, threshold 1%).

    Returns
    -------
    SensitivityResult
        As :func:`elasticities` plus the boolean column ``critical``; ``.critical`` lists them.

    Notes
    -----
    A variable is critical if max(|ΔNPV₋/NPV₀|, |ΔNPV₊/NPV₀|) > threshold for x·(1 ± δ). With a
    base NPV of 0 every variable that moves NPV is flagged.

    References
    ----------
    .. [1] European Commission, Guide to Cost-Benefit Analysis of Investment Projects, 2014,
       §2.10 (sensitivity analysis).

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> critical_variables(model, {"benefit": 20.0, "cost": 100.0}).critical
    ['benefit']
    """
    p = _sensitivity_preset(preset)
    d = float(p["delta"]) if delta is None else delta
    th = float(p["threshold"]) if threshold is None else _check_number(threshold, "threshold")
    table, npv0, mode, notes = _perturb(model, base, variables, d, vectorized)
    worst = np.maximum(table["pct_change_low"].abs(), table["pct_change_high"].abs())
    if npv0 == 0:
        table["critical"] = table["swing"] > 0
    else:
        table["critical"] = (worst > th).to_numpy()
    settings = {
        "delta": d,
        "threshold": th,
        "preset": preset,
        "rule": p.get("rule", ""),
        "source": " ".join(str(p.get("source", "")).split()),
        "status": p.get("status", ""),
    }
    return SensitivityResult("critical", table, npv0, mode, settings, tuple(notes), indicator)


def one_way(
    model: Model,
    base: Mapping[str, float],
    variables: Sequence[str] | None = None,
    change: float = 0.2,
    *,
    ranges: Mapping[str, Sequence[float]] | None = None,
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """One-way sensitivity over a range per variable (单因素敏感性分析; data for :func:`tornado`).

    Parameters
    ----------
    model, base, variables, vectorized, indicator
        As in :func:`elasticities`.
    change : float, default 0.2
        Relative change ±20% for variables without an explicit range.
    ranges : mapping, optional
        ``{variable: (low, high)}`` absolute values.

    Returns
    -------
    SensitivityResult
        ``table`` (largest swing first): ``variable``, ``base_value``, ``low_value``,
        ``high_value``, ``npv_base``, ``npv_low``, ``npv_high``, ``swing``.

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> one_way(model, {"benefit": 20.0, "cost": 100.0}).table["variable"].tolist()
    ['benefit', 'cost']
    """
    b = _check_base(base)
    names = _check_variables(variables, b)
    ch = _check_number(change, "change")
    ranges = dict(ranges or {})
    unknown = [k for k in ranges if k not in b]
    if unknown:
        raise ValueError(f"ranges 含 base 中没有的变量：{'、'.join(unknown)}")
    names = list(dict.fromkeys([*names, *ranges]))
    lows, highs = [], []
    for nm in names:
        if nm in ranges:
            pair = _numeric_array(ranges[nm], f"ranges['{nm}']", ndim=(1,))
            if pair.size != 2:
                raise ValueError(f"ranges['{nm}'] 必须是 (低值, 高值)")
            lows.append(pair[0])
            highs.append(pair[1])
        else:
            lows.append(b[nm] * (1 - ch))
            highs.append(b[nm] * (1 + ch))
    v = len(names)
    k = 1 + 2 * v
    changes = {}
    for j, nm in enumerate(names):
        arr = np.full(k, b[nm])
        arr[1 + j], arr[1 + v + j] = lows[j], highs[j]
        changes[nm] = arr
    runner = _Runner(model, b, vectorized)
    out = runner(changes, k)
    table = pd.DataFrame(
        {
            "variable": names,
            "base_value": [b[nm] for nm in names],
            "low_value": lows,
            "high_value": highs,
            "npv_base": out[0],
            "npv_low": out[1 : 1 + v],
            "npv_high": out[1 + v :],
        }
    )
    table["swing"] = (table["npv_high"] - table["npv_low"]).abs()
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    settings = {"change": ch, "ranges": {k: list(map(float, v)) for k, v in ranges.items()}}
    return SensitivityResult(
        "one_way", table, float(out[0]), runner.mode or "vectorised", settings, (), indicator
    )


_SWITCH_GRID = np.array(
    [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5,
     0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0]
)  # fmt: skip


def switching_values(
    model: Model,
    base: Mapping[str, float],
    variables: Sequence[str] | None = None,
    *,
    max_change: float = 10.0,
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """Switching values (临界值): the value of each variable at which NPV = 0, others at base.

    Parameters
    ----------
    model, base, variables, vectorized, indicator
        As in :func:`elasticities`.
    max_change : float, default 10
        Search relative changes in [−max_change, +max_change] (±1000%).

    Returns
    -------
    SensitivityResult
        ``table``: ``variable``, ``base_value``, ``switching_value``, ``pct_change`` (fraction;
        +0.35 = +35%), ``npv_base``, ``reason`` (why there is none; empty otherwise),
        ``other_side`` (a crossing also exists in the other direction).

    Notes
    -----
    For each variable, NPV is evaluated on a grid of relative changes (all variables and grid
    points in one vectorised call). The sign change nearest to the base value brackets the root,
    which ``scipy.optimize.brentq`` then solves to 1e-12. No sign change in the range gives NaN
    with a reason (NPV does not depend on the variable, or does not change sign).

    References
    ----------
    .. [1] HM Treasury, The Green Book, 2003, §5.70 (switching values).

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> sv = switching_values(model, {"benefit": 20.0, "cost": 100.0})
    >>> sv.table["switching_value"].round(6).tolist(), sv.table["pct_change"].round(6).tolist()
    ([10.0, 200.0], [-0.5, 1.0])
    """
    from scipy.optimize import brentq

    b = _check_base(base)
    names = _check_variables(variables, b)
    mc = _check_number(max_change, "max_change")
    if mc <= 0:
        raise ValueError(f"max_change 必须大于 0，实际为 {_show(mc)}")
    grid = np.unique(np.concatenate((_SWITCH_GRID[_SWITCH_GRID < mc], [mc])))
    g = grid.size
    v = len(names)
    k = 1 + 2 * g * v
    changes = {}
    for j, nm in enumerate(names):
        arr = np.full(k, b[nm])
        s = 1 + 2 * g * j
        arr[s : s + g] = b[nm] * (1 + grid)
        arr[s + g : s + 2 * g] = b[nm] * (1 - grid)
        changes[nm] = arr
    runner = _Runner(model, b, vectorized)
    out = runner(changes, k)
    npv0 = float(out[0])
    rows = []
    for j, nm in enumerate(names):
        s = 1 + 2 * g * j
        row = {"variable": nm, "base_value": b[nm], "switching_value": np.nan, "pct_change": np.nan,
               "npv_base": npv0, "reason": "", "other_side": False}  # fmt: skip
        if npv0 == 0:
            row.update(switching_value=b[nm], pct_change=0.0, reason="")
            rows.append(row)
            continue
        if b[nm] == 0:
            row["reason"] = "基准值为 0，无法按比例变动"
            rows.append(row)
            continue
        brackets = []
        for side, vals in ((1.0, out[s : s + g]), (-1.0, out[s + g : s + 2 * g])):
            # first sign change before the first invalid (NaN/inf) grid value, if any
            stop = int(np.argmin(np.isfinite(vals))) if not np.isfinite(vals).all() else g
            flips = np.flatnonzero(np.sign(vals[:stop]) != np.sign(npv0))
            if flips.size:
                j = int(flips[0])
                brackets.append((side * (grid[j - 1] if j else 0.0), side * grid[j]))
        if not brackets:
            seg = out[s : s + 2 * g]
            flat = np.allclose(seg[np.isfinite(seg)], npv0, rtol=1e-12, atol=1e-12 * abs(npv0))
            row["reason"] = (
                f"{indicator} 不随该变量变化"
                if flat
                else f"在 ±{_pct(mc, 0)} 范围内 {indicator} 不变号"
            )
            rows.append(row)
            continue
        a, c = min(brackets, key=lambda br: abs(br[1]))
        row["other_side"] = len(brackets) > 1

        def f(p, nm=nm):
            return runner.one(nm, b[nm] * (1 + p))

        root = brentq(f, a, c, xtol=1e-14, rtol=1e-12, maxiter=200)
        row.update(switching_value=b[nm] * (1 + root), pct_change=root)
        rows.append(row)
    table = pd.DataFrame(rows)
    notes = []
    if table["other_side"].any():
        notes.append(
            f"{'、'.join(table.loc[table['other_side'], 'variable'])} 向两个方向变动都可能使 "
            f"{indicator} 变号，表中为离基准值较近的一个"
        )
    return SensitivityResult(
        "switching",
        table,
        npv0,
        runner.mode or "vectorised",
        {"max_change": mc, "method": "grid + scipy.optimize.brentq"},
        tuple(notes),
        indicator,
    )


_REL = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$")


def _scenario_value(value: Any, base_value: float, where: str) -> float:
    """A scenario or distribution value: a number (absolute) or ``"+10%"`` (relative to base)."""
    if isinstance(value, str):
        m = _REL.match(value)
        if not m:
            raise ValueError(f"{where} 必须是数值或 '+10%' 形式的相对变动，实际为 {_show(value)}")
        return base_value * (1 + float(m.group(1)) / 100)
    return _check_number(value, where)


def scenarios(
    model: Model,
    base: Mapping[str, float],
    scenarios: Mapping[str, Mapping[str, Any]],
    *,
    vectorized: bool | None = None,
    indicator: str = "NPV",
) -> SensitivityResult:
    """Scenario analysis (情景分析): NPV when several variables change together.

    Parameters
    ----------
    model, base, vectorized, indicator
        As in :func:`elasticities`.
    scenarios : mapping
        ``{scenario: {variable: value}}``; a value is absolute, or relative as ``"+10%"`` /
        ``"-20%"``. Variables not named stay at base.

    Returns
    -------
    SensitivityResult
        ``table``: ``scenario`` (``基准`` first), ``npv``, ``change``, ``pct_change`` and one column
        per variable with its value.

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> sc = scenarios(
    ...     model, {"benefit": 20.0, "cost": 100.0}, {"悲观": {"benefit": "-20%", "cost": "+10%"}}
    ... )
    >>> sc.table["npv"].round(6).tolist()
    [100.0, 50.0]
    """
    b = _check_base(base)
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise ValueError("scenarios 必须是非空的 {情景名: {变量名: 值}} 映射")
    names = ["基准", *[str(s) for s in scenarios]]
    k = len(names)
    values = {nm: np.full(k, b[nm]) for nm in b}
    for i, (sc, spec) in enumerate(scenarios.items(), start=1):
        if not isinstance(spec, Mapping):
            raise ValueError(f"scenarios['{sc}'] 必须是 {{变量名: 值}} 映射")
        for var, val in spec.items():
            if var not in b:
                raise ValueError(f"scenarios['{sc}'] 含未知变量 '{var}'")
            values[var][i] = _scenario_value(val, b[var], f"scenarios['{sc}']['{var}']")
    runner = _Runner(model, b, vectorized)
    out = runner(values, k)
    table = pd.DataFrame({"scenario": names, "npv": out})
    table["change"] = table["npv"] - out[0]
    table["pct_change"] = table["change"] / abs(out[0]) if out[0] != 0 else np.nan
    for nm in b:
        table[nm] = values[nm]
    return SensitivityResult(
        "scenarios", table, float(out[0]), runner.mode or "vectorised", {}, (), indicator
    )


def tornado(
    sensitivity_table: Any, ax: Axes | None = None, *, title: str | None = None, unit: str = ""
) -> Axes:
    """Tornado chart: NPV at the low and high value of each variable, largest swing on top.

    Parameters
    ----------
    sensitivity_table : SensitivityResult or DataFrame
        From :func:`one_way` or :func:`elasticities` (columns ``variable``, ``npv_low``,
        ``npv_high`` and ``npv_base``).
    ax : matplotlib Axes, optional
    title : str, optional
    unit : str
        Money unit for the axis label.

    Returns
    -------
    matplotlib.axes.Axes
    """
    family = _cjk_family()
    import matplotlib.pyplot as plt

    if isinstance(sensitivity_table, SensitivityResult):
        table = sensitivity_table.table
        base = sensitivity_table.base_npv
        indicator = sensitivity_table.indicator
    elif isinstance(sensitivity_table, pd.DataFrame):
        table = sensitivity_table
        indicator = "NPV"
        base = float(table["npv_base"].iloc[0]) if "npv_base" in table else math.nan
    else:
        raise ValueError("sensitivity_table 必须是 SensitivityResult 或 DataFrame")
    for col in ("variable", "npv_low", "npv_high"):
        if col not in table:
            raise ValueError(f"sensitivity_table 缺少列 '{col}'")
    if not np.isfinite(base):
        raise ValueError("sensitivity_table 缺少基准值 npv_base")
    t = table.assign(swing=(table["npv_high"] - table["npv_low"]).abs())
    t = t.sort_values("swing", kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.5 * len(t) + 1.6))
    y = np.arange(len(t))
    low = t["npv_low"].to_numpy(dtype=float)
    high = t["npv_high"].to_numpy(dtype=float)
    ax.barh(y, low - base, left=base, color="#C0392B", height=0.6, label="变量取低值")
    ax.barh(y, high - base, left=base, color="#2F6DB5", height=0.6, label="变量取高值")
    ax.axvline(base, color="#333333", linewidth=1)
    ax.set_yticks(y, t["variable"].astype(str).tolist(), fontfamily=family)
    ax.set_xlabel(f"{indicator}" + (f"（{unit}）" if unit else ""), fontfamily=family)
    ax.set_title(title or f"{indicator} 敏感性（龙卷风图）", fontfamily=family)
    ax.legend(loc="lower right", frameon=False, prop={"family": family, "size": 8})
    ax.spines[["top", "right"]].set_visible(False)
    return ax
