"""Results application (结果应用): grade → next-year budget for discretionary project money
(优 优先保障, 良 据实合理保障, 中 按比例核减, 差 取消或暂停; the common local pattern
``grade_linkage_common``, status unverified: 武发〔2020〕48号 only asks that results be linked to
budgets), recommendations without amounts for the other budgets, 专项债券 by its own rule, one
scale for all grades, one line per project, rectification list, policy flags, and the report on
its customary outline (internals only in the 技术附件)."""

import pytest
import yaml

from methods import casefile, excel
from methods.errors import CaseError
from methods.evaltypes import results_application

from .conftest import EXAMPLES, fake_archive

LOST = [
    {
        "code": "C1",
        "name": "完成数量",
        "level1": "产出",
        "level2": "产出数量",
        "weight": 20,
        "score": 16,
        "lost": 4.0,
        "reason": "实际 80个，未达到目标 100个；扣 4 分",
    },
    {
        "code": "C2",
        "name": "资金使用合规性",
        "level1": "过程",
        "level2": "资金管理",
        "weight": 5,
        "score": 4.7,
        "lost": 0.3,
        "reason": "扣 0.3 分",
    },
    {
        "code": "C3",
        "name": "服务对象满意度",
        "level1": "效益",
        "level2": "满意度",
        "weight": 10,
        "score": 9,
        "lost": 1.0,
        "reason": "扣 1 分",
    },
]


