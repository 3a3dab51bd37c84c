"""PNG screenshots of the board and the signature calendar with demo data, in French and
English: `make screenshots`.

Builds a throwaway SQLite database under var/screenshots/, loads the demo data into it,
serves it with gunicorn on a free local port, and drives Chromium through Playwright to
var/screenshots/board-{fr,en}.png (the board), board-dialog-{fr,en}.png (a move asking for
a stage's fields), board-mobile-{fr,en}.png (a 390 px wide phone), calendar-{fr,en}.png
(the signature calendar of every portfolio), calendar-drag-{fr,en}.png (a card dragged, the
month frames shown on the right), calendar-mobile-{fr,en}.png, and tokens-{fr,en}.png and
tokens-mobile-{fr,en}.png (the API tokens of the profile, one just issued), feed-{fr,en}.png
and feed-mobile-{fr,en}.png (the calendar feed of the profile, its address just made),
forecast-{fr,en}.png and forecast-mobile-{fr,en}.png (the forecast and funnel of every
portfolio), import-{fr,en}.png and import-mobile-{fr,en}.png (a Pipedrive export uploaded,
its columns to match),
board-mobile-tools-{fr,en}.png (the phone's filters unfolded), board-mobile-menu-{fr,en}.png
(a card's menu on the phone) and sheet-{fr,en}.png, sheet-mobile-{fr,en}.png (a card's sheet,
on its activities).
"""

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "screenshots"
# The moves of the calendar since a month ago (X2), as the server counts days.
SINCE = (dt.datetime.now(tz=dt.UTC).date() - dt.timedelta(days=30)).isoformat()
WORK = OUT / "work"
DATABASE = WORK / "demo.sqlite3"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
USERNAME, PASSWORD = "alice", "demo"
# A few deals as Pipedrive exports them, for the import's page.
SAMPLE_DEALS = (
    '"Deal - ID","Deal - Title","Deal - Organization","Deal - Value","Deal - Currency",'
    '"Deal - Stage","Deal - Status","Deal - Expected close date","Deal - Owner"\n'
    "101,Refonte du site,Garage Lemaire,12000,EUR,Prospection,open,2027-05-31,Alice Lefèvre\n"
    "102,Maintenance annuelle,Garage Lemaire,4500.50,EUR,Qualification,open,2027-02-28,\n"
).encode()
LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{DATABASE}",
        STATIC_ROOT=str(WORK / "static"),
        MEDIA_ROOT=str(WORK / "media"),
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="salespipe.settings",
    )
    return env


def manage(*args: str, check: bool = True) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment(), check=check)


def prepare() -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("seed_demo", "--opportunities", "160", "--seed", "7")


def set_language(language: str) -> None:
    """The demo user's own language, which wins over the browser's."""
    code = (
        "from salespipe.org.models import Collaborator;"
        f"Collaborator.objects.filter(username={USERNAME!r}).update(language={language!r})"
    )
    manage("shell", "-c", code)


def wait_until_served(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The server stopped before answering; see its output above.")
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"No answer from {url} after 30 s.")


