"""With REDIS_URL, a large response import is written by a job worker, not in the request:
the page follows the job to its summary, or to why it failed."""

import io
import re
from html import unescape

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job as RqJob
from sqlalchemy import delete, func, select

from tests import factories
from tests.waves.test_response_import import survey  # noqa: F401  (fixture)
from transform import TestConfig, create_app, pending_uploads
from transform.extensions import db, limiter
from transform.job_queue import QUEUE_NAME, rq_job_id
from transform.models import ImportJob, JobStatus, Response, Team, User, Wave, WaveTeam
from transform.redis_store import redis_client
from transform.wave_data import import_jobs

HTMX = {"HX-Request": "true"}
#: Rows of the file; the tests queue imports of 10 rows or more.
ROWS = 12
THRESHOLD = 10
FILENAME = "Big export.csv"


def _csv(rows: int = ROWS) -> bytes:
    lines = ["Response ID,Date,Team,AW1,DE1,KN3,AB2"]
    for n in range(rows):
        team = "Billing" if n % 2 == 0 else "Intake"
        lines.append(f"R-{n:04d},2026-03-{3 + n % 10:02d},{team},4,5,{1 + n % 7},3")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def web(app, redis_app_factory):
    built = redis_app_factory(IMPORT_QUEUE_MIN_ROWS=THRESHOLD)
    # Web hosts and workers share the upload folder, as in production.
    built.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"]
    return built


@pytest.fixture
def wave(request):
    """An import wave of March 2026 surveying Billing and Intake (test_response_import)."""
    return request.getfixturevalue("survey")


def _queue(web) -> Queue:
    return Queue(QUEUE_NAME, connection=redis_client(web))


def _work(web) -> None:
    """Run what is queued, as `flask worker --burst` would, in this process."""
    SimpleWorker([_queue(web)], connection=redis_client(web)).work(burst=True)


def _url(wave: Wave, tail: str = "import") -> str:
    return f"/programmes/{wave.programme_id}/waves/{wave.id}/{tail}"


