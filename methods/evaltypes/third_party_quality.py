"""``evaluation: third_party_quality`` — 第三方机构执业质量考评.

Scored on a configurable framework (default ``third_party_quality_2023``) with the ordinary scoring
engine; the score maps to the share of the service fee paid and raises a 失信 flag
(:mod:`methods.third_party`). No national numeric scale exists: every number is a parameter.
"""

from __future__ import annotations

from pydantic import Field

from methods.casefile import Case, EvaluationType, ScoredCase, _check_scored, _Model, register


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
    from methods import third_party

    warnings = _check_scored(case)
    if isinstance(case, ThirdPartyCase):
        try:
            third_party.fee_schedule(case.fee.schedule)
        except ValueError as exc:
            from methods.errors import CaseError

            raise CaseError(str(exc), field=("fee", "schedule")) from None
        third_party.resolve_violations(case.violations)
        if case.fee.advance is not None and case.fee.advance > case.fee.contract:
            from methods.errors import CaseError

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
