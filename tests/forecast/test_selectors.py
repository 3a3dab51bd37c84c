"""X6: every figure of the forecast and the funnel, computed again here from the
opportunities and their history, and compared to the cent and to the tenth of a day."""

import datetime as dt
import itertools
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salespipe.forecast.models import SalesTarget
from salespipe.forecast.selectors import Period, reach
from salespipe.forecast.selectors.funnel import funnel
from salespipe.forecast.selectors.months import forecast
from salespipe.lib.months import Month
from salespipe.org.access import OutOfScope
from salespipe.pipeline.models import HistoryEntry, Opportunity, OpportunityStatus, StageStatus
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.test import World, make_opportunity, make_user
from tests.forecast.conftest import MONTHS, START, Past, day_in_period

pytestmark = pytest.mark.django_db

PERIOD = Period(START, MONTHS)
RATES = {"EUR": Decimal(1), "USD": Decimal("0.90"), "GBP": Decimal("1.15")}
CENT = Decimal("0.01")


def _reach(world: World, user=None, filters: BoardFilters | None = None, **scope):
    scope = scope or {"portfolio_id": world.portfolio_a.pk}
    return reach(
        user or world.alice,
        portfolio_id=scope.get("portfolio_id"),
        group_id=scope.get("group_id"),
        all_portfolios=scope.get("all_portfolios", False),
        filters=filters or BoardFilters(),
    )


def _deals(world: World) -> None:
    """Won, open and lost deals in January to March and around it, in three currencies."""
    a = world.portfolio_a
    make_opportunity(
        a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        amount=1000,
        signed_on=dt.date(2026, 1, 15),
        expected_signature_date=dt.date(2026, 3, 1),
    )
    make_opportunity(
        a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        amount=200,
        currency_id="USD",
        signed_on=dt.date(2026, 2, 3),
    )
    # Won: counted when signed, whatever it was expected.
    make_opportunity(
        a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        amount=500,
        signed_on=dt.date(2026, 2, 20),
        expected_signature_date=dt.date(2025, 12, 20),
    )
    make_opportunity(
        a,
        stage=world.qualification,
        amount=Decimal("1234.56"),
        expected_signature_date=dt.date(2026, 1, 31),
    )
    make_opportunity(
        a,
        stage=world.proposal,
        amount=300,
        currency_id="GBP",
        expected_signature_date=dt.date(2026, 2, 10),
    )
    make_opportunity(
        a, stage=world.negotiation, amount=700, expected_signature_date=dt.date(2026, 3, 31)
    )
    # Left out: no date, after the period, lost, another portfolio, another company.
    make_opportunity(a, stage=world.negotiation, amount=9000)
    make_opportunity(
        a, stage=world.discovery, amount=9000, expected_signature_date=dt.date(2026, 4, 1)
    )
    make_opportunity(
        a,
        stage=world.discovery,
        amount=9000,
        status=OpportunityStatus.LOST,
        loss_reason=world.reason_lost,
        lost_on=dt.date(2026, 1, 10),
        expected_signature_date=dt.date(2026, 1, 10),
    )
    make_opportunity(
        world.portfolio_a2,
        stage=world.discovery,
        amount=400,
        expected_signature_date=dt.date(2026, 1, 5),
    )
    make_opportunity(
        world.portfolio_b,
        stage=world.discovery,
        amount=9000,
        expected_signature_date=dt.date(2026, 1, 5),
    )


def _by_hand(opportunities) -> tuple[dict, dict]:
    """Per month and per stage, from each opportunity on its own."""
    months: dict = defaultdict(
        lambda: {"won": [0, Decimal(0)], "open": [0, Decimal(0), Decimal(0)]}
    )
    stages: dict = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for o in opportunities:
        rate = RATES[o.currency_id]
        if o.status == OpportunityStatus.WON:
            day = o.signed_on
        elif o.status == OpportunityStatus.OPEN:
            day = o.expected_signature_date
        else:
            continue
        if day is None or not PERIOD.first_day <= day <= PERIOD.last_day:
            continue
        month = Month.of(day)
        amount = (o.amount * rate).quantize(CENT, ROUND_HALF_UP)
        if o.status == OpportunityStatus.WON:
            months[month]["won"][0] += 1
            months[month]["won"][1] += amount
            continue
        weighted = (o.amount * o.stage.probability / 100 * rate).quantize(CENT, ROUND_HALF_UP)
        for figures in (months[month]["open"], stages[o.stage_id]):
            figures[0] += 1
            figures[1] += amount
            figures[2] += weighted
    return months, stages


