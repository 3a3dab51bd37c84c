"""The live search's keys in the browser are the server's (SPEC B11, B12): the cards carry
keys made by `salespipe.lib.text` and `salespipe.lib.phones`, what the user types is keyed
by `pipeline/search_keys.js`, and a name must find its card in every script."""

import pytest
from playwright.sync_api import Page, expect

from salespipe.lib.phones import phone_search_key
from salespipe.lib.text import search_key
from salespipe.test import World, make_account, make_opportunity

from .helpers import card, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = [
    "  Élodie  Martin ",
    "Straße",
    "GROẞE",
    "ΟΔΟΣ Σοφίας",
    "Ångström",
    "İstanbul",
    "Çağrı Öztürk",
    "Łódź",
    "Ǆemal",
    "ﬁnance ﬂow",
    "Œuvre Æther",
    "Nguyễn Văn Thành",
    "Дмитрий Ёлкин",
    "राम प्रसाद",
    "தமிழ் நாடு",
    "עִבְרִית",
    "العربية",
    "東京 ソフト",
    "Ｆｕｌｌｗｉｄｔｈ",
    "José\u00a0María",
    "tab\there\u2003em\x85next",
    "①②③ ²",
    "ꭰꮳꮃ Ꭰ",
    "µ ſ ŉ",
    "",
]
PHONES = ["+33 6 12 34 56 78", "06.12.34.56.78", "0033 1 23 45 67 89", "+44 20 7946 0958", "٠٦١٢"]


def test_the_browser_keys_names_and_phones_as_the_server_does(
    page: Page, live_server, world_db: World
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/board/?portfolio={world_db.portfolio_a.pk}")
    keys = page.evaluate(
        "([names, phones]) => [names.map(window.SalespipeSearchKeys.searchKey),"
        " phones.map(window.SalespipeSearchKeys.phoneKey)]",
        [NAMES, PHONES],
    )
    assert keys[0] == [search_key(name) for name in NAMES]
    assert keys[1] == [phone_search_key(phone) for phone in PHONES]


def test_typing_a_name_as_written_finds_its_card(page: Page, live_server, world_db: World):
    w = world_db
    german = make_opportunity(w.portfolio_a, account=make_account(w.company_a, "Hauptstraße AG"))
    hindi = make_opportunity(w.portfolio_a, account=make_account(w.company_a, "राम प्रसाद"))
    other = make_opportunity(w.portfolio_a, account=make_account(w.company_a, "Other"))
    log_in(page, live_server)
    page.goto(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")
    search = page.locator('[data-live-search="names"]')

    for typed, found in (("HAUPTSTRASSE", german), ("Hauptstraße", german), ("राम", hindi)):
        search.fill(typed)
        expect(card(page, found)).to_be_visible()
        expect(card(page, other)).to_be_hidden()
