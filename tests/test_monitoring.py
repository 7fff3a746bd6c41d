"""Monitoring (evaluation: monitoring, 绩效运行监控“双监控”): the execution light, indicator
progress, year-end forecasts and recommended-action rules with hand-worked numbers; the examples;
bad input; the report through ``jixiao run`` and plain papermill."""

import copy
import json
from types import SimpleNamespace

import pytest
import yaml

from methods import casefile, report
from methods.errors import CaseError
from methods.evaltypes import monitoring
from methods.report.document import plain_text

from .conftest import EXAMPLES, plain_papermill, run_cli

SINGLE = EXAMPLES / "wujin_rural_sewage_monitoring_2024.yaml"
DEPARTMENT = EXAMPLES / "wujin_agriculture_monitoring_2024.yaml"


def load(path=SINGLE):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Execution light: v = rate ÷ (month / 12) × 100; red v < 60, yellow v < 80, else green


def test_execution_light_hand_worked():
    # month 6: time progress 50%; 35% executed → v = 35 / 0.5 = 70 → yellow
    assert monitoring.time_progress(6) == 0.5
    assert monitoring.execution_v(35, 6) == pytest.approx(70)
    assert monitoring.execution_light(35, 6) == "yellow"
    assert monitoring.execution_light(25, 6) == "red"  # v = 50
    assert monitoring.execution_light(45, 6) == "green"  # v = 90
    # month 9: time progress 75%; 50% → v = 66.67 yellow; 40% → v = 53.33 red
    assert monitoring.execution_v(50, 9) == pytest.approx(66.6667, abs=1e-4)
    assert monitoring.execution_light(50, 9) == "yellow"
    assert monitoring.execution_light(40, 9) == "red"
    # month 12: the rate itself
    assert monitoring.execution_light(79.9, 12) == "yellow"
    assert monitoring.execution_light(80, 12) == "green"


def test_execution_light_bounds_are_inclusive_below():
    assert monitoring.execution_light(30, 6) == "yellow"  # v = 60 exactly
    assert monitoring.execution_light(29.99, 6) == "red"
    assert monitoring.execution_light(40, 6) == "green"  # v = 80 exactly
    assert monitoring.execution_light(0, 1) == "red"
    assert monitoring.execution_light(120, 6) == "green"  # carried-over funds: above 100%


def test_execution_light_thresholds_and_units_are_parameters():
    assert monitoring.execution_light(35, 6, red=50, yellow=70) == "green"  # v = 70 ≥ 70
    assert monitoring.execution_light(35, 6, red=75, yellow=90) == "red"
    assert monitoring.execution_light(0.35, 6, unit="fraction") == "yellow"
    data = monitoring.rules_data()["execution_light"]
    assert (data["red"], data["yellow"], data["status"]) == (60, 80, "practice")


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((35, 0), {}, "1–12"),
        ((35, 13), {}, "1–12"),
        ((35, 6.5), {}, "整数"),
        ((35, True), {}, "整数"),
        ((-5, 6), {}, "负数"),
        ((float("nan"), 6), {}, "有限数字"),
        ((35, 6), {"red": 80, "yellow": 60}, "应小于"),
        ((35, 6), {"red": 60, "yellow": 60}, "应小于"),
        ((35, 6), {"red": -1, "yellow": 60}, "不小于 0"),
        ((35, 6), {"unit": "permille"}, "percent"),
    ],
)
def test_execution_light_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        monitoring.execution_light(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Year-end forecasts


def test_pro_rata_forecast():
    assert monitoring.forecast_pro_rata(35, 6) == pytest.approx(70)  # 35 × 12 / 6
    assert monitoring.forecast_pro_rata(20, 3) == pytest.approx(80)  # 20 × 12 / 3
    assert monitoring.forecast_pro_rata(60, 6) == 100  # 120% capped
    assert monitoring.forecast_pro_rata(60, 6, cap=None) == pytest.approx(120)


def test_forecast_from_history_hand_worked():
    # 2022: 30% by June, 95% by December → 0.315789; 2023: 40% and 100% → 0.4
    history = {2022: [5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 95], 2023: [40] * 6 + [100] * 6}
    shares = monitoring.seasonal_shares(history, 6)
    assert shares == pytest.approx({2022: 30 / 95, 2023: 0.4})
    # mean share 0.357895; 35% ÷ 0.357895 = 97.79%
    assert monitoring.forecast_from_history(35, 6, history) == pytest.approx(97.794, abs=1e-3)
    assert monitoring.forecast_from_history(50, 6, history) == 100  # capped
    assert monitoring.forecast_from_history(50, 6, history, cap=None) == pytest.approx(
        139.706, 1e-4
    )
    # nothing spent by March in earlier years: the curve cannot be scaled
    assert monitoring.forecast_from_history(5, 3, {2023: [0, 0, 0] + [50] * 8 + [90]}) is None


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ({2023: [10] * 11}, "12 个月"),
        ({2023: [10, 20, 15] + [30] * 9}, "逐月不减"),
        ({2023: [0] * 12}, "12 月累计执行率为 0"),
        ({2023: [-1] + [10] * 11}, "负数"),
    ],
)
def test_bad_history(history, message):
    with pytest.raises(ValueError, match=message):
        monitoring.forecast_from_history(35, 6, history)


