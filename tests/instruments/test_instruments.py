"""Survey instruments: the built-in pulse and readiness survey, custom instruments, the lock."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from transform.extensions import db
from transform.models import (
    Answer,
    AuditEvent,
    Instrument,
    InstrumentKind,
    Item,
    Programme,
    Response,
    Role,
    Team,
    Wave,
)
from transform.seeds import ADKAR_PULSE_NAME, READINESS_SURVEY_NAME, ensure_builtins

HTMX = {"HX-Request": "true"}
LOCKED = b"This instrument has responses; copy it to change it."
BUILT_IN = b"Built-in instruments are read-only; copy one to change it."


# Test data -------------------------------------------------------------------------------


@pytest.fixture
def builtins(db) -> dict[str, int]:
    ensure_builtins()
    instruments = db.session.scalars(select(Instrument).where(Instrument.is_builtin))
    return {instrument.name: instrument.id for instrument in instruments}


@pytest.fixture
def pmo(db):
    """A PMO admin of one programme: an instrument editor without being a site admin."""
    person = factories.user("pmo@example.com", name="Pam PMO")
    factories.programme(admin=person, name="Pam's programme")
    return person


@pytest.fixture
def editor(pmo, auth):
    auth.login("pmo@example.com")
    return pmo


def _instrument_with_items(name: str, kind: InstrumentKind, dimensions: list[str]) -> int:
    instrument = Instrument(
        name=name,
        kind=kind,
        description="For testing",
        intro="Tell us how it goes.",
        items=[
            Item(position=position, code=f"Q{position}", text=f"Statement {position}", dimension=d)
            for position, d in enumerate(dimensions, start=1)
        ],
    )
    db.session.add(instrument)
    db.session.flush()
    return instrument.id


@pytest.fixture
def custom(db) -> int:
    """A custom instrument of three items: two on workload, one on awareness."""
    return _instrument_with_items(
        "Team pulse", InstrumentKind.CUSTOM, ["workload", "workload", "awareness"]
    )


def _respond(instrument_id: int, responses: int = 1) -> int:
    """A wave of the instrument in Pam's programme with answered responses; the wave's id."""
    programme = db.session.scalar(select(Programme).where(Programme.name == "Pam's programme"))
    team = Team(name="Billing", headcount=8)
    wave = Wave(
        programme_id=programme.id,
        instrument_id=instrument_id,
        name="March pulse",
        opens_on=date(2026, 3, 2),
        closes_on=date(2026, 3, 13),
    )
    db.session.add_all([team, wave])
    db.session.flush()
    item_id = db.session.scalar(
        select(Item.id).where(Item.instrument_id == instrument_id).order_by(Item.position)
    )
    for _ in range(responses):
        db.session.add(
            Response(
                wave_id=wave.id,
                team_id=team.id,
                submitted_on=date(2026, 3, 5),
                answers=[Answer(item_id=item_id, value=4)],
            )
        )
    db.session.flush()
    return wave.id


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _instrument(instrument_id: int) -> Instrument | None:
    return db.session.scalar(
        select(Instrument)
        .where(Instrument.id == instrument_id)
        .execution_options(populate_existing=True)
    )


def _items(instrument_id: int) -> list[Item]:
    return list(
        db.session.scalars(
            select(Item)
            .where(Item.instrument_id == instrument_id)
            .order_by(Item.position)
            .execution_options(populate_existing=True)
        )
    )


def _outline(instrument_id: int) -> list[tuple]:
    """Everything the items say, position by position, for deep comparisons."""
    return [
        (
            i.position,
            i.code,
            i.text,
            i.dimension,
            i.scale_points,
            i.is_reverse,
            i.allows_dont_know,
            i.is_required,
        )
        for i in _items(instrument_id)
    ]


def _item_data(prefix: str = "item", **changes) -> dict:
    data = {
        "code": "WL3",
        "text": "I have enough time for the new way of working.",
        "dimension": "_other",
        "custom_dimension": "Workload",
        "scale_points": "5",
        "is_required": "y",
    } | changes
    return {f"{prefix}-{name}": value for name, value in data.items() if value is not None}


def _table_row(html: bytes, text: str) -> str:
    return next(row for row in html.decode().split("<tr") if text in row)


def _is_fragment(response) -> bool:
    return b"<html" not in response.data and b'id="items"' in response.data


# Reading ---------------------------------------------------------------------------------


def test_pages_need_a_login(client, builtins):
    assert client.get("/instruments/").status_code == 302
    assert client.get(f"/instruments/{builtins[ADKAR_PULSE_NAME]}").status_code == 302


def test_index_lists_instruments_with_items_dimensions_waves_and_lock(
    client, editor, builtins, custom
):
    other = _instrument_with_items("Unused survey", InstrumentKind.READINESS, ["efficacy"])
    _respond(custom, responses=2)
    _respond(builtins[ADKAR_PULSE_NAME])
    page = client.get("/instruments/")
    assert page.status_code == 200
    assert b'href="/instruments/"' in page.data  # the top navigation links here

    def cells(name):
        row = _table_row(page.data, f">{name}</a>")
        return re.findall(r'<td class="num instrument-\w+">(\d+)</td>', row), row

    numbers, pulse = cells(ADKAR_PULSE_NAME)
    assert numbers == ["15", "1"]
    assert "Built-in" in pulse and ">ADKAR<" in pulse and "Read-only" in pulse
    assert "Awareness, Desire, Knowledge, Ability, Reinforcement" in pulse
    numbers, readiness = cells(READINESS_SURVEY_NAME)
    assert numbers == ["10", "0"]
    assert ">Readiness<" in readiness and "Change commitment, Change efficacy" in readiness
    numbers, team_pulse = cells("Team pulse")
    assert numbers == ["3", "1"]
    assert ">Custom<" in team_pulse and "Built-in" not in team_pulse
    assert "Workload, Awareness" in team_pulse and "Locked: has responses" in team_pulse
    numbers, unused = cells("Unused survey")
    assert numbers == ["1", "0"] and "Editable" in unused
    assert _instrument(other) is not None
    # Built-ins first, then by name.
    text = page.data.decode()
    order = [ADKAR_PULSE_NAME, READINESS_SURVEY_NAME, "Team pulse", "Unused survey"]
    assert [text.index(f">{name}</a>") for name in order] == sorted(
        text.index(f">{name}</a>") for name in order
    )


def test_show_lists_items_in_order_grouped_by_dimension(client, auth, builtins):
    factories.user("reader@example.com")
    auth.login("reader@example.com")
    page = client.get(f"/instruments/{builtins[ADKAR_PULSE_NAME]}").data.decode()
    codes = [f"<code>{element}{n}</code>" for element in "AW DE KN AB RE".split() for n in "123"]
    offsets = [page.index(code) for code in codes]
    assert offsets == sorted(offsets)
    groups = re.findall(r'<th scope="colgroup" colspan="4">(\w+) <small', page)
    assert groups == ["Awareness", "Desire", "Knowledge", "Ability", "Reinforcement"]
    assert "15 items:" in page and "Awareness 3 · Desire 3" in page
    reverse = _table_row(page.encode(), "<code>AW3</code>")
    assert "Reverse-coded" in reverse and "1–5" in reverse and "Required" in reverse
    assert "Reverse-coded" not in _table_row(page.encode(), "<code>AW1</code>")
    assert "I understand why the way we work is changing." in page
    # The preview shows the first item on its scale, as respondents see it.
    assert "What respondents see" in page and "Strongly disagree" in page
    assert "This survey asks how the change in your team is going for you." in page
    # A reader who edits nothing sees no editing controls and no copy button.
    assert "Add an item" not in page and "hx-post" not in page and "Copy to change" not in page

    readiness = client.get(f"/instruments/{builtins[READINESS_SURVEY_NAME]}").data
    assert b"Change commitment <small" in readiness and b"Change efficacy <small" in readiness
    assert "Don't know allowed" in _table_row(readiness, "<code>EF1</code>")
    assert "Don't know allowed" not in _table_row(readiness, "<code>CM1</code>")


def test_a_built_in_instrument_offers_a_copy_and_no_editing(client, editor, builtins):
    page = client.get(f"/instruments/{builtins[READINESS_SURVEY_NAME]}").data.decode()
    assert "Copy to change" in page and "Built-in instruments are read-only" in page
    assert "Add an item" not in page and "hx-post" not in page
    assert "Delete instrument" not in page and "Edit details" not in page


def test_a_missing_instrument_is_not_found(client, editor):
    assert client.get("/instruments/999999").status_code == 404
    assert client.post("/instruments/999999/items", data=_item_data()).status_code == 404


# Creating and editing the instrument ---------------------------------------------------


@pytest.mark.parametrize("site_admin", [True, False])
def test_editors_create_a_custom_instrument(client, auth, site_admin):
    if site_admin:
        factories.user("root@example.com", is_site_admin=True)
    else:
        factories.programme(admin=factories.user("root@example.com"))
    auth.login("root@example.com")
    assert client.get("/instruments/new").status_code == 200
    response = client.post(
        "/instruments/new",
        data={
            "name": "  Hybrid work pulse ",
            "kind": "custom",
            "description": "Ours",
            "intro": "Two minutes, anonymous.",
        },
    )
    assert response.status_code == 303
    instrument = db.session.scalar(
        select(Instrument).where(Instrument.name == "Hybrid work pulse")
    )
    assert response.headers["Location"] == f"/instruments/{instrument.id}"
    assert (instrument.is_builtin, instrument.kind, instrument.items) == (
        False,
        InstrumentKind.CUSTOM,
        [],
    )
    assert (instrument.description, instrument.intro) == ("Ours", "Two minutes, anonymous.")
    page = client.get(response.headers["Location"]).data
    assert b"Add an item" in page and b"No items yet." in page
    assert b"Created Hybrid work pulse." in page
    assert factories.audit_actions("instrument") == ["created"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "Team pulse"}, "name", "An instrument with this name already exists."),
        ({"name": "team PULSE "}, "name", "An instrument with this name already exists."),
        ({"name": ADKAR_PULSE_NAME}, "name", "An instrument with this name already exists."),
        ({"name": "x" * 161}, "name", "Field cannot be longer than 160 characters."),
        ({"kind": "nps"}, "kind", "Choose Custom, ADKAR or Readiness."),
    ],
)
def test_bad_instruments_are_refused_at_the_field(
    client, editor, builtins, custom, data, field, message
):
    before = _count(Instrument)
    response = client.post("/instruments/new", data={"name": "Mine", "kind": "custom"} | data)
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message.encode() in response.data
    assert _count(Instrument) == before


def test_edit_an_instruments_name_description_intro_and_kind(client, editor, custom):
    url = f"/instruments/{custom}/edit"
    form = client.get(url)
    assert form.status_code == 200 and b'value="Team pulse"' in form.data
    response = client.post(
        url,
        data={"name": "Team pulse", "kind": "custom", "description": "New", "intro": "Hello"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/instruments/{custom}"
    instrument = _instrument(custom)
    assert (instrument.name, instrument.description, instrument.intro) == (
        "Team pulse",
        "New",
        "Hello",
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "updated"))
    assert (event.before["description"], event.after["description"]) == ("For testing", "New")

    # Its workload items do not fit an ADKAR instrument; renaming onto another name is refused.
    _instrument_with_items("Other pulse", InstrumentKind.CUSTOM, ["desire"])
    for data, field, message in [
        ({"kind": "adkar"}, "kind", b"These items do not fit: Q1, Q2."),
        ({"kind": "readiness"}, "kind", b"These items do not fit: Q1, Q2, Q3."),
        ({"name": "Other pulse"}, "name", b"An instrument with this name already exists."),
    ]:
        refused = client.post(url, data={"name": "Team pulse", "kind": "custom"} | data)
        assert refused.status_code == 422
        assert f'id="{field}-error"'.encode() in refused.data and message in refused.data
    assert _instrument(custom).kind == InstrumentKind.CUSTOM

    # Once every item measures an ADKAR element, the instrument may become an ADKAR one.
    other = db.session.scalar(select(Instrument.id).where(Instrument.name == "Other pulse"))
    assert (
        client.post(
            f"/instruments/{other}/edit", data={"name": "Other pulse", "kind": "adkar"}
        ).status_code
        == 303
    )
    assert _instrument(other).kind == InstrumentKind.ADKAR


# Items -----------------------------------------------------------------------------------


def test_add_an_item_with_htmx_returns_the_item_list(client, editor, custom):
    response = client.post(
        f"/instruments/{custom}/items",
        data=_item_data(scale_points="7", is_reverse="y", allows_dont_know="y"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert _is_fragment(response)
    assert b"<code>WL3</code>" in response.data
    assert b"4 items:" in response.data
    # The add form comes back empty and focused for the next item.
    assert re.search(
        r'<input [^>]*autofocus id="item-code"[^>]* value="">', response.data.decode()
    )
    assert _outline(custom)[-1] == (
        4,
        "WL3",
        "I have enough time for the new way of working.",
        "workload",
        7,
        True,
        True,
        True,
    )
    assert [item.position for item in _items(custom)] == [1, 2, 3, 4]
    assert factories.audit_actions("item") == ["created"]


def test_add_an_item_without_javascript_redirects_back(client, editor, custom):
    response = client.post(
        f"/instruments/{custom}/items",
        data=_item_data(code="AW9", dimension="awareness", custom_dimension="ignored"),
    )
    assert response.status_code == 303
    item = _items(custom)[-1]
    assert response.headers["Location"] == f"/instruments/{custom}#item-{item.id}"
    assert (item.code, item.dimension, item.scale_points, item.is_required) == (
        "AW9",
        "awareness",
        5,
        True,
    )
    assert (item.is_reverse, item.allows_dont_know) == (False, False)


def test_an_optional_item(client, editor, custom):
    client.post(f"/instruments/{custom}/items", data=_item_data(is_required=None))
    assert _items(custom)[-1].is_required is False
    page = client.get(f"/instruments/{custom}").data
    assert "Optional" in _table_row(page, "<code>WL3</code>")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": ""}, "code", "This field is required."),
        ({"code": "WL 3"}, "code", "Use letters, digits, _ and - only, no spaces."),
        ({"code": "é1"}, "code", "Use letters, digits, _ and - only, no spaces."),
        ({"code": "x" * 41}, "code", "Field cannot be longer than 40 characters."),
        ({"code": "Q2"}, "code", "Another item of this instrument already has this code."),
        ({"code": "q2"}, "code", "Another item of this instrument already has this code."),
        ({"text": ""}, "text", "This field is required."),
        ({"text": "  "}, "text", "This field is required."),
        ({"text": "x" * 401}, "text", "Field cannot be longer than 400 characters."),
        ({"scale_points": "6"}, "scale_points", "Choose a 5-point or a 7-point scale."),
        ({"scale_points": "ten"}, "scale_points", "Choose a 5-point or a 7-point scale."),
        ({"dimension": ""}, "dimension", "This field is required."),
        ({"dimension": "morale"}, "dimension", "Choose a dimension from the list."),
        ({"custom_dimension": ""}, "custom_dimension", "Name the dimension this item measures."),
        (
            {"custom_dimension": "x" * 61},
            "custom_dimension",
            "Field cannot be longer than 60 characters.",
        ),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_items_are_refused_at_the_field(client, editor, custom, changes, field, message, htmx):
    before = _outline(custom)
    response = client.post(
        f"/instruments/{custom}/items", data=_item_data(**changes), headers=HTMX if htmx else {}
    )
    assert response.status_code == 422
    assert _is_fragment(response) is htmx
    assert f'id="item-{field}-error"'.encode() in response.data
    assert message.encode() in response.data
    assert _outline(custom) == before
    assert factories.audit_actions("item") == []


def test_edit_an_item_in_place(client, editor, custom):
    first, second, _third = _items(custom)
    url = f"/instruments/{custom}/items/{second.id}/edit"
    form = client.get(url, headers=HTMX)
    assert form.status_code == 200 and _is_fragment(form)
    html = form.data.decode()
    assert "Edit item 2" in html
    assert f'id="item-{second.id}-code"' in html and 'value="Q2"' in html
    assert '<option selected value="_other">' in html and 'value="workload"' in html
    # Without JavaScript the same form opens on the whole page.
    page = client.get(url)
    assert page.status_code == 200 and b"<html" in page.data and b"Edit item 2" in page.data

    prefix = f"item-{second.id}"
    saved = client.post(
        url,
        data=_item_data(
            prefix,
            code="Q2",
            text="My workload is manageable.",
            dimension="ability",
            scale_points="7",
            is_reverse="y",
        ),
        headers=HTMX,
    )
    assert saved.status_code == 200 and _is_fragment(saved)
    assert b"My workload is manageable." in saved.data and b"Edit item" not in saved.data
    assert _outline(custom)[1] == (
        2,
        "Q2",
        "My workload is manageable.",
        "ability",
        7,
        True,
        False,
        True,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "updated"))
    assert (event.entity, event.before["dimension"], event.after["dimension"]) == (
        "item",
        "workload",
        "ability",
    )

    taken = client.post(url, data=_item_data(prefix, code="q1"), headers=HTMX)
    assert taken.status_code == 422 and _is_fragment(taken)
    assert f'id="{prefix}-code-error"'.encode() in taken.data
    assert b"Another item of this instrument already has this code." in taken.data
    plain = client.post(url, data=_item_data(prefix, code="Q2b"))
    assert plain.status_code == 303
    assert plain.headers["Location"] == f"/instruments/{custom}#item-{second.id}"
    assert [i.code for i in _items(custom)] == ["Q1", "Q2b", "Q3"]
    assert first.id == _items(custom)[0].id


@pytest.mark.parametrize("htmx", [True, False])
def test_removing_items_keeps_positions_contiguous(client, editor, custom, htmx):
    first, second, third = (item.id for item in _items(custom))
    response = client.post(
        f"/instruments/{custom}/items/{second}/remove", headers=HTMX if htmx else {}
    )
    assert response.status_code == (200 if htmx else 303)
    assert _is_fragment(response) is htmx
    assert [(i.position, i.code) for i in _items(custom)] == [(1, "Q1"), (2, "Q3")]
    client.post(f"/instruments/{custom}/items/{first}/remove")
    assert [(i.position, i.id) for i in _items(custom)] == [(1, third)]
    assert factories.audit_actions("item") == ["deleted", "deleted"]
    if htmx:
        assert b"<code>Q2</code>" not in response.data and b"2 items:" in response.data


@pytest.mark.parametrize("htmx", [True, False])
def test_items_move_up_and_down(client, editor, custom, htmx):
    headers = HTMX if htmx else {}
    first, second, third = (item.id for item in _items(custom))

    def move(item_id, direction):
        url = f"/instruments/{custom}/items/{item_id}/move"
        return client.post(url, data={"direction": direction}, headers=headers)

    response = move(third, "up")
    assert response.status_code == (200 if htmx else 303)
    if htmx:
        assert _is_fragment(response)
        page = response.data.decode()
        assert page.index("<code>Q3</code>") < page.index("<code>Q2</code>")
    assert [(i.position, i.code) for i in _items(custom)] == [(1, "Q1"), (2, "Q3"), (3, "Q2")]
    move(first, "down")
    move(second, "down")  # already last: stays put
    assert [i.code for i in _items(custom)] == ["Q3", "Q1", "Q2"]
    move(second, "up")
    move(second, "up")
    move(second, "up")  # already first: stays put
    assert [(i.position, i.code) for i in _items(custom)] == [(1, "Q2"), (2, "Q3"), (3, "Q1")]
    assert move(first, "sideways").status_code == 400


def test_items_of_another_instrument_are_not_found(client, editor, custom):
    other = _instrument_with_items("Other pulse", InstrumentKind.CUSTOM, ["workload"])
    item_id = _items(other)[0].id
    for method, path in [
        ("get", f"items/{item_id}/edit"),
        ("post", f"items/{item_id}/edit"),
        ("post", f"items/{item_id}/remove"),
        ("post", f"items/{item_id}/move"),
        ("post", "items/999999/remove"),
    ]:
        response = getattr(client, method)(f"/instruments/{custom}/{path}", data={})
        assert response.status_code == 404, path
    assert len(_items(other)) == 1


# What each kind of instrument may measure ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "allowed", "refused", "rule"),
    [
        (
            InstrumentKind.ADKAR,
            ["awareness", "desire", "knowledge", "ability", "reinforcement"],
            ["commitment", "efficacy", "_other"],
            "An ADKAR instrument measures only the five ADKAR elements",
        ),
        (
            InstrumentKind.READINESS,
            ["commitment", "efficacy"],
            ["awareness", "reinforcement", "_other"],
            "A readiness instrument measures only change commitment and change efficacy.",
        ),
    ],
)
def test_adkar_and_readiness_instruments_take_only_their_dimensions(
    client, editor, kind, allowed, refused, rule
):
    instrument_id = _instrument_with_items("Kind test", kind, [])
    page = client.get(f"/instruments/{instrument_id}").data.decode()
    offered = re.findall(
        r'<option (?:selected )?value="(\w+)"', page.split('id="item-dimension"')[1]
    )
    assert offered[: len(allowed)] == allowed
    assert not set(offered) & set(refused)
    assert 'id="item-custom_dimension"' not in page
    for dimension in refused:
        response = client.post(
            f"/instruments/{instrument_id}/items",
            data=_item_data(dimension=dimension, custom_dimension="workload"),
            headers=HTMX,
        )
        assert response.status_code == 422, dimension
        assert b'id="item-dimension-error"' in response.data and rule.encode() in response.data
    # A custom name that spells a refused dimension is refused too.
    response = client.post(
        f"/instruments/{instrument_id}/items",
        data=_item_data(dimension="_other", custom_dimension=refused[0].upper()),
    )
    assert response.status_code == 422
    assert _items(instrument_id) == []
    for number, dimension in enumerate(allowed):
        response = client.post(
            f"/instruments/{instrument_id}/items",
            data=_item_data(code=f"D{number}", dimension=dimension),
        )
        assert response.status_code == 303, dimension
    assert [i.dimension for i in _items(instrument_id)] == allowed


def test_kinds_are_chosen_at_creation_and_explained(client, editor):
    page = client.get("/instruments/new").data.decode()
    assert "so each respondent's barrier point and the team's adoption index" in page
    response = client.post("/instruments/new", data={"name": "Our readiness", "kind": "readiness"})
    assert response.status_code == 303
    instrument = db.session.scalar(select(Instrument).where(Instrument.name == "Our readiness"))
    assert instrument.kind == InstrumentKind.READINESS
    page = client.get(response.headers["Location"]).data.decode()
    assert "This is a readiness instrument" in page


def test_a_custom_instrument_takes_any_named_dimension_in_lower_case(client, editor, custom):
    for code, dimension, name in [
        ("A1", "_other", "  Team Climate "),
        ("A2", "commitment", ""),
        ("A3", "_other", "Reinforcement"),
    ]:
        response = client.post(
            f"/instruments/{custom}/items",
            data=_item_data(code=code, dimension=dimension, custom_dimension=name),
        )
        assert response.status_code == 303
    assert [i.dimension for i in _items(custom)][3:] == [
        "team climate",
        "commitment",
        "reinforcement",
    ]
    page = client.get(f"/instruments/{custom}").data.decode()
    assert "Team climate <small" in page and "Change commitment <small" in page


# Built-ins, copies and the lock ----------------------------------------------------------


def _write_requests(instrument_id: int, item_id: int) -> list[tuple[str, str, dict]]:
    base = f"/instruments/{instrument_id}"
    item = f"{base}/items/{item_id}"
    return [
        ("get", f"{base}/edit", {}),
        ("post", f"{base}/edit", {"name": "Renamed", "kind": "custom"}),
        ("post", f"{base}/delete", {}),
        ("post", f"{base}/items", _item_data(code="NEW1", dimension="awareness")),
        ("get", f"{item}/edit", {}),
        ("post", f"{item}/edit", _item_data(f"item-{item_id}", code="NEW2")),
        ("post", f"{item}/remove", {}),
        ("post", f"{item}/move", {"direction": "down"}),
    ]


@pytest.mark.parametrize("htmx", [True, False])
def test_built_in_instruments_cannot_be_changed_or_deleted(client, editor, builtins, htmx):
    instrument_id = builtins[ADKAR_PULSE_NAME]
    before = _outline(instrument_id)
    for method, url, data in _write_requests(instrument_id, _items(instrument_id)[0].id):
        response = getattr(client, method)(url, data=data, headers=HTMX if htmx else {})
        assert response.status_code == 403, url
        assert BUILT_IN in response.data
    assert _outline(instrument_id) == before
    assert _instrument(instrument_id).name == ADKAR_PULSE_NAME


def test_a_built_in_instrument_copies_deeply_to_a_custom_one(client, editor, builtins):
    source = builtins[READINESS_SURVEY_NAME]
    response = client.post(f"/instruments/{source}/copy")
    assert response.status_code == 303
    copy = db.session.scalar(
        select(Instrument).where(Instrument.name == f"Copy of {READINESS_SURVEY_NAME}")
    )
    assert response.headers["Location"] == f"/instruments/{copy.id}"
    original = _instrument(source)
    assert not copy.is_builtin
    assert (copy.kind, copy.description, copy.intro) == (
        InstrumentKind.READINESS,
        original.description,
        original.intro,
    )
    assert _outline(copy.id) == _outline(source)
    assert any(item[6] for item in _outline(copy.id))  # "don't know" came along
    assert any(item[5] for item in _outline(copy.id))  # so did reverse coding
    # The copy is editable, and changing it leaves the built-in alone.
    page = client.get(f"/instruments/{copy.id}").data
    assert b"Add an item" in page and b"Copied Readiness for change" in page
    client.post(f"/instruments/{copy.id}/items/{_items(copy.id)[0].id}/remove")
    assert len(_items(copy.id)) == 9 and len(_items(source)) == 10
    assert client.post(f"/instruments/{source}/copy").status_code == 303
    names = db.session.scalars(
        select(Instrument.name).where(Instrument.name.like("Copy of %"))
    ).all()
    assert sorted(names) == [
        f"Copy of {READINESS_SURVEY_NAME}",
        f"Copy of {READINESS_SURVEY_NAME} (2)",
    ]
    assert factories.audit_actions("instrument").count("instrument.copied") == 2


def test_a_custom_instrument_copies_with_every_item_attribute(client, editor, custom):
    item = _items(custom)[1]
    item.scale_points, item.is_reverse, item.allows_dont_know, item.is_required = (
        7,
        True,
        True,
        False,
    )
    db.session.flush()
    response = client.post(f"/instruments/{custom}/copy")
    copy_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _instrument(copy_id).name == "Copy of Team pulse"
    assert _outline(copy_id) == _outline(custom)
    assert _outline(copy_id)[1][4:] == (7, True, True, False)


@pytest.mark.parametrize("htmx", [True, False])
def test_an_instrument_with_responses_is_locked_but_copyable(client, editor, custom, htmx):
    _respond(custom)
    before = _outline(custom)
    page = client.get(f"/instruments/{custom}").data
    assert LOCKED in page and b"Copy to change" in page
    assert b"Add an item" not in page and b"hx-post" not in page and b"Edit details" not in page
    for method, url, data in _write_requests(custom, _items(custom)[0].id):
        response = getattr(client, method)(url, data=data, headers=HTMX if htmx else {})
        assert response.status_code == 403, url
        assert LOCKED in response.data
    assert _outline(custom) == before
    assert _instrument(custom).name == "Team pulse"
    copied = client.post(f"/instruments/{custom}/copy")
    assert copied.status_code == 303
    copy_id = int(copied.headers["Location"].rsplit("/", 1)[1])
    assert _outline(copy_id) == before
    # The copy has no waves, so it is not locked.
    added = client.post(f"/instruments/{copy_id}/items", data=_item_data())
    assert added.status_code == 303 and len(_items(copy_id)) == 4


def test_a_wave_without_responses_leaves_items_editable_but_blocks_deleting(
    client, editor, custom
):
    wave_id = _respond(custom, responses=0)
    page = client.get(f"/instruments/{custom}").data
    assert b"Add an item" in page and b"Delete instrument" not in page
    assert b"1 wave uses this instrument, so it cannot be deleted." in page
    assert client.post(f"/instruments/{custom}/items", data=_item_data()).status_code == 303
    response = client.post(f"/instruments/{custom}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/instruments/{custom}"
    assert b"1 wave uses this instrument" in client.get(response.headers["Location"]).data
    assert _instrument(custom) is not None
    # The first response locks it.
    team_id = db.session.scalar(select(Team.id).where(Team.name == "Billing"))
    db.session.add(Response(wave_id=wave_id, team_id=team_id, submitted_on=date(2026, 3, 4)))
    db.session.flush()
    assert client.post(f"/instruments/{custom}/items", data=_item_data(code="X")).status_code == (
        403
    )


def test_an_unused_custom_instrument_can_be_deleted(client, editor, custom):
    response = client.post(f"/instruments/{custom}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/instruments/"
    assert _instrument(custom) is None
    assert _items(custom) == []
    assert factories.audit_actions("instrument") == ["deleted"]
    assert b"Deleted Team pulse." in client.get("/instruments/").data


# Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CHANGE_AGENT, Role.SPONSOR, None])
def test_non_editors_read_instruments_but_cannot_change_them(client, auth, custom, role):
    person = factories.user("reader@example.com")
    factories.programme(members={person: role} if role else {})
    auth.login("reader@example.com")
    before = _outline(custom)
    instrument_count = _count(Instrument)
    index = client.get("/instruments/")
    assert index.status_code == 200 and b"New questionnaire" not in index.data
    page = client.get(f"/instruments/{custom}")
    assert page.status_code == 200 and b"hx-post" not in page.data
    requests = [
        ("get", "/instruments/new", {}),
        ("post", "/instruments/new", {"name": "Mine", "kind": "custom"}),
        ("post", f"/instruments/{custom}/copy", {}),
        *_write_requests(custom, _items(custom)[0].id),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data=data, headers=HTMX)
        assert response.status_code == 403, url
    assert _outline(custom) == before
    assert _count(Instrument) == instrument_count


def test_user_text_is_escaped(client, editor):
    client.post(
        "/instruments/new",
        data={"name": "<script>alert(1)</script>", "kind": "custom", "intro": "<b>hi</b>"},
    )
    instrument = db.session.scalar(select(Instrument).where(Instrument.name.like("<script>%")))
    response = client.post(
        f"/instruments/{instrument.id}/items",
        data=_item_data(
            text='<img src=x onerror="alert(2)">', custom_dimension='<i hx-get="/x">d</i>'
        ),
    )
    assert response.status_code == 303
    for url in ["/instruments/", f"/instruments/{instrument.id}"]:
        page = client.get(url).data
        assert b"<script>alert(1)" not in page and b"&lt;script&gt;alert(1)" in page
    assert b"<img src=x" not in page and b"&lt;img src=x" in page
    assert b'<i hx-get="/x">' not in page and b"&lt;i hx-get=" in page
    assert b"<b>hi</b>" not in page and b"&lt;b&gt;hi&lt;/b&gt;" in page


def test_htmx_edits_carry_the_csrf_token_from_the_page(client, editor, custom, csrf_enabled):
    page = client.get(f"/instruments/{custom}").data.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    url = f"/instruments/{custom}/items"
    assert client.post(url, data=_item_data(), headers=HTMX).status_code == 400
    accepted = client.post(url, data=_item_data(), headers=HTMX | {"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert [i.code for i in _items(custom)][-1] == "WL3"
