"""Large response imports as background jobs: queue one, run it in a worker, retry it.

With REDIS_URL set, a confirmed import of IMPORT_QUEUE_MIN_ROWS rows or more is not
written in the request: an ImportJob row keeps the wave, the held upload and the mapping
and choices confirmed, and a worker calls `run`. The worker reads the upload again and
reviews it against the wave as it is by then (its teams, its days, responses imported
meanwhile), then writes every response or none, in one transaction with the job's DONE:
a worker that dies mid-write leaves nothing behind, and the run RQ starts again finds
either nothing written or the job done. A refusal fails the job with its problems; a
wave, upload or person gone meanwhile fails it for good, with no retry.
"""

import logging
from dataclasses import asdict
from datetime import date

from flask import current_app
from rq import Queue
from sqlalchemy import select

from transform import clock, pending_uploads
from transform.extensions import db
from transform.import_problems import ImportRefused, Problem
from transform.job_queue import QueueUnavailable, check_available, enqueue_after_commit, job_queue
from transform.models import ImportJob, JobStatus, User, Wave
from transform.pending_uploads import PendingUpload
from transform.value_reading import DateOrder
from transform.wave_data import service
from transform.wave_data.import_files import table_from_bytes
from transform.wave_data.importing import ColumnMapping

#: The function a worker runs, by name: workers import it, the web app only names it.
RUN = "transform.wave_data.import_jobs.run"
UNAVAILABLE = (
    "The import service is unavailable just now: nothing was imported, and your file is "
    "kept. Try again in a few minutes."
)
WAVE_GONE = "The wave was deleted while the import waited; nothing was imported."
UPLOAD_GONE = (
    "The uploaded file is no longer kept (it expired or was discarded); nothing was "
    "imported. Upload it again."
)
PERSON_GONE = "The account that asked for this import was removed; nothing was imported."
UNEXPECTED = (
    "The import failed with an unexpected error, recorded in the worker's log; nothing was "
    "imported. Retry it; if it fails again, tell your administrator."
)

logger = logging.getLogger(__name__)


def scope(wave: Wave) -> str:
    """What a pending upload of this wave is for (transform.pending_uploads)."""
    return f"wave:{wave.id}"


def import_queue(rows: int) -> Queue | None:
    """The queue for an import of `rows` rows; None imports it in the request."""
    if rows < current_app.config["IMPORT_QUEUE_MIN_ROWS"]:
        return None
    return job_queue()


def queue_import(
    queue: Queue,
    wave: Wave,
    pending: PendingUpload,
    mapping: ColumnMapping,
    date_order: DateOrder | None,
    default_on: date,
    rows: int,
    user: User,
) -> ImportJob:
    """A job importing the upload, queued once the request commits; flush only.
    QueueUnavailable when Redis does not answer: nothing is recorded."""
    _check(queue)
    job = ImportJob(
        wave_id=wave.id,
        upload_token=pending.token,
        file_sha256=pending.sha256,
        mapping=_mapping_json(mapping),
        date_order=date_order.value if date_order else None,
        default_on=default_on,
        rows=rows,
        created_by_id=user.id,
    )
    db.session.add(job)
    pending_uploads.hold(pending.token)
    enqueue_after_commit(queue, RUN, job, UNAVAILABLE)
    return job


def retry(queue: Queue | None, job: ImportJob) -> None:
    """Queue a failed job again, or without a queue import it in this request; flush only."""
    if queue is not None:
        _check(queue)
    job.retry()
    pending_uploads.hold(job.upload_token)
    if queue is not None:
        enqueue_after_commit(queue, RUN, job, UNAVAILABLE)
        return
    inputs = _inputs(job)
    if isinstance(inputs, str):
        job.fail(inputs, clock.utcnow(), retryable=False)
    else:
        job.start(clock.utcnow())
        _attempt(job, *inputs)
    db.session.flush()


def job_or_none(wave: Wave, job_id: int) -> ImportJob | None:
    job = db.session.get(ImportJob, job_id)
    return job if job is not None and job.wave_id == wave.id else None


def job_of_upload(wave: Wave, token: str) -> ImportJob | None:
    """The job that has this upload in hand (queued, running or done), if any."""
    return db.session.scalar(
        select(ImportJob)
        .where(
            ImportJob.wave_id == wave.id,
            ImportJob.upload_token == token,
            ImportJob.status != JobStatus.FAILED,
        )
        .order_by(ImportJob.id.desc())
        .limit(1)
    )


