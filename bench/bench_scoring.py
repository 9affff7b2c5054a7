"""Scoring a wave, each figure beside a bare baseline timed in the same run.

Part 1, the core alone, on waves built in memory by bench.generate.memory_wave: 500,
2,000 and 8,000 teams, about 20 respondents a team (Poisson), 10 items each, 5% of the
answers "don't know", in two tree shapes (the four-level tree of the database programme,
and a balanced binary tree whose respondents count for up to 13 ancestors each).

- core: `score_wave`, every team's indices as a dashboard needs them: dimension scores
  under the half rule, barrier points, adoption over each team's subtree with its
  intervals, anonymity suppression.
- bare: `answers.groupby(["team_id", "item_id"])["value"].mean()` of the same frame,
  the least any scoring of these answers costs in pandas.
- target: core <= CORE_RATIO x bare.

Part 2, from the database: the programme of bench/generate.py with one wave of about 20
respondents a team, in a fresh SQLite database in a temporary directory (and in
PostgreSQL when BENCH_DATABASE_URL is set: THAT DATABASE IS WIPED, its public schema
dropped and rebuilt by the migrations).

- database + core: `loaders.wave_frames` then `score_wave`.
- bare: `pandas.read_sql` of the same answers query, then the same group-by mean.
- target: database + core <= DATABASE_RATIO x bare.
- the adoption dashboard's HTML, loaded, scored and rendered: <= 1 s.

Times are the median of REPEATS runs after one warm-up run. Ours and its baseline are
timed in pairs, one right after the other, and the ratio is the median of the pairs'
ratios, so that load from elsewhere on a shared machine weighs on both alike. Peak RSS
is the process's peak resident size so far (getrusage's ru_maxrss): it only grows, so
each row shows the largest the process has been up to then; its target is <= 1 GiB.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from flask import render_template
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from bench.generate import SHAPES, Size, generate, memory_wave
from transform import TestConfig, clock, create_app
from transform.extensions import db
from transform.indices.latest import latest_with_results
from transform.indices.service import wave_dashboard
from transform.loaders import WaveFrames, wave_frames
from transform.models import Answer, InstrumentKind, Programme, Response, Wave
from transform.scoring import adkar, anonymity, items, rollup

#: Teams of the waves timed; ~20 respondents a team.
TEAMS = (500, 2_000, 8_000)
#: Teams of the database runs (each one wave, generated into the database first).
DATABASE_TEAMS = (500, 2_000)
PER_TEAM = 20
CORE_RATIO = 5.0
DATABASE_RATIO = 2.0
DASHBOARD_TARGET_S = 1.0
MEMORY_TARGET_BYTES = 1024**3
REPEATS = 7
THRESHOLD = 5


def run(teams: tuple[int, ...] = TEAMS, database_teams: tuple[int, ...] = DATABASE_TEAMS) -> bool:
    """Part 1 in memory; part 2 on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set."""
    passed = _core_table(teams)
    url = _psycopg_url(os.environ.get("BENCH_DATABASE_URL", "").strip())
    for size in database_teams:
        with tempfile.TemporaryDirectory() as directory:
            passed &= _run_on("SQLite", f"sqlite:///{directory}/bench.db", size)
        if url:
            _reset_postgres(url)
            passed &= _run_on("PostgreSQL", url, size)
    if not url:
        print("-- PostgreSQL: skipped; set BENCH_DATABASE_URL to a database it may wipe --")
    return passed


def bare_means(answers: pd.DataFrame) -> pd.Series:
    """The baseline: each team's mean answer to each item, "don't know" left out."""
    return answers.groupby(["team_id", "item_id"])["value"].mean()


def _core_table(teams: tuple[int, ...]) -> bool:
    print(
        f"-- core vs bare pandas group-by mean, in memory (target core <= {CORE_RATIO:g}x bare, "
        f"peak RSS <= {_mib(MEMORY_TARGET_BYTES)}) --"
    )
    print(
        f"{'teams':>6} {'shape':<10} {'respondents':>11} {'answers':>9} {'dont know':>9} "
        f"{'core s':>7} {'bare s':>7} {'ratio':>6}  {'':4} {'peak RSS':>9}"
    )
    passed = True
    for count in teams:
        for shape in SHAPES:
            frames = memory_wave(count, shape, PER_TEAM)
            answers = frames.answers
            core, bare, ratio = _paired_times(
                lambda frames=frames: score_wave(frames),
                lambda answers=answers: bare_means(answers),
            )
            rss = _max_rss()
            ok = ratio <= CORE_RATIO and rss <= MEMORY_TARGET_BYTES
            passed &= ok
            print(
                f"{count:>6,} {shape:<10} {answers['response_id'].nunique():>11,} "
                f"{len(answers):>9,} {answers['value'].isna().mean():>9.1%} "
                f"{core:>7.3f} {bare:>7.3f} {ratio:>5.1f}x  {'PASS' if ok else 'FAIL'} "
                f"{_mib(rss):>9}"
            )
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


