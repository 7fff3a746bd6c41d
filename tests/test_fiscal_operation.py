"""Government-level evaluation (evaluation: fiscal_operation): town scoring, the transfer pool's
equalisation base and 绩效奖补 (hand-worked numbers, the 良+ guarantee), bad input, and the report through
``jixiao run`` and plain papermill."""

import copy
import json

import numpy as np
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


# The design (methods/_data/fiscal_allocation.yaml, status practice: 武发〔2020〕48号 links the town
# results to 转移支付分配 but sets no formula): an equalisation base by need factors that the
# evaluation never moves, and a separate 绩效奖补 share moved by a score of what a town controls.


def test_base_and_award_by_hand():
    """Three towns, 1,000 万元, 10 % award, factor shares 0.14 / 0.26 / 0.60, 奖补得分 100 / 71.67
    / 100 (all above the 起奖分 60).

    base = 900 × s: 126, 234, 540. award = 100 × s·score / Σ s·score with s·score = 14, 18.6342,
    60 (sum 92.6342): 15.1132…, 20.1159…, 64.7709…; floored 15.11 + 20.11 + 64.77 = 99.99, the
    cent left goes to the largest remainder (乙 .59): 15.11, 20.12, 64.77."""
    x = pd.DataFrame({"人口": [10, 30, 60], "面积": [20, 20, 60]}, index=["甲", "乙", "丙"])
    score = {"甲": 100.0, "乙": 71.67, "丙": 100.0}
    a = fiscal.allocate(1000, x, {"人口": 0.6, "面积": 0.4}, score, award_share=0.1)
    assert a["base"].tolist() == [126.0, 234.0, 540.0]
    assert a["award"].tolist() == [15.11, 20.12, 64.77]
    assert a["allocation"].tolist() == [141.11, 254.12, 604.77]
    assert a["allocation"].sum() == pytest.approx(1000, abs=1e-9)


def test_award_threshold_by_hand():
    """乙 scores 55 < 60: no award; 甲 and 丙 share the 100 万元 by s·score = 14 and 54:
    100 × 14 / 68 = 20.588… → 20.59, 100 × 54 / 68 = 79.411… → 79.41."""
    x = pd.DataFrame({"人口": [10, 30, 60], "面积": [20, 20, 60]}, index=["甲", "乙", "丙"])
    a = fiscal.allocate(
        1000, x, {"人口": 0.6, "面积": 0.4}, {"甲": 100, "乙": 55, "丙": 90}, award_share=0.1
    )
    assert a["award"].tolist() == [20.59, 0.0, 79.41]
    assert a["allocation"].tolist() == [146.59, 234.0, 619.41]
    # nobody reaches the threshold: the award part joins the base (pure factor method)
    none = fiscal.allocate(1000, x, {"人口": 0.6, "面积": 0.4}, {"甲": 50, "乙": 40, "丙": 59},
                           award_share=0.1)  # fmt: skip
    assert none["allocation"].tolist() == [140.0, 260.0, 600.0]
    assert (none["award"] == 0).all()


def test_award_scores_by_hand():
    """管理得分 = Σ 得分 ÷ Σ 分值 × 100; with last year's 奖补得分, 改进得分 = min(管理 ÷ 上年, 1) × 100
    and 奖补得分 = 0.8 × 管理 + 0.2 × 改进 (上年水平 as the 历史标准)."""
    s = pd.DataFrame({"F22": [6.0, 4.5, 3.0], "F41": [7.0, 7.0, 5.0]}, index=["甲", "乙", "丙"])
    w = {"F22": 6, "F41": 7}
    # 甲 13/13 = 100; 乙 11.5/13 = 88.4615 → 88.46; 丙 8/13 = 61.538 → 61.54
    plain = fiscal.award_scores(s, w)
    assert plain["award_score"].tolist() == [100.0, 88.46, 61.54]
    # 上年 95 / 80 / 70: 改进 100, 100 (88.46 ≥ 80), 61.54 / 70 = 87.91;
    # 奖补 = 100; 0.8 × 88.46 + 20 = 90.768 → 90.77; 0.8 × 61.54 + 0.2 × 87.91 = 66.814 → 66.81
    prev = pd.Series({"甲": 95.0, "乙": 80.0, "丙": 70.0})
    better = fiscal.award_scores(s, w, prev, 0.2)
    assert better["improvement"].tolist() == [100.0, 100.0, 87.91]
    assert better["award_score"].tolist() == [100.0, 90.77, 66.81]


