"""The production layout under load: two gunicorn instances on one PostgreSQL and one Redis,
with RQ workers, on the enterprise programme, each figure beside a baseline of the same run.

Needs BENCH_DATABASE_URL: THAT DATABASE IS WIPED (its public schema is dropped, rebuilt
by the migrations and loaded with the enterprise programme of bench/generate.py: 2,000
teams, three closed waves of 40,000 respondents), and BENCH_REDIS_URL (default
redis://127.0.0.1:6379/9): THAT REDIS DATABASE IS FLUSHED. Without the first it is skipped.

A fourth wave is opened with a team link for each of the 2,000 teams. The layout
(bench/load_servers.py): INSTANCES gunicorn instances of WORKERS processes x THREADS
threads, each on a port of its own, and RQ_WORKERS `flask worker` processes, all with
the same REDIS_URL, so that the dashboards, rate limits and rescoring jobs are shared.

1. Paced: respondents arrive at OFFERED_RATE a second for RUN_SECONDS, spread over the
   instances, while VIEWERS PMOs, spread likewise, each open the enterprise dashboard of
   the last closed wave every VIEW_INTERVAL_S, from the instances' first request on, so
   the servers' cold start (empty process caches, first imports, first connections) is
   in the p95. Once the servers are up and before the first request, the deployment runs
   `flask dashboards warm` as the README's production layout says, so the shared cache
   holds the day's scored dashboards; its time per wave (a cold scoring) is printed.
   Baseline: the same dashboard opened alone, one view after another, on the idle
   instance right after.
2. Stored vs sent: the fourth wave's responses in the database against the survey posts
   sent and those answered 303; none may be lost.
3. The login limit across instances: failed logins from one address sent alternately to
   each instance until one is refused; they must stop at LOGIN_RATE_LIMIT, not at a
   count per instance.
4. Saturation (issue 19): closed-loop respondents, SATURATION_CLIENTS at once for
   SATURATION_SECONDS, against one instance, then against a Flask hello-world app
   answering the same GET and POST under the same gunicorn settings and the same load
   generator. Target: at least HELLO_RATIO of its submissions a second.

Each row prints our figure, its baseline, the ratio, the target, PASS or FAIL, the data
size and the peak resident size (VmHWM) summed over the processes that served it.
"""

import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path

import redis

from bench import load_clients
from bench.bench_scoring import _psycopg_url, _reset_postgres
from bench.load_servers import Gunicorn, RqWorker, ServerCpu, hello_world

RUN_SECONDS = 15
OFFERED_RATE = 105.0
SUBMITTERS = 32
SUBMITTER_PROCESSES = 2
VIEWERS = 4
VIEW_INTERVAL_S = 0.25
BASELINE_VIEWS = 20
SATURATION_SECONDS = 10
SATURATION_CLIENTS = 16
INSTANCES = 2
#: Two instances share the 2 cores of the development machine with PostgreSQL, Redis
#: and the workers: 2 processes each. BENCH_WORKERS and BENCH_THREADS try others.
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
THREADS = int(os.environ.get("BENCH_THREADS", 4))
RQ_WORKERS = int(os.environ.get("BENCH_RQ_WORKERS", 1))
SUBMISSION_RATE_TARGET = 100.0
DASHBOARD_P95_TARGET_S = 0.150
HELLO_RATIO = 0.20
LOGIN_RATE_LIMIT = 20
#: The login-limit step's own loopback address: the dashboards' logins count apart.
LOGIN_SOURCE = "127.0.0.2"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PMO_EMAIL = "pmo@enterprise.example"
PMO_PASSWORD = "bench-password-" + secrets.token_hex(4)


