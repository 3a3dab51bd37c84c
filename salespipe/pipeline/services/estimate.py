"""The *Amounts* tab of the sheet (SPEC S3): a general estimate or a detailed one, never both.

A general estimate is the opportunity's own amount, days and currency, changed like any
other field of the sheet (`services.opportunity_update`). A detailed estimate is a table
of lines; while it has lines, the opportunity's amount and days are their totals, so that
cards, columns and the calendar add what the table says. Switching to detailed keeps the
general values until the first line is entered; switching back to general discards the
lines and keeps the last totals as the general estimate.

Which fields a line takes depends on its sale type's mode: `quantity` (quantity x unit
price gives the amount), `days` (days and amount), `amount` (amount only). The fields a
mode doesn't take are emptied, whatever was sent.

Every change here is a change of the opportunity: it takes the `version` the caller read
(P7), bumps it with a conditional UPDATE, records the history of the tracked fields
(amount, currency) and is one transaction; `StaleVersion` if someone changed the
opportunity in between, and then nothing is written.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.money import to_cents
from salespipe.org import access
from salespipe.org.models import Collaborator, Currency
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateLineField,
    EstimateMode,
    Opportunity,
    Recurrence,
    SaleType,
    SaleTypeMode,
)
from salespipe.pipeline.services import rules
from salespipe.pipeline.services.errors import InvalidTransition
from salespipe.pipeline.services.versioning import check_version, load, save

__all__ = [
    "LINE_FIELDS",
    "LineValues",
    "custom_field_labels",
    "estimate_lines",
    "estimate_set_currency",
    "estimate_use_detailed",
    "estimate_use_general",
    "line_add",
    "line_delete",
    "line_duplicate",
    "line_update",
]

# What a caller may give for a line.
LINE_FIELDS: tuple[str, ...] = (
    "sale_type",
    "label",
    "quantity",
    "unit_price",
    "days",
    "amount",
    "recurrence",
    "custom_1",
    "custom_2",
    "custom_3",
    "custom_4",
)
_NUMBERS = ("quantity", "unit_price", "days", "amount")
_TEXTS = ("label", "custom_1", "custom_2", "custom_3", "custom_4")
# The numbers each mode takes; the others are emptied.
MODE_FIELDS: dict[str, frozenset[str]] = {
    SaleTypeMode.QUANTITY: frozenset({"quantity", "unit_price"}),
    SaleTypeMode.DAYS: frozenset({"days", "amount"}),
    SaleTypeMode.AMOUNT: frozenset({"amount"}),
}
CUSTOM_FIELDS_SHOWN = 4


def custom_field_labels() -> list[str]:
    """The labels of the first four custom fields of lines, in position order (S3)."""
    return [field.label for field in EstimateLineField.objects.all()[:CUSTOM_FIELDS_SHOWN]]


def estimate_lines(opportunity: Opportunity) -> list[EstimateLine]:
    return list(opportunity.estimate_lines.select_related("sale_type").order_by("position", "id"))


# -- the opportunity's side -----------------------------------------------------------------


def _require_detailed(opportunity: Opportunity) -> None:
    if opportunity.estimate_mode != EstimateMode.DETAILED:
        raise InvalidTransition(_("Switch to the detailed estimate first."))


def _fits(field_name: str, value: Decimal) -> bool:
    field = Opportunity._meta.get_field(field_name)
    assert isinstance(field, models.DecimalField)
    assert field.max_digits is not None
    assert field.decimal_places is not None
    return abs(value) < Decimal(10) ** (field.max_digits - field.decimal_places)


def _total(opportunity: Opportunity, name: str, values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    if present:
        total = sum(present, Decimal(0))
        if not _fits(name, total):
            raise InvalidInput({name: [_("The total of the lines is too large.")]})
        return to_cents(total)
    # A column no line fills leaves the total empty, unless a stage entered requires it.
    required = opportunity.is_open and name in rules.fields_required_up_to(opportunity.stage)
    return Decimal("0.00") if required else None


def _totals(opportunity: Opportunity) -> dict[str, Any]:
    """The opportunity's amount and days as the lines add up; nothing while there are none."""
    rows = list(opportunity.estimate_lines.values_list("amount", "days"))
    if not rows:
        return {}
    return {
        "amount": _total(opportunity, "amount", (amount for amount, _days in rows)),
        "days": _total(opportunity, "days", (days for _amount, days in rows)),
    }


