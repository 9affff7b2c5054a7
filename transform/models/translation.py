"""Translations of a survey instrument: its introduction, scale labels and item texts.

An answer is stored by item, whatever language the respondent read it in, so results pool
across languages. English is the instrument's own wording; a translation that lacks an
item's text is incomplete and is never offered to respondents (transform.translations).
"""

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base


class InstrumentTranslation(Base):
    """An instrument's introduction and scale labels in one language."""

    __tablename__ = "instrument_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instrument.id", ondelete="CASCADE"), index=True
    )
    #: A language code of transform.languages (e.g. "fr").
    language: Mapped[str] = mapped_column(String(8))
    intro: Mapped[str] = mapped_column(Text, default="")
    #: The labels of the scale's lowest, middle and highest points and of "don't know".
    scale_low: Mapped[str] = mapped_column(String(60))
    scale_mid: Mapped[str] = mapped_column(String(60))
    scale_high: Mapped[str] = mapped_column(String(60))
    dont_know: Mapped[str] = mapped_column(String(60))

    instrument: Mapped["Instrument"] = relationship(back_populates="translations")  # noqa: F821

    __table_args__ = (UniqueConstraint("instrument_id", "language"),)

    #: What a translation words besides the items.
    WORDING = ("intro", "scale_low", "scale_mid", "scale_high", "dont_know")

    @classmethod
    def worded_as(cls, language: str, source) -> "InstrumentTranslation":
        """A translation into `language` with the WORDING of `source` (a seed, a draft or
        another translation)."""
        return cls(language=language).reword(source)

    def reword(self, source) -> "InstrumentTranslation":
        """Take the WORDING of `source`; returns self."""
        for name in self.WORDING:
            setattr(self, name, getattr(source, name))
        return self

    def __repr__(self) -> str:
        return f"<InstrumentTranslation {self.instrument_id} {self.language}>"


class ItemTranslation(Base):
    """One item's text in one language."""

    __tablename__ = "item_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(String(400))

    item: Mapped["Item"] = relationship(back_populates="translations")  # noqa: F821

    __table_args__ = (UniqueConstraint("item_id", "language"),)

    def __repr__(self) -> str:
        return f"<ItemTranslation {self.item_id} {self.language}>"
