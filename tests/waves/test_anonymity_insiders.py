"""Anonymity that holds against insiders: the four attacks a PMO admin could make with
the pages and the API, replayed; each must recover nothing.

1. Moving a team out from under a shown parent, then reading the parent again.
2. Padding a hidden team with responses of known value, by API, file or spare links.
3. Reading a hidden team's exact small count from a page, a gate or the API.
4. Exporting the raw rows of an open wave before and after one person answers.
"""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform.api.tokens import create_token
from transform.demo import DEMO_PASSWORD
from transform.extensions import db
from transform.models import (
    Answer,
    GateCriterion,
    GateCriterionKind,
    Membership,
    Programme,
    Response,
    Role,
    Team,
    User,
    Wave,
    WaveStatus,
)
from transform.phases.criteria import evaluate_criteria
from transform.waves import service as surveys
from transform.waves.responding import LinkState, find_invitation

PULSE_3 = "Adoption pulse 3"


@pytest.fixture
def demo(db):
    return factories.demo_programme()


def _wave(programme: Programme, name: str = PULSE_3) -> Wave:
    return db.session.scalar(
        select(Wave).where(Wave.programme_id == programme.id, Wave.name == name)
    )


def _bearer(email: str = "pmo@example.com") -> dict:
    user = db.session.scalar(select(User).where(User.email == email))
    _token, secret = create_token(user, "Insider")
    return {"Authorization": f"Bearer {secret}"}


def _indices(client, programme: Programme, wave: Wave) -> dict:
    url = f"/api/v1/programmes/{programme.id}/waves/{wave.id}/indices"
    response = client.get(url, headers=_bearer())
    assert response.status_code == 200
    return response.json


def _survey_figures(indices: dict) -> list[dict]:
    """What the respondents' answers decide, team by team: the org data beside them
    (headcount, agents, training, which readiness weighs in) moves with a merge, rightly."""
    figures = ("state", "n", "adoption_index", "adoption_rate", "elements", "barrier_point")
    rows = [{key: indices["total"][key] for key in figures}]
    for team in indices["teams"]:
        readiness = team["readiness"] or {}
        rows.append(
            {key: team[key] for key in ("team_id", "name", "parent_id", *figures)}
            | {key: readiness.get(key) for key in ("commitment", "efficacy", "agreement")}
        )
    return rows


def _by_name(indices: dict) -> dict:
    return {team["name"]: team for team in indices["teams"]}


def _login(client, email: str = "pmo@example.com"):
    client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})


# 1. Moving a team


def test_moving_a_hidden_team_changes_no_figure_of_an_opened_wave(demo, client):
    """Payroll is hidden under Finance. Made top-level, Finance must read exactly as before,
    or (n_before·mean_before − n_after·mean_after) / (n_before − n_after) gives it away."""
    wave = _wave(demo)
    before = _indices(client, demo, wave)
    assert _by_name(before)["Payroll"]["state"] == "below_threshold"
    assert _by_name(before)["Finance"]["state"] == "shown"
    payroll = db.session.get(Team, factories.team_id("Payroll"))
    _login(client)
    moved = client.post(
        f"/teams/{payroll.id}/edit",
        data={
            "name": "Payroll",
            "headcount": payroll.headcount,
            "parent_id": "",
            "version": payroll.version,
        },
    )
    assert moved.status_code == 303
    assert db.session.get(Team, payroll.id).parent_id is None
    after = _indices(client, demo, wave)
    assert after == before
    page = client.get(f"/programmes/{demo.id}/waves/{wave.id}").get_data(as_text=True)
    assert "Payroll" in page and "moved in the org chart since" in page


def test_renaming_a_team_leaves_an_opened_wave_its_name_as_it_stood(demo, client):
    wave = _wave(demo)
    billing = db.session.get(Team, factories.team_id("Billing Operations"))
    billing.name = "Billing Ops"
    db.session.flush()
    names = _by_name(_indices(client, demo, wave))
    assert "Billing Operations" in names and "Billing Ops" not in names


def test_a_team_an_open_wave_surveys_cannot_be_merged_until_it_closes(demo, client):
    payroll, finance = factories.team_id("Payroll"), factories.team_id("Finance")
    _login(client)
    team = db.session.get(Team, payroll)
    refused = client.post(
        f"/teams/{payroll}/merge", data={"into": str(finance), "version": team.version}
    )
    assert refused.status_code == 422
    assert "surveyed by “Adoption pulse 3”, open until 28 Nov 2026" in refused.get_data(
        as_text=True
    )
    assert db.session.get(Team, payroll) is not None


