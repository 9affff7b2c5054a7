import re

import pyotp
import pytest
from flask import Flask

from tests import factories
from transform import clock
from transform.auth.sealed import SealBroken, seal, unseal
from transform.auth.views import PENDING
from transform.extensions import db
from transform.models import User


@pytest.fixture
def person(db):
    return factories.user("pat@example.com", name="Pat Doe")


@pytest.fixture
def secret(person):
    raw = pyotp.random_base32()
    person.totp_secret = seal(raw)
    db.session.flush()
    return raw


def _code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now().timestamp() + 30 * steps)


def _enrol(client) -> str:
    page = client.get("/auth/two-factor")
    assert page.status_code == 200
    assert b"<svg" in page.data
    key = re.search(rb"<code>([A-Z2-7 ]+)</code>", page.data).group(1).decode().replace(" ", "")
    response = client.post("/auth/two-factor", data={"code": _code(key)})
    assert response.status_code == 303
    return key


def test_enrolment_shows_a_qr_code_and_stores_the_secret_once_confirmed(client, auth, person):
    auth.login("pat@example.com")
    key = _enrol(client)
    stored = db.session.get(User, person.id).totp_secret
    assert unseal(stored) == key and key not in stored
    page = client.get("/auth/two-factor")
    assert b"Two-factor login is <strong>on</strong>" in page.data
    assert key.encode() not in page.data and key[:4].encode() not in page.data


def test_enrolment_refuses_a_wrong_code(client, auth, person):
    auth.login("pat@example.com")
    client.get("/auth/two-factor")
    response = client.post("/auth/two-factor", data={"code": "000000"})
    assert response.status_code == 422
    assert b"That code is not right." in response.data
    assert db.session.get(User, person.id).totp_secret is None


def test_login_with_two_factor_asks_for_the_code_before_logging_in(client, auth, secret):
    response = auth.login("pat@example.com")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/code"
    assert client.get("/programmes/").status_code == 302
    assert client.get("/auth/code").status_code == 200

    wrong = client.post("/auth/code", data={"code": "123456"})
    assert wrong.status_code == 401
    assert b"That code is not right." in wrong.data
    assert client.get("/programmes/").status_code == 302

    right = client.post("/auth/code", data={"code": _code(secret)})
    assert right.status_code == 303
    assert client.get("/programmes/").status_code == 200


@pytest.mark.parametrize(("steps", "accepted"), [(-1, True), (1, True), (-2, False), (2, False)])
def test_a_code_one_step_either_side_is_accepted(client, auth, secret, steps, accepted):
    auth.login("pat@example.com")
    response = client.post("/auth/code", data={"code": _code(secret, steps)})
    assert (response.status_code == 303) is accepted


def test_a_code_works_only_once(client, auth, secret):
    code = _code(secret)
    auth.login("pat@example.com")
    assert client.post("/auth/code", data={"code": code}).status_code == 303
    auth.logout()
    auth.login("pat@example.com")
    assert client.post("/auth/code", data={"code": code}).status_code == 401


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, auth, secret):
    auth.login("pat@example.com")
    statuses = [client.post("/auth/code", data={"code": "000000"}).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = auth.login("pat@example.com")
    assert b"Too many failed attempts. Try again after " in locked.data


def test_the_code_step_expires(client, auth, secret):
    auth.login("pat@example.com")
    with client.session_transaction() as session:
        session[PENDING] = dict(session[PENDING], at=clock.now().timestamp() - 6 * 60)
    response = client.post("/auth/code", data={"code": _code(secret)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert client.get("/programmes/").status_code == 302


def test_the_code_page_without_a_password_step_goes_back_to_login(client):
    assert client.get("/auth/code").headers["Location"] == "/auth/login"


def _log_in_with_code(client, auth, secret):
    auth.login("pat@example.com")
    assert client.post("/auth/code", data={"code": _code(secret)}).status_code == 303


def test_disabling_needs_a_current_code(client, auth, person, secret):
    _log_in_with_code(client, auth, secret)
    wrong = client.post("/auth/two-factor/disable", data={"code": "000000"})
    assert wrong.status_code == 422
    assert unseal(db.session.get(User, person.id).totp_secret) == secret
    right = client.post("/auth/two-factor/disable", data={"code": _code(secret, 1)})
    assert right.status_code == 303
    assert db.session.get(User, person.id).totp_secret is None


def test_an_administrator_can_reset_two_factor(app, person, secret):
    factories.user("root@example.com", is_site_admin=True)
    admin = factories.logged_in(app, "root@example.com")
    assert b"Reset two-factor login" in admin.get(f"/admin/users/{person.id}").data
    assert admin.post(f"/admin/users/{person.id}/reset-two-factor").status_code == 303
    assert db.session.get(User, person.id).totp_secret is None


def test_a_site_admin_must_enrol_when_required(app, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_ADMIN_2FA", True)
    factories.user("root@example.com", is_site_admin=True)
    factories.user("member@example.com")
    assert auth.login("root@example.com").status_code == 303
    for path in ("/programmes/", "/admin/users", "/auth/password"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/auth/two-factor"
    _enrol(client)
    assert client.get("/programmes/").status_code == 200

    member = factories.logged_in(app, "member@example.com")
    assert member.get("/programmes/").status_code == 200


def test_site_admins_need_not_enrol_by_default(app, client, auth):
    factories.user("root@example.com", is_site_admin=True)
    auth.login("root@example.com")
    assert client.get("/programmes/").status_code == 200


def test_the_user_menu_links_to_two_factor(client, auth, person):
    auth.login("pat@example.com")
    assert b'href="/auth/two-factor"' in client.get("/programmes/").data


def test_a_secret_is_sealed_afresh_each_time_and_only_this_key_opens_it():
    raw = pyotp.random_base32()
    first, second = seal(raw), seal(raw)
    assert first != second and raw not in first and raw[:8] not in first
    assert unseal(first) == raw == unseal(second)
    other = app_with_key("another-secret-key-entirely")
    with other.app_context(), pytest.raises(SealBroken):
        unseal(first)


def test_a_secret_sealed_under_an_old_key_gets_a_clear_message_not_a_lock_out(
    client, auth, person
):
    raw = pyotp.random_base32()
    with app_with_key("the-key-before-rotation").app_context():
        person.totp_secret = seal(raw)
    db.session.flush()
    auth.login("pat@example.com")
    statuses = [client.post("/auth/code", data={"code": _code(raw)}) for _ in range(6)]
    assert {response.status_code for response in statuses} == {409}
    assert b"Ask a site administrator to reset your two-factor login." in statuses[0].data
    assert db.session.get(User, person.id).failed_logins == 0


def app_with_key(key: str):
    """A bare app whose SECRET_KEY differs: what a rotated key looks like to the seal."""
    other = Flask(__name__)
    other.secret_key = key
    return other
