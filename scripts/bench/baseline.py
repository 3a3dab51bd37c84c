"""The baselines of the board and the calendar: what the least a hand-written page would do.

Hand-written SQL (`cursor.execute`) reads the same cards (the same number per column, in
the same order) and the same totals as the page, and f-strings draw them as HTML. No
framework, no template, no object per row: the page is compared with this.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any

from django.db import connection

from salespipe.lib.months import Month, month_range

CARD_COLUMNS = """
    o.id, o.name, o.version, o.stage_id, o.amount, o.days, o.currency_id,
    o.expected_signature_date, o.phone_key, o.mobile_key, o.email,
    a.name, a.name_key, a.siren, a.phone_key, a.email,
    c.first_name, c.last_name, c.name_key, c.email, u.first_name, u.last_name
"""
CARD_JOINS = """
    pipeline_opportunity o
    JOIN pipeline_stage s ON s.id = o.stage_id
    JOIN customers_account a ON a.id = o.account_id
    LEFT JOIN customers_contact c ON c.id = o.contact_id
    JOIN org_collaborator u ON u.id = o.salesperson_id
"""
ORDER = "o.expected_signature_date ASC NULLS LAST, o.id ASC"


@dataclass
class RawColumn:
    key: str
    title: str
    count: int = 0
    amount: Decimal = Decimal(0)
    days: Decimal = Decimal(0)
    cards: list[tuple[Any, ...]] = field(default_factory=list)


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _rates(currency: str, today: dt.date) -> dict[str, Decimal]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT source_id, rate FROM org_exchangerate "
            "WHERE target_id = %s AND valid_from <= %s ORDER BY valid_from",
            [currency, today],
        )
        rates = {source: Decimal(str(rate)) for source, rate in cursor.fetchall()}
    rates[currency] = Decimal(1)
    return rates


def board_totals_sql(company_ids: Sequence[int]) -> str:
    return (
        "SELECT o.stage_id, s.probability, o.currency_id, COUNT(*), SUM(o.amount), SUM(o.days) "
        f"FROM pipeline_opportunity o JOIN pipeline_stage s ON s.id = o.stage_id "
        f"WHERE o.portfolio_id = %s AND o.status = 'open' "
        f"AND o.company_id IN ({_placeholders(company_ids)}) "
        "GROUP BY o.stage_id, s.probability, o.currency_id"
    )


def board_totals(portfolio_id: int, company_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The totals query alone: what any board must read, whatever it draws."""
    with connection.cursor() as cursor:
        cursor.execute(board_totals_sql(company_ids), [portfolio_id, *company_ids])
        return cursor.fetchall()


def _add(column: RawColumn, rows: list[tuple[Any, ...]], rates: dict[str, Decimal]) -> None:
    # Actual amounts, as the page shows them by default; the probability is for weighting.
    for _key, _probability, currency, count, amount, days in rows:
        column.count += count
        if amount is not None and currency in rates:
            column.amount += Decimal(str(amount)) * rates[currency]
        if days is not None:
            column.days += Decimal(str(days))


def _extras(ids: list[int]) -> tuple[dict[int, list[tuple[int, str]]], dict[int, tuple[Any, ...]]]:
    """The tags and the next planned action of the cards drawn, two queries."""
    tags: dict[int, list[tuple[int, str]]] = {}
    actions: dict[int, tuple[Any, ...]] = {}
    if not ids:
        return tags, actions
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ot.opportunity_id, t.id, t.name FROM pipeline_opportunity_tags ot "
            "JOIN pipeline_tag t ON t.id = ot.tag_id "
            f"WHERE ot.opportunity_id IN ({_placeholders(ids)}) ORDER BY t.name",
            ids,
        )
        for opportunity_id, tag_id, name in cursor.fetchall():
            tags.setdefault(opportunity_id, []).append((tag_id, name))
        cursor.execute(
            "SELECT opportunity_id, subject, due_at FROM activities_action "
            f"WHERE done = %s AND opportunity_id IN ({_placeholders(ids)}) "
            "ORDER BY opportunity_id, due_at, id",
            [False, *ids],
        )
        for opportunity_id, subject, due_at in cursor.fetchall():
            actions.setdefault(opportunity_id, (subject, due_at))
    return tags, actions


