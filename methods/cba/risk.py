"""Risk analysis (风险分析): Monte Carlo simulation of a model with its distribution chart, and
optimism-bias uplifts of capital costs and durations (乐观偏差调整).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods._resources import load_yaml
from methods.cba._common import _check_number, _cjk_family, _numeric_array, _pct, _show
from methods.cba.sensitivity import Model, _check_base, _Runner, _scenario_value

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["MonteCarloResult", "OptimismBias", "monte_carlo", "optimism_bias", "plot_distribution"]


DEFAULT_SEED = 20200048  # fixed default seed: reports are reproducible unless a seed is given
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
DISTRIBUTIONS = ("triangular", "pert", "normal", "uniform", "discrete")


# ---------------------------------------------------------------------------------------------
# Monte Carlo risk analysis


def _dist_spec(name: str, spec: Any, base_value: float | None) -> dict[str, Any]:
    """Normalise a distribution spec to a dict with absolute parameters (validated)."""
    where = f"distributions['{name}']"
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        if not spec:
            raise ValueError(f"{where} 不能为空")
        kind, *params = spec
        keys = {
            "triangular": ("min", "mode", "max"),
            "pert": ("min", "mode", "max", "lambda"),
            "normal": ("mean", "sd"),
            "uniform": ("low", "high"),
            "discrete": ("values", "probabilities"),
        }.get(str(kind))
        if keys is None:
            raise ValueError(
                f"{where} 的分布类型 '{kind}' 未知（可用：{'、'.join(DISTRIBUTIONS)}）"
            )
        if len(params) > len(keys):
            raise ValueError(f"{where} 的参数过多（{kind} 需要 {'、'.join(keys)}）")
        spec = {"dist": kind, **dict(zip(keys, params, strict=False))}
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where} 必须是 {{'dist': ..., 参数}} 映射或 (分布, 参数...) 元组")
    kind = spec.get("dist")
    if kind not in DISTRIBUTIONS:
        raise ValueError(f"{where} 的分布类型 '{kind}' 未知（可用：{'、'.join(DISTRIBUTIONS)}）")
    bv = 0.0 if base_value is None else base_value

    def num(key: str, default: Any = None) -> float:
        if key not in spec:
            if default is None:
                raise ValueError(f"{where} 缺少参数 '{key}'")
            return float(default)
        return _scenario_value(spec[key], bv, f"{where}['{key}']")

    out: dict[str, Any] = {"dist": kind}
    if kind in ("triangular", "pert"):
        lo, mode, hi = num("min"), num("mode"), num("max")
        if not lo <= mode <= hi:
            raise ValueError(
                f"{where} 需满足 min ≤ mode ≤ max，实际为 {_show(lo)}、{_show(mode)}、{_show(hi)}"
            )
        out.update(min=lo, mode=mode, max=hi)
        if kind == "pert":
            lam = num("lambda", 4.0)
            if lam <= 0:
                raise ValueError(f"{where} 的 lambda 必须大于 0，实际为 {_show(lam)}")
            out["lambda"] = lam
    elif kind == "normal":
        mean, sd = num("mean"), num("sd")
        if sd < 0:
            raise ValueError(f"{where} 的 sd 必须不小于 0，实际为 {_show(sd)}")
        out.update(mean=mean, sd=sd)
    elif kind == "uniform":
        lo, hi = num("low"), num("high")
        if lo > hi:
            raise ValueError(f"{where} 需满足 low ≤ high，实际为 {_show(lo)}、{_show(hi)}")
        out.update(low=lo, high=hi)
    else:
        if "values" not in spec or "probabilities" not in spec:
            raise ValueError(f"{where} 需要 values 与 probabilities")
        vals = np.array(
            [_scenario_value(x, bv, f"{where}['values']") for x in spec["values"]], dtype=float
        )
        probs = _numeric_array(spec["probabilities"], f"{where}['probabilities']", ndim=(1,))
        if vals.size == 0 or vals.size != probs.size:
            raise ValueError(
                f"{where} 的 values 与 probabilities 长度不一致（{vals.size} 与 {probs.size}）"
            )
        if (probs < 0).any() or abs(probs.sum() - 1) > 1e-9:
            raise ValueError(
                f"{where} 的 probabilities 必须非负且和为 1，实际和为 {_show(probs.sum())}"
            )
        out.update(values=vals.tolist(), probabilities=probs.tolist())
    return out


def _draw(spec: Mapping[str, Any], n: int, rng: np.random.Generator) -> np.ndarray:
    kind = spec["dist"]
    if kind in ("triangular", "pert"):
        lo, mode, hi = spec["min"], spec["mode"], spec["max"]
        if hi == lo:
            return np.full(n, lo)
        if kind == "triangular":
            return rng.triangular(lo, mode, hi, n)
        lam = spec["lambda"]
        a = 1 + lam * (mode - lo) / (hi - lo)
        b = 1 + lam * (hi - mode) / (hi - lo)
        return lo + (hi - lo) * rng.beta(a, b, n)
    if kind == "normal":
        return rng.normal(spec["mean"], spec["sd"], n)
    if kind == "uniform":
        return rng.uniform(spec["low"], spec["high"], n)
    return rng.choice(np.asarray(spec["values"]), size=n, p=np.asarray(spec["probabilities"]))


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Seeded Monte Carlo risk analysis of an indicator (风险分析).

    Attributes
    ----------
    indicator : str
    n, seed : int
    values : ndarray
        The indicator per draw (for histograms and cumulative curves).
    draws : DataFrame
        The sampled variables, one column per variable with a distribution.
    mean, median, sd : float
        Over the finite values (sd with ddof = 1).
    percentiles : Series
        P5, P10, P25, P50, P75, P90, P95 (numpy ``linear`` method), indexed by percent.
    p_negative : float
        P(indicator < 0).
    reference : float or None
    p_below_reference : float
        P(indicator ≤ reference); NaN without a reference.
    base_value : float
        The indicator at the base values.
    distributions : dict
        The normalised distribution specs used.
    n_invalid : int
        Draws where the model returned NaN or inf (excluded from the statistics).
    evaluation : str
        ``"vectorised"`` or ``"loop"``.
    """

    indicator: str
    n: int
    seed: Any
    values: np.ndarray
    draws: pd.DataFrame
    mean: float
    median: float
    sd: float
    percentiles: pd.Series
    p_negative: float
    reference: float | None
    p_below_reference: float
    base_value: float
    distributions: Mapping[str, Any]
    n_invalid: int = 0
    evaluation: str = "vectorised"
    unit: str = ""

    def cdf(self, x: float) -> float:
        """P(indicator ≤ x) over the finite draws."""
        v = self.values[np.isfinite(self.values)]
        return float((v <= x).mean()) if v.size else math.nan

    @property
    def all_invalid(self) -> bool:
        """Every draw gave NaN or inf: the run has no statistics (they are NaN)."""
        return self.n_invalid >= self.n

    def failure(self) -> str | None:
        """Why the run has no statistics, in Chinese; None when some draws are valid."""
        if not self.all_invalid:
            return None
        return (
            f"蒙特卡洛模拟的全部 {self.n:,} 次抽样 {self.indicator} 均无效（NaN/inf），"
            "未得出风险统计量；请核对 cba.monte_carlo.distributions 的分布参数"
        )

    def summary(self) -> str:
        u, ind = self.unit, self.indicator
        p = self.percentiles
        dists = "、".join(f"{k}~{v['dist']}" for k, v in self.distributions.items())
        if self.all_invalid:
            return f"蒙特卡洛模拟 {self.n:,} 次（随机种子 {self.seed}，{dists}）\n{self.failure()}"
        lines = [
            f"蒙特卡洛模拟 {self.n:,} 次（随机种子 {self.seed}，{dists}）",
            f"{ind} 均值 {fmt.num(self.mean)}{u}，中位数 {fmt.num(self.median)}{u}，"
            f"标准差 {fmt.num(self.sd)}{u}；基准值 {fmt.num(self.base_value)}{u}",
            f"P5–P95：{fmt.num(p.loc[5])} ~ {fmt.num(p.loc[95])}{u}；"
            f"P({ind} < 0) = {_pct(self.p_negative)}",
        ]
        if self.reference is not None:
            lines.append(f"P({ind} ≤ {fmt.num(self.reference)}) = {_pct(self.p_below_reference)}")
        if self.n_invalid:
            lines.append(f"提示：{self.n_invalid} 次抽样的结果无效（NaN/inf），已剔除")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Statistics (not the draws) as JSON-ready values; ``error`` says why there are none
        when every draw was invalid."""
        extra = {"error": self.failure()} if self.all_invalid else {}
        return _jsonable(
            {
                **extra,
                "indicator": self.indicator,
                "n": self.n,
                "seed": self.seed if isinstance(self.seed, int | None) else str(self.seed),
                "mean": self.mean,
                "median": self.median,
                "sd": self.sd,
                "percentiles": {f"p{k}": v for k, v in self.percentiles.items()},
                "p_negative": self.p_negative,
                "reference": self.reference,
                "p_below_reference": self.p_below_reference,
                "base_value": self.base_value,
                "distributions": dict(self.distributions),
                "n_invalid": self.n_invalid,
                "evaluation": self.evaluation,
                "summary": self.summary(),
            }
        )


def monte_carlo(
    model: Model,
    base: Mapping[str, float],
    distributions: Mapping[str, Any],
    n: int = 10_000,
    seed: int | np.random.Generator | None = DEFAULT_SEED,
    *,
    reference: float | None = None,
    vectorized: bool = True,
    indicator: str = "NPV",
    unit: str = "",
) -> MonteCarloResult:
    """Monte Carlo simulation of the indicator over uncertain variables (seeded, vectorised).

    Parameters
    ----------
    model : callable
        ``model({name: array}) → array`` of length ``n``: called once with all draws.
    base : mapping
        Base values; variables without a distribution stay at base (passed as constant arrays).
    distributions : mapping
        ``{variable: spec}`` with spec a dict or a tuple:

        * ``{"dist": "triangular", "min", "mode", "max"}``
        * ``{"dist": "pert", "min", "mode", "max", "lambda": 4}`` (Beta-PERT)
        * ``{"dist": "normal", "mean", "sd"}``
        * ``{"dist": "uniform", "low", "high"}``
        * ``{"dist": "discrete", "values": [...], "probabilities": [...]}``

        Parameters may be relative to the base value as strings (``"-10%"``).
    n : int, default 10000
    seed : int or Generator, default :data:`DEFAULT_SEED`
        Same seed and inputs → identical numbers. Variables are drawn in the order given.
    reference : float, optional
        Also report P(indicator ≤ reference).
    vectorized : bool, default True
        ``False`` evaluates draw by draw (slow; for models that cannot take arrays).
    indicator, unit : str

    Returns
    -------
    MonteCarloResult

    Notes
    -----
    PERT: X = min + (max − min)·Beta(α, β), α = 1 + λ(mode − min)/(max − min),
    β = 1 + λ(max − mode)/(max − min), so E[X] = (min + λ·mode + max)/(λ + 2) (λ = 4:
    (a + 4m + b)/6). Percentiles use numpy's default (linear) method.

    References
    ----------
    .. [1] European Commission, Guide to Cost-Benefit Analysis of Investment Projects, 2014,
       §2.10 (probabilistic risk analysis).
    .. [2] D. G. Malcolm, J. H. Roseboom, C. E. Clark and W. Fazar, "Application of a technique
       for research and development program evaluation", Operations Research 7(5), 1959 (PERT).

    Examples
    --------
    >>> model = lambda v: v["benefit"] * 10 - v["cost"]
    >>> mc = monte_carlo(
    ...     model,
    ...     {"benefit": 20.0, "cost": 100.0},
    ...     {"benefit": ("triangular", 8, 20, 24)},
    ...     n=2000,
    ...     seed=1,
    ... )
    >>> 0 < mc.p_negative < 0.05  # exact: (10 − 8)² / ((24 − 8)(20 − 8)) = 2.08%
    True
    """
    b = _check_base(base)
    if not isinstance(distributions, Mapping) or not distributions:
        raise ValueError("distributions 必须是非空的 {变量名: 分布} 映射")
    unknown = [k for k in distributions if k not in b]
    if unknown:
        raise ValueError(f"distributions 含 base 中没有的变量：{'、'.join(map(str, unknown))}")
    nn = _check_number(n, "n")
    if nn < 1 or nn != int(nn):
        raise ValueError(f"n 必须是正整数，实际为 {_show(n)}")
    nn = int(nn)
    specs = {str(k): _dist_spec(str(k), v, b[str(k)]) for k, v in distributions.items()}
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = {k: _draw(s, nn, rng) for k, s in specs.items()}
    runner = _Runner(model, b, True if vectorized else False)
    values = runner(draws, nn)
    base_value = runner({}, 1)[0] if vectorized else float(model(dict(b)))
    ok = np.isfinite(values)
    v = values[ok]
    ref = None if reference is None else _check_number(reference, "reference")
    if v.size:
        pct = np.percentile(v, PERCENTILES)
        stats = (float(v.mean()), float(np.median(v)), float(v.std(ddof=1)) if v.size > 1 else 0.0)
        p_neg = float((v < 0).mean())
        p_ref = float((v <= ref).mean()) if ref is not None else math.nan
    else:
        pct = np.full(len(PERCENTILES), np.nan)
        stats = (math.nan, math.nan, math.nan)
        p_neg = p_ref = math.nan
    return MonteCarloResult(
        indicator=indicator,
        n=nn,
        seed=seed if not isinstance(seed, np.random.Generator) else "Generator",
        values=values,
        draws=pd.DataFrame(draws),
        mean=stats[0],
        median=stats[1],
        sd=stats[2],
        percentiles=pd.Series(pct, index=pd.Index(PERCENTILES, name="percent"), name=indicator),
        p_negative=p_neg,
        reference=ref,
        p_below_reference=p_ref,
        base_value=float(base_value),
        distributions=specs,
        n_invalid=int((~ok).sum()),
        evaluation=runner.mode or "vectorised",
        unit=unit,
    )


def plot_distribution(
    result: MonteCarloResult, ax: Axes | None = None, *, bins: int = 50, title: str | None = None
) -> Axes:
    """Histogram of the simulated indicator with its cumulative probability curve.

    Parameters
    ----------
    result : MonteCarloResult
    ax : matplotlib Axes, optional
    bins : int
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        The histogram's Axes (the cumulative curve is on its twin y-axis).
    """
    family = _cjk_family()
    import matplotlib.pyplot as plt

    if not isinstance(result, MonteCarloResult):
        raise ValueError("result 必须是 monte_carlo 的结果（MonteCarloResult）")
    v = np.sort(result.values[np.isfinite(result.values)])
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    ax.hist(v, bins=bins, color="#2F6DB5", alpha=0.75, label="频数")
    ax.set_ylabel("频数", fontfamily=family)
    u = f"（{result.unit}）" if result.unit else ""
    ax.set_xlabel(f"{result.indicator}{u}", fontfamily=family)
    ax.axvline(0, color="#C0392B", linewidth=1, linestyle="--", label="0")
    if result.reference is not None and result.reference != 0:
        ax.axvline(result.reference, color="#8E44AD", linewidth=1, linestyle=":", label="参考值")
    ax2 = ax.twinx()
    ax2.plot(v, np.arange(1, v.size + 1) / max(v.size, 1) * 100, color="#E67E22", label="累计概率")
    ax2.set_ylim(0, 100)
    ax2.set_ylabel("累计概率（%）", fontfamily=family)
    ax.set_title(
        title
        or f"{result.indicator} 概率分布（{result.n:,} 次，P({result.indicator}<0) = {_pct(result.p_negative)}）",
        fontfamily=family,
    )
    handles = ax.get_legend_handles_labels()
    handles2 = ax2.get_legend_handles_labels()
    ax.legend(
        handles[0] + handles2[0],
        handles[1] + handles2[1],
        loc="upper left",
        frameon=False,
        prop={"family": family, "size": 8},
    )
    ax.spines[["top"]].set_visible(False)
    return ax


# ---------------------------------------------------------------------------------------------
# Optimism bias


@cache
def _ob_table() -> dict[str, Any]:
    return load_yaml("optimism_bias.yaml")


@dataclass(frozen=True, eq=False)
class OptimismBias:
    """Capex and works-duration uplifts for a (mixed) project (乐观偏差调整).

    Attributes
    ----------
    capex, duration : float
        Uplifts as fractions (0.321 = +32.1%); NaN duration when no type in the mix has duration
        data (outsourcing only).
    bound : str
        ``"upper"`` or ``"lower"``.
    table : DataFrame
        Per project type: ``project_type``, ``name``, ``capex_share``, ``capex_uplift``,
        ``capex_contribution``, ``duration_share``, ``duration_uplift``,
        ``duration_contribution``.
    source, status : str
    notes : tuple of str
    """

    capex: float
    duration: float
    bound: str
    table: pd.DataFrame
    source: str
    status: str
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        label = "上限" if self.bound == "upper" else "下限"
        mix = "、".join(f"{r.name} {_pct(r.capex_share, 0)}" for r in self.table.itertuples())
        lines = [
            f"乐观偏差调整（{label}；{mix}）：资本支出上调 {_pct(self.capex, 1)}，"
            f"工期延长 {_pct(self.duration, 1)}",
            f"依据：{self.source}（{self.status}）",
        ]
        lines.extend(f"提示：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "capex": self.capex,
                "duration": self.duration,
                "bound": self.bound,
                "table": self.table,
                "source": self.source,
                "status": self.status,
                "notes": list(self.notes),
                "summary": self.summary(),
            }
        )


def _shares(mix: Any, name: str, types: Mapping[str, Any]) -> dict[str, float]:
    if not isinstance(mix, Mapping) or not mix:
        raise ValueError(f"{name} 必须是非空的 {{项目类型: 占比}} 映射")
    unknown = [k for k in mix if k not in types]
    if unknown:
        raise ValueError(
            f"{name} 含未知项目类型 {'、'.join(map(str, unknown))}（可用：{'、'.join(types)}）"
        )
    out = {str(k): _check_number(v, f"{name}['{k}']") for k, v in mix.items()}
    neg = [k for k, v in out.items() if v < 0]
    if neg:
        raise ValueError(f"{name} 的占比不能为负（{'、'.join(neg)}）")
    total = sum(out.values())
    if abs(total - 1) > 1e-6:
        raise ValueError(f"{name} 的占比之和必须为 1，实际为 {_show(total)}")
    return out


def optimism_bias(
    mix: Mapping[str, float],
    bound: str = "upper",
    *,
    duration_mix: Mapping[str, float] | None = None,
) -> OptimismBias:
    """Optimism-bias uplifts from the Green Book supplementary guidance, weighted by project type.

    Parameters
    ----------
    mix : mapping
        ``{project type: share of capex}`` summing to 1. Types: ``standard_buildings``,
        ``non_standard_buildings``, ``standard_civil_engineering``,
        ``non_standard_civil_engineering``, ``equipment_development``, ``outsourcing``.
    bound : {"upper", "lower"}
        Upper bound at the start of appraisal; lower once risks are managed.
    duration_mix : mapping, optional
        Shares of works duration for the duration uplift (the guidance's weighting); default: the
        capex shares (reported in ``notes``).

    Returns
    -------
    OptimismBias

    Notes
    -----
    uplift = Σ_type share_type × uplift_type. Outsourcing has no duration figure: its duration
    share is left out and the other shares rescaled (noted). Its 41% / 0% applies to operating
    expenditure.

    References
    ----------
    .. [1] HM Treasury, Supplementary Green Book Guidance: Optimism Bias, 2003, Table 1 (from Mott
       MacDonald, Review of Large Public Procurement in the UK, 2002).

    Examples
    --------
    >>> ob = optimism_bias({"non_standard_buildings": 0.3, "standard_buildings": 0.7})
    >>> round(ob.capex, 3), round(ob.duration, 3)
    (0.321, 0.145)
    """
    data = _ob_table()
    types = data["types"]
    if bound not in ("upper", "lower"):
        raise ValueError(f"bound 必须是 'upper' 或 'lower'，实际为 {_show(bound)}")
    cap = _shares(mix, "mix", types)
    notes = []
    if duration_mix is None:
        dur = dict(cap)
        notes.append("工期调整按资本支出占比加权（未给出 duration_mix）")
    else:
        dur = _shares(duration_mix, "duration_mix", types)
    no_data = [k for k, v in dur.items() if v > 0 and types[k]["duration"][bound] is None]
    if no_data:
        notes.append(
            f"{'、'.join(types[k]['name'] for k in no_data)} 无工期调整数据，其工期占比不计，其余按比例放大"
        )
    if "outsourcing" in cap and cap["outsourcing"] > 0:
        notes.append("外包类的调整值针对运营支出（OPEX），不是资本支出")
    known = {k: v for k, v in dur.items() if types[k]["duration"][bound] is not None}
    known_total = sum(known.values())
    all_types = list(dict.fromkeys([*cap, *dur]))
    rows = []
    for k in all_types:
        t = types[k]
        cu = float(t["capex"][bound])
        du = t["duration"][bound]
        ds = known.get(k, 0.0) / known_total if known_total > 0 else 0.0
        rows.append(
            {
                "project_type": k,
                "name": t["name"],
                "capex_share": cap.get(k, 0.0),
                "capex_uplift": cu,
                "capex_contribution": cap.get(k, 0.0) * cu,
                "duration_share": ds,
                "duration_uplift": math.nan if du is None else float(du),
                "duration_contribution": ds * float(du) if du is not None else 0.0,
            }
        )
    table = pd.DataFrame(rows)
    capex = float(table["capex_contribution"].sum())
    duration = float(table["duration_contribution"].sum()) if known_total > 0 else math.nan
    return OptimismBias(
        capex,
        duration,
        bound,
        table,
        " ".join(str(data["source"]).split()),
        data["status"],
        tuple(notes),
    )
