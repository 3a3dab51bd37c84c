"""Contacts through the API (SPEC P3, A2, P8): lists, details, writes."""

import pytest
from django.test import Client

from salespipe.customers.models import Account, Contact
from salespipe.test import World, make_account, make_contact


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["items"]]


def test_a_contact_reads_with_its_fields(bob_api: Client, world: World):
    response = bob_api.get(f"/api/v1/contacts/{world.contact_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in body if key != "created_at"} == {
        "id": world.contact_a.pk,
        "account": world.account_a.pk,
        "first_name": "Marie",
        "last_name": "Dupont",
        "full_name": "Marie Dupont",
        "phone": "06 12 34 56 78",
        "mobile": "",
        "function": "",
        "email": "",
        "is_closed": False,
    }


def test_charlie_gets_404_on_a_contact_of_company_a_and_never_lists_it(
    charlie_api: Client, world: World
):
    response = charlie_api.get(f"/api/v1/contacts/{world.contact_a.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert _ids(charlie_api.get("/api/v1/contacts")) == [world.contact_b.pk]
    assert _ids(charlie_api.get(f"/api/v1/contacts?account={world.account_a.pk}")) == []
    assert _ids(charlie_api.get("/api/v1/contacts?search=dupont")) == []


def test_the_search_takes_the_first_letters_of_the_last_or_first_name(
    bob_api: Client, world: World
):
    other = make_contact(world.account_a, "Lefèvre", first_name="Éric")
    assert _ids(bob_api.get("/api/v1/contacts?search=dup")) == [world.contact_a.pk]
    assert _ids(bob_api.get("/api/v1/contacts?search=MARIE")) == [world.contact_a.pk]
    assert _ids(bob_api.get("/api/v1/contacts?search=lefe")) == [other.pk]
    assert _ids(bob_api.get("/api/v1/contacts?search=eric")) == [other.pk]
    assert _ids(bob_api.get("/api/v1/contacts?search=ont")) == []


def test_contacts_filter_by_account_and_company(bob_api: Client, world: World):
    elsewhere = make_account(world.company_a, "Elsewhere")
    there = make_contact(elsewhere, "Martin")
    assert _ids(bob_api.get(f"/api/v1/contacts?account={elsewhere.pk}")) == [there.pk]
    assert _ids(bob_api.get(f"/api/v1/contacts?company={world.company_a.pk}")) == [
        world.contact_a.pk,
        there.pk,
    ]


def test_closed_contacts_and_contacts_of_closed_accounts_are_hidden_without_the_right(
    alice_api: Client, bob_api: Client, world: World
):
    # SPEC A2: bob lacks show_closed, alice has it.
    closed = make_contact(world.account_a, "Durand", is_closed=True)
    closed_account = make_account(world.company_a, "Closed shop", is_closed=True)
    of_closed_account = make_contact(closed_account, "Dumas")
    assert _ids(bob_api.get("/api/v1/contacts?search=du")) == [world.contact_a.pk]
    assert _ids(alice_api.get("/api/v1/contacts?search=du")) == [
        of_closed_account.pk,
        world.contact_a.pk,
        closed.pk,
    ]
    assert _ids(alice_api.get("/api/v1/contacts?closed=true")) == [closed.pk]


def test_creating_a_contact_answers_201_and_stores_it(bob_api: Client, world: World):
    response = bob_api.post(
        "/api/v1/contacts",
        {
            "account": world.account_a.pk,
            "last_name": "Petit",
            "first_name": "Léa",
            "mobile": "07 11 22 33 44",
            "function": "Buyer",
            "email": "lea@dupont.example",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    stored = Contact.objects.get(pk=response.json()["id"])
    assert (stored.account, stored.full_name, stored.function, stored.name_key) == (
        world.account_a,
        "Léa Petit",
        "Buyer",
        "petit lea",
    )
    assert response.json()["full_name"] == "Léa Petit"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"last_name": ""}, "last_name"),
        ({"first_name": "No last name"}, "last_name"),
        ({"last_name": "Ok", "phone": "+33 1"}, "phone"),
        ({"last_name": "Ok", "mobile": "abc"}, "mobile"),
        ({"last_name": "Ok", "email": "lea@"}, "email"),
        ({"last_name": "Ok", "function": "f" * 121}, "function"),
        ({"last_name": "Ok", "account": 987654321}, "account"),
        ({"last_name": "Ok", "account": "first"}, "account"),
    ],
)
def test_creating_an_invalid_contact_answers_422_and_stores_nothing(
    bob_api: Client, world: World, values: dict, field: str
):
    before = Contact.objects.count()
    response = bob_api.post(
        "/api/v1/contacts",
        {"account": world.account_a.pk, **values},
        content_type="application/json",
    )
    assert response.status_code == 422, response.json()
    assert field in [error["loc"][-1] for error in response.json()["errors"]]
    assert Contact.objects.count() == before


def test_charlie_cant_create_a_contact_on_an_account_of_company_a(
    charlie_api: Client, world: World
):
    response = charlie_api.post(
        "/api/v1/contacts",
        {"account": world.account_a.pk, "last_name": "Intruder"},
        content_type="application/json",
    )
    unknown = charlie_api.post(
        "/api/v1/contacts",
        {"account": 987654321, "last_name": "Intruder"},
        content_type="application/json",
    )
    assert response.status_code == unknown.status_code == 422
    # The same words as for an account that does not exist, the id aside.
    assert response.json()["errors"][0]["msg"] == f"No account with id {world.account_a.pk}."
    assert unknown.json()["errors"][0]["msg"] == "No account with id 987654321."
    assert not Contact.objects.filter(last_name="Intruder").exists()


def test_patching_a_contact_changes_only_the_fields_sent(bob_api: Client, world: World):
    response = bob_api.patch(
        f"/api/v1/contacts/{world.contact_a.pk}",
        {"function": "Manager", "first_name": "Marie-Anne"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    stored = Contact.objects.get(pk=world.contact_a.pk)
    assert (stored.function, stored.first_name, stored.last_name, stored.phone) == (
        "Manager",
        "Marie-Anne",
        "Dupont",
        "06 12 34 56 78",
    )
    assert stored.name_key == "dupont marie-anne"


def test_the_account_of_a_contact_cant_be_patched(bob_api: Client, world: World):
    elsewhere = make_account(world.company_a, "Elsewhere")
    response = bob_api.patch(
        f"/api/v1/contacts/{world.contact_a.pk}",
        {"account": elsewhere.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Contact.objects.get(pk=world.contact_a.pk).account == world.account_a


def test_patching_a_contact_with_invalid_values_changes_nothing(bob_api: Client, world: World):
    response = bob_api.patch(
        f"/api/v1/contacts/{world.contact_a.pk}",
        {"function": "Manager", "email": "not-an-email"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Contact.objects.get(pk=world.contact_a.pk).function == ""


def test_charlie_gets_404_when_patching_a_contact_of_company_a(charlie_api: Client, world: World):
    response = charlie_api.patch(
        f"/api/v1/contacts/{world.contact_a.pk}",
        {"last_name": "Renamed"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Contact.objects.get(pk=world.contact_a.pk).last_name == "Dupont"


def test_contacts_cant_be_deleted_through_the_api(alice_api: Client, world: World):
    response = alice_api.delete(f"/api/v1/contacts/{world.contact_a.pk}")
    assert response.status_code == 405
    assert Contact.objects.filter(pk=world.contact_a.pk).exists()
    assert Account.objects.filter(pk=world.account_a.pk).exists()
