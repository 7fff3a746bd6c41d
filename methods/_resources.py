"""Access to the data files shipped in ``methods/_data`` (frameworks, presets, templates, fonts)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from methods import _yaml

DATA_DIR = Path(__file__).resolve().parent / "_data"


def data_path(*parts: str) -> Path:
    """Absolute path of a shipped data file."""
    return DATA_DIR.joinpath(*parts)


@cache
def load_yaml(*parts: str) -> Any:
    """Parse a shipped YAML data file with YAML 1.2 numbers (cached; treat the result as read-only).

    Every ``source`` / ``*_source`` reference to the 文件库 (``{document: ID, ...}``) comes back as
    the citation a report prints (:func:`methods.documents.cite`); ``documents.yaml`` itself is
    returned as written.
    """
    from methods import documents

    with data_path(*parts).open(encoding="utf-8") as fh:
        data = _yaml.load(fh.read())
    return data if data_path(*parts) == documents.DOCUMENTS_FILE else documents.resolve(data)
