"""The app's edge: links behind a reverse proxy, Retry-After only when limited, and CORS
closed unless origins are listed."""

import pytest

from tests import factories
from transform import TestConfig, create_app
from transform.api import tokens
from transform.extensions import limiter
from transform.models import Team

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "transform.example.org"}


class BehindOneProxy(TestConfig):
    PROXY_COUNT = 1


class WithBiOrigin(TestConfig):
    CORS_ORIGINS = ("https://bi.example.com",)


@pytest.fixture
def token(db):
    owner = factories.user("owner@example.com", name="Olive Owner")
    db.session.add_all([Team(name="Billing", headcount=1), Team(name="Records", headcount=1)])
    db.session.flush()
    return {"Authorization": f"Bearer {tokens.create_token(owner, 'bi')[1]}"}


def test_behind_a_proxy_next_links_and_redirects_use_its_scheme_and_host(app, token):
    proxied = create_app(BehindOneProxy).test_client()
    page = proxied.get("/api/v1/teams?limit=1", headers=token | FORWARDED).json
    assert page["next"].startswith("https://transform.example.org/api/v1/teams?")
    login = proxied.get("/programmes/", headers=FORWARDED)
    assert login.status_code == 302
    assert login.headers["Location"].startswith(("/auth/login", "https://transform.example.org/"))


def test_without_a_proxy_setting_forwarded_headers_are_ignored(client, token):
    page = client.get("/api/v1/teams?limit=1", headers=token | FORWARDED).json
    assert page["next"].startswith("http://localhost/api/v1/teams?")


def test_retry_after_is_sent_only_with_a_429(app, client, token, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1 per minute")
    limiter.reset()
    try:
        allowed = client.get("/api/v1/teams", headers=token)
        limited = client.get("/api/v1/teams", headers=token)
    finally:
        limiter.reset()
    assert allowed.status_code == 200 and "Retry-After" not in allowed.headers
    assert "X-RateLimit-Limit" in allowed.headers
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 0


def test_cors_is_closed_by_default(client, token):
    headers = token | {"Origin": "https://bi.example.com"}
    response = client.get("/api/v1/teams", headers=headers)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_listed_origins_and_only_they_may_call_the_api(app, token):
    browser = create_app(WithBiOrigin).test_client()
    allowed = browser.get("/api/v1/teams", headers=token | {"Origin": "https://bi.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://bi.example.com"
    preflight = browser.options(
        "/api/v1/teams",
        headers={
            "Origin": "https://bi.example.com",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    other = browser.get("/api/v1/teams", headers=token | {"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = browser.get("/auth/login", headers={"Origin": "https://bi.example.com"})
    assert "Access-Control-Allow-Origin" not in page.headers
