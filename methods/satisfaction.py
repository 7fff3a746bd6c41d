"""Satisfaction surveys (公众评判法 / 服务对象满意度): from a respondent file to a report and a score.

The statistics live in :mod:`methods.survey` (design-based estimation matching R's ``survey``
package, satisfaction indices, IPA, group comparisons) and :mod:`methods.reliability` (α, ω,
KMO, Bartlett, EFA). This module is the evaluation around them:

- reading the respondent file the way evaluators receive it: CSV in UTF-8, UTF-8 with BOM or
  GBK/GB18030 (detected), or XLSX; answers as numbers or as their labels (很满意 …); codes for
  不了解/不适用 counted and treated as missing; reverse-keyed items recoded;
- refusing personal data (:func:`personal_column`): a column named like 姓名/电话/手机/座机/
  身份证/住址/户主/微信 …, or holding mobile or landline numbers, resident ID numbers or a
  column of Chinese names, can never be an item, group, stratum, cluster, weight, fpc or
  calibration variable, whatever the case says; it must be listed in ``drop`` and is then removed
  on reading. No respondent row reaches any output (tables are aggregates; the file is only
  hashed), and no error message quotes a personal value;
- withholding small groups (:func:`withhold`): a group breakdown cell of fewer than
  ``survey.min_cell`` respondents (default 5) is not published, with complementary suppression so
  that it cannot be recovered from the published totals, in the report, the comparisons, the
  ordinal model and results.json;
- every data problem as one :class:`~methods.errors.CaseError` naming the file, the column and the
  spreadsheet row (header = row 1), e.g. ``survey/x.csv 第 12 行 q3：值 7 超出量表 1–5``;
- :func:`analyse`: the whole satisfaction report (sample, reliability and validity, indices with
  confidence intervals overall / by dimension / by item / by group, group comparisons, IPA,
  sample-size adequacy, indicator points, conclusions);
- :func:`indicator_data` and :func:`indicator_value`: the link to scoring, for an indicator of a
  project or self evaluation written ``survey: {case: satisfaction.yaml}`` (or with its survey
  inline); the score reason then shows the index with its confidence interval and design.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import os
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from methods import _format as fmt
from methods._json import jsonable as _json
from methods.casefile import Case, _field_path, _line_for, _pydantic_message, field_label
from methods.errors import CaseError
from methods.evaltypes.satisfaction import (
    DEFAULT_LABELS_1_5,
    InlineSurvey,
    SatisfactionCase,
    SurveyRef,
    SurveySpec,
)

__all__ = [
    "IndicatorValue",
    "Personal",
    "Prepared",
    "SatisfactionAnalysis",
    "analyse",
    "indicator_data",
    "indicator_value",
    "personal_column",
    "personal_content",
    "personal_header",
    "prepare",
    "read_table",
    "used_columns",
    "withhold",
]

DEFAULT_NA_TEXT = ("不适用", "不了解", "不清楚", "说不清", "无法回答", "拒答")
MERGED_GROUPS = "其余分组（合并）"  # withheld groups in the comparisons and the ordinal model
_LAST_CACHE: dict[Any, Any] = {}
_CACHE_SIZE = 16


# ---------------------------------------------------------------------------------------------
# Reading the respondent file


@dataclass(frozen=True)
class Table:
    """A respondent file as text cells: header, rows and their spreadsheet row numbers."""

    header: list[str]
    cells: pd.DataFrame  # object dtype, "" for empty cells
    rows: np.ndarray  # spreadsheet row number of each data row (header = 1)
    encoding: str
    sha256: str
    dropped: tuple[str, ...] = ()


def _cell_text(value: Any) -> str:
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
            (i, [_cell_text(v) for v in row])
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
            raise CaseError(
                f"{display} 表头中的列名 '{name}' 重复（第 {seen[name] + 1} 列和第 {k + 1} 列）",
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


# ---------------------------------------------------------------------------------------------
# Personal data: recognised by the column name and by the content


@dataclass(frozen=True)
class Personal:
    """A column recognised as personal data.

    ``kind`` is what it holds (姓名, 手机号码 …); ``by`` is ``header`` (the column name says
    so) or ``content`` (the cells do); ``position`` is the first data row (0-based) whose
    content gave it away (None for a name recognised by its header).
    """

    kind: str
    by: str
    position: int | None = None


# Names anywhere in a header that only a personal field has (受访者姓名, 身份证号码, 手机号 …)
_HEADER_ANYWHERE = (
    (re.compile(r"姓名|名字"), "姓名"),
    (re.compile(r"身份证|证件号"), "身份证号"),
    (re.compile(r"手机号|电话号|座机号|固话号|联系方式|联系号码"), "电话号码"),
    (re.compile(r"门牌|家庭住址|居住地址|详细地址|家庭地址|通讯地址|联系地址|现住址"), "住址"),
    (re.compile(r"微信号|qq号|电子邮箱|电子邮件|邮箱地址"), "联系账号"),
)
# … and names a personal field ends with (联系电话, 家庭住址, 户主), while an item may merely
# mention the word (电话预约是否方便, 与户主关系)
_HEADER_TAIL = (
    (re.compile(r"(联系人|户主|受访人|受访者|被访人|被访者)(姓名|名字|名)?$"), "姓名"),
    (re.compile(r"(电话|手机|座机|固话)$"), "电话号码"),
    (re.compile(r"(住址|地址)$"), "住址"),
    (re.compile(r"(微信|qq|邮箱|email|e-mail|mail)(账号|号)?$"), "联系账号"),
)
_EN_TOKENS = frozenset(
    "phone mobile telephone tel cellphone email wechat address surname fullname firstname "
    "lastname idcard".split()
)
_EN_NAME_BEFORE = frozenset("full first last given family respondent contact person".split())
# common Chinese surnames (single and compound), for recognising a column of names
_SURNAMES_1 = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆乐冀郁胥班储"
    "栗燕楚鄢劳谌奚粟冼蔺满闻厉伊仝郜阚权帅屠朴练廉禹祖漆卿狄晋扈晁芮阙浦鹿邸雍辜裘亓邰赫杭"
)
_SURNAMES_2 = (
    "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|西门|南宫|独孤|"
    "呼延|轩辕|澹台|申屠|太史|钟离|闻人|赫连"
)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_NAME = re.compile(
    rf"(?:(?:{_SURNAMES_2})[{_CJK}]{{1,2}}|[{_SURNAMES_1}][{_CJK}]{{1,3}}"
    rf"|[{_CJK}]{{1,8}}[·•・][{_CJK}]{{1,8}})"  # 阿依古丽·买买提
)
# place and organisation names look like names but end like this (牛塘镇, 高家村, 湖塘东社区)
_NOT_NAME_END = re.compile(r"[村镇区街路县市乡组社站局院所馆店厂队室楼号栋苑道省州岛湾场部处科]$")
_MASKED_NAME = re.compile(
    rf"(?:{_SURNAMES_2}|[{_SURNAMES_1}])(?:[*×xX某]{{1,3}}|[*]{{1,2}}[{_CJK}])"
)
_MOBILE = re.compile(r"(?<!\d)(?:86)?1[3-9]\d{9}(?!\d)")
_MOBILE_MASKED = re.compile(r"(?<!\d)1[3-9]\d[*xX]{4}\d{4}(?!\d)")
# area code (010, 02x, 0xxx) and a 7–8 digit local number that never starts with 0 or 1
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_LANDLINE = re.compile(r"(?<!\d)(?:010|02\d|0[3-9]\d\d)[2-9]\d{6,7}(?!\d)")
_ID_CANDIDATE = re.compile(r"(?<![\dA-Za-z])(\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
# first two digits of a resident ID number: the province (GB/T 2260)
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 "
    "64 65 71 81 82 83".split()
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
# share of a column's answers that must look like names, and how distinct they must be
NAME_SHARE = 0.8
NAME_DISTINCT = 0.8
NAME_MIN_VALUES = 5


def _header_text(name: str) -> str:
    h = unicodedata.normalize("NFKC", str(name)).strip().lower()
    h = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", h)  # 手机号（选填） → 手机号
    h = re.sub(r"\s+", "", h)
    return re.sub(r"[\d_\-:.、*#]+$", "", h)  # 电话1, 地址：


def personal_header(name: str) -> str | None:
    """What a column named ``name`` holds when its name says it is personal (姓名, 联系电话,
    身份证号码, 家庭住址, 户主, 微信号, phone …), else None.

    An item that merely mentions such a word (电话预约是否方便, 与户主关系, 手机APP好用) is
    not personal: the word must be the whole point of the name (anywhere for 姓名, 身份证,
    手机号, 联系方式 …; at the end for 电话, 住址, 户主 …).
    """
    h = _header_text(name)
    if not h:
        return None
    for pattern, kind in (*_HEADER_ANYWHERE, *_HEADER_TAIL):
        if pattern.search(h):
            return kind
    spaced = unicodedata.normalize("NFKC", str(name)).lower()
    tokens = [t for t in re.split(r"[^a-z0-9]+", spaced) if t]
    if _EN_TOKENS & set(tokens) or tokens[-2:] in (["id", "card"], ["id", "number"]):
        return "个人信息"
    if tokens and tokens[-1] == "name" and (len(tokens) == 1 or tokens[-2] in _EN_NAME_BEFORE):
        return "姓名"
    return None


def _valid_id(cand: pd.Series) -> np.ndarray:
    """Which candidate numbers are resident ID numbers: a province code and a real birth date
    (18 digits: 19xx/20xx; 15 digits: 19xx), or a valid ISO 7064 check digit (18 digits).

    A typed-in number with a wrong check digit is still an ID number (checked by its birth
    date); long questionnaire numbers (2023110100…) have no province or no birth date.
    """
    c = cand.str.upper()
    long = (c.str.len() == 18).to_numpy()
    province = c.str[:2].isin(_PROVINCES).to_numpy()
    birth = np.where(long, c.str[6:14], "19" + c.str[6:12])
    born = pd.to_datetime(pd.Series(birth, index=c.index), format="%Y%m%d", errors="coerce")
    year = born.dt.year.to_numpy()
    dated = born.notna().to_numpy() & (year >= 1900) & (year <= 2100)
    checked = np.zeros(len(c), dtype=bool)
    if long.any():
        body = c[long].str[:17]
        digits = np.frombuffer("".join(body).encode("ascii"), dtype=np.uint8)
        digits = (digits.reshape(-1, 17) - 48).astype(np.int64)
        expect = np.array(list("10X98765432"))[(digits @ _ID_WEIGHTS) % 11]
        checked[long] = expect == c[long].str[17].to_numpy()
    return province & (dated | checked)


def personal_content(values: pd.Series) -> tuple[str, int] | None:
    """(kind, first row position) when the cells of a column hold personal data, else None.

    Any single cell holding a mobile number (also +86, with spaces or hyphens, inside other
    text, or masked as 139****5678), a landline with its area code (0519-86123456,
    (010)62345678), an e-mail address or a resident ID number (18 digits incl. X, or 15) makes
    the column personal. Names are judged on the column: at least 80% of its (≥ 5) answers are 2–4
    Chinese characters beginning with a common surname and not ending like a place
    (…镇, …村), and at least 80% of those are distinct (a column of towns or answers repeats
    itself; a column of people does not); or 80% are masked names (李**, 王某).

    The checks run on the column's distinct values (a survey's answer columns have a handful).
    """
    text = values.astype(str)
    uniq = pd.Series(pd.unique(text), dtype=object)
    norm = uniq.str.normalize("NFKC").str.strip()
    keep = (norm != "").to_numpy()
    uniq, norm = uniq[keep], norm[keep]
    if uniq.empty:
        return None

    def first(hit: np.ndarray) -> int:
        return int(np.flatnonzero(text.isin(uniq[hit]).to_numpy())[0])

    digits = norm.str.replace(r"(?<=\d)\.0+$", "", regex=True)
    digits = digits.str.replace(r"[\s\-()+—–]", "", regex=True)
    for pattern, kind, cells in (
        (_MOBILE, "手机号码", digits),
        (_MOBILE_MASKED, "部分隐藏的手机号码", digits),
        (_LANDLINE, "固定电话号码", digits),
        (_EMAIL, "电子邮箱", norm),
    ):
        hit = cells.str.contains(pattern).to_numpy(dtype=bool)
        if hit.any():
            return kind, first(hit)
    cand = digits.str.extract(_ID_CANDIDATE, expand=False)
    has = cand.notna().to_numpy()
    if has.any():
        ok = np.zeros(len(cand), dtype=bool)
        ok[has] = _valid_id(cand[has])
        if ok.any():
            return "身份证号", first(ok)
    compact = norm.str.replace(r"\s+", "", regex=True)
    filled = text[(text.str.strip() != "").to_numpy()]
    if len(filled) < NAME_MIN_VALUES:
        return None
    for is_name, kind, distinct in (
        (
            compact.str.fullmatch(_NAME).to_numpy(dtype=bool)
            & ~compact.str.contains(_NOT_NAME_END).to_numpy(dtype=bool),
            "姓名",
            True,
        ),
        (compact.str.fullmatch(_MASKED_NAME).to_numpy(dtype=bool), "部分隐藏的姓名", False),
    ):
        if not is_name.any():
            continue
        rows = filled.isin(uniq[is_name]).to_numpy()
        n = int(rows.sum())
        if n >= NAME_SHARE * len(filled) and (not distinct or is_name.sum() >= NAME_DISTINCT * n):
            return kind, first(is_name)
    return None


def personal_column(name: str, values: pd.Series) -> Personal | None:
    """A column recognised as personal data, by its name (:func:`personal_header`) or by its
    cells (:func:`personal_content`), else None."""
    kind = personal_header(name)
    if kind is not None:
        return Personal(kind, "header")
    found = personal_content(values)
    if found is not None:
        return Personal(found[0], "content", found[1])
    return None


def _safe_cell(value: str) -> str:
    """A cell as quoted in an error message; never a phone or ID number (shown as a mask)."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.search(r"\d{7,}", re.sub(r"[\s\-()]", "", text)):
        return "（含长数字，可能是个人信息，不显示）"
    return f"'{text[:20]}…'" if len(text) > 20 else f"'{text}'"


