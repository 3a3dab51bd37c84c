"""Moves under load: clients moving cards through the HTTP API of a real server process.

Eight clients, each with its own cards, move them back and forth between two stages through
`POST /api/v1/opportunities/{id}/move`, sending the version each answer gave, each over one
connection kept open as an API script's is. The baseline
is the least a move must do: eight threads of psycopg, each running the conditional UPDATE
and the history INSERT in one transaction, the same number of times; the framework floor,
the same clients and moves through a minimal django-ninja endpoint doing just those two
statements behind the same token auth (`floor`), served as the app is. Then the race: in each
round, several clients move the same card with the same version at the same moment; exactly
one must succeed, the others get 409. Last, nothing was lost: every card's stage is the last
stage its history names, and its history holds exactly one entry per successful move.
"""

import http.client
import json
import os
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import psycopg
from django.db import close_old_connections

from salespipe.api.models import ApiToken
from salespipe.pipeline.models import HistoryEntry, Opportunity, OpportunityStatus

from .floor import PREFIX as FLOOR_PREFIX
from .server import ROOT, gunicorn, serving
from .timing import ratio
from .world import BenchWorld

CLIENTS = 8
CARDS_PER_CLIENT = 10
RACERS = 3
# The settings that serve the framework floor (`floor`) beside the app.
FLOOR_SETTINGS = "scripts.bench.floor_settings"


class ApiClient:
    """One client of the API: its connection stays open between requests, as a script's does.

    Opening a connection per request would measure TCP set-up, and spend on it the client
    CPU that the server, on the same cores, needs.
    """

    def __init__(self, base: str, token: str) -> None:
        address = urlsplit(base)
        self.connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=30
        )
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        try:
            self.connection.request("POST", path, body=json.dumps(body), headers=self.headers)
        except (BrokenPipeError, ConnectionResetError):
            # The server closes a connection idle for longer than its keep-alive, as while
            # other clients' first requests load the app in a new process: a script opens
            # another. Unsent, the move can be sent again.
            self.connection.close()
            self.connection.request("POST", path, body=json.dumps(body), headers=self.headers)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def close(self) -> None:
        self.connection.close()


def open_cards(world: BenchWorld, count: int, skip: int) -> list[Opportunity]:
    """Open cards in the first two stages, which ask for no field: the `skip`th on."""
    pair = [stage.pk for stage in world.stages[:2]]
    return list(
        Opportunity.objects.filter(
            portfolio=world.portfolio, status=OpportunityStatus.OPEN, stage_id__in=pair
        ).order_by("id")[skip : skip + count]
    )


def _run_threads(count: int, target: Any) -> float:
    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _http_moves(
    clients: list[ApiClient],
    cards: list[Opportunity],
    pair: list[int],
    moves: int,
    prefix: str = "/api/v1",
) -> tuple[float, Counter[int], int]:
    """Each client moves its own cards in turn, through the API at `prefix`; returns time,
    successes per card, failures."""
    successes: Counter[int] = Counter()
    failures = [0]
    lock = threading.Lock()
    state = {card.pk: (card.stage_id, card.version) for card in cards}

    def client(index: int) -> None:
        mine = cards[index * CARDS_PER_CLIENT : (index + 1) * CARDS_PER_CLIENT]
        for step in range(moves):
            pk = mine[step % len(mine)].pk
            stage, version = state[pk]
            target = pair[1] if stage == pair[0] else pair[0]
            status, body = clients[index].post(
                f"{prefix}/opportunities/{pk}/move", {"stage": target, "version": version}
            )
            with lock:
                if status == 200:
                    state[pk] = (body["stage"], body["version"])
                    successes[pk] += 1
                else:
                    failures[0] += 1

    elapsed = _run_threads(CLIENTS, client)
    return elapsed, successes, failures[0]


def _raw_moves(world: BenchWorld, cards: list[Opportunity], pair: list[int], moves: int) -> float:
    """The baseline: the conditional UPDATE and the history INSERT, by hand, per move."""
    names = {stage.pk: stage.name for stage in world.stages}
    state = {card.pk: (card.stage_id, card.version) for card in cards}
    url = os.environ["DATABASE_URL"]

    def client(index: int) -> None:
        mine = cards[index * CARDS_PER_CLIENT : (index + 1) * CARDS_PER_CLIENT]
        with psycopg.connect(url) as connection:
            for step in range(moves):
                pk = mine[step % len(mine)].pk
                stage, version = state[pk]
                target = pair[1] if stage == pair[0] else pair[0]
                with connection.transaction(), connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE pipeline_opportunity SET stage_id = %s, version = version + 1, "
                        "updated_at = now() WHERE id = %s AND version = %s",
                        [target, pk, version],
                    )
                    if cursor.rowcount != 1:
                        raise RuntimeError(f"The baseline lost a race on {pk}.")
                    cursor.execute(
                        "INSERT INTO pipeline_historyentry (opportunity_id, opportunity_ref, "
                        "company_id, actor_id, at, kind, field, old_value, new_value) "
                        "VALUES (%s, %s, %s, %s, now(), 'changed', 'stage', %s, %s)",
                        [pk, pk, world.company.pk, world.user.pk, names[stage], names[target]],
                    )
                state[pk] = (target, version + 1)

    return _run_threads(CLIENTS, client)


