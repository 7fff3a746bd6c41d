"""Third-party quality review (evaluation: third_party_quality): score → share of the fee paid, the
失信 flag, bad input, and the report through ``jixiao run`` and plain papermill."""

import copy
import json
import re

import pytest
import yaml

from methods import casefile, scoring
from methods.errors import CaseError
from methods.evaltypes import third_party_quality as third_party
from methods.report.document import Callout, plain_text

from .conftest import EXAMPLES, plain_papermill, run_cli

EXAMPLE = EXAMPLES / "wujin_third_party_quality_2023.yaml"


def load():
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def validate(raw):
    return casefile.validate_mapping(raw, source="q.yaml", base_dir=EXAMPLES)


def test_fee_share_bands_by_hand():
    s = third_party.fee_schedule()  # default_2023: ≥90 100%, ≥80 95%, ≥70 90%, ≥60 80%, else 60%
    assert s.preset == "default_2023" and s.status == "unverified"
    assert [s.share(x) for x in (100, 90, 89.99, 80, 79.99, 70, 60, 59.99, 0)] == [
        100,
        100,
        95,
        95,
        90,
        90,
        80,
        60,
        60,
    ]
    assert s.share(89.995) == 100  # scores are rounded to 2 dp first, like grades
    strict = third_party.fee_schedule("strict_2023")
    assert (strict.share(85), strict.share(59)) == (90, 0)
    custom = third_party.fee_schedule(
        {"bands": [{"min": 75, "share": 100}, {"min": 0, "share": 50}]}
    )
    assert (custom.share(75), custom.share(74.99), custom.blacklist_below) == (100, 50, None)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope", "未知的付费比例表"),
        ({"bands": [{"min": 60, "share": 100}]}, "下限为 0"),
        ({"bands": [{"min": 80, "share": 80}, {"min": 0, "share": 90}]}, "不增加"),
    ],
)
def test_bad_fee_schedules(spec, message):
    with pytest.raises(ValueError, match=message):
        third_party.fee_schedule(spec)


def test_example_fee_and_no_blacklist():
    ev = scoring.evaluate(EXAMPLE)
    assert (ev.total, ev.grade) == (86.05, "良")
    # 按时提交报告: 6 days late × 0.5 = 3 points lost of 5; 数据准确性: 2 errors × 1 of 9
    s = dict(zip(ev.table["code"], ev.table["score"], strict=True))
    assert (s["Q33"], s["Q42"]) == (2.0, 7.0)
    r = third_party.assess(ev.case, ev)
    # 80 ≤ 86.05 < 90 → 95%: 18.5 × 0.95 = 17.575 万元 paid, 0.925 withheld; 9.25 advanced → 8.325
    assert (r.share, r.paid, r.withheld, r.balance) == (95, 17.575, 0.925, 8.325)
    assert not r.blacklist and r.reasons == ()
    assert r.violations.to_dict("records")[0]["name"] == "未按合同约定时间提交评价报告"
    result = third_party.analyse(ev.case)
    assert result.case is ev.case and result.quality.to_dict() == r.to_dict()
    out = third_party.results(result)
    assert out["total_score"] == 86.05
    assert out["third_party"]["fee"]["share"] == 95
    assert out["third_party"]["blacklist"] == {"flag": False, "reasons": []}
    assert out["third_party"]["national_scale"] is False


def test_serious_violation_flags_for_the_blacklist():
    raw = load()
    raw["violations"].append({"code": "V03", "note": "项目负责人曾为被评价单位提供咨询服务"})
    ev = scoring.evaluate(validate(raw))
    r = third_party.assess(ev.case, ev)
    assert r.share == 95  # the fee share still follows the score; the flag is separate
    assert r.blacklist
    assert r.reasons == ("存在严重违规情形：存在利益冲突未按规定回避（V03）",)
    # the report shows the flag in a warning box, in the conclusion and in the fee section
    result = third_party.analyse(ev.case)
    for section in (third_party.section_conclusion(result), third_party.section_fee(result)):
        boxes = [b for b in section.blocks if isinstance(b, Callout) and b.kind == "warn"]
        assert len(boxes) == 1
        text = plain_text(section)
        assert "失信提示：建议将该机构列入失信名单（提请主管部门认定）。理由：" in text
        assert "存在严重违规情形：存在利益冲突未按规定回避（V03）" in text
        assert "严重（触发失信提示）" in text or section.title == "二、考评结论"


def test_low_score_flags_for_the_blacklist_and_cuts_the_fee():
    raw = load()
    for ind in raw["indicators"]:
        if ind["rule"] == "qualitative":
            ind.update(tier="未达成且效果较差", score=0)
    raw["indicators"][6].update(actual=3)  # Q31 现场调研覆盖率 3% of 30%
    raw["fee"]["schedule"] = "strict_2023"
    ev = scoring.evaluate(validate(raw))
    assert ev.total < 60
    r = third_party.assess(ev.case, ev)
    assert r.blacklist and "低于 60 分" in r.reasons[0]
    # strict_2023: below 60 → 0%: nothing more to pay, the advance of 9.25 is to be returned
    assert (r.share, r.paid, r.balance) == (0, 0, -9.25)


