"""An instrument's languages on its page: complete translations, and incomplete ones."""

import pytest
from sqlalchemy import select

from tests import factories
from transform.extensions import db
from transform.models import Instrument, ItemTranslation
from transform.seeds import ADKAR_PULSE_NAME, READINESS_SURVEY_NAME, ensure_builtins
from transform.translations import language_refusal, offered_languages


@pytest.fixture
def editor(db, auth):
    ensure_builtins()
    factories.programme(admin=factories.user("pmo@example.com", name="Pam PMO"))
    auth.login("pmo@example.com")


def _instrument(name: str) -> Instrument:
    return db.session.scalar(select(Instrument).where(Instrument.name == name))


@pytest.mark.parametrize("name", [ADKAR_PULSE_NAME, READINESS_SURVEY_NAME])
def test_the_built_in_instruments_come_in_english_and_complete_french(db, name):
    ensure_builtins()
    instrument = _instrument(name)
    assert [language.code for language in offered_languages(instrument)] == ["en", "fr"]
    french = db.session.scalars(
        select(ItemTranslation.text)
        .join(ItemTranslation.item)
        .where(ItemTranslation.language == "fr")
        .where(ItemTranslation.item.has(instrument_id=instrument.id))
    ).all()
    english = {item.text for item in instrument.items}
    assert len(french) == len(instrument.items) and not english & set(french)
    assert language_refusal(instrument, "fr") is None


def test_installing_the_built_ins_again_adds_no_second_translation(db):
    ensure_builtins()
    ensure_builtins()
    instrument = _instrument(ADKAR_PULSE_NAME)
    assert [t.language for t in instrument.translations] == ["fr"]
    assert all(len(item.translations) == 1 for item in instrument.items)


def test_the_instrument_page_lists_its_languages(client, editor):
    page = client.get(f"/instruments/{_instrument(READINESS_SURVEY_NAME).id}").get_data(
        as_text=True
    )
    assert "Languages" in page
    assert '<th scope="row" lang="fr">Français</th>' in page
    assert "Complete</span> — offered to respondents" in page


def test_a_translation_missing_an_item_is_marked_incomplete_and_refused(client, editor):
    copied = client.post(f"/instruments/{_instrument(READINESS_SURVEY_NAME).id}/copy")
    copy_id = int(copied.headers["Location"].rsplit("/", 1)[1])
    copy = db.session.get(Instrument, copy_id)
    assert [language.code for language in offered_languages(copy)] == ["en", "fr"]
    added = client.post(
        f"/instruments/{copy_id}/items",
        data={
            "item-code": "EF6",
            "item-text": "We can keep the new way of working going after go-live.",
            "item-dimension": "efficacy",
            "item-scale_points": "5",
            "item-is_required": "y",
        },
    )
    assert added.status_code in (200, 303)
    db.session.expire_all()
    copy = db.session.get(Instrument, copy_id)
    page = client.get(f"/instruments/{copy_id}").get_data(as_text=True)
    assert "Incomplete</span> — lacks EF6; not offered to respondents" in page
    assert [language.code for language in offered_languages(copy)] == ["en"]
    assert language_refusal(copy, "fr") == (
        "The Français translation of “Copy of Readiness for change” is incomplete: it lacks "
        "EF6. Complete it before offering or sending it."
    )
    assert language_refusal(copy, "de") == (
        "“Copy of Readiness for change” has no German translation."
    )
