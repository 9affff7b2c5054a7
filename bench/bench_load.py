"""The app under gunicorn on PostgreSQL, under parallel survey submissions and dashboards.

Needs BENCH_DATABASE_URL: THAT DATABASE IS WIPED (its public schema is dropped, rebuilt
by the migrations and loaded with the demo). Without it the benchmark is skipped.

SUBMITTERS clients answer the demo's open adoption wave through its team links (each
submission is the form's GET, for the CSRF token, then the POST), while VIEWERS clients,
logged in as the demo PMO, open the adoption dashboard, all against gunicorn with
WORKERS processes of THREADS threads. Targets:

- at least 100 submissions/s (whole submissions, GET and POST, over the run);
- dashboard p95 latency <= 300 ms;
- no errors (any status but the expected 200 / 303);
- no lost responses: the responses in the database grow by exactly the 303s.
"""

import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from bench.bench_scoring import _psycopg_url, _reset_postgres

SUBMISSIONS = 2_000
SUBMITTERS = 16
VIEWERS = 4
WORKERS = 2 * (os.cpu_count() or 1) + 1
THREADS = 4
SUBMISSION_RATE_TARGET = 100.0
DASHBOARD_P95_TARGET_S = 0.300
PMO_EMAIL = "pmo@example.com"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROOT = Path(__file__).resolve().parent.parent


