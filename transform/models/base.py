"""Declarative base with stable constraint names, and column helpers shared by models."""

import enum

from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

from transform.clock import utcnow  # noqa: F401 (models' timestamp default)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum: a VARCHAR of the values with a named CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
        length=max(len(m.value) for m in enum_cls),
    )


class Adkar(enum.StrEnum):
    """The ADKAR elements in Prosci's order; the order is the barrier-point order."""

    AWARENESS = "awareness"
    DESIRE = "desire"
    KNOWLEDGE = "knowledge"
    ABILITY = "ability"
    REINFORCEMENT = "reinforcement"

    @property
    def label(self) -> str:
        return self.value.capitalize()
