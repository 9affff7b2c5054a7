"""The access matrix: every route of the app, called as every kind of user.

The expected outcomes live in tests/access_rules.py, keyed by endpoint. A route without a
rule fails here, so a new route cannot reach the app without someone deciding who may
use it. One test loads the demo once, calls every route as every role (each request in
a savepoint that is rolled back, so nothing one call writes changes the next) and
reports all mismatches in one table.
"""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.access.access_rules import LOGIN, OK, ROLES, RULES
from tests.factories import SUITE_DAY
from transform.api.tokens import create_token
from transform.demo import DEMO_PASSWORD, load_demo
from transform.extensions import db
from transform.instruments.service import copy_instrument
from transform.methodologies.service import copy_template
from transform.models import (
    AgentAssignment,
    Evidence,
    FeedbackEntry,
    FollowUp,
    ImpactedTeam,
    ImportJob,
    Initiative,
    Instrument,
    Job,
    JobStatus,
    Kpi,
    Membership,
    MethodologyTemplate,
    Programme,
    RaidItem,
    Report,
    ReportKind,
    Team,
    User,
    Wave,
    WaveStatus,
    Webhook,
)
from transform.phases.evidence import stored_path
from transform.waves.service import issue_links, issue_team_link, wave_team_or_none

DEMO_DAY = SUITE_DAY
PROGRAMME = "Back-office optimisation"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

#: Who each role logs in as (None: no login). See transform/demo/users.py.
ROLE_EMAILS = {
    "anonymous": None,
    "respondent": None,
    "agent": "agent@example.com",  # change agent of Billing Operations (the team used)
    "agent_other_team": "sam.okafor@example.com",  # change agent of Litigation Support…
    "sponsor": "sponsor@example.com",
    "pmo": "pmo@example.com",  # PMO admin of programme 1 (and of programme 2)
    "other_programme": "oliver.grant@example.com",  # PMO admin of programme 2 only
    "site_admin": "admin@example.com",  # site administrator, member of no programme
}


