"""Reading a respondent file the way evaluators receive it: CSV in UTF-8, UTF-8 with BOM or
GBK/GB18030 (detected), or XLSX, into text cells with their spreadsheet row numbers.

Every problem is one :class:`~methods.errors.CaseError` naming the file and the row (header =
row 1). The file's SHA-256 is kept; its rows never leave the analysis.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from methods.errors import CaseError


@dataclass(frozen=True)
class Table:
    """A respondent file as text cells: header, rows and their spreadsheet row numbers."""

    header: list[str]
    cells: pd.DataFrame  # object dtype, "" for empty cells
    rows: np.ndarray  # spreadsheet row number of each data row (header = 1)
    encoding: str
    sha256: str
    dropped: tuple[str, ...] = ()


def cell_text(value: Any) -> str:
    """A spreadsheet or CSV cell as text: empty for None/NaN, whole floats without ``.0``,
    booleans as 1/0, stripped."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def _decode(data: bytes, declared: str, display: str, loc: tuple) -> tuple[str, str]:
    """Text of a CSV file and the encoding found: UTF-8 (BOM or not), else GBK/GB18030."""
    if declared != "auto":
        codec = "utf-8-sig" if declared == "utf-8" else "gb18030"
        try:
            return data.decode(codec), declared.upper()
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise CaseError(
                f"{display} 第 {line} 行不是 {declared} 编码",
                field=(*loc, "encoding"),
                hint="删除 encoding 让程序自动识别（UTF-8 / GBK），或把文件另存为 UTF-8",
            ) from None
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise CaseError(
            f"{display} 是 UTF-16 编码或二进制文件，无法作为 CSV 读取",
            field=(*loc, "data"),
            hint="请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”或 XLSX",
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8（带 BOM）"
        except UnicodeDecodeError as exc:
            line = data[: exc.start + 3].count(b"\n") + 1
            raise CaseError(
                f"{display} 以 UTF-8 标记开头，但第 {line} 行不是 UTF-8 编码",
                field=(*loc, "data"),
                hint="文件可能由不同编码的内容拼接而成，请统一另存为 UTF-8",
            ) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        seen = data[: exc.start].decode("utf-8", "ignore")
        if sum(ord(c) >= 0x800 for c in seen) >= 2:  # Chinese already read as UTF-8
            line = data[: exc.start].count(b"\n") + 1
            raise CaseError(
                f"{display} 是 UTF-8 编码，但第 {line} 行含有无效字节（文件可能已损坏或混有其他编码）",
                field=(*loc, "data"),
                hint="请用 Excel 或文本编辑器打开该行核对，重新另存为 UTF-8",
            ) from None
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CaseError(
            f"{display} 的编码无法识别：既不是 UTF-8，也不是 GBK/GB18030（第 {line} 行）",
            field=(*loc, "data"),
            hint="请把文件另存为 UTF-8 编码的 CSV，或 XLSX",
        ) from None


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(i, row) for i, row in enumerate(reader, start=1)]


def _xlsx_rows(path: Path, sheet: str | int | None, display: str, loc: tuple):
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise CaseError(
            f"{display} 不是有效的 XLSX 文件（{type(exc).__name__}）", field=(*loc, "data")
        ) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(wb.worksheets):
                raise CaseError(
                    f"{display} 只有 {len(wb.worksheets)} 个工作表，没有序号 {sheet}",
                    field=(*loc, "sheet"),
                )
            ws = wb.worksheets[sheet]
        else:
            if sheet not in wb.sheetnames:
                raise CaseError(
                    f"{display} 中没有工作表 '{sheet}'（现有：{'、'.join(wb.sheetnames)}）",
                    field=(*loc, "sheet"),
                )
            ws = wb[sheet]
        return [
            (i, [cell_text(v) for v in row])
            for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
        ]
    finally:
        wb.close()


def read_table(
    path: Path,
    display: str,
    loc: tuple = ("survey",),
    *,
    encoding: str = "auto",
    sheet: str | int | None = None,
) -> Table:
    """Read a respondent file (CSV or XLSX) into text cells.

    Raises
    ------
    CaseError
        Unknown format, undecodable text, empty or duplicate column names, rows longer than the
        header, no respondents.
    """
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        records = _xlsx_rows(path, sheet, display, loc)
        used = "XLSX"
    elif suffix in (".csv", ".txt", ".tsv"):
        text, used = _decode(data, encoding, display, loc)
        records = _csv_rows(text)
    elif suffix == ".xls":
        raise CaseError(
            f"{display} 是旧版 Excel（.xls）文件，无法读取",
            field=(*loc, "data"),
            hint="请在 Excel 中另存为 .xlsx 或 CSV UTF-8",
        )
    else:
        raise CaseError(
            f"{display}：不支持的数据文件类型 '{suffix or '（无扩展名）'}'，应为 CSV 或 XLSX",
            field=(*loc, "data"),
        )
    records = [(i, r) for i, r in records if any(c.strip() for c in r)]
    if not records:
        raise CaseError(f"{display} 是空文件（没有表头和数据）", field=(*loc, "data"))
    head_row, header = records[0]
    header = [unicodedata.normalize("NFKC", h).strip().lstrip("\ufeff") for h in header]
    body = records[1:]
    width = len(header)
    while (
        width
        and not header[width - 1]
        and all(len(r) < width or not r[width - 1].strip() for _, r in body)
    ):
        width -= 1
    header = header[:width]
    for k, name in enumerate(header):
        if not name:
            raise CaseError(
                f"{display} 第 {head_row} 行（表头）第 {k + 1} 列没有列名", field=(*loc, "data")
            )
    seen: dict[str, int] = {}
    for k, name in enumerate(header):
        if name in seen:
            from methods.evaltypes.satisfaction.privacy import header_row_is_data, safe_header

            raise CaseError(
                f"{display} 表头中的列名 '{safe_header(name, header_row_is_data(header))}' 重复"
                f"（第 {seen[name] + 1} 列和第 {k + 1} 列）",
                field=(*loc, "data"),
            )
        seen[name] = k
    rows, cells = [], []
    for i, r in body:
        extra = [c for c in r[width:] if c.strip()]
        if extra:
            raise CaseError(
                f"{display} 第 {i} 行有 {len(r)} 个字段，多于表头的 {width} 列",
                field=(*loc, "data"),
                hint="检查该行是否含有未加引号的逗号",
            )
        rows.append(i)
        cells.append([c.strip() for c in r[:width]] + [""] * (width - len(r)))
    if not rows:
        raise CaseError(f"{display} 只有表头，没有受访者记录", field=(*loc, "data"))
    frame = pd.DataFrame(cells, columns=header, dtype=object)
    return Table(header, frame, np.asarray(rows, dtype=np.int64), used, digest)
