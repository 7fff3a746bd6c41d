"""The report as data: a document model that HTML and Word are rendered from.

A report is a :class:`Document`: a title block, numbered :class:`Section` s (一、（一）1.) and an
appendix. Sections hold blocks: :class:`Paragraph` (text with inline emphasis, :class:`Span`),
:class:`BulletList`, :class:`Table` (header rows, cells with spans and number alignment, a note),
:class:`Figure` (a PNG at print resolution with a Chinese caption and alt text) and
:class:`Callout` (the grade card, a warning box, a 红黄绿灯 legend …).

Evaluation types build these from their analysis results (never HTML strings); the renderers in
:mod:`methods.report.html` and :mod:`methods.report.docx` know nothing about evaluation types. A
document serialises to JSON (figures as base64 PNG) so the notebook that built it can hand it to
the runner, which renders ``report.html`` and ``report.docx`` from the same outline.

Every block shows itself in JupyterLab (``_repr_html_``), so a notebook displays a report section
by section as it is built.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from methods._protocol import DOCUMENT_MIME  # noqa: F401  (re-exported)

ParagraphStyle = Literal["body", "note", "meta", "lead", "center"]
CalloutKind = Literal["score", "warn", "note", "box"]


@dataclass(frozen=True)
class Span:
    """Inline text with emphasis: ``strong`` (bold), ``em`` (italic), or a ``tone`` that the
    renderers colour (``good``, ``bad``, ``warn``, ``muted``; lights ``green``/``yellow``/``red``)."""

    text: str
    strong: bool = False
    em: bool = False
    tone: str | None = None


Inline = str | Span


def _runs(content: Inline | Sequence[Inline]) -> tuple[Inline, ...]:
    if isinstance(content, str | Span):
        return (content,)
    return tuple(content)


class _Block:
    """Common behaviour: serialisation, a short text form; notebook display (``_repr_html_``) is
    attached by :mod:`methods.report.html`, which the ``methods.report`` package imports."""

    def __repr__(self) -> str:  # never the raw data (a figure's PNG bytes) in a notebook output
        text = plain_text(self).replace("\n", " ")
        return f"<{type(self).__name__}: {text[:60]}{'…' if len(text) > 60 else ''}>"

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True, init=False, repr=False)
class Paragraph(_Block):
    """A paragraph of runs (plain text and :class:`Span`).

    ``style``: ``body`` (default), ``note`` (small, muted: 说明), ``meta`` (muted line under a
    title), ``lead`` (a sentence that stands out), ``center``.
    """

    runs: tuple[Inline, ...]
    style: str = "body"

    def __init__(self, content: Inline | Sequence[Inline], style: ParagraphStyle = "body"):
        object.__setattr__(self, "runs", _runs(content))
        object.__setattr__(self, "style", style)

    @property
    def text(self) -> str:
        return "".join(r if isinstance(r, str) else r.text for r in self.runs)


@dataclass(frozen=True, init=False, repr=False)
class BulletList(_Block):
    """A list (numbered 1. 2. … by default); an empty list shows ``empty``."""

    items: tuple[Paragraph, ...]
    ordered: bool = True
    empty: str = "（无）"

    def __init__(
        self,
        items: Iterable[Inline | Sequence[Inline] | Paragraph],
        *,
        ordered: bool = True,
        empty: str = "（无）",
    ):
        paras = tuple(i if isinstance(i, Paragraph) else Paragraph(i) for i in items)
        object.__setattr__(self, "items", paras)
        object.__setattr__(self, "ordered", ordered)
        object.__setattr__(self, "empty", empty)


@dataclass(frozen=True, init=False, repr=False)
class Cell:
    """A table cell: text (or runs), spans, alignment and a CSS-like class (``lost``, …)."""

    runs: tuple[Inline, ...]
    rowspan: int = 1
    colspan: int = 1
    numeric: bool | None = None  # None: the table's numeric columns decide
    css: str = ""
    header: bool = False  # a row-header cell (kv tables)

    def __init__(
        self,
        content: Inline | Sequence[Inline] | None = "",
        *,
        rowspan: int = 1,
        colspan: int = 1,
        numeric: bool | None = None,
        css: str = "",
        header: bool = False,
    ):
        object.__setattr__(self, "runs", _runs("" if content is None else content))
        object.__setattr__(self, "rowspan", rowspan)
        object.__setattr__(self, "colspan", colspan)
        object.__setattr__(self, "numeric", numeric)
        object.__setattr__(self, "css", css)
        object.__setattr__(self, "header", header)

    @property
    def text(self) -> str:
        return "".join(r if isinstance(r, str) else r.text for r in self.runs)


# A column whose body cells average this many display units (:func:`display_units`) holds
# running text; in a table without ``widths`` such columns get room (Table.auto_widths).
LONG_COLUMN_UNITS = 30
_IDENTIFIER = re.compile(r"[\x21-\x7e]+")  # one Latin token: wraps anywhere, is no running text


def display_units(text: str) -> int:
    """The width of ``text`` in half-width units: a Chinese (full-width) character counts 2."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def _cell(value: Any) -> Cell:
    if isinstance(value, Cell):
        return value
    if isinstance(value, Span):
        return Cell(value)
    if isinstance(value, list | tuple):
        return Cell(tuple(value))
    return Cell("" if value is None else str(value))


