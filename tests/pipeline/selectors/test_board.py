"""The board: columns, cards, totals, filters and sort (SPEC B1-B13, B6, B7, P6)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Sum
from django.http import QueryDict
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.org.access import OutOfScope
from salespipe.org.models import Collaborator, Currency
from salespipe.pipeline import selectors
from salespipe.pipeline.models import Opportunity, OpportunityStatus, Tag, TagKind
from salespipe.pipeline.selectors import ByStage, board
from salespipe.pipeline.selectors.cards import Card
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.test import World, make_account, make_contact, make_opportunity, make_user
from tests.pipeline.conftest import bulk_opportunities


def names(cards) -> list[str]:
    return [card.name for card in cards]


def column(result, stage):
    return next(c for c in result.columns if c.stage == stage)


def test_the_columns_are_the_open_stages_in_order_with_each_open_card_in_its_stage(world: World):
    # B1
    make_opportunity(world.portfolio_a, name="First", stage=world.qualification)
    make_opportunity(world.portfolio_a, name="Third", stage=world.proposal)
    make_opportunity(
        world.portfolio_a, name="Won", status=OpportunityStatus.WON, signed_on=dt.date(2030, 1, 1)
    )
    make_opportunity(world.portfolio_a2, name="Other portfolio")
    result = board(user=world.alice, portfolio_id=world.portfolio_a.pk)
    assert [c.stage for c in result.columns] == [
        world.qualification,
        world.discovery,
        world.proposal,
        world.negotiation,
    ]
    assert [names(c.cards) for c in result.columns] == [["First"], [], ["Third"], []]
    assert (result.scope_label, result.portfolio, result.template) == (
        "Projects A",
        world.portfolio_a,
        world.projects,
    )
    assert result.can_create is True


def test_charlie_opens_company_as_portfolio_but_sees_none_of_its_cards(world: World):
    # B7: every portfolio is listed; only the companies in scope are shown.
    make_opportunity(world.portfolio_a)
    result = board(user=world.charlie, portfolio_id=world.portfolio_a.pk)
    assert [c.cards for c in result.columns] == [[], [], [], []]
    assert result.summary.count == 0
    assert result.can_create is False


def test_an_unknown_portfolio_or_group_is_out_of_scope(world: World):
    with pytest.raises(OutOfScope):
        board(user=world.alice, portfolio_id=987654)
    with pytest.raises(OutOfScope):
        board(user=world.alice, group_id=987654)
    with pytest.raises(OutOfScope):
        board(user=world.alice, portfolio_id="x")  # type: ignore[arg-type]


def _plan(
    world: World, opportunity: Opportunity, actions: list[tuple[str, dt.datetime, bool]]
) -> None:
    """Actions of `opportunity`: (subject, due, done)."""
    for subject, due, done in actions:
        Action.objects.create(
            company=world.company_a,
            kind=ActionKind.CALL,
            subject=subject,
            due_at=due,
            done=done,
            assignee=world.alice,
            opportunity=opportunity,
        )


def _drawn(world: World) -> dict[int, Card]:
    """The cards alice's board of portfolio A draws in its first stage, by id."""
    first = column(board(user=world.alice, portfolio_id=world.portfolio_a.pk), world.qualification)
    return {card.id: card for card in first.cards}


def test_a_card_carries_its_own_currency_and_its_next_planned_action(world: World):
    # B2, B6, B20
    opportunity = make_opportunity(
        world.portfolio_a, currency_id="USD", amount=Decimal("100"), days=Decimal("2")
    )
    now = timezone.now()
    _plan(
        world,
        opportunity,
        [
            ("Done already", now - dt.timedelta(days=3), True),
            ("Later", now + dt.timedelta(days=5), False),
            ("Next", now + dt.timedelta(days=1), False),
        ],
    )
    bare = make_opportunity(world.portfolio_a)
    cards = _drawn(world)
    card = cards[opportunity.pk]
    assert (card.amount, card.days, card.currency_id) == (
        Decimal("100"),
        Decimal("2"),
        "USD",
    )
    assert card.next_action is not None
    assert card.next_action.subject == "Next"
    assert card.has_planned_action
    assert cards[bare.pk].next_action is None


