"""Factory functions for test data; each adds to the session and flushes."""

from datetime import date, timedelta
from itertools import count

from sqlalchemy import select

from transform.auth.service import create_user
from transform.extensions import db
from transform.models import (
    AuditEvent,
    ImpactedTeam,
    ImpactLevel,
    ImpactScore,
    Instrument,
    Membership,
    MethodologyTemplate,
    Programme,
    Role,
    Team,
    TemplateActivity,
    TemplateGateCriterion,
    TemplatePhase,
    User,
    Wave,
    WaveStatus,
    WaveTeam,
)
from transform.programmes.service import ProgrammeDraft, create_programme_from_template

PASSWORD = "correct-horse-battery"
#: The day every test runs on (the demo's day) unless it moves the app's clock itself.
SUITE_DAY = date(2026, 11, 22)
_sequence = count(1)


def user(email: str | None = None, name: str = "Test Person", **kwargs) -> User:
    email = email or f"person{next(_sequence)}@example.com"
    return create_user(email, name, kwargs.pop("password", PASSWORD), **kwargs)


def template(phases: int = 2, name: str | None = None) -> MethodologyTemplate:
    record = MethodologyTemplate(name=name or f"Method {next(_sequence)}")
    for position in range(1, phases + 1):
        record.phases.append(
            TemplatePhase(
                position=position,
                name=f"Phase {position}",
                duration_weeks=4,
                activities=[
                    TemplateActivity(position=1, name=f"Activity {position}.1"),
                    TemplateActivity(
                        position=2, name=f"Deliverable {position}.2", is_deliverable=True
                    ),
                ],
                criteria=[TemplateGateCriterion(position=1, text="Deliverables signed off")],
            )
        )
    db.session.add(record)
    db.session.flush()
    return record


def programme(
    admin: User | None = None,
    members: dict[User, Role] | None = None,
    name: str = "Test programme",
    starts_on: date = date(2026, 1, 5),
    ends_on: date = date(2026, 12, 18),
) -> Programme:
    """A programme from a small template; `admin` is its creator, `members` join it too."""
    admin = admin or user(name="Programme Admin")
    record = create_programme_from_template(
        ProgrammeDraft(name=name, starts_on=starts_on, ends_on=ends_on), template(), admin
    )
    for member, role in (members or {}).items():
        db.session.add(Membership(programme=record, user=member, role=role))
    db.session.flush()
    return record


def logged_in(app, email: str = "pmo@example.com", password: str = PASSWORD):
    """A fresh test client (its own cookies) logged in as the user with this email."""
    client = app.test_client()
    client.post("/auth/login", data={"email": email, "password": password})
    return client


def demo_programme(name: str = "Back-office optimisation") -> Programme:
    """Load the demo on SUITE_DAY and return one of its programmes."""
    from transform.demo import load_demo

    load_demo(SUITE_DAY)
    return db.session.scalar(select(Programme).where(Programme.name == name))


def demo_world() -> dict:
    """Load the demo on SUITE_DAY: both programmes, their main waves and every team's id."""
    from transform.demo import load_demo

    load_demo(SUITE_DAY)
    programmes = {p.name: p for p in db.session.scalars(select(Programme))}
    programme, other = (
        programmes["Back-office optimisation"],
        programmes["Customer support outsourcing"],
    )
    waves = {(w.programme_id, w.name): w for w in db.session.scalars(select(Wave))}
    return {
        "programme": programme,
        "other": other,
        "pulse": waves[(programme.id, "Adoption pulse 3")],
        "readiness": waves[(programme.id, "Readiness baseline")],
        "other_pulse": waves[(other.id, "Adoption pulse 1")],
        "teams": {t.name: t.id for t in db.session.scalars(select(Team))},
    }


def audit_actions(entity: str) -> list[str]:
    """The audit trail's actions on one kind of record, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
        )
    )


def kpi_form(**overrides) -> dict:
    """The new-KPI form, filled in as a PMO would: a backlog to bring down from 1,200 to 400."""
    values = {
        "library": "",
        "name": "Backlog size",
        "unit": "items",
        "direction": "lower",
        "perspective": "internal_process",
        "team_id": "0",
        "owner_id": "0",
        "baseline_value": "1,200",
        "baseline_on": "2026-01-05",
        "target_value": "400",
        "target_on": "2026-12-18",
        "min_value": "0",
        "max_value": "",
        "at_risk_points": "",
        "off_track_points": "",
        "description": "Open items at month end.",
        "plan_shape": "front_loaded",
        "plan_every": "quarterly",
    }
    return values | overrides


def impacted(programme, team, level=None, scores=None, **values) -> ImpactedTeam:
    """The team marked as impacted by the programme, at `level` with aspect `scores`."""
    record = ImpactedTeam(
        programme_id=programme.id,
        team_id=team.id,
        impact_level=level or ImpactLevel.MEDIUM,
        scores=[ImpactScore(aspect=a, score=s) for a, s in (scores or {}).items()],
        **values,
    )
    db.session.add(record)
    db.session.flush()
    return record


def open_pulse(programme, teams, today: date, name: str = "Pulse") -> Wave:
    """An ADKAR pulse over `teams`, opened yesterday and closing in a week."""
    from transform.seeds import ADKAR_PULSE_NAME

    instrument = db.session.scalar(select(Instrument).where(Instrument.name == ADKAR_PULSE_NAME))
    wave = Wave(
        programme_id=programme.id,
        instrument_id=instrument.id,
        name=name,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=7),
        status=WaveStatus.OPEN,
        teams=[WaveTeam(team_id=team.id) for team in teams],
    )
    db.session.add(wave)
    db.session.flush()
    return wave


def team_id(name: str) -> int:
    """The id of the team of that name."""
    return db.session.scalar(select(Team.id).where(Team.name == name))
