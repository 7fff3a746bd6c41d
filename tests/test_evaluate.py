"""Whole-case scoring: the four example cases against hand calculation, the indicator tree,
not-applicable rescaling and the self-evaluation preset (产出 50 / 效益 30 / 满意度 10 / 预算执行率 10)."""

import copy

import pytest
import yaml

from methods import casefile, scoring
from methods.errors import CaseError

from .conftest import EXAMPLES


def load(name):
    return yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def by_code(ev):
    return dict(zip(ev.table["code"], ev.table["score"], strict=True))


def test_rural_sewage_by_hand():
    ev = scoring.evaluate(EXAMPLES / "wujin_rural_sewage_2023.yaml")
    s = by_code(ev)
    assert s["A32"] == 1  # checklist with points: 1 of 2 met
    assert (
        s["B11"] == 4.0
    )  # 资金到位率 = 实际到位 3600 / 全年预算 3600 = 100 % (the cut from 3800 is an adjustment)
    assert s["B12"] == 4.75  # 预算执行率 3420 / 3600 = 95 % × 5
    assert s["B13"] == 4  # 4 of 5 items × 5
    assert s["B22"] == 2  # 3 − 2 × 0.5
    assert s["C11"] == 7.87  # 118 / 120 × 8
    assert s["C41"] == 3.79  # reverse linear (1 − 0.02 / 0.38) × 4
    assert s["D13"] == 5.8  # range below: 87 / 90 × 6
    assert s["D21"] == 9.84  # 88.6 / 90 × 10
    assert dict(ev.level1) == {"决策": 13.1, "过程": 17.75, "产出": 34.16, "效益": 29.0}
    assert ev.total == 94.01 and ev.grade_by_score == "优"
    # 不存在以拨代支 is unmet: the common grade-limit clause keeps it from 优
    assert ev.grade == "良" and [lim.category for lim in ev.limits] == ["以拨代支"]
    assert ev.warnings == ()


def test_student_nutrition_self_evaluation_by_hand():
    ev = scoring.evaluate(EXAMPLES / "wujin_student_nutrition_2023.yaml")
    s = by_code(ev)
    assert s["C1"] == 14.68  # 8320 / 8500 × 15
    assert s["C3"] == 10  # equal, target 0, actual 0
    assert s["E1"] == 7.5  # qualitative 部分达成 with the evaluator's 7.5
    assert s["E2"] == 9.3  # reverse ratio 8 / 8.6 × 10
    assert s["BE"] == 9.34  # 预算执行率 1102.6 / 1180 × 10, added from the budget block
    assert dict(ev.level1) == {"产出": 49.68, "效益": 26.4, "满意度": 10.0, "预算执行率": 9.34}
    assert ev.total == 95.42 and ev.grade == "优"


def test_old_community_not_applicable_rescaled_by_hand():
    ev = scoring.evaluate(EXAMPLES / "wujin_old_community_renovation_2023.yaml")
    t = ev.table.set_index("code")
    # C4 (3 points) is not applicable: the other 产出 indicators × 35 / 32 = 8.75, 6.5625,
    # 5.46875, 5.46875, 4.375, 4.375, rounded to cents keeping the level's 35 points
    # (largest remainder): 8.75, 6.56, 5.47, 5.47, 4.38, 4.37
    assert list(t.loc[["C1", "C2", "C3", "C5", "C6", "C7"], "weight"]) == [
        8.75,
        6.56,
        5.47,
        5.47,
        4.38,
        4.37,
    ]
    assert t.loc["C1", "score"] == 8.26  # 17 / 18 × 8.75 = 8.264
    assert t.loc["C2", "score"] == 5.08  # 31 / 40 × 6.56 = 5.084
    assert t.loc["C6", "score"] == 4.38  # reverse ratio, actual below target: full
    assert t.loc["C7", "score"] == 0  # range, binary variant, 10 months outside 6–9
    assert t.loc["C4", "applicable"] == False  # noqa: E712
    assert ev.level1["产出"] == 28.66
    assert t["weight"][t["applicable"]].sum() == pytest.approx(100)
    assert t.loc["B1", "score"] == 4.87  # 资金到位率 实际到位 15200 / 全年预算 15600 = 97.44 % × 5
    assert ev.total == 85.79
    assert ev.grade == "优"  # local_80 bands; mof_2020 would give 良
    assert scoring.grade(ev.total) == "良"
    assert any("不适用" in n for n in ev.notes)


def test_bus_subsidy_satisfaction_points_move_and_execution_capped():
    ev = scoring.evaluate(EXAMPLES / "wujin_bus_subsidy_2023.yaml")
    s = by_code(ev)
    assert s["O3"] == 7  # deduction under: 90 − 88.5 = 1.5 points × 2
    assert s["O6"] == 9.52  # reverse linear (1 − 0.15 / 3.1) × 10
    assert s["B3"] == 5  # deduction over: 26 − 20 = 6 × 0.5
    assert s["BE"] == 10  # 10350 / 10200 = 101.47 %, capped at 10
    assert dict(ev.level1_table.set_index("level1")["weight"]) == {
        "产出": 50,
        "效益": 40,
        "预算执行率": 10,
    }
    assert ev.total == 92.82
    assert any("并入“效益”" in n for n in ev.notes)
    assert "得分以分值为上限" in ev.table.set_index("code").loc["BE", "reason"]


