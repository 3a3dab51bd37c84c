"""The signature calendar and the won and lost lists (SPEC C1-C4, B4-B6, B19, P6)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from salespipe.lib.errors import InvalidInput
from salespipe.lib.months import Month
from salespipe.org.models import Collaborator
from salespipe.pipeline import selectors
from salespipe.pipeline.models import OpportunityStatus
from salespipe.pipeline.selectors import ByMonth, calendar, closed_list
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import OVERDUE, MonthSlot
from salespipe.test import World, make_opportunity, make_user
from tests.pipeline.conftest import bulk_opportunities

JAN = Month(2030, 1)


def names(column) -> list[str]:
    return [card.name for card in column.cards]


def test_no_date_comes_first_then_each_card_in_its_signature_month(world: World):
    # C1
    make_opportunity(world.portfolio_a, name="Undated")
    make_opportunity(world.portfolio_a, name="Jan 1", expected_signature_date=dt.date(2030, 1, 1))
    make_opportunity(
        world.portfolio_a,
        name="Jan 31",
        stage=world.negotiation,
        expected_signature_date=dt.date(2030, 1, 31),
    )
    make_opportunity(world.portfolio_a, name="Mar", expected_signature_date=dt.date(2030, 3, 15))
    make_opportunity(
        world.portfolio_a, name="Before", expected_signature_date=dt.date(2029, 12, 31)
    )
    make_opportunity(world.portfolio_a, name="After", expected_signature_date=dt.date(2030, 5, 1))
    make_opportunity(
        world.portfolio_a,
        name="Won",
        expected_signature_date=dt.date(2030, 1, 5),
        status=OpportunityStatus.WON,
        signed_on=dt.date(2030, 1, 5),
    )
    result = calendar(user=world.alice, portfolio_id=world.portfolio_a.pk, start=JAN, months=4)
    assert [c.month for c in result.columns] == [
        None,
        JAN,
        Month(2030, 2),
        Month(2030, 3),
        Month(2030, 4),
    ]
    assert [names(c) for c in result.columns] == [["Undated"], ["Jan 1", "Jan 31"], [], ["Mar"], []]
    assert [c.totals.count for c in result.columns] == [1, 2, 0, 1, 0]
    assert result.summary.count == 4
    assert (result.start, result.months, result.can_create) == (JAN, 4, True)
    assert [(s.stage, s.totals.count) for s in result.by_stage] == [
        (world.qualification, 3),
        (world.discovery, 0),
        (world.proposal, 0),
        (world.negotiation, 1),
    ]


def test_calendar_totals_convert_and_weigh_like_the_board(world: World):
    # B5, B6 in the calendar: 1 USD = 0.90 EUR; negotiation weighs 80 %.
    make_opportunity(
        world.portfolio_a,
        stage=world.negotiation,
        currency_id="USD",
        amount=Decimal(100),
        days=Decimal(5),
        expected_signature_date=dt.date(2030, 2, 10),
    )
    make_opportunity(
        world.portfolio_a, amount=Decimal(10), expected_signature_date=dt.date(2030, 2, 11)
    )
    actual = calendar(user=world.alice, portfolio_id=world.portfolio_a.pk, start=JAN, months=2)
    assert actual.columns[2].totals.amount == Decimal("100.00")
    weighted = calendar(
        user=world.alice, portfolio_id=world.portfolio_a.pk, start=JAN, months=2, weighted=True
    )
    february = weighted.columns[2]
    assert february.totals.amount == Decimal("73.00")  # 100 x 80 % x 0.90 + 10 x 10 %
    assert february.totals.days == Decimal("4.00")
    assert sorted(card.amount or Decimal(0) for card in february.cards) == [
        Decimal("1.00"),
        Decimal("80.00"),
    ]
    assert weighted.summary == february.totals


def test_all_portfolios_shows_every_portfolio_in_scope_without_a_create_button(world: World):
    # C4: every portfolio the user may see, and no create button.
    make_opportunity(world.portfolio_a, name="Projects")
    make_opportunity(world.licences_a, name="Licence")
    make_opportunity(world.portfolio_b, name="Company B")
    result = calendar(user=world.alice, all_portfolios=True, start=JAN, months=4)
    assert sorted(names(result.columns[0])) == ["Licence", "Projects"]
    assert result.can_create is False
    assert result.portfolio is None
    assert result.template is None
    assert {s.stage for s in result.by_stage if s.totals.count} == {
        world.licence_lead,
        world.qualification,
    }
    group = calendar(user=world.charlie, group_id=world.projects.pk, start=JAN, months=4)
    assert names(group.columns[0]) == ["Company B"]
    assert group.currency == world.gbp


def test_the_calendar_takes_the_boards_filters_and_card_limit(world: World):
    for day in (20, 10, 30):
        make_opportunity(
            world.portfolio_a,
            name=f"Jan {day}",
            expected_signature_date=dt.date(2030, 1, day),
            salesperson=world.bob,
        )
    make_opportunity(world.portfolio_a, name="Alice's", expected_signature_date=dt.date(2030, 1, 2))
    result = calendar(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        start=JAN,
        months=1,
        filters=BoardFilters(salesperson=world.bob.pk, sort="-signature"),
        card_limit=2,
    )
    january = result.columns[1]
    assert names(january) == ["Jan 30", "Jan 20"]
    assert (january.totals.count, january.remaining) == (3, 1)


@pytest.mark.parametrize("months", [0, 37])
def test_the_number_of_months_is_bounded(world: World, months: int):
    with pytest.raises(InvalidInput) as error:
        calendar(user=world.alice, all_portfolios=True, start=JAN, months=months)
    assert list(error.value.errors) == ["months"]


CALENDAR_QUERIES = 8


@pytest.mark.parametrize("size", [50, 500])
def test_the_calendars_query_count_does_not_grow_with_the_opportunities(
    world: World, size: int, django_assert_num_queries
):
    bulk_opportunities(world, size)
    start = Month.of(timezone.localdate())
    alice = Collaborator.objects.get(pk=world.alice.pk)
    with django_assert_num_queries(CALENDAR_QUERIES):
        result = calendar(user=alice, all_portfolios=True, start=start, months=6, weighted=True)
    assert result.summary.count == size
    alice = Collaborator.objects.get(pk=world.alice.pk)
    with django_assert_num_queries(CALENDAR_QUERIES):
        calendar(user=alice, portfolio_id=world.portfolio_a.pk, start=start, months=4, card_limit=5)


# --- B19: won and lost lists -----------------------------------------------------------------


def test_the_won_and_lost_lists_hold_the_closed_opportunities_of_the_users_companies(world: World):
    make_opportunity(world.portfolio_a, name="Open")
    make_opportunity(
        world.portfolio_a,
        name="Won early",
        status=OpportunityStatus.WON,
        stage=world.signed,
        signed_on=dt.date(2030, 1, 1),
    )
    make_opportunity(
        world.portfolio_a,
        name="Won late",
        status=OpportunityStatus.WON,
        stage=world.signed,
        signed_on=dt.date(2030, 6, 1),
    )
    for reason in (world.reason_lost, world.reason_abandoned, world.reason_out):
        make_opportunity(
            world.portfolio_a2,
            name=f"Closed: {reason.status}",
            status=reason.status,
            loss_reason=reason,
            lost_on=dt.date(2030, 2, 1),
        )
    make_opportunity(
        world.portfolio_b,
        name="Other company",
        status=OpportunityStatus.WON,
        stage=world.signed,
        signed_on=dt.date(2030, 1, 1),
    )
    won = closed_list(user=world.alice, outcome="won")
    assert [o.name for o in won.rows] == ["Won late", "Won early"]
    assert won.total == 2
    lost = closed_list(user=world.alice, outcome="lost")
    assert sorted(o.name for o in lost.rows) == [
        "Closed: abandoned",
        "Closed: lost",
        "Closed: out_of_target",
    ]
    assert (
        closed_list(user=world.alice, outcome="lost", portfolio_id=world.portfolio_a.pk).rows == []
    )
    assert closed_list(user=world.alice, outcome="won", group_id=world.projects.pk).total == 2
    assert [o.name for o in closed_list(user=world.alice, outcome="won", search="won l").rows] == [
        "Won late"
    ]
    assert closed_list(user=world.alice, outcome="won", search="boulang").total == 2
    limited = closed_list(user=world.alice, outcome="lost", limit=2)
    assert (len(limited.rows), limited.total) == (2, 3)
    dave = make_user("dave", world.company_b)
    assert [o.name for o in closed_list(user=dave, outcome="won").rows] == ["Other company"]


# --- Overdue (C1) ------------------------------------------------------------------------------

TODAY = dt.date(2030, 3, 14)
MARCH = Month(2030, 3)


def test_overdue_comes_after_no_date_with_the_open_signatures_before_this_month(world: World):
    """C1, Overdue: an open opportunity whose expected signature is past no longer drops out of
    the calendar; *Overdue* holds those before the first month shown, with their totals."""
    make_opportunity(world.portfolio_a, name="Undated")
    make_opportunity(
        world.portfolio_a,
        name="Last year",
        currency_id="USD",
        amount=Decimal(100),
        days=Decimal(2),
        expected_signature_date=dt.date(2029, 6, 30),
    )
    make_opportunity(
        world.portfolio_a,
        name="February",
        stage=world.negotiation,
        amount=Decimal(50),
        expected_signature_date=dt.date(2030, 2, 28),
    )
    make_opportunity(
        world.portfolio_a, name="Early March", expected_signature_date=dt.date(2030, 3, 1)
    )
    make_opportunity(world.portfolio_a, name="April", expected_signature_date=dt.date(2030, 4, 2))
    make_opportunity(
        world.portfolio_a,
        name="Won late",
        expected_signature_date=dt.date(2030, 1, 5),
        status=OpportunityStatus.WON,
        signed_on=dt.date(2030, 1, 5),
    )
    make_opportunity(
        world.portfolio_b, name="Other company", expected_signature_date=dt.date(2030, 1, 5)
    )

    result = calendar(
        user=world.alice, portfolio_id=world.portfolio_a.pk, start=MARCH, months=2, today=TODAY
    )

    assert [(c.key, c.month, c.overdue) for c in result.columns] == [
        ("none", None, False),
        ("overdue", None, True),
        ("2030-03", MARCH, False),
        ("2030-04", Month(2030, 4), False),
    ]
    # Sorted by expected signature, as every column; a date earlier this month stays in it.
    assert [names(c) for c in result.columns] == [
        ["Undated"],
        ["Last year", "February"],
        ["Early March"],
        ["April"],
    ]
    overdue = result.columns[1]
    # 100 USD at 0.90 and 50 EUR; its days; counted in the summary like any column.
    assert (overdue.totals.count, overdue.totals.amount, overdue.totals.days) == (
        2,
        Decimal("140.00"),
        Decimal("2.00"),
    )
    assert result.summary.count == 5
    assert result.summary.amount == sum((c.totals.amount for c in result.columns), Decimal(0))
    weighted = calendar(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        start=MARCH,
        months=2,
        today=TODAY,
        weighted=True,
    )
    # Qualification weighs 10 %, negotiation 80 %.
    assert weighted.columns[1].totals.amount == Decimal("49.00")


def test_a_calendar_started_earlier_holds_in_overdue_what_comes_before_its_first_month(
    world: World,
):
    make_opportunity(
        world.portfolio_a, name="December", expected_signature_date=dt.date(2029, 12, 3)
    )
    make_opportunity(world.portfolio_a, name="January", expected_signature_date=dt.date(2030, 1, 9))

    result = calendar(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        start=Month(2030, 1),
        months=2,
        today=TODAY,
    )

    assert [(c.key, names(c)) for c in result.columns] == [
        ("none", []),
        ("overdue", ["December"]),
        ("2030-01", ["January"]),
        ("2030-02", []),
    ]


def test_a_calendar_of_months_to_come_or_without_a_today_has_no_overdue_column(world: World):
    make_opportunity(world.portfolio_a, name="Past", expected_signature_date=dt.date(2030, 1, 9))
    ahead = calendar(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        start=Month(2030, 4),
        months=2,
        today=TODAY,
    )
    undated_today = calendar(
        user=world.alice, portfolio_id=world.portfolio_a.pk, start=MARCH, months=2
    )

    assert [c.key for c in ahead.columns] == ["none", "2030-04", "2030-05"]
    assert [c.key for c in undated_today.columns] == ["none", "2030-03", "2030-04"]
    assert ahead.summary.count == undated_today.summary.count == 0


def test_overdue_draws_its_first_cards_and_shows_more_of_the_rest(world: World):
    for day in range(1, 8):
        make_opportunity(
            world.portfolio_a, name=f"Late {day}", expected_signature_date=dt.date(2030, 1, day)
        )
    layout = ByMonth(MARCH, 2, portfolio_id=world.portfolio_a.pk, today=TODAY)
    first = selectors.columns(user=world.alice, layout=layout, card_limit=3)
    overdue = first.columns[1]
    assert (names(overdue), overdue.remaining) == (["Late 1", "Late 2", "Late 3"], 4)

    after: dict[MonthSlot, int | None] = {OVERDUE: overdue.cards[-1].id}
    more = selectors.more(user=world.alice, layout=layout, after=after, limit=3)

    assert [card.name for card in more[OVERDUE].cards] == ["Late 4", "Late 5", "Late 6"]
    assert more[OVERDUE].remaining == 1


# --- X2: what moved in and out of each month -----------------------------------------------------


def test_each_month_tells_what_moved_in_and_out_of_it_since_a_day(world: World):
    """X2, from the history: an opportunity's month on that day is the one before its first
    date change since; a change back to the same month, or before that day, moves nothing."""
    from salespipe.pipeline import services
    from salespipe.pipeline.models import HistoryEntry, Opportunity
    from salespipe.pipeline.selectors.signature_moves import signature_moves

    def redate(deal, *days, user=world.alice):
        for day in days:
            version = Opportunity.objects.get(pk=deal.pk).version
            services.opportunity_update(
                user=user,
                opportunity_id=deal.pk,
                version=version,
                values={"expected_signature_date": day},
            )

    jan, feb, mar = dt.date(2030, 1, 15), dt.date(2030, 2, 15), dt.date(2030, 3, 15)
    pushed = make_opportunity(
        world.portfolio_a,
        currency_id="USD",
        amount=Decimal(100),
        expected_signature_date=jan,
    )
    dated = make_opportunity(world.portfolio_a, amount=Decimal(40))
    same_month = make_opportunity(world.portfolio_a, expected_signature_date=feb)
    back = make_opportunity(world.portfolio_a, expected_signature_date=jan)
    long_ago = make_opportunity(world.portfolio_a, expected_signature_date=jan)
    theirs = make_opportunity(world.portfolio_b, expected_signature_date=jan)
    redate(pushed, mar)
    redate(dated, feb)
    redate(same_month, dt.date(2030, 2, 28))
    redate(back, mar, jan)
    redate(long_ago, feb)
    HistoryEntry.objects.filter(opportunity=long_ago).update(
        at=timezone.now() - dt.timedelta(days=10)
    )
    # Another company's, which the calendar of portfolio A doesn't show.
    redate(theirs, mar, user=world.charlie)

    moves = signature_moves(
        user=world.alice,
        layout=ByMonth(JAN, 3, portfolio_id=world.portfolio_a.pk),
        since=timezone.localdate() - dt.timedelta(days=1),
    )

    def figures(month):
        found = moves.get(month)
        if found is None:
            return None
        return (
            (found.moved_in.count, found.moved_in.amount),
            (found.moved_out.count, found.moved_out.amount),
        )

    # 100 USD at 0.90.
    assert figures(JAN) == ((0, Decimal("0.00")), (1, Decimal("90.00")))
    assert figures(Month(2030, 2)) == ((1, Decimal("40.00")), (0, Decimal("0.00")))
    assert figures(Month(2030, 3)) == ((1, Decimal("90.00")), (0, Decimal("0.00")))
