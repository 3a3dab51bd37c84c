"""Creating and changing accounts and contacts: one function per change, for every door.

Each door reads what it received into `AccountValues` or `ContactValues` (the API with its
schemas, the admin with its model forms, an import from its cells, the opportunity form's
*Create* from the name typed); only the fields given change. Values are validated by the
model's own validators (`full_clean`), so that every door accepts and refuses exactly the
same things. A value of the wrong type, or bad, raises `InvalidInput` with the messages per
field, and nothing is written.
"""

from collections.abc import Mapping
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum.fr import siren as siren_number

from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.lib.errors import InvalidInput
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.org.rights import Right, require


class AccountValues(TypedDict, total=False):
    """An account's fields a user writes (SPEC A1): its kind is an `AccountKind`."""

    name: str
    kind: str
    siren: str
    phone: str
    email: str
    is_closed: bool


class ContactValues(TypedDict, total=False):
    """A contact's fields a user writes."""

    first_name: str
    last_name: str
    phone: str
    mobile: str
    function: str
    email: str
    is_closed: bool


ACCOUNT_FIELDS = frozenset(AccountValues.__annotations__)
CONTACT_FIELDS = frozenset(ContactValues.__annotations__)


def split_name(full_name: str) -> tuple[str, str]:
    """A contact's full name as typed, as first and last names: "Marie Dupont" is Marie
    Dupont; the first word is the first name and the rest the last name, so that particles
    stay with it ("Anne de La Tour"); a single word is a last name."""
    words = full_name.split()
    if len(words) < 2:
        return "", " ".join(words)
    return words[0], " ".join(words[1:])


def _check_names(values: Mapping[str, object], allowed: frozenset[str]) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise InvalidInput({name: [_("This field can't be set here.")] for name in unknown})


def _normalised(values: Mapping[str, object]) -> dict[str, Any]:
    """Values as stored: text trimmed, a SIREN without its spaces; text no database holds
    refused, and a value of the wrong type."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if name == "is_closed":
            if not isinstance(value, bool):
                errors[name] = [_("Yes or no is expected.")]
                continue
        elif value is not None and not isinstance(value, str):
            errors[name] = [_("A text is expected.")]
            continue
        if isinstance(value, str):
            if "\x00" in value or not _encodable(value):
                errors[name] = [_("This text holds characters that can't be stored.")]
                continue
            value = value.strip()
            if name == "siren":
                value = siren_number.compact(value)
        elif value is None:
            errors[name] = [_("This field can't be empty (null).")]
            continue
        cleaned[name] = value
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate, from a JSON "\ud800" escape
        return False
    return True


# The derived search keys are checked too (a name whose key outgrows its column must be
# refused, not crash); their errors are told on the field a user typed.
_KEY_FIELDS = {"name_key": "name", "phone_key": "phone"}
_EMPTY_CODES = {"blank", "null", "required"}


def _save_validated(
    record: Account | Contact, *, integrity_error: dict[str, list[str]] | None = None
) -> None:
    """full_clean, then save; a uniqueness race lost to another writer is still a clean error."""
    record.refresh_keys()
    try:
        record.full_clean()
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for name, problems in exc.error_dict.items():
            found = errors.setdefault(_KEY_FIELDS.get(name, name), [])
            for problem in problems:
                # An empty field is said the one way the other forms say it.
                if problem.code in _EMPTY_CODES:
                    found.append(_("This field is required."))
                else:
                    found.extend(problem.messages)
        raise InvalidInput(errors) from None
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        if integrity_error is None:
            raise
        raise InvalidInput(integrity_error) from None


def _siren_taken(account: Account) -> bool:
    if not account.siren:
        return False
    others = Account.objects.filter(company_id=account.company_id, siren=account.siren)
    if account.pk is not None:
        others = others.exclude(pk=account.pk)
    return others.exists()


def _save_account(account: Account) -> None:
    taken = {"siren": [_("An account of this company already has this SIREN.")]}
    # Checked before full_clean, whose message for a conditional constraint names the constraint.
    if _siren_taken(account):
        raise InvalidInput(taken)
    _save_validated(account, integrity_error=taken)


def _changed[M: Account | Contact](
    user: Collaborator,
    model: type[M],
    pk: int,
    values: AccountValues | ContactValues,
    allowed: frozenset[str],
) -> M:
    """Object `pk`, locked for the change, with the given fields set but not saved yet."""
    _check_names(values, allowed)
    cleaned = _normalised(values)
    obj = access.get(user, model, pk, for_update=True)
    for name, value in cleaned.items():
        setattr(obj, name, value)
    return obj


@transaction.atomic
def account_create(
    *, user: Collaborator, company_id: int, values: AccountValues, quick: bool = False
) -> Account:
    """A new account of company `company_id` (SPEC A1), for a user with `quick_account`.

    The product creates accounts only through the opportunity form's *Create* (SPEC O2),
    which that right opens: every other door (API, admin, import) asks the same right
    (SEC1). `quick=True` is that *Create*, which always makes a prospect.
    """
    _check_names(values, ACCOUNT_FIELDS)
    cleaned = _normalised(values)
    if company_id not in access.company_ids(user):
        # A value the caller chose, not the object addressed: invalid, worded as for an unknown id.
        raise InvalidInput({"company": [_("No company with id %(id)s.") % {"id": company_id}]})
    require(user, Right.QUICK_ACCOUNT)
    if quick and cleaned.setdefault("kind", AccountKind.PROSPECT) != AccountKind.PROSPECT:
        raise InvalidInput({"kind": [_("A quick creation makes a prospect.")]})
    account = Account(company_id=company_id, **cleaned)
    _save_account(account)
    return account


@transaction.atomic
def account_update(*, user: Collaborator, account_id: int, values: AccountValues) -> Account:
    """Changes the given fields of an account; its company never changes."""
    account = _changed(user, Account, account_id, values, ACCOUNT_FIELDS)
    _save_account(account)
    return account


@transaction.atomic
def contact_create(*, user: Collaborator, account_id: int, values: ContactValues) -> Contact:
    """A new contact of account `account_id`."""
    _check_names(values, CONTACT_FIELDS)
    cleaned = _normalised(values)
    try:
        account = access.get(user, Account, account_id)
    except access.OutOfScope:
        raise InvalidInput(
            {"account": [_("No account with id %(id)s.") % {"id": account_id}]}
        ) from None
    contact = Contact(account=account, **cleaned)
    _save_validated(contact)
    return contact


@transaction.atomic
def contact_update(*, user: Collaborator, contact_id: int, values: ContactValues) -> Contact:
    """Changes the given fields of a contact; its account never changes."""
    contact = _changed(user, Contact, contact_id, values, CONTACT_FIELDS)
    _save_validated(contact)
    return contact
