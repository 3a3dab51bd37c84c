"""The live feed (SPEC B21): who is told of which change, and what the telling holds."""

import json
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from salespipe.live import feed
from salespipe.live import hub as live_hub
from salespipe.live.hub import Event, Hub, Subscription
from salespipe.live.models import Change
from salespipe.org import access
from salespipe.pipeline import services
from salespipe.pipeline.models import Portfolio
from salespipe.pipeline.selectors.scope import in_template
from salespipe.test import World, make_opportunity
from tests.changes import placed


def _move(world: World, user, deal, stage) -> None:
    services.opportunity_move(
        user=user, opportunity_id=deal.pk, version=deal.version, stage_id=stage.pk
    )


@pytest.fixture(autouse=True)
def _short_streams(monkeypatch):
    """A stream that ends within a fraction of a second, so that a test reads all of it."""
    monkeypatch.setattr(feed, "HEARTBEAT_SECONDS", 0.05)
    monkeypatch.setattr(feed, "STREAM_SECONDS", 0.2)
    # The process's reader would read the test's database from a thread of its own; what a
    # feed replays comes from the stream itself, and the reader is tried on its own below.
    monkeypatch.setattr(live_hub.hub, "_start", lambda: None)


def _replayed(client: Client, address: str) -> list[dict]:
    """The events a feed opened at `address` sends (those after its `since`)."""
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"].startswith("no-store")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert text.startswith("retry: ")
    return [
        json.loads(line.removeprefix("data: "))
        for line in text.splitlines()
        if line.startswith("data: ")
    ]


@pytest.fixture
def changed(world: World):
    """A move in company A's portfolio and one in company B's."""
    ours = make_opportunity(world.portfolio_a, amount=Decimal("100"))
    theirs = make_opportunity(world.portfolio_b, amount=Decimal("100"))
    _move(world, world.alice, ours, world.discovery)
    _move(world, world.charlie, theirs, world.discovery)
    return ours, theirs


def _wanted(subscription: Subscription) -> list[int]:
    return [
        event.opportunity_id
        for event in (
            Event(
                row.pk,
                row.company_id,
                row.opportunity_id,
                row.version,
                row.kind,
                row.portfolio_id,
                row.left_portfolio_id,
                row.origin,
            )
            for row in Change.objects.order_by("id")
        )
        if subscription.wants(event)
    ]


def test_a_change_is_told_only_to_pages_of_its_company_and_portfolio(world: World, changed):
    ours, theirs = changed
    alice = frozenset([world.company_a.pk])
    charlie = frozenset([world.company_b.pk])

    def nowhere(events: list[Event]) -> None: ...

    assert _wanted(Subscription(alice, frozenset([world.portfolio_a.pk]), nowhere)) == [ours.pk]
    # The portfolio of company B, opened by alice: nothing of company B reaches her.
    assert _wanted(Subscription(alice, frozenset([world.portfolio_b.pk]), nowhere)) == []
    assert _wanted(Subscription(charlie, frozenset([world.portfolio_a.pk]), nowhere)) == []
    assert _wanted(Subscription(charlie, None, nowhere)) == [theirs.pk]
    other = Portfolio.objects.create(
        name="Other A", company=world.company_a, template=world.projects
    )
    assert _wanted(Subscription(alice, frozenset([other.pk]), nowhere)) == []


def test_a_group_board_hears_of_portfolios_added_to_its_template_later(world: World):
    later = Portfolio.objects.create(
        name="Added later", company=world.company_a, template=world.projects
    )
    deal = make_opportunity(later, amount=Decimal("100"))
    _move(world, world.alice, deal, world.discovery)
    group = Subscription(
        frozenset([world.company_a.pk]),
        frozenset([world.portfolio_a.pk]),
        lambda e: None,
        in_template(world.projects.pk),
    )
    assert _wanted(group) == [deal.pk]


def test_the_feed_holds_ids_version_and_kind_and_replays_what_the_page_missed(
    world: World, alice_client: Client, changed
):
    ours, _theirs = changed
    address = f"/live/?portfolio={world.portfolio_a.pk}&since=0"

    events = _replayed(alice_client, address)

    assert events == [{"opportunity": ours.pk, "version": 2, "kind": "changed"}]


def test_charlie_hears_nothing_of_company_a_even_on_its_portfolios_address(
    world: World, charlie_client: Client, changed
):
    _ours, theirs = changed

    assert _replayed(charlie_client, f"/live/?portfolio={world.portfolio_a.pk}&since=0") == []
    assert _replayed(charlie_client, "/live/?scope=all&since=0") == [
        {"opportunity": theirs.pk, "version": 2, "kind": "changed"}
    ]


