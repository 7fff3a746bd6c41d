"""Work assessment (考核) of departments and of the lower-level finance offices (镇、开发区财政分局),
two frameworks in methods/_data/work_assessment.yaml (status practice; 武发〔2020〕48号 asks for
the assessment of both): every indicator a rate of two counts (the case's, or for 部门 绩效运行监控
the case library's), scored points × rate, graded and ranked within its group; the report on its
customary outline, problems for the indicators not fully met."""

import pytest
import yaml

from methods import casefile
from methods.errors import CaseError
from methods.evaltypes import work_assessment

from .conftest import EXAMPLES, ROOT, fake_archive

GOLDEN = ROOT / "tests" / "golden" / "results"

A, B = "甲局", "乙局"
X, Y = "甲镇财政分局", "乙开发区财政分局"


@pytest.fixture
def library(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    # work year 2024: monitoring of the 2024 budget counts, an older one does not
    for i in range(2):
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


DEPTS = {
    A: dict(projects=2, targets_good=2, checked=2, consistent=1, problems=4, rectified=3,
            disclosure_due=2, disclosed=2),
    B: dict(projects=4, targets_good=1, checked=0, consistent=0, problems=2, rectified=0,
            disclosure_due=3, disclosed=1),
}  # fmt: skip
OFFICES = {
    X: dict(projects=10, major_new=0, ex_ante=0, targets=10, monitored=5, evaluated=8, applied=4,
            problems=0, rectified=0, disclosure_due=2, disclosed=2),
    Y: dict(projects=4, major_new=1, ex_ante=1, targets=4, monitored=4, evaluated=4, applied=4,
            problems=2, rectified=2, disclosure_due=1, disclosed=1),
}  # fmt: skip


def make(**changes):
    raw = yaml.safe_load((EXAMPLES / "wujin_work_assessment_2025.yaml").read_text(encoding="utf-8"))
    raw["departments"] = {k: dict(v) for k, v in DEPTS.items()}
    raw["finance_offices"] = {k: dict(v) for k, v in OFFICES.items()}
    raw.update(changes)
    return casefile.validate_mapping(raw, base_dir=EXAMPLES)


def test_department_scores_hand_worked(library):
    """部门 (目标质量 25, 监控 20, 自评质量 20, 整改 20, 公开 15):
    甲 2/2·25 + 2/2·20 (two archived 2024 monitoring cases) + 1/2·20 + 3/4·20 + 2/2·15 = 85 → 良;
    乙 1/4·25 + 0/4·20 (a 2022 case does not count) + 20 (nothing checked: 0 due → full)
    + 0/2·20 + 1/3·15 = 6.25 + 0 + 20 + 0 + 5 = 31.25 → 差."""
    a = work_assessment.analyse(make())
    cov = a.coverage.set_index(["department", "code"])
    assert cov.loc[(A, "D2"), "count"] == 2 and cov.loc[(A, "D2"), "year"] == 2024
    assert cov.loc[(B, "D2"), "count"] == 0 and cov.loc[(B, "D3"), "rate"] == 100
    assert cov.loc[(A, "D4"), "score"] == 15 and cov.loc[(B, "D5"), "score"] == 5
    s = a.scores["departments"].set_index("department")
    assert (s.loc[A, "total"], s.loc[A, "grade"], s.loc[A, "rank"]) == (85, "良", 1)
    assert (s.loc[B, "total"], s.loc[B, "grade"], s.loc[B, "rank"]) == (31.25, "差", 2)
    # 重点评价 is the finance bureau's job: not a department indicator
    assert "重点绩效评价" not in "".join(a.coverage["indicator"])


def test_finance_office_scores_ranked_separately(library):
    """下级财政部门 (事前 10, 目标 15, 监控 15, 评价 15, 结果应用 15, 整改 15, 公开 15):
    甲镇 10 (no major new project: full) + 15 + 5/10·15 + 8/10·15 + 4/8·15 + 15 (no problem) + 15
    = 10 + 15 + 7.5 + 12 + 7.5 + 15 + 15 = 82 → 良; 乙开发区 all met = 100 → 优. Ranked within
    the group: 乙开发区 1, 甲镇 2 (the departments' ranks are their own)."""
    a = work_assessment.analyse(make())
    s = a.scores["finance_offices"]
    assert list(s["department"]) == [Y, X] and list(s["rank"]) == [1, 2]
    assert list(s["total"]) == [100, 82] and list(s["grade"]) == ["优", "良"]
    assert s.set_index("department").loc[X, "评价结果应用"] == 7.5
    ranking = a.to_dict()["ranking"]
    assert [r["department"] for r in ranking["departments"]] == [A, B]
    assert [r["department"] for r in ranking["finance_offices"]] == [Y, X]


def test_example_ranking(monkeypatch, tmp_path):
    """The example's decision from its case counts and the 2024 自评复核 example's counts (a
    library without monitoring cases: every department's 绩效运行监控 is 0): departments and
    finance offices ranked in their own groups."""
    import shutil

    import methods.standards as standards

    review = "wujin_self_evaluation_review_2024"
    shutil.copyfile(GOLDEN / f"2024__{review}.json", tmp_path / "results.json")

    class OnlyTheReview:  # the archived 2024 review, no monitoring case
        def query(self, sql, params):
            return [{"case_id": review}] if "self_evaluation_review" in sql else []

        def case_dir(self, year, case_id):
            return tmp_path

    monkeypatch.setattr(standards, "require_library", lambda *args, **kw: OnlyTheReview())
    a = work_assessment.analyse(casefile.load_case(EXAMPLES / "wujin_work_assessment_2025.yaml"))
    d = a.scores["departments"][["department", "total", "rank"]]
    assert list(d["department"]) == [
        "常州市武进区交通运输局",  # 25 + 0 + 4/4·20 (review) + 20 + 15 = 80
        "常州市武进区农业农村局",  # 25 + 0 + 3/4·20 (review) + 10 + 15 = 65
        "常州市武进区住房和城乡建设局",  # 18.75 + 0 + 5/7·20 (review) + 16.67 + 15 = 64.71
        "常州市武进区水利局",  # 12.5 + 0 + 1/1·20 (case) + 20 + 7.5 = 60
        "常州市武进区教育局",  # 12.5 + 0 + 0/1·20 (case) + 6.67 + 15 = 34.17
    ]
    assert list(d["total"]) == [80, 65, 64.71, 60, 34.17]
    f = a.scores["finance_offices"][["department", "total", "grade"]]
    assert list(f["department"]) == [
        "武进国家高新区财政分局",  # 10 + 15 + 15 + 15 + 13.5 + 15 + 15 = 98.5
        "湖塘镇财政分局",  # 10 + 15 + 13.5 + 15 + 12 + 13.5 + 15 = 94
        "前黄镇财政分局",  # 10 + 13.64 + 15 + 15 + 12.27 + 15 + 12.5 = 93.41
        "洛阳镇财政分局",  # 0 + 15 + 9 + 12 + 7.5 + 7.5 + 10 = 61
    ]
    assert list(f["total"]) == [98.5, 94, 93.41, 61]


def test_bad_work_assessment_cases(library):
    with pytest.raises(CaseError, match="应早于考核年度"):
        make(work_year=2025)
    with pytest.raises(CaseError, match="未知的部门考核框架"):
        make(framework="nope")
    with pytest.raises(CaseError, match="未知的下级财政部门考核框架"):
        make(finance_framework="department_practice")
    with pytest.raises(CaseError, match="departments"):
        make(departments={})
    over = {A: dict(DEPTS[A], rectified=5), B: DEPTS[B]}
    with pytest.raises(CaseError) as err:
        make(departments=over)
    assert err.value.format().startswith(f"departments.{A}.rectified") and "大于" in str(err.value)
    missing = {A: {k: v for k, v in DEPTS[A].items() if k != "disclosed"}, B: DEPTS[B]}
    with pytest.raises(CaseError, match="缺少已按规定公开的绩效信息项数"):
        make(departments=missing)
    with pytest.raises(CaseError, match="由案例库统计"):
        make(departments={A: dict(DEPTS[A], monitored=1), B: DEPTS[B]})
    with pytest.raises(CaseError, match="未知的计数 key_projects"):
        make(departments={A: dict(DEPTS[A], key_projects=1), B: DEPTS[B]})
    with pytest.raises(CaseError, match="projects"):
        make(finance_offices={X: dict(OFFICES[X], projects=-1)})


def test_report_outline_tables_have_one_header_cell_per_column(library):
    from methods.report.document import Figure, Table, plain_text, walk

    a = work_assessment.analyse(make())
    doc = work_assessment.outline(a)
    assert tuple(s.title for s in doc.sections) == work_assessment.HEADINGS
    results = doc.sections[2]
    titles = [s.title for s in results.blocks]
    assert titles == [
        "（一）总体情况",
        "（二）部门考核得分和排名",
        "（三）下级财政部门考核得分和排名",
    ]
    for group_section, first in ((results.blocks[1], A), (results.blocks[2], Y)):
        ranking, figure, coverage = group_section.blocks
        assert [c.text for c in ranking.rows[0]][:2] == ["1", first]
        assert isinstance(figure, Figure) and figure.caption and figure.alt
        assert isinstance(coverage, Table)
        for table in (ranking, coverage):
            assert all(len(row) == len(table.header[0]) for row in table.rows)
    coverage = results.blocks[1].blocks[2]
    assert [c.text for c in coverage.header[0]] == [
        "部门", "考核指标", "完成数", "应完成数", "完成率", "得分",
    ]  # fmt: skip
    assert [c.text for c in coverage.rows[0]] == [A, "绩效目标质量", "2", "2", "100%", "25.00"]
    assert sum(isinstance(b, Figure) for b in walk(doc)) == 2
    # the body cites the assessment's own rule in Chinese; ids and codes only in the annex
    body = "".join(plain_text(s) for s in doc.sections[:-1])
    for internal in ("department_practice", "mof_2020", "unverified", "a_m0", "D1", "F1", "10号"):
        assert internal not in body
    assert "武发〔2020〕48号" in body and "（待核实）" in body
    annex = plain_text(doc.sections[-1])
    assert "department_practice" in annex and "a_m0" in annex and "finance_office_practice" in annex
    out = work_assessment.results(a)
    assert out["work_assessment"] == a.to_dict()
    assert out["findings"] == work_assessment.find(a).to_dict()


def test_findings_are_the_indicators_not_fully_met(library):
    """An indicator below 100 % in any unit is a problem, the one that lost most points first
    (both groups); one suggestion each, to the units concerned and the finance bureau."""
    a = work_assessment.analyse(make())
    fd = work_assessment.find(a)
    # lost: D4 5 + 20 = 25; D1 18.75; D2 20; D3 10; D5 10; F3 7.5; F5 7.5; F4 3
    assert [p.theme for p in fd.problems] == ["D4", "D2", "D1", "D3", "D5", "F3"]
    assert fd.problems[0].heading == "问题整改不到位，2个部门完成率均不足100%，其中1个为0。"
    assert fd.problems[0].facts[0] == (
        "问题整改完成率（按期整改到位的问题数÷评价、监控和审计发现的问题数）：甲局75%（3/4）；乙局0%（0/2）"
    )
    assert fd.advice[0].text.startswith("建议各被考核部门对评价、监控和审计发现的问题")
    assert fd.advice[1].text.startswith("建议乙局对预算执行中的项目")
    assert fd.advice[5].text.startswith("建议甲镇财政分局对本级预算项目开展绩效运行监控")
    assert work_assessment.cause_text(fd.problems[1]).startswith(
        "原因分析：被考核单位未提供相关说明"
    )
    full = {A: dict(DEPTS[A], consistent=2, rectified=4)}
    done = make(departments=full, finance_offices={Y: OFFICES[Y]})
    assert work_assessment.find(work_assessment.analyse(done)).problems == ()


def test_conclusion_golden_text(library):
    """考核结果 总体情况, word for word (computed in-process)."""
    a = work_assessment.analyse(make())
    assert work_assessment.conclusion(a) == (
        "经考核，2024年度预算绩效管理工作：（一）2个部门平均得分58.13分，考核等级为“良”1个、“差”1个，"
        "甲局得分最高（85.00分），乙局得分最低（31.25分）；各指标中问题整改平均完成率37.5%，为最低；"
        "（二）2个下级财政部门平均得分91.00分，考核等级为“优”1个、“良”1个，乙开发区财政分局得分最高"
        "（100.00分），甲镇财政分局得分最低（82.00分）；各指标中绩效运行监控覆盖平均完成率75%，为最低。"
        "主要问题集中在问题整改、绩效运行监控和绩效目标质量等方面。"
    )


def test_self_evaluation_quality_comes_from_the_archived_review(library):
    """绩效自评质量 (consistent ÷ checked) of a department the year's 自评复核 sampled is the
    review's count (武发〔2020〕48号: the finance bureau reviews 自评 and assesses departments on it);
    a department it did not sample gives its counts in the case. 甲: the 2024 review checked 4,
    3 consistent → 3/4 × 20 = 15 (the case's own 1/2 would give 10)."""
    fake_archive(
        library,
        "review_2024",
        "自评复核",
        year=2024,
        evaluation="self_evaluation_review",
        score=None,
        grade=None,
        extra={
            "self_evaluation_review": {
                "work_assessment_counts": {A: {"checked": 4, "consistent": 3}}
            }
        },
    )
    depts = {
        A: {k: v for k, v in DEPTS[A].items() if k not in ("checked", "consistent")},
        B: DEPTS[B],
    }
    a = work_assessment.analyse(make(departments=depts))
    cov = a.coverage.set_index(["department", "code"])
    assert cov.loc[(A, "D3"), "source"] == "review"
    assert (cov.loc[(A, "D3"), "count"], cov.loc[(A, "D3"), "denominator"]) == (3, 4)
    assert cov.loc[(A, "D3"), "score"] == 15
    assert cov.loc[(B, "D3"), "source"] == "case"
    # the case may not restate a reviewed department's counts …
    with pytest.raises(CaseError, match="自评复核结果统计"):
        work_assessment.analyse(make())
    # … and must give an unreviewed one's
    depts[B] = {k: v for k, v in DEPTS[B].items() if k != "checked"}
    with pytest.raises(CaseError, match="案例库中没有该单位 2024 年度的自评复核结果"):
        work_assessment.analyse(make(departments=depts))
