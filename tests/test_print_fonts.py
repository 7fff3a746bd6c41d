"""Print and fonts: report.html embeds a per-report subset of the bundled font (after the system
CJK fonts it names), prints on A4 with headings kept with what follows and no block that leaves
most of a page blank, gives running-text columns room (HTML and Word), and the 结果应用 chart
switches to a logarithmic axis when one amount dwarfs the others."""

from __future__ import annotations

import base64
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402

from methods import fonts  # noqa: E402
from methods.report.document import (  # noqa: E402
    BulletList,
    Callout,
    Document,
    Figure,
    Paragraph,
    Section,
    Table,
)
from methods.report.docx import render_docx  # noqa: E402
from methods.report.html import render_block, render_page, stylesheet, visible_text  # noqa: E402

FONT_FACE = re.compile(
    r'@font-face \{[^}]*font-family: "([^"]+)";[^}]*'
    r'src: url\("data:font/(woff2|woff|otf);base64,([A-Za-z0-9+/=]+)"\)'
)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

RECTIFICATION = Table(
    [
        [
            "wujin_old_community_renovation_2023",
            "1",
            "改造户数：实际 1,986 户，完成率 94.57%，按比例计分；扣 0.54 分",
            "常州市武进区住房和城乡建设局",
            "加强预算编制与项目论证，建立动态调整机制，对未完成的改造任务限期整改并报送进展。",
            "2024 年 6 月 30 日前",
            "待整改",
        ],
        [
            "wujin_farmland_2023",
            "2",
            "资金到位率：实际 92%，目标 100%；扣 0.6 分",
            "常州市武进区农业农村局",
            "督促资金及时拨付，建立资金到位情况月报制度，明确责任人和时限。",
            "2024 年 6 月 30 日前",
            "整改中",
        ],
    ],
    ["案例", "序号", "问题", "责任单位", "整改措施", "整改期限", "状态"],
)


def _document(text: str = "") -> Document:
    fonts.register()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["决策", "过程"], [13.1, 17.54])
    doc = Document("武进区示例项目 2023 年度绩效评价报告", ("常州市武进区某局 ｜ 2023 年度",))
    doc.add(
        Section(
            "一、基本情况",
            [
                Paragraph(
                    "农村生活污水治理设施覆盖率达到目标，鳏寡孤独老人上门服务（≥90%）。" + text
                ),
                RECTIFICATION,
                Figure.from_matplotlib(fig, "图 1 一级指标得分", "两根柱子：决策 13.1、过程 17.54"),
                Callout("warn", [Paragraph("提示：预算执行率偏低。")]),
            ],
        ),
        Section("二、综合评价结论", [BulletList(["结论一", "结论二"])]),
    )
    return doc


def _embedded(page: str) -> tuple[str, str, bytes]:
    m = FONT_FACE.search(page)
    assert m, "no embedded @font-face"
    return m.group(1), m.group(2), base64.b64decode(m.group(3))


def _page_text(page: str) -> str:
    body = page[page.index("</style>") :]
    body = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", body)
    return visible_text(body)


# ---------------------------------------------------------------------------------------------
# The embedded font


def test_page_embeds_a_valid_font_covering_its_text():
    page = render_page(_document())
    family, flavor, data = _embedded(page)
    assert family == fonts.FONT_NAME
    assert flavor == fonts.web_font_flavor()
    font = TTFont(io.BytesIO(data))  # fontTools reads it back
    cmap = font.getBestCmap()
    text = _page_text(page)
    assert "鳏" in text and "≥" in text
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}
    assert not missing, missing
    assert all(ord(ch) in cmap for ch in fonts.BASE_CHARACTERS)
    # a subset: far fewer glyphs than the bundled font, and the OFL records travel along
    full = TTFont(fonts.FONT_FILE, lazy=True)
    assert len(font.getGlyphOrder()) < len(full.getGlyphOrder()) / 10
    names = {n.nameID: str(n) for n in font["name"].names}
    assert "Open Font License" in names[13] and names[1] == fonts.FONT_NAME
    assert len(data) < 300_000


def test_subset_holds_only_the_characters_used():
    small = TTFont(io.BytesIO(fonts.subset_font("绩效")))
    cmap = small.getBestCmap()
    assert ord("绩") in cmap and ord("效") in cmap and ord("鳏") not in cmap
    cjk = [cp for cp in cmap if CJK.match(chr(cp))]
    assert sorted(cjk) == sorted(ord(ch) for ch in "绩效")


