"""The year's 预算绩效管理工作情况报告 from the case library (``jixiao library report YEAR``).

A hand-built library of 2023 whose figures are worked out by hand below. Grades on one scale:
财预〔2020〕10号 90/80/60 (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 < 60), with the archived grade limits of
methods/_data/grade_limits.yaml applied again (存在以拨代支问题的，评价等级不得为“优”: a cap at 良).

Cases (万元, 全年预算数):

=====  ==================  ============  ==========  ======  =====  ===========================
case   type                budget        object      score   scale  money
=====  ==================  ============  ==========  ======  =====  ===========================
A      project_evaluation  一般公共预算  project     92.00   10号   1,000 (以拨代支 → cap 良)
B      self_evaluation     一般公共预算  policy      85.56   80/70  500 (原“优” under local_80)
C      project_evaluation  政府性基金    project     75.00   10号   2 亿元 = 20,000
D      department_overall  一般公共预算  department  88.00   10号   3,000 (部门整体: 单列)
E      monitoring          一般公共预算  project     —       —      coverage only
F      project_evaluation  一般公共预算  policy      79.80   PART   1,500 (not comparable)
G      self_evaluation     一般公共预算  project     95.00   10号   same project as A: once
=====  ==================  ============  ==========  ======  =====  ===========================

By hand: stages 绩效运行监控 1 (E), 绩效评价 6 (A B C D F G); graded after one line per project:
A B C D F = 5; project and policy money A + B + C + F = 1,000 + 500 + 20,000 + 1,500 = 23,000, D's
3,000 shown apart. 一般公共预算: 6 cases, 4 graded (A B D F), 3,000 + 3,000 apart; 政府性基金: 1,
1, 20,000. Grades: A 92 → 优 → cap 良; B 85.56 → 良; C 75 → 中; D 88 → 良; F left out (PART): 良 3
(75 %), 中 1 (25 %); money 良 1,500 (+ D 3,000 apart), 中 20,000. Problems: A progress +
compliance, B progress, C budgeting, D safety → 5 problems in 4 cases; 进度与目标完成 2 problems in
2 cases; serious 2 (A's 以拨代支, D's accident). The 2024 results application: A 优先保障 1,000,
C 按比例核减 20,000 → 18,000; 整改 A-1 已整改 (recorded), A-2 and C-1 待整改 (not recorded).
"""

from __future__ import annotations

import json

import pytest

from methods import annual_report as ar
from methods.library import Library
from tests.conftest import fake_archive, run_cli

MOF = {"name": "mof_2020", "bands": {"优": 90.0, "良": 80.0, "中": 60.0, "差": 0.0}}
LOCAL80 = {"name": "local_80", "bands": {"优": 80.0, "良": 70.0, "中": 60.0, "差": 0.0}}
PART = {"name": "part_2005", "bands": {"有效": 85.0, "较有效": 70.0, "尚可": 50.0, "无效": 0.0}}


def _problem(theme, kind, heading):
    return {"theme": theme, "kind": kind, "heading": heading, "facts": [], "causes": []}


def _budget(allocated, unit="万元"):
    return {"planned": allocated, "allocated": allocated, "spent": allocated, "unit": unit}


CAP = {
    "category": "以拨代支",
    "found": "以拨代支",
    "rule": "存在以拨代支问题的，评价等级不得为“优”",
    "before": "优",
    "after": "良",
}


