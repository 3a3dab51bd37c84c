"""Login throttling (SPEC SEC3): what a refused try costs the server against a normal one.

A normal failed login checks the password against its hash, slow on purpose; once an account
is locked out, a try is refused before any hash. Both are posted to the login page with the
test client and the production password hasher, for an account of their own each.
"""

import logging
import statistics
import time
from typing import Any

from django.test import Client

TRIES = 20


def _post_times(client: Client, username: str, tries: int) -> tuple[list[float], list[int]]:
    times, statuses = [], []
    for _ in range(tries):
        started = time.perf_counter()
        response = client.post("/login/", {"username": username, "password": "wrong"})
        times.append(time.perf_counter() - started)
        statuses.append(response.status_code)
    return times, statuses


def measure_logins() -> dict[str, Any]:
    from axes.models import AccessAttempt
    from django.conf import settings

    from salespipe.org.models import Collaborator

    # Each failure is logged, as it should be in production; not in the bench's output.
    for name in ("axes", "django.request"):
        logging.getLogger(name).setLevel(logging.ERROR)

    limit = int(settings.AXES_FAILURE_LIMIT)
    normal: list[float] = []
    for number in range(TRIES):
        # A new account and address for each normal try: none of them is ever locked.
        user = Collaborator.objects.create_user(f"bench-login-{number}", password="right-one")
        client = Client(REMOTE_ADDR=f"10.1.{number // 250}.{number % 250 + 1}")
        times, _statuses = _post_times(client, user.username, 1)
        normal += times
    locked = Collaborator.objects.create_user("bench-locked", password="right-one")
    client = Client(REMOTE_ADDR="10.2.0.1")
    _post_times(client, locked.username, limit)
    refused, statuses = _post_times(client, locked.username, TRIES)
    AccessAttempt.objects.all().delete()
    normal_s, refused_s = statistics.median(normal), statistics.median(refused)
    return {
        "limit": limit,
        "normal_s": normal_s,
        "refused_s": refused_s,
        "ratio": refused_s / normal_s,
        "refused_statuses": sorted(set(statuses)),
        "hasher": settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1],
    }
