"""Survey instruments, waves, anonymous links and the responses they collect.

Anonymity is structural: a link keeps only a hash of its token and a used flag, and a
response keeps wave, team, answers and the day. No column joins the two.

A wave's groups are frozen when it opens (WaveGroup): the team tree as it stood then, so
that later moves, merges and renames change the org chart, never an opened wave's
figures. A response's team_id is the id of its group's team as it stood then, kept after
the team is merged away.
"""

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow

#: Ids of responses and answers are drawn at random below this (2**53, so that they stay
#: exact in a float column and in JavaScript).
RANDOM_ID_LIMIT = 2**53


def random_id() -> int:
    """A random row id: responses and answers get no ids in the order they came, which
    could be lined up with the order in which links were used."""
    return secrets.randbelow(RANDOM_ID_LIMIT - 1) + 1


class InstrumentKind(enum.StrEnum):
    ADKAR = "adkar"
    READINESS = "readiness"
    CUSTOM = "custom"


class WaveStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class ResponseSource(enum.StrEnum):
    LINK = "link"
    TEAM_LINK = "team_link"
    IMPORT = "import"


class WaveCollection(enum.StrEnum):
    """How a wave collects its responses: one way only, so nobody can pad a group.

    Through links, respondents answer and nobody can add rows; by import, only the person
    who made its first import adds rows, so an importer only ever sees data they hold.
    """

    LINKS = "links"
    IMPORT = "import"

    @property
    def label(self) -> str:
        return {"links": "Survey links", "import": "Imported responses"}[self.value]


class Instrument(Base):
    __tablename__ = "instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[InstrumentKind] = mapped_column(
        enum_column(InstrumentKind, "instrument_kind"), default=InstrumentKind.CUSTOM
    )
    #: Shown to respondents above the questions.
    intro: Mapped[str] = mapped_column(Text, default="")
    is_builtin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Random, drawn anew whenever the instrument, an item or a translation changes
    #: (transform.survey_cache): what respondents read is cached under it, so an edit is
    #: never shown stale, and a rolled-back or restored instrument never meets a stale key.
    revision: Mapped[int] = mapped_column(BigInteger, default=random_id)

    items: Mapped[list["Item"]] = relationship(
        back_populates="instrument", cascade="all, delete-orphan", order_by="Item.position"
    )
    translations: Mapped[list["InstrumentTranslation"]] = relationship(  # noqa: F821
        back_populates="instrument",
        cascade="all, delete-orphan",
        order_by="InstrumentTranslation.language",
    )

    def __repr__(self) -> str:
        return f"<Instrument {self.id} {self.name!r}>"


class Item(Base):
    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: A short stable code, used as the column name in imports and exports.
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(400))
    #: An ADKAR element, a readiness subscale (commitment, efficacy) or a custom name.
    dimension: Mapped[str] = mapped_column(String(60))
    #: Points on the agreement scale: answers run 1..scale_points.
    scale_points: Mapped[int] = mapped_column(default=5)
    is_reverse: Mapped[bool] = mapped_column(default=False)
    allows_dont_know: Mapped[bool] = mapped_column(default=False)
    is_required: Mapped[bool] = mapped_column(default=True)

    instrument: Mapped[Instrument] = relationship(back_populates="items")
    translations: Mapped[list["ItemTranslation"]] = relationship(  # noqa: F821
        back_populates="item", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("instrument_id", "position"),
        UniqueConstraint("instrument_id", "code"),
        CheckConstraint("scale_points IN (5, 7)", name="scale_points_allowed"),
    )

    def __repr__(self) -> str:
        return f"<Item {self.code} {self.dimension}>"


