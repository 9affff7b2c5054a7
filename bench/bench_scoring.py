"""Scoring an enterprise-scale wave: the core alone, and from the database.

Builds the programme of bench/generate.py (2,000 teams, 3 waves of 40,000 respondents,
1.2 million answers) in a fresh SQLite database in a temporary directory, and also in
PostgreSQL when BENCH_DATABASE_URL is set. THAT DATABASE IS WIPED: its public schema is
dropped and rebuilt by the migrations.

Figures, for the last wave:

- core: every team's indices from frames already in memory: dimension scores, barrier
  points, adoption per team rolled up over the tree, anonymity suppression. <= 0.5 s.
- database + core: `loaders.wave_frames` then the same core. <= 2 s.
- peak memory of database + core, traced by tracemalloc (numpy and pandas report to
  it): <= 1 GiB. The process's peak resident size is printed beside it.

Times are the median of REPEATS runs after one warm-up run.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from flask import render_template
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from bench.generate import ENTERPRISE, Size, generate
from transform import TestConfig, create_app
from transform.indices.service import wave_dashboard
from transform.extensions import db
from transform.loaders import WaveFrames, wave_frames
from transform.models import Answer, Programme, Response, Wave
from transform.scoring import adkar, anonymity, items, rollup

CORE_TARGET_S = 0.5
DATABASE_TARGET_S = 2.0
DASHBOARD_TARGET_S = 1.0
MEMORY_TARGET_BYTES = 1024**3
REPEATS = 3
THRESHOLD = 5


def run(size: Size = ENTERPRISE) -> bool:
    """Run the benchmark on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set."""
    passed = True
    with tempfile.TemporaryDirectory() as directory:
        passed &= _run_on("SQLite", f"sqlite:///{directory}/bench.db", size)
    url = _psycopg_url(os.environ.get("BENCH_DATABASE_URL", "").strip())
    if url:
        _reset_postgres(url)
        passed &= _run_on("PostgreSQL", url, size)
    else:
        print("-- PostgreSQL: skipped; set BENCH_DATABASE_URL to a database it may wipe --")
    return passed


@dataclass(frozen=True)
class WaveIndices:
    #: Per respondent: team_id and a score per dimension.
    scores: pd.DataFrame
    #: Per respondent: the ADKAR barrier element, None when adopted.
    barriers: pd.Series
    #: Per team, over its subtree: adoption index and rate, barriers, element means.
    adoption: pd.DataFrame
    #: Which team figures may be shown.
    disclosure: anonymity.Disclosure


def score_wave(frames: WaveFrames, threshold: int = THRESHOLD) -> WaveIndices:
    """Every team's indices for one wave, as a dashboard needs them."""
    points = items.dimension_scale_points(frames.items).to_dict()
    scores = items.dimension_scores(frames.answers, frames.items)
    barriers = adkar.barrier_points(scores, points)
    adoption = rollup.rollup_adoption(scores, frames.parents, points)
    counts = scores.groupby("team_id").size().to_dict()
    shown = anonymity.disclosure(counts, frames.parents, threshold)
    return WaveIndices(scores, barriers, adoption, shown)