# ---------------------------------------------------------------------------------------------
# Indicator progress and lights


class Ind:
    def __init__(self, **kw):
        base = dict(
            code="C1",
            name="指标",
            level1="产出指标",
            level2="数量指标",
            rule="positive",
            target=100,
            actual=None,
            tier=None,
            unit="个",
            progress=None,
            expected=None,
            forecast=None,
            deviation=None,
            explanation=None,
            likelihood=None,
            measures=None,
        )
        base.update(kw)
        self.__dict__.update(base)


def test_cumulative_indicator_against_time_progress():
    # 38 of 100 by June: due 50 → v = 76 → yellow; forecast 100 × 0.76 = 76
    p = monitoring.indicator_progress(Ind(actual=38), 6)
    assert (p.mode, p.expected, p.v, p.light) == ("time", 50, pytest.approx(76), "yellow")
    assert p.completion == pytest.approx(38) and p.forecast == pytest.approx(76)
    # planned progress given: 42 of a planned 60 → v = 70
    p = monitoring.indicator_progress(Ind(target=150, expected=60, actual=42), 6)
    assert (p.v, p.light) == (pytest.approx(70), "yellow")
    # 2 of 6 by August against a plan of 4 → v = 50 → red
    assert monitoring.indicator_progress(Ind(target=6, expected=4, actual=2), 8).light == "red"


def test_level_reverse_and_qualitative_indicators():
    # % indicators are levels: 84.5 against 88 → v = 96.02 → green
    p = monitoring.indicator_progress(Ind(target=88, actual=84.5, unit="%"), 6)
    assert (p.mode, p.light) == ("level", "green") and p.v == pytest.approx(96.0227, 1e-4)
    # reverse: target 28, actual 35 → v = 80 → green; 50 → v = 56 → red; 0 → green
    assert monitoring.indicator_progress(Ind(rule="reverse", target=28, actual=35), 6).light == (
        "green"
    )
    p = monitoring.indicator_progress(Ind(rule="reverse", target=28, actual=50), 6)
    assert (p.mode, p.v, p.light) == ("level", pytest.approx(56), "red")
    assert monitoring.indicator_progress(Ind(rule="reverse", target=1, actual=0), 6).light == (
        "green"
    )
    # qualitative: light by tier (aliases accepted)
    for tier, light in [("达成年度指标", "green"), ("部分达成", "yellow"), ("未达成", "red")]:
        p = monitoring.indicator_progress(Ind(rule="qualitative", target="定性", tier=tier), 6)
        assert (p.mode, p.light) == ("tier", light)
    # no value yet: no light
    p = monitoring.indicator_progress(Ind(target=90, unit="%"), 6)
    assert (p.mode, p.light, p.v) == (None, None, None)
    # indicator thresholds are a parameter
    th = monitoring.Thresholds(50, 70)
    assert monitoring.indicator_progress(Ind(actual=38), 6, th).light == "green"


def test_reasons_and_likelihood_vocabularies():
    assert monitoring.normalize_reasons("经费保障") == ("经费",)
    assert monitoring.normalize_reasons(["硬件", "其他", "硬件条件保障"]) == (
        "硬件条件保障",
        "其他",
    )
    assert monitoring.deviation_categories() == ["经费", "制度", "人员", "硬件条件保障", "其他"]
    assert monitoring.likelihood_values() == ["确定能", "有可能", "完全不可能"]
    with pytest.raises(ValueError, match="未知的偏差原因"):
        monitoring.normalize_reasons("天气")
    with pytest.raises(ValueError, match="未知的完成可能性"):
        monitoring.normalize_likelihood("大概能")


