"""Medians of repeated runs, after a warm-up, and the ratios the report prints."""

import math
import statistics
import time
from collections.abc import Callable
from typing import Any


def median_seconds(run: Callable[[], Any], *, runs: int = 7, warmup: int = 1) -> float:
    """The median wall time of `run`, after `warmup` runs that fill caches and pools."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline > 0 else float("inf")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the value below which `share` of `values` fall."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("No values to take a percentile of.")
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
