"""Framework presets for the four budgets and special objects, used by project_evaluation through
``framework: <id>``: every preset loads with a source and status, the examples validate and score
by hand-checkable numbers, and a case's level-1 names must belong to its framework."""

import copy

import pytest
import yaml

from methods import casefile, frameworks, scoring
from methods.errors import CaseError

from .conftest import EXAMPLES

PRESETS = {
    "government_fund_budget": ("征收方式和标准", "使用效果", "对专项债务的支撑能力"),
    "state_capital_budget": ("贯彻国家战略", "收益上缴", "支出结构", "使用效果"),
    "social_insurance_budget": ("收支政策效果", "基金管理", "精算平衡", "运行风险"),
    "ppp_project": ("产出", "效果", "管理"),
    "government_procurement": ("采购需求与计划", "采购执行", "采购结果", "政策功能与满意度"),
    "purchased_service": ("决策", "过程", "产出", "效益"),
    "special_bond_project": ("决策", "过程", "产出", "效益", "偿债保障"),
    "government_investment_fund": ("政策目标", "投资运营", "管理规范", "出资效益与安全"),
    "general_public_budget_district": (
        "收入结构与质量",
        "征收效率",
        "支出结构与效果",
        "财力与职能匹配",
        "可持续性",
    ),
}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_preset_loads_with_source_and_status(preset):
    fw = frameworks.get(preset)
    assert fw.evaluation == "project_evaluation"
    assert fw.level1_names[: len(PRESETS[preset])] == PRESETS[preset]
    assert fw.source and fw.status in {"reg", "local", "practice", "unverified"}
    assert all(lv.points is None for lv in fw.level1)  # points are set by each case
    assert all(lv.level2 for lv in fw.level1)


def test_department_fiscal_and_third_party_frameworks():
    assert frameworks.get("department_overall_2020").level1_names == (
        "运行成本",
        "管理效率",
        "履职效能",
        "社会效应",
        "可持续发展能力",
        "服务对象满意度",
    )
    fiscal = frameworks.get("fiscal_operation_town")
    assert fiscal.status == "unverified" and "没有统一" in fiscal.source
    assert fiscal.fixed_points() == {
        "收入结构与质量": 25.0,
        "支出结构与效果": 30.0,
        "财力分布与可持续性": 30.0,
        "财力与职能匹配性": 15.0,
    }
    assert "没有统一" in frameworks.get("third_party_quality_2023").source


EXAMPLES_BY_PRESET = {
    "wujin_land_fund_budget_2023": ("government_fund_budget", "government_fund", "project"),
    "wujin_state_capital_budget_2023": ("state_capital_budget", "state_capital", "project"),
    "wujin_resident_pension_fund_2023": ("social_insurance_budget", "social_insurance", "project"),
    "wujin_sewage_ppp_2023": ("ppp_project", "general_public", "ppp"),
    "wujin_district_general_budget_2023": (
        "general_public_budget_district",
        "general_public",
        "government",
    ),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES_BY_PRESET))
def test_examples_use_their_preset(name):
    case = casefile.validate(EXAMPLES / f"{name}.yaml")
    framework, budget_type, object_type = EXAMPLES_BY_PRESET[name]
    assert case.evaluation == "project_evaluation"
    assert (case.framework, case.budget_type, case.object_type) == (
        framework,
        budget_type,
        object_type,
    )
    ev = scoring.evaluate(case)
    assert ev.framework.id == framework
    assert set(ev.level1.index) <= set(ev.framework.level1_names)
    assert ev.warnings == ()


def scores(name):
    ev = scoring.evaluate(EXAMPLES / f"{name}.yaml")
    return ev, dict(zip(ev.table["code"], ev.table["score"], strict=True))


def test_government_fund_example_by_hand():
    ev, s = scores("wujin_land_fund_budget_2023")
    assert s["ZS2"] == 6.68  # 95.4/100 × 7 = 6.678
    assert s["SY1"] == 7.6  # 执行率 2356000/2480000 = 95% × 8
    assert s["SY2"] == 5.25  # 3 of 4 points × 7
    assert s["SY3"] == 7.33  # 27.5/30 × 8 = 7.333
    assert s["ZW3"] == 6.07  # 2.6/3 × 7 = 6.067
    assert s["YS3"] == 4.0  # 12% over 10%: 5 − 0.5 × 2
    assert ev.level1.to_dict() == {
        "征收方式和标准": 24.5,
        "使用效果": 31.61,
        "对专项债务的支撑能力": 24.07,
        "预算编制与执行": 12.5,
    }
    assert (ev.total, ev.grade) == (92.68, "优")


