"""The fields of an opportunity as the creation form (O2) and the sheet's left column (S2) draw
them, and what a posted form means.

Both pages post text, read into the services' types by `values.read_values`; the services
check it. This module turns an opportunity, or what was posted, into `FormField`s a
template draws (value, label, errors), and chooses which of the posted fields to send:

- the creation form posts every field; a name typed in an autocomplete without choosing a
  suggestion is an error of its own, so that nothing typed is silently dropped;
- the sheet posts, beside each field, the value it was drawn with (`orig-<name>`). Only the
  fields whose value differs are sent to `opportunity_update`, so that a field the user
  didn't touch is never written back. When someone else saved in between (`StaleVersion`),
  the same originals tell which fields they changed: the form comes back with their values
  where the user typed nothing, and with both values where both changed.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from salespipe.lib.parse import decimal, integer
from salespipe.org.models import Collaborator, Company, Currency
from salespipe.pipeline.models import (
    EstimateMode,
    Opportunity,
    Portfolio,
    Stage,
    Tag,
    TagKind,
)
from salespipe.pipeline.services.rules import open_stages
from salespipe.pipeline.services.values import WRITABLE_FIELDS
from salespipe.web.templatetags.display import currency_name, days, money, short_date

# P4's writable fields after the name and the account, in the order both pages draw them.
_DETAIL_FIELDS: tuple[str, ...] = tuple(
    name for name in WRITABLE_FIELDS if name not in ("name", "account")
)
# The sheet's left column, in the order it is drawn (P4's writable fields and the portfolio).
SHEET_FIELDS: tuple[str, ...] = ("name", "account", "portfolio", *_DETAIL_FIELDS)
# The creation form, in the order of O2 (portfolio and stage are drawn apart).
CREATE_FIELDS: tuple[str, ...] = ("account", "name", *_DETAIL_FIELDS)
AUTOCOMPLETES = ("account", "salesperson", "contact")
FIGURES = ("amount", "currency", "days")
_WIDGETS = {
    "name": "text",
    "amount": "number",
    "days": "number",
    "currency": "select",
    "portfolio": "select",
    "phone": "tel",
    "mobile": "tel",
    "function": "text",
    "email": "email",
    "expected_signature_date": "date",
    "description": "textarea",
    "tags": "tags",
    "account": "autocomplete",
    "salesperson": "autocomplete",
    "contact": "autocomplete",
}
_DECIMALS = frozenset({"amount", "days"})


def field_label(name: str) -> str:
    model_field = Opportunity._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return str(capfirst(model_field.verbose_name))


@dataclass
class Conflict:
    """A field both the user and someone else changed: their value and the one typed."""

    theirs: str
    yours: str


@dataclass
class FormField:
    name: str
    label: str
    widget: str
    input_id: str
    value: str = ""
    # What an autocomplete shows for its id; what a read-only field shows.
    text: str = ""
    tags: list[Tag] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    # The value the sheet drew, posted back as `orig-<name>`; None on the creation form.
    orig: str | None = None
    errors: list[str] = field(default_factory=list)
    conflict: Conflict | None = None
    changed_by_others: bool = False
    required: bool = False
    help: str = ""
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def tag_ids(self) -> str:
        return ",".join(str(tag.pk) for tag in self.tags)


# -- values as text -------------------------------------------------------------------------


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def stored_value(opportunity: Opportunity, name: str) -> str:
    """A field of `opportunity` as a form holds it: ids, codes, ISO dates, plain decimals."""
    if name == "tags":
        return ",".join(sorted(str(tag.pk) for tag in opportunity.tags.all()))
    if name in {"account", "salesperson", "contact", "portfolio", "currency"}:
        key = getattr(opportunity, f"{name}_id")
        return "" if key is None else str(key)
    value = getattr(opportunity, name)
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def stored_text(opportunity: Opportunity, name: str) -> str:
    """A field of `opportunity` as a user reads it."""
    if name == "tags":
        return ", ".join(tag.name for tag in opportunity.tags.all())
    if name == "contact":
        return opportunity.contact.full_name if opportunity.contact else ""
    if name in {"account", "salesperson", "portfolio", "currency"}:
        related = getattr(opportunity, name)
        return "" if related is None else str(related)
    if name == "amount":
        return money(opportunity.amount, opportunity.currency_id)
    if name == "days":
        return days(opportunity.days)
    if name == "expected_signature_date":
        return short_date(opportunity.expected_signature_date)
    return stored_value(opportunity, name)


def same(name: str, first: str, second: str) -> bool:
    """Whether two form values of field `name` mean the same thing."""
    first, second = (first or "").strip(), (second or "").strip()
    if name == "tags":
        return _id_set(first) == _id_set(second)
    if name in _DECIMALS and first and second:
        left, right = decimal(first), decimal(second)
        if left is not None and right is not None:
            return left == right
    return first == second


def _id_set(text: str) -> set[str]:
    return {item.strip() for item in text.split(",") if item.strip()}


def posted_value(data: QueryDict, name: str) -> str:
    if name == "tags":
        return ",".join(item.strip() for item in data.getlist("tags") if item.strip())
    return data.get(name, "")


def changed_values(
    data: QueryDict, names: Iterable[str] = SHEET_FIELDS
) -> dict[str, str | list[str]]:
    """The sheet's fields whose posted value differs from the one drawn, as text, for
    `values.read_values`.

    A field not posted at all (read-only, or drawn elsewhere) is left out; a field posted
    without its original is taken as changed.
    """
    values: dict[str, str | list[str]] = {}
    for name in names:
        present = "tags-present" in data if name == "tags" else name in data
        if not present:
            continue
        typed = posted_value(data, name)
        orig = data.get(f"orig-{name}")
        if orig is not None and same(name, typed, orig):
            continue
        if name == "tags":
            values[name] = [item for item in typed.split(",") if item]
        else:
            values[name] = typed
    return values


def unchosen_errors(data: QueryDict, names: Iterable[str] = AUTOCOMPLETES) -> dict[str, list[str]]:
    """A name typed in an autocomplete without choosing one of its suggestions."""
    errors: dict[str, list[str]] = {}
    for name in names:
        if name not in data:
            continue
        if not data.get(name, "").strip() and data.get(f"{name}_label", "").strip():
            errors[name] = [_("Choose one of the suggestions, or clear the field.")]
    return errors


def create_values(data: QueryDict) -> dict[str, str | list[str]]:
    """What the creation form posted, as text, for `values.read_values`.

    An empty field is left out, as if not given: the service's defaults apply (the user as
    salesperson, the company's currency) and a contact chosen fills the details left empty.
    The call name and the account are always given, so that their absence is an error.
    """
    values: dict[str, str | list[str]] = {}
    for name in CREATE_FIELDS:
        if name == "tags":
            tags = [item for item in data.getlist("tags") if item.strip()]
            if tags:
                values["tags"] = tags
            continue
        raw = data.get(name, "")
        if raw.strip() or name in {"name", "account"}:
            values[name] = raw
    return values


# -- building fields ------------------------------------------------------------------------


class FieldsBuilder:
    """Draws the fields of one opportunity's company, from a record or from posted text."""

    def __init__(
        self,
        user: Collaborator,
        company: Company,
        *,
        prefix: str,
        data: QueryDict | None = None,
        errors: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.user = user
        self.company = company
        self.prefix = prefix
        self.data = data
        self.errors = {
            name: [str(m) for m in messages] for name, messages in (errors or {}).items()
        }
        self._currencies: list[tuple[str, str]] | None = None

    # -- the pieces -----------------------------------------------------------------------

    def currencies(self) -> list[tuple[str, str]]:
        if self._currencies is None:
            self._currencies = [
                (c.code, f"{c.code} — {currency_name(c)}") for c in Currency.objects.all()
            ]
        return self._currencies

    def attrs(self, name: str) -> dict[str, str]:
        """What an autocomplete asks its endpoint, and what choosing fills or clears."""
        if name == "account":
            return {
                "data-source": f"{reverse('customers:account_lookup')}?company={self.company.pk}",
                "data-create-url": (
                    f"{reverse('customers:account_quick')}?company={self.company.pk}"
                ),
                "data-clears": "contact",
            }
        if name == "contact":
            template = reverse("customers:contact_lookup", args=[0]).replace("/0/", "/{id}/")
            create = reverse("customers:contact_quick", args=[0]).replace("/0/", "/{id}/")
            return {
                "data-source": template,
                "data-create-url": create,
                "data-depends": "account",
                "data-fill": "phone mobile function email",
            }
        if name == "salesperson":
            source = reverse("pipeline:lookup_salespeople")
            return {"data-source": f"{source}?company={self.company.pk}"}
        if name == "tags":
            edit = reverse("pipeline:tag_edit", args=[0]).replace("/0/", "/{id}/")
            return {
                "data-source": reverse("pipeline:tags"),
                "data-create-url": reverse("pipeline:tags"),
                "data-edit-url": edit,
            }
        return {}

    def make(
        self, name: str, value: str, text: str = "", tags: list[Tag] | None = None
    ) -> FormField:
        result = FormField(
            name=name,
            label=field_label(name),
            widget=_WIDGETS.get(name, "text"),
            input_id=f"{self.prefix}{name}",
            value=value,
            text=text,
            tags=tags or [],
            errors=list(self.errors.get(name, [])),
            required=name in {"name", "account"},
            attrs=self.attrs(name),
        )
        if name == "currency":
            result.choices = self.currencies()
        if name == "tags":
            result.help = _("Type a letter, or press F2 for every tag.")
        return result

    def posted(self, name: str) -> FormField:
        """A field as posted: what was typed stays."""
        assert self.data is not None
        data = self.data
        value = posted_value(data, name)
        tags = _tags_of(value) if name == "tags" else None
        return self.make(name, value, data.get(f"{name}_label", ""), tags)

    def stored(self, opportunity: Opportunity, name: str) -> FormField:
        tags = list(opportunity.tags.all()) if name == "tags" else None
        return self.make(
            name, stored_value(opportunity, name), stored_text(opportunity, name), tags
        )


def _tags_of(ids: str) -> list[Tag]:
    keys = [key for key in map(integer, _id_set(ids)) if key is not None]
    return list(Tag.objects.filter(pk__in=keys, kind=TagKind.OPPORTUNITY).order_by("name"))


def sheet_fields(
    user: Collaborator,
    opportunity: Opportunity,
    *,
    data: QueryDict | None = None,
    errors: Mapping[str, Iterable[str]] | None = None,
    current: Opportunity | None = None,
) -> list[FormField]:
    """The left column of the sheet (S2).

    With `data` (a refused save), the typed values stay. With `current` (the opportunity as
    someone else saved it, after `StaleVersion`), fields the user didn't change take the
    current value, fields both changed show both values, and the originals become the
    current values, so that saving again overwrites knowingly.
    """
    shown = current or opportunity
    builder = FieldsBuilder(user, opportunity.company, prefix="sheet-", data=data, errors=errors)
    typed = changed_values(data) if data is not None else {}
    fields = []
    for name in SHEET_FIELDS:
        if name in FIGURES and shown.estimate_mode == EstimateMode.DETAILED:
            fields.append(_from_estimate(builder, shown, name))
            continue
        if name == "portfolio":
            fields.append(_portfolio_field(builder, shown, user_changed="portfolio" in typed))
            continue
        if data is not None and name in typed:
            item = builder.posted(name)
        else:
            item = builder.stored(shown, name)
        item.orig = stored_value(shown, name)
        if current is not None and data is not None:
            _mark_conflict(item, data, current, name, name in typed)
        fields.append(item)
    return fields


def _from_estimate(builder: FieldsBuilder, opportunity: Opportunity, name: str) -> FormField:
    """With a detailed estimate, amount, days and currency follow the lines (S3)."""
    item = builder.make(name, stored_value(opportunity, name), stored_text(opportunity, name))
    item.widget = "static"
    item.help = _("From the detailed estimate, in the Amounts tab.")
    return item


def _portfolio_field(
    builder: FieldsBuilder, opportunity: Opportunity, *, user_changed: bool
) -> FormField:
    item = builder.make("portfolio", str(opportunity.portfolio_id), str(opportunity.portfolio))
    if not opportunity.is_open:
        item.widget = "static"
        item.help = _("A closed opportunity changes portfolio by being reused.")
        return item
    portfolios = Portfolio.objects.filter(
        company_id=opportunity.company_id, template_id=opportunity.stage.template_id
    ).order_by("name")
    item.choices = [(str(p.pk), p.name) for p in portfolios]
    if builder.data is not None and user_changed:
        item.value = builder.data.get("portfolio", "")
    item.orig = str(opportunity.portfolio_id)
    return item


def _mark_conflict(
    item: FormField, data: QueryDict, current: Opportunity, name: str, user_changed: bool
) -> None:
    before = data.get(f"orig-{name}")
    now = stored_value(current, name)
    if before is None or same(name, before, now):
        return
    if not user_changed:
        item.changed_by_others = True
        return
    if same(name, posted_value(data, name), now):
        return
    item.conflict = Conflict(
        theirs=stored_text(current, name) or "—", yours=_typed_text(item) or "—"
    )


def _typed_text(item: FormField) -> str:
    if item.widget == "tags":
        return ", ".join(tag.name for tag in item.tags)
    if item.widget == "autocomplete":
        return item.text
    if item.widget == "select":
        return dict(item.choices).get(item.value, item.value)
    return item.value


def stage_choices(portfolio: Portfolio) -> tuple[list[Stage], Stage | None]:
    """The open stages of a portfolio, and the one a new opportunity starts in (O3)."""
    stages = open_stages(portfolio.template)
    default = next((s for s in stages if s.pk == portfolio.default_stage_id), None)
    return stages, default or (stages[0] if stages else None)
