"""Live search in Chromium: from a keystroke to the next frame, on boards of thousands of cards.

The board page is drawn by the app itself (the real view, templates and scripts) from the
bench database, with a card limit large enough to draw the number of cards asked, and
served to Chromium from memory. A script in the page notes the time of each keydown and,
once the search has run, waits for the next frame to be drawn: that delay, over many
keystrokes typed by Playwright, gives the p95. The baseline is a minimal hand-written filter
(a loop over the same card elements toggling `hidden`) on the same page, the app's search
script left out.
"""

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.contrib.staticfiles import finders
from django.urls import reverse
from playwright.sync_api import Page, Route, sync_playwright

from salespipe.pipeline.models import Opportunity, OpportunityStatus
from salespipe.pipeline.selectors import card_pages

from .pages import client_for
from .timing import percentile, ratio
from .world import LAST_NAMES, TRADES, BenchWorld

ORIGIN = "http://bench.localhost"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WORDS = [word.lower() for word in [*TRADES[:5], *LAST_NAMES[:5]]]

RECORDER = """() => {
  const input = document.querySelector('[data-live-search="names"]');
  window.__times = [];
  let started = 0;
  input.addEventListener("keydown", () => { started = performance.now(); }, true);
  // Registered after the page's own listener: runs once the search has run; the message
  // posted from the frame callback arrives once that frame is drawn.
  input.addEventListener("input", () => {
    const from = started;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.__times.push(performance.now() - from);
      channel.port2.postMessage(null);
    });
  });
}"""

MINIMAL_FILTER = """() => {
  const input = document.querySelector('[data-live-search="names"]');
  const cards = Array.from(document.querySelectorAll("[data-card]"), (el) => [el, "\\n" + (el.dataset.names || "")]);
  input.addEventListener("input", () => {
    const key = input.value.trim().toLowerCase();
    for (const [el, names] of cards) {
      const show = key === "" || names.includes("\\n" + key);
      if (el.hidden === show) el.hidden = !show;
    }
  });
}"""


def _per_column_limit(world: BenchWorld, cards: int) -> int:
    """The smallest per-column limit that draws at least `cards` cards (or all there are)."""
    counts = [
        Opportunity.objects.filter(
            portfolio=world.portfolio, status=OpportunityStatus.OPEN, stage=stage
        ).count()
        for stage in world.stages
    ]
    limit = 1
    while sum(min(count, limit) for count in counts) < min(cards, sum(counts)):
        limit = max(limit + 1, int(limit * 1.05))
    return limit


def _board_html(world: BenchWorld, limit: int) -> tuple[str, str]:
    """The board page and its tags stylesheet, drawn by the app with `limit` cards a column."""
    client = client_for(world)
    saved = card_pages.FIRST_CARDS
    card_pages.FIRST_CARDS = limit
    try:
        page = client.get(f"{reverse('pipeline:board')}?portfolio={world.portfolio.pk}")
    finally:
        card_pages.FIRST_CARDS = saved
    styles = client.get(reverse("pipeline:tag_styles"))
    return page.content.decode(), styles.content.decode()


def _server(html: str, styles: str, leave_out: str | None) -> Callable[[Route], None]:
    def handle(route: Route) -> None:
        path = urlparse(route.request.url).path
        if path == reverse("pipeline:board"):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif path == reverse("pipeline:tag_styles"):
            route.fulfill(status=200, content_type="text/css", body=styles)
        elif path.startswith("/static/") and not (leave_out and path.endswith(leave_out)):
            found = finders.find(path.removeprefix("/static/"))
            if isinstance(found, str):
                kind = "text/css" if found.endswith(".css") else "text/javascript"
                route.fulfill(status=200, content_type=kind, body=Path(found).read_bytes())
            else:
                route.fulfill(status=404, body="")
        else:
            route.fulfill(status=404, body="")

    return handle


def _type_words(page: Page) -> list[float]:
    search = page.locator('[data-live-search="names"]')
    search.click()
    for word in WORDS:
        for letter in word[:5]:
            page.keyboard.type(letter)
            page.wait_for_timeout(40)
        for _ in word[:5]:
            page.keyboard.press("Backspace")
            page.wait_for_timeout(40)
    page.wait_for_timeout(200)
    times: list[float] = page.evaluate("() => window.__times")
    return times


def _session(page: Page, html: str, styles: str, minimal: bool) -> dict[str, Any]:
    page.unroute("**/*")
    page.route("**/*", _server(html, styles, "search.js" if minimal else None))
    page.goto(f"{ORIGIN}{reverse('pipeline:board')}")
    page.wait_for_selector("[data-board-body]")
    if minimal:
        page.evaluate(MINIMAL_FILTER)
    page.evaluate(RECORDER)
    times = _type_words(page)
    return {"keystrokes": len(times), "p95_ms": percentile(times, 0.95), "max_ms": max(times)}


def measure_live_search(world: BenchWorld, counts: list[int]) -> dict[str, Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls between browser
    # steps stay synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    results: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for cards in counts:
            limit = _per_column_limit(world, cards)
            html, styles = _board_html(world, limit)
            drawn = html.count("data-card ")
            context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
            page = context.new_page()
            ours = _session(page, html, styles, minimal=False)
            minimal = _session(page, html, styles, minimal=True)
            context.close()
            results[str(cards)] = {
                "cards_drawn": drawn,
                "ours": ours,
                "minimal": minimal,
                "ratio": ratio(ours["p95_ms"], minimal["p95_ms"]),
            }
        browser.close()
    return results
