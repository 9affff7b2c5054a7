"""Load the two demo programmes into an empty database, and say what was loaded."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from transform.demo.backoffice import build_backoffice
from transform.demo.benefits import add_benefits
from transform.demo.outsourcing import build_outsourcing
from transform.demo.users import create_people
from transform.extensions import db
from transform.models import (
    AgentAssignment,
    Answer,
    Checkpoint,
    FeedbackEntry,
    FollowUp,
    ImpactedTeam,
    Instrument,
    Kpi,
    MethodologyTemplate,
    Programme,
    RaidItem,
    Response,
    SurveyLink,
    Team,
    TrainingRecord,
    User,
    Wave,
)
from transform.seeds import (
    ADKAR_PULSE_NAME,
    BACKOFFICE_TEMPLATE_NAME,
    OUTSOURCING_TEMPLATE_NAME,
    READINESS_SURVEY_NAME,
    ensure_builtins,
)


@dataclass(frozen=True)
class DemoSummary:
    today: date
    programme_names: tuple[str, ...]
    users: int
    teams: int
    impacted_teams: int
    agent_assignments: int
    training_records: int
    raid_items: int
    waves: int
    responses: int
    answers: int
    survey_links: int
    feedback_entries: int
    follow_ups: int
    kpis: int
    checkpoints: int
    #: (programme name, wave name, responses) per wave, oldest wave first.
    responses_by_wave: tuple[tuple[str, str, int], ...]


def database_is_empty() -> bool:
    """True when there are no programmes and no users (built-in content may exist)."""
    has_programme = db.session.scalar(select(Programme.id).limit(1)) is not None
    has_user = db.session.scalar(select(User.id).limit(1)) is not None
    return not has_programme and not has_user


def load_demo(today: date) -> DemoSummary:
    """Add the demo users and programmes, dated around today; flush, never commit."""
    ensure_builtins()
    templates = _by_name(MethodologyTemplate)
    instruments = _by_name(Instrument)
    people = create_people()
    backoffice = build_backoffice(
        people,
        templates[BACKOFFICE_TEMPLATE_NAME],
        instruments[ADKAR_PULSE_NAME],
        instruments[READINESS_SURVEY_NAME],
        today,
    )
    outsourcing = build_outsourcing(
        people, templates[OUTSOURCING_TEMPLATE_NAME], instruments[ADKAR_PULSE_NAME], today
    )
    add_benefits(backoffice, outsourcing, people, today)
    db.session.flush()
    return _summarise(today)


def _by_name(model) -> dict:
    return {row.name: row for row in db.session.scalars(select(model))}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _summarise(today: date) -> DemoSummary:
    per_wave = db.session.execute(
        select(Programme.name, Wave.name, func.count(Response.id))
        .join(Wave, Wave.programme_id == Programme.id)
        .outerjoin(Response, Response.wave_id == Wave.id)
        .group_by(Programme.id, Programme.name, Wave.id, Wave.name, Wave.opens_on)
        .order_by(Programme.id, Wave.opens_on)
    ).all()
    return DemoSummary(
        today=today,
        programme_names=tuple(db.session.scalars(select(Programme.name).order_by(Programme.id))),
        users=_count(User),
        teams=_count(Team),
        impacted_teams=_count(ImpactedTeam),
        agent_assignments=_count(AgentAssignment),
        training_records=_count(TrainingRecord),
        raid_items=_count(RaidItem),
        waves=_count(Wave),
        responses=_count(Response),
        answers=_count(Answer),
        survey_links=_count(SurveyLink),
        feedback_entries=_count(FeedbackEntry),
        follow_ups=_count(FollowUp),
        kpis=_count(Kpi),
        checkpoints=_count(Checkpoint),
        responses_by_wave=tuple((programme, wave, count) for programme, wave, count in per_wave),
    )
