"""With REDIS_URL, a dashboard is rescored ahead of its window by a worker, not the web server.

Against the real Redis: the view late in the window queues one job on the RQ queue and
is answered with the kept figures; a worker (here in this process, as `flask worker
--burst` would) stores the fresh entry for every web server and frees the key.
"""

import pytest
import redis
from rq import Queue, SimpleWorker
from rq.job import Job as RqJob

from tests import factories
from tests.indices.test_dashboard_cache import (
    QueuedExecutor,
    _answer_for_billing_operations,
    _billing_operations_n,
    scorings,  # noqa: F401  (fixture)
)
from transform import clock
from transform.demo import DEMO_PASSWORD
from transform.indices.cache import EXTENSION, MAX_ENTRIES, REFRESH_AHEAD
from transform.indices.shared_cache import RESCORE, RedisDashboardCache, entry_name
from transform.job_queue import QUEUE_NAME

WINDOW_S = 10


@pytest.fixture
def queue(redis_url) -> Queue:
    return Queue(QUEUE_NAME, connection=redis.Redis.from_url(redis_url))


@pytest.fixture
def shared_cache(app, queue, monkeypatch):
    """The app's cache in Redis with the job queue, a 10 s window and a clock the test moves;
    a thread of the web process, were one started, would be held here and seen."""
    cache = RedisDashboardCache(queue.connection, MAX_ENTRIES, REFRESH_AHEAD, queue)
    cache.now = 1000.0
    monkeypatch.setattr(cache, "clock", lambda: cache.now)
    monkeypatch.setattr(cache, "_background", QueuedExecutor())
    monkeypatch.setitem(app.extensions, EXTENSION, cache)
    monkeypatch.setitem(app.config, "DASHBOARD_MAX_STALENESS_SECONDS", WINDOW_S)
    return cache


def _work(queue: Queue) -> None:
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_late_in_the_window_a_worker_rescores_the_dashboard_for_the_web_servers(
    app,
    demo,
    scorings,  # noqa: F811  (the fixture imported above)
    shared_cache,
    queue,
):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    url = f"/programmes/{demo.id}/adoption/"
    before = _billing_operations_n(client.get(url).get_data(as_text=True))
    _answer_for_billing_operations(app, demo)

    shared_cache.now += WINDOW_S * 0.6  # past half the window: kept figures, a job queued
    assert _billing_operations_n(client.get(url).get_data(as_text=True)) == before
    assert _billing_operations_n(client.get(url).get_data(as_text=True)) == before
    assert [job.func_name for job in queue.jobs] == [RESCORE]
    assert not shared_cache._background.queued and len(scorings) == 1

    _work(queue)
    assert len(scorings) == 2 and queue.count == 0
    assert _billing_operations_n(client.get(url).get_data(as_text=True)) == before + 1
    assert len(scorings) == 2
    assert not queue.connection.keys("transform:dashboard:*:lock")


def test_a_rescore_whose_programme_was_deleted_fails_saying_so_and_is_not_retried(
    app, shared_cache, queue
):
    key = (987654, 123456, None, clock.today())
    queue.connection.set(f"{entry_name(key)}:lock", "token-1")
    job = queue.enqueue(RESCORE, key, "token-1")
    _work(queue)
    job = RqJob.fetch(job.id, connection=queue.connection)
    assert job.get_status() == "failed"
    assert (
        "was deleted while the dashboard waited to be rescored" in job.latest_result().exc_string
    )
    assert queue.count == 0
    # The key is free again: the next view after the window scores it.
    assert not queue.connection.exists(f"{entry_name(key)}:lock")


def test_with_no_worker_running_the_first_view_after_the_window_scores_in_its_request(
    app,
    demo,
    scorings,  # noqa: F811  (the fixture imported above)
    shared_cache,
    queue,
):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    url = f"/programmes/{demo.id}/adoption/"
    before = _billing_operations_n(client.get(url).get_data(as_text=True))
    _answer_for_billing_operations(app, demo)
    shared_cache.now += WINDOW_S * 0.6
    client.get(url)
    assert queue.count == 1
    # The queued rescore holds the key no longer than the window.
    (lock,) = queue.connection.keys("transform:dashboard:*:lock")
    assert 0 < queue.connection.ttl(lock) <= WINDOW_S
    queue.connection.delete(lock)  # as when it lapses, the worker never having come

    shared_cache.now += WINDOW_S
    assert _billing_operations_n(client.get(url).get_data(as_text=True)) == before + 1
    assert len(scorings) == 2
