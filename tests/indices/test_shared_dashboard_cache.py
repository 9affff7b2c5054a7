"""With REDIS_URL, every worker and host shares one dashboard cache: a stamp is scored once."""

import threading
import time

import redis

from tests import factories
from transform import clock
from transform.demo import DEMO_PASSWORD
from transform.indices import service
from transform.indices.cache import MAX_ENTRIES, REFRESH_AHEAD, RedisDashboardCache, _Entry


def test_two_app_instances_sharing_redis_and_a_database_score_a_data_stamp_once(
    redis_app_factory, db, monkeypatch
):
    programme = factories.demo_programme()
    calls = []
    score = service.wave_dashboard
    monkeypatch.setattr(
        service, "wave_dashboard", lambda *args: calls.append(args) or score(*args)
    )
    url = f"/programmes/{programme.id}/adoption/"
    pages = []
    for host in (redis_app_factory(), redis_app_factory()):
        client = factories.logged_in(host, "pmo@example.com", DEMO_PASSWORD)
        pages.append(client.get(url).get_data(as_text=True))
    assert len(calls) == 1
    assert "Billing Operations" in pages[0] and "Billing Operations" in pages[1]


def test_cold_concurrent_views_wait_for_one_scoring(redis_url):
    # Two caches on one Redis, as in two worker processes; each view scores slowly.
    caches = [
        RedisDashboardCache(redis.Redis.from_url(redis_url), MAX_ENTRIES, REFRESH_AHEAD)
        for _ in range(2)
    ]
    scored = []

    def compute():
        scored.append(threading.current_thread().name)
        time.sleep(0.3)
        return _Entry("stamp-1", clock.now(), {"total": 42}, None)

    got = {}

    def view(index):
        got[index] = caches[index].get((1, 2, None, "2026-01-01"), "stamp-1", 0, compute, None)

    threads = [threading.Thread(target=view, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(scored) == 1
    assert got[0].dashboard == got[1].dashboard == {"total": 42}
    assert got[0].computed_monotonic == got[1].computed_monotonic


def test_a_waiting_view_scores_itself_when_the_first_scoring_fails(redis_url):
    client = redis.Redis.from_url(redis_url)
    first, second = (RedisDashboardCache(client, MAX_ENTRIES, REFRESH_AHEAD) for _ in range(2))
    started = threading.Event()

    def failing():
        started.set()
        time.sleep(0.2)
        raise RuntimeError("the database went away")

    errors = []

    def view_that_fails():
        try:
            first.get(("k",), "s", 0, failing, None)
        except RuntimeError as error:
            errors.append(error)

    thread = threading.Thread(target=view_that_fails)
    thread.start()
    started.wait(5)
    entry = second.get(("k",), "s", 0, lambda: _Entry("s", clock.now(), "ok", None), None)
    thread.join(timeout=10)
    assert entry.dashboard == "ok" and len(errors) == 1
