"""What a respondent reads of an instrument, kept in the process under its revision.

Every survey page view and submission needs the instrument's items, the languages it is
offered in and its wording in one of them, and none of that changes while nobody edits
the instrument. So each is read once per (instrument, revision[, language]) and kept.
`Instrument.revision` is drawn anew in the flush of any change to the instrument, one of
its items or translations (`init_survey_cache` listens to every flush), and the page
reads the revision with the link: after an edit the next view misses and reads the new
wording, in every process, and nothing needs clearing. The revision is random rather
than counted, so an instrument rolled back or restored from a backup never meets an
entry kept for other wording under the same key.
"""

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.orm import Session

from transform.answers import ItemSpec, item_spec
from transform.extensions import db
from transform.models import Instrument, InstrumentTranslation, Item, ItemTranslation
from transform.models.survey import random_id
from transform.translations import LanguageStatus, Wording, offered_languages, wording

#: Instruments (and wordings) kept per process; a few are open at any time.
MAX_KEPT = 256


@dataclass(frozen=True)
class Survey:
    """An instrument as its respondents meet it: the items in order, and the languages
    they may choose (English and every complete translation)."""

    items: tuple[ItemSpec, ...]
    languages: tuple[LanguageStatus, ...]


@lru_cache(maxsize=MAX_KEPT)
def survey(instrument_id: int, revision: int) -> Survey:
    instrument = db.session.get_one(Instrument, instrument_id)
    return Survey(
        tuple(item_spec(item) for item in instrument.items),
        tuple(offered_languages(instrument)),
    )


@lru_cache(maxsize=MAX_KEPT)
def survey_wording(instrument_id: int, revision: int, language: str) -> Wording:
    """The instrument's wording in the language (transform.translations.wording)."""
    return wording(db.session.get_one(Instrument, instrument_id), language)


def init_survey_cache() -> None:
    if not event.contains(Session, "before_flush", _new_revisions):
        event.listen(Session, "before_flush", _new_revisions)


def _new_revisions(session: Session, _context, _instances) -> None:
    """A new revision for each instrument whose wording, items or languages the flush
    changes (an item removed from its instrument leaves the instrument dirty)."""
    changed = {_instrument_of(row) for row in (*session.new, *session.dirty, *session.deleted)}
    for instrument in changed - {None}:
        if instrument not in session.deleted:
            instrument.revision = random_id()


def _instrument_of(row) -> Instrument | None:
    if isinstance(row, Instrument):
        return row
    if isinstance(row, Item | InstrumentTranslation):
        return row.instrument
    if isinstance(row, ItemTranslation):
        return row.item.instrument if row.item is not None else None
    return None
