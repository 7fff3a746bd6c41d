"""Excel forms in and out: the blank forms department staff fill in, the importer that turns a
filled-in (often messy) form into a case file, and the 评分表 workbook of every archived case.

Importing copes with real-world sheets: title rows above the header, merged cells, numbers stored
as text, ``"95%"`` and ``"1,234.5"`` strings, full-width digits and punctuation, ``≥``/``≤`` in
target cells, trailing blank rows and Chinese column-name variants (``methods/_data/excel_forms.yaml``).
A problem is reported as ``file: sheet!cell: message``.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from methods._resources import load_yaml
from methods.casefile import check_data_file
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
    r"^(?P<op>[<>≤≥=]=?|不低于|不高于|不少于|不超过|大于等于|小于等于|≧|≦)?\s*"
    r"(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"\s*(?P<unit>%|‰|[^\d\s].*)?$"
)
# what follows a number and is not a unit: another number (92,5 · 100-120 · 98/100 · 0x10)
_NOT_A_UNIT = re.compile(r"\d|^[-–—~～/÷*×+,，.。、:：xX]")
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
    if isinstance(value, datetime.date | datetime.time):  # a date cell is never a quantity
        return Parsed(None, text=f"日期/时间 {value}")
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
    if unit is not None and _NOT_A_UNIT.search(unit):  # 92,5 · 100-120 · 98/100: not one number
        return Parsed(None, text=text)
    return Parsed(float(m.group("num").replace(",", "")), unit, direction, text)


# ---------------------------------------------------------------------------------------------
# Reading sheets


@dataclass
class Sheet:
    """A worksheet as a grid of cleaned values with merged ranges filled in."""

    name: str
    rows: list[list[Any]]
    file: str
    path: Path | None = None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r1, c1, r2, c2
    _formulas: dict[tuple[int, int], str] | None = field(default=None, repr=False)

    @property
    def ref(self) -> str:
        """The sheet's name as a cell reference writes it: quoted when Excel would need quotes
        (a space or punctuation, a leading digit), e.g. ``'Sheet 1'`` but ``自评表``."""
        if re.fullmatch(r"[^\W\d]\w*", self.name):
            return self.name
        return "'" + self.name.replace("'", "''") + "'"

    def cell(self, r: int, c: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.ref}!{get_column_letter(c + 1)}{r + 1}"

    def area(self, r1: int, c1: int, r2: int, c2: int) -> str:
        """A range, e.g. ``自评表!E8:E11``."""
        return f"{self.cell(r1, c1)}:{self.cell(r2, c2).split('!')[-1]}"

    def error(self, r: int, c: int, message: str, hint: str | None = None) -> CaseError:
        return CaseError(message, file=self.file, field=self.cell(r, c), hint=hint)

    def formula(self, r: int, c: int) -> str | None:
        """The formula of a cell, read only when its value is missing: a workbook written by a
        program and never opened in Excel keeps formulas without their computed values."""
        if self._formulas is None:
            import openpyxl

            self._formulas = {}
            try:
                ws = openpyxl.load_workbook(self.path)[self.name] if self.path else None
            except Exception:  # noqa: BLE001 - already read once; no formulas then
                ws = None
            for row in ws.iter_rows() if ws is not None else ():
                for cell in row:
                    if cell.data_type == "f":
                        self._formulas[(cell.row - 1, cell.column - 1)] = str(cell.value)
        return self._formulas.get((r, c))

    def check_formula(self, value: Any, r: int, c: int, what: str) -> None:
        """Raise naming the cell when it is an empty formula (no computed value saved)."""
        if clean_text(value) or c is None:
            return
        formula = self.formula(r, c)
        if formula:
            raise self.error(
                r,
                c,
                f"{what}是公式 {formula}，但文件中没有保存公式的计算结果",
                hint="请在 Excel（或 WPS）中打开该文件并保存，让公式算出数值；或把公式改为数值",
            )


def _displayed(cell: Any) -> Any:
    """A cell's value as the sheet shows it where that differs from the stored number: a cell
    formatted as a percentage holding 0.92 shows "92%" and is read as that text (92, unit %)."""
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", "") or "")
    ):
        shown = format(round(value * 100, 9), "f").rstrip("0").rstrip(".")
        return f"{shown}%"
    return value


def read_workbook(path: Path) -> list[Sheet]:
    """All sheets of a workbook, merged cells filled with their top-left value."""
    import openpyxl

    shown = str(path)
    if Path(path).is_file():
        try:
            check_data_file(Path(path))
        except CaseError as exc:
            raise exc.with_context(file=shown) from None
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
        grid = [[_displayed(cell) for cell in row] for row in ws.iter_rows()]
        for merged in ws.merged_cells.ranges:
            top = _displayed(ws.cell(merged.min_row, merged.min_col))
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                        grid[r - 1][c - 1] = top
        merged = [
            (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
            for m in ws.merged_cells.ranges
        ]
        sheets.append(Sheet(ws.title, grid, shown, path=path, merged=sorted(merged)))
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
    tall = [m for m in sheet.merged if m[0] < 40 and m[2] > m[0] and m[3] > m[1]]
    if tall:  # a block merged over several rows and columns may hide the header row
        r1, c1, r2, c2 = tall[0]
        area = sheet.area(r1, c1, r2, c2).split("!")[-1]
        raise sheet.error(
            r1,
            c1,
            f"工作表“{sheet.name}”中找不到表头（需要列：{names}）；合并单元格 {area} 可能遮住了表头行",
            hint="请取消该合并单元格，让表头（一级指标、三级指标、分值……）单独占一行",
        )
    raise sheet.error(
        0,
        0,
        f"工作表“{sheet.name}”前 40 行中找不到表头（需要列：{names}）",
        hint="表头行应包含上述列名（可用表样：jixiao new <评价类型> --xlsx）",
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
    cells: dict[tuple, str] = field(default_factory=dict)  # case field path → sheet!cell

    def cell_of(self, label: str | None) -> str | None:
        """The sheet!cell (or range) a case field came from, given the field as validation
        messages name it (``indicators[2]（O3）.weight``): the exact field, else the nearest
        enclosing one (an indicator's row), else None."""
        if not label:
            return None
        from methods.casefile import field_label

        best, size = None, -1
        for path, cell in self.cells.items():
            text = field_label(path, self.case)
            if label == text or (
                label.startswith(text) and label[len(text) : len(text) + 1] in (".", "[", "（")
            ):
                if len(text) > size:
                    best, size = cell, len(text)
        return best

    def refusal(self, exc: CaseError) -> CaseError:
        """A validation error of the imported case, named by the sheet!cell it came from (the
        case field in the message) rather than by a line of a file the user never saw."""
        where = exc.field if isinstance(exc.field, str) else None
        cell = self.cell_of(where)
        message = f"导入的内容未通过校验：{exc.message}"
        if cell is not None and where:
            message += f"（案例字段 {where}）"
        return CaseError(message, field=cell or where, hint=exc.hint)


def detect_form(sheets: list[Sheet]) -> tuple[str, Sheet]:
    """Which standard form a workbook is (by sheet names and title text), or ``survey`` data."""
    spec = _spec()["forms"]
    for sheet in sheets:
        head = " ".join(clean_text(v) for row in sheet.rows[:6] for v in row if v is not None)
        for name, form in spec.items():
            if any(k in sheet.name or k in head for k in form["detect"]):
                return name, sheet
    for sheet in sheets:
        if looks_like_survey(sheet):
            return "survey", sheet
    names = "、".join(f["title"] for f in spec.values())
    if sheets:
        raise sheets[0].error(
            0,
            0,
            f"无法识别表格类型（支持：{names}、满意度调查数据）",
            hint="标准表的工作表名或前 6 行应含表名（如“绩效自评表”）",
        )
    raise CaseError(f"无法识别表格类型（支持：{names}、满意度调查数据）")


def _number(
    sheet: Sheet,
    value: Any,
    r: int,
    c: int,
    what: str,
    *,
    amount_unit: str | None = None,
    points: bool = False,
) -> float:
    """The number in a cell; ``amount_unit`` (an amount's unit, e.g. 万元): a cell showing a
    percentage or another unit is refused rather than read as a bare number; ``points`` (分值,
    评分, 每单位扣分): a cell showing a percentage (90%) is refused, as 90 points or 0.9 would
    both be guesses."""
    p = parse_value(value)
    if p.number is None:
        sheet.check_formula(value, r, c, what)
        raise sheet.error(r, c, f"{what}应为数字，实际为 {p.text or clean_text(value)!r}")
    if points and p.unit is not None and p.unit != "分":
        shown = "百分比" if p.unit == "%" else f"单位“{p.unit}”"
        raise sheet.error(
            r,
            c,
            f"{what}以分计，单元格却显示为{shown}（{p.text}）",
            hint="请填写分数（如 9），不要设为百分比格式",
        )
    if amount_unit is not None and p.unit is not None and p.unit != amount_unit:
        shown = "百分比" if p.unit == "%" else f"单位“{p.unit}”"
        raise sheet.error(
            r,
            c,
            f"{what}是金额（{amount_unit}），单元格却显示为{shown}（{p.text}）",
            hint=f"请填写以{amount_unit}计的金额，不要设为百分比格式或写其他单位",
        )
    return p.number


def import_form(path: str | Path) -> Imported:
    """Read a filled-in standard form (绩效自评表, 项目绩效评价评分表, 绩效目标申报表 or
    绩效监控表) into a case mapping.

    Raises
    ------
    CaseError
        ``file: sheet!cell: message`` for the first problem.
    """
    path = Path(path)
    sheets = read_workbook(path)
    form, sheet = detect_form(sheets)
    if form == "survey":
        raise sheet.error(0, 0, "这是调查数据，请用 import_survey（jixiao import 会自动处理）")
    spec = _spec()["forms"][form]
    header_row, cols = find_header(sheet, spec["columns"], spec["required_columns"])
    labels = find_labels(sheet, _spec()["labels"], header_row)
    notes: list[str] = []

    cells = _label_cells(sheet, labels)

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
    budget_unit = clean_text(label("unit", "")) or "万元"
    for key in ("planned", "allocated", "spent"):
        if key in labels:
            v, r, c = labels[key]
            budget[key] = _number(
                sheet, v, r, c, _spec()["labels"][key][0], amount_unit=budget_unit
            )
    unit = clean_text(label("unit", "")) or "万元"
    budget["unit"] = unit
    case["budget"] = budget
    planned_goal, achieved_goal = (
        clean_text(label("goal_planned", "")),
        clean_text(label("goal_achieved", "")),
    )
    kind = spec.get("kind", "scored")
    if kind == "target":
        del budget["unit"]
        case["budget"] = {**budget, "unit": unit}
        if planned_goal:
            case["goal"] = planned_goal
        return Imported(_target_rows(case, sheet, header_row, cols, cells), form, notes, cells)
    if kind == "monitoring":
        month = label("month")
        m = re.search(r"(\d{1,2})\s*月?\s*$", clean_text(month)) if month is not None else None
        if m is None:
            raise sheet.error(0, 0, "找不到监控截止月份", hint="在表头上方填写：监控截止月份 | 6")
        case["month"] = int(m.group(1))
        for key in ("deviation", "explanation", "measures"):
            if clean_text(label(key, "")):
                case[key] = clean_text(label(key))
        return Imported(_monitoring_rows(case, sheet, header_row, cols, cells), form, notes, cells)
    if planned_goal:
        case["objectives"] = {
            "planned": planned_goal,
            **({"achieved": achieved_goal} if achieved_goal else {}),
        }

    indicators = []
    seen_codes: set[str] = set()
    last_row = header_row
    for r, get, current in _table_rows(sheet, header_row, cols):
        _indicator_cells(sheet, r, cols, len(indicators), cells)
        last_row = r
        name = clean_text(get("name"))
        ind: dict[str, Any] = {
            "code": clean_text(get("code")) or f"I{len(indicators) + 1:02d}",
            "name": name,
            "level1": current["level1"],
            "level2": current.get("level2") or current["level1"],
        }
        if ind["code"] in seen_codes:
            raise sheet.error(r, cols.get("code", 0), f"指标代码 {ind['code']} 重复")
        seen_codes.add(ind["code"])
        ind["weight"] = _number(sheet, get("weight"), r, cols["weight"], "分值", points=True)
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
        for cell_value, col in ((target, "target"), (actual, "actual")):
            if cell_value.unit is None or col not in cols or cell_value.unit == unit:
                continue
            if cell_value.unit == "%":
                raise sheet.error(
                    r,
                    cols[col],
                    f"单元格显示为百分比（{cell_value.text}），但该行的计量单位为“{unit}”",
                    hint="请统一单位：百分比指标的计量单位填 %，数量指标的单元格不要设为百分比格式",
                )
            raise sheet.error(
                r,
                cols[col],
                f"单元格中的单位“{cell_value.unit}”与该行的计量单位“{unit}”不一致"
                f"（{cell_value.text}）",
                hint="请把数值换算为该行的计量单位，只填数字",
            )
        if unit:
            ind["unit"] = unit
        if rule == "qualitative":
            if not tier_text:
                raise sheet.error(r, cols.get("tier", cols["name"]), "定性指标需要填写评价档次")
            ind["tier"] = tier_text
            score = get("score")
            if clean_text(score):
                ind["score"] = _number(sheet, score, r, cols["score"], "评分", points=True)
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
                sheet.check_formula(get("target"), r, cols["target"], "年度指标值")
                raise sheet.error(
                    r,
                    cols["target"],
                    f"年度指标值应为数字，实际为 {target.text or clean_text(get('target'))!r}",
                )
            else:
                ind["target"] = target.number
            if actual.number is None and "actual" in cols:
                sheet.check_formula(get("actual"), r, cols["actual"], "实际完成值")
            if actual.number is not None:
                ind["actual"] = actual.number
            elif clean_text(get("actual")):
                raise sheet.error(
                    r,
                    cols["actual"],
                    f"实际完成值应为数字，实际为 {actual.text or clean_text(get('actual'))!r}",
                )
            if rule == "deduction":
                ind["points_per_unit"] = _number(
                    sheet,
                    get("points_per_unit"),
                    r,
                    cols.get("points_per_unit", cols["name"]),
                    "每单位扣分",
                    points=True,
                )
        note = clean_text(get("note"))
        if note:
            ind["note"] = note
        indicators.append(ind)
    if not indicators:
        raise sheet.error(header_row, 0, "表中没有指标行")
    case["indicators"] = indicators
    framework = framework_for_levels(spec["evaluation"], [i["level1"] for i in indicators])
    if framework is not None:
        case["framework"] = framework.id
        notes.append(f"一级指标含成本指标等，按“{framework.name}”计分（framework: {framework.id}）")
    _table_cells(sheet, header_row, cols, last_row, cells)
    return Imported(case, form, notes, cells)


def framework_for_levels(evaluation: str, level1: Sequence[str]):
    """The framework variant a form's level-1 names call for, or None for the default
    (:func:`methods.frameworks.variant_for_levels` of the evaluation's default framework)."""
    from methods import frameworks
    from methods.casefile import EVALUATIONS

    return frameworks.variant_for_levels(EVALUATIONS[evaluation].default_framework, level1)


# a row without an indicator name that fills one of these is a forgotten name, not a blank row
_ROW_VALUES = (
    "code", "weight", "rule", "target", "actual", "tier", "score", "points_per_unit", "met",
    "total", "expected", "forecast", "last_actual", "benchmark",
)  # fmt: skip
# rows that are no indicator: totals, and the notes and signatures under a form
_NOT_INDICATOR_ROWS = ("合计", "小计", "总计", "填表", "填报人", "联系电话", "签字", "签章", "盖章")


def _indicator_cells(
    sheet: Sheet, r: int, cols: Mapping[str, int], i: int, cells: dict[tuple, str]
) -> None:
    """Record where indicator ``i`` (row ``r``) came from: its row (the name cell) and each
    column's cell, so a validation error of the imported case names the cell."""
    cells[("indicators", i)] = sheet.cell(r, cols["name"])
    for key, c in cols.items():
        cells[("indicators", i, key)] = sheet.cell(r, c)
    if "last_actual" in cols:
        cells[("indicators", i, "history")] = sheet.cell(r, cols["last_actual"])


def _table_cells(
    sheet: Sheet, header_row: int, cols: Mapping[str, int], last: int, cells: dict[tuple, str]
) -> None:
    """The indicator table as a whole (weights that do not add up): the 分值 column's cells."""
    c = cols.get("weight", cols["name"])
    area = sheet.area(header_row + 1, c, max(last, header_row + 1), c)
    cells[("indicators",)] = area
    cells[("levels",)] = area


def _label_cells(sheet: Sheet, labels: Mapping[str, tuple[Any, int, int]]) -> dict[tuple, str]:
    """Where the key–value cells above the table went in the case mapping."""
    paths = {
        "planned": ("budget", "planned"),
        "allocated": ("budget", "allocated"),
        "spent": ("budget", "spent"),
        "unit": ("budget", "unit"),
        "goal_planned": ("objectives", "planned"),
        "goal_achieved": ("objectives", "achieved"),
    }
    cells = {}
    for key, (_, r, c) in labels.items():
        cells[paths.get(key, (key,))] = sheet.cell(r, c)
        if key == "goal_planned":
            cells[("goal",)] = sheet.cell(r, c)
    return cells


def _table_rows(sheet: Sheet, header_row: int, cols: Mapping[str, int]):
    """(row index, getter) of the indicator rows below a header; levels carried down through
    blank (merged) cells, blank and 合计 rows skipped."""
    current: dict[str, str] = {}
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]

        def get(key: str, row: list[Any] = row) -> Any:
            c = cols.get(key)
            return row[c] if c is not None and c < len(row) else None

        if not clean_text(get("name")):
            filled = [k for k in _ROW_VALUES if k in cols and clean_text(get(k))]
            text = " ".join(clean_text(v) for v in row)
            if filled and not any(word in text for word in _NOT_INDICATOR_ROWS):
                shown = "、".join(
                    f"{clean_text(sheet.rows[header_row][cols[k]]) or k}（{sheet.cell(r, cols[k])}）"
                    for k in filled[:3]
                )
                raise sheet.error(
                    r,
                    cols["name"],
                    f"指标名称为空，但该行填写了 {shown}",
                    hint="请填写指标名称；该行不是指标时请删除其中的内容（否则会被当作漏填）",
                )
            continue
        for level in ("level1", "level2"):
            if clean_text(get(level)):
                current[level] = clean_text(get(level))
        if "level1" not in current:
            raise sheet.error(r, cols.get("level1", 0), "缺少一级指标")
        yield r, get, dict(current)


