"""Reading a CSV or XLSX file into a header and rows of cells (SPEC X5).

CSV: UTF-8 (with or without a byte order mark), else Windows-1252, as spreadsheets save it;
the delimiter (comma, semicolon or tab) is found by the standard library's sniffer. XLSX:
the first sheet, read with openpyxl's read-only mode; its cells keep their type (a date
stays a date, a number a number).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from salespipe.lib.errors import InvalidInput

Cell = str | int | float | dt.date | None
DELIMITERS = ",;\t"


@dataclass(frozen=True)
class Row:
    # Its line in the file (the header is line 1), as the report names it.
    line: int
    # As many cells as the header has.
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[Row]


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput({"file": [_("This file is neither UTF-8 nor Windows-1252 text.")]})


def _csv(data: bytes) -> list[list[Cell]]:
    text = _text(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=DELIMITERS
        )
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx(data: bytes) -> list[list[Cell]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that isn't a workbook
        raise InvalidInput({"file": [_("This file is not an XLSX workbook.")]}) from exc
    sheet = workbook.worksheets[0]
    rows: list[list[Cell]] = [
        [str(value) if isinstance(value, bool) else value for value in values]  # type: ignore[misc]
        for values in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    return rows


def read_table(name: str, data: bytes) -> Table:
    """The header and rows of a `.csv` or `.xlsx` file; blank rows are left out."""
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        raw = _xlsx(data)
    elif lowered.endswith((".csv", ".txt")):
        raw = _csv(data)
    else:
        raise InvalidInput({"file": [_("A .csv or .xlsx file is expected.")]})
    filled = [
        (line, cells)
        for line, cells in enumerate(raw, start=1)
        if any(cell not in (None, "") for cell in cells)
    ]
    if not filled:
        raise InvalidInput({"file": [_("This file holds no row.")]})
    headers = [str(cell).strip() if cell is not None else "" for cell in filled[0][1]]
    width = len(headers)
    body = [Row(line, (cells + [None] * width)[:width]) for line, cells in filled[1:]]
    return Table(headers=headers, rows=body)
