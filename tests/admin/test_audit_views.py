"""The audit trail page: admins only, newest first, readable diffs, filters and pages."""

from datetime import datetime, timedelta

import pytest

from tests import factories
from transform.extensions import db
from transform.models import AuditEvent, Role

START = datetime(2026, 3, 2, 9, 30)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(db):
    pmo = factories.user("pmo@example.com", name="Pat Pmo")
    sponsor = factories.user("sponsor@example.com", name="Sol Sponsor")
    factories.user("outsider@example.com", name="Out Sider")
    programme = factories.programme(admin=pmo, members={sponsor: Role.SPONSOR})
    other = factories.programme(admin=pmo)
    events = [
        AuditEvent(
            at=START,
            user=pmo,
            programme_id=programme.id,
            action="phase.updated",
            entity="phase",
            entity_id=7,
            before={"name": "Assess", "owner_id": None},
            after={"name": "Assessment", "owner_id": None},
        ),
        AuditEvent(
            at=START + timedelta(days=1),
            user=sponsor,
            programme_id=programme.id,
            action="gate.approved",
            entity="gate",
            entity_id=3,
            before={"status": "submitted"},
            after={"status": "approved", "reason": "Criteria met"},
        ),
        AuditEvent(
            at=START + timedelta(days=2),
            user=None,
            programme_id=programme.id,
            action="kpi.created",
            entity="kpi",
            entity_id=11,
            before=None,
            after={"name": "Backlog size"},
            via="api:integration",
        ),
        AuditEvent(
            at=START + timedelta(days=3),
            user=pmo,
            programme_id=other.id,
            action="kpi.deleted",
            entity="kpi",
            entity_id=99,
            before={"name": "Secret elsewhere"},
            after=None,
        ),
    ]
    db.session.add_all(events)
    db.session.flush()
    return {"programme": programme, "pmo": pmo, "sponsor": sponsor}


def _url(world, **query) -> str:
    args = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/programmes/{world['programme'].id}/audit" + (f"?{args}" if args else "")


def _rows(html: str) -> list[str]:
    return [chunk.split('"', 1)[0] for chunk in html.split('id="audit-event-')[1:]]


def test_admin_sees_events_newest_first_with_who_when_diff_and_via(app, world):
    page = factories.logged_in(app).get(_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    actions = [a for a in ("kpi.created", "gate.approved", "phase.updated") if a in html]
    assert actions == ["kpi.created", "gate.approved", "phase.updated"]
    assert html.index("kpi.created") < html.index("gate.approved") < html.index("phase.updated")
    assert "Secret elsewhere" not in html  # another programme's event
    assert "2026-03-03 09:30:00" in html and "When (UTC)" in html
    assert "Sol Sponsor" in html and "api:integration" in html
    assert "Assess → Assessment" in html
    assert "owner_id" not in html  # unchanged fields are left out of the diff
    assert "submitted → approved" in html and "— → Criteria met" in html
    assert 'aria-current="page">Audit</a>' in html


@pytest.mark.parametrize(
    ("email", "status"), [("sponsor@example.com", 403), ("outsider@example.com", 404)]
)
def test_only_the_programmes_admins_see_the_trail(app, world, email, status):
    assert factories.logged_in(app, email).get(_url(world)).status_code == status


def test_the_audit_tab_shows_for_admins_only(app, world):
    overview = f"/programmes/{world['programme'].id}"
    assert b">Audit</a>" in factories.logged_in(app).get(overview).data
    assert b">Audit</a>" not in factories.logged_in(app, "sponsor@example.com").get(overview).data


def test_filters_narrow_the_events(app, world):
    client = factories.logged_in(app)

    def shown(**query):
        return _rows(client.get(_url(world, **query)).get_data(as_text=True))

    assert len(shown()) == 3
    assert len(shown(action="gate.")) == 1
    assert len(shown(action="%")) == 0  # a prefix, not a pattern
    assert len(shown(entity="kpi")) == 1
    assert len(shown(user=world["pmo"].id)) == 1
    assert len(shown(date_from="2026-03-03")) == 2
    assert len(shown(date_to="2026-03-03")) == 2
    assert len(shown(date_from="2026-03-03", date_to="2026-03-03")) == 1
    invalid = client.get(_url(world, date_from="soon"))
    assert invalid.status_code == 200 and len(_rows(invalid.get_data(as_text=True))) == 3


def test_htmx_gets_only_the_results(app, world):
    response = factories.logged_in(app).get(_url(world, entity="gate"), headers=HTMX)
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="audit-results"' in html
    assert len(_rows(html)) == 1


def test_events_are_paged_fifty_at_a_time(app, world):
    db.session.add_all(
        AuditEvent(
            at=START - timedelta(minutes=n),
            programme_id=world["programme"].id,
            action="raid.updated",
            entity="raid_item",
            entity_id=n,
            before={"status": "open"},
            after={"status": "closed"},
        )
        for n in range(1, 61)
    )
    db.session.flush()
    client = factories.logged_in(app)
    first = client.get(_url(world)).get_data(as_text=True)
    assert len(_rows(first)) == 50 and "page 1 of 2" in first and 'rel="next"' in first
    second = client.get(_url(world, page=2, entity="raid_item")).get_data(as_text=True)
    assert len(_rows(second)) == 10 and 'rel="prev"' in second
    assert "entity=raid_item" in second.split('rel="prev"')[0].rsplit("<a", 1)[1]
