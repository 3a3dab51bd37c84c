"""One reader of the change feed per server process, fanning changes out to its open pages.

However many pages a process streams to, it reads the feed once per wake-up: a query on the
primary key for the rows after its cursor. On PostgreSQL a listening connection wakes it as
soon as a change commits, anywhere (`publish` sends a `NOTIFY`); a change made in this
process wakes it directly; otherwise it looks every `POLL_SECONDS`, which is also SQLite's
delay between processes. Woken, it first waits `GATHER_SECONDS`: changes come in bursts (an
import, a colleague's dialog saving several, the answer of the request that made the change
still on its way), and a short wait turns a burst into one read and, for each page, one
write. Then each row goes to the subscriptions of its company only, each of those decides
from ids whether its page shows that portfolio, and each page gets its rows at once.

PostgreSQL hands out ids before commit, so a row with a lower id may commit after one with
a higher id: rows are delivered as they come, and the cursor stays below an id not seen yet
for up to `GAP_SECONDS` (a transaction rolled back never fills its gap), so that a late one
is still read; waiting delays none of the rows after it.
"""

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Max, Q
from django.utils import timezone

from salespipe.live.models import CHANNEL, Change

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
GATHER_SECONDS = 0.05
GAP_SECONDS = 60.0
# How long the feed keeps its rows: long enough for a page that lost the network a while.
KEEP = dt.timedelta(days=1)
_PRUNE_EVERY = 600.0
_BATCH = 500


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    company_id: int
    opportunity_id: int
    version: int
    kind: str
    portfolio_id: int
    left_portfolio_id: int | None
    origin: str


_FIELDS = (
    "id",
    "company_id",
    "opportunity_id",
    "version",
    "kind",
    "portfolio_id",
    "left_portfolio_id",
    "origin",
)


def read_events(
    after: int,
    *,
    company_ids: Collection[int] | None = None,
    limit: int = _BATCH,
    also_since: dt.datetime | None = None,
) -> list[Event]:
    """The rows after `after` (with `also_since`, and those written since then), of
    `company_ids` only when given, in id order."""
    found = Q(id__gt=after)
    if also_since is not None:
        found |= Q(at__gte=also_since)
    rows = Change.objects.filter(found)
    if company_ids is not None:
        rows = rows.filter(company_id__in=company_ids)
    return [Event(*row) for row in rows.order_by("id").values_list(*_FIELDS)[:limit]]


def latest_id() -> int:
    return Change.objects.aggregate(latest=Max("id"))["latest"] or 0


def _not_started(_events: list[Event]) -> None:
    raise RuntimeError("A subscription delivers once its stream has started.")


@dataclass(eq=False)
class Subscription:
    """An open page: the companies its user is scoped on, and the portfolios it shows.

    `portfolio_ids` None shows every portfolio of those companies (the calendar's *All
    portfolios*); a group's board names the portfolios of its template.
    """

    company_ids: frozenset[int]
    portfolio_ids: frozenset[int] | None
    # Called with the events of one read that the page wants, in id order; set when its
    # stream starts.
    deliver: Callable[[list[Event]], None] = field(default=_not_started)
    # Whether a portfolio not named is shown too: a group's board shows the portfolios
    # added to its template later. The pages know what a group is; the feed does not.
    also_shows: Callable[[int], bool] | None = None

    def wants(self, event: Event) -> bool:
        if event.company_id not in self.company_ids:
            return False
        if self.portfolio_ids is None:
            return True
        touched = (event.portfolio_id, event.left_portfolio_id)
        if any(pk in self.portfolio_ids for pk in touched):
            return True
        also_shows = self.also_shows
        return also_shows is not None and any(pk is not None and also_shows(pk) for pk in touched)


