"""Jixiao (绩效): budget performance evaluation methods.

Topic modules (import them directly, e.g. ``from methods import scoring``):

- :mod:`methods.scoring`: indicator scoring rules, the indicator tree, grades, :func:`evaluate`.
- :mod:`methods.casefile`: case files (YAML) and their validation.
- :mod:`methods.frameworks`: indicator frameworks shipped as data (财预〔2020〕10号, 自评表 …).
- :mod:`methods.report`: Chinese tables, narrative and ``results.json`` for the report notebooks.
- :mod:`methods.plotting`: charts with a bundled CJK font.
- :mod:`methods.runner`, :mod:`methods.archive`, :mod:`methods.library`: executing notebooks,
  archiving reports and the case-library index.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jixiao")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

_SUBMODULES = {
    "archive",
    "casefile",
    "cli",
    "errors",
    "fonts",
    "frameworks",
    "library",
    "plotting",
    "report",
    "runner",
    "scoring",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return import_module(f"methods.{name}")
    raise AttributeError(f"module 'methods' has no attribute {name!r}")


__all__ = ["__version__", *sorted(_SUBMODULES)]