def test_embedded_font_is_deterministic():
    a, b = render_page(_document()), render_page(_document())
    assert a == b
    assert fonts.subset_font("评价报告") == fonts.subset_font("评价报告")
    head = TTFont(io.BytesIO(fonts.subset_font("评价报告")))["head"]
    assert head.modified == TTFont(fonts.FONT_FILE, lazy=True)["head"].modified  # no run date


def test_each_flavor_is_readable():
    for flavor in ("woff", "otf"):
        font = TTFont(io.BytesIO(fonts.subset_font("预算", flavor=flavor)))
        assert font.flavor == (None if flavor == "otf" else flavor)
        assert ord("预") in font.getBestCmap()


def test_bundled_font_comes_after_the_system_fonts():
    css = stylesheet()
    m = re.search(r"body\.jx-report \{[^}]*font-family:([^;]+);", css)
    families = [f.strip().strip('"') for f in m.group(1).replace("\n", " ").split(",")]
    assert families.index(fonts.FONT_NAME) > 0
    system = families[: families.index(fonts.FONT_NAME)]
    assert "Noto Sans CJK SC" in system and "Microsoft YaHei" in system and "PingFang SC" in system
    assert families[-1] == "sans-serif"
    page = render_page(_document())
    assert page.index("@font-face") < page.index("body.jx-report {")


def test_page_without_the_font_when_asked():
    page = render_page(_document(), font_css="")
    assert "@font-face" not in page and "<script" not in page and "http://" not in page


# ---------------------------------------------------------------------------------------------
# Print layout


def _print_rules() -> list[tuple[str, str]]:
    css = stylesheet()
    start = css.index("@media print {")
    depth, end = 0, start
    for i in range(start, len(css)):
        depth += css[i] == "{"
        depth -= css[i] == "}"
        if depth == 0 and css[i] == "}":
            end = i
            break
    block = re.sub(r"/\*.*?\*/", "", css[start + len("@media print {") : end], flags=re.S)
    return [(sel.strip(), body) for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block)]


def test_a4_page_with_margins():
    assert re.search(r"@page \{ size: A4; margin: \d+mm \d+mm; \}", stylesheet())


def test_print_keeps_headings_with_what_follows():
    kept = set()
    for sel, body in _print_rules():
        if re.search(r"break-after:\s*avoid", body):
            kept |= {s.strip() for s in sel.split(",")}
    assert {"h2", "h3", "h4", ".jx-caption"} <= kept


def test_print_never_keeps_whole_output_areas_together():
    big = (".jp-Cell", ".jp-OutputArea", "table", "main", "section", ".jx-box", ".jx-warn", "div")
    for sel, body in _print_rules():
        if not re.search(r"break-inside:\s*avoid", body):
            continue
        for s in (s.strip() for s in sel.split(",")):
            assert not any(s == b or s.startswith(b + ".") or s.startswith(b + " ") for b in big), s
            assert s in {"tr", "img", "figure.jx-figure", ".jx-score", ".jx-keep"} or re.fullmatch(
                r"h[1-4]|\.jx-title|\.jx-caption", s
            ), s
    rules = dict(_print_rules())
    assert any("thead" in sel and "table-header-group" in body for sel, body in rules.items())


def test_only_short_boxes_are_kept_on_one_page():
    short = render_block(Callout("warn", [Paragraph("提示：预算执行率偏低。")]))
    long = render_block(Callout("warn", [BulletList(["提示内容较长的一条说明文字。" * 4] * 6)]))
    assert 'class="jx-warn jx-keep"' in short
    assert "jx-keep" not in long


# ---------------------------------------------------------------------------------------------
# Running-text columns get room


def test_running_text_columns_get_room_in_html():
    assert RECTIFICATION.long_columns() == frozenset({2, 4})  # 问题, 整改措施; not the case id
    html = render_block(RECTIFICATION)
    cells = re.findall(r"<td([^>]*)>([^<]*)</td>", html)
    measure = [attrs for attrs, text in cells if text.startswith("加强预算编制")]
    assert measure == [' class="jx-long"']
    ids = [attrs for attrs, text in cells if text.startswith("wujin_")]
    assert ids == [' class="jx-id"'] * 2  # case ids wrap, with a minimum width
    assert re.search(r"td\.jx-id \{ min-width: \d+em; \}", stylesheet())
    assert re.search(r"td\.jx-long \{ min-width: \d+em; \}", stylesheet())
    assert "overflow-wrap: anywhere" in stylesheet()  # case ids wrap instead of widening


