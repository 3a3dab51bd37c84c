"""Checking the field values of an opportunity a door read (SPEC O2, P4, S2).

Every door reads what it received into `OpportunityValues` (a page's form, the API's
schema, an import's cells): numbers as `Decimal`, dates as `date`, references as ids. The
same checks then apply whatever the door: the model field's own validation (lengths,
decimals >= 0 within their digits, emails), phone numbers, and the references: the account
of the opportunity's company, a contact of that account, a salesperson scoped on that
company, tags of kind opportunity. A value of the wrong type is refused, never converted.
Unknown ids get the same message whether they don't exist or belong to another company.
Closed accounts and contacts are refused to users without the `show_closed` right (A2),
unless the opportunity already had them.

Choosing a contact fills the phone, mobile, function and email that the values don't give
and the opportunity doesn't have yet, as the form does (O2).
"""

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from salespipe.customers.models import Account, Contact
from salespipe.lib.errors import InvalidInput
from salespipe.lib.validators import validate_phone
from salespipe.org import access
from salespipe.org.models import Collaborator, Company, Currency
from salespipe.pipeline.models import Opportunity, Tag, TagKind

# The fields of P4 a user writes, as `values` keys. References are ids (currency: its code).
WRITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "account",
    "amount",
    "currency",
    "days",
    "salesperson",
    "contact",
    "phone",
    "mobile",
    "function",
    "email",
    "expected_signature_date",
    "tags",
    "description",
)
CONTACT_DETAILS: tuple[str, ...] = ("phone", "mobile", "function", "email")
_TEXT_FIELDS = frozenset({"name", "phone", "mobile", "function", "email", "description"})
_REQUIRED_ON_CREATE = ("name", "account")


class OpportunityValues(TypedDict, total=False):
    """The fields of P4 a user writes, as a door read them; only those given change.

    None empties a field that may be empty; a blank text does the same for a text."""

    name: str
    account: int | None
    amount: Decimal | None
    currency: str
    days: Decimal | None
    salesperson: int | None
    contact: int | None
    phone: str
    mobile: str
    function: str
    email: str
    expected_signature_date: dt.date | None
    tags: list[int]
    description: str


class OpportunityChanges(OpportunityValues, total=False):
    """What the sheet (S2) changes: the values, and the portfolio of an open opportunity."""

    portfolio: int