@pytest.fixture
def annual_lib(tmp_path):
    root = tmp_path / "lib"
    fake_archive(
        root, "a_sewage_2023", "甲项目", score=92.0, grade="良", department="区住建局",
        budget=_budget(1000),
        extra={
            "grade_bands": MOF,
            "grade_limits": [CAP],
            "findings": {"problems": [
                _problem("compliance", "compliance", "资金使用不规范，存在以拨代支情况。"),
                _problem("progress", "loss", "部分年度目标未完成，甲产出未达到目标。"),
            ]},
        },
    )  # fmt: skip
    fake_archive(
        root, "b_bus_2023", "乙政策", score=85.56, grade="优", evaluation="self_evaluation",
        object_type="policy", department="区交通局", budget=_budget(500),
        extra={"grade_bands": LOCAL80, "findings": {"problems": [
            _problem("progress", "loss", "部分年度目标未完成，乙产出未达到目标。")]}},
    )  # fmt: skip
    fake_archive(
        root, "c_land_2023", "丙基金", score=75.0, grade="中", budget_type="government_fund",
        department="区资规局", budget=_budget(2, "亿元"),
        extra={"grade_bands": MOF, "findings": {"problems": [
            _problem("budgeting", "loss", "资金分配与预算管理不够精细。")]}},
    )  # fmt: skip
    fake_archive(
        root, "d_housing_2023", "区住建局部门整体", score=88.0, grade="良",
        evaluation="department_overall", object_type="department", department="区住建局",
        budget=_budget(3000),
        extra={"grade_bands": MOF, "findings": {"problems": [
            _problem("safety", "safety", "发生一般建筑施工安全事故1起。")]}},
    )  # fmt: skip
    fake_archive(
        root, "e_monitor_2023", "丁项目监控", score=None, grade=None, evaluation="monitoring",
        department="区农业农村局", budget=_budget(800),
    )  # fmt: skip
    fake_archive(
        root, "f_part_2023", "戊政策（PART）", score=79.8, grade="较有效", object_type="policy",
        department="区人社局", budget=_budget(1500), extra={"grade_bands": PART},
    )  # fmt: skip
    fake_archive(
        root, "g_sewage_self_2023", "甲项目（自评）", score=95.0, grade="优",
        evaluation="self_evaluation", department="区住建局", project_id="a_sewage_2023",
        budget=_budget(1000),
        extra={"grade_bands": MOF, "findings": {"problems": [
            _problem("progress", "loss", "部分年度目标未完成。")]}},
    )  # fmt: skip
    recs = [
        {"case_id": "a_sewage_2023", "year": 2023, "action": "优先保障", "request": 1000.0,
         "recommended": 1000.0},
        {"case_id": "c_land_2023", "year": 2023, "action": "按比例核减", "request": 20000.0,
         "recommended": 18000.0},
        {"case_id": "old_2022", "year": 2022, "action": "优先保障", "request": 70.0,
         "recommended": 70.0},
    ]  # fmt: skip
    rect = [
        {"case_id": "a_sewage_2023", "no": 1, "problem": "以拨代支", "status": "已整改"},
        {"case_id": "a_sewage_2023", "no": 2, "problem": "甲产出", "status": "待整改"},
        {"case_id": "c_land_2023", "no": 1, "problem": "预算", "status": "待整改"},
        {"case_id": "old_2022", "no": 1, "problem": "旧", "status": "待整改"},
    ]
    fake_archive(
        root, "ra_2024", "2024年度评价结果应用", year=2024, score=None, grade=None,
        evaluation="results_application", department="区财政局",
        extra={"results_application": {"recommendations": recs, "rectification": rect,
                                       "policies": []}},
        parameters={"rectification": {"status": {"a_sewage_2023": {1: "已整改"}}}},
    )  # fmt: skip
    return root


def test_coverage_worked_by_hand(annual_lib):
    cases = ar.year_cases(Library(annual_lib), 2023)
    stages = ar.coverage(cases, "stage").set_index("stage")
    assert list(stages.index) == [
        "事前绩效评估",
        "绩效目标管理",
        "绩效运行监控",
        "绩效评价",
        "结果应用",
    ]
    assert stages["cases"].tolist() == [0, 0, 1, 6, 0]
    assert stages.loc["绩效评价", "evaluated"] == 5  # G is A's project again
    assert stages.loc["绩效评价", "amount"] == pytest.approx(23000.0)
    assert stages.loc["绩效评价", "separate"] == pytest.approx(3000.0)
    assert stages.loc["绩效运行监控", "amount"] == 0  # monitoring: coverage only
    budgets = ar.coverage(cases, "budget_type").set_index("budget_type")
    assert budgets.loc["一般公共预算", ["cases", "evaluated"]].tolist() == [6, 4]
    assert budgets.loc["一般公共预算", "amount"] == pytest.approx(3000.0)
    assert budgets.loc["政府性基金预算", "amount"] == pytest.approx(20000.0)  # 2 亿元
    assert budgets.loc["社会保险基金预算", "cases"] == 0
    depts = ar.coverage(cases, "department")
    assert depts.iloc[0]["department"] == "区住建局" and depts.iloc[0]["cases"] == 3
    g = cases.set_index("case_id").loc["g_sewage_self_2023"]
    assert not g["graded"] and "甲项目" in g["reason"]


