"""Shapes of opportunities in the API (SPEC P4-P7): the opportunity, its writes, its transitions.

Amounts and days travel as decimal strings ("1500.00") both ways; a JSON number is accepted
on input too. Dates are ISO 8601. References are ids, the currency its ISO 4217 code.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import PlainSerializer, WithJsonSchema

from salespipe.api.schemas import (
    NO_NUL,
    WRITE_ERRORS,
    FieldError,
    Id,
    InputSchema,
    SearchText,
    omittable,
)
from salespipe.lib.money import weighted
from salespipe.pipeline.models import Opportunity, OpportunityStatus
from salespipe.pipeline.selectors.filters import DEFAULT_SORT, FILTER_PARAMS, BoardFilters
from salespipe.pipeline.selectors.staleness import opportunity_stale_since

# --- numbers, dates, text ---------------------------------------------------------------------


def _two_places(value: Decimal) -> str:
    return f"{value:.2f}"


_DECIMAL_OUT = {"type": "string", "pattern": r"^\d+\.\d{2}$", "examples": ["1500.00"]}

DecimalText = Annotated[
    Decimal,
    PlainSerializer(_two_places, return_type=str),
    WithJsonSchema(_DECIMAL_OUT, mode="serialization"),
]


def _decimal_in(max_digits: int, what: str) -> Any:
    whole = max_digits - 2
    return Field(
        ge=0,
        max_digits=max_digits,
        decimal_places=2,
        description=f"{what}: zero or more, at most {whole} digits before the point and 2 after; "
        'a decimal string ("1500.00") or a number.',
    )


Amount = Annotated[Decimal, _decimal_in(14, "An amount")]
Days = Annotated[Decimal, _decimal_in(8, "A number of days")]
CurrencyCode = Annotated[
    str, Field(pattern=r"^[A-Z]{3}$", description="An ISO 4217 code, such as EUR.")
]
Version = Annotated[
    int,
    Field(
        ge=1,
        le=2**31 - 1,
        description="The `version` last read (SPEC P7): if the opportunity changed since, "
        "the answer is 409 and nothing changes.",
    ),
]
Month = Annotated[
    str,
    Field(
        pattern=r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])$",
        description="A month written YYYY-MM.",
        examples=["2026-03"],
    ),
]


def _text(max_length: int, description: str) -> Any:
    return Field(max_length=max_length, pattern=NO_NUL, description=description)


Name = Annotated[str, _text(200, "The call name.")]
Phone = Annotated[str, _text(32, "A phone number; French when it has no country code.")]
Function = Annotated[str, _text(120, "The contact's function in its company.")]
Email = Annotated[str, _text(254, "An email address.")]
Description = Annotated[str, _text(10_000, "Free text about the deal.")]
TagIds = Annotated[
    list[Id], Field(max_length=100, description="Ids of tags of kind `opportunity`.")
]


# --- the opportunity (P4) ---------------------------------------------------------------------


class OpportunityOut(Schema):
    """An opportunity with exactly the fields of SPEC P4."""

    id: int
    name: str = Field(description="The call name.")
    account: int
    company: int = Field(description="The company that owns it: the portfolio's.")
    portfolio: int
    stage: int
    status: OpportunityStatus
    amount: DecimalText | None = Field(description="In `currency`.")
    currency: str = Field(description="ISO 4217 code of the amount's currency.")
    days: DecimalText | None
    weighted_amount: DecimalText | None = Field(
        description="`amount` × the stage's probability, to the cent."
    )
    weighted_days: DecimalText | None = Field(
        description="`days` × the stage's probability, to the hundredth."
    )
    salesperson: int
    contact: int | None
    phone: str
    mobile: str
    function: str
    email: str
    expected_signature_date: dt.date | None
    tags: list[int] = Field(description="Ids of its tags, in increasing order.")
    description: str
    signed_on: dt.date | None = Field(description="Set when won.")
    lost_on: dt.date | None = Field(description="Set when lost, abandoned or out of target.")
    loss_reason: int | None
    version: int = Field(description="Send it back with a change (SPEC P7).")
    created_at: dt.datetime
    updated_at: dt.datetime
    stale: bool = Field(
        description="Gone stale (SPEC X1): open, unchanged for longer than its stage's stale "
        "delay, and no action planned for it from now on."
    )
    stale_since: dt.datetime | None = Field(description="When it went stale; null if it is not.")

    @staticmethod
    def resolve_account(obj: Opportunity) -> int:
        return obj.account_id

    @staticmethod
    def resolve_stale(obj: Opportunity) -> bool:
        return OpportunityOut.resolve_stale_since(obj) is not None

    @staticmethod
    def resolve_stale_since(obj: Opportunity) -> dt.datetime | None:
        # Read once per object, though two fields ask.
        cached: dt.datetime | bool | None = getattr(obj, "_stale_since", False)
        if cached is False:
            cached = opportunity_stale_since(obj, timezone.now())
            obj._stale_since = cached  # type: ignore[attr-defined]
        return cached if isinstance(cached, dt.datetime) else None

    @staticmethod
    def resolve_company(obj: Opportunity) -> int:
        return obj.company_id

    @staticmethod
    def resolve_portfolio(obj: Opportunity) -> int:
        return obj.portfolio_id

    @staticmethod
    def resolve_stage(obj: Opportunity) -> int:
        return obj.stage_id

    @staticmethod
    def resolve_currency(obj: Opportunity) -> str:
        return obj.currency_id

    @staticmethod
    def resolve_salesperson(obj: Opportunity) -> int:
        return obj.salesperson_id

    @staticmethod
    def resolve_contact(obj: Opportunity) -> int | None:
        return obj.contact_id

    @staticmethod
    def resolve_loss_reason(obj: Opportunity) -> int | None:
        return obj.loss_reason_id

    @staticmethod
    def resolve_tags(obj: Opportunity) -> list[int]:
        return sorted(tag.pk for tag in obj.tags.all())


# The columns a list reads to answer OpportunityOut's fields without loading an Opportunity:
# validating a pydantic object per row costs several times reading the rows.
P4_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "account_id",
    "company_id",
    "portfolio_id",
    "stage_id",
    "stage__probability",
    "status",
    "amount",
    "currency_id",
    "days",
    "salesperson_id",
    "contact_id",
    "phone",
    "mobile",
    "function",
    "email",
    "expected_signature_date",
    "description",
    "signed_on",
    "lost_on",
    "loss_reason_id",
    "version",
    "created_at",
    "updated_at",
    "stage__stale_after_days",
)
# The API's own encoder writes dates and times, so that a row reads as OpportunityOut does.
_ENCODER = NinjaJSONEncoder()


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else _two_places(value)


def _moment(value: dt.date | None) -> str | None:
    return None if value is None else str(_ENCODER.default(value))


def p4_dict(
    row: Mapping[str, Any], tags: list[int], stale: dt.datetime | None = None
) -> dict[str, Any]:
    """A row of `P4_COLUMNS` as OpportunityOut writes it, ready for JSON (SPEC P4).

    `tags` are the opportunity's tag ids, in increasing order; `stale`, when it went stale
    (`rows_stale_since`).
    """
    probability = row["stage__probability"]
    return {
        "id": row["id"],
        "name": row["name"],
        "account": row["account_id"],
        "company": row["company_id"],
        "portfolio": row["portfolio_id"],
        "stage": row["stage_id"],
        "status": row["status"],
        "amount": _decimal_text(row["amount"]),
        "currency": row["currency_id"],
        "days": _decimal_text(row["days"]),
        "weighted_amount": _decimal_text(weighted(row["amount"], probability)),
        "weighted_days": _decimal_text(weighted(row["days"], probability)),
        "salesperson": row["salesperson_id"],
        "contact": row["contact_id"],
        "phone": row["phone"],
        "mobile": row["mobile"],
        "function": row["function"],
        "email": row["email"],
        "expected_signature_date": _moment(row["expected_signature_date"]),
        "tags": tags,
        "description": row["description"],
        "signed_on": _moment(row["signed_on"]),
        "lost_on": _moment(row["lost_on"]),
        "loss_reason": row["loss_reason_id"],
        "version": row["version"],
        "created_at": _moment(row["created_at"]),
        "updated_at": _moment(row["updated_at"]),
        "stale": stale is not None,
        "stale_since": None if stale is None else _moment(stale),
    }


class MandatoryFieldsIn(InputSchema):
    """Values for the fields a stage can make mandatory; only those sent change."""

    amount: Amount | None = omittable("The amount; null leaves it empty.")
    days: Days | None = omittable("The number of days; null leaves it empty.")
    expected_signature_date: dt.date | None = omittable("The expected signature date.")
    contact: Id | None = omittable(
        "A contact of the opportunity's account; its phone, mobile, function and email fill "
        "those still empty."
    )
    phone: Phone = omittable("A phone number.")
    mobile: Phone = omittable("A mobile phone number.")
    function: Function = omittable("The contact's function.")
    email: Email = omittable("An email address.")
    description: Description = omittable("Free text about the deal.")
    tags: TagIds = omittable("Ids of tags of kind `opportunity`; replaces its tags.")


class OpportunityFieldsIn(MandatoryFieldsIn):
    """Every field a user writes on the sheet (SPEC O2, S2)."""

    name: Name = omittable("The call name.")
    account: Id = omittable("An account of the opportunity's company.")
    currency: CurrencyCode = omittable("The currency of the amount.")
    salesperson: Id = omittable("A collaborator of the opportunity's company.")


class OpportunityIn(OpportunityFieldsIn):
    """A new opportunity (SPEC O2-O4). `name` and `account` are required."""

    portfolio: Id = Field(description="A portfolio of a company the user is scoped on.")
    stage: Id | None = Field(
        None,
        description="The stage it starts in: by default the portfolio's default stage, else "
        "its first open stage. Another stage needs the right `change_default_stage` (O3).",
    )
    fallback_to_first_stage: bool = Field(
        False,
        description="When the stage or one before it has mandatory fields left empty: true "
        "creates it in the first stage instead (O4); false answers 422 with `missing`.",
    )


class OpportunityPatch(OpportunityFieldsIn):
    """Only the fields sent change (SPEC S2, P7)."""

    version: Version
    portfolio: Id = omittable(
        "Another portfolio of the same company and stages, while the opportunity is open."
    )


# --- transitions (P5) -------------------------------------------------------------------------

_FIELDS_DESCRIPTION = (
    "Values for the mandatory fields of the stages entered; a 422 answer lists in `missing` "
    "those still empty, per stage."
)


class MoveIn(InputSchema):
    version: Version
    stage: Id = Field(description="An open stage of the opportunity's stages (SPEC B14).")
    fields: MandatoryFieldsIn = Field(
        default_factory=MandatoryFieldsIn, description=_FIELDS_DESCRIPTION
    )


class WinIn(InputSchema):
    version: Version
    stage: Id = Field(description="A won stage of the opportunity's stages (SPEC B16).")
    signed_on: dt.date = Field(description="The day it was signed.")
    fields: MandatoryFieldsIn = Field(
        default_factory=MandatoryFieldsIn, description=_FIELDS_DESCRIPTION
    )


class LoseIn(InputSchema):
    version: Version
    reason: Id = Field(
        description="A loss reason; the opportunity takes its status: lost, abandoned or out "
        "of target (SPEC B17)."
    )
    lost_on: dt.date = Field(description="The day it was lost.")


class ReuseIn(InputSchema):
    version: Version
    portfolio: Id = Field(
        description="A portfolio of the opportunity's company; it starts again, open, in its "
        "first stage (SPEC B19)."
    )


class ScheduleIn(InputSchema):
    version: Version
    month: Month = Field(
        description="The month it is expected to sign in: its last day becomes the expected "
        "signature date (SPEC C3)."
    )


class DeletedOut(Schema):
    id: int = Field(description="The id of what was deleted.")
    detail: str = Field(description="What was done, in a sentence.")


# --- errors of writes -------------------------------------------------------------------------


class StageMissing(Schema):
    stage: int = Field(description="A stage entered by the change.")
    fields: list[str] = Field(description="Its mandatory fields still empty, in asking order.")


class MissingFieldsOut(Schema):
    """Invalid input, or mandatory fields left empty (SPEC P5); nothing was changed."""

    detail: str = Field(description="What went wrong, in a sentence.")
    errors: list[FieldError] = Field(
        default_factory=list, description="Each invalid or missing value, with where it was."
    )
    missing: list[StageMissing] = Field(
        default_factory=list,
        description="Per stage entered, the mandatory fields still empty: send them in "
        "`fields` (or as the opportunity's own fields on creation).",
    )


class ConflictOut(Schema):
    """A stale version, or a change refused in the opportunity's current state."""

    detail: str = Field(description="What went wrong, in a sentence.")
    version: int | None = Field(
        None, description="The opportunity's current version, when the conflict is a stale one."
    )


