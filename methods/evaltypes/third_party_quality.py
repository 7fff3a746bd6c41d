"""第三方机构执业质量考评 (evaluation: third_party_quality): the quality review of the third-party
institutions that evaluate for the finance bureau — score → share of the service fee paid, and a
flag for the 失信 list.

**No national numeric scale exists.** 财预〔2021〕6号《关于委托第三方机构参与预算绩效管理的指导意见》
asks for quality supervision and 考评 linked to fees, later engagements and credit records, but sets
no indicators, points or percentages. So the review is scored on a configurable framework
(default ``third_party_quality_2023``, ``methods/_data/frameworks/third_party_quality_2023.yaml``,
unverified) with the ordinary scoring engine, and the fee share comes from a parameter table
(``methods/_data/third_party_fee.yaml``, preset ``default_2023``: ≥ 90 → 100%, ≥ 80 → 95%,
≥ 70 → 90%, ≥ 60 → 80%, < 60 → 60%; unverified).

The 失信 flag (建议列入失信名单，提请主管部门认定) is raised when the score is below the schedule's
``blacklist_below`` (default 60) or when a listed serious violation (e.g. 出具虚假报告, 未按规定回避)
is recorded. The flag is a recommendation: the listing itself is decided by the competent authority.

This module holds the case model, its checks, the analysis (:func:`analyse`: the score, the
robustness of its grade and the fee outcome, :func:`assess`), the review's own findings
(:func:`find`: lost points and violations grouped by the stage of the engagement, each problem
with one suggestion to the agency and the client, rules in ``findings`` of the fee data) and the
report outline: 一 基本情况, 二 考评工作开展情况, 三 考评结论 (综合考评结论, 得分, 委托费用结算和
失信提示), 四 考评指标分析, 五 主要优点、存在的问题及原因分析, 六 有关建议, 七 其他需要说明的问题,
附件1 考评评分表, 附件2 技术附件 (method detail). The grade bands are cited as this type's own
default, never as the 10号 project bands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Case, EvaluationType, ScoredCase, _Model, register
from methods.errors import CaseError
from methods.evaltypes import _scored
from methods.evaltypes._scored import ScoredResult, level1_chart, lost_chart
from methods.report import blocks, official
from methods.report import findings as fnd
from methods.report.document import (
    BulletList,
    Callout,
    Cell,
    Document,
    Paragraph,
    Section,
    Span,
    Table,
)

# ---------------------------------------------------------------------------------------------
# Case model


class FeeBand(_Model):
    """One band of a fee schedule: the score's lower bound and the share (%) paid."""

    min: float = Field(ge=0, le=100, allow_inf_nan=False)
    share: float = Field(ge=0, le=100, allow_inf_nan=False)


class FeeScheduleSpec(_Model):
    """A fee schedule written in the case file."""

    bands: list[FeeBand] = Field(min_length=1)
    blacklist_below: float | None = Field(None, ge=0, le=100)
    name: str | None = None
    source: str | None = None


class Fee(_Model):
    """The service fee (委托费用) and the schedule that links it to the score."""

    contract: float = Field(gt=0, allow_inf_nan=False, description="委托合同金额")
    unit: str = "万元"
    advance: float | None = Field(None, ge=0, allow_inf_nan=False, description="已预付金额")
    schedule: str | FeeScheduleSpec | None = Field(
        None, description="付费比例表：预设名（default_2023、strict_2023）或自定义"
    )


class Violation(_Model):
    """A violation found in the review: a catalogue code (V01 …) or a described case."""

    code: str | None = None
    name: str | None = None
    serious: bool | None = Field(None, description="是否严重（严重违规触发失信提示）")
    note: str | None = None
    cause: str | None = Field(None, description="原因说明（写入报告的原因分析）")


class ThirdPartyCase(ScoredCase):
    """第三方机构执业质量考评 (evaluation: third_party_quality)."""

    agency: str = Field(min_length=1, max_length=200, description="受托第三方机构")
    agency_id: str | None = Field(
        None,
        description="第三方机构库编号（考评结果据以计算以后年度招标评分调整，jixiao registry）",
    )
    registry: str | None = Field(
        None, description="名录目录（相对案例文件）；默认项目的 parameters/registries"
    )
    engagement: str | None = Field(None, description="委托事项（默认取 title）")
    fee: Fee
    violations: list[Violation] = Field(default_factory=list)

    def registry_agency(self):
        """(registry, agency) of ``agency_id`` in the 第三方机构库, checked: the agency exists and
        its name is the case's ``agency``; (None, None) without ``agency_id``."""
        if self.agency_id is None:
            return None, None
        from methods import registry

        folder = (
            self.resolve(self.registry) if self.registry else registry.locate(start=self.base_dir)
        )
        if not (folder / "agencies.yaml").is_file():
            raise CaseError(
                f"agency_id 指向第三方机构库，但 {folder} 中没有 agencies.yaml",
                field=("agency_id",),
                hint="在 registry 中给出名录目录，或设置环境变量 JIXIAO_REGISTRY",
            )
        reg = registry.load(folder)
        try:
            agency = reg.agency(self.agency_id)
        except CaseError as exc:
            raise CaseError(exc.message, field=("agency_id",), hint=exc.hint) from None
        if re.sub(r"\s+", "", agency.name) != re.sub(r"\s+", "", self.agency):
            raise CaseError(
                f"第三方机构库中 {self.agency_id} 的名称为“{agency.name}”，与 agency 不一致",
                field=("agency_id",),
            )
        return reg, agency


def _check_third_party(case: Case) -> list[str]:
    warnings = _scored.check(case)
    if isinstance(case, ThirdPartyCase):
        case.registry_agency()
        try:
            fee_schedule(case.fee.schedule)
        except ValueError as exc:
            raise CaseError(str(exc), field=("fee", "schedule")) from None
        resolve_violations(case.violations)
        if case.fee.advance is not None and case.fee.advance > case.fee.contract:
            raise CaseError(
                f"已预付金额 {case.fee.advance:g} 大于合同金额 {case.fee.contract:g}",
                field=("fee", "advance"),
            )
    return warnings