def _card_html(
    row: tuple[Any, ...],
    tags: dict[int, list[tuple[int, str]]],
    actions: dict[int, tuple[Any, ...]],
    today: dt.date,
) -> str:
    (pk, name, version, stage_id, amount, days, currency, signature, phone_key, mobile_key,
     email, account, account_key, siren, account_phone, account_email, first, last,
     contact_key, contact_email, seller_first, seller_last) = row  # fmt: skip
    contact = f"{first or ''} {last or ''}".strip()
    names = "\n".join(k for k in (account_key, contact_key, siren) if k)
    phones = "\n".join(k for k in (account_phone, phone_key, mobile_key) if k)
    emails = "\n".join(e.lower() for e in (account_email, email, contact_email) if e)
    action = actions.get(pk)
    tag_items = "".join(
        f'<li class="tag tag-{tag_id}">{escape(tag)}</li>' for tag_id, tag in tags.get(pk, [])
    )
    late = ' class="late"' if signature is not None and str(signature) < str(today) else ""
    return (
        f'<li class="card" data-card data-id="{pk}" data-version="{version}" '
        f'data-stage="{stage_id}" data-amount="{amount or ""}" data-days="{days or ""}" '
        f'data-names="{escape(names)}" data-phones="{escape(phones)}" '
        f'data-emails="{escape(emails)}">'
        f'<a class="card-name" href="/opportunities/{pk}/">{escape(name)}</a>'
        f'<button class="card-action">{"✓" if action else "+"}</button>'
        f'<p class="card-account">{escape(account)} · {escape(contact)}</p>'
        f"<p>{amount if amount is not None else ''} {currency} {days or ''}</p>"
        f"<p><time{late}>{signature or ''}</time> {escape(seller_first)} {escape(seller_last)}</p>"
        f'<ul class="tags">{tag_items}</ul></li>'
    )


def _render(columns: list[RawColumn], currency: str, today: dt.date) -> str:
    ids = [row[0] for column in columns for row in column.cards]
    tags, actions = _extras(ids)
    parts = ['<div class="columns">']
    total = RawColumn("all", "all")
    for column in columns:
        total.count += column.count
        total.amount += column.amount
        total.days += column.days
        parts.append(
            f'<section class="column" data-column><h2>{escape(column.title)}</h2>'
            f"<p>{column.count} {column.amount:.2f} {currency} {column.days:.2f}</p><ol>"
        )
        parts.extend(_card_html(row, tags, actions, today) for row in column.cards)
        remaining = column.count - len(column.cards)
        parts.append(f"</ol><p>{remaining}</p></section>" if remaining else "</ol></section>")
    parts.append(
        f'</div><aside class="summary"><p>{total.count} {total.amount:.2f} {currency} '
        f"{total.days:.2f}</p></aside>"
    )
    return "".join(parts)


def board_page(
    *,
    portfolio_id: int,
    company_ids: Sequence[int],
    stages: Sequence[tuple[int, str]],
    currency: str,
    card_limit: int,
    today: dt.date,
) -> tuple[str, int]:
    """The board's cards and totals as HTML, and how many cards it drew."""
    rates = _rates(currency, today)
    columns = {stage_id: RawColumn(str(stage_id), name) for stage_id, name in stages}
    with connection.cursor() as cursor:
        cursor.execute(board_totals_sql(company_ids), [portfolio_id, *company_ids])
        for row in cursor.fetchall():
            if row[0] in columns:
                _add(columns[row[0]], [row], rates)
        for stage_id, column in columns.items():
            cursor.execute(
                f"SELECT {CARD_COLUMNS} FROM {CARD_JOINS} "
                f"WHERE o.portfolio_id = %s AND o.status = 'open' AND o.stage_id = %s "
                f"AND o.company_id IN ({_placeholders(company_ids)}) "
                f"ORDER BY {ORDER} LIMIT %s",
                [portfolio_id, stage_id, *company_ids, card_limit],
            )
            column.cards = cursor.fetchall()
    drawn = sum(len(column.cards) for column in columns.values())
    return _render(list(columns.values()), currency, today), drawn


