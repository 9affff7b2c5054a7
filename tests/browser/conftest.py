"""Browser tests: the app served on a live port, driven by Debian's chromium through Playwright.

The live server has its own database (a SQLite file, or a sibling PostgreSQL database
in the PostgreSQL pass) holding the demo programme, because a browser's requests commit
for real. Without chromium the tests skip, except under CI=true where they must run.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import SUITE_DAY
from tests.live_app import dispose, make_live_app
from transform.demo import DEMO_PASSWORD, load_demo
from transform.extensions import db as _db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_DAY = SUITE_DAY


@pytest.fixture(autouse=True)
def db():
    """Browser tests use the live server's database, not the rolled-back test session."""
    yield None


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{CHROMIUM} is missing; CI must run the browser tests (apt-get install chromium)"
        )
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    _require_chromium()
    app = make_live_app(tmp_path_factory, "browser")
    # A real browser sends real tokens: form fields, and hx-headers for htmx requests.
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        load_demo(DEMO_DAY)
        _db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    dispose(app)


class LiveServer:
    def __init__(self, app, url: str):
        self.app = app
        self.url = url

    def query(self, statement):
        """Run a read on the live database, outside any request."""
        with self.app.app_context():
            try:
                return _db.session.execute(statement).all()
            finally:
                _db.session.remove()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    def log_in(email: str) -> None:
        page.goto(f"{live_server.url}/auth/login")
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/programmes/")

    return log_in