register(
    EvaluationType(
        name="third_party_quality",
        title="第三方机构执业质量考评",
        notebook="third_party_quality.ipynb",
        model=ThirdPartyCase,
        default_framework="third_party_quality_2023",
        check=_check_third_party,
        report_kind="执业质量考评报告",
        scored=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Analysis: the fee schedule, violations and the fee outcome


@cache
def _data() -> dict[str, Any]:
    return load_yaml("third_party_fee.yaml")


@dataclass(frozen=True)
class FeeSchedule:
    """Score bands → share of the fee paid (%), and the 失信 threshold."""

    name: str
    bands: tuple[tuple[float, float], ...]  # (lower bound of the score, share %), best first
    blacklist_below: float | None
    source: str
    status: str
    preset: str | None = None

    def share(self, score: float) -> float:
        """Share (%) of the fee paid for a score (rounded to 2 dp first; lower bounds inclusive).

        >>> s = fee_schedule()
        >>> s.share(90), s.share(89.99), s.share(80), s.share(59.99)
        (100.0, 95.0, 95.0, 60.0)
        """
        value = fmt.round_half_up(float(score), 2)
        for low, share in self.bands:
            if value >= low - 1e-9:
                return share
        return self.bands[-1][1]

    def band_text(self, low: float) -> str:
        """E.g. ``80 ≤ 得分 < 90``."""
        lows = [b[0] for b in self.bands]
        i = lows.index(low)
        if i == 0:
            return f"得分 ≥ {fmt.num(low)}"
        return f"{fmt.num(low)} ≤ 得分 < {fmt.num(lows[i - 1])}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "preset": self.preset,
            "bands": [{"min": lo, "share": sh} for lo, sh in self.bands],
            "blacklist_below": self.blacklist_below,
            "source": self.source,
            "status": self.status,
        }


def schedules() -> list[str]:
    """Names of the shipped fee schedules."""
    return list(_data()["schedules"])


def fee_schedule(spec: str | Mapping[str, Any] | Any | None = None) -> FeeSchedule:
    """Resolve a fee-schedule preset name, a mapping or a case's schedule block.

    A mapping has ``bands`` (a list of ``{min, share}``; one band must start at 0) and optionally
    ``blacklist_below``, ``name``, ``source``.

    Raises
    ------
    ValueError
        Unknown preset; no band from 0; a share outside 0–100; shares rising as scores fall.
    """
    data = _data()
    if spec is None:
        spec = data["default_schedule"]
    if isinstance(spec, str):
        if spec not in data["schedules"]:
            raise ValueError(f"未知的付费比例表 '{spec}'（可用：{'、'.join(data['schedules'])}）")
        raw, preset = dict(data["schedules"][spec]), spec
    else:
        raw = dict(spec) if isinstance(spec, Mapping) else spec.model_dump(exclude_none=True)
        preset = None
    bands = sorted(
        ((float(b["min"]), float(b["share"])) for b in raw.get("bands") or []), key=lambda b: -b[0]
    )
    if not bands:
        raise ValueError("付费比例表需要 bands（得分下限 min 与支付比例 share）")
    if bands[-1][0] > 0:
        raise ValueError("付费比例表需要一个得分下限为 0 的档次")
    if len({b[0] for b in bands}) != len(bands):
        raise ValueError("付费比例表的得分下限重复")
    for low, share in bands:
        if not 0 <= low <= 100 or not 0 <= share <= 100:
            raise ValueError("得分下限和支付比例应在 0 到 100 之间")
    shares = [b[1] for b in bands]
    if any(a < b for a, b in zip(shares, shares[1:], strict=False)):
        raise ValueError("支付比例应随得分降低而不增加")
    return FeeSchedule(
        name=raw.get("name") or "案例文件自定义付费比例表",
        bands=tuple(bands),
        blacklist_below=raw.get("blacklist_below"),
        source=raw.get("source", "案例文件自定义"),
        status=raw.get("status", "case"),
        preset=preset,
    )


def violation_catalogue() -> dict[str, dict[str, Any]]:
    """The listed violations by code (V01 …), each with ``name`` and ``serious``."""
    return {v["code"]: dict(v) for v in _data()["violations"]}


def resolve_violations(items) -> pd.DataFrame:
    """The case's violations with name and seriousness (catalogue entries filled in).

    Raises
    ------
    CaseError
        Unknown code, or a violation without code that lacks ``name`` or ``serious``.
    """
    cat = violation_catalogue()
    rows = []
    for i, v in enumerate(items or []):
        loc = ("violations", i)
        if v.code is not None:
            if v.code not in cat:
                raise CaseError(
                    f"未知的违规情形代码 '{v.code}'",
                    field=(*loc, "code"),
                    hint="可用：" + "、".join(f"{k} {e['name']}" for k, e in cat.items()),
                )
            entry = cat[v.code]
            name = v.name or entry["name"]
            serious = entry["serious"] if v.serious is None else v.serious
            listed = True
        else:
            if v.name is None or v.serious is None:
                raise CaseError(
                    "未列入清单的违规情形需要 name（情形）和 serious（是否严重）",
                    field=loc,
                    hint="或使用清单代码 code：" + "、".join(cat),
                )
            name, serious, listed = v.name, v.serious, False
        rows.append(
            {
                "code": v.code,
                "name": name,
                "serious": bool(serious),
                "listed": listed,
                "note": v.note,
                "cause": v.cause,
            }
        )
    return pd.DataFrame(rows, columns=["code", "name", "serious", "listed", "note", "cause"])


def amount_digits(unit: str) -> int:
    """Decimals of fee amounts: 4 for 万元 (to the 元), else 2."""
    return 4 if unit == "万元" else 2


def money(x: float, unit: str) -> str:
    """An amount with its unit's decimals, thousands separated (trailing zeros dropped)."""
    return fmt.num(x, amount_digits(unit))


@dataclass(frozen=True)
class QualityResult:
    """Fee and 失信 outcome of a third-party quality review."""

    score: float
    grade: str | None
    schedule: FeeSchedule
    band: float
    share: float
    contract: float
    paid: float
    withheld: float
    advance: float | None
    balance: float | None
    unit: str
    blacklist: bool
    reasons: tuple[str, ...]
    violations: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "grade": self.grade,
            "fee": {
                "contract": self.contract,
                "unit": self.unit,
                "share": self.share,
                "band": self.schedule.band_text(self.band),
                "paid": self.paid,
                "withheld": self.withheld,
                "advance": self.advance,
                "balance": self.balance,
                "schedule": self.schedule.to_dict(),
            },
            "blacklist": {"flag": self.blacklist, "reasons": list(self.reasons)},
            "violations": [
                {k: (None if pd.isna(v) else v) for k, v in r.items() if k != "cause"}
                for r in self.violations.to_dict("records")
            ],
            "national_scale": False,
        }