@dataclass(frozen=True, init=False, repr=False)
class Table(_Block):
    """A table: header rows, body rows, right-aligned ``numeric`` columns, a ``note`` under it.

    ``kind``: ``grid`` (default) or ``kv`` (two-column 项目/内容 table: first cell a row header).
    ``classes`` are extra CSS classes for the HTML renderer (``jx-indicators`` …); ``row_css``
    gives each body row a class (``lost``). ``widths`` are relative column widths (Word);
    without them, columns of running text get room (:meth:`long_columns`, :meth:`auto_widths`).
    """

    header: tuple[tuple[Cell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: frozenset[int] = frozenset()
    kind: str = "grid"
    classes: str = ""
    row_css: tuple[str, ...] = ()
    note: Paragraph | None = None
    caption: str | None = None
    widths: tuple[float, ...] | None = None
    column_css: bool = False  # give body cells a c{j} class (column-specific HTML styling)

    def __init__(
        self,
        rows: Iterable[Sequence[Any]],
        header: Sequence[Any] | Sequence[Sequence[Any]] = (),
        *,
        numeric: Iterable[int] = (),
        kind: Literal["grid", "kv"] = "grid",
        classes: str = "",
        row_css: Sequence[str] = (),
        note: Paragraph | Inline | Sequence[Inline] | None = None,
        caption: str | None = None,
        widths: Sequence[float] | None = None,
        column_css: bool = False,
    ):
        header = list(header)
        if header and not isinstance(header[0], list | tuple):
            header = [header]
        object.__setattr__(self, "header", tuple(tuple(_cell(h) for h in hr) for hr in header))
        object.__setattr__(self, "rows", tuple(tuple(_cell(c) for c in row) for row in rows))
        object.__setattr__(self, "numeric", frozenset(numeric))
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "classes", classes)
        object.__setattr__(self, "row_css", tuple(row_css))
        if note is not None and not isinstance(note, Paragraph):
            note = Paragraph(note, "note")
        object.__setattr__(self, "note", note)
        object.__setattr__(self, "caption", caption)
        object.__setattr__(self, "widths", tuple(widths) if widths else None)
        object.__setattr__(self, "column_css", column_css)

    @property
    def n_columns(self) -> int:
        rows = [*self.header, *self.rows]
        return max((sum(c.colspan for c in r) for r in rows[:1]), default=0) or max(
            (sum(c.colspan for c in r) for r in rows), default=0
        )

    def positions(self, rows: Sequence[Sequence[Cell]] | None = None) -> list[list[int]]:
        """The logical column of every cell, row by row: cells covered by a ``rowspan`` from a
        row above are not written in the rows they cover, so a row's cells start after them."""
        rows = self.rows if rows is None else rows
        covered: dict[int, int] = {}  # column -> rows still covered
        out = []
        for row in rows:
            cols, col = [], 0
            for c in row:
                while covered.get(col, 0) > 0:
                    col += 1
                cols.append(col)
                for k in range(c.colspan):
                    if c.rowspan > 1:
                        covered[col + k] = c.rowspan  # includes this row; decremented below
                col += c.colspan
            for k in list(covered):
                covered[k] -= 1
                if covered[k] <= 0:
                    del covered[k]
            out.append(cols)
        return out

    def long_columns(self) -> frozenset[int]:
        """The logical columns that hold running text (问题, 整改措施, 说明 …): not numeric, in a
        grid of more than two columns, body cells (single-column ones) averaging
        :data:`LONG_COLUMN_UNITS` display units or more, and not only identifiers (a column of
        case ids is not running text). The renderers give them room: a minimum
        width in HTML, a larger share in Word when the table has no ``widths``."""
        if self.kind == "kv" or self.n_columns <= 2:
            return frozenset()
        lengths: dict[int, list[int]] = {}
        words: dict[int, bool] = {}  # the column holds text, not only identifiers (case ids)
        for row, cols in zip(self.rows, self.positions(), strict=True):
            for c, col in zip(row, cols, strict=True):
                if c.colspan == 1 and not c.header:
                    lengths.setdefault(col, []).append(display_units(c.text))
                    if c.text and not _IDENTIFIER.fullmatch(c.text):
                        words[col] = True
        return frozenset(
            col
            for col, ls in lengths.items()
            if col not in self.numeric
            and words.get(col, False)
            and sum(ls) / len(ls) >= LONG_COLUMN_UNITS
        )

    def auto_widths(self, total: float) -> tuple[float, ...] | None:
        """Column widths from the content, in display units summing to ``total`` (what one line
        of the renderer's table holds), for a table without ``widths`` that has running-text
        columns (:meth:`long_columns`); None otherwise (the renderer's own layout stands).

        Each column wants its longest cell, header included, plus padding. Numeric columns get
        it (numbers do not wrap), the others at least their header's width (running-text columns
        excepted: they get their share in any case). Beyond that they are filled like water: the
        narrow ones (序号, 状态) get their width, the wide ones share what is left in proportion
        to their average text, between once and twice the share of a short column (a case id or
        a department name wraps before 整改措施 does); room to spare goes to the running-text
        columns."""
        if self.widths is not None:
            return None
        long = self.long_columns()
        if not long:
            return None
        n = self.n_columns
        natural, floor = [4.0] * n, [4.0] * n
        lengths: list[list[int]] = [[] for _ in range(n)]
        for rows in (self.header, self.rows):
            for row, cols in zip(rows, self.positions(rows), strict=True):
                for c, col in zip(row, cols, strict=True):
                    if c.colspan == 1 and col < n:
                        units = display_units(c.text)
                        natural[col] = max(natural[col], units + 3.0)
                        if rows is self.header and col not in long:
                            floor[col] = max(floor[col], units + 3.0)
                        if rows is self.rows:
                            lengths[col].append(units)
        for j in range(n):
            if j in self.numeric and j not in long:
                floor[j] = natural[j]
        # a column's share grows with its text: running text up to twice another column's
        weight = [
            min(2.0, max(1.0, sum(ls) / len(ls) / LONG_COLUMN_UNITS)) if ls else 1.0
            for ls in lengths
        ]

        def widths(level: float) -> list[float]:
            return [min(natural[j], max(floor[j], weight[j] * level)) for j in range(n)]

        if sum(floor) >= total:
            return tuple(floor)
        if sum(natural) <= total:
            spare = (total - sum(natural)) / len(long)
            return tuple(w + spare if j in long else w for j, w in enumerate(natural))
        low, high = 0.0, max(natural)
        for _ in range(60):  # the level at which the columns fill the line (bisection)
            mid = (low + high) / 2
            low, high = (mid, high) if sum(widths(mid)) < total else (low, mid)
        return tuple(round(w, 3) for w in widths(high))

    @classmethod
    def kv(cls, pairs: Iterable[tuple[str, Any]], **kwargs: Any) -> Table:
        """A 项目/内容 table; pairs whose value is None or empty are left out."""
        rows = [
            [Cell(str(k), header=True), _cell(v)] for k, v in pairs if v is not None and v != ""
        ]
        return cls(rows, kind="kv", **kwargs)


@dataclass(frozen=True, repr=False)
class Figure(_Block):
    """A chart: PNG bytes (print resolution), a Chinese caption and alt text, and its width as a
    share of the text width."""

    png: bytes
    caption: str = ""
    alt: str = ""
    width: float = 1.0

    @classmethod
    def from_matplotlib(
        cls, fig: Any, caption: str = "", alt: str = "", *, width: float = 1.0, dpi: int = 200
    ) -> Figure:
        """Save a matplotlib figure as PNG at ``dpi`` (200: sharp in print) and close it."""
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        return cls(buf.getvalue(), caption, alt or caption, width)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "Figure",
            "png": base64.b64encode(self.png).decode("ascii"),
            "caption": self.caption,
            "alt": self.alt,
            "width": self.width,
        }


