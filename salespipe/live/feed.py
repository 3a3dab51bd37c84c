"""The live feed of an open board or calendar (SPEC B21), as server-sent events.

A page's feed (`GET /live/?portfolio=ID`, or `group=ID`, or `scope=all`, as the page's own
address says; the pipeline's view says which portfolios that is, as a `Subscription`)
streams an event for each change of an opportunity of the user's companies in the
portfolios shown: its id and version and what happened, nothing more; the page then asks
for what it shows of it, through the board's own reads. `since` (or the `Last-Event-ID`
a reconnecting browser sends) replays the changes after that cursor first, so nothing is
missed between the page being drawn and its feed opening, or during a short loss of network.

Under ASGI (`make run`: uvicorn workers), an open page costs a coroutine and a queue; under
WSGI it holds a thread. A stream ends after `STREAM_SECONDS`, or within `HEARTBEAT_SECONDS`
once its session ends or expires, its user's password changes, or he is deactivated or
changes companies; the browser opens it again.
"""

import asyncio
import datetime as dt
import functools
import json
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from salespipe.lib.parse import integer
from salespipe.live.hub import (
    GAP_SECONDS,
    Event,
    Subscription,
    hub,
    latest_id,
    read_events,
)
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.web.http import AuthedRequest

HEARTBEAT_SECONDS = 20.0
# More changes missed than this, and the page draws itself again instead of asking for each.
MAX_REPLAY = 100
STREAM_SECONDS = 300.0
# How long the browser waits before opening a feed again after it ended.
RETRY_MILLISECONDS = 1000


def _resumed(request: AuthedRequest) -> int | None:
    """The last event a reconnecting browser had (`Last-Event-ID`), if any."""
    return integer(request.headers.get("Last-Event-ID", ""))


def _since(request: AuthedRequest) -> int:
    found = integer(request.GET.get("since", ""))
    return found if found is not None else latest_id()


def encode(event: Event) -> bytes:
    data = {"opportunity": event.opportunity_id, "version": event.version, "kind": event.kind}
    if event.origin:
        data["origin"] = event.origin
    return f"id: {event.id}\nevent: change\ndata: {json.dumps(data)}\n\n".encode()


# Told when more changes were missed than a page should ask for one by one: it draws itself
# again.
RELOAD = b"event: reload\ndata: {}\n\n"


class _Stream:
    """What both kinds of server share: catching up, then new events, then the end."""

    def __init__(
        self,
        request: AuthedRequest,
        subscription: Subscription,
        since: int,
        *,
        resumed: bool = False,
    ) -> None:
        self.user_id = request.user.pk
        self.session_class = type(request.session)
        self.session_key = request.session.session_key
        self.subscription = subscription
        self.since = since
        # A browser that reconnects names the highest id it had; a change with a lower id
        # may have committed after it (see `hub`): the last `GAP_SECONDS` are read again.
        self.resumed = resumed
        # Ids sent, so that none is sent twice, whatever order they committed in.
        self.sent: set[int] = set()
        self.ends_at = time.monotonic() + STREAM_SECONDS
        self.checked_at = time.monotonic()

    def opening(self) -> bytes:
        return f"retry: {RETRY_MILLISECONDS}\n\n".encode()

    def missed(self) -> list[bytes]:
        """The changes after the cursor this page wants, read from the feed itself; a page
        that missed too many is told to draw itself again."""
        recent = timezone.now() - dt.timedelta(seconds=GAP_SECONDS) if self.resumed else None
        events = [
            event
            for event in read_events(
                self.since,
                company_ids=self.subscription.company_ids,
                limit=MAX_REPLAY + 1,
                also_since=recent,
            )
            if self.subscription.wants(event)
        ]
        if len(events) > MAX_REPLAY:
            return [RELOAD]
        return [self.send(event) for event in events]

    def send(self, event: Event) -> bytes:
        self.sent.add(event.id)
        return encode(event)

    def heard(self, events: list[Event]) -> bytes:
        """What to send of events from the reader, as one write: none sent already."""
        return b"".join(self.send(event) for event in events if event.id not in self.sent)

    def check_due(self) -> bool:
        """Whether the user's right to the stream is checked again now: every
        `HEARTBEAT_SECONDS`, however many events flow."""
        if time.monotonic() - self.checked_at < HEARTBEAT_SECONDS:
            return False
        self.checked_at = time.monotonic()
        return True

    def still_allowed(self) -> bool:
        """The session is still valid (not ended, expired, or older than a password change),
        and its user active and on the same companies."""
        if self.session_key is None:
            return False
        data = self.session_class(self.session_key).load()
        if str(data.get(SESSION_KEY, "")) != str(self.user_id):
            return False
        user = Collaborator.objects.filter(pk=self.user_id, is_active=True).first()
        if user is None or not constant_time_compare(
            str(data.get(HASH_SESSION_KEY, "")), user.get_session_auth_hash()
        ):
            return False
        return access.company_ids(user) == self.subscription.company_ids

    def over(self) -> bool:
        return time.monotonic() >= self.ends_at


