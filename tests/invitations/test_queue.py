"""With REDIS_URL, invitations go out from a worker, not from the PMO's request."""

from rq import Queue, SimpleWorker

from tests import factories
from tests.invitations.test_sending import _send_wave
from transform.job_queue import QUEUE_NAME
from transform.redis_store import redis_client


def test_invitations_wait_on_the_queue_until_a_worker_sends_them(
    redis_app_factory, world, smtp_server
):
    web = redis_app_factory()
    client = factories.logged_in(web, "pmo@example.com")

    assert _send_wave(client, world).status_code == 303

    assert smtp_server.received == []
    queue = Queue(QUEUE_NAME, connection=redis_client(web))
    assert [job.func_name for job in queue.jobs] == ["transform.invitations.delivery.run"]
    SimpleWorker([queue], connection=redis_client(web)).work(burst=True)
    assert smtp_server.recipients() == ["ana@example.org", "ben@example.org", "cy@example.org"]
