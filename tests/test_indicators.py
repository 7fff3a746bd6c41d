"""The indicator library (指标库): data files, validation, search, lookup, case-file references, and
that every indicator converts to a case indicator the scoring engine accepts."""

import re
import textwrap

import pytest

from methods import casefile, indicators, scoring
from methods._resources import data_path
from methods.errors import CaseError

LIBRARY = data_path("indicators")
ALL = indicators.load()
CODES = list(ALL["code"])
REQUIRED_SECTORS = [
    "教育",
    "卫生健康",
    "农业农村",
    "生态环境",
    "交通运输",
    "社会保障和就业",
    "文化旅游体育",
    "科技",
    "住房城乡建设",
    "一般公共服务",
]
PROJECT_LEVELS = {"决策", "过程", "产出", "效益", "满意度"}


# ---------------------------------------------------------------------------------------------
# Contents


def test_size_and_sectors():
    assert len(ALL) >= 150
    names = indicators.sectors()
    assert len(names) >= 10
    assert names[0] == "共性指标"
    for sector in [*REQUIRED_SECTORS, "水利", "应急管理", "商务和产业扶持"]:
        assert sector in names
        assert len(indicators.load(sector)) >= 10, sector
    assert set(ALL["sector"]) == set(names)
    info = indicators.sector_info()
    assert info["count"].sum() == len(ALL)


def test_codes_unique_and_well_formed():
    assert ALL["code"].is_unique
    info = indicators.sector_info()
    prefixes = dict(zip(info["sector"], info["prefix"], strict=True))
    for row in ALL.itertuples():
        m = re.fullmatch(r"([A-Z]{2})-([JGCXMB])-(\d{3})", row.code)
        assert m, row.code
        assert m.group(1) == prefixes[row.sector], row.code
        assert m.group(2) == indicators.LEVELS[row.level1][0], row.code


def test_rules_and_fields_complete():
    for rec in (indicators.get(code) for code in CODES):
        for key in indicators.REQUIRED:
            assert isinstance(rec[key], str), (rec["code"], key)
            if key != "unit":
                assert rec[key].strip(), (rec["code"], key)
        assert rec["rule"] in casefile.RULES
        variants = casefile.VARIANTS.get(rec["rule"])
        assert (rec["variant"] in variants) if variants else rec["variant"] is None, rec["code"]
        assert (rec["points_per_unit"] is not None) == (rec["rule"] == "deduction"), rec["code"]
        assert rec["standard"] in ("计划标准", "行业标准", "历史标准", "其他标准")
        assert rec["direction"] in ("正向", "反向", "区间", "定性", "等于")
        assert rec["level2"] in indicators.LEVELS[rec["level1"]][1]
        if rec["rule"] in ("positive", "reverse", "equal", "range", "deduction"):
            assert rec["unit"] or "系数" in rec["name"], rec["code"]  # only 系数 lack a unit
        if rec["rule"] == "checklist":
            assert rec["checkpoints"], rec["code"]
        if rec["rule"] == "range":
            lo, hi = rec["typical_target"]
            assert 0 <= lo <= hi


def test_every_rule_is_used():
    assert set(ALL["rule"]) == set(casefile.RULES)
    assert {"linear", "ratio", "over", "under", "proportional"} <= set(ALL["variant"].dropna())


def test_department_indicators_with_deduction_rules():
    by_name = {indicators.get(c)["name"]: indicators.get(c) for c in CODES if "-B-" in c}
    staff = by_name["在职人员控制率"]
    assert (staff["rule"], staff["variant"], staff["points_per_unit"]) == ("deduction", "over", 0.5)
    assert staff["typical_target"] == 100
    three = by_name["“三公”经费变动率"]
    assert (three["rule"], three["points_per_unit"], three["typical_target"]) == (
        "deduction",
        0.8,
        0,
    )
    assert by_name["重点支出安排率"]["rule"] == "deduction"
    assert by_name["结转结余率"]["rule"] == "deduction"
    levels = {r["level1"] for r in by_name.values()}
    assert levels == {
        "运行成本",
        "管理效率",
        "履职效能",
        "社会效应",
        "可持续发展能力",
        "服务对象满意度",
    }


