"""公开版: the public version of an archived report, ready to be disclosed with the 决算.

The archived report document (the outline the notebook published, kept in the archive's
``report.ipynb``) is copied and cleaned by the rules of ``methods/_data/publication.yaml``:

- appendix sections that are internal working material (the 技术附件) are left out whole;
- rows of 项目/内容 tables whose label is personal (责任人, 联系人 …) are left out;
- phone numbers, ID numbers and e-mail addresses anywhere in the text are masked;
- what the case withholds (``publication.withhold``: a text, or a section title, with the
  reason) is replaced by a notice saying so, so the numbering of the outline stays whole.

Every change is recorded as a :class:`Removal`; :meth:`PublicVersion.checklist` lists them with
the checks the reviewer still makes by hand. :func:`publish_case` writes report.html,
report.docx and 公开检查清单.md (checklist) to a folder outside the archive, atomically; the
archive itself is never changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from methods._resources import load_yaml
from methods.errors import CaseError

WITHHELD_CELL = "（不予公开）"
_ANNEX = re.compile(r"^附件[0-9一二三四五六七八九十]+")
_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?|[。；！？]")

__all__ = ["PublicVersion", "Removal", "Withheld", "public_version", "publish_case", "rules"]


def rules() -> dict[str, Any]:
    """The publication rules (``methods/_data/publication.yaml``)."""
    return load_yaml("publication.yaml")


@dataclass(frozen=True)
class Withheld:
    """One thing a case keeps out of its public version: a ``text`` (any paragraph, list item,
    table row or chart containing it) or a ``section`` (a heading containing it: the whole
    section), and the ``reason`` the notice gives."""

    reason: str
    text: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class Removal:
    """One change made for the public version: ``where`` (the section path), ``action``
    (删除附件 / 删除表格行 / 删除图表 / 替换为说明 / 遮蔽), ``what`` (a short description) and
    ``reason``."""

    where: str
    action: str
    what: str
    reason: str


@dataclass(frozen=True)
class PublicVersion:
    """The public document and every change made to get it."""

    document: Any
    removals: tuple[Removal, ...]
    manual_checks: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """The removals as a tidy table: ``where``, ``action``, ``what``, ``reason``."""
        return pd.DataFrame(
            [r.__dict__ for r in self.removals], columns=["where", "action", "what", "reason"]
        )

    def checklist(self, title: str | None = None) -> str:
        """公开检查清单 (Markdown): what was removed or masked and why, then the checks the
        reviewer makes by hand before publishing."""
        lines = [f"# 公开检查清单：{title or self.document.title}", ""]
        lines.append("## 一、已删除或遮蔽的内容")
        lines.append("")
        if not self.removals:
            lines.append("无。")
        else:
            lines.append("| 序号 | 位置 | 处理 | 内容 | 原因 |")
            lines.append("|---|---|---|---|---|")
            for i, r in enumerate(self.removals, 1):
                cells = [str(i), r.where or "标题", r.action, r.what, r.reason]
                lines.append("| " + " | ".join(c.replace("|", "｜") for c in cells) + " |")
        lines += ["", "## 二、公开前须人工确认的事项", ""]
        lines += [f"- [ ] {c}" for c in self.manual_checks]
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The document as data (its JSON form: dicts with a "type")


def _run_text(run: Any) -> str:
    return run if isinstance(run, str) else str(run.get("text", ""))


def _text(obj: Any) -> str:
    """All the text of a block in its dict form."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, list):
        return "".join(_text(x) for x in obj)
    if not isinstance(obj, dict):
        return ""
    kind = obj.get("type")
    if kind == "Span":
        return str(obj.get("text", ""))
    if kind in ("Paragraph", "Cell"):
        return "".join(_run_text(r) for r in obj.get("runs", []))
    if kind == "Figure":
        return f"{obj.get('caption', '')}{obj.get('alt', '')}"
    parts = [str(obj.get("title") or "")]
    for key in ("items", "rows", "header", "blocks", "note", "caption"):
        if key in obj:
            parts.append(_text(obj[key]))
    return "".join(parts)