def test_a_stream_ends_once_its_user_logged_out(world: World, alice_client: Client, changed):
    response = alice_client.get(f"/live/?portfolio={world.portfolio_a.pk}&since=0")
    chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
    assert next(chunks).startswith(b"retry:")
    assert b"data: " in next(chunks)
    alice_client.logout()
    # At the next heartbeat the stream sees the session gone, and ends without a word more.
    assert list(chunks) == []


def test_without_login_the_feed_sends_to_the_login_page(world: World, client: Client):
    response = client.get(f"/live/?portfolio={world.portfolio_a.pk}")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_feed_without_a_portfolio_or_of_an_unknown_one_is_not_found(
    world: World, alice_client: Client
):
    assert alice_client.get("/live/").status_code == 404
    assert alice_client.get("/live/?portfolio=987654").status_code == 404


def test_a_deleted_opportunity_is_told_as_deleted(world: World, alice_client: Client):
    deal = make_opportunity(world.portfolio_a)
    services.opportunity_delete(user=world.alice, opportunity_id=deal.pk)

    events = _replayed(alice_client, f"/live/?portfolio={world.portfolio_a.pk}&since=0")

    assert events == [{"opportunity": deal.pk, "version": 1, "kind": "deleted"}]


def test_a_change_rolled_back_tells_nothing(world: World):
    deal = make_opportunity(world.portfolio_a)
    with pytest.raises(Exception):  # noqa: B017, PT011 (the proposal stage refuses it)
        services.opportunity_move(
            user=world.alice, opportunity_id=deal.pk, version=1, stage_id=world.proposal.pk
        )
    assert not Change.objects.exists()


def test_the_reader_delivers_each_change_once_and_waits_for_an_id_not_yet_committed(
    world: World,
):
    """PostgreSQL hands out ids before commit: a gap is waited for, then filled once."""
    deal = make_opportunity(world.portfolio_a)
    heard: list[int] = []
    hub = Hub()
    subscription = Subscription(
        frozenset([world.company_a.pk]),
        None,
        lambda events: heard.extend(event.id for event in events),
    )
    with hub._lock:
        hub._by_company[world.company_a.pk] = {subscription}

    def row(pk: int) -> None:
        Change.objects.create(
            id=pk,
            company=world.company_a,
            opportunity_id=deal.pk,
            version=1,
            kind="changed",
            portfolio_id=world.portfolio_a.pk,
        )

    row(1)
    row(3)
    hub.read_once()
    assert heard == [1, 3]
    assert hub._floor == 1
    row(2)
    hub.read_once()
    hub.read_once()
    assert heard == [1, 3, 2]
    assert hub._floor == 3


def test_the_reader_reads_the_feed_once_whatever_the_number_of_pages(world: World):
    deal = make_opportunity(world.portfolio_a, amount=Decimal("100"))
    hub = Hub()
    heard: list[int] = []
    for _page in range(200):
        hub._by_company.setdefault(world.company_a.pk, set()).add(
            Subscription(
                frozenset([world.company_a.pk]),
                frozenset([world.portfolio_a.pk]),
                lambda events: heard.extend(event.id for event in events),
            )
        )
    _move(world, world.alice, deal, world.discovery)

    with CaptureQueriesContext(connection) as captured:
        hub.read_once()

    assert len(captured) == 1
    assert len(heard) == 200


def test_a_burst_of_changes_reaches_each_page_in_one_write(world: World):
    """Changes read together go to a page together: one delivery, so one write, per page,
    with only the changes that page shows."""
    deals = [make_opportunity(world.portfolio_a, amount=Decimal("10")) for _n in range(3)]
    hub = Hub()
    deliveries: dict[str, list[list[int]]] = {"board": [], "elsewhere": []}

    def page(name: str, portfolio) -> Subscription:
        return Subscription(
            frozenset([world.company_a.pk]),
            frozenset([portfolio.pk]),
            lambda events: deliveries[name].append([event.opportunity_id for event in events]),
        )

    hub._by_company[world.company_a.pk] = {
        page("board", world.portfolio_a),
        page("elsewhere", world.portfolio_a2),
    }
    for deal in deals:
        _move(world, world.alice, deal, world.discovery)

    hub.read_once()

    assert deliveries == {"board": [[deal.pk for deal in deals]], "elsewhere": []}


