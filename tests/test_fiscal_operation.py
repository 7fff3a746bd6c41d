"""Government-level evaluation (evaluation: fiscal_operation): town scoring, the factor-method
allocation with a performance coefficient (hand-worked numbers), bad input, and the report through
``jixiao run`` and plain papermill."""

import copy
import json

import pandas as pd
import pytest
import yaml

from methods import casefile
from methods.errors import CaseError
from methods.evaltypes import fiscal_operation as fiscal

from .conftest import EXAMPLES, plain_papermill, run_cli

EXAMPLE = EXAMPLES / "wujin_town_fiscal_2023.yaml"


# ---------------------------------------------------------------------------------------------
# The allocation rule, by hand


def test_factor_shares_by_hand():
    x = pd.DataFrame({"人口": [10, 30, 60], "面积": [20, 20, 60]}, index=["甲", "乙", "丙"])
    s = fiscal.factor_shares(x, {"人口": 0.6, "面积": 0.4})
    # 甲 0.6 × 10/100 + 0.4 × 20/100 = 0.14; 乙 0.18 + 0.08 = 0.26; 丙 0.36 + 0.24 = 0.60
    assert s.round(10).to_dict() == {"甲": 0.14, "乙": 0.26, "丙": 0.6}


def test_allocation_with_performance_coefficient_by_hand():
    x = pd.DataFrame({"人口": [10, 30, 60], "面积": [20, 20, 60]}, index=["甲", "乙", "丙"])
    a = fiscal.allocate(1000, x, {"人口": 0.6, "面积": 0.4}, {"甲": 1.1, "乙": 0.95, "丙": 1.1})
    # s·c = 0.154, 0.247, 0.660 (sum 1.061); 1000 × 0.154 / 1.061 = 145.146…,
    # 1000 × 0.247 / 1.061 = 232.799…, 1000 × 0.66 / 1.061 = 622.054…; the two cents left after
    # flooring go to the largest remainders (乙 .92, 甲 .61): 145.15 + 232.80 + 622.05 = 1000
    assert a["base"].round(6).tolist() == [140.0, 260.0, 600.0]
    assert a["allocation"].tolist() == [145.15, 232.8, 622.05]
    assert a["allocation"].sum() == pytest.approx(1000, abs=1e-9)
    assert a["change"].tolist() == [5.15, -27.2, 22.05]


def test_without_coefficients_the_factor_method_alone():
    x = pd.DataFrame({"人口": [1.0, 3.0]}, index=["甲", "乙"])
    a = fiscal.allocate(100, x, {"人口": 1.0})
    assert a["allocation"].tolist() == [25.0, 75.0]
    assert (a["change"] == 0).all()


def test_round_to_total_largest_remainder():
    assert fiscal.round_to_total([1 / 3, 1 / 3, 1 / 3], 1.0).tolist() == [0.34, 0.33, 0.33]
    assert fiscal.round_to_total([10.004, 9.996], 20.0).tolist() == [10.0, 10.0]


def test_coefficient_presets():
    grade = fiscal.coefficient_rule("grade_110_090")
    assert [grade(0, g) for g in ("优", "良", "中", "差")] == [1.10, 1.00, 0.95, 0.90]
    assert fiscal.coefficient_rule() == grade  # the default preset
    linear = fiscal.coefficient_rule("linear_60_100")
    # 0.90 + (score − 60) / 40 × 0.20, clipped at 60 and 100
    assert linear(80) == pytest.approx(1.0)
    assert linear(95) == pytest.approx(1.075)
    assert (linear(50), linear(100), linear(120)) == (0.9, 1.1, 1.1)
    custom = fiscal.coefficient_rule({"method": "grade", "map": {"优": 1.2, "良": 1, "中": 0.9}})
    assert custom(0, "优") == 1.2 and custom.status == "case"
    with pytest.raises(ValueError, match="未知的绩效系数预设"):
        fiscal.coefficient_rule("nope")
    with pytest.raises(ValueError, match="score_high"):
        fiscal.coefficient_rule(
            {"method": "linear", "score_low": 90, "score_high": 60, "low": 1, "high": 2}
        )


# ---------------------------------------------------------------------------------------------
# Town scoring