# ---------------------------------------------------------------------------------------------
# Recommended actions: the ordered rule table


def facts(**kw):
    base = {
        "month": 6,
        "allocated": 1000.0,
        "execution_rate": 50.0,
        "execution_v": 100.0,
        "execution_light": "green",
        "forecast_rate": 100.0,
        "red_indicators": 0,
        "yellow_indicators": 0,
        "lagging": 0,
        "impossible_indicators": 0,
        "impossible_share": 0.0,
        "uncertain_indicators": 0,
        "reasons": [],
    }
    base.update(kw)
    return base


@pytest.mark.parametrize(
    ("kw", "rule", "action"),
    [
        # red execution and 2 of 3 indicators impossible → 停止拨款
        (
            dict(execution_light="red", impossible_indicators=2, impossible_share=2 / 3),
            "R1",
            "停止拨款",
        ),
        # red execution and a red indicator → 暂缓拨款
        (dict(execution_light="red", red_indicators=1, lagging=2), "R2", "暂缓拨款"),
        # month 6, 35% executed: pro-rata forecast 70% < 80% → 调减预算
        (dict(execution_light="yellow", forecast_rate=70.0, lagging=1), "R3", "调减预算"),
        # the same before June: R3 does not apply yet → 继续执行 with a reminder
        (dict(month=5, execution_light="yellow", forecast_rate=70.0, lagging=1), "R5", "继续执行"),
        # one indicator impossible → 调整目标
        (dict(impossible_indicators=1, impossible_share=0.25), "R4", "调整目标"),
        (dict(execution_light="yellow", lagging=1), "R5", "继续执行"),
        ({}, "R6", "继续执行"),
    ],
)
def test_default_rules_hand_worked(kw, rule, action):
    rec = monitoring.recommend(facts(**kw))
    assert (rec.rule.id, rec.action) == (rule, action)
    assert rec.to_dict()["rule"] == rule and rec.rule.reason


def test_first_matching_rule_wins_and_others_are_reported():
    rec = monitoring.recommend(
        facts(
            execution_light="red",
            red_indicators=1,
            impossible_indicators=1,
            impossible_share=1 / 3,
            forecast_rate=45.0,
            lagging=2,
        )
    )
    assert rec.rule.id == "R2" and rec.also == ("R3", "R4", "R5")


def test_custom_rule_table():
    rules = monitoring.parse_rules(
        [
            {"id": "X1", "action": "暂缓拨款", "when": [["reasons", "contains", "制度"]]},
            {"id": "X2", "action": "调减预算", "when": [["execution_light", "in", ["red"]]]},
            {"id": "X0", "action": "继续执行", "when": []},
        ]
    )
    assert monitoring.recommend(facts(reasons=["制度"]), rules).rule.id == "X1"
    assert monitoring.recommend(facts(execution_light="red"), rules).rule.id == "X2"
    assert monitoring.recommend(facts(), rules).rule.id == "X0"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"action": "取消项目", "when": []}], "未知的处理建议"),
        (
            [{"action": "继续执行", "when": [["weather", "==", 1]]}, {"action": "继续执行"}],
            "未知的事实",
        ),
        ([{"action": "继续执行", "when": [["month", "=~", 1]]}, {"action": "继续执行"}], "运算符"),
        ([{"action": "继续执行", "when": [["month", 6]]}, {"action": "继续执行"}], "条件 1"),
        ([{"action": "继续执行", "when": [["month", ">=", 6]]}], "兜底"),
        ([{"id": "A", "action": "继续执行"}, {"id": "A", "action": "继续执行"}], "重复"),
    ],
)
def test_bad_rule_tables(entries, message):
    with pytest.raises(ValueError, match=message):
        monitoring.parse_rules(entries)


# ---------------------------------------------------------------------------------------------
# The examples