def test_forecast_by_month_and_stage_matches_each_opportunity_added_by_hand(world: World) -> None:
    _deals(world)
    figures = forecast(world.alice, _reach(world), PERIOD, narrowed=False)
    months, stages = _by_hand(Opportunity.objects.filter(portfolio=world.portfolio_a))
    for row in figures.months:
        hand = months[row.month]
        assert (row.won.count, row.won.amount) == tuple(hand["won"])
        assert (row.open.count, row.open.amount, row.open.weighted) == tuple(hand["open"])
    for by_stage in figures.stages:
        assert [
            by_stage.open.count,
            by_stage.open.amount,
            by_stage.open.weighted,
        ] == stages[by_stage.stage.pk]
    # And the same figures written out, so that a mistake made twice still shows.
    january, february, march = figures.months
    assert january.won.amount == Decimal("1000.00")
    assert january.open.amount == Decimal("1234.56")
    assert january.open.weighted == Decimal("123.46")
    assert february.won.amount == Decimal("680.00")  # 200 USD at 0.90, and 500 EUR
    assert february.open.amount == Decimal("345.00")
    assert february.open.weighted == Decimal("207.00")
    assert march.open.weighted == Decimal("560.00")
    assert figures.expected == Decimal("1000.00") + Decimal("680.00") + Decimal("890.46")
    assert [row.stage for row in figures.stages] == [
        world.qualification,
        world.discovery,
        world.proposal,
        world.negotiation,
    ]


def test_a_group_adds_its_portfolios_of_the_users_companies_only(world: World) -> None:
    _deals(world)
    figures = forecast(
        world.alice, _reach(world, group_id=world.projects.pk), PERIOD, narrowed=False
    )
    assert figures.months[0].open.amount == Decimal("1234.56") + Decimal("400.00")
    charlie = forecast(
        world.charlie,
        _reach(world, world.charlie, group_id=world.projects.pk),
        PERIOD,
        narrowed=False,
    )
    # 9000 GBP of company B, in its own currency; nothing of company A.
    assert charlie.currency.code == "GBP"
    assert charlie.months[0].open.amount == Decimal("9000.00")
    assert charlie.won.count == 0


def test_a_portfolio_of_another_company_shows_nothing_of_it(world: World) -> None:
    _deals(world)
    figures = forecast(world.charlie, _reach(world, world.charlie), PERIOD, narrowed=False)
    assert figures.won.count == figures.open.count == 0
    with pytest.raises(OutOfScope):
        _reach(world, world.charlie, portfolio_id=999_999)


def test_targets_are_added_per_month_converted_and_hidden_when_a_filter_narrows(
    world: World,
) -> None:
    _deals(world)
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=dt.date(2026, 1, 1), amount=5000)
    SalesTarget.objects.create(
        portfolio=world.portfolio_a2, month=dt.date(2026, 1, 20), amount=1000
    )
    # Company B's target: in GBP, and not alice's to see.
    SalesTarget.objects.create(portfolio=world.portfolio_b, month=dt.date(2026, 1, 1), amount=100)
    alone = forecast(world.alice, _reach(world), PERIOD, narrowed=False)
    assert [row.target for row in alone.months] == [Decimal("5000.00"), None, None]
    group = forecast(world.alice, _reach(world, group_id=world.projects.pk), PERIOD, narrowed=False)
    assert group.months[0].target == Decimal("6000.00")
    assert group.target == Decimal("6000.00")
    charlie = forecast(
        world.charlie,
        _reach(world, world.charlie, group_id=world.projects.pk),
        PERIOD,
        narrowed=False,
    )
    assert charlie.months[0].target == Decimal("100.00")
    narrowed = BoardFilters(salesperson=world.bob.pk)
    filtered = forecast(world.alice, _reach(world, filters=narrowed), PERIOD, narrowed=True)
    assert [row.target for row in filtered.months] == [None, None, None]
    assert not filtered.targets_shown