class Wave(Base):
    """One run of an instrument in a programme."""

    __tablename__ = "wave"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(160))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    status: Mapped[WaveStatus] = mapped_column(
        enum_column(WaveStatus, "wave_status"), default=WaveStatus.DRAFT
    )
    collection: Mapped[WaveCollection] = mapped_column(
        enum_column(WaveCollection, "wave_collection"), default=WaveCollection.LINKS
    )
    #: The person whose imports fill an import wave: the first to import; nobody else may.
    importer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: When the wave's groups were frozen (its opening); None while a draft.
    groups_frozen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    instrument: Mapped[Instrument] = relationship()
    programme: Mapped["Programme"] = relationship()  # noqa: F821
    teams: Mapped[list["WaveTeam"]] = relationship(
        back_populates="wave", cascade="all, delete-orphan"
    )
    groups: Mapped[list["WaveGroup"]] = relationship(
        back_populates="wave", cascade="all, delete-orphan", order_by="WaveGroup.name"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("closes_on >= opens_on", name="dates_ordered"),)

    def __init__(self, **kwargs):
        kwargs.setdefault("status", WaveStatus.DRAFT)
        kwargs.setdefault("collection", WaveCollection.LINKS)
        super().__init__(**kwargs)

    def open(self) -> None:
        """Start accepting responses; only a draft wave opens."""
        if self.status != WaveStatus.DRAFT:
            raise ValueError(f"A {self.status} wave cannot be opened.")
        self.status = WaveStatus.OPEN

    def close(self) -> None:
        """Stop accepting responses; only an open wave closes."""
        if self.status != WaveStatus.OPEN:
            raise ValueError(f"A {self.status} wave cannot be closed.")
        self.status = WaveStatus.CLOSED

    def has_closed_by(self, day: date) -> bool:
        """Closed by hand, or past its close date: it takes no more responses."""
        return self.status == WaveStatus.CLOSED or self.closes_on < day

    def __repr__(self) -> str:
        return f"<Wave {self.id} {self.name!r} {self.status}>"


class WaveTeam(Base):
    """A team a wave targets; the optional team link is reusable by the whole team."""

    __tablename__ = "wave_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the team link's token; the token itself is never stored.
    team_link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    wave: Mapped[Wave] = relationship(back_populates="teams")
    team: Mapped["Team"] = relationship()  # noqa: F821

    __table_args__ = (UniqueConstraint("wave_id", "team_id"),)

    def __repr__(self) -> str:
        return f"<WaveTeam wave={self.wave_id} team={self.team_id}>"


class WaveGroup(Base):
    """A team of an opened wave as it stood when the wave opened: its name, parent and
    headcount then. Roll-ups and anonymity walk this tree, not today's."""

    __tablename__ = "wave_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    #: The team's id when the wave opened; no foreign key, so it outlives a merge.
    team_id: Mapped[int]
    #: Its parent's team id then; None for a root of the wave's tree.
    parent_team_id: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(160))
    headcount: Mapped[int] = mapped_column(default=0)
    #: The wave surveys this team (a WaveTeam when it opened); ancestors are groups too.
    is_target: Mapped[bool] = mapped_column(default=False)

    wave: Mapped[Wave] = relationship(back_populates="groups")

    __table_args__ = (UniqueConstraint("wave_id", "team_id"),)

    def __repr__(self) -> str:
        return f"<WaveGroup wave={self.wave_id} team={self.team_id} {self.name!r}>"


class SurveyLink(Base):
    """A single-use anonymous link: a token hash and whether it has been used."""

    __tablename__ = "survey_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    #: SHA-256 of the token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_used: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<SurveyLink {self.id} wave={self.wave_id} used={self.is_used}>"


class Response(Base):
    """One respondent's answers to a wave, tagged with the team and the day only."""

    __tablename__ = "response"

    #: Random, not in order of arrival: see random_id.
    id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, default=random_id
    )
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    #: The team of the wave's group (WaveGroup.team_id): no foreign key to team, so the
    #: response keeps its group when the team is later merged away.
    team_id: Mapped[int] = mapped_column(index=True)
    submitted_on: Mapped[date]
    source: Mapped[ResponseSource] = mapped_column(
        enum_column(ResponseSource, "response_source"), default=ResponseSource.LINK
    )
    #: Optional free text; shown only for groups at or above the comment threshold.
    comment: Mapped[str | None] = mapped_column(Text)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Response {self.id} wave={self.wave_id} team={self.team_id}>"


class Answer(Base):
    __tablename__ = "answer"

    #: Random, not in order of arrival: see random_id.
    id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, default=random_id
    )
    response_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("response.id", ondelete="CASCADE")
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    #: The raw answer on the item's scale; NULL means "don't know".
    value: Mapped[int | None]

    response: Mapped[Response] = relationship(back_populates="answers")

    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint("value IS NULL OR value BETWEEN 1 AND 7", name="value_range"),
    )

    def __repr__(self) -> str:
        return f"<Answer item={self.item_id} value={self.value}>"