def assess(case, ev) -> QualityResult:
    """The fee share, amounts and 失信 flag of a scored third-party review.

    ``paid = contract × share / 100`` (2 dp, half-up); ``withheld = contract − paid``; with an
    ``advance`` already paid, ``balance = paid − advance`` (negative: to be returned).
    """
    fee = case.fee
    try:
        schedule = fee_schedule(fee.schedule)
    except ValueError as exc:
        raise CaseError(str(exc), field=("fee", "schedule")) from None
    score = float(ev.total)
    value = fmt.round_half_up(score, 2)
    band = next((lo for lo, _ in schedule.bands if value >= lo - 1e-9), schedule.bands[-1][0])
    share = schedule.share(score)
    digits = amount_digits(fee.unit)
    paid = fmt.round_half_up(fee.contract * share / 100, digits)
    withheld = fmt.round_half_up(fee.contract - paid, digits)
    balance = None if fee.advance is None else fmt.round_half_up(paid - fee.advance, digits)
    violations = resolve_violations(case.violations)
    reasons = []
    if schedule.blacklist_below is not None and value < schedule.blacklist_below - 1e-9:
        reasons.append(f"考评得分 {fmt.num(score)} 分，低于 {fmt.num(schedule.blacklist_below)} 分")
    for r in violations[violations["serious"]].itertuples():
        reasons.append(f"存在严重违规情形：{r.name}" + (f"（{r.code}）" if r.code else ""))
    return QualityResult(
        score=score,
        grade=ev.grade,
        schedule=schedule,
        band=band,
        share=share,
        contract=float(fee.contract),
        paid=paid,
        withheld=withheld,
        advance=fee.advance,
        balance=balance,
        unit=fee.unit,
        blacklist=bool(reasons),
        reasons=tuple(reasons),
        violations=violations,
    )


@dataclass(frozen=True)
class ThirdPartyResult(ScoredResult):
    """The scored review (``ev``), the robustness of its grade and the fee outcome (``quality``)."""

    quality: QualityResult

    @cached_property
    def findings(self) -> fnd.Findings:
        """The review's problems and suggestions (:func:`find`)."""
        return find(self.ev, self.quality.violations)

    @cached_property
    def bid(self):
        """The agency's 招标评分 adjustment for next year's tenders (``agency_id`` given): its
        reviews in the 第三方机构库 plus this one (:func:`methods.registry.bid_factor`); None
        without ``agency_id``."""
        reg, agency = self.ev.case.registry_agency()
        if agency is None:
            return None
        from methods import registry

        this = {"year": self.ev.case.year, "score": self.ev.total, "source": "本次考评"}
        return registry.bid_factor(reg, agency.id, self.ev.case.year + 1, extra=[this])


def analyse(case: ThirdPartyCase) -> ThirdPartyResult:
    """Score the review, perturb its level-1 weights and work out the fee share and 失信 flag."""
    from methods import evaluation, report

    ev = evaluation.evaluate(case)
    return ThirdPartyResult(ev, report.grade_robustness(ev), assess(case, ev))


# ---------------------------------------------------------------------------------------------
# Findings: the problems of the review and the suggestions that answer them

_CN = "一二三四五六七八九十"


@dataclass(frozen=True)
class AgencyProblem(fnd.Problem):
    """A problem of the agency's work; without a stated cause the review says the case material
    does not give one (the agency, not an evaluated unit, is the subject)."""

    @property
    def cause_text(self) -> str:
        if not self.causes:
            return f"原因分析：考评资料未载明{self.short}的具体原因，有待进一步核实。"
        return fnd.Problem.cause_text.fget(self)


def findings_rules() -> dict[str, Any]:
    """The findings rules of a review (``findings`` in ``methods/_data/third_party_fee.yaml``)."""
    return _data()["findings"]


def citation(key: str) -> str:
    """A basis the report cites (``report`` in the fee data), its status in Chinese."""
    entry = _data()["report"][key]
    status = entry.get("status")
    text = entry.get("source") or entry["text"]  # a 文件库 citation where the basis is a document
    return blocks.cite(text) + (f"（{blocks.status_text(status)}）" if status else "")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else ""


def _clause(text: str) -> str:
    return fnd.tidy(str(text).strip().rstrip("。；;，,"))


def _is_cause(note: str) -> bool:
    return any(m in note for m in fnd.rules()["cause_markers"] if "…" not in m)


def client_name(case: ThirdPartyCase) -> str:
    """The client (委托方) as suggestions name it: its short name, else its full name."""
    return case.department_short or case.department


def indicator_fact(row: Mapping[str, Any]) -> str:
    """What an indicator of the review shows, without points: a deduction or a qualitative
    score is described by its note (what the reviewers found); a qualitative loss without one
    carries 【待补充：扣分依据】."""
    name, rule = row["name"], row["rule"]
    note = _text(row.get("note"))
    if note and _is_cause(note):
        note = ""
    if rule in ("deduction", "qualitative"):
        if note:
            return f"{name}方面，{_clause(note)}"
        if rule == "qualitative":
            return f"{name}未得满分，【待补充：扣分依据】"
        return f"{name}未达到要求（{fmt.with_unit(row.get('actual'), row.get('unit'))}）"
    base = fnd.indicator_fact(row)
    return base + (f"；{_clause(note)}" if note else "")


def _causes(row: Mapping[str, Any]) -> list[str]:
    out = []
    note = _text(row.get("note"))
    if note and _is_cause(note):
        out.append(_clause(note))
    cause = _text(row.get("cause"))
    if cause:
        out.append(_clause(cause))
    return out


def _highlight(row: Mapping[str, Any]) -> str:
    """The heading's 最突出表现 from an indicator: the first clause of its note, an unmet
    checklist point, or the indicator itself."""
    name, rule = row["name"], row["rule"]
    note = _text(row.get("note"))
    if note and not _is_cause(note):
        return _clause(re.sub(r"（[^（）]*）|\([^()]*\)", "", note).split("，")[0])
    missed = row.get("items_missed")
    if isinstance(missed, list | tuple) and missed:
        return f"{name}中“{missed[0]}”未满足"
    return {
        "qualitative": f"{name}未得满分",
        "reverse": f"{name}高于标准",
        "deduction": f"{name}未达到要求",
    }.get(rule, f"{name}未达到目标")


