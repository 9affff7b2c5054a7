"""The survey waves a programme has opened, of one instrument kind or all, newest first."""

from datetime import date

from sqlalchemy import select

from transform.extensions import db
from transform.models import Instrument, InstrumentKind, Programme, Wave, WaveStatus


def opened_waves(
    programme: Programme, kind: InstrumentKind | None, opened_by: date | None = None
) -> list[Wave]:
    """Waves past draft of one kind (None: every kind), newest first; only those opened by
    `opened_by` when it is given."""
    conditions = [Wave.programme_id == programme.id, Wave.status != WaveStatus.DRAFT]
    if kind is not None:
        conditions.append(Instrument.kind == kind)
    if opened_by is not None:
        conditions.append(Wave.opens_on <= opened_by)
    return list(
        db.session.scalars(
            select(Wave)
            .join(Instrument, Instrument.id == Wave.instrument_id)
            .where(*conditions)
            .order_by(Wave.opens_on.desc(), Wave.id.desc())
        )
    )