def _run_on(label: str, url: str, size: Size) -> bool:
    print(f"-- {label} --")
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        generated = generate(size)
        db.session.commit()
        took = time.perf_counter() - started
        print(f"generated in {took:.1f} s: {_describe(generated)}")
        for number, wave_id in enumerate(generated.wave_ids, start=1):
            _print_wave(number, wave_id, score_wave(wave_frames(wave_id)))
        wave_id = generated.wave_ids[-1]
        frames = wave_frames(wave_id)
        print(
            f"timed: wave {len(generated.wave_ids)}, {len(frames.parents):,} teams, "
            f"{frames.answers['response_id'].nunique():,} respondents, "
            f"{len(frames.answers):,} answers"
        )
        core = _median_time(lambda: score_wave(frames))
        full = _median_time(lambda: score_wave(wave_frames(wave_id)))
        load = _median_time(lambda: wave_frames(wave_id))
        read_sql = _median_time(lambda: _answers_by_read_sql(wave_id))
        peak = _traced_peak(lambda: score_wave(wave_frames(wave_id)))
        dashboard = _median_time(lambda: _render_dashboard(app, generated.programme_id, wave_id))
        db.session.remove()
        db.engine.dispose()
    passed = [
        _report("core, one wave, every team", core, CORE_TARGET_S, "s"),
        _report("database + core, one wave", full, DATABASE_TARGET_S, "s"),
        _report("peak memory, database + core", peak, MEMORY_TARGET_BYTES, "bytes"),
        _report(
            "adoption dashboard, loaded, scored and rendered", dashboard, DASHBOARD_TARGET_S, "s"
        ),
    ]
    print(
        f"  of which loading the frames: {load:.3f} s "
        f"(the answers by pandas.read_sql instead: {read_sql:.3f} s)"
    )
    print(f"  process peak resident size so far: {_mib(_max_rss())}")
    return all(passed)


def _render_dashboard(app, programme_id: int, wave_id: int) -> str:
    """The adoption dashboard's HTML for one wave, as the page view builds it when its
    cache holds nothing (adoption/dashboard_cache.py)."""
    programme = db.session.get(Programme, programme_id)
    wave = db.session.get(Wave, wave_id)
    with app.test_request_context():
        data = wave_dashboard(programme, wave, None, wave.closes_on)
        return render_template(
            "adoption/_dashboard.html",
            programme=programme,
            waves=[wave],
            wave=wave,
            dashboard=data,
            computed_at=datetime.now(UTC).replace(tzinfo=None),
            elements=[e.capitalize() for e in adkar.ADKAR],
            team_id=None,
        )


def _config(url: str) -> type[TestConfig]:
    class BenchConfig(TestConfig):
        @classmethod
        def load(cls, instance_path):
            settings = TestConfig.load(instance_path)
            settings["SQLALCHEMY_DATABASE_URI"] = url
            return settings

    return BenchConfig


def _psycopg_url(url: str) -> str:
    """postgres:// and postgresql:// URLs with the psycopg 3 driver the project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _median_time(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _traced_peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _report(name: str, figure: float, target: float, unit: str) -> bool:
    passed = figure <= target
    if unit == "s":
        shown, limit = f"{figure:.3f} s", f"{target:g} s"
    else:
        shown, limit = _mib(figure), _mib(target)
    print(f"  {name}: {shown} (target <= {limit}) {'PASS' if passed else 'FAIL'}")
    return passed


def _mib(size: float) -> str:
    return f"{size / 1024**2:,.0f} MiB"


def _describe(generated) -> str:
    return (
        f"{len(generated.parents):,} teams, {len(generated.wave_ids)} waves, "
        f"{generated.responses:,} respondents, {generated.answers:,} answers"
    )


def _print_wave(number: int, wave_id: int, indices: WaveIndices) -> None:
    """The whole tree's adoption at a wave (the generator makes it grow), and suppression."""
    adoption = indices.adoption
    root = adoption["n"].idxmax()
    rate, index = adoption.loc[root, "adoption_rate"], adoption.loc[root, "adoption_index"]
    print(
        f"  wave {number} (id {wave_id}): adoption rate {rate.value:.1f}% "
        f"[{rate.ci_low:.1f}, {rate.ci_high:.1f}], index {index.value:.1f}, "
        f"n {rate.n:,}; {len(indices.disclosure.suppressed):,} of {len(adoption):,} "
        "team figures below the anonymity threshold"
    )


def _answers_by_read_sql(wave_id: int) -> pd.DataFrame:
    """The loader's answers query through pandas.read_sql, to compare with the loader."""
    query = (
        select(Answer.response_id, Response.team_id, Answer.item_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id == wave_id)
    )
    return pd.read_sql(query, db.session.connection())


def _max_rss() -> int:
    """The process's peak resident size in bytes (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
