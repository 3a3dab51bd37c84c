"""A property-based run over the OpenAPI document (SPEC P2, P8): whatever a client sends
within the schema, the API answers without a server error and as its schema says.

Schemathesis generates requests for every operation from the document, sends them to the
Django application through WSGI as alice with a bearer token, and checks every answer.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from salespipe.api.models import ApiToken
from salespipe.test import World
from salespipe.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Building the document reads no database, so it can be loaded when the module is.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    # Django's WSGI handler closes connections when a request ends, which would drop the
    # test's transaction; its test client disconnects the same signal for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def alice_token(world: World) -> str:
    _token, clear = ApiToken.objects.issue(world.alice, name="schemathesis")
    return clear


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    # The world is made once per operation, and what the examples write stays: that's the point.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_request_within_its_schema(case, alice_token: str):
    case.call_and_validate(headers={"Authorization": f"Bearer {alice_token}"}, checks=CHECKS)
