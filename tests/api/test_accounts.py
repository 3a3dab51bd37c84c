"""Accounts through the API (SPEC P3, A1, A2, B11, B12, P8): lists, details, writes."""

import pytest
from django.test import Client

from salespipe.customers.models import Account, AccountKind
from salespipe.test import World, make_account


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["items"]]


# --- reading ---------------------------------------------------------------------------------


def test_an_account_reads_with_its_fields(alice_api: Client, world: World):
    response = alice_api.get(f"/api/v1/accounts/{world.account_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": world.account_a.pk,
        "company": world.company_a.pk,
        "name": "Boulangerie Dupont",
        "kind": "client",
        "siren": "732829320",
        "phone": "01 23 45 67 89",
        "email": "contact@dupont.example",
        "is_closed": False,
        "created_at": body["created_at"],
    }
    assert body["created_at"].startswith(str(world.account_a.created_at.year))


def test_charlie_gets_404_on_an_account_of_company_a_as_for_an_unknown_id(
    charlie_api: Client, world: World
):
    # SPEC P8: another company's object answers exactly as one that does not exist.
    other = charlie_api.get(f"/api/v1/accounts/{world.account_a.pk}")
    unknown = charlie_api.get("/api/v1/accounts/987654321")
    assert other.status_code == unknown.status_code == 404
    assert other.json() == unknown.json() == {"detail": "Not found."}


def test_charlie_never_sees_company_a_accounts_in_lists(charlie_api: Client, world: World):
    assert _ids(charlie_api.get("/api/v1/accounts")) == [world.account_b.pk]
    assert _ids(charlie_api.get("/api/v1/accounts?search=boulangerie")) == []
    assert _ids(charlie_api.get(f"/api/v1/accounts?company={world.company_a.pk}")) == []
    assert _ids(charlie_api.get("/api/v1/accounts?phone=0123")) == []


def test_the_search_takes_the_first_letters_of_the_name_without_accents_or_case(
    bob_api: Client, world: World
):
    # SPEC B11
    eclair = make_account(world.company_a, "Éclair Pâtisserie")
    make_account(world.company_a, "Le Fournil")
    assert _ids(bob_api.get("/api/v1/accounts?search=ecl")) == [eclair.pk]
    assert _ids(bob_api.get("/api/v1/accounts?search=ÉCLAIR P")) == [eclair.pk]
    assert _ids(bob_api.get("/api/v1/accounts?search=pâtisserie")) == []


def test_the_search_takes_the_first_digits_of_the_siren(bob_api: Client, world: World):
    # SPEC B11: 732 829 320 is account A's SIREN.
    make_account(world.company_a, "Other", siren="552100554")
    assert _ids(bob_api.get("/api/v1/accounts?search=732 82")) == [world.account_a.pk]


def test_the_phone_search_ignores_spaces_and_french_prefixes(bob_api: Client, world: World):
    # SPEC B12: account A's phone is 01 23 45 67 89.
    make_account(world.company_a, "Elsewhere", phone="04 78 00 00 00")
    for typed in ["0123", "01 23 45", "+33 1 23", "123"]:
        assert _ids(bob_api.get("/api/v1/accounts", {"phone": typed})) == [world.account_a.pk]


def test_the_email_search_takes_the_first_characters(bob_api: Client, world: World):
    make_account(world.company_a, "Other", email="sales@other.example")
    assert _ids(bob_api.get("/api/v1/accounts?email=CONTACT@")) == [world.account_a.pk]


def test_filters_combine(bob_api: Client, world: World):
    prospect = make_account(world.company_a, "Boulangerie Neuve")
    Account.objects.filter(pk=prospect.pk).update(kind=AccountKind.PROSPECT)
    response = bob_api.get("/api/v1/accounts?search=boul&kind=prospect")
    assert _ids(response) == [prospect.pk]


def test_closed_accounts_are_hidden_without_the_show_closed_right(
    alice_api: Client, bob_api: Client, world: World
):
    # SPEC A2: bob lacks show_closed, alice has it.
    closed = make_account(world.company_a, "Boulangerie Fermée", is_closed=True)
    assert _ids(bob_api.get("/api/v1/accounts?search=boul")) == [world.account_a.pk]
    assert _ids(bob_api.get("/api/v1/accounts?closed=true")) == []
    assert _ids(alice_api.get("/api/v1/accounts?search=boul")) == [world.account_a.pk, closed.pk]
    assert _ids(alice_api.get("/api/v1/accounts?closed=true")) == [closed.pk]


def test_a_list_can_be_sorted(bob_api: Client, world: World):
    zebra = make_account(world.company_a, "Zèbre")
    alpha = make_account(world.company_a, "Abeille")
    by_name = _ids(bob_api.get("/api/v1/accounts?sort=name"))
    assert by_name == [alpha.pk, world.account_a.pk, zebra.pk]
    assert _ids(bob_api.get("/api/v1/accounts?sort=-name")) == by_name[::-1]
    assert _ids(bob_api.get("/api/v1/accounts?sort=-created_at")) == [
        alpha.pk,
        zebra.pk,
        world.account_a.pk,
    ]


@pytest.mark.parametrize(
    "query",
    ["sort=phone", "company=abc", "company=0", "kind=supplier", "closed=maybe", "limit=0"],
)
def test_bad_list_parameters_answer_422(bob_api: Client, world: World, query: str):
    response = bob_api.get(f"/api/v1/accounts?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Invalid input.")
    assert body["errors"][0]["loc"][0] == "query"


# --- creating --------------------------------------------------------------------------------


