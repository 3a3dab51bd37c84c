"""A file's cells read as the values the services take (SPEC X5), once, at the edge: amounts
written the French, English or American way, dates as text in the file's order or as a
spreadsheet's dates, and the words other CRMs use for an outcome."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from salespipe.exports.writers import FORMULA_STARTS
from salespipe.imports.files import Cell
from salespipe.imports.mapping import DateOrder
from salespipe.lib.text import search_key

Status = Literal["open", "won", "lost"]

_STATUS_WORDS: dict[str, Status] = {
    **dict.fromkeys(("open", "ouvert", "ouverte", "en cours", "in progress"), "open"),
    **dict.fromkeys(
        ("won", "gagne", "gagnee", "closed won", "closedwon", "signe", "signee"), "won"
    ),
    **dict.fromkeys(
        ("lost", "perdu", "perdue", "closed lost", "closedlost", "abandonne", "abandonnee"),
        "lost",
    ),
}
# A currency code or sign around an amount ("EUR 1 200", "1 200 €"); any other letter makes
# it unreadable ("1e9999" is no amount here).
_CURRENCY = re.compile(r"^[A-Z]{3}\s*|\s*[A-Z]{3}$|[€$£]")
_LETTERS = re.compile(r"[^\W\d_]")
_DATE_TEXT = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})")


class Unreadable(ValueError):
    """A cell that can't be read as the value its field takes."""


def text(cell: Cell) -> str:
    """A cell as text; the apostrophe an export puts before a formula's first character (so
    that a spreadsheet doesn't run it) is taken away, so that exports import back as they were."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        # A spreadsheet's number for an id or a phone: 12345.0 is "12345".
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    written = str(cell).strip()
    if written.startswith("'") and written[1:2] in FORMULA_STARTS:
        return written[1:]
    return written


def amount(cell: Cell) -> Decimal | None:
    """12500, "12 500,50", "12,500.50", "12.500,50", "€ 1,200": the amount; None if empty."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, int | float):
        # A spreadsheet's float (1234.5600000000002) is the amount to the cent it shows.
        return Decimal(str(round(cell, 2)))
    written = _CURRENCY.sub("", str(cell).strip())
    if _LETTERS.search(written):
        raise Unreadable(str(cell))
    raw = re.sub(r"[^\d,.\-]", "", written)
    if "," in raw and "." in raw:
        # The last separator is the decimal one.
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif raw.count(",") == 1 and len(raw.split(",")[1]) != 3:
        raw = raw.replace(",", ".")
    elif "," in raw:
        raw = raw.replace(",", "")
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise Unreadable(str(cell)) from exc


def date(cell: Cell, order: DateOrder) -> dt.date | None:
    """A spreadsheet's date, or a text: ISO 8601 ("2026-03-31", with a time or not), else
    day and month in the file's order ("31/03/2026", "3/31/2026"); None if empty."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    found = _DATE_TEXT.match(str(cell).strip())
    if found is None:
        raise Unreadable(str(cell))
    first, second, third = (int(part) for part in found.groups())
    try:
        if len(found.group(1)) == 4:
            return dt.date(first, second, third)
        year = third + 2000 if third < 100 else third
        if order == "mdy":
            return dt.date(year, first, second)
        return dt.date(year, second, first)
    except ValueError as exc:
        raise Unreadable(str(cell)) from exc


def status(cell: Cell) -> Status | None:
    """The outcome a word names ("won", "Closed Won", "perdue"…), or None for another word."""
    return _STATUS_WORDS.get(search_key(text(cell)))
