"""An opportunity's fields as the creation form, the sheet and the board's dialogs post them,
read into the values the services take (SPEC O2, S2, B14, B16): numbers in French or English
writing, days written YYYY-MM-DD, ids; what can't be read is named with every other fault."""

import datetime as dt
from decimal import Decimal

import pytest

from salespipe.pipeline.forms.values import OpportunityValuesForm, every_fault, read_values
from salespipe.pipeline.services.values import OpportunityChanges
from salespipe.test import World


def test_each_kind_of_value_is_read_into_the_type_the_services_take():
    values, unreadable = read_values(
        {
            "name": " New website ",
            "account": "12",
            "amount": "12\u202f500,50",
            "days": "3.5",
            "currency": "EUR",
            "contact": "",
            "expected_signature_date": "2030-06-30",
            "tags": ["3", " 4 "],
            "portfolio": "7",
        }
    )

    assert unreadable == {}
    assert values == {
        # Texts are kept as typed: the services strip them and check their length.
        "name": " New website ",
        "account": 12,
        "amount": Decimal("12500.50"),
        "days": Decimal("3.5"),
        "currency": "EUR",
        "contact": None,
        "expected_signature_date": dt.date(2030, 6, 30),
        "tags": [3, 4],
        "portfolio": 7,
    }


def test_only_the_values_posted_are_read_and_blanks_are_empty():
    values, unreadable = read_values({"amount": "", "description": "", "tags": []})

    assert unreadable == {}
    assert values == {"amount": None, "description": "", "tags": []}


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("amount", "lots", "A number is expected."),
        ("amount", "1e2", "A number is expected."),
        ("days", "NaN", "A number is expected."),
        ("expected_signature_date", "2030-02-30", "A date written YYYY-MM-DD is expected."),
        ("expected_signature_date", "30/06/2030", "A date written YYYY-MM-DD is expected."),
        ("account", "Dupont", "An id is expected."),
        ("contact", "1.5", "An id is expected."),
        ("tags", ["3", "hot"], "A list of ids is expected."),
        ("name", "Deal\x00", "Null characters are not allowed."),
    ],
)
def test_a_value_that_cant_be_read_is_named_and_left_out(
    name: str, typed: str | list[str], message: str
):
    values, unreadable = read_values({name: typed, "description": "kept"})

    assert unreadable == {name: [message]}
    assert values == {"description": "kept"}


def test_a_fault_of_reading_comes_with_the_services_faults_among_the_rest(world: World):
    # The amount can't be read; the account is another company's; the email is no email.
    values, unreadable = read_values(
        {"name": "Deal", "account": str(world.account_b.pk), "amount": "lots", "email": "nope"}
    )

    refused = every_fault(
        unreadable, values, user=world.alice, company=world.company_a, creating=True
    )

    assert set(refused.errors) == {"amount", "account", "email"}
    assert refused.errors["amount"] == ["A number is expected."]


def test_the_page_form_reads_the_fields_the_services_take():
    # `read_values` hands its values over as `OpportunityChanges`: it reads exactly its keys.
    assert set(OpportunityValuesForm.base_fields) == set(OpportunityChanges.__annotations__)