def test_files_say_they_are_reference_defaults():
    files = sorted(LIBRARY.glob("*.yaml"))
    assert len(files) == len(indicators.sectors())
    for path in files:
        text = path.read_text(encoding="utf-8")
        header = "".join(line for line in text.splitlines(True) if line.startswith("#"))
        assert "参考指标" in header and "非官方" in header, path.name
        assert "practice/unverified" in header, path.name
        assert re.search(r"^status: practice/unverified$", text, re.M), path.name
    readme = (LIBRARY / "README.md").read_text(encoding="utf-8")
    assert "非官方" in readme and "practice/unverified" in readme


def test_load_is_a_copy_and_filters_by_alias_or_prefix():
    df = indicators.load()
    df.loc[0, "name"] = "改掉"
    assert indicators.load().loc[0, "name"] != "改掉"
    assert list(df.columns[:16]) == [
        "code",
        "name",
        "sector",
        "level1",
        "level2",
        "definition",
        "formula",
        "unit",
        "direction",
        "rule",
        "variant",
        "points_per_unit",
        "source",
        "standard",
        "typical_target",
        "target_basis",
    ]
    assert "keywords" in df
    edu = indicators.load("教育")
    assert set(edu["sector"]) == {"教育"}
    assert len(indicators.load("JY")) == len(edu)
    assert set(indicators.load("城乡建设")["sector"]) == {"住房城乡建设"}
    with pytest.raises(ValueError, match="未知的领域"):
        indicators.load("航天")


def test_read_library_matches_load():
    assert indicators.read_library(LIBRARY)["code"].tolist() == CODES


# ---------------------------------------------------------------------------------------------
# Search


def test_search_satisfaction_in_several_sectors():
    hits = indicators.search("满意度", limit=None)
    assert hits["sector"].nunique() >= 8
    sat = hits[hits["level2"] == "服务对象满意度"]
    assert sat["sector"].nunique() >= 10
    assert {"match", "rank"} <= set(hits.columns)
    assert len(indicators.search("满意度")) == 20  # default limit
    assert len(indicators.search("满意度", limit=3)) == 3


def test_search_ranking_exact_name_then_name_then_keyword_then_definition():
    hits = indicators.search("服务对象满意度", limit=None)
    assert hits.loc[0, "code"] == "GX-M-001"
    assert hits.loc[0, "match"] == "名称（完全一致）"
    assert list(hits["rank"]) == sorted(hits["rank"])
    order = {"名称（完全一致）": 1, "名称": 2, "关键词": 3, "二级指标": 4, "指标解释": 5}
    ranks = [order[m] for m in hits["match"]]
    assert ranks == sorted(ranks)
    assert "二级指标" in set(hits["match"])  # e.g. 受益农户满意度 via level2


def test_search_keyword_synonym():
    hits = indicators.search("家医")
    assert "WJ-C-001" in set(hits["code"])
    assert set(hits["match"]) == {"关键词"}
    assert indicators.search("保租房").loc[0, "code"] == "ZJ-C-005"
    assert indicators.search("好差评").loc[0, "code"] == "GF-M-001"


def test_search_normalises_width_case_and_quotes():
    for query in ("PM2.5", "pm2.5", "ＰＭ２．５"):
        assert indicators.search(query).loc[0, "code"] == "ST-X-001"
    hits = indicators.search("三公经费")
    assert hits.loc[0, "code"] == "GX-B-002" and hits.loc[0, "match"] == "名称"
    assert indicators.search("jy-c-005").loc[0, "code"] == "JY-C-005"


