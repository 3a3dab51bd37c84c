"""The configuration screens the product adds read well with assistive technologies (U1;
the stage inline too, where mandatory fields are ticked, labels every input)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from salespipe.test import PASSWORD, World, make_user

from .helpers import axe_blocking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_stage_template_page_labels_every_input_of_its_stage_rows(
    live_server, page: Page, world_db: World, language: str
):
    make_user("root", is_staff=True, is_superuser=True, language=language)
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    for url in (
        reverse("admin:pipeline_stagetemplate_add"),
        reverse("admin:pipeline_stagetemplate_change", args=[world_db.projects.pk]),
    ):
        page.goto(f"{live_server.url}{url}")
        assert page.locator("#stages-group").is_visible()
        assert axe_blocking(page) == [], url
        order = page.locator("#id_stages-0-order")
        assert order.get_attribute("aria-label") in {"Order", "Ordre"}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [1440, 360])
def test_the_api_tokens_page_is_usable_by_keyboard_and_clean_for_axe(
    live_server, page: Page, world_db: World, language: str, width: int
):
    """SEC4's page: issue a token from the keyboard, read it, revoke it; axe-core clean."""
    world_db.alice.language = language
    world_db.alice.save(update_fields=["language"])
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}{reverse('profile:tokens')}")
    assert axe_blocking(page) == []
    page.focus("#token-name")
    page.keyboard.type("Reporting")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    issued = page.locator("#api-token")
    assert issued.inner_text().startswith("sp_")
    assert page.locator(".issued[role=status]").is_visible()
    assert axe_blocking(page) == []
    page.get_by_role("button", name="Reporting").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages")
    assert page.locator(".token-list").count() == 0
    assert axe_blocking(page) == []


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [1440, 360])
def test_the_admin_pages_the_product_adds_are_clean_for_axe(
    live_server, page: Page, world_db: World, language: str, width: int
):
    """U1: the screens the product configures and saves through its services, with their
    autocompletes (named by their labels) and inlines (reachable when they scroll on a
    phone), in both languages, on a wide screen and a phone."""
    from salespipe.test import make_opportunity

    make_user("root", is_staff=True, is_superuser=True, language=language)
    deal = make_opportunity(world_db.portfolio_a, account=world_db.account_a)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    found = {}
    for url in (
        reverse("admin:index"),
        reverse("admin:pipeline_opportunity_changelist"),
        reverse("admin:pipeline_opportunity_change", args=[deal.pk]),
        reverse("admin:customers_account_changelist"),
        reverse("admin:customers_account_change", args=[world_db.account_a.pk]),
        reverse("admin:org_collaborator_changelist"),
        reverse("admin:org_collaborator_change", args=[world_db.alice.pk]),
        reverse("admin:pipeline_tag_changelist"),
    ):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("load")
        found[url] = axe_blocking(page)
    assert {url: lines for url, lines in found.items() if lines} == {}
