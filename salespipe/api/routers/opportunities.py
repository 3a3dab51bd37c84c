"""Opportunities (SPEC P3-P5, P7, S2, S8): list, detail, creation, changes and transitions.

Every operation calls the pipeline's services and selectors, the ones the pages call, so the
rules and the company scoping are the same whatever the door. Writes take the `version` last
read (P7); a transition whose stages have mandatory fields left empty answers 422 with
`missing` per stage (P5), and `fields` fills them.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.params import functions as params
from ninja.responses import Status

from salespipe.api.auth import user_of
from salespipe.api.pagination import Ordering, PageParams, paginate
from salespipe.api.schemas import DETAIL_ERRORS, READ_ERRORS, Id, Page, path_id, sent
from salespipe.api.schemas_opportunities import (
    DELETE_ERRORS,
    OPPORTUNITY_WRITE_ERRORS,
    P4_COLUMNS,
    CardFilters,
    DeletedOut,
    LoseIn,
    MoveIn,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    ReuseIn,
    ScheduleIn,
    WinIn,
    p4_dict,
)
from salespipe.lib.errors import InvalidInput
from salespipe.lib.months import Month
from salespipe.org import access
from salespipe.pipeline import selectors, services
from salespipe.pipeline.models import (
    MANDATORY_FIELD_NAMES,
    HistoryEntry,
    HistoryKind,
    Opportunity,
    OpportunityStatus,
)
from salespipe.pipeline.selectors.filters import SortName
from salespipe.pipeline.selectors.staleness import rows_stale_since
from salespipe.pipeline.services import history
from salespipe.pipeline.services.values import OpportunityChanges, OpportunityValues

router = Router(tags=["opportunities"])


# --- the list ---------------------------------------------------------------------------------

# The board's sorts, and the id the list pages on by default.
ListSort = Literal["id", "-id", SortName]
# What each sort pages on, and whether its value may be empty (then it comes last).
_LIST_SORTS: dict[str, tuple[str, bool]] = {
    "id": ("id", False),
    "signature": ("expected_signature_date", True),
    "amount": ("amount", True),
    "name": ("name_key", False),
    "account": ("account__name_key", False),
    "created": ("created_at", False),
    "updated": ("updated_at", False),
}


class OpportunityFilters(CardFilters):
    portfolio: Id | None = Field(None, description="Only the opportunities of this portfolio.")
    group: Id | None = Field(
        None, description="Only those of the portfolios of this group (a stage template id)."
    )
    status: list[OpportunityStatus] = Field(
        default_factory=list,
        max_length=5,
        description="Only those of these statuses, the parameter repeated; all by default.",
    )
    stage: Id | None = Field(None, description="Only those in this stage.")
    account: Id | None = Field(None, description="Only those of this account.")
    company: Id | None = Field(None, description="Only those of this company.")
    sort: ListSort = Field(
        "id",
        description="The order: `id`, expected signature `signature`, `amount` (in its own "
        "currency), call `name`, `account` name (names with case and accents ignored), "
        "`created`, `updated` (last change); a leading `-` reverses it. Empty dates and "
        "amounts come last.",
    )


def _tags_by_opportunity(ids: list[int]) -> dict[int, list[int]]:
    """The tag ids of each opportunity of a page, in increasing order, in one query."""
    tags: dict[int, list[int]] = {}
    if not ids:
        return tags
    # By the opportunity's pk rather than the foreign key: Django prepares each value of a
    # foreign key's `__in` through the relation, which for a page of 500 cost more than
    # the query.
    links = (
        Opportunity.tags.through.objects.filter(opportunity__pk__in=ids)
        .order_by("tag_id")
        .values_list("opportunity_id", "tag_id")
    )
    for opportunity_id, tag_id in links:
        tags.setdefault(opportunity_id, []).append(tag_id)
    return tags


def _page_answer(
    queryset: QuerySet[Opportunity], page: PageParams, ordering: Ordering
) -> HttpResponse:
    """A page as OpportunityOut would write it, from plain rows: two queries, whatever its size.

    Validating and dumping a pydantic object per row made a page of 500 cost several times
    reading it; `p4_dict` writes the same JSON, as a test checks.
    """
    result = paginate(queryset.values(*P4_COLUMNS), page, ordering)
    tags = _tags_by_opportunity([row["id"] for row in result.items])
    stale = rows_stale_since(result.items, timezone.now())
    body = {
        "items": [
            p4_dict(row, tags.get(row["id"], []), stale.get(row["id"])) for row in result.items
        ],
        "next": result.next,
    }
    return HttpResponse(json.dumps(body), content_type="application/json; charset=utf-8")


@router.get(
    "/opportunities",
    response={200: Page[OpportunityOut], **READ_ERRORS},
    summary="Opportunities of the user's companies, with the board's filters (SPEC P3, P4)",
)
def list_opportunities(
    request: HttpRequest, filters: Query[OpportunityFilters], page: Query[PageParams]
) -> HttpResponse:
    user = user_of(request)
    opportunities = access.scoped(user, Opportunity.objects.all())
    if filters.portfolio is not None:
        opportunities = opportunities.filter(portfolio_id=filters.portfolio)
    if filters.group is not None:
        opportunities = opportunities.filter(portfolio__template_id=filters.group)
    if filters.status:
        opportunities = opportunities.filter(status__in=filters.status)
    if filters.stage is not None:
        opportunities = opportunities.filter(stage_id=filters.stage)
    if filters.account is not None:
        opportunities = opportunities.filter(account_id=filters.account)
    if filters.company is not None:
        opportunities = opportunities.filter(company_id=filters.company)
    opportunities = filters.board_filters().apply(opportunities, user)
    name = filters.sort.lstrip("-")
    field, nullable = _LIST_SORTS[name]
    ordering = Ordering.of(filters.sort, field, nullable=nullable)
    return _page_answer(opportunities, page, ordering)


# --- one opportunity --------------------------------------------------------------------------


@router.get(
    "/opportunities/{id}",
    response={200: OpportunityOut, **DETAIL_ERRORS},
    summary="An opportunity (SPEC P4, S1)",
)
def get_opportunity(request: HttpRequest, id: int = path_id("opportunity")) -> Opportunity:
    return selectors.opportunity_detail(user=user_of(request), opportunity_id=id)


@contextmanager
def _fields_in_body_fields() -> Iterator[None]:
    """A transition's invalid mandatory value is reported where it was sent: `fields.<name>`."""
    try:
        yield
    except InvalidInput as exc:
        errors = [
            {
                "loc": ("body", "fields", name)
                if name in MANDATORY_FIELD_NAMES
                else ("body", name),
                "msg": message,
                "type": "invalid",
            }
            for name, messages in exc.errors.items()
            if name != "__all__"
            for message in messages
        ]
        if "__all__" in exc.errors or not errors:
            raise
        raise ValidationError(errors) from exc


