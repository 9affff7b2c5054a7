"""What a wave keeps of survey tools' response ids: a salted hash, to skip responses
already imported when a grown export is imported again.

The ids themselves are never stored, and the hashes sit apart from the responses: no
column links a hash to a response, and the primary key (wave, hash) carries no order of
arrival. The salt is the wave's own, so the same id in two waves hashes differently.
"""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from transform.models.base import Base


class SourceIdSalt(Base):
    """A wave's salt for hashing the response ids of the files imported into it."""

    __tablename__ = "source_id_salt"

    wave_id: Mapped[int] = mapped_column(
        ForeignKey("wave.id", ondelete="CASCADE"), primary_key=True
    )
    #: 32 random bytes as hex, made at the wave's first import with response ids.
    salt: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<SourceIdSalt wave={self.wave_id}>"


class SourceIdHash(Base):
    """One source response id already imported into a wave, as SHA-256(salt + id)."""

    __tablename__ = "source_id_hash"

    wave_id: Mapped[int] = mapped_column(
        ForeignKey("wave.id", ondelete="CASCADE"), primary_key=True
    )
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)

    def __repr__(self) -> str:
        return f"<SourceIdHash wave={self.wave_id}>"
