"""Saving an instrument's wording in another language; audited like its other changes.

An item left blank has no text in the language, which leaves the translation incomplete
(transform.translations): it is kept, shown as incomplete, and never offered or sent.
"""

from dataclasses import dataclass

from transform.audit import record_change
from transform.extensions import db
from transform.languages import InstrumentWording
from transform.models import Instrument, InstrumentTranslation, ItemTranslation


@dataclass(frozen=True)
class TranslationDraft(InstrumentWording):
    #: item id -> text; blank for an item not translated yet
    items: dict[int, str]


def translation_of(instrument: Instrument, language: str) -> InstrumentTranslation | None:
    return next((t for t in instrument.translations if t.language == language), None)


def save_translation(instrument: Instrument, draft: TranslationDraft) -> InstrumentTranslation:
    """Create or replace the instrument's wording in the draft's language."""
    translation = translation_of(instrument, draft.language)
    if translation is None:
        translation = InstrumentTranslation.worded_as(draft.language, draft)
        instrument.translations.append(translation)
    else:
        translation.reword(draft)
    for item in instrument.items:
        text = draft.items.get(item.id, "").strip()
        existing = next((t for t in item.translations if t.language == draft.language), None)
        if existing is not None and not text:
            item.translations.remove(existing)
        elif existing is not None:
            existing.text = text
        elif text:
            item.translations.append(ItemTranslation(language=draft.language, text=text))
    db.session.flush()
    translated = sorted(item.code for item in instrument.items if draft.items.get(item.id))
    record_change(
        "instrument.translated",
        instrument,
        None,
        after={"language": draft.language, "items_translated": translated},
    )
    return translation
