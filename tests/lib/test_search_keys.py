"""Search keys (SPEC B11, B12): what they keep and drop, and the stored keys recomputed when
their definition changes (customers 0004, pipeline 0005)."""

import importlib

import pytest
from django.apps import apps

from salespipe.customers.models import Account
from salespipe.lib.stored_keys import refresh_stored_keys
from salespipe.lib.text import search_key
from salespipe.pipeline.models import Opportunity
from salespipe.pipeline.selectors import board
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.test import World, make_account, make_opportunity


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("  Élodie  Martin ", "elodie martin"),
        ("Hauptstraße", "hauptstrasse"),
        ("ΟΔΟΣ", "οδοσ"),
        ("ﬁnance", "finance"),
        # A vowel sign (a spacing mark) is part of the word; an accent is not.
        ("राम", "राम"),
        ("Nguyễn", "nguyen"),
        (None, ""),
    ],
)
def test_a_search_key_drops_accents_and_case_but_keeps_letters(value, key):
    assert search_key(value) == key


def test_stored_keys_are_written_again_only_where_they_differ(world: World):
    stale = make_account(world.company_a, "Hauptstraße AG")
    right = make_account(world.company_a, "Right Keys")
    Account.objects.filter(pk=stale.pk).update(name_key="hauptstraße ag")
    deal = make_opportunity(world.portfolio_a, account=right, name="Große Sache")
    Opportunity.objects.filter(pk=deal.pk).update(name_key="große sache")

    changed = refresh_stored_keys(
        Account, ("name", "name_key"), lambda account: {"name_key": search_key(account.name)}
    )
    assert changed == 1
    stale.refresh_from_db()
    assert stale.name_key == "hauptstrasse ag"

    migration = importlib.import_module(
        "salespipe.pipeline.migrations.0005_search_keys_shared_with_the_browser"
    )
    migration.refresh_keys(apps, None)
    deal.refresh_from_db()
    assert deal.name_key == "grosse sache"


def test_other_digits_in_a_phone_search_match_no_card(world: World):
    """B12: phone keys hold ASCII digits; "٠٦١٢" is not a phone's start, and matches none."""
    make_opportunity(world.portfolio_a, phone="06 12 34 56 78")
    found = board(
        user=world.alice, portfolio_id=world.portfolio_a.pk, filters=BoardFilters(reach="٠٦١٢")
    )
    assert found.summary.count == 0
    by_digits = board(
        user=world.alice, portfolio_id=world.portfolio_a.pk, filters=BoardFilters(reach="06 12")
    )
    assert by_digits.summary.count == 1