def _races(
    base: str, token: str, card: Opportunity, pair: list[int], rounds: int
) -> dict[str, Any]:
    """`rounds` times, RACERS clients move `card` with the same version at once."""
    barrier = threading.Barrier(RACERS)
    answers: list[list[int]] = [[] for _ in range(rounds)]
    lock = threading.Lock()
    current = {"stage": card.stage_id, "version": card.version}

    def racer(_index: int) -> None:
        api = ApiClient(base, token)
        for number in range(rounds):
            barrier.wait()
            stage, version = current["stage"], current["version"]
            target = pair[1] if stage == pair[0] else pair[0]
            # Everyone has read the same version before anyone moves.
            barrier.wait()
            status, body = api.post(
                f"/api/v1/opportunities/{card.pk}/move", {"stage": target, "version": version}
            )
            with lock:
                answers[number].append(status)
            barrier.wait()
            if status == 200:
                current.update(stage=body["stage"], version=body["version"])
            barrier.wait()
        api.close()

    elapsed = _run_threads(RACERS, racer)
    one_winner = sum(1 for statuses in answers if statuses.count(200) == 1)
    refused = sum(1 for statuses in answers for status in statuses if status == 409)
    return {
        "rounds": rounds,
        "racers": RACERS,
        "rounds_with_one_success": one_winner,
        "refused_409": refused,
        "other_answers": sum(
            1 for statuses in answers for status in statuses if status not in (200, 409)
        ),
        "seconds": elapsed,
        "successes": sum(statuses.count(200) for statuses in answers),
    }


def _lost_updates(expected: Counter[int], world: BenchWorld, after_id: int) -> dict[str, int]:
    """Cards whose stage isn't the last one their history names, or whose count of moves
    (the entries written after `after_id`: the world's own past is not counted) differs."""
    names = {stage.pk: stage.name for stage in world.stages}
    close_old_connections()
    stages = dict(Opportunity.objects.filter(pk__in=list(expected)).values_list("pk", "stage_id"))
    history: dict[int, list[str]] = {}
    for pk, new_value in (
        HistoryEntry.objects.filter(
            opportunity_id__in=list(expected), field="stage", id__gt=after_id
        )
        .order_by("id")
        .values_list("opportunity_id", "new_value")
    ):
        history.setdefault(pk, []).append(new_value)
    wrong_stage = sum(
        1 for pk in expected if history.get(pk) and history[pk][-1] != names[stages[pk]]
    )
    wrong_count = sum(1 for pk, count in expected.items() if len(history.get(pk, [])) != count)
    return {
        "cards": len(expected),
        "wrong_final_stage": wrong_stage,
        "wrong_history_count": wrong_count,
    }


def _served_moves(
    base: str, token: str, cards: list[Opportunity], pair: list[int], moves: int, prefix: str
) -> tuple[float, Counter[int], Counter[int], int]:
    """CLIENTS clients moving `cards` through the server at `base`: time, successes (the
    warm-up's, the measured ones'), failures."""
    clients = [ApiClient(base, token) for _ in range(CLIENTS)]
    # A few moves first over the same connections, so that the processes serving them
    # have loaded the app and opened their database connections.
    _warm_time, warm, _warm_failures = _http_moves(clients, cards, pair, 5, prefix)
    cards = list(Opportunity.objects.filter(pk__in=[c.pk for c in cards]).order_by("id"))
    elapsed, successes, failures = _http_moves(clients, cards, pair, moves, prefix)
    for api in clients:
        api.close()
    return elapsed, warm, successes, failures


def measure_moves(world: BenchWorld, *, moves_per_client: int, races: int) -> dict[str, Any]:
    pair = [stage.pk for stage in world.stages[:2]]
    per_run = CLIENTS * CARDS_PER_CLIENT
    http_cards = open_cards(world, per_run, 0)
    raw_cards = open_cards(world, per_run, per_run)
    race_card = open_cards(world, 1, 2 * per_run)[0]
    floor_cards = open_cards(world, per_run, 2 * per_run + 1)
    _token, clear = ApiToken.objects.issue(world.user, name="bench moves")
    seeded = HistoryEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    log = ROOT / "var" / "bench" / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with gunicorn(log) as base:
        elapsed, warm, successes, failures = _served_moves(
            base, clear, http_cards, pair, moves_per_client, "/api/v1"
        )
        race = _races(base, clear, race_card, pair, races) if races else None
    # The framework floor (`floor`): the same server, configuration and clients, serving
    # a django-ninja endpoint that does no more than the raw baseline does.
    with gunicorn(log.with_name("gunicorn-floor.log"), settings=FLOOR_SETTINGS) as base:
        floor_elapsed, floor_warm, floor_successes, floor_failures = _served_moves(
            base, clear, floor_cards, pair, moves_per_client, FLOOR_PREFIX
        )
    raw_elapsed = _raw_moves(world, raw_cards, pair, moves_per_client)
    done = sum(successes.values())
    ours = done / elapsed
    floor = sum(floor_successes.values()) / floor_elapsed
    theirs = CLIENTS * moves_per_client / raw_elapsed
    # Every move that succeeded, the warm-up's, the race's and the floor's too, must be in
    # the history.
    expected = warm + successes + floor_warm + floor_successes
    if race is not None:
        expected[race_card.pk] = race["successes"]
    return {
        "clients": CLIENTS,
        **serving(),
        "moves": done,
        "failed": failures,
        "moves_per_s": ours,
        "baseline_moves_per_s": theirs,
        "ratio": ratio(ours, theirs),
        "floor_moves_per_s": floor,
        "floor_failed": floor_failures,
        "floor_ratio": ratio(ours, floor),
        "race": race,
        "lost_updates": _lost_updates(expected, world, seeded),
    }
