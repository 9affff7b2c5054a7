"""API tokens and the API's common behaviour: authentication, problems, limits, the spec."""

import pytest
from sqlalchemy import func, select

from tests import factories
from transform.api import tokens
from transform.extensions import db, limiter
from transform.models import ApiToken, AuditEvent


@pytest.fixture
def owner(db):
    return factories.user("owner@example.com", name="Olive Owner")


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_a_user_creates_a_token_sees_it_once_and_only_its_hash_is_kept(auth, client, owner):
    auth.login("owner@example.com", factories.PASSWORD)
    response = client.post("/profile/tokens/", data={"name": "Power BI"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "Power BI"))
    secret = page[page.index("tfm_") :].split("<", 1)[0]
    assert len(secret) > 40 and token.token_hash == tokens.digest(secret)
    assert secret not in (token.token_hash, token.prefix) and secret.startswith(token.prefix)
    listing = client.get("/profile/tokens/").get_data(as_text=True)
    assert "Power BI" in listing and secret not in listing
    assert client.get("/api/v1/programmes", headers=_bearer(secret)).status_code == 200


def test_a_token_needs_a_name(auth, client, owner):
    auth.login("owner@example.com", factories.PASSWORD)
    response = client.post("/profile/tokens/", data={"name": " "})
    assert response.status_code == 422
    assert "Name the token" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_without_a_valid_token_the_api_answers_401_as_a_problem(client, owner):
    for headers in ({}, {"Authorization": "Bearer tfm_wrong"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/programmes", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 401 and "Bearer" in response.json["detail"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Set-Cookie" not in response.headers


def test_a_revoked_token_stops_at_once(app, auth, client, owner):
    token, secret = tokens.create_token(owner, "HR sync")
    token_id = token.id
    assert client.get("/api/v1/programmes", headers=_bearer(secret)).status_code == 200
    auth.login("owner@example.com", factories.PASSWORD)
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 303
    assert client.get("/api/v1/programmes", headers=_bearer(secret)).status_code == 401
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["api_token.created", "api_token.revoked"]


def test_nobody_revokes_another_users_token(auth, client, owner):
    token, secret = tokens.create_token(owner, "mine")
    token_id = token.id
    factories.user("other@example.com")
    auth.login("other@example.com", factories.PASSWORD)
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 404
    assert client.get("/api/v1/programmes", headers=_bearer(secret)).status_code == 200


def test_a_token_of_a_disabled_user_stops(client, owner):
    _token, secret = tokens.create_token(owner, "sync")
    owner.is_enabled = False
    assert client.get("/api/v1/programmes", headers=_bearer(secret)).status_code == 401


def test_api_responses_set_no_session_cookie_and_need_no_csrf(app, csrf_enabled, client, owner):
    _token, secret = tokens.create_token(owner, "sync")
    response = client.get("/api/v1/programmes", headers=_bearer(secret))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_unknown_api_paths_and_methods_are_problems(client, owner):
    _token, secret = tokens.create_token(owner, "sync")
    missing = client.get("/api/v1/nothing-here", headers=_bearer(secret))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/programmes", headers=_bearer(secret))
    assert wrong.status_code == 405 and wrong.json["status"] == 405


def test_the_rate_limit_answers_429_per_token(app, client, owner, monkeypatch):
    _token, secret = tokens.create_token(owner, "busy")
    _other, other_secret = tokens.create_token(owner, "quiet")
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        statuses = [
            client.get("/api/v1/programmes", headers=_bearer(secret)).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/api/v1/programmes", headers=_bearer(secret))
        assert limited.mimetype == "application/problem+json" and limited.json["status"] == 429
        assert client.get("/api/v1/programmes", headers=_bearer(other_secret)).status_code == 200
    finally:
        limiter.reset()


def test_the_openapi_document_describes_every_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    described = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    routes = {
        (method, rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and rule.endpoint not in ("api.openapi", "api.reference")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes and routes == described
    for item in (op for path in document["paths"].values() for op in path.values()):
        assert "401" in item["responses"] and "429" in item["responses"]


def test_the_reference_page_lists_the_operations(client):
    page = client.get("/api/v1/").get_data(as_text=True)
    assert "API reference" in page and "openapi.json" in page and "/programmes" in page


def test_ids_beyond_any_stored_id_are_not_found(client, owner):
    _token, secret = tokens.create_token(owner, "sync")
    response = client.get(f"/api/v1/programmes/{2**63}", headers=_bearer(secret))
    assert response.status_code == 404 and response.json["status"] == 404


def test_a_405_says_which_methods_are_allowed(client, owner):
    _token, secret = tokens.create_token(owner, "sync")
    response = client.delete("/api/v1/programmes", headers=_bearer(secret))
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
