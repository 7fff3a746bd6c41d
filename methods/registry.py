"""专家库 and 第三方机构库: registries the cases refer to, validated and queryable.

武发〔2020〕48号 asks for a 专家学者智库 and for third-party agencies whose 执业质量考评 results are
linked to later tenders (招标评分), with a 行业失信黑名单; 财预〔2021〕6号 asks for conflict-of-interest
avoidance. Two YAML files hold them (default ``parameters/registries/experts.yaml`` and
``agencies.yaml`` of the project; ``--registry DIR`` or ``$JIXIAO_REGISTRY`` name another folder):

- **Experts**: id, name, fields (专业领域), affiliation and its kind, conflict keys (units and
  agencies the expert is tied to), active; past panels (for rotation). No phone numbers, ID
  numbers or e-mail addresses: they are refused.
- **Agencies**: id, name, 统一社会信用代码, fields, 执业质量考评 reviews by year, 失信黑名单 entries
  (from, to, reason, deciding authority).

:func:`draw_panel` draws a reproducible expert panel that avoids conflicts and rotates experts;
:func:`bid_factor` turns an agency's review history (the registry's plus the case library's
third-party-quality cases) into next year's 招标评分 adjustment, or 不得参与投标 while blacklisted.
The numbers are data (``methods/_data/registries.yaml``, status practice).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, field_validator, model_validator

from methods._resources import load_yaml
from methods.casefile import (
    CONTACT_PATTERN,
    _line_for,
    _Model,
    _pick_error,
    _pydantic_message,
    field_label,
    read_yaml,
)
from methods.errors import CaseError

__all__ = [
    "Agency",
    "BidFactor",
    "Expert",
    "Panel",
    "Registry",
    "agency_table",
    "bid_factor",
    "case_panel",
    "check_panel",
    "conflict_of",
    "draw_panel",
    "load",
    "locate",
    "panel_row",
    "review_history",
    "rules",
]

ENV_VAR = "JIXIAO_REGISTRY"
DEFAULT_DIR = Path("parameters") / "registries"
_CONTACT_MESSAGE = "不能含电话号码、身份证号或电子邮箱（名录不保存个人联系方式和证件号码）"


def rules() -> dict[str, Any]:
    """The registry rules (``methods/_data/registries.yaml``)."""
    return load_yaml("registries.yaml")


class _NoContacts(_Model):
    @field_validator("*", mode="after")
    @classmethod
    def _no_contacts(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and CONTACT_PATTERN.search(t) for t in texts):
            raise ValueError(_CONTACT_MESSAGE)
        return value


class Expert(_NoContacts):
    """One expert of the 专家库."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")
    name: str = Field(min_length=1, max_length=20)
    fields: list[str] = Field(min_length=1, description="专业领域")
    affiliation: str = Field(min_length=1, max_length=100, description="工作单位")
    kind: Literal["高校", "研究机构", "设计院", "中介机构", "行政事业单位", "企业", "其他"] = "其他"
    conflicts: list[str] = Field([], description="回避关键字：有利益关系的单位、机构")
    active: bool = True
    note: str | None = None


class PastPanel(_NoContacts):
    """A panel the experts sat on (for rotation)."""

    year: int = Field(ge=1990, le=2100)
    unit: str = Field(min_length=1)
    experts: list[str] = Field(min_length=1)
    purpose: str | None = None


class Review(_NoContacts):
    """One 执业质量考评 result of an agency."""

    year: int = Field(ge=1990, le=2100)
    score: float = Field(ge=0, le=100)
    engagement: str | None = None


class BlacklistEntry(_NoContacts):
    """A 失信黑名单 listing: from, to (inclusive), reason and the deciding authority."""

    from_: datetime.date = Field(alias="from")
    to: datetime.date | None = None
    reason: str = Field(min_length=2)
    decided_by: str = Field(min_length=2)

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"日期应写作 YYYY-MM-DD，实际为 {value!r}") from None
        return value

    @model_validator(mode="after")
    def _ordered(self) -> BlacklistEntry:
        if self.to is not None and self.to < self.from_:
            raise ValueError("to（截止日期）早于 from（起始日期）")
        return self