def test_good_grades_never_receive_less_than_their_base():
    """The guarantee: whatever the factor values, 奖补得分 and grades, a town graded 优 or 良 (every
    town, in fact) receives at least its base; and the amounts add up to the pool."""
    rng = np.random.default_rng(16)
    for _ in range(200):
        n = int(rng.integers(2, 15))
        towns = [f"镇{i}" for i in range(n)]
        x = pd.DataFrame(
            {"P": rng.uniform(0.5, 60, n), "G": rng.choice([0.0, 800.0, 5000.0], n)}, index=towns
        )
        x.iloc[0, 1] = 100.0  # G never sums to 0
        score = pd.Series(rng.uniform(0, 100, n), index=towns).round(2)
        grades = pd.Series(rng.choice(["优", "良", "中", "差"], n), index=towns)
        total = float(rng.integers(100, 100000))
        a = fiscal.allocate(total, x, {"P": 0.5, "G": 0.5}, score,
                            award_share=float(rng.uniform(0, 0.5)))  # fmt: skip
        assert fiscal.guarantee_breaches(a, grades, ("优", "良")) == []
        assert (a["allocation"] >= a["base"]).all()
        assert a["allocation"].sum() == pytest.approx(total, abs=1e-6)


def test_guarantee_check_names_the_town():
    a = pd.DataFrame({"base": [100.0, 80.0, 50.0], "allocation": [99.0, 81.0, 40.0]},
                     index=["甲", "乙", "丙"])  # fmt: skip
    grades = pd.Series({"甲": "良", "乙": "优", "丙": "中"})
    assert fiscal.guarantee_breaches(a, grades, ("优", "良")) == ["甲"]


def test_without_award_scores_the_factor_method_alone():
    x = pd.DataFrame({"人口": [1.0, 3.0]}, index=["甲", "乙"])
    a = fiscal.allocate(100, x, {"人口": 1.0})
    assert a["allocation"].tolist() == [25.0, 75.0]
    assert (a["award"] == 0).all()


def test_round_to_total_largest_remainder():
    assert fiscal.round_to_total([1 / 3, 1 / 3, 1 / 3], 1.0).tolist() == [0.34, 0.33, 0.33]
    assert fiscal.round_to_total([10.004, 9.996], 20.0).tolist() == [10.0, 10.0]


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
            "award": {"indicators": ["B", "C"]},
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
    # award indicators B and C (60 points): 管理得分 甲 60/60 = 100, 乙 (28 + 15)/60 = 71.67,
    # 丙 100 → the allocation worked by hand in test_base_and_award_by_hand; 乙 (中) keeps its base
    assert r.award_scores["award_score"].tolist() == [100.0, 71.67, 100.0]
    assert r.allocation["base"].tolist() == [126.0, 234.0, 540.0]
    assert r.allocation["allocation"].tolist() == [141.11, 254.12, 604.77]
    out = fiscal.results(r)
    assert out["total_score"] is None and out["indicators"] == []
    assert out["fiscal"]["allocation"]["amounts"] == {
        "甲镇": 141.11,
        "乙镇": 254.12,
        "丙镇": 604.77,
    }
    assert out["fiscal"]["towns"][1]["allocation"] == {
        "factor_share": pytest.approx(0.26),
        "base": 234.0,
        "management_score": 71.67,
        "improvement_score": None,
        "award_score": 71.67,
        "award": 20.12,
        "amount": 254.12,
    }


