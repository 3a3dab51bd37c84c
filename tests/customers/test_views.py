"""Accounts in the browser: the list and its search (SPEC A1, A2, P8); their sheets are
tested with the pipeline's pages that serve them."""

import pytest
from django.test import Client

from salespipe.test import World


def listed(client: Client, search: str = "") -> list[str]:
    response = client.get("/accounts/", {"q": search}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    return [
        name
        for name in (
            "Boulangerie Dupont",
            "Épicerie Éclair",
            "Boucherie Fermée",
            "Brasserie Martin",
        )
        if name in html
    ]


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("", ["Boulangerie Dupont", "Épicerie Éclair"]),
        ("epi", ["Épicerie Éclair"]),
        ("BOUL", ["Boulangerie Dupont"]),
        ("4430", ["Épicerie Éclair"]),  # SIREN
        ("04 72", ["Épicerie Éclair"]),  # phone, the 0 and spaces ignored
        ("+33 1 23", ["Boulangerie Dupont"]),
        ("contact@", ["Boulangerie Dupont"]),  # email
        ("zzz", []),
    ],
)
def test_the_list_finds_accounts_by_name_siren_phone_or_email(
    world: World, accounts, bob_client: Client, search, found
):
    """A1, A2: one search field; bob doesn't see the closed account."""
    assert listed(bob_client, search) == found


def test_closed_accounts_are_listed_only_with_the_right_and_other_companies_never(
    world: World, accounts, alice_client: Client, charlie_client: Client
):
    """A2, P8."""
    assert "Boucherie Fermée" in listed(alice_client, "bou")
    assert listed(charlie_client) == ["Brasserie Martin"]
