"""Findings, not scoring logs (issue: reports a 财政局 reviewer accepts): the findings engine
(methods.report.findings) against the writing rules of a model report (example-report.md 写作规则
5–13: 问题入选、主题归并、标题、事实、原因、建议、综合评价结论), and golden texts for two examples."""

from __future__ import annotations

import copy

import pytest
import yaml

from methods import casefile, evaluation
from methods.evaltypes import department_overall, project_evaluation
from methods.report import findings as F

from .conftest import EXAMPLES

SEWAGE = EXAMPLES / "wujin_rural_sewage_2023.yaml"
HOUSING = EXAMPLES / "wujin_housing_department_2023.yaml"


def _case(path, edit=None, tmp_path=None):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if edit is not None:
        raw = copy.deepcopy(raw)
        edit(raw)
    return casefile.validate_mapping(raw, source=str(path), base_dir=path.parent)


def _ind(raw, code):
    return next(i for i in raw["indicators"] if i.get("code") == code)


# --- golden texts (the prose of two examples, as a reviewer reads it) -------------------------


def test_rural_sewage_findings_and_conclusion_read_as_the_model_report():
    r = project_evaluation.analyse(casefile.load_case(SEWAGE))
    fd = r.findings
    assert [p.heading for p in fd.problems] == [
        "资金使用不规范，存在以拨代支情况。",
        "部分年度目标未完成，农村生活污水治理率提高未达到目标。",
        "效益持续发挥存在隐患，设施正常运行率低于目标下限。",
        "资金分配与预算管理不够精细，资金分配合理性方面“分配额度与各镇任务量相适应”未满足。",
        "实施管理不够规范，制度执行有效性方面存在问题。",
    ]
    assert [a.heading() for a in fd.advice] == [
        "规范资金使用，整改以拨代支问题（针对问题1）",
        "推进未完成任务，确保年度目标实现（针对问题2）",
        "建立长效机制，保障效益持续发挥（针对问题3）",
        "按任务量测算安排资金，提高预算编制和执行精度（针对问题4）",
        "加强过程管控，规范实施管理（针对问题5）",
    ]
    # the stated cause is quoted, never invented; a loss without one says so
    assert fd.problems[1].cause_text == "原因分析：2个设施因征地问题延期至2024年一季度。"
    assert fd.problems[0].cause_text == (
        "原因分析：被评价单位未提供相关说明，以拨代支的原因有待进一步核实。"
    )
    # 以拨代支 casts doubt on the execution rate: said as a fact of the compliance problem
    assert "95.00%的预算执行率可能高于实际支付进度" in fd.problems[0].facts_text
    assert fd.advice[0].text.startswith("建议区住建局对本年度列支资金逐笔清理")
    assert F.conclusion(r.ev, fd) == (
        "经评价，2023年度武进区农村生活污水治理项目立项依据充分、程序规范，主要产出和效益指标完成较好："
        "化学需氧量（COD）年削减量688吨，超出650吨的目标5.85%；接管农户数9,350户，超出9,000户的目标3.89%；"
        "出水水质达标率96.2%，超出95%的目标1.26%。项目在资金使用合规、进度与目标完成和效益持续性与满意度等"
        "方面存在不足：存在以拨代支情况；农村生活污水治理率提高未达到目标；设施正常运行率低于目标下限。"
        "从各维度看，产出、效益得分率较高（分别为97.60%、96.67%），决策、过程相对薄弱"
        "（分别为87.33%、88.75%）。按评分94.01分，本项目处于“优”等级区间；因评价中发现以拨代支，"
        "按照等级限定条款（存在以拨代支问题的，评价等级不得为“优”），评价等级调整为“良”。"
    )
    note = F.grade_note(r.ev, fd)
    assert note[0].startswith(
        "本项目评分94.01分，按得分处于“优”等级区间。因评价中发现以拨代支，按照等级限定条款"
    )


def test_housing_department_findings_lead_with_the_fatal_accident():
    r = department_overall.analyse(casefile.load_case(HOUSING))
    fd = r.findings
    assert [p.heading for p in fd.problems] == [
        "发生一般建筑施工安全事故1起，安全生产监管存在薄弱环节。",
        "部分年度目标未完成，部门整体绩效目标完成率未达到目标。",
        "效益持续发挥存在隐患，信息化管理水平有待提高。",
        "资金分配与预算管理不够精细，结转结余率超出控制目标。",
        "成本控制有待加强，在职人员控制率超出控制目标。",
        "资产收益上缴不及时，下属单位房产出租收入延迟上缴。",
    ]
    # the evaluator's own finding keeps its own advice
    assert fd.advice[5].text == (
        "建议区住建局加快下属单位房产出租收入清缴，建立资产收益按季上缴机制，"
        "于2024年6月底前完成清缴并报区财政局。"
    )
    assert F.conclusion(r.ev, fd).startswith(
        "经评价，2023年度常州市武进区住房和城乡建设局主要履职和效益指标完成较好："
        "部门服务对象满意度91.3%，超出90%的目标1.44%；"
    )
    assert F.grade_note(r.ev, fd)[0].startswith(
        "本部门评分91.60分，按得分处于“优”等级区间。因发生一般建筑施工安全事故1起，"
        "按照等级限定条款（发生一般安全责任事故的，评价等级降低一档），评价等级由“优”调整为“良”。"
    )


