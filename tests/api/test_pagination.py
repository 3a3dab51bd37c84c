"""Lists come in pages: a capped limit and a keyset cursor that neither repeats nor skips."""

import base64
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salespipe.api.pagination import MAX_LIMIT
from salespipe.customers.models import Account
from salespipe.test import World, make_account


def _walk(client: Client, url: str) -> tuple[list[int], int]:
    """Every id of the list, page after page, and how many pages it took."""
    ids: list[int] = []
    pages = 0
    cursor = None
    while True:
        response = client.get(f"{url}&cursor={cursor}" if cursor else url)
        assert response.status_code == 200, response.json()
        body = response.json()
        ids.extend(row["id"] for row in body["items"])
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return ids, pages


@pytest.fixture
def many_accounts(world: World) -> list[Account]:
    # Repeated names make the id decide the order among equals: the cursor must handle ties.
    names = ["Alpha", "Beta", "Beta", "Gamma", "Beta", "Delta", "Alpha"]
    return [make_account(world.company_a, f"{names[i % 7]}") for i in range(23)]


@pytest.mark.parametrize("sort", ["name", "-name", "created_at", "-created_at", "id", "-id"])
def test_walking_the_pages_gives_every_account_once_in_order(
    bob_api: Client, world: World, many_accounts: list[Account], sort: str
):
    ids, pages = _walk(bob_api, f"/api/v1/accounts?limit=5&sort={sort}")
    whole = bob_api.get(f"/api/v1/accounts?limit=500&sort={sort}").json()["items"]
    assert ids == [row["id"] for row in whole]
    assert len(ids) == len(set(ids)) == Account.objects.filter(company=world.company_a).count()
    assert pages == 5  # 24 accounts, 5 a page


def test_an_account_created_while_walking_by_id_shows_up_once_on_a_later_page(
    bob_api: Client, world: World, many_accounts: list[Account]
):
    first = bob_api.get("/api/v1/accounts?limit=10&sort=id").json()
    make_account(world.company_a, "Aardvark")  # sorts first by name, last by id
    rest, _pages = _walk(bob_api, f"/api/v1/accounts?limit=10&sort=id&cursor={first['next']}")
    seen = [row["id"] for row in first["items"]] + rest
    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted(
        Account.objects.filter(company=world.company_a).values_list("id", flat=True)
    )


def test_the_limit_is_capped_at_500(bob_api: Client, world: World):
    Account.objects.bulk_create(
        [
            Account(company=world.company_a, name=f"Bulk {i:04d}", name_key=f"bulk {i:04d}")
            for i in range(520)
        ]
    )
    body = bob_api.get("/api/v1/accounts?limit=100000").json()
    assert len(body["items"]) == MAX_LIMIT
    assert body["next"] is not None
    rest = bob_api.get(f"/api/v1/accounts?limit=100000&cursor={body['next']}").json()
    assert len(rest["items"]) == 521 - MAX_LIMIT
    assert rest["next"] is None


def test_the_default_page_holds_50(bob_api: Client, world: World):
    Account.objects.bulk_create(
        [
            Account(company=world.company_a, name=f"Bulk {i}", name_key=f"bulk {i}")
            for i in range(60)
        ]
    )
    body = bob_api.get("/api/v1/accounts").json()
    assert len(body["items"]) == 50
    assert body["next"]


def test_a_deep_page_costs_the_same_queries_as_the_first(bob_api: Client, world: World):
    Account.objects.bulk_create(
        [
            Account(company=world.company_a, name=f"Bulk {i:04d}", name_key=f"bulk {i:04d}")
            for i in range(300)
        ]
    )
    with CaptureQueriesContext(connection) as first_page:
        first = bob_api.get("/api/v1/accounts?limit=20").json()
    cursor = first["next"]
    for _ in range(10):
        cursor = bob_api.get(f"/api/v1/accounts?limit=20&cursor={cursor}").json()["next"]
    with CaptureQueriesContext(connection) as deep_page:
        deep = bob_api.get(f"/api/v1/accounts?limit=20&cursor={cursor}").json()
    assert len(deep["items"]) == 20
    assert len(deep_page) == len(first_page)
    # The deep page starts from the cursor, it doesn't skip rows with an OFFSET.
    page_query = deep_page.captured_queries[-1]["sql"].upper()
    assert "OFFSET" not in page_query


def _cursor(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("name", "not-a-cursor"),
        ("name", _cursor({"o": "-name", "k": ["beta", 3]})),  # made for another sort
        ("name", _cursor({"o": "name", "k": ["beta"]})),
        ("name", _cursor({"o": "name", "k": ["beta", "3"]})),
        ("name", _cursor({"o": "name", "k": ["beta", 2**70]})),
        ("name", _cursor({"o": "name", "k": [{"x": 1}, 3]})),
        ("name", _cursor({"o": "name", "k": ["be\x00ta", 3]})),
        ("name", _cursor([1, 2])),
        ("created_at", _cursor({"o": "created_at", "k": ["yesterday", 3]})),
        ("id", _cursor({"o": "id", "k": [2**64, 3]})),
    ],
)
def test_a_cursor_this_api_didnt_give_answers_422(
    bob_api: Client, world: World, sort: str, cursor: str
):
    response = bob_api.get(f"/api/v1/accounts?sort={sort}&cursor={cursor}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]
