"""A refusal reads the same from the API and from the pages' lookups (SPEC P8): 422 with a
readable `detail` and each invalid value in `errors`, 403 naming the right."""

from django.test import Client

from salespipe.pipeline.models import Tag
from salespipe.test import World
from tests.api.conftest import bearer_client


def test_a_tag_refused_by_the_tags_field_and_by_the_api_reads_the_same(world: World):
    page = Client()
    page.force_login(world.bob)
    count = Tag.objects.count()

    from_page = page.post("/opportunities/tags/", {"name": "Hot"})
    from_api = bearer_client(world.bob).post(
        "/api/v1/tags", {"name": "Hot"}, content_type="application/json"
    )

    assert from_page.status_code == from_api.status_code == 422
    assert from_page.json() == from_api.json()
    assert from_page.json()["errors"][0]["loc"] == ["body", "name"]
    assert Tag.objects.count() == count


def test_a_missing_right_reads_the_same_from_a_lookup_as_from_the_api(world: World):
    page = Client()
    page.force_login(world.bob)
    refused = page.post(f"/accounts/quick/?company={world.company_a.pk}", {"name": "Garage"})
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"}
    assert "191420" in refused.json()["detail"]
