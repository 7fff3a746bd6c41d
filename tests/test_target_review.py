"""Target review (evaluation: target_review, 绩效目标管理): the checklist, scores and 审核结果
(财预〔2015〕88号 优/良/中/差 with their budget consequences) with
hand-worked numbers, history/benchmark comparisons, target adjustments, bad input, and the report
through ``jixiao run`` and plain papermill."""

import copy
import json
from types import SimpleNamespace

import pytest
import yaml

from methods import casefile, report
from methods.errors import CaseError
from methods.evaltypes import target_review
from methods.report.document import plain_text

from .conftest import EXAMPLES, plain_papermill, run_cli

GOOD = EXAMPLES / "wujin_rural_sewage_targets_2024.yaml"
WEAK = EXAMPLES / "wujin_hutang_elderly_meals_targets_2024.yaml"


def load(path=GOOD):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def review_raw(raw):
    return target_review.analyse(casefile.validate_mapping(raw, base_dir=EXAMPLES))


# ---------------------------------------------------------------------------------------------
# 审核结果 (财预〔2015〕88号)


def test_grades_and_consequences_are_those_of_88():
    """财预〔2015〕88号《中央部门预算绩效目标管理办法》, 绩效目标的审核: 审核结果为“优”的，直接进入下一步
    预算安排流程；“良”的，可与相关部门或单位进行协商，直接对其绩效目标进行完善后，进入下一步预算安排流程；
    “中”的，由相关部门或单位对其绩效目标进行修改完善，按程序重新报送审核；“差”的，不得进入下一步预算安排
    流程. The four grades and their consequences are data of status reg; the score cut-offs are
    not in 88号 and are a parameter of status practice."""
    spec = target_review.rules_data()["grades"]
    assert target_review.GRADES == tuple(spec["order"]) == ("优", "良", "中", "差")
    assert spec["status"] == "reg" and "财预〔2015〕88号" in spec["source"]
    assert spec["cutoffs_status"] == "practice" and "未规定" in spec["cutoffs_source"]
    assert target_review.consequence("优") == "直接进入下一步预算安排流程"
    assert target_review.consequence("良") == (
        "可与相关部门或单位进行协商，直接对其绩效目标进行完善后，进入下一步预算安排流程"
    )
    assert target_review.consequence("中") == (
        "由相关部门或单位对其绩效目标进行修改完善，按程序重新报送审核"
    )
    assert target_review.consequence("差") == "不得进入下一步预算安排流程"


def test_grade_cutoffs_are_inclusive_parameters():
    assert spec_cutoffs() == {"优": 90, "良": 80, "中": 60}
    assert target_review.review_grade(90) == "优"
    assert target_review.review_grade(89.99) == "良"
    assert target_review.review_grade(80) == "良"
    assert target_review.review_grade(79.99) == "中"
    assert target_review.review_grade(60) == "中"
    assert target_review.review_grade(59.99) == "差"
    assert target_review.review_grade(72, {"优": 85, "良": 70, "中": 50}) == "良"
    assert target_review.review_grade(85, {"优": 85}) == "优"  # the other defaults kept
    assert target_review.cap_grade("优", "中") == "中"
    assert target_review.cap_grade("差", "中") == "差"


def spec_cutoffs():
    return target_review.rules_data()["grades"]["cutoffs"]


@pytest.mark.parametrize(
    ("cutoffs", "message"),
    [
        ({"优": 70}, "“良”的分数线（80）应低于“优”的分数线（70）"),
        ({"良": 60}, "“中”的分数线（60）应低于“良”的分数线（60）"),
        ({"通过": 80}, "未知的审核结果等级"),
        ({"差": 0}, "未知的审核结果等级"),
        ({"优": 120}, "0 到 100"),
    ],
)
def test_bad_cutoffs(cutoffs, message):
    with pytest.raises(ValueError, match=message):
        target_review.review_grade(75, cutoffs)


# ---------------------------------------------------------------------------------------------
# Comparisons with history and benchmarks


def ind(**kw):
    base = dict(
        rule="positive", target=100, unit="个", history=None, benchmark=None, benchmark_source=None
    )
    base.update(kw)
    return SimpleNamespace(**base)


