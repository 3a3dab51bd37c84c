"""Every error is JSON with a readable detail (SPEC P8), and nothing changes on one (P5)."""

import pytest
from django.test import Client

from salespipe.api.errors import STATUS_DESCRIPTIONS
from salespipe.customers.models import Account
from salespipe.lib.errors import DomainError
from salespipe.org.rights import MissingRight, Right
from salespipe.test import World


def test_an_unknown_address_under_the_api_answers_json_404(alice_api: Client, world: World):
    response = alice_api.get("/api/v1/no-such-resource")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("bad_id", ["abc", "0", "-4", "1.5", str(2**63)])
def test_an_id_that_cant_be_one_answers_422_naming_the_path(alice_api: Client, bad_id: str):
    response = alice_api.get(f"/api/v1/accounts/{bad_id}")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["loc"] == ["path", "id"]
    assert body["detail"].startswith("Invalid input. path.id: ")


def test_a_validation_error_lists_every_invalid_value(alice_api: Client, world: World):
    response = alice_api.post(
        "/api/v1/accounts",
        {"company": "first", "name": "", "kind": "supplier", "extra": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    places = sorted(tuple(error["loc"]) for error in body["errors"])
    assert places == [("body", "company"), ("body", "extra"), ("body", "kind")]
    for error in body["errors"]:
        assert set(error) == {"loc", "msg", "type"}
        assert error["msg"]
    assert "body.company" in body["detail"]
    assert not Account.objects.filter(name="").exists()


def test_a_rule_of_a_service_answers_422_with_the_field_it_is_about(
    alice_api: Client, world: World
):
    response = alice_api.post(
        "/api/v1/accounts",
        {"company": world.company_a.pk, "name": "Twin", "siren": "732829320"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "siren: An account of this company already has this SIREN.",
        "errors": [
            {
                "loc": ["body", "siren"],
                "msg": "An account of this company already has this SIREN.",
                "type": "invalid",
            }
        ],
    }
    assert not Account.objects.filter(name="Twin").exists()


def test_an_unexpected_failure_answers_json_500_without_details(
    alice_api: Client, world: World, monkeypatch
):
    def broken(**_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("salespipe.customers.services.account_update", broken)
    alice_api.raise_request_exception = False
    response = alice_api.patch(
        f"/api/v1/accounts/{world.account_a.pk}",
        {"name": "Boom"},
        content_type="application/json",
    )
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error; it has been logged."}
    assert "secret" not in response.content.decode()
    assert Account.objects.get(pk=world.account_a.pk).name == "Boulangerie Dupont"


def test_a_domain_error_without_a_status_of_its_own_answers_422(
    alice_api: Client, world: World, monkeypatch
):
    def refused(**_kwargs):
        raise DomainError("This account is locked by an import.")

    monkeypatch.setattr("salespipe.customers.services.account_update", refused)
    response = alice_api.patch(
        f"/api/v1/accounts/{world.account_a.pk}",
        {"name": "Locked"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "This account is locked by an import."}
    assert Account.objects.get(pk=world.account_a.pk).name == "Boulangerie Dupont"


def test_the_openapi_document_describes_every_error_answer(alice_api: Client):
    schema = alice_api.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "401" in responses, f"{method} {path}"
            assert "422" in responses, f"{method} {path}"
            if "{id}" in path:
                assert "404" in responses, f"{method} {path}"
            for status, response in responses.items():
                assert response["description"] == STATUS_DESCRIPTIONS[int(status)]
                assert "content" in response, f"{method} {path} {status}"
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{method} {path} {parameter['name']}"
            assert operation["summary"]


def test_a_missing_right_answers_403(alice_api: Client, world: World, monkeypatch):
    def needs_a_right(**_kwargs):
        raise MissingRight(Right.QUICK_ACCOUNT)

    monkeypatch.setattr("salespipe.customers.services.account_create", needs_a_right)
    response = alice_api.post(
        "/api/v1/accounts",
        {"company": world.company_a.pk, "name": "Quick"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "191420" in response.json()["detail"]
    assert not Account.objects.filter(name="Quick").exists()
