"""Opportunity tags created and edited from the opportunity form, through the API (O2, P1, P8)."""

from django.test import Client

from salespipe.pipeline.models import Tag, TagKind
from salespipe.test import World


def test_bob_creates_an_opportunity_tag(bob_api: Client, world: World):
    response = bob_api.post(
        "/api/v1/tags", {"name": "Salon 2027", "color": "#2563eb"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["kind"], body["color"]) == ("Salon 2027", "opportunity", "#2563eb")
    tag = Tag.objects.get(pk=body["id"])
    assert (tag.name, tag.kind, tag.color) == ("Salon 2027", TagKind.OPPORTUNITY, "#2563eb")


def test_a_tag_without_a_colour_is_grey(bob_api: Client):
    response = bob_api.post("/api/v1/tags", {"name": "Grey"}, content_type="application/json")
    assert response.status_code == 201
    assert Tag.objects.get(name="Grey").color == response.json()["color"]


def test_a_duplicate_name_or_a_bad_colour_is_refused_and_nothing_changes(
    bob_api: Client, world: World
):
    count = Tag.objects.count()
    duplicate = bob_api.post("/api/v1/tags", {"name": "Hot"}, content_type="application/json")
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"]
    colour = bob_api.post(
        "/api/v1/tags", {"name": "New", "color": "red;x"}, content_type="application/json"
    )
    assert colour.status_code == 422
    assert Tag.objects.count() == count


def test_an_opportunity_tag_is_renamed_and_recoloured(bob_api: Client, world: World):
    response = bob_api.patch(
        f"/api/v1/tags/{world.tag_hot.pk}",
        {"name": "Very hot", "color": "#b91c1c"},
        content_type="application/json",
    )
    assert response.status_code == 200
    world.tag_hot.refresh_from_db()
    assert (world.tag_hot.name, world.tag_hot.color) == ("Very hot", "#b91c1c")


def test_a_tag_of_another_kind_is_not_editable_here(bob_api: Client, world: World):
    response = bob_api.patch(
        f"/api/v1/tags/{world.tag_other_kind.pk}",
        {"name": "Renamed"},
        content_type="application/json",
    )
    assert response.status_code == 404
    world.tag_other_kind.refresh_from_db()
    assert world.tag_other_kind.name == "Newsletter"
