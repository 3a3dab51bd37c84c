"""Who may call the API (SPEC P1): a bearer token, or the session with CSRF for writes."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from salespipe.api.models import ApiToken
from salespipe.customers.models import Account
from salespipe.test import World


def _new_account(world: World, name: str) -> dict[str, object]:
    return {"company": world.company_a.pk, "name": name}


def test_a_bearer_token_reads_as_its_user(alice_api: Client, world: World):
    response = alice_api.get("/api/v1/accounts")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [world.account_a.pk]


def test_a_bearer_token_writes_without_a_csrf_token(alice_api: Client, world: World):
    response = alice_api.post(
        "/api/v1/accounts", _new_account(world, "By token"), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert Account.objects.filter(name="By token", company=world.company_a).exists()


def test_the_session_reads_without_a_csrf_token(alice_browser: Client, world: World):
    response = alice_browser.get(f"/api/v1/accounts/{world.account_a.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Boulangerie Dupont"


def test_a_session_write_without_the_csrf_token_is_refused(alice_browser: Client, world: World):
    response = alice_browser.post(
        "/api/v1/accounts", _new_account(world, "Forged"), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Account.objects.filter(name="Forged").exists()


def test_a_session_write_with_the_csrf_token_is_accepted(alice_browser: Client, world: World):
    # What any page of the site gives the browser: the CSRF cookie, echoed in a header.
    token = get_random_string(32)
    alice_browser.cookies["csrftoken"] = token
    response = alice_browser.post(
        "/api/v1/accounts",
        _new_account(world, "From the page"),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.json()
    assert Account.objects.filter(name="From the page").exists()


@pytest.mark.parametrize(
    "header",
    ["Bearer sp_not-a-token", "Bearer ", "bearer sp_wrong", "Bearer sp_a b c"],
)
def test_a_bad_token_answers_401(world: World, header: str):
    response = Client(headers={"Authorization": header}).get("/api/v1/accounts")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_is_refused_even_beside_a_valid_session(world: World):
    # A script with a revoked token must fail loudly, not borrow a browser's session.
    client = Client(headers={"Authorization": "Bearer sp_revoked"})
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/accounts", _new_account(world, "Borrowed"), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Account.objects.filter(name="Borrowed").exists()


@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_no_credentials_at_all_answer_401_for_reads_and_writes(world: World, method: str):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(
        f"/api/v1/accounts/{world.account_a.pk}" if method == "patch" else "/api/v1/accounts",
        {"name": "Anonymous"} if method != "get" else None,
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]
    assert Account.objects.get(pk=world.account_a.pk).name == "Boulangerie Dupont"
    assert not Account.objects.filter(name="Anonymous").exists()


def test_a_token_of_an_inactive_user_answers_401(alice_api: Client, world: World):
    world.alice.is_active = False
    world.alice.save()
    response = alice_api.get("/api/v1/accounts")
    assert response.status_code == 401


def test_a_deleted_token_answers_401(alice_api: Client, world: World):
    ApiToken.objects.filter(user=world.alice).delete()
    assert alice_api.get("/api/v1/accounts").status_code == 401


def test_only_the_hash_of_a_token_is_stored(world: World):
    token, clear = ApiToken.objects.issue(world.bob)
    stored = ApiToken.objects.get(pk=token.pk)
    assert clear not in {stored.key_hash, stored.hint}
    assert not ApiToken.objects.filter(key_hash=clear).exists()
    assert (
        Client(headers={"Authorization": f"Bearer {clear}"}).get("/api/v1/accounts").status_code
        == 200
    )


def test_a_token_records_its_last_use_at_most_once_a_minute(world: World):
    token, clear = ApiToken.objects.issue(world.bob)
    client = Client(headers={"Authorization": f"Bearer {clear}"})

    client.get("/api/v1/teams")
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None

    client.get("/api/v1/teams")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use

    long_ago = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    client.get("/api/v1/teams")
    used_again = ApiToken.objects.get(pk=token.pk).last_used_at
    assert used_again is not None
    assert used_again > long_ago
