"""Simulated survey responses: answers drawn around a team's latent level per dimension."""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert

from transform.demo.dates import random_day
from transform.extensions import db
from transform.models import Answer, Item, Response, ResponseSource, Team, Wave

#: How far one respondent sits from their team's level, across all dimensions.
PERSON_SD = 0.45
#: How far one respondent sits on one dimension beyond their overall offset.
PERSON_DIMENSION_SD = 0.4
#: Item-to-item noise within a dimension.
ITEM_SD = 0.5
DONT_KNOW_RATE = 0.06
COMMENT_RATE = 0.15
#: A respondent's comment is about the first dimension they score at or below this.
COMMENT_BARRIER_LEVEL = 3.0


@dataclass(frozen=True)
class TeamSample:
    team: Team
    #: Latent level per item dimension on the 1..5 answer scale.
    levels: Mapping[str, float]
    respondents: int


def add_responses(
    wave: Wave,
    samples: list[TeamSample],
    first_day: date,
    last_day: date,
    comments: Mapping[str, tuple[str, ...]],
    rng: random.Random,
) -> list[Response]:
    """Add simulated responses with their answers to the wave, in bulk."""
    items = list(wave.instrument.items)
    drawn = []
    for sample in samples:
        for _ in range(sample.respondents):
            dimension_levels = _respondent_levels(sample.levels, rng)
            response = Response(
                wave_id=wave.id,
                team_id=sample.team.id,
                submitted_on=random_day(rng, first_day, last_day),
                source=ResponseSource.LINK,
                comment=_comment(items, dimension_levels, comments, rng),
            )
            drawn.append((response, _answers(items, dimension_levels, rng)))
    drawn.sort(key=lambda pair: pair[0].submitted_on)
    db.session.add_all(response for response, _ in drawn)
    db.session.flush()
    rows = [
        {"response_id": response.id, "item_id": item.id, "value": value}
        for response, values in drawn
        for item, value in zip(items, values, strict=True)
    ]
    if rows:
        db.session.execute(insert(Answer), rows)
    return [response for response, _ in drawn]


def respondent_count(team: Team, rng: random.Random) -> int:
    """Between half and 85% of the team's headcount, at least one."""
    return max(1, round(team.headcount * rng.uniform(0.5, 0.85)))


def _respondent_levels(levels: Mapping[str, float], rng: random.Random) -> dict[str, float]:
    person = rng.gauss(0, PERSON_SD)
    return {
        dimension: level + person + rng.gauss(0, PERSON_DIMENSION_SD)
        for dimension, level in levels.items()
    }


def _answers(items: list[Item], levels: Mapping[str, float], rng: random.Random) -> list:
    """Raw answers as the respondent gives them: reverse-coded items come out inverted."""
    values: list[int | None] = []
    for item in items:
        if item.allows_dont_know and rng.random() < DONT_KNOW_RATE:
            values.append(None)
            continue
        agreement = math.floor(levels[item.dimension] + rng.gauss(0, ITEM_SD) + 0.5)
        agreement = min(item.scale_points, max(1, agreement))
        values.append(item.scale_points + 1 - agreement if item.is_reverse else agreement)
    return values


def _comment(
    items: list[Item],
    levels: Mapping[str, float],
    comments: Mapping[str, tuple[str, ...]],
    rng: random.Random,
) -> str | None:
    if rng.random() >= COMMENT_RATE:
        return None
    dimensions = list(dict.fromkeys(item.dimension for item in items))
    weakest = next((d for d in dimensions if levels[d] <= COMMENT_BARRIER_LEVEL), "positive")
    return rng.choice(comments[weakest])