def month_sql(column: str = "o.expected_signature_date") -> str:
    """The month of a date column as "YYYY-MM", in the database's own dialect."""
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column})"


def calendar_totals_sql(company_ids: Sequence[int]) -> str:
    return (
        f"SELECT {month_sql()}, s.probability, o.currency_id, COUNT(*), SUM(o.amount), "
        "SUM(o.days) FROM pipeline_opportunity o JOIN pipeline_stage s ON s.id = o.stage_id "
        f"WHERE o.status = 'open' AND s.status = 'open' "
        f"AND o.company_id IN ({_placeholders(company_ids)}) "
        "AND (o.expected_signature_date IS NULL OR o.expected_signature_date BETWEEN %s AND %s) "
        f"GROUP BY {month_sql()}, s.probability, o.currency_id"
    )


def calendar_totals(company_ids: Sequence[int], start: Month, months: int) -> list[tuple[Any, ...]]:
    shown = month_range(start, months)
    with connection.cursor() as cursor:
        cursor.execute(
            calendar_totals_sql(company_ids),
            [*company_ids, shown[0].first_day, shown[-1].last_day],
        )
        return cursor.fetchall()


OVERDUE = "overdue"


def calendar_page(
    *,
    company_ids: Sequence[int],
    start: Month,
    months: int,
    currency: str,
    card_limit: int,
    today: dt.date,
) -> tuple[str, int]:
    """The calendar of every portfolio: "No date", "Overdue" when it starts this month or
    earlier (the open opportunities expected before its first month), then `months` months,
    as HTML."""
    rates = _rates(currency, today)
    shown = month_range(start, months)
    columns: dict[str | None, RawColumn] = {None: RawColumn("none", "No date")}
    overdue = start <= Month.of(today)
    if overdue:
        columns[OVERDUE] = RawColumn(OVERDUE, "Overdue")
    for month in shown:
        columns[f"{month.first_day:%Y-%m}"] = RawColumn(f"{month.first_day:%Y-%m}", str(month))
    bounds = {f"{m.first_day:%Y-%m}": (m.first_day, m.last_day) for m in shown}
    with connection.cursor() as cursor:
        cursor.execute(
            calendar_totals_sql(company_ids),
            [*company_ids, shown[0].first_day, shown[-1].last_day],
        )
        for row in cursor.fetchall():
            if row[0] in columns:
                _add(columns[row[0]], [row], rates)
        if overdue:
            cursor.execute(
                "SELECT s.probability, o.currency_id, COUNT(*), SUM(o.amount), SUM(o.days) "
                "FROM pipeline_opportunity o JOIN pipeline_stage s ON s.id = o.stage_id "
                "WHERE o.status = 'open' AND s.status = 'open' "
                f"AND o.company_id IN ({_placeholders(company_ids)}) "
                "AND o.expected_signature_date < %s GROUP BY s.probability, o.currency_id",
                [*company_ids, shown[0].first_day],
            )
            _add(columns[OVERDUE], [(OVERDUE, *row) for row in cursor.fetchall()], rates)
        for key, column in columns.items():
            if key is None:
                when, params = "o.expected_signature_date IS NULL", []
            elif key == OVERDUE:
                when, params = "o.expected_signature_date < %s", [shown[0].first_day]
            else:
                when, params = "o.expected_signature_date BETWEEN %s AND %s", list(bounds[key])
            cursor.execute(
                f"SELECT {CARD_COLUMNS} FROM {CARD_JOINS} "
                f"WHERE o.status = 'open' AND s.status = 'open' AND {when} "
                f"AND o.company_id IN ({_placeholders(company_ids)}) "
                f"ORDER BY {ORDER} LIMIT %s",
                [*params, *company_ids, card_limit],
            )
            column.cards = cursor.fetchall()
    drawn = sum(len(column.cards) for column in columns.values())
    return _render(list(columns.values()), currency, today), drawn
