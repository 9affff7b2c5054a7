"""A report job whose worker is killed mid-render is run again by another worker.

Real worker processes (`flask worker`) on a committed database of their own: the first
is killed with SIGKILL once the job is running; RQ's maintenance of abandoned jobs (run
here at once rather than after the job's timeout) puts the job back on the queue; a
second worker renders it.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.registry import StartedJobRegistry

from tests import factories
from tests.live_app import dispose, make_live_app
from transform import clock
from transform.extensions import db
from transform.job_queue import JOB_TIMEOUT_S, QUEUE_NAME, enqueue
from transform.models import Job, JobStatus, ReportKind
from transform.reports.jobs import RUN


@pytest.fixture
def live(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "jobs")
    yield app
    dispose(app)


def _worker(live, redis_url, tmp_path, *args, **kwargs):
    environment = {
        **os.environ,
        "SECRET_KEY": "a-long-enough-worker-secret",
        "DATABASE_URL": live.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    environment.pop("RATELIMIT_STORAGE_URI", None)
    command = [sys.executable, "-m", "flask", "--app", "transform", "worker", *args]
    with open(tmp_path / "worker.log", "ab") as log:
        return subprocess.Popen(
            command, env=environment, stdout=log, stderr=subprocess.STDOUT, **kwargs
        )


def _kill_with_its_work_horses(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and the process it forked for the job, as a lost host would."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    worker.kill()
    worker.wait()


def _status(live, job_id: int) -> Job:
    # As a page would read it: on SQLite a read-only request waits for no writer.
    with live.test_request_context("/", method="GET"):
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def test_a_render_survives_its_worker_being_killed_mid_job(live, redis_url, tmp_path):
    with live.app_context():
        programme = factories.programme(name="Survivor")
        job = Job(
            programme_id=programme.id,
            report_kind=ReportKind.SPONSOR_PROGRESS,
            as_of=clock.today() - timedelta(days=1),
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    connection = redis.Redis.from_url(redis_url)
    queue = Queue(QUEUE_NAME, connection=connection)
    enqueue(queue, RUN, job_id)

    first = _worker(live, redis_url, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while _status(live, job_id).status == JobStatus.QUEUED:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.05)
    finally:
        _kill_with_its_work_horses(first)
    killed = _status(live, job_id)
    assert killed.status == JobStatus.RUNNING and killed.report_id is None

    # What a worker's maintenance does once the dead run's time is up.
    StartedJobRegistry(queue=queue).cleanup(
        timestamp=clock.system_now().timestamp() + JOB_TIMEOUT_S + 3600
    )
    assert queue.count == 1

    second = _worker(live, redis_url, tmp_path, "--burst")
    assert second.wait(timeout=180) == 0, (tmp_path / "worker.log").read_text()
    done = _status(live, job_id)
    assert done.status == JobStatus.DONE and done.attempts == 2
    assert done.report_id is not None
