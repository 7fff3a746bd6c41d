"""HTML renderer of the report document model (:mod:`methods.report.document`).

What notebooks display (each block's ``_repr_html_``) and what ``report.html`` is made of: the
same markup for both, styled by ``methods/_data/templates/jixiao_report/report.css`` (screen and
A4 print). :func:`render_page` gives a self-contained page: the CSS inlined, figures embedded as
data URIs, a subset of the bundled font embedded (:func:`methods.fonts.web_font_css`, only the
characters the page shows) so Chinese renders on a machine without a CJK font, no script and no
network fetch. User text is always escaped.

Print layout (A4, ``@media print`` in report.css): headings are kept with what follows, and only
small blocks refuse a page break inside them (figures, table rows, the score card and short boxes,
see :data:`KEEP_CALLOUT_CHARS`); tables break across pages with their header row repeated.
Columns of running text (:meth:`Table.long_columns`) get room (``jx-long``), and unbreakable
Latin strings (case ids, ``jx-id``) wrap instead of widening a table past the page.
"""

from __future__ import annotations

import base64
import html
import re
from typing import Any

from methods import fonts
from methods._resources import data_path
from methods.report.document import (
    BulletList,
    Callout,
    Cell,
    Document,
    Figure,
    Paragraph,
    Section,
    Span,
    Table,
    _Block,
    _TitleBlock,
    plain_text,
)

GRADE_CLASS = {"优": "a", "良": "b", "中": "c", "差": "d"}
TONES = {
    "good": "#2e7d32",
    "bad": "#8a2a1f",
    "warn": "#b26a00",
    "muted": "#666",
    "green": "#2e7d32",
    "yellow": "#e39b16",
    "red": "#c0392b",
}
_HEX = re.compile(r"^#[0-9a-fA-F]{3,8}$")
FOOTER = "由 Jixiao（绩效）生成 · 案例文件、数据与方法的哈希记录在 provenance.json 中"


def esc(value: Any) -> str:
    """HTML-escape user text: ``<script>`` shows as text."""
    return html.escape("" if value is None else str(value), quote=True)


def tone_color(tone: str | None) -> str | None:
    """The colour of a tone name (``good``, ``red`` …) or a ``#rrggbb`` colour; None otherwise."""
    if tone is None:
        return None
    if _HEX.match(tone):
        return tone
    return TONES.get(tone)


def render_runs(runs) -> str:
    out = []
    for r in runs:
        if isinstance(r, str):
            out.append(esc(r))
            continue
        text = esc(r.text)
        if r.em:
            text = f"<i>{text}</i>"
        if r.strong:
            text = f"<b>{text}</b>"
        color = tone_color(r.tone)
        if color:
            text = f'<span style="color:{color}">{text}</span>'
        out.append(text)
    return "".join(out)


_P_CLASS = {
    "body": "",
    "note": "jx-note",
    "meta": "jx-meta",
    "lead": "jx-lead",
    "center": "jx-center",
}


def _paragraph(p: Paragraph) -> str:
    cls = _P_CLASS.get(p.style, "")
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{render_runs(p.runs)}</p>"


def _list(b: BulletList) -> str:
    if not b.items:
        return f"<p>{esc(b.empty)}</p>"
    tag = "ol" if b.ordered else "ul"
    items = "".join(f"<li>{render_runs(p.runs)}</li>" for p in b.items)
    return f"<{tag}>{items}</{tag}>"


def _cell(c: Cell, tag: str, classes: list[str]) -> str:
    attrs = ""
    if c.css:
        classes = [*classes, c.css]
    if classes:
        attrs += f' class="{" ".join(classes)}"'
    if c.rowspan > 1:
        attrs += f' rowspan="{c.rowspan}"'
    if c.colspan > 1:
        attrs += f' colspan="{c.colspan}"'
    return f"<{tag}{attrs}>{render_runs(c.runs)}</{tag}>"


ID_CHARS = 12  # a Latin token this long (a case id) in a table cell gets class jx-id
_IDENTIFIER = re.compile(r"[\x21-\x7e]+")


def _table(t: Table) -> str:
    kinds = ["jx-table"] + (["jx-kv"] if t.kind == "kv" else []) + t.classes.split()
    long = t.long_columns()
    out = []
    if t.caption:
        out.append(f'<p class="jx-caption">{esc(t.caption)}</p>')
    out.append(f'<table class="{" ".join(kinds)}">')
    if t.header:
        out.append("<thead>")
        for row in t.header:
            out.append("<tr>" + "".join(_cell(c, "th", []) for c in row) + "</tr>")
        out.append("</thead>")
    out.append("<tbody>")
    for i, (row, cols) in enumerate(zip(t.rows, t.positions(), strict=True)):
        css = t.row_css[i] if i < len(t.row_css) else ""
        out.append(f'<tr class="{esc(css)}">' if css else "<tr>")
        for c, col in zip(row, cols, strict=True):
            if c.header:
                out.append(_cell(c, "th", []))
                continue
            classes = []
            merged = c.rowspan > 1 and t.column_css  # merged first columns carry no class
            if t.column_css and not merged:
                classes.append(f"c{col}")
            numeric = c.numeric if c.numeric is not None else col in t.numeric
            if numeric and not merged:
                classes.append("num")
            elif col in long and c.colspan == 1:
                classes.append("jx-long")
            elif len(c.text) >= ID_CHARS and _IDENTIFIER.fullmatch(c.text):
                classes.append("jx-id")  # a case id wraps, but not letter by letter
            out.append(_cell(c, "td", classes))
        out.append("</tr>")
    out.append("</tbody></table>")
    if t.note is not None:
        out.append(_paragraph(t.note))
    return "".join(out)


