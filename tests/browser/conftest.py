"""Browser tests: Playwright driving Debian's Chromium against a live server."""

import os
import shutil

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test import testcases

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _OneRequestAtATime(testcases.LiveServerThread):
    """The live server, answering one request at a time.

    On SQLite the test database lives in memory, and the live server's threads share the
    test's one connection: two requests at once (a page and its scripts, a page and its
    stylesheet) interleaved their queries on it, so that one read another's rows; seen as a
    401 or a 500 now and then. A browser gets its answers one after the other instead.
    """

    def _create_server(self, connections_override: object = None) -> WSGIServer:
        return WSGIServer(
            (self.host, self.port), testcases.QuietWSGIRequestHandler, allow_reuse_address=False
        )


# pytest-django's live server takes the thread class from this module when it starts.
testcases.LiveServerThread = _OneRequestAtATime  # type: ignore[misc]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is needed for browser tests: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1440, "height": 900}}


@pytest.fixture(autouse=True)
def _no_live_feed_on_the_test_server(settings):
    """The test server answers one request at a time: a page's live feed, which stays open,
    would hold it. Live updates are tried against gunicorn (test_live_updates.py)."""
    settings.LIVE_UPDATES = False


@pytest.fixture
def world_db(transactional_db):
    """The shared test world, in a database the live server's thread also sees."""
    from salespipe.test import make_world

    return make_world()