def test_grades_on_one_scale_worked_by_hand(annual_lib):
    cases = ar.year_cases(Library(annual_lib), 2023)
    graded = ar.regrade(cases).set_index("case_id")
    assert graded.loc["a_sewage_2023", "by_score"] == "优"
    assert graded.loc["a_sewage_2023", "unified"] == "良"  # 以拨代支 cap applied again
    assert graded.loc["b_bus_2023", "unified"] == "良"  # 85.56: 优 under 80/70, 良 under 10号
    assert graded.loc["c_land_2023", "unified"] == "中"
    assert not graded.loc["f_part_2023", "comparable"]
    table = ar.grade_table(ar.regrade(cases)).set_index("grade")
    assert table["cases"].tolist() == [0, 3, 1, 0]
    assert table.loc["良", "share"] == pytest.approx(75.0)
    assert table.loc["良", "amount"] == pytest.approx(1500.0)
    assert table.loc["良", "separate"] == pytest.approx(3000.0)
    assert table.loc["中", "amount"] == pytest.approx(20000.0)


def test_lowering_limit_moves_down_one_grade(tmp_path):
    """发生一般安全责任事故的，评价等级降低一档 (grade_limits.yaml): 91.6 优 → 良."""
    lower = {"category": "安全责任事故", "rule": "发生一般安全责任事故的，评价等级降低一档",
             "before": "优", "after": "良"}  # fmt: skip
    root = tmp_path / "lib"
    fake_archive(root, "x_2023", "部门", score=91.6, grade="良", budget=_budget(10),
                 extra={"grade_bands": MOF, "grade_limits": [lower]})  # fmt: skip
    fake_archive(root, "y_2023", "项目", score=81.0, grade="中", budget=_budget(10),
                 extra={"grade_bands": MOF, "grade_limits": [lower]})  # fmt: skip
    graded = ar.regrade(ar.year_cases(Library(root), 2023)).set_index("case_id")
    assert graded["unified"].to_dict() == {"x_2023": "良", "y_2023": "中"}


def test_problems_worked_by_hand(annual_lib):
    cases = ar.year_cases(Library(annual_lib), 2023)
    probs = ar.problem_frame(cases)
    assert len(probs) == 5 and probs["case_id"].nunique() == 4  # G (duplicate) not counted
    assert int(probs["serious"].sum()) == 2
    themes = ar.problem_summary(probs).set_index("theme_title")
    assert themes.loc["进度与目标完成", ["problems", "cases"]].tolist() == [2, 2]
    assert themes.loc["资金使用合规", "serious"] == 1
    assert themes.index[0] == "进度与目标完成"
    assert themes.loc["进度与目标完成", "examples"] == "甲项目、乙政策"


def test_application_and_rectification(annual_lib):
    lib = Library(annual_lib)
    cases = ar.year_cases(lib, 2023)
    app = ar.application(lib, 2023, cases)
    assert app.case["case_id"] == "ra_2024"
    acts = app.actions.set_index("action")
    assert acts["cases"].sum() == 2  # the 2022 case is not the year's
    assert acts.loc["按比例核减", "recommended"] == pytest.approx(18000.0)
    assert len(app.rectification) == 3
    assert app.rectification["recorded"].tolist() == [True, False, False]
    assert ar._status_counts(app.rectification) == {
        "已整改": 1,
        "整改中": 0,
        "待整改": 2,
        "未记录": 2,
    }


def test_without_results_application_says_so(tmp_path, annual_lib):
    root = tmp_path / "alone"
    fake_archive(root, "x_2023", "项目", score=91.0, grade="优", budget=_budget(10))
    text = _text(ar.build(Library(root), 2023).document)
    assert "案例库中没有2024年度或2023年度的评价结果应用案例" in text
    assert "尚未形成结果应用案例" in text  # 五、下一步工作 follows from it
    text = _text(ar.build(Library(annual_lib), 2023).document)
    assert "整改进展未在结果应用案例中记录" in text
    assert "根据2024年度的评价结果应用" in text


def _text(doc):
    from methods.report.document import plain_text

    return plain_text(doc)