def test_totals_convert_every_currency_into_the_portfolio_companys_and_equal_the_sql_sums(
    world: World,
):
    # B3, B4, B6: 1 USD = 0.90 EUR.
    make_opportunity(world.portfolio_a, amount=Decimal("100.00"), days=Decimal("1.5"))
    make_opportunity(world.portfolio_a, amount=Decimal("0.05"), days=None)
    make_opportunity(world.portfolio_a, currency_id="USD", amount=Decimal("200.00"))
    make_opportunity(world.portfolio_a, currency_id="USD", amount=Decimal("0.05"))
    make_opportunity(world.portfolio_a, stage=world.discovery, amount=None, days=Decimal(4))
    make_opportunity(
        world.portfolio_a, stage=world.negotiation, currency_id="GBP", amount=Decimal(10)
    )
    result = board(user=world.alice, portfolio_id=world.portfolio_a.pk)
    first = column(result, world.qualification).totals
    eur = Opportunity.objects.filter(stage=world.qualification, currency="EUR").aggregate(
        s=Sum("amount")
    )["s"]
    usd = Opportunity.objects.filter(stage=world.qualification, currency="USD").aggregate(
        s=Sum("amount")
    )["s"]
    assert (eur, usd) == (Decimal("100.05"), Decimal("200.05"))
    # The USD sum is converted once (180.045 -> 180.05), not card by card (180.00 + 0.05).
    assert (
        first.amount
        == eur + (usd * Decimal("0.90")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        == Decimal("280.10")
    )
    assert (first.count, first.days) == (4, Decimal("1.50"))
    assert (
        column(result, world.discovery).totals.amount,
        column(result, world.discovery).totals.days,
    ) == (
        Decimal(0),
        Decimal(4),
    )
    assert column(result, world.negotiation).totals.amount == Decimal("11.50")
    assert result.summary.count == 6
    assert result.summary.amount == Decimal("291.60")
    assert result.summary.days == Decimal("5.50")
    assert result.currency == world.eur
    assert result.missing_rates == []
    assert [t.totals for t in result.by_stage] == [c.totals for c in result.columns]


def test_weighted_amounts_use_the_stage_probability_on_cards_and_totals(world: World):
    # B5: discovery weighs 30 %, negotiation 80 %.
    make_opportunity(
        world.portfolio_a, stage=world.discovery, amount=Decimal("1000"), days=Decimal("10")
    )
    make_opportunity(world.portfolio_a, stage=world.discovery, amount=Decimal("0.05"))
    make_opportunity(
        world.portfolio_a, stage=world.negotiation, currency_id="USD", amount=Decimal("100")
    )
    result = board(user=world.alice, portfolio_id=world.portfolio_a.pk, weighted=True)
    discovery = column(result, world.discovery)
    assert sorted((c.amount, c.days) for c in discovery.cards) == [
        (Decimal("0.02"), None),
        (Decimal("300.00"), Decimal("3.00")),
    ]
    # The stage's SQL sum, weighted once: 1000.05 x 30 % = 300.015 -> 300.02.
    assert discovery.totals.amount == Decimal("300.02")
    assert discovery.totals.days == Decimal("3.00")
    negotiation = column(result, world.negotiation)
    assert negotiation.cards[0].amount == Decimal("80.00")
    assert negotiation.totals.amount == Decimal("72.00")
    assert result.summary.amount == Decimal("372.02")
    assert result.weighted is True


def test_an_amount_without_a_rate_is_left_out_of_totals_and_reported(world: World):
    # B6: company B counts in GBP; there is no USD-GBP rate, and EUR uses GBP->EUR inverted.
    make_opportunity(world.portfolio_b, currency_id="USD", amount=Decimal("100"), days=Decimal(1))
    make_opportunity(world.portfolio_b, currency_id="EUR", amount=Decimal("115"))
    make_opportunity(world.portfolio_b, currency_id="GBP", amount=Decimal("1"))
    result = board(user=world.charlie, portfolio_id=world.portfolio_b.pk)
    assert result.currency == world.gbp
    assert result.missing_rates == ["USD→GBP"]
    assert result.summary.count == 3
    assert result.summary.amount == Decimal("101.00")
    assert result.summary.days == Decimal("1.00")


def test_card_limit_draws_fewer_cards_but_totals_cover_every_match(world: World):
    for index in range(5):
        make_opportunity(world.portfolio_a, name=f"Deal {index}", amount=Decimal(10))
    make_opportunity(world.portfolio_a, name="Lonely", stage=world.proposal, amount=Decimal(1))
    result = board(user=world.alice, portfolio_id=world.portfolio_a.pk, card_limit=2)
    first = column(result, world.qualification)
    assert (len(first.cards), first.remaining, first.totals.count) == (2, 3, 5)
    assert first.totals.amount == Decimal(50)
    assert (
        len(column(result, world.proposal).cards),
        column(result, world.proposal).remaining,
    ) == (
        1,
        0,
    )
    assert result.summary.count == 6
    none = board(user=world.alice, portfolio_id=world.portfolio_a.pk, card_limit=0)
    assert [len(c.cards) for c in none.columns] == [0, 0, 0, 0]
    assert none.summary == result.summary


def test_a_groups_board_shows_all_its_portfolios_without_a_create_button(world: World):
    # B7: a group is the portfolios of one template.
    make_opportunity(world.portfolio_a, name="A")
    make_opportunity(world.portfolio_a2, name="A North")
    make_opportunity(world.portfolio_b, name="B")
    make_opportunity(world.licences_a, name="Licence")
    result = board(user=world.alice, group_id=world.projects.pk)
    assert sorted(names(column(result, world.qualification).cards)) == ["A", "A North"]
    assert result.portfolio is None
    assert result.can_create is False
    assert result.currency == world.eur
    assert "Projects" in result.scope_label
    # A user of both companies sees both, counted in its first company's currency.
    dave = make_user("dave", world.company_b, world.company_a)
    both = board(user=dave, group_id=world.projects.pk)
    assert sorted(names(column(both, world.qualification).cards)) == ["A", "A North", "B"]
    assert both.currency == world.eur


def test_a_board_is_of_one_portfolio_or_one_group(world: World):
    from salespipe.lib.errors import InvalidInput

    with pytest.raises(InvalidInput):
        board(user=world.alice)
    with pytest.raises(InvalidInput):
        board(user=world.alice, portfolio_id=world.portfolio_a.pk, group_id=world.projects.pk)


# --- B8-B12: filters and searches ---------------------------------------------------------


@pytest.fixture
def crowd(world: World) -> dict[str, Opportunity]:
    """A few cards that each filter tells apart."""
    colleague = make_user("erin", world.company_a, team=world.sales_team, department=world.lyon)
    far = make_account(
        world.company_a, "Zenith Industries", siren="552100554", phone="04 72 00 00 00"
    )
    zoe = make_contact(far, "Abel", first_name="Zoé")
    deals = {
        "alice_hot": make_opportunity(
            world.portfolio_a,
            name="Alice hot",
            salesperson=world.alice,
            amount=Decimal(500),
            expected_signature_date=dt.date(2030, 3, 10),
            created_by=world.alice,
            email="buyer@dupont.example",
        ),
        "bob_usd": make_opportunity(
            world.portfolio_a,
            name="Bob dollars",
            salesperson=world.bob,
            currency_id="USD",
            amount=Decimal(5000),
            expected_signature_date=dt.date(2030, 6, 1),
            created_by=world.bob,
        ),
        "erin_far": make_opportunity(
            world.portfolio_a,
            account=far,
            contact=zoe,
            name="Erin far",
            salesperson=colleague,
            amount=None,
            phone="+33 6 98 76 54 32",
            created_by=world.bob,
        ),
    }
    deals["alice_hot"].tags.add(world.tag_hot)
    Action.objects.create(
        company=world.company_a,
        kind=ActionKind.DEMO,
        subject="Demo",
        due_at=timezone.now() + dt.timedelta(days=1),
        assignee=world.bob,
        opportunity=deals["bob_usd"],
    )
    return deals


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["alice_hot", "bob_usd", "erin_far"]),
        ("salesperson={alice}", ["alice_hot"]),
        ("team={sales_team}", ["alice_hot", "erin_far"]),
        ("department={lyon}", ["bob_usd", "erin_far"]),
        ("tags={hot}", ["alice_hot"]),
        ("tags={hot},{other_tag}", []),
        ("currency=usd", ["bob_usd"]),
        ("amount_min=400&amount_max=1000", ["alice_hot"]),
        ("signature_from=2030-03-10&signature_to=2030-05-31", ["alice_hot"]),
        ("planned=yes", ["bob_usd"]),
        ("planned=no", ["alice_hot", "erin_far"]),
        ("mine=1", ["alice_hot"]),
        ("q=boul", ["alice_hot", "bob_usd"]),
        ("q=ZEN", ["erin_far"]),
        ("q=abel", ["erin_far"]),
        ("q=zoe", ["erin_far"]),
        ("q=5521", ["erin_far"]),
        ("q=7328", ["alice_hot", "bob_usd"]),
        ("reach=06 98", ["erin_far"]),
        ("reach=%2B33 4 72", ["erin_far"]),
        ("reach=0123", ["alice_hot", "bob_usd"]),
        ("reach=buyer@", ["alice_hot"]),
        ("reach=contact@dup", ["alice_hot", "bob_usd"]),
        ("team={sales_team}&currency=EUR&planned=no", ["alice_hot", "erin_far"]),
    ],
)
def test_each_filter_and_search_narrows_the_cards(
    world: World, crowd: dict[str, Opportunity], query: str, expected: list[str]
):
    ids = {
        "alice": world.alice.pk,
        "sales_team": world.sales_team.pk,
        "lyon": world.lyon.pk,
        "hot": world.tag_hot.pk,
        "other_tag": world.tag_other_kind.pk,
    }
    filters = BoardFilters.from_params(QueryDict(query.format(**ids)))
    assert filters.errors == {}
    result = board(user=world.alice, portfolio_id=world.portfolio_a.pk, filters=filters)
    shown = {c.id for col in result.columns for c in col.cards}
    assert shown == {crowd[key].pk for key in expected}
    assert result.summary.count == len(expected)