def test_search_definition_sector_filter_and_terms():
    hits = indicators.search("床日数")
    assert hits.loc[0, "code"] == "WJ-C-010" and hits.loc[0, "match"] == "指标解释"
    hits = indicators.search("满意度", sector="卫健", limit=None)
    assert set(hits["sector"]) == {"卫生健康"} and len(hits) >= 2
    both = indicators.search("满意度 教育", limit=None)
    assert set(both["sector"]) == {"教育"}
    assert indicators.search("不存在的指标词").empty
    with pytest.raises(ValueError):
        indicators.search("  ")
    with pytest.raises(ValueError):
        indicators.search("满意度", limit=0)


# ---------------------------------------------------------------------------------------------
# Lookup


def test_get_returns_a_copy():
    rec = indicators.get("jy-c-005 ")
    assert rec["code"] == "JY-C-005" and rec["name"] == "义务教育学校标准化达标率"
    assert rec["sector"] == "教育" and rec["level1"] == "产出"
    rec["keywords"].append("x")
    rec["name"] = "x"
    assert indicators.get("JY-C-005")["name"] == "义务教育学校标准化达标率"
    assert "x" not in indicators.get("JY-C-005")["keywords"]


def test_get_unknown_code_lists_close_matches():
    with pytest.raises(KeyError) as info:
        indicators.get("JY-C-0O5")
    exc = info.value
    assert isinstance(exc, indicators.IndicatorNotFound)
    assert exc.suggestions[0] == "JY-C-005"
    assert str(exc).startswith("指标库中没有代码为 'JY-C-0O5' 的指标；相近的指标：JY-C-005")
    with pytest.raises(KeyError, match="GX-G-002 预算执行率"):
        indicators.get("预算执行")
    with pytest.raises(KeyError, match="没有代码"):
        indicators.get(None)


def test_describe_and_target_text():
    text = indicators.describe("GX-B-001")
    for part in (
        "在职人员控制率",
        "运行成本 / 成本控制",
        "扣分型指标",
        "每单位扣 0.5 分",
        "非官方",
    ):
        assert part in text
    assert "ref: GX-B-001" in text
    assert indicators.target_text("GX-B-001") == "≤ 100%（超出部分每个百分点扣 0.5 分）"
    assert indicators.target_text("WJ-C-010") == "85–93%"
    assert indicators.target_text("JY-C-008") == "= 0个"
    assert indicators.target_text("GX-J-001") is None
    assert "评价要点" in indicators.describe("GX-J-001")
    for code in CODES:
        assert indicators.describe(code).startswith(code)


# ---------------------------------------------------------------------------------------------
# Case files


def test_to_case_indicator_has_only_case_schema_fields():
    allowed = set(casefile.Indicator.model_fields)
    for code in CODES:
        ind = indicators.to_case_indicator(code)
        assert set(ind) <= allowed, code
        rec = indicators.get(code)
        assert ind["code"] == code and ind["name"] == rec["name"] and ind["rule"] == rec["rule"]
        assert ind.get("variant") == rec["variant"]


def test_expand_reference_merges_entry_over_library():
    entry = {"ref": "JY-C-005", "weight": 10, "target": 98, "actual": 97.5}
    ind = indicators.expand_reference(entry)
    assert "ref" not in ind and entry["ref"] == "JY-C-005"  # the entry is not changed
    assert ind == {
        "code": "JY-C-005",
        "name": "义务教育学校标准化达标率",
        "level1": "产出",
        "level2": "产出质量",
        "rule": "positive",
        "unit": "%",
        "source": "教育事业统计年报、教育督导评估报告",
        "standard": "行业标准",
        "weight": 10,
        "target": 98,
        "actual": 97.5,
    }
    own = indicators.expand_reference(
        {"ref": "JY-C-005", "code": "C11", "name": "标准化学校占比", "level2": "质量指标"}
    )
    assert (own["code"], own["name"], own["level2"]) == ("C11", "标准化学校占比", "质量指标")
    assert own["level1"] == "产出"


