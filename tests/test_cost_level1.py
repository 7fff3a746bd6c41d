"""成本指标 as a level-1 indicator (财预〔2021〕101号) in 自评 and project evaluations.

101号 lists 成本指标 (经济成本、社会成本、生态环境成本) beside 产出、效益、满意度 as level-1 indicators
of a target sheet; 10号 sets the 自评 points (产出 50、效益 30、满意度 10、预算执行率 10, 未完成指标值的
按照完成值与指标值的比例记分, 预算执行率 = 执行数 / 全年预算数 × 10, 未设满意度指标的并入效益). The
variant ``self_evaluation_cost_2021`` takes 成本's 10 points out of 10号's 产出 50 (a project choice,
unverified, overridable with ``levels:``). Hand-worked examples below follow those texts.
"""

import copy

import pytest

from methods import casefile, frameworks, scoring
from methods.errors import CaseError
from methods.evaltypes import self_evaluation


def cost_case(**extra):
    """A 自评 of a village sewage-station project, written as the 101号 target sheet was."""
    case = {
        "case_id": "cost_self_2024",
        "title": "某镇污水处理站建设项目",
        "year": 2024,
        "department": "某镇人民政府",
        "evaluation": "self_evaluation",
        "budget_type": "general_public",
        "object_type": "project",
        "framework": "self_evaluation_cost_2021",
        "budget": {"planned": 500, "allocated": 500, "spent": 480, "unit": "万元"},
        "indicators": [
            # 产出 40
            {"code": "C1", "name": "新建处理站数量", "level1": "产出指标", "level2": "数量指标",
             "weight": 20, "rule": "positive", "target": 100, "actual": 95, "unit": "座"},
            {"code": "C2", "name": "验收合格率", "level1": "产出指标", "level2": "质量指标",
             "weight": 10, "rule": "positive", "target": 100, "actual": 100, "unit": "%"},
            {"code": "C3", "name": "按期完工率", "level1": "产出指标", "level2": "时效指标",
             "weight": 10, "rule": "positive", "target": 100, "actual": 90, "unit": "%"},
            # 成本 10 (101号: 经济成本、社会成本)
            {"code": "K1", "name": "单座建设成本", "level1": "成本指标", "level2": "经济成本指标",
             "weight": 6, "rule": "reverse", "variant": "ratio", "target": 28, "actual": 30,
             "unit": "万元/座", "cause": "管材价格上涨"},
            {"code": "K2", "name": "施工对居民出行的影响", "level1": "成本指标",
             "level2": "社会成本指标", "weight": 4, "rule": "qualitative",
             "tier": "部分达成年度指标并具有一定效果", "score": 3},
            # 效益 30
            {"code": "E1", "name": "受益农户数", "level1": "效益指标", "level2": "社会效益指标",
             "weight": 30, "rule": "positive", "target": 5000, "actual": 5200, "unit": "户"},
            # 满意度 10
            {"code": "S1", "name": "受益农户满意度", "level1": "满意度指标",
             "level2": "服务对象满意度指标", "weight": 10, "rule": "positive", "target": 90,
             "actual": 85.5, "unit": "%"},
        ],
    }  # fmt: skip
    case.update(extra)
    return case


def scores(ev):
    return dict(zip(ev.table["code"], ev.table["score"], strict=True))


def test_self_evaluation_with_cost_level1_by_hand():
    ev = scoring.evaluate(casefile.validate_mapping(cost_case()))
    s = scores(ev)
    assert s["C1"] == 19.0  # 10号: 95 / 100 × 20 (按照完成值与指标值的比例记分)
    assert s["C3"] == 9.0  # 90 / 100 × 10
    assert s["K1"] == 5.6  # reverse ratio 28 / 30 × 6
    assert s["K2"] == 3.0  # 部分达成年度指标并具有一定效果: the evaluator's 3 in [2.4, 3.2)
    assert s["E1"] == 30.0  # 5200 ≥ 5000: full marks
    assert s["S1"] == 9.5  # 85.5 / 90 × 10
    assert s["BE"] == 9.6  # 预算执行率 480 / 500 × 10
    assert dict(ev.level1) == {
        "产出": 38.0,
        "成本": 8.6,
        "效益": 30.0,
        "满意度": 9.5,
        "预算执行率": 9.6,
    }
    assert ev.total == 95.7 and ev.grade == "优"
    # the report says where the 产出 40 / 成本 10 split comes from, as unverified
    assert any("产出 40 分、成本 10 分" in n and "unverified" in n for n in ev.notes)