def test_an_amount_is_read_as_the_pages_write_it_in_french_or_english():
    """B8: "1 234,50" copied from a French card (narrow no-break spaces) reads as 1234.50."""
    for written in ("1\u202f234,50", "1\u00a0234,50", "1 234,50", "1234.50"):
        filters = BoardFilters.from_params(QueryDict(mutable=True) | {"amount_min": written})
        assert (filters.amount_min, filters.errors) == (Decimal("1234.50"), {}), written


def test_reading_filters_never_fails_and_says_what_it_ignored():
    filters = BoardFilters.from_params(
        QueryDict(
            "salesperson=abc&tags=1,x&amount_min=lots&signature_to=31/12/2030&planned=maybe"
            "&currency=EURO&sort=colour&team=3"
        )
    )
    assert set(filters.errors) == {
        "salesperson",
        "tags",
        "amount_min",
        "signature_to",
        "planned",
        "currency",
        "sort",
    }
    assert (filters.salesperson, filters.tags, filters.amount_min, filters.sort, filters.team) == (
        None,
        (1,),
        None,
        "signature",
        3,
    )
    assert BoardFilters.from_params({"tags": ["2", "3"], "sort": "-amount"}) == BoardFilters(
        tags=(2, 3), sort="-amount"
    )
    round_trip = BoardFilters(tags=(2,), planned_action=False, created_by_me=True, sort="name")
    assert BoardFilters.from_params(round_trip.to_params()) == round_trip
    assert round_trip.advanced_count == 3


