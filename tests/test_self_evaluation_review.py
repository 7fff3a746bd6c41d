"""自评复核 (self_evaluation_review): the seeded stratified sample with certainty selection, the
re-scores, the departments' 自评质量 and the design-based over-scoring estimate.

The variance is checked by hand against the stratified-sampling formulas of Cochran, W. G.
(1977), *Sampling Techniques*, 3rd ed., Wiley: the stratified mean ȳ_st = Σ W_h ȳ_h (eq. 5.1) and
its variance v(ȳ_st) = Σ W_h² (1 − f_h) s_h² / n_h (Theorem 5.3, eq. 5.7 with s_h² for S_h²).
"""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np
import pandas as pd
import pytest

from methods import casefile
from methods.errors import CaseError
from methods.evaltypes import self_evaluation_review as sr

from .conftest import EXAMPLES

EXAMPLE = EXAMPLES / "wujin_self_evaluation_review_2024.yaml"


@pytest.fixture(scope="module")
def example():
    return sr.analyse(casefile.load_case(EXAMPLE))


def _case(tmp_path, csv: str, **extra) -> sr.SelfEvaluationReviewCase:
    (tmp_path / "pop.csv").write_text(csv, encoding="utf-8")
    raw = {
        "case_id": "t_review",
        "title": "复核",
        "year": 2024,
        "department": "区财政局",
        "evaluation": "self_evaluation_review",
        "budget_type": "general_public",
        "object_type": "department",
        "population": "pop.csv",
        "sample": {"seed": 1, "size": 4},
        **extra,
    }
    return casefile.validate_mapping(raw, base_dir=tmp_path, deep=False)


POP = """编号,项目名称,主管部门,金额,自评得分,按指标复算得分,满分无佐证指标数,以往问题数
A1,甲一,甲局,50,95,94,0,0
A2,甲二,甲局,60,96,95,0,0
A3,甲三,甲局,70,94,93,0,0
A4,甲四,甲局,80,93,80,0,0
B1,乙一,乙局,300,92,91,0,0
B2,乙二,乙局,400,91,90,1,0
B3,乙三,乙局,500,97,96,0,0
B4,乙四,乙局,600,95,94,0,2
"""


# ---------------------------------------------------------------------------------------------
# The estimate against Cochran (1977)


def test_stratified_mean_and_interval_match_cochran_theorem_5_3():
    # stratum A: N=10, n=3, deviations 2, 4, 9 → ȳ=5, s²=13; stratum B: N=6, n=2, deviations 0, 2
    # → ȳ=1, s²=2; certainty stratum: N=n=2, deviations 12, 16 (no sampling error). N=18.
    # ȳ_st = (10·5 + 6·1 + 2·14)/18 = 84/18 = 4.6667
    # v = (10/18)²·(1−3/10)·13/3 + (6/18)²·(1−2/6)·2/2 = 0.936214 + 0.074074 = 1.010288
    # df = n − H = 7 − 3 = 4, t(0.975, 4) = 2.776445 → 4.6667 ± 2.776445·√1.010288
    rs = pd.DataFrame(
        {
            "stratum": ["A"] * 3 + ["B"] * 2 + [sr.CERTAINTY] * 2,
            "N_h": [10] * 3 + [6] * 2 + [2] * 2,
            "deviation": [2.0, 4.0, 9.0, 0.0, 2.0, 12.0, 16.0],
        }
    )
    rs["consistent"] = rs["deviation"].abs() <= 10
    est, share = sr.over_scoring(rs)
    assert est.estimate == pytest.approx(84 / 18, abs=1e-9)
    assert est.se**2 == pytest.approx(1.010288, abs=1e-6)
    assert est.df == 4
    half = 2.776445 * math.sqrt(1.010288)
    assert est.ci_low == pytest.approx(84 / 18 - half, abs=1e-5)
    assert est.ci_high == pytest.approx(84 / 18 + half, abs=1e-5)
    # share beyond 10 points: only the certainty stratum, 2/18 of the population, no error
    assert share.estimate == pytest.approx(2 / 18) and share.se == pytest.approx(0, abs=1e-12)


def test_example_interval_is_cochran_computed_from_its_sample(example):
    rs = example.rescored
    g = rs.groupby("stratum")
    N = g["N_h"].first()
    n = g.size()
    W = N / N.sum()
    ybar = g["deviation"].mean()
    s2 = g["deviation"].var(ddof=1).fillna(0)
    v = (W**2 * (1 - n / N) * s2 / n).sum()
    assert example.estimate.estimate == pytest.approx((W * ybar).sum(), abs=1e-9)
    assert example.estimate.se == pytest.approx(math.sqrt(v), abs=1e-9)
    assert example.estimate.df == len(rs) - len(N)


# ---------------------------------------------------------------------------------------------
# The sample


def test_allocation_is_proportional_with_a_minimum_of_two():
    # 8 draws over 10/6/4 units: 4.0/2.4/1.6 → 4/2/1, the remainder to the largest fraction (1.6)
    assert sr.allocate(np.array([10, 6, 4]), 8).tolist() == [4, 2, 2]
    # a small stratum gets its minimum, a one-unit stratum its only unit
    assert sr.allocate(np.array([30, 3, 1]), 4).tolist() == [4, 2, 1]


def test_sample_is_reproducible_and_independent_of_row_order(tmp_path):
    a = sr.analyse(_case(tmp_path, POP)).sample.selected["case_id"].tolist()
    b = sr.analyse(_case(tmp_path, POP)).sample.selected["case_id"].tolist()
    assert a == b
    head, *rows = POP.strip().splitlines()
    shuffled = "\n".join([head, *reversed(rows)]) + "\n"
    assert sr.analyse(_case(tmp_path, shuffled)).sample.selected["case_id"].tolist() == a
    draws = {
        tuple(
            sr.analyse(_case(tmp_path, POP, sample={"seed": s, "size": 4})).sample.selected[
                "case_id"
            ]
        )
        for s in range(8)
    }
    assert len(draws) > 1  # the seed matters


