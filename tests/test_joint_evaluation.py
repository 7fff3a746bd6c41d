"""联动绩效评价 (evaluation: joint_evaluation): 武发〔2020〕48号 asks for a 联动绩效评价 of the key
spending the district shares with its towns and development zones and sets no method; the method
is this project's (methods/_data/joint_evaluation.yaml, status practice): each level scored on the
indicators it holds with the ordinary rules (正向 as 财预〔2020〕10号: 未完成指标值的，按照完成值与指标值
的比例记分), its sub-score re-based to 100, the total the share-weighted sum of the sub-scores (by
the levels' funds, or by the 事权 shares the case states). Tests hand-work a small case, check the
Wujin example's decision, the checks on bad input and the report."""

from __future__ import annotations

import copy

import pytest
import yaml

from methods import casefile
from methods.errors import CaseError
from methods.evaltypes import joint_evaluation as joint

from .conftest import EXAMPLES, plain_papermill, run_cli

EXAMPLE = EXAMPLES / "wujin_rural_road_joint_2023.yaml"

# A hand-worked case: 区级 holds X1 (20 points), 甲镇 and 乙开发区 hold X2 (30) and X3 (50).
HAND = {
    "case_id": "joint_hand",
    "title": "某工程（联动）",
    "year": 2023,
    "department": "某区财政局",
    "evaluation": "joint_evaluation",
    "budget_type": "general_public",
    "object_type": "project",
    "budget": {"planned": 100, "allocated": 100, "spent": 90, "unit": "万元"},
    "levels": [
        {"name": "区级", "kind": "district", "unit": "区某局", "funds": 60, "received": 60,
         "authority_share": 50},
        {"name": "甲镇", "kind": "town", "funds": 30, "received": 24, "authority_share": 30},
        {"name": "乙开发区", "kind": "zone", "funds": 10, "received": 10, "authority_share": 20},
    ],
    "indicators": [
        {"code": "X1", "name": "资金拨付及时率", "level1": "过程", "weight": 20,
         "rule": "positive", "target": 100, "unit": "%", "held_by": ["district"],
         "actuals": {"区级": 80}},
        {"code": "X2", "name": "配套资金到位率", "level1": "过程", "weight": 30,
         "rule": "positive", "target": 100, "unit": "%", "held_by": ["town"],
         "derive": "funds_received"},
        {"code": "X3", "name": "项目完成率", "level1": "产出", "weight": 50, "rule": "positive",
         "target": 100, "unit": "%", "held_by": ["town"], "actuals": {"甲镇": 100, "乙开发区": 90}},
    ],
}  # fmt: skip


def make(**changes):
    raw = copy.deepcopy(HAND)
    raw.update(changes)
    return casefile.validate_mapping(raw)


def test_hand_worked_subscores_and_funding_weighted_total():
    """10号 proportional scoring: X1 区级 80/100 × 20 = 16; X2 甲镇 到位 24/30 = 80% → 24,
    乙开发区 100% → 30; X3 甲镇 50, 乙开发区 90/100 × 50 = 45.
    Sub-scores: 区级 16/20 × 100 = 80; 甲镇 (24 + 50)/80 × 100 = 92.5; 乙开发区 (30 + 45)/80 × 100
    = 93.75. Funding shares 60/30/10 %: S = 0.6·80 + 0.3·92.5 + 0.1·93.75 = 48 + 27.75 + 9.375
    = 85.125 → 85.13 (half up), 良. 镇（开发区）级 (27.75 + 9.375)/0.4 = 92.8125 → 92.81."""
    r = joint.analyse(make())
    t = r.table.set_index(["code", "level"])["score"]
    assert (t[("X1", "区级")], t[("X2", "甲镇")], t[("X2", "乙开发区")]) == (16, 24, 30)
    assert (t[("X3", "甲镇")], t[("X3", "乙开发区")]) == (50, 45)
    lv = r.levels.set_index("level")
    assert list(lv["share"]) == pytest.approx([0.6, 0.3, 0.1])
    assert list(lv["subscore"]) == [80, 92.5, 93.75]
    assert list(lv["grade"]) == ["良", "优", "优"]
    assert r.total == 85.13 and r.grade == "良"
    assert r.tiers == {"district": 80, "town": 92.81}