def test_expand_reference_drops_library_values_that_no_longer_fit():
    # rule changed: the library's variant / points_per_unit no longer apply
    ind = indicators.expand_reference({"ref": "JT-C-012", "rule": "positive"})
    assert ind["rule"] == "positive" and "variant" not in ind
    ind = indicators.expand_reference({"ref": "GX-B-001", "rule": "reverse"})
    assert "points_per_unit" not in ind and "variant" not in ind
    ind = indicators.expand_reference({"ref": "JT-C-012", "variant": "ratio"})
    assert ind["variant"] == "ratio"
    # an actual value replaces the library's derive
    assert indicators.expand_reference({"ref": "GX-G-002"})["derive"] == "execution_rate"
    assert "derive" not in indicators.expand_reference({"ref": "GX-G-002", "actual": 95})
    # None removes a key
    assert "unit" not in indicators.expand_reference({"ref": "JY-C-005", "unit": None})


def test_expand_reference_errors_and_passthrough():
    plain = {"code": "X1", "name": "自定义", "weight": 5}
    assert indicators.expand_reference(plain) == plain
    assert indicators.expand_reference(plain) is not plain
    with pytest.raises(ValueError, match="ref: 指标库中没有代码为 'JY-C-0O5'.*JY-C-005"):
        indicators.expand_reference({"ref": "JY-C-0O5", "weight": 5})
    with pytest.raises(ValueError, match="ref 应为指标库代码"):
        indicators.expand_reference({"ref": 5})
    with pytest.raises(ValueError):
        indicators.expand_reference(["JY-C-005"])


def plausible(rec):
    """Plausible scoring inputs for one indicator and the score they should give (weight 10)."""
    rule, value = rec["rule"], rec["typical_target"]
    kwargs = {"variant": rec["variant"], "points_per_unit": rec["points_per_unit"]}
    if rule == "positive":
        t = value if value else 100
        return kwargs | {"target": t, "actual": 0.95 * t}, 9.5
    if rule == "reverse":
        t = value if value else 10
        expected = 9.0 if rec["variant"] == "linear" else 9.09  # a = 1.1 t
        return kwargs | {"target": t, "actual": 1.1 * t}, expected
    if rule == "equal":
        t = value if value is not None else 0
        return kwargs | {"target": t, "actual": t}, 10.0
    if rule == "range":
        lo, hi = value
        return kwargs | {"target": [lo, hi], "actual": (lo + hi) / 2}, 10.0
    if rule == "deduction":
        t = value if value is not None else 60
        step = 2 if rec["variant"] == "over" else -2  # two units beyond the target
        return kwargs | {"target": t, "actual": t + step}, 10 - 2 * rec["points_per_unit"]
    if rule == "qualitative":
        return kwargs | {"tier": "部分达成并具有一定效果", "score": 7}, 7.0
    n = len(rec["checkpoints"])
    return kwargs | {"met": n - 1, "total": n}, round(10 * (n - 1) / n + 1e-9, 2)


def case_mapping(indicator, evaluation="project_evaluation"):
    return {
        "case_id": "indicator_library_test",
        "title": "指标库测试",
        "year": 2024,
        "department": "测试局",
        "evaluation": evaluation,
        "budget_type": "general_public",
        "object_type": "project",
        "budget": {"planned": 100.0, "allocated": 100.0, "spent": 95.0},
        "indicators": indicator if isinstance(indicator, list) else [indicator],
    }


@pytest.mark.parametrize("code", CODES)
def test_each_indicator_converts_to_a_scorable_case_indicator(code):
    rec = indicators.get(code)
    inputs, expected = plausible(rec)
    score = scoring.score_indicator(rec["rule"], 10, **inputs)
    assert score == pytest.approx(expected, abs=0.011)

    # the same values as a case-file entry {ref: ..., weight, target, actual ...}
    entry = {"ref": code, "weight": 10}
    entry |= {k: v for k, v in inputs.items() if k not in ("variant", "points_per_unit")}
    ind = indicators.expand_reference(entry)
    model = casefile.Indicator.model_validate(ind)
    assert model.rule == rec["rule"] and model.variant == rec["variant"]
    assert model.points_per_unit == rec["points_per_unit"]


