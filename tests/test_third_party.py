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
    from methods.report.document import walk

    raw = load()
    raw["violations"].append({"code": "V03", "note": "项目负责人曾为被评价单位提供咨询服务"})
    ev = scoring.evaluate(validate(raw))
    r = third_party.assess(ev.case, ev)
    assert r.share == 95  # the fee share still follows the score; the flag is separate
    assert r.blacklist
    assert r.reasons == ("存在严重违规情形：存在利益冲突未按规定回避（V03）",)
    # the report shows the flag in a warning box in the conclusion, and the violation as the
    # first problem, answered by a referral to the competent authority
    result = third_party.analyse(ev.case)
    section = third_party.section_conclusion(result)
    boxes = [b for b in walk(section) if isinstance(b, Callout) and b.kind == "warn"]
    assert len(boxes) == 1
    text = plain_text(section)
    assert "失信提示：建议将该机构列入失信名单（提请主管部门认定）。理由：" in text
    assert "存在严重违规情形：存在利益冲突未按规定回避" in text
    assert "严重（触发失信提示）" in text and "V03" not in text  # the code is in the annex
    assert "V03" in plain_text(third_party.section_annex(result))
    first = result.findings.problems[0]
    assert first.heading == "存在严重违规情形，存在利益冲突未按规定回避。"
    assert first.kind == "compliance"
    advice = result.findings.advice[0]
    assert advice.heading() == "依规处理违规行为，提请信用认定（针对问题1）"
    assert "区财政局" in advice.text and "失信名单" in advice.text and "受托机构" in advice.text
    other = plain_text(third_party.section_other(result))
    assert "是否列入失信名单由主管部门依照有关规定认定" in other


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
    assert len(res["findings"]["problems"]) == 5
    assert [a["problem"] for a in res["findings"]["advice"]] == [1, 2, 3, 4, 5]
    html = (archived / "report.html").read_text(encoding="utf-8")
    for heading in (*third_party.HEADINGS, "（三）委托费用结算和失信提示", "（针对问题5）"):
        assert heading in html
    assert "全国没有统一的第三方机构执业质量考评计分标准" in html
    assert "Traceback" not in html and "data:image/png;base64," in html


@pytest.mark.notebook
def test_plain_papermill_gives_the_same_scores(archived, tmp_path):
    plain = plain_papermill(EXAMPLE, tmp_path)
    res = json.loads((archived / "results.json").read_text(encoding="utf-8"))
    assert plain["total_score"] == res["total_score"]
    assert plain["third_party"] == res["third_party"]


def test_report_outline_is_document_blocks():
    """The report is built from document blocks (no HTML) on the customary outline of a
    review; the fee table marks the band that applies; the body cites the review's own rules,
    never the 10号 project grade bands, and keeps method detail in the 技术附件."""
    from methods.report.document import Figure, Section, Table, walk

    result = third_party.analyse(casefile.load_case(EXAMPLE))
    doc = third_party.outline(result)
    assert tuple(s.title for s in doc.sections) == third_party.HEADINGS
    assert re.search(r"</?[a-z]+[ >]", plain_text(doc)) is None  # no HTML markup
    conclusion = third_party.section_conclusion(result)
    fee = next(
        b for b in walk(conclusion) if isinstance(b, Table) and b.rows[0][0].text.endswith("以上")
    )
    marked = [[c.text for c in row] for row in fee.rows if row[3].text]
    assert marked == [["80分（含）至90分", "95%", "17.575", "本次适用"]]
    body = "".join(plain_text(s) for s in doc.sections[:-1])
    assert "10号" not in body and "随机种子" not in body and "unverified" not in body
    assert "财监〔2021〕4号" in body and "待核实" in body
    assert third_party.NO_SCALE in plain_text(third_party.section_other(result))
    annex = plain_text(doc.sections[-1])
    assert "wujin_third_party_quality_2023" in annex and "default_2023" in annex
    figures = [b for b in walk(doc) if isinstance(b, Figure)]
    assert len(figures) == 2 and all(f.caption and f.alt for f in figures)
    problems = third_party.section_problems(result)
    assert [s.title for s in problems.blocks if isinstance(s, Section)] == [
        "（一）主要优点",
        "（二）存在的问题及原因分析",
    ]
    sheet = doc.sections[-2].blocks[0]
    assert sheet.rows[-1][-1].text == "考评等级：良"


def test_findings_of_the_example_are_the_review_stages_with_advice_to_both_parties():
    """Lost points grouped by the stage of the engagement (level-2 of the framework), the late
    report joined by its listed violation; one suggestion per problem to the agency and to the
    client (区财政局); the small loss on 委托方满意度 stays in the analysis."""
    result = third_party.analyse(casefile.load_case(EXAMPLE))
    fd = result.findings
    assert [p.heading for p in fd.problems] == [
        "项目组人员管理不够规范，1名项目组成员未经同意更换。",
        "评价方案设计不够严谨，满意度调查抽样方案未说明样本量确定依据。",
        "现场核查和数据采集不够充分，数据核查中“问卷数据可追溯”未满足。",
        "过程管理不到位，正式报告延期6天提交。",
        "报告质量有待提高，专家复核发现2处数据引用错误。",
    ]
    assert fd.minor == ("Q51",)
    late = fd.problems[3]
    assert late.kind == "violation" and "V08" in late.codes
    assert "经认定，存在违规情形“未按合同约定时间提交评价报告”" in late.facts_text
    assert late.cause_text == (
        "原因分析：考评资料未载明按时提交报告方面问题的具体原因，有待进一步核实。"
    )
    assert [a.problem for a in fd.advice] == [1, 2, 3, 4, 5]
    assert fd.advice[3].title == "加强进度管理，按合同约定时间提交报告"
    for a in fd.advice:
        assert a.text.startswith("建议受托机构") and "区财政局" in a.text
    # a qualitative loss without a stated basis is a placeholder, never an invented reason
    assert "指标体系科学性未得满分，【待补充：扣分依据】" in fd.problems[1].facts_text
    out = third_party.results(result)
    assert out["findings"] == fd.to_dict()
    assert out["conclusions"]["suggestions"][0].startswith(
        "严格执行人员承诺，规范项目组人员变更（针对问题1）：建议受托机构"
    )


CONCLUSION = (
    "经考评，受托机构承担的2023年度武进区农村生活污水治理项目重点绩效评价业务，机构资质与业绩、"
    "利益冲突回避、评价方案完整性、保密与廉洁等6项考评指标得满分。受托机构在项目组人员管理、"
    "评价方案设计和现场核查与数据采集等方面存在不足：1名项目组成员未经同意更换；满意度调查抽样"
    "方案未说明样本量确定依据；数据核查中“问卷数据可追溯”未满足。从各维度看，委托方评价、机构与"
    "人员得分率较高（分别为98.70%、90.00%），组织实施、报告质量相对薄弱（分别为76.32%、87.43%）。"
    "考评得分86.05分，考评等级为“良”。按本次考评采用的付费比例表，得分在80分（含）至90分的支付"
    "委托费用的95%。委托合同金额18.5万元，应支付17.575万元，扣减0.925万元；已预付9.25万元，尚需"
    "支付8.325万元。考评得分不低于失信提示阈值，且未发现严重违规情形，未触发失信提示。"
)


def test_conclusion_golden_text():
    """综合考评结论 of the example, word for word (computed in-process)."""
    result = third_party.analyse(casefile.load_case(EXAMPLE))
    assert third_party.conclusion(result.ev, result.quality, result.findings) == CONCLUSION
