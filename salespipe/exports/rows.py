"""The rows of each screen's export, in the screen's order (SPEC X5), read in chunks so that
a hundred thousand rows never sit in memory at once.

Each screen's rows come from the selector the screen itself reads (its scope, rights and
filters), ordered as its columns and cards are: the board by stage then its sort, the
calendar by *No date*, *Overdue* and month then its sort, the won and lost lists newest
outcome first, the accounts by name.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.customers.account_search import find_accounts
from salespipe.customers.models import Account, AccountKind
from salespipe.lib.money import weighted
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Opportunity, OpportunityStatus
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import ByMonth, ByStage

CHUNK = 2000

_OPPORTUNITY_FIELDS = (
    "id",
    "name",
    "account__name",
    "contact__first_name",
    "contact__last_name",
    "portfolio__name",
    "stage__name",
    "status",
    "amount",
    "currency_id",
    "stage__probability",
    "days",
    "expected_signature_date",
    "signed_on",
    "lost_on",
    "loss_reason__name",
    "salesperson__first_name",
    "salesperson__last_name",
    "salesperson__username",
    "tag_names",
    "created_at",
    "updated_at",
)


# Between tag names in the query: a character no name holds, so that they can be sorted here
# (SQLite can't order inside an aggregate).
_UNIT_SEPARATOR = "\x1f"


def _tag_names() -> Subquery:
    """An opportunity's tags, by name, in one text: read with its row, not once per row."""
    through = Opportunity.tags.through
    return Subquery(
        through.objects.filter(opportunity_id=OuterRef("pk"))
        .values("opportunity_id")
        .annotate(names=StringAgg("tag__name", Value(_UNIT_SEPARATOR)))
        .values("names")  # type: ignore[misc]  # an annotation django-stubs can't see
    )


def _person(first: str | None, last: str | None, fallback: str = "") -> str:
    return " ".join(part for part in (first, last) if part) or fallback


def opportunity_rows(queryset: QuerySet[Opportunity]) -> Iterator[dict[str, Any]]:
    """The rows of `queryset`, in its order, with what the columns show."""
    statuses = dict(OpportunityStatus.choices)
    rows = queryset.annotate(tag_names=_tag_names()).values(*_OPPORTUNITY_FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        amount: Decimal | None = row["amount"]
        yield {
            **row,
            "contact_name": _person(row["contact__first_name"], row["contact__last_name"]),
            "salesperson_name": _person(
                row["salesperson__first_name"],
                row["salesperson__last_name"],
                row["salesperson__username"] or "",
            ),
            "status_label": str(statuses.get(row["status"], row["status"])),
            "weighted_amount": weighted(amount, row["stage__probability"]),
            "created_on": timezone.localtime(row["created_at"]).date(),
            "changed_on": timezone.localtime(row["updated_at"]).date(),
            "tag_names": ", ".join(sorted((row["tag_names"] or "").split(_UNIT_SEPARATOR))),
        }


def board_rows(
    user: Collaborator, layout: ByStage, filters: BoardFilters
) -> Iterator[dict[str, Any]]:
    """B1-B10: the open opportunities of the board's columns, stage by stage, each column in
    the board's sort."""
    frame = layout.frame(user, filters)
    position = Case(
        *(
            When(stage_id=stage.pk, then=Value(index))
            for index, stage in enumerate(frame.scope.stages)
        ),
        output_field=IntegerField(),
    )
    ordered = frame.matching.order_by(position, *filters.ordering(frame.scope.rates))
    return opportunity_rows(ordered)


def calendar_rows(
    user: Collaborator, layout: ByMonth, filters: BoardFilters
) -> Iterator[dict[str, Any]]:
    """C1-C4: the calendar's columns in turn, *No date*, *Overdue* then each month, each in
    the calendar's sort."""
    frame = layout.frame(user, filters)
    overdue_before = layout.overdue_before
    column = Case(
        When(expected_signature_date__isnull=True, then=Value(0)),
        *(
            [When(expected_signature_date__lt=overdue_before, then=Value(1))]
            if overdue_before is not None
            else []
        ),
        default=Value(2),
        output_field=IntegerField(),
    )
    ordered = frame.matching.order_by(
        column, TruncMonth("expected_signature_date"), *filters.ordering(frame.scope.rates)
    )
    return opportunity_rows(ordered)


def account_rows(user: Collaborator, search: str) -> Iterator[dict[str, Any]]:
    """A1: the accounts the list shows for `search`, by name."""
    kinds = dict(AccountKind.choices)
    yes, no = _("Yes"), _("No")
    accounts: QuerySet[Account] = find_accounts(user, search).order_by("name", "id")
    fields = ("id", "name", "kind", "siren", "phone", "email", "is_closed", "created_at")
    for row in accounts.values(*fields).iterator(chunk_size=CHUNK):
        yield {
            **row,
            "kind_label": str(kinds.get(row["kind"], row["kind"])),
            "closed_label": yes if row["is_closed"] else no,
            "created_on": timezone.localtime(row["created_at"]).date(),
        }
