"""What each tab of the sheet draws (SPEC S3-S6, S8): reads only, for `views.sheet`."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from salespipe.activities.models import Action, ActionKind
from salespipe.documents.services import documents_of, max_bytes
from salespipe.org import access
from salespipe.org.models import Collaborator, Currency
from salespipe.org.rights import Right, has_right
from salespipe.pipeline.forms.actions import action_inputs, page_errors
from salespipe.pipeline.forms.sheet import FIGURES, sheet_fields
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateMode,
    HistoryEntry,
    HistoryKind,
    Opportunity,
    OpportunityStatus,
    Recurrence,
    SaleType,
    SaleTypeMode,
)
from salespipe.pipeline.services import estimate, history
from salespipe.pipeline.services.contact_links import linked_contacts
from salespipe.web.templatetags.display import plain_amount, short_date

TABS: tuple[str, ...] = ("amounts", "activities", "documents", "contacts", "history")


def tab_labels() -> dict[str, str]:
    return {
        "amounts": _("Amounts"),
        "activities": _("Activities"),
        "documents": _("Documents"),
        "contacts": _("Contacts"),
        "history": _("History"),
    }


# -- Amounts (S3) ---------------------------------------------------------------------------

_LINE_TEXTS = ("label", "custom_1", "custom_2", "custom_3", "custom_4")
_LINE_NUMBERS = ("quantity", "unit_price", "days", "amount")


@dataclass
class LineRow:
    line: EstimateLine
    values: dict[str, str]
    mode: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    # (name, label, value) of the custom fields shown.
    customs: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def taken(self) -> frozenset[str]:
        return estimate.MODE_FIELDS.get(self.mode, frozenset())

    @property
    def computes_amount(self) -> bool:
        return self.mode == SaleTypeMode.QUANTITY


def _line_values(line: EstimateLine) -> dict[str, str]:
    values = {name: getattr(line, name) or "" for name in _LINE_TEXTS}
    for name in _LINE_NUMBERS:
        number = getattr(line, name)
        values[name] = "" if number is None else format(number, "f")
    values["sale_type"] = str(line.sale_type_id)
    values["recurrence"] = line.recurrence
    return values


def _typed_row(row: LineRow, data: QueryDict, modes: Mapping[str, str]) -> None:
    """A refused line keeps what was typed, and the mode of the sale type chosen."""
    for name in estimate.LINE_FIELDS:
        if name in data:
            row.values[name] = data.get(name, "")
    row.mode = modes.get(row.values.get("sale_type", ""), row.mode)


def amounts_context(
    opportunity: Opportunity,
    *,
    user: Collaborator,
    line_id: int | None = None,
    data: QueryDict | None = None,
    errors: Mapping[str, Sequence[str]] | None = None,
    message: str = "",
    version_before: str = "",
) -> dict[str, Any]:
    """The general estimate, or the table of lines with its TOTAL row."""
    sale_types = list(SaleType.objects.order_by("name", "id"))
    modes = {str(s.pk): s.mode for s in sale_types}
    customs = [
        (f"custom_{index}", label) for index, label in enumerate(estimate.custom_field_labels(), 1)
    ]
    rows = []
    for line in estimate.estimate_lines(opportunity):
        row = LineRow(line=line, values=_line_values(line), mode=line.sale_type.mode)
        if line.pk == line_id and data is not None:
            _typed_row(row, data, modes)
            row.errors = {name: list(msgs) for name, msgs in (errors or {}).items()}
        row.customs = [(name, label, row.values.get(name, "")) for name, label in customs]
        rows.append(row)
    shown = {name for row in rows for name in row.errors}
    leftover = [str(m) for name, msgs in (errors or {}).items() if name not in shown for m in msgs]
    figures = [f for f in sheet_fields(user, opportunity) if f.name in FIGURES]
    return {
        "opportunity": opportunity,
        "detailed": opportunity.estimate_mode == EstimateMode.DETAILED,
        "rows": rows,
        "sale_types": sale_types,
        "recurrences": Recurrence.choices,
        "custom_fields": customs,
        "currencies": list(Currency.objects.all()),
        "figures": figures,
        "errors": leftover,
        "message": message,
        "version_before": version_before,
    }


# -- Activities (S4) ------------------------------------------------------------------------


def activities_context(
    opportunity: Opportunity,
    *,
    user: Collaborator,
    data: QueryDict | None = None,
    errors: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Planned and done actions, newest first, and the form of a new one."""
    actions = (
        access.scoped(user, Action.objects.filter(opportunity=opportunity))
        .select_related("assignee", "contact")
        .order_by("-due_at", "-id")
    )
    assignees = (
        access.scoped(user, Collaborator.objects.filter(is_active=True))
        .filter(companies=opportunity.company_id)
        .order_by("first_name", "last_name", "username")
    )
    data = data if data is not None else QueryDict()
    return {
        "opportunity": opportunity,
        "actions": list(actions),
        "kinds": ActionKind.choices,
        "assignees": list(assignees),
        "now": timezone.now(),
        "values": action_inputs(data, user),
        "errors": page_errors(errors or {}),
    }


