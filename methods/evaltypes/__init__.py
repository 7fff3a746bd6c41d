"""Evaluation types beyond the core ones (one module each).

Each module defines its case model (a subclass of :class:`methods.casefile.Case`) and calls
:func:`methods.casefile.register` with an :class:`~methods.casefile.EvaluationType`. Every module
in this package is imported when :mod:`methods.casefile` loads, so adding an evaluation type means
adding a module here plus its notebook ``notebooks/<name>.ipynb``.
"""

from importlib import import_module
from pkgutil import iter_modules

for _info in sorted(iter_modules(__path__), key=lambda m: m.name):
    if not _info.name.startswith("_"):
        import_module(f"{__name__}.{_info.name}")
