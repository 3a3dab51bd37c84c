"""What an account's and a contact's sheets list of the pipeline (SPEC A1, S1): their
opportunities, open, won and lost, and their actions."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from salespipe.activities.models import Action
from salespipe.customers.models import Account, Contact
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import CLOSED_STATUSES, Opportunity, OpportunityStatus, Portfolio

type OpportunityGroups = list[tuple[str, str, list[Opportunity]]]


def _opportunity_groups(user: Collaborator, **where: Any) -> OpportunityGroups:
    """The opportunities matching `where` that `user` may see, newest change first, as
    (key, title, opportunities) for the open, won and lost ones (the *Opportunities* tab)."""
    rows = (
        access.scoped(user, Opportunity.objects.filter(**where))
        .select_related("stage", "portfolio", "currency", "salesperson", "loss_reason")
        .order_by("-updated_at", "-id")
        .distinct()
    )
    groups: dict[str, list[Opportunity]] = {"open": [], "won": [], "lost": []}
    for row in rows:
        if row.status == OpportunityStatus.OPEN:
            groups["open"].append(row)
        elif row.status == OpportunityStatus.WON:
            groups["won"].append(row)
        elif row.status in CLOSED_STATUSES:
            groups["lost"].append(row)
    return [
        ("open", _("Open"), groups["open"]),
        ("won", _("Won"), groups["won"]),
        ("lost", _("Lost"), groups["lost"]),
    ]


def account_opportunities(user: Collaborator, account: Account) -> OpportunityGroups:
    return _opportunity_groups(user, account=account)


def contact_opportunities(user: Collaborator, contact: Contact) -> OpportunityGroups:
    """Those the contact is the main contact of, or is linked to."""
    return _opportunity_groups(
        user,
        pk__in=Opportunity.objects.filter(
            Q(contact=contact) | Q(contact_links__contact=contact)
        ).values("pk"),
    )


def customer_actions(user: Collaborator, **where: Any) -> QuerySet[Action]:
    """The actions matching `where` (an account, a contact) that `user` may see, latest due
    first."""
    return (
        access.scoped(user, Action.objects.filter(**where))
        .select_related("assignee", "opportunity", "contact")
        .order_by("-due_at", "-id")
    )


def may_create_for(account: Account) -> bool:
    """Whether an opportunity can be created from the account's sheet: its company has a
    portfolio."""
    return Portfolio.objects.filter(company_id=account.company_id).exists()
