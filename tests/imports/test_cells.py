"""X5: a file's cells read once, at the edge, and a file that is no table refused whole."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from salespipe.imports import cells
from salespipe.imports.files import read_table
from salespipe.lib.errors import InvalidInput


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("12 500,50", Decimal("12500.50")),
        ("12,500.50", Decimal("12500.50")),
        ("12.500,50", Decimal("12500.50")),
        ("EUR 1 200", Decimal("1200")),
        ("1 200 €", Decimal("1200")),
        (1234.5600000000002, Decimal("1234.56")),
        (1500, Decimal("1500")),
        ("", None),
    ],
)
def test_amounts_written_every_way_are_read(written, amount) -> None:
    assert cells.amount(written) == amount


@pytest.mark.parametrize("written", ["1e9999", "1E6", "abc", "twelve"])
def test_an_amount_with_letters_is_unreadable(written: str) -> None:
    with pytest.raises(cells.Unreadable):
        cells.amount(written)


def test_dates_in_the_files_order() -> None:
    assert cells.date("2026-03-31 10:00:00", "dmy") == dt.date(2026, 3, 31)
    assert cells.date("31/03/2026", "dmy") == dt.date(2026, 3, 31)
    assert cells.date("3/31/2026", "mdy") == dt.date(2026, 3, 31)
    with pytest.raises(cells.Unreadable):
        cells.date("31/31/2026", "dmy")


def test_the_apostrophe_an_export_adds_is_taken_away() -> None:
    assert cells.text("'=SUM(A1)") == "=SUM(A1)"
    assert cells.text("'+33 1 23 45 67 89") == "+33 1 23 45 67 89"
    assert cells.text("l'atelier") == "l'atelier"


def test_a_file_with_a_nul_character_is_refused() -> None:
    with pytest.raises(InvalidInput):
        read_table("bad.csv", b"Name\nA\x00B\n")


def test_a_workbook_that_says_it_is_huge_is_read_for_what_it_holds() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name"])
    sheet.append(["Garage"])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table("small.xlsx", out.getvalue())
    assert table.headers == ["Name"]
    assert [row.cells for row in table.rows] == [["Garage"]]


def test_something_else_than_a_workbook_is_refused() -> None:
    with pytest.raises(InvalidInput):
        read_table("fake.xlsx", b"PK\x03\x04 not really")
