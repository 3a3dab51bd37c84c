"""The configuration resources (SPEC P3, B7, B8): lists, details and who sees what."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Portfolio, Stage, StageTemplate
from salespipe.test import World, make_user


def _items(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["items"]


def _ids(response) -> list[int]:
    return [row["id"] for row in _items(response)]


def test_every_user_lists_every_portfolio_of_every_company(charlie_api: Client, world: World):
    # SPEC B7: the selector lists every portfolio; what a board shows is scoped, not the list.
    rows = _items(charlie_api.get("/api/v1/portfolios"))
    assert [row["name"] for row in rows] == [
        "Licences A",
        "Projects A",
        "Projects A North",
        "Projects B",
    ]
    assert rows[1] == {
        "id": world.portfolio_a.pk,
        "name": "Projects A",
        "company": world.company_a.pk,
        "template": world.projects.pk,
        "default_stage": None,
    }
    assert charlie_api.get(f"/api/v1/portfolios/{world.portfolio_a.pk}").status_code == 200


def test_portfolios_filter_by_company_and_group(bob_api: Client, world: World):
    assert _ids(bob_api.get(f"/api/v1/portfolios?company={world.company_b.pk}")) == [
        world.portfolio_b.pk
    ]
    assert _ids(bob_api.get(f"/api/v1/portfolios?group={world.licences.pk}")) == [
        world.licences_a.pk
    ]


def test_a_portfolio_group_holds_the_portfolios_of_its_template(bob_api: Client, world: World):
    response = bob_api.get(f"/api/v1/portfolio-groups/{world.projects.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"]) == (world.projects.pk, "Projects")
    assert [p["id"] for p in body["portfolios"]] == [
        world.portfolio_a.pk,
        world.portfolio_a2.pk,
        world.portfolio_b.pk,
    ]
    assert _ids(bob_api.get("/api/v1/portfolio-groups")) == [world.licences.pk, world.projects.pk]


def test_a_template_without_portfolio_is_no_group(bob_api: Client, world: World):
    lonely = StageTemplate.objects.create(name="Unused")
    assert bob_api.get(f"/api/v1/portfolio-groups/{lonely.pk}").status_code == 404
    assert lonely.pk not in _ids(bob_api.get("/api/v1/portfolio-groups"))


def test_the_portfolio_groups_list_costs_the_same_queries_whatever_their_number(
    bob_api: Client, world: World
):
    bob_api.get("/api/v1/teams")  # the token's first use is recorded once, not measured here
    with CaptureQueriesContext(connection) as two_groups:
        assert len(_items(bob_api.get("/api/v1/portfolio-groups?limit=100"))) == 2
    for number in range(5):
        template = StageTemplate.objects.create(name=f"Extra {number}")
        Portfolio.objects.create(name=f"Extra {number}", company=world.company_a, template=template)
    with CaptureQueriesContext(connection) as seven_groups:
        assert len(_items(bob_api.get("/api/v1/portfolio-groups?limit=100"))) == 7
    assert len(seven_groups) == len(two_groups) == 3  # the token, the groups, their portfolios


def test_stages_of_a_portfolio_come_in_template_order(bob_api: Client, world: World):
    rows = _items(bob_api.get(f"/api/v1/stages?portfolio={world.portfolio_a.pk}"))
    assert [row["name"] for row in rows] == [
        "Qualification",
        "Discovery",
        "Proposal",
        "Negotiation",
        "Signed",
        "Signed by a partner",
    ]
    proposal = next(row for row in rows if row["id"] == world.proposal.pk)
    assert proposal == {
        "id": world.proposal.pk,
        "template": world.projects.pk,
        "name": "Proposal",
        "order": 3,
        "probability": 60,
        "status": "open",
        "mandatory_fields": ["expected_signature_date", "contact"],
    }


def test_stages_filter_by_template_and_status(bob_api: Client, world: World):
    won = _ids(bob_api.get(f"/api/v1/stages?template={world.projects.pk}&status=won"))
    assert won == [world.signed.pk, world.signed_partner.pk]
    assert _ids(bob_api.get(f"/api/v1/stages?template={world.licences.pk}")) == [
        world.licence_lead.pk,
        world.licence_won.pk,
    ]
    assert Stage.objects.filter(template=world.projects).count() == 6


def test_tags_filter_by_kind_and_first_letters(bob_api: Client, world: World):
    assert _ids(bob_api.get("/api/v1/tags?kind=opportunity")) == [world.tag_hot.pk]
    assert _ids(bob_api.get("/api/v1/tags?search=NEWS")) == [world.tag_other_kind.pk]
    body = bob_api.get(f"/api/v1/tags/{world.tag_hot.pk}").json()
    assert body == {
        "id": world.tag_hot.pk,
        "name": "Hot",
        "kind": "opportunity",
        "color": "#dc2626",
    }


def test_loss_reasons_carry_the_status_they_give(bob_api: Client, world: World):
    rows = _items(bob_api.get("/api/v1/loss-reasons?status=abandoned"))
    assert rows == [
        {"id": world.reason_abandoned.pk, "name": "Project cancelled", "status": "abandoned"}
    ]


def test_sale_types_carry_their_mode(bob_api: Client, world: World):
    rows = _items(bob_api.get("/api/v1/sale-types"))
    assert [(row["name"], row["mode"]) for row in rows] == [
        ("Consulting", "days"),
        ("Licences", "quantity"),
        ("Lump sum", "amount"),
    ]


def test_teams_and_departments_list_by_name(bob_api: Client, world: World):
    assert [row["name"] for row in _items(bob_api.get("/api/v1/teams"))] == [
        "Field sales",
        "Presales",
    ]
    assert [row["name"] for row in _items(bob_api.get("/api/v1/departments?sort=-name"))] == [
        "Paris",
        "Lyon",
    ]


def test_collaborators_are_those_sharing_a_company_with_the_user(
    alice_api: Client, charlie_api: Client, world: World
):
    assert _ids(alice_api.get("/api/v1/collaborators?sort=username")) == [
        world.alice.pk,
        world.bob.pk,
    ]
    assert _ids(charlie_api.get("/api/v1/collaborators")) == [world.charlie.pk]
    assert charlie_api.get(f"/api/v1/collaborators/{world.alice.pk}").status_code == 404
    body = alice_api.get(f"/api/v1/collaborators/{world.bob.pk}").json()
    assert (body["username"], body["full_name"], body["team"], body["department"]) == (
        "bob",
        "Bob",
        world.presales_team.pk,
        world.lyon.pk,
    )


def test_a_collaborator_of_two_companies_is_listed_once(alice_api: Client, world: World):
    both = make_user("dora", world.company_a, world.company_b, last_name="Durand")
    assert _ids(alice_api.get("/api/v1/collaborators?search=dur")) == [both.pk]
    assert _ids(alice_api.get(f"/api/v1/collaborators?company={world.company_b.pk}")) == [both.pk]


def test_collaborators_filter_by_team_department_and_activity(alice_api: Client, world: World):
    gone = make_user("eve", world.company_a, team=world.sales_team, is_active=False)
    assert _ids(alice_api.get(f"/api/v1/collaborators?team={world.sales_team.pk}&sort=id")) == [
        world.alice.pk,
        gone.pk,
    ]
    assert _ids(alice_api.get(f"/api/v1/collaborators?department={world.lyon.pk}")) == [
        world.bob.pk
    ]
    assert _ids(alice_api.get("/api/v1/collaborators?is_active=false")) == [gone.pk]
    assert Collaborator.objects.filter(is_active=False).count() == 1


def test_companies_are_those_the_user_is_scoped_on(charlie_api: Client, world: World):
    assert _items(charlie_api.get("/api/v1/companies")) == [
        {"id": world.company_b.pk, "name": "Company B", "currency": "GBP"}
    ]
    assert charlie_api.get(f"/api/v1/companies/{world.company_a.pk}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "portfolios",
        "portfolio-groups",
        "stages",
        "tags",
        "loss-reasons",
        "sale-types",
        "teams",
        "departments",
        "collaborators",
        "companies",
    ],
)
def test_an_unknown_id_of_any_resource_answers_404(bob_api: Client, world: World, path: str):
    response = bob_api.get(f"/api/v1/{path}/987654321")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