def _figure(f: Figure) -> str:
    data = base64.b64encode(f.png).decode("ascii")
    width = f' style="width:{round(f.width * 100)}%"' if f.width < 1 else ""
    cap = f"<figcaption>{esc(f.caption)}</figcaption>" if f.caption else ""
    return (
        f'<figure class="jx-figure"><img src="data:image/png;base64,{data}" '
        f'alt="{esc(f.alt or f.caption)}"{width}>{cap}</figure>'
    )


# A box with at most this many characters and no table or figure is kept on one page in print
# (class jx-keep); a longer one may break, so it never leaves most of a page blank.
KEEP_CALLOUT_CHARS = 240


def _keep_whole(c: Callout) -> bool:
    if any(isinstance(b, Table | Figure | Section) for b in c.blocks):
        return False
    return len(plain_text(c)) <= KEEP_CALLOUT_CHARS  # the callout's own text and its blocks'


def _callout(c: Callout) -> str:
    inner = "".join(render_block(b) for b in c.blocks)
    if c.kind == "score":
        grade = ""
        if c.grade is not None or c.total is not None:
            cls = c.grade_class or GRADE_CLASS.get(c.grade or "", "x")
            grade = (
                f'<span class="jx-grade jx-grade-{cls}">{esc(c.grade)}</span>'
                if c.grade is not None
                else ""
            )
        card = (
            f'<div class="jx-score"><span class="jx-total">{esc(c.total)}</span>'
            f'<span class="jx-unit">{esc(c.unit)}</span>{grade}</div>'
        )
        return card + inner
    title = f"<p><b>{esc(c.title)}</b></p>" if c.title else ""
    cls = {"warn": "jx-warn", "note": "jx-box jx-note-box", "box": "jx-box"}.get(c.kind, "jx-box")
    if _keep_whole(c):
        cls += " jx-keep"
    return f'<div class="{cls}">{title}{inner}</div>'


def render_title(title: str, meta: tuple[str, ...] | list[str]) -> str:
    lines = "".join(f'<p class="jx-meta">{esc(m)}</p>' for m in meta)
    return f'<div class="jx-title"><h1>{esc(title)}</h1>{lines}</div>'


def _section(s: Section) -> str:
    parts = []
    if s.heading:
        level = min(max(s.level, 1), 4) + 1
        parts.append(f"<h{level}>{esc(s.title)}</h{level}>")
    parts += [render_block(b) for b in s.blocks]
    return "".join(parts)


def render_block(block: Any) -> str:
    """The HTML of one block (paragraph, list, table, figure, callout or section)."""
    if isinstance(block, Paragraph):
        return _paragraph(block)
    if isinstance(block, BulletList):
        return _list(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return _figure(block)
    if isinstance(block, Callout):
        return _callout(block)
    if isinstance(block, Section):
        return _section(block)
    if isinstance(block, _TitleBlock):
        return render_title(block.title, block.meta)
    if isinstance(block, Span):
        return render_runs([block])
    if isinstance(block, str):
        return f"<p>{esc(block)}</p>"
    raise TypeError(f"not a report block: {type(block).__name__}")


def _block_html(self: Any) -> str:
    if isinstance(self, Document):
        return render_body(self)
    return render_block(self)


_Block._repr_html_ = _block_html  # every block shows itself in JupyterLab


def render_body(doc: Document) -> str:
    """The title block, the sections and the appendix (no page wrapper)."""
    parts = [render_title(doc.title, doc.meta)]
    parts += [render_block(s) for s in doc.sections]
    if doc.appendix:
        parts.append('<div class="jx-appendix">')
        parts += [render_block(s) for s in doc.appendix]
        parts.append("</div>")
    return "".join(parts)


def stylesheet() -> str:
    return data_path("templates", "jixiao_report", "report.css").read_text(encoding="utf-8")


_TAG = re.compile(r"<[^>]*>")
_ALT = re.compile(r'\salt="([^"]*)"')


def visible_text(markup: str) -> str:
    """The text a reader can see in ``markup`` (tags dropped, entities decoded), with the alt
    text of images (shown if an image cannot be)."""
    return html.unescape(_TAG.sub(" ", markup) + " " + " ".join(_ALT.findall(markup)))


def render_page(doc: Document, *, font_css: str | None = None) -> str:
    """A self-contained HTML page of the document: inlined CSS, figures as data URIs, no script,
    no network fetch.

    ``font_css`` comes first in the style sheet; by default it is an ``@font-face`` rule with the
    subset of the bundled font that covers the page's text (:func:`methods.fonts.web_font_css`),
    which report.css names after the system CJK fonts. Pass ``""`` for a page without it."""
    body = render_body(doc)
    title = esc(doc.title)
    footer = f'<footer class="jx-footer">{esc(doc.footer or FOOTER)}</footer>'
    if font_css is None:
        font_css = fonts.web_font_css(visible_text(f"<title>{title}</title>{body}{footer}"))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f'<style type="text/css">\n{font_css}{stylesheet()}\n</style>\n</head>\n'
        f'<body class="jx-report">\n<main>\n{body}\n{footer}\n'
        "</main>\n</body>\n</html>\n"
    )