def test_unlisted_violation_needs_name_and_seriousness():
    raw = load()
    raw["violations"] = [{"name": "评价底稿缺失", "serious": False}]
    ev = scoring.evaluate(validate(raw))
    assert not third_party.assess(ev.case, ev).blacklist


def _mutate(fn):
    raw = copy.deepcopy(load())
    fn(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (
            lambda r: r["violations"].append({"code": "V99"}),
            "violations[1]（V99）.code",
            "未知的违规情形",
        ),
        (lambda r: r["violations"].append({"name": "其他"}), "violations[1]", "serious"),
        (lambda r: r["fee"].update(schedule="nope"), "fee.schedule", "未知的付费比例表"),
        (
            lambda r: r["fee"].update(schedule={"bands": [{"min": 50, "share": 100}]}),
            "fee.schedule",
            "下限为 0",
        ),
        (lambda r: r["fee"].update(advance=20), "fee.advance", "大于合同金额"),
        (lambda r: r["fee"].update(contract=0), "fee.contract", "应大于"),
        (lambda r: r.pop("agency"), "agency", "缺少必填字段"),
        (lambda r: r["indicators"][0].update(level1="决策"), "indicators", "不属于框架"),
    ],
)
def test_bad_third_party_cases(mutate, field, message):
    with pytest.raises(CaseError, match=message) as info:
        validate(_mutate(mutate))
    assert info.value.field.startswith(field)


def test_cli_validate_exit_2(tmp_path):
    bad = tmp_path / "bad_quality.yaml"
    bad.write_text(
        yaml.safe_dump(_mutate(lambda r: r["fee"].update(schedule="nope")), allow_unicode=True),
        encoding="utf-8",
    )
    proc = run_cli("validate", bad)
    assert proc.returncode == 2
    assert "fee.schedule" in proc.stderr and "Traceback" not in proc.stderr


def test_case_template_validates(tmp_path):
    """``jixiao new third_party_quality`` gives a commented template that validates as it stands."""
    from methods import templates

    path = tmp_path / "new.yaml"
    path.write_text(templates.case_template("third_party_quality"), encoding="utf-8")
    case = casefile.validate(path)
    assert case.evaluation == "third_party_quality"


@pytest.fixture(scope="module")
def archived(demo_library):
    return demo_library / "2023" / "wujin_third_party_quality_2023"


@pytest.mark.notebook
def test_jixiao_run_archives_a_chinese_report(archived):
    res = json.loads((archived / "results.json").read_text(encoding="utf-8"))
    assert (res["total_score"], res["grade"]) == (86.05, "良")
    assert res["third_party"]["fee"]["paid"] == 17.575
    html = (archived / "report.html").read_text(encoding="utf-8")
    for heading in (
        "一级指标得分",
        "五、委托费用支付与失信提示",
        "全国没有统一的第三方机构执业质量考评计分标准",
        "主要成效",
        "改进建议",
    ):
        assert heading in html
    assert "Traceback" not in html and "data:image/png;base64," in html


@pytest.mark.notebook
def test_plain_papermill_gives_the_same_scores(archived, tmp_path):
    plain = plain_papermill(EXAMPLE, tmp_path)
    res = json.loads((archived / "results.json").read_text(encoding="utf-8"))
    assert plain["total_score"] == res["total_score"]
    assert plain["third_party"] == res["third_party"]


def test_report_outline_is_document_blocks():
    """The report is built from document blocks (no HTML): seven sections, the fee table marks
    the band that applies, the method section opens with the no-national-scale statement."""
    from methods.report.document import Figure, Paragraph, Section, Span, Table, walk

    result = third_party.analyse(casefile.load_case(EXAMPLE))
    doc = third_party.outline(result)
    assert [s.title for s in doc.sections] == [
        "一、考评对象概况",
        "二、考评结论",
        "三、一级指标得分",
        "四、指标得分明细",
        "五、委托费用支付与失信提示",
        "六、主要成效、存在问题和改进建议",
        "七、考评方法说明",
    ]
    assert re.search(r"</?[a-z]+[ >]", plain_text(doc)) is None  # no HTML markup
    fee = next(b for b in third_party.section_fee(result).blocks if isinstance(b, Table))
    marked = [[c.text for c in row] for row in fee.rows if row[3].text]
    assert marked == [["80 ≤ 得分 < 90", "95%", "17.575", "← 本次适用"]]
    first = third_party.section_method(result).blocks[0]
    assert isinstance(first, Paragraph) and isinstance(first.runs[0], Span)
    assert first.runs[0].strong and first.text == third_party.NO_SCALE
    figures = [b for b in walk(doc) if isinstance(b, Figure)]
    assert len(figures) == 2 and all(f.caption and f.alt for f in figures)
    findings = third_party.section_findings(result)
    assert [s.title for s in findings.blocks if isinstance(s, Section)] == [
        "（一）主要成效",
        "（二）存在问题",
        "（三）改进建议",
    ]