def test_a_target_keeps_the_first_day_of_its_month(world: World) -> None:
    target = SalesTarget.objects.create(
        portfolio=world.portfolio_a, month=dt.date(2026, 5, 17), amount=10
    )
    target.refresh_from_db()
    assert target.month == dt.date(2026, 5, 1)


def test_the_boards_filters_narrow_the_forecast(world: World) -> None:
    _deals(world)
    filters = BoardFilters(currency="GBP")
    figures = forecast(world.alice, _reach(world, filters=filters), PERIOD, narrowed=True)
    assert figures.open.count == 1
    assert figures.open.amount == Decimal("345.00")
    assert figures.won.count == 0


# --- the funnel --------------------------------------------------------------------------------


def _lives(world: World, past: Past) -> None:
    """Six lives, dated in days from the period's first instant."""
    q, d, p, n = world.qualification, world.discovery, world.proposal, world.negotiation
    one = past.created(day_in_period(1), q)
    one = past.moved(one, day_in_period(3), d)
    one = past.moved(one, day_in_period(6), p)
    past.won(one, day_in_period(16))
    two = past.created(day_in_period(2), q)
    two = past.moved(two, day_in_period(6), d)
    past.lost(two, day_in_period(12))
    past.created(day_in_period(5), p)  # created straight in Proposal, still open
    past.created(day_in_period(7), q)  # still in Qualification
    five = past.created(day_in_period(10), q)
    five = past.moved(five, day_in_period(11), n)
    past.moved(five, day_in_period(13), d)  # moved back: Negotiation stays its furthest
    # Created before the period: not in the conversion, but its stay in Discovery ended in it.
    six = past.created(day_in_period(-10), q)
    six = past.moved(six, day_in_period(-5), d)
    past.moved(six, day_in_period(3), p)
    # After the period: nothing of it counts.
    late = past.created(day_in_period(100), q)
    past.moved(late, day_in_period(101), d)


def _conversion_by_hand(world: World) -> dict[int, int]:
    start, after = PERIOD.moments()
    stages = [world.qualification, world.discovery, world.proposal, world.negotiation]
    reached: dict[int, int] = defaultdict(int)
    for o in Opportunity.objects.filter(
        portfolio=world.portfolio_a, created_at__gte=start, created_at__lt=after
    ):
        entered = [
            e.entered_stage for e in HistoryEntry.objects.filter(opportunity=o) if e.entered_stage
        ]
        if o.status == OpportunityStatus.WON:
            top = max(s.order for s in stages)
        else:
            top = max(s.order for s in [*entered, o.stage] if s.status == StageStatus.OPEN)
        for stage in stages:
            if stage.order <= top:
                reached[stage.pk] += 1
    return reached


def _medians_by_hand(world: World) -> dict[int, tuple[int, Decimal]]:
    start, after = PERIOD.moments()
    lengths: dict[int, list[float]] = defaultdict(list)
    for o in Opportunity.objects.filter(portfolio=world.portfolio_a):
        marks = [
            e
            for e in HistoryEntry.objects.filter(opportunity=o).order_by("at", "id")
            if e.field == "stage" or (e.field == "status" and e.new_value != "open")
        ]
        for mark, following in itertools.pairwise(marks):
            stage = mark.entered_stage
            if stage is not None and stage.is_open and start <= following.at < after:
                lengths[stage.pk].append((following.at - mark.at).total_seconds() / 86400)
    return {
        pk: (
            len(days),
            Decimal(str(statistics.median(days))).quantize(Decimal("0.1"), ROUND_HALF_UP),
        )
        for pk, days in lengths.items()
    }


def test_conversion_counts_what_the_opportunities_created_in_the_period_reached(
    world: World, past: Past
) -> None:
    _lives(world, past)
    flow = funnel(_reach(world), PERIOD)
    by_hand = _conversion_by_hand(world)
    assert {row.stage.pk: row.reached for row in flow.stages} == {
        pk: by_hand.get(pk, 0) for pk in (row.stage.pk for row in flow.stages)
    }
    assert flow.created == 5
    assert flow.won == 1
    q, d, p, n = flow.stages
    assert [q.reached, d.reached, p.reached, n.reached] == [5, 4, 3, 2]
    assert [q.to_next, d.to_next, p.to_next, n.to_next] == [
        Decimal("80.0"),
        Decimal("75.0"),
        Decimal("66.7"),
        Decimal("50.0"),
    ]
    assert [q.to_won, d.to_won, p.to_won, n.to_won] == [
        Decimal("20.0"),
        Decimal("25.0"),
        Decimal("33.3"),
        Decimal("50.0"),
    ]


