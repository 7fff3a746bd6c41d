"""Evaluation types, one home each (a module or a subpackage).

Each home defines its case model (a subclass of :class:`methods.casefile.Case`, or
:class:`~methods.casefile.ScoredCase` for the scored types), registers it with
:func:`methods.casefile.register`, and holds its checks, analysis (``analyse``), results.json
(``results``) and report outline (``section_*``, ``OUTLINE``, ``outline``). The registry of
:mod:`methods.casefile` imports this package on first use, which imports every home:
project_evaluation and self_evaluation first, then the others alphabetically. Adding an evaluation
type means adding a home here plus its notebook ``notebooks/<name>.ipynb``.
"""

from importlib import import_module
from pkgutil import iter_modules

_FIRST = ("project_evaluation", "self_evaluation")

for _name in [
    *_FIRST,
    *sorted(m.name for m in iter_modules(__path__) if m.name not in _FIRST),
]:
    if not _name.startswith("_"):
        import_module(f"{__name__}.{_name}")
