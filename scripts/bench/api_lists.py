"""API lists: a page of 500 opportunities, first and deep, against raw SQL and `json.dumps`.

The API is called in-process with a bearer token, through the whole middleware and
django-ninja. The baseline reads the same rows with the same fields (SPEC P4) by hand and
encodes them with the standard library. A deep page starts after the opportunity found at
nine tenths of the list; the API pages by key, so it should cost what the first page costs.
"""

import base64
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.test import Client

from salespipe.api.models import ApiToken
from salespipe.org.access import company_ids
from salespipe.pipeline.models import Opportunity

from .timing import median_seconds, ratio
from .world import BenchWorld

PAGE = 500
FIELDS = """
    o.id, o.name, o.account_id, o.company_id, o.portfolio_id, o.stage_id, o.status, o.amount,
    o.currency_id, o.days, s.probability, o.salesperson_id, o.contact_id, o.phone, o.mobile,
    o.function, o.email, o.expected_signature_date, o.description, o.signed_on, o.lost_on,
    o.loss_reason_id, o.version, o.created_at, o.updated_at
"""
CENT = Decimal("0.01")


def _cursor_after(pk: int) -> str:
    # The list's cursor for its default order (by id): the last id seen, in base64 JSON.
    raw = json.dumps({"o": "id", "k": [pk, pk]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _text(value: Any) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


def _weighted(value: Any, probability: int) -> str | None:
    if value is None:
        return None
    share = Decimal(str(value)) * probability / 100
    return str(share.quantize(CENT, rounding=ROUND_HALF_UP))


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat() if hasattr(value, "isoformat") else value


def raw_page(scope: list[int], after: int) -> bytes:
    """The same page as the API's, by hand: one query for the rows, one for their tags."""
    marks = ", ".join(["%s"] * len(scope))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {FIELDS} FROM pipeline_opportunity o "
            "JOIN pipeline_stage s ON s.id = o.stage_id "
            f"WHERE o.company_id IN ({marks}) AND o.id > %s ORDER BY o.id LIMIT %s",
            [*scope, after, PAGE],
        )
        rows = cursor.fetchall()
        ids = [row[0] for row in rows]
        tags: dict[int, list[int]] = {}
        if ids:
            cursor.execute(
                "SELECT opportunity_id, tag_id FROM pipeline_opportunity_tags "
                f"WHERE opportunity_id IN ({', '.join(['%s'] * len(ids))}) ORDER BY tag_id",
                ids,
            )
            for opportunity_id, tag_id in cursor.fetchall():
                tags.setdefault(opportunity_id, []).append(tag_id)
    items = []
    for row in rows:
        (pk, name, account, company, portfolio, stage, status, amount, currency, days,
         probability, salesperson, contact, phone, mobile, function, email, signature,
         description, signed_on, lost_on, loss_reason, version, created, updated) = row  # fmt: skip
        items.append(
            {
                "id": pk,
                "name": name,
                "account": account,
                "company": company,
                "portfolio": portfolio,
                "stage": stage,
                "status": status,
                "amount": _text(amount),
                "currency": currency,
                "days": _text(days),
                "weighted_amount": _weighted(amount, probability),
                "weighted_days": _weighted(days, probability),
                "salesperson": salesperson,
                "contact": contact,
                "phone": phone,
                "mobile": mobile,
                "function": function,
                "email": email,
                "expected_signature_date": _iso(signature),
                "tags": tags.get(pk, []),
                "description": description,
                "signed_on": _iso(signed_on),
                "lost_on": _iso(lost_on),
                "loss_reason": loss_reason,
                "version": version,
                "created_at": _iso(created),
                "updated_at": _iso(updated),
            }
        )
    after_last = items[-1]["id"] if len(items) == PAGE else None
    return json.dumps({"items": items, "next": after_last}).encode()


def measure_api_lists(world: BenchWorld, runs: int) -> dict[str, Any]:
    _token, clear = ApiToken.objects.issue(world.user, name="bench lists")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    scope = sorted(company_ids(world.user))
    ids = Opportunity.objects.filter(company_id__in=scope).order_by("id")
    total = ids.count()
    deep_after = ids.values_list("id", flat=True)[total * 9 // 10 - PAGE]

    def api(after: int | None) -> list[dict[str, Any]]:
        url = f"/api/v1/opportunities?limit={PAGE}"
        if after is not None:
            url += f"&cursor={_cursor_after(after)}"
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return json.loads(response.content)["items"]

    first_items = api(None)
    deep_items = api(deep_after)
    raw_first = json.loads(raw_page(scope, 0))["items"]
    raw_deep = json.loads(raw_page(scope, deep_after))["items"]
    same = [i["id"] for i in first_items] == [i["id"] for i in raw_first] and [
        i["id"] for i in deep_items
    ] == [i["id"] for i in raw_deep]
    first = median_seconds(lambda: api(None), runs=runs)
    deep = median_seconds(lambda: api(deep_after), runs=runs)
    base_first = median_seconds(lambda: raw_page(scope, 0), runs=runs)
    base_deep = median_seconds(lambda: raw_page(scope, deep_after), runs=runs)
    return {
        "rows": len(first_items),
        "same_rows": same and len(first_items) == PAGE == len(deep_items),
        "first_s": first,
        "deep_s": deep,
        "baseline_first_s": base_first,
        "baseline_deep_s": base_deep,
        "first_ratio": ratio(first, base_first),
        "deep_ratio": ratio(deep, base_deep),
        "deep_vs_first": ratio(deep, first),
    }
