"""Portfolio ranking (evaluation: portfolio): TOPSIS and VIKOR on level-1 得分率 with AHP weights,
weight robustness and rank reversal, and bad portfolio inputs."""

import copy

import pytest
import yaml

from methods import casefile, ranking, report
from methods.errors import CaseError
from methods.evaltypes import portfolio

from .conftest import EXAMPLES

EXAMPLE = EXAMPLES / "wujin_project_portfolio_2023.yaml"


def load():
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_example_portfolio_ranks_consistently():
    case = casefile.load_case(EXAMPLE)
    result = portfolio.analyse(case)
    table = result.ranking_table()
    assert list(table["case_id"]) == [
        "wujin_rural_sewage_2023",
        "wujin_farmland_2023",
        "wujin_old_community_renovation_2023",
    ]
    # the decision matrix is the level-1 得分率 of each case, e.g. 老旧小区 产出 28.67 / 35
    X = result.data.matrix
    assert X.loc["wujin_old_community_renovation_2023", "产出"] == pytest.approx(28.66 / 35)
    # TOPSIS recomputed directly with the same weights gives the same closeness
    direct = ranking.topsis(X, result.weights, normalization="vector").table.set_index(
        "alternative"
    )
    assert table.set_index("case_id")["closeness"].to_dict() == pytest.approx(
        direct["closeness"].to_dict()
    )
    assert result.weights.sum() == pytest.approx(1)
    assert result.weights_detail.consistent
    assert result.agreement() == pytest.approx(1.0)
    out = report.case_results(case, portfolio=result.to_dict())
    assert out["total_score"] is None and out["grade"] is None and out["indicators"] == []
    assert out["portfolio"]["normalization"] == "vector"
    assert set(out["portfolio"]["compromise"]) <= set(X.index)


@pytest.mark.parametrize("method", ["equal", "points", "entropy", "critic"])
def test_other_weighting_methods(method):
    raw = load()
    raw["criteria_weights"] = {"method": method}
    case = casefile.validate_mapping(raw, base_dir=EXAMPLES)
    result = portfolio.analyse(case)
    assert result.weights.sum() == pytest.approx(1) and len(result.ranking_table()) == 3


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda r: r.update(
                cases=["wujin_rural_sewage_2023.yaml", "wujin_student_nutrition_2023.yaml"]
            ),
            "一级指标不一致",
        ),
        (
            lambda r: r.update(cases=["wujin_rural_sewage_2023.yaml", "missing.yaml"]),
            "数据文件不存在",
        ),
        (lambda r: r.update(select={"year": 2023}), "cases（案例文件列表）或 select"),
        (lambda r: r.update(criteria=["C11", "NOPE"]), "没有指标"),
        (lambda r: r.update(criteria=[]), "至少一个指标代码"),
        (
            lambda r: r["criteria_weights"].update(comparisons=[["效益", "决策", 3]]),
            "AHP 权重推导失败|缺少|连通",
        ),
    ],
)
def test_bad_portfolios(mutate, message):
    raw = copy.deepcopy(load())
    mutate(raw)
    with pytest.raises(CaseError, match=message):
        casefile.validate_mapping(raw, source="p.yaml", base_dir=EXAMPLES)


def test_selection_from_the_library_needs_a_library():
    raw = load()
    del raw["cases"]
    raw["select"] = {"year": 2023, "evaluation": "project_evaluation"}
    case = casefile.validate_mapping(raw, base_dir=EXAMPLES)
    with pytest.raises(CaseError, match="需要案例库"):
        portfolio.analyse(case)


def test_portfolio_data_files_include_member_evidence():
    case = casefile.load_case(EXAMPLE)
    names = {p.name for p in case.data_files()}
    assert {
        "wujin_rural_sewage_2023.yaml",
        "wujin_rural_sewage_2023_facilities.csv",
        "farmland_delphi_round2.csv",
    } <= names


