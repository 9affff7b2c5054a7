"""Report renders as background jobs: queue one, run it in a worker, retry a failed one.

`run` is what a worker calls. Whatever goes wrong with the report is written on the job
row for the person waiting and the run ends normally: RQ retries only runs whose worker
died, and a render that failed once fails again. A job whose programme was deleted
meanwhile fails saying so, at once.
"""

import logging
from datetime import date

from transform import clock
from transform.extensions import db
from transform.job_queue import enqueue_after_commit
from transform.models import Job, JobStatus, Programme, ReportKind, User
from transform.reports import store

#: The function a worker runs, by name: workers import it, the web app only names it.
RUN = "transform.reports.jobs.run"
PROGRAMME_GONE = "The programme was deleted while the report waited; there is nothing to render."

logger = logging.getLogger(__name__)


def queue_report(
    queue,
    kind: ReportKind,
    programme: Programme,
    as_of: date,
    team_id: int | None,
    wave_id: int | None,
    user: User | None,
) -> Job:
    """A job rendering the draft report, queued once the request commits; flush only."""
    job = Job(
        programme_id=programme.id,
        report_kind=kind,
        team_id=team_id,
        wave_id=wave_id,
        as_of=as_of,
        created_by_id=user.id if user else None,
    )
    db.session.add(job)
    enqueue_after_commit(queue, RUN, job)
    return job


def retry(queue, job: Job) -> None:
    """Queue a failed job again; flush only."""
    job.retry()
    enqueue_after_commit(queue, RUN, job)


def render_now(job: Job, programme: Programme, user: User | None) -> None:
    """Retry a failed job in this request, with no queue (REDIS_URL unset); flush only."""
    job.retry()
    job.start(clock.utcnow())
    report = store.report_pdf(
        job.report_kind, programme, job.as_of, job.team_id, job.wave_id, user=user
    )
    job.finish(report.id, clock.utcnow())
    db.session.flush()


def job_or_none(programme: Programme, job_id: int) -> Job | None:
    job = db.session.get(Job, job_id)
    return job if job is not None and job.programme_id == programme.id else None


def run(job_id: int) -> str:
    """Render the job's report and record how it went; commits as it goes."""
    job = db.session.get(Job, job_id)
    if job is None or job.status == JobStatus.DONE:
        return "nothing to do"
    programme = db.session.get(Programme, job.programme_id) if job.programme_id else None
    if programme is None:
        job.fail(PROGRAMME_GONE, clock.utcnow())
        db.session.commit()
        return JobStatus.FAILED
    job.start(clock.utcnow())
    db.session.commit()  # the page shows the render under way
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    try:
        report = store.report_pdf(
            job.report_kind, programme, job.as_of, job.team_id, job.wave_id, user=user
        )
        job.finish(report.id, clock.utcnow())
        db.session.commit()
    except Exception as error:
        logger.exception("Report job %s failed", job_id)
        db.session.rollback()
        job = db.session.get_one(Job, job_id)
        job.fail(_reason(error), clock.utcnow())
        db.session.commit()
    return job.status


def _reason(error: Exception) -> str:
    # WeasyPrint loads on the first render, not with the app (see store.report_pdf).
    from transform.reports.render import RenderError

    if isinstance(error, RenderError):
        return f"The report could not be rendered safely: {error}."
    return (
        "The report could not be rendered: an unexpected error, recorded in the worker's "
        "log. Retry it; if it fails again, tell your administrator."
    )
