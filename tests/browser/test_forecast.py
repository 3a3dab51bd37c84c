"""X6 in Chromium: the forecast page draws its charts under the strict CSP, its form changes
the period, the board leads to it, and it prints without its form and with every table."""

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from salespipe.forecast.models import SalesTarget
from salespipe.lib.months import Month
from salespipe.pipeline.models import OpportunityStatus
from salespipe.test import World, make_opportunity

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_forecast_draws_under_the_csp_and_prints_its_tables(
    page: Page, live_server, world_db: World
) -> None:
    world = world_db
    today = timezone.localdate()
    make_opportunity(
        world.portfolio_a, stage=world.proposal, amount=4000, expected_signature_date=today
    )
    make_opportunity(
        world.portfolio_a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        amount=2500,
        signed_on=today,
    )
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=today.replace(day=1), amount=6000)
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Chromium says "Refused to …" of what the Content Security Policy blocks.
        if message.type == "error" and "Refused" in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/board/?portfolio={world.portfolio_a.pk}")
    page.locator(".more-menu summary").click()
    page.get_by_role("link", name="Forecast and funnel").click()
    this_month = page.locator(f'[data-table=months] tr[data-month="{Month.of(today)}"]')
    expect(this_month).to_contain_text("€2,500.00")
    expect(this_month).to_contain_text("€6,000.00")
    # Won in green, open and weighted, and the target's line.
    chart = page.locator('[data-chart="months"]')
    expect(chart.locator("rect.bar-won")).to_have_count(1)
    expect(chart.locator("line.chart-target")).to_have_count(1)
    assert chart.bounding_box()["height"] > 100  # type: ignore[index]

    # The period asked from the form: three months from the current one.
    page.fill("input[name=months]", "3")
    page.fill("input[name=start]", str(Month.of(today)))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("[data-table=months] tbody tr")).to_have_count(3)

    page.emulate_media(media="print")
    expect(page.locator(".forecast-filters")).to_be_hidden()
    for table in ("months", "stages", "conversion", "time"):
        expect(page.locator(f"[data-table={table}]")).to_be_visible()
    assert errors == [], "no script or style refused by the CSP"