def _endpoints(app) -> dict[str, object]:
    return {rule.endpoint: rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_route_has_an_access_rule(app):
    missing = [
        f"add an access rule for {endpoint} ({rule.rule}) in tests/access_rules.py"
        for endpoint, rule in sorted(_endpoints(app).items())
        if endpoint not in RULES
    ]
    stale = [
        f"remove the access rule for {endpoint}: no such endpoint"
        for endpoint in sorted(set(RULES) - set(_endpoints(app)))
    ]
    assert not missing + stale, "\n".join(missing + stale)


def test_every_rule_names_every_role_for_every_method(app):
    problems = []
    for endpoint, rule in sorted(_endpoints(app).items()):
        expected = RULES.get(endpoint)
        if expected is None:
            continue
        for method in _methods(rule):
            by_role = expected.get(method)
            if by_role is None:
                problems.append(f"{endpoint}: no expectations for {method}")
            elif set(by_role) != set(ROLES):
                problems.append(f"{endpoint} {method}: roles {sorted(set(ROLES) ^ set(by_role))}")
    assert not problems, "\n".join(problems)


def _methods(rule) -> list[str]:
    """GET when the route has it, and its write method too (empty form) when it has one."""
    methods = []
    if "GET" in rule.methods:
        methods.append("GET")
    methods += [m for m in WRITE_METHODS if m in rule.methods][:1]
    return methods


@dataclass
class World:
    """The ids the matrix fills path parameters with: objects of programme 1."""

    params: dict[str, object]
    by_blueprint: dict[str, dict[str, object]]
    #: The reusable team link of the same wave and team (respond.team_link).
    team_link: str
    #: JSON bodies for API writes, by endpoint; others get an empty object.
    api_bodies: dict[str, object]

    def values_for(self, endpoint: str, arguments) -> dict[str, object]:
        blueprint = endpoint.partition(".")[0]
        overrides = self.by_blueprint.get(blueprint, {})
        values = {}
        for name in arguments:
            if name in overrides:
                values[name] = overrides[name]
            elif name in self.params:
                values[name] = self.params[name]
            else:
                raise AssertionError(
                    f"{endpoint}: no id for path parameter <{name}>; add one in "
                    "tests/access/test_access_matrix.py::_world"
                )
        return values


def _one(statement):
    value = db.session.scalars(statement.limit(1)).first()
    assert value is not None, statement
    return value


def _world(app, tokens_by_role) -> World:
    programme = _one(select(Programme).where(Programme.name == PROGRAMME))
    billing = _one(select(Team).where(Team.name == "Billing Operations"))
    agent = _one(select(User).where(User.email == ROLE_EMAILS["agent"]))
    sponsor = _one(select(User).where(User.email == ROLE_EMAILS["sponsor"]))
    phase = programme.phases[1]  # Redesign: in progress on the demo day
    activity = phase.activities[0]
    evidence = Evidence(
        activity=activity,
        title="Matrix evidence",
        stored_name="matrix-evidence.pdf",
        original_filename="evidence.pdf",
        content_type="application/pdf",
        size_bytes=9,
    )
    db.session.add(evidence)
    stored_path(evidence).write_bytes(b"%PDF-1.4\n")
    wave = _one(
        select(Wave)
        .where(Wave.programme_id == programme.id, Wave.status == WaveStatus.OPEN)
        .order_by(Wave.opens_on.desc())
    )
    kpi = _one(select(Kpi).where(Kpi.programme_id == programme.id).order_by(Kpi.id))
    template = copy_template(
        _one(select(MethodologyTemplate).where(MethodologyTemplate.id == programme.template_id))
    )
    template_phase = template.phases[0]
    instrument = copy_instrument(
        _one(select(Instrument).where(Instrument.id == wave.instrument_id))
    )
    report = Report(
        programme_id=programme.id,
        kind=ReportKind.SPONSOR_PROGRESS,
        as_of=DEMO_DAY,
        fingerprint="0" * 64,
        pdf=b"%PDF-1.4\n",
        page_count=1,
        is_published=True,
    )
    db.session.add(report)
    job = Job(
        programme_id=programme.id,
        report_kind=ReportKind.SPONSOR_PROGRESS,
        as_of=DEMO_DAY,
        status=JobStatus.FAILED,
        error="The report could not be rendered.",
    )
    db.session.add(job)
    import_job = ImportJob(
        wave_id=wave.id,
        upload_token="0" * 32,
        file_sha256="0" * 64,
        mapping={"items": {}, "team": 0},
        default_on=DEMO_DAY,
        rows=2500,
        status=JobStatus.FAILED,
        error="The import service is unavailable just now.",
    )
    db.session.add(import_job)
    hook = Webhook(
        programme_id=programme.id,
        url="https://receiver.example/hooks",
        secret="matrix-secret-0123456789",
        events="raid.changed",
    )
    db.session.add(hook)
    follow_up = _one(
        select(FollowUp)
        .join(FeedbackEntry)
        .where(FeedbackEntry.programme_id == programme.id)
        .order_by(FollowUp.id)
    )
    db.session.flush()
    single_use = issue_links(wave, billing, 1)[0]
    team_link = issue_team_link(wave_team_or_none(wave, billing.id))
    db.session.flush()
    params = {
        "programme_id": programme.id,
        "phase_id": phase.id,
        "activity_id": activity.id,
        "evidence_id": evidence.id,
        "criterion_id": phase.gate.criteria[0].id,
        "membership_id": _one(
            select(Membership.id).where(
                Membership.programme_id == programme.id, Membership.user_id == sponsor.id
            )
        ),
        "user_id": agent.id,
        "impacted_team_id": _one(
            select(ImpactedTeam.id).where(
                ImpactedTeam.programme_id == programme.id, ImpactedTeam.team_id == billing.id
            )
        ),
        "assignment_id": _one(
            select(AgentAssignment.id).where(
                AgentAssignment.programme_id == programme.id,
                AgentAssignment.team_id == billing.id,
                AgentAssignment.user_id == agent.id,
            )
        ),
        "team_id": billing.id,
        "month": f"{DEMO_DAY:%Y-%m}",
        "wave_id": wave.id,
        "kpi_id": kpi.id,
        "checkpoint_id": kpi.checkpoints[0].id,
        "item_id": _one(
            select(RaidItem.id).where(RaidItem.programme_id == programme.id).order_by(RaidItem.id)
        ),
        "initiative_id": _one(
            select(Initiative.id)
            .where(Initiative.programme_id == programme.id)
            .order_by(Initiative.id)
        ),
        "instrument_id": instrument.id,
        "template_id": template.id,
        "report_id": report.id,
        "job_id": job.id,
        "webhook_id": hook.id,
        "kind": "sponsor-progress",
        "language": "fr",
        "follow_up_id": follow_up.id,
        "entry_id": follow_up.entry_id,
        "token_id": tokens_by_role["pmo"][0].id,  # the PMO's own token; nobody else's
        "token": single_use,
    }
    by_blueprint = {
        "methodologies": {
            "phase_id": template_phase.id,
            "activity_id": template_phase.activities[0].id,
            "criterion_id": template_phase.criteria[0].id,
        },
        "instruments": {"item_id": instrument.items[0].id},
        "wave_data": {"job_id": import_job.id},
    }
    # Bodies that pass the API's schema validation (which runs before the access check),
    # so that the access check is what answers. Nothing is kept: every call rolls back.
    api_bodies = {
        "api.create_feedback": {
            "team_id": billing.id,
            "observed_on": "2026-11-20",
            "observed_stage": "knowledge",
            "sentiment": 1,
            "barrier": "skills_gap",
            "text": "Access matrix.",
        },
        "api.push_actuals": {
            "actuals": [{"kpi_id": kpi.id, "on_date": "2026-11-30", "value": 10.0}]
        },
        "api.import_responses": {
            "responses": [
                {"team_id": billing.id, "submitted_on": "2026-11-20", "answers": {"A1": 3}}
            ]
        },
        "api.create_initiative": {"name": "Matrix initiative"},
        "api.create_raid_item": {"kind": "risk", "title": "Matrix risk"},
        "api.create_kpi": {
            "name": "Matrix KPI",
            "unit": "days",
            "direction": "lower",
            "perspective": "financial",
            "baseline_value": 10.0,
            "baseline_on": "2026-03-02",
            "target_value": 5.0,
            "target_on": "2026-12-18",
        },
        "api.create_follow_up": {"action": "Matrix action"},
        "api.record_value": {
            "kind": "planned",
            "value_type": "revenue",
            "month": "2026-06-01",
            "amount": 10.0,
        },
        "api.upsert_teams": {
            "teams": [{"external_id": "MATRIX-1", "name": "Matrix team", "headcount": 0}]
        },
    }
    return World(params, by_blueprint, team_link, api_bodies)


def _outcome(response):
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/auth/login" in location:
        return LOGIN
    return response.status_code


def _matches(expected, actual) -> bool:
    if expected == OK:
        return isinstance(actual, int) and actual < 500 and actual not in (401, 403, 404)
    return expected == actual


def _with_rollback(call):
    """Run one request inside a savepoint that is rolled back: no call changes the next."""
    db.session.commit()
    # The connection the test's session is bound to, without opening a session savepoint
    # (releasing that would release this one too).
    nested = db.session.get_bind().begin_nested()
    try:
        return call()
    finally:
        db.session.commit()
        nested.rollback()
        db.session.expire_all()


@pytest.fixture
def clients(app, db):
    """The demo, and one client per role (logged in once), with API tokens."""
    load_demo(DEMO_DAY)
    users = {
        role: db.session.scalar(select(User).where(User.email == email))
        for role, email in ROLE_EMAILS.items()
        if email
    }
    tokens = {role: create_token(user, "matrix") for role, user in users.items()}
    db.session.commit()
    browser = {}
    for role, email in ROLE_EMAILS.items():
        client = app.test_client()
        if email:
            response = client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})
            assert response.status_code in (302, 303), f"{role} could not log in"
        browser[role] = client
    return users, tokens, browser