@dataclass(frozen=True, init=False, repr=False)
class Callout(_Block):
    """A box that stands out: ``score`` (the total and grade card), ``warn`` (提示), ``note``
    or ``box`` (a plain framed block).

    A ``score`` callout holds ``total`` (text), ``unit`` and ``grade`` plus optional blocks.
    """

    kind: str
    blocks: tuple[Any, ...]
    total: str | None = None
    unit: str = "分"
    grade: str | None = None
    title: str | None = None
    grade_class: str | None = None
    grade_label: str = "评价等级"

    def __init__(
        self,
        kind: CalloutKind,
        blocks: Iterable[Any] = (),
        *,
        total: str | None = None,
        unit: str = "分",
        grade: str | None = None,
        title: str | None = None,
        grade_class: str | None = None,
        grade_label: str = "评价等级",
    ):
        object.__setattr__(self, "kind", kind)
        object.__setattr__(
            self, "blocks", tuple(b if not isinstance(b, str) else Paragraph(b) for b in blocks)
        )
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "grade", grade)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "grade_class", grade_class)
        object.__setattr__(self, "grade_label", grade_label)


Block = Paragraph | BulletList | Table | Figure | Callout


@dataclass(frozen=True, init=False, repr=False)
class Section(_Block):
    """A titled part of the report: ``level`` 1 (一、), 2 (（一）), 3 (1.), 4 (（1）).

    The title carries its own number as the outline writes it (``一、基本情况``); ``heading``
    False gives an untitled group of blocks (shown under the previous heading).
    """

    title: str
    blocks: tuple[Any, ...]
    level: int = 1
    heading: bool = True

    def __init__(self, title: str, blocks: Iterable[Any] = (), *, level: int = 1):
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "blocks", tuple(_flatten(blocks)))
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "heading", bool(title))


