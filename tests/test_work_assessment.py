"""Work assessment (考核): stage coverage per department from the library, scored by the positive
rule against 100% with the stage points of methods/_data/work_assessment.yaml, graded and ranked."""

import pytest
import yaml

from methods import casefile
from methods.errors import CaseError
from methods.evaltypes import work_assessment

from .conftest import EXAMPLES, fake_archive

A, B = "甲局", "乙局"


@pytest.fixture
def library(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    # work year 2024: ex_ante/target_review of 2025, monitoring of 2024, evaluations of 2023
    fake_archive(
        lib, "a_ex", "甲事前", year=2025, evaluation="ex_ante", department=A, score=None, grade=None
    )
    for i in range(2):
        fake_archive(
            lib,
            f"a_t{i}",
            "甲目标",
            year=2025,
            evaluation="target_review",
            department=A,
            score=None,
            grade=None,
        )
        fake_archive(
            lib,
            f"a_m{i}",
            "甲监控",
            year=2024,
            evaluation="monitoring",
            department=A,
            score=None,
            grade=None,
        )
        fake_archive(
            lib, f"a_s{i}", "甲自评", year=2023, evaluation="self_evaluation", department=A
        )
    fake_archive(lib, "a_p0", "甲重点", year=2023, evaluation="project_evaluation", department=A)
    fake_archive(lib, "b_s0", "乙自评", year=2023, evaluation="self_evaluation", department=B)
    fake_archive(
        lib,
        "b_m_old",
        "乙旧监控",
        year=2022,
        evaluation="monitoring",
        department=B,
        score=None,
        grade=None,
    )
    monkeypatch.setenv("JIXIAO_LIBRARY", str(lib))
    return lib


def make(**changes):
    raw = yaml.safe_load((EXAMPLES / "wujin_work_assessment_2025.yaml").read_text(encoding="utf-8"))
    raw["departments"] = {
        A: {"projects": 2, "major_new": 1, "key_projects": 2},
        B: {"projects": 4, "major_new": 0, "key_projects": 1},
    }
    raw.update(changes)
    return casefile.validate_mapping(raw, base_dir=EXAMPLES)


def test_coverage_scores_and_ranking(library):
    a = work_assessment.analyse(make())
    cov = a.coverage.set_index(["department", "code"])
    # 甲: 事前 1/1, 目标 2/2, 监控 2/2, 自评 2/2, 重点 1/2 → 15 + 20 + 20 + 25 + 10 = 90
    assert cov.loc[(A, "K5"), "rate"] == 50 and cov.loc[(A, "K5"), "year"] == 2023
    # 乙: no major new project → 事前 full; 目标 0/4; 监控 0/4 (2022 does not count); 自评 1/4; 重点 0/1
    assert cov.loc[(B, "K1"), "rate"] == 100 and cov.loc[(B, "K3"), "count"] == 0
    scores = a.scores.set_index("department")
    assert (
        scores.loc[A, "total"] == 90
        and scores.loc[A, "grade"] == "优"
        and scores.loc[A, "rank"] == 1
    )
    assert scores.loc[B, "total"] == pytest.approx(15 + 25 * 0.25)  # 21.25
    assert scores.loc[B, "grade"] == "差" and scores.loc[B, "rank"] == 2
    assert [r["department"] for r in a.to_dict()["ranking"]] == [A, B]


def test_bad_work_assessment_cases(library):
    with pytest.raises(CaseError, match="应早于考核年度"):
        make(work_year=2025)
    with pytest.raises(CaseError, match="未知的考核框架"):
        make(framework="nope")
    with pytest.raises(CaseError, match="departments"):
        make(departments={})


def test_report_outline_is_made_of_document_blocks(library):
    from methods.report.document import Figure, Table, walk

    a = work_assessment.analyse(make())
    doc = work_assessment.outline(a)
    assert [s.title for s in doc.sections] == [
        "一、考核范围与口径",
        "二、考核得分与排名",
        "三、各环节覆盖率",
    ]
    ranking = doc.sections[1].blocks[0]
    assert [c.text for c in ranking.rows[0]][:2] == ["1", A] and ranking.rows[0][-1].text == "优"
    figure, coverage = doc.sections[2].blocks
    assert isinstance(figure, Figure) and figure.caption and figure.alt
    assert isinstance(coverage, Table)
    # every row has a header cell above each of its cells (the year column is named)
    assert all(len(row) == len(coverage.header[0]) for row in coverage.rows)
    assert [c.text for c in coverage.rows[0]] == [
        A,
        "事前绩效评估覆盖率",
        "2025 年度",
        "1",
        "1",
        "100%",
    ]
    assert coverage.note.text.startswith("框架：")
    assert sum(isinstance(b, Figure) for b in walk(doc)) == 1
    assert work_assessment.results(a)["work_assessment"] == a.to_dict()
