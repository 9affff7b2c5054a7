"""Methodology templates: the built-in methods, custom templates, copies, saving a programme."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from transform.extensions import db
from transform.models import (
    AuditEvent,
    Direction,
    GateCriterion,
    GateCriterionKind,
    Kpi,
    Membership,
    MethodologyTemplate,
    Perspective,
    Phase,
    Programme,
    Role,
    TemplateActivity,
    TemplateGateCriterion,
    TemplatePhase,
)
from transform.programmes.service import ProgrammeDraft, create_programme_from_template
from transform.seeds import BACKOFFICE_TEMPLATE_NAME, OUTSOURCING_TEMPLATE_NAME, ensure_builtins

HTMX = {"HX-Request": "true"}


# Test data -------------------------------------------------------------------------------


@pytest.fixture
def builtins(db) -> dict[str, MethodologyTemplate]:
    ensure_builtins()
    templates = db.session.scalars(
        select(MethodologyTemplate).where(MethodologyTemplate.is_builtin)
    )
    return {template.name: template for template in templates}


@pytest.fixture
def pmo(db):
    """A PMO admin of one programme: a template editor without being a site admin."""
    person = factories.user("pmo@example.com", name="Pam PMO")
    factories.programme(admin=person, name="Pam's programme")
    return person


@pytest.fixture
def editor(pmo, auth):
    auth.login("pmo@example.com")
    return pmo


@pytest.fixture
def custom(db) -> int:
    """A custom template of three phases, each with an activity, a deliverable, a criterion."""
    return factories.template(phases=3, name="Our method").id


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _template(template_id: int) -> MethodologyTemplate:
    return db.session.scalar(
        select(MethodologyTemplate)
        .where(MethodologyTemplate.id == template_id)
        .execution_options(populate_existing=True)
    )


def _phases(template_id: int) -> list[TemplatePhase]:
    return list(
        db.session.scalars(
            select(TemplatePhase)
            .where(TemplatePhase.template_id == template_id)
            .order_by(TemplatePhase.position)
            .execution_options(populate_existing=True)
        )
    )


def _rows(model, phase_id: int) -> list:
    return list(
        db.session.scalars(
            select(model)
            .where(model.phase_id == phase_id)
            .order_by(model.position)
            .execution_options(populate_existing=True)
        )
    )


def _outline(template_id: int) -> list[tuple]:
    """Everything a template says, position by position, for deep comparisons."""
    return [
        (
            phase.position,
            phase.name,
            phase.description,
            phase.duration_weeks,
            [(a.position, a.name, a.is_deliverable) for a in _rows(TemplateActivity, phase.id)],
            [
                (c.position, c.text, c.kind, c.threshold)
                for c in _rows(TemplateGateCriterion, phase.id)
            ],
        )
        for phase in _phases(template_id)
    ]


def _table_row(html: bytes, text: str) -> str:
    return next(row for row in html.decode().split("<tr>") if text in row)


def _is_fragment(response) -> bool:
    return b"<html" not in response.data and b'id="phases"' in response.data


# Reading ---------------------------------------------------------------------------------


def test_pages_need_a_login(client, builtins):
    assert client.get("/methodologies/").status_code == 302
    template = builtins[BACKOFFICE_TEMPLATE_NAME]
    assert client.get(f"/methodologies/{template.id}").status_code == 302


def test_index_lists_built_ins_with_phase_and_programme_counts(client, auth, builtins):
    reader = factories.user("reader@example.com")
    create_programme_from_template(
        ProgrammeDraft("Legal back office", date(2026, 1, 5), date(2026, 9, 30)),
        builtins[BACKOFFICE_TEMPLATE_NAME],
        reader,
    )
    factories.template(phases=1, name="Our own method")
    auth.login("reader@example.com")
    page = client.get("/methodologies/")
    assert page.status_code == 200
    backoffice = _table_row(page.data, BACKOFFICE_TEMPLATE_NAME)
    assert "Built-in" in backoffice
    assert re.findall(r'<td class="num">(\d+)</td>', backoffice) == ["4", "1"]
    outsourcing = _table_row(page.data, OUTSOURCING_TEMPLATE_NAME)
    assert re.findall(r'<td class="num">(\d+)</td>', outsourcing) == ["5", "0"]
    assert "Custom" in _table_row(page.data, "Our own method")
    assert b'href="/methodologies/"' in page.data  # the top navigation links here


def test_show_lists_phases_in_order_with_deliverables_and_computed_criteria(
    client, auth, builtins
):
    factories.user("reader@example.com")
    auth.login("reader@example.com")
    template = builtins[BACKOFFICE_TEMPLATE_NAME]
    page = client.get(f"/methodologies/{template.id}").data.decode()
    phases = [
        "Operational Assessment",
        "Process Redesign",
        "Technology Implementation",
        "Training &amp; Change Management",
    ]
    offsets = [page.index(f"</span> {name}</h2>") for name in phases]
    assert offsets == sorted(offsets)
    assert "Typically 6 weeks" in page
    assert "Interview practice leaders, support managers and front-line staff" in page
    assert (
        '<span class="badge badge-info">Deliverable</span> Operational Assessment Report' in page
    )
    assert "Evaluated from survey data" in page
    assert "threshold 60" in page
    assert "Current-state process maps reviewed with each team lead" in page
    # A reader who edits nothing sees no editing controls and no copy button.
    assert "Add a phase" not in page and "hx-post" not in page and "Copy to change" not in page


def test_built_in_template_offers_a_copy_and_no_editing(client, editor, builtins):
    template = builtins[OUTSOURCING_TEMPLATE_NAME]
    page = client.get(f"/methodologies/{template.id}").data.decode()
    assert "Copy to change" in page
    assert "Add a phase" not in page and "hx-post" not in page
    assert "Delete template" not in page


# Creating --------------------------------------------------------------------------------


@pytest.mark.parametrize("site_admin", [True, False])
def test_editors_create_a_custom_template(client, auth, site_admin):
    if site_admin:
        factories.user("root@example.com", is_site_admin=True)
    else:
        factories.programme(admin=factories.user("root@example.com"))
    auth.login("root@example.com")
    assert client.get("/methodologies/new").status_code == 200
    response = client.post(
        "/methodologies/new", data={"name": "  Shared services method ", "description": "Ours"}
    )
    assert response.status_code == 303
    template = db.session.scalar(
        select(MethodologyTemplate).where(MethodologyTemplate.name == "Shared services method")
    )
    assert response.headers["Location"] == f"/methodologies/{template.id}"
    assert (template.is_builtin, template.description, template.phases) == (False, "Ours", [])
    page = client.get(response.headers["Location"]).data
    assert b"Add a phase" in page and b"No phases yet." in page
    assert factories.audit_actions("methodology_template") == ["created"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("Our method", "A template with this name already exists."),
        ("our METHOD ", "A template with this name already exists."),
        (BACKOFFICE_TEMPLATE_NAME, "A template with this name already exists."),
        ("x" * 121, "Field cannot be longer than 120 characters."),
    ],
)
def test_bad_template_names_are_refused_at_the_field(
    client, editor, builtins, custom, name, message
):
    before = _count(MethodologyTemplate)
    response = client.post("/methodologies/new", data={"name": name})
    assert response.status_code == 422
    assert b'id="name-error"' in response.data
    assert message.encode() in response.data
    assert _count(MethodologyTemplate) == before


# Editing phases, activities and criteria -------------------------------------------------


def test_add_phase_with_htmx_returns_the_phase_list(client, editor, custom):
    response = client.post(
        f"/methodologies/{custom}/phases",
        data={"phase-name": "Hypercare", "phase-duration_weeks": "3", "phase-description": "x"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert _is_fragment(response)
    assert b"</span> Hypercare</h2>" in response.data
    assert b"4 phases" in response.data
    phases = _phases(custom)
    assert [(p.position, p.name, p.duration_weeks) for p in phases][-1] == (4, "Hypercare", 3)
    assert [p.position for p in phases] == [1, 2, 3, 4]


def test_add_phase_without_javascript_redirects_back(client, editor, custom):
    response = client.post(
        f"/methodologies/{custom}/phases",
        data={"phase-name": "Hypercare", "phase-duration_weeks": "3"},
    )
    assert response.status_code == 303
    phase = _phases(custom)[-1]
    assert response.headers["Location"] == f"/methodologies/{custom}#phase-{phase.id}"
    assert phase.name == "Hypercare"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phase-name": ""}, "phase-name", "This field is required."),
        ({"phase-duration_weeks": "0"}, "phase-duration_weeks", "Between 1 and 520 weeks."),
        ({"phase-duration_weeks": ""}, "phase-duration_weeks", "Give a number of weeks."),
        ({"phase-duration_weeks": "two"}, "phase-duration_weeks", "Not a valid integer value."),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_phases_are_refused_at_the_field(
    client, editor, custom, changes, field, message, htmx
):
    data = {"phase-name": "Hypercare", "phase-duration_weeks": "3"} | changes
    response = client.post(
        f"/methodologies/{custom}/phases", data=data, headers=HTMX if htmx else {}
    )
    assert response.status_code == 422
    assert _is_fragment(response) is htmx
    assert f'id="{field}-error"'.encode() in response.data
    assert message.encode() in response.data
    assert len(_phases(custom)) == 3


def test_add_activities_and_deliverables(client, editor, custom):
    phase = _phases(custom)[1]
    url = f"/methodologies/{custom}/phases/{phase.id}/activities"
    prefix = f"activity-{phase.id}"
    first = client.post(url, data={f"{prefix}-name": "Brief the sponsors"}, headers=HTMX)
    second = client.post(
        url,
        data={f"{prefix}-name": "Sponsor briefing pack", f"{prefix}-is_deliverable": "y"},
        headers=HTMX,
    )
    assert first.status_code == second.status_code == 200
    assert _is_fragment(second)
    assert b"Brief the sponsors" in second.data
    assert (
        b'<span class="badge badge-info">Deliverable</span> Sponsor briefing pack' in second.data
    )
    # The form just used stays open and focused for the next entry.
    assert re.search(f'<input autofocus id="{prefix}-name"[^>]* value="">', second.data.decode())
    activities = _rows(TemplateActivity, phase.id)
    assert [(a.position, a.name, a.is_deliverable) for a in activities][2:] == [
        (3, "Brief the sponsors", False),
        (4, "Sponsor briefing pack", True),
    ]
    plain = client.post(url, data={f"{prefix}-name": "Plain post"})
    assert plain.status_code == 303
    assert plain.headers["Location"] == f"/methodologies/{custom}#phase-{phase.id}"
    empty = client.post(url, data={f"{prefix}-name": " "}, headers=HTMX)
    assert empty.status_code == 422 and _is_fragment(empty)
    assert f'id="{prefix}-name-error"'.encode() in empty.data
    assert len(_rows(TemplateActivity, phase.id)) == 5


def test_add_gate_criteria_of_each_kind(client, editor, custom):
    phase = _phases(custom)[0]
    url = f"/methodologies/{custom}/phases/{phase.id}/criteria"
    prefix = f"criterion-{phase.id}"
    checklist = client.post(
        url, data={f"{prefix}-text": "Steering committee briefed", f"{prefix}-kind": "checklist"}
    )
    assert checklist.status_code == 303
    readiness = client.post(
        url,
        data={
            f"{prefix}-text": "Teams ready",
            f"{prefix}-kind": "readiness_minimum",
            f"{prefix}-threshold": "65",
        },
        headers=HTMX,
    )
    assert readiness.status_code == 200 and _is_fragment(readiness)
    assert b"Evaluated from survey data" in readiness.data
    assert b"threshold 65" in readiness.data
    criteria = _rows(TemplateGateCriterion, phase.id)
    assert [(c.position, c.text, c.kind, c.threshold) for c in criteria] == [
        (1, "Deliverables signed off", GateCriterionKind.CHECKLIST, None),
        (2, "Steering committee briefed", GateCriterionKind.CHECKLIST, None),
        (3, "Teams ready", GateCriterionKind.READINESS_MINIMUM, 65),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": ""}, "text", "This field is required."),
        ({"kind": "readiness_minimum"}, "threshold", "A readiness minimum needs a threshold."),
        ({"threshold": "50"}, "threshold", "Only a readiness minimum takes a threshold."),
        (
            {"kind": "readiness_minimum", "threshold": "150"},
            "threshold",
            "Between 0 and 100.",
        ),
        ({"kind": "kpi_on_track"}, "kind", "Not a valid choice."),
    ],
)
def test_bad_gate_criteria_are_refused_at_the_field(
    client, editor, custom, changes, field, message
):
    phase = _phases(custom)[0]
    prefix = f"criterion-{phase.id}"
    data = {"text": "Teams ready", "kind": "checklist"} | changes
    response = client.post(
        f"/methodologies/{custom}/phases/{phase.id}/criteria",
        data={f"{prefix}-{name}": value for name, value in data.items()},
        headers=HTMX,
    )
    assert response.status_code == 422 and _is_fragment(response)
    assert f'id="{prefix}-{field}-error"'.encode() in response.data
    assert message.encode() in response.data
    assert len(_rows(TemplateGateCriterion, phase.id)) == 1


@pytest.mark.parametrize("htmx", [True, False])
def test_removals_keep_positions_contiguous(client, editor, custom, htmx):
    headers = HTMX if htmx else {}
    first, second, third = _phases(custom)
    activity_id = _rows(TemplateActivity, first.id)[0].id
    criterion = _rows(TemplateGateCriterion, third.id)[0]
    responses = [
        client.post(f"/methodologies/{custom}/phases/{second.id}/remove", headers=headers),
        client.post(f"/methodologies/{custom}/activities/{activity_id}/remove", headers=headers),
        client.post(f"/methodologies/{custom}/criteria/{criterion.id}/remove", headers=headers),
    ]
    for response in responses:
        assert response.status_code == (200 if htmx else 303)
        assert _is_fragment(response) is htmx
    phases = _phases(custom)
    assert [(p.position, p.name) for p in phases] == [(1, "Phase 1"), (2, "Phase 3")]
    assert [(a.position, a.name) for a in _rows(TemplateActivity, first.id)] == [
        (1, "Deliverable 1.2")
    ]
    assert _rows(TemplateGateCriterion, third.id) == []
    assert db.session.scalar(select(TemplateActivity.id).filter_by(id=activity_id)) is None
    if htmx:
        assert b"Phase 2" not in responses[0].data
        assert b"2 phases" in responses[-1].data


@pytest.mark.parametrize("htmx", [True, False])
def test_phases_move_up_and_down(client, editor, custom, htmx):
    headers = HTMX if htmx else {}
    first, second, third = _phases(custom)

    def move(phase, direction):
        url = f"/methodologies/{custom}/phases/{phase.id}/move"
        return client.post(url, data={"direction": direction}, headers=headers)

    response = move(third, "up")
    assert response.status_code == (200 if htmx else 303)
    if htmx:
        assert _is_fragment(response)
        page = response.data.decode()
        assert page.index("</span> Phase 3</h2>") < page.index("</span> Phase 2</h2>")
    assert [(p.position, p.name) for p in _phases(custom)] == [
        (1, "Phase 1"),
        (2, "Phase 3"),
        (3, "Phase 2"),
    ]
    move(first, "down")
    move(second, "down")  # already last: stays put
    assert [p.name for p in _phases(custom)] == ["Phase 3", "Phase 1", "Phase 2"]
    move(second, "up")
    move(second, "up")
    move(second, "up")  # already first: stays put
    assert [(p.position, p.name) for p in _phases(custom)] == [
        (1, "Phase 2"),
        (2, "Phase 3"),
        (3, "Phase 1"),
    ]
    assert move(first, "sideways").status_code == 400


def test_parts_of_another_template_are_not_found(client, editor, custom):
    other = factories.template(phases=1, name="Other method")
    phase = other.phases[0]
    activity, criterion = phase.activities[0], phase.criteria[0]
    for path in [
        f"phases/{phase.id}/remove",
        f"phases/{phase.id}/activities",
        f"phases/{phase.id}/criteria",
        f"activities/{activity.id}/remove",
        f"criteria/{criterion.id}/remove",
        "phases/999999/remove",
    ]:
        assert client.post(f"/methodologies/{custom}/{path}").status_code == 404, path
    assert client.post("/methodologies/999999/phases").status_code == 404
    assert _outline(other.id)[0][4] == [(1, "Activity 1.1", False), (2, "Deliverable 1.2", True)]


# Access ----------------------------------------------------------------------------------


def _write_requests(template_id: int, phase_id: int, activity_id: int, criterion_id: int):
    base = f"/methodologies/{template_id}"
    return [
        ("get", "/methodologies/new", {}),
        ("post", "/methodologies/new", {"name": "Mine"}),
        ("post", f"{base}/copy", {}),
        ("post", f"{base}/delete", {}),
        ("post", f"{base}/phases", {"phase-name": "X", "phase-duration_weeks": "2"}),
        ("post", f"{base}/phases/{phase_id}/remove", {}),
        ("post", f"{base}/phases/{phase_id}/move", {"direction": "down"}),
        ("post", f"{base}/phases/{phase_id}/activities", {f"activity-{phase_id}-name": "X"}),
        ("post", f"{base}/activities/{activity_id}/remove", {}),
        (
            "post",
            f"{base}/phases/{phase_id}/criteria",
            {f"criterion-{phase_id}-text": "X", f"criterion-{phase_id}-kind": "checklist"},
        ),
        ("post", f"{base}/criteria/{criterion_id}/remove", {}),
    ]


@pytest.mark.parametrize("role", [Role.CHANGE_AGENT, Role.SPONSOR, None])
def test_non_editors_read_templates_but_cannot_change_them(client, auth, custom, role):
    person = factories.user("reader@example.com")
    factories.programme(members={person: role} if role else {})
    auth.login("reader@example.com")
    before = _outline(custom)
    template_count = _count(MethodologyTemplate)
    assert client.get("/methodologies/").status_code == 200
    page = client.get(f"/methodologies/{custom}")
    assert page.status_code == 200 and b"hx-post" not in page.data
    assert b"New template" not in client.get("/methodologies/").data
    phase = _phases(custom)[0]
    activity = _rows(TemplateActivity, phase.id)[0]
    criterion = _rows(TemplateGateCriterion, phase.id)[0]
    for method, url, data in _write_requests(custom, phase.id, activity.id, criterion.id):
        response = getattr(client, method)(url, data=data, headers=HTMX)
        assert response.status_code == 403, url
    assert _outline(custom) == before
    assert _count(MethodologyTemplate) == template_count


def test_built_in_templates_cannot_be_edited_or_deleted(client, editor, builtins):
    template = builtins[BACKOFFICE_TEMPLATE_NAME]
    before = _outline(template.id)
    phase = _phases(template.id)[0]
    activity = _rows(TemplateActivity, phase.id)[0]
    criterion = _rows(TemplateGateCriterion, phase.id)[0]
    for method, url, data in _write_requests(template.id, phase.id, activity.id, criterion.id)[3:]:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, url
        assert b"Built-in templates are read-only" in response.data
    assert _outline(template.id) == before
    assert _template(template.id) is not None


# Copies ----------------------------------------------------------------------------------


def test_a_built_in_template_copies_deeply_to_a_custom_one(client, editor, builtins):
    source = builtins[BACKOFFICE_TEMPLATE_NAME]
    response = client.post(f"/methodologies/{source.id}/copy")
    assert response.status_code == 303
    copy = db.session.scalar(
        select(MethodologyTemplate).where(
            MethodologyTemplate.name == f"Copy of {BACKOFFICE_TEMPLATE_NAME}"
        )
    )
    assert response.headers["Location"] == f"/methodologies/{copy.id}"
    assert not copy.is_builtin
    assert copy.description == source.description
    assert _outline(copy.id) == _outline(source.id)
    assert any(
        criterion[2] == GateCriterionKind.READINESS_MINIMUM and criterion[3] == 60
        for phase in _outline(copy.id)
        for criterion in phase[5]
    )
    # The copy is editable and changing it leaves the built-in alone.
    first = _phases(copy.id)[0]
    client.post(f"/methodologies/{copy.id}/phases/{first.id}/remove")
    assert len(_phases(copy.id)) == 3
    assert len(_phases(source.id)) == 4
    second = client.post(f"/methodologies/{source.id}/copy")
    assert second.status_code == 303
    names = db.session.scalars(
        select(MethodologyTemplate.name).where(MethodologyTemplate.name.like("Copy of %"))
    ).all()
    assert sorted(names) == [
        f"Copy of {BACKOFFICE_TEMPLATE_NAME}",
        f"Copy of {BACKOFFICE_TEMPLATE_NAME} (2)",
    ]
    assert factories.audit_actions("methodology_template").count("template.copied") == 2


def test_a_custom_template_copies_too(client, editor, custom):
    response = client.post(f"/methodologies/{custom}/copy")
    assert response.status_code == 303
    copy_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _template(copy_id).name == "Copy of Our method"
    assert _outline(copy_id) == _outline(custom)


# Saving a programme's phases as a template -----------------------------------------------


@pytest.fixture
def running_programme(pmo) -> int:
    """Pam's programme with reshaped phases, a readiness floor and a KPI-watching criterion."""
    programme = db.session.scalar(select(Programme).where(Programme.name == "Pam's programme"))
    first, second = programme.phases
    first.name, first.description = "Discover", "Find out how work flows"
    first.planned_start, first.planned_end = date(2026, 1, 5), date(2026, 2, 15)
    second.planned_start, second.planned_end = date(2026, 2, 16), date(2026, 2, 18)
    kpi = Kpi(
        programme=programme,
        name="Turnaround time",
        unit="days",
        direction=Direction.LOWER_IS_BETTER,
        perspective=Perspective.INTERNAL_PROCESS,
        baseline_value=10,
        baseline_on=date(2026, 1, 5),
        target_value=5,
        target_on=date(2026, 12, 1),
    )
    db.session.add(kpi)
    db.session.flush()
    second.gate.criteria += [
        GateCriterion(
            position=2,
            text="Turnaround on track",
            kind=GateCriterionKind.KPI_ON_TRACK,
            kpi_id=kpi.id,
        ),
        GateCriterion(
            position=5, text="Ready", kind=GateCriterionKind.READINESS_MINIMUM, threshold=55
        ),
    ]
    db.session.flush()
    return programme.id