def _violation_fact(v: Mapping[str, Any]) -> str:
    note = _text(v.get("note"))
    return f"经认定，存在违规情形“{v['name']}”" + (f"（{_clause(note)}）" if note else "")


def _theme_of(row: Mapping[str, Any], themes: list[dict[str, Any]]) -> str:
    for key in ("level2", "level1"):
        for th in themes:
            if str(row.get(key)) in ((th.get("match") or {}).get(key) or []):
                return th["id"]
    return "other"


def _material(row: Mapping[str, Any], cfg: Mapping[str, Any]) -> bool:
    mat = cfg["materiality"]
    if row["lost"] >= mat["min_lost_points"] - 1e-9:
        return True
    return row["weight"] > 0 and row["score"] / row["weight"] * 100 < mat["max_rate"] - 1e-9


def find(ev, violations: pd.DataFrame | None = None) -> fnd.Findings:
    """The problems and suggestions of a third-party review.

    Lost indicators are grouped by the stage of the engagement they concern (the framework's
    level-2, then level-1 name); a stage with a material loss (``materiality``) becomes one
    problem, its other losses join it as facts, the rest stay in the indicator analysis and the
    评分表. Every recorded violation is a problem: serious ones together first, the others with
    the stage their code belongs to. The case's own ``findings:`` are always problems. Each
    problem gets one suggestion (the theme's, with a violation's own measure, or the finding's
    ``advice``), addressed to the agency and the client; at most ``max_problems`` problems.
    """
    cfg = findings_rules()
    themes = cfg["themes"]
    by_id = {t["id"]: t for t in themes}
    case = ev.case
    if violations is None:
        violations = resolve_violations(case.violations)
    rows = [r for r in ev.table.to_dict("records") if r["applicable"] and r["lost"] > 0.005]
    explicit = list(case.findings or [])
    claimed = {c for f in explicit for c in f.indicators}
    by_code = {r["code"]: r for r in ev.table.to_dict("records")}

    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["code"] not in claimed:
            groups.setdefault(_theme_of(r, themes), []).append(r)
    listed: dict[str, list[dict[str, Any]]] = {}
    serious = []
    for v in violations.to_dict("records"):
        if v["serious"]:
            serious.append(v)
            continue
        theme = next((t["id"] for t in themes if v["code"] in (t.get("violations") or [])), None)
        listed.setdefault(theme or "other", []).append(v)

    problems: list[AgencyProblem] = []
    if serious:
        names = "、".join(v["name"] for v in serious)
        problems.append(
            AgencyProblem(
                theme="serious",
                theme_title=by_id["serious"]["title"],
                heading=by_id["serious"]["heading"].format(highlight=serious[0]["name"]),
                facts=tuple(_violation_fact(v) for v in serious),
                causes=(),
                kind="compliance",
                codes=(),
                lost=0.0,
                short=names,
            )
        )
    for f in explicit:
        facts = [f.facts] if isinstance(f.facts, str) else list(f.facts)
        causes = [f.cause] if f.cause else []
        for code in f.indicators:
            r = by_code.get(code)
            if r is not None and r["applicable"] and r["lost"] > 0.005:
                facts.append(indicator_fact(r))
                causes += _causes(r)
        theme = f.theme if f.theme in by_id else None
        if theme is None:
            found = [_theme_of(by_code[c], themes) for c in f.indicators if c in by_code]
            theme = found[0] if found else "other"
        title = _clause(f.title)
        problems.append(
            AgencyProblem(
                theme=theme,
                theme_title=by_id[theme]["title"],
                heading=title + "。",
                facts=tuple(dict.fromkeys(_clause(x) for x in facts if str(x).strip())),
                causes=tuple(_clause(c) for c in causes),
                kind=f.kind,
                codes=tuple(f.indicators),
                lost=sum(by_code[c]["lost"] for c in f.indicators if c in by_code),
                short=title.split("，")[0],
                advice=f.advice,
                responsible=f.responsible,
            )
        )

    minor: list[str] = []
    for th in themes:
        tid = th["id"]
        members = groups.get(tid, [])
        found = listed.get(tid, [])
        material = [r for r in members if _material(r, cfg)]
        if not material and not found:
            minor += [r["code"] for r in members]
            continue
        material.sort(key=lambda r: -r["lost"])
        rest = sorted((r for r in members if r not in material), key=lambda r: -r["lost"])
        facts, causes = [], []
        for r in material + rest:
            facts.append(indicator_fact(r))
            causes += _causes(r)
        facts += [_violation_fact(v) for v in found]
        causes += [_clause(v["cause"]) for v in found if _text(v.get("cause"))]
        if material:
            highlight = _highlight(material[0])
            names = "、".join(r["name"] for r in material)
        else:
            highlight = f"存在“{found[0]['name']}”情形"
            names = "、".join(v["name"] for v in found)
        level1 = material[0]["level1"] if material else (rest[0]["level1"] if rest else "执业")
        problems.append(
            AgencyProblem(
                theme=tid,
                theme_title=th["title"] if tid != "other" else str(level1),
                heading=th["heading"].format(highlight=highlight, level1=level1),
                facts=tuple(dict.fromkeys(fnd.tidy(x) for x in facts)),
                causes=tuple(dict.fromkeys(causes)),
                kind="violation" if found else "loss",
                codes=tuple(r["code"] for r in material + rest)
                + tuple(v["code"] or v["name"] for v in found),
                lost=sum(r["lost"] for r in members),
                short=f"{names}方面问题",
            )
        )

    cap = cfg["materiality"]["max_problems"]
    if len(problems) > cap:
        keep = sorted(
            range(len(problems)),
            key=lambda i: (problems[i].kind == "loss", -problems[i].lost),
        )[:cap]
        minor += [c for i, p in enumerate(problems) if i not in keep for c in p.codes]
        problems = [p for i, p in enumerate(problems) if i in keep]
    order = {t["id"]: i for i, t in enumerate(themes)}
    problems.sort(key=lambda p: (p.kind != "compliance", order.get(p.theme, 99)))
    advice = tuple(_advice(p, i, case, listed) for i, p in enumerate(problems, 1))
    return fnd.Findings(tuple(problems), advice, tuple(minor))


