"""The totals of a board or calendar (SPEC B4, B6): counts, amounts and days per column and
in all, converted into one currency and weighted when asked; in one grouped query, or read
from the totals the database keeps when no filter narrows the board."""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from salespipe.lib.money import to_cents
from salespipe.lib.prepared import prepared_dicts
from salespipe.org.rates import RateTable
from salespipe.pipeline.models import (
    ColumnTotal,
    Opportunity,
)


@dataclass(frozen=True)
class Totals:
    count: int
    amount: Decimal
    days: Decimal


NO_TOTALS = Totals(count=0, amount=Decimal("0.00"), days=Decimal("0.00"))


class _Sum:
    def __init__(self) -> None:
        self.count = 0
        self.amount = Decimal("0.00")
        self.days = Decimal("0.00")

    def add(self, count: int, amount: Decimal | None, days: Decimal) -> None:
        self.count += count
        if amount is not None:
            self.amount += amount
        self.days += days

    def totals(self) -> Totals:
        return Totals(count=self.count, amount=self.amount, days=self.days)


@dataclass
class Aggregate:
    by_bucket: dict[Any, _Sum]
    by_stage: dict[int, _Sum]
    overall: _Sum
    rates: RateTable
    missing_rates: list[str]

    def bucket(self, key: Any) -> Totals:
        found = self.by_bucket.get(key)
        return found.totals() if found is not None else NO_TOTALS

    def buckets(self, chosen: Callable[[Any], bool]) -> Totals:
        """The totals of every bucket `chosen` keeps, added."""
        found = _Sum()
        for key, bucket in self.by_bucket.items():
            if chosen(key):
                found.add(bucket.count, bucket.amount, bucket.days)
        return found.totals()

    def stage(self, stage_id: int) -> Totals:
        found = self.by_stage.get(stage_id)
        return found.totals() if found is not None else NO_TOTALS


# Both read through `prepared_dicts`: `key` names everything the queryset is built from
# (None: it can't be prepared), so that the grouped query is compiled once per page's shape.


def aggregate(
    key: Hashable | None,
    queryset: Callable[[], QuerySet[Opportunity]],
    bucket: str,
    table: RateTable,
    weighted: bool,
) -> Aggregate:
    """Every total in one grouped query: count, amount and days per bucket and stage."""
    rows = prepared_dicts(
        None if key is None else (key, bucket),
        [],
        lambda _ids: (
            queryset()
            .order_by()
            .values(bucket, "stage_id", "stage__probability", "currency_id")
            .annotate(n=Count("id"), amount_sum=Sum("amount"), days_sum=Sum("days"))
        ),
    )
    return _summed(rows, bucket, table, weighted)


def kept_aggregate(
    key: Hashable | None,
    column_totals: Callable[[], QuerySet[ColumnTotal]],
    table: RateTable,
    weighted: bool,
) -> Aggregate:
    """As `aggregate` by stage for opportunities no filter narrows, from the totals the
    database keeps: a few rows per column, however many opportunities it holds."""
    rows = prepared_dicts(
        key,
        [],
        lambda _ids: (
            column_totals()
            .order_by()
            .values("stage_id", "stage__probability", "currency_id")
            .annotate(
                n=Sum("count"),
                amounts=Sum("amounts"),
                amount_cents=Sum("amount_cents"),
                days_cents=Sum("days_cents"),
            )
            .filter(n__gt=0)
        ),
    )
    return _summed(
        (
            {
                **row,
                "amount_sum": Decimal(row["amount_cents"]).scaleb(-2) if row["amounts"] else None,
                "days_sum": Decimal(row["days_cents"]).scaleb(-2),
            }
            for row in rows
        ),
        "stage_id",
        table,
        weighted,
    )


def _summed(
    rows: Iterable[dict[str, Any]], bucket: str, table: RateTable, weighted: bool
) -> Aggregate:
    """The totals of grouped rows, each of one stage and currency: converted into the
    table's currency, and weighted by the stage's probability when asked."""
    result = Aggregate(by_bucket={}, by_stage={}, overall=_Sum(), rates=table, missing_rates=[])
    for row in rows:
        amount: Decimal | None = row["amount_sum"]
        days: Decimal = row["days_sum"] or Decimal(0)
        if weighted:
            share = Decimal(row["stage__probability"]) / Decimal(100)
            amount = amount * share if amount is not None else None
            days = days * share
        converted = Decimal(0) if amount is None else table.convert(amount, row["currency_id"])
        days = to_cents(days)
        for target in (
            result.by_bucket.setdefault(row[bucket], _Sum()),
            result.by_stage.setdefault(row["stage_id"], _Sum()),
            result.overall,
        ):
            target.add(row["n"], converted, days)
    result.missing_rates = table.missing_pairs()
    return result
