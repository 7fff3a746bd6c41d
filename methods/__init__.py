"""Jixiao (绩效): budget performance evaluation methods.

Topic modules (import them directly, e.g. ``from methods import scoring``):

- :mod:`methods.scoring`: indicator scoring rules, the indicator tree, grades, :func:`evaluate`.
- :mod:`methods.casefile`: case files (YAML) and their validation.
- :mod:`methods.frameworks`: indicator frameworks shipped as data (财预〔2020〕10号, 自评表 …).
- :mod:`methods.report`: Chinese tables, narrative and ``results.json`` for the report notebooks.
- :mod:`methods.plotting`: charts with a bundled CJK font.
- :mod:`methods.weighting`, :mod:`methods.ranking`, :mod:`methods.robustness`: indicator weights
  (AHP, entropy, CRITIC, Delphi), multi-criteria ranking (TOPSIS, VIKOR) and how robust a grade is.
- :mod:`methods.cba`: cost-benefit and least-cost analysis.
- :mod:`methods.survey`, :mod:`methods.reliability`: satisfaction surveys, design-based estimation,
  reliability and validity.
- :mod:`methods.indicators`: the indicator library (指标库).
- :mod:`methods.standards`: targets from past cases (历史标准, 行业标准).
- :mod:`methods.runner`, :mod:`methods.batch`, :mod:`methods.library`, :mod:`methods.verify`,
  :mod:`methods.catalogue`: executing notebooks, batches, the archive, its index and catalogue.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jixiao")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

_SUBMODULES = {
    "batch",
    "casefile",
    "catalogue",
    "cba",
    "cli",
    "errors",
    "excel",
    "exporting",
    "fonts",
    "frameworks",
    "hashing",
    "indicators",
    "kernels",
    "library",
    "plotting",
    "ranking",
    "reliability",
    "report",
    "robustness",
    "runner",
    "satisfaction",
    "scoring",
    "standards",
    "survey",
    "templates",
    "training",
    "verify",
    "weight_specs",
    "weighting",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return import_module(f"methods.{name}")
    raise AttributeError(f"module 'methods' has no attribute {name!r}")


__all__ = ["__version__", *sorted(_SUBMODULES)]
