"""Indicator library (指标库): common default performance indicators by sector, shipped as data.

The library lives in ``methods/_data/indicators/*.yaml`` (one file per sector, described in the
``README.md`` there). The indicators are **common defaults to adapt** (参考指标，非官方清单): their
names, formulas, sources and typical targets follow common practice and are not checked against
official lists (status practice/unverified, stated in every file).

Public API:

- :func:`load` — every indicator as a DataFrame (cached, validated on load).
- :func:`sectors` — the sector names, in library order.
- :func:`search` — Chinese substring search over code, name, keywords, level-2 name, definition.
- :func:`get` — one indicator as a dict (:class:`IndicatorNotFound`, a KeyError, when unknown).
- :func:`describe` — a multi-line Chinese description of one indicator (for ``indicators show``).
- :func:`to_case_indicator` — a case-file indicator mapping (name, levels, rule, unit …) to be
  completed with ``weight``, ``target``, ``actual``.
- :func:`expand_reference` — resolve ``{ref: CODE, ...}`` entries of a case file's ``indicators``.
- :func:`read_library` — read and validate a folder of indicator files (uncached; for tests and
  for checking a local library before adding it).

Examples
--------
>>> from methods import indicators
>>> indicators.get("GX-G-002")["name"]
'预算执行率'
>>> indicators.expand_reference({"ref": "GX-G-002", "weight": 5})["derive"]
'execution_rate'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from methods import _yaml
from methods._resources import data_path, load_yaml
from methods.scoring import DERIVED_ACTUALS, RULES, VARIANTS

DATA_SUBDIR = "indicators"

# Level-1 indicators → (code letter, allowed level-2 names). Project indicators use 产出 / 效益 /
# 满意度 (财预〔2020〕10号 and the 自评表), common process indicators 决策 / 过程, department-overall
# indicators the six dimensions of 武发〔2020〕48号 (letter B).
LEVELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "决策": ("J", ("项目立项", "绩效目标", "资金投入")),
    "过程": ("G", ("资金管理", "组织实施")),
    "产出": ("C", ("产出数量", "产出质量", "产出时效", "产出成本")),
    "效益": ("X", ("经济效益", "社会效益", "生态效益", "可持续影响")),
    "满意度": ("M", ("服务对象满意度",)),
    "运行成本": ("B", ("成本控制",)),
    "管理效率": ("B", ("预算管理", "财务管理", "资产管理", "监督整改")),
    "履职效能": ("B", ("重点工作", "职责履行")),
    "社会效应": ("B", ("社会效益", "经济效益", "生态效益")),
    "可持续发展能力": ("B", ("能力建设",)),
    "服务对象满意度": ("B", ("服务对象满意度",)),
}
STANDARDS = ("计划标准", "行业标准", "历史标准", "其他标准")
DIRECTIONS = ("正向", "反向", "区间", "定性", "等于")
# The direction each rule (and deduction variant) expresses.
_RULE_DIRECTIONS = {
    "positive": ("正向",),
    "reverse": ("反向",),
    "equal": ("等于",),
    "range": ("区间",),
    "qualitative": ("定性",),
    "checklist": ("定性",),
    ("deduction", "over"): ("反向",),
    ("deduction", "under"): ("正向",),
}
CODE_PATTERN = re.compile(r"^([A-Z]{2})-([A-Z])-(\d{3})$")

REQUIRED = (
    "code",
    "name",
    "level1",
    "level2",
    "definition",
    "formula",
    "unit",
    "direction",
    "rule",
    "source",
    "standard",
)
OPTIONAL = (
    "sector",
    "variant",
    "points_per_unit",
    "typical_target",
    "keywords",
    "policy_basis",
    "checkpoints",
    "derive",
    "note",
)
FILE_KEYS = ("sector", "prefix", "order", "aliases", "status", "indicators")
COLUMNS = [
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
    "keywords",
    "policy_basis",
    "checkpoints",
    "derive",
    "note",
    "file",
]
# Fields a case-file indicator takes from the library (methods.casefile.Indicator), in order.
CASE_FIELDS = (
    "code",
    "name",
    "level1",
    "level2",
    "rule",
    "unit",
    "variant",
    "points_per_unit",
    "derive",
    "source",
    "standard",
)

_MATCH_LABELS = {
    0: "代码",
    1: "名称（完全一致）",
    2: "名称",
    3: "关键词",
    4: "二级指标",
    5: "指标解释",
    6: "领域",
}


class IndicatorNotFound(KeyError):
    """Unknown indicator code; ``str()`` gives the plain Chinese message (not a quoted repr)."""

    def __init__(self, message: str, code: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.suggestions = suggestions

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------
# Reading and validating


class _Library:
    """The parsed library: records by code (in file order), sector metadata, the DataFrame."""

    def __init__(self, records: list[dict[str, Any]], sectors: list[dict[str, Any]]) -> None:
        self.records = records
        self.by_code = {r["code"]: r for r in records}
        self.sectors = sectors
        self.frame = pd.DataFrame(records, columns=COLUMNS)


def _fail(file: str, code: str | None, message: str) -> ValueError:
    where = f"指标库文件 {file}" + (f"，指标 {code}" if code else "")
    return ValueError(f"{where}：{message}")


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_indicator(raw: Any, file: str, meta: Mapping[str, Any], index: int) -> dict[str, Any]:
    """Validate one indicator mapping of a file and return its record (library columns)."""
    if not isinstance(raw, Mapping):
        raise _fail(file, None, f"第 {index + 1} 个指标应为映射（字段: 值）")
    code = raw.get("code")
    label = str(code) if code is not None else f"第 {index + 1} 个指标"

    def fail(message: str) -> ValueError:
        return _fail(file, label, message)

    unknown = [k for k in raw if k not in REQUIRED and k not in OPTIONAL]
    if unknown:
        raise fail(f"未知字段 {unknown[0]!r}（可用字段：{'、'.join(REQUIRED + OPTIONAL)}）")
    for key in REQUIRED:
        if key not in raw or raw[key] is None:
            raise fail(f"缺少必填字段 {key}")
        if not isinstance(raw[key], str):
            raise fail(f"字段 {key} 应为文本，实际为 {raw[key]!r}")
        if key != "unit" and not raw[key].strip():
            raise fail(f"字段 {key} 不能为空")
    match = CODE_PATTERN.match(code)
    if not match:
        raise fail("代码格式应为“领域前缀-层级字母-三位序号”，如 JY-C-001")
    prefix, letter, _ = match.groups()
    if prefix != meta["prefix"]:
        raise fail(f"代码前缀 {prefix} 与文件的领域前缀 {meta['prefix']} 不一致")
    sector = raw.get("sector", meta["sector"])
    if sector != meta["sector"]:
        raise fail(f"领域 {sector!r} 与文件的领域 {meta['sector']!r} 不一致")

    level1, level2 = raw["level1"], raw["level2"]
    if level1 not in LEVELS:
        raise fail(f"一级指标 {level1!r} 无效（可用：{'、'.join(LEVELS)}）")
    want_letter, level2_names = LEVELS[level1]
    if letter != want_letter:
        raise fail(f"一级指标“{level1}”的代码层级字母应为 {want_letter}，实际为 {letter}")
    if level2 not in level2_names:
        raise fail(
            f"一级指标“{level1}”下的二级指标 {level2!r} 无效（可用：{'、'.join(level2_names)}）"
        )

    rule = raw["rule"]
    if rule not in RULES:
        raise fail(f"计分规则 {rule!r} 无效（可用：{'、'.join(RULES)}）")
    variant = raw.get("variant")
    if rule in VARIANTS:
        if variant not in VARIANTS[rule]:
            raise fail(
                f"规则 {rule} 需要写明变体 variant（可用：{'、'.join(VARIANTS[rule])}），"
                f"实际为 {variant!r}"
            )
    elif variant is not None:
        raise fail(f"规则 {rule} 没有变体，不应填写 variant（{variant!r}）")
    ppu = raw.get("points_per_unit")
    if rule == "deduction":
        if not _is_number(ppu) or not ppu > 0:
            raise fail(f"扣分型指标需要 points_per_unit（每单位扣分，大于 0），实际为 {ppu!r}")
    elif ppu is not None:
        raise fail("只有扣分型指标（deduction）填写 points_per_unit")

    direction = raw["direction"]
    if direction not in DIRECTIONS:
        raise fail(f"指标方向 {direction!r} 无效（可用：{'、'.join(DIRECTIONS)}）")
    allowed = _RULE_DIRECTIONS[(rule, variant) if rule == "deduction" else rule]
    if direction not in allowed:
        raise fail(
            f"指标方向“{direction}”与计分规则 {rule}{'/' + variant if variant else ''} 不一致"
        )
    if raw["standard"] not in STANDARDS:
        raise fail(f"评价标准 {raw['standard']!r} 无效（可用：{'、'.join(STANDARDS)}）")

    value, basis = None, None
    target = raw.get("typical_target")
    if target is not None:
        if not isinstance(target, Mapping) or set(target) - {"value", "basis"}:
            raise fail("typical_target 应写作 {value: 目标值, basis: 依据}")
        basis, value = target.get("basis"), target.get("value")
        if not _text(basis):
            raise fail("typical_target 需要 basis（目标值的依据）")
        named = basis.split("：", 1)[0] if "：" in basis else None
        if named in STANDARDS and named != raw["standard"]:
            raise fail(
                f"typical_target.basis 写的是“{named}”，与 standard“{raw['standard']}”不一致"
            )
        if value is not None:
            if rule in ("qualitative", "checklist"):
                raise fail("定性和评价要点型指标的 typical_target 不填 value")
            if rule == "range":
                ok = (
                    isinstance(value, list)
                    and len(value) == 2
                    and all(_is_number(v) for v in value)
                    and 0 <= value[0] <= value[1]
                )
                if not ok:
                    raise fail(
                        f"区间型指标的 typical_target.value 应为 [下限, 上限]，实际为 {value!r}"
                    )
            elif not _is_number(value) or (rule != "deduction" and value < 0):
                raise fail(f"typical_target.value 应为不小于 0 的数字，实际为 {value!r}")

    def str_list(key: str) -> tuple[str, ...]:
        items = raw.get(key)
        if items is None:
            return ()
        if not isinstance(items, list) or not all(_text(x) for x in items):
            raise fail(f"{key} 应为文本列表")
        return tuple(items)

    keywords = str_list("keywords")
    checkpoints = str_list("checkpoints")
    if checkpoints and rule != "checklist":
        raise fail("只有评价要点型指标（checklist）填写 checkpoints")
    for key in ("policy_basis", "note"):
        if raw.get(key) is not None and not _text(raw[key]):
            raise fail(f"{key} 应为文本")
    derive = raw.get("derive")
    if derive is not None and derive not in DERIVED_ACTUALS:
        raise fail(f"derive 无效（可用：{'、'.join(DERIVED_ACTUALS)}）")

    return {
        "code": code,
        "name": raw["name"].strip(),
        "sector": sector,
        "level1": level1,
        "level2": level2,
        "definition": raw["definition"].strip(),
        "formula": raw["formula"].strip(),
        "unit": raw["unit"].strip(),
        "direction": direction,
        "rule": rule,
        "variant": variant,
        "points_per_unit": float(ppu) if ppu is not None else None,
        "source": raw["source"].strip(),
        "standard": raw["standard"],
        "typical_target": list(value) if isinstance(value, list) else value,
        "target_basis": basis,
        "keywords": keywords,
        "policy_basis": raw.get("policy_basis"),
        "checkpoints": checkpoints,
        "derive": derive,
        "note": raw.get("note"),
        "file": file,
    }


def _read_file(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    file = path.name
    try:
        with path.open(encoding="utf-8") as fh:
            raw = _yaml.load(fh.read())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行：" if mark else ""
        raise _fail(file, None, f"YAML 格式错误，{where}{exc.problem or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _fail(file, None, f"无法读取（{exc}）") from None
    if not isinstance(raw, Mapping):
        raise _fail(file, None, "顶层应为映射（sector、prefix、indicators …）")
    unknown = [k for k in raw if k not in FILE_KEYS]
    if unknown:
        raise _fail(file, None, f"未知的顶层字段 {unknown[0]!r}（可用：{'、'.join(FILE_KEYS)}）")
    for key in ("sector", "prefix", "status"):
        if not _text(raw.get(key)):
            raise _fail(file, None, f"缺少顶层字段 {key}")
    if not re.fullmatch(r"[A-Z]{2}", raw["prefix"]):
        raise _fail(file, None, f"领域前缀应为两个大写字母，实际为 {raw['prefix']!r}")
    order = raw.get("order", 999)
    if not isinstance(order, int) or isinstance(order, bool):
        raise _fail(file, None, f"order 应为整数，实际为 {order!r}")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(_text(a) for a in aliases):
        raise _fail(file, None, "aliases 应为文本列表")
    items = raw.get("indicators")
    if not isinstance(items, list) or not items:
        raise _fail(file, None, "indicators 应为非空列表")
    meta = {
        "sector": raw["sector"].strip(),
        "prefix": raw["prefix"],
        "order": order,
        "aliases": tuple(aliases),
        "status": raw["status"],
        "file": file,
    }
    records = [_check_indicator(item, file, meta, i) for i, item in enumerate(items)]
    return meta, records


def _read(directory: Path) -> _Library:
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise ValueError(f"指标库目录 {directory} 中没有 .yaml 文件")
    metas: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    names: dict[str, dict[str, str]] = {}
    for path in paths:
        meta, recs = _read_file(path)
        names_here = {_norm(n) for n in (meta["sector"], meta["prefix"], *meta["aliases"])}
        for other in metas:
            names_other = {_norm(n) for n in (other["sector"], other["prefix"], *other["aliases"])}
            clash = names_here & names_other
            if clash:
                raise _fail(
                    meta["file"],
                    None,
                    f"领域名称、前缀或别名 {sorted(clash)[0]!r} 与文件 {other['file']} 重复",
                )
        sector_names = names.setdefault(meta["sector"], {})
        for rec in recs:
            if rec["code"] in seen:
                raise _fail(
                    meta["file"], rec["code"], f"代码重复（已在文件 {seen[rec['code']]} 中使用）"
                )
            seen[rec["code"]] = meta["file"]
            if rec["name"] in sector_names:
                raise _fail(
                    meta["file"],
                    rec["code"],
                    f"同一领域内指标名称“{rec['name']}”重复（{sector_names[rec['name']]}）",
                )
            sector_names[rec["name"]] = rec["code"]
        metas.append(meta)
        records.extend(recs)
    metas.sort(key=lambda m: (m["order"], m["file"]))
    order = {m["sector"]: i for i, m in enumerate(metas)}
    records.sort(key=lambda r: order[r["sector"]])  # stable: file order within a sector
    return _Library(records, metas)


def read_library(directory: str | Path) -> pd.DataFrame:
    """Read and validate a folder of indicator files (uncached).

    Raises
    ------
    ValueError
        A broken file: the message names the file and, where it applies, the indicator code.
    """
    return _read(Path(directory)).frame.copy()


@cache
def _library() -> _Library:
    return _read(data_path(DATA_SUBDIR))


def _resolve_sector(sector: str) -> str:
    key = _norm(sector)
    for meta in _library().sectors:
        if key in {_norm(meta["sector"]), _norm(meta["prefix"]), *map(_norm, meta["aliases"])}:
            return meta["sector"]
    raise ValueError(f"未知的领域 {sector!r}（可用：{'、'.join(sectors())}）")


def load(sector: str | None = None) -> pd.DataFrame:
    """All indicators of the library (or of one sector) as a DataFrame.

    Parameters
    ----------
    sector : str, optional
        Sector name (教育), alias (城乡建设) or code prefix (JY).

    Returns
    -------
    DataFrame
        One row per indicator, columns :data:`COLUMNS`: ``code``, ``name``, ``sector``,
        ``level1``, ``level2``, ``definition``, ``formula``, ``unit``, ``direction``, ``rule``,
        ``variant``, ``points_per_unit``, ``source``, ``standard``, ``typical_target`` (a number,
        ``[low, high]`` for range rules, or missing), ``target_basis``, ``keywords`` (tuple),
        ``policy_basis``, ``checkpoints`` (tuple), ``derive``, ``note``, ``file``. A copy: change it
        freely.

    Raises
    ------
    ValueError
        A broken data file (naming the file and the indicator code) or an unknown sector.
    """
    frame = _library().frame
    if sector is not None:
        frame = frame[frame["sector"] == _resolve_sector(sector)]
    return frame.reset_index(drop=True).copy()


def sectors() -> list[str]:
    """Sector names in library order (共性指标 first)."""
    return [m["sector"] for m in _library().sectors]


def sector_info() -> pd.DataFrame:
    """One row per sector: ``sector``, ``prefix``, ``aliases``, ``status``, ``file``, ``count``."""
    counts = _library().frame["sector"].value_counts()
    rows = [
        {
            "sector": m["sector"],
            "prefix": m["prefix"],
            "aliases": m["aliases"],
            "status": m["status"],
            "file": m["file"],
            "count": int(counts.get(m["sector"], 0)),
        }
        for m in _library().sectors
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Lookup and search

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")


def _norm(text: Any) -> str:
    """Normalise for matching: NFKC (full-width → half-width), case-folded, no spaces or quotes."""
    out = unicodedata.normalize("NFKC", str(text)).casefold().translate(_QUOTES)
    return re.sub(r"\s+", "", out)


_CONFUSABLE = {"o": "0", "i": "1", "l": "1"}  # typed letters that look like digits


def _suggestions(code: str, n: int = 5) -> list[str]:
    """Close matches of a code (by code, then by name), the most similar first."""
    lib = _library()
    key = _norm(code)
    by_norm = {_norm(c): c for c in lib.by_code}

    def closeness(candidate: str) -> tuple[int, float]:
        # Same-length codes: fewest differing characters first (JY-C-0O1 → JY-C-001), then ratio.
        diff = len(key)
        if len(candidate) == len(key):
            pairs = zip(candidate, key, strict=True)
            diff = sum(_CONFUSABLE.get(a, a) != _CONFUSABLE.get(b, b) for a, b in pairs)
        return diff, -difflib.SequenceMatcher(None, key, candidate).ratio()

    found = difflib.get_close_matches(key, list(by_norm), n=4 * n, cutoff=0.6)
    hits = [by_norm[c] for c in sorted(found, key=closeness)][:n]
    names = {_norm(r["name"]): r["code"] for r in lib.records}
    for name in difflib.get_close_matches(key, list(names), n=n, cutoff=0.5):
        if names[name] not in hits:
            hits.append(names[name])
    return hits[:n]


def _not_found(code: Any) -> IndicatorNotFound:
    hints = _suggestions(str(code))
    lib = _library()
    msg = f"指标库中没有代码为 {code!r} 的指标"
    if hints:
        msg += "；相近的指标：" + "、".join(f"{c} {lib.by_code[c]['name']}" for c in hints)
    else:
        msg += "；可用关键词检索（indicators.search / jixiao indicators search）"
    return IndicatorNotFound(msg, str(code), hints)


def _record(code: Any) -> dict[str, Any]:
    lib = _library()
    if isinstance(code, str):
        key = unicodedata.normalize("NFKC", code).strip().upper()
        if key in lib.by_code:
            return lib.by_code[key]
    raise _not_found(code)


def get(code: str) -> dict[str, Any]:
    """One indicator as a dict (keys as the :func:`load` columns; lists for list fields).

    The code is matched ignoring case, surrounding spaces and full-width characters.

    Raises
    ------
    IndicatorNotFound
        A :class:`KeyError` whose message (Chinese) lists close matches by code and name.
    """
    rec = dict(_record(code))
    rec["keywords"] = list(rec["keywords"])
    rec["checkpoints"] = list(rec["checkpoints"])
    if isinstance(rec["typical_target"], list):
        rec["typical_target"] = list(rec["typical_target"])
    return rec


def _match_rank(term: str, rec: Mapping[str, Any], sector_keys: tuple[str, ...]) -> int | None:
    """The best (lowest) rank at which a normalised term matches an indicator, or None."""
    code = _norm(rec["code"])
    name = _norm(rec["name"])
    if term == code:
        return 0
    if term == name:
        return 1
    if term in name:
        return 2
    if len(term) >= 2 and term in code:
        return 0
    if any(term in _norm(k) for k in rec["keywords"]):
        return 3
    if term in _norm(rec["level2"]) or term in _norm(rec["level1"]):
        return 4
    if term in _norm(rec["definition"]):
        return 5
    if any(term in k or k in term for k in sector_keys if k):
        return 6
    return None


def search(query: str, sector: str | None = None, limit: int | None = 20) -> pd.DataFrame:
    """Search indicators by Chinese substring.

    Each whitespace-separated term must match one of (best first): the code, the name (exactly,
    then as a substring), a keyword (synonym), the level-1/level-2 name, the definition (指标解释),
    the sector. Results are ranked by their worst-matching term, then by best match, then in
    library order.

    Parameters
    ----------
    query : str
        E.g. ``"满意度"``, ``"家医"``, ``"PM2.5"``, ``"满意度 教育"``, ``"JY-C"``.
    sector : str, optional
        Restrict to a sector (name, alias or prefix).
    limit : int or None
        At most this many rows (default 20); None for all.

    Returns
    -------
    DataFrame
        The :func:`load` columns plus ``match`` (where it matched, e.g. 名称 / 关键词 / 指标解释)
        and ``rank`` (0 best).
    """
    if not isinstance(query, str) or not query.strip():
        raise ValueError("请给出检索关键词")
    if limit is not None and limit <= 0:
        raise ValueError(f"limit 应大于 0，实际为 {limit}")
    terms = [_norm(t) for t in query.split()]
    terms = [t for t in terms if t]
    lib = _library()
    wanted = _resolve_sector(sector) if sector is not None else None
    meta = {m["sector"]: m for m in lib.sectors}
    hits: list[tuple[int, int, int, str]] = []
    for i, rec in enumerate(lib.records):
        if wanted is not None and rec["sector"] != wanted:
            continue
        m = meta[rec["sector"]]
        keys = (_norm(m["sector"]), *map(_norm, m["aliases"]))
        ranks = [_match_rank(t, rec, keys) for t in terms]
        if any(r is None for r in ranks):
            continue
        labels = list(dict.fromkeys(_MATCH_LABELS[r] for r in ranks))
        hits.append((max(ranks), min(ranks), i, "、".join(labels)))  # type: ignore[type-var]
    hits.sort()
    if limit is not None:
        hits = hits[:limit]
    frame = lib.frame.iloc[[h[2] for h in hits]].reset_index(drop=True).copy()
    frame["match"] = pd.Series([h[3] for h in hits], dtype=object)
    frame["rank"] = pd.Series([h[0] for h in hits], dtype=int)
    return frame


# ---------------------------------------------------------------------------------------------
# Case files


def to_case_indicator(code: str, /, **overrides: Any) -> dict[str, Any]:
    """A case-file indicator mapping from the library, with ``overrides`` on top.

    The result holds the library's ``code``, ``name``, ``level1``, ``level2``, ``rule``, ``unit``,
    ``variant``, ``points_per_unit``, ``derive``, ``source`` (数据来源) and ``standard`` (评价标准) —
    only keys the case schema (:class:`methods.casefile.Indicator`) accepts — updated with
    ``overrides`` (e.g. ``weight``, ``target``, ``actual``, ``tier``, ``items``, ``note``; an
    override of ``None`` removes the key). Library values that no longer fit are dropped: the
    ``variant`` when ``rule`` is overridden with a rule that does not take it, ``points_per_unit``
    when the rule is no longer ``deduction``, ``derive`` when ``actual`` is given.

    Raises
    ------
    IndicatorNotFound
        Unknown code (a KeyError listing close matches).

    Examples
    --------
    >>> to_case_indicator("GX-C-001", weight=10, target=100, actual=96)["name"]
    '实际完成率'
    """
    rec = _record(code)
    out: dict[str, Any] = {}
    for key in CASE_FIELDS:
        value = rec[key]
        if value is None or value == "":
            continue
        out[key] = value
    rule = overrides.get("rule", rec["rule"])
    if "variant" not in overrides and rec["variant"] not in VARIANTS.get(rule, ()):
        out.pop("variant", None)
    if "points_per_unit" not in overrides and rule != "deduction":
        out.pop("points_per_unit", None)
    if overrides.get("actual") is not None and "derive" not in overrides:
        out.pop("derive", None)
    out.update(overrides)
    return {k: v for k, v in out.items() if v is not None}


def expand_reference(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Resolve one ``indicators`` entry of a case file that refers to the library.

    ``{ref: JY-C-001, weight: 10, target: 98, actual: 97.5}`` becomes the library's fields
    (:func:`to_case_indicator`) with the entry's own fields on top (the entry wins); ``ref`` is
    removed. An entry without ``ref`` is returned as a plain copy, so the function can be mapped
    over every entry.

    Raises
    ------
    ValueError
        ``ref`` is not text or names no indicator (the message lists close matches).
    """
    if not isinstance(entry, Mapping):
        raise ValueError(f"指标条目应为映射（字段: 值），实际为 {type(entry).__name__}")
    if "ref" not in entry:
        return dict(entry)
    ref = entry["ref"]
    if not isinstance(ref, str) or not ref.strip():
        raise ValueError(f"ref 应为指标库代码（如 JY-C-001），实际为 {ref!r}")
    overrides = {k: v for k, v in entry.items() if k != "ref"}
    try:
        return to_case_indicator(ref, **overrides)
    except IndicatorNotFound as exc:
        raise ValueError(f"ref: {exc.message}") from None