def _rule_of(
    sheet: Sheet, r: int, cols: Mapping[str, int], text: str, target: Parsed, allowed
) -> str | None:
    if text:
        rule = RULE_BY_LABEL.get(text, text if text in RULE_LABELS else None)
        rule = {"越大越好": "positive", "越小越好": "reverse", "≥": "positive", "≤": "reverse"}.get(
            text, rule
        )
        if rule is None or rule not in allowed:
            names = "、".join(RULE_LABELS[a] for a in allowed)
            raise sheet.error(
                r, cols["rule"], f"未知的指标方向/计分规则“{text}”", hint=f"可选：{names}"
            )
        return rule
    if target.number is None and target.text:
        return "qualitative" if "qualitative" in allowed else None
    if target.direction == "reverse":
        return "reverse"
    return "positive"


def _target_rows(
    case: dict[str, Any], sheet: Sheet, header_row: int, cols, cells: dict[tuple, str]
) -> dict[str, Any]:
    """绩效目标申报表 → a target_review case."""
    allowed = ("positive", "reverse", "equal", "range", "qualitative")
    indicators = []
    last_row = header_row
    for r, get, level in _table_rows(sheet, header_row, cols):
        _indicator_cells(sheet, r, cols, len(indicators), cells)
        last_row = r
        target = parse_value(get("target"))
        ind: dict[str, Any] = {
            "code": clean_text(get("code")) or f"T{len(indicators) + 1:02d}",
            "name": clean_text(get("name")),
            "level1": level["level1"],
            "level2": level.get("level2") or level["level1"],
        }
        rule = _rule_of(sheet, r, cols, clean_text(get("rule")), target, allowed)
        if rule:
            ind["rule"] = rule
        if target.number is not None:
            ind["target"] = target.number
        elif target.text:
            ind["target"] = target.text
        unit = clean_text(get("unit")) or target.unit
        if unit:
            ind["unit"] = unit
        if clean_text(get("source")):
            ind["source"] = clean_text(get("source"))
        last = parse_value(get("last_actual"))
        if last.number is not None:
            ind["history"] = {case["year"] - 1: last.number}
        bench = parse_value(get("benchmark"))
        if bench.number is not None:
            ind["benchmark"] = bench.number
        if clean_text(get("note")):
            ind["note"] = clean_text(get("note"))
        indicators.append(ind)
    if not indicators:
        raise sheet.error(header_row, 0, "表中没有指标行")
    case["indicators"] = indicators
    _table_cells(sheet, header_row, cols, last_row, cells)
    return case


