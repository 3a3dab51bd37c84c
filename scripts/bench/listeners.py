"""Open boards listening (SPEC B21): how long a move takes to reach them, and what they cost.

LISTENERS live feeds (`GET /live/?portfolio=…`) of the bench's portfolio stay open, as many
open boards would, for a few logged-in users: one asyncio loop reads them all on raw
sockets, so that the client, which shares the cores with the server, spends little. Moves
go through the API one at a time, at a steady pace, from a thread; each event a feed brings
is matched to its move by opportunity and version. The delay runs from the move's sending
to the event's arrival at each feed, over every (feed, move) pair. The same moves at the
same pace, on the same server just before the feeds open, give their latency with nobody
listening.
"""

import asyncio
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from salespipe.api.models import ApiToken
from salespipe.live.hub import latest_id

from .board_moves import (
    BOARD_CARDS_FROM,
    CARDS,
    Cards,
    api_mover,
    measure_board_moves,
    session_cookie,
    timed_move,
)
from .moves import ApiClient
from .server import ROOT, gunicorn
from .timing import percentile, ratio
from .world import BenchWorld

LISTENERS = 200
# Users the feeds are opened for, each session shared by several feeds, as tabs share it.
USERS = 10
# Feeds opening at once: the server opens each with a query or two.
OPENING = 20
# How long a batch of feeds has to open: longer than a database pool's wait (30 s).
OPEN_SECONDS = 40.0
# Between two moves: a busy team's pace, not a load test of the moves themselves.
PACE_SECONDS = 0.1
# After the last move, how long the feeds have to bring what is still on its way.
SETTLE_SECONDS = 5.0


class Feeds:
    """The open feeds and what they heard: (feed, opportunity, version, arrival time)."""

    def __init__(self) -> None:
        self.heard: list[tuple[int, int, int, float]] = []
        self.opened = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def listen(self, number: int, host: str, port: int, path: str, cookie: str) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        self.writers.append(writer)
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"A live feed answered {status!r}.")
        # Chunk sizes and the blank lines between events come as lines of their own: only
        # the `retry` that opens a stream and the events' `data` lines matter here.
        while line := await reader.readline():
            if line.startswith(b"data: "):
                data = json.loads(line[6:])
                self.heard.append(
                    (number, data["opportunity"], data["version"], time.perf_counter())
                )
            elif line.startswith(b"retry:"):
                self.opened += 1

    def close(self) -> None:
        for writer in self.writers:
            writer.close()


def _paced_moves(base: str, token: str, cards: Cards, count: int) -> list[dict[str, Any]]:
    """`count` API moves, one every PACE_SECONDS at most: when each was sent, its latency."""
    api = ApiClient(base, token)
    move = api_mover(api)
    done = []
    for _ in range(count):
        sent = time.perf_counter()
        elapsed, _size, key = timed_move(move, cards)
        done.append({"key": key, "sent": sent, "latency": elapsed})
        time.sleep(max(0.0, PACE_SECONDS - elapsed))
    api.close()
    return done