@router.post(
    "/opportunities",
    response={201: OpportunityOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Create an opportunity (SPEC O2-O4)",
)
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> Status[Opportunity]:
    values = sent(
        payload, OpportunityValues, exclude={"portfolio", "stage", "fallback_to_first_stage"}
    )
    opportunity = services.opportunity_create(
        user=user_of(request),
        portfolio_id=payload.portfolio,
        values=values,
        stage_id=payload.stage,
        fallback_to_first_stage=payload.fallback_to_first_stage,
    )
    return Status(201, opportunity)


@router.patch(
    "/opportunities/{id}",
    response={200: OpportunityOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Change an opportunity's fields, or move it to a portfolio of the same stages "
    "(SPEC S2, P7)",
)
def update_opportunity(
    request: HttpRequest, payload: OpportunityPatch, id: int = path_id("opportunity")
) -> Opportunity:
    values = sent(payload, OpportunityChanges, exclude={"version"})
    return services.opportunity_update(
        user=user_of(request), opportunity_id=id, version=payload.version, values=values
    )


@router.delete(
    "/opportunities/{id}",
    response={200: DeletedOut, **DELETE_ERRORS},
    summary="Delete an opportunity for good; refused while a quote or an order refers to it "
    "(SPEC B18)",
)
def delete_opportunity(
    request: HttpRequest,
    id: int = path_id("opportunity"),
    version: int | None = params.Query(
        None,
        ge=1,
        le=2**31 - 1,
        description="The version last read: if given and the opportunity changed since, 409 "
        "and nothing is deleted.",
    ),
) -> DeletedOut:
    services.opportunity_delete(user=user_of(request), opportunity_id=id, version=version)
    return DeletedOut(id=id, detail="The opportunity was deleted; its account and contacts stay.")


# --- transitions (P5) -------------------------------------------------------------------------


def _transition(
    summary: str, path: str
) -> Callable[[Callable[..., Opportunity]], Callable[..., Opportunity]]:
    return router.post(
        f"/opportunities/{{id}}/{path}",
        response={200: OpportunityOut, **OPPORTUNITY_WRITE_ERRORS},
        summary=summary,
    )


@_transition("Move an open opportunity to another open stage (SPEC B14)", "move")
def move_opportunity(
    request: HttpRequest, payload: MoveIn, id: int = path_id("opportunity")
) -> Opportunity:
    with _fields_in_body_fields():
        return services.opportunity_move(
            user=user_of(request),
            opportunity_id=id,
            version=payload.version,
            stage_id=payload.stage,
            values=sent(payload.fields, OpportunityValues),
        )


@_transition("Mark an open opportunity won, in a won stage (SPEC B16)", "win")
def win_opportunity(
    request: HttpRequest, payload: WinIn, id: int = path_id("opportunity")
) -> Opportunity:
    with _fields_in_body_fields():
        return services.opportunity_win(
            user=user_of(request),
            opportunity_id=id,
            version=payload.version,
            stage_id=payload.stage,
            signed_on=payload.signed_on,
            values=sent(payload.fields, OpportunityValues),
        )


@_transition("Mark an open opportunity lost, abandoned or out of target (SPEC B17)", "lose")
def lose_opportunity(
    request: HttpRequest, payload: LoseIn, id: int = path_id("opportunity")
) -> Opportunity:
    return services.opportunity_lose(
        user=user_of(request),
        opportunity_id=id,
        version=payload.version,
        reason_id=payload.reason,
        lost_on=payload.lost_on,
    )


@_transition("Put a won or lost opportunity back, open, in a portfolio (SPEC B19)", "reuse")
def reuse_opportunity(
    request: HttpRequest, payload: ReuseIn, id: int = path_id("opportunity")
) -> Opportunity:
    return services.opportunity_reuse(
        user=user_of(request),
        opportunity_id=id,
        version=payload.version,
        portfolio_id=payload.portfolio,
    )


@_transition("Expect an open opportunity to sign on the last day of a month (SPEC C3)", "schedule")
def schedule_opportunity(
    request: HttpRequest, payload: ScheduleIn, id: int = path_id("opportunity")
) -> Opportunity:
    return services.opportunity_schedule(
        user=user_of(request),
        opportunity_id=id,
        version=payload.version,
        # Its pattern lets through only months that exist.
        month=Month.parse(payload.month),
    )


# --- history (S8) -----------------------------------------------------------------------------


class HistoryEntryOut(Schema):
    id: int
    at: dt.datetime
    kind: HistoryKind = Field(description="`created`, `changed` or `deleted`.")
    field: str = Field(description="The field that changed; on creation, `stage`.")
    old_value: str = Field(description="What it was, as text; empty on creation.")
    new_value: str = Field(description="What it became, as text.")
    actor: int | None = Field(description="The collaborator who made the change.")
    actor_name: str = Field(description="Their name.")

    @staticmethod
    def resolve_actor(obj: HistoryEntry) -> int | None:
        return obj.actor_id

    @staticmethod
    def resolve_actor_name(obj: HistoryEntry) -> str:
        return str(obj.actor) if obj.actor is not None else ""


@router.get(
    "/opportunities/{id}/history",
    response={200: list[HistoryEntryOut], **DETAIL_ERRORS},
    summary="Who changed what, when, newest first; also of a deleted opportunity (SPEC S8)",
)
def opportunity_history(
    request: HttpRequest, id: int = path_id("opportunity")
) -> list[HistoryEntry]:
    user = user_of(request)
    entries = list(history.history_of(user, id))
    if not entries:
        # Nothing recorded yet (data loaded in bulk, say) is an empty history, not a 404.
        access.get(user, Opportunity, id)
    return entries
