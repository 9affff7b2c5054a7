"""The respondent page keeps what it reads of an instrument, never past an edit, and
answers a page view and a submission in a bounded number of statements."""

import pytest

from tests.statements import sent_statements
from tests.survey_setup import full_answers, survey_world
from transform.extensions import db
from transform.instruments import service as instruments
from transform.instruments.translating import TranslationDraft, save_translation, translation_of
from transform.models import Wave, WaveTeam
from transform.waves import service

FIRST_ENGLISH = "I understand why the way we work is changing."
FIRST_FRENCH = "Je comprends pourquoi notre façon de travailler change."


@pytest.fixture
def world(db):
    return survey_world()


@pytest.fixture
def tokens(world):
    return service.issue_links(world["wave"], world["billing"], 3)


def _french_draft(instrument, first_item_text: str) -> TranslationDraft:
    """The instrument's French wording with its first item worded anew."""
    translation = translation_of(instrument, "fr")
    texts = {
        item.id: next(t.text for t in item.translations if t.language == "fr")
        for item in instrument.items
    }
    return TranslationDraft(
        language="fr",
        intro=translation.intro,
        scale_low=translation.scale_low,
        scale_mid=translation.scale_mid,
        scale_high=translation.scale_high,
        dont_know=translation.dont_know,
        items=texts | {instrument.items[0].id: first_item_text},
    )


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_translation_reworded_while_the_wave_is_open_is_shown_at_once(client, world, tokens):
    instrument = world["instrument"]
    assert FIRST_FRENCH in _page(client, f"/s/{tokens[0]}?lang=fr")
    save_translation(instrument, _french_draft(instrument, "Je sais pourquoi tout change."))
    page = _page(client, f"/s/{tokens[0]}?lang=fr")
    assert "Je sais pourquoi tout change." in page
    assert FIRST_FRENCH not in page


def test_a_translation_left_incomplete_is_no_longer_offered(client, world, tokens):
    instrument = world["instrument"]
    assert '<option value="fr"' in _page(client, f"/s/{tokens[0]}")
    save_translation(instrument, _french_draft(instrument, ""))
    page = _page(client, f"/s/{tokens[0]}?lang=fr")
    assert '<option value="fr"' not in page
    assert FIRST_ENGLISH in page and "shown in English" in page


def test_an_item_reworded_before_any_response_is_shown_at_once(client, world):
    custom = instruments.copy_instrument(world["instrument"])
    wave = Wave(
        programme_id=world["programme"].id,
        instrument_id=custom.id,
        name="Pulse 2",
        opens_on=world["wave"].opens_on,
        closes_on=world["wave"].closes_on,
        status=world["wave"].status,
        teams=[WaveTeam(team_id=world["billing"].id)],
    )
    db.session.add(wave)
    db.session.flush()
    token = service.issue_links(wave, world["billing"], 1)[0]
    assert FIRST_ENGLISH in _page(client, f"/s/{token}")
    first = custom.items[0]
    draft = instruments.ItemDraft(
        code=first.code, text="I know why we are changing.", dimension=first.dimension
    )
    instruments.update_item(first, draft)
    page = _page(client, f"/s/{token}")
    assert "I know why we are changing." in page
    assert FIRST_ENGLISH not in page


def test_a_page_view_is_one_statement_and_a_submission_at_most_three(client, world, tokens):
    """The link with its wave, programme, instrument revision and whether a team is full
    in one statement; the response with its answers in one more (two on SQLite)."""
    answers = full_answers(world["instrument"])
    _page(client, f"/s/{tokens[2]}?lang=fr")  # the instrument's one-off reads
    with sent_statements() as view:
        _page(client, f"/s/{tokens[0]}?lang=fr")
    with sent_statements() as submission:
        assert client.post(f"/s/{tokens[0]}?lang=fr", data=answers).status_code == 303
    assert len(view) == 1
    # The link, spending it (a single-use link), the response and its answers.
    assert len(submission) <= 3 + (db.engine.dialect.name != "postgresql")