def _connections_per_process(port: int) -> list[int]:
    """How many connections to `port` each process serving it holds (Linux's /proc)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # Established (01), on the server's side of the connection.
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    counts: Counter[int] = Counter()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.scandir(f"/proc/{pid}/fd"):
                target = os.readlink(fd.path)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    counts[int(pid)] += 1
        except OSError:
            continue
    return sorted(counts.values(), reverse=True)


async def _listening(
    base: str, path: str, cookies: list[str], token: str, cards: Cards, moves: int
) -> tuple[Feeds, list[dict[str, Any]], dict[str, Any]]:
    """Opens the feeds, makes the moves, waits for their events: what the feeds heard, the
    moves, and how the opening went (with `error` when a feed could not open)."""
    address = urlsplit(base)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    feeds = Feeds()
    tasks: list[asyncio.Task[None]] = []
    opening: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        for number in range(LISTENERS):
            cookie = cookies[number % len(cookies)]
            tasks.append(asyncio.create_task(feeds.listen(number, host, port, path, cookie)))
            if len(tasks) % OPENING == 0:
                await _until(lambda: feeds.opened >= len(tasks), tasks, OPEN_SECONDS)
                if feeds.opened < len(tasks):
                    raise RuntimeError(f"no answer from a feed after {OPEN_SECONDS:.0f} s")
    except RuntimeError as error:
        opening["error"] = f"{feeds.opened} of {LISTENERS} feeds open, then {error}"
    opening["opening_s"] = time.perf_counter() - started
    opening["per_process"] = _connections_per_process(port)
    done: list[dict[str, Any]] = []
    if "error" not in opening:
        done = await asyncio.to_thread(_paced_moves, base, token, cards, moves)
        await _until(lambda: len(feeds.heard) >= LISTENERS * len(done), tasks, SETTLE_SECONDS)
    feeds.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return feeds, done, opening


async def _until(
    condition: Callable[[], bool], tasks: list[asyncio.Task[None]], seconds: float
) -> None:
    deadline = time.perf_counter() + seconds
    while not condition() and time.perf_counter() < deadline:
        failed = [task for task in tasks if task.done() and task.exception() is not None]
        if failed:
            raise RuntimeError(f"one failed: {failed[0].exception()}")
        await asyncio.sleep(0.02)


def measure_listeners(base: str, world: BenchWorld, token: str, moves: int) -> dict[str, Any]:
    cards = Cards(world, CARDS, BOARD_CARDS_FROM + 2 * CARDS)
    # Warm, then the same pace with nobody listening.
    _paced_moves(base, token, cards, 5)
    alone = _paced_moves(base, token, cards, moves)
    cookies = [session_cookie(user) for user in world.sellers[:USERS]]
    path = f"/live/?portfolio={world.portfolio.pk}&since={latest_id()}"
    feeds, done, opening = asyncio.run(_listening(base, path, cookies, token, cards, moves))
    result: dict[str, Any] = {
        "listeners": LISTENERS,
        "users": USERS,
        "opened": feeds.opened,
        **opening,
        "move_alone_s": statistics.median(move["latency"] for move in alone),
    }
    if not done:
        return result
    sent = {move["key"]: move["sent"] for move in done}
    answered = {move["key"]: move["sent"] + move["latency"] for move in done}
    delays, after_answer = [], []
    pairs: set[tuple[int, int, int]] = set()
    for number, opportunity, version, at in feeds.heard:
        key = (opportunity, version)
        if key in sent and (number, *key) not in pairs:
            pairs.add((number, *key))
            delays.append(at - sent[key])
            after_answer.append(at - answered[key])
    listened_s = statistics.median(move["latency"] for move in done)
    return {
        **result,
        "moves": len(done),
        "pace_s": PACE_SECONDS,
        "expected": LISTENERS * len(done),
        "arrived": len(delays),
        "delay_p50_s": percentile(delays, 0.5) if delays else None,
        "delay_p95_s": percentile(delays, 0.95) if delays else None,
        "delay_max_s": max(delays, default=None),
        "after_answer_p95_s": percentile(after_answer, 0.95) if after_answer else None,
        "move_listened_s": listened_s,
        "move_ratio": ratio(listened_s, result["move_alone_s"]),
    }


def serve_and_measure(world: BenchWorld, *, board_moves: int, moves: int) -> dict[str, Any]:
    """Both of B21's measures on one server: the board move's answer, then the listeners."""
    _token, clear = ApiToken.objects.issue(world.user, name="bench live")
    log = ROOT / "var" / "bench" / "gunicorn-live.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with gunicorn(log) as base:
        return {
            "board_move": measure_board_moves(base, world, clear, board_moves),
            "listeners": measure_listeners(base, world, clear, moves),
        }
