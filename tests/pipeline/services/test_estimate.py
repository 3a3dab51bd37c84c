"""The estimate services of the Amounts tab (SPEC S3, P7, S8)."""

from decimal import Decimal

import pytest

from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateMode,
    HistoryEntry,
    Opportunity,
    Recurrence,
)
from salespipe.pipeline.services import estimate
from salespipe.pipeline.services.errors import InvalidTransition, StaleVersion
from salespipe.test import World, make_opportunity


def detailed(world: World, **fields) -> Opportunity:
    fields.setdefault("amount", Decimal("1200.00"))
    fields.setdefault("days", Decimal("3.00"))
    deal = make_opportunity(world.portfolio_a, account=world.account_a, **fields)
    return estimate.estimate_use_detailed(
        user=world.alice, opportunity_id=deal.pk, version=deal.version
    )


def fresh(deal: Opportunity) -> Opportunity:
    return Opportunity.objects.get(pk=deal.pk)


def lines(deal: Opportunity) -> list[tuple]:
    return list(
        EstimateLine.objects.filter(opportunity=deal)
        .order_by("position", "id")
        .values_list("label", "quantity", "unit_price", "days", "amount")
    )


def test_switching_to_detailed_keeps_the_general_values_until_lines_are_entered(world: World):
    """S3: the TOTAL row shows the general estimate while the table is empty."""
    deal = detailed(world)

    after = fresh(deal)
    assert after.estimate_mode == EstimateMode.DETAILED
    assert after.amount == Decimal("1200.00")
    assert after.days == Decimal("3.00")
    assert after.version == 2
    assert lines(deal) == []


def test_a_quantity_line_makes_its_amount_and_the_opportunity_follows_the_lines(world: World):
    """S3: quantity x unit price gives the amount; a mode's foreign fields are emptied."""
    deal = detailed(world)

    line = estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=2,
        values={
            "sale_type": world.sale_type_quantity.pk,
            "label": "Oven software",
            "quantity": Decimal("3"),
            "unit_price": Decimal("1000.50"),
            "days": Decimal("4"),
            "amount": Decimal("1"),
            "recurrence": Recurrence.YEARLY,
        },
    )

    assert lines(deal) == [
        ("Oven software", Decimal("3.00"), Decimal("1000.50"), None, Decimal("3001.50"))
    ]
    assert line.recurrence == Recurrence.YEARLY
    after = fresh(deal)
    assert after.amount == Decimal("3001.50")
    # No line has days: the total is empty, as no stage entered requires days.
    assert after.days is None
    assert after.version == 3
    changes = HistoryEntry.objects.filter(opportunity_ref=deal.pk, field="amount")
    assert list(changes.values_list("old_value", "new_value")) == [("1200.00", "3001.50")]


def test_days_and_amount_only_lines_keep_only_their_own_fields(world: World):
    """S3: a `days` sale type takes days and amount; an `amount` one the amount only."""
    deal = detailed(world)
    estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=2,
        values={
            "sale_type": world.sale_type_days.pk,
            "quantity": Decimal("9"),
            "days": Decimal("2"),
            "amount": Decimal("1500"),
        },
    )
    estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=3,
        values={
            "sale_type": world.sale_type_amount.pk,
            "days": Decimal("5"),
            "amount": Decimal("300"),
        },
    )

    assert lines(deal) == [
        ("", None, None, Decimal("2.00"), Decimal("1500.00")),
        ("", None, None, None, Decimal("300.00")),
    ]
    after = fresh(deal)
    assert (after.amount, after.days) == (Decimal("1800.00"), Decimal("2.00"))


def test_a_duplicate_goes_right_below_its_line_and_a_deletion_updates_the_totals(world: World):
    """S3: duplicate and delete; deleting the last line leaves the values as they were."""
    deal = detailed(world)
    first = estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=2,
        values={"sale_type": world.sale_type_amount.pk, "label": "Setup", "amount": Decimal("100")},
    )
    estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=3,
        values={
            "sale_type": world.sale_type_amount.pk,
            "label": "Support",
            "amount": Decimal("50"),
        },
    )

    copy = estimate.line_duplicate(user=world.alice, line_id=first.pk, version=4)

    assert [row[0] for row in lines(deal)] == ["Setup", "Setup", "Support"]
    assert copy.pk != first.pk
    assert fresh(deal).amount == Decimal("250.00")

    estimate.line_delete(user=world.alice, line_id=first.pk, version=5)
    assert [row[0] for row in lines(deal)] == ["Setup", "Support"]
    assert fresh(deal).amount == Decimal("150.00")
    remaining = list(EstimateLine.objects.filter(opportunity=deal).order_by("position", "id"))
    estimate.line_delete(user=world.alice, line_id=remaining[0].pk, version=6)
    assert fresh(deal).amount == Decimal("50.00")
    # With no line left, the opportunity keeps the last totals.
    estimate.line_delete(user=world.alice, line_id=remaining[1].pk, version=7)
    assert lines(deal) == []
    assert fresh(deal).amount == Decimal("50.00")
    assert fresh(deal).version == 8


