"""The benchmark's generator and the wave loader, at a tiny size inside the test database."""

from collections import Counter

import pytest
from sqlalchemy import func, select, update

from bench.bench_scoring import score_wave
from bench.generate import SHAPES, Size, generate, memory_wave
from transform.loaders import wave_frames
from transform.models import Answer, ImpactedTeam, Response, Team, Wave, WaveTeam

TINY = Size(teams=15, respondents_per_wave=50, branching=(2, 2))


@pytest.fixture
def generated(db):
    return generate(TINY)


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _depths(parents: dict[int, int | None]) -> dict[int, int]:
    def depth(team):
        return 0 if parents[team] is None else 1 + depth(parents[team])

    return {team: depth(team) for team in parents}


def test_the_tree_has_four_levels(db, generated):
    assert len(generated.parents) == 15
    assert Counter(_depths(generated.parents).values()) == {0: 1, 1: 2, 2: 4, 3: 8}
    headcounts = db.session.scalars(
        select(Team.headcount).where(Team.id.in_(list(generated.parents)))
    ).all()
    assert len(headcounts) == 15
    assert all(5 <= headcount <= 60 for headcount in headcounts)


def test_every_team_is_impacted_and_surveyed(db, generated):
    assert _count(db, ImpactedTeam, ImpactedTeam.programme_id == generated.programme_id) == 15
    assert _count(db, Wave, Wave.programme_id == generated.programme_id) == 3
    assert _count(db, WaveTeam, WaveTeam.wave_id.in_(generated.wave_ids)) == 45


def test_each_wave_has_its_respondents_and_ten_answers_each(db, generated):
    for wave_id in generated.wave_ids:
        assert _count(db, Response, Response.wave_id == wave_id) == 50
        answers = (
            select(func.count())
            .select_from(Answer)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.wave_id == wave_id)
        )
        assert db.session.scalar(answers) == 500
    assert (generated.responses, generated.answers) == (150, 1500)


def test_the_loader_returns_the_wave_as_frames(db, generated):
    frames = wave_frames(generated.wave_ids[0])
    assert list(frames.answers.columns) == ["response_id", "team_id", "item_id", "value"]
    assert frames.answers.shape == (500, 4)
    assert frames.answers["response_id"].nunique() == 50
    assert set(frames.answers["team_id"]) <= set(generated.parents)
    values = frames.answers["value"]
    assert values.dropna().between(1, 5).all()
    assert 0 < values.isna().sum() < 0.2 * len(values)
    assert frames.items.shape == (10, 6)
    assert list(frames.items["position"]) == list(range(1, 11))
    assert frames.items["dimension"].value_counts().to_dict() == dict.fromkeys(
        ["awareness", "desire", "knowledge", "ability", "reinforcement"], 2
    )
    assert frames.items["is_reverse"].any()
    for team, parent in generated.parents.items():
        assert frames.parents[team] == parent


def test_a_dont_know_loads_as_missing(db, generated):
    frames = wave_frames(generated.wave_ids[0])
    first = frames.answers.dropna().iloc[0]
    db.session.execute(
        update(Answer)
        .where(Answer.response_id == int(first["response_id"]))
        .where(Answer.item_id == int(first["item_id"]))
        .values(value=None)
    )
    reloaded = wave_frames(generated.wave_ids[0]).answers
    assert reloaded["value"].isna().sum() == frames.answers["value"].isna().sum() + 1
    assert reloaded["response_id"].dtype == "int64"


def test_a_wave_without_answers_loads_empty_frames(db, generated):
    frames = wave_frames(max(generated.wave_ids) + 1000)
    assert frames.answers.shape == (0, 4)
    assert frames.items.empty


def test_adoption_grows_across_the_waves_and_the_benchmark_core_runs(db, generated):
    root = next(team for team, parent in generated.parents.items() if parent is None)
    indices = [score_wave(wave_frames(wave_id)) for wave_id in generated.wave_ids]
    assert all(len(wave.adoption) == 15 for wave in indices)
    assert all(len(wave.barriers) == 50 for wave in indices)
    progress = [wave.adoption.loc[root, "adoption_index"].value for wave in indices]
    assert progress == sorted(progress)
    assert progress[0] < progress[-1]


@pytest.mark.parametrize("shape", SHAPES)
def test_an_in_memory_wave_has_its_shape_and_dont_knows(shape):
    frames = memory_wave(200, shape, per_team=20)
    assert len(frames.parents) == 200
    assert sum(parent is None for parent in frames.parents.values()) == 1
    depths = _depths(frames.parents)
    assert max(depths.values()) == (3 if shape == "four-level" else 7)
    answers = frames.answers
    assert len(answers) == 10 * answers["response_id"].nunique()
    assert 3_000 < answers["response_id"].nunique() < 5_000
    assert 0.03 < answers["value"].isna().mean() < 0.07
    assert answers["value"].dropna().between(1, 5).all()
    assert set(answers["team_id"]) <= set(frames.parents)
    assert frames.items["is_reverse"].sum() == 3


def test_in_memory_waves_are_scored_like_loaded_ones():
    indices = score_wave(memory_wave(120, "binary", per_team=20))
    assert indices.adoption.loc[1, "n"] == len(indices.scores)
    assert set(indices.disclosure.pooled) == set(range(1, 121))
