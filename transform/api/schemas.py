"""What the API's schemas share: ids, dates, timestamps, figures, the page query and
envelope."""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Generic, TypeVar
from urllib.parse import urlencode

from flask import request
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import Select, func, select

from transform.api.spec import ID_MAX, TIMESTAMP_ERROR
from transform.extensions import db
from transform.value_reading import iso_date

T = TypeVar("T")
MAX_LIMIT = 200


def _iso_date(value):
    """JSON has no dates: only a string written YYYY-MM-DD is one (not a number of seconds,
    nor 04/11/2026, whose day and month could be swapped), read as the imports read it."""
    day = iso_date(value) if isinstance(value, str) else None
    if day is None:
        raise ValueError("write the date as YYYY-MM-DD")
    return day


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
#: Stored as naive UTC; sent with its offset.
UtcDateTime = Annotated[datetime, AfterValidator(lambda value: value.replace(tzinfo=UTC))]
RowId = Annotated[int, Field(ge=1, le=ID_MAX, strict=True)]

#: Figures leave the API rounded, never as full floats: scores on 0-100 to one decimal (the
#: pages round them to whole numbers), 0-1 figures to two (as the pages show agreement).
#: A full float's mean, interval and n give a team's exact sum and spread of answers, a
#: step towards single respondents' answers; it would also move the ETag on changes
#: nobody can see.
SCORE_DECIMALS = 1
COEFFICIENT_DECIMALS = 2


def _rounded_to(decimals: int) -> PlainSerializer:
    """The serializer that sends a float to `decimals` places (and 0.0, never -0.0)."""
    return PlainSerializer(
        lambda value: round(value, decimals) + 0.0, return_type=float, when_used="json"
    )


#: A score on 0-100 (an index, a rate in percent, a mean, a bound of its interval).
Score = Annotated[float, _rounded_to(SCORE_DECIMALS)]
#: A figure on 0-1: a weight, a share of weight, an agreement coefficient.
Coefficient = Annotated[float, _rounded_to(COEFFICIENT_DECIMALS)]


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Items per page.")
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip.")


def _timestamp(value):
    """An instant written ISO 8601 with its offset (Z or +hh:mm), as naive UTC: a time
    without an offset could be any of 27 instants."""
    moment = None
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None or moment.utcoffset() is None:
        raise PydanticCustomError(
            TIMESTAMP_ERROR,
            "write an ISO 8601 date and time with its offset, e.g. 2026-11-20T08:00:00+00:00",
        )
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        raise PydanticCustomError(TIMESTAMP_ERROR, "the instant is out of range") from None


Timestamp = Annotated[
    datetime,
    BeforeValidator(_timestamp),
    Field(json_schema_extra={"type": "string", "format": "date-time"}),
]


class SyncQuery(PageQuery):
    """A page of a list that a sync reads incrementally."""

    model_config = ConfigDict(extra="ignore")

    updated_since: Timestamp | None = Field(
        None,
        description="Only rows created or changed at or after this instant (ISO 8601 with "
        "its offset): send the time of your previous sync. A bad value is 400.",
    )


def changed_since(query: Select, column, since: datetime | None) -> Select:
    """The query narrowed to rows stamped at or after `since`, when one was sent."""
    return query if since is None else query.where(column >= since)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(ge=0)
    limit: int
    offset: int
    #: The URL of the next page, or null on the last one.
    next: str | None = None


def page_of(query: Select, page: PageQuery, item: Callable[[object], T]) -> dict:
    """One page of a query's rows (ordered by the query), with the total and next link."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows: Sequence = db.session.scalars(query.limit(page.limit).offset(page.offset)).all()
    following = page.offset + page.limit
    next_url = None
    if following < total:
        args = request.args.to_dict() | {"offset": following, "limit": page.limit}
        next_url = f"{request.base_url}?{urlencode(args)}"
    return {
        "items": [item(row) for row in rows],
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
        "next": next_url,
    }