def test_example_decision_per_town():
    """The example: 13 units (12 镇（街道） and 武进经济开发区), 18,000 万元 of which 10 % 绩效奖补.
    The bases are the need factors alone; every town keeps its base; the award follows the 奖补得分
    (what a town controls), so 湖塘镇 (richest, 优) gets no more per 万元 of base than 遥观镇, and
    the poorest towns (雪堰镇, 湟里镇, 中) keep the equalisation money the old coefficient took."""
    r = fiscal.analyse(casefile.load_case(EXAMPLE))
    assert len(r.totals) == 13 and r.kinds["武进经济开发区"] == "开发区"
    assert r.totals["湖塘镇"] == 99.77 and r.grades["湖塘镇"] == "优"
    assert r.totals["湟里镇"] == 63.76 and r.grades["湟里镇"] == "中"
    assert r.grades.value_counts().to_dict() == {"优": 8, "中": 3, "良": 2}
    a = r.allocation
    # 湖塘镇 因素得分 = 0.35 × 52.3/150.3 + 0.15 × 38/250 + 0.2 × 63.2/891.8 + 0.3 × 0/33200
    share = 0.35 * 52.3 / 150.3 + 0.15 * 38 / 250 + 0.2 * 63.2 / 891.8
    assert a.loc["湖塘镇", "share"] == pytest.approx(share)
    assert a.loc["湖塘镇", "base"] == round(16200 * share, 2) == 2571.97
    # the award: 1,800 × s × 奖补得分 / Σ s × 奖补得分
    weighted = (a["share"] * r.award_scores["award_score"]).sum()
    assert a.loc["湖塘镇", "award"] == round(1800 * share * 99.90 / weighted, 2) == 307.52
    decision = {t: (float(a.loc[t, "base"]), float(a.loc[t, "award"])) for t in a.index}
    assert decision == {
        "湖塘镇": (2571.97, 307.52), "牛塘镇": (756.7, 89.7), "洛阳镇": (1028.54, 115.32),
        "遥观镇": (865.66, 103.61), "横林镇": (1199.58, 143.25), "横山桥镇": (1185.04, 127.56),
        "雪堰镇": (1867.58, 186.46), "前黄镇": (1506.51, 172.28), "礼嘉镇": (1115.73, 133.51),
        "嘉泽镇": (1283.86, 126.31), "湟里镇": (1396.29, 124.22), "南夏墅街道": (946.98, 113.34),
        "武进经济开发区": (475.56, 56.92),
    }  # fmt: skip
    assert a["base"].sum() == pytest.approx(16200) and a["award"].sum() == pytest.approx(1800)
    assert a["allocation"].sum() == pytest.approx(18000, abs=1e-6)
    # every town — 良 included — receives at least its base
    assert (a["allocation"] >= a["base"]).all()
    assert fiscal.guarantee_breaches(a, r.grades, r.award.guaranteed) == []
    # endowment indicators never enter the 奖补得分
    assert set(r.award.indicators) == {"F22", "F23", "F24", "F25", "F32", "F41"}
    assert {"F11", "F12", "F33", "F34", "F42"} <= set(r.award.context)


def test_retired_coefficient_and_endowment_indicators_are_refused():
    raw = small_case()
    raw["allocation"]["coefficient"] = "grade_110_090"
    with pytest.raises(CaseError, match="已停用") as info:
        casefile.validate_mapping(raw)
    assert info.value.field.startswith("allocation.coefficient")
    raw = small_case()
    raw["allocation"]["award"] = {"indicators": ["B", "A"]}  # A 税收收入占比: 收入质量
    with pytest.raises(CaseError, match="A（税收收入占比）属于财力禀赋类指标") as info:
        casefile.validate_mapping(raw)
    assert info.value.field.startswith("allocation.award.indicators[1]")