def run() -> bool:
    url = _psycopg_url(os.environ.get("BENCH_DATABASE_URL", "").strip())
    if not url:
        print("-- skipped: set BENCH_DATABASE_URL to a PostgreSQL database it may wipe --")
        return True
    with tempfile.TemporaryDirectory() as directory:
        env = os.environ | {
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "TRANSFORM_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "false",
            "UPLOAD_FOLDER": directory,
            "LOGIN_RATE_LIMIT": f"{LOGIN_RATE_LIMIT} per minute",
        }
        _reset_postgres(url)
        redis.Redis.from_url(REDIS_URL).flushdb()
        started = time.perf_counter()
        setup = _in_app(env, _prepare)
        print(f"data: {setup['size']}; generated in {time.perf_counter() - started:.0f} s")
        print(
            f"layout: {INSTANCES} gunicorn instances x {WORKERS} workers x {THREADS} threads, "
            f"{RQ_WORKERS} RQ worker(s), one PostgreSQL, one Redis ({REDIS_URL}); "
            f"{os.cpu_count()} CPUs"
        )
        servers = []
        try:
            workers = [RqWorker(env) for _ in range(RQ_WORKERS)]
            servers += workers
            instances = [Gunicorn("wsgi:app", env, WORKERS, THREADS) for _ in range(INSTANCES)]
            servers += instances
            _warm_at_deploy(env)
            rows = _paced(instances, workers, setup, env)
            rows.append(_login_limit(instances, workers, setup))
            hello = hello_world(Path(directory), env, WORKERS, THREADS)
            servers.append(hello)
            rows.append(_saturation(instances[0], hello, setup))
        finally:
            for server in reversed(servers):
                server.stop()
        return _print_rows(rows)


