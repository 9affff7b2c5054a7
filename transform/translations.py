"""Which languages an instrument can be answered in, and its wording in one of them.

A translation is complete when every item of the instrument has a text in it; only a
complete translation, in a language the respondent page can be worded in
(transform.languages), is offered to respondents or may be sent. Each answer a question
takes in one query, not one per item: respondent pages are on the submission path.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from transform.extensions import db
from transform.languages import ENGLISH, PAGE_TEXT, InstrumentWording, PageText, language_name
from transform.models import Instrument, InstrumentTranslation, Item, ItemTranslation


@dataclass(frozen=True)
class LanguageStatus:
    """One language of an instrument: complete, or the codes of the items it lacks."""

    code: str
    name: str
    missing: tuple[str, ...]
    #: transform can word the respondent page in it (transform.languages.PAGE_TEXT).
    is_supported: bool = True

    @property
    def is_complete(self) -> bool:
        return not self.missing and self.is_supported


@dataclass(frozen=True)
class Wording(InstrumentWording):
    """What a respondent reads in one language: the page's text, the intro, the scale's
    labels and each item's text by item id."""

    page: PageText
    items: dict[int, str]


def language_statuses(instrument: Instrument) -> list[LanguageStatus]:
    """English, then each translation of the instrument with the items it lacks."""
    codes = [item.code for item in instrument.items]
    translated: dict[str, set[str]] = {}
    for language, code in db.session.execute(
        select(ItemTranslation.language, Item.code)
        .join(Item, Item.id == ItemTranslation.item_id)
        .where(Item.instrument_id == instrument.id, func.trim(ItemTranslation.text) != "")
    ):
        translated.setdefault(language, set()).add(code)
    statuses = [LanguageStatus(ENGLISH, language_name(ENGLISH), ())]
    for translation in instrument.translations:
        done = translated.get(translation.language, set())
        statuses.append(
            LanguageStatus(
                translation.language,
                language_name(translation.language),
                tuple(code for code in codes if code not in done),
                translation.language in PAGE_TEXT,
            )
        )
    return statuses


def offered_languages(instrument: Instrument) -> list[LanguageStatus]:
    """The languages respondents may choose: English and every complete translation."""
    return [status for status in language_statuses(instrument) if status.is_complete]


def language_refusal(instrument: Instrument, language: str) -> str | None:
    """Why the instrument cannot be offered or sent in the language, or None when it can."""
    status = next((s for s in language_statuses(instrument) if s.code == language), None)
    name = language_name(language)
    if status is None:
        return f"“{instrument.name}” has no {name} translation."
    if not status.is_supported:
        return f"Surveys cannot be answered in “{language}” yet: the page has no wording in it."
    if status.missing:
        return (
            f"The {name} translation of “{instrument.name}” is incomplete: it lacks "
            f"{', '.join(status.missing)}. Complete it before offering or sending it."
        )
    return None


def wording(instrument: Instrument, language: str) -> Wording:
    """The instrument as a respondent reads it in the language (English when it is English
    or the instrument has no translation in it): one query for a translation, none else."""
    translation = next((t for t in instrument.translations if t.language == language), None)
    english = {item.id: item.text for item in instrument.items}
    if language == ENGLISH or translation is None or language not in PAGE_TEXT:
        page = PAGE_TEXT[ENGLISH]
        return Wording(
            language=ENGLISH,
            intro=instrument.intro,
            scale_low=page.scale_low,
            scale_mid=page.scale_mid,
            scale_high=page.scale_high,
            dont_know=page.dont_know,
            page=page,
            items=english,
        )
    texts = db.session.execute(
        select(ItemTranslation.item_id, ItemTranslation.text)
        .join(Item, Item.id == ItemTranslation.item_id)
        .where(Item.instrument_id == instrument.id, ItemTranslation.language == language)
    ).all()
    return Wording(
        **{name: getattr(translation, name) for name in InstrumentTranslation.WORDING},
        language=language,
        page=PAGE_TEXT[language],
        items=english | {item_id: text for item_id, text in texts if text.strip()},
    )
