"""Every example's results.json, byte for byte, against tests/golden/results/ (tools/update_golden.py).

A refactor proves itself here: the examples give byte-identical results. A change that is meant to
move numbers refreshes the golden files in the same commit, so the diff shows what changed."""

from __future__ import annotations

import pytest

from .conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "results"


@pytest.mark.notebook
def test_every_example_gives_its_golden_results(demo_library):
    archived = {
        f"{p.parent.parent.name}__{p.parent.name}.json": p.read_bytes()
        for p in demo_library.glob("*/*/results.json")
    }
    golden = {p.name: p.read_bytes() for p in GOLDEN.glob("*.json")}
    assert sorted(archived) == sorted(golden), "examples and golden results differ in number"
    changed = [name for name in golden if archived[name] != golden[name]]
    assert not changed, f"results.json changed (refresh with tools/update_golden.py): {changed}"
    assert len(golden) == len(list(EXAMPLES.glob("*.yaml")))


def _docx_outline(path):
    """(headings, tables, pictures) of a report.docx, read with python-docx."""
    from docx import Document

    doc = Document(str(path))
    headings = [
        p.text.strip()
        for p in doc.paragraphs
        if p.style.name.startswith("Heading") and p.text.strip()
    ]
    pictures = len(doc.inline_shapes)
    return headings, len(doc.tables), pictures


def _html_outline(path):
    """(headings, tables, pictures) of a report.html (the report body, title block excluded)."""
    from html.parser import HTMLParser

    class Outline(HTMLParser):
        def __init__(self):
            super().__init__()
            self.headings, self.tables, self.pictures = [], 0, 0
            self._in, self._text = None, []

        def handle_starttag(self, tag, attrs):
            if tag in ("h2", "h3", "h4", "h5"):
                self._in, self._text = tag, []
            elif tag == "table":
                self.tables += 1
            elif tag == "img":
                self.pictures += 1

        def handle_data(self, data):
            if self._in:
                self._text.append(data)

        def handle_endtag(self, tag):
            if tag == self._in:
                text = "".join(self._text).strip()
                if text:
                    self.headings.append(text)
                self._in = None

    parser = Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.headings, parser.tables, parser.pictures


@pytest.mark.notebook
def test_every_archive_has_a_word_report_with_the_html_outline(demo_library):
    """report.docx beside report.html in every archive, hashed in provenance, with the same
    headings (as Word heading styles, so the navigation pane and a TOC work), the same number of
    tables and the same figures as report.html."""
    import json

    folders = sorted(p.parent for p in demo_library.glob("*/*/results.json"))
    assert folders
    for folder in folders:
        docx_path, html_path = folder / "report.docx", folder / "report.html"
        assert docx_path.is_file(), f"{folder.name}: no report.docx"
        files = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        assert "report.docx" in json.dumps(files, ensure_ascii=False), folder.name
        d_heads, d_tables, d_pics = _docx_outline(docx_path)
        h_heads, h_tables, h_pics = _html_outline(html_path)
        assert d_heads == h_heads, folder.name
        assert d_pics == h_pics, folder.name
        # a callout box is a one-cell table in Word and a <div> in HTML
        assert d_tables >= h_tables, folder.name