def _monitoring_rows(
    case: dict[str, Any], sheet: Sheet, header_row: int, cols, cells: dict[tuple, str]
) -> dict[str, Any]:
    """绩效监控表 → a monitoring case."""
    allowed = ("positive", "reverse", "qualitative")
    indicators = []
    last_row = header_row
    for r, get, level in _table_rows(sheet, header_row, cols):
        _indicator_cells(sheet, r, cols, len(indicators), cells)
        last_row = r
        target = parse_value(get("target"))
        actual = parse_value(get("actual"))
        ind: dict[str, Any] = {
            "code": clean_text(get("code")) or f"M{len(indicators) + 1:02d}",
            "name": clean_text(get("name")),
            "level1": level["level1"],
            "level2": level.get("level2") or level["level1"],
        }
        ind["rule"] = (
            _rule_of(sheet, r, cols, clean_text(get("rule")), target, allowed) or "positive"
        )
        if ind["rule"] == "qualitative":
            ind["target"] = target.text or clean_text(get("target"))
            tier = clean_text(get("tier"))
            if not tier:
                raise sheet.error(r, cols.get("tier", cols["name"]), "定性指标需要填写当前档次")
            ind["tier"] = tier
        else:
            if target.number is None:
                raise sheet.error(
                    r,
                    cols["target"],
                    f"年度指标值应为数字，实际为 {target.text or clean_text(get('target'))!r}",
                )
            ind["target"] = target.number
            if actual.number is not None:
                ind["actual"] = actual.number
            elif clean_text(get("actual")):
                raise sheet.error(
                    r,
                    cols["actual"],
                    f"截至目前完成值应为数字，实际为 {actual.text or clean_text(get('actual'))!r}",
                )
        unit = clean_text(get("unit")) or target.unit or actual.unit
        for cell_value, col in ((target, "target"), (actual, "actual")):
            if cell_value.unit is None or col not in cols or cell_value.unit == unit:
                continue
            if cell_value.unit == "%":
                raise sheet.error(
                    r,
                    cols[col],
                    f"单元格显示为百分比（{cell_value.text}），但该行的计量单位为“{unit}”",
                    hint="请统一单位：百分比指标的计量单位填 %，数量指标的单元格不要设为百分比格式",
                )
            raise sheet.error(
                r,
                cols[col],
                f"单元格中的单位“{cell_value.unit}”与该行的计量单位“{unit}”不一致"
                f"（{cell_value.text}）",
                hint="请把数值换算为该行的计量单位，只填数字",
            )
        if unit:
            ind["unit"] = unit
        for key in ("deviation", "explanation", "likelihood", "measures"):
            if clean_text(get(key)):
                ind[key] = clean_text(get(key))
        indicators.append(ind)
    if not indicators:
        raise sheet.error(header_row, 0, "表中没有指标行")
    case["indicators"] = indicators
    _table_cells(sheet, header_row, cols, last_row, cells)
    return case


