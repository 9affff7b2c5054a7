from datetime import timedelta

import pytest

from tests import factories
from transform.extensions import db, limiter
from transform.models import User, utcnow
from transform.passwords import common_passwords, new_password_problem

LOCKED = b"Too many failed attempts. Try again after "


@pytest.fixture
def person(db):
    return factories.user("pat@example.com", name="Pat Doe")


def _fail(auth, email: str, times: int):
    return [auth.login(email, "not-the-password") for _ in range(times)]


def test_five_failures_lock_the_account_whatever_the_password(client, auth, person):
    responses = _fail(auth, "pat@example.com", 5)
    assert [r.status_code for r in responses] == [401, 401, 401, 401, 429]
    assert LOCKED in responses[-1].data
    assert b"UTC, or ask an administrator." in responses[-1].data

    right = auth.login("pat@example.com")
    assert right.status_code == 429 and LOCKED in right.data
    assert client.get("/programmes/").status_code == 302
    locked_until = db.session.get(User, person.id).locked_until
    assert timedelta(minutes=14) < locked_until - utcnow() <= timedelta(minutes=16)
    assert locked_until.strftime("%H:%M").encode() in right.data


def test_the_lock_ends_after_its_time(client, auth, person):
    _fail(auth, "pat@example.com", 5)
    person.locked_until = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert auth.login("pat@example.com").status_code == 303


def test_a_successful_login_resets_the_count(client, auth, person):
    _fail(auth, "pat@example.com", 4)
    assert db.session.get(User, person.id).failed_logins == 4
    assert auth.login("pat@example.com").status_code == 303
    assert db.session.get(User, person.id).failed_logins == 0
    auth.logout()
    assert [r.status_code for r in _fail(auth, "pat@example.com", 4)] == [401] * 4


def test_failures_older_than_the_window_do_not_count(client, auth, person):
    _fail(auth, "pat@example.com", 4)
    person.last_failed_login_at = utcnow() - timedelta(minutes=16)
    db.session.flush()
    assert auth.login("pat@example.com", "still-wrong").status_code == 401
    assert db.session.get(User, person.id).failed_logins == 1


def test_an_unknown_email_gets_the_same_lock_out(client, auth, person):
    limiter.reset()
    try:
        known = _fail(auth, "pat@example.com", 5)
        unknown = _fail(auth, "nobody@example.com", 5)
        assert [r.status_code for r in unknown] == [r.status_code for r in known]
        assert LOCKED in unknown[-1].data
        assert LOCKED in auth.login("nobody@example.com").data
    finally:
        limiter.reset()


def test_an_administrator_can_unlock_an_account(app, client, auth, person):
    factories.user("root@example.com", is_site_admin=True)
    _fail(auth, "pat@example.com", 5)
    admin = factories.logged_in(app, "root@example.com")
    page = admin.get(f"/admin/users/{person.id}")
    assert b"Locked after too many failed logins" in page.data
    assert admin.post(f"/admin/users/{person.id}/unlock").status_code == 303
    assert auth.login("pat@example.com").status_code == 303


def test_too_many_posts_from_one_address_get_429(app, client, person, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        data = {"email": "pat@example.com", "password": "not-the-password"}
        statuses = [client.post("/auth/login", data=data).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        limited = client.post("/auth/login", data=data)
        assert limited.status_code == 429
        assert b"Too many login attempts from your address." in limited.data
        assert b"<!doctype html>" in limited.data.lower()
        assert client.get("/auth/login").status_code == 200
    finally:
        limiter.reset()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass", b"Use at least 12 characters."),
        ("x" * 129 + "abcd", b"Use at most 128 characters."),
        ("abababababababab", b"Use more than a few different characters."),
        ("password1234", b"This password is too common."),
        ("QwertyUIOP123", b"This password is too common."),
        ("pat@example.com-2026", b"Do not use your email address or name"),
        ("I am Pat Doe, hello", b"Do not use your email address or name"),
    ],
)
def test_password_change_applies_the_password_rules(client, auth, person, password, message):
    auth.login("pat@example.com")
    response = client.post(
        "/auth/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": password,
            "confirm_password": password,
        },
    )
    assert response.status_code == 422
    assert b'id="new_password-error"' in response.data
    assert message in response.data


def test_admin_user_creation_applies_the_password_rules(app, client):
    factories.user("root@example.com", is_site_admin=True)
    admin = factories.logged_in(app, "root@example.com")
    data = {"email": "new@example.com", "name": "New Person", "password": "iloveyou123456"}
    response = admin.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert b'id="password-error"' in response.data
    data["password"] = "plum tree by the river"
    assert admin.post("/admin/users/new", data=data).status_code == 303


def test_the_rules_accept_a_good_passphrase():
    assert new_password_problem("plum tree by the river", "pat@example.com", "Pat Doe") is None
    assert new_password_problem("x" * 100 + "abcd") is None


def test_a_bundled_list_holds_about_a_thousand_common_passwords():
    words = common_passwords()
    assert len(words) >= 1000
    assert {"123456", "password", "qwerty123456", "iloveyou"} <= words


def test_the_demo_password_still_logs_in_demo_users(client, auth):
    factories.user("demo@example.com", password="demo-password")
    assert auth.login("demo@example.com", "demo-password").status_code == 303
