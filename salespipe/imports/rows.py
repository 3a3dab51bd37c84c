"""What an import reads from a row and says of it (SPEC X5): the row's mapped cells, its
outcome, the report of the whole file, and why a row was refused in the user's language."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _

from salespipe.imports import cells
from salespipe.imports.files import Cell
from salespipe.imports.mapping import FIELDS, DateOrder, Kind
from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope

Action = Literal["created", "updated", "unchanged", "rejected"]


@dataclass(frozen=True)
class RowOutcome:
    line: int
    action: Action
    # What the row is ("Boulangerie Dupont"), and why it was refused.
    label: str = ""
    reason: str = ""


@dataclass
class Report:
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def summary(self) -> str:
        return _("%(created)s created, %(updated)s updated, %(rejected)s rejected") % {
            "created": self.count("created"),
            "updated": self.count("updated"),
            "rejected": self.count("rejected"),
        }


@dataclass(frozen=True)
class Plan:
    """What an import does with a file: which column fills which field, where the records go."""

    kind: Kind
    # The field each column fills, by column index.
    columns: Mapping[int, str]
    date_order: DateOrder = "dmy"
    company_id: int | None = None
    portfolio_id: int | None = None


class MappedRow:
    """One row's cells, by the field their column fills."""

    def __init__(self, line: int, cells_by_field: Mapping[str, Cell], date_order: DateOrder):
        self.line = line
        self.cells = cells_by_field
        self.date_order = date_order

    def text(self, name: str) -> str:
        return cells.text(self.cells.get(name))

    def given(self, name: str) -> bool:
        return self.text(name) != ""

    @property
    def label(self) -> str:
        return self.text("name") or self.text("last_name") or self.text("full_name")

    def amount(self, name: str) -> Decimal | None:
        try:
            return cells.amount(self.cells.get(name))
        except cells.Unreadable as exc:
            raise InvalidInput({name: [_("An amount is expected.")]}) from exc

    def date(self, name: str) -> dt.date | None:
        try:
            return cells.date(self.cells.get(name), self.date_order)
        except cells.Unreadable as exc:
            raise InvalidInput({name: [_("A date is expected.")]}) from exc


def refusal(error: Exception, kind: Kind) -> str:
    """Why a row was refused, in the user's language, fields named as the mapping names them."""
    if isinstance(error, InvalidInput):
        labels = {field.name: str(field.label) for field in FIELDS[kind]}
        return " ".join(
            " ".join(messages)
            if name == "__all__"
            else _("%(field)s: %(problem)s")
            % {"field": labels.get(name, name), "problem": " ".join(messages)}
            for name, messages in error.errors.items()
        )
    if isinstance(error, cells.Unreadable):
        return _("This value can't be read: %(value)s") % {"value": error}
    if isinstance(error, OutOfScope):
        return _("This record is not one you may change.")
    return str(error)
