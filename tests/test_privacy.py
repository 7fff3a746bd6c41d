"""Privacy of survey respondents (issue 13 item 3): a column recognised as personal data — by
its name or by its content (mobile and landline numbers, resident ID numbers, a column of
Chinese names) — is refused wherever a case uses it (item, importance, overall, group, stratum,
cluster, weight, fpc, calibration variable; also in an indicator's survey and in the Excel
import), only ``drop`` accepts it; small groups are withheld in every output with
complementary suppression (``survey.min_cell``); and no archived file of a satisfaction case
holds a personal value (every file scanned, workbooks unzipped)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from methods import casefile, scoring
from methods.errors import CaseError
from methods.evaltypes import satisfaction
from methods.evaltypes.satisfaction import (
    personal_column,
    personal_content,
    personal_header,
    withhold,
)
from methods.report.document import plain_text

from .conftest import EXAMPLES, run_cli
from .test_satisfaction_case import direct_rate, scored_raw, small_data, write_case

BUS = EXAMPLES / "wujin_bus_satisfaction_2023.yaml"
ELDERLY = EXAMPLES / "wujin_elderly_care_satisfaction_2023.yaml"
SCORED = EXAMPLES / "wujin_bus_subsidy_survey_2023.yaml"
ELDERLY_CSV = EXAMPLES / "satisfaction" / "wujin_elderly_care_survey_2023.csv"
BUS_CSV = EXAMPLES / "satisfaction" / "wujin_bus_survey_2023.csv"

# fictional respondents
NAMES = [
    "王建国", "李秀英", "张志强", "刘桂兰", "陈卫东", "杨淑珍", "赵玉梅", "黄建华", "周丽娟",
    "吴国平", "徐海燕", "孙立新", "欧阳翠花", "马晓东", "朱红梅", "胡振华", "郭秀兰", "何俊杰",
]  # fmt: skip


def id_number(k: int, *, valid: bool = True) -> str:
    """A fictional resident ID number (320412 = 武进, born 195x) with a valid check digit (or
    a wrong one)."""
    body = f"320412{1950 + k % 50:04d}{k % 12 + 1:02d}{k % 28 + 1:02d}{101 + k % 800:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    if not valid:
        check = "0" if check != "0" else "1"
    return body + check


def mobile(k: int) -> str:
    return f"1{3 + k % 7}{(k * 7919) % 10**9:09d}"


def landline(k: int) -> str:
    return f"0519-8{(k * 104729) % 10**7:07d}"


# ---------------------------------------------------------------------------------------------
# Recognising personal columns: by name


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("姓名", "姓名"),
        ("受访者姓名", "姓名"),
        ("名字", "姓名"),
        ("户主", "姓名"),
        ("户主姓名", "姓名"),
        ("联系人", "姓名"),
        ("联系电话", "电话号码"),
        ("电话", "电话号码"),
        ("手机", "电话号码"),
        ("手机号", "电话号码"),
        ("手机号码（选填）", "电话号码"),
        ("座机", "电话号码"),
        ("电话2", "电话号码"),
        ("联系方式", "电话号码"),
        ("身份证号码", "身份证号"),
        ("证件号", "身份证号"),
        ("家庭住址", "住址"),
        ("地址：", "住址"),
        ("门牌号", "住址"),
        ("微信号", "联系账号"),
        ("QQ", "联系账号"),
        ("ＱＱ号", "联系账号"),
        ("邮箱", "联系账号"),
        ("E-mail", "联系账号"),
        ("phone", "个人信息"),
        ("Contact Phone", "个人信息"),
        ("home address", "个人信息"),
        ("ID card", "个人信息"),
        ("name", "姓名"),
        ("Respondent Name", "姓名"),
    ],
)
def test_personal_headers(header, kind):
    assert personal_header(header) == kind


@pytest.mark.parametrize(
    "header",
    [
        "电话预约是否方便",
        "手机APP好用",
        "与户主关系",
        "服务地址满意度",
        "town name",
        "镇街道",
        "问卷编号",
        "q1",
        "权重",
        "年龄段",
        "社区",
    ],
)
def test_items_that_merely_mention_a_personal_word_are_not_personal(header):
    assert personal_header(header) is None


# ---------------------------------------------------------------------------------------------
# … and by content


def content(values):
    return personal_content(pd.Series(values, dtype=object))


@pytest.mark.parametrize(
    "value",
    ["13912345678", "+86 139 1234 5678", "139-1234-5678", "回访请打 13912345678 谢谢",
     "13912345678.0", "8613912345678",
     # written with other separators (issue 13 red team: 476 of these leaked as group labels)
     "138.1001.5678", "138 1001 5678", "(+86)138-1001-5678", "+86-138-1001-5678",
     "0086 13810015678", "138/1001/5678", "138．1001．5678", "１３８１００１５６７８",
     "电话 138.1001.5678（白天）", "013810015678"],
)  # fmt: skip
def test_mobile_numbers(value):
    assert content(["4", "5", value, "3"]) == ("手机号码", 2)


@pytest.mark.parametrize("value", ["139****5678", "138-****-5678", "138 **** 5678"])
def test_masked_mobile_numbers(value):
    assert content([value]) == ("部分隐藏的手机号码", 0)


@pytest.mark.parametrize(
    "value",
    ["13.912345678", "0.013912345678", "775.0", "1391.2345678", "2023.11.05", "2023/11/05",
     "62000", "GJ23-0001-12", "2023-11-05 13:45:12", "4.5"],
)  # fmt: skip
def test_decimals_dates_and_codes_are_not_phone_numbers(value):
    assert content([value, "4"]) is None


def test_email_addresses():
    assert content(["", "zhang.san@qq.com"]) == ("电子邮箱", 1)
    assert content(["@某人", "a@b", "评分@5"]) is None


@pytest.mark.parametrize(
    "value",
    ["0519-86123456", "(0519)86123456", "010-62345678", "051986123456", "0351-2345678",
     # with an extension, other separators, or the international prefix
     "0519-86123456-801", "0519-86123456转801", "0519-86123456 转 801", "0519-86123456分机801",
     "0519-86123456 ext. 801", "0519-86123456#801", "0519.86123456", "0519 8612 3456",
     "(0519) 8612-3456", "+86 519 8612 3456", "+86-10-62345678"],
)  # fmt: skip
def test_landlines_with_area_code(value):
    assert content(["", value]) == ("固定电话号码", 1)


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",  # valid check digit, X
        id_number(3),
        id_number(4, valid=False),  # a typo in the check digit: still an ID number (birth date)
        "11010519491231002x",
        "320412500101123",  # the old 15-digit form
        "身份证 " + id_number(6),
    ],
)
def test_id_numbers(value):
    assert content(["甲", value]) == ("身份证号", 1)


def test_id_number_mangled_by_excel_is_still_found():
    """An 18-digit number typed into Excel becomes a float: its last digits are lost, the
    birth date is not."""
    value = float(id_number(7))
    text = satisfaction.cell_text(value)
    assert text != id_number(7) and content([text]) == ("身份证号", 0)


def test_a_column_of_names():
    assert content(NAMES) == ("姓名", 0)
    assert content(["（未填）", *NAMES[:9]]) == ("姓名", 1)  # 90% names
    assert content([n[0] + "**" for n in NAMES]) == ("部分隐藏的姓名", 0)
    assert content(["张某某", "王某", "李**", "陈*", "赵*明"]) == ("部分隐藏的姓名", 0)
    minority = ["阿依古丽·买买提", "热合曼·吐尔逊", "买买提·艾力", "古丽·阿不都", "帕提古丽·麦麦提"]
    assert content(minority) == ("姓名", 0)


def _spread(values, n=476):
    """``values`` cycled over ``n`` respondents (a column of a survey file)."""
    return [values[i % len(values)] for i in range(n)]


# 140 fictional people (surname + one or two given characters), as in the red team's files
PEOPLE = [
    s + a + b
    for s in "王李张刘陈杨赵黄周吴"
    for a, b in zip("伟秀桂建志国海", "丽英兰华强平燕", strict=True)
]
PEOPLE += [s + a for s in "徐孙胡朱高林何郭马罗" for a in "伟娜芳敏静丽强"]
PINYIN = [f"{s} {g}" for s in ("Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Zhao", "Huang",
          "Zhou", "Wu") for g in ("Wei", "Fang", "Na", "Xiuying", "Jie", "Ming", "Lei", "Jun", "Yan",
          "Tao", "Qiang", "Hua", "Ping", "Min")]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "first"),
    [
        # each name two, three or four times (the same person answering twice, a household)
        (_spread(PEOPLE[:238]), 0),
        (_spread(PEOPLE[:159]), 0),
        (_spread(PEOPLE), 0),
        # names with a note, a role, a label or a number
        (_spread([n + "（户主）" for n in PEOPLE]), 0),
        (_spread([n + ("(代答)" if i % 3 else "") for i, n in enumerate(PEOPLE)]), 0),
        (_spread([f"姓名：{n}" for n in PEOPLE]), 0),
        (_spread([f"{n}{i % 3 + 1}" for i, n in enumerate(PEOPLE)]), 0),
        (_spread([f"{n} 户主" for n in PEOPLE]), 0),
        # a minority of placeholders: 70% names, 30% 匿名 / 不愿透露 / blank
        (["匿名", *_spread(PEOPLE, 70), *["不愿透露", "匿名", ""] * 10], 1),
        (_spread(["不愿意透露", "保密", *PEOPLE[:40]], 120), 2),
        # very few filled cells
        (["", "张伟", "", "李娜", *[""] * 472], 1),
        (["张伟", "李娜", "王芳"] + [""] * 473, 0),
        (["匿名", "张伟", "李娜", "王芳", "刘洋"] + [""] * 471, 1),
        # pinyin names, either order, with a number
        (_spread(PINYIN), 0),
        (["WANG Xiuying", "ZHANG Wei", "li xiaoming", "Ouyang Feng"], 0),
        (["Wei Zhang", "Xiuying Wang", "Na Li"], 0),
        ([f"{n} {i}" for i, n in enumerate(_spread(["Zhang Wei", "Li Na", "Wang Fang"], 60))], 0),
        (["ZhangWei", "LiNa", "WangFang"], 0),
        # 老王 / 小李 and Mr / Ms forms
        (_spread(["老王", "小李", "张先生", "王女士", "李阿姨", "刘师傅"], 30), 0),
    ],
    ids=[
        "twice", "three-times", "four-times", "suffix-huzhu", "suffix-daida", "label",
        "numbered", "role-word", "anon-30pct", "placeholders", "two-names", "three-names",
        "four-names", "pinyin", "pinyin-upper", "pinyin-western", "pinyin-numbered",
        "pinyin-camel", "honorifics",
    ],
)  # fmt: skip
def test_columns_of_names_in_every_form(values, first):
    assert content(values) == ("姓名", first)


TOWNS = ["湖塘镇", "牛塘镇", "洛阳镇", "遥观镇", "横林镇", "横山桥镇", "雪堰镇", "前黄镇", "礼嘉镇",
         "嘉泽镇", "湟里镇", "南夏墅街道"]  # fmt: skip
GROUP_COLUMNS = {
    "镇街道": TOWNS,
    "镇街道（简称）": [t.removesuffix("镇").removesuffix("街道") for t in TOWNS],
    "社区": ["A1", "A2", "B1", "B2", "C1", "C2"],
    "社区名": ["湖塘东社区", "阳光花园", "金色家园", "府南小区", "高家村", "王家宅", "李庄"],
    "性别": ["男", "女"],
    "年龄段": ["18-29岁", "30-44岁", "45-59岁", "60岁及以上"],
    "职业": ["农民", "工人", "司机", "商人", "教师", "学生", "退休", "个体户", "公务员", "其他"],
    "文化程度": ["小学", "初中", "高中", "中专", "大专", "本科", "研究生"],
    "政治面貌": ["党员", "群众", "团员"],
    "居住状况": ["独居", "与配偶同住", "与子女同住"],
    "主要服务": ["助餐", "助洁", "助浴", "康复护理"],
    "人群": ["上班族", "学生", "老年人", "其他"],
    "乘车频率": ["每天", "每周数次", "偶尔"],
    "户籍": ["本地", "外地"],
    "是否低保": ["是", "否"],
    "answers": ["满意", "很满意", "一般", "不满意", "方便", "安全", "周到"],
    "English": ["Male", "Female", "Town A", "Town B", "Urban", "Rural"],
    "访问员": ["张三", "李四", "王五"],  # interviewers: a few large groups, not respondents
    "pinyin places": ["Hu Tang", "Niu Tang", "Wu Jin"],
}


@pytest.mark.parametrize("column", list(GROUP_COLUMNS))
def test_ordinary_group_columns_are_not_personal(column):
    """Group columns of every usual kind are not taken for names: as a survey column (many
    respondents per category), and for the categories of every column but the interviewers
    and pinyin places (whose categories look like names) also when only two or three cells
    are filled."""
    values = GROUP_COLUMNS[column]
    assert content(_spread(values)) is None
    assert content(_spread(values, 60) + [""] * 10) is None
    if column not in ("访问员", "pinyin places"):
        for k in range(0, len(values) - 1):
            assert content(values[k : k + 2] + [""] * 50) is None, values[k : k + 2]
        assert content(values) is None


def test_the_example_survey_columns_are_not_personal_except_the_personal_ones():
    bus = pd.read_csv(BUS_CSV, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    elderly = pd.read_csv(ELDERLY_CSV, encoding="gbk", dtype=str, keep_default_na=False)
    found = {c: personal_column(c, df[c]) for df in (bus, elderly) for c in df.columns}
    assert {c for c, f in found.items() if f is not None} == {"姓名", "联系电话"}
    assert personal_content(elderly["姓名"]) is not None  # by content too


@pytest.mark.parametrize(
    "values",
    [
        ["湖塘镇", "牛塘镇", "武进区", "高家村", "湖塘东社区"] * 4,  # places
        ["张三", "李四"] * 20,  # repeated many times: interviewers, a group, not respondents
        ["满意", "很满意", "一般", "不满意", "方便", "安全", "满意", "一般"],  # answers
        ["希望增加班次", "常常晚点", "司机态度好", "车内干净整洁", "无"],  # comments
        ["张伟"] + [""] * 50,  # one cell is not a column of names
        ["匿名", "不愿透露", "", "保密"] * 10,  # placeholders only
        ["张伟", "李娜", "司机态度好", "车内干净整洁", "希望增加班次", "常常晚点"],  # a third
        [f"GJ23-{i:04d}" for i in range(30)],  # questionnaire numbers
        [f"2023110100{i:05d}" for i in range(30)],  # 15 digits without a birth date
        [f"20231105{i:010d}" for i in range(30)],  # 18 digits, no province
        ["2023-11-05", "2023-11-06", "62000", "775.0", "0.5", "-1"],
        [str(v) for v in range(1, 6)] * 10,
    ],
)
def test_not_personal_content(values):
    assert content(values) is None


def test_content_checks_are_on_distinct_values():
    """A long answer column is judged on its few distinct values; the row found is exact."""
    values = pd.Series(np.tile(["1", "2", "3", "4", "5"], 40_000), dtype=object)
    assert personal_content(values) is None
    values.iloc[199_998] = mobile(1)
    assert personal_content(values) == ("手机号码", 199_998)


def test_personal_column_says_how_it_was_recognised():
    assert personal_column("联系电话", pd.Series(["x"])).by == "header"
    found = personal_column("备注", pd.Series(["", landline(2)]))
    assert (found.kind, found.by, found.position) == ("固定电话号码", "content", 1)


# ---------------------------------------------------------------------------------------------
# A personal column is refused wherever the case uses it


def private_data(n: int = 60) -> pd.DataFrame:
    """small_data() with personal columns: by name (联系电话, 家庭住址) and only by content
    (受访对象: names; 备注: landlines; 证号: ID numbers; 权数: mobile numbers that would pass
    as positive weights)."""
    df = small_data(n)
    df["联系电话"] = [mobile(i) for i in range(n)]
    df["家庭住址"] = [f"湖塘镇人民路{i + 1}号" for i in range(n)]
    df["受访对象"] = [
        NAMES[i % len(NAMES)][0] + "秀志建国海丽明华"[i % 8] + "英强华明军芳"[i // 8 % 6]
        for i in range(n)
    ]
    df["备注"] = [landline(i) for i in range(n)]
    df["证号"] = [id_number(i) for i in range(n)]
    df["权数"] = [mobile(i) for i in range(n)]
    # the red team's forms (issue 13): other separators, extensions, suffixes, pinyin
    df["回访号码"] = [
        f"138.{1000 + i:04d}.5678" if i % 2 else f"0519-8612{i:04d}转801" for i in range(n)
    ]
    df["填表人"] = [
        f"{NAMES[i % len(NAMES)]}（户主）" if i % 2 else f"{PINYIN[i % len(PINYIN)]}"
        for i in range(n)
    ]
    return df


PERSONAL = ["联系电话", "家庭住址", "受访对象", "备注", "证号", "权数", "回访号码", "填表人"]
DROP_ALL = {"drop": PERSONAL}


def use(column):
    """(survey_extra, top_extra, field label, role) for each place a spec names a column."""
    items = [{"column": f"q{j}", "dimension": "甲" if j < 3 else "乙"} for j in range(1, 5)]
    with_importance = [dict(items[0], importance=column), *items[1:]]
    return [
        ({"groups": ["镇", column]}, "survey.groups[1]", "受访者分组"),
        ({"design": {"strata": column, "weights": "权重"}}, "survey.design.strata", "分层"),
        ({"design": {"cluster": column, "weights": "权重"}}, "survey.design.cluster", "整群"),
        ({"design": {"weights": column}}, "survey.design.weights", "抽样权重"),
        ({"design": {"strata": "镇", "fpc": column}}, "survey.design.fpc", "有限总体校正"),
        ({"items": [*items[:3], {"column": column}]}, "survey.items[3].column", "满意度题目"),
        ({"items": with_importance}, "survey.items[0].importance", "重要性题目"),
        ({"overall": column}, "survey.overall", "总体满意度题目"),
        (
            {"calibration": {"margins": {column: {"x": 1}}}},
            f"survey.calibration.margins.{column}",
            "权重校准变量",
        ),
    ]


FIELDS = [(col, *u) for col in PERSONAL for u in use(col)]


@pytest.mark.parametrize(
    ("column", "extra", "label", "role"),
    FIELDS,
    ids=[f"{c}-{label}" for c, _, label, _ in FIELDS],
)
def test_personal_column_refused_in_every_field(tmp_path, column, extra, label, role):
    df = private_data()
    others = [c for c in PERSONAL if c != column]
    path = write_case(tmp_path, df, survey_extra={**extra, "drop": others})
    with pytest.raises(CaseError) as info:
        casefile.validate(path)
    text = str(info.value)
    assert text.startswith(str(path)) and label in text, text
    assert f"列 '{column}' 是个人信息" in text and f"不能用作{role}" in text, text
    assert "只能列入 survey.drop" in text, text
    assert "s.csv" in text  # the respondent file is named
    assert_no_personal_value(text, df)


def assert_no_personal_value(text: str, df: pd.DataFrame) -> None:
    for col in PERSONAL:
        for value in df[col].astype(str):
            assert value not in text, (col, value)
    assert not re.search(r"\d{7,}", text.replace(" ", "")), text


def test_whatever_the_case_says_drop_is_the_only_way(tmp_path):
    df = private_data()
    # every personal column dropped: the analysis runs, none of them reaches the frame
    a = satisfaction.analyse(casefile.load_case(write_case(tmp_path, df, survey_extra=DROP_ALL)))
    assert not set(PERSONAL) & set(a.prepared.frame.columns)
    assert a.prepared.dropped == tuple(PERSONAL)
    # listed in drop and used: refused at drop, naming where it is used
    path = write_case(tmp_path, df, survey_extra={"drop": PERSONAL, "groups": ["镇", "受访对象"]})
    with pytest.raises(
        CaseError, match=r"要删除的列 '受访对象' 同时用于分析（survey.groups\[1\]）"
    ):
        casefile.validate(path)
    # not dropped and not used: refused at drop
    path = write_case(tmp_path, df, survey_extra={"drop": [c for c in PERSONAL if c != "权数"]})
    with pytest.raises(CaseError, match="第 2 行 权数：内容看起来是手机号码") as info:
        casefile.validate(path)
    assert "survey.drop" in str(info.value)
    assert_no_personal_value(str(info.value), df)


def test_cli_exit_2_with_one_plain_message(tmp_path):
    df = private_data()
    path = write_case(
        tmp_path, df, survey_extra={"drop": PERSONAL[1:], "design": {"strata": "联系电话"}}
    )
    proc = run_cli("validate", path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = proc.stderr.strip()
    assert len(err.splitlines()) <= 2 and "Traceback" not in err
    assert "survey.design.strata" in err and "'联系电话'" in err
    assert_no_personal_value(err, df)


def test_error_messages_never_quote_a_long_number(tmp_path):
    """A long number typed into an answer column is not echoed by the scale check."""
    df = small_data().astype(object)
    df.loc[3, "q2"] = "编号 12345678"
    with pytest.raises(CaseError) as info:
        casefile.validate(write_case(tmp_path, df))
    text = str(info.value)
    assert "第 5 行 q2" in text and "不显示" in text and "12345678" not in text


# the red team's columns (issue 13): each was accepted as a group and its values published
RED_TEAM = {
    "dotted-mobiles": ([f"138.{1000 + i:04d}.5678" for i in range(60)], "手机号码"),
    "spaced-mobiles": ([f"138 {1000 + i:04d} 5678" for i in range(60)], "手机号码"),
    "intl-mobiles": ([f"(+86)138-{1000 + i:04d}-5678" for i in range(60)], "手机号码"),
    "landline-ext": ([f"0519-8612{i:04d}-801" for i in range(60)], "固定电话号码"),
    "landline-zhuan": ([f"0519-8612{i:04d}转801" for i in range(60)], "固定电话号码"),
    "names-pairs": (_spread(PEOPLE[:30], 60), "姓名"),
    "names-triples": (_spread(PEOPLE[:20], 60), "姓名"),
    "names-suffix": (_spread([n + "（户主）" for n in PEOPLE[:20]], 60), "姓名"),
    "names-anon": (_spread([*PEOPLE[:7], "匿名", "匿名", "不愿透露"], 60), "姓名"),
    "names-four": (["张伟", "李娜", "王芳", "刘洋"] + [""] * 56, "姓名"),
    "pinyin": ([f"{n} {i}" for i, n in enumerate(_spread(PINYIN[:5], 60))], "姓名"),
}


@pytest.mark.parametrize("column", list(RED_TEAM))
def test_red_team_personal_columns_refused_as_groups(tmp_path, column):
    """Each column the red team used as a group is refused there, without quoting a value;
    dropped, the analysis runs and none of its values reaches the results."""
    values, kind = RED_TEAM[column]
    df = small_data()
    df["回访"] = values
    path = write_case(tmp_path, df, survey_extra={"groups": ["镇", "回访"]})
    with pytest.raises(CaseError) as info:
        casefile.validate(path)
    text = str(info.value)
    assert "survey.groups[1]" in text and f"列 '回访' 是个人信息（{kind}" in text, text
    assert "不能用作受访者分组" in text
    assert not any(v and v in text for v in values), text
    assert not re.search(r"\d{7,}", text.replace(" ", "")), text
    # not used and not dropped: refused at drop; dropped: the results hold none of its values
    with pytest.raises(CaseError, match=r"回访：内容看起来是"):
        casefile.validate(write_case(tmp_path, df))
    a = satisfaction.analyse(
        casefile.load_case(write_case(tmp_path, df, survey_extra={"drop": ["回访"]}))
    )
    out = json.dumps(a.to_dict(), ensure_ascii=False)
    assert not any(v and v in out for v in values)


# every path of prepare that reports a cell: the cell holds a name or a phone number
CELL_PATHS = [
    ("q2", {}, "survey.items[1].column", "不是量表 1–5 的等级"),
    ("q4", {"items": [{"column": f"q{j}"} for j in (1, 2, 3)], "overall": "q4"}, "survey.overall", "不是量表"),
    ("q4", {"items": [{"column": "q1", "importance": "q4"}, {"column": "q2"}]}, "survey.items[0].importance", "不是量表"),
    ("权重", {}, "survey.design.weights", "不是数值（权重）"),
    ("fpc", {"design": {"strata": "镇", "weights": "权重", "fpc": "fpc"}}, "survey.design.fpc", "不是数值"),
    ("镇", {}, "survey.design", "只有 1 个 PSU"),  # a stratum label, from methods.survey
    ("镇", {"design": {"weights": "权重"}, "calibration": {"margins": {"镇": {"甲镇": 300, "乙镇": 300}}}},
     "survey.calibration.margins", "在样本中出现，但总体数中没有"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "shown"), [("张伟", "'张*'"), ("欧阳翠花", "'欧***'"),
                                              ("王秀英（户主）", "'王***'"), ("Zhang Wei", "'Z***'"),
                                              ("138.1001.5678", "不显示"), ("0519-86123456-801", "不显示")])  # fmt: skip
@pytest.mark.parametrize(("column", "extra", "field", "message"), CELL_PATHS)
def test_error_messages_mask_a_personal_cell(tmp_path, value, shown, column, extra, field, message):
    """No message quotes a cell that looks personal: a name is masked (张*), a number is not
    shown; the row and the column are still named (issue 13: '张伟' 不是量表 1–5 的等级)."""
    df = small_data()
    df["fpc"] = 1000
    df = df.astype(object)
    df.loc[3, column] = value
    path = write_case(tmp_path, df, survey_extra=extra)
    with pytest.raises(CaseError) as info:
        casefile.validate(path)
    text = str(info.value)
    assert value not in text, text
    assert not re.search(r"\d{7,}", re.sub(r"[\s.\-]", "", text)), text
    if shown == "不显示":  # a phone number makes the whole column personal: refused as such
        assert f"列 '{column}' 是个人信息" in text and "第 5 行起的内容" in text, text
        return
    assert field in text and message in text and shown in text, text
    if column != "镇":
        assert f"第 5 行 {column}" in text


def test_a_file_without_its_header_row_quotes_no_respondent(tmp_path):
    """The first respondent's answers taken for column names are not listed in a message."""
    header = "王建国,13912345678,湖塘镇,4,5,3,2,10\n"
    body = "".join(f"{PEOPLE[i]},1391234{i:04d},湖塘镇,4,5,3,4,10\n" for i in range(30))
    path = write_case(tmp_path, raw_bytes=(header + body).encode())
    with pytest.raises(CaseError) as info:
        casefile.validate(path)
    text = str(info.value)
    assert "数据文件可能缺少表头行" in text, text
    assert "王建国" not in text and "13912345678" not in text, text
    assert not any(p in text for p in PEOPLE[:30])
    # a missing column lists the others, masked
    path = write_case(tmp_path, raw_bytes=(header + "x,y,湖塘镇,4,5,3,4,10\n" * 3).encode())
    with pytest.raises(CaseError, match="没有列 'q1'") as info:
        casefile.validate(path)
    text = str(info.value)
    assert "王建国" not in text and "13912345678" not in text and "王**" in text, text


