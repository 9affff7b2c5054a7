"""Work that should not hold a request, queued on Redis (RQ) when REDIS_URL is set.

A job is a row that the page polls (transform.models.Job for a report render, ImportJob
for a large response import), and an RQ job that names the function to run with the row's
id. The RQ job is enqueued only once the request's
transaction has committed, so a worker never looks for a row it cannot see yet.

Workers are their own processes (`flask worker`). A job whose worker dies mid-run is
put back on the queue by RQ's maintenance of abandoned jobs, up to RETRIES times.
Without REDIS_URL there is no queue, and callers do the work in the request as before.
"""

import logging

import redis
from flask import current_app
from rq import Queue, Retry
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from transform import clock
from transform.extensions import db
from transform.models import ImportJob, Job, JobStatus
from transform.redis_store import redis_answers, redis_client

QUEUE_NAME = "transform"
#: Runs of a job beyond the first when its worker dies under it (RQ's abandoned jobs).
RETRIES = 2
#: A render slower than this is stopped and counts as failed.
JOB_TIMEOUT_S = 600
UNAVAILABLE = "The report service is unavailable just now; try again in a few minutes."
_PENDING = "transform.job_queue.pending"
_PENDING_CALLS = "transform.job_queue.pending_calls"

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """Redis is configured but does not answer: queued work would never start."""


def job_queue() -> Queue | None:
    """The app's queue, or None when work runs in the web process (no REDIS_URL)."""
    client = redis_client()
    return None if client is None else Queue(QUEUE_NAME, connection=client)


def check_available(queue: Queue) -> None:
    if not redis_answers(queue.connection):
        raise QueueUnavailable(UNAVAILABLE)


def enqueue_after_commit(
    queue: Queue, function: str, job: Job | ImportJob, unavailable: str = UNAVAILABLE
) -> None:
    """Put `function(job.id)` on the queue once this session's transaction commits; if
    Redis refuses it then, the row fails saying `unavailable`."""
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(
        (queue, function, type(job), job.id, unavailable)
    )


def call_after_commit(queue: Queue, function: str, *args, retry: Retry | None = None) -> None:
    """Put `function(*args)` on the queue once this session's transaction commits: work
    whose state lives in rows of its own (e.g. queued invitations), not in a Job row."""
    db.session.info.setdefault(_PENDING_CALLS, []).append((queue, function, args, retry))


def rq_job_id(job_id: int, model: type[Job | ImportJob] = Job) -> str:
    """The RQ job's id: one per row, and rows of two tables never share one."""
    kind = "job" if model is Job else model.__tablename__.replace("_", "-")
    return f"transform-{kind}-{job_id}"


def init_job_queue() -> None:
    if not event.contains(Session, "after_commit", _enqueue_pending):
        event.listen(Session, "after_commit", _enqueue_pending)
        event.listen(Session, "after_rollback", _forget_pending)


def enqueue(queue: Queue, function: str, job_id: int, model: type[Job | ImportJob] = Job) -> None:
    """Put `function(job_id)` on the queue now; the row must be committed already."""
    queue.enqueue(
        function,
        job_id,
        job_id=rq_job_id(job_id, model),
        job_timeout=JOB_TIMEOUT_S,
        retry=Retry(max=RETRIES),
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )


def _enqueue_pending(session: Session) -> None:
    for queue, function, model, job_id, unavailable in session.info.pop(_PENDING, []):
        try:
            enqueue(queue, function, job_id, model)
        except redis.RedisError:
            logger.exception("Could not queue %s %s", model.__tablename__, job_id)
            _fail_unqueued(model, job_id, unavailable)
    for queue, function, args, retry in session.info.pop(_PENDING_CALLS, []):
        try:
            queue.enqueue(function, *args, job_timeout=JOB_TIMEOUT_S, retry=retry)
        except redis.RedisError:
            # Its rows still say what waits; the next run or `flask` command picks them up.
            logger.exception("Could not queue %s", function)


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING_CALLS, None)


def _fail_unqueued(model: type[Job | ImportJob], job_id: int, unavailable: str) -> None:
    # The request's own transaction is over; this is a write of its own.
    with current_app.app_context(), db.engine.begin() as connection:
        connection.execute(
            update(model)
            .where(model.id == job_id, model.status == JobStatus.QUEUED)
            .values(status=JobStatus.FAILED, error=unavailable, finished_at=clock.utcnow())
        )
