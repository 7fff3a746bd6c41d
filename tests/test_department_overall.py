"""Department overall evaluation (evaluation: department_overall): the six-dimension framework,
library indicators with their deduction rules, key projects feeding an indicator, bad input, and
the report through ``jixiao run`` and plain papermill."""

import copy
import json
import re

import pytest
import yaml

from methods import casefile, scoring
from methods._format import round_half_up
from methods.errors import CaseError
from methods.evaltypes import department_overall as dept

from .conftest import EXAMPLES, plain_papermill, run_cli

EXAMPLE = EXAMPLES / "wujin_housing_department_2023.yaml"


def load():
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def validate(raw, base_dir=EXAMPLES):
    return casefile.validate_mapping(raw, source="d.yaml", base_dir=base_dir)


def test_example_scores_by_hand():
    ev = scoring.evaluate(EXAMPLE)
    s = dict(zip(ev.table["code"], ev.table["score"], strict=True))
    # 在职人员控制率 101.5%: 4 − 0.5 × 1.5 = 3.25 (GX-B-001, −0.5 per point over 100%)
    assert s["GX-B-001"] == 3.25
    # “三公”经费变动率 −6.2% ≤ 0: full 4 (GX-B-002, −0.8 per point of growth)
    assert s["GX-B-002"] == 4.0
    # 结转结余率 12.6% over 10%: 4 − 0.5 × 2.6 = 2.7
    assert s["GX-B-006"] == 2.7
    # 支出完成率 = 49870 / 52300 = 95.354%: 5 × 0.95354 = 4.77
    assert s["GX-B-008"] == 4.77
    # 重点支出安排率 63.4% not below the target 60%: full 5 (deduction, variant under)
    assert s["GX-B-005"] == 5.0
    # 资产管理规范性 3 of 4 points: 4 × 3/4 = 3
    assert s["GX-B-013"] == 3.0
    # key projects: (85.79 × 15600 + 94.12 × 3600 + 84.6 × 5200) / 24400 = 86.77; 10 × 86.77/90
    lz4 = ev.table.set_index("code").loc["LZ4"]
    assert lz4["actual"] == 86.77
    assert s["LZ4"] == 9.64
    assert "重点项目评价得分的按项目资金加权平均" in lz4["note"]
    assert ev.level1.to_dict() == {
        "运行成本": 14.25,
        "管理效率": 22.15,
        "履职效能": 28.6,
        "社会效应": 12.5,
        "可持续发展能力": 4.1,
        "服务对象满意度": 10.0,
    }
    assert (ev.total, ev.grade_by_score, ev.grade) == (
        91.6,
        "优",
        "良",
    )  # 安全责任事故 一般: 降一档
    assert ev.framework.id == "department_overall_2020"


def test_key_project_average_weighted_and_plain():
    case = casefile.load_case(EXAMPLE)
    t = dept.key_project_scores(case)
    # the first project is scored afresh from its case file (85.79 when this was written)
    first = scoring.evaluate(EXAMPLES / "wujin_old_community_renovation_2023.yaml").total
    assert list(t.table["score"]) == [first, 94.12, 84.6]
    # budgets: the first from its case file's 全年预算数, the others as given
    assert list(t.table["budget"]) == [15600, 3600, 5200]
    average = round_half_up((first * 15600 + 94.12 * 3600 + 84.6 * 5200) / 24400, 2)
    assert t.average == average == 86.77
    raw = load()
    raw["key_projects"]["weighting"] = "equal"
    ev = scoring.evaluate(validate(raw))
    # (85.79 + 94.12 + 84.6) / 3 = 88.17; 10 × 88.17 / 90 = 9.80
    assert ev.table.set_index("code").loc["LZ4", "actual"] == round_half_up(
        (first + 94.12 + 84.6) / 3, 2
    )
    assert ev.table.set_index("code").loc["LZ4", "score"] == 9.8


