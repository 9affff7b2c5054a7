"""Answering a survey through a link: one page, field errors, single use, anonymity."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from tests.survey_setup import TODAY, full_answers, survey_world
from transform.extensions import db, limiter
from transform.models import Answer, Item, Response, SurveyLink, WaveStatus
from transform.waves import service
from transform.waves.tokens import RedactTokens, redact


@pytest.fixture
def world(db):
    return survey_world()


@pytest.fixture
def token(world):
    return service.issue_links(world["wave"], world["billing"], 2)[0]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_respondent_sees_the_programme_and_every_question(client, world, token):
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    assert b"Test programme" in page.data and b"Pulse 1" in page.data
    assert page.data.count(b'type="radio"') >= 5 * len(world["instrument"].items)
    assert b"Strongly agree" in page.data


def test_a_response_is_stored_with_wave_team_and_day_only(client, world, token):
    answers = full_answers(world["instrument"]) | {"comment": "More training please"}
    response = client.post(f"/s/{token}", data=answers)
    assert response.status_code == 303
    assert response.headers["Location"] == "/survey/thanks"
    stored = db.session.scalar(select(Response))
    assert (stored.wave_id, stored.team_id, stored.submitted_on) == (
        world["wave"].id,
        world["billing"].id,
        TODAY,
    )
    assert stored.comment == "More training please"
    assert _count(Answer) == len(world["instrument"].items)
    assert db.session.scalar(
        select(SurveyLink.is_used)
        .where(SurveyLink.token_hash.is_not(None))
        .order_by(SurveyLink.is_used.desc())
    )


def test_a_post_needs_the_csrf_token_of_the_page(client, world, token, csrf_enabled):
    answers = full_answers(world["instrument"])
    page = client.get(f"/s/{token}").get_data(as_text=True)
    sent = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert client.post(f"/s/{token}", data=answers).status_code == 400
    assert client.post(f"/s/{token}", data=answers | {"csrf_token": "forged"}).status_code == 400
    assert _count(Response) == 0
    assert client.post(f"/s/{token}", data=answers | {"csrf_token": sent[1]}).status_code == 303
    assert _count(Response) == 1


def test_respondents_pages_skip_the_rate_limiter(client, world, token, monkeypatch):
    """No rate limit is meant for respondents: the limiter does not even look one up."""
    looked_up = []
    resolve = limiter.limit_manager.resolve_limits

    def spy(app, endpoint=None, *args, **kwargs):
        looked_up.append(endpoint)
        return resolve(app, endpoint, *args, **kwargs)

    monkeypatch.setattr(limiter.limit_manager, "resolve_limits", spy)
    assert client.get(f"/s/{token}").status_code == 200
    assert client.post(f"/s/{token}", data=full_answers(world["instrument"])).status_code == 303
    assert client.get("/survey/thanks").status_code == 200
    assert client.get("/auth/login").status_code == 200
    assert set(looked_up) == {"auth.login"}


def test_responses_have_no_column_that_could_identify_a_person(app):
    columns = {c["name"] for c in inspect(db.session.connection()).get_columns("response")}
    assert columns == {"id", "wave_id", "team_id", "submitted_on", "source", "comment"}
    link_columns = {c["name"] for c in inspect(db.session.connection()).get_columns("survey_link")}
    assert link_columns == {"id", "wave_id", "team_id", "token_hash", "is_used"}


def test_a_used_link_gets_a_clear_page_and_stores_nothing_more(client, world, token):
    client.post(f"/s/{token}", data=full_answers(world["instrument"]))
    again = client.post(f"/s/{token}", data=full_answers(world["instrument"]))
    assert again.status_code == 410
    assert b"already been used" in again.data
    assert client.get(f"/s/{token}").status_code == 410
    assert _count(Response) == 1


def test_missing_answers_are_marked_at_each_question(client, world, token):
    answers = full_answers(world["instrument"])
    first_code = world["instrument"].items[0].code
    del answers[f"item-{first_code}"]
    answers[f"item-{world['instrument'].items[1].code}"] = "6"
    response = client.post(f"/s/{token}", data=answers)
    assert response.status_code == 422
    assert f'id="item-{first_code}-error"'.encode() in response.data
    assert b"Please answer this question." in response.data
    assert b"Choose an answer from 1 to 5." in response.data
    assert b'value="4" checked' in response.data
    assert _count(Response) == 0
    assert not db.session.scalar(select(SurveyLink.is_used).limit(1))


def test_an_answer_for_an_item_not_in_the_survey_is_refused(client, world, token):
    answers = full_answers(world["instrument"]) | {"item-NOT_AN_ITEM": "3"}
    response = client.post(f"/s/{token}", data=answers)
    assert response.status_code == 400
    assert b"do not match this survey" in response.data
    assert _count(Response) == 0


def test_dont_know_only_where_the_item_allows_it(client, world, token):
    answers = full_answers(world["instrument"])
    answers[f"item-{world['instrument'].items[0].code}"] = "dk"
    response = client.post(f"/s/{token}", data=answers)
    assert response.status_code == 422
    item = world["instrument"].items[0]
    item.allows_dont_know = True
    db.session.flush()
    assert client.post(f"/s/{token}", data=answers).status_code == 303
    value = db.session.scalar(select(Answer.value).where(Answer.item_id == item.id))
    assert value is None


@pytest.mark.parametrize(
    ("status", "opens", "closes", "code", "message"),
    [
        (WaveStatus.CLOSED, -10, -1, 410, b"This survey has closed"),
        (WaveStatus.OPEN, -10, -1, 410, b"This survey has closed"),
        (WaveStatus.DRAFT, -1, 10, 403, b"not open yet"),
        (WaveStatus.OPEN, 2, 10, 403, b"not open yet"),
    ],
)
def test_closed_or_unopened_waves_get_a_clear_page(
    client, world, token, status, opens, closes, code, message
):
    wave = world["wave"]
    wave.status, wave.opens_on, wave.closes_on = (
        status,
        TODAY + timedelta(days=opens),
        TODAY + timedelta(days=closes),
    )
    db.session.flush()
    for response in (
        client.get(f"/s/{token}"),
        client.post(f"/s/{token}", data=full_answers(world["instrument"])),
    ):
        assert response.status_code == code
        assert message in response.data
    assert _count(Response) == 0


@pytest.mark.parametrize(
    "path", ["/s/not-a-real-token-0123456789", "/t/not-a-real-token-012345", "/s/x"]
)
def test_unknown_tokens_get_a_clear_page(client, world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"not valid" in response.data


def test_a_team_link_takes_many_responses(client, world):
    wave_team = next(t for t in world["wave"].teams if t.team_id == world["records"].id)
    token = service.issue_team_link(wave_team)
    for _ in range(2):
        assert (
            client.post(f"/t/{token}", data=full_answers(world["instrument"])).status_code == 303
        )
    teams = db.session.scalars(select(Response.team_id)).all()
    assert teams == [world["records"].id] * 2


def test_respond_pages_need_no_login(client, world, token):
    assert client.get(f"/s/{token}").status_code == 200


def test_tokens_are_redacted_from_log_lines(world, token):
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '127.0.0.1 - - "GET /s/%s HTTP/1.1" 200 -',
        (token,),
        None,
    )
    RedactTokens().filter(record)
    assert token not in record.getMessage()
    assert "/s/[token]" in record.getMessage()
    assert token not in redact(f"POST /t/{token}?x=1")


def test_an_error_while_responding_logs_no_token(client, world, token, monkeypatch, caplog):
    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("transform.waves.respond_views.store_response", explode)
    with caplog.at_level(logging.ERROR):
        response = client.post(f"/s/{token}", data=full_answers(world["instrument"]))
    assert response.status_code == 500
    assert "Unhandled error on POST /s/[token]" in caplog.text
    assert token not in caplog.text


def test_item_order_is_the_instruments(client, world, token):
    page = client.get(f"/s/{token}").get_data(as_text=True)
    texts = db.session.scalars(
        select(Item.text)
        .where(Item.instrument_id == world["instrument"].id)
        .order_by(Item.position)
    ).all()
    positions = [page.index(text.replace("'", "&#39;")) for text in texts]
    assert positions == sorted(positions)


def test_responses_are_not_numbered_in_the_order_they_came(client, world):
    """Ids in order of arrival could be lined up with the order links were used."""
    for token in service.issue_links(world["wave"], world["billing"], 3):
        assert (
            client.post(f"/s/{token}", data=full_answers(world["instrument"])).status_code == 303
        )
    ids = db.session.scalars(select(Response.id)).all()
    first = min(ids)
    assert sorted(ids) != [first, first + 1, first + 2]
    answer_ids = sorted(db.session.scalars(select(Answer.id)).all())
    assert answer_ids != list(range(answer_ids[0], answer_ids[0] + len(answer_ids)))