def test_sort_orders_the_cards_inside_each_column(world: World):
    # B9: default, expected signature date ascending with no date last.
    make_opportunity(
        world.portfolio_a,
        name="b-late",
        expected_signature_date=dt.date(2030, 9, 1),
        amount=Decimal(5),
    )
    make_opportunity(world.portfolio_a, name="C-undated", amount=Decimal(50))
    make_opportunity(world.portfolio_a, name="a-soon", expected_signature_date=dt.date(2030, 1, 1))

    def order(sort: str) -> list[str]:
        result = board(
            user=world.alice, portfolio_id=world.portfolio_a.pk, filters=BoardFilters(sort=sort)
        )
        return names(column(result, world.qualification).cards)

    assert order("signature") == ["a-soon", "b-late", "C-undated"]
    assert order("-signature") == ["b-late", "a-soon", "C-undated"]
    assert order("-amount") == ["C-undated", "b-late", "a-soon"]
    assert order("amount") == ["b-late", "C-undated", "a-soon"]
    assert order("name") == ["a-soon", "b-late", "C-undated"]
    assert order("-created") == ["a-soon", "C-undated", "b-late"]


def test_sort_by_amount_compares_the_amounts_in_the_boards_currency_at_its_rates(world: World):
    """B9: £12,600 (€14,490 at 1.15) is more than €13,200, whatever the raw figures say; an
    amount no rate converts comes last, as the totals leave it out. The next cards of a
    column go on from the last one drawn in that same order."""
    chf = Currency.objects.create(code="CHF", name="Swiss franc")
    for name, amount, currency in [
        ("euros", "13200", "EUR"),
        ("pounds", "12600", "GBP"),
        ("dollars", "14000", "USD"),  # €12,600 at 0.90
        ("francs", "1", chf.code),
    ]:
        make_opportunity(world.portfolio_a, name=name, amount=Decimal(amount), currency_id=currency)

    def order(sort: str) -> list[str]:
        result = board(
            user=world.alice, portfolio_id=world.portfolio_a.pk, filters=BoardFilters(sort=sort)
        )
        return names(column(result, world.qualification).cards)

    assert order("amount") == ["dollars", "euros", "pounds", "francs"]
    assert order("-amount") == ["pounds", "euros", "dollars", "francs"]

    first = board(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        filters=BoardFilters(sort="-amount"),
        card_limit=1,
    )
    drawn = column(first, world.qualification).cards
    more = selectors.more(
        user=world.alice,
        layout=ByStage(world.portfolio_a.pk),
        filters=BoardFilters(sort="-amount"),
        after={world.qualification.pk: drawn[0].id},
        limit=10,
    )
    assert names(more[world.qualification.pk].cards) == ["euros", "dollars", "francs"]


