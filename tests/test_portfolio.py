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