# ---------------------------------------------------------------------------------------------
# The prepared survey: clean answers and the design


@dataclass(frozen=True)
class Prepared:
    """A survey ready for analysis (aggregates only leave this object)."""

    spec: SurveySpec
    frame: pd.DataFrame  # analysis columns only; items recoded, NaN = missing / 不适用
    raw_items: pd.DataFrame  # items before reverse recoding
    design: Any  # methods.survey.Design
    items: list[str]
    labels: dict[str, str]
    dimensions: dict[str, list[str]]
    reverse: list[str]
    importance: dict[str, str]
    counts: pd.DataFrame
    file: str
    sha256: str
    encoding: str
    n: int
    dropped: tuple[str, ...]
    scale: tuple[int, int]
    satisfied: tuple[int, ...]
    level_labels: dict[int, str]
    na_labels: dict[str, str]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def weight_col(self) -> str:
        return "__w"


def used_columns(spec: SurveySpec, loc: tuple = ("survey",)) -> list[tuple[str, tuple, str]]:
    """(column, field path, role) of every column the spec uses, in the order of the case file:
    items and their importance, overall, groups, the design, the calibration variables.

    None of them may be personal data, whatever the case says (:func:`personal_column`); only
    ``drop`` may name a personal column.
    """
    out: list[tuple[str, tuple, str]] = []
    for j, it in enumerate(spec.items):
        out.append((it.column, (*loc, "items", j, "column"), "满意度题目"))
        if it.importance:
            out.append((it.importance, (*loc, "items", j, "importance"), "重要性题目"))
    if spec.overall:
        out.append((spec.overall, (*loc, "overall"), "总体满意度题目"))
    for k, g in enumerate(spec.groups):
        out.append((g, (*loc, "groups", k), "受访者分组"))
    d = spec.design
    for role, col, what in (
        ("strata", d.strata, "分层"),
        ("cluster", d.cluster, "整群（初级抽样单位）"),
        ("weights", d.weights, "抽样权重"),
        ("fpc", d.fpc, "有限总体校正"),
    ):
        if col:
            out.append((col, (*loc, "design", role), what))
    if spec.calibration is not None:
        for var in spec.calibration.margins:
            out.append((var, (*loc, "calibration", "margins", var), "权重校准变量"))
    return out


def _refuse_personal(table: Table, spec: SurveySpec, display: str, loc: tuple) -> None:
    """A column recognised as personal data stops the analysis: used by the spec (as an item,
    group, stratum, cluster, weight …) it is refused at that field, whatever the case says;
    unused, it must be listed in ``drop``. Messages never quote the personal value."""
    cells, rows = table.cells, table.rows
    checked: set[str] = set()
    for col, field_path, role in used_columns(spec, loc):
        if col in checked or col not in cells.columns:
            continue  # a dropped or missing column is reported where it is read
        checked.add(col)
        found = personal_column(col, cells[col])
        if found is None:
            continue
        how = (
            "按列名识别" if found.by == "header" else f"第 {rows[found.position]} 行起的内容"  # type: ignore[index]
        )
        raise _err(
            f"{display} 的列 '{col}' 是个人信息（{found.kind}，{how}），不能用作{role}："
            "个人信息列只能列入 survey.drop（读入时删除）",
            field_path,
            hint=f"从案例文件的这一处删去 '{col}'，并在 survey.drop 中列出它；"
            "分组、分层、整群请使用不含个人信息的列（如 镇街道、年龄段、社区）",
        )
    for col in cells.columns:
        if col in checked:
            continue
        found = personal_column(col, cells[col])
        if found is None:
            continue
        if found.by == "header":
            raise _err(
                f"{display} 的列 '{col}' 看起来是个人信息（{found.kind}）：满意度分析不需要，也不能存档",
                (*loc, "drop"),
                hint=f"在 survey.drop 中列出 '{col}'（读入时即删除），或从数据文件中删去该列",
            )
        raise _err(
            f"{display} 第 {rows[found.position]} 行 {col}：内容看起来是{found.kind}（个人信息），"  # type: ignore[index]
            "不能用于分析",
            (*loc, "drop"),
            hint=f"在 survey.drop 中列出 '{col}'（读入时即删除），或从数据文件中删去该内容",
        )


def _err(message: str, loc: tuple, hint: str | None = None) -> CaseError:
    return CaseError(message, field=loc, hint=hint)


def _na_codes(spec: SurveySpec) -> dict[str, str]:
    """Text form of every 不了解/不适用 code → its label."""
    out = {t: t for t in DEFAULT_NA_TEXT}
    codes = spec.na_codes or []
    pairs = codes.items() if isinstance(codes, Mapping) else ((c, None) for c in codes)
    for code, label in pairs:
        out[str(code).strip()] = label or (str(code) if isinstance(code, str) else f"代码 {code}")
    return out


def _level_labels(spec: SurveySpec, lo: int, hi: int) -> dict[int, str]:
    if spec.labels is not None:
        return dict(spec.labels)
    return dict(DEFAULT_LABELS_1_5) if (lo, hi) == (1, 5) else {}


def check_spec(spec: SurveySpec, loc: tuple, *, min_items: int = 2) -> None:
    """Checks of the spec that need no data (scale, levels, codes, items, roles)."""
    if len(spec.scale) != 2:
        raise _err(f"量表 scale 应写作 [最低等级, 最高等级]，实际为 {spec.scale}", (*loc, "scale"))
    lo, hi = spec.scale
    if not hi > lo:
        raise _err(f"量表 scale 的最高等级应大于最低等级，实际为 {spec.scale}", (*loc, "scale"))
    if hi - lo > 20:
        raise _err(f"量表 {lo}–{hi} 的等级过多（最多 21 级）", (*loc, "scale"))
    levels = set(range(lo, hi + 1))
    for k in spec.labels or {}:
        if k not in levels:
            raise _err(f"标签的等级 {k} 不在量表 {lo}–{hi} 内", (*loc, "labels", k))
    if len(set((spec.labels or {}).values())) != len(spec.labels or {}):
        raise _err("等级标签 labels 有重复", (*loc, "labels"))
    for code in spec.na_codes or []:
        text = str(code).strip()
        try:
            num = float(text)
        except ValueError:
            num = None
        if num is not None and num in levels:
            raise _err(
                f"不适用代码 {code} 与量表等级 {lo}–{hi} 冲突",
                (*loc, "na_codes"),
                hint="请换用量表以外的代码（如 8、9 或 99）",
            )
        if text in set((spec.labels or {}).values()):
            raise _err(f"不适用代码 '{code}' 同时是等级标签", (*loc, "na_codes"))
    if spec.satisfied is not None:
        bad = [v for v in spec.satisfied if v not in levels]
        if bad or not spec.satisfied:
            raise _err(
                f"“满意”等级 {spec.satisfied} 应为量表 {lo}–{hi} 内的等级", (*loc, "satisfied")
            )
    if spec.method == "likert_points":
        if spec.points is None and (lo, hi) != (1, 5):
            raise _err(
                f"量表 {lo}–{hi} 不是 1–5：likert_points 需要 points 给出每个等级的分值",
                (*loc, "points"),
            )
        if spec.points is not None:
            missing = sorted(levels - set(spec.points))
            if missing:
                raise _err(f"points 缺少等级 {missing} 的分值", (*loc, "points"))
            for k, v in spec.points.items():
                if k not in levels:
                    raise _err(f"points 的等级 {k} 不在量表 {lo}–{hi} 内", (*loc, "points", k))
                if not (math.isfinite(v) and 0 <= v <= 100):
                    raise _err(f"等级 {k} 的分值 {v:g} 应在 0 到 100 之间", (*loc, "points", k))
    elif spec.points is not None:
        raise _err("只有 method: likert_points 使用 points", (*loc, "points"))
    if len(spec.items) < min_items:
        raise _err(
            f"满意度题目至少需要 {min_items} 个（现有 {len(spec.items)} 个）：信度分析需要多个题目",
            (*loc, "items"),
        )
    seen: dict[str, int] = {}
    for j, it in enumerate(spec.items):
        if it.column in seen:
            raise _err(
                f"题目列 '{it.column}' 重复（与 items[{seen[it.column]}] 相同）",
                (*loc, "items", j, "column"),
            )
        seen[it.column] = j
    for j, it in enumerate(spec.items):
        if it.importance is not None and it.importance in seen:
            raise _err(
                f"重要性列 '{it.importance}' 同时是满意度题目", (*loc, "items", j, "importance")
            )
    if spec.overall is not None and spec.overall in seen:
        raise _err(f"总体满意度列 '{spec.overall}' 不应同时列为题目", (*loc, "overall"))
    if spec.calibration is not None:
        cal = spec.calibration
        if not cal.margins:
            raise _err("calibration.margins 不能为空", (*loc, "calibration", "margins"))
        if cal.method == "poststratify" and len(cal.margins) != 1:
            raise _err(
                "后分层（poststratify）只能按一个变量；多个变量请用 method: rake",
                (*loc, "calibration", "margins"),
            )
        for var, pop in cal.margins.items():
            if not pop:
                raise _err(f"变量 {var} 没有给出总体数", (*loc, "calibration", "margins", var))
            for k, v in pop.items():
                if not (math.isfinite(v) and v > 0):
                    raise _err(
                        f"{var} = {k} 的总体数 {v:g} 应为正数",
                        (*loc, "calibration", "margins", var, k),
                    )
    trim = spec.design.trim
    if trim is not None and trim.lower is not None and trim.upper is not None:
        if trim.lower > trim.upper:
            raise _err("权重修剪下限大于上限", (*loc, "design", "trim"))
    used: dict[str, tuple] = {}
    for col, field_path, _ in used_columns(spec, loc):
        used.setdefault(col, field_path)
    for k, col in enumerate(spec.drop):
        if col in used:
            raise _err(
                f"要删除的列 '{col}' 同时用于分析（{field_label(used[col])}）", (*loc, "drop", k)
            )