# ---------------------------------------------------------------------------------------------
# Survey data


NA_TEXTS = {"不适用", "不了解", "不清楚", "无法评价", "说不清", "N/A", "NA"}


def looks_like_survey(sheet: Sheet) -> bool:
    """A sheet of respondents: a header row, then ≥ 5 rows with ≥ 2 columns of small integers."""
    if len(sheet.rows) < 6:
        return False
    body = sheet.rows[1:40]
    numeric_cols = 0
    for c in range(len(sheet.rows[0])):
        values = [parse_value(row[c]).number for row in body if c < len(row) and clean_text(row[c])]
        if len(values) >= 5 and all(
            v is not None and float(v).is_integer() and 0 <= v <= 10 for v in values
        ):
            numeric_cols += 1
    return numeric_cols >= 2


def import_survey(path: Path, sheet: Sheet) -> tuple[Imported, bytes]:
    """Survey data (one row per respondent) → a satisfaction case and its data as CSV (UTF-8 BOM).

    Score columns (small integers) become items, the scale is read off the data, personal columns
    (recognised by name or content as the satisfaction analysis recognises them:
    :func:`methods.evaltypes.satisfaction.personal_column`) are left out of the exported data and
    named in the notes, other text columns are offered as groups.
    """
    import csv

    import pandas as pd

    from methods.evaltypes.satisfaction import cell_text, personal_column

    header = [clean_text(v) for v in sheet.rows[0]]
    for c, h in enumerate(header):
        if h and h in header[:c]:
            raise sheet.error(
                0, c, f"表头有重复的列名“{h}”（与 {sheet.cell(0, header.index(h))} 相同）"
            )
    rows = [row for row in sheet.rows[1:] if any(clean_text(v) for v in row)]
    items, groups, drop, lo, hi = [], [], [], 10, 0
    na_codes: set[str] = set()
    for c, name in enumerate(header):
        if not name:
            continue
        cells = pd.Series([cell_text(row[c]) if c < len(row) else "" for row in rows], dtype=object)
        if personal_column(name, cells) is not None:
            drop.append(name)
            continue
        values = [row[c] for row in rows if c < len(row) and clean_text(row[c])]
        codes = {clean_text(v) for v in values if clean_text(v) in NA_TEXTS}
        scores = [v for v in values if clean_text(v) not in NA_TEXTS]
        nums = [parse_value(v).number for v in scores]
        if scores and all(n is not None and float(n).is_integer() and 0 <= n <= 10 for n in nums):
            items.append(name)
            na_codes |= codes
            lo, hi = min(lo, int(min(nums))), max(hi, int(max(nums)))
        elif values and len({clean_text(v) for v in values}) <= min(30, len(values) / 2):
            groups.append(name)  # a few repeated values: a group (镇街道, 人群); ids are not
    if len(items) < 2:
        raise CaseError(
            "调查数据至少需要两个量表题目（每列为 1–5 之类的整数）",
            file=sheet.file,
            field=sheet.area(0, 0, 0, max(len(header) - 1, 0)),
        )
    buf = io.StringIO()
    writer = csv.writer(buf)
    keep = [c for c, h in enumerate(header) if h and h not in drop]
    writer.writerow([header[c] for c in keep])
    for row in rows:
        writer.writerow([clean_text(row[c]) if c < len(row) else "" for c in keep])
    data_name = f"{path.stem}.csv"
    title = clean_text(path.stem)
    year = (
        int(m.group(0))
        if (m := re.search(r"(19|20)\d\d", path.stem))
        else __import__("datetime").date.today().year
    )
    case = {
        "case_id": _slug(title, year),
        "title": title,
        "year": year,
        "department": "（未填写）",
        "evaluation": "satisfaction",
        "budget_type": "general_public",
        "object_type": "policy",
        "survey": {
            "data": data_name,
            "scale": [max(lo, 1) if lo > 0 else lo, hi],
            "items": [{"column": name, "text": name} for name in items],
            **({"na_codes": sorted(na_codes)} if na_codes else {}),
            "method": "rate",
            **({"groups": groups[:3]} if groups else {}),
        },
    }
    columns = {name: c for c, name in enumerate(header) if name}
    cells = {
        ("survey", "items", k, "column"): sheet.cell(0, columns[name])
        for k, name in enumerate(items)
    }
    cells.update(
        {("survey", "groups", k): sheet.cell(0, columns[g]) for k, g in enumerate(groups[:3])}
    )
    notes = [
        f"识别出 {len(items)} 个量表题目（{lo}–{hi} 分），{len(rows)} 名受访者；请核对题目维度、反向题和“不适用”代码"
    ]
    if drop:
        notes.append("个人信息列不导出（drop）：" + "、".join(drop))
    # personal columns are removed from the exported data, so nothing needs dropping on read
    return Imported(case, "survey", notes, cells), buf.getvalue().encode("utf-8-sig")


def _choice(value: Any, mapping: Mapping[str, str], default: str) -> str:
    text = clean_text(value)
    if not text:
        return default
    return mapping.get(text, text)


def _slug(title: str, year: int) -> str:
    import hashlib

    return f"case_{year}_{hashlib.sha256(title.encode()).hexdigest()[:8]}"


def import_any(path: str | Path) -> tuple[Imported, dict[str, bytes]]:
    """A standard form or survey data → (case mapping, data files to write beside the case)."""
    path = Path(path)
    sheets = read_workbook(path)
    form, sheet = detect_form(sheets)
    if form == "survey":
        imported, data = import_survey(path, sheet)
        return imported, {imported.case["survey"]["data"]: data}
    return import_form(path), {}


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
        formula1='"达成年度指标,部分达成年度指标并具有一定效果,未达成年度指标且效果较差"',
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
    "subtotals": "分类小计",
    "superseded": "同一项目取最近评价",
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
