"""The transitions of an opportunity through the API (SPEC P5, P7, P8, B14, B16, B17, B19, C3):
move, win, lose, reuse and schedule, with their 422 (missing or invalid), 409 and 404."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from salespipe.pipeline.models import Opportunity, OpportunityStatus
from salespipe.test import World, make_opportunity
from tests.pipeline.conftest import history_rows, reload, state


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def lead(world: World) -> Opportunity:
    """An open opportunity of company A in Qualification, with nothing filled."""
    return make_opportunity(world.portfolio_a, account=world.account_a, name="Lead")


def won(world: World) -> Opportunity:
    return make_opportunity(
        world.portfolio_a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        signed_on=dt.date(2030, 1, 10),
        expected_signature_date=dt.date(2030, 1, 31),
    )


# --- move (B14) -------------------------------------------------------------------------------


def test_moving_two_stages_forward_asks_for_both_stages_fields_and_changes_nothing(
    alice_api: Client, world: World, lead: Opportunity
):
    before = state(lead)
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{lead.pk}/move",
        {"version": 1, "stage": world.proposal.pk},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["missing"] == [
        {"stage": world.discovery.pk, "fields": ["amount"]},
        {"stage": world.proposal.pk, "fields": ["expected_signature_date", "contact"]},
    ]
    assert body["detail"].startswith("Fill in the mandatory fields first.")
    assert state(lead) == before


def test_moving_with_the_fields_applies_the_move_and_the_values_together(
    alice_api: Client, world: World, lead: Opportunity
):
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{lead.pk}/move",
        {
            "version": 1,
            "stage": world.proposal.pk,
            "fields": {
                "amount": "900",
                "expected_signature_date": "2030-05-31",
                "contact": world.contact_a.pk,
            },
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["stage"], body["amount"], body["version"]) == (world.proposal.pk, "900.00", 2)
    saved = reload(lead)
    assert (saved.stage, saved.amount, saved.contact, saved.expected_signature_date) == (
        world.proposal,
        Decimal("900.00"),
        world.contact_a,
        dt.date(2030, 5, 31),
    )
    assert ("changed", "stage", "Qualification", "Proposal") in history_rows(lead.pk)


def test_moving_backward_asks_for_nothing(alice_api: Client, world: World):
    ahead = make_opportunity(world.portfolio_a, stage=world.negotiation)
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{ahead.pk}/move",
        {"version": 1, "stage": world.qualification.pk},
    )
    assert response.status_code == 200, response.json()
    assert reload(ahead).stage == world.qualification


def test_a_move_with_a_stale_version_answers_409_with_the_current_one(
    alice_api: Client, world: World, lead: Opportunity
):
    # SPEC P7: someone moved it in between; the client is told and nothing changes.
    Opportunity.objects.filter(pk=lead.pk).update(version=4)
    before = state(lead)
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{lead.pk}/move",
        {"version": 3, "stage": world.negotiation.pk, "fields": {"amount": 1}},
    )
    assert response.status_code == 409
    assert response.json()["version"] == 4
    assert state(lead) == before


@pytest.mark.parametrize("target", ["licence_lead", "signed"], ids=["other_template", "won"])
def test_a_move_to_a_stage_the_board_cant_offer_answers_422_and_changes_nothing(
    alice_api: Client, world: World, lead: Opportunity, target: str
):
    """P5, P8: a stage of another template, or a won stage (reached by winning), is bad input."""
    before = state(lead)
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{lead.pk}/move",
        {"version": 1, "stage": getattr(world, target).pk},
    )
    assert response.status_code == 422
    assert response.json()["detail"]
    assert state(lead) == before


def test_a_move_to_the_stage_it_is_in_answers_409_and_changes_nothing(
    alice_api: Client, world: World, lead: Opportunity
):
    before = state(lead)
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{lead.pk}/move",
        {"version": 1, "stage": lead.stage_id},
    )
    assert response.status_code == 409
    assert response.json()["detail"]
    assert state(lead) == before


def test_moving_a_closed_opportunity_answers_409(alice_api: Client, world: World):
    closed = won(world)
    before = state(closed)
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{closed.pk}/move",
        {"version": 1, "stage": world.discovery.pk},
    )
    assert response.status_code == 409
    assert "reuse" in response.json()["detail"]
    assert state(closed) == before


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"stage": 987654321}, ["body", "stage"]),
        ({"stage": "next"}, ["body", "stage"]),
        ({"stage": None}, ["body", "stage"]),
        ({"version": None}, ["body", "version"]),
        ({"version": "one"}, ["body", "version"]),
        ({"fields": {"amount": "-4"}}, ["body", "fields", "amount"]),
        ({"fields": {"amount": "99999999999999"}}, ["body", "fields", "amount"]),
        (
            {"fields": {"expected_signature_date": "2026-02-30"}},
            ["body", "fields", "expected_signature_date"],
        ),
        ({"fields": {"contact": "contact_b"}}, ["body", "fields", "contact"]),
        ({"fields": {"probability": 90}}, ["body", "fields", "probability"]),
        ({"fields": {"name": "Renamed"}}, ["body", "fields", "name"]),
        ({"extra": 1}, ["body", "extra"]),
    ],
)
def test_bad_input_on_a_move_answers_422_where_it_was_sent_and_changes_nothing(
    alice_api: Client, world: World, lead: Opportunity, body: dict[str, Any], loc: list[str]
):
    request = {"version": 1, "stage": world.discovery.pk, **body}
    if body.get("fields", {}).get("contact") == "contact_b":
        request["fields"] = {"contact": world.contact_b.pk}
    request = {key: value for key, value in request.items() if value is not None}
    before = state(lead)
    response = _post(alice_api, f"/api/v1/opportunities/{lead.pk}/move", request)
    assert response.status_code == 422, response.json()
    assert loc in [error["loc"] for error in response.json()["errors"]]
    assert state(lead) == before


# --- win (B16) --------------------------------------------------------------------------------


def test_winning_asks_for_the_open_stages_not_passed_then_the_won_stage(
    alice_api: Client, world: World, lead: Opportunity
):
    before = state(lead)
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{lead.pk}/win",
        {"version": 1, "stage": world.signed_partner.pk, "signed_on": "2030-02-01"},
    )
    assert response.status_code == 422
    assert response.json()["missing"] == [
        {"stage": world.discovery.pk, "fields": ["amount"]},
        {"stage": world.proposal.pk, "fields": ["expected_signature_date", "contact"]},
        {"stage": world.signed_partner.pk, "fields": ["days"]},
    ]
    assert state(lead) == before


def test_winning_with_every_field_marks_it_won_on_the_day_given(
    alice_api: Client, world: World, lead: Opportunity
):
    response = _post(
        alice_api,
        f"/api/v1/opportunities/{lead.pk}/win",
        {
            "version": 1,
            "stage": world.signed.pk,
            "signed_on": "2030-02-01",
            "fields": {
                "amount": 5000,
                "expected_signature_date": "2030-02-28",
                "contact": world.contact_a.pk,
            },
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "won"
    assert response.json()["signed_on"] == "2030-02-01"
    saved = reload(lead)
    assert (saved.status, saved.stage, saved.signed_on, saved.amount) == (
        OpportunityStatus.WON,
        world.signed,
        dt.date(2030, 2, 1),
        Decimal("5000.00"),
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stage": "negotiation"}, "stage"),  # an open stage
        ({"stage": "licence_won"}, "stage"),  # a won stage of another template
        ({"signed_on": "2030-02-30"}, "signed_on"),
        ({"signed_on": None}, "signed_on"),
        ({"signed_on": "yesterday"}, "signed_on"),
    ],
)
def test_bad_input_on_a_win_answers_422_and_changes_nothing(
    alice_api: Client, world: World, body: dict[str, Any], field: str
):
    ready = make_opportunity(
        world.portfolio_a,
        stage=world.negotiation,
        amount=Decimal(10),
        contact=world.contact_a,
        expected_signature_date=dt.date(2030, 1, 31),
    )
    request: dict[str, Any] = {"version": 1, "stage": world.signed.pk, "signed_on": "2030-02-01"}
    for key, value in body.items():
        request[key] = getattr(world, value).pk if key == "stage" else value
    request = {key: value for key, value in request.items() if value is not None}
    before = state(ready)
    response = _post(alice_api, f"/api/v1/opportunities/{ready.pk}/win", request)
    assert response.status_code == 422, response.json()
    assert ["body", field] in [error["loc"] for error in response.json()["errors"]]
    assert state(ready) == before


# --- lose (B17) -------------------------------------------------------------------------------


def test_losing_takes_the_status_of_the_reason_and_asks_for_nothing_else(
    bob_api: Client, world: World, lead: Opportunity
):
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{lead.pk}/lose",
        {"version": 1, "reason": world.reason_abandoned.pk, "lost_on": "2030-03-03"},
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["loss_reason"]) == (
        "abandoned",
        world.reason_abandoned.pk,
    )
    saved = reload(lead)
    assert (saved.status, saved.loss_reason, saved.lost_on, saved.stage) == (
        OpportunityStatus.ABANDONED,
        world.reason_abandoned,
        dt.date(2030, 3, 3),
        world.qualification,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": 987654321}, "reason"),
        ({"reason": None}, "reason"),
        ({"lost_on": "2030-04-31"}, "lost_on"),
        ({"lost_on": None}, "lost_on"),
    ],
)
def test_bad_input_on_a_loss_answers_422_and_changes_nothing(
    bob_api: Client, world: World, lead: Opportunity, body: dict[str, Any], field: str
):
    request = {"version": 1, "reason": world.reason_lost.pk, "lost_on": "2030-03-03", **body}
    request = {key: value for key, value in request.items() if value is not None}
    before = state(lead)
    response = _post(bob_api, f"/api/v1/opportunities/{lead.pk}/lose", request)
    assert response.status_code == 422, response.json()
    assert ["body", field] in [error["loc"] for error in response.json()["errors"]]
    assert state(lead) == before


# --- reuse (B19) ------------------------------------------------------------------------------


def test_reusing_puts_a_won_opportunity_back_open_in_the_first_stage_of_a_portfolio(
    bob_api: Client, world: World
):
    closed = won(world)
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{closed.pk}/reuse",
        {"version": 1, "portfolio": world.licences_a.pk},
    )
    assert response.status_code == 200, response.json()
    saved = reload(closed)
    assert (saved.status, saved.portfolio, saved.stage, saved.signed_on) == (
        OpportunityStatus.OPEN,
        world.licences_a,
        world.licence_lead,
        None,
    )
    # It keeps its date, so that it shows in the calendar.
    assert response.json()["expected_signature_date"] == "2030-01-31"


def test_reusing_an_open_opportunity_answers_409(bob_api: Client, world: World, lead: Opportunity):
    before = state(lead)
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{lead.pk}/reuse",
        {"version": 1, "portfolio": world.portfolio_a2.pk},
    )
    assert response.status_code == 409
    assert state(lead) == before


def test_reusing_into_a_portfolio_of_another_company_answers_404(bob_api: Client, world: World):
    closed = won(world)
    before = state(closed)
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{closed.pk}/reuse",
        {"version": 1, "portfolio": world.portfolio_b.pk},
    )
    assert response.status_code == 404
    assert state(closed) == before


# --- schedule (C3) ----------------------------------------------------------------------------


def test_scheduling_sets_the_expected_signature_to_the_last_day_of_the_month(
    bob_api: Client, world: World, lead: Opportunity
):
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{lead.pk}/schedule",
        {"version": 1, "month": "2028-02"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["expected_signature_date"] == "2028-02-29"
    assert reload(lead).expected_signature_date == dt.date(2028, 2, 29)
    assert reload(lead).version == 2


@pytest.mark.parametrize("month", ["2028-13", "2028-2", "28-02", "2028-02-01", ""])
def test_a_month_that_isnt_one_answers_422(bob_api: Client, lead: Opportunity, month: str):
    before = state(lead)
    response = _post(
        bob_api, f"/api/v1/opportunities/{lead.pk}/schedule", {"version": 1, "month": month}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "month"]
    assert state(lead) == before


# --- scope (P8) -------------------------------------------------------------------------------


def test_charlie_gets_404_on_every_transition_of_a_company_a_opportunity(
    charlie_api: Client, world: World, lead: Opportunity
):
    closed = won(world)
    attempts: list[tuple[Opportunity, str, dict[str, Any]]] = [
        (lead, "move", {"version": 1, "stage": world.discovery.pk, "fields": {"amount": 1}}),
        (lead, "win", {"version": 1, "stage": world.signed.pk, "signed_on": "2030-01-01"}),
        (lead, "lose", {"version": 1, "reason": world.reason_lost.pk, "lost_on": "2030-01-01"}),
        (lead, "schedule", {"version": 1, "month": "2030-01"}),
        (closed, "reuse", {"version": 1, "portfolio": world.portfolio_b.pk}),
    ]
    before = [state(lead), state(closed)]
    for opportunity, name, body in attempts:
        response = _post(charlie_api, f"/api/v1/opportunities/{opportunity.pk}/{name}", body)
        unknown = _post(charlie_api, f"/api/v1/opportunities/987654321/{name}", body)
        assert response.status_code == unknown.status_code == 404, name
        assert response.json() == unknown.json() == {"detail": "Not found."}
    assert [state(lead), state(closed)] == before


def test_a_transition_through_the_session_needs_the_csrf_token(
    alice_browser: Client, world: World, lead: Opportunity
):
    # SPEC P1: the browser's session writes like a form of the site, with its CSRF token.
    before = state(lead)
    url = f"/api/v1/opportunities/{lead.pk}/lose"
    body = {"version": 1, "reason": world.reason_lost.pk, "lost_on": "2030-03-03"}
    refused = _post(alice_browser, url, body)
    assert refused.status_code == 403
    assert state(lead) == before
    alice_browser.get("/api/v1/docs")
    token = alice_browser.cookies["csrftoken"].value
    done = alice_browser.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert done.status_code == 200, done.json()
    assert reload(lead).status == OpportunityStatus.LOST
