"""What an opportunity's sheet holds beside its fields (SPEC S3-S6): the estimate and its
lines, the actions, the documents and the linked contacts, as sub-resources.

Each operation calls the service the sheet calls. A change of the estimate is a change of the
opportunity: it takes the `version` last read and answers the estimate as it is afterwards,
with the opportunity's new `version` (P7). Actions, documents and contact links don't change
the opportunity's version.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseBase
from ninja import Field, Router, Schema, UploadedFile
from ninja.decorators import decorate_view
from ninja.params import functions as params
from ninja.responses import Status

from salespipe.activities import services as action_services
from salespipe.activities.models import Action, ActionKind
from salespipe.api.auth import user_of
from salespipe.api.schemas import DETAIL_ERRORS, NO_NUL, Id, InputSchema, omittable, path_id, sent
from salespipe.api.schemas_opportunities import (
    DELETE_ERRORS,
    OPPORTUNITY_WRITE_ERRORS,
    CurrencyCode,
    DecimalText,
    DeletedOut,
    Version,
)
from salespipe.documents import services as document_services
from salespipe.documents.downloads import attachment_response
from salespipe.documents.models import Document
from salespipe.documents.uploads import SizeLimitHandler, limit_upload_size
from salespipe.lib.errors import InvalidInput
from salespipe.org import access
from salespipe.pipeline import selectors
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateMode,
    Opportunity,
    OpportunityContact,
    Recurrence,
)
from salespipe.pipeline.services import contact_links, estimate

router = Router(tags=["opportunity sheet"])


def _opportunity(request: HttpRequest, opportunity_id: int) -> Opportunity:
    return selectors.opportunity_detail(user=user_of(request), opportunity_id=opportunity_id)


# --- estimate (S3) ----------------------------------------------------------------------------


def _number(max_digits: int, what: str) -> Any:
    return Field(
        ge=0,
        max_digits=max_digits,
        decimal_places=2,
        description=f"{what}: zero or more, 2 decimals at most; a decimal string or a number.",
    )


Quantity = Annotated[Decimal, _number(12, "A quantity")]
LineAmount = Annotated[Decimal, _number(14, "An amount")]
LineDays = Annotated[Decimal, _number(8, "A number of days")]
LineText = Annotated[str, Field(max_length=200, pattern=NO_NUL)]


class LineOut(Schema):
    id: int
    position: int = Field(description="Its place in the table, from 0.")
    sale_type: int = Field(description="Its sale type, whose mode decides the fields it takes.")
    label: str
    quantity: DecimalText | None
    unit_price: DecimalText | None
    days: DecimalText | None
    amount: DecimalText | None = Field(
        description="With a sale type of mode `quantity`: quantity × unit price."
    )
    recurrence: Recurrence
    custom_1: str
    custom_2: str
    custom_3: str
    custom_4: str

    @staticmethod
    def resolve_sale_type(obj: EstimateLine) -> int:
        return obj.sale_type_id


class EstimateOut(Schema):
    """The *Amounts* tab: a general estimate, or a detailed one with its lines (SPEC S3)."""

    opportunity: int
    version: int = Field(description="The opportunity's version, for the next change (P7).")
    mode: EstimateMode = Field(description="`general` or `detailed`, never both.")
    currency: str = Field(description="The currency of the amounts, an ISO 4217 code.")
    amount: DecimalText | None = Field(
        description="The opportunity's amount: with lines, their total."
    )
    days: DecimalText | None = Field(description="The opportunity's days: with lines, their total.")
    lines: list[LineOut] = Field(description="The detailed estimate's lines, in table order.")
    custom_fields: list[str] = Field(
        description="The labels of `custom_1` to `custom_4`, as configured; fewer if fewer are."
    )


class LineValues(InputSchema):
    """The fields of a line; only those sent change, and those its sale type's mode doesn't
    take are emptied: `quantity` takes quantity and unit price (their product is the amount),
    `days` takes days and amount, `amount` the amount only."""

    sale_type: Id = omittable("A sale type; a new line without one takes the first by name.")
    label: LineText = omittable("The line's label.")
    quantity: Quantity | None = omittable("The quantity; null empties it.")
    unit_price: LineAmount | None = omittable("The unit price; null empties it.")
    days: LineDays | None = omittable("The number of days; null empties it.")
    amount: LineAmount | None = omittable("The amount; null empties it.")
    recurrence: Recurrence = omittable("one_off (by default), monthly, quarterly or yearly.")
    custom_1: LineText = omittable("The first custom field of lines.")
    custom_2: LineText = omittable("The second custom field of lines.")
    custom_3: LineText = omittable("The third custom field of lines.")
    custom_4: LineText = omittable("The fourth custom field of lines.")


class LineIn(LineValues):
    version: Version


class VersionIn(InputSchema):
    version: Version


class ModeIn(InputSchema):
    version: Version
    mode: EstimateMode = Field(
        description="`detailed` keeps the general values until a line is entered; `general` "
        "discards the lines and keeps their totals as the estimate."
    )


class CurrencyIn(InputSchema):
    version: Version
    currency: CurrencyCode = Field(
        description="The currency of the whole table; amounts are not converted."
    )


class LineChangeOut(Schema):
    line: LineOut = Field(description="The line added or copied.")
    estimate: EstimateOut = Field(description="The estimate afterwards, with the new version.")


def _estimate(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "opportunity": opportunity.pk,
        "version": opportunity.version,
        "mode": opportunity.estimate_mode,
        "currency": opportunity.currency_id,
        "amount": opportunity.amount,
        "days": opportunity.days,
        "lines": estimate.estimate_lines(opportunity),
        "custom_fields": estimate.custom_field_labels(),
    }


def _line_of(request: HttpRequest, opportunity_id: int, line_id: int) -> EstimateLine:
    """A line of this opportunity: one of another opportunity is not found here."""
    lines = EstimateLine.objects.filter(opportunity_id=opportunity_id)
    return access.get(user_of(request), lines, line_id)


_ESTIMATE = "/opportunities/{id}/estimate"
_LINE = "/opportunities/{id}/estimate/lines/{line_id}"


@router.get(
    _ESTIMATE,
    response={200: EstimateOut, **DETAIL_ERRORS},
    summary="The estimate: general, or detailed with its lines (SPEC S3)",
)
def get_estimate(request: HttpRequest, id: int = path_id("opportunity")) -> dict[str, Any]:
    return _estimate(_opportunity(request, id))


@router.post(
    f"{_ESTIMATE}/mode",
    response={200: EstimateOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Switch between the general and the detailed estimate (SPEC S3)",
)
def set_estimate_mode(
    request: HttpRequest, payload: ModeIn, id: int = path_id("opportunity")
) -> dict[str, Any]:
    switch = (
        estimate.estimate_use_detailed
        if payload.mode == EstimateMode.DETAILED
        else estimate.estimate_use_general
    )
    opportunity = switch(user=user_of(request), opportunity_id=id, version=payload.version)
    return _estimate(opportunity)


@router.post(
    f"{_ESTIMATE}/currency",
    response={200: EstimateOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Change the currency of the estimate (SPEC S3)",
)
def set_estimate_currency(
    request: HttpRequest, payload: CurrencyIn, id: int = path_id("opportunity")
) -> dict[str, Any]:
    opportunity = estimate.estimate_set_currency(
        user=user_of(request), opportunity_id=id, version=payload.version, currency=payload.currency
    )
    return _estimate(opportunity)


@router.post(
    f"{_ESTIMATE}/lines",
    response={201: LineChangeOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Add a line at the end of a detailed estimate (SPEC S3)",
)
def add_estimate_line(
    request: HttpRequest, payload: LineIn, id: int = path_id("opportunity")
) -> Status[dict[str, Any]]:
    line = estimate.line_add(
        user=user_of(request),
        opportunity_id=id,
        version=payload.version,
        values=sent(payload, estimate.LineValues, exclude={"version"}),
    )
    return Status(201, {"line": line, "estimate": _estimate(_opportunity(request, id))})


@router.patch(
    _LINE,
    response={200: EstimateOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Change a line of a detailed estimate; the totals follow (SPEC S3)",
)
def update_estimate_line(
    request: HttpRequest,
    payload: LineIn,
    id: int = path_id("opportunity"),
    line_id: int = path_id("estimate line"),
) -> dict[str, Any]:
    line = _line_of(request, id, line_id)
    estimate.line_update(
        user=user_of(request),
        line_id=line.pk,
        version=payload.version,
        values=sent(payload, estimate.LineValues, exclude={"version"}),
    )
    return _estimate(_opportunity(request, id))


@router.post(
    f"{_LINE}/duplicate",
    response={201: LineChangeOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Copy a line right below it (SPEC S3)",
)
def duplicate_estimate_line(
    request: HttpRequest,
    payload: VersionIn,
    id: int = path_id("opportunity"),
    line_id: int = path_id("estimate line"),
) -> Status[dict[str, Any]]:
    line = _line_of(request, id, line_id)
    copy = estimate.line_duplicate(user=user_of(request), line_id=line.pk, version=payload.version)
    return Status(201, {"line": copy, "estimate": _estimate(_opportunity(request, id))})


@router.delete(
    _LINE,
    response={200: EstimateOut, **DELETE_ERRORS},
    summary="Delete a line of a detailed estimate; the totals follow (SPEC S3)",
)
def delete_estimate_line(
    request: HttpRequest,
    id: int = path_id("opportunity"),
    line_id: int = path_id("estimate line"),
    version: int = params.Query(
        ...,
        ge=1,
        le=2**31 - 1,
        description="The opportunity's version last read (P7); a stale one answers 409.",
    ),
) -> dict[str, Any]:
    line = _line_of(request, id, line_id)
    opportunity = estimate.line_delete(user=user_of(request), line_id=line.pk, version=version)
    return _estimate(opportunity)


# --- actions (S4) -----------------------------------------------------------------------------


class ActionOut(Schema):
    id: int
    opportunity: int
    kind: ActionKind
    subject: str
    notes: str
    due_at: dt.datetime
    assignee: int = Field(description="The collaborator who is to do it.")
    done: bool
    done_at: dt.datetime | None
    overdue: bool = Field(description="Due before now and not done.")
    created_at: dt.datetime

    @staticmethod
    def resolve_opportunity(obj: Action) -> int | None:
        return obj.opportunity_id

    @staticmethod
    def resolve_assignee(obj: Action) -> int:
        return obj.assignee_id

    @staticmethod
    def resolve_overdue(obj: Action) -> bool:
        return obj.is_overdue


class ActionIn(InputSchema):
    kind: ActionKind = Field(description="call, demo, meeting, proposal, email or other.")
    subject: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    due_at: dt.datetime = Field(
        description="ISO 8601; without an offset, the time is read in the server's time zone."
    )
    assignee: Id | None = Field(
        None, description="A collaborator of the opportunity's company; the user by default."
    )
    notes: str = Field("", max_length=10_000, pattern=NO_NUL)


class DoneIn(InputSchema):
    done: bool = Field(True, description="false plans it again.")


def _actions(request: HttpRequest, opportunity: Opportunity) -> QuerySet[Action]:
    return access.scoped(user_of(request), Action.objects.filter(opportunity=opportunity))


@router.get(
    "/opportunities/{id}/actions",
    response={200: list[ActionOut], **DETAIL_ERRORS},
    summary="Planned and done actions of an opportunity, latest due first (SPEC S4)",
)
def list_actions(request: HttpRequest, id: int = path_id("opportunity")) -> list[Action]:
    return list(_actions(request, _opportunity(request, id)).order_by("-due_at", "-id"))


@router.post(
    "/opportunities/{id}/actions",
    response={201: ActionOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Plan an action on an opportunity (SPEC S4, B20)",
)
def create_action(
    request: HttpRequest, payload: ActionIn, id: int = path_id("opportunity")
) -> Status[Action]:
    action = action_services.action_create(
        user=user_of(request),
        opportunity_id=id,
        action=action_services.NewAction(
            kind=payload.kind,
            subject=payload.subject,
            due_at=payload.due_at,
            assignee_id=payload.assignee,
            notes=payload.notes,
        ),
    )
    return Status(201, action)


@router.post(
    "/opportunities/{id}/actions/{action_id}/done",
    response={200: ActionOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Mark an action done, or planned again (SPEC S4)",
)
def mark_action_done(
    request: HttpRequest,
    payload: DoneIn,
    id: int = path_id("opportunity"),
    action_id: int = path_id("action"),
) -> Action:
    action = access.get(user_of(request), Action.objects.filter(opportunity_id=id), action_id)
    return action_services.action_mark_done(
        user=user_of(request), action_id=action.pk, done=payload.done
    )


# --- documents (S5) --------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    opportunity: int
    name: str = Field(description="The file's own name, without any folder.")
    size: int = Field(description="In bytes.")
    content_type: str = Field(description="As the upload declared it, or empty.")
    uploaded_at: dt.datetime
    uploaded_by: int | None

    @staticmethod
    def resolve_opportunity(obj: Document) -> int:
        return obj.opportunity_id

    @staticmethod
    def resolve_name(obj: Document) -> str:
        return obj.original_name

    @staticmethod
    def resolve_uploaded_by(obj: Document) -> int | None:
        return obj.uploaded_by_id


def _document_of(request: HttpRequest, opportunity_id: int, document_id: int) -> Document:
    """A document of this opportunity: one of another opportunity is not found here."""
    documents = Document.objects.filter(opportunity_id=opportunity_id)
    return access.get(user_of(request), documents, document_id)


def _limited_upload(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Stops storing the file once it is larger than a document may be.

    The handler must be in place before the body is read, which happens when the operation's
    parameters are parsed: so it is installed around the whole operation.
    """

    @wraps(run)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        request._document_size_limit = limit_upload_size(request)  # type: ignore[attr-defined]
        return run(request, *args, **kwargs)

    return limited