def test_execution_cap_can_be_switched_off():
    raw = load("wujin_bus_subsidy_2023")
    raw["options"] = {"execution_cap": False}
    ev = scoring.evaluate(raw, base_dir=EXAMPLES)
    assert by_code(ev)["BE"] == 10.15
    assert ev.total == 92.97
    assert any("不封顶" in n for n in ev.notes)


def scored_examples():
    """Example cases of the project and self-evaluation types (the indicator-scoring engine)."""
    kinds = {"project_evaluation", "self_evaluation"}
    return [
        p
        for p in sorted(EXAMPLES.glob("*.yaml"))
        if casefile.load_case(p, deep=False).evaluation in kinds
    ]


def test_every_lost_point_has_a_reason():
    for path in scored_examples():
        ev = scoring.evaluate(path)
        for r in ev.lost.itertuples():
            assert f"扣 {scoring.fmt.num(r.lost)} 分" in r.reason


def test_examples_together_use_every_rule():
    rules, variants = set(), set()
    for path in scored_examples():
        ev = scoring.evaluate(path)
        rules |= set(ev.table["rule"])
        variants |= set(ev.table["variant"].dropna())
    assert rules == set(scoring.RULE_CODES)
    assert {"linear", "ratio", "binary", "under", "over"} <= variants


# ---------------------------------------------------------------------------------------------
# Tree checks and bad input (validate_mapping → CaseError naming the field)


def error_for(raw):
    with pytest.raises(CaseError) as info:
        casefile.validate_mapping(raw, source="x.yaml", base_dir=EXAMPLES)
    return str(info.value)


def test_weights_not_summing_name_the_branch():
    raw = load("wujin_rural_sewage_2023")
    raw["indicators"][0]["weight"] = 4  # 决策 becomes 16 against the declared 15
    msg = error_for(raw)
    assert "x.yaml" in msg and "决策" in msg and "16" in msg and "15" in msg


def test_total_not_100():
    raw = load("wujin_rural_sewage_2023")
    del raw["levels"]
    raw["indicators"][0]["weight"] = 4
    assert "合计 101 分，应为 100 分" in error_for(raw)


def test_self_evaluation_level_points_checked():
    raw = load("wujin_student_nutrition_2023")
    raw["indicators"][0]["weight"] = 14  # 产出 49
    assert "一级指标“产出”下各指标分值合计 49 分，应为 50 分" in error_for(raw)


def test_level1_suffix_normalised_and_unknown_level_refused():
    raw = load("wujin_rural_sewage_2023")
    for ind in raw["indicators"]:
        ind["level1"] += "指标"
    raw["levels"] = {k + "指标": v for k, v in raw["levels"].items()}
    assert scoring.evaluate(raw, base_dir=EXAMPLES).total == 94.01
    raw["indicators"][0]["level1"] = "管理"
    assert "一级指标“管理”不属于框架" in error_for(raw)


def test_output_outcome_share_warning():
    raw = load("wujin_rural_sewage_2023")
    raw["levels"] = {"决策": 25, "过程": 20, "产出": 30, "效益": 25}
    raw["indicators"][0]["weight"] = 13  # 决策 +10
    raw["indicators"][20]["weight"] = 5  # 效益 −5
    raw["indicators"][11]["weight"] = 3  # 产出 −5
    ev = scoring.evaluate(raw, base_dir=EXAMPLES)
    assert any("产出与效益类指标合计 55 分" in w for w in ev.warnings)