def test_sort_by_name_ignores_case_and_accents(world: World):
    """B9: "Téléphonie" comes before "Tierce", and "éclairage" with the e's."""
    for name in ["Tierce", "Téléphonie", "zèbre", "éclairage", "Ecran"]:
        make_opportunity(world.portfolio_a, name=name)
    result = board(
        user=world.alice, portfolio_id=world.portfolio_a.pk, filters=BoardFilters(sort="name")
    )
    assert names(column(result, world.qualification).cards) == [
        "éclairage",
        "Ecran",
        "Téléphonie",
        "Tierce",
        "zèbre",
    ]


def test_a_renamed_opportunity_sorts_by_its_new_name(world: World):
    from salespipe.pipeline import services

    first = make_opportunity(world.portfolio_a, name="Alpha")
    make_opportunity(world.portfolio_a, name="Mango")
    services.opportunity_update(
        user=world.alice, opportunity_id=first.pk, version=1, values={"name": "Zéphyr"}
    )
    result = board(
        user=world.alice, portfolio_id=world.portfolio_a.pk, filters=BoardFilters(sort="name")
    )
    assert names(column(result, world.qualification).cards) == ["Mango", "Zéphyr"]
    assert Opportunity.objects.get(pk=first.pk).name_key == "zephyr"

    # Without its accents a name may grow ("ß" is "ss"): its key is cut to its column.
    long_name = "Straße " + "ß" * 190
    services.opportunity_update(
        user=world.alice, opportunity_id=first.pk, version=2, values={"name": long_name}
    )
    assert len(Opportunity.objects.get(pk=first.pk).name_key) == 200


def test_sort_applies_within_a_card_limit(world: World):
    for day in (5, 1, 3):
        make_opportunity(
            world.portfolio_a, name=f"day {day}", expected_signature_date=dt.date(2030, 1, day)
        )
    result = board(user=world.alice, portfolio_id=world.portfolio_a.pk, card_limit=2)
    assert names(column(result, world.qualification).cards) == ["day 1", "day 3"]


# --- Query count -----------------------------------------------------------------------------

BOARD_QUERIES = 8
GROUP_BOARD_QUERIES = 9


@pytest.mark.parametrize("size", [50, 500])
def test_the_boards_query_count_does_not_grow_with_the_opportunities(
    world: World, size: int, django_assert_num_queries
):
    bulk_opportunities(world, size)
    filters = BoardFilters(sort="-amount")
    alice = Collaborator.objects.get(pk=world.alice.pk)
    with django_assert_num_queries(BOARD_QUERIES):
        # Cards are plain values: what they show is read with them.
        result = board(user=alice, portfolio_id=world.portfolio_a.pk, filters=filters)
    assert result.summary.count == size // 2
    assert sum(len(c.cards) for c in result.columns) == size // 2
    alice = Collaborator.objects.get(pk=world.alice.pk)
    with django_assert_num_queries(GROUP_BOARD_QUERIES):
        grouped = board(user=alice, group_id=world.projects.pk, weighted=True, card_limit=10)
    assert grouped.summary.count == size
    assert [len(c.cards) for c in grouped.columns] == [10, 10, 10, 10]


