"""The report document model and its two renderers, tested on the same documents."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from methods import fonts  # noqa: E402
from methods.report.document import (  # noqa: E402
    BulletList,
    Callout,
    Cell,
    Document,
    Figure,
    Paragraph,
    Section,
    Span,
    Table,
    plain_text,
)
from methods.report.docx import render_docx  # noqa: E402
from methods.report.html import render_block, render_page  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    fonts.register()
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.bar(["决策", "过程"], [13.1, 17.54])
    doc = Document("武进区示例项目 2023 年度绩效评价报告", ("常州市武进区某局 ｜ 2023 年度",))
    rows = [
        [Cell("决策", rowspan=2), "项目立项", "3"],
        ["资金投入", "2"],
        ["过程", "资金管理", "4"],
    ]
    doc.add(
        Section(
            "一、基本情况",
            [
                Section("（一）项目概况", [Paragraph(["总投资", Span("3,800.00万元", strong=True)])],
                        level=2),
                Table.kv([("项目名称", "<script>alert(1)</script>"), ("空值", None)]),
                Table(rows, ["一级指标", "二级指标", "分值"], numeric=[2], column_css=True,
                      note="说明：示例"),
                Figure.from_matplotlib(fig, "图 1 一级指标得分", "两根柱子：决策 13.1、过程 17.54"),
                Callout("score", [Paragraph("等级标准", "meta")], total="93.91", grade="优"),
                Callout("warn", [BulletList(["提示一"])]),
            ],
        ),
        Section("二、综合评价结论", [BulletList([])]),
    )  # fmt: skip
    doc.add_appendix(Section("附件：评分表", [Table([["A1", "1"]], ["指标", "得分"])]))
    return doc


def test_document_round_trips_through_json(sample):
    data = json.loads(json.dumps(sample.to_dict(), ensure_ascii=False))
    again = Document.from_dict(data)
    assert again.to_dict() == sample.to_dict()
    assert "3,800.00万元" in plain_text(again) and "附件：评分表" in plain_text(again)


def test_html_escapes_user_text_and_merges_cells(sample):
    page = render_page(sample)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "空值" not in page  # empty kv rows are left out
    assert '<td rowspan="2">决策</td>' in page
    assert '<td class="c1">资金投入</td>' in page  # logical column after a merged cell
    assert 'class="c2 num">3<' in page
    assert "data:image/png;base64," in page and 'alt="两根柱子' in page
    assert '<span class="jx-grade jx-grade-a">优</span>' in page
    assert "<p>（无）</p>" in page
    assert "<h2>一、基本情况</h2>" in page and "<h3>（一）项目概况</h3>" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_blocks_show_themselves_in_a_notebook(sample):
    section = sample.sections[0]
    assert section._repr_html_() == render_block(section)
    assert sample._repr_html_().startswith('<div class="jx-title">')


def test_docx_layout_headings_tables_and_figures(sample):
    data = render_docx(sample)
    assert data == render_docx(sample)  # deterministic bytes
    d = docx.Document(io.BytesIO(data))
    sec = d.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert (round(sec.top_margin.mm), round(sec.bottom_margin.mm)) == (37, 35)
    assert (round(sec.left_margin.mm), round(sec.right_margin.mm)) == (28, 26)
    heads = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert heads[:2] == [("Heading 1", "一、基本情况"), ("Heading 2", "（一）项目概况")]
    assert ("Heading 1", "附件：评分表") in heads
    assert d.paragraphs[0].style.name == "Title" and "绩效评价报告" in d.paragraphs[0].text
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<w:tblHeader" in xml  # header rows repeat across pages
    assert 'descr="两根柱子' in xml  # the figure's alt text
    assert "w:vMerge" in xml  # the merged 决策 cell
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
    assert "仿宋_GB2312" in styles and "黑体" in styles and "楷体_GB2312" in styles
    footer = "".join(
        zipfile.ZipFile(io.BytesIO(data)).read(n).decode("utf-8")
        for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
        if n.startswith("word/footer")
    )
    assert "PAGE" in footer and "—" in footer
    media = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/media")]
    assert len(media) == 1
    tables = d.tables
    assert tables[1].rows[0].cells[0].text == "一级指标"
    assert tables[1].cell(1, 0).text == tables[1].cell(2, 0).text == "决策"
