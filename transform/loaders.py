"""Database to the scoring core's inputs (pandas frames, plain records), in a few queries
and no per-team loops."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import chain

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, or_, select

from transform.extensions import db
from transform.models import (
    Answer,
    ImpactedTeam,
    ImpactScore,
    Item,
    Programme,
    ProgrammeStatus,
    Response,
    Team,
    Wave,
)
from transform.scoring import change_load as core
from transform.scoring.impact import impact_degree
from transform.wave_groups import wave_parents

ANSWER_COLUMNS = ("response_id", "team_id", "item_id", "value")
#: What the answers query reads a "don't know" (NULL) as: answers run from 1.
DONT_KNOW = 0


@dataclass(frozen=True)
class WaveFrames:
    """A wave's raw answers with what scoring them needs, as the core's functions take them."""

    #: One row per answer: response_id, team_id, item_id, value (float; NaN = don't know).
    answers: pd.DataFrame
    #: One row per item of the wave's instrument, in order: item_id, code, position,
    #: dimension, scale_points, is_reverse.
    items: pd.DataFrame
    #: Every group's parent (None for a root): the wave's tree frozen when it opened, which
    #: roll-ups and the anonymity walk follow.
    parents: dict[int, int | None]


def wave_frames(wave_id: int, as_of: date | None = None) -> WaveFrames:
    """Load a wave's answers, its instrument's items and the team tree: three queries.

    With `as_of`, only the responses submitted on or before that day count, so a figure
    taken as of a date stays what it was on that date whatever arrives later.
    """
    return WaveFrames(_answers(wave_id, as_of), _items(wave_id), wave_parents(wave_id))


def _answers(wave_id: int, as_of: date | None) -> pd.DataFrame:
    """One query; the rows come off the driver's cursor straight into one integer array.

    Skipping SQLAlchemy's Row objects (and pandas.read_sql, which builds them too) makes
    this about three times faster on the benchmark's 400,000 answers: see bench/. A
    "don't know" (NULL) comes back as DONT_KNOW, so that every cell is an integer and
    numpy.fromiter can read the rows flat, without numpy.array's walk of nested tuples
    (about two thirds of the loader's time); it becomes NaN in the frame.
    """
    conditions = [Response.wave_id == wave_id]
    if as_of is not None:
        conditions.append(Response.submitted_on <= as_of)
    result = db.session.connection().execute(
        select(
            Answer.response_id,
            Response.team_id,
            Answer.item_id,
            func.coalesce(Answer.value, DONT_KNOW),
        )
        .join(Response, Response.id == Answer.response_id)
        .where(*conditions)
    )
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    width = len(ANSWER_COLUMNS)
    table = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=width * len(rows))
    table = table.reshape(len(rows), width)
    value = table[:, 3].astype("float64")
    value[table[:, 3] == DONT_KNOW] = np.nan
    return pd.DataFrame(
        {
            "response_id": table[:, 0],
            "team_id": table[:, 1],
            "item_id": table[:, 2],
            "value": value,
        }
    )


def _items(wave_id: int) -> pd.DataFrame:
    instrument = select(Wave.instrument_id).where(Wave.id == wave_id).scalar_subquery()
    rows = db.session.execute(
        select(
            Item.id, Item.code, Item.position, Item.dimension, Item.scale_points, Item.is_reverse
        )
        .where(Item.instrument_id == instrument)
        .order_by(Item.position)
    ).all()
    columns = ["item_id", "code", "position", "dimension", "scale_points", "is_reverse"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    return frame.astype(
        {"item_id": "int64", "position": "int64", "scale_points": "int64", "is_reverse": "bool"}
    )


def changes_in_window(first: date, last: date, team_id: int | None) -> list[core.Change]:
    """The changes of programmes not archived that may hit teams within the months.

    The database narrows by the window (and to one team if given); the core decides
    exactly which months each change hits and leaves out teams it was not asked about.
    """
    earliest_go_live = core.add_months(first, -core.MONTHS_AFTER_GO_LIVE)
    go_live_before = core.add_months(last, core.MONTHS_BEFORE_GO_LIVE + 1)
    in_window = or_(
        and_(
            ImpactedTeam.go_live_on.is_not(None),
            ImpactedTeam.go_live_on >= earliest_go_live,
            ImpactedTeam.go_live_on < go_live_before,
        ),
        and_(
            ImpactedTeam.go_live_on.is_(None),
            Programme.starts_on < core.add_months(last, 1),
            Programme.ends_on >= first,
        ),
    )
    conditions = [Programme.status != ProgrammeStatus.ARCHIVED, in_window]
    if team_id is not None:
        conditions.append(ImpactedTeam.team_id == team_id)
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for impacted_id, aspect, score in db.session.execute(
        select(ImpactScore.impacted_team_id, ImpactScore.aspect, ImpactScore.score)
        .join(ImpactedTeam, ImpactedTeam.id == ImpactScore.impacted_team_id)
        .join(Programme, Programme.id == ImpactedTeam.programme_id)
        .where(*conditions)
    ):
        scores[impacted_id][aspect.value] = score
    rows = db.session.execute(
        select(
            ImpactedTeam.id,
            ImpactedTeam.team_id,
            ImpactedTeam.programme_id,
            ImpactedTeam.go_live_on,
            ImpactedTeam.impact_level,
            Programme.starts_on,
            Programme.ends_on,
        )
        .join(Programme, Programme.id == ImpactedTeam.programme_id)
        .where(*conditions)
    )
    return [
        core.Change(
            team_id=team_id,
            programme_id=programme_id,
            go_live_on=go_live_on,
            starts_on=starts_on,
            ends_on=ends_on,
            degree=impact_degree(scores.get(impacted_id, {})),
            level=level.value,
        )
        for impacted_id, team_id, programme_id, go_live_on, level, starts_on, ends_on in rows
    ]


def month_load_percent(today: date) -> dict[int, float]:
    """The change load of today's month in % of each team's capacity; absent = none."""
    month = core.month_start(today)
    capacities = dict(db.session.execute(select(Team.id, Team.change_capacity)).all())
    grid = core.change_load(changes_in_window(month, month, None), capacities, month, 1)
    return {row.team_id: 100 * row.cells[0].points / row.cells[0].capacity for row in grid.rows}
