"""Excel forms in and out: the blank forms department staff fill in, the importer that turns a
filled-in (often messy) form into a case file, and the 评分表 workbook of every archived case.

Importing copes with real-world sheets: title rows above the header, merged cells, numbers stored
as text, ``"95%"`` and ``"1,234.5"`` strings, full-width digits and punctuation, ``≥``/``≤`` in
target cells, trailing blank rows and Chinese column-name variants (``methods/_data/excel_forms.yaml``).
A problem is reported as ``file: sheet!cell: message``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from methods._resources import load_yaml
from methods.errors import CaseError
from methods.exporting import neutralise

RULE_LABELS = {
    "positive": "正向",
    "reverse": "反向",
    "equal": "等于",
    "range": "区间",
    "qualitative": "定性",
    "deduction": "扣分",
    "checklist": "评价要点",
}
RULE_BY_LABEL = {v: k for k, v in RULE_LABELS.items()}
RULE_BY_LABEL.update({"正向指标": "positive", "反向指标": "reverse", "定性指标": "qualitative"})


def _spec() -> dict[str, Any]:
    return load_yaml("excel_forms.yaml")


# ---------------------------------------------------------------------------------------------
# Cell values


def clean_text(value: Any) -> str:
    """Text of a cell: NFKC-normalised (full-width digits and punctuation → ASCII), trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ").strip()
    return re.sub(r"\s+", " ", text)


_NUMBER = re.compile(
    r"^(?P<op>[<>≤≥=]=?|不低于|不高于|不少于|不超过|大于等于|小于等于|≧|≦)?\s*(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>%|‰|[^\d\s].*)?$"
)
_OPS_REVERSE = ("<", "≤", "<=", "不高于", "不超过", "小于等于", "≦")
_OPS_POSITIVE = (">", "≥", ">=", "不低于", "不少于", "大于等于", "≧")


@dataclass(frozen=True)
class Parsed:
    """A parsed target/actual cell: number (or None), unit found in the text, direction hint."""

    number: float | None
    unit: str | None = None
    direction: str | None = None  # "positive" / "reverse" / "equal"
    text: str = ""


def parse_value(value: Any) -> Parsed:
    """``"≥95%"`` → 95, unit %, positive; ``"1,234.5"`` → 1234.5; ``"９５"`` → 95; text stays text.

    >>> parse_value("≥95%").number, parse_value("≥95%").unit, parse_value("≥95%").direction
    (95.0, '%', 'positive')
    >>> parse_value("１，２３４．５ 万元").number
    1234.5
    """
    if isinstance(value, bool):
        return Parsed(None, text=str(value))
    if isinstance(value, int | float):
        return Parsed(float(value), text=str(value))
    text = clean_text(value)
    if not text:
        return Parsed(None)
    m = _NUMBER.match(text)
    if not m:
        return Parsed(None, text=text)
    op = m.group("op") or ""
    direction = (
        "reverse"
        if op in _OPS_REVERSE
        else "positive"
        if op in _OPS_POSITIVE
        else "equal"
        if op.startswith("=")
        else None
    )
    unit = (m.group("unit") or "").strip() or None
    return Parsed(float(m.group("num").replace(",", "")), unit, direction, text)


# ---------------------------------------------------------------------------------------------
# Reading sheets


@dataclass
class Sheet:
    """A worksheet as a grid of cleaned values with merged ranges filled in."""

    name: str
    rows: list[list[Any]]
    file: str

    def cell(self, r: int, c: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.name}!{get_column_letter(c + 1)}{r + 1}"

    def error(self, r: int, c: int, message: str, hint: str | None = None) -> CaseError:
        return CaseError(message, file=self.file, field=self.cell(r, c), hint=hint)