def test_safe_cell_and_scrub():
    from methods.evaltypes.satisfaction.privacy import _safe_cell, scrub

    assert _safe_cell("十") == "'十'" and _safe_cell("很好") == "'很好'"
    assert _safe_cell("甲镇") == "'甲镇'" and _safe_cell("满意度") == "'满意度'"
    assert _safe_cell("张伟") == "'张*'" and _safe_cell("李**") == "'李**'"
    assert "不显示" in _safe_cell("编号 12345678") and "不显示" in _safe_cell("a@b.cn")
    assert scrub("层 '张伟'（分层列 镇）只有 1 个 PSU；层 '湖塘镇'") == (
        "层 '张*'（分层列 镇）只有 1 个 PSU；层 '湖塘镇'"
    )


def test_indicator_survey_inline_refuses_a_personal_group(tmp_path):
    df = private_data()
    write_case(tmp_path, df, survey_extra=DROP_ALL)
    spec = {"data": "survey/s.csv", "items": [{"column": "q1"}], "design": {"weights": "权重"}}
    spec["drop"] = PERSONAL[1:]
    raw = scored_raw(tmp_path, {**spec, "groups": ["联系电话"]})
    with pytest.raises(CaseError) as info:
        casefile.validate_mapping(raw, source="x.yaml", base_dir=tmp_path)
    text = str(info.value)
    assert "indicators[10]（S1）.survey.groups[0]" in text and "'联系电话'" in text
    assert_no_personal_value(text, df)
    # the same survey with the column dropped gives the indicator its value
    raw = scored_raw(tmp_path, {**spec, "drop": PERSONAL})
    row = scoring.evaluate(raw, base_dir=tmp_path).table.set_index("code").loc["S1"]
    assert row["actual"] == pytest.approx(round(direct_rate(df, ["q1"], "权重"), 2))