def small_case(**changes):
    raw = {
        "case_id": "t",
        "title": "测试镇",
        "year": 2023,
        "department": "区财政局",
        "evaluation": "fiscal_operation",
        "budget_type": "general_public",
        "object_type": "government",
        "indicators": [
            {"code": "A", "name": "税收收入占比", "level1": "收入结构与质量", "level2": "收入质量",
             "weight": 25, "rule": "positive", "target": 80, "unit": "%"},
            {"code": "B", "name": "民生支出占比", "level1": "支出结构与效果", "level2": "支出结构",
             "weight": 30, "rule": "positive", "target": 75, "unit": "%"},
            {"code": "C", "name": "政府债务率", "level1": "财力分布与可持续性", "level2": "债务风险",
             "weight": 30, "rule": "reverse", "target": 100, "unit": "%"},
            {"code": "D", "name": "人均可用财力相对水平", "level1": "财力与职能匹配性",
             "level2": "财力均衡", "weight": 15, "rule": "range", "target": [80, 120],
             "unit": "%", "relative": "mean", "raw_unit": "万元/人"},
        ],
        "towns": [
            {"name": "甲镇", "values": {"A": 80, "B": 75, "C": 90, "D": 1.0},
             "factors": {"P": 10, "S": 20}},
            {"name": "乙镇", "values": {"A": 60, "B": 70, "C": 150, "D": 2.0},
             "factors": {"P": 30, "S": 20}},
            {"name": "丙镇", "values": {"A": 72, "B": 78, "C": 100, "D": 3},
             "factors": {"P": 60, "S": 60}},
        ],
        "allocation": {
            "total": 1000,
            "factors": [
                {"code": "P", "name": "常住人口", "weight": 0.6},
                {"code": "S", "name": "行政区域面积", "weight": 0.4},
            ],
        },
    }  # fmt: skip
    raw.update(changes)
    return raw


def test_towns_scored_by_hand():
    r = fiscal.analyse(casefile.validate_mapping(small_case()))
    s = r.scores
    # 乙: A 60/80 × 25 = 18.75; B 70/75 × 30 = 28; C (1 − 50/100) × 30 = 15 (reverse, linear)
    assert (s.loc["乙镇", "A"], s.loc["乙镇", "B"], s.loc["乙镇", "C"]) == (18.75, 28.0, 15.0)
    # D relative to the mean 2.0: 甲 50% → 50/80 × 15 = 9.375 → 9.38; 乙 100% → 15;
    # 丙 150% → 120/150 × 15 = 12
    assert r.actual["D"].tolist() == [50.0, 100.0, 150.0]
    assert s["D"].tolist() == [9.38, 15.0, 12.0]
    assert r.totals.to_dict() == {"甲镇": 94.38, "乙镇": 76.75, "丙镇": 94.5}
    assert r.grades.to_dict() == {"甲镇": "优", "乙镇": "中", "丙镇": "优"}
    # grades → 1.10 / 0.95 / 1.10: the allocation worked by hand above
    assert r.allocation["allocation"].tolist() == [145.15, 232.8, 622.05]
    out = fiscal.results(r)
    assert out["total_score"] is None and out["indicators"] == []
    assert out["fiscal"]["allocation"]["amounts"] == {"甲镇": 145.15, "乙镇": 232.8, "丙镇": 622.05}
    assert out["fiscal"]["towns"][1]["allocation"]["coefficient"] == 0.95


def test_linear_coefficient_in_the_case():
    raw = small_case()
    raw["allocation"]["coefficient"] = "linear_60_100"
    r = fiscal.analyse(casefile.validate_mapping(raw))
    # 甲 94.38 → 0.9 + 34.38/40 × 0.2 = 1.0719; 乙 76.75 → 0.98375; 丙 94.5 → 1.0725
    assert r.allocation["coefficient"].round(6).tolist() == [1.0719, 0.98375, 1.0725]
    assert r.allocation["allocation"].sum() == pytest.approx(1000)


def test_example_towns_and_allocation():
    r = fiscal.analyse(casefile.load_case(EXAMPLE))
    assert len(r.totals) == 12
    assert r.totals["湖塘镇"] == 99.77 and r.grades["湖塘镇"] == "优"
    assert r.totals["湟里镇"] == 64.0 and r.grades["湟里镇"] == "中"
    assert r.grades.value_counts().to_dict() == {"优": 7, "中": 3, "良": 2}
    a = r.allocation
    assert a["allocation"].sum() == pytest.approx(18000, abs=1e-6)
    # 湖塘镇 因素得分 = 0.35 × 52.3/143.8 + 0.15 × 38/242 + 0.2 × 63.2/849.8 + 0.3 × 0/33200
    share = 0.35 * 52.3 / 143.8 + 0.15 * 38 / 242 + 0.2 * 63.2 / 849.8
    assert a.loc["湖塘镇", "share"] == pytest.approx(share)
    assert a.loc["湖塘镇", "base"] == pytest.approx(18000 * share)
    weighted = (a["share"] * a["coefficient"]).sum()
    assert a.loc["湖塘镇", "allocation"] == round(18000 * share * 1.1 / weighted, 2) == 3155.61
    # 中 towns lose, 优 towns gain against the pure factor method
    assert (a.loc[r.grades == "中", "change"] < 0).all()
    assert (a.loc[r.grades == "优", "change"] > 0).all()


