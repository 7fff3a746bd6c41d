"""Jixiao (绩效): budget performance evaluation methods.

Topic modules (import them directly, e.g. ``from methods import scoring``), in layers:

- methods: :mod:`methods.scoring` (scoring rules, grades, tiers; ``scoring.evaluate`` scores a
  case file), :mod:`methods.cba` (cost-benefit and least-cost analysis), :mod:`methods.survey`
  (design-based survey estimation), :mod:`methods.reliability` (reliability and validity),
  :mod:`methods.weighting`, :mod:`methods.ranking`, :mod:`methods.robustness` (weights, ranking,
  robustness of a grade).
- case model and data: :mod:`methods.casefile` (case files and their validation),
  :mod:`methods.frameworks` (indicator frameworks as data), :mod:`methods.indicators` (the
  indicator library), :mod:`methods.standards` (targets from past cases), :mod:`methods.library`
  (the case library), :mod:`methods.evaluation` (scoring a case file).
- :mod:`methods.report`: the report document model, shared blocks, HTML and DOCX renderers.
- :mod:`methods.evaltypes`: one home per evaluation type (model, analysis, report outline).
- machinery: :mod:`methods.runner`, :mod:`methods.batch`, :mod:`methods.verify`,
  :mod:`methods.catalogue`, :mod:`methods.excel`, :mod:`methods.training` …; :mod:`methods.cli`.
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
    "evaltypes",
    "evaluation",
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
