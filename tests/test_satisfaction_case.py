"""Satisfaction surveys (evaluation: satisfaction) end to end: the questionnaire spec, reading
respondent files (encodings, XLSX, labels, 不适用 codes, reverse items), refusing personal data,
bad input as one CaseError naming file/column/row (CLI exit 2), the 满意度 indicator of a
self-evaluation taken from a survey, and the archived reports holding no respondent rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from methods import casefile, scoring, survey
from methods.errors import CaseError
from methods.evaltypes import satisfaction

from .conftest import EXAMPLES, plain_papermill, run_cli

BUS = EXAMPLES / "wujin_bus_satisfaction_2023.yaml"
ELDERLY = EXAMPLES / "wujin_elderly_care_satisfaction_2023.yaml"
SCORED = EXAMPLES / "wujin_bus_subsidy_survey_2023.yaml"
BUS_CSV = EXAMPLES / "satisfaction" / "wujin_bus_survey_2023.csv"
ELDERLY_CSV = EXAMPLES / "satisfaction" / "wujin_elderly_care_survey_2023.csv"
RESPONDENT_MARKS = ("GJ23-", "YL23-", "****")  # questionnaire ids and masked phone numbers


# ---------------------------------------------------------------------------------------------
# Small synthetic surveys written by the tests


def small_data(n: int = 60, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 1, n)
    out = {
        "编号": [f"T{i:03d}" for i in range(n)],
        "镇": np.where(np.arange(n) % 2, "甲镇", "乙镇"),
    }
    for j in range(1, 5):
        x = np.clip(np.round(3.6 + 0.9 * z + rng.normal(0, 0.6, n)), 1, 5).astype(int)
        out[f"q{j}"] = x
    out["权重"] = np.where(np.arange(n) % 2, 10.0, 20.0)
    return pd.DataFrame(out)


def write_case(
    tmp_path,
    data: pd.DataFrame | None = None,
    *,
    name="s.csv",
    encoding="utf-8",
    survey_extra=None,
    top_extra=None,
    raw_bytes: bytes | None = None,
):
    """A satisfaction case file and its data in ``tmp_path``; returns the case path."""
    data = small_data() if data is None else data
    folder = tmp_path / "survey"
    folder.mkdir(exist_ok=True)
    path = folder / name
    if raw_bytes is not None:
        path.write_bytes(raw_bytes)
    elif name.endswith(".xlsx"):
        data.to_excel(path, index=False)
    else:
        path.write_bytes(data.to_csv(index=False).encode(encoding))
    spec = {
        "data": f"survey/{name}",
        "items": [{"column": f"q{j}", "dimension": "甲" if j < 3 else "乙"} for j in range(1, 5)],
        "groups": ["镇"],
        "design": {"strata": "镇", "weights": "权重"},
    }
    spec.update(survey_extra or {})
    raw = {
        "case_id": "t_survey_2023",
        "title": "测试满意度调查",
        "year": 2023,
        "department": "测试局",
        "evaluation": "satisfaction",
        "budget_type": "general_public",
        "object_type": "project",
        "survey": spec,
    }
    raw.update(top_extra or {})
    case_path = tmp_path / "t_survey_2023.yaml"
    case_path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return case_path


def direct_rate(df: pd.DataFrame, items, weights) -> float:
    """满意率 by hand: Σ w·(answers 4–5) / Σ w·(valid answers)."""
    x = df[items].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    w = df[weights].to_numpy(dtype=float)[:, None]
    sat = ((x >= 4) & ~np.isnan(x)) * w
    valid = ~np.isnan(x) * w
    return float(sat.sum() / valid.sum() * 100)


# ---------------------------------------------------------------------------------------------
# The examples


def test_bus_example_stratified_rate_matches_direct_computation():
    case = casefile.load_case(BUS)
    a = satisfaction.analyse(case)
    df = pd.read_csv(BUS_CSV, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    items = [f"q{j}" for j in range(1, 10)]
    ov = a.overall
    assert ov["estimate"] == pytest.approx(direct_rate(df, items, "权重"), rel=1e-12)
    assert ov["ci_low"] < ov["estimate"] < ov["ci_high"]
    # the same design built directly on the data gives the same standard error
    frame = a.prepared.frame
    d = survey.Design(frame, weights="__w", strata="镇街道", fpc="__fpc")
    direct = survey.satisfaction_index(frame, items, design=d, na_values=())
    assert direct.overall == pytest.approx(ov["estimate"])
    assert direct.table.iloc[0]["se"] == pytest.approx(ov["se"])
    assert a.prepared.encoding == "UTF-8（带 BOM）" and a.prepared.n == len(df) == 476
    # 不适用 answers to 投诉处理 are counted and excluded from the denominator
    q7 = a.prepared.counts.set_index("item").loc["q7"]
    assert q7["not_applicable"] == (df["q7"] == "不适用").sum() > 200
    assert q7["valid"] + q7["not_applicable"] + q7["blank"] == 476
    out = a.to_dict()
    assert out["index"]["n_respondents"] == 476 and out["data"]["archived"] is False
    assert out["indicator"]["points"] == 9.17 and out["design"]["n_strata"] == 12
    assert set(out["by_group"]) == {"镇街道", "人群", "乘车频率"}
    assert out["ipa"] and {r["quadrant"] for r in out["ipa"]} <= {
        "继续保持",
        "重点改进",
        "维持现状",
        "过度投入",
    }
    assert out["reliability"]["alpha"]["alpha"] > 0.8
    json.dumps(out, allow_nan=False)  # JSON-ready


def test_elderly_example_gbk_reverse_items_codes_and_raking():
    case = casefile.load_case(ELDERLY)
    a = satisfaction.analyse(case)
    p = a.prepared
    assert p.encoding == "GBK/GB18030"
    raw = pd.read_csv(ELDERLY_CSV, encoding="gbk", dtype=str, keep_default_na=False)
    # personal columns dropped on reading: not in the analysis frame, named in the results
    assert "姓名" not in p.frame and "联系电话" not in p.frame
    assert a.to_dict()["data"]["dropped_columns"] == ["姓名", "联系电话"]
    # reverse-keyed items recoded 6 − x; 8 = 不了解 and 9 = 不适用 counted, never scored
    s3 = pd.to_numeric(raw["s3"], errors="coerce")
    assert np.allclose(p.frame["s3"], 6 - s3, equal_nan=True)
    counts = p.counts.set_index("item")
    assert counts.loc["s6", "by_code"] == {"不适用": int((raw["s6"] == "9").sum())}
    assert counts.loc["s8", "by_code"] == {"不了解": int((raw["s8"] == "8").sum())}
    assert p.frame["s6"].max() <= 5
    # recoding the reverse items is what makes α acceptable
    assert a.alpha_unrecoded.alpha < a.alpha.alpha
    # raking reproduces the registry margins
    w = p.design.weights
    assert w.sum() == pytest.approx(11300, rel=1e-6)
    women = w[p.frame["性别"].to_numpy() == "女"].sum()
    assert women == pytest.approx(6780, rel=1e-3)
    assert a.index.method == "likert_points" and a.to_dict()["points"]["5"] == 100
    assert a.ipa is not None and a.ipa.attrs["method"] == "derived_correlation"


def test_scored_example_takes_its_satisfaction_score_from_the_survey():
    case = casefile.load_case(SCORED)
    assert {v for _, v in case.data_paths()} == {
        "wujin_bus_satisfaction_2023.yaml",
        "satisfaction/wujin_bus_survey_2023.csv",
    }
    assert case.private_paths() == {"satisfaction/wujin_bus_survey_2023.csv"}
    ev = scoring.evaluate(case)
    row = ev.table.set_index("code").loc["S1"]
    index = satisfaction.analyse(casefile.load_case(BUS)).overall
    assert row["actual"] == round(index["estimate"], 2) == 82.54
    assert row["score"] == survey.index_to_points(82.54, 10, 90) == 9.17
    assert "满意率 82.54%（95% 置信区间 80.76%–84.32%，有效样本 476" in row["reason"]
    assert "按镇街道分层加权" in row["reason"]
    assert ev.level1["满意度"] == 9.17
    # the original example (no 满意度 indicator, its 10 points moved to 效益) is untouched
    assert scoring.evaluate(EXAMPLES / "wujin_bus_subsidy_2023.yaml").level1.get("满意度") is None


def test_report_outline_is_document_blocks():
    """The report is built from document blocks (no HTML) on the customary outline of a
    满意度调查分析报告, in the order of the notebook; two charts with Chinese captions and alt
    text, the indicator points in bold, and the analysis carries its case (a cached analysis is
    never handed another case's title or department)."""
    import re

    from methods.report.document import Document, Figure, Paragraph, Span, walk
    from methods.report.document import plain_text as text_of

    a = satisfaction.analyse(casefile.load_case(BUS))
    assert a.case.case_id == "wujin_bus_satisfaction_2023"
    doc = satisfaction.outline(a)
    titles = [s.title for s in doc.sections]
    assert (
        titles
        == list(satisfaction.HEADINGS)
        == [build.__doc__.strip() for build in satisfaction.OUTLINE]
    )
    assert doc.title == "武进区城乡公交乘客满意度调查 2023 年度分析报告"
    text = text_of(doc)
    assert re.search(r"</?[a-z]+[ >]", text) is None  # no HTML markup
    assert not any(m in text for m in RESPONDENT_MARKS)
    figures = [b for b in walk(doc) if isinstance(b, Figure)]
    assert [f.caption for f in figures] == ["各维度与题目的满意率", "重要性—表现分析（IPA）"]
    assert all(f.alt and f.alt != f.caption for f in figures)
    points = next(
        b
        for b in walk(satisfaction.section_results(a))
        if isinstance(b, Paragraph) and any(isinstance(r, Span) for r in b.runs)
    )
    assert [r.text for r in points.runs if isinstance(r, Span) and r.strong] == ["9.17分"]
    # statistics, file names and seeds only in the 技术附件
    body = text_of(Document("", (), list(doc.sections[:-1])))
    annex = text_of(doc.sections[-1])
    for internal in (
        "wujin_bus_survey_2023.csv",
        "SHA-256",
        "Wald",
        "随机种子",
        "q_overall",
        "p 值",
    ):
        assert internal not in body, internal
    assert "wujin_bus_survey_2023.csv" in annex and "随机种子" in annex and "p 值" in annex
    raw = yaml.safe_load(BUS.read_text(encoding="utf-8"))
    raw["title"] = "另一份调查"
    raw["department_short"] = "另一局"
    other = satisfaction.analyse(casefile.validate_mapping(raw, base_dir=EXAMPLES))
    assert other.case.title == "另一份调查"
    assert other.to_dict()["index"] == a.to_dict()["index"]
    assert satisfaction.results(other)["title"] == "另一份调查"
    assert other.findings.advice[0].text.startswith("建议另一局")
    assert a.findings.advice[0].text.startswith("建议区交通运输局")


BUS_CONCLUSION = (
    "本次调查共获得有效问卷476份。调查显示，受访者总体满意率为82.54%（95%置信区间80.76%–84.32%），"
    "未达到90%的目标；按目标值计，乘客满意度指标得9.17分（满分10分）。从各维度看，乘车环境、票价与信息"
    "评价较高（分别为91.80%、90.89%），运营服务、服务态度相对薄弱（分别为67.48%、89.30%）。评价最高的题目为"
    "“票价优惠”（97.44%）、“驾驶员服务态度”（94.84%），最低的为“候车时间”（56.79%）、“准点情况”"
    "（64.46%）。不同镇街道、人群之间的满意度差异具有统计显著性。"
)


def test_bus_example_conclusion_and_findings_golden_text():
    """The 总体结论 of the bus example word for word; its problems: the target, the weak
    dimension (with the items the IPA puts first), a low item outside it, two groupings that
    differ; one suggestion per problem naming 区交通运输局; 不适用 answers (投诉处理) are a
    limitation, never a problem with 加强宣传 advice."""
    from methods.evaltypes.satisfaction import findings

    a = satisfaction.analyse(casefile.load_case(BUS))
    assert findings.conclusion(a) == BUS_CONCLUSION
    fd = a.findings
    assert [p.heading for p in fd.problems] == [
        "乘客满意度未达到目标，满意率82.54%，低于90%的目标值。",
        "运营服务评价偏低，“候车时间”满意率仅为56.79%。",
        "部分服务事项评价偏低，“投诉处理”满意率为77.61%。",
        "不同镇街道之间满意度差异明显，雪堰镇最低，为74.39%。",
        "不同人群之间满意度差异明显，上班族最低，为79.19%。",
    ]
    assert [x.problem for x in fd.advice] == [1, 2, 3, 4, 5]
    assert all(x.text.startswith("建议区交通运输局") for x in fd.advice)
    assert not any("宣传" in x.text for x in fd.advice)
    assert "“投诉处理”有效回答222份（251人回答不了解或不适用）" in " ".join(
        findings.other_matters(a)
    )
    out = satisfaction.results(a)
    assert out["findings"] == fd.to_dict()
    assert out["survey"]["conclusions"]["suggestions"][0].startswith(
        "以薄弱环节为重点提升服务质量（针对问题1）：建议区交通运输局"
    )


def test_members_respondent_files_stay_private():
    """A portfolio case or a department key project that takes its 满意度 from a survey: the
    respondent file is private for the portfolio or department too (hashed, never copied)."""
    for evaluation, example, field in [
        ("department_overall", "wujin_housing_department_2023.yaml", "key_projects"),
        ("portfolio", "wujin_project_portfolio_2023.yaml", "cases"),
    ]:
        raw = yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8"))
        if field == "key_projects":
            raw["key_projects"]["projects"][0]["case"] = SCORED.name
        else:
            raw["cases"][0] = SCORED.name
        case = casefile.validate_mapping(raw, base_dir=EXAMPLES, deep=False)
        assert case.evaluation == evaluation
        assert "satisfaction/wujin_bus_survey_2023.csv" in {v for _, v in case.data_paths()}
        assert case.private_paths() == {"satisfaction/wujin_bus_survey_2023.csv"}


def scored_raw(tmp_path, survey_ref):
    raw = yaml.safe_load(SCORED.read_text(encoding="utf-8"))
    raw["indicators"][-1]["survey"] = survey_ref
    return raw


def test_inline_survey_and_dimension_for_an_indicator(tmp_path):
    path = write_case(tmp_path)
    df = small_data()
    raw = scored_raw(
        tmp_path,
        {"data": "survey/s.csv", "items": [{"column": "q1"}], "design": {"weights": "权重"}},
    )
    case = casefile.validate_mapping(raw, base_dir=tmp_path)
    assert case.private_paths() == {"survey/s.csv"}
    row = scoring.evaluate(case).table.set_index("code").loc["S1"]
    assert row["actual"] == pytest.approx(round(direct_rate(df, ["q1"], "权重"), 2))
    assert "内联调查" in row["reason"] and "置信区间" in row["reason"]
    raw = scored_raw(tmp_path, {"case": path.name, "dimension": "乙"})
    row = scoring.evaluate(raw, base_dir=tmp_path).table.set_index("code").loc["S1"]
    assert row["actual"] == pytest.approx(round(direct_rate(df, ["q3", "q4"], "权重"), 2))
    assert "满意率（乙）" in row["reason"]
    raw = scored_raw(tmp_path, {"case": path.name, "dimension": "丙"})
    with pytest.raises(CaseError, match="没有维度 '丙'"):
        scoring.evaluate(raw, base_dir=tmp_path)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ({"case": "nope.yaml"}, "数据文件不存在"),
        ({"items": [{"column": "q1"}]}, "需要 case"),
        ({"case": "wujin_bus_subsidy_2023.yaml"}, "不是满意度调查案例"),
        ({"case": "wujin_bus_satisfaction_2023.yaml", "wrong": 1}, "未知字段"),
        (
            {"data": "satisfaction/wujin_bus_survey_2023.csv", "items": [{"column": "q99"}]},
            "没有列 'q99'",
        ),
    ],
)
def test_bad_survey_references(ref, message):
    raw = yaml.safe_load(SCORED.read_text(encoding="utf-8"))
    raw["indicators"][-1]["survey"] = ref
    with pytest.raises(CaseError, match=message) as info:
        casefile.validate_mapping(raw, source="x.yaml", base_dir=EXAMPLES)
    assert "indicators[10]（S1）.survey" in str(info.value)