async def _in_a_thread[T](read: Callable[[], T]) -> T:
    """`read` in a worker thread, whose database connection is given back afterwards: a
    stream lives for minutes, and on PostgreSQL its connection belongs to the pool."""

    def then_close() -> T:
        try:
            return read()
        finally:
            connection.close()

    return await sync_to_async(then_close, thread_sensitive=False)()


class _LoopHandOver:
    """Hands events from the reader's thread to the queues of one event loop's streams.

    One wake-up of the loop per batch, not one per stream: a change that 200 open pages of
    a process wait for costs the loop one call, which fills the 200 queues.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lock = threading.Lock()
        self.pending: list[tuple[asyncio.Queue[list[Event]], list[Event]]] = []

    def deliver(self, waiting: asyncio.Queue[list[Event]], events: list[Event]) -> None:
        with self.lock:
            first = not self.pending
            self.pending.append((waiting, events))
        if first:
            self.loop.call_soon_threadsafe(self._fill)

    def _fill(self) -> None:
        with self.lock:
            batch, self.pending = self.pending, []
        for waiting, events in batch:
            waiting.put_nowait(events)


_hand_overs: dict[asyncio.AbstractEventLoop, _LoopHandOver] = {}


def _hand_over(loop: asyncio.AbstractEventLoop) -> _LoopHandOver:
    found = _hand_overs.get(loop)
    if found is None:
        found = _hand_overs.setdefault(loop, _LoopHandOver(loop))
    return found


def _async_events(stream: _Stream) -> AsyncIterator[bytes]:
    async def events() -> AsyncIterator[bytes]:
        hand_over = _hand_over(asyncio.get_running_loop())
        waiting: asyncio.Queue[list[Event]] = asyncio.Queue()
        stream.subscription.deliver = functools.partial(hand_over.deliver, waiting)
        hub.subscribe(stream.subscription)
        try:
            yield stream.opening()
            for missed in await _in_a_thread(stream.missed):
                yield missed
            while not stream.over():
                try:
                    events: list[Event] | None = await asyncio.wait_for(
                        waiting.get(), HEARTBEAT_SECONDS
                    )
                except TimeoutError:
                    events = None
                if stream.check_due() and not await _in_a_thread(stream.still_allowed):
                    break
                yield b": still here\n\n" if events is None else stream.heard(events)
        finally:
            hub.unsubscribe(stream.subscription)

    return events()


def _sync_events(stream: _Stream) -> Iterator[bytes]:
    waiting: queue.SimpleQueue[list[Event]] = queue.SimpleQueue()
    stream.subscription.deliver = waiting.put
    hub.subscribe(stream.subscription)
    try:
        yield stream.opening()
        yield from stream.missed()
        while not stream.over():
            try:
                events: list[Event] | None = waiting.get(timeout=HEARTBEAT_SECONDS)
            except queue.Empty:
                events = None
            if stream.check_due() and not stream.still_allowed():
                break
            yield b": still here\n\n" if events is None else stream.heard(events)
    finally:
        hub.unsubscribe(stream.subscription)


def stream_response(request: AuthedRequest, subscription: Subscription) -> StreamingHttpResponse:
    """The feed of the page `subscription` describes: what it missed since the address's
    `since` (or the `Last-Event-ID` of a browser reconnecting), then each change as it comes."""
    resumed = _resumed(request)
    stream = _Stream(
        request,
        subscription,
        resumed if resumed is not None else _since(request),
        resumed=resumed is not None,
    )
    content: Any
    if isinstance(request, ASGIRequest):
        # The stream reads the database only now and then, each time in a thread that gives
        # its connection back: the request's own would otherwise stay taken for the stream's
        # whole life, and a few open pages would empty the process's pool.
        connection.close()
        content = _async_events(stream)
    else:
        # Under WSGI the stream holds its thread, and that thread's connection, anyway.
        content = _sync_events(stream)
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    # A proxy that buffers answers would hold the events back.
    response["X-Accel-Buffering"] = "no"
    return response