def test_comparison_rules_hand_worked():
    cmp = target_review.compare_with_reference
    # positive: below last year's 118 → 偏低; at or above → fine
    (finding,) = cmp(ind(history={2022: 96, 2023: 118}))
    assert "低于 2023 年实际值 118个" in finding[0]
    assert cmp(ind(target=118, history={2023: 118})) == []
    # above 1.5 × the best year (1.5 × 60 = 90) → 可行性存疑; stretch is a parameter
    assert "1.5 倍" in cmp(ind(target=91, history={2022: 60, 2023: 55}))[-1][0]
    assert cmp(ind(target=91, history={2022: 60, 2023: 55}), stretch=2) == []
    # below a benchmark
    assert "低于标杆值 90%" in cmp(ind(target=88, unit="%", benchmark=90))[0][0]
    # reverse: above last year's cost → 偏松; far below the best → 可行性存疑; above benchmark
    assert "偏松" in cmp(ind(rule="reverse", target=28, history={2023: 27.2}))[0][0]
    assert "1/1.5" in cmp(ind(rule="reverse", target=10, history={2023: 27.2}))[0][0]
    assert "高于标杆值" in cmp(ind(rule="reverse", target=30, benchmark=25))[0][0]
    # other directions and non-numeric values are not compared; years may be text
    assert cmp(ind(rule="qualitative", target="好", history={2023: 1})) == []
    assert cmp(ind(target="较上年增加", history={2023: 1})) == []
    assert cmp(ind(history={"2023": 118}))[0][0].startswith("指标值 100个 低于 2023 年")


# ---------------------------------------------------------------------------------------------
# The examples


def test_good_sheet_hand_worked():
    result = target_review.analyse(casefile.load_case(GOOD))
    scores = {c.id: c.score for c in result.criteria}
    # 2 indicators without a data source (−2 each), 3 comparison findings (−2 each),
    # expert 8 of 10: 100 − 4 − 6 − 2 = 88 → 良 (80 ≤ 88 < 90): 88号 — 协商完善后进入预算安排流程
    assert scores["T5"] == 6 and scores["R1"] == 4 and scores["R2"] == 8
    full = {c["id"]: c["points"] for c in target_review.criteria_spec()}
    assert {k: v for k, v in scores.items() if k not in ("T5", "R1", "R2")} == {
        k: v for k, v in full.items() if k not in ("T5", "R1", "R2")
    }
    assert result.score == 88 and result.grade == "良" and result.caps == []
    assert [(p.criterion, p.code) for p in result.problems] == [
        ("T5", "C3"),
        ("T5", "E3"),
        ("R1", "C1"),  # 100 < 118 (2023)
        ("R1", "C6"),  # reverse 28 > 27.2 (2023)
        ("R1", "E1"),  # 88 < benchmark 90
        ("R2", None),
    ]
    assert all(p.comment for p in result.problems)
    assert result.quantitative_share == pytest.approx(0.9)  # 9 of 10
    (adj,) = result.adjustments
    assert (adj.code, adj.before, adj.after, adj.change) == ("C2", 150, 130, "调低")
    assert any("130公里 低于 2023 年实际值 136公里" in f for f in adj.findings)
    out = report.case_results(casefile.load_case(GOOD), target_review=result.to_dict())
    block = out["target_review"]
    assert out["total_score"] is None and out["grade"] is None
    assert block["score"] == 88 and block["grade"] == "良" and block["grade_by_score"] == "良"
    assert block["consequence"] == target_review.consequence("良") and block["grade_caps"] == []
    assert block["cutoffs"] == {"优": 90, "良": 80, "中": 60}
    assert block["adjustments"][0]["reason"].startswith("湟里、嘉泽")


def test_weak_sheet_hand_worked():
    result = target_review.analyse(casefile.load_case(WEAK))
    scores = {c.id: round(c.score, 4) for c in result.criteria}
    assert scores == {
        "T1": 0,  # no annual goal
        "T2": 10,
        "T3": 4,  # 助餐服务人次 without a unit
        "T4": 3,  # 2 indicators without a direction
        "T5": 0,  # 5 without a data source: 10 − 5 × 2, floored at 0
        "S1": 10,
        "S2": 0,  # no outcome indicator
        "S3": 3.75,  # outputs miss 时效: 5 − 1.25
        "S4": 0,  # no satisfaction indicator
        "M1": round(10 * 0.5 / 0.6, 4),  # 3 of 6 quantitative: 10 × 0.5 / 0.6 = 8.3333
        "M2": 4,  # “较上年增加” is not a number
        "R1": 10,
        "R2": 3,  # expert
    }
    assert result.score == 56.08  # 56.0833
    assert result.grade_by_score == "差" and result.grade == "差"  # 56.08 < 60
    t5 = [p for p in result.problems if p.criterion == "T5"]
    assert len(t5) == 5 and sum(p.deduction for p in t5) == 10