def test_the_median_time_in_each_stage_is_over_the_stays_ended_in_the_period(
    world: World, past: Past
) -> None:
    _lives(world, past)
    flow = funnel(_reach(world), PERIOD)
    by_hand = _medians_by_hand(world)
    assert {
        row.stage.pk: (row.stays, row.median_days) for row in flow.stages if row.stays
    } == by_hand
    q, d, p, n = flow.stages
    # Qualification: 2, 4 and 1 days; Discovery: 3, 6 and 8; Proposal: 10; Negotiation: 2.
    assert (q.stays, q.median_days) == (3, Decimal("2.0"))
    assert (d.stays, d.median_days) == (3, Decimal("6.0"))
    assert (p.stays, p.median_days) == (1, Decimal("10.0"))
    assert (n.stays, n.median_days) == (1, Decimal("2.0"))


def test_an_even_number_of_stays_has_the_mean_of_the_middle_two(world: World, past: Past) -> None:
    for days in (1, 2, 4, 10):
        one = past.created(day_in_period(1), world.qualification)
        past.moved(one, day_in_period(1 + days), world.discovery)
    (q, *_rest) = funnel(_reach(world), PERIOD).stages
    assert (q.stays, q.median_days) == (4, Decimal("3.0"))


def test_a_funnel_of_another_companys_portfolio_counts_nothing(world: World, past: Past) -> None:
    _lives(world, past)
    flow = funnel(_reach(world, world.charlie), PERIOD)
    assert flow.created == 0
    assert all(row.reached == 0 and row.stays == 0 for row in flow.stages)


def test_the_stage_entered_is_kept_by_the_services(world: World, past: Past) -> None:
    one = past.created(day_in_period(1), world.qualification)
    past.moved(one, day_in_period(2), world.proposal)
    entered = list(
        HistoryEntry.objects.filter(opportunity=one, field="stage")
        .order_by("at", "id")
        .values_list("entered_stage", flat=True)
    )
    assert entered == [world.qualification.pk, world.proposal.pk]


def test_the_stages_entered_before_are_found_by_their_name(world: World, past: Past) -> None:
    from importlib import import_module

    from django.apps import apps

    one = past.created(day_in_period(1), world.qualification)
    past.moved(one, day_in_period(2), world.proposal)
    HistoryEntry.objects.update(entered_stage=None)
    migration = import_module("salespipe.pipeline.migrations.0007_history_entered_stage")
    migration.name_the_stages_entered(apps, None)
    entered = list(
        HistoryEntry.objects.filter(field="stage")
        .order_by("at", "id")
        .values_list("entered_stage", flat=True)
    )
    assert entered == [world.qualification.pk, world.proposal.pk]


def test_the_forecast_and_funnel_read_as_many_queries_for_many_opportunities(
    world: World, past: Past
) -> None:
    _lives(world, past)
    # A deal in dollars from the start: the rates are read at both sizes.
    past.created(day_in_period(1), world.qualification, currency_id="USD")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            found = _reach(world)
            forecast(world.alice, found, PERIOD, narrowed=False)
            funnel(found, PERIOD)
        return len(captured)

    queries()  # the user's companies, read once per request
    few = queries()
    for index in range(20):
        deal = past.created(day_in_period(index), world.qualification, currency_id="USD")
        past.moved(deal, day_in_period(index + 1), world.discovery)
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=dt.date(2026, 2, 1), amount=10)
    assert queries() == few


def test_a_user_of_no_company_gets_an_empty_forecast_and_funnel(world: World, past: Past) -> None:
    _lives(world, past)
    nobody = make_user("nobody")
    found = _reach(world, nobody)
    assert funnel(found, PERIOD).created == 0
    assert all(row.stays == 0 for row in funnel(found, PERIOD).stages)
    assert forecast(nobody, found, PERIOD, narrowed=False).open.count == 0