class Hub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_company: dict[int, set[Subscription]] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._listening = False
        # Every id up to `_floor` was delivered or given up; above it, those delivered.
        self._floor = 0
        self._delivered: set[int] = set()
        self._gaps: dict[int, float] = {}

    # -- subscriptions --------------------------------------------------------------------

    def subscribe(self, subscription: Subscription) -> None:
        with self._lock:
            for company_id in subscription.company_ids:
                self._by_company.setdefault(company_id, set()).add(subscription)
            self._start()

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            for company_id in subscription.company_ids:
                subscribers = self._by_company.get(company_id)
                if subscribers is not None:
                    subscribers.discard(subscription)
                    if not subscribers:
                        del self._by_company[company_id]

    def listeners(self) -> int:
        with self._lock:
            return len({s for subs in self._by_company.values() for s in subs})

    def wake(self) -> None:
        self._wake.set()

    # -- the reader -----------------------------------------------------------------------

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, name="live-feed", daemon=True)
        self._thread.start()
        if connection.vendor == "postgresql" and not self._listening:
            self._listening = True
            threading.Thread(target=self._listen, name="live-listen", daemon=True).start()

    def _run(self) -> None:
        # From the latest row on: a page catches up on what it missed before from its own
        # cursor (see `feed`), and this runs in its own thread, never in a request's.
        while True:
            try:
                self._floor = latest_id()
                break
            except Exception:
                log.exception("Reading the change feed failed; trying again.")
                close_old_connections()
                time.sleep(5 * POLL_SECONDS)
        self._delivered.clear()
        self._gaps.clear()
        pruned = time.monotonic()
        while True:
            if self._wake.wait(POLL_SECONDS):
                time.sleep(GATHER_SECONDS)
            self._wake.clear()
            try:
                close_old_connections()
                self.read_once()
                if time.monotonic() - pruned > _PRUNE_EVERY:
                    pruned = time.monotonic()
                    Change.objects.filter(at__lt=timezone.now() - KEEP).delete()
            except Exception:
                log.exception("Reading the change feed failed; trying again.")
                time.sleep(POLL_SECONDS)

    def read_once(self) -> None:
        """Delivers the rows committed since the last read to the pages that want them."""
        events = read_events(self._floor)
        now = time.monotonic()
        new = [event for event in events if event.id not in self._delivered]
        for event in new:
            self._delivered.add(event.id)
            self._gaps.pop(event.id, None)
        self._dispatch(new)
        if events:
            for missing in range(self._floor + 1, events[-1].id):
                if missing not in self._delivered:
                    self._gaps.setdefault(missing, now)
        while True:
            following = self._floor + 1
            if following in self._delivered:
                self._delivered.discard(following)
            elif following in self._gaps and now - self._gaps[following] > GAP_SECONDS:
                del self._gaps[following]
            else:
                break
            self._floor = following

    def _dispatch(self, events: list[Event]) -> None:
        """Each page's share of `events`, in one call per page."""
        with self._lock:
            subscribers = {
                company_id: list(self._by_company.get(company_id, ()))
                for company_id in {event.company_id for event in events}
            }
        wanted: dict[Subscription, list[Event]] = {}
        for event in events:
            for subscription in subscribers[event.company_id]:
                try:
                    if subscription.wants(event):
                        wanted.setdefault(subscription, []).append(event)
                except Exception:
                    log.exception("A page could not be told of change %s.", event.id)
        for subscription, batch in wanted.items():
            try:
                subscription.deliver(batch)
            except Exception:
                log.exception("A page could not be told of changes up to %s.", batch[-1].id)

    def _listen(self) -> None:
        """PostgreSQL: wakes the reader the moment a change commits, in any process."""
        import psycopg

        while True:
            try:
                params = connection.get_connection_params()
                params.pop("cursor_factory", None)
                params.pop("context", None)
                params.pop("pool", None)
                with psycopg.connect(**params, autocommit=True) as listening:
                    listening.execute(f"LISTEN {CHANNEL}")
                    for _notice in listening.notifies():
                        self._wake.set()
            except Exception:
                log.exception("Listening for changes failed; polling until it is back.")
                time.sleep(5)


hub = Hub()


def enabled() -> bool:
    """Whether pages open a live feed: `LIVE_UPDATES` (on unless set off)."""
    return bool(getattr(settings, "LIVE_UPDATES", True))
