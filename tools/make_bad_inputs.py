"""Build the bad-input corpus tests/bad_inputs/ (issue 9, deliverable 1).

Every file is an example case (parameters/examples/) or a small form with one thing wrong:
wrong types, missing and unknown keys, weights that do not add up, unknown presets, YAML syntax
and encoding errors, malformed data files (CSV) and Excel forms. For each file
``tests/bad_inputs/expected.yaml`` records the command that must refuse it (``validate``, which
the test also runs as ``jixiao run``, or ``import``), its kind, and the substrings the one- or
two-line error must contain: the field as the CLI prints it (with row or cell where there is
one) and a key part of the Chinese message. tests/test_bad_inputs.py checks them all.

The output is deterministic (Excel files included), so rerunning the script changes nothing
unless the script changed. Files that must not be committed (a > 2 MB case, symlinks) are made
by the test itself.

Usage::

    .venv/bin/python tools/make_bad_inputs.py           # rebuild tests/bad_inputs/
    .venv/bin/python tools/make_bad_inputs.py --check   # also print each file's real message
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime
import io
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "parameters" / "examples"
OUT = ROOT / "tests" / "bad_inputs"
sys.path.insert(0, str(ROOT))

HEADER = (
    "# 坏输入语料（tools/make_bad_inputs.py 生成，请勿手改）：{what}\n"
    "# 由 {base} 改写；jixiao validate / run 应以退出码 2 拒绝，并指出文件和字段。\n"
)


# ---------------------------------------------------------------------------------------------
# YAML helpers


def dump(data: Any) -> str:
    """Compact YAML: leaf mappings and lists in flow style, keys in their original order."""
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
    )


def example(name: str, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """An example case as a mapping, without prose fields (the corpus stays small)."""
    raw = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    for key in ("overview", "objectives", "conclusions", "evaluator", *drop):
        raw.pop(key, None)
    return raw


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def indicator(raw: dict[str, Any], code: str, key: str = "indicators") -> dict[str, Any]:
    return next(i for i in raw[key] if i.get("code") == code)


# ---------------------------------------------------------------------------------------------
# Bases: one valid case per evaluation type (checked valid before any mutation is written)


def base_project() -> dict[str, Any]:
    raw = example("wujin_rural_sewage_2023.yaml", drop=("evidence", "responsible", "publication"))
    indicator(raw, "C41").pop("target_from")  # no case-library lookup: the fallback target
    return raw


def base_self() -> dict[str, Any]:
    return example("wujin_bus_subsidy_2023.yaml")


def base_department() -> dict[str, Any]:
    raw = example("wujin_housing_department_2023.yaml")
    projects = raw["key_projects"]["projects"]
    raw["key_projects"]["projects"] = [p for p in projects if "case" not in p]
    return raw


def base_third_party() -> dict[str, Any]:
    return example("wujin_third_party_quality_2023.yaml", drop=("agency_id",))


SURVEY_HEADER = ["问卷编号", "镇街道", "社区", "性别", "q1", "q2", "q3", "q_overall", "权重"]
SURVEY_ROWS = [
    ["S01", "湖塘镇", "A1", "女", 4, 5, 4, 4, 120],
    ["S02", "湖塘镇", "A1", "男", 5, 4, 3, 4, 120],
    ["S03", "湖塘镇", "A2", "女", 3, 4, 4, 3, 120],
    ["S04", "湖塘镇", "A2", "男", 4, 3, 5, 4, 120],
    ["S05", "牛塘镇", "B1", "女", 2, 3, 3, 3, 80],
    ["S06", "牛塘镇", "B1", "男", 4, 4, 4, 4, 80],
    ["S07", "牛塘镇", "B2", "女", 5, 5, 4, 5, 80],
    ["S08", "牛塘镇", "B2", "男", 3, 2, 3, 3, 80],
    ["S09", "洛阳镇", "C1", "女", 4, 4, 5, 4, 60],
    ["S10", "洛阳镇", "C1", "男", 5, 5, 5, 5, 60],
    ["S11", "洛阳镇", "C2", "女", 3, 4, 2, 3, 60],
    ["S12", "洛阳镇", "C2", "男", 4, 5, 4, 4, 60],
]


def survey_rows(edit: Callable[[list[list[Any]]], None] | None = None) -> list[list[Any]]:
    rows = [list(SURVEY_HEADER), *copy.deepcopy(SURVEY_ROWS)]
    if edit:
        edit(rows)
    return rows


# fictional respondents for the privacy entries (issue 13 item 3)
PRIVATE_NAMES = ["王建国", "李秀英", "张志强", "刘桂兰", "陈卫东", "杨淑珍", "赵玉梅", "黄建华",
                 "周丽娟", "吴国平", "徐海燕", "孙立新"]  # fmt: skip


def id_number(k: int) -> str:
    """A fictional 18-digit resident ID number (武进 320412, born 195x) with a valid check digit."""
    body = f"320412{1950 + k:04d}{k % 12 + 1:02d}{k % 28 + 1:02d}{101 + k:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def base_satisfaction() -> dict[str, Any]:
    raw = example("wujin_bus_satisfaction_2023.yaml", drop=("ipa",))
    raw["survey"] = {
        "data": "survey.csv",
        "scale": [1, 5],
        "items": [
            {"column": "q1", "text": "车厢整洁", "dimension": "乘车环境"},
            {"column": "q2", "text": "准点情况", "dimension": "运营服务"},
            {"column": "q3", "text": "服务态度", "dimension": "运营服务"},
        ],
        "overall": "q_overall",
        "groups": ["镇街道"],
        "design": {"strata": "镇街道", "weights": "权重"},
        "method": "rate",
        "satisfied": [4, 5],
    }
    return raw


CBA_FLOWS = [["year", "capex", "benefit"], [2025, 8200, 0], [2026, 4100, 0], [2027, 0, 2100]]


def base_cba() -> dict[str, Any]:
    raw = example("wujin_village_sewage_cba_2025.yaml")
    cba = raw["cba"]
    cba.pop("alternatives")
    raw.pop("proposed_alternative", None)  # it names one of the alternatives removed here
    cba.pop("monte_carlo")
    cba["lines"][0] = {
        "name": "建设投资",
        "kind": "cost",
        "category": "capex",
        "csv": "flows.csv",
        "value_column": "capex",
    }
    return raw


def base_ex_ante() -> dict[str, Any]:
    raw = example("wujin_flood_pumping_exante_2025.yaml")
    raw["cba"].pop("monte_carlo")
    return raw


def base_ex_ante_policy() -> dict[str, Any]:
    raw = example("wujin_elevator_subsidy_exante_2025.yaml")
    raw.pop("cba")  # a policy needs no cba block: the points it would rate are rated directly
    raw["ratings"].update(EP22={"rating": "中", "basis": "未测算"}, EP23={"rating": "中"})
    return raw


def base_monitoring() -> dict[str, Any]:
    return example("wujin_rural_sewage_monitoring_2024.yaml")


def base_monitoring_projects() -> dict[str, Any]:
    return example("wujin_agriculture_monitoring_2024.yaml")


def base_target_review() -> dict[str, Any]:
    return example("wujin_rural_sewage_targets_2024.yaml", drop=("goal",))


TOWN_HEADER = "name,kind,F11,F12,F13,F21,F22,F23,F24,F25,F31,F32,F33,F34,F41,F42,P,V,A,G,prev_award"


def town_rows() -> list[list[str]]:
    lines = (EXAMPLES / "fiscal" / "wujin_towns_fiscal_2023.csv").read_text(encoding="utf-8-sig")
    rows = [line.split(",") for line in lines.strip().splitlines()]
    assert ",".join(rows[0]) == TOWN_HEADER
    return rows[:5]  # header and four towns


def base_fiscal() -> dict[str, Any]:
    raw = example("wujin_town_fiscal_2023.yaml")
    raw["towns"] = "towns.csv"
    return raw


def base_portfolio() -> dict[str, Any]:
    raw = example("wujin_project_portfolio_2023.yaml")
    raw["cases"] = ["_member_a.yaml", "_member_b.yaml"]
    return raw


def base_results_application() -> dict[str, Any]:
    return example("wujin_results_application_2024.yaml")


def base_work_assessment() -> dict[str, Any]:
    return example("wujin_work_assessment_2025.yaml")


def base_evaluation_selection() -> dict[str, Any]:
    return example("wujin_evaluation_selection_2025.yaml", drop=("work",))


def member(case_id: str, title: str, factor: float) -> dict[str, Any]:
    """A small project evaluation for portfolios (members start with '_': not case files)."""
    raw = base_project()
    raw.update(case_id=case_id, title=title)
    for ind in raw["indicators"]:
        if isinstance(ind.get("actual"), int | float) and ind["rule"] == "positive":
            ind["actual"] = round(ind["actual"] * factor, 2)
    return raw


SHARED: dict[str, dict[str, bytes]] = {
    "satisfaction": {"survey.csv": csv_bytes(survey_rows())},
    "cost_benefit": {"flows.csv": csv_bytes(CBA_FLOWS)},
    "fiscal_operation": {"towns.csv": csv_bytes(town_rows())},
    "portfolio": {
        "_member_a.yaml": dump(member("member_a_2023", "组合成员甲", 1.0)).encode(),
        "_member_b.yaml": dump(member("member_b_2023", "组合成员乙", 0.9)).encode(),
        "_member_self.yaml": dump(
            {**base_self(), "case_id": "member_self_2023", "title": "组合成员（自评）"}
        ).encode(),
    },
}


def base_joint() -> dict[str, Any]:
    return example("wujin_rural_road_joint_2023.yaml", drop=("work", "responsible"))


def base_review() -> dict[str, Any]:
    raw = example("wujin_self_evaluation_review_2024.yaml", drop=("work", "responsible"))
    raw["population"] = "population.csv"
    return raw


SHARED["self_evaluation_review"] = {
    "population.csv": (EXAMPLES / "review" / "wujin_self_evaluations_2023.csv").read_bytes()
}


BASES: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "project_evaluation": ("wujin_rural_sewage_2023.yaml", base_project),
    "self_evaluation": ("wujin_bus_subsidy_2023.yaml", base_self),
    "portfolio": ("wujin_project_portfolio_2023.yaml", base_portfolio),
    "cost_benefit": ("wujin_village_sewage_cba_2025.yaml", base_cba),
    "ex_ante": ("wujin_flood_pumping_exante_2025.yaml", base_ex_ante),
    "ex_ante_policy": ("wujin_elevator_subsidy_exante_2025.yaml", base_ex_ante_policy),
    "satisfaction": ("wujin_bus_satisfaction_2023.yaml", base_satisfaction),
    "monitoring": ("wujin_rural_sewage_monitoring_2024.yaml", base_monitoring),
    "monitoring_projects": ("wujin_agriculture_monitoring_2024.yaml", base_monitoring_projects),
    "target_review": ("wujin_rural_sewage_targets_2024.yaml", base_target_review),
    "department_overall": ("wujin_housing_department_2023.yaml", base_department),
    "fiscal_operation": ("wujin_town_fiscal_2023.yaml", base_fiscal),
    "third_party_quality": ("wujin_third_party_quality_2023.yaml", base_third_party),
    "results_application": ("wujin_results_application_2024.yaml", base_results_application),
    "work_assessment": ("wujin_work_assessment_2025.yaml", base_work_assessment),
    "evaluation_selection": ("wujin_evaluation_selection_2025.yaml", base_evaluation_selection),
    "self_evaluation_review": ("wujin_self_evaluation_review_2024.yaml", base_review),
    "joint_evaluation": ("wujin_rural_road_joint_2023.yaml", base_joint),
}


# ---------------------------------------------------------------------------------------------
# The corpus


@dataclass
class Bad:
    """One bad input: ``<folder>/<name><suffix>`` plus data files in the same folder."""

    folder: str
    name: str
    kind: str
    what: str
    expect: list[str]
    content: bytes = b""
    data: dict[str, bytes] = field(default_factory=dict)
    command: str = "validate"
    suffix: str = ".yaml"

    @property
    def file(self) -> str:
        return f"{self.folder}/{self.name}{self.suffix}"


CORPUS: list[Bad] = []


def mutate(
    base: str,
    name: str,
    kind: str,
    what: str,
    expect: list[str],
    edit: Callable[[dict[str, Any]], Any] | None = None,
    *,
    text: Callable[[str], str] | None = None,
    encoding: str = "utf-8",
    data: dict[str, bytes] | None = None,
) -> None:
    """Register a case: the base mapping with ``edit`` applied (then ``text`` on the YAML)."""
    source, make = BASES[base]
    raw = make()
    if edit is not None:
        edit(raw)
    body = dump(raw)
    if text is not None:
        body = text(body)
    folder = {"ex_ante_policy": "ex_ante", "monitoring_projects": "monitoring"}.get(base, base)
    content = HEADER.format(what=what, base=source) + body
    CORPUS.append(Bad(folder, name, kind, what, expect, content.encode(encoding), dict(data or {})))


def valid(
    base: str,
    name: str,
    kind: str,
    what: str,
    edit: Callable[[dict[str, Any]], Any] | None = None,
    *,
    text: Callable[[str], str] | None = None,
) -> None:
    """Register an unusual but valid case: ``jixiao validate`` passes, so ``jixiao run`` must
    succeed on it (issue: validate passing means run cannot fail on the data)."""
    mutate(base, name, kind, what, [], chain(setter(("case_id",), name), *([edit] if edit else [])),
           text=text)  # fmt: skip
    CORPUS[-1].command = "valid"


def raw_file(folder: str, name: str, kind: str, what: str, expect: list[str], content: bytes):
    CORPUS.append(Bad(folder, name, kind, what, expect, content))


def setter(path: tuple, value: Any) -> Callable[[dict[str, Any]], None]:
    """Edit setting ``raw[path...] = value`` (an indicator is addressed by its code)."""

    def edit(raw: dict[str, Any]) -> None:
        node: Any = raw
        for part in path[:-1]:
            if isinstance(node, list) and isinstance(part, str):
                node = next(i for i in node if i.get("code") == part)
            else:
                node = node[part]
        if isinstance(node, list) and isinstance(path[-1], str):
            raise KeyError(path)
        node[path[-1]] = value

    return edit


def deleter(path: tuple) -> Callable[[dict[str, Any]], None]:
    def edit(raw: dict[str, Any]) -> None:
        node: Any = raw
        for part in path[:-1]:
            if isinstance(node, list) and isinstance(part, str):
                node = next(i for i in node if i.get("code") == part)
            else:
                node = node[part]
        del node[path[-1]]

    return edit


def chain(*edits: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], None]:
    def edit(raw: dict[str, Any]) -> None:
        for e in edits:
            e(raw)

    return edit


def build() -> None:
    """Register every corpus file (one statement each, compact: ``# fmt: off``)."""
    P, S = "project_evaluation", "self_evaluation"
    C11 = "indicators[11]（C11）"
    # fmt: off

    # -- files that are not YAML mappings at all -------------------------------------------------
    raw_file(P, "empty", "empty_file", "空文件", ["文件为空"], b"")
    raw_file(S, "whitespace_only", "empty_file", "只有空白", ["文件为空"], b"  \n\t\n   \n")
    raw_file("monitoring", "comment_only", "empty_file", "只有注释", ["顶层应为“字段: 值”的映射"],
             "# 只有注释的案例文件\n# case_id: x\n".encode())
    mutate(P, "top_level_list", "yaml_syntax", "顶层是列表而不是映射",
           ["顶层应为“字段: 值”的映射"],
           text=lambda t: "- " + t.replace("\n", "\n  ").rstrip() + "\n")
    mutate("department_overall", "integer_key", "wrong_type", "字段名是数字", ["字段名应为文本：1"],
           text=lambda t: t + "1: 一\n")

    # -- encodings ---------------------------------------------------------------------------
    mutate("target_review", "utf16_bom", "encoding", "UTF-16 编码（带 BOM）",
           ["不是 UTF-8 编码", "UTF-16 字节顺序标记"], encoding="utf-16")
    mutate(S, "gbk_encoded", "encoding", "GBK 编码", ["不是 UTF-8 编码", "GBK"], encoding="gbk")
    mutate("fiscal_operation", "utf8_bom_then_bad_type", "encoding",
           "带 UTF-8 BOM（可接受），但年度写成文本",
           ["utf8_bom_then_bad_type.yaml:5: year", "应为整数"],
           setter(("year",), "2023年"), encoding="utf-8-sig")

    # -- YAML syntax and structure -----------------------------------------------------------
    mutate("cost_benefit", "tab_indent", "yaml_syntax", "用制表符缩进", ["YAML 语法错误", "制表符"],
           text=lambda t: t.replace("\n  unit: 万元", "\n\tunit: 万元", 1))
    mutate("ex_ante", "unclosed_quote", "yaml_syntax", "引号未闭合", ["YAML 语法错误", "引号"],
           text=lambda t: t.replace("title: ", 'title: "', 1))
    mutate("satisfaction", "bad_indent", "yaml_syntax", "缩进不一致", ["YAML 语法错误", "缩进"],
           text=lambda t: t.replace("\n  scale:", "\n scale:", 1))
    mutate("department_overall", "duplicate_top_key", "duplicate_yaml_key", "顶层字段重复",
           [":6:", "字段 'year' 重复出现（第 5 行已定义）"],
           text=lambda t: t.replace("\nyear: 2023\n", "\nyear: 2023\nyear: 2024\n", 1))
    mutate("third_party_quality", "duplicate_nested_key", "duplicate_yaml_key", "指标中的字段重复",
           ["字段 'weight' 重复出现"],
           text=lambda t: t.replace("\n  weight: 3\n", "\n  weight: 3\n  weight: 4\n", 1))
    mutate("work_assessment", "python_tag", "yaml_syntax",
           "含有 !!python 标签（YAML 只按安全模式读取）", ["YAML 语法错误", "不支持的 YAML 标签"],
           text=lambda t: t.replace("framework: department_practice",
                                    "framework: !!python/object/apply:os.getcwd []"))
    laughs = "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10 if i else ["x"] * 10) + "]\n"
        for i in range(9)
    )
    mutate("monitoring", "billion_laughs", "yaml_syntax",
           "别名层层展开（“billion laughs”，10⁹ 个值）", ["YAML 内容过大", "别名"],
           text=lambda t: t + laughs)
    mutate("target_review", "deep_nesting", "yaml_syntax", "列表嵌套 700 层",
           ["YAML 嵌套层次过深"], text=lambda t: t + "goal: " + "[" * 700 + "]" * 700 + "\n")
    mutate("self_evaluation", "recursive_alias", "yaml_syntax", "别名引用了自身",
           ["YAML 嵌套层次过深（或别名引用了自身）"],
           text=lambda t: t + "overview: &loop [总体情况, *loop]\n")

    # -- top-level keys ------------------------------------------------------------------------
    mutate(P, "missing_case_id", "missing_key", "缺少 case_id", ["case_id", "缺少必填字段"],
           deleter(("case_id",)))
    mutate(P, "unknown_top_key", "unknown_key", "顶层未知字段（拼写错误）", ["titel", "未知字段"],
           setter(("titel",), "拼错的标题"))
    mutate(S, "missing_evaluation", "missing_key", "缺少 evaluation",
           ["evaluation", "缺少必填字段"], deleter(("evaluation",)))
    mutate(S, "unknown_evaluation", "unknown_evaluation", "未知的评价类型",
           ["evaluation", "未知的评价类型 'self_assessment'"],
           setter(("evaluation",), "self_assessment"))
    mutate(P, "unknown_budget_type", "unknown_budget_type", "未知的预算类型",
           ["budget_type", "取值 'general' 无效"], setter(("budget_type",), "general"))
    mutate("cost_benefit", "unknown_object_type", "unknown_object_type", "未知的评价对象类型",
           ["object_type", "取值 'programme' 无效"],
           setter(("object_type",), "programme"))
    mutate(P, "year_as_date", "odd_date", "年度写成日期（YAML 读作日期）",
           ["year", "应为整数", "实际为日期 2023-01-01"],
           setter(("year",), datetime.date(2023, 1, 1)))
    mutate(S, "title_empty", "wrong_type", "标题为空", ["title", "不能为空"],
           setter(("title",), ""))
    mutate("third_party_quality", "agency_list", "wrong_type", "agency 写成列表",
           ["agency", "应为文本"], setter(("agency",), ["甲公司", "乙公司"]))

    # -- case ids ------------------------------------------------------------------------------
    mutate(P, "case_id_traversal", "bad_case_id", "case_id 含 ../（路径穿越）",
           ["case_id", "格式不符合要求"], setter(("case_id",), "../x"))
    mutate("monitoring", "case_id_slash", "bad_case_id", "case_id 含斜杠",
           ["case_id", "格式不符合要求"], setter(("case_id",), "wujin/sewage"))
    mutate("results_application", "case_id_too_long", "bad_case_id", "case_id 超过 64 个字符",
           ["case_id", "格式不符合要求"], setter(("case_id",), "x" * 65))

    # -- budget ----------------------------------------------------------------------------------
    mutate(P, "negative_budget", "negative_budget", "年初预算数为负",
           ["budget.planned", "应不小于 0"], setter(("budget", "planned"), -3800))
    mutate(P, "spent_over_allocated", "spent_over_allocated", "执行数大于预算数且未说明",
           ["budget.spent", "大于全年预算数", "未说明原因"],
           setter(("budget", "spent"), 3900))
    mutate(S, "spent_over_allocated_no_note", "spent_over_allocated",
           "执行数大于预算数，删去了说明", ["budget.spent", "未说明原因"],
           deleter(("budget", "note")))
    mutate(P, "budget_unknown_key", "unknown_key", "budget 中的未知字段",
           ["budget.spend", "未知字段"], setter(("budget", "spend"), 3420))
    mutate(S, "allocated_zero", "target_zero", "全年预算数为 0（预算执行率无法计算）",
           ["budget", "不为 0"], setter(("budget", "allocated"), 0))

    # -- indicators: types, keys, rules ------------------------------------------------------
    mutate(P, "weight_text", "wrong_type", "分值写成带单位的文本",
           [f"{C11}.weight", "应为数字"], setter(("indicators", "C11", "weight"), "8分"))
    mutate(P, "actual_quoted_number", "wrong_type", "实际值加了引号（文本）",
           [f"{C11}.actual", "应为数字"], setter(("indicators", "C11", "actual"), "118"))
    mutate(P, "missing_weight", "missing_key", "指标缺少 weight",
           [f"{C11}.weight", "缺少必填字段"], deleter(("indicators", "C11", "weight")))
    mutate(S, "weight_bool", "wrong_type", "分值写成 true", ["indicators[0]（O1）.weight", "应为数字"],
           setter(("indicators", "O1", "weight"), True))
    mutate(P, "target_mapping", "wrong_type", "目标值写成映射",
           [f"{C11}.target", "应为数字，实际为 {'下限': 100}"],
           setter(("indicators", "C11", "target"), {"下限": 100}))
    mutate(P, "actual_infinite", "wrong_type", "实际值为 .inf",
           [f"{C11}.actual", "应为有限数字"],
           setter(("indicators", "C11", "actual"), float("inf")))
    mutate(P, "levels_text_points", "wrong_type", "levels 中二级指标分值写成文本",
           ["levels.产出.产出数量", "应为数字，实际为 '15'"],
           setter(("levels", "产出"), {"points": 35, "产出数量": "15"}))
    mutate(P, "unknown_indicator_key", "unknown_key", "指标中的未知字段",
           [f"{C11}.targte", "未知字段"], setter(("indicators", "C11", "targte"), 120))
    mutate(P, "unknown_checklist_item_key", "unknown_key", "评价要点中的未知字段",
           ["indicators[0]（A11）.items[0].ok", "未知字段"],
           setter(("indicators", "A11", "items", 0, "ok"), True))
    mutate(S, "unknown_rule", "unknown_rule", "未知的计分规则",
           ["indicators[0]（O1）.rule", "取值 '越多越好' 无效"],
           setter(("indicators", "O1", "rule"), "越多越好"))
    mutate(P, "unknown_tier", "unknown_tier", "未知的定性档次",
           ["indicators[2]（A21）.tier", "未知的定性档次 '优秀'"],
           setter(("indicators", "A21", "tier"), "优秀"))
    mutate(S, "unknown_variant", "unknown_variant", "反向指标的未知变体",
           ["indicators[5]（O6）.variant", "不支持变体 'log'"],
           setter(("indicators", "O6", "variant"), "log"))
    mutate(P, "unknown_grade_preset", "unknown_grade_preset", "未知的等级标准预设",
           ["grade_bands", "mof_2030"], setter(("grade_bands",), "mof_2030"))
    mutate(P, "grade_bands_same_bound", "grade_bands", "自定义等级中两个等级的下限相同",
           ["grade_bands.良", "下限都是 90"],
           setter(("grade_bands",), {"优": 90, "良": 90, "中": 60, "差": 0}))
    mutate(P, "unknown_framework", "unknown_framework", "未知的指标框架",
           ["framework", "未知的指标框架 'mof_2030_project'"],
           setter(("framework",), "mof_2030_project"))
    mutate(P, "duplicate_code", "duplicate_code", "指标代码重复",
           ["indicators[12]（C11）.code", "指标代码 'C11' 重复"],
           setter(("indicators", "C12", "code"), "C11"))
    mutate(P, "qualitative_score_outside_tier", "score_outside_tier", "定性评分不在档次范围内",
           ["indicators[2]（A21）.score", "不在档次"],
           setter(("indicators", "A21", "score"), 1.0))
    mutate(S, "score_on_quantitative", "wrong_type", "定量指标直接给出 score",
           ["indicators[0]（O1）.score", "只有定性指标"],
           setter(("indicators", "O1", "score"), 10))
    mutate(P, "checklist_points_not_summing", "checklist_points", "评价要点分值合计不等于指标分值",
           ["indicators[5]（A32）.items", "合计 3，应等于指标分值 2"],
           setter(("indicators", "A32", "items", 0, "points"), 2))
    mutate(P, "checklist_total_zero", "target_zero", "评价要点总数为 0（met/total 无法计算）",
           ["indicators[9]（B21）.total", "应大于 0"],
           chain(setter(("indicators", "B21", "met"), 0),
                 setter(("indicators", "B21", "total"), 0)))
    mutate(S, "met_over_total", "checklist_points", "满足要点数大于要点总数",
           ["indicators[0]（O1）.met", "大于要点总数"],
           lambda r: r["indicators"][0].update(
               rule="checklist", met=5, total=3, target=None, actual=None))
    mutate(P, "range_reversed", "range_reversed", "区间目标下限大于上限",
           ["indicators[19]（D13）.target", "区间下限 100 大于上限 90"],
           setter(("indicators", "D13", "target"), [100, 90]))
    mutate(P, "target_negative", "wrong_type", "正向指标目标为负数",
           [f"{C11}.target", "为负数"], setter(("indicators", "C11", "target"), -120))
    mutate(S, "deduction_without_rate", "missing_key", "扣分型指标缺少每单位扣分",
           ["indicators[8]（B3）.points_per_unit", "每单位扣分"],
           deleter(("indicators", "B3", "points_per_unit")))

    # -- weights that do not add up ----------------------------------------------------------
    mutate(P, "level1_branch_sum", "weights_sum", "一级指标下分值合计与 levels 不符",
           ["level1_branch_sum.yaml:13: levels.产出", "一级指标“产出”下各指标分值合计 36 分，应为 35 分"],
           setter(("indicators", "C11", "weight"), 9))
    mutate(P, "declared_level2_sum", "weights_sum", "levels 中声明的二级指标分值不符",
           ["declared_level2_sum.yaml:16: levels.产出.产出数量", "合计 15 分，应为 16 分"],
           setter(("levels", "产出"), {"points": 35, "产出数量": 16}))
    mutate(P, "total_not_100", "weights_sum", "指标分值合计不是 100（levels 与指标一致）",
           ["total_not_100.yaml:14: indicators", "合计 105 分，应为 100 分"],
           chain(setter(("levels", "产出"), 40),
                 setter(("indicators", "C11", "weight"), 13)))
    mutate(S, "unknown_level1", "weights_sum", "一级指标不属于框架",
           ["indicators[9]（B4）.level1", "一级指标“影响”不属于框架"],
           setter(("indicators", "B4", "level1"), "影响指标"))
    mutate("department_overall", "level1_weights", "weights_sum", "部门整体：一级指标分值不符",
           ["level1_weights.yaml:16: levels.运行成本", "应为 15 分"],
           setter(("indicators", 0, "weight"), 5))
    mutate("third_party_quality", "level1_weights", "weights_sum", "考评：一级指标分值不符",
           ["level1_weights.yaml:22: levels.机构与人员", "应为 10 分"],
           setter(("indicators", "Q11", "weight"), 4))

    # -- data paths ------------------------------------------------------------------------------
    mutate(P, "evidence_missing", "data_path", "佐证材料文件不存在",
           ["evidence[0]", "数据文件不存在：evidence/none.csv"],
           setter(("evidence",), ["evidence/none.csv"]))
    mutate(P, "evidence_absolute", "data_path", "佐证材料写成绝对路径",
           ["evidence[0]", "不能是绝对路径"], setter(("evidence",), ["/etc/hostname"]))
    mutate(P, "evidence_escape", "data_path", "佐证材料路径指向目录之外",
           ["evidence[0]", "不能指向案例文件所在目录之外"],
           setter(("evidence",), ["../../../README.md"]))
    mutate(S, "evidence_nul_byte", "data_path", "数据文件路径含空字符",
           ["evidence[0]", "控制字符 U+0000"], setter(("evidence",), ["a\0b.csv"]))
    mutate(S, "evidence_directory", "data_path", "佐证材料指向目录而不是文件",
           ["evidence[0]", "数据文件不存在：."], setter(("evidence",), ["."]))

    # -- satisfaction ------------------------------------------------------------------------
    T = "satisfaction"

    def survey_case(name, kind, what, expect, rows_edit=None, edit=None, csv_data=None):
        data = {}
        edits = []
        if rows_edit is not None or csv_data is not None:
            data[f"{name}.csv"] = csv_data or csv_bytes(survey_rows(rows_edit))
            edits.append(setter(("survey", "data"), f"{name}.csv"))
        if edit is not None:
            edits.append(edit)
        mutate(T, name, kind, what, expect, chain(*edits), data=data)

    def cell(r, col, value):
        def edit(rows):
            rows[r][SURVEY_HEADER.index(col)] = value

        return edit

    def column(col, fn):
        def edit(rows):
            k = SURVEY_HEADER.index(col)
            for i, row in enumerate(rows[1:], start=1):
                row[k] = fn(i, row[k])

        return edit

    survey_case("value_off_scale", "survey_data", "满意度值超出量表 1–5",
                ["survey.items[1].column", "第 5 行 q2", "超出量表 1–5"],
                cell(4, "q2", 7))
    survey_case("text_in_item", "survey_data", "满意度题目中有文字",
                ["survey.items[0].column", "第 3 行 q1", "'很好' 不是量表 1–5 的等级"],
                cell(2, "q1", "很好"))
    survey_case("all_missing_item", "survey_data", "题目全部为空",
                ["survey.items[2].column", "q3 没有有效回答"],
                column("q3", lambda i, v: ""))
    survey_case("zero_variance_item", "survey_data", "题目所有回答相同（方差为 0）",
                ["survey.items[0].column", "方差为 0"],
                column("q1", lambda i, v: 4))
    survey_case("one_item", "survey_data", "只有一个满意度题目",
                ["survey.items", "至少需要 2 个"],
                edit=lambda r: r["survey"].update(items=r["survey"]["items"][:1]))
    survey_case("weight_zero", "survey_data", "抽样权重为 0",
                ["survey.design.weights", "第 9 行 权重", "应大于 0"],
                cell(8, "权重", 0))
    survey_case("weight_text", "survey_data", "抽样权重是文字",
                ["survey.design.weights", "第 2 行 权重", "不是数值"],
                cell(1, "权重", "一百"))
    survey_case("lonely_psu", "survey_data", "分层整群抽样中一个层只有一个 PSU",
                ["survey.design", "lonely"],
                column("社区", lambda i, v: "C1" if v in ("C1", "C2") else v),
                edit=setter(("survey", "design", "cluster"), "社区"))
    survey_case("personal_name", "personal_data", "含姓名列且未列入 drop",
                ["survey.drop", "'姓名'", "个人信息"],
                lambda rows: [row.insert(1, "姓名" if i == 0 else f"张{i}")
                              for i, row in enumerate(rows)])
    survey_case("personal_phone", "personal_data", "含电话列且未列入 drop",
                ["survey.drop", "'联系电话'", "个人信息"],
                lambda rows: [row.append("联系电话" if i == 0 else f"1391234{i:04d}")
                              for i, row in enumerate(rows)])
    survey_case("utf16_csv", "encoding", "数据文件为 UTF-16 编码",
                ["survey.data", "UTF-16"],
                csv_data=csv_bytes(survey_rows(), encoding="utf-16"))
    survey_case("declared_utf8_but_gbk", "encoding", "声明 UTF-8 但数据文件是 GBK 编码",
                ["survey.encoding", "不是 utf-8 编码"],
                csv_data=csv_bytes(survey_rows(), encoding="gbk"),
                edit=setter(("survey", "encoding"), "utf-8"))
    survey_case("missing_column", "survey_data", "题目列不在数据文件中",
                ["survey.items[2].column", "没有列 'q4'"],
                edit=setter(("survey", "items", 2, "column"), "q4"))
    survey_case("scale_reversed", "range_reversed", "量表写反 [5, 1]",
                ["survey.scale", "最高等级应大于最低等级"],
                edit=setter(("survey", "scale"), [5, 1]))
    survey_case("indicator_target_zero", "target_zero", "满意度指标目标为 0",
                ["indicator.target", "应大于 0"],
                edit=setter(("indicator", "target"), 0))
    survey_case("data_missing", "data_path", "受访者数据文件不存在",
                ["survey.data", "数据文件不存在：nowhere.csv"],
                edit=setter(("survey", "data"), "nowhere.csv"))
    survey_case("data_escape", "data_path", "数据文件路径指向目录之外",
                ["survey.data", "不能指向案例文件所在目录之外"],
                edit=setter(("survey", "data"), "../satisfaction/../../x.csv"))
    survey_case("unknown_design_key", "unknown_key", "抽样设计中的未知字段",
                ["survey.design.stratum", "未知字段"],
                edit=setter(("survey", "design", "stratum"), "镇街道"))
    survey_case("header_only", "survey_data", "数据文件只有表头", ["survey.data", "只有表头"],
                lambda rows: rows.__delitem__(slice(1, None)))
    survey_case("row_too_long", "survey_data", "一行的字段多于表头（未加引号的逗号）",
                ["survey.data", "第 4 行有 11 个字段，多于表头的 9 列"],
                lambda rows: rows[3].extend(["很好", "谢谢"]))

    # == privacy (issue 13 item 3) ==============================================================
    # A column recognised as personal, by its name or by its content (mobile, landline, ID
    # number, a column of names), is refused wherever the case uses it; only drop accepts it.
    # The message names the field and the column, never a personal value. All values fictional.
    def add_column(header, values):
        def edit(rows):
            rows[0].append(header)
            for i, row in enumerate(rows[1:]):
                row.append(values[i % len(values)])

        return edit

    def private(name, what, expect, header, values, edit=None, rows_edit=None):
        edits = [add_column(header, values)] + ([rows_edit] if rows_edit else [])
        survey_case(name, "personal_data", what, expect, chain(*edits), edit=edit)

    def use(*path):
        def set_to(column):
            return setter(("survey", *path), column)

        return set_to

    n_rows = len(SURVEY_ROWS)
    names = PRIVATE_NAMES[:n_rows]
    mobiles = [f"1391234{i:04d}" for i in range(n_rows)]
    landlines = [f"0519-8612{i:04d}" for i in range(n_rows)]
    ids = [id_number(i) for i in range(n_rows)]
    refused = "只能列入 survey.drop"
    private("privacy_group_name_header", "姓名列用作分组（按列名识别）",
            ["survey.groups[1]", "'姓名'", "不能用作受访者分组", refused], "姓名", names,
            edit=use("groups")(["镇街道", "姓名"]))
    private("privacy_group_names_content", "一列人名（列名无提示）用作分组（按内容识别）",
            ["survey.groups[0]", "'受访对象'", "姓名", refused], "受访对象", names,
            edit=use("groups")(["受访对象"]))
    private("privacy_strata_mobile", "联系电话列用作分层", ["survey.design.strata", "'联系电话'",
            "不能用作分层"], "联系电话", mobiles, edit=use("design", "strata")("联系电话"))
    private("privacy_cluster_landline", "含座机号码的列用作整群（PSU）",
            ["survey.design.cluster", "'单位'", "固定电话号码", "整群"], "单位", landlines,
            edit=use("design", "cluster")("单位"))
    private("privacy_weights_mobile", "手机号码用作抽样权重（数值看似合法）",
            ["survey.design.weights", "'权数'", "手机号码", "抽样权重"], "权数", mobiles,
            edit=use("design", "weights")("权数"))
    private("privacy_fpc_id_number", "身份证号用作有限总体校正列",
            ["survey.design.fpc", "'编码'", "身份证号"], "编码", ids,
            edit=use("design", "fpc")("编码"))
    private("privacy_item_id_number", "身份证号写在满意度题目列",
            ["survey.items[2].column", "'证号'", "身份证号", "满意度题目"], "证号", ids,
            edit=setter(("survey", "items", 2, "column"), "证号"))
    private("privacy_importance_mobile_header", "手机列用作重要性题目",
            ["survey.items[0].importance", "'手机'", "重要性题目"], "手机",
            [(i % 5) + 1 for i in range(n_rows)],
            edit=setter(("survey", "items", 0, "importance"), "手机"))
    private("privacy_overall_householder", "户主列用作总体满意度题目",
            ["survey.overall", "'户主'", "总体满意度题目"], "户主", names,
            edit=use("overall")("户主"))
    private("privacy_calibration_address", "家庭住址列用作权重校准变量",
            ["survey.calibration.margins.家庭住址", "住址", "权重校准变量"], "家庭住址",
            [f"湖塘镇{i + 1}号" for i in range(n_rows)],
            edit=use("calibration")({"margins": {"家庭住址": {"湖塘镇1号": 10}}}))
    private("privacy_unused_landline", "备注列中有一个座机号码且未列入 drop",
            ["survey.drop", "第 6 行 备注", "固定电话号码"], "备注",
            ["", "", "", "", "回访电话 0519-86123456"] + [""] * (n_rows - 5))
    private("privacy_unused_masked_names", "部分隐藏的姓名（李**）且未列入 drop",
            ["survey.drop", "受访人代称", "部分隐藏的姓名"], "受访人代称",
            [n[0] + "**" for n in names])
    survey_case("privacy_drop_used_column", "personal_data", "drop 中的列同时用作分组",
                ["survey.drop[0]", "'镇街道'", "同时用于分析（survey.groups[0]）"],
                edit=setter(("survey", "drop"), ["镇街道"]))
    survey_case("privacy_min_cell_one", "personal_data", "最小单元 min_cell 设为 1（关闭小组隐藏）",
                ["survey.min_cell", "应不小于 3"], edit=setter(("survey", "min_cell"), 1))
    survey_data = csv_bytes(survey_rows(add_column("联系电话", mobiles)))
    mutate(S, "privacy_indicator_survey_group", "personal_data",
           "满意度指标的内联调查以联系电话分组",
           ["indicators[9]（B4）.survey.groups[0]", "'联系电话'", "不能用作受访者分组"],
           chain(deleter(("indicators", "B4", "actual")),
                 setter(("indicators", "B4", "survey"),
                        {"data": "privacy_indicator_survey.csv",
                         "items": [{"column": "q1"}, {"column": "q2"}],
                         "groups": ["联系电话"]})),
           data={"privacy_indicator_survey.csv": survey_data})
    # == end privacy ============================================================================

    # -- cost-benefit --------------------------------------------------------------------------
    T = "cost_benefit"
    mutate(T, "empty_flows", "cba", "现金流为空列表", ["cba.lines", "必须是非空列表"],
           setter(("cba", "lines"), []))
    mutate(T, "csv_text_cell", "cba", "现金流 CSV 中有文字（指出行）",
           ["cba.lines[0].csv", "第 3 行 'capex' 列不是数值"],
           data={"flows_text.csv": csv_bytes([CBA_FLOWS[0], CBA_FLOWS[1],
                                               [2026, "四千一百", 0], CBA_FLOWS[3]])},
           edit=setter(("cba", "lines", 0, "csv"), "flows_text.csv"))
    mutate(T, "rate_minus_one", "cba", "折现率 ≤ −1", ["cba.discounting"],
           setter(("cba", "discounting"), {"rate": -1.0, "t0": 1}))
    mutate(T, "horizon_inconsistent", "cba", "现金流年份超出计算期",
           ["cba.lines[1]", "不在计算期 2025–2044 内"],
           setter(("cba", "lines", 1, "values"), {2050: 1800}))
    mutate(T, "horizon_zero", "cba", "计算期为 0 年", ["cba.horizon", "1 到 500"],
           setter(("cba", "horizon"), 0))
    mutate(T, "unknown_schedule", "cba", "未知的折现方案", ["cba.discounting", "china_2030"],
           setter(("cba", "discounting", "schedule"), "china_2030"))
    mutate(T, "negative_amount", "cba", "现金流金额为负", ["cba.lines[2]", "非负数"],
           setter(("cba", "lines", 2, "amount"), -520))
    mutate(T, "missing_start_year", "cba", "缺少 start_year", ["cba.start_year", "缺少必填字段"],
           deleter(("cba", "start_year")))
    mutate(T, "csv_missing", "data_path", "现金流 CSV 不存在",
           ["cba.lines[0].csv", "数据文件不存在：flows_2025.csv"],
           setter(("cba", "lines", 0, "csv"), "flows_2025.csv"))
    mutate(T, "csv_absolute", "data_path", "现金流 CSV 写成绝对路径",
           ["cba.lines[0].csv", "不能是绝对路径"],
           setter(("cba", "lines", 0, "csv"), "/tmp/flows.csv"))
    mutate(T, "growth_minus_one", "cba", "增长率 ≤ −1", ["cba.lines[2].growth", "必须大于 -1"],
           setter(("cba", "lines", 2, "growth"), -1.5))
    mutate(T, "missing_cba", "missing_key", "缺少 cba 块", ["cba", "缺少必填字段"],
           deleter(("cba",)))
    mutate(T, "csv_duplicate_year", "cba", "现金流 CSV 中年份重复",
           ["cba.lines[0].csv", "年份 2025 重复出现"],
           data={"flows_dup.csv": csv_bytes([*CBA_FLOWS[:2], [2025, 100, 0], *CBA_FLOWS[2:]])},
           edit=setter(("cba", "lines", 0, "csv"), "flows_dup.csv"))
    mutate(T, "csv_gbk", "encoding", "现金流 CSV 是 GBK 编码（中文列名）",
           ["cba.lines[0].csv", "不是 UTF-8 编码"],
           data={"flows_gbk.csv": csv_bytes([["年份", "capex", "benefit"], *CBA_FLOWS[1:]],
                                            encoding="gbk")},
           edit=chain(setter(("cba", "lines", 0, "csv"), "flows_gbk.csv"),
                      setter(("cba", "lines", 0, "year_column"), "年份")))
    mutate(T, "csv_empty_cell", "cba", "现金流 CSV 中有空单元格",
           ["cba.lines[0].csv", "第 2 行 'capex' 列为空"],
           data={"flows_blank.csv": csv_bytes([CBA_FLOWS[0], [2025, "", 0], *CBA_FLOWS[2:]])},
           edit=setter(("cba", "lines", 0, "csv"), "flows_blank.csv"))

    # -- ex ante ---------------------------------------------------------------------------------
    T = "ex_ante"
    mutate(T, "unknown_rating", "unknown_rating", "未知的评级",
           ["ratings.EA11.rating", "评级 '很好' 无效"],
           setter(("ratings", "EA11", "rating"), "很好"))
    mutate(T, "missing_cba", "missing_key", "项目事前评估缺少 cba 块",
           ["cba", "需要 cba 块"],
           chain(deleter(("cba",)), deleter(("proposed_alternative",))))
    mutate(T, "unknown_point", "unknown_key", "未知的评估要点",
           ["ratings.EA99", "未知的评估要点 'EA99'"],
           setter(("ratings", "EA99"), "优"))
    mutate(T, "risk_likelihood_6", "wrong_type", "风险可能性超出 1–5",
           ["risks[0].likelihood", "应不大于 5"],
           setter(("risks", 0, "likelihood"), 6))
    mutate(T, "proposed_not_in_alternatives", "unknown_key", "申报方案不在备选方案中",
           ["proposed_alternative", "不在 cba.alternatives 中"],
           setter(("proposed_alternative",), "新建大型泵站"))
    mutate("ex_ante_policy", "missing_rating", "missing_key", "政策事前评估缺少要点评级",
           ["ratings", "缺少评级"], deleter(("ratings", "EP11")))

    # -- monitoring ------------------------------------------------------------------------------
    T = "monitoring"
    mutate(T, "month_13", "monitoring", "监控月份为 13", ["month", "1–12"],
           setter(("month",), 13))
    mutate(T, "month_text", "odd_date", "监控月份写成“6月”", ["month", "应为整数"],
           setter(("month",), "6月"))
    mutate(T, "month_as_date", "odd_date", "监控月份写成日期（YAML 读作日期）",
           ["month", "应为整数", "实际为日期 2024-06-30"],
           setter(("month",), datetime.date(2024, 6, 30)))
    mutate(T, "negative_execution", "negative_budget", "执行数为负",
           ["budget.spent", "应不小于 0"], setter(("budget", "spent"), -1260))
    mutate(T, "negative_actual", "monitoring", "指标完成值为负",
           ["indicators[0]（C1）.actual", "不能为负数"],
           setter(("indicators", "C1", "actual"), -38))
    mutate(T, "unknown_deviation", "monitoring", "未知的偏差原因",
           ["indicators[0]（C1）.deviation", "未知的偏差原因“天气”"],
           setter(("indicators", "C1", "deviation"), "天气"))
    mutate(T, "unknown_likelihood", "monitoring", "未知的完成可能性",
           ["indicators[2]（C3）.likelihood", "未知的完成可能性“大概能”"],
           setter(("indicators", "C3", "likelihood"), "大概能"))
    mutate(T, "target_zero", "target_zero", "年度指标值为 0（进度 = 完成值/指标值）",
           ["indicators[3]（C4）.target", "应大于 0"],
           setter(("indicators", "C4", "target"), 0))
    mutate(T, "history_11_months", "monitoring", "历史执行曲线只有 11 个月",
           ["history", "12 个月"],
           setter(("history", 2023), [3, 6, 11, 18, 27, 37, 47, 58, 69, 80, 89]))
    mutate(T, "qualitative_without_tier", "missing_key", "定性指标缺少档次",
           ["indicators[6]（E2）.tier", "需要当前档次"],
           deleter(("indicators", "E2", "tier")))

    # -- target review ---------------------------------------------------------------------------
    T = "target_review"
    mutate(T, "missing_name", "missing_key", "指标缺少名称",
           ["indicators[0]（C1）.name", "缺少必填字段"],
           deleter(("indicators", "C1", "name")))
    mutate(T, "missing_level1", "missing_key", "指标缺少一级指标",
           ["indicators[1]（C2）.level1", "缺少必填字段"],
           deleter(("indicators", "C2", "level1")))
    mutate(T, "unknown_level1", "unknown_key", "未知的一级指标",
           ["indicators[0]（C1）.level1", "未知的一级指标“影响指标”"],
           setter(("indicators", "C1", "level1"), "影响指标"))
    mutate(T, "history_not_earlier", "year_not_earlier", "历史值年度不早于预算年度",
           ["indicators[0]（C1）.history.2024", "应早于预算年度 2024"],
           setter(("indicators", "C1", "history", 2024), 100))
    mutate(T, "duplicate_code", "duplicate_code", "指标代码重复",
           ["indicators[1]（C1）.code", "指标代码 'C1' 重复"],
           setter(("indicators", "C2", "code"), "C1"))
    mutate(T, "adjustment_date", "odd_date", "目标调整日期写成 YAML 日期",
           ["adjustments[0]（C2）.date", "应为文本", "实际为日期 2024-07-15"],
           setter(("adjustments", 0, "date"), datetime.date(2024, 7, 15)))

    # -- fiscal operation ------------------------------------------------------------------------
    T = "fiscal_operation"

    def towns(name, edit_rows):
        rows = town_rows()
        edit_rows(rows)
        return {f"{name}.csv": ("\n".join(",".join(r) for r in rows) + "\n").encode()}

    def town_cell(r, col, value):
        def edit(rows):
            rows[r][TOWN_HEADER.split(",").index(col)] = value

        return edit

    mutate(T, "town_missing_factor", "fiscal", "一个镇缺少分配因素值",
           ["towns", "town_missing_factor.csv 第 4 行", "“洛阳镇”缺少分配因素 P 的值"],
           setter(("towns",), "town_missing_factor.csv"),
           data=towns("town_missing_factor", town_cell(3, "P", "")))
    mutate(T, "town_value_text", "fiscal", "镇指标值为文字",
           ["towns", "town_value_text.csv 第 3 行", "“牛塘镇”指标 F12 的值应为数字", "约5.4"],
           setter(("towns",), "town_value_text.csv"),
           data=towns("town_value_text", town_cell(2, "F12", "约5.4")))
    # GBK town files are read (test_fiscal_operation.py::test_gbk_town_file_is_read); UTF-16 is not
    mutate(T, "towns_utf16", "encoding", "各镇数据文件是 UTF-16 编码",
           ["towns", "既不是 UTF-8，也不是 GBK/GB18030"],
           setter(("towns",), "towns_utf16.csv"),
           data={"towns_utf16.csv": csv_bytes(town_rows(), encoding="utf-16")})
    mutate(T, "factor_weights_sum", "weights_sum", "分配因素权重之和不为 1",
           ["allocation.factors", "权重之和应为 1"],
           setter(("allocation", "factors", 0, "weight"), 0.45))
    mutate(T, "retired_coefficient", "fiscal", "沿用已停用的绩效系数办法",
           ["allocation.coefficient", "grade_110_090", "已停用", "award_share"],
           setter(("allocation", "coefficient"), "grade_110_090"))
    mutate(T, "award_endowment_indicator", "fiscal", "绩效奖补用财力禀赋类指标（税收占比）",
           ["allocation.award.indicators[1]", "F11", "财力禀赋类指标"],
           setter(("allocation", "award"), {"indicators": ["F22", "F11"]}))
    mutate(T, "single_town", "fiscal", "只有一个镇", ["towns", "至少需要 2 个镇"],
           setter(("towns",), "single_town.csv"),
           data=towns("single_town", lambda rows: rows.__delitem__(slice(2, None))))
    mutate(T, "towns_missing", "data_path", "各镇数据文件不存在",
           ["towns", "数据文件不存在：towns_2023.csv"],
           setter(("towns",), "towns_2023.csv"))
    mutate(T, "unknown_framework", "unknown_framework", "未知的框架",
           ["framework", "fiscal_operation_city"],
           setter(("framework",), "fiscal_operation_city"))
    mutate(T, "factor_weight_zero", "target_zero", "分配因素权重为 0",
           ["allocation.factors[1]（V）.weight", "应大于 0"],
           setter(("allocation", "factors", 1, "weight"), 0))

    # -- portfolio -------------------------------------------------------------------------------
    T = "portfolio"
    mutate(T, "single_case", "portfolio", "组合只有一个案例", ["cases", "至少需要 2 项"],
           setter(("cases",), ["_member_a.yaml"]))
    mutate(T, "mixed_frameworks", "portfolio", "组合成员的指标框架不同",
           ["criteria", "一级指标不一致", "同一指标框架"], setter(("cases",), ["_member_a.yaml", "_member_self.yaml"]))
    mutate(T, "neither_cases_nor_select", "missing_key", "既没有 cases 也没有 select",
           ["cases", "之一"], deleter(("cases",)))
    mutate(T, "member_missing", "data_path", "成员案例文件不存在",
           ["cases[1]", "数据文件不存在：_member_c.yaml"],
           setter(("cases", 1), "_member_c.yaml"))
    mutate(T, "unknown_weight_method", "unknown_key", "未知的准则赋权方法",
           ["criteria_weights.method", "取值 'topsis' 无效"],
           setter(("criteria_weights", "method"), "topsis"))

    # -- department overall, third party ---------------------------------------------------------
    T = "department_overall"
    mutate(T, "key_project_neither", "missing_key", "重点项目既无 score 也无 case",
           ["key_projects.projects[0]", "score", "case"],
           deleter(("key_projects", "projects", 0, "score")))
    mutate(T, "key_indicator_unknown", "unknown_key", "重点项目关联的指标代码不存在",
           ["key_projects.indicator", "'LZ9' 不在 indicators 中"],
           setter(("key_projects", "indicator"), "LZ9"))
    mutate(T, "key_project_score_over_100", "wrong_type", "重点项目得分超过 100",
           ["key_projects.projects[1].score", "应不大于 100"],
           setter(("key_projects", "projects", 1, "score"), 184.6))
    mutate(T, "final_accounts_basic", "final_accounts", "决算：人员经费 + 公用经费不等于基本支出",
           ["final_accounts.basic", "不等于人员经费 9,900.00 + 公用经费"],
           setter(("final_accounts", "personnel"), 9900))
    mutate(T, "final_accounts_spent", "final_accounts", "决算：基本支出 + 项目支出不等于全年执行数",
           ["final_accounts.project", "与全年执行数 budget.spent"],
           setter(("final_accounts", "project"), 37000))
    mutate(T, "final_accounts_balance", "final_accounts", "决算：年末结转结余与收支不平衡",
           ["final_accounts.carried_over", "不符"], setter(("final_accounts", "carried_over"), 6000))
    mutate(T, "carryover_rate_typed", "final_accounts", "结转结余率手填值与决算不符",
           ["indicators[5]（GX-B-006）.actual", "与部门决算计算的 12.6%"],
           setter(("indicators", 5, "actual"), 8.0))
    T = "third_party_quality"
    mutate(T, "unknown_fee_schedule", "unknown_grade_preset", "未知的付费比例表预设",
           ["fee.schedule", "lenient_2023"], setter(("fee", "schedule"), "lenient_2023"))
    mutate(T, "advance_over_contract", "spent_over_allocated", "预付金额大于合同金额",
           ["fee.advance", "大于合同金额"], setter(("fee", "advance"), 20))
    mutate(T, "unknown_violation", "unknown_key", "未知的违规情形代码",
           ["violations", "V99"], setter(("violations", 0, "code"), "V99"))

    # -- results application, work assessment ----------------------------------------------------
    T = "results_application"
    mutate(T, "select_year_not_earlier", "year_not_earlier", "选取年度不早于本案例年度",
           ["select.year", "应早于本案例年度 2024"], setter(("select", "year"), 2024))
    mutate(T, "unknown_grade_map", "unknown_grade_preset", "未知的结果应用预设",
           ["grade_map", "wujin_2030"], setter(("grade_map",), "wujin_2030"))
    mutate(T, "deadline_as_date", "odd_date", "整改期限写成 YAML 日期",
           ["rectification.deadline", "应为文本", "实际为日期 2024-06-30"],
           setter(("rectification", "deadline"), datetime.date(2024, 6, 30)))
    mutate(T, "unknown_status", "unknown_key", "未知的整改状态",
           ["rectification.status", "已完成"],
           setter(("rectification", "status", "wujin_old_community_renovation_2023", 1),
                  "已完成"))
    mutate(T, "cut_ratio_over_1", "wrong_type", "核减比例大于 1", ["cut_ratio", "应不大于 1"],
           setter(("cut_ratio",), 1.5))
    mutate(T, "negative_request", "negative_budget", "下年度申报数为负",
           ["requests.wujin_rural_sewage_2023", "应为不小于 0 的数字"],
           setter(("requests", "wujin_rural_sewage_2023"), -4200))
    mutate(T, "negative_factor", "wrong_type", "自定义等级的预算系数为负",
           ["grade_map.中.factor", "应为不小于 0 的数字"],
           setter(("grade_map",), {"优": {"action": "优先保障", "factor": 1.0},
                                   "良": {"action": "据实保障", "factor": 1.0},
                                   "中": {"action": "核减", "factor": -0.2},
                                   "差": {"action": "取消", "factor": 0}}))
    T = "work_assessment"
    mutate(T, "work_year_not_earlier", "year_not_earlier", "被考核年度不早于考核年度",
           ["work_year", "应早于考核年度 2025"], setter(("work_year",), 2025))
    mutate(T, "unknown_framework", "unknown_framework", "未知的考核框架",
           ["framework", "未知的部门考核框架 'wujin_2030'"],
           setter(("framework",), "wujin_2030"))
    mutate(T, "departments_empty", "missing_key", "部门清单为空", ["departments", "至少需要 1 项"],
           setter(("departments",), {}))
    mutate(T, "negative_projects", "wrong_type", "项目数为负",
           ["departments.常州市武进区水利局.projects", "应不小于 0"],
           setter(("departments", "常州市武进区水利局", "projects"), -2))
    T = "evaluation_selection"
    mutate(T, "budget_year_not_earlier", "year_not_earlier", "候选项目的预算年度不早于计划年度",
           ["budget_year", "应早于计划年度 2025"], setter(("budget_year",), 2025))
    mutate(T, "attention_out_of_range", "wrong_type", "社会关注度超出 1—5 分",
           ["candidates[1].attention", "应不大于 5"], setter(("candidates", 1, "attention"), 7))
    mutate(T, "duplicate_candidate", "duplicate_code", "同一部门的候选项目重复",
           ["candidates[1].name", "与第 1 项重复"],
           setter(("candidates", 1, "name"), "武进区农村生活污水治理项目"))
    mutate(T, "unknown_criterion", "unknown_key", "层次分析法判断中的准则名称有误",
           ["weights.comparisons[0][1]", "未知的选题准则“社会影响”"],
           setter(("weights", "comparisons", 0, 1), "社会影响"))
    mutate(T, "inconsistent_judgements", "weights_sum", "两两比较判断不一致（CR > 0.10）",
           ["weights.comparisons", "一致性检验未通过"],
           setter(("weights", "comparisons", 11, 2), "1/9"))
    mutate(T, "budget_below_mandatory", "negative_budget", "评价经费不够安排即将到期的必选政策",
           ["programme.budget", "超过评价经费预算 40 万元"], setter(("programme", "budget"), 40))
    T = "joint_evaluation"
    mutate(T, "missing_level_actual", "missing_key", "联动评价：承担层级缺少实际值",
           ["indicators[5]（B3）.actuals.嘉泽镇", "缺少嘉泽镇的实际值"],
           deleter(("indicators", "B3", "actuals", "嘉泽镇")))
    mutate(T, "unknown_level", "unknown_key", "联动评价：实际值写给了未参与的镇",
           ["indicators[7]（C1）.actuals.牛塘镇", "未知的层级“牛塘镇”"],
           setter(("indicators", "C1", "actuals", "牛塘镇"), 100))
    mutate(T, "level_not_holder", "joint", "联动评价：区级填写了镇承担指标的实际值",
           ["indicators[7]（C1）.actuals.区级", "区级不承担指标"],
           setter(("indicators", "C1", "actuals", "区级"), 100))
    mutate(T, "weights_sum", "weights_sum", "联动评价：指标分值合计不为 100",
           ["indicators", "合计为 98，应为 100"], setter(("indicators", "C1", "weight"), 10))
    mutate(T, "two_districts", "joint", "联动评价：两个区级",
           ["levels", "有且只有一个区级"], setter(("levels", 1, "kind"), "district"))
    mutate(T, "authority_shares_sum", "joint", "联动评价：事权比例合计不为 100%",
           ["levels[0].authority_share", "合计为 90%"],
           lambda raw: (raw.update(weighting="authority"),
                        raw["levels"][5].update(authority_share=2)))
    mutate(T, "received_over_funds", "spent_over_allocated", "联动评价：镇级配套到位数大于应配套数",
           ["levels[3].received", "大于承担资金 700"], setter(("levels", 3, "received"), 900))

    T = "self_evaluation_review"
    mutate(T, "rescore_not_sampled", "unknown_key", "自评复核：复核得分写给了未抽中的项目",
           ["rescores[0].case_id", "ZP2023-JS-03 不在本次抽中的样本中"],
           setter(("rescores", 0, "case_id"), "ZP2023-JS-03"))
    mutate(T, "rescore_over_100", "wrong_type", "自评复核：复核得分超过 100",
           ["rescores[1].score"], setter(("rescores", 1, "score"), 105))
    mutate(T, "min_per_stratum_one", "wrong_type", "自评复核：每层只抽 1 个（无法估计抽样误差）",
           ["sample.min_per_stratum"], setter(("sample", "min_per_stratum"), 1))
    mutate(T, "population_score_text", "wrong_type", "自评复核：清单中的自评得分写成文字",
           ["population_text.csv 第 4 行的“自评得分”"],
           setter(("population",), "population_text.csv"),
           data={"population_text.csv": (EXAMPLES / "review" / "wujin_self_evaluations_2023.csv")
                 .read_text(encoding="utf-8").replace("1850,92.0", "1850,九十二").encode()})

    # -- trust: numbers as written, clean refusals, absurd values (issue 13) ------------------
    mutate(P, "octal_looking_year", "yaml_number", "年度写成 02023（YAML 1.1 读作八进制）",
           ["year", "以 0 开头的整数", "八进制"], text=lambda t: t.replace("year: 2023", "year: 02023"))
    mutate(P, "sexagesimal_target", "yaml_number", "目标值写成 1:30（YAML 1.1 读作 90）",
           ["indicators[11].target", "六十进制"],
           text=lambda t: t.replace("target: 120", "target: 1:30", 1))
    mutate(S, "yes_as_cap", "yaml_number", "封顶选项写成 yes", ["true 或 false"],
           setter(("options",), {"execution_cap": "@@yes"}),
           text=lambda t: t.replace("'@@yes'", "yes"))
    mutate(S, "underscore_amount", "yaml_number", "金额写成 1_000", ["下划线"],
           text=lambda t: t.replace("planned: ", "planned: 1_", 1))
    mutate("target_review", "date_out_of_month", "invalid_date", "调整日期 2024-02-30 不存在",
           ["adjustments[0].date", "没有这一天"],
           text=lambda t: t.replace("date: '2024-07-15'", "date: 2024-02-30"))
    mutate("monitoring", "date_month_13", "invalid_date", "日期 2023-13-45", ["月份应为 1–12"],
           text=lambda t: t + "note_date: 2023-13-45\n")
    mutate(P, "complex_key", "yaml_key", "复杂键（? [a, b]）", ["复杂键"],
           text=lambda t: t + "? [a, b]\n: 1\n")
    mutate(P, "nul_in_title", "control_character", "标题含 NUL 字符", ["控制字符 U+0000"],
           text=lambda t: t.replace("title: ", "title: 武进\x00", 1))
    mutate(S, "ansi_in_name", "control_character", "指标名称含 ANSI 转义序列",
           ["控制字符 U+001B"], text=lambda t: t.replace("name: ", "name: \x1b[2J", 1))
    mutate("department_overall", "bidi_override", "control_character",
           "部门名称含双向文本覆盖符（显示顺序与实际相反）", ["控制字符 U+202E"],
           text=lambda t: t.replace("department: ", "department: \u202e", 1))
    mutate("ex_ante", "zero_width_key", "control_character", "字段名含零宽字符",
           ["控制字符 U+200B"], text=lambda t: t.replace("title:", "ti\u200btle:", 1))
    mutate(P, "blank_title", "blank_name", "标题只有全角空格", ["title", "只有空白字符"],
           setter(("title",), "\u3000\u3000"))
    mutate(P, "blank_indicator_name", "blank_name", "指标名称只有空格",
           [C11 + ".name", "只有空白字符"], setter(("indicators", "C11", "name"), "   "))
    mutate(P, "range_inf_bound", "non_finite", "区间上限为 .inf",
           ["indicators[19]（D13）.target", "有限数字"],
           setter(("indicators", "D13", "target"), [90, "@@inf"]),
           text=lambda t: t.replace("'@@inf'", ".inf"))
    mutate(P, "deduction_nan_target", "non_finite", "扣分型指标目标值为 .nan",
           ["indicators[10]（B22）.target", "有限数字"],
           setter(("indicators", "B22", "target"), "@@nan"),
           text=lambda t: t.replace("'@@nan'", ".nan"))
    mutate(P, "budget_absurd", "absurd_amount", "年初预算 3.8×10¹⁴ 万元（多写了位数）",
           ["budget.planned", "超出合理范围"], setter(("budget", "planned"), 380000000000000))
    mutate(S, "uncapped_execution_wild", "absurd_amount",
           "预算执行率不封顶且执行数为预算的 5 倍", ["budget.spent", "1.5 倍"],
           chain(setter(("options",), {"execution_cap": False}),
                 setter(("budget", "spent"), 51000),
                 setter(("budget", "note"), "含上年结转")))
    mutate(P, "grade_bands_no_bottom", "grade_bands", "自定义等级没有下限为 0 的等级",
           ["grade_bands", "下限为 0"], setter(("grade_bands",), {"优": 90, "良": 80, "差": 60}))

    mutate("cost_benefit", "mc_draws_unbounded", "bounded_work", "蒙特卡洛模拟 2,000 万次",
           ["cba.monte_carlo.n", "模拟次数", "过多"],
           setter(("cba", "monte_carlo"), {"n": 20000000, "seed": 1}))
    mutate("cost_benefit", "horizon_unbounded", "bounded_work", "计算期 5000 年",
           ["cba.horizon", "1 到 500"], setter(("cba", "horizon"), 5000))
    mutate("satisfaction", "bootstrap_unbounded", "bounded_work", "自助法重复 1,000,000 次",
           ["survey.design.replicates", "应不大于"],
           chain(setter(("survey", "design", "variance"), "bootstrap"),
                 setter(("survey", "design", "replicates"), 1000000)))
    mutate(P, "robustness_draws_unbounded", "bounded_work", "权重稳健性模拟 1 亿次",
           ["options.robustness.draws", "应不大于"],
           setter(("options",), {"robustness": {"draws": 100000000}}))

    # red team, remaining holes (issue 13): a grade contradicting its score, unbounded project
    # amounts, absurd growth, Monte Carlo draws that cannot be computed, the cell bound named
    mutate("department_overall", "key_project_grade_mismatch", "grade_mismatch",
           "重点项目的等级与得分不符（94.12 分写成“良”，且未说明等级限定）",
           ["key_projects.projects[0].grade", "与得分 94.12 不符", "应为“优”"],
           lambda raw: raw["key_projects"]["projects"][0].pop("note"))
    mutate("monitoring_projects", "project_spent_over_allocated", "spent_over_allocated",
           "部门监控：项目执行数大于全年预算数且未说明",
           ["projects[1]（NY02）.budget.spent", "大于全年预算数", "未说明原因"],
           setter(("projects", 1, "budget", "spent"), 1900))
    mutate("monitoring_projects", "project_amount_absurd", "absurd_amount",
           "部门监控：项目全年预算数 6×10¹⁰ 万元（多写了位数）",
           ["projects[0]（NY01）.budget.allocated", "100 万亿元"],
           setter(("projects", 0, "budget"),
                  {"planned": 5200, "allocated": 60000000000, "spent": 3300, "unit": "万元"}))
    mutate("cost_benefit", "growth_absurd", "cba", "年增长率写成 5（本意 5%）",
           ["cba.lines[2].growth", "±100%"], setter(("cba", "lines", 2, "growth"), 5))
    mutate("ex_ante", "growth_absurd", "cba", "效益年增长率 150%",
           ["cba.lines", "growth", "±100%"],
           lambda raw: next(x for x in raw["cba"]["lines"] if "growth" in x).update(growth=1.5))
    mutate("cost_benefit", "growth_on_csv_line", "cba", "金额来自 CSV 的行写了 growth（不起作用）",
           ["cba.lines[0].growth", "只用于 amount"], setter(("cba", "lines", 0, "growth"), 0.05))
    mutate("cost_benefit", "mc_cells_unbounded", "bounded_work",
           "蒙特卡洛 900,000 次 × 20 年 × 7 条现金流超过 5000 万",
           ["cba.monte_carlo.n", "模拟次数 × 计算期年数 × 现金流条数", "50,000,000"],
           setter(("cba", "monte_carlo"), {"n": 900000, "seed": 1}))
    mutate("cost_benefit", "mc_rate_below_minus_one", "mc_invalid_draws",
           "折现率的分布可取到 −1 以下（全部抽样无效）",
           ["cba.monte_carlo.distributions.折现率", "折现率必须大于 -1"],
           chain(setter(("cba", "discounting"), {"rate": 0.08, "t0": 1}),
                 setter(("cba", "variables"), {"投资": {"lines": ["建设投资", "设备更新改造"]},
                                               "运维": {"lines": ["运行维护费", "运维人工"]},
                                               "效益": {"lines": ["水环境改善效益", "健康效益",
                                                                  "节约化粪池清掏费用"]},
                                               "折现率": {"discount_rate": True}}),
                 setter(("cba", "monte_carlo"),
                        {"n": 1000, "seed": 1, "distributions": {
                            "折现率": {"dist": "uniform", "low": -3, "high": -2}}})))

    # unusual but valid: validate passes and run must succeed
    valid(P, "valid_qualitative_na_sibling", "valid_unusual",
          "同级指标不适用，定性评分随分值按比例调整",
          setter(("indicators", "A21", "applicable"), False))
    valid(P, "valid_scientific_notation", "valid_unusual", "目标值写成 1.2e2（YAML 1.2 数字）",
          text=lambda t: t.replace("target: 120", "target: 1.2e2", 1))
    valid(P, "valid_emoji_and_long_title", "valid_unusual", "标题含表情符号和长文本",
          setter(("title",), "武进区农村生活污水治理项目🚰" + "（续）" * 40))
    valid(S, "valid_missing_actual", "valid_unusual", "一个定量指标未填实际值（按 0 分并提示）",
          lambda raw: raw["indicators"][0].pop("actual", None))
    valid(P, "valid_unit_slip", "valid_unusual", "实际值 0.92 对目标 95%（提示单位错误）",
          setter(("indicators", "C21", "actual"), 0.983))
    valid(P, "valid_quoted_date_text", "valid_unusual", "文本字段中写了带引号的日期",
          setter(("evaluator",), "2024-02-30 评价组"))

    # fmt: on
    build_excel()