# ---------------------------------------------------------------------------------------------
# Text


def _num(x: float) -> str:
    return f"{x:g}"


def target_text(code: str) -> str | None:
    """The typical target in words, e.g. ``≥ 95%`` or ``85–93%``, or None when the library has none."""
    rec = _record(code)
    value, unit, rule = rec["typical_target"], rec["unit"], rec["rule"]
    if value is None:
        return None
    u = unit if unit else ""
    if rule == "range":
        return f"{_num(value[0])}–{_num(value[1])}{u}"
    if rule == "deduction":
        per = "每个百分点" if u == "%" else f"每 1{u}" if u else "每单位"
        over = rec["variant"] == "over"
        return (
            f"{'≤' if over else '≥'} {_num(value)}{u}（{'超出' if over else '低于'}部分{per}扣 "
            f"{_num(rec['points_per_unit'])} 分）"
        )
    sign = {"positive": "≥", "reverse": "≤", "equal": "="}[rule]
    return f"{sign} {_num(value)}{u}"


def _rule_text(rec: Mapping[str, Any]) -> str:
    rules = load_yaml("rules.yaml")["rules"]
    spec = rules[rec["rule"]]
    text = f"{spec['name']}（{rec['rule']}）：{spec['formula']}"
    if rec["variant"]:
        var = spec["variants"][rec["variant"]]
        text += f"；变体 {rec['variant']}（{var['name']}）：{var['formula']}"
    if rec["points_per_unit"] is not None:
        text += f"；每单位扣 {_num(rec['points_per_unit'])} 分"
    return text


