"""Word renderer of the report document model: an editable ``report.docx`` in 公文 layout.

Layout (GB/T 9704—2012 as ``shared/domain/reports.md`` §3 summarises it; the fonts are named, the
reader's Word/WPS supplies them):

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm;
- title 2号 (22 pt) 方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312 (仿宋 / FangSong where
  absent), first-line indent of two characters, exact line spacing for 28–29 lines a page;
- headings are Word's own ``Heading 1``–``Heading 4`` styles (so the navigation pane and a table
  of contents work): 一、 黑体, （一） 楷体_GB2312, 1. and （1） 仿宋 bold, all 16 pt, black;
- tables: 五号 (10.5 pt) 仿宋, grid lines, the header row(s) repeated on every page, numbers
  right-aligned, merged cells as in HTML; figures at print resolution across the text width with a
  centred caption;
- page numbers 4号 (14 pt) “— 1 —” centred in the footer.

The output is deterministic: fixed document dates and zip timestamps, so the same document gives
the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document as _new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

from methods.report.document import (
    BulletList,
    Callout,
    Document,
    Figure,
    Paragraph,
    Section,
    Span,
    Table,
)
from methods.report.html import tone_color

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "仿宋"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
LATIN_FONT = "Times New Roman"
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 10.5  # 五号
WIDE_TABLE_PT = 9  # 小五, tables of eight columns or more
NOTE_PT = 12  # 小四
PAGE_NUMBER_PT = 14  # 4号
LINE_PT = 22  # exact line spacing: (297 − 37 − 35) mm ≈ 638 pt → 29 lines a page
TEXT_WIDTH_MM = 210 - 28 - 26
FIXED_DATE = (2020, 1, 1, 0, 0, 0)


def _set_fonts(rpr_owner: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the East Asian and Latin fonts of a style's or run's properties."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]


def _style_font(style: Any, east_asia: str, size: float, *, bold: bool = False) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element, east_asia)


def _setup(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)

    normal = doc.styles["Normal"]
    _style_font(normal, BODY_FONT, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    # East Asian language and a fallback font name readers' Word/WPS can map
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)

    for level in (1, 2, 3, 4):
        st = doc.styles[f"Heading {level}"]
        _style_font(st, HEADING_FONTS[level], BODY_PT, bold=level >= 3)
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        st.paragraph_format.line_spacing = Pt(LINE_PT + 6 if level == 1 else LINE_PT)
        st.paragraph_format.space_before = Pt(6 if level <= 2 else 0)
        st.paragraph_format.space_after = Pt(0)
        st.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        st.paragraph_format.keep_with_next = True

    title = doc.styles["Title"]
    _style_font(title, TITLE_FONT, TITLE_PT)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(TITLE_PT + 10)
    title.paragraph_format.space_after = Pt(12)
    # no border line under the Title style
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)

    caption = doc.styles["Caption"]
    _style_font(caption, BODY_FONT, NOTE_PT)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = False

    _page_number_footer(section)


def _field(paragraph: Any, instruction: str) -> None:
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)
    run.font.size = Pt(PAGE_NUMBER_PT)


def _page_number_footer(section: Any) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    left = p.add_run("— ")
    left.font.size = Pt(PAGE_NUMBER_PT)
    _field(p, "PAGE")
    right = p.add_run(" —")
    right.font.size = Pt(PAGE_NUMBER_PT)


def _add_runs(paragraph: Any, runs, *, size: float | None = None, color=None) -> None:
    for r in runs:
        if isinstance(r, str):
            run = paragraph.add_run(r)
        else:
            run = paragraph.add_run(r.text)
            run.bold = r.strong or None
            run.italic = r.em or None
            c = tone_color(r.tone)
            if c:
                hexa = c.lstrip("#")
                if len(hexa) == 3:
                    hexa = "".join(ch * 2 for ch in hexa)
                run.font.color.rgb = RGBColor.from_string(hexa[:6].upper())
        if size is not None:
            run.font.size = Pt(size)
        if color is not None and (isinstance(r, str) or not r.tone):
            run.font.color.rgb = color


def _paragraph(doc: Any, p: Paragraph) -> None:
    para = doc.add_paragraph()
    fmt = para.paragraph_format
    if p.style == "note":
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing = Pt(NOTE_PT + 6)
        _add_runs(para, p.runs, size=NOTE_PT, color=RGBColor(0x55, 0x55, 0x55))
        return
    if p.style in ("meta", "center"):
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Pt(0)
        _add_runs(para, p.runs)
        if p.style == "meta":
            for run in para.runs:
                _set_fonts(run._r, "楷体_GB2312")
        return
    fmt.first_line_indent = Pt(BODY_PT * 2)
    _add_runs(para, p.runs)
    if p.style == "lead":
        for run in para.runs:
            run.bold = True


def _list(doc: Any, b: BulletList) -> None:
    if not b.items:
        _paragraph(doc, Paragraph(b.empty))
        return
    for k, item in enumerate(b.items, start=1):
        mark = f"{k}. " if b.ordered else "· "
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        _add_runs(para, [mark, *item.runs])


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _shade(cell: Any, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _table_width(table: Any) -> None:
    """Span the text width (Word and LibreOffice otherwise shrink a fixed-layout table)."""
    tblpr = table._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tblpr.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(int(TEXT_WIDTH_MM / 25.4 * 1440)))


def _write_cell(
    cell: Any, runs, *, bold: bool = False, right: bool = False, size: float = TABLE_PT
) -> None:
    para = cell.paragraphs[0]
    fmt = para.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _add_runs(para, runs, size=size)
    if bold:
        for run in para.runs:
            run.bold = True


def _table(doc: Any, t: Table) -> None:
    if t.caption:
        cap = doc.add_paragraph(style="Caption")
        cap.paragraph_format.keep_with_next = True
        _add_runs(cap, [t.caption])
    rows = [*t.header, *t.rows]
    ncols = max((sum(c.colspan for c in r) for r in rows), default=1)
    # logical positions of every cell (header rows and body rows separately)
    header_pos = t.positions(t.header) if t.header else []
    body_pos = t.positions(t.rows)
    table = doc.add_table(rows=len(rows), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_width(table)
    size = TABLE_PT if ncols < 8 else WIDE_TABLE_PT
    # the cells of the fresh grid, taken once from the XML (table.cell() rescans the whole table
    # on every call); a merge absorbs only covered positions, which no logical cell addresses
    grid = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    for r, (row, cols) in enumerate(zip(rows, [*header_pos, *body_pos], strict=True)):
        in_header = r < len(t.header)
        for c, col in zip(row, cols, strict=True):
            target = grid[r][col]
            end_r = min(r + c.rowspan - 1, len(rows) - 1)
            end_c = min(col + c.colspan - 1, ncols - 1)
            if end_r > r or end_c > col:
                target = target.merge(grid[end_r][end_c])
            numeric = c.numeric if c.numeric is not None else (col in t.numeric and not in_header)
            _write_cell(target, c.runs, bold=in_header or c.header, right=bool(numeric), size=size)
            if in_header or c.header:
                _shade(target, "F2F2F2")
    for r in range(len(t.header)):
        _repeat_header(table.rows[r])
    for row in table.rows:
        _cant_split(row)
    shares = None
    # without widths, running-text columns (整改措施 …) get room; a display unit is half the
    # table's font size
    widths = t.widths or t.auto_widths(TEXT_WIDTH_MM / (size * 25.4 / 72 / 2))
    if widths:
        shares = [w / sum(widths) for w in widths[:ncols]]
    elif t.kind == "kv" and ncols == 2:
        shares = [0.28, 0.72]
    if shares:
        table.autofit = False
        for j, share in enumerate(shares):
            table.columns[j].width = Mm(TEXT_WIDTH_MM * share)
            for cell in table.columns[j].cells:
                cell.width = Mm(TEXT_WIDTH_MM * share)
    if t.note is not None:
        _paragraph(doc, t.note)
    else:
        spacer = doc.add_paragraph()
        spacer.paragraph_format.line_spacing = Pt(8)


def _figure(doc: Any, f: Figure) -> None:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Pt(0)
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    para.paragraph_format.keep_with_next = bool(f.caption)
    run = para.add_run()
    shape = run.add_picture(io.BytesIO(f.png), width=Mm(TEXT_WIDTH_MM * min(f.width, 1.0)))
    # alt text (descr) for screen readers and WPS/Word's 可选文字
    doc_pr = shape._inline.find(qn("wp:docPr"))
    if doc_pr is not None:
        doc_pr.set("descr", f.alt or f.caption)
        doc_pr.set("title", f.caption)
    if f.caption:
        cap = doc.add_paragraph(style="Caption")
        _add_runs(cap, [f.caption])


def _callout(doc: Any, c: Callout) -> None:
    if c.kind == "score":
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        parts: list[Any] = []
        if c.total is not None:
            parts += ["综合得分：", Span(f"{c.total}", strong=True), c.unit]
        if c.grade is not None:
            parts += [f"　{c.grade_label}：", Span(f"“{c.grade}”", strong=True)]
        _add_runs(para, parts)
        for b in c.blocks:
            _block(doc, b)
        return
    table = doc.add_table(rows=1, cols=1)
    table.style = doc.styles["Table Grid"]
    cell = table.cell(0, 0)
    _shade(cell, "FFF8E5" if c.kind == "warn" else "F4F6F9")
    first = True
    blocks = ([Paragraph(Span(c.title, strong=True))] if c.title else []) + list(c.blocks)
    for b in blocks:
        if isinstance(b, Paragraph | str):
            p = b if isinstance(b, Paragraph) else Paragraph(b)
            para = cell.paragraphs[0] if first else cell.add_paragraph()
            para.paragraph_format.first_line_indent = Pt(0)
            _add_runs(para, p.runs, size=NOTE_PT + 2)
        elif isinstance(b, BulletList):
            for k, item in enumerate(b.items, start=1):
                para = cell.paragraphs[0] if first else cell.add_paragraph()
                para.paragraph_format.first_line_indent = Pt(0)
                _add_runs(para, [f"{k}. ", *item.runs], size=NOTE_PT + 2)
                first = False
            continue
        else:  # tables and figures inside a box: after it
            _block(doc, b)
        first = False
    doc.add_paragraph().paragraph_format.line_spacing = Pt(8)


def _section(doc: Any, s: Section) -> None:
    if s.heading:
        doc.add_heading(s.title, level=min(max(s.level, 1), 4))
    for b in s.blocks:
        _block(doc, b)


def _block(doc: Any, b: Any) -> None:
    if isinstance(b, Paragraph):
        _paragraph(doc, b)
    elif isinstance(b, str):
        _paragraph(doc, Paragraph(b))
    elif isinstance(b, BulletList):
        _list(doc, b)
    elif isinstance(b, Table):
        _table(doc, b)
    elif isinstance(b, Figure):
        _figure(doc, b)
    elif isinstance(b, Callout):
        _callout(doc, b)
    elif isinstance(b, Section):
        _section(doc, b)
    else:
        raise TypeError(f"not a report block: {type(b).__name__}")


def render_docx(document: Document) -> bytes:
    """The document as ``.docx`` bytes (deterministic: the same document gives the same bytes)."""
    import datetime

    doc = _new_docx()
    _setup(doc)
    props = doc.core_properties
    props.title = document.title
    props.author = "Jixiao（绩效）"
    props.language = "zh-CN"
    fixed = datetime.datetime(*FIXED_DATE)
    props.created = props.modified = fixed
    props.last_modified_by = "Jixiao（绩效）"
    props.revision = 1
    doc.add_paragraph(document.title, style="Title")
    for line in document.meta:
        _paragraph(doc, Paragraph(line, "meta"))
    for s in document.sections:
        _section(doc, s)
    if document.appendix:
        doc.add_page_break()
        for s in document.appendix:
            _section(doc, s)
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and order (byte-identical output for equal input)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
