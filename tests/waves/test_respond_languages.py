"""The respondent page in the respondent's language, and answers pooled across languages."""

import pytest
from sqlalchemy import delete, func, select

from tests.statements import sent_statements
from tests.survey_setup import full_answers, survey_world
from transform.extensions import db
from transform.loaders import wave_frames
from transform.models import Answer, ItemTranslation
from transform.scoring.items import dimension_scores
from transform.waves import service


@pytest.fixture
def world(db):
    return survey_world()


@pytest.fixture
def tokens(world):
    return service.issue_links(world["wave"], world["billing"], 3)


def test_a_link_with_lang_shows_the_survey_in_french(client, world, tokens):
    page = client.get(f"/s/{tokens[0]}?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Je comprends pourquoi notre façon de travailler change." in page
    assert "I understand why the way we work is changing." not in page
    assert "Pas du tout d’accord" in page and "Tout à fait d’accord" in page
    assert "Ce questionnaire porte sur la façon dont vous vivez le changement" in page
    assert "Envoyer mes réponses" in page and "Question 1 sur 15" in page


def test_without_lang_the_page_is_english_and_offers_the_complete_translations(
    client, world, tokens
):
    page = client.get(f"/s/{tokens[0]}").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "I understand why the way we work is changing." in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert '<option value="fr" lang="fr">Français</option>' in page


def test_a_regional_code_is_read_as_its_language(client, world, tokens):
    page = client.get(f"/s/{tokens[0]}?lang=FR-ca").get_data(as_text=True)
    assert "Je comprends pourquoi notre façon de travailler change." in page


def test_an_unknown_language_is_shown_in_english_saying_so(client, world, tokens):
    response = client.get(f"/s/{tokens[0]}?lang=xx")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "not available in the language asked for; it is shown in English" in page
    assert "I understand why the way we work is changing." in page


def test_an_incomplete_translation_is_not_offered(client, world, tokens):
    first = world["instrument"].items[0]
    db.session.execute(delete(ItemTranslation).where(ItemTranslation.item_id == first.id))
    db.session.expire_all()
    page = client.get(f"/s/{tokens[0]}?lang=fr").get_data(as_text=True)
    assert "This survey is not available in Français; it is shown in English." in page
    assert "Je sais quels problèmes ce changement doit résoudre." not in page
    assert 'value="fr"' not in page


def test_errors_are_worded_in_the_respondents_language(client, world, tokens):
    answers = full_answers(world["instrument"])
    del answers["item-AW1"]
    response = client.post(f"/s/{tokens[0]}?lang=fr", data=answers)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Merci de répondre à cette question." in page
    assert "Merci de répondre aux questions signalées ci-dessous." in page


def test_the_thank_you_page_follows_the_language(client, world, tokens):
    response = client.post(f"/s/{tokens[0]}?lang=fr", data=full_answers(world["instrument"]))
    assert response.status_code == 303
    assert response.headers["Location"] == "/survey/thanks?lang=fr"
    assert "Vos réponses ont bien été enregistrées." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    used = client.get(f"/s/{tokens[0]}?lang=fr").get_data(as_text=True)
    assert "Ce lien a déjà été utilisé" in used


def test_french_and_english_answers_to_an_item_score_together(client, world, tokens):
    instrument = world["instrument"]
    client.post(f"/s/{tokens[0]}?lang=fr", data=full_answers(instrument, value=2))
    client.post(f"/s/{tokens[1]}", data=full_answers(instrument, value=4))
    aw1 = instrument.items[0].id
    stored = db.session.scalars(select(Answer.value).where(Answer.item_id == aw1)).all()
    assert sorted(stored) == [2, 4]
    frames = wave_frames(world["wave"].id)
    scores = dimension_scores(frames.answers, frames.items)
    assert len(scores) == 2
    # AW3 is reverse-coded: 2 -> 4 and 4 -> 2, so each respondent's Awareness is the
    # mean of (2, 2, 4) and (4, 4, 2); the two languages' answers pool into one mean.
    assert scores["awareness"].mean() == pytest.approx(3.0)
    assert db.session.scalar(select(func.count(Answer.id))) == 2 * len(instrument.items)


def test_a_long_survey_shows_its_progress_and_each_question_number(client, world, tokens):
    page = client.get(f"/s/{tokens[0]}").get_data(as_text=True)
    assert '<progress id="survey-progress-bar" max="15" value="0">' in page
    assert "js/survey-progress.js" in page
    assert '<span class="question-number" aria-hidden="true">15</span>' in page
    assert "Question 15 of 15: </span>I am confident we will not slip back" in page


def test_the_page_states_one_time_estimate_from_the_number_of_items(client, world, tokens):
    page = client.get(f"/s/{tokens[0]}").get_data(as_text=True)
    assert page.count("minute") == 1
    assert "It takes about 5 minutes." in page
    assert "three minutes" not in page
    assert "Il faut environ 5 minutes." in client.get(f"/s/{tokens[0]}?lang=fr").get_data(
        as_text=True
    )


def test_a_submission_in_french_sends_no_more_statements_than_in_english(client, world, tokens):
    answers = full_answers(world["instrument"])
    client.post(f"/s/{tokens[2]}", data=answers)  # the first request's one-off reads
    with sent_statements() as english:
        assert client.post(f"/s/{tokens[0]}", data=answers).status_code == 303
    with sent_statements() as french:
        assert client.post(f"/s/{tokens[1]}?lang=fr", data=answers).status_code == 303
    assert len(french) == len(english)
    assert not any("translation" in statement for statement in french)