def test_indicator_parts_add_up_to_the_total():
    """Each indicator's part = Σ over its holders of share × 100 ÷ points held × score:
    X1 0.6·100/20·16 = 48 (effective weight 60); X2 0.3·100/80·24 + 0.1·100/80·30 = 9 + 3.75
    = 12.75 (15); X3 0.375·50 + 0.125·45 = 24.375 → 24.38 (25). level1 过程 60.75 of 75, 产出
    24.38 of 25; the effective weights add to 100."""
    r = joint.analyse(make())
    ind = r.indicators.set_index("code")
    assert list(ind["score"]) == [48, 12.75, 24.38]
    assert list(ind["effective_weight"]) == [60, 15, 25]
    res = joint.results(r)
    assert res["level1"] == {"过程": 60.75, "产出": 24.38}
    assert res["level1_weights"] == {"过程": 75, "产出": 25}
    assert res["total_score"] == 85.13 and res["joint"]["weighting"]["status"] == "practice"


def test_authority_weighting_uses_the_stated_shares():
    """事权 shares 50/30/20 %: S = 0.5·80 + 0.3·92.5 + 0.2·93.75 = 40 + 27.75 + 18.75 = 86.5;
    the funding total is reported as the alternative."""
    r = joint.analyse(make(weighting="authority"))
    assert r.total == 86.5 and r.alternative_total == 85.13
    assert joint.analyse(make()).alternative_total == 86.5


def test_problems_are_addressed_to_the_level_responsible():
    """Below 90 % of an indicator's points is a problem (practice): 区级 X1 (80 %) to the
    district's unit, 甲镇 X2 (80 %) to 甲镇; 乙开发区 X3 at exactly 90 % is not one."""
    r = joint.analyse(make())
    ps = r.findings.problems
    assert [(p.codes, p.responsible) for p in ps] == [(("X1",), "区某局"), (("X2",), "甲镇")]
    assert ps[0].heading == "区级资金拨付及时率为80%，未达到100%的目标。"
    advice = r.findings.advice
    assert advice[0].text.startswith("区某局作为区级主管部门") and "2024年6月底" in advice[0].text
    assert advice[1].text.startswith("甲镇应") and "经区某局汇总" in advice[1].text
    assert "区级在资金拨付及时率方面；甲镇在配套资金到位率方面" in joint.conclusion(r)


def test_example_decision():
    """农村公路提档升级 2023: 区级 84.69 (B1 拨付 60 %, C4 抽检 18 % of 30 %), towns 100 / 96.32 /
    87.99 / 100 / 100; funding shares 60/9/8/7/6/10 % give 89.68 良; the 事权 shares would give
    91.99 优 (stated in the report). 嘉泽镇 is lowest; the district's two problems come first
    (they weigh most), 嘉泽镇's 配套 shortfall (560 of 700) is one of the six."""
    r = joint.analyse(casefile.load_case(EXAMPLE))
    lv = r.levels.set_index("level")
    assert lv.loc["区级", "subscore"] == 84.69 and lv.loc["嘉泽镇", "subscore"] == 87.99
    assert lv.loc["前黄镇", "subscore"] == 96.32
    assert (r.total, r.grade, r.alternative_total) == (89.68, "良", 91.99)
    assert r.tiers["town"] == 97.16
    ps = r.findings.problems
    assert [p.codes[0] for p in ps[:2]] == ["B1", "C4"]
    assert {p.responsible for p in ps[:2]} == {"区交通运输局"}
    b2 = next(p for p in ps if p.codes == ("B2",))
    assert b2.responsible == "嘉泽镇" and "560" in b2.cause_text


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda raw: raw["indicators"][2]["actuals"].pop("乙开发区"),
         "indicators[2]（X3）.actuals.乙开发区", "缺少乙开发区的实际值"),
        (lambda raw: raw["indicators"][0]["actuals"].update({"丙镇": 90}),
         "indicators[0]（X1）.actuals.丙镇", "未知的层级"),
        (lambda raw: raw["indicators"][0]["actuals"].update({"甲镇": 90}),
         "indicators[0]（X1）.actuals.甲镇", "不承担"),
        (lambda raw: raw["indicators"][2].update(weight=40), "indicators", "合计为 90"),
        (lambda raw: raw["levels"][1].update(kind="district"), "levels", "有且只有一个区级"),
        (lambda raw: raw["levels"][1].update(received=40), "levels[1].received", "大于承担资金"),
        (lambda raw: raw.update(weighting="authority") or raw["levels"][2].update(
            authority_share=10), "levels[0].authority_share", "合计为 90%"),
        (lambda raw: raw["indicators"][0].update(held_by=["town"], actuals={"甲镇": 1, "乙开发区": 1}),
         "levels[0]", "没有承担任何指标"),
        (lambda raw: raw["indicators"][2].update(rule="qualitative", target=None, actuals={
            "甲镇": {"tier": "部分达成年度指标并具有一定效果", "score": 45}, "乙开发区": {"tier": "达成年度指标"}}),
         "indicators[2]（X3）.actuals.甲镇.score", "不在"),
        (lambda raw: raw.update(weighting="authority") or raw["levels"][1].pop("authority_share"),
         "levels[1].authority_share", "须填写甲镇的事权比例"),
        (lambda raw: raw["levels"][1].pop("received"), "levels[1].received", "须填写甲镇的实际到位资金"),
        (lambda raw: raw["levels"][2].update(district_funds=70), "levels[0].funds", "区级资金合计 70 大于"),
        (lambda raw: raw["indicators"][1].update(actuals={"甲镇": 1, "乙开发区": 1}),
         "indicators[1]（X2）.actuals", "不再填写"),
    ],
)  # fmt: skip
def test_bad_input_names_field_and_row(change, field, words):
    raw = copy.deepcopy(HAND)
    change(raw)
    with pytest.raises(CaseError) as err:
        casefile.validate_mapping(raw)
    shown = str(err.value)
    assert field in shown and words in shown, shown


