"""An instrument's languages on its page: complete translations, and incomplete ones."""

import pytest
from sqlalchemy import select

from tests import factories
from transform.extensions import db
from transform.models import Instrument, ItemTranslation
from transform.seeds import ADKAR_PULSE_NAME, READINESS_SURVEY_NAME, ensure_builtins
from transform.translations import language_refusal, offered_languages

EF6 = {
    "item-code": "EF6",
    "item-text": "We can keep the new way of working going after go-live.",
    "item-dimension": "efficacy",
    "item-scale_points": "5",
    "item-is_required": "y",
}


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
        data=EF6,
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


def _copy_of(client, name: str) -> Instrument:
    copied = client.post(f"/instruments/{_instrument(name).id}/copy")
    return db.session.get(Instrument, int(copied.headers["Location"].rsplit("/", 1)[1]))


def _wording(instrument: Instrument, **changes) -> dict:
    data = {
        "intro": "Dites-nous comment se passe le changement.",
        "scale_low": "Pas du tout d’accord",
        "scale_mid": "Ni d’accord ni pas d’accord",
        "scale_high": "Tout à fait d’accord",
        "dont_know": "Je ne sais pas",
    }
    data |= {f"item_{item.id}": f"Texte de {item.code}" for item in instrument.items}
    return data | changes


def test_a_pmo_completes_an_incomplete_translation(client, editor):
    copy = _copy_of(client, READINESS_SURVEY_NAME)
    client.post(
        f"/instruments/{copy.id}/items",
        data=EF6,
    )
    db.session.expire_all()
    copy = db.session.get(Instrument, copy.id)
    form = client.get(f"/instruments/{copy.id}/translations/fr").get_data(as_text=True)
    assert "Mon équipe estime que ce changement vaut les efforts qu’il demande." in form
    assert "EF6: We can keep the new way of working going after go-live." in form
    new = next(item for item in copy.items if item.code == "EF6")
    saved = client.post(
        f"/instruments/{copy.id}/translations/fr",
        data=_wording(copy, **{f"item_{new.id}": "Nous saurons faire durer la nouvelle façon."}),
    )
    assert saved.status_code == 303
    db.session.expire_all()
    copy = db.session.get(Instrument, copy.id)
    assert [language.code for language in offered_languages(copy)] == ["en", "fr"]
    assert [t.text for t in new.translations] == ["Nous saurons faire durer la nouvelle façon."]


def test_a_blank_question_is_kept_incomplete_and_a_blank_label_is_refused(client, editor):
    copy = _copy_of(client, READINESS_SURVEY_NAME)
    first = copy.items[0]
    refused = client.post(
        f"/instruments/{copy.id}/translations/fr", data=_wording(copy, scale_low="")
    )
    assert refused.status_code == 422 and b'id="scale_low-error"' in refused.data
    kept = client.post(
        f"/instruments/{copy.id}/translations/fr", data=_wording(copy, **{f"item_{first.id}": ""})
    )
    assert kept.status_code == 303
    db.session.expire_all()
    copy = db.session.get(Instrument, copy.id)
    assert "lacks CM1" in language_refusal(copy, "fr")


def test_built_ins_and_unknown_languages_take_no_translation(client, editor):
    builtin = _instrument(ADKAR_PULSE_NAME)
    assert client.get(f"/instruments/{builtin.id}/translations/fr").status_code == 403
    copy = _copy_of(client, ADKAR_PULSE_NAME)
    assert client.get(f"/instruments/{copy.id}/translations/en").status_code == 404
    assert client.get(f"/instruments/{copy.id}/translations/xx").status_code == 404


def test_a_new_instrument_offers_to_add_a_translation(client, editor):
    created = client.post(
        "/instruments/new", data={"name": "Team pulse", "kind": "custom", "intro": "Hello."}
    )
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Add a translation: Français" in page
    assert "Complete" not in page and "Incomplete" not in page
