"""Shared set-up for survey tests: a programme, a team, a wave of the ADKAR pulse."""

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform.extensions import db
from transform.models import ImpactedTeam, Instrument, Role, Team, Wave, WaveStatus, WaveTeam
from transform.seeds import ADKAR_PULSE_NAME, ensure_builtins

TODAY = SUITE_DAY


def survey_world(status: WaveStatus = WaveStatus.OPEN) -> dict:
    ensure_builtins()
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    sponsor = factories.user("sponsor@example.com", name="Sol Sponsor")
    agent = factories.user("agent@example.com", name="Ari Agent")
    programme = factories.programme(
        admin=pmo,
        members={sponsor: Role.SPONSOR, agent: Role.CHANGE_AGENT},
        starts_on=TODAY - timedelta(days=100),
        ends_on=TODAY + timedelta(days=100),
    )
    billing = Team(name="Billing", headcount=8, external_id="B-1")
    records = Team(name="Records", headcount=3, external_id="R-1")
    db.session.add_all([billing, records])
    db.session.flush()
    for team in (billing, records):
        db.session.add(ImpactedTeam(programme_id=programme.id, team_id=team.id))
    instrument = db.session.scalar(select(Instrument).where(Instrument.name == ADKAR_PULSE_NAME))
    wave = Wave(
        programme_id=programme.id,
        instrument_id=instrument.id,
        name="Pulse 1",
        opens_on=TODAY - timedelta(days=3),
        closes_on=TODAY + timedelta(days=10),
        status=status,
        teams=[WaveTeam(team_id=billing.id), WaveTeam(team_id=records.id)],
    )
    db.session.add(wave)
    db.session.flush()
    return {
        "programme": programme,
        "wave": wave,
        "billing": billing,
        "records": records,
        "instrument": instrument,
        "pmo": pmo,
    }


def full_answers(instrument: Instrument, value: int = 4) -> dict[str, str]:
    return {f"item-{item.code}": str(value) for item in instrument.items}
