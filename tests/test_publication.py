"""公开版 (``jixiao library publish``): the public version of an archived report.

Rules: methods/_data/publication.yaml — 《中华人民共和国政府信息公开条例》（2019 年修订）第十五条
(商业秘密、个人隐私 not disclosed) and 武发〔2020〕48号 (results disclosed with the 决算). The
documents here are built by hand so every expected removal can be counted."""

from __future__ import annotations

import hashlib
import json

import nbformat
import pytest

from methods._protocol import DOCUMENT_MIME
from methods.library import Library
from methods.publication import WITHHELD_CELL, Withheld, public_version, publish_case
from methods.report.document import (
    BulletList,
    Cell,
    Document,
    Paragraph,
    Section,
    Span,
    Table,
    plain_text,
)

from .conftest import EXAMPLES, fake_archive, run_cli

NOTICE = "（此处内容涉及尚在整改中的招投标事项，不予公开。）"
REASON = "涉及尚在整改中的招投标事项"


def _document() -> Document:
    info = Table.kv(
        [
            ("项目名称", "农村生活污水治理"),
            ("责任单位", "区住建局村镇建设科（项目负责人）"),
            ("责任人", "张某"),
        ]
    )
    grid = Table(
        [
            [Cell("过程", rowspan=2), "制度执行有效性", "抽查发现1个标段变更未及时报批"],
            ["资金使用合规性", "合规"],
        ],
        [("一级指标", "三级指标", "扣分原因")],
    )
    return Document(
        "某项目绩效评价报告",
        ("区住建局 ｜ 2023 年度",),
        [
            Section(
                "一、基本情况",
                [
                    info,
                    Paragraph("联系人电话 13912345678，邮箱 abc@wj.gov.cn。"),
                    Paragraph("共设置 21 个三级指标（详见附件2）。"),
                ],
            ),
            Section(
                "二、存在的问题",
                [
                    Paragraph(
                        "制度执行方面发现问题 2 项。1 个标段变更未及时报批；2 份验收资料不全。"
                    ),
                    Paragraph([Span("（一）", strong=True), "标段变更", "未及时报批的问题"]),
                    BulletList(["设施停运 3 处。", "标段变更未及时报批，已责令整改。"]),
                ],
            ),
            Section("三、内部审计线索", [Paragraph("线索一……")]),
            Section("附件1：评分表", [grid]),
            Section("附件2：技术附件", [Paragraph("案例编号 x_2023，种子 20240101。")]),
        ],
    )


WITHHOLD = [
    Withheld(REASON, text="标段变更未及时报批"),
    Withheld("涉及审计移送事项", section="审计线索"),
]


def test_public_version_removes_exactly_what_the_rules_say():
    pv = public_version(_document(), WITHHOLD)
    text = plain_text(pv.document)
    # personal data: the 责任人 row goes, the unit stays; contacts masked
    assert "张某" not in text and "区住建局村镇建设科（项目负责人）" in text
    assert "13912345678" not in text and "abc@wj.gov.cn" not in text
    assert "联系人电话 ＊＊＊，邮箱 ＊＊＊。" in text
    # withheld sentence replaced, the rest of the paragraph kept
    assert "制度执行方面发现问题 2 项。" + NOTICE + "2 份验收资料不全。" in text
    # a paragraph whose withheld text spans emphasised runs: the whole paragraph
    assert "（一）标段变更未及时报批的问题" not in text
    # list items, the withheld section (heading kept, numbering whole), the grid cell
    assert "设施停运 3 处。" in text and "已责令整改" not in text
    assert "三、内部审计线索" in text and "线索一" not in text
    assert "（此处内容涉及审计移送事项，不予公开。）" in text
    assert WITHHELD_CELL in text and "资金使用合规性" in text
    # the 技术附件 and the references to it
    assert "附件2：技术附件" not in text and "x_2023" not in text
    assert "共设置 21 个三级指标。" in text
    assert pv.document.title == "某项目绩效评价报告（公开版）"
    actions = pv.summary()["action"].value_counts().to_dict()
    assert actions == {
        "删除表格行": 1,
        "遮蔽": 2,
        "删除引用": 1,
        "替换为说明": 5,  # 1 sentence, 1 paragraph, 1 list item, 1 section, 1 grid row
        "删除附件": 1,
    }


def test_public_version_renders_to_html_and_docx_with_merged_cells():
    from docx import Document as Docx

    from methods.report.docx import render_docx
    from methods.report.html import render_page

    pv = public_version(_document(), WITHHOLD)
    html = render_page(pv.document)
    assert "公开版" in html and "张某" not in html and "provenance" not in html
    import io

    doc = Docx(io.BytesIO(render_docx(pv.document)))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert WITHHELD_CELL in cells and "张某" not in cells