def test_switching_back_to_general_discards_the_lines_and_keeps_their_totals(world: World):
    """S3: the lines go; the last totals stay as the general estimate."""
    deal = detailed(world)
    estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=2,
        values={
            "sale_type": world.sale_type_days.pk,
            "days": Decimal("4"),
            "amount": Decimal("2000"),
        },
    )

    after = estimate.estimate_use_general(user=world.alice, opportunity_id=deal.pk, version=3)

    assert after.estimate_mode == EstimateMode.GENERAL
    assert (after.amount, after.days) == (Decimal("2000.00"), Decimal("4.00"))
    assert lines(deal) == []
    assert after.version == 4


def test_a_line_needs_the_detailed_estimate(world: World):
    """S3: never both: a general estimate has no line."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a)

    with pytest.raises(InvalidTransition):
        estimate.line_add(user=world.alice, opportunity_id=deal.pk, version=1, values={})

    assert lines(deal) == []
    assert fresh(deal).version == 1


def test_a_stale_version_refuses_the_change_and_writes_nothing(world: World):
    """P7: someone changed the opportunity since it was read; the new line is not kept."""
    deal = detailed(world)

    with pytest.raises(StaleVersion):
        estimate.line_add(
            user=world.alice,
            opportunity_id=deal.pk,
            version=1,
            values={"sale_type": world.sale_type_amount.pk, "amount": Decimal("10")},
        )

    assert lines(deal) == []
    assert fresh(deal).version == 2
    assert fresh(deal).amount == Decimal("1200.00")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"quantity": Decimal("-1")}, "quantity"),
        ({"sale_type": 999999}, "sale_type"),
        ({"label": "x" * 201}, "label"),
        ({"recurrence": "weekly"}, "recurrence"),
        ({"amount": Decimal("1" * 13 + ".00")}, "amount"),
    ],
)
def test_a_bad_line_value_is_refused_and_changes_nothing(world: World, values, field):
    """S3: each field is checked; the line and the opportunity stay as they were."""
    deal = detailed(world)
    line = estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=2,
        values={"sale_type": world.sale_type_days.pk, "label": "Setup", "amount": Decimal("10")},
    )

    with pytest.raises(InvalidInput) as error:
        estimate.line_update(user=world.alice, line_id=line.pk, version=3, values=values)

    assert field in error.value.errors
    assert lines(deal) == [("Setup", None, None, None, Decimal("10.00"))]
    assert fresh(deal).version == 3


def test_the_currency_of_the_table_changes_from_the_total_row(world: World):
    """S3, S8: the currency of the whole table; the history records it."""
    deal = detailed(world)

    after = estimate.estimate_set_currency(
        user=world.alice, opportunity_id=deal.pk, version=2, currency="usd"
    )

    assert after.currency_id == "USD"
    assert after.amount == Decimal("1200.00")
    entry = HistoryEntry.objects.get(opportunity_ref=deal.pk, field="currency")
    assert (entry.old_value, entry.new_value) == ("EUR", "USD")
    with pytest.raises(InvalidInput):
        estimate.estimate_set_currency(
            user=world.alice, opportunity_id=deal.pk, version=3, currency="XXX"
        )
    assert fresh(deal).currency_id == "USD"


def test_an_empty_amount_column_totals_zero_when_the_stage_requires_an_amount(world: World):
    """S3, B14: Discovery requires the amount: a table without amounts gives 0, not empty."""
    deal = detailed(world, stage=world.discovery)

    estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=2,
        values={"sale_type": world.sale_type_quantity.pk, "quantity": Decimal("2")},
    )

    after = fresh(deal)
    assert after.amount == Decimal("0.00")
    assert after.days is None


def test_charlie_cant_reach_the_lines_of_company_a(world: World):
    """P8: another company's line does not exist for charlie."""
    deal = detailed(world)
    line = estimate.line_add(
        user=world.alice,
        opportunity_id=deal.pk,
        version=2,
        values={"sale_type": world.sale_type_amount.pk, "amount": Decimal("10")},
    )

    with pytest.raises(OutOfScope):
        estimate.line_update(
            user=world.charlie, line_id=line.pk, version=3, values={"amount": Decimal("99")}
        )
    with pytest.raises(OutOfScope):
        estimate.estimate_use_general(user=world.charlie, opportunity_id=deal.pk, version=3)

    assert lines(deal) == [("", None, None, None, Decimal("10.00"))]
    assert fresh(deal).version == 3