def _advice(p: AgencyProblem, number: int, case, listed) -> fnd.Advice:
    cfg = findings_rules()
    theme = next(t for t in cfg["themes"] if t["id"] == p.theme)
    client = p.responsible or client_name(case)
    slots = {
        "client": client,
        "short": p.short.removesuffix("方面问题"),
        "names": p.short.removesuffix("方面问题"),
        "deadline": cfg["deadline_placeholder"],
    }
    title = theme["advice"]["title"].format(**slots)
    if p.advice:
        return fnd.Advice(number, title, fnd._sentence(fnd.tidy(p.advice)))
    text = re.sub(r"\s+", "", theme["advice"]["text"].format(**slots))
    extra = cfg.get("violation_advice") or {}
    if p.kind == "violation":
        for v in listed.get(p.theme, []):
            entry = extra.get(v["code"])
            if entry:
                title = entry.get("title", title)
                text += entry["text"].format(**slots)
    return fnd.Advice(number, title, text if text.endswith("。") else text + "。")


def strengths(ev) -> list[str]:
    """主要优点: the indicators at full score, per level-1 dimension, with what they show."""
    out = []
    t = ev.table[ev.table["applicable"]]
    for lv in ev.level1_table.itertuples():
        full = t[(t["level1"] == lv.level1) & (t["lost"] <= 0.005)]
        items = []
        for r in full.to_dict("records"):
            if r["rule"] == "checklist" and not fnd._missing(r.get("total")):
                items.append(f"{r['name']}{fmt.num(r['total'], 0)}项评价要点全部满足")
            elif r["rule"] == "deduction":
                items.append(f"{r['name']}未发现扣分事项")
            elif r["rule"] in ("positive", "reverse", "range", "equal"):
                items.append(fnd.indicator_fact(r))
            else:
                items.append(f"{r['name']}得满分")
        if items:
            out.append(f"{lv.level1}方面，{'，'.join(items)}。")
    return out


def _dimensions(ev) -> str:
    t = ev.level1_table.sort_values("rate", ascending=False, kind="stable")
    if len(t) < 2:
        return ""
    if t["rate"].max() - t["rate"].min() < 5:
        return "从各维度看，各维度得分较为均衡。"
    k = 2 if len(t) >= 4 else 1
    top, low = t.head(k), t.tail(k).iloc[::-1]
    word = "分别为" if k > 1 else "为"

    def rates(df):
        return "、".join(f"{fmt.fixed(r)}%" for r in df["rate"])

    return (
        f"从各维度看，{'、'.join(top['level1'])}得分率较高（{word}{rates(top)}），"
        f"{'、'.join(low['level1'])}相对薄弱（{word}{rates(low)}）。"
    )


def band_words(schedule: FeeSchedule, low: float) -> str:
    """A fee band as a report writes it: ``80分（含）至90分``, ``90分（含）以上``, ``60分以下``."""
    lows = [b[0] for b in schedule.bands]
    i = lows.index(low)
    if i == 0:
        return f"{fmt.num(low)}分（含）以上"
    if low <= 0:
        return f"{fmt.num(lows[i - 1])}分以下"
    return f"{fmt.num(low)}分（含）至{fmt.num(lows[i - 1])}分"


def fee_sentence(result: QualityResult) -> str:
    """委托费用结算 in one sentence, e.g. ``按本次考评采用的付费比例表，得分在80分（含）至90分
    的支付委托费用的95%，应支付17.575万元，扣减0.925万元；已预付9.25万元，尚需支付8.325万元。``"""
    u = result.unit
    text = (
        f"按本次考评采用的付费比例表，得分在{band_words(result.schedule, result.band)}的支付"
        f"委托费用的{fmt.num(result.share)}%。委托合同金额{money(result.contract, u)}{u}，"
        f"应支付{money(result.paid, u)}{u}，扣减{money(result.withheld, u)}{u}"
    )
    if result.advance is not None:
        text += f"；已预付{money(result.advance, u)}{u}，"
        if result.balance >= 0:
            text += f"尚需支付{money(result.balance, u)}{u}"
        else:
            text += f"应退回{money(-result.balance, u)}{u}"
    return text + "。"


def reasons_text(result: QualityResult) -> list[str]:
    """The 失信 reasons as the body prints them (the catalogue codes are in the 技术附件)."""
    codes = [c for c in result.violations["code"] if isinstance(c, str)]
    out = []
    for reason in result.reasons:
        for code in codes:
            reason = reason.replace(f"（{code}）", "")
        out.append(fnd.tidy(reason))
    return out


def credit_sentence(result: QualityResult) -> str:
    if not result.blacklist:
        return "考评得分不低于失信提示阈值，且未发现严重违规情形，未触发失信提示。"
    return (
        "考评触发失信提示（"
        + "；".join(reasons_text(result))
        + "），建议提请主管部门认定是否将受托机构列入失信名单。"
    )


def conclusion(ev, result: QualityResult, fd: fnd.Findings | None = None) -> str:
    """综合考评结论 in official prose: the engagement, what was done well, where it fell short,
    strongest and weakest dimensions, score and grade, then the fee and the credit outcome."""
    fd = fd if fd is not None else find(ev, result.violations)
    case = ev.case
    engagement = fnd.tidy(case.engagement or case.title)
    text = f"经考评，受托机构承担的{engagement}业务"
    t = ev.table[ev.table["applicable"]]
    full = t[t["lost"] <= 0.005]
    if len(full):
        names = "、".join(full["name"].head(4)) + ("等" if len(full) > 4 else "")
        text += f"，{names}{len(full)}项考评指标得满分。"
    else:
        text += "。"
    probs = fd.problems[:3]
    if probs:
        titles = [p.theme_title for p in probs]
        shown = "、".join(titles[:-1]) + "和" + titles[-1] if len(titles) > 1 else titles[0]
        facts = "；".join(_clause(p.heading).split("，", 1)[-1] for p in probs)
        text += f"受托机构在{shown}等方面存在不足：{facts}。"
    text += _dimensions(ev)
    limits = getattr(ev, "limits", ())
    if limits:  # a grade limit the findings triggered replaces the grade sentence
        text += (
            f"按考评得分{fmt.fixed(ev.total)}分，处于“{limits[0].before}”等级区间；"
            f"{'；'.join(lim.sentence() for lim in limits)}，考评等级调整为“{limits[-1].after}”。"
        )
    else:
        text += f"考评得分{fmt.fixed(ev.total)}分，考评等级为“{ev.grade}”。"
    return text + fee_sentence(result) + credit_sentence(result)