def run() -> bool:
    url = _psycopg_url(os.environ.get("BENCH_DATABASE_URL", "").strip())
    if not url:
        print("-- skipped: set BENCH_DATABASE_URL to a PostgreSQL database it may wipe --")
        return True
    with tempfile.TemporaryDirectory() as directory:
        env = os.environ | {
            "DATABASE_URL": url,
            "TRANSFORM_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "false",
            "UPLOAD_FOLDER": directory,
        }
        _reset_postgres(url)
        setup = _prepare(env)
        port = _free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                f"--workers={WORKERS}",
                f"--threads={THREADS}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base)
            return _drive(base, setup, env)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _prepare(env: dict) -> dict:
    """Migrate, load the demo and issue a team link per team of the open adoption wave."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from transform import create_app
        from transform.demo import DEMO_PASSWORD, load_demo
        from transform.extensions import db
        from transform.models import Answer, Programme, Response, Wave, WaveStatus
        from transform.seeds import ensure_builtins
        from transform.surveys.service import issue_team_link

        app = create_app()
        with app.app_context():
            upgrade()
            ensure_builtins()
            load_demo(date.today())
            db.session.commit()
            wave = db.session.scalar(select(Wave).where(Wave.status == WaveStatus.OPEN))
            links = [issue_team_link(wave_team) for wave_team in wave.teams]
            setup = {
                "links": links,
                "wave_id": wave.id,
                "programme_id": wave.programme_id,
                "password": DEMO_PASSWORD,
                "programmes": db.session.scalar(select(func.count(Programme.id))),
                "responses": db.session.scalar(select(func.count(Response.id))),
                "answers": db.session.scalar(select(func.count(Answer.id))),
            }
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        return setup
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _count_wave_responses(env: dict, wave_id: int) -> int:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from transform import create_app
        from transform.extensions import db
        from transform.models import Response

        app = create_app()
        with app.app_context():
            count = db.session.scalar(
                select(func.count(Response.id)).where(Response.wave_id == wave_id)
            )
            db.session.remove()
            db.engine.dispose()
        return count
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _client():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
    )


def _request(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def _drive(base: str, setup: dict, env: dict) -> bool:
    before = _count_wave_responses(env, setup["wave_id"])
    links = setup["links"]
    lock = threading.Lock()
    remaining = iter(range(SUBMISSIONS))
    submission_times: list[float] = []
    dashboard_times: list[float] = []
    errors: list[str] = []
    accepted = 0
    submitting = threading.Event()
    submitting.set()

    def submitter():
        nonlocal accepted
        opener = _client()
        while True:
            with lock:
                number = next(remaining, None)
            if number is None:
                return
            url = f"{base}/t/{links[number % len(links)]}"
            started = time.perf_counter()
            status, page = _request(opener, url)
            token = CSRF.search(page)
            if status != 200 or token is None:
                with lock:
                    errors.append(f"survey GET {status}")
                continue
            answers = dict.fromkeys(re.findall(r'name="(item-[^"]+)"', page), "4")
            status, _ = _request(opener, url, {"csrf_token": token.group(1), **answers})
            elapsed = time.perf_counter() - started
            with lock:
                if status == 303:
                    accepted += 1
                    submission_times.append(elapsed)
                else:
                    errors.append(f"survey POST {status}")

    def viewer():
        opener = _client()
        status, page = _request(opener, f"{base}/auth/login")
        token = CSRF.search(page)
        data = {"email": PMO_EMAIL, "password": setup["password"]}
        status, _ = _request(opener, f"{base}/auth/login", data | {"csrf_token": token.group(1)})
        if status != 303:
            with lock:
                errors.append(f"login {status}")
            return
        url = f"{base}/programmes/{setup['programme_id']}/adoption/"
        while submitting.is_set():
            started = time.perf_counter()
            status, page = _request(opener, url)
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200 and "Respondents" in page:
                    dashboard_times.append(elapsed)
                else:
                    errors.append(f"dashboard {status}")

    viewers = [threading.Thread(target=viewer) for _ in range(VIEWERS)]
    submitters = [threading.Thread(target=submitter) for _ in range(SUBMITTERS)]
    started = time.perf_counter()
    for thread in viewers + submitters:
        thread.start()
    for thread in submitters:
        thread.join()
    elapsed = time.perf_counter() - started
    submitting.clear()
    for thread in viewers:
        thread.join()
    stored = _count_wave_responses(env, setup["wave_id"]) - before

    rate = accepted / elapsed
    dashboard_p95 = _p95(dashboard_times)
    print(
        f"data: {setup['programmes']} programmes, {setup['responses']:,} responses and "
        f"{setup['answers']:,} answers before the run; {len(links)} team links"
    )
    print(
        f"gunicorn: {WORKERS} workers x {THREADS} threads on {os.cpu_count()} CPUs; "
        f"{SUBMITTERS} submitting clients, {VIEWERS} dashboard clients"
    )
    print(
        f"submissions: {accepted:,} accepted of {SUBMISSIONS:,} in {elapsed:.1f} s; "
        f"p50 {_median(submission_times) * 1000:.0f} ms, "
        f"p95 {_p95(submission_times) * 1000:.0f} ms"
    )
    print(
        f"dashboard: {len(dashboard_times):,} views; p50 {_median(dashboard_times) * 1000:.0f} ms,"
        f" p95 {dashboard_p95 * 1000:.0f} ms"
    )
    print(f"errors: {len(errors)} {sorted(set(errors))[:5]}")
    print(f"stored: {stored:,} new responses in the database for {accepted:,} accepted")
    checks = [
        (
            f"submissions {rate:.1f}/s >= {SUBMISSION_RATE_TARGET:.0f}/s",
            rate >= SUBMISSION_RATE_TARGET,
        ),
        (
            f"dashboard p95 {dashboard_p95 * 1000:.0f} ms <= "
            f"{DASHBOARD_P95_TARGET_S * 1000:.0f} ms",
            bool(dashboard_times) and dashboard_p95 <= DASHBOARD_P95_TARGET_S,
        ),
        (f"errors {len(errors)} == 0", not errors),
        (f"lost responses {accepted - stored} == 0", stored == accepted),
    ]
    for label, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {label}")
    return all(passed for _, passed in checks)


def _median(times: list[float]) -> float:
    return statistics.median(times) if times else float("nan")


def _p95(times: list[float]) -> float:
    if len(times) < 2:
        return times[0] if times else float("nan")
    return statistics.quantiles(times, n=20)[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(base: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/auth/login", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {base} within {timeout_s:.0f} s")


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
