"""PDF reports: the sponsor progress report, cold and cached, for the demo and at scale.

Figures:

- demo: the demo's "Back-office optimisation" as of 22 Nov 2026, in a fresh SQLite
  database. Cold is the first request in the process (building the content, the HTML,
  the PDF, WeasyPrint's import included): <= 3 s. Cached is a repeated request served
  from the stored draft by its data stamp: <= 100 ms (median of REPEATS).
- enterprise: the programme of bench/generate.py (2,000 teams, 3 waves of 40,000
  respondents), as of two weeks after its last wave, rendered in a fresh Python process
  so that its memory is the render's alone: <= 15 s and a peak resident size <= 1.5 GiB
  (that process's own ru_maxrss).
- WeasyPrint alone: the same process then lays out the report's very HTML with bare
  WeasyPrint (`HTML(string=...).write_pdf()`, with the report fetcher so that our static
  files load), warm, median of WEASYPRINT_REPEATS. The report, cold, over WeasyPrint
  alone: <= WEASYPRINT_RATIO.
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
WEASYPRINT_REPEATS = 3
WEASYPRINT_RATIO = 1.5


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
        seconds, pages, kib, bare, peak = pool.apply(
            _render_once, (url, generated.programme_id, as_of)
        )
    print(f"sponsor progress report as of {as_of}: {pages} pages, {kib:.0f} KiB")
    ratio = seconds / bare
    print(
        f"  WeasyPrint alone on the same HTML: {bare:.3f} s; the report, cold, is "
        f"{ratio:.1f}x that (target <= {WEASYPRINT_RATIO:g}x) "
        f"{'PASS' if ratio <= WEASYPRINT_RATIO else 'FAIL'}"
    )
    return all(
        [
            _print("cold render in a fresh process", seconds, ENTERPRISE_TARGET_S),
            _print_memory("peak resident size of that process", peak, MEMORY_TARGET_BYTES),
            ratio <= WEASYPRINT_RATIO,
        ]
    )


def _render_once(url: str, programme_id: int, as_of: date):
    """In a child process: one cold sponsor report, then WeasyPrint alone on its HTML;
    seconds, pages, KiB, WeasyPrint's seconds and the process's peak resident size."""
    from transform.reports import registry, render, store

    phases = {}
    htmls: list[str] = []
    registry.build = _timed(registry.build, "building the content", phases)
    store.report_html = _timed(_kept(store.report_html, htmls), "rendering the HTML", phases)
    render.render_pdf = _timed(render.render_pdf, "laying out the PDF", phases)
    app = create_app(_config(url))
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        started = time.perf_counter()
        report = store.report_pdf(ReportKind.SPONSOR_PROGRESS, programme, as_of)
        db.session.commit()
        seconds = time.perf_counter() - started
        pages, kib = report.page_count, len(report.pdf) / 1024
        print("  " + ", ".join(f"{name} {took:.2f} s" for name, took in phases.items()))
        db.session.remove()
        db.engine.dispose()
    bare = _weasyprint_alone(htmls[-1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return seconds, pages, kib, bare, peak


def _weasyprint_alone(html: str) -> float:
    """Median seconds of bare WeasyPrint laying out `html`, warm."""
    from weasyprint import HTML

    from transform.reports.fetcher import BASE_URL, StaticOnlyFetcher

    def layout() -> bytes:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()

    layout()
    times = []
    for _ in range(WEASYPRINT_REPEATS):
        started = time.perf_counter()
        layout()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _kept(function, results: list):
    def keeping(*args, **kwargs):
        result = function(*args, **kwargs)
        results.append(result)
        return result

    return keeping


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