def test_single_project_example():
    case = casefile.load_case(SINGLE)
    result = monitoring.analyse(case)
    (p,) = result.projects
    # 1,260 of 3,600 万元 by June: 35%, v = 70 → yellow; pro rata 70%
    assert p.execution_rate == pytest.approx(35) and p.v == pytest.approx(70)
    assert p.light == "yellow" and p.forecast_pro_rata == pytest.approx(70)
    # seasonal shares 34/92 and 37/96; mean 0.377491 → 35 / 0.377491 = 92.72%
    assert p.shares == pytest.approx({2022: 34 / 92, 2023: 37 / 96})
    assert p.forecast_history == pytest.approx(35 / ((34 / 92 + 37 / 96) / 2))
    assert round(p.forecast_history, 2) == 92.72 and p.forecast_method == "history"
    # the seasonal forecast keeps the project out of R3 (调减预算): continue, with a reminder
    assert (p.recommendation.rule.id, p.recommendation.action) == ("R5", "继续执行")
    lights = {i.code: i.light for i in p.indicators}
    assert lights == {
        "C1": "yellow",  # 38 of 50 due
        "C2": "yellow",  # 42 of a planned 60
        "C3": "green",  # 4,200 of 4,000 due
        "C4": "green",
        "C5": "green",  # reverse: 28 / 27.5
        "E1": "green",  # 84.5 / 88
        "E2": "yellow",  # 部分达成
        "S1": None,  # surveyed at year end
    }
    # S1 has no value yet but says why (surveyed at year end): not a problem of the sheet
    assert not any("受益农户满意度" in w for w in result.warnings)
    assert p.review.problems == () and p.review.suggested == "通过"
    assert (p.review.outcome, p.review.recorded) == ("通过", True)  # recorded in the case
    out = report.case_results(case, monitoring=result.to_dict())
    block = out["monitoring"]
    assert out["total_score"] is None and out["grade"] is None
    assert block["month"] == 6 and block["time_progress"] == 50
    assert block["projects"][0]["forecast"] == {
        "pro_rata": 70.0,
        "history": 92.72,
        "method": "history",
        "rate": 92.72,
        "amount": 3337.83,
        "seasonal_shares": {"2022": 0.3696, "2023": 0.3854},
    }


def test_review_of_the_monitoring_sheet():
    """监控结果审核: a complete sheet is suggested 通过, an incomplete one 不通过 listing what is
    missing; a recorded outcome (委托专家组 / 委托中介机构 …) is the conclusion; 暂缓 / 停止拨款
    suggest a referral (methods/_data/monitoring.yaml review, practice: outcomes 通过 / 不通过 /
    委托专家组 / 委托中介机构)."""
    assert monitoring.review_sheet([], "继续执行").to_dict() == {
        "outcome": "通过",
        "recorded": False,
        "suggested": "通过",
        "problems": [],
        "refer": False,
        "reason": None,
        "reviewer": None,
        "date": None,
    }
    r = monitoring.review_sheet(["C1：未填报完成可能性。"], "停止拨款")
    assert (r.outcome, r.suggested, r.refer) == ("不通过", "不通过", True)
    rec = SimpleNamespace(outcome="委托专家组", reason="目标可实现性需专业判断", reviewer=None)
    r = monitoring.review_sheet([], "调整目标", rec)
    assert (r.outcome, r.suggested, r.recorded, r.reason) == (
        "委托专家组",
        "通过",
        True,
        "目标可实现性需专业判断",
    )
    with pytest.raises(ValueError, match="未知的审核结论"):
        monitoring.review_sheet([], "继续执行", SimpleNamespace(outcome="同意"))

    # the department example: NY03 recorded 委托中介机构; NY02 (暂缓拨款) gets the referral hint
    result = monitoring.analyse(casefile.load_case(DEPARTMENT))
    reviews = {p.code: p.review for p in result.projects}
    assert reviews["NY03"].outcome == "委托中介机构" and reviews["NY03"].recorded
    assert reviews["NY02"].outcome == "通过" and reviews["NY02"].refer
    assert result.summary()["review_outcomes"] == {
        "通过": 4,
        "不通过": 0,
        "委托专家组": 0,
        "委托中介机构": 1,
    }
    text = plain_text(monitoring.section_conclusion(result))
    assert "审核结论为“委托中介机构”" in text and "宜委托专家组或第三方中介机构复核" in text

    # an incomplete sheet: a lagging indicator without 偏差原因 or 完成可能性 → 不通过
    raw = load()
    del raw["review"]
    raw["indicators"][0].pop("deviation")
    raw["indicators"][0].pop("likelihood")
    result = monitoring.analyse(casefile.validate_mapping(raw, base_dir=EXAMPLES))
    r = result.projects[0].review
    assert r.outcome == "不通过" and not r.recorded
    assert r.problems == (
        "新建污水处理设施数量：进度黄灯，但未填报偏差原因。",
        "新建污水处理设施数量：未填报完成可能性。",
    )
    # the incomplete sheet is a problem of the report, answered by a suggestion to resubmit it
    fd = monitoring.find(result)
    sheet = next(p for p in fd.problems if p.theme == "sheet")
    assert sheet.heading == "监控表填报不完整，2项填报问题有待补充完善。"
    n = fd.problems.index(sheet) + 1
    assert any(
        f"（针对问题{n}）" in t and "重新报送区财政局审核" in t
        for t in monitoring.conclusions(result)["suggestions"]
    )
    # recording 通过 over open problems is allowed but warned about
    raw["review"] = {"outcome": "通过"}
    result = monitoring.analyse(casefile.validate_mapping(raw, base_dir=EXAMPLES))
    assert any("审核结论记录为“通过”，但监控表有 2 项填报问题" in w for w in result.warnings)
    # an outcome outside the four is refused at validation, naming the field
    raw["review"] = {"outcome": "同意"}
    with pytest.raises(CaseError) as info:
        casefile.validate_mapping(raw, base_dir=EXAMPLES)
    assert info.value.field == "review.outcome"