def _id(value: object) -> int | None:
    """An id as a door read it: an int, never a bool nor text."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Known:
    """The rows that values point at, read once for them all (one opportunity's values, or
    an import's batch) and only those the user may pick: accounts of the company his rights
    open, contacts likewise (their account is checked by the cleaner), active salespeople of
    the company, currencies. A key missing here was not found, or may not be picked."""

    accounts: Mapping[int, Account]
    contacts: Mapping[int, Contact]
    salespeople: Mapping[int, Collaborator]
    currencies: Mapping[str, Currency]


def known_references(
    many: Sequence[OpportunityValues],
    *,
    user: Collaborator,
    company: Company,
    kept: Opportunity | None = None,
) -> Known:
    """`Known` for the values in `many`: a query per kind of reference they name, whatever
    their number. `kept` is the opportunity they change, if any: the account and contact it
    already has stay allowed even when the user's rights would hide them (A2)."""

    def keys(name: str) -> set[int]:
        return {
            key
            for values in many
            if isinstance(values, Mapping)
            for key in [_id(values.get(name))]
            if key is not None
        }

    def choosable(model: type[Account] | type[Contact], wanted: set[int], current: int | None) -> Q:
        """Among the ids named, the rows the user may pick: those his rights open, and the
        one the opportunity already has."""
        hidden = access.hidden_rows(user, model)
        chosen = Q(pk__in=wanted) if hidden is None else Q(pk__in=wanted) & ~hidden
        return (chosen | Q(pk=current)) if current in wanted else chosen

    codes = {
        raw.strip().upper()
        for values in many
        if isinstance(values, Mapping)
        for raw in [values.get("currency")]
        if isinstance(raw, str)
    }

    def read[K, M: models.Model](wanted: set[K], rows: Callable[[], Iterable[M]]) -> dict[K, M]:
        # A kind of reference no value names is not looked up: a move that only changes
        # the stage reads none.
        return {row.pk: row for row in rows()} if wanted else {}

    accounts, contacts, salespeople = keys("account"), keys("contact"), keys("salesperson")
    return Known(
        accounts=read(
            accounts,
            lambda: Account.objects.filter(
                choosable(Account, accounts, kept.account_id if kept else None), company=company
            ),
        ),
        contacts=read(
            contacts,
            lambda: Contact.objects.select_related("account").filter(
                choosable(Contact, contacts, kept.contact_id if kept else None),
                account__company=company,
            ),
        ),
        salespeople=read(
            salespeople,
            lambda: Collaborator.objects.filter(
                pk__in=salespeople, companies=company, is_active=True
            ),
        ),
        currencies=read(codes, lambda: Currency.objects.filter(pk__in=codes)),
    )


class _Cleaner:
    def __init__(self, company: Company, known: Known) -> None:
        self.company = company
        # Every reference the values name that the user may pick, read beforehand.
        self.known = known
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def model_field(self, name: str, raw: object) -> Any:
        field = Opportunity._meta.get_field(name)
        assert isinstance(field, models.Field)
        if not self.typed(name, field, raw):
            return None
        if isinstance(raw, str):
            raw = raw.strip()
        try:
            value = field.clean(raw, None)
            if name in {"phone", "mobile"}:
                validate_phone(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.fail(name, str(message))
            return None
        if isinstance(value, Decimal) and (not value.is_finite() or value < 0):
            self.fail(name, _("A number of zero or more is expected."))
            return None
        if name == "name" and not value:
            self.fail(name, _("The call name is required."))
        return value

    def typed(self, name: str, field: models.Field[Any, Any], raw: object) -> bool:
        """Whether `raw` is of the type `OpportunityValues` gives the field; said if not."""
        if name in _TEXT_FIELDS:
            if isinstance(raw, str):
                return True
            self.fail(name, _("A text is expected."))
        elif isinstance(field, models.DecimalField):
            if raw is None or (isinstance(raw, Decimal | int) and not isinstance(raw, bool)):
                return True
            self.fail(name, _("A number is expected."))
        elif isinstance(field, models.DateField):
            if raw is None or (isinstance(raw, dt.date) and not isinstance(raw, dt.datetime)):
                return True
            self.fail(name, _("A date is expected."))
        return False

    def account(self, raw: object) -> Account | None:
        if raw is None:
            self.fail("account", _("The account is required."))
            return None
        key = _id(raw)
        found = self.known.accounts.get(key) if key else None
        if found is None:
            self.fail(
                "account",
                _("No account with id %(id)s among those of %(company)s.")
                % {"id": raw, "company": self.company},
            )
        return found

    def contact(self, raw: object) -> Contact | None:
        if raw is None:
            return None
        key = _id(raw)
        found = self.known.contacts.get(key) if key else None
        if found is None or found.account.company_id != self.company.pk:
            self.fail("contact", _("No contact with id %(id)s.") % {"id": raw})
            return None
        return found

    def salesperson(self, raw: object) -> Collaborator | None:
        if raw is None:
            self.fail("salesperson", _("The salesperson is required."))
            return None
        key = _id(raw)
        found = self.known.salespeople.get(key) if key else None
        if found is None:
            self.fail(
                "salesperson",
                _("No collaborator with id %(id)s among those of %(company)s.")
                % {"id": raw, "company": self.company},
            )
        return found

    def currency(self, raw: object) -> Currency | None:
        if raw is None or raw == "":
            self.fail("currency", _("The currency is required."))
            return None
        # A code names its currency whatever its case.
        code = raw.strip().upper() if isinstance(raw, str) else None
        found = self.known.currencies.get(code) if code else None
        if found is None:
            self.fail("currency", _("No currency with code %(code)s.") % {"code": raw})
        return found

    def tags(self, raw: object) -> list[Tag] | None:
        if raw is None:
            return []
        if not isinstance(raw, list | tuple):
            self.fail("tags", _("A list of tag ids is expected."))
            return None
        parsed = [_id(item) for item in raw]
        if None in parsed:
            self.fail("tags", _("A list of tag ids is expected."))
            return None
        keys = list(dict.fromkeys(key for key in parsed if key is not None))
        found = {tag.pk: tag for tag in Tag.objects.filter(pk__in=keys)}
        tags = []
        for key in keys:
            tag = found.get(key)
            if tag is None:
                self.fail("tags", _("No tag with id %(id)s.") % {"id": key})
            elif tag.kind != TagKind.OPPORTUNITY:
                self.fail("tags", _("%(tag)s is not an opportunity tag.") % {"tag": tag})
            else:
                tags.append(tag)
        return tags


def clean_values(
    values: OpportunityValues | None,
    *,
    user: Collaborator,
    company: Company,
    allowed: Collection[str] = WRITABLE_FIELDS,
    opportunity: Opportunity | None = None,
    creating: bool = False,
    known: Known | None = None,
) -> dict[str, Any]:
    """The checked values, keyed like `values`: references become objects, tags a list.

    `company` is the opportunity's (or the portfolio's, on creation); `allowed` the keys this
    door may set; `known` the references read beforehand for many values. Raises
    `InvalidInput` naming every field at fault; reads only.
    """
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise InvalidInput({"__all__": [_("The fields must be given as names and values.")]})
    misplaced: dict[str, list[str]] = {}
    for name in values:
        if name not in WRITABLE_FIELDS:
            misplaced[str(name)] = [_("Unknown field.")]
        elif name not in allowed:
            misplaced[name] = [_("This field can't be set here.")]
    if creating:
        for name in _REQUIRED_ON_CREATE:
            if name not in values:
                misplaced[name] = [_("This field is required.")]
    if misplaced:
        raise InvalidInput(misplaced)
    if known is None:
        known = known_references([values], user=user, company=company, kept=opportunity)
    cleaner = _Cleaner(company, known)

    cleaned: dict[str, Any] = {}
    for name, raw in values.items():
        match name:
            case "account":
                cleaned[name] = cleaner.account(raw)
            case "contact":
                cleaned[name] = cleaner.contact(raw)
            case "salesperson":
                cleaned[name] = cleaner.salesperson(raw)
            case "currency":
                cleaned[name] = cleaner.currency(raw)
            case "tags":
                cleaned[name] = cleaner.tags(raw)
            case _:
                cleaned[name] = cleaner.model_field(name, raw)
    _check_contact_of_account(cleaner, cleaned, opportunity)
    if cleaner.errors:
        raise InvalidInput(cleaner.errors)
    _fill_from_contact(cleaned, values, opportunity)
    return cleaned


def _check_contact_of_account(
    cleaner: _Cleaner, cleaned: dict[str, Any], opportunity: Opportunity | None
) -> None:
    """The contact must be one of the account's, whichever of the two changes (O2)."""
    if "account" not in cleaned and "contact" not in cleaned:
        return
    account = cleaned.get("account")
    account_id = account.pk if account is not None else None
    if "account" not in cleaned and opportunity is not None:
        account_id = opportunity.account_id
    if "contact" in cleaned:
        contact = cleaned["contact"]
        contact_account_id = contact.account_id if contact is not None else None
    elif opportunity is not None and opportunity.contact is not None:
        contact_account_id = opportunity.contact.account_id
    else:
        return
    if (
        contact_account_id is not None
        and account_id is not None
        and contact_account_id != account_id
    ):
        cleaner.fail("contact", _("The contact must be one of the account's contacts."))


def _fill_from_contact(
    cleaned: dict[str, Any], values: OpportunityValues, opportunity: Opportunity | None
) -> None:
    contact = cleaned.get("contact")
    if contact is None:
        return
    if opportunity is not None and opportunity.contact_id == contact.pk:
        return
    for name in CONTACT_DETAILS:
        if name in values:
            continue
        current = getattr(opportunity, name) if opportunity is not None else ""
        offered = getattr(contact, name)
        if not current and offered:
            cleaned[name] = offered