def test_checklist_lists_removals_and_manual_checks():
    pv = public_version(_document(), WITHHOLD)
    md = pv.checklist()
    assert md.startswith("# 公开检查清单：某项目绩效评价报告（公开版）")
    assert "| 删除表格行 | 责任人 | 个人信息（责任人姓名） |" in md
    assert "- [ ] 报告中无第三方商业秘密" in md
    assert (
        public_version(Document("空", (), [Section("一、概况", ["无。"])]))
        .checklist()
        .count("无。")
    )


def _archive_with_document(root, document: Document, withhold=None):
    """A fake archive whose report.ipynb holds ``document`` as the notebook published it."""
    fake_archive(root, "sewage_2023", "农村生活污水治理", responsible={"unit": "区住建局"})
    folder = root / "2023" / "sewage_2023"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={DOCUMENT_MIME: document.to_dict()})
    ]
    nb.cells = [cell]
    nbformat.write(nb, str(folder / "report.ipynb"))
    if withhold is not None:
        (folder / "parameters.yaml").write_text(
            json.dumps({"case_id": "sewage_2023", "publication": {"withhold": withhold}}),
            encoding="utf-8",
        )
    return Library.open(root), folder


def _hashes(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_publish_writes_outside_the_archive_and_replaces_whole(library):
    lib, folder = _archive_with_document(
        library, _document(), [{"text": "标段变更未及时报批", "reason": REASON}]
    )
    before = _hashes(folder)
    target, pv = publish_case(lib, "sewage_2023")
    assert target == (library / "public" / "2023" / "sewage_2023").resolve()
    assert sorted(p.name for p in target.iterdir()) == [
        "removals.json",
        "report.docx",
        "report.html",
        "公开检查清单.md",
    ]
    assert NOTICE in (target / "report.html").read_text(encoding="utf-8")
    assert _hashes(folder) == before  # the archive is never changed
    (target / "stale.txt").write_text("x")
    publish_case(lib, "sewage_2023")
    assert not (target / "stale.txt").exists()
    assert not list(target.parent.glob(".*"))  # no staging or old folder left behind


def test_publish_refuses_plainly(library, tmp_path):
    fake_archive(library, "old_2023", "旧存档")  # its report.ipynb holds no document
    proc = run_cli("library", "publish", "old_2023", "--library", library)
    assert proc.returncode == 2
    assert "没有报告文档" in proc.stderr and "--force" in proc.stderr
    assert not (library / "public").exists()
    proc = run_cli("library", "publish", "nothing", "--library", library)
    assert proc.returncode == 2 and "案例库中没有案例 nothing" in proc.stderr
    _, folder = _archive_with_document(library, _document())
    proc = run_cli("library", "publish", "sewage_2023", "--library", library, "-o", folder / "pub")
    assert proc.returncode == 2 and "存档不可改动" in proc.stderr
    proc = run_cli("library", "publish", "sewage_2023", "--library", library, "-o", tmp_path / "p")
    assert proc.returncode == 0, proc.stderr
    assert "公开版已生成" in proc.stdout and "删除附件 1 处" in proc.stdout


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"text": "标段", "section": "问题", "reason": "涉密"}, "只填写一项"),
        ({"reason": "涉密"}, "只填写一项"),
        ({"text": "标段变更"}, "reason"),
    ],
)
def test_withhold_entries_are_validated(tmp_path, entry, message):
    import shutil

    import yaml

    raw = yaml.safe_load((EXAMPLES / "wujin_rural_sewage_2023.yaml").read_text(encoding="utf-8"))
    raw["publication"] = {"withhold": [entry]}
    raw["library"] = "empty_library"
    (tmp_path / "empty_library").mkdir()
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    proc = run_cli("validate", path)
    assert proc.returncode == 2
    assert "publication.withhold[0]" in proc.stderr and message in proc.stderr


@pytest.mark.notebook
def test_the_example_publishes_without_its_withheld_finding(demo_library, tmp_path):
    lib = Library.open(demo_library)
    folder = demo_library / "2023" / "wujin_rural_sewage_2023"
    before = _hashes(folder)
    target, pv = publish_case(lib, "wujin_rural_sewage_2023", out=tmp_path / "pub")
    html = (target / "report.html").read_text(encoding="utf-8")
    assert "标段变更未及时报批" not in html and NOTICE in html
    assert "技术附件" not in html and "案例编号" not in html
    assert "区住建局村镇建设科" in html  # the responsible unit is public; no name is given
    assert _hashes(folder) == before
    assert run_cli("library", "verify", "--library", demo_library).returncode == 0


def test_the_catalogue_links_the_public_version(library):
    _archive_with_document(library, _document())
    proc = run_cli("library", "publish", "sewage_2023", "--library", library)
    assert proc.returncode == 0, proc.stderr
    page = (library / "index.html").read_text(encoding="utf-8")
    assert "public/2023/sewage_2023/report.html" in page and "公开版" in page