def test_without_history_the_pro_rata_forecast_triggers_r3():
    raw = load()
    del raw["history"]
    result = monitoring.analyse(casefile.validate_mapping(raw, base_dir=EXAMPLES))
    rec = result.projects[0].recommendation
    assert result.projects[0].forecast_rate == pytest.approx(70)
    assert (rec.rule.id, rec.action) == ("R3", "调减预算")


def test_department_summary_example():
    result = monitoring.analyse(casefile.load_case(DEPARTMENT))
    got = {
        p.code: (p.light, p.recommendation.rule.id, p.recommendation.action)
        for p in result.projects
    }
    assert got == {
        "NY01": ("green", "R6", "继续执行"),  # 3300 / 5200 = 63.46% by August, v = 95.2
        "NY02": ("red", "R2", "暂缓拨款"),  # 30%, v = 45; 18 of 40 villages due → red
        "NY03": ("red", "R1", "停止拨款"),  # 20%, v = 30; 2 of 3 indicators impossible
        "NY04": ("yellow", "R3", "调减预算"),  # 52.63%, v = 78.95; pro rata 78.95% < 80%
        "NY05": ("green", "R4", "调整目标"),  # one indicator impossible
    }
    s = result.summary()
    assert (s["allocated"], s["spent"]) == (9750, 5220)
    assert s["execution_rate"] == pytest.approx(5220 / 9750 * 100, abs=1e-4)
    assert s["v"] == pytest.approx(80.31) and s["light"] == "green"
    assert s["project_lights"] == {"green": 2, "yellow": 1, "red": 2}
    assert s["actions"] == dict.fromkeys(monitoring.ACTIONS, 1)
    # ≥ 200 万元 and below 60% at the end of August
    assert s["focus"] == ["NY02", "NY03", "NY04"]
    # budget-weighted forecast: NY01 capped at 100% (seasonal), others pro rata
    expected = (5200 + 1800 * 0.45 + 600 * 0.30 + 500 * 12 / 8 + 1200 * 0.95) / 9750 * 100
    assert result.forecast_rate == pytest.approx(expected)


def test_custom_thresholds_and_rules_in_the_case():
    raw = load()
    raw["thresholds"] = {"red": 50, "yellow": 70}
    raw["action_rules"] = [
        {"id": "K1", "action": "暂缓拨款", "when": [["reasons", "contains", "硬件条件保障"]]},
        {"id": "K2", "action": "继续执行", "when": []},
    ]
    result = monitoring.analyse(casefile.validate_mapping(raw, base_dir=EXAMPLES))
    p = result.projects[0]
    assert p.light == "green"  # v = 70 ≥ 70
    assert p.recommendation.rule.id == "K1" and result.to_dict()["rules_source"] == "case"


# ---------------------------------------------------------------------------------------------
# Bad input


def mutate_single(fn):
    raw = copy.deepcopy(load())
    fn(raw)
    return raw


