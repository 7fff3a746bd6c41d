"""Ex-ante performance assessment (事前绩效评估, rules.md §4): scoring, conclusion and report pieces.

A framework (``methods/_data/frameworks/ex_ante_project.yaml`` or ``ex_ante_policy.yaml``) lists the
dimensions (立项必要性, 投入经济性, … / 政策设立必要性, 保障充分性, …) and their sub-items (评估要点)
with points. Each sub-item is rated 优/良/中/差 and scores ``points × scale[rating]``
(:func:`rating_scale`); the total (0–100) gives the conclusion 予以支持 / 部分支持（调整后支持） /
不予支持 by cut-offs (:func:`conclusion_bands`). All of these are data in
``methods/_data/ex_ante.yaml`` with their source and status, and a case may override the scale
and the cut-offs.

Sub-items with a ``derive`` rule get a *suggested* rating from evidence (:func:`suggest`):
投入经济性 from the case's own ``cba:`` block (B/C, IRR or MIRR against the discount rate,
P(NPV < 0) or switching values, the least-cost comparison), 执行风险 from the risk register
(likelihood × impact matrix, :func:`risk_register`). The evaluator may rate differently, and must
then say why (``basis``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._resources import data_path, load_yaml
from methods.errors import CaseError

RATINGS = ("优", "良", "中", "差")
STATUS_ZH = {"reg": "法规", "local": "地方规定", "practice": "实务做法", "unverified": "未核实"}


def _pct(x: float | None, digits: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "—"
    return fmt.pct(float(x) * 100, digits)


@cache
def rules() -> dict[str, Any]:
    """The rule parameters (``methods/_data/ex_ante.yaml``)."""
    return load_yaml("ex_ante.yaml")


# ---------------------------------------------------------------------------------------------
# Frameworks


@dataclass(frozen=True)
class Item:
    """A sub-item (评估要点) of a dimension."""

    code: str
    name: str
    dimension: str
    points: float
    guide: str = ""
    derive: str | None = None


@dataclass(frozen=True)
class Dimension:
    """A dimension (评估维度) with its points and sub-items."""

    name: str
    points: float
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ExAnteFramework:
    """An ex-ante assessment framework (dimensions, sub-items, provenance)."""

    id: str
    name: str
    variant: str
    object_name: str
    source: str
    status: str
    points_status: str
    requires_cba: bool
    dimensions: tuple[Dimension, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for d in self.dimensions for i in d.items)

    def item(self, key: str) -> Item | None:
        """The sub-item with this code or name."""
        key = str(key).strip()
        return next((i for i in self.items if key in (i.code, i.name)), None)

    def listing(self) -> str:
        return "、".join(f"{i.code} {i.name}" for i in self.items)


def available() -> list[str]:
    """Ids of the shipped ex-ante frameworks."""
    return sorted(p.stem for p in data_path("frameworks").glob("ex_ante_*.yaml"))


@cache
def framework(framework_id: str) -> ExAnteFramework:
    """Load an ex-ante framework by id (``ex_ante_project`` or ``ex_ante_policy``)."""
    if framework_id not in available():
        raise CaseError(
            f"未知的事前绩效评估框架 '{framework_id}'",
            field=("framework",),
            hint="可用：" + "、".join(available()),
        )
    raw = load_yaml("frameworks", f"{framework_id}.yaml")
    dims = []
    for d in raw["level1"]:
        items = tuple(
            Item(
                code=str(i["code"]),
                name=str(i["name"]),
                dimension=str(d["name"]),
                points=float(i["points"]),
                guide=str(i.get("guide", "")),
                derive=i.get("derive"),
            )
            for i in d["items"]
        )
        total = sum(i.points for i in items)
        if abs(total - float(d["points"])) > 1e-9:  # pragma: no cover - shipped data is checked
            raise ValueError(
                f"{framework_id}: {d['name']} 的要点分值合计 {total:g} ≠ {d['points']}"
            )
        dims.append(Dimension(str(d["name"]), float(d["points"]), items))
    return ExAnteFramework(
        id=raw["id"],
        name=raw["name"],
        variant=raw.get("variant", "project"),
        object_name=raw.get("object_name", "项目"),
        source=" ".join(str(raw["source"]).split()),
        status=raw["status"],
        points_status=raw.get("points_status", raw["status"]),
        requires_cba=bool(raw.get("requires_cba", False)),
        dimensions=tuple(dims),
    )


def framework_for(case) -> ExAnteFramework:
    """The case's framework: ``framework:`` if given, else by ``object_type`` (policy → policy)."""
    name = getattr(case, "framework", None)
    if name is None:
        name = "ex_ante_policy" if case.object_type == "policy" else "ex_ante_project"
    return framework(name)


# ---------------------------------------------------------------------------------------------
# Rating scale and conclusion bands


@dataclass(frozen=True)
class Scale:
    """Rating → share of the sub-item's points."""

    values: Mapping[str, float]
    source: str
    status: str

    def describe(self) -> str:
        return "、".join(f"{k} {_pct(v, 0)}" for k, v in self.values.items())


def rating_scale(override: Mapping[str, float] | None = None) -> Scale:
    """The rating scale (default from ``ex_ante.yaml``; ``override`` gives all four shares).

    Raises
    ------
    ValueError
        Missing or unknown ratings, shares outside [0, 1], or shares not decreasing 优 → 差.
    """
    spec = rules()["rating_scale"]
    if override is None:
        values = {k: float(spec["values"][k]) for k in RATINGS}
        return Scale(values, " ".join(spec["source"].split()), spec["status"])
    unknown = [k for k in override if k not in RATINGS]
    if unknown:
        raise ValueError(f"未知的评级 {'、'.join(map(str, unknown))}（应为 优、良、中、差）")
    missing = [k for k in RATINGS if k not in override]
    if missing:
        raise ValueError(f"缺少评级 {'、'.join(missing)} 的折算比例（须给出全部四档）")
    values = {}
    for k in RATINGS:
        v = override[k]
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
            raise ValueError(f"评级“{k}”的折算比例应为 0 到 1 之间的数，实际为 {v!r}")
        values[k] = float(v)
    shares = [values[k] for k in RATINGS]
    if any(a < b for a, b in zip(shares, shares[1:], strict=False)):
        raise ValueError("折算比例应自“优”至“差”不增")
    return Scale(values, "案例文件 rating_scale", "case")


@dataclass(frozen=True)
class Conclusion:
    id: str
    label: str
    min: float
    css: str


@dataclass(frozen=True)
class ConclusionBands:
    """Conclusion cut-offs, highest first (lower bound inclusive)."""

    bands: tuple[Conclusion, ...]
    source: str
    status: str

    def conclude(self, score: float) -> Conclusion:
        """The conclusion for a total score: the first band whose lower bound it reaches."""
        for band in self.bands:
            if score >= band.min - 1e-9:
                return band
        return self.bands[-1]

    def describe(self) -> str:
        parts = []
        upper = None
        for b in self.bands:
            if upper is None:
                parts.append(f"{b.label} ≥ {fmt.num(b.min)} 分")
            elif b.min > 0:
                parts.append(f"{b.label} {fmt.num(b.min)}–{fmt.num(upper)} 分")
            else:
                parts.append(f"{b.label} < {fmt.num(upper)} 分")
            upper = b.min
        return "；".join(parts)