def test_key_projects_shown_without_feeding_an_indicator():
    raw = load()
    del raw["key_projects"]["indicator"]
    lz4 = next(i for i in raw["indicators"] if i.get("code") == "LZ4")
    lz4["actual"] = 88
    result = dept.analyse(validate(raw))
    ev = result.ev
    assert ev.table.set_index("code").loc["LZ4", "actual"] == 88
    assert dept.key_project_scores(ev.case).average == 86.77
    out = dept.results(result)
    assert out["key_projects"]["average"] == 86.77
    assert out["total_score"] == ev.total


def test_results_block_and_conclusions():
    out = dept.results(dept.analyse(casefile.load_case(EXAMPLE)))
    assert out["evaluation"] == "department_overall"
    assert [p["name"] for p in out["key_projects"]["projects"]][0] == "武进区城镇老旧小区改造项目"
    problems, advice = out["conclusions"]["problems"], out["conclusions"]["suggestions"]
    # the fatal construction accident is a safety finding, listed first and answered first
    assert problems[0].startswith("发生一般建筑施工安全事故1起，安全生产监管存在薄弱环节。")
    assert advice[0].startswith("压实安全责任，整改安全隐患（针对问题1）")
    assert len(advice) == len(problems) and 3 <= len(problems) <= 6  # one per finding
    assert [f"（针对问题{i}）" in a for i, a in enumerate(advice, 1)] == [True] * len(advice)
    assert out["conclusions"]["achievements"][0] == "部门服务对象满意度91.3%，超出90%的目标1.44%。"


def _mutate(raw, fn):
    raw = copy.deepcopy(raw)
    fn(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (
            lambda r: r["key_projects"].update(indicator="NOPE"),
            "key_projects.indicator",
            "不在 indicators 中",
        ),
        (
            lambda r: r["key_projects"]["projects"][1].update(
                case="wujin_old_community_renovation_2023.yaml"
            ),
            "key_projects.projects[1]",
            "score（已有评价得分）或 case",
        ),
        (
            lambda r: r["key_projects"]["projects"][2].pop("budget"),
            "key_projects.projects[2].budget",
            "按项目资金加权",
        ),
        (
            lambda r: r["key_projects"]["projects"][0].update(case="missing.yaml"),
            "key_projects.projects[0].case",
            "数据文件不存在",
        ),
        (
            lambda r: next(i for i in r["indicators"] if i.get("code") == "LZ4").update(actual=80),
            "indicators[14]（LZ4）.actual",
            "请删除 actual",
        ),
        (
            lambda r: r["indicators"][0].update(level1="产出"),
            "indicators",
            "不属于框架",
        ),
        (lambda r: r["key_projects"].update(weighting="median"), "key_projects.weighting", "取值"),
    ],
)
def test_bad_department_cases(mutate, field, message):
    with pytest.raises(CaseError, match=message) as info:
        validate(_mutate(load(), mutate))
    assert info.value.field.startswith(field)


def test_cli_validate_exit_2_names_the_field(tmp_path):
    raw = load()
    raw["key_projects"]["projects"] = [
        {"name": "甲项目", "score": 120, "budget": 100},
    ]
    bad = tmp_path / "bad_department.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    proc = run_cli("validate", bad)
    assert proc.returncode == 2
    assert "key_projects.projects[0].score" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_case_template_validates(tmp_path):
    """``jixiao new department_overall`` gives a commented template that validates as it stands."""
    from methods import templates

    path = tmp_path / "new.yaml"
    path.write_text(templates.case_template("department_overall"), encoding="utf-8")
    case = casefile.validate(path)
    assert case.evaluation == "department_overall"


@pytest.fixture(scope="module")
def archived(demo_library):
    return demo_library / "2023" / "wujin_housing_department_2023"


