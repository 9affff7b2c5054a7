"""Webhook deliveries: what features announce, signed and posted to each registered URL.

A feature calls `announce(programme_id, event, data)` in its service; each webhook of the
programme that wants the event gets a delivery row in the same transaction. Once that
commits, the delivery is posted: by a worker through the job queue when REDIS_URL is set
(RQ retries it after each interval of BACKOFF_S, which needs `flask worker`, whose
scheduler runs the retries), otherwise in a thread of the web process that sleeps the
same intervals. A delivery is pending until the receiver answers 2xx (delivered) or the
last retry fails (failed); its attempts, last HTTP status and error are kept for the
settings page.

The receiver checks `X-Transform-Signature: t=<unix seconds>,v1=<hex>`, where hex is the
HMAC-SHA256, keyed with the webhook's secret, of "<t>." followed by the body's bytes; it
should refuse a t more than a few minutes old, so a captured delivery cannot be replayed.
"""

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request

from flask import current_app
from rq import Retry
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from transform import clock
from transform.extensions import db
from transform.job_queue import job_queue
from transform.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent

SIGNATURE_HEADER = "X-Transform-Signature"
EVENT_HEADER = "X-Transform-Event"
DELIVERY_HEADER = "X-Transform-Delivery"
#: Seconds before each retry after a failed attempt: five retries over about two hours.
BACKOFF_S = (10, 60, 300, 1200, 5400)
TIMEOUT_S = 10
DELIVER = "transform.webhooks_out.deliver_queued"
_PENDING = "transform.webhooks_out.pending"

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """The receiver did not take the delivery; RQ retries the job on this."""


def announce(programme_id: int, name: WebhookEvent, data: dict) -> list[WebhookDelivery]:
    """A delivery of `name` to each of the programme's webhooks that wants it; flush only."""
    hooks = db.session.scalars(select(Webhook).where(Webhook.programme_id == programme_id))
    wanted = [hook for hook in hooks if name.value in hook.events.split()]
    if not wanted:
        return []
    stamp = clock.utcnow().replace(microsecond=0).isoformat() + "Z"
    body = json.dumps(
        {"event": name.value, "programme_id": programme_id, "occurred_at": stamp, "data": data},
        sort_keys=True,
        separators=(",", ":"),
    )
    deliveries = [
        WebhookDelivery(webhook_id=hook.id, event=name.value, body=body) for hook in wanted
    ]
    db.session.add_all(deliveries)
    db.session.flush()
    pending = db.session.info.setdefault(_PENDING, [])
    pending.extend(delivery.id for delivery in deliveries)
    return deliveries


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def attempt(delivery: WebhookDelivery) -> bool:
    """Post the delivery once and record how it went; True when the receiver took it."""
    body = delivery.body.encode()
    timestamp = int(clock.now().timestamp())
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "transform-webhooks",
            SIGNATURE_HEADER: signature(delivery.webhook.secret, timestamp, body),
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.id),
        },
    )
    delivery.attempts += 1
    delivery.last_attempt_at = clock.utcnow()
    try:
        with _opener().open(request, timeout=TIMEOUT_S) as answer:
            delivery.response_status, delivery.error = answer.status, ""
    except urllib.error.HTTPError as error:
        delivery.response_status, delivery.error = error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        delivery.response_status, delivery.error = None, str(reason)[:300]
    ok = delivery.response_status is not None and 200 <= delivery.response_status < 300
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
    elif delivery.attempts > len(BACKOFF_S):
        delivery.status = DeliveryStatus.FAILED
    return ok


def _opener() -> urllib.request.OpenerDirector:
    """No redirects: a receiver's 3xx would re-post the signed body somewhere unchecked."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(NoRedirect)


def deliver_queued(delivery_id: int) -> None:
    """The queue's job: one attempt, committed; raising makes RQ retry after its interval."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return
    ok = attempt(delivery)
    db.session.commit()
    if not ok and delivery.status == DeliveryStatus.PENDING:
        raise DeliveryFailed(f"delivery {delivery_id}: {delivery.error}")


def deliver_with_backoff(delivery_id: int, sleep=time.sleep) -> None:
    """Attempt until delivered or out of retries, sleeping BACKOFF_S between attempts."""
    for pause in (None, *BACKOFF_S):
        delivery = db.session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return
        if pause is not None:
            sleep(pause)
        attempt(delivery)
        db.session.commit()


def dispatch(delivery_ids: list[int]) -> None:
    """Send committed deliveries on their way: the job queue, else a thread of this process."""
    queue = job_queue()
    if queue is not None:
        for delivery_id in delivery_ids:
            queue.enqueue(
                DELIVER,
                delivery_id,
                retry=Retry(max=len(BACKOFF_S), interval=list(BACKOFF_S)),
                job_timeout=TIMEOUT_S * 3,
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
            )
        return
    app = current_app._get_current_object()
    if app.config["WEBHOOK_THREADS"]:
        start_thread(_in_process, app, delivery_ids)


def start_thread(target, *args) -> None:
    threading.Thread(target=target, args=args, daemon=True, name="webhooks").start()


def _in_process(app, delivery_ids: list[int]) -> None:
    with app.app_context():
        for delivery_id in delivery_ids:
            try:
                deliver_with_backoff(delivery_id)
            except Exception:
                logger.exception("Webhook delivery %s stopped", delivery_id)
                db.session.rollback()


def init_webhooks() -> None:
    if not event.contains(Session, "after_commit", _dispatch_pending):
        event.listen(Session, "after_commit", _dispatch_pending)
        event.listen(Session, "after_rollback", _forget_pending)


def _dispatch_pending(session: Session) -> None:
    delivery_ids = session.info.pop(_PENDING, [])
    if delivery_ids:
        try:
            dispatch(delivery_ids)
        except Exception:
            # The change is saved; its deliveries stay pending and listed as such.
            logger.exception("Could not dispatch webhook deliveries %s", delivery_ids)


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