def conclusion_bands(override: Mapping[str, float] | None = None) -> ConclusionBands:
    """The conclusion cut-offs (default 80 / 60, unverified); ``override`` as
    ``{予以支持: 85, 部分支持: 65}``.

    Raises
    ------
    ValueError
        Unknown keys, values outside (0, 100] or 部分支持 not below 予以支持.
    """
    spec = rules()
    base = [Conclusion(b["id"], b["label"], float(b["min"]), b["css"]) for b in spec["conclusions"]]
    if override is None:
        return ConclusionBands(
            tuple(base), " ".join(spec["conclusions_source"].split()), spec["conclusions_status"]
        )
    keys = {b.id: b for b in base}
    names = {"予以支持": "support", "部分支持": "partial", "部分支持（调整后支持）": "partial"}
    new = {}
    for k, v in override.items():
        key = names.get(str(k), str(k))
        if key not in ("support", "partial"):
            raise ValueError(f"未知的结论 '{k}'（可设置：予以支持、部分支持）")
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= 100:
            raise ValueError(f"“{k}”的分界应为 0 到 100 之间的数，实际为 {v!r}")
        new[key] = float(v)
    support = new.get("support", keys["support"].min)
    partial = new.get("partial", keys["partial"].min)
    if not partial < support:
        raise ValueError(f"部分支持的分界 {partial:g} 应低于予以支持的分界 {support:g}")
    bands = tuple(
        Conclusion(b.id, b.label, {"support": support, "partial": partial}.get(b.id, b.min), b.css)
        for b in base
    )
    return ConclusionBands(bands, "案例文件 conclusion_bands", "case")


# ---------------------------------------------------------------------------------------------
# Veto rules (否决情形)

_CAP_ORDER = ("support", "partial", "reject")


@dataclass(frozen=True)
class VetoRule:
    """A veto (一票否决): when one of ``items`` is rated one of ``ratings``, the conclusion is at
    most ``cap`` (``support`` / ``partial`` / ``reject``) whatever the total."""

    id: str
    items: tuple[str, ...]
    ratings: tuple[str, ...]
    cap: str
    text: str


@dataclass(frozen=True)
class Veto:
    """A veto rule that fired on one sub-item."""

    rule: VetoRule
    code: str
    name: str
    rating: str

    def describe(self) -> str:
        return f"{self.rule.id} {self.rule.text}（{self.code} {self.name}评为“{self.rating}”）"


def veto_rules(spec: bool | Sequence[Any] | None = True) -> tuple[tuple[VetoRule, ...], str]:
    """The veto rules and where they come from.

    Parameters
    ----------
    spec : bool or sequence of mappings, default True
        ``True``: the defaults in ``ex_ante.yaml`` (practice); ``False``: none; a sequence of
        ``{id, items, ratings, cap, text}`` mappings (or objects with those attributes): the
        case's own rules.

    Raises
    ------
    ValueError
        An unknown rating or cap, or a rule without items.

    Examples
    --------
    >>> rules_, _ = veto_rules()
    >>> [(r.id, r.cap) for r in rules_][-1]
    ('V4', 'reject')
    """
    data = rules()["veto"]
    if spec is False:
        return (), "案例文件关闭了否决情形（veto: false）"
    custom = not (spec is True or spec is None)
    entries = data["rules"] if not custom else list(spec)  # type: ignore[arg-type]
    ratings = set(rules()["rating_scale"]["values"])
    out = []
    for n, e in enumerate(entries):
        get = e.get if isinstance(e, Mapping) else (lambda k, _e=e: getattr(_e, k, None))
        rid = str(get("id") or f"V{n + 1}")
        items = tuple(str(x) for x in (get("items") or ()))
        given = get("ratings") or ("差",)
        rs = (given,) if isinstance(given, str) else tuple(str(x) for x in given)
        cap = str(get("cap") or "reject")
        if not items:
            raise ValueError(f"否决情形 {rid} 没有列出评估要点 items")
        bad = [r for r in rs if r not in ratings]
        if bad:
            raise ValueError(f"否决情形 {rid} 的评级 {'、'.join(bad)} 未知（可用：优、良、中、差）")
        if cap not in _CAP_ORDER:
            raise ValueError(
                f"否决情形 {rid} 的 cap '{cap}' 未知（可用：support 予以支持、partial 部分支持、"
                "reject 不予支持）"
            )
        out.append(VetoRule(rid, items, rs, cap, str(get("text") or "否决情形")))
    source = (
        "案例文件 veto"
        if custom
        else f"{' '.join(data['source'].split())}（{STATUS_ZH.get(data['status'], data['status'])}）"
    )
    return tuple(out), source


def apply_vetoes(items: pd.DataFrame, vetoes: Sequence[VetoRule]) -> list[Veto]:
    """The veto rules that fire on the rated sub-items (``code``, ``name``, ``rating``)."""
    fired = []
    by_code = {r["code"]: r for r in items.to_dict("records")}
    for rule in vetoes:
        for code in rule.items:
            r = by_code.get(code)
            if r is not None and r["rating"] in rule.ratings:
                fired.append(Veto(rule, code, r["name"], r["rating"]))
                break
    return fired


# ---------------------------------------------------------------------------------------------
# Risk register


def risk_levels() -> list[dict[str, Any]]:
    """The risk levels, lowest first: ``{name, min, color}``."""
    return list(rules()["risk_matrix"]["levels"])


def risk_level(likelihood: int, impact: int) -> str:
    """Risk level of likelihood × impact (1–5 each): 低风险 1–4, 中风险 5–9, 高风险 10–16,
    极高风险 20–25 (``ex_ante.yaml``).

    Examples
    --------
    >>> risk_level(2, 2), risk_level(1, 5), risk_level(4, 4), risk_level(4, 5)
    ('低风险', '中风险', '高风险', '极高风险')
    """
    for v, nm in ((likelihood, "likelihood"), (impact, "impact")):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or not 1 <= v <= 5:
            raise ValueError(f"{nm} 应为 1 到 5 的整数，实际为 {v!r}")
    score = int(likelihood) * int(impact)
    level = risk_levels()[0]["name"]
    for lv in risk_levels():
        if score >= lv["min"]:
            level = lv["name"]
    return level


def _level_rank(name: str) -> int:
    return [lv["name"] for lv in risk_levels()].index(name)