@pytest.mark.notebook
def test_jixiao_run_archives_a_chinese_report(archived):
    res = json.loads((archived / "results.json").read_text(encoding="utf-8"))
    ev = scoring.evaluate(EXAMPLE)
    assert res["total_score"] == ev.total == 91.6
    assert (res["grade_by_score"], res["grade"]) == ("优", "良")  # 一般安全责任事故: one grade down
    assert res["level1"] == {k: float(v) for k, v in ev.level1.items()}
    assert res["key_projects"]["average"] == 86.77
    html = (archived / "report.html").read_text(encoding="utf-8")
    for heading in (*dept.HEADINGS, "（七）重点项目绩效情况", "（一）主要经验及做法"):
        assert heading in html
    assert "Traceback" not in html and "data:image/png;base64," in html
    # the key project's case file is archived with the department case
    params = archived / "parameters.yaml"
    assert params.read_bytes() == EXAMPLE.read_bytes()


@pytest.mark.notebook
def test_plain_papermill_gives_the_same_scores(archived, tmp_path):
    plain = plain_papermill(EXAMPLE, tmp_path)
    res = json.loads((archived / "results.json").read_text(encoding="utf-8"))
    assert plain["total_score"] == res["total_score"]
    assert [(i["code"], i["score"]) for i in plain["indicators"]] == [
        (i["code"], i["score"]) for i in res["indicators"]
    ]
    assert plain["key_projects"] == res["key_projects"]


def test_report_outline_is_made_of_document_blocks():
    from methods.report.document import Callout, Figure, Section, Table, plain_text, walk

    result = dept.analyse(casefile.load_case(EXAMPLE))
    doc = dept.outline(result)
    titles = [s.title for s in doc.sections]
    assert titles == [build.__doc__.strip() for build in dept.OUTLINE]
    assert titles[3] == "四、绩效评价指标分析"
    sub = [b for b in doc.sections[0].blocks if isinstance(b, Section)]
    assert [s.title for s in sub] == ["（一）部门概况", "（二）部门整体绩效目标"]
    budget = next(b for b in sub[0].blocks if isinstance(b, Table) and b.note is not None)
    assert budget.note.text.startswith("说明：全年预算数含年中追加")
    card = next(b for b in walk(doc.sections[2]) if isinstance(b, Callout))
    assert (card.total, card.grade) == ("91.6", "良")
    key_section = doc.sections[3].blocks[-1]
    assert key_section.title == "（七）重点项目绩效情况"
    key = next(b for b in key_section.blocks if isinstance(b, Table))
    assert [c.text for c in key.rows[-1]][0] == "平均得分（按项目资金加权平均）"
    assert key.rows[-1][5].text == "86.77"
    assert "作为指标“部门重点项目绩效评价平均得分”（LZ4）的实际值" in plain_text(key_section)
    figures = [b for b in walk(doc) if isinstance(b, Figure)]
    assert len(figures) == 3 and all(f.caption and f.alt for f in figures)


# ---------------------------------------------------------------------------------------------
# 决算 breakdown (final_accounts): the identities of the 部门决算收支 tables (practice) and the
# 结转结余率 of 财预〔2013〕53号 (结转结余总额 ÷ 支出预算数, as the indicator library's GX-B-006)


def test_final_accounts_add_up_and_give_the_carryover_rate_by_hand():
    case = casefile.load_case(EXAMPLE)
    s = dept.final_accounts_summary(case)
    # 本年收入 50,280 + 1,800 = 52,080; 本年支出 基本 12,000 (9,860 + 2,140) + 项目 37,870 = 49,870
    assert (s.income, s.expenditure) == (52080, 49870)
    # 年末结转结余 4,380 + 52,080 − 49,870 = 6,590, as written
    assert s.carried_over == 6590 and not s.derived_carried_over
    # 结转结余率 (53号): 6,590 ÷ 全年预算数 52,300 = 12.6004% → 12.60
    assert (s.basis, s.rate, s.indicator) == ("budget", 12.6, "GX-B-006")
    ev = scoring.evaluate(EXAMPLE)
    row = ev.table.set_index("code").loc["GX-B-006"]
    # the indicator's actual is derived, not typed: 4 − 0.5 × (12.60 − 10) = 2.70
    assert row["actual"] == 12.6 and row["score"] == 2.7
    assert row["note"] == "老旧小区改造省级奖补资金 12 月下达，未能当年支出"  # the unit's own
    out = dept.results(dept.analyse(casefile.load_case(EXAMPLE)))["final_accounts"]
    assert out["expenditure"] == {
        "total": 49870,
        "basic": 12000,
        "personnel": 9860,
        "public": 2140,
        "project": 37870,
    }
    assert (
        out["carryover_rate"]["status"] == "unverified"
        and "53号" in out["carryover_rate"]["source"]
    )


