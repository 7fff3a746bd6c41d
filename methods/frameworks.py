"""Indicator frameworks (指标体系框架) shipped as data files, and the checks of an indicator tree.

A framework names its level-1 indicators (一级指标), their usual level-2 indicators, any fixed points,
extra checks (e.g. 产出 + 效益 ≥ 60, a warning) and its source and status. Presets live in
``methods/_data/frameworks/*.yaml``; :func:`get` loads one by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from methods._resources import data_path, load_yaml
from methods.errors import CaseError

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Level1:
    """A level-1 indicator of a framework: its name, fixed points (or None) and usual level-2 names."""

    name: str
    points: float | None
    level2: tuple[str, ...]


@dataclass(frozen=True)
class Framework:
    """An indicator framework preset (see ``methods/_data/frameworks``).

    ``points_source`` / ``points_status`` say where the fixed level-1 points come from when that
    differs from the framework's own source (e.g. points a regulation does not set);
    ``alternatives`` maps a level-1 name this framework refuses to the preset that accepts it (the
    refusal's hint names it).
    """

    id: str
    name: str
    evaluation: str
    source: str
    status: str
    level1: tuple[Level1, ...]
    optional_level1: tuple[Level1, ...] = ()
    checks: tuple[Mapping[str, Any], ...] = ()
    reassign_if_missing: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    budget_execution: Mapping[str, Any] | None = None
    default_grade_bands: str | None = None
    points_source: str | None = None
    points_status: str | None = None
    alternatives: Mapping[str, str] = field(default_factory=dict)

    @property
    def level1_names(self) -> tuple[str, ...]:
        return tuple(lv.name for lv in (*self.level1, *self.optional_level1))

    def level1_order(self, name: str) -> int:
        names = self.level1_names
        return names.index(name) if name in names else len(names)

    def fixed_points(self) -> dict[str, float]:
        return {lv.name: float(lv.points) for lv in self.level1 if lv.points is not None}


def normalise_level_name(name: str) -> str:
    """Normalise a level name: trim spaces (also full-width) and drop a trailing 指标.

    >>> normalise_level_name(" 产出指标 ")
    '产出'
    """
    text = str(name).replace("\u3000", " ").strip()
    if text.endswith("指标") and len(text) > 2:
        text = text[: -len("指标")].strip()
    return text


def available() -> list[str]:
    """Ids of the shipped framework presets."""
    return sorted(p.stem for p in data_path("frameworks").glob("*.yaml"))


@cache
def get(framework_id: str) -> Framework:
    """Load a framework preset by id (e.g. ``"mof_2020_project"``)."""
    if framework_id not in available():
        raise CaseError(
            f"未知的指标框架 '{framework_id}'",
            field="framework",
            hint="可用框架：" + "、".join(available()),
        )
    raw = load_yaml("frameworks", f"{framework_id}.yaml")

    def levels(items: Iterable[Mapping[str, Any]]) -> tuple[Level1, ...]:
        return tuple(
            Level1(
                name=item["name"],
                points=item.get("points"),
                level2=tuple(item.get("level2") or ()),
            )
            for item in items
        )

    return Framework(
        id=raw["id"],
        name=raw["name"],
        evaluation=raw["evaluation"],
        source=raw["source"],
        status=raw["status"],
        level1=levels(raw["level1"]),
        optional_level1=levels(raw.get("optional_level1") or ()),
        checks=tuple(raw.get("checks") or ()),
        reassign_if_missing=raw.get("reassign_if_missing") or {},
        budget_execution=raw.get("budget_execution"),
        default_grade_bands=raw.get("default_grade_bands"),
        points_source=raw.get("points_source"),
        points_status=raw.get("points_status"),
        alternatives=raw.get("alternatives") or {},
    )


def expected_level1_points(framework: Framework, present: Iterable[str]) -> dict[str, float]:
    """Fixed level-1 points after moving the points of absent level-1 indicators.

    For the self-evaluation preset, a case without any 满意度 indicator gets 效益 40 instead of 30
    (``reassign_if_missing`` in the framework file, status unverified).
    """
    present = set(present)
    points = framework.fixed_points()
    for missing, rule in framework.reassign_if_missing.items():
        if missing in points and missing not in present:
            points[rule["to"]] = points.get(rule["to"], 0.0) + points.pop(missing)
    return points


def check_tree(
    rows: list[Mapping[str, Any]],
    framework: Framework,
    declared: Mapping[str, Any] | None = None,
) -> list[str]:
    """Check that the weights of an indicator tree add up; return warnings.

    Parameters
    ----------
    rows : list of mapping
        One mapping per indicator with ``level1`` (normalised), ``level2``, ``weight`` and ``field``
        (where the indicator sits in the case file, for messages). Not-applicable indicators are
        included: the tree is checked on the points as designed.
    framework : Framework
        Supplies fixed level-1 points and extra checks.
    declared : mapping, optional
        Level points declared in the case file (``levels:``): ``{level1: points}`` or
        ``{level1: {points: p, level2: points, ...}}``.

    Raises
    ------
    CaseError
        Naming the branch whose children do not sum to it, or a total different from 100.
    """
    warnings: list[str] = []
    by_l1: dict[str, float] = {}
    by_l2: dict[tuple[str, str], float] = {}
    for row in rows:
        by_l1[row["level1"]] = by_l1.get(row["level1"], 0.0) + row["weight"]
        key = (row["level1"], row["level2"])
        by_l2[key] = by_l2.get(key, 0.0) + row["weight"]

    unknown = [name for name in by_l1 if name not in framework.level1_names]
    if unknown:
        first = next(r for r in rows if r["level1"] == unknown[0])
        where = first.get("field")
        other = framework.alternatives.get(unknown[0])
        hint = "可用的一级指标：" + "、".join(framework.level1_names)
        if other is not None:
            hint += f"；含“{unknown[0]}”一级指标的请设置 framework: {other}（{get(other).name}）"
        raise CaseError(
            f"一级指标“{unknown[0]}”不属于框架“{framework.name}”",
            field=(*where, "level1") if isinstance(where, tuple) else "indicators.level1",
            hint=hint,
        )

    expected = expected_level1_points(framework, by_l1)
    written: dict[str, Any] = {}  # level-1 name → its key as written in ``levels:``
    for raw_name, points in (declared or {}).items():
        name = normalise_level_name(raw_name)
        written[name] = raw_name
        if isinstance(points, Mapping):
            l1_points = points.get("points")
            for l2, l2_points in points.items():
                if l2 == "points":
                    continue
                got = by_l2.get((name, normalise_level_name(l2)), 0.0)
                if abs(got - float(l2_points)) > TOLERANCE:
                    raise CaseError(
                        f"二级指标“{name} / {l2}”下各指标分值合计 {got:g} 分，应为 {float(l2_points):g} 分",
                        field=("levels", raw_name, l2),
                    )
        else:
            l1_points = points
        if l1_points is not None:
            expected[name] = float(l1_points)

    for name, points in expected.items():
        got = by_l1.get(name, 0.0)
        if abs(got - points) > TOLERANCE:
            # the line of the level's points in ``levels:`` when the case declares them
            where = ("levels", written[name]) if name in written else ("indicators",)
            raise CaseError(
                f"一级指标“{name}”下各指标分值合计 {got:g} 分，应为 {points:g} 分",
                field=where,
                hint=f"框架：{framework.name}",
            )

    total = sum(by_l1.values())
    if abs(total - 100.0) > TOLERANCE:
        detail = "，".join(f"{k} {v:g}" for k, v in by_l1.items())
        raise CaseError(
            f"全部指标分值合计 {total:g} 分，应为 100 分（{detail}）",
            field=("indicators",),
        )

    for check in framework.checks:
        points = sum(by_l1.get(name, 0.0) for name in check["levels"])
        if points + TOLERANCE < check["min_points"]:
            warnings.append(check["message"].format(points=points, min_points=check["min_points"]))
    return warnings


def variant_for_levels(default: str | None, level1: Sequence[str]) -> Framework | None:
    """The framework variant that level-1 names call for, or None when ``default`` takes them.

    A 自评表, 评分表 or target sheet with a 成本指标 level-1 row (财预〔2021〕101号) is scored on the
    variant its default framework names for that level (``alternatives`` in the framework file,
    e.g. ``self_evaluation_cost_2021``); names the default accepts keep the default.
    """
    if default is None:
        return None
    fw = get(default)
    names = {normalise_level_name(n) for n in level1}
    for name in sorted(names - set(fw.level1_names)):
        if name in fw.alternatives:
            return get(fw.alternatives[name])
    return None
