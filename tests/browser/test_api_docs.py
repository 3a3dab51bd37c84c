"""The interactive API docs (SPEC P2) work offline, under the site's strict CSP."""

import json

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from salespipe.customers.models import Account
from salespipe.test import PASSWORD, World, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page: Page, origin: str) -> tuple[list[str], list[str]]:
    """The console errors of the page, and the requests it makes to other sites."""
    errors: list[str] = []
    outside: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith((origin, "data:")):
            outside.append(request.url)

    page.on("console", on_console)
    page.on("request", on_request)
    return errors, outside


def test_the_docs_page_lists_the_operations_from_our_own_server_only(live_server, page: Page):
    errors, outside = _watch(page, live_server.url)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("/api/v1/accounts/{id}", exact=True).first).to_be_visible()
    assert page.locator(".opblock").count() >= 24
    assert outside == [], "the docs load nothing from another site (no CDN)"
    assert errors == [], "no script or style refused by the CSP, nothing missing"


def test_trying_a_write_from_the_docs_sends_the_csrf_token_of_the_session(live_server, page: Page):
    # SPEC P1: the session authenticates the docs' "Try it out"; a write needs the CSRF token.
    world: World = make_world()
    errors, _outside = _watch(page, live_server.url)
    page.goto(f"{live_server.url}/login/?next=/api/v1/docs")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # The login page's own address ends with "next=/api/v1/docs": wait for the docs themselves.
    page.wait_for_url(f"{live_server.url}/api/v1/docs")
    expect(page.locator("#operations-customers-create_account")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the docs have fetched the schema and settled
    errors.clear()  # the login page's own requests are not the docs' concern

    operation = page.locator("#operations-customers-create_account")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    body = {"company": world.company_a.pk, "name": "Tried from the docs"}
    operation.locator("textarea.body-param__text").fill(json.dumps(body))
    operation.get_by_role("button", name="Execute").click()

    status = operation.locator(".live-responses-table tbody td.response-col_status")
    expect(status).to_have_text("201")
    created = Account.objects.get(name="Tried from the docs")
    assert created.company == world.company_a
    assert errors == []
