"""What narrows and orders the cards of the board, the calendar and the lists (B8-B13, C4).

`BoardFilters.from_params` reads a query string (a `QueryDict` or any mapping); it never
raises: a value it can't read is left out and reported in `errors`, so a page still shows
and can say which filter was ignored. Parameters:

| parameter | meaning |
| --- | --- |
| `salesperson`, `team`, `department` | ids (B8); several combine with AND |
| `tags` | tag ids, repeated or comma-separated; a card must carry *all* of them (B10: filters combine with AND, and so do the tags of one filter) |
| `currency` | a currency code |
| `amount_min`, `amount_max` | bounds on the amount, in the card's own currency |
| `signature_from`, `signature_to` | bounds on the expected signature date, YYYY-MM-DD, inclusive |
| `planned` | `yes`: an action not done is planned; `no`: none is |
| `mine` | `1`/`true`/`yes`/`on`: created by the user |
| `stale` | `1`/`true`/`yes`/`on`: gone stale (X1): unchanged for its stage's stale delay, no action planned from now on |
| `q` | B11: first letters of the account's or contact's name, or first digits of the account's SIREN |
| `reach` | B12: first digits of a phone (the opportunity's or the account's; spaces and +33/0 ignored) or first characters of an email |
| `sort` | `signature`, `amount`, `name`, `account`, `created`, `updated`; `-` first for descending; default `signature` |

Sorting puts cards without a value (no date, no amount) last in both directions; ties
are broken by id, so that a page of cards is stable. Amounts are compared in the board's
currency, converted at the rates of its totals (an amount no rate converts comes last, as
the totals leave it out); names and accounts with case and accents ignored, as the
language's collation has them, the same on every database.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, get_args

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import Expression, OrderBy
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.activities.models import Action
from salespipe.lib.parse import decimal, integer
from salespipe.lib.phones import query_phone_key
from salespipe.lib.text import search_key
from salespipe.org.models import Collaborator
from salespipe.org.rates import RateTable
from salespipe.pipeline.models import Opportunity, OpportunityStatus, Stage

SORT_KEYS: dict[str, Any] = {
    "signature": F("expected_signature_date"),
    "amount": F("amount"),
    "name": F("name_key"),
    "account": F("account__name_key"),
    "created": F("created_at"),
    "updated": F("updated_at"),
}
# Every sort of a board, a calendar and the API (B9), written once: a leading "-" reverses
# one. The API's schemas and the pages' choices read it; `SORT_KEYS` says what each compares.
SortName = Literal[
    "signature",
    "-signature",
    "amount",
    "-amount",
    "name",
    "-name",
    "account",
    "-account",
    "created",
    "-created",
    "updated",
    "-updated",
]
SORT_NAMES: tuple[SortName, ...] = get_args(SortName)
if {name.removeprefix("-") for name in SORT_NAMES} != set(SORT_KEYS):
    raise ImproperlyConfigured("Each sort of `SortName` needs its key in `SORT_KEYS`.")
DEFAULT_SORT = "signature"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _stale_condition(now: dt.datetime) -> Q:
    """X1 in SQL, as `rules.stale_since` says it: unchanged for its stage's stale delay, and
    no action planned from now on. The stages that have a delay are few: one small query."""
    delays = Stage.objects.filter(stale_after_days__isnull=False).values_list(
        "pk", "stale_after_days"
    )
    idle = Q(pk__in=[])
    for stage_id, days in delays:
        if days is not None:
            idle |= Q(stage_id=stage_id, updated_at__lte=now - dt.timedelta(days=days))
    ahead = Action.objects.filter(opportunity_id=OuterRef("pk"), done=False, due_at__gte=now)
    # Only an open deal goes stale: a lost one may stay in an open stage.
    return Q(status=OpportunityStatus.OPEN) & idle & Q(~Exists(ahead))


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    """Every value given for `name`, from a QueryDict or a plain mapping."""
    getlist = getattr(params, "getlist", None)
    if callable(getlist):
        raw = list(getlist(name))
    else:
        value = params.get(name)
        raw = list(value) if isinstance(value, list | tuple) else [value]
    return [str(item).strip() for item in raw if item is not None and str(item).strip()]


FilterKind = Literal["id", "ids", "currency", "amount", "date", "yes_no", "switch", "text"]


@dataclass(frozen=True)
class FilterParam:
    # Its name in a page's address and in the API.
    name: str
    # The attribute of `BoardFilters` it sets.
    attribute: str
    # How it is read and written back: an id, ids (repeated or comma-separated), a currency
    # code, an amount, a date, yes/no (or unset), a switch (on or off), text.
    kind: FilterKind


# Every filter of the board, the calendar, the lists and the API (B8-B12), written once, in
# the order of a page's address: the pages read and write them through `BoardFilters`, the
# API's `CardFilters` declares a field of each name (a test holds them equal).
FILTER_PARAMS: tuple[FilterParam, ...] = (
    FilterParam("salesperson", "salesperson", "id"),
    FilterParam("team", "team", "id"),
    FilterParam("department", "department", "id"),
    FilterParam("currency", "currency", "currency"),
    FilterParam("amount_min", "amount_min", "amount"),
    FilterParam("amount_max", "amount_max", "amount"),
    FilterParam("signature_from", "signature_from", "date"),
    FilterParam("signature_to", "signature_to", "date"),
    FilterParam("tags", "tags", "ids"),
    FilterParam("planned", "planned_action", "yes_no"),
    FilterParam("mine", "created_by_me", "switch"),
    FilterParam("stale", "stale_only", "switch"),
    FilterParam("q", "search", "text"),
    FilterParam("reach", "reach", "text"),
)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class BoardFilters:
    salesperson: int | None = None
    team: int | None = None
    department: int | None = None
    tags: tuple[int, ...] = ()
    currency: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    signature_from: dt.date | None = None
    signature_to: dt.date | None = None
    planned_action: bool | None = None
    created_by_me: bool = False
    # X1: only the opportunities gone stale.
    stale_only: bool = False
    search: str = ""
    reach: str = ""
    sort: str = DEFAULT_SORT
    # The parameters that could not be read, with why; they filter nothing.
    errors: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def narrows(self) -> bool:
        """Whether a filter or a search leaves some open opportunities out; the sort and
        unreadable parameters leave none out."""
        return self != BoardFilters(sort=self.sort)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "BoardFilters":
        errors: dict[str, str] = {}

        def first(name: str) -> str | None:
            values = _values(params, name)
            return values[0] if values else None

        def an_id(name: str) -> int | None:
            text = first(name)
            if text is None:
                return None
            found = integer(text)
            if found is not None:
                return found
            errors[name] = _("An id is expected.")
            return None

        def ids(name: str) -> tuple[int, ...]:
            found: list[int] = []
            for text in _values(params, name):
                for part in text.split(","):
                    part = part.strip()
                    value = integer(part)
                    if value is not None:
                        found.append(value)
                    elif part:
                        errors[name] = _("Tag ids are expected.")
            return tuple(dict.fromkeys(found))

        def a_decimal(name: str) -> Decimal | None:
            text = first(name)
            if text is None:
                return None
            value = decimal(text)
            if value is None:
                errors[name] = _("A number is expected.")
            return value

        def a_date(name: str) -> dt.date | None:
            text = first(name)
            if text is None:
                return None
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                errors[name] = _("A date written YYYY-MM-DD is expected.")
                return None

        def a_flag(name: str) -> bool | None:
            text = first(name)
            if text is None:
                return None
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            errors[name] = _("Yes or no is expected.")
            return None

        def a_currency(name: str) -> str | None:
            text = first(name)
            if text is None:
                return None
            if len(text) == 3 and text.isalpha():
                return text.upper()
            errors[name] = _("A currency code such as EUR is expected.")
            return None

        readers: dict[FilterKind, Any] = {
            "id": an_id,
            "ids": ids,
            "currency": a_currency,
            "amount": a_decimal,
            "date": a_date,
            "yes_no": a_flag,
            "switch": lambda name: bool(a_flag(name)),
            "text": lambda name: first(name) or "",
        }
        values = {param.attribute: readers[param.kind](param.name) for param in FILTER_PARAMS}
        sort = first("sort") or DEFAULT_SORT
        if sort.removeprefix("-") not in SORT_KEYS:
            errors["sort"] = _("Unknown sort order.")
            sort = DEFAULT_SORT
        return cls(**values, sort=sort, errors=errors)

    @classmethod
    def from_typed(cls, values: Mapping[str, Any], sort: str = DEFAULT_SORT) -> "BoardFilters":
        """The filters from values already read (the API's), named as in `FILTER_PARAMS`;
        a name not given is not set."""
        normal: dict[FilterKind, Any] = {
            "ids": lambda value: tuple(dict.fromkeys(value or ())),
            "switch": bool,
            "text": lambda value: value or "",
        }
        return cls(
            **{
                param.attribute: normal.get(param.kind, _same)(values.get(param.name))
                for param in FILTER_PARAMS
            },
            sort=sort,
        )

    def to_params(self) -> dict[str, str]:
        """The query string that gives these filters back, without the defaults."""
        params: dict[str, str] = {}
        for param in FILTER_PARAMS:
            value = getattr(self, param.attribute)
            # Unset: None, nothing, a switch off; an amount or an id of 0 and a "no" are set.
            if value is None or (param.kind in ("ids", "switch", "text") and not value):
                continue
            if param.kind == "ids":
                params[param.name] = ",".join(str(item) for item in value)
            elif param.kind == "yes_no":
                params[param.name] = "yes" if value else "no"
            elif param.kind == "switch":
                params[param.name] = "1"
            else:
                params[param.name] = str(value)
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        return params

    @property
    def advanced_count(self) -> int:
        """How many filters of the advanced dialog (B10) are on, for its button."""
        return sum(
            [
                bool(self.tags),
                self.currency is not None,
                self.amount_min is not None or self.amount_max is not None,
                self.signature_from is not None or self.signature_to is not None,
                self.planned_action is not None,
                self.created_by_me,
                self.stale_only,
            ]
        )

    def apply(self, queryset: QuerySet[Opportunity], user: Collaborator) -> QuerySet[Opportunity]:
        """`queryset` narrowed by every filter and search set; the order is left alone."""
        conditions = Q()
        if self.salesperson is not None:
            conditions &= Q(salesperson_id=self.salesperson)
        if self.team is not None:
            conditions &= Q(salesperson__team_id=self.team)
        if self.department is not None:
            conditions &= Q(salesperson__department_id=self.department)
        if self.currency is not None:
            conditions &= Q(currency_id=self.currency)
        if self.amount_min is not None:
            conditions &= Q(amount__gte=self.amount_min)
        if self.amount_max is not None:
            conditions &= Q(amount__lte=self.amount_max)
        if self.signature_from is not None:
            conditions &= Q(expected_signature_date__gte=self.signature_from)
        if self.signature_to is not None:
            conditions &= Q(expected_signature_date__lte=self.signature_to)
        if self.created_by_me:
            conditions &= Q(created_by=user)
        if self.search:
            conditions &= _search_condition(self.search)
        if self.reach:
            conditions &= _reach_condition(self.reach)
        queryset = queryset.filter(conditions)
        for tag in self.tags:
            carries = Opportunity.tags.through.objects.filter(
                opportunity_id=OuterRef("pk"), tag_id=tag
            )
            queryset = queryset.filter(Exists(carries))
        if self.planned_action is not None:
            planned = Exists(Action.objects.filter(opportunity_id=OuterRef("pk"), done=False))
            queryset = queryset.filter(planned if self.planned_action else ~planned)
        if self.stale_only:
            queryset = queryset.filter(_stale_condition(timezone.now()))
        return queryset

    def sort_key(self, rates: RateTable | None = None) -> Any:
        """What the cards are sorted on (B9); an amount in `rates`' currency when given."""
        name = self.sort.removeprefix("-")
        if name == "amount" and rates is not None:
            return converted_amount(rates)
        return SORT_KEYS.get(name, SORT_KEYS[DEFAULT_SORT])

    def ordering(self, rates: RateTable | None = None) -> list[OrderBy]:
        """The ORDER BY of the cards inside a column (B9)."""
        descending = self.sort.startswith("-")
        key = self.sort_key(rates)
        primary = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
        return [primary, F("id").asc()]


def converted_amount(rates: RateTable) -> Expression:
    """The amount in the currency of `rates`, at the rates its totals use; empty when no
    rate converts it. A float: the order is what matters, and both databases keep it exact
    from one query to the next (the cards after a given one are read by its value)."""
    conversions = [When(currency_id=rates.target, then=F("amount"))]
    conversions += [
        When(currency_id=code, then=F("amount") * Value(rate))
        for code, rate in sorted(rates.known().items())
    ]
    return Cast(Case(*conversions, default=Value(None)), output_field=FloatField())


def _search_condition(text: str) -> Q:
    """B11: prefixes of the account's name, the contact's name or the account's SIREN."""
    key = search_key(text)
    if not key:
        return Q()
    # A contact's key is "last first": its first name starts after a space.
    condition = (
        Q(account__name_key__startswith=key)
        | Q(contact__name_key__startswith=key)
        | Q(contact__name_key__contains=f" {key}")
    )
    digits = text.replace(" ", "")
    if digits.isdigit():
        condition |= Q(account__siren__startswith=digits)
    return condition


def _reach_condition(text: str) -> Q:
    """B12: a phone's first digits, or an email's first characters."""
    text = text.strip()
    if not text:
        return Q()
    # ASCII digits, as phone keys and the browser's search read them.
    looks_like_phone = all(ch in "0123456789 +.-()" for ch in text)
    if looks_like_phone:
        key = query_phone_key(text)
        return (
            Q(phone_key__startswith=key)
            | Q(mobile_key__startswith=key)
            | Q(account__phone_key__startswith=key)
        )
    return Q(email__istartswith=text) | Q(account__email__istartswith=text)