BAD = [
    (lambda r: r.update(month=13), "month", "1–12"),
    (lambda r: r.update(month=0), "month", "1–12"),
    (lambda r: r.update(month="6"), "month", "整数"),
    (lambda r: r.update(thresholds={"red": 80, "yellow": 60}), "thresholds", "应小于"),
    (lambda r: r["budget"].update(spent=-10), "budget.spent", "不小于 0"),
    (lambda r: r["budget"].pop("allocated"), "budget.allocated", "全年预算数"),
    (
        lambda r: r["indicators"][0].update(deviation="天气"),
        "indicators[0]（C1）.deviation",
        "偏差原因",
    ),
    (
        lambda r: r["indicators"][1].update(deviation=["经费", "运气"]),
        "indicators[1]（C2）.deviation",
        "运气",
    ),
    (
        lambda r: r["indicators"][0].update(likelihood="大概能"),
        "indicators[0]（C1）.likelihood",
        "完成可能性",
    ),
    (lambda r: r["indicators"][6].pop("tier"), "indicators[6]（E2）.tier", "档次"),
    (
        lambda r: r["indicators"][6].update(tier="优秀"),
        "indicators[6]（E2）.tier",
        "未知的定性档次",
    ),
    (lambda r: r["indicators"][0].update(target="一百个"), "indicators[0]（C1）.target", "数字"),
    (lambda r: r["indicators"][0].update(actual=-3), "indicators[0]（C1）.actual", "负数"),
    (lambda r: r["indicators"][4].update(progress="time"), "indicators[4]（C5）.progress", "反向"),
    (lambda r: r["indicators"][1].update(code="C1"), "indicators[1]（C1）.code", "重复"),
    (lambda r: r["history"].update({2023: [1] * 11}), "history", "12 个月"),
    (lambda r: r["history"].update({2024: [1] * 12}), "history", "以前年度"),
    (lambda r: r.update(indicators=[]), "indicators", "绩效指标"),
    (
        lambda r: r.update(projects=[{"name": "甲", "indicators": r["indicators"]}]),
        "budget",
        "projects",
    ),
    (
        lambda r: r.update(action_rules=[{"action": "继续执行", "when": [["mood", "==", 1]]}]),
        "action_rules[0]",
        "未知的事实",
    ),
    (lambda r: r.update(color="red"), "color", "未知字段"),
]


@pytest.mark.parametrize(("mutate", "field", "message"), BAD)
def test_bad_monitoring_cases(mutate, field, message):
    raw = mutate_single(mutate)
    with pytest.raises(CaseError, match=message) as info:
        casefile.validate_mapping(raw, source="m.yaml", base_dir=EXAMPLES)
    assert info.value.field == field


def test_bad_department_case_names_the_project():
    raw = load(DEPARTMENT)
    raw["projects"][2]["indicators"][1]["likelihood"] = "不好说"
    with pytest.raises(CaseError) as info:
        casefile.validate_mapping(raw, source="d.yaml", base_dir=EXAMPLES)
    assert info.value.field == "projects[2]（NY03）.indicators[1]（E1）.likelihood"
    raw = load(DEPARTMENT)
    raw["projects"][3]["budget"]["unit"] = "元"
    with pytest.raises(CaseError, match="金额单位应一致") as info:
        casefile.validate_mapping(raw, source="d.yaml", base_dir=EXAMPLES)
    assert info.value.field == "projects[3]（NY04）.budget.unit"
    raw = load(DEPARTMENT)
    raw["projects"][1]["code"] = "NY01"
    with pytest.raises(CaseError, match="重复"):
        casefile.validate_mapping(raw, source="d.yaml", base_dir=EXAMPLES)


def test_cli_validate_exits_2_with_file_line_and_field(tmp_path):
    text = SINGLE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("month: 6", "month: 14", 1), encoding="utf-8")
    proc = run_cli("validate", bad)
    assert proc.returncode == 2
    assert "bad.yaml:" in proc.stderr and "month" in proc.stderr and "1–12" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 2
    bad.write_text(text.replace("deviation: 其他\n", "deviation: 天气\n", 1), encoding="utf-8")
    proc = run_cli("validate", bad)
    assert proc.returncode == 2 and "deviation" in proc.stderr and "天气" in proc.stderr


# ---------------------------------------------------------------------------------------------
# The report outline (document blocks)


