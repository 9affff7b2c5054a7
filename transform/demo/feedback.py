"""Change agents' dated notes on their teams, consistent with the teams' adoption curves."""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from transform.demo.adoption import (
    ELEMENTS,
    AdoptionCurve,
    TeamProfile,
    adkar_levels,
    observed_stage,
)
from transform.demo.dates import at, months_between
from transform.extensions import db
from transform.models import (
    Adkar,
    BarrierCategory,
    FeedbackEntry,
    FollowUp,
    FollowUpStatus,
    Programme,
    Resistance,
    Team,
    User,
)

FOLLOW_UP_RATE = 0.4
#: Agents sometimes read a team one stage differently from what the survey later shows.
MISREAD_RATE = 0.15
#: Barriers that the agent escalates to the PMO instead of following up personally.
ESCALATED = (BarrierCategory.MANAGER_NOT_SUPPORTIVE, BarrierCategory.TOOL_ISSUES)


@dataclass(frozen=True)
class NoteBook:
    """What agents on one programme tend to see and write, by stage and barrier."""

    barriers_by_stage: Mapping[Adkar, tuple[BarrierCategory, ...]]
    notes: Mapping[BarrierCategory, tuple[str, ...]]
    actions: Mapping[BarrierCategory, tuple[str, ...]]


@dataclass(frozen=True)
class Coverage:
    agent: User
    team: Team
    profile: TeamProfile


def add_feedback(
    programme: Programme,
    curve: AdoptionCurve,
    coverage: list[Coverage],
    notebook: NoteBook,
    escalate_to: User,
    first_day: date,
    today: date,
    rng: random.Random,
) -> list[FeedbackEntry]:
    """Add each agent's notes on each of their teams, every few weeks from first_day."""
    entries = []
    for covered in coverage:
        unused = {barrier: list(notes) for barrier, notes in notebook.notes.items()}
        small_team = covered.team.headcount < 10
        day = first_day + timedelta(days=rng.randint(0, 20))
        while day < today:
            months = months_between(programme.starts_on, day)
            levels = adkar_levels(curve, covered.profile, months)
            entry = _entry(programme, covered, day, levels, notebook, unused, rng)
            if entry.barrier != BarrierCategory.NONE and rng.random() < FOLLOW_UP_RATE:
                owner = escalate_to if entry.barrier in ESCALATED else covered.agent
                entry.follow_ups = [_follow_up(covered.team, entry, owner, notebook, today, rng)]
            entries.append(entry)
            day += timedelta(days=rng.randint(35, 56) if small_team else rng.randint(21, 40))
    entries.sort(key=lambda entry: entry.observed_on)
    db.session.add_all(entries)
    db.session.flush()
    return entries


def _entry(
    programme: Programme,
    covered: Coverage,
    day: date,
    levels: dict[str, float],
    notebook: NoteBook,
    unused: dict[BarrierCategory, list[str]],
    rng: random.Random,
) -> FeedbackEntry:
    stage = observed_stage(levels)
    if covered.profile.stuck_at is None and rng.random() < MISREAD_RATE:
        index = ELEMENTS.index(stage) + rng.choice((-1, 1))
        stage = ELEMENTS[min(len(ELEMENTS) - 1, max(0, index))]
    mean_level = sum(levels.values()) / len(levels)
    sentiment = min(2, max(-2, round((mean_level - 3.0) * 1.6 + rng.gauss(0, 0.6))))
    barrier = rng.choice(notebook.barriers_by_stage[stage])
    if sentiment >= 1 and rng.random() < 0.5:
        barrier = BarrierCategory.NONE
    pool = unused[barrier] or list(notebook.notes[barrier])
    text = pool.pop(rng.randrange(len(pool)))
    return FeedbackEntry(
        programme_id=programme.id,
        team=covered.team,
        agent=covered.agent,
        observed_on=day,
        observed_stage=stage,
        sentiment=sentiment,
        resistance=_resistance(levels[Adkar.DESIRE.value] + rng.gauss(0, 0.3)),
        barrier=barrier,
        text=text.format(team=covered.team.name),
        created_at=at(day, rng.randint(9, 18), rng.randint(0, 59)),
    )


def _resistance(desire: float) -> Resistance:
    if desire < 2.8:
        return Resistance.HIGH
    if desire < 3.3:
        return Resistance.MEDIUM
    if desire < 3.9:
        return Resistance.LOW
    return Resistance.NONE


def _follow_up(
    team: Team,
    entry: FeedbackEntry,
    owner: User,
    notebook: NoteBook,
    today: date,
    rng: random.Random,
) -> FollowUp:
    due_on = entry.observed_on + timedelta(days=rng.randint(7, 21))
    status = FollowUpStatus.OPEN
    if due_on < today:
        draw = rng.random()
        if draw < 0.65:
            status = FollowUpStatus.DONE
        elif draw > 0.9:
            status = FollowUpStatus.CANCELLED
    return FollowUp(
        action=rng.choice(notebook.actions[entry.barrier]).format(team=team.name),
        owner=owner,
        due_on=due_on,
        status=status,
    )
