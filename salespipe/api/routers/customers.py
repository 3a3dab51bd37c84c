"""Accounts and contacts (SPEC A1, A2, P3): lists with search, details, creation and changes.

There is no DELETE: the interface closes an account or a contact (`is_closed`), it never
deletes one, since opportunities and history keep pointing at it.
"""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from salespipe.api.auth import user_of
from salespipe.api.pagination import Ordering, PageParams, PageResult, paginate
from salespipe.api.schemas import (
    DETAIL_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Page,
    SearchText,
    omittable,
    path_id,
    sent,
    text_field,
)
from salespipe.customers import selectors, services
from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.org import access

router = Router(tags=["customers"])

SORT_DESCRIPTION = "The order of the list; a leading `-` reverses it."
CLOSED_DESCRIPTION = (
    "Only closed, or only open ones. Closed ones are listed only for users with the right "
    "`show_closed` (SPEC A2); for others this filter never shows any."
)


# --- accounts --------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    company: int = Field(description="The company the account belongs to.")
    name: str
    kind: AccountKind
    siren: str = Field(description="9 digits, or empty.")
    phone: str
    email: str
    is_closed: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_company(obj: Account) -> int:
        return obj.company_id


class AccountIn(InputSchema):
    company: Id = Field(description="The company it belongs to: one the user is scoped on.")
    name: str = text_field(200, "The account's name.")
    kind: AccountKind = Field(AccountKind.PROSPECT, description="Client or prospect.")
    siren: str = text_field(20, "9 digits with a valid check digit; spaces are ignored.", "")
    phone: str = text_field(32, "A phone number; French when it has no country code.", "")
    email: str = text_field(254, "An email address.", "")
    is_closed: bool = Field(False, description="A closed account is hidden from lists (A2).")


class AccountPatch(InputSchema):
    """Only the fields sent change; the company never does."""

    name: str = text_field(200, "The account's name.", None)
    kind: AccountKind = omittable("Client or prospect.")
    siren: str = text_field(20, "9 digits with a valid check digit, or empty.", None)
    phone: str = text_field(32, "A phone number, or empty.", None)
    email: str = text_field(254, "An email address, or empty.", None)
    is_closed: bool = omittable("Closes or reopens the account.")


class AccountFilters(Schema):
    search: SearchText | None = Field(
        None,
        description="The first letters of the name (accents and case ignored) "
        "or the first digits of the SIREN (SPEC B11).",
    )
    phone: SearchText | None = Field(
        None,
        description="The first digits of the phone number; spaces and +33/0 prefixes "
        "are ignored (SPEC B12).",
    )
    email: SearchText | None = Field(None, description="The first characters of the email.")
    company: Id | None = Field(None, description="Only the accounts of this company.")
    kind: AccountKind | None = Field(None, description="Only clients, or only prospects.")
    closed: bool | None = Field(None, description=CLOSED_DESCRIPTION)
    sort: Literal["name", "-name", "created_at", "-created_at", "id", "-id"] = Field(
        "name", description=SORT_DESCRIPTION
    )


_ACCOUNT_SORT_FIELDS = {"name": "name_key", "created_at": "created_at", "id": "id"}


@router.get(
    "/accounts",
    response={200: Page[AccountOut], **READ_ERRORS},
    summary="Accounts of the user's companies, with search (SPEC A1, A2)",
)
def list_accounts(
    request: HttpRequest, filters: Query[AccountFilters], page: Query[PageParams]
) -> PageResult[Account]:
    accounts = selectors.visible_accounts(user_of(request))
    if filters.search is not None:
        accounts = selectors.search_accounts(accounts, filters.search)
    if filters.phone is not None:
        accounts = selectors.search_accounts_by_phone(accounts, filters.phone)
    if filters.email is not None:
        accounts = selectors.search_by_email(accounts, filters.email)
    if filters.company is not None:
        accounts = accounts.filter(company_id=filters.company)
    if filters.kind is not None:
        accounts = accounts.filter(kind=filters.kind)
    if filters.closed is not None:
        accounts = accounts.filter(is_closed=filters.closed)
    field = _ACCOUNT_SORT_FIELDS[filters.sort.lstrip("-")]
    return paginate(accounts, page, Ordering.of(filters.sort, field))


@router.get("/accounts/{id}", response={200: AccountOut, **DETAIL_ERRORS}, summary="An account")
def get_account(request: HttpRequest, id: int = path_id("account")) -> Account:
    return access.get(user_of(request), Account, id)