def _flatten(blocks: Iterable[Any]) -> Iterable[Any]:
    for b in blocks:
        if b is None:
            continue
        if isinstance(b, list | tuple):
            yield from _flatten(b)
        elif isinstance(b, str):
            yield Paragraph(b)
        else:
            yield b


def group(*blocks: Any) -> Section:
    """Blocks without a heading of their own (they follow the previous heading)."""
    return Section("", blocks)


@dataclass(repr=False)
class Document(_Block):
    """A whole report: title, meta line(s), sections and an appendix (附件 / 技术附件).

    Mutable while a notebook builds it (:meth:`add`); serialised with :meth:`to_dict`.
    """

    title: str
    meta: tuple[str, ...] = ()
    sections: list[Section] = field(default_factory=list)
    appendix: list[Section] = field(default_factory=list)
    footer: str = ""

    def add(self, *sections: Section | Sequence[Section]) -> Document:
        for s in _flatten(sections):
            self.sections.append(s if isinstance(s, Section) else group(s))
        return self

    def add_appendix(self, *sections: Section) -> Document:
        self.appendix.extend(_flatten(sections))
        return self

    def title_block(self) -> Section:
        """The title and meta lines as a displayable block (the notebook shows it first)."""
        return _TitleBlock(self.title, self.meta)  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "Document",
            "title": self.title,
            "meta": list(self.meta),
            "sections": [_to_dict(s) for s in self.sections],
            "appendix": [_to_dict(s) for s in self.appendix],
            "footer": self.footer,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return _from_dict(data)


@dataclass(frozen=True, repr=False)
class _TitleBlock(_Block):
    title: str
    meta: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Serialisation (JSON: the notebook hands the document to the runner)

