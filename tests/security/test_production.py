"""Ready for production (SPEC SEC3-SEC5): login throttling, token lifecycle, safe
settings and headers, oversized requests."""

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import get_hasher
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salespipe.api.models import ApiToken
from salespipe.test import PASSWORD, World, make_opportunity, make_user
from tests.api.conftest import bearer_client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def counted_hashes(monkeypatch) -> list[str]:
    """Every password checked against a hash, as the hasher sees it."""
    seen: list[str] = []
    hasher = type(get_hasher())
    original = hasher.verify

    def verify(self, password: str, encoded: str) -> bool:
        seen.append(password)
        return original(self, password, encoded)

    monkeypatch.setattr(hasher, "verify", verify)
    return seen


def _log_in(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# --- throttling (SEC3) -----------------------------------------------------------------------


def test_the_eleventh_wrong_password_is_refused_without_a_hash_and_the_right_one_too(
    world: World, counted_hashes: list[str]
):
    client = Client(headers={"Accept-Language": "en"})
    for _try in range(9):
        assert _log_in(client, "alice", "wrong").status_code == 200
    # The tenth failure is checked, counted, and answered with the lock.
    assert _log_in(client, "alice", "wrong").status_code == 429
    assert len(counted_hashes) == 10
    refused = _log_in(client, "alice", "wrong")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 15 * 60
    assert "Too many failed logins" in refused.content.decode()
    right = _log_in(client, "alice", PASSWORD)
    assert right.status_code == 429
    assert len(counted_hashes) == 10, "refused before any password is hashed"
    assert "_auth_user_id" not in client.session


def test_a_lock_holds_per_account_from_another_address_and_per_address_for_another_account(
    world: World,
):
    first = Client(REMOTE_ADDR="10.0.0.1")
    for _try in range(10):
        _log_in(first, "alice", "wrong")
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    assert _log_in(elsewhere, "alice", PASSWORD).status_code == 429
    # The first address tried ten times: bob can't be guessed from there either.
    assert _log_in(first, "bob", PASSWORD).status_code == 429
    assert _log_in(elsewhere, "bob", PASSWORD).status_code == 302


def test_a_success_clears_the_count(world: World):
    client = Client()
    for _try in range(9):
        _log_in(client, "alice", "wrong")
    assert _log_in(client, "alice", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _try in range(9):
        assert _log_in(client, "alice", "wrong").status_code == 200


def test_an_administrator_lifts_a_lock(world: World):
    client = Client()
    for _try in range(10):
        _log_in(client, "alice", "wrong")
    assert _log_in(client, "alice", PASSWORD).status_code == 429
    call_command("axes_reset_username", "alice", stdout=StringIO())
    call_command("axes_reset_ip", "127.0.0.1", stdout=StringIO())
    assert _log_in(client, "alice", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_the_same_way(world: World, counted_hashes: list[str]):
    make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    url = reverse("admin:login")
    for _try in range(10):
        client.post(url, {"username": "root", "password": "wrong"})
    refused = client.post(url, {"username": "root", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert len(counted_hashes) == 10


def test_wrong_tokens_are_throttled_per_address_and_told_in_json(world: World):
    guesser = Client(headers={"Authorization": "Bearer sp_guess", "Accept-Language": "en"})
    for _try in range(9):
        assert guesser.get("/api/v1/portfolios").status_code == 401
    assert guesser.get("/api/v1/portfolios").status_code == 429
    refused = guesser.get("/api/v1/portfolios")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    assert "Too many failed logins" in refused.json()["detail"]
    # Token failures name no account: alice still logs in from elsewhere.
    assert _log_in(Client(REMOTE_ADDR="10.0.0.9"), "alice", PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username__isnull=True).count() == 1


def test_the_lockout_page_speaks_french_to_a_french_browser(world: World):
    client = Client(headers={"Accept-Language": "fr"})
    for _try in range(11):
        response = _log_in(client, "alice", "wrong")
    assert response.status_code == 429
    assert "Trop de connexions" in response.content.decode()


# --- tokens (SEC4) -------------------------------------------------------------------------------


def test_a_token_expires_after_its_lifetime(world: World, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    token, clear = ApiToken.objects.issue(world.alice, "script")
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(
        minutes=1
    )
    client = Client(headers={"Authorization": f"Bearer {clear}"})
    assert client.get("/api/v1/portfolios").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert client.get("/api/v1/portfolios").status_code == 401


def test_a_password_change_revokes_every_token_of_the_user(world: World):
    _token, clear = ApiToken.objects.issue(world.alice, "script")
    mine = Client(headers={"Authorization": f"Bearer {clear}"})
    _other, bob_clear = ApiToken.objects.issue(world.bob, "bob's")
    assert mine.get("/api/v1/portfolios").status_code == 200
    world.alice.set_password("A-new-passphrase-42")
    world.alice.save()
    assert mine.get("/api/v1/portfolios").status_code == 401
    assert not ApiToken.objects.filter(user=world.alice).exists()
    bobs = Client(headers={"Authorization": f"Bearer {bob_clear}"})
    assert bobs.get("/api/v1/portfolios").status_code == 200


def test_the_same_password_stored_with_a_new_hash_revokes_nothing(world: World):
    ApiToken.objects.issue(world.alice, "script")
    world.alice.set_password(PASSWORD)
    world.alice.save()
    assert ApiToken.objects.filter(user=world.alice).count() == 1


def test_deactivating_a_user_revokes_his_tokens(world: World):
    ApiToken.objects.issue(world.bob, "script")
    world.bob.is_active = False
    world.bob.save()
    assert not ApiToken.objects.filter(user=world.bob).exists()


def test_revoke_tokens_revokes_them_all(world: World):
    ApiToken.objects.issue(world.bob, "one")
    ApiToken.objects.issue(world.bob, "two")
    out = StringIO()
    call_command("revoke_tokens", "bob", stdout=out)
    assert "2 token(s) of bob revoked." in out.getvalue()
    assert not ApiToken.objects.filter(user=world.bob).exists()


def test_create_token_says_when_it_expires(world: World):
    out, err = StringIO(), StringIO()
    call_command("create_token", "alice", stdout=out, stderr=err)
    token = ApiToken.objects.get(user=world.alice)
    assert out.getvalue().strip().startswith(token.hint)
    assert f"expires on {token.expires_at:%Y-%m-%d}" in err.getvalue()


def test_a_user_lists_issues_and_revokes_his_own_tokens(world: World, alice_client: Client):
    ApiToken.objects.issue(world.alice, "Old script")
    theirs, _clear = ApiToken.objects.issue(world.bob, "Bob's script")
    page = alice_client.get(reverse("profile:tokens"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Old script" in text
    assert "Bob" not in text
    wrong = alice_client.post(reverse("profile:tokens"), {"name": "Reporting", "password": "x"})
    assert wrong.status_code == 422
    assert "not your password" in wrong.content.decode()
    assert not ApiToken.objects.filter(user=world.alice, name="Reporting").exists()
    issued = alice_client.post(
        reverse("profile:tokens"), {"name": "Reporting", "password": PASSWORD}
    )
    assert issued.status_code == 201
    token = ApiToken.objects.get(user=world.alice, name="Reporting")
    clear = issued.content.decode().split('<code id="api-token">')[1].split("<")[0]
    assert (
        Client(headers={"Authorization": f"Bearer {clear}"}).get("/api/v1/portfolios").status_code
        == 200
    )
    assert alice_client.get(reverse("profile:tokens")).content.decode().count(clear) == 0
    revoked = alice_client.post(reverse("profile:token_revoke", args=[token.pk]))
    assert revoked.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    # Another user's token is out of scope, as a missing one, and stays.
    refused = alice_client.post(reverse("profile:token_revoke", args=[theirs.pk]))
    assert refused.status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_a_token_name_too_long_is_refused_and_nothing_issued(world: World, alice_client: Client):
    response = alice_client.post(
        reverse("profile:tokens"), {"name": "x" * 101, "password": PASSWORD}
    )
    assert response.status_code == 422
    assert not ApiToken.objects.filter(user=world.alice).exists()


# --- settings and headers (SEC5) -----------------------------------------------------------------


def _settings_process(**env: str) -> subprocess.CompletedProcess[str]:
    # The environment of a deployment: nothing the test runner set (the browser tests allow
    # async-unsafe calls, which the deploy check rightly refuses).
    unset = {"SECRET_KEY", "DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean | {"SALESPIPE_VAR_DIR": env.pop("VAR", str(ROOT / "var"))} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    refused = _settings_process(VAR=str(tmp_path), DEBUG="false")
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    documented = {
        "SECRET_KEY": "k" * 20 + "Qz9-" + "x7Lp" * 10,
        "HTTPS": "true",
        "ALLOWED_HOSTS": "crm.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://crm.example.com",
        "VAR": str(tmp_path),
    }
    checked = _settings_process(**documented)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_https_turns_on_hsts_redirect_and_secure_cookies(world: World, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    assert client.get("/login/")["Location"].startswith("https://")
    secure = client.get("/login/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_authenticated_answers_are_not_stored_anonymous_ones_may_be(
    world: World, alice_client: Client
):
    for url in ("/", reverse("customers:accounts"), "/api/v1/portfolios"):
        response = alice_client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "camera=()" in response["Permissions-Policy"]
    token = bearer_client(world.alice).get("/api/v1/portfolios")
    assert "no-store" in token["Cache-Control"]
    login = Client().get("/login/")
    assert "geolocation=()" in login["Permissions-Policy"]


# --- oversized requests ----------------------------------------------------------------------------

EIGHT_MB = 8 * 1024 * 1024


def test_an_8_mb_json_body_answers_413_in_json_and_changes_nothing(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    body = json.dumps({"version": 1, "description": "x" * EIGHT_MB})
    response = bearer_client(world.alice).patch(
        f"/api/v1/opportunities/{opportunity.pk}", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    opportunity.refresh_from_db()
    assert opportunity.version == 1


def test_an_8_mb_form_answers_413_as_a_page_in_the_users_language(
    world: World, alice_client: Client
):
    opportunity = make_opportunity(world.portfolio_a)
    response = alice_client.post(
        reverse("pipeline:opportunity_save", args=[opportunity.pk]),
        {"description": "x" * EIGHT_MB, "version": "1"},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 413
    assert "trop volumineuse" in response.content.decode()


def test_an_upload_larger_than_any_document_answers_413_before_it_is_read(
    world: World, alice_client: Client, settings
):
    settings.DOCUMENT_MAX_BYTES = 1024
    opportunity = make_opportunity(world.portfolio_a)
    response = alice_client.generic(
        "POST",
        f"/api/v1/opportunities/{opportunity.pk}/documents",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(4 * 1024 * 1024),
    )
    assert response.status_code == 413


# --- what a review of the above found, kept fixed ------------------------------------------------


def test_logging_into_ones_own_account_does_not_clear_the_failures_against_another(world: World):
    make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    for _try in range(9):
        _log_in(client, "root", "wrong")
    assert _log_in(client, "charlie", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # The tenth failure against root, still counted: locked.
    assert _log_in(client, "root", "wrong").status_code == 429
    assert _log_in(Client(REMOTE_ADDR="10.0.0.7"), "root", PASSWORD).status_code == 429


def test_behind_a_proxy_each_client_address_is_counted_apart(world: World, settings):
    settings.PROXY_COUNT = 1
    for number in range(10):
        # What the client writes into the header itself can't make it someone else.
        guesser = Client(
            REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.66"
        )
        _log_in(guesser, f"nobody{number}", "wrong")
    blocked = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert _log_in(blocked, "alice", PASSWORD).status_code == 429
    # Alice comes through the same proxy from her own address: not locked out.
    alice = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _log_in(alice, "alice", PASSWORD).status_code == 302


def test_an_unusable_password_revokes_the_tokens_too(world: World):
    _token, clear = ApiToken.objects.issue(world.bob, "script")
    world.bob.set_unusable_password()
    world.bob.save()
    assert (
        Client(headers={"Authorization": f"Bearer {clear}"}).get("/api/v1/portfolios").status_code
        == 401
    )


def test_saving_a_user_without_touching_the_password_keeps_his_tokens(
    world: World, django_assert_num_queries
):
    ApiToken.objects.issue(world.bob, "script")
    world.bob.first_name = "Robert"
    world.bob.save()
    with django_assert_num_queries(1):
        world.bob.save(update_fields=["show_weighted"])
    assert ApiToken.objects.filter(user=world.bob).count() == 1
