"""X5 in the API: /exports/{board,calendar,won,lost,accounts} give the pages' files, with
the parameters of the board's, calendar's and lists' own operations."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from salespipe.pipeline.models import OpportunityStatus
from salespipe.test import World, make_opportunity

pytestmark = pytest.mark.django_db


def _rows(answer) -> list[list[str]]:
    assert answer.status_code == 200, answer.content[:300]
    text = b"".join(answer.streaming_content).decode()
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_each_screen_exports_with_its_own_parameters(world: World, alice_api: Client) -> None:
    a = world.portfolio_a
    make_opportunity(a, name="Open one", amount=100)
    make_opportunity(a, name="Bob's", salesperson=world.bob)
    make_opportunity(
        a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        name="Signed one",
        signed_on="2026-02-01",
    )
    board = _rows(
        alice_api.get(f"/api/v1/exports/board?portfolio={a.pk}&salesperson={world.alice.pk}")
    )
    assert [row[1] for row in board[1:]] == ["Open one"]
    calendar = _rows(alice_api.get(f"/api/v1/exports/calendar?portfolio={a.pk}"))
    assert {row[1] for row in calendar[1:]} == {"Open one", "Bob's"}
    won = _rows(alice_api.get(f"/api/v1/exports/won?portfolio={a.pk}"))
    assert [row[1] for row in won[1:]] == ["Signed one"]
    accounts = _rows(alice_api.get("/api/v1/exports/accounts?search=boul"))
    assert [row[1] for row in accounts[1:]] == ["Boulangerie Dupont"]


def test_the_xlsx_answer_is_a_workbook(world: World, alice_api: Client) -> None:
    make_opportunity(world.portfolio_a, name="Open one", amount=1234)
    answer = alice_api.get(f"/api/v1/exports/board?portfolio={world.portfolio_a.pk}&format=xlsx")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in answer["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.getvalue())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][rows[0].index("Amount")] == 1234


def test_charlie_exports_nothing_of_company_a_and_bad_parameters_are_refused(
    world: World, charlie_api: Client
) -> None:
    make_opportunity(world.portfolio_a, name="Open one")
    board = _rows(charlie_api.get(f"/api/v1/exports/board?portfolio={world.portfolio_a.pk}"))
    assert board[1:] == []
    assert charlie_api.get("/api/v1/exports/board?portfolio=999999").status_code == 404
    assert (
        charlie_api.get(
            f"/api/v1/exports/board?portfolio={world.portfolio_a.pk}&format=pdf"
        ).status_code
        == 422
    )
    assert charlie_api.get("/api/v1/exports/calendar?portfolio=x").status_code == 422
    assert Client().get("/api/v1/exports/accounts").status_code == 401


def test_a_calendar_past_the_last_year_is_refused(world: World, alice_api: Client) -> None:
    answer = alice_api.get(
        f"/api/v1/exports/calendar?portfolio={world.portfolio_a.pk}&start=9999-06&months=12"
    )
    assert answer.status_code == 422
