"""With REDIS_URL, rate limits are counted in Redis, so they hold across workers and hosts;
with Redis down, pages that need no Redis keep working."""

import pytest

from tests import factories
from transform import TestConfig, create_app
from transform.demo import DEMO_PASSWORD
from transform.extensions import limiter

#: Nothing listens here: a Redis that is configured but down.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_redis_app(app):
    class DeadRedisConfig(TestConfig):
        REDIS_URL = DEAD_REDIS

    yield create_app(DeadRedisConfig)
    limiter.init_app(app)


def _fail_login(client):
    return client.post("/auth/login", data={"email": "nobody@example.com", "password": "x" * 12})


def test_redis_url_makes_redis_the_rate_limit_store(redis_app_factory, redis_url):
    assert redis_app_factory().config["RATELIMIT_STORAGE_URI"] == redis_url


def test_a_login_limit_holds_across_two_app_instances_sharing_redis(redis_app_factory):
    first = redis_app_factory(LOGIN_RATE_LIMIT="3 per minute")
    client = first.test_client()
    assert [_fail_login(client).status_code for _ in range(3)] == [401, 401, 401]
    # A second host starts with a store of its own; only Redis can tell it the count.
    second = redis_app_factory(LOGIN_RATE_LIMIT="3 per minute")
    limited = _fail_login(second.test_client())
    assert limited.status_code == 429
    assert b"Too many login attempts from your address." in limited.data


def test_healthz_reports_redis_when_configured(redis_app_factory):
    response = redis_app_factory().test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_says_when_redis_is_unreachable_and_other_pages_keep_working(dead_redis_app):
    client = dead_redis_app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "degraded", "database": "ok", "redis": "unreachable"}
    assert client.get("/auth/login").status_code == 200


def test_logins_are_still_answered_while_redis_is_down(dead_redis_app):
    client = dead_redis_app.test_client()
    assert _fail_login(client).status_code == 401


def test_the_dashboard_is_scored_in_the_request_while_redis_is_down(dead_redis_app, db):
    programme = factories.demo_programme()
    client = factories.logged_in(dead_redis_app, "pmo@example.com", DEMO_PASSWORD)
    page = client.get(f"/programmes/{programme.id}/adoption/")
    assert page.status_code == 200 and "Billing Operations" in page.get_data(as_text=True)
    assert client.get(f"/programmes/{programme.id}").status_code == 200