def test_all_project_indicators_score_in_one_case():
    """Every project-level indicator (决策 / 过程 / 产出 / 效益 / 满意度) in one validated case."""
    codes = [c for c in CODES if indicators.get(c)["level1"] in PROJECT_LEVELS]
    weight = 100 / len(codes)
    entries, expected = [], {}
    for code in codes:
        rec = indicators.get(code)
        inputs, _ = plausible(rec)
        if "score" in inputs:  # the qualitative score scales with the weight
            inputs["score"] = 0.7 * weight
        entry = {"ref": code, "weight": weight}
        entry |= {k: v for k, v in inputs.items() if k not in ("variant", "points_per_unit")}
        entries.append(indicators.expand_reference(entry))
        expected[code] = (rec["rule"], inputs)
    ev = scoring.evaluate(case_mapping(entries))
    got = dict(zip(ev.table["code"], ev.table["score"], strict=True))
    # the engine rounds 100 / n to whole cents per level-1 indicator (keeping each level's total)
    used = dict(zip(ev.table["code"], ev.table["weight"], strict=True))
    assert sum(used.values()) == pytest.approx(100)
    assert all(abs(used[c] - weight) < 0.01 for c in codes)
    assert got == {
        c: scoring.score_indicator(rule, used[c], **inp) for c, (rule, inp) in expected.items()
    }
    assert set(ev.level1.index) == PROJECT_LEVELS


def test_project_case_built_from_references():
    refs = [
        {"ref": "GX-J-001", "weight": 5, "met": 5, "total": 5},
        {"ref": "GX-J-003", "weight": 5, "met": 3, "total": 4},
        {"ref": "GX-J-005", "weight": 5, "tier": "达成年度指标", "rule": "qualitative"},
        {"ref": "GX-G-001", "weight": 5, "target": 100},
        {"ref": "GX-G-002", "weight": 5, "target": 100},
        {"ref": "GX-G-003", "weight": 5, "met": 4, "total": 4},
        {"ref": "GX-G-004", "weight": 5, "met": 2, "total": 2},
        {"ref": "ST-C-001", "weight": 10, "target": 83, "actual": 82.6},
        {"ref": "ST-C-003", "weight": 10, "target": 95, "actual": 96.2},
        {"ref": "ST-C-009", "weight": 5, "target": 100, "actual": 92},
        {"ref": "ST-C-010", "weight": 5, "target": 1.2, "actual": 1.25},
        {"ref": "ST-X-003", "weight": 10, "target": 80, "actual": 82},
        {"ref": "ST-X-008", "weight": 5, "target": 0, "actual": 0},
        {"ref": "ST-X-009", "weight": 10, "met": 3, "total": 4},
        {"ref": "ST-M-002", "weight": 10, "target": 90, "actual": 88.6},
    ]
    mapping = case_mapping([indicators.expand_reference(r) for r in refs])
    mapping["budget"] = {
        "planned": 3800.0,
        "allocated": 3600.0,
        "received": 3420.0,
        "spent": 3420.0,
    }
    ev = scoring.evaluate(mapping)
    s = dict(zip(ev.table["code"], ev.table["score"], strict=True))
    assert s["GX-J-003"] == 3.75  # 3 of 4 points
    assert s["GX-J-005"] == 4.5  # qualitative override, tier middle 0.9 w
    assert s["GX-G-001"] == 4.75  # derive arrival_rate: received 3420 / allocated 3600 = 95 %
    assert s["GX-G-002"] == 4.75  # derive execution_rate 3420 / 3600
    assert s["ST-C-010"] == 4.8  # reverse ratio 1.2 / 1.25 × 5
    assert s["ST-M-002"] == 9.84
    assert set(ev.level1.index) == {"决策", "过程", "产出", "效益", "满意度"}
    assert ev.total == 94.44 and ev.grade == "优"