def test_carryover_rate_basis_is_a_parameter():
    raw = load()
    raw["final_accounts"]["rate_basis"] = "available"
    ev = scoring.evaluate(validate(raw))
    row = ev.table.set_index("code").loc["GX-B-006"]
    # 6,590 ÷ (4,380 + 52,080) = 11.672% → 11.67; 4 − 0.5 × 1.67 = 3.165 → 3.17
    assert row["actual"] == 11.67 and row["score"] == 3.17


def test_carried_over_derived_when_left_out():
    raw = load()
    del raw["final_accounts"]["carried_over"]
    s = dept.final_accounts_summary(validate(raw))
    assert s.carried_over == 6590 and s.derived_carried_over and s.rate == 12.6


def test_typed_carryover_rate_must_agree_with_the_breakdown():
    raw = load()
    gx = next(i for i in raw["indicators"] if i.get("ref") == "GX-B-006")
    gx["actual"] = 12.6  # the same value typed: accepted
    assert validate(raw).indicators[5].actual == 12.6
    gx["actual"] = 8.0  # a value the 决算 does not give: refused, naming the indicator
    with pytest.raises(
        CaseError, match="结转结余率填写为 8%，与部门决算计算的 12.6%（年末结转结余"
    ) as info:
        validate(raw)
    assert info.value.field == "indicators[5]（GX-B-006）.actual"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"personnel": 9900}, "final_accounts.basic", "不等于人员经费 9,900.00 + 公用经费"),
        (
            {"project": 37000},
            "final_accounts.project",
            "与全年执行数 budget.spent 49,870.00 万元 不符",
        ),
        ({"carried_over": 6000}, "final_accounts.carried_over", "= 6,590.00 万元 不符"),
        (
            {"fiscal_income": 40000, "carried_over": None},
            "final_accounts.carried_in",
            "年末结转结余为负",
        ),
        ({"indicator": "NOPE"}, "final_accounts.indicator", "不在 indicators 中"),
        ({"fiscal_income": -1}, "final_accounts.fiscal_income", "0"),
    ],
)
def test_final_accounts_that_do_not_add_up_are_refused(change, field, message):
    raw = load()
    raw["final_accounts"].update(change)
    raw["final_accounts"] = {k: v for k, v in raw["final_accounts"].items() if v is not None}
    with pytest.raises(CaseError, match=re.escape(message)) as info:
        validate(raw)
    assert info.value.field == field
    assert "\n" not in info.value.message


def test_report_basic_section_has_the_final_accounts_table():
    from methods.report.document import Table, plain_text, walk

    section = dept.section_basic(dept.analyse(casefile.load_case(EXAMPLE)))
    tables = [b for b in walk(section) if isinstance(b, Table)]
    rows = {r[0].text.strip("　"): [c.text for c in r[1:]] for t in tables for r in t.rows}
    assert rows["基本支出"] == ["12,000.00", "24.06%"]  # 12,000 ÷ 49,870
    assert rows["其中：人员经费"] == ["9,860.00", "19.77%"]
    assert rows["其中：财政拨款收入"] == ["50,280.00", "96.54%"]  # 50,280 ÷ 52,080
    assert rows["项目支出"] == ["37,870.00", "75.94%"]
    assert rows["结转结余率"][0] == "12.6%"
    text = plain_text(section)
    assert "年末结转结余 6,590.00 万元，结转结余率 12.6%" in text
    assert "结转结余率 12.6% 作为指标“结转结余率”的实际值" in text
