"""A user's calendar feed (SPEC X4): made from his profile with his password, read by a real
iCalendar parser, holding only what he may see, and stopped at once."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from salespipe.activities.models import Action, ActionKind
from salespipe.feeds.models import CalendarFeed
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import OpportunityStatus
from salespipe.test import PASSWORD, World, make_account, make_opportunity

PAGE = "/profile/calendar-feed/"


def _open(client: Client, password: str = PASSWORD) -> str:
    """Makes an address from the profile page; returns it."""
    response = client.post(PAGE, {"password": password})
    assert response.status_code == 201
    found = re.search(
        r'id="feed-address" class="feed-address" readonly value="([^"]+)"',
        response.content.decode(),
    )
    assert found is not None
    return found.group(1)


def _read(address: str) -> Calendar:
    response = Client().get(address.split("testserver", 1)[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, dict]:
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "sequence": event.get("SEQUENCE"),
            "url": str(event.get("URL", "")),
        }
        for event in calendar.walk("VEVENT")
    }


def _action(world: World, user: Collaborator, deal, subject: str, *, done: bool = False, **kw):
    return Action.objects.create(
        company=deal.company,
        kind=ActionKind.CALL,
        subject=subject,
        due_at=kw.pop("due_at", timezone.now() + dt.timedelta(days=2)),
        assignee=user,
        opportunity=deal,
        done=done,
        **kw,
    )


@pytest.fixture
def alices_deals(world: World):
    mine = make_opportunity(
        world.portfolio_a,
        name="Bakery ovens",
        salesperson=world.alice,
        amount=Decimal("12500"),
        expected_signature_date=dt.date(2031, 5, 20),
    )
    return {
        "mine": mine,
        "undated": make_opportunity(world.portfolio_a, name="Undated", salesperson=world.alice),
        "bobs": make_opportunity(
            world.portfolio_a,
            name="Bob's deal",
            salesperson=world.bob,
            expected_signature_date=dt.date(2031, 5, 21),
        ),
        "won": make_opportunity(
            world.portfolio_a,
            name="Won deal",
            salesperson=world.alice,
            status=OpportunityStatus.WON,
            signed_on=dt.date(2031, 1, 2),
            expected_signature_date=dt.date(2031, 1, 2),
        ),
        "call": _action(world, world.alice, mine, "Call the buyer"),
        "done": _action(world, world.alice, mine, "Old call", done=True),
        "bobs_call": _action(world, world.bob, mine, "Bob calls"),
    }


def test_the_feed_holds_her_expected_signatures_and_planned_actions_as_icalendar(
    world: World, alice_client: Client, alices_deals
):
    """X4: her open dated opportunities as all-day events, her actions not done at their time;
    not a colleague's, not a won one, not one done."""
    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    address = _open(alice_client)

    events = _events(_read(address))

    mine, call = alices_deals["mine"], alices_deals["call"]
    assert set(events) == {f"opportunity-{mine.pk}@testserver", f"action-{call.pk}@testserver"}
    signature = events[f"opportunity-{mine.pk}@testserver"]
    assert signature["summary"] == "Expected signature: Bakery ovens, " + mine.account.name
    assert (signature["start"], signature["end"]) == (dt.date(2031, 5, 20), dt.date(2031, 5, 21))
    assert signature["sequence"] == mine.version
    assert signature["url"] == f"http://testserver/opportunities/{mine.pk}/"
    planned = events[f"action-{call.pk}@testserver"]
    assert planned["summary"] == "Call: Call the buyer (Bakery ovens)"
    assert planned["start"] == call.due_at.replace(microsecond=0)
    assert planned["end"] - planned["start"] == dt.timedelta(minutes=30)
    # Only its hash is kept.
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(key_hash=secret).exists()
    assert CalendarFeed.objects.get(user=world.alice).last_read_at is not None


def test_the_feed_speaks_its_users_language(world: World, alice_client: Client, alices_deals):
    world.alice.language = "fr"
    world.alice.save(update_fields=["language"])

    events = _events(_read(_open(alice_client)))

    summaries = sorted(event["summary"] for event in events.values())
    assert summaries[1].startswith("Signature prévue : Bakery ovens")
    assert summaries[0] == "Appel : Call the buyer (Bakery ovens)"


