"""Work that should not hold a request, queued on Redis (RQ) when REDIS_URL is set.

A job is a row (transform.models.Job) that the page polls, and an RQ job that names the
function to run with the row's id. The RQ job is enqueued only once the request's
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
from transform.models import Job, JobStatus
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


def enqueue_after_commit(queue: Queue, function: str, job: Job) -> None:
    """Put `function(job.id)` on the queue once this session's transaction commits."""
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append((queue, function, job.id))


def call_after_commit(queue: Queue, function: str, *args, retry: Retry | None = None) -> None:
    """Put `function(*args)` on the queue once this session's transaction commits: work
    whose state lives in rows of its own (e.g. queued invitations), not in a Job row."""
    db.session.info.setdefault(_PENDING_CALLS, []).append((queue, function, args, retry))


def rq_job_id(job_id: int) -> str:
    return f"transform-job-{job_id}"


def init_job_queue() -> None:
    if not event.contains(Session, "after_commit", _enqueue_pending):
        event.listen(Session, "after_commit", _enqueue_pending)
        event.listen(Session, "after_rollback", _forget_pending)


def enqueue(queue: Queue, function: str, job_id: int) -> None:
    """Put `function(job_id)` on the queue now; the row must be committed already."""
    queue.enqueue(
        function,
        job_id,
        job_id=rq_job_id(job_id),
        job_timeout=JOB_TIMEOUT_S,
        retry=Retry(max=RETRIES),
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )


def _enqueue_pending(session: Session) -> None:
    for queue, function, job_id in session.info.pop(_PENDING, []):
        try:
            enqueue(queue, function, job_id)
        except redis.RedisError:
            logger.exception("Could not queue job %s", job_id)
            _fail_unqueued(job_id)
    for queue, function, args, retry in session.info.pop(_PENDING_CALLS, []):
        try:
            queue.enqueue(function, *args, job_timeout=JOB_TIMEOUT_S, retry=retry)
        except redis.RedisError:
            # Its rows still say what waits; the next run or `flask` command picks them up.
            logger.exception("Could not queue %s", function)


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING_CALLS, None)


def _fail_unqueued(job_id: int) -> None:
    # The request's own transaction is over; this is a write of its own.
    with current_app.app_context(), db.engine.begin() as connection:
        connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.FAILED, error=UNAVAILABLE, finished_at=clock.utcnow())
        )