def conclusions(ev, result: QualityResult, fd: fnd.Findings | None = None) -> dict[str, list[str]]:
    """主要优点, 存在问题 and 有关建议 of a review (results.json ``conclusions``): the full-score
    points by dimension, each problem with its facts and 原因分析, one suggestion per problem
    (``{title}（针对问题N）：{text}``), then the evaluator's own lists."""
    fd = fd if fd is not None else find(ev, result.violations)
    suggestions = [f"{a.heading()}：{a.text}" for a in fd.advice]
    extra = list(other_suggestions(ev.case, result, fd))
    from methods.report import with_case_conclusions

    return with_case_conclusions(
        ev.case,
        strengths(ev),
        [p.text() for p in fd.problems],
        suggestions + extra,
        no_problem="各项考评指标均达到要求，未发现需要单独列示的问题。",
        no_suggestion="保持现有执业质量，继续执行质量控制和复核制度。",
    )


def other_suggestions(case: ThirdPartyCase, result: QualityResult, fd: fnd.Findings):
    """A suggestion no problem answers: the credit referral when the score alone triggers it."""
    if result.blacklist and not any(p.theme == "serious" for p in fd.problems):
        yield (
            f"建议{client_name(case)}将考评结果报送主管部门，提请认定是否将受托机构列入失信名单；"
            "认定前暂停向受托机构委托新的评价业务。"
        )


def results(r: ThirdPartyResult) -> dict[str, Any]:
    """results.json: the scored-evaluation keys, the review's own ``conclusions`` and
    ``findings``, plus the ``third_party`` block."""
    from methods import report

    ev, q = r.ev, r.quality
    block = {"agency": ev.case.agency, "engagement": ev.case.engagement, **q.to_dict()}
    if r.bid is not None:
        block["bid_factor"] = r.bid.to_dict()
    return report.results(
        ev,
        robustness=r.robustness,
        conclusions=conclusions(ev, q, r.findings),
        findings=r.findings.to_dict(),
        third_party=block,
    )


# ---------------------------------------------------------------------------------------------
# Report outline

NO_SCALE = (
    "全国没有统一的第三方机构执业质量考评计分标准和付费比例：财预〔2021〕6号只要求建立执业质量"
    "监督和考评机制，并将考评结果与委托费用、后续委托和信用记录挂钩。本报告的考评指标、等级分档、"
    "付费比例和失信提示阈值均为可配置的默认口径（待核实），以委托合同和本地考评办法为准。"
)


def basic_info(case: ThirdPartyCase, ev) -> Table:
    """考评对象基本信息 (the case id is an archive key: it is in the 技术附件)."""
    fee = case.fee
    pairs = [
        ("受托第三方机构", case.agency),
        ("委托事项", fnd.tidy(case.engagement or case.title)),
        ("委托单位", case.department),
        ("考评年度", f"{case.year}年"),
        ("评价类型", case.evaluation_type.title),
        ("考评人员", fnd.tidy(case.evaluator) if case.evaluator else None),
        ("委托合同金额", f"{money(fee.contract, fee.unit)}{fee.unit}"),
    ]
    if fee.advance is not None:
        pairs.append(("已预付金额", f"{money(fee.advance, fee.unit)}{fee.unit}"))
    return Table.kv(pairs)


def outcome(result: QualityResult) -> list[Any]:
    """The fee outcome and the 失信 flag, as a short block."""
    parts: list[Any] = [Paragraph([Span("委托费用结算：", strong=True), fee_sentence(result)])]
    if result.blacklist:
        parts.append(
            Callout(
                "warn",
                [
                    Paragraph(
                        [
                            Span(
                                "失信提示：建议将该机构列入失信名单（提请主管部门认定）。",
                                strong=True,
                            ),
                            "理由：",
                        ]
                    ),
                    BulletList(reasons_text(result)),
                ],
            )
        )
    else:
        parts.append(Paragraph("失信提示：未触发（得分不低于失信提示阈值，且无严重违规情形）。"))
    return parts


def fee_table(result: QualityResult) -> Table:
    """付费比例表 with the band that applies marked."""
    rows = []
    for low, share in result.schedule.bands:
        amount = fmt.round_half_up(result.contract * share / 100, amount_digits(result.unit))
        rows.append(
            [
                band_words(result.schedule, low),
                fmt.num(share) + "%",
                money(amount, result.unit),
                "本次适用" if low == result.band else "",
            ]
        )
    header = ["考评得分", "支付比例", f"对应支付金额（{result.unit}）", "适用"]
    return Table(rows, header, numeric=(1, 2))


def violations_table(result: QualityResult) -> Table | Paragraph:
    """Recorded violations and their seriousness (the catalogue code is in the 技术附件)."""
    v = result.violations
    if v.empty:
        return Paragraph("考评中未发现违规情形。")
    rows = [
        [
            r["name"],
            "严重（触发失信提示）" if r["serious"] else "一般",
            fnd.tidy(r["note"]) if _text(r.get("note")) else "—",
        ]
        for r in v.to_dict("records")
    ]
    return Table(rows, ["违规情形", "性质", "说明"])


def score_card(ev) -> Callout:
    """The total and grade with the review's own grading basis (not the 10号 project bands)."""
    lost = ev.lost
    return Callout(
        "score",
        [
            Paragraph(f"考评等级标准：{ev.bands.describe()}。{citation('grading')}。", "meta"),
            *(
                Paragraph(
                    f"等级限定：按得分为“{lim.before}”，{lim.sentence()}，调整为“{lim.after}”。",
                    "meta",
                )
                for lim in getattr(ev, "limits", ())
            ),
            Paragraph(
                f"本次考评共{int(ev.table['applicable'].sum())}项末级指标，其中{len(lost)}项失分，"
                f"合计扣{fmt.num(lost['lost'].sum())}分。"
            ),
        ],
        total=fmt.num(ev.total),
        grade=ev.grade,
        grade_label="考评等级",
    )