# -- lines ----------------------------------------------------------------------------------


class LineValues(TypedDict, total=False):
    """A line's fields as a door read them (the sheet's form, the API's schema); those not
    given stay as they are. A number given as None empties it."""

    sale_type: int
    label: str
    quantity: Decimal | None
    unit_price: Decimal | None
    days: Decimal | None
    amount: Decimal | None
    # One of `Recurrence`; "" is one-off.
    recurrence: str
    custom_1: str
    custom_2: str
    custom_3: str
    custom_4: str


def _number(name: str, value: Decimal | None, errors: dict[str, list[str]]) -> Decimal | None:
    """`value` if its column holds it: at most its digits, zero or more."""
    if value is None:
        return None
    field = EstimateLine._meta.get_field(name)
    assert isinstance(field, models.DecimalField)
    if not value.is_finite() or value < 0:
        errors[name] = [_("A number of zero or more is expected.")]
        return None
    try:
        checked: Decimal = field.clean(value, None)
    except ValidationError as exc:
        errors[name] = [str(message) for message in exc.messages]
        return None
    return checked


def _text(name: str, value: str, errors: dict[str, list[str]]) -> str:
    text = value.strip()
    field = EstimateLine._meta.get_field(name)
    assert isinstance(field, models.CharField)
    limit = field.max_length or 200
    if len(text) > limit:
        errors[name] = [_("At most %(count)d characters.") % {"count": limit}]
    return text


def _sale_type(key: int, errors: dict[str, list[str]]) -> SaleType | None:
    found = SaleType.objects.filter(pk=key).first()
    if found is None:
        errors["sale_type"] = [_("Choose a sale type.")]
    return found


def _apply(line: EstimateLine, values: LineValues) -> None:
    """Checks `values` and writes them on `line` (not saved); InvalidInput names each fault."""
    errors: dict[str, list[str]] = {}
    if "sale_type" in values:
        sale_type = _sale_type(values["sale_type"], errors)
        if sale_type is not None:
            line.sale_type = sale_type
    for name in _TEXTS:
        if name in values:
            setattr(line, name, _text(name, values[name], errors))  # type: ignore[literal-required]
    for name in _NUMBERS:
        if name in values:
            setattr(line, name, _number(name, values[name], errors))  # type: ignore[literal-required]
    if "recurrence" in values:
        recurrence = values["recurrence"] or Recurrence.ONE_OFF
        if recurrence not in Recurrence.values:
            errors["recurrence"] = [_("Choose a recurrence.")]
        else:
            line.recurrence = recurrence
    if errors:
        raise InvalidInput(errors)
    _follow_mode(line)


def _follow_mode(line: EstimateLine) -> None:
    """Empties what the sale type doesn't take; quantity x unit price gives the amount."""
    mode = line.sale_type.mode
    taken = MODE_FIELDS.get(mode, frozenset())
    for name in _NUMBERS:
        if name not in taken and not (name == "amount" and mode == SaleTypeMode.QUANTITY):
            setattr(line, name, None)
    if mode == SaleTypeMode.QUANTITY:
        if line.quantity is None or line.unit_price is None:
            line.amount = None
        else:
            amount = to_cents(line.quantity * line.unit_price)
            if not _fits("amount", amount):
                raise InvalidInput({"amount": [_("Quantity × unit price is too large.")]})
            line.amount = amount


def _line(user: Collaborator, line_id: int) -> EstimateLine:
    queryset = EstimateLine.objects.select_related("sale_type")
    return access.get(user, queryset, line_id)


def _next_position(opportunity: Opportunity) -> int:
    last = opportunity.estimate_lines.aggregate(last=models.Max("position"))["last"]
    return 0 if last is None else last + 1


def _lines_editable(
    user: Collaborator, opportunity_id: int, version: int | None
) -> tuple[Opportunity, int]:
    """The opportunity whose lines change, with the version checked: it must be detailed."""
    opportunity = load(user, opportunity_id)
    checked = check_version(opportunity, version)
    _require_detailed(opportunity)
    return opportunity, checked


