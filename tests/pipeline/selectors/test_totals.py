"""Totals cover every matching card, drawn or not, exact to the cent (SPEC B3, B4, B5, B6, C4).

The board and the calendar draw the first cards of each column only; their counts and
totals must still equal a plain SQL sum over every open opportunity of the user's
companies, in several currencies converted at the configured rates, and weighted by each
stage's probability when asked.
"""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from salespipe.lib.months import Month, month_range
from salespipe.org.models import ExchangeRate
from salespipe.pipeline.selectors import Totals, board, calendar
from salespipe.test import World
from tests.pipeline.scale import add_cards

CENT = Decimal("0.01")
SIZES = [40, 400]


def plain_sql_totals(world: World, *, weighted: bool, where: str, params: list[Any]) -> Totals:
    """Count, amount in EUR and days of alice's open cards matching `where`, summed by SQL."""
    usd = ExchangeRate.objects.get(source_id="USD", target_id="EUR").rate
    gbp = ExchangeRate.objects.get(source_id="GBP", target_id="EUR").rate
    share = "s.probability" if weighted else "100"
    # "/ 100.0": SQLite would divide whole days and probabilities as integers.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*),
                   SUM(o.amount * CASE o.currency_id WHEN 'USD' THEN %s WHEN 'GBP' THEN %s
                                                     ELSE 1 END * {share} / 100.0),
                   SUM(o.days * {share} / 100.0)
            FROM pipeline_opportunity o JOIN pipeline_stage s ON s.id = o.stage_id
            WHERE o.status = 'open' AND o.company_id = %s AND {where}
            """,
            [usd, gbp, world.company_a.pk, *params],
        )
        count, amount, days = cursor.fetchone()
    return Totals(
        count=count,
        amount=Decimal(str(amount or 0)).quantize(CENT),
        days=Decimal(str(days or 0)).quantize(CENT),
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("weighted", [False, True])
def test_board_totals_equal_a_plain_sql_sum_to_the_cent_though_few_cards_are_drawn(
    world: World, size: int, weighted: bool
):
    """B3, B4, B5, B6: each column's and the summary's totals, with a card limit of 3."""
    add_cards(world, size)
    result = board(
        user=world.alice, portfolio_id=world.portfolio_a.pk, weighted=weighted, card_limit=3
    )
    assert [len(column.cards) for column in result.columns] == [3, 3, 3, 3]
    assert sum(column.remaining for column in result.columns) == size - 12
    for column in result.columns:
        expected = plain_sql_totals(
            world,
            weighted=weighted,
            where="o.portfolio_id = %s AND o.stage_id = %s",
            params=[world.portfolio_a.pk, column.stage.pk],
        )
        assert column.totals == expected
    assert result.summary == plain_sql_totals(
        world, weighted=weighted, where="o.portfolio_id = %s", params=[world.portfolio_a.pk]
    )
    assert result.summary.count == size
    assert result.missing_rates == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("weighted", [False, True])
def test_calendar_totals_equal_a_plain_sql_sum_to_the_cent_though_few_cards_are_drawn(
    world: World, size: int, weighted: bool
):
    """C1, C4, B5, B6: "No date" and six months of all portfolios, with a card limit of 2."""
    add_cards(world, size)
    start = Month.of(timezone.localdate())
    result = calendar(
        user=world.alice,
        all_portfolios=True,
        start=start,
        months=6,
        weighted=weighted,
        card_limit=2,
    )
    assert all(len(column.cards) <= 2 for column in result.columns)
    assert any(column.remaining > 0 for column in result.columns)
    shown = month_range(start, 6)
    expected_columns = [
        plain_sql_totals(
            world, weighted=weighted, where="o.expected_signature_date IS NULL", params=[]
        )
    ] + [
        plain_sql_totals(
            world,
            weighted=weighted,
            where="o.expected_signature_date BETWEEN %s AND %s",
            params=[month.first_day, month.last_day],
        )
        for month in shown
    ]
    assert [column.totals for column in result.columns] == expected_columns
    assert result.summary == plain_sql_totals(
        world,
        weighted=weighted,
        where="(o.expected_signature_date IS NULL OR o.expected_signature_date BETWEEN %s AND %s)",
        params=[shown[0].first_day, shown[-1].last_day],
    )
    drawn_and_not = sum(len(c.cards) + c.remaining for c in result.columns)
    assert drawn_and_not == result.summary.count
