"""重点绩效评价选题 (evaluation_selection).

武发〔2020〕48号 asks for 重点绩效评价 of the policies and projects 社会关注度高、影响力大、往年审计和
评价中发现较大问题、即将到期; it sets no method, so the criteria, weights, min–max normalisation
(Hwang & Yoon 1981, simple additive weighting), the expiry horizon (1 year), the department cycle
(3 years) and the exact 0/1 knapsack are this project's defaults (methods/_data/
evaluation_selection.yaml, status practice). Each is checked here against a hand-worked example.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from methods import casefile
from methods.errors import CaseError
from methods.evaltypes import evaluation_selection as sel
from methods.library import Library

from .conftest import EXAMPLES, fake_archive

X, Y = "甲局", "乙局"


def _case(tmp_path, candidates, **extra):
    raw = {
        "case_id": "sel_2025",
        "title": "2025 年度重点绩效评价计划",
        "year": 2025,
        "department": "某区财政局",
        "evaluation": "evaluation_selection",
        "budget_type": "general_public",
        "object_type": "policy",
        "from_library": False,
        "programme": {"budget": 100},
        "candidates": candidates,
        **extra,
    }
    path = tmp_path / "sel.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return casefile.load_case(path)


# three candidates, worked by hand below
A = dict(
    name="甲政策",
    department=X,
    kind="policy",
    amount=100,
    attention=5,
    reach=3,
    audit_problems=2,
    expiry_year=2026,
    cost=10,
)
B = dict(
    name="乙项目", department=Y, amount=1000, attention=3, reach=5, last_evaluated=2023, cost=20
)
C = dict(name="丙项目", department=Y, amount=10000, attention=1, reach=2, audit_problems=1,
         last_evaluated=2021, cost=15)  # fmt: skip


def test_hand_worked_ranking_with_the_default_weights(tmp_path):
    """Criteria (plan year 2025, budget year 2024):
    log10 金额 2, 3, 4 → 0, 0.5, 1; 关注度 5, 3, 1 → 1, 0.5, 0; 范围 3, 5, 2 → 1/3, 1, 0;
    问题 2, 0, 1 → 1, 0, 0.5; 距到期 1, 5 (none → cap 5), 5 (smaller first) → 1, 0, 0;
    距上次评价 5 (never → cap), 1, 3 → 1, 0, 0.5.
    Default weights .20 / .20 / .15 / .20 / .15 / .10:
    甲 = .2·0 + .2·1 + .15/3 + .2·1 + .15·1 + .1·1 = .70 → 70.00
    乙 = .2·.5 + .2·.5 + .15·1 + 0 + 0 + 0 = .35 → 35.00
    丙 = .2·1 + 0 + 0 + .2·.5 + 0 + .1·.5 = .35 → 35.00 (tie: same rank)."""
    s = sel.analyse(_case(tmp_path, [A, B, C]))
    t = s.table
    assert t["expiry"].tolist() == [1, 5, 5]
    assert t["since_evaluated"].tolist() == [5, 1, 3]
    np.testing.assert_allclose(s.normalised["reach"], [1 / 3, 1, 0])
    assert t["score"].tolist() == [70.00, 35.00, 35.00]
    assert t["rank"].tolist() == [1, 2, 2]
    # 甲 expires in 2026, within one year of the plan: mandatory; budget 100 takes all three
    assert t["mandatory"].tolist() == [True, False, False]
    assert t["chosen"].all()
    assert "政策将于2026年到期" in t.loc[0, "reason"]


def test_hand_worked_ahp_weights_drop_the_criteria_not_compared(tmp_path):
    """A consistent AHP matrix over three criteria (资金规模 : 社会关注度 = 2, 资金规模 : 问题 = 2,
    社会关注度 : 问题 = 1) gives .50 / .25 / .25 and CR = 0 (Saaty 1980):
    甲 = .5·0 + .25·1 + .25·1 = 50.00; 乙 = .5·.5 + .25·.5 + 0 = 37.50; 丙 = .5·1 + 0 + .25·.5 = 62.50."""
    weights = {
        "method": "ahp",
        "criteria": ["资金规模", "社会关注度", "往年审计和评价发现问题"],
        "comparisons": [
            ["资金规模", "社会关注度", 2],
            ["资金规模", "往年审计和评价发现问题", 2],
            ["社会关注度", "往年审计和评价发现问题", 1],
        ],
    }
    s = sel.analyse(_case(tmp_path, [A, B, C], weights=weights))
    assert s.weights.ahp.cr == pytest.approx(0, abs=1e-9)
    np.testing.assert_allclose(
        s.weights.weights[["amount", "attention", "problems"]], [0.5, 0.25, 0.25]
    )
    assert s.weights.weights[["reach", "expiry", "since_evaluated"]].sum() == 0
    assert s.table["score"].tolist() == [50.00, 37.50, 62.50]
    assert s.table["rank"].tolist() == [2, 3, 1]


def test_inconsistent_judgements_are_refused_naming_the_field(tmp_path):
    weights = {
        "method": "ahp",
        "criteria": ["资金规模", "社会关注度", "影响范围"],
        "comparisons": [
            ["资金规模", "社会关注度", 9],
            ["社会关注度", "影响范围", 9],
            ["影响范围", "资金规模", 9],
        ],
    }
    with pytest.raises(CaseError) as e:
        _case(tmp_path, [A, B, C], weights=weights)
    assert "weights.comparisons" in str(e.value) and "一致性检验未通过" in str(e.value)


def test_knapsack_optimum_differs_from_greedy():
    """Budget 10: scores 60 / 50 / 45 at costs 6 / 5 / 5. Greedy takes the best (60, cost 6) and
    then nothing fits (6 + 5 > 10): 60. The optimum takes the other two: 95 at cost 10."""
    score, cost = np.array([60.0, 50.0, 45.0]), np.array([6.0, 5.0, 5.0])
    none = np.zeros(3, bool)
    g = sel.greedy(score, cost, 10, none, [])
    p = sel.solve(score, cost, 10, none, [])
    assert g.chosen.tolist() == [True, False, False] and g.total == 60
    assert p.chosen.tolist() == [False, True, True] and p.total == 95 and p.cost == 10


def test_coverage_and_mandatory_constraints_bind():
    """Budget 10, costs 5 each: without constraints the two best (90 + 80) are chosen; a department
    to cover holding only the third forces it in (90 + 10); a mandatory second keeps it too."""
    score, cost = np.array([90.0, 80.0, 10.0]), np.array([5.0, 5.0, 5.0])
    none = np.zeros(3, bool)
    assert sel.solve(score, cost, 10, none, []).chosen.tolist() == [True, True, False]
    dept = np.array([False, False, True])
    assert sel.solve(score, cost, 10, none, [dept]).chosen.tolist() == [True, False, True]
    must = np.array([False, True, False])
    assert sel.solve(score, cost, 10, must, [dept]).chosen.tolist() == [False, True, True]


def test_equal_sums_take_the_cheaper_plan():
    """Budget 5: 30 at cost 5 and 30 at cost 4 cannot both be chosen; the sums tie at 30, the
    plan spends 4."""
    p = sel.solve(np.array([30.0, 30.0]), np.array([5.0, 4.0]), 5, np.zeros(2, bool), [])
    assert p.chosen.tolist() == [False, True] and p.total == 30 and p.cost == 4


def test_plan_left_out_reason_and_budget_errors(tmp_path):
    # budget 25: 甲 (mandatory, 10) + 丙 (15) = 25; 乙 (20) does not fit what is left (0)
    s = sel.analyse(_case(tmp_path, [A, B, C], programme={"budget": 25}))
    assert s.table["chosen"].tolist() == [True, False, True]
    assert "超过计划安排后的剩余经费0万元" in s.table.loc[1, "reason"]
    with pytest.raises(CaseError) as e:
        sel.analyse(_case(tmp_path, [A, B, C], programme={"budget": 8}))
    assert "programme.budget" in str(e.value) and "甲政策" in str(e.value)


def test_a_department_not_evaluated_within_the_cycle_must_be_covered(tmp_path):
    """Budget year 2024, cycle 3 years (2022–2024): 乙局 was last evaluated in 2021 (丙) and 2023
    (乙) → covered; with 乙's last evaluation 2021 instead, 乙局 is due and one of its candidates
    must be chosen even where a higher score elsewhere would fit."""
    d = dict(name="丁项目", department=X, amount=10000, attention=5, reach=5, cost=15)
    s = sel.analyse(_case(tmp_path, [A, B, C, d], programme={"budget": 25}))
    assert not s.coverage.set_index("department").loc[Y, "due"]
    b_old = {**B, "last_evaluated": 2021}
    s = sel.analyse(_case(tmp_path, [A, b_old, C, d], programme={"budget": 25}))
    cov = s.coverage.set_index("department")
    assert cov.loc[Y, "due"] and cov.loc[Y, "chosen"] == 1
    chosen = s.table[s.table["chosen"]]["name"].tolist()
    assert "丁项目" not in chosen and "甲政策" in chosen
    assert "需在3年周期内覆盖" in s.table.set_index("name").loc[chosen[1], "reason"]
    with pytest.raises(CaseError) as e:
        sel.analyse(_case(tmp_path, [A, b_old, C, d], programme={"budget": 20}))
    assert "programme.budget" in str(e.value) and "乙局" in str(e.value)


def test_library_facts_by_project_id_and_name(tmp_path):
    """Problems counted for the last 3 budget years (2022–2024): a 中 evaluation (2022) and a
    资金使用合规 problem (2023) count; a 2023 progress problem and a 2020 compliance problem do
    not. A candidate without project_id matches by name without spaces and punctuation."""
    lib = tmp_path / "lib"

    def problems(*kinds):
        return {
            "findings": {
                "problems": [{"kind": k, "heading": f"{k}问题。"} for k in kinds],
                "advice": [],
            }
        }

    fake_archive(
        lib,
        "p_2020",
        "甲项目",
        year=2020,
        department=X,
        project_id="p",
        extra=problems("compliance"),
    )
    fake_archive(
        lib, "p_2022", "甲项目", year=2022, department=X, project_id="p", grade="中", score=70.0
    )
    fake_archive(
        lib,
        "p_2023",
        "甲项目",
        year=2023,
        department=X,
        project_id="p",
        extra=problems("compliance", "loss"),
    )
    fake_archive(
        lib, "q_self_2024", "乙 项目（补助）", year=2024, department=Y, evaluation="self_evaluation"
    )
    cands = [
        dict(name="甲项目", department=X, project_id="p", amount=10, attention=1, reach=1, cost=1),
        dict(name="乙项目补助", department=Y, amount=20, attention=2, reach=2, cost=1),
    ]
    s = sel.analyse(_case(tmp_path, cands, from_library=True), library=Library(lib, readonly=True))
    assert s.table["library_problems"].tolist() == [2, 0]
    assert s.table["last_evaluated"].tolist() == [2023, None]  # a 自评 is no 重点评价
    assert s.facts.matched.groupby("candidate").size().tolist() == [3, 1]
    assert s.facts.departments == {X: 2023}
    assert s.coverage.set_index("department")["due"].to_dict() == {X: False, Y: True}


def test_candidates_from_a_csv_file_name_row_and_column(tmp_path):
    (tmp_path / "c.csv").write_text(
        "name,department,amount,attention,reach,cost\n甲,甲局,100,3,3,5\n乙,乙局,200,7,3,5\n",
        encoding="utf-8",
    )
    with pytest.raises(CaseError) as e:
        _case(tmp_path, "c.csv")
    assert "c.csv 第 3 行 attention" in str(e.value)
    (tmp_path / "c.csv").write_text(
        "name,department,amount,attention,reach,cost\n甲,甲局,100,3,3,5\n乙,乙局,200,4,3,5\n",
        encoding="utf-8",
    )
    s = sel.analyse(_case(tmp_path, "c.csv"))
    assert s.table["name"].tolist() == ["甲", "乙"]


def test_the_wujin_example_plan():
    """The 2025 example without the library: the expiring 公交运营补贴 and 企业技术改造专项资金 are
    in the plan, and every department without a 重点评价 in 2022–2024 is covered; budget kept."""
    case = casefile.load_case(EXAMPLES / "wujin_evaluation_selection_2025.yaml")
    # what the library holds: 重点评价 of the 2023 budget for these departments
    done = {
        f"常州市武进区{d}": 2023
        for d in (
            "住房和城乡建设局",
            "农业农村局",
            "教育局",
            "民政局",
            "人力资源和社会保障局",
            "水利局",
        )
    }
    programme = case.programme.model_copy(update={"last_evaluated": done})
    case = case.model_copy(update={"from_library": False, "programme": programme})
    s = sel.analyse(case)
    t = s.table.set_index("name")
    assert (
        t.loc["武进区城乡公交运营补贴", "chosen"] and t.loc["武进区企业技术改造专项资金", "chosen"]
    )
    assert t.loc["武进区创业担保贷款贴息政策", "mandatory"]
    assert s.plan.cost <= 150
    due = s.coverage[s.coverage["due"]]
    assert (due["chosen"] >= 1).all()
    assert s.weights.ahp.consistent
    assert s.plan.total >= s.greedy.total
