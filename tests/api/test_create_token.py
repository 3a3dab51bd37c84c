"""`manage.py create_token USERNAME` prints a token that authenticates as that user (SPEC P1)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from salespipe.api.models import ApiToken, hash_token
from salespipe.test import World


def test_create_token_prints_a_token_that_authenticates_as_the_user(world: World):
    out = StringIO()
    call_command("create_token", "charlie", "--name", "CRM sync", stdout=out, stderr=StringIO())
    clear = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.charlie)
    assert (token.name, token.key_hash) == ("CRM sync", hash_token(clear))
    response = Client(headers={"Authorization": f"Bearer {clear}"}).get("/api/v1/accounts")
    assert [row["id"] for row in response.json()["items"]] == [world.account_b.pk]


def test_create_token_refuses_an_unknown_user(world: World):
    with pytest.raises(CommandError, match="No user named"):
        call_command("create_token", "mallory", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_create_token_refuses_an_inactive_user(world: World):
    world.bob.is_active = False
    world.bob.save()
    with pytest.raises(CommandError, match="inactive"):
        call_command("create_token", "bob", stdout=StringIO())
    assert not ApiToken.objects.exists()