_TYPES: dict[str, type] = {}


def _to_dict(obj: Any) -> Any:
    if isinstance(obj, Figure):
        return obj.to_dict()
    if isinstance(obj, Document):
        return obj.to_dict()
    if isinstance(obj, Span):
        return {"type": "Span", "text": obj.text, "strong": obj.strong, "em": obj.em,
                "tone": obj.tone}  # fmt: skip
    if isinstance(obj, str):
        return obj
    if isinstance(obj, frozenset):
        return sorted(obj)
    if isinstance(obj, tuple | list):
        return [_to_dict(x) for x in obj]
    if hasattr(obj, "__dataclass_fields__"):
        out = {"type": type(obj).__name__}
        for name in obj.__dataclass_fields__:
            out[name] = _to_dict(getattr(obj, name))
        return out
    return obj


def _from_dict(data: Any) -> Any:
    if isinstance(data, list):
        return [_from_dict(x) for x in data]
    if not isinstance(data, dict) or "type" not in data:
        return data
    kind = data["type"]
    d = {k: v for k, v in data.items() if k != "type"}
    if kind == "Span":
        return Span(**d)
    if kind == "Figure":
        return Figure(base64.b64decode(d["png"]), d["caption"], d["alt"], d["width"])
    if kind == "Paragraph":
        return Paragraph(tuple(_from_dict(d["runs"])), d["style"])
    if kind == "BulletList":
        return BulletList(_from_dict(d["items"]), ordered=d["ordered"], empty=d["empty"])
    if kind == "Cell":
        return Cell(
            tuple(_from_dict(d["runs"])),
            rowspan=d["rowspan"],
            colspan=d["colspan"],
            numeric=d["numeric"],
            css=d["css"],
            header=d["header"],
        )
    if kind == "Table":
        return Table(
            [tuple(_from_dict(r)) for r in d["rows"]],
            [tuple(_from_dict(r)) for r in d["header"]],
            numeric=d["numeric"],
            kind=d["kind"],
            classes=d["classes"],
            row_css=d["row_css"],
            note=_from_dict(d["note"]),
            caption=d["caption"],
            widths=d["widths"],
            column_css=d["column_css"],
        )
    if kind == "Callout":
        return Callout(
            d["kind"],
            _from_dict(d["blocks"]),
            total=d["total"],
            unit=d["unit"],
            grade=d["grade"],
            title=d["title"],
            grade_class=d.get("grade_class"),
            grade_label=d.get("grade_label", "评价等级"),
        )
    if kind == "Section":
        return Section(d["title"], _from_dict(d["blocks"]), level=d["level"])
    if kind == "Document":
        return Document(
            d["title"],
            tuple(d["meta"]),
            _from_dict(d["sections"]),
            _from_dict(d["appendix"]),
            d.get("footer", ""),
        )
    raise ValueError(f"unknown document block type {kind!r}")


def walk(obj: Any) -> Iterable[Any]:
    """Every block of a document or section, depth first (sections, then their blocks)."""
    if isinstance(obj, Document):
        for s in [*obj.sections, *obj.appendix]:
            yield from walk(s)
        return
    yield obj
    if isinstance(obj, Section | Callout):
        for b in obj.blocks:
            yield from walk(b)


def plain_text(obj: Any) -> str:
    """All the text of a document or block (titles, paragraphs, cells, captions): what a reader
    sees, for tests that scan a report body."""
    out: list[str] = []
    if isinstance(obj, Document):
        out += [obj.title, *obj.meta]
    for b in walk(obj):
        if isinstance(b, Section) and b.heading:
            out.append(b.title)
        elif isinstance(b, Paragraph):
            out.append(b.text)
        elif isinstance(b, BulletList):
            out += [p.text for p in b.items]
        elif isinstance(b, Table):
            if b.caption:
                out.append(b.caption)
            out += [c.text for row in (*b.header, *b.rows) for c in row]
            if b.note is not None:
                out.append(b.note.text)
        elif isinstance(b, Figure):
            out += [b.caption, b.alt]
        elif isinstance(b, Callout):
            out += [x for x in (b.title, b.total, b.grade) if x]
    return "\n".join(out)
