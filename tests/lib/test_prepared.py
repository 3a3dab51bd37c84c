"""Reads prepared once per shape (salespipe.lib.prepared, SPEC B21): the same rows as the
ORM's, built once, and refused in the tests when their key misses an input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count

from salespipe.lib import prepared
from salespipe.lib.month_key import MonthKey
from salespipe.lib.prepared import (
    PreparedReadMismatch,
    prepared_dicts,
    prepared_objects,
    prepared_rows,
)
from salespipe.pipeline.models import Opportunity, Portfolio
from salespipe.test import World, make_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def unchecked(settings):
    # As in production: a shape is built once, then only run.
    settings.PREPARED_READS_CHECK = False


def _named(ids: list[int]):
    return (
        Opportunity.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "name", "amount", "expected_signature_date", "updated_at")
    )


def test_a_prepared_read_gives_the_orms_rows_typed_for_any_ids(world: World):
    first = make_opportunity(
        world.portfolio_a, amount=Decimal("12.50"), expected_signature_date=dt.date(2031, 5, 2)
    )
    second = make_opportunity(world.portfolio_a, amount=None)
    for ids in ([first.pk], [second.pk], [first.pk, second.pk]):
        rows = prepared_rows("named", ids, _named)
        assert rows == list(_named(ids))
    (row,) = prepared_rows("named", [first.pk], _named)
    # Converted as the ORM converts them, whatever the database returns.
    assert isinstance(row[2], Decimal)
    assert row[3] == dt.date(2031, 5, 2)
    assert isinstance(row[4], dt.datetime)
    assert row[4].tzinfo is not None


def test_a_shape_is_built_once_then_run_with_each_calls_ids(world: World, unchecked):
    deals = [make_opportunity(world.portfolio_a) for _ in range(3)]
    built: list[list[int]] = []

    def build(ids: list[int]):
        built.append(ids)
        return _named(ids)

    for deal in deals:
        assert [row[0] for row in prepared_rows("built once", [deal.pk], build)] == [deal.pk]
    # Twice with placeholders, to tell the ids' parameters from the shape's, then never again.
    assert len(built) == 2
    # Another number of ids is another shape.
    assert len(prepared_rows("built once", [deals[0].pk, deals[1].pk], build)) == 2
    assert len(built) == 4


def test_a_value_of_the_shape_is_never_taken_for_an_id(world: World, unchecked):
    deal = make_opportunity(world.portfolio_a)
    # A value a caller could give that equals a placeholder stays the shape's own.
    for placeholder in (prepared._FIRST_SLOT, prepared._SECOND_SLOT):

        def excluding(ids: list[int], value: int = placeholder):
            return _named(ids).exclude(version=value)

        read = prepared_rows(("excludes", placeholder), [deal.pk], excluding)
        assert [row[0] for row in read] == [deal.pk]


def test_a_key_that_misses_an_input_fails_when_checked(world: World):
    make_opportunity(world.portfolio_a)

    def in_portfolio(portfolio: Portfolio):
        # The portfolio is an input the key below forgets.
        return lambda ids: Opportunity.objects.filter(pk__in=ids, portfolio=portfolio).values_list(
            "pk"
        )

    deal = make_opportunity(world.portfolio_a)
    prepared_rows("forgets the portfolio", [deal.pk], in_portfolio(world.portfolio_a))
    with pytest.raises(PreparedReadMismatch):
        prepared_rows("forgets the portfolio", [deal.pk], in_portfolio(world.portfolio_a2))


def test_a_builder_must_use_every_id_as_a_parameter(world: World):
    with pytest.raises(ValueError, match="each id"):
        prepared_rows("ignores", [1], lambda _ids: Opportunity.objects.values_list("pk"))


def test_only_values_reads_are_prepared(world: World):
    with pytest.raises(TypeError):
        prepared_rows("objects", [1], lambda ids: Opportunity.objects.filter(pk__in=ids))


def test_any_id_a_column_holds_is_read_and_only_ints_are_taken(world: World):
    assert prepared_rows("named", [2**63 - 1], _named) == []
    assert prepared_rows("named", [-(2**63)], _named) == []
    with pytest.raises(TypeError):
        prepared_rows("named", ["1"], _named)  # type: ignore[list-item]


def test_a_read_that_can_find_nothing_answers_no_row(world: World):
    deal = make_opportunity(world.portfolio_a)
    assert prepared_rows("nothing", [deal.pk], lambda ids: _named(ids).filter(pk__in=[])) == []


def test_many_ids_are_read_without_being_prepared(world: World, unchecked):
    deals = [make_opportunity(world.portfolio_a) for _ in range(prepared.MAX_SLOTS + 1)]
    built = []

    def build(ids: list[int]):
        built.append(ids)
        return _named(ids)

    ids = [deal.pk for deal in deals]
    for _ in range(2):
        assert [row[0] for row in prepared_rows("many", ids, build)] == sorted(ids)
    assert len(built) == 2


def test_dicts_name_each_column_in_the_order_of_the_row(world: World):
    make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2031, 5, 2))

    def totals(_ids: list[int]):
        return (
            Opportunity.objects.annotate(month=MonthKey("expected_signature_date"))
            .order_by()
            .values("month", "stage_id", "currency_id")
            .annotate(n=Count("id"))
        )

    rows = prepared_dicts("by month", [], totals)
    assert rows == list(totals([]))
    assert rows[0]["month"] == "2031-05"


def test_objects_come_with_the_objects_they_relate_to(world: World):
    def portfolio(ids: list[int]):
        return Portfolio.objects.filter(pk=ids[0])

    (found,) = prepared_objects(
        "portfolio", [world.portfolio_a.pk], Portfolio, portfolio, related=("company__currency",)
    )
    assert found == world.portfolio_a
    assert found.name == world.portfolio_a.name
    assert found.company.currency.code == world.portfolio_a.company.currency.code
    assert found._state.adding is False
    assert prepared_objects("portfolio", [987654321], Portfolio, portfolio) == []
