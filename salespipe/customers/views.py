"""Accounts and contacts in the browser (SPEC A1, A2, O1, O2, S1): thin views over the selectors
and services of `customers`.

Pages: the accounts list with its search. JSON: the account and contact autocompletes of
the opportunity form and their *Create* (a prospect needs the `quick_account` right; a
contact needs none). Closed accounts and contacts are, without `show_closed`, hidden
everywhere. An account's and a contact's sheets list their opportunities and actions: the
pipeline serves them (`pipeline.views.customers`).
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from salespipe.customers import services
from salespipe.customers.account_search import find_accounts
from salespipe.customers.models import Account, Contact
from salespipe.customers.selectors import (
    search_accounts,
    search_contacts,
    visible_accounts,
    visible_contacts,
)
from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.lib.text import search_key
from salespipe.org import access
from salespipe.org.rights import MissingRight, Right, has_right
from salespipe.web.http import AuthedRequest
from salespipe.web.lookups import (
    SUGGESTIONS,
    everything,
    from_script,
    refused,
    suggestions,
    typed,
)

LIST_LIMIT = 50


# -- pages ----------------------------------------------------------------------------------


@login_required
@require_GET
def accounts(request: AuthedRequest) -> HttpResponse:
    """A1: the accounts, searched by name, SIREN, phone or email; htmx gets the rows only."""
    text = request.GET.get("q", "").strip()
    found = find_accounts(request.user, text).order_by("name", "id")
    rows = list(found[: LIST_LIMIT + 1])
    context = {
        "rows": rows[:LIST_LIMIT],
        "more": len(rows) > LIST_LIMIT,
        "q": text,
        "nav": "accounts",
    }
    template = "customers/accounts.html"
    if from_script(request):
        template += "#account-rows"
    return render(request, template, context)


# -- autocompletes (O2) ---------------------------------------------------------------------


def _account_item(record: Account) -> dict[str, Any]:
    details = [record.get_kind_display()]
    if record.siren:
        details.append(_("SIREN %(siren)s") % {"siren": record.siren})
    if record.is_closed:
        details.append(_("closed"))
    return {"id": record.pk, "label": record.name, "detail": " · ".join(details), "data": {}}


def _company_id(request: AuthedRequest) -> int | None:
    raw = request.GET.get("company", "") or request.POST.get("company", "")
    return integer(raw)


@login_required
@require_GET
def account_lookup(request: AuthedRequest) -> JsonResponse:
    """The accounts of one company from the first letters of their name or SIREN digits.

    *Create* is offered to a user with `quick_account` when the full name typed matches none.
    """
    company_id = _company_id(request)
    if company_id is None or company_id not in access.company_ids(request.user):
        return suggestions([])
    candidates = visible_accounts(request.user).filter(company_id=company_id)
    text = typed(request)
    if everything(request):
        found = candidates
    elif text:
        found = search_accounts(candidates, text)
    else:
        return suggestions([])
    rows = list(found.order_by("name", "id")[:SUGGESTIONS])
    create = None
    if text and has_right(request.user, Right.QUICK_ACCOUNT):
        exact = candidates.filter(name_key=search_key(text)).exists()
        if not exact:
            create = _("Create the prospect “%(name)s”") % {"name": text}
    return suggestions((_account_item(row) for row in rows), create)


@login_required
@require_POST
def account_quick(request: AuthedRequest) -> JsonResponse:
    """O2's *Create*: a prospect of that name, for a user with `quick_account`."""
    company_id = _company_id(request)
    try:
        record = services.account_create(
            user=request.user,
            company_id=company_id if company_id is not None else -1,
            values={"name": request.POST.get("name", "")},
            quick=True,
        )
    except (InvalidInput, MissingRight) as exc:
        return refused(exc)
    return JsonResponse(_account_item(record), status=201)


def _contact_item(record: Contact) -> dict[str, Any]:
    details = [record.function] if record.function else []
    if record.is_closed:
        details.append(_("closed"))
    return {
        "id": record.pk,
        "label": record.full_name,
        "detail": " · ".join(details),
        "data": {
            "phone": record.phone,
            "mobile": record.mobile,
            "function": record.function,
            "email": record.email,
        },
    }


@login_required
@require_GET
def contact_lookup(request: AuthedRequest, pk: int) -> JsonResponse:
    """The contacts of an account from the first letters of a name; all with `all=1`."""
    record = access.get(request.user, visible_accounts(request.user), pk)
    contacts = visible_contacts(request.user).filter(account=record)
    text = typed(request)
    if everything(request):
        found = contacts
    elif text:
        found = search_contacts(contacts, text)
    else:
        return suggestions([])
    rows = list(found.order_by("last_name", "first_name", "id")[:SUGGESTIONS])
    create = None
    if text:
        key = search_key(text)
        exact = any(
            key in {search_key(c.full_name), search_key(f"{c.last_name} {c.first_name}")}
            for c in contacts
        )
        if not exact:
            create = _("Create the contact “%(name)s”") % {"name": text}
    return suggestions((_contact_item(row) for row in rows), create)


@login_required
@require_POST
def contact_quick(request: AuthedRequest, pk: int) -> JsonResponse:
    """O2's *Create* of the contact field: a contact of that full name in the account."""
    record = access.get(request.user, visible_accounts(request.user), pk)
    name = request.POST.get("name", "")
    if not name.strip():
        return refused(InvalidInput({"last_name": [_("Give the contact a name.")]}))
    try:
        first, last = services.split_name(name)
        created = services.contact_create(
            user=request.user, account_id=record.pk, values={"first_name": first, "last_name": last}
        )
    except InvalidInput as exc:
        return refused(exc)
    return JsonResponse(_contact_item(created), status=201)
