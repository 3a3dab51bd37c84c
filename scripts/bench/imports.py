"""Imports (SPEC X5): opportunities imported from a CSV file, every row through the services
as `manage.py import_records` does, against a bulk insert of the same rows already
validated (the opportunities and their creation's history, by hand). What the import
created is deleted afterwards, so that the other figures read the same world."""

import datetime as dt
import io
import time
from decimal import Decimal
from typing import Any

from django.db import transaction

from salespipe.customers.models import Account
from salespipe.imports.files import read_table
from salespipe.imports.mapping import guess
from salespipe.imports.services import Plan, import_records
from salespipe.pipeline.models import HistoryEntry, HistoryKind, Opportunity, OpportunityStatus

from .world import BenchWorld

PREFIX = "Imported "


def _csv(accounts: list[str], count: int) -> bytes:
    out = io.StringIO()
    out.write("Call name,Account,Amount,Expected signature date\n")
    for index in range(count):
        account = accounts[index % len(accounts)].replace('"', "")
        out.write(
            f'{PREFIX}{index},"{account}",{1000 + index % 5000}.50,2027-0{1 + index % 9}-15\n'
        )
    return out.getvalue().encode()


# The rows the baseline inserts per statement and per transaction: the fastest it found. One
# transaction for all the rows is slower on PostgreSQL, as the column totals' trigger makes
# a new version of the same rows at every insert and they pile up until the commit.
BULK_BATCH = 2000


def _bulk(world: BenchWorld, accounts: dict[str, int], count: int) -> float:
    """The baseline: the same rows, validated beforehand, inserted in bulk with their history."""
    stage = world.stages[0]
    account_ids = list(accounts.values())
    started = time.perf_counter()
    for first in range(0, count, BULK_BATCH):
        rows = []
        for index in range(first, min(first + BULK_BATCH, count)):
            opportunity = Opportunity(
                name=f"{PREFIX}bulk {index}",
                company=world.company,
                portfolio=world.portfolio,
                stage=stage,
                status=OpportunityStatus.OPEN,
                account_id=account_ids[index % len(account_ids)],
                amount=Decimal(1000 + index % 5000) + Decimal("0.50"),
                currency_id=world.company.currency_id,
                salesperson=world.user,
                created_by=world.user,
                expected_signature_date=dt.date(2027, 1 + index % 9, 15),
            )
            opportunity.refresh_keys()
            rows.append(opportunity)
        with transaction.atomic():
            created = Opportunity.objects.bulk_create(rows)
            HistoryEntry.objects.bulk_create(
                [
                    HistoryEntry(
                        opportunity=row,
                        opportunity_ref=row.pk,
                        company=world.company,
                        actor=world.user,
                        kind=HistoryKind.CREATED,
                        field="stage",
                        new_value=stage.name,
                        entered_stage=stage,
                    )
                    for row in created
                ]
            )
    return time.perf_counter() - started


def _forget() -> None:
    imported = Opportunity.objects.filter(name__startswith=PREFIX)
    HistoryEntry.objects.filter(opportunity__in=imported).delete()
    imported.delete()


def measure_imports(world: BenchWorld, counts: list[int]) -> dict[str, Any]:
    names = dict(
        Account.objects.filter(company=world.company).order_by("id").values_list("name", "pk")[:200]
    )
    figures: dict[str, Any] = {}
    for count in counts:
        table = read_table("deals.csv", _csv(list(names), count))
        columns = {
            int(index): field for index, field in guess("opportunities", table.headers).items()
        }
        plan = Plan(kind="opportunities", columns=columns, portfolio_id=world.portfolio.pk)
        started = time.perf_counter()
        report = import_records(user=world.user, table=table, plan=plan, dry_run=False)
        seconds = time.perf_counter() - started
        created = report.count("created")
        _forget()
        bulk = _bulk(world, names, count)
        _forget()
        figures[str(count)] = {
            "import_s": seconds,
            "bulk_s": bulk,
            "ratio": seconds / bulk if bulk else None,
            "created": created,
            "rejected": report.count("rejected"),
        }
    return figures