def test_a_pmo_admin_saves_a_programme_as_a_template_and_reuses_it(
    client, auth, editor, running_programme
):
    url = f"/methodologies/from-programme/{running_programme}"
    form = client.get(url)
    assert form.status_code == 200
    assert b'value="Pam&#39;s programme method"' in form.data
    response = client.post(url, data={"name": "Pam's method", "description": "Tried and tested"})
    assert response.status_code == 303
    template = db.session.scalar(
        select(MethodologyTemplate).where(MethodologyTemplate.name == "Pam's method")
    )
    assert response.headers["Location"] == f"/methodologies/{template.id}"
    assert not template.is_builtin
    assert _outline(template.id) == [
        (
            1,
            "Discover",
            "Find out how work flows",
            6,
            [(1, "Activity 1.1", False), (2, "Deliverable 1.2", True)],
            [(1, "Deliverables signed off", GateCriterionKind.CHECKLIST, None)],
        ),
        (
            2,
            "Phase 2",
            "",
            1,
            [(1, "Activity 2.1", False), (2, "Deliverable 2.2", True)],
            [
                (1, "Deliverables signed off", GateCriterionKind.CHECKLIST, None),
                (2, "Ready", GateCriterionKind.READINESS_MINIMUM, 55),
            ],
        ),
    ]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "template.from_programme")
    )
    assert (event.entity_id, event.after["from_programme_id"]) == (template.id, running_programme)

    # A site administrator starts a new programme from it: the same phases and activities.
    auth.logout()
    factories.user("root@example.com", is_site_admin=True)
    auth.login("root@example.com")
    created = client.post(
        "/admin/programmes/new",
        data={
            "name": "Second wave",
            "template_id": template.id,
            "starts_on": "2027-01-04",
            "ends_on": "2027-06-30",
            "target_adoption_rate": "80",
            "anonymity_threshold": "5",
            "comment_threshold": "10",
        },
    )
    assert created.status_code == 303
    programme = db.session.scalar(select(Programme).where(Programme.name == "Second wave"))
    phases = db.session.scalars(
        select(Phase).where(Phase.programme_id == programme.id).order_by(Phase.position)
    ).all()
    assert [p.name for p in phases] == ["Discover", "Phase 2"]
    assert [[(a.name, a.is_deliverable) for a in p.activities] for p in phases] == [
        [(a[1], a[2]) for a in phase[4]] for phase in _outline(template.id)
    ]
    assert [c.text for c in phases[1].gate.criteria] == ["Deliverables signed off", "Ready"]


