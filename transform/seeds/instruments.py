"""The built-in survey instruments, worded by this project, and their idempotent installation."""

from dataclasses import dataclass

from sqlalchemy import select

from transform.extensions import db
from transform.models import (
    Adkar,
    Instrument,
    InstrumentKind,
    InstrumentTranslation,
    Item,
    ItemTranslation,
)
from transform.seeds.instruments_fr import ADKAR_PULSE_FR, READINESS_FR, TranslationSpec

ADKAR_PULSE_NAME = "ADKAR adoption pulse"
READINESS_SURVEY_NAME = "Readiness for change"

COMMITMENT = "commitment"
EFFICACY = "efficacy"


@dataclass(frozen=True)
class ItemSpec:
    code: str
    text: str
    dimension: str
    is_reverse: bool = False
    allows_dont_know: bool = False


@dataclass(frozen=True)
class InstrumentSpec:
    name: str
    kind: InstrumentKind
    description: str
    intro: str
    items: tuple[ItemSpec, ...]
    translations: tuple[TranslationSpec, ...] = ()


ADKAR_PULSE = InstrumentSpec(
    name=ADKAR_PULSE_NAME,
    kind=InstrumentKind.ADKAR,
    description=(
        "A short pulse on the five ADKAR elements (Awareness, Desire, Knowledge, Ability, "
        "Reinforcement), three statements each, to find where a team's adoption is stuck."
    ),
    intro=(
        "This survey asks how the change in your team is going for you. It is anonymous: "
        "results are only shown for groups of several people, never for one person. There "
        "are no right or wrong answers."
    ),
    items=(
        ItemSpec("AW1", "I understand why the way we work is changing.", Adkar.AWARENESS),
        ItemSpec("AW2", "I know which problems this change is meant to solve.", Adkar.AWARENESS),
        ItemSpec(
            "AW3",
            "I am not sure why this change is needed now.",
            Adkar.AWARENESS,
            is_reverse=True,
        ),
        ItemSpec("DE1", "I want this change to succeed.", Adkar.DESIRE),
        ItemSpec("DE2", "I can see how this change will help me in my own work.", Adkar.DESIRE),
        ItemSpec(
            "DE3",
            "I would rather keep working the way we do today.",
            Adkar.DESIRE,
            is_reverse=True,
        ),
        ItemSpec("KN1", "I know how to do my job under the new way of working.", Adkar.KNOWLEDGE),
        ItemSpec("KN2", "I have had the training I need for the new processes.", Adkar.KNOWLEDGE),
        ItemSpec("KN3", "I know where to get help when I am unsure what to do.", Adkar.KNOWLEDGE),
        ItemSpec(
            "AB1", "I can use the new processes and tools day to day without help.", Adkar.ABILITY
        ),
        ItemSpec(
            "AB2", "I have the time and support to practise the new way of working.", Adkar.ABILITY
        ),
        ItemSpec(
            "AB3",
            "Problems with the new processes or tools often stop me getting work done.",
            Adkar.ABILITY,
            is_reverse=True,
        ),
        ItemSpec(
            "RE1",
            "My manager notices and recognises it when we work the new way.",
            Adkar.REINFORCEMENT,
        ),
        ItemSpec(
            "RE2", "The new way of working is becoming a habit in my team.", Adkar.REINFORCEMENT
        ),
        ItemSpec(
            "RE3",
            "I am confident we will not slip back into the old way of working.",
            Adkar.REINFORCEMENT,
        ),
    ),
    translations=(ADKAR_PULSE_FR,),
)

READINESS = InstrumentSpec(
    name=READINESS_SURVEY_NAME,
    kind=InstrumentKind.READINESS,
    description=(
        "How ready a team is to put a change in place, on two subscales: change commitment "
        "(the team wants to make it happen) and change efficacy (the team believes it can)."
    ),
    intro=(
        "We would like to know how ready your team feels for the coming change. Answer for "
        "your team as a whole, not just for yourself. If you cannot judge a statement, "
        'choose "don\'t know" where it is offered. Your answers are anonymous.'
    ),
    items=(
        ItemSpec("CM1", "People in my team are determined to make this change work.", COMMITMENT),
        ItemSpec("CM2", "My team thinks this change is worth the effort it takes.", COMMITMENT),
        ItemSpec(
            "CM3", "My team is prepared to put in extra effort to make this change.", COMMITMENT
        ),
        ItemSpec("CM4", "Making this change succeed is a real priority for my team.", COMMITMENT),
        ItemSpec(
            "CM5",
            "My team is going along with this change only because it has to.",
            COMMITMENT,
            is_reverse=True,
        ),
        ItemSpec(
            "EF1",
            "My team has the people and tools it needs to put this change in place.",
            EFFICACY,
            allows_dont_know=True,
        ),
        ItemSpec(
            "EF2",
            "We can keep serving clients well while the change is introduced.",
            EFFICACY,
            allows_dont_know=True,
        ),
        ItemSpec(
            "EF3",
            "We can support colleagues who find the new way of working hard.",
            EFFICACY,
            allows_dont_know=True,
        ),
        ItemSpec(
            "EF4",
            "We can organise among ourselves the work this change requires.",
            EFFICACY,
            allows_dont_know=True,
        ),
        ItemSpec(
            "EF5",
            "I doubt my team can cope with the disruption this change will bring.",
            EFFICACY,
            is_reverse=True,
            allows_dont_know=True,
        ),
    ),
    translations=(READINESS_FR,),
)

BUILTIN_INSTRUMENTS: tuple[InstrumentSpec, ...] = (ADKAR_PULSE, READINESS)


def ensure_builtin_instruments() -> list[Instrument]:
    """Install any missing built-in survey instrument, and any missing translation of one,
    and return all of them; a built-in's introduction follows its spec (it is read-only)."""
    instruments = []
    for spec in BUILTIN_INSTRUMENTS:
        instrument = db.session.scalar(select(Instrument).where(Instrument.name == spec.name))
        if instrument is None:
            instrument = _build_instrument(spec)
            db.session.add(instrument)
        elif instrument.is_builtin:
            instrument.intro = spec.intro
        _add_missing_translations(instrument, spec)
        instruments.append(instrument)
    db.session.flush()
    return instruments


def _add_missing_translations(instrument: Instrument, spec: InstrumentSpec) -> None:
    have = {translation.language for translation in instrument.translations}
    for translation in spec.translations:
        if translation.language in have:
            continue
        instrument.translations.append(
            InstrumentTranslation.worded_as(translation.language, translation)
        )
        for item in instrument.items:
            if item.code in translation.items:
                item.translations.append(
                    ItemTranslation(
                        language=translation.language, text=translation.items[item.code]
                    )
                )


def _build_instrument(spec: InstrumentSpec) -> Instrument:
    return Instrument(
        name=spec.name,
        kind=spec.kind,
        description=spec.description,
        intro=spec.intro,
        is_builtin=True,
        items=[
            Item(
                position=position,
                code=item.code,
                text=item.text,
                dimension=str(item.dimension),
                scale_points=5,
                is_reverse=item.is_reverse,
                allows_dont_know=item.allows_dont_know,
            )
            for position, item in enumerate(spec.items, start=1)
        ],
    )
