"""X5 in Chromium: the board filtered from its header, then exported to XLSX and read back:
the file holds what the board shows, amounts as numbers."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from salespipe.test import World, make_opportunity

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_filtered_on_screen_is_exported_as_it_is(
    page: Page, live_server, world_db: World
) -> None:
    world = world_db
    make_opportunity(world.portfolio_a, name="Alice's deal", amount=1500, salesperson=world.alice)
    make_opportunity(world.portfolio_a, name="Bob's deal", amount=700, salesperson=world.bob)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/board/?portfolio={world.portfolio_a.pk}")
    expect(page.get_by_text("Bob's deal")).to_be_visible()

    # Narrowed from the header: the address follows, and so does the export.
    page.select_option("select[name=seller]", f"salesperson:{world.bob.pk}")
    page.locator("select[name=seller]").press("Enter")
    expect(page.get_by_text("Alice's deal")).to_have_count(0)
    with page.expect_download() as download:
        page.locator(".more-menu summary").click()
        page.get_by_role("link", name="Export what is shown (XLSX)").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith("board-")
    with open(path, "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert [row[header.index("Call name")] for row in rows[1:]] == ["Bob's deal"]
    assert rows[1][header.index("Amount")] == 700
