"""A card's markup (SPEC B2, B20): drawn again only when something it shows has changed."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.utils import timezone, translation

from salespipe.pipeline.presenters.card_html import CardRenderer
from salespipe.pipeline.selectors.cards import Card, NextAction

NOW = timezone.now()
TODAY = timezone.localdate()


def a_card(**changes) -> Card:
    card = Card(
        id=7,
        name="Fours & pétrins",
        version=3,
        portfolio_id=1,
        stage_id=2,
        stage_name="Découverte",
        account_id=4,
        account_name="Boulangerie <Éclair>",
        contact_name="Zoé Lefèvre",
        salesperson_id=5,
        salesperson_name="Alice Martin",
        currency_id="EUR",
        expected_signature_date=TODAY + dt.timedelta(days=1),
        amount=Decimal("1234.50"),
        days=Decimal("2.50"),
        tags=((9, "Chaud"),),
        next_action=NextAction(1, "call", "Rappeler", NOW + dt.timedelta(hours=1)),
        names="boulangerie eclair",
        phones="123456789",
        emails="a@b.example",
    )
    return dataclasses.replace(card, **changes)


def drawn(card: Card, *, now: dt.datetime = NOW, today: dt.date = TODAY) -> str:
    return CardRenderer(today=today, now=now).card(card, card.amount)


def test_a_card_is_escaped_and_shows_its_figures():
    html = drawn(a_card())
    assert "Boulangerie &lt;Éclair&gt;" in html
    assert "Fours &amp; pétrins" in html
    assert 'data-version="3"' in html
    assert 'data-amount="1234.50"' in html
    assert "<" not in html.split("aria-label=")[1].split('"')[1]


def test_the_same_card_gives_the_same_markup_and_a_changed_one_is_drawn_again():
    first = drawn(a_card())
    assert drawn(a_card()) == first
    assert 'data-version="4"' in drawn(a_card(version=4))
    assert "Cuisson" in drawn(a_card(tags=((9, "Cuisson"),)))


def test_markup_follows_the_clock_and_the_language():
    on_time = drawn(a_card())
    # An hour and a half later, the action is overdue; two days later, the date has passed.
    later = drawn(a_card(), now=NOW + dt.timedelta(hours=2))
    assert "overdue" not in on_time
    assert "overdue" in later
    passed = drawn(a_card(), today=TODAY + dt.timedelta(days=2))
    assert 'class="late"' in passed
    assert 'class="late"' not in on_time
    with translation.override("fr"):
        french = drawn(a_card())
    with translation.override("en"):
        english = drawn(a_card())
    assert "Déplacer" in french
    assert "Move" in english


def test_a_late_card_says_how_late_it_is():
    """U1: a date in red alone doesn't say how late; the card says it, and so does its name."""
    with translation.override("en"):
        html = drawn(a_card(expected_signature_date=TODAY - dt.timedelta(days=3)))
        one = drawn(a_card(expected_signature_date=TODAY - dt.timedelta(days=1)))
    assert 'class="late" title="' in html
    assert "3 days late" in html.split('title="', 2)[2].split('"')[0]
    assert "3 days late" in html.split("aria-label=")[1].split('"')[1]
    assert "1 day late" in one


def test_a_card_shows_its_readiness_for_the_next_stage_and_says_what_is_missing():
    """X3: "1/2" on the card, the fields still needed in its title, its spoken label and the
    data the card menu reads; nothing when the next stage asks for nothing."""
    from salespipe.pipeline.models import Stage
    from salespipe.pipeline.services.rules import Readiness

    proposal = Stage(name="Proposal", mandatory_fields=["expected_signature_date", "contact"])
    missing = a_card(readiness=Readiness(stage=proposal, filled=1, missing=("contact",)))
    ready = a_card(readiness=Readiness(stage=proposal, filled=2, missing=()))

    with translation.override("en"):
        html = drawn(missing)
        complete = drawn(ready)
        nothing = drawn(a_card())
    with translation.override("fr"):
        french = drawn(missing)

    assert '<span class="card-readiness" title="Proposal still needs: Contact.">1/2</span>' in html
    assert 'data-readiness="Proposal still needs: Contact."' in html
    assert "1 of 2 fields for Proposal" in html
    assert '<span class="card-readiness ready" title="Ready for Proposal' in complete
    assert "card-readiness" not in nothing
    assert "data-readiness" not in nothing
    assert "Pour Proposal, il manque encore : Contact." in french
    assert "1 sur 2 champs remplis pour Proposal" in french


def test_a_stale_card_stands_out_and_says_for_how_long_nothing_changed():
    """X1: a class the style marks, a badge whose title and spoken label give the days."""
    stale = a_card(
        stale_since=NOW - dt.timedelta(days=2), updated_at=NOW - dt.timedelta(days=12, hours=1)
    )

    with translation.override("en"):
        html = drawn(stale)
        fresh = drawn(a_card(updated_at=NOW - dt.timedelta(days=12)))
    with translation.override("fr"):
        french = drawn(stale)

    assert html.startswith('<li class="card stale" id="card-7"')
    assert '<span class="card-stale" title="Stale: no change for 12 days">Stale</span>' in html
    assert "Stale: no change for 12 days" in html.split('aria-label="', 1)[1].split('"', 1)[0]
    assert fresh.startswith('<li class="card" id="card-7"')
    assert "card-stale" not in fresh
    assert "Sans suite : aucun changement depuis 12 jours" in french


def test_a_card_pushed_back_says_how_many_times():
    """X2: a short mark, its title and spoken label in full; nothing while never pushed."""
    with translation.override("en"):
        html = drawn(a_card(slips=2))
        once = drawn(a_card(slips=1))
    with translation.override("fr"):
        french = drawn(a_card(slips=2))

    assert (
        '<span class="card-slips" title="Expected signature pushed back 2 times">↷2</span>' in html
    )
    assert "Expected signature pushed back 1 time" in once
    assert "card-slips" not in drawn(a_card())
    assert "Signature prévue repoussée 2 fois" in french