def _warm_at_deploy(env: dict) -> None:
    """The last deployment step of the README's production layout, once the new servers
    are up and before traffic reaches them: `flask dashboards warm`. Its time per wave is
    a cold scoring's."""
    started = time.perf_counter()
    warmed = subprocess.run(
        [sys.executable, "-m", "flask", "dashboards", "warm"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env | {"FLASK_APP": "wsgi.py"},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = warmed.stdout.strip().splitlines()
    print(
        f"deployment: flask dashboards warm took {time.perf_counter() - started:.1f} s "
        f"(cold scorings, PostgreSQL idle: {'; '.join(lines[:-1])})"
    )


def _paced(instances, workers, setup: dict, env: dict) -> list[dict]:
    bases = [instance.base for instance in instances]
    sent_before = _in_app(env, _count_responses, setup["open_wave_id"])
    start_at = time.monotonic() + 1.0
    cpu = ServerCpu()
    submissions = round(OFFERED_RATE * RUN_SECONDS)
    login = {"email": PMO_EMAIL, "password": PMO_PASSWORD}
    with _pool(SUBMITTER_PROCESSES + 1) as pool:
        viewing = pool.submit(
            load_clients.view,
            bases,
            setup["dashboard_url"],
            login,
            start_at,
            RUN_SECONDS,
            VIEWERS,
            VIEW_INTERVAL_S,
        )
        submitting = [
            pool.submit(
                load_clients.submit_paced,
                bases,
                setup["links"],
                range(p, submissions, SUBMITTER_PROCESSES),
                OFFERED_RATE,
                start_at,
                SUBMITTERS // SUBMITTER_PROCESSES,
            )
            for p in range(SUBMITTER_PROCESSES)
        ]
        parts = [future.result() for future in submitting]
        views = viewing.result()
    used = cpu.used()
    stored = _in_app(env, _count_responses, setup["open_wave_id"]) - sent_before
    sent = sum(part.sent for part in parts)
    accepted = sum(part.accepted for part in parts)
    elapsed = max(part.last_answered for part in parts) - start_at
    rate = accepted / elapsed
    errors = [error for part in [*parts, views] for error in part.errors]
    latencies = [t for part in parts for t in part.latencies]
    generator = sum(part.cpu_s for part in [*parts, views])
    print(
        f"paced {OFFERED_RATE:.0f}/s over {RUN_SECONDS} s: {accepted:,} of {submissions:,} "
        f"respondents accepted in {elapsed:.1f} s = {rate:.1f}/s (latency p50 "
        f"{_ms(_median(latencies))}, p95 {_ms(_p95(latencies))}); dashboard "
        f"{len(views.latencies):,} views, p50 {_ms(_median(views.latencies))}, slowest "
        f"{_ms(max(views.latencies, default=0))}; {len(errors)} errors {sorted(set(errors))[:3]}"
    )
    print(
        f"  cores busy: app {used['app'] / elapsed:.2f}, RQ workers "
        f"{used['workers'] / elapsed:.2f}, PostgreSQL {used['postgres'] / elapsed:.2f}, "
        f"load generator {generator / elapsed:.2f} (of {os.cpu_count()})"
    )
    alone = _views_alone(bases[0], setup["dashboard_url"], login)
    rss = sum(server.peak_rss() for server in [*instances, *workers])
    p95 = _p95(views.latencies)
    size = setup["size"]
    return [
        _row(
            "dashboard p95 under load, servers cold (s)",
            p95,
            alone,
            f"<= {DASHBOARD_P95_TARGET_S:g} s",
            bool(views.latencies) and not views.errors and p95 <= DASHBOARD_P95_TARGET_S,
            size,
            rss,
        ),
        _row(
            f"submissions/s at {OFFERED_RATE:.0f}/s offered",
            rate,
            OFFERED_RATE,
            f">= {SUBMISSION_RATE_TARGET:.0f}/s, 0 errors",
            rate >= SUBMISSION_RATE_TARGET and not errors,
            size,
            rss,
        ),
        _row(
            "responses stored / survey posts sent",
            stored,
            sent,
            f"0 lost ({accepted:,} answered 303)",
            stored == sent == accepted,
            size,
            rss,
        ),
    ]


def _views_alone(base: str, url: str, login: dict) -> float:
    """The dashboard's median time opened alone, on the idle instance, its entry warm."""
    client = load_clients.Client(base)
    status, page = client.request("/auth/login")
    token = load_clients.CSRF.search(page).group(1)
    client.request("/auth/login", login | {"csrf_token": token})
    times = []
    for _ in range(BASELINE_VIEWS):
        started = time.monotonic()
        client.request(url)
        times.append(time.monotonic() - started)
    client.close()
    return statistics.median(times)


def _login_limit(instances, workers, setup: dict) -> dict:
    bases = [instance.base for instance in instances]
    answered = load_clients.failed_logins_until_refused(
        bases, LOGIN_SOURCE, LOGIN_RATE_LIMIT * (len(bases) + 1)
    )
    print(
        f"login limit: {answered} failed logins answered before the first 429, sent alternately "
        f"to {len(bases)} instances from {LOGIN_SOURCE}"
    )
    return _row(
        "failed logins before 429, both instances",
        answered,
        LOGIN_RATE_LIMIT,
        f"= {LOGIN_RATE_LIMIT} a minute",
        answered == LOGIN_RATE_LIMIT,
        setup["size"],
        sum(server.peak_rss() for server in [*instances, *workers]),
    )


def _saturation(instance, hello, setup: dict) -> dict:
    ours = _saturate(instance.base, setup["links"], first=0)
    baseline = _saturate(hello.base, setup["links"], first=0)
    ratio = ours / baseline
    print(
        f"saturation, {SATURATION_CLIENTS} respondents flat out for {SATURATION_SECONDS} s "
        f"against one instance: {ours:.1f}/s; hello-world {baseline:.1f}/s ({ratio:.1%})"
    )
    return _row(
        "submissions/s at saturation vs hello-world",
        ours,
        baseline,
        f">= {HELLO_RATIO:.0%} of hello-world",
        ratio >= HELLO_RATIO,
        setup["size"],
        instance.peak_rss(),
        baseline_rss=hello.peak_rss(),
    )


def _saturate(base: str, links: list[str], first: int) -> float:
    start_at = time.monotonic() + 1.0
    with _pool(SUBMITTER_PROCESSES) as pool:
        parts = [
            future.result()
            for future in [
                pool.submit(
                    load_clients.submit_closed,
                    base,
                    links,
                    first + p * 10**6,
                    start_at,
                    SATURATION_SECONDS,
                    SATURATION_CLIENTS // SUBMITTER_PROCESSES,
                )
                for p in range(SUBMITTER_PROCESSES)
            ]
        ]
    elapsed = max(part.last_answered for part in parts) - start_at
    return sum(part.accepted for part in parts) / elapsed


def _row(name, figure, baseline, target, passed, size, rss, baseline_rss=None) -> dict:
    return {
        "name": name,
        "figure": figure,
        "baseline": baseline,
        "ratio": figure / baseline if baseline else float("nan"),
        "target": target,
        "passed": passed,
        "size": size,
        "rss": rss,
        "baseline_rss": baseline_rss,
    }


def _print_rows(rows: list[dict]) -> bool:
    print(
        f"{'figure':<46} {'ours':>9} {'baseline':>9} {'ratio':>7}  {'target':<34} {'':4} "
        f"{'peak RSS':>9}"
    )
    for row in rows:
        rss = f"{row['rss'] / 1024**2:,.0f} MiB"
        if row["baseline_rss"] is not None:
            rss += f" (hello-world {row['baseline_rss'] / 1024**2:,.0f} MiB)"
        print(
            f"{row['name']:<46} {_figure(row['figure']):>9} {_figure(row['baseline']):>9} "
            f"{row['ratio']:>7.2f}  {row['target']:<34} {'PASS' if row['passed'] else 'FAIL'} "
            f"{rss:>9}"
        )
    print(f"data: {rows[0]['size']}")
    return all(row["passed"] for row in rows)


def _figure(value) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.3f}"


def _prepare() -> dict:
    """The enterprise programme, an open fourth wave with a team link per team, and its PMO."""
    from bench.generate import ENTERPRISE, Size, generate
    from transform import clock
    from transform.auth.service import create_user
    from transform.extensions import db
    from transform.models import Membership, Role, Wave, WaveStatus, WaveTeam
    from transform.wave_groups import freeze_groups
    from transform.waves.service import issue_team_link

    teams = int(os.environ.get("BENCH_LOAD_TEAMS", 0))
    # BENCH_LOAD_TEAMS=300 (at least 211) tries the benchmark out on a smaller programme.
    generated = generate(Size(teams, 20 * teams) if teams else ENTERPRISE)
    db.session.commit()
    closed = db.session.get_one(Wave, generated.wave_ids[-1])
    today = clock.today()
    wave = Wave(
        programme_id=generated.programme_id,
        instrument_id=closed.instrument_id,
        name="Pulse 4 (open)",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=13),
        status=WaveStatus.OPEN,
    )
    db.session.add(wave)
    db.session.flush()
    db.session.add_all(WaveTeam(wave_id=wave.id, team_id=team) for team in generated.parents)
    db.session.flush()
    freeze_groups(wave)
    links = [issue_team_link(wave_team) for wave_team in wave.teams]
    pmo = create_user(PMO_EMAIL, "Enterprise PMO", PMO_PASSWORD)
    db.session.add(Membership(programme_id=generated.programme_id, user=pmo, role=Role.ADMIN))
    db.session.commit()
    return {
        "links": links,
        "open_wave_id": wave.id,
        "dashboard_url": (
            f"/programmes/{generated.programme_id}/adoption/?wave={generated.wave_ids[-1]}"
        ),
        "size": (
            f"{len(generated.parents):,} teams, {len(generated.wave_ids)} closed waves, "
            f"{generated.responses:,} responses, {generated.answers:,} answers; the "
            f"dashboard of wave {len(generated.wave_ids)} "
            f"({generated.responses // len(generated.wave_ids):,} respondents)"
        ),
    }


def _count_responses(wave_id: int) -> int:
    from sqlalchemy import func, select

    from transform.extensions import db
    from transform.models import Response

    return db.session.scalar(select(func.count(Response.id)).where(Response.wave_id == wave_id))


def _in_app(env: dict, work, *args):
    """`work(*args)` in an app made from `env`, leaving this process's environment as it was."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from flask_migrate import upgrade

        from transform import create_app
        from transform.extensions import db

        app = create_app()
        with app.app_context():
            upgrade()
            result = work(*args)
            db.session.remove()
            db.engine.dispose()
        return result
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _pool(processes: int) -> ProcessPoolExecutor:
    """The clients run in processes of their own, a few threads each: in one process,
    their threads would queue for its lock, and the wait would count as the server's."""
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))


def _median(times: list[float]) -> float:
    return statistics.median(times) if times else float("nan")


def _p95(times: list[float]) -> float:
    if len(times) < 2:
        return times[0] if times else float("nan")
    return statistics.quantiles(times, n=20)[-1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
