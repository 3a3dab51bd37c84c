"""A move through the API reads what its rules need and writes the change, nothing more
(SPEC B14, P4, P7, S8): the token's user, the opportunity within the user's scope,
its template's stages, its tags; then the conditional update, its history row and the
change feed's row (B21)."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salespipe.pipeline.models import Opportunity
from salespipe.test import World, make_contact, make_opportunity
from tests.pipeline.conftest import history_rows, reload

# Token, opportunity, stages, tags, UPDATE, history INSERT, change feed INSERT (B21).
MOVE_QUERIES = 7
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def _move(client: Client, opportunity: Opportunity, body: dict[str, Any]) -> list[str]:
    """Moves `opportunity` through the API; the statements it ran, transaction control aside."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/opportunities/{opportunity.pk}/move", body, content_type="application/json"
        )
    assert response.status_code == 200, response.json()
    return [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].upper().startswith(_TRANSACTION_CONTROL)
    ]


@pytest.fixture
def deal(world: World, alice_api: Client) -> Opportunity:
    """An open opportunity in Negotiation; the token has been used once already, as a
    script's usually has (its first use records the time)."""
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    opportunity.tags.set([world.tag_hot])
    alice_api.get(f"/api/v1/opportunities/{opportunity.pk}")
    return opportunity


def test_a_move_through_the_api_runs_seven_queries(alice_api: Client, world: World, deal):
    statements = _move(alice_api, deal, {"version": 1, "stage": world.qualification.pk})
    assert len(statements) == MOVE_QUERIES, "\n".join(statements)
    assert reload(deal).stage == world.qualification
    assert history_rows(deal.pk)[-1] == ("changed", "stage", "Negotiation", "Qualification")


def test_a_move_forward_entering_stages_with_their_fields_reads_only_the_values_given(
    alice_api: Client, world: World
):
    """B14: the stages entered are checked from the stages already read; only the contact
    given is read (with its account) on top, and the history names the values too."""
    lead = make_opportunity(world.portfolio_a, stage=world.qualification)
    alice_api.get(f"/api/v1/opportunities/{lead.pk}")
    contact = make_contact(world.account_a, "Durand")
    statements = _move(
        alice_api,
        lead,
        {
            "version": 1,
            "stage": world.proposal.pk,
            "fields": {
                "amount": "900",
                "expected_signature_date": "2030-05-31",
                "contact": contact.pk,
            },
        },
    )
    assert len(statements) == MOVE_QUERIES + 1, "\n".join(statements)
    assert [row[1:] for row in history_rows(lead.pk)[-3:]] == [
        ("stage", "Qualification", "Proposal"),
        ("amount", "", "900.00"),
        ("expected_signature_date", "", "2030-05-31"),
    ]


def test_the_answer_of_a_move_is_the_opportunity_as_read_afterwards(
    alice_api: Client, world: World, deal
):
    """P4: the same body as reading it, with the new stage, version and weighted amount."""
    response = alice_api.post(
        f"/api/v1/opportunities/{deal.pk}/move",
        {"version": 1, "stage": world.qualification.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == alice_api.get(f"/api/v1/opportunities/{deal.pk}").json()
