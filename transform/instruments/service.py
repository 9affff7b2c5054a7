"""Survey instrument changes that touch several rows; they flush, never commit.

The lock rule lives in `lock_reason`: a built-in instrument never changes, and neither
does one that a wave with responses uses, since its answers were given to those items.
"""

from dataclasses import dataclass
from itertools import count, groupby

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import (
    Adkar,
    Instrument,
    InstrumentKind,
    InstrumentTranslation,
    Item,
    ItemTranslation,
    Response,
    Wave,
)
from transform.ordering import move_child, next_position, remove_child
from transform.seeds.instruments import COMMITMENT, EFFICACY

NAME_MAX = 160
CODE_MAX = 40
TEXT_MAX = 400
DIMENSION_MAX = 60
SCALES = (5, 7)

ADKAR_DIMENSIONS = tuple(element.value for element in Adkar)
READINESS_DIMENSIONS = (COMMITMENT, EFFICACY)

#: The dimensions an instrument of each kind may measure; None means any.
KIND_DIMENSIONS: dict[InstrumentKind, tuple[str, ...] | None] = {
    InstrumentKind.ADKAR: ADKAR_DIMENSIONS,
    InstrumentKind.READINESS: READINESS_DIMENSIONS,
    InstrumentKind.CUSTOM: None,
}

KIND_RULES = {
    InstrumentKind.ADKAR: (
        "An ADKAR instrument measures only the five ADKAR elements: "
        "awareness, desire, knowledge, ability and reinforcement."
    ),
    InstrumentKind.READINESS: (
        "A readiness instrument measures only change commitment and change efficacy."
    ),
}

BUILTIN_MESSAGE = "Built-in instruments are read-only; copy one to change it."
RESPONSES_MESSAGE = "This instrument has responses; copy it to change it."


class InstrumentError(ValueError):
    """An instrument change the rules refuse, with a message for the user."""


@dataclass(frozen=True)
class ItemDraft:
    """What an item says, as entered; the service checks it against the instrument."""

    code: str
    text: str
    dimension: str
    scale_points: int = 5
    is_reverse: bool = False
    allows_dont_know: bool = False
    is_required: bool = True


@dataclass(frozen=True)
class Usage:
    wave_count: int
    has_responses: bool


@dataclass(frozen=True)
class InstrumentSummary:
    instrument: Instrument
    item_count: int
    #: Dimensions in the order their first item appears.
    dimensions: tuple[str, ...]
    wave_count: int
    has_responses: bool

    @property
    def lock_reason(self) -> str | None:
        return lock_reason(self.instrument, self.has_responses)


def lock_reason(instrument: Instrument, has_responses: bool | None = None) -> str | None:
    """Why the instrument cannot change, or None: it is built-in or has responses."""
    if instrument.is_builtin:
        return BUILTIN_MESSAGE
    if has_responses is None:
        has_responses = usage(instrument).has_responses
    return RESPONSES_MESSAGE if has_responses else None


def _wave_count():
    return select(func.count(Wave.id)).where(Wave.instrument_id == Instrument.id).scalar_subquery()


def _has_responses():
    return exists().where(Wave.instrument_id == Instrument.id, Response.wave_id == Wave.id)


def usage(instrument: Instrument) -> Usage:
    """How many waves use the instrument and whether any of them has a response."""
    row = db.session.execute(
        select(_wave_count(), _has_responses()).where(Instrument.id == instrument.id)
    ).one()
    return Usage(*row)


