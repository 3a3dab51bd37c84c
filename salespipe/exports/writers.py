"""CSV and XLSX, written a chunk at a time (SPEC X5).

- CSV: UTF-8 with a byte order mark, so that a spreadsheet opens accents right; numbers
  written plainly ("1500.00"), dates in ISO 8601.
- XLSX: openpyxl's write-only workbook, which keeps rows on disk as it goes; amounts are
  numbers and dates are dates, not text. The file is built in a temporary file, then read
  out in blocks.
- Formula injection (OWASP): in CSV, a text that a spreadsheet would read as a formula
  (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading
  apostrophe, so that it shows as the text it is, and every field is quoted; in XLSX, texts
  are typed as texts, which no spreadsheet runs. Numbers and dates are written as such.
"""

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from salespipe.exports.columns import Column

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# Rows gathered before a piece of the answer is sent.
ROWS_A_PIECE = 500
BLOCK = 64 * 1024
NUMBER_FORMAT = "#,##0.00"


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_pieces(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    # Every field quoted: a spreadsheet that splits on another delimiter (";" in French
    # settings) can't cut a text into a cell that starts a formula.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    buffer.write(BOM)
    writer.writerow([neutralised(str(column.header)) for column in columns])
    for count, row in enumerate(rows, start=1):
        writer.writerow(
            [
                neutralised(_plain(row[column.field]))
                if column.kind == "text"
                else _plain(row[column.field])
                for column in columns
            ]
        )
        if count % ROWS_A_PIECE == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _cell(sheet: Any, column: Column, value: Any) -> Any:
    """What the sheet holds for `value`: text neutralised, a date as a date (openpyxl gives
    it its format), an amount as a number with two places."""
    if value is None or value == "":
        return None
    if column.kind == "text":
        # A text cell, typed as text: a spreadsheet shows it and runs nothing, so it needs no
        # apostrophe (openpyxl would type a text starting with "=" as a formula).
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "s"
        return cell
    if isinstance(value, Decimal):
        # A spreadsheet holds numbers as doubles: two places are kept exactly.
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = NUMBER_FORMAT
        return cell
    return value


def xlsx_pieces(
    columns: Sequence[Column], rows: Iterable[dict[str, Any]], title: str
) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    bold = Font(bold=True)
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralised(str(column.header)))
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    for row in rows:
        sheet.append([_cell(sheet, column, row[column.field]) for column in columns])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while block := file.read(BLOCK):
            yield block