def test_merging_a_team_after_its_waves_closed_changes_none_of_their_figures(demo, client):
    wave = _wave(demo)
    wave.status = WaveStatus.CLOSED
    db.session.flush()
    waves = [_wave(demo, name) for name in ("Adoption pulse 1", "Adoption pulse 2", PULSE_3)]
    before = [_survey_figures(_indices(client, demo, w)) for w in waves]
    payroll, desk = factories.team_id("Payroll"), factories.team_id("Service Desk")
    _login(client)
    merged = client.post(
        f"/teams/{payroll}/merge",
        data={"into": str(desk), "version": db.session.get(Team, payroll).version},
    )
    assert merged.status_code == 303 and db.session.get(Team, payroll) is None
    assert [_survey_figures(_indices(client, demo, w)) for w in waves] == before
    responses = db.session.scalars(select(Response.team_id).where(Response.wave_id == wave.id))
    assert payroll in set(responses)


# 2. Padding


def test_responses_of_known_value_cannot_be_posted_into_a_link_wave(demo, client):
    wave = _wave(demo)
    before = _indices(client, demo, wave)
    codes = [item.code for item in wave.instrument.items]
    padding = [
        {
            "team_id": factories.team_id("Payroll"),
            "submitted_on": SUITE_DAY.isoformat(),
            "answers": dict.fromkeys(codes, 3),
        }
        for _ in range(5)
    ]
    response = client.post(
        f"/api/v1/programmes/{demo.id}/waves/{wave.id}/responses",
        json={"responses": padding},
        headers=_bearer(),
    )
    assert response.status_code == 409
    assert "collects through survey links" in response.json["detail"]
    assert _indices(client, demo, wave) == before