# ---------------------------------------------------------------------------------------------
# Excel forms


def _deterministic_xlsx(wb) -> bytes:
    """Save a workbook with fixed timestamps (zip entries and document properties)."""
    fixed = datetime.datetime(2024, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "jixiao"
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", b"", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    return out.getvalue()


def self_evaluation_form(edit: Callable[[Any], None] | None = None):
    """A small filled-in 自评表: title row, labels, header on row 7, five indicator rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append(["2023年度项目支出绩效自评表"])
    ws.append(["项目名称", "城乡公交运营补贴"])
    ws.append(["主管部门", "常州市武进区交通运输局", None, "预算年度", 2023])
    ws.append(["年初预算数", 9800, None, "全年预算数", 10200])
    ws.append(["全年执行数", 9950])
    ws.append([])
    ws.append(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标代码",
            "分值",
            "计分规则",
            "年度指标值",
            "实际完成值",
            "计量单位",
        ]
    )
    ws.append(["产出指标", "数量指标", "运营线路数", "O1", 30, "正向", 86, 86, "条"])
    ws.append(["产出指标", "质量指标", "准点率", "O2", 20, "正向", "≥90%", "88.5%", "%"])
    ws.append(["效益指标", "社会效益指标", "年客运量", "B1", 30, "正向", 2100, 1986, "万人次"])
    ws.append(["满意度指标", "服务对象满意度指标", "乘客满意度", "S1", 10, "正向", 90, 91, "%"])
    if edit:
        edit(ws)
    return wb


def build_excel() -> None:
    # fmt: off
    def form(name, kind, what, expect, edit):
        content = _deterministic_xlsx(self_evaluation_form(edit))
        CORPUS.append(
            Bad("excel", name, kind, what, expect, content, command="import", suffix=".xlsx")
        )

    def merged_header(ws):
        # the title merged over the header row: the header row's labels are hidden
        ws.merge_cells("A6:I7")

    form("merged_header", "excel", "合并单元格遮住了表头行", ["自评表!A6", "找不到表头", "合并单元格 A6:I7"],
         merged_header)
    form("formula_no_cache", "excel", "分值是没有计算结果的公式",
         ["自评表!E9", "分值是公式 =10+10", "没有保存"], lambda ws: ws.__setitem__("E9", "=10+10"))
    form("text_in_weight", "excel", "分值列中有文字", ["自评表!E10", "分值应为数字", "三十"],
         lambda ws: ws.__setitem__("E10", "三十"))
    form("unknown_rule", "excel", "未知的计分规则", ["自评表!F8", "未知的计分规则“越多越好”"],
         lambda ws: ws.__setitem__("F8", "越多越好"))
    form("text_in_target", "excel", "年度指标值为文字（定量规则）",
         ["自评表!G10", "年度指标值应为数字"], lambda ws: ws.__setitem__("G10", "较上年增加"))
    form("duplicate_code", "excel", "指标代码重复", ["自评表!D9", "指标代码 O1 重复"],
         lambda ws: ws.__setitem__("D9", "O1"))
    form("formula_in_actual", "excel", "实际完成值是没有计算结果的公式（否则会被当作未填）",
         ["自评表!H10", "实际完成值是公式 =1986*1"], lambda ws: ws.__setitem__("H10", "=1986*1"))
    def blank_name(ws):
        ws["C10"] = None  # 年客运量: weight, targets and unit still filled

    form("blank_name_with_values", "excel", "指标名称为空但该行填写了分值和指标值（不应被跳过）",
         ["自评表!C10", "指标名称为空", "自评表!E10"], blank_name)

    def percent_weight(ws):
        ws["E9"] = 0.2
        ws["E9"].number_format = "0%"

    form("weight_as_percent", "excel", "分值单元格设为百分比格式（显示 20%）",
         ["自评表!E9", "分值以分计", "百分比（20%）"], percent_weight)

    def percent_score(ws):
        ws["J7"], ws["K7"] = "评价档次", "评分"
        ws.append(["效益指标", "社会效益指标", "群众获得感", "B2", 10, "定性", "明显提升", "有所提升",
                   None, "部分达成并具有一定效果"])
        ws["K12"] = 0.9
        ws["K12"].number_format = "0%"

    form("score_as_percent", "excel", "定性指标的评分单元格设为百分比格式（显示 90%）",
         ["自评表!K12", "评分以分计", "百分比（90%）"], percent_score)
    form("weight_negative_after_import", "excel", "分值为负（导入后校验失败，指出单元格）",
         ["自评表!E9", "导入的内容未通过校验", "weight"], lambda ws: ws.__setitem__("E9", -20))

    def spaced_sheet(ws):
        ws.title = "自评 表"
        ws["E10"] = "三十"

    form("quoted_sheet_name", "excel", "工作表名含空格（单元格地址加引号）",
         ["'自评 表'!E10", "分值应为数字"], spaced_sheet)
    CORPUS.append(Bad("excel", "not_a_workbook", "excel", "扩展名为 .xlsx 的文本文件",
                      ["无法读取 Excel 文件"], "项目名称,某项目\n".encode(), command="import",
                      suffix=".xlsx"))
    # fmt: on


# ---------------------------------------------------------------------------------------------
# Writing and checking


def check_bases() -> None:
    """Every base (and shared data) must be valid: each bad file then has exactly one fault."""
    from methods import casefile

    with tempfile.TemporaryDirectory() as tmp:
        for name, (_, make) in BASES.items():
            folder = Path(tmp) / name
            folder.mkdir()
            for fname, data in SHARED.get(name, {}).items():
                (folder / fname).write_bytes(data)
            raw = make()
            if name == "project_evaluation":  # the evidence the path mutations replace
                (folder / "evidence.csv").write_text("a\n1\n", encoding="utf-8")
                raw["evidence"] = ["evidence.csv"]
            path = folder / "base.yaml"
            path.write_text(dump(raw), encoding="utf-8")
            casefile.validate(path)


def write() -> list[dict[str, Any]]:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    (OUT / "README.md").write_text(
        "# 坏输入语料（bad-input corpus）\n\n"
        "由 `tools/make_bad_inputs.py` 生成，请勿手改。每个文件只有一处错误；"
        "`expected.yaml` 列出每个文件应被哪个命令拒绝（退出码 2）以及错误信息应包含的字段和要点。"
        "测试：`tests/test_bad_inputs.py`。\n\n"
        "以 `_` 开头的 YAML 是组合（portfolio）引用的有效成员案例，不是坏输入；"
        "`*.csv` 是案例引用的数据文件。超过 2 MB 的文件和符号链接由测试临时生成，不入库。\n",
        encoding="utf-8",
    )
    written: set[str] = set()

    def put(rel: str, data: bytes) -> None:
        if rel in written:  # two entries (or an entry and a shared file) naming one file
            raise SystemExit(f"corpus file written twice: {rel}")
        written.add(rel)
        (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
        (OUT / rel).write_bytes(data)

    for folder, files in SHARED.items():
        for fname, data in files.items():
            put(f"{folder}/{fname}", data)
    entries = []
    for bad in CORPUS:
        put(bad.file, bad.content)
        for fname, data in bad.data.items():
            put(f"{bad.folder}/{fname}", data)
        entries.append(
            {
                "file": bad.file,
                "command": bad.command,
                "kind": bad.kind,
                "what": bad.what,
                "expect": bad.expect,
            }
        )
    header = (
        "# 坏输入语料的预期结果（tools/make_bad_inputs.py 生成）。\n"
        "# command: validate（同时检查 jixiao run）或 import；expect: 错误信息应包含的文字。\n"
    )
    (OUT / "expected.yaml").write_text(
        header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    return entries


def show(entries: list[dict[str, Any]]) -> int:
    """Run every file through the CLI in this process; print the message, flag mismatches."""
    import contextlib

    from methods import cli

    failures = 0
    tmp = tempfile.TemporaryDirectory()
    for e in entries:
        path = OUT / e["file"]
        args = ["validate", str(path)]
        if e["command"] == "import":
            args = ["import", str(path), "-o", str(Path(tmp.name) / "out.yaml")]
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = cli.main(args)
            except SystemExit as exc:
                code = exc.code
        text = err.getvalue().replace(str(OUT) + "/", "")
        missing = [s for s in e["expect"] if s not in err.getvalue()]
        ok = code == 2 and not missing and len(text.strip().splitlines()) <= 2
        if e["command"] == "valid":
            ok = code == 0
        failures += not ok
        mark = "ok " if ok else "BAD"
        print(f"{mark} [{code}] {e['file']}\n    {text.strip()}")
        if missing:
            print(f"    missing: {missing}")
    tmp.cleanup()
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print every file's real message")
    args = parser.parse_args()
    check_bases()
    build()
    entries = write()
    by_type: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    for e in entries:
        folder = e["file"].split("/")[0]
        by_type[folder] = by_type.get(folder, 0) + 1
        by_kind[e["kind"]] = by_kind.get(e["kind"], 0) + 1
    print(f"wrote {len(entries)} bad inputs to {OUT.relative_to(ROOT)}")
    print("  by type: " + ", ".join(f"{k} {v}" for k, v in by_type.items()))
    print("  by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())))
    if args.check:
        return 1 if show(entries) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
