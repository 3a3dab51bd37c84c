"""Reading a `changes` answer (SPEC B21): what a page is told to draw after a change."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Placed:
    # The column's key ("12" for a stage, "2031-03" or "none" for the calendar) when the
    # card goes first in it; "" when it goes after another card.
    column: str
    # The card it goes after; None when first.
    after: int | None
    html: str


_PLACED = re.compile(
    r'<ol hx-swap-oob="(?:afterend:#card-(?P<after>\d+)|afterbegin:#cards-(?P<column>[\w-]+))"'
    r' data-placed="(?P<id>\d+)">(?P<html>.*?)</ol>',
    re.S,
)


def placed(html: str) -> dict[int, Placed]:
    """The cards the answer draws, by id, with where each goes."""
    return {
        int(found["id"]): Placed(
            column=found["column"] or "",
            after=int(found["after"]) if found["after"] else None,
            html=found["html"],
        )
        for found in _PLACED.finditer(html)
    }


def gone(html: str) -> set[int]:
    """The cards the answer takes off the page and does not draw again."""
    removed = {int(pk) for pk in re.findall(r'<li id="card-(\d+)" hx-swap-oob="delete">', html)}
    return removed - set(placed(html))


def column_totals(html: str) -> dict[str, int]:
    """The count each column's totals show, by column key."""
    return {
        key: int(count)
        for key, count in re.findall(
            r'id="totals-([\w-]+)" data-totals data-server-count="(\d+)" hx-swap-oob="true"', html
        )
    }
