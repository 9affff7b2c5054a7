"""API: a closed wave's raw responses as CSV and JSON, by the file export's anonymity
rules; an open wave's are refused with the reason."""

import csv
import io

from sqlalchemy import select

from tests.waves.test_response_export import EXPECTED, wave  # noqa: F401 (fixture)
from transform import clock
from transform.api.tokens import create_token
from transform.extensions import db
from transform.models import User


def _token(email: str) -> dict:
    user = db.session.scalar(select(User).where(User.email == email))
    return {"Authorization": f"Bearer {create_token(user, 'bi')[1]}"}


def _url(wave, suffix: str = "") -> str:  # noqa: F811
    return f"/api/v1/programmes/{wave.programme_id}/waves/{wave.id}/responses{suffix}"


def test_the_csv_is_the_file_export_with_its_anonymity_and_escaping(client, wave):  # noqa: F811
    response = client.get(_url(wave, ".csv"), headers=_token("sponsor@example.com"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows == EXPECTED
    assert b"Records" not in response.data and b"Scanning" not in response.data


def test_the_json_holds_the_same_rows_and_says_what_was_withheld(client, wave):  # noqa: F811
    body = client.get(_url(wave), headers=_token("pmo@example.com")).json
    assert body["columns"] == EXPECTED[0]
    assert len(body["rows"]) == len(EXPECTED) - 1
    assert {row["team"] for row in body["rows"]} == {"+Ops", "Billing", "Intake"}
    assert body["omitted_teams"] == ["Records", "Scanning"]
    assert body["comments_withheld"] == ["Intake"]
    assert {row["comment"] for row in body["rows"] if row["team"] == "Intake"} == {None}
    billing = [row for row in body["rows"] if row["team"] == "Billing"]
    assert billing[0]["comment"] == '=HYPERLINK("http://evil.example","click")'
    assert billing[1]["KN1"] is None and billing[0]["submitted_on"] == "2026-03-03"


def test_an_open_wave_and_an_agent_are_refused(client, wave):  # noqa: F811
    agent = client.get(_url(wave), headers=_token("agent@example.com"))
    assert agent.status_code == 403
    wave.closes_on = clock.today()
    still_open = client.get(_url(wave, ".csv"), headers=_token("pmo@example.com"))
    assert still_open.status_code == 409
    assert "still collecting" in still_open.json["detail"]