def test_saving_a_programme_as_a_template_needs_a_valid_unique_name(
    client, editor, running_programme, custom
):
    url = f"/methodologies/from-programme/{running_programme}"
    before = _count(MethodologyTemplate)
    for name, message in [
        ("", b"This field is required."),
        ("Our method", b"A template with this name already exists."),
    ]:
        response = client.post(url, data={"name": name})
        assert response.status_code == 422
        assert b'id="name-error"' in response.data and message in response.data
    assert _count(MethodologyTemplate) == before


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CHANGE_AGENT, 403), (Role.SPONSOR, 403), (None, 404), ("site_admin", 404)],
)
def test_only_the_programmes_pmo_admins_save_it_as_a_template(
    client, auth, pmo, running_programme, role, status
):
    person = factories.user("other@example.com", is_site_admin=role == "site_admin")
    if isinstance(role, Role):
        factories.programme(admin=person, name="Their own")  # a template editor elsewhere
        db.session.add(Membership(programme_id=running_programme, user=person, role=role))
        db.session.flush()
    auth.login("other@example.com")
    before = _count(MethodologyTemplate)
    url = f"/methodologies/from-programme/{running_programme}"
    assert client.get(url).status_code == status
    assert client.post(url, data={"name": "Taken home"}).status_code == status
    assert _count(MethodologyTemplate) == before