def _commit_totals(user: Collaborator, opportunity: Opportunity, version: int) -> Opportunity:
    return save(user, opportunity, version, _totals(opportunity))


@transaction.atomic
def line_add(
    *,
    user: Collaborator,
    opportunity_id: int,
    version: int | None,
    values: LineValues | None = None,
) -> EstimateLine:
    """*+ Line*: a new line at the end of the table; the first sale type unless one is given."""
    opportunity, checked = _lines_editable(user, opportunity_id, version)
    values = values or LineValues()
    line = EstimateLine(opportunity=opportunity, position=_next_position(opportunity))
    if "sale_type" not in values:
        first = SaleType.objects.order_by("name", "id").first()
        if first is None:
            raise InvalidInput({"sale_type": [_("No sale type is configured yet.")]})
        line.sale_type = first
    _apply(line, values)
    line.save()
    _commit_totals(user, opportunity, checked)
    return line


@transaction.atomic
def line_update(
    *, user: Collaborator, line_id: int, version: int | None, values: LineValues
) -> EstimateLine:
    """Changes the given fields of a line; the opportunity's totals follow."""
    line = _line(user, line_id)
    opportunity, checked = _lines_editable(user, line.opportunity_id, version)
    _apply(line, values)
    line.save()
    _commit_totals(user, opportunity, checked)
    return line


@transaction.atomic
def line_duplicate(*, user: Collaborator, line_id: int, version: int | None) -> EstimateLine:
    """A copy of a line, right below it."""
    original = _line(user, line_id)
    opportunity, checked = _lines_editable(user, original.opportunity_id, version)
    opportunity.estimate_lines.filter(position__gt=original.position).update(
        position=F("position") + 1
    )
    copy = EstimateLine.objects.get(pk=original.pk)
    copy.pk = None
    copy.position = original.position + 1
    copy.save()
    _commit_totals(user, opportunity, checked)
    return copy


@transaction.atomic
def line_delete(*, user: Collaborator, line_id: int, version: int | None) -> Opportunity:
    """Deletes a line (the page asks for a confirmation first)."""
    line = _line(user, line_id)
    opportunity, checked = _lines_editable(user, line.opportunity_id, version)
    line.delete()
    return _commit_totals(user, opportunity, checked)


# -- mode and currency ------------------------------------------------------------------------


@transaction.atomic
def estimate_use_detailed(
    *, user: Collaborator, opportunity_id: int, version: int | None
) -> Opportunity:
    """The table of lines; the general values stay in its TOTAL row until lines are entered."""
    opportunity = load(user, opportunity_id)
    checked = check_version(opportunity, version)
    if opportunity.estimate_mode == EstimateMode.DETAILED:
        return opportunity
    return save(user, opportunity, checked, {"estimate_mode": EstimateMode.DETAILED})


@transaction.atomic
def estimate_use_general(
    *, user: Collaborator, opportunity_id: int, version: int | None
) -> Opportunity:
    """Back to a general estimate: the lines are discarded, their totals stay as the estimate."""
    opportunity = load(user, opportunity_id)
    checked = check_version(opportunity, version)
    if opportunity.estimate_mode == EstimateMode.GENERAL:
        return opportunity
    opportunity.estimate_lines.all().delete()
    return save(user, opportunity, checked, {"estimate_mode": EstimateMode.GENERAL})


@transaction.atomic
def estimate_set_currency(
    *, user: Collaborator, opportunity_id: int, version: int | None, currency: str
) -> Opportunity:
    """The currency of the whole table, chosen from its TOTAL row (amounts are not converted)."""
    opportunity = load(user, opportunity_id)
    checked = check_version(opportunity, version)
    code = currency.strip().upper() if isinstance(currency, str) else ""
    found = Currency.objects.filter(pk=code).first() if code else None
    if found is None:
        raise InvalidInput(
            {"currency": [_("No currency with code %(code)s.") % {"code": currency}]}
        )
    if found.pk == opportunity.currency_id:
        return opportunity
    return save(user, opportunity, checked, {"currency": found})