class Agency(_NoContacts):
    """One agency of the 第三方机构库."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")
    name: str = Field(min_length=1, max_length=100)
    credit_code: str | None = Field(None, pattern=r"^[0-9A-Z]{18}$", description="统一社会信用代码")
    fields: list[str] = []
    reviews: list[Review] = []
    blacklist: list[BlacklistEntry] = []
    conflicts: list[str] = []

    def blacklisted(self, on: datetime.date) -> BlacklistEntry | None:
        """The listing in force on ``on``, if any."""
        return next(
            (b for b in self.blacklist if b.from_ <= on and (b.to is None or on <= b.to)), None
        )


class ExpertFile(_Model):
    registry: Literal["experts"]
    year: int | None = None
    experts: list[Expert] = Field(min_length=1)
    panels: list[PastPanel] = []

    @model_validator(mode="after")
    def _unique(self) -> ExpertFile:
        _check_unique([e.id for e in self.experts], "experts")
        known = {e.id for e in self.experts}
        for i, p in enumerate(self.panels):
            for x in p.experts:
                if x not in known:
                    raise ValueError(f"panels[{i}] 中的专家 {x} 不在专家名录中")
        return self


class AgencyFile(_Model):
    registry: Literal["agencies"]
    year: int | None = None
    agencies: list[Agency] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> AgencyFile:
        _check_unique([a.id for a in self.agencies], "agencies")
        _check_unique([a.name for a in self.agencies], "agencies（名称）")
        return self


def _check_unique(ids: Sequence[str], what: str) -> None:
    seen = set()
    for x in ids:
        if x in seen:
            raise ValueError(f"{what} 中编号或名称 {x} 重复")
        seen.add(x)


def _load_file(path: Path, model: type[_Model]) -> Any:
    shown = str(path)
    raw, lines = read_yaml(path, display=shown)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err, loc = _pick_error(exc.errors(include_url=False), raw)
        raise CaseError(
            _pydantic_message(err, model, loc),
            file=shown,
            field=field_label(loc, raw) if loc else None,
            line=_line_for(loc, lines),
        ) from None


@dataclass(frozen=True)
class Registry:
    """The 专家库 and 第三方机构库 of one folder (either may be absent: None)."""

    folder: Path
    experts: ExpertFile | None
    agencies: AgencyFile | None

    def expert_table(self) -> pd.DataFrame:
        """Experts as a tidy table: id, name, fields (、-joined), affiliation, kind, active."""
        rows = [
            {
                "id": e.id,
                "name": e.name,
                "fields": "、".join(e.fields),
                "affiliation": e.affiliation,
                "kind": e.kind,
                "active": e.active,
            }
            for e in (self.experts.experts if self.experts else [])
        ]
        return pd.DataFrame(rows, columns=["id", "name", "fields", "affiliation", "kind", "active"])

    def agency(self, key: str) -> Agency:
        """An agency by id or exact name."""
        for a in self.agencies.agencies if self.agencies else []:
            if key in (a.id, a.name):
                return a
        raise CaseError(
            f"第三方机构库中没有机构 {key}",
            field="AGENCY",
            hint="用 jixiao registry agencies list 查看编号",
        )


def locate(explicit: str | Path | None = None, start: str | Path | None = None) -> Path:
    """The registry folder: ``explicit``, ``$JIXIAO_REGISTRY``, or ``parameters/registries`` of the
    project that ``start`` (default: the working directory) belongs to."""
    from methods.library import project_root

    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    root = project_root(start) or Path.cwd()
    return root / DEFAULT_DIR


def load(folder: str | Path | None = None) -> Registry:
    """Read and validate the registries of ``folder`` (see :func:`locate`).

    Raises
    ------
    CaseError
        The folder holds neither file, or a file is invalid (file, line, field and reason).
    """
    where = locate(folder)
    experts_path, agencies_path = where / "experts.yaml", where / "agencies.yaml"
    if not experts_path.exists() and not agencies_path.exists():
        raise CaseError(
            f"{where} 中没有 experts.yaml 或 agencies.yaml",
            field="--registry",
            hint=f"用 --registry DIR 或环境变量 {ENV_VAR} 指定名录目录",
        )
    return Registry(
        where,
        _load_file(experts_path, ExpertFile) if experts_path.exists() else None,
        _load_file(agencies_path, AgencyFile) if agencies_path.exists() else None,
    )


# ---------------------------------------------------------------------------------------------
# Expert panels


@dataclass(frozen=True)
class Panel:
    """A drawn panel: the experts chosen (in draw order), the eligible pool, the experts left
    out with the reason (回避, 暂停, 领域不符), the seed and the rules applied."""

    experts: pd.DataFrame
    excluded: pd.DataFrame
    eligible: int
    seed: int
    size: int
    fields: tuple[str, ...]
    exclude: tuple[str, ...]

    def summary(self) -> str:
        names = "、".join(f"{r.name}（{r.affiliation}）" for r in self.experts.itertuples())
        return (
            f"从 {self.eligible} 名符合条件的专家中随机抽取 {len(self.experts)} 名（随机种子 {self.seed}）："
            f"{names}；回避或不符合条件 {len(self.excluded)} 名。"
        )


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _related(a: str, b: str) -> bool:
    """Two unit names refer to the same unit: one contains the other once spaces are dropped
    (武进区水利局 ⊂ 常州市武进区水利局)."""
    return bool(a) and bool(b) and (a in b or b in a)


def conflict_of(expert: Expert, exclude: Iterable[str]) -> str | None:
    """The first unit of ``exclude`` the expert is tied to (a conflict key or the employer), or
    None. Names match when one contains the other (spaces ignored)."""
    ties = [*map(_norm, expert.conflicts), _norm(expert.affiliation)]
    return next((x for x in map(_norm, exclude) if any(_related(t, x) for t in ties)), None)


def check_panel(registry: Registry, ids: Sequence[str], exclude: Iterable[str]) -> list[Expert]:
    """The experts of a panel a case records (``panel.experts``), checked against the 专家库:
    each exists, is active and has no conflict with ``exclude`` (the evaluated unit …).

    Raises
    ------
    CaseError
        Naming the expert's position (``panel.experts[i]``) and the reason.
    """
    if registry.experts is None:
        raise CaseError("名录目录中没有专家库 experts.yaml", field=("panel",))
    known = {e.id: e for e in registry.experts.experts}
    exclude = [x for x in exclude if x]
    out = []
    for i, x in enumerate(ids):
        e = known.get(x)
        where = ("panel", "experts", i)
        if e is None:
            raise CaseError(
                f"专家库中没有专家 {x}", field=where, hint="用 jixiao registry experts 查看编号"
            )
        if not e.active:
            raise CaseError(f"专家 {x}（{e.name}）已暂停入库，不能参加评审", field=where)
        tie = conflict_of(e, exclude)
        if tie is not None:
            raise CaseError(
                f"专家 {x}（{e.name}）与“{tie}”存在利益关系，应回避",
                field=where,
                hint="用 jixiao registry draw 重新抽取（回避被评价单位）",
            )
        out.append(e)
    if len(set(ids)) != len(ids):
        raise CaseError("评审专家编号重复", field=("panel", "experts"))
    return out


def case_panel(case: Any) -> list[Expert]:
    """The experts of a case's ``panel`` (none without one), checked against the 专家库 of
    ``panel.registry`` or the project's ``parameters/registries/``: each exists, is active and has
    no conflict with the evaluated department, its short name, the responsible unit or the
    agency under review.

    Raises
    ------
    CaseError
        No 专家库 where the case looks for it, or a panel member who may not sit (naming
        ``panel.experts[i]``).
    """
    panel = getattr(case, "panel", None)
    if panel is None:
        return []
    folder = case.resolve(panel.registry) if panel.registry else locate(start=case.base_dir)
    if not (Path(folder) / "experts.yaml").is_file():
        raise CaseError(
            f"评审专家取自专家库，但 {folder} 中没有 experts.yaml",
            field=("panel",),
            hint=f"在 panel.registry 中给出名录目录，或设置环境变量 {ENV_VAR}",
        )
    responsible = getattr(case, "responsible", None)
    exclude = [
        case.department,
        getattr(case, "department_short", None) or "",
        responsible.unit if responsible is not None else "",
        getattr(case, "agency", None) or "",
    ]
    return check_panel(load(folder), panel.experts, exclude)


def panel_row(case: Any) -> list[tuple[str, str]]:
    """评审专家 row of a report's 基本信息 table: names and employers (the 公开版 removes the
    row; the seed of the draw stays in the case file); none without a panel."""
    experts = case_panel(case)
    if not experts:
        return []
    names = "、".join(f"{e.name}（{e.affiliation}）" for e in experts)
    how = (
        "从区预算绩效管理专家库随机抽取"
        if case.panel.seed is not None
        else "从区预算绩效管理专家库选取"
    )
    return [("评审专家", f"{names}（{how}，已回避被评价单位）")]


def draw_panel(
    registry: Registry,
    size: int,
    *,
    seed: int,
    fields: Iterable[str] = (),
    exclude: Iterable[str] = (),
    unit: str | None = None,
    year: int | None = None,
) -> Panel:
    """Draw a reproducible expert panel that avoids conflicts of interest.

    Eligible experts are active, share at least one of ``fields`` (when given) and have no
    conflict key equal to one of ``exclude`` (the evaluated department and unit, the agency doing
    the work; ``unit`` is added to it). Each requested field is covered first (one expert drawn
    per field not yet covered, in the order given), then the panel is filled from the rest. Within
    each step experts are drawn uniformly at random with ``numpy.random.default_rng(seed)``;
    experts who sat on a panel for ``unit`` within the last ``rotation_years`` years before
    ``year`` are drawn only when the others are exhausted (轮换).

    Raises
    ------
    CaseError
        No 专家库, or fewer eligible experts than ``size``.
    """
    if registry.experts is None:
        raise CaseError("名录目录中没有专家库 experts.yaml", field="--registry")
    if size < 1:
        raise CaseError("抽取人数应至少为 1", field="--size")
    r = rules()["panel"]
    fields = tuple(dict.fromkeys(f for f in fields if f))
    exclude = tuple(dict.fromkeys(_norm(x) for x in [*exclude, *([unit] if unit else [])] if x))
    table = pd.DataFrame(
        [
            {
                "id": e.id,
                "name": e.name,
                "affiliation": e.affiliation,
                "fields": tuple(e.fields),
                "active": e.active,
                "conflict": conflict_of(e, exclude),
            }
            for e in registry.experts.experts
        ]
    ).sort_values("id", kind="stable")
    matches = table["fields"].map(lambda fs: not fields or bool(set(fs) & set(fields)))
    reason = np.select(
        [~table["active"], table["conflict"].notna(), ~matches],
        ["暂停入库", "回避：与“" + table["conflict"].fillna("") + "”存在利益关系", "专业领域不符"],
        default="",
    )
    excluded = table.assign(reason=reason)[reason != ""][["id", "name", "affiliation", "reason"]]
    pool = table[reason == ""].reset_index(drop=True)
    if len(pool) < size:
        raise CaseError(
            f"符合条件的专家只有 {len(pool)} 名，少于抽取人数 {size}",
            field="--size",
            hint="放宽专业领域或扩充专家库；回避和暂停的专家不能参加",
        )
    recent: set[str] = set()
    if unit and year is not None:
        recent = {
            x
            for p in registry.experts.panels
            if _norm(p.unit) == _norm(unit) and year - r["rotation_years"] <= p.year < year
            for x in p.experts
        }
    rng = np.random.default_rng(seed)
    pool = pool.assign(
        order=rng.permutation(len(pool)), rotated=pool["id"].isin(recent)
    ).sort_values(["rotated", "order"], kind="stable")
    chosen: list[str] = []
    for f in fields:  # cover each requested field first
        if len(chosen) >= size:
            break
        if any(f in fs for fs in pool.loc[pool["id"].isin(chosen), "fields"]):
            continue
        candidates = pool[~pool["id"].isin(chosen) & pool["fields"].map(lambda fs, f=f: f in fs)]
        if len(candidates):
            chosen.append(candidates["id"].iloc[0])
    rest = pool[~pool["id"].isin(chosen)]["id"].tolist()
    chosen += rest[: size - len(chosen)]
    picked = pool.set_index("id").loc[chosen].reset_index()
    picked = picked.assign(fields=picked["fields"].map("、".join))[
        ["id", "name", "affiliation", "fields", "rotated"]
    ]
    return Panel(picked, excluded.reset_index(drop=True), len(pool), seed, size, fields, exclude)


# ---------------------------------------------------------------------------------------------
# Agencies: review history, 招标评分 factor, blacklist


def review_history(
    registry: Registry, key: str, library: Any = None, *, extra: Sequence[dict] = ()
) -> pd.DataFrame:
    """An agency's 执业质量考评 results: the registry's, plus the case library's
    third-party-quality cases whose ``agency`` is the agency's name, plus ``extra`` rows (the
    review being written: year, score, engagement, source); for a year several give, the library's
    score wins over the registry's and ``extra`` over both. Columns: year, score, engagement,
    source (名录 / 案例库 case id / the extra row's source)."""
    agency = registry.agency(key)
    rows = [
        {"year": r.year, "score": r.score, "engagement": r.engagement, "source": "名录"}
        for r in agency.reviews
    ]
    if library is not None:
        import json

        from methods.library import list_cases

        cases = list_cases(library, evaluation="third_party_quality")
        for c in cases.itertuples():
            folder = library.root / c.path
            try:
                params = (folder / "parameters.yaml").read_text(encoding="utf-8")
                results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            from methods import _yaml

            raw = _yaml.load(params)
            if isinstance(raw, dict) and _norm(str(raw.get("agency", ""))) == _norm(agency.name):
                rows.append(
                    {
                        "year": int(c.year),
                        "score": results.get("total_score"),
                        "engagement": raw.get("engagement"),
                        "source": f"案例库 {c.case_id}",
                    }
                )
    rows += [{**{"engagement": None, "source": "本次考评"}, **dict(x)} for x in extra]
    df = pd.DataFrame(rows, columns=["year", "score", "engagement", "source"])
    if df.empty:
        return df
    df["priority"] = np.select(
        [df["source"] == "名录", df["source"].str.startswith("案例库")], [0, 1], default=2
    )
    df = df.sort_values(["year", "priority"], kind="stable").drop_duplicates("year", keep="last")
    return df.drop(columns="priority").reset_index(drop=True)


@dataclass(frozen=True)
class BidFactor:
    """An agency's standing for a tender in ``year``: the mean 考评 score of the reviews within the
    window (None without any), the points added to its bid's score, or the blacklist entry that
    bars it (``points`` None)."""

    agency: str
    year: int
    window: tuple[int, int]
    reviews: int
    mean_score: float | None
    points: float | None
    barred: BlacklistEntry | None
    status: str

    def to_dict(self) -> dict[str, Any]:
        b = self.barred
        return {
            "agency": self.agency,
            "year": self.year,
            "window": list(self.window),
            "reviews": self.reviews,
            "mean_score": None if self.mean_score is None else round(self.mean_score, 2),
            "points": self.points,
            "barred": None
            if b is None
            else {
                "from": b.from_.isoformat(),
                "to": b.to.isoformat() if b.to else None,
                "reason": b.reason,
                "decided_by": b.decided_by,
            },
        }

    def summary(self) -> str:
        if self.barred is not None:
            b = self.barred
            until = f" 至 {b.to.isoformat()}" if b.to else " 起（未定截止日期）"
            return (
                f"{self.agency}：列入失信黑名单（{b.from_.isoformat()}{until}，{b.reason}，"
                f"{b.decided_by}认定），{rules()['bid_factor']['blacklist_effect']}。"
            )
        if self.mean_score is None:
            return (
                f"{self.agency}：{self.window[0]}—{self.window[1]} 年无执业质量考评记录，"
                f"招标评分调整 {self.points:+g} 分。"
            )
        return (
            f"{self.agency}：{self.window[0]}—{self.window[1]} 年 {self.reviews} 次执业质量考评平均"
            f" {self.mean_score:.2f} 分，{self.year} 年招标评分调整 {self.points:+g} 分"
            f"（{self.status}）。"
        )


def bid_factor(
    registry: Registry,
    key: str,
    year: int,
    *,
    on: datetime.date | None = None,
    library: Any = None,
    extra: Sequence[dict] = (),
) -> BidFactor:
    """The 招标评分 adjustment of an agency for a tender in ``year``.

    With the rule of ``methods/_data/registries.yaml`` (``bid_factor``): the mean of the
    agency's 执业质量考评 scores in the ``years`` years before ``year`` selects a band's points;
    no review gives ``none``. An agency blacklisted on ``on`` (default 1 January of ``year``) is
    barred (不得参与投标) whatever its scores.
    """
    rule = rules()["bid_factor"]
    agency = registry.agency(key)
    window = (year - rule["years"], year - 1)
    history = review_history(registry, key, library, extra=extra)
    inside = history[(history["year"] >= window[0]) & (history["year"] <= window[1])]
    inside = inside[inside["score"].notna()]
    from methods.documents import STATUS_ZH

    status = f"规则状态：{STATUS_ZH.get(rule['status'], rule['status'])}"
    barred = agency.blacklisted(on or datetime.date(year, 1, 1))
    if barred is not None:
        return BidFactor(agency.name, year, window, len(inside), None, None, barred, status)
    if inside.empty:
        return BidFactor(agency.name, year, window, 0, None, float(rule["none"]), None, status)
    mean = float(inside["score"].astype(float).mean())
    points = next(float(b["points"]) for b in rule["bands"] if mean >= b["min"])
    return BidFactor(agency.name, year, window, len(inside), mean, points, None, status)


def agency_table(registry: Registry, year: int, *, library: Any = None) -> pd.DataFrame:
    """Every agency with its standing for a tender in ``year``: id, name, reviews, mean_score,
    points, blacklisted (the listing's reason, or empty)."""
    rows = []
    for a in registry.agencies.agencies if registry.agencies else []:
        f = bid_factor(registry, a.id, year, library=library)
        rows.append(
            {
                "id": a.id,
                "name": a.name,
                "reviews": f.reviews,
                "mean_score": f.mean_score,
                "points": f.points,
                "blacklisted": f.barred.reason if f.barred else "",
            }
        )
    return pd.DataFrame(
        rows, columns=["id", "name", "reviews", "mean_score", "points", "blacklisted"]
    )