# Every filter set, an amount of zero included: zero is a bound, not "no bound".
EVERY_FILTER = BoardFilters(
    salesperson=4,
    team=5,
    department=6,
    tags=(7, 8),
    currency="USD",
    amount_min=Decimal("0"),
    amount_max=Decimal("1500.50"),
    signature_from=dt.date(2026, 1, 1),
    signature_to=dt.date(2026, 12, 31),
    planned_action=True,
    created_by_me=True,
    stale_only=True,
    search="Dupont",
    reach="0612",
    sort="-updated",
)


def test_each_filter_is_named_once_for_the_pages_and_the_api():
    """B8-B12: `FILTER_PARAMS` lists every filter; `BoardFilters` has an attribute for each
    and the API's `CardFilters` a field of each name, and nothing else."""
    from dataclasses import fields

    from salespipe.api.schemas_opportunities import CardFilters
    from salespipe.pipeline.selectors.filters import FILTER_PARAMS

    names = [param.name for param in FILTER_PARAMS]
    assert len(set(names)) == len(names)
    assert set(CardFilters.model_fields) == set(names)
    attributes = {param.attribute for param in FILTER_PARAMS}
    assert {f.name for f in fields(BoardFilters)} == attributes | {"sort", "errors"}
    # Every filter is set in the example below, so that the round trips try each one.
    unset = BoardFilters()
    assert [a for a in attributes if getattr(EVERY_FILTER, a) == getattr(unset, a)] == []
    assert EVERY_FILTER.to_params() == {
        "salesperson": "4",
        "team": "5",
        "department": "6",
        "currency": "USD",
        "amount_min": "0",
        "amount_max": "1500.50",
        "signature_from": "2026-01-01",
        "signature_to": "2026-12-31",
        "tags": "7,8",
        "planned": "yes",
        "mine": "1",
        "stale": "1",
        "q": "Dupont",
        "reach": "0612",
        "sort": "-updated",
    }
    assert BoardFilters.from_params(EVERY_FILTER.to_params()) == EVERY_FILTER


def test_the_api_reads_the_same_filters_as_the_pages_address():
    from salespipe.api.schemas_opportunities import CardFilters

    api = CardFilters.model_validate(
        {
            **EVERY_FILTER.to_params(),
            "tags": [7, 8, 7],
            "planned": True,
            "mine": True,
            "stale": True,
        }
    )
    assert api.board_filters(sort="-updated") == EVERY_FILTER
    assert CardFilters.model_validate({}).board_filters() == BoardFilters()


def test_a_changes_card_reads_its_tags_and_actions_in_its_row_as_the_board_does(world: World):
    # B2, B20, B21: the answer to a change reads a card's tags and next action by subqueries
    # of its own row; it must be the card the board draws.
    tagged = make_opportunity(world.portfolio_a, amount=Decimal("10"))
    names = ['Zed, "quoted"', "back\\slash", "Été 🌞", "a\nline", world.tag_hot.name]
    tags = [world.tag_hot] + [
        Tag.objects.create(name=name, kind=TagKind.OPPORTUNITY) for name in names[:-1]
    ]
    tagged.tags.set(tags)
    due = timezone.now().replace(microsecond=123456) + dt.timedelta(days=2)
    _plan(
        world,
        tagged,
        [
            ("Done", due - dt.timedelta(days=9), True),
            ("Next", due, False),
            ("Same time, planned after", due, False),
            ("Later", due + dt.timedelta(hours=5), False),
        ],
    )
    bare = make_opportunity(world.portfolio_a)
    drawn = _drawn(world)
    changes = selectors.changes(
        user=world.alice, layout=ByStage(world.portfolio_a.pk), ids=[tagged.pk, bare.pk]
    )
    answered = {item.card.id: item.card for item in changes.placed}
    assert answered[tagged.pk] == drawn[tagged.pk]
    assert answered[bare.pk] == drawn[bare.pk]
    assert [name for _id, name in answered[tagged.pk].tags] == sorted(names)
    action = answered[tagged.pk].next_action
    assert action is not None
    assert (action.subject, action.due_at) == ("Next", due)