# ---------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (
            lambda r: r["allocation"]["factors"][0].update(weight=0.5),
            "allocation.factors",
            "权重之和应为 1",
        ),
        (lambda r: r["towns"][1]["values"].pop("B"), "towns[1].values", "“乙镇”缺少指标 B"),
        (
            lambda r: r["towns"][0]["values"].update(X=1),
            "towns[0].values.X",
            "不在指标体系中",
        ),
        (lambda r: r["towns"][2]["factors"].pop("S"), "towns[2].factors", "缺少分配因素 S"),
        (lambda r: r["towns"][1].update(name="甲镇"), "towns[1]", "重复出现"),
        (
            lambda r: r["allocation"].update(
                coefficient={"method": "grade", "map": {"优": 1.1, "良": 1.0}}
            ),
            "allocation.coefficient",
            "缺少等级 中、差",
        ),
        (
            lambda r: r["allocation"].update(coefficient="nope"),
            "allocation.coefficient",
            "未知的绩效系数预设",
        ),
        (lambda r: r["indicators"][0].update(weight=20), "indicators", "应为 25 分"),
        (
            lambda r: r["indicators"][0].update(rule="qualitative"),
            "indicators[0]（A）.rule",
            "取值",
        ),
        (lambda r: r["indicators"][3].update(target=90), "indicators[3]", "[下限, 上限]"),
        (lambda r: r.update(towns=r["towns"][:1]), "towns", "至少需要 2 个"),
        (lambda r: r.update(towns="missing.csv"), "towns", "数据文件不存在"),
        (lambda r: r.update(framework="nope"), "framework", "未知的指标框架"),
    ],
)
def test_bad_fiscal_cases(mutate, field, message):
    raw = copy.deepcopy(small_case())
    mutate(raw)
    with pytest.raises(CaseError, match=message.replace("[", r"\[").replace("]", r"\]")) as info:
        casefile.validate_mapping(raw, source="f.yaml", base_dir=EXAMPLES)
    assert info.value.field.startswith(field)