def test_outline_of_the_department_example():
    """The customary outline of a monitoring report (监控表 of 财预〔2019〕136号), one 监控表 per
    project, lights as coloured dots, charts with Chinese captions and alt text, no markup and no
    method internals before the 技术附件."""
    from methods.report.document import Cell, Document, Figure, Section, Span, Table, walk

    result = monitoring.analyse(casefile.load_case(DEPARTMENT))
    doc = monitoring.outline(result)
    assert isinstance(doc, Document) and doc.title.endswith("绩效运行监控报告")
    assert (
        tuple(s.title for s in doc.sections)
        == monitoring.HEADINGS
        == (
            "一、基本情况",
            "二、预算执行情况",
            "三、绩效目标实现程度",
            "四、偏差分析",
            "五、监控结论",
            "六、存在的问题",
            "七、纠偏措施与建议",
            "八、其他需要说明的问题",
            "附件：技术附件",
        )
    )
    assert [f.__doc__ for f in monitoring.OUTLINE] == [s.title for s in doc.sections]
    projects = [b for b in doc.sections[2].blocks if isinstance(b, Section)]
    assert [s.title for s in projects] == [
        f"（{n}）{p.name}" for n, p in zip("一二三四五", result.projects, strict=True)
    ]
    assert all(s.level == 2 for s in projects)
    # the 监控表: 136号 columns
    sheet = next(b for b in walk(projects[1]) if isinstance(b, Table))
    assert [c.text for c in sheet.header[0]] == [
        "一级指标",
        "绩效指标",
        "年度指标值",
        "1—8月实际完成值",
        "全年预计完成值",
        "进度",
        "偏差原因",
        "完成目标可能性",
        "纠偏措施",
    ]
    # the budget table: light cells are a coloured dot and the light's name
    budget = next(b for b in walk(doc.sections[1]) if isinstance(b, Table))
    column = [c.text for c in budget.header[0]].index("执行进度")
    cell = budget.rows[1][column]
    assert isinstance(cell, Cell) and cell.text == "●\u00a0红灯"
    assert cell.runs[0] == Span("●", tone="#c0392b")
    figures = [b for b in walk(doc) if isinstance(b, Figure)]
    assert len(figures) == 2 and all(f.png.startswith(b"\x89PNG") for f in figures)
    assert all(f.caption and f.alt and f.alt != f.caption for f in figures)
    assert all(" v" not in f.caption + f.alt for f in figures)
    text = plain_text(doc)
    assert "<span" not in text and "</" not in text and "&nbsp;" not in text
    assert "重点关注：全年预算200万元以上" in text
    assert "宜委托专家组或第三方中介机构复核" in text
    body = text[: text.index("附件：技术附件")]
    for internal in ("R1", "R2", "v =", "practice", "unverified", "reg", "indicator_thresholds"):
        assert internal not in body, internal
    assert "R2" in text[text.index("附件：技术附件") :]  # the rule ids are in the annex


def test_problems_and_advice_of_the_department_example():
    """Deviations grouped into three problems (execution, lagging indicators, targets that cannot
    be met), causes only as the sheet states them, one suggestion per problem carrying each
    project's recommended action (never contradicting it)."""
    result = monitoring.analyse(casefile.load_case(DEPARTMENT))
    fd = monitoring.find(result)
    assert [p.theme for p in fd.problems] == ["execution", "progress", "at_risk"]
    assert [p.heading for p in fd.problems] == [
        "部分项目预算执行进度滞后，3个项目执行率低于时间进度。",
        "部分绩效指标完成进度偏慢，完成整治村庄数、村容村貌改善2项指标进度低于预期。",
        "部分绩效目标预计难以实现，获得贴息企业数、带动农户增收等3项指标完成可能性为“完全不可能”。",
    ]
    execution, progress, at_risk = fd.problems
    assert execution.projects == ("NY02", "NY03", "NY04")
    assert progress.codes == ("NY02.C1", "NY02.E1")
    assert at_risk.codes == ("NY03.C1", "NY03.E1", "NY05.C2")
    # 原因分析 from the sheet: the indicator's explanation, else the project's of the same category
    assert execution.cause_text.startswith("原因分析：一是农村人居环境整治奖补资金，奖补办法修订")
    assert "二是带动农户增收方面，受市场影响企业扩产意愿下降" in at_risk.cause_text
    assert [a.problem for a in fd.advice] == [1, 2, 3]
    first, _, third = (a.text for a in fd.advice)
    assert first.startswith("建议区农业农村局加快预算执行")
    assert "区财政局对农村人居环境整治奖补资金暂缓拨款" in first  # R2
    assert "调减动物防疫补助经费预算" in first  # R3
    # NY03 (停止拨款) is referred to an intermediary: the decision waits for its review
    assert "根据中介机构复核意见确定农业产业化龙头企业贷款贴息是否停止拨款" in third
    assert "按绩效目标设立程序申请调整目标" in third  # R4 (NY05)
    # NY01 continues: no action about it anywhere
    assert not any("高标准农田" in a.text for a in fd.advice)
    res = monitoring.results(result)
    assert [p["projects"] for p in res["findings"]["problems"]][0] == ["NY02", "NY03", "NY04"]
    assert res["conclusions"]["suggestions"][2].startswith(
        "核实目标可实现性，按程序调整目标或预算（针对问题3）："
    )


