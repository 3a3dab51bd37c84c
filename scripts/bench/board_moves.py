"""A board move's answer (SPEC B21) against the full board and against the API's move.

Through the real server, as a browser on the board makes it: a logged-in session with its
CSRF token, `HX-Request`, the form's `version` and `stage`. The answer should carry only
what changed (the card, the columns' totals, the summary): its size is set against the full
board page of the same portfolio. Its server time is set against the API's move with a
token: one request at a time over a kept-alive connection, a board move and an API move in
turn, so that both see the same server and the same moment; the median of each.
"""

import http.client
import statistics
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.test import Client

from salespipe.org.models import Collaborator

from .moves import ApiClient, open_cards
from .timing import ratio
from .world import BenchWorld

# Cards for this measure and the listeners', past those the moves under load take.
BOARD_CARDS_FROM = 1000
CARDS = 10
# A move, with the stage and version it leaves from: whether it succeeded, the answer's bytes.
Move = Callable[[int, int, int], tuple[bool, int]]


def session_cookie(user: Collaborator) -> str:
    """A logged-in session for `user`, stored where the server reads it: its cookie."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class BoardClient:
    """A browser's board: its session, its CSRF token, one kept-alive connection."""

    def __init__(self, base: str, cookie: str, portfolio_id: int) -> None:
        address = urlsplit(base)
        self.connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=30
        )
        self.cookie = cookie
        self.board = f"/board/?portfolio={portfolio_id}"
        self.portfolio_id = portfolio_id
        self.csrf = ""

    def get_board(self) -> bytes:
        """The full board page; keeps the CSRF token it sets, as the browser does."""
        self.connection.request("GET", self.board, headers={"Cookie": self._cookies()})
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{self.board} answered {response.status}")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            if settings.CSRF_COOKIE_NAME in cookie:
                self.csrf = cookie[settings.CSRF_COOKIE_NAME].value
        return body

    def _cookies(self) -> str:
        csrf = f"; {settings.CSRF_COOKIE_NAME}={self.csrf}" if self.csrf else ""
        return self.cookie + csrf

    def move(self, pk: int, stage: int, version: int) -> tuple[bool, int]:
        path = f"/board/opportunities/{pk}/move/?portfolio={self.portfolio_id}"
        headers = {
            "Cookie": self._cookies(),
            "X-CSRFToken": self.csrf,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.connection.request(
            "POST", path, body=urlencode({"version": version, "stage": stage}), headers=headers
        )
        response = self.connection.getresponse()
        body = response.read()
        ok = response.status == 200 and response.getheader("X-Fragment") == "changes"
        return ok, len(body)

    def close(self) -> None:
        self.connection.close()


def api_mover(api: ApiClient) -> Move:
    def move(pk: int, stage: int, version: int) -> tuple[bool, int]:
        status, _body = api.post(
            f"/api/v1/opportunities/{pk}/move", {"stage": stage, "version": version}
        )
        return status == 200, 0

    return move


class Cards:
    """Cards moved back and forth between two stages without mandatory fields, in turn."""

    def __init__(self, world: BenchWorld, count: int, skip: int) -> None:
        self.pair = [stage.pk for stage in world.stages[:2]]
        self.state = {
            card.pk: (card.stage_id, card.version) for card in open_cards(world, count, skip)
        }
        self.order = list(self.state)
        self.turn = 0

    def next(self) -> tuple[int, int, int]:
        """The next card: its id, the stage to move it to, its version."""
        pk = self.order[self.turn % len(self.order)]
        self.turn += 1
        stage, version = self.state[pk]
        return pk, self.pair[1] if stage == self.pair[0] else self.pair[0], version

    def moved(self, pk: int, stage: int, version: int) -> None:
        self.state[pk] = (stage, version + 1)


def timed_move(move: Move, cards: Cards) -> tuple[float, int, tuple[int, int]]:
    """One move of the next card: its latency, its answer's bytes, (opportunity, version)."""
    pk, stage, version = cards.next()
    started = time.perf_counter()
    ok, size = move(pk, stage, version)
    elapsed = time.perf_counter() - started
    if not ok:
        raise RuntimeError(f"A move of opportunity {pk} failed.")
    cards.moved(pk, stage, version)
    return elapsed, size, (pk, version + 1)


def measure_board_moves(base: str, world: BenchWorld, token: str, moves: int) -> dict[str, Any]:
    board = BoardClient(base, session_cookie(world.user), world.portfolio.pk)
    api = ApiClient(base, token)
    page = board.get_board()
    board_started = time.perf_counter()
    for _ in range(3):
        page = board.get_board()
    board_s = (time.perf_counter() - board_started) / 3
    board_cards = Cards(world, CARDS, BOARD_CARDS_FROM)
    api_cards = Cards(world, CARDS, BOARD_CARDS_FROM + CARDS)
    api_move = api_mover(api)
    # A few of each first: each kind of request has loaded its code in the processes.
    for _ in range(5):
        timed_move(board.move, board_cards)
        timed_move(api_move, api_cards)
    board_times, api_times, sizes = [], [], []
    for _ in range(moves):
        elapsed, size, _moved = timed_move(board.move, board_cards)
        board_times.append(elapsed)
        sizes.append(size)
        api_times.append(timed_move(api_move, api_cards)[0])
    board.close()
    api.close()
    answer_bytes = statistics.median(sizes)
    board_move_s, api_move_s = statistics.median(board_times), statistics.median(api_times)
    return {
        "moves": moves,
        "board_bytes": len(page),
        "board_page_s": board_s,
        "answer_bytes": answer_bytes,
        "bytes_share": ratio(answer_bytes, len(page)),
        "board_move_s": board_move_s,
        "api_move_s": api_move_s,
        "time_ratio": ratio(board_move_s, api_move_s),
    }