def test_indicator_survey_case_refuses_a_personal_stratum(tmp_path):
    df = private_data()
    path = write_case(
        tmp_path, df, survey_extra={"drop": PERSONAL[:2] + PERSONAL[3:], "groups": ["受访对象"]}
    )
    raw = scored_raw(tmp_path, {"case": path.name})
    with pytest.raises(CaseError) as info:
        casefile.validate_mapping(raw, source="x.yaml", base_dir=tmp_path)
    text = str(info.value)
    assert "indicators[10]（S1）.survey.case" in text and "t_survey_2023.yaml" in text
    assert "survey.groups[0]" in text and "'受访对象'" in text and "姓名" in text
    assert_no_personal_value(text, df)


def test_excel_survey_import_leaves_out_personal_columns(tmp_path):
    import openpyxl

    from methods import excel

    df = private_data(30)
    wb = openpyxl.Workbook()
    ws = wb.active
    cols = ["编号", "镇", "q1", "q2", "q3", "q4", *PERSONAL]
    ws.append(cols)
    for r in df[cols].itertuples(index=False):
        ws.append(list(r))
    for row in range(2, 32):  # ID numbers stored as numbers, as a careless export does
        cell = ws.cell(row, len(cols) - 1)
        if cell.value.isdigit():
            cell.value = float(cell.value)
    wb.save(tmp_path / "调查2024.xlsx")
    imported, files = excel.import_any(tmp_path / "调查2024.xlsx")
    spec = imported.case["survey"]
    assert [i["column"] for i in spec["items"]] == ["q1", "q2", "q3", "q4"]
    assert spec.get("groups") == ["镇"]
    (data,) = files.values()
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "编号,镇,q1,q2,q3,q4"
    assert_no_personal_value(text, df)
    assert any("个人信息列不导出" in n and "受访对象" in n and "证号" in n for n in imported.notes)