def test_missing_outcome_indicators_cap_the_grade():
    raw = load()
    raw["indicators"] = [i for i in raw["indicators"] if i["level1"] != "效益指标"]
    result = review_raw(raw)
    # 100 − 10 (S2) − 2 (T5 C3) − 4 (R1 C1, C6) − 2 (R2) = 82 ≥ 80 → 良 by score; without outcome
    # indicators the sheet must be revised and resubmitted (88号 “中”)
    assert result.score == 82 and result.grade_by_score == "良"
    assert result.grade == "中" and "设置效益指标" in result.caps[0]
    block = result.to_dict()
    assert block["grade_caps"] == result.caps and block["consequence"].endswith(
        "按程序重新报送审核"
    )


def test_no_indicators_means_no_budget():
    raw = load()
    raw["indicators"] = []
    raw.pop("adjustments")
    result = review_raw(raw)
    assert result.grade == "差" and "无目标不安排预算" in result.caps[-1]
    assert result.score == 13  # goal 5 + expert 8; every indicator criterion 0
    assert any("未设置任何绩效指标" in p.problem for p in result.problems)


def test_skipped_and_unscored_criteria_rescale():
    raw = load()
    raw["review"] = {"skip": ["S4"]}
    del raw["expert"]
    result = review_raw(raw)
    # applicable 100 − 5 (S4) − 10 (R2, no expert score) = 85 points; won 85 − 4 − 6 = 75
    assert result.points_applicable == 85 and result.points_won == 75
    assert result.score == pytest.approx(round(75 / 85 * 100, 2))  # 88.24
    assert any("R2" in w for w in result.warnings)


def test_review_parameters():
    raw = load(WEAK)
    raw["review"] = {"min_quantitative_share": 0.5, "cutoffs": {"中": 55}}
    result = review_raw(raw)
    # M1 full at 50%: 56.0833 + 1.6667 = 57.75 ≥ 55 → 中 by score, and 中 is also the cap for the
    # missing outcome indicators
    assert result.score == 57.75 and result.grade_by_score == "中" and result.grade == "中"
    raw = load()
    raw["review"] = {"stretch": 1.1}
    assert review_raw(raw).stretch == 1.1


# ---------------------------------------------------------------------------------------------
# Bad input


def mutate(fn, path=GOOD):
    raw = copy.deepcopy(load(path))
    fn(raw)
    return raw


BAD = [
    (lambda r: r["indicators"][0].pop("name"), "indicators[0]（C1）.name", "缺少必填字段"),
    (lambda r: r["indicators"][0].pop("level1"), "indicators[0]（C1）.level1", "缺少必填字段"),
    (
        lambda r: r["indicators"].append({"name": "无编号", "level1": "产出指标"}),
        "indicators[10].code",
        "缺少",
    ),
    (
        lambda r: r["indicators"][0].update(level1="过程指标"),
        "indicators[0]（C1）.level1",
        "未知的一级指标",
    ),
    (lambda r: r["indicators"][1].update(code="C1"), "indicators[1]（C1）.code", "重复"),
    (lambda r: r["indicators"][0].update(rule="bigger"), "indicators[0]（C1）.rule", "取值"),
    (
        lambda r: r["indicators"][0].update(rule="range", target=[90, 80]),
        "indicators[0]（C1）.target",
        "下限",
    ),
    (lambda r: r["indicators"][0].update(target=[90, 80]), "indicators[0]（C1）.target", "区间"),
    (
        lambda r: r["indicators"][0].update(history={2024: 1}),
        "indicators[0]（C1）.history.2024",
        "早于",
    ),
    (
        lambda r: r.update(review={"cutoffs": {"良": 50, "中": 70}}),
        "review.cutoffs",
        "应低于",
    ),
    (lambda r: r.update(review={"skip": ["Z9"]}), "review.skip[0]", "未知的审核要点"),
    (
        lambda r: r["expert"][0].update(criterion="T1"),
        "expert[0].criterion",
        "不是由专家评分的审核要点",
    ),
    (lambda r: r["expert"][0].update(score=12), "expert[0].score", "超过"),
    (lambda r: r["adjustments"][0].update(code="C9"), "adjustments[0]（C9）.code", "没有指标"),
    (lambda r: r["adjustments"][0].update(before=180), "adjustments[0]（C2）.before", "不一致"),
    (lambda r: r["adjustments"][0].update(after=150), "adjustments[0]（C2）.after", "相同"),
    (lambda r: r["adjustments"][0].pop("reason"), "adjustments[0]（C2）.reason", "缺少必填字段"),
    (lambda r: r["adjustments"][0].update(field="weight"), "adjustments[0]（C2）.field", "取值"),
]