def test_last_year_scores_for_all_towns_or_none():
    raw = small_case()
    raw["towns"][0]["prev_award"] = 90
    with pytest.raises(CaseError, match="全部镇（街道）给出或全部省略：乙镇、丙镇缺少"):
        casefile.validate_mapping(raw)


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
            lambda r: r["allocation"].update(award={"indicators": ["X"]}),
            "allocation.award.indicators[0]",
            "奖补指标 'X' 不在指标体系中",
        ),
        (
            lambda r: r["allocation"].update(award_share=1.0),
            "allocation.award_share",
            "绩效奖补比例应小于 1",
        ),
        (
            lambda r: r["towns"][0].update(kind="村"),
            "towns[0].kind",
            "应为 '镇', '街道' or '开发区'",
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
    application = doc.sections[6]
    # the mechanics in one sentence a town head understands, before the tables
    first = plain_text(application.blocks[0])
    assert first.startswith(
        "转移支付资金1,000.00万元分两块：900.00万元（90%）是基础额，按常住人口和行政区域面积测算"
    )
    assert "评价结果不影响这部分" in first and "不少于基础额" in first
    subs = [b for b in application.blocks if isinstance(b, Section)]
    assert [s.title for s in subs] == [
        "（一）分配办法",
        "（二）分配因素与因素得分",
        "（三）基础额、奖补额和分配结果（金额单位：万元）",
    ]
    result_table = next(b for b in subs[2].blocks if isinstance(b, Table))
    assert [c.text for c in result_table.header[0]] == [
        "镇（街道）", "基础额", "评价等级", "管理得分", "奖补得分", "奖补额", "分配额"
    ]  # fmt: skip
    assert [[c.text for c in row] for row in result_table.rows[:1]] == [
        ["丙镇", "540.00", "优", "100.00", "100.00", "64.77", "604.77"]
    ]
    assert [row[6].text for row in result_table.rows] == ["604.77", "254.12", "141.11", "1,000.00"]
    # a redistribution is never presented as an achievement
    assert "高于因素法基础额" not in text and "绩效系数" not in plain_text(application)
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
    "经评价，2023年度武进区镇（街道）财政运行综合绩效平均得分89.43分，参评12个镇（街道）和1个开发区中"
    "得分最高的是湖塘镇（99.77分），最低的是湟里镇（63.76分）；评价等级为“优”8个、“良”2个、“中”3个。"
    "从各方面看，财力与职能匹配性、支出结构与效果平均得分率较高（分别为97.61%、91.42%），收入结构与质量、"
    "财力分布与可持续性相对薄弱（分别为85.45%、86.67%）。各镇（街道）在收入质量与增长、支出结构与效率"
    "和债务风险等方面存在不足：9个镇（街道）一般公共预算收入增长率未达到5%的目标；5个镇（街道）"
    "“三公”经费变动率高于0%的控制目标；4个镇（街道）政府债务率高于100%的标准。嘉泽镇、雪堰镇、湟里镇"
    "评价等级为“中”，主要在财力分布与可持续性、收入结构与质量方面失分较多。2024年度镇（街道）均衡性"
    "转移支付（18,000.00万元）中的均衡性基础额16,200.00万元按需求因素分配，不与评价结果挂钩；"
    "绩效奖补1,800.00万元按各镇（街道）可控的预算管理与执行、“三保”保障、债务风险化解、绩效管理工作等"
    "管理工作得分分配。"
)


def test_example_conclusion_golden_text():
    """The 综合评价结论 of the example, word for word (official prose, no internals, no 10号)."""
    r = fiscal.analyse(casefile.load_case(EXAMPLE))
    assert fiscal.findings.conclusion(r) == EXAMPLE_CONCLUSION
    assert [p.theme for p in r.findings.problems] == [
        "revenue", "spending", "debt", "sustainability", "basic"
    ]  # fmt: skip
    assert [a.heading() for a in r.findings.advice][2] == "制定化债方案，防范债务风险（针对问题3）"