# ---------------------------------------------------------------------------------------------
# Small groups: withheld in every output, with complementary suppression


def table(cells):
    """A by-group table from {group: {name: n}} (name 总体 = the group's overall row)."""
    rows = [
        {
            "group": g,
            "level": "overall" if k == "总体" else "dimension",
            "name": k,
            "n_respondents": n,
        }
        for g, d in cells.items()
        for k, n in d.items()
    ]
    return pd.DataFrame(rows)


def test_withhold_one_small_group_and_its_complement():
    t = table({"甲": {"总体": 30}, "乙": {"总体": 29}, "丙": {"总体": 1}, "丁": {"总体": 0}})
    assert list(withhold(t, 5)) == [None, "complementary", "min_cell", None]
    # two small groups protect each other
    t = table({"甲": {"总体": 30}, "乙": {"总体": 3}, "丙": {"总体": 2}})
    assert list(withhold(t, 5)) == [None, "min_cell", "min_cell"]


def test_withhold_dimension_cells_in_both_directions():
    t = table(
        {
            "甲": {"总体": 40, "A": 40, "B": 3},
            "乙": {"总体": 30, "A": 30, "B": 20},
            "丙": {"总体": 50, "A": 50, "B": 45},
        }
    )
    r = withhold(t, 5).set_axis(t["group"] + "/" + t["name"])
    assert r["甲/B"] == "min_cell"
    assert r["甲/A"] == "complementary"  # within 甲: 甲/B = 甲 − 甲/A
    assert r["乙/B"] == "complementary"  # across groups for B: 甲/B = B − 乙/B − 丙/B
    assert r["乙/A"] == "complementary"  # … and then within 乙
    assert r[["甲/总体", "乙/总体", "丙/总体"]].isna().all()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 40), min_size=3, max_size=3), min_size=1, max_size=6),
    st.integers(3, 10),
)
def test_withheld_cells_cannot_be_recovered_by_subtraction(ns, min_cell):
    """Every cell of 1…min_cell−1 respondents is withheld, empty cells are not, a withheld
    group is withheld as a whole, and no line of the table (a column across groups, or a group
    across its dimensions) has exactly one withheld cell."""
    t = table({f"g{i}": {"总体": max(n), "A": n[1], "B": n[2]} for i, n in enumerate(ns)})
    r = withhold(t, min_cell)
    hidden = r.notna()
    n = t["n_respondents"]
    assert ((r == "min_cell") == ((n > 0) & (n < min_cell))).all()
    whole = t.loc[hidden & (t["level"] == "overall"), "group"]
    assert hidden[t["group"].isin(whole)].all()
    filled = n > 0
    for key, rows in ((t["name"], filled), (t["group"], filled & (t["level"] != "overall"))):
        per = hidden[rows].groupby(key[rows]).agg(["sum", "size"])
        assert not ((per["sum"] == 1) & (per["size"] >= 2)).any()


