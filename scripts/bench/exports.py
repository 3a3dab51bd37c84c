"""Exports (SPEC X5): the board of every open opportunity as CSV and XLSX, read to its end
in-process, with the peak of the memory Python allocated meanwhile (tracemalloc). The
answer is written a piece at a time, so that peak must stay flat as the rows grow."""

import time
import tracemalloc
from typing import Any

from django.urls import reverse

from .pages import client_for
from .world import BenchWorld


def _export(world: BenchWorld, file_format: str) -> dict[str, Any]:
    client = client_for(world)
    url = reverse("exports:export", args=("board", file_format))
    url += f"?portfolio={world.portfolio.pk}"
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    size = 0
    for piece in response.streaming_content:  # type: ignore[attr-defined]
        size += len(piece)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return {"seconds": seconds, "peak_bytes": peak, "file_bytes": size}


def measure_exports(world: BenchWorld) -> dict[str, Any]:
    return {file_format: _export(world, file_format) for file_format in ("csv", "xlsx")}