def test_cli_refuses_with_file_line_and_exit_code_2(tmp_path):
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    del raw["indicators"][5]["actuals"]["嘉泽镇"]  # B3 项目管理制度执行
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = run_cli("validate", path)
    assert proc.returncode == 2
    assert "bad.yaml:" in proc.stderr and "indicators[5]（B3）.actuals.嘉泽镇" in proc.stderr
    assert "缺少嘉泽镇的实际值" in proc.stderr and "Traceback" not in proc.stderr


def test_case_template_validates(tmp_path):
    """``jixiao new joint_evaluation`` gives a commented template that validates as it stands."""
    from methods import templates

    path = tmp_path / "joint.yaml"
    text = templates.case_template("joint_evaluation")
    assert "# responsible:" in text and "# publication:" in text
    path.write_text(text, encoding="utf-8")
    case = casefile.load_case(path)
    assert case.evaluation == "joint_evaluation"
    assert joint.analyse(case).grade in ("优", "良", "中", "差")


def test_report_outline_names_levels_formula_and_weighting():
    """The report states the formula and that the weighting is practice, shows the funds by
    level, a table per level and the heat map, and its headings are HEADINGS."""
    r = joint.analyse(casefile.load_case(EXAMPLE))
    doc = joint.outline(r)
    assert [s.title for s in doc.sections] == list(joint.HEADINGS)
    text = str(doc.to_dict())
    assert "综合得分 = Σ（各级合成权重 × 本级得分）" in text and "实务做法" in text
    assert "若按事权比例加权，综合得分为91.99分" in text
    assert "镇级配套" in text and "开发区配套" in text


def test_a_finding_caps_the_grade_and_is_a_problem_first():
    """The case's findings cap the combined grade like any scored evaluation (grade_limits preset
    common_local, status unverified): 违规使用资金 → at most 中, so 85.13 良 becomes 中; the
    finding is problem 1, addressed to the level the case names, before the indicator problems."""
    finding = {
        "title": "甲镇挪用配套资金用于其他道路养护",
        "category": "违规使用资金",
        "facts": "挪用 30 万元",
        "responsible": "甲镇",
    }
    r = joint.analyse(make(findings=[finding]))
    assert (r.total, r.grade_by_score, r.grade) == (85.13, "良", "中")
    assert r.limits[0].category == "违规使用资金"
    p = r.findings.problems[0]
    assert p.explicit and p.responsible == "甲镇"
    assert r.findings.advice[0].text.startswith("甲镇应")
    assert "等级调整为“中”" in joint.conclusion(r)
    res = joint.results(r)
    assert res["grade"] == "中" and res["grade_limits"][0]["after"] == "中"


def test_achievements_are_results_with_their_numbers():
    """成效: an output indicator every holder met, with its values; a level with full marks."""
    raw = copy.deepcopy(HAND)
    raw["indicators"][2]["actuals"]["乙开发区"] = 100
    raw["objectives"] = {"planned": "完成 10 公里", "achieved": "完成 10 公里"}
    r = joint.analyse(casefile.validate_mapping(raw))
    assert joint.achievements(r) == [
        "年度目标完成情况：完成10公里。",
        "项目完成率：2个承担层级均达到100%的目标（实际100%）。",
        "乙开发区承担的各项指标均达到目标，本级得分100分。",
    ]


@pytest.mark.notebook
def test_plain_papermill_gives_the_example_decision(tmp_path):
    """contracts §3: papermill notebooks/joint_evaluation.ipynb -f the example gives its scores."""
    res = plain_papermill(EXAMPLE, tmp_path)
    assert (res["total_score"], res["grade"]) == (89.68, "良")
    assert [lv["subscore"] for lv in res["joint"]["levels"]] == [84.69, 100, 96.32, 87.99, 100, 100]
