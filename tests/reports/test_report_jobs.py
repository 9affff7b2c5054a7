"""With REDIS_URL, a report renders as a job on the queue; the page follows it to the draft."""

import time
from datetime import timedelta

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job as RqJob
from sqlalchemy import delete, func, select

from tests import factories
from tests.factories import SUITE_DAY
from tests.reports.test_reports_store import stub_report  # noqa: F401  (fixture)
from tests.survey_setup import survey_world
from transform import TestConfig, create_app
from transform.extensions import db, limiter
from transform.job_queue import QUEUE_NAME, rq_job_id
from transform.models import Job, JobStatus, Programme, ReportKind
from transform.redis_store import CONNECT_TIMEOUT_S, redis_client
from transform.reports import jobs, render, store
from transform.reports.render import RenderError

pytestmark = pytest.mark.usefixtures("stub_report")

YESTERDAY = SUITE_DAY - timedelta(days=1)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world():
    return survey_world()


@pytest.fixture
def web(redis_app_factory):
    return redis_app_factory()


def _queue(web) -> Queue:
    return Queue(QUEUE_NAME, connection=redis_client(web))


def _work(web) -> None:
    """Run what is queued, as `flask worker --burst` would, in this process."""
    SimpleWorker([_queue(web)], connection=redis_client(web)).work(burst=True)


def _prepare(web, world, email="pmo@example.com", **headers):
    client = factories.logged_in(web, email)
    url = f"/programmes/{world['programme'].id}/reports/sponsor-progress/prepare"
    return client, client.post(url, data={"as_of": YESTERDAY}, headers=headers)


def _only_job() -> Job:
    return db.session.scalars(select(Job)).one()


def test_prepare_queues_a_render_and_the_page_follows_it_to_the_draft(web, world):
    client, queued = _prepare(web, world, **HTMX)
    assert queued.status_code == 200
    html = queued.get_data(as_text=True)
    job = _only_job()
    assert "Queued" in html and 'hx-trigger="every 1s"' in html
    assert job.status == JobStatus.QUEUED and job.report_id is None
    assert _queue(web).job_ids == [rq_job_id(job.id)]

    _work(web)
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.attempts == 1
    page = client.get(f"/programmes/{world['programme'].id}/reports/jobs/{job.id}")
    html = page.get_data(as_text=True)
    assert "Draft ready" in html and "every 1s" not in html
    assert "Write commentary and publish" in html
    pdf = client.get(f"/programmes/{world['programme'].id}/reports/{job.report_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_plain_form_post_goes_to_the_job_page(web, world):
    client, response = _prepare(web, world)
    assert response.status_code == 303
    job = _only_job()
    assert response.headers["Location"].endswith(f"/reports/jobs/{job.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<!doctype html>" in page.lower() and "waits for a report worker" in page


def test_a_failed_render_says_why_and_can_be_retried(web, world, monkeypatch):
    def refuse(html):
        raise RenderError("refused 1 URL(s): http://evil.example/x.png")

    monkeypatch.setattr(render, "render_pdf", refuse)
    client, _ = _prepare(web, world, **HTMX)
    _work(web)
    job = _only_job()
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED
    # The failure is the job's, written for the reader; RQ does not loop on it.
    assert RqJob.fetch(rq_job_id(job.id), connection=redis_client(web)).get_status() == (
        "finished"
    )
    url = f"/programmes/{world['programme'].id}/reports/jobs/{job.id}"
    html = client.get(url, headers=HTMX).get_data(as_text=True)
    assert "The report failed." in html and "http://evil.example/x.png" in html
    assert ">Retry</button>" in html and "every 1s" not in html

    monkeypatch.undo()
    retried = client.post(f"{url}/retry", headers=HTMX)
    assert retried.status_code == 200 and "Queued" in retried.get_data(as_text=True)
    _work(web)
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.error is None


def test_a_job_whose_programme_was_deleted_fails_at_once_saying_so(world):
    programme = factories.programme(name="Short-lived")
    job = Job(programme_id=programme.id, report_kind=ReportKind.SPONSOR_PROGRESS, as_of=YESTERDAY)
    db.session.add(job)
    db.session.flush()
    db.session.execute(delete(Programme).where(Programme.id == programme.id))
    db.session.expire_all()
    assert jobs.run(job.id) == JobStatus.FAILED
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED and job.error == jobs.PROGRAMME_GONE
    assert job.attempts == 0


def test_an_unreachable_redis_says_the_report_service_is_unavailable(app, world):
    class DeadRedisConfig(TestConfig):
        REDIS_URL = "redis://127.0.0.1:1/0"

    web = create_app(DeadRedisConfig)
    try:
        _, response = _prepare(web, world, **HTMX)
    finally:
        limiter.init_app(app)
    assert response.status_code == 503
    assert "The report service is unavailable" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_a_plain_post_with_redis_unreachable_gets_a_clear_page_at_once(app, world):
    class DeadRedisConfig(TestConfig):
        REDIS_URL = "redis://127.0.0.1:1/0"

    web = create_app(DeadRedisConfig)
    started = time.monotonic()
    try:
        client, response = _prepare(web, world)
        programme_page = client.get(f"/programmes/{world['programme'].id}")
    finally:
        limiter.init_app(app)
    # Refused within the connect timeout, not left hanging on a queue nobody serves.
    assert time.monotonic() - started < 2 * CONNECT_TIMEOUT_S
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and "<!doctype html>" in html.lower()
    assert "The report service is unavailable" in html
    assert programme_page.status_code == 200


def test_without_redis_a_report_renders_in_the_request_as_before(app, world):
    _, response = _prepare(app, world, **HTMX)
    assert "Draft ready" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id))) == 0
    assert store.published_reports(world["programme"]) == []


def test_the_worker_command_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_without_redis_a_failed_job_is_retried_in_the_request(app, world):
    job = Job(
        programme_id=world["programme"].id,
        report_kind=ReportKind.SPONSOR_PROGRESS,
        as_of=YESTERDAY,
        status=JobStatus.FAILED,
        error="The report could not be rendered.",
    )
    db.session.add(job)
    db.session.flush()
    client = factories.logged_in(app, "sponsor@example.com")
    url = f"/programmes/{world['programme'].id}/reports/jobs/{job.id}"
    html = client.post(f"{url}/retry", headers=HTMX).get_data(as_text=True)
    assert "Draft ready" in html and "Publish" not in html
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.error is None