# Deleting --------------------------------------------------------------------------------


def test_an_unused_custom_template_can_be_deleted(client, editor, custom):
    response = client.post(f"/methodologies/{custom}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/methodologies/"
    assert _template(custom) is None
    assert not _phases(custom)
    assert factories.audit_actions("methodology_template") == ["deleted"]
    assert b"Deleted Our method." in client.get("/methodologies/").data


def test_a_template_in_use_cannot_be_deleted(client, editor, custom):
    create_programme_from_template(
        ProgrammeDraft("Uses it", date(2026, 1, 5), date(2026, 6, 30)), _template(custom), editor
    )
    page = client.get(f"/methodologies/{custom}").data
    assert b"Delete template" not in page and b"cannot be deleted" in page
    response = client.post(f"/methodologies/{custom}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/methodologies/{custom}"
    assert (
        b"1 programme uses this template, so it cannot be deleted."
        in client.get(response.headers["Location"]).data
    )
    assert _template(custom) is not None


# Fitting into the rest of the app --------------------------------------------------------


def test_a_template_created_here_is_offered_for_new_programmes(client, auth):
    factories.user("root@example.com", is_site_admin=True)
    auth.login("root@example.com")
    client.post("/methodologies/new", data={"name": "Shared services method"})
    template = db.session.scalar(
        select(MethodologyTemplate).where(MethodologyTemplate.name == "Shared services method")
    )
    page = client.get("/admin/programmes/new").data
    assert f'<option value="{template.id}">Shared services method</option>'.encode() in page


def test_user_text_is_escaped(client, editor):
    client.post("/methodologies/new", data={"name": "<script>alert(1)</script>"})
    template = db.session.scalar(
        select(MethodologyTemplate).where(MethodologyTemplate.name.like("<script>%"))
    )
    client.post(
        f"/methodologies/{template.id}/phases",
        data={"phase-name": '<img src=x onerror="alert(2)">', "phase-duration_weeks": "2"},
    )
    page = client.get(f"/methodologies/{template.id}").data
    assert b"<script>alert(1)" not in page and b"&lt;script&gt;alert(1)" in page
    assert b"<img src=x" not in page and b"&lt;img src=x" in page


def test_htmx_edits_carry_the_csrf_token_from_the_page(client, editor, custom, csrf_enabled):
    page = client.get(f"/methodologies/{custom}").data.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    url = f"/methodologies/{custom}/phases"
    data = {"phase-name": "Hypercare", "phase-duration_weeks": "3"}
    assert client.post(url, data=data, headers=HTMX).status_code == 400
    accepted = client.post(url, data=data, headers=HTMX | {"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert [p.name for p in _phases(custom)][-1] == "Hypercare"
