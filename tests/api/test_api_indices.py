"""A wave's indices over the API: the dashboard's figures, never a suppressed one, ETags."""

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform import clock
from transform.api.tokens import create_token
from transform.demo import DEMO_PASSWORD
from transform.extensions import db
from transform.indices.service import wave_dashboard
from transform.models import (
    Answer,
    Instrument,
    InstrumentKind,
    Response,
    User,
    Wave,
    WaveStatus,
)
from transform.scoring.adkar import ADKAR

TODAY = SUITE_DAY
BACKOFFICE = "Back-office optimisation"
OUTSOURCING = "Customer support outsourcing"
SUPPRESSED = ("Payroll", "Accounts Payable")
#: What names an entry rather than measures it.
IDENTITY = {"team_id", "parent_id", "depth"}
#: Whole numbers wherever they appear: counts, ids and levels.
WHOLE = IDENTITY | {"n", "threshold", "team_count", "depth_limit", "id", "readiness_wave_id"}
#: Figures on 0-1 (sent to two decimals); every other figure is a 0-100 score (one).
COEFFICIENTS = {"weight", "effective_weight", "readiness_weights", "agreement"}


@pytest.fixture
def demo(db):
    return factories.demo_world()


def _bearer(email: str = "pmo@example.com", name: str = "Dashboard") -> dict:
    user = db.session.scalar(select(User).where(User.email == email))
    _token, secret = create_token(user, name)
    return {"Authorization": f"Bearer {secret}"}


def _url(programme_id: int, wave_id: int) -> str:
    return f"/api/v1/programmes/{programme_id}/waves/{wave_id}/indices"


