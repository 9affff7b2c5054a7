"""Survey tools' response ids kept as salted hashes per wave, to skip responses that a
grown export holds again (see transform.models.source_ids): the ids never reach the
database, and nothing ties a hash to the response it came with."""

import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import insert, select

from transform.extensions import db
from transform.models import SourceIdHash, SourceIdSalt, Wave


def _salt(wave: Wave, create: bool) -> str | None:
    found = db.session.get(SourceIdSalt, wave.id)
    if found is None and create:
        found = SourceIdSalt(wave_id=wave.id, salt=secrets.token_hex(32))
        db.session.add(found)
        db.session.flush()
    return found.salt if found else None


def _hash(salt: str, source_id: str) -> str:
    return hashlib.sha256(f"{salt}\x00{source_id}".encode()).hexdigest()


def imported_before(wave: Wave, source_ids: Iterable[str]) -> set[str]:
    """Which of the ids were imported into the wave before."""
    salt = _salt(wave, create=False)
    if salt is None:
        return set()
    hashes = {_hash(salt, source_id): source_id for source_id in source_ids}
    known = db.session.scalars(
        select(SourceIdHash.id_hash).where(
            SourceIdHash.wave_id == wave.id, SourceIdHash.id_hash.in_(hashes)
        )
    )
    return {hashes[found] for found in known}


def remember(wave: Wave, source_ids: Iterable[str]) -> None:
    """Keep the ids' hashes for the wave; flush only. Sorted by hash, so that their order
    says nothing about the order of the responses."""
    ids = list(source_ids)
    if not ids:
        return
    salt = _salt(wave, create=True)
    rows = sorted({_hash(salt, source_id) for source_id in ids})
    db.session.execute(
        insert(SourceIdHash), [{"wave_id": wave.id, "id_hash": row} for row in rows]
    )
