"""Browser journeys: Playwright drives Debian's chromium against Django's live server.

`make test` installs chromium (apt) and axe-core (npm) through `make e2e-deps`.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("SOUTIEN_CHROMIUM", "/usr/bin/chromium")
AXE = (
    Path(__file__).resolve().parents[2] / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
)
# What Playwright says when axe ran while the page was being replaced.
_NAVIGATED = re.compile(r"documentElement|Execution context was destroyed|navigat")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop; Django's live server threads are unaffected.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _regions(transactional_db):
    """Browser tests are transactional, and a flush empties the 17 regions a migration loaded:
    put them back before each one."""
    from soutien.organizations.models import Region
    from soutien.organizations.regions import REGIONS

    for code, name in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name})


@pytest.fixture
def page(browser, live_server, settings):
    # The live server listens on a port of its own: the Host's port check allows it.
    settings.SOUTIEN_ALLOWED_PORTS = [live_server.url.rsplit(":", 1)[1]]
    settings.SITE_URL = live_server.url  # emailed links lead to this server
    context = browser.new_context(base_url=live_server.url, locale="fr-CA")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    """Signs the browser in as a user, as the login page would: the session is made on the
    server and its cookie put in the browser's storage state (Playwright's reuse of a
    logged-in state). The login page itself is proven by the journeys that go through it."""
    from django.conf import settings
    from django.test import Client

    def sign(user) -> None:
        client = Client()
        client.force_login(user)
        morsel = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": morsel.key,
                    "value": morsel.value,
                    "url": live_server.url,
                    "httpOnly": bool(morsel["httponly"]),
                    "secure": bool(morsel["secure"]),
                    "sameSite": morsel["samesite"] or "Lax",
                }
            ]
        )

    return sign


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")):
    """WCAG violations axe-core finds on the page once it has loaded."""
    # A click that navigates returns before the next page exists: axe run during the
    # navigation finds no document. Wait for it, and run again if it was replaced mid-run.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            # Evaluated by the browser's debugger, not as a page script: the CSP forbids inline ones.
            page.evaluate(AXE.read_text(encoding="utf-8"))
            # resultTypes: every violation with all its elements; the passes and the others
            # without their elements' selectors, which are most of axe's time.
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " resultTypes: ['violations']})",
                list(tags),
            )
            break
        except PlaywrightError as error:
            if attempt == 2 or not _NAVIGATED.search(str(error)):
                raise
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} élément(s))" for v in result["violations"]]
