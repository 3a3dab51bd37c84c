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
# What one file may hold: beyond, a file is refused rather than read into memory.
MAX_ROWS = 200_000
MAX_COLUMNS = 200


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


def _too_large() -> InvalidInput:
    return InvalidInput(
        {
            "file": [
                _("At most %(rows)s rows of %(columns)s columns are read in one file.")
                % {"rows": f"{MAX_ROWS:,}", "columns": MAX_COLUMNS}
            ]
        }
    )


def _csv(data: bytes) -> list[list[Cell]]:
    text = _text(data)
    if "\x00" in text:
        raise InvalidInput({"file": [_("This file holds a NUL character: it is not a table.")]})
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=DELIMITERS
        )
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            if len(rows) > MAX_ROWS or len(row) > MAX_COLUMNS:
                raise _too_large()
            rows.append(list(row))
    except csv.Error as exc:
        raise InvalidInput(
            {"file": [_("This CSV file can't be read: %(why)s") % {"why": exc}]}
        ) from exc
    return rows


def _xlsx(data: bytes) -> list[list[Cell]]:
    # openpyxl raises many kinds of errors for a file that isn't a workbook, while opening
    # it or while reading its rows: each is the same refusal.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise InvalidInput({"file": [_("This workbook has no sheet.")]})
        sheet = workbook.worksheets[0]
        # The size a sheet declares may be false (a few bytes can declare a million rows):
        # only the cells it holds are read.
        sheet.reset_dimensions()
        rows: list[list[Cell]] = []
        for values in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS or len(values) > MAX_COLUMNS:
                raise _too_large()
            rows.append([str(value) if isinstance(value, bool) else value for value in values])  # type: ignore[misc]
        workbook.close()
    except InvalidInput:
        raise
    except Exception as exc:
        raise InvalidInput({"file": [_("This file is not an XLSX workbook.")]}) from exc
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
    headers = [
        str(cell).replace("\x00", "").strip() if cell is not None else "" for cell in filled[0][1]
    ]
    width = len(headers)
    body = [Row(line, (cells + [None] * width)[:width]) for line, cells in filled[1:]]
    return Table(headers=headers, rows=body)