def test_whole_level_not_applicable_rescales_all():
    raw = load("wujin_rural_sewage_2023")
    del raw["levels"]
    for ind in raw["indicators"]:
        if ind["level1"] == "决策":
            ind["applicable"] = False
    ev = scoring.evaluate(raw, base_dir=EXAMPLES)
    assert "决策" not in ev.level1.index
    assert ev.table["weight"][ev.table["applicable"]].sum() == pytest.approx(100)
    assert any("全部不适用" in n for n in ev.notes)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: r["indicators"][11].update(rule="bonus"),
            "indicators[11]（C11）.rule: 取值 'bonus' 无效",
        ),
        (
            lambda r: r["indicators"][11].pop("target"),
            "indicators[11]（C11）.target: 规则 positive 需要目标值",
        ),
        (lambda r: r["indicators"][11].update(target="一百"), "目标值应为数字"),
        (
            lambda r: r["indicators"][11].update(weight="8"),
            "indicators[11]（C11）.weight: 应为数字",
        ),
        (lambda r: r["indicators"][2].update(score=2), "评分 2 不在档次“达成年度指标”的分值范围"),
        (lambda r: r["indicators"][2].update(tier="优秀"), "未知的定性档次"),
        (lambda r: r.update(case_id="bad id!"), "case_id: 'bad id!' 格式不符合要求"),
        (lambda r: r.update(colour="red"), "colour: 未知字段"),
        (lambda r: r["indicators"][0].update(wieght=3), "indicators[0]（A11）.wieght: 未知字段"),
        (lambda r: r.pop("department"), "department: 缺少必填字段"),
        (lambda r: r.update(year="2023"), "year: 应为整数"),
        (lambda r: r["budget"].update(spent=4000), "执行数 4000 大于全年预算数 3600"),
        (lambda r: r["budget"].update(planned=-1), "budget.planned: 应不小于 0"),
        (lambda r: r["indicators"][1].update(code="A11"), "指标代码 'A11' 重复"),
        (lambda r: r["indicators"][10].pop("points_per_unit"), "points_per_unit"),
        (lambda r: r["indicators"][11].update(target=-5), "为负数"),
        (lambda r: r["indicators"][19].update(target=[100, 90]), "区间下限 100 大于上限 90"),
        (lambda r: r["indicators"][11].update(variant="ratio"), "规则 positive 不支持变体"),
        (lambda r: r.update(evaluation="cost_benefits"), "未知的评价类型"),
        (lambda r: r.update(grade_bands="mof_2019"), "grade_bands: 未知的等级预设"),
        (lambda r: r.update(framework="nope"), "framework: 未知的指标框架"),
        (lambda r: r["indicators"][0].update(items=[]), "评价要点型指标需要 items"),
    ],
)
def test_bad_input_names_file_and_field(mutate, expected):
    raw = copy.deepcopy(load("wujin_rural_sewage_2023"))
    mutate(raw)
    msg = error_for(raw)
    assert msg.startswith("x.yaml")
    assert expected in msg


def test_spent_over_allocated_accepted_with_note():
    raw = load("wujin_rural_sewage_2023")
    raw["budget"].update(spent=3700, note="含上年结转资金 100 万元")
    assert scoring.evaluate(raw, base_dir=EXAMPLES).table.set_index("code").loc["B12", "score"] == 5


def test_arrival_rate_needs_the_money_received_and_a_budget_cut_is_an_adjustment():
    """资金到位率 = 实际到位资金 ÷ 全年预算数 (财预〔2013〕53号 口径, practice): the 2023 rural-sewage budget was cut
    from 3,800 to 3,600 万元 during the year; that cut is a 预算调整, never funds that failed to
    arrive (the old derivation 全年预算 ÷ 年初预算 scored it 94.74 % and the report advised the
    department to ask for money)."""
    from methods.report import findings

    raw = load("wujin_rural_sewage_2023")
    raw["budget"]["received"] = 3420
    ev = scoring.evaluate(raw, base_dir=EXAMPLES)
    assert by_code(ev)["B11"] == 3.8  # 3420 / 3600 = 95 % × 4
    other = findings.other_matters(ev)
    assert other[0].startswith(
        "预算调整。全年预算3,600.00万元较年初预算3,800.00万元调减200.00万元，属预算调整（调整依据未提供）"
    )
    del raw["budget"]["received"]
    message = error_for(raw)
    assert "indicators[6]（B11）.derive" in message and "budget.received（实际到位资金）" in message


def test_overachievement_needs_a_reason_and_may_be_marked_down():
    """财预〔2020〕10号: 完成值高于指标值较多的，要分析原因；年初指标值设定明显偏低的，按偏离度适度
    调减分值. Above 130 % of target (practice) a reason is asked for by name; the evaluator's
    factor marks the score down and the reason says so."""
    raw = load("wujin_rural_sewage_2023")
    c12 = next(i for i in raw["indicators"] if i["code"] == "C12")
    c12["actual"] = 12000  # 133.33 % of 9,000 户
    ev = scoring.evaluate(raw, base_dir=EXAMPLES)
    assert any("C12“接管农户数”实际值为目标的 133.33%，超过 130%" in w for w in ev.warnings)
    assert by_code(ev)["C12"] == 7.0
    c12["cause"] = "年初目标按已落实的村庄数设定，年中新增 3 个村纳入接管"
    c12["overachievement_factor"] = 0.9
    ev = scoring.evaluate(raw, base_dir=EXAMPLES)
    assert not any("C12" in w for w in ev.warnings)
    row = ev.table.set_index("code").loc["C12"]
    assert row["score"] == 6.3  # 7 × 0.9
    assert "按偏离度调减（× 0.9）" in row["reason"]
    c12["actual"] = 11000  # 122 %: not flagged, the factor does not apply
    assert by_code(scoring.evaluate(raw, base_dir=EXAMPLES))["C12"] == 7.0
