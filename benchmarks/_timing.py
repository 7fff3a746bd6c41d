"""Timing helper shared by the benchmark scripts (run as ``python benchmarks/NAME.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(
    fn: Callable[..., Any], *args: Any, repeat: int = 1, **kwargs: Any
) -> tuple[Any, float]:
    """(result of the last call, best wall-clock seconds) of ``repeat`` calls ``fn(*args, **kwargs)``."""
    out, best = None, float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return out, best