def test_golden_conclusion_of_the_single_project_example():
    """The 监控结论 paragraph in official prose (golden text, computed in-process)."""
    result = monitoring.analyse(casefile.load_case(SINGLE))
    assert monitoring.conclusions(result)["summary"] == (
        "经监控，截至2024年6月末，武进区农村生活污水治理项目全年预算3,600.00万元，已执行"
        "1,260.00万元，预算执行率35.00%，低于50.00%的时间进度，预算执行进度偏慢（黄灯）；"
        "按以前年度同期支出进度推算，预计全年预算执行率92.72%，预计结余262.17万元。8项绩效指标中，"
        "4项进度正常（绿灯），3项进度偏慢（黄灯），1项暂无监控数据。填报的偏差原因主要为硬件条件保障"
        "和其他因素。监控发现的问题主要在预算执行进度和绩效指标完成进度等方面。综合监控结果，建议继续"
        "执行，督促加快进度、落实纠偏措施。监控表经武进区财政局预算绩效管理科审核，审核结论为“通过”。"
    )
    fd = monitoring.find(result)
    assert [a.heading() for a in fd.advice] == [
        "加快预算执行，落实纠偏措施（针对问题1）",
        "加快实施进度，确保年度绩效目标实现（针对问题2）",
    ]
    assert fd.advice[0].text == (
        "建议区住建局加快预算执行，落实已制定的纠偏措施：督促各镇7月底前完成用地手续，按月调度工程"
        "结算进度。区财政局在下一监控时点跟踪纠偏措施落实情况。"
    )


def test_a_sheet_on_track_has_no_problems():
    """Everything green: no problem is invented, the report says so and suggests nothing."""
    raw = load()
    raw["budget"]["spent"] = 1900  # 52.78% in June: v = 105.6
    for ind in raw["indicators"]:
        for key in ("deviation", "explanation", "measures"):
            ind.pop(key, None)
        if ind["code"] == "C1":
            ind["actual"] = 50
        if ind["code"] == "C2":
            ind["actual"] = 60
        if ind["code"] == "E2":
            ind["tier"] = "达成年度指标"
    for key in ("deviation", "explanation", "measures"):
        raw.pop(key)
    result = monitoring.analyse(casefile.validate_mapping(raw, base_dir=EXAMPLES))
    fd = monitoring.find(result)
    assert fd.problems == () and fd.advice == ()
    text = plain_text(monitoring.outline(result))
    assert "未发现需要单独列示的问题" in text and "未发现偏差" in text
    assert "综合监控结果，建议继续执行。" in monitoring.conclusions(result)["summary"]


# ---------------------------------------------------------------------------------------------
# Reports (notebooks)


@pytest.mark.notebook
def test_jixiao_run_and_plain_papermill_agree(tmp_path, demo_library):
    lib = demo_library
    folder = lib / "2024" / "wujin_agriculture_monitoring_2024"
    res = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert res["evaluation"] == "monitoring" and res["total_score"] is None
    block = res["monitoring"]
    assert block["summary"]["actions"] == dict.fromkeys(monitoring.ACTIONS, 1)
    assert [p["recommendation"]["rule"] for p in block["projects"]] == [
        "R6",
        "R2",
        "R1",
        "R3",
        "R4",
    ]
    html = (folder / "report.html").read_text(encoding="utf-8")
    for heading in monitoring.HEADINGS:
        assert heading in html
    assert "data:image/png;base64," in html
    assert "Traceback" not in html and "Warning" not in html and "from methods import" not in html

    plain = plain_papermill(SINGLE, tmp_path)
    direct = monitoring.analyse(casefile.load_case(SINGLE)).to_dict()
    assert plain["monitoring"] == json.loads(json.dumps(report._jsonable(direct)))
    assert plain["monitoring"]["projects"][0]["v"] == 70.0


def test_new_writes_a_valid_template(tmp_path):
    out = tmp_path / "m.yaml"
    assert run_cli("new", "monitoring", "-o", out).returncode == 0
    case = casefile.load_case(out)
    assert monitoring.analyse(case).projects[0].light == "green"  # 40% in June: v = 80
