"""Shared fuzzing set-up: the example budget, the demo world, a logged-in client, row counts.

FUZZ_EXAMPLES sets the examples per form: 100 by default, what `make test` runs on SQLite;
the PostgreSQL pass runs 40 (the Makefile sets it: there the database-specific failures,
NUL characters and integer overflow, show at once, and 200 would add ten minutes to CI);
SQLite's 100 keep CI, both databases side by side, well under 45 minutes;
`make bench` runs 1,000.
"""

import os
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import Phase as HypothesisPhase
from sqlalchemy import func, select

from tests.factories import SUITE_DAY
from transform.demo import DEMO_PASSWORD, load_demo
from transform.extensions import db as _db
from transform.models import (
    Activity,
    AgentAssignment,
    Checkpoint,
    FollowUp,
    Gate,
    GateCriterion,
    ImpactedTeam,
    Instrument,
    Item,
    Kpi,
    Membership,
    MethodologyTemplate,
    Phase,
    Programme,
    RaidItem,
    Team,
    TemplateActivity,
    TemplateGateCriterion,
    TemplatePhase,
    User,
    Wave,
)

DEMO_DAY = SUITE_DAY
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

settings.register_profile(
    "fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    # The same examples every run: CI stays reproducible; `make bench` widens the search.
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
    database=None,
    # No shrinking: a failure prints its example at once; reproducers are hand-made.
    phases=[HypothesisPhase.explicit, HypothesisPhase.generate],
)
FUZZ = settings.get_profile("fuzz")


@dataclass
class World:
    """Ids in the demo that the fuzzed URLs point at."""

    ids: dict[str, int]
    user_ids: list[int]
    team_ids: list[int]
    phase_ids: list[int]
    wave_ids: list[int]


def _first(statement) -> int:
    return _db.session.scalar(statement.limit(1))


@pytest.fixture
def world(db) -> World:
    """The demo, loaded once per test function (not per example)."""
    load_demo(DEMO_DAY)
    programme = _db.session.scalar(
        select(Programme).where(Programme.name == "Back-office optimisation")
    )
    pid = programme.id
    pmo = _db.session.scalar(select(User).where(User.email == "pmo@example.com"))
    phase = _first(select(Phase.id).where(Phase.programme_id == pid).order_by(Phase.id))
    kpi = _first(select(Kpi.id).where(Kpi.programme_id == pid).order_by(Kpi.id))
    template = _first(
        select(TemplatePhase.template_id).join(TemplateActivity).order_by(TemplatePhase.id)
    )
    t_phase = _first(
        select(TemplatePhase.id)
        .where(TemplatePhase.template_id == template)
        .order_by(TemplatePhase.id)
    )
    instrument = _first(select(Item.instrument_id).order_by(Item.id))
    ids = {
        "programme": pid,
        "other_user": _first(select(User.id).where(User.id != pmo.id).order_by(User.id)),
        "membership": _first(
            select(Membership.id)
            .where(Membership.programme_id == pid, Membership.user_id != pmo.id)
            .order_by(Membership.id)
        ),
        "team": _first(
            select(ImpactedTeam.team_id)
            .where(ImpactedTeam.programme_id == pid)
            .order_by(ImpactedTeam.id)
        ),
        "impacted": _first(
            select(ImpactedTeam.id)
            .where(ImpactedTeam.programme_id == pid)
            .order_by(ImpactedTeam.id)
        ),
        "follow_up": _first(select(FollowUp.id).order_by(FollowUp.id)),
        "instrument": instrument,
        "item": _first(select(Item.id).where(Item.instrument_id == instrument).order_by(Item.id)),
        "template": template,
        "t_phase": t_phase,
        "t_activity": _first(
            select(TemplateActivity.id)
            .join(TemplatePhase)
            .where(TemplatePhase.template_id == template)
        ),
        "t_criterion": _first(
            select(TemplateGateCriterion.id)
            .join(TemplatePhase)
            .where(TemplatePhase.template_id == template)
        )
        or 0,
        "assignment": _first(select(AgentAssignment.id).order_by(AgentAssignment.id)),
        "kpi": kpi,
        "checkpoint": _first(
            select(Checkpoint.id).where(Checkpoint.kpi_id == kpi).order_by(Checkpoint.id)
        ),
        "phase": phase,
        "activity": _first(select(Activity.id).where(Activity.phase_id == phase)),
        "gate_criterion": _first(select(GateCriterion.id).join(Gate).where(Gate.phase_id == phase))
        or 0,
        "raid": _first(select(RaidItem.id).where(RaidItem.programme_id == pid)),
        "wave": _first(select(Wave.id).where(Wave.programme_id == pid).order_by(Wave.id.desc())),
        "methodology_any": _first(select(MethodologyTemplate.id)),
        "instrument_any": _first(select(Instrument.id)),
    }
    return World(
        ids=ids,
        user_ids=list(_db.session.scalars(select(User.id))),
        team_ids=list(_db.session.scalars(select(Team.id))),
        phase_ids=list(_db.session.scalars(select(Phase.id).where(Phase.programme_id == pid))),
        wave_ids=list(_db.session.scalars(select(Wave.id).where(Wave.programme_id == pid))),
    )


def login(client, email: str = "pmo@example.com"):
    response = client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    return client


@pytest.fixture
def pmo(client, world):
    """One client, logged in as the demo PMO, reused by every example of a test."""
    return login(client)


def row_counts() -> dict[str, int]:
    """Rows per table, in one query."""
    tables = _db.metadata.sorted_tables
    columns = [
        select(func.count()).select_from(table).scalar_subquery().label(table.name)
        for table in tables
    ]
    row = _db.session.execute(select(*columns)).one()
    return dict(zip([t.name for t in tables], row, strict=True))


def assert_refusal_wrote_nothing(response, before: dict[str, int], may_change=()) -> None:
    """No 500; a 4xx leaves every table's row count as it was."""
    assert response.status_code < 500, response.status_code
    if 400 <= response.status_code < 500:
        after = row_counts()
        changed = {
            name: (before[name], after[name])
            for name in before
            if before[name] != after[name] and name not in may_change
        }
        assert not changed, f"{response.status_code} but rows changed: {changed}"
