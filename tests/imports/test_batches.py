"""X5: an import creates the new opportunities of known accounts together, through
`opportunity_create_many`, and any other row alone; the report is the same as row by row,
in the file's order, and the queries don't grow with the rows."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from salespipe.customers.models import Account
from salespipe.imports.files import read_table
from salespipe.imports.mapping import guess
from salespipe.imports.services import Plan, Report, import_records
from salespipe.lib.errors import InvalidInput
from salespipe.pipeline.models import HistoryEntry, HistoryKind, Opportunity, OpportunityStatus
from salespipe.pipeline.services import opportunities
from salespipe.test import World, make_user

pytestmark = pytest.mark.django_db

HEADER = (
    "Deal - ID,Deal - Title,Deal - Organization,Deal - Value,Deal - Stage,Deal - Status,"
    "Deal - Expected close date,Deal - Contact person\n"
)
# What winning asks for on the way (Discovery, Proposal): an amount, a date, a contact.
FOR_WINNING = "2027-01-31,Marie Dupont"


def _run(world: World, text: str, *, dry_run: bool = False, user=None) -> Report:
    table = read_table("deals.csv", (HEADER + text).encode())
    columns = {int(i): name for i, name in guess("opportunities", table.headers).items()}
    plan = Plan(kind="opportunities", columns=columns, portfolio_id=world.portfolio_a.pk)
    return import_records(user=user or world.alice, table=table, plan=plan, dry_run=dry_run)


def _deals(count: int, start: int = 0) -> str:
    return "".join(
        f"{start + i},Deal {start + i},Boulangerie Dupont,{100 + i},Qualification,open,,\n"
        for i in range(count)
    )


def test_new_deals_are_created_together_in_queries_that_dont_grow(world: World):
    def queries(count: int, start: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            report = _run(world, _deals(count, start))
        assert report.count("created") == count
        return len(captured)

    queries(1, 5000)  # the user's companies and rights, read once and kept on him
    assert queries(30, 0) == queries(120, 1000)
    deal = Opportunity.objects.get(name="Deal 1005")
    assert (deal.amount, deal.stage, deal.account) == (
        Decimal("105"),
        world.qualification,
        world.account_a,
    )
    assert HistoryEntry.objects.filter(opportunity=deal, kind=HistoryKind.CREATED).count() == 1
    # Their ids in the other system are kept: a second run finds them, and creates nothing.
    again = _run(world, _deals(120, 1000))
    assert again.summary == "0 created, 0 updated, 0 rejected"
    assert again.count("unchanged") == 120


def test_rows_alone_and_together_keep_the_files_order_and_the_dry_run_says_the_same(
    world: World,
):
    text = (
        "1,First,Boulangerie Dupont,100,Qualification,open,,\n"
        "2,New account,Garage Neuf,200,Qualification,open,,\n"
        "3,Bad stage,Boulangerie Dupont,300,Nowhere,open,,\n"
        f"4,Won,Boulangerie Dupont,400,Negotiation,won,{FOR_WINNING}\n"
        "5,First,Boulangerie Dupont,150,Qualification,open,,\n"
        "6,Second,Garage Neuf,250,Qualification,open,,\n"
        "7,No amount,Boulangerie Dupont,,Discovery,open,,\n"
    )
    dry = _run(world, text, dry_run=True)
    assert not Opportunity.objects.exists()
    real = _run(world, text)
    outcomes = [(row.line, row.action) for row in real.rows]
    assert outcomes == [(row.line, row.action) for row in dry.rows]
    assert outcomes == [
        (2, "created"),
        (3, "created"),
        (4, "rejected"),
        (5, "created"),
        # The same deal again, under another id: the first one, updated.
        (6, "updated"),
        (7, "created"),
        (8, "rejected"),
    ]
    assert "Amount" in real.rows[-1].reason
    assert Opportunity.objects.get(name="First").amount == Decimal("150")
    assert Opportunity.objects.get(name="Won").status == OpportunityStatus.WON
    assert Opportunity.objects.get(name="Second").account.name == "Garage Neuf"
    assert Account.objects.filter(name="Garage Neuf").count() == 1


@pytest.mark.parametrize(
    "refusal",
    [IntegrityError("refused together"), InvalidInput({"portfolio": ["No open stage."]})],
)
def test_a_batch_refused_whole_is_imported_again_row_by_row(world: World, monkeypatch, refusal):
    real_create_many = opportunities.opportunity_create_many

    def refused_together(**kwargs):
        if len(kwargs["items"]) > 1:
            raise refusal
        return real_create_many(**kwargs)

    # The import's batches are refused; the same service, for one row, is not.
    monkeypatch.setattr(opportunities, "opportunity_create_many", refused_together)
    report = _run(world, _deals(5) + "9,,Boulangerie Dupont,1,Qualification,open,,\n")
    assert report.summary == "5 created, 0 updated, 1 rejected"
    assert Opportunity.objects.count() == 5


def test_a_second_import_moves_wins_and_loses_what_the_other_system_moved_on(world: World):
    first = (
        "1,Moving,Boulangerie Dupont,100,Qualification,open,,\n"
        "2,Winning,Boulangerie Dupont,100,Qualification,open,,\n"
        "3,Losing,Boulangerie Dupont,100,Qualification,open,,\n"
        "4,Staying,Boulangerie Dupont,100,Qualification,open,,\n"
    )
    assert _run(world, first).count("created") == 4
    later = (
        "1,Moving,Boulangerie Dupont,100,Discovery,open,,\n"
        f"2,Winning,Boulangerie Dupont,100,Qualification,won,{FOR_WINNING}\n"
        "3,Losing,Boulangerie Dupont,100,Qualification,lost,,\n"
        "4,Staying,Boulangerie Dupont,100,Qualification,open,,\n"
    )
    report = _run(world, later)
    assert [row.action for row in report.rows] == ["updated"] * 3 + ["unchanged"]
    assert Opportunity.objects.get(name="Moving").stage == world.discovery
    assert Opportunity.objects.get(name="Winning").status == OpportunityStatus.WON
    assert Opportunity.objects.get(name="Losing").status == OpportunityStatus.LOST
    moved = HistoryEntry.objects.filter(
        opportunity__name="Moving", field="stage", entered_stage=world.discovery
    )
    assert moved.count() == 1


def test_a_closed_accounts_name_is_refused_to_whom_closed_accounts_are_hidden(world: World):
    # A2: dana may create accounts but not see closed ones; the row would make a second
    # "Boulangerie Dupont". Alice sees it, and the row finds it.
    Account.objects.filter(pk=world.account_a.pk).update(is_closed=True)
    dana = make_user("dana", world.company_a, quick_account=True)
    text = "1,Croissants,Boulangerie Dupont,100,Qualification,open,,\n"
    report = _run(world, text, user=dana)
    assert report.rows[0].action == "rejected"
    assert "is closed" in report.rows[0].reason
    assert Account.objects.filter(name="Boulangerie Dupont").count() == 1
    assert not Opportunity.objects.exists()
    assert _run(world, text).summary == "1 created, 0 updated, 0 rejected"
    assert Opportunity.objects.get().account == world.account_a


def test_a_deal_renamed_through_its_key_is_found_by_its_new_name_further_on(world: World):
    assert _run(world, "1,Site,Boulangerie Dupont,100,Qualification,open,,\n").count("created")
    later = (
        "1,Site v2,Boulangerie Dupont,100,Qualification,open,,\n"
        ",Site v2,Boulangerie Dupont,200,Qualification,open,,\n"
    )
    report = _run(world, later)
    assert [row.action for row in report.rows] == ["updated", "updated"]
    assert Opportunity.objects.get().amount == Decimal("200")