def test_referenced_survey_errors_name_the_survey_file_and_row(tmp_path):
    df = small_data()
    df.loc[7, "q2"] = 7
    path = write_case(tmp_path, df)
    raw = scored_raw(tmp_path, {"case": path.name})
    with pytest.raises(CaseError) as info:
        casefile.validate_mapping(raw, source="x.yaml", base_dir=tmp_path)
    text = str(info.value)
    assert "t_survey_2023.yaml" in text and "survey/s.csv 第 9 行 q2：值 7 超出量表 1–5" in text


# ---------------------------------------------------------------------------------------------
# Reading: encodings, XLSX, labels, 不适用 codes


def analysed(path):
    return satisfaction.analyse(casefile.load_case(path))


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("s.csv", "utf-8"),
        ("s.csv", "utf-8-sig"),
        ("s.csv", "gbk"),
        ("s.csv", "gb18030"),
        ("s.xlsx", None),
    ],
)
def test_encodings_and_xlsx_give_the_same_index(tmp_path, name, encoding):
    a = analysed(write_case(tmp_path, name=name, encoding=encoding or "utf-8"))
    df = small_data()
    assert a.overall["estimate"] == pytest.approx(direct_rate(df, ["q1", "q2", "q3", "q4"], "权重"))
    assert a.prepared.n == 60