def shoot(url: str) -> list[Path]:
    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        for language, locale in LANGUAGES.items():
            set_language(language)
            board = "[data-board-body]"
            shots: list[tuple[str, str, ViewportSize, str]] = [
                ("board", "/board/", {"width": 1600, "height": 1000}, board),
                ("board-mobile", "/board/", {"width": 390, "height": 844}, board),
                # X2: each month also says what moved in and out of it this last month.
                (
                    "calendar",
                    f"/calendar/?all=1&since={SINCE}",
                    {"width": 1600, "height": 1000},
                    board,
                ),
                ("calendar-mobile", "/calendar/?all=1", {"width": 390, "height": 844}, board),
                ("tokens", "/profile/tokens/", {"width": 1440, "height": 900}, "#token-name"),
                ("tokens-mobile", "/profile/tokens/", {"width": 360, "height": 780}, "#token-name"),
                # X6: every portfolio's forecast, targets and funnel, then on a phone.
                (
                    "forecast",
                    "/forecast/?all=1",
                    {"width": 1440, "height": 900},
                    "[data-table=months]",
                ),
                (
                    "forecast-mobile",
                    "/forecast/?all=1",
                    {"width": 360, "height": 780},
                    "[data-table=months]",
                ),
                # X5: a Pipedrive export uploaded, its columns to match.
                ("import", "/imports/", {"width": 1440, "height": 900}, "#id_file"),
                ("import-mobile", "/imports/", {"width": 360, "height": 780}, "#id_file"),
                (
                    "feed",
                    "/profile/calendar-feed/",
                    {"width": 1440, "height": 900},
                    "#feed-password",
                ),
                (
                    "feed-mobile",
                    "/profile/calendar-feed/",
                    {"width": 360, "height": 780},
                    "#feed-password",
                ),
            ]
            for name, address, viewport, ready in shots:
                context = browser.new_context(locale=locale, viewport=viewport)
                page = context.new_page()
                page.goto(f"{url}/login/")
                page.fill("#id_username", USERNAME)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                page.goto(f"{url}{address}")
                page.wait_for_selector(ready)
                page.wait_for_load_state("networkidle")
                if name.startswith("tokens"):
                    # A token just issued: its one showing, and the list.
                    page.fill("#token-name", "Reporting")
                    page.fill("#token-password", PASSWORD)
                    page.click(".new-token button")
                    page.wait_for_selector("#api-token")
                if name.startswith("import"):
                    page.select_option("#id_kind", "opportunities")
                    page.locator("#id_target option[value^=portfolio]").first.wait_for(
                        state="attached"
                    )
                    first = page.locator("#id_target option[value^=portfolio]").first
                    page.select_option("#id_target", first.get_attribute("value") or "")
                    page.set_input_files(
                        "#id_file",
                        {"name": "deals.csv", "mimeType": "text/csv", "buffer": SAMPLE_DEALS},
                    )
                    page.click(".import-upload button")
                    page.wait_for_selector("form.import-mapping")
                if name.startswith("feed"):
                    # A calendar address just made: its one showing.
                    page.fill("#feed-password", PASSWORD)
                    page.click(".new-token button")
                    page.wait_for_selector("#feed-address")
                path = OUT / f"{name}-{language}.png"
                page.screenshot(
                    path=str(path),
                    full_page=name
                    in {"board", "calendar", "forecast", "forecast-mobile", "import"},
                )
                written.append(path)
                if name == "board":
                    written += shoot_dialog(page, language)
                if name.startswith("board"):
                    written += shoot_sheet(page, language, mobile=name == "board-mobile")
                if name == "board-mobile":
                    written += shoot_phone(page, language)
                if name == "calendar":
                    written += shoot_drag(page, language)
                context.close()
        browser.close()
    return written


def shoot_dialog(page: Page, language: str) -> list[Path]:
    """The dialog of a win from the first stage: one step per stage still to pass, then won."""
    first_card = page.locator('[data-drop="move"] [data-card]').first
    if first_card.count() == 0:
        return []
    first_card.focus()
    page.keyboard.press("Shift+F10")
    page.locator("#card-menu .menu-win").click()
    dialog = page.locator("dialog[data-steps-dialog]")
    dialog.wait_for(timeout=10_000)
    path = OUT / f"board-dialog-{language}.png"
    page.screenshot(path=str(path))
    dialog.locator("[data-cancel]").click()
    return [path]


def shoot_phone(page: Page, language: str) -> list[Path]:
    """The phone's tools unfolded, then a card's menu opened by its button."""
    written = []
    page.locator("[data-tools-toggle]").click()
    page.locator("#board-tools").wait_for(state="visible")
    path = OUT / f"board-mobile-tools-{language}.png"
    page.screenshot(path=str(path))
    written.append(path)
    page.locator("[data-tools-toggle]").click()
    page.locator("[data-card] .card-menu-button").first.click()
    page.locator("#card-menu").wait_for(state="visible")
    path = OUT / f"board-mobile-menu-{language}.png"
    page.screenshot(path=str(path))
    written.append(path)
    page.keyboard.press("Escape")
    return written


def shoot_sheet(page: Page, language: str, *, mobile: bool) -> list[Path]:
    """The first card's sheet, on its activities, and back to the board."""
    board = page.url
    page.locator("[data-card] a.card-name").first.click()
    page.wait_for_selector("#sheet")
    page.get_by_role("tab").nth(1).click()
    page.wait_for_load_state("networkidle")
    path = OUT / f"sheet{'-mobile' if mobile else ''}-{language}.png"
    page.screenshot(path=str(path), full_page=not mobile)
    page.goto(board)
    page.wait_for_selector("[data-board-body]")
    return [path]


def shoot_drag(page: Page, language: str) -> list[Path]:
    """A card held over a month: the quick-drop frames show on the right (SPEC C3)."""
    first_card = page.locator("[data-column] [data-card]").first
    if first_card.count() == 0:
        return []
    first_card.hover()
    page.mouse.down()
    box = first_card.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2 + 30)
    page.locator("[data-frame]").first.wait_for(state="visible", timeout=10_000)
    target = page.locator("[data-frame]").last.bounding_box()
    assert target is not None
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
    path = OUT / f"calendar-drag-{language}.png"
    page.screenshot(path=str(path))
    # Let go over the card's own month, which changes nothing.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.up()
    return [path]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        raise SystemExit("Chromium is needed for screenshots: apt-get install chromium")
    prepare()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "salespipe.asgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment(),
    )
    try:
        wait_until_served(url, server)
        written = shoot(url)
    finally:
        server.terminate()
        server.wait(timeout=10)
    for path in written:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
