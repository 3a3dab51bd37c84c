"""The cards of a board or calendar column (SPEC B2, B11, B12, B20), read as plain values.

A page draws hundreds of cards. Built as model instances, with their account, contact,
salesperson, stage and tags, a card cost several times what drawing it does; read as one
row of plain values, it costs about what a hand-written query does. A card holds what it
shows, and what live search matches it by, and nothing more: the sheet reads the rest.
"""

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast, Coalesce, JSONObject, Length
from django.utils import timezone

from salespipe.activities.models import Action
from salespipe.lib.money import weighted as weighted_value
from salespipe.lib.phones import phone_search_key
from salespipe.lib.prepared import prepared_rows
from salespipe.lib.text import search_key
from salespipe.pipeline.models import HistoryEntry, HistoryKind, Opportunity, Stage
from salespipe.pipeline.services.rules import (
    Readiness,
    next_open_stages,
    readiness,
    stale_since,
)


@dataclass(frozen=True, slots=True)
class NextAction:
    """B20: the first planned action of a card, not done, soonest due."""

    id: int
    kind: str
    subject: str
    due_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Card:
    """One opportunity as a card (B2): amount and days in its own currency, weighted if asked."""

    id: int
    name: str
    version: int
    portfolio_id: int
    stage_id: int
    stage_name: str
    account_id: int
    account_name: str
    # The contact's full name, "" without a contact.
    contact_name: str
    salesperson_id: int
    salesperson_name: str
    currency_id: str
    expected_signature_date: dt.date | None
    amount: Decimal | None
    days: Decimal | None
    # (id, name) of its tags, by name.
    tags: tuple[tuple[int, str], ...]
    next_action: NextAction | None
    # What live search compares (B11, B12), one key per line.
    names: str
    phones: str
    emails: str
    # X3: its fields against the next open stage's mandatory ones; None when that asks none.
    readiness: Readiness | None = None
    # X1: when it went stale; None while it is not.
    stale_since: dt.datetime | None = None
    # Its last change.
    updated_at: dt.datetime | None = None
    # X2: how many times its expected signature date was pushed later.
    slips: int = 0

    @property
    def has_planned_action(self) -> bool:
        return self.next_action is not None

    @property
    def tag_ids(self) -> list[int]:
        return sorted(tag_id for tag_id, _name in self.tags)


# X2: the changes of its expected signature to a later date, from the history. Dates are kept
# there as ISO text, which sorts as the dates do; a date given where there was none, or taken
# away, pushes nothing back.
_SLIPS = Coalesce(
    Subquery(
        HistoryEntry.objects.filter(
            opportunity_id=OuterRef("pk"),
            kind=HistoryKind.CHANGED,
            field="expected_signature_date",
            new_value__gt=F("old_value"),
        )
        .exclude(old_value="")
        .order_by()
        .values("opportunity_id")
        .annotate(count=Count("pk"))
        .values("count")[:1]
    ),
    0,
)

# The columns a card is read from, in the order `_card` unpacks them.
CARD_COLUMNS = (
    "id",
    "name",
    "version",
    "portfolio_id",
    "stage_id",
    "stage__probability",
    "stage__name",
    "currency_id",
    "expected_signature_date",
    "amount",
    "days",
    "phone",
    "phone_key",
    "mobile",
    "mobile_key",
    "email",
    "account_id",
    "account__name",
    "account__name_key",
    "account__siren",
    "account__phone_key",
    "account__email",
    "contact__first_name",
    "contact__last_name",
    "contact__name_key",
    "contact__phone",
    "contact__mobile",
    "contact__email",
    "salesperson_id",
    "salesperson__first_name",
    "salesperson__last_name",
    "salesperson__username",
    # For its readiness (X3): the fields a stage may make mandatory that it doesn't show.
    "contact_id",
    "function",
    # Its length: the services store text stripped, so any length is a description.
    Length("description"),
    # For its staleness (X1).
    "updated_at",
    # X2: how many times its expected signature was pushed later.
    _SLIPS,
)


# --- A card with its tags and next action in its own row --------------------------------------
#
# A change's answer reads a card or two, on every change: their tags and next actions come in
# the same row, by subqueries, rather than by two more queries. The tags as a JSON object per
# tag, joined by commas (sorted here: SQLite before 3.44 can't order GROUP_CONCAT).

