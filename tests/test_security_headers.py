"""Security headers on every response, a template scan for inline script, cookie flags."""

import re
from pathlib import Path

import pytest

from tests import factories
from transform import Config
from transform.security_headers import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_security_headers(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name


@pytest.fixture
def pmo_client(app):
    pmo = factories.user("pmo@example.com", name="Pat PMO")
    programme = factories.programme(admin=pmo)
    client = factories.logged_in(app)
    return client, programme


def test_the_policy_allows_no_inline_or_evaluated_script():
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    # Inline SVG charts carry style attributes; styles are the one inline allowance.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY


def test_login_page_carries_the_headers(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers


def test_logged_in_pages_carry_the_headers(pmo_client):
    client, programme = pmo_client
    for url in (
        "/programmes/",
        f"/programmes/{programme.id}",
        f"/programmes/{programme.id}/phases/",
        f"/programmes/{programme.id}/raid",
        "/methodologies/",
        "/api/v1/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/html", url
        assert_security_headers(response)


def test_fragments_json_and_static_files_carry_the_headers(pmo_client):
    client, programme = pmo_client
    fragment = client.get(f"/programmes/{programme.id}/raid", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.data
    assert_security_headers(fragment)
    assert_security_headers(client.get("/healthz"))
    static = client.get("/static/css/app.css")
    assert_security_headers(static)
    static.close()


def test_error_pages_carry_the_headers(client, app, db, monkeypatch):
    assert_security_headers(client.get("/no-such-page"))
    factories.user("pat@example.com")
    client.post("/auth/login", data={"email": "pat@example.com", "password": factories.PASSWORD})

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("transform.programmes.views.programmes_of_current_user", explode)
    response = client.get("/programmes/")
    assert response.status_code == 500
    assert_security_headers(response)


def test_strict_transport_security_only_with_secure_cookies(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = client.get("/auth/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_session_cookie_is_httponly_lax_and_secure_in_production(app, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-long-enough-production-secret")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("TRANSFORM_ENV", raising=False)
    settings = Config.load(tmp_path)
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["SESSION_COOKIE_SECURE"] is True

    # The flags reach the Set-Cookie header the browser sees.
    for name in ("SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_SECURE"):
        monkeypatch.setitem(app.config, name, settings[name])
    factories.user("pat@example.com")
    response = app.test_client().post(
        "/auth/login", data={"email": "pat@example.com", "password": factories.PASSWORD}
    )
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies
    flags = {part.strip().lower() for part in cookies[-1].split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax"} <= flags


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def template_files():
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_exist_to_scan():
    assert len(template_files()) > 20


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_event_handlers(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script> is blocked by the CSP"
    assert not EVENT_HANDLER.search(text), "on*= attributes are blocked by the CSP"
    assert not JAVASCRIPT_URL.search(text), "javascript: URLs are blocked by the CSP"
    assert "hx-on" not in text, "hx-on handlers need eval, which the CSP and htmx config forbid"
