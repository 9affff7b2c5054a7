"""Webhooks: a PMO registers a receiver; changes are posted to it signed, retried with
back-off when it fails, and listed with their last status. The receiver is a real HTTP
server on a free local port."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from rq import Queue, SimpleWorker
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from transform import webhooks_out
from transform.api.tokens import create_token
from transform.extensions import db
from transform.job_queue import QUEUE_NAME
from transform.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent
from transform.redis_store import redis_client

SECRET = "a-shared-secret-of-enough-length"


class Receiver:
    """An HTTP server in a thread that records each POST and answers the next status."""

    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = (
                    receiver.statuses.pop(0)
                    if len(receiver.statuses) > 1
                    else receiver.statuses[0]
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def start(*statuses):
        made.append(Receiver(list(statuses) or [200]))
        return made[-1]

    yield start
    for server in made:
        server.close()


@pytest.fixture
def inline(app, monkeypatch):
    """Deliveries run in the test's thread, after the request that announced them."""
    pauses = []
    monkeypatch.setitem(app.config, "WEBHOOK_THREADS", True)
    monkeypatch.setattr(webhooks_out, "start_thread", lambda target, *args: target(*args))
    original = webhooks_out.deliver_with_backoff
    monkeypatch.setattr(
        webhooks_out,
        "deliver_with_backoff",
        lambda delivery_id: original(delivery_id, sleep=pauses.append),
    )
    return pauses


def _register(client, programme, url, events=("raid.changed",)):
    return client.post(
        f"/programmes/{programme.id}/webhooks",
        data={"url": url, "secret": SECRET, "events": list(events)},
    )


def _create_risk(client, programme, people):
    token = create_token(people["pmo"], "jira sync")[1]
    return client.post(
        f"/api/v1/programmes/{programme.id}/raid-items",
        json={"kind": "risk", "title": "Vendor late", "external_ref": "TRN-1"},
        headers={"Authorization": f"Bearer {token}"},
    )


def _verified(headers: dict, body: bytes) -> bool:
    """What a receiver does: recompute the HMAC of "<t>.<body>" and compare."""
    parts = dict(item.split("=", 1) for item in headers["X-Transform-Signature"].split(","))
    expected = hmac.new(SECRET.encode(), parts["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(parts["v1"], expected.hexdigest())


def test_a_raid_change_reaches_the_receiver_signed_and_shows_as_delivered(
    client, pmo, programme, people, receiver, inline
):
    hook = receiver(200)
    assert _register(client, programme, hook.url).status_code == 303
    assert _create_risk(client, programme, people).status_code == 201
    assert len(hook.received) == 1
    headers, body = hook.received[0]
    assert _verified(headers, body)
    assert not _verified(headers, body.replace(b"Vendor", b"Vandal"))
    payload = json.loads(body)
    assert payload["event"] == "raid.changed" and headers["X-Transform-Event"] == "raid.changed"
    assert payload["data"]["raid_item"]["external_ref"] == "TRN-1"
    page = client.get(f"/programmes/{programme.id}/webhooks").get_data(as_text=True)
    assert hook.url in page and "Delivered" in page and "HTTP 200" in page
    assert SECRET not in page


def test_a_failing_receiver_is_retried_with_back_off_until_it_answers(
    client, pmo, programme, people, receiver, inline
):
    hook = receiver(500, 503, 200)
    _register(client, programme, hook.url)
    _create_risk(client, programme, people)
    assert len(hook.received) == 3
    assert inline == list(webhooks_out.BACKOFF_S[:2])
    delivery = db.session.scalar(select(WebhookDelivery))
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.DELIVERED,
        3,
        200,
    )


def test_a_receiver_that_keeps_failing_is_shown_as_failed_with_its_answer(
    client, pmo, programme, people, receiver, inline
):
    hook = receiver(500)
    _register(client, programme, hook.url)
    _create_risk(client, programme, people)
    assert len(hook.received) == 1 + len(webhooks_out.BACKOFF_S)
    page = client.get(f"/programmes/{programme.id}/webhooks").get_data(as_text=True)
    assert "Failed" in page and "HTTP 500" in page


def test_an_unreachable_receiver_records_why(db, programme):
    db.session.add(
        Webhook(
            programme_id=programme.id,
            url="http://127.0.0.1:9/nothing-listens",
            secret=SECRET,
            events="gate.decided",
        )
    )
    db.session.flush()
    (delivery,) = webhooks_out.announce(programme.id, WebhookEvent.GATE_DECIDED, {"gate": {}})
    assert webhooks_out.announce(programme.id, WebhookEvent.WAVE_OPENED, {}) == []
    assert webhooks_out.attempt(delivery) is False
    assert delivery.response_status is None and "refused" in delivery.error.lower()
    assert delivery.status == DeliveryStatus.PENDING


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/hooks", "file:///etc/passwd", "javascript:alert(1)", "https://"]
)
def test_only_http_urls_are_registered(client, pmo, programme, url):
    response = _register(client, programme, url)
    assert response.status_code == 422
    assert "http:// or https://" in response.get_data(as_text=True)
    assert db.session.scalar(select(Webhook)) is None


def test_only_the_pmo_manages_webhooks(client, auth, programme, people):
    auth.login("sponsor@example.com")
    assert client.get(f"/programmes/{programme.id}/webhooks").status_code == 403
    assert _register(client, programme, "https://example.com/x").status_code == 403


def test_with_redis_a_failed_delivery_waits_on_the_queue_for_its_retry(
    redis_app_factory, programme, people, receiver
):
    web = redis_app_factory()
    hook = receiver(500, 200)
    db.session.add(
        Webhook(programme_id=programme.id, url=hook.url, secret=SECRET, events="raid.changed")
    )
    db.session.flush()
    assert _create_risk(web.test_client(), programme, people).status_code == 201
    queue = Queue(QUEUE_NAME, connection=redis_client(web))
    assert queue.count == 1
    with web.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    delivery = db.session.scalar(select(WebhookDelivery))
    db.session.refresh(delivery)
    assert (delivery.attempts, delivery.response_status) == (1, 500)
    assert delivery.status == DeliveryStatus.PENDING and len(hook.received) == 1
    assert _verified(*hook.received[0])
    scheduled = ScheduledJobRegistry(queue=queue).get_job_ids()
    assert len(scheduled) == 1
    retry = queue.fetch_job(scheduled[0])
    assert retry.retries_left == len(webhooks_out.BACKOFF_S) - 1