def _run_on(label: str, url: str, teams: int) -> bool:
    size = Size(teams=teams, respondents_per_wave=PER_TEAM * teams, waves=1)
    print(f"-- database + core vs read_sql + group-by mean, {label}, {teams:,} teams --")
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        generated = generate(size)
        db.session.commit()
        took = time.perf_counter() - started
        print(f"  generated in {took:.1f} s: {_describe(generated)}")
        wave_id = generated.wave_ids[-1]
        _print_wave(1, wave_id, score_wave(wave_frames(wave_id)))
        full, bare, ratio = _paired_times(
            lambda: score_wave(wave_frames(wave_id)),
            lambda: bare_means(_answers_by_read_sql(wave_id)),
        )
        load = _median_time(lambda: wave_frames(wave_id))
        read_sql = _median_time(lambda: _answers_by_read_sql(wave_id))
        dashboard = _median_time(lambda: _render_dashboard(app, generated.programme_id, wave_id))
        db.session.remove()
        db.engine.dispose()
    passed = ratio <= DATABASE_RATIO
    print(
        f"  database + core {full:.3f} s (loading {load:.3f} s) vs read_sql + group-by "
        f"{bare:.3f} s (read_sql {read_sql:.3f} s): {ratio:.1f}x "
        f"(target <= {DATABASE_RATIO:g}x) {'PASS' if passed else 'FAIL'}"
    )
    passed &= _report(
        "adoption dashboard, loaded, scored and rendered", dashboard, DASHBOARD_TARGET_S
    )
    rss = _max_rss()
    print(f"  peak RSS so far: {_mib(rss)} (target <= {_mib(MEMORY_TARGET_BYTES)})")
    return passed and rss <= MEMORY_TARGET_BYTES


def _render_dashboard(app, programme_id: int, wave_id: int) -> str:
    """The adoption dashboard's HTML for one wave, as the page view builds it when its
    cache holds nothing (adoption/dashboard_cache.py)."""
    programme = db.session.get(Programme, programme_id)
    wave = db.session.get(Wave, wave_id)
    with app.test_request_context():
        choice = latest_with_results(programme, InstrumentKind.ADKAR, wave.closes_on)
        data = wave_dashboard(programme, wave, None, wave.closes_on)
        return render_template(
            "adoption/_dashboard.html",
            programme=programme,
            waves=[wave],
            wave=wave,
            dashboard=data,
            computed_at=clock.utcnow(),
            elements=[e.capitalize() for e in adkar.ADKAR],
            team_id=None,
            choice=choice,
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


def _paired_times(
    ours: Callable[[], object], bare: Callable[[], object]
) -> tuple[float, float, float]:
    """Median seconds of each, and the median of their ratios, timed in pairs: each run of
    ours right beside a run of the baseline, so a change in the machine's load between
    them (these machines are shared) moves both figures of a pair alike."""
    ours(), bare()
    pairs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        ours()
        middle = time.perf_counter()
        bare()
        pairs.append((middle - started, time.perf_counter() - middle))
    ours_s = statistics.median(pair[0] for pair in pairs)
    bare_s = statistics.median(pair[1] for pair in pairs)
    return ours_s, bare_s, statistics.median(pair[0] / pair[1] for pair in pairs)


def _median_time(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _report(name: str, figure: float, target: float) -> bool:
    passed = figure <= target
    print(f"  {name}: {figure:.3f} s (target <= {target:g} s) {'PASS' if passed else 'FAIL'}")
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
    # `python -m bench.bench_scoring 500 2000` times only those sizes (both parts).
    chosen = tuple(int(arg) for arg in sys.argv[1:])
    sys.exit(0 if run(*(2 * (chosen,) if chosen else ())) else 1)
