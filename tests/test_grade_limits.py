"""等级限定 (issue 16 item 5): findings cap or lower a grade whatever the score, by a preset
that is data (methods/_data/grade_limits.yaml, status unverified: the common local clauses), and
the report shows the grade by score, the limit and its clause. Worked examples from the clauses
themselves: 以拨代支 → at most 良; 一般安全责任事故 → one grade down; 较大及以上 → 差 (一票否决)."""

from __future__ import annotations

import copy

import pytest
import yaml

from methods import casefile, evaluation

from .conftest import EXAMPLES

SEWAGE = EXAMPLES / "wujin_rural_sewage_2023.yaml"


def _evaluate(edit):
    raw = copy.deepcopy(yaml.safe_load(SEWAGE.read_text(encoding="utf-8")))
    edit(raw)
    return evaluation.evaluate(
        casefile.validate_mapping(raw, source=str(SEWAGE), base_dir=SEWAGE.parent)
    )


def _finding(raw, **kw):
    raw["findings"] = [{"title": "评价发现的问题", "facts": "事实", **kw}]


def test_an_unmet_compliance_point_caps_the_grade():
    ev = _evaluate(lambda raw: None)
    assert (ev.total, ev.grade_by_score, ev.grade) == (94.01, "优", "良")
    (lim,) = ev.limits
    assert (lim.category, lim.before, lim.after, lim.status) == (
        "以拨代支",
        "优",
        "良",
        "unverified",
    )


def test_no_limits_when_the_case_says_none():
    ev = _evaluate(lambda raw: raw.update(grade_limits="none"))
    assert ev.grade == ev.grade_by_score == "优" and ev.limits == ()


@pytest.mark.parametrize(
    ("severity", "grade"), [("一般", "良"), ("较大", "差"), ("特别重大", "差")]
)
def test_a_safety_accident_lowers_or_vetoes_by_severity(severity, grade):
    def edit(raw):
        raw["grade_limits"] = "common_local"
        for item in raw["indicators"][8]["items"]:  # B13: no compliance finding
            item["met"] = True
        _finding(raw, kind="safety", category="安全责任事故", severity=severity)

    ev = _evaluate(edit)
    assert ev.grade_by_score == "优" and ev.grade == grade


def test_limits_apply_in_turn_and_never_raise_a_grade():
    def edit(raw):
        _finding(raw, kind="safety", category="安全责任事故", severity="一般")

    ev = _evaluate(edit)  # 以拨代支 caps 优 → 良, then the accident lowers 良 → 中
    assert [(lim.before, lim.after) for lim in ev.limits] == [("优", "良"), ("良", "中")]
    assert ev.grade == "中"

    def low(raw):  # a case already 中 by score is not raised by a cap at 良
        for ind in raw["indicators"]:
            if ind.get("code") in ("C11", "C12", "D12"):
                ind["actual"] = 0

    ev = _evaluate(low)
    assert ev.grade_by_score in ("中", "差") and ev.grade == ev.grade_by_score


def test_an_unknown_preset_is_refused_naming_the_field():
    with pytest.raises(casefile.CaseError) as info:
        _evaluate(lambda raw: raw.update(grade_limits="strict"))
    assert info.value.field == "grade_limits" and "common_local" in info.value.message


def test_results_and_report_show_the_grade_by_score_and_the_limit():
    from methods import report
    from methods.report.document import plain_text

    ev = _evaluate(lambda raw: None)
    out = report.results(ev)
    assert (out["grade"], out["grade_by_score"]) == ("良", "优")
    assert out["grade_limits"][0]["rule"] == "存在以拨代支问题的，评价等级不得为“优”"
    card = plain_text(report.blocks.score_card(ev))
    assert "等级限定：按得分为“优”，因评价中发现以拨代支" in card