def test_access_matrix(app, db, clients):
    users, tokens, browser = clients
    world = _world(app, tokens)
    db.session.commit()
    # The respondent has opened their survey link: that must not open anything else.
    assert browser["respondent"].get(f"/s/{world.params['token']}").status_code == 200
    rules = _endpoints(app)
    mismatches, server_errors, missing = [], [], []
    calls = 0
    for endpoint, rule in sorted(rules.items()):
        expected = RULES.get(endpoint)
        if expected is None:
            missing.append(f"add an access rule for {endpoint} ({rule.rule})")
            continue
        values = world.values_for(endpoint, rule.arguments)
        if endpoint == "respond.team_link":
            values["token"] = world.team_link
        path = rule.build(values, append_unknown=False)[1]
        is_api = rule.rule.startswith("/api/")
        for method in _methods(rule):
            for role in ROLES:
                want = expected[method][role]
                client, headers = browser[role], {}
                if is_api:
                    client = app.test_client()
                    if role in tokens:
                        headers = {"Authorization": f"Bearer {tokens[role][1]}"}
                got = _call(client, method, path, headers, world.api_bodies.get(endpoint, {}))
                calls += 1
                if isinstance(got, int) and got >= 500:
                    server_errors.append(f"{method} {path} as {role}: {got}")
                if not _matches(want, got):
                    mismatches.append((endpoint, method, role, want, got))
    lines = [f"{'endpoint':34} {'method':6} {'role':17} {'expected':8} got"]
    lines += [f"{e:34} {m:6} {r:17} {w!s:8} {g}" for e, m, r, w, g in mismatches]
    report = "\n".join(
        missing
        + ([f"{len(mismatches)} of {calls} calls differ:", *lines] if mismatches else [])
        + ([f"{len(server_errors)} server errors:", *server_errors] if server_errors else [])
    )
    assert not (missing or mismatches or server_errors), report


def _call(client, method, path, headers, api_body):
    cookies = dict(client._cookies)  # a logout or flash must not change the next call

    def send():
        if method == "GET":
            return client.get(path, headers=headers)
        if path.startswith("/api/"):
            return client.open(path, method=method, headers=headers, json=api_body)
        return client.open(path, method=method, headers=headers, data={})

    response = _with_rollback(send)
    try:
        return _outcome(response)
    finally:
        response.close()
        client._cookies.clear()
        client._cookies.update(cookies)