def test_labels_text_answers_and_na_codes(tmp_path):
    df = small_data().astype({"q1": object, "q2": object})
    labels = {1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "很满意"}
    expected = small_data()
    df["q1"] = df["q1"].map(labels)  # answers exported as labels
    df.loc[[0, 1, 2], "q2"] = ["99", "不了解", ""]
    expected.loc[[0, 1, 2], "q2"] = np.nan
    a = analysed(write_case(tmp_path, df, survey_extra={"na_codes": {99: "不适用"}}))
    counts = a.prepared.counts.set_index("item")
    assert counts.loc["q2", "by_code"] == {"不适用": 1, "不了解": 1}
    assert counts.loc["q2", "blank"] == 1 and counts.loc["q2", "valid"] == 57
    assert a.overall["estimate"] == pytest.approx(
        direct_rate(expected, ["q1", "q2", "q3", "q4"], "权重")
    )


def test_reverse_items_recoded_and_suspicious_items_flagged(tmp_path):
    df = small_data()
    df["q4"] = 6 - df["q4"]  # negatively worded
    a = analysed(write_case(tmp_path, df))
    assert "q4" in a.suspicious_reverse and any("未标注的反向题" in w for w in a.warnings)
    items = [
        {"column": f"q{j}", "dimension": "甲" if j < 3 else "乙", "reverse": j == 4}
        for j in range(1, 5)
    ]
    b = analysed(write_case(tmp_path, df, survey_extra={"items": items}))
    assert b.suspicious_reverse == [] and b.alpha.alpha > a.alpha.alpha
    assert b.overall["estimate"] == pytest.approx(
        direct_rate(small_data(), ["q1", "q2", "q3", "q4"], "权重")
    )
    assert any("反向计分题已按" in n for n in b.notes)