_PLANNED = Action.objects.filter(opportunity_id=OuterRef("pk"), done=False)
_FIRST_PLANNED = _PLANNED.order_by("due_at", "id")
RELATION_COLUMNS = {
    "card_tags": Subquery(
        Opportunity.tags.through.objects.filter(opportunity_id=OuterRef("pk"))
        .order_by()
        .values("opportunity_id")
        .annotate(
            listed=StringAgg(
                Cast(JSONObject(id="tag_id", name="tag__name"), TextField()), Value(",")
            )
        )
        # The type checker's plugin knows no alias made by `annotate` in a subquery.
        .values("listed")[:1]  # type: ignore[misc]
    ),
    "next_action_id": Subquery(_FIRST_PLANNED.values("id")[:1]),
    "next_action_kind": Subquery(_FIRST_PLANNED.values("kind")[:1]),
    "next_action_subject": Subquery(_FIRST_PLANNED.values("subject")[:1]),
    "next_action_due_at": Subquery(_FIRST_PLANNED.values("due_at")[:1]),
    "planned_until": Subquery(_PLANNED.order_by("-due_at", "-id").values("due_at")[:1]),
}


def _relations_of(
    rows: Sequence[tuple[Any, ...]],
) -> tuple[dict[int, tuple[tuple[int, str], ...]], dict[int, NextAction], dict[int, dt.datetime]]:
    """The tags, next actions and latest planned times of rows whose last columns are those
    `RELATION_COLUMNS` names."""
    tags: dict[int, tuple[tuple[int, str], ...]] = {}
    actions: dict[int, NextAction] = {}
    planned_until: dict[int, dt.datetime] = {}
    for row in rows:
        pk = row[0]
        listed, action_id, kind, subject, due_at, until = row[-len(RELATION_COLUMNS) :]
        if listed:
            found = [(item["id"], item["name"]) for item in json.loads(f"[{listed}]")]
            tags[pk] = tuple(sorted(found, key=lambda tag: (tag[1], tag[0])))
        if action_id is not None:
            actions[pk] = NextAction(action_id, kind, subject, due_at)
            planned_until[pk] = until
    return tags, actions, planned_until


@dataclass(frozen=True)
class _CardContext:
    """What a page's cards are read against, beyond their rows: the open stages' next one
    (X3) and stale delay (X1), the latest planned action of each card, and the time now."""

    following: Mapping[int, Stage]
    stale_after: Mapping[int, int | None]
    planned_until: Mapping[int, dt.datetime]
    now: dt.datetime


def _joined(keys: Iterable[str | None]) -> str:
    # One key per line: the script matches a prefix at the start of a line or of a word.
    return "\n".join([key for key in keys if key])


# The keys of names and numbers that have none stored; many cards share a contact, so each
# is computed once rather than once per card.
_name_key = lru_cache(maxsize=8192)(search_key)
_phone_key = lru_cache(maxsize=8192)(phone_search_key)


def _card(
    row: tuple[Any, ...],
    weighted: bool,
    tags: dict[int, tuple[tuple[int, str], ...]],
    actions: dict[int, NextAction],
    context: "_CardContext",
) -> Card:
    (
        pk, name, version, portfolio_id, stage_id, probability, stage_name, currency_id, signature,
        amount, days, phone, phone_key, mobile, mobile_key, email, account_id, account_name,
        account_key, siren, account_phone_key, account_email, first_name, last_name, contact_key,
        contact_phone, contact_mobile, contact_email, salesperson_id, seller_first, seller_last,
        username, contact_id, function, description_length, updated_at, slips,
    ) = row  # fmt: skip
    contact_name = f"{first_name or ''} {last_name or ''}".strip()
    card_tags = tags.get(pk, ())
    # Read before weighting: an amount weighted to zero is still an amount given.
    values = {
        "amount": amount,
        "days": days,
        "expected_signature_date": signature,
        "contact": contact_id,
        "phone": phone,
        "mobile": mobile,
        "function": function,
        "email": email,
        "description": "x" if description_length else "",
        "tags": card_tags,
    }
    ready = readiness(context.following.get(stage_id), values.get)
    stale = stale_since(
        updated_at, context.stale_after.get(stage_id), context.planned_until.get(pk), context.now
    )
    if weighted:
        amount = weighted_value(amount, probability)
        days = weighted_value(days, probability)
    return Card(
        id=pk,
        name=name,
        version=version,
        portfolio_id=portfolio_id,
        stage_id=stage_id,
        stage_name=stage_name,
        account_id=account_id,
        account_name=account_name,
        contact_name=contact_name,
        salesperson_id=salesperson_id,
        salesperson_name=f"{seller_first} {seller_last}".strip() or username,
        currency_id=currency_id,
        expected_signature_date=signature,
        amount=amount,
        days=days,
        tags=card_tags,
        next_action=actions.get(pk),
        readiness=ready,
        stale_since=stale,
        updated_at=updated_at,
        slips=slips,
        names=_joined(
            [account_key or _name_key(account_name), contact_key, _name_key(contact_name), siren]
        ),
        phones=_joined(
            [
                account_phone_key,
                phone_key or _phone_key(phone),
                mobile_key or _phone_key(mobile),
                _phone_key(contact_phone),
                _phone_key(contact_mobile),
            ]
        ),
        emails=_joined(
            [
                address.strip().lower()
                for address in (account_email, email, contact_email)
                if address
            ]
        ),
    )