def describe(code: str) -> str:
    """A multi-line Chinese description of one indicator (what ``jixiao indicators show`` prints)."""
    rec = _record(code)
    lines = [
        f"{rec['code']} {rec['name']}",
        f"领域：{rec['sector']}　层级：{rec['level1']} / {rec['level2']}",
        f"指标解释：{rec['definition']}",
        f"计算公式：{rec['formula']}",
        f"计量单位：{rec['unit'] or '—'}　指标方向：{rec['direction']}",
        f"计分规则：{_rule_text(rec)}",
        f"数据来源：{rec['source']}",
        f"评价标准：{rec['standard']}",
    ]
    target = target_text(rec["code"])
    if target or rec["target_basis"]:
        lines.append(f"参考目标值：{target or '（按项目确定）'}；依据：{rec['target_basis']}")
    if rec["checkpoints"]:
        lines.append("评价要点：")
        lines.extend(f"  {i}. {p}" for i, p in enumerate(rec["checkpoints"], 1))
    if rec["derive"]:
        lines.append(
            f"实际值可由预算数据计算：{DERIVED_ACTUALS[rec['derive']]}（derive: {rec['derive']}）"
        )
    if rec["policy_basis"]:
        lines.append(f"常用对照依据：{rec['policy_basis']}")
    if rec["keywords"]:
        lines.append(f"关键词：{'、'.join(rec['keywords'])}")
    if rec["note"]:
        lines.append(f"说明：{rec['note']}")
    lines.append(f"案例文件引用：{_reference_example(rec)}")
    lines.append("（参考指标，非官方清单；状态 practice/unverified，使用时结合项目实际调整）")
    return "\n".join(lines)


def _reference_example(rec: Mapping[str, Any]) -> str:
    rule = rec["rule"]
    if rule == "qualitative":
        rest = "tier: 达成年度指标"
    elif rule == "checklist":
        n = len(rec["checkpoints"]) or 4
        rest = f"met: {n}, total: {n}"
    elif rec["derive"]:
        rest = f"target: {_num(rec['typical_target'] or 100)}"
    else:
        value = rec["typical_target"]
        if isinstance(value, list):
            t = f"[{_num(value[0])}, {_num(value[1])}]"
        else:
            t = _num(value) if value is not None else "目标值"
        rest = f"target: {t}, actual: 实际值"
    return f"- {{ref: {rec['code']}, weight: 分值, {rest}}}"
