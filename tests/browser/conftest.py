"""Browser tests: the app served on a live port, driven by Debian's chromium through Playwright.

The live server has its own database (a SQLite file, or a sibling PostgreSQL database
in the PostgreSQL pass) holding the demo programme, because a browser's requests commit
for real. Without chromium the tests skip, except under CI=true where they must run.
"""

import os
import threading
from datetime import date
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from transform import TestConfig, create_app
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
DEMO_DAY = date(2026, 11, 22)


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


def _live_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    base, _, name = url.rpartition("/")
    live_name = f"{name}_browser"
    admin = base.replace("postgresql+psycopg://", "postgresql://", 1) + "/" + name
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{live_name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{live_name}"')
    return f"{base}/{live_name}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    _require_chromium()
    url = _live_database_url(tmp_path_factory)
    previous = os.environ.get("TEST_DATABASE_URL")
    os.environ["TEST_DATABASE_URL"] = url
    try:
        app = create_app(TestConfig)
    finally:
        if previous is None:
            os.environ.pop("TEST_DATABASE_URL")
        else:
            os.environ["TEST_DATABASE_URL"] = previous
    app.config["UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("live-uploads"))
    with app.app_context():
        upgrade()
        load_demo(DEMO_DAY)
        _db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


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
