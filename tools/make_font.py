#!/usr/bin/env python3
"""Build the bundled Chinese font ``methods/_data/fonts/JixiaoSansSC-Regular.otf``.

The font is a *Modified Version* (subset + renamed) of Noto Sans CJK SC
Regular, distributed under the SIL Open Font License 1.1.  The OFL forbids
Modified Versions from using the Reserved Font Name "Source" (declared by the
Source Han / Noto CJK copyright holder, Adobe), and "Noto" is a Google
trademark, so the result is renamed to "Jixiao Sans SC".

Usage::

    python tools/make_font.py SOURCE OUTPUT [--charset gb2312|gbk] [--keep-hinting]

SOURCE is ``NotoSansCJK-Regular.ttc`` (the Simplified-Chinese face is located
by its name, not by a fixed index; ``--face-index`` overrides) or a single
``NotoSansCJKsc-Regular.otf`` / ``NotoSansSC-Regular.otf``.  On Debian the
collection comes from the ``fonts-noto-cjk`` package:
``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``.

Requires ``fonttools`` only (not a dependency of the ``methods`` package).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FAMILY = "Jixiao Sans SC"
STYLE = "Regular"
FULL_NAME = f"{FAMILY} {STYLE}"
PS_NAME = "JixiaoSansSC-Regular"
SC_FAMILY_NAMES = {"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN"}

# Chinese characters outside GB2312 that are common in personal and place
# names (checked explicitly so that --charset gb2312 still has them).
EXTRA_HANZI = "瞭镕珺堃昇喆玥犇淼"

# Ranges (inclusive) of non-Han code points always kept.
RANGES = [
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x214F),  # letterlike symbols (℃ № ℉ …)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ Ⅲ … roman numerals)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≥ ≤ ∑ √ ∞ − …)
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ⑴ ⒈ …)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (● ○ ■ □ ▲ △ …)
    (0x2600, 0x26FF),  # miscellaneous symbols (★ ☆ …)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK letters and months (㈠ ㊣ …)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]
EXTRA_SYMBOLS = "¥℃‰№±×÷−∑√∞%≥≤·—…‘’“”€"

# Horizontal-text features only.  Language-specific ('locl') and vertical
# features would pull thousands of JP/KR/TC glyph variants into the subset;
# matplotlib does no OpenType shaping anyway.
LAYOUT_FEATURES = [
    "ccmp",
    "kern",
    "liga",
    "calt",
    "mark",
    "mkmk",
    "palt",
    "halt",
    "pwid",
    "fwid",
    "hwid",
    "frac",
    "numr",
    "dnom",
    "sups",
    "subs",
]


def gb2312_chars() -> set[str]:
    chars = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def gbk_chars() -> set[str]:
    chars = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                chars.add(bytes((lead, trail)).decode("gbk"))
            except UnicodeDecodeError:
                pass
    return chars


def wanted_codepoints(charset: str) -> set[int]:
    chars = gb2312_chars()
    if charset == "gbk":
        chars |= gbk_chars()
    chars |= set(EXTRA_HANZI) | set(EXTRA_SYMBOLS)
    cps = {ord(c) for c in chars if len(c) == 1}
    for lo, hi in RANGES:
        cps.update(range(lo, hi + 1))
    return cps


def _family_of(font: TTFont) -> str:
    name = font["name"]
    return str(name.getDebugName(16) or name.getDebugName(1) or "")


def open_source_font(path: Path, face_index: int | None) -> TTFont:
    with open(path, "rb") as fh:
        is_collection = fh.read(4) == b"ttcf"
    if not is_collection:
        return TTFont(path, recalcTimestamp=False)
    if face_index is None:
        faces = TTCollection(path, lazy=True).fonts
        matches = [i for i, f in enumerate(faces) if _family_of(f) in SC_FAMILY_NAMES]
        if not matches:
            names = [_family_of(f) for f in faces]
            sys.exit(f"no Simplified-Chinese face in {path}: {names}; use --face-index")
        face_index = matches[0]
    font = TTFont(path, fontNumber=face_index, recalcTimestamp=False)
    print(f"using face {face_index}: {_family_of(font)}", file=sys.stderr)
    return font


def rename(font: TTFont) -> None:
    name = font["name"]
    version = name.getDebugName(5) or "Version 1.000"
    ver_num = version.split(";")[0].replace("Version", "").strip()
    desc_en = name.getDebugName(10) or ""
    new = {
        1: FAMILY,
        2: STYLE,
        3: f"{ver_num};JIXIAO;{PS_NAME}",
        4: FULL_NAME,
        5: f"{version}; Jixiao subset",
        6: PS_NAME,
        16: FAMILY,
        17: STYLE,
    }
    note = (
        "Jixiao Sans SC is a modified version (subset and renamed) of Noto Sans CJK SC "
        "Regular, made for the Jixiao project. Not an official Noto or Source Han font."
    )
    new[10] = f"{note} Original description: {desc_en}" if desc_en else note

    # Drop every record of the renamed IDs (all platforms and languages,
    # e.g. the Windows zh-CN 0x0804 "Noto Sans CJK SC" family names), then
    # write the new ones (Windows platform only, like the source font).
    name.names = [r for r in name.names if r.nameID not in new]
    for name_id, value in new.items():
        if name_id in (16, 17) and new[16] == new[1] and new[17] == new[2]:
            continue  # typographic names equal to legacy ones are redundant
        name.setName(value, name_id, 3, 1, 0x409)
    # Simplified-Chinese-locale family names, rewritten rather than left as Noto.
    for name_id in (1, 2, 4):
        name.setName(new[name_id], name_id, 3, 1, 0x804)
    name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))

    # The CFF table carries its own copies of the names (in the .ttc they are
    # those of the shared JP face).
    if "CFF " in font:
        cff = font["CFF "].cff
        old_ps = cff.fontNames[0]
        cff.fontNames[0] = PS_NAME
        top = cff.topDictIndex[0]
        top.FullName = FULL_NAME
        top.FamilyName = FAMILY
        if hasattr(top, "FDArray"):
            for fd in top.FDArray:
                fd_name = getattr(fd, "FontName", None)
                if fd_name and fd_name.startswith(old_ps):
                    fd.FontName = PS_NAME + fd_name[len(old_ps) :]
    font["OS/2"].achVendID = "NONE"


def build(
    source: Path, output: Path, charset: str, face_index: int | None, keep_hinting: bool
) -> None:
    font = open_source_font(source, face_index)
    cmap = font.getBestCmap()
    wanted = wanted_codepoints(charset)
    present = sorted(cp for cp in wanted if cp in cmap)
    missing_han = sorted(cp for cp in wanted if cp not in cmap and 0x3400 <= cp <= 0x9FFF)
    if missing_han:
        print(
            f"warning: {len(missing_han)} requested Han characters not in source: "
            + "".join(map(chr, missing_han[:40])),
            file=sys.stderr,
        )

    opts = subset.Options()
    opts.layout_features = LAYOUT_FEATURES
    opts.name_IDs = ["*"]  # keep copyright (0) and licence (13, 14) records
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.hinting = keep_hinting
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.drop_tables += ["vhea", "vmtx", "VORG", "BASE"]  # vertical layout not needed
    subsetter = subset.Subsetter(options=opts)
    subsetter.populate(unicodes=present)
    subsetter.subset(font)

    rename(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)
    print(
        f"wrote {output}: {len(font.getGlyphOrder())} glyphs, {len(present)} code points, "
        f"{output.stat().st_size} bytes",
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="Noto Sans CJK .ttc or SC .otf")
    ap.add_argument("output", type=Path, help="output .otf path")
    ap.add_argument(
        "--charset",
        choices=["gb2312", "gbk"],
        default="gbk",
        help="Han coverage (default: gbk, which includes all of gb2312)",
    )
    ap.add_argument(
        "--face-index",
        type=int,
        default=None,
        help="face in a .ttc (default: the one named Noto Sans CJK SC)",
    )
    ap.add_argument("--keep-hinting", action="store_true", help="keep CFF hints")
    args = ap.parse_args(argv)
    build(args.source, args.output, args.charset, args.face_index, args.keep_hinting)


if __name__ == "__main__":
    main()
