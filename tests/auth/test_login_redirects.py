"""A login's `next=` leads to a page on this site, never elsewhere, and never to a 500.

Each bypass is written as it arrives in the query string, through the password login and
through the two-factor code step. What a browser would make of the Location header
decides: no control characters or spaces, a path with one leading slash, no backslash,
no scheme and no host.
"""

from urllib.parse import urljoin, urlsplit

import pyotp
import pytest

from tests import factories
from transform import clock
from transform.auth.sealed import seal
from transform.extensions import db
from transform.redirect_targets import local_target

HOME = "/programmes/"
#: `next=` values, percent-encoded as a link would carry them, that must give HOME.
BYPASSES = [
    "/%09/evil.example",  # a tab: browsers drop it, leaving //evil.example
    "/%0a/x",  # a newline: was a 500 (Werkzeug refuses it in a header)
    "/%0d/evil.example",
    "/%0d%0a/evil.example",
    "%09//evil.example",
    "/%01/evil.example",
    "/%1f/evil.example",
    "/%7f/evil.example",
    "/%C2%85/evil.example",  # NEL, a C1 control
    "/%20/evil.example",
    "/%C2%A0/evil.example",  # no-break space
    "/%E2%80%8B/evil.example",  # zero-width space
    "/%E3%80%80/evil.example",  # ideographic space
    "/\\evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C%5C",
    "%5C/evil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%252F/evil.example",  # arrives as /%2F/evil.example
    "%252F%252Fevil.example",
    "/%25252F/evil.example",  # three encodings deep
    "/%255Cevil.example",
    "/%2509/evil.example",
    "///evil.example",
    "////evil.example",
    "https://evil.example",
    "//evil.example",
    "//evil.example/programmes/",
    "javascript:alert(1)",
    "JaVaScRiPt%3Aalert(1)",
    "http:evil.example",
    "http:/evil.example",
    "evil.example",
    "/%EF%BC%8Fevil.example",  # a full-width solidus after the slash
    "%EF%BC%8F%EF%BC%8Fevil.example",
    "/%EF%BC%BCevil.example",  # a full-width reverse solidus
    "/%25EF%25BC%258Fevil.example",  # the full-width solidus, encoded twice
    "",
]
#: Slash look-alikes that no browser or normalisation reads as a slash: they may stay,
#: percent-encoded, as a path on this site.
LOOKALIKE_PATHS = [
    "/%E2%88%95evil.example",  # division slash
    "/%E2%81%84evil.example",  # fraction slash
    "/%E2%A7%B8evil.example",  # big solidus
]
#: A real page, as Flask-Login writes it into the login link and written plainly.
LEGITIMATE = ["%2Fprogrammes%2F1%3Ftab%3Dx", "/programmes/1?tab=x"]


@pytest.fixture
def person(db):
    return factories.user("pat@example.com", name="Pat Doe")


@pytest.fixture(params=["password", "two_factor"])
def log_in(request, person):
    """Log in with a `next=` value through the password form, or through the code step too."""
    if request.param == "password":
        return _password_login
    secret = pyotp.random_base32()
    person.totp_secret = seal(secret)
    db.session.flush()

    def with_code(client, next_value: str):
        step = _password_login(client, next_value)
        assert step.status_code == 303 and step.headers["Location"] == "/auth/code"
        return client.post("/auth/code", data={"code": pyotp.TOTP(secret).at(clock.now())})

    return with_code


def _password_login(client, next_value: str):
    return client.post(
        f"/auth/login?next={next_value}",
        data={"email": "pat@example.com", "password": factories.PASSWORD},
    )


def _assert_on_this_site(response) -> str:
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.isascii() and location.isprintable() and " " not in location
    assert location.startswith("/") and not location.startswith("//")
    assert "\\" not in location
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == ""
    assert urlsplit(urljoin("https://transform.example/auth/login", location)).netloc == (
        "transform.example"
    )
    return location


@pytest.mark.parametrize("next_value", BYPASSES)
def test_a_bypass_lands_on_the_home_page(client, log_in, next_value):
    location = _assert_on_this_site(log_in(client, next_value))
    assert location == HOME
    assert client.get(location).status_code == 200


@pytest.mark.parametrize("next_value", LOOKALIKE_PATHS)
def test_a_slash_lookalike_stays_a_path_on_this_site(client, log_in, next_value):
    location = _assert_on_this_site(log_in(client, next_value))
    assert location == next_value
    assert client.get(location).status_code == 404


@pytest.mark.parametrize("next_value", LEGITIMATE)
def test_a_page_on_this_site_is_where_the_login_goes(client, log_in, next_value):
    assert log_in(client, next_value).headers["Location"] == "/programmes/1?tab=x"


@pytest.mark.parametrize("next_value", BYPASSES)
def test_the_login_page_shows_whatever_next_says(client, next_value):
    assert client.get(f"/auth/login?next={next_value}").status_code == 200


def test_the_login_link_of_a_protected_page_leads_back_to_it(client, person):
    login_link = client.get("/programmes/1?tab=x").headers["Location"]
    assert login_link == "/auth/login?next=%2Fprogrammes%2F1%3Ftab%3Dx"
    response = client.post(
        login_link, data={"email": "pat@example.com", "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/programmes/1?tab=x"


def test_a_nul_in_next_is_refused_before_any_login(client, person):
    response = _password_login(client, "/%00/evil.example")
    assert response.status_code == 400
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/programmes/1?tab=x#kpis", "/programmes/1?tab=x#kpis"),
        ("/teams/Müller", "/teams/M%C3%BCller"),
        ("/\t/evil.example", HOME),
        ("/\\evil.example", HOME),
        ("/％２Ｆ/evil.example", HOME),  # full-width percent-encoding: NFKC gives %2F
        (None, HOME),
    ],
)
def test_local_target(target, expected):
    assert local_target(target, HOME) == expected