# Both read by the opportunity's pk rather than the foreign key: Django prepares each value
# of a foreign key's `__in` through the relation, which for 400 cards cost more than the query.


def _tags(ids: list[int]) -> dict[int, tuple[tuple[int, str], ...]]:
    found: dict[int, list[tuple[int, str]]] = {}
    rows = prepared_rows(
        (),
        ids,
        lambda named: (
            Opportunity.tags.through.objects.filter(opportunity__pk__in=named)
            .order_by("tag__name", "tag_id")
            .values_list("opportunity_id", "tag_id", "tag__name")
        ),
    )
    for opportunity_id, tag_id, name in rows:
        found.setdefault(opportunity_id, []).append((tag_id, name))
    return {pk: tuple(tags) for pk, tags in found.items()}


def _next_actions(ids: list[int]) -> tuple[dict[int, NextAction], dict[int, dt.datetime]]:
    """B20: the first planned action (not done, soonest due) of each card, and (X1) the
    latest due time of its planned actions; one query."""
    first: dict[int, NextAction] = {}
    latest: dict[int, dt.datetime] = {}
    planned = prepared_rows(
        (),
        ids,
        lambda named: (
            Action.objects.filter(opportunity__pk__in=named, done=False)
            .order_by("opportunity_id", "due_at", "id")
            .values_list("opportunity_id", "id", "kind", "subject", "due_at")
        ),
    )
    for opportunity_id, pk, kind, subject, due_at in planned:
        if opportunity_id not in first:
            first[opportunity_id] = NextAction(pk, kind, subject, due_at)
        latest[opportunity_id] = due_at
    return first, latest


def read_cards(
    queryset: QuerySet[Opportunity],
    partitions: Sequence[Q],
    ordering: list[OrderBy],
    card_limit: int | None,
    weighted: bool,
    stages: Sequence[Stage] = (),
) -> list[Card]:
    """The cards to draw, in `ordering`: at most `card_limit` of each partition (a column).
    `stages`, the open stages shown in board order, give each card its readiness (X3) and
    whether it went stale (X1).

    With a limit, each column's first cards are picked by a lean `ORDER BY … LIMIT` on the
    opportunities alone (the database stops early, often walking an index), and only those
    are read with their relations: a column of 100,000 costs about what one of 100 does.
    Three queries: the cards, their tags, their next actions.
    """
    if card_limit == 0:
        return []
    drawn = queryset
    if card_limit is not None:
        if not partitions:
            return []
        lean = queryset.order_by(*ordering).values("pk")
        # One ids query per column, joined by UNION ALL, so that the database runs each
        # once (`pk IN a OR pk IN b` ran them twice, and can't use a semi-join).
        picked = [
            Opportunity.objects.filter(pk__in=lean.filter(partition)[:card_limit]).values("pk")
            for partition in partitions
        ]
        drawn = Opportunity.objects.filter(pk__in=picked[0].union(*picked[1:], all=True))
    return cards_of_rows(
        list(drawn.order_by(*ordering).values_list(*CARD_COLUMNS)), weighted, stages
    )


def cards_of_rows(
    rows: Sequence[tuple[Any, ...]],
    weighted: bool,
    stages: Sequence[Stage] = (),
    *,
    with_relations: bool = False,
) -> list[Card]:
    """The cards of rows read as `CARD_COLUMNS`, with their tags and next actions: read by
    two queries, or `with_relations` from the rows' last columns, `RELATION_COLUMNS`.
    `stages` as for `read_cards`."""
    if not rows:
        return []
    if with_relations:
        tags, actions, planned_until = _relations_of(rows)
    else:
        ids = [row[0] for row in rows]
        tags = _tags(ids)
        actions, planned_until = _next_actions(ids)
    context = _CardContext(
        following=next_open_stages(stages),
        stale_after={stage.pk: stage.stale_after_days for stage in stages},
        planned_until=planned_until,
        now=timezone.now(),
    )
    width = len(CARD_COLUMNS)
    return [_card(row[:width], weighted, tags, actions, context) for row in rows]