def test_small_groups_are_not_reported(tmp_path):
    df = small_data()
    df.loc[0, "镇"] = "丙镇"
    df.loc[0, "权重"] = 5.0
    a = analysed(
        write_case(
            tmp_path,
            df,
            survey_extra={"design": {"strata": "镇", "weights": "权重", "lonely_psu": "average"}},
        )
    )
    # 丙镇 (1 respondent) is withheld, and 乙镇 (29) too: with the total published, 丙镇 =
    # total − 甲镇 − 乙镇; neither label is published, they are one merged row of 30
    assert a.withheld["镇"] == ("丙镇", "乙镇")
    merged = satisfaction.MERGED_GROUPS
    t = a.by_group["镇"].set_index("group")
    assert set(t.index) == {"甲镇", merged}
    assert bool(t.loc[merged, "suppressed"].all()) and t.loc[merged, "estimate"].isna().all()
    assert set(t.loc[merged, "suppressed_reason"]) == {"merged"}
    assert (
        t.loc[(t["level"] == "overall").to_numpy() & (t.index == merged), "n_respondents"].item()
        == 30
    )
    assert not t.loc["甲镇", "suppressed"].any()
    assert list(a.group_counts["镇"]["group"]) == ["甲镇", merged]
    # the comparisons see the withheld groups only merged into one (the total less 甲镇)
    rows = [r for c in a.to_dict()["comparisons"] for r in c["table"]]
    assert {r["镇"] for r in rows} == {"甲镇", satisfaction.MERGED_GROUPS}
    # the total still counts every respondent
    assert a.overall["estimate"] == pytest.approx(direct_rate(df, ["q1", "q2", "q3", "q4"], "权重"))


