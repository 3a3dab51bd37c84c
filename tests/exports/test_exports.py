"""X5: what the board, the calendar, the lists and the accounts show, taken out as CSV and
XLSX: in the screen's order and filters, headers in the user's language, numbers as numbers,
and no formula run by a spreadsheet."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from salespipe.exports.writers import neutralised
from salespipe.pipeline.models import Opportunity, OpportunityStatus
from salespipe.test import World, make_account, make_opportunity

pytestmark = pytest.mark.django_db


def _body(answer) -> bytes:
    assert answer.status_code == 200, answer.content[:300]
    return b"".join(answer.streaming_content)


def _csv(answer) -> list[list[str]]:
    text = _body(answer).decode("utf-8")
    assert text.startswith("\ufeff"), "a byte order mark, for spreadsheets"
    return list(csv.reader(io.StringIO(text[1:])))


def _board_deals(world: World) -> dict[str, Opportunity]:
    a = world.portfolio_a
    return {
        "late": make_opportunity(
            a, stage=world.negotiation, name="Late one", amount=Decimal("900.50")
        ),
        "big": make_opportunity(a, stage=world.qualification, name="Big one", amount=5000),
        "small": make_opportunity(a, stage=world.qualification, name='=HYPERLINK("x")', amount=10),
        "bobs": make_opportunity(
            a, stage=world.discovery, name="Bob's", amount=70, salesperson=world.bob
        ),
        "other": make_opportunity(world.portfolio_b, stage=world.discovery, name="Of company B"),
    }


def test_the_board_comes_out_stage_by_stage_in_its_sort(world: World, alice_client: Client) -> None:
    deals = _board_deals(world)
    deals["big"].tags.add(world.tag_hot, world.tag_other_kind)
    rows = _csv(
        alice_client.get(f"/exports/board.csv?portfolio={world.portfolio_a.pk}&sort=-amount")
    )
    header, *body = rows
    assert header[:3] == ["ID", "Call name", "Account"]
    names = [row[1] for row in body]
    # Qualification by amount, largest first; then Discovery; then Negotiation.
    assert names == ["Big one", '\'=HYPERLINK("x")', "Bob's", "Late one"]
    amount = header.index("Amount")
    assert body[-1][amount] == "900.50"
    weighted = header.index("Weighted amount")
    assert body[-1][weighted] == "720.40"  # 80 %
    assert body[0][header.index("Tags")] == "Hot, Newsletter"


def test_the_boards_filters_narrow_the_export(world: World, alice_client: Client) -> None:
    _board_deals(world)
    rows = _csv(
        alice_client.get(
            f"/exports/board.csv?portfolio={world.portfolio_a.pk}&salesperson={world.bob.pk}"
        )
    )
    assert [row[1] for row in rows[1:]] == ["Bob's"]


def test_headers_are_in_the_users_language(world: World, alice_client: Client) -> None:
    _board_deals(world)
    rows = _csv(
        alice_client.get(
            f"/exports/board.csv?portfolio={world.portfolio_a.pk}",
            headers={"Accept-Language": "fr"},
        )
    )
    assert rows[0][:3] == ["ID", "Nom d'appel", "Compte"]


def test_the_xlsx_holds_numbers_and_dates_and_no_formula(
    world: World, alice_client: Client
) -> None:
    deals = _board_deals(world)
    Opportunity.objects.filter(pk=deals["big"].pk).update(
        expected_signature_date=dt.date(2027, 3, 31)
    )
    body = _body(alice_client.get(f"/exports/board.xlsx?portfolio={world.portfolio_a.pk}"))
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    big = next(row for row in table if row[1] == "Big one")
    assert big[header.index("Amount")] == 5000
    assert isinstance(big[header.index("Amount")], int | float)
    expected = big[header.index("Expected signature date")]
    assert isinstance(expected, dt.datetime)
    assert expected.date() == dt.date(2027, 3, 31)
    # A text typed as text: shown as written, and no cell of the sheet is a formula.
    assert any(row[1] == '=HYPERLINK("x")' for row in table)
    workbook = load_workbook(io.BytesIO(body))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]  # type: ignore[union-attr]
    assert all(cell.data_type != "f" for cell in cells)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(text: str) -> None:
    assert neutralised(text) == "'" + text
    assert neutralised("Boulangerie") == "Boulangerie"


def test_the_calendar_comes_out_no_date_overdue_then_by_month(
    world: World, alice_client: Client
) -> None:
    today = timezone.localdate()
    a = world.portfolio_a
    make_opportunity(a, name="Next month", expected_signature_date=today + dt.timedelta(days=40))
    make_opportunity(
        a,
        name="This month",
        expected_signature_date=today.replace(day=28) if today.day <= 28 else today,
    )
    make_opportunity(
        a, name="Overdue", expected_signature_date=today.replace(day=1) - dt.timedelta(days=20)
    )
    make_opportunity(a, name="Undated")
    rows = _csv(
        alice_client.get(f"/exports/calendar.csv?portfolio={a.pk}&start={today:%Y-%m}&months=3")
    )
    assert [row[1] for row in rows[1:]] == ["Undated", "Overdue", "This month", "Next month"]


def test_the_won_list_comes_out_whole_and_searched(world: World, alice_client: Client) -> None:
    for index in range(3):
        make_opportunity(
            world.portfolio_a,
            stage=world.signed,
            status=OpportunityStatus.WON,
            name=f"Won {index}",
            signed_on=dt.date(2026, 1, 1 + index),
        )
    rows = _csv(alice_client.get(f"/exports/won.csv?portfolio={world.portfolio_a.pk}"))
    assert [row[1] for row in rows[1:]] == ["Won 2", "Won 1", "Won 0"]
    searched = _csv(
        alice_client.get(f"/exports/won.csv?portfolio={world.portfolio_a.pk}&search=Won 1")
    )
    assert [row[1] for row in searched[1:]] == ["Won 1"]
    assert _csv(alice_client.get(f"/exports/lost.csv?portfolio={world.portfolio_a.pk}"))[1:] == []


def test_the_accounts_come_out_as_the_list_finds_them(world: World, alice_client: Client) -> None:
    make_account(world.company_a, "Garage Dupuis")
    make_account(world.company_a, "-Minus Conseil")
    rows = _csv(alice_client.get("/exports/accounts.csv?q=gar"))
    assert [row[1] for row in rows[1:]] == ["Garage Dupuis"]
    everything = {row[1] for row in _csv(alice_client.get("/exports/accounts.csv"))}
    assert "'-Minus Conseil" in everything
    assert "Brasserie Martin" not in everything  # company B's


def test_charlie_exports_nothing_of_company_a(world: World, charlie_client: Client) -> None:
    _board_deals(world)
    rows = _csv(charlie_client.get(f"/exports/board.csv?portfolio={world.portfolio_a.pk}"))
    assert rows[1:] == []
    assert charlie_client.get("/exports/board.csv?portfolio=999999").status_code == 404
    assert charlie_client.get("/exports/nothing.csv").status_code == 404
    assert (
        charlie_client.get(f"/exports/board.pdf?portfolio={world.portfolio_a.pk}").status_code
        == 404
    )


def test_a_visitor_is_sent_to_log_in(world: World) -> None:
    answer = Client().get(f"/exports/board.csv?portfolio={world.portfolio_a.pk}")
    assert answer.status_code == 302


def test_an_export_reads_as_many_queries_for_more_rows(world: World, alice_client: Client) -> None:
    _board_deals(world)
    url = f"/exports/board.csv?portfolio={world.portfolio_a.pk}"
    _body(alice_client.get(url))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _body(alice_client.get(url))
        return len(captured)

    few = queries()
    for index in range(40):
        opportunity = make_opportunity(world.portfolio_a, name=f"More {index}", currency_id="USD")
        opportunity.tags.add(world.tag_hot)
    assert queries() == few
