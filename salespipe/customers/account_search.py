"""The search of the accounts list (SPEC A1): one field, every way a salesperson knows a client.

What is typed may be the first letters of the name (accents and case ignored), the first
digits of the SIREN, the first digits of the phone number (spaces and +33/0 prefixes
ignored) or the first characters of the email address: an account matching any of them is
listed. Closed accounts only with `show_closed` (A2).
"""

from django.db.models import QuerySet

from salespipe.customers.models import Account
from salespipe.customers.selectors import (
    search_accounts,
    search_accounts_by_phone,
    search_by_email,
    visible_accounts,
)
from salespipe.lib.phones import query_phone_key
from salespipe.org.models import Collaborator


def find_accounts(user: Collaborator, typed: str) -> QuerySet[Account]:
    """The visible accounts matching `typed` by name, SIREN, phone or email; all if empty."""
    accounts = visible_accounts(user)
    text = typed.strip()
    if not text:
        return accounts
    matches = search_accounts(accounts, text) | search_by_email(accounts, text)
    if query_phone_key(text):
        # A text without digits would match every phone: only digits narrow by phone.
        matches = matches | search_accounts_by_phone(accounts, text)
    return matches