# Optional to the parser, so that a file too large (whose data was not kept) or none at all
# gets the service's sentence rather than a bare "field required".
_UPLOADED_FILE = params.File(
    None,
    description="The file (required), at most `DOCUMENT_MAX_BYTES` bytes (20 MB unless "
    "configured); it belongs to the opportunity's company.",
)


@router.get(
    "/opportunities/{id}/documents",
    response={200: list[DocumentOut], **DETAIL_ERRORS},
    summary="The documents of an opportunity, newest first (SPEC S5)",
)
def list_documents(request: HttpRequest, id: int = path_id("opportunity")) -> list[Document]:
    opportunity = _opportunity(request, id)
    return list(document_services.documents_of(user_of(request), opportunity))


@router.post(
    "/opportunities/{id}/documents",
    response={201: DocumentOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Attach a file to an opportunity, as multipart form data (SPEC S5)",
)
@decorate_view(_limited_upload)
def upload_document(
    request: HttpRequest,
    id: int = path_id("opportunity"),
    file: UploadedFile | None = _UPLOADED_FILE,
) -> Status[Document]:
    handler = getattr(request, "_document_size_limit", None)
    if isinstance(handler, SizeLimitHandler) and handler.exceeded:
        raise InvalidInput({"file": [document_services.too_large_message()]})
    document = document_services.document_upload(
        user=user_of(request), opportunity_id=id, upload=file
    )
    return Status(201, document)


@router.get(
    "/opportunities/{id}/documents/{document_id}/download",
    response={**DETAIL_ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
    summary="Download a document, always as an attachment of a neutral type (SPEC S5)",
)
def download_document(
    request: HttpRequest,
    id: int = path_id("opportunity"),
    document_id: int = path_id("document"),
) -> FileResponse:
    return attachment_response(_document_of(request, id, document_id))


@router.delete(
    "/opportunities/{id}/documents/{document_id}",
    response={200: DeletedOut, **DELETE_ERRORS},
    summary="Remove a document and its file (SPEC S5)",
)
def delete_document(
    request: HttpRequest,
    id: int = path_id("opportunity"),
    document_id: int = path_id("document"),
) -> DeletedOut:
    document = _document_of(request, id, document_id)
    document_services.document_delete(user=user_of(request), document_id=document.pk)
    return DeletedOut(id=document_id, detail="The document was removed.")


# --- linked contacts (S6) ---------------------------------------------------------------------


class LinkedContactOut(Schema):
    id: int = Field(description="The link's id, to remove it.")
    contact: int
    account: int = Field(description="The contact's account.")
    full_name: str
    function: str
    phone: str
    mobile: str
    email: str
    is_closed: bool
    linked_at: dt.datetime

    @staticmethod
    def resolve_contact(obj: OpportunityContact) -> int:
        return obj.contact_id

    @staticmethod
    def resolve_account(obj: OpportunityContact) -> int:
        return obj.contact.account_id

    @staticmethod
    def resolve_full_name(obj: OpportunityContact) -> str:
        return obj.contact.full_name

    @staticmethod
    def resolve_function(obj: OpportunityContact) -> str:
        return obj.contact.function

    @staticmethod
    def resolve_phone(obj: OpportunityContact) -> str:
        return obj.contact.phone

    @staticmethod
    def resolve_mobile(obj: OpportunityContact) -> str:
        return obj.contact.mobile

    @staticmethod
    def resolve_email(obj: OpportunityContact) -> str:
        return obj.contact.email

    @staticmethod
    def resolve_is_closed(obj: OpportunityContact) -> bool:
        return obj.contact.is_closed or obj.contact.account.is_closed


class LinkIn(InputSchema):
    contact: Id = Field(
        description="A contact of an account of the opportunity's company; a closed one only "
        "with the right `show_closed` (A2)."
    )


@router.get(
    "/opportunities/{id}/linked-contacts",
    response={200: list[LinkedContactOut], **DETAIL_ERRORS},
    summary="The contacts linked to an opportunity (SPEC S6)",
)
def list_linked_contacts(
    request: HttpRequest, id: int = path_id("opportunity")
) -> list[OpportunityContact]:
    return contact_links.linked_contacts(user_of(request), _opportunity(request, id))


@router.post(
    "/opportunities/{id}/linked-contacts",
    response={201: LinkedContactOut, **OPPORTUNITY_WRITE_ERRORS},
    summary="Link a contact to an opportunity (SPEC S6)",
)
def link_contact(
    request: HttpRequest, payload: LinkIn, id: int = path_id("opportunity")
) -> Status[OpportunityContact]:
    link = contact_links.contact_link(
        user=user_of(request), opportunity_id=id, contact_id=payload.contact
    )
    return Status(201, link)


@router.delete(
    "/opportunities/{id}/linked-contacts/{link_id}",
    response={200: DeletedOut, **DELETE_ERRORS},
    summary="Remove a contact's link to an opportunity; the contact stays (SPEC S6)",
)
def unlink_contact(
    request: HttpRequest,
    id: int = path_id("opportunity"),
    link_id: int = path_id("link (the `id` of a linked contact)"),
) -> DeletedOut:
    contact_links.contact_unlink(user=user_of(request), opportunity_id=id, link_id=link_id)
    return DeletedOut(id=link_id, detail="The contact is no longer linked; it stays.")