# ---------------------------------------------------------------------------------------------
# Personal data


@pytest.mark.parametrize(
    "column", ["姓名", "手机号", "联系电话", "身份证号码", "家庭住址", "phone"]
)
def test_personal_columns_refused_unless_dropped(tmp_path, column):
    df = small_data()
    df[column] = "x"
    with pytest.raises(CaseError, match=f"列 '{column}' 看起来是个人信息") as info:
        casefile.load_case(write_case(tmp_path, df))
    assert "survey.drop" in str(info.value)
    a = analysed(write_case(tmp_path, df, survey_extra={"drop": [column]}))
    assert column not in a.prepared.frame and a.prepared.dropped == (column,)


def test_id_card_numbers_refused_but_long_questionnaire_numbers_are_not(tmp_path):
    df = small_data()
    df["问卷号"] = [f"2023110100{i:05d}" for i in range(len(df))]  # 15 digits, no birth date
    satisfaction.analyse(casefile.load_case(write_case(tmp_path, df)))
    df.loc[9, "问卷号"] = "11010519491231002X"
    with pytest.raises(CaseError, match="第 11 行 问卷号：内容看起来是身份证号"):
        casefile.load_case(write_case(tmp_path, df))


def test_phone_numbers_in_an_innocent_column_refused_without_echoing_them(tmp_path):
    df = small_data()
    df["备注"] = ""
    df.loc[4, "备注"] = "13912345678"
    with pytest.raises(CaseError, match="第 6 行 备注：内容看起来是手机号码") as info:
        casefile.load_case(write_case(tmp_path, df))
    assert "13912345678" not in str(info.value)