def small_group_case(tmp_path, **survey_extra):
    df = private_data()
    df["镇"] = np.where(np.arange(60) < 35, "甲镇", "乙镇")  # 32, 25 and 丙镇 3
    df.loc[[0, 1, 2], "镇"] = "丙镇"
    df["年龄段"] = np.where(np.arange(60) % 2, "60岁以下", "60岁及以上")
    spec = {
        **DROP_ALL,
        "items": [{"column": f"q{j}", "dimension": "甲" if j < 3 else "乙"} for j in range(1, 4)],
        "overall": "q4",
        "groups": ["镇", "年龄段"],
        "design": {"weights": "权重"},
        **survey_extra,
    }
    return df, write_case(tmp_path, df, survey_extra=spec)


def test_small_groups_withheld_in_every_output(tmp_path):
    """A withheld group loses its estimates and its label: the groups withheld (丙镇, 3
    respondents, and 乙镇, withheld so that 丙镇 cannot be computed from the total) are one row
    其余分组（合并） with their merged count, in results.json, the report and the comparisons."""
    df, path = small_group_case(tmp_path)
    a = satisfaction.analyse(casefile.load_case(path))
    assert a.withheld == {"镇": ("丙镇", "乙镇"), "年龄段": ()}  # in memory only
    out = a.to_dict()
    text = json.dumps(out, ensure_ascii=False, allow_nan=False)
    assert "丙镇" not in text and "乙镇" not in text
    merged = satisfaction.MERGED_GROUPS
    rows = {(r["group"], r["name"]): r for r in out["by_group"]["镇"]}
    assert {g for g, _ in rows} == {"甲镇", merged}
    for name in ("总体", "甲", "乙"):
        r = rows[(merged, name)]
        assert r["suppressed"] and r["suppressed_reason"] == "merged"
        assert r["estimate"] is r["se"] is r["ci_low"] is r["ci_high"] is None
        assert r["n_respondents"] == 28
    assert rows[("甲镇", "总体")]["estimate"] is not None
    assert out["disclosure"]["min_cell"] == 5
    assert out["disclosure"]["withheld_groups"] == {
        "镇": {"groups": 2, "respondents": 28, "shown_as": merged}
    }
    counts = {r["group"]: r for r in out["group_counts"]["镇"]}
    assert list(counts) == ["甲镇", merged]
    assert counts[merged]["n"] == 28 and counts[merged]["suppressed"]
    assert counts[merged]["share"] == pytest.approx(28 / 60)
    assert not counts["甲镇"]["suppressed"] and counts["甲镇"]["n"] == 32
    # comparisons and the ordinal model see the withheld groups merged into one (28 people:
    # the total less 甲镇, nothing new), never one by one
    seen = {r[c["group"]] for c in out["comparisons"] for r in c["table"]}
    assert seen == {"甲镇", merged, "60岁以下", "60岁及以上"}
    terms = {r["term"] for r in out["ordinal_logit"]}
    assert "镇=甲镇" in terms and not any("丙镇" in t or "乙镇" in t for t in terms)
    assert out["ordinal_logit"] and a.ordinal.attrs["n"] == 60
    # the report says why, and shows neither the estimates nor the labels
    report = "\n".join(plain_text(build(a)) for build in satisfaction.OUTLINE)
    assert "丙镇" not in report and "乙镇" not in report
    groups = plain_text(satisfaction.section_groups(a))
    assert "（合并隐藏，不予显示）" in groups and merged in groups and "不显示组名" in groups
    sample = plain_text(satisfaction.section_sample(a))
    assert merged in sample and "28" in sample
    # totals count every respondent
    assert a.overall["estimate"] == pytest.approx(direct_rate(df, ["q1", "q2", "q3"], "权重"))
    assert out["index"]["n_respondents"] == 60
    assert sum(r["n"] for r in out["group_counts"]["镇"]) == 60