def read_workbook(path: Path) -> list[Sheet]:
    """All sheets of a workbook, merged cells filled with their top-left value."""
    import openpyxl

    shown = str(path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise CaseError("文件不存在", file=shown) from None
    except Exception as exc:  # noqa: BLE001 - zip/xml errors from a damaged or non-xlsx file
        raise CaseError(
            f"无法读取 Excel 文件（{type(exc).__name__}）", file=shown, hint="请另存为 .xlsx 格式"
        ) from None
    sheets = []
    for ws in wb.worksheets:
        grid = [list(row) for row in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            top = ws.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                        grid[r - 1][c - 1] = top
        sheets.append(Sheet(ws.title, grid, shown))
    return sheets


def _norm_header(value: Any) -> str:
    return re.sub(r"[\s（）()：:*＊]", "", clean_text(value))


def find_header(sheet: Sheet, columns: Mapping[str, Sequence[str]], required: Sequence[str]):
    """Locate the header row: the first row naming every required column (by any variant).

    Returns (row index, {field: column index}).
    """
    variants = {_norm_header(v): key for key, names in columns.items() for v in names}
    for r, row in enumerate(sheet.rows[:40]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            key = variants.get(_norm_header(value))
            if key and key not in found:
                found[key] = c
        if all(k in found for k in required):
            return r, found
    names = "、".join(columns[k][0] for k in required)
    raise CaseError(
        f"工作表“{sheet.name}”中找不到表头（需要列：{names}）", file=sheet.file, field=sheet.name
    )


def find_labels(
    sheet: Sheet, labels: Mapping[str, Sequence[str]], stop_row: int
) -> dict[str, tuple[Any, int, int]]:
    """Key–value cells above the table: label cell, value in the next non-empty cell to its right."""
    variants = {_norm_header(v): key for key, names in labels.items() for v in names}
    out: dict[str, tuple[Any, int, int]] = {}
    for r, row in enumerate(sheet.rows[:stop_row]):
        for c, value in enumerate(row):
            key = variants.get(_norm_header(value))
            if not key or key in out:
                continue
            for c2 in range(c + 1, len(row)):
                v = row[c2]
                if clean_text(v) and _norm_header(v) != _norm_header(value):
                    out[key] = (v, r, c2)
                    break
    return out


# ---------------------------------------------------------------------------------------------
# Import


@dataclass
class Imported:
    """A case mapping read from a form, with notes on what the importer inferred."""

    case: dict[str, Any]
    form: str
    notes: list[str] = field(default_factory=list)


def detect_form(sheets: list[Sheet]) -> tuple[str, Sheet]:
    """Which standard form a workbook is (by sheet names and title text)."""
    spec = _spec()["forms"]
    for sheet in sheets:
        head = " ".join(clean_text(v) for row in sheet.rows[:6] for v in row if v is not None)
        for name, form in spec.items():
            if any(k in sheet.name or k in head for k in form["detect"]):
                return name, sheet
    names = "、".join(f["title"] for f in spec.values())
    raise CaseError(f"无法识别表格类型（支持：{names}）", file=sheets[0].file if sheets else None)


def _number(sheet: Sheet, value: Any, r: int, c: int, what: str) -> float:
    p = parse_value(value)
    if p.number is None:
        raise sheet.error(r, c, f"{what}应为数字，实际为 {clean_text(value)!r}")
    return p.number


def import_form(path: str | Path) -> Imported:
    """Read a filled-in standard form (绩效自评表 or 项目绩效评价评分表) into a case mapping.

    Raises
    ------
    CaseError
        ``file: sheet!cell: message`` for the first problem.
    """
    path = Path(path)
    sheets = read_workbook(path)
    form, sheet = detect_form(sheets)
    spec = _spec()["forms"][form]
    header_row, cols = find_header(sheet, spec["columns"], spec["required_columns"])
    labels = find_labels(sheet, _spec()["labels"], header_row)
    notes: list[str] = []

    def label(key: str, default: Any = None) -> Any:
        return labels[key][0] if key in labels else default

    case: dict[str, Any] = {}
    title = clean_text(label("title", ""))
    if not title:
        raise sheet.error(0, 0, "缺少“项目名称”", hint="在表头上方填写：项目名称 | 某某项目")
    year_raw = label("year")
    year = None
    if year_raw is not None:
        m = re.search(r"(19|20)\d\d", clean_text(year_raw))
        year = int(m.group(0)) if m else None
    if year is None:
        m = re.search(
            r"(19|20)\d\d", " ".join(clean_text(v) for row in sheet.rows[:3] for v in row if v)
        )
        year = int(m.group(0)) if m else None
    if year is None:
        raise sheet.error(0, 0, "找不到预算年度", hint="在表头上方填写：预算年度 | 2024")
    case_id = clean_text(label("case_id", "")) or _slug(title, year)
    case.update(
        case_id=case_id,
        title=title,
        year=year,
        department=clean_text(label("department", "")) or "（未填写）",
        evaluation=spec["evaluation"],
        budget_type=_choice(label("budget_type"), _spec()["budget_types"], "general_public"),
        object_type=_choice(label("object_type"), _spec()["object_types"], "project"),
    )
    budget: dict[str, Any] = {}
    for key in ("planned", "allocated", "spent"):
        if key in labels:
            v, r, c = labels[key]
            budget[key] = _number(sheet, v, r, c, _spec()["labels"][key][0])
    unit = clean_text(label("unit", "")) or "万元"
    budget["unit"] = unit
    case["budget"] = budget
    planned_goal, achieved_goal = (
        clean_text(label("goal_planned", "")),
        clean_text(label("goal_achieved", "")),
    )
    if planned_goal:
        case["objectives"] = {
            "planned": planned_goal,
            **({"achieved": achieved_goal} if achieved_goal else {}),
        }

    indicators = []
    seen_codes: set[str] = set()
    current: dict[str, str] = {}
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]

        def get(key: str, row: list[Any] = row) -> Any:
            c = cols.get(key)
            return row[c] if c is not None and c < len(row) else None

        name = clean_text(get("name"))
        if not name:
            if all(not clean_text(v) for v in row):
                continue  # blank (trailing) row
            if any(k in " ".join(clean_text(v) for v in row) for k in ("合计", "总分", "小计")):
                continue
            continue
        for level in ("level1", "level2"):
            text = clean_text(get(level))
            if text:
                current[level] = text
        if "level1" not in current:
            raise sheet.error(r, cols.get("level1", 0), "缺少一级指标")
        ind: dict[str, Any] = {
            "code": clean_text(get("code")) or f"I{len(indicators) + 1:02d}",
            "name": name,
            "level1": current["level1"],
            "level2": current.get("level2") or current["level1"],
        }
        if ind["code"] in seen_codes:
            raise sheet.error(r, cols.get("code", 0), f"指标代码 {ind['code']} 重复")
        seen_codes.add(ind["code"])
        ind["weight"] = _number(sheet, get("weight"), r, cols["weight"], "分值")
        rule_text = clean_text(get("rule"))
        target, actual = parse_value(get("target")), parse_value(get("actual"))
        tier_text = clean_text(get("tier"))
        if rule_text:
            rule = RULE_BY_LABEL.get(rule_text, rule_text if rule_text in RULE_LABELS else None)
            if rule is None:
                raise sheet.error(
                    r,
                    cols["rule"],
                    f"未知的计分规则“{rule_text}”",
                    hint="可选：" + "、".join(RULE_LABELS.values()),
                )
        elif tier_text or (target.number is None and target.text):
            rule = "qualitative"
            notes.append(f"{sheet.cell(r, cols['name'])}：未填计分规则，按定性指标处理")
        else:
            rule = target.direction if target.direction in ("reverse",) else "positive"
            if target.direction == "equal" and target.number == 0:
                rule = "equal"
            notes.append(
                f"{sheet.cell(r, cols['name'])}：未填计分规则，按年度指标值推断为{RULE_LABELS[rule]}"
            )
        ind["rule"] = rule
        variant = clean_text(get("variant"))
        if variant:
            ind["variant"] = _spec()["variants"].get(variant, variant)
        unit = clean_text(get("unit")) or target.unit or actual.unit
        if unit:
            ind["unit"] = unit
        if rule == "qualitative":
            if not tier_text:
                raise sheet.error(r, cols.get("tier", cols["name"]), "定性指标需要填写评价档次")
            ind["tier"] = tier_text
            score = get("score")
            if clean_text(score):
                ind["score"] = _number(sheet, score, r, cols["score"], "评分")
            if target.text:
                ind["target"] = target.text
            if actual.text:
                ind["actual"] = actual.text
        elif rule == "checklist":
            met, total = get("met"), get("total")
            if clean_text(met) and clean_text(total):
                ind["met"] = int(_number(sheet, met, r, cols["met"], "满足要点数"))
                ind["total"] = int(_number(sheet, total, r, cols["total"], "要点总数"))
            else:
                raise sheet.error(r, cols["name"], "评价要点型指标需要填写满足要点数和要点总数")
        else:
            if rule == "range":
                m = re.match(
                    r"^\s*([-\d.,]+)\s*[-–~～至]\s*([-\d.,]+)",
                    target.text or clean_text(get("target")),
                )
                if not m:
                    raise sheet.error(
                        r, cols["target"], "区间型指标的年度指标值应写作“下限–上限”，如 90–100"
                    )
                ind["target"] = [
                    float(m.group(1).replace(",", "")),
                    float(m.group(2).replace(",", "")),
                ]
            elif target.number is None:
                raise sheet.error(
                    r, cols["target"], f"年度指标值应为数字，实际为 {clean_text(get('target'))!r}"
                )
            else:
                ind["target"] = target.number
            if actual.number is not None:
                ind["actual"] = actual.number
            elif clean_text(get("actual")):
                raise sheet.error(
                    r, cols["actual"], f"实际完成值应为数字，实际为 {clean_text(get('actual'))!r}"
                )
            if rule == "deduction":
                ind["points_per_unit"] = _number(
                    sheet,
                    get("points_per_unit"),
                    r,
                    cols.get("points_per_unit", cols["name"]),
                    "每单位扣分",
                )
        note = clean_text(get("note"))
        if note:
            ind["note"] = note
        indicators.append(ind)
    if not indicators:
        raise sheet.error(header_row, 0, "表中没有指标行")
    case["indicators"] = indicators
    return Imported(case, form, notes)


def _choice(value: Any, mapping: Mapping[str, str], default: str) -> str:
    text = clean_text(value)
    if not text:
        return default
    return mapping.get(text, text)


def _slug(title: str, year: int) -> str:
    import hashlib

    return f"case_{year}_{hashlib.sha256(title.encode()).hexdigest()[:8]}"


def to_yaml(imported: Imported, source: str) -> str:
    """The case file text, with a header saying where it came from and what was inferred."""
    import yaml

    lines = [f"# 由 {Path(source).name} 导入（jixiao import）；请核对后运行 jixiao validate", "#"]
    lines += [f"# 导入说明：{n}" for n in imported.notes]
    body = yaml.safe_dump(imported.case, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + body


# ---------------------------------------------------------------------------------------------
# Blank forms


def write_form(evaluation: str, path: str | Path) -> Path:
    """The blank form of an evaluation type, with drop-down lists and Chinese instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    forms = {f["evaluation"]: (name, f) for name, f in _spec()["forms"].items()}
    if evaluation not in forms:
        raise CaseError(
            f"评价类型 {evaluation} 没有 Excel 表样",
            hint="可用：" + "、".join(forms),
        )
    name, form = forms[evaluation]
    wb = Workbook()
    ws = wb.active
    ws.title = form["sheet"]
    bold = Font(bold=True)
    ws.append([form["title"]])
    ws["A1"].font = Font(bold=True, size=14)
    label_spec = _spec()["labels"]
    for key in form["label_rows"]:
        ws.append([label_spec[key][0], form.get("label_examples", {}).get(key, "")])
        ws.cell(ws.max_row, 1).font = bold
    ws.append([])
    header = [form["columns"][k][0] for k in form["column_order"]]
    ws.append(header)
    header_row = ws.max_row
    fill = PatternFill("solid", fgColor="DDE6F3")
    for c in range(1, len(header) + 1):
        cell = ws.cell(header_row, c)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for example in form.get("example_rows", []):
        ws.append([example.get(k, "") for k in form["column_order"]])
    first, last = header_row + 1, header_row + 200
    order = form["column_order"]
    rules = DataValidation(
        type="list", formula1='"' + ",".join(RULE_LABELS.values()) + '"', allow_blank=True
    )
    rules.error, rules.errorTitle = "请从下拉列表选择计分规则", "计分规则"
    tiers = DataValidation(
        type="list",
        formula1='"达成年度指标,部分达成并具有一定效果,未达成且效果较差"',
        allow_blank=True,
    )
    variants = DataValidation(
        type="list", formula1='"' + ",".join(_spec()["variants"]) + '"', allow_blank=True
    )
    from openpyxl.utils import get_column_letter

    for dv, key in ((rules, "rule"), (tiers, "tier"), (variants, "variant")):
        if key in order:
            col = get_column_letter(order.index(key) + 1)
            dv.add(f"{col}{first}:{col}{last}")
            ws.add_data_validation(dv)
    for i, key in enumerate(order, start=1):
        ws.column_dimensions[get_column_letter(i)].width = form.get("widths", {}).get(key, 12)
    help_ws = wb.create_sheet("填表说明")
    for line in form["instructions"]:
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 110
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# The 评分表 workbook of an archived case


def scoresheet(results: Mapping[str, Any]) -> bytes:
    """A 评分表 workbook from a case's results.json: 基本信息, 指标得分 (with reasons), 一级指标汇总,
    and for evaluations with their own blocks a sheet per table-like block. Text is neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "基本信息"
    info = [
        ("案例编号", results.get("case_id")),
        ("名称", results.get("title")),
        ("年度", results.get("year")),
        ("部门", results.get("department")),
        ("评价类型", results.get("evaluation")),
        ("总分", results.get("total_score")),
        ("等级", results.get("grade")),
    ]
    for k, v in info:
        ws.append([k, neutralise(v)])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    for w in results.get("warnings") or []:
        ws.append(["提示", neutralise(w)])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 60
    indicators = results.get("indicators") or []
    if indicators:
        sheet = wb.create_sheet("指标得分")
        header = [
            "一级指标",
            "二级指标",
            "指标代码",
            "指标名称",
            "分值",
            "目标值",
            "实际值",
            "单位",
            "得分",
            "失分",
            "计分说明",
        ]
        sheet.append(header)
        for c in range(1, len(header) + 1):
            sheet.cell(1, c).font = Font(bold=True)
        for i in indicators:
            target = i.get("target")
            if isinstance(target, list):
                target = "–".join(str(x) for x in target)
            sheet.append(
                [
                    neutralise(x)
                    for x in (
                        i.get("level1"),
                        i.get("level2"),
                        i.get("code"),
                        i.get("name"),
                        i.get("weight"),
                        target,
                        i.get("actual"),
                        i.get("unit"),
                        i.get("score"),
                        i.get("lost"),
                        i.get("reason"),
                    )
                ]
            )
        for col, width in zip("ABCDEFGHIJK", (10, 12, 10, 28, 8, 10, 10, 8, 8, 8, 70), strict=True):
            sheet.column_dimensions[col].width = width
        for row in sheet.iter_rows(min_row=2, min_col=11, max_col=11):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    level1 = results.get("level1") or {}
    if level1:
        sheet = wb.create_sheet("一级指标汇总")
        sheet.append(["一级指标", "分值", "得分"])
        weights = results.get("level1_weights") or {}
        for name, score in level1.items():
            sheet.append([neutralise(name), weights.get(name), score])
        sheet.append(
            ["合计", sum(weights.values()) if weights else None, results.get("total_score")]
        )
    for key, block in results.items():
        if key in {
            "indicators",
            "level1",
            "level1_weights",
            "warnings",
            "notes",
            "conclusions",
            "budget",
            "framework",
            "grade_bands",
        }:
            continue
        for title, table in _tables_in(block, key):
            sheet = wb.create_sheet(title[:31])
            cols = list(dict.fromkeys(k for row in table for k in row))
            sheet.append([neutralise(c) for c in cols])
            for row in table:
                sheet.append([neutralise(_cellable(row.get(c))) for c in cols])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cellable(v: Any) -> Any:
    if isinstance(v, list | dict):
        import json

        return json.dumps(v, ensure_ascii=False)
    return v


SHEET_TITLES = {
    "rectification": "整改清单",
    "recommendations": "预算安排建议",
    "policies": "政策清理整合",
    "ranking": "综合排序",
}


def _tables_in(block: Any, name: str, depth: int = 0):
    """Lists of flat records inside a results block (for extra sheets)."""
    if depth > 2:
        return
    if isinstance(block, list) and block and all(isinstance(r, Mapping) for r in block):
        yield SHEET_TITLES.get(name.rsplit(".", 1)[-1], name), block
    elif isinstance(block, Mapping):
        for k, v in block.items():
            yield from _tables_in(v, f"{name}.{k}" if depth else f"{name}.{k}", depth + 1)
