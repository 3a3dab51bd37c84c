"""What every browser test does: log in through the form, find a card, ask axe-core."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page

from salespipe.pipeline.models import Opportunity
from salespipe.test import PASSWORD


def log_in(page: Page, live_server, username: str = "alice") -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def card(page: Page, opportunity: Opportunity) -> Locator:
    return page.locator(f'[data-card][data-id="{opportunity.pk}"]')


def axe_blocking(page: Page) -> list[str]:
    """axe-core's critical and serious violations on the page, one line each."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {len(violation['nodes'])} × "
        f"{violation['nodes'][0]['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"critical", "serious"}
    ]