def test_asking_for_another_companys_cards_gets_none_of_them(
    world: World, charlie_client: Client, client: Client
):
    """B21, SEC2: the ids of company A's cards, asked by charlie with company A's portfolio
    address, answer as ids that don't exist do: nothing drawn, his own totals."""
    deal = make_opportunity(world.portfolio_a, name="Zqx secret deal", amount=Decimal("777"))
    address = f"/board/changes/?ids={deal.pk}&portfolio={world.portfolio_a.pk}"
    missing = f"/board/changes/?ids=987654&portfolio={world.portfolio_a.pk}"

    answer = charlie_client.get(address)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Zqx secret deal" not in html
    assert "777" not in html
    assert placed(html) == {}
    unknown = charlie_client.get(missing).content.decode()
    assert html.replace(f'id="card-{deal.pk}"', 'id="card-987654"') == unknown
    assert client.get(address).status_code == 302


def test_asking_for_changes_with_bad_ids_is_refused_and_says_why(
    world: World, alice_client: Client
):
    for ids in ("", "x", ",".join(str(n) for n in range(1, 102))):
        answer = alice_client.get(f"/board/changes/?ids={ids}&portfolio={world.portfolio_a.pk}")
        assert answer.status_code == 400
        assert "ids" in answer.content.decode()


def _change(world: World, company, deal_pk: int, portfolio) -> Change:
    return Change.objects.create(
        company=company,
        opportunity_id=deal_pk,
        version=1,
        kind="changed",
        portfolio_id=portfolio.pk,
    )


def test_a_page_gets_a_change_that_committed_after_a_later_one(world: World):
    """PostgreSQL may commit id 11 after id 12: the page gets both, each once."""
    stream = feed._Stream.__new__(feed._Stream)
    stream.sent = set()

    def event(pk: int) -> Event:
        return Event(pk, world.company_a.pk, 7, 1, "changed", world.portfolio_a.pk, None, "")

    assert stream.heard([event(12)]).startswith(b"id: 12\n")
    assert stream.heard([event(11)]).startswith(b"id: 11\n")
    assert stream.heard([event(12)]) == b""


def test_another_companys_many_changes_dont_hide_ones_own(world: World, alice_client: Client):
    for _n in range(150):
        _change(world, world.company_b, 1, world.portfolio_b)
    ours = _change(world, world.company_a, 2, world.portfolio_a)

    assert _replayed(alice_client, f"/live/?portfolio={world.portfolio_a.pk}&since=0") == [
        {"opportunity": ours.opportunity_id, "version": 1, "kind": "changed"}
    ]


def test_a_page_that_missed_too_much_is_told_to_draw_itself_again(
    world: World, alice_client: Client
):
    for _n in range(feed.MAX_REPLAY + 1):
        _change(world, world.company_a, 2, world.portfolio_a)
    response = alice_client.get(f"/live/?portfolio={world.portfolio_a.pk}&since=0")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "event: reload" in text
    assert "event: change" not in text


def _stream_of(client: Client, user) -> "feed._Stream":
    request = RequestFactory().get("/live/")
    request.user = user
    request.session = client.session
    return feed._Stream(request, Subscription(frozenset([1]), None, lambda e: None), 0)  # type: ignore[arg-type]


def test_a_stream_checks_its_users_right_on_time_however_busy_and_stops_at_a_change(
    world: World, alice_client: Client
):
    stream = _stream_of(alice_client, world.alice)
    stream.subscription.company_ids = access.company_ids(world.alice)
    assert stream.still_allowed()
    assert not stream.check_due()  # the heartbeat is patched to 0.05 s
    time.sleep(0.06)
    assert stream.check_due()

    world.alice.set_password("a new one")
    world.alice.save()
    assert not stream.still_allowed()


def test_a_stream_stops_for_a_deactivated_user_or_one_moved_to_another_company(
    world: World, alice_client: Client
):
    stream = _stream_of(alice_client, world.alice)
    stream.subscription.company_ids = frozenset([world.company_b.pk])
    assert not stream.still_allowed()
    stream.subscription.company_ids = access.company_ids(world.alice)
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert not stream.still_allowed()


def test_odd_numbers_in_the_feeds_address_are_ignored_not_errors(
    world: World, alice_client: Client
):
    for address in (
        f"/live/?portfolio={world.portfolio_a.pk}&since=%C2%B2",
        f"/live/?portfolio={world.portfolio_a.pk}&since=99999999999999999999999",
    ):
        response = alice_client.get(address)
        assert response.status_code == 200
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    response = alice_client.get(f"/live/?portfolio={world.portfolio_a.pk}", HTTP_LAST_EVENT_ID="²")
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_unicode_digits_and_huge_ids_are_refused_with_why_not_errors(
    world: World, alice_client: Client
):
    for ids in ("%C2%B2", "9" * 30):
        answer = alice_client.get(f"/board/changes/?ids={ids}&portfolio={world.portfolio_a.pk}")
        assert answer.status_code == 400