def test_a_file_cannot_be_imported_into_a_link_wave(demo, client):
    wave = _wave(demo)
    _login(client)
    page = client.get(f"/programmes/{demo.id}/waves/{wave.id}/import")
    assert page.status_code == 409
    upload = client.post(
        f"/programmes/{demo.id}/waves/{wave.id}/import",
        data={"file": (io.BytesIO(b"team,AW1\nPayroll,3\n"), "padding.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 409
    assert "takes no imported responses" in upload.get_data(as_text=True)


def test_an_import_wave_takes_imports_from_its_first_importer_only(demo, client):
    """The first importer holds every row; a second person's rows could pad a group."""
    wave = _wave(demo)
    wave.collection = "import"
    db.session.flush()
    other = factories.user("second@example.com", name="Second Admin")
    db.session.add(Membership(programme_id=demo.id, user_id=other.id, role=Role.ADMIN))
    wave.importer_id = db.session.scalar(select(User.id).where(User.email == "pmo@example.com"))
    db.session.flush()
    codes = [item.code for item in wave.instrument.items]
    row = {
        "team_id": factories.team_id("Payroll"),
        "submitted_on": SUITE_DAY.isoformat(),
        "answers": dict.fromkeys(codes, 3),
    }
    response = client.post(
        f"/api/v1/programmes/{demo.id}/waves/{wave.id}/responses",
        json={"responses": [row]},
        headers=_bearer("second@example.com"),
    )
    assert response.status_code == 409
    assert "Only Dana Whitfield adds responses" in response.json["detail"]


def test_personal_links_are_capped_at_the_teams_headcount_and_audited(demo, client):
    wave = _wave(demo)
    payroll = db.session.get(Team, factories.team_id("Payroll"))
    with pytest.raises(surveys.LinksRefused, match="issue at most"):
        surveys.issue_links(wave, payroll, payroll.headcount + 1)
    _login(client)
    refused = client.post(
        f"/programmes/{demo.id}/waves/{wave.id}/links",
        data={"team_id": payroll.id, "count": payroll.headcount + 50},
    )
    assert refused.status_code == 422
    assert "Links are capped at a team&#39;s headcount" in refused.get_data(as_text=True)


def test_a_team_link_takes_no_more_responses_than_the_team_has_people(demo):
    wave = _wave(demo)
    payroll = db.session.get(Team, factories.team_id("Payroll"))
    token = surveys.issue_team_link(surveys.wave_team_or_none(wave, payroll.id))
    assert find_invitation(token, True, SUITE_DAY).state == LinkState.OPEN
    answered = db.session.scalar(
        select(db.func.count(Response.id)).where(
            Response.wave_id == wave.id, Response.team_id == payroll.id
        )
    )
    for _ in range(payroll.headcount - answered):
        response = Response(wave_id=wave.id, team_id=payroll.id, submitted_on=SUITE_DAY)
        response.answers = [Answer(item_id=i.id, value=3) for i in wave.instrument.items]
        db.session.add(response)
    db.session.flush()
    assert find_invitation(token, True, SUITE_DAY).state == LinkState.FULL


# 3. Exact small counts


def test_no_page_gate_report_or_api_shows_a_hidden_teams_exact_count(demo, client):
    wave = _wave(demo)
    payroll_n = db.session.scalar(
        select(db.func.count(Response.id)).where(
            Response.wave_id == wave.id, Response.team_id == factories.team_id("Payroll")
        )
    )
    assert 0 < payroll_n < 5
    _login(client)
    page = client.get(f"/programmes/{demo.id}/waves/{wave.id}").get_data(as_text=True)
    row = page[page.index("<td>Payroll</td>") :]
    row = row[: row.index("</tr>")]
    assert "hidden" in row and f'<td class="num">{payroll_n}</td>' not in row
    criterion = db.session.scalar(
        select(GateCriterion).where(GateCriterion.kind == GateCriterionKind.RESPONSE_MINIMUM)
    )
    if criterion is None:
        gate = demo.phases[0].gate
        criterion = GateCriterion(
            gate=gate, position=99, text="Enough", kind=GateCriterionKind.RESPONSE_MINIMUM
        )
        db.session.add(criterion)
        db.session.flush()
    (result,) = evaluate_criteria(demo, [criterion])
    assert "Payroll" in result.detail and f"Payroll ({payroll_n})" not in result.detail
    from transform.reports import survey_wave

    rates = survey_wave.build(demo, SUITE_DAY, wave_id=wave.id).context["rates"]
    assert next(r for r in rates if r.team == "Payroll").responses == "hidden"


def test_a_new_waves_small_total_is_fewer_than_n_on_the_list_and_in_the_api(demo, client):
    previous = _wave(demo)
    wave = Wave(
        programme_id=demo.id,
        instrument_id=previous.instrument_id,
        name="Adoption pulse 4",
        opens_on=SUITE_DAY,
        closes_on=SUITE_DAY + timedelta(days=14),
        teams=[],
    )
    db.session.add(wave)
    db.session.flush()
    response = Response(
        wave_id=wave.id, team_id=factories.team_id("Payroll"), submitted_on=SUITE_DAY
    )
    response.answers = [Answer(item_id=i.id, value=3) for i in wave.instrument.items]
    db.session.add(response)
    db.session.flush()
    _login(client)
    listing = client.get(f"/programmes/{demo.id}/waves/").get_data(as_text=True)
    assert "fewer than 5" in listing
    item = client.get(f"/api/v1/programmes/{demo.id}/waves/{wave.id}", headers=_bearer()).json
    assert item["responses"] is None and item["responses_label"] == "fewer than 5"


# 4. Differencing over time


def test_raw_rows_of_an_open_wave_cannot_be_exported(demo, client):
    wave = _wave(demo)
    _login(client)
    for kind in ("csv", "xlsx"):
        refused = client.get(f"/programmes/{demo.id}/waves/{wave.id}/responses.{kind}")
        assert refused.status_code == 409
        assert "still collecting responses" in refused.get_data(as_text=True)
    wave.status = WaveStatus.CLOSED
    db.session.flush()
    exported = client.get(f"/programmes/{demo.id}/waves/{wave.id}/responses.csv")
    assert exported.status_code == 200 and b"Payroll" not in exported.data


# A team used only by another programme


def test_a_pmo_admin_cannot_change_a_team_only_another_programme_uses(demo, client):
    outsourcing = db.session.scalar(
        select(Programme).where(Programme.name == "Customer support outsourcing")
    )
    admin = factories.user("elsewhere@example.com", name="Elsewhere Admin")
    db.session.add(Membership(programme_id=outsourcing.id, user_id=admin.id, role=Role.ADMIN))
    db.session.flush()
    client.post(
        "/auth/login", data={"email": "elsewhere@example.com", "password": factories.PASSWORD}
    )
    payroll = factories.team_id("Payroll")
    assert client.get(f"/teams/{payroll}/edit").status_code == 403
    assert client.get(f"/teams/{payroll}/merge").status_code == 403
