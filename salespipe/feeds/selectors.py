"""What a user's calendar feed holds (SPEC X4): the expected signatures of the open
opportunities he is the salesperson of, and the actions assigned to him not done yet; only
what his companies hold, as on his pages."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from salespipe.activities.models import Action
from salespipe.customers.models import Account
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Opportunity, OpportunityStatus

# A feed can't grow without end: calendar applications refuse very large files. It starts a
# year back, so that years of past items can't crowd out what is coming, soonest first.
MAX_EVENTS = 2000
SINCE = dt.timedelta(days=365)


def _closed_accounts(user: Collaborator, *accounts: str) -> Q:
    """The rows whose account (at each path of `accounts`) the user's rights don't open (A2:
    a closed one without `show_closed`), as their pages hide them; none when all are open."""
    hidden = Q(pk__in=[])
    rows = access.hidden_rows(user, Account)
    if rows is not None:
        for path in accounts:
            hidden |= Q(**{f"{path}__in": Account.objects.filter(rows).values("pk")})
    return hidden


@dataclass(frozen=True)
class Signature:
    opportunity_id: int
    name: str
    account: str
    stage: str
    amount: Decimal | None
    currency: str
    day: dt.date
    version: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class PlannedAction:
    action_id: int
    kind: str
    subject: str
    due_at: dt.datetime
    # What it is about: its opportunity, else its account.
    opportunity_id: int | None
    account_id: int | None
    about: str
    created_at: dt.datetime


def signatures_of(user: Collaborator) -> list[Signature]:
    rows = (
        access.scoped(user, Opportunity.objects.all())
        .filter(
            status=OpportunityStatus.OPEN,
            salesperson=user,
            expected_signature_date__gte=timezone.localdate() - SINCE,
        )
        .exclude(_closed_accounts(user, "account"))
        .order_by("expected_signature_date", "id")
        .values_list(
            "id",
            "name",
            "account__name",
            "stage__name",
            "amount",
            "currency_id",
            "expected_signature_date",
            "version",
            "updated_at",
        )[:MAX_EVENTS]
    )
    return [
        Signature(pk, name, account, stage, amount, currency, day, version, updated_at)
        for pk, name, account, stage, amount, currency, day, version, updated_at in rows
        if day is not None
    ]


def actions_of(user: Collaborator) -> list[PlannedAction]:
    rows = (
        access.scoped(user, Action.objects.all())
        .filter(assignee=user, done=False, due_at__gte=timezone.now() - SINCE)
        .exclude(_closed_accounts(user, "account", "opportunity__account"))
        .order_by("due_at", "id")
        .values_list(
            "id",
            "kind",
            "subject",
            "due_at",
            "opportunity_id",
            "account_id",
            "opportunity__name",
            "account__name",
            "created_at",
        )[:MAX_EVENTS]
    )
    return [
        PlannedAction(
            action_id=pk,
            kind=kind,
            subject=subject,
            due_at=due_at,
            opportunity_id=opportunity_id,
            account_id=account_id,
            about=opportunity_name or account_name or "",
            created_at=created_at,
        )
        for (
            pk,
            kind,
            subject,
            due_at,
            opportunity_id,
            account_id,
            opportunity_name,
            account_name,
            created_at,
        ) in rows
    ]
