"""Shared test fixtures and paths."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "parameters" / "examples"
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent


def run_cli(*args, cwd=None, env=None, timeout=300):
    """Run the installed ``jixiao`` console script; return the CompletedProcess (text)."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [str(BIN / "jixiao"), *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def library(tmp_path):
    """An empty case library folder."""
    return tmp_path / "library"


@pytest.fixture(autouse=True)
def _no_inherited_library(monkeypatch):
    """Scores must not depend on a library the developer's shell points at."""
    monkeypatch.delenv("JIXIAO_LIBRARY", raising=False)
