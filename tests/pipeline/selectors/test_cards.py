"""A card read as plain values carries what it shows and what live search matches (SPEC B2,
B5, B11, B12, B20), the same as the opportunity it stands for."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.lib.months import Month
from salespipe.pipeline.models import Tag, TagKind
from salespipe.pipeline.selectors import board, calendar
from salespipe.pipeline.selectors.cards import Card
from salespipe.test import World, make_account, make_contact, make_opportunity


def only_card(result) -> Card:
    [card] = [card for column in result.columns for card in column.cards]
    return card


def test_a_card_holds_the_names_numbers_and_addresses_that_search_matches(world: World):
    account = make_account(
        world.company_a,
        name="Boulangerie Éclair",
        siren="552100554",
        phone="+33 1 23 45 67 89",
        email=" Contact@Eclair.example ",
    )
    contact = make_contact(
        account,
        last_name="Lefèvre",
        first_name="Zoé",
        phone="06 12 34 56 78",
        mobile="0033 7 11 22 33 44",
        email="Zoe@Eclair.example",
    )
    world.alice.first_name, world.alice.last_name = "Alice", "Martin"
    world.alice.save()
    opportunity = make_opportunity(
        world.portfolio_a,
        account=account,
        contact=contact,
        salesperson=world.alice,
        name="Fours",
        phone="01 98 76 54 32",
        email="achats@eclair.example",
    )
    card = only_card(board(user=world.alice, portfolio_id=world.portfolio_a.pk))
    assert (card.id, card.name, card.version) == (opportunity.pk, "Fours", opportunity.version)
    assert (card.account_id, card.account_name) == (account.pk, "Boulangerie Éclair")
    assert card.contact_name == "Zoé Lefèvre"
    assert (card.salesperson_id, card.salesperson_name) == (world.alice.pk, "Alice Martin")
    # B11: the account's key, the contact's both ways round, the SIREN.
    assert card.names.split("\n") == [
        "boulangerie eclair",
        "lefevre zoe",
        "zoe lefevre",
        "552100554",
    ]
    # B12: numbers as typed first, without +33, 0033 or 0.
    assert card.phones.split("\n") == ["123456789", "198765432", "612345678", "711223344"]
    assert card.emails.split("\n") == [
        "contact@eclair.example",
        "achats@eclair.example",
        "zoe@eclair.example",
    ]


def test_a_card_without_contact_or_names_of_its_salesperson_shows_the_username(world: World):
    world.bob.first_name = world.bob.last_name = ""
    world.bob.save()
    make_opportunity(world.portfolio_a, salesperson=world.bob, contact=None)
    card = only_card(board(user=world.alice, portfolio_id=world.portfolio_a.pk))
    assert card.contact_name == ""
    assert card.salesperson_name == world.bob.username


def test_a_card_lists_its_tags_by_name_and_its_soonest_planned_action(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    zebra = Tag.objects.create(name="Zebra", kind=TagKind.OPPORTUNITY)
    apple = Tag.objects.create(name="Apple", kind=TagKind.OPPORTUNITY)
    opportunity.tags.set([zebra, apple])
    now = timezone.now()
    for subject, days, done in [("Done", -1, True), ("Later", 4, False), ("Soon", 2, False)]:
        Action.objects.create(
            company=world.company_a,
            kind=ActionKind.DEMO,
            subject=subject,
            due_at=now + dt.timedelta(days=days),
            done=done,
            assignee=world.alice,
            opportunity=opportunity,
        )
    card = only_card(board(user=world.alice, portfolio_id=world.portfolio_a.pk))
    assert card.tags == ((apple.pk, "Apple"), (zebra.pk, "Zebra"))
    assert card.tag_ids == sorted([apple.pk, zebra.pk])
    assert card.next_action is not None
    assert (card.next_action.subject, card.next_action.kind) == ("Soon", ActionKind.DEMO)


def test_weighted_cards_show_amount_and_days_times_the_stage_probability(world: World):
    # B5: the stage's probability, to the cent.
    make_opportunity(
        world.portfolio_a,
        stage=world.proposal,
        amount=Decimal("1000.01"),
        days=Decimal("3"),
        expected_signature_date=timezone.localdate(),
    )
    probability = Decimal(world.proposal.probability) / 100
    plain = only_card(board(user=world.alice, portfolio_id=world.portfolio_a.pk))
    weighted = only_card(board(user=world.alice, portfolio_id=world.portfolio_a.pk, weighted=True))
    assert (plain.amount, plain.days) == (Decimal("1000.01"), Decimal("3"))
    assert weighted.amount == (Decimal("1000.01") * probability).quantize(Decimal("0.01"))
    assert weighted.days == (Decimal("3") * probability).quantize(Decimal("0.01"))
    on_calendar = only_card(
        calendar(
            user=world.alice,
            portfolio_id=world.portfolio_a.pk,
            start=Month.of(timezone.localdate()),
            months=1,
            weighted=True,
        )
    )
    assert on_calendar == weighted


def test_each_card_knows_its_readiness_for_the_next_stage_on_every_read(world: World):
    """X3: the board, Show more and the calendar read it alike, from the stages shown; the
    last open stage, and a next stage asking nothing, give none."""
    from salespipe.pipeline.selectors import ByStage, more

    make_opportunity(world.portfolio_a, name="Empty")
    make_opportunity(world.portfolio_a, name="Priced", amount=Decimal("0"))
    make_opportunity(
        world.portfolio_a,
        name="Half",
        stage=world.discovery,
        expected_signature_date=timezone.localdate(),
    )
    make_opportunity(world.portfolio_a, name="Last", stage=world.negotiation)
    make_opportunity(world.portfolio_a, name="Before last", stage=world.proposal)

    def readiness_of(cards) -> dict[str, tuple[str, int, tuple[str, ...]] | None]:
        return {
            card.name: (card.readiness.stage.name, card.readiness.filled, card.readiness.missing)
            if card.readiness
            else None
            for card in cards
        }

    expected = {
        "Empty": ("Discovery", 0, ("amount",)),
        "Priced": ("Discovery", 1, ()),
        "Half": ("Proposal", 1, ("contact",)),
        "Last": None,
        "Before last": None,
    }
    on_board = board(user=world.alice, portfolio_id=world.portfolio_a.pk)
    assert readiness_of(c for column in on_board.columns for c in column.cards) == expected
    start = Month.of(timezone.localdate())
    on_calendar = calendar(
        user=world.alice, portfolio_id=world.portfolio_a.pk, start=start, months=1
    )
    assert readiness_of(c for column in on_calendar.columns for c in column.cards) == expected
    shown_more = more(
        user=world.alice,
        layout=ByStage(world.portfolio_a.pk),
        after={world.qualification.pk: None},
        limit=10,
    )
    assert readiness_of(shown_more[world.qualification.pk].cards) == {
        "Empty": expected["Empty"],
        "Priced": expected["Priced"],
    }


def test_a_card_goes_stale_after_its_stages_delay_unless_an_action_is_planned_ahead(
    world: World,
):
    """X1: Qualification goes stale after 10 days without change; a planned action not late
    keeps a card fresh, a late one doesn't; the filter *Stale only* keeps the stale ones."""
    from salespipe.pipeline.models import Opportunity
    from salespipe.pipeline.selectors.filters import BoardFilters

    world.qualification.stale_after_days = 10
    world.qualification.save()
    now = timezone.now()
    idle = make_opportunity(world.portfolio_a, name="Idle")
    waiting = make_opportunity(world.portfolio_a, name="Waiting on a call")
    forgotten = make_opportunity(world.portfolio_a, name="Forgotten call")
    recent = make_opportunity(world.portfolio_a, name="Recent")
    other_stage = make_opportunity(world.portfolio_a, name="Discovery", stage=world.discovery)
    for deal, action_in in ((waiting, dt.timedelta(days=1)), (forgotten, -dt.timedelta(days=1))):
        Action.objects.create(
            company=world.company_a,
            opportunity=deal,
            kind=ActionKind.CALL,
            subject="Call",
            due_at=now + action_in,
            assignee=world.alice,
        )
    for deal, days in ((idle, 20), (waiting, 20), (forgotten, 20), (recent, 3), (other_stage, 40)):
        Opportunity.objects.filter(pk=deal.pk).update(updated_at=now - dt.timedelta(days=days))

    shown = board(user=world.alice, portfolio_id=world.portfolio_a.pk)
    cards = {card.name: card for column in shown.columns for card in column.cards}
    stale_only = board(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        filters=BoardFilters(stale_only=True),
    )

    assert {name for name, card in cards.items() if card.stale_since is not None} == {
        "Idle",
        "Forgotten call",
    }
    # Ten days after its last change, twenty days ago.
    assert cards["Idle"].stale_since == now - dt.timedelta(days=10)
    assert sorted(card.name for column in stale_only.columns for card in column.cards) == [
        "Forgotten call",
        "Idle",
    ]
    assert stale_only.summary.count == 2


def test_a_card_counts_the_times_its_expected_signature_was_pushed_later(world: World):
    """X2, from the history: later counts; earlier, a first date or a date taken away don't."""
    from salespipe.pipeline import services
    from salespipe.pipeline.models import Opportunity

    deal = make_opportunity(world.portfolio_a, name="Slipping")
    make_opportunity(world.portfolio_a, name="Steady")
    for day in (
        dt.date(2031, 3, 1),  # a first date: nothing pushed back
        dt.date(2031, 4, 1),  # later: 1
        dt.date(2031, 2, 1),  # earlier: no
        dt.date(2031, 6, 30),  # later: 2
        None,  # taken away: no
        dt.date(2031, 1, 1),  # given again: no
        dt.date(2031, 12, 31),  # later: 3
    ):
        version = Opportunity.objects.get(pk=deal.pk).version
        services.opportunity_update(
            user=world.alice,
            opportunity_id=deal.pk,
            version=version,
            values={"expected_signature_date": day},
        )

    shown = board(user=world.alice, portfolio_id=world.portfolio_a.pk)
    slips = {card.name: card.slips for column in shown.columns for card in column.cards}

    assert slips == {"Slipping": 3, "Steady": 0}
