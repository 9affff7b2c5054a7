"""Build programme 1: Hartley & Finch's back-office optimisation, eight months in."""

import random
from datetime import date, timedelta

from transform.demo import backoffice_data as data
from transform.demo.adoption import adkar_levels, readiness_levels
from transform.demo.dates import add_months, at, demo_rng, months_between, weeks_after
from transform.demo.feedback import Coverage, add_feedback
from transform.demo.feedback_notes import BACKOFFICE_NOTES
from transform.demo.kpis import KpiPlan, add_kpis
from transform.demo.org import assign_agents, create_teams, impact_teams, record_training
from transform.demo.phases import (
    approve_gate,
    assign_activity_owners,
    complete_phase,
    replan,
    start_phase,
)
from transform.demo.raid import add_raid_items
from transform.demo.survey_comments import BACKOFFICE_COMMENTS
from transform.demo.surveys import WavePlan, run_wave
from transform.demo.users import add_members
from transform.models import Instrument, MethodologyTemplate, Programme, Role, Team, User
from transform.programmes.service import ProgrammeDraft, create_programme_from_template

APPROVAL_REASON = (
    "The Operational Assessment Report is accepted by the steering committee and the KPI "
    "baseline is agreed. Payroll is below the survey response minimum only because it has "
    "four people; its views were gathered in interviews instead."
)
#: Days before the demo day each adoption pulse opened; each stays open two weeks.
PULSE_OPENED_DAYS_AGO = (130, 69, 8)
SURVEY_OPEN_DAYS = 14


def build_backoffice(
    people: dict[str, User],
    template: MethodologyTemplate,
    adkar: Instrument,
    readiness: Instrument,
    today: date,
) -> Programme:
    """Create programme 1 with its phases, teams, surveys, KPIs, RAID log and feedback."""
    starts_on = add_months(today, -8)
    programme = create_programme_from_template(
        ProgrammeDraft(
            name=data.NAME,
            starts_on=starts_on,
            ends_on=add_months(today, 6),
            description=data.DESCRIPTION,
            organisation=data.ORGANISATION,
        ),
        template,
        creator=people["pmo"],
    )
    programme.created_at = at(starts_on - timedelta(days=14))
    _add_members(programme, people)
    approved_on = _shape_phases(programme, people, today, demo_rng("backoffice:phases"))
    teams = create_teams(data.TEAMS)
    for name, capacity in data.CAPACITIES.items():
        teams[name].change_capacity = capacity
    impact_teams(programme, teams, data.IMPACTS, today, demo_rng("backoffice:impact"))
    agent_teams = tuple(
        (people[key], names, weeks_after(starts_on, 8)) for key, names in data.AGENT_TEAMS.items()
    )
    assign_agents(programme, teams, agent_teams)
    training_days = tuple(today - timedelta(days=days) for days in (70, 42, 14))
    record_training(programme, teams, data.TRAINING, training_days)
    add_raid_items(programme, data.RAID, people, today)
    _run_surveys(programme, teams, adkar, readiness, today)
    add_kpis(
        programme,
        _kpi_plans(people),
        today,
        demo_rng("backoffice:kpis"),
        locked_at=at(approved_on, 11, 15),
    )
    coverage = [
        Coverage(people[key], teams[name], data.PROFILES[name])
        for key, names in data.AGENT_TEAMS.items()
        for name in names
    ]
    add_feedback(
        programme,
        data.CURVE,
        coverage,
        BACKOFFICE_NOTES,
        escalate_to=people["pmo"],
        first_day=today - timedelta(days=182),
        today=today,
        rng=demo_rng("backoffice:feedback"),
    )
    return programme


def _add_members(programme: Programme, people: dict[str, User]) -> None:
    add_members(
        programme,
        {
            people["analyst"]: Role.ADMIN,
            people["agent"]: Role.CHANGE_AGENT,
            people["agent_litigation"]: Role.CHANGE_AGENT,
            people["agent_finance"]: Role.CHANGE_AGENT,
            people["sponsor"]: Role.SPONSOR,
        },
    )


def _shape_phases(
    programme: Programme, people: dict[str, User], today: date, rng: random.Random
) -> date:
    """Assessment done and approved a week late, redesign under way; return the approval day."""
    pmo, analyst, agent = people["pmo"], people["analyst"], people["agent"]
    starts_on = programme.starts_on
    starts = [starts_on] + [weeks_after(starts_on, weeks) for weeks in (13, 37, 54)]
    replan(programme, starts, owners=[pmo, analyst, analyst, pmo])
    assessment, redesign, technology, training = programme.phases
    assign_activity_owners(assessment, [pmo, analyst])
    assign_activity_owners(redesign, [analyst, pmo, agent])
    assign_activity_owners(technology, [analyst, pmo])
    assign_activity_owners(training, [pmo, agent, people["agent_litigation"]])
    assessment_end = weeks_after(starts_on, 14)
    complete_phase(assessment, starts_on, assessment_end, rng)
    approve_gate(
        assessment,
        pmo,
        people["sponsor"],
        submitted_on=assessment_end - timedelta(days=3),
        decided_on=assessment_end,
        reason=APPROVAL_REASON,
    )
    # Communications, the first pulse, workflow redesign and the toolkit are done; the
    # automation decisions and the operating model design are late.
    start_phase(redesign, assessment_end + timedelta(days=1), [1, 2, 3, 8], today, rng)
    return assessment_end


def _run_surveys(
    programme: Programme,
    teams: dict[str, Team],
    adkar: Instrument,
    readiness: Instrument,
    today: date,
) -> None:
    rng = demo_rng("backoffice:surveys")
    surveyed = [(teams[name], profile) for name, profile in data.PROFILES.items()]
    baseline_opens = weeks_after(programme.starts_on, 3)
    run_wave(
        programme,
        WavePlan(
            "Readiness baseline",
            readiness,
            baseline_opens,
            baseline_opens + timedelta(days=SURVEY_OPEN_DAYS),
        ),
        [(team, readiness_levels(profile)) for team, profile in surveyed],
        BACKOFFICE_COMMENTS,
        today,
        rng,
    )
    for number, days_ago in enumerate(PULSE_OPENED_DAYS_AGO, start=1):
        opens_on = today - timedelta(days=days_ago)
        closes_on = opens_on + timedelta(days=SURVEY_OPEN_DAYS)
        months = months_between(programme.starts_on, opens_on + timedelta(days=7))
        run_wave(
            programme,
            WavePlan(f"Adoption pulse {number}", adkar, opens_on, closes_on),
            [(team, adkar_levels(data.CURVE, profile, months)) for team, profile in surveyed],
            BACKOFFICE_COMMENTS,
            today,
            rng,
        )


def _kpi_plans(people: dict[str, User]) -> tuple[KpiPlan, ...]:
    """Turnaround ahead of plan, client satisfaction a little behind, productivity well behind."""
    return (
        KpiPlan("turnaround_time", 12.0, 9.0, pace=1.2, owner=people["analyst"]),
        KpiPlan("client_satisfaction", 68.0, 78.2, pace=0.68, owner=people["sponsor"]),
        KpiPlan("employee_productivity", 18.5, 22.2, pace=0.35, owner=people["pmo"]),
    )