@pytest.mark.parametrize(("fn", "field", "message"), BAD)
def test_bad_target_sheets(fn, field, message):
    raw = mutate(fn)
    with pytest.raises(CaseError, match=message) as info:
        casefile.validate_mapping(raw, source="t.yaml", base_dir=EXAMPLES)
    assert info.value.field == field


def test_cli_validate_exits_2_naming_the_field(tmp_path):
    text = GOOD.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("level1: 效益指标", "level1: 影响指标", 1), encoding="utf-8")
    proc = run_cli("validate", bad)
    assert proc.returncode == 2
    assert "bad.yaml:" in proc.stderr and "level1" in proc.stderr and "影响指标" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 2


# ---------------------------------------------------------------------------------------------
# The report outline (document blocks)


def test_outline_of_the_weak_sheet():
    """The customary outline of a target review (财预〔2015〕88号); the grade card; missing items
    of the sheet in red; a chart with a Chinese caption and alt text; no markup; criterion ids and
    rule statuses only in the 技术附件."""
    from methods.report.document import Callout, Figure, Paragraph, Section, Span, walk

    result = target_review.analyse(casefile.load_case(WEAK))
    doc = target_review.outline(result)
    assert doc.title.endswith("绩效目标审核报告")
    assert [s.title for s in doc.sections] == [f.__doc__ for f in target_review.OUTLINE]
    assert (
        tuple(s.title for s in doc.sections)
        == target_review.HEADINGS
        == (
            "一、基本情况",
            "二、审核依据和方法",
            "三、审核情况",
            "四、审核结论",
            "五、存在的问题",
            "六、修改意见",
            "七、其他需要说明的问题",
            "附件1：绩效目标申报表",
            "附件2：技术附件",
        )
    )
    card = next(b for b in walk(doc) if isinstance(b, Callout) and b.kind == "score")
    assert (card.total, card.grade, card.grade_label) == ("56.08", "差", "审核结果")
    assert "预算安排：不得进入下一步预算安排流程（财预〔2015〕88号）。" in plain_text(card)
    goal = next(
        b for b in walk(doc.sections[0]) if isinstance(b, Paragraph) and "年度总体目标" in b.text
    )
    assert goal.text == "年度总体目标：（未填写）"
    assert goal.runs[1] == Span("（未填写）", tone="#c0392b")
    sheet = target_review.sheet_table(result)
    missing = [c for row in sheet.rows for c in row if c.text == "（缺）"]
    assert missing and all(c.runs == (Span("（缺）", tone="#c0392b"),) for c in missing)
    assert sheet.rows[0][-1].text == "缺计量单位；缺数据来源；指标值不可衡量"
    (fig,) = [b for b in walk(doc) if isinstance(b, Figure)]
    assert fig.caption == "各方面审核得分" and "完整性" in fig.alt
    review = [b.title for b in doc.sections[2].blocks if isinstance(b, Section)]
    assert review == [
        "（一）完整性",
        "（二）相关性",
        "（三）可衡量性",
        "（四）适当性",
        "（五）可行性",
        "（六）目标调整情况",
    ]
    text = plain_text(doc)
    assert "</" not in text
    assert "按照财预〔2015〕88号的规定，审核结果为“差”的，不得进入下一步预算安排流程。" in text
    # the four grades and their consequences are shown in 审核依据和方法
    table = target_review.consequences_table()
    assert table in list(walk(doc.sections[1]))
    assert [c.text for c in table.header[0]] == ["审核结果", "对预算安排的处理"]
    assert [[c.text for c in row] for row in table.rows] == [
        [g, target_review.consequence(g) + "。"] for g in target_review.GRADES
    ]
    body = text[: text.index("附件2：技术附件")]
    for internal in ("T5", "R2", "reg", "unverified", "practice", "review.skip", "{"):
        assert internal not in body, internal


