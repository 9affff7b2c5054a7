"""PDF reports: the sponsor progress report, cold and cached, for the demo and at scale.

Figures:

- demo: the demo's "Back-office optimisation" as of 22 Nov 2026, in a fresh SQLite
  database. Cold is the first request in the process (building the content, the HTML,
  the PDF, WeasyPrint's import included): <= 3 s. Cached is a repeated request served
  from the stored draft by its data stamp: <= 100 ms (median of REPEATS).
- enterprise: the programme of bench/generate.py (2,000 teams, 3 waves of 40,000
  respondents), as of two weeks after its last wave, rendered in a fresh Python process
  so that its memory is the render's alone: <= 15 s and a peak resident size <= 1.5 GiB.
  Also on PostgreSQL when BENCH_DATABASE_URL is set (THAT DATABASE IS WIPED).
"""

import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

from flask_migrate import upgrade

from bench.bench_scoring import _config, _psycopg_url, _reset_postgres
from bench.generate import ENTERPRISE, STARTS_ON, WAVE_DAYS, WAVE_OFFSETS, Size, generate
from transform import create_app
from transform.extensions import db
from transform.models import Programme, ReportKind

DEMO_TODAY = date(2026, 11, 22)
COLD_TARGET_S = 3.0
CACHED_TARGET_S = 0.1
ENTERPRISE_TARGET_S = 15.0
MEMORY_TARGET_BYTES = int(1.5 * 1024**3)
REPEATS = 5


def run(size: Size = ENTERPRISE) -> bool:
    """Run the demo figures, then the enterprise ones on SQLite (and PostgreSQL if set)."""
    passed = True
    with tempfile.TemporaryDirectory() as directory:
        passed &= _demo(f"sqlite:///{directory}/demo.db")
        passed &= _enterprise("SQLite", f"sqlite:///{directory}/enterprise.db", size)
    url = _psycopg_url(os.environ.get("BENCH_DATABASE_URL", "").strip())
    if url:
        _reset_postgres(url)
        passed &= _enterprise("PostgreSQL", url, size)
    else:
        print("-- PostgreSQL: skipped; set BENCH_DATABASE_URL to a database it may wipe --")
    return passed


def _demo(url: str) -> bool:
    from transform.demo import load_demo
    from transform.reports import store

    print("-- demo, SQLite --")
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        load_demo(DEMO_TODAY)
        db.session.commit()
        programme = db.session.query(Programme).filter_by(name="Back-office optimisation").one()
        started = time.perf_counter()
        report = store.report_pdf(ReportKind.SPONSOR_PROGRESS, programme, DEMO_TODAY)
        db.session.commit()
        cold = time.perf_counter() - started
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            again = store.report_pdf(ReportKind.SPONSOR_PROGRESS, programme, DEMO_TODAY)
            times.append(time.perf_counter() - started)
        cached = statistics.median(times)
        assert again.id == report.id
        print(
            f"sponsor progress report of {programme.name!r}: {report.page_count} pages, "
            f"{len(report.pdf) / 1024:.0f} KiB"
        )
        db.session.remove()
        db.engine.dispose()
    return all(
        [
            _print("cold (first request in the process)", cold, COLD_TARGET_S),
            _print("cached (same data)", cached, CACHED_TARGET_S),
        ]
    )


def _enterprise(label: str, url: str, size: Size) -> bool:
    print(f"-- enterprise, {label} --")
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        generated = generate(size)
        db.session.commit()
        print(
            f"generated in {time.perf_counter() - started:.1f} s: {len(generated.parents):,} "
            f"teams, {len(generated.wave_ids)} waves, {generated.responses:,} responses, "
            f"{generated.answers:,} answers"
        )
        db.session.remove()
        db.engine.dispose()
    as_of = STARTS_ON + timedelta(days=WAVE_OFFSETS[size.waves - 1] + WAVE_DAYS + 14)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        seconds, pages, kib = pool.apply(_render_once, (url, generated.programme_id, as_of))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(f"sponsor progress report as of {as_of}: {pages} pages, {kib:.0f} KiB")
    return all(
        [
            _print("cold render in a fresh process", seconds, ENTERPRISE_TARGET_S),
            _print_memory("peak resident size of that process", peak, MEMORY_TARGET_BYTES),
        ]
    )


def _render_once(url: str, programme_id: int, as_of: date) -> tuple[float, int, float]:
    """In a child process: one cold sponsor report; seconds, pages and KiB."""
    from transform.reports import registry, render, store

    phases = {}
    registry.build = _timed(registry.build, "building the content", phases)
    store.report_html = _timed(store.report_html, "rendering the HTML", phases)
    render.render_pdf = _timed(render.render_pdf, "laying out the PDF", phases)
    app = create_app(_config(url))
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        started = time.perf_counter()
        report = store.report_pdf(ReportKind.SPONSOR_PROGRESS, programme, as_of)
        db.session.commit()
        seconds = time.perf_counter() - started
        result = (seconds, report.page_count, len(report.pdf) / 1024)
        print("  " + ", ".join(f"{name} {took:.2f} s" for name, took in phases.items()))
        db.session.remove()
        db.engine.dispose()
    return result


def _timed(function, name: str, phases: dict):
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = time.perf_counter() - started

    return timed


def _print(name: str, seconds: float, target: float) -> bool:
    passed = seconds <= target
    print(f"  {name}: {seconds:.3f} s (target <= {target:g} s) {'PASS' if passed else 'FAIL'}")
    return passed


def _print_memory(name: str, size: int, target: int) -> bool:
    passed = size <= target
    shown, limit = f"{size / 1024**2:.0f} MiB", f"{target / 1024**2:.0f} MiB"
    print(f"  {name}: {shown} (target <= {limit}) {'PASS' if passed else 'FAIL'}")
    return passed


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