def test_cost_points_are_a_parameter():
    case = cost_case(levels={"产出": 35, "成本": 15})
    for ind in case["indicators"]:
        if ind["code"] == "C1":
            ind["weight"] = 15
        if ind["code"] == "K1":
            ind["weight"] = 11
    ev = scoring.evaluate(casefile.validate_mapping(case))
    assert ev.level1["成本"] == pytest.approx(28 / 30 * 11 + 3, abs=0.01)  # 10.27 + 3
    # 产出 + 成本 must stay 10号's 50: moving 5 points from 效益 is refused, naming the level
    bad = cost_case(levels={"产出": 40, "成本": 15})
    bad["indicators"][3]["weight"] = 11
    with pytest.raises(CaseError, match="全部指标分值合计 105 分"):
        scoring.evaluate(casefile.validate_mapping(bad))


def test_missing_satisfaction_and_cost_move_as_10hao_says():
    # no 满意度: its 10 points go to 效益 (10号); E1 now weighs 40
    case = cost_case()
    case["indicators"] = [i for i in case["indicators"] if i["code"] != "S1"]
    case["indicators"][5]["weight"] = 40
    ev = scoring.evaluate(casefile.validate_mapping(case))
    assert ev.level1["效益"] == 40.0
    # no 成本 indicator: its 10 points go back to 产出, i.e. 10号's own 自评表
    case = cost_case()
    case["indicators"] = [i for i in case["indicators"] if not i["code"].startswith("K")]
    case["indicators"][0]["weight"] = 30
    ev = scoring.evaluate(casefile.validate_mapping(case))
    assert ev.level1["产出"] == 47.5  # 95 / 100 × 30 + 10 + 9


def test_default_self_evaluation_refuses_cost_and_names_the_variant():
    case = cost_case()
    del case["framework"]
    with pytest.raises(CaseError, match="一级指标“成本”不属于框架") as exc:
        casefile.validate_mapping(case)
    assert "self_evaluation_cost_2021" in (exc.value.hint or "")
    assert exc.value.field == ("indicators", 3, "level1") or "indicators[3]" in str(exc.value)


def test_project_evaluation_cost_variant():
    fw = frameworks.get("mof_2020_project_cost")
    assert fw.level1_names[:5] == ("决策", "过程", "产出", "成本", "效益")
    assert frameworks.get("mof_2020_project").alternatives["成本"] == fw.id
    assert (
        frameworks.get("self_evaluation_2022").alternatives["成本"] == "self_evaluation_cost_2021"
    )
    assert "101号" in fw.source and fw.status == "reg"
    sc = frameworks.get("self_evaluation_cost_2021")
    assert sc.fixed_points() == {"产出": 40, "成本": 10, "效益": 30, "满意度": 10, "预算执行率": 10}
    assert sc.points_status == "unverified" and "101号未规定" in sc.points_source


def test_report_form_shows_cost_rows():
    from methods.evaltypes._scored import analyse
    from methods.report.document import Table, walk

    result = analyse(casefile.validate_mapping(cost_case()))
    form = self_evaluation.section_form(result)
    table = [b for b in walk(form) if isinstance(b, Table)][-1]
    rows = [[c.text for c in row] for row in table.rows]
    cost = [r for r in rows if r[2] == "单座建设成本"]
    assert cost and cost[0][0] == "成本" and cost[0][-2] == "5.60"
    assert rows[-1][6] == "95.70"  # 总分


