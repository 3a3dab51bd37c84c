"""The column totals the database keeps (SPEC B4, B21): always what summing the open
opportunities gives, whatever wrote them, and what a board without filters shows."""

import datetime as dt
import importlib
import re
import threading
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from salespipe.pipeline import selectors, services
from salespipe.pipeline.models import ColumnTotal, Opportunity, OpportunityStatus
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.test import World, make_opportunity

# (portfolio, stage, currency code)
Key = tuple[int, int, str]
Figures = tuple[int, int, Decimal, Decimal]


def summed_from_opportunities() -> dict[Key, Figures]:
    """(portfolio, stage, currency) → (count, amounts given, amount, days), in Python."""
    found: dict[Key, list[object]] = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0)])
    for row in Opportunity.objects.filter(status=OpportunityStatus.OPEN).values(
        "portfolio_id", "stage_id", "currency_id", "amount", "days"
    ):
        figures = found[(row["portfolio_id"], row["stage_id"], row["currency_id"])]
        figures[0] += 1  # type: ignore[operator]
        if row["amount"] is not None:
            figures[1] += 1  # type: ignore[operator]
            figures[2] += row["amount"]  # type: ignore[operator]
        figures[3] += row["days"] or 0  # type: ignore[operator]
    return {key: (f[0], f[1], f[2], f[3]) for key, f in found.items()}  # type: ignore[misc]


def kept() -> dict[Key, Figures]:
    rows = (
        ColumnTotal.objects.values("portfolio_id", "stage_id", "currency_id")
        .annotate(
            n=Sum("count"), given=Sum("amounts"), cents=Sum("amount_cents"), days=Sum("days_cents")
        )
        .filter(n__gt=0)
    )
    assert not ColumnTotal.objects.filter(count__lt=0).exists()
    return {
        (row["portfolio_id"], row["stage_id"], row["currency_id"]): (
            row["n"],
            row["given"],
            Decimal(row["cents"]).scaleb(-2),
            Decimal(row["days"]).scaleb(-2),
        )
        for row in rows
    }


def test_every_kind_of_write_keeps_the_totals_equal_to_the_sum(world: World):
    a, a2 = world.portfolio_a, world.portfolio_a2
    first = make_opportunity(
        a, amount=Decimal("1234.56"), days=Decimal("2.5"), contact=world.contact_a
    )
    second = make_opportunity(a, amount=None, currency_id=world.usd.pk)
    third = make_opportunity(
        a, stage=world.discovery, amount=Decimal("0.10"), contact=world.contact_a
    )
    make_opportunity(world.portfolio_b, amount=Decimal("99.99"))
    assert kept() == summed_from_opportunities()

    # Through the services: a move, an amount given on the way, a win, a loss, a delete.
    services.opportunity_move(
        user=world.alice,
        opportunity_id=first.pk,
        version=1,
        stage_id=world.proposal.pk,
        values={"amount": Decimal("20.05"), "expected_signature_date": dt.date(2031, 5, 31)},
    )
    services.opportunity_win(
        user=world.alice,
        opportunity_id=third.pk,
        version=1,
        stage_id=world.signed.pk,
        signed_on=dt.date(2026, 11, 30),
        values={"expected_signature_date": dt.date(2031, 5, 31)},
    )
    services.opportunity_lose(
        user=world.alice,
        opportunity_id=second.pk,
        version=1,
        reason_id=world.reason_lost.pk,
        lost_on=dt.date(2026, 11, 30),
    )
    assert kept() == summed_from_opportunities()

    # Straight to the database, as the admin, a script or a bulk load would write.
    Opportunity.objects.filter(pk=first.pk).update(amount=None, days=Decimal("7.25"))
    Opportunity.objects.filter(pk=first.pk).update(currency=world.gbp, portfolio=a2)
    Opportunity.objects.filter(pk=second.pk).update(status=OpportunityStatus.OPEN)
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                name=f"Loaded {index}",
                company=world.company_a,
                portfolio=a,
                stage=world.negotiation,
                account=world.account_a,
                salesperson=world.alice,
                currency=world.eur,
                amount=Decimal(index) + Decimal("0.01"),
            )
            for index in range(20)
        ]
    )
    assert kept() == summed_from_opportunities()
    Opportunity.objects.filter(stage=world.negotiation, pk__gt=first.pk + 10).delete()
    services.opportunity_delete(user=world.alice, opportunity_id=first.pk)
    assert kept() == summed_from_opportunities()


def test_a_save_that_changes_no_figure_writes_no_total(world: World):
    opportunity = make_opportunity(world.portfolio_a, amount=Decimal(5))
    before = list(ColumnTotal.objects.values_list("id", "count", "amount_cents"))
    opportunity.name = "Renamed"
    opportunity.save()
    assert list(ColumnTotal.objects.values_list("id", "count", "amount_cents")) == before


def test_a_table_emptied_first_is_not_refilled_by_the_opportunities_leaving(world: World):
    # Tests and `flush` empty the tables one after the other, in any order.
    make_opportunity(world.portfolio_a, amount=Decimal(5))
    ColumnTotal.objects.all().delete()
    Opportunity.objects.all().delete()
    assert not ColumnTotal.objects.exists()


