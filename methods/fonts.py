"""Chinese in charts on a fresh machine: the bundled OFL font, registered with matplotlib.

The font ``Jixiao Sans SC`` (``methods/_data/fonts``) is a GBK subset of Noto Sans CJK SC, renamed
as the SIL Open Font License requires for modified versions (see ``OFL.txt`` and ``README.md``
there). :func:`register` adds it to matplotlib's font manager and sets ``font.family`` to
``["DejaVu Sans", "Jixiao Sans SC", <system CJK fonts>]``: matplotlib (≥ 3.6) falls back per glyph,
so Latin text keeps DejaVu Sans and Chinese uses the bundled font; characters outside GBK fall back
to a system CJK font where one is installed.
"""

from __future__ import annotations

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
