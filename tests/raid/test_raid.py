"""The RAID log: adding and editing items, filters, the heat map, overdue items, access."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, text

from tests import factories
from tests.statements import statements_for_page
from transform import clock
from transform.extensions import db
from transform.models import (
    AuditEvent,
    Phase,
    Programme,
    ProgrammeStatus,
    RaidItem,
    RaidKind,
    RaidStatus,
)
from transform.raid import service
from transform.raid.queries import RaidFilters, raid_log

STALE = b"Someone changed this item since you opened it. Reload to see their changes."


def _phases(programme) -> list[Phase]:
    return list(
        db.session.scalars(
            select(Phase).where(Phase.programme_id == programme.id).order_by(Phase.position)
        )
    )


def _item(programme, title: str = "Key users unavailable", **values) -> RaidItem:
    """A RAID item of the programme, added directly; defaults to an open risk, 3 × 3."""
    item = RaidItem(programme_id=programme.id, title=title, **({"kind": RaidKind.RISK} | values))
    db.session.add(item)
    db.session.flush()
    return item


def _items_count() -> int:
    return db.session.scalar(select(func.count()).select_from(RaidItem))


def _listed_titles(html: bytes) -> list[str]:
    return [
        unescape(t) for t in re.findall(r'<span class="raid-title">(.*?)</span>', html.decode())
    ]


def _form(**changes) -> dict:
    """Form data for a valid item, with the given changes."""
    data = {
        "kind": "risk",
        "title": "Legacy system freeze slips",
        "description": "",
        "phase_id": "",
        "owner_id": "",
        "severity": "3",
        "likelihood": "3",
        "status": "open",
        "due_on": "",
    }
    return data | changes


# Adding and editing


def test_pmo_adds_an_item_with_every_field(client, programme, people, pmo):
    phase = _phases(programme)[1]
    data = _form(
        kind="dependency",
        title="  Payroll interface from the HR programme  ",
        description="Needs the new interface before go-live.",
        phase_id=str(phase.id),
        owner_id=str(people["agent"].id),
        severity="4",
        likelihood="2",
        status="mitigating",
        due_on="2026-06-30",
    )
    response = client.post(f"/programmes/{programme.id}/raid/new", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/programmes/{programme.id}/raid"
    item = db.session.scalar(select(RaidItem).where(RaidItem.programme_id == programme.id))
    assert (item.kind, item.title, item.description) == (
        RaidKind.DEPENDENCY,
        "Payroll interface from the HR programme",
        "Needs the new interface before go-live.",
    )
    assert (item.phase_id, item.owner_id) == (phase.id, people["agent"].id)
    assert (item.severity, item.likelihood, item.status) == (4, 2, RaidStatus.MITIGATING)
    assert item.due_on == date(2026, 6, 30)
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "raid.created"))
    assert (event_.entity_id, event_.programme_id, event_.user_id) == (
        item.id,
        programme.id,
        pmo.id,
    )
    assert event_.after["due_on"] == "2026-06-30" and event_.after["kind"] == "dependency"
    listing = client.get(response.headers["Location"])
    assert b"Payroll interface from the HR programme" in listing.data
    assert b"Added dependency" in listing.data


def test_new_item_form_offers_the_programmes_phases_and_members(client, programme, pmo):
    page = client.get(f"/programmes/{programme.id}/raid/new")
    assert page.status_code == 200
    html = page.data.decode()
    owner_select = html[
        html.index('id="owner_id"') : html.index("</select>", html.index('id="owner_id"'))
    ]
    assert (
        "Pam PMO" in owner_select and "Ari Agent" in owner_select and "Sol Sponsor" in owner_select
    )
    assert "Otto Outsider" not in owner_select
    assert "Phase 1" in html and "Phase 2" in html
    assert "5 Severe" in html and "1 Rare" in html and "5 Almost certain" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", b"This field is required."),
        ({"title": "   "}, "title", b"This field is required."),
        ({"title": "x" * 201}, "title", b"Field cannot be longer than 200 characters."),
        ({"due_on": "2027-01-04"}, "due_on", b"Must fall within the programme"),
        ({"due_on": "2026-01-04"}, "due_on", b"Must fall within the programme"),
        ({"due_on": "soon"}, "due_on", b"Not a valid date value."),
        ({"severity": "6"}, "severity", b"Not a valid choice."),
        ({"severity": "high"}, "severity", b"Invalid Choice: could not coerce."),
        ({"likelihood": "0"}, "likelihood", b"Not a valid choice."),
        ({"kind": "opportunity"}, "kind", b"Invalid Choice: could not coerce."),
        ({"status": "done"}, "status", b"Invalid Choice: could not coerce."),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_saved(
    client, programme, pmo, changes, field, message
):
    response = client.post(f"/programmes/{programme.id}/raid/new", data=_form(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data
    assert _items_count() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_owner_and_phase_must_belong_to_the_programme(client, programme, people, pmo):
    other = factories.programme(admin=people["outsider"], name="Other")
    data = _form(owner_id=str(people["outsider"].id), phase_id=str(_phases(other)[0].id))
    response = client.post(f"/programmes/{programme.id}/raid/new", data=data)
    assert response.status_code == 422
    assert b'id="owner_id-error"' in response.data
    assert b'id="phase_id-error"' in response.data
    assert _items_count() == 0


def test_pmo_edits_an_item(client, programme, people, pmo):
    item = _item(programme, severity=2, likelihood=2)
    page = client.get(f"/programmes/{programme.id}/raid/{item.id}/edit")
    assert page.status_code == 200
    assert b'name="version" type="hidden" value="1"' in page.data
    data = _form(
        title="Key users unavailable in March",
        severity="5",
        likelihood="4",
        status="closed",
        owner_id=str(people["sponsor"].id),
        version="1",
    )
    response = client.post(f"/programmes/{programme.id}/raid/{item.id}/edit", data=data)
    assert response.status_code == 303
    item = db.session.get(RaidItem, item.id)
    assert (item.title, item.severity, item.likelihood) == ("Key users unavailable in March", 5, 4)
    assert (item.status, item.owner_id, item.version) == (
        RaidStatus.CLOSED,
        people["sponsor"].id,
        2,
    )
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "raid.updated"))
    assert event_.before["severity"] == 2 and event_.after["severity"] == 5
    assert event_.before["status"] == "open" and event_.after["status"] == "closed"


def test_a_stale_edit_is_refused_and_nothing_saved(app, client, programme, pmo):
    item = _item(programme, severity=2)
    url = f"/programmes/{programme.id}/raid/{item.id}/edit"
    opened = client.get(url)
    assert b'value="1"' in opened.data
    # A colleague saves first, from another browser.
    colleague = app.test_client()
    colleague.post(
        "/auth/login", data={"email": "pmo@example.com", "password": factories.PASSWORD}
    )
    first = colleague.post(url, data=_form(title="Their title", severity="4", version="1"))
    assert first.status_code == 303

    response = client.post(url, data=_form(title="My title", severity="1", version="1"))
    assert response.status_code == 409
    assert STALE in response.data
    assert b'value="My title"' in response.data  # what they typed is kept to copy from
    assert f'href="{url}">Reload the latest version'.encode() in response.data
    item = db.session.get(RaidItem, item.id)
    assert (item.title, item.severity, item.version) == ("Their title", 4, 2)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions == ["raid.updated"]


def test_a_save_that_loses_the_race_is_refused(client, programme, pmo, monkeypatch):
    item = _item(programme)
    save = service.update_item

    def someone_saves_first(item_, draft):
        # Another request commits between this one's version check and its write.
        db.session.execute(
            text("UPDATE raid_item SET version = version + 1 WHERE id = :id"), {"id": item_.id}
        )
        return save(item_, draft)

    monkeypatch.setattr(service, "update_item", someone_saves_first)
    url = f"/programmes/{programme.id}/raid/{item.id}/edit"
    response = client.post(url, data=_form(title="Mine", version="1"))
    assert response.status_code == 409
    assert b"Changed since you opened it" in response.data
    item = db.session.get(RaidItem, item.id)
    assert item.title == "Key users unavailable"


def test_an_edit_without_the_version_it_was_opened_with_is_refused(client, programme, pmo):
    item = _item(programme)
    url = f"/programmes/{programme.id}/raid/{item.id}/edit"
    response = client.post(url, data=_form(title="Changed"))
    assert response.status_code == 409
    item = db.session.get(RaidItem, item.id)
    assert item.title == "Key users unavailable"


def test_an_invalid_edit_is_refused_at_the_field(client, programme, pmo):
    item = _item(programme)
    url = f"/programmes/{programme.id}/raid/{item.id}/edit"
    response = client.post(url, data=_form(title="", version="1"))
    assert response.status_code == 422
    assert b'id="title-error"' in response.data
    item = db.session.get(RaidItem, item.id)
    assert (item.title, item.version) == ("Key users unavailable", 1)


# Filters, heat map and overdue items


@pytest.fixture
def log_items(programme, people):
    phase_1, phase_2 = _phases(programme)
    return {
        "risk": _item(
            programme,
            "Risk A",
            severity=5,
            likelihood=4,
            owner_id=people["agent"].id,
            phase_id=phase_1.id,
        ),
        "risk_2": _item(programme, "Risk B", severity=5, likelihood=4, phase_id=phase_2.id),
        "closed": _item(programme, "Risk C", severity=5, likelihood=4, status=RaidStatus.CLOSED),
        "issue": _item(
            programme,
            "Issue D",
            kind=RaidKind.ISSUE,
            severity=2,
            likelihood=1,
            status=RaidStatus.MITIGATING,
            owner_id=people["agent"].id,
        ),
        "assumption": _item(
            programme, "Assumption E", kind=RaidKind.ASSUMPTION, severity=1, likelihood=1
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Risk A", "Risk B", "Risk C", "Issue D", "Assumption E"}),
        ("?kind=issue", {"Issue D"}),
        ("?kind=risk", {"Risk A", "Risk B", "Risk C"}),
        ("?status=closed", {"Risk C"}),
        ("?status=mitigating", {"Issue D"}),
        ("?status=active", {"Risk A", "Risk B", "Issue D", "Assumption E"}),
        ("?owner_id={agent}", {"Risk A", "Issue D"}),
        ("?phase_id={phase_2}", {"Risk B"}),
        ("?kind=risk&owner_id={agent}", {"Risk A"}),
        (
            "?kind=&status=&owner_id=&phase_id=",
            {"Risk A", "Risk B", "Risk C", "Issue D", "Assumption E"},
        ),
        # A value that is not allowed filters nothing rather than failing.
        (
            "?kind=opportunity&owner_id=abc",
            {"Risk A", "Risk B", "Risk C", "Issue D", "Assumption E"},
        ),
    ],
)
def test_filters_narrow_the_list(client, programme, people, log_items, query, expected, auth):
    auth.login("sponsor@example.com")
    query = query.format(agent=people["agent"].id, phase_2=_phases(programme)[1].id)
    response = client.get(f"/programmes/{programme.id}/raid{query}")
    assert response.status_code == 200
    assert set(_listed_titles(response.data)) == expected
    if "opportunity" not in query:
        assert b'class="error"' not in response.data  # a valid filter shows no complaint


def test_filter_by_a_non_member_owner_is_ignored(client, programme, people, log_items, pmo):
    response = client.get(f"/programmes/{programme.id}/raid?owner_id={people['outsider'].id}")
    assert response.status_code == 200
    assert len(_listed_titles(response.data)) == 5


def test_list_puts_open_items_first_by_score(client, programme, log_items, pmo):
    titles = _listed_titles(client.get(f"/programmes/{programme.id}/raid").data)
    assert titles == ["Risk A", "Risk B", "Issue D", "Assumption E", "Risk C"]


def test_grid_counts_items_not_closed_per_cell(programme, log_items):
    grid = raid_log(programme.id, RaidFilters(), date(2026, 5, 1)).grid
    counts = {(c.severity, c.likelihood): c.count for row in grid.rows for c in row.cells}
    assert [row.severity for row in grid.rows] == [5, 4, 3, 2, 1]
    assert [c.likelihood for c in grid.rows[0].cells] == [1, 2, 3, 4, 5]
    assert counts[(5, 4)] == 2  # the closed one is not counted
    assert counts[(2, 1)] == 1 and counts[(1, 1)] == 1
    assert sum(counts.values()) == grid.total == 4
    risks_only = raid_log(programme.id, RaidFilters(kind=RaidKind.RISK), date(2026, 5, 1)).grid
    assert risks_only.total == 2


def test_grid_is_coloured_by_score_band(programme):
    grid = raid_log(programme.id, RaidFilters(), date(2026, 5, 1)).grid
    bands = {(c.severity, c.likelihood): c.band for row in grid.rows for c in row.cells}
    assert bands[(1, 1)] == bands[(2, 2)] == "low"
    assert bands[(3, 3)] == bands[(5, 2)] == "medium"
    assert bands[(4, 3)] == bands[(5, 5)] == "high"


def test_grid_cell_links_to_the_items_it_counts(client, programme, log_items, pmo):
    page = client.get(f"/programmes/{programme.id}/raid").data.decode()
    cell = re.search(
        r'<a href="([^"]+)"[^>]*\s+aria-label="2 items not closed with severity 5 and '
        r"likelihood 4",
        page,
    )
    assert cell, "the 5 × 4 cell shows its count of 2 as a link"
    href = unescape(cell.group(1))
    assert "severity=5" in href and "likelihood=4" in href and "status=active" in href
    listing = client.get(href)
    assert set(_listed_titles(listing.data)) == {"Risk A", "Risk B"}
    assert b'aria-current="true"' in listing.data
    assert len(re.findall(r"aria-label=\"\d+ items? not closed", page)) == 25


def test_grid_cell_links_keep_the_other_filters(client, programme, people, log_items, pmo):
    page = client.get(f"/programmes/{programme.id}/raid?owner_id={people['agent'].id}")
    html = page.data.decode()
    cell = re.search(
        r'<a href="([^"]+)"[^>]*\s+aria-label="1 item not closed with severity 5', html
    )
    href = unescape(cell.group(1))
    assert f"owner_id={people['agent'].id}" in href
    assert set(_listed_titles(client.get(href).data)) == {"Risk A"}


def test_overdue_is_past_due_and_not_closed_on_the_given_day(programme):
    due = date(2026, 3, 2)
    late = _item(programme, "Late", due_on=due)
    _item(programme, "Late but closed", due_on=due, status=RaidStatus.CLOSED)
    _item(programme, "No date")

    def overdue_on(today):
        log = raid_log(programme.id, RaidFilters(), today)
        return {row.item.title for row in log.rows if row.is_overdue}, log.overdue

    assert overdue_on(due) == (set(), 0)
    assert overdue_on(due + timedelta(days=1)) == ({late.title}, 1)


def test_overdue_items_stand_out_in_the_list(client, programme, pmo):
    today = clock.today()
    late = _item(programme, "Late", due_on=today - timedelta(days=1))
    on_time = _item(programme, "On time", due_on=today + timedelta(days=1))
    closed = _item(
        programme, "Closed late", due_on=today - timedelta(days=1), status=RaidStatus.CLOSED
    )
    html = client.get(f"/programmes/{programme.id}/raid").data.decode()

    def row(item):
        return re.search(rf'<tr class="([^"]*)" id="raid-item-{item.id}">(.*?)</tr>', html, re.S)

    assert "raid-overdue" in row(late).group(1) and "Overdue" in row(late).group(2)
    assert "raid-overdue" not in row(on_time).group(1) and "Overdue" not in row(on_time).group(2)
    assert "raid-overdue" not in row(closed).group(1)
    assert "1 overdue" in html


def test_list_and_grid_take_a_fixed_number_of_queries(app, client, programme, people, pmo):
    def queries_for_page() -> int:
        return statements_for_page(client, f"/programmes/{programme.id}/raid")

    phase = _phases(programme)[0]
    _item(programme, "One", owner_id=people["agent"].id, phase_id=phase.id)
    few = queries_for_page()
    assert few > 0
    for n in range(8):
        owner = factories.user(name=f"Owner {n}")
        _item(programme, f"More {n}", owner_id=owner.id, phase_id=_phases(programme)[n % 2].id)
    assert queries_for_page() == few


# htmx


def test_htmx_filter_request_gets_only_the_results_partial(client, programme, log_items, pmo):
    url = f"/programmes/{programme.id}/raid?kind=issue"
    page = client.get(url)
    assert b"<html" in page.data and b'id="raid-results"' in page.data
    assert "HX-Request" in page.headers["Vary"]
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.data and b'id="raid-results"' not in fragment.data
    assert b'class="heatmap"' in fragment.data and b"Issue D" in fragment.data
    assert b"Risk A" not in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]


def test_every_htmx_link_and_form_works_without_javascript(client, programme, log_items, pmo):
    html = client.get(f"/programmes/{programme.id}/raid?severity=5&likelihood=4").data.decode()
    elements = re.findall(r"<(?:a|form)\b[^>]*\bhx-get=[^>]*>", html)
    assert len(elements) > 25  # the filter form, 25 cells, clear links
    for element in elements:
        assert 'hx-push-url="true"' in element
        assert ('href="' in element) or ('method="get"' in element and 'action="' in element)


def test_user_text_is_escaped(client, programme, pmo):
    _item(programme, '<img src=x onerror="alert(1)">', description="<b hx-post='/x'>")
    html = client.get(f"/programmes/{programme.id}/raid").data
    assert b"<img src=x" not in html and b"<b hx-post" not in html
    assert b"&lt;img src=x" in html


# Access


@pytest.mark.parametrize("email", ["agent@example.com", "sponsor@example.com"])
def test_sponsors_and_change_agents_read_but_cannot_write(client, auth, programme, email):
    item = _item(programme)
    auth.login(email)
    page = client.get(f"/programmes/{programme.id}/raid")
    assert page.status_code == 200
    assert b"Key users unavailable" in page.data
    assert b"New item" not in page.data and b"/edit" not in page.data
    base = f"/programmes/{programme.id}/raid"
    assert client.get(f"{base}/new").status_code == 403
    assert client.post(f"{base}/new", data=_form()).status_code == 403
    assert client.get(f"{base}/{item.id}/edit").status_code == 403
    edit = client.post(f"{base}/{item.id}/edit", data=_form(title="Hi", version="1"))
    assert edit.status_code == 403
    item = db.session.get(RaidItem, item.id)
    assert item.title == "Key users unavailable" and _items_count() == 1


def test_pmo_sees_the_add_and_edit_links(client, programme, pmo):
    item = _item(programme)
    html = client.get(f"/programmes/{programme.id}/raid").data.decode()
    assert f'href="/programmes/{programme.id}/raid/new"' in html
    assert f'href="/programmes/{programme.id}/raid/{item.id}/edit"' in html


def test_non_members_get_404(client, auth, programme):
    item = _item(programme)
    auth.login("outsider@example.com")
    base = f"/programmes/{programme.id}/raid"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/new").status_code == 404
    assert client.post(f"{base}/new", data=_form()).status_code == 404
    assert client.get(f"{base}/{item.id}/edit").status_code == 404
    assert client.post(f"{base}/{item.id}/edit", data=_form()).status_code == 404
    assert _items_count() == 1


def test_an_item_of_another_programme_is_404(client, programme, people, pmo):
    other = factories.programme(admin=people["pmo"], name="Other")
    theirs = _item(other, "Theirs")
    url = f"/programmes/{programme.id}/raid/{theirs.id}/edit"
    assert client.get(url).status_code == 404
    response = client.post(url, data=_form(title="Moved", version="1"))
    assert response.status_code == 404
    theirs = db.session.get(RaidItem, theirs.id)
    assert theirs.title == "Theirs"


def test_logged_out_visitors_are_sent_to_log_in(client, programme):
    response = client.get(f"/programmes/{programme.id}/raid")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_an_archived_programme_is_read_only(client, programme, pmo):
    item = _item(programme)
    db.session.get(Programme, programme.id).status = ProgrammeStatus.ARCHIVED
    base = f"/programmes/{programme.id}/raid"
    page = client.get(base)
    assert page.status_code == 200
    assert "Archived · read-only".encode() in page.data
    assert b"New item" not in page.data and b"/edit" not in page.data
    assert client.post(f"{base}/new", data=_form()).status_code == 403
    edit = client.post(f"{base}/{item.id}/edit", data=_form(title="X", version="1"))
    assert edit.status_code == 403
    item = db.session.get(RaidItem, item.id)
    assert item.title == "Key users unavailable" and _items_count() == 1


def test_the_pmo_records_a_recommended_option_for_the_sponsor(client, programme, pmo):
    url = f"/programmes/{programme.id}/raid/new"
    refused = client.post(url, data=_form(recommendation="x" * 501))
    assert refused.status_code == 422 and b'id="recommendation-error"' in refused.data
    assert _items_count() == 0
    advice = "Fund a second vendor for the interface."
    assert client.post(url, data=_form(recommendation=f"  {advice} ")).status_code == 303
    item = db.session.scalar(select(RaidItem).where(RaidItem.programme_id == programme.id))
    assert item.recommendation == advice
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "raid.created"))
    assert created.after["recommendation"] == advice