def _figures(value, path: tuple = ()):
    """Every number in a JSON value, however deep, with the keys and indexes leading to it."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int | float):
        yield path, value
        return
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        yield from _figures(item, (*path, key))


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _estimate(estimate) -> dict:
    """An estimate as the API sends it: the score and its bounds to one decimal."""
    return {
        "value": _one_decimal(estimate.value),
        "ci_low": _one_decimal(estimate.ci_low),
        "ci_high": _one_decimal(estimate.ci_high),
        "n": estimate.n,
        "reason": estimate.reason,
    }


def test_suppressed_teams_carry_words_and_no_number_at_all(client, demo):
    programme_id, pulse_id = demo["programme"].id, demo["pulse"].id
    response = client.get(_url(programme_id, pulse_id), headers=_bearer("agent@example.com"))
    assert response.status_code == 200
    teams = {entry["name"]: entry for entry in response.json["teams"]}
    for name in SUPPRESSED:
        entry = teams[name]
        assert entry["state"] == "below_threshold"
        assert entry["message"] == "fewer than 5 responses"
        assert entry["n"] is None and entry["adoption_index"] is None
        assert entry["readiness"] is None and entry["elements"] is None
        measured = {key: value for key, value in entry.items() if key not in IDENTITY}
        assert list(_figures(measured)) == [], name
    # Every entry not shown is as bare, wherever it sits in the tree.
    for entry in response.json["teams"]:
        if entry["state"] != "shown":
            measured = {key: value for key, value in entry.items() if key not in IDENTITY}
            assert list(_figures(measured)) == []


def test_the_figures_are_the_dashboards(client, demo):
    programme, pulse = demo["programme"], demo["pulse"]
    dashboard = wave_dashboard(programme, pulse, None, clock.today())
    response = client.get(_url(programme.id, pulse.id), headers=_bearer())
    body = response.json
    assert body["threshold"] == dashboard.threshold == 5
    assert [entry["team_id"] for entry in body["teams"]] == [r.team_id for r in dashboard.rows]
    assert body["total"]["n"] == dashboard.total.n
    assert body["total"]["adoption_index"] == _estimate(dashboard.total.adoption_index)
    assert body["readiness_wave_id"] == demo["readiness"].id
    shown = 0
    for entry, row in zip(body["teams"], dashboard.rows, strict=True):
        assert entry["state"] == row.state.value
        if row.state.value != "shown":
            continue
        shown += 1
        assert entry["n"] == row.n
        assert entry["adoption_index"] == _estimate(row.adoption_index)
        assert entry["adoption_rate"] == _estimate(row.adoption_rate)
        assert entry["elements"] == {
            name: _estimate(e) for name, e in zip(ADKAR, row.elements, strict=True)
        }
        assert entry["barrier_point"] == row.barrier_point
        readiness = row.readiness.result
        assert entry["readiness"]["value"] == _one_decimal(readiness.value)
        assert entry["readiness"]["band"] == (readiness.band.value if readiness.band else None)
        assert [c["name"] for c in entry["readiness"]["components"]] == [
            c.name for c in readiness.components
        ]
        assert [c["value"] for c in entry["readiness"]["components"]] == [
            _one_decimal(c.value) for c in readiness.components
        ]
    assert shown >= 5
    finance = next(entry for entry in body["teams"] if entry["name"] == "Finance")
    assert finance["state"] == "shown" and finance["parent_id"] is not None


def test_a_team_filter_limits_the_rows_to_its_subtree(client, demo):
    programme_id, pulse_id, teams = demo["programme"].id, demo["pulse"].id, demo["teams"]
    headers = _bearer()
    response = client.get(
        _url(programme_id, pulse_id) + f"?team_id={teams['Finance']}", headers=headers
    )
    assert response.status_code == 200
    assert [entry["name"] for entry in response.json["teams"]] == [
        "Finance",
        "Accounts Payable",
        "Payroll",
    ]
    unknown = client.get(
        _url(programme_id, pulse_id) + f"?team_id={teams['Tier 1 Chat']}", headers=headers
    )
    assert unknown.status_code == 422
    assert unknown.json["errors"][0]["path"] == "query/team_id"


def test_the_etag_holds_while_nothing_changes_and_moves_with_a_response(client, demo):
    programme_id, pulse_id = demo["programme"].id, demo["pulse"].id
    billing = demo["teams"]["Billing Operations"]
    headers = _bearer()
    url = _url(programme_id, pulse_id)
    first = client.get(url, headers=headers)
    etag = first.headers["ETag"]
    assert etag and client.get(url, headers=headers).headers["ETag"] == etag
    cached = client.get(url, headers=headers | {"If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""
    # A respondent answers (a wave collecting through links takes no imports).
    response = Response(wave_id=pulse_id, team_id=billing, submitted_on=date(2026, 11, 21))
    response.answers = [
        Answer(item_id=item.id, value=5) for item in demo["pulse"].instrument.items
    ]
    db.session.add(response)
    db.session.flush()
    after = client.get(url, headers=headers | {"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert after.json["total"]["n"] == first.json["total"]["n"] + 1


def test_only_adkar_waves_have_indices(client, demo):
    response = client.get(_url(demo["programme"].id, demo["readiness"].id), headers=_bearer())
    assert response.status_code == 404
    assert response.json["detail"] == "Indices exist for ADKAR waves only."


def test_a_token_cannot_reach_another_programmes_indices(client, demo):
    other, other_pulse = demo["other"].id, demo["other_pulse"].id
    programme_id = demo["programme"].id
    sponsor = _bearer("sponsor@example.com")
    assert client.get(_url(other, other_pulse), headers=sponsor).status_code == 404
    assert client.get(_url(programme_id, other_pulse), headers=_bearer()).status_code == 404


def test_no_figure_is_sent_finer_than_one_decimal(client, demo):
    """Scores to one decimal, 0-1 figures to two, counts whole: walked over every wave."""
    waves = db.session.scalars(
        select(Wave)
        .join(Instrument)
        .where(Instrument.kind == InstrumentKind.ADKAR, Wave.status != WaveStatus.DRAFT)
    ).all()
    headers = _bearer()
    checked = 0
    for wave in waves:
        response = client.get(_url(wave.programme_id, wave.id), headers=headers)
        assert response.status_code == 200
        for path, number in _figures(response.json):
            if path[-1] in WHOLE:
                assert isinstance(number, int), path
                continue
            assert isinstance(number, float), path
            decimals = 2 if COEFFICIENTS & set(path) else 1
            assert round(number, decimals) == number, (path, number)
            checked += 1
    assert len({wave.programme_id for wave in waves}) == 2
    assert checked > 500


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _page_numbers(text: str) -> list[float]:
    return [float(number) for number in re.findall(r"\d+(?:\.\d+)?", text)]


def _page_rows(page: str, table_class: str) -> dict[str, list[str]]:
    """Each row of a table on the page: the team's name and the text of its cells."""
    table = page[page.index(f'<table class="{table_class}"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        name = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S)
        if name:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows[_text(name.group(1))] = [_text(cell) for cell in cells]
    return rows


def _as_on_the_page(api_figures: list, page_figures: list[float], scale: int = 1) -> None:
    """The page shows whole numbers: each is the API's figure rounded, within half a point.

    Half a point, not less: a value the API sends as 72.5 may come from 72.46 (the page
    says 72) or from 72.54 (the page says 73).
    """
    shown = [figure * scale for figure in api_figures if figure is not None]
    assert len(shown) == len(page_figures), (api_figures, page_figures)
    for api_figure, page_figure in zip(shown, page_figures, strict=True):
        assert abs(api_figure - page_figure) <= 0.5, (api_figure, page_figure)


def _bounds(estimate: dict) -> list:
    return [estimate["value"], estimate["ci_low"], estimate["ci_high"]]


def test_the_figures_match_what_the_dashboard_shows_for_each_team(app, client, demo):
    programme, pulse = demo["programme"], demo["pulse"]
    body = client.get(_url(programme.id, pulse.id), headers=_bearer()).json
    viewer = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    page = viewer.get(f"/programmes/{programme.id}/adoption/?wave={pulse.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    adoption, readiness = (
        _page_rows(text, "heatmap adkar-heatmap"),
        _page_rows(text, "readiness-table"),
    )
    compared = 0
    for entry in body["teams"]:
        if entry["state"] != "shown":
            continue
        cells = adoption[entry["name"]]
        assert int(cells[0]) == entry["n"]
        elements = [entry["elements"][name]["value"] for name in ADKAR]
        _as_on_the_page(elements, [_page_numbers(cell)[0] for cell in cells[1:6]])
        _as_on_the_page(_bounds(entry["adoption_index"]), _page_numbers(cells[6]))
        _as_on_the_page(_bounds(entry["adoption_rate"]), _page_numbers(cells[7]))

        index, cells = entry["readiness"], readiness[entry["name"]]
        for component, cell in zip(index["components"], cells[:5], strict=True):
            if component["value"] is None:
                assert cell.startswith("—")
                continue
            figures = [component["value"]]
            if component["name"] == "readiness_survey":
                figures += [index["commitment"]["value"], index["efficacy"]["value"]]
            _as_on_the_page(figures, _page_numbers(cell)[: len(figures)])
            if index["reweighted"]:
                _as_on_the_page([component["effective_weight"]], _page_numbers(cell)[-1:], 100)
        _as_on_the_page([index["value"]], _page_numbers(cells[5])[:1])
        assert cells[6].startswith(f"{index['agreement']['value']:.2f}")
        compared += 1
    assert compared >= 5
