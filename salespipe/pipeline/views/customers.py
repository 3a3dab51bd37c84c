"""An account's and a contact's sheets (SPEC A1, S1): their details and contacts from
`customers`, with the opportunities and actions the pipeline holds of them. Served here,
above both apps, under the customers' names (see `pipeline.customer_urls`), with their
templates (`pipeline/templates/customers/`). Closed accounts and contacts are, without
`show_closed`, hidden: their sheets answer 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from salespipe.customers.selectors import visible_accounts, visible_contacts
from salespipe.org import access
from salespipe.pipeline.selectors.customer_sheets import (
    account_opportunities,
    contact_opportunities,
    customer_actions,
    may_create_for,
)
from salespipe.web.http import AuthedRequest

ACCOUNT_TABS = ("opportunities", "actions")


@login_required
@require_GET
def account(request: AuthedRequest, pk: int) -> HttpResponse:
    """A1: an account with its contacts, its actions and its opportunities."""
    user = request.user
    record = access.get(user, visible_accounts(user), pk)
    tab = request.GET.get("tab", "opportunities")
    if tab not in ACCOUNT_TABS:
        tab = "opportunities"
    context = {
        "account": record,
        "contacts": list(visible_contacts(user).filter(account=record)),
        "actions": list(customer_actions(user, account=record)),
        "opportunity_groups": account_opportunities(user, record),
        "tab": tab,
        "can_create": may_create_for(record),
        "nav": "accounts",
    }
    return render(request, "customers/account.html", context)


@login_required
@require_GET
def contact(request: AuthedRequest, pk: int) -> HttpResponse:
    """A contact with its account, its opportunities (main or linked) and its actions."""
    user = request.user
    record = access.get(user, visible_contacts(user).select_related("account"), pk)
    context = {
        "contact": record,
        "opportunity_groups": contact_opportunities(user, record),
        "actions": list(customer_actions(user, contact=record)),
        "nav": "accounts",
    }
    return render(request, "customers/contact.html", context)