def section_basic(r: ThirdPartyResult) -> Section:
    """一、基本情况"""
    case = r.case
    fee = case.fee
    client = case.department
    short = case.department_short
    intro = (
        f"{case.agency}（以下简称“受托机构”）受{client}"
        + (f"（以下简称“{short}”）" if short and short != client else "")
        + f"委托，承担{fnd.tidy(case.engagement or case.title)}业务。"
    )
    money_text = f"委托合同金额{money(fee.contract, fee.unit)}{fee.unit}"
    if fee.advance is not None:
        money_text += f"，已预付{money(fee.advance, fee.unit)}{fee.unit}"
    if case.budget is not None and case.budget.note:
        money_text += f"（{fnd.tidy(case.budget.note)}）"
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）受托机构和委托事项",
                [
                    basic_info(case, r.ev),
                    Paragraph(fnd.tidy(intro)),
                    official.overview_paragraph(case, "委托事项概况"),
                ],
                level=2,
            ),
            Section(
                "（二）委托费用",
                [Paragraph(money_text + "。考评结果与委托费用支付挂钩，付费比例见第三部分。")],
                level=2,
            ),
        ],
    )


def _framework_sentence(ev) -> str:
    lv = ev.level1_table
    n2 = ev.table[ev.table["applicable"]]["level2"].nunique()
    n3 = int(ev.table["applicable"].sum())
    points = "、".join(f"{fmt.num(w)}分" for w in lv["weight"])
    return (
        f"按第三方机构执业质量考评指标框架，设置{'、'.join(lv['level1'])}{len(lv)}个一级指标，"
        f"分值分别为{points}，下设{n2}个二级指标、{n3}个三级指标（详见附件1）。"
    )


def section_work(r: ThirdPartyResult) -> Section:
    """二、考评工作开展情况"""
    case, ev = r.case, r.ev
    work = case.work
    purpose = work.purpose if work and work.purpose else None
    scope = (
        work.scope
        if work and work.scope
        else f"考评对象为受托机构承担{fnd.tidy(case.engagement or case.title)}业务的执业质量"
    )
    process = (work.process if work else None) or None
    steps = [process] if isinstance(process, str) else list(process or [])
    bands = ev.bands.bands
    band_text = "、".join(
        f"{fmt.num(lo)}分（含）以上为“{g}”"
        if i == 0
        else f"{fmt.num(lo)}分（含）至{fmt.num(bands[i - 1][1])}分为“{g}”"
        for i, (g, lo) in enumerate(bands)
        if lo > 0
    )
    bottom = bands[-2][1] if len(bands) > 1 else 0
    grading = f"考评等级按{band_text}、{fmt.num(bottom)}分以下为“{bands[-1][0]}”划分"

    def para(text: str) -> Paragraph:
        return Paragraph(fnd.tidy(text))

    return Section(
        "二、考评工作开展情况",
        [
            Section(
                "（一）考评目的、对象和范围",
                [
                    para(f"考评目的：{_clause(purpose)}。")
                    if purpose
                    else Paragraph(f"考评目的：{official.NOT_GIVEN}"),
                    para(f"{_clause(scope)}。"),
                ],
                level=2,
            ),
            Section(
                "（二）考评依据、指标体系、方法和标准",
                [
                    para(
                        f"1. 考评依据。{citation('fee_basis')}；委托合同；违规情形依据"
                        f"{citation('violations_basis')}认定。"
                    ),
                    para(f"2. 考评指标体系。{_framework_sentence(ev)}"),
                    para(
                        "3. 考评方法。对照委托合同和评价方案逐项计分：定量指标按实际值与目标值比较计分，"
                        "评价要点类指标按满足要点的比例计分，扣分类指标按发现的问题数量扣分，"
                        "定性指标按评分档次计分（计分规则详见附件2）。"
                    ),
                    para(
                        f"4. 考评标准。{grading}。{citation('grading')}。考评得分按付费比例表"
                        "确定委托费用的支付比例；得分低于失信提示阈值或存在严重违规情形的，提出失信提示。"
                    ),
                ],
                level=2,
            ),
            Section(
                "（三）考评工作过程",
                [para(f"{i}. {_clause(s)}。") for i, s in enumerate(steps, 1)]
                or [Paragraph(f"考评工作过程：{official.NOT_GIVEN}")],
                level=2,
            ),
        ],
    )


def bid_paragraph(r: ThirdPartyResult) -> list[Any]:
    """招标评分挂钩: the agency's adjustment for next year's tenders (武发〔2020〕48号: 执业质量考评
    结果与以后年度招标评分挂钩), from the 第三方机构库 plus this review; nothing without
    ``agency_id``."""
    b = r.bid
    if b is None:
        return []
    from methods import registry

    status = registry.rules()["bid_factor"]["status"]
    if b.barred is not None:
        text = b.summary()
    else:
        text = (
            f"按第三方机构库记录，该机构{b.window[0]}—{b.window[1]}年执业质量考评"
            f"（含本次）{b.reviews}次，平均{fmt.fixed(b.mean_score)}分，"
            f"{b.year}年参加本区预算绩效管理委托招标时技术评分调整{b.points:+g}分"
            f"（计算口径为{blocks.status_text(status)}，以本地招标文件为准）。"
        )
    return [Paragraph([Span("招标评分挂钩：", strong=True), text])]


def section_conclusion(r: ThirdPartyResult) -> Section:
    """三、考评结论"""
    q = r.quality
    return Section(
        "三、考评结论",
        [
            Section(
                "（一）综合考评结论",
                [Paragraph(conclusion(r.ev, q, r.findings)), score_card(r.ev)],
                level=2,
            ),
            Section(
                "（二）考评得分情况",
                [blocks.level1_table(r.ev), level1_chart(r.ev)],
                level=2,
            ),
            Section(
                "（三）委托费用结算和失信提示",
                [*outcome(q), *bid_paragraph(r), fee_table(q), violations_table(q)],
                level=2,
            ),
        ],
    )


def level1_analysis(ev) -> list[tuple[str, str]]:
    """(level-1, paragraph): points, score and rate, the indicators at full score, then what the
    indicators that lost points show (causes belong to the problems)."""
    out = []
    for lv in ev.level1_table.itertuples():
        rows = ev.table[(ev.table["level1"] == lv.level1) & ev.table["applicable"]]
        full = rows[rows["lost"] <= 0.005]
        lost = rows[rows["lost"] > 0.005].sort_values("lost", ascending=False, kind="stable")
        text = (
            f"{lv.level1}指标分值{fmt.num(lv.weight)}分，得分{fmt.fixed(lv.score)}分，"
            f"得分率{fmt.fixed(lv.rate)}%。"
        )
        if len(full):
            text += f"{'、'.join(full['name'])}{'均' if len(full) > 1 else ''}得满分。"
        if len(lost):
            text += (
                "失分指标为："
                + "；".join(indicator_fact(x) for x in lost.to_dict("records"))
                + "。"
            )
        na = ev.table[(ev.table["level1"] == lv.level1) & ~ev.table["applicable"]]
        if len(na):
            text += f"{'、'.join(na['name'])}不适用，其分值按比例分配给同级指标。"
        out.append((lv.level1, fnd.tidy(text)))
    return out