def test_state_capital_example_by_hand():
    ev, s = scores("wujin_state_capital_budget_2023")
    assert s["ZC1"] == 9.0  # 11340/12600 = 90% × 10
    assert s["ZC2"] == 8.0  # 72% within [60, 85]
    assert s["ZC3"] == 4.34  # 6.2/10 × 7
    assert s["XG1"] == 9.89  # 103.8/105 × 10 = 9.886
    assert ev.level1.to_dict() == {
        "贯彻国家战略": 17.5,
        "收益上缴": 24.62,
        "支出结构": 21.34,
        "使用效果": 25.09,
    }
    assert (ev.total, ev.grade) == (88.55, "良")


def test_social_insurance_example_by_hand():
    ev, s = scores("wujin_resident_pension_fund_2023")
    assert s["SB3"] == 5.0  # 2 of 4 points × 10
    assert s["JJ2"] == 5.91  # 97120/98600 = 98.499% × 6 = 5.9099
    assert s["JS2"] == 8.75  # 10.5 months below [12, 36]: 10.5/12 × 10
    assert s["JS3"] == 4.5  # reverse linear: (1 − (66 − 60)/60) × 5
    assert ev.level1.to_dict() == {
        "收支政策效果": 25.0,
        "基金管理": 23.2,
        "精算平衡": 22.37,
        "运行风险": 18.14,
    }
    assert (ev.total, ev.grade) == (88.71, "良")


def test_ppp_example_by_hand():
    ev, s = scores("wujin_sewage_ppp_2023")
    assert s["CC2"] == 11.89  # 99.1/100 × 12 = 11.892
    assert s["CC4"] == 9.85  # 96.5/98 × 10 = 9.847
    assert s["XG2"] == 6.0  # no accident: deduction 0
    assert s["GL5"] == 2.5  # 1 of 2 points × 5
    assert ev.level1.to_dict() == {"产出": 39.74, "效果": 28.96, "管理": 25.1}
    assert (ev.total, ev.grade) == (93.8, "优")


def test_level1_outside_the_preset_is_refused():
    raw = yaml.safe_load((EXAMPLES / "wujin_state_capital_budget_2023.yaml").read_text("utf-8"))
    bad = copy.deepcopy(raw)
    bad["indicators"][0]["level1"] = "决策"
    bad["levels"] = {"决策": 10, **{k: v for k, v in raw["levels"].items()}}
    with pytest.raises(CaseError, match="不属于框架") as info:
        casefile.validate_mapping(bad, source="s.yaml", base_dir=EXAMPLES)
    assert info.value.field.startswith("indicators[") and info.value.field.endswith(".level1")
    assert "贯彻国家战略" in info.value.hint


def test_optional_level_of_a_budget_preset():
    """预算编制与执行 is optional in the budget presets: a case may leave it out."""
    raw = yaml.safe_load((EXAMPLES / "wujin_land_fund_budget_2023.yaml").read_text("utf-8"))
    raw["indicators"] = [i for i in raw["indicators"] if i["level1"] != "预算编制与执行"]
    raw["levels"] = {"征收方式和标准": 30, "使用效果": 40, "对专项债务的支撑能力": 30}
    for ind in raw["indicators"]:
        if ind["code"] in ("ZS2",):
            ind["weight"] = 12
        if ind["code"] in ("SY5",):
            ind["weight"] = 11
        if ind["code"] in ("ZW3",):
            ind["weight"] = 12
    ev = scoring.evaluate(casefile.validate_mapping(raw, base_dir=EXAMPLES))
    assert list(ev.level1.index) == ["征收方式和标准", "使用效果", "对专项债务的支撑能力"]


def test_district_general_budget_example_by_hand():
    """区本级一般公共预算 (武发〔2020〕48号: the 一般公共预算 first, the government's own 财政运行):
    proportional scoring as 10号 sets it, deductions and a reverse indicator by the rules table."""
    ev, s = scores("wujin_district_general_budget_2023")
    assert s["SR3"] == 4.48  # 收入增长 3.2/5 × 7
    assert s["ZS3"] == 4.22  # 欠税清缴 76/90 × 5 = 4.222
    assert s["ZC3"] == 6.0  # 执行率 1794000/1865000 = 96.19% ≥ 95%
    assert s["ZC4"] == 3.1  # 结转结余 6.8% over 5%: 4 − 0.5 × 1.8
    assert s["ZC2"] == 4.0  # 三公经费 −3.5% ≤ 0: no deduction
    assert s["KS2"] == 5.0  # 综合债务率 86.5% ≤ 100%
    assert s["KS4"] == 3.0  # 部分达成年度指标并具有一定效果, in [2.4, 3.2)
    assert ev.level1.to_dict() == {
        "收入结构与质量": 17.39,
        "征收效率": 14.08,
        "支出结构与效果": 28.81,
        "财力与职能匹配": 14.72,
        "可持续性": 19.0,
    }
    assert (ev.total, ev.grade) == (94.0, "优")