def test_risk_flagged_cases_are_always_sampled(tmp_path):
    # A4: 自评 93 vs 80 by its indicators; B2: a full-marks indicator without evidence; B4: past problems
    for seed in range(20):
        rv = sr.analyse(_case(tmp_path, POP, sample={"seed": seed, "size": 4}))
        sel = rv.sample.selected
        assert {"A4", "B2", "B4"} <= set(sel["case_id"])
        assert (sel.loc[sel["certainty"], "weight"] == 1).all()
        assert rv.sample.strata.loc[rv.sample.strata["certainty"], "N"].item() == 3


# ---------------------------------------------------------------------------------------------
# Re-scores and bad input


def _rescores(rv, scores):
    return [
        {"case_id": c, "score": s}
        for c, s in zip(rv.sample.selected["case_id"], scores, strict=True)
    ]


def test_rescores_give_deviation_verdict_and_department_counts(tmp_path):
    rv = sr.analyse(_case(tmp_path, POP))
    ids = list(rv.sample.selected["case_id"])
    scores = [
        float(rv.sample.selected["self_score"].iloc[i]) - d
        for i, d in enumerate([0, 5, 11, 16, 2, 1, 3][: len(ids)])
    ]
    rv = sr.analyse(_case(tmp_path, POP, rescores=_rescores(rv, scores)))
    rs = rv.rescored.set_index("case_id")
    dev = pd.Series([0, 5, 11, 16, 2, 1, 3][: len(ids)], index=ids, dtype=float)
    assert (rs["deviation"] == dev).all()
    assert (rs["consistent"] == (dev <= 10)).all()
    assert bool(rs.loc[ids[3], "returned"]) and "超过15分" in rs.loc[ids[3], "return_reason"]
    total = sum(c["checked"] for c in rv.counts().values())
    assert total == len(ids)
    assert sum(c["consistent"] for c in rv.counts().values()) == int((dev <= 10).sum())


def test_rescore_of_an_unsampled_case_names_its_row(tmp_path):
    rv = sr.analyse(_case(tmp_path, POP))
    unsampled = sorted(set(rv.sample.frame["case_id"]) - set(rv.sample.selected["case_id"]))[0]
    with pytest.raises(CaseError) as e:
        sr.analyse(_case(tmp_path, POP, rescores=[{"case_id": unsampled, "score": 90}]))
    assert "rescores[0].case_id" in str(e.value) and unsampled in str(e.value)
    first = rv.sample.selected["case_id"].iloc[0]
    with pytest.raises(CaseError, match="还没有复核得分"):
        sr.analyse(_case(tmp_path, POP, rescores=[{"case_id": first, "score": 90}]))


def test_bad_population_cell_names_file_column_and_row(tmp_path):
    bad = POP.replace("B3,乙三,乙局,500,97", "B3,乙三,乙局,500,九十七")
    with pytest.raises(CaseError) as e:
        sr.analyse(_case(tmp_path, bad))
    assert "pop.csv 第 8 行的“自评得分”" in str(e.value)


def test_quality_grade_bands():
    # 一致率 ≥ 90 优, ≥ 75 良, ≥ 60 中, else 差 (practice)
    bands = {"优": 90, "良": 75, "中": 60, "差": 0}
    assert sr.quality_grade(np.array([100, 90, 89.9, 75, 71.43, 60, 50]), bands).tolist() == [
        "优", "优", "良", "良", "中", "中", "差"
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The example's decisions


def test_example_decisions(example):
    assert len(example.sample.frame) == 40 and len(example.sample.selected) == 15
    assert set(example.sample.selected.loc[lambda d: d["certainty"], "case_id"]) == {
        "ZP2023-JS-01", "ZP2023-JS-05", "ZP2023-JS-11"
    }  # fmt: skip
    assert set(example.returned["case_id"]) == {
        "ZP2023-JS-05", "ZP2023-JS-11", "ZP2023-NY-05", "ZP2023-NY-10"
    }  # fmt: skip
    grades = dict(zip(example.departments["department"], example.departments["grade"], strict=True))
    assert grades == {
        "常州市武进区交通运输局": "优",
        "常州市武进区农业农村局": "良",
        "常州市武进区住房和城乡建设局": "中",
    }
    assert example.counts()["常州市武进区住房和城乡建设局"] == {"checked": 7, "consistent": 5}
    e = example.estimate
    assert e.estimate == pytest.approx(4.43125) and e.ci_low > 0  # systematic over-scoring
    themes = [p.theme for p in sr.find(example).problems]
    assert themes == ["over_scoring", "returned", "quality", "evidence"]


def test_assessment_counts_read_archived_reviews_from_the_library(tmp_path, example):
    from methods.library import Library

    lib = Library(tmp_path)
    folder = lib.case_dir(2024, "r1")
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(
        json.dumps({"self_evaluation_review": example.to_dict()}, ensure_ascii=False), "utf-8"
    )
    with sqlite3.connect(tmp_path / "index.sqlite") as con:
        con.execute(
            "INSERT INTO cases (year, case_id, evaluation, path) VALUES (2024, 'r1', 'self_evaluation_review', 'x')"
        )
    counts = sr.assessment_counts(Library(tmp_path, readonly=True), 2024)
    assert counts == example.counts()
    assert sr.assessment_counts(Library(tmp_path, readonly=True), 2023) == {}