@dataclass(frozen=True, eq=False)
class RiskRegister:
    """The risk register with inherent and residual scores and levels.

    Attributes
    ----------
    table : DataFrame
        One row per risk: ``no``, ``name``, ``category``, ``likelihood``, ``impact``, ``score``,
        ``level``, ``mitigation``, ``owner``, ``residual_likelihood``, ``residual_impact``,
        ``residual_score``, ``residual_level`` (residual = inherent when not given).
    """

    table: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.table.empty

    @property
    def max_residual_level(self) -> str | None:
        if self.empty:
            return None
        return max(self.table["residual_level"], key=_level_rank)

    def material(self) -> pd.DataFrame:
        """Risks whose inherent level is 中风险 or above."""
        if self.empty:
            return self.table
        return self.table[self.table["level"].map(_level_rank) >= 1]

    @property
    def coverage(self) -> float:
        """Share of material risks with a mitigation (1 when there are none)."""
        m = self.material()
        if m.empty:
            return 1.0
        return float((m["mitigation"].str.strip() != "").mean())

    def to_dict(self) -> list[dict[str, Any]]:
        return [
            {k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
            for r in self.table.to_dict("records")
        ]


def risk_register(risks: Sequence[Any]) -> RiskRegister:
    """Build the register from risk entries (mappings or :class:`~methods.evaltypes.ex_ante.Risk`).

    Raises
    ------
    CaseError
        A residual likelihood without a residual impact (or the reverse), naming the field.
    """
    rows = []
    for i, r in enumerate(risks):
        get = r.get if isinstance(r, Mapping) else (lambda k, d=None, r=r: getattr(r, k, d))
        lik, imp = get("likelihood"), get("impact")
        rl, ri = get("residual_likelihood"), get("residual_impact")
        if (rl is None) != (ri is None):
            missing = "residual_impact" if ri is None else "residual_likelihood"
            raise CaseError(
                "剩余风险须同时给出 residual_likelihood 与 residual_impact",
                field=("risks", i, missing),
            )
        try:
            level = risk_level(lik, imp)
            res_level = level if rl is None else risk_level(rl, ri)
        except ValueError as exc:
            raise CaseError(str(exc), field=("risks", i)) from None
        rows.append(
            {
                "no": i + 1,
                "name": str(get("name")),
                "category": get("category") or "",
                "likelihood": int(lik),
                "impact": int(imp),
                "score": int(lik) * int(imp),
                "level": level,
                "mitigation": get("mitigation") or "",
                "owner": get("owner") or "",
                "residual_likelihood": int(rl if rl is not None else lik),
                "residual_impact": int(ri if ri is not None else imp),
                "residual_score": int(rl if rl is not None else lik)
                * int(ri if ri is not None else imp),
                "residual_level": res_level,
                "residual_given": rl is not None,
            }
        )
    cols = [
        "no", "name", "category", "likelihood", "impact", "score", "level", "mitigation", "owner",
        "residual_likelihood", "residual_impact", "residual_score", "residual_level",
        "residual_given",
    ]  # fmt: skip
    return RiskRegister(pd.DataFrame(rows, columns=cols))


# ---------------------------------------------------------------------------------------------
# Suggested ratings from evidence


@dataclass(frozen=True)
class Suggestion:
    """A rating suggested by a rule (``rating`` None when the evidence is missing)."""

    rating: str | None
    evidence: str
    rule: str


def _by_min(value: float, bands: Sequence[Mapping[str, Any]]) -> str:
    for b in bands:
        if value >= float(b["min"]) - 1e-12:
            return b["rating"]
    return "差"


def _by_max(value: float, bands: Sequence[Mapping[str, Any]]) -> str:
    for b in bands:
        if value <= float(b["max"]) + 1e-12:
            return b["rating"]
    return "差"


def _bands_text(bands: Sequence[Mapping[str, Any]], key: str, pct: bool = True) -> str:
    op = "≥" if key == "min" else "≤"
    show = (lambda v: _pct(v, 0)) if pct else (lambda v: fmt.num(v, 2))
    return "，".join(f"{b['rating']} {op} {show(float(b[key]))}" for b in bands) + "，否则差"


def suggest_bcr(cba_result) -> Suggestion:
    """效益费用比 B/C → rating (优 ≥ 1.5, 良 ≥ 1.2, 中 ≥ 1.0, else 差; ``ex_ante.yaml``)."""
    spec = rules()["derivations"]["cba_bcr"]
    rule = f"B/C：{_bands_text(spec['bands'], 'min', pct=False)}"
    if cba_result is None:
        return Suggestion(None, "未提供 cba 块", rule)
    a = cba_result.appraisal
    if not np.isfinite(a.bcr):
        return Suggestion(None, "费用现值为 0，效益费用比无定义", rule)
    ind = cba_result.indicator
    evidence = (
        f"B/C = {fmt.num(a.bcr, 3)}（{ind} {fmt.num(a.npv)}{cba_result.model.unit}，"
        f"{cba_result.model.discounting.name}）"
    )
    return Suggestion(_by_min(a.bcr, spec["bands"]), evidence, rule)


def suggest_irr(cba_result) -> Suggestion:
    """IRR (or MIRR when the IRR is not unique) minus the discount rate → rating."""
    spec = rules()["derivations"]["cba_irr"]
    rule = (
        "IRR（不唯一或不存在时用 MIRR）高出折现率："
        + "，".join(f"{b['rating']} ≥ {fmt.num(b['min'] * 100)} 个百分点" for b in spec["bands"])
        + "，否则差"
    )
    if cba_result is None:
        return Suggestion(None, "未提供 cba 块", rule)
    a, hurdle = cba_result.appraisal, cba_result.hurdle
    if a.irr.unique:
        value = float(a.irr.value)
        evidence = f"IRR = {_pct(value, 2)}，折现率 {_pct(hurdle, 2)}"
    elif np.isfinite(a.mirr):
        value = float(a.mirr)
        why = (
            f"IRR 不唯一（{'、'.join(_pct(r, 2) for r in a.irr.roots)}）"
            if a.irr.n_roots > 1
            else "IRR 不存在"
        )
        evidence = f"{why}，按 MIRR = {_pct(value, 2)}，折现率 {_pct(hurdle, 2)}"
    else:
        rating = "中" if a.npv > 0 else "差"
        return Suggestion(
            rating,
            f"IRR 不唯一且无法计算 MIRR（递减折现方案），按 NPV {'> 0' if a.npv > 0 else '≤ 0'}",
            rule,
        )
    margin = value - hurdle
    evidence += f"，高出 {fmt.num(margin * 100, 2)} 个百分点" if margin >= 0 else "，低于折现率"
    return Suggestion(_by_min(margin, spec["bands"]), evidence, rule)


def suggest_robustness(cba_result) -> Suggestion:
    """P(NPV < 0) from the Monte Carlo run, else the smallest switching value → rating."""
    spec = rules()["derivations"]["cba_robustness"]
    rule = (
        f"P(NPV<0)：{_bands_text(spec['p_negative'], 'max')}；无蒙特卡洛时按最小临界变动幅度："
        f"{_bands_text(spec['switching'], 'min')}"
    )
    if cba_result is None:
        return Suggestion(None, "未提供 cba 块", rule)
    ind = cba_result.indicator
    mc = cba_result.analysis.monte_carlo
    if mc is not None and np.isfinite(mc.p_negative):
        return Suggestion(
            _by_max(mc.p_negative, spec["p_negative"]),
            f"蒙特卡洛 {mc.n:,} 次，P({ind}<0) = {_pct(mc.p_negative)}",
            rule,
        )
    if cba_result.appraisal.npv <= 0:
        return Suggestion("差", f"基准 {ind} 不大于 0", rule)
    sv = cba_result.analysis.switching.table
    sv = sv[np.isfinite(sv["pct_change"])]
    if sv.empty:
        return Suggestion("优", f"各变量在 ±1000% 内变动 {ind} 都不转负", rule)
    row = sv.loc[sv["pct_change"].abs().idxmin()]
    smallest = abs(float(row["pct_change"]))
    return Suggestion(
        _by_min(smallest, spec["switching"]),
        f"最小临界变动：{row['variable']} {_pct(float(row['pct_change']))}",
        rule,
    )


def suggest_least_cost(cba_result, proposed: str | None) -> Suggestion:
    """The proposed alternative against the least-cost one (or its cost-effectiveness status)."""
    spec = rules()["derivations"]["cba_least_cost"]
    rule = (
        f"与最低成本方案的差距（{_bands_text(spec['difference'], 'max')}）".replace(
            "优 ≤ 0%", "优 为最低成本方案"
        )
        + "；效果不同时："
        + "，".join(
            f"{ {'ND': '有效前沿', 'ED': '扩展劣势', 'D': '绝对劣势'}[k] } {v}"
            for k, v in spec["frontier"].items()
        )
    )
    if cba_result is None:
        return Suggestion(None, "未提供 cba 块", rule)
    lc = cba_result.analysis.least_cost
    ce = cba_result.analysis.cost_effectiveness
    if lc is None and ce is None:
        return Suggestion(None, "cba 块未设置备选方案（alternatives），无法按最低成本法推导", rule)
    if proposed is None:
        return Suggestion(None, "未指明申报方案（proposed_alternative）", rule)
    if lc is not None:
        row = lc.table.set_index("name").loc[proposed]
        label = "费用现值" if lc.basis == "pv" else "等额年成本"
        if proposed == lc.cheapest:
            evidence = f"申报方案“{proposed}”即最低成本方案（按{label}，共 {len(lc.table)} 个方案）"
        else:
            evidence = (
                f"申报方案“{proposed}”的{label}比最低成本方案“{lc.cheapest}”高 "
                f"{_pct(float(row['difference_pct']))}"
            )
        return Suggestion(_by_max(float(row["difference_pct"]), spec["difference"]), evidence, rule)
    row = ce.table.set_index("name").loc[proposed]
    status = str(row["status"])
    return Suggestion(
        spec["frontier"][status],
        f"申报方案“{proposed}”在成本效果分析中为{row['status_zh']}（有效前沿：{' → '.join(ce.frontier)}）",
        rule,
    )


def suggest_risk_level(register: RiskRegister | None) -> Suggestion:
    """The highest residual risk level → rating (低 优, 中 良, 高 中, 极高 差)."""
    spec = rules()["derivations"]["risk_level"]
    rule = "最高剩余风险等级：" + "，".join(f"{k} → {v}" for k, v in spec["map"].items())
    if register is None or register.empty:
        return Suggestion(None, "没有风险登记表（risks）", rule)
    top = register.max_residual_level
    n = int((register.table["residual_level"] == top).sum())
    return Suggestion(spec["map"][top], f"最高剩余风险等级为{top}（{n} 项）", rule)


def suggest_mitigation(register: RiskRegister | None) -> Suggestion:
    """Share of 中风险-or-higher risks that have a mitigation → rating."""
    spec = rules()["derivations"]["risk_mitigation"]
    rule = f"中风险及以上风险有应对措施的比例：{_bands_text(spec['bands'], 'min')}"
    if register is None or register.empty:
        return Suggestion(None, "没有风险登记表（risks）", rule)
    m = register.material()
    if m.empty:
        return Suggestion("优", "没有中风险及以上的风险", rule)
    covered = int((m["mitigation"].str.strip() != "").sum())
    return Suggestion(
        _by_min(register.coverage, spec["bands"]),
        f"中风险及以上 {len(m)} 项，其中 {covered} 项有应对措施",
        rule,
    )


def suggest(
    rule: str, *, cba_result=None, register=None, proposed: str | None = None
) -> Suggestion:
    """The suggested rating of a ``derive`` rule (see the ``suggest_*`` functions)."""
    if rule == "cba_bcr":
        return suggest_bcr(cba_result)
    if rule == "cba_irr":
        return suggest_irr(cba_result)
    if rule == "cba_robustness":
        return suggest_robustness(cba_result)
    if rule == "cba_least_cost":
        return suggest_least_cost(cba_result, proposed)
    if rule == "risk_level":
        return suggest_risk_level(register)
    if rule == "risk_mitigation":
        return suggest_mitigation(register)
    raise ValueError(f"未知的推导规则 '{rule}'")


# ---------------------------------------------------------------------------------------------
# Scoring


def score_items(
    fw: ExAnteFramework, ratings: Mapping[str, str], scale: Scale | None = None
) -> pd.DataFrame:
    """Score every sub-item from its rating (pure; ``ratings`` keyed by code).

    Returns
    -------
    DataFrame
        ``code``, ``name``, ``dimension``, ``points``, ``rating``, ``share``, ``score`` with
        score = round_half_up(points × share, 2).

    Examples
    --------
    >>> fw = framework("ex_ante_project")
    >>> t = score_items(fw, {i.code: "良" for i in fw.items})
    >>> round(float(t["score"].sum()), 2)
    80.0
    """
    scale = scale or rating_scale()
    rows = []
    for it in fw.items:
        r = ratings.get(it.code)
        if r not in RATINGS:
            raise ValueError(f"{it.code} {it.name} 的评级 {r!r} 无效（应为 优、良、中、差）")
        share = scale.values[r]
        rows.append(
            {
                "code": it.code,
                "name": it.name,
                "dimension": it.dimension,
                "points": it.points,
                "rating": r,
                "share": share,
                "score": fmt.round_half_up(it.points * share, 2),
            }
        )
    return pd.DataFrame(rows)


def dimension_table(fw: ExAnteFramework, items: pd.DataFrame) -> pd.DataFrame:
    """Score per dimension: ``level1``, ``weight`` (points), ``score``, ``rate`` (%)."""
    rows = []
    for d in fw.dimensions:
        s = fmt.round_half_up(float(items.loc[items["dimension"] == d.name, "score"].sum()), 2)
        rows.append({"level1": d.name, "weight": d.points, "score": s, "rate": s / d.points * 100})
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False)
class ExAnteResult:
    """The assessment of one case.

    Attributes
    ----------
    items : DataFrame
        One row per sub-item: ``code``, ``name``, ``dimension``, ``points``, ``guide``,
        ``derive``, ``suggested``, ``evidence``, ``rule``, ``rating``, ``basis``, ``source``
        (依据推导 / 评估人确认 / 评估人调整 / 评估人评级), ``share``, ``score``.
    dimensions : DataFrame
        ``level1``, ``weight``, ``score``, ``rate``.
    total : float
        0–100, 2 dp.
    conclusion : Conclusion
    """

    case: Any
    framework: ExAnteFramework
    items: pd.DataFrame
    dimensions: pd.DataFrame
    total: float
    conclusion: Conclusion
    bands: ConclusionBands
    scale: Scale
    register: RiskRegister
    cba: Any = None
    proposed: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    vetoes: tuple[Veto, ...] = ()
    by_score: Conclusion | None = None
    veto_source: str = ""

    @property
    def advice(self) -> str:
        return rules()["conclusion_advice"][self.conclusion.id]

    def problems(self) -> list[str]:
        """Weak points found by the assessment (automatic)."""
        out = [f"触发否决情形 {v.describe()}。" for v in self.vetoes]
        limit = float(rules()["weak_dimension"]["rate"])
        weak = self.dimensions[self.dimensions["rate"] < limit - 1e-9]
        for r in weak.itertuples():
            out.append(f"{r.level1}得分率 {fmt.num(r.rate, 1)}%，为薄弱环节。")
        low = self.items[self.items["rating"].isin(["中", "差"])]
        for r in low.itertuples():
            why = r.basis or r.evidence
            out.append(f"{r.code} {r.name}评为“{r.rating}”" + (f"：{why}" if why else "") + "。")
        t = self.register.table
        high = t[t["residual_level"].map(_level_rank) >= 2] if not t.empty else t
        for r in high.itertuples():
            out.append(
                f"风险“{r.name}”采取措施后仍为{r.residual_level}"
                f"（可能性 {r.residual_likelihood} × 影响 {r.residual_impact}）。"
            )
        return out

    def suggestions(self) -> list[str]:
        out = [self.advice]
        low = self.items[self.items["rating"].isin(["中", "差"])]
        dims = list(dict.fromkeys(low["dimension"]))
        if dims and self.conclusion.id == "support":
            out.append(f"在预算批复前补充完善{'、'.join(dims)}方面的内容。")
        elif dims and self.conclusion.id == "partial":
            out.append(f"重点完善{'、'.join(dims)}方面的内容后，再按程序报送。")
        c = self.cba
        if c is not None:
            lc = c.analysis.least_cost
            lc_items = self.items[self.items["derive"] == "cba_least_cost"]
            explained = bool((lc_items["source"] == "评估人调整").any())
            if lc is not None and self.proposed and self.proposed != lc.cheapest and not explained:
                out.append(
                    f"申报方案“{self.proposed}”并非最低成本方案，应说明不选“{lc.cheapest}”的理由或调整方案。"
                )
            crit = c.analysis.critical.critical
            if crit:
                out.append(
                    f"核实关键变量（{'、'.join(crit)}）的测算依据，并在绩效目标中设置相应指标。"
                )
        return out

    def results(self) -> dict[str, Any]:
        """The results.json blocks: ``total_score``, ``level1``, ``level1_weights``,
        ``indicators``, ``warnings``, ``ex_ante`` (and ``cba`` when the case has one)."""
        indicators = [
            {
                "code": r["code"],
                "name": r["name"],
                "level1": r["dimension"],
                "level2": None,
                "weight": r["points"],
                "score": r["score"],
                "rule": "rating",
                "rating": r["rating"],
                "suggested": r["suggested"],
                "source": r["source"],
                "basis": r["basis"] or None,
            }
            for r in self.items.to_dict("records")
        ]
        out: dict[str, Any] = {
            "total_score": self.total,
            "grade": None,
            "level1": {r.level1: r.score for r in self.dimensions.itertuples()},
            "level1_weights": {r.level1: r.weight for r in self.dimensions.itertuples()},
            "indicators": indicators,
            "warnings": list(self.warnings),
            "ex_ante": self.to_dict(),
        }
        if self.cba is not None:
            out["cba"] = self.cba.to_dict()
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``ex_ante`` block: framework, scale, cut-offs, conclusion, items, risks."""
        fw = self.framework
        items = self.items.drop(columns=["guide"]).to_dict("records")
        return {
            "framework": {
                "id": fw.id,
                "name": fw.name,
                "variant": fw.variant,
                "source": fw.source,
                "status": fw.status,
                "points_status": fw.points_status,
            },
            "total_score": self.total,
            "conclusion": self.conclusion.label,
            "conclusion_id": self.conclusion.id,
            "conclusion_by_score": (self.by_score or self.conclusion).label,
            "vetoes": [
                {
                    "rule": v.rule.id,
                    "text": v.rule.text,
                    "code": v.code,
                    "rating": v.rating,
                    "cap": v.rule.cap,
                }
                for v in self.vetoes
            ],
            "veto_source": self.veto_source,
            "conclusion_bands": {
                "bands": {b.label: b.min for b in self.bands.bands},
                "source": self.bands.source,
                "status": self.bands.status,
            },
            "rating_scale": {
                "values": dict(self.scale.values),
                "source": self.scale.source,
                "status": self.scale.status,
            },
            "dimensions": self.dimensions.to_dict("records"),
            "items": [{k: (None if v == "" else v) for k, v in r.items()} for r in items],
            "risks": self.register.to_dict(),
            "max_residual_risk": self.register.max_residual_level,
            "proposed_alternative": self.proposed,
            "problems": self.problems(),
            "suggestions": self.suggestions(),
        }


def _rating_value(entry: Any, key: str) -> tuple[str, str, tuple]:
    """(rating, basis, field of the rating) of a ``ratings`` entry: ``良`` or
    ``{rating: 良, basis: …}``; raises CaseError naming the field."""
    if isinstance(entry, str):
        rating, basis, where = entry.strip(), "", ("ratings", key)
    elif isinstance(entry, Mapping):
        extra = [str(k) for k in entry if k not in ("rating", "basis")]
        if extra:
            raise CaseError(
                f"未知字段 {'、'.join(extra)}（可用字段：rating、basis）", field=("ratings", key)
            )
        if "rating" not in entry:
            raise CaseError("缺少 rating（评级：优、良、中、差）", field=("ratings", key))
        basis = entry.get("basis")
        if basis is not None and not isinstance(basis, str):
            raise CaseError(f"basis 应为文本，实际为 {basis!r}", field=("ratings", key, "basis"))
        rating, basis = entry["rating"], (basis or "").strip()
        where = ("ratings", key, "rating")
        rating = rating.strip() if isinstance(rating, str) else rating
    else:
        raise CaseError(
            f"应写作评级（优、良、中、差）或 {{rating: 良, basis: 依据}}，实际为 {entry!r}",
            field=("ratings", key),
        )
    if rating not in RATINGS:
        raise CaseError(f"评级 {rating!r} 无效，应为 优、良、中、差 之一", field=where)
    return rating, basis, where


def assess(case, *, simulate: bool = True) -> ExAnteResult:
    """Assess an ex-ante case: suggestions from evidence, ratings, scores, conclusion.

    Raises
    ------
    CaseError
        Naming the field: unknown framework, sub-item or rating, a missing rating, a changed
        suggested rating without ``basis``, a missing ``cba`` block where the framework needs one,
        bad ``cba`` content, an unknown ``proposed_alternative``, a bad scale or cut-offs.
    """
    fw = framework_for(case)
    try:
        scale = rating_scale(case.rating_scale)
    except ValueError as exc:
        raise CaseError(str(exc), field=("rating_scale",)) from None
    try:
        bands = conclusion_bands(case.conclusion_bands)
    except ValueError as exc:
        raise CaseError(str(exc), field=("conclusion_bands",)) from None
    veto_spec = getattr(case, "veto", True)
    try:
        vetoes, veto_source = veto_rules(veto_spec)
    except ValueError as exc:
        raise CaseError(str(exc), field=("veto",)) from None
    unknown = [c for v in vetoes for c in v.items if fw.item(c) is None]
    if unknown and veto_spec not in (True, None):  # the defaults list project and policy codes
        raise CaseError(
            f"否决情形中的评估要点 {'、'.join(unknown)} 不在{fw.name}中",
            field=("veto",),
            hint=f"{fw.name}的要点：{fw.listing()}",
        )
    warnings: list[str] = []

    # evidence: the cba block and the risk register
    cba_result = None
    if case.cba is None:
        if fw.requires_cba:
            raise CaseError(
                f"{fw.name}需要 cba 块（成本效益或最低成本分析）作为投入经济性的依据",
                field=("cba",),
                hint="参照 parameters/examples 中的成本效益分析示例填写 cba 块",
            )
    else:
        from methods import cba_report

        cba_result = cba_report.analyse(case, simulate=simulate)
    proposed = case.proposed_alternative
    if cba_result is not None:
        alts = list(cba_result.model.alternatives)
        if proposed is not None and proposed not in alts:
            raise CaseError(
                f"申报方案 '{proposed}' 不在 cba.alternatives 中"
                + (f"（现有：{'、'.join(alts)}）" if alts else "（cba 块未设置备选方案）"),
                field=("proposed_alternative",),
            )
        needs = any(i.derive == "cba_least_cost" for i in fw.items)
        if alts and proposed is None and needs:
            raise CaseError(
                f"cba 块设置了备选方案，请用 proposed_alternative 指明申报方案（可选：{'、'.join(alts)}）",
                field=("proposed_alternative",),
            )
    elif proposed is not None:
        raise CaseError(
            "没有 cba 块时不能指定 proposed_alternative", field=("proposed_alternative",)
        )
    register = risk_register(case.risks)

    # ratings given by the evaluator, keyed by code
    given: dict[str, tuple[str, str, str]] = {}
    for key, entry in (case.ratings or {}).items():
        item = fw.item(key)
        if item is None:
            raise CaseError(
                f"未知的评估要点 '{key}'",
                field=("ratings", key),
                hint=f"{fw.name}的要点：{fw.listing()}",
            )
        if item.code in given:
            raise CaseError(
                f"评估要点 {item.code} {item.name} 重复评级（代码与名称各给了一次）",
                field=("ratings", key),
            )
        rating, basis, _ = _rating_value(entry, key)
        given[item.code] = (rating, basis, key)

    rows = []
    for it in fw.items:
        sug = (
            suggest(it.derive, cba_result=cba_result, register=register, proposed=proposed)
            if it.derive
            else None
        )
        suggested = sug.rating if sug else None
        # a suggestion drawn from the Monte Carlo run: validation does not simulate (it checks;
        # running computes), so it cannot say whether a given rating differs from it; a rating
        # that differs without a basis is then reported as a warning, never a failed run
        simulated = it.derive == "cba_robustness" and bool(
            cba_result is not None
            and (cba_result.model.settings.get("monte_carlo") or {}).get("distributions")
        )
        if it.code in given:
            rating, basis, key = given[it.code]
            if suggested is None:
                source = "评估人评级"
            elif rating == suggested:
                source = "评估人确认"
            elif simulated and not basis:
                source = "评估人调整"
                if simulate:
                    warnings.append(
                        f"{it.code} {it.name} 的评级“{rating}”与依据推导的建议评级“{suggested}”"
                        f"不同（{sug.evidence}），且未在 basis 中说明调整理由"
                    )
            else:
                if not basis:
                    raise CaseError(
                        f"{it.code} {it.name} 的评级“{rating}”与依据推导的建议评级“{suggested}”"
                        f"不同（{sug.evidence}），请在 basis 中说明调整理由",
                        field=("ratings", key),
                    )
                source = "评估人调整"
        elif suggested is not None:
            rating, basis, source = suggested, "", "依据推导"
        else:
            why = f"（无法推导：{sug.evidence}）" if sug else ""
            raise CaseError(
                f"评估要点 {it.code} {it.name} 缺少评级{why}",
                field=("ratings",),
                hint=f"在 ratings 中写 {it.code}: {{rating: 良, basis: 评估依据}}（评级：优、良、中、差）",
            )
        share = scale.values[rating]
        rows.append(
            {
                "code": it.code,
                "name": it.name,
                "dimension": it.dimension,
                "points": it.points,
                "guide": it.guide,
                "derive": it.derive,
                "suggested": suggested,
                "evidence": sug.evidence if sug else "",
                "rule": sug.rule if sug else "",
                "rating": rating,
                "basis": basis,
                "source": source,
                "share": share,
                "score": fmt.round_half_up(it.points * share, 2),
            }
        )
    items = pd.DataFrame(rows)
    for col in ("suggested", "derive"):
        items[col] = items[col].astype(object).where(items[col].notna(), None)
    dims = dimension_table(fw, items)
    total = fmt.round_half_up(float(items["score"].sum()), 2)
    if fw.variant == "policy" and case.object_type != "policy":
        warnings.append(f"评估对象为{case.object_type}，但使用了政策评估框架")
    if fw.variant != "policy" and case.object_type == "policy":
        warnings.append("评估对象为政策，但使用了项目评估框架")
    by_score = bands.conclude(total)
    fired = apply_vetoes(items, vetoes)
    conclusion = by_score
    for v in fired:  # the strictest cap wins
        if _CAP_ORDER.index(v.rule.cap) > _CAP_ORDER.index(conclusion.id):
            conclusion = next(b for b in bands.bands if b.id == v.rule.cap)
    return ExAnteResult(
        case=case,
        framework=fw,
        items=items,
        dimensions=dims,
        total=total,
        conclusion=conclusion,
        bands=bands,
        scale=scale,
        register=register,
        cba=cba_result,
        proposed=proposed,
        warnings=tuple(warnings),
        vetoes=tuple(fired),
        by_score=by_score,
        veto_source=veto_source,
    )


# ---------------------------------------------------------------------------------------------
# Report pieces (Chinese)


def _html():
    from methods.report import HTML, bullet_list, esc, html_table, kv_table

    return HTML, esc, html_table, kv_table, bullet_list


def _veto_text(result: ExAnteResult) -> str:
    vetoes, _ = veto_rules(getattr(result.case, "veto", True))
    labels = {b.id: b.label for b in result.bands.bands}
    parts = []
    for v in vetoes:
        codes = [c for c in v.items if result.framework.item(c)]
        if codes:
            parts.append(
                f"{v.id} {v.text}（{'/'.join(codes)} 评为{'、'.join(v.ratings)} → 最高"
                f"“{labels[v.cap]}”）"
            )
    if not parts:
        return result.veto_source + "。"
    return f"{'；'.join(parts)}。依据：{result.veto_source}。"


def conclusion_html(result: ExAnteResult):
    """评估结论: total score, the conclusion badge, the cut-offs and scale used."""
    HTML, esc, *_ = _html()
    c = result.conclusion
    text = (
        f'<div class="jx-score"><span class="jx-total">{fmt.num(result.total)}</span>'
        f'<span class="jx-unit">分</span>'
        f'<span class="jx-grade jx-grade-{esc(c.css)}">{esc(c.label)}</span></div>'
        + "".join(
            f'<div class="jx-warn">触发否决情形 {esc(v.describe())}：结论最高为“'
            f"{esc(next(b.label for b in result.bands.bands if b.id == v.rule.cap))}”。</div>"
            for v in result.vetoes
        )
        + (
            f"<p>按总分结论为“{esc(result.by_score.label)}”，因否决情形调整为“{esc(c.label)}”。</p>"
            if result.by_score is not None and result.by_score.id != c.id
            else ""
        )
        + f"<p>{esc(result.advice)}</p>"
        f'<p class="jx-meta">结论分界：{esc(result.bands.describe())}'
        f"（{esc(result.bands.source)}；{esc(STATUS_ZH.get(result.bands.status, result.bands.status))}）。"
        f"本评估以上述结论代替优、良、中、差等级（results.json 中 grade 为空，结论记在 ex_ante 块）。</p>"
        f'<p class="jx-meta">否决情形：{esc(_veto_text(result))}</p>'
        f'<p class="jx-meta">要点评级折算：{esc(result.scale.describe())}'
        f"（{esc(result.scale.source)}；{esc(STATUS_ZH.get(result.scale.status, result.scale.status))}）。</p>"
        f'<p class="jx-meta">评估框架：{esc(result.framework.name)}。{esc(result.framework.source)}'
        f"（维度：{esc(STATUS_ZH.get(result.framework.status, result.framework.status))}；"
        f"分值：{esc(STATUS_ZH.get(result.framework.points_status, result.framework.points_status))}）。</p>"
    )
    for w in result.warnings:
        text += f'<div class="jx-warn">{esc(w)}</div>'
    return HTML(text)


def dimensions_html(result: ExAnteResult):
    """评估维度得分 table."""
    HTML, _, html_table, *_ = _html()
    rows = [
        [r.level1, fmt.num(r.weight), fmt.fixed(r.score), fmt.pct(r.rate, 1)]
        for r in result.dimensions.itertuples()
    ]
    rows.append(["合计", "100", fmt.fixed(result.total), fmt.pct(result.total, 1)])
    return HTML(html_table(rows, ["评估维度", "分值", "得分", "得分率"], numeric=(1, 2, 3)))


def plot_dimensions(result: ExAnteResult):
    """Bars of points won/lost and a radar of 得分率 per dimension; returns the Figure."""
    import matplotlib.pyplot as plt

    from methods import plotting

    fig = plt.figure(figsize=(11.0, 4.2))
    bar_ax = fig.add_subplot(1, 2, 1)
    radar_ax = fig.add_subplot(1, 2, 2, projection="polar")
    plotting.level1_bar(result.dimensions, ax=bar_ax, title="评估维度得分")
    plotting.radar(
        result.dimensions["level1"],
        result.dimensions["rate"],
        ax=radar_ax,
        title="评估维度得分率（%）",
    )
    fig.tight_layout()
    return fig


def items_html(result: ExAnteResult):
    """评估要点评级: every sub-item with its suggested and final rating, basis and score
    (grouped by dimension)."""
    HTML, esc, *_ = _html()
    header = ["维度", "代码", "评估要点", "分值", "建议评级", "评级", "评级来源", "依据", "得分"]
    out = ['<table class="jx-table jx-exante"><thead><tr>']
    out += [f"<th>{esc(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for dim in result.framework.dimensions:
        rows = result.items[result.items["dimension"] == dim.name]
        for k, r in enumerate(rows.itertuples()):
            basis = r.basis or r.evidence or "—"
            if r.source in ("依据推导", "评估人确认") and r.evidence and r.basis:
                basis = f"{r.evidence}；{r.basis}"
            elif r.source == "评估人调整":
                basis = f"{r.basis}（推导依据：{r.evidence}）"
            out.append("<tr>")
            if k == 0:
                out.append(
                    f'<td rowspan="{len(rows)}" style="white-space:nowrap">{esc(dim.name)}'
                    f"<br>（{fmt.num(dim.points)} 分）</td>"
                )
            cells = [
                (r.code, ""),
                (r.name, ""),
                (fmt.num(r.points), "num"),
                (r.suggested or "—", ""),
                (r.rating, ""),
                (r.source, ""),
                (basis, ""),
                (fmt.fixed(r.score), "num"),
            ]
            for text, cls in cells:
                attr = f' class="{cls}"' if cls else ""
                out.append(f"<td{attr}>{esc(text)}</td>")
            out.append("</tr>")
    out.append("</tbody></table>")
    note = (
        '<p class="jx-note">建议评级由证据按规则推导（投入经济性取自本案例的成本效益分析，执行风险取自风险登记表）；'
        "评估人可调整，但须说明理由。无推导规则的要点由评估人直接评级。</p>"
    )
    return HTML("".join(out) + note)


def economy_html(result: ExAnteResult):
    """投入经济性的证据: the key CBA indicators and how each suggested rating was derived."""
    HTML, esc, html_table, *_ = _html()
    if result.cba is None:
        return HTML(
            f"<p>本{esc(result.framework.object_name)}未提供成本效益测算（cba 块），"
            "经济性要点由评估人直接评级。</p>"
        )
    from methods import cba_report

    text = cba_report.key_indicators_html(result.cba).data
    rows = [
        [r.code, r.name, r.evidence or "—", r.rule, r.suggested or "—", r.rating]
        for r in result.items.itertuples()
        if isinstance(r.derive, str) and r.derive.startswith("cba_")
    ]
    src = rules()["derivations"]
    text += "<p>由成本效益分析推导的建议评级：</p>"
    text += html_table(rows, ["代码", "评估要点", "证据", "推导规则", "建议评级", "最终评级"])
    text += (
        f'<p class="jx-note">推导规则依据：{esc(" ".join(src["source"].split()))}'
        f"（{esc(STATUS_ZH.get(src['status'], src['status']))}）。</p>"
    )
    return HTML(text)


def plot_economy(result: ExAnteResult, ax=None):
    """The NPV distribution (Monte Carlo) or else the cash-flow chart; None without cba."""
    if result.cba is None:
        return None
    from methods import cba_report

    if result.cba.analysis.monte_carlo is not None:
        return cba_report.plot_risk(result.cba, ax=ax)
    return cba_report.plot_cashflow(result.cba, ax=ax)


def risk_html(result: ExAnteResult):
    """风险登记表 with inherent and residual levels, and the matrix rule."""
    HTML, esc, html_table, *_ = _html()
    t = result.register.table
    spec = rules()["risk_matrix"]
    if t.empty:
        return HTML("<p>未填写风险登记表（risks）。</p>")
    rows = [
        [
            r.no,
            r.name,
            r.category or "—",
            f"{r.likelihood} × {r.impact} = {r.score}",
            r.level,
            r.mitigation or "（未填写）",
            r.owner or "—",
            f"{r.residual_likelihood} × {r.residual_impact} = {r.residual_score}"
            if r.residual_given
            else "（同左）",
            r.residual_level,
        ]
        for r in t.itertuples()
    ]
    header = [
        "序号",
        "风险",
        "类别",
        "可能性×影响",
        "风险等级",
        "应对措施",
        "责任主体",
        "剩余风险",
        "剩余等级",
    ]
    levels = "；".join(f"{lv['name']} ≥ {lv['min']}" for lv in spec["levels"])
    text = html_table(rows, header, numeric=(0,))
    text += (
        f'<p class="jx-note">风险值 = 可能性（1–5）× 影响程度（1–5）；分级：{esc(levels)}。'
        f"{esc(' '.join(spec['source'].split()))}（{esc(STATUS_ZH.get(spec['status'], spec['status']))}）。"
        "剩余风险为采取应对措施后的评估，未填写时同固有风险。</p>"
    )
    return HTML(text)


def plot_risk_matrix(result: ExAnteResult, ax=None):
    """5 × 5 risk matrix coloured by level, each risk's inherent (hollow) and residual (filled)
    position with an arrow; returns the Axes (None without risks)."""
    t = result.register.table
    if t.empty:
        return None
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    from methods import fonts

    fonts.register()
    spec = rules()["risk_matrix"]
    levels = spec["levels"]
    color = {lv["name"]: lv["color"] for lv in levels}
    if ax is None:
        _, ax = plt.subplots(figsize=(6.6, 5.6))
    for lik in range(1, 6):
        for imp in range(1, 6):
            lv = risk_level(lik, imp)
            ax.add_patch(
                Rectangle((imp - 0.5, lik - 0.5), 1, 1, facecolor=color[lv], edgecolor="white")
            )
            ax.text(imp + 0.38, lik - 0.38, str(lik * imp), fontsize=7, color="#555555",
                    ha="right", va="bottom")  # fmt: skip
    # markers: (risk no, likelihood, impact, filled); a moved risk has a hollow inherent marker
    marks: list[tuple[int, int, int, bool]] = []
    arrows: list[tuple[int, int]] = []  # (index of inherent mark, index of residual mark)
    for r in t.itertuples():
        moved = r.residual_given and (r.residual_likelihood, r.residual_impact) != (
            r.likelihood,
            r.impact,
        )
        marks.append((r.no, r.likelihood, r.impact, not moved))
        if moved:
            marks.append((r.no, r.residual_likelihood, r.residual_impact, True))
            arrows.append((len(marks) - 2, len(marks) - 1))
    # spread the markers sharing a cell: rows of up to 3, centred in the cell
    cells: dict[tuple[int, int], list[int]] = {}
    for k, (_, lik, imp, _) in enumerate(marks):
        cells.setdefault((lik, imp), []).append(k)
    pos: dict[int, tuple[float, float]] = {}
    for (lik, imp), ks in cells.items():
        rows = [ks[i : i + 3] for i in range(0, len(ks), 3)]
        for j, row in enumerate(rows):
            y = lik + 0.08 + (len(rows) - 1) * 0.14 - j * 0.28
            for m, k in enumerate(row):
                pos[k] = (imp + (m - (len(row) - 1) / 2) * 0.28, y)
    for a, b in arrows:
        ax.annotate(
            "",
            xy=pos[b],
            xytext=pos[a],
            arrowprops={
                "arrowstyle": "->",
                "color": "#333333",
                "lw": 1.0,
                "shrinkA": 7,
                "shrinkB": 7,
            },
            zorder=3,
        )
    for k, (no, _, _, filled) in enumerate(marks):
        x, y = pos[k]
        face, ink = ("#333333", "white") if filled else ("white", "#333333")
        ax.plot(x, y, "o", markerfacecolor=face, markeredgecolor="#333333", markersize=13,
                zorder=4)  # fmt: skip
        ax.text(x, y, str(no), color=ink, ha="center", va="center", fontsize=8, zorder=5)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6), [f"{i}\n{spec['impact'][i]}" for i in range(1, 6)], fontsize=8)
    ax.set_yticks(range(1, 6), [f"{spec['likelihood'][i]} {i}" for i in range(1, 6)], fontsize=8)
    ax.set_xlabel("影响程度")
    ax.set_ylabel("可能性")
    ax.set_title("风险矩阵（空心为固有风险，实心为采取措施后的剩余风险）", fontsize=10)
    ax.legend(
        handles=[Patch(facecolor=lv["color"], label=lv["name"]) for lv in levels],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=8,
    )
    ax.set_aspect("equal")
    for s in ax.spines.values():
        s.set_visible(False)
    return ax


def conclusions_html(result: ExAnteResult):
    """主要问题和意见建议: automatic findings plus the evaluator's own."""
    HTML, esc, _, _, bullet_list = _html()
    extra = getattr(result.case, "conclusions", None)
    problems = result.problems() + list(extra.problems if extra else [])
    suggestions = result.suggestions() + list(extra.suggestions if extra else [])
    text = ""
    if extra and extra.achievements:
        text += "<h3>主要优势</h3>" + bullet_list(extra.achievements)
    text += "<h3>存在问题</h3>" + bullet_list(problems)
    text += "<h3>意见建议</h3>" + bullet_list(suggestions)
    return HTML(text)