# ---------------------------------------------------------------------------------------------
# The report: customary outline, projects named by title, findings tied to budget advice


def test_report_outline_names_projects_by_title_and_keeps_internals_in_the_annex():
    from methods.report.document import Document, Figure, plain_text, walk

    result = portfolio.analyse(casefile.load_case(EXAMPLE))
    doc = portfolio.outline(result)
    titles = [s.title for s in doc.sections]
    assert titles == list(portfolio.HEADINGS) == [b.__doc__.strip() for b in portfolio.OUTLINE]
    body = plain_text(Document("", (), list(doc.sections[:-1])))
    annex = plain_text(doc.sections[-1])
    for case_id in result.data.matrix.index:
        assert case_id not in body and case_id in annex
    for internal in ("Dirichlet", "随机种子", "v = ", "saaty1980", ".yaml"):
        assert internal not in body and internal in annex, internal
    assert "武进区城镇老旧小区改造项目" in body
    figure = next(b for b in walk(doc) if isinstance(b, Figure))
    assert figure.alt and "wujin" not in figure.alt


def test_findings_answer_with_budget_advice_that_matches_the_grade():
    """The example's problems: the first project's 以拨代支 (its money after rectification),
    the last project nearer the worst than the best (graded 优: improve, never 压减), and the
    criteria weak in common; one suggestion per problem, naming 区财政局 and the department."""
    result = portfolio.analyse(casefile.load_case(EXAMPLE))
    fd = result.findings
    assert [p.heading for p in fd.problems] == [
        "武进区农村生活污水治理项目资金使用不规范，存在以拨代支情况。",
        "武进区城镇老旧小区改造项目综合排序末位，产出、过程得分率明显低于其他项目。",
        "参评项目决策、过程环节普遍薄弱，多数项目得分率低于90%。",
    ]
    assert [a.problem for a in fd.advice] == [1, 2, 3]
    assert fd.advice[0].text.startswith(
        "建议区财政局在安排武进区农村生活污水治理项目下一年度资金前"
    )
    assert "压减" not in fd.advice[1].text and fd.advice[1].text.startswith("建议区住建局")
    assert fd.advice[2].text.startswith("建议区住建局、常州市武进区农业农村局加强")
    first = portfolio.top_advice(result, fd)
    assert first == (
        "建议区财政局在武进区农村生活污水治理项目完成问题1所列整改后，在下一年度预算安排中优先保障"
        "其合理资金需求（针对结论1）。"
    )
    out = portfolio.results(result)
    assert out["findings"] == fd.to_dict()
    assert out["conclusions"]["suggestions"][0] == first


def test_main_conclusions_golden_text():
    result = portfolio.analyse(casefile.load_case(EXAMPLE))
    assert portfolio.main_conclusions(result)[:2] == [
        "综合排序由高到低依次为武进区农村生活污水治理项目、武进区高标准农田建设项目、"
        "武进区城镇老旧小区改造项目，综合得分（贴近度）分别为0.935、0.848、0.056。",
        "两种排序方法的结果一致（等级相关系数1.00）；对权重随机扰动后，各项目保持原名次的概率"
        "均为100.00%，增加或删除项目后未发生排序逆转。",
    ]


def test_a_low_graded_last_project_gets_stricter_budget_advice(monkeypatch):
    result = portfolio.analyse(casefile.load_case(EXAMPLE))
    cases = result.data.cases.copy()
    cases.loc[cases["case_id"] == "wujin_old_community_renovation_2023", "grade"] = "中"
    data = portfolio.PortfolioData(
        result.data.matrix, cases, result.data.criteria_points, result.data.details
    )
    import dataclasses

    low = dataclasses.replace(result, data=data)
    advice = low.findings.advice[1].text
    assert advice.startswith("建议区财政局在下一年度预算安排中从严审核武进区城镇老旧小区改造项目")
    assert "压减或暂缓安排新增资金" in advice