def test_creating_an_account_answers_201_and_stores_it(alice_api: Client, world: World):
    response = alice_api.post(
        "/api/v1/accounts",
        {
            "company": world.company_a.pk,
            "name": "  Garage Lefèvre ",
            "kind": "client",
            "siren": "404 833 048",
            "phone": "+33 4 72 00 00 00",
            "email": "garage@lefevre.example",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    stored = Account.objects.get(pk=body["id"])
    assert (stored.company, stored.name, stored.kind, stored.siren) == (
        world.company_a,
        "Garage Lefèvre",
        AccountKind.CLIENT,
        "404833048",
    )
    assert stored.name_key == "garage lefevre"
    assert stored.phone_key == "472000000"
    assert body["name"] == "Garage Lefèvre"
    assert body["siren"] == "404833048"


def test_an_account_is_a_prospect_unless_told_otherwise(alice_api: Client, world: World):
    response = alice_api.post(
        "/api/v1/accounts",
        {"company": world.company_a.pk, "name": "New lead"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "prospect"
    assert Account.objects.get(name="New lead").kind == AccountKind.PROSPECT


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Ok", "siren": "123456789"}, "siren"),
        ({"name": "Ok", "siren": "732829320"}, "siren"),  # account A has it already
        ({"name": "Ok", "phone": "12"}, "phone"),
        ({"name": "Ok", "email": "not an email"}, "email"),
        ({"name": "Ok", "kind": "supplier"}, "kind"),
        ({"name": "Ok", "is_closed": "perhaps"}, "is_closed"),
        ({"name": "Nul\x00byte"}, "name"),
        ({"name": 42}, "name"),
        ({"name": None}, "name"),
    ],
)
def test_creating_an_invalid_account_answers_422_and_stores_nothing(
    alice_api: Client, world: World, values: dict, field: str
):
    before = Account.objects.count()
    response = alice_api.post(
        "/api/v1/accounts",
        {"company": world.company_a.pk, **values},
        content_type="application/json",
    )
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["detail"]
    assert field in [error["loc"][-1] for error in body["errors"]]
    assert Account.objects.count() == before


@pytest.mark.parametrize("company", ["company_a", 987654321, 2**63, -1, "A"])
def test_creating_in_a_company_out_of_scope_or_unknown_answers_422(
    charlie_api: Client, world: World, company: object
):
    # charlie is scoped on company B: company A is as unknown to him as an id that doesn't exist.
    company_id = world.company_a.pk if company == "company_a" else company
    response = charlie_api.post(
        "/api/v1/accounts",
        {"company": company_id, "name": "Sneaky"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "company"]
    assert not Account.objects.filter(name="Sneaky").exists()


def test_a_body_that_is_not_json_answers_400_and_stores_nothing(bob_api: Client, world: World):
    before = Account.objects.count()
    response = bob_api.post("/api/v1/accounts", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Account.objects.count() == before


# --- changing --------------------------------------------------------------------------------


def test_patching_an_account_changes_only_the_fields_sent(bob_api: Client, world: World):
    response = bob_api.patch(
        f"/api/v1/accounts/{world.account_a.pk}",
        {"phone": "06 98 76 54 32", "is_closed": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "06 98 76 54 32"
    stored = Account.objects.get(pk=world.account_a.pk)
    assert (stored.phone, stored.phone_key, stored.is_closed) == (
        "06 98 76 54 32",
        "698765432",
        True,
    )
    assert (stored.name, stored.siren, stored.email) == (
        "Boulangerie Dupont",
        "732829320",
        "contact@dupont.example",
    )


def test_renaming_an_account_refreshes_its_search_key(bob_api: Client, world: World):
    bob_api.patch(
        f"/api/v1/accounts/{world.account_a.pk}",
        {"name": "Épicerie Dupont"},
        content_type="application/json",
    )
    assert Account.objects.get(pk=world.account_a.pk).name_key == "epicerie dupont"
    response = bob_api.get("/api/v1/accounts?search=epic")
    assert _ids(response) == [world.account_a.pk]


def test_the_company_of_an_account_cant_be_patched(bob_api: Client, world: World):
    response = bob_api.patch(
        f"/api/v1/accounts/{world.account_a.pk}",
        {"company": world.company_b.pk, "name": "Moved"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "company"]
    stored = Account.objects.get(pk=world.account_a.pk)
    assert (stored.company, stored.name) == (world.company_a, "Boulangerie Dupont")


@pytest.mark.parametrize(
    "values",
    [{"name": ""}, {"siren": "000000001"}, {"email": "@"}, {"name": None}, {"is_closed": None}],
)
def test_patching_with_invalid_values_answers_422_and_changes_nothing(
    bob_api: Client, world: World, values: dict
):
    response = bob_api.patch(
        f"/api/v1/accounts/{world.account_a.pk}",
        {"phone": "06 00 00 00 01", **values},
        content_type="application/json",
    )
    assert response.status_code == 422
    stored = Account.objects.get(pk=world.account_a.pk)
    assert (stored.name, stored.phone, stored.siren, stored.is_closed) == (
        "Boulangerie Dupont",
        "01 23 45 67 89",
        "732829320",
        False,
    )


def test_charlie_gets_404_when_patching_an_account_of_company_a(charlie_api: Client, world: World):
    response = charlie_api.patch(
        f"/api/v1/accounts/{world.account_a.pk}",
        {"name": "Taken over"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert Account.objects.get(pk=world.account_a.pk).name == "Boulangerie Dupont"


def test_accounts_cant_be_deleted_through_the_api(alice_api: Client, world: World):
    # The interface closes accounts; it never deletes them.
    response = alice_api.delete(f"/api/v1/accounts/{world.account_a.pk}")
    assert response.status_code == 405
    assert Account.objects.filter(pk=world.account_a.pk).exists()