def test_self_evaluation_case_built_from_references():
    refs = [
        {"ref": "JY-C-003", "weight": 20, "target": 100, "actual": 100},
        {"ref": "JY-C-007", "weight": 15, "target": [90, 110], "actual": 104},
        {"ref": "JY-C-012", "weight": 15, "target": 100, "actual": 96},
        {"ref": "JY-X-004", "weight": 15, "target": 0, "actual": 0},
        {"ref": "JY-X-010", "weight": 15, "tier": "部分达成", "score": 10.5},
        {"ref": "JY-M-001", "weight": 10, "target": 90, "actual": 92},
    ]
    mapping = case_mapping([indicators.expand_reference(r) for r in refs], "self_evaluation")
    ev = scoring.evaluate(mapping)
    assert dict(ev.level1) == {"产出": 49.4, "效益": 25.5, "满意度": 10.0, "预算执行率": 9.5}
    assert ev.table.set_index("code").loc["JY-C-007", "level2"] == "产出质量"


def _stage_case(evaluation, **extra):
    raw = {k: v for k, v in case_mapping([], evaluation).items() if k != "budget"}
    raw.pop("indicators")
    return raw | extra


def test_target_sheet_built_from_references():
    """A target sheet (target_review) picks indicators from the library: name, level, direction,
    unit, data source and standard type are inherited; scoring-only fields (derive) are not."""
    raw = _stage_case(
        "target_review",
        goal="新建设施 100 个，治理率达到 88%",
        indicators=[
            {"ref": "ST-C-001", "code": "C1", "target": 88},
            {"ref": "ST-C-010", "code": "C2", "target": 1.2},
            {"ref": "NY-M-002", "code": "C3", "target": 90, "source": "第三方满意度调查"},
        ],
    )
    case = casefile.validate_mapping(raw)
    c1, c2, c3 = case.indicators
    assert (c1.name, c1.level1, c1.rule, c1.unit, c1.ref) == (
        "农村生活污水治理率",
        "产出",
        "positive",
        "%",
        "ST-C-001",
    )
    assert c1.source == indicators.get("ST-C-001")["source"] and c1.standard == "计划标准"
    assert (c2.rule, c2.unit) == ("reverse", "元/吨")
    assert c3.source == "第三方满意度调查"  # the entry wins over the library
    # a process indicator (过程) is not a target-sheet indicator: the error says where it came from
    raw["indicators"].append({"ref": "GX-G-002", "code": "C4", "target": 100})
    with pytest.raises(CaseError, match="未知的一级指标“过程”") as info:
        casefile.validate_mapping(raw)
    assert "GX-G-002" in info.value.hint
    # a library rule the type cannot take is named at the reference
    raw["indicators"][-1] = {"ref": "NY-X-009", "code": "C4"}
    with pytest.raises(CaseError, match="计分规则 checklist 不适用") as info:
        casefile.validate_mapping(raw)
    assert info.value.field == "indicators[3]（C4）.ref"


def test_monitoring_sheet_built_from_references():
    """A monitoring case's indicators, and those of a department's projects, may be references."""
    one = _stage_case(
        "monitoring",
        month=6,
        budget={"planned": 100.0, "allocated": 100.0, "spent": 40.0},
        indicators=[{"ref": "ST-C-004", "code": "C1", "target": 150, "actual": 42}],
    )
    case = casefile.validate_mapping(one)
    assert (case.indicators[0].name, case.indicators[0].unit) == ("污水管网建设长度", "公里")
    dept = _stage_case(
        "monitoring",
        month=6,
        projects=[
            {
                "name": "农村生活污水治理",
                "budget": {"planned": 100.0, "allocated": 100.0, "spent": 40.0},
                "indicators": [{"ref": "ST-C-001", "code": "C1", "target": 88, "actual": 84}],
            }
        ],
    )
    case = casefile.validate_mapping(dept)
    ind = case.projects[0].indicators[0]
    assert (ind.name, ind.rule, ind.ref) == ("农村生活污水治理率", "positive", "ST-C-001")
    dept["projects"][0]["indicators"][0]["ref"] = "ST-C-0O1"
    with pytest.raises(CaseError, match="指标库中没有代码为 'ST-C-0O1'") as info:
        casefile.validate_mapping(dept)
    assert info.value.field.startswith("projects[0]")


