"""Work assessment (考核): stage coverage per department from the library, scored by the positive
rule against 100% with the stage points of methods/_data/work_assessment.yaml, graded and ranked;
the report on its customary outline, problems for the stages not fully covered."""

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
    from methods.report.document import Figure, Table, plain_text, walk

    a = work_assessment.analyse(make())
    doc = work_assessment.outline(a)
    assert tuple(s.title for s in doc.sections) == work_assessment.HEADINGS
    results = doc.sections[2]
    ranking = results.blocks[1].blocks[0]
    assert [c.text for c in ranking.rows[0]][:2] == ["1", A] and ranking.rows[0][-1].text == "优"
    figure, coverage = results.blocks[2].blocks
    assert isinstance(figure, Figure) and figure.caption and figure.alt
    assert isinstance(coverage, Table)
    # every row has a header cell above each of its cells (the year column is named)
    assert all(len(row) == len(coverage.header[0]) for row in coverage.rows)
    assert [c.text for c in coverage.rows[0]] == [
        A,
        "事前绩效评估覆盖率",
        "2025年度",
        "1",
        "1",
        "100%",
    ]
    assert coverage.note.text.startswith("说明：覆盖率为案例库中")
    assert sum(isinstance(b, Figure) for b in walk(doc)) == 1
    # the body cites the assessment's own rule in Chinese; ids and codes only in the annex
    body = "".join(plain_text(s) for s in doc.sections[:-1])
    for internal in ("wujin_default", "mof_2020", "unverified", "rules.md", "a_s0", "K1", "10号"):
        assert internal not in body
    assert "武发〔2020〕48号" in body and "（待核实）" in body
    annex = plain_text(doc.sections[-1])
    assert "wujin_default" in annex and "a_s0" in annex and "target_review" in annex
    out = work_assessment.results(a)
    assert out["work_assessment"] == a.to_dict()
    assert out["findings"] == work_assessment.find(a).to_dict()


def test_findings_are_the_stages_not_fully_covered(library):
    """A stage below full coverage in any department is a problem, the stage that lost most
    points first; one suggestion each, to the departments concerned and the finance bureau."""
    a = work_assessment.analyse(make())
    fd = work_assessment.find(a)
    assert [p.heading for p in fd.problems] == [
        "重点绩效评价覆盖不足，2个部门覆盖率不足100%，其中1个部门为0。",
        "绩效目标管理未实现全覆盖，1个部门的绩效目标管理覆盖率为0。",
        "绩效运行监控覆盖面不足，1个部门的绩效运行监控覆盖率为0。",
        "绩效自评未实现全覆盖，1个部门的绩效自评覆盖率低于100%。",
    ]
    assert fd.problems[0].facts[0] == (
        "2023年度预算重点评价项目中，乙局无开展记录（应覆盖1个）；甲局已开展1个、应覆盖2个，覆盖率50%"
    )
    assert [a.problem for a in fd.advice] == [1, 2, 3, 4]
    assert fd.advice[0].text.startswith("建议区财政局在年度重点绩效评价计划中")
    assert "各被考核部门配合提供评价资料" in fd.advice[0].text
    assert fd.advice[1].text.startswith("建议乙局对纳入预算绩效管理的项目全部编报绩效目标")
    assert work_assessment.cause_text(fd.problems[1]).startswith(
        "原因分析：被考核部门未提供相关说明，绩效目标管理覆盖率偏低的原因有待进一步核实。"
    )
    # full coverage everywhere: no problem, no suggestion
    full = make(departments={A: {"projects": 2, "major_new": 1, "key_projects": 1}})
    assert work_assessment.find(work_assessment.analyse(full)).problems == ()


CONCLUSION = (
    "经考核，2个部门2024年度预算绩效管理工作平均得分55.63分，考核等级为“优”1个、“差”1个；"
    "甲局得分最高（90.00分），乙局得分最低（21.25分）。各环节中，事前绩效评估覆盖率平均100%，"
    "为各环节最高；重点绩效评价覆盖率平均25%，为各环节最低。全过程预算绩效管理在重点绩效评价、"
    "绩效目标管理和绩效运行监控等环节尚未实现全覆盖。"
)


def test_conclusion_golden_text(library):
    """考核结果 总体情况, word for word (computed in-process)."""
    a = work_assessment.analyse(make())
    assert work_assessment.conclusion(a) == CONCLUSION
