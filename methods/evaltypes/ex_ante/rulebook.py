"""The rules of the ex-ante assessment as data: frameworks (dimensions and sub-items), the rating
scale, the conclusion cut-offs and the veto rules (否决情形).

A framework (``methods/_data/frameworks/ex_ante_project.yaml`` or ``ex_ante_policy.yaml``) lists the
dimensions (立项必要性, 投入经济性, … / 政策设立必要性, 保障充分性, …) and their sub-items (评估要点)
with points. Each sub-item is rated 优/良/中/差 and scores ``points × scale[rating]``
(:func:`rating_scale`); the total (0–100) gives the conclusion 予以支持 / 部分支持（调整后支持） /
不予支持 by cut-offs (:func:`conclusion_bands`). All of these are data in
``methods/_data/ex_ante.yaml`` with their source and status, and a case may override the scale
and the cut-offs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods._resources import data_path, load_yaml
from methods.errors import CaseError

RATINGS = ("优", "良", "中", "差")
STATUS_ZH = {
    "reg": "法规",
    "local": "地方规定",
    "practice": "实务做法",
    "unverified": "未核实",
    "foreign": "境外参考",
}


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