OPPORTUNITY_WRITE_ERRORS: dict[int, type[Schema]] = {
    **WRITE_ERRORS,
    409: ConflictOut,
    422: MissingFieldsOut,
}
DELETE_ERRORS: dict[int, type[Schema]] = {
    **{status: schema for status, schema in WRITE_ERRORS.items() if status != 400},
    409: ConflictOut,
}


# --- filters shared by the list, the board, the calendar and the closed lists -----------------


class CardFilters(Schema):
    """The board's filters (SPEC B8-B12); they combine with AND."""

    salesperson: Id | None = Field(None, description="Only the opportunities of this salesperson.")
    team: Id | None = Field(None, description="Only those whose salesperson is of this team.")
    department: Id | None = Field(
        None, description="Only those whose salesperson is of this department."
    )
    tags: list[Id] = Field(
        default_factory=list,
        max_length=20,
        description="Tag ids, the parameter repeated: only those carrying every one of them.",
    )
    currency: CurrencyCode | None = Field(None, description="Only those in this currency.")
    amount_min: Amount | None = Field(
        None, description="Only those of at least this amount, in their own currency."
    )
    amount_max: Amount | None = Field(
        None, description="Only those of at most this amount, in their own currency."
    )
    signature_from: dt.date | None = Field(
        None, description="Only those expected to sign on this day or later."
    )
    signature_to: dt.date | None = Field(
        None, description="Only those expected to sign on this day or earlier."
    )
    planned: bool | None = Field(
        None, description="true: only those with an action planned; false: only those without."
    )
    mine: bool = Field(False, description="Only those the user created.")
    stale: bool = Field(
        False,
        description="Only those gone stale (SPEC X1): unchanged for longer than their stage's "
        "stale delay, with no action planned from now on.",
    )
    q: SearchText | None = Field(
        None,
        description="The first letters of the account's or the contact's name, or the first "
        "digits of the account's SIREN (SPEC B11).",
    )
    reach: SearchText | None = Field(
        None,
        description="The first digits of a phone number (spaces and +33/0 ignored) or the "
        "first characters of an email, of the opportunity or its account (SPEC B12).",
    )

    def board_filters(self, sort: str = DEFAULT_SORT) -> BoardFilters:
        """The same filters as the pipeline's selectors take them."""
        return BoardFilters.from_typed(
            {param.name: getattr(self, param.name) for param in FILTER_PARAMS}, sort
        )


SORT_DESCRIPTION = (
    "The order: expected signature `signature`, `amount` (in the board's currency, at the "
    "rates of its totals), call `name`, `account` name (case and accents ignored), `created`, "
    "`updated` (last change); a leading `-` reverses it. Empty values, and amounts no rate "
    "converts, come last."
)


class ScopeOut(Schema):
    """What is shown: one portfolio, a group (a stage template's portfolios), or all of them."""

    label: str = Field(description="The portfolio's or the group's name, as the page shows it.")
    portfolio: int | None = Field(description="The portfolio shown, if one is.")
    group: int | None = Field(description="The stage template whose portfolios are shown.")
    can_create: bool = Field(
        description="Whether opportunities may be created here: on a portfolio of the user's "
        "companies only (SPEC B7, C4)."
    )