def test_cli_writes_report_and_catalogue_links_it(annual_lib):
    proc = run_cli("library", "report", "2023", "--library", annual_lib)
    assert proc.returncode == 0, proc.stderr
    folder = annual_lib / "reports" / "2023"
    assert sorted(p.name for p in folder.iterdir()) == sorted(ar.FILES)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["money_covered"] == 23000.0 and summary["money_separate"] == 3000.0
    assert [g["cases"] for g in summary["grades"]] == [0, 3, 1, 0]
    assert summary["application"]["rectification"]["未记录"] == 2
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "2023年度预算绩效管理工作情况报告" in html and "@font-face" in html
    assert 'href="reports/2023/report.html"' in (annual_lib / "index.html").read_text("utf-8")
    assert not list((annual_lib / "reports").glob(".*"))  # no staging left
    # nothing written inside an archived case
    assert not (annual_lib / "2023" / "a_sewage_2023" / "reports").exists()


def test_docx_opens_with_the_headings(annual_lib, tmp_path):
    import docx

    out = tmp_path / "out"
    proc = run_cli("library", "report", "2023", "--library", annual_lib, "-o", out)
    assert proc.returncode == 0, proc.stderr
    document = docx.Document(str(out / "report.docx"))
    texts = [p.text for p in document.paragraphs]
    for heading in ("一、总体情况", "二、评价结果", "三、发现的主要问题", "四、结果应用和整改情况",
                    "五、下一步工作"):  # fmt: skip
        assert heading in texts
    assert document.inline_shapes  # the charts


@pytest.mark.parametrize("year", ["2030", "2021"])
def test_unknown_year_is_one_line_exit_2(annual_lib, year):
    proc = run_cli("library", "report", year, "--library", annual_lib)
    assert proc.returncode == 2
    assert f"没有 {year} 年度的存档案例" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2
    assert not (annual_lib / "reports" / year).exists()


def test_output_inside_an_archived_case_is_refused(annual_lib):
    proc = run_cli(
        "library", "report", "2023", "--library", annual_lib, "-o",
        annual_lib / "2023" / "a_sewage_2023" / "annual",
    )  # fmt: skip
    assert proc.returncode == 2 and "存档案例" in proc.stderr
    assert not (annual_lib / "2023" / "a_sewage_2023" / "annual").exists()


def test_failure_leaves_no_folder_and_keeps_the_previous_report(annual_lib, monkeypatch):
    lib = Library(annual_lib)
    folder = ar.default_folder(lib, 2023)

    def broken(document):
        raise RuntimeError("渲染失败")

    monkeypatch.setattr("methods.report.docx.render_docx", broken)
    with pytest.raises(RuntimeError):
        ar.write(lib, 2023)
    assert not folder.exists()
    assert not (annual_lib / "reports").exists() or not list((annual_lib / "reports").iterdir())
    monkeypatch.undo()
    ar.write(lib, 2023)
    before = (folder / "summary.json").read_bytes()

    real = ar._replace

    def fail_midway(target, files):
        real(target, {**files, "report.docx": None})  # writing None fails after the first file

    monkeypatch.setattr(ar, "_replace", fail_midway)
    with pytest.raises(TypeError):
        ar.write(lib, 2023)
    assert (folder / "summary.json").read_bytes() == before  # the previous report stands
    assert sorted(p.name for p in (annual_lib / "reports").iterdir()) == ["2023"]


@pytest.mark.notebook
def test_demo_library_2023_matches_the_goldens(demo_library, tmp_path):
    """The examples' main year: every 2023 example counted, scores as in the goldens, money =
    the 全年预算数 of the graded project and policy examples (the two bus-subsidy cases are one
    project: once)."""
    from tests.conftest import ROOT

    goldens = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "tests" / "golden" / "results").glob("2023__*.json"))
    ]
    report = ar.build(Library(demo_library), 2023)
    summary = report.summary()
    assert summary["cases"] == len(goldens)
    graded_types = {k for k, v in ar.rules()["types"].items() if v["graded"]}
    scores = {g["case_id"]: g["total_score"] for g in goldens if g["evaluation"] in graded_types}
    assert {g["case_id"]: g["total_score"] for g in summary["graded"]} == {
        k: v for k, v in scores.items() if k != "wujin_bus_subsidy_survey_2023"
    }
    money = sum(
        g["budget"]["allocated"]
        for g in goldens
        if g["evaluation"] in graded_types
        and g["object_type"] not in ("department", "government")
        and g["case_id"] != "wujin_bus_subsidy_survey_2023"
    )
    assert summary["money_covered"] == pytest.approx(money)
    by_grade = {g["grade"]: g["cases"] for g in summary["grades"]}
    assert sum(by_grade.values()) == summary["comparable_cases"] == len(scores) - 2  # PART, bus