def instrument_summaries() -> list[InstrumentSummary]:
    """Every instrument with its items' count and dimensions and its use; built-ins first."""
    items = (
        select(func.count(Item.id)).where(Item.instrument_id == Instrument.id).scalar_subquery()
    )
    rows = db.session.execute(
        select(Instrument, items, _wave_count(), _has_responses()).order_by(
            Instrument.is_builtin.desc(), Instrument.name
        )
    ).all()
    first_position = func.min(Item.position)
    dimensions: dict[int, list[str]] = {}
    for instrument_id, dimension in db.session.execute(
        select(Item.instrument_id, Item.dimension)
        .group_by(Item.instrument_id, Item.dimension)
        .order_by(Item.instrument_id, first_position)
    ):
        dimensions.setdefault(instrument_id, []).append(dimension)
    return [
        InstrumentSummary(
            instrument, item_count, tuple(dimensions.get(instrument.id, ())), waves, answered
        )
        for instrument, item_count, waves, answered in rows
    ]


def load_instrument(instrument_id: int) -> Instrument | None:
    """The instrument with its items in order, ready to render."""
    return db.session.scalar(
        select(Instrument)
        .where(Instrument.id == instrument_id)
        .options(selectinload(Instrument.items))
    )


def dimension_runs(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """Consecutive items that share a dimension, in item order, for grouping on a page."""
    return [(dimension, list(run)) for dimension, run in groupby(items, lambda i: i.dimension)]


def dimension_counts(items: list[Item]) -> list[tuple[str, int]]:
    """Each dimension with its number of items, in the order its first item appears."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.dimension] = counts.get(item.dimension, 0) + 1
    return list(counts.items())


def dimension_error(kind: InstrumentKind, dimension: str) -> str | None:
    """Why an instrument of this kind cannot measure the dimension, or None when it can."""
    allowed = KIND_DIMENSIONS[kind]
    if allowed is None or dimension in allowed:
        return None
    return KIND_RULES[kind]


def misfit_items(instrument: Instrument, kind: InstrumentKind) -> list[Item]:
    """The items whose dimension an instrument of the given kind may not measure."""
    return [item for item in instrument.items if dimension_error(kind, item.dimension)]


def name_is_taken(name: str, exclude_id: int | None = None) -> bool:
    """True when another instrument has this name, ignoring case and outer spaces."""
    query = select(Instrument.id).where(func.lower(Instrument.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Instrument.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def code_is_taken(instrument: Instrument, code: str, exclude_item_id: int | None = None) -> bool:
    """True when another item of the instrument has this code, ignoring case."""
    wanted = code.strip().lower()
    return any(
        item.code.lower() == wanted and item.id != exclude_item_id for item in instrument.items
    )


def unique_name(base: str) -> str:
    """The name, or the name with " (2)", " (3)"… when taken; never over the length limit."""
    base = base[:NAME_MAX]
    if not name_is_taken(base):
        return base
    for number in count(2):
        suffix = f" ({number})"
        candidate = base[: NAME_MAX - len(suffix)] + suffix
        if not name_is_taken(candidate):
            return candidate
    raise AssertionError("unreachable")


def create_instrument(
    name: str, description: str = "", intro: str = "", kind: InstrumentKind = InstrumentKind.CUSTOM
) -> Instrument:
    """Create an empty custom instrument of the given kind."""
    instrument = Instrument(
        name=name.strip(), description=description.strip(), intro=intro.strip(), kind=kind
    )
    db.session.add(instrument)
    db.session.flush()
    record_change("created", instrument, None, after=_instrument_snapshot(instrument))
    return instrument


def update_instrument(
    instrument: Instrument, name: str, description: str, intro: str, kind: InstrumentKind
) -> None:
    """Rename, describe or re-kind an instrument; its items must fit the new kind."""
    _refuse_locked(instrument)
    if misfit_items(instrument, kind):
        raise InstrumentError(KIND_RULES[kind])
    before = _instrument_snapshot(instrument)
    instrument.name = name.strip()
    instrument.description = description.strip()
    instrument.intro = intro.strip()
    instrument.kind = kind
    db.session.flush()
    record_change(
        "updated", instrument, None, before=before, after=_instrument_snapshot(instrument)
    )


def copy_instrument(source: Instrument) -> Instrument:
    """A custom deep copy of any instrument, named "Copy of …" and made unique."""
    copy = Instrument(
        name=unique_name(f"Copy of {source.name}"),
        description=source.description,
        intro=source.intro,
        kind=source.kind,
        items=[
            Item(
                position=item.position,
                code=item.code,
                text=item.text,
                dimension=item.dimension,
                scale_points=item.scale_points,
                is_reverse=item.is_reverse,
                allows_dont_know=item.allows_dont_know,
                is_required=item.is_required,
                translations=[
                    ItemTranslation(language=t.language, text=t.text) for t in item.translations
                ],
            )
            for item in source.items
        ],
        translations=[InstrumentTranslation.worded_as(t.language, t) for t in source.translations],
    )
    db.session.add(copy)
    db.session.flush()
    after = snapshot(copy, "name") | {"copied_from_id": source.id, "copied_from": source.name}
    record_change("instrument.copied", copy, None, after=after)
    return copy


def delete_instrument(instrument: Instrument) -> None:
    """Delete a custom instrument that no wave uses."""
    _refuse_locked(instrument)
    used_by = usage(instrument).wave_count
    if used_by:
        noun = "wave uses" if used_by == 1 else "waves use"
        raise InstrumentError(f"{used_by} {noun} this instrument, so it cannot be deleted.")
    record_change("deleted", instrument, None, before=_instrument_snapshot(instrument))
    db.session.delete(instrument)
    db.session.flush()


def add_item(instrument: Instrument, draft: ItemDraft) -> Item:
    """Add an item at the end of the instrument."""
    _check_item(instrument, draft)
    item = Item(position=next_position(instrument.items), **_item_values(draft))
    instrument.items.append(item)
    db.session.flush()
    record_change("created", item, None, after=_item_snapshot(item))
    return item


def update_item(item: Item, draft: ItemDraft) -> None:
    """Change what an item says, measures or allows; its position stays."""
    _check_item(item.instrument, draft, item)
    before = _item_snapshot(item)
    for name, value in _item_values(draft).items():
        setattr(item, name, value)
    db.session.flush()
    record_change("updated", item, None, before=before, after=_item_snapshot(item))


def remove_item(item: Item) -> None:
    """Remove an item; later items move up."""
    _refuse_locked(item.instrument)
    remove_child(item.instrument, "items", item, _item_snapshot(item))


def move_item(item: Item, offset: int) -> None:
    """Move an item earlier (offset -1) or later (+1); at either end it stays put."""
    _refuse_locked(item.instrument)
    move_child(item.instrument, "items", item, offset, _item_snapshot)


def _refuse_locked(instrument: Instrument) -> None:
    reason = lock_reason(instrument)
    if reason:
        raise InstrumentError(reason)


def _check_item(instrument: Instrument, draft: ItemDraft, item: Item | None = None) -> None:
    _refuse_locked(instrument)
    problem = dimension_error(instrument.kind, draft.dimension)
    if problem:
        raise InstrumentError(problem)
    if draft.scale_points not in SCALES:
        raise InstrumentError("An item's scale has 5 or 7 points.")
    if code_is_taken(instrument, draft.code, item.id if item else None):
        raise InstrumentError(f"Another item already has the code {draft.code}.")


def _item_values(draft: ItemDraft) -> dict:
    return {
        "code": draft.code.strip(),
        "text": draft.text.strip(),
        "dimension": draft.dimension.strip().lower(),
        "scale_points": draft.scale_points,
        "is_reverse": draft.is_reverse,
        "allows_dont_know": draft.allows_dont_know,
        "is_required": draft.is_required,
    }


def _instrument_snapshot(instrument: Instrument) -> dict:
    return snapshot(instrument, "name", "description", "intro", "kind")


def _item_snapshot(item: Item) -> dict:
    return snapshot(
        item,
        "instrument_id",
        "position",
        "code",
        "text",
        "dimension",
        "scale_points",
        "is_reverse",
        "allows_dont_know",
        "is_required",
    )
