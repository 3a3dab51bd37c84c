"""What every browser test does: log in through the form, find a card."""

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
