"""The reads of accounts and contacts that lists and autocompletes share (SPEC A1, A2, B11, B12)."""

from django.db.models import Q, QuerySet

from salespipe.customers.models import Account, Contact
from salespipe.lib.phones import query_phone_key
from salespipe.lib.text import search_key
from salespipe.org import access
from salespipe.org.models import Collaborator


def visible_accounts(user: Collaborator) -> QuerySet[Account]:
    """The accounts of the user's companies; closed ones only with `show_closed` (A2).

    The access gate applies both, as for every door (SEC1).
    """
    return access.scoped(user, Account.objects.all())


def visible_contacts(user: Collaborator) -> QuerySet[Contact]:
    """The contacts of the user's companies; without `show_closed`, neither closed contacts
    nor the contacts of closed accounts (A2)."""
    return access.scoped(user, Contact.objects.all())


def search_accounts(accounts: QuerySet[Account], typed: str) -> QuerySet[Account]:
    """The first letters of the name, accents and case ignored, or the first digits of the
    SIREN, spaces ignored (B11)."""
    key = search_key(typed)
    matches = Q(name_key__startswith=key)
    digits = "".join(typed.split())
    if digits.isdigit():
        matches |= Q(siren__startswith=digits)
    return accounts.filter(matches)


def search_accounts_by_phone(accounts: QuerySet[Account], typed: str) -> QuerySet[Account]:
    """The first digits of the phone number, spaces and +33/0 prefixes ignored (B12).

    What holds no digit yet ("+33", "0") narrows nothing, as in the live search field.
    """
    key = query_phone_key(typed)
    return accounts.filter(phone_key__startswith=key) if key else accounts


def search_by_email[T: (Account, Contact)](records: QuerySet[T], typed: str) -> QuerySet[T]:
    """The first characters of the email address, case ignored (B12)."""
    return records.filter(email__istartswith=typed.strip())


def search_contacts(contacts: QuerySet[Contact], typed: str) -> QuerySet[Contact]:
    """The first letters of the last name or of the first name, accents and case ignored."""
    key = search_key(typed)
    return contacts.filter(Q(name_key__startswith=key) | Q(name_key__contains=f" {key}"))