def test_running_text_columns_get_room_in_word():
    widths = RECTIFICATION.auto_widths(84)
    assert widths is not None and sum(widths) == pytest.approx(84, abs=0.01)
    by = dict(zip([c.text for c in RECTIFICATION.header[0]], widths, strict=True))
    assert by["整改措施"] == max(widths) and by["问题"] > by["责任单位"] > by["案例"]
    assert by["序号"] >= 7 and by["状态"] >= 7  # the narrow columns keep their header on one line
    assert by["整改措施"] > 1.5 * by["案例"]

    import docx

    doc = Document("整改清单")
    doc.add(Section("三、整改清单", [RECTIFICATION]))
    table = docx.Document(io.BytesIO(render_docx(doc))).tables[0]
    col_widths = [c.width for c in table.columns]
    assert col_widths[4] == max(col_widths) and col_widths[1] < col_widths[4] / 2


def test_tables_without_running_text_keep_their_layout():
    short = Table([["决策", "3"], ["过程", "4"]], ["一级指标", "分值"], numeric=[1])
    assert short.long_columns() == frozenset() and short.auto_widths(84) is None
    given = Table(RECTIFICATION.rows, RECTIFICATION.header, widths=(1, 1, 1, 1, 1, 1, 1))
    assert given.auto_widths(84) is None  # widths set by the outline win


# ---------------------------------------------------------------------------------------------
# 结果应用 chart


def _application(amounts):
    from methods.evaltypes.results_application import Application

    df = pd.DataFrame(
        {
            "title": [f"项目{i}" for i in range(len(amounts))],
            "request": [float(a) for a in amounts],
            "recommended": [float(a) * 0.9 for a in amounts],
        }
    )
    return Application(df, pd.DataFrame(), pd.DataFrame(), "示例口径", len(df))


def test_results_chart_uses_a_log_axis_when_one_amount_dwarfs_the_others():
    from methods.evaltypes.results_application import plot_recommendations

    ax = plot_recommendations(_application([2_480_000, 10_200, 4_200, 1_180]))
    assert ax.get_xscale() == "log"
    assert "对数刻度" in ax.get_xlabel()
    plt.close(ax.figure)


def test_results_chart_stays_linear_otherwise():
    from methods.evaltypes.results_application import plot_recommendations

    fig, given = plt.subplots()
    ax = plot_recommendations(_application([10_200, 4_200, 35_000, 0]), ax=given)
    assert ax is given
    assert ax.get_xscale() == "linear" and "对数" not in ax.get_xlabel()
    plt.close(fig)


# ---------------------------------------------------------------------------------------------
# Every example report (the archive of all examples, shared with the golden tests)


@pytest.mark.notebook
def test_every_example_report_embeds_its_font_and_speaks_chinese(demo_library):
    bundled = TTFont(fonts.FONT_FILE, lazy=True).getBestCmap()
    pages = sorted(demo_library.glob("*/*/report.html"))
    assert len(pages) >= 30
    for path in pages:
        page = path.read_text(encoding="utf-8")
        _, _, data = _embedded(page)
        assert len(data) < 300_000, (path.parent.name, len(data))
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        text = _page_text(page)
        missing = {ch for ch in text if ord(ch) in bundled and ord(ch) not in cmap}
        assert not missing, (path.parent.name, missing)
        for alt in re.findall(r'<img [^>]*alt="([^"]*)"', page):
            assert len(CJK.findall(alt)) >= max(2, len(alt) // 4), (path.parent.name, alt)


def test_the_library_catalogue_embeds_the_font_for_its_own_text(tmp_path):
    """index.html (案例库目录) names the bundled font after the system CJK fonts and embeds a
    subset that covers the page, titles and departments in its data included."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    from methods import catalogue
    from methods.library import Library

    lib = Library(tmp_path / "lib")
    page = catalogue.build(lib).read_text(encoding="utf-8")
    assert '"Microsoft YaHei", "Jixiao Sans SC"' in page
    data = re.search(r'url\("data:font/[a-z0-9]+;base64,([^"]+)"\)', page).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    assert all(ord(ch) in cmap for ch in "案例库目录年度部门")