@router.post(
    "/accounts",
    response={201: AccountOut, **WRITE_ERRORS},
    summary="Create an account",
)
def create_account(request: HttpRequest, payload: AccountIn) -> Status[Account]:
    values = sent(payload, services.AccountValues, exclude={"company"})
    account = services.account_create(
        user=user_of(request), company_id=payload.company, values=values
    )
    return Status(201, account)


@router.patch(
    "/accounts/{id}",
    response={200: AccountOut, **WRITE_ERRORS},
    summary="Change an account",
)
def update_account(
    request: HttpRequest, payload: AccountPatch, id: int = path_id("account")
) -> Account:
    values = sent(payload, services.AccountValues)
    return services.account_update(user=user_of(request), account_id=id, values=values)


# --- contacts --------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    account: int = Field(description="The account the contact belongs to.")
    first_name: str
    last_name: str
    full_name: str
    phone: str
    mobile: str
    function: str
    email: str
    is_closed: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_account(obj: Contact) -> int:
        return obj.account_id


class ContactIn(InputSchema):
    account: Id = Field(description="The account it belongs to, of a company of the user.")
    last_name: str = text_field(100, "The last name.")
    first_name: str = text_field(100, "The first name.", "")
    phone: str = text_field(32, "A phone number.", "")
    mobile: str = text_field(32, "A mobile phone number.", "")
    function: str = text_field(120, "The contact's function in its company.", "")
    email: str = text_field(254, "An email address.", "")
    is_closed: bool = Field(False, description="A closed contact is hidden from lists (A2).")


class ContactPatch(InputSchema):
    """Only the fields sent change; the account never does."""

    last_name: str = text_field(100, "The last name.", None)
    first_name: str = text_field(100, "The first name.", None)
    phone: str = text_field(32, "A phone number, or empty.", None)
    mobile: str = text_field(32, "A mobile phone number, or empty.", None)
    function: str = text_field(120, "The contact's function, or empty.", None)
    email: str = text_field(254, "An email address, or empty.", None)
    is_closed: bool = omittable("Closes or reopens the contact.")


class ContactFilters(Schema):
    search: SearchText | None = Field(
        None,
        description="The first letters of the last name or of the first name, accents and "
        "case ignored.",
    )
    email: SearchText | None = Field(None, description="The first characters of the email.")
    account: Id | None = Field(None, description="Only the contacts of this account.")
    company: Id | None = Field(None, description="Only the contacts of this company's accounts.")
    closed: bool | None = Field(None, description=CLOSED_DESCRIPTION)
    sort: Literal["name", "-name", "created_at", "-created_at", "id", "-id"] = Field(
        "name", description=SORT_DESCRIPTION + " `name` sorts by last name, then first name."
    )


_CONTACT_SORT_FIELDS = {"name": "name_key", "created_at": "created_at", "id": "id"}


@router.get(
    "/contacts",
    response={200: Page[ContactOut], **READ_ERRORS},
    summary="Contacts of the user's companies, with search (SPEC A2)",
)
def list_contacts(
    request: HttpRequest, filters: Query[ContactFilters], page: Query[PageParams]
) -> PageResult[Contact]:
    contacts = selectors.visible_contacts(user_of(request))
    if filters.search is not None:
        contacts = selectors.search_contacts(contacts, filters.search)
    if filters.email is not None:
        contacts = selectors.search_by_email(contacts, filters.email)
    if filters.account is not None:
        contacts = contacts.filter(account_id=filters.account)
    if filters.company is not None:
        contacts = contacts.filter(account__company_id=filters.company)
    if filters.closed is not None:
        contacts = contacts.filter(is_closed=filters.closed)
    field = _CONTACT_SORT_FIELDS[filters.sort.lstrip("-")]
    return paginate(contacts, page, Ordering.of(filters.sort, field))


@router.get("/contacts/{id}", response={200: ContactOut, **DETAIL_ERRORS}, summary="A contact")
def get_contact(request: HttpRequest, id: int = path_id("contact")) -> Contact:
    return access.get(user_of(request), Contact, id)


@router.post(
    "/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    summary="Create a contact of an account",
)
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    values = sent(payload, services.ContactValues, exclude={"account"})
    contact = services.contact_create(
        user=user_of(request), account_id=payload.account, values=values
    )
    return Status(201, contact)


@router.patch(
    "/contacts/{id}",
    response={200: ContactOut, **WRITE_ERRORS},
    summary="Change a contact",
)
def update_contact(
    request: HttpRequest, payload: ContactPatch, id: int = path_id("contact")
) -> Contact:
    values = sent(payload, services.ContactValues)
    return services.contact_update(user=user_of(request), contact_id=id, values=values)
