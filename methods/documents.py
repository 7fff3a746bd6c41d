"""The 文件库: the documents every rule, preset and framework in ``methods/_data`` cites.

``methods/_data/documents.yaml`` holds one entry per document (文号, title, issuer, date, level,
status, scope, what the project uses it for, the sentences it may be quoted for). A data file cites
a document as ``source: {document: ID, part: ..., quote: ..., note: ...}`` or, where no document
grounds a rule, ``source: {document: null, basis: ...}``; a rule grounded by several documents in
different ways lists such references under ``sources:``. :func:`cite` turns such a reference into
the citation a report prints (文号《标题》附件：“引文”；说明), never a bare id; the shipped data loader
(:func:`methods._resources.load_yaml`) applies it to every ``source`` and ``*_source`` key and to
each item of every ``sources`` / ``*_sources`` list.

:func:`problems` lists every reference that does not resolve (a dangling id, a free-text source,
an unknown part, a quote the 文件库 does not record, a status outside the five);
:func:`citing` finds the rules that cite a document.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from methods import _yaml

DATA_DIR = Path(__file__).resolve().parent / "_data"
DOCUMENTS_FILE = DATA_DIR / "documents.yaml"

STATUSES = ("reg", "local", "practice", "unverified", "foreign")
"""The five statuses of a rule or a document."""

STATUS_ZH = {
    "reg": "法规",
    "local": "地方规定",
    "practice": "实务做法",
    "unverified": "待核实",
    "foreign": "境外参考",
}
"""Each status as reports print it."""

LEVELS = {
    "national": "国家",
    "provincial": "省级",
    "municipal": "市级",
    "district": "区（县）级",
    "foreign": "境外",
    "literature": "学术文献",
}
"""Document levels and their Chinese names."""

REQUIRED = ("number", "title", "issuer", "date", "level", "status", "scope", "grounds")
REF_KEYS = {"document", "part", "quote", "note", "basis"}


@cache
def documents() -> dict[str, dict[str, Any]]:
    """Every document of the 文件库 by id (cached; treat as read-only).

    Returns
    -------
    dict
        id → the entry as written in ``documents.yaml``.
    """
    with DOCUMENTS_FILE.open(encoding="utf-8") as fh:
        return _yaml.load(fh.read())["documents"]


def nearest(doc_id: str, n: int = 3) -> list[str]:
    """The ids closest in spelling to ``doc_id`` (for an error message)."""
    return difflib.get_close_matches(str(doc_id), list(documents()), n=n, cutoff=0.3)


def get(doc_id: str) -> dict[str, Any]:
    """The entry of one document.

    Raises
    ------
    KeyError
        With a Chinese message naming the id and the nearest ids.
    """
    docs = documents()
    if doc_id not in docs:
        near = nearest(doc_id)
        hint = f"；相近的编号：{'、'.join(near)}" if near else ""
        raise KeyError(f"文件库中没有编号为 {doc_id} 的文件{hint}")
    return docs[doc_id]


def name(doc_id: str) -> str:
    """A document as a report names it: 文号《标题》, a foreign or literature one by issuer and title.

    Examples
    --------
    >>> name("caiyu_2020_10")
    '财预〔2020〕10号《项目支出绩效评价管理办法》'
    """
    d = get(doc_id)
    if d["level"] in ("foreign", "literature"):
        number = f"{d['number']}, " if d.get("number") and d["number"] not in d["title"] else ""
        date = f"（{d['date']}）" if d.get("date") else ""
        return f"{d['issuer']}，{number}{d['title']}{date}"
    return f"{d.get('number') or ''}《{d['title']}》"


def _ids(ref: dict) -> list[str]:
    doc = ref.get("document")
    if doc is None:
        return []
    return [doc] if isinstance(doc, str) else list(doc)


def cite(ref: Any) -> Any:
    """The citation a report prints for a ``source`` reference.

    Parameters
    ----------
    ref : dict or other
        ``{document: ID | [IDs] | null, part, quote, note, basis}``; anything else is returned as
        it is (a case file's own free text, or None).

    Returns
    -------
    str
        文号《标题》附件（附件名称）：“引文”；说明 — or, without a document, the basis and note.

    Examples
    --------
    >>> cite({"document": "caiyu_2020_10", "part": "附件2"})
    '财预〔2020〕10号《项目支出绩效评价管理办法》附件2《项目支出绩效评价指标体系框架（参考）》'
    >>> cite({"document": None, "basis": "本项目默认口径"})
    '本项目默认口径'
    """
    if not isinstance(ref, dict) or "document" not in ref:
        return ref
    ids = _ids(ref)
    head = "、".join(name(i) for i in ids)
    if ref.get("part") and ids:
        parts = get(ids[0]).get("parts") or {}
        head += f"{ref['part']}《{parts[ref['part']]}》" if ref["part"] in parts else ref["part"]
    if ref.get("quote"):
        head += f"：“{ref['quote']}”"
    extra = [str(x).strip() for x in (ref.get("basis"), ref.get("note")) if x]
    if not head:
        return "；".join(extra)
    if not extra:
        return head
    return head + ("；" if ref.get("quote") else "：") + "；".join(extra)


def is_source_key(key: Any) -> bool:
    """Whether a mapping key holds a citation (``source`` or ``*_source``)."""
    return isinstance(key, str) and (key == "source" or key.endswith("_source"))


def is_sources_key(key: Any) -> bool:
    """Whether a mapping key holds a list of citations (``sources`` or ``*_sources``)."""
    return isinstance(key, str) and (key == "sources" or key.endswith("_sources"))


def resolve(data: Any) -> Any:
    """``data`` with every ``source`` / ``*_source`` reference, and every item of a ``sources`` /
    ``*_sources`` list, replaced by its citation string."""
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            if is_source_key(k) and isinstance(v, dict):
                out[k] = cite(v)
            elif is_sources_key(k) and isinstance(v, list):
                out[k] = [cite(x) if isinstance(x, dict) else resolve(x) for x in v]
            else:
                out[k] = resolve(v)
        return out
    if isinstance(data, list):
        return [resolve(v) for v in data]
    return data


# ---------------------------------------------------------------------------------------------
# Checking the data files


def data_files() -> list[Path]:
    """The data files whose ``source`` keys must cite the 文件库.

    Not checked: indicators/ and excel_forms.yaml, where ``source`` is an indicator's 数据来源 (the
    column of a target sheet), and the case templates, which are case files.
    """
    skip = {"indicators", "case_templates", "templates", "fonts"}
    return sorted(
        p
        for p in DATA_DIR.rglob("*.yaml")
        if p not in (DOCUMENTS_FILE, DATA_DIR / "excel_forms.yaml")
        and not skip.intersection(p.relative_to(DATA_DIR).parts[:-1])
    )


def _walk(data: Any, path: str = "") -> Iterator[tuple[str, str, Any, Any]]:
    """(path, key, value, owner mapping) for every key of a nested structure."""
    if isinstance(data, dict):
        for k, v in data.items():
            here = f"{path}.{k}" if path else str(k)
            yield here, k, v, data
            yield from _walk(v, here)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk(v, f"{path}[{i}]")


def references(data: Any) -> Iterator[tuple[str, Any, Any]]:
    """(path, reference, owner mapping) for every citation in a data structure: the value of each
    ``source`` / ``*_source`` key and each item of each ``sources`` / ``*_sources`` list (a
    ``sources`` value that is not a list is yielded whole, so that it is reported)."""
    for where, key, value, owner in _walk(data):
        if is_source_key(key):
            yield where, value, owner
        elif is_sources_key(key):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    yield f"{where}[{i}]", item, owner
            else:
                yield where, value, owner


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return _yaml.load(fh.read())


def check_ref(ref: Any) -> list[str]:
    """What is wrong with one ``source`` reference (empty when it resolves)."""
    if not isinstance(ref, dict):
        return [f"来源须引用文件库编号（source: {{document: 编号}}），不能是文字：{str(ref)[:40]}"]
    if "document" not in ref:
        return ["来源缺少 document（文件库编号，或 null 加 basis 说明）"]
    out = [f"来源中有未知字段 {k}" for k in ref if k not in REF_KEYS]
    ids = _ids(ref)
    if not ids and not ref.get("basis"):
        out.append("document 为 null 时须用 basis 说明依据")
    docs = documents()
    for i in ids:
        if i not in docs:
            near = nearest(i)
            out.append(f"文件库中没有编号 {i}" + (f"（相近：{'、'.join(near)}）" if near else ""))
    if out or not ids:
        return out
    first = docs[ids[0]]
    if ref.get("part") and ref["part"] not in (first.get("parts") or {}):
        out.append(f"{ids[0]} 没有 {ref['part']}（文件库 parts 中未记录）")
    if ref.get("quote") and not any(ref["quote"] in (docs[i].get("quotes") or []) for i in ids):
        out.append(f"引文“{ref['quote']}”未在文件库 quotes 中记录")
    return out


def check_data(data: Any) -> list[str]:
    """What is wrong with the citations and statuses of one parsed data file, as ``path: message``.

    Examples
    --------
    >>> check_data({"sources": [{"document": "wufa_2020_48"}, "财预〔2021〕6号"]})
    ['sources[1]: 来源须引用文件库编号（source: {document: 编号}），不能是文字：财预〔2021〕6号']
    """
    out = [f"{where}: {m}" for where, ref, _ in references(data) for m in check_ref(ref)]
    for where, key, value, _ in _walk(data):
        if (
            isinstance(key, str)
            and (key == "status" or key.endswith("_status"))
            and isinstance(value, str)
            and value not in STATUSES
        ):
            out.append(f"{where}: 依据状态 {value} 不是 {'/'.join(STATUSES)} 之一")
    return out


def problems() -> list[str]:
    """Every citation or status in the data files that does not hold, as ``file:path: message``.

    Checks: each ``source``/``*_source`` and each item of a ``sources``/``*_sources`` list resolves
    (:func:`check_ref`); each ``status``/``*_status`` that is text is one of :data:`STATUSES`
    (:func:`check_data`); each 文件库 entry has its fields, a known level and status, and
    parts/quotes of the right shape.
    """
    out: list[str] = []
    for doc_id, d in documents().items():
        missing = [k for k in REQUIRED if k not in d]
        if missing:
            out.append(f"documents.yaml:{doc_id}: 缺少字段 {'、'.join(missing)}")
        if d.get("level") not in LEVELS:
            out.append(f"documents.yaml:{doc_id}: 未知层级 {d.get('level')}")
        if d.get("status") not in STATUSES:
            out.append(f"documents.yaml:{doc_id}: 未知状态 {d.get('status')}")
        if not isinstance(d.get("parts") or {}, dict) or not isinstance(
            d.get("quotes") or [], list
        ):
            out.append(f"documents.yaml:{doc_id}: parts 须为映射、quotes 须为列表")
    for path in data_files():
        rel = path.relative_to(DATA_DIR).as_posix()
        out += [f"{rel}:{m}" for m in check_data(_load(path))]
    return out


def citing(doc_id: str) -> list[dict[str, str]]:
    """The rules that cite a document, found by scanning the data files.

    Returns
    -------
    list of dict
        ``file``, ``path`` (dotted path of the citing key), ``name`` (the rule's name where it has
        one) and ``status`` (the rule's own status, where given; for an item of a ``sources``
        list, the document's).
    """
    get(doc_id)
    rows = []
    for path in data_files():
        rel = path.relative_to(DATA_DIR).as_posix()
        for where, value, owner in references(_load(path)):
            if isinstance(value, dict) and doc_id in _ids(value):
                key = where.rsplit(".", 1)[-1].split("[", 1)[0]
                if is_sources_key(key):  # one of several grounds: the document's own status
                    status = documents()[doc_id]["status"]
                else:
                    prefix = key[: -len("source")]
                    status = owner.get(f"{prefix}status") or owner.get("status")
                label = owner.get("name") or owner.get("title") or owner.get("label") or ""
                rows.append(
                    {"file": rel, "path": where, "name": str(label), "status": str(status or "")}
                )
    return rows


def table(level: str | None = None, status: str | None = None) -> list[dict[str, str]]:
    """The 文件库 as rows (id, 文号, title, issuer, date, level, status), optionally filtered."""
    rows = []
    for doc_id, d in documents().items():
        if level and d["level"] != level:
            continue
        if status and d["status"] != status:
            continue
        rows.append(
            {
                "id": doc_id,
                "number": d.get("number") or "—",
                "title": d["title"],
                "issuer": d["issuer"],
                "date": str(d.get("date") or "—"),
                "level": LEVELS[d["level"]],
                "status": STATUS_ZH[d["status"]],
            }
        )
    return rows


def search(text: str) -> list[dict[str, str]]:
    """Documents whose id, 文号, title, issuer, scope, grounds or quotes contain ``text``
    (case-insensitive)."""
    needle = text.strip().lower()
    found = []
    for row in table():
        d = documents()[row["id"]]
        hay = " ".join(
            str(x)
            for x in (
                row["id"],
                d.get("number"),
                d["title"],
                d["issuer"],
                d.get("scope"),
                d.get("grounds"),
                *(d.get("quotes") or []),
            )
        ).lower()
        if needle in hay:
            found.append(row)
    return found


def describe(doc_id: str) -> str:
    """Every field of one document and the rules that cite it, as Chinese text for the terminal."""
    d = get(doc_id)
    lines = [
        f"编号：{doc_id}",
        f"文号：{d.get('number') or '—'}",
        f"标题：{d['title']}",
        f"发文机关：{d['issuer']}",
        f"日期：{d.get('date') or '未核实'}",
        f"层级：{LEVELS[d['level']]}",
        f"依据状态：{STATUS_ZH[d['status']]}",
        f"适用范围：{' '.join(str(d['scope']).split())}",
        f"本项目据以设定：{' '.join(str(d['grounds']).split())}",
    ]
    for part, title in (d.get("parts") or {}).items():
        lines.append(f"{part}：{title}")
    for q in d.get("quotes") or []:
        lines.append(f"引文：“{q}”")
    if d.get("checked"):
        lines.append(f"核对情况：{' '.join(str(d['checked']).split())}")
    rows = citing(doc_id)
    lines.append(f"引用它的规则（{len(rows)} 条）：")
    for r in rows:
        status = f"（{STATUS_ZH.get(r['status'], r['status'])}）" if r["status"] else ""
        lines.append(f"  {r['file']}  {r['path']}  {r['name']}{status}")
    return "\n".join(lines)