def test_merged_groups_smaller_than_min_cell_show_no_count(tmp_path):
    """Withheld groups that are fewer than min_cell together: the merged row has no count
    (不予显示), and is left out of the comparisons."""
    df, path = small_group_case(tmp_path)
    df["镇"] = "甲镇"
    df.loc[[0, 1], "镇"] = "乙镇"
    df.loc[[2], "镇"] = "丙镇"
    path = write_case(tmp_path, df, survey_extra=yaml.safe_load(path.read_text())["survey"])
    a = satisfaction.analyse(casefile.load_case(path))
    assert a.withheld["镇"] == ("丙镇", "乙镇")
    out = a.to_dict()
    text = json.dumps(out, ensure_ascii=False)
    assert "丙镇" not in text and "乙镇" not in text
    merged = satisfaction.MERGED_GROUPS
    counts = {r["group"]: r for r in out["group_counts"]["镇"]}
    assert counts[merged] == {
        "group": merged, "n": None, "share": None, "weighted_share": None, "suppressed": True
    }  # fmt: skip
    assert all(r["n_respondents"] is None for r in out["by_group"]["镇"] if r["group"] == merged)
    assert out["disclosure"]["withheld_groups"]["镇"] == {
        "groups": 2, "respondents": None, "shown_as": merged
    }  # fmt: skip
    seen = {r[c["group"]] for c in out["comparisons"] for r in c["table"] if c["group"] == "镇"}
    assert merged not in seen
    groups = plain_text(satisfaction.section_groups(a)) + plain_text(satisfaction.section_sample(a))
    assert "不予显示" in groups and "丙镇" not in groups and "乙镇" not in groups