def test_problems_and_advice_of_the_weak_sheet():
    """Fifteen checklist findings become five problems by theme; one 修改意见 each, naming the
    applicant and, as the 审核结果 is 差, that the project does not enter this year's budget."""
    result = target_review.analyse(casefile.load_case(WEAK))
    fd = target_review.find(result)
    assert [p.heading for p in fd.problems] == [
        "绩效目标不完整，未填写年度总体目标。",
        "绩效指标体系不健全，未设置效益和满意度指标。",
        "绩效指标要素不完整，助餐服务人次、助餐点数量、餐食质量、助餐服务覆盖、老年人生活便利5项指标"
        "未说明数据来源。",
        "绩效指标可衡量性不足，定量指标占比偏低。",
        "目标与资金安排的匹配性论证不足，补助资金按助餐点平均分配，未与服务人次挂钩。",
    ]
    assert all("有待进一步核实" in p.cause_text for p in fd.problems)  # no stated reasons
    assert [a.problem for a in fd.advice] == [1, 2, 3, 4, 5]
    assert all(a.text.startswith("建议湖塘镇政府") for a in fd.advice)
    assert all("本年度不进入预算安排流程；确需实施的，修改后重新申报" in a.text for a in fd.advice)
    res = target_review.results(result)
    assert res["findings"]["problems"][2]["criteria"] == ["T3", "T4", "T5"]
    assert res["target_review"]["score"] == 56.08  # the numbers do not move


def test_golden_conclusion_and_problems_of_the_good_sheet():
    """The 审核结论 paragraph in official prose and the four problems of the good sheet (golden
    text, computed in-process): stated reasons (an indicator's note, an adjustment's reason) are
    the 原因分析; advice asks for the revision agreed with the 财政局 (良)."""
    result = target_review.analyse(casefile.load_case(GOOD))
    c = target_review.conclusions(result)
    assert c["summary"] == (
        "经审核，2024年度武进区农村生活污水治理项目绩效目标申报表年度总体目标明确，设置了产出、效益和"
        "满意度指标，产出指标涵盖数量、质量、时效、成本，以定量指标为主。申报表在指标要素完整性、"
        "指标值适当性和目标可行性等方面存在不足：接管农户数、设施正常运行率2项指标未说明数据来源；"
        "3项指标值与历史水平或标杆值相比偏低或偏松；管网综合单价的测算依据不足。从各方面看，相关性、"
        "可衡量性得分率较高（分别为100.00%、100.00%），适当性、可行性相对薄弱（分别为40.00%、80.00%）。"
        "审核得分88.00分，审核结果为“良”。按照财预〔2015〕88号的规定，审核结果为“良”的，可与相关部门或"
        "单位进行协商，直接对其绩效目标进行完善后，进入下一步预算安排流程。"
    )
    fd = target_review.find(result)
    assert [p.theme for p in fd.problems] == [
        "elements",
        "appropriateness",
        "feasibility",
        "adjustment",
    ]
    assert fd.problems[1].cause_text == (
        "原因分析：一是新建污水处理设施数量方面，剩余未治理村庄较分散，单个设施规模增大；二是单个"
        "设施建设成本、农村生活污水治理率未说明取值依据，其原因有待进一步核实。"
    )
    assert fd.problems[3].heading == "绩效目标调整后铺设污水管网长度指标值低于上年实际水平。"
    assert "湟里、嘉泽2个片区纳入市政污水主管网覆盖范围" in fd.problems[3].cause_text
    assert fd.advice[2].text == (
        "建议区住建局按专家意见补充分镇测算明细，使绩效目标与项目内容和资金规模相匹配，"
        "与区财政局协商完善后进入预算安排流程。"
    )
    assert c["suggestions"][0].startswith("补齐绩效指标要素（针对问题1）：建议区住建局说明")


# ---------------------------------------------------------------------------------------------
# Reports (notebooks)


@pytest.mark.notebook
def test_jixiao_run_and_plain_papermill_agree(tmp_path, demo_library):
    lib = demo_library
    folder = lib / "2024" / "wujin_hutang_elderly_meals_targets_2024"
    res = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert res["evaluation"] == "target_review" and res["total_score"] is None
    assert res["target_review"]["score"] == 56.08 and res["target_review"]["grade"] == "差"
    html = (folder / "report.html").read_text(encoding="utf-8")
    for heading in target_review.HEADINGS:
        assert heading in html
    assert "不得进入下一步预算安排流程" in html and "data:image/png;base64," in html
    assert "Traceback" not in html and "Warning" not in html and "from methods import" not in html

    plain = plain_papermill(GOOD, tmp_path)
    direct = target_review.analyse(casefile.load_case(GOOD)).to_dict()
    assert plain["target_review"] == json.loads(json.dumps(report._jsonable(direct)))
    assert plain["target_review"]["score"] == 88


def test_new_writes_a_valid_template(tmp_path):
    out = tmp_path / "t.yaml"
    assert run_cli("new", "target_review", "-o", out).returncode == 0
    result = target_review.analyse(casefile.load_case(out))
    assert result.grade == "优" and result.score == 99  # expert 9 of 10
