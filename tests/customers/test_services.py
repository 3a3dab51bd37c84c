"""The account and contact services every door calls (SPEC A1, A2, O2, P1)."""

from typing import Any

import pytest

from salespipe.customers import services
from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.org.rights import MissingRight, Right
from salespipe.test import World


def test_a_quick_creation_makes_a_prospect_for_a_user_with_the_right(world: World):
    # SPEC O2: alice holds quick_account (DMF 191420).
    account = services.account_create(
        user=world.alice, company_id=world.company_a.pk, values={"name": "Walk-in"}, quick=True
    )
    stored = Account.objects.get(pk=account.pk)
    assert (stored.name, stored.kind, stored.company) == (
        "Walk-in",
        AccountKind.PROSPECT,
        world.company_a,
    )


def test_a_quick_creation_is_refused_without_the_right_and_creates_nothing(world: World):
    with pytest.raises(MissingRight) as refused:
        services.account_create(
            user=world.bob, company_id=world.company_a.pk, values={"name": "Walk-in"}, quick=True
        )
    assert refused.value.right is Right.QUICK_ACCOUNT
    assert "191420" in str(refused.value)
    assert not Account.objects.filter(name="Walk-in").exists()


def test_a_quick_creation_cant_make_a_client(world: World):
    with pytest.raises(InvalidInput) as invalid:
        services.account_create(
            user=world.alice,
            company_id=world.company_a.pk,
            values={"name": "Walk-in", "kind": AccountKind.CLIENT},
            quick=True,
        )
    assert list(invalid.value.errors) == ["kind"]
    assert not Account.objects.filter(name="Walk-in").exists()


def test_every_account_creation_needs_the_quick_account_right_whatever_the_door(world: World):
    # SEC1: the product creates accounts only through O2's Create, which right 191420 opens;
    # the API, the admin and the import ask the same right of the same service.
    with pytest.raises(MissingRight) as refused:
        services.account_create(
            user=world.bob,
            company_id=world.company_a.pk,
            values={"name": "Regular", "kind": AccountKind.CLIENT},
        )
    assert "191420" in str(refused.value)
    assert not Account.objects.filter(name="Regular").exists()
    account = services.account_create(
        user=world.alice,
        company_id=world.company_a.pk,
        values={"name": "Regular", "kind": AccountKind.CLIENT},
    )
    assert Account.objects.get(pk=account.pk).kind == AccountKind.CLIENT


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "Ok", "company": 1}, "company"),
        ({"name": "Ok", "name_key": "forged"}, "name_key"),
        ({"name": "Ok", "phone": None}, "phone"),
        ({"name": 12}, "name"),
        ({"name": "Ok", "is_closed": "true"}, "is_closed"),
        ({"name": "Lone \ud800 surrogate"}, "name"),
        ({"name": "ﬁ" * 150}, "name"),  # its search key outgrows the column: told on the name
    ],
)
def test_values_no_form_would_send_are_refused(world: World, values: Any, field: str):
    with pytest.raises(InvalidInput) as invalid:
        services.account_create(user=world.alice, company_id=world.company_a.pk, values=values)
    assert field in invalid.value.errors
    assert Account.objects.count() == 2


def test_an_account_is_created_only_in_a_company_of_the_user(world: World):
    with pytest.raises(InvalidInput) as invalid:
        services.account_create(
            user=world.charlie, company_id=world.company_a.pk, values={"name": "Sneaky"}
        )
    assert invalid.value.errors == {"company": [f"No company with id {world.company_a.pk}."]}
    assert not Account.objects.filter(name="Sneaky").exists()


def test_updating_an_account_of_another_company_is_out_of_scope(world: World):
    with pytest.raises(OutOfScope):
        services.account_update(
            user=world.charlie, account_id=world.account_a.pk, values={"name": "Taken"}
        )
    assert Account.objects.get(pk=world.account_a.pk).name == "Boulangerie Dupont"


def test_the_same_siren_may_exist_in_two_companies(world: World):
    # The SIREN is unique per company: company B may hold account A's SIREN.
    world.charlie.quick_account = True
    world.charlie.save(update_fields=["quick_account"])
    account = services.account_create(
        user=world.charlie,
        company_id=world.company_b.pk,
        values={"name": "Dupont UK", "siren": world.account_a.siren},
    )
    assert Account.objects.filter(siren=world.account_a.siren).count() == 2
    assert account.company == world.company_b


def test_an_account_keeps_its_own_siren_when_changed(world: World):
    account = services.account_update(
        user=world.bob, account_id=world.account_a.pk, values={"siren": "732 829 320"}
    )
    assert Account.objects.get(pk=account.pk).siren == "732829320"


def test_a_contact_is_created_on_an_account_in_scope_only(world: World):
    contact = services.contact_create(
        user=world.bob, account_id=world.account_a.pk, values={"last_name": "Roux"}
    )
    assert Contact.objects.get(pk=contact.pk).account == world.account_a
    with pytest.raises(InvalidInput) as invalid:
        services.contact_create(
            user=world.charlie, account_id=world.account_a.pk, values={"last_name": "Roux"}
        )
    assert list(invalid.value.errors) == ["account"]
    assert Contact.objects.filter(last_name="Roux").count() == 1


def test_a_contact_update_of_another_company_is_out_of_scope(world: World):
    with pytest.raises(OutOfScope):
        services.contact_update(
            user=world.charlie, contact_id=world.contact_a.pk, values={"last_name": "X"}
        )
    assert Contact.objects.get(pk=world.contact_a.pk).last_name == "Dupont"


def test_an_empty_name_is_said_as_every_other_empty_field_is(world: World):
    """U1: "This field cannot be blank." beside "This field is required." read as two rules."""
    with pytest.raises(InvalidInput) as invalid:
        services.account_create(
            user=world.alice, company_id=world.company_a.pk, values={"name": "  "}, quick=True
        )
    assert invalid.value.errors["name"] == ["This field is required."]