def summary_of(job: ImportJob) -> service.ImportSummary:
    pairs = [(name, count) for name, count in job.per_team or []]
    return service.ImportSummary(job.responses or 0, job.answers or 0, pairs, job.skipped or 0)


def refusal_of(job: ImportJob) -> ImportRefused | None:
    """The problems of a refused file, as the import page lists them; None otherwise."""
    if not job.problems:
        return None
    problems = [
        Problem(**problem | {"more_lines": tuple(problem["more_lines"])})
        for problem in job.problems
    ]
    return ImportRefused(problems, job.problem_count)


def run(job_id: int) -> str:
    """Import the job's upload and record how it went; commits as it goes."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status == JobStatus.DONE:
        return "nothing to do"
    inputs = _inputs(job)
    if isinstance(inputs, str):
        job.fail(inputs, clock.utcnow(), retryable=False)
        db.session.commit()
        pending_uploads.discard(job.upload_token)
        return JobStatus.FAILED
    job.start(clock.utcnow())
    db.session.commit()  # the page shows the import under way
    # Locked until the import commits: a second run of this job (RQ starts one when the
    # first seems lost) waits here, then finds it done.
    job = db.session.get(ImportJob, job_id, with_for_update=True, populate_existing=True)
    if job.status == JobStatus.DONE:
        db.session.rollback()
        return "nothing to do"
    _attempt(job, *inputs)
    db.session.commit()
    if job.status == JobStatus.DONE:
        pending_uploads.release(job.upload_token)
    return job.status


def _inputs(job: ImportJob) -> tuple[Wave, User, bytes] | str:
    """The wave, the person who asked and the upload's data; or why the job can never
    import (the wave, the person or the upload is gone)."""
    wave = db.session.get(Wave, job.wave_id) if job.wave_id is not None else None
    if wave is None:
        return WAVE_GONE
    by = db.session.get(User, job.created_by_id) if job.created_by_id is not None else None
    if by is None:
        return PERSON_GONE
    loaded = pending_uploads.load(job.upload_token, scope(wave), by.id)
    if loaded is None or loaded[0].sha256 != job.file_sha256:
        return UPLOAD_GONE
    return wave, by, loaded[1]


def _attempt(job: ImportJob, wave: Wave, by: User, data: bytes) -> None:
    """Import the upload, or record why not, on the job; flush only. What a failure had
    written is rolled back to a savepoint, so the job's record survives it."""
    try:
        with db.session.begin_nested():
            summary = _import(job, wave, by, data)
    except ImportRefused as refused:
        job.fail(
            f"Nothing was imported: the file no longer imports into {wave.name} as it is "
            f"now ({refused.total:,} problem{'' if refused.total == 1 else 's'}).",
            clock.utcnow(),
            problems=[asdict(problem) for problem in refused.problems],
            problem_count=refused.total,
        )
        return
    except Exception:
        logger.exception("Import job %s failed", job.id)
        job.fail(UNEXPECTED, clock.utcnow())
        return
    job.finish(
        summary.responses, summary.answers, summary.skipped, summary.per_team, clock.utcnow()
    )


def _import(job: ImportJob, wave: Wave, by: User, data: bytes) -> service.ImportSummary:
    """Review the upload again with the confirmed choices and write it; flush only.
    ImportRefused when the wave, as it is now, does not take it."""
    service.refuse_padding(wave, by)
    reviewed = service.review(
        wave,
        table_from_bytes(data),
        _mapping_from_json(job.mapping),
        job.default_on,
        job.file_sha256,
        DateOrder(job.date_order) if job.date_order else None,
    )
    refusal = reviewed.refusal()
    if refusal:
        raise refusal
    return service.write_responses(
        wave, reviewed.responses, job.file_sha256, by, "import", reviewed.already_imported
    )


def _check(queue: Queue) -> None:
    try:
        check_available(queue)
    except QueueUnavailable:
        raise QueueUnavailable(UNAVAILABLE) from None


def _mapping_json(mapping: ColumnMapping) -> dict:
    return asdict(mapping) | {"items": {str(k): v for k, v in mapping.items.items()}}


def _mapping_from_json(stored: dict) -> ColumnMapping:
    return ColumnMapping(**stored | {"items": {int(k): v for k, v in stored["items"].items()}})
