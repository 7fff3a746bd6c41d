"""Hashes that identify a case's inputs (kept light: no pandas, pydantic or Jupyter imports).

A case's *input hash* combines the case file, its data files, the report notebook and the
``methods`` package; an unchanged input hash means the archived results are still those the
current code would produce, so batches skip the case.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@cache
def package_hash() -> str:
    """Hash of the ``methods`` package (code and data files), so a changed method reruns cases."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            h.update(str(p.relative_to(PACKAGE_DIR)).encode())
            h.update(sha256_file(p).encode())
    return h.hexdigest()


def notebooks_dir() -> Path:
    """Folder of the report notebooks: ``$JIXIAO_NOTEBOOKS`` or ``<project>/notebooks``."""
    return Path(os.environ.get("JIXIAO_NOTEBOOKS", PROJECT_DIR / "notebooks"))


def notebook_file(evaluation: str) -> Path:
    """The report notebook of an evaluation type: ``notebooks/<evaluation>.ipynb``."""
    return notebooks_dir() / f"{evaluation}.ipynb"


def combine(
    case: str, data: Mapping[str, str], notebook: str, package: str, standards: str | None = None
) -> str:
    """The input hash from its parts (``standards``: hash of targets taken from the library)."""
    parts = {"case": case, "data": dict(data), "notebook": notebook, "package": package}
    if standards is not None:
        parts["standards"] = standards
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
