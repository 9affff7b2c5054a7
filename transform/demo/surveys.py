"""Survey waves for the demo: targeted teams, simulated responses and single-use links."""

import base64
import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert

from transform.demo.dates import at
from transform.demo.responses import TeamSample, add_responses, respondent_count
from transform.extensions import db
from transform.models import (
    Instrument,
    Programme,
    Response,
    SurveyLink,
    Team,
    Wave,
    WaveStatus,
    WaveTeam,
)
from transform.wave_groups import freeze_groups


@dataclass(frozen=True)
class WavePlan:
    name: str
    instrument: Instrument
    opens_on: date
    closes_on: date


def run_wave(
    programme: Programme,
    plan: WavePlan,
    targets: list[tuple[Team, Mapping[str, float]]],
    comments: Mapping[str, tuple[str, ...]],
    today: date,
    rng: random.Random,
) -> tuple[Wave, list[Response]]:
    """Create the wave for the target teams and the responses it has had by today.

    Each target comes with its latent level per dimension. An open wave also gets a
    single-use link per person in each team, used as often as the team responded.
    """
    wave = Wave(
        programme_id=programme.id,
        instrument=plan.instrument,
        name=plan.name,
        opens_on=plan.opens_on,
        closes_on=plan.closes_on,
        # Set here, not left to the column default, so open() and close() work before a flush.
        status=WaveStatus.DRAFT,
        created_at=at(plan.opens_on - timedelta(days=7)),
    )
    wave.teams = [WaveTeam(team=team) for team, _ in targets]
    if plan.opens_on <= today:
        wave.open()
    if plan.closes_on < today:
        wave.close()
    db.session.add(wave)
    db.session.flush()
    if wave.status == WaveStatus.DRAFT:
        return wave, []
    freeze_groups(wave)
    wave.groups_frozen_at = at(plan.opens_on)
    samples = [TeamSample(team, levels, respondent_count(team, rng)) for team, levels in targets]
    last_day = min(plan.closes_on, today)
    responses = add_responses(wave, samples, plan.opens_on, last_day, comments, rng)
    if wave.status == WaveStatus.OPEN:
        for sample in samples:
            add_single_use_links(wave, sample.team, sample.respondents, rng)
    return wave, responses


def add_single_use_links(wave: Wave, team: Team, used: int, rng: random.Random) -> int:
    """Add one link per person in the team, `used` of them already used; return the count."""
    count = max(team.headcount, used)
    used_positions = set(rng.sample(range(count), used))
    rows = [
        {
            "wave_id": wave.id,
            "team_id": team.id,
            "token_hash": _token_hash(rng),
            "is_used": position in used_positions,
        }
        for position in range(count)
    ]
    db.session.execute(insert(SurveyLink), rows)
    return count


def _token_hash(rng: random.Random) -> str:
    """Hash a fresh token the way a link is stored; the token itself is thrown away."""
    token = base64.urlsafe_b64encode(rng.randbytes(24)).decode("ascii")
    return hashlib.sha256(token.encode("ascii")).hexdigest()
