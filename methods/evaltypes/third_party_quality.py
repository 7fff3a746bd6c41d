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
robustness of its grade and the fee outcome, :func:`assess`) and the report outline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd
from pydantic import Field

from methods import _format as fmt
from methods._resources import load_yaml
from methods.casefile import Case, EvaluationType, ScoredCase, _Model, register
from methods.errors import CaseError
from methods.evaltypes import _scored
from methods.evaltypes._scored import ScoredResult, level1_chart, lost_chart
from methods.report import blocks
from methods.report.document import BulletList, Callout, Document, Paragraph, Section, Span, Table

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


class ThirdPartyCase(ScoredCase):
    """第三方机构执业质量考评 (evaluation: third_party_quality)."""

    agency: str = Field(min_length=1, max_length=200, description="受托第三方机构")
    engagement: str | None = Field(None, description="委托事项（默认取 title）")
    fee: Fee
    violations: list[Violation] = Field(default_factory=list)


def _check_third_party(case: Case) -> list[str]:
    warnings = _scored.check(case)
    if isinstance(case, ThirdPartyCase):
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
            }
        )
    return pd.DataFrame(rows, columns=["code", "name", "serious", "listed", "note"])


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
                {k: (None if pd.isna(v) else v) for k, v in r.items()}
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


def analyse(case: ThirdPartyCase) -> ThirdPartyResult:
    """Score the review, perturb its level-1 weights and work out the fee share and 失信 flag."""
    from methods import evaluation, report

    ev = evaluation.evaluate(case)
    return ThirdPartyResult(ev, report.grade_robustness(ev), assess(case, ev))


def conclusions(ev, result: QualityResult) -> dict[str, list[str]]:
    """主要成效, 存在问题 and 改进建议 of a third-party review."""
    from methods import report

    base = report.conclusions(ev)
    t = ev.table[ev.table["applicable"]]
    full = t[t["lost"] <= 0.005].sort_values("weight", ascending=False, kind="stable")
    achievements = [
        f"考评得分 {fmt.num(ev.total)} 分，等级“{ev.grade}”；"
        + "，".join(
            f"{r.level1} {fmt.num(r.score)}/{fmt.num(r.weight)} 分"
            for r in ev.level1_table.itertuples()
        )
        + f"。按付费比例表支付委托费用的 {fmt.num(result.share)}%。"
    ]
    achievements += [f"{r['name']}：得满分。" for r in full.head(5).to_dict("records")]
    problems = list(base["problems"])
    problems += [
        f"违规情形：{r['name']}" + ("（严重）" if r["serious"] else "") + "。"
        for r in result.violations.to_dict("records")
    ]
    if result.blacklist:
        problems.append("触发失信提示：" + "；".join(result.reasons) + "。")
    suggestions = report.framework_advice(ev)
    if result.blacklist:
        suggestions.append(
            "将考评结果和失信提示报送主管部门认定，认定前暂停向该机构委托新的评价业务。"
        )
    extra = ev.case.conclusions
    if extra is not None:
        achievements += extra.achievements
        suggestions += extra.suggestions
    problems = [p for p in problems if p != "各项指标均达到目标，未发现明显问题。"] or [
        "各项考评指标均达到要求，未发现明显问题。"
    ]
    if not suggestions:
        suggestions.append("保持现有执业质量，继续执行质量控制和复核制度。")
    return {"achievements": achievements, "problems": problems, "suggestions": suggestions}


def results(r: ThirdPartyResult) -> dict[str, Any]:
    """results.json: the scored-evaluation keys plus the ``third_party`` block."""
    from methods import report

    ev, q = r.ev, r.quality
    block = {"agency": ev.case.agency, "engagement": ev.case.engagement, **q.to_dict()}
    return report.results(
        ev, robustness=r.robustness, conclusions=conclusions(ev, q), third_party=block
    )


# ---------------------------------------------------------------------------------------------
# Report outline

NO_SCALE = (
    "全国没有统一的第三方机构执业质量考评计分标准和付费比例：财预〔2021〕6号只要求建立执业质量"
    "监督和考评机制，并将考评结果与委托费用、后续委托和信用记录挂钩。本报告的考评指标、付费比例和"
    "失信提示阈值均为可配置的参数（默认口径 unverified），以委托合同和本地考评办法为准。"
)


def basic_info(case: ThirdPartyCase, ev) -> Table:
    """考评对象基本信息."""
    pairs = [
        ("受托第三方机构", case.agency),
        ("委托事项", case.engagement or case.title),
        ("委托单位", case.department),
        ("考评年度", f"{case.year} 年"),
        ("评价类型", case.evaluation_type.title),
        ("考评人员", case.evaluator),
        ("委托合同金额", f"{money(case.fee.contract, case.fee.unit)} {case.fee.unit}"),
        ("指标框架", ev.framework.name),
        ("案例编号", case.case_id),
    ]
    return Table.kv(pairs)