@pytest.fixture
def library(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    fake_archive(lib, "p_good", "优秀项目", score=93, grade="优", budget={"allocated": 100.0})
    fake_archive(lib, "p_fair", "良好项目", score=85, grade="良", budget={"allocated": 200.0})
    fake_archive(
        lib, "p_mid", "中等项目", score=70, grade="中", budget={"allocated": 300.0}, indicators=LOST
    )
    fake_archive(
        lib,
        "p_bad",
        "较差政策",
        score=50,
        grade="差",
        object_type="policy",
        budget={"allocated": 50.0},
        indicators=LOST,
    )
    fake_archive(
        lib, "p_next", "下一年度项目", year=2024, score=95, grade="优", budget={"allocated": 999.0}
    )
    monkeypatch.setenv("JIXIAO_LIBRARY", str(lib))
    return lib


def case(**changes):
    raw = yaml.safe_load(
        (EXAMPLES / "wujin_results_application_2024.yaml").read_text(encoding="utf-8")
    )
    raw.update(
        select={"year": 2023},
        requests={"p_mid": 400},
        rectification={"status": {"p_mid": {1: "整改中"}}},
    )
    raw.update(changes)
    return casefile.validate_mapping(raw, base_dir=EXAMPLES)


def test_budget_recommendations_by_grade(library):
    app = results_application.analyse(case())
    rec = app.recommendations.set_index("case_id")
    assert list(app.recommendations["grade"]) == ["优", "良", "中", "差"]  # best first
    assert rec.loc["p_good", "recommended"] == 100 and rec.loc["p_good", "action"] == "优先保障"
    assert rec.loc["p_fair", "recommended"] == 200 and rec.loc["p_fair", "action"] == "据实合理保障"
    # 中: requested 400 (from the case file), cut by 10% → 360
    assert rec.loc["p_mid", "request"] == 400 and rec.loc["p_mid", "recommended"] == 360
    assert rec.loc["p_bad", "recommended"] == 0 and rec.loc["p_bad", "action"] == "取消或暂停"
    assert "p_next" not in rec.index  # a later year is never used
    assert app.to_dict()["total_recommended"] == 660


def test_cut_ratio_and_explicit_map(library):
    app = results_application.analyse(case(cut_ratio=0.25))
    assert app.recommendations.set_index("case_id").loc["p_mid", "recommended"] == 300
    custom = {
        "优": {"action": "增加 10%", "factor": 1.1},
        "良": {"action": "持平", "factor": 1},
        "中": {"action": "核减", "factor": "cut"},
        "差": {"action": "取消", "factor": 0},
    }
    app = results_application.analyse(case(grade_map=custom, cut_ratio=0.2))
    rec = app.recommendations.set_index("case_id")
    assert rec.loc["p_good", "recommended"] == 110 and rec.loc["p_mid", "recommended"] == 320


def test_rectification_list_and_policy_flags(library):
    app = results_application.analyse(case(overlaps=[["p_good", "p_fair"]]))
    rect = app.rectification
    mid = rect[rect["case_id"] == "p_mid"]
    assert list(mid["no"]) == [1, 2]  # C2 lost 0.3 < 0.5: not listed; largest loss first
    assert mid.iloc[0]["status"] == "整改中"
    # the problem is the fact without points or scoring rule; the archive had no findings
    assert mid.iloc[0]["problem"] == "完成数量：80个，未达到目标100个"
    assert mid.iloc[1]["problem"] == "服务对象满意度未得满分"
    assert mid.iloc[1]["status"] == "待整改" and mid.iloc[0]["unit"] == "测试局"
    assert "满意度" in mid.iloc[1]["measure"]  # advice matched by the indicator name
    flags = dict(zip(app.policies["case_id"], app.policies["flag"], strict=True))
    assert flags["p_bad"] == "清理退出" and flags["p_good、p_fair"] == "整合"
    # the rectification list reaches the 评分表 workbook as its own sheet
    import io

    import openpyxl

    wb = openpyxl.load_workbook(
        io.BytesIO(excel.scoresheet({"case_id": "x", "results_application": app.to_dict()}))
    )
    assert "整改清单" in wb.sheetnames and "预算安排建议" in wb.sheetnames


def test_bad_results_application_cases(library):
    with pytest.raises(CaseError, match="只使用以前年度"):
        case(select={"year": 2024})
    with pytest.raises(CaseError, match="未知的结果应用预设"):
        case(grade_map="nope")
    # a mistyped case id in requests, rectification.status or overlaps is refused, not silently
    # ignored: at validation when the library is at hand (issue 13, red team) …
    with pytest.raises(CaseError, match="案例 zzz 不在所选案例中") as info:
        case(overlaps=[["p_good", "zzz"]])
    assert info.value.field == "overlaps[0]"
    with pytest.raises(CaseError, match="案例 p_goood 不在所选案例中") as info:
        case(requests={"p_goood": 100})
    assert info.value.field == "requests.p_goood"
    with pytest.raises(CaseError, match="案例 zzz 不在所选案例中") as info:
        case(rectification={"status": {"zzz": {1: "已整改"}}})
    assert info.value.field == "rectification.status.zzz"
    # … and when the run reads the library (a batch validates before it archives the earlier
    # years, so it defers the check to the run)
    from methods.standards import library_checks_deferred

    with library_checks_deferred():
        typo = case(requests={"p_goood": 100})
    with pytest.raises(CaseError, match="案例 p_goood 不在所选案例中") as info:
        results_application.analyse(typo)
    assert info.value.field == ("requests", "p_goood")


def test_references_the_rule_would_ignore_are_refused(library):
    # a request for a case whose grade the rule does not map gets no recommendation: refused
    three = {
        g: {"action": a, "factor": 1} for g, a in (("优", "保障"), ("良", "保障"), ("中", "核减"))
    }
    with pytest.raises(CaseError, match="等级“差”不在结果应用口径中") as info:
        case(grade_map=three, requests={"p_bad": 10})
    assert info.value.field == "requests.p_bad"
    # p_mid has two rectification items (losses ≥ 0.5 points): there is no item 3
    with pytest.raises(CaseError, match="整改清单共 2 项，没有第 3 项") as info:
        case(rectification={"status": {"p_mid": {3: "已整改"}}})
    assert info.value.field == "rectification.status.p_mid[3]"


def test_validation_without_a_library_leaves_references_to_the_run(monkeypatch):
    monkeypatch.delenv("JIXIAO_LIBRARY", raising=False)
    assert case(requests={"p_goood": 100}).requests == {"p_goood": 100}


def test_needs_a_library(monkeypatch):
    monkeypatch.delenv("JIXIAO_LIBRARY", raising=False)
    with pytest.raises(CaseError, match="需要案例库"):
        results_application.analyse(case())


def test_rectification_takes_the_archived_findings(library, tmp_path):
    """With findings in the archived results.json, an indicator's problem is the fact its
    report wrote and its measure the suggestion that answers it, with the case's deadline in
    place of the placeholder."""
    import json

    folder = next(library.glob("2023/p_mid"))
    res = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    res["findings"] = {
        "problems": [
            {
                "theme": "progress",
                "kind": "loss",
                "heading": "部分年度目标未完成，完成数量未达到目标。",
                "facts": ["完成数量80个，未达到100个的目标，完成率80.00%"],
                "causes": [],
                "indicators": ["C1"],
            }
        ],
        "advice": [
            {
                "problem": 1,
                "title": "推进未完成任务",
                "text": "建议测试局于【待补充：整改期限】前完成并报区财政局。",
            }
        ],
    }
    (folder / "results.json").write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
    app = results_application.analyse(case(rectification={"deadline": "2024 年 6 月 30 日前"}))
    first = app.rectification[app.rectification["case_id"] == "p_mid"].iloc[0]
    assert first["problem"] == "完成数量80个，未达到100个的目标，完成率80.00%"
    assert first["measure"] == "推进未完成任务：建议测试局于2024年6月30日前完成并报区财政局。"


def test_report_outline_is_made_of_document_blocks(library):
    from methods.report.document import Figure, Paragraph, Table, plain_text, walk

    app = results_application.analyse(case(overlaps=[["p_good", "p_fair"]]))
    assert app.case.case_id == "wujin_results_application_2024"
    doc = results_application.outline(app)
    assert tuple(s.title for s in doc.sections) == results_application.HEADINGS
    basic = plain_text(doc.sections[0])
    assert "本次纳入2023年度已完成的各类评价结果4个，涉及1个部门（单位）。" in basic
    assert "“中”按比例核减（按申报数的90%安排）" in basic and "（待核实）" in basic
    summary = plain_text(doc.sections[1])
    assert "等级为“优”1个、“良”1个、“中”1个、“差”1个；平均得分74.50分" in summary
    rec = next(b for b in walk(doc.sections[2]) if isinstance(b, Table))
    assert [c.text for c in rec.rows[-1]] == ["小计", "", "", "", "", "750.00", "", "660.00"]
    assert rec.numeric == {2, 5, 6, 7}
    text = plain_text(doc.sections[2])
    assert "申报数小计750.00，建议安排660.00，核减90.00。" in text
    assert "等级为“差”的较差政策，建议取消或暂停下年度预算。" in text
    figures = [b for b in walk(doc) if isinstance(b, Figure)]
    assert len(figures) == 1 and figures[0].caption and figures[0].alt
    rect = next(b for b in doc.sections[3].blocks if isinstance(b, Table))
    assert [c.text for c in rect.header[0]][:3] == ["项目/政策", "序号", "问题"]
    # one project per run of rows (merged cell), then its items, in the order of the lines
    assert [(r[0].text, r[0].rowspan) for r in rect.rows if len(r) == 7] == [
        ("中等项目", 2),
        ("较差政策", 2),
    ]
    assert [r[-1].text for r in rect.rows] == ["整改中", "待整改", "待整改", "待整改"]
    flags = doc.sections[4].blocks[0]
    assert [[c.text for c in r] for r in flags.rows] == [
        ["较差政策", "差", "清理退出", "评价等级为“差”"],
        ["优秀项目、良好项目", "—", "整合", "政策目标或支持对象交叉重复"],
    ]
    # case ids, presets and file names only in the 技术附件
    body = "".join(plain_text(s) for s in doc.sections[:-1])
    for internal in (
        "p_mid",
        "grade_linkage_common",
        "wujin_results_application_2024",
        "rules.md",
        "local",
    ):
        assert internal not in body
    annex = plain_text(doc.sections[-1])
    assert "p_mid" in annex and "grade_linkage_common" in annex
    # nothing selected: sentences instead of tables and no chart
    empty = results_application.analyse(case(select={"year": 2022}, requests={}, rectification={}))
    doc = results_application.outline(empty)
    assert not any(isinstance(b, Table | Figure) for b in walk(doc.sections[:-1]))
    assert all(isinstance(b, Paragraph) for b in doc.sections[2].blocks)
    assert results_application.results(empty)["results_application"]["cases"] == 0


SUMMARY = (
    "为使不同口径的评价结果可以比较，各评价结果按统一口径（财政部口径90/80/60：优 ≥ 90，良 ≥ 80，"
    "中 ≥ 60，差 < 60，法规）由存档总分重新定级，存档时记录的等级限定再次适用（实务做法）。"
    "纳入应用的4个评价结果中，等级为“优”1个、“良”1个、“中”1个、“差”1个；平均得分74.50分，"
    "最高为优秀项目（93.00分），最低为较差政策（50.00分）。"
)


def test_summary_golden_text(library):
    """评价结果汇总 paragraph, word for word (computed in-process)."""
    from methods.report.document import Paragraph

    app = results_application.analyse(case())
    first = results_application.section_summary(app).blocks[0]
    assert isinstance(first, Paragraph) and first.text == SUMMARY


# ---------------------------------------------------------------------------------------------
# By budget type, one scale, one project one line, the renamed preset


def _set_index(lib, case_id, **columns):
    """Change index columns of a fake archive (budget_type, project_id …) and its results.json."""
    import json
    import sqlite3

    with sqlite3.connect(lib / "index.sqlite") as con:
        for key, value in columns.items():
            con.execute(f"UPDATE cases SET {key} = ? WHERE case_id = ?", (value, case_id))
    path = next(lib.glob(f"*/{case_id}/results.json"))
    res = json.loads(path.read_text(encoding="utf-8"))
    res.update({k: v for k, v in columns.items() if k in ("budget_type", "object_type")})
    path.write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")


def _patch_results(lib, case_id, **changes):
    import json

    path = next(lib.glob(f"*/{case_id}/results.json"))
    res = json.loads(path.read_text(encoding="utf-8"))
    res.update(changes)
    path.write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")


def _set_report_date(lib, case_id, date):
    path = next(lib.glob(f"*/{case_id}/parameters.yaml"))
    path.write_text(
        yaml.safe_dump({"case_id": case_id, "work": {"date": date}}, allow_unicode=True),
        encoding="utf-8",
    )


@pytest.fixture
def budgets(tmp_path, monkeypatch):
    """One case of each budget treatment, all graded 中 (70 points) so a percentage would show."""
    lib = tmp_path / "lib"
    kinds = {
        "g_project": ("一般项目", "general_public", "project"),
        "g_pension": ("养老保险基金预算", "social_insurance", "project"),
        "g_land": ("土地出让收入预算", "government_fund", "project"),
        "g_soe": ("国有资本经营预算", "state_capital", "project"),
        "g_fund": ("产业引导基金", "general_public", "investment_fund"),
        "g_ppp": ("污水处理 PPP", "general_public", "ppp"),
        "g_bond": ("标准厂房（专项债券）", "government_fund", "debt"),
    }
    for cid, (title, budget_type, object_type) in kinds.items():
        fake_archive(
            lib,
            cid,
            title,
            score=70,
            grade="中",
            object_type=object_type,
            budget={"allocated": 1000.0},
        )
        _set_index(lib, cid, budget_type=budget_type)
    monkeypatch.setenv("JIXIAO_LIBRARY", str(lib))
    return lib


def test_only_discretionary_project_money_gets_an_amount(budgets):
    """A grade cuts discretionary project money only: 社会保险基金, 政府性基金 revenue, 国有资本
    经营, fund-level and PPP cases get recommendations without an amount, never summed; a 专项
    债券 is not cut once issued (methods/_data/results_application.yaml, treatments)."""
    app = results_application.analyse(case(requests={}, rectification={}))
    rec = app.recommendations.set_index("case_id")
    assert rec.loc["g_project", "mode"] == "amount"
    # 中 → 1000 × (1 − 10 %) = 900: the one line with an amount
    assert rec.loc["g_project", "recommended"] == 900
    modes = rec["mode"].to_dict()
    assert {k: v for k, v in modes.items() if k != "g_project"} == {
        "g_pension": "advice",
        "g_land": "advice",
        "g_soe": "advice",
        "g_fund": "advice",
        "g_ppp": "advice",
        "g_bond": "bond",
    }
    others = rec.drop(index="g_project")
    assert others["recommended"].isna().all() and others["request"].isna().all()
    assert "已发行债券不予核减" in rec.loc["g_bond", "advice"]
    assert "收支政策" in rec.loc["g_pension", "advice"]
    assert rec.loc["g_ppp", "action"] == "按合同约定绩效付费"
    out = app.to_dict()
    assert out["total_request"] == 1000 and out["total_recommended"] == 900
    subtotals = {r["group"]: r for r in out["subtotals"]}
    assert subtotals["general_project"]["recommended"] == 900
    assert subtotals["social_insurance"]["recommended"] is None
    # the report: amounts first, then bonds, then the recommendations; a subtotal per amount group
    from methods.report.document import Section, plain_text

    parts = [b for b in results_application.section_recommendations(app).blocks]
    titles = [p.title for p in parts if isinstance(p, Section)]
    assert titles[:2] == ["（一）一般公共预算项目支出", "（二）专项债券项目"]
    text = plain_text(results_application.section_recommendations(app))
    assert "不计入金额合计" in text and "小计" in text
    # a request for a budget that gets no amount would be ignored: refused
    with pytest.raises(CaseError, match="属于社会保险基金预算.*不测算金额") as info:
        case(requests={"g_pension": 100}, rectification={})
    assert info.value.field == "requests.g_pension"


def test_treatment_rules_by_budget_and_object():
    t = results_application.treatment
    assert t("general_public", "project")["mode"] == "amount"
    assert t("general_public", "policy")["mode"] == "amount"
    assert t("government_fund", "debt")["key"] == "special_bond"
    assert t("general_public", "debt")["key"] == "special_bond"
    assert t("government_fund", "project")["key"] == "government_fund"
    assert t("general_public", "department")["mode"] == "advice"
    data = results_application.presets()
    for entry in data["treatments"]:  # every treatment cites its basis and status
        assert entry["source"] and entry["status"] in ("reg", "local", "practice", "unverified")
    bond = next(e for e in data["treatments"] if e["key"] == "special_bond")
    assert bond["status"] == "unverified"  # no document checked for the bond rule


def test_every_case_is_graded_again_on_one_scale(tmp_path, monkeypatch):
    """财预〔2020〕10号 bands (优 ≥ 90, 良 ≥ 80, 中 ≥ 60): 85.56 is 良 whatever the archived
    report said under 80/70/60 (优); 89.995 rounds to 90.00, 优. A PART grade has another
    framework's score and is left out, not re-graded."""
    lib = tmp_path / "lib"
    fake_archive(
        lib, "c_local", "地方口径项目", score=85.56, grade="优", budget={"allocated": 10.0}
    )
    _patch_results(
        lib,
        "c_local",
        grade_bands={"name": "local_80", "bands": {"优": 80, "良": 70, "中": 60, "差": 0}},
    )
    fake_archive(lib, "c_edge", "边界项目", score=89.995, grade="良", budget={"allocated": 10.0})
    fake_archive(lib, "c_part", "PART 试评", score=79.8, grade="较有效", budget={"allocated": 10.0})
    _patch_results(
        lib,
        "c_part",
        grade_bands={
            "name": "part_2005",
            "bands": {"有效": 85, "较有效": 70, "尚可": 50, "无效": 0},
        },
    )
    monkeypatch.setenv("JIXIAO_LIBRARY", str(lib))
    app = results_application.analyse(case(requests={}, rectification={}))
    rec = app.recommendations.set_index("case_id")
    assert rec.loc["c_local", "archived_grade"] == "优" and rec.loc["c_local", "grade"] == "良"
    assert rec.loc["c_local", "action"] == "据实合理保障"
    assert rec.loc["c_edge", "grade"] == "优"
    assert "c_part" not in rec.index and "另一评级体系" in app.skipped[0]
    summary = results_application.section_summary(app)
    from methods.report.document import plain_text

    text = plain_text(summary)
    assert "地方口径项目原报告按地方口径80/70/60评为“优”，按统一口径为“良”" in text
    assert "原报告等级" in text and "统一口径等级" in text
    # the scale is a named parameter: on 80/70/60 the archived 优 stands
    app = results_application.analyse(case(requests={}, rectification={}, grade_scale="local_80"))
    assert app.recommendations.set_index("case_id").loc["c_local", "grade"] == "优"
    with pytest.raises(CaseError, match="未知的等级预设") as info:
        case(requests={}, rectification={}, grade_scale="mof_2030")
    assert info.value.field == "grade_scale"


def test_archived_grade_limits_apply_again():
    """A cap recorded in the archive (以拨代支 不得为优, grade_limits.yaml common_local) holds on
    the one scale; lowering moves one grade down; a veto gives 差."""
    labels = ["优", "良", "中", "差"]
    cap = {"rule": "存在以拨代支问题的，评价等级不得为“优”", "before": "优", "after": "良"}
    lower = {"rule": "发生一般安全责任事故的，评价等级降低一档", "before": "良", "after": "中"}
    veto = {"rule": "提供虚假资料、数据造假的，评价等级为“差”", "before": "优", "after": "差"}
    assert results_application.apply_limits("优", [cap], labels)[0] == "良"
    assert results_application.apply_limits("中", [cap], labels) == ("中", [])  # never raises
    assert results_application.apply_limits("优", [cap, lower], labels)[0] == "中"
    assert results_application.apply_limits("良", [veto], labels)[0] == "差"
    # a clause no longer in the data caps at the grade it gave
    gone = {"rule": "已删除的条款", "before": "优", "after": "中"}
    assert results_application.apply_limits("优", [gone], labels)[0] == "中"


def test_one_project_one_line(tmp_path, monkeypatch):
    """Cases of the same project (project_id and 主管部门) keep only the latest evaluation: the
    later report date; the superseded case is named in a note and refused where referred to."""
    lib = tmp_path / "lib"
    for cid, title, score in (
        ("bus_a", "公交补贴", 92.82),
        ("bus_b", "公交补贴（含满意度）", 92.10),
    ):
        fake_archive(lib, cid, title, score=score, grade="优", budget={"allocated": 10200.0})
        _set_index(lib, cid, project_id="bus")
    _set_report_date(lib, "bus_a", "2024 年 2 月 20 日")
    _set_report_date(lib, "bus_b", "2024-04-10")
    # the same project code under another department is another project
    fake_archive(
        lib,
        "bus_c",
        "公交补贴（镇级）",
        score=90,
        grade="优",
        department="某镇",
        budget={"allocated": 500.0},
    )
    _set_index(lib, "bus_c", project_id="bus")
    monkeypatch.setenv("JIXIAO_LIBRARY", str(lib))
    app = results_application.analyse(case(requests={}, rectification={}))
    assert sorted(app.recommendations["case_id"]) == ["bus_b", "bus_c"]
    assert app.to_dict()["total_recommended"] == 10700  # 10200 counted once
    (note,) = app.superseded
    assert note["case_id"] == "bus_a" and note["by"] == "bus_b" and note["reason"] == "报告日期较晚"
    from methods.report.document import plain_text

    other = plain_text(results_application.section_other(app))
    assert "公交补贴（2023年度）与公交补贴（含满意度）为同一项目，后者报告日期较晚" in other
    with pytest.raises(CaseError, match="案例 bus_a 已被同一项目的评价结果") as info:
        case(requests={"bus_a": 100}, rectification={})
    assert info.value.field == "requests.bus_a"
    # without report dates a 财政重点评价 stands before the same year's 自评
    _set_report_date(lib, "bus_a", None)
    _set_report_date(lib, "bus_b", None)
    _set_index(lib, "bus_b", evaluation="self_evaluation")
    app = results_application.analyse(case(requests={}, rectification={}))
    assert app.superseded[0]["case_id"] == "bus_b"
    assert app.superseded[0]["reason"] == "财政重点评价优先于单位自评"


def test_old_preset_name_is_accepted_with_a_warning(library):
    name, warning = results_application.preset_name("wujin_2020")
    assert name == "grade_linkage_common"
    assert "grade_linkage_common" in warning and "并非武进区的规定" in warning
    old = case(grade_map="wujin_2020")
    app = results_application.analyse(old)
    assert app.warnings == (warning,)
    assert results_application.results(app)["warnings"] == [warning]
    assert app.to_dict()["total_recommended"] == 660  # same map as the new name
    assert "wujin_2020" not in results_application.presets()["presets"]


def test_chart_caption_says_log_scale_when_the_axis_is(budgets):
    import pandas as pd

    from methods.evaltypes.results_application import Application, chart_text

    def app(amounts):
        df = pd.DataFrame(
            {
                "title": [f"项目{i}" for i in range(len(amounts))],
                "request": [float(a) for a in amounts],
                "recommended": [float(a) for a in amounts],
            }
        )
        return Application(df, pd.DataFrame(), pd.DataFrame(), "示例口径", len(df))

    caption, alt = chart_text(app([2_480_000, 10_200, 1_180]))
    assert "对数刻度" in caption and "对数刻度" in alt
    caption, alt = chart_text(app([10_200, 4_200, 1_180]))
    assert "对数" not in caption and "对数" not in alt


@pytest.mark.notebook
def test_example_decisions(demo_library):
    """The Wujin example (2023 evaluations → 2024): the de-duplicated 城乡公交运营补贴 line, the
    re-graded grades, which lines get amounts and which recommendations, the new total."""
    import json

    res = json.loads(
        (demo_library / "2024/wujin_results_application_2024/results.json").read_text("utf-8")
    )["results_application"]
    rec = {r["case_id"]: r for r in res["recommendations"]}
    assert "wujin_bus_subsidy_2023" not in rec and "wujin_bus_subsidy_survey_2023" in rec
    assert res["superseded"][0]["case_id"] == "wujin_bus_subsidy_2023"
    # 85.79 was 优 under local_80; on the MOF bands it is 良
    old = rec["wujin_old_community_renovation_2023"]
    assert (old["archived_grade"], old["grade"]) == ("优", "良")
    sewage = rec["wujin_rural_sewage_2023"]  # 94.12: 优 by score, 以拨代支 caps it at 良
    assert (sewage["grade_by_score"], sewage["grade"]) == ("优", "良")
    amounts = {cid for cid, r in rec.items() if r["mode"] == "amount"}
    assert amounts == {
        "wujin_bus_subsidy_survey_2023",
        "wujin_farmland_2023",
        "wujin_govt_procurement_2023",
        "wujin_student_nutrition_2023",
        "wujin_old_community_renovation_2023",
        "wujin_purchased_service_2023",
        "wujin_rural_sewage_2023",
    }
    for cid in (
        "wujin_resident_pension_fund_2023",
        "wujin_land_fund_budget_2023",
        "wujin_state_capital_budget_2023",
        "wujin_investment_fund_2023",
        "wujin_sewage_ppp_2023",
    ):
        assert rec[cid]["mode"] == "advice" and rec[cid]["recommended"] is None
    assert rec["wujin_special_bond_2023"]["mode"] == "bond"
    # 10200 + 7800 + 4200 + 1180 + 18000 + 1860 + 4200, all 优/良 (no cut)
    assert res["total_recommended"] == res["total_request"] == 47440