def test_a_wrong_password_makes_no_address(world: World, alice_client: Client):
    response = alice_client.post(PAGE, {"password": "not hers"})

    assert response.status_code == 422
    assert "This is not your password." in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_a_new_address_stops_the_old_one_and_stopping_stops_the_new(
    world: World, alice_client: Client
):
    first = _open(alice_client)
    second = _open(alice_client)

    assert Client().get(first.split("testserver", 1)[1]).status_code == 404
    assert Client().get(second.split("testserver", 1)[1]).status_code == 200
    page = alice_client.get(PAGE).content.decode()
    assert "Your address is active since" in page
    assert second not in page

    stopped = alice_client.post(PAGE + "stop/", follow=True)

    assert "Your calendar address was stopped" in stopped.content.decode()
    assert Client().get(second.split("testserver", 1)[1]).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_an_unknown_address_or_a_deactivated_user_answers_404(world: World, alice_client: Client):
    address = _open(alice_client).split("testserver", 1)[1]
    assert Client().get("/feeds/calendar/not-a-secret.ics").status_code == 404
    assert Client().get("/feeds/calendar/" + "x" * 200 + ".ics").status_code == 404

    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])

    assert Client().get(address).status_code == 404


def test_charlies_feed_holds_nothing_of_company_a_even_what_names_him(
    world: World, charlie_client: Client
):
    """SEC1: a deal of company A written with charlie as its salesperson, and an action of
    company A assigned to him, stay out of his feed: it shows what his companies hold."""
    planted = make_opportunity(
        world.portfolio_a,
        name="Zqxtarget",
        salesperson=world.charlie,
        expected_signature_date=dt.date(2031, 6, 1),
    )
    _action(world, world.charlie, planted, "Zqxtarget call")
    theirs = make_opportunity(
        world.portfolio_b,
        name="Charlie's own",
        salesperson=world.charlie,
        expected_signature_date=dt.date(2031, 6, 2),
    )

    body = Client().get(_open(charlie_client).split("testserver", 1)[1]).content

    assert b"Zqxtarget" not in body
    assert set(_events(Calendar.from_ical(body))) == {f"opportunity-{theirs.pk}@testserver"}


def test_the_profile_page_asks_a_login_and_takes_no_get_on_stop(world: World):
    assert Client().get(PAGE).status_code == 302
    assert Client().post(PAGE, {"password": PASSWORD}).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_a_new_password_stops_the_address_as_it_revokes_api_tokens(
    world: World, alice_client: Client
):
    """X4, SEC4: a lasting credential ends with the password it was made under."""
    address = _open(alice_client).split("testserver", 1)[1]
    world.alice.refresh_from_db()
    world.alice.set_password(PASSWORD)
    world.alice.save()
    assert Client().get(address).status_code == 200, "the same password again changes nothing"

    world.alice.set_password("An0ther-passphrase!")
    world.alice.save()

    assert Client().get(address).status_code == 404
    assert not CalendarFeed.objects.filter(user=world.alice).exists()


def test_the_feed_leaves_out_closed_accounts_without_the_right_and_items_over_a_year_old(
    world: World, bob_client: Client
):
    """A2: bob lacks `show_closed`; what a closed account's page hides from him, his feed
    hides too. And a feed starts a year back."""
    closed = make_account(world.company_a, name="Closed account", is_closed=True)
    hidden = make_opportunity(
        world.portfolio_a,
        account=closed,
        name="On a closed account",
        salesperson=world.bob,
        expected_signature_date=dt.date(2031, 5, 1),
    )
    _action(world, world.bob, hidden, "Call the closed account")
    make_opportunity(
        world.portfolio_a,
        name="Long ago",
        salesperson=world.bob,
        expected_signature_date=timezone.localdate() - dt.timedelta(days=400),
    )
    shown = make_opportunity(
        world.portfolio_a,
        name="Shown",
        salesperson=world.bob,
        expected_signature_date=dt.date(2031, 5, 2),
    )
    _action(world, world.bob, shown, "Old call", due_at=timezone.now() - dt.timedelta(days=400))

    address = _open(bob_client).split("testserver", 1)[1]
    body = Client().get(address).content

    assert set(_events(Calendar.from_ical(body))) == {f"opportunity-{shown.pk}@testserver"}
    assert b"Closed account" not in body
    assert Client().head(address).status_code == 200