TARGET_SHEET = {
    "case_id": "sewage_station_targets_2024",
    "title": "某镇污水处理站建设项目",
    "year": 2024,
    "department": "某镇人民政府",
    "evaluation": "target_review",
    "budget_type": "general_public",
    "object_type": "project",
    "goal": "新建污水处理站 100 座，受益农户 5000 户",
    "budget": {"planned": 500, "unit": "万元"},
    "indicators": [
        {"code": "C1", "name": "新建处理站数量", "level1": "产出指标", "level2": "数量指标",
         "rule": "positive", "target": 100, "unit": "座", "source": "竣工验收资料"},
        {"code": "K1", "name": "单座建设成本", "level1": "成本指标", "level2": "经济成本指标",
         "rule": "reverse", "target": 28, "unit": "万元/座", "source": "结算审计"},
        {"code": "E1", "name": "受益农户数", "level1": "效益指标", "level2": "社会效益指标",
         "rule": "positive", "target": 5000, "unit": "户", "source": "统计台账"},
    ],
    "adjustments": [
        {"code": "K1", "before": 28, "after": 29, "reason": "管材价格上涨，经批准调整"},
    ],
}  # fmt: skip


def test_target_sheet_flows_into_self_evaluation():
    sheet = casefile.validate_mapping(copy.deepcopy(TARGET_SHEET))
    case = self_evaluation.from_target_sheet(sheet)
    assert case["framework"] == "self_evaluation_cost_2021"
    assert case["objectives"] == {"planned": TARGET_SHEET["goal"]}
    by = {i["code"]: i for i in case["indicators"]}
    assert by["K1"]["target"] == 29  # the approved adjustment, not the sheet's 28
    assert by["K1"]["level1"] == "成本指标" and by["C1"]["source"] == "竣工验收资料"
    # the unit fills in weights and actual values, and the 自评 scores the approved targets
    for code, weight, actual in (("C1", 40, 100), ("K1", 10, 29), ("E1", 40, 5000)):
        by[code].update(weight=weight, actual=actual)
    case["budget"].update(allocated=500, spent=500)
    ev = scoring.evaluate(casefile.validate_mapping(case))
    assert dict(ev.level1) == {"产出": 40.0, "成本": 10.0, "效益": 40.0, "预算执行率": 10.0}
    assert ev.total == 100.0


def cost_form(path):
    """The 自评表 of :func:`cost_case` as a department fills it in, 成本指标 rows included."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append(["2024年度项目支出绩效自评表"])
    ws.append(["项目名称", "某镇污水处理站建设项目", None, "预算年度", 2024])
    ws.append(["主管部门", "某镇人民政府"])
    ws.append(["年初预算数", 500, None, "全年预算数", 500, None, "全年执行数", 480])
    ws.append(
        ["一级指标", "二级指标", "三级指标", "指标代码", "分值", "计分规则", "变体",
         "年度指标值", "实际完成值", "计量单位", "评价档次", "评分"]
    )  # fmt: skip
    for ind in cost_case()["indicators"]:
        rule = {"positive": "正向", "reverse": "反向", "qualitative": "定性"}[ind["rule"]]
        ws.append(
            [ind["level1"], ind["level2"], ind["name"], ind["code"], ind["weight"], rule,
             "比值" if ind.get("variant") == "ratio" else None, ind.get("target"),
             ind.get("actual"), ind.get("unit"), ind.get("tier"), ind.get("score")]
        )  # fmt: skip
    wb.save(path)
    return path


def test_self_evaluation_form_with_cost_rows_imports_and_scores(tmp_path):
    from methods import excel

    imported = excel.import_form(cost_form(tmp_path / "自评表.xlsx"))
    assert imported.case["framework"] == "self_evaluation_cost_2021"
    assert any("成本指标" in n for n in imported.notes)
    ev = scoring.evaluate(casefile.validate_mapping(imported.case))
    assert dict(ev.level1)["成本"] == 8.6 and ev.total == 95.7  # as the hand-worked case above