def test_min_cell_is_a_named_parameter_with_a_floor(tmp_path):
    _, path = small_group_case(tmp_path, min_cell=3)
    a = satisfaction.analyse(casefile.load_case(path))
    assert a.withheld["镇"] == ()  # 丙镇 has 3 respondents
    _, path = small_group_case(tmp_path, min_cell=30)
    a = satisfaction.analyse(casefile.load_case(path))
    assert a.withheld["镇"] == ("丙镇", "乙镇") and a.withheld["年龄段"] == ()
    _, path = small_group_case(tmp_path, min_cell=2)
    with pytest.raises(CaseError, match="survey.min_cell: 应不小于 3"):
        casefile.validate(path)


def test_privacy_corpus_entries_quote_no_personal_value():
    """The bad-input corpus's privacy entries (tools/make_bad_inputs.py) are refused without
    quoting any personal value of their respondent files."""
    from .test_bad_inputs import CORPUS, ENTRIES, cli

    entries = [e for e in ENTRIES if "/privacy_" in e["file"]]
    assert len(entries) >= 14
    base = {"问卷编号", "镇街道", "社区", "性别", "q1", "q2", "q3", "q_overall", "权重"}
    for e in entries:
        path = CORPUS / e["file"]
        err = cli("validate", path).stderr
        assert err and not re.search(r"\d{7,}", err), err
        for data in path.parent.glob(path.stem.removesuffix("_group") + "*.csv"):
            df = pd.read_csv(data, dtype=str, keep_default_na=False)
            for col in set(df.columns) - base:
                for value in df[col]:
                    assert len(value) < 2 or value not in err, (e["file"], value)


# ---------------------------------------------------------------------------------------------
# Nothing personal in the archive (every file; workbooks and documents unzipped)

MOBILE_RE = re.compile(r"(?<![\d.])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d.])")
# … and written with dots (138.1001.5678): looked for before decimals are scrubbed
MOBILE_DOTS_RE = re.compile(r"(?<![\d.])1[3-9]\d\.\d{4}\.\d{4}(?![\d.])")
MOBILE_MASKED_RE = re.compile(r"(?<!\d)1[3-9]\d[*＊xX]{4}\d{4}(?!\d)")
LANDLINE_RE = re.compile(r"(?<![\d.])\(?(?:010|02\d|0[3-9]\d\d)\)?[- ]?[2-9]\d{6,7}(?![\d.])")
ID_RE = re.compile(r"(?<![\d.])\d{17}[\dXx](?![\d.])")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# decimals, hashes and base64 images are not personal and would only make noise
SCRUB_RE = re.compile(r"\d+\.\d+(?:e[-+]?\d+)?|[0-9a-f]{32,}|[A-Za-z0-9+/=]{200,}")