@dataclass
class _Cleaner:
    withheld: Sequence[Withheld]
    drop_appendix: Sequence[Mapping[str, str]]
    personal: Mapping[str, str]
    patterns: Sequence[tuple[str, re.Pattern[str]]]
    mask: str
    notice: str
    dropped_refs: re.Pattern[str] | None = None  # references to the annexes left out
    removals: list[Removal] = field(default_factory=list)

    def note(self, where: Sequence[str], action: str, what: str, reason: str) -> None:
        self.removals.append(Removal(" › ".join(w for w in where if w), action, what, reason))

    @staticmethod
    def _short(text: str, n: int = 30) -> str:
        text = re.sub(r"\s+", " ", text).strip()
        return text if len(text) <= n else text[:n] + "…"

    def notice_paragraph(self, reason: str) -> dict[str, Any]:
        return {"type": "Paragraph", "runs": [self.notice.format(reason=reason)], "style": ""}

    def withheld_by(self, text: str) -> Withheld | None:
        return next((w for w in self.withheld if w.text and w.text in text), None)

    # masking of contacts and ID numbers, run by run
    def mask_runs(self, runs: list[Any], where: Sequence[str]) -> list[Any]:
        out = []
        for run in runs:
            text = _run_text(run)
            if self.dropped_refs is not None:
                text, n = self.dropped_refs.subn("", text)
                if n:
                    self.note(where, "删除引用", f"对已删除附件的引用 {n} 处", "所引附件不公开")
            for name, pattern in self.patterns:
                text, n = pattern.subn(self.mask, text)
                if n:
                    self.note(where, "遮蔽", f"{name} {n} 处", "个人联系方式或证件号码")
            out.append(text if isinstance(run, str) else {**run, "text": text})
        return out

    def sentences(self, text: str, where: Sequence[str]) -> str:
        """``text`` with each sentence (up to 。；！？) that holds withheld text replaced by the
        notice."""
        out = []
        for sentence in _SENTENCE.findall(text):
            hit = self.withheld_by(sentence)
            if hit is None:
                out.append(sentence)
                continue
            self.note(where, "替换为说明", self._short(sentence), hit.reason)
            notice = self.notice.format(reason=hit.reason)
            if out and out[-1] == notice:  # one notice for consecutive withheld sentences
                continue
            out.append(notice)
        return "".join(out)

    def paragraph(self, p: dict[str, Any], where: Sequence[str]) -> dict[str, Any]:
        runs = list(p.get("runs", []))
        hit = self.withheld_by(_text(p))
        if hit is not None:
            if any(self.withheld_by(_run_text(r)) for r in runs):  # within one run: by sentence
                runs = [
                    (
                        self.sentences(_run_text(r), where)
                        if isinstance(r, str)
                        else {**r, "text": self.sentences(_run_text(r), where)}
                    )
                    if self.withheld_by(_run_text(r))
                    else r
                    for r in runs
                ]
            else:  # split across runs (emphasis): the whole paragraph
                self.note(where, "替换为说明", self._short(_text(p)), hit.reason)
                return {**self.notice_paragraph(hit.reason), "style": p.get("style", "")}
        return {**p, "runs": self.mask_runs(runs, where)}

    def table(self, t: dict[str, Any], where: Sequence[str]) -> dict[str, Any] | None:
        rows = []
        for row in t.get("rows", []):
            label = _text(row[0]).strip() if row else ""
            if t.get("kind") == "kv" and label in self.personal:
                self.note(where, "删除表格行", label, self.personal[label])
                continue
            hit = self.withheld_by(_text(row))
            if hit is not None and t.get("kind") == "kv":
                self.note(where, "删除表格行", self._short(_text(row)), hit.reason)
                continue
            if hit is not None:  # a grid row may carry merged cells: blank the cells, keep the row
                self.note(where, "替换为说明", self._short(_text(row)), hit.reason)
                row = [
                    {**c, "runs": [WITHHELD_CELL]} if self.withheld_by(_text(c)) else c for c in row
                ]
            rows.append(
                [{**c, "runs": self.mask_runs(list(c.get("runs", [])), where)} for c in row]
            )
        if not rows and t.get("rows"):
            return None
        return {**t, "rows": rows}

    def block(self, b: Any, where: Sequence[str]) -> Any:
        if not isinstance(b, dict):
            return b
        kind = b.get("type")
        if kind == "Paragraph":
            return self.paragraph(b, where)
        if kind == "BulletList":
            return {**b, "items": [self.paragraph(p, where) for p in b.get("items", [])]}
        if kind == "Table":
            cleaned = self.table(b, where)
            if cleaned is None:
                return self.notice_paragraph("涉及个人信息或内部事项")
            return cleaned
        if kind == "Figure":
            hit = self.withheld_by(_text(b))
            if hit is not None:
                self.note(where, "删除图表", self._short(b.get("caption", "")), hit.reason)
                return None
            return b
        if kind == "Callout":
            return {**b, "blocks": self.blocks(b.get("blocks", []), where)}
        if kind == "Section":
            return self.section(b, where)
        return b

    def blocks(self, blocks: Iterable[Any], where: Sequence[str]) -> list[Any]:
        return [x for x in (self.block(b, where) for b in blocks) if x is not None]

    def section(self, s: dict[str, Any], where: Sequence[str]) -> dict[str, Any]:
        title = str(s.get("title") or "")
        here = [*where, title]
        hit = next((w for w in self.withheld if w.section and w.section in title), None)
        if hit is not None:
            self.note(here, "替换为说明", f"本节全部内容（{title}）", hit.reason)
            return {**s, "blocks": [self.notice_paragraph(hit.reason)]}
        return {**s, "blocks": self.blocks(s.get("blocks", []), here)}

    def top_level(self, sections: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Top-level sections (body or appendix): internal annexes left out whole."""
        kept = []
        for s in sections:
            title = str(s.get("title") or "")
            drop = next((d for d in self.drop_appendix if d["text"] in title), None)
            if drop is not None:
                self.note([title], "删除附件", "全部内容", drop["reason"])
                continue
            kept.append(self.section(s, []))
        return kept


def _withheld(entries: Iterable[Any]) -> list[Withheld]:
    out = []
    for e in entries or ():
        if isinstance(e, Withheld):
            out.append(e)
        else:  # a case model or a mapping
            get = e.get if isinstance(e, Mapping) else lambda k, e=e: getattr(e, k, None)
            out.append(Withheld(get("reason"), get("text"), get("section")))
    return out


def public_version(document: Any, withhold: Iterable[Any] = ()) -> PublicVersion:
    """The public version of a report document.

    Parameters
    ----------
    document : methods.report.document.Document
        The archived report's document.
    withhold : iterable of Withheld (or the case's ``publication.withhold`` entries)
        What the case keeps out of the public version, with the reason.

    Returns
    -------
    PublicVersion
        The cleaned document (title marked 公开版, the public footer) and every change made.
    """
    from methods.report.document import Document

    r = rules()
    cleaner = _Cleaner(
        withheld=_withheld(withhold),
        drop_appendix=r["drop_appendix"],
        personal={p["label"]: p["reason"] for p in r["personal_labels"]},
        patterns=[(p["name"], re.compile(p["regex"])) for p in r["patterns"]],
        mask=r["mask"],
        notice=r["notice"],
    )
    data = document.to_dict()
    labels = sorted(
        {
            m.group(0)
            for s in [*data.get("sections", []), *data.get("appendix", [])]
            if any(d["text"] in str(s.get("title") or "") for d in r["drop_appendix"])
            for m in [_ANNEX.match(str(s.get("title") or ""))]
            if m
        }
    )
    if labels:  # （详见附件2） and the like would point at nothing
        cleaner.dropped_refs = re.compile(
            r"[（(][^（）()]{0,6}见(?:"
            + "|".join(map(re.escape, labels))
            + r")[^（）()]{0,20}[）)]"
        )
    cleaned = {
        **data,
        "title": data["title"] + r["title_suffix"],
        "meta": ["".join(cleaner.mask_runs([m], ["标题"])) for m in data.get("meta", [])],
        "sections": cleaner.top_level(data.get("sections", [])),
        "appendix": cleaner.top_level(data.get("appendix", [])),
        "footer": r["footer"],
    }
    return PublicVersion(
        Document.from_dict(cleaned), tuple(cleaner.removals), tuple(r["manual_checks"])
    )


# ---------------------------------------------------------------------------------------------
# Writing the public version of an archived case


def _case_withhold(folder: Path) -> list[Withheld]:
    """``publication.withhold`` of the archived case file (validated when the case ran)."""
    from methods import _yaml

    try:
        raw = _yaml.load((folder / "parameters.yaml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    block = raw.get("publication") if isinstance(raw, dict) else None
    if not isinstance(block, dict):
        return []
    return _withheld(w for w in block.get("withhold") or () if isinstance(w, dict))


def publish_case(library: Any, case: str, *, year: int | None = None, out: Path | None = None):
    """Write the 公开版 of an archived case: report.html, report.docx and 公开检查清单.md.

    Parameters
    ----------
    library : methods.library.Library
    case : str
        The case id; ``year`` picks one when the case is archived for several years.
    out : Path, optional
        The folder to write (replaced whole if it exists). Default
        ``<library>/public/<year>/<case_id>/``, outside every archive folder.

    Returns
    -------
    (Path, PublicVersion)

    Raises
    ------
    CaseError
        The case is not archived, is ambiguous without ``year``, or its archive holds no
        report document (archived by an older version: run it again with ``--force``).
    """
    from methods.report.docx import render_docx
    from methods.report.html import render_page
    from methods.runner import extract_document

    row = library.one(case, year)
    folder = library.root / row["path"]
    notebook = folder / "report.ipynb"
    try:
        document = extract_document(notebook) if notebook.exists() else None
    except Exception:  # noqa: BLE001 - an unreadable notebook holds no usable document
        document = None
    if document is None:
        raise CaseError(
            f"案例 {case}（{row['year']}）的存档中没有报告文档，无法生成公开版；"
            "请用 jixiao run --force 重新运行该案例",
            field="CASE",
        )
    public = public_version(document, _case_withhold(folder))
    target = Path(out) if out is not None else library.root / "public" / str(row["year"]) / case
    target = target.resolve()
    if target == folder.resolve() or folder.resolve() in target.parents:
        raise CaseError("公开版不能写入案例的存档目录（存档不可改动）", field="-o")
    files = {
        "report.html": render_page(public.document).encode("utf-8"),
        "report.docx": render_docx(public.document),
        "公开检查清单.md": public.checklist().encode("utf-8"),
        "removals.json": (
            json.dumps(
                {
                    "case_id": case,
                    "year": row["year"],
                    "removals": [r.__dict__ for r in public.removals],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        ).encode("utf-8"),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.publishing-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
    except BaseException:
        if old.exists() and not target.exists():  # put the previous public version back
            os.replace(old, target)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return target, public