def test_bad_town_file_names_the_row(tmp_path):
    data = (EXAMPLES / "fiscal" / "wujin_towns_fiscal_2023.csv").read_text(encoding="utf-8")
    lines = data.splitlines()
    lines[3] = lines[3].replace(",78.4,", ",,", 1)  # 洛阳镇 F11 missing
    (tmp_path / "towns.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["towns"] = "towns.csv"
    case_file = tmp_path / "bad_fiscal.yaml"
    case_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CaseError, match="towns.csv 第 4 行：“洛阳镇”缺少指标 F11") as info:
        casefile.validate(case_file)
    # the error's line is the case file's `towns:` line, not the CSV row
    towns_line = next(
        i
        for i, text in enumerate(case_file.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("towns:")
    )
    assert info.value.line == towns_line
    proc = run_cli("validate", case_file)
    assert proc.returncode == 2
    assert f"bad_fiscal.yaml:{towns_line}: towns" in proc.stderr
    assert "towns.csv 第 4 行" in proc.stderr and "洛阳镇" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_gbk_town_file_is_read(tmp_path):
    """Town files saved by Excel on Chinese Windows (GBK) score the same as the UTF-8 original."""
    data = (EXAMPLES / "fiscal" / "wujin_towns_fiscal_2023.csv").read_text(encoding="utf-8")
    (tmp_path / "towns.csv").write_bytes(data.encode("gb18030"))
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["towns"] = "towns.csv"
    case_file = tmp_path / "gbk_fiscal.yaml"
    case_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    gbk = fiscal.analyse(casefile.load_case(case_file))
    assert gbk.scores.equals(fiscal.analyse(casefile.load_case(EXAMPLE)).scores)


def test_case_template_validates(tmp_path):
    """``jixiao new fiscal_operation`` gives a commented template that validates as it stands."""
    from methods import templates

    path = tmp_path / "new.yaml"
    path.write_text(templates.case_template("fiscal_operation"), encoding="utf-8")
    case = casefile.validate(path)
    assert case.evaluation == "fiscal_operation"


# ---------------------------------------------------------------------------------------------
# The report


@pytest.fixture(scope="module")
def archived(demo_library):
    return demo_library / "2023" / "wujin_town_fiscal_2023"


@pytest.mark.notebook
def test_jixiao_run_archives_a_chinese_report(archived):
    res = json.loads((archived / "results.json").read_text(encoding="utf-8"))
    assert res["evaluation"] == "fiscal_operation"
    assert res["total_score"] is None and res["grade"] is None
    expected = fiscal.analyse(casefile.load_case(EXAMPLE))
    assert res["fiscal"]["allocation"]["amounts"] == expected.allocation["allocation"].to_dict()
    assert {
        t["name"]: t["total_score"] for t in res["fiscal"]["towns"]
    } == expected.totals.to_dict()
    assert res["findings"]["problems"] and len(res["findings"]["problems"]) <= 6
    html = (archived / "report.html").read_text(encoding="utf-8")
    for heading in (*fiscal.HEADINGS, "国家层面没有统一的财政运行综合绩效评价指标体系", "主要成效"):
        assert heading in html
    assert "财预〔2020〕10号" not in html  # the 10号 grade bands are for 项目支出, not towns
    assert "Traceback" not in html and "data:image/png;base64," in html
    assert (archived / "data" / "fiscal" / "wujin_towns_fiscal_2023.csv").is_file() or any(
        p.name == "wujin_towns_fiscal_2023.csv" for p in archived.rglob("*.csv")
    )


@pytest.mark.notebook
def test_plain_papermill_gives_the_same_allocation(archived, tmp_path):
    plain = plain_papermill(EXAMPLE, tmp_path)
    res = json.loads((archived / "results.json").read_text(encoding="utf-8"))
    assert plain["fiscal"]["towns"] == res["fiscal"]["towns"]
    assert plain["fiscal"]["allocation"] == res["fiscal"]["allocation"]


# ---------------------------------------------------------------------------------------------
# The report outline (document blocks, no HTML)


def test_report_outline_is_made_of_document_blocks():
    from methods.report.document import Figure, Section, Table, plain_text, walk

    r = fiscal.analyse(casefile.validate_mapping(small_case()))
    doc = fiscal.outline(r)
    titles = [s.title for s in doc.sections]
    assert titles == [build.__doc__.strip() for build in fiscal.OUTLINE] == list(fiscal.HEADINGS)
    assert titles[6] == "七、评价结果应用"
    text = plain_text(doc)
    assert "国家层面没有统一的财政运行综合绩效评价指标体系" in text
    assert "具体指标、分值和目标值由评价方案确定。" in text  # the case gives its own indicators
    assert "<p" not in text and "<b>" not in text and "<table" not in text
    figures = [b for b in walk(doc) if isinstance(b, Figure)]
    assert len(figures) == 3 and all(f.caption and f.alt and f.png for f in figures)
    # 附件1 holds one table per level-1 indicator: value (relative value) → score
    sheet = [b for b in doc.sections[8].blocks if isinstance(b, Section)]
    detail = [b for b in sheet[1].blocks if isinstance(b, Section)]
    assert [s.title for s in detail] == [f"{i}. {x}" for i, x in enumerate(r.level1.columns, 1)]
    assert detail[3].blocks[0].rows[0][1].text == "1万元/人（50%） → 9.38"
    subs = [b for b in doc.sections[6].blocks if isinstance(b, Section)]
    assert [s.title for s in subs] == [
        "（一）分配办法",
        "（二）分配因素与因素得分",
        "（三）绩效调节与分配结果（金额单位：万元）",
    ]
    result_table = next(b for b in subs[2].blocks if isinstance(b, Table))
    assert [row[6].text for row in result_table.rows] == ["622.05", "232.80", "145.15", "1,000.00"]
    assert result_table.rows[1][7].text == "-27.20" and 6 in result_table.numeric
    # the body names no indicator code, status code or formula variable; the annex does
    body = plain_text(Document_of(doc.sections[:-1]))
    annex = plain_text(doc.sections[-1])
    for internal in ("unverified", "practice", "分配额_i", "案例编号", "（A）"):
        assert internal not in body
    assert "分配额_i" in annex and "案例编号：t" in annex


def Document_of(sections):
    from methods.report.document import Document

    return Document("", (), list(sections))


def test_report_without_allocation_says_so():
    from methods.report.document import Figure, plain_text, walk

    raw = small_case()
    del raw["allocation"]
    for town in raw["towns"]:
        del town["factors"]
    r = fiscal.analyse(casefile.validate_mapping(raw))
    section = fiscal.section_application(r)
    assert plain_text(section).endswith("本次评价结果未与转移支付分配挂钩（未提供分配方案）。")
    assert sum(isinstance(b, Figure) for b in walk(fiscal.outline(r))) == 2
    assert "挂钩" not in fiscal.findings.conclusion(r)


# ---------------------------------------------------------------------------------------------
# Findings: problems from the towns' shortfalls, one suggestion each, the conclusion in prose


def test_small_case_findings_by_hand():
    """Material indicators are those whose towns' mean 得分率 is below 90% or where a town
    scores below 60%: 税收 (乙 75%, 丙 90%: mean 88.3%), 债务率 (乙 50%) and 人均财力 (甲 62.5%,
    丙 80%: mean 80.8%); 民生 (乙 93%, mean 97.8%) is left to the indicator analysis."""
    r = fiscal.analyse(casefile.validate_mapping(small_case()))
    fd = r.findings
    assert [p.theme for p in fd.problems] == ["revenue", "debt", "balance"]
    assert (
        fd.problems[1].heading
        == "部分镇（街道）债务风险较高，1个镇（街道）政府债务率高于100%的标准。"
    )
    assert fd.problems[1].facts == ("政府债务率高于100%标准的有1个镇（街道）：乙镇150%",)
    assert fd.problems[1].cause_text.endswith("政府债务率高于标准的原因有待进一步核实。")
    assert [a.problem for a in fd.advice] == [1, 2, 3]
    assert fd.advice[1].text.startswith("建议乙镇制定债务风险化解方案")
    assert "区财政局" in fd.advice[1].text
    assert set(fd.minor) == {"B"}
    assert fd.advice[2].text.startswith("建议区财政局在财政体制和转移支付安排中统筹考虑甲镇、丙镇")


def test_explicit_findings_keep_their_cause_and_advice():
    raw = small_case(
        findings=[
            {
                "title": "乙镇存在违规举债",
                "kind": "compliance",
                "facts": ["乙镇2023年新增隐性债务1,200万元"],
                "cause": "乙镇为平台公司融资提供担保",
                "indicators": ["C"],
                "advice": "建议乙镇于2024年6月底前解除担保并报区财政局。",
            }
        ]
    )
    r = fiscal.analyse(casefile.validate_mapping(raw))
    first = r.findings.problems[0]
    assert first.kind == "compliance" and first.heading == "乙镇存在违规举债。"
    assert first.facts[:2] == (
        "乙镇2023年新增隐性债务1,200万元",
        "政府债务率高于100%标准的有1个镇（街道）：乙镇150%",
    )
    assert first.cause_text == "原因分析：乙镇为平台公司融资提供担保。"
    assert r.findings.advice[0].text == "建议乙镇于2024年6月底前解除担保并报区财政局。"
    assert all(p.theme != "debt" for p in r.findings.problems[1:])  # the indicator is claimed


EXAMPLE_CONCLUSION = (
    "经评价，2023年度武进区镇（街道）财政运行综合绩效平均得分88.73分，参评12个镇（街道）中得分最高的是"
    "湖塘镇（99.77分），最低的是湟里镇（64.00分）；评价等级为“优”7个、“良”2个、“中”3个。从各方面看，"
    "财力与职能匹配性、支出结构与效果平均得分率较高（分别为98.25%、90.88%），收入结构与质量、"
    "财力分布与可持续性相对薄弱（分别为84.24%、85.56%）。各镇（街道）在收入质量与增长、支出结构与效率"
    "和债务风险等方面存在不足：9个镇（街道）一般公共预算收入增长率未达到5%的目标；5个镇（街道）"
    "“三公”经费变动率高于0%的控制目标；4个镇（街道）政府债务率高于100%的标准。嘉泽镇、雪堰镇、湟里镇"
    "评价等级为“中”，主要在财力分布与可持续性、收入结构与质量方面失分较多。评价结果已通过绩效系数与"
    "2024年度镇（街道）均衡性转移支付（18,000.00万元）的分配挂钩，7个镇（街道）分配额高于因素法基础额，"
    "5个低于基础额。"
)


def test_example_conclusion_golden_text():
    """The 综合评价结论 of the example, word for word (official prose, no internals, no 10号)."""
    r = fiscal.analyse(casefile.load_case(EXAMPLE))
    assert fiscal.findings.conclusion(r) == EXAMPLE_CONCLUSION
    assert [p.theme for p in r.findings.problems] == [
        "revenue", "spending", "debt", "sustainability", "basic"
    ]  # fmt: skip
    assert [a.heading() for a in r.findings.advice][2] == "制定化债方案，防范债务风险（针对问题3）"