def test_the_migration_fills_the_totals_of_the_opportunities_already_there(world: World):
    for index in range(12):
        make_opportunity(
            world.portfolio_a if index % 2 else world.portfolio_b,
            amount=None if index % 5 == 0 else Decimal(index) + Decimal("0.33"),
            days=Decimal("1.5"),
        )
    ColumnTotal.objects.all().delete()
    migration = importlib.import_module("salespipe.pipeline.migrations.0004_column_totals")
    cents = (
        migration._postgres_cents if connection.vendor == "postgresql" else migration._sqlite_cents
    )
    with connection.cursor() as cursor:
        cursor.execute(migration._backfill(cents))
    assert kept() == summed_from_opportunities()


@pytest.mark.parametrize("weighted", [False, True])
def test_a_board_without_filters_shows_what_summing_its_cards_gives(
    world: World, monkeypatch: pytest.MonkeyPatch, weighted: bool
):
    for index, stage in enumerate([world.qualification, world.discovery, world.proposal] * 4):
        make_opportunity(
            world.portfolio_a,
            stage=stage,
            amount=None if index == 4 else Decimal("1000.10") * index,
            currency_id=(world.eur, world.usd, world.gbp)[index % 3].pk,
            days=Decimal("0.75") * index,
            expected_signature_date=dt.date(2031, 1 + index % 12, 1),
        )

    def board() -> selectors.Board:
        return selectors.board(
            user=world.alice, portfolio_id=world.portfolio_a.pk, weighted=weighted, card_limit=0
        )

    kept_board = board()
    # The same board summed from the opportunities, as a filtered board is.
    monkeypatch.setattr(BoardFilters, "narrows", property(lambda self: True))
    summed_board = board()
    assert [c.totals for c in kept_board.columns] == [c.totals for c in summed_board.columns]
    assert kept_board.summary == summed_board.summary
    assert kept_board.missing_rates == summed_board.missing_rates
    assert kept_board.summary.count == 12


def test_a_user_of_another_company_reads_no_total(world: World):
    make_opportunity(world.portfolio_a, amount=Decimal(50))
    board = selectors.board(user=world.charlie, portfolio_id=world.portfolio_a.pk, card_limit=0)
    assert board.summary.count == 0
    assert board.summary.amount == 0


ROUNDS = 60


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_moves_at_once_between_two_columns_both_ways_never_deadlock(world: World):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent transactions and row locks")
    # Ids of one shard: every move of both people writes the same two total rows.
    cards = [make_opportunity(world.portfolio_a, amount=Decimal(10)) for _ in range(17)]
    pair = [cards[0], next(c for c in cards[1:] if c.pk % 8 == cards[0].pk % 8)]
    Opportunity.objects.filter(pk=pair[1].pk).update(stage=world.discovery)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def person(index: int) -> None:
        card = pair[index]
        stages = [world.qualification.pk, world.discovery.pk]
        try:
            for turn in range(ROUNDS):
                start.wait(timeout=30)
                # One goes left while the other goes right.
                target = stages[(turn + index + 1) % 2]
                services.opportunity_move(
                    user=world.alice,
                    opportunity_id=card.pk,
                    version=Opportunity.objects.get(pk=card.pk).version,
                    stage_id=target,
                )
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
            start.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert kept() == summed_from_opportunities()


@pytest.mark.django_db
def test_the_triggers_are_in_place_after_every_migration():
    # The test database is built by running every migration: a later one that rebuilt the
    # opportunities' table without creating the triggers again is caught here.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'pipeline_opportunity'::regclass "
                "AND NOT tgisinternal"
            )
            expected = {"pipeline_opportunity_column_totals"}
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'pipeline_opportunity'"
            )
            expected = {
                f"pipeline_column_totals_{event}" for event in ("insert", "delete", "update")
            }
        assert {row[0] for row in cursor.fetchall()} >= expected


def test_an_opportunity_counts_for_its_own_company_after_its_portfolio_changes_hands(
    world: World,
):
    # A portfolio emptied of company A's opportunities, then given to company B: B's new
    # opportunities are B's in the totals, and A's users see none of them.
    portfolio = world.portfolio_a2
    # One in each shard, so that company B's opportunity lands on a row A's left behind.
    for _ in range(8):
        make_opportunity(portfolio, amount=Decimal(10), currency_id=world.eur.pk)
    Opportunity.objects.filter(portfolio=portfolio).delete()
    portfolio.company = world.company_b
    portfolio.save()
    make_opportunity(portfolio, amount=Decimal(30), currency_id=world.eur.pk)
    assert kept() == summed_from_opportunities()
    assert set(ColumnTotal.objects.filter(count__gt=0).values_list("company_id", flat=True)) == {
        world.company_b.pk
    }
    seen_by_a = selectors.board(user=world.alice, portfolio_id=portfolio.pk, card_limit=0)
    assert seen_by_a.summary.count == 0
    seen_by_b = selectors.board(user=world.charlie, portfolio_id=portfolio.pk, card_limit=0)
    assert seen_by_b.summary.count == 1
    # In B's currency, as B's board shows every amount.
    assert seen_by_b.summary.amount == seen_by_b.rates.convert(Decimal(30), world.eur.pk)


def test_a_fixture_carrying_column_totals_is_refused_and_writes_nothing(
    world: World, tmp_path: Path
):
    make_opportunity(world.portfolio_a, amount=Decimal(10))
    dump = tmp_path / "dump.json"
    call_command("dumpdata", "pipeline.columntotal", output=str(dump), verbosity=0)
    ColumnTotal.objects.all().delete()
    with pytest.raises(ImproperlyConfigured, match=re.escape("--exclude pipeline.columntotal")):
        call_command("loaddata", str(dump), verbosity=0)
    assert not ColumnTotal.objects.exists()
