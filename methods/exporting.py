"""Writing tables for people: CSV, Excel and Parquet, with spreadsheet formulas neutralised.

Cell text starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is prefixed with an
apostrophe before it reaches a spreadsheet, so a title like ``=HYPERLINK(...)`` stays text (OWASP
"CSV injection"). Numbers are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx", "parquet", "json")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    >>> neutralise("=1+1"), neutralise("-3"), neutralise(-3), neutralise("文本")
    ("'=1+1", "'-3", -3, '文本')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) are neutralised."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise, na_action="ignore")
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_tables(
    tables: Mapping[str, pd.DataFrame], path: str | Path, fmt: str | None = None
) -> list[Path]:
    """Write one or more named tables.

    ``xlsx``: one workbook, a sheet per table. ``csv`` / ``json`` / ``parquet``: the first table at
    ``path`` and each further table beside it as ``<stem>_<name>.<ext>``. CSV is UTF-8 with BOM so
    Excel opens Chinese correctly. Returns the files written.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式 {fmt!r}（可用：{'、'.join(FORMATS)}）")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, df in tables.items():
                neutralise_frame(df).to_excel(writer, sheet_name=name[:31], index=False)
        return [path]
    written = []
    for i, (name, df) in enumerate(tables.items()):
        target = path if i == 0 else path.with_name(f"{path.stem}_{name}{path.suffix}")
        if fmt == "csv":
            neutralise_frame(df).to_csv(target, index=False, encoding="utf-8-sig")
        elif fmt == "json":
            df.to_json(target, orient="records", force_ascii=False, indent=2)
        else:
            df.to_parquet(target, index=False)
        written.append(target)
    return written