def _confirm(web, wave: Wave, data: bytes | None = None):
    """Upload the file, preview its mapping and confirm it, as the PMO; (client, token,
    the confirming response)."""
    client = factories.logged_in(web, "pmo@example.com")
    uploaded = client.post(
        _url(wave),
        data={"file": (io.BytesIO(data or _csv()), FILENAME)},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303, uploaded.data[:2000]
    token = re.search(r"upload=([0-9a-f]{32})", uploaded.headers["Location"])[1]
    items = {item.code: item.id for item in wave.instrument.items}
    form = {
        f"item_{items[code]}": str(column)
        for code, column in zip(("AW1", "DE1", "KN3", "AB2"), (3, 4, 5, 6), strict=True)
    } | {
        "upload": token,
        "team_column": "2",
        "team_match": "name",
        "day_column": "1",
        "comment_column": "",
        "response_id_column": "0",
        "date_order": "",
    }
    preview = client.post(_url(wave), data=form | {"preview": "Check how the rows read"})
    assert preview.status_code == 200, unescape(preview.data.decode())[:3000]
    previewed = re.search(r'name="previewed" type="hidden" value="([0-9a-f]*)"', preview.text)[1]
    confirmed = client.post(
        _url(wave), data=form | {"previewed": previewed, "submit": "Import responses"}
    )
    return client, token, confirmed


def _responses(wave: Wave) -> int:
    return db.session.scalar(select(func.count(Response.id)).where(Response.wave_id == wave.id))


def _only_job() -> ImportJob:
    job = db.session.scalars(select(ImportJob)).one()
    db.session.refresh(job)
    return job


def _kept(wave: Wave, token: str) -> bool:
    """Whether the upload can still be read for the wave by its uploader."""
    pmo = db.session.scalar(select(User.id).where(User.email == "pmo@example.com"))
    return pending_uploads.load(token, import_jobs.scope(wave), pmo) is not None


def _drop_team(wave: Wave, name: str) -> None:
    team_id = db.session.scalar(select(Team.id).where(Team.name == name))
    db.session.execute(
        delete(WaveTeam).where(WaveTeam.wave_id == wave.id, WaveTeam.team_id == team_id)
    )
    db.session.expire_all()


def test_a_large_import_is_queued_and_the_page_follows_it_to_the_summary(app, web, wave):
    client, token, confirmed = _confirm(web, wave)
    job = _only_job()
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == _url(wave, f"imports/{job.id}")
    # Nothing written in the request: the worker does it.
    assert _responses(wave) == 0
    assert job.status == JobStatus.QUEUED and job.rows == ROWS
    assert _queue(web).job_ids == [rq_job_id(job.id, ImportJob)]
    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "<!doctype html>" in page.lower() and "Queued" in page
    assert f"12 rows of {FILENAME} wait for an import worker" in page
    assert 'hx-trigger="every 1s"' in page and ">Refresh</a>" in page
    # The mapping page of the same upload leads to its job, not to a second import.
    again = client.get(_url(wave) + f"?upload={token}")
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/imports/{job.id}")

    _work(web)
    job = _only_job()
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert _responses(wave) == ROWS
    html = unescape(client.get(confirmed.headers["Location"], headers=HTMX).get_data(as_text=True))
    assert f"Imported 12 responses from {FILENAME} into March pulse: Billing 6, Intake 6." in html
    assert "every 1s" not in html and f'href="{_url(wave, "")[:-1]}"' in html
    assert not _kept(wave, token)


def test_a_held_upload_outlives_the_sweep_of_abandoned_ones(app, web, wave, monkeypatch):
    _client, token, _confirmed = _confirm(web, wave)
    monkeypatch.setattr(pending_uploads, "MAX_AGE_SECONDS", -1)
    pending_uploads.sweep()
    _work(web)
    assert _only_job().status == JobStatus.DONE and _responses(wave) == ROWS


def test_a_refusal_found_by_the_worker_fails_the_job_and_writes_nothing(app, web, wave):
    client, token, confirmed = _confirm(web, wave)
    # Between the preview and the worker, the wave stops surveying Intake.
    _drop_team(wave, "Intake")
    _work(web)
    job = _only_job()
    assert job.status == JobStatus.FAILED and job.problem_count == 1
    assert _responses(wave) == 0
    # The failure is the job's, written for the reader; RQ does not loop on it.
    rq_job = RqJob.fetch(rq_job_id(job.id, ImportJob), connection=redis_client(web))
    assert rq_job.get_status() == "finished"
    html = unescape(client.get(confirmed.headers["Location"]).get_data(as_text=True))
    assert "The import failed." in html and "no longer imports into March pulse" in html
    assert "Nothing was imported: 1 problem to fix" in html
    rows = re.findall(
        r'<tr><td class="nowrap">(Rows? [^<]*)</td><td>(.*?)</td><td>(.*?)</td>', html
    )
    assert rows == [
        (
            "Rows 3, 5, 7, 9, 11, 13",
            "C · Team",
            "Team “Intake” is not one of the teams this wave surveys.",
        )
    ]
    assert ">Retry</button>" in html and "every 1s" not in html
    assert _kept(wave, token)


def test_a_failed_import_is_retried_from_its_page(web, wave):
    client, _token, confirmed = _confirm(web, wave)
    intake = db.session.scalar(select(Team.id).where(Team.name == "Intake"))
    _drop_team(wave, "Intake")
    _work(web)
    assert _only_job().status == JobStatus.FAILED
    db.session.add(WaveTeam(wave_id=wave.id, team_id=intake))
    db.session.commit()

    web.config["WTF_CSRF_ENABLED"] = True
    url = confirmed.headers["Location"]
    assert client.post(f"{url}/retry", headers=HTMX).status_code == 400  # no CSRF token
    page = client.get(url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    retried = client.post(f"{url}/retry", data={"csrf_token": csrf}, headers=HTMX)
    assert retried.status_code == 200 and "Queued" in retried.get_data(as_text=True)
    _work(web)
    job = _only_job()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.error is None
    assert _responses(wave) == ROWS


def test_a_job_whose_wave_was_deleted_fails_once_for_good(app, web, wave):
    _client, token, _confirmed = _confirm(web, wave)
    job_id = _only_job().id
    db.session.execute(delete(Wave).where(Wave.id == wave.id))
    db.session.expire_all()
    _work(web)
    job = db.session.get_one(ImportJob, job_id)
    assert job.status == JobStatus.FAILED and job.error == import_jobs.WAVE_GONE
    assert job.attempts == 0 and not job.can_retry
    rq_job = RqJob.fetch(rq_job_id(job.id, ImportJob), connection=redis_client(web))
    assert rq_job.get_status() == "finished"
    folder = app.config["UPLOAD_FOLDER"]
    assert not any(path.name.startswith(token) for path in _uploads(folder))


def _uploads(folder: str):
    from pathlib import Path

    imports = Path(folder) / "imports"
    return list(imports.iterdir()) if imports.exists() else []


class WorkerDied(BaseException):
    """The worker process is killed: nothing after this point runs, nothing is caught."""


def test_a_run_again_after_the_worker_died_mid_import_imports_once(web, wave, monkeypatch):
    _confirm(web, wave)
    job_id = _only_job().id

    def die(*args, **kwargs):
        raise WorkerDied

    # Killed after every response was flushed, before the transaction committed.
    monkeypatch.setattr(ImportJob, "finish", die)
    with pytest.raises(WorkerDied):
        import_jobs.run(job_id)
    db.session.rollback()  # what the database does with a dead connection's transaction
    monkeypatch.undo()
    job = _only_job()
    assert job.status == JobStatus.RUNNING and job.attempts == 1
    assert _responses(wave) == 0

    # RQ runs the abandoned job again; and once more, as if the second run's end was lost.
    assert import_jobs.run(job_id) == JobStatus.DONE
    assert import_jobs.run(job_id) == "nothing to do"
    job = _only_job()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert _responses(wave) == ROWS


def test_an_unreachable_redis_gives_503_and_keeps_the_upload(app, wave):
    class DeadRedisConfig(TestConfig):
        REDIS_URL = "redis://127.0.0.1:1/0"
        IMPORT_QUEUE_MIN_ROWS = THRESHOLD

    web = create_app(DeadRedisConfig)
    web.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"]
    try:
        client, token, confirmed = _confirm(web, wave)
    finally:
        limiter.init_app(app)
    html = unescape(confirmed.get_data(as_text=True))
    assert confirmed.status_code == 503
    assert "The import service is unavailable just now: nothing was imported" in html
    # The mapping page again, with its preview and the upload, to import once it is back.
    assert f'name="upload" type="hidden" value="{token}"' in html
    assert "Import responses" in html
    assert _responses(wave) == 0
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0
    assert _kept(wave, token)


def test_without_redis_a_large_import_is_written_in_the_request(app, wave, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_QUEUE_MIN_ROWS", THRESHOLD)
    _client, _token, confirmed = _confirm(app, wave)
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == _url(wave, "")[:-1]
    assert _responses(wave) == ROWS
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0


def test_below_the_threshold_an_import_is_written_in_the_request(redis_app_factory, app, wave):
    web = redis_app_factory(IMPORT_QUEUE_MIN_ROWS=ROWS + 1)
    web.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"]
    _client, _token, confirmed = _confirm(web, wave)
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == _url(wave, "")[:-1]
    assert _responses(wave) == ROWS
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0