# ---------------------------------------------------------------------------------------------
# Broken data files


GOOD = """\
# 测试领域（参考指标，非官方清单）
sector: 测试
prefix: CS
status: practice/unverified
indicators:
  - code: CS-C-001
    name: 测试完成率
    level1: 产出
    level2: 产出数量
    definition: 测试。
    formula: 完成数 ÷ 计划数 × 100%
    unit: "%"
    direction: 正向
    rule: positive
    source: 台账
    standard: 计划标准
"""


def write(tmp_path, text, name="test.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_good_file_reads(tmp_path):
    df = indicators.read_library(write(tmp_path, GOOD))
    assert df["code"].tolist() == ["CS-C-001"] and df.loc[0, "sector"] == "测试"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("rule: positive", "rule: bigger", "计分规则 'bigger' 无效"),
        ("rule: positive", "rule: reverse", "规则 reverse 需要写明变体"),
        ("rule: positive", "rule: positive\n    variant: linear", "规则 positive 没有变体"),
        ("rule: positive", "rule: deduction\n    variant: over", "需要 points_per_unit"),
        ("rule: positive", "rule: reverse\n    variant: ratio", "指标方向“正向”与计分规则"),
        ("    source: 台账\n", "", "缺少必填字段 source"),
        ("name: 测试完成率", "name: ''", "字段 name 不能为空"),
        ("code: CS-C-001", "code: CS-X-001", "代码层级字母应为 C"),
        ("code: CS-C-001", "code: CS-C-1", "代码格式"),
        ("code: CS-C-001", "code: JY-C-001", "代码前缀 JY"),
        ("level2: 产出数量", "level2: 数量指标", "二级指标 '数量指标' 无效"),
        ("standard: 计划标准", "standard: 国家标准", "评价标准 '国家标准' 无效"),
        ("standard: 计划标准", "standard: 计划标准\n    varient: x", "未知字段 'varient'"),
        (
            "standard: 计划标准",
            "standard: 计划标准\n    typical_target: {value: 95, basis: '行业标准：x'}",
            "与 standard“计划标准”不一致",
        ),
        (
            "standard: 计划标准",
            "standard: 计划标准\n    typical_target: {value: [1, 2], basis: x}",
            "typical_target.value",
        ),
        ("name: 测试完成率", "name: 测试完成率\n    name: 重复", "字段 'name' 重复出现"),
    ],
)
def test_broken_file_names_file_and_code(tmp_path, old, new, message):
    assert old in GOOD
    write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ValueError) as info:
        indicators.read_library(tmp_path)
    text = str(info.value)
    assert text.startswith("指标库文件 test.yaml")
    assert message in text
    if "重复出现" not in message:
        assert "CS-" in text or "JY-C-001" in text  # the indicator's code is named


def test_codes_unique_across_files(tmp_path):
    # A code's prefix is its file's: two files may not share a prefix (nor a sector or alias) ...
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD.replace("sector: 测试", "sector: 测试二"), "b.yaml")
    with pytest.raises(ValueError, match="指标库文件 b.yaml：.*'cs' 与文件 a.yaml 重复"):
        indicators.read_library(tmp_path)
    # ... and within a file every code appears once.
    (tmp_path / "b.yaml").unlink()
    second = GOOD.split("indicators:\n", 1)[1].replace("测试完成率", "第二个")
    write(tmp_path, GOOD + second, "a.yaml")
    with pytest.raises(ValueError, match="指标库文件 a.yaml，指标 CS-C-001：代码重复"):
        indicators.read_library(tmp_path)


def test_broken_yaml_and_empty_dir(tmp_path):
    write(tmp_path, GOOD.replace("indicators:", "indicators: [", 1))
    with pytest.raises(ValueError, match="指标库文件 test.yaml：YAML 格式错误"):
        indicators.read_library(tmp_path)
    with pytest.raises(ValueError, match="没有 .yaml 文件"):
        indicators.read_library(tmp_path / "nothing")
