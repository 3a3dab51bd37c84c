"""Converting amounts at the configured exchange rates, never guessing (SPEC B6, AD3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from salespipe.org.models import Currency, ExchangeRate
from salespipe.org.rates import MissingRate, RateTable, convert
from salespipe.pipeline.services import errors
from salespipe.test import World

# The day the rates are read for, in the site's time zone.
TODAY = timezone.localdate()


def test_a_direct_rate_converts_to_the_cent(world: World):
    # The world: 1 USD = 0.90 EUR, 1 GBP = 1.15 EUR, from 30 days ago.
    assert convert(Decimal("100.01"), "USD", "EUR") == Decimal("90.01")
    assert convert(Decimal("10"), world.gbp, world.eur) == Decimal("11.50")
    assert convert(Decimal("10.005"), "EUR", "EUR") == Decimal("10.01")


def test_the_inverse_rate_is_used_when_only_the_opposite_direction_exists(world: World):
    assert convert(Decimal("115"), "EUR", "GBP") == Decimal("100.00")
    # A direct rate, when there is one, wins over the inverse of the other direction.
    ExchangeRate.objects.create(
        source=world.eur, target=world.gbp, rate=Decimal("0.80"), valid_from=TODAY
    )
    assert convert(Decimal("100"), "EUR", "GBP") == Decimal("80.00")


def test_the_latest_rate_on_or_before_the_day_applies(world: World):
    ExchangeRate.objects.create(
        source=world.usd, target=world.eur, rate=Decimal("0.95"), valid_from=TODAY
    )
    ExchangeRate.objects.create(
        source=world.usd,
        target=world.eur,
        rate=Decimal("2"),
        valid_from=TODAY + dt.timedelta(days=1),
    )
    assert convert(Decimal("100"), "USD", "EUR") == Decimal("95.00")
    assert convert(Decimal("100"), "USD", "EUR", on=TODAY - dt.timedelta(days=1)) == Decimal(
        "90.00"
    )
    assert convert(Decimal("100"), "USD", "EUR", on=TODAY + dt.timedelta(days=5)) == Decimal(
        "200.00"
    )


def test_a_missing_rate_is_reported_never_guessed(world: World):
    # No USD-GBP rate either way; going through EUR would be a guess.
    with pytest.raises(MissingRate) as error:
        convert(Decimal("1"), "USD", "GBP")
    assert (error.value.source, error.value.target, error.value.pair) == ("USD", "GBP", "USD→GBP")
    assert "USD" in str(error.value)
    assert "GBP" in str(error.value)
    assert errors.MissingRate is MissingRate
    # A rate valid only from tomorrow does not apply today.
    chf = Currency.objects.create(code="CHF", name="Swiss franc")
    ExchangeRate.objects.create(
        source=chf, target=world.eur, rate=Decimal("1.05"), valid_from=TODAY + dt.timedelta(days=1)
    )
    with pytest.raises(MissingRate):
        convert(Decimal("1"), "CHF", "EUR")


def test_a_rate_table_reads_every_rate_in_one_query_and_lists_what_it_missed(
    world: World, django_assert_num_queries
):
    ExchangeRate.objects.create(
        source=world.usd, target=world.eur, rate=Decimal("0.95"), valid_from=TODAY
    )
    with django_assert_num_queries(1):
        table = RateTable.load("EUR")
        assert table.convert(Decimal("10"), "USD") == Decimal("9.50")
        assert table.convert(Decimal("10"), "GBP") == Decimal("11.50")
        assert table.convert(Decimal("10"), "EUR") == Decimal("10.00")
    gbp_table = RateTable.load("GBP")
    assert gbp_table.convert(Decimal("10"), "USD") is None
    assert gbp_table.rate("EUR") == Decimal(1) / Decimal("1.15")
    assert gbp_table.missing_pairs() == ["USD→GBP"]
    assert ExchangeRate.objects.count() == 3


def test_a_rate_table_reads_nothing_while_every_amount_is_in_its_own_currency(
    world: World, django_assert_num_queries
):
    with django_assert_num_queries(0):
        table = RateTable.load("EUR")
        assert table.convert(Decimal("10"), "EUR") == Decimal("10.00")
        assert table.missing_pairs() == []
