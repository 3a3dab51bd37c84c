"""X5: files exported by Pipedrive, HubSpot and Odoo, with their real column names and bad
rows of every kind, imported through the services: the dry run's report is the real run's,
and a second run creates nothing."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from salespipe.customers.models import Account, Contact
from salespipe.imports.files import read_table
from salespipe.imports.mapping import READY, guess, source_of
from salespipe.imports.services import Plan, Report, import_records
from salespipe.lib.errors import InvalidInput
from salespipe.pipeline.models import HistoryEntry, HistoryKind, Opportunity, OpportunityStatus
from salespipe.test import World

pytestmark = pytest.mark.django_db

PIPEDRIVE_DEALS = """\
"Deal - ID","Deal - Title","Deal - Organization","Deal - Contact person","Deal - Value","Deal - Currency","Deal - Stage","Deal - Status","Deal - Expected close date","Deal - Won time","Deal - Lost time","Deal - Lost reason","Deal - Owner"
101,Refonte du site,Garage Lemaire,Julie Lemaire,"12000",EUR,Qualification,open,2026-05-31,,,,Alice
102,Maintenance annuelle,Garage Lemaire,Julie Lemaire,4500.50,EUR,Negotiation,won,2026-02-28,2026-02-10 14:03:00,,,alice
103,Audit sécurité,Boulangerie Dupont,,900,EUR,Discovery,lost,2026-03-31,,2026-03-02 09:00:00,Price too high,Alice
104,Nulle part,Garage Lemaire,,100,EUR,Nowhere,open,,,,,Alice
105,Montant faux,Garage Lemaire,,abc,EUR,Qualification,open,,,,,Alice
106,,Garage Lemaire,,100,EUR,Qualification,open,,,,,Alice
107,Sans date,Garage Lemaire,,100,EUR,Proposal,open,,,,,Alice
108,Inconnu,Garage Lemaire,,100,EUR,Qualification,open,,,,,Nobody Here
109,Devise,Garage Lemaire,,100,XYZ,Qualification,open,,,,,Alice
"""

HUBSPOT_COMPANIES = """\
Record ID,Company name,Phone Number
9001,Imprimerie Morel,01 23 45 67 89
9002,Atelier Roux,not a phone
9003,,01 23 45 67 00
"""

HUBSPOT_CONTACTS = """\
Record ID,First Name,Last Name,Email,Phone Number,Associated Company,Job Title
501,Léa,Morel,lea@morel.example,,Imprimerie Morel,Gérante
502,Hugo,Roux,not-an-email,,Imprimerie Morel,
503,Anne,,anne@morel.example,,Imprimerie Morel,
"""

HUBSPOT_DEALS = """\
Record ID,Deal Name,Associated Company,Associated Contact,Amount,Deal Stage,Close Date,Deal owner
7001,Imprimantes,Imprimerie Morel,,3000,Qualification,2026-06-30,alice
7002,Contrat cadre,Imprimerie Morel,Léa Morel,8000,Closed Won,2026-01-31,alice
7003,Date fausse,Imprimerie Morel,,100,Qualification,31/31/2026,alice
7004,Sans contact,Imprimerie Morel,,100,Closed Won,2026-01-31,alice
"""


def _odoo_leads() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    header = ["ID", "Opportunity", "Customer", "Contact Name", "Expected Revenue"]
    header += ["Expected Closing", "Stage", "Salesperson"]
    sheet.append(header)
    customer = "Boulangerie Dupont"
    for row in (
        ["__export__.crm_lead_12_3f2a", "Licences 2027", customer, None, 2500.0],
        ["__export__.crm_lead_13_9c1b", "Formation", customer, "Marie Dupont", 1200.0],
        ["__export__.crm_lead_14_77aa", "Négatif", customer, None, -5.0],
    ):
        sheet.append(row)
    for line, (closing, stage) in enumerate(
        (
            (dt.date(2026, 9, 30), "Qualification"),
            (dt.date(2026, 10, 31), "Won"),
            (None, "Qualification"),
        ),
        start=2,
    ):
        sheet.cell(line, 6, closing)
        sheet.cell(line, 7, stage)
        sheet.cell(line, 8, "Alice")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _run(
    world: World, kind, name: str, data: bytes, *, dry_run: bool, source=None, user=None
) -> Report:
    table = read_table(name, data)
    columns = {int(index): field for index, field in guess(kind, table.headers, source).items()}
    plan = Plan(
        kind=kind,
        columns=columns,
        date_order=READY[source].date_order if source else "dmy",
        company_id=world.company_a.pk,
        portfolio_id=world.portfolio_a.pk if kind == "opportunities" else None,
    )
    return import_records(user=user or world.alice, table=table, plan=plan, dry_run=dry_run)


def _outcomes(report: Report) -> list[tuple[int, str, str]]:
    return [(row.line, row.action, row.reason) for row in report.rows]


def _counts() -> tuple[int, int, int, int]:
    return (
        Account.objects.count(),
        Contact.objects.count(),
        Opportunity.objects.count(),
        HistoryEntry.objects.count(),
    )


def test_pipedrive_deals_with_bad_rows_of_every_kind(world: World) -> None:
    data = PIPEDRIVE_DEALS.encode()
    before = _counts()
    dry = _run(world, "opportunities", "deals.csv", data, dry_run=True)
    assert _counts() == before, "a dry run writes nothing"
    real = _run(world, "opportunities", "deals.csv", data, dry_run=False)
    assert _outcomes(dry) == _outcomes(real)
    assert [row.action for row in real.rows] == ["created"] * 3 + ["rejected"] * 6
    reasons = {row.line: row.reason for row in real.rows}
    assert "No stage Nowhere" in reasons[5]
    assert "Amount" in reasons[6]
    assert "Call name" in reasons[7]
    assert "Proposal" in reasons[8]
    assert "Expected signature date" in reasons[8]
    assert "Nobody Here" in reasons[9]
    assert "Currency" in reasons[10]
    assert real.summary == "3 created, 0 updated, 6 rejected"

    site = Opportunity.objects.get(name="Refonte du site")
    assert site.amount == Decimal("12000.00")
    assert site.stage == world.qualification
    assert site.account.name == "Garage Lemaire"
    assert site.contact is not None
    assert site.contact.last_name == "Lemaire"
    assert site.expected_signature_date == dt.date(2026, 5, 31)
    won = Opportunity.objects.get(name="Maintenance annuelle")
    assert won.status == OpportunityStatus.WON
    assert won.signed_on == dt.date(2026, 2, 10)
    lost = Opportunity.objects.get(name="Audit sécurité")
    assert lost.status == OpportunityStatus.LOST
    assert lost.loss_reason == world.reason_lost
    # Each has its history, as any creation has.
    assert HistoryEntry.objects.filter(opportunity=site, kind=HistoryKind.CREATED).count() == 1

    again = _run(world, "opportunities", "deals.csv", data, dry_run=False)
    assert again.count("created") == 0
    assert again.count("unchanged") == 3
    assert Opportunity.objects.filter(name="Refonte du site").count() == 1


def test_hubspot_companies_contacts_and_deals(world: World) -> None:
    companies = _run(world, "accounts", "companies.csv", HUBSPOT_COMPANIES.encode(), dry_run=False)
    assert [row.action for row in companies.rows] == ["created", "rejected", "rejected"]
    assert "Phone" in companies.rows[1].reason
    contacts = _run(world, "contacts", "contacts.csv", HUBSPOT_CONTACTS.encode(), dry_run=False)
    assert [row.action for row in contacts.rows] == ["created", "rejected", "rejected"]
    assert "Email" in contacts.rows[1].reason
    lea = Contact.objects.get(email="lea@morel.example")
    assert lea.account.name == "Imprimerie Morel"
    assert lea.function == "Gérante"
    deals = _run(world, "opportunities", "deals.csv", HUBSPOT_DEALS.encode(), dry_run=False)
    assert [row.action for row in deals.rows] == ["created", "created", "rejected", "rejected"]
    won = Opportunity.objects.get(name="Contrat cadre")
    assert won.status == OpportunityStatus.WON
    assert won.contact == lea
    assert "date" in deals.rows[2].reason.lower()
    # Won means through every stage: Proposal asks for a contact, which the row lacks.
    assert "Proposal: Contact" in deals.rows[3].reason
    # Matched again: by their HubSpot ids, and a changed phone is an update.
    changed = HUBSPOT_COMPANIES.replace("01 23 45 67 89", "01 99 99 99 99")
    again = _run(world, "accounts", "companies.csv", changed.encode(), dry_run=False)
    assert [row.action for row in again.rows] == ["updated", "rejected", "rejected"]
    assert Account.objects.filter(name="Imprimerie Morel").count() == 1


def test_odoo_leads_from_an_xlsx_with_dates_and_numbers_as_cells(world: World) -> None:
    data = _odoo_leads()
    dry = _run(world, "opportunities", "crm.lead.xlsx", data, dry_run=True)
    real = _run(world, "opportunities", "crm.lead.xlsx", data, dry_run=False)
    assert _outcomes(dry) == _outcomes(real)
    assert [row.action for row in real.rows] == ["created", "created", "rejected"]
    licences = Opportunity.objects.get(name="Licences 2027")
    assert licences.amount == Decimal("2500.00")
    assert licences.expected_signature_date == dt.date(2026, 9, 30)
    formation = Opportunity.objects.get(name="Formation")
    assert formation.status == OpportunityStatus.WON
    assert formation.contact == world.contact_a  # found by its name, not created again
    again = _run(world, "opportunities", "crm.lead.xlsx", data, dry_run=False)
    assert again.count("created") == 0


def test_the_source_is_recognised_from_its_headers(world: World) -> None:
    assert (
        source_of("opportunities", read_table("d.csv", PIPEDRIVE_DEALS.encode()).headers)
        == "pipedrive"
    )
    assert (
        source_of("opportunities", read_table("d.csv", HUBSPOT_DEALS.encode()).headers) == "hubspot"
    )
    assert source_of("opportunities", read_table("l.xlsx", _odoo_leads()).headers) == "odoo"


def test_french_headers_and_a_semicolon_csv_are_read(world: World) -> None:
    data = "Nom du compte;SIREN;Téléphone\nGarage Martin;;01 23 45 67 89\n".encode("cp1252")
    report = _run(world, "accounts", "comptes.csv", data, dry_run=False)
    assert report.summary == "1 created, 0 updated, 0 rejected"
    assert Account.objects.filter(name="Garage Martin", phone="01 23 45 67 89").exists()


def test_rights_and_scope_hold_for_an_import(world: World) -> None:
    # Bob may not create accounts (quick_account): every row says so, nothing is written.
    report = _run(
        world,
        "accounts",
        "companies.csv",
        HUBSPOT_COMPANIES.encode(),
        dry_run=False,
        user=world.bob,
    )
    assert report.rows[0].action == "rejected"
    assert not Account.objects.filter(name="Imprimerie Morel").exists()
    # Charlie can't import into company A's portfolio.
    with pytest.raises(InvalidInput):
        _run(
            world,
            "opportunities",
            "deals.csv",
            PIPEDRIVE_DEALS.encode(),
            dry_run=False,
            user=world.charlie,
        )


def test_the_command_prints_the_counts_and_writes_the_rejected_rows(
    world: World, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(PIPEDRIVE_DEALS, encoding="utf-8")
    call_command(
        "import_records",
        "opportunities",
        str(path),
        "--user",
        "alice",
        "--portfolio",
        str(world.portfolio_a.pk),
        "--mapping",
        "pipedrive",
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "3 created, 0 updated, 6 rejected"
    rejected = (tmp_path / "deals.csv.rejected.csv").read_text(encoding="utf-8-sig")
    assert "No stage Nowhere" in rejected
    call_command(
        "import_records",
        "opportunities",
        str(path),
        "--user",
        "alice",
        "--portfolio",
        str(world.portfolio_a.pk),
        "--dry-run",
    )
    assert capsys.readouterr().out.strip().splitlines()[-1] == "0 created, 0 updated, 6 rejected"


def test_a_siren_written_with_spaces_finds_its_account(world: World) -> None:
    data = b"Nom du compte;SIREN\nBoulangerie Dupont Sud;732 829 320\n"
    report = _run(world, "accounts", "comptes.csv", data, dry_run=False)
    # 732829320 is Boulangerie Dupont's: the row is that account, renamed.
    assert report.summary == "0 created, 1 updated, 0 rejected"
    assert Account.objects.get(siren="732829320").name == "Boulangerie Dupont Sud"


def test_a_dry_run_rolls_back_batch_by_batch(world: World, monkeypatch) -> None:
    import salespipe.imports.services as services

    monkeypatch.setattr(services, "DRY_RUN_BATCH", 2)
    before = _counts()
    seen: list[int] = []
    table = read_table("deals.csv", PIPEDRIVE_DEALS.encode())
    columns = {int(index): field for index, field in guess("opportunities", table.headers).items()}
    plan = Plan(kind="opportunities", columns=columns, portfolio_id=world.portfolio_a.pk)
    report = import_records(
        user=world.alice, table=table, plan=plan, dry_run=True, progress=seen.append
    )
    assert _counts() == before
    assert seen == [2, 4, 6, 8, 9]
    assert report.summary == "3 created, 0 updated, 6 rejected"