def section_analysis(r: ThirdPartyResult) -> Section:
    """四、考评指标分析"""
    return Section(
        "四、考评指标分析",
        [
            Section(f"（{_CN[i]}）{level1}情况", [Paragraph(text)], level=2)
            for i, (level1, text) in enumerate(level1_analysis(r.ev))
        ],
    )


def section_problems(r: ThirdPartyResult) -> Section:
    """五、主要优点、存在的问题及原因分析"""
    extra = r.case.conclusions.achievements if r.case.conclusions else ()
    good = strengths(r.ev) + [fnd.tidy(x) for x in extra]
    exp = [Paragraph(f"{i}. {g}") for i, g in enumerate(good, 1)] or [Paragraph("（无）")]
    probs: list[Any] = []
    for i, p in enumerate(r.findings.problems, 1):
        probs.append(Paragraph(Span(f"{i}. {p.heading}", strong=True)))
        if p.facts:
            probs.append(Paragraph(fnd.tidy(p.facts_text)))
        probs.append(Paragraph(fnd.tidy(p.cause_text)))
    if not probs:
        probs = [Paragraph("考评未发现需要单独列示的问题；个别指标的失分情况见第四部分和附件1。")]
    return Section(
        "五、主要优点、存在的问题及原因分析",
        [
            Section("（一）主要优点", exp, level=2),
            Section("（二）存在的问题及原因分析", probs, level=2),
        ],
    )


def section_advice(r: ThirdPartyResult) -> Section:
    """六、有关建议"""
    extra = list(other_suggestions(r.case, r.quality, r.findings))
    if r.case.conclusions:
        extra += list(r.case.conclusions.suggestions)
    return official.advice_section(r.findings, extra=extra)


def section_other(r: ThirdPartyResult) -> Section:
    """七、其他需要说明的问题"""
    ev = r.ev
    items = [f"考评标准。{NO_SCALE}"]
    if r.quality.blacklist:
        items.append(f"失信提示。{_data()['report']['credit']['text']}。")
    t = ev.table
    qual = t[(t["rule"] == "qualitative") & t["applicable"] & (t["lost"] > 0.005)]
    bare = [x["name"] for x in qual.to_dict("records") if not _text(x.get("note"))]
    bare = [n for n in bare if not _text(t.loc[t["name"] == n, "cause"].iloc[0])]
    if bare:
        items.append(f"扣分依据。{'、'.join(bare)}有扣分但未提供扣分说明，【待补充：扣分依据】。")
    work = r.case.work
    if work is not None and work.limitations:
        items += [fnd._sentence(fnd.tidy(x)) for x in work.limitations]
    sources = [
        f"{x['name']}：{x['source']}" for x in t.to_dict("records") if _text(x.get("source"))
    ]
    items.append(
        "数据来源。"
        + ("；".join(fnd.tidy(s) for s in sources) + "。" if sources else official.NOT_GIVEN)
    )
    if work is None or not work.limitations:
        items.append(f"考评的局限。{official.NOT_GIVEN}")
    return Section(
        "七、其他需要说明的问题", [Paragraph(f"{i}. {x}") for i, x in enumerate(items, 1)]
    )


def section_score_sheet(r: ThirdPartyResult) -> Section:
    """附件1：考评评分表"""
    sheet = official.score_sheet(r.ev, title="附件1：考评评分表")
    table = sheet.blocks[0]
    *body, total = table.rows
    total = (*total[:-1], Cell(f"考评等级：{r.ev.grade}"))
    return Section(
        sheet.title,
        [Table([*body, total], table.header, numeric=table.numeric)],
        level=sheet.level,
    )


def _fee_annex(r: ThirdPartyResult) -> list[Any]:
    q = r.quality
    s = q.schedule
    rows = [
        [code, e["name"], "严重" if e["serious"] else "一般"]
        for code, e in violation_catalogue().items()
    ]
    recorded = [
        [v["code"] or "（清单外）", v["name"], "严重" if v["serious"] else "一般"]
        for v in q.violations.to_dict("records")
    ]
    return [
        Paragraph(
            f"付费比例表：{s.name}"
            + (f"（预设 {s.preset}）" if s.preset else "")
            + f"。来源：{blocks.cite(s.source)}（{blocks.status_text(s.status)}）。失信提示阈值："
            + (
                f"得分低于{fmt.num(s.blacklist_below)}分"
                if s.blacklist_below is not None
                else "未设置"
            )
            + "，或存在清单所列严重违规情形。"
        ),
        Paragraph(
            f"违规情形清单（依据{citation('violations_basis')}；各情形的严重程度为本项目默认口径，"
            f"{blocks.status_text('unverified')}）："
        ),
        Table(rows, ["代码", "违规情形", "性质"]),
        *(
            [Paragraph("本次认定的违规情形："), Table(recorded, ["代码", "违规情形", "性质"])]
            if recorded
            else []
        ),
        Paragraph(
            f"结算金额按“合同金额 × 支付比例”计算，{q.unit}保留{amount_digits(q.unit)}位小数"
            "（四舍五入）；扣减金额为合同金额与应支付金额之差，尚需支付金额为应支付金额减已预付金额。"
        ),
    ]


def section_annex(r: ThirdPartyResult) -> Section:
    """附件2：技术附件"""
    extra = Section("（五）付费比例表与违规情形清单", _fee_annex(r), level=2)
    return official.technical_annex(
        r.ev, robustness=r.robustness, lost_chart=lost_chart(r.ev), extra=[extra]
    )


# the level-1 headings of the report (its customary outline; tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、考评工作开展情况",
    "三、考评结论",
    "四、考评指标分析",
    "五、主要优点、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
    "附件1：考评评分表",
    "附件2：技术附件",
)

OUTLINE = (
    section_basic,
    section_work,
    section_conclusion,
    section_analysis,
    section_problems,
    section_advice,
    section_other,
    section_score_sheet,
    section_annex,
)


def outline(r: ThirdPartyResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