def _number_cells(
    s: pd.Series, rows: np.ndarray, display: str, col: str, role: str, loc: tuple
) -> np.ndarray:
    """A design column as numbers: blanks and text raise naming the row."""
    txt = s.map(lambda v: unicodedata.normalize("NFKC", v).strip())
    blank = (txt == "").to_numpy()
    if blank.any():
        pos = int(np.flatnonzero(blank)[0])
        raise _err(f"{display} 第 {rows[pos]} 行 {col}：{role}缺失", loc)
    num = pd.to_numeric(txt, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(num) | np.isinf(num)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise _err(
            f"{display} 第 {rows[pos]} 行 {col}：{_safe_cell(s.iloc[pos])} 不是数值（{role}）", loc
        )
    return num


def _answers(
    s: pd.Series,
    rows: np.ndarray,
    scale: tuple[int, int],
    level_of: Mapping[str, int],
    na_text: Mapping[str, str],
    display: str,
    col: str,
    loc: tuple,
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Answers of one item: values (NaN missing), blank mask, and the 不适用 code of each row."""
    lo, hi = scale
    txt = s.map(lambda v: unicodedata.normalize("NFKC", v).strip())
    blank = (txt == "").to_numpy()
    na_key = txt.map(lambda v: na_text.get(v))
    num = pd.to_numeric(txt, errors="coerce")
    if na_text:  # numeric codes written as 9.0 or 09
        num_codes = {}
        for k, lab in na_text.items():
            try:
                num_codes[float(k)] = lab
            except ValueError:
                continue
        if num_codes:
            hit = num.map(lambda v: num_codes.get(v) if pd.notna(v) else None)
            na_key = na_key.where(na_key.notna(), hit)
    is_na = na_key.notna().to_numpy()
    label = txt.map(lambda v: level_of.get(v))
    value = num.where(label.isna(), label).astype(float)
    value[is_na | blank] = np.nan
    bad = ~blank & ~is_na & value.isna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        known = "、".join(list(level_of)[:6])
        raise _err(
            f"{display} 第 {rows[pos]} 行 {col}：{_safe_cell(s.iloc[pos])} 不是量表 {lo}–{hi} 的等级"
            + (f"（或标签 {known}）" if known else ""),
            loc,
            hint="表示“不了解/不适用”的代码请列入 survey.na_codes",
        )
    x = value.to_numpy(dtype=float)
    off = ~np.isnan(x) & ((x < lo) | (x > hi) | (x != np.round(x)))
    if off.any():
        pos = int(np.flatnonzero(off)[0])
        what = "超出量表" if (x[pos] < lo or x[pos] > hi) else "不是整数等级，量表为"
        raise _err(
            f"{display} 第 {rows[pos]} 行 {col}：值 {fmt.num(x[pos], 4)} {what} {lo}–{hi}",
            loc,
            hint="若是“不了解/不适用”等代码，请列入 survey.na_codes",
        )
    return x, blank, na_key


def _require_column(table: Table, col: str, display: str, loc: tuple) -> None:
    if col in table.dropped:
        raise _err(f"列 '{col}' 已列入 survey.drop（个人信息，读入时删除），不能用于分析", loc)
    if col not in table.cells.columns:
        cols = [str(c) for c in table.cells.columns]
        shown = "、".join(cols[:15]) + (" …" if len(cols) > 15 else "")
        raise _err(
            f"{display} 中没有列 '{col}'（现有列：{shown}）",
            loc,
            hint="若列名显示为乱码，请检查文件编码（survey.encoding）",
        )


def _cache_get(key):
    return _LAST_CACHE.get(key)


def _cache_put(key, value):
    if len(_LAST_CACHE) >= _CACHE_SIZE:
        _LAST_CACHE.pop(next(iter(_LAST_CACHE)))
    _LAST_CACHE[key] = value
    return value


def prepare(
    spec: SurveySpec, case: Case, loc: tuple = ("survey",), *, strict: bool = True
) -> Prepared:
    """Read, check and clean a survey's respondent file and build its design.

    Parameters
    ----------
    spec : SurveySpec
    case : Case
        The case whose folder the data path is relative to (path checks as for every data file).
    loc : tuple
        Field path of the spec in that case file (for error messages).
    strict : bool
        Satisfaction cases (True): at least two items, and an item whose answers are all equal
        is an error (reliability needs variance). Inline indicator surveys (False): one item is
        enough.

    Raises
    ------
    CaseError
        Naming the file, the column and the row of the first problem.
    """
    from methods.casefile import resolve_data_path

    path = resolve_data_path(case, spec.data, (*loc, "data"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    key = ("prepare", str(path), digest, spec.model_dump_json(), loc, strict)
    hit = _cache_get(key)
    if hit is not None:
        return hit
    return _cache_put(key, _prepare(spec, case, path, loc, strict))


def _prepare(spec: SurveySpec, case: Case, path: Path, loc: tuple, strict: bool) -> Prepared:
    from methods import survey

    check_spec(spec, loc, min_items=2 if strict else 1)
    display = spec.data
    table = read_table(path, display, loc, encoding=spec.encoding, sheet=spec.sheet)
    cells, rows = table.cells, table.rows
    # personal data: dropped columns first, then refuse anything that still looks personal
    for k, col in enumerate(spec.drop):
        if col not in cells.columns:
            raise _err(f"{display} 中没有要删除的列 '{col}'", (*loc, "drop", k))
    cells = cells.drop(columns=list(spec.drop))
    table = Table(table.header, cells, rows, table.encoding, table.sha256, tuple(spec.drop))
    _refuse_personal(table, spec, display, loc)
    lo, hi = spec.scale
    level_labels = _level_labels(spec, lo, hi)
    level_of = {v: k for k, v in level_labels.items()}
    na_text = _na_codes(spec)
    frame: dict[str, Any] = {}
    raw: dict[str, np.ndarray] = {}
    count_rows = []
    items = [it.column for it in spec.items]
    labels = {
        it.column: (it.text or it.column) + ("（反向）" if it.reverse else "") for it in spec.items
    }
    for j, it in enumerate(spec.items):
        iloc = (*loc, "items", j, "column")
        _require_column(table, it.column, display, iloc)
        x, blank, na_key = _answers(
            cells[it.column], rows, (lo, hi), level_of, na_text, display, it.column, iloc
        )
        valid = ~np.isnan(x)
        if not valid.any():
            raise _err(
                f"{display} 的题目 {it.column} 没有有效回答（{len(x)} 行全部为空或不适用）",
                iloc,
                hint="请核对列名与数据，或从 items 中删去该题",
            )
        if strict and np.unique(x[valid]).size == 1:
            raise _err(
                f"{display} 的题目 {it.column} 所有有效回答都是 {fmt.num(x[valid][0])}（方差为 0），"
                "无法做信度分析",
                iloc,
                hint="请核对数据；确属如此时请从 items 中删去该题，并在报告中说明",
            )
        raw[it.column] = x.copy()
        if it.reverse:
            x = lo + hi - x
        frame[it.column] = x
        by_code = na_key.dropna().value_counts()
        count_rows.append(
            {
                "item": it.column,
                "label": labels[it.column],
                "dimension": it.dimension,
                "reverse": it.reverse,
                "valid": int(valid.sum()),
                "not_applicable": int(na_key.notna().sum()),
                "blank": int(blank.sum()),
                "by_code": {str(k): int(v) for k, v in by_code.items()},
            }
        )
    importance: dict[str, str] = {}
    for j, it in enumerate(spec.items):
        if it.importance is None:
            continue
        iloc = (*loc, "items", j, "importance")
        _require_column(table, it.importance, display, iloc)
        x, _, _ = _answers(
            cells[it.importance], rows, (lo, hi), level_of, na_text, display, it.importance, iloc
        )
        if np.isnan(x).all():
            raise _err(f"{display} 的重要性题目 {it.importance} 没有有效回答", iloc)
        frame[it.importance] = x
        importance[it.column] = it.importance
    if spec.overall is not None:
        oloc = (*loc, "overall")
        _require_column(table, spec.overall, display, oloc)
        x, _, _ = _answers(
            cells[spec.overall], rows, (lo, hi), level_of, na_text, display, spec.overall, oloc
        )
        if np.isnan(x).all():
            raise _err(f"{display} 的总体满意度题目 {spec.overall} 没有有效回答", oloc)
        frame[spec.overall] = x
    for k, g in enumerate(spec.groups):
        _require_column(table, g, display, (*loc, "groups", k))
        s = cells[g].map(lambda v: unicodedata.normalize("NFKC", v).strip())
        frame[g] = s.where(s != "", None).astype(object)
    d = spec.design
    for role, col, what in (
        ("strata", d.strata, "分层"),
        ("cluster", d.cluster, "整群"),
    ):
        if col is None:
            continue
        _require_column(table, col, display, (*loc, "design", role))
        s = cells[col].map(lambda v: unicodedata.normalize("NFKC", v).strip())
        empty = (s == "").to_numpy()
        if empty.any():
            pos = int(np.flatnonzero(empty)[0])
            raise _err(f"{display} 第 {rows[pos]} 行 {col}：{what}单位缺失", (*loc, "design", role))
        frame[col] = s.astype(object)
    weights = None
    if d.weights is not None:
        wloc = (*loc, "design", "weights")
        _require_column(table, d.weights, display, wloc)
        w = _number_cells(cells[d.weights], rows, display, d.weights, "权重", wloc)
        bad = w <= 0
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise _err(
                f"{display} 第 {rows[pos]} 行 {d.weights}：权重 {fmt.num(w[pos], 6)} 应大于 0", wloc
            )
        frame["__w"] = w
        weights = "__w"
    fpc = None
    if d.fpc is not None:
        floc = (*loc, "design", "fpc")
        _require_column(table, d.fpc, display, floc)
        f = _number_cells(cells[d.fpc], rows, display, d.fpc, "有限总体校正值", floc)
        bad = f <= 0
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise _err(f"{display} 第 {rows[pos]} 行 {d.fpc}：有限总体校正值应大于 0", floc)
        frame["__fpc"] = f
        fpc = "__fpc"
    if spec.calibration is not None:
        for var in spec.calibration.margins:
            mloc = (*loc, "calibration", "margins", var)
            _require_column(table, var, display, mloc)
            s = cells[var].map(lambda v: unicodedata.normalize("NFKC", v).strip())
            empty = (s == "").to_numpy()
            if empty.any():
                pos = int(np.flatnonzero(empty)[0])
                raise _err(f"{display} 第 {rows[pos]} 行 {var}：校准变量缺失", mloc)
            frame[var] = s.astype(object)
    df = pd.DataFrame(frame, index=pd.RangeIndex(len(rows)))
    # the design
    notes: list[str] = []
    warn: list[str] = []
    try:
        design = survey.Design(
            df,
            weights=weights,
            strata=d.strata,
            cluster=d.cluster,
            fpc=fpc,
            lonely_psu=d.lonely_psu or "fail",
            nest=d.nest,
        )
    except ValueError as exc:
        msg = str(exc).replace("有限总体校正列 __fpc", f"有限总体校正列 {d.fpc}")
        raise _err(f"{display}：{msg}", (*loc, "design")) from None
    if spec.calibration is not None:
        cal = spec.calibration
        margins = {
            var: {str(k).strip(): v for k, v in pop.items()} for var, pop in cal.margins.items()
        }
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if cal.method == "rake":
                    design = design.rake(margins)
                else:
                    ((var, pop),) = margins.items()
                    design = design.poststratify(var, pop)
            except ValueError as exc:
                raise _err(f"{display}：{exc}", (*loc, "calibration", "margins")) from None
        warn.extend(str(w.message) for w in caught)
    if d.trim is not None:
        try:
            design = design.trim(d.trim.lower, d.trim.upper)
        except ValueError as exc:
            raise _err(f"{display}：{exc}", (*loc, "design", "trim")) from None
    if d.variance != "taylor":
        try:
            design = (
                design.bootstrap(d.replicates, seed=d.seed)
                if d.variance == "bootstrap"
                else design.jackknife()
            )
        except ValueError as exc:
            raise _err(f"{display}：{exc}", (*loc, "design", "variance")) from None
    df["__w"] = design.weights
    design = design._derive(_data=df.copy(deep=False))
    dims: dict[str, list[str]] = {}
    for it in spec.items:
        if it.dimension:
            dims.setdefault(it.dimension, []).append(it.column)
    if spec.satisfied is not None:
        sat = tuple(sorted(spec.satisfied))
    else:
        sat = tuple(v for v in range(lo, hi + 1) if v > (lo + hi) / 2)
    reverse = [it.column for it in spec.items if it.reverse]
    if reverse:
        notes.append(
            "反向计分题已按 最小+最大−原值 重新编码后再分析："
            + "、".join(labels[c] for c in reverse)
        )
    counts = pd.DataFrame(count_rows)
    return Prepared(
        spec=spec,
        frame=df,
        raw_items=pd.DataFrame(raw, index=df.index),
        design=design,
        items=items,
        labels=labels,
        dimensions=dims,
        reverse=reverse,
        importance=importance,
        counts=counts,
        file=display,
        sha256=table.sha256,
        encoding=table.encoding,
        n=len(df),
        dropped=tuple(spec.drop),
        scale=(lo, hi),
        satisfied=sat,
        level_labels=level_labels,
        na_labels=na_text,
        notes=tuple(notes),
        warnings=tuple(warn),
    )


def satisfaction_table(prep: Prepared, by: str | None = None):
    """:func:`methods.survey.satisfaction_index` of a prepared survey (design-based)."""
    from methods import survey

    spec = prep.spec
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return survey.satisfaction_index(
            prep.frame,
            prep.items,
            method=spec.method,
            scale=prep.scale,
            satisfied_levels=prep.satisfied,
            points=spec.points,
            design=prep.design,
            by=by,
            dimensions=prep.dimensions or None,
            na_values=(),
            pooling=spec.pooling,
            conf_level=spec.conf_level,
        )


def design_label(prep: Prepared) -> str:
    """Short Chinese description of the design for a score reason, e.g. 按镇街道分层加权."""
    d = prep.spec.design
    parts = []
    if d.strata:
        parts.append(f"按{d.strata}分层")
    if d.cluster:
        parts.append(f"按{d.cluster}整群抽样")
    text = "、".join(parts) or "简单随机抽样"
    if d.weights:
        text += "加权" if text.endswith("分层") else "，加权"
    if prep.spec.calibration is not None:
        how = "耙式调整" if prep.spec.calibration.method == "rake" else "后分层"
        text += f"，{how}至已知总体结构（{'、'.join(prep.spec.calibration.margins)}）"
    if d.fpc:
        text += "，有限总体校正"
    if d.variance != "taylor":
        text += "，" + ("自助法" if d.variance == "bootstrap" else "刀切法") + "方差"
    return text


_SHORT_METHOD = {
    "rate": "满意率",
    "likert_points": "加权满意度指数",
    "rescaled": "满意度指数（0–100）",
}


# ---------------------------------------------------------------------------------------------
# The link to scoring


@dataclass(frozen=True)
class IndicatorValue:
    """A 满意度 indicator's actual value from a survey."""

    value: float
    basis: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    source: str


def _relative(case: Case, path: Path) -> str:
    base = case.base_dir.resolve()
    return os.path.relpath(path.resolve(), base).replace(os.sep, "/")


def _parse_ref(ref: Any, loc: tuple) -> SurveyRef | InlineSurvey:
    if not isinstance(ref, Mapping):
        raise CaseError("survey 应为映射：{case: 满意度调查案例文件} 或内联的调查设置", field=loc)
    model = SurveyRef if "case" in ref else InlineSurvey
    try:
        return model.model_validate(dict(ref))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        path = _field_path(tuple(err["loc"]), ref)
        if model is InlineSurvey and err["type"] == "missing" and path == ("data",):
            raise CaseError(
                "survey 需要 case（满意度调查案例文件）或 data + items（内联调查）",
                field=loc,
            ) from None
        raise CaseError(_pydantic_message(err, model, path), field=(*loc, *path)) from None


def _ref_case(case: Case, ref: SurveyRef, loc: tuple) -> SatisfactionCase:
    from methods.casefile import load_case, resolve_data_path

    path = resolve_data_path(case, ref.case, (*loc, "case"))
    try:
        other = load_case(path, deep=False, display=ref.case)
    except CaseError as exc:
        raise CaseError(
            f"引用的满意度调查案例有误：{exc.format().splitlines()[0]}",
            field=(*loc, "case"),
            hint=exc.hint,
        ) from None
    if not isinstance(other, SatisfactionCase):
        raise CaseError(
            f"{ref.case} 不是满意度调查案例（evaluation: {other.evaluation}）",
            field=(*loc, "case"),
            hint="被引用的案例文件应为 evaluation: satisfaction",
        )
    return other


def _in_context(exc: CaseError, case: Case) -> CaseError:
    """A CaseError of a referenced case with that case's file, field label and line."""
    if not isinstance(exc.field, tuple):
        return exc
    return CaseError(
        exc.message,
        file=case.source,
        field=field_label(exc.field, case.raw),
        line=_line_for(exc.field, case._lines),
        hint=exc.hint,
    )


def indicator_data(case: Case, ref: dict, loc: tuple) -> list[tuple[tuple, str, bool]]:
    """(field path, data path relative to ``case``'s folder, is_private) of the files a 满意度
    indicator's survey reads: the referenced satisfaction case file (not private) and its
    respondent file (private), or the inline spec's respondent file (private)."""
    spec = _parse_ref(ref, loc)
    if isinstance(spec, InlineSurvey):
        return [((*loc, "data"), spec.data, True)]
    out = [((*loc, "case"), spec.case, False)]
    path = case.resolve(spec.case)
    if not path.is_file():
        return out  # reported as a missing data file by the case checks
    other = _ref_case(case, spec, loc)
    for _, value in other.data_paths():
        out.append(((*loc, "case"), _relative(case, other.resolve(value)), True))
    return out


def indicator_value(case: Case, ref: dict, loc: tuple) -> IndicatorValue:
    """The satisfaction index (0–100, on the indicator's % scale) of a 满意度 indicator, with the
    basis shown in the score reason (index, confidence interval, valid sample, design)."""
    spec = _parse_ref(ref, loc)
    if isinstance(spec, InlineSurvey):
        survey_spec = SurveySpec.model_validate(spec.model_dump(exclude={"dimension"}))
        prep = prepare(survey_spec, case, loc, strict=False)
        source = "内联调查"
        dimension = spec.dimension
        dim_loc = (*loc, "dimension")
    else:
        other = _ref_case(case, spec, loc)
        try:
            prep = prepare(other.survey, other, ("survey",), strict=True)
        except CaseError as exc:
            inner = _in_context(exc, other)
            raise CaseError(
                f"引用的满意度调查有误：{inner.format().splitlines()[0]}",
                field=(*loc, "case"),
                hint=inner.hint,
            ) from None
        source = spec.case
        dimension = spec.dimension
        dim_loc = (*loc, "dimension")
    key = ("index", prep.sha256, prep.spec.model_dump_json(), dimension)
    res = _cache_get(key)
    if res is None:
        try:
            res = _cache_put(key, satisfaction_table(prep))
        except ValueError as exc:
            raise CaseError(f"满意度指数无法计算：{exc}", field=loc) from None
    t = res.table
    if dimension is None:
        row = t[t["level"] == "overall"].iloc[0]
    else:
        sel = t[(t["level"] == "dimension") & (t["name"] == dimension)]
        if sel.empty:
            have = "、".join(prep.dimensions) or "（调查未划分维度）"
            raise CaseError(f"调查中没有维度 '{dimension}'（现有：{have}）", field=dim_loc)
        row = sel.iloc[0]
    est, lo, hi = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
    if not math.isfinite(est):
        raise CaseError("满意度调查没有有效回答，无法计算满意度", field=loc)
    what = _SHORT_METHOD[prep.spec.method] + (f"（{dimension}）" if dimension else "")
    pct = fmt.num(prep.spec.conf_level * 100)
    basis = (
        f"满意度调查（{source}）：{what} {fmt.num(est)}%（{pct}% 置信区间 "
        f"{fmt.num(max(lo, 0.0))}%–{fmt.num(min(hi, 100.0))}%，有效样本 {int(row['n_respondents'])}，"
        f"设计：{design_label(prep)}）"
    )
    return IndicatorValue(
        value=fmt.round_half_up(est, 2),
        basis=basis,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        n=int(row["n_respondents"]),
        source=source,
    )


# ---------------------------------------------------------------------------------------------
# The whole analysis of a satisfaction case


@dataclass(frozen=True)
class SatisfactionAnalysis:
    """Everything the satisfaction report shows (aggregates only)."""

    prepared: Prepared
    index: Any  # survey.SatisfactionResult
    by_group: dict[str, pd.DataFrame]
    group_counts: dict[str, pd.DataFrame]
    alpha: Any
    alpha_dimensions: dict[str, Any]
    alpha_unrecoded: Any
    omega: Any
    kmo: Any
    bartlett: Any
    efa: Any
    suspicious_reverse: list[str]
    ipa: pd.DataFrame | None
    comparisons: list[Any]
    ordinal: pd.DataFrame | None
    sample: dict[str, Any]
    indicator: dict[str, Any] | None
    conclusions: dict[str, list[str]]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: dict[str, str] = field(default_factory=dict)
    withheld: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def overall(self) -> pd.Series:
        t = self.index.table
        return t[t["level"] == "overall"].iloc[0]

    def to_dict(self) -> dict[str, Any]:
        """The ``survey`` block of results.json (JSON-ready; aggregates only)."""
        p = self.prepared
        ov = self.overall
        out: dict[str, Any] = {
            "data": {
                "file": p.file,
                "sha256": p.sha256,
                "encoding": p.encoding,
                "respondents": p.n,
                "dropped_columns": list(p.dropped),
                "archived": False,
            },
            "design": {**p.design.to_dict(), "description": p.design.describe()},
            "method": p.spec.method,
            "method_label": self.index.method_label,
            "scale": list(p.scale),
            "satisfied_levels": list(p.satisfied),
            "points": self.index.to_dict()["points"],
            "pooling": p.spec.pooling,
            "conf_level": p.spec.conf_level,
            "index": {
                "estimate": float(ov["estimate"]),
                "se": float(ov["se"]),
                "ci_low": float(ov["ci_low"]),
                "ci_high": float(ov["ci_high"]),
                "n_respondents": int(ov["n_respondents"]),
                "n_valid": int(ov["n_valid"]),
                "n_excluded": int(ov["n_excluded"]),
            },
            "table": self.index.to_dict()["table"],
            "item_counts": p.counts.to_dict("records"),
            "reverse_items": list(p.reverse),
            "by_group": {g: t.to_dict("records") for g, t in self.by_group.items()},
            "group_counts": {g: t.to_dict("records") for g, t in self.group_counts.items()},
            "group_missing": {g: t.attrs.get("missing", 0) for g, t in self.group_counts.items()},
            "disclosure": {
                "min_cell": p.spec.min_cell,
                "rule": "受访者少于 min_cell 人的分组不报告估计（最小单元规则），"
                "并互补隐藏另一分组；总体结果包含全部受访者",
                "withheld_groups": {g: list(v) for g, v in self.withheld.items() if v},
            },
            "reliability": {
                "alpha": _maybe(self.alpha),
                "alpha_dimensions": {k: _maybe(v) for k, v in self.alpha_dimensions.items()},
                "alpha_without_recoding": _maybe(self.alpha_unrecoded),
                "omega": _maybe(self.omega),
                "kmo": _maybe(self.kmo),
                "bartlett": _maybe(self.bartlett),
                "efa": _maybe(self.efa),
                "suspicious_reverse_items": list(self.suspicious_reverse),
                "skipped": dict(self.skipped),
            },
            "ipa": None if self.ipa is None else self.ipa.to_dict("records"),
            "ipa_settings": None
            if self.ipa is None
            else {k: v for k, v in self.ipa.attrs.items() if k != "scale"},
            "comparisons": [
                _suppress(c.to_dict(), self.withheld.get(c.group, ()), p.spec.min_cell)
                for c in self.comparisons
            ],
            "ordinal_logit": None if self.ordinal is None else self.ordinal.to_dict("records"),
            "sample_size": self.sample,
            "indicator": self.indicator,
            "conclusions": self.conclusions,
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
        return _json(out)


def _suppress(d: dict[str, Any], withheld: tuple[str, ...], min_n: int) -> dict[str, Any]:
    """Per-group rows of a comparison of a withheld group or with fewer than ``min_n``
    respondents lose their estimates (a group of one would disclose that respondent's answer).
    Withheld groups are left out of the comparisons already; this is the last guard."""
    rows = []
    for r in d.get("table", []):
        if str(r.get(d.get("group"))) in withheld or (r.get("n") or 0) < min_n:
            r = {**r, "estimate": None, "se": None, "ci_low": None, "ci_high": None}
            r["suppressed"] = True
        rows.append(r)
    return {**d, "table": rows}


def withhold(t: pd.DataFrame, min_cell: int) -> pd.Series:
    """Why each row of a by-group table is withheld: ``min_cell``, ``complementary`` or None.

    Statistical disclosure control of the group breakdowns (the threshold rule with secondary
    suppression; Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, on tabular
    data): a cell estimated from fewer than ``min_cell`` respondents is not published (a group
    of one is that respondent's answer; an empty cell has no estimate and is not withheld).
    Since the totals are published (overall, each dimension, each group), a line of the table with a single withheld cell would give it away
    by subtraction, so the smallest other cell of that line is withheld too: across the groups
    for the overall index and for each dimension, and across the dimensions within a group. A
    group whose overall index is withheld is withheld as a whole. Totals are never changed.

    Parameters
    ----------
    t : DataFrame
        ``group``, ``level`` (``overall`` / ``dimension``), ``name``, ``n_respondents``.
    min_cell : int
    """
    n = t["n_respondents"].to_numpy(dtype=float)
    primary = (n > 0) & (n < min_cell)  # an empty cell has nothing to disclose
    hidden = primary.copy()
    overall = (t["level"] == "overall").to_numpy()
    group = t["group"].astype(str).to_numpy()
    name = t["name"].astype(str).to_numpy()
    every = np.ones(len(t), dtype=bool)
    while True:
        before = hidden.copy()
        hidden |= np.isin(group, group[overall & hidden])
        hidden |= _complement(hidden, n, name, every)
        hidden |= _complement(hidden, n, group, ~overall)
        if (hidden == before).all():
            break
    reason = np.where(primary, "min_cell", np.where(hidden, "complementary", None))
    return pd.Series(reason, index=t.index, dtype=object)


def _complement(hidden: np.ndarray, n: np.ndarray, key: np.ndarray, among: np.ndarray):
    """Rows to withhold so that no line (rows of one ``key`` value, among ``among``) has exactly
    one withheld cell: the smallest other cell of such a line. Empty cells (no respondent, no
    estimate) neither need nor give protection and are left out."""
    df = pd.DataFrame({"key": key, "hidden": hidden, "n": n})[among & (n > 0)]
    per = df.groupby("key", sort=False)["hidden"].agg(["sum", "size"])
    lone = per.index[(per["sum"] == 1) & (per["size"] >= 2)]
    cand = df[df["key"].isin(lone) & ~df["hidden"]]
    pick = cand.sort_values("n", kind="stable").groupby("key", sort=False).head(1).index
    out = np.zeros(len(hidden), dtype=bool)
    out[pick.to_numpy()] = True
    return out


def _maybe(x: Any) -> Any:
    return None if x is None else x.to_dict()


def _respondent_scores(prep: Prepared) -> np.ndarray:
    """Each respondent's mean item score on the index's 0–100 scale (NaN without answers)."""
    x = prep.frame[prep.items].to_numpy(dtype=float)
    lo, hi = prep.scale
    spec = prep.spec
    if spec.method == "rate":
        s = np.where(np.isin(x, prep.satisfied), 100.0, 0.0)
    elif spec.method == "likert_points":
        from methods.survey import DEFAULT_POINTS_1_5

        pts = spec.points or DEFAULT_POINTS_1_5
        lut = np.array([pts.get(v, np.nan) for v in range(lo, hi + 1)], dtype=float)
        s = lut[np.nan_to_num(x - lo, nan=0).astype(int)]
    else:
        s = (x - lo) / (hi - lo) * 100.0
    s = np.where(np.isnan(x), np.nan, s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(s, axis=1)


def _try(skipped: dict[str, str], name: str, fn, *args, **kwargs):
    """An optional part of the report (reliability, IPA, a test, a model): when the data do not
    allow it, the reason is recorded in ``skipped`` and shown instead of stopping the report."""
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError, PerfectSeparationError) as exc:
            skipped[name] = str(exc) or type(exc).__name__
            return None


def check(case: SatisfactionCase) -> list[str]:
    """Deep validation of a satisfaction case (``jixiao validate``): the data file, every
    answer, the design and the indices; the slower reliability, IPA and model fits are left to
    :func:`analyse` (their failures are reported in the report, not as bad input)."""
    prep = prepare(case.survey, case, ("survey",), strict=True)
    _ipa_method(case, prep)
    for by in (None, *case.survey.groups):
        try:
            satisfaction_table(prep, by=by)
        except ValueError as exc:
            raise CaseError(f"满意度指数无法计算：{exc}", field=("survey",)) from None
    return list(prep.warnings)


def _ipa_method(case: SatisfactionCase, prep: Prepared) -> str | None:
    method = case.ipa.importance
    if method is None:
        if prep.importance:
            return "stated"
        return "derived_correlation" if prep.spec.overall is not None else None
    if method == "stated" and not prep.importance:
        raise CaseError(
            "IPA 选择了陈述重要性（stated），但题目都没有 importance 列",
            field=("ipa", "importance"),
        )
    if method != "stated" and prep.spec.overall is None:
        raise CaseError(
            f"IPA 的 {method} 需要总体满意度题目 survey.overall", field=("ipa", "importance")
        )
    return method


def analyse(case: SatisfactionCase) -> SatisfactionAnalysis:
    """The complete satisfaction analysis of a case (cached per data file and spec).

    Raises
    ------
    CaseError
        Bad spec or data (file, column and row named).
    """
    if not isinstance(case, SatisfactionCase):
        raise TypeError("analyse() needs a satisfaction case (evaluation: satisfaction)")
    prep = prepare(case.survey, case, ("survey",), strict=True)
    opts = (
        case.reliability.model_dump_json(),
        case.ipa.model_dump_json(),
        None if case.indicator is None else case.indicator.model_dump_json(),
        None if case.conclusions is None else case.conclusions.model_dump_json(),
    )
    key = ("analyse", prep.sha256, prep.spec.model_dump_json(), opts)
    hit = _cache_get(key)
    if hit is not None:
        return hit
    return _cache_put(key, _analyse(case, prep))


def _analyse(case: SatisfactionCase, prep: Prepared) -> SatisfactionAnalysis:
    from methods import reliability, survey

    spec = prep.spec
    notes = list(prep.notes)
    warn = list(prep.warnings)
    skipped: dict[str, str] = {}
    try:
        index = satisfaction_table(prep)
    except ValueError as exc:
        raise CaseError(f"满意度指数无法计算：{exc}", field=("survey",)) from None
    notes.extend(index.notes)
    # groups: counts, weighted shares and indices (small groups suppressed)
    w = prep.frame["__w"].to_numpy(dtype=float)
    by_group: dict[str, pd.DataFrame] = {}
    group_counts: dict[str, pd.DataFrame] = {}
    withheld: dict[str, tuple[str, ...]] = {}
    for g in spec.groups:
        col = prep.frame[g]
        known = col.notna().to_numpy()
        cnt = col[known].value_counts().sort_index()
        wsum = pd.Series(w[known]).groupby(col[known].to_numpy()).sum()
        gc = pd.DataFrame(
            {
                "group": [str(k) for k in cnt.index],
                "n": cnt.to_numpy(dtype=int),
                "share": cnt.to_numpy() / cnt.sum(),
                "weighted_share": (wsum.reindex(cnt.index) / wsum.sum()).to_numpy(),
            }
        )
        missing_n = int((~known).sum())
        gc.attrs["missing"] = missing_n
        group_counts[g] = gc
        try:
            res = satisfaction_table(prep, by=g)
        except ValueError as exc:
            skipped[f"by:{g}"] = str(exc)
            counts = pd.DataFrame(
                {"group": gc["group"], "level": "overall", "name": "总体", "n_respondents": gc["n"]}
            )
            reason = withhold(counts, spec.min_cell)
            withheld[g] = tuple(gc.loc[reason.notna().to_numpy(), "group"])
            gc["suppressed"] = reason.notna().to_numpy()
            continue
        t = res.table[res.table["level"] != "item"].copy()
        t = t.rename(columns={g: "group"})
        t["group"] = t["group"].astype(str)
        reason = withhold(t, spec.min_cell)
        hidden = reason.notna().to_numpy()
        t["suppressed"] = hidden
        t["suppressed_reason"] = reason
        if spec.design.cluster:
            n_psu = prep.frame.groupby(g)[spec.design.cluster].nunique()
            n_psu.index = n_psu.index.astype(str)
            t["n_psu"] = t["group"].map(n_psu).fillna(0).astype(int)
        t.loc[hidden, ["estimate", "se", "ci_low", "ci_high"]] = np.nan
        by_group[g] = t.reset_index(drop=True)
        withheld[g] = tuple(t.loc[hidden & (t["level"] == "overall").to_numpy(), "group"])
        gc["suppressed"] = gc["group"].isin(withheld[g]).to_numpy()
    if any(withheld.values()):
        notes.append(
            f"统计披露控制：受访者少于 {spec.min_cell} 人的分组不报告满意度估计（最小单元规则），"
            "并相应隐藏另一分组（互补隐藏），以免由总体结果反推；组间检验和有序 logit 模型中"
            f"这些分组合并为“{MERGED_GROUPS}”（合并后仍少于 {spec.min_cell} 人则不纳入）。"
            "总体、维度和题目的结果包含全部受访者。"
        )
    # reliability and validity on the recoded items
    rel = case.reliability
    X = prep.frame[prep.items]
    missing = rel.missing
    alpha = _try(
        skipped,
        "alpha",
        reliability.cronbach_alpha,
        X,
        missing=missing,
        ci_method=rel.ci_method,
        seed=rel.seed,
    )
    alpha_dims = {}
    for name, cols in prep.dimensions.items():
        if len(cols) >= 2:
            a = _try(skipped, f"alpha:{name}", reliability.cronbach_alpha, X[cols], missing=missing)
            if a is not None:
                alpha_dims[name] = a
    alpha_unrecoded = None
    if prep.reverse:
        alpha_unrecoded = _try(
            skipped, "alpha_unrecoded", reliability.cronbach_alpha, prep.raw_items, missing=missing
        )
    suspicious: list[str] = []
    found = _try(skipped, "detect_reverse", reliability.detect_reverse_items, X, missing=missing)
    for c in found or []:
        suspicious.append(c)
        warn.append(
            f"题目“{prep.labels[c]}”（{c}）与其余题目总分负相关"
            + (
                "（已按反向题重新编码，请核对问卷方向）"
                if c in prep.reverse
                else "，可能是未标注的反向题"
            )
        )
    omega = kmo = bart = efa = None
    if len(prep.items) >= 3:
        omega = _try(skipped, "omega", reliability.mcdonald_omega, X, missing=missing)
        kmo = _try(skipped, "kmo", reliability.kmo, X, missing=missing)
        bart = _try(skipped, "bartlett", reliability.bartlett, X, missing=missing)
        rotation = None if rel.rotation == "none" else rel.rotation
        efa = _try(
            skipped,
            "efa",
            reliability.efa,
            X,
            n_factors=rel.n_factors,
            rotation=rotation,
            missing=missing,
            n_iter=500,
            seed=rel.seed,
        )
    else:
        skipped["efa"] = "题目少于 3 个，不做因子分析"
    if alpha is not None:
        if alpha.alpha < 0.6:
            warn.append(
                f"量表内部一致性偏低（α = {fmt.num(alpha.alpha, 3)} < 0.6），指数的解释需谨慎"
            )
        if alpha.n < 30:
            warn.append(f"信度分析只用了 {alpha.n} 位受访者（{missing} 删除），结果不稳定")
    # importance–performance analysis
    ipa_table = None
    method = _ipa_method(case, prep)
    if method is not None:
        perf = [c for c in prep.items if method != "stated" or c in prep.importance]
        ipa_table = _try(
            skipped,
            "ipa",
            survey.ipa,
            prep.frame,
            perf,
            importance={c: prep.importance[c] for c in perf} if method == "stated" else None,
            method=method,
            overall=spec.overall,
            crosshair=case.ipa.crosshair,
            scale=prep.scale,
            weights="__w",
            na_values=(),
        )
        if ipa_table is not None:
            ipa_table.insert(1, "label", [prep.labels[c] for c in ipa_table["item"]])
            if method == "stated" and len(perf) < len(prep.items):
                notes.append("IPA 只包含有重要性评分的题目")
    # group comparisons (design-based)
    comparisons = []
    scored = prep.frame.copy()
    scored["满意度得分"] = _respondent_scores(prep)
    if spec.overall is not None:
        ov = scored[spec.overall]
        scored["总体评价"] = np.where(
            ov.isna(), None, np.where(ov.isin(prep.satisfied), "满意", "不满意")
        )
        scored["总体评价"] = scored["总体评价"].astype(object)
    design2 = prep.design._derive(_data=scored.copy(deep=False))

    def shown_groups(frame: pd.DataFrame, g: str) -> pd.DataFrame:
        """``frame`` with the withheld groups of ``g`` merged into one category for the tests
        and the model (it is the total less the groups shown: nothing new), or left out when
        that category itself is smaller than ``min_cell``."""
        if not withheld.get(g):
            return frame
        col = frame[g]
        hidden = col.astype(str).isin(withheld[g]).to_numpy()
        merged = MERGED_GROUPS if hidden.sum() >= spec.min_cell else None
        return frame.assign(**{g: col.where(~hidden, merged)})

    for g in spec.groups:
        data_g = shown_groups(scored, g)
        c = _try(
            skipped,
            f"compare:{g}",
            survey.compare_groups,
            data_g,
            "满意度得分",
            g,
            design2,
            kind="numeric",
        )
        if c is not None:
            comparisons.append(c)
        if spec.overall is not None:
            c = _try(
                skipped,
                f"chisq:{g}",
                survey.compare_groups,
                data_g,
                "总体评价",
                g,
                design2,
                kind="categorical",
            )
            if c is not None:
                comparisons.append(c)
    ordinal = None
    if spec.overall is not None and spec.groups:
        model_data = prep.frame[[spec.overall, *spec.groups]].copy()
        model_data[spec.overall] = model_data[spec.overall].astype("Int64")  # levels 1…5, not 1.0
        for g in spec.groups:
            model_data = shown_groups(model_data, g)
        ordinal = _try(
            skipped,
            "ordinal_logit",
            survey.ordinal_logit,
            model_data,
            spec.overall,
            list(spec.groups),
            design=prep.design,
        )
    # sample size adequacy
    ov_row = index.table[index.table["level"] == "overall"].iloc[0]
    crit = float(survey._crit(spec.conf_level, None))
    achieved = crit * float(ov_row["se"])
    population = spec.population
    if population is None and spec.design.weights is not None:
        population = int(round(float(w.sum())))
    deff = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = prep.design._derive(_data=scored.copy(deep=False)).mean("满意度得分")
        deff = est.deff if est.deff is not None and math.isfinite(est.deff) else None
    except ValueError:
        deff = None
    need_srs = survey.sample_size(
        margin=spec.margin, confidence=spec.conf_level, population=population
    )
    need = survey.sample_size(
        margin=spec.margin,
        confidence=spec.conf_level,
        population=population,
        deff=max(deff or 1.0, 1.0),
    )
    sample = {
        "n": prep.n,
        "n_respondents": int(ov_row["n_respondents"]),
        "population": population,
        "margin_target": spec.margin,
        "required_srs": need_srs,
        "design_effect": deff,
        "required": need,
        "achieved_margin": achieved,
        "adequate": bool(achieved <= spec.margin * 100 + 1e-9),
    }
    if not sample["adequate"]:
        warn.append(
            f"满意度指数的误差范围 ±{fmt.num(achieved)} 个百分点，大于预定的"
            f" ±{fmt.num(spec.margin * 100)} 个百分点（按 p = 0.5 并考虑设计效应，需有效样本约 {need} 份）"
        )
    indicator = None
    if case.indicator is not None:
        from methods.survey import index_to_points

        ind = case.indicator
        est = fmt.round_half_up(float(ov_row["estimate"]), 2)
        indicator = {
            "name": ind.name,
            "weight": ind.weight,
            "target": ind.target,
            "actual": est,
            "ci_low": float(ov_row["ci_low"]),
            "ci_high": float(ov_row["ci_high"]),
            "points": index_to_points(est, ind.weight, ind.target),
            "points_ci": [
                index_to_points(max(float(ov_row["ci_low"]), 0.0), ind.weight, ind.target),
                index_to_points(max(float(ov_row["ci_high"]), 0.0), ind.weight, ind.target),
            ],
        }
    partial = SatisfactionAnalysis(
        prepared=prep,
        index=index,
        by_group=by_group,
        group_counts=group_counts,
        alpha=alpha,
        alpha_dimensions=alpha_dims,
        alpha_unrecoded=alpha_unrecoded,
        omega=omega,
        kmo=kmo,
        bartlett=bart,
        efa=efa,
        suspicious_reverse=suspicious,
        ipa=ipa_table,
        comparisons=comparisons,
        ordinal=ordinal,
        sample=sample,
        indicator=indicator,
        conclusions={},
        notes=tuple(dict.fromkeys(notes)),
        warnings=tuple(dict.fromkeys(warn)),
        skipped=skipped,
        withheld=withheld,
    )
    concl = _conclusions(partial, case)
    return SatisfactionAnalysis(**{**partial.__dict__, "conclusions": concl})


# ---------------------------------------------------------------------------------------------
# Conclusions


def _p(x: float) -> str:
    """A p-value for text: ``< 0.001`` or ``= 0.0123``."""
    return "< 0.001" if x < 0.001 else f"= {fmt.num(x, 4)}"


def _df(x: float) -> str:
    """Degrees of freedom without thousands separators (11, 464; 10.27, 4764.01)."""
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def _unit(prep: Prepared) -> str:
    return "%" if prep.spec.method == "rate" else " 分"


def _value(prep: Prepared, x: float) -> str:
    return fmt.num(x, 1) + _unit(prep)


def _conclusions(a: SatisfactionAnalysis, case: SatisfactionCase) -> dict[str, list[str]]:
    p = a.prepared
    t = a.index.table
    ov = a.overall
    what = _SHORT_METHOD[p.spec.method]
    pct = fmt.num(p.spec.conf_level * 100)
    achievements, problems, suggestions = [], [], []
    achievements.append(
        f"{what}为 {_value(p, ov['estimate'])}（{pct}% 置信区间 {_value(p, ov['ci_low'])}–"
        f"{_value(p, ov['ci_high'])}），有效受访者 {int(ov['n_respondents'])} 人。"
    )
    dims = t[t["level"] == "dimension"].sort_values("estimate", ascending=False)
    items = t[t["level"] == "item"].sort_values("estimate", ascending=False)
    if len(dims) >= 2:
        best = dims.iloc[0]
        achievements.append(f"各维度中“{best['name']}”评价最高（{_value(p, best['estimate'])}）。")
    if len(items):
        top = items.head(2)
        achievements.append(
            "评价最高的题目："
            + "、".join(
                f"“{p.labels[r['name']]}”（{_value(p, r['estimate'])}）" for _, r in top.iterrows()
            )
            + "。"
        )
    if a.indicator is not None:
        ind = a.indicator
        if ind["actual"] >= ind["target"]:
            achievements.append(
                f"达到满意度目标 {_value(p, ind['target'])}，{ind['name']}指标得满分 {fmt.num(ind['weight'])} 分。"
            )
        else:
            problems.append(
                f"{what} {_value(p, ind['actual'])} 未达到目标 {_value(p, ind['target'])}，"
                f"{ind['name']}指标得 {fmt.num(ind['points'])} 分（满分 {fmt.num(ind['weight'])} 分）。"
            )
            if ov["ci_high"] >= ind["target"]:
                problems.append("目标值在置信区间内，考虑抽样误差，尚不能认定与目标存在实质差距。")
    low_items = items.tail(2).iloc[::-1]
    if len(items) >= 3:
        problems.append(
            "评价最低的题目："
            + "、".join(
                f"“{p.labels[r['name']]}”（{_value(p, r['estimate'])}）"
                for _, r in low_items.iterrows()
            )
            + "。"
        )
    if len(dims) >= 2:
        worst = dims.iloc[-1]
        problems.append(f"各维度中“{worst['name']}”评价最低（{_value(p, worst['estimate'])}）。")
    for c in a.comparisons:
        if c.kind != "numeric" or not c.p_value < 0.05:
            continue
        bg = a.by_group.get(c.group)
        if bg is None:
            continue
        rows = bg[(bg["level"] == "overall") & ~bg["suppressed"]].sort_values("estimate")
        if len(rows) >= 2:
            lo_row = rows.iloc[0]
            problems.append(
                f"不同{c.group}之间满意度差异显著（设计 Wald 检验 p {_p(c.p_value)}），"
                f"{lo_row['group']}最低（{_value(p, lo_row['estimate'])}）。"
            )
            suggestions.append(
                f"对满意度较低的{c.group}（{'、'.join(rows['group'].head(2))}）开展回访，查找服务短板。"
            )
    if a.ipa is not None:
        conc = a.ipa[a.ipa["quadrant"] == "重点改进"]
        if len(conc):
            names = "、".join(f"“{x}”" for x in conc["label"])
            problems.append(f"重要性—表现分析显示 {names} 重要性高而表现偏低，属于重点改进区。")
            suggestions.append(f"把 {names} 作为下一年度的改进重点，设置可考核的改进目标。")
    counts = p.counts
    high_na = counts[counts["not_applicable"] / p.n >= 0.2]
    for _, r in high_na.iterrows():
        share = r["not_applicable"] / p.n * 100
        suggestions.append(
            f"“{r['label']}”有 {fmt.num(share, 1)}% 的受访者回答不了解或不适用，"
            "宜加强服务内容的宣传告知，并在下次调查中只向使用过该服务的对象提问。"
        )
    if a.alpha is not None and a.alpha.alpha < 0.7:
        suggestions.append("问卷内部一致性不够理想，下次调查前宜修订题目表述并做预调查。")
    if not a.sample["adequate"]:
        suggestions.append(
            f"下次调查有效样本宜不少于 {a.sample['required']} 份（±{fmt.num(p.spec.margin * 100)} 个百分点，"
            f"{pct}% 置信水平，已考虑设计效应）。"
        )
    if not suggestions:
        suggestions.append("保持现有服务水平，持续开展满意度跟踪调查。")
    if case.conclusions is not None:
        achievements += list(case.conclusions.achievements)
        problems += list(case.conclusions.problems)
        suggestions += list(case.conclusions.suggestions)
    return {
        "achievements": achievements,
        "problems": problems or ["未发现明显问题。"],
        "suggestions": suggestions,
    }


# ---------------------------------------------------------------------------------------------
# Report pieces (HTML, user text escaped) and charts


def _ci(p: Prepared, lo: float, hi: float) -> str:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "—"
    top = 100.0
    return f"{fmt.num(max(lo, 0.0), 1)}–{fmt.num(min(hi, top), 1)}"


def design_html(a: SatisfactionAnalysis):
    """调查设计 table: file (hash only), respondents, items, scale, design, method."""
    from methods.report import HTML, kv_table

    p = a.prepared
    spec = p.spec
    d = spec.design
    scale = f"{p.scale[0]}–{p.scale[1]}"
    if p.level_labels:
        scale += "（" + "，".join(f"{k} {v}" for k, v in sorted(p.level_labels.items())) + "）"
    codes = spec.na_codes or []
    na = (
        "，".join(f"{k} = {v}" for k, v in codes.items())
        if isinstance(codes, Mapping)
        else "、".join(map(str, codes))
    )
    na = (na + "；" if na else "") + "文字“" + "、".join(DEFAULT_NA_TEXT[:3]) + "”等"
    design_text = p.design.describe().replace("权重 __w", f"抽样权重（列“{d.weights}”）")
    if d.fpc:
        design_text = design_text.replace("有限总体校正：有", f"有限总体校正（列“{d.fpc}”）")
    pairs = [
        ("数据文件", f"{p.file}（{p.encoding}；SHA-256 {p.sha256[:16]}…）"),
        ("受访者", f"{p.n} 人"),
        (
            "题目",
            f"{len(p.items)} 个，{len(p.dimensions)} 个维度"
            if p.dimensions
            else f"{len(p.items)} 个",
        ),
        ("量表", scale),
        ("不了解/不适用代码", na + "（计为缺失，单独统计）"),
        ("抽样设计", design_text),
        (
            "权重校准",
            None
            if spec.calibration is None
            else ("耙式调整" if spec.calibration.method == "rake" else "后分层")
            + "至已知总体："
            + "；".join(
                f"{var}（" + "，".join(f"{k} {fmt.num(v)}" for k, v in pop.items()) + "）"
                for var, pop in spec.calibration.margins.items()
            ),
        ),
        ("满意度计算方法", a.index.method_label),
        ("方差与置信区间", f"{a.index.variance}；{fmt.num(spec.conf_level * 100)}% 置信区间"),
        ("已删除的个人信息列", "、".join(p.dropped) if p.dropped else None),
    ]
    note = (
        '<p class="jx-note">受访者数据含个人答卷，只在分析时读取：存档中仅保留其 SHA-256 哈希'
        "（provenance.json）和本报告中的汇总结果，不保留任何一行原始数据。</p>"
    )
    return HTML(kv_table(pairs) + note)


def sample_html(a: SatisfactionAnalysis):
    """Respondents by group (sample and weighted shares) and answers per item."""
    from methods.report import HTML, esc, html_table

    p = a.prepared
    parts = []
    for g, gc in a.group_counts.items():
        rows = [
            [
                r.group,
                int(r.n),
                fmt.num(r.share * 100, 1) + "%",
                fmt.num(r.weighted_share * 100, 1) + "%",
            ]
            for r in gc.itertuples()
        ]
        parts.append(f"<p>按{esc(g)}：</p>")
        parts.append(html_table(rows, [g, "样本数", "样本占比", "加权占比"], numeric=(1, 2, 3)))
        if gc.attrs.get("missing"):
            parts.append(f'<p class="jx-note">{esc(g)}未填写 {gc.attrs["missing"]} 人。</p>')
    rows = []
    for r in p.counts.itertuples():
        codes = "，".join(f"{k} {v}" for k, v in r.by_code.items()) if r.by_code else ""
        rows.append(
            [
                r.label,
                r.dimension or "—",
                "是" if r.reverse else "",
                r.valid,
                r.not_applicable,
                codes,
                r.blank,
                fmt.num(r.valid / p.n * 100, 1) + "%",
            ]
        )
    parts.append("<p>各题作答情况：</p>")
    parts.append(
        html_table(
            rows,
            ["题目", "维度", "反向题", "有效回答", "不了解/不适用", "其中", "未作答", "有效率"],
            numeric=(3, 4, 6, 7),
        )
    )
    if a.group_counts:
        parts.append(
            '<p class="jx-note">加权占比为按抽样权重（及校准）估计的总体结构；'
            "样本占比与之差别较大时，未加权的统计会有偏差。</p>"
        )
    return HTML("".join(parts))


def reliability_html(a: SatisfactionAnalysis):
    """α (overall, per dimension, Feldt CI), item statistics, ω, KMO, Bartlett, EFA."""
    from methods.report import HTML, bullet_list, esc, html_table

    p = a.prepared
    parts = []
    rows = []
    if a.alpha is not None:
        al = a.alpha
        rows.append(
            [
                "全部题目",
                al.k,
                al.n,
                fmt.num(al.alpha, 3),
                f"{fmt.num(al.ci[0], 3)}–{fmt.num(al.ci[1], 3)}",
            ]
        )
    for name, al in a.alpha_dimensions.items():
        rows.append(
            [
                name,
                al.k,
                al.n,
                fmt.num(al.alpha, 3),
                f"{fmt.num(al.ci[0], 3)}–{fmt.num(al.ci[1], 3)}",
            ]
        )
    if rows:
        how = (
            "列删除（只用全部题目都有效回答的受访者）"
            if p.spec and a.alpha is not None and a.alpha.missing == "listwise"
            else "成对删除（每对题目用都作答的受访者）"
        )
        parts.append(
            html_table(
                rows,
                ["量表", "题目数", "样本 n", "Cronbach's α", "95% 置信区间（Feldt）"],
                numeric=(1, 2, 3, 4),
            )
        )
        parts.append(
            f'<p class="jx-note">缺失与不适用回答不做插补，采用{how}；n 为实际使用的受访者数。'
            "α ≥ 0.8 良好，0.7–0.8 可接受，低于 0.6 应修订问卷（常用经验标准）。</p>"
        )
    if a.alpha is not None:
        st = a.alpha.item_stats
        irows = [
            [
                p.labels.get(r.item, r.item),
                fmt.num(r.mean, 2),
                fmt.num(r.sd, 2),
                fmt.num(r.item_total_r, 3),
                fmt.num(r.alpha_if_deleted, 3),
            ]
            for r in st.itertuples()
        ]
        parts.append("<p>题目统计（反向题已重新编码）：</p>")
        parts.append(
            html_table(
                irows,
                ["题目", "均值", "标准差", "校正题总相关", "删除该题后 α"],
                numeric=(1, 2, 3, 4),
            )
        )
    if a.alpha_unrecoded is not None:
        parts.append(
            f"<p>反向题：{esc('、'.join(p.labels[c] for c in p.reverse))}。若不重新编码，α 为 "
            f"{fmt.num(a.alpha_unrecoded.alpha, 3)}（反向题与总分负相关会压低甚至使 α 为负）；"
            f"重新编码后为 {fmt.num(a.alpha.alpha, 3) if a.alpha is not None else '—'}。</p>"
        )
    lines = []
    if a.omega is not None:
        lines.append(f"McDonald's ω（单因子模型，最小残差法）= {fmt.num(a.omega.omega, 3)}。")
    if a.kmo is not None:
        lines.append(f"KMO 抽样适合性 = {fmt.num(a.kmo.overall, 3)}（{a.kmo.label}）。")
    if a.bartlett is not None:
        b = a.bartlett
        pv = "< 0.001" if b.pvalue < 0.001 else f"= {fmt.num(b.pvalue, 3)}"
        lines.append(f"Bartlett 球形检验 χ²({b.df}) = {fmt.num(b.statistic, 2)}，p {pv}。")
    if lines:
        parts.append("<p>" + esc("".join(lines)) + "</p>")
    if a.efa is not None:
        e = a.efa
        cols = list(e.loadings.columns)
        erows = []
        for item, r in e.loadings.iterrows():
            erows.append(
                [p.labels.get(item, item), p.counts.set_index("item").loc[item, "dimension"] or "—"]
                + [fmt.num(v, 3) for v in r.to_numpy()]
                + [fmt.num(e.communalities[item], 3)]
            )
        src = "平行分析确定" if e.n_factors_source == "parallel_analysis" else "案例文件指定"
        rot = {
            "varimax": "最大方差正交旋转（varimax）",
            "promax": "promax 斜交旋转",
            "oblimin": "oblimin 斜交旋转",
            None: "不旋转",
        }[e.rotation]
        parts.append(
            f"<p>探索性因子分析：最小残差法提取 {e.n_factors} 个因子（{src}），{rot}，n = {e.n}；"
            f"累计方差解释率 {fmt.num(e.variance['cumulative'].iloc[-1] * 100, 1)}%。</p>"
        )
        parts.append(
            html_table(
                erows, ["题目", "预设维度", *cols, "共同度"], numeric=range(2, 3 + len(cols))
            )
        )
    skipped = {
        k: v for k, v in a.skipped.items() if k in ("alpha", "omega", "kmo", "bartlett", "efa")
    }
    if skipped:
        parts.append(
            '<p class="jx-note">未能计算：'
            + esc("；".join(f"{k}（{v}）" for k, v in skipped.items()))
            + "</p>"
        )
    rel_warn = [w for w in a.warnings if "负相关" in w or "一致性" in w or "信度" in w]
    if rel_warn:
        parts.append('<div class="jx-warn"><p>提示：</p>' + bullet_list(rel_warn) + "</div>")
    return HTML("".join(parts) or "<p>（无）</p>")


def index_html(a: SatisfactionAnalysis):
    """Indices overall, per dimension and per item with standard errors and CIs."""
    from methods.report import HTML, esc, html_table

    p = a.prepared
    t = a.index.table
    level = {"overall": "总体", "dimension": "维度", "item": "题目"}
    rows = []
    for r in t.itertuples():
        name = (
            "总体"
            if r.level == "overall"
            else (p.labels.get(r.name, r.name) if r.level == "item" else r.name)
        )
        rows.append(
            [
                level[r.level],
                name,
                fmt.num(r.estimate, 1),
                fmt.num(r.se, 2),
                _ci(p, r.ci_low, r.ci_high),
                r.n_respondents,
                r.n_valid,
                r.n_excluded,
            ]
        )
    head = f"<p>计算方法：{esc(a.index.method_label)}。"
    if p.spec.method == "rate":
        labs = "、".join(p.level_labels.get(v, str(v)) for v in p.satisfied)
        head += f"“满意”指回答 {esc(labs)}（等级 {'、'.join(map(str, p.satisfied))}）。"
    if p.spec.method == "likert_points":
        pts = a.index.points or {}
        head += (
            "等级赋分："
            + esc(
                "，".join(
                    f"{p.level_labels.get(k, k)} {fmt.num(v)}"
                    for k, v in sorted(pts.items(), reverse=True)
                )
            )
            + "。"
        )
    head += (
        "总体和维度指数按全部有效回答汇总（Σ 得分 / Σ 有效回答），不了解/不适用与未作答不计入分母；"
        f"标准误为{esc(a.index.variance)}。</p>"
    )
    table = html_table(
        rows,
        [
            "层次",
            "名称",
            "指数",
            "标准误",
            f"{fmt.num(p.spec.conf_level * 100)}% 置信区间",
            "受访者",
            "有效回答",
            "剔除",
        ],
        numeric=(2, 3, 4, 5, 6, 7),
    )
    notes = "".join(f'<p class="jx-note">{esc(n)}</p>' for n in a.notes)
    return HTML(head + table + notes)


def plot_index(a: SatisfactionAnalysis, ax=None):
    """Horizontal bars of the item (and dimension) indices with their confidence intervals."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    p = a.prepared
    t = a.index.table
    t = t[t["level"] != "overall"].iloc[::-1]
    names = [
        (p.labels.get(n, n) if lv == "item" else f"【{n}】")
        for n, lv in zip(t["name"], t["level"], strict=True)
    ]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.32 * len(t) + 1.4))
    colors = ["#2F6DB5" if lv == "item" else "#1b3f73" for lv in t["level"]]
    est = t["estimate"].to_numpy(dtype=float)
    err = np.vstack(
        [est - t["ci_low"].to_numpy(dtype=float), t["ci_high"].to_numpy(dtype=float) - est]
    )
    ax.barh(names, est, color=colors, height=0.6, xerr=np.abs(err), ecolor="#495057", capsize=2)
    ov = a.overall
    ax.axvline(
        float(ov["estimate"]),
        color="#c92a2a",
        lw=1,
        ls="--",
        label=f"总体 {fmt.num(ov['estimate'], 1)}",
    )
    if a.indicator is not None:
        ax.axvline(
            a.indicator["target"],
            color="#2b8a3e",
            lw=1,
            ls=":",
            label=f"目标 {fmt.num(a.indicator['target'])}",
        )
    ax.set_xlim(0, 105)
    ax.set_xlabel(
        _SHORT_METHOD[p.spec.method] + ("（%）" if p.spec.method == "rate" else "（0–100）")
    )
    ax.set_title("各维度与题目的满意度（误差线为置信区间）")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09 - 0.5 / max(len(t), 4)),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def groups_html(a: SatisfactionAnalysis):
    """Indices by group (small groups suppressed) and the design-based tests."""
    from methods.report import HTML, esc, html_table

    p = a.prepared
    parts = []
    pct = fmt.num(p.spec.conf_level * 100)
    clustered = bool(p.spec.design.cluster)
    m = p.spec.min_cell
    withheld_text = {
        "min_cell": f"（样本少于 {m}，不予显示）",
        "complementary": "（为防止推算小样本组，不予显示）",
    }
    for g, t in a.by_group.items():
        ov = t[t["level"] == "overall"]
        dims = list(p.dimensions)
        rows, few = [], []
        for grp in ov["group"]:
            sub = t[t["group"] == grp].set_index("name")
            r = sub.loc["总体"]
            psu = [int(r["n_psu"])] if clustered else []
            if r["suppressed"]:
                shown = [withheld_text[r["suppressed_reason"]], "—"]
                rows.append([grp, *shown, int(r["n_respondents"]), *psu] + ["—"] * len(dims))
                continue
            if clustered and r["n_psu"] < 5:
                few.append(str(grp))
            rows.append(
                [grp, fmt.num(r["estimate"], 1), _ci(p, r["ci_low"], r["ci_high"])]
                + [int(r["n_respondents"]), *psu]
                + [
                    "不予显示"
                    if d in sub.index and sub.loc[d, "suppressed"]
                    else (fmt.num(sub.loc[d, "estimate"], 1) if d in sub.index else "—")
                    for d in dims
                ]
            )
        head = [g, "总体指数", f"{pct}% 置信区间", "受访者"] + (["PSU 数"] if clustered else [])
        parts.append(f"<p>按{esc(g)}：</p>")
        parts.append(html_table(rows, head + dims, numeric=range(1, len(head) + len(dims))))
        if t["suppressed"].any():
            parts.append(
                f'<p class="jx-note">受访者少于 {m} 人的组（或维度）不报告满意度（统计披露控制的'
                "最小单元规则）；为免由总体结果反推，另一组（或维度）也相应不予显示。"
                "总体结果包含全部受访者。</p>"
            )
        if few:
            parts.append(
                f'<p class="jx-note">{esc("、".join(few))} 的受访者只来自不到 5 个{esc(p.spec.design.cluster)}'
                "（初级抽样单位），其标准误不稳定，置信区间仅供参考。</p>"
            )
    if a.comparisons:
        rows = []
        for c in a.comparisons:
            r = c.tests.loc[c.tests["test"] == c.primary].iloc[0]
            what = "满意度得分均值" if c.kind == "numeric" else "总体评价（满意/不满意）分布"
            dfs = _df(r["df1"]) + ("" if pd.isna(r["df2"]) else f", {_df(r['df2'])}")
            pv = "< 0.001" if r["p_value"] < 0.001 else fmt.num(r["p_value"], 4)
            rows.append(
                [
                    c.group,
                    what,
                    r["description"],
                    fmt.num(r["statistic"], 3),
                    dfs,
                    pv,
                    "差异显著" if r["p_value"] < 0.05 else "无显著差异",
                ]
            )
        parts.append("<p>组间差异检验（按抽样设计计算）：</p>")
        parts.append(
            html_table(
                rows,
                ["分组", "比较对象", "检验", "统计量", "自由度", "p 值", "结论（α = 0.05）"],
                numeric=(3, 5),
            )
        )
    if a.ordinal is not None:
        o = a.ordinal[a.ordinal["kind"] == "predictor"]
        rows = [
            [
                r.term,
                fmt.num(r.estimate, 3),
                fmt.num(r.odds_ratio, 3),
                f"{fmt.num(math.exp(r.ci_low), 3)}–{fmt.num(math.exp(r.ci_high), 3)}",
                "< 0.001" if r.p_value < 0.001 else fmt.num(r.p_value, 4),
            ]
            for r in o.itertuples()
        ]
        parts.append(
            f"<p>总体满意度的有序 logit 模型（比例优势模型，n = {a.ordinal.attrs.get('n')}，"
            + (
                "按抽样权重估计，标准误按抽样设计线性化计算）："
                if a.ordinal.attrs.get("weights") == "design"
                else "未加权）："
            )
            + "系数为正表示该组更倾向于给出更高的评价，各分组以第一个类别为参照。</p>"
        )
        parts.append(
            html_table(
                rows,
                ["变量 = 类别", "系数", "优势比 OR", "OR 的 95% 置信区间", "p 值"],
                numeric=(1, 2, 4),
            )
        )
    if not parts:
        parts.append("<p>案例文件未设置受访者分组（survey.groups），不做分组分析。</p>")
    return HTML("".join(parts))


def ipa_html(a: SatisfactionAnalysis):
    """IPA table and the crosshair used."""
    from methods.report import HTML, html_table

    if a.ipa is None:
        return HTML("<p>问卷没有重要性题目或总体满意度题目，不做重要性—表现分析。</p>")
    t = a.ipa
    how = {
        "stated": "受访者对各项的重要性评分（陈述重要性）",
        "derived_regression": "以总体满意度对各题回归的系数（推导重要性）",
        "derived_correlation": "各题与总体满意度的相关系数（推导重要性）",
    }[t.attrs["method"]]
    cross = "数据均值" if t.attrs["crosshair"] == "mean" else "量表中点"
    rows = [
        [r.label, fmt.num(r.performance, 2), fmt.num(r.importance, 3), r.quadrant]
        for r in t.itertuples()
    ]
    text = (
        f"<p>表现为各题的加权平均得分，重要性为{how}。象限分界取{cross}"
        f"（表现 {fmt.num(t.attrs['crosshair_performance'], 2)}，"
        f"重要性 {fmt.num(t.attrs['crosshair_importance'], 3)}）；"
        "分界位置会改变题目所在象限，故在此注明。</p>"
    )
    return HTML(text + html_table(rows, ["题目", "表现", "重要性", "象限"], numeric=(1, 2)))


def plot_ipa(a: SatisfactionAnalysis, ax=None):
    """The IPA scatter (methods.survey.plot_ipa) with the items' short texts."""
    import matplotlib.pyplot as plt

    from methods import survey

    t = a.ipa.copy()
    t.attrs = dict(a.ipa.attrs)
    t["item"] = t["label"]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.8, 5.4))
    ax.margins(x=0.18, y=0.14)  # room for the quadrant names in the corners
    return survey.plot_ipa(t, ax=ax)


def indicator_html(a: SatisfactionAnalysis):
    """The 满意度 indicator points and the sample-size check."""
    from methods.report import HTML, esc

    p = a.prepared
    s = a.sample
    pct = fmt.num(p.spec.conf_level * 100)
    parts = []
    if a.indicator is not None:
        ind = a.indicator
        unit = "%" if p.spec.method == "rate" else ""
        w, t, x = fmt.num(ind["weight"]), fmt.num(ind["target"]), fmt.num(ind["actual"])
        lo, hi = (fmt.num(v) for v in ind["points_ci"])
        parts.append(
            f"<p>{esc(ind['name'])}（{w} 分，目标值 {t}{unit}）按正向指标计分："
            f"得分 = min(实际值 / 目标值, 1) × 分值 = min({x} / {t}, 1) × {w} = "
            f"<b>{fmt.num(ind['points'])} 分</b>。"
            f"按满意度 {pct}% 置信区间的上下限计，得分在 {lo}–{hi} 分之间。</p>"
        )
    else:
        parts.append("<p>案例文件未设置指标换算（indicator），此处只报告满意度指数。</p>")
    pop = f"总体规模约 {fmt.num(s['population'], 0)}，" if s["population"] else ""
    deff = f"设计效应 {fmt.num(s['design_effect'], 2)}，" if s["design_effect"] else ""
    parts.append(
        f"<p>样本量评估：{pop}按允许误差 ±{fmt.num(s['margin_target'] * 100)} 个百分点、{pct}% 置信水平、"
        f"p = 0.5 估算，简单随机抽样需有效样本 {s['required_srs']} 份；{deff}考虑抽样设计后需 {s['required']} 份。"
        f"本次有效受访者 {s['n_respondents']} 人，满意度指数的实际误差范围为 "
        f"±{fmt.num(s['achieved_margin'], 2)} 个百分点（置信区间半宽），"
        + ("达到预定精度。" if s["adequate"] else "未达到预定精度。")
        + "</p>"
    )
    parts.append(
        '<p class="jx-note">本报告不单独给出总分和等级：满意度调查的结果作为项目（部门）绩效评价中'
        "“满意度”指标的实际值，在相应评价报告中计分（见上述换算）。</p>"
    )
    return HTML("".join(parts))


def conclusions_html(a: SatisfactionAnalysis):
    """主要成效 / 存在问题 / 改进建议 (automatic findings plus the evaluator's)."""
    from methods.report import conclusion_lists_html

    c = a.conclusions
    return conclusion_lists_html(c)


def warnings_html(a: SatisfactionAnalysis):
    from methods.report import HTML, bullet_list

    if not a.warnings:
        return HTML("")
    return HTML('<div class="jx-warn"><p>提示：</p>' + bullet_list(a.warnings) + "</div>")