# ---------------------------------------------------------------------------------------------
# Bad input: one CaseError naming the file, the field and the row


def bad(tmp_path, mutate=None, **kw):
    df = small_data().astype(object)
    if mutate:
        mutate(df)
    return write_case(tmp_path, df, **kw)


CASES = [
    (
        "off_scale",
        lambda d: d.__setitem__("q3", d["q3"].where(d.index != 11, 7)),
        {},
        "survey/s.csv 第 13 行 q3：值 7 超出量表 1–5",
        "survey.items[2].column",
    ),
    (
        "half_point",
        lambda d: d.__setitem__("q1", d["q1"].where(d.index != 0, 3.5)),
        {},
        "第 2 行 q1：值 3.5 不是整数等级",
        "survey.items[0].column",
    ),
    (
        "text",
        lambda d: d.__setitem__("q2", d["q2"].where(d.index != 5, "好")),
        {},
        "第 7 行 q2：'好' 不是量表 1–5 的等级",
        "survey.items[1].column",
    ),
    (
        "all_missing",
        lambda d: d.__setitem__("q4", "不适用"),
        {},
        "题目 q4 没有有效回答",
        "survey.items[3].column",
    ),
    (
        "zero_variance",
        lambda d: d.__setitem__("q4", 5),
        {},
        "题目 q4 所有有效回答都是 5（方差为 0）",
        "survey.items[3].column",
    ),
    (
        "one_item",
        None,
        {"survey_extra": {"items": [{"column": "q1"}]}},
        "满意度题目至少需要 2 个",
        "survey.items",
    ),
    (
        "weight_zero",
        lambda d: d.__setitem__("权重", d["权重"].where(d.index != 3, 0)),
        {},
        "第 5 行 权重：权重 0 应大于 0",
        "survey.design.weights",
    ),
    (
        "weight_negative",
        lambda d: d.__setitem__("权重", d["权重"].where(d.index != 3, -2)),
        {},
        "第 5 行 权重：权重 -2 应大于 0",
        "survey.design.weights",
    ),
    (
        "weight_text",
        lambda d: d.__setitem__("权重", d["权重"].where(d.index != 8, "十")),
        {},
        "第 10 行 权重：'十' 不是数值",
        "survey.design.weights",
    ),
    (
        "weight_blank",
        lambda d: d.__setitem__("权重", d["权重"].where(d.index != 8, "")),
        {},
        "第 10 行 权重：权重缺失",
        "survey.design.weights",
    ),
    (
        "lonely_psu",
        lambda d: d.__setitem__("镇", d["镇"].where(d.index != 0, "丙镇")),
        {},
        "层 '丙镇'（分层列 镇）只有 1 个 PSU",
        "survey.design",
    ),
    (
        "missing_column",
        None,
        {"survey_extra": {"groups": ["街道"]}},
        "没有列 '街道'",
        "survey.groups[0]",
    ),
    (
        "na_code_on_scale",
        None,
        {"survey_extra": {"na_codes": [3]}},
        "不适用代码 3 与量表等级 1–5 冲突",
        "survey.na_codes",
    ),
    (
        "satisfied_off_scale",
        None,
        {"survey_extra": {"satisfied": [5, 6]}},
        "“满意”等级 [5, 6] 应为量表 1–5 内的等级",
        "survey.satisfied",
    ),
    (
        "rake_unknown_level",
        None,
        {"survey_extra": {"calibration": {"margins": {"镇": {"甲镇": 300, "丁镇": 200}}}}},
        "乙镇",
        "survey.calibration.margins",
    ),
    (
        "stated_ipa_without_importance",
        None,
        {"top_extra": {"ipa": {"importance": "stated"}}},
        "没有 importance 列",
        "ipa.importance",
    ),
    (
        "xls",
        None,
        {"name": "s.xls", "raw_bytes": b"\xd0\xcf\x11\xe0"},
        "旧版 Excel（.xls）",
        "survey.data",
    ),
    (
        "utf16",
        None,
        {"raw_bytes": "编号,q1\nA,1\n".encode("utf-16")},
        "UTF-16 编码或二进制文件",
        "survey.data",
    ),
    ("undecodable", None, {"raw_bytes": b"q1,q2\n\x81\x20,1\n"}, "编码无法识别", "survey.data"),
    (
        "corrupt_utf8",
        None,
        {
            "raw_bytes": "编号,镇,q1\nA,甲镇,1\nB,乙\xff镇,2\n".encode().replace(
                b"\xc3\xbf", b"\xff"
            )
        },
        "UTF-8 编码，但第 3 行含有无效字节",
        "survey.data",
    ),
    (
        "declared_utf8_but_gbk",
        None,
        {"encoding": "gbk", "survey_extra": {"encoding": "utf-8"}},
        "第 1 行不是 utf-8 编码",
        "survey.encoding",
    ),
    (
        "ragged_row",
        None,
        {"raw_bytes": "q1,q2,q3,q4,镇,权重\n1,2,3,4,甲镇,1,9\n".encode()},
        "第 2 行有 7 个字段，多于表头的 6 列",
        "survey.data",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "kw", "message", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_names_file_field_and_row(tmp_path, mutate, kw, message, field):
    path = bad(tmp_path, mutate, **kw)
    with pytest.raises(CaseError) as info:
        casefile.validate(path)
    text = str(info.value)
    assert message in text, text
    assert field in text, text
    assert text.startswith(str(path)) and "Traceback" not in text


def test_lonely_psu_option_accepts_the_design(tmp_path):
    def mutate(d):
        d.loc[0, "镇"] = "丙镇"

    path = bad(
        tmp_path,
        mutate,
        survey_extra={"design": {"strata": "镇", "weights": "权重", "lonely_psu": "average"}},
    )
    assert satisfaction.analyse(casefile.validate(path)).prepared.design.n_strata == 3


def test_cli_validate_exits_2_with_one_plain_message(tmp_path):
    path = bad(tmp_path, lambda d: d.__setitem__("q3", d["q3"].where(d.index != 11, 7)))
    proc = run_cli("validate", path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = proc.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) <= 2
    assert "survey.items[2].column: survey/s.csv 第 13 行 q3：值 7 超出量表 1–5" in err
    proc = run_cli("run", path, "--library", tmp_path / "lib")
    assert proc.returncode == 2 and not (tmp_path / "lib" / "2023").exists()
    proc = run_cli("validate", BUS, ELDERLY, SCORED)
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------------------------------------
# Notebooks: jixiao run, plain papermill, the scored example (slower)


@pytest.fixture(scope="module")
def archived(demo_library):
    return demo_library


def folder(lib, path):
    case = casefile.load_case(path)
    return lib / str(case.year) / case.case_id


@pytest.mark.notebook
def test_satisfaction_report_archived_without_respondent_rows(archived):
    path = ELDERLY
    out = folder(archived, path)
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    a = satisfaction.analyse(casefile.load_case(path))
    assert res["evaluation"] == "satisfaction" and res["total_score"] is None
    assert res["survey"]["index"]["estimate"] == pytest.approx(a.overall["estimate"])
    assert res["survey"]["indicator"]["points"] == a.indicator["points"]
    html = (out / "report.html").read_text(encoding="utf-8")
    for heading in (*satisfaction.HEADINGS, "问卷信度与效度", "重要性与表现", "满意度指标得分"):
        assert heading in html
    assert "data:image/png;base64," in html
    for bad_text in ("Traceback", "Warning", "Glyph", "import matplotlib"):
        assert bad_text not in html
    # privacy: the respondent file is hashed, never copied; no archived file holds a row
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    data_file = path.parent / res["survey"]["data"]["file"]
    assert prov["data_files"] == [
        {"name": res["survey"]["data"]["file"], "sha256": satisfaction_sha(data_file)}
    ]
    assert not (out / "data").exists()
    for name, text in archived_texts(out):
        assert not any(m in text for m in RESPONDENT_MARKS), name


def archived_texts(out):
    """(name, text) of every archived file; workbooks and report.docx (zip containers) are read
    member by member (their embedded chart images are pictures, not text: left out, as the
    charts in report.html are)."""
    import zipfile

    for f in sorted(out.rglob("*")):
        if not f.is_file():
            continue
        if f.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(f) as z:
                for m in z.namelist():
                    if m.lower().endswith((".png", ".jpg", ".jpeg", ".emf")):
                        continue
                    yield f"{f.name}:{m}", z.read(m).decode("utf-8", "replace")
        elif f.suffix == ".ipynb":  # the plain-text fallback of a displayed report block is its
            # dataclass repr (figures as raw PNG bytes): scan what the notebook shows instead
            nb = json.loads(f.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                for o in cell.get("outputs", []):
                    data = dict(o.get("data", {}))
                    if "text/html" in data:
                        data.pop("text/plain", None)
                    yield f.name, json.dumps(data, ensure_ascii=False) + "".join(o.get("text", ""))
                yield f.name, "".join(cell["source"])
        else:
            yield f.name, f.read_text(encoding="utf-8")


def satisfaction_sha(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.notebook
def test_scored_example_report_shows_the_survey_basis(archived):
    out = folder(archived, SCORED)
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    s1 = next(i for i in res["indicators"] if i["code"] == "S1")
    assert s1["actual"] == 82.54 and s1["score"] == 9.17
    assert "95% 置信区间 80.76%–84.32%" in s1["actual_basis"]
    assert res["total_score"] == scoring.evaluate(SCORED).total
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "满意度调查（wujin_bus_satisfaction_2023.yaml）" in html
    assert sorted(p.name for p in (out / "data").iterdir()) == ["wujin_bus_satisfaction_2023.yaml"]
    for name, text in archived_texts(out):
        assert "GJ23-" not in text, name


@pytest.mark.notebook
def test_plain_papermill_gives_the_same_numbers(archived, tmp_path):

    plain = plain_papermill(ELDERLY, tmp_path)["survey"]
    stored = json.loads((folder(archived, ELDERLY) / "results.json").read_text(encoding="utf-8"))
    stored = stored["survey"]
    assert plain["index"] == stored["index"]
    assert plain["table"] == stored["table"]
    assert plain["indicator"] == stored["indicator"]


def test_notebook_parameters_define_every_option_of_the_examples():
    """papermill warns about parameters the notebook does not define: the bus example (the
    notebook's defaults) sets every top-level key the other satisfaction example uses."""
    bus = yaml.safe_load(BUS.read_text(encoding="utf-8"))
    other = yaml.safe_load(ELDERLY.read_text(encoding="utf-8"))
    assert set(other) <= set(bus)