# -- Documents (S5) -------------------------------------------------------------------------


def documents_context(opportunity: Opportunity, *, user: Collaborator) -> dict[str, Any]:
    return {
        "opportunity": opportunity,
        "documents": documents_of(user, opportunity),
        "max_bytes": max_bytes(),
        "error": "",
    }


# -- Contacts (S6) --------------------------------------------------------------------------


def contacts_context(
    opportunity: Opportunity,
    *,
    user: Collaborator,
    errors: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    lookup = reverse("customers:contact_lookup", args=[0]).replace("/0/", "/{id}/")
    main = opportunity.contact
    if main is not None and main.is_closed and not has_right(user, Right.SHOW_CLOSED):
        main = None
    return {
        "opportunity": opportunity,
        "main_contact": main,
        "links": linked_contacts(user, opportunity),
        "account_source": (
            f"{reverse('customers:account_lookup')}?company={opportunity.company_id}"
        ),
        "contact_source": lookup,
        "errors": [str(m) for msgs in (errors or {}).values() for m in msgs],
    }


# -- History (S8) ---------------------------------------------------------------------------


@dataclass
class HistoryRow:
    entry: HistoryEntry
    what: str
    # The values as the user reads them: amounts and dates in his language, statuses named.
    old: str
    new: str


_HISTORY_DATES = {"expected_signature_date", "signed_on", "lost_on"}


def _shown(field_name: str, text: str) -> str:
    """A value the history keeps as plain text, as the sheet shows it; as kept if unreadable."""
    if not text:
        return ""
    try:
        if field_name == "amount":
            return plain_amount(Decimal(text))
        if field_name in _HISTORY_DATES:
            return short_date(dt.date.fromisoformat(text))
        if field_name == "status":
            return str(OpportunityStatus(text).label)
    except (ValueError, ArithmeticError):
        return text
    return text


def _what(entry: HistoryEntry) -> str:
    if entry.kind == HistoryKind.CREATED:
        return _("Created")
    if entry.kind == HistoryKind.DELETED:
        return _("Deleted")
    try:
        model_field = Opportunity._meta.get_field(entry.field)
    except FieldDoesNotExist:
        return entry.field
    return str(capfirst(getattr(model_field, "verbose_name", entry.field)))


def history_context(opportunity: Opportunity, *, user: Collaborator) -> dict[str, Any]:
    entries = history.history_of(user, opportunity.pk)
    return {
        "opportunity": opportunity,
        "entries": [
            HistoryRow(
                entry=e,
                what=_what(e),
                old=_shown(e.field, e.old_value),
                new=_shown(e.field, e.new_value),
            )
            for e in entries
        ],
    }


def tab_context(name: str, opportunity: Opportunity, *, user: Collaborator) -> dict[str, Any]:
    builders = {
        "amounts": amounts_context,
        "activities": activities_context,
        "documents": documents_context,
        "contacts": contacts_context,
        "history": history_context,
    }
    return builders[name](opportunity, user=user)
