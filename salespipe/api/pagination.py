"""Keyset pagination: every page costs about the same, however deep in the list it is.

An offset makes the database read and skip every row before the page; a cursor instead
remembers the sort value and id of the last row shown, and the next page starts right after
it through the index. The cursor is opaque to clients (base64 of a small JSON document) and
names the sort it was made for, so that it can't be replayed on another order.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Q
from ninja import Field, Schema
from ninja.errors import ValidationError

from salespipe.api.schemas import MAX_ID

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
_SORT_ALIAS = "_page_key"


class PageParams(Schema):
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        description=f"How many objects per page; at most {MAX_LIMIT}, a larger value gives {MAX_LIMIT}.",
    )
    cursor: str | None = Field(
        None,
        max_length=2000,
        pattern=r"^[A-Za-z0-9_=-]*$",
        description="The `next` of the previous page; omit it for the first page.",
    )


@dataclass(frozen=True)
class Ordering:
    """A sort a list offers: a field (a path through relations is fine), then the id."""

    name: str
    field: str
    descending: bool = False
    nullable: bool = False

    @classmethod
    def of(cls, name: str, field: str | None = None, *, nullable: bool = False) -> "Ordering":
        """`Ordering.of("-name", "name_key")`: the public name says the direction."""
        descending = name.startswith("-")
        return cls(name, field or name.lstrip("-"), descending=descending, nullable=nullable)


@dataclass(frozen=True)
class PageResult[R]:
    """The rows of a page: model instances, or dicts when the queryset reads `values()`."""

    items: list[R]
    next: str | None


def _invalid_cursor(reason: str) -> ValidationError:
    return ValidationError([{"loc": ("query", "cursor"), "msg": reason, "type": "invalid_cursor"}])


def _encode(ordering: Ordering, value: Any, pk: int) -> str:
    if isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = json.dumps({"o": ordering.name, "k": [value, pk]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(ordering: Ordering, cursor: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        value, pk = data["k"]
        name = data["o"]
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise _invalid_cursor("Not a cursor this API gave; use the `next` of a page.") from exc
    if name != ordering.name:
        raise _invalid_cursor("This cursor was made for another sort order.")
    if not (_is_key(pk) and pk >= 1) or not (value is None or _is_key(value) or _is_text(value)):
        raise _invalid_cursor("Not a cursor this API gave; use the `next` of a page.")
    return value, pk


def _is_key(value: object) -> bool:
    # bool is an int to Python, not to a cursor; beyond 64 bits the database would fail.
    return type(value) is int and -MAX_ID <= value <= MAX_ID


def _is_text(value: object) -> bool:
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:  # a lone surrogate, which no database column holds
        return False
    return True


def _after(ordering: Ordering, value: Any, pk: int) -> Q:
    """The rows that come after (value, pk) in this order; nulls always come last."""
    after_pk = Q(pk__lt=pk) if ordering.descending else Q(pk__gt=pk)
    key = _SORT_ALIAS
    if value is None:
        return Q(**{f"{key}__isnull": True}) & after_pk
    beyond = "lt" if ordering.descending else "gt"
    bound = "lte" if ordering.descending else "gte"
    # The redundant bound lets the database start from the index instead of testing every row.
    condition = Q(**{f"{key}__{bound}": value}) & (
        Q(**{f"{key}__{beyond}": value}) | (Q(**{key: value}) & after_pk)
    )
    if ordering.nullable:
        condition |= Q(**{f"{key}__isnull": True})
    return condition


def _position(row: object) -> tuple[Any, int]:
    """The sort value and id of a row, an instance or a `values()` dict (which reads `id`)."""
    if isinstance(row, dict):
        return row[_SORT_ALIAS], row["id"]
    assert isinstance(row, models.Model)
    return getattr(row, _SORT_ALIAS), row.pk


def paginate[M: models.Model, R](
    queryset: models.QuerySet[M, R], params: PageParams, ordering: Ordering
) -> PageResult[R]:
    """One page of `queryset` in `ordering`, with the cursor of the next one.

    A `values()` queryset gives dicts, which must hold the `id`; the sort value is added.
    """
    limit = min(params.limit, MAX_LIMIT)
    sort_key = F(ordering.field)
    queryset = queryset.annotate(**{_SORT_ALIAS: sort_key}).order_by(
        sort_key.desc(nulls_last=True) if ordering.descending else sort_key.asc(nulls_last=True),
        "-pk" if ordering.descending else "pk",
    )
    if params.cursor:
        value, pk = _decode(ordering, params.cursor)
        try:
            queryset = queryset.filter(_after(ordering, value, pk))
        except (DjangoValidationError, ValueError, TypeError) as exc:
            raise _invalid_cursor("Not a cursor this API gave; use the `next` of a page.") from exc
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return PageResult(rows, None)
    return PageResult(rows[:limit], _encode(ordering, *_position(rows[limit - 1])))