def archive_texts(folder: Path):
    """(name, text) of every file under ``folder``; zip containers (xlsx, docx) member by
    member; binary files decoded leniently (an sqlite index still shows its strings)."""
    for f in sorted(folder.rglob("*")):
        if not f.is_file():
            continue
        data = f.read_bytes()
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(f) as z:
                for m in z.namelist():
                    yield f"{f.name}:{m}", z.read(m).decode("utf-8", "replace")
        else:
            yield f.name, data.decode("utf-8", "replace")


def personal_hits(folder: Path, values: set[str]) -> list[str]:
    """Every personal pattern (mobile, masked mobile, landline, ID number, e-mail) and every given
    value (names, numbers from the respondent file) found in the files under ``folder``."""
    hits = []
    for name, text in archive_texts(folder):
        for v in values:
            if v in text:
                hits.append(f"{name}: {v}")
        for m in MOBILE_DOTS_RE.finditer(text):
            hits.append(f"{name}: {m.group()}")
        scrubbed = SCRUB_RE.sub(" ", text)
        for pattern in (MOBILE_RE, MOBILE_MASKED_RE, LANDLINE_RE, ID_RE, EMAIL_RE):
            for m in pattern.finditer(scrubbed):
                hits.append(f"{name}: {m.group()}")
    return hits


def test_the_scan_finds_what_it_looks_for(tmp_path):
    import openpyxl

    planted = {"a.json": f'{{"x": "{mobile(3)}"}}', "b.html": f"<p>{landline(4)}-801</p>",
               "h.txt": "回访 138.1001.5678", "i.txt": "+86 138 1001 5678",
               "c.yaml": f"id: {id_number(5)}\n", "d.txt": "139****1234",
               "e.ipynb": '{"text": "王建国"}', "g.md": "zhang.san@qq.com"}  # fmt: skip
    for name, text in planted.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    wb = openpyxl.Workbook()
    wb.active["A1"] = mobile(8)
    wb.save(tmp_path / "f.xlsx")
    hits = personal_hits(tmp_path, {"王建国"})
    assert {h.split(":")[0] for h in hits} == {*planted, "f.xlsx"}
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "r.json").write_text(
        '{"p": 0.013912345678, "sha": "' + "0123456789" * 6 + 'abcd", "n": 476}', encoding="utf-8"
    )
    assert personal_hits(clean, set()) == []


def respondent_values(csv: Path, encoding: str, columns) -> set[str]:
    df = pd.read_csv(csv, encoding=encoding, dtype=str, keep_default_na=False)
    return {v for c in columns for v in df[c] if v}


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """The satisfaction examples, the example scored from a survey and a synthetic survey full
    of (fictional) personal data with a small group, archived by ``jixiao run``."""
    root = tmp_path_factory.mktemp("privacy")
    lib = root / "case_library"
    case_dir = root / "cases"
    case_dir.mkdir()
    df = private_data()
    df["镇"] = np.where(np.arange(60) < 35, "甲镇", "乙镇")  # 32, 25 and 丙镇 3
    df.loc[[0, 1, 2], "镇"] = "丙镇"
    spec = {**DROP_ALL, "overall": "q4", "groups": ["镇"], "design": {"weights": "权重"}}
    spec["items"] = [{"column": f"q{j}", "dimension": "甲" if j < 3 else "乙"} for j in (1, 2, 3)]
    synthetic = write_case(case_dir, df, name="s.xlsx", survey_extra=spec)
    cases = [BUS, ELDERLY, SCORED, synthetic]
    for path in cases:
        proc = run_cli("run", path, "--library", lib, timeout=600)
        assert proc.returncode == 0, proc.stderr + proc.stdout
    values = respondent_values(ELDERLY_CSV, "gbk", ["姓名", "联系电话", "问卷编号"])
    values |= respondent_values(BUS_CSV, "utf-8-sig", ["问卷编号"])
    values |= {v for c in PERSONAL for v in df[c].astype(str)}
    return lib, cases, values, df


@pytest.mark.notebook
def test_no_archived_file_holds_a_personal_value(archived):
    lib, cases, values, _ = archived
    folders = [lib / str(c.year) / c.case_id for c in map(casefile.load_case, cases)]
    assert all(f.is_dir() for f in folders)
    names = {p.name for f in folders for p in f.rglob("*") if p.is_file()}
    assert {"report.html", "report.ipynb", "results.json", "parameters.yaml"} <= names
    assert any(n.endswith(".xlsx") for n in names)  # the workbooks are scanned too
    assert len(values) > 1000, len(values)
    hits = personal_hits(lib, values)  # the whole library: archives, index.html, index.sqlite
    assert hits == [], hits[:20]


@pytest.mark.notebook
def test_archived_results_withhold_the_small_group(archived):
    lib, cases, _, df = archived
    case = casefile.load_case(cases[-1])
    folder = lib / str(case.year) / case.case_id
    res = json.loads((folder / "results.json").read_text(encoding="utf-8"))["survey"]
    merged = satisfaction.MERGED_GROUPS
    assert res["disclosure"]["withheld_groups"] == {
        "镇": {"groups": 2, "respondents": 28, "shown_as": merged}
    }
    for r in res["by_group"]["镇"]:
        assert (r["estimate"] is None) == (r["group"] == merged), r
    # the withheld groups' labels are in no archived file (workbooks unzipped)
    assert personal_hits(folder, {"丙镇", "乙镇"}) == []
    assert res["data"]["dropped_columns"] == PERSONAL and res["data"]["archived"] is False
    assert res["index"]["n_respondents"] == 60
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "（合并隐藏，不予显示）" in html and merged in html
    assert not (folder / "data").exists()
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in prov["data_files"]] == ["survey/s.xlsx"]
    assert yaml.safe_load((folder / "parameters.yaml").read_text(encoding="utf-8"))
