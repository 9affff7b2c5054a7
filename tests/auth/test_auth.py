import re

import pytest

from tests import factories
from transform import clock
from transform.auth.sessions import LOGIN_AT, SEEN_AT
from transform.extensions import db
from transform.models import User


@pytest.fixture
def person(db):
    return factories.user("pat@example.com", name="Pat Doe")


def test_login_page_renders_an_accessible_form(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b'<label for="email">Email <span class="required"' in response.data
    assert b'autocomplete="current-password"' in response.data


def test_login_with_the_right_password_reaches_the_programmes(client, auth, person):
    response = auth.login("pat@example.com")
    assert response.status_code == 303
    assert response.headers["Location"] == "/programmes/"
    assert client.get("/programmes/").status_code == 200


def test_pages_name_the_logged_in_user_in_the_menu(client, auth, person):
    assert b"Pat Doe" not in client.get("/auth/login").data
    auth.login("pat@example.com")
    page = client.get("/programmes/").get_data(as_text=True)
    assert "<summary>Pat Doe</summary>" in page and "pat@example.com" in page


def test_login_email_is_case_insensitive(client, auth, person):
    assert auth.login("  Pat@Example.COM ").status_code == 303


def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth, person):
    wrong_password = auth.login("pat@example.com", "not-the-password")
    unknown_user = auth.login("nobody@example.com", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert b"That email and password do not match an account." in wrong_password.data

    # The pages differ only in the email typed and the form's CSRF token (which carries
    # a timestamp, so two requests a second apart differ there).
    def page(response, email: bytes) -> bytes:
        return re.sub(rb'name="csrf_token"[^>]*', b"", response.data.replace(email, b""))

    assert page(wrong_password, b"pat@example.com") == page(unknown_user, b"nobody@example.com")


def test_empty_login_fields_get_field_errors(client):
    response = client.post("/auth/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert b'id="email-error"' in response.data
    assert b'aria-invalid="true"' in response.data


def test_disabled_account_cannot_log_in(client, auth, person):
    person.is_enabled = False
    db.session.flush()
    assert auth.login("pat@example.com").status_code == 401


def test_login_does_not_redirect_off_site(client, auth, person):
    response = client.post(
        "/auth/login?next=//evil.example/x",
        data={"email": "pat@example.com", "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/programmes/"


def test_login_returns_to_the_page_asked_for(client, auth, person):
    response = client.post(
        "/auth/login?next=/auth/password",
        data={"email": "pat@example.com", "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/auth/password"


@pytest.mark.parametrize("path", ["/programmes/", "/programmes/1", "/auth/password", "/admin/"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_logout_ends_the_session_on_the_server(app, client, auth, person):
    auth.login("pat@example.com")
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session").value)
    assert stolen.get("/programmes/").status_code == 200

    assert auth.logout().status_code == 303
    assert stolen.get("/programmes/").status_code == 302
    assert client.get("/programmes/").status_code == 302


def test_password_change_ends_other_sessions(app, client, auth, person):
    auth.login("pat@example.com")
    other_device = app.test_client()
    other_device.post(
        "/auth/login", data={"email": "pat@example.com", "password": factories.PASSWORD}
    )
    response = client.post(
        "/auth/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "a-brand-new-passphrase",
            "confirm_password": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 303
    assert other_device.get("/programmes/").status_code == 302
    assert auth.login("pat@example.com", "a-brand-new-passphrase").status_code == 303


def test_password_change_refuses_a_wrong_current_password(client, auth, person):
    auth.login("pat@example.com")
    response = client.post(
        "/auth/password",
        data={
            "current_password": "wrong-wrong-wrong",
            "new_password": "a-brand-new-passphrase",
            "confirm_password": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 422
    assert b"That is not your current password." in response.data
    assert db.session.get(User, person.id).session_counter == 0


def test_password_change_refuses_a_short_or_mismatched_password(client, auth, person):
    auth.login("pat@example.com")
    response = client.post(
        "/auth/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "short",
            "confirm_password": "different",
        },
    )
    assert response.status_code == 422
    assert b"Use at least 12 characters." in response.data
    assert b"The passwords differ." in response.data


@pytest.mark.parametrize(
    ("stamp", "age_seconds"),
    [(SEEN_AT, 31 * 60), (LOGIN_AT, 12 * 3600 + 1)],
    ids=["idle-30-minutes", "absolute-12-hours"],
)
def test_sessions_expire(client, auth, person, stamp, age_seconds):
    auth.login("pat@example.com")
    with client.session_transaction() as session:
        session[stamp] = clock.now().timestamp() - age_seconds
    assert client.get("/programmes/").status_code == 302


def test_an_active_session_stays_alive(client, auth, person):
    auth.login("pat@example.com")
    with client.session_transaction() as session:
        session[SEEN_AT] = clock.now().timestamp() - 20 * 60
    assert client.get("/programmes/").status_code == 200


def test_no_remember_me_cookie_is_set(client, auth, person):
    response = auth.login("pat@example.com")
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    assert all("Expires" not in c for c in cookies if c.startswith("session="))
    assert all("HttpOnly" in c for c in cookies if c.startswith("session="))


def test_passwords_are_stored_as_argon2_hashes(person):
    assert person.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in person.password_hash


def test_a_post_without_csrf_token_is_refused(client, auth, person, csrf_enabled):
    response = client.post(
        "/auth/login", data={"email": "pat@example.com", "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert b"The form expired" in response.data
