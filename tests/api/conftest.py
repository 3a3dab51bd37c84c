"""Clients of the API: a bearer token per persona, and a browser session that checks CSRF."""

from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory

from salespipe.api.models import ApiToken
from salespipe.org.models import Collaborator
from salespipe.test import PASSWORD, World


def bearer_client(user: Collaborator) -> Client:
    _token, clear = ApiToken.objects.issue(user, name="tests")
    # The product speaks French by default; these tests read the English messages.
    return Client(headers={"Authorization": f"Bearer {clear}", "Accept-Language": "en"})


@pytest.fixture
def api_client_for() -> Callable[[Collaborator], Client]:
    return bearer_client


@pytest.fixture
def alice_api(world: World) -> Client:
    return bearer_client(world.alice)


@pytest.fixture
def bob_api(world: World) -> Client:
    return bearer_client(world.bob)


@pytest.fixture
def charlie_api(world: World) -> Client:
    return bearer_client(world.charlie)


@pytest.fixture
def alice_browser(world: World) -> Client:
    """alice's logged-in browser; unlike the default test client, it enforces CSRF."""
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    assert client.login(
        request=RequestFactory().post("/login/"), username="alice", password=PASSWORD
    )
    return client
