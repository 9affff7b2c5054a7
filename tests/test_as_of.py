"""As of a date, a figure counts only what existed by then, whatever arrives later.

The attack on trust: publish a report, let responses, KPI actuals, RAID edits, gate
decisions and feedback arrive, then render the same report for the same date. It must
read the same, figure for figure.
"""

import difflib
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform import clock
from transform.extensions import db
from transform.indices.history import team_history
from transform.indices.service import adkar_waves, wave_dashboard
from transform.kpis.queries import adoption_series
from transform.models import (
    Checkpoint,
    FeedbackEntry,
    Gate,
    GateDecisionKind,
    GateStatus,
    Kpi,
    Programme,
    RaidItem,
    RaidStatus,
    ReportKind,
    Response,
    User,
    Wave,
)
from transform.phases import service as phases
from transform.raid import service as raid
from transform.reports import registry
from transform.reports.store import report_html

LATER = SUITE_DAY + timedelta(days=9)
BILLING_OPERATIONS = "Billing Operations"


@pytest.fixture
def demo(db):
    return factories.demo_programme()


def _late_responses(wave: Wave, team_id: int, count: int, value: int) -> None:
    """Responses submitted after SUITE_DAY, every answer the same."""
    from transform.models import Answer

    for _ in range(count):
        response = Response(wave_id=wave.id, team_id=team_id, submitted_on=LATER)
        response.answers = [Answer(item_id=item.id, value=value) for item in wave.instrument.items]
        db.session.add(response)
    db.session.flush()


def _everything_happens_later(demo: Programme) -> None:
    """After SUITE_DAY: responses, actuals, RAID edits, a gate decision, feedback."""
    clock.set_to(LATER)
    latest = adkar_waves(demo)[0]
    _late_responses(latest, factories.team_id(BILLING_OPERATIONS), 12, 1)
    for kpi in db.session.scalars(select(Kpi).where(Kpi.programme_id == demo.id)):
        db.session.add(
            Checkpoint(kpi_id=kpi.id, on_date=LATER, planned_value=None, actual_value=0.0)
        )
    for item in db.session.scalars(select(RaidItem).where(RaidItem.programme_id == demo.id)):
        draft = raid.RaidDraft(
            item.kind,
            item.title + " (revised)",
            item.description,
            item.phase_id,
            item.owner_id,
            5,
            5,
            RaidStatus.CLOSED if item.status != RaidStatus.CLOSED else RaidStatus.OPEN,
            item.due_on,
        )
        raid.update_item(item, draft)
    pmo = db.session.scalar(select(User).where(User.email == "pmo@example.com"))
    sponsor = db.session.scalar(select(User).where(User.email == "sponsor@example.com"))
    for gate in db.session.scalars(
        select(Gate).join(Gate.phase).where(Gate.phase.has(programme_id=demo.id))
    ):
        if gate.status == GateStatus.SUBMITTED:
            phases.decide_gate(gate, GateDecisionKind.APPROVED, sponsor, "Later decision", demo.id)
        elif gate.status in (GateStatus.OPEN, GateStatus.DEFERRED, GateStatus.REJECTED):
            phases.submit_gate(gate, pmo, demo.id)
    entry = db.session.scalars(
        select(FeedbackEntry).where(FeedbackEntry.programme_id == demo.id)
    ).first()
    db.session.add(
        FeedbackEntry(
            programme_id=demo.id,
            team_id=entry.team_id,
            agent_id=entry.agent_id,
            observed_on=LATER,
            observed_stage=entry.observed_stage,
            sentiment=-2,
            resistance=entry.resistance,
            barrier=entry.barrier,
            text="Observed after the report.",
        )
    )
    db.session.flush()


def _html(kind: ReportKind, programme: Programme, **key) -> str:
    content = registry.build(kind, programme, SUITE_DAY, **key)
    return report_html(content, programme, SUITE_DAY)


def _report_keys(programme: Programme) -> list[tuple[ReportKind, dict]]:
    wave = adkar_waves(programme)[0]
    return [
        (ReportKind.SPONSOR_PROGRESS, {}),
        (ReportKind.OPERATIONAL_ASSESSMENT, {}),
        (ReportKind.TEAM_ADOPTION, {"team_id": factories.team_id(BILLING_OPERATIONS)}),
        (ReportKind.SURVEY_WAVE, {"wave_id": wave.id}),
    ]


def test_a_report_rerendered_for_its_date_reads_the_same_after_later_data(demo):
    keys = _report_keys(demo)
    before = {kind: _html(kind, demo, **key) for kind, key in keys}
    _everything_happens_later(demo)
    for kind, key in keys:
        after = _html(kind, demo, **key)
        diff = "\n".join(
            difflib.unified_diff(before[kind].splitlines(), after.splitlines(), lineterm="", n=0)
        )
        assert after == before[kind], f"{kind.value} changed:\n{diff[:3000]}"


def test_a_dashboard_as_of_a_day_leaves_out_responses_submitted_later(demo):
    wave = adkar_waves(demo)[0]
    team = factories.team_id(BILLING_OPERATIONS)
    before = {r.team_id: r for r in wave_dashboard(demo, wave, None, SUITE_DAY).rows}
    _late_responses(wave, team, 12, 1)
    as_of = {r.team_id: r for r in wave_dashboard(demo, wave, None, SUITE_DAY).rows}
    later = {r.team_id: r for r in wave_dashboard(demo, wave, None, LATER).rows}
    assert as_of[team] == before[team]
    assert later[team].n == before[team].n + 12
    assert later[team].adoption_index.value < before[team].adoption_index.value


def test_team_history_and_kpi_adoption_link_count_only_what_existed(demo):
    wave = adkar_waves(demo)[0]
    team = factories.team_id(BILLING_OPERATIONS)
    history = team_history(demo, team, SUITE_DAY)
    series = adoption_series(demo, team, SUITE_DAY)
    whole = adoption_series(demo, None, SUITE_DAY)
    _late_responses(wave, team, 12, 1)
    assert team_history(demo, team, SUITE_DAY) == history
    assert adoption_series(demo, team, SUITE_DAY) == series
    assert adoption_series(demo, None, SUITE_DAY) == whole
    assert adoption_series(demo, team, LATER) != series