def outcome(result: QualityResult) -> list[Any]:
    """The fee outcome and the 失信 flag, as a short block."""
    u = result.unit
    text = (
        f"（{result.schedule.band_text(result.band)}）："
        f"合同金额 {money(result.contract, u)} {u}，应支付 {money(result.paid, u)} {u}，"
        f"扣减 {money(result.withheld, u)} {u}"
    )
    if result.advance is not None:
        if result.balance >= 0:
            text += (
                f"；已预付 {money(result.advance, u)} {u}，尚需支付 {money(result.balance, u)} {u}"
            )
        else:
            text += (
                f"；已预付 {money(result.advance, u)} {u}，应退回 {money(-result.balance, u)} {u}"
            )
    parts: list[Any] = [
        Paragraph([Span(f"委托费用支付比例 {fmt.num(result.share)}%", strong=True), text + "。"])
    ]
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
                    BulletList(result.reasons),
                ],
            )
        )
    else:
        parts.append(Paragraph("失信提示：未触发（得分不低于失信提示阈值，且无严重违规情形）。"))
    return parts


def fee_table(result: QualityResult) -> list[Any]:
    """付费比例表 with the band that applies marked."""
    rows = []
    for low, share in result.schedule.bands:
        mark = "← 本次适用" if low == result.band else ""
        rows.append(
            [
                result.schedule.band_text(low),
                fmt.num(share) + "%",
                money(
                    fmt.round_half_up(result.contract * share / 100, amount_digits(result.unit)),
                    result.unit,
                ),
                mark,
            ]
        )
    head = Paragraph(
        f"付费比例表：{result.schedule.name}。来源：{result.schedule.source}"
        f"（{result.schedule.status}）。失信提示阈值："
        + (
            f"得分低于 {fmt.num(result.schedule.blacklist_below)} 分"
            if result.schedule.blacklist_below is not None
            else "未设置"
        )
        + "，或存在清单所列严重违规情形。"
    )
    header = ["得分区间", "支付比例", f"对应支付金额（{result.unit}）", ""]
    return [head, Table(rows, header, numeric=(1, 2))]


def violations_table(result: QualityResult) -> Table | Paragraph:
    """Recorded violations and the catalogue's seriousness."""
    v = result.violations
    if v.empty:
        return Paragraph("考评中未发现清单所列违规情形。")
    rows = [
        [
            r["code"] or "（清单外）",
            r["name"],
            "严重（触发失信提示）" if r["serious"] else "一般",
            r["note"] or "",
        ]
        for r in v.to_dict("records")
    ]
    return Table(rows, ["代码", "违规情形", "性质", "说明"])


def section_overview(r: ThirdPartyResult) -> Section:
    """一、考评对象概况"""
    return Section("一、考评对象概况", [basic_info(r.case, r.ev), blocks.overview(r.case)])


def section_conclusion(r: ThirdPartyResult) -> Section:
    """二、考评结论"""
    return Section(
        "二、考评结论",
        [blocks.score_card(r.ev), blocks.robustness(r.robustness), outcome(r.quality)],
    )


def section_level1(r: ThirdPartyResult) -> Section:
    """三、一级指标得分"""
    return Section("三、一级指标得分", [blocks.level1_table(r.ev), level1_chart(r.ev)])


def section_indicators(r: ThirdPartyResult) -> Section:
    """四、指标得分明细"""
    return Section(
        "四、指标得分明细",
        [
            Paragraph("下表列出每项考评指标的标准、实际情况和得分；失分指标均给出扣分原因。"),
            blocks.indicator_table(r.ev),
            lost_chart(r.ev),
        ],
    )


def section_fee(r: ThirdPartyResult) -> Section:
    """五、委托费用支付与失信提示"""
    return Section(
        "五、委托费用支付与失信提示",
        [fee_table(r.quality), violations_table(r.quality), outcome(r.quality)],
    )


def section_findings(r: ThirdPartyResult) -> Section:
    """六、主要成效、存在问题和改进建议"""
    return Section(
        "六、主要成效、存在问题和改进建议",
        blocks.conclusion_sections(conclusions(r.ev, r.quality)),
    )


def section_method(r: ThirdPartyResult) -> Section:
    """七、考评方法说明"""
    return Section(
        "七、考评方法说明",
        [Paragraph(Span(NO_SCALE, strong=True)), blocks.method_notes(r.ev)],
    )


OUTLINE = (
    section_overview,
    section_conclusion,
    section_level1,
    section_indicators,
    section_fee,
    section_findings,
    section_method,
)


def outline(r: ThirdPartyResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