# --- the rules ---------------------------------------------------------------------------------


def test_trivial_losses_are_not_problems_but_compliance_always_is():
    def edit(raw):  # every target met except one tiny loss and one compliance point
        raw["budget"].update(planned=3600, allocated=3600, spent=3600)
        for ind in raw["indicators"]:
            ind.pop("note", None)
            ind.pop("target_from", None)
            if ind["rule"] in ("positive", "reverse") and "actual" in ind:
                ind["actual"] = ind["target"]
            elif ind["rule"] == "qualitative":
                ind.update(score=ind["weight"], tier="达成年度指标")
            elif ind["rule"] == "checklist" and "items" in ind:
                for item in ind["items"]:
                    item["met"] = "以拨代支" not in item["name"]
            elif ind["rule"] == "range":
                ind["actual"] = ind["target"][0]
            elif ind["rule"] == "deduction":
                ind["actual"] = 0
        _ind(raw, "C21")["actual"] = 99.5  # loses 0.03 of 6 points: trivial

    fd = F.find(evaluation.evaluate(_case(SEWAGE, edit)))
    assert [p.theme for p in fd.problems] == ["compliance"]
    assert fd.minor == ("C21",)  # below the materiality threshold: left to the annex
    assert fd.advice[0].heading() == "规范资金使用，整改以拨代支问题（针对问题1）"


def test_advice_follows_the_theme_never_a_word_in_the_indicator_name():
    """An indicator named with 及时 (采购意向公开及时性) under a management level-2 gets management
    advice, not 征地/工期 advice; an indicator named 安全 but in 产出数量 is a progress problem."""

    def edit(raw):
        raw["indicators"].append(
            {
                "code": "B23",
                "name": "采购意向公开及时性",
                "level1": "过程",
                "level2": "组织实施",
                "weight": 1,
                "rule": "qualitative",
                "tier": "未达成且效果较差",
                "score": 0.2,
            }
        )
        raw["levels"]["过程"] = 21
        raw["levels"]["产出"] = 34
        _ind(raw, "C12")["weight"] = 6

    case = _case(SEWAGE, edit)
    fd = F.find(evaluation.evaluate(case))
    text = " ".join(a.text for a in fd.advice)
    mgmt = next(p for p in fd.problems if p.theme == "management")
    assert "B23" in mgmt.codes
    assert "征地" not in text and "工期" not in text


def test_not_applicable_indicators_get_no_problem_and_no_advice():
    def edit(raw):
        _ind(raw, "D13")["applicable"] = False
        _ind(raw, "D21")["applicable"] = False

    fd = F.find(evaluation.evaluate(_case(SEWAGE, edit)))
    codes = {c for p in fd.problems for c in p.codes}
    assert not codes & {"D13", "D21"}
    assert all(p.theme != "sustainability" for p in fd.problems)


def test_every_suggestion_answers_an_existing_problem_and_counts_stay_in_range():
    for path in (SEWAGE, HOUSING, EXAMPLES / "wujin_farmland_2023.yaml"):
        fd = F.find(evaluation.evaluate(casefile.load_case(path)))
        assert 1 <= len(fd.problems) <= 6
        assert [a.problem for a in fd.advice] == list(range(1, len(fd.problems) + 1))


def test_an_explicit_finding_is_always_a_problem_and_takes_its_theme_losses():
    def edit(raw):
        raw["findings"] = [
            {
                "title": "审计发现部分工程款超合同支付",
                "kind": "audit",
                "facts": "区审计局审计发现 2 个标段超合同支付工程款 36.5 万元",
                "cause": "合同变更未及时签订补充协议",
            }
        ]

    fd = F.find(evaluation.evaluate(_case(SEWAGE, edit)))
    audit = next(p for p in fd.problems if p.kind == "audit")
    assert audit.heading == "审计发现部分工程款超合同支付。"
    assert audit.facts == ("区审计局审计发现2个标段超合同支付工程款36.5万元",)
    assert audit.cause_text == "原因分析：合同变更未及时签订补充协议。"
    assert fd.problems.index(audit) <= 1  # with the compliance problem, ahead of the losses


def test_a_finding_needs_facts_or_indicators():
    def edit(raw):
        raw["findings"] = [{"title": "空的发现"}]

    with pytest.raises(casefile.CaseError, match="facts"):
        _case(SEWAGE, edit)


def test_tidy_removes_spaces_between_chinese_and_digits_only():
    assert F.tidy("2 个设施延期至 2024 年一季度，有效问卷 412 份 COD 值") == (
        "2个设施延期至2024年一季度，有效问卷412份 COD 值"
    )
