"""Chinese in charts on a fresh machine: the bundled OFL font, registered with matplotlib.

The font ``Jixiao Sans SC`` (``methods/_data/fonts``) is a GBK subset of Noto Sans CJK SC, renamed
as the SIL Open Font License requires for modified versions (see ``OFL.txt`` and ``README.md``
there). :func:`register` adds it to matplotlib's font manager and sets ``font.family`` to
``["DejaVu Sans", "Jixiao Sans SC", <system CJK fonts>]``: matplotlib (≥ 3.6) falls back per glyph,
so Latin text keeps DejaVu Sans and Chinese uses the bundled font; characters outside GBK fall back
to a system CJK font where one is installed.

:func:`web_font_css` gives report.html the same font without a network fetch: an ``@font-face``
rule whose source is a per-report subset (only the characters the report shows, plus ASCII and
common Chinese punctuation) embedded as a base64 WOFF (WOFF2 where ``brotli`` is installed). The
report's CSS names the system CJK fonts first, so a machine that has one uses it, and a machine
without one still shows Chinese instead of boxes. The subset keeps the font's copyright and
licence name records (OFL) and is deterministic: the same text gives the same bytes.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from methods._resources import data_path

FONT_FILE = data_path("fonts", "JixiaoSansSC-Regular.otf")
FONT_NAME = "Jixiao Sans SC"
SYSTEM_CJK_FALLBACKS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
)

_registered = False


def register() -> str:
    """Register the bundled CJK font with matplotlib (idempotent); return its family name."""
    global _registered
    if _registered:
        return FONT_NAME
    import matplotlib as mpl
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_FILE))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    fallbacks = [name for name in SYSTEM_CJK_FALLBACKS if name in installed]
    mpl.rcParams["font.family"] = ["DejaVu Sans", FONT_NAME, *fallbacks]
    mpl.rcParams["axes.unicode_minus"] = False
    _registered = True
    return FONT_NAME


# Always in the web subset besides the report's own text: printable ASCII and the Chinese
# punctuation a reader's edits or a browser's own labels are most likely to need.
BASE_CHARACTERS = "".join(chr(i) for i in range(0x20, 0x7F)) + (
    "，。、；：？！“”‘’（）《》〈〉【】〔〕—…·～％＋－×÷±≤≥℃①②③④⑤⑥⑦⑧⑨⑩　"
)


def web_font_flavor() -> str:
    """``woff2`` when the ``brotli`` module is installed (fontTools needs it to write WOFF2),
    else ``woff`` (zlib, always available)."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return "woff"
    return "woff2"


@lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return FONT_FILE.read_bytes()


def subset_font(text: str, *, flavor: str | None = None) -> bytes:
    """The bundled font cut down to the characters of ``text`` plus :data:`BASE_CHARACTERS`, as
    ``woff2``, ``woff`` or plain OpenType (``otf``); ``flavor`` defaults to
    :func:`web_font_flavor`. Characters the font lacks (outside GBK) are left to the system.

    Deterministic: the font's own ``head.modified`` date is kept (no timestamp of the run), the
    glyph order and every table are fixed by the characters alone."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    flavor = flavor or web_font_flavor()
    options = subset.Options()
    options.name_IDs = ["*"]  # copyright, licence and licence URL records (OFL) travel along
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True  # compresses better: smaller WOFF
    options.recalc_timestamp = False
    options.flavor = None if flavor == "otf" else flavor
    font = TTFont(io.BytesIO(_font_bytes()), lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) | set(BASE_CHARACTERS))))
    subsetter.subset(font)
    font.flavor = options.flavor
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    font.close()
    return out.getvalue()


_MIME = {"woff2": "font/woff2", "woff": "font/woff", "otf": "font/otf"}
_FORMAT = {"woff2": "woff2", "woff": "woff", "otf": "opentype"}


def web_font_css(text: str, *, flavor: str | None = None) -> str:
    """An ``@font-face`` rule for ``FONT_NAME`` whose source is :func:`subset_font` of ``text``
    embedded as a data URI (no network fetch). Bold text is synthesised from the one weight."""
    flavor = flavor or web_font_flavor()
    data = base64.b64encode(subset_font(text, flavor=flavor)).decode("ascii")
    return (
        "@font-face {\n"
        f'  font-family: "{FONT_NAME}";\n'
        "  font-style: normal;\n"
        "  font-weight: 400;\n"
        "  font-display: swap;\n"
        f'  src: url("data:{_MIME[flavor]};base64,{data}") format("{_FORMAT[flavor]}");\n'
        "}\n"
    )
